# The Debian package, `cpack -G DEB` from any build directory (scripts/package builds one with
# BUILD_TESTING=OFF). Why CPack and not a debian/ directory: docs/operations.md, "Install".
# The package holds what cmake/Install.cmake installs under the prefix /usr, plus the example
# configuration as the conffile /etc/xvrrp/xvrrpd.toml, the Debian changelog and copyright, the
# lintian overrides and the maintainer scripts of packaging/deb/.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME xvrrp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(XVRRP_DEB_MAINTAINER "xvrrp developers <dev@xvrrp.invalid>" CACHE STRING
    "The package's Maintainer field: whoever builds and distributes it")
set(CPACK_PACKAGE_CONTACT "${XVRRP_DEB_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "IP failover (VRRPv3) with an XDP fast path")
# The synopsis comes from the summary above; lines of at most 79 characters (lintian).
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "xvrrpd keeps service IP addresses reachable when the server
holding them fails. It speaks VRRPv3 (RFC 5798, RFC 9568) on the wire, so it
runs beside keepalived and routers. An XDP program on the uplink answers ARP
for the service IPs only on the master whose controller is alive, and runs
the master-down timer in the kernel, so that a backup takes over within
milliseconds. xvrrpctl shows the state of a running daemon.")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # xvrrp_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_RELEASE "")
# Run-time libraries (libbpf1, libxdp1, libnl-3-200, libnl-route-3-200, libcap-ng0, libsystemd0,
# libmicrohttpd12, libc6, libstdc++6...) from dpkg-shlibdeps, with the versions linked against.
# Nothing else: xvrrpd speaks netlink and mounts bpffs itself, without ip(8) or mount(8).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Inspecting the pinned maps and the attached program (docs/bpftool.md).
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bpftool")

# Everything under /usr follows the prefix /usr; /etc/xvrrp/xvrrpd.toml and the unit's
# /lib/systemd/system are absolute, so CPack installs with DESTDIR into its staging tree.
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_SET_DESTDIR ON)
# What `cmake --install` installs, and the component `deb` that only the package has
# (EXCLUDE_FROM_ALL: the conffile, the changelog, the copyright, the lintian overrides).
set(CPACK_INSTALL_CMAKE_PROJECTS
    "${CMAKE_BINARY_DIR};${PROJECT_NAME};ALL;/"
    "${CMAKE_BINARY_DIR};${PROJECT_NAME};deb;/")
set(CPACK_STRIP_FILES ON)

# The example configuration as shipped: the maintainer scripts leave the service stopped while
# /etc/xvrrp/xvrrpd.toml still has this checksum.
file(MD5 ${CMAKE_SOURCE_DIR}/packaging/xvrrpd.toml XVRRP_EXAMPLE_MD5)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS packaging/xvrrpd.toml)
set(deb_dir ${CMAKE_BINARY_DIR}/packaging/deb)
foreach(script postinst prerm postrm)
  configure_file(packaging/deb/${script}.in ${deb_dir}/${script} @ONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                  WORLD_READ WORLD_EXECUTE)
endforeach()
file(WRITE ${deb_dir}/conffiles "${XVRRP_CONFIG_FILE}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${deb_dir}/conffiles ${deb_dir}/postinst ${deb_dir}/prerm ${deb_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# /usr/share/doc/xvrrp/{changelog.gz,copyright}, which every Debian package carries (the
# version has no Debian revision: a native package, whose changelog is changelog.gz), and the
# lintian overrides, each with its reason.
# The date is the configure time, or SOURCE_DATE_EPOCH for a reproducible build.
string(TIMESTAMP deb_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE ${deb_dir}/changelog
"xvrrp (${PROJECT_VERSION}) unstable; urgency=medium

  * Built from the xvrrp source tree with cpack -G DEB (scripts/package).

 -- ${CPACK_PACKAGE_CONTACT}  ${deb_date}
")
add_custom_command(OUTPUT ${deb_dir}/changelog.gz
  COMMAND gzip -9n -f -k ${deb_dir}/changelog
  DEPENDS ${deb_dir}/changelog
  VERBATIM)
add_custom_target(xvrrp_deb_changelog ALL DEPENDS ${deb_dir}/changelog.gz)
install(FILES ${deb_dir}/changelog.gz packaging/deb/copyright
        DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/xvrrp COMPONENT deb EXCLUDE_FROM_ALL)
install(FILES packaging/deb/lintian-overrides DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
        RENAME xvrrp COMPONENT deb EXCLUDE_FROM_ALL)

include(CPack)
