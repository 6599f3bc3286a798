#!/usr/bin/env bash
# cascaded migrate --from DIR --to postgresql://... (run by pg/with-postgres.sh,
# which starts a real PostgreSQL): a SQLite data directory with two workshops
# (examples, an agenda, ideas and a vote, a confidence round, check-ins,
# comments, an invite, an archived workshop) moves into PostgreSQL whole: a
# node started on it shows, exports and replays the same, the old logins and
# sessions still work, the seq and the numbering of new workshops go on, and
# every refusal (a database with data, a missing directory, a wrong URL, an
# unreachable server) changes nothing.
# Usage: test_migrate.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init migrate "$@"
if [ -z "${CASCADE_TEST_PG_URL:-}" ]; then
    echo "SKIP: no PostgreSQL (run through tests/pg/with-postgres.sh)"
    exit 77
fi
URL=$CASCADE_TEST_PG_URL
unset CASCADE_TEST_STORE CASCADE_WORKSHOP NO_COLOR
PASSWORD=$(sed -E 's|^postgresql://[^:]*:([^@]*)@.*|\1|' <<<"$URL")

# ---- a SQLite server with a bit of everything ---------------------------------------------
start_server old
OLD_PORT=$PORT
export CASCADE_SERVER="127.0.0.1:$OLD_PORT"
as admin login --user admin <"$WORK/old/initial-admin-password" >/dev/null 2>&1
for u in alice bob; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
A=$(as alice workshop create "Q3 planning" --period 2026-Q3 --template okr-2h --examples 2>/dev/null)
B=$(as alice workshop create "Old quarter" --period 2026-Q1 2>/dev/null)
as bob join "$A" >/dev/null
INVITE=$(as alice -w "$A" workshop invite --role observer 2>/dev/null)
as alice -w "$A" kr set K1 12 >/dev/null
as alice -w "$A" checkin K2 --value 3 --confidence 0.6 --note "on track" >/dev/null
as bob -w "$A" comment O1 "Is this measurable?" >/dev/null
as bob -w "$A" idea add "A shorter weekly sync" >/dev/null
as alice -w "$A" agenda start >/dev/null && as alice -w "$A" agenda pause >/dev/null
as alice -w "$B" team add Acme --level company >/dev/null
as admin admin workshop archive "$B" >/dev/null
SEQ_A=$(as alice -w "$A" --json show | jq .workshop.seq)
for w in "$A" "$B"; do as admin -w "$w" --json show >"$WORK/show-$w.before" 2>&1; done
as alice -w "$A" export --format json --out "$WORK/export.before" >/dev/null
# history FILE: workshop A's events as watch prints them from seq 0.
history() {
    XDG_CONFIG_HOME="$WORK/home-alice" "$CASCADE" -w "$A" watch --since 0 >"$1" 2>/dev/null &
    local pid=$!
    for _ in $(seq 1 200); do [ "$(grep -c '^#' "$1")" -ge "$2" ] && break; sleep 0.02; done
    kill "$pid"; wait "$pid" 2>/dev/null
}
history "$WORK/history.before" "$SEQ_A"
check "the SQLite workshop has history to move ($SEQ_A events)" test "$SEQ_A" -gt 20
stop_server "$SPID"

# ---- refusals, which change nothing -------------------------------------------------------
check "migrate without --to is a usage error" run 2 "$CASCADED" migrate --from "$WORK/old"
check "migrate to a file path is a usage error" run 2 "$CASCADED" migrate --from "$WORK/old" --to "$WORK/x.db"
if run 1 "$CASCADED" migrate --from "$WORK/nowhere" --to "$URL" && grep -q "has no database" <<<"$err"; then
    ok "a directory without a database is refused, naming it"
else not_ok "a directory without a database is refused" "$status $err"; fi
if run 1 "$CASCADED" migrate --from "$WORK/old" \
       --to "postgresql://cascade:$PASSWORD@127.0.0.1:1/cascade" \
   && grep -q "Cannot connect" <<<"$err" && ! grep -qF "$PASSWORD" <<<"$err"; then
    ok "an unreachable PostgreSQL is refused, without showing the password"
else not_ok "an unreachable PostgreSQL is refused" "$status $err"; fi

# ---- the move ------------------------------------------------------------------------------
if run 0 "$CASCADED" migrate --from "$WORK/old" --to "$URL" \
   && grep -Eq "^Migrated [0-9]+ rows of [0-9]+ tables from .*cascade.db to postgresql://cascade:\*\*\*@" <<<"$out" \
   && ! grep -qF "$PASSWORD" <<<"$out$err"; then
    ok "migrate copies the data directory into PostgreSQL and says how much ($(cut -d' ' -f2 <<<"$out") rows)"
else not_ok "migrate copies the data directory" "$status $out $err"; fi
if run 1 "$CASCADED" migrate --from "$WORK/old" --to "$URL" && grep -q "holds data already" <<<"$err"; then
    ok "a second migrate into the same database is refused"
else not_ok "a second migrate is refused" "$status $err"; fi

# A node on PostgreSQL, on the old port with the old certificate: the clients'
# pinned certificates and sessions still fit.
start_server old --store "$URL" --listen "127.0.0.1:$OLD_PORT"
# (the agenda's projected end is reckoned from the time of asking)
same_show() { jq -S 'del(.presence, .agenda.projected_end_ms)' "$1"; }
as admin -w "$A" --json show >"$WORK/show-$A.after" 2>&1
if diff <(same_show "$WORK/show-$A.before") <(same_show "$WORK/show-$A.after") >/dev/null; then
    ok "the workshop shows the same from PostgreSQL"
else not_ok "the workshop shows the same from PostgreSQL" \
        "$(diff <(same_show "$WORK/show-$A.before") <(same_show "$WORK/show-$A.after") | head -5)"; fi
as admin -w "$B" --json show >"$WORK/show-$B.after" 2>&1
check "the archived workshop is refused the same, as archived" \
    bash -c "cmp -s '$WORK/show-$B.before' '$WORK/show-$B.after' && grep -q archived '$WORK/show-$B.after'"
as alice -w "$A" export --format json --out "$WORK/export.after" >/dev/null
check "the export is the same" cmp -s "$WORK/export.before" "$WORK/export.after"
history "$WORK/history.after" "$SEQ_A"
check "the history replays the same" \
    bash -c "diff <(grep '^#' '$WORK/history.before') <(grep '^#' '$WORK/history.after') >/dev/null"
check "the old session still works (tokens moved)" run 0 as bob whoami
check "the old password still works" run 0 as bob login --user bob <<<"pw-bob-0123456789"
if run 0 as alice -w "$A" kr set K1 13 && [ "$(as alice -w "$A" --json show | jq .workshop.seq)" = $((SEQ_A + 1)) ]; then
    ok "the seq goes on from the SQLite one ($((SEQ_A + 1)))"
else not_ok "the seq goes on" "$status $err"; fi
if C=$(as alice workshop create "After the move" 2>/dev/null) && [ -n "$C" ] \
   && as alice -w "$C" team add New --level company >/dev/null 2>&1; then
    ok "a new workshop is numbered after the copied ones"
else not_ok "a new workshop after the move" "$C"; fi
if run 0 as admin join "$INVITE"; then ok "the invite made before the move still lets people in"
else not_ok "the invite still works" "$status $err"; fi
stop_server "$SPID"
finish
