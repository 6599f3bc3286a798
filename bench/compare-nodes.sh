#!/usr/bin/env bash
# Runs the same loads through three cascaded nodes on one PostgreSQL
# database (writers and watchers spread over the nodes) and through one
# cascaded on SQLite, on this machine, one after the other, and prints each
# figure with its ratio: acknowledged edits per second, deliveries per
# second, and the edit -> watcher latency across nodes. Every edit is
# durable before it is acknowledged in both (PostgreSQL's synchronous
# commit; SQLite's --sync full).
#
# Usage: bench/compare-nodes.sh [--quick]
# Starts its own PostgreSQL (tests/pg/pg-harness.sh: a throwaway cluster on a
# free loopback port) and leaves nothing running.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
if [ "$QUICK" = 1 ]; then SAT_S=3; LAT_S=5; else SAT_S=6; LAT_S=10; fi

"$ROOT/scripts/install-deps.sh"
cmake -S "$ROOT" -B "$ROOT/build" >/dev/null
cmake --build "$ROOT/build" -j "$(nproc)" >/dev/null
BIN="$ROOT/build/bin"
HARNESS="$ROOT/tests/pg/pg-harness.sh"

WORK=$(mktemp -d "$PWD/.cascade-nodes-XXXXXX")
PIDS=()
PG_DIR=""
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "$PG_DIR" ] && bash "$HARNESS" stop "$PG_DIR" >/dev/null 2>&1
    rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export XDG_CONFIG_HOME="$WORK/home"
unset CASCADE_SERVER CASCADE_WORKSHOP

json() { sed -n "s/.*\"$1\":\(-\{0,1\}[0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# node NAME DATA [FLAGS...]: starts cascaded, waits for its port (in PORT).
node() {
    local name=$1 data=$2; shift 2
    "$BIN/cascaded" --listen 127.0.0.1:0 --data "$data" --max-per-address 100000 \
        --max-handshakes 1000 --max-handshakes-per-address 1000 --rate 100000 "$@" \
        >"$WORK/$name.log" 2>&1 &
    NODE_PID=$!
    PIDS+=("$NODE_PID")
    PORT=""
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/$name.log" | head -n1)
        [ -n "$PORT" ] && return 0
        sleep 0.05
    done
    echo "cascaded did not start:" >&2
    cat "$WORK/$name.log" >&2
    exit 1
}

# run_loads SERVERS CA: the three loads, into SAT, LAT and DUR.
run_loads() {
    local servers=$1 ca=$2
    head -n1 "$3" | "$BIN/cascade" --server "$servers" --ca "$ca" login --user admin >/dev/null
    b() { "$BIN/cascade-bench" --server "$servers" --ca "$ca" --json "$@" 2>/dev/null; }
    SAT=$(b --clients 300 --workshops 10 --rate 0 --duration "$SAT_S")
    LAT=$(b --clients 300 --workshops 10 --rate 200 --duration "$LAT_S")
    DUR=$(b --clients 30 --workshops 1 --rate 0 --duration "$SAT_S")
}

# ---- three nodes on PostgreSQL ---------------------------------------------------
echo "PostgreSQL and three cascaded nodes..." >&2
eval "$(bash "$HARNESS" start)"
PG_DIR=$CASCADE_TEST_PG_DIR
URL=$CASCADE_TEST_PG_URL
node n1 "$WORK/n1" --store "$URL"; P1=$PORT; N1=$NODE_PID
# One certificate for the three, as behind one name.
node n2 "$WORK/n2" --store "$URL" --cert "$WORK/n1/cert.pem" --key "$WORK/n1/key.pem"; P2=$PORT
node n3 "$WORK/n3" --store "$URL" --cert "$WORK/n1/cert.pem" --key "$WORK/n1/key.pem"; P3=$PORT
run_loads "127.0.0.1:$P1,127.0.0.1:$P2,127.0.0.1:$P3" "$WORK/n1/cert.pem" "$WORK/n1/initial-admin-password"
N_SAT=$SAT N_LAT=$LAT N_DUR=$DUR
for p in "${PIDS[@]}"; do stop_pid "$p"; done
PIDS=()
CATCH=$(grep -h "caught up" "$WORK"/n?.log | sed -n "s/.*caught up \([0-9]*\) times.*/\1/p" | paste -sd+ | bc)
bash "$HARNESS" stop "$PG_DIR" >/dev/null
PG_DIR=""

# ---- one node on SQLite ------------------------------------------------------------
echo "one cascaded on SQLite (--sync full)..." >&2
node s1 "$WORK/s1" --sync full
run_loads "127.0.0.1:$PORT" "$WORK/s1/cert.pem" "$WORK/s1/initial-admin-password"
S_SAT=$SAT S_LAT=$LAT S_DUR=$DUR
stop_pid "$NODE_PID"

row() { printf '%-46s %16s %16s %8s\n' "$@"; }
echo
row "" "3 nodes, PG" "1 node, SQLite" "ratio"
row "acknowledged edits/s, 300 clients, 10 ws" "$(json acked_per_s <<<"$N_SAT")/s" \
    "$(json acked_per_s <<<"$S_SAT")/s" "$(ratio "$(json acked_per_s <<<"$N_SAT")" "$(json acked_per_s <<<"$S_SAT")")"
row "  deliveries/s" "$(json deliveries_per_s <<<"$N_SAT")/s" \
    "$(json deliveries_per_s <<<"$S_SAT")/s" "$(ratio "$(json deliveries_per_s <<<"$N_SAT")" "$(json deliveries_per_s <<<"$S_SAT")")"
row "acknowledged edits/s, 30 writers, 1 workshop" "$(json acked_per_s <<<"$N_DUR")/s" \
    "$(json acked_per_s <<<"$S_DUR")/s" "$(ratio "$(json acked_per_s <<<"$N_DUR")" "$(json acked_per_s <<<"$S_DUR")")"
row "p99 edit -> watcher, 200 edits/s" "$(json p99 <<<"$N_LAT") ms" "$(json p99 <<<"$S_LAT") ms" \
    "$(ratio "$(json p99 <<<"$N_LAT")" "$(json p99 <<<"$S_LAT")")"
row "  p50" "$(json p50 <<<"$N_LAT") ms" "$(json p50 <<<"$S_LAT") ms" ""
row "catch-ups (a node reloading a workshop)" "${CATCH:-0}" "-" ""
