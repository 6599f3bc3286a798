#include "rounds.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "round.h"
#include "store.h"
#include "workshop.h"

int rounds_save(struct store *st, const struct batch_item *it)
{
    const struct people_change *p = &it->people;
    int64_t wid = it->workshop->id;
    switch (p->op) {
    case PEOPLE_ROUND_START: {
        struct store_round r = {
            .number = p->round,
            .open = 1,
            .started_ms = it->time_ms,
            .started_seq = it->result.seq,
        };
        snprintf(r.started_by, sizeof r.started_by, "%s", it->actor);
        uint32_t *krs = calloc(it->result.nalso + 1, sizeof *krs);
        if (krs == NULL)
            return CAS_ENOMEM;
        for (size_t i = 0; i < it->result.nalso; i++)
            krs[i] = it->result.also[i].num;
        int rc = store_round_add(st, wid, &r, krs, it->result.nalso);
        free(krs);
        return rc;
    }
    case PEOPLE_ROUND_SUBMIT:
        return store_round_submit(st, wid, p->round, p->key_result, it->actor, p->confidence,
                                  it->time_ms);
    case PEOPLE_ROUND_REVEAL:
        return store_round_reveal(st, wid, p->round, p->value, it->actor, it->time_ms,
                                  it->result.seq);
    default:
        return 0;
    }
}

static int load_key_result(void *ctx, uint32_t key_result)
{
    struct round *r = ctx;
    size_t cap = r->nkey_results;
    /* Loaded once per workshop at start: growing one at a time is fine. */
    uint32_t *grown = realloc(r->key_results, (cap + 1) * sizeof *grown);
    if (grown == NULL)
        return CAS_ENOMEM;
    r->key_results = grown;
    r->key_results[r->nkey_results++] = key_result;
    return 0;
}

static int load_submission(void *ctx, uint32_t key_result, const char *user, double confidence)
{
    return round_put(ctx, key_result, user, confidence);
}

int rounds_load(struct store *st, struct workshop *w)
{
    round_free(w->round);
    w->round = NULL;
    struct store_round sr;
    int rc = store_round_latest(st, w->id, &sr);
    if (rc == CAS_ENOTFOUND)
        return 0;
    if (rc != 0)
        return rc;
    struct round *r = calloc(1, sizeof *r);
    if (r == NULL)
        return CAS_ENOMEM;
    r->number = sr.number;
    r->open = sr.open;
    r->applied = sr.applied;
    snprintf(r->started_by, sizeof r->started_by, "%s", sr.started_by);
    r->started_ms = sr.started_ms;
    r->started_seq = sr.started_seq;
    snprintf(r->revealed_by, sizeof r->revealed_by, "%s", sr.revealed_by);
    r->revealed_ms = sr.revealed_ms;
    r->revealed_seq = sr.revealed_seq;
    rc = store_round_key_result_each(st, w->id, r->number, load_key_result, r);
    if (rc == 0)
        rc = store_round_submission_each(st, w->id, r->number, load_submission, r);
    if (rc != 0) {
        round_free(r);
        return rc;
    }
    w->round = r;
    return 0;
}
