#!/usr/bin/env bash
# The facilitator's housekeeping, through the real `cascade` and `cascaded`
# binaries: who takes part (online or last seen), the invite codes with their
# uses and revoking one (refused at once), letting observers comment,
# restructuring the cascade without losing history (re-aligning, moving a
# key result, switching metric and milestone, editing and removing teams,
# taking someone off a team), removals that name what refers to the entity
# unless forced, and resolving comments. Every change is an event `watch
# --since` replays; every bad input gets one sentence and changes nothing;
# a restart keeps all of it.
# Usage: test_facilitation.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init facilitation "$@"

state() { as alice --json show 2>&1 | sed 's/"seq":[0-9]*,//'; }
# says NAME STATUS TEXT CMD...: the command exits STATUS and prints TEXT.
says() {
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# refused NAME TEXT CMD...: exit 1 with TEXT, and the cascade unchanged.
refused() {
    local name=$1 text=$2; shift 2
    local before; before=$(state)
    says "$name" 1 "$text" "$@"
    if [ "$(state)" = "$before" ]; then ok "$name: nothing changed"
    else not_ok "$name: nothing changed"; fi
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia max olga sam; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Q3 planning" --period 2026-Q3 2>/dev/null)
for cmd in "team add Acme --level company" "team add Sales --parent T1" \
           "team add Support --parent T1" "team add Tier1 --parent T3"; do
    as alice $cmd >/dev/null
done
as alice obj add "Grow revenue" --team T1 >/dev/null                 # O1
as alice kr add O1 "Raise ARR" --from 10 --to 20 --unit M >/dev/null # K1
as alice obj add "Sell more" --team T2 --aligns-to O1 >/dev/null     # O2
as alice kr add O2 "Close deals" --from 0 --to 40 >/dev/null         # K2
as alice obj add "Answer fast" --team T3 >/dev/null                  # O3
as alice kr add O3 "Open help centre" --milestone >/dev/null         # K3
as alice obj add "Close tickets" --team T4 --aligns-to O3 >/dev/null # O4

# ---- invites: listed with their uses, revoked at once ----------------------------
MEM=$(as alice workshop invite --role member --team T2)
OBS=$(as alice workshop invite --role observer --expires never)
SPARE=$(as alice workshop invite --role member)
check "mia joins with the member invite" run 0 as mia join "$MEM"
check "olga joins with the observer invite" run 0 as olga join "$OBS"
if run 0 as alice --json workshop invites \
   && [ "$(jq -r --arg c "$MEM" '.invites[] | select(.code == $c) | "\(.role) \(.team) \(.uses) \(.state)"' <<<"$out")" = "member T2 1 open" ] \
   && [ "$(jq -r --arg c "$OBS" '.invites[] | select(.code == $c) | "\(.role) \(.expires_ms) \(.uses)"' <<<"$out")" = "observer null 1" ] \
   && [ "$(jq -r --arg c "$SPARE" '.invites[] | select(.code == $c) | .uses' <<<"$out")" = 0 ] \
   && [ "$(jq -r '.invites[0].code' <<<"$out")" = "$SPARE" ]; then
    ok "workshop invites lists role, team, expiry and uses, newest first"
else not_ok "workshop invites --json" "$out $err"; fi
says "workshop invites prints a table" 0 "CODE" as alice workshop invites
says "a member may not list invites" 1 "Only a facilitator can list the invites." \
    as mia workshop invites
says "a member may not revoke" 1 "Only a facilitator can revoke invites." \
    as mia workshop revoke "$SPARE"
says "workshop revoke revokes" 0 "Revoked $SPARE; it admits nobody now." \
    as alice workshop revoke "$SPARE"
says "a revoked code admits nobody" 1 "The invite code $SPARE was revoked" as max join "$SPARE"
says "revoking twice says so" 1 "is revoked already" as alice workshop revoke "$SPARE"
says "an unknown code cannot be revoked" 1 "has no invite code 'NOPE'" \
    as alice workshop revoke NOPE
says "the workshop's own code is no invite" 1 "has no invite code" \
    as alice workshop revoke "$CODE"
if run 0 as alice --json workshop invites \
   && [ "$(jq -r --arg c "$SPARE" '.invites[] | select(.code == $c) | .state' <<<"$out")" = revoked ]; then
    ok "the list shows the code revoked"
else not_ok "revoked in the list" "$out"; fi

# ---- participants -------------------------------------------------------------------
XDG_CONFIG_HOME="$WORK/home-mia" "$CASCADE" watch >"$WORK/mia-watch" 2>&1 &
WATCH=$!
PIDS+=("$WATCH")
for _ in $(seq 1 100); do as alice who 2>/dev/null | grep -q mia && break; sleep 0.05; done
if run 0 as alice --json participants \
   && [ "$(jq -r '.participants[] | select(.user == "mia") | "\(.role) \(.teams | join(",")) \(.online)"' <<<"$out")" = "member T2 true" ] \
   && [ "$(jq -r '.participants[] | select(.user == "olga") | "\(.role) \(.online) \(.last_seen_ms)"' <<<"$out")" = "observer false null" ] \
   && [ "$(jq -r '.participants[] | select(.user == "alice") | .role' <<<"$out")" = facilitator ] \
   && [ "$(jq -r '.participants | length' <<<"$out")" = 3 ]; then
    ok "participants: role, teams, online, never seen"
else not_ok "participants --json" "$out $err"; fi
says "participants prints who is online" 0 "online now" as olga participants
kill "$WATCH"; wait "$WATCH" 2>/dev/null
for _ in $(seq 1 100); do as alice who 2>/dev/null | grep -q mia || break; sleep 0.05; done
if run 0 as alice --json participants \
   && seen=$(jq -r '.participants[] | select(.user == "mia") | "\(.online) \(.last_seen_ms)"' <<<"$out") \
   && [[ "$seen" =~ ^false\ ([0-9]+)$ ]] \
   && [ $(( $(date +%s) - ${BASH_REMATCH[1]} / 1000 )) -lt 60 ]; then
    ok "participants: last seen when the watch ended"
else not_ok "last seen" "$out"; fi

# ---- observers may comment when the facilitator says so ----------------------------
refused "an observer may not comment by default" "Observers can read but not change" \
    as olga comment O1 "Why ARR?"
says "a member may not change settings" 1 "Only a facilitator can change the workshop's settings." \
    as mia workshop set observer-comments on
says "an unknown setting is refused" 1 "'colour' is not a workshop setting" \
    as alice workshop set colour on
says "a bad value is refused" 1 "observer-comments is on or off, not 'maybe'" \
    as alice workshop set observer-comments maybe
says "workshop set observer-comments on" 0 "observer-comments is on in $CODE." \
    as alice workshop set observer-comments on
says "the observer comments" 0 C1 as olga comment O1 "Why ARR?"
refused "the observer still may not edit" "Observers can read but not change" \
    as olga obj edit O1 --title Nope

# ---- restructuring -------------------------------------------------------------------
refused "re-aligning into a cycle" "sits below it in the cascade, which would make a cycle" \
    as alice obj edit O3 --aligns-to O4
refused "re-aligning to a lower level" "can only align to one of a higher level" \
    as alice obj edit O2 --aligns-to O4
says "aligning and inheriting at once is a usage error" 2 "not both" \
    as alice obj edit O2 --aligns-to O1 --inherits K1
says "O2 inherits K1 instead" 0 "Updated O2." as alice obj edit O2 --inherits K1
if run 0 as alice --json show \
   && [ "$(jq -r '.objectives[] | select(.id == "O2") | "\(.aligns_to) \(.inherits)"' <<<"$out")" = "null K1" ]; then
    ok "inheriting cleared the alignment"
else not_ok "O2 inherits K1" "$(jq -c '.objectives[] | select(.id == "O2")' <<<"$out")"; fi
says "mia (of T2 only) may not move O2 to T3" 1 "You are not a member of T3" \
    as mia obj edit O2 --team T3
says "O4 moves to Support (T3)? refused: it aligns to O3 of T3" 1 "can only align to one of a higher level" \
    as alice obj edit O4 --team T3
says "kr move K2 under O1" 0 "Moved K2 under O1." as alice kr move K2 O1
refused "kr move into a cycle" "which would make a cycle" as alice kr move K1 O2
refused "kr move to an unknown objective" "There is no objective O99" as alice kr move K1 O99
says "kr move with a malformed id is a usage error" 2 "is not an objective id" as alice kr move K1 X
says "kr edit --metric without a range is a usage error" 2 "A --metric needs --from X --to Y." \
    as alice kr edit K3 --metric
says "K3 becomes a metric" 0 "Updated K3." as alice kr edit K3 --metric --from 0 --to 5
says "K1 becomes a milestone" 0 "Updated K1." as alice kr edit K1 --milestone
if run 0 as alice --json show \
   && [ "$(jq -r '.key_results[] | select(.id == "K3") | "\(.kind) \(.start) \(.target) \(.current)"' <<<"$out")" = "metric 0 5 0" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K1") | "\(.kind) \(.done)"' <<<"$out")" = "milestone false" ] \
   && [ "$(jq -r '.key_results[] | select(.id == "K2") | .objective' <<<"$out")" = O1 ]; then
    ok "show has the moves and switches"
else not_ok "show after restructuring" "$out"; fi
says "team edit renames" 0 "Updated T3." as alice team edit T3 --name "Customer Care"
refused "team edit into a cycle" "which would make a cycle" as alice team edit T1 --parent T4
refused "team edit below its sub-team's level" "its sub-team T4 is a team" \
    as alice team edit T3 --level team
says "team edit with a bad level is a usage error" 2 "--level must be" as alice team edit T3 --level huge
refused "team rm of a team with objectives" "T2 still has objectives (O2)" as alice team rm T2
says "team add a spare" 0 T5 as alice team add Spare --parent T1
as alice team member add T5 mia >/dev/null
says "team rm of an empty team" 0 "Removed T5." as alice team rm T5
says "team member rm" 0 "mia is no longer a member of T2." as alice team member rm T2 mia
refused "mia can no longer edit T2" "You are not a member of T2" as mia obj edit O2 --title Hm
says "team member rm of a non-member" 1 "mia is not a member of T2." as alice team member rm T2 mia

# ---- removals name what refers to them ---------------------------------------------
as alice comment K1 "Is it still a metric?" >/dev/null # C2
as alice dep add K3 K1 >/dev/null
refused "kr rm of a referred key result" "K1 is referred to by O2 (inheriting it); K3 (depending on it); C2 (comments on it)" \
    as alice kr rm K1
refused "obj rm of a referred objective" "O3 is referred to by O4 (aligned to it)" as alice obj rm O3
if run 0 as alice kr rm K1 --force \
   && [ "$out" = "Removed K1.
Also removed C2. The dependencies of K3 on it went. O2 no longer sits under anything." ]; then
    ok "kr rm --force says what else went"
else not_ok "kr rm --force" "$out $err"; fi
if run 0 as alice --json show \
   && [ "$(jq -r '.objectives[] | select(.id == "O2") | .inherits' <<<"$out")" = null ] \
   && [ "$(jq -r '.dependencies | length' <<<"$out")" = 0 ] \
   && [ "$(jq -r '[.comments[].id] | join(",")' <<<"$out")" = C1 ]; then
    ok "the forced removal unlinked O2 and took the comment and dependency"
else not_ok "after kr rm --force" "$out"; fi
if run 0 as alice --json obj rm O3 --force \
   && [ "$(jq -r .note <<<"$out")" = "O4 no longer sits under anything." ]; then
    ok "obj rm --force --json carries the note"
else not_ok "obj rm --force --json" "$out $err"; fi

# ---- comments: listed, resolved, reopened -------------------------------------------
as mia comment O2 "Who owns this?" >/dev/null # C3
says "comment resolve by someone outside the team" 1 "You are not a member of T1" \
    as mia comment resolve C1
says "comment resolve" 0 "Resolved C1." as alice comment resolve C1
says "resolving twice says so" 1 "C1 is resolved already (by alice)." as alice comment resolve C1
says "its author resolves her own" 0 "Resolved C3." as mia comment resolve C3
says "comment resolve --reopen" 0 "Reopened C3." as mia comment resolve C3 --reopen
says "resolving an unknown comment" 1 "There is no comment C42" as alice comment resolve C42
if run 0 as alice --json comment list \
   && [ "$(jq -r '[.comments[] | "\(.id):\(.resolved)"] | join(" ")' <<<"$out")" = "C3:false C1:true" ] \
   && [ "$(jq -r '.comments[1].resolved_by' <<<"$out")" = alice ]; then
    ok "comment list: open first, who resolved"
else not_ok "comment list --json" "$out $err"; fi
says "comment list O1" 0 "resolved by alice" as alice comment list O1
says "comment list of an objective with none" 0 "No comments on O4." as alice comment list O4
says "comment list with a bad target" 2 "List the comments on an objective or key result" \
    as alice comment list T1

# ---- everything is an event ----------------------------------------------------------
XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" --json watch --since 0 >"$WORK/history" 2>&1 &
HW=$!
PIDS+=("$HW")
for _ in $(seq 1 100); do grep -q comment.reopen "$WORK/history" && break; sleep 0.05; done
kill "$HW" 2>/dev/null; wait "$HW" 2>/dev/null
for t in invite.revoke workshop.set objective.edit kr.edit team.edit team.remove \
         team.member_remove kr.remove objective.remove comment.resolve comment.reopen; do
    if grep -q "\"type\":\"$t\"" "$WORK/history"; then ok "watch --since replays $t"
    else not_ok "watch --since replays $t" "$(tail -3 "$WORK/history")"; fi
done
seqs=$(jq -r 'select(.seq != null) | .seq' "$WORK/history" 2>/dev/null | tr '\n' ' ')
n=$(wc -w <<<"$seqs")
if [ "$n" -gt 30 ] && [ "$seqs" = "$(seq -s ' ' 1 "$n") " ]; then
    ok "the history is gapless ($n events)"
else not_ok "gapless history" "$seqs"; fi

# ---- a restart keeps all of it --------------------------------------------------------
before=$(state)
before_people=$(as alice --json participants | jq -c '[.participants[] | {user, role, teams, last_seen_ms}]')
stop_server "$SPID"
start_server main --listen "127.0.0.1:$PORT"
if [ "$(state)" = "$before" ]; then ok "the cascade is the same after a restart"
else not_ok "state after restart" "$(diff <(echo "$before") <(state))"; fi
if [ "$(as alice --json participants | jq -c '[.participants[] | {user, role, teams, last_seen_ms}]')" = "$before_people" ]; then
    ok "participants, teams and last seen survive the restart"
else not_ok "participants after restart" "$before_people"; fi
says "the revoked code stays revoked" 1 "was revoked" as sam join "$SPARE"
says "observers still may comment" 0 C4 as olga comment O1 "Still there?"
says "workshop set observer-comments off" 0 "observer-comments is off" \
    as alice workshop set observer-comments off
refused "and then they may not" "Observers can read but not change" as olga comment O1 "Again?"
DB="$WORK/main/cascade.db"
if [ "$(sqlite3 "$DB" "SELECT uses, revoked_ms > 0 FROM invites WHERE code = '$SPARE'")" = "0|1" ] \
   && [ "$(sqlite3 "$DB" "SELECT count(*) FROM team_members tm JOIN workshops w ON w.id = tm.workshop_id WHERE tm.team = 5")" = 0 ]; then
    ok "the database has the revocation and no members of the removed team"
else not_ok "database rows" "$(sqlite3 "$DB" "SELECT * FROM invites")"; fi

finish
