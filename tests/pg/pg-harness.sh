#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb into a fresh
# temporary directory, a server on 127.0.0.1 only, on a free port the
# harness picks (never 5432, where Debian's own "main" cluster may listen),
# password (SCRAM) authentication over TCP, and a database named cascade.
#
# As a command:
#   pg-harness.sh find           prints the directory holding initdb, pg_ctl
#                                and postgres
#   pg-harness.sh start          starts a cluster; prints the export lines
#                                of CASCADE_TEST_PG_URL, CASCADE_TEST_PG_DIR
#                                and CASCADE_TEST_PG_PORT, for
#                                eval "$(pg-harness.sh start)". The caller
#                                must stop it.
#   pg-harness.sh stop [DIR]     stops the cluster (pg_ctl stop -m fast) and
#                                removes DIR
#   pg-harness.sh restart [DIR]  stops and starts it again on the same
#                                directory and port: the data stays
#   pg-harness.sh kill [DIR]     kills the server and its children with
#                                SIGKILL, keeping DIR (a crash); restart
#                                brings it back
#   pg-harness.sh url [DIR]      prints the cluster's URL
# DIR defaults to $CASCADE_TEST_PG_DIR.
#
# Sourced, it defines pg_start (sets and exports the three variables and
# stops the cluster when the shell exits), pg_stop, pg_restart and pg_kill.
#
# Exit status: 0 done; 77 when no PostgreSQL server binaries are installed
# (with one line "SKIP: ..."); 1 on any other failure, with the reason and
# the server's log on stderr; 2 on a usage error.
#
# As root (the CI case) the cluster belongs to an unprivileged system user,
# cascade-test, created when missing (nobody when useradd is missing):
# PostgreSQL refuses to run as root.

PG_HARNESS_USER=${PG_HARNESS_USER:-cascade-test}

pg__die() { echo "pg-harness: $*" >&2; return 1; }

# pg_find_bindir: prints the newest /usr/lib/postgresql/N/bin holding the
# server binaries, or the directory of initdb on PATH; 77 when there is none.
pg_find_bindir() {
    local d v best="" bestv=-1
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] || continue
        v=${d#/usr/lib/postgresql/}; v=${v%/bin}; v=${v%%.*}
        case "$v" in ''|*[!0-9]*) v=0 ;; esac
        if [ "$v" -gt "$bestv" ]; then best=$d; bestv=$v; fi
    done
    if [ -z "$best" ] && command -v initdb >/dev/null 2>&1; then
        d=$(dirname "$(readlink -f "$(command -v initdb)")")
        [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && best=$d
    fi
    if [ -z "$best" ]; then
        echo "SKIP: PostgreSQL server binaries not found (install the Debian package postgresql)"
        return 77
    fi
    echo "$best"
}

# pg__owner: the user the cluster runs as when we are root, created when
# missing.
pg__owner() {
    local u=$PG_HARNESS_USER
    if ! getent passwd "$u" >/dev/null 2>&1; then
        if command -v useradd >/dev/null 2>&1; then
            # Another test may be creating it at the same moment.
            for _ in 1 2 3 4 5; do
                useradd --system --no-create-home --home-dir /nonexistent \
                        --shell /usr/sbin/nologin "$u" >/dev/null 2>&1
                getent passwd "$u" >/dev/null 2>&1 && break
                sleep 0.2
            done
        fi
        getent passwd "$u" >/dev/null 2>&1 || u=nobody
    fi
    echo "$u"
}

# pg__as DIR CMD...: runs CMD as the cluster's owner (recorded in DIR/owner),
# from DIR so that no unreadable working directory is in the way.
pg__as() {
    local dir=$1; shift
    local owner; owner=$(cat "$dir/owner")
    if [ "$(id -u)" -ne 0 ]; then
        (cd "$dir" && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd "$dir" && runuser -u "$owner" -- "$@")
    else
        (cd "$dir" && su -s /bin/sh -c 'exec "$0" "$@"' "$owner" -- "$@")
    fi
}

# pg__port_busy PORT: something listens on 127.0.0.1:PORT.
pg__port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pg__pick_port: a port nothing listens on, away from 5432.
pg__pick_port() {
    local p
    for _ in $(seq 1 50); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        [ "$p" -eq 5432 ] && continue
        pg__port_busy "$p" || { echo "$p"; return 0; }
    done
    pg__die "found no free port"
}

# pg__server_start DIR: starts the server of an initialised DIR on the port
# in DIR/port and waits until it accepts connections.
pg__server_start() {
    local dir=$1 bindir; bindir=$(cat "$dir/bindir")
    # The log is the owner's to write: a fresh one each start.
    rm -f "$dir/log"
    pg__as "$dir" "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/log" -w -t 60 \
        >"$dir/pg_ctl.out" 2>&1 || { cat "$dir/pg_ctl.out" >>"$dir/log"; return 1; }
}

pg__show_log() { [ -f "$1/log" ] && sed 's/^/pg-harness: log: /' "$1/log" >&2; return 0; }

# pg__url DIR
pg__url() {
    echo "postgresql://cascade:$(cat "$1/password")@127.0.0.1:$(cat "$1/port")/cascade"
}

# pg__create: makes, starts and fills a cluster; prints its directory.
pg__create() {
    local bindir rc dir owner port
    bindir=$(pg_find_bindir); rc=$?
    if [ "$rc" -ne 0 ]; then [ "$rc" -eq 77 ] && echo "$bindir"; return "$rc"; fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/cascade-pg-XXXXXX") || return 1
    echo "$bindir" >"$dir/bindir"
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$dir/password"
    if [ "$(id -u)" -eq 0 ]; then owner=$(pg__owner); else owner=$(id -un); fi
    echo "$owner" >"$dir/owner"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R "$owner" "$dir"
        pg__as "$dir" test -w "$dir" ||
            { pg__die "$owner cannot write $dir (set TMPDIR to a directory others can reach)"
              rm -rf "$dir"; return 1; }
    fi
    chmod 700 "$dir"
    # --no-sync: the files initdb writes need not reach the disk before the
    # server starts; the server itself runs with fsync on.
    if ! pg__as "$dir" "$bindir/initdb" -D "$dir/data" -U cascade --pwfile="$dir/password" \
             --auth-host=scram-sha-256 --auth-local=trust -E UTF8 --locale=C.UTF-8 \
             --no-sync >"$dir/log" 2>&1; then
        pg__die "initdb failed"; pg__show_log "$dir"; rm -rf "$dir"; return 1
    fi
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = '$dir'"
        echo "logging_collector = off"
    } >>"$dir/data/postgresql.conf"
    # Another process may take the port between the check and the bind: try
    # another then.
    local started=""
    for _ in 1 2 3 4 5; do
        port=$(pg__pick_port) || break
        echo "$port" >"$dir/port"
        sed -i '/^port = /d' "$dir/data/postgresql.conf"
        echo "port = $port" >>"$dir/data/postgresql.conf"
        if pg__server_start "$dir"; then started=1; break; fi
        grep -q 'could not bind\|already in use' "$dir/log" || break
    done
    if [ -z "$started" ]; then
        pg__die "the server did not start"; pg__show_log "$dir"; pg__kill "$dir"; rm -rf "$dir"
        return 1
    fi
    if ! pg__createdb "$dir"; then
        pg__die "could not create the database cascade"; pg__show_log "$dir"
        pg__stop "$dir"; return 1
    fi
    echo "$dir"
}

# pg__createdb DIR: CREATE DATABASE cascade, over TCP with the password.
pg__createdb() {
    local dir=$1 bindir tool; bindir=$(cat "$dir/bindir")
    local -a conn=(-h 127.0.0.1 -p "$(cat "$dir/port")" -U cascade)
    export PGPASSWORD; PGPASSWORD=$(cat "$dir/password")
    if [ -x "$bindir/createdb" ]; then tool="$bindir/createdb"
    elif command -v createdb >/dev/null 2>&1; then tool=createdb
    fi
    if [ -n "${tool:-}" ]; then
        "$tool" "${conn[@]}" cascade 2>>"$dir/log"
    else
        pg__as "$dir" "$bindir/psql" "${conn[@]}" -d postgres -qc 'CREATE DATABASE cascade' \
            2>>"$dir/log"
    fi
}

# pg__pids DIR: the server's pid and its children's.
pg__pids() {
    local pid
    pid=$(head -n1 "$1/data/postmaster.pid" 2>/dev/null) || return 0
    case "$pid" in ''|*[!0-9]*) return 0 ;; esac
    kill -0 "$pid" 2>/dev/null || return 0
    echo "$pid"
    pgrep -P "$pid" 2>/dev/null
}

# pg__kill DIR: SIGKILL to the server and its children.
pg__kill() {
    local pids p
    pids=$(pg__pids "$1")
    [ -n "$pids" ] || return 0
    for p in $pids; do kill -9 "$p" 2>/dev/null; done
    for _ in $(seq 1 100); do
        local alive=""
        for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && return 0
        sleep 0.05
    done
    pg__die "processes $pids outlived SIGKILL"
}

# pg__halt DIR: stops the server, keeping DIR; SIGKILL when a fast stop
# fails.
pg__halt() {
    local dir=$1 bindir; bindir=$(cat "$dir/bindir" 2>/dev/null)
    [ -n "$(pg__pids "$dir")" ] || return 0
    if ! pg__as "$dir" "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null 2>&1; then
        pg__die "pg_ctl stop failed; killing the server"; pg__kill "$dir"
    fi
    [ -z "$(pg__pids "$dir")" ]
}

# pg__stop DIR: stops the server and removes DIR.
pg__stop() {
    local dir=$1 rc=0
    [ -d "$dir" ] || return 0
    [ -f "$dir/bindir" ] || { pg__die "$dir is no harness cluster"; return 1; }
    pg__halt "$dir" || rc=1
    rm -rf "$dir" || rc=1
    return "$rc"
}

pg__restart() {
    local dir=$1
    [ -f "$dir/bindir" ] || { pg__die "$dir is no harness cluster"; return 1; }
    pg__halt "$dir" || return 1
    pg__server_start "$dir" || { pg__die "the server did not start again"; pg__show_log "$dir"; return 1; }
}

# The functions for scripts that source this file.

# pg_start: starts a cluster, exports CASCADE_TEST_PG_URL, _DIR and _PORT,
# and stops it when the shell exits. Returns 77 (after the SKIP line) when
# PostgreSQL is not installed.
pg_start() {
    local dir rc
    dir=$(pg__create); rc=$?
    if [ "$rc" -ne 0 ]; then [ "$rc" -eq 77 ] && echo "$dir"; return "$rc"; fi
    CASCADE_TEST_PG_DIR=$dir
    CASCADE_TEST_PG_PORT=$(cat "$dir/port")
    CASCADE_TEST_PG_URL=$(pg__url "$dir")
    export CASCADE_TEST_PG_DIR CASCADE_TEST_PG_PORT CASCADE_TEST_PG_URL
    trap 'pg__stop "$CASCADE_TEST_PG_DIR"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
pg_stop() { pg__stop "${1:-$CASCADE_TEST_PG_DIR}"; }
pg_restart() { pg__restart "${1:-$CASCADE_TEST_PG_DIR}"; }
pg_kill() { pg__kill "${1:-$CASCADE_TEST_PG_DIR}"; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    cmd=${1:-}; [ $# -gt 0 ] && shift
    case "$cmd" in
        find) pg_find_bindir ;;
        start)
            dir=$(pg__create); rc=$?
            if [ "$rc" -ne 0 ]; then [ "$rc" -eq 77 ] && echo "$dir"; exit "$rc"; fi
            printf "export CASCADE_TEST_PG_URL='%s'\nexport CASCADE_TEST_PG_DIR='%s'\nexport CASCADE_TEST_PG_PORT='%s'\n" \
                "$(pg__url "$dir")" "$dir" "$(cat "$dir/port")"
            ;;
        stop|restart|kill|url)
            dir=${1:-${CASCADE_TEST_PG_DIR:-}}
            [ -n "$dir" ] || { echo "usage: pg-harness.sh $cmd DIR (or set CASCADE_TEST_PG_DIR)" >&2; exit 2; }
            case "$cmd" in
                stop) pg__stop "$dir" ;;
                restart) pg__restart "$dir" ;;
                kill) pg__kill "$dir" ;;
                url) pg__url "$dir" ;;
            esac
            ;;
        *) echo "usage: pg-harness.sh find|start|stop|restart|kill|url [DIR]" >&2; exit 2 ;;
    esac
    exit $?
fi
