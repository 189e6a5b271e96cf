# -DXVRRP_SANITIZE=ON: every C and C++ target of the build with AddressSanitizer and
# UndefinedBehaviorSanitizer (g++'s libasan and libubsan). The first report stops the process
# with an error, so a test that triggers one fails. The BPF objects are compiled for the kernel
# by their own clang commands (BpfObject.cmake) and are not affected. docs/testing.md.
if(XVRRP_SANITIZE)
  set(XVRRP_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                           -fno-omit-frame-pointer)
  add_compile_options(${XVRRP_SANITIZE_FLAGS})
  # g++ 12 with ASan warns that std::function inside <regex> "may be used uninitialized" in
  # every test that builds a std::regex: a false positive of the instrumented code.
  add_compile_options($<$<COMPILE_LANGUAGE:CXX>:-Wno-maybe-uninitialized>)
  add_link_options(${XVRRP_SANITIZE_FLAGS})
endif()
