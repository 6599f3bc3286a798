#!/usr/bin/env bash
# What an attacker could do with what the server and the client leave
# lying about, each refused: TLS sessions that resume, a data directory
# others can read, the first administrator's password in the log, a
# credentials file others can read.
set -u
. "$(dirname "$0")/lib.sh"
lib_init hardening "$@"
export XDG_CONFIG_HOME="$WORK/home" HOME="$WORK/home"
unset CASCADE_SERVER CASCADE_WORKSHOP

start_server main
PW=$(head -n1 "$WORK/main/initial-admin-password")
check "the first administrator's password is not in the log" \
    bash -c '! grep -qF -- "$1" "$2"' _ "$PW" "$LOG"
check "the log says where the password is" grep -q "initial-admin-password, readable only" "$LOG"
check "a new data directory is 0700" test "$(stat -c %a "$WORK/main")" = 700
check "a new database is 0600" test "$(stat -c %a "$WORK/main/cascade.db")" = 600

# resumed VERSION: whether a second handshake resumes the first's session.
resumed() {
    local v=$1 sess="$WORK/sess-$1"
    rm -f "$sess"
    timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "-$v" -sess_out "$sess" \
        </dev/null >"$WORK/first-$v" 2>&1
    [ -s "$sess" ] || return 1 # nothing to resume with
    timeout 10 openssl s_client -connect "127.0.0.1:$PORT" "-$v" -sess_in "$sess" \
        </dev/null >"$WORK/second-$v" 2>&1
    grep -q '^Reused' "$WORK/second-$v"
}
for v in tls1_2 tls1_3; do
    if resumed "$v"; then not_ok "a $v session cannot be resumed (no tickets, no cache)"
    else ok "a $v session cannot be resumed (no tickets, no cache)"; fi
done
check "the first handshake did happen" grep -q "^New, TLSv1.2" "$WORK/first-tls1_2"

# The client's file of session tokens, like an ssh key, must be its owner's alone.
export CASCADE_SERVER="127.0.0.1:$PORT"
"$CASCADE" login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
CRED="$XDG_CONFIG_HOME/cascade/credentials"
check "the credentials file is made 0600" test "$(stat -c %a "$CRED")" = 600
check "the stored session works" run 0 "$CASCADE" whoami
chmod 0644 "$CRED"
check "a credentials file others can read is refused (exit 1)" run 1 "$CASCADE" whoami
check "... saying how to fix it" grep -q "Permissions 0644 for $CRED are too open" <<<"$err"
chmod 0600 "$CRED"
check "once private again it works" run 0 "$CASCADE" whoami

# A directory from before (or made by hand) with group and other access.
stop_server "$SPID"
chmod 0755 "$WORK/main"
chmod 0644 "$WORK/main/cascade.db" "$WORK/main/key.pem"
start_server main
check "an open data directory is made 0700 at start" test "$(stat -c %a "$WORK/main")" = 700
check "an open database is made 0600 at start" test "$(stat -c %a "$WORK/main/cascade.db")" = 600
check "an open key is made 0600 at start" test "$(stat -c %a "$WORK/main/key.pem")" = 600
check "the log names what was tightened" grep -q "cascade.db was open to other users" "$LOG"

finish
