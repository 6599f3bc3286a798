#!/usr/bin/env bash
# Accounts after they exist, through the real `cascade` and `cascaded`:
# changing one's own password, an administrator setting a password or
# disabling an account (whose sessions, even a running watch, end), and
# the login throttle against guessing. Every wait is a bounded poll.
# Usage: test_accounts.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init accounts "$@"

# as HOME CMD...: runs cascade with its own config home (one session each).

# login HOME USER PASSWORD: logs in, keeping out, err and status as run does.
login() { run "$4" as "$1" login --user "$2" <<<"$3"; }

# wait_grep FILE PATTERN: waits (bounded: 10 s) until FILE has a matching line.
wait_grep() {
    for _ in $(seq 1 500); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.02
    done
    return 1
}

# wait_exit PID: waits (bounded: 10 s) for a background process to end, and
# sets st to its exit status; one still running then is killed (status 137).
# bash keeps the status of a reaped child for `wait`.
wait_exit() {
    for _ in $(seq 1 500); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.02
    done
    kill -9 "$1" 2>/dev/null
    wait "$1"
    st=$?
}

# watch_bg HOME FILE: starts `cascade --json watch --since 0` as HOME in the
# background (from 0, so no event can slip by before it subscribes), its
# stdout in FILE and stderr in FILE.err, and sets WPID.
watch_bg() {
    XDG_CONFIG_HOME="$WORK/home-$1" "$CASCADE" --json -w "$CODE" watch --since 0 >"$2" 2>"$2.err" &
    WPID=$!
    PIDS+=("$WPID")
}

unset CASCADE_SERVER CASCADE_WORKSHOP NO_COLOR

start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
ADMIN_PW=$(head -n1 "$WORK/main/initial-admin-password")
check "admin logs in" login admin admin "$ADMIN_PW" 0
for u in alice bob carol dave; do
    check "admin adds $u" eval "run 0 as admin admin user add $u --password-stdin <<<'$u-pass-1'"
done
check "alice and carol log in" eval 'login alice alice alice-pass-1 0 && login carol carol carol-pass-1 0'
if run 0 as alice workshop create "Accounts" && [ -n "$out" ]; then CODE=$out; ok "alice creates a workshop"
else not_ok "alice creates a workshop" "$out $err"; CODE=NONE; fi

# ---- cascade passwd -------------------------------------------------------------
login alice2 alice alice-pass-1 0
login alice3 alice alice-pass-1 0
check "carol joins the workshop" run 0 as carol join "$CODE"
watch_bg alice2 "$WORK/watch-alice2"; ALICE_WATCH=$WPID
check "alice's other session watches the workshop" \
    eval 'run 0 as alice -w "$CODE" team add Sales && wait_grep "$WORK/watch-alice2" "\"seq\":1,"'

if run 0 as alice passwd <<<$'alice-pass-1\nalice-pass-2\nalice-pass-2' \
   && [ "$out" = "Password changed; your other sessions are logged out." ]; then
    ok "passwd changes the password (three lines on stdin)"
else not_ok "passwd changes the password" "$status $out $err"; fi
check "the session that changed the password stays logged in" run 0 as alice whoami
wait_exit "$ALICE_WATCH"
if [ "$st" -eq 1 ] && grep -q "no longer valid" "$WORK/watch-alice2.err"; then
    ok "the other session's running watch ends (exit 1) and says why"
else not_ok "the other session's running watch ends" "status $st: $(cat "$WORK/watch-alice2.err")"; fi
if run 1 as alice3 whoami && grep -q "no longer valid" <<<"$err"; then
    ok "alice's other session elsewhere is logged out (exit 1)"
else not_ok "alice's other session elsewhere is logged out" "$status $out $err"; fi
if login alice3 alice alice-pass-1 1 && grep -q "Wrong user name or password." <<<"$err"; then
    ok "the old password no longer logs in (exit 1)"
else not_ok "the old password no longer logs in" "$status $out $err"; fi
check "the new password logs in" login alice3 alice alice-pass-2 0

if run 1 as alice passwd <<<$'not-my-password\nalice-pass-3\nalice-pass-3' \
   && grep -q "The current password is wrong; the password was not changed." <<<"$err"; then
    ok "passwd with a wrong current password is refused (exit 1)"
else not_ok "passwd with a wrong current password is refused" "$status $out $err"; fi
if run 2 as alice passwd <<<$'alice-pass-2\nalice-pass-3\nalice-pass-4' \
   && grep -q "The two new passwords differ" <<<"$err"; then
    ok "passwd with two different new passwords is a usage error (exit 2)"
else not_ok "passwd with two different new passwords is a usage error" "$status $out $err"; fi
if run 1 as alice passwd <<<$'alice-pass-2\nshort\nshort' \
   && grep -q "A password has 8 to 256 characters." <<<"$err"; then
    ok "passwd refuses a new password under 8 characters (exit 1)"
else not_ok "passwd refuses a short new password" "$status $out $err"; fi
check "passwd with too few lines on stdin is a usage error (exit 2)" \
    eval "run 2 as alice passwd <<<'alice-pass-2'"
check "the refused changes left the password as it was" login alice4 alice alice-pass-2 0
if run 1 as nobody passwd <<<$'a\nb\nb' && grep -q "You are not logged in" <<<"$err"; then
    ok "passwd when not logged in is refused before asking (exit 1)"
else not_ok "passwd when not logged in is refused" "$status $out $err"; fi

# ---- cascade admin user passwd --------------------------------------------------
login bob bob bob-pass-1 0
login bob2 bob bob-pass-1 0
if run 0 as admin admin user passwd bob \
   && BOB_PW=$(sed -n 's/^Set the password of bob to \([^;]*\); give it to them over a safe channel\. Their sessions have ended\.$/\1/p' <<<"$out") \
   && [ -n "$BOB_PW" ]; then
    ok "admin user passwd prints a generated password"
else not_ok "admin user passwd prints a generated password" "$status $out $err"; BOB_PW=NONE; fi
check "bob's existing sessions are logged out (exit 1)" \
    eval 'run 1 as bob whoami && run 1 as bob2 whoami'
check "bob's old password no longer logs in" login bob bob bob-pass-1 1
check "bob logs in with the generated password" login bob bob "$BOB_PW" 0
if run 0 as admin admin user passwd bob --password-stdin <<<"bob-pass-3" \
   && [ "$out" = "Set the password of bob; their sessions have ended." ]; then
    ok "admin user passwd --password-stdin sets the given password"
else not_ok "admin user passwd --password-stdin" "$status $out $err"; fi
check "bob's session from the generated password is logged out" run 1 as bob whoami
check "the generated password no longer logs in" login bob bob "$BOB_PW" 1
check "bob logs in with the password from stdin" login bob bob bob-pass-3 0
if run 0 as admin --json admin user passwd bob && grep -q '"user":"bob","password":"' <<<"$out"; then
    ok "admin user passwd --json prints the generated password"
    BOB_PW=$(sed -n 's/.*"password":"\([^"]*\)".*/\1/p' <<<"$out")
else not_ok "admin user passwd --json" "$status $out $err"; fi
check "bob logs in with the password from --json" login bob bob "$BOB_PW" 0
if run 1 as bob admin user passwd alice --password-stdin <<<"taken-over-1" \
   && grep -q "Only the server's administrator can manage users." <<<"$err"; then
    ok "a non-administrator cannot set passwords (exit 1)"
else not_ok "a non-administrator cannot set passwords" "$status $out $err"; fi
check "alice's password is unchanged by the refused request" login alice5 alice alice-pass-2 0
if run 1 as admin admin user passwd nobody && grep -q "There is no user named 'nobody'" <<<"$err"; then
    ok "admin user passwd of an unknown user is refused (exit 1)"
else not_ok "admin user passwd of an unknown user" "$status $out $err"; fi
check "admin user passwd with a short password is refused (exit 1)" \
    eval "run 1 as admin admin user passwd bob --password-stdin <<<'short'"
check "admin user passwd without a name is a usage error (exit 2)" \
    run 2 as admin admin user passwd

# ---- cascade admin user disable -------------------------------------------------
login carol2 carol carol-pass-1 0
watch_bg carol "$WORK/watch-carol"; CAROL_WATCH=$WPID
check "carol's watch is live" \
    eval 'run 0 as alice -w "$CODE" team add Ops && wait_grep "$WORK/watch-carol" "\"seq\":2,"'
if run 1 as bob admin user disable carol && grep -q "Only the server's administrator" <<<"$err"; then
    ok "a non-administrator cannot disable accounts (exit 1)"
else not_ok "a non-administrator cannot disable accounts" "$status $out $err"; fi
check "carol's watch survives the refused request" kill -0 "$CAROL_WATCH"
if run 0 as admin admin user disable carol \
   && [ "$out" = "Disabled carol; their sessions have ended and they cannot log in." ]; then
    ok "admin user disable disables carol"
else not_ok "admin user disable disables carol" "$status $out $err"; fi
wait_exit "$CAROL_WATCH"
if [ "$st" -eq 1 ] && grep -q "no longer valid" "$WORK/watch-carol.err"; then
    ok "carol's running watch ends (exit 1): its resume is refused, and it says so"
else not_ok "carol's running watch ends" "status $st: $(cat "$WORK/watch-carol.err")"; fi
check "carol's other existing session is refused (exit 1)" run 1 as carol2 whoami
if login carol3 carol carol-pass-1 1 && grep -q "This account is disabled" <<<"$err"; then
    ok "carol cannot log in, even with the right password (exit 1)"
else not_ok "carol cannot log in" "$status $out $err"; fi
if run 0 as admin --json admin user list && grep -q '"name":"carol","admin":false,"disabled":true' <<<"$out"; then
    ok "admin user list shows carol disabled"
else not_ok "admin user list shows carol disabled" "$out $err"; fi
if run 1 as admin admin user disable admin && grep -q "You cannot disable your own account" <<<"$err"; then
    ok "an administrator cannot disable themselves (exit 1)"
else not_ok "an administrator cannot disable themselves" "$status $out $err"; fi
check "the administrator is still logged in" run 0 as admin whoami
check "disabling an unknown user is refused (exit 1)" run 1 as admin admin user disable nobody
if run 0 as admin --json admin user disable carol && grep -q '"user":"carol","disabled":true' <<<"$out"; then
    ok "disabling a disabled user again is harmless (--json)"
else not_ok "disabling a disabled user again" "$status $out $err"; fi
check "a non-administrator cannot enable accounts (exit 1)" \
    eval 'run 1 as bob admin user enable carol && grep -q "Only the server'"'"'s administrator" <<<"$err"'
check "carol2's session ended with the disable and stays ended" run 1 as carol2 whoami
if run 0 as admin admin user enable carol && [ "$out" = "Enabled carol; they can log in again." ] \
   && run 0 as admin --json admin user list && grep -q '"name":"carol","admin":false,"disabled":false' <<<"$out"; then
    ok "admin user enable lets carol back in; the list shows her enabled"
else not_ok "admin user enable enables carol" "$status $out $err"; fi
check "the sessions that ended with the disable stay ended" run 1 as carol2 whoami
if login carol3 carol carol-pass-1 0 && run 0 as carol3 whoami; then
    ok "carol logs in again with her password"
else not_ok "carol logs in again after enable" "$status $out $err"; fi
if run 0 as admin --json admin user enable carol && grep -q '"user":"carol","disabled":false' <<<"$out" \
   && run 1 as admin admin user enable nobody && grep -q "nobody" <<<"$err"; then
    ok "enabling an enabled user is harmless (--json); an unknown user is refused (exit 1)"
else not_ok "enable is idempotent; unknown refused" "$status $out $err"; fi

# ---- the login throttle -----------------------------------------------------------
wrong=0
for i in 1 2 3 4 5; do
    login dave dave "wrong-guess-$i" 1 && grep -q "Wrong user name or password." <<<"$err" \
        && wrong=$((wrong + 1))
done
check "five wrong passwords for dave are refused as wrong" test "$wrong" -eq 5
if login dave dave dave-pass-1 1 \
   && grep -qE "^cascade: Too many attempts; try again in [0-9]+ s\.$" <<<"$err"; then
    ok "the sixth attempt, even with the right password, is refused: $err"
else not_ok "the sixth attempt is refused as too many" "$status $out $err"; fi
check "other accounts are not locked out by dave's" login alice6 alice alice-pass-2 0
check "an administrator's new password lifts dave's lock-out" \
    eval "run 0 as admin admin user passwd dave --password-stdin <<<'dave-pass-2' && login dave dave dave-pass-2 0"

# One address gets 20 failed attempts a minute, whichever names it tries:
# fresh names (never locked themselves) are refused once it has used them.
# The failures above count too; the bound allows for their minute ending
# midway on a slow machine.
refused_at=0
for i in $(seq 1 41); do
    login ghost "ghost$i" "guess-$i" 1
    if grep -q "Too many attempts" <<<"$err"; then refused_at=$i; break; fi
done
if [ "$refused_at" -ge 1 ]; then
    ok "one address is throttled across names (refused at attempt $refused_at here)"
else not_ok "one address is throttled across names" "$status $out $err"; fi
if login bob bob "$BOB_PW" 1 && grep -q "Too many attempts" <<<"$err"; then
    ok "a throttled address is refused even for another account's right password"
else not_ok "a throttled address is refused for every account" "$status $out $err"; fi
check "sessions already open are not affected by the throttle" run 0 as admin whoami

stop_server "$SPID"
check "cascaded exits 0 on SIGTERM" test $? -eq 0
finish
