#include "live_model.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "team_tree.h"

/* ---- The model ------------------------------------------------------------ */

void live_model_init(struct live_model *m)
{
    memset(m, 0, sizeof *m);
    m->color = 1;
}

static void clear_output(struct live_model *m)
{
    for (size_t i = 0; i < m->noutput; i++)
        free(m->output[i]);
    m->noutput = 0;
}

/* Forgets what was computed for the previous state. */
static int reset_caches(struct live_model *m)
{
    free(m->scores);
    free(m->warnings);
    m->scores = NULL;
    m->warnings = NULL;
    m->nwarnings = 0;
    m->linted = 0;
    if (m->s == NULL)
        return 0;
    size_t n = m->s->nteams + m->s->nobjectives + m->s->nkey_results;
    m->scores = malloc((n + 1) * sizeof *m->scores);
    if (m->scores == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        m->scores[i] = -1.0; /* not computed yet (scores are 0..1) */
    return 0;
}

void live_model_free(struct live_model *m)
{
    clear_output(m);
    free(m->scores);
    free(m->warnings);
    free(m->folded);
    free(m->rows);
    free(m->depth);
    memset(m, 0, sizeof *m);
}

int live_ref_same(struct live_ref a, struct live_ref b)
{
    return a.kind == b.kind && a.num == b.num;
}

int live_model_is_folded(const struct live_model *m, struct live_ref r)
{
    for (size_t i = 0; i < m->nfolded; i++)
        if (live_ref_same(m->folded[i], r))
            return 1;
    return 0;
}

static int set_folded(struct live_model *m, struct live_ref r, int fold)
{
    for (size_t i = 0; i < m->nfolded; i++)
        if (live_ref_same(m->folded[i], r)) {
            if (!fold)
                m->folded[i] = m->folded[--m->nfolded];
            return 0;
        }
    if (!fold)
        return 0;
    if (m->nfolded == m->cap_folded) {
        size_t cap = m->cap_folded ? 2 * m->cap_folded : 16;
        struct live_ref *p = realloc(m->folded, cap * sizeof *p);
        if (p == NULL)
            return -1;
        m->folded = p;
        m->cap_folded = cap;
    }
    m->folded[m->nfolded++] = r;
    return 0;
}

static int add_row(struct live_model *m, struct live_ref r, int depth)
{
    if (m->nrows == m->cap_rows) {
        size_t cap = m->cap_rows ? 2 * m->cap_rows : 64;
        struct live_ref *rows = realloc(m->rows, cap * sizeof *rows);
        if (rows != NULL)
            m->rows = rows;
        int *d = realloc(m->depth, cap * sizeof *d);
        if (d != NULL)
            m->depth = d;
        if (rows == NULL || d == NULL)
            return -1;
        m->cap_rows = cap;
    }
    m->rows[m->nrows] = r;
    m->depth[m->nrows++] = depth;
    return 0;
}

/* Orders by parent, then by number. */
static int by_parent(uint32_t parent_a, uint32_t num_a, uint32_t parent_b, uint32_t num_b)
{
    if (parent_a != parent_b)
        return parent_a < parent_b ? -1 : 1;
    return num_a < num_b ? -1 : num_a > num_b;
}

static int by_team(const void *a, const void *b)
{
    const struct okr_objective *x = *(const struct okr_objective *const *)a;
    const struct okr_objective *y = *(const struct okr_objective *const *)b;
    return by_parent(x->team, x->num, y->team, y->num);
}

static int by_objective(const void *a, const void *b)
{
    const struct okr_key_result *x = *(const struct okr_key_result *const *)a;
    const struct okr_key_result *y = *(const struct okr_key_result *const *)b;
    return by_parent(x->objective, x->num, y->objective, y->num);
}

/* Rows of the tree: teams in team_tree order, each followed (unless
 * folded) by its objectives, each followed by its key results. Objectives
 * and key results are grouped by sorting once, so a workshop of thousands
 * costs n log n, not n squared. */
static int build_rows(struct live_model *m)
{
    const struct okr_state *s = m->s;
    m->nrows = 0;
    if (s == NULL)
        return 0;
    struct team_tree tt;
    const struct okr_objective **objs = malloc((s->nobjectives + 1) * sizeof *objs);
    const struct okr_key_result **krs = malloc((s->nkey_results + 1) * sizeof *krs);
    int rc = team_tree_build(&tt, s);
    if (objs == NULL || krs == NULL || rc != 0) {
        free(objs);
        free(krs);
        team_tree_free(&tt);
        return -1;
    }
    for (size_t i = 0; i < s->nobjectives; i++)
        objs[i] = &s->objectives[i];
    for (size_t i = 0; i < s->nkey_results; i++)
        krs[i] = &s->key_results[i];
    qsort(objs, s->nobjectives, sizeof *objs, by_team);
    qsort(krs, s->nkey_results, sizeof *krs, by_objective);
    for (size_t t = 0; t < tt.n && rc == 0; t++) {
        const struct okr_team *team = tt.teams[t];
        struct live_ref tr = {OKR_TEAM, team->num};
        rc = add_row(m, tr, tt.depth[t] * 2);
        if (live_model_is_folded(m, tr))
            continue;
        /* The team's objectives: a run in objs. */
        size_t lo = 0, hi = s->nobjectives;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (objs[mid]->team < team->num)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t o = lo; o < s->nobjectives && objs[o]->team == team->num && rc == 0; o++) {
            struct live_ref orf = {OKR_OBJECTIVE, objs[o]->num};
            rc = add_row(m, orf, tt.depth[t] * 2 + 1);
            if (live_model_is_folded(m, orf))
                continue;
            size_t klo = 0, khi = s->nkey_results;
            while (klo < khi) {
                size_t mid = (klo + khi) / 2;
                if (krs[mid]->objective < objs[o]->num)
                    klo = mid + 1;
                else
                    khi = mid;
            }
            for (size_t k = klo; k < s->nkey_results && krs[k]->objective == objs[o]->num && rc == 0;
                 k++)
                rc = add_row(m, (struct live_ref){OKR_KEY_RESULT, krs[k]->num},
                             tt.depth[t] * 2 + 2);
        }
    }
    free(objs);
    free(krs);
    team_tree_free(&tt);
    if (rc != 0)
        m->nrows = 0;
    return rc;
}

long live_model_row_of(const struct live_model *m, struct live_ref r)
{
    for (size_t i = 0; i < m->nrows; i++)
        if (live_ref_same(m->rows[i], r))
            return (long)i;
    return -1;
}

int live_model_set_state(struct live_model *m, const struct okr_state *s)
{
    long was = live_model_row_of(m, m->selected);
    m->s = s;
    m->history.ref.kind = 0; /* a new state may have new check-ins */
    if (reset_caches(m) != 0 || build_rows(m) != 0)
        return -1;
    if (m->nrows == 0) {
        m->selected = (struct live_ref){0, 0};
        return 0;
    }
    if (live_model_row_of(m, m->selected) < 0) {
        /* Gone (removed, or folded away): the row where it was. */
        size_t i = was < 0 ? 0 : (size_t)was;
        m->selected = m->rows[i < m->nrows ? i : m->nrows - 1];
    }
    return 0;
}

void live_model_move(struct live_model *m, long delta)
{
    if (m->nrows == 0)
        return;
    long i = live_model_row_of(m, m->selected);
    i = i < 0 ? 0 : i + delta;
    if (i < 0)
        i = 0;
    if (i >= (long)m->nrows)
        i = (long)m->nrows - 1;
    m->selected = m->rows[i];
}

void live_model_home(struct live_model *m, int end)
{
    if (m->nrows > 0)
        m->selected = m->rows[end ? m->nrows - 1 : 0];
}

int live_model_has_children(const struct live_model *m, struct live_ref r)
{
    const struct okr_state *s = m->s;
    if (r.kind == OKR_TEAM) {
        for (size_t i = 0; i < s->nobjectives; i++)
            if (s->objectives[i].team == r.num)
                return 1;
    } else if (r.kind == OKR_OBJECTIVE) {
        for (size_t i = 0; i < s->nkey_results; i++)
            if (s->key_results[i].objective == r.num)
                return 1;
    }
    return 0;
}

/* The row above r at a smaller depth: its parent in the tree. */
static long parent_row(const struct live_model *m, long i)
{
    for (long j = i - 1; j >= 0; j--)
        if (m->depth[j] < m->depth[i])
            return j;
    return -1;
}

int live_model_fold(struct live_model *m, int fold)
{
    if (m->nrows == 0)
        return 0;
    struct live_ref r = m->selected;
    int folded = live_model_is_folded(m, r);
    if (fold < 0)
        fold = !folded;
    if (fold && (folded || !live_model_has_children(m, r))) {
        long p = parent_row(m, live_model_row_of(m, r));
        if (p >= 0)
            m->selected = m->rows[p];
        return 0;
    }
    if (set_folded(m, r, fold) != 0)
        return -1;
    return build_rows(m);
}

/* Case-insensitive substring. */
static int contains(const char *hay, const char *needle)
{
    if (hay == NULL)
        return 0;
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static int matches(const struct okr_state *s, struct live_ref r, const char *text)
{
    char id[16];
    okr_id_format(r.kind, r.num, id, sizeof id);
    if (contains(id, text))
        return 1;
    if (r.kind == OKR_TEAM) {
        const struct okr_team *t = okr_team_find(s, r.num);
        return t != NULL && contains(t->name, text);
    }
    if (r.kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = okr_objective_find(s, r.num);
        return o != NULL && (contains(o->title, text) || contains(o->owner, text));
    }
    const struct okr_key_result *k = okr_key_result_find(s, r.num);
    return k != NULL && (contains(k->title, text) || contains(k->owner, text));
}

int live_model_search(struct live_model *m, const char *text)
{
    if (m->s == NULL || text[0] == '\0')
        return 0;
    /* Unfold everything first: a match may sit in a folded branch. */
    m->nfolded = 0;
    if (build_rows(m) != 0 || m->nrows == 0)
        return 0;
    long at = live_model_row_of(m, m->selected);
    for (size_t step = 1; step <= m->nrows; step++) {
        size_t i = ((size_t)(at < 0 ? 0 : at) + step) % m->nrows;
        if (matches(m->s, m->rows[i], text)) {
            m->selected = m->rows[i];
            return 1;
        }
    }
    return 0;
}

static int parse_ref(const char *id, struct live_ref *out)
{
    static const enum okr_kind KINDS[] = {OKR_TEAM, OKR_OBJECTIVE, OKR_KEY_RESULT,
                                          OKR_INITIATIVE, OKR_COMMENT};
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (okr_id_parse(id, KINDS[i], &out->num) == 0) {
            out->kind = KINDS[i];
            return 0;
        }
    return -1;
}

/* The row an event's entity shows on: initiatives on their key result,
 * comments on their target. */
static int row_ref(const struct okr_state *s, struct live_ref r, struct live_ref *out)
{
    if (s != NULL && r.kind == OKR_INITIATIVE) {
        for (size_t i = 0; i < s->ninitiatives; i++)
            if (s->initiatives[i].num == r.num) {
                *out = (struct live_ref){OKR_KEY_RESULT, s->initiatives[i].key_result};
                return 0;
            }
        return -1;
    }
    if (s != NULL && r.kind == OKR_COMMENT) {
        for (size_t i = 0; i < s->ncomments; i++)
            if (s->comments[i].num == r.num) {
                *out = (struct live_ref){s->comments[i].target_kind, s->comments[i].target};
                return 0;
            }
        return -1;
    }
    *out = r;
    return 0;
}

void live_model_event(struct live_model *m, uint64_t seq, const char *actor, const char *type,
                      const char *entity, uint64_t now_ms)
{
    if (m->nticks < LIVE_TICKS)
        m->nticks++;
    memmove(m->ticks[1], m->ticks[0], (m->nticks - 1) * sizeof m->ticks[0]);
    char flat[64];
    render_flat(entity, flat, sizeof flat);
    snprintf(m->ticks[0], sizeof m->ticks[0], "#%llu %s %s %s", (unsigned long long)seq,
             actor[0] ? actor : "-", type, flat);
    if (seq > m->seq)
        m->seq = seq;
    struct live_ref r, row;
    if (strcmp(actor, m->me) == 0 || parse_ref(entity, &r) != 0 || row_ref(m->s, r, &row) != 0)
        return;
    size_t slot = m->nhighlights;
    for (size_t i = 0; i < m->nhighlights; i++)
        if (live_ref_same(m->highlights[i].ref, row) || m->highlights[i].until_ms <= now_ms) {
            slot = i;
            break;
        }
    if (slot == sizeof m->highlights / sizeof m->highlights[0])
        slot = 0; /* full of live ones: the first makes room */
    else if (slot == m->nhighlights)
        m->nhighlights++;
    m->highlights[slot].ref = row;
    m->highlights[slot].until_ms = now_ms + LIVE_HIGHLIGHT_MS;
    snprintf(m->highlights[slot].by, sizeof m->highlights[slot].by, "%s", actor);
}

static struct live_person *person(struct live_model *m, const char *user, int add)
{
    for (size_t i = 0; i < m->npeople; i++)
        if (strcmp(m->people[i].user, user) == 0)
            return &m->people[i];
    if (!add || m->npeople == LIVE_PEOPLE_MAX)
        return NULL;
    struct live_person *p = &m->people[m->npeople++];
    snprintf(p->user, sizeof p->user, "%s", user);
    p->editing[0] = '\0';
    return p;
}

void live_model_presence(struct live_model *m, const char *user, const char *change,
                         const char *entity)
{
    if (strcmp(change, "leave") == 0) {
        struct live_person *p = person(m, user, 0);
        if (p != NULL)
            *p = m->people[--m->npeople];
        return;
    }
    struct live_person *p = person(m, user, 1);
    if (p != NULL && strcmp(change, "editing") == 0)
        snprintf(p->editing, sizeof p->editing, "%s", entity);
}

uint32_t live_model_team_of(const struct okr_state *s, struct live_ref ref)
{
    if (s == NULL)
        return 0;
    if (ref.kind == OKR_TEAM)
        return ref.num;
    if (ref.kind == OKR_KEY_RESULT) {
        const struct okr_key_result *k = okr_key_result_find(s, ref.num);
        if (k == NULL)
            return 0;
        ref = (struct live_ref){OKR_OBJECTIVE, k->objective};
    }
    const struct okr_objective *o =
        ref.kind == OKR_OBJECTIVE ? okr_objective_find(s, ref.num) : NULL;
    return o != NULL ? o->team : 0;
}

int live_model_may_edit_team(const struct live_model *m, uint32_t team)
{
    if (strcmp(m->role, "facilitator") == 0)
        return 1;
    if (strcmp(m->role, "member") != 0 || m->s == NULL)
        return 0;
    const struct okr_team *t = okr_team_find(m->s, team);
    for (size_t i = 0; t != NULL && i < t->nmembers; i++)
        if (strcmp(t->members[i], m->me) == 0)
            return 1;
    return 0;
}

int live_model_wants_history(const struct live_model *m)
{
    return m->s != NULL && m->nrows > 0 && m->selected.kind == OKR_KEY_RESULT &&
           !live_ref_same(m->history.ref, m->selected);
}

int live_model_may_comment(const struct live_model *m)
{
    return strcmp(m->role, "facilitator") == 0 || strcmp(m->role, "member") == 0 ||
           (strcmp(m->role, "observer") == 0 && m->observer_comments);
}

const char *live_model_edit_line(const struct live_model *m, int key, struct live_ref *editing,
                                 char *out, size_t outlen)
{
    struct live_ref r = m->selected;
    char id[16];
    if (m->s == NULL || m->nrows == 0)
        return NULL;
    okr_id_format(r.kind, r.num, id, sizeof id);
    *editing = r;
    int may = live_model_may_edit_team(m, live_model_team_of(m->s, r));
    if (key == 'm' && live_model_may_comment(m) && r.kind != OKR_TEAM) {
        editing->kind = 0;
        snprintf(out, outlen, "comment %s ", id);
        return out;
    }
    if (!may)
        return NULL;
    switch (key) {
    case 't':
        if (r.kind != OKR_OBJECTIVE)
            return NULL;
        snprintf(out, outlen, "obj check %s --necessary ", id);
        return out;
    default:
        return NULL;
    }
}

/* Whether this person owns key result r and may report on it (members and
 * facilitators check in on what they own, wherever its team is). */
static int owns(const struct live_model *m, struct live_ref r)
{
    const struct okr_key_result *k =
        r.kind == OKR_KEY_RESULT ? okr_key_result_find(m->s, r.num) : NULL;
    return k != NULL && k->owner != NULL && strcmp(k->owner, m->me) == 0 &&
           live_model_may_comment(m);
}

int live_model_form_open(struct live_model *m, enum live_form_kind kind)
{
    struct live_ref r = m->selected;
    if (m->s == NULL || m->nrows == 0)
        return -1;
    int may = live_model_may_edit_team(m, live_model_team_of(m->s, r)) ||
              (kind == LIVE_FORM_CHECKIN && owns(m, r));
    if (!may || live_form_open(&m->form, kind, m->s, r.kind, r.num) != 0)
        return -1;
    m->mode = LIVE_FORM;
    m->message[0] = '\0';
    snprintf(m->input, sizeof m->input, "%s", m->form.values[0]);
    m->input_len = strlen(m->input);
    return 0;
}

void live_model_form_keep(struct live_model *m)
{
    struct live_form *f = &m->form;
    snprintf(f->values[f->field], sizeof f->values[f->field], "%.255s", m->input);
}

void live_model_form_next(struct live_model *m)
{
    struct live_form *f = &m->form;
    live_model_form_keep(m);
    f->field = f->field + 1 < f->nfields ? f->field + 1 : 0;
    snprintf(m->input, sizeof m->input, "%s", f->values[f->field]);
    m->input_len = strlen(m->input);
}

void live_model_set_output(struct live_model *m, const char *text)
{
    clear_output(m);
    while (*text && m->noutput < LIVE_OUTPUT_MAX) {
        const char *nl = strchr(text, '\n');
        size_t n = nl != NULL ? (size_t)(nl - text) : strlen(text);
        char *line = malloc(n + 1);
        if (line == NULL)
            break;
        memcpy(line, text, n);
        line[n] = '\0';
        m->output[m->noutput++] = line;
        text += n + (nl != NULL);
    }
}

/* ---- Running the workshop --------------------------------------------------------------- */

void live_model_set_agenda(struct live_model *m, const Cascade__V1__Agenda *a,
                           int64_t server_now_ms, uint64_t now_ms)
{
    memset(&m->agenda, 0, sizeof m->agenda);
    if (a == NULL)
        return;
    struct live_agenda *g = &m->agenda;
    g->finished = a->state == CASCADE__V1__TIMER_STATE__TIMER_FINISHED;
    g->paused = a->state == CASCADE__V1__TIMER_STATE__TIMER_PAUSED;
    int running = a->state == CASCADE__V1__TIMER_STATE__TIMER_RUNNING;
    if ((running || g->paused) && a->current >= 1 && a->current <= a->n_steps) {
        g->shown = 1;
        g->step = a->current;
        g->steps = (uint32_t)a->n_steps;
        render_flat(a->steps[a->current - 1]->title, g->title, sizeof g->title);
        g->left_ms = g->paused ? a->remaining_ms : a->ends_ms - server_now_ms;
        g->ends_ms = (uint64_t)((int64_t)now_ms + g->left_ms);
        g->ready = a->n_ready;
        g->ready_of = a->ready_of;
    }
    g->shown |= g->finished;
}

int64_t live_model_agenda_left(const struct live_model *m, uint64_t now_ms)
{
    const struct live_agenda *g = &m->agenda;
    return g->paused ? g->left_ms : (int64_t)g->ends_ms - (int64_t)now_ms;
}
