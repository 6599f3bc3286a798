#include "render.h"

#include <math.h>
#include <string.h>

#define ANSI_RESET "\033[0m"
#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_GREEN "\033[32m"

double render_objective_progress(const struct okr_state *s, uint32_t objective)
{
    double sum = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->nkey_results; i++) {
        if (s->key_results[i].objective != objective)
            continue;
        sum += okr_key_result_progress(&s->key_results[i]);
        n++;
    }
    return n > 0 ? sum / (double)n : 0.0;
}

void render_bar(double progress, char out[11])
{
    if (!(progress > 0))
        progress = 0;
    if (progress > 1)
        progress = 1;
    int filled = (int)floor(progress * 10.0 + 1e-9);
    for (int i = 0; i < 10; i++)
        out[i] = i < filled ? '#' : '.';
    out[10] = '\0';
}

void render_number(double v, char *out, size_t outlen)
{
    /* Twelve significant digits hide binary noise (0.1 + 0.2) and keep
     * whole amounts like 1500000 out of exponent notation. */
    snprintf(out, outlen, "%.12g", v == 0 ? 0.0 : v);
}

/* The grade colour of the OKR convention: the score rounded to one decimal
 * is red up to 0.4, orange (yellow here) at 0.5-0.6, green from 0.7. */
static const char *grade_color(double progress)
{
    double tenths = round(progress * 10.0);
    return tenths <= 4 ? ANSI_RED : tenths <= 6 ? ANSI_YELLOW : ANSI_GREEN;
}

static void print_progress(FILE *out, double progress, int color)
{
    char bar[11];
    render_bar(progress, bar);
    long pct = lround(progress * 100.0);
    if (color)
        fprintf(out, "%s%s %ld%%%s", grade_color(progress), bar, pct, ANSI_RESET);
    else
        fprintf(out, "%s %ld%%", bar, pct);
}

static void indent(FILE *out, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", out);
}

static void print_key_result(FILE *out, const struct okr_key_result *k, int depth, int color)
{
    char id[16], a[64], b[64], c[64];
    okr_id_format(OKR_KEY_RESULT, k->num, id, sizeof id);
    indent(out, depth);
    fprintf(out, "%s %s · ", id, k->title);
    if (k->milestone) {
        fputs(k->done ? "done" : "not done", out);
    } else {
        render_number(k->start, a, sizeof a);
        render_number(k->current, b, sizeof b);
        render_number(k->target, c, sizeof c);
        fprintf(out, "%s → %s → %s", a, b, c);
        if (k->unit != NULL && k->unit[0] != '\0')
            fprintf(out, " %s", k->unit);
    }
    fputs(" · ", out);
    print_progress(out, okr_key_result_progress(k), color);
    if (k->owner != NULL && k->owner[0] != '\0')
        fprintf(out, " · %s", k->owner);
    fputc('\n', out);
}

static void print_objective(FILE *out, const struct okr_state *s, const struct okr_objective *o,
                            int depth, int color)
{
    char id[16], ref[16];
    okr_id_format(OKR_OBJECTIVE, o->num, id, sizeof id);
    indent(out, depth);
    fprintf(out, "%s %s", id, o->title);
    if (o->owner != NULL && o->owner[0] != '\0')
        fprintf(out, " — owner %s", o->owner);
    fprintf(out, " · %s", o->committed ? "committed" : "aspirational");
    if (o->aligns_to != 0) {
        okr_id_format(OKR_OBJECTIVE, o->aligns_to, ref, sizeof ref);
        fprintf(out, " → %s", ref);
    }
    if (o->inherits != 0) {
        okr_id_format(OKR_KEY_RESULT, o->inherits, ref, sizeof ref);
        fprintf(out, " ⇐ %s", ref);
    }
    double progress = render_objective_progress(s, o->num);
    if (color)
        fprintf(out, " · %s%ld%%%s\n", grade_color(progress), lround(progress * 100.0),
                ANSI_RESET);
    else
        fprintf(out, " · %ld%%\n", lround(progress * 100.0));
    for (size_t i = 0; i < s->nkey_results; i++)
        if (s->key_results[i].objective == o->num)
            print_key_result(out, &s->key_results[i], depth + 1, color);
}

/* Prints a team, its objectives, then its child teams one level deeper.
 * depth is bounded by the number of teams, so a parent cycle (which the
 * server never makes) cannot recurse for ever. */
static void print_team(FILE *out, const struct okr_state *s, const struct okr_team *t, int depth,
                       int color)
{
    char id[16];
    okr_id_format(OKR_TEAM, t->num, id, sizeof id);
    indent(out, depth);
    fprintf(out, "%s %s%s%s", id, color ? ANSI_BOLD : "", t->name, color ? ANSI_RESET : "");
    if (t->level != OKR_LEVEL_NONE)
        fprintf(out, " [%s]", okr_level_name(t->level));
    fputc('\n', out);
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].team == t->num)
            print_objective(out, s, &s->objectives[i], depth + 1, color);
    if ((size_t)depth >= s->nteams)
        return;
    for (size_t i = 0; i < s->nteams; i++)
        if (s->teams[i].parent == t->num && s->teams[i].num != t->num)
            print_team(out, s, &s->teams[i], depth + 1, color);
}

void render_tree(FILE *out, const struct render_header *h, const struct okr_state *s, int color)
{
    fprintf(out, "%s%s%s", color ? ANSI_BOLD : "", h->title, color ? ANSI_RESET : "");
    if (h->period != NULL && h->period[0] != '\0')
        fprintf(out, " (%s)", h->period);
    fprintf(out, " · code %s · seq %llu\n", h->code, (unsigned long long)h->seq);
    if (s->nteams == 0 && s->nobjectives == 0) {
        fputs("No teams yet; add the first with 'cascade team add NAME --level company'.\n", out);
        return;
    }
    for (size_t i = 0; i < s->nteams; i++) {
        const struct okr_team *t = &s->teams[i];
        if (t->parent == 0 || t->parent == t->num || okr_team_find(s, t->parent) == NULL)
            print_team(out, s, t, 0, color);
    }
    /* Objectives of a team the snapshot does not hold still deserve a line. */
    int header = 0;
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->team != 0 && okr_team_find(s, o->team) != NULL)
            continue;
        if (!header++)
            fputs("(no team)\n", out);
        print_objective(out, s, o, 1, color);
    }
}
