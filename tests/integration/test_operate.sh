#!/usr/bin/env bash
# Operating cascaded: the configuration file (keys, precedence of flags,
# --check-config, every kind of mistake named with file and line), binding
# before anything is made, SIGHUP reloading settings and the certificate
# without dropping a connection, SIGUSR1 reopening the log, and draining
# (cascade admin drain and SIGUSR2): no newcomers, a countdown to everyone,
# exit 0.
# Usage: test_operate.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init operate "$@"

# config_says NAME FILE_TEXT EXPECTED_STDERR_PART: --check-config of that
# file exits 2 naming the file and line.
config_says() {
    printf '%b' "$2" >"$WORK/bad.conf"
    if run 2 "$CASCADED" --config "$WORK/bad.conf" --check-config \
       && grep -qF -- "$3" <<<"$err"; then ok "config: $1"
    else not_ok "config: $1" "status $status: $err"; fi
}
# log_has PATTERN [LOG]: waits (bounded) for a line in the log.
log_has() {
    for _ in $(seq 1 100); do grep -q -- "$1" "${2:-$LOG}" && return 0; sleep 0.05; done
    return 1
}
unset CASCADE_WORKSHOP

# ---- The configuration file -------------------------------------------------
cat >"$WORK/good.conf" <<CONF
# cascaded's settings
listen = 127.0.0.1:0
[cascaded]
data = $WORK/fromfile   ; where the data lives
max-frame = 65536
text-limit = title=12
text-limit = unit=30
CONF
run 0 "$CASCADED" --config "$WORK/good.conf" --check-config
check "--check-config passes a good file, naming it" grep -q "configuration OK ($WORK/good.conf" <<<"$out"
check "--check-config starts nothing" test ! -e "$WORK/fromfile"
config_says "an unknown key, with the nearest one" 'rate = 5\nmax-framme = 2048\n' \
    "bad.conf:2: 'max-framme' is not a setting; did you mean 'max-frame'?"
config_says "a bad value names the key and the range" '\n\nmax-frame = 10\n' \
    "bad.conf:3: max-frame: It must be a whole number from 1024 to 67108864, not '10'."
config_says "a setting given twice" 'rate = 5\nrate = 6\n' "bad.conf:2: rate is set twice."
config_says "a line that is not key = value" 'rate = 5\njust words\n' \
    "bad.conf:2: not a 'key = value' line or a [section]."
config_says "a foreign section" '[mysql]\nport = 3306\n' "bad.conf:2: [mysql] is not a section"
config_says "a bad text limit" 'text-limit = title=0\n' "bad.conf:1: text-limit: The title limit"
config_says "a bad duration" 'agenda-warning = soon\n' "bad.conf:1: agenda-warning: It takes a duration"
config_says "an empty path" 'data =\n' "bad.conf:1: data: It needs a value."
config_says "cert without key" "cert = $WORK/c.pem\n" "Give --cert and --key"
printf 'rate = %s\n' "$(head -c 5000 /dev/zero | tr '\0' 7)" >"$WORK/long.conf"
if run 2 "$CASCADED" --config "$WORK/long.conf" --check-config \
   && grep -q "long.conf:1: longer than 4096 bytes" <<<"$err"; then ok "config: an overlong line"
else not_ok "config: an overlong line" "$err"; fi
if run 2 "$CASCADED" --config "$WORK/none.conf" --check-config \
   && grep -q "none.conf: cannot be read: No such file or directory." <<<"$err"; then
    ok "config: a missing file"
else not_ok "config: a missing file" "$err"; fi
if run 2 "$CASCADED" --max-frme 2048 && grep -q "'--max-frme' is an unknown option; did you mean --max-frame?" <<<"$err"
then ok "an unknown flag gets the nearest one"; else not_ok "an unknown flag gets the nearest one" "$err"; fi
if run 2 "$CASCADED" --config "$WORK/good.conf" --max-frame 12 --check-config \
   && grep -q -- "--max-frame: It must be" <<<"$err"; then ok "--check-config checks the flags too"
else not_ok "--check-config checks the flags too" "$err"; fi

# The server runs from the file; a flag overrides the file's text-limit.
LOG="$WORK/fromfile.log"
"$CASCADED" --config "$WORK/good.conf" --text-limit title=20 >"$LOG" 2>&1 &
SPID=$!; PIDS+=("$SPID")
wait_listening "$LOG" "$SPID"
export CASCADE_SERVER="127.0.0.1:$PORT"
check "the data directory comes from the file" test -s "$WORK/fromfile/initial-admin-password"
as admin login --user admin <"$WORK/fromfile/initial-admin-password" >/dev/null 2>&1
if run 0 as admin workshop create "Sixteen chars ok"; then ok "a flag overrides the file (title limit 20, not 12)"
else not_ok "a flag overrides the file" "$err"; fi
stop_server "$SPID"

# ---- Bind first ---------------------------------------------------------------
printf 'text-limit = title=200\n' >"$WORK/main.conf"
start_server main --config "$WORK/main.conf"
export CASCADE_SERVER="127.0.0.1:$PORT"
if run 1 "$CASCADED" --listen "127.0.0.1:$PORT" --data "$WORK/never" \
   && grep -q "Cannot listen on 127.0.0.1:$PORT" <<<"$err" \
   && [ ! -e "$WORK/never/initial-admin-password" ] && [ ! -e "$WORK/never/cert.pem" ]; then
    ok "a server that cannot bind made no administrator and no certificate"
else not_ok "a server that cannot bind made nothing" "$status $err $(ls "$WORK/never" 2>&1)"; fi

# ---- SIGHUP: settings and certificate, connections kept ------------------------
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
CODE=$(as admin workshop create "Reloads" 2>/dev/null)
as admin -w "$CODE" team add Acme >/dev/null
as admin -w "$CODE" --json watch >"$WORK/watch.out" 2>"$WORK/watch.err" &
WPID=$!; PIDS+=("$WPID")
for _ in $(seq 1 100); do [ "$(grep -c "opened" "$LOG")" -ge 5 ] && break; sleep 0.05; done
printf 'text-limit = title=12\n' >"$WORK/main.conf"
kill -HUP "$SPID"
log_has "configuration reloaded from $WORK/main.conf"
check "SIGHUP reloads the file" log_has "configuration reloaded from $WORK/main.conf"
if run 1 as admin -w "$CODE" obj add "Thirteen char" --team T1 && grep -q "12" <<<"$err"; then
    ok "after SIGHUP the new title limit (12) holds"
else not_ok "after SIGHUP the new title limit holds" "$status $out $err"; fi
as admin -w "$CODE" obj add "Twelve chars" --team T1 >/dev/null
for _ in $(seq 1 100); do grep -q '"objective.add\|obj' "$WORK/watch.out" && break; sleep 0.05; done
check "the watch opened before the reload goes on receiving" grep -q "Twelve chars" "$WORK/watch.out"
printf 'text-limit = title=0\n' >"$WORK/main.conf"
kill -HUP "$SPID"
check "a bad file on SIGHUP is refused, named in the log" log_has "reload refused, the running configuration stays: $WORK/main.conf:1"
if run 1 as admin -w "$CODE" obj add "Thirteen char" --team T1; then ok "and the running settings stay"
else not_ok "and the running settings stay" "$status $out $err"; fi
printf 'text-limit = title=200\nlisten = 127.0.0.1:1\n' >"$WORK/main.conf"
kill -HUP "$SPID"
check "a setting that needs a restart is named (here overridden by the flag, so not)" \
    log_has "configuration reloaded"
# A new certificate: new connections see it, the watch stays.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$WORK/k.pem" -out "$WORK/c.pem" >/dev/null 2>&1
printf 'cert = %s\nkey = %s\n' "$WORK/c.pem" "$WORK/k.pem" >"$WORK/main.conf"
kill -HUP "$SPID"
NEWFP=$(openssl x509 -in "$WORK/c.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
check "SIGHUP loads the new certificate" log_has "certificate $WORK/c.pem fingerprint SHA256:$NEWFP"
if run 0 as fresh --ca "$WORK/c.pem" ping; then ok "a new connection verifies against the new certificate"
else not_ok "a new connection verifies against the new certificate" "$err"; fi
check "the watch is still connected" kill -0 "$WPID"

# exited PID: waits (bounded, 20 s) for a server to end; its exit status,
# or 255 when it is still running.
exited() {
    for _ in $(seq 1 400); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$1" 2>/dev/null && return 255
    wait "$1"
}
# ---- Draining ----------------------------------------------------------------------
as admin --ca "$WORK/c.pem" admin user add bob --password-stdin <<<"pw-bob-0123456789" >/dev/null 2>&1
as bob --ca "$WORK/c.pem" login --user bob <<<"pw-bob-0123456789" >/dev/null 2>&1
refused_usage() {
    if run "$1" as admin --ca "$WORK/c.pem" admin drain "${@:2}" && [ "$(grep -c . <<<"$err")" -le 2 ]; then ok "admin drain ${*:2}: exit $1"
    else not_ok "admin drain ${*:2}: exit $1" "$status $out $err"; fi
}
refused_usage 2 --within 0s
refused_usage 2 --within 2h
refused_usage 2 --within soon
if run 1 as admin --ca "$WORK/c.pem" admin drain --reason "$(head -c 300 /dev/zero | tr '\0' x)" \
   && grep -q "200" <<<"$err"; then ok "a 300-byte reason is refused, naming the limit"
else not_ok "a 300-byte reason is refused" "$status $err"; fi
if run 1 as bob --ca "$WORK/c.pem" admin drain && grep -q "Only" <<<"$err"; then ok "a non-admin cannot drain"
else not_ok "a non-admin cannot drain" "$status $err"; fi
check "nothing has drained yet" run 0 as admin --ca "$WORK/c.pem" ping
run 0 as admin --ca "$WORK/c.pem" admin drain --within 3s --reason "Upgrading to 1.1."
check "admin drain answers" grep -q "stops within 3 s" <<<"$out"
for _ in $(seq 1 100); do grep -q going_away "$WORK/watch.out" && break; sleep 0.05; done
check "the watch is told the reason and the countdown" \
    grep -q '"going_away":{"reason":"Upgrading to 1.1.","closes_in_s":3}' "$WORK/watch.out"
if run 3 as admin --ca "$WORK/c.pem" ping; then ok "no new connections while draining"
else not_ok "no new connections while draining" "$status $out $err"; fi
exited "$SPID"; rc=$?
check "the drained server exits 0" test "$rc" -eq 0
check "it stopped when the time was up" grep -q "drain time is up" "$LOG"
kill "$WPID" 2>/dev/null

# ---- The service manager's notify protocol (systemd's Type=notify) --------------
/usr/bin/python3 - "$WORK/notify.sock" "$WORK/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(30)
with open(sys.argv[2], "w", buffering=1) as out:
    try:
        while True:
            out.write(s.recv(4096).decode() + "\n--\n")
    except socket.timeout:
        pass
PY
NPID=$!; PIDS+=("$NPID")
for _ in $(seq 1 100); do [ -S "$WORK/notify.sock" ] && break; sleep 0.05; done
NOTIFY_SOCKET="$WORK/notify.sock" start_server notified
for _ in $(seq 1 100); do grep -q READY=1 "$WORK/notify.out" 2>/dev/null && break; sleep 0.05; done
check "cascaded tells the service manager it is ready, and where it listens" \
    eval 'grep -q "^READY=1$" "$WORK/notify.out" && grep -q "^STATUS=listening on 127.0.0.1:$PORT$" "$WORK/notify.out"'
kill -HUP "$SPID"
for _ in $(seq 1 100); do [ "$(grep -c "^READY=1$" "$WORK/notify.out")" -ge 2 ] && break; sleep 0.05; done
check "a reload is announced, then ready again" eval '[ "$(grep -c "^READY=1$" "$WORK/notify.out")" -ge 2 ] && grep -q "^RELOADING=1$" "$WORK/notify.out"'
stop_server "$SPID"
for _ in $(seq 1 100); do grep -q STOPPING=1 "$WORK/notify.out" && break; sleep 0.05; done
check "and the stop" grep -q "^STOPPING=1$" "$WORK/notify.out"
kill "$NPID" 2>/dev/null

# ---- Prometheus metrics -----------------------------------------------------------
start_server metered --metrics 127.0.0.1:0
MURL=$(sed -n 's#.*metrics on \(http://[^ ]*\)$#\1#p' "$LOG" | head -n1)
check "--metrics serves Prometheus text (at $MURL)" eval 'curl -sf "$MURL" | grep -q "^cascade_build_info{version="'
metric() { curl -sf "$MURL" | awk -v m="$1" '$1 == m { print $2 }'; }
R0=$(metric cascade_requests_total); L0=$(metric cascade_logins_total); E0=$(metric cascade_events_total)
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/metered/initial-admin-password" >/dev/null 2>&1
MCODE=$(as admin workshop create "Metered" 2>/dev/null)
as admin -w "$MCODE" --json watch >/dev/null 2>&1 &
MW=$!; PIDS+=("$MW")
sleep 0.5
as admin -w "$MCODE" team add Acme >/dev/null
for _ in $(seq 1 50); do [ "$(metric cascade_deliveries_total)" -ge 1 ] && break; sleep 0.05; done
NOW="requests $(metric cascade_requests_total) (from $R0), logins $(metric cascade_logins_total) (from $L0), events $(metric cascade_events_total) (from $E0), deliveries $(metric cascade_deliveries_total)"
if [ "$(metric cascade_requests_total)" -gt "$R0" ] && [ "$(metric cascade_logins_total)" -eq $((L0 + 1)) ] \
   && [ "$(metric cascade_events_total)" -ge $((E0 + 1)) ] && [ "$(metric cascade_deliveries_total)" -ge 1 ]; then
    ok "requests, logins, events and deliveries are counted"
else not_ok "requests, logins, events and deliveries are counted" "$NOW"; fi
check "the open connections are a gauge (the watch is one)" eval '[ "$(metric cascade_connections)" -ge 1 ]'
INF=$(curl -sf "$MURL" | grep '^cascade_commit_duration_seconds_bucket{le="+Inf"}' | awk '{print $2}')
COUNT=$(metric cascade_commit_duration_seconds_count)
if [ "${COUNT:-0}" -ge 1 ] && [ "$INF" = "$COUNT" ]; then ok "every commit is in the histogram ($COUNT)"
else not_ok "every commit is in the histogram" "+Inf $INF, count $COUNT"; fi
check "the database and memory are read" eval '[ "$(metric cascade_database_bytes)" -gt 0 ] && [ "$(metric cascade_resident_memory_bytes)" -gt 0 ]'
if command -v promtool >/dev/null 2>&1; then
    if curl -sf "$MURL" | promtool check metrics >"$WORK/promtool.out" 2>&1; then ok "promtool check metrics finds nothing to say"
    else not_ok "promtool check metrics" "$(cat "$WORK/promtool.out")"; fi
else echo "# promtool is not installed (scripts/install-deps.sh installs prometheus); not checked"; fi
check "any other path is 404" eval '[ "$(curl -s -o /dev/null -w "%{http_code}" "${MURL%/metrics}/other")" = 404 ]'
check "any other method is 405" eval '[ "$(curl -s -o /dev/null -w "%{http_code}" -X POST "$MURL")" = 405 ]'
MPORT=${MURL#http://127.0.0.1:}; MPORT=${MPORT%/metrics}
if run 1 "$CASCADED" --listen 127.0.0.1:0 --data "$WORK/metered2" --metrics "127.0.0.1:$MPORT" \
   && grep -q "Cannot serve metrics on 127.0.0.1:$MPORT" <<<"$err"; then
    ok "a metrics port that is taken stops the start with one sentence"
else not_ok "metrics port taken" "$status $err"; fi
if run 2 "$CASCADED" --metrics "nowhere" --check-config && grep -q -- "--metrics" <<<"$err"; then
    ok "a malformed --metrics is a usage error"
else not_ok "malformed --metrics" "$status $err"; fi
kill "$MW" 2>/dev/null
stop_server "$SPID"

# ---- SIGUSR1 and SIGUSR2, on a server logging to a file ------------------------
FLOG="$WORK/quiet.log"
"$CASCADED" --listen 127.0.0.1:0 --data "$WORK/quiet" --log "$FLOG" >"$WORK/quiet.out" 2>&1 &
SPID=$!; PIDS+=("$SPID")
wait_listening "$FLOG" "$SPID"
check "--log writes the log to the file, not stderr" test ! -s "$WORK/quiet.out"
mv "$FLOG" "$FLOG.1"
kill -USR1 "$SPID"
check "SIGUSR1 reopens the log under its name" log_has "log file reopened" "$FLOG"
kill -USR2 "$SPID"
exited "$SPID"; rc=$?
check "SIGUSR2 drains; with nobody left the server exits 0 at once" test "$rc" -eq 0
check "and says why" grep -q "drained: every connection has gone" "$FLOG"
finish
