#!/usr/bin/env bash
# Help that people expect, checked against the client's own command table
# (the command list its completion script is written from): every command has
# its own --help and `help CMD` printing only its lines, a section in the man
# page cascade(1) and a place in the bash and zsh completions, which complete
# commands, subcommands, flags and the workshop's ids; every cascaded option
# is in cascaded(8); "did you mean" for a mistyped command or flag (a typo of
# a required flag is named, not the flag it hid); TERM=dumb and NO_COLOR mean
# no colour.
# Usage: test_help.sh BIN_DIR
set -u
source "$(dirname "$0")/lib.sh"
lib_init help "$@"
MAN_DIR="$BIN/../man"
COMPLETIONS="$BIN/../completions"

as() { XDG_CONFIG_HOME="$WORK/home" "$CASCADE" "$@"; }
# man_text PAGE: the page's text without roff's font changes.
man_text() { sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' "$MAN_DIR/$1"; }

run 0 "$CASCADE" completion bash
BASH_SCRIPT=$out
COMMANDS=$(sed -n "s/^_cascade_commands='\(.*\)'$/\1/p" <<<"$BASH_SCRIPT")
check "the completion script lists the command table" test "$(wc -w <<<"$COMMANDS")" -ge 30
ZSH_SCRIPT=$("$CASCADE" completion zsh)
CASCADE_MAN=$(man_text cascade.1)

missing_help="" missing_man="" missing_bash="" missing_zsh="" foreign=""
for c in $COMMANDS; do
    if ! run 0 "$CASCADE" "$c" --help || ! grep -q "^  $c\( \|$\)" <<<"$out"; then
        missing_help+=" $c"; continue
    fi
    # Only this command's entries: every entry line starts with it.
    if grep -E '^  [a-z]' <<<"$out" | grep -vq "^  $c\( \|$\)"; then foreign+=" $c"; fi
    help_out=$out
    run 0 "$CASCADE" help "$c"
    [ "$out" = "$help_out" ] || missing_help+=" $c(help)"
    grep -q "^cascade $c\( \|$\)" <<<"$CASCADE_MAN" || missing_man+=" $c"
    grep -q "^        $c) echo" <<<"$BASH_SCRIPT" || missing_bash+=" $c"
    grep -q "^        $c) echo" <<<"$ZSH_SCRIPT" || missing_zsh+=" $c"
done
check "every command has its own --help and 'help CMD'${missing_help:+ (missing:$missing_help)}" test -z "$missing_help"
check "a command's --help prints its lines only${foreign:+ (not so for:$foreign)}" test -z "$foreign"
check "every command has a section in cascade(1)${missing_man:+ (missing:$missing_man)}" test -z "$missing_man"
check "every command is in the bash completion${missing_bash:+ (missing:$missing_bash)}" test -z "$missing_bash"
check "every command is in the zsh completion${missing_zsh:+ (missing:$missing_zsh)}" test -z "$missing_zsh"
check "the installed-to-be completion files are what the client writes" \
    eval '[ "$(cat "$COMPLETIONS/cascade")" = "$BASH_SCRIPT" ] && [ "$(cat "$COMPLETIONS/_cascade")" = "$ZSH_SCRIPT" ]'
if command -v zsh >/dev/null 2>&1; then
    check "the zsh completion parses" zsh -n "$COMPLETIONS/_cascade"
else echo "# zsh is not installed; its syntax check is skipped"; fi
check "the bash completion parses" bash -n "$COMPLETIONS/cascade"

# Every server option is in cascaded(8), and every page renders.
DAEMON_MAN=$(man_text cascaded.8)
missing=""
for f in $("$CASCADED" --help | grep -oE -- '--[a-z-]+' | sort -u); do
    grep -q -- "^$f\|^\*$f\| $f" <<<"$DAEMON_MAN" || missing+=" $f"
done
check "every cascaded option is in cascaded(8)${missing:+ (missing:$missing)}" test -z "$missing"
for page in cascade.1 cascaded.8 cascade-bench.1; do
    check "man -l renders $page" eval 'MANWIDTH=80 man -l "$MAN_DIR/$page" 2>/dev/null | grep -q NAME'
done
BENCH_MAN=$(man_text cascade-bench.1)
missing=""
for f in $("$BIN/cascade-bench" --help | grep -oE -- '--[a-z-]+' | sort -u); do
    grep -q -- "$f" <<<"$BENCH_MAN" || missing+=" $f"
done
check "every cascade-bench option is in cascade-bench(1)${missing:+ (missing:$missing)}" test -z "$missing"

# ---- Did you mean ---------------------------------------------------------------
if run 2 "$CASCADE" shwo && grep -q "'shwo' is not a command; did you mean 'show'?" <<<"$err"; then
    ok "a mistyped command gets the nearest one"; else not_ok "a mistyped command" "$err"; fi
if run 2 "$CASCADE" xyzzy && ! grep -q "did you mean" <<<"$err"; then
    ok "a word far from every command gets no guess"; else not_ok "no guess" "$err"; fi
if run 2 "$CASCADE" kr add O1 "Grow" --form 1 --to 5 \
   && grep -q "Unknown option --form for this command; did you mean --from?" <<<"$err"; then
    ok "a mistyped required flag is named, with the right one"
else not_ok "a mistyped required flag is named" "$err"; fi
if run 2 "$CASCADE" checkin K1 --vlaue=3 && grep -q "did you mean --value?" <<<"$err"; then
    ok "--flag=value typos too"; else not_ok "--flag=value typos too" "$err"; fi
if run 2 "$CASCADE" help nosuch && grep -q "'nosuch' is not a command" <<<"$err"; then
    ok "help for an unknown command says so"; else not_ok "help for an unknown command" "$err"; fi
run 0 "$CASCADE" --help
check "--help alone prints every command" eval '[ "$(grep -c "^  [a-z]" <<<"$out")" -ge 60 ]'

# ---- Completion against a server, and colour ---------------------------------
unset CASCADE_WORKSHOP
start_server main
export CASCADE_SERVER="127.0.0.1:$PORT"
as login --user admin <"$WORK/main/initial-admin-password" >/dev/null 2>&1
CODE=$(as workshop create "Help" 2>/dev/null)
as use "$CODE" >/dev/null
as team add Acme >/dev/null
as obj add "Grow" --team T1 >/dev/null
as kr add O1 "Raise ARR" --from 0 --to 10 >/dev/null
# Every flag a command takes passes the check before it runs (the check
# reads the usage text, so a flag missing there would be refused).
bad=""
for cmdline in "idea promote D9 --kr O1 --from 0 --to 5 --unit % --owner admin --title T" \
               "kr edit K1 --weight 2 --base-version 1 --unit x" "checkin K1 --value 1 --confidence 0.5 --note n" \
               "workshop set period --from 2026-07-01 --to 2026-09-30" "vote start --retro --votes 2 --for 5m"; do
    as $cmdline >/dev/null 2>"$WORK/flag.err"
    grep -q "Unknown option" "$WORK/flag.err" && bad+=" [$cmdline]"
done
check "flags the commands take are not called unknown${bad:+:$bad}" test -z "$bad"
# complete WORDS...: what the bash completion offers for the last word.
complete_words() {
    XDG_CONFIG_HOME="$WORK/home" PATH="$BIN:$PATH" bash -c '
        source "$1"; shift
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
        _cascade; printf "%s\n" "${COMPREPLY[@]}"' _ "$COMPLETIONS/cascade" "$@" | sort | tr '\n' ' '
}
got=$(complete_words cascade ob)
check "bash completes a command (ob -> obj): $got" grep -qw obj <<<"$got"
got=$(complete_words cascade obj a)
check "bash completes a subcommand (obj a -> add): $got" grep -qw add <<<"$got"
got=$(complete_words cascade kr add O1 T --fr)
check "bash completes a flag (--fr -> --from): $got" grep -qw -- --from <<<"$got"
got=$(complete_words cascade -w "$CODE" checkin K)
check "bash completes the workshop's ids (K -> K1): $got" grep -qw K1 <<<"$got"
got=$(complete_words cascade kr edit "")
check "and offers every id where one goes: $got" eval 'grep -qw T1 <<<"$got" && grep -qw O1 <<<"$got"'

has_escape() { grep -q $'\x1b\[' "$WORK/tty.out"; }
tty_score() { TERM=$1 XDG_CONFIG_HOME="$WORK/home" script -qec "$CASCADE score" /dev/null >"$WORK/tty.out" 2>&1; }
tty_score xterm
check "on a terminal, score is in colour" has_escape
tty_score dumb
check "TERM=dumb: no colour" eval '! has_escape && grep -q "Raise ARR" "$WORK/tty.out"'
NO_COLOR=1 tty_score xterm
check "NO_COLOR: no colour" eval '! has_escape'
finish
