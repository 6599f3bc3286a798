#include "examples.h"

#include <stdio.h>

#include "apply.h"
#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "live.h"

int examples_check(struct conn *c, struct workshop *w, uint64_t request_id)
{
    const struct okr_state *s = &w->state;
    size_t n = s->nteams + s->nobjectives + s->nkey_results + s->ninitiatives +
               s->ndependencies + s->ncomments;
    if (n + EXAMPLES_ENTITIES <= c->live->cfg.max_entities)
        return 0;
    char msg[200];
    snprintf(msg, sizeof msg,
             "Workshop %s has no room for the %d example teams, objectives and key results "
             "(--max-entities).", w->code, EXAMPLES_ENTITIES);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
    return CAS_ETOOBIG;
}

/* Applies one request and queues it unanswered; *num gets the entity made. */
static int add(struct conn *c, struct workshop *w, WireFrame *f, uint32_t *num)
{
    struct live *l = c->live;
    struct apply_ctx ctx = {
        .workshop = w->code,
        .actor = c->user,
        .now_ms = clock_now_ms(),
        .limits = &l->cfg.text_limits,
    };
    struct apply_result r;
    if (batch_reserve(&l->batch) != 0) {
        conn_send_no_memory(c, f->request_id, "the examples before it were added");
        return CAS_ENOMEM;
    }
    int rc = apply_request(&w->state, &ctx, f, &r);
    if (rc != 0) {
        conn_send_error(c, f->request_id, r.code, r.message);
        apply_result_free(&r);
        return rc;
    }
    if (num != NULL)
        *num = r.num;
    batch_add(&l->batch, w, NULL, f->request_id, c->user, ctx.now_ms, &r);
    return 0;
}

static int team(struct conn *c, struct workshop *w, uint64_t id, const char *name,
                const char *parent, Cascade__V1__Level level, uint32_t *num)
{
    Cascade__V1__TeamAdd m = CASCADE__V1__TEAM_ADD__INIT;
    m.workshop = w->code;
    m.name = (char *)name;
    m.parent = (char *)parent;
    m.level = level;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = id;
    f.body_case = CASCADE__V1__FRAME__BODY_TEAM_ADD;
    f.team_add = &m;
    return add(c, w, &f, num);
}

static int objective(struct conn *c, struct workshop *w, uint64_t id, uint32_t team_num,
                     const char *title, const char *aligns_to, const char *inherits,
                     int committed, const char *rationale, uint32_t *num)
{
    char team_id[16];
    snprintf(team_id, sizeof team_id, "T%u", team_num);
    Cascade__V1__ObjectiveAdd m = CASCADE__V1__OBJECTIVE_ADD__INIT;
    m.workshop = w->code;
    m.team = team_id;
    m.title = (char *)title;
    m.aligns_to = (char *)aligns_to;
    m.inherits = (char *)inherits;
    m.committed = committed;
    m.rationale = (char *)rationale;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = id;
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD;
    f.objective_add = &m;
    return add(c, w, &f, num);
}

static int key_result(struct conn *c, struct workshop *w, uint64_t id, uint32_t obj,
                      const char *title, double start, double target, const char *unit,
                      uint32_t *num)
{
    char obj_id[16];
    snprintf(obj_id, sizeof obj_id, "O%u", obj);
    Cascade__V1__KeyResultAdd m = CASCADE__V1__KEY_RESULT_ADD__INIT;
    m.workshop = w->code;
    m.objective = obj_id;
    m.title = (char *)title;
    m.start = start;
    m.target = target;
    m.unit = (char *)unit;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = id;
    f.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD;
    f.key_result_add = &m;
    return add(c, w, &f, num);
}

int examples_apply(struct conn *c, struct workshop *w, uint64_t id)
{
    uint32_t company, dept, love, keep, retention, loyal, satisfaction;
    char parent[16], ref[16], ref2[16];
    int rc;
    if ((rc = team(c, w, id, "Company", "", CASCADE__V1__LEVEL__COMPANY, &company)) != 0)
        return rc;
    snprintf(parent, sizeof parent, "T%u", company);
    if ((rc = team(c, w, id, "Customer Success", parent, CASCADE__V1__LEVEL__DEPARTMENT,
                   &dept)) != 0 ||
        (rc = objective(c, w, id, company, "Earn customer love and trust", "", "", 0,
                        "Customers who trust us stay, and tell others.", &love)) != 0 ||
        (rc = key_result(c, w, id, love, "Raise NPS above 8", 6, 8, "points", NULL)) != 0 ||
        (rc = key_result(c, w, id, love, "Increase attendance from 350 to 500 people", 350, 500,
                         "people", NULL)) != 0 ||
        (rc = objective(c, w, id, company, "Keep the customers we have", "", "", 1,
                        "Winning a customer costs far more than keeping one.", &keep)) != 0 ||
        (rc = key_result(c, w, id, keep, "Increase retention rate to 99%", 95, 99, "%",
                         &retention)) != 0)
        return rc;
    snprintf(ref, sizeof ref, "K%u", retention);
    snprintf(ref2, sizeof ref2, "O%u", love);
    if ((rc = objective(c, w, id, dept, "Achieve a phenomenal retention rate", "", ref, 0,
                        "The company's retention key result, made ours (duality).", &loyal)) != 0 ||
        (rc = key_result(c, w, id, loyal,
                         "Implement customer improvement plan for 100% of at-risk customers", 0,
                         100, "%", NULL)) != 0 ||
        (rc = objective(c, w, id, dept, "Improve customer satisfaction", ref2, "", 0,
                        "Contributes to the company's customer love (flexible model).",
                        &satisfaction)) != 0 ||
        (rc = key_result(c, w, id, satisfaction, "Reduce response time from 72 h to 24 h", 72, 24,
                         "h", NULL)) != 0)
        return rc;
    return 0;
}
