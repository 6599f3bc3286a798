#!/usr/bin/env bash
# The retrospective, through the real `cascade` and `cascaded` binaries:
# members and a facilitator add cards of the four kinds (one about an
# objective); everyone sees them at once, while a brainstorm idea added
# beside them stays its author's until its reveal; observers add cards only
# when observer-comments is on; a duplicate card is merged; a dot vote on the
# cards (vote start --retro) with a budget and a per-card cap, whose tallies
# no read by anyone shows before the reveal; a restart keeps cards, vote and
# dots; after the reveal the report orders each kind by votes, then by
# number; a plain vote afterwards takes the ideas only. Every bad input gets
# one sentence and changes nothing.
# Usage: test_retro.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init retro "$@"

says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
seq_now() { as alice --json show | jq -r .workshop.seq; }
unchanged() { # unchanged NAME TEXT CMD...: exits 1 with TEXT, the seq stays
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
CODE=$(as alice workshop create "Q3 review" --period 2026-Q3 2>/dev/null)
as alice team add Acme --level company >/dev/null
as alice team add Sales --parent T1 >/dev/null
as alice obj add "Grow revenue" --team T1 >/dev/null
as mia join "$CODE" >/dev/null
as max join "$CODE" >/dev/null
as olga join "$(as alice workshop invite --role observer)" >/dev/null
export CASCADE_WORKSHOP=$CODE

# ---- cards ------------------------------------------------------------------------------
says "alice adds a continue card" 0 D1 as alice retro add continue "Weekly check-ins"
says "mia adds a start card about O1" 0 D2 as mia retro add start "Pair on key results" --on O1
says "max adds a stop card" 0 D3 as max retro add stop "Status meetings"
says "mia adds a change card" 0 D4 as mia retro add change "Shorter agenda"
says "max adds a duplicate" 0 D5 as max retro add continue "Weekly check-ins!"
says "max adds another start card" 0 D6 as max retro add start "Demo days"
SECRET="Grow in Asia quietly"
says "alice adds a brainstorm idea beside them" 0 D7 as alice idea add "$SECRET"
says "an unknown kind is a usage error" 2 "continue, change, stop or start" as mia retro add maybe "Hm"
says "no text is a usage error" 2 "Give the card's text" as mia retro add start
says "--on with a key result id is a usage error" 2 "is not an objective id" as mia retro add start X --on K1
unchanged "an empty card is refused" "empty" as mia retro add start ""
unchanged "a card on an unknown objective" "There is no objective O9 in this workshop." \
    as mia retro add start "Hm" --on O9
LONG=$(head -c 300 /dev/zero | tr '\0' x)
unchanged "a card over the title limit" "the limit is 200" as mia retro add start "$LONG"
unchanged "an observer may not add cards" "Observers can read but not change" \
    as olga retro add stop "Long meetings"
as alice workshop set observer-comments on >/dev/null 2>&1
says "with observer-comments on, an observer may" 0 D8 as olga retro add start "Invite observers early"
as alice workshop set observer-comments off >/dev/null 2>&1

if run 0 as max --json retro list \
   && [ "$(jq -r '[.cards[].id] | join(",")' <<<"$out")" = "D1,D2,D3,D4,D5,D6,D8" ] \
   && [ "$(jq -r '.cards[] | select(.id == "D2") | "\(.retro) \(.on) \(.author) \(.text)"' <<<"$out")" = "start O1 mia Pair on key results" ] \
   && [ "$(jq -r '.cards[] | select(.id == "D1") | "\(.on) \(.votes)"' <<<"$out")" = "null null" ]; then
    ok "cards are seen by everyone at once, with kind, author and objective"
else not_ok "retro list --json" "$out"; fi
says "retro list shows the objective" 0 "D2 start    Pair on key results (mia) · on O1" as olga retro list
if run 0 as mia --json idea list && [ "$(jq -r '[.ideas[].id] | join(",")' <<<"$out")" = "" ] \
   && [ "$(jq -r .unrevealed <<<"$out")" = 1 ]; then
    ok "idea list leaves the cards out, and alice's idea stays hers"
else not_ok "idea list beside cards" "$out"; fi
leaks=0
for who in mia max olga; do
    for cmd in "--json retro list" "retro" "--json show"; do
        as "$who" $cmd 2>&1 | grep -qF "$SECRET" && { leaks=$((leaks + 1)); echo "# $who $cmd"; }
    done
done
[ "$leaks" = 0 ] && ok "the cards do not carry the unrevealed idea to anyone" || not_ok "idea leaks" "$leaks"
if run 0 as mia --json show && [ "$(jq -r '[.ideas[] | select(.retro == "start") | .id] | join(",")' <<<"$out")" = "D2,D6,D8" ] \
   && [ "$(jq -r '[.ideas[] | select(.retro == null)] | length' <<<"$out")" = 0 ]; then
    ok "show --json carries the cards with their kind"
else not_ok "show --json cards" "$out"; fi

# ---- moderation -------------------------------------------------------------------------
says "the facilitator merges the duplicate" 0 "D5 is merged into D1" as alice idea merge D1 D5
says "the facilitator reveals the ideas" 0 "revealed" as alice idea reveal
unchanged "a card and an idea do not merge" "are of different kinds" as alice idea merge D1 D7

# ---- a vote on the cards ------------------------------------------------------------------
unchanged "a member may not start a retro vote" "Only a facilitator can start a vote." \
    as mia vote start --retro
says "the facilitator opens a retro vote" 0 "The vote is open" \
    as alice vote start --retro --votes 3 --max-per-idea 2
says "vote status says it is on the cards" 0 "(on the retrospective's cards)" as mia vote status
unchanged "an idea takes no dots in a retro vote" "D7 is a brainstorm idea; this vote is on the retrospective's cards." \
    as mia vote D7
unchanged "a merged card passes its dots on" "D5 was merged into D1; vote for D1." as max vote D5
says "mia: two on D2" 0 "You have 1 of your 3 votes left." as mia vote D2 --count 2
unchanged "mia: a third on D2 passes the cap" "At most 2 votes per idea" as mia vote D2
says "mia: one on D3" 0 "You have 0 of your 3 votes left." as mia vote D3
unchanged "mia: past the budget" "You have 0 of your 3 votes left." as mia vote D4
says "max: two on D6" 0 "left" as max vote D6 --count 2
says "max: one on D1" 0 "You have 0 of your 3 votes left." as max vote D1
says "alice: one on D6" 0 "left" as alice vote D6
says "alice: two on D4" 0 "You have 0 of your 3 votes left." as alice vote D4 --count 2
unchanged "an observer may not vote" "Observers can read but not change" as olga vote D1

# Before the reveal, nobody reads a tally: not in the report, the list,
# the vote's status, show or the event history.
shows_tally() {
    jq -e '[.. | objects | select(has("id") and has("votes")) | .votes | numbers] | length > 0' "$1" >/dev/null 2>&1 && return 0
    [ "$(jq -r '.results | length' "$1" 2>/dev/null)" -gt 0 ] 2>/dev/null && return 0
    grep -qE '· [0-9]+ votes?$|^ *[0-9]+\. D[0-9]+ +[0-9]+' "$1"
}
tally_leaks=0
for who in alice mia max olga admin; do
    for cmd in "--json retro" "retro" "--json retro list" "retro list" "--json vote status" \
               "vote status" "--json show"; do
        as "$who" $cmd >"$WORK/t" 2>&1
        if shows_tally "$WORK/t"; then
            tally_leaks=$((tally_leaks + 1)); echo "# $who $cmd: $(head -c 300 "$WORK/t")"
        fi
    done
    timeout 3 env XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" --json watch --since 0 --no-resume >"$WORK/t" 2>&1
    grep '"type":"vote.cast"' "$WORK/t" | grep -q '"D[0-9]' && { tally_leaks=$((tally_leaks + 1)); echo "# $who watch"; }
done
[ "$tally_leaks" = 0 ] && ok "no read by anyone yields a tally before the reveal" || not_ok "tallies leak" "$tally_leaks"
if run 0 as mia --json retro && [ "$(jq -r '[.start[].id] | join(",")' <<<"$out")" = "D2,D6,D8" ] \
   && [ "$(jq -r .votes_revealed <<<"$out")" = false ]; then
    ok "before the reveal the report is in number order"
else not_ok "report before the reveal" "$out"; fi

# ---- a restart keeps cards, vote and dots ------------------------------------------------
stop_server "$SPID"
start_server main --listen "127.0.0.1:$PORT"
says "after a restart mia's dots are hers" 0 "your votes on D2: 2" as mia vote status
unchanged "and her budget still counts them" "You have 0 of your 3 votes left." as mia vote D6
says "the cards are back" 0 "D2 start    Pair on key results (mia) · on O1" as max retro list

says "the facilitator reveals the vote" 0 "D6" as alice vote reveal
if run 0 as olga --json retro \
   && [ "$(jq -r '[.continue[] | "\(.id)=\(.votes)"] | join(" ")' <<<"$out")" = "D1=1" ] \
   && [ "$(jq -r '[.change[] | "\(.id)=\(.votes)"] | join(" ")' <<<"$out")" = "D4=2" ] \
   && [ "$(jq -r '[.stop[] | "\(.id)=\(.votes)"] | join(" ")' <<<"$out")" = "D3=1" ] \
   && [ "$(jq -r '[.start[] | "\(.id)=\(.votes)"] | join(" ")' <<<"$out")" = "D6=3 D2=2 D8=0" ] \
   && [ "$(jq -r .votes_revealed <<<"$out")" = true ]; then
    ok "after the reveal: each kind by votes, then by number, merged dots counted in"
else not_ok "report after the reveal" "$out"; fi
if run 0 as mia retro && [ "$(sed -n 1p <<<"$out")" = "Continue (1)" ] \
   && grep -qxF "  D6 Demo days (max) · 3 votes" <<<"$out" \
   && [ "$(grep -n "D6 Demo" <<<"$out" | cut -d: -f1)" -lt "$(grep -n "D2 Pair" <<<"$out" | cut -d: -f1)" ]; then
    ok "the report in text: groups in order, most votes first"
else not_ok "retro report text" "$out"; fi

# ---- a plain vote takes the ideas only ------------------------------------------------------
says "a plain vote opens on the ideas" 0 "The vote is open" as alice vote start
unchanged "a card takes no dots in a plain vote" "D1 is a retrospective card; this vote is on the brainstorm's ideas." \
    as mia vote D1
says "the idea does" 0 "left" as mia vote D7

# ---- a start card becomes next period's objective ------------------------------------------
says "a start card is promoted to an objective" 0 O2 as alice idea promote D6 --objective --team T1
if run 0 as mia --json show \
   && [ "$(jq -r '.objectives[] | select(.id == "O2") | "\(.title)|\(.from_idea)"' <<<"$out")" = "Demo days|D6" ]; then
    ok "the objective keeps its card"
else not_ok "promoted card" "$out"; fi

# ---- everything is an event -----------------------------------------------------------------
timeout 5 env XDG_CONFIG_HOME="$WORK/home-olga" "$CASCADE" --json watch --since 0 --no-resume >"$WORK/history" 2>&1
if grep '"type":"retro.add"' "$WORK/history" | grep -q "Pair on key results"; then
    ok "watch --since replays retro.add with its text"
else not_ok "retro.add replay" "$(head -c 600 "$WORK/history")"; fi
[ "$(grep -c '"type":"retro.add"' "$WORK/history")" = 7 ] && ok "one retro.add per card" || not_ok "retro.add count"
timeout 5 env XDG_CONFIG_HOME="$WORK/home-olga" "$CASCADE" watch --since 0 --no-resume >"$WORK/history.txt" 2>&1
grep -q "retro.add D2.*Pair on key results" "$WORK/history.txt" && ok "watch prints the card" \
    || not_ok "watch text" "$(grep retro "$WORK/history.txt" | head -3)"

finish
