# What the integration scripts share: the binaries, a scratch directory,
# a TAP-like report closing with "N passed, N failed", and a cascaded
# started on a free loopback port. Source it, then call lib_init.

# lib_init NAME BIN_DIR: sets BIN, CASCADE, CASCADED and WORK (removed at
# exit, with every process listed in PIDS).
lib_init() {
    BIN=${2:?usage: test_$1.sh BIN_DIR}
    CASCADE="$BIN/cascade"
    CASCADED="$BIN/cascaded"
    WORK=$(mktemp -d "/tmp/cascade-$1-XXXXXX")
    PIDS=()
    passed=0
    failed=0
    trap lib_cleanup EXIT
}

lib_cleanup() {
    for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$WORK"
}

# as USER ARGS...: the client as USER, whose login and settings live in
# $WORK/home-USER (a script may define its own).
as() { local who=$1; shift; XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" "$@"; }

# expect NAME JQ_FILTER WANT: the JSON in $J gives WANT for the filter.
expect() {
    local got; got=$(jq -c "$2" <<<"$J")
    if [ "$got" = "$3" ]; then ok "$1 = $3"; else not_ok "$1 = $3" "got $got"; fi
}

# refused NAME STATUS WHO ARGS...: one sentence on stderr, nothing on stdout.
refused() {
    local name=$1 want=$2 who=$3; shift 3
    if run "$want" as "$who" "$@" && [ -z "$out" ] && [ "$(grep -c . <<<"$err")" -le 2 ]; then
        ok "$name: exit $want with one sentence"
    else not_ok "$name: exit $want with one sentence" "status $status: $out $err"; fi
}

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && sed 's/^/#   /' <<<"$2"; }
check() { # check NAME COMMAND...: passes when the command succeeds
    local name=$1; shift
    if "$@"; then ok "$name"; else not_ok "$name" "${out:-} ${err:-}"; fi
}

# run EXPECTED_STATUS CMD...: runs a command, keeping its stdout, stderr and
# status in out, err and status.
run() {
    local want=$1; shift
    "$@" >"$WORK/out" 2>"$WORK/err"
    status=$?
    out=$(cat "$WORK/out"); err=$(cat "$WORK/err")
    [ "$status" -eq "$want" ]
}

# start_server NAME [FLAGS...]: starts cascaded with data in $WORK/NAME and
# sets PORT, SPID and LOG. The port is free-chosen unless --listen is given.
# With CASCADE_TEST_STORE set (a postgresql:// URL), the data lives there
# instead, so a script written for SQLite runs against PostgreSQL too.
start_server() {
    local name=$1; shift
    LOG="$WORK/$name.log"
    local listen=(--listen 127.0.0.1:0) store=()
    for a in "$@"; do [ "$a" = --listen ] && listen=(); done
    [ -n "${CASCADE_TEST_STORE:-}" ] && store=(--store "$CASCADE_TEST_STORE")
    "$CASCADED" "${listen[@]}" --data "$WORK/$name" "${store[@]}" "$@" >"$LOG" 2>&1 &
    SPID=$!
    PIDS+=("$SPID")
    wait_listening "$LOG" "$SPID"
}

# wait_listening LOG PID: waits (bounded) until the server logs its port
# into PORT; exits the script if it dies or never listens.
wait_listening() {
    for _ in $(seq 1 500); do
        PORT=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | head -n1)
        [ -n "$PORT" ] && return 0
        kill -0 "$2" 2>/dev/null || break
        sleep 0.02
    done
    echo "cascaded did not start:"; cat "$1"
    exit 1
}

stop_server() { # stop_server PID: SIGTERM, wait, return its status
    kill -TERM "$1"
    wait "$1"
}

# finish: the closing line, and the exit status.
finish() {
    echo
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
