#!/usr/bin/env bash
# Looking back, through the real `cascade` and `cascaded` binaries: a rich
# workshop (a template with its examples, teams edited and removed, members
# joining by invite and kicked, objectives and key results added, edited,
# moved, turned milestone, weighted and removed, check-ins with blockers, a
# confidence round applied, initiatives, a dependency, comments resolved,
# reopened and removed, the test answered, closing notes, a close and a
# reopen, agenda steps and ideas in between) records `show --json` after
# every step; then `show --at SEQ --json` must give each recorded cascade
# back exactly (all but the agenda, the confidence round and the ideas,
# which the history does not rebuild), and so must a `workshop next`
# workshop's. Also: --at TIME in local time, UTC and with an offset, the
# text form's header, refusals (seq 0, beyond the last, malformed, before
# the workshop began, in the future), and replay: its lines are those of
# `watch --since 0` exactly, --from/--to, a long gap cut to 2 s and said,
# bad flags, and --live in tmux ending on the last state. Nothing is timed.
# Usage: test_travel.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init travel "$@"

TMUX_SOCKET="cascade-travel-$$"
t() { tmux -u -L "$TMUX_SOCKET" "$@"; }
lib_cleanup_travel() { t kill-server 2>/dev/null; lib_cleanup; }
trap lib_cleanup_travel EXIT

as() { local who=$1; shift; XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" "$@"; }
says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# The cascade part of a show --json: what the history rebuilds.
cascade_of() { jq -S 'del(.agenda, .round, .ideas, .as_of)'; }

# step CMD...: runs one change as alice, then records show --json under its
# seq in $WORK/at/CODE/SEQ.json.
STEPS=0
step() {
    if ! as alice "$@" >/dev/null 2>"$WORK/step.err"; then
        not_ok "step: $*" "$(cat "$WORK/step.err")"
        return
    fi
    record alice
}
record() {
    local json seq code
    json=$(as "$1" --json show) || { not_ok "show after a step"; return; }
    seq=$(jq -r .workshop.seq <<<"$json")
    code=$(jq -r .workshop.code <<<"$json")
    mkdir -p "$WORK/at/$code"
    cascade_of <<<"$json" >"$WORK/at/$code/$seq.json"
    STEPS=$((STEPS + 1))
}

unset CASCADE_WORKSHOP NO_COLOR
export TZ=Europe/Berlin
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice bob carol; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done

# ---- A rich workshop, recorded after every step ------------------------------
CODE=$(as alice workshop create "Q3 planning" --period 2026-Q3 --template okr-2h --examples 2>/dev/null)
export CASCADE_WORKSHOP=$CODE
record alice
step team add Sales --parent T1 --level department              # T3
step team add Berlin --parent T3 --level team                   # T4
step team edit T4 --name "Berlin office"
step team add Spare --parent T1                                  # T5
step team rm T5
as bob join "$(as alice workshop invite --role member --team T3)" >/dev/null; record alice
as carol join "$CODE" >/dev/null; record alice
step team member add T4 carol
step team member add T3 carol
step team member rm T3 carol
step obj add "Win Europe" --team T3 --aligns-to O1 --owner bob --rationale "Growth is there." # O5
step kr add O5 "Close deals" --from 0 --to 10 --unit deals --owner bob                      # K6
step kr add O5 "Open Berlin" --milestone                                                  # K7
step obj add "Hire locally" --team T4 --inherits K6                                        # O6
step kr add O6 "Hires" --from 0 --to 4                                                     # K8
step agenda start
step checkin K6 --value 3 --confidence 0.6 --blocker "No leads yet" --note "slow start"
step kr set K6 4
step checkin K7 --done --confidence 0.9
step checkin K8 --value 1 --status at-risk
step obj edit O5 --title "Win all of Europe" --status final --committed
step kr edit K6 --title "Close big deals" --to 12 --weight 2
step kr edit K8 --milestone
step kr edit K8 --metric --from 1 --to 5
step kr move K8 O5
step obj edit O6 --inherits none
step obj edit O6 --aligns-to O5
step idea add "Open Paris too"
step init add K6 "Hire two reps"                                                          # I1
step init done I1
step dep add K8 K1
step comment O5 "Is Europe too broad?"                                                    # C1
step comment K6 "Deals of what size?"                                                     # C2
step comment O6 "Fine."                                                                    # C3
step comment resolve C1
step comment resolve C1 --reopen
step comment resolve C1
step comment rm C3
step obj check O5 --necessary yes --sufficient no
step agenda next
step round start K6
as bob round submit K6 0.4 >/dev/null; record alice
step round submit K6 0.8
step round reveal --apply
step kr rm K7 --force
step obj add "Temporary" --team T4                                                        # O7
step kr add O7 "Gone soon" --from 0 --to 1                                                # K9
step comment K9 "Remove?"                                                                  # C4
step obj rm O7 --force
step kick bob
sleep 1.2 # a gap the TIME form and the replay's cut can find
GAP_SEQ=$(jq -r .workshop.seq <<<"$(as alice --json show)")
step obj close-note O5 "Europe took longer than planned."
step obj close-note O1 "Customers stayed."
step workshop close --force
step workshop reopen
step checkin K6 --value 9
step workshop close --force
LAST=$(as alice --json show | jq -r .workshop.seq)
[ "$STEPS" -ge 50 ] && ok "$STEPS states recorded, up to #$LAST" || not_ok "only $STEPS states recorded"

# ---- show --at SEQ gives each recorded cascade back --------------------------
compare_all() { # compare_all CODE: every recorded seq of that workshop
    local code=$1 n=0 bad=""
    for f in "$WORK/at/$code"/*.json; do
        local seq; seq=$(basename "$f" .json)
        if ! as alice -w "$code" --json show --at "$seq" >"$WORK/past.json" 2>"$WORK/past.err"; then
            bad+=" #$seq($(cat "$WORK/past.err"))"
            continue
        fi
        if ! cascade_of <"$WORK/past.json" | diff -u "$f" - >"$WORK/diff.txt"; then
            bad+=" #$seq"
            [ -s "$WORK/firstdiff.txt" ] || cp "$WORK/diff.txt" "$WORK/firstdiff.txt"
        fi
        n=$((n + 1))
    done
    if [ -z "$bad" ] && [ "$n" -gt 0 ]; then ok "show --at gives back all $n recorded states of $code"
    else not_ok "show --at differs at:$bad" "$(head -40 "$WORK/firstdiff.txt" 2>/dev/null)"; fi
}
compare_all "$CODE"
as alice --json show --at "$LAST" >"$WORK/last.json"
[ "$(jq .as_of.seq "$WORK/last.json")" = "$LAST" ] && [ "$(jq .as_of.latest_seq "$WORK/last.json")" = "$LAST" ] &&
    [ "$(jq 'has("ideas") or has("agenda")' "$WORK/last.json")" = false ] &&
    [ "$(jq -r .workshop.closed.by "$WORK/last.json")" = alice ] &&
    ok "--json says as_of, leaves out what is not rebuilt, and keeps the close" ||
    not_ok "--json's as_of" "$(head -c 400 "$WORK/last.json")"
says "the text form says it is a past state" 0 "As of #5," as alice show --at 5
grep -q "Q3 planning (2026-Q3) · code $CODE · seq 5" <<<"$out" && ok "the text form's header names seq 5" ||
    not_ok "the text header" "$out"

# ---- show --at TIME -------------------------------------------------------------
# The watchers run the binary itself (not through `as`), so that $! is theirs.
XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" --json watch --since 0 >"$WORK/events.json" 2>/dev/null &
WPID=$!
PIDS+=("$WPID")
for _ in $(seq 1 200); do [ "$(wc -l <"$WORK/events.json")" -ge "$LAST" ] && break; sleep 0.05; done
kill -TERM "$WPID"; wait "$WPID" 2>/dev/null
gap_ms=$(jq -r "select(.seq == $GAP_SEQ) | .time_ms" "$WORK/events.json")
after=$(( gap_ms / 1000 + 1 )) # the second after the event before the gap
want=$(cat "$WORK/at/$CODE/$GAP_SEQ.json")
for form in "$(date -d "@$after" +%Y-%m-%dT%H:%M:%S)" \
            "$(TZ=UTC date -d "@$after" +%Y-%m-%dT%H:%M:%SZ)" \
            "$(TZ=Etc/GMT-1 date -d "@$after" +%Y-%m-%dT%H:%M:%S+01:00)" \
            "$(TZ=UTC date -d "@$after" '+%Y-%m-%d %H:%M:%S+0000')"; do
    if as alice --json show --at "$form" >"$WORK/t.json" 2>"$WORK/t.err" &&
       [ "$(cascade_of <"$WORK/t.json")" = "$want" ]; then ok "--at '$form' is the state as of #$GAP_SEQ"
    else not_ok "--at '$form'" "$(cat "$WORK/t.err") $(jq .as_of "$WORK/t.json" 2>/dev/null)"; fi
done
minute=$(date -d "@$(( gap_ms / 60000 * 60 ))" +%Y-%m-%dT%H:%M)
run 0 as alice show --at "$minute"; a="$status $out $err"
run 0 as alice show --at "$minute:00"; b="$status $out $err"
[ "$a" = "$b" ] && ok "--at $minute is the minute's start, as with :00" || not_ok "--at a minute" "$a / $b"
says "--at -1s (after the last event): the latest state" 0 "As of #$LAST," as alice show --at -1s

# ---- Refusals ---------------------------------------------------------------------
says "--at 0 is a usage error" 2 "the first is #1" as alice show --at 0
says "--at beyond the last event" 1 "has no event #$((LAST + 5)) yet; its last is #$LAST" \
    as alice show --at $((LAST + 5))
says "--at a malformed time" 2 "is not a moment" as alice show --at yesterday
says "--at a malformed date" 2 "is not a moment" as alice show --at 2026-13-01T10:00
says "--at a malformed time ago" 2 "is not a time ago" as alice show --at -10x
says "--at before the workshop began" 1 "began at" as alice show --at 2001-01-01T00:00
says "--at in the future" 2 "is in the future" as alice show --at 2999-01-01T00:00Z
says "--at without a value" 2 "--at" as alice show --at

# ---- A workshop carried by workshop next -----------------------------------------
step workshop reopen
NEXT=$(as alice workshop next --period 2026-Q4 --all 2>/dev/null)
[ -n "$NEXT" ] && ok "workshop next made $NEXT" || not_ok "workshop next"
record_next() { as alice -w "$NEXT" "$@" >/dev/null 2>&1; CASCADE_WORKSHOP=$NEXT record alice; }
CASCADE_WORKSHOP=$NEXT record alice
record_next checkin K1 --value 3
record_next obj edit O1 --rationale "A new quarter."
record_next team member add T3 carol
compare_all "$NEXT"
# Its objectives come before the key results they inherit: a state in
# between still shows.
says "a carried workshop between its additions" 0 "As of #8," as alice -w "$NEXT" show --at 8
run 0 as alice -w "$NEXT" --json show --at 8 && jq -e '.objectives | length > 0' <<<"$out" >/dev/null &&
    ok "and as JSON" || not_ok "a carried workshop at #8 as JSON" "$err"

# ---- replay -------------------------------------------------------------------------
XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" watch --since 0 >"$WORK/watch.txt" 2>/dev/null &
WPID=$!
PIDS+=("$WPID")
for _ in $(seq 1 200); do [ "$(wc -l <"$WORK/watch.txt")" -ge "$LAST" ] && break; sleep 0.05; done
kill -TERM "$WPID"; wait "$WPID" 2>/dev/null
grep -v '^~' "$WORK/watch.txt" >"$WORK/watch.events" # presence is not history
mv "$WORK/watch.events" "$WORK/watch.txt"
ALL=$(wc -l <"$WORK/watch.txt")
run 0 as alice replay --speed max
if [ "$out" = "$(cat "$WORK/watch.txt")" ] && [ "$ALL" -gt 50 ]; then ok "replay --speed max prints watch --since 0's $ALL lines exactly"
else not_ok "replay --speed max against watch" "$(diff <(echo "$out") "$WORK/watch.txt" | head)"; fi
run 0 as alice replay --speed 1000000
[ "$(wc -l <<<"$out")" = "$ALL" ] && grep -q "at 1e+06x" <<<"$err" &&
    ok "a huge speed finishes, every line, and says its pace" || not_ok "replay --speed 1000000" "$err"
run 0 as alice --json replay --speed max --from 3 --to 9
[ "$(jq -s 'map(.seq) | join(",")' <<<"$out")" = '"3,4,5,6,7,8,9"' ] &&
    ok "--from 3 --to 9: those seven events, as JSON" || not_ok "--from/--to" "$out"
run 0 as alice replay --speed 0.1 --from "$GAP_SEQ" --to $((GAP_SEQ + 1))
[ "$(wc -l <<<"$out")" = 2 ] && grep -q "passed before #$((GAP_SEQ + 1)); cut to 2 s" <<<"$err" &&
    ok "a quiet stretch is cut to 2 s of replay, and said" || not_ok "the cut" "$out / $err"
says "--speed that is not a number" 2 "--speed is how many times" as alice replay --speed fast
says "--from 0" 2 "--from must be a sequence number" as alice replay --from 0
says "--to before --from" 2 "--to comes before --from" as alice replay --from 9 --to 3
says "--from beyond the last" 1 "has no event #999999 yet" as alice replay --from 999999
says "--live needs a terminal" 2 "needs a terminal" as alice replay --live
says "--ascii without --live" 2 "--ascii is for the live view" as alice replay --ascii
says "an unknown flag" 2 "Unknown option --sped" as alice replay --sped 3

# Reading the past is not being there: nobody sees the reader arrive.
now=$(as alice --json show | jq -r .workshop.seq)
XDG_CONFIG_HOME="$WORK/home-carol" "$CASCADE" watch --since "$now" >"$WORK/carol.txt" 2>&1 &
CPID=$!
PIDS+=("$CPID")
seen() { for _ in $(seq 1 300); do grep -qF -- "$1" "$WORK/carol.txt" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
as alice kr set K6 10 >/dev/null
seen "K6 current 9" || not_ok "carol's watch sees a change" "$(cat "$WORK/carol.txt")"
as alice show --at 5 >/dev/null
as alice replay --speed max >/dev/null 2>&1
as alice show --at -1s >/dev/null
as alice kr set K6 11 >/dev/null
seen "K6 current 10" || not_ok "carol's watch sees the next change"
kill -TERM "$CPID"; wait "$CPID" 2>/dev/null
grep -q "alice arrived" "$WORK/carol.txt" && not_ok "show --at and replay announce no one" "$(cat "$WORK/carol.txt")" ||
    ok "show --at and replay announce no one to the others"

# ---- replay --live, in tmux --------------------------------------------------------
LAST=$(as alice --json show | jq -r .workshop.seq)
t new-session -d -s travel -x 120 -y 40 \
    "env XDG_CONFIG_HOME=$WORK/home-alice CASCADE_SERVER=$CASCADE_SERVER CASCADE_WORKSHOP=$CODE TERM=xterm-256color LANG=C.UTF-8 $CASCADE replay --live --speed max; echo \"replay ended with \$?\"; sleep 600"
screen() { t capture-pane -p -t travel; }
shows() { for _ in $(seq 1 300); do screen | grep -qF -- "$1" && return 0; sleep 0.05; done; return 1; }
if shows "Replay #$LAST of #$LAST" && shows "finished"; then ok "replay --live reaches the last event"
else not_ok "replay --live's end" "$(screen)"; fi
shows "Win all of Europe" && shows "Close big deals" && ok "the screen shows the cascade as it ended" ||
    not_ok "replay --live's cascade" "$(screen)"
screen | grep -qF "Temporary" && not_ok "a removed objective is gone from the screen" || ok "a removed objective is gone from the screen"
t send-keys -t travel q
shows "replay ended with 0" && ok "q ends the live replay with 0" || not_ok "q" "$(screen)"

finish
