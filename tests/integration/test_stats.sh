#!/usr/bin/env bash
# cascade stats: a period's figures worked out by hand from a cascade built
# through the real binaries -- teams with OKRs, objectives and key results
# per level, committed against aspirational, the grade distribution (an
# archived objective and its key results counted nowhere), the average score
# and confidence, check-in coverage and what is overdue against a cadence --
# in the text and in --json; --compare against another
# period with every change; and bad input (an unknown code, the workshop
# itself, one the caller is not in, a missing value, a server that is down)
# getting one sentence.
# Usage: test_stats.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init stats "$@"


unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice eve; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done

# Q3: four teams, one without OKRs; O1 aspirational (K1 0.7, K2 0),
# O2 committed and hit (K3 1.0), O3 aspirational with a decreasing metric
# (K4: 100 -> 20 at 52, (52-100)/(20-100) = 0.6), O4 archived (not counted).
Q3=$(as alice workshop create "Q3 planning" --period 2026-Q3 2>/dev/null)
for cmd in "team add Acme --level company" "team add Sales --parent T1 --level department" \
           "team add Support --parent T1 --level department" "team add Idle --parent T1 --level team" \
           "obj add Grow-revenue --team T1" "kr add O1 Raise-ARR --from 10 --to 20" \
           "kr add O1 Open-Berlin --milestone" \
           "obj add Sell-more --team T2 --committed" "kr add O2 Close-deals --from 0 --to 40" \
           "obj add Answer-fast --team T3" "kr add O3 Cut-backlog --from 100 --to 20" \
           "obj add Old-plan --team T3" "kr add O4 Forgotten --from 0 --to 1" \
           "obj edit O4 --status archived" \
           "checkin K1 --value 17 --confidence 0.8" "checkin K2 --undone --confidence 0.4" \
           "checkin K3 --value 40 --confidence 0.9" "checkin K4 --value 52 --confidence 0.5"; do
    as alice -w "$Q3" $cmd >/dev/null 2>"$WORK/err" || not_ok "Q3: $cmd" "$(cat "$WORK/err")"
done

J=$(as alice -w "$Q3" --json stats)
expect "Q3 teams" '[.stats.teams, .stats.teams_with_okrs]' '[4,3]'
expect "Q3 objectives (archived left out)" '.stats.objectives | [.total, .committed, .aspirational]' '[3,1,2]'
expect "Q3 objectives per level" '.stats.objectives | [.company, .department, .team, .individual, .no_level]' '[1,2,0,0,0]'
expect "Q3 objectives' grades red, orange, green (O1 0.35, O3 0.6, O2 1)" '.stats.objectives | [.red, .orange, .green]' '[1,1,1]'
expect "Q3 average objective score (0.35 + 1 + 0.6) / 3" '.stats.objectives.score_mean' '0.65'
expect "Q3 key results per level" '.stats.key_results | [.total, .company, .department]' '[4,2,2]'
expect "Q3 key results' grades (K2 0, K4 0.6, K1 0.7, K3 1)" '.stats.key_results | [.red, .orange, .green]' '[1,1,2]'
expect "Q3 average confidence (0.8 + 0.4 + 0.9 + 0.5) / 4" '.stats.key_results.confidence_mean' '0.65'
expect "without --compare, no compare or change" '[has("compare"), has("change")]' '[false,false]'
expect "the workshop it describes" '.workshop | [.code, .period]' "[\"$Q3\",\"2026-Q3\"]"

run 0 as alice -w "$Q3" stats
check "text: teams with OKRs 3 of 4" grep -Eq '^Teams with OKRs +3 of 4$' <<<"$out"
check "text: objectives graded red 1" grep -Eq '^  graded red +1$' <<<"$out"
check "text: levels without objectives are left out" eval '! grep -q "individual level" <<<"$out"'
check "text: check-in coverage as a percentage" grep -Eq '^Check-in coverage +[0-9]+%$' <<<"$out"

# Q4: one team, one committed objective not hit yet (K1 0 -> 10 at 0).
Q4=$(as alice workshop create "Q4 planning" --period 2026-Q4 2>/dev/null)
for cmd in "team add Acme --level company" "obj add Grow --team T1 --committed" \
           "kr add O1 Raise --from 0 --to 10" "checkin K1 --value 0 --confidence 0.3"; do
    as alice -w "$Q4" $cmd >/dev/null 2>"$WORK/err" || not_ok "Q4: $cmd" "$(cat "$WORK/err")"
done
J=$(as alice -w "$Q4" --json stats --compare "$Q3")
expect "compare: both periods" '[.workshop.code, .compare.workshop.code]' "[\"$Q4\",\"$Q3\"]"
expect "compare: the other period's own figures" '.compare.stats.objectives.total' '3'
expect "change: teams and teams with OKRs" '.change | [.teams, .teams_with_okrs]' '[-3,-2]'
expect "change: objectives" '.change.objectives | [.total, .committed, .aspirational, .red, .green]' '[-2,0,-2,0,-1]'
expect "change: average confidence 0.3 - 0.65" '.change.key_results.confidence_mean' '-0.35'
run 0 as alice -w "$Q4" stats --compare "$(tr 'A-Z' 'a-z' <<<"$Q3")"
check "text compare: a header naming both periods" grep -Eq '2026-Q4 +2026-Q3 +change$' <<<"$out"
check "text compare: teams 1 against 4, -3" grep -Eq '^Teams +1 +4 +-3$' <<<"$out"
check "text compare: average confidence -0.35" grep -Eq '^  average confidence +0\.30 +0\.65 +-0\.35$' <<<"$out"
check "text compare: an unchanged figure shows 0" grep -Eq '^  committed +1 +1 +0$' <<<"$out"

expect "Q3 key results checked in (all four)" '.compare.stats.checkins | [.checked_in, .coverage, .overdue]' '[4,1,0]'

# Check-ins against a cadence: a past quarter checked weekly, K1 checked in
# and K2 never, so K2 owes the quarter's last due date and is overdue.
Q2=$(as alice workshop create "Q2 review" --period 2026-Q2 2>/dev/null)
for cmd in "team add Acme --level company" "obj add Grow --team T1" \
           "kr add O1 Raise --from 0 --to 10" "kr add O1 Keep --from 0 --to 10" \
           "checkin K1 --value 5" "workshop set cadence weekly:mon"; do
    as alice -w "$Q2" $cmd >/dev/null 2>"$WORK/err" || not_ok "Q2: $cmd" "$(cat "$WORK/err")"
done
J=$(as alice -w "$Q2" --json stats)
expect "Q2 check-ins: one of two checked in, one overdue" '.stats.checkins | [.checked_in, .coverage, .overdue]' '[1,0.5,1]'
run 0 as alice -w "$Q2" stats
check "text: check-in coverage 50%" grep -Eq '^Check-in coverage +50%$' <<<"$out"
check "text: overdue check-ins 1" grep -Eq '^Overdue check-ins +1$' <<<"$out"

# Bad input: one sentence, and the right exit status.
refused "--compare an unknown workshop" 1 alice -w "$Q4" stats --compare ZZZZZZZZZZ
refused "--compare the workshop itself" 2 alice -w "$Q4" stats --compare "$Q4"
refused "--compare without a code" 2 alice -w "$Q4" stats --compare
refused "--compare a malformed code" 2 alice -w "$Q4" stats --compare 'no!'
refused "a stray argument" 2 alice -w "$Q4" stats extra
refused "a workshop the caller is not in" 1 eve -w "$Q3" stats
EVE=$(as eve workshop create "Eve's" 2>/dev/null)
refused "--compare a workshop the caller is not in" 1 eve -w "$EVE" stats --compare "$Q3"
stop_server "$SPID"
refused "the server is down" 3 alice -w "$Q3" stats
finish
