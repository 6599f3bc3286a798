#!/usr/bin/env bash
# with-postgres.sh CMD ARGS...: runs CMD against a throwaway PostgreSQL
# cluster (pg-harness.sh) and removes the cluster afterwards.
#
# CMD sees:
#   CASCADE_TEST_PG_URL      postgresql://cascade:PASSWORD@127.0.0.1:PORT/cascade
#   CASCADE_TEST_PG_DIR      the cluster's temporary directory
#   CASCADE_TEST_PG_PORT     its port on 127.0.0.1
#   CASCADE_TEST_PG_HARNESS  the harness, for "$CASCADE_TEST_PG_HARNESS" restart
#                            (or kill, then restart)
#
# Exits with CMD's status; 77 (after one "SKIP: ..." line) when PostgreSQL
# is not installed; 1 when the cluster cannot be started, or cannot be
# stopped cleanly after CMD succeeded.
set -u
[ $# -gt 0 ] || { echo "usage: with-postgres.sh CMD ARGS..." >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=pg-harness.sh
source "$here/pg-harness.sh"

pg_start || exit $?
export CASCADE_TEST_PG_HARNESS="$here/pg-harness.sh"

child=""
on_signal() {
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child"
    exit "$1"
}
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# CMD runs in the background so that a signal reaches the traps at once.
"$@" &
child=$!
wait "$child"
status=$?
child=""

trap - EXIT
if ! pg_stop && [ "$status" -eq 0 ]; then
    status=1
fi
exit "$status"
