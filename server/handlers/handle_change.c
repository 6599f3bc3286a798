/* Changes to the cascade: checked and applied at once in memory, then made
 * durable with the loop turn's batch, which acknowledges and broadcasts. */
#include <stdio.h>

#include "apply.h"
#include "handlers.h"
#include "requests.h"
#include "clock.h"
#include "conn.h"
#include "live.h"
#include "store.h"

int handlers_user_exists(void *store, const char *name)
{
    struct store_user u;
    return store_user_by_name(store, name, &u) == 0;
}

size_t handlers_entity_count(const struct okr_state *st)
{
    return st->nteams + st->nobjectives + st->nkey_results + st->ninitiatives +
           st->ndependencies + st->ncomments + st->nideas;
}

void handle_change(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    if (request_rule(f->body_case)->creates && handlers_entity_count(&w->state) >= l->cfg.max_entities) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Workshop %s holds %zu teams, objectives, key results, initiatives, "
                 "dependencies and comments, its limit (--max-entities).",
                 w->code, l->cfg.max_entities);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
        return;
    }
    /* Room in the batch first: once applied, a change must not be dropped. */
    if (batch_reserve(&l->batch) != 0) {
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    struct apply_ctx ctx = {
        .workshop = w->code,
        .actor = c->user,
        .now_ms = clock_now_ms(),
        .user_exists = handlers_user_exists,
        .user_ctx = l->store,
        .limits = &l->cfg.text_limits,
    };
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
            workshop_reload(&l->registry, w);
        apply_result_free(&r);
        return;
    }
    /* An anonymous idea is logged with no actor: its author is kept nowhere. */
    batch_add(&l->batch, w, c, f->request_id, r.anonymous ? "" : c->user, ctx.now_ms, &r);
}
