#!/usr/bin/env bash
# The blind confidence round through the real `cascade` and `cascaded`
# binaries: a facilitator opens a round over some key results, members of
# two teams submit (one replaces their value), and until the reveal no read
# by anyone (facilitator, members, observer, the server's administrator;
# show, watch --since, kr history, round status, the server's log) carries
# another person's value. A restart in the middle keeps the round and its
# values; the reveal shows them all with the spread and the flag for wide
# disagreement; --apply checks in each median; every bad input gets one
# sentence and changes nothing.
# Usage: test_round.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init round "$@"

state() { as alice --json show 2>&1 | sed 's/"seq":[0-9]*,//'; }
says() {
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# refused NAME STATUS TEXT CMD...: exits STATUS with TEXT, one line, and
# neither the cascade nor the round changed.
refused() {
    local name=$1 want=$2 text=$3; shift 3
    local before round; before=$(state); round=$(as alice --json round status 2>&1)
    says "$name" "$want" "$text" "$@"
    if [ "$(state)" = "$before" ] && [ "$(as alice --json round status 2>&1)" = "$round" ] \
       && [ "$(printf '%s' "$out$err" | grep -c .)" -le 2 ]; then
        ok "$name: one sentence, nothing changed"
    else not_ok "$name: one sentence, nothing changed" "$out$err"; fi
}
# last_seq: the workshop's last event.
last_seq() { as alice --json show | jq -r '.seq'; }
# replay WHO FILE: WHO's `watch --since 0 --json` until it has replayed
# every event so far.
replay() {
    local who=$1 file=$2 last; last=$(last_seq)
    XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" -w "$CODE" --json watch --since 0 >"$file" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 1 200); do grep -q "\"seq\":$last," "$file" && break; sleep 0.05; done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia sam max olga; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Q3 planning" --period 2026-Q3 2>/dev/null)
for cmd in "team add Acme --level company" "team add Sales --parent T1" \
           "team add Support --parent T1"; do
    as alice $cmd >/dev/null
done
SALES=$(as alice workshop invite --role member --team T2)
SUPPORT=$(as alice workshop invite --role member --team T3)
OBS=$(as alice workshop invite --role observer)
as mia join "$SALES" >/dev/null
as sam join "$SALES" >/dev/null
as max join "$SUPPORT" >/dev/null
as olga join "$OBS" >/dev/null
as alice obj add "Grow revenue" --team T1 >/dev/null                         # O1
as alice kr add O1 "Raise ARR" --from 10 --to 20 >/dev/null                  # K1
as alice obj add "Sell more" --team T2 --aligns-to O1 >/dev/null             # O2
as alice kr add O2 "Close deals" --from 0 --to 40 --owner mia >/dev/null     # K2
as alice obj add "Answer fast" --team T3 --aligns-to O1 >/dev/null           # O3
as alice kr add O3 "Open help centre" --milestone --owner max >/dev/null     # K3
as alice kr add O2 "Win renewals" --from 0 --to 10 >/dev/null                # K4
as max checkin K3 --undone --blocker "waiting for legal" >/dev/null

# ---- before a round; opening one ------------------------------------------------------
says "round status before any round" 0 "has had no confidence round yet" as mia round status
if [ "$(as mia --json round status | jq -c .)" = '{"round":null}' ]; then ok "status --json: null"
else not_ok "status --json before any round"; fi
refused "a member may not start a round" 1 "Only a facilitator can start a confidence round." \
    as mia round start
refused "submitting without a round" 1 "No confidence round is open in workshop" \
    as mia round submit K2 0.5
refused "revealing without a round" 1 "No confidence round is open in workshop" \
    as alice round reveal
refused "an unknown key result" 1 "K99" as alice round start K2 K99
refused "a malformed id is a usage error" 2 "is not a key result id" as alice round start K2 X7
says "round start K2 K3 K4" 0 "Confidence round 1 is open for 3 key results." \
    as alice round start K2 K3 K4 K2
refused "one open round per workshop" 1 "Confidence round 1 is open already" \
    as alice round start

# ---- submissions, and refusals ---------------------------------------------------------
says "mia submits for K2" 0 "Your confidence for K2 is 0.37; nobody sees it" \
    as mia round submit K2 0.37
says "mia submits for K4" 0 "Your confidence for K4 is 0.29" as mia round submit K4 0.29
says "sam submits for K2" 0 "Your confidence for K2 is 0.52" as sam round submit K2 0.52
says "sam replaces his value" 0 "Your confidence for K2 is 0.83 (it was 0.52)" \
    as sam round submit K2 0.83
says "sam submits for K4" 0 "Your confidence for K4 is 0.46" as sam round submit k4 .46
says "a facilitator may submit" 0 "Your confidence for K2 is 0.64" as alice round submit K2 0.64
refused "an observer may not submit" 1 "Observers can read but not change" \
    as olga round submit K2 0.5
refused "a member of another team may not" 1 "You are not a member of T2" \
    as max round submit K2 0.5
refused "a key result outside the round" 1 "K1 is not in confidence round 1" \
    as alice round submit K1 0.5
refused "an unknown key result" 1 "There is no key result K42" as alice round submit K42 0.5
refused "a malformed number" 2 "The confidence must be a finite number" \
    as mia round submit K2 abc
refused "a number above 1" 2 "The confidence must be a number from 0" \
    as mia round submit K2 1.5
refused "a negative number" 2 "The confidence must be a number from 0" \
    as mia round submit K2 -0.1
refused "not a number at all" 2 "finite number" as mia round submit K2 nan
refused "no number" 2 "Give your confidence" as mia round submit K2

# ---- the secret holds: nobody reads another's value --------------------------------------
ALL="0.37 0.29 0.52 0.83 0.46 0.64 0.71"
declare -A OWN=([alice]="0.64" [mia]="0.37 0.29" [sam]="0.83 0.46" [max]="" [olga]="" [admin]="")
# secret_kept WHO PHASE: none of the values but WHO's own in anything WHO reads.
secret_kept() {
    local who=$1 phase=$2 f="$WORK/reads-$1"
    : >"$f"
    { as "$who" -w "$CODE" --json show; as "$who" -w "$CODE" show
      as "$who" -w "$CODE" --json round status; as "$who" -w "$CODE" round status
      for k in K1 K2 K3 K4; do as "$who" -w "$CODE" --json kr history "$k"; done
    } >>"$f" 2>&1
    replay "$who" "$WORK/replay-$who"
    cat "$WORK/replay-$who" >>"$f"
    local leaked=""
    for v in $ALL; do
        [[ " ${OWN[$who]} " == *" $v "* ]] && continue
        grep -qF -- "$v" "$f" && leaked="$leaked $v"
    done
    if [ -z "$leaked" ] && grep -q '"round.submit"' "$f"; then
        ok "$phase: $who reads no one else's value"
    else not_ok "$phase: $who reads no one else's value" "leaked:$leaked"; fi
}
for who in alice mia sam max olga admin; do secret_kept "$who" "before the reveal"; done
if grep -qF '"mine":0.37' "$WORK/reads-mia" && grep -qF '"mine":0.83' "$WORK/reads-sam"; then
    ok "each submitter sees their own value in round status"
else not_ok "own values in round status"; fi
if run 0 as olga --json round status \
   && [ "$(jq -r '.key_results[] | select(.id == "K2") | "\(.submitted | join(",")) / \(.waiting | join(","))"' <<<"$out")" = "alice,mia,sam / " ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K3") | "\(.submitted | join(",")) / \(.waiting | join(","))"' <<<"$out")" = " / max" ] \
   && [ "$(jq -r '"\(.submitted) of \(.expected)"' <<<"$out")" = "5 of 6" ]; then
    ok "round status: who submitted and who is waited for"
else not_ok "round status lists" "$out $err"; fi
says "round status prints the progress" 0 "5 of 6 submitted" as mia round status
if as alice --json show | jq -e '.round.open == true and (.round | tostring | test("confidence\":") | not)' >/dev/null; then
    ok "show --json carries no values"
else not_ok "show --json and values"; fi
# (Each line but its time stamp, whose milliseconds may look like a value.)
leaked=""
for v in $ALL; do sed 's/^[^ ]* //' "$LOG" | grep -qF -- "$v" && leaked="$leaked $v"; done
if [ -z "$leaked" ]; then ok "the server's log holds no value"
else not_ok "the server's log holds no value" "$leaked"; fi

# ---- a restart keeps the round and its values --------------------------------------------
before=$(as olga --json round status)
stop_server "$SPID"
start_server main --listen "127.0.0.1:$PORT"
if [ "$(as olga --json round status)" = "$before" ]; then ok "the round survives a restart"
else not_ok "round after restart" "$(as olga --json round status)"; fi
if [ "$(as sam --json round status | jq -r '.key_results[] | select(.id == "K2") | .mine')" = 0.83 ]; then
    ok "sam's replaced value survives the restart"
else not_ok "sam's value after restart"; fi
says "max submits after the restart" 0 "Your confidence for K3 is 0.71" as max round submit K3 0.71
OWN[max]="0.71"
for who in olga admin; do secret_kept "$who" "after the restart"; done

# ---- the reveal ------------------------------------------------------------------------------
refused "a member may not reveal" 1 "Only a facilitator can reveal a confidence round." \
    as mia round reveal
if run 0 as alice --json round reveal --apply \
   && [ "$(jq -r '.key_results[] | select(.id == "K2") | "\(.count) \(.min) \(.max) \(.median) \(.wide)"' <<<"$out")" = "3 0.37 0.83 0.64 true" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K2") | .spread * 100 | round' <<<"$out")" = 46 ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K2") | [.values[] | "\(.user)=\(.confidence)"] | join(",")' <<<"$out")" = "alice=0.64,mia=0.37,sam=0.83" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K4") | "\(.count) \(.median) \(.wide)"' <<<"$out")" = "2 0.375 false" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K3") | "\(.count) \(.median) \(.spread) \(.wide)"' <<<"$out")" = "1 0.71 0 false" ] \
   && [ "$(jq -r '"\(.open) \(.applied) \(.revealed_by)"' <<<"$out")" = "false true alice" ]; then
    ok "round reveal --apply: every value, count, min, max, median, spread, wide"
else not_ok "round reveal --json" "$out $err"; fi
if ! grep -qF 0.52 <<<"$out"; then ok "the replaced value is gone"; else not_ok "0.52 revealed"; fi
if [ "$(as olga --json show | jq -r '.round.key_results[] | select(.id == "K2") | "\(.median) \(.wide)"')" = "0.64 true" ]; then
    ok "show --json carries the revealed round"
else not_ok "show --json round" "$(as olga --json show | jq -c .round)"; fi
says "round status after the reveal shows the values" 0 "mia 0.37" as olga round status
says "... and flags the wide spread" 0 "0.46 WIDE" as olga round status
says "... and says what WIDE means" 0 "0.3 or more apart" as olga round status
refused "revealing twice" 1 "Confidence round 1 was revealed already" as alice round reveal
refused "submitting after the reveal" 1 "No confidence round is open in workshop" \
    as mia round submit K2 0.9
if run 0 as alice --json show \
   && [ "$(jq -r '[.key_results[] | "\(.id)=\(.confidence)"] | join(" ")' <<<"$out")" = "K1=0.5 K2=0.64 K3=0.71 K4=0.375" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K3") | .blocker' <<<"$out")" = "waiting for legal" ]; then
    ok "--apply checked in each median (K3's blocker stays)"
else not_ok "medians checked in" "$(jq -c '[.key_results[] | {id, confidence, blocker}]' <<<"$out")"; fi
if run 0 as alice --json kr history K2 \
   && jq -e '.check_ins[-1] | .actor == "alice" and .confidence == 0.64 and (.note | test("median of 3"))' <<<"$out" >/dev/null; then
    ok "kr history K2 has the check-in with its note"
else not_ok "kr history K2" "$out"; fi

# ---- events ---------------------------------------------------------------------------------
replay mia "$WORK/after"
for t in round.start round.submit round.reveal kr.checkin; do
    if grep -q "\"type\":\"$t\"" "$WORK/after"; then ok "watch --since replays $t"
    else not_ok "watch --since replays $t"; fi
done
if jq -e 'select(.type == "round.reveal") | .fields["K2 mia"] == 0.37 and .fields["K2 sam"] == 0.83 and .fields["K4 sam"] == 0.46' "$WORK/after" 2>/dev/null | grep -q true; then
    ok "the reveal event carries every value"
else not_ok "reveal event" "$(grep round.reveal "$WORK/after")"; fi
if jq -e 'select(.type == "round.submit" and .actor == "sam") | .fields.key_result == "K2"' "$WORK/after" | grep -q true \
   && ! jq -e 'select(.type == "round.submit") | .fields | tostring | test("0\\.")' "$WORK/after" | grep -q true; then
    ok "submit events name who and which key result, never the value"
else not_ok "submit events" "$(grep round.submit "$WORK/after")"; fi
seqs=$(jq -r 'select(.seq != null) | .seq' "$WORK/after" | tr '\n' ' ')
n=$(wc -w <<<"$seqs")
if [ "$seqs" = "$(seq -s ' ' 1 "$n") " ]; then ok "the history is gapless ($n events)"
else not_ok "gapless history" "$seqs"; fi
XDG_CONFIG_HOME="$WORK/home-olga" "$CASCADE" -w "$CODE" watch --since 0 >"$WORK/lines" 2>&1 &
WP=$!
PIDS+=("$WP")
for _ in $(seq 1 200); do grep -q "round.reveal" "$WORK/lines" && break; sleep 0.05; done
kill "$WP" 2>/dev/null; wait "$WP" 2>/dev/null
says "watch prints the start" 0 "alice round.start R1 opened over K2 K3 K4" cat "$WORK/lines"
says "watch prints a submit without its value" 0 \
    "sam round.submit R1 submitted for K2, replacing their earlier value" cat "$WORK/lines"
says "watch prints the reveal with its figures" 0 \
    "alice round.reveal R1 revealed K2: alice 0.64, mia 0.37, sam 0.83 (n=3, median 0.64, spread 0.46 WIDE); K3: max 0.71 (n=1, median 0.71, spread 0); K4: mia 0.29, sam 0.46 (n=2, median 0.38, spread 0.17); each median checked in" \
    cat "$WORK/lines"

# ---- a second round ------------------------------------------------------------------------
says "a new round opens over every key result" 0 "Confidence round 2 is open for 4 key results." \
    as alice round start
if [ "$(as olga --json round status | jq -r '"\(.round) \(.open) \(.submitted)"')" = "2 true 0" ]; then
    ok "status shows the new round, empty"
else not_ok "second round status"; fi
DB="$WORK/main/cascade.db"
if [ "$(sqlite3 "$DB" "SELECT count(*) FROM confidence_submissions WHERE round = 1")" = 6 ] \
   && [ "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE type = 'round.submit' AND instr(payload, X'AE47E17A14AED73F') > 0")" = 0 ]; then
    ok "the values live in their own table, not in the log"
else not_ok "database rows"; fi

finish
