# The configuration reader's sources, listed once: userspace/config/CMakeLists.txt builds them
# into xvrrp_config, and the fuzz build (tests/fuzz/clang) compiles them with its instrumentation.
set(XVRRP_CONFIG_SOURCES
  command_line.cpp
  diagnostics.cpp
  duration.cpp
  instance.cpp
  load.cpp
  parse.cpp
  prescan.cpp
  reader.cpp
  script.cpp
  sync_group.cpp)
list(TRANSFORM XVRRP_CONFIG_SOURCES PREPEND ${CMAKE_CURRENT_LIST_DIR}/)
