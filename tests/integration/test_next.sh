#!/usr/bin/env bash
# Carrying a workshop into the next period, through the real `cascade` and
# `cascaded` binaries: bad requests (no period, one too long, an unknown or
# malformed objective, --all with --objectives, a member, someone not in
# the workshop) create nothing; --objectives carries the chosen objectives
# with their key results, remapping a link between them and dropping (and
# naming) one to what stays behind; --all keeps an inherited pair linked
# inside the new workshop; metrics start where they got to, or keep their
# start with --keep-current; milestones start undone, confidence afresh;
# people, roles and team memberships come along (a member edits their team
# at once), invites, comments and ideas do not; the new workshop's history
# starts with where it came from; a restart serves the same workshop.
# Usage: test_next.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init next "$@"

says() { # says NAME STATUS TEXT CMD...
    local name=$1 want=$2 text=$3; shift 3
    if run "$want" "$@" && grep -qF -- "$text" <<<"$out$err"; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
DB() { sqlite3 "$WORK/main/cascade.db" "$@"; }
workshops() { DB "SELECT count(*) FROM workshops"; }
refused() { # refused NAME STATUS TEXT CMD...: refused, and no workshop made
    local name=$1; shift
    local before; before=$(workshops)
    says "$name" "$@"
    [ "$(workshops)" = "$before" ] && ok "$name: nothing created" || not_ok "$name: nothing created"
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice mia max olga bob rob; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
SRC=$(as alice workshop create "Planning" --period 2026-Q3 2>/dev/null)
export CASCADE_WORKSHOP=$SRC
as alice team add Acme --level company >/dev/null
as alice team add Sales --parent T1 >/dev/null
as alice team add Ops --parent T2 --level team >/dev/null
for u in mia max rob; do as "$u" join "$SRC" >/dev/null; done
as olga join "$(as alice workshop invite --role observer)" >/dev/null
as alice team member add T2 mia >/dev/null
as alice team member add T3 rob >/dev/null
as alice kick rob >/dev/null
as alice workshop invite --role member --team T2 >/dev/null
as alice obj add "Grow revenue" --team T1 --committed >/dev/null              # O1
as alice kr add O1 "Revenue" --from 10 --to 50 --unit MEUR >/dev/null        # K1
as alice kr set K1 30 >/dev/null
as alice kr add O1 "Launch in Asia" --milestone >/dev/null                   # K2
as alice checkin K2 --done >/dev/null
as mia obj add "Sell more" --team T2 --inherits K1 >/dev/null               # O2
as mia kr add O2 "Deals" --from 0 --to 100 --owner mia >/dev/null            # K3
as mia checkin K3 --value 40 --confidence 0.9 --blocker "No leads" >/dev/null
as alice obj add "Run lean" --team T3 --aligns-to O1 >/dev/null             # O3
as alice obj add "Support sales" --team T3 --aligns-to O2 >/dev/null        # O4
as alice comment O1 "Is 50 enough?" >/dev/null
as alice idea add "Grow in Asia" >/dev/null

# ---- bad requests create nothing ---------------------------------------------------------
refused "no period is a usage error" 2 "Give the new period with --period" as alice workshop next --all
refused "a period over the limit" 1 "period" as alice workshop next --all --period "$(head -c 40 /dev/zero | tr '\0' q)"
refused "an unknown objective" 1 "There is no objective O9 in workshop $SRC; nothing was created." \
    as alice workshop next --period 2026-Q4 --objectives O1,O9
refused "a malformed objective id" 1 "'K1' is not an objective id" \
    as alice workshop next --period 2026-Q4 --objectives K1
refused "--all with --objectives is a usage error" 2 "not both" \
    as alice workshop next --period 2026-Q4 --all --objectives O1
refused "a member may not" 1 "Only a facilitator can carry the workshop into the next period." \
    as mia workshop next --period 2026-Q4 --all
refused "nor someone not in the workshop" 1 "$SRC" as bob workshop next --period 2026-Q4 --all
refused "nor an observer" 1 "Only a facilitator" as olga workshop next --period 2026-Q4 --all

# ---- chosen objectives: a link between them remapped, one outside dropped -------------------
if run 0 as alice --json workshop next --period 2026-Q4 --objectives O2,O4; then
    PART=$(jq -r .code <<<"$out")
    if [ "$(jq -r .carried_from <<<"$out")" = "$SRC" ] && [ "$(jq -r .period <<<"$out")" = 2026-Q4 ] \
       && [ "$(jq -r .title <<<"$out")" = Planning ] \
       && [ "$(jq -r '.dropped | join("|")' <<<"$out")" = "O2's inherited key result K1 was dropped: its objective O1 was not carried." ]; then
        ok "--objectives answers the new code, where it came from and the dropped link"
    else not_ok "--objectives answer" "$out"; fi
else not_ok "workshop next --objectives" "$out $err"; PART=none; fi
if run 0 as alice -w "$PART" --json show \
   && [ "$(jq -r '[.objectives[] | "\(.id):\(.title):\(.carried_from):\(.aligns_to):\(.inherits)"] | join(" ")' <<<"$out")" = "O1:Sell more:$SRC/O2:null:null O2:Support sales:$SRC/O4:O1:null" ] \
   && [ "$(jq -r '[.key_results[] | "\(.id):\(.objective):\(.start):\(.current):\(.target):\(.confidence):\(.blocker):\(.owner):\(.carried_from)"] | join(" ")' <<<"$out")" = "K1:O1:40:40:100:0.5:null:mia:$SRC/K3" ]; then
    ok "the chosen objectives, renumbered, with their key result starting where it got to"
else not_ok "--objectives state" "$out"; fi
says "the text form says so too" 0 "O2 Support sales · aspirational → O1 · carried from $SRC/O4" \
    as alice -w "$PART" show
if run 0 as alice workshop next --period 2026-Q4 --objectives O1 && [[ $out =~ ^[A-Z0-9]+$ ]] \
   && ! grep -q dropped <<<"$err"; then
    ok "stdout is just the code; nothing to say when no link is dropped"
else not_ok "plain next" "$out | $err"; fi
if run 0 as alice workshop next --period 2026-Q4 --objectives O4 \
   && grep -qxF "O4's alignment to O2 was dropped: O2 was not carried." <<<"$err"; then
    ok "a dropped alignment is named on stderr"
else not_ok "dropped alignment" "$out | $err"; fi

# ---- everything: the inherited pair stays linked ---------------------------------------------
NEXT=$(as alice workshop next --period 2026-Q4 --all 2>"$WORK/err")
if run 0 as mia -w "$NEXT" --json show \
   && [ "$(jq -r '[.objectives[] | "\(.id):\(.team):\(.aligns_to):\(.inherits):\(.committed):\(.status)"] | join(" ")' <<<"$out")" = "O1:T1:null:null:true:draft O2:T2:null:K1:false:draft O3:T3:O1:null:false:draft O4:T3:O2:null:false:draft" ] \
   && [ "$(jq -r '[.key_results[] | "\(.id):\(.objective):\(.kind):\(.start):\(.current):\(.done)"] | join(" ")' <<<"$out")" = "K1:O1:metric:30:30:false K2:O1:milestone:0:0:false K3:O2:metric:40:40:false" ] \
   && [ "$(jq -r '[.teams[] | "\(.id):\(.name):\(.parent):\(.level)"] | join(" ")' <<<"$out")" = "T1:Acme:null:company T2:Sales:T1:department T3:Ops:T2:team" ] \
   && [ "$(jq -r '.comments | length' <<<"$out")" = 0 ] && [ "$(jq -r '.ideas | length' <<<"$out")" = 0 ] \
   && ! grep -q dropped "$WORK/err"; then
    ok "--all: teams, every objective, the inherited pair linked, metrics from where they got to, milestones undone, no comments or ideas"
else not_ok "--all state" "$out"; fi
KEEP=$(as alice workshop next --period 2026-Q4 --all --keep-current --title "Q4 plan" 2>/dev/null)
if run 0 as alice -w "$KEEP" --json show \
   && [ "$(jq -r '[.key_results[] | "\(.id):\(.start):\(.current)"] | join(" ")' <<<"$out")" = "K1:10:30 K2:0:0 K3:0:40" ] \
   && [ "$(jq -r .workshop.title <<<"$out")" = "Q4 plan" ]; then
    ok "--keep-current keeps each metric's start and current; --title names it"
else not_ok "--keep-current" "$out"; fi

# ---- people come along, invites do not --------------------------------------------------------
if run 0 as alice -w "$NEXT" --json participants \
   && [ "$(jq -r '[.participants[] | "\(.user):\(.role):\(.teams | join("+"))"] | sort | join(" ")' <<<"$out")" = "alice:facilitator: max:member: mia:member:T2 olga:observer:" ]; then
    ok "participants, roles and team memberships carried (the removed one not)"
else not_ok "participants" "$out"; fi
says "mia edits her team's OKRs at once" 0 O5 as mia -w "$NEXT" obj add "Sell abroad" --team T2
says "... and not another team's" 1 "not a member of T1" as mia -w "$NEXT" obj add "Nope" --team T1
says "olga still only reads" 1 "Observers can read but not change" as olga -w "$NEXT" obj add "Nope" --team T1
says "bob is not in it" 1 "$NEXT" as bob -w "$NEXT" show
if run 0 as alice -w "$NEXT" --json workshop invites && [ "$(jq -r '.invites | length' <<<"$out")" = 0 ]; then
    ok "invites are not carried"
else not_ok "invites" "$out"; fi
says "the source is untouched" 0 "O4 Support sales" as alice -w "$SRC" show
if run 0 as alice --json workshop list && [ "$(jq -r '.workshops | length' <<<"$out")" = 6 ]; then
    ok "the facilitator sees every new workshop in her list"
else not_ok "workshop list" "$out"; fi

ADM=$(as admin -w "$SRC" workshop next --period 2026-Q4 --objectives O1 2>/dev/null)
if run 0 as admin -w "$ADM" --json participants \
   && [ "$(jq -r '[.participants[] | "\(.user):\(.role)"] | sort | join(" ")' <<<"$out")" = "admin:facilitator alice:facilitator max:member mia:member olga:observer" ]; then
    ok "the administrator, who never joined, facilitates the workshop they carried"
else not_ok "admin next" "$ADM $out"; fi

# ---- its history starts with where it came from ------------------------------------------------
timeout 5 env XDG_CONFIG_HOME="$WORK/home-olga" "$CASCADE" -w "$NEXT" --json watch --since 0 --no-resume >"$WORK/history" 2>&1
if [ "$(jq -r 'select(.seq == 1) | "\(.type) \(.actor)"' "$WORK/history")" = "workshop.next alice" ] \
   && [ "$(jq -r 'select(.type == "kr.add") | .id' "$WORK/history" | tr '\n' ' ')" = "K1 K2 K3 " ]; then
    ok "watch --since 0: workshop.next, then each team, objective and key result added"
else not_ok "history" "$(head -c 800 "$WORK/history")"; fi
seqs=$(jq -r 'select(.seq != null) | .seq' "$WORK/history" | tr '\n' ' ')
n=$(wc -w <<<"$seqs")
[ "$seqs" = "$(seq -s ' ' 1 "$n") " ] && ok "the history is gapless ($n events)" || not_ok "gapless" "$seqs"

# ---- a restart serves the same workshop ----------------------------------------------------------
as alice -w "$NEXT" --json show | jq -S 'del(.workshop.seq, .presence)' >"$WORK/before"
stop_server "$SPID"
start_server main --listen "127.0.0.1:$PORT"
as alice -w "$NEXT" --json show | jq -S 'del(.workshop.seq, .presence)' >"$WORK/after"
if [ -s "$WORK/after" ] && diff "$WORK/before" "$WORK/after" >/dev/null \
   && grep -q "$SRC/K3" "$WORK/after"; then
    ok "after a restart the new workshop is the same, links and origins included"
else not_ok "restart" "$(diff "$WORK/before" "$WORK/after" | head -20)"; fi
says "and its people still edit it" 0 O6 as mia -w "$NEXT" obj add "Sell more abroad" --team T2

# ---- a closed quarter is carried too ----------------------------------------------------------------
as alice -w "$SRC" workshop close --force >/dev/null 2>&1
if run 1 as alice -w "$SRC" obj add "Late" --team T1 && grep -q "is closed" <<<"$err" \
   && run 0 as alice -w "$SRC" workshop next --period 2027-Q1 --all && [ -n "$out" ] \
   && [ "$(as alice -w "$out" --json show | jq -r '[.objectives[] | .carried_from | startswith("'"$SRC"'/")] | all')" = true ]; then
    ok "a closed workshop refuses changes, yet workshop next carries it"
else not_ok "workshop next from a closed workshop" "$status $out $err"; fi

finish
