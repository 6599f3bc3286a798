#!/usr/bin/env bash
# Runs the same loads through Mosquitto 2.0 (TLS, QoS 0) and through
# cascaded (TLS, every edit durable before it is broadcast) on this machine,
# one after the other, and prints each figure with its ratio. Also measures
# SQLite's own rate for 100-row transactions on the same disk, a one-shot
# `cascade kr set` against `mosquitto_pub`, memory per idle connection, and
# a restart with a million events in the log.
#
# Usage: bench/compare-mosquitto.sh [--quick]
#   --quick   shorter runs (for a first look; the figures are noisier)
# Installs mosquitto, libmosquitto-dev, mosquitto-clients and hyperfine when
# they are missing (apt-get, like `make`), builds into build/, and leaves
# nothing running. Work files go to a temporary directory on the disk of the
# current directory (so that SQLite and cascaded sync to the same disk).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
QUICK=0
[ "${1:-}" = "--quick" ] && QUICK=1
if [ "$QUICK" = 1 ]; then SAT_S=3; LAT_S=5; HF_RUNS=100; EVENTS=200000; else
    SAT_S=5; LAT_S=10; HF_RUNS=300; EVENTS=1000000; fi

"$ROOT/scripts/install-deps.sh"
"$ROOT/scripts/install-deps.sh" mosquitto libmosquitto-dev mosquitto-clients hyperfine
cmake -S "$ROOT" -B "$ROOT/build" >/dev/null
cmake --build "$ROOT/build" -j "$(nproc)" >/dev/null
BIN="$ROOT/build/bin"
[ -x "$BIN/mosquitto-bench" ] || { echo "mosquitto-bench was not built (libmosquitto-dev?)" >&2; exit 1; }

WORK=$(mktemp -d "$PWD/.cascade-compare-XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
export XDG_CONFIG_HOME="$WORK/home"
unset CASCADE_SERVER CASCADE_WORKSHOP

# A free loopback port (bound and released by the kernel's choice).
free_port() {
    local p
    for p in $(shuf -i 20000-60000 -n 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
    echo "no free port found" >&2
    exit 1
}

# json FIELD < JSON: a number from the bench's one-line JSON.
json() { sed -n "s/.*\"$1\":\(-\{0,1\}[0-9.]*\).*/\1/p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

# ---- Mosquitto -------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=compare CA" -keyout "$WORK/ca.key" -out "$WORK/ca.pem" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$WORK/mqtt.key" -out "$WORK/mqtt.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$WORK/san.ext"
openssl x509 -req -in "$WORK/mqtt.csr" -CA "$WORK/ca.pem" -CAkey "$WORK/ca.key" \
    -CAcreateserial -days 2 -extfile "$WORK/san.ext" -out "$WORK/mqtt.pem" 2>/dev/null
MQTT_PORT=$(free_port)
cat >"$WORK/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
cafile $WORK/ca.pem
certfile $WORK/mqtt.pem
keyfile $WORK/mqtt.key
allow_anonymous true
max_connections -1
persistence false
set_tcp_nodelay true
log_dest stderr
log_type error
# Run as whoever runs this script (as root, mosquitto would switch to its
# own user, which cannot read the key in our private work directory).
user $(id -un)
EOF
MOSQUITTO=$(command -v mosquitto || echo /usr/sbin/mosquitto)

start_mosquitto() {
    "$MOSQUITTO" -c "$WORK/mosquitto.conf" 2>>"$WORK/mosquitto.log" &
    MQTT_PID=$!
    PIDS+=("$MQTT_PID")
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "mosquitto did not start:" >&2
    cat "$WORK/mosquitto.log" >&2
    exit 1
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

mqtt_bench() {
    "$BIN/mosquitto-bench" --port "$MQTT_PORT" --cafile "$WORK/ca.pem" --server-pid "$MQTT_PID" \
        --json "$@" 2>/dev/null
}

echo "Mosquitto $("$MOSQUITTO" -h 2>/dev/null | sed -n 's/^mosquitto version \([0-9.]*\).*/\1/p') on 127.0.0.1:$MQTT_PORT (TLS, QoS 0)..." >&2
start_mosquitto
M_IDLE=$(mqtt_bench --clients 10 --topics 10 --rate 10 --duration 1 --idle 1000)
M_SAT=$(mqtt_bench --clients 1000 --topics 20 --rate 0 --duration "$SAT_S")
M_LAT=$(mqtt_bench --clients 1000 --topics 50 --rate 500 --duration "$LAT_S")

# ---- cascaded ----------------------------------------------------------------
CASCADE_PORT=$(free_port)
SERVER="127.0.0.1:$CASCADE_PORT"
DATA="$WORK/cascade-data"
STARTS=0
start_cascaded() {
    STARTS=$((STARTS + 1))
    local log="$WORK/cascaded-$STARTS.log"
    "$BIN/cascaded" --listen "$SERVER" --data "$DATA" --sync full --max-per-address 100000 \
        --max-handshakes 1000 --max-handshakes-per-address 1000 --rate 100000 >"$log" 2>&1 &
    CASCADED_PID=$!
    PIDS+=("$CASCADED_PID")
    for _ in $(seq 1 200); do
        grep -q "listening on" "$log" 2>/dev/null &&
            (exec 3<>"/dev/tcp/127.0.0.1/$CASCADE_PORT") 2>/dev/null && return 0
        sleep 0.05
    done
    echo "cascaded did not start:" >&2
    cat "$log" >&2
    exit 1
}
cascade() { "$BIN/cascade" --server "$SERVER" --ca "$DATA/cert.pem" "$@"; }
cascade_bench() {
    "$BIN/cascade-bench" --server "$SERVER" --ca "$DATA/cert.pem" --server-pid "$CASCADED_PID" \
        --json "$@" 2>/dev/null
}

echo "cascaded on $SERVER (TLS, --sync full)..." >&2
start_cascaded
head -n1 "$DATA/initial-admin-password" | cascade login --user admin >/dev/null
C_IDLE=$(cascade_bench --clients 10 --workshops 10 --rate 10 --duration 1 --idle 1000)
C_SAT=$(cascade_bench --clients 1000 --workshops 20 --rate 0 --duration "$SAT_S")
C_LAT=$(cascade_bench --clients 1000 --workshops 50 --rate 500 --duration "$LAT_S")
C_DUR=$(cascade_bench --clients 20 --workshops 20 --rate 0 --duration "$SAT_S")
SQLITE=$("$BIN/sqlite-rate" --dir "$WORK" --seconds "$SAT_S" --json)

# ---- one-shot commands -------------------------------------------------------
CODE=$(cascade workshop list | awk '$2 == "cascade-bench" && $3 == "1" { print $1 }')
hyperfine -N --warmup 10 --runs "$HF_RUNS" --export-json "$WORK/oneshot.json" \
    "$BIN/cascade --server $SERVER --ca $DATA/cert.pem -w $CODE kr set K1 5" \
    "mosquitto_pub -h 127.0.0.1 -p $MQTT_PORT --cafile $WORK/ca.pem -t bench/oneshot -m 5" \
    >/dev/null 2>&1
MEDIANS=$(grep -o '"median": *[0-9.e-]*' "$WORK/oneshot.json" | sed 's/.*: *//')
KR_MS=$(awk 'NR == 1 { printf "%.2f", $1 * 1000 }' <<<"$MEDIANS")
PUB_MS=$(awk 'NR == 2 { printf "%.2f", $1 * 1000 }' <<<"$MEDIANS")

# ---- restart with a long log ---------------------------------------------------
cascade_bench --clients 20 --workshops 20 --rate 0 --edits "$EVENTS" >/dev/null
stop_pid "$CASCADED_PID"
T0=$(date +%s%N)
start_cascaded
until cascade --timeout 2000 -w "$CODE" kr set K1 6 >/dev/null 2>&1; do :; done
T1=$(date +%s%N)
RESTART_MS=$(( (T1 - T0) / 1000000 ))
stop_pid "$CASCADED_PID"
stop_pid "$MQTT_PID"

# ---- the report ------------------------------------------------------------------
row() { printf '%-46s %14s %14s %8s\n' "$@"; }
echo
echo "One run on this machine ($(nproc) cores, shared by server and load driver), loopback TLS."
row "" "cascaded" "mosquitto" "ratio"
row "fan-out, 1000 watchers / 20 groups, saturated" \
    "$(json deliveries_per_s <<<"$C_SAT")/s" "$(json deliveries_per_s <<<"$M_SAT")/s" \
    "$(ratio "$(json deliveries_per_s <<<"$C_SAT")" "$(json deliveries_per_s <<<"$M_SAT")")"
row "  its edits (messages) acknowledged" "$(json acked_per_s <<<"$C_SAT")/s" \
    "$(json acked_per_s <<<"$M_SAT")/s" ""
row "  CPU s: server / its load driver" \
    "$(json server_cpu_s <<<"$C_SAT") / $(json driver_cpu_s <<<"$C_SAT")" \
    "$(json server_cpu_s <<<"$M_SAT") / $(json driver_cpu_s <<<"$M_SAT")" "of ${SAT_S}+ s"
row "p99 edit -> last watcher, 1000 / 50 / 500/s" "$(json p99 <<<"$C_LAT") ms" \
    "$(json p99 <<<"$M_LAT") ms" "$(ratio "$(json p99 <<<"$C_LAT")" "$(json p99 <<<"$M_LAT")")"
row "  p50" "$(json p50 <<<"$C_LAT") ms" "$(json p50 <<<"$M_LAT") ms" ""
row "memory per idle TLS connection (1000)" "$(json rss_per_idle_kib <<<"$C_IDLE") KiB" \
    "$(json rss_per_idle_kib <<<"$M_IDLE") KiB" \
    "$(ratio "$(json rss_per_idle_kib <<<"$C_IDLE")" "$(json rss_per_idle_kib <<<"$M_IDLE")")"
row "one-shot: cascade kr set / mosquitto_pub (median)" "$KR_MS ms" "$PUB_MS ms" \
    "$(ratio "$KR_MS" "$PUB_MS")"
echo
row "" "cascaded" "SQLite" "ratio"
row "durable edits/s (20 writers) vs 100-row txns" "$(json acked_per_s <<<"$C_DUR") edits/s" \
    "$(json rows_per_s <<<"$SQLITE") rows/s" \
    "$(ratio "$(json acked_per_s <<<"$C_DUR")" "$(json rows_per_s <<<"$SQLITE")")"
row "  SQLite's transactions of 100 rows" "" "$(json txn_per_s <<<"$SQLITE")/s" ""
echo
echo "restart with $EVENTS more events in the log, to the first acknowledged edit: $RESTART_MS ms"
echo "errors: cascaded $(json errors <<<"$C_SAT")+$(json errors <<<"$C_LAT"), mosquitto $(json errors <<<"$M_SAT")+$(json errors <<<"$M_LAT");" \
    "edits some watcher missed: cascaded $(json incomplete <<<"$C_LAT"), mosquitto $(json incomplete <<<"$M_LAT")"
echo
echo "Mosquitto at QoS 0 keeps nothing: a message is gone once passed on, and lost if the broker"
echo "stops. Cascade writes every edit to SQLite and fsyncs it (--sync full) before it acknowledges"
echo "or broadcasts it, so these figures compare a durable log with a relay."
echo "Both drivers run on this machine too: at saturation a driver can be the bottleneck (see"
echo "docs/PERFORMANCE.md), so compare the ratios of one run, not figures across machines."
