#!/usr/bin/env bash
# The full OKR model through the real `cascade` and `cascaded` binaries: the
# duality cascade of OKR-DOMAIN.md (a company key result inherited by a VP's
# objective, one of whose key results a director inherits), check-ins rolling
# the scores up end to end with numbers worked out by hand below, committed
# objectives graded all or nothing, lint's warnings appearing and going away,
# the necessary-and-sufficient test, blockers, key result history with its
# sparkline, initiatives, dependencies and comments, each seen in show,
# show --json and a live watch.
# Usage: test_okr_model.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init okr "$@"

# as USER CMD...: runs cascade as one of the people, each with a config home.

# stop_watch PID SIGNAL: signals a watcher and returns its exit status; one
# that has not ended 5 s later is killed (status 137).
stop_watch() {
    kill -"$2" "$1" 2>/dev/null
    for _ in $(seq 1 250); do
        kill -0 "$1" 2>/dev/null || break
        sleep 0.02
    done
    kill -9 "$1" 2>/dev/null
    wait "$1"
}

# watch_bg USER FILE ARGS...: starts `cascade ARGS` (a watch) in the
# background as USER, its output in FILE, and sets WPID to the cascade
# process itself, so that signals reach it.
watch_bg() {
    local who=$1 file=$2; shift 2
    XDG_CONFIG_HOME="$WORK/home-$who" "$CASCADE" "$@" >"$file" 2>"$file.err" &
    WPID=$!
    PIDS+=("$WPID")
}

# wait_grep FILE PATTERN: waits (bounded: 500 polls 20 ms apart, 10 s) until
# FILE has a line matching the extended regular expression PATTERN.
wait_grep() {
    for _ in $(seq 1 500); do
        [ -f "$1" ] && grep -qE -- "$2" "$1" && return 0
        sleep 0.02
    done
    return 1
}

# has NAME TEXT FIXED...: passes when TEXT holds every FIXED string.
has() {
    local name=$1 text=$2; shift 2
    for want in "$@"; do
        if ! grep -qF -- "$want" <<<"$text"; then
            not_ok "$name" "missing: $want"$'\n'"in: $text"
            return 1
        fi
    done
    ok "$name"
}

# lacks NAME TEXT FIXED...: passes when TEXT holds none of the FIXED strings.
lacks() {
    local name=$1 text=$2; shift 2
    for bad in "$@"; do
        if grep -qF -- "$bad" <<<"$text"; then
            not_ok "$name" "unexpected: $bad"$'\n'"in: $text"
            return 1
        fi
    done
    ok "$name"
}

# has_line NAME TEXT REGEX...: passes when TEXT has a line matching each
# extended REGEX.
has_line() {
    local name=$1 text=$2; shift 2
    for re in "$@"; do
        if ! grep -qE -- "$re" <<<"$text"; then
            not_ok "$name" "no line matches: $re"$'\n'"in:"$'\n'"$text"
            return 1
        fi
    done
    ok "$name"
}

# build NAME EXPECTED_ID CMD...: a creating command prints just the new id.
build() {
    local name=$1 want=$2; shift 2
    if run 0 "$@" && [ "$out" = "$want" ]; then ok "$name prints $want"
    else not_ok "$name prints $want" "$status $out $err"; fi
}

# says NAME EXPECTED_STATUS EXPECTED_STDOUT CMD...: a command's status and exact output.
says() {
    local name=$1 want_status=$2 want_out=$3; shift 3
    if run "$want_status" "$@" && [ "$out" = "$want_out" ]; then ok "$name"
    else not_ok "$name" "status $status: $out $err"; fi
}

score_json() { as alice --json score 2>&1; }
# Entity versions move with every edit; these checks compare contents.
nover() { sed -E 's/,"version":[0-9]+//g'; }
show_json() { as alice --json show 2>&1 | nover; }

unset CASCADE_SERVER CASCADE_WORKSHOP NO_COLOR

# ---- people and a workshop ---------------------------------------------------------
start_server main
MAIN_PID=$SPID
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice bob carol; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    check "$u logs in" run 0 as "$u" login --user "$u" <<<"pw-$u-0123456789"
done
CODE=$(as alice workshop create "Retention planning" --period 2026-Q3 2>/dev/null)
check "alice creates and joins the workshop" run 0 as alice join "$CODE"
check "bob joins" run 0 as bob join "$CODE"
check "carol joins" run 0 as carol join "$CODE"

# A watcher from the very start sees every change below as it happens.
watch_bg bob "$WORK/watch" --json watch --since 0; WATCH=$WPID

# ---- the duality cascade -------------------------------------------------------------
# T1 company: O1 with K1 (inherited by the VP's O2) and K2.
# T2 VP (department): O2 inherits K1; K3 (inherited by the director's O3), K4, K5.
# T3 director (team): O3 inherits K3; K6, K7, K8. O4 is an orphan for lint.
build "team add (company)" T1 as alice team add Acme --level company
build "team add (VP, department)" T2 as alice team add "Customer Success" --parent T1 --level department
build "team add (director, team)" T3 as alice team add "Support" --parent T2 --level team
check "bob becomes a member of T2 (the VP's team)" run 0 as alice team member add T2 bob
check "carol becomes a member of T3 (the director's team)" run 0 as alice team member add T3 carol
build "company objective" O1 as alice obj add "Earn customer love and trust" --team T1 --owner alice
build "company KR K1" K1 as alice kr add O1 "Increase retention rate to 99%" --from 90 --to 99 --unit % --owner alice
build "company KR K2" K2 as alice kr add O1 "Raise NPS from 30 to 50" --from 30 --to 50 --owner alice
build "VP objective inherits K1" O2 as bob obj add "Achieve a phenomenal retention rate" --team T2 --inherits K1 --owner bob
build "VP KR K3" K3 as bob kr add O2 "Implement customer improvement plan for 100% of at-risk customers" --from 0 --to 100 --unit % --owner bob
build "VP KR K4 (decreasing)" K4 as bob kr add O2 "Reduce churned accounts from 40 to 10" --from 40 --to 10 --owner bob
build "VP KR K5 (a task-like milestone)" K5 as bob kr add O2 "Launch the help centre" --milestone --owner bob
build "director objective inherits K3" O3 as carol obj add "Implement the customer improvement plan" --team T3 --inherits K3 --owner carol
build "director KR K6" K6 as carol kr add O3 "Contact at-risk customers within a day" --from 0 --to 100 --unit % --owner carol
build "director KR K7 (decreasing)" K7 as carol kr add O3 "Cut first response time from 72 h to 24 h" --from 72 --to 24 --unit h --owner carol
build "director KR K8 (milestone)" K8 as carol kr add O3 "Improvement plan signed off by every team lead" --milestone --owner carol
build "an orphan objective" O4 as carol obj add "Delight every caller" --team T3 --owner carol
build "the orphan's KR" K9 as carol kr add O4 "Raise caller satisfaction from 3 to 4.5" --from 3 --to 4.5 --owner carol

# ---- lint ----------------------------------------------------------------------------
if run 1 as alice lint --strict \
   && grep -qE '^orphan-objective  O4  ' <<<"$out" \
   && grep -qE '^task-not-result  K5  .*launch' <<<"$out" \
   && grep -qE '^    Fix: ' <<<"$out" \
   && grep -qE '^[0-9]+ warnings?\.$' <<<"$out"; then
    ok "lint --strict exits 1 and names orphan-objective (O4) and task-not-result (K5), each with its fix"
else not_ok "lint --strict names the orphan and the task" "$status $out $err"; fi
check "lint without --strict reports the same warnings with exit 0" run 0 as alice lint
if run 0 as alice --json lint \
   && grep -qF '{"rule":"orphan-objective","entity":"O4","message":"' <<<"$out" \
   && grep -qF '{"rule":"task-not-result","entity":"K5","message":"' <<<"$out" \
   && grep -qE '"fix":"[^"]+"' <<<"$out" && grep -qE '"count":[1-9][0-9]*}$' <<<"$out"; then
    ok "lint --json lists the warnings with rule, entity, message, fix and a count"
else not_ok "lint --json" "$out $err"; fi
if run 0 as alice show && grep -qE '^      O4 Delight every caller — owner carol · aspirational · orphan · 0%$' <<<"$out" \
   && ! grep -qE '^ *O[123] .*orphan' <<<"$out"; then
    ok "show marks the orphan (and only it)"
else not_ok "show marks the orphan" "$out $err"; fi

says "kr edit rewrites the task as a result" 0 "Updated K5." \
    as bob kr edit K5 --title "Help centre live for every customer"
says "obj edit --status archived puts the orphan away" 0 "Updated O4." \
    as carol obj edit O4 --status archived
if run 0 as alice lint && ! grep -q 'orphan-objective\|task-not-result' <<<"$out"; then
    ok "after the fixes, the orphan and task warnings are gone"
else not_ok "after the fixes, the warnings are gone" "$out $err"; fi
check "obj edit --status with a bad value is a usage error (exit 2)" run 2 as alice obj edit O1 --status done
check "kr edit --status with a bad value is a usage error (exit 2)" run 2 as alice kr edit K1 --status late

# ---- the necessary-and-sufficient test -------------------------------------------------
check "obj check without an answer is a usage error (exit 2)" run 2 as bob obj check O2
check "obj check with 'maybe' is a usage error (exit 2)" run 2 as bob obj check O2 --necessary maybe
check "obj check of a key result id is a usage error (exit 2)" run 2 as bob obj check K2 --necessary yes
check "obj check of an unknown objective is refused (exit 1)" run 1 as bob obj check O99 --necessary yes
says "obj edit --status final" 0 "Updated O2." as bob obj edit O2 --status final
if run 0 as alice lint && grep -qE '^final-without-check  O2  ' <<<"$out"; then
    ok "lint warns about a final objective that has not passed the test"
else not_ok "lint warns final-without-check" "$out $err"; fi
says "obj check --necessary yes" 0 "Recorded for O2: necessary yes, sufficient not answered." \
    as bob obj check O2 --necessary yes
if run 0 as alice show && grep -qE '^    O2 Achieve a phenomenal retention rate — owner bob · aspirational ⇐ K1 · final · N&S yes/\? · ' <<<"$out"; then
    ok "show: the objective is final with half the test answered (N&S yes/?)"
else not_ok "show: final and N&S yes/?" "$out $err"; fi
if run 0 as alice --json obj check O2 --sufficient yes \
   && grep -qE '^\{"id":"O2",.*"status":"final","necessary":\{"answer":"yes","by":"bob","at_ms":[0-9]+\},"sufficient":\{"answer":"yes","by":"alice","at_ms":[0-9]+\},"progress":' <<<"$out"; then
    ok "obj check --json prints the objective with both answers, who gave them and when"
else not_ok "obj check --json" "$out $err"; fi
if run 0 as alice lint --strict && [ "$out" = "No warnings: the cascade reads well." ]; then
    ok "lint --strict: no warnings once the cascade is fixed (exit 0)"
else not_ok "lint --strict: no warnings once the cascade is fixed" "$status $out $err"; fi
if run 0 as alice --json lint && [ "$out" = '{"warnings":[],"count":0}' ]; then ok "lint --json with no warnings"
else not_ok "lint --json with no warnings" "$out $err"; fi
check "show: O2 passed both questions (N&S yes/yes)" \
    eval 'run 0 as alice show && grep -q "⇐ K1 · final · N&S yes/yes · " <<<"$out"'

# ---- check-ins -----------------------------------------------------------------------
check "checkin without anything to check in is a usage error (exit 2)" run 2 as carol checkin K6
check "checkin --confidence 1.5 is a usage error (exit 2)" run 2 as carol checkin K6 --confidence 1.5
check "checkin --confidence -0.1 is a usage error (exit 2)" run 2 as carol checkin K6 --confidence -0.1
check "checkin --confidence abc is a usage error (exit 2)" run 2 as carol checkin K6 --confidence abc
check "checkin --value nan is a usage error (exit 2)" run 2 as carol checkin K6 --value nan
check "checkin --value with --done is a usage error (exit 2)" run 2 as carol checkin K6 --value 1 --done
check "checkin --status late is a usage error (exit 2)" run 2 as carol checkin K6 --status late
check "checkin of an objective id is a usage error (exit 2)" run 2 as carol checkin O3 --value 1
if run 1 as carol checkin K8 --value 1 && grep -q "K8 is a milestone" <<<"$err"; then
    ok "checkin --value on a milestone is refused by the server (exit 1)"
else not_ok "checkin --value on a milestone is refused" "$status $err"; fi
check "checkin --done on a metric is refused by the server (exit 1)" run 1 as carol checkin K6 --done
check "checkin of an unknown key result is refused (exit 1)" run 1 as carol checkin K99 --value 1

# Step A. Director: K6 0→100 at 60 = 0.6; K7 72→24 at 48 = 24/48 = 0.5; K8 done = 1.
# O3 = (0.6 + 0.5 + 1) / 3 = 0.7 (green); K3 inherits it: 0.7 whatever its own value.
# VP: K4 40→10 at 25 = 15/30 = 0.5; K5 not done = 0; O2 = (0.7 + 0.5 + 0) / 3 = 0.4 (red).
# Company: K1 inherits O2: 0.4 (red); K2 30→50 at 42 = 0.6; O1 = (0.4 + 0.6) / 2 = 0.5 (orange).
says "checkin --value prints 'Checked in K6.'" 0 "Checked in K6." as carol checkin K6 --value 60
says "checkin a decreasing metric" 0 "Checked in K7." as carol checkin K7 --value 48 --confidence 0.6
says "checkin --done on a milestone" 0 "Checked in K8." as carol checkin K8 --done
says "checkin K3's own value (its score rolls up from O3)" 0 "Checked in K3." as bob checkin K3 --value 10
says "checkin K4" 0 "Checked in K4." as bob checkin K4 --value 25
says "checkin with confidence, note, blocker and status" 0 "Checked in K2." \
    as alice checkin K2 --value 42 --confidence 0.7 --note "Survey results are in" \
    --blocker "Waiting for the survey vendor" --status at-risk

S=$(score_json)
has "score --json, step A: the director's objective is the mean of its three key results" "$S" \
    '{"id":"O3","title":"Implement the customer improvement plan","committed":false,"archived":false,"score":0.7,"colour":"green","key_results":[{"id":"K6","title":"Contact at-risk customers within a day","score":0.6,"colour":"orange"},{"id":"K7","title":"Cut first response time from 72 h to 24 h","score":0.5,"colour":"orange"},{"id":"K8","title":"Improvement plan signed off by every team lead","score":1,"colour":"green"}]}'
has "score --json, step A: the VP's inherited K3 is the director's objective; O2 the mean" "$S" \
    '{"id":"O2","title":"Achieve a phenomenal retention rate","committed":false,"archived":false,"score":0.4,"colour":"red","key_results":[{"id":"K3","title":"Implement customer improvement plan for 100% of at-risk customers","score":0.7,"colour":"green","inherited_by":["O3"]},{"id":"K4","title":"Reduce churned accounts from 40 to 10","score":0.5,"colour":"orange"},{"id":"K5","title":"Help centre live for every customer","score":0,"colour":"red"}]}'
has "score --json, step A: the company's K1 is the VP's objective; O1 the mean of K1 and K2" "$S" \
    '{"id":"O1","title":"Earn customer love and trust","committed":false,"archived":false,"score":0.5,"colour":"orange","key_results":[{"id":"K1","title":"Increase retention rate to 99%","score":0.4,"colour":"red","inherited_by":["O2"]},{"id":"K2","title":"Raise NPS from 30 to 50","score":0.6,"colour":"orange"}]}'
has "score --json, step A: team scores (the archived O4 is listed but not counted in T3's)" "$S" \
    '{"id":"T1","name":"Acme","score":0.5,"colour":"orange","objectives":[' \
    '{"id":"T2","name":"Customer Success","score":0.4,"colour":"red","objectives":[' \
    '{"id":"T3","name":"Support","score":0.7,"colour":"green","objectives":[' \
    '{"id":"O4","title":"Delight every caller","committed":false,"archived":true,"score":0,"colour":"red","key_results":[{"id":"K9",'
if [ "$(grep -oE '\{"id":"T[0-9]+","name"' <<<"$S" | cut -d'"' -f4 | tr '\n' ' ')" = "T1 T2 T3 " ] \
   && grep -qE "^\{\"workshop\":\{\"code\":\"$CODE\",\"title\":\"Retention planning\",\"period\":\"2026-Q3\",\"seq\":[0-9]+\},\"teams\":\[" <<<"$S"; then
    ok "score --json: the workshop, then the teams in tree order"
else not_ok "score --json: workshop and tree order" "$S"; fi

if run 0 as alice score && ! grep -q $'\033' <<<"$out"; then
    has_line "score prints grades in tree order without colour when not on a terminal" "$out" \
        "^Retention planning \(2026-Q3\) · code $CODE · seq [0-9]+$" \
        '^0\.50 orange  T1 Acme \[company\]$' \
        '^0\.50 orange    O1 Earn customer love and trust · aspirational$' \
        '^0\.40 red {9}K1 Increase retention rate to 99% · from O2$' \
        '^0\.40 red {7}T2 Customer Success \[department\]$' \
        '^0\.70 green {9}K3 Implement customer improvement plan for 100% of at-risk customers · from O3$' \
        '^0\.70 green {7}T3 Support \[team\]$' \
        '^0\.00 red {11}O4 Delight every caller · aspirational · archived, not counted$'
else not_ok "score prints without colour" "$out $err"; fi
if command -v script >/dev/null 2>&1; then
    tty_out=$(XDG_CONFIG_HOME="$WORK/home-alice" script -qec "$CASCADE score" /dev/null 2>&1)
    if grep -q $'\033\[31m0.40 red' <<<"$tty_out" && grep -q $'\033\[33m0.50 orange' <<<"$tty_out" \
       && grep -q $'\033\[32m0.70 green' <<<"$tty_out"; then
        ok "score on a terminal colours red, orange (as yellow) and green"
    else not_ok "score on a terminal is coloured" "$tty_out"; fi
    tty_out=$(NO_COLOR=1 XDG_CONFIG_HOME="$WORK/home-alice" script -qec "$CASCADE score" /dev/null 2>&1)
    if grep -q '0.40 red' <<<"$tty_out" && ! grep -q $'\033' <<<"$tty_out"; then
        ok "score on a terminal with NO_COLOR is not coloured"
    else not_ok "score with NO_COLOR is not coloured" "$tty_out"; fi
else
    ok "# skip score on a terminal: no 'script' to make one"
fi

# Step B. K5 done: O2 = (0.7 + 0.5 + 1) / 3 = 0.733 (green) = K1; O1 = (0.7333 + 0.6) / 2 = 0.667 (green).
says "checkin --done (K5)" 0 "Checked in K5." as bob checkin K5 --done
S=$(score_json)
has "score --json, step B: one milestone done lifts the VP, the company KR and the company objective" "$S" \
    '{"id":"O2","title":"Achieve a phenomenal retention rate","committed":false,"archived":false,"score":0.733,"colour":"green"' \
    '{"id":"K1","title":"Increase retention rate to 99%","score":0.733,"colour":"green","inherited_by":["O2"]}' \
    '{"id":"O1","title":"Earn customer love and trust","committed":false,"archived":false,"score":0.667,"colour":"green"' \
    '{"id":"T1","name":"Acme","score":0.667,"colour":"green"'

# Step C. The director's objective becomes committed: graded 0 until every key result
# is hit. O3 = 0 = K3; O2 = (0 + 0.5 + 1) / 3 = 0.5 (orange) = K1; O1 = (0.5 + 0.6) / 2 = 0.55 (orange).
says "obj edit --committed" 0 "Updated O3." as carol obj edit O3 --committed
says "checkin K6 at its target (K7 still short)" 0 "Checked in K6." as carol checkin K6 --value 100
S=$(score_json)
has "score --json, step C: a committed objective short of one key result scores 0, and so does all above it" "$S" \
    '{"id":"O3","title":"Implement the customer improvement plan","committed":true,"archived":false,"score":0,"colour":"red","key_results":[{"id":"K6","title":"Contact at-risk customers within a day","score":1,"colour":"green"},{"id":"K7","title":"Cut first response time from 72 h to 24 h","score":0.5,"colour":"orange"}' \
    '{"id":"K3","title":"Implement customer improvement plan for 100% of at-risk customers","score":0,"colour":"red","inherited_by":["O3"]}' \
    '"score":0.5,"colour":"orange","key_results":[{"id":"K3",' \
    '{"id":"K1","title":"Increase retention rate to 99%","score":0.5,"colour":"orange","inherited_by":["O2"]}' \
    '{"id":"O1","title":"Earn customer love and trust","committed":false,"archived":false,"score":0.55,"colour":"orange"'
if run 0 as alice score && grep -qE '^0\.00 red {11}O3 Implement the customer improvement plan · committed$' <<<"$out"; then
    ok "score shows the objective as committed"
else not_ok "score shows committed" "$out"; fi

# Step D. K7 reaches its target: every key result hit, O3 = 1 = K3;
# O2 = (1 + 0.5 + 1) / 3 = 0.833 = K1; O1 = (0.8333 + 0.6) / 2 = 0.717.
says "checkin K7 at its target" 0 "Checked in K7." as carol checkin K7 --value 24
S=$(score_json)
has "score --json, step D: all key results hit grades the committed objective 1, rolled up to the top" "$S" \
    '{"id":"O3","title":"Implement the customer improvement plan","committed":true,"archived":false,"score":1,"colour":"green"' \
    '{"id":"K3","title":"Implement customer improvement plan for 100% of at-risk customers","score":1,"colour":"green","inherited_by":["O3"]}' \
    '{"id":"O2","title":"Achieve a phenomenal retention rate","committed":false,"archived":false,"score":0.833,"colour":"green"' \
    '{"id":"K1","title":"Increase retention rate to 99%","score":0.833,"colour":"green","inherited_by":["O2"]}' \
    '{"id":"O1","title":"Earn customer love and trust","committed":false,"archived":false,"score":0.717,"colour":"green"' \
    '{"id":"T3","name":"Support","score":1,"colour":"green"'
J=$(show_json)
has "show --json carries the same scores as its progress" "$J" \
    '"inherits":"K3","committed":true,"rationale":"","status":"draft","necessary":{"answer":null,"by":null,"at_ms":null},"sufficient":{"answer":null,"by":null,"at_ms":null},"progress":1,"score":1}' \
    '"unit":"%","done":false,"confidence":0.5,"status":"on-track","blocker":null,"progress":1,"score":1}'
has_line "show --json: an objective's progress is its rolled-up score" "$J" \
    '"id":"O2","team":"T2","title":"Achieve a phenomenal retention rate",.*"sufficient":\{"answer":"yes","by":"alice","at_ms":[0-9]+\},"progress":0\.833,"score":0\.833\}'

# ---- blockers ------------------------------------------------------------------------
if run 0 as alice show \
   && grep -qE '^    K2 Raise NPS from 30 to 50 · 30 → 42 → 50 · ######\.\.\.\. 60% · conf 0\.7 · at-risk · alice · ! blocked: Waiting for the survey vendor$' <<<"$out"; then
    ok "show: the key result's confidence, status and open blocker"
else not_ok "show: confidence, status and blocker" "$out $err"; fi
has "show --json: confidence, status and blocker" "$(show_json)" \
    '{"id":"K2","objective":"O1","title":"Raise NPS from 30 to 50","owner":"alice","kind":"metric","start":30,"target":50,"current":42,"unit":"","done":false,"confidence":0.7,"status":"at-risk","blocker":"Waiting for the survey vendor","progress":0.6,"score":0.6}'
if run 0 as alice --json checkin K2 --confidence 0.8 \
   && nover <<<"$out" \
      | grep -qE '^\{"id":"K2",.*"current":42,.*"confidence":0.8,"status":"at-risk","blocker":null,"progress":0.6,"score":0.6\}$'; then
    ok "a check-in with only a confidence clears the blocker and keeps value and status (--json)"
else not_ok "a confidence-only check-in clears the blocker" "$out $err"; fi
if run 0 as alice show && ! grep -q "blocked" <<<"$out" && grep -qE '^    K2 .* · conf 0\.8 · at-risk · alice$' <<<"$out"; then
    ok "show: the blocker is gone after the next check-in"
else not_ok "show: the blocker is gone" "$out"; fi
says "kr edit --status on-track" 0 "Updated K2." as alice kr edit K2 --status on-track
check "show: an on-track key result shows no status" \
    eval 'run 0 as alice show && grep -qE "^    K2 .* · conf 0\.8 · alice$" <<<"$out"'

# ---- history -------------------------------------------------------------------------
if run 0 as alice kr history K2; then
    has_line "kr history: the sparkline from start to target, then every check-in in order" "$out" \
        '^K2 Raise NPS from 30 to 50: ▁▅ 30 → 42 \(target 50\)$' \
        '^DATE +TIME +ACTOR +VALUE +CONFIDENCE +STATUS +NOTE +BLOCKER$'
    rows=$(sed -n '3,$p' <<<"$out")
    if [ "$(wc -l <<<"$rows")" -eq 3 ] \
       && grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}  [0-9]{2}:[0-9]{2}:[0-9]{2}  alice  30 +0\.5 \(medium\)  on-track  created$' <<<"$(sed -n 1p <<<"$rows")" \
       && grep -qE '  alice  42 +0\.7 \(high\) +at-risk +Survey results are in  Waiting for the survey vendor$' <<<"$(sed -n 2p <<<"$rows")" \
       && grep -qE '  alice  - +0\.8 \(high\) +at-risk$' <<<"$(sed -n 3p <<<"$rows")"; then
        ok "kr history: creation, the check-in with its note and blocker, the confidence-only check-in"
    else not_ok "kr history rows" "$out"; fi
else not_ok "kr history K2" "$status $out $err"; fi
if run 0 as alice --json kr history K2 \
   && grep -qE '^\{"id":"K2","title":"Raise NPS from 30 to 50","check_ins":\[\{"seq":[0-9]+,"time_ms":[0-9]+,"actor":"alice","value":30,"confidence":0.5,"status":"on-track","note":"created","blocker":null\},\{"seq":[0-9]+,"time_ms":[0-9]+,"actor":"alice","value":42,"confidence":0.7,"status":"at-risk","note":"Survey results are in","blocker":"Waiting for the survey vendor"\},\{"seq":[0-9]+,"time_ms":[0-9]+,"actor":"alice","value":null,"confidence":0.8,"status":"at-risk","note":null,"blocker":null\}\]\}$' <<<"$out"; then
    seqs=$(grep -oE '"seq":[0-9]+' <<<"$out" | cut -d: -f2 | tr '\n' ' ')
    if [ "$seqs" = "$(tr ' ' '\n' <<<"$seqs" | sed '/^$/d' | sort -n | tr '\n' ' ')" ]; then
        ok "kr history --json: every check-in, oldest first"
    else not_ok "kr history --json is in order" "$seqs"; fi
else not_ok "kr history --json" "$out $err"; fi
if run 0 as carol kr history K7 && grep -qE '^K7 Cut first response time from 72 h to 24 h: ▁▅█ 72 → 24 \(target 24 h\)$' <<<"$out" \
   && [ "$(grep -cE '  carol  (72|48|24) ' <<<"$out")" -eq 3 ]; then
    ok "kr history of a decreasing metric: the sparkline rises as the value falls to its target"
else not_ok "kr history of a decreasing metric" "$out $err"; fi
if run 0 as carol kr history K8 && grep -qE '^K8 Improvement plan signed off by every team lead: ▁█ not done → done$' <<<"$out"; then
    ok "kr history of a milestone: not done → done"
else not_ok "kr history of a milestone" "$out $err"; fi
if run 0 as carol --json kr history K8 && grep -qF '"value":1,"done":true,' <<<"$out" \
   && grep -qF '"value":0,"done":false,' <<<"$out"; then
    ok "kr history --json of a milestone: value 0/1 and done"
else not_ok "kr history --json of a milestone" "$out $err"; fi
check "kr history of an unknown key result is refused (exit 1)" run 1 as alice kr history K99
check "kr history of an objective id is a usage error (exit 2)" run 2 as alice kr history O1

# ---- initiatives, dependencies, comments ------------------------------------------------
build "init add" I1 as bob init add K3 "Hire two retention agents"
if run 0 as bob --json init add K3 "Write the escalation playbook" \
   && [ "$out" = '{"id":"I2","key_result":"K3","title":"Write the escalation playbook","done":false}' ]; then
    ok "init add --json prints the initiative"
else not_ok "init add --json" "$out $err"; fi
says "init done" 0 "Marked I1 done." as bob init done I1
check "init done twice is refused (exit 1)" run 1 as bob init done I1
check "init add on an unknown key result is refused (exit 1)" run 1 as bob init add K99 "Nothing"
check "init done of a key result id is a usage error (exit 2)" run 2 as bob init done K1

says "dep add: the director's K6 needs the company's K2" 0 "K6 now depends on K2." as carol dep add K6 K2
if run 1 as carol dep add K6 K7 && grep -q "K6 and K7 both belong to T3" <<<"$err"; then
    ok "dep add within one team is refused (exit 1)"
else not_ok "dep add within one team is refused" "$status $err"; fi
check "dep add of a key result on itself is refused (exit 1)" run 1 as carol dep add K6 K6
check "dep add twice is refused (exit 1)" run 1 as carol dep add K6 K2
check "dep add with one id is a usage error (exit 2)" run 2 as carol dep add K6
if run 0 as bob --json dep add K4 K7 && [ "$out" = '{"key_result":"K4","depends_on":"K7"}' ]; then
    ok "dep add --json prints the dependency"
else not_ok "dep add --json" "$out $err"; fi

build "comment on a key result" C1 as carol comment K7 "Is 24 hours realistic?"
if run 0 as bob --json comment o2 "Which churn definition do we use?" \
   && grep -qE '^\{"id":"C2","target":"O2","author":"bob","text":"Which churn definition do we use\?","time_ms":[0-9]+,"resolved":false,"resolved_by":null\}$' <<<"$out"; then
    ok "comment --json on an objective prints the comment"
else not_ok "comment --json" "$out $err"; fi
check "comment on a team is a usage error (exit 2)" run 2 as bob comment T1 "Hello"
check "comment without text is a usage error (exit 2)" run 2 as bob comment K1
check "an empty comment is refused (exit 1)" run 1 as bob comment K1 ""

if run 0 as alice show; then
    has_line "show: initiatives, dependencies on both sides and comments under their entities" "$out" \
        '^      K3 Implement customer improvement plan for 100% of at-risk customers · 0 → 10 → 100 % · #{10} 100% · conf 0\.5 · bob$' \
        '^        I1 \[x\] Hire two retention agents$' \
        '^        I2 \[ \] Write the escalation playbook$' \
        '^      C2 bob: Which churn definition do we use\?$' \
        '^    K2 Raise NPS from 30 to 50 .*$' \
        '^      needed by K6 \(T3\)$' \
        '^          needs K2 \(T1\)$' \
        '^          C1 carol: Is 24 hours realistic\?$' \
        '^        needs K7 \(T3\)$' \
        '^          needed by K4 \(T2\)$'
    # The order matters: each item sits under its own key result.
    if sed -n '/^      K3 /,/^      K4 /p' <<<"$out" | grep -q 'I1 \[x\]' \
       && sed -n '/^        K6 /,/^        K7 /p' <<<"$out" | grep -q 'needs K2 (T1)' \
       && sed -n '/^        K7 /,/^        K8 /p' <<<"$out" | grep -q 'C1 carol'; then
        ok "show: each item sits under its own key result"
    else not_ok "show: items under their key results" "$out"; fi
else not_ok "show" "$status $err"; fi
has "show --json: initiatives, dependencies and comments" "$(show_json)" \
    '"initiatives":[{"id":"I1","key_result":"K3","title":"Hire two retention agents","done":true},{"id":"I2","key_result":"K3","title":"Write the escalation playbook","done":false}]' \
    '"dependencies":[{"key_result":"K6","depends_on":"K2"},{"key_result":"K4","depends_on":"K7"}]' \
    '"comments":[{"id":"C1","target":"K7","author":"carol","text":"Is 24 hours realistic?","time_ms":' \
    '{"id":"C2","target":"O2","author":"bob","text":"Which churn definition do we use?","time_ms":'

# ---- the live watch saw everything ------------------------------------------------------------
LAST=$(grep -oE '"seq":[0-9]+' <<<"$(show_json)" | head -n1 | cut -d: -f2)
check "the watcher receives every change up to seq $LAST" wait_grep "$WORK/watch" "\"seq\":$LAST,"
W=$(cat "$WORK/watch")
if [ "$(grep -oE '^\{"seq":[0-9]+' <<<"$W" | cut -d: -f2 | tr '\n' ' ')" = "$(seq -s ' ' 1 "$LAST") " ]; then
    ok "the watcher saw seq 1..$LAST in order, without gaps"
else not_ok "the watcher saw a gapless sequence" "$W"; fi
has_line "the watcher saw each new kind of change with its fields" "$W" \
    '"actor":"alice","type":"kr.checkin","id":"K2",.*"fields":\{"current":42,"confidence":0.7,"status":"at-risk","note":"Survey results are in","blocker":"Waiting for the survey vendor"\},"old":\{"current":30,"confidence":0.5,"status":"on-track","blocker":""\}\}$' \
    '"type":"kr.checkin","id":"K2",.*"fields":\{"confidence":0.8,"blocker":""\},"old":\{"confidence":0.7,"blocker":"Waiting for the survey vendor"\}\}$' \
    '"actor":"bob","type":"objective.check","id":"O2",.*"fields":\{"necessary":"yes"\},"old":\{"necessary":""\}\}$' \
    '"type":"objective.edit","id":"O2",.*"fields":\{"status":"final"\},"old":\{"status":"draft"\}\}$' \
    '"type":"kr.edit","id":"K2",.*"fields":\{"status":"on-track"\},"old":\{"status":"at-risk"\}\}$' \
    '"actor":"bob","type":"initiative.add","id":"I1",.*"fields":\{"key_result":"K3","title":"Hire two retention agents"\}' \
    '"type":"initiative.done","id":"I1",.*"fields":\{"done":true\},"old":\{"done":false\}\}$' \
    '"actor":"carol","type":"dependency.add","id":"K6",.*"fields":\{"depends_on":"K2","team":"T3","other_team":"T1"\}' \
    '"actor":"carol","type":"comment.add","id":"C1",.*"fields":\{"target":"K7","text":"Is 24 hours realistic\?"\}'
stop_watch "$WATCH" TERM; st=$?
check "the watcher ends with exit 0 on SIGTERM" test "$st" -eq 0

# The same history as lines for people.
watch_bg alice "$WORK/watch-text" watch --since 0; WATCH=$WPID
check "a text watcher replays every change" wait_grep "$WORK/watch-text" "^#$LAST "
stop_watch "$WATCH" TERM
has_line "watch lines read well for the new kinds of change" "$(cat "$WORK/watch-text")" \
    '^#[0-9]+ [0-9:]{8} alice kr\.checkin K2 current 30 → 42, confidence 0\.5 → 0\.7, status "on-track" → "at-risk", note="Survey results are in", blocker none → "Waiting for the survey vendor"$' \
    '^#[0-9]+ [0-9:]{8} alice kr\.checkin K2 confidence 0\.7 → 0\.8, blocker "Waiting for the survey vendor" → none$' \
    '^#[0-9]+ [0-9:]{8} bob objective\.check O2 necessary none → "yes"$' \
    '^#[0-9]+ [0-9:]{8} bob initiative\.done I1 done false → true$' \
    '^#[0-9]+ [0-9:]{8} carol dependency\.add K6 depends_on="K2", team="T3", other_team="T1"$' \
    '^#[0-9]+ [0-9:]{8} carol comment\.add C1 target="K7", text="Is 24 hours realistic\?"$'

stop_server "$MAIN_PID"; st=$?
check "the server stops on SIGTERM with exit 0" test "$st" -eq 0

if [ "$failed" -gt 0 ]; then
    echo "# the end of the server's log:"
    tail -n 20 "$WORK/main.log" | sed 's/^/#   /'
fi
finish
