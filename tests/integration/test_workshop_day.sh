#!/usr/bin/env bash
# One workshop from start to end, through the real `cascade` and `cascaded`
# binaries: a facilitator and six people in three teams run the okr-2h
# template with steps of a couple of seconds, brainstorm (one idea
# anonymous), vote, reveal, promote the winners, run a blind confidence
# round and restructure; the server restarts in the middle and the timer,
# the votes and the round carry on. Every change is in one gapless history.
# Usage: test_workshop_day.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init workshop_day "$@"

says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# wait_for FILE PATTERN: until FILE holds a line matching PATTERN (bounded, 20 s).
wait_for() {
    for _ in $(seq 1 400); do grep -q -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
    return 1
}
agenda_field() { as alice --json agenda | jq -r "$1"; }

unset CASCADE_WORKSHOP NO_COLOR
start_server main --agenda-warning 1s
PORT0=$PORT
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
PEOPLE="alice bob carol dave erin frank gina"
for u in $PEOPLE; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done

# ---- the room fills ------------------------------------------------------------------
if run 0 as alice workshop create "Q3 planning" --period 2026-Q3 --template okr-2h \
   && [[ "$out" =~ ^[A-Z0-9]{10}$ ]]; then CODE=$out; ok "the workshop starts from okr-2h"
else not_ok "workshop create --template okr-2h" "$out $err"; exit 1; fi
export CASCADE_WORKSHOP=$CODE
as alice team add Acme --level company >/dev/null                  # T1
as alice team add Sales --parent T1 >/dev/null                     # T2
as alice team add Support --parent T1 >/dev/null                   # T3
join_team() { as "$1" join "$(as alice workshop invite --role member --team "$2")" >/dev/null; }
join_team bob T1; join_team carol T2; join_team dave T2; join_team erin T3; join_team frank T3
join_team gina T1
if [ "$(as alice --json participants | jq '.participants | length')" = 7 ]; then
    ok "seven take part, in three teams"
else not_ok "participants" "$(as alice participants)"; fi
for n in 1 2 3 4 5 6; do as alice agenda edit "$n" --for 2s >/dev/null; done
XDG_CONFIG_HOME="$WORK/home-erin" "$CASCADE" watch --since 0 >"$WORK/watch" 2>&1 &
PIDS+=("$!")

# ---- step 1: the timer runs on the server ------------------------------------------------
check "agenda start" run 0 as alice agenda start
if wait_for "$WORK/watch" "agenda.timeup S1"; then ok "everyone is told when step 1's time is up"
else not_ok "step 1 time is up" "$(tail -3 "$WORK/watch")"; fi
check "agenda next" run 0 as alice agenda next

# ---- step 2: brainstorm, one idea anonymous ------------------------------------------------
says "bob's idea" 0 D1 as bob idea add "Grow in Asia"
says "carol's idea" 0 D2 as carol idea add "Win the mid-market"
says "dave's anonymous idea" 0 D3 as dave idea add "Stop the side projects" --anonymous
says "erin's idea" 0 D4 as erin idea add "Answer every ticket within a day"
says "frank's duplicate" 0 D5 as frank idea add "Grow in Asia, fast"
if [ "$(as gina --json idea list | jq '.ideas | length')" = 0 ]; then
    ok "gina sees none of the others' ideas before the reveal"
else not_ok "secrecy before the reveal"; fi
check "the facilitator reveals" run 0 as alice idea reveal
check "and merges the duplicate" run 0 as alice idea merge D1 D5
check "the vote opens: two dots each" run 0 as alice vote start --votes 2 --max-per-idea 1
for v in "bob D1" "bob D4" "carol D2" "carol D1" "dave D1"; do as ${v% *} vote "${v#* }" >/dev/null; done

# ---- step 3: drafting while the vote runs; the winners are clear enough -----------------
check "agenda next (objectives), a longer step" run 0 as alice agenda edit 3 --for 10m
check "agenda next" run 0 as alice agenda next
says "D1 becomes the company's objective" 0 O1 as alice idea promote D1 --objective --team T1
says "D4 becomes Support's objective" 0 O2 as erin idea promote D4 --objective --team T3
says "a key result for O1" 0 K1 as bob kr add O1 "Open 3 Asian offices" --from 0 --to 3 --owner bob
says "a key result for O2" 0 K2 as erin kr add O2 "Tickets answered within a day" --from 60 --to 100 --unit % --owner erin
says "Sales' objective" 0 O3 as carol obj add "Sell to the mid-market" --team T2 --aligns-to O1
says "... with its key result" 0 K3 as carol kr add O3 "Sign 40 mid-market deals" --from 0 --to 40 --owner carol

# ---- a blind confidence round over every key result ------------------------------------------
check "the round opens" run 0 as alice round start
for v in "bob K1 0.40" "gina K1 0.85" "erin K2 0.70" "carol K3 0.55"; do
    set -- $v; as "$1" round submit "$2" "$3" >/dev/null
done

# ---- the server restarts with the timer running, the vote and the round open ------------------
step_before=$(agenda_field .current)
left_before=$(agenda_field .remaining_ms)
stop_server "$SPID"
sleep 1
start_server main --listen "127.0.0.1:$PORT0" --agenda-warning 1s
XDG_CONFIG_HOME="$WORK/home-erin" "$CASCADE" watch --since "$(grep -c '^#' "$WORK/watch")" >>"$WORK/watch" 2>&1 &
PIDS+=("$!")
left_after=$(agenda_field .remaining_ms)
if [ "$(agenda_field .current)" = "$step_before" ] && [ "$(agenda_field .state)" = running ] \
   && [ "$left_after" -le "$left_before" ] && [ "$left_after" -gt $((left_before - 60000)) ]; then
    ok "after the restart step $step_before runs on with the time it had left"
else not_ok "agenda after restart" "$step_before $left_before -> $(as alice --json agenda)"; fi
says "the votes are still there" 0 "3 people have voted" as erin vote status
says "... and dave's still count against him" 1 "You have 1 of your 2 votes left." \
    as dave vote D2 --count 2
if run 0 as alice --json round status \
   && [ "$(jq -r '.key_results[] | select(.id == "K1") | .submitted | join(",")' <<<"$out")" = "bob,gina" ] \
   && ! grep -qE '0\.(40|85|70|55)' <<<"$out"; then
    ok "the round is still open, who submitted kept, no value shown"
else not_ok "round status after restart" "$out"; fi
for v in "dave D4" "erin D4" "frank D1" "gina D2"; do as ${v% *} vote "${v#* }" >/dev/null; done
as dave round submit K3 0.95 >/dev/null
if run 0 as alice vote reveal && grep -qE '^ 1\. D1 +4 ' <<<"$out" && grep -qE '^ 2\. D4 +3 ' <<<"$out"; then
    ok "the reveal ranks D1 (4 dots, its duplicate's included) then D4 (3)"
else not_ok "vote reveal" "$out $err"; fi
if run 0 as alice --json round reveal --apply \
   && [ "$(jq -r '.key_results[] | select(.id == "K1") | "\(.count) \(.median) \(.wide)"' <<<"$out")" = "2 0.625 true" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K3") | "\(.count) \(.median) \(.wide)"' <<<"$out")" = "2 0.75 true" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K2") | "\(.count) \(.median) \(.wide)"' <<<"$out")" = "1 0.7 false" ]; then
    ok "the round's reveal: medians and wide disagreement, as worked out by hand"
else not_ok "round reveal" "$out $err"; fi
if [ "$(as alice --json show | jq -r '[.key_results[] | "\(.id)=\(.confidence)"] | join(" ")')" = "K1=0.625 K2=0.7 K3=0.75" ]; then
    ok "--apply checked the medians in"
else not_ok "medians applied" "$(as alice --json show | jq -c '[.key_results[] | {id, confidence}]')"; fi

# ---- restructure without losing history ------------------------------------------------------
says "O2 now aligns to the company's objective" 0 "Updated O2." as erin obj edit O2 --aligns-to O1
says "the facilitator moves K3 under the company's objective" 0 "Moved K3 under O1." \
    as alice kr move K3 O1
says "... and it keeps its history" 0 "median of 2" as alice kr history K3
says "a cycle is refused" 1 "which would make a cycle" as alice obj edit O1 --aligns-to O3
if [ "$(as alice --json show | jq -r '.objectives[] | select(.id == "O1") | .from_idea')" = D1 ]; then
    ok "O1 keeps its link to D1"
else not_ok "from_idea" "$(as alice --json show)"; fi

# ---- to the end of the agenda ---------------------------------------------------------------
for _ in 1 2 3; do as alice agenda next >/dev/null; done
check "the last next finishes the agenda" run 0 as alice agenda next
if [ "$(agenda_field .state)" = finished ]; then ok "the agenda is finished"
else not_ok "agenda finished" "$(as alice --json agenda)"; fi

# ---- one history ---------------------------------------------------------------------------
as alice --json watch --since 0 --no-resume >"$WORK/history" 2>&1 &
HW=$!
sleep 2; kill "$HW" 2>/dev/null; wait "$HW" 2>/dev/null
seqs=$(jq -r 'select(.seq != null) | .seq' "$WORK/history" | tr '\n' ' ')
n=$(wc -w <<<"$seqs")
if [ "$n" -gt 40 ] && [ "$seqs" = "$(seq -s ' ' 1 "$n") " ]; then ok "the day is one gapless history ($n events)"
else not_ok "gapless history" "$seqs"; fi
for t in agenda.start agenda.timeup idea.add idea.reveal idea.merge vote.start vote.cast \
         vote.reveal objective.add objective.edit round.start round.submit round.reveal kr.checkin; do
    grep -q "\"type\":\"$t\"" "$WORK/history" && ok "the history has $t" || not_ok "history has $t"
done
if [ "$(grep -c '"type":"idea.add"' "$WORK/history")" = 5 ] \
   && [ "$(grep '"type":"idea.add"' "$WORK/history" | grep -c '"actor":""')" = 1 ]; then
    ok "five ideas added, one with no actor"
else not_ok "idea.add events" "$(grep idea.add "$WORK/history")"; fi

finish
