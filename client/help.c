/* Help from the one usage text (help.h). */
#include "help.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "suggest.h"

#define HELP_LINE_MAX 512
#define HELP_WORD_MAX 48

/* Walks usage line by line, calling fn for each line of command's entries
 * (every entry's when command is NULL) with whether it starts an entry. */
static void each_line(const char *usage, const char *command,
                      void (*fn)(const char *line, size_t len, int starts, void *ctx), void *ctx)
{
    int inside = 0;
    size_t clen = command != NULL ? strlen(command) : 0;
    for (const char *p = usage; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        int starts = len > 2 && p[0] == ' ' && p[1] == ' ' && p[2] != ' ';
        int continues = len > 3 && p[0] == ' ' && p[1] == ' ' && p[2] == ' ';
        if (starts) {
            inside = command == NULL ? p[2] != '-'
                                     : len >= 2 + clen && strncmp(p + 2, command, clen) == 0 &&
                                           (len == 2 + clen || p[2 + clen] == ' ');
        } else if (!continues) {
            inside = 0;
        }
        if (inside || (command == NULL && (starts || continues)))
            fn(p, len, starts, ctx);
        if (nl == NULL)
            break;
        p = nl + 1;
    }
}

struct printing {
    FILE *out; /* NULL: only count */
    size_t entries;
};

static void print_line(const char *line, size_t len, int starts, void *ctx)
{
    struct printing *pr = ctx;
    if (starts)
        pr->entries++;
    if (pr->out != NULL)
        fprintf(pr->out, "%.*s\n", (int)len, line);
}

size_t help_print_command(FILE *out, const char *usage, const char *command)
{
    struct printing count = {NULL, 0};
    each_line(usage, command, print_line, &count);
    if (count.entries == 0)
        return 0;
    fprintf(out, "Usage: cascade [GLOBAL OPTIONS] %s ...\n\n", command);
    struct printing pr = {out, 0};
    each_line(usage, command, print_line, &pr);
    fputs("\nRun 'cascade --help' for the global options and every command.\n", out);
    return pr.entries;
}

/* The distinct words seen so far, to call back each once. */
struct words {
    char seen[128][HELP_WORD_MAX + 1];
    size_t n;
    void (*fn)(const char *word, void *ctx);
    void *ctx;
};

static void offer(struct words *w, const char *word, size_t len)
{
    if (len == 0 || len > HELP_WORD_MAX)
        return;
    char copy[HELP_WORD_MAX + 1];
    memcpy(copy, word, len);
    copy[len] = '\0';
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->seen[i], copy) == 0)
            return;
    if (w->n < sizeof w->seen / sizeof w->seen[0])
        memcpy(w->seen[w->n++], copy, len + 1);
    w->fn(copy, w->ctx);
}

static void flags_of_line(const char *line, size_t len, int starts, void *ctx)
{
    (void)starts;
    for (size_t i = 0; i + 2 < len; i++) {
        if (line[i] != '-' || line[i + 1] != '-' || !islower((unsigned char)line[i + 2]))
            continue;
        if (i > 0 && line[i - 1] != ' ' && line[i - 1] != '[' && line[i - 1] != '(' &&
            line[i - 1] != '|')
            continue;
        size_t j = i + 2;
        while (j < len && (islower((unsigned char)line[j]) || line[j] == '-'))
            j++;
        offer(ctx, line + i, j - i);
        i = j;
    }
}

void help_each_flag(const char *usage, const char *command,
                    void (*fn)(const char *flag, void *ctx), void *ctx)
{
    struct words w = {.fn = fn, .ctx = ctx};
    each_line(usage, command, flags_of_line, &w);
}

static void subcommand_of_line(const char *line, size_t len, int starts, void *ctx)
{
    if (!starts)
        return;
    /* "  obj add TITLE ...": the word after the command. */
    size_t i = 2;
    while (i < len && line[i] != ' ')
        i++;
    size_t start = ++i;
    while (i < len && (islower((unsigned char)line[i]) || line[i] == '-'))
        i++;
    if (i > start && (i == len || line[i] == ' ') && line[start] != '-')
        offer(ctx, line + start, i - start);
}

void help_each_subcommand(const char *usage, const char *command,
                          void (*fn)(const char *word, void *ctx), void *ctx)
{
    struct words w = {.fn = fn, .ctx = ctx};
    each_line(usage, command, subcommand_of_line, &w);
}

struct nearest {
    const char *typed;
    size_t best_d;
    char best[HELP_WORD_MAX + 1];
};

static void consider(const char *flag, void *ctx)
{
    struct nearest *n = ctx;
    const char *one[] = {flag};
    if (suggest_closest(n->typed, one, 1) == NULL)
        return;
    size_t d = suggest_distance(n->typed, flag);
    if (d < n->best_d) {
        n->best_d = d;
        snprintf(n->best, sizeof n->best, "%s", flag);
    }
}

const char *help_suggest_flag(const char *usage, const char *command, const char *typed,
                              char *out, size_t outlen)
{
    char bare[HELP_WORD_MAX + 1];
    size_t len = strcspn(typed, "=");
    if (len > HELP_WORD_MAX)
        return NULL;
    memcpy(bare, typed, len);
    bare[len] = '\0';
    struct nearest n = {.typed = bare, .best_d = SUGGEST_FAR + 1};
    help_each_flag(usage, command, consider, &n);
    if (n.best[0] == '\0' || strcmp(n.best, bare) == 0)
        return NULL;
    snprintf(out, outlen, "%s", n.best);
    return out;
}
