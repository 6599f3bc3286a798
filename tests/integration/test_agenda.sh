#!/usr/bin/env bash
# Running the workshop through the real binaries: a workshop made from the
# okr-2h template with the example OKRs, its steps shortened, the shared
# timer driven by the facilitator (start, next, back, pause, resume,
# extend), the warning and "time is up" seen in `watch` exactly once each,
# a restart mid-step that keeps the step and its time left, ready signals,
# members and observers refused with one sentence, malformed durations
# refused with nothing changed, and templates (the list, an administrator's
# file, a broken one). Times are never asserted tightly: the test polls for
# events with generous bounds and compares orders and counts.
# Usage: test_agenda.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init agenda "$@"

# says NAME STATUS TEXT CMD...: the command exits with STATUS and its stderr holds TEXT.
says() {
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# wait_for FILE PATTERN [COUNT] [TRIES]: until FILE holds COUNT lines matching (bounded).
wait_for() {
    for _ in $(seq 1 "${4:-1500}"); do
        [ -f "$1" ] && [ "$(grep -c -- "$2" "$1")" -ge "${3:-1}" ] && return 0
        sleep 0.02
    done
    return 1
}
agenda_json() { as alice --json agenda 2>/dev/null; }
# jfield NAME: a number or string field of the agenda's JSON.
jfield() { agenda_json | grep -o "\"$1\":[^,}]*" | head -n1 | cut -d: -f2 | tr -d '"'; }

unset CASCADE_SERVER CASCADE_WORKSHOP NO_COLOR

mkdir -p "$WORK/tpl"
printf 'title A short retrospective\nstep 5m Gather\nprompt What happened?\nstep 10m Decide\n' \
    >"$WORK/tpl/retro.template"
printf 'step 5m Fine\nstep ten Broken\n' >"$WORK/tpl/broken.template"
head -c 70000 /dev/zero | tr '\0' '#' >"$WORK/tpl/huge.template"

start_server main --agenda-warning 2s --templates "$WORK/tpl"
MAIN_PORT=$PORT
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice bob olga; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
check "the server names the broken template file and line in its log" \
    grep -q "broken.template line 2: 'ten' is not a duration" "$LOG"

# ---- templates -------------------------------------------------------------------------
if run 0 as alice template list && grep -Eq '^okr-2h +6 +2h ' <<<"$out" \
   && grep -Eq '^okr-half-day +9 +3h35m ' <<<"$out" && grep -Eq '^blank +0 +0s ' <<<"$out" \
   && grep -Eq '^retro +2 +15m +A short retrospective' <<<"$out"; then
    ok "template list: the built-ins and the administrator's file, with steps and length"
else not_ok "template list" "$out $err"; fi
if grep -q "broken.*cannot be used: broken.template line 2: 'ten' is not a duration" <<<"$out" \
   && grep -q "huge.*at most 65536 bytes" <<<"$out"; then
    ok "template list names a broken file's problem with file and line, and a huge one"
else not_ok "template list shows broken files" "$out"; fi
says "a workshop from a broken template is refused, and none is made" 1 \
    "broken.template line 2" as alice workshop create "Nope" --template broken
says "an unknown template is refused" 1 "There is no template 'nosuch'" \
    as alice workshop create "Nope" --template nosuch
if run 0 as alice workshop list && ! grep -q Nope <<<"$out"; then
    ok "no workshop was made for a refused template"; else not_ok "refused template" "$out"; fi
if run 0 as alice workshop create "Retro" --template retro && run 0 as alice agenda \
   && grep -q "Gather" <<<"$out" && grep -q "2 steps, 15m planned" <<<"$out"; then
    ok "a workshop from an administrator's template has its steps"
else not_ok "admin template" "$out $err"; fi

# ---- a workshop from okr-2h with examples ---------------------------------------------
if run 0 as alice workshop create "Q3 planning" --template okr-2h --examples \
   && [[ "$out" =~ ^[A-Z0-9]{10}$ ]]; then
    CODE=$out; ok "workshop create --template okr-2h --examples prints the code"
else not_ok "workshop create --template" "$out $err"; CODE=NONE; fi
export CASCADE_WORKSHOP=$CODE
as bob join "$CODE" >/dev/null 2>&1
INV=$(as alice workshop invite --role observer 2>/dev/null)
as olga join "$INV" >/dev/null 2>&1
if run 0 as alice agenda && grep -Eq '^ +1 +Brief overview +30m ' <<<"$out" \
   && grep -Eq '^ +6 +Wrap up and next steps +10m ' <<<"$out" \
   && grep -q "6 steps, 2h planned; not started." <<<"$out" && grep -q "Projected end" <<<"$out"; then
    ok "agenda lists the six steps of the two-hour workshop and a projected end"
else not_ok "agenda after okr-2h" "$out $err"; fi
if run 0 as bob show && grep -q "T1 Company" <<<"$out" && grep -q "Customer Success" <<<"$out" \
   && grep -q "Earn customer love and trust" <<<"$out" \
   && grep -q "Reduce response time from 72 h to 24 h" <<<"$out"; then
    ok "--examples adds teams, draft objectives and key results"
else not_ok "examples" "$out $err"; fi
check "members and observers may read the agenda" run 0 as olga agenda

# ---- refusals: roles, malformed durations, limits ---------------------------------------
BEFORE=$(as alice --json agenda | sed -E 's/"(as_of_ms|projected_end_ms)":[0-9]+//g')
for cmd in "start" "next" "pause" "extend +5m" "rm 1" "move 1 2" "add X --for 5m" "edit 1 --for 2m"; do
    # shellcheck disable=SC2086
    says "a member is refused 'agenda $cmd' with one sentence" 1 \
        "cascade: Only a facilitator can" as bob agenda $cmd
done
says "an observer is refused the timer" 1 "Only a facilitator can run the agenda's timer." \
    as olga agenda start
says "an observer cannot say they are ready" 1 "observers watch" as olga ready
says "ready before the agenda starts is refused" 1 "nothing to be ready for" as bob ready
for bad in 15 5x 5m1h 0s -5m "" abc; do
    says "agenda add --for '$bad' is a usage error" 2 "duration" as alice agenda add "Bad" --for "$bad"
done
says "agenda edit --for 'ten' is a usage error" 2 "'ten' is not a duration" as alice agenda edit 1 --for ten
says "agenda extend 5 is a usage error" 2 "each number needs a unit" as alice agenda extend 5
says "agenda extend -5m is a usage error" 2 "A step can only be extended" as alice agenda extend -5m
says "a step of 25h is refused by the server" 1 "A step lasts from 1s to 24h" as alice agenda add Long --for 25h
says "agenda edit of a step that does not exist" 1 "There is no step 9; the agenda has 6 steps." \
    as alice agenda edit 9 --for 5m
says "agenda move to nowhere" 1 "from 1 to 6" as alice agenda move 1 7
says "agenda rm 0 is a usage error" 2 "not a step number" as alice agenda rm 0
says "next before start is refused" 1 "start it with 'cascade agenda start'" as alice agenda next
says "extend before start is refused" 1 "nothing to extend" as alice agenda extend +1m
AFTER=$(as alice --json agenda | sed -E 's/"(as_of_ms|projected_end_ms)":[0-9]+//g')
if [ "$BEFORE" = "$AFTER" ]; then ok "refused changes changed nothing"
else not_ok "refused changes changed nothing" "$BEFORE
$AFTER"; fi

# ---- the timer, watched --------------------------------------------------------------------
as bob --json watch --since 0 >"$WORK/watch.json" 2>"$WORK/watch.err" &
WJ=$!; PIDS+=("$WJ")
as olga watch --since 0 >"$WORK/watch.txt" 2>"$WORK/watch.txt.err" &
WT=$!; PIDS+=("$WT")
check "step 1 shortened to 5s" run 0 as alice agenda edit 1 --for 5s
check "step 2 shortened to 4s, with a new prompt" run 0 as alice agenda edit 2 --for 4s --prompt "Name three priorities."
check "step 3 shortened to 30s" run 0 as alice agenda edit 3 --for 30s
check "agenda start" run 0 as alice agenda start
says "start twice is refused" 1 "under way already (step 1 of 6)" as alice agenda start
if wait_for "$WORK/watch.txt" 'agenda.timeup S1 time is up for "Brief overview"'; then
    ok "watch prints 'time is up' for step 1"
else not_ok "time is up for step 1" "$(cat "$WORK/watch.txt")"; fi
check "watch printed '2 seconds left' before it" \
    grep -q 'agenda.warning S1 2 seconds left in "Brief overview"' "$WORK/watch.txt"
check "the warning came before time was up" \
    test "$(grep -n 'agenda.warning S1' "$WORK/watch.txt" | cut -d: -f1)" -lt \
         "$(grep -n 'agenda.timeup S1' "$WORK/watch.txt" | cut -d: -f1)"
if run 0 as alice agenda && grep -q "step 1 running, time is up." <<<"$out"; then
    ok "agenda says the time is up while the step stays current"
else not_ok "agenda at time up" "$out"; fi
check "bob is ready" run 0 as bob ready
check "ready twice is no error" run 0 as bob ready
if run 0 as alice agenda && grep -q "1 of 2 ready." <<<"$out"; then ok "agenda shows 1 of 2 ready"
else not_ok "ready count" "$out"; fi
check "alice is ready too" run 0 as alice ready
check "bob takes it back" run 0 as bob ready --undo
if [ "$(jfield ready_of)" = 2 ] && agenda_json | grep -q '"ready":\["alice"\]'; then
    ok "--json agenda lists who is ready, of how many"
else not_ok "ready json" "$(agenda_json)"; fi
check "agenda next" run 0 as alice agenda next
if agenda_json | grep -q '"ready":\[\]' && [ "$(jfield current)" = 2 ]; then
    ok "the ready signals clear when the step changes"
else not_ok "ready clears" "$(agenda_json)"; fi
check "agenda back" run 0 as alice agenda back
check "agenda next again" run 0 as alice agenda next
check "agenda pause" run 0 as alice agenda pause
sleep 5 # longer than step 2: a paused timer must not run out
if [ "$(jfield state)" = paused ] && ! grep -q 'agenda.timeup S2' "$WORK/watch.txt"; then
    ok "a paused step does not run out"
else not_ok "paused step" "$(agenda_json)"; fi
says "pause twice is refused" 1 "The timer is not running" as alice agenda pause
check "agenda resume" run 0 as alice agenda resume
check "agenda extend +1s" run 0 as alice agenda extend +1s
if wait_for "$WORK/watch.txt" 'agenda.timeup S2'; then ok "step 2 runs out after resume and extend"
else not_ok "step 2 time up" "$(cat "$WORK/watch.txt")"; fi
check "agenda next to step 3 (30s)" run 0 as alice agenda next

# ---- a restart mid-step --------------------------------------------------------------------
LEFT_BEFORE=$(jfield remaining_ms)
stop_server "$SPID"
sleep 3 # the server is down: this must not count against step 3
start_server main --listen "127.0.0.1:$MAIN_PORT" --agenda-warning 2s --templates "$WORK/tpl"
LEFT_AFTER=$(jfield remaining_ms)
if [ "$(jfield current)" = 3 ] && [ "$(jfield state)" = running ] \
   && [ -n "$LEFT_BEFORE" ] && [ -n "$LEFT_AFTER" ] && [ "$LEFT_AFTER" -gt 20000 ] \
   && [ "$LEFT_AFTER" -le "$LEFT_BEFORE" ]; then
    ok "after a restart step 3 runs on with the time it had left ($LEFT_BEFORE ms, then $LEFT_AFTER ms)"
else not_ok "restart keeps the step and time left" "before $LEFT_BEFORE after $LEFT_AFTER $(agenda_json)"; fi
check "extend after the restart" run 0 as alice agenda edit 3 --for 4s
as olga watch --since 0 >"$WORK/watch2.txt" 2>/dev/null &
WT2=$!; PIDS+=("$WT2")
if wait_for "$WORK/watch2.txt" 'agenda.timeup S3'; then ok "step 3 runs out after the restart"
else not_ok "step 3 after restart" "$(cat "$WORK/watch2.txt")"; fi
# A second restart after "time is up" must not say it again.
stop_server "$SPID"
start_server main --listen "127.0.0.1:$MAIN_PORT" --agenda-warning 2s --templates "$WORK/tpl"
sleep 2
as olga watch --since 0 >"$WORK/watch3.txt" 2>/dev/null &
WT3=$!; PIDS+=("$WT3")
wait_for "$WORK/watch3.txt" 'agenda.next S3' >/dev/null
sleep 1
for s in S1 S2 S3; do
    w=$(grep -c "agenda.warning $s " "$WORK/watch3.txt"); t=$(grep -c "agenda.timeup $s " "$WORK/watch3.txt")
    if [ "$t" = 1 ] && [ "$w" -le 1 ]; then ok "step ${s#S}: 'time is up' exactly once (warnings: $w), across restarts"
    else not_ok "step $s events once" "warnings $w timeups $t: $(grep agenda "$WORK/watch3.txt")"; fi
done
check "step 1's 5s run gave exactly one warning" test "$(grep -c 'agenda.warning S1 ' "$WORK/watch3.txt")" = 1

# A crash (kill -9) mid-step: the step goes on, and the time the server was
# down (10 s) does not count; at most a checkpoint's worth (5 s) of the
# running time before the crash is given back.
check "agenda next to step 4 (25m)" run 0 as alice agenda next
sleep 1
LEFT_BEFORE=$(jfield remaining_ms)
kill -9 "$SPID"; wait "$SPID" 2>/dev/null
sleep 10
start_server main --listen "127.0.0.1:$MAIN_PORT" --agenda-warning 2s --templates "$WORK/tpl"
LEFT_AFTER=$(jfield remaining_ms)
if [ "$(jfield current)" = 4 ] && [ -n "$LEFT_BEFORE" ] && [ -n "$LEFT_AFTER" ] \
   && [ "$LEFT_AFTER" -le "$((LEFT_BEFORE + 6000))" ] && [ "$LEFT_AFTER" -gt "$((LEFT_BEFORE - 8000))" ]; then
    ok "after a crash step 4 runs on, the 10 s down not counted ($LEFT_BEFORE ms, then $LEFT_AFTER ms)"
else not_ok "crash keeps the step and time left" "before $LEFT_BEFORE after $LEFT_AFTER $(agenda_json)"; fi

# ---- watch --json and gapless seqs -------------------------------------------------------
kill "$WJ" 2>/dev/null
if grep -q '"type":"agenda.timeup","id":"S1"' "$WORK/watch.json" \
   && grep -q '"type":"agenda.warning","id":"S1","workshop":"'"$CODE"'","fields":{"title":"Brief overview","left":"2 seconds"}' "$WORK/watch.json"; then
    ok "watch --json carries the timer's events with their fields"
else not_ok "watch --json" "$(grep agenda "$WORK/watch.json" | head -5)"; fi
SEQS=$(grep -o '"seq":[0-9]*' "$WORK/watch3.txt" 2>/dev/null; grep -o '^#[0-9]*' "$WORK/watch3.txt" | tr -d '#')
EXPECT=$(seq 1 "$(echo "$SEQS" | grep -c .)")
if [ -n "$SEQS" ] && [ "$SEQS" = "$EXPECT" ]; then ok "the replayed history is gapless, timer events included"
else not_ok "gapless" "$SEQS"; fi
if run 0 as bob --json show && grep -q '"agenda":{' <<<"$out" && grep -q '"current":4' <<<"$out"; then
    ok "show --json carries the agenda and its timer"
else not_ok "show --json agenda" "$out $err"; fi

# ---- the last steps, and the agenda limit --------------------------------------------------
check "agenda next, next: the last step" run 0 as alice agenda next
as alice agenda next >/dev/null 2>&1
check "next past the last step finishes the agenda" run 0 as alice agenda next
if [ "$(jfield state)" = finished ]; then ok "the agenda is finished"; else not_ok "finished" "$(agenda_json)"; fi
check "agenda move 6 1" run 0 as alice agenda move 6 1
check "agenda rm 2" run 0 as alice agenda rm 2
if run 0 as alice agenda && grep -Eq '^ +1 +Wrap up and next steps' <<<"$out" \
   && grep -q "5 steps" <<<"$out"; then ok "move and rm reshape the agenda"
else not_ok "move and rm" "$out"; fi
for i in $(seq 6 50); do as alice agenda add "Step $i" --for 1m >/dev/null 2>&1; done
says "a 51st step is refused" 1 "The agenda has 50 steps, the most it may have." \
    as alice agenda add "One too many" --for 1m
says "a step title over the limit is refused" 1 "title" \
    as alice agenda edit 1 --title "$(head -c 300 /dev/zero | tr '\0' a)"

kill "$WT" "$WT2" "$WT3" 2>/dev/null
stop_server "$SPID"
finish
