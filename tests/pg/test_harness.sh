#!/usr/bin/env bash
# The throwaway PostgreSQL of the store's tests: with-postgres.sh starts a
# cluster that answers over TCP with the password in its URL, survives a
# restart with its data, and leaves neither a process nor a directory
# behind. Exits 77 when PostgreSQL is not installed.
# Usage: test_harness.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' <<<"$2"; }

if [ "${1:-}" != --inside ]; then
    WORK=$(mktemp -d /tmp/cascade-pg-test-XXXXXX)
    trap 'rm -rf "$WORK"' EXIT
    start=$(date +%s%N)
    CASCADE_PG_TEST_WORK=$WORK "$here/with-postgres.sh" bash "$0" --inside
    status=$?
    elapsed=$((($(date +%s%N) - start) / 1000000))
    [ "$status" -eq 77 ] && exit 77
    # What the inner run saw, and recorded before with-postgres.sh stopped it.
    # shellcheck disable=SC1091
    SEEN_DIR="" SEEN_PIDS=""
    [ -f "$WORK/seen" ] && source "$WORK/seen"
    if [ "$status" -eq 0 ]; then ok "the run against the cluster passed"
    else not_ok "the run against the cluster passed" "status $status"; fi
    still=""
    for p in $SEEN_PIDS; do
        # A stopped process may linger a moment as a zombie until reaped.
        for _ in $(seq 1 50); do
            st=$(ps -o stat= -p "$p" 2>/dev/null)
            case "$st" in ''|Z*) break ;; esac
            sleep 0.1
        done
        case "$st" in ''|Z*) ;; *) still="$still $p" ;; esac
    done
    if [ -z "$still" ] && [ -n "$SEEN_PIDS" ]; then ok "no server process is left"
    else not_ok "no server process is left" "still running:$still"; fi
    if [ ! -e "$SEEN_DIR" ]; then ok "the cluster's directory is gone"
    else not_ok "the cluster's directory is gone" "$SEEN_DIR"; fi
    if ! pgrep -f -- "-D $SEEN_DIR/data" >/dev/null; then ok "no postgres runs on the directory"
    else not_ok "no postgres runs on the directory" "$(pgrep -af -- "-D $SEEN_DIR/data")"; fi
    echo "# start, three queries, restart and stop took ${elapsed} ms"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
fi

# Inside with-postgres.sh.
bindir=$("$CASCADE_TEST_PG_HARNESS" find)
PSQL="$bindir/psql"
[ -x "$PSQL" ] || PSQL=psql
q() { "$PSQL" "$CASCADE_TEST_PG_URL" -X -At -v ON_ERROR_STOP=1 -c "$1" 2>&1; }
pids() {
    local pid; pid=$(head -n1 "$CASCADE_TEST_PG_DIR/data/postmaster.pid")
    echo "$pid" $(pgrep -P "$pid")
}

case "$CASCADE_TEST_PG_URL" in
    "postgresql://cascade:"*"@127.0.0.1:$CASCADE_TEST_PG_PORT/cascade") ok "the URL names user, password, port and database" ;;
    *) not_ok "the URL names user, password, port and database" "$CASCADE_TEST_PG_URL" ;;
esac
if [ "$CASCADE_TEST_PG_PORT" != 5432 ]; then ok "the port is not 5432"; else not_ok "the port is not 5432"; fi

out=$(q 'select 1')
if [ "$out" = 1 ]; then ok "psql select 1"; else not_ok "psql select 1" "$out"; fi
out=$(q "select current_database(), current_setting('fsync'), current_setting('listen_addresses')")
if [ "$out" = "cascade|on|127.0.0.1" ]; then ok "database cascade, fsync on, loopback only"
else not_ok "database cascade, fsync on, loopback only" "$out"; fi
wrong=${CASCADE_TEST_PG_URL/cascade:/cascade:x}
if ! "$PSQL" "$wrong" -X -Atc 'select 1' >/dev/null 2>&1; then ok "a wrong password is refused"
else not_ok "a wrong password is refused"; fi
if [ "$(id -u)" -eq 0 ]; then
    owner=$(ps -o user= -p "$(head -n1 "$CASCADE_TEST_PG_DIR/data/postmaster.pid")")
    if [ "$owner" != root ]; then ok "as root, the server runs as $owner"
    else not_ok "as root, the server does not run as root"; fi
fi
q 'create table kept (n int); insert into kept values (42)' >/dev/null

before=$(pids)
if out=$("$CASCADE_TEST_PG_HARNESS" restart 2>&1); then ok "restart"; else not_ok "restart" "$out"; fi
out=$(q 'select n from kept')
if [ "$out" = 42 ]; then ok "after the restart psql works and the data is there"
else not_ok "after the restart psql works and the data is there" "$out"; fi
gone=1
for p in $before; do
    case "$(ps -o stat= -p "$p" 2>/dev/null)" in ''|Z*) ;; *) gone="" ;; esac
done
if [ -n "$gone" ]; then ok "the restart stopped the old processes"
else not_ok "the restart stopped the old processes" "$before"; fi

printf 'SEEN_DIR=%q\nSEEN_PIDS=%q\n' "$CASCADE_TEST_PG_DIR" "$(pids)" >"$CASCADE_PG_TEST_WORK/seen"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
