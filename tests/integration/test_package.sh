#!/usr/bin/env bash
# The package: a release build configured as a distribution would
# (-DCMAKE_INSTALL_PREFIX=/usr -DCASCADE_SYSTEM_CONFIG=ON) packed with
# `cpack -G DEB`; the .deb holds the binaries, man pages, completions, the
# systemd unit and the default configuration (a conffile) and depends on the
# libraries it links; `dpkg -i` installs it on this machine, the installed
# cascaded checks /etc/cascade/cascaded.conf by default, starts, and the
# installed cascade logs in to it; `systemd-analyze verify` accepts the unit;
# `dpkg --purge` removes it all again.
# Usage: test_package.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init package "$@"
SRC=$(cd "$(dirname "$0")/../.." && pwd)
PKG="$WORK/build-pkg"

if [ "$(id -u)" != 0 ]; then
    echo "# not root: the package is built and inspected, not installed"
fi
if ! command -v dpkg-deb >/dev/null 2>&1 || ! command -v cpack >/dev/null 2>&1; then
    echo "dpkg-deb or cpack is missing; scripts/install-deps.sh installs them."
    exit 1
fi

cmake -S "$SRC" -B "$PKG" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
      -DCASCADE_SYSTEM_CONFIG=ON -DCASCADE_TESTS=OFF >"$WORK/cmake.log" 2>&1 \
    && cmake --build "$PKG" -j "$(nproc)" >>"$WORK/cmake.log" 2>&1 \
    && (cd "$PKG" && cpack -G DEB >>"$WORK/cmake.log" 2>&1)
DEB=$(ls "$PKG"/cascade_*.deb 2>/dev/null | head -n1)
if [ -n "$DEB" ]; then ok "cpack -G DEB builds $(basename "$DEB")"
else not_ok "cpack builds the package" "$(tail -30 "$WORK/cmake.log")"; finish; exit 1; fi

CONTENTS=$(dpkg-deb -c "$DEB" | awk '{print $NF}' | sed 's#^\./#/#')
missing=""
for f in /usr/bin/cascaded /usr/bin/cascade /usr/bin/cascade-bench \
         /usr/share/man/man1/cascade.1 /usr/share/man/man8/cascaded.8 \
         /usr/share/man/man1/cascade-bench.1 \
         /usr/share/bash-completion/completions/cascade /usr/share/zsh/vendor-completions/_cascade \
         /usr/lib/systemd/system/cascaded.service /etc/cascade/cascaded.conf; do
    grep -qx -- "$f" <<<"$CONTENTS" || missing+=" $f"
done
check "the package holds binaries, man pages, completions, unit and configuration${missing:+ (missing:$missing)}" test -z "$missing"
check "the configuration is a conffile" eval 'dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles | grep -qx /etc/cascade/cascaded.conf'
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
check "it depends on the libraries it links ($DEPENDS)" eval 'grep -q libuv1 <<<"$DEPENDS" && grep -q libssl <<<"$DEPENDS" && grep -q libsqlite3 <<<"$DEPENDS" && grep -q libical <<<"$DEPENDS" && grep -q libcsv <<<"$DEPENDS"'

if [ "$(id -u)" != 0 ]; then finish; exit $?; fi

purge() { dpkg --purge cascade >/dev/null 2>&1; }
trap 'purge; lib_cleanup' EXIT
if run 0 dpkg -i "$DEB"; then ok "dpkg -i installs it"; else not_ok "dpkg -i" "$out $err"; finish; exit 1; fi
run 0 /usr/bin/cascaded --check-config
check "the installed cascaded reads /etc/cascade/cascaded.conf by default" \
    grep -q "configuration OK (/etc/cascade/cascaded.conf, then the flags)" <<<"$out"
# The packaged configuration's data directory is the service's; a flag moves it here.
LOG="$WORK/installed.log"
/usr/bin/cascaded --listen 127.0.0.1:0 --data "$WORK/data" >"$LOG" 2>&1 &
SPID=$!; PIDS+=("$SPID")
wait_listening "$LOG" "$SPID"
if XDG_CONFIG_HOME="$WORK/home" CASCADE_SERVER="127.0.0.1:$PORT" /usr/bin/cascade login --user admin \
       <"$WORK/data/initial-admin-password" >/dev/null 2>&1 \
   && XDG_CONFIG_HOME="$WORK/home" CASCADE_SERVER="127.0.0.1:$PORT" /usr/bin/cascade workshop create "Installed" >/dev/null 2>&1; then
    ok "the installed client logs in to the installed server and creates a workshop"
else not_ok "installed client and server" "$(tail -5 "$LOG")"; fi
stop_server "$SPID"
check "man finds cascade(1) and cascaded(8)" eval 'man -w cascade >/dev/null 2>&1 && man -w 8 cascaded >/dev/null 2>&1'
if command -v systemd-analyze >/dev/null 2>&1; then
    if run 0 systemd-analyze verify /usr/lib/systemd/system/cascaded.service; then
        ok "systemd-analyze verify accepts the unit"
    else not_ok "systemd-analyze verify" "$out $err"; fi
else echo "# systemd-analyze is not installed; the unit is not verified"; fi
purge
check "dpkg --purge removes it, configuration included" eval '[ ! -e /usr/bin/cascaded ] && [ ! -e /etc/cascade/cascaded.conf ]'
finish
