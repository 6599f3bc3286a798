#include "render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "closing.h"
#include "output.h"
#include "score.h"
#include "team_tree.h"

#define ANSI_BOLD "\033[1m"
#define ANSI_RED "\033[31m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_GREEN "\033[32m"

/* What one rendering needs besides the state. */
struct view {
    FILE *out;
    const struct okr_state *s;
    int color;
    unsigned char *orphan; /* per objective index; NULL when out of memory */
};

void render_bar(double score, char out[11])
{
    if (!(score > 0))
        score = 0;
    if (score > 1)
        score = 1;
    int filled = (int)floor(score * 10.0 + 1e-9);
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

void render_confidence(double confidence, char *out, size_t outlen)
{
    render_number(round(confidence * 100.0) / 100.0, out, outlen);
}

void render_flat(const char *text, char *out, size_t outlen)
{
    static const char ELLIPSIS[] = "…";
    size_t o = 0;
    if (outlen < sizeof ELLIPSIS)
        return;
    for (const unsigned char *p = (const unsigned char *)(text != NULL ? text : ""); *p; p++) {
        const char *piece = NULL;
        char one[2] = {(char)*p, '\0'};
        if (*p == '\n')
            piece = " / ";
        else if (*p < 32 || *p == 127)
            piece = " ";
        else
            piece = one;
        size_t len = strlen(piece);
        /* Keep room for the ellipsis; back up to a character boundary. */
        if (o + len + sizeof ELLIPSIS > outlen) {
            while (o > 0 && ((unsigned char)out[o] & 0xC0) == 0x80)
                o--;
            memcpy(out + o, ELLIPSIS, sizeof ELLIPSIS);
            return;
        }
        memcpy(out + o, piece, len);
        o += len;
    }
    out[o] = '\0';
}

const char *render_grade_color(double score)
{
    switch (score_colour(score)) {
    case SCORE_ORANGE:
        return ANSI_YELLOW;
    case SCORE_GREEN:
        return ANSI_GREEN;
    case SCORE_RED:
        break;
    }
    return ANSI_RED;
}

/* A score as a percentage, after its bar when asked ("####...... 40%"), in
 * its grade's colour on a terminal. */
static void print_score(const struct view *v, double score, int with_bar)
{
    char bar[12] = "";
    if (with_bar) {
        render_bar(score, bar);
        bar[10] = ' ';
        bar[11] = '\0';
    }
    long pct = lround(score * 100.0);
    if (v->color)
        fprintf(v->out, "%s%s%ld%%%s", render_grade_color(score), bar, pct, RENDER_RESET);
    else
        fprintf(v->out, "%s%ld%%", bar, pct);
}

/* " · final 0.4 red" once the workshop is closed. */
static void print_final(const struct view *v, int graded, double score)
{
    if (!graded)
        return;
    fprintf(v->out, " · %sfinal %.1f %s%s", v->color ? render_grade_color(score) : "", score,
            score_colour_name(score_colour(score)), v->color ? RENDER_RESET : "");
}

static void indent(const struct view *v, int depth)
{
    for (int i = 0; i < depth; i++)
        fputs("  ", v->out);
}

static void print_comments(const struct view *v, enum okr_kind kind, uint32_t num, int depth)
{
    char id[16], text[RENDER_FLAT_MAX];
    for (size_t i = 0; i < v->s->ncomments; i++) {
        const struct okr_comment *c = &v->s->comments[i];
        if (c->target_kind != kind || c->target != num)
            continue;
        okr_id_format(OKR_COMMENT, c->num, id, sizeof id);
        render_flat(c->text, text, sizeof text);
        indent(v, depth);
        fprintf(v->out, "%s %s: %s", id, c->author != NULL && c->author[0] ? c->author : "?",
                text);
        if (c->resolved_by != NULL && c->resolved_by[0] != '\0')
            fprintf(v->out, " (resolved by %s)", c->resolved_by);
        fputc('\n', v->out);
    }
}

/* "K1 (T1)": a key result with the team it belongs to. */
static void print_kr_with_team(const struct view *v, uint32_t kr)
{
    char id[16], team[16] = "?";
    const struct okr_key_result *k = okr_key_result_find(v->s, kr);
    const struct okr_objective *o = k != NULL ? okr_objective_find(v->s, k->objective) : NULL;
    okr_id_format(OKR_KEY_RESULT, kr, id, sizeof id);
    if (o != NULL && o->team != 0)
        okr_id_format(OKR_TEAM, o->team, team, sizeof team);
    fprintf(v->out, "%s (%s)", id, team);
}

/* Initiatives, dependencies both ways, and comments of a key result. */
static void print_kr_details(const struct view *v, const struct okr_key_result *k, int depth)
{
    char id[16], title[RENDER_FLAT_MAX];
    for (size_t i = 0; i < v->s->ninitiatives; i++) {
        const struct okr_initiative *in = &v->s->initiatives[i];
        if (in->key_result != k->num)
            continue;
        okr_id_format(OKR_INITIATIVE, in->num, id, sizeof id);
        render_flat(in->title, title, sizeof title);
        indent(v, depth);
        fprintf(v->out, "%s [%c] %s\n", id, in->done ? 'x' : ' ', title);
    }
    for (size_t i = 0; i < v->s->ndependencies; i++) {
        const struct okr_dependency *d = &v->s->dependencies[i];
        if (d->key_result != k->num && d->depends_on != k->num)
            continue;
        indent(v, depth);
        fputs(d->key_result == k->num ? "needs " : "needed by ", v->out);
        print_kr_with_team(v, d->key_result == k->num ? d->depends_on : d->key_result);
        fputc('\n', v->out);
    }
    print_comments(v, OKR_KEY_RESULT, k->num, depth);
}

static void print_key_result(const struct view *v, const struct okr_key_result *k, int depth)
{
    char id[16], a[64], b[64], c[64], blocker[RENDER_FLAT_MAX];
    FILE *out = v->out;
    okr_id_format(OKR_KEY_RESULT, k->num, id, sizeof id);
    indent(v, depth);
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
    print_score(v, score_key_result(v->s, k), 1);
    print_final(v, k->graded, k->final_score);
    render_confidence(k->confidence, a, sizeof a);
    fprintf(out, " · conf %s", a);
    if (k->status != OKR_ON_TRACK)
        fprintf(out, " · %s", okr_kr_status_name(k->status));
    if (k->owner != NULL && k->owner[0] != '\0')
        fprintf(out, " · %s", k->owner);
    if (k->blocker != NULL && k->blocker[0] != '\0') {
        render_flat(k->blocker, blocker, sizeof blocker);
        fprintf(out, " · %s! blocked: %s%s", v->color ? ANSI_RED : "", blocker,
                v->color ? RENDER_RESET : "");
    }
    if (okr_key_result_weight(k) != 1.0) {
        render_number(okr_key_result_weight(k), a, sizeof a);
        fprintf(out, " · weight %s", a);
    }
    if (k->from_idea != 0)
        fprintf(out, " · from idea D%u", k->from_idea);
    if (k->overdue) {
        output_date(k->next_due_ms, a, sizeof a);
        fprintf(out, " · %scheck-in overdue since %s%s", v->color ? ANSI_RED : "", a,
                v->color ? RENDER_RESET : "");
    }
    if (k->carried_from != NULL && k->carried_from[0])
        fprintf(out, " · carried from %s", k->carried_from);
    fputc('\n', out);
    print_kr_details(v, k, depth + 1);
}

/* "yes", "no", or "?" while unanswered. */
static const char *answer_text(const struct okr_check *c)
{
    return c->answer != OKR_ANSWER_NONE ? okr_answer_name(c->answer) : "?";
}

static void print_objective(const struct view *v, size_t index, int depth)
{
    const struct okr_objective *o = &v->s->objectives[index];
    char id[16], ref[16];
    FILE *out = v->out;
    okr_id_format(OKR_OBJECTIVE, o->num, id, sizeof id);
    indent(v, depth);
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
    if (o->status != OKR_DRAFT)
        fprintf(out, " · %s", okr_status_name(o->status));
    if (o->necessary.answer != OKR_ANSWER_NONE || o->sufficient.answer != OKR_ANSWER_NONE)
        fprintf(out, " · N&S %s/%s", answer_text(&o->necessary), answer_text(&o->sufficient));
    if (v->orphan != NULL && v->orphan[index])
        fputs(" · orphan", out);
    if (o->from_idea != 0)
        fprintf(out, " · from idea D%u", o->from_idea);
    if (o->carried_from != NULL && o->carried_from[0])
        fprintf(out, " · carried from %s", o->carried_from);
    fputs(" · ", out);
    print_score(v, score_objective(v->s, o), 0);
    print_final(v, o->graded, o->final_score);
    fputc('\n', out);
    if (o->close_note != NULL && o->close_note[0] != '\0') {
        char note[RENDER_FLAT_MAX];
        render_flat(o->close_note, note, sizeof note);
        indent(v, depth + 1);
        fprintf(out, "closing note: %s\n", note);
    }
    print_comments(v, OKR_OBJECTIVE, o->num, depth + 1);
    for (size_t i = 0; i < v->s->nkey_results; i++)
        if (v->s->key_results[i].objective == o->num)
            print_key_result(v, &v->s->key_results[i], depth + 1);
}

/* Prints a team and its objectives. */
static void print_team(const struct view *v, const struct okr_team *t, int depth)
{
    const struct okr_state *s = v->s;
    char id[16];
    okr_id_format(OKR_TEAM, t->num, id, sizeof id);
    indent(v, depth);
    fprintf(v->out, "%s %s%s%s", id, v->color ? ANSI_BOLD : "", t->name,
            v->color ? RENDER_RESET : "");
    if (t->level != OKR_LEVEL_NONE)
        fprintf(v->out, " [%s]", okr_level_name(t->level));
    for (size_t i = 0; i < t->nmembers; i++)
        fprintf(v->out, "%s%s", i == 0 ? " · " : ", ", t->members[i]);
    fputc('\n', v->out);
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].team == t->num)
            print_objective(v, i, depth + 1);
}

/* Marks the objectives lint calls orphans, so show and lint agree. */
static int mark_orphan(void *ctx, const struct lint_warning *w)
{
    const struct view *v = ctx;
    uint32_t num;
    if (strcmp(w->rule->id, "orphan-objective") != 0 ||
        okr_id_parse(w->entity, OKR_OBJECTIVE, &num) != 0)
        return 0;
    for (size_t i = 0; i < v->s->nobjectives; i++)
        if (v->s->objectives[i].num == num)
            v->orphan[i] = 1;
    return 0;
}

void render_heading(FILE *out, const struct render_header *h, int bold)
{
    fprintf(out, "%s%s%s", bold ? ANSI_BOLD : "", h->title, bold ? RENDER_RESET : "");
    if (h->period != NULL && h->period[0] != '\0')
        fprintf(out, " (%s)", h->period);
    fprintf(out, " · code %s · seq %llu\n", h->code, (unsigned long long)h->seq);
}

void render_closed(FILE *out, const struct okr_state *s)
{
    if (!closing_is_closed(s))
        return;
    char when[32];
    closing_time_text(s->closed_ms, when, sizeof when);
    fprintf(out, "Closed by %s on %s: the grades are final; a facilitator can reopen it with "
                 "'cascade workshop reopen'.\n", s->closed_by, when);
}

int render_tree(FILE *out, const struct render_header *h, const struct okr_state *s, int color)
{
    struct team_tree tree;
    if (team_tree_build(&tree, s) != 0)
        return -1;
    render_heading(out, h, color);
    render_closed(out, s);
    if (s->nteams == 0 && s->nobjectives == 0) {
        fputs("No teams yet; add the first with 'cascade team add NAME --level company'.\n", out);
        team_tree_free(&tree);
        return 0;
    }
    struct view v = {.out = out, .s = s, .color = color, .orphan = calloc(s->nobjectives + 1, 1)};
    if (v.orphan != NULL)
        lint_run(s, mark_orphan, &v);
    for (size_t i = 0; i < tree.n; i++)
        print_team(&v, tree.teams[i], tree.depth[i]);
    /* Objectives of a team the snapshot does not hold still deserve a line. */
    int header = 0;
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->team != 0 && okr_team_find(s, o->team) != NULL)
            continue;
        if (!header++)
            fputs("(no team)\n", out);
        print_objective(&v, i, 1);
    }
    free(v.orphan);
    team_tree_free(&tree);
    return 0;
}
