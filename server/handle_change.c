/* Changes to the cascade: checked and applied at once in memory, then made
 * durable with the loop turn's batch, which acknowledges and broadcasts. */
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "handlers.h"
#include "server.h"
#include "store.h"

static int user_exists(void *ctx, const char *name)
{
    struct store_user u;
    return store_user_by_name(ctx, name, &u) == 0;
}

/* Every change request names its workshop in field 1. */
static const char *workshop_of(const WireFrame *f)
{
    switch (f->body_case) {
    case CASCADE__V1__FRAME__BODY_TEAM_ADD: return f->team_add->workshop;
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD: return f->objective_add->workshop;
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT: return f->objective_edit->workshop;
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE: return f->objective_remove->workshop;
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD: return f->key_result_add->workshop;
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT: return f->key_result_edit->workshop;
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE: return f->key_result_remove->workshop;
    case CASCADE__V1__FRAME__BODY_CHECK_IN: return f->check_in->workshop;
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK: return f->objective_check->workshop;
    case CASCADE__V1__FRAME__BODY_INITIATIVE_ADD: return f->initiative_add->workshop;
    case CASCADE__V1__FRAME__BODY_INITIATIVE_DONE: return f->initiative_done->workshop;
    case CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD: return f->dependency_add->workshop;
    case CASCADE__V1__FRAME__BODY_COMMENT_ADD: return f->comment_add->workshop;
    default: return "";
    }
}

/* Whether the request adds an entity to the workshop. */
static int creates_entity(const WireFrame *f)
{
    switch (f->body_case) {
    case CASCADE__V1__FRAME__BODY_TEAM_ADD:
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD:
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD:
    case CASCADE__V1__FRAME__BODY_INITIATIVE_ADD:
    case CASCADE__V1__FRAME__BODY_COMMENT_ADD:
        return 1;
    default:
        return 0;
    }
}

/* Teams, objectives, key results, initiatives and comments: what
 * --max-entities bounds, so one workshop cannot take the server's memory. */
static size_t entity_count(const struct okr_state *st)
{
    return st->nteams + st->nobjectives + st->nkey_results + st->ninitiatives + st->ncomments;
}

void handle_change(struct conn *c, const WireFrame *f)
{
    struct server *s = c->server;
    struct workshop *w = workshop_for_request(c, f, workshop_of(f));
    if (w == NULL)
        return;
    if (creates_entity(f) && entity_count(&w->state) >= s->cfg.max_entities) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Workshop %s holds %zu teams, objectives, key results, initiatives and "
                 "comments, its limit (--max-entities).",
                 w->code, s->cfg.max_entities);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
        return;
    }
    /* Room in the batch first: once applied, a change must not be dropped. */
    if (batch_reserve(&s->batch) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server is out of memory.");
        return;
    }
    struct apply_ctx ctx = {w->code, c->user, server_now_ms(), user_exists, s->store,
                            &s->cfg.text_limits};
    struct apply_result r;
    int rc = apply_request(&w->state, &ctx, f, &r);
    if (rc != 0) {
        if (r.code == CASCADE__V1__ERROR_CODE__CONFLICT && r.ack.len > 0)
            conn_send_packed(c, r.ack.data, r.ack.len); /* the Error with its Conflict */
        else
            conn_send_error(c, f->request_id, r.code, r.message);
        /* A failure after the state changed (out of memory while packing)
         * leaves memory ahead of the log: fall back to what is durable. */
        if (r.seq != 0 && w->pending == 0)
            workshop_reload(&s->registry, w);
        apply_result_free(&r);
        return;
    }
    batch_add(&s->batch, w, c, f->request_id, c->user, ctx.now_ms, &r);
}
