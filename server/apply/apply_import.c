/* Importing a file's OKRs into a workshop (cascade import). The file's own
 * checks (common/import_check.c) come first; here what needs the
 * workshop: owners must have accounts, a team whose path of names the
 * workshop has already is reused (its level stays), a new team under a
 * reused one must sit below its level. Then every entity is added with the
 * state's next numbers, each change described as its ordinary addition is
 * (team.add, objective.add with the fields an import brings besides,
 * kr.add, initiative.add, dependency.add, comment.add with its author),
 * after one workshop.import event that says how much came. Either every
 * change is made, or (out of memory half-way) the state is put back as it
 * was and none is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "errors.h"
#include "import_check.h"

void import_plan_free(struct import_plan *plan)
{
    free(plan->team_num);
    free(plan->team_reused);
    free(plan->team_level);
    memset(plan, 0, sizeof *plan);
}

/* The workshop's team named name under parent (0: a root), or 0. */
static uint32_t existing_team(const struct okr_state *s, uint32_t parent, const char *name)
{
    for (size_t i = 0; i < s->nteams; i++)
        if (s->teams[i].parent == parent && strcmp(s->teams[i].name, name) == 0)
            return s->teams[i].num;
    return 0;
}

/* Decides team pos (its parent first): reused, or to be made as the next
 * number. Without loops (import_check), the walk up ends. */
static void place_team(const struct okr_state *s, const Cascade__V1__WorkshopImport *m,
                       const struct import_index *ix, struct import_plan *plan, size_t pos,
                       uint32_t *next, struct import_problems *p)
{
    size_t chain[256], n = 0;
    long at = (long)pos;
    while (at >= 0 && plan->team_num[at] == 0 && n < sizeof chain / sizeof chain[0]) {
        chain[n++] = (size_t)at;
        at = import_find(ix, OKR_TEAM, m->teams[at]->parent);
    }
    if (at >= 0 && plan->team_num[at] == 0) {
        import_problem_add(p, "teams", pos, "parent", "The team sits more than %zu teams deep.",
                           sizeof chain / sizeof chain[0]);
        return;
    }
    while (n-- > 0) {
        size_t i = chain[n];
        long up = import_find(ix, OKR_TEAM, m->teams[i]->parent);
        uint32_t parent = up >= 0 ? plan->team_num[up] : 0;
        /* Under a team made by this import, nothing can exist yet. */
        uint32_t found = up >= 0 && !plan->team_reused[up] ? 0
                                                          : existing_team(s, parent, m->teams[i]->name);
        if (found != 0) {
            plan->team_num[i] = found;
            plan->team_reused[i] = 1;
            plan->teams_reused++;
            continue;
        }
        plan->team_num[i] = (*next)++;
        plan->teams_created++;
        /* Its level: the file's, or the one below its parent's (a company
         * at the root), as team add gives it. */
        enum okr_level given = convert_level_from_wire(m->teams[i]->level);
        enum okr_level up_level = up < 0                  ? OKR_LEVEL_NONE
                                  : plan->team_reused[up] ? apply_team_level(s, parent)
                                                          : plan->team_level[up];
        enum okr_level level = given != OKR_LEVEL_NONE ? given
                               : up < 0                ? OKR_LEVEL_COMPANY
                               : up_level >= OKR_LEVEL_INDIVIDUAL ? OKR_LEVEL_INDIVIDUAL
                                                                  : (enum okr_level)(up_level + 1);
        plan->team_level[i] = level;
        if (up < 0 || (!plan->team_reused[up] && given != OKR_LEVEL_NONE &&
                       m->teams[up]->level != CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED))
            continue; /* import_check has compared two levels the file gives */
        char where[160];
        if (plan->team_reused[up])
            snprintf(where, sizeof where, "T%u of the workshop", parent);
        else
            import_team_path(m, ix, (size_t)up, where, sizeof where);
        if (up_level == OKR_LEVEL_INDIVIDUAL)
            import_problem_add(p, "teams", i, "parent", "Its parent, %s, is an individual; an "
                               "individual has no sub-teams.", where);
        else if (level <= up_level)
            import_problem_add(p, "teams", i, "level", "A %s cannot sit under %s, a %s: a "
                               "child's level must be below its parent's.",
                               okr_level_name(level), where, okr_level_name(up_level));
    }
}

static void check_owner(const struct apply_ctx *ctx, struct import_problems *p, const char *list,
                        size_t i, const char *owner)
{
    if (owner[0] != '\0' && ctx->user_exists != NULL &&
        !ctx->user_exists(ctx->user_ctx, owner)) {
        char quoted[APPLY_QUOTE_MAX];
        import_problem_add(p, list, i, "owner",
                           "There is no user named '%s' on this server; an owner must have an "
                           "account.", apply_quote(owner, quoted));
    }
}

int apply_import_check(const struct okr_state *s, const struct apply_ctx *ctx,
                       const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                       struct import_plan *plan, struct import_problems *p)
{
    memset(plan, 0, sizeof *plan);
    size_t before = p->n + (size_t)p->truncated;
    plan->team_num = calloc(m->n_teams + 1, sizeof *plan->team_num);
    plan->team_reused = calloc(m->n_teams + 1, 1);
    plan->team_level = calloc(m->n_teams + 1, sizeof *plan->team_level);
    if (plan->team_num == NULL || plan->team_reused == NULL || plan->team_level == NULL)
        return CAS_ENOMEM;
    uint32_t next = s->next_team;
    for (size_t i = 0; i < m->n_teams; i++)
        if (plan->team_num[i] == 0)
            place_team(s, m, ix, plan, i, &next, p);
    for (size_t i = 0; i < m->n_objectives; i++)
        check_owner(ctx, p, "objectives", i, m->objectives[i]->owner);
    for (size_t i = 0; i < m->n_key_results; i++)
        check_owner(ctx, p, "key_results", i, m->key_results[i]->owner);
    return p->n + (size_t)p->truncated > before ? CAS_EINVAL : 0;
}

size_t apply_import_events(const Cascade__V1__WorkshopImport *m, const struct import_plan *plan)
{
    return 1 + plan->teams_created + m->n_objectives + m->n_key_results + m->n_initiatives +
           m->n_dependencies + m->n_comments;
}

/* What the import changes, to put the state back. */
struct mark {
    uint32_t next_team, next_objective, next_key_result, next_initiative, next_comment;
    uint64_t seq;
};

static void roll_back(struct okr_state *s, const struct mark *mk)
{
    while (s->ncomments > 0 && s->comments[s->ncomments - 1].num >= mk->next_comment)
        okr_comment_remove(s, s->comments[s->ncomments - 1].num);
    /* Removing a key result takes its initiatives and dependencies along. */
    while (s->nkey_results > 0 && s->key_results[s->nkey_results - 1].num >= mk->next_key_result)
        okr_key_result_remove(s, s->key_results[s->nkey_results - 1].num);
    while (s->nobjectives > 0 && s->objectives[s->nobjectives - 1].num >= mk->next_objective)
        okr_objective_remove(s, s->objectives[s->nobjectives - 1].num);
    while (s->nteams > 0 && s->teams[s->nteams - 1].num >= mk->next_team)
        okr_team_remove(s, s->teams[s->nteams - 1].num);
    s->next_team = mk->next_team;
    s->next_objective = mk->next_objective;
    s->next_key_result = mk->next_key_result;
    s->next_initiative = mk->next_initiative;
    s->next_comment = mk->next_comment;
    s->seq = mk->seq;
}

/* Packs eb as the next change into r (no ack: the import answers once). */
static int finish(struct okr_state *s, struct event_builder *eb, enum okr_kind kind,
                  uint32_t num, struct apply_result *r)
{
    memset(r, 0, sizeof *r);
    apply_take_seq(s, r, kind, num);
    eb->ev.seq = r->seq;
    r->type = eb->ev.type;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_EVENT;
    ef.event = &eb->ev;
    return wire_pack(&ef, SIZE_MAX, &r->event) == 0 ? 0 : CAS_ENOMEM;
}

static char *dup_or_empty(const char *text)
{
    return strdup(text != NULL ? text : "");
}

static int add_team(struct okr_state *s, const struct apply_ctx *ctx,
                    const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                    const struct import_plan *plan, size_t i, struct apply_result *r)
{
    const Cascade__V1__Team *f = m->teams[i];
    long up = import_find(ix, OKR_TEAM, f->parent);
    struct okr_team t = {0};
    t.num = plan->team_num[i];
    t.parent = up >= 0 ? plan->team_num[up] : 0;
    t.level = plan->team_level[i];
    t.version = 1;
    t.name = strdup(f->name);
    struct okr_team *stored = t.name != NULL ? okr_team_insert(s, &t) : NULL;
    if (stored == NULL)
        return CAS_ENOMEM;
    if (s->next_team <= stored->num)
        s->next_team = stored->num + 1;
    struct event_builder eb;
    eb_init(&eb, ctx, "team.add", OKR_TEAM, stored->num);
    eb_text(&eb, "name", NULL, stored->name);
    if (stored->parent)
        eb_text(&eb, "parent", NULL, eb_id(&eb, OKR_TEAM, stored->parent));
    eb_text(&eb, "level", NULL, okr_level_name(stored->level));
    return finish(s, &eb, OKR_TEAM, stored->num, r);
}

static void take_check(struct okr_check *to, const Cascade__V1__Check *from, int *failed)
{
    if (from == NULL)
        return;
    to->answer = from->answer == CASCADE__V1__ANSWER__YES  ? OKR_YES
                 : from->answer == CASCADE__V1__ANSWER__NO ? OKR_NO
                                                            : OKR_ANSWER_NONE;
    if (to->answer != OKR_ANSWER_NONE) {
        to->by = dup_or_empty(from->by);
        to->at_ms = from->at_ms;
        *failed |= to->by == NULL;
    }
}

static int add_objective(struct okr_state *s, const struct apply_ctx *ctx,
                         const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                         const struct import_plan *plan, uint32_t first_objective,
                         uint32_t first_kr, size_t i, struct apply_result *r)
{
    const Cascade__V1__Objective *f = m->objectives[i];
    struct okr_objective o = {0};
    o.num = s->next_objective;
    o.team = plan->team_num[import_find(ix, OKR_TEAM, f->team)];
    long up = import_find(ix, OKR_OBJECTIVE, f->aligns_to);
    o.aligns_to = up >= 0 ? first_objective + (uint32_t)up : 0;
    long k = import_find(ix, OKR_KEY_RESULT, f->inherits);
    o.inherits = k >= 0 ? first_kr + (uint32_t)k : 0;
    o.committed = f->committed;
    o.status = OKR_DRAFT;
    if (f->status[0] != '\0')
        okr_status_parse(f->status, &o.status);
    o.version = 1;
    int failed = 0;
    take_check(&o.necessary, f->necessary, &failed);
    take_check(&o.sufficient, f->sufficient, &failed);
    o.title = strdup(f->title);
    o.owner = dup_or_empty(f->owner);
    o.rationale = dup_or_empty(f->rationale);
    o.close_note = dup_or_empty(f->close_note);
    o.carried_from = dup_or_empty(f->carried_from);
    struct okr_objective *stored = NULL;
    if (!failed && o.title && o.owner && o.rationale && o.close_note && o.carried_from)
        stored = okr_objective_insert(s, &o);
    else
        okr_objective_clear(&o);
    if (stored == NULL)
        return CAS_ENOMEM;
    s->next_objective++;
    struct event_builder eb;
    eb_init(&eb, ctx, "objective.add", OKR_OBJECTIVE, stored->num);
    eb_text(&eb, "team", NULL, eb_id(&eb, OKR_TEAM, stored->team));
    eb_text(&eb, "title", NULL, stored->title);
    if (stored->owner[0])
        eb_text(&eb, "owner", NULL, stored->owner);
    if (stored->aligns_to)
        eb_text(&eb, "aligns_to", NULL, eb_id(&eb, OKR_OBJECTIVE, stored->aligns_to));
    if (stored->inherits)
        eb_text(&eb, "inherits", NULL, eb_id(&eb, OKR_KEY_RESULT, stored->inherits));
    eb_flag(&eb, "committed", NULL, &stored->committed);
    if (stored->rationale[0])
        eb_text(&eb, "rationale", NULL, stored->rationale);
    if (stored->status != OKR_DRAFT)
        eb_text(&eb, "status", NULL, okr_status_name(stored->status));
    /* The answers with who gave them and when, as the file had them, so
     * that the history rebuilds them (common/okr_fold.c). */
    static const char *const CHECKS[2][3] = {{"necessary", "necessary_by", "necessary_at"},
                                             {"sufficient", "sufficient_by", "sufficient_at"}};
    const struct okr_check *checks[2] = {&stored->necessary, &stored->sufficient};
    double at[2];
    for (int c = 0; c < 2; c++) {
        if (checks[c]->answer == OKR_ANSWER_NONE)
            continue;
        at[c] = (double)checks[c]->at_ms;
        eb_text(&eb, CHECKS[c][0], NULL, okr_answer_name(checks[c]->answer));
        eb_text(&eb, CHECKS[c][1], NULL, checks[c]->by != NULL ? checks[c]->by : "");
        eb_number(&eb, CHECKS[c][2], NULL, &at[c]);
    }
    if (stored->close_note[0])
        eb_text(&eb, "close_note", NULL, stored->close_note);
    if (stored->carried_from[0])
        eb_text(&eb, "carried_from", NULL, stored->carried_from);
    return finish(s, &eb, OKR_OBJECTIVE, stored->num, r);
}

static int add_key_result(struct okr_state *s, const struct apply_ctx *ctx,
                          const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                          uint32_t first_objective, size_t i, struct apply_result *r)
{
    const Cascade__V1__KeyResult *f = m->key_results[i];
    struct okr_key_result k = {0};
    k.num = s->next_key_result;
    k.objective = first_objective + (uint32_t)import_find(ix, OKR_OBJECTIVE, f->objective);
    k.milestone = f->milestone;
    k.start = f->start;
    k.target = f->target;
    k.current = f->current;
    k.done = f->milestone && f->done;
    k.confidence = f->confidence;
    k.status = OKR_ON_TRACK;
    if (f->status[0] != '\0')
        okr_kr_status_parse(f->status, &k.status);
    k.has_weight = f->has_weight;
    k.weight = f->has_weight ? f->weight : 0;
    k.version = 1;
    k.title = strdup(f->title);
    k.owner = dup_or_empty(f->owner);
    k.unit = dup_or_empty(f->unit);
    k.blocker = dup_or_empty(f->blocker);
    k.carried_from = dup_or_empty(f->carried_from);
    struct okr_key_result *stored = NULL;
    if (k.title && k.owner && k.unit && k.blocker && k.carried_from)
        stored = okr_key_result_insert(s, &k);
    else
        okr_key_result_clear(&k);
    if (stored == NULL)
        return CAS_ENOMEM;
    s->next_key_result++;
    struct event_builder eb;
    eb_key_result_add(&eb, ctx, stored);
    if (stored->milestone)
        eb_flag(&eb, "done", NULL, &stored->done);
    eb_number(&eb, "confidence", NULL, &stored->confidence);
    if (stored->status != OKR_ON_TRACK)
        eb_text(&eb, "status", NULL, okr_kr_status_name(stored->status));
    if (stored->blocker[0])
        eb_text(&eb, "blocker", NULL, stored->blocker);
    if (stored->has_weight)
        eb_number(&eb, "weight", NULL, &stored->weight);
    if (stored->carried_from[0])
        eb_text(&eb, "carried_from", NULL, stored->carried_from);
    return finish(s, &eb, OKR_KEY_RESULT, stored->num, r);
}

static int add_initiative(struct okr_state *s, const struct apply_ctx *ctx,
                          const Cascade__V1__Initiative *f, uint32_t kr, struct apply_result *r)
{
    struct okr_initiative in = {0};
    in.num = s->next_initiative;
    in.key_result = kr;
    in.done = f->done;
    in.version = 1;
    in.title = strdup(f->title);
    struct okr_initiative *stored = in.title != NULL ? okr_initiative_insert(s, &in) : NULL;
    if (stored == NULL)
        return CAS_ENOMEM;
    s->next_initiative++;
    struct event_builder eb;
    eb_init(&eb, ctx, "initiative.add", OKR_INITIATIVE, stored->num);
    eb_text(&eb, "key_result", NULL, eb_id(&eb, OKR_KEY_RESULT, kr));
    eb_text(&eb, "title", NULL, stored->title);
    if (stored->done)
        eb_flag(&eb, "done", NULL, &stored->done);
    return finish(s, &eb, OKR_INITIATIVE, stored->num, r);
}

static int add_dependency(struct okr_state *s, const struct apply_ctx *ctx, uint32_t kr,
                          uint32_t on, struct apply_result *r)
{
    if (okr_dependency_add(s, kr, on) != 0)
        return CAS_ENOMEM;
    struct okr_key_result *a = okr_key_result_find(s, kr);
    const struct okr_key_result *b = okr_key_result_find(s, on);
    a->version++; /* as a dependency added by hand: the history rebuilds the same */
    const struct okr_objective *oa = okr_objective_find(s, a->objective);
    const struct okr_objective *ob = okr_objective_find(s, b->objective);
    struct event_builder eb;
    eb_init(&eb, ctx, "dependency.add", OKR_KEY_RESULT, kr);
    eb_text(&eb, "depends_on", NULL, eb_id(&eb, OKR_KEY_RESULT, on));
    eb_text(&eb, "team", NULL, eb_id(&eb, OKR_TEAM, oa->team));
    eb_text(&eb, "other_team", NULL, eb_id(&eb, OKR_TEAM, ob->team));
    int rc = finish(s, &eb, OKR_KEY_RESULT, kr, r);
    r->dependency = (struct okr_dependency){kr, on};
    return rc;
}

static int add_comment(struct okr_state *s, const struct apply_ctx *ctx,
                       const Cascade__V1__Comment *f, enum okr_kind kind, uint32_t target,
                       struct apply_result *r)
{
    struct okr_comment c = {0};
    c.num = s->next_comment;
    c.target_kind = kind;
    c.target = target;
    c.time_ms = f->time_ms > 0 ? f->time_ms : ctx->now_ms;
    c.author = strdup(f->author);
    c.text = strdup(f->text);
    c.resolved_by = dup_or_empty(f->resolved_by);
    if (c.resolved_by != NULL && c.resolved_by[0] != '\0')
        c.resolved_ms = f->resolved_ms > 0 ? f->resolved_ms : ctx->now_ms;
    struct okr_comment *stored = NULL;
    if (c.author && c.text && c.resolved_by)
        stored = okr_comment_insert(s, &c);
    else
        okr_comment_clear(&c);
    if (stored == NULL)
        return CAS_ENOMEM;
    s->next_comment++;
    struct event_builder eb;
    eb_init(&eb, ctx, "comment.add", OKR_COMMENT, stored->num);
    eb_text(&eb, "target", NULL, eb_id(&eb, kind, target));
    eb_text(&eb, "text", NULL, stored->text);
    eb_text(&eb, "author", NULL, stored->author);
    double time = (double)stored->time_ms, resolved = (double)stored->resolved_ms;
    eb_number(&eb, "time", NULL, &time);
    if (stored->resolved_by[0]) {
        eb_text(&eb, "resolved_by", NULL, stored->resolved_by);
        eb_number(&eb, "resolved_ms", NULL, &resolved);
    }
    return finish(s, &eb, OKR_COMMENT, stored->num, r);
}

static int add_all(struct okr_state *s, const struct apply_ctx *ctx,
                   const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                   const struct import_plan *plan, struct apply_result *results, size_t *used)
{
    uint32_t first_objective = s->next_objective, first_kr = s->next_key_result;
    /* New teams in number order: a parent is numbered before its children. */
    size_t *order = malloc((plan->teams_created + 1) * sizeof *order);
    if (order == NULL)
        return CAS_ENOMEM;
    for (size_t i = 0; i < m->n_teams; i++)
        if (!plan->team_reused[i])
            order[plan->team_num[i] - s->next_team] = i;
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < plan->teams_created; i++)
        rc = add_team(s, ctx, m, ix, plan, order[i], &results[(*used)++]);
    free(order);
    for (size_t i = 0; rc == 0 && i < m->n_objectives; i++)
        rc = add_objective(s, ctx, m, ix, plan, first_objective, first_kr, i,
                           &results[(*used)++]);
    for (size_t i = 0; rc == 0 && i < m->n_key_results; i++)
        rc = add_key_result(s, ctx, m, ix, first_objective, i, &results[(*used)++]);
    for (size_t i = 0; rc == 0 && i < m->n_initiatives; i++) {
        const Cascade__V1__Initiative *f = m->initiatives[i];
        uint32_t kr = first_kr + (uint32_t)import_find(ix, OKR_KEY_RESULT, f->key_result);
        rc = add_initiative(s, ctx, f, kr, &results[(*used)++]);
    }
    for (size_t i = 0; rc == 0 && i < m->n_dependencies; i++) {
        const Cascade__V1__Dependency *d = m->dependencies[i];
        uint32_t a = first_kr + (uint32_t)import_find(ix, OKR_KEY_RESULT, d->key_result);
        uint32_t b = first_kr + (uint32_t)import_find(ix, OKR_KEY_RESULT, d->depends_on);
        rc = add_dependency(s, ctx, a, b, &results[(*used)++]);
    }
    for (size_t i = 0; rc == 0 && i < m->n_comments; i++) {
        const Cascade__V1__Comment *f = m->comments[i];
        enum okr_kind kind = (f->target[0] == 'K' || f->target[0] == 'k') ? OKR_KEY_RESULT
                                                                           : OKR_OBJECTIVE;
        uint32_t base = kind == OKR_KEY_RESULT ? first_kr : first_objective;
        uint32_t target = base + (uint32_t)import_find(ix, kind, f->target);
        rc = add_comment(s, ctx, f, kind, target, &results[(*used)++]);
    }
    return rc;
}

int apply_import(struct okr_state *s, const struct apply_ctx *ctx,
                 const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                 const struct import_plan *plan, uint64_t request_id,
                 Cascade__V1__WorkshopImportReply *reply, struct apply_result *results, size_t n)
{
    if (n != apply_import_events(m, plan))
        return CAS_EINVAL;
    struct mark mk = {s->next_team,       s->next_objective, s->next_key_result,
                      s->next_initiative, s->next_comment,   s->seq};
    struct event_builder eb;
    eb_init(&eb, ctx, "workshop.import", OKR_TEAM, 0);
    snprintf(eb.entity, sizeof eb.entity, "workshop");
    double counts[] = {(double)plan->teams_created, (double)plan->teams_reused,
                       (double)m->n_objectives,     (double)m->n_key_results,
                       (double)m->n_initiatives,    (double)m->n_dependencies,
                       (double)m->n_comments};
    static const char *const NAMES[] = {"teams",        "teams_reused", "objectives",
                                        "key_results",  "initiatives",  "dependencies",
                                        "comments"};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++)
        if (counts[i] > 0)
            eb_number(&eb, NAMES[i], NULL, &counts[i]);
    size_t used = 1;
    int rc = finish(s, &eb, OKR_TEAM, 0, &results[0]);
    snprintf(results[0].subject, sizeof results[0].subject, "workshop");
    if (rc == 0)
        rc = add_all(s, ctx, m, ix, plan, results, &used);
    if (rc == 0) {
        reply->seq = s->seq;
        WireFrame af = CASCADE__V1__FRAME__INIT;
        af.request_id = request_id;
        af.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT_REPLY;
        af.workshop_import_reply = reply;
        rc = wire_pack(&af, SIZE_MAX, &results[n - 1].ack) == 0 ? 0 : CAS_ENOMEM;
    }
    if (rc != 0) {
        for (size_t i = 0; i < used; i++)
            apply_result_free(&results[i]);
        roll_back(s, &mk);
    }
    return rc;
}
