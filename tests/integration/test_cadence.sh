#!/usr/bin/env bash
# The check-in cadence, through the real `cascade` and `cascaded` binaries.
# The server's clock is shifted into March 2031 with
# CASCADE_TEST_CLOCK_OFFSET_MS (read by common/clock.c, for tests only), so
# due dates pass without waiting for them:
#   A  1 March: period, time zone and cadence set (and every bad input
#      refused with one sentence, changing nothing); `due`, `due --mine`,
#      `cadence`, and `cadence --ics` read back by libical and Python's
#      icalendar;
#   B  4 March, after a restart: the server was down when the first check-ins
#      fell due and became overdue: one overdue event per key result that
#      missed it, none for the one checked in; `due --overdue [--mine]`,
#      `show` and `show --json` mark them, and login says how many are due;
#   C  the same day, restarted again: no event twice;
#   D  10 March, started seconds before 09:00 Berlin time: the timer gives
#      the due events while the server runs; a changed cadence recomputes
#      the schedule, and `off` removes it.
# Usage: test_cadence.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init cadence "$@"

says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
seq_now() { as alice --json show | jq -r .workshop.seq; }
unchanged() { # unchanged NAME STATUS TEXT CMD...: refused, and the seq stays
    local name=$1 want=$2 text=$3; shift 3
    local before; before=$(seq_now)
    says "$name" "$want" "$text" "$@"
    [ "$(seq_now)" = "$before" ] && ok "$name: nothing changed" || not_ok "$name: nothing changed"
}
# at 'DATE': the server's and clients' clocks read DATE (UTC) from now on.
at() {
    local target; target=$(date -u -d "$1" +%s%3N)
    export CASCADE_TEST_CLOCK_OFFSET_MS=$((target - $(date +%s%3N)))
}
wait_for() { # wait_for FILE TEXT [COUNT]: bounded wait until FILE holds TEXT COUNT times
    for _ in $(seq 1 1500); do
        [ -f "$1" ] && [ "$(grep -c -- "$2" "$1")" -ge "${3:-1}" ] && return 0
        sleep 0.02
    done
    return 1
}
# events FILE: the server's events since 0, up to a fresh marker (a comment
# alice adds now, so everything made before it has been received).
N=0
events() {
    N=$((N + 1))
    as alice --json watch --since 0 >"$1" 2>/dev/null &
    local w=$!; PIDS+=("$w")
    as alice comment O1 "marker $N" >/dev/null
    wait_for "$1" "marker $N" || not_ok "watch sees marker $N" "$(cat "$1")"
    kill "$w" 2>/dev/null; wait "$w" 2>/dev/null
}
count() { jq -r .type "$1" | grep -cx "$2"; }

unset CASCADE_WORKSHOP NO_COLOR
at '2031-03-01 12:00:00'
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia max; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Q1 2031" --period 2031-03 2>/dev/null)
FREE=$(as alice workshop create "Autumn" --period "Autumn planning" 2>/dev/null)
export CASCADE_WORKSHOP=$CODE
as mia join "$CODE" >/dev/null
as max join "$CODE" >/dev/null
as alice team add Acme --level company >/dev/null
as alice team add Sales --parent T1 >/dev/null
as alice team member add T2 mia >/dev/null
as alice obj add "Grow" --team T1 >/dev/null
as alice obj add "Sell more" --team T2 >/dev/null
as alice kr add O1 "Raise ARR" --from 0 --to 10 --owner mia >/dev/null
as alice kr add O1 "Lift NPS" --from 0 --to 50 --owner max >/dev/null
as alice kr add O2 "Close deals" --from 0 --to 20 >/dev/null   # no owner: T2's members owe it

# ---- A: setting the cadence -----------------------------------------------------------------
says "without a cadence, due says how to set one" 0 "has no check-in cadence" as alice due
says "without a cadence, cadence --ics is refused with a sentence" 1 "has no check-in cadence" \
    as alice cadence --ics
says "due in a workshop that does not exist is refused" 1 "ZZZZZZZZZZ" as alice -w ZZZZZZZZZZ due
says "cadence --out without a file is a usage error" 2 "--out" as alice cadence --out
if run 0 as alice --json show && [ "$(jq -r '.workshop | has("cadence") or has("period_from")' <<<"$out")" = false ]; then
    ok "without a cadence show --json's workshop has its usual keys"
else not_ok "show --json before the cadence" "$out"; fi
says "workshop set cadence weekly:mon, on the dates from create" 0 "cadence is weekly:mon" \
    as alice workshop set cadence weekly:mon
if run 0 as alice --json show && [ "$(jq -r '.workshop | "\(.period) \(.period_from) \(.period_to) \(.cadence) \(.timezone)"' <<<"$out")" = "2031-03 2031-03-01 2031-03-31 weekly:mon UTC" ]; then
    ok "workshop create --period 2031-03 derived the dates"
else not_ok "period dates at create" "$out"; fi
unchanged "a cadence without a period's dates is refused" 1 "needs the period's dates" \
    as alice -w "$FREE" workshop set cadence weekly:mon
unchanged "cadence weekly:xyz is refused" 1 "'weekly:xyz' is not a cadence" \
    as alice workshop set cadence weekly:xyz
unchanged "cadence monthly:0 is refused" 1 "The day of a monthly cadence is 1 to 28, or last." \
    as alice workshop set cadence monthly:0
unchanged "cadence monthly:31 is refused" 1 "1 to 28, or last" as alice workshop set cadence monthly:31
unchanged "timezone Mars/Base is refused" 1 "'Mars/Base' is not a time zone" \
    as alice workshop set timezone Mars/Base
unchanged "a zone name that is a path is refused" 1 "is not a time zone" \
    as alice workshop set timezone ../../../etc/passwd
unchanged "--from 2026-13-01 is refused" 1 "real dates written YYYY-MM-DD" \
    as alice workshop set period --from 2026-13-01 --to 2026-12-31
unchanged "--to before --from is refused" 1 "ends before it begins" \
    as alice workshop set period --from 2031-09-30 --to 2031-07-01
unchanged "a period over two years is refused" 1 "at most two years" \
    as alice workshop set period --from 2031-01-01 --to 2034-01-01
unchanged "period 2031-Q5 is refused" 1 "A quarter is Q1, Q2, Q3 or Q4." \
    as alice workshop set period 2031-Q5
unchanged "a period that is no period is refused" 1 "is not a period" \
    as alice workshop set period "next spring"
unchanged "--from without --to is a usage error" 2 "Give both dates" \
    as alice workshop set period --from 2031-03-01
unchanged "an unknown setting is refused" 1 "settings are: observer-comments, period, timezone, cadence" \
    as alice workshop set cadense weekly:mon
unchanged "a member may not set the cadence" 1 "Only a facilitator can change the workshop's settings" \
    as mia workshop set cadence weekly:mon
says "workshop set period --from --to" 0 "period is 2031-03-01..2031-03-31" \
    as alice workshop set period --from 2031-03-01 --to 2031-03-31
says "workshop set period 2031-03" 0 "period is 2031-03" as alice workshop set period 2031-03
says "workshop set timezone Europe/Berlin" 0 "timezone is Europe/Berlin" \
    as alice workshop set timezone Europe/Berlin
says "workshop set cadence weekly:mon again changes nothing" 0 "cadence is weekly:mon" \
    as alice workshop set cadence weekly:mon

if run 0 as alice --json due && [ "$(jq -r '[.due[] | "\(.key_result) \(.due) \(.state) \(.owed_by | join(","))"] | join(";")' <<<"$out")" = \
   "K1 2031-03-03 09:00 upcoming mia;K2 2031-03-03 09:00 upcoming max;K3 2031-03-03 09:00 upcoming mia" ]; then
    ok "due: each key result owes Monday's 09:00 check-in; K3 (no owner) is owed by its team"
else not_ok "due --json" "$out $err"; fi
says "due prints a table" 0 "2031-03-03 09:00  upcoming  K2  max      Lift NPS" as alice due
check "mia checks in K1" run 0 as mia checkin K1 --value 2
if run 0 as mia --json due --mine && [ "$(jq -r '[.due[] | "\(.key_result) \(.due)"] | join(";")' <<<"$out")" = \
   "K3 2031-03-03 09:00;K1 2031-03-10 09:00" ]; then
    ok "due --mine: mia's, by due time; her check-in moved K1 to the next Monday"
else not_ok "due --mine" "$out $err"; fi
if run 0 as alice --json show && [ "$(jq -r '[.key_results[] | "\(.id) \(.next_due) \(.overdue)"] | join(";")' <<<"$out")" = \
   "K1 $(date -u -d '2031-03-10 08:00' +%s000) false;K2 $(date -u -d '2031-03-03 08:00' +%s000) false;K3 $(date -u -d '2031-03-03 08:00' +%s000) false" ]; then
    ok "show --json: next_due (09:00 in Berlin is 08:00 UTC in March) and overdue"
else not_ok "show --json next_due" "$out"; fi
says "cadence lists the period's due dates" 0 "weekly:mon at 09:00 Europe/Berlin, 2031-03-01 to 2031-03-31, 5 due dates" \
    as alice cadence
if run 0 as alice --json cadence && [ "$(jq -r '[.dues[].due] | join(";")' <<<"$out")" = \
   "2031-03-03 09:00;2031-03-10 09:00;2031-03-17 09:00;2031-03-24 09:00;2031-03-31 09:00" ] \
   && [ "$(jq -r '.dues[4].due_ms - .dues[3].due_ms' <<<"$out")" = $((7 * 86400000 - 3600000)) ]; then
    ok "cadence --json: DST on 30 March moves the UTC instant, not the local 09:00"
else not_ok "cadence --json" "$out"; fi
check "cadence --ics --out writes the file" run 0 as alice cadence --ics --out "$WORK/q1.ics"
if run 0 "$BIN/ics_check" "$WORK/q1.ics" && [ "$out" = "2 10" ]; then
    ok "libical reads the calendar: 2 series (mia, max), 10 check-ins"
else not_ok "ics_check" "$out $err"; fi
check "the calendar has a VTIMEZONE for Europe/Berlin" grep -q "^TZID:Europe/Berlin" "$WORK/q1.ics"
if /usr/bin/python3 -c 'import icalendar' 2>/dev/null; then
    if run 0 /usr/bin/python3 -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
evs = [c for c in cal.walk("VEVENT")]
assert cal["VERSION"] == "2.0" and cal["PRODID"]
assert all(e["UID"] and e["DTSTAMP"] and e["RRULE"] for e in evs)
print(len(evs), evs[0]["DTSTART"].dt.isoformat())' "$WORK/q1.ics" && [ "$out" = "2 2031-03-03T09:00:00+01:00" ]; then
        ok "Python's icalendar reads it: 2 events, the first at 09:00 +01:00"
    else not_ok "python icalendar" "$out $err"; fi
else
    echo "# python3-icalendar is not installed: that check is skipped"
fi
says "cadence --ics to stdout" 0 "BEGIN:VCALENDAR" as alice cadence --ics
if run 0 as mia login --user mia <<<"pw-mia-0123456789" && ! grep -q "due" <<<"$err"; then
    ok "login before any due date: no notice"
else not_ok "login notice before" "$err"; fi
stop_server "$SPID"

# ---- B: down while the check-ins fell due and became overdue --------------------------------
at '2031-03-04 12:00:00'
start_server main --listen "127.0.0.1:$PORT"
events "$WORK/b.json"
if [ "$(count "$WORK/b.json" checkin.overdue)" = 2 ] && [ "$(count "$WORK/b.json" checkin.due)" = 0 ]; then
    ok "after the downtime: two overdue events, no due event"
else not_ok "overdue after downtime" "$(cat "$WORK/b.json")"; fi
if [ "$(jq -r 'select(.type == "checkin.overdue") | "\(.id) \(.actor) \(.fields.due) \(.fields.owner)"' "$WORK/b.json" | tr '\n' ';')" = \
   "K2  2031-03-03 09:00 max;K3  2031-03-03 09:00 mia;" ]; then
    ok "the overdue events name the key result, the missed due date and who owes it, with no actor"
else not_ok "overdue event fields" "$(grep checkin "$WORK/b.json")"; fi
says "watch prints the overdue event (until stopped)" 124 'checkin.overdue K2 due="2031-03-03 09:00", owner="max"' \
    timeout 5 env XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" watch --since 0 --no-resume
if run 0 as alice --json due --overdue && [ "$(jq -r '[.due[] | "\(.key_result) \(.state)"] | join(";")' <<<"$out")" = "K2 overdue;K3 overdue" ]; then
    ok "due --overdue: K2 and K3"
else not_ok "due --overdue" "$out"; fi
if run 0 as max --json due --overdue --mine && [ "$(jq -r '[.due[].key_result] | join(";")' <<<"$out")" = "K2" ]; then
    ok "due --overdue --mine (max): K2"
else not_ok "due --overdue --mine" "$out"; fi
says "show marks the overdue key result" 0 "K2 Lift NPS · 0 → 0 → 50 · .......... 0% · conf 0.5 · max · check-in overdue since 2031-03-03" \
    as alice show
if run 0 as alice --json show && [ "$(jq -r '[.key_results[] | "\(.id) \(.overdue)"] | join(";")' <<<"$out")" = "K1 false;K2 true;K3 true" ]; then
    ok "show --json: overdue true for K2 and K3"
else not_ok "show --json overdue" "$out"; fi
says "login tells max that a check-in is due" 0 "1 check-in is due" as max login --user max <<<"pw-max-0123456789"
if run 0 as max --json login --user max <<<"pw-max-0123456789" && [ "$(jq -r .checkins_due <<<"$out")" = 1 ]; then
    ok "login --json carries checkins_due when there are any"
else not_ok "login --json checkins_due" "$out"; fi
stop_server "$SPID"

# ---- C: restarted again: nothing twice ------------------------------------------------------
at '2031-03-04 12:05:00'
start_server main --listen "127.0.0.1:$PORT"
events "$WORK/c.json"
if [ "$(count "$WORK/c.json" checkin.overdue)" = 2 ] && [ "$(count "$WORK/c.json" checkin.due)" = 0 ]; then
    ok "after a second restart: still exactly two overdue events"
else not_ok "no event twice" "$(grep checkin "$WORK/c.json")"; fi
check "mia checks in K3 late" run 0 as mia checkin K3 --value 1
if run 0 as alice --json due && [ "$(jq -r '[.due[] | "\(.key_result) \(.state) \(.due)"] | join(";")' <<<"$out")" = \
   "K2 overdue 2031-03-03 09:00;K1 upcoming 2031-03-10 09:00;K3 upcoming 2031-03-17 09:00" ]; then
    ok "a late check-in clears the overdue key result, and counts for the next due date too"
else not_ok "late check-in" "$out"; fi
stop_server "$SPID"

# ---- D: the timer, while the server runs ----------------------------------------------------
at '2031-03-10 07:59:57'   # 08:59:57 in Berlin
start_server main --listen "127.0.0.1:$PORT"
as alice --json watch --since 0 >"$WORK/d.json" 2>/dev/null &
WD=$!; PIDS+=("$WD")
if wait_for "$WORK/d.json" '"checkin.due"' 2; then
    ok "at 09:00 the timer gives two due events (K3's late check-in covers this one)"
else not_ok "due events from the timer" "$(grep checkin "$WORK/d.json")"; fi
if [ "$(jq -r 'select(.type == "checkin.due") | "\(.id) \(.fields.due)"' "$WORK/d.json" | tr '\n' ';')" = \
   "K1 2031-03-10 09:00;K2 2031-03-10 09:00;" ]; then
    ok "each names the key result and the due date"
else not_ok "due event fields" "$(grep checkin "$WORK/d.json")"; fi
kill "$WD" 2>/dev/null; wait "$WD" 2>/dev/null
says "login tells mia that a check-in is due" 0 "1 check-in is due" \
    as mia login --user mia <<<"pw-mia-0123456789"
as mia checkin K1 --value 3 >/dev/null
if run 0 as mia login --user mia <<<"pw-mia-0123456789" && ! grep -q "due" <<<"$err"; then
    ok "once mia has checked in, her login has no notice"
else not_ok "login notice after the check-in" "$err"; fi
if run 0 as alice --json due && [ "$(jq -r '[.due[] | "\(.key_result) \(.state)"] | join(";")' <<<"$out")" = "K2 due;K3 upcoming;K1 upcoming" ]; then
    ok "due: K2 is due now (not overdue before the day is over)"
else not_ok "due state" "$out"; fi
# A closed workshop's quarter is over: nothing is due in it until a reopen.
as alice workshop close --force >/dev/null 2>&1
if run 0 as alice --json due && [ "$(jq -r '.due | length' <<<"$out")" = 0 ] \
   && [ "$(as alice --json show | jq -r '[.key_results[] | has("next_due")] | any')" = false ]; then
    ok "closed: no check-in is due and show marks none"
else not_ok "closed: nothing due" "$out"; fi
as alice workshop reopen >/dev/null 2>&1
if run 0 as alice --json due && jq -e '.due[] | select(.key_result == "K2" and .state == "due")' <<<"$out" >/dev/null; then
    ok "reopened: K2 is due again"
else not_ok "reopened: K2 due" "$out"; fi
says "a changed cadence recomputes the schedule" 0 "monthly:last at 09:00 Europe/Berlin, 2031-03-01 to 2031-03-31, 1 due date." \
    sh -c "XDG_CONFIG_HOME='$WORK/home-alice' '$CASCADE' workshop set cadence monthly:last >/dev/null && XDG_CONFIG_HOME='$WORK/home-alice' '$CASCADE' cadence"
if run 0 as alice --json due && [ "$(jq -r '[.due[] | "\(.key_result) \(.state) \(.due)"] | join(";")' <<<"$out")" = \
   "K2 upcoming 2031-03-31 09:00;K3 upcoming 2031-03-31 09:00;K1 upcoming 2031-03-31 09:00" ] \
   || [ "$(jq -r '[.due[] | .due] | unique | join(",")' <<<"$out")" = "2031-03-31 09:00" ]; then
    ok "after the change every key result owes 31 March's check-in"
else not_ok "due after the change" "$out"; fi
says "cadence off removes it" 0 "cadence is off" as alice workshop set cadence off
if run 0 as alice --json show && [ "$(jq -r '[.key_results[] | has("next_due")] | any' <<<"$out")" = false ] \
   && [ "$(jq -r '.workshop | has("cadence")' <<<"$out")" = false ]; then
    ok "without a cadence show --json has its old shape"
else not_ok "show --json without cadence" "$out"; fi
events "$WORK/d2.json"
if [ "$(count "$WORK/d2.json" checkin.overdue)" = 2 ] && [ "$(count "$WORK/d2.json" checkin.due)" = 2 ]; then
    ok "no events for due dates past when the cadence changed"
else not_ok "events after the change" "$(grep checkin "$WORK/d2.json")"; fi
stop_server "$SPID"
finish
