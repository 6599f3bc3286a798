#!/usr/bin/env bash
# Several servers in --server (and CASCADE_SERVER): the client tries them in
# turn, reports every one when none can be used, refuses a malformed list,
# never uses a server whose certificate it does not trust, and a watch whose
# server dies resumes on the next server of the list with no event missed
# or printed twice.
# Usage: test_failover.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init failover "$@"

# free_port: a loopback port nothing listens on (a server started on port 0
# finds it, and is stopped again).
free_port() {
    local keep=$PORT pid=$SPID
    start_server "spare-$RANDOM"
    stop_server "$SPID" >/dev/null
    FREE=$PORT
    PORT=$keep SPID=$pid
}

start_server main
A=$PORT APID=$SPID
free_port; B=$FREE
free_port; DEAD=$FREE
AB="127.0.0.1:$A,127.0.0.1:$B"

run 0 as admin --server "$AB" login --user admin <"$WORK/main/initial-admin-password"
check "a login through a list is kept for its servers" \
    grep -q "^Logged in to 127.0.0.1:$A,127.0.0.1:$B as admin\.$" <<<"$out"
CODE=$(as admin --server "$AB" workshop create "Failover")
as admin --server "$AB" join "$CODE" >/dev/null
as admin --server "$AB" -w "$CODE" team add Acme >/dev/null
as admin --server "$AB" -w "$CODE" obj add "Grow" --team T1 >/dev/null

# ---- (a) the first server is down: the next one answers ---------------------------------
DA="127.0.0.1:$DEAD,127.0.0.1:$A"
if run 0 as admin --server "$DA" -w "$CODE" kr add O1 "Revenue" --from 0 --to 100 \
   && [ "$out" = K1 ]; then
    ok "an edit goes to the second server when the first is down"
else not_ok "an edit goes to the second server when the first is down" "$status $out $err"; fi
if run 0 as admin --server "$DA" -w "$CODE" --json show \
   && J=$out && [ "$(jq -r '.key_results[0].title' <<<"$J")" = Revenue ]; then
    ok "show through the list reads the edit"
else not_ok "show through the list reads the edit" "$status $out $err"; fi
if CASCADE_SERVER="$DA" run 0 as admin ping && grep -q "at 127.0.0.1:$A answered" <<<"$out"; then
    ok "CASCADE_SERVER takes the list too; ping names the server that answered"
else not_ok "CASCADE_SERVER takes the list too" "$status $out $err"; fi
if run 0 as admin --server "127.0.0.1:$DEAD, 127.0.0.1:$A" -w "$CODE" whoami; then
    ok "blanks after the commas are allowed"
else not_ok "blanks after the commas are allowed" "$status $out $err"; fi

# ---- (b) every server is down -----------------------------------------------------------
DD="127.0.0.1:$DEAD,127.0.0.1:$B"
for cmd in "ping" "-w $CODE show"; do
    # shellcheck disable=SC2086
    if run 3 as admin --server "$DD" $cmd && [ -z "$out" ] \
       && [ "$(grep -c . <<<"$err")" -eq 1 ] \
       && grep -q "None of the 2 servers could be used" <<<"$err" \
       && grep -q "127.0.0.1:$DEAD: connection refused" <<<"$err" \
       && grep -q "127.0.0.1:$B: connection refused" <<<"$err"; then
        ok "$cmd with every server down: exit 3, one sentence naming each server and why"
    else not_ok "$cmd with every server down" "$status $out $err"; fi
done
if run 3 as admin --server "127.0.0.1:$DEAD" ping \
   && [ "$err" = "cascade: Cannot reach the server at 127.0.0.1:$DEAD: connection refused. Is cascaded running there?" ]; then
    ok "a single server is reported as it always was"
else not_ok "a single server is reported as it always was" "$err"; fi

# ---- (c) malformed lists ------------------------------------------------------------------
bad_list() { # bad_list NAME LIST WORDS: exit 2, one sentence containing WORDS
    local name=$1 list=$2 words=$3
    if run 2 as admin --server "$list" ping && [ -z "$out" ] && grep -qF "$words" <<<"$err"; then
        ok "$name is refused (exit 2)"
    else not_ok "$name is refused (exit 2)" "$status $out $err"; fi
}
bad_list "an empty entry" "127.0.0.1:$A,,127.0.0.1:$B" "Entry 2 of the server list is empty"
bad_list "a trailing comma" "127.0.0.1:$A," "Entry 2 of the server list is empty"
bad_list "an entry without a port" "127.0.0.1:$A,backup" "'backup' has no port"
bad_list "an entry with port 0" "127.0.0.1:$A,127.0.0.1:0" "Entry 2 of the server list, '127.0.0.1:0', has port 0"
bad_list "a server named twice" "127.0.0.1:$A,127.0.0.1:$A" "names the same server as entry 1"
many=$(seq -s, -f "127.0.0.1:%g" 7001 7017)
bad_list "17 servers" "$many" "more than 16 servers; entry 17, '127.0.0.1:7017'"
if CASCADE_SERVER="127.0.0.1:$A,nope" run 2 as admin ping && grep -q "'nope' has no port" <<<"$err"; then
    ok "a malformed CASCADE_SERVER is refused (exit 2)"
else not_ok "a malformed CASCADE_SERVER is refused" "$status $err"; fi
sixteen=$(seq -s, -f "127.0.0.1:%g" 7001 7015),127.0.0.1:$A
if run 0 as admin --server "$sixteen" ping; then ok "16 servers are allowed"
else not_ok "16 servers are allowed" "$status $err"; fi

# ---- a server not trusted is never used ---------------------------------------------------
mkdir -p "$WORK/home-eve/cascade"
echo "127.0.0.1:$A SHA256:00:11:22:33" >"$WORK/home-eve/cascade/known_servers"
if run 3 as eve --server "127.0.0.1:$DEAD,127.0.0.1:$A" ping \
   && grep -q "The certificate of 127.0.0.1:$A has changed" <<<"$err" \
   && grep -q "None of the 2 servers could be used" <<<"$err"; then
    ok "a changed certificate is refused on a list as on its own"
else not_ok "a changed certificate is refused on a list" "$status $out $err"; fi

# ---- (d) a watch resumes on the next server -----------------------------------------------
as admin --server "$AB" -w "$CODE" kr set K1 10 >/dev/null
XDG_CONFIG_HOME="$WORK/home-admin" "$CASCADE" --server "$AB" -w "$CODE" --json watch --since 0 \
    >"$WORK/watch" 2>"$WORK/watch.err" &
WPID=$!
PIDS+=("$WPID")
n_events() { grep -c '"seq":' "$WORK/watch" 2>/dev/null; }
before=$(as admin --server "$AB" -w "$CODE" --json show | jq .workshop.seq)
for _ in $(seq 1 500); do [ "$(n_events)" -ge "$before" ] && break; sleep 0.02; done
check "the watch shows the $before events so far" test "$(n_events)" -eq "$before"

kill -9 "$APID"; wait "$APID" 2>/dev/null
start_server main --listen "127.0.0.1:$B"
run 0 as admin --server "$AB" -w "$CODE" kr set K1 42
check "the edit after the crash goes to the second server" test "$status" -eq 0
for _ in $(seq 1 500); do [ "$(n_events)" -gt "$before" ] && break; sleep 0.02; done
sleep 0.3 # a duplicate would come right behind
seqlist=$(grep -o '"seq":[0-9]*' "$WORK/watch" | cut -d: -f2 | tr '\n' ' ')
want=$(seq -s ' ' 1 $((before + 1)))
if [ "$seqlist" = "$want " ]; then
    ok "the watch printed every event once, in order: no gap, no duplicate"
else not_ok "the watch printed every event once" "got: $seqlist; want: $want"; fi
# (presence news of the resumed watch itself may come before or after it)
check "the new edit is the last event" eval "grep '\"seq\":' '$WORK/watch' | tail -n1 | grep -q '\"current\":42'"
if grep -q "the connection to 127.0.0.1:$A was lost (.*); reconnected to 127.0.0.1:$B after .* resumed after #$before, with nothing missed" "$WORK/watch.err"; then
    ok "the watch says it resumed on the next server"
else not_ok "the watch says it resumed on the next server" "$(cat "$WORK/watch.err")"; fi
kill -TERM "$WPID"; wait "$WPID"; st=$?
check "the watch ends on SIGTERM with exit 0" test "$st" -eq 0

finish
