#!/usr/bin/env bash
# Accounts, workshops and one shared cascade edited by several people at once,
# through the real `cascade` and `cascaded` binaries: logins, joining, building
# the cascade, two live watchers that must see the same gapless history, a
# restart that must lose nothing, bad input that must change nothing, and a
# session that expires.
# Usage: test_workshop.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init workshop "$@"

# as USER CMD...: runs cascade as one of the people, each with a config home.

# stop_watch PID SIGNAL: signals a watcher and returns its exit status; one
# that has not ended 5 s later is killed (status 137). bash reaps its children
# as they end and keeps their status for `wait`, so kill -0 fails once the
# watcher is gone.
stop_watch() {
    kill -"$2" "$1" 2>/dev/null
    for _ in $(seq 1 250); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.02
    done
    kill -9 "$1" 2>/dev/null
    wait "$1"
}

# watch_bg USER FILE ARGS...: starts `cascade --json watch ARGS` in the
# background as USER, its output in FILE, and sets WPID to the cascade
# process itself (not a subshell), so that signals reach it.
watch_bg() {
    local who=$1 file=$2; shift 2
    XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" --json watch "$@" >"$file" 2>"$file.err" &
    WPID=$!
    PIDS+=("$WPID")
}

# wait_lines FILE N [TRIES]: waits (bounded: TRIES polls 20 ms apart, 10 s by
# default) until the watch in FILE has printed at least N changes (lines
# with a seq; presence lines have none).
wait_lines() {
    for _ in $(seq 1 "${3:-500}"); do
        [ -f "$1" ] && [ "$(grep -c '"seq":' "$1")" -ge "$2" ] && return 0
        sleep 0.02
    done
    return 1
}
# changes FILE: the watch's lines without presence, as a script keeps them.
changes() { grep -v '^{"type":"presence"' "$1"; }

seqs() { grep -o '"seq":[0-9]*' "$1" | cut -d: -f2 | tr '\n' ' '; }
actors() { grep -o '"actor":"[^"]*"' "$1" | cut -d'"' -f4 | tr '\n' ' '; }

# show_json: the cascade as alice sees it, for before/after comparisons.
# Entity versions move with every edit; the checks below compare contents,
# and the conflict checks read versions on their own.
nover() { sed -E 's/,"version":[0-9]+//g'; }
show_json() { as alice --json show 2>/dev/null | nover; }

# unchanged NAME: passes when the cascade is what it was in $BASELINE.
unchanged() {
    local now; now=$(show_json)
    if [ "$now" = "$BASELINE" ]; then ok "$1 (the cascade is unchanged)"
    else not_ok "$1 (the cascade is unchanged)" "$now"; fi
}

unset CASCADE_SERVER CASCADE_WORKSHOP NO_COLOR

# ---- accounts ---------------------------------------------------------------------
start_server main
MAIN_PID=$SPID; MAIN_PORT=$PORT
export CASCADE_SERVER="127.0.0.1:$PORT"
check "first start writes the administrator's password with mode 0600" \
    test "$(stat -c %a "$WORK/main/initial-admin-password" 2>/dev/null)" = 600
ADMIN_PW=$(head -n1 "$WORK/main/initial-admin-password")

if run 0 as admin login --user admin <<<"$ADMIN_PW" \
   && [ "$out" = "Logged in to 127.0.0.1:$PORT as admin." ]; then
    ok "admin logs in with the initial password (password from stdin)"
else not_ok "admin logs in with the initial password" "$status $out $err"; fi
check "credentials are stored with mode 0600" \
    test "$(stat -c %a "$WORK/home-admin/cascade/credentials")" = 600
check "the credential line names the server and the user" \
    grep -q "^127.0.0.1:$PORT admin [^ ]*$" "$WORK/home-admin/cascade/credentials"
if run 0 as admin whoami && [ "$out" = "admin at 127.0.0.1:$PORT (administrator)" ]; then
    ok "whoami names the administrator"
else not_ok "whoami names the administrator" "$out $err"; fi
if run 0 as admin --json whoami && [ "$out" = "{\"user\":\"admin\",\"admin\":true,\"server\":\"127.0.0.1:$PORT\"}" ]; then
    ok "whoami --json"
else not_ok "whoami --json" "$out $err"; fi

for u in alice bob; do
    if run 0 as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" \
       && [ "$out" = "Added $u." ]; then
        ok "admin adds $u with a password from stdin"
    else not_ok "admin adds $u with a password from stdin" "$status $out $err"; fi
done
if run 0 as admin --json admin user add carol && grep -q '"user":"carol","password":"[^"]\{8,\}"' <<<"$out"; then
    ok "admin adds carol with a generated password (--json)"
    CAROL_PW=$(sed 's/.*"password":"\([^"]*\)".*/\1/' <<<"$out")
else not_ok "admin adds carol with a generated password" "$out $err"; CAROL_PW=x; fi
if run 0 as admin admin user list && grep -q '^NAME  *ADMIN  *DISABLED  *CREATED$' <<<"$out" \
   && grep -q '^carol  *no  *no  *[0-9-]*$' <<<"$out"; then
    ok "admin user list shows a table"
else not_ok "admin user list shows a table" "$out $err"; fi
check "alice logs in" run 0 as alice login --user alice <<<"pw-alice-0123456789"
check "a non-administrator cannot add users once logged in (exit 1)" \
    run 1 as alice admin user add mallory
check "bob logs in" run 0 as bob login --user bob <<<"pw-bob-0123456789"
if run 0 as carol --json login --user carol <<<"$CAROL_PW" \
   && grep -q "^{\"server\":\"127.0.0.1:$PORT\",\"user\":\"carol\",\"expires_ms\":[0-9]*}$" <<<"$out"; then
    ok "carol logs in with the generated password (--json)"
else not_ok "carol logs in with the generated password" "$out $err"; fi

# ---- a workshop -------------------------------------------------------------------
if run 0 as alice workshop create "Q3 planning" --period 2026-Q3 && [ -n "$out" ] \
   && [ "$(wc -l <<<"$out")" -eq 1 ]; then
    CODE=$out; ok "workshop create prints just the join code ($CODE)"
else not_ok "workshop create prints just the join code" "$out $err"; CODE=NONE; fi
if run 0 as alice workshop list && grep -q "^$CODE  *Q3 planning  *2026-Q3  *facilitator$" <<<"$out"; then
    ok "workshop list shows the creator as facilitator"
else not_ok "workshop list shows the creator as facilitator" "$out $err"; fi
if run 0 as alice use "$CODE" && [ "$out" = "Using $CODE (Q3 planning)." ]; then
    ok "use CODE chooses a workshop one is in"
else not_ok "use CODE chooses a workshop one is in" "$out $err"; fi
# A second workshop becomes the default too, and says so on stderr
# (stdout stays just the code, for scripts).
if run 0 as alice workshop create "Scratch" && [ "$(wc -l <<<"$out")" -eq 1 ] \
   && [ "$err" = "Your default workshop is now $out (it was $CODE; 'cascade use $CODE' goes back)." ]; then
    ok "creating a second workshop says the default moved to it, and how to go back"
else not_ok "creating a second workshop says the default moved" "$out / $err"; fi
check "... and going back works" run 0 as alice use "$CODE"

# Carol is logged in but has not joined yet: she can neither read nor write.
check "a workshop one has not joined cannot be shown (exit 1)" \
    run 1 as carol -w "$CODE" show
check "a workshop one has not joined cannot be changed (exit 1)" \
    run 1 as carol -w "$CODE" team add Intruders
if run 1 as carol use "$CODE" && grep -q "You have not joined $CODE; run 'cascade join $CODE' first." <<<"$err"; then
    ok "use of a workshop one has not joined is refused (exit 1)"
else not_ok "use of a workshop one has not joined is refused" "$status $err"; fi
check "no workshop chosen is a usage error (exit 2)" run 2 as carol show
check "a wrong join code is refused (exit 1)" run 1 as carol join ZZZZ-ZZZZ

# Join codes are typed by people: any case, dashes and spaces ignored.
LOWER=$(tr 'A-Z' 'a-z' <<<"$CODE")
SPACED="${LOWER:0:3}-${LOWER:3}"
if run 0 as bob join "$SPACED" \
   && [ "$out" = "Joined Q3 planning ($CODE) as member; it is now your default workshop." ]; then
    ok "bob joins with the code in lower case with a dash ($SPACED)"
else not_ok "bob joins with the code in lower case with a dash" "$out $err"; fi
if run 0 as carol --json join "$CODE" && grep -q "\"code\":\"$CODE\"" <<<"$out"; then
    ok "carol joins (--json prints the workshop)"
else not_ok "carol joins (--json)" "$out $err"; fi
# Bob edits every team's OKRs below: alice makes him a facilitator too
# (test_roles.sh checks what members and observers may do).
check "alice makes bob a facilitator" run 0 as alice role set bob facilitator

# ---- two watchers, then the cascade is built ----------------------------------------
# --since 0 replays from the start, so the watchers miss nothing however late
# they subscribe; the from-now mode is checked on its own further down.
watch_bg bob "$WORK/watch-bob" --since 0; WATCH_BOB=$WPID
watch_bg carol "$WORK/watch-carol" --since 0; WATCH_CAROL=$WPID

build() { # build NAME EXPECTED_ID CMD...: a creating command prints just the new id
    local name=$1 want=$2; shift 2
    if run 0 "$@" && [ "$out" = "$want" ]; then ok "$name prints $want"
    else not_ok "$name prints $want" "$status $out $err"; fi
}
build "team add (company)" T1 as alice team add Acme --level company
build "team add --parent" T2 as alice team add Sales --parent T1 --level department
build "obj add --committed" O1 as alice obj add "Grow revenue" --team T1 --owner alice --committed
build "kr add (metric)" K1 as alice kr add O1 "Raise ARR" --from 100 --to 200 --unit kEUR --owner alice
build "kr add --milestone" K2 as alice kr add O1 "Open the Berlin office" --milestone --owner bob
build "obj add --aligns-to" O2 as alice obj add "Win Europe" --team t2 --aligns-to O1
if run 0 as alice --json obj add "Keep customers" --team T2 --inherits k1 --rationale "Churn hurts" \
   && [ "$(nover <<<"$out")" = '{"id":"O3","team":"T2","title":"Keep customers","owner":null,"aligns_to":null,"inherits":"K1","committed":false,"rationale":"Churn hurts","status":"draft","necessary":{"answer":null,"by":null,"at_ms":null},"sufficient":{"answer":null,"by":null,"at_ms":null},"progress":0,"score":0}' ]; then
    ok "obj add --inherits --json prints the new objective"
else not_ok "obj add --inherits --json prints the new objective" "$out $err"; fi
if run 0 as bob kr set K1 140 && [ "$out" = "Updated K1." ]; then ok "bob sets K1's value"
else not_ok "bob sets K1's value" "$out $err"; fi
if run 0 as bob --json kr edit K1 --to 180 \
   && nover <<<"$out" | grep -q '"id":"K1".*"target":180,"current":140.*"progress":0.5,"score":0.5}$'; then
    ok "bob edits K1's target (--json prints the key result)"
else not_ok "bob edits K1's target" "$out $err"; fi
if run 0 as bob obj edit O2 --title "Win all of Europe" && [ "$out" = "Updated O2." ]; then
    ok "bob edits O2's title"
else not_ok "bob edits O2's title" "$out $err"; fi
# Joining and the new role are changes too: seq 1 to 3, then ten to the cascade.
N=13
ACTORS="bob carol alice alice alice alice alice alice alice alice bob bob bob "

check "bob's watcher prints $N events" wait_lines "$WORK/watch-bob" $N
check "carol's watcher prints $N events" wait_lines "$WORK/watch-carol" $N
EXPECTED_SEQS="$(seq -s ' ' 1 $N) "
if [ "$(seqs "$WORK/watch-bob")" = "$EXPECTED_SEQS" ]; then
    ok "bob's watcher saw seq 1..$N in order, without gaps"
else not_ok "bob's watcher saw seq 1..$N" "$(cat "$WORK/watch-bob")"; fi
if [ "$(seqs "$WORK/watch-carol")" = "$(seqs "$WORK/watch-bob")" ]; then
    ok "both watchers saw the same sequence"
else not_ok "both watchers saw the same sequence" "$(cat "$WORK/watch-carol")"; fi
if [ "$(actors "$WORK/watch-bob")" = "$ACTORS" ] && [ "$(actors "$WORK/watch-carol")" = "$ACTORS" ]; then
    ok "events name their actors (bob and carol joining, alice, then bob)"
else not_ok "events name their actors" "$(actors "$WORK/watch-bob")"; fi
check "the watchers see bob join as a member" \
    grep -q '"seq":1,.*"actor":"bob","type":"participant.join","id":"bob",.*"fields":{"role":"member"},"old":{}}' "$WORK/watch-bob"
check "the watchers see alice make bob a facilitator" \
    grep -q '"seq":3,.*"actor":"alice","type":"participant.role","id":"bob",.*"fields":{"role":"facilitator"},"old":{"role":"member"}}' "$WORK/watch-bob"
check "the check-in event carries the old and new value" \
    grep -q '"seq":11,.*"type":"kr.checkin","id":"K1",.*"fields":{"current":140},"old":{"current":100}}' "$WORK/watch-bob"
check "the title edit event carries the old and new title" \
    grep -q '"seq":13,.*"actor":"bob","type":"objective.edit","id":"O2",.*"fields":{"title":"Win all of Europe"},"old":{"title":"Win Europe"}}' "$WORK/watch-bob"
check "both watchers print exactly the same changes" \
    cmp -s <(changes "$WORK/watch-bob") <(changes "$WORK/watch-carol")
arrived() { # arrived USER FILE: the watch in FILE saw USER arrive
    grep -q '^{"type":"presence","change":"join","user":"'"$1"'","entity":null,"time_ms":[0-9]*,"workshop":"'"$CODE"'"}$' "$2"
}
# Whichever of the two subscribed second was seen arriving by the first.
check "a watcher sees another arrive, as a presence line without a seq" \
    eval 'arrived carol "$WORK/watch-bob" || arrived bob "$WORK/watch-carol"'

stop_watch "$WATCH_BOB" INT; st=$?
check "watch ends with exit 0 on SIGINT" test "$st" -eq 0
stop_watch "$WATCH_CAROL" TERM; st=$?
check "watch ends with exit 0 on SIGTERM" test "$st" -eq 0

# ---- what show says ------------------------------------------------------------------
BASELINE=$(show_json)
if [ "$(wc -l <<<"$BASELINE")" -eq 1 ] \
   && grep -q "^{\"workshop\":{\"code\":\"$CODE\",\"title\":\"Q3 planning\",\"period\":\"2026-Q3\",\"seq\":$N}," <<<"$BASELINE"; then
    ok "show --json is one object headed by the workshop at seq $N"
else not_ok "show --json is one object headed by the workshop" "$BASELINE"; fi
for want in \
    '"teams":[{"id":"T1","name":"Acme","parent":null,"level":"company"},{"id":"T2","name":"Sales","parent":"T1","level":"department"}]' \
    '{"id":"O1","team":"T1","title":"Grow revenue","owner":"alice","aligns_to":null,"inherits":null,"committed":true,"rationale":"","status":"draft","necessary":{"answer":null,"by":null,"at_ms":null},"sufficient":{"answer":null,"by":null,"at_ms":null},"progress":0,"score":0}' \
    '{"id":"O2","team":"T2","title":"Win all of Europe","owner":null,"aligns_to":"O1","inherits":null,"committed":false,"rationale":"","status":"draft","necessary":{"answer":null,"by":null,"at_ms":null},"sufficient":{"answer":null,"by":null,"at_ms":null},"progress":0,"score":0}' \
    '{"id":"O3","team":"T2","title":"Keep customers","owner":null,"aligns_to":null,"inherits":"K1","committed":false,"rationale":"Churn hurts","status":"draft","necessary":{"answer":null,"by":null,"at_ms":null},"sufficient":{"answer":null,"by":null,"at_ms":null},"progress":0,"score":0}' \
    '{"id":"K1","objective":"O1","title":"Raise ARR","owner":"alice","kind":"metric","start":100,"target":180,"current":140,"unit":"kEUR","done":false,"confidence":0.5,"status":"on-track","blocker":null,"progress":0.5,"score":0.5}' \
    '{"id":"K2","objective":"O1","title":"Open the Berlin office","owner":"bob","kind":"milestone",' ; do
    if grep -qF "$want" <<<"$BASELINE"; then ok "show --json holds ${want:0:40}..."
    else not_ok "show --json holds $want" "$BASELINE"; fi
done
if run 0 as carol show && grep -q "^Q3 planning (2026-Q3) · code $CODE · seq $N$" <<<"$out" \
   && grep -q "^T1 Acme \[company\]$" <<<"$out" \
   && grep -q "^  T2 Sales \[department\]$" <<<"$out" \
   && grep -q "^  O1 Grow revenue — owner alice · committed" <<<"$out" \
   && grep -q "^    K1 Raise ARR · 100 → 140 → 180 kEUR · #####..... 50% · conf 0.5 · alice$" <<<"$out" \
   && grep -q "^    K2 Open the Berlin office · not done · .......... 0% · conf 0.5 · bob$" <<<"$out" \
   && grep -q "^    O2 Win all of Europe · aspirational → O1" <<<"$out" \
   && grep -q "^    O3 Keep customers · aspirational ⇐ K1" <<<"$out" \
   && ! grep -q $'\033' <<<"$out"; then
    ok "show prints the tree (no colour when stdout is not a terminal)"
else not_ok "show prints the tree" "$out $err"; fi

# ---- watch from now -------------------------------------------------------------------
watch_bg carol "$WORK/watch-now"; WATCH_NOW=$WPID
# The watcher's subscription cannot be observed from here, so keep changing
# K1 until it reports a change; it must never report the history before it.
v=141
for _ in $(seq 1 100); do
    as alice kr set K1 $v >/dev/null 2>&1; v=$((v + 1))
    wait_lines "$WORK/watch-now" 1 10 && break
done
check "watch without --since reports live changes" test -s "$WORK/watch-now"
first=$(seqs "$WORK/watch-now" | cut -d' ' -f1)
check "watch without --since replays nothing" test "${first:-0}" -gt $N
stop_watch "$WATCH_NOW" TERM
FINAL=$(($(grep -o '"seq":[0-9]*' <<<"$(show_json)" | head -n1 | cut -d: -f2)))
N=$FINAL
watch_bg alice "$WORK/watch-all-before" --since 0; WATCH_ALL=$WPID
check "watch --since 0 replays all $N events before the restart" wait_lines "$WORK/watch-all-before" $N
stop_watch "$WATCH_ALL" TERM
BASELINE=$(show_json)

# ---- a restart loses nothing ---------------------------------------------------------
# A watcher that stays through the restart resumes on its own.
watch_bg bob "$WORK/watch-resume" --since 0; WATCH_RESUME=$WPID
wait_lines "$WORK/watch-resume" $N
stop_server "$MAIN_PID"; st=$?
check "the server stops on SIGTERM with exit 0" test "$st" -eq 0
start_server main --listen "127.0.0.1:$MAIN_PORT"
MAIN_PID=$SPID
unchanged "after a restart, show --json is identical"
watch_bg alice "$WORK/watch-all-after" --since 0; WATCH_ALL=$WPID
check "after a restart, watch --since 0 replays $N events" wait_lines "$WORK/watch-all-after" $N
stop_watch "$WATCH_ALL" TERM
check "the replayed history is the same, event for event" \
    cmp -s <(changes "$WORK/watch-all-before") <(changes "$WORK/watch-all-after")
if run 0 as bob whoami && [ "$out" = "bob at 127.0.0.1:$MAIN_PORT" ]; then
    ok "sessions survive a restart"
else not_ok "sessions survive a restart" "$out $err"; fi
resumed=0
for _ in $(seq 1 750); do
    grep -q "reconnected after .* resumed after #$N, with nothing missed" "$WORK/watch-resume.err" \
        && { resumed=1; break; }
    sleep 0.02
done
if [ "$resumed" -eq 1 ] && [ "$(wc -l <"$WORK/watch-resume.err")" -eq 1 ]; then
    ok "a running watch survives the restart and says so in one line"
else not_ok "a running watch survives the restart" "$(cat "$WORK/watch-resume.err")"; fi

# ---- bad input changes nothing ---------------------------------------------------------
if run 1 as alice kr set K99 5 && grep -q "K99" <<<"$err"; then ok "an unknown id is refused (exit 1)"
else not_ok "an unknown id is refused" "$status $err"; fi
unchanged "unknown id"
check "an id of the wrong kind is a usage error (exit 2)" run 2 as alice kr set O1 5
unchanged "wrong kind of id"
check "obj edit of a key result id is a usage error (exit 2)" run 2 as alice obj edit K1 --title x
for bad in nan 1e999 abc inf 0x10 ""; do
    check "kr set K1 '$bad' is a usage error (exit 2)" run 2 as alice kr set K1 "$bad"
done
check "kr add with a malformed --from is a usage error naming the flag (exit 2)" \
    eval 'run 2 as alice kr add O1 X --from 1e999 --to 5 && grep -q -- --from <<<"$err"'
unchanged "malformed numbers"
if run 1 as alice obj add "" --team T1 && [ "$(wc -l <<<"$err")" -eq 1 ]; then
    ok "an empty title is refused (exit 1)"
else not_ok "an empty title is refused" "$status $err"; fi
LONG=$(printf 'x%.0s' $(seq 1 201))
if run 1 as alice obj add "$LONG" --team T1 && grep -q 200 <<<"$err"; then
    ok "a 201-byte title is refused, naming the limit of 200 (exit 1)"
else not_ok "a 201-byte title is refused" "$status $err"; fi
check "a title that is not valid UTF-8 is refused (exit 1)" run 1 as alice obj add $'bad \xc0\x80' --team T1
check "a title with a control character is refused (exit 1)" run 1 as alice obj add $'bell \a' --team T1
check "a team that does not exist is refused (exit 1)" run 1 as alice obj add X --team T9
check "--aligns-to with --inherits is a usage error (exit 2)" \
    run 2 as alice obj add X --team T1 --aligns-to O1 --inherits K1
check "--committed with --aspirational is a usage error (exit 2)" \
    run 2 as alice obj edit O1 --committed --aspirational
check "a milestone with --from is a usage error (exit 2)" \
    run 2 as alice kr add O1 X --milestone --from 1
check "obj edit without a change is a usage error (exit 2)" run 2 as alice obj edit O1
check "a wrong join code leaves the default workshop alone" \
    eval 'run 1 as alice join ZZZZ-ZZZZ && run 0 as alice --json show'
unchanged "bad titles, references and flags"
if run 1 as nobody whoami && grep -q "You are not logged in to 127.0.0.1:$MAIN_PORT; run 'cascade login --user NAME' first." <<<"$err"; then
    ok "not logged in: a clear sentence (exit 1)"
else not_ok "not logged in" "$status $err"; fi
check "not logged in: no change possible (exit 1)" run 1 as nobody -w "$CODE" kr set K1 1
if run 1 as nobody login --user alice <<<"wrong password" && [ ! -e "$WORK/home-nobody/cascade/credentials" ]; then
    ok "a wrong password is refused (exit 1) and nothing is stored"
else not_ok "a wrong password is refused" "$status $err"; fi
check "login without a password on stdin is a usage error (exit 2)" \
    run 2 as nobody login --user alice </dev/null
unchanged "strangers"
# Bob's laptop: a session of its own (his first one keeps a watch running
# through the restart below). A watch there, with the same session, ends
# with the logout.
check "bob logs in on his laptop too" run 0 as laptop login --user bob <<<"pw-bob-0123456789"
cp -r "$WORK/home-laptop" "$WORK/home-laptop2"
XDG_CONFIG_HOME="$WORK/home-laptop2" "$CASCADE" -w "$CODE" watch --no-resume \
    >"$WORK/laptop-watch" 2>"$WORK/laptop-watch.err" &
LAPTOP_WATCH=$!
PIDS+=("$LAPTOP_WATCH")
for _ in $(seq 1 250); do as alice who 2>/dev/null | grep -q "^bob " && break; sleep 0.02; done
if run 0 as laptop logout && [ "$out" = "Logged out of 127.0.0.1:$MAIN_PORT." ] \
   && ! grep -q "127.0.0.1:$MAIN_PORT" "$WORK/home-laptop/cascade/credentials"; then
    ok "logout ends the session and forgets the token"
else not_ok "logout ends the session" "$status $out $err"; fi
check "after logout, a command is refused (exit 1)" run 1 as laptop -w "$CODE" kr set K1 1
stop_watch "$LAPTOP_WATCH" 0; ended=$? # signal 0: only wait (bounded) for it to end
if [ "$ended" = 3 ] && grep -q "went away: Your session ended (logged out); log in again." "$WORK/laptop-watch.err"; then
    ok "a watch on the same session is closed by the logout (exit 3), saying why"
else not_ok "a watch on the same session is closed by the logout" "$ended $(cat "$WORK/laptop-watch.err")"; fi
check "bob's other session is untouched" run 0 as bob whoami
check "logout when not logged in is refused (exit 1)" run 1 as laptop logout
unchanged "after logout"

# ---- logout --all ----------------------------------------------------------------------
cp -r "$WORK/home-carol" "$WORK/home-carol2"
cp -r "$WORK/home-carol" "$WORK/home-carol3"
check "carol logs out of every session" run 0 as carol logout --all
# A one-shot command sends its request right behind the token, without
# waiting: the server must refuse the request when it refuses the token.
if run 1 as carol3 comment O1 "sent behind a revoked token" \
   && grep -q "no longer valid" <<<"$err"; then
    ok "a request sent right behind a revoked token is refused (exit 1)"
else not_ok "a request behind a revoked token is refused" "$status $out $err"; fi
unchanged "a request behind a revoked token"
if run 1 as carol2 whoami && grep -qE "no longer valid|has expired" <<<"$err" \
   && ! grep -q "127.0.0.1:$MAIN_PORT" "$WORK/home-carol2/cascade/credentials"; then
    ok "logout --all ends the session in another config home too, which forgets it"
else not_ok "logout --all ends every session" "$status $err"; fi

# ---- an expiring session ------------------------------------------------------------
start_server short --token-ttl 2
SHORT="127.0.0.1:$PORT"
check "admin logs in to a server with 2-second sessions" \
    run 0 as admin --server "$SHORT" login --user admin <<<"$(head -n1 "$WORK/short/initial-admin-password")"
check "the fresh session works" run 0 as admin --server "$SHORT" whoami
expired=0
for _ in $(seq 1 100); do
    as admin --server "$SHORT" whoami >"$WORK/out" 2>"$WORK/err"
    st=$?
    if [ "$st" -ne 0 ]; then
        if [ "$st" -eq 1 ] && grep -q "Your session on $SHORT has expired; run 'cascade login --user admin' again." "$WORK/err"; then
            expired=1
        fi
        break
    fi
    sleep 0.1
done
if [ "$expired" -eq 1 ]; then ok "an expired session says so (exit 1)"
else not_ok "an expired session says so" "$(cat "$WORK/err")"; fi
if run 1 as admin --server "$SHORT" whoami && grep -q "You are not logged in" <<<"$err"; then
    ok "the expired token is forgotten"
else not_ok "the expired token is forgotten" "$err"; fi
check "the session on the other server is untouched" run 0 as admin whoami
stop_server "$SPID"

# ---- the watch that resumed missed nothing and repeated nothing ------------------------
run 0 as alice kr set K1 4242
if wait_lines "$WORK/watch-resume" $((N + 1)) \
   && [ "$(grep -o '"seq":[0-9]*' "$WORK/watch-resume" | cut -d: -f2 | tr '\n' ' ')" \
        = "$(seq -s ' ' 1 $((N + 1))) " ]; then
    ok "after resuming, the watch shows seq 1..$((N + 1)) once each"
else not_ok "after resuming, the watch shows every seq once" "$(tail -3 "$WORK/watch-resume")"; fi
if run 0 as alice who && grep -q "^bob " <<<"$out" && run 0 as alice --json who \
   && grep -q '"user":"bob","editing":null' <<<"$out"; then
    ok "who lists the people watching the workshop"
else not_ok "who lists the people watching the workshop" "$out $err"; fi
stop_watch "$WATCH_RESUME" TERM

# ---- two people edit K1 from the same old version -------------------------------------
# K1 was created (version 1), set by bob (2), its target edited by bob (3), set again.
if run 1 as alice kr edit K1 --to 200 --base-version 1 && grep -q "target" <<<"$err" \
   && grep -q "target is now 180" <<<"$err" && grep -q "last changed by bob" <<<"$err"; then
    ok "an edit of a field changed since its base version conflicts, naming field and person"
else not_ok "an edit of a changed field conflicts" "$status $err"; fi
if run 0 as alice kr edit K1 --title "Raise ARR fast" --base-version 1; then
    ok "an edit of a field nobody changed since its base version goes through"
else not_ok "an edit of an unchanged field goes through" "$status $err"; fi
# K1 was created (1), set, its target edited, set again and retitled: at least 5.
v=$(as alice --json show | grep -o '"id":"K1"[^}]*"version":[0-9]*' | grep -o '[0-9]*$')
if [ -n "$v" ] && [ "$v" -ge 5 ] && run 0 as alice kr edit K1 --to 300 --base-version "$v"; then
    ok "show --json gives each entity's version, and an edit based on it goes through"
else not_ok "show --json gives each entity's version" "$(as alice --json show)"; fi
check "a malformed --base-version is a usage error (exit 2)" \
    run 2 as alice kr edit K1 --title X --base-version none

# ---- SQL metacharacters are text like any other -----------------------------------------
SQL="Robert'); DROP TABLE users;--"
if run 0 as alice team add "$SQL" && T=$out && run 0 as alice obj add "$SQL" --team "$T" --rationale "$SQL" \
   && O=$out && run 0 as alice kr add "$O" "$SQL" --from 1 --to 2 --unit "x';--" \
   && run 0 as alice comment "$O" "$SQL"; then
    J=$(as alice --json show)
    if [ "$(grep -oF "\"$SQL\"" <<<"$J" | wc -l)" -ge 5 ] && grep -qF '"unit":"x'"'"';--"' <<<"$J" \
       && run 0 as alice whoami; then
        ok "SQL metacharacters in names, titles, rationales, units and comments are stored verbatim"
    else not_ok "SQL metacharacters are stored verbatim" "$J"; fi
else not_ok "SQL metacharacters are accepted as text" "$status $err"; fi

# ---- text limits are the operator's to set ------------------------------------------------
if run 2 "$CASCADED" --data "$WORK/never" --text-limit title=0 \
   && grep -q "^cascaded: --text-limit: The title limit must be a whole number of bytes from 1 to 1000, not '0'.$" <<<"$err" \
   && run 2 "$CASCADED" --data "$WORK/never" --text-limit colour=3 && grep -q "KIND=BYTES" <<<"$err" \
   && [ ! -e "$WORK/never" ]; then
    ok "a malformed --text-limit is a usage error (exit 2) and the server does not start"
else not_ok "a malformed --text-limit is a usage error" "$status $err"; fi
if run 2 "$CASCADED" --data "$WORK/never" --text-limit title=12 --text-limit team-name=401 \
   && grep -q "The team-name limit must be a whole number of bytes from 1 to 400, not '401'." <<<"$err"; then
    ok "a --text-limit above its ceiling is refused, naming the ceiling"
else not_ok "a --text-limit above its ceiling is refused" "$status $err"; fi
start_server tight --text-limit title=12 --text-limit text=30
TIGHT="127.0.0.1:$PORT"
tas() { as admin --server "$TIGHT" "$@"; }
run 0 tas login --user admin <<<"$(head -n1 "$WORK/tight/initial-admin-password")"
if run 1 tas workshop create "Thirteen byte" && grep -q "The title is 13 bytes long; the limit is 12." <<<"$err" \
   && run 0 tas workshop create "Twelve bytes" && TW=$out \
   && run 0 tas -w "$TW" team add "A team name longer than the title limit"; then
    ok "a server started with --text-limit title=12 refuses a 13-byte workshop title, takes 12"
else not_ok "--text-limit title=12 governs workshop titles" "$status $out $err"; fi
TIGHT_BEFORE=$(tas -w "$TW" --json show | nover)
if run 1 tas -w "$TW" obj add "Delight users" --team T1 && grep -q "The title is 13 bytes long; the limit is 12." <<<"$err" \
   && run 1 tas -w "$TW" obj add "Short" --team T1 --rationale "$(printf '%031d' 0)" \
   && grep -q "The rationale is 31 bytes long; the limit is 30." <<<"$err" \
   && [ "$(tas -w "$TW" --json show | nover)" = "$TIGHT_BEFORE" ]; then
    ok "titles and rationales past the configured limits are refused and change nothing"
else not_ok "titles and rationales past the configured limits are refused" "$status $err"; fi
if run 0 tas -w "$TW" obj add "Delight you" --team T1 --rationale "$(printf '%030d' 0)" \
   && run 1 tas -w "$TW" comment O1 "$(printf 'é%.0s' $(seq 1 16))" \
   && grep -q "The comment is 32 bytes long; the limit is 30." <<<"$err"; then
    ok "texts at the limits pass; the limit counts UTF-8 bytes, not characters"
else not_ok "texts at the limits pass; limits count bytes" "$status $err"; fi
stop_server "$SPID"

# ---- the server goes away -----------------------------------------------------------
watch_bg alice "$WORK/watch-end" --since 0 --no-resume; WATCH_END=$WPID
wait_lines "$WORK/watch-end" $N
stop_server "$MAIN_PID"
stop_watch "$WATCH_END" 0; st=$?
if [ "$st" -eq 3 ] && grep -q "went away\|was lost" "$WORK/watch-end.err"; then
    ok "watch --no-resume ends with exit 3 when the server goes away, saying so"
else not_ok "watch --no-resume ends with exit 3 when the server goes away" "$st $(cat "$WORK/watch-end.err")"; fi
if run 3 as alice --timeout 2000 logout \
   && grep -q "^127.0.0.1:$MAIN_PORT alice " "$WORK/home-alice/cascade/credentials"; then
    ok "logout from an unreachable server fails (exit 3) and keeps the session"
else not_ok "logout from an unreachable server keeps the session" "$status $err"; fi

if [ "$failed" -gt 0 ]; then
    echo "# the end of the main server's log:"
    tail -n 20 "$WORK/main.log" | sed 's/^/#   /'
fi
finish
