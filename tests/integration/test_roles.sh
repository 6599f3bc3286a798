#!/usr/bin/env bash
# Roles in a workshop, through the real `cascade` and `cascaded` binaries: a
# facilitator builds two teams, invites an observer and a member of T2, and
# a stranger stays outside. Each of them tries every editing command where
# they may not, and is refused with exit 1 and the reason, leaving the
# cascade byte-identical; the member edits their own team and comments
# anywhere; a promotion widens what they may do; a kick ends the kicked
# user's watch and keeps them out until they are invited again.
# Usage: test_roles.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init roles "$@"

show_json() { as alice --json show 2>&1; }
# says NAME STATUS TEXT CMD...: the command exits STATUS and prints TEXT
# (stdout or stderr) somewhere.
says() {
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
MAIN_PORT=$PORT
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice olga mike sam pete; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    check "$u logs in" run 0 as "$u" login --user "$u" <<<"pw-$u-0123456789"
done

# ---- the facilitator builds T1 and T2 --------------------------------------------
CODE=$(as alice workshop create "Roles" --period 2026-Q3 2>/dev/null)
build() { # build NAME EXPECTED_ID CMD...: a creating command prints just the new id
    local name=$1 want=$2; shift 2
    if run 0 "$@" && [ "$out" = "$want" ]; then ok "$name prints $want"
    else not_ok "$name prints $want" "$status $out $err"; fi
}
build "alice adds T1" T1 as alice team add Acme --level company
build "alice adds T2" T2 as alice team add Support --parent T1 --level department
build "alice adds T1's objective" O1 as alice obj add "Grow revenue" --team T1
build "alice adds K1" K1 as alice kr add O1 "Raise ARR" --from 0 --to 100
build "alice adds K2" K2 as alice kr add O1 "Open Berlin" --milestone
build "alice adds an initiative" I1 as alice init add K1 "Hire sales"
build "alice adds T2's objective" O2 as alice obj add "Answer fast" --team T2
build "alice adds K3" K3 as alice kr add O2 "Cut response time" --from 72 --to 24

if run 0 as alice workshop invite --role observer && [[ "$out" =~ ^[A-Z0-9]{10}$ ]]; then
    OBS_CODE=$out; ok "workshop invite prints just the code ($OBS_CODE)"
else not_ok "workshop invite prints just the code" "$out $err"; OBS_CODE=NONE; fi
if run 0 as alice --json workshop invite --role member --team T2 \
   && [[ "$out" =~ ^\{\"code\":\"([A-Z0-9]{10})\",\"role\":\"member\",\"team\":\"T2\",\"expires_ms\":([0-9]+)\}$ ]] \
   && week=$(( ${BASH_REMATCH[2]} / 1000 - $(date +%s) )) && [ "$week" -gt 604000 ] && [ "$week" -le 604800 ]; then
    MEM_CODE=${BASH_REMATCH[1]}; ok "workshop invite --json prints the code, role, team and an expiry a week away"
else not_ok "workshop invite --json" "$out $err"; MEM_CODE=NONE; fi
check "invite without a role is a usage error (exit 2)" run 2 as alice workshop invite
for bad in 0d 7 7w -1h 367d 1.5h ""; do
    says "invite --expires '$bad' is a usage error" 2 "--expires takes a time like 90m, 12h or 7d" \
        as alice workshop invite --role member --expires "$bad"
done
if run 0 as alice --json workshop invite --role observer --expires never \
   && [[ "$out" =~ \"expires_ms\":null ]]; then
    NEVER_CODE=$(sed 's/.*"code":"\([A-Z0-9]*\)".*/\1/' <<<"$out"); ok "an invite can be made never to expire"
else not_ok "invite --expires never" "$out $err"; NEVER_CODE=NONE; fi
if run 0 as alice workshop invite --role member --expires 1s; then
    SHORT_CODE=$out
    expired=0
    # Waits (bounded) until the code has expired: pete joins with it while
    # it is good (again and again, which changes nothing), and is refused
    # once it is not.
    for _ in $(seq 1 100); do
        if run 1 as pete join "$SHORT_CODE"; then expired=1; break; fi
        sleep 0.1
    done
    if [ "$expired" = 1 ] && grep -q "The invite code $SHORT_CODE expired on [0-9-]* [0-9:]* UTC; ask a facilitator of the workshop for a new one." <<<"$err" \
       && run 1 as sam join "$SHORT_CODE" && run 1 as sam -w "$CODE" show; then
        ok "an expired invite is refused, saying when it expired, and admits nobody"
    else not_ok "an expired invite is refused" "$status $err"; fi
else not_ok "invite --expires 1s" "$status $err"; fi
check "invite as facilitator is a usage error (exit 2)" run 2 as alice workshop invite --role facilitator
says "invite to an unknown team is refused" 1 "There is no team 'T9'" as alice workshop invite --role member --team T9
says "olga joins with the observer invite" 0 "as observer" as olga join "$OBS_CODE"
says "mike joins with the member invite for T2" 0 "as member" as mike join "$MEM_CODE"
if run 0 as alice show && grep -q "^  T2 Support \[department\] · mike$" <<<"$out"; then
    ok "show lists T2's members"
else not_ok "show lists T2's members" "$out $err"; fi
if run 0 as alice --json show && grep -qF '{"id":"T2","name":"Support","parent":"T1","level":"department","members":["mike"]' <<<"$out" \
   && grep -qF '{"id":"T1","name":"Acme","parent":null,"level":"company"}' <<<"$out"; then
    ok "show --json adds members to teams that have some"
else not_ok "show --json adds members" "$out $err"; fi

# ---- every editing command, refused ----------------------------------------------
OBSERVER="Observers can read but not change the cascade."
NOT_T1="You are not a member of T1; ask a facilitator to add you with 'cascade team member add T1 mike'."
STRANGER="You have not joined workshop $CODE; run 'cascade join $CODE' first."
BASELINE=$(show_json)
try_all() { # try_all USER MESSAGE: every edit of T1's OKRs, refused with MESSAGE
    local u=$1 m=$2
    says "$u: obj add to T1 is refused" 1 "$m" as "$u" -w "$CODE" obj add "X" --team T1
    says "$u: obj edit is refused" 1 "$m" as "$u" -w "$CODE" obj edit O1 --title "X"
    says "$u: obj check is refused" 1 "$m" as "$u" -w "$CODE" obj check O1 --necessary yes
    says "$u: obj rm is refused" 1 "$m" as "$u" -w "$CODE" obj rm O1
    says "$u: kr add is refused" 1 "$m" as "$u" -w "$CODE" kr add O1 "X" --from 0 --to 1
    says "$u: kr edit is refused" 1 "$m" as "$u" -w "$CODE" kr edit K1 --to 5
    says "$u: kr set is refused" 1 "$m" as "$u" -w "$CODE" kr set K1 3
    says "$u: kr rm is refused" 1 "$m" as "$u" -w "$CODE" kr rm K1
    says "$u: checkin is refused" 1 "$m" as "$u" -w "$CODE" checkin K1 --value 2 --note "x"
    says "$u: init add is refused" 1 "$m" as "$u" -w "$CODE" init add K1 "X"
    says "$u: init done is refused" 1 "$m" as "$u" -w "$CODE" init done I1
    says "$u: dep add is refused" 1 "$m" as "$u" -w "$CODE" dep add K1 K3
}
for u in olga sam; do
    try_all "$u" "$([ $u = olga ] && echo "$OBSERVER" || echo "$STRANGER")"
done
try_all mike "$NOT_T1"
says "olga: team add is refused" 1 "Only a facilitator can add teams." as olga team add X
says "mike: team add is refused" 1 "Only a facilitator can add teams." as mike team add X
says "sam: team add is refused" 1 "$STRANGER" as sam -w "$CODE" team add X
says "olga: comment is refused" 1 "$OBSERVER" as olga comment O1 "x"
says "sam: comment is refused" 1 "$STRANGER" as sam -w "$CODE" comment O1 "x"
says "olga: an edit of T2 is refused too" 1 "$OBSERVER" as olga kr set K3 50
says "mike: invite is refused" 1 "Only a facilitator can invite people." as mike workshop invite --role member
says "mike: role set is refused" 1 "Only a facilitator can change roles." as mike role set mike facilitator
says "mike: team member add is refused" 1 "Only a facilitator can add members to teams." as mike team member add T1 mike
says "olga: kick is refused" 1 "Only a facilitator can remove people from the workshop." as olga kick mike
says "sam: show is refused" 1 "$STRANGER" as sam -w "$CODE" show
check "olga may read: show" run 0 as olga show
check "an unknown key result is still NOT_FOUND for a member" eval 'run 1 as mike kr set K99 1 && grep -q K99 <<<"$err"'
if [ "$(show_json)" = "$BASELINE" ]; then ok "show --json is byte-identical after every refusal"
else not_ok "show --json is byte-identical after every refusal" "$(show_json)"; fi

# ---- what a member may do --------------------------------------------------------
says "mike sets T2's K3" 0 "Updated K3." as mike kr set K3 50
says "mike adds an objective to T2" 0 "O3" as mike obj add "Happy callers" --team T2
says "mike checks in on K3" 0 "Checked in K3." as mike checkin K3 --value 40
says "mike makes K3 depend on T1's K1" 0 "K3 now depends on K1." as mike dep add K3 K1
says "mike comments on T1's O1" 0 "C1" as mike comment O1 "Is this ambitious enough?"
says "alice comments too" 0 "C2" as alice comment O1 "Yes: 0.7 would be a win."
says "mike cannot remove alice's comment" 1 "Only alice, who wrote it, or a facilitator can remove C2." \
    as mike comment rm C2
says "olga, an observer, cannot remove a comment" 1 "$OBSERVER" as olga comment rm C1
says "an unknown comment" 1 "There is no comment C9 in this workshop." as mike comment rm C9
check "comment rm takes a comment id (exit 2)" run 2 as mike comment rm K1
says "mike takes his comment back" 0 "Removed C1." as mike comment rm C1
# The owner of a key result reports on it wherever its team is; editing it
# stays with its team.
says "alice makes mike the owner of T1's K1" 0 "Updated K1." as alice kr edit K1 --owner mike
says "mike, its owner, checks in on K1 in T1" 0 "Checked in K1." as mike checkin K1 --value 20 --confidence 0.6
says "... and sets it" 0 "Updated K1." as mike kr set K1 25
says "owning K1 does not let mike edit it" 1 "$NOT_T1" as mike kr edit K1 --to 500
says "nor check in on T1's other key results" 1 "$NOT_T1" as mike checkin K2 --done
check "the comment is gone from show" eval '! show_json | grep -q "ambitious"'
says "a facilitator removes anyone's" 0 "Removed C2." as alice comment rm C2
says "the administrator edits a workshop they never joined" 0 "Updated K1." as admin -w "$CODE" kr set K1 10

# ---- roles and team membership ---------------------------------------------------
says "the last facilitator cannot step down" 1 "alice is the last facilitator" as alice role set alice member
says "role set of a stranger is refused" 1 "'sam' is not a participant" as alice role set sam member
check "role set with an unknown role is a usage error (exit 2)" run 2 as alice role set mike boss
says "team member add of a stranger is refused" 1 "'sam' is not a participant" as alice team member add T1 sam
says "alice promotes mike" 0 "mike is now facilitator" as alice role set mike facilitator
says "mike, now facilitator, edits T1" 0 "Updated K1." as mike kr set K1 20
says "alice steps down once mike facilitates" 0 "alice is now member" as alice role set alice member
says "mike gives the facilitator role back" 0 "alice is now facilitator" as mike role set alice facilitator
says "olga becomes a member" 0 "olga is now member" as alice role set olga member
says "olga, a member of no team, still cannot edit T1" 1 "You are not a member of T1" as olga kr set K1 5
says "alice adds olga to T1" 0 "olga is now a member of T1." as alice team member add T1 olga
says "olga edits T1 now" 0 "Updated K1." as olga kr set K1 30

# ---- kick ----------------------------------------------------------------------------
XDG_CONFIG_HOME="$WORK/home-olga" "$CASCADE" --json watch >"$WORK/watch" 2>"$WORK/watch.err" &
WPID=$!; PIDS+=("$WPID")
for _ in $(seq 1 250); do grep -q '"change":"join","user":"olga"\|olga' "$WORK/watch" 2>/dev/null && break; sleep 0.02; done
sleep 0.3
says "alice kicks olga" 0 "Removed olga" as alice kick olga
for _ in $(seq 1 500); do kill -0 "$WPID" 2>/dev/null || break; sleep 0.02; done
kill -9 "$WPID" 2>/dev/null; wait "$WPID"; st=$?
if [ "$st" -eq 1 ]; then ok "the kick ends olga's watch, which cannot resume (exit 1)"
else not_ok "the kick ends olga's watch (exit $st)" "$(cat "$WORK/watch.err")"; fi
check "the kicked watch says why, not a bare end" \
    grep -q "You were removed from workshop $CODE by alice" "$WORK/watch.err"
says "olga cannot show the workshop any more" 1 "You have not joined workshop $CODE" as olga show
says "olga cannot rejoin with the workshop's code" 1 "You were removed from this workshop; ask a facilitator for an invite." as olga join "$CODE"
if run 0 as alice --json show && ! grep -q '"olga"' <<<"$out"; then ok "the kick ended olga's team memberships"
else not_ok "the kick ended olga's team memberships" "$out"; fi
says "alice makes mike a member again" 0 "mike is now member" as alice role set mike member
says "the last facilitator cannot be kicked" 1 "alice is the last facilitator" as alice kick alice
says "olga cannot rejoin with the invite she had before her removal" 1 \
    "That invite was made before you were removed from this workshop; ask a facilitator for a new one." \
    as olga join "$OBS_CODE"
run 0 as alice workshop invite --role observer; NEW_OBS_CODE=$out
says "olga rejoins with an invite made after her removal" 0 "as observer" as olga join "$NEW_OBS_CODE"
says "an invite reused keeps working" 0 "as observer" as olga join "$NEW_OBS_CODE"
says "the older invite admits her now that she is back" 0 "as observer" as olga join "$OBS_CODE"
says "an observer invite never demotes a facilitator" 0 "as facilitator" as alice join "$OBS_CODE"
says "an invite that never expires admits" 0 "as observer" as pete join "$NEVER_CODE"

# ---- durable -------------------------------------------------------------------------
BEFORE=$(show_json)
stop_server "$SPID"
start_server main --listen "127.0.0.1:$MAIN_PORT"
check "team members survive a restart" eval '[ "$(show_json)" = "$BEFORE" ]'
says "roles survive a restart" 1 "$OBSERVER" as olga kr set K3 1
says "invites survive a restart" 0 "as member" as sam join "$MEM_CODE"
says "alice kicks sam" 0 "Removed sam" as alice kick sam
stop_server "$SPID"
start_server main --listen "127.0.0.1:$MAIN_PORT"
says "a kick survives a restart" 1 "You were removed" as sam join "$CODE"

# ---- who takes part is in the log ---------------------------------------------------
# Every join, role, team membership and removal is an event: the log, replayed
# after the restarts, tells who did what to whom, in order.
XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" --json watch --since 0 --no-resume >"$WORK/log" 2>&1 &
LOGPID=$!
PIDS+=("$LOGPID")
for _ in $(seq 1 250); do grep -q '"actor":"alice","type":"participant.remove","id":"sam"' "$WORK/log" && break; sleep 0.02; done
kill "$LOGPID" 2>/dev/null; wait "$LOGPID" 2>/dev/null
people=$(grep -o '"actor":"[a-z]*","type":"\(participant\|team.member\)[a-z._]*","id":"[A-Za-z0-9]*"' "$WORK/log" \
         | sed 's/"actor":"\([a-z]*\)","type":"\([a-z._]*\)","id":"\([A-Za-z0-9]*\)"/\1 \2 \3/')
for want in "olga participant.join olga" "mike participant.join mike" "alice team.member_add T1" \
            "alice participant.role mike" "alice participant.remove olga" "alice participant.remove sam"; do
    if grep -qx "$want" <<<"$people"; then ok "the log has: $want"
    else not_ok "the log has: $want" "$people"; fi
done
if grep -q '"type":"participant.join","id":"mike",.*"fields":{"role":"member","team":"T2"}' "$WORK/log" \
   && grep -q '"type":"participant.remove","id":"olga",.*"fields":{},"old":{"role":"member"}' "$WORK/log"; then
    ok "join events carry the role and team, removals the role given up"
else not_ok "join and removal events carry their fields" "$(grep -E '"id":"(mike|olga)"' "$WORK/log")"; fi
if grep -v '^{"type":"presence"' "$WORK/log" \
   | awk -F'"seq":' 'NR > 0 { split($2, a, ","); if (a[1] != NR) exit 1 }'; then
    ok "people changes and cascade changes share one gapless sequence"
else not_ok "one gapless sequence" "$(head -3 "$WORK/log")"; fi

# ---- a new join code -------------------------------------------------------------------
says "a member cannot change the workshop's code" 1 "Only a facilitator can change the workshop's code." \
    as mike workshop code rotate
if run 0 as alice workshop code rotate && [[ "$out" =~ ^[A-Z0-9]{10}$ ]] && [ "$out" != "$CODE" ]; then
    NEW_CODE=$out; ok "workshop code rotate prints just the new code ($NEW_CODE)"
else not_ok "workshop code rotate" "$out $err"; NEW_CODE=NONE; fi
check "alice's default follows the new code" run 0 as alice show
says "mike, whose default is the old code, is told where to look" 1 "'cascade workshop list' shows it" \
    as mike show
says "the old code admits nobody" 1 "There is no workshop with the join code '$CODE'" as pete join "$CODE"
says "the new code admits" 0 "Joined Roles ($NEW_CODE)" as pete join "$NEW_CODE"
says "a participant reaches the workshop by the new code" 0 "Roles" as mike -w "$NEW_CODE" show
stop_server "$SPID"
start_server main --listen "127.0.0.1:$MAIN_PORT"
says "the new code survives a restart" 0 "Joined Roles ($NEW_CODE)" as pete join "$NEW_CODE"
stop_server "$SPID"

finish
