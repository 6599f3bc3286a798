#include "batch.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "array.h"
#include "cadence_timer.h"
#include "conn.h"
#include "counters.h"
#include "errors.h"
#include "frame.h"
#include "ideas.h"
#include "live.h"
#include "log.h"
#include "rounds.h"
#include "store.h"

/* A commit this slow is logged (see batch_commit). */
#define SLOW_COMMIT_MS 50

int batch_reserve(struct batch *b)
{
    return ARRAY_GROW(b->items, b->cap, b->n + 1);
}

int batch_reserve_more(struct batch *b, size_t more)
{
    return ARRAY_GROW(b->items, b->cap, b->n + more);
}

void batch_add(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
               const char *actor, int64_t time_ms, struct apply_result *result)
{
    assert(b->n < b->cap); /* batch_reserve made room before the change was applied */
    struct batch_item *it = &b->items[b->n++];
    memset(it, 0, sizeof *it);
    it->workshop = w;
    it->conn = c;
    it->request_id = request_id;
    snprintf(it->actor, sizeof it->actor, "%s", actor);
    it->time_ms = time_ms;
    it->result = *result;
    memset(result, 0, sizeof *result);
    w->pending++;
}

void batch_add_people(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
                      const char *actor, int64_t time_ms, struct apply_result *result,
                      const struct people_change *change)
{
    batch_add(b, w, c, request_id, actor, time_ms, result);
    b->items[b->n - 1].people = *change;
}

void batch_add_agenda(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
                      const char *actor, int64_t time_ms, struct apply_result *result)
{
    batch_add(b, w, c, request_id, actor, time_ms, result);
    b->items[b->n - 1].agenda = 1;
}

int batch_add_read(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
                   void (*answer)(struct conn *c, struct workshop *w, uint64_t request_id,
                                  const char *arg),
                   const char *arg)
{
    int rc = ARRAY_GROW(b->reads, b->cap_reads, b->nreads + 1);
    if (rc != 0)
        return rc;
    struct batch_read *r = &b->reads[b->nreads++];
    memset(r, 0, sizeof *r);
    r->workshop = w;
    r->conn = c;
    r->request_id = request_id;
    r->answer = answer;
    snprintf(r->arg, sizeof r->arg, "%s", arg != NULL ? arg : "");
    return 0;
}

int batch_pending(const struct batch *b)
{
    return b->n > 0 || b->nreads > 0;
}

/* Writes one entity's row as the state holds it now, or deletes it. Saved
 * state is the latest: a later change in the batch may already have removed
 * what an earlier one added. */
static int save_one(struct store *st, const struct workshop *w, enum okr_kind kind, uint32_t num)
{
    const struct okr_state *s = &w->state;
    int64_t wid = w->id;
    int rc = 0;
    switch (kind) {
    case OKR_TEAM: {
        const struct okr_team *t = okr_team_find(s, num);
        rc = t != NULL ? store_team_save(st, wid, t) : store_team_delete(st, wid, num);
        break;
    }
    case OKR_OBJECTIVE: {
        const struct okr_objective *o = okr_objective_find(s, num);
        rc = o != NULL ? store_objective_save(st, wid, o) : store_objective_delete(st, wid, num);
        break;
    }
    case OKR_KEY_RESULT: {
        const struct okr_key_result *k = okr_key_result_find(s, num);
        rc = k != NULL ? store_key_result_save(st, wid, k) : store_key_result_delete(st, wid, num);
        break;
    }
    case OKR_INITIATIVE: {
        const struct okr_initiative *i = okr_initiative_find(s, num);
        if (i != NULL)
            rc = store_initiative_save(st, wid, i);
        break;
    }
    case OKR_COMMENT: {
        const struct okr_comment *c = okr_comment_find(s, num);
        rc = c != NULL ? store_comment_save(st, wid, c) : store_comment_delete(st, wid, num);
        break;
    }
    case OKR_IDEA: {
        const struct okr_idea *i = okr_idea_find(s, num);
        if (i != NULL)
            rc = store_idea_save(st, wid, i);
        break;
    }
    case OKR_VOTE:
        rc = store_vote_save(st, wid, &s->vote);
        break;
    }
    return rc == CAS_ENOTFOUND ? 0 : rc;
}

/* Writes the entity rows the change left behind (or deletes them). */
static int save_entity(struct store *st, const struct batch_item *it)
{
    const struct apply_result *r = &it->result;
    int rc = save_one(st, it->workshop, r->kind, r->num);
    for (size_t i = 0; rc == 0 && i < r->nalso; i++)
        rc = save_one(st, it->workshop, r->also[i].kind, r->also[i].num);
    /* A close or a reopen: whether the workshop is closed, and its fixed
     * grades, as the state holds them now. */
    if (rc == 0 && r->closing)
        rc = store_closing_save(st, it->workshop->id, &it->workshop->state);
    /* A ballot is one person's dots on one idea, as the state holds them now;
     * a new vote clears them all first. */
    if (rc == 0 && r->ballots_cleared)
        rc = store_ballots_delete(st, it->workshop->id);
    if (rc == 0 && r->ballot_idea != 0)
        rc = store_ballot_save(st, it->workshop->id, r->ballot_voter, r->ballot_idea,
                               okr_ballot_count(&it->workshop->state, r->ballot_voter,
                                                r->ballot_idea, 0));
    /* A dependency has no id of its own; it rides on its key result. */
    if (rc == 0 && r->dependency.key_result != 0 &&
        okr_key_result_find(&it->workshop->state, r->dependency.key_result) != NULL &&
        okr_dependency_exists(&it->workshop->state, r->dependency.key_result,
                              r->dependency.depends_on))
        rc = store_dependency_save(st, it->workshop->id, &r->dependency);
    return rc;
}

/* Writes a change to who takes part. */
static int save_people(struct store *st, const struct batch_item *it)
{
    const struct people_change *p = &it->people;
    int64_t wid = it->workshop->id;
    int rc = 0;
    switch (p->op) {
    case PEOPLE_SET_ROLE:
        rc = store_participant_set(st, wid, p->user_id, p->role, it->time_ms);
        if (rc == 0 && p->team != 0)
            rc = store_team_member_add(st, wid, p->team, p->user_id);
        break;
    case PEOPLE_ADD_TO_TEAM:
        rc = store_team_member_add(st, wid, p->team, p->user_id);
        break;
    case PEOPLE_REMOVE:
        rc = store_participant_drop(st, wid, p->user_id, it->time_ms);
        break;
    case PEOPLE_REMOVE_FROM_TEAM:
        rc = store_team_member_remove(st, wid, p->team, p->user_id);
        break;
    case PEOPLE_SET_OBSERVER_COMMENTS:
        rc = store_workshop_set_observer_comments(st, wid, p->value);
        break;
    case PEOPLE_ROUND_START:
    case PEOPLE_ROUND_SUBMIT:
    case PEOPLE_ROUND_REVEAL:
        rc = rounds_save(st, it);
        break;
    case PEOPLE_SET_SCHEDULE: {
        struct store_schedule sc;
        cadence_state_store(it->workshop, &sc);
        rc = store_workshop_set_schedule(st, wid, it->workshop->period, &sc);
        break;
    }
    case PEOPLE_CADENCE_DONE:
        rc = store_workshop_set_cadence_done(st, wid, p->when_ms);
        break;
    case PEOPLE_NOTE:
    case PEOPLE_NONE:
        break;
    }
    if (rc == 0 && p->invite[0] != '\0')
        rc = store_invite_used(st, p->invite);
    return rc;
}

/* With other nodes on the database: a workshop this batch writes is locked
 * by now (claimed, or here), and its seq in the database is the one this
 * node last committed; else the batch fails rather than write a seq twice. */
static int check_claims(struct live *l, struct store *st, struct batch *b)
{
    for (size_t i = 0; i < b->n; i++) {
        struct workshop *w = b->items[i].workshop;
        if (cluster_holds(l, w))
            continue;
        uint64_t seq = 0;
        int rc = store_workshop_lock(st, w->id, &seq);
        if (rc != 0)
            return rc;
        w->claimed_in = l->cluster.txn;
        if (seq != w->committed_seq) {
            log_error("workshop %s changed on another node under this node's changes", w->code);
            return CAS_ESTORAGE;
        }
    }
    return 0;
}

static int write_batch(struct live *l, struct batch *b)
{
    struct store *st = cluster_batch_store(l);
    int rc = cluster_batch_begin(l);
    if (rc == 0 && cluster_shared(l))
        rc = check_claims(l, st, b);
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        const struct batch_item *it = &b->items[i];
        char entity[OKR_NAME_MAX + 1];
        /* The subject: a user's name, a team, a step, or a change to many
         * ("ideas"). */
        if (it->people.op != PEOPLE_NONE || it->agenda || it->result.subject[0] != '\0')
            snprintf(entity, sizeof entity, "%s", it->result.subject);
        else
            okr_id_format(it->result.kind, it->result.num, entity, sizeof entity);
        /* The log keeps the Frame as subscribers receive it, minus the header. */
        rc = store_event_append(st, it->workshop->id, it->result.seq, it->actor, it->time_ms,
                                it->result.type, entity, it->result.event.data + FRAME_HEADER_LEN,
                                it->result.event.len - FRAME_HEADER_LEN);
        if (rc == 0 && it->agenda) {
            /* Once per workshop and batch: the agenda is written whole. */
            if (it->workshop->agenda_saved_in != b->commits + 1) {
                it->workshop->agenda_saved_in = b->commits + 1;
                rc = store_agenda_save(st, it->workshop->id, &it->workshop->agenda);
            }
        } else if (rc == 0) {
            rc = it->people.op != PEOPLE_NONE ? save_people(st, it) : save_entity(st, it);
        }
    }
    /* Once per workshop is enough: its items share one state. The mark
     * is this batch's number, so nothing needs clearing afterwards (a
     * pairwise search for each workshop's last item cost 4% of the server's
     * time at 1,300 items per commit). */
    uint64_t batch_number = ++b->commits;
    for (size_t i = 0; rc == 0 && i < b->n; i++) {
        struct workshop *w = b->items[i].workshop;
        if (w->counters_saved_in == batch_number)
            continue;
        w->counters_saved_in = batch_number;
        rc = store_counters_save(st, w->id, &w->state);
        /* The other nodes hear of it at the commit, not before. */
        if (rc == 0)
            rc = store_workshop_notify(st, w->id, w->state.seq);
    }
    if (rc == 0)
        rc = store_commit(st);
    if (rc != 0)
        store_rollback(st);
    cluster_batch_ended(l);
    return rc;
}

/* A transaction the claims opened with nothing to write (the changes were
 * refused): ending it lets the other nodes write those workshops. */
static void end_empty(struct live *l)
{
    struct store *st = cluster_batch_store(l);
    if (store_commit(st) != 0)
        store_rollback(st);
    cluster_batch_ended(l);
}

static void broadcast(struct workshop *w, const struct buf *event)
{
    /* One encoding for every subscriber; each connection encrypts its copy. */
    for (size_t i = 0; i < w->nsubscribers; i++)
        conn_send_packed(w->subscribers[i], event->data, event->len);
    counters_add(&COUNTERS.deliveries, w->nsubscribers);
}

void batch_commit(struct live *l)
{
    struct batch *b = &l->batch;
    if (b->n > 0) {
        /* The commit runs on the loop: fsync takes well under a millisecond
         * on a local SSD (0.37 ms median measured here), and doing it here
         * keeps the order of acks and broadcasts trivially right. A disk
         * slow enough to stall everyone is worth telling the operator. */
        uint64_t started = uv_hrtime();
        int rc = write_batch(l, b);
        uint64_t took_ns = uv_hrtime() - started, took_ms = took_ns / 1000000;
        counters_commit(took_ns);
        recent_add(&l->vitals.commits, took_ns);
        if (rc == 0)
            counters_add(&COUNTERS.events, b->n);
        if (took_ms >= SLOW_COMMIT_MS)
            log_warn("a commit of %zu changes took %llu ms, stalling every client meanwhile; "
                     "check the disk, or run with --sync normal",
                     b->n, (unsigned long long)took_ms);
        for (size_t i = 0; i < b->n; i++) {
            struct batch_item *it = &b->items[i];
            if (rc == 0) {
                it->workshop->committed_seq = it->result.seq;
                it->workshop->pending--;
                if (it->conn != NULL)
                    conn_send_packed(it->conn, it->result.ack.data, it->result.ack.len);
                broadcast(it->workshop, &it->result.event);
            } else if (it->conn != NULL) {
                conn_send_error(it->conn, it->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                                "The server could not save the change; it did not happen. "
                                "Try again later.");
            }
        }
        if (rc != 0) {
            log_error("a commit of %zu changes failed: %s; reloading their workshops", b->n,
                      cas_strerror(rc));
            for (size_t i = 0; i < b->n; i++) {
                struct workshop *w = b->items[i].workshop;
                if (w->pending == 0)
                    continue;
                if (cluster_shared(l)) {
                    w->pending = 0; /* forgotten: what the database holds is the truth */
                    cluster_catch_up(l, w);
                } else {
                    workshop_reload(&l->registry, w);
                }
            }
        }
        for (size_t i = 0; i < b->n; i++)
            apply_result_free(&b->items[i].result);
        b->n = 0;
    } else if (cluster_batch_open(l)) {
        end_empty(l);
    }
    for (size_t i = 0; i < b->nreads; i++) {
        struct batch_read *r = &b->reads[i];
        if (r->conn != NULL)
            r->answer(r->conn, r->workshop, r->request_id, r->arg);
    }
    b->nreads = 0;
}

void batch_forget_conn(struct batch *b, struct conn *c)
{
    for (size_t i = 0; i < b->n; i++)
        if (b->items[i].conn == c)
            b->items[i].conn = NULL;
    for (size_t i = 0; i < b->nreads; i++)
        if (b->reads[i].conn == c)
            b->reads[i].conn = NULL;
}

void batch_free(struct batch *b)
{
    for (size_t i = 0; i < b->n; i++)
        apply_result_free(&b->items[i].result);
    free(b->items);
    free(b->reads);
    memset(b, 0, sizeof *b);
}
