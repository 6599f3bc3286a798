#!/usr/bin/env bash
# Brainstorm and dot vote, through the real `cascade` and `cascaded`
# binaries: a facilitator and members of two teams add ideas (one
# anonymous); until the reveal each sees only their own; the anonymous idea
# keeps no author anywhere (the database is checked with sqlite3); after the
# reveal a duplicate is merged and an idea hidden; a vote with a budget and a
# per-idea cap; before the vote's reveal no request by anyone (facilitator
# and administrator included) yields a tally; a restart keeps ideas, vote and
# ballots; the reveal orders the ideas by dots; two ideas are promoted to an
# objective and a key result that keep their link. Every bad input gets one
# sentence and changes nothing.
# Usage: test_ideas.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init ideas "$@"

says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# unchanged NAME CMD...: the command exits 1 and the workshop's seq stays.
seq_now() { as alice --json show | jq -r .workshop.seq; }
unchanged() {
    local name=$1 text=$2; shift 2
    local before; before=$(seq_now)
    says "$name" 1 "$text" "$@"
    [ "$(seq_now)" = "$before" ] && ok "$name: nothing changed" || not_ok "$name: nothing changed"
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia max olga; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Brainstorm" --period 2026-Q3 2>/dev/null)
as alice team add Acme --level company >/dev/null
as alice team add Sales --parent T1 >/dev/null
as mia join "$CODE" >/dev/null
as max join "$CODE" >/dev/null
as olga join "$(as alice workshop invite --role observer)" >/dev/null
as alice team member add T2 mia >/dev/null
export CASCADE_WORKSHOP=$CODE

# ---- collecting: everyone sees their own ----------------------------------------------
says "alice adds an idea" 0 D1 as alice idea add "Grow in Asia"
says "mia adds an idea" 0 D2 as mia idea add "Win the mid-market"
SECRET="Fire the CEO quietly"
if run 0 as max --json idea add "$SECRET" --anonymous \
   && [ "$(jq -r '"\(.id) \(.author) \(.text)"' <<<"$out")" = "D3 null $SECRET" ]; then
    ok "an anonymous idea: the author gets it back without an author"
else not_ok "anonymous idea add" "$out $err"; fi
says "max adds a duplicate" 0 D4 as max idea add "Grow in Asia!"
says "max adds another" 0 D5 as max idea add "Ship the mobile app"
unchanged "an observer may not add ideas" "Observers can read but not change" as olga idea add Nope
unchanged "an empty idea is refused" "empty" as mia idea add ""
if run 0 as mia --json idea list && [ "$(jq -r '[.ideas[].id] | join(",")' <<<"$out")" = D2 ] \
   && [ "$(jq -r .unrevealed <<<"$out")" = 5 ]; then
    ok "before the reveal mia sees only her own idea, and that 5 wait"
else not_ok "mia's idea list" "$out"; fi
if run 0 as alice --json idea list && [ "$(jq -r '[.ideas[].id] | join(",")' <<<"$out")" = D1 ]; then
    ok "... the facilitator too sees only her own"
else not_ok "alice's idea list" "$out"; fi
leaks=0
for who in alice mia max olga admin; do
    for cmd in "--json show" "--json idea list" "show" "--json watch --since 0 --no-resume"; do
        if [[ $cmd == *watch* ]]; then
            timeout 3 env XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" $cmd >"$WORK/leak" 2>&1
        else as "$who" $cmd >"$WORK/leak" 2>&1; fi
        grep -qF "$SECRET" "$WORK/leak" && { leaks=$((leaks + 1)); echo "# $who $cmd: $(head -c 300 "$WORK/leak")"; }
        [ "$who" != mia ] && grep -qF "Win the mid-market" "$WORK/leak" && { leaks=$((leaks + 1)); echo "# $who $cmd sees mia's idea"; }
    done
done
[ "$leaks" = 0 ] && ok "no read by anyone shows another's idea before the reveal" || not_ok "ideas leak before the reveal" "$leaks"
DB="$WORK/main/cascade.db"
if [ "$(sqlite3 "$DB" "SELECT author IS NULL FROM ideas WHERE num = 3")" = 1 ] \
   && [ "$(sqlite3 "$DB" "SELECT count(*) FROM events WHERE entity = 'D3' AND actor = ''")" = 1 ] \
   && ! sqlite3 "$DB" .dump | grep -F "$SECRET" | grep -q max; then
    ok "the database keeps no author for the anonymous idea (not in ideas, not in events)"
else not_ok "anonymous in the database" "$(sqlite3 "$DB" "SELECT * FROM ideas; SELECT seq, actor, entity FROM events")"; fi
if ! grep -q "max.*idea\|idea.*max" "$WORK/main.log"; then ok "nor does the server's log"
else not_ok "the log names max with an idea" "$(grep max "$WORK/main.log")"; fi

unchanged "a member may not reveal" "Only a facilitator can reveal the ideas." as mia idea reveal
unchanged "voting before a vote" "There is no vote open" as mia vote D2
unchanged "merging before the reveal" "not revealed yet" as alice idea merge D1 D4
says "the facilitator reveals" 0 "The ideas are revealed" as alice idea reveal
unchanged "revealing twice" "There are no ideas waiting to be revealed." as alice idea reveal
if run 0 as olga --json idea list && [ "$(jq -r '[.ideas[].id] | join(",")' <<<"$out")" = "D1,D2,D3,D4,D5" ] \
   && [ "$(jq -r '.ideas[] | select(.id == "D3") | "\(.author)"' <<<"$out")" = null ]; then
    ok "after the reveal everyone sees every idea, the anonymous one without an author"
else not_ok "revealed list" "$out"; fi

# ---- moderation -----------------------------------------------------------------------
says "merge the duplicate" 0 "D4 is merged into D1" as alice idea merge D1 D4
unchanged "merge into itself" "cannot be merged into itself" as alice idea merge D1 D1
unchanged "merge twice" "merged into D1 already" as alice idea merge D2 D4
unchanged "merge an unknown idea" "There is no idea D9" as alice idea merge D1 D9
says "merge with a malformed id is a usage error" 2 "is not an idea id" as alice idea merge D1 K1
says "hide an idea" 0 "D3 is hidden." as alice idea hide D3
unchanged "a member may not hide" "Only a facilitator can hide ideas." as mia idea hide D5
if run 0 as mia --json idea list && [ "$(jq -r '.ideas[] | select(.id == "D3") | "\(.text) \(.hidden_by)"' <<<"$out")" = "null alice" ]; then
    ok "a hidden idea shows without its text"
else not_ok "hidden idea" "$out"; fi

# ---- the vote -------------------------------------------------------------------------
unchanged "a member may not start a vote" "Only a facilitator can start a vote." as mia vote start
says "vote start with too many dots is a usage error" 2 "--votes is a whole number from 1 to 20." \
    as alice vote start --votes 50
says "vote start with a bad length is a usage error" 2 "--for takes a time like" \
    as alice vote start --for soon
unchanged "max per idea above the budget" "cannot be more than the dots" \
    as alice vote start --votes 2 --max-per-idea 3
says "the facilitator starts a vote" 0 "The vote is open" as alice vote start --votes 3 --max-per-idea 2 --for 1h
unchanged "a second vote while one is open" "is still open" as alice vote start
says "mia votes twice for D2" 0 "You have 1 of your 3 votes left." as mia vote D2 --count 2
unchanged "a third dot on D2 passes the cap" "At most 2 votes per idea in this vote; you have 2 on D2." \
    as mia vote D2
unchanged "beyond the budget" "You have 1 of your 3 votes left." as mia vote D1 --count 2
unchanged "voting for a merged idea" "D4 was merged into D1; vote for D1." as mia vote D4
unchanged "voting for a hidden idea" "D3 is hidden; it takes no votes." as mia vote D3
unchanged "an observer may not vote" "Observers can read but not change" as olga vote D1
says "mia's last dot" 0 "You have 0 of your 3 votes left." as mia vote D1
says "max votes" 0 "You have 1 of your 3 votes left." as max vote D1 --count 2
says "alice votes" 0 "left" as alice vote D5
says "alice takes it back" 0 "You have 3 of your 3 votes left." as alice vote undo D5
unchanged "taking back what is not there" "You have no votes on D5." as alice vote undo D5
says "alice votes again" 0 "left" as alice vote D2
says "vote status says how many voted" 0 "3 people have voted" as max vote status
says "... and one's own dots" 0 "your votes on D1: 2" as max vote status

# Before the reveal, no read by anyone yields a tally: D1 has 3, D2 3, D5 0.
# shows_tally FILE: the output holds a tally (results, or "· N votes").
shows_tally() {
    [ "$(jq -r '.results | length' "$1" 2>/dev/null)" -gt 0 ] 2>/dev/null && return 0
    grep -qE '· [0-9]+ votes?$|^ *[0-9]+\. D[0-9]+ +[0-9]+' "$1"
}
tally_leaks=0
for who in alice mia max olga admin; do
    for cmd in "--json show" "--json idea list" "--json vote status" "vote status" "idea list"; do
        as "$who" $cmd >"$WORK/t" 2>&1
        if shows_tally "$WORK/t"; then
            tally_leaks=$((tally_leaks + 1)); echo "# $who $cmd: $(head -c 400 "$WORK/t")"
        fi
    done
    timeout 3 env XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" --json watch --since 0 --no-resume >"$WORK/t" 2>&1
    if grep '"type":"vote.cast"' "$WORK/t" | grep -q '"D[0-9]'; then
        tally_leaks=$((tally_leaks + 1)); echo "# $who watch names the idea of a vote"
    fi
done
if run 0 as max --json vote status && [ "$(jq -r '.results | length' <<<"$out")" = 0 ] \
   && [ "$(jq -r .voters <<<"$out")" = 3 ] \
   && [ "$(jq -r '[.my_votes[] | "\(.idea):\(.count)"] | join(",")' <<<"$out")" = "D1:2" ]; then
    ok "vote status --json: voters and one's own dots, no results"
else not_ok "vote status --json" "$out"; fi
[ "$tally_leaks" = 0 ] && ok "no read by anyone yields a tally before the reveal" || not_ok "tallies leak" "$tally_leaks"

# ---- a restart keeps ideas, vote and ballots -------------------------------------------
stop_server "$SPID"
start_server main --listen "127.0.0.1:$PORT"
says "after a restart max's dots are still his" 0 "your votes on D1: 2" as max vote status
unchanged "and his budget still counts them" "You have 1 of your 3 votes left." as max vote D5 --count 2

unchanged "a member may not reveal the vote" "Only a facilitator can reveal the vote." as mia vote reveal
if run 0 as alice vote reveal && [ "$(grep -cE '^ *[0-9]+\. ' <<<"$out")" = 3 ] \
   && grep -qE '^ 1\. D1 +3 +Grow in Asia$' <<<"$out" && grep -qE '^ 2\. D2 +3 ' <<<"$out" \
   && grep -qE '^ 3\. D5 +0 ' <<<"$out"; then
    ok "vote reveal: the ideas by dots (ties by number), merged ones counted in"
else not_ok "vote reveal" "$out $err"; fi
if run 0 as olga --json vote status \
   && [ "$(jq -r '[.results[] | "\(.idea)=\(.votes)"] | join(" ")' <<<"$out")" = "D1=3 D2=3 D5=0" ]; then
    ok "after the reveal everyone reads the results"
else not_ok "results for olga" "$out"; fi
as olga --json vote status >"$WORK/t" 2>&1; a=$(shows_tally "$WORK/t" && echo y)
as olga idea list >"$WORK/t" 2>&1; b=$(shows_tally "$WORK/t" && echo y)
[ "$a$b" = yy ] && ok "the same reads, after the reveal, do show the tallies" \
    || not_ok "tally detector after the reveal" "$a $b"
unchanged "voting after the reveal" "There is no vote open" as mia vote D1
unchanged "revealing twice" "is revealed already" as alice vote reveal

# ---- promoting ------------------------------------------------------------------------
says "promote D1 to an objective" 0 O1 as alice idea promote D1 --objective --team T1
unchanged "mia (not of T1) may not promote into O1" "You are not a member of T1" \
    as mia idea promote D2 --kr O1 --from 0 --to 40
says "promote D2 to a key result of O1" 0 K1 as alice idea promote D2 --kr O1 --from 0 --to 40 --title "Win 40 mid-market deals"
unchanged "promote twice" "D1 became O1 already." as alice idea promote D1 --objective --team T1
unchanged "promote a merged idea" "D4 was merged into D1; promote D1." as alice idea promote D4 --objective --team T1
unchanged "promote a hidden idea" "D3 is hidden; it cannot be promoted." as alice idea promote D3 --objective --team T1
says "promote without a target is a usage error" 2 "Promote to an objective" as alice idea promote D5
if run 0 as alice --json show \
   && [ "$(jq -r '.objectives[] | select(.id == "O1") | "\(.title)|\(.from_idea)"' <<<"$out")" = "Grow in Asia|D1" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K1") | "\(.title)|\(.from_idea)"' <<<"$out")" = "Win 40 mid-market deals|D2" ] \
   && [ "$(jq -r '.ideas[] | select(.id == "D1") | .promoted_to' <<<"$out")" = O1 ]; then
    ok "promoted entities keep their idea, and the idea says what it became"
else not_ok "promote links" "$out"; fi
says "show prints the link" 0 "from idea D1" as olga show

# ---- everything is an event -------------------------------------------------------------
timeout 5 env XDG_CONFIG_HOME="$WORK/home-olga" "$CASCADE" --json watch --since 0 --no-resume >"$WORK/history" 2>&1
for t in idea.add idea.reveal idea.merge idea.hide vote.start vote.cast vote.undo vote.reveal objective.add; do
    grep -q "\"type\":\"$t\"" "$WORK/history" && ok "watch --since replays $t" || not_ok "replays $t"
done
seqs=$(jq -r 'select(.seq != null) | .seq' "$WORK/history" | tr '\n' ' ')
n=$(wc -w <<<"$seqs")
[ "$seqs" = "$(seq -s ' ' 1 "$n") " ] && ok "the history is gapless ($n events)" || not_ok "gapless" "$seqs"

finish
