#!/usr/bin/env bash
# What an attacker could do with what the server and the client leave
# lying about, each refused: TLS sessions that resume, a data directory
# others can read, the first administrator's password in the log, a
# credentials file others can read. And what a member could do to a
# workshop: make it too big to read in one frame, which every role must
# still read whole.
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
stop_server "$SPID"

# ---- a workshop whose state is three times --max-outbound --------------------
# A member posts comments until the snapshot is over 3 x 64 KiB; the
# facilitator, the member and an observer all read it whole.
as() { local who=$1; shift; XDG_CONFIG_HOME="$WORK/home-$who" HOME="$WORK/home-$who" "$CASCADE" "$@"; }
start_server big --max-outbound 65536
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/big/initial-admin-password" >/dev/null 2>&1
for u in fay mel oscar; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
BIG=$(as fay workshop create "Big" --period 2026-Q4 2>/dev/null)
as fay team add Acme --level company >/dev/null
as fay obj add "Grow" --team T1 >/dev/null
as mel join "$(as fay workshop invite --role member --team T1)" >/dev/null 2>&1
as oscar join "$(as fay workshop invite --role observer)" >/dev/null 2>&1
COMMENT=$(head -c 1990 /dev/zero | tr '\0' 'c')
N=110
posted=0
for i in $(seq 1 $N); do
    as mel -w "$BIG" comment O1 "$i $COMMENT" >/dev/null 2>&1 && posted=$((posted + 1))
done
check "the member posted $N comments of 2,000 bytes" test "$posted" = "$N"
for who in fay mel oscar; do
    if run 0 as "$who" -w "$BIG" --json show \
       && [ "$(grep -o '"id":"C[0-9]*"' <<<"$out" | wc -l)" = "$N" ] \
       && [ "$(wc -c <<<"$out")" -gt $((3 * 65536)) ]; then
        ok "$who reads all $N comments (${#out} bytes of JSON)"
    else not_ok "$who reads the big workshop" "status $status ${err:0:300}"; fi
    check "$who: score works on it" run 0 as "$who" -w "$BIG" score
    check "$who: lint works on it" eval 'run 0 as "$who" -w "$BIG" lint || [ "$status" = 1 ]'
done
check "nobody was dropped for not reading" bash -c '! grep -q "not reading" "$1"' _ "$LOG"
stop_server "$SPID"

# One snapshot larger than --max-snapshot-memory is refused, saying which flag.
start_server big --listen "127.0.0.1:$PORT" --max-outbound 65536 --max-snapshot-memory 65536
if run 1 as fay -w "$BIG" show && grep -q "more than this server sends at once (--max-snapshot-memory 65536)" <<<"$err"; then
    ok "a snapshot over --max-snapshot-memory is refused, naming the flag"
else not_ok "a snapshot over --max-snapshot-memory is refused" "status $status $out $err"; fi
check "the server is still up" run 0 as fay ping

finish
