/* The rules for the review of a cascade: the necessary-and-sufficient
 * test, initiatives, dependencies between teams, and comments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "errors.h"

/* ---- The necessary-and-sufficient test ------------------------------------------- */

static int answer_from_wire(Cascade__V1__Answer a, enum okr_answer *out)
{
    if (a == CASCADE__V1__ANSWER__YES)
        *out = OKR_YES;
    else if (a == CASCADE__V1__ANSWER__NO)
        *out = OKR_NO;
    else
        return 0;
    return 1;
}

/* Records one answer with who gave it and when. */
static int set_check(struct okr_check *c, enum okr_answer answer, const struct apply_ctx *ctx)
{
    char *by = strdup(ctx->actor);
    if (by == NULL)
        return CAS_ENOMEM;
    free(c->by);
    c->answer = answer;
    c->by = by;
    c->at_ms = ctx->now_ms;
    return 0;
}

int apply_objective_check(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    const Cascade__V1__ObjectiveCheck *m = req->objective_check;
    uint32_t num;
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0)
        return rc;
    enum okr_answer necessary = OKR_ANSWER_NONE, sufficient = OKR_ANSWER_NONE;
    int has_n = answer_from_wire(m->necessary, &necessary);
    int has_s = answer_from_wire(m->sufficient, &sufficient);
    if (!has_n && !has_s)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "Answer at least one question: necessary yes|no, sufficient yes|no.");
    struct okr_objective *o = okr_objective_find(s, num);
    enum okr_answer old_n = o->necessary.answer, old_s = o->sufficient.answer;
    if ((has_n && set_check(&o->necessary, necessary, ctx) != 0) ||
        (has_s && set_check(&o->sufficient, sufficient, ctx) != 0))
        return apply_no_memory(r);
    o->version++;
    apply_take_seq(s, r, OKR_OBJECTIVE, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "objective.check", OKR_OBJECTIVE, num);
    if (has_n)
        eb_text(&eb, "necessary", okr_answer_name(old_n), okr_answer_name(necessary));
    if (has_s)
        eb_text(&eb, "sufficient", okr_answer_name(old_s), okr_answer_name(sufficient));
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_objective(o, &wo, &ids, &ack);
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

/* ---- Initiatives, dependencies, comments ------------------------------------------ */

static void ack_initiative(const struct okr_initiative *i, Cascade__V1__Initiative *wi,
                           struct convert_ids *ids, Cascade__V1__Ack *ack)
{
    convert_initiative_to_wire(i, wi, ids);
    ack->entity_case = CASCADE__V1__ACK__ENTITY_INITIATIVE;
    ack->initiative = wi;
}

int apply_initiative_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    const Cascade__V1__InitiativeAdd *m = req->initiative_add;
    uint32_t kr;
    int rc;
    if ((rc = apply_resolve(s, m->key_result, OKR_KEY_RESULT, &kr, r)) != 0 ||
        (rc = apply_check_text(m->title, "title", lim->title, 1, 0, r)) != 0)
        return rc;
    struct okr_initiative i = {0};
    i.num = s->next_initiative;
    i.key_result = kr;
    i.title = strdup(m->title);
    i.version = 1;
    struct okr_initiative *stored = i.title != NULL ? okr_initiative_insert(s, &i) : NULL;
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_initiative++;
    apply_take_seq(s, r, OKR_INITIATIVE, stored->num);
    struct event_builder eb;
    eb_init(&eb, ctx, "initiative.add", OKR_INITIATIVE, stored->num);
    eb_text(&eb, "key_result", NULL, eb_id(&eb, OKR_KEY_RESULT, kr));
    eb_text(&eb, "title", NULL, stored->title);
    Cascade__V1__Initiative wi;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_initiative(stored, &wi, &ids, &ack);
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_initiative_done(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    uint32_t num;
    int rc;
    if ((rc = apply_resolve(s, req->initiative_done->id, OKR_INITIATIVE, &num, r)) != 0)
        return rc;
    struct okr_initiative *i = okr_initiative_find(s, num);
    if (i->done)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "I%u is done already.", num);
    int was = i->done;
    i->done = 1;
    i->version++;
    apply_take_seq(s, r, OKR_INITIATIVE, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "initiative.done", OKR_INITIATIVE, num);
    eb_flag(&eb, "done", &was, &i->done);
    Cascade__V1__Initiative wi;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_initiative(i, &wi, &ids, &ack);
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

/* The team a key result belongs to, through its objective. */
static uint32_t key_result_team(const struct okr_state *s, uint32_t kr)
{
    const struct okr_key_result *k = okr_key_result_find(s, kr);
    const struct okr_objective *o = k != NULL ? okr_objective_find(s, k->objective) : NULL;
    return o != NULL ? o->team : 0;
}

/* Whether key result from depends on to, directly or through a chain of
 * dependencies: 1 or 0, or -1 when out of memory. A walk over the
 * dependency list from each key result reached, each visited once. */
static int depends_on(const struct okr_state *s, uint32_t from, uint32_t to)
{
    size_t nkr = (size_t)s->next_key_result + 1;
    uint8_t *seen = calloc(nkr, 1);
    uint32_t *todo = calloc(nkr, sizeof *todo);
    if (seen == NULL || todo == NULL) {
        free(seen);
        free(todo);
        return -1;
    }
    size_t ntodo = 0;
    int found = 0;
    todo[ntodo++] = from;
    seen[from] = 1;
    while (ntodo > 0 && !found) {
        uint32_t k = todo[--ntodo];
        for (size_t i = 0; i < s->ndependencies && !found; i++) {
            uint32_t next = s->dependencies[i].depends_on;
            if (s->dependencies[i].key_result != k || next >= nkr || seen[next])
                continue;
            found = next == to;
            seen[next] = 1;
            todo[ntodo++] = next;
        }
    }
    free(seen);
    free(todo);
    return found;
}

int apply_dependency_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    const Cascade__V1__DependencyAdd *m = req->dependency_add;
    uint32_t kr, on;
    int rc;
    if ((rc = apply_resolve(s, m->key_result, OKR_KEY_RESULT, &kr, r)) != 0 ||
        (rc = apply_resolve(s, m->depends_on, OKR_KEY_RESULT, &on, r)) != 0)
        return rc;
    if (kr == on)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A key result cannot depend on itself.");
    uint32_t team = key_result_team(s, kr), other = key_result_team(s, on);
    if (team == other)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "K%u and K%u both belong to T%u; a dependency links one team to another.",
                      kr, on, team);
    if (okr_dependency_exists(s, kr, on))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS,
                      "K%u already depends on K%u.", kr, on);
    int circle = depends_on(s, on, kr);
    if (circle < 0)
        return apply_no_memory(r);
    if (circle)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "K%u already depends on K%u, directly or through others; K%u "
                            "depending on K%u would close a circle in which each waits for "
                            "the other.",
                            on, kr, kr, on);
    if (okr_dependency_add(s, kr, on) != 0)
        return apply_no_memory(r);
    struct okr_key_result *k = okr_key_result_find(s, kr);
    k->version++;
    apply_take_seq(s, r, OKR_KEY_RESULT, kr);
    r->dependency = (struct okr_dependency){kr, on};
    struct event_builder eb;
    eb_init(&eb, ctx, "dependency.add", OKR_KEY_RESULT, kr);
    eb_text(&eb, "depends_on", NULL, eb_id(&eb, OKR_KEY_RESULT, on));
    eb_text(&eb, "team", NULL, eb_id(&eb, OKR_TEAM, team));
    eb_text(&eb, "other_team", NULL, eb_id(&eb, OKR_TEAM, other));
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_key_result(k, &wk, &ids, &ack);
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_comment_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    const Cascade__V1__CommentAdd *m = req->comment_add;
    enum okr_kind kind = m->target[0] == 'K' || m->target[0] == 'k' ? OKR_KEY_RESULT : OKR_OBJECTIVE;
    uint32_t target;
    int rc;
    char quoted[APPLY_QUOTE_MAX];
    if (m->target[0] != '\0' && kind == OKR_OBJECTIVE && m->target[0] != 'O' && m->target[0] != 'o')
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "Comment on an objective or a key result (O3 or K7), not '%s'.",
                            apply_quote(m->target, quoted));
    if ((rc = apply_resolve(s, m->target, kind, &target, r)) != 0 ||
        (rc = apply_check_text(m->text, "comment", lim->text, 1, 1, r)) != 0)
        return rc;
    struct okr_comment c = {0};
    c.num = s->next_comment;
    c.target_kind = kind;
    c.target = target;
    c.author = strdup(ctx->actor);
    c.text = strdup(m->text);
    c.time_ms = ctx->now_ms;
    struct okr_comment *stored = NULL;
    if (c.author != NULL && c.text != NULL)
        stored = okr_comment_insert(s, &c);
    else
        okr_comment_clear(&c);
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_comment++;
    apply_take_seq(s, r, OKR_COMMENT, stored->num);
    struct event_builder eb;
    eb_init(&eb, ctx, "comment.add", OKR_COMMENT, stored->num);
    eb_text(&eb, "target", NULL, eb_id(&eb, kind, target));
    eb_text(&eb, "text", NULL, stored->text);
    Cascade__V1__Comment wc;
    struct convert_ids ids;
    convert_comment_to_wire(stored, &wc, &ids);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.entity_case = CASCADE__V1__ACK__ENTITY_COMMENT;
    ack.comment = &wc;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_comment_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    uint32_t num;
    int rc = apply_resolve(s, req->comment_remove->id, OKR_COMMENT, &num, r);
    if (rc != 0)
        return rc;
    const struct okr_comment *c = okr_comment_find(s, num);
    enum okr_kind kind = c->target_kind;
    uint32_t target = c->target;
    struct event_builder eb;
    eb_init(&eb, ctx, "comment.remove", OKR_COMMENT, num);
    eb_text(&eb, "target", eb_id(&eb, kind, target), NULL);
    eb_text(&eb, "author", c->author, NULL);
    eb_text(&eb, "text", c->text, NULL);
    /* The event borrows the comment's strings: pack it before they go. */
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_take_seq(s, r, OKR_COMMENT, num);
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    if (rc == 0)
        okr_comment_remove(s, num);
    return rc;
}


int apply_comment_resolve(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    const Cascade__V1__CommentResolve *m = req->comment_resolve;
    uint32_t num;
    int rc = apply_resolve(s, m->id, OKR_COMMENT, &num, r);
    if (rc != 0)
        return rc;
    struct okr_comment *c = okr_comment_find(s, num);
    int resolved = c->resolved_by != NULL && c->resolved_by[0] != '\0';
    if (resolved == !m->reopen)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            resolved ? "C%u is resolved already (by %s)." : "C%u is open already%s.",
                            num, resolved ? c->resolved_by : "");
    char *by = strdup(m->reopen ? "" : ctx->actor);
    if (by == NULL)
        return apply_no_memory(r);
    char *old_by = c->resolved_by;
    c->resolved_by = by;
    c->resolved_ms = m->reopen ? 0 : ctx->now_ms;
    apply_take_seq(s, r, OKR_COMMENT, num);
    struct event_builder eb;
    eb_init(&eb, ctx, m->reopen ? "comment.reopen" : "comment.resolve", OKR_COMMENT, num);
    eb_text(&eb, "target", eb_id(&eb, c->target_kind, c->target), eb_id(&eb, c->target_kind, c->target));
    eb_text(&eb, "resolved_by", old_by != NULL && old_by[0] ? old_by : NULL, by[0] ? by : NULL);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    free(old_by);
    return rc;
}
