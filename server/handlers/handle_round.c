/* Blind confidence rounds: starting one, submitting a value, asking how it
 * stands, revealing it. The rules and the secrecy are apply/round.h's;
 * this file puts each step into the batch like any change (an event with
 * the workshop's next seq, answered after the commit), saving it with
 * live/rounds.h. Values are never logged here: the log is read by the
 * server's operators, who see no more than anyone else before a reveal. */
#include <stdio.h>
#include <stdlib.h>

#include "apply.h"
#include "clock.h"
#include "conn.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "registry.h"
#include "round.h"
#include "workshop.h"

static struct apply_ctx round_ctx(struct conn *c, const struct workshop *w)
{
    return (struct apply_ctx){
        .workshop = w->code,
        .actor = c->user,
        .now_ms = clock_now_ms(),
        .limits = &c->live->cfg.text_limits,
    };
}

void handle_round_start(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    if (batch_reserve(&l->batch) != 0) {
        conn_send_no_memory(c, f->request_id, "nothing changed");
        return;
    }
    struct apply_ctx ctx = round_ctx(c, w);
    struct apply_result r;
    if (round_start(w, &ctx, f, &r) != 0) {
        conn_send_error(c, f->request_id, r.code, r.message);
        apply_result_free(&r);
        return;
    }
    struct people_change change = {.op = PEOPLE_ROUND_START, .round = w->round->number};
    batch_add_people(&l->batch, w, c, f->request_id, c->user, ctx.now_ms, &r, &change);
    log_info("'%s' opened confidence round %u of workshop %s over %zu key results", c->user,
             w->round->number, w->code, w->round->nkey_results);
}

void handle_round_submit(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    if (batch_reserve(&l->batch) != 0) {
        conn_send_no_memory(c, f->request_id, "nothing changed");
        return;
    }
    struct apply_ctx ctx = round_ctx(c, w);
    struct apply_result r;
    int replaced;
    if (round_submit(w, &ctx, f, &r, &replaced) != 0) {
        conn_send_error(c, f->request_id, r.code, r.message);
        apply_result_free(&r);
        return;
    }
    struct people_change change = {
        .op = PEOPLE_ROUND_SUBMIT,
        .round = w->round->number,
        .confidence = f->round_submit->confidence,
    };
    /* round_submit resolved it already. */
    okr_id_parse(f->round_submit->key_result, OKR_KEY_RESULT, &change.key_result);
    batch_add_people(&l->batch, w, c, f->request_id, c->user, ctx.now_ms, &r, &change);
}

/* Answers with the round as it is durable, for the asker (arg unused). */
static void answer_round_status(struct conn *c, struct workshop *w, uint64_t request_id,
                                const char *arg)
{
    (void)arg;
    struct buf out = {0};
    if (round_status_pack(w, c->user, request_id, &out) != 0)
        conn_send_no_memory(c, request_id, NULL);
    else
        conn_send_packed(c, out.data, out.len);
    buf_free(&out);
}

void handle_round_status(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    /* Like a snapshot, the status shows only what is durable. */
    if (w->pending > 0) {
        if (batch_add_read(&c->live->batch, w, c, f->request_id, answer_round_status, NULL) != 0)
            conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    answer_round_status(c, w, f->request_id, NULL);
}

void handle_round_reveal(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    /* The reveal and each check-in it makes must all fit once applied. */
    if (batch_reserve_more(&l->batch, round_reveal_results_max(w)) != 0) {
        conn_send_no_memory(c, f->request_id, "nothing changed");
        return;
    }
    struct apply_ctx ctx = round_ctx(c, w);
    struct apply_result *results, err;
    size_t n;
    if (round_reveal(w, &ctx, f, &results, &n, &err) != 0) {
        conn_send_error(c, f->request_id, err.code, err.message);
        /* Memory ahead of the log (out of memory half-way): fall back to
         * what is durable, as handle_change does. */
        if (err.seq != 0 && w->pending == 0)
            workshop_reload(&l->registry, w);
        apply_result_free(&err);
        return;
    }
    struct people_change change = {
        .op = PEOPLE_ROUND_REVEAL,
        .round = w->round->number,
        .value = w->round->applied,
    };
    batch_add_people(&l->batch, w, c, f->request_id, c->user, ctx.now_ms, &results[0], &change);
    /* The check-ins answer nobody: the reveal's reply answers the request. */
    for (size_t i = 1; i < n; i++)
        batch_add(&l->batch, w, NULL, 0, c->user, ctx.now_ms, &results[i]);
    free(results);
    log_info("'%s' revealed confidence round %u of workshop %s%s", c->user, w->round->number,
             w->code, n > 1 ? " and checked in its medians" : "");
}
