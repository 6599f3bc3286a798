#!/usr/bin/env bash
# show and score tell the same figures: the cascade of OKR-DOMAIN.md built
# through the real `cascade` against a real `cascaded` -- both cascade models
# (an objective inheriting a key result, and one aligning to an objective),
# metric, decreasing metric and milestone key results, a committed objective,
# an archived one, an inheritor still without key results -- then, after each
# step, every objective's and key result's figure compared between show
# --json, score --json, show and score, and a few of them against values
# worked out by hand, so that both sides being wrong together still fails;
# and the objectives score names as where a key result's score comes from.
# Usage: test_score_agree.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init score-agree "$@"

if ! command -v jq >/dev/null 2>&1; then
    echo "jq is missing; scripts/install-deps.sh installs it."
    exit 1
fi

# as CMD...: runs cascade as alice.
as() { XDG_CONFIG_HOME="$WORK/home" "$CASCADE" "$@"; }

# build NAME EXPECTED_ID CMD...: a creating command prints just the new id.
build() {
    local name=$1 want=$2; shift 2
    if run 0 "$@" && [ "$out" = "$want" ]; then ok "$name prints $want"
    else not_ok "$name prints $want" "$status $out $err"; fi
}

# The figures as "ID FIGURE" lines, sorted by id, from each view. show's
# percentages and score's two decimals are compared as whole hundredths.
show_json_figures() {
    jq -r '(.objectives[], .key_results[]) | "\(.id) \(.score)"' <<<"$1" | sort
}
show_json_progress() {
    jq -r '(.objectives[], .key_results[]) | "\(.id) \(.progress)"' <<<"$1" | sort
}
score_json_figures() {
    jq -r '.teams[].objectives[] | "\(.id) \(.score)", (.key_results[] | "\(.id) \(.score)")' \
        <<<"$1" | sort
}
score_text_hundredths() {
    sed -nE 's/^([01]\.[0-9]{2}) [a-z]+ +([OK][0-9]+) .*/\2 \1/p' <<<"$1" \
        | awk '{ printf "%s %d\n", $1, $2 * 100 + 0.5 }' | sort
}
show_text_hundredths() {
    sed -nE -e 's/^ *(O[0-9]+) .* · ([0-9]+)%$/\1 \2/p' \
            -e 's/^ *(K[0-9]+) .* · [#.]{10} ([0-9]+)% · .*/\1 \2/p' <<<"$1" | sort
}

# agree STEP: every objective and key result has one figure in all four views.
agree() {
    local step=$1 show score show_text score_text
    show=$(as --json show) && score=$(as --json score) && show_text=$(as show) \
        && score_text=$(as score) || { not_ok "$step: the four views print" "$show $score"; return; }
    local a b
    a=$(show_json_figures "$show"); b=$(score_json_figures "$score")
    local n; n=$(wc -l <<<"$a")
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$n" -eq "$ENTITIES" ]; then
        ok "$step: show --json and score --json give each of the $n objectives and key results one score"
    else not_ok "$step: show --json and score --json agree" "show --json:"$'\n'"$a"$'\n'"score --json:"$'\n'"$b"; fi
    b=$(show_json_progress "$show")
    if [ "$a" = "$b" ]; then ok "$step: show --json's progress is the score"
    else not_ok "$step: show --json's progress is the score" "$a"$'\n'"progress:"$'\n'"$b"; fi
    a=$(show_text_hundredths "$show_text"); b=$(score_text_hundredths "$score_text")
    n=$(wc -l <<<"$a")
    if [ -n "$a" ] && [ "$a" = "$b" ] && [ "$n" -eq "$ENTITIES" ]; then
        ok "$step: show's percentages are score's figures"
    else not_ok "$step: show and score agree" "show:"$'\n'"$a"$'\n'"score:"$'\n'"$b"$'\n'"$show_text"$'\n'"$score_text"; fi
    SHOW=$show SCORE=$score SHOW_TEXT=$show_text SCORE_TEXT=$score_text
}

# from STEP ID=O#,O#... : the objectives score names as where each key
# result's score comes from (none: ID=), in its text and its --json.
from() {
    local step=$1; shift
    local bad="" pair id want json text
    for pair in "$@"; do
        id=${pair%=*} want=${pair#*=}
        json=$(jq -r --arg id "$id" '.teams[].objectives[].key_results[] | select(.id == $id)
                                     | (.inherited_by // []) | join(",")' <<<"$SCORE")
        text=$(sed -nE "s/^[01]\.[0-9]{2} [a-z]+ +$id .* · from (O[0-9, O]+)\$/\1/p" <<<"$SCORE_TEXT" \
               | tr -d ' ')
        [ "$json" = "$want" ] && [ "$text" = "$want" ] || bad="$bad $id from '$text' and '$json', not '$want';"
    done
    if [ -z "$bad" ]; then ok "$step: score says where scores come from: $*"
    else not_ok "$step: where scores come from" "$bad"$'\n'"$SCORE_TEXT"; fi
}

# figure ID: the entity's score in the last show --json.
figure() { jq -r --arg id "$1" '(.objectives[], .key_results[]) | select(.id == $id) | .score' <<<"$SHOW"; }
team_figure() { jq -r --arg id "$1" '.teams[] | select(.id == $id) | .score' <<<"$SCORE"; }

# expect STEP ID=FIGURE...: figures worked out by hand (teams are T#).
expect() {
    local step=$1; shift
    local bad="" pair id want got
    for pair in "$@"; do
        id=${pair%=*} want=${pair#*=}
        if [ "${id#T}" != "$id" ]; then got=$(team_figure "$id"); else got=$(figure "$id"); fi
        [ "$got" = "$want" ] || bad="$bad $id is $got, not $want;"
    done
    if [ -z "$bad" ]; then ok "$step: by hand, $*"; else not_ok "$step: figures by hand" "$bad"; fi
}

unset CASCADE_SERVER CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
XDG_CONFIG_HOME="$WORK/home-admin" "$CASCADE" login --user admin \
    <"$WORK/main/initial-admin-password" >/dev/null 2>&1
XDG_CONFIG_HOME="$WORK/home-admin" "$CASCADE" admin user add alice --password-stdin \
    <<<"pw-alice-0123456789" >/dev/null 2>&1
check "alice logs in" run 0 as login --user alice <<<"pw-alice-0123456789"
check "alice creates a workshop (her default from now on)" \
    run 0 as workshop create "Retention planning" --period 2026-Q3

# T1 company: O1 with K1 (a metric half-way) and K2, which the VP's O2 inherits
# (duality). T2 VP: O2 with K3 (decreasing), K4 (a milestone) and K5, which the
# archived O5 inherits; O3 committed, aligned to O1 (the plain model). T3
# director: O4 aligned to O2; O6 inherits K1 but has no key results yet.
build "company" T1 as team add Acme --level company
build "VP's team" T2 as team add "Customer Success" --parent T1 --level department
build "director's team" T3 as team add Support --parent T2 --level team
build "company objective" O1 as obj add "Earn customer love and trust" --team T1
build "metric K1" K1 as kr add O1 "Raise ARR from 100 to 200" --from 100 --to 200 --unit kEUR
build "metric K2" K2 as kr add O1 "Increase retention rate to 99%" --from 90 --to 99 --unit %
build "O2 inherits K2" O2 as obj add "Achieve a phenomenal retention rate" --team T2 --inherits K2
build "decreasing metric K3" K3 as kr add O2 "Reduce churned accounts from 40 to 10" --from 40 --to 10
build "milestone K4" K4 as kr add O2 "Help centre live for every customer" --milestone
build "metric K5" K5 as kr add O2 "Contact at-risk customers within a day" --from 0 --to 100 --unit %
build "committed O3 aligns to O1" O3 as obj add "Keep every key account" --team T2 --aligns-to O1 --committed
build "metric K6" K6 as kr add O3 "Renew key accounts from 0 to 10" --from 0 --to 10
build "milestone K7" K7 as kr add O3 "Account plan signed by every key account" --milestone
build "O4 aligns to O2" O4 as obj add "Delight every caller" --team T3 --aligns-to O2
build "metric K8" K8 as kr add O4 "Raise caller satisfaction from 3 to 4.5" --from 3 --to 4.5
build "O5 inherits K5" O5 as obj add "Call every at-risk customer" --team T3 --inherits K5
build "metric K9" K9 as kr add O5 "Calls made from 0 to 10" --from 0 --to 10
build "O6 inherits K1, no key results yet" O6 as obj add "Sell to the new region" --team T3 --inherits K1
ENTITIES=15

check "check-ins" eval 'as kr set K1 150 >/dev/null && as kr set K3 19 >/dev/null \
    && as checkin K4 --done >/dev/null && as kr set K5 40 >/dev/null && as kr set K6 10 >/dev/null \
    && as kr set K8 4.2 >/dev/null && as kr set K9 10 >/dev/null'

# Before O5 is archived it counts: K9 hit, O5 = 1 = K5; O2 = (0.7 + 1 + 1) / 3 = 0.9 = K2.
agree "step A"
expect "step A" K5=1 O5=1 O2=0.9 K2=0.9
from "step A" K1= K2=O2 K5=O5

# Archived, O5 no longer speaks for K5 (0.4 of its own) nor counts for T3.
# K3 = (19 - 40) / (10 - 40) = 0.7; O2 = (0.7 + 1 + 0.4) / 3 = 0.7 = K2;
# O1 = (0.5 + 0.7) / 2 = 0.6 (K1 keeps its own 0.5: O6 has nothing to measure);
# O3 committed with K7 not done = 0 (K6 = 1); O4 = (4.2 - 3) / 1.5 = 0.8.
check "O5 is archived" run 0 as obj edit O5 --status archived
agree "step B"
expect "step B" K1=0.5 K2=0.7 O1=0.6 K3=0.7 K4=1 K5=0.4 O2=0.7 K6=1 K7=0 O3=0 K8=0.8 O4=0.8 \
    O6=0 T1=0.6 T2=0.35 T3=0.4
from "step B" K1= K2=O2 K5=
if grep -qE '^  O1 Earn customer love and trust · aspirational · 60%$' <<<"$SHOW_TEXT" \
   && grep -qE '^    K2 Increase retention rate to 99% · 90 → 90 → 99 % · #######\.\.\. 70% · ' <<<"$SHOW_TEXT" \
   && grep -qE '^    O3 Keep every key account · committed → O1 · 0%$' <<<"$SHOW_TEXT"; then
    ok "step B: show prints O1 60%, the inherited K2 70% and the committed O3 0%"
else not_ok "step B: show's figures" "$SHOW_TEXT"; fi

# Every key result of the committed O3 hit: O3 = 1; T2 = (0.7 + 1) / 2 = 0.85.
check "K7 done" run 0 as checkin K7 --done
agree "step C"
expect "step C" K7=1 O3=1 T2=0.85 O1=0.6

# The answer to an edit carries the score in the workshop as it now is.
# K5 at 100: O2 = (0.7 + 1 + 1) / 3 = 0.9 = K2; O1 = (0.5 + 0.9) / 2 = 0.7.
if run 0 as --json kr set K5 100 && [ "$(jq -r '"\(.id) \(.score) \(.progress)"' <<<"$out")" = "K5 1 1" ] \
   && run 0 as --json obj edit O2 --owner alice \
   && [ "$(jq -r '"\(.id) \(.score) \(.progress)"' <<<"$out")" = "O2 0.9 0.9" ]; then
    ok "the --json answers of kr set and obj edit carry the scores"
else not_ok "the --json answers of edits carry the scores" "$out $err"; fi
agree "step D"
expect "step D" K5=1 O2=0.9 K2=0.9 O1=0.7 T1=0.7

# Weights: K3 counts twice, K4 not at all. O2 = (2 * 0.7 + 1) / 3 = 0.8 = K2;
# O1 = (0.5 + 0.8) / 2 = 0.65.
check "K3 weighs 2" run 0 as kr edit K3 --weight 2
check "K4 is left out" run 0 as kr edit K4 --weight 0
says_weight() { run 2 as kr edit K3 --weight "$1" && grep -qF -- "--weight is a number" <<<"$err"; }
check "a weight of 101 is a usage error" says_weight 101
check "a weight of -1 is a usage error" says_weight -1
agree "step E"
expect "step E" K3=0.7 O2=0.8 K2=0.8 O1=0.65 T1=0.65
if [ "$(jq -r '.key_results[] | select(.id == "K3") | .weight' <<<"$SHOW")" = 2 ] \
   && grep -qE '^      K3 .* · weight 2( |$)' <<<"$SHOW_TEXT"; then
    ok "step E: show and show --json give K3's weight"
else not_ok "step E: weight shown" "$(grep K3 <<<"$SHOW_TEXT")"; fi

stop_server "$SPID"
finish
