#!/usr/bin/env bash
# The agenda in the live view, through the real binaries in tmux: the
# header's agenda line shows the step under way and its countdown, the
# ready count to facilitators only, "time is up" highlighted, and a pause.
# Every wait is for what the screen shows, bounded; no time is asserted
# tightly. Uses tmux as test_live.sh does.
# Usage: test_live_agenda.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init live-agenda "$@"
if ! command -v tmux >/dev/null; then echo "ok - skipped: no tmux"; finish; exit; fi
TMUX_SOCKET="cascade-live-agenda-$$"
t() { tmux -u -L "$TMUX_SOCKET" "$@"; }
lib_cleanup_live() { t kill-server 2>/dev/null; lib_cleanup; }
trap lib_cleanup_live EXIT

screen() { t capture-pane -p ${2:-} -t "$1"; }
# shows PANE PATTERN: waits (bounded, 20 s) until the pane shows the extended regex.
shows() {
    for _ in $(seq 1 400); do
        screen "$1" | grep -qE -- "$2" && return 0
        sleep 0.05
    done
    return 1
}
see() {
    if shows "$2" "$3"; then ok "$1"
    else not_ok "$1" "$(screen "$2")"; fi
}
live_pane() {
    local name=$1 who=$2
    t new-window -d -n "$name" -t live \
        "env XDG_CONFIG_HOME=$WORK/home-$who CASCADE_SERVER=127.0.0.1:$PORT CASCADE_WORKSHOP=$CODE TERM=xterm-256color LANG=C.UTF-8 $CASCADE live; sleep 600"
}

unset CASCADE_WORKSHOP NO_COLOR
start_server main --agenda-warning 2s
export CASCADE_SERVER="127.0.0.1:$PORT"
as admin login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
for u in alice bob; do
    as admin admin user add "$u" --password-stdin <<<"pw-$u-0123456789" >/dev/null 2>&1
    as "$u" login --user "$u" <<<"pw-$u-0123456789" >/dev/null 2>&1
done
CODE=$(as alice workshop create "Q3 planning" --template okr-2h 2>/dev/null)
export CASCADE_WORKSHOP=$CODE
as bob join "$CODE" >/dev/null 2>&1
as alice agenda edit 2 --for 8s >/dev/null
as alice agenda start >/dev/null

t new-session -d -s live -x 100 -y 30 -n shells "bash --norc"
live_pane alice alice
live_pane bob bob
see "the agenda line shows the step under way and its countdown" live:alice \
    "Step 1/6 Brief overview · (30:00|29:[0-9]{2}) left"
see "a facilitator sees how many are ready" live:alice "0 of 2 ready"
as bob ready >/dev/null
see "bob's ready signal shows at once" live:alice "1 of 2 ready"
if shows live:bob "Step 1/6 Brief overview · " && ! screen live:bob | grep -q "of 2 ready"; then
    ok "a member sees the step and countdown, not the ready count"
else not_ok "member's agenda line" "$(screen live:bob)"; fi
as alice agenda next >/dev/null
see "next: step 2 with its own countdown" live:alice "Step 2/6 Identify the business goal · 0:0[0-9] left"
see "the ready count cleared with the step" live:alice "0 of 2 ready"
see "the countdown runs out: time is up" live:bob "Step 2/6 Identify the business goal · time is up"
if screen live:bob -e | grep "time is up" | grep -q $'\e\['; then
    ok "time is up is highlighted"
else not_ok "time is up is highlighted" "$(screen live:bob -e | grep "time is up" | cat -v)"; fi
as alice agenda next >/dev/null
as alice agenda pause >/dev/null
see "a pause shows with the time left" live:alice "Step 3/6 Define objectives · paused, 2[45]:[0-9]{2} left"

t kill-server 2>/dev/null
stop_server "$SPID"
finish
