/* cascade import: a file's OKRs into a workshop, in one step or not at all.
 * The file's own checks (common/import_check.c), then the workshop's
 * (apply/apply_import.c) and --max-entities; every problem found is told,
 * up to IMPORT_PROBLEMS_MAX, and nothing changes. A dry run stops there and
 * says what would be made. Otherwise every change is applied at once and
 * queued in the turn's batch, so that one SQLite transaction makes them
 * durable together; the last one carries the answer, sent after the commit
 * like any change's. The frame's size (--max-frame) bounds the request. */
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "handlers.h"
#include "import_check.h"
#include "live.h"
#include "log.h"
#include "store.h"

/* Answers with the problems found; nothing changed. */
static void answer_problems(struct conn *c, uint64_t request_id, int dry_run,
                            const struct import_problems *p)
{
    Cascade__V1__ImportProblem items[IMPORT_PROBLEMS_MAX];
    Cascade__V1__ImportProblem *ptrs[IMPORT_PROBLEMS_MAX];
    for (size_t i = 0; i < p->n; i++) {
        cascade__v1__import_problem__init(&items[i]);
        items[i].list = (char *)p->items[i].list;
        items[i].index = p->items[i].index;
        items[i].field = (char *)p->items[i].field;
        items[i].reason = (char *)p->items[i].reason;
        ptrs[i] = &items[i];
    }
    Cascade__V1__WorkshopImportReply reply = CASCADE__V1__WORKSHOP_IMPORT_REPLY__INIT;
    reply.dry_run = dry_run;
    reply.n_problems = p->n;
    reply.problems = ptrs;
    reply.truncated = p->truncated;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT_REPLY;
    out.workshop_import_reply = &reply;
    conn_send(c, &out);
}

/* Applies the checked import and queues its changes; answers on failure. */
static void apply(struct conn *c, const WireFrame *f, struct workshop *w,
                  const struct apply_ctx *ctx, const struct import_index *ix,
                  const struct import_plan *plan, Cascade__V1__WorkshopImportReply *reply)
{
    struct live *l = c->live;
    const Cascade__V1__WorkshopImport *m = f->workshop_import;
    size_t n = apply_import_events(m, plan);
    struct apply_result *results = calloc(n, sizeof *results);
    /* Room in the batch first: once applied, no change may be dropped. */
    if (results == NULL || batch_reserve_more(&l->batch, n) != 0) {
        free(results);
        conn_send_no_memory(c, f->request_id, "nothing was imported");
        return;
    }
    if (apply_import(&w->state, ctx, m, ix, plan, f->request_id, reply, results, n) != 0) {
        free(results);
        conn_send_no_memory(c, f->request_id, "nothing was imported");
        return;
    }
    for (size_t i = 0; i < n; i++)
        batch_add(&l->batch, w, i + 1 == n ? c : NULL, f->request_id, c->user, ctx->now_ms,
                  &results[i]);
    free(results);
    log_info("workshop %s: '%s' imported %zu teams (%zu reused), %zu objectives, %zu key "
             "results, %zu initiatives, %zu dependencies, %zu comments",
             w->code, c->user, plan->teams_created, plan->teams_reused, m->n_objectives,
             m->n_key_results, m->n_initiatives, m->n_dependencies, m->n_comments);
}

void handle_workshop_import(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    const Cascade__V1__WorkshopImport *m = f->workshop_import;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    struct apply_ctx ctx = {
        .workshop = w->code,
        .actor = c->user,
        .now_ms = clock_now_ms(),
        .user_exists = handlers_user_exists,
        .user_ctx = l->store,
        .limits = &l->cfg.text_limits,
    };
    struct import_problems *p = calloc(1, sizeof *p);
    struct import_index ix = {0};
    struct import_plan plan = {0};
    if (p == NULL) {
        conn_send_no_memory(c, f->request_id, "nothing was imported");
        return;
    }
    int rc = import_check(m, ctx.limits, &ix, p);
    if (rc == 0)
        rc = apply_import_check(&w->state, &ctx, m, &ix, &plan, p);
    if (rc == CAS_ENOMEM) {
        conn_send_no_memory(c, f->request_id, "nothing was imported");
        goto done;
    }
    if (rc != 0) {
        answer_problems(c, f->request_id, m->dry_run, p);
        goto done;
    }
    size_t adding = import_entity_count(m) - plan.teams_reused;
    size_t now = handlers_entity_count(&w->state);
    if (now + adding > l->cfg.max_entities) {
        char msg[300];
        snprintf(msg, sizeof msg,
                 "Workshop %s holds %zu teams, objectives, key results, initiatives, "
                 "dependencies, comments and ideas; the %zu of the file would take it past its "
                 "limit of %zu (--max-entities). Nothing was imported.",
                 w->code, now, adding, l->cfg.max_entities);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
        goto done;
    }
    Cascade__V1__WorkshopImportReply reply = CASCADE__V1__WORKSHOP_IMPORT_REPLY__INIT;
    reply.dry_run = m->dry_run;
    reply.teams_created = (uint32_t)plan.teams_created;
    reply.teams_reused = (uint32_t)plan.teams_reused;
    reply.objectives = (uint32_t)m->n_objectives;
    reply.key_results = (uint32_t)m->n_key_results;
    reply.initiatives = (uint32_t)m->n_initiatives;
    reply.dependencies = (uint32_t)m->n_dependencies;
    reply.comments = (uint32_t)m->n_comments;
    /* Which teams of the file are the workshop's already. */
    char (*reused)[32] = calloc(plan.teams_reused + 1, sizeof *reused);
    char **reused_ptrs = calloc(plan.teams_reused + 1, sizeof *reused_ptrs);
    if (reused == NULL || reused_ptrs == NULL) {
        free(reused);
        free(reused_ptrs);
        conn_send_no_memory(c, f->request_id, "nothing was imported");
        goto done;
    }
    for (size_t i = 0; i < m->n_teams; i++)
        if (plan.team_reused[i]) {
            snprintf(reused[reply.n_reused_teams], sizeof reused[0], "%.16s=T%u",
                     m->teams[i]->id, plan.team_num[i]);
            reused_ptrs[reply.n_reused_teams] = reused[reply.n_reused_teams];
            reply.n_reused_teams++;
        }
    reply.reused_teams = reused_ptrs;
    if (m->dry_run) {
        WireFrame out = CASCADE__V1__FRAME__INIT;
        out.request_id = f->request_id;
        out.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT_REPLY;
        out.workshop_import_reply = &reply;
        conn_send(c, &out);
    } else {
        apply(c, f, w, &ctx, &ix, &plan, &reply);
    }
    free(reused);
    free(reused_ptrs);
done:
    import_plan_free(&plan);
    import_index_free(&ix);
    free(p);
}
