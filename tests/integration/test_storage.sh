#!/usr/bin/env bash
# When the disk is full the server refuses edits with STORAGE, keeps
# serving reads, loses nothing it acknowledged, and recovers once there is
# room again. A file size limit (ulimit -f) stands in for a full disk.
# Usage: test_storage.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init storage "$@"

# start [ULIMIT_KIB]: starts the server on PORT (0 the first time), with a
# file size limit when given.
start() {
    local limit=${1:-unlimited}
    : >"$WORK/server.log"
    ( ulimit -f "$limit"; exec "$CASCADED" --listen "127.0.0.1:${PORT:-0}" --data "$WORK/data" \
          >>"$WORK/server.log" 2>&1 ) &
    SPID=$!
    PIDS+=("$SPID")
    wait_listening "$WORK/server.log" "$SPID"
}
stop() { stop_server "$SPID"; }

start
export XDG_CONFIG_HOME="$WORK/alice" CASCADE_SERVER="127.0.0.1:$PORT"
"$CASCADE" login --user admin <"$WORK/data/initial-admin-password" >/dev/null 2>&1
CODE=$("$CASCADE" workshop create "Storage") && "$CASCADE" join "$CODE" >/dev/null
"$CASCADE" team add Acme >/dev/null && "$CASCADE" obj add "Grow" --team T1 >/dev/null
"$CASCADE" kr add O1 "Revenue" --from 0 --to 1000000 >/dev/null
stop

# Room for a little more than the database holds now.
used=$(du -k "$WORK/data/cascade.db" | cut -f1)
start $((used + 64))
acked=0
refused=""
note=$(printf 'x%.0s' $(seq 1 1900))
for i in $(seq 1 400); do
    if "$CASCADE" kr set K1 "$i" >/dev/null 2>"$WORK/err"; then
        acked=$i
    else
        refused=$(cat "$WORK/err"); break
    fi
    # A long rationale makes each change large, so the limit comes quickly.
    "$CASCADE" obj edit O1 --rationale "$note $i" >/dev/null 2>"$WORK/err" \
        || { refused=$(cat "$WORK/err"); break; }
done
if grep -q "could not save the change" <<<"$refused"; then
    ok "a full disk refuses the edit with STORAGE (after $acked acknowledged)"
else not_ok "a full disk refuses the edit with STORAGE" "$refused"; fi
if kill -0 "$SPID" 2>/dev/null && "$CASCADE" --json show >"$WORK/show" 2>"$WORK/err" \
   && grep -q "\"current\":$acked[,}]" "$WORK/show"; then
    ok "the server keeps serving reads, with every acknowledged edit"
else not_ok "the server keeps serving reads" "$(cat "$WORK/err")"; fi
if grep -q "commit of .* failed" "$WORK/server.log"; then
    ok "the failed commit is logged"
else not_ok "the failed commit is logged" "$(tail -5 "$WORK/server.log")"; fi
# A change to who takes part goes through the same commit, and is undone
# in memory as surely when it fails.
if ! "$CASCADE" team member add T1 admin >/dev/null 2>"$WORK/err" \
   && grep -q "could not save the change" "$WORK/err" \
   && "$CASCADE" --json show >"$WORK/show" && ! grep -q '"admin"' "$WORK/show"; then
    ok "a full disk refuses a new team member too, and the team stays as it was"
else not_ok "a full disk refuses a new team member" "$(cat "$WORK/err") $(cat "$WORK/show")"; fi

stop
start
if "$CASCADE" --json show >"$WORK/show" && grep -q "\"current\":$acked[,}]" "$WORK/show"; then
    ok "after a restart every acknowledged edit is there and nothing refused is"
else not_ok "after a restart every acknowledged edit is there" "$(cat "$WORK/show")"; fi
if "$CASCADE" kr set K1 999999 >/dev/null 2>"$WORK/err"; then
    ok "with room again, edits succeed"
else not_ok "with room again, edits succeed" "$(cat "$WORK/err")"; fi
stop

finish
