#!/usr/bin/env bash
# The `cascade` and `cascaded` binaries as a person uses them: ping, trust on
# first use, CA verification, failures and their exit statuses, shutdown.
# Usage: test_cli.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init cli "$@"

server_fingerprint() { sed -n 's/.*fingerprint \(SHA256:[0-9A-F:]*\).*/\1/p' "$1" | head -n1; }

export XDG_CONFIG_HOME="$WORK/alice"
unset CASCADE_SERVER CASCADE_WORKSHOP

# ---- first start --------------------------------------------------------------
start_server one
FP1=$(server_fingerprint "$LOG"); SPID1=$SPID; PORT1=$PORT
check "first start creates a certificate and prints its fingerprint" \
    test -s "$WORK/one/cert.pem" -a -n "$FP1"
check "the private key is mode 0600" test "$(stat -c %a "$WORK/one/key.pem")" = 600
check "the server id is stored" test -s "$WORK/one/server-id"

# ---- ping and trust on first use ------------------------------------------------
if run 0 "$CASCADE" --server "127.0.0.1:$PORT" ping && grep -q "^cascaded .* answered in" <<<"$out"; then
    ok "ping prints the server's version and round-trip time"
else not_ok "ping prints the server's version and round-trip time" "$status $out $err"; fi
if grep -q "first connection to 127.0.0.1:$PORT" <<<"$err" && grep -qF "$FP1" <<<"$err"; then
    ok "the first connection shows the fingerprint it pins"
else not_ok "the first connection shows the fingerprint it pins" "$err"; fi
check "the pin is stored in known_servers with mode 0600" \
    grep -qF "127.0.0.1:$PORT $FP1" "$XDG_CONFIG_HOME/cascade/known_servers"
check "known_servers is mode 0600" test "$(stat -c %a "$XDG_CONFIG_HOME/cascade/known_servers")" = 600
if run 0 "$CASCADE" --server "127.0.0.1:$PORT" ping && [ -z "$err" ]; then
    ok "a later connection to a pinned server is silent"
else not_ok "a later connection to a pinned server is silent" "$err"; fi
export CASCADE_SERVER="127.0.0.1:$PORT"
if run 0 "$CASCADE" --json ping --count 3 && grep -q '"rtt_ms":' <<<"$out" \
   && grep -q '"protocol":1' <<<"$out" && [ "$(wc -l <<<"$out")" -eq 1 ]; then
    ok "ping --json prints one JSON object (CASCADE_SERVER picks the server)"
else not_ok "ping --json prints one JSON object" "$out $err"; fi

# ---- many clients at once ---------------------------------------------------------
for i in $(seq 1 20); do "$CASCADE" ping >/dev/null 2>&1 & PIDS+=($!); CLIENTS+=($!); done
bad=0
for p in "${CLIENTS[@]}"; do wait "$p" || bad=$((bad + 1)); done
check "20 clients ping at the same time" test "$bad" -eq 0

# ---- verification against a CA file -------------------------------------------------
export XDG_CONFIG_HOME="$WORK/bob"
if run 0 "$CASCADE" --ca "$WORK/one/cert.pem" ping && [ ! -e "$WORK/bob/cascade/known_servers" ]; then
    ok "--ca verifies the chain and the address, and pins nothing"
else not_ok "--ca verifies the chain and the address" "$status $err"; fi
check "--ca verifies the name localhost too" \
    run 0 "$CASCADE" --server "localhost:$PORT" --ca "$WORK/one/cert.pem" ping

# ---- a second server, for a certificate that is not the pinned one ------------------------
start_server two
PORT2=$PORT; SPID2=$SPID; FP2=$(server_fingerprint "$LOG")
if run 3 "$CASCADE" --server "127.0.0.1:$PORT2" --ca "$WORK/one/cert.pem" ping \
   && grep -q "did not verify" <<<"$err"; then
    ok "--ca refuses a certificate it does not vouch for (exit 3)"
else not_ok "--ca refuses a certificate it does not vouch for" "$status $err"; fi
check "--ca with a missing file is refused" run 3 "$CASCADE" --ca "$WORK/nope.pem" ping
stop_server "$SPID2"

# ---- the certificate changes under a pinned address ---------------------------------------
export XDG_CONFIG_HOME="$WORK/alice"
stop_server "$SPID1"
start_server three --listen "127.0.0.1:$PORT1"
FP3=$(server_fingerprint "$LOG"); SPID3=$SPID
if run 3 "$CASCADE" ping && grep -qF "$FP1" <<<"$err" && grep -qF "$FP3" <<<"$err" \
   && grep -qF "cascade known-servers forget 127.0.0.1:$PORT1" <<<"$err" \
   && [ "$(wc -l <<<"$err")" -eq 1 ]; then
    ok "a changed certificate is refused with both fingerprints and the way out (exit 3)"
else not_ok "a changed certificate is refused" "$status $err"; fi
check "the old pin is kept after a refusal" \
    grep -qF "127.0.0.1:$PORT1 $FP1" "$WORK/alice/cascade/known_servers"
check "known-servers forget removes the pin" run 0 "$CASCADE" known-servers forget "127.0.0.1:$PORT1"
check "known-servers forget of an unknown server is refused (exit 1)" \
    run 1 "$CASCADE" known-servers forget "127.0.0.1:1"
if run 0 "$CASCADE" ping && grep -qF "$FP3" <<<"$err"; then
    ok "after forgetting, the new certificate is pinned"
else not_ok "after forgetting, the new certificate is pinned" "$status $err"; fi
if run 0 "$CASCADE" known-servers list && grep -qF "127.0.0.1:$PORT1 $FP3" <<<"$out"; then
    ok "known-servers list shows the pin"
else not_ok "known-servers list shows the pin" "$out"; fi

# ---- failures and their exit statuses --------------------------------------------------------
if run 3 "$CASCADE" --timeout 2000 --server "127.0.0.1:$PORT2" ping && grep -q "Cannot reach" <<<"$err" \
   && [ "$(wc -l <<<"$err")" -eq 1 ]; then
    ok "a server that is down: one sentence, exit 3"
else not_ok "a server that is down" "$status $err"; fi
kill -STOP "$SPID3"
if run 3 "$CASCADE" --timeout 500 ping && grep -q "timed out" <<<"$err"; then
    ok "a server that does not answer: time-out, exit 3"
else not_ok "a server that does not answer" "$status $err"; fi
kill -CONT "$SPID3"
check "an unknown command is a usage error (exit 2)" run 2 "$CASCADE" frobnicate
check "a bad option value is a usage error (exit 2)" run 2 "$CASCADE" ping --count many
check "an unknown option is a usage error (exit 2)" run 2 "$CASCADE" ping --loud
check "a malformed server address is a usage error (exit 2)" run 2 "$CASCADE" --server nonsense ping
check "cascade --version" run 0 "$CASCADE" --version
check "cascaded rejects an unknown flag (exit 2)" run 2 "$CASCADED" --bogus
check "cascaded wants --cert and --key together (exit 2)" run 2 "$CASCADED" --cert x.pem
check "cascaded rejects a malformed --max-frame (exit 2)" run 2 "$CASCADED" --max-frame 12abc
if run 1 "$CASCADED" --listen "127.0.0.1:$PORT1" --data "$WORK/busy" && grep -q "Cannot listen" <<<"$err"; then
    ok "cascaded on a busy port says so and exits 1"
else not_ok "cascaded on a busy port" "$status $err"; fi

# ---- an operator's own certificate ------------------------------------------------------------
start_server four --cert "$WORK/one/cert.pem" --key "$WORK/one/key.pem"
check "--cert/--key serve the given certificate" test "$(server_fingerprint "$LOG")" = "$FP1"
check "no self-signed pair is made when --cert is given" test ! -e "$WORK/four/cert.pem"
check "a client pinned to that certificate connects" \
    run 0 "$CASCADE" --server "127.0.0.1:$PORT" --ca "$WORK/one/cert.pem" ping
stop_server "$SPID"

# ---- certificate rotation under one CA ---------------------------------------------------------
# A CA and two server certificates it signed, for 127.0.0.1: a client that
# verifies with --ca keeps working when the server moves to the new one.
ca="$WORK/ca"; mkdir -p "$ca"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=test-ca \
    -keyout "$ca/ca.key" -out "$ca/ca.pem" 2>/dev/null
for n in 1 2; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=cascaded \
        -keyout "$ca/server$n.key" -out "$ca/server$n.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$ca/ext"
    openssl x509 -req -in "$ca/server$n.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial \
        -days 2 -extfile "$ca/ext" -out "$ca/server$n.pem" 2>/dev/null
done
export XDG_CONFIG_HOME="$WORK/carol"
start_server five --cert "$ca/server1.pem" --key "$ca/server1.key"
SPID5=$SPID; PORT5=$PORT
check "a client with --ca trusts a certificate its CA signed" \
    run 0 "$CASCADE" --server "127.0.0.1:$PORT5" --ca "$ca/ca.pem" ping
stop_server "$SPID5"
start_server five --listen "127.0.0.1:$PORT5" --cert "$ca/server2.pem" --key "$ca/server2.key"
if run 0 "$CASCADE" --server "127.0.0.1:$PORT5" --ca "$ca/ca.pem" ping; then
    ok "after rotating to a new certificate from the same CA, --ca clients keep working"
else not_ok "after rotating to a new certificate from the same CA, --ca clients keep working" "$err"; fi
if run 0 "$CASCADE" --server "127.0.0.1:$PORT5" --ca "$ca/ca.pem" --json ping \
   && grep -qF "$(server_fingerprint "$LOG")" <<<"$out"; then
    ok "and they are talking to the new certificate"
else not_ok "and they are talking to the new certificate" "$out"; fi
stop_server "$SPID"
export XDG_CONFIG_HOME="$WORK/alice"

# ---- graceful shutdown ---------------------------------------------------------------------------
stop_server "$SPID3"
st=$?
check "SIGTERM: cascaded exits 0" test "$st" -eq 0
check "shutdown is logged" grep -q "shutting down" "$WORK/three.log"

finish
