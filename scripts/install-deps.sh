#!/bin/sh
# Installs what Cascade needs to build and test, and only what is missing.
# On Debian and Ubuntu it uses apt-get non-interactively (as root, or through
# sudo when available); elsewhere it names the packages to install and fails.
set -eu

# Build, run and test dependencies, as Debian package names; other packages
# may be named as arguments instead (the bench's comparison installs its own).
# postgresql brings the server binaries the store's tests start their own
# throwaway clusters with (tests/pg); Debian's "main" cluster, which the
# package creates and, where services may start, runs on 5432, is not used.
PACKAGES="build-essential cmake pkg-config libuv1-dev libssl-dev openssl
libprotobuf-c-dev protobuf-c-compiler libsqlite3-dev libcjson-dev libcsv-dev
libncurses-dev libcmocka-dev clang libclang-rt-dev jq tmux procps
libical-dev python3-icalendar
libinih-dev scdoc zsh man-db
libsystemd-dev dpkg-dev file libmicrohttpd-dev prometheus
postgresql libpq-dev"
if [ "$#" -gt 0 ]; then
    PACKAGES="$*"
fi

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "This system has no apt-get. Install these (or your system's equivalents) and run again:" >&2
    echo "  $PACKAGES" | tr '\n' ' ' >&2
    echo >&2
    exit 1
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    case "$status" in
        *"install ok installed"*) ;;
        *) missing="$missing $pkg" ;;
    esac
done

if [ -z "$missing" ]; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "These packages are missing and this user cannot install them:$missing" >&2
    echo "Run as root: apt-get install$missing" >&2
    exit 1
fi

echo "Installing missing packages:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
