# What `cmake --install` puts where (docs/operations.md, "Install"). Relative destinations
# follow the install prefix (--prefix, /usr/local by default; the package uses /usr):
#   sbin/xvrrpd                      the daemon (the XDP program is built into it)
#   bin/xvrrpctl                     the client: bin, not sbin, because members of
#                                    control_socket_group run it without root
#   share/man/man{5,8}/*.gz          xvrrpd(8), xvrrpctl(8), xvrrpd.toml(5), gzip -9n as Debian wants
#   share/bash-completion/completions/{xvrrpd,xvrrpctl}
#   share/doc/xvrrp/                 README.md, docs/ as a whole, examples/xvrrpd.toml
#   lib/systemd/system/xvrrpd.service   /lib/systemd/system when the prefix is /usr
# The example configuration goes to /etc/xvrrp/xvrrpd.toml only in the package (the component
# `deb`, which a plain `cmake --install` leaves out: it never overwrites a configuration).

# --version prints project()'s version, the one the package carries.
foreach(target xvrrpd xvrrpctl)
  target_compile_definitions(${target} PRIVATE XVRRP_VERSION="${PROJECT_VERSION}")
endforeach()

install(TARGETS xvrrpd DESTINATION ${CMAKE_INSTALL_SBINDIR})
install(TARGETS xvrrpctl DESTINATION ${CMAKE_INSTALL_BINDIR})

# Man pages, compressed at build time so that the installed files are the same on every build.
set(man_pages xvrrpd.8 xvrrpctl.8 xvrrpd.toml.5)
set(man_gz)
foreach(page ${man_pages})
  set(src ${CMAKE_SOURCE_DIR}/packaging/man/${page})
  set(gz ${CMAKE_BINARY_DIR}/packaging/man/${page}.gz)
  add_custom_command(OUTPUT ${gz}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/packaging/man
    COMMAND sh -c "gzip -9n -c \"$0\" > \"$1\"" ${src} ${gz}
    DEPENDS ${src}
    COMMENT "gzip ${page}"
    VERBATIM)
  list(APPEND man_gz ${gz})
  string(REGEX MATCH "[0-9]$" section ${page})
  install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
endforeach()
add_custom_target(xvrrp_man ALL DEPENDS ${man_gz})

install(FILES packaging/bash-completion/xvrrpd packaging/bash-completion/xvrrpctl
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)

set(XVRRP_DOCDIR ${CMAKE_INSTALL_DATADIR}/doc/xvrrp)
install(FILES README.md DESTINATION ${XVRRP_DOCDIR})
# The whole directory: a new page is installed without a change here. README.md's links
# (docs/...) work in the installed tree too.
install(DIRECTORY docs DESTINATION ${XVRRP_DOCDIR})
install(FILES packaging/xvrrpd.toml DESTINATION ${XVRRP_DOCDIR}/examples)

get_filename_component(XVRRP_CONFIG_DIR ${XVRRP_CONFIG_FILE} DIRECTORY)
get_filename_component(XVRRP_CONFIG_NAME ${XVRRP_CONFIG_FILE} NAME)
install(FILES packaging/xvrrpd.toml DESTINATION ${XVRRP_CONFIG_DIR} RENAME ${XVRRP_CONFIG_NAME}
        COMPONENT deb EXCLUDE_FROM_ALL)

# The unit is configured again at install time, with the prefix of that install (cmake
# --install --prefix, or the package's /usr), not the one this build was configured with.
install(CODE "
  set(XVRRP_UNIT_IN \"${CMAKE_SOURCE_DIR}/packaging/systemd/xvrrpd.service.in\")
  set(XVRRP_UNIT_OUT_DIR \"${CMAKE_BINARY_DIR}/packaging/systemd\")
  set(XVRRP_CONFIG_FILE \"${XVRRP_CONFIG_FILE}\")
  set(XVRRP_INSTALL_SBINDIR \"${CMAKE_INSTALL_SBINDIR}\")
  set(XVRRP_INSTALL_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(PROJECT_VERSION \"${PROJECT_VERSION}\")
  include(\"${CMAKE_SOURCE_DIR}/cmake/InstallUnit.cmake\")
")
