#!/usr/bin/env bash
# Closing the quarter, through the real `cascade` and `cascaded` binaries:
# a cascade with a weighted objective (a decreasing metric, a milestone and a
# key result another team's objective inherits) and two committed ones; the
# close is refused to a member, and refused while a committed objective that
# ended red has no closing note (naming it); closing notes and their bad
# inputs; the grades fixed at the close equal `score --json` just before it
# and the figures worked by hand below; after the close every kind of change
# (by a member, a facilitator, the administrator, someone joining) is
# refused with one sentence and the database does not move, while reads and
# `watch --since 0` go on; a restart keeps the closed state and the grades;
# --force closes without the notes; the agenda's timer is silent while its
# workshop is closed; a reopen makes scores live and changes possible again.
# Usage: test_close.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init close "$@"

says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
seq_now() { as alice --json show | jq -r .workshop.seq; }
unchanged() { # unchanged NAME TEXT CMD...: exits 1 naming TEXT, and the seq stays
    local name=$1 text=$2; shift 2
    local before; before=$(seq_now)
    says "$name" 1 "$text" "$@"
    [ "$(seq_now)" = "$before" ] && ok "$name: nothing changed" || not_ok "$name: nothing changed"
}
# The database's content, every table in order, leaving out when people
# were last seen (saved lazily as they come and go, whatever the workshop).
db_state() {
    local db="$WORK/main/cascade.db" t
    for t in $(sqlite3 -readonly "$db" "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"); do
        echo "== $t"
        if [ "$t" = participants ]; then
            sqlite3 -readonly "$db" "SELECT workshop_id, user_id, role, joined_ms, removed_ms FROM participants ORDER BY 1, 2"
        else
            sqlite3 -readonly "$db" "SELECT * FROM \"$t\" ORDER BY 1, 2"
        fi
    done
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main --agenda-warning 1s
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia max olga nina; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Q4 review" --period 2026-Q4 2>/dev/null)
export CASCADE_WORKSHOP=$CODE
as mia join "$CODE" >/dev/null
as max join "$CODE" >/dev/null
as olga join "$(as alice workshop invite --role observer)" >/dev/null

# ---- the cascade, with figures worked by hand ------------------------------------------
# O1 (Acme, aspirational): K1 cuts churn from 8 to 2 and stands at 5, so
#   (5 - 8) / (2 - 8) = 0.5, weight 3; K2 a milestone, done: 1, weight 1;
#   K3 is inherited by Sales' O2, so it scores O2's 0.2, weight 1.
#   O1 = (3 x 0.5 + 1 x 1 + 1 x 0.2) / 5 = 2.7 / 5 = 0.54: 0.5 orange.
# O2 (Sales, aspirational, inherits K3): K4 0 -> 100 at 40: 0.4; K5 a
#   milestone not done: 0. O2 = 0.2 red (aspirational: no note needed).
# O3 (Sales, committed): K6 a milestone, done: 1.0 green.
# O4 (Sales, committed): K7 0 -> 10 at 4 is 0.4, but committed is all or
#   nothing: 0.0 red, so it needs a closing note.
build() { # build NAME CMD...
    local name=$1; shift
    run 0 as alice "$@" && ok "$name" || not_ok "$name" "$out $err"
}
build "company team" team add Acme --level company
build "Sales team" team add Sales --parent T1 --level department
as alice team member add T2 mia >/dev/null
build "O1" obj add "Keep and grow our customers" --team T1 --aspirational
build "K1 decreasing" kr add O1 "Cut monthly churn" --from 8 --to 2 --unit %
build "K2 milestone" kr add O1 "Launch the EU site" --milestone
build "K3" kr add O1 "Raise NPS" --from 20 --to 50
build "O2 inherits K3" obj add "Delight every customer" --team T2 --inherits K3 --aspirational
build "K4" kr add O2 "Answer tickets within a day" --from 0 --to 100 --unit %
build "K5 milestone" kr add O2 "Open the help centre" --milestone
build "O3 committed" obj add "Ship the partner programme" --team T2 --committed
build "K6 milestone" kr add O3 "Sign five partners" --milestone
build "O4 committed" obj add "Improve onboarding" --team T2 --committed
build "K7" kr add O4 "Accounts live in a week" --from 0 --to 10
build "K1 weighs 3" kr edit K1 --weight 3
build "K1 at 5" kr set K1 5
build "K2 done" checkin K2 --done
build "K4 at 40" kr set K4 40
build "K6 done" checkin K6 --done
build "K7 at 4" kr set K7 4
# Things for the refused changes below to name.
build "comment C1" comment O1 "Is churn the right measure?"
build "initiative I1" init add K4 "Hire two support agents"
build "idea D1" idea add "A customer council"
INVITE=$(as alice workshop invite --role member)

BEFORE=$(as alice --json score)
grades() { # grades JSON: "ID score colour" per objective and key result, fixed or live
    jq -r '.teams[].objectives[] | (., .key_results[]) |
           "\(.id) \(if .final then "\(.final.score) \(.final.colour)"
                     else "\((.score * 10 + 0.5 | floor) / 10) \(.colour)" end)"' <<<"$1" | sort
}
HAND="K1 0.5 orange
K2 1 green
K3 0.2 red
K4 0.4 red
K5 0 red
K6 1 green
K7 0.4 red
O1 0.5 orange
O2 0.2 red
O3 1 green
O4 0 red"
[ "$(grades "$BEFORE")" = "$HAND" ] && ok "score before the close, to one decimal, is the figures worked by hand" \
    || not_ok "score before the close" "$(grades "$BEFORE")"

# ---- who may close, and the closing notes ----------------------------------------------
unchanged "a member may not close the workshop" "Only a facilitator can close the workshop." \
    as mia workshop close
unchanged "an observer may not close it" "Only a facilitator can close the workshop." \
    as olga workshop close --force
unchanged "the close is refused while O4 has no closing note, naming it" \
    "O4 Improve onboarding (team Sales, 0.0 red) has no closing note; write one with \`cascade obj close-note O4 TEXT\`, or close with --force." \
    as alice workshop close
says "an unknown flag of workshop close is a usage error" 2 "--forse" as alice workshop close --forse
says "workshop reopen takes no argument" 2 "" as alice workshop reopen now
[ "$(as alice --json show | jq -r .workshop.closed)" = null ] && ok "... and neither closed anything" \
    || not_ok "usage errors closed the workshop"
unchanged "a reopen of an open workshop is refused" "is open; there is nothing to reopen" \
    as alice workshop reopen
unchanged "a note on an unknown objective" "There is no objective O99" as mia obj close-note O99 "Gone"
says "a note on a malformed id is a usage error" 2 "" as mia obj close-note X1 "Text"
says "a note without its text is a usage error" 2 "closing note's text" as mia obj close-note O4
unchanged "an empty note is refused" "closing note" as mia obj close-note O4 ""
LONG=$(head -c 2100 /dev/zero | tr '\0' x)
unchanged "a note over the text limit is refused" "2000" as mia obj close-note O4 "$LONG"
unchanged "a member of another team may not write O4's note" "not a member of T2" \
    as max obj close-note O4 "Not mine"
unchanged "an observer may not write a note" "Observers can read but not change" \
    as olga obj close-note O4 "Not mine"
says "a member of O4's team writes its note" 0 "Closing note of O4 recorded." \
    as mia obj close-note O4 "Onboarding waited for the new CRM, which slipped to January."
if run 0 as alice --json show && [ "$(jq -r '.objectives[] | select(.id == "O4") | .close_note' <<<"$out")" \
    = "Onboarding waited for the new CRM, which slipped to January." ]; then
    ok "show --json carries the closing note"
else not_ok "closing note in show --json" "$out"; fi
if run 0 as alice show && grep -qF "closing note: Onboarding waited for the new CRM" <<<"$out"; then
    ok "show prints the closing note under its objective"
else not_ok "closing note in show" "$out"; fi

# ---- the close --------------------------------------------------------------------------
says "the facilitator closes the workshop" 0 "is closed; its grades are fixed" as alice workshop close
AFTER=$(as alice --json score)
[ "$(grades "$AFTER")" = "$(grades "$BEFORE")" ] && ok "the fixed grades equal score just before the close" \
    || not_ok "fixed grades equal score before" "$(diff <(grades "$BEFORE") <(grades "$AFTER"))"
[ "$(jq -r '[.teams[].objectives[] | (., .key_results[]) | select(.final == null)] | length' <<<"$AFTER")" = 0 ] \
    && ok "every objective and key result has a fixed grade" || not_ok "every entity graded" "$AFTER"
[ "$(grades "$AFTER")" = "$HAND" ] && ok "... and equal the figures worked by hand" \
    || not_ok "fixed grades by hand" "$(grades "$AFTER")"
if [ "$(jq -r .workshop.closed.by <<<"$AFTER")" = alice ] && [ "$(jq -r .workshop.closed.at_ms <<<"$AFTER")" -gt 0 ]; then
    ok "score --json says who closed the workshop and when"
else not_ok "closed in score --json" "$AFTER"; fi
if run 0 as alice score && grep -qF "Closed by alice on " <<<"$out" \
   && grep -qE '^0\.5 orange +O1 Keep and grow our customers' <<<"$out" \
   && grep -qE '^0\.0 red +O4 Improve onboarding' <<<"$out" \
   && grep -qE '^0\.2 red +K3 Raise NPS' <<<"$out"; then
    ok "score prints the fixed grades under who closed it when"
else not_ok "score text after the close" "$out"; fi
if run 0 as mia show && grep -qF "Closed by alice on " <<<"$out" \
   && grep -qE 'O1 Keep and grow our customers .* · final 0\.5 orange$' <<<"$out" \
   && grep -qE 'K1 Cut monthly churn .* · final 0\.5 orange · ' <<<"$out"; then
    ok "show says the workshop is closed and gives each fixed grade"
else not_ok "show after the close" "$out"; fi
if run 0 as olga --json show && [ "$(jq -r '.objectives[] | select(.id == "O1") | "\(.final.score) \(.final.colour)"' <<<"$out")" = "0.5 orange" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K3") | "\(.final.score) \(.final.colour) \(.score)"' <<<"$out")" = "0.2 red 0.2" ] \
   && [ "$(jq -r .workshop.closed.by <<<"$out")" = alice ]; then
    ok "show --json carries the fixed grades and the closure (an observer reads them too)"
else not_ok "show --json after the close" "$out"; fi
if run 0 as alice --json workshop list && [ "$(jq -r --arg c "$CODE" '.workshops[] | select(.code == $c) | .closed.by' <<<"$out")" = alice ]; then
    ok "workshop list --json says it is closed"
else not_ok "workshop list after the close" "$out"; fi

# ---- every change is refused, and nothing moves -------------------------------------------
CLOSED="Workshop $CODE is closed (closed by alice on "
REOPEN_HINT="a facilitator can reopen it with \`cascade workshop reopen\`."
stop_server "$SPID"
DB_BEFORE=$(db_state)
start_server main --listen "127.0.0.1:$PORT" --agenda-warning 1s
refused=0; refusals=0
refuse() { # refuse WHO CMD...: exits 1 with the closed sentence
    local who=$1; shift
    refusals=$((refusals + 1))
    if run 1 as "$who" "$@" && grep -qF -- "$CLOSED" <<<"$err" && grep -qF -- "$REOPEN_HINT" <<<"$err"; then
        refused=$((refused + 1))
    else echo "# not refused as closed: $who $* -> $status: $out $err"; fi
}
refuse mia obj add "Another one" --team T2
refuse mia obj edit O4 --title "Improve onboarding a lot"
refuse alice obj rm O3
refuse mia obj check O4 --necessary yes
refuse mia obj close-note O4 "Changed my mind"
refuse mia kr add O4 "Another measure" --from 0 --to 1
refuse mia kr edit K7 --to 12
refuse mia kr set K7 10
refuse alice kr move K4 O1
refuse alice kr rm K5
refuse mia checkin K7 --value 9 --note "Late"
refuse max comment O1 "Too late?"
refuse alice comment resolve C1
refuse alice comment rm C1
refuse mia init add K4 "Another agent"
refuse mia init done I1
refuse alice dep add K4 K1
refuse alice team add Support --parent T1
refuse alice team edit T2 --name "Sales EMEA"
refuse alice team rm T2
refuse alice team member add T2 max
refuse alice team member rm T2 mia
refuse max idea add "Late idea"
refuse alice idea reveal
refuse alice vote start
refuse alice agenda add "Wrap up" --for 10m
refuse alice agenda start
refuse max ready
refuse alice round start
refuse mia round submit K7 0.5
refuse alice workshop set observer-comments on
refuse alice workshop invite --role member
refuse alice workshop revoke "$INVITE"
refuse alice workshop code rotate
refuse alice role set max observer
refuse alice kick max
refuse alice workshop close --force
refuse admin kr set K7 10
refuse nina join "$CODE"
refuse nina join "$INVITE"
[ "$refused" = "$refusals" ] && ok "all $refusals kinds of change are refused with the closed sentence" \
    || not_ok "refused as closed" "$refused of $refusals"
says "a join by a participant already in changes nothing and answers" 0 "Joined" as mia join "$CODE"
check "score still reads" run 0 as alice score
check "show still reads" run 0 as olga show
check "participants still reads" run 0 as alice participants
check "the agenda still reads" run 0 as mia agenda
check "comments still read" run 0 as max comment list
check "a key result's history still reads" run 0 as mia kr history K7
check "the round's status still reads" run 0 as mia round status
timeout 5 env XDG_CONFIG_HOME="$WORK/home-mia" "$CASCADE" watch --since 0 --no-resume >"$WORK/watch.txt" 2>&1
if grep -qE "^#[0-9]+ .* alice workshop.close $CODE closed the workshop: 4 objectives graded, 1 green, 1 orange, 2 red$" "$WORK/watch.txt" \
   && grep -qE "^#[0-9]+ .* mia objective.close_note O4 close_note=\"Onboarding waited" "$WORK/watch.txt"; then
    ok "watch --since 0 replays the closing note and the close"
else not_ok "watch after the close" "$(tail -5 "$WORK/watch.txt")"; fi
timeout 5 env XDG_CONFIG_HOME="$WORK/home-mia" "$CASCADE" --json watch --since 0 --no-resume >"$WORK/watch.json" 2>&1
if [ "$(jq -r 'select(.type == "workshop.close") | "\(.fields.state) \(.fields.objectives) \(.fields.red)"' "$WORK/watch.json")" = "closed 4 2" ]; then
    ok "watch --json gives the close's fields"
else not_ok "watch --json after the close" "$(tail -3 "$WORK/watch.json")"; fi

# ---- a restart keeps it closed ----------------------------------------------------------
stop_server "$SPID"
DB_AFTER=$(db_state)
[ "$DB_AFTER" = "$DB_BEFORE" ] && ok "the database is unchanged by every refused change" \
    || not_ok "database unchanged" "$(diff <(echo "$DB_BEFORE") <(echo "$DB_AFTER") | head -20)"
start_server main --listen "127.0.0.1:$PORT" --agenda-warning 1s
RESTARTED=$(as alice --json score)
[ "$(grades "$RESTARTED")" = "$HAND" ] && [ "$(jq -r .workshop.closed.by <<<"$RESTARTED")" = alice ] \
    && ok "after a restart the workshop is still closed, with the same grades" \
    || not_ok "closed after restart" "$RESTARTED"
refuse mia kr set K7 10
[ "$refused" = "$refusals" ] && ok "after a restart changes are still refused" || not_ok "refused after restart"

# ---- --force, and the agenda's timer ---------------------------------------------------
W2=$(as alice workshop create "Side quest" 2>/dev/null)
as alice -w "$W2" team add Ops --level company >/dev/null
as alice -w "$W2" obj add "Never page at night" --team T1 --committed >/dev/null
as alice -w "$W2" kr add O1 "Quiet nights" --from 0 --to 30 >/dev/null
as alice -w "$W2" agenda add "Wrap up" --for 4s >/dev/null
as alice -w "$W2" agenda start >/dev/null
says "--force closes with a red committed objective and no note, saying which" 0 \
    "Closed without a closing note for O1." as alice -w "$W2" workshop close --force
sleep 6
timeout 4 env XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" -w "$W2" watch --since 0 --no-resume >"$WORK/w2.txt" 2>&1
if grep -qF "(forced, without every closing note)" "$WORK/w2.txt" && ! grep -q "agenda.timeup" "$WORK/w2.txt"; then
    ok "the timer of a closed workshop says nothing, though its step ran out"
else not_ok "timer silent while closed" "$(cat "$WORK/w2.txt")"; fi
says "the facilitator reopens the forced one" 0 "is open again" as alice -w "$W2" workshop reopen
timeout 4 env XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" -w "$W2" watch --since 0 --no-resume >"$WORK/w2.txt" 2>&1
grep -q "agenda.timeup" "$WORK/w2.txt" && ok "... and once it is reopened, its timer speaks again" \
    || not_ok "timer after reopen" "$(tail -3 "$WORK/w2.txt")"

# ---- reopen ------------------------------------------------------------------------------
unchanged "a member may not reopen" "Only a facilitator can reopen the workshop." as mia workshop reopen
says "the facilitator reopens the workshop" 0 "is open again" as alice workshop reopen
if run 0 as alice --json score && [ "$(jq -r '[.teams[].objectives[] | (., .key_results[]) | select(.final != null)] | length' <<<"$out")" = 0 ] \
   && [ "$(jq -r '.workshop.closed' <<<"$out")" = null ]; then
    ok "after the reopen no grade is fixed and the workshop is not closed"
else not_ok "grades dropped at reopen" "$out"; fi
says "changes are accepted again" 0 "Updated K7." as mia kr set K7 10
if run 0 as alice --json score && [ "$(jq -r '.teams[].objectives[] | select(.id == "O4") | .score' <<<"$out")" = 1 ]; then
    ok "scores are live again: O4 is hit now"
else not_ok "live score after reopen" "$out"; fi
timeout 5 env XDG_CONFIG_HOME="$WORK/home-max" "$CASCADE" watch --since 0 --no-resume >"$WORK/watch.txt" 2>&1
grep -qE "^#[0-9]+ .* alice workshop.reopen $CODE reopened the workshop: scores are live again$" "$WORK/watch.txt" \
    && ok "watch --since 0 replays the reopen" || not_ok "reopen in watch" "$(tail -3 "$WORK/watch.txt")"
says "someone new may join again" 0 "Joined" as nina join "$CODE"
stop_server "$SPID"
if [ "$(sqlite3 -readonly "$WORK/main/cascade.db" "SELECT count(*) FROM workshop_closures") $(sqlite3 -readonly "$WORK/main/cascade.db" "SELECT count(*) FROM final_grades")" = "0 0" ]; then
    ok "the reopens left no closure and no fixed grade in the database"
else not_ok "closure rows after reopen"; fi

finish
