#include "import_check.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "errors.h"

/* The longest "PN73UU7QXK/O1" the file may carry as where an entity came from. */
#define IMPORT_CARRIED_MAX 64

void import_problem_add(struct import_problems *p, const char *list, size_t index,
                        const char *field, const char *fmt, ...)
{
    if (p->n >= IMPORT_PROBLEMS_MAX) {
        p->truncated = 1;
        return;
    }
    struct import_problem *it = &p->items[p->n++];
    it->list = list;
    it->index = (uint32_t)index;
    snprintf(it->field, sizeof it->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(it->reason, sizeof it->reason, fmt, ap);
    va_end(ap);
}

static int slot_cmp(const void *a, const void *b)
{
    const struct import_slot *x = a, *y = b;
    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static struct import_slot **slots_of(struct import_index *ix, enum okr_kind kind, size_t **n)
{
    switch (kind) {
    case OKR_TEAM:
        *n = &ix->nteams;
        return &ix->teams;
    case OKR_OBJECTIVE:
        *n = &ix->nobjectives;
        return &ix->objectives;
    case OKR_KEY_RESULT:
        *n = &ix->nkey_results;
        return &ix->key_results;
    case OKR_INITIATIVE:
        *n = &ix->ninitiatives;
        return &ix->initiatives;
    default:
        *n = &ix->ncomments;
        return &ix->comments;
    }
}

long import_find(const struct import_index *ix, enum okr_kind kind, const char *text)
{
    uint32_t num;
    if (text == NULL || okr_id_parse(text, kind, &num) != 0)
        return -1;
    size_t *n;
    struct import_slot **slots = slots_of((struct import_index *)ix, kind, &n);
    size_t lo = 0, hi = *n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((*slots)[mid].num < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < *n && (*slots)[lo].num == num)
        return (long)(*slots)[lo].pos;
    return -1;
}

void import_index_free(struct import_index *ix)
{
    free(ix->teams);
    free(ix->objectives);
    free(ix->key_results);
    free(ix->initiatives);
    free(ix->comments);
    memset(ix, 0, sizeof *ix);
}

size_t import_entity_count(const Cascade__V1__WorkshopImport *m)
{
    return m->n_teams + m->n_objectives + m->n_key_results + m->n_initiatives +
           m->n_dependencies + m->n_comments;
}

/* Indexes one list by its ids, reporting malformed and repeated ids. The
 * index keeps the first of a repeated id. */
static int index_list(struct import_index *ix, enum okr_kind kind, const char *list,
                      size_t count, const char *(*id_of)(const void *item, size_t i),
                      const void *items, struct import_problems *p)
{
    size_t *n;
    struct import_slot **slots = slots_of(ix, kind, &n);
    *slots = calloc(count + 1, sizeof **slots);
    if (*slots == NULL)
        return CAS_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        const char *id = id_of(items, i);
        uint32_t num;
        if (okr_id_parse(id, kind, &num) != 0) {
            char quoted[64];
            okr_text_quote(id, 16, quoted, sizeof quoted);
            import_problem_add(p, list, i, "id", "'%s' is not %s %s id; they look like %c3.",
                               quoted, okr_kind_article(kind), okr_kind_name(kind), (char)kind);
            continue;
        }
        (*slots)[(*n)++] = (struct import_slot){num, (uint32_t)i};
    }
    qsort(*slots, *n, sizeof **slots, slot_cmp);
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        if (kept > 0 && (*slots)[kept - 1].num == (*slots)[i].num) {
            char id[16];
            okr_id_format(kind, (*slots)[i].num, id, sizeof id);
            import_problem_add(p, list, (*slots)[i].pos, "id",
                               "%s is used by another %s of the file already; ids must be unique.",
                               id, okr_kind_name(kind));
            continue;
        }
        (*slots)[kept++] = (*slots)[i];
    }
    *n = kept;
    return 0;
}

static const char *team_id(const void *items, size_t i)
{
    return ((Cascade__V1__Team *const *)items)[i]->id;
}
static const char *objective_id(const void *items, size_t i)
{
    return ((Cascade__V1__Objective *const *)items)[i]->id;
}
static const char *key_result_id(const void *items, size_t i)
{
    return ((Cascade__V1__KeyResult *const *)items)[i]->id;
}
static const char *initiative_id(const void *items, size_t i)
{
    return ((Cascade__V1__Initiative *const *)items)[i]->id;
}
static const char *comment_id(const void *items, size_t i)
{
    return ((Cascade__V1__Comment *const *)items)[i]->id;
}

/* okr_text_check, reporting its sentence as a problem. */
static void text(struct import_problems *p, const char *list, size_t i, const char *field,
                 const char *value, const char *what, size_t max, int required, int multiline)
{
    char err[256];
    if (okr_text_check(value, what, max, required, multiline, err, sizeof err) != 0)
        import_problem_add(p, list, i, field, "%s", err);
}

/* A reference to an entity of the file: "" is none when optional. Returns
 * the position, or -1 (none, or a problem reported). */
static long ref(const struct import_index *ix, struct import_problems *p, const char *list,
                size_t i, const char *field, const char *value, enum okr_kind kind, int required)
{
    if (value == NULL || value[0] == '\0') {
        if (required)
            import_problem_add(p, list, i, field, "Name %s %s of the file, like %c1.",
                               okr_kind_article(kind), okr_kind_name(kind), (char)kind);
        return -1;
    }
    long pos = import_find(ix, kind, value);
    if (pos < 0) {
        char quoted[64];
        okr_text_quote(value, 16, quoted, sizeof quoted);
        import_problem_add(p, list, i, field, "The file has no %s '%s'.", okr_kind_name(kind),
                           quoted);
    }
    return pos;
}

/* Walks up from each node of a graph given by parent positions (-1: none),
 * reporting each node on a loop once: marks 0 unseen, 1 on the walk, 2 done. */
static int find_loops(const long *parent, size_t n, unsigned char *mark, const char *list,
                      const char *field, const char *what, struct import_problems *p)
{
    size_t *walk = malloc((n + 1) * sizeof *walk);
    if (walk == NULL)
        return CAS_ENOMEM;
    for (size_t start = 0; start < n; start++) {
        size_t len = 0;
        long at = (long)start;
        while (at >= 0 && mark[at] == 0) {
            mark[at] = 1;
            walk[len++] = (size_t)at;
            at = parent[at];
        }
        if (at >= 0 && mark[at] == 1)
            import_problem_add(p, list, (size_t)at, field,
                               "Following %s from here comes back here; the file's %s make a loop.",
                               field, what);
        for (size_t k = 0; k < len; k++)
            mark[walk[k]] = 2;
    }
    free(walk);
    return 0;
}

/* A team by its parent (position, -1 for none) and name. */
struct sibling {
    long parent;
    const char *name;
    size_t pos;
};

/* Orders siblings by parent, name, then place in the file. */
static int sibling_cmp(const void *a, const void *b)
{
    const struct sibling *x = a, *y = b;
    if (x->parent != y->parent)
        return x->parent < y->parent ? -1 : 1;
    int c = strcmp(x->name, y->name);
    if (c != 0)
        return c;
    return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int check_teams(const Cascade__V1__WorkshopImport *m, const struct okr_limits *lim,
                       const struct import_index *ix, struct import_problems *p)
{
    static const char *L = "teams";
    long *parent = malloc((m->n_teams + 1) * sizeof *parent);
    unsigned char *mark = calloc(m->n_teams + 1, 1);
    int rc = parent != NULL && mark != NULL ? 0 : CAS_ENOMEM;
    for (size_t i = 0; rc == 0 && i < m->n_teams; i++) {
        const Cascade__V1__Team *t = m->teams[i];
        text(p, L, i, "name", t->name, "team name", lim->team_name, 1, 0);
        parent[i] = ref(ix, p, L, i, "parent", t->parent, OKR_TEAM, 0);
        if (parent[i] == (long)i) {
            import_problem_add(p, L, i, "parent", "A team cannot be its own parent.");
            parent[i] = -1;
        }
        enum okr_level level = convert_level_from_wire(t->level);
        if (t->level != CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED && level == OKR_LEVEL_NONE)
            import_problem_add(p, L, i, "level",
                               "The level must be company, department, team or individual.");
    }
    if (rc == 0)
        rc = find_loops(parent, m->n_teams, mark, L, "parent", "teams' parents", p);
    for (size_t i = 0; rc == 0 && i < m->n_teams; i++) {
        if (parent[i] < 0)
            continue;
        const Cascade__V1__Team *t = m->teams[i], *up = m->teams[parent[i]];
        enum okr_level level = convert_level_from_wire(t->level);
        enum okr_level up_level = convert_level_from_wire(up->level);
        if (up_level == OKR_LEVEL_INDIVIDUAL)
            import_problem_add(p, L, i, "parent", "Its parent %s is an individual; an "
                               "individual has no sub-teams.", up->id);
        else if (level != OKR_LEVEL_NONE && up_level != OKR_LEVEL_NONE && level <= up_level)
            import_problem_add(p, L, i, "level",
                               "A %s cannot sit under a %s: a child's level must be below its "
                               "parent's.", okr_level_name(level), okr_level_name(up_level));
    }
    /* Two teams of one parent with one name would be one path: which of
     * them a spreadsheet's row, or a team of the workshop, means is unclear.
     * Sorted by parent and name, such teams stand together. */
    struct sibling *sib = rc == 0 ? malloc((m->n_teams + 1) * sizeof *sib) : NULL;
    if (rc == 0 && sib == NULL)
        rc = CAS_ENOMEM;
    for (size_t i = 0; rc == 0 && i < m->n_teams; i++)
        sib[i] = (struct sibling){parent[i], m->teams[i]->name, i};
    if (rc == 0)
        qsort(sib, m->n_teams, sizeof *sib, sibling_cmp);
    for (size_t i = 1, first = 0; rc == 0 && i < m->n_teams; i++) {
        if (sib[first].parent != sib[i].parent || strcmp(sib[first].name, sib[i].name) != 0) {
            first = i;
            continue;
        }
        import_problem_add(p, L, sib[i].pos, "name", "Team %s has the same name and parent as "
                           "%s; a team's path must be unique.", m->teams[sib[i].pos]->id,
                           m->teams[sib[first].pos]->id);
    }
    free(sib);
    free(parent);
    free(mark);
    return rc;
}

static void check_answer(struct import_problems *p, size_t i, const char *field,
                         const Cascade__V1__Check *c)
{
    if (c == NULL)
        return;
    if (c->answer != CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED &&
        c->answer != CASCADE__V1__ANSWER__YES && c->answer != CASCADE__V1__ANSWER__NO)
        import_problem_add(p, "objectives", i, field, "The answer must be yes, no or none.");
    text(p, "objectives", i, field, c->by, "name of who answered", OKR_NAME_MAX, 0, 0);
}

static int check_objectives(const Cascade__V1__WorkshopImport *m, const struct okr_limits *lim,
                            const struct import_index *ix, struct import_problems *p)
{
    static const char *L = "objectives";
    long *parent = malloc((m->n_objectives + 1) * sizeof *parent);
    unsigned char *mark = calloc(m->n_objectives + 1, 1);
    int rc = parent != NULL && mark != NULL ? 0 : CAS_ENOMEM;
    for (size_t i = 0; rc == 0 && i < m->n_objectives; i++) {
        const Cascade__V1__Objective *o = m->objectives[i];
        char quoted[64];
        parent[i] = -1;
        ref(ix, p, L, i, "team", o->team, OKR_TEAM, 1);
        text(p, L, i, "title", o->title, "title", lim->title, 1, 0);
        text(p, L, i, "owner", o->owner, "owner", OKR_NAME_MAX, 0, 0);
        text(p, L, i, "rationale", o->rationale, "rationale", lim->text, 0, 1);
        text(p, L, i, "close_note", o->close_note, "closing note", lim->text, 0, 1);
        text(p, L, i, "carried_from", o->carried_from, "origin", IMPORT_CARRIED_MAX, 0, 0);
        enum okr_status status;
        if (o->status[0] != '\0' && okr_status_parse(o->status, &status) != 0) {
            okr_text_quote(o->status, 16, quoted, sizeof quoted);
            import_problem_add(p, L, i, "status", "The status is draft, final or archived, not "
                               "'%s'.", quoted);
        }
        check_answer(p, i, "necessary", o->necessary);
        check_answer(p, i, "sufficient", o->sufficient);
        if (o->aligns_to[0] != '\0' && o->inherits[0] != '\0') {
            import_problem_add(p, L, i, "inherits", "An objective either aligns to an objective "
                               "or inherits a key result, not both.");
            continue;
        }
        long up = ref(ix, p, L, i, "aligns_to", o->aligns_to, OKR_OBJECTIVE, 0);
        if (up == (long)i) {
            import_problem_add(p, L, i, "aligns_to", "An objective cannot align to itself.");
            up = -1;
        }
        long k = ref(ix, p, L, i, "inherits", o->inherits, OKR_KEY_RESULT, 0);
        if (k >= 0) {
            up = import_find(ix, OKR_OBJECTIVE, m->key_results[k]->objective);
            if (up == (long)i) {
                import_problem_add(p, L, i, "inherits",
                                   "An objective cannot inherit one of its own key results.");
                up = -1;
            }
        }
        parent[i] = up;
    }
    if (rc == 0)
        rc = find_loops(parent, m->n_objectives, mark, L, "aligns_to",
                        "alignments and inherited key results", p);
    free(parent);
    free(mark);
    return rc;
}

static void check_number(struct import_problems *p, size_t i, const char *field, double v,
                         double lo, double hi)
{
    if (!isfinite(v))
        import_problem_add(p, "key_results", i, field, "The %s must be a finite number.", field);
    else if (v < lo || v > hi)
        import_problem_add(p, "key_results", i, field, "The %s must be from %g to %g, not %g.",
                           field, lo, hi, v);
}

static void check_key_results(const Cascade__V1__WorkshopImport *m, const struct okr_limits *lim,
                              const struct import_index *ix, struct import_problems *p)
{
    static const char *L = "key_results";
    for (size_t i = 0; i < m->n_key_results; i++) {
        const Cascade__V1__KeyResult *k = m->key_results[i];
        ref(ix, p, L, i, "objective", k->objective, OKR_OBJECTIVE, 1);
        text(p, L, i, "title", k->title, "title", lim->title, 1, 0);
        text(p, L, i, "owner", k->owner, "owner", OKR_NAME_MAX, 0, 0);
        text(p, L, i, "unit", k->unit, "unit", lim->unit, 0, 0);
        text(p, L, i, "blocker", k->blocker, "blocker", lim->text, 0, 1);
        text(p, L, i, "carried_from", k->carried_from, "origin", IMPORT_CARRIED_MAX, 0, 0);
        check_number(p, i, "start", k->start, -HUGE_VAL, HUGE_VAL);
        check_number(p, i, "target", k->target, -HUGE_VAL, HUGE_VAL);
        check_number(p, i, "current", k->current, -HUGE_VAL, HUGE_VAL);
        check_number(p, i, "confidence", k->confidence, 0, 1);
        if (k->has_weight)
            check_number(p, i, "weight", k->weight, 0, OKR_WEIGHT_MAX);
        enum okr_kr_status status;
        if (k->status[0] != '\0' && okr_kr_status_parse(k->status, &status) != 0) {
            char quoted[64];
            okr_text_quote(k->status, 16, quoted, sizeof quoted);
            import_problem_add(p, L, i, "status", "The status is on-track, at-risk or "
                               "off-track, not '%s'.", quoted);
        }
    }
}

static int dep_cmp(const void *a, const void *b)
{
    const long *x = a, *y = b;
    for (int i = 0; i < 3; i++)
        if (x[i] != y[i])
            return x[i] < y[i] ? -1 : 1;
    return 0;
}

/* Dependencies must not close a circle (K1 needs K2 needs K1), as the
 * server refuses one made by hand: takes away, again and again, the key
 * results nothing left depends on (pairs are sorted by key result, so a key
 * result's own dependencies are together); what remains lies on a circle or
 * is needed by one, and each dependency between two such is reported. */
static int find_circles(const long *pairs, size_t n, size_t nkrs, struct import_problems *p)
{
    size_t *needed = calloc(nkrs + 1, sizeof *needed);  /* how many depend on it */
    size_t *first = calloc(nkrs + 1, sizeof *first);    /* its first pair */
    size_t *count = calloc(nkrs + 1, sizeof *count);    /* its pairs */
    size_t *queue = malloc((nkrs + 1) * sizeof *queue);
    unsigned char *gone = calloc(nkrs + 1, 1);
    int rc = needed && first && count && queue && gone ? 0 : CAS_ENOMEM;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        needed[pairs[3 * i + 1]]++;
        if (count[pairs[3 * i]]++ == 0)
            first[pairs[3 * i]] = i;
    }
    size_t head = 0, tail = 0;
    for (size_t k = 0; rc == 0 && k < nkrs; k++)
        if (needed[k] == 0)
            queue[tail++] = k;
    while (rc == 0 && head < tail) {
        size_t k = queue[head++];
        gone[k] = 1;
        for (size_t i = first[k]; i < first[k] + count[k]; i++)
            if (--needed[pairs[3 * i + 1]] == 0)
                queue[tail++] = (size_t)pairs[3 * i + 1];
    }
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (!gone[pairs[3 * i]] && !gone[pairs[3 * i + 1]])
            import_problem_add(p, "dependencies", (size_t)pairs[3 * i + 2], "depends_on",
                               "This dependency is on a circle of dependencies, or comes "
                               "after one (K1 needs K2 needs K1); a key result cannot wait for "
                               "itself.");
    free(needed);
    free(first);
    free(count);
    free(queue);
    free(gone);
    return rc;
}

static int check_dependencies(const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                              struct import_problems *p)
{
    static const char *L = "dependencies";
    long *pairs = malloc((m->n_dependencies + 1) * 3 * sizeof *pairs);
    if (pairs == NULL)
        return CAS_ENOMEM;
    size_t n = 0;
    for (size_t i = 0; i < m->n_dependencies; i++) {
        const Cascade__V1__Dependency *d = m->dependencies[i];
        long a = ref(ix, p, L, i, "key_result", d->key_result, OKR_KEY_RESULT, 1);
        long b = ref(ix, p, L, i, "depends_on", d->depends_on, OKR_KEY_RESULT, 1);
        if (a < 0 || b < 0)
            continue;
        if (a == b) {
            import_problem_add(p, L, i, "depends_on", "A key result cannot depend on itself.");
            continue;
        }
        pairs[3 * n] = a;
        pairs[3 * n + 1] = b;
        pairs[3 * n + 2] = (long)i;
        n++;
    }
    qsort(pairs, n, 3 * sizeof *pairs, dep_cmp);
    for (size_t i = 1; i < n; i++)
        if (pairs[3 * i] == pairs[3 * (i - 1)] && pairs[3 * i + 1] == pairs[3 * (i - 1) + 1])
            import_problem_add(p, L, (size_t)pairs[3 * i + 2], "depends_on",
                               "The file names this dependency twice.");
    int rc = find_circles(pairs, n, m->n_key_results, p);
    free(pairs);
    return rc;
}

static void check_comments(const Cascade__V1__WorkshopImport *m, const struct okr_limits *lim,
                           const struct import_index *ix, struct import_problems *p)
{
    static const char *L = "comments";
    for (size_t i = 0; i < m->n_comments; i++) {
        const Cascade__V1__Comment *c = m->comments[i];
        const char *t = c->target;
        enum okr_kind kind = (t[0] == 'K' || t[0] == 'k') ? OKR_KEY_RESULT : OKR_OBJECTIVE;
        if (t[0] != '\0' && import_find(ix, kind, t) < 0) {
            char quoted[64];
            okr_text_quote(t, 16, quoted, sizeof quoted);
            import_problem_add(p, L, i, "target",
                               "The file has no objective or key result '%s'.", quoted);
        } else if (t[0] == '\0') {
            import_problem_add(p, L, i, "target", "Name the objective or key result the comment "
                               "is on, like O1 or K2.");
        }
        text(p, L, i, "author", c->author, "author", OKR_NAME_MAX, 1, 0);
        text(p, L, i, "text", c->text, "comment", lim->text, 1, 1);
        text(p, L, i, "resolved_by", c->resolved_by, "name of who resolved it", OKR_NAME_MAX, 0,
             0);
    }
}

int import_check(const Cascade__V1__WorkshopImport *m, const struct okr_limits *limits,
                 struct import_index *ix, struct import_problems *p)
{
    memset(ix, 0, sizeof *ix);
    const struct okr_limits *lim = limits != NULL ? limits : &okr_limits_default;
    const struct {
        const char *name;
        size_t n;
    } lists[] = {{"teams", m->n_teams},           {"objectives", m->n_objectives},
                 {"key_results", m->n_key_results}, {"initiatives", m->n_initiatives},
                 {"dependencies", m->n_dependencies}, {"comments", m->n_comments}};
    size_t before = p->n + (size_t)p->truncated;
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++)
        if (lists[i].n > IMPORT_LIST_MAX)
            import_problem_add(p, "", 0, lists[i].name,
                               "The file holds %zu %s; one import takes at most %d.", lists[i].n,
                               lists[i].name, IMPORT_LIST_MAX);
    if (p->n + (size_t)p->truncated > before)
        return CAS_EINVAL;
    if (import_entity_count(m) == 0) {
        import_problem_add(p, "", 0, "", "The file holds no teams, objectives or key results.");
        return CAS_EINVAL;
    }
    int rc = index_list(ix, OKR_TEAM, "teams", m->n_teams, team_id, m->teams, p);
    if (rc == 0)
        rc = index_list(ix, OKR_OBJECTIVE, "objectives", m->n_objectives, objective_id,
                        m->objectives, p);
    if (rc == 0)
        rc = index_list(ix, OKR_KEY_RESULT, "key_results", m->n_key_results, key_result_id,
                        m->key_results, p);
    if (rc == 0)
        rc = index_list(ix, OKR_INITIATIVE, "initiatives", m->n_initiatives, initiative_id,
                        m->initiatives, p);
    if (rc == 0)
        rc = index_list(ix, OKR_COMMENT, "comments", m->n_comments, comment_id, m->comments, p);
    if (rc == 0)
        rc = check_teams(m, lim, ix, p);
    if (rc == 0)
        rc = check_objectives(m, lim, ix, p);
    if (rc == 0)
        check_key_results(m, lim, ix, p);
    for (size_t i = 0; rc == 0 && i < m->n_initiatives; i++) {
        ref(ix, p, "initiatives", i, "key_result", m->initiatives[i]->key_result, OKR_KEY_RESULT,
            1);
        text(p, "initiatives", i, "title", m->initiatives[i]->title, "title", lim->title, 1, 0);
    }
    if (rc == 0)
        rc = check_dependencies(m, ix, p);
    if (rc == 0)
        check_comments(m, lim, ix, p);
    if (rc != 0)
        return rc;
    return p->n + (size_t)p->truncated > before ? CAS_EINVAL : 0;
}

void import_team_path(const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                      size_t pos, char *out, size_t outlen)
{
    /* From the team up, then reversed: names are written root first. */
    size_t chain[64], n = 0;
    long at = (long)pos;
    while (at >= 0 && n < sizeof chain / sizeof chain[0]) {
        for (size_t k = 0; k < n; k++)
            if (chain[k] == (size_t)at) {
                out[0] = '\0';
                return;
            }
        chain[n++] = (size_t)at;
        at = import_find(ix, OKR_TEAM, m->teams[at]->parent);
    }
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = n; k-- > 0;) {
        int w = snprintf(out + used, outlen - used, "%s%s", used ? "/" : "",
                         m->teams[chain[k]]->name);
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
    }
}
