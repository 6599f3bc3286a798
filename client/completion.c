/* Shell completion for cascade (completion.h). */
#include "completion.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "help.h"
#include "okr.h"
#include "snapshot.h"

/* The global options that take a value: the word after them is not a
 * command. */
static const char GLOBALS_WITH_VALUE[] = "--server --workshop -w --ca --timeout";
static const char GLOBALS[] = "--server --workshop -w --ca --json --timeout --help --version";

static void print_word(const char *word, void *ctx)
{
    FILE *out = ctx;
    fprintf(out, " %s", word);
}

/* One "name) echo '...';;" case per command, of its flags or subcommands. */
static void write_cases(FILE *out, const char *usage, const char *const *names, size_t n,
                        int flags)
{
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "        %s) echo '", names[i]);
        if (flags)
            help_each_flag(usage, names[i], print_word, out);
        else
            help_each_subcommand(usage, names[i], print_word, out);
        fputs("' ;;\n", out);
    }
}

static void write_data(FILE *out, const char *usage, const char *const *names, size_t n)
{
    fputs("_cascade_commands='", out);
    for (size_t i = 0; i < n; i++)
        fprintf(out, "%s%s", i > 0 ? " " : "", names[i]);
    fprintf(out, "'\n_cascade_globals='%s'\n_cascade_globals_with_value='%s'\n", GLOBALS,
            GLOBALS_WITH_VALUE);
    fputs("_cascade_flags() {\n    case $1 in\n", out);
    write_cases(out, usage, names, n, 1);
    fputs("    esac\n}\n_cascade_subcommands() {\n    case $1 in\n", out);
    write_cases(out, usage, names, n, 0);
    fputs("    esac\n}\n", out);
}

void completion_write_bash(FILE *out, const char *usage, const char *const *names, size_t n)
{
    fputs("# bash completion for cascade; made by 'cascade completion bash'.\n"
          "# Install: cascade completion bash > ~/.local/share/bash-completion/completions/cascade\n",
          out);
    write_data(out, usage, names, n);
    fputs("_cascade() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} cmd='' sub='' i w\n"
          "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
          "        w=${COMP_WORDS[i]}\n"
          "        if [[ \" $_cascade_globals_with_value \" == *\" $w \"* ]]; then ((i++)); continue; fi\n"
          "        [[ $w == -* ]] && continue\n"
          "        if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi\n"
          "    done\n"
          "    if [[ -z $cmd ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$_cascade_commands $_cascade_globals\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    if [[ $cur == -* ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$(_cascade_flags \"$cmd\") $_cascade_globals\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    local subs; subs=$(_cascade_subcommands \"$cmd\")\n"
          "    if [[ -z $sub && -n ${subs// /} ]]; then\n"
          "        COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
          "        return\n"
          "    fi\n"
          "    COMPREPLY=($(compgen -W \"$(cascade completion ids 2>/dev/null)\" -- \"$cur\"))\n"
          "}\n"
          "complete -F _cascade cascade\n",
          out);
}

void completion_write_zsh(FILE *out, const char *usage, const char *const *names, size_t n)
{
    fputs("#compdef cascade\n"
          "# zsh completion for cascade; made by 'cascade completion zsh'.\n"
          "# Install: cascade completion zsh > \"${fpath[1]}/_cascade\"\n",
          out);
    write_data(out, usage, names, n);
    fputs("_cascade() {\n"
          "    local cmd='' sub='' i w\n"
          "    for ((i = 2; i < CURRENT; i++)); do\n"
          "        w=${words[i]}\n"
          "        if [[ \" $_cascade_globals_with_value \" == *\" $w \"* ]]; then ((i++)); continue; fi\n"
          "        [[ $w == -* ]] && continue\n"
          "        if [[ -z $cmd ]]; then cmd=$w; elif [[ -z $sub ]]; then sub=$w; fi\n"
          "    done\n"
          "    if [[ -z $cmd ]]; then\n"
          "        compadd -- ${=_cascade_commands} ${=_cascade_globals}\n"
          "        return\n"
          "    fi\n"
          "    if [[ $PREFIX == -* ]]; then\n"
          "        compadd -- ${=$(_cascade_flags $cmd)} ${=_cascade_globals}\n"
          "        return\n"
          "    fi\n"
          "    local subs=$(_cascade_subcommands $cmd)\n"
          "    if [[ -z $sub && -n ${subs// /} ]]; then\n"
          "        compadd -- ${=subs}\n"
          "        return\n"
          "    fi\n"
          "    compadd -- ${(f)\"$(cascade completion ids 2>/dev/null)\"}\n"
          "}\n"
          "_cascade \"$@\"\n",
          out);
}

static void print_id(enum okr_kind kind, uint32_t num)
{
    char id[16];
    okr_id_format(kind, num, id, sizeof id);
    puts(id);
}

int completion_ids(struct cli *cli, struct args *a)
{
    struct snapshot v;
    int rc = snapshot_open(cli, a, "completion ids", &v);
    if (rc != EXIT_OK)
        return rc;
    const struct okr_state *s = &v.st;
    for (size_t i = 0; i < s->nteams; i++)
        print_id(OKR_TEAM, s->teams[i].num);
    for (size_t i = 0; i < s->nobjectives; i++)
        print_id(OKR_OBJECTIVE, s->objectives[i].num);
    for (size_t i = 0; i < s->nkey_results; i++)
        print_id(OKR_KEY_RESULT, s->key_results[i].num);
    for (size_t i = 0; i < s->ninitiatives; i++)
        print_id(OKR_INITIATIVE, s->initiatives[i].num);
    for (size_t i = 0; i < s->ncomments; i++)
        print_id(OKR_COMMENT, s->comments[i].num);
    for (size_t i = 0; i < s->nideas; i++)
        print_id(OKR_IDEA, s->ideas[i].num);
    snapshot_close(&v);
    return EXIT_OK;
}
