#!/usr/bin/env bash
# Three cascaded nodes on one PostgreSQL database (run by pg/with-postgres.sh,
# which starts a real PostgreSQL and sets CASCADE_TEST_PG_URL): twenty
# writers spread over the nodes edit one workshop at once while a watcher on
# every node records the stream; every watcher ends with the same gapless
# seq list, every node and a fresh fourth one show the same workshop, and
# every acknowledged edit is in it. Conflicting edits of one field from two
# nodes: exactly one wins, everywhere. kill -9 of a node while people edit
# loses nothing acknowledged, and its watcher goes on on another node without
# a gap. PostgreSQL killed and started again: edits are refused with a
# sentence meanwhile, open watches stay, the nodes reconnect by themselves,
# and nothing acknowledged is lost.
# Usage: test_nodes.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init nodes "$@"
if [ -z "${CASCADE_TEST_PG_URL:-}" ]; then
    echo "SKIP: no PostgreSQL (run through tests/pg/with-postgres.sh)"
    exit 77
fi
export CASCADE_TEST_STORE="$CASCADE_TEST_PG_URL"
unset CASCADE_WORKSHOP NO_COLOR

# node N: starts node N (data in $WORK/nN) on its port, or a free one.
declare -a NPORT NPID
node() {
    local n=$1 listen=()
    [ -n "${NPORT[$n]:-}" ] && listen=(--listen "127.0.0.1:${NPORT[$n]}")
    start_server "n$n" "${listen[@]}"
    NPORT[$n]=$PORT NPID[$n]=$SPID
}
node 1; node 2; node 3
# list N: the three nodes, N first (a client uses the first that answers).
list() {
    local out="127.0.0.1:${NPORT[$1]}" m
    for m in 1 2 3; do [ "$m" = "$1" ] || out="$out,127.0.0.1:${NPORT[$m]}"; done
    echo "$out"
}
# on N USER ARGS...: the client as USER, node N first.
on() { local n=$1 who=$2; shift 2; CASCADE_SERVER=$(list "$n") as "$who" "$@"; }

on 1 admin login --user admin <"$WORK/n1/initial-admin-password" >/dev/null 2>&1
check "the first node made the administrator; the others found it made" \
    test -f "$WORK/n1/initial-admin-password" -a ! -e "$WORK/n2/initial-admin-password" \
         -a ! -e "$WORK/n3/initial-admin-password"
for u in alice bob carol dave; do
    on 1 admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    check "$u logs in through node 2 (a session works on every node)" \
        run 0 on 2 "$u" login --user "$u" <<<"pw-$u-0123456789"
done
CODE=$(on 2 alice workshop create "Three nodes" --period 2026-Q3 2>/dev/null)
export CASCADE_WORKSHOP=$CODE
check "bob joins on node 3 the workshop made on node 2" run 0 on 3 bob join "$CODE"
check "carol joins on node 1" run 0 on 1 carol join "$CODE"
check "dave joins on node 2" run 0 on 2 dave join "$CODE"
on 1 alice team add Acme --level company >/dev/null
on 2 alice obj add "Grow" --team T1 >/dev/null
for k in 1 2 3 4; do on $(( k % 3 + 1 )) alice kr add O1 "KR $k" --from 0 --to 100 >/dev/null; done

# ---- watchers on every node ---------------------------------------------------------------
declare -a WPID
watcher() { # watcher N USER: a watch from seq 0, node N first
    CASCADE_SERVER=$(list "$1") as "$2" watch --since 0 >"$WORK/watch$1" 2>&1 &
    WPID[$1]=$!
    PIDS+=("${WPID[$1]}")
}
# present N: the users who lists on node N, sorted, on one line.
present() { on "$1" alice --json who | jq -r '.present[].user' | sort | tr '\n' ' '; }
watcher 1 alice
for _ in $(seq 1 100); do [ "$(present 1)" = "alice " ] && break; sleep 0.05; done
watcher 2 bob; watcher 3 carol
seqs() { grep -o '^#[0-9]*' "$1" | tr -d '#'; }
for _ in $(seq 1 100); do [ "$(present 1)" = "alice bob carol " ] && break; sleep 0.05; done
check "who on node 1 lists the watchers of all three nodes" test "$(present 1)" = "alice bob carol "
check "who on node 3 lists them too" test "$(present 3)" = "alice bob carol "
check "node 1's watcher heard bob arrive through node 2" grep -q "bob arrived" "$WORK/watch1"
# settled SEQ: every watcher has reached SEQ (bounded wait).
settled() {
    for _ in $(seq 1 300); do
        local all=1 n
        for n in 1 2 3; do [ "$(seqs "$WORK/watch$n" | tail -n1)" = "$1" ] || all=0; done
        [ "$all" = 1 ] && return 0
        sleep 0.05
    done
    return 1
}
last_seq() { on 1 alice --json show | jq -r .workshop.seq; }

# ---- twenty writers over three nodes -------------------------------------------------------
# Writer i edits through node i%3+1: comments as a member, check-ins as the
# facilitator; each acknowledged edit is written down.
writer() {
    local i=$1 rounds=$2 tag=$3 n=$(( $1 % 3 + 1 )) j who
    who=$(echo bob carol dave | cut -d' ' -f$(( $1 % 3 + 1 )))
    for j in $(seq 1 "$rounds"); do
        if [ $(( j % 2 )) = 0 ]; then
            on "$n" alice kr set "K$(( i % 4 + 1 ))" "$(( i * 10 + j ))" >/dev/null 2>&1 \
                && echo "kr $i $j" >>"$WORK/acked-$tag"
        else
            on "$n" "$who" comment O1 "$tag w$i e$j" >/dev/null 2>&1 \
                && echo "$tag w$i e$j" >>"$WORK/acked-$tag"
        fi
    done
}
BEFORE=$(last_seq)
pids=()
for i in $(seq 1 20); do writer "$i" 6 run1 & pids+=($!); done
wait "${pids[@]}"
ACKED=$(wc -l <"$WORK/acked-run1")
if [ "$ACKED" -eq 120 ]; then ok "all 120 edits of 20 writers on 3 nodes were acknowledged"
else not_ok "all 120 edits were acknowledged" "$ACKED"; fi
LAST=$(last_seq)
if [ "$LAST" -eq $(( BEFORE + ACKED )) ]; then ok "each acknowledged edit is one seq ($BEFORE -> $LAST)"
else not_ok "each acknowledged edit is one seq" "$BEFORE + $ACKED != $LAST"; fi
check "every watcher reaches seq $LAST" settled "$LAST"
if [ "$(seqs "$WORK/watch1" | tr '\n' ' ')" = "$(seq 1 "$LAST" | tr '\n' ' ')" ]; then
    ok "node 1's watcher saw 1..$LAST once each, in order"
else not_ok "node 1's watcher saw 1..$LAST once each" "$(seqs "$WORK/watch1" | tr '\n' ' ')"; fi
check "the three watchers saw the same stream" \
    bash -c "diff <(grep '^#' '$WORK/watch1') <(grep '^#' '$WORK/watch2') >/dev/null \
             && diff <(grep '^#' '$WORK/watch1') <(grep '^#' '$WORK/watch3') >/dev/null"

# Every node serves the same workshop; a fourth, started now, loads it from
# the database the same.
shows_agree() {
    local n ref
    ref=$(on 1 alice --json show | jq -S 'del(.presence, .people_online)')
    for n in 2 3 "$@"; do
        [ "$(on "$n" alice --json show | jq -S 'del(.presence, .people_online)')" = "$ref" ] \
            || return 1
    done
    jq -e --arg n "$ACKED" '.comments | length >= 60' <<<"$ref" >/dev/null
}
check "nodes 1, 2 and 3 show the same workshop" shows_agree
node 4
check "a fourth node, loading from the database, shows it the same" shows_agree 4
stop_server "${NPID[4]}"
missing_acked() { # missing_acked TAG: acknowledged comments not in the workshop
    local texts; texts=$(on 1 alice --json show | jq -r '.comments[].text')
    grep -v '^kr ' "$WORK/acked-$1" | while read -r t; do grep -qxF "$t" <<<"$texts" || echo "$t"; done
}
check "every acknowledged comment is in the workshop" test -z "$(missing_acked run1)"

# ---- one field, two nodes, one base version: exactly one wins ------------------------------
wins=0 clean=1
for r in $(seq 1 8); do
    V=$(on 1 alice --json show | jq '.key_results[] | select(.id == "K1") | .version')
    on 1 alice kr edit K1 --to "$(( 1000 + r ))" --base-version "$V" >"$WORK/c1" 2>&1 & p1=$!
    on 2 alice kr edit K1 --to "$(( 2000 + r ))" --base-version "$V" >"$WORK/c2" 2>&1 & p2=$!
    wait "$p1"; s1=$?; wait "$p2"; s2=$?
    if [ $(( (s1 == 0) + (s2 == 0) )) -ne 1 ]; then clean=0; continue; fi
    loser=$WORK/c1 want=$(( 2000 + r )); [ "$s1" = 0 ] && loser=$WORK/c2 want=$(( 1000 + r ))
    grep -q "changed since version $V" "$loser" || clean=0
    wins=$((wins + 1))
    for n in 1 2 3; do
        got=""
        for _ in $(seq 1 100); do
            got=$(on "$n" alice --json show | jq '.key_results[] | select(.id == "K1") | .target')
            [ "$got" = "$want" ] && break
            sleep 0.02
        done
        [ "$got" = "$want" ] || clean=0
    done
done
if [ "$clean" = 1 ] && [ "$wins" = 8 ]; then
    ok "8 rounds of one field edited on two nodes: one wins, one conflicts, all nodes agree"
else not_ok "conflicting edits on two nodes: exactly one wins" "wins $wins clean $clean"; fi

# ---- kill -9 of a node while people edit ---------------------------------------------------
for cycle in 1 2 3; do
    pids=()
    for i in $(seq 1 9); do writer "$i" 10 "kill$cycle" & pids+=($!); done
    sleep 0.4
    kill -9 "${NPID[2]}"
    wait "${NPID[2]}" 2>/dev/null
    sleep 0.3
    node 2
    wait "${pids[@]}"
    L=$(last_seq)
    if settled "$L" && test -z "$(missing_acked "kill$cycle")"; then
        ok "kill -9 of node 2 (cycle $cycle): $(wc -l <"$WORK/acked-kill$cycle") acknowledged edits kept, watchers at $L"
    else not_ok "kill -9 of node 2 (cycle $cycle)" "$(missing_acked "kill$cycle" | head -3)"; fi
done
L=$(last_seq)
if [ "$(seqs "$WORK/watch2" | tr '\n' ' ')" = "$(seq 1 "$L" | tr '\n' ' ')" ] \
   && grep -q "reconnected" "$WORK/watch2"; then
    ok "node 2's watcher went on elsewhere: 1..$L once each"
else not_ok "node 2's watcher went on without a gap" "$(tail -3 "$WORK/watch2")"; fi
check "after the kills, every node shows the same workshop" shows_agree
for _ in $(seq 1 100); do [ "$(present 2)" = "alice bob carol " ] && break; sleep 0.05; done
check "the restarted node 2 learned who is present through the others" \
    test "$(present 2)" = "alice bob carol "

# ---- PostgreSQL down, then back ------------------------------------------------------------
bash "$CASCADE_TEST_PG_HARNESS" kill "$CASCADE_TEST_PG_DIR"
if run 1 on 1 bob comment O1 "while the database is down" \
   && grep -q "cannot reach its database" <<<"$err"; then
    ok "an edit while PostgreSQL is down is refused with a sentence"
else not_ok "an edit while PostgreSQL is down is refused" "$status $out $err"; fi
if run 0 on 3 alice --json show && [ "$(jq -r .workshop.seq <<<"$out")" = "$L" ]; then
    ok "show still answers from memory while PostgreSQL is down"
else not_ok "show answers while PostgreSQL is down" "$status $out $err"; fi
for n in 1 2 3; do kill -0 "${WPID[$n]}" 2>/dev/null || break; done
check "the watches stay open" kill -0 "${WPID[1]}" "${WPID[2]}" "${WPID[3]}"
bash "$CASCADE_TEST_PG_HARNESS" restart "$CASCADE_TEST_PG_DIR" >/dev/null
back=0
for _ in $(seq 1 100); do
    if on 2 bob comment O1 "after the database came back" >/dev/null 2>&1; then back=1; break; fi
    sleep 0.1
done
check "the nodes reconnect by themselves: an edit goes through again" test "$back" = 1
L2=$(last_seq)
check "every watcher hears the edit after the restart (seq $L2)" settled "$L2"
check "nothing acknowledged was lost" \
    test -z "$(missing_acked run1; missing_acked kill1; missing_acked kill2; missing_acked kill3)"
check "the refused edit is nowhere" \
    bash -c "! grep -q 'while the database is down' '$WORK/watch1'"

# ---- password guesses spread over the nodes are counted together -------------------------
on 1 admin admin user add erin --password-stdin <<<"pw-erin-0123456789" >/dev/null 2>&1
wrong=0
for n in 1 2 3 1 2; do
    run 1 on "$n" erin login --user erin <<<"wrong-guess-$n" && wrong=$((wrong + 1))
done
sleep 0.3 # the last failure's notice reaches every node
if [ "$wrong" = 5 ] && run 1 on 3 erin login --user erin <<<"pw-erin-0123456789" \
   && grep -q "Too many attempts" <<<"$err"; then
    ok "five wrong passwords over three nodes lock the sixth attempt out on any node"
else not_ok "guesses over the nodes are counted together" "$wrong $status $err"; fi
on 1 admin admin user passwd erin --password-stdin <<<"pw-erin-new-0123456789" >/dev/null 2>&1
sleep 0.3
check "a new password lifts the lock on every node" \
    run 0 on 2 erin login --user erin <<<"pw-erin-new-0123456789"

# ---- notifications late, twice, for what was never committed, or garbage -------------------
WID=$(psql -qAt "$CASCADE_TEST_PG_URL" -c "SELECT id FROM workshops WHERE code = '$CODE'")
L0=$(last_seq)
for payload in "$WID:1" "$WID:$L0" "$WID:$L0" "$WID:$((L0 + 1000))" "$WID:" "x:y" "" \
               "$WID:18446744073709551615" "999999:1"; do
    psql -qAt "$CASCADE_TEST_PG_URL" -c "SELECT pg_notify('cascade_events', '$payload')" >/dev/null
done
on 1 bob comment O1 "after the odd notifications" >/dev/null 2>&1
check "after old, repeated, unfounded and malformed notifications every watcher is at $((L0 + 1))" \
    settled "$((L0 + 1))"
if [ "$(seqs "$WORK/watch3" | tr '\n' ' ')" = "$(seq 1 "$((L0 + 1))" | tr '\n' ' ')" ]; then
    ok "and node 3's watcher still saw each seq once"
else not_ok "odd notifications duplicated or skipped nothing" "$(seqs "$WORK/watch3" | tail -4 | tr '\n' ' ')"; fi
check "nodes 1, 2 and 3 still show the same workshop" shows_agree

# ---- every node runs the agenda's timer; its events come once ---------------------------
on 1 alice agenda add "Quick check" --for 3s >/dev/null 2>&1
on 2 alice agenda start >/dev/null 2>&1
for _ in $(seq 1 200); do grep -q "agenda.timeup" "$WORK/watch3" && break; sleep 0.05; done
sleep 1.5 # a second node's time-up would come right behind
timer_events() { grep -E "agenda\.(warning|timeup)" "$1" | sed 's/^#[0-9]* [0-9:]* //'; }
ups=$(grep -c "agenda.timeup" "$WORK/watch1")
if [ "$ups" = 1 ] && [ "$(timer_events "$WORK/watch1")" = "$(timer_events "$WORK/watch2")" ] \
   && [ "$(timer_events "$WORK/watch1")" = "$(timer_events "$WORK/watch3")" ]; then
    ok "three nodes' timers gave the step's time-up once, seen the same on every node"
else not_ok "the agenda's timer gives its events once" "$(timer_events "$WORK/watch1")"; fi

# ---- workshops made on several nodes at once, found by every node -------------------------
W2=$(on 2 alice workshop create "Made on node 2" 2>/dev/null)
W3=$(on 3 alice workshop create "Made on node 3" 2>/dev/null)
W1=$(on 1 alice workshop create "Made on node 1" 2>/dev/null)
found=0
for w in "$W2" "$W3" "$W1" "$CODE"; do
    for n in 1 2 3; do
        [ "$(on "$n" alice -w "$w" --json show | jq -r .workshop.code)" = "$w" ] && found=$((found + 1))
    done
done
check "three workshops made on three nodes at once, and the first, are each found on every node" \
    test "$found" = 12
sleep 1.2 # a second's comparison of seqs loads what a node has not been asked for
listed=0
for n in 1 2 3; do
    [ "$(on "$n" alice --json workshop list | jq '.workshops | length')" = 4 ] && listed=$((listed + 1))
done
check "each node lists alice's four workshops" test "$listed" = 3

# ---- the store as a configuration key, and its bad values -----------------------------------
printf 'store = %s\nlisten = 127.0.0.1:0\n' "$CASCADE_TEST_PG_URL" >"$WORK/node5.conf"
if run 0 "$CASCADED" --config "$WORK/node5.conf" --check-config; then
    ok "store = postgresql://... is a configuration key"
else not_ok "store is a configuration key" "$status $out $err"; fi
if run 2 "$CASCADED" --store mysql://db/cascade --check-config \
   && grep -q "It is 'sqlite' or a PostgreSQL URL" <<<"$err"; then
    ok "--store with another scheme is refused, saying what it takes"
else not_ok "--store with another scheme is refused" "$status $err"; fi
LOG5=$WORK/n5.log
"$CASCADED" --config "$WORK/node5.conf" --data "$WORK/n5" >"$LOG5" 2>&1 &
N5=$!; PIDS+=("$N5")
wait_listening "$LOG5" "$N5"
env XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" --server "127.0.0.1:$PORT" login --user alice \
    <<<"pw-alice-0123456789" >/dev/null 2>&1
if run 0 env XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" --server "127.0.0.1:$PORT" --json show \
   && [ "$(jq -r .workshop.seq <<<"$out")" = "$(last_seq)" ] \
   && ! grep -qF "$(sed -E 's|^postgresql://[^:]*:([^@]*)@.*|\1|' <<<"$CASCADE_TEST_PG_URL")" "$LOG5"; then
    ok "a node started from the configuration file serves the workshop, its log without the password"
else not_ok "a node from the configuration file" "$status $err"; fi
stop_server "$N5"

if run 1 on 1 admin admin backup "$WORK/backup.db" && grep -q "pg_dump" <<<"$err" \
   && [ ! -e "$WORK/backup.db" ]; then
    ok "admin backup on PostgreSQL is refused, pointing to PostgreSQL's own tools"
else not_ok "admin backup on PostgreSQL is refused" "$status $err"; fi

# ---- ended on one node, ended on all -----------------------------------------------------
on 3 erin join "$CODE" >"$WORK/erin-join" 2>&1 || cat "$WORK/erin-join"
CASCADE_SERVER=$(list 3) as dave watch >"$WORK/watch-dave" 2>&1 & DAVE=$!
CASCADE_SERVER=$(list 2) as erin watch >"$WORK/watch-erin" 2>&1 & ERIN=$!
for _ in $(seq 1 100); do [ "$(present 1)" = "alice bob carol dave erin " ] && break; sleep 0.05; done
on 1 alice kick dave >/dev/null 2>&1
on 1 admin admin user disable erin >/dev/null 2>&1
for _ in $(seq 1 100); do kill -0 "$DAVE" 2>/dev/null || kill -0 "$ERIN" 2>/dev/null || break; sleep 0.05; done
kill "$DAVE" "$ERIN" 2>/dev/null # still watching: the checks below fail, the script goes on
wait "$DAVE"; dave_status=$?
wait "$ERIN"; erin_status=$?
if [ "$dave_status" -ne 0 ] && grep -q "You were removed from workshop $CODE" "$WORK/watch-dave"; then
    ok "dave, kicked through node 1, sees his watch on node 3 end with the reason"
else not_ok "a kick ends the watch on another node" "$dave_status $(tail -2 "$WORK/watch-dave")"; fi
if [ "$erin_status" -ne 0 ] && grep -q "account disabled" "$WORK/watch-erin"; then
    ok "erin, disabled through node 1, sees her watch on node 2 end with the reason"
else not_ok "disabling ends the watch on another node" "$erin_status $(tail -2 "$WORK/watch-erin")"; fi

for n in 1 2 3; do kill "${WPID[$n]}" 2>/dev/null; done
for n in 1 2 3; do stop_server "${NPID[$n]}" || not_ok "node $n stops cleanly"; done
if grep -q "AddressSanitizer\|runtime error" "$WORK"/n*.log; then
    not_ok "the nodes' logs are free of sanitizer reports" "$(grep -m3 'Sanitizer\|runtime error' "$WORK"/n*.log)"
else ok "the nodes' logs are free of sanitizer reports"; fi
finish
