#!/usr/bin/env bash
# Backups and the restore drill: `cascade admin backup FILE` while the bench
# edits and watches, restored with `cascaded restore` into a fresh data
# directory and served from it: every workshop's history there is the
# original's up to the copy (nothing torn, nothing invented), its seq goes on
# from there, and a backup taken once the load stopped restores to `show`
# outputs identical to the original's for every workshop. Bad input: a
# relative path, an existing file, a directory that does not exist, a
# non-administrator, a damaged or foreign file for restore, a data directory
# that already has a database.
# Usage: test_backup.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init backup "$@"

as() { XDG_CONFIG_HOME="$WORK/home" "$CASCADE" "$@"; }
on() { local port=$1; shift; CASCADE_SERVER="127.0.0.1:$port" as "$@"; }
# one_sentence NAME STATUS CMD...: fails with that status and one line.
one_sentence() {
    local name=$1 want=$2; shift 2
    if run "$want" "$@" && [ "$(grep -c . <<<"$err")" -le 2 ]; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}
# history PORT CODE: the workshop's events as JSON lines, as watch replays them.
history() {
    local port=$1 code=$2 last
    last=$(on "$port" -w "$code" --json show | jq -r .workshop.seq)
    on "$port" -w "$code" --json watch --since 0 >"$WORK/h.$port.$code" 2>/dev/null &
    local pid=$!
    for _ in $(seq 1 400); do grep -q "\"seq\":$last," "$WORK/h.$port.$code" && break; sleep 0.05; done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    grep '"seq":' "$WORK/h.$port.$code"
}
unset CASCADE_WORKSHOP

start_server main --max-per-address 1000 --rate 100000
MAIN=$PORT
export CASCADE_SERVER="127.0.0.1:$MAIN"
as login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
as admin user add bob --password-stdin <<<"pw-bob-0123456789" >/dev/null 2>&1
CODE=$(as workshop create "Drill" --period 2026-Q3 2>/dev/null)
for cmd in "team add Acme --level company" "obj add Grow --team T1" \
           "kr add O1 Raise --from 0 --to 100" "checkin K1 --value 10 --note first"; do
    as -w "$CODE" $cmd >/dev/null
done

# ---- Bad input -----------------------------------------------------------------
one_sentence "a relative path is refused" 1 as admin backup backup.db
check "  naming why" grep -q "must be absolute" <<<"$err"
touch "$WORK/exists.db"
one_sentence "an existing file is refused" 1 as admin backup "$WORK/exists.db"
check "  and left alone" test ! -s "$WORK/exists.db"
one_sentence "a directory that does not exist is refused" 1 as admin backup "$WORK/no/such/dir/b.db"
check "  naming it" grep -q "Cannot write the backup" <<<"$err"
one_sentence "a missing path is a usage error" 2 as admin backup
XDG_CONFIG_HOME="$WORK/bob" "$CASCADE" login --user bob <<<"pw-bob-0123456789" >/dev/null 2>&1
one_sentence "a non-administrator cannot back up" 1 env XDG_CONFIG_HOME="$WORK/bob" "$CASCADE" admin backup "$WORK/bob.db"
check "  and nothing was written" test ! -e "$WORK/bob.db"

# ---- A backup under load ----------------------------------------------------------
XDG_CONFIG_HOME="$WORK/home" "$BIN/cascade-bench" --clients 12 --workshops 3 --writers 3 --rate 600 --duration 8 --json \
    >"$WORK/bench.json" 2>"$WORK/bench.err" &
BENCH=$!; PIDS+=("$BENCH")
sleep 3
# What was acknowledged before the backup began must be in it.
BEFORE=$(as -w "$CODE" checkin K1 --value 42 --note "before the backup" >/dev/null && as -w "$CODE" --json show | jq -r .workshop.seq)
run 0 as admin backup "$WORK/b1.db"
check "admin backup under load answers with what it wrote" grep -Eq "^Backed up [0-9]+ pages \(.* MiB\) to $WORK/b1.db in [0-9]+ ms\.$" <<<"$out"
wait "$BENCH"
if jq -e '.acked > 0 and .errors == 0' "$WORK/bench.json" >/dev/null 2>&1; then ok "the bench ran alongside"
else not_ok "the bench ran alongside" "$(cat "$WORK/bench.json" "$WORK/bench.err")"; fi
check "the copy is in place, no partial file left" eval 'test -s "$WORK/b1.db" && test ! -e "$WORK/b1.db.partial"'
PAGES=$(sed -nE 's/^Backed up ([0-9]+) pages.*/\1/p' <<<"$out")
check "the database took several steps to copy ($PAGES pages)" test "${PAGES:-0}" -gt 64

run 0 "$CASCADED" restore --data "$WORK/restored" "$WORK/b1.db"
check "cascaded restore checks and installs the copy" grep -q "Restored $WORK/b1.db (schema [0-9]*) into $WORK/restored/cascade.db" <<<"$out"
start_server restored
RESTORED=$PORT
on "$RESTORED" login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
CODES=$(as --json workshop list | jq -r '.workshops[].code' | sort)
RCODES=$(on "$RESTORED" --json workshop list | jq -r '.workshops[].code' | sort)
check "every workshop is in the restored copy ($(wc -w <<<"$CODES"))" test "$CODES" = "$RCODES"
bad=""
for c in $CODES; do
    orig=$(history "$MAIN" "$c"); copy=$(history "$RESTORED" "$c")
    n=$(grep -c . <<<"$copy")
    [ "$n" -gt 0 ] && [ "$(head -n "$n" <<<"$orig")" = "$copy" ] || bad+=" $c"
done
check "each restored history is the original's up to the copy${bad:+ (not:$bad)}" test -z "$bad"
RSEQ=$(on "$RESTORED" -w "$CODE" --json show | jq -r .workshop.seq)
check "an edit acknowledged before the backup began is in it (seq $BEFORE <= $RSEQ)" test "$BEFORE" -le "$RSEQ"
check "  with its value" eval 'on "$RESTORED" -w "$CODE" --json show | jq -e ".key_results[0].current == 42" >/dev/null'
on "$RESTORED" -w "$CODE" checkin K1 --value 50 >/dev/null
check "the restored server's seq goes on from the copy's ($RSEQ + 1)" \
    eval '[ "$(on "$RESTORED" -w "$CODE" --json show | jq -r .workshop.seq)" -eq $((RSEQ + 1)) ]'
stop_server "$SPID"

# ---- A quiet backup restores to identical shows -------------------------------------
run 0 as admin backup "$WORK/b2.db"
run 0 "$CASCADED" restore --data "$WORK/quiet" "$WORK/b2.db"
start_server quiet
QUIET=$PORT
on "$QUIET" login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
bad=""
for c in $CODES; do
    [ "$(as -w "$c" show)" = "$(on "$QUIET" -w "$c" show)" ] \
        && [ "$(as -w "$c" --json show)" = "$(on "$QUIET" -w "$c" --json show)" ] || bad+=" $c"
done
check "show and show --json are identical for every workshop${bad:+ (not:$bad)}" test -z "$bad"
stop_server "$SPID"

# ---- Offline backup and restore's refusals ---------------------------------------------
run 0 "$CASCADED" backup --data "$WORK/main" "$WORK/offline.db"
check "cascaded backup copies a data directory (here beside the running server)" grep -q "Backed up $WORK/main/cascade.db (schema" <<<"$out"
one_sentence "cascaded backup will not overwrite" 1 "$CASCADED" backup --data "$WORK/main" "$WORK/offline.db"
one_sentence "cascaded backup of a directory without a database" 1 "$CASCADED" backup --data "$WORK/empty" "$WORK/x.db"
one_sentence "cascaded restore into a directory that has a database" 1 "$CASCADED" restore --data "$WORK/quiet" "$WORK/offline.db"
cp "$WORK/offline.db" "$WORK/damaged.db"
# Overwrite a stretch in the middle of the file: pages of the tables.
SIZE=$(stat -c %s "$WORK/damaged.db")
dd if=/dev/urandom of="$WORK/damaged.db" bs=4096 seek=$((SIZE / 4096 / 2)) count=4 conv=notrunc 2>/dev/null
one_sentence "a damaged file is refused" 1 "$CASCADED" restore --data "$WORK/r-damaged" "$WORK/damaged.db"
check "  saying it is damaged or unreadable" grep -Eq "damaged|not a database" <<<"$err"
check "  and nothing is restored" test ! -e "$WORK/r-damaged/cascade.db"
head -c 100000 /dev/urandom >"$WORK/noise.db"
one_sentence "a file that is not a database is refused" 1 "$CASCADED" restore --data "$WORK/r-noise" "$WORK/noise.db"
printf 'CREATE TABLE t(x);' | python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.stdin.read()); c.close()' "$WORK/foreign.db"
one_sentence "a database that is not Cascade's is refused" 1 "$CASCADED" restore --data "$WORK/r-foreign" "$WORK/foreign.db"
check "  saying so" grep -q "not a Cascade one" <<<"$err"
one_sentence "restore without a file is a usage error" 2 "$CASCADED" restore --data "$WORK/r-none"
finish
