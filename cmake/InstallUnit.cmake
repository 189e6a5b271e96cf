# Run by `cmake --install` (cmake/Install.cmake): configures packaging/systemd/xvrrpd.service.in
# with this install's prefix and installs it where systemd looks for units of that prefix:
# /lib/systemd/system for /usr (Debian's place for packaged units), PREFIX/lib/systemd/system
# otherwise.
foreach(dir SBINDIR BINDIR)
  if(IS_ABSOLUTE "${XVRRP_INSTALL_${dir}}")
    set(CMAKE_INSTALL_FULL_${dir} "${XVRRP_INSTALL_${dir}}")
  else()
    set(CMAKE_INSTALL_FULL_${dir} "${CMAKE_INSTALL_PREFIX}/${XVRRP_INSTALL_${dir}}")
  endif()
endforeach()
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(unit_dir /lib/systemd/system)
else()
  set(unit_dir "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
endif()
# configure_file() would make a variable this script does not know an empty string: refuse.
file(READ "${XVRRP_UNIT_IN}" unit_text)
string(REGEX MATCHALL "@[A-Za-z0-9_]+@" unit_vars "${unit_text}")
foreach(var IN LISTS unit_vars)
  string(REPLACE "@" "" var "${var}")
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${XVRRP_UNIT_IN} uses @${var}@, which cmake/InstallUnit.cmake does not "
                        "set at install time: add it there")
  endif()
endforeach()

# A file of this install's own: two installs at once (cpack and cmake --install from one build
# directory, with different prefixes) must not write each other's unit.
string(RANDOM LENGTH 12 unique)
set(configured "${XVRRP_UNIT_OUT_DIR}/xvrrpd.service.${unique}")
configure_file("${XVRRP_UNIT_IN}" "${configured}" @ONLY)
file(INSTALL DESTINATION "${unit_dir}" TYPE FILE RENAME xvrrpd.service
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${configured}")
file(REMOVE "${configured}")
