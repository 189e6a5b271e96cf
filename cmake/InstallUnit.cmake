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
configure_file("${XVRRP_UNIT_IN}" "${XVRRP_UNIT_OUT}" @ONLY)
file(INSTALL DESTINATION "${unit_dir}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ
     WORLD_READ FILES "${XVRRP_UNIT_OUT}")
