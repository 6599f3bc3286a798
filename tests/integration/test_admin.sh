#!/usr/bin/env bash
# The administrator's views of a running server, through the real binaries:
# admin stats (totals counted against the work done, the three windows
# equal while the server is younger than a minute, commit percentiles in
# order, sizes), admin connections (a watcher's user, TLS version and
# workshop; --user), admin broadcast (reaching a watcher, text and JSON),
# admin disconnect (by id and by user: the watcher is told why and does not
# come back), admin workshops (people, online, seq, open/closed/archived)
# and admin workshop archive/unarchive/delete (every request refused while
# archived, the events in the history, delete only when archived and with
# --yes, every row gone from the database, a restart keeping all of it);
# everyone else refused, and each bad input one sentence that changes
# nothing.
# Usage: test_admin.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init admin "$@"

# wait_for FILE PATTERN: until FILE holds PATTERN (bounded).
wait_for() {
    for _ in $(seq 1 200); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}
# exited PID: until the process has gone (bounded); its status in rc.
exited() {
    for _ in $(seq 1 200); do kill -0 "$1" 2>/dev/null || { wait "$1"; rc=$?; return 0; }; sleep 0.05; done
    return 1
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice bob; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
W1=$(as alice workshop create "Q3 planning" --period 2026-Q3 2>/dev/null)
W2=$(as alice workshop create "Q4 planning" 2>/dev/null)
as bob join "$W1" >/dev/null 2>&1
EDITS=0
for cmd in "team add Acme --level company" "obj add Grow --team T1" "kr add O1 ARR --from 1 --to 2" \
           "checkin K1 --value 1.5 --confidence 0.7" "obj edit O1 --title Grow-more"; do
    as alice -w "$W1" $cmd >/dev/null 2>"$WORK/err" || not_ok "W1: $cmd" "$(cat "$WORK/err")"
    EDITS=$((EDITS + 1))
done

# ---- admin stats --------------------------------------------------------------------
J=$(as admin --json admin stats)
expect "stats: the server's version" '.version | test("^[0-9]+\\.[0-9]+")' 'true'
expect "stats: one workshop more than none" '.workshops' '2'
expect "stats: the logins counted (admin, alice, bob)" '.totals.logins >= 3' 'true'
expect "stats: every edit is an event" ".totals.events >= $EDITS" 'true'
expect "stats: events were delivered or none watched" '.totals.deliveries >= 0' 'true'
expect "stats: requests per second over 1, 5, 15 min" '.per_second.requests | keys' '["15m","1m","5m"]'
expect "stats: a young server's windows are the same span" \
    '.per_second.events | (.["1m"] == .["5m"] and .["5m"] == .["15m"] and .["1m"] > 0)' 'true'
expect "stats: rate x uptime does not exceed the events counted" \
    '(.per_second.events["1m"] * ([.uptime_s, 1] | max)) <= (.totals.events + 1) * 2' 'true'
expect "stats: the commits sampled" '.commit_ms.sampled > 0' 'true'
expect "stats: p50 <= p99" '.commit_ms.p50 <= .commit_ms.p99' 'true'
expect "stats: the database, log and memory have sizes" \
    '[.database_bytes > 0, .wal_bytes >= 0, .resident_bytes > 1000000]' '[true,true,true]'
expect "stats: connections now, at most and accepted" \
    '.connections | (.open >= 1 and .peak >= .open and .accepted >= .peak)' 'true'
run 0 as admin admin stats
check "stats as text: the rates line" grep -q "per second over 1 / 5 / 15 min" <<<"$out"
check "stats as text: commit time" grep -q "commit time *p50 .* ms, p99 .* ms" <<<"$out"
refused "stats by someone else" 1 alice admin stats
check "...saying only the administrator can" grep -q "Only the server's administrator can see the server's figures" <<<"$err"
refused "stats with an argument" 2 admin admin stats now

# ---- connections, broadcast, disconnect ---------------------------------------------
as bob -w "$W1" --json watch >"$WORK/bob.out" 2>"$WORK/bob.err" &
BOBW=$!
PIDS+=("$BOBW")
wait_for "$WORK/bob.out" '"seq"' || as bob -w "$W1" obj add Nudge --team T1 >/dev/null 2>&1
sleep 0.3
J=$(as admin --json admin connections)
expect "connections: bob's watch follows W1" "[.connections[] | select(.user == \"bob\") | .workshops] | first" "[\"$W1\"]"
expect "connections: over TLS 1.3" '[.connections[] | select(.user == "bob") | .tls] | first' '"TLSv1.3"'
expect "connections: the asking one is marked" '[.connections[] | select(.you)] | length' '1'
expect "connections: every field" '.connections[0] | keys' \
    '["address","admin","bytes_queued","id","idle_ms","since_ms","state","tls","user","workshops","you"]'
expect "connections: total matches the rows" '.total == (.connections | length)' 'true'
J=$(as admin --json admin connections --user bob)
expect "connections --user bob: only bob's" '[.connections[].user] | unique' '["bob"]'
BOBID=$(jq -r '.connections[0].id' <<<"$J")
run 0 as admin admin connections
check "connections as text: the header" grep -q "ID *USER *ADDRESS *TLS *SINCE *IDLE *WORKSHOPS *QUEUED" <<<"$out"
refused "connections by someone else" 1 bob admin connections

run 0 as admin admin broadcast "Coffee at 3, back at 3:15."
check "broadcast: says how many it reached" grep -Eq "^Sent to [0-9]+ connections?\.$" <<<"$out"
check "broadcast: the watcher shows it" wait_for "$WORK/bob.out" '"broadcast":{"from":"admin","text":"Coffee at 3, back at 3:15."'
J=$(as admin --json admin broadcast "Second notice")
expect "broadcast --json" '.broadcast' '"Second notice"'
refused "broadcast with no text" 2 admin admin broadcast
refused "broadcast of an empty text" 2 admin admin broadcast ""
refused "broadcast of 600 characters" 1 admin admin broadcast "$(printf 'x%.0s' $(seq 1 600))"
refused "broadcast by someone else" 1 alice admin broadcast "hi all"

refused "disconnect with neither id nor user" 2 admin admin disconnect
refused "disconnect with both" 2 admin admin disconnect "$BOBID" --user bob
refused "disconnect of a malformed id" 2 admin admin disconnect 12x
refused "disconnect of an unknown id" 1 admin admin disconnect 999999
check "...naming where to look" grep -q "admin connections" <<<"$err"
refused "disconnect of an unknown user" 1 admin admin disconnect --user nobody
refused "disconnect by someone else" 1 alice admin disconnect "$BOBID"
check "bob's watch survived all that" kill -0 "$BOBW"
run 0 as admin admin disconnect "$BOBID" --reason "Maintenance of your desk"
check "disconnect by id: the note" grep -q "^Closed connection $BOBID\.$" <<<"$out"
if exited "$BOBW"; then
    [ "$rc" -eq 1 ] && ok "the disconnected watch ends (exit 1)" || not_ok "the disconnected watch ends (exit 1)" "exit $rc"
else not_ok "the disconnected watch ends instead of reconnecting" "$(cat "$WORK/bob.err")"; fi
check "...saying who and why" grep -q "An administrator (admin) disconnected you: Maintenance of your desk" "$WORK/bob.err"
as bob -w "$W1" watch >"$WORK/bob2.out" 2>"$WORK/bob2.err" &
BOBW=$!
PIDS+=("$BOBW")
sleep 0.5
run 0 as admin admin disconnect --user bob
check "disconnect --user: how many" grep -Eq "^Closed [1-9][0-9]* connections? of bob\.$" <<<"$out"
exited "$BOBW" && ok "bob's text watch ended too" || not_ok "bob's text watch ended too"
check "...in one sentence, not a reconnect" grep -q "disconnected you\." "$WORK/bob2.err"
run 0 as bob -w "$W1" show
check "bob may come back by himself (disconnect is not a ban)" test "$status" -eq 0
J=$(as admin --json admin disconnect --user bob)
expect "disconnect --user with none open" '.note' '"Closed 0 connections of bob."'

# ---- admin workshops ----------------------------------------------------------------
as bob -w "$W1" --json watch >"$WORK/bob3.out" 2>"$WORK/bob3.err" &
BOBW=$!
PIDS+=("$BOBW")
sleep 0.5
SEQ1=$(as alice -w "$W1" --json show | jq '.workshop.seq')
as alice -w "$W2" workshop close --force >/dev/null 2>&1
J=$(as admin --json admin workshops)
expect "workshops: both" '.total' '2'
expect "workshops: W1's row" "[.workshops[] | select(.code == \"$W1\") | [.title, .period, .participants, .online, .seq, .state]] | first" \
    "[\"Q3 planning\",\"2026-Q3\",2,1,$SEQ1,\"open\"]"
expect "workshops: W2 is closed" "[.workshops[] | select(.code == \"$W2\") | .state] | first" '"closed"'
expect "workshops: the last active first" '[.workshops[].last_activity_ms] | . == (sort | reverse)' 'true'
expect "workshops: activity is a time" '[.workshops[].last_activity_ms > 1700000000000] | all' 'true'
run 0 as admin admin workshops
check "workshops as text: the header" grep -q "CODE *TITLE *PERIOD *PEOPLE *ONLINE *SEQ *LAST ACTIVITY *STATE" <<<"$out"
refused "workshops by someone else" 1 alice admin workshops

# ---- archive, unarchive, delete -----------------------------------------------------
refused "workshop with no action" 2 admin admin workshop
refused "workshop with an unknown action" 2 admin admin workshop freeze "$W1"
refused "archive with no code" 2 admin admin workshop archive
refused "archive of an unknown code" 1 admin admin workshop archive ZZZZZZZZZZ
refused "archive --yes" 2 admin admin workshop archive "$W1" --yes
refused "archive by a facilitator who is not the administrator" 1 alice admin workshop archive "$W1"
INVITE=$(as alice -w "$W1" workshop invite --role member 2>/dev/null)
as admin admin user add carol --password-stdin <<<"pw-carol-0123456789" >/dev/null 2>&1
as carol login --user carol <<<"pw-carol-0123456789" >/dev/null 2>&1
DUMP0=$(sqlite3 "$WORK/main/cascade.db" .dump | grep -v "archived")
# The workshop as it is, but for its seq (archiving and unarchiving add two events).
whole() { as alice -w "$W1" --json show | jq -S 'del(.workshop.seq)'; }
SHOW0=$(whole)
run 0 as admin admin workshop archive "$W1"
check "archive: says what it means" grep -q "out of service" <<<"$out"
if exited "$BOBW"; then ok "the watcher's watch ends on the archive"; else not_ok "the watcher's watch ends on the archive"; fi
check "...having shown the event" grep -q '"type":"workshop.archive"' "$WORK/bob3.out"
check "...and said why" grep -q "archived workshop $W1" "$WORK/bob3.err"
refused "show of an archived workshop" 1 alice -w "$W1" show
check "...names who archived it and the way back" grep -q "was archived by admin on .* admin workshop unarchive $W1" <<<"$err"
refused "an edit of an archived workshop" 1 alice -w "$W1" obj add Sneak --team T1
refused "a watch of an archived workshop" 1 bob -w "$W1" watch --no-resume
refused "joining an archived workshop" 1 bob join "$W1"
refused "joining an archived workshop by invite" 1 carol join "$INVITE"
check "...saying it is archived" grep -q "was archived by admin" <<<"$err"
J=$(as alice --json workshop list)
expect "the archived workshop leaves its members' lists" "[.workshops[]? // .[]? | .code? // empty] | index(\"$W1\")" 'null'
refused "archiving twice" 1 admin admin workshop archive "$W1"
check "...saying by whom" grep -q "archived already, by admin" <<<"$err"
J=$(as admin --json admin workshops)
expect "workshops: W1 archived, by whom, its state out of memory" \
    "[.workshops[] | select(.code == \"$W1\") | [.state, .archived_by, .in_memory]] | first" '["archived","admin",false]'
refused "delete without --yes" 2 admin admin workshop delete "$W2"
refused "delete of a workshop in service" 1 admin admin workshop delete "$W2" --yes
check "...archive it first" grep -q "archive it first" <<<"$err"
run 0 as admin admin workshop unarchive "$W1"
check "unarchive" grep -q "in service again" <<<"$out"
refused "unarchive of one in service" 1 admin admin workshop unarchive "$W1"
check "W1 serves again, loaded whole as it was" test "$(whole)" = "$SHOW0"
J=$(as admin --json admin workshops)
expect "workshops: W1 in memory again" "[.workshops[] | select(.code == \"$W1\") | .in_memory] | first" 'true'
DUMP1=$(sqlite3 "$WORK/main/cascade.db" .dump | grep -v "archived")
check "archive and unarchive changed no row but the flag and their events" \
    test "$(diff <(grep -v "INSERT INTO events" <<<"$DUMP0") <(grep -v "INSERT INTO events" <<<"$DUMP1") | grep -c '^[<>]')" -eq 0
J=$(XDG_CONFIG_HOME="$WORK/home-alice" timeout 1.5 "$CASCADE" -w "$W1" --json watch --since "$SEQ1" --no-resume)
check "the history keeps both" test "$(grep -c '"workshop.archive"\|"workshop.unarchive"' <<<"$J")" -eq 2

W2ID=$(sqlite3 "$WORK/main/cascade.db" "SELECT id FROM workshops WHERE code = '$W2'")
run 0 as admin admin workshop archive "$W2"
run 0 as admin admin workshop delete "$(tr 'A-Z' 'a-z' <<<"$W2")" --yes
check "delete: the note (the code typed in lower case)" grep -q "^Deleted workshop $W2 and all of its history\.$" <<<"$out"
LEFT=0
for t in $(sqlite3 "$WORK/main/cascade.db" "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c WHERE m.type='table' AND c.name='workshop_id'"); do
    LEFT=$((LEFT + $(sqlite3 "$WORK/main/cascade.db" "SELECT count(*) FROM $t WHERE workshop_id = $W2ID")))
done
check "delete: no row of it left in any table" test "$LEFT" -eq 0
check "delete: nor the workshop's own row" test "$(sqlite3 "$WORK/main/cascade.db" "SELECT count(*) FROM workshops WHERE id = $W2ID")" -eq 0
refused "delete of what is gone" 1 admin admin workshop delete "$W2" --yes
refused "show of the deleted workshop" 1 alice -w "$W2" show
J=$(as admin --json admin workshops)
expect "workshops: only W1 left" '[.workshops[].code]' "[\"$W1\"]"

# ---- a restart keeps it all ---------------------------------------------------------
run 0 as admin admin workshop archive "$W1"
stop_server "$SPID"
start_server main --listen "127.0.0.1:$PORT"
J=$(as admin --json admin workshops)
expect "after a restart: W1 still archived (not loaded), W2 still gone" \
    '[.workshops[] | [.code, .state, .in_memory, .participants]]' "[[\"$W1\",\"archived\",false,2]]"
refused "after a restart: W1 still refuses" 1 alice -w "$W1" show
run 0 as admin admin workshop unarchive "$W1"
check "after a restart and an unarchive, W1 is loaded whole as it was" test "$(whole)" = "$SHOW0"
J=$(as admin --json admin stats)
expect "after a restart the totals start again" '.totals.logins <= 2' 'true'

# ---- a server that is down ----------------------------------------------------------
stop_server "$SPID"
refused "stats with the server down" 3 admin admin stats
finish
