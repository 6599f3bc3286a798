#!/usr/bin/env bash
# The live view through the real binaries, in tmux: alice's `cascade live`
# in one pane while bob and mike edit from two others; an observer's view
# that offers no edit; ':' commands; the server restarting under the view
# (banner, then the missed changes); a resize to 60x20 and back; NO_COLOR;
# q and SIGTERM giving the terminal back. Every wait is for what the screen
# shows, bounded; nothing is timed.
# Usage: test_live.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init live "$@"

TMUX_SOCKET="cascade-live-$$"
t() { tmux -u -L "$TMUX_SOCKET" "$@"; }
lib_cleanup_live() { t kill-server 2>/dev/null; lib_cleanup; }
trap lib_cleanup_live EXIT

# screen PANE [-e]: the pane's text now (with -e, its escape sequences too).
screen() { t capture-pane -p ${2:-} -t "$1"; }
# shows PANE TEXT [TRIES]: waits (bounded: TRIES polls of 50 ms, 15 s by
# default) until the pane shows TEXT.
shows() {
    for _ in $(seq 1 "${3:-300}"); do
        screen "$1" | grep -qF -- "$2" && return 0
        sleep 0.05
    done
    return 1
}
gone() { # gone PANE TEXT: waits until the pane no longer shows TEXT
    for _ in $(seq 1 300); do
        screen "$1" | grep -qF -- "$2" || return 0
        sleep 0.05
    done
    return 1
}
# see NAME PANE TEXT: a check that the pane comes to show TEXT.
see() {
    if shows "$2" "$3"; then ok "$1"
    else not_ok "$1" "$(screen "$2")"; fi
}
# eventually CMD...: retries a command (bounded, 15 s) until it succeeds.
eventually() {
    for _ in $(seq 1 300); do "$@" && return 0; sleep 0.05; done
    return 1
}
seq_now() { as alice --json show | grep -o '"seq":[0-9]*' | head -n1 | cut -d: -f2; }
# live_pid WINDOW: the cascade process of a live pane.
live_pid() { pgrep -P "$(t display -p -t "$1" '#{pane_pid}')" -f "$CASCADE live" | head -n1; }
# in_pane PANE USER COMMAND...: types a command into a pane's shell as USER.
in_pane() {
    local pane=$1 who=$2; shift 2
    t send-keys -t "$pane" "XDG_CONFIG_HOME=$WORK/home-$who $CASCADE $*" Enter
}
# live_pane NAME USER [ENV...]: a new 100x30 window running USER's live view;
# when it ends, the pane says how.
live_pane() {
    local name=$1 who=$2; shift 2
    t new-window -d -n "$name" -t live \
        "env XDG_CONFIG_HOME=$WORK/home-$who CASCADE_SERVER=127.0.0.1:$PORT TERM=xterm-256color LANG=C.UTF-8 $* $CASCADE live; echo \"live ended with \$?\"; sleep 600"
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice bob mike olga; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Q3 planning" --period 2026-Q3 2>/dev/null)
as alice team add Acme --level company >/dev/null
as alice team add Sales --parent T1 --level department >/dev/null
as alice obj add "Grow revenue" --team T1 --committed >/dev/null
as alice kr add O1 "Raise ARR" --from 100 --to 200 --unit kEUR >/dev/null
as alice obj add "Win Europe" --team T2 --aligns-to O1 >/dev/null
as alice kr add O2 "Close deals" --from 0 --to 10 >/dev/null
as bob join "$(as alice workshop invite --role member --team T2)" >/dev/null
as mike join "$(as alice workshop invite --role member --team T1)" >/dev/null
as olga join "$(as alice workshop invite --role observer)" >/dev/null

check "live without a terminal says to use watch (exit 2)" run 2 as alice live
check "... in one sentence" grep -q "cascade live needs a terminal" <<<"$err"

# ---- three panes: alice watches, bob and mike edit ------------------------------------
t new-session -d -s live -x 100 -y 30 -n shells "env CASCADE_SERVER=127.0.0.1:$PORT bash --norc"
t split-window -t live:shells "env CASCADE_SERVER=127.0.0.1:$PORT bash --norc"
live_pane alice alice
A=live:alice
S=$(seq_now)
see "the header names the workshop, the code, alice's role and the seq" "$A" \
    "Q3 planning (2026-Q3) · code $CODE · you: alice facilitator · seq $S · live"
see "the tree shows the cascade with scores" "$A" "K1 Raise ARR"
if screen "$A" | grep -q "O2 Win Europe .*→O1 aspirational ░░░░░░░░░░ 0.0 ✗"; then
    ok "an objective's row: alignment, kind, bar, score and glyph"
else not_ok "an objective's row" "$(screen "$A")"; fi
see "the footer offers editing keys to a facilitator" "$A" "c check in  e edit  a add"
see "presence lists alice herself" "$A" "alice (you)"
in_pane live:shells.0 bob use "$CODE"
see "on a terminal, 'use' ends with a hint to run cascade live" live:shells.0 \
    "Run 'cascade live' to follow it full screen."

in_pane live:shells.0 bob kr set K2 4
see "bob's check-in from his pane appears in alice's view" "$A" "K2 Close deals"
see "... with its new score" "$A" "████░░░░░░ 0.4 ✗"
see "... on the ticker, with who made it" "$A" "#$((S + 1)) bob kr.checkin K2"
if screen "$A" -e | grep "Close deals" | grep -q $'\e\[43m'; then
    ok "the row bob changed is highlighted"
else not_ok "the row bob changed is highlighted" "$(screen "$A" -e | grep "Close deals" | cat -v)"; fi
in_pane live:shells.1 mike kr set K1 170
see "mike's check-in from the other pane appears too" "$A" "#$((S + 2)) mike kr.checkin K1"
see "... and K1's score" "$A" "███████░░░ 0.7 ✓"
see "the header follows the seq" "$A" "seq $((S + 2)) · live"

# Idle, the view sleeps: its CPU time (in clock ticks) does not move.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pid=$(live_pid "$A")
t0=$(cpu_ticks "$pid"); sleep 2; t1=$(cpu_ticks "$pid")
if [ $((t1 - t0)) -le 1 ]; then ok "an idle view uses no CPU ($((t1 - t0)) ticks in 2 s)"
else not_ok "an idle view uses no CPU" "$((t1 - t0)) ticks"; fi

# Keys: down to K1, its details; fold O1; search; help.
t send-keys -t "$A" j j
see "moving down selects K1 and shows its numbers" "$A" "100 → 170 → 200 kEUR"
see "... and its check-ins as a sparkline, with the last one's author" "$A" "check-ins ▁▆ (2), last: mike at"
t send-keys -t "$A" k h
if gone "$A" "K1 Raise ARR"; then ok "left folds O1 away"; else not_ok "left folds O1" "$(screen "$A")"; fi
t send-keys -t "$A" / r a i s e Enter
see "a search finds K1 again, unfolding O1" "$A" "K1 Raise ARR"
t send-keys -t "$A" '?'
see "? lists the keys" "$A" "answer the necessary-and-sufficient test"
t send-keys -t "$A" x
see "any key closes the help" "$A" "K1 Raise ARR"

# An edit key opens a prefilled command line and announces the edit.
t send-keys -t "$A" g j j c
see "c on K1 opens the check-in form" "$A" "Check in on K1 Raise ARR"
see "... its value first, as it is now" "$A" "▸ value       170"
editing_k1() { run 0 as bob who && grep -q "^alice .* K1$" <<<"$out"; }
if eventually editing_k1; then ok "while the line is open, alice is announced as editing K1"
else not_ok "alice is announced as editing K1" "$out"; fi
t send-keys -t "$A" C-u 1 9 0 Tab C-u 0.8 Tab "two signed" Enter
see "the check-in is sent and says so" "$A" "Checked in K1."
see "... and the view shows it" "$A" "100 → 190 → 200 kEUR"
see "... with its confidence" "$A" "confidence 0.8"
see "... and its note on the last check-in" "$A" "last: alice at"
if screen "$A" | grep -q "two signed"; then ok "... the note itself"
else not_ok "the check-in's note" "$(screen "$A")"; fi
if eventually eval '! editing_k1'; then ok "after it, alice edits nothing"
else not_ok "after it, alice edits nothing" "$out"; fi
t send-keys -t "$A" : l i n t Enter
see "':lint' shows lint's output in the view" "$A" "(exit"
t send-keys -t "$A" x
t send-keys -t "$A" : w a t c h Enter
see "':watch' is refused: it needs a terminal of its own" "$A" "needs a terminal of its own"
t send-keys -t "$A" : k r Space s e t Space K Tab
see "Tab completes an id's start into the ids there are" "$A" "K1 K2"

# ---- the edit form, and a conflict over one field -----------------------------------------
t send-keys -t "$A" Escape g j j e
see "e on K1 opens the edit form on its title" "$A" "▸ title       Raise ARR"
as mike kr edit K1 --title "Raise ARR now" >/dev/null
t send-keys -t "$A" C-u "Raise ARR fast" Enter
see "mike changed the title meanwhile: the dialog says so" "$A" "K1's title changed while you were editing it."
see "... with the value now and who set it" "$A" "now:   Raise ARR now   (set by mike)"
see "... and alice's value" "$A" "yours: Raise ARR fast"
t send-keys -t "$A" a
see "a applies hers on top" "$A" "Saved K1."
see "... and the tree shows it" "$A" "K1 Raise ARR fast"
t send-keys -t "$A" e
see "the form opens again" "$A" "▸ title       Raise ARR fast"
as mike kr edit K1 --title "Raise ARR again" >/dev/null
t send-keys -t "$A" C-u "Mine" Enter
see "a second conflict" "$A" "now:   Raise ARR again   (set by mike)"
t send-keys -t "$A" k
see "k keeps his" "$A" "Kept mike's title."
see "... and the tree shows his" "$A" "K1 Raise ARR again"
t send-keys -t "$A" e Tab Tab C-u "abc" Enter
see "a number field refuses text, and the form stays open" "$A" "The target must be a number"
see "... on that field" "$A" "▸ target      abc"
t send-keys -t "$A" Escape g j a
see "a on O1 opens a form for a new key result" "$A" "New key result under O1 Grow revenue"
t send-keys -t "$A" "Sign partners" Tab C-u 0 Tab C-u 12 Enter
see "... which adds it" "$A" "Added K3."
see "... and the tree shows it" "$A" "K3 Sign partners"

# ---- a burst of changes is drawn in coalesced frames ------------------------------------------
live_pane traced mike CASCADE_LIVE_TRACE="$WORK/trace"
see "a traced view comes up" "live:traced" "K1 Raise"
# The view is stopped while N changes are made, so that all of them are
# waiting when it goes on: it must draw them in a frame or two, not N.
S=$(seq_now)
N=60
before=$(grep -c '^seq=' "$WORK/trace")
kill -STOP "$(live_pid live:traced)"
seq 1 $N | xargs -P 6 -I{} env XDG_CONFIG_HOME="$WORK/home-bob" "$CASCADE" kr set K2 {} >/dev/null 2>&1
kill -CONT "$(live_pid live:traced)"
see "after $N changes in a burst the view is at their last seq" "live:traced" "seq $((S + N)) · live"
fetches=$(( $(grep -c '^seq=' "$WORK/trace") - before ))
if [ "$fetches" -le 3 ]; then ok "... having fetched the state $fetches times for $N events (coalesced)"
else not_ok "fetches are coalesced" "$fetches fetches for $N events"; fi
t send-keys -t live:traced q

# ---- an observer's view ---------------------------------------------------------------------
t send-keys -t "$A" Escape
live_pane olga olga
O=live:olga
see "an observer's footer says read-only and offers no edit key" "$O" "read-only (observer)"
see "alice's presence bar shows olga arrive" "$A" "●olga"
if ! screen "$O" | grep -q "c check in"; then ok "no check-in key is offered to an observer"
else not_ok "no check-in key for an observer" "$(screen "$O")"; fi
t send-keys -t "$O" j j c
see "pressing c anyway says observers only read" "$O" "Observers read; they do not change the cascade."
t send-keys -t "$O" : k r Space s e t Space K 1 Space 5 Enter
see "a ':' edit is refused by the server, which says why" "$O" "Observers can read but not change the cascade."
# Once the facilitator lets observers comment, the view offers m, and it works.
as alice workshop set observer-comments on >/dev/null
see "with observer comments on, the observer's footer offers m" "$O" "m comment"
t send-keys -t "$O" Escape m F i n e Enter
olga_commented() { as alice --json show | jq -e '[.comments[] | select(.author == "olga")] | length == 1' >/dev/null; }
if eventually olga_commented; then ok "the observer comments from the view"
else not_ok "the observer comments from the view" "$(screen "$O")"; fi
as alice workshop set observer-comments off >/dev/null
see "turned off again, the footer says read-only" "$O" "read-only (observer)"
t send-keys -t "$O" q
see "q quits with 0" "$O" "live ended with 0"
if gone "$A" "●olga"; then ok "olga is gone from alice's presence bar"
else not_ok "olga is gone from the presence bar" "$(screen "$A" | grep here:)"; fi

# ---- the brainstorm's line --------------------------------------------------------------------
as bob idea add "Grow in Asia" >/dev/null
see "an idea waiting for its reveal shows as a count only" "$A" "Ideas: 0 revealed, 1 waiting for the reveal"
as alice idea reveal >/dev/null
as alice vote start --votes 2 >/dev/null
see "after the reveal and a vote's start: its progress and your dots" "$A" "Vote V1 open: 0 voted · your dots 0 of 2"
as bob vote D1 >/dev/null
see "a dot placed counts a voter, never an idea" "$A" "Vote V1 open: 1 voted"
as alice vote reveal >/dev/null
see "the revealed vote shows its results" "$A" "Vote V1: D1 Grow in Asia 1"
as bob retro add start "Demo days" >/dev/null
as bob retro add continue "Check-ins" >/dev/null
see "retrospective cards show as counts by kind" "$A" "Ideas: 1 revealed · Retro: 1 continue, 1 start"
as alice vote start --retro --votes 1 >/dev/null
see "a vote on the cards says so" "$A" "Retro vote V2 open: 0 voted · your dots 0 of 1"

# ---- the server restarts under the view ------------------------------------------------------
stop_server "$SPID" >/dev/null
see "a banner says the server is away, with a countdown" "$A" "The server is away"
see "... and the header says offline" "$A" "· offline"
start_server main --listen "127.0.0.1:$PORT"
S=$(seq_now)
as bob kr set K2 7 >/dev/null
see "after the restart the view comes back by itself" "$A" "· live"
see "... with the change made while it was away" "$A" "#$((S + 1)) bob kr.checkin K2"
see "... in the state too" "$A" "███████░░░ 0.7 ✓"
if gone "$A" "The server is away"; then ok "the banner is gone"; else not_ok "the banner is gone" "$(screen "$A")"; fi

# ---- resize, colour, leaving ----------------------------------------------------------------
t resize-window -t "$A" -x 60 -y 20
see "at 60x20 the view says plainly it needs more room" "$A" "The window is 60x20; cascade live needs 80x24."
t resize-window -t "$A" -x 100 -y 30
see "back at 100x30 the tree returns" "$A" "K1 Raise ARR"
if screen "$A" -e | grep -q $'\e\[3[123]m'; then ok "scores are coloured by default"
else not_ok "scores are coloured by default" "$(screen "$A" -e | head -5)"; fi
live_pane mono alice NO_COLOR=1
see "NO_COLOR: the view comes up" "live:mono" "K1 Raise ARR"
if ! screen live:mono -e | grep -q $'\e\[3[0-8]m\|\e\[4[0-8]m'; then ok "NO_COLOR: no colour at all"
else not_ok "NO_COLOR: no colour" "$(screen live:mono -e | grep -m3 $'\e\[3')"; fi
if screen live:mono | grep -q "0.7 ✓"; then ok "NO_COLOR: the glyph still tells the grade"
else not_ok "NO_COLOR: the glyph tells the grade" "$(screen live:mono)"; fi
live_pane dumb alice TERM=dumb
see "TERM=dumb: the view comes up" "live:dumb" "K1 Raise"
if ! screen live:dumb -e | grep -q $'\e\[3[0-8]m\|\e\[4[0-8]m'; then ok "TERM=dumb: monochrome"
else not_ok "TERM=dumb: monochrome" "$(screen live:dumb -e | head -3)"; fi
if screen live:dumb | grep -q "0.9 ✓"; then ok "TERM=dumb: the glyphs stay"
else not_ok "TERM=dumb: the glyphs stay" "$(screen live:dumb)"; fi
t send-keys -t live:dumb q
live_pane plain alice
t send-keys -t live:plain q
see "q quits with 0" "live:plain" "live ended with 0"
live_pane ascii alice LANG=C
see "without UTF-8 the view uses ASCII glyphs" "live:ascii" "#######... 0.7 +"
kill -TERM "$(live_pid live:ascii)"
see "SIGTERM ends a live view with 0" "live:ascii" "live ended with 0"
t send-keys -t "$A" q
see "alice's view quits on q" "$A" "live ended with 0"

# ---- the administrator's broadcast and disconnect ----------------------------------------------
live_pane told bob
see "bob's view comes up for the administrator's word" "live:told" "K1 Raise"
as admin admin broadcast "Lunch is served in the hall." >/dev/null
see "a broadcast shows in the message line with who sent it" "live:told" \
    "Broadcast from admin: Lunch is served in the hall."
as admin admin disconnect --user bob --reason "Desk move" >/dev/null
see "a disconnected view ends saying who and why, instead of retrying" "live:told" \
    "An administrator (admin) disconnected"
see "... with exit 1" "live:told" "live ended with 1"

# ---- a login that ends, a certificate that changes --------------------------------------------
# alice's second terminal has her token too; she logs out everywhere from the
# first: the server closes the view's connection, and the view, coming back,
# is refused.
cp -r "$WORK/home-alice" "$WORK/home-alice2"
live_pane second alice2
see "a second view of alice's comes up" "live:second" "K1 Raise"
as alice logout --all >/dev/null
see "when her sessions end, the view ends saying how to log in again" "live:second" \
    "run 'cascade login --user alice' again"
see "... with exit 1" "live:second" "live ended with 1"
live_pane bobs bob
see "bob's view comes up" "live:bobs" "K1 Raise"
stop_server "$SPID" >/dev/null
rm -f "$WORK/main/cert.pem" "$WORK/main/key.pem"
start_server main --listen "127.0.0.1:$PORT"
see "a server back with another certificate is refused, saying so" "live:bobs" \
    "The certificate of 127.0.0.1:$PORT has changed"
see "... and the view ends (exit 1) instead of retrying" "live:bobs" "live ended with 1"
stop_server "$SPID" >/dev/null

finish
