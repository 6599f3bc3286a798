/* The live view's screen: the model (live_model.h) drawn as lines of text
 * for a terminal size — the tree's rows, the detail pane, the forms and
 * dialogs, the bars around them (the session's lines are live_session.c's). */
#include "live_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "live_session.h"
#include "live_text.h"
#include "output.h"
#include "render.h"
#include "closing.h"
#include "score.h"
#include "sparkline.h"

/* ---- Rows as text --------------------------------------------------------- */

struct glyphs {
    const char *open, *closed, *leaf, *full, *empty, *good, *short_of, *poor, *edit, *sep,
        *arrow, *inherits, *here;
};

static const struct glyphs UNICODE = {"▾", "▸", " ", "█", "░", "✓", "~", "✗", "✎", " · ",
                                      "→", "⇐", "●"};
static const struct glyphs ASCII = {"-", "+", " ", "#", ".", "+", "~", "x", "*", " | ",
                                    "->", "<=", "o"};

static const struct glyphs *glyphs_of(const struct live_model *m)
{
    return m->ascii ? &ASCII : &UNICODE;
}

static int grade_style(double score)
{
    switch (score_colour(score)) {
    case SCORE_GREEN:
        return LIVE_GREEN;
    case SCORE_ORANGE:
        return LIVE_ORANGE;
    default:
        return LIVE_RED;
    }
}

static const char *grade_glyph(const struct glyphs *g, double score)
{
    switch (score_colour(score)) {
    case SCORE_GREEN:
        return g->good;
    case SCORE_ORANGE:
        return g->short_of;
    default:
        return g->poor;
    }
}

/* The score's columns: a bar of 10, its number to one decimal, its glyph:
 * "████░░░░░░ 0.4 ✗" (16 columns). */
#define SCORE_COLS 16

static void put_score(struct live_lb *b, const struct live_model *m, double score, int base)
{
    const struct glyphs *g = glyphs_of(m);
    char bar[11];
    render_bar(score, bar);
    int style = m->color ? grade_style(score) : base;
    for (int i = 0; i < 10; i++)
        live_lb_put(b, bar[i] == '#' ? g->full : g->empty, 1, style, m->ascii);
    char num[8];
    snprintf(num, sizeof num, " %.1f ", score_rounded(score));
    live_lb_put(b, num, -1, base, m->ascii);
    live_lb_put(b, grade_glyph(g, score), 1, style, m->ascii);
}

static const char *editor_of(const struct live_model *m, struct live_ref r)
{
    char id[16];
    okr_id_format(r.kind, r.num, id, sizeof id);
    for (size_t i = 0; i < m->npeople; i++)
        if (strcmp(m->people[i].editing, id) == 0 && strcmp(m->people[i].user, m->me) != 0)
            return m->people[i].user;
    return NULL;
}

/* What a row says after its title, before the score: owner, status and the
 * like, as one text. */
static void row_meta(const struct live_model *m, struct live_ref r, int wide, char *out,
                     size_t outlen)
{
    const struct glyphs *g = glyphs_of(m);
    const struct okr_state *s = m->s;
    char conf[16], id[16];
    out[0] = '\0';
    if (r.kind == OKR_TEAM) {
        const struct okr_team *t = okr_team_find(s, r.num);
        if (t != NULL)
            snprintf(out, outlen, "%s", okr_level_name(t->level));
    } else if (r.kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = okr_objective_find(s, r.num);
        if (o == NULL)
            return;
        size_t n = 0;
        if (o->aligns_to) {
            okr_id_format(OKR_OBJECTIVE, o->aligns_to, id, sizeof id);
            n += (size_t)snprintf(out + n, outlen - n, "%s%s ", g->arrow, id);
        } else if (o->inherits && n < outlen) {
            okr_id_format(OKR_KEY_RESULT, o->inherits, id, sizeof id);
            n += (size_t)snprintf(out + n, outlen - n, "%s%s ", g->inherits, id);
        }
        if (n < outlen)
            n += (size_t)snprintf(out + n, outlen - n, "%s", o->committed ? "committed" : "aspirational");
        if (o->status != OKR_DRAFT && n < outlen)
            n += (size_t)snprintf(out + n, outlen - n, " %s", okr_status_name(o->status));
        if (wide && o->owner != NULL && o->owner[0] && n < outlen)
            snprintf(out + n, outlen - n, " %s", o->owner);
    } else {
        const struct okr_key_result *k = okr_key_result_find(s, r.num);
        if (k == NULL)
            return;
        render_confidence(k->confidence, conf, sizeof conf);
        size_t n = (size_t)snprintf(out, outlen, "conf %s", conf);
        if (k->status != OKR_ON_TRACK && n < outlen)
            n += (size_t)snprintf(out + n, outlen - n, " %s", okr_kr_status_name(k->status));
        if (k->blocker != NULL && k->blocker[0] && n < outlen)
            n += (size_t)snprintf(out + n, outlen - n, " blocked");
        if (k->overdue && n < outlen)
            n += (size_t)snprintf(out + n, outlen - n, " overdue");
        if (wide && k->owner != NULL && k->owner[0] && n < outlen)
            snprintf(out + n, outlen - n, " %s", k->owner);
    }
}

/* A row's score, from score.h (the one definition), computed once per state. */
static double row_score(const struct live_model *m, struct live_ref r)
{
    const struct okr_state *s = m->s;
    size_t at;
    double v;
    if (r.kind == OKR_TEAM) {
        const struct okr_team *t = okr_team_find(s, r.num);
        if (t == NULL)
            return 0;
        at = (size_t)(t - s->teams);
        if (m->scores != NULL && m->scores[at] >= 0)
            return m->scores[at];
        v = score_team(s, t);
    } else if (r.kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = okr_objective_find(s, r.num);
        if (o == NULL)
            return 0;
        at = s->nteams + (size_t)(o - s->objectives);
        if (m->scores != NULL && m->scores[at] >= 0)
            return m->scores[at];
        v = closing_objective_score(s, o); /* the fixed grade once closed */
    } else {
        const struct okr_key_result *k = okr_key_result_find(s, r.num);
        if (k == NULL)
            return 0;
        at = s->nteams + s->nobjectives + (size_t)(k - s->key_results);
        if (m->scores != NULL && m->scores[at] >= 0)
            return m->scores[at];
        v = closing_key_result_score(s, k);
    }
    if (m->scores != NULL)
        m->scores[at] = v;
    return v;
}

static const char *row_title(const struct okr_state *s, struct live_ref r)
{
    if (r.kind == OKR_TEAM) {
        const struct okr_team *t = okr_team_find(s, r.num);
        return t != NULL ? t->name : "";
    }
    if (r.kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = okr_objective_find(s, r.num);
        return o != NULL ? o->title : "";
    }
    const struct okr_key_result *k = okr_key_result_find(s, r.num);
    return k != NULL ? k->title : "";
}

static const struct live_highlight *highlight_of(const struct live_model *m, struct live_ref r,
                                                 uint64_t now_ms)
{
    for (size_t i = 0; i < m->nhighlights; i++)
        if (live_ref_same(m->highlights[i].ref, r) && m->highlights[i].until_ms > now_ms)
            return &m->highlights[i];
    return NULL;
}

/* One tree row in `cols` columns:
 *   "  ▾ O1 Grow revenue ······· committed final alice  ████░░░░░░ 0.4 ✗" */
static void format_row(const struct live_model *m, size_t i, int cols, uint64_t now_ms,
                       struct live_line *l)
{
    const struct glyphs *g = glyphs_of(m);
    struct live_ref r = m->rows[i];
    const struct live_highlight *hl = highlight_of(m, r, now_ms);
    int selected = live_ref_same(r, m->selected);
    unsigned char base = selected ? LIVE_SELECTED : hl != NULL ? LIVE_CHANGED : LIVE_PLAIN;
    struct live_lb b;
    live_lb_start(&b, l, cols, base);
    live_lb_pad(&b, 2 * m->depth[i]); /* two columns a level */
    const char *fold = r.kind == OKR_KEY_RESULT  ? g->leaf
                       : live_model_is_folded(m, r)         ? g->closed
                       : live_model_has_children(m, r)      ? g->open
                                                 : g->leaf;
    live_lb_put(&b, fold, 1, base, m->ascii);
    live_lb_put(&b, " ", 1, base, m->ascii);
    char id[16], title[512], meta[160], who[64];
    okr_id_format(r.kind, r.num, id, sizeof id);
    live_lb_put(&b, id, -1, selected ? base : LIVE_BOLD, m->ascii);
    live_lb_put(&b, " ", 1, base, m->ascii);
    render_flat(row_title(m->s, r), title, sizeof title);
    row_meta(m, r, cols >= 100, meta, sizeof meta);
    who[0] = '\0';
    const char *editor = editor_of(m, r);
    if (editor != NULL)
        snprintf(who, sizeof who, "%s%s ", g->edit, editor);
    else if (hl != NULL)
        snprintf(who, sizeof who, "%s ", hl->by);
    /* Right-aligned: who, meta, score; the title takes what is left. */
    int right = live_text_width(who) + live_text_width(meta) + 1 + SCORE_COLS;
    int title_room = cols - b.used - right - 1;
    if (title_room < 8) { /* a narrow pane: the meta gives way to the title */
        meta[0] = '\0';
        right = live_text_width(who) + SCORE_COLS;
        title_room = cols - b.used - right - 1;
    }
    live_lb_put(&b, title, title_room, base, m->ascii);
    live_lb_pad(&b, cols - right);
    live_lb_put(&b, who, -1, selected ? base : LIVE_BOLD, m->ascii);
    live_lb_put(&b, meta, -1, selected ? base : LIVE_DIM, m->ascii);
    live_lb_put(&b, " ", 1, base, m->ascii);
    put_score(&b, m, row_score(m, r), base);
    live_lb_pad(&b, cols);
}

/* ---- The detail pane ------------------------------------------------------ */

struct detail {
    char lines[40][LIVE_TICK_BYTES * 2];
    unsigned char style[40];
    size_t n;
};

static void dl(struct detail *d, unsigned char style, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void dl(struct detail *d, unsigned char style, const char *fmt, ...)
{
    if (d->n == sizeof d->lines / sizeof d->lines[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->lines[d->n], sizeof d->lines[d->n], fmt, ap);
    va_end(ap);
    d->style[d->n++] = style;
}

struct lint_keep {
    struct live_warning *items;
    size_t n, cap;
};

static int keep_warning(void *ctx, const struct lint_warning *w)
{
    struct lint_keep *k = ctx;
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 16;
        struct live_warning *p = realloc(k->items, cap * sizeof *p);
        if (p == NULL)
            return 1; /* out of memory: the warnings so far */
        k->items = p;
        k->cap = cap;
    }
    snprintf(k->items[k->n].entity, sizeof k->items[k->n].entity, "%s", w->entity);
    snprintf(k->items[k->n].message, sizeof k->items[k->n].message, "%s", w->message);
    k->n++;
    return 0;
}

/* Lint's warnings for the state, once per state. */
static void lint_once(struct live_model *m)
{
    if (m->linted || m->s == NULL)
        return;
    struct lint_keep k = {NULL, 0, 0};
    lint_run(m->s, keep_warning, &k);
    m->warnings = k.items;
    m->nwarnings = k.n;
    m->linted = 1;
}

static void detail_comments(const struct live_model *m, struct live_ref r, struct detail *d)
{
    char text[LIVE_TICK_BYTES];
    for (size_t i = 0; i < m->s->ncomments; i++) {
        const struct okr_comment *c = &m->s->comments[i];
        if (c->target_kind != r.kind || c->target != r.num)
            continue;
        render_flat(c->text, text, sizeof text);
        if (c->resolved_by != NULL && c->resolved_by[0] != '\0')
            dl(d, LIVE_DIM, "C%u %s: %s (resolved by %s)", c->num, c->author, text, c->resolved_by);
        else
            dl(d, LIVE_PLAIN, "C%u %s: %s", c->num, c->author, text);
    }
}

static void detail_objective(const struct live_model *m, const struct okr_objective *o,
                             struct detail *d)
{
    const struct glyphs *g = glyphs_of(m);
    char flat[LIVE_TICK_BYTES];
    double sc = score_objective(m->s, o);
    dl(d, LIVE_PLAIN, "%s, owner %s, %s", o->committed ? "committed" : "aspirational",
       o->owner[0] ? o->owner : "none", okr_status_name(o->status));
    dl(d, (unsigned char)grade_style(sc), "score %.1f %s %s", score_rounded(sc), grade_glyph(g, sc),
       score_colour_meaning(score_colour(sc)));
    if (o->aligns_to)
        dl(d, LIVE_PLAIN, "aligns to O%u", o->aligns_to);
    if (o->inherits)
        dl(d, LIVE_PLAIN, "inherits K%u", o->inherits);
    if (o->from_idea)
        dl(d, LIVE_DIM, "from idea D%u", o->from_idea);
    if (o->carried_from != NULL && o->carried_from[0])
        dl(d, LIVE_DIM, "carried from %s", o->carried_from);
    if (o->rationale != NULL && o->rationale[0]) {
        render_flat(o->rationale, flat, sizeof flat);
        dl(d, LIVE_DIM, "why: %s", flat);
    }
    if (o->necessary.answer || o->sufficient.answer)
        dl(d, LIVE_PLAIN, "necessary %s, sufficient %s",
           o->necessary.answer ? okr_answer_name(o->necessary.answer) : "?",
           o->sufficient.answer ? okr_answer_name(o->sufficient.answer) : "?");
    if (o->graded)
        dl(d, (unsigned char)grade_style(o->final_score), "final grade %.1f %s, fixed at the close",
           o->final_score, score_colour_name(score_colour(o->final_score)));
    if (o->close_note != NULL && o->close_note[0]) {
        render_flat(o->close_note, flat, sizeof flat);
        dl(d, LIVE_PLAIN, "closing note: %s", flat);
    }
}

static void detail_key_result(const struct live_model *m, const struct okr_key_result *k,
                              struct detail *d)
{
    const struct glyphs *g = glyphs_of(m);
    char a[32], b[32], c[32], conf[16], flat[LIVE_TICK_BYTES];
    double sc = score_key_result(m->s, k);
    render_confidence(k->confidence, conf, sizeof conf);
    if (k->milestone) {
        dl(d, LIVE_PLAIN, "milestone, %s", k->done ? "done" : "not done");
    } else {
        render_number(k->start, a, sizeof a);
        render_number(k->current, b, sizeof b);
        render_number(k->target, c, sizeof c);
        dl(d, LIVE_PLAIN, "%s %s %s %s %s %s", a, g->arrow, b, g->arrow, c, k->unit);
    }
    dl(d, (unsigned char)grade_style(sc), "score %.1f %s, confidence %s, %s, owner %s",
       score_rounded(sc), grade_glyph(g, sc), conf, okr_kr_status_name(k->status),
       k->owner[0] ? k->owner : "none");
    if (k->from_idea)
        dl(d, LIVE_DIM, "from idea D%u", k->from_idea);
    if (k->graded)
        dl(d, (unsigned char)grade_style(k->final_score), "final grade %.1f %s, fixed at the close",
           k->final_score, score_colour_name(score_colour(k->final_score)));
    if (k->carried_from != NULL && k->carried_from[0])
        dl(d, LIVE_DIM, "carried from %s", k->carried_from);
    if (okr_key_result_weight(k) != 1.0) {
        render_number(okr_key_result_weight(k), a, sizeof a);
        dl(d, LIVE_PLAIN, "weight %s of its objective's score", a);
    }
    if (k->blocker != NULL && k->blocker[0]) {
        render_flat(k->blocker, flat, sizeof flat);
        dl(d, LIVE_RED, "blocked: %s", flat);
    }
    if (k->overdue) {
        output_date(k->next_due_ms, a, sizeof a);
        dl(d, LIVE_RED, "check-in overdue since %s", a);
    }
    const struct live_history *h = &m->history;
    if (h->ref.kind == OKR_KEY_RESULT && h->ref.num == k->num && h->total > 0) {
        char line[LIVE_HISTORY_MAX * SPARKLINE_BLOCK_BYTES + 1];
        if (m->ascii) { /* eight levels in ASCII */
            static const char LEVELS[] = "_.,-=+*#";
            size_t i;
            for (i = 0; i < h->n; i++) {
                double v = h->levels[i] != h->levels[i] ? 0 : h->levels[i];
                int at = (int)(v * 7 + 0.5);
                line[i] = LEVELS[at < 0 ? 0 : at > 7 ? 7 : at];
            }
            line[i] = '\0';
        } else {
            sparkline_format(h->levels, h->n, line, sizeof line);
        }
        dl(d, LIVE_PLAIN, "check-ins %s (%zu), last: %s", line, h->total, h->last);
    }
    for (size_t i = 0; i < m->s->ninitiatives; i++) {
        const struct okr_initiative *in = &m->s->initiatives[i];
        if (in->key_result != k->num)
            continue;
        render_flat(in->title, flat, sizeof flat);
        dl(d, LIVE_PLAIN, "I%u [%s] %s", in->num, in->done ? "x" : " ", flat);
    }
    for (size_t i = 0; i < m->s->ndependencies; i++) {
        const struct okr_dependency *dep = &m->s->dependencies[i];
        if (dep->key_result == k->num)
            dl(d, LIVE_PLAIN, "depends on K%u (T%u)", dep->depends_on,
               live_model_team_of(m->s, (struct live_ref){OKR_KEY_RESULT, dep->depends_on}));
        if (dep->depends_on == k->num)
            dl(d, LIVE_PLAIN, "needed by K%u (T%u)", dep->key_result,
               live_model_team_of(m->s, (struct live_ref){OKR_KEY_RESULT, dep->key_result}));
    }
}

static void build_detail(struct live_model *m, struct detail *d)
{
    d->n = 0;
    struct live_ref r = m->selected;
    if (m->s == NULL || m->nrows == 0) {
        dl(d, LIVE_DIM, "Nothing here yet.");
        return;
    }
    char id[16], flat[LIVE_TICK_BYTES];
    okr_id_format(r.kind, r.num, id, sizeof id);
    render_flat(row_title(m->s, r), flat, sizeof flat);
    dl(d, LIVE_BOLD, "%s %s", id, flat);
    if (r.kind == OKR_TEAM) {
        const struct okr_team *t = okr_team_find(m->s, r.num);
        if (t == NULL)
            return;
        if (t->parent)
            dl(d, LIVE_PLAIN, "%s, under T%u", okr_level_name(t->level), t->parent);
        else
            dl(d, LIVE_PLAIN, "%s", okr_level_name(t->level));
        size_t n = 0;
        flat[0] = '\0';
        for (size_t i = 0; i < t->nmembers && n + 40 < sizeof flat; i++)
            n += (size_t)snprintf(flat + n, sizeof flat - n, "%s%s", i ? ", " : "", t->members[i]);
        dl(d, LIVE_PLAIN, "members: %s", t->nmembers ? flat : "none yet");
    } else if (r.kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = okr_objective_find(m->s, r.num);
        if (o != NULL)
            detail_objective(m, o, d);
    } else {
        const struct okr_key_result *k = okr_key_result_find(m->s, r.num);
        if (k != NULL)
            detail_key_result(m, k, d);
    }
    detail_comments(m, r, d);
    lint_once(m);
    for (size_t i = 0; i < m->nwarnings; i++)
        if (strcmp(m->warnings[i].entity, id) == 0)
            dl(d, LIVE_ORANGE, "! %s", m->warnings[i].message);
}

/* The open form as detail lines: its title, then one line per field, the
 * one being typed marked and showing input. *active gets that line's
 * index, *cursor_from the columns before the typed text ends. */
static void form_lines(const struct live_model *m, struct detail *d, int *active, int *cursor_at)
{
    const struct live_form *f = &m->form;
    char title[LIVE_TICK_BYTES];
    d->n = 0;
    live_form_title(f, m->s, title, sizeof title);
    dl(d, LIVE_BOLD, "%s", title);
    for (int i = 0; i < f->nfields; i++) {
        int on = i == f->field;
        char head[40];
        snprintf(head, sizeof head, "%s %-11s", on ? (m->ascii ? ">" : "▸") : " ", f->names[i]);
        if (on) {
            *active = (int)d->n;
            *cursor_at = 1 + live_text_width(head) + 1 + live_text_width(m->input);
        }
        dl(d, on ? LIVE_BOLD : LIVE_PLAIN, "%s %s", head, on ? m->input : f->values[i]);
    }
}

/* ---- The screen ----------------------------------------------------------- */

static void header_line(const struct live_model *m, int cols, struct live_line *l)
{
    const struct glyphs *g = glyphs_of(m);
    char text[LIVE_LINE_BYTES], title[300];
    render_flat(m->title, title, sizeof title);
    snprintf(text, sizeof text, " %s%s%s%s%scode %s%syou: %s %s%sseq %llu%s%s", title,
             m->period[0] ? " (" : "", m->period, m->period[0] ? ")" : "", g->sep, m->code, g->sep,
             m->me, m->role[0] ? m->role : "?", g->sep, (unsigned long long)m->seq, g->sep,
             m->trouble[0] ? "offline" : "live");
    live_line_text(l, cols, LIVE_BAR, text, m->ascii);
}

static const char *footer_text(const struct live_model *m, int cols)
{
    int may = strcmp(m->role, "observer") != 0;
    switch (m->mode) {
    case LIVE_COMMAND:
        return " Enter run · Tab complete an id · Esc cancel";
    case LIVE_SEARCH:
        return " Enter find · Esc cancel";
    case LIVE_HELP:
    case LIVE_OUTPUT:
        return " any key: back";
    case LIVE_FORM:
        return " Enter send · Tab next field · Ctrl-U clear · Esc cancel";
    case LIVE_CONFLICT:
        return " a apply yours on top · k keep theirs";
    default:
        break;
    }
    if (!may && m->observer_comments)
        return cols >= 100 ? " ↑↓ move  ←→ fold  / search  m comment  : command  ? help  q quit  · observer"
                           : " ↑↓ ←→ / m comment : cmd ? help q quit · observer";
    if (!may)
        return cols >= 100 ? " ↑↓ move  ←→ fold  / search  n next  : command  ? help  q quit  · read-only (observer)"
                           : " ↑↓ move ←→ fold / search : command ? help q quit · read-only";
    return cols >= 100 ? " ↑↓ move  ←→ fold  / search  c check in  e edit  a add  m comment  : command  ? help  q quit"
                       : " ↑↓ ←→ / c check in e edit a add m comment : cmd ? help q quit";
}

static void footer_line(const struct live_model *m, int cols, struct live_line *l)
{
    char text[256];
    const char *t = footer_text(m, cols);
    if (m->ascii) { /* the arrows are the one non-ASCII part */
        size_t o = 0;
        for (size_t len; *t && o + 3 < sizeof text; t += len) {
            uint32_t c = live_utf8_next(t, &len);
            const char *rep = c == 0x2191 ? "^" : c == 0x2193 ? "v" : c == 0x2190 ? "<"
                              : c == 0x2192 ? ">" : c == 0xB7 ? "|" : NULL;
            if (rep != NULL) {
                text[o++] = rep[0];
            } else {
                memcpy(text + o, t, len);
                o += len;
            }
        }
        text[o] = '\0';
        t = text;
    }
    live_line_text(l, cols, LIVE_BAR, t, m->ascii);
}

static void presence_line(const struct live_model *m, int cols, struct live_line *l)
{
    const struct glyphs *g = glyphs_of(m);
    struct live_lb b;
    live_lb_start(&b, l, cols, LIVE_PLAIN);
    live_lb_put(&b, " here: ", -1, LIVE_DIM, m->ascii);
    if (m->npeople == 0)
        live_lb_put(&b, "nobody else yet", -1, LIVE_DIM, m->ascii);
    for (size_t i = 0; i < m->npeople; i++) {
        const struct live_person *p = &m->people[i];
        char who[LIVE_NAME_MAX + 32];
        snprintf(who, sizeof who, "%s%s%s%s%s", i ? "  " : "", g->here, p->user,
                 strcmp(p->user, m->me) == 0 ? " (you)" : "", p->editing[0] ? " " : "");
        live_lb_put(&b, who, -1, LIVE_GREEN, m->ascii);
        if (p->editing[0]) {
            char ed[40];
            snprintf(ed, sizeof ed, "%s%s", g->edit, p->editing);
            live_lb_put(&b, ed, -1, LIVE_BOLD, m->ascii);
        }
    }
    live_lb_pad(&b, cols);
}

static void help_lines(const struct live_model *m, struct detail *d)
{
    d->n = 0;
    dl(d, LIVE_BOLD, "Keys");
    dl(d, LIVE_PLAIN, "  up/down, k/j      move; PgUp/PgDn a page; g/G first/last");
    dl(d, LIVE_PLAIN, "  left/right, h/l   fold / unfold (left on a leaf: its parent)");
    dl(d, LIVE_PLAIN, "  Enter, space      fold or unfold");
    dl(d, LIVE_PLAIN, "  /TEXT, n          search ids, titles and owners; next match");
    dl(d, LIVE_PLAIN, "  :COMMAND          any cascade command, e.g. :kr set K1 42, :lint, :score");
    if (strcmp(m->role, "observer") != 0) {
        dl(d, LIVE_PLAIN, "  c                 check in on the key result: value, confidence, note, blocker");
        dl(d, LIVE_PLAIN, "  e                 edit the objective or key result (Tab: next field); if someone");
        dl(d, LIVE_PLAIN, "                    changed a field meanwhile, choose theirs or yours");
        dl(d, LIVE_PLAIN, "  a                 add an objective to the team, a key result to the objective");
        dl(d, LIVE_PLAIN, "  m                 comment on the objective or key result");
        dl(d, LIVE_PLAIN, "  t                 answer the necessary-and-sufficient test");
        dl(d, LIVE_DIM, "  (offered only where your role may: facilitators everywhere, members on");
        dl(d, LIVE_DIM, "   their own teams and on key results they own; all but observers comment)");
    } else {
        dl(d, LIVE_DIM, "  You are an observer: you can read everything and change nothing.");
    }
    dl(d, LIVE_PLAIN, "  ?                 this help;  q  quit");
    dl(d, LIVE_BOLD, "Signs");
    dl(d, LIVE_PLAIN, m->ascii ? "  + delivered (0.7-1.0)  ~ fell short (0.5-0.6)  x no real progress (0-0.4)"
                               : "  ✓ delivered (0.7-1.0)  ~ fell short (0.5-0.6)  ✗ no real progress (0-0.4)");
    dl(d, LIVE_PLAIN, m->ascii ? "  * NAME  someone is editing it;  -> aligns to;  <= inherits"
                               : "  ✎NAME  someone is editing it;  → aligns to;  ⇐ inherits");
}

/* The conflict dialog, line by line. */
static void conflict_line(const struct live_model *m, int i, int cols, struct live_line *l)
{
    const struct live_conflict *c = &m->conflict;
    char text[LIVE_LINE_BYTES / 2], id[16];
    okr_id_format(c->ref.kind, c->ref.num, id, sizeof id);
    switch (i) {
    case 0:
        snprintf(text, sizeof text, " %s's %s changed while you were editing it.", id, c->field);
        live_line_text(l, cols, LIVE_WARN, text, m->ascii);
        return;
    case 1:
        snprintf(text, sizeof text, "   now:   %s   (set by %s)", c->now, c->by[0] ? c->by : "?");
        break;
    case 2:
        snprintf(text, sizeof text, "   yours: %s", c->mine);
        break;
    case 4:
        snprintf(text, sizeof text, " a: apply yours on top    k: keep theirs");
        live_line_text(l, cols, LIVE_BOLD, text, m->ascii);
        return;
    default:
        text[0] = '\0';
    }
    live_line_text(l, cols, LIVE_PLAIN, text, m->ascii);
}

void live_model_render(struct live_model *m, int cols, int rows, uint64_t now_ms,
                       struct live_line *lines)
{
    m->cursor_col = -1;
    m->cursor_row = rows - 2; /* the message line, where commands are typed */
    if (m->mode == LIVE_COMMAND || m->mode == LIVE_SEARCH)
        m->cursor_col = 1 + live_text_width(m->input);
    if (cols > LIVE_LINE_BYTES / 4)
        cols = LIVE_LINE_BYTES / 4;
    if (cols < LIVE_MIN_COLS || rows < LIVE_MIN_ROWS) {
        char msg[200];
        m->cursor_col = -1;
        for (int i = 0; i < rows; i++)
            live_line_text(&lines[i], cols, LIVE_PLAIN, "", m->ascii);
        snprintf(msg, sizeof msg, "The window is %dx%d; cascade live needs %dx%d.", cols, rows,
                 LIVE_MIN_COLS, LIVE_MIN_ROWS);
        if (rows > 0)
            live_line_text(&lines[0], cols, LIVE_WARN, msg, m->ascii);
        if (rows > 1)
            live_line_text(&lines[1], cols, LIVE_PLAIN, "Make it larger, or press q to quit.", m->ascii);
        return;
    }
    int y = 0;
    header_line(m, cols, &lines[y++]);
    if (m->s != NULL && closing_is_closed(m->s)) {
        char text[LIVE_TICK_BYTES], when[32];
        closing_time_text(m->s->closed_ms, when, sizeof when);
        snprintf(text, sizeof text, " Closed by %s on %s: the grades are final; nothing "
                 "changes until a facilitator reopens it.", m->s->closed_by, when);
        live_line_text(&lines[y++], cols, LIVE_BOLD, text, m->ascii);
    }
    if (m->agenda.shown)
        live_agenda_line(m, cols, now_ms, glyphs_of(m)->sep, &lines[y++]);
    if (live_ideas_shown(m))
        live_ideas_line(m, cols, now_ms, glyphs_of(m)->sep, &lines[y++]);
    if (m->trouble[0])
        live_line_text(&lines[y++], cols, LIVE_WARN, m->trouble, m->ascii);
    /* Bottom: presence, two ticker lines, message, footer. */
    int bottom = 5;
    int wide = cols >= LIVE_WIDE_COLS;
    int detail_rows = wide ? 0 : 7;
    /* The confidence round, while the tree keeps a few rows. */
    if (m->round[0] && rows - y - bottom - detail_rows > 5) {
        char text[LIVE_TICK_BYTES + 4];
        snprintf(text, sizeof text, " %s", m->round);
        live_line_text(&lines[y++], cols, m->round_wide ? LIVE_WARN : LIVE_BOLD, text, m->ascii);
        if (m->round_values[0]) {
            snprintf(text, sizeof text, " %s", m->round_values);
            live_line_text(&lines[y++], cols, LIVE_PLAIN, text, m->ascii);
        }
    }
    int tree_rows = rows - y - bottom - detail_rows;
    int tree_cols = wide ? cols - cols * 2 / 5 : cols;
    struct detail *d = malloc(sizeof *d);
    if (d == NULL)
        return;
    int form_line = -1, form_col = 0;
    if (m->mode == LIVE_HELP)
        help_lines(m, d);
    else if (m->mode == LIVE_FORM)
        form_lines(m, d, &form_line, &form_col);
    else
        build_detail(m, d);

    long sel = live_model_row_of(m, m->selected);
    if (sel >= 0) {
        if ((size_t)sel < m->top)
            m->top = (size_t)sel;
        if ((size_t)sel >= m->top + (size_t)tree_rows)
            m->top = (size_t)sel - (size_t)tree_rows + 1;
    }
    if (m->top > 0 && m->top + (size_t)tree_rows > m->nrows)
        m->top = m->nrows > (size_t)tree_rows ? m->nrows - (size_t)tree_rows : 0;
    for (int i = 0; i < tree_rows; i++) {
        struct live_line *l = &lines[y + i];
        size_t row = m->top + (size_t)i;
        if (m->mode == LIVE_HELP) {
            live_line_text(l, tree_cols, (size_t)i < d->n ? d->style[i] : LIVE_PLAIN,
                      (size_t)i < d->n ? d->lines[i] : "", m->ascii);
        } else if (m->mode == LIVE_CONFLICT && i < 6) {
            conflict_line(m, i, tree_cols, l);
        } else if (m->mode == LIVE_OUTPUT) {
            live_line_text(l, tree_cols, LIVE_PLAIN, (size_t)i < m->noutput ? m->output[i] : "",
                      m->ascii);
        } else if (row < m->nrows) {
            format_row(m, row, tree_cols, now_ms, l);
        } else if (i == 0 && m->nrows == 0) {
            live_line_text(l, tree_cols, LIVE_DIM,
                      " No teams yet. A facilitator starts with :team add NAME --level company",
                      m->ascii);
        } else {
            live_line_text(l, tree_cols, LIVE_PLAIN, "", m->ascii);
        }
        if (wide) { /* the detail pane, beside */
            struct live_lb b = {l, l->cols};
            l->cols = cols;
            live_lb_put(&b, m->ascii ? "|" : "│", 1, LIVE_DIM, m->ascii);
            live_lb_put(&b, " ", 1, LIVE_PLAIN, m->ascii);
            if (m->mode != LIVE_HELP && (size_t)i < d->n)
                live_lb_put(&b, d->lines[i], -1, d->style[i], m->ascii);
            live_lb_pad(&b, cols);
            if (i == form_line) {
                m->cursor_row = y + i;
                m->cursor_col = tree_cols + 1 + form_col;
            }
        }
    }
    y += tree_rows;
    for (int i = 0; i < detail_rows; i++) {
        struct live_line *l = &lines[y + i];
        if (i == 0) {
            struct live_lb b;
            live_lb_start(&b, l, cols, LIVE_DIM);
            for (int c = 0; c < cols; c++)
                live_lb_put(&b, m->ascii ? "-" : "─", 1, LIVE_DIM, m->ascii);
        } else if (m->mode != LIVE_HELP && (size_t)(i - 1) < d->n) {
            struct live_lb b;
            live_lb_start(&b, l, cols, LIVE_PLAIN);
            live_lb_put(&b, " ", 1, LIVE_PLAIN, m->ascii);
            live_lb_put(&b, d->lines[i - 1], -1, d->style[i - 1], m->ascii);
            live_lb_pad(&b, cols);
            if (i - 1 == form_line) {
                m->cursor_row = y + i;
                m->cursor_col = form_col;
            }
        } else {
            live_line_text(l, cols, LIVE_PLAIN, "", m->ascii);
        }
    }
    y += detail_rows;
    free(d);
    presence_line(m, cols, &lines[y++]);
    for (int i = 0; i < 2; i++) {
        char tick[LIVE_TICK_BYTES + 4];
        snprintf(tick, sizeof tick, " %s", (size_t)i < m->nticks ? m->ticks[i] : "");
        /* While a line is typed, the message (completions) shows above it. */
        if (i == 1 && (m->mode == LIVE_COMMAND || m->mode == LIVE_SEARCH) && m->message[0])
            live_line_text(&lines[y++], cols, LIVE_BOLD, m->message, m->ascii);
        else
            live_line_text(&lines[y++], cols, LIVE_DIM, tick, m->ascii);
    }
    char msg[LIVE_INPUT_MAX + 64];
    if (m->mode == LIVE_COMMAND || m->mode == LIVE_SEARCH) {
        snprintf(msg, sizeof msg, "%c%s", m->mode == LIVE_COMMAND ? ':' : '/', m->input);
    } else {
        snprintf(msg, sizeof msg, " %s", m->message);
    }
    live_line_text(&lines[y++], cols, LIVE_PLAIN, msg, m->ascii);
    footer_line(m, cols, &lines[y++]);
}
