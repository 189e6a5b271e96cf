#!/usr/bin/env bash
# The install rules and the Debian package, checked from the outside (tests/package/CMakeLists.txt).
#
#   package_test.sh install SOURCE_DIR BUILD_DIR VERSION
#       cmake --install into a scratch DESTDIR with the prefixes /usr and /usr/local: every file
#       in its place, the binaries run, the man pages render, the completions complete, the
#       unit starts the installed xvrrpd, the example configuration is refused as shipped and
#       accepted with its settings uncommented.
#   package_test.sh deb SOURCE_DIR BUILD_DIR VERSION
#       cpack -G DEB from BUILD_DIR: the package's files, control fields and conffiles, lintian,
#       then install, reinstall over an administrator's configuration, remove and purge with
#       dpkg --root in a scratch root, where the maintainer scripts must never start xvrrpd;
#       and the postinst alone, where systemd runs, with logging stand-ins for the commands it
#       calls: what it enables, starts and restarts, and when it does not.
#   package_test.sh without_gtest SOURCE_DIR BUILD_DIR VERSION
#       cmake -DBUILD_TESTING=OFF configures with GoogleTest hidden from CMake.
#
# Every check runs and prints what it found; the test fails if any failed. Scratch directories
# are removed on every exit. Needs root (dpkg --root, xvrrpd --check).
set -uo pipefail

what=$1 src=$2 build=$3 version=$4
scratch=$(mktemp -d /tmp/xvrrp-package.XXXXXX)
made_etc_xvrrp=0  # check_postinst_decisions made /etc/xvrrp (for a bind mount): removed on exit
trap 'rm -rf "$scratch"; [ $made_etc_xvrrp -eq 0 ] || rmdir /etc/xvrrp' EXIT
failures=0

fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}
ok() { echo "ok: $*"; }

# expect_file ROOT PATH...: each exists (a file or a symbolic link) under ROOT
expect_file() {
    local root=$1 path
    shift
    for path in "$@"; do
        if [ -e "$root/$path" ] || [ -L "$root/$path" ]; then ok "$path"; else fail "missing $path"; fi
    done
}

# The binaries at ROOT run: --version says VERSION, --help exits 0.
check_binaries() {
    local root=$1 bin out
    for bin in usr/sbin/xvrrpd usr/bin/xvrrpctl; do
        out=$("$root/$bin" --version 2>&1)
        [ "$out" = "$(basename $bin) $version" ] && ok "$bin --version: $out" ||
            fail "$bin --version printed '$out', expected '$(basename $bin) $version'"
        "$root/$bin" --help >/dev/null 2>&1 && ok "$bin --help" || fail "$bin --help exited $?"
    done
}

# Each man page renders without a warning from man/groff and has a NAME section.
check_man_pages() {
    local root=$1 page out warnings
    for page in usr/share/man/man8/xvrrpd.8.gz usr/share/man/man8/xvrrpctl.8.gz \
        usr/share/man/man5/xvrrpd.toml.5.gz; do
        [ -f "$root/$page" ] || continue  # reported by expect_file
        warnings=$(MANWIDTH=80 man --warnings -l "$root/$page" 2>&1 >/dev/null)
        out=$(MANWIDTH=80 man -l "$root/$page" 2>/dev/null)
        if [ -n "$warnings" ]; then
            fail "$page: man --warnings: $warnings"
        elif ! grep -q '^NAME' <<<"$out"; then
            fail "$page: rendered without a NAME section"
        else
            ok "$page renders ($(wc -l <<<"$out") lines)"
        fi
    done
}

# complete COMPLETION_FILE COMMAND WORD...: what bash completion offers for the last WORD.
complete_words() {
    local file=$1
    shift
    bash -c '
        source /usr/share/bash-completion/bash_completion
        source "$1"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        COMP_LINE="$*"
        COMP_POINT=${#COMP_LINE}
        "_$1"
        printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
    ' bash "$file" "$@"
}

check_completions() {
    local dir=$1/usr/share/bash-completion/completions got
    if [ ! -f /usr/share/bash-completion/bash_completion ]; then
        fail "bash-completion is not installed (scripts/deps installs it)"
        return
    fi
    got=$(complete_words "$dir/xvrrpd" xvrrpd --c)
    [ "$got" = "--check --config " ] && ok "xvrrpd --c<TAB>: $got" ||
        fail "xvrrpd --c<TAB> offered '$got'"
    got=$(complete_words "$dir/xvrrpctl" xvrrpctl st)
    [ "$got" = "status " ] && ok "xvrrpctl st<TAB>: $got" || fail "xvrrpctl st<TAB> offered '$got'"
    got=$(complete_words "$dir/xvrrpctl" xvrrpctl status --)
    [ "$got" = "--json --socket " ] && ok "xvrrpctl status --<TAB>: $got" ||
        fail "xvrrpctl status --<TAB> offered '$got'"
    got=$(complete_words "$dir/xvrrpctl" xvrrpctl set-)
    [ "$got" = "set-priority " ] && ok "xvrrpctl set-<TAB>: $got" ||
        fail "xvrrpctl set-<TAB> offered '$got'"
    got=$(complete_words "$dir/xvrrpctl" xvrrpctl rel)
    [ "$got" = "reload " ] && ok "xvrrpctl rel<TAB>: $got" || fail "xvrrpctl rel<TAB> offered '$got'"
    got=$(complete_words "$dir/xvrrpctl" xvrrpctl events --)
    [ "$got" = "--follow --json --socket " ] && ok "xvrrpctl events --<TAB>: $got" ||
        fail "xvrrpctl events --<TAB> offered '$got'"
}

# The unit at UNIT starts SBIN/xvrrpd with /etc/xvrrp/xvrrpd.toml.
check_unit() {
    local unit=$1 sbin=$2
    [ -f "$unit" ] || return  # reported by expect_file
    grep -Eq "^ExecStart=$sbin/xvrrpd( .*)? --config[ =]/etc/xvrrp/xvrrpd.toml( |\$)" "$unit" &&
        ok "$unit starts $sbin/xvrrpd with /etc/xvrrp/xvrrpd.toml" ||
        fail "$unit: no 'ExecStart=$sbin/xvrrpd ... --config /etc/xvrrp/xvrrpd.toml': $(grep ^ExecStart= "$unit")"
    # No placeholder left (cmake/InstallUnit.cmake refuses one it does not know).
    if grep -q '@[A-Za-z0-9_]*@' "$unit"; then fail "$unit: unconfigured $(grep -o '@[A-Za-z0-9_]*@' "$unit")"; fi
}

# The example as shipped configures nothing: xvrrpd refuses it (exit 2, FILE:LINE: error:).
# With its settings uncommented it is a valid configuration: --check may find the host
# lacking (exit 1: no eth0 here), but reports no configuration error.
check_example() {
    local xvrrpd=$1 example=$2 out rc
    out=$("$xvrrpd" --check --config "$example" 2>&1)
    rc=$?
    [ $rc -eq 2 ] && grep -q "^$example:[0-9]*: error: no \[\[instance\]\]" <<<"$out" &&
        ok "the example as shipped is refused: $out" ||
        fail "xvrrpd --check on the example as shipped: exit $rc, $out"
    sed 's/^#\([a-z[]\)/\1/' "$example" >"$scratch/uncommented.toml"
    out=$("$xvrrpd" --check --config "$scratch/uncommented.toml" 2>&1)
    rc=$?
    if [ $rc -ne 2 ] && ! grep -q ': error:' <<<"$out" && grep -q '^\[\[instance\]\]' "$scratch/uncommented.toml"; then
        ok "the example with its settings uncommented is a valid configuration (--check exit $rc)"
    else
        fail "the example with its settings uncommented: exit $rc: $out"
    fi
}

test_install() {
    local root=$scratch/usr-prefix
    DESTDIR=$root cmake --install "$build" --prefix /usr >"$scratch/install.log" 2>&1 ||
        { cat "$scratch/install.log"; fail "cmake --install --prefix /usr"; return; }
    local expected=(usr/sbin/xvrrpd usr/bin/xvrrpctl lib/systemd/system/xvrrpd.service
        usr/share/man/man8/xvrrpd.8.gz usr/share/man/man8/xvrrpctl.8.gz
        usr/share/man/man5/xvrrpd.toml.5.gz
        usr/share/bash-completion/completions/xvrrpd usr/share/bash-completion/completions/xvrrpctl
        usr/share/doc/xvrrp/README.md usr/share/doc/xvrrp/examples/xvrrpd.toml)
    # docs/ as a whole: every page of the source tree, whatever it is called.
    local doc
    for doc in $(cd "$src" && find docs -type f); do expected+=("usr/share/doc/xvrrp/$doc"); done
    expect_file "$root" "${expected[@]}"
    # And nothing else: no test, benchmark or build leftover is installed.
    local extra
    extra=$(comm -23 <(cd "$root" && find . -type f -printf '%P\n' | sort) \
        <(printf '%s\n' "${expected[@]}" | sort))
    [ -z "$extra" ] && ok "nothing else installed" || fail "installed but not expected: $extra"
    # (So nothing in /etc: the configuration is the package's conffile, and a plain install
    # never writes it.)
    # Man pages as Debian wants them: gzip -9n, no name or time stamp in the header.
    local page
    for page in "$root"/usr/share/man/man*/*.gz; do
        file -b "$page" | grep -q 'max compression' && ! file -b "$page" | grep -q 'was "' &&
            ok "$(basename "$page"): gzip -9n" || fail "$(basename "$page"): $(file -b "$page")"
    done
    check_binaries "$root"
    check_man_pages "$root"
    check_completions "$root"
    check_unit "$root/lib/systemd/system/xvrrpd.service" /usr/sbin
    check_example "$root/usr/sbin/xvrrpd" "$root/usr/share/doc/xvrrp/examples/xvrrpd.toml"

    # Another prefix: the unit goes under it, and starts the xvrrpd of that prefix.
    root=$scratch/usr-local-prefix
    DESTDIR=$root cmake --install "$build" --prefix /usr/local >"$scratch/install.log" 2>&1 ||
        { cat "$scratch/install.log"; fail "cmake --install --prefix /usr/local"; return; }
    expect_file "$root" usr/local/sbin/xvrrpd usr/local/bin/xvrrpctl \
        usr/local/lib/systemd/system/xvrrpd.service
    [ -e "$root/lib" ] && fail "--prefix /usr/local installed into /lib" || ok "nothing in /lib"
    check_unit "$root/usr/local/lib/systemd/system/xvrrpd.service" /usr/local/sbin
}

# dpkg --root into the scratch root; its output goes to $scratch/dpkg.log.
dpkg_root() {
    # --force-script-chrootless: the maintainer scripts run here with DPKG_ROOT set, as they do
    # when a system is bootstrapped; --force-depends: the root holds no libraries.
    dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null "$@" \
        >"$scratch/dpkg.log" 2>&1
}

# Fails if any process runs the scratch root's xvrrpd.
expect_no_daemon() {
    local exe
    for exe in /proc/[0-9]*/exe; do
        if [ "$(readlink "$exe" 2>/dev/null)" = "$root/usr/sbin/xvrrpd" ]; then
            fail "$1: xvrrpd runs ($exe)"
            return
        fi
    done
    ok "$1: no xvrrpd of the package runs"
}

test_deb() {
    local out=$scratch/out deb
    cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$scratch/cpack.log" 2>&1 ||
        { cat "$scratch/cpack.log"; fail "cpack -G DEB"; return; }
    deb=$(ls "$out"/xvrrp_"$version"_*.deb 2>/dev/null)
    [ -f "$deb" ] || { ls -l "$out"; fail "no xvrrp_${version}_ARCH.deb"; return; }
    ok "built $(basename "$deb")"

    # Contents, owned by root.
    local contents
    contents=$(dpkg-deb -c "$deb")
    local path
    for path in ./usr/sbin/xvrrpd ./usr/bin/xvrrpctl ./lib/systemd/system/xvrrpd.service \
        ./etc/xvrrp/xvrrpd.toml ./usr/share/man/man8/xvrrpd.8.gz ./usr/share/man/man8/xvrrpctl.8.gz \
        ./usr/share/man/man5/xvrrpd.toml.5.gz ./usr/share/bash-completion/completions/xvrrpd \
        ./usr/share/bash-completion/completions/xvrrpctl ./usr/share/doc/xvrrp/README.md \
        ./usr/share/doc/xvrrp/docs/configuration.md ./usr/share/doc/xvrrp/examples/xvrrpd.toml \
        ./usr/share/doc/xvrrp/copyright ./usr/share/doc/xvrrp/changelog.gz \
        ./usr/share/lintian/overrides/xvrrp; do
        grep -q " $path\$" <<<"$contents" && ok "package holds $path" || fail "package lacks $path"
    done
    grep -v '^[-dlrwxs]* root/root ' <<<"$contents" | grep . && fail "files not owned by root/root"

    # Control fields: the libraries come from dpkg-shlibdeps.
    local field value
    [ "$(dpkg-deb -f "$deb" Package)" = xvrrp ] && ok "Package: xvrrp" || fail "Package: $(dpkg-deb -f "$deb" Package)"
    [ "$(dpkg-deb -f "$deb" Version)" = "$version" ] && ok "Version: $version" ||
        fail "Version: $(dpkg-deb -f "$deb" Version), expected $version"
    value=$(dpkg-deb -f "$deb" Depends)
    local depends
    depends=" $(sed 's/ ([^)]*)//g; s/,//g' <<<"$value") "  # " libbpf1 libc6 ... "
    for field in libbpf1 libxdp1 libnl-3-200 libnl-route-3-200 libcap-ng0 libsystemd0 libmicrohttpd12 libc6 libstdc++6; do
        [[ $depends == *" $field "* ]] && ok "Depends on $field" || fail "Depends lacks $field: $value"
    done
    # Conffiles and maintainer scripts.
    dpkg-deb -e "$deb" "$scratch/control"
    [ "$(cat "$scratch/control/conffiles" 2>/dev/null)" = /etc/xvrrp/xvrrpd.toml ] &&
        ok "conffiles: /etc/xvrrp/xvrrpd.toml" || fail "conffiles: $(cat "$scratch/control/conffiles" 2>&1)"
    for field in postinst prerm postrm; do
        [ -x "$scratch/control/$field" ] && sh -n "$scratch/control/$field" && ok "$field" ||
            fail "$field missing, not executable or not sh"
    done

    # lintian: any error or warning that packaging/deb/lintian-overrides does not explain fails.
    local lintian_out
    lintian_out=$(lintian --fail-on error,warning --display-level '>=warning' "$deb" 2>&1)
    if [ $? -eq 0 ]; then
        ok "lintian: no error or warning${lintian_out:+ ($lintian_out)}"
    else
        fail "lintian: $lintian_out"
    fi

    # Install, reinstall, remove, purge in a scratch root.
    root=$scratch/root
    mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/triggers"
    touch "$root/var/lib/dpkg/status"
    local conf=$root/etc/xvrrp/xvrrpd.toml
    local wants=$root/etc/systemd/system/multi-user.target.wants/xvrrpd.service

    if dpkg_root -i "$deb"; then ok "dpkg --root -i"; else cat "$scratch/dpkg.log"; fail "dpkg --root -i"; fi
    expect_file "$root" usr/sbin/xvrrpd usr/bin/xvrrpctl lib/systemd/system/xvrrpd.service \
        etc/xvrrp/xvrrpd.toml
    [ -L "$wants" ] && fail "xvrrpd.service enabled with the example configuration ($wants)" ||
        ok "xvrrpd.service not enabled: the configuration is the example"
    grep -q 'xvrrpd not enabled or started: /etc/xvrrp/xvrrpd.toml configures no virtual router yet' "$scratch/dpkg.log" &&
        ok "postinst left xvrrpd stopped: the configuration is the example" ||
        { cat "$scratch/dpkg.log"; fail "postinst did not say why xvrrpd was not started"; }
    expect_no_daemon "after the installation"

    # The administrator's configuration: kept over a reinstall, and the service would start,
    # but not here: systemd does not run in a DPKG_ROOT.
    sed 's/^#\([a-z[]\)/\1/' "$conf" >"$conf.new" && mv "$conf.new" "$conf"
    cp "$conf" "$scratch/admin.toml"
    local admin_md5
    admin_md5=$(md5sum <"$conf")
    if dpkg_root --force-confold -i "$deb"; then ok "dpkg --root -i over a configuration"; else
        cat "$scratch/dpkg.log"
        fail "dpkg --root -i over a configuration"
    fi
    [ "$(md5sum <"$conf")" = "$admin_md5" ] && ok "the administrator's configuration was kept" ||
        fail "the reinstall changed $conf"
    grep -q 'xvrrpd not started: systemd is not running here' "$scratch/dpkg.log" &&
        ok "postinst did not start xvrrpd without systemd" ||
        { cat "$scratch/dpkg.log"; fail "postinst did not say why xvrrpd was not started"; }
    expect_no_daemon "after the reinstall"

    if dpkg_root -r xvrrp; then ok "dpkg --root -r"; else cat "$scratch/dpkg.log"; fail "dpkg --root -r"; fi
    [ -e "$root/usr/sbin/xvrrpd" ] && fail "xvrrpd still there after the removal" || ok "binaries removed"
    [ -f "$conf" ] && ok "the configuration stays after a removal" || fail "the removal deleted $conf"
    if dpkg_root -P xvrrp; then ok "dpkg --root -P"; else cat "$scratch/dpkg.log"; fail "dpkg --root -P"; fi
    local left
    left=$(cd "$root" && find . -path ./var/lib/dpkg -prune -o \( -type f -o -type l \) -print)
    [ -z "$left" ] && ok "nothing left after the purge" || fail "left after the purge: $left"
    dpkg --root="$root" -s xvrrp >/dev/null 2>&1 && fail "dpkg still knows xvrrp after the purge" ||
        ok "xvrrp is not installed in the root"

    # A first installation onto a configuration written beforehand: enabled (started where
    # systemd runs), then purged clean again.
    mkdir -p "$root/etc/xvrrp" && cp "$scratch/admin.toml" "$conf"
    if dpkg_root --force-confold -i "$deb"; then ok "dpkg --root -i onto a configuration"; else
        cat "$scratch/dpkg.log"
        fail "dpkg --root -i onto a configuration"
    fi
    [ -L "$wants" ] && ok "xvrrpd.service enabled: the configuration is the administrator's" ||
        fail "xvrrpd.service not enabled with a configuration ($wants)"
    expect_no_daemon "after the installation onto a configuration"
    if dpkg_root -P xvrrp; then ok "dpkg --root -P"; else cat "$scratch/dpkg.log"; fail "dpkg --root -P"; fi
    left=$(cd "$root" && find . -path ./var/lib/dpkg -prune -o \( -type f -o -type l \) -print)
    [ -z "$left" ] && ok "nothing left after the second purge" || fail "left after the second purge: $left"

    check_postinst_decisions "$deb"
}

# What the postinst decides where systemd runs, which dpkg --root never shows: the postinst
# alone (dpkg-deb -e), with deb-systemd-helper, deb-systemd-invoke and systemctl replaced by
# scripts that only log their arguments, in a mount namespace of its own where /run is a tmpfs
# (with /run/systemd/system: systemd runs) and /etc/xvrrp a scratch directory.
check_postinst_decisions() {
    local deb=$1 ctl=$scratch/control stubs=$scratch/stubs etc=$scratch/etc-xvrrp cmd
    dpkg-deb -e "$deb" "$ctl" || { fail "dpkg-deb -e"; return; }
    mkdir -p "$stubs" "$etc"
    dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/xvrrp/xvrrpd.toml >"$scratch/example.toml"
    sed 's/^#\([a-z[]\)/\1/' "$scratch/example.toml" >"$scratch/written.toml"
    for cmd in deb-systemd-helper deb-systemd-invoke systemctl; do
        cat >"$stubs/$cmd" <<STUB
#!/bin/sh
echo "$cmd \$*" >>"\$CALLS"
case " \$* " in *" was-enabled "*) exit "\${WAS_ENABLED:-0}" ;; esac
exit 0
STUB
        chmod +x "$stubs/$cmd"
    done
    [ -d /etc/xvrrp ] || { mkdir /etc/xvrrp && made_etc_xvrrp=1; }

    # postinst CONFIG SYSTEMD WAS_ENABLED ARGS...: runs the postinst with CONFIG as
    # /etc/xvrrp/xvrrpd.toml, systemd running if SYSTEMD is 1, and `deb-systemd-helper
    # was-enabled` exiting WAS_ENABLED (0: enabled, or never seen); prints the calls it made, one
    # per line, then its output.
    postinst() {
        local config=$1 systemd=$2 was_enabled=$3
        shift 3
        cp "$config" "$etc/xvrrpd.toml"
        : >"$scratch/calls"
        CALLS=$scratch/calls WAS_ENABLED=$was_enabled PATH="$stubs:$PATH" unshare -m sh -c '
            set -e
            mount --bind "$1" /etc/xvrrp
            mount -t tmpfs none /run
            [ "$2" = 1 ] && mkdir -p /run/systemd/system
            shift 2
            env -u DPKG_ROOT "$@"
        ' sh "$etc" "$systemd" "$ctl/postinst" "$@" >"$scratch/postinst.out" 2>&1 ||
            echo "postinst exited $?" >>"$scratch/postinst.out"
        cat "$scratch/calls" "$scratch/postinst.out"
    }
    # expect WHAT OUTPUT PATTERN...: each extended regular expression matches a line of OUTPUT
    # ("!PATTERN": none does).
    expect() {
        local what=$1 output=$2 pattern
        shift 2
        for pattern in "$@"; do
            if [ "${pattern#!}" != "$pattern" ]; then
                grep -Eq -- "${pattern#!}" <<<"$output" &&
                    { fail "$what: '${pattern#!}' in:"; echo "$output"; } || ok "$what: no '${pattern#!}'"
            else
                grep -Eq -- "$pattern" <<<"$output" && ok "$what: '$pattern'" ||
                    { fail "$what: no '$pattern' in:"; echo "$output"; }
            fi
        done
    }
    local out
    out=$(postinst "$scratch/example.toml" 1 0 configure "")
    expect "first installation, the example" "$out" "^deb-systemd-helper update-state xvrrpd.service" \
        "!enable xvrrpd" "!deb-systemd-invoke" "not enabled or started: /etc/xvrrp/xvrrpd.toml"
    out=$(postinst "$scratch/written.toml" 1 0 configure "")
    expect "first installation, a written configuration" "$out" \
        "^deb-systemd-helper enable xvrrpd.service" "^deb-systemd-invoke start xvrrpd.service" \
        "^systemctl --system daemon-reload"
    out=$(postinst "$scratch/written.toml" 1 0 configure 0.0.9)
    expect "upgrade, a written configuration" "$out" "^deb-systemd-invoke restart xvrrpd.service"
    out=$(postinst "$scratch/written.toml" 1 1 configure 0.0.9)
    expect "upgrade of a disabled unit" "$out" "^deb-systemd-helper update-state xvrrpd.service" \
        "!helper enable"
    out=$(postinst "$scratch/example.toml" 1 0 configure 0.0.9)
    expect "upgrade, still the example" "$out" "!deb-systemd-invoke" "!helper enable"
    out=$(postinst "$scratch/written.toml" 0 0 configure "")
    expect "no systemd running" "$out" "!deb-systemd-invoke" "!daemon-reload" \
        "systemd is not running here"
}

# BUILD_TESTING=OFF configures on a host without GoogleTest: libgtest-dev's headers, CMake
# files and libraries are hidden in a mount namespace of the test's own, where a configure
# with the tests on must fail (or GoogleTest was not hidden) and one without them must not.
test_without_gtest() {
    local hide
    hide=$(dpkg -L libgtest-dev | grep -E '/include/gtest$|/cmake/GTest$|/libgtest[a-z_]*\.(a|so)$')
    [ -n "$hide" ] || { fail "no libgtest-dev files to hide (scripts/deps installs it)"; return; }
    unshare -m bash -c '
        set -e
        src=$1 scratch=$2
        shift 2
        for path in "$@"; do
            if [ -d "$path" ]; then mount -t tmpfs none "$path"; else mount --bind /dev/null "$path"; fi
        done
        if cmake -S "$src" -B "$scratch/on" -DXVRRP_FUZZ=OFF >"$scratch/on.log" 2>&1; then
            echo "FAIL: configured with BUILD_TESTING=ON although GoogleTest is hidden"
            exit 1
        fi
        grep -q "Could NOT find GTest" "$scratch/on.log" ||
            { cat "$scratch/on.log"; echo "FAIL: BUILD_TESTING=ON failed, but not for GoogleTest"; exit 1; }
        echo "ok: GoogleTest hidden: BUILD_TESTING=ON fails to configure"
        cmake -S "$src" -B "$scratch/off" -DBUILD_TESTING=OFF >"$scratch/off.log" 2>&1 ||
            { cat "$scratch/off.log"; echo "FAIL: BUILD_TESTING=OFF does not configure without GoogleTest"; exit 1; }
        echo "ok: BUILD_TESTING=OFF configures without GoogleTest"
    ' bash "$src" "$scratch" $hide || fail "configure without GoogleTest"
    [ -e "$scratch/off/tests" ] && fail "BUILD_TESTING=OFF configured tests/" || ok "no tests/ in the build tree"
}

case $what in
install) test_install ;;
deb) test_deb ;;
without_gtest) test_without_gtest ;;
*)
    echo "usage: package_test.sh install|deb|without_gtest SOURCE_DIR BUILD_DIR VERSION" >&2
    exit 2
    ;;
esac
echo "$failures check(s) failed"
[ $failures -eq 0 ]
