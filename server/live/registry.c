#include "registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "cadence_timer.h"
#include "clock.h"
#include "crypto.h"
#include "errors.h"
#include "log.h"
#include "round.h"
#include "rounds.h"
#include "store.h"
#include "wire.h"

struct load_ctx {
    struct registry *r;
    struct workshop *w;
};

static int load_participant(void *vctx, const struct store_participant *p)
{
    struct load_ctx *ctx = vctx;
    struct store_user u;
    int rc = store_user_by_id(ctx->r->store, p->user_id, &u);
    if (rc == 0)
        rc = workshop_set_participant(ctx->w, p->user_id, u.name, p->role, p->joined_ms);
    if (rc == 0) /* the entry just set: set_participant never reorders */
        for (size_t i = 0; i < ctx->w->nparticipants; i++)
            if (ctx->w->participants[i].user_id == p->user_id)
                ctx->w->participants[i].last_seen_ms = p->last_seen_ms;
    return rc;
}

static int load_team_member(void *vctx, uint32_t team, int64_t user_id)
{
    return workshop_add_team_member(vctx, team, user_id);
}

/* Loads state, participants and team memberships into w. */
static int load_contents(struct registry *r, struct workshop *w)
{
    okr_state_init(&w->state);
    int rc = store_state_load(r->store, w->id, &w->state);
    if (rc != 0)
        return rc;
    w->committed_seq = w->state.seq;
    agenda_free(&w->agenda);
    if ((rc = store_agenda_load(r->store, w->id, &w->agenda)) != 0)
        return rc;
    w->nparticipants = 0;
    w->nteam_members = 0;
    struct load_ctx ctx = {.r = r, .w = w};
    rc = store_participant_each(r->store, w->id, load_participant, &ctx);
    if (rc == 0)
        rc = store_team_member_each(r->store, w->id, load_team_member, w);
    if (rc == 0)
        rc = rounds_load(r->store, w);
    if (rc == 0)
        w->unloaded = 0;
    return rc;
}

/* What an archived workshop keeps in memory: its seq and participants
 * (admin workshops counts them). */
static int load_archived(struct registry *r, struct workshop *w)
{
    okr_state_init(&w->state);
    int rc = store_workshop_last_seq(r->store, w->id, &w->state.seq);
    w->committed_seq = w->state.seq;
    struct load_ctx ctx = {.r = r, .w = w};
    if (rc == 0)
        rc = store_participant_each(r->store, w->id, load_participant, &ctx);
    w->unloaded = 1;
    return rc;
}

void workshop_unload(struct workshop *w)
{
    uint64_t seq = w->state.seq;
    okr_state_free(&w->state);
    okr_state_init(&w->state);
    w->state.seq = seq;
    agenda_free(&w->agenda);
    round_free(w->round);
    w->round = NULL;
    free(w->team_members);
    w->team_members = NULL;
    w->nteam_members = w->cap_team_members = 0;
    w->unloaded = 1;
}

/* Where a workshop of this id is, or would go: the items are kept in id
 * order, so that finding one by id (every notification, every second's
 * comparison of seqs) is a binary search. */
static size_t position_of(const struct registry *r, int64_t id)
{
    size_t lo = 0, hi = r->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->items[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Adds w in its place by id (a new workshop's id is the largest yet: the
 * end; one made on another node a moment ago may fall before it). */
static int append(struct registry *r, struct workshop *w)
{
    int rc = ARRAY_GROW(r->items, r->cap, r->n + 1);
    if (rc != 0)
        return rc;
    size_t at = position_of(r, w->id);
    memmove(&r->items[at + 1], &r->items[at], (r->n - at) * sizeof r->items[0]);
    r->items[at] = w;
    r->n++;
    return 0;
}

/* Loads the workshop of a row into the registry; *out (if not NULL) gets it. */
static int load_workshop_into(struct registry *r, const struct store_workshop *sw,
                              struct workshop **out)
{
    struct workshop *w = calloc(1, sizeof *w);
    if (w == NULL)
        return CAS_ENOMEM;
    w->id = sw->id;
    snprintf(w->code, sizeof w->code, "%.*s", WORKSHOP_CODE_LEN, sw->code);
    snprintf(w->title, sizeof w->title, "%s", sw->title);
    snprintf(w->period, sizeof w->period, "%s", sw->period);
    w->created_ms = sw->created_ms;
    w->observer_comments = sw->observer_comments;
    w->archived_ms = sw->archived_ms;
    snprintf(w->archived_by, sizeof w->archived_by, "%s", sw->archived_by);
    struct store_user u;
    if (store_user_by_id(r->store, sw->created_by, &u) == 0)
        snprintf(w->created_by, sizeof w->created_by, "%s", u.name);
    int rc = cadence_state_load(w, &sw->schedule);
    if (rc == 0)
        rc = sw->archived_ms != 0 ? load_archived(r, w) : load_contents(r, w);
    /* A step that was running when the server stopped goes on with the
     * time it had left at the last checkpoint (at a graceful stop, the
     * moment of stopping): the time the server was down does not count. */
    if (rc == 0 && w->agenda.state == AGENDA_RUNNING)
        w->agenda.resumed_ms = clock_now_ms();
    if (rc == 0)
        rc = append(r, w);
    if (rc != 0) {
        workshop_free(w);
        return rc;
    }
    if (out != NULL)
        *out = w;
    return 0;
}

static int load_workshop(void *vctx, const struct store_workshop *sw)
{
    return load_workshop_into(vctx, sw, NULL);
}

int registry_load(struct registry *r, struct store *store, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->store = store;
    r->shared = store_shared(store);
    int rc = store_workshop_each(store, load_workshop, r);
    if (rc != 0) {
        cas_errorf(err, errlen, "Cannot load the workshops from the database: %s.",
                   cas_strerror(rc));
        registry_free(r);
    }
    return rc;
}

void registry_free(struct registry *r)
{
    for (size_t i = 0; i < r->n; i++)
        workshop_free(r->items[i]);
    free(r->items);
    r->items = NULL;
    r->n = r->cap = 0;
}

void registry_remove(struct registry *r, struct workshop *w)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i] == w) {
            memmove(&r->items[i], &r->items[i + 1], (r->n - i - 1) * sizeof r->items[0]);
            r->n--;
            workshop_free(w);
            return;
        }
}

struct workshop *registry_find(struct registry *r, const char *code)
{
    char norm[WORKSHOP_CODE_LEN + 1];
    if (workshop_code_normalize(code, norm) != 0)
        return NULL;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->items[i]->code, norm) == 0)
            return r->items[i];
    struct store_workshop sw;
    if (!r->shared || store_workshop_by_code(r->store, norm, &sw) != 0)
        return NULL;
    /* Made on another node (or given a new code there) a moment ago. */
    struct workshop *known = registry_find_id(r, sw.id);
    if (known != NULL)
        return workshop_refresh_row(r, known) == 0 ? known : NULL;
    struct workshop *w = NULL;
    return registry_add_row(r, &sw, &w) == 0 ? w : NULL;
}

struct workshop *registry_find_id(struct registry *r, int64_t id)
{
    size_t at = position_of(r, id);
    if (at < r->n && r->items[at]->id == id)
        return r->items[at];
    struct store_workshop sw;
    struct workshop *w = NULL;
    if (!r->shared || store_workshop_by_id(r->store, id, &sw) != 0)
        return NULL;
    return registry_add_row(r, &sw, &w) == 0 ? w : NULL;
}

int registry_add_row(struct registry *r, const struct store_workshop *sw, struct workshop **out)
{
    return load_workshop_into(r, sw, out);
}

int workshop_refresh_row(struct registry *r, struct workshop *w)
{
    struct store_workshop sw;
    int rc = store_workshop_by_id(r->store, w->id, &sw);
    if (rc != 0)
        return rc;
    snprintf(w->code, sizeof w->code, "%.*s", WORKSHOP_CODE_LEN, sw.code);
    snprintf(w->title, sizeof w->title, "%s", sw.title);
    w->observer_comments = sw.observer_comments;
    w->archived_ms = sw.archived_ms;
    snprintf(w->archived_by, sizeof w->archived_by, "%s", sw.archived_by);
    return 0;
}

int registry_create(struct registry *r, const char *title, const char *period,
                    int64_t creator_id, const char *creator, int64_t now_ms,
                    struct workshop **out)
{
    struct store_workshop sw;
    memset(&sw, 0, sizeof sw);
    snprintf(sw.title, sizeof sw.title, "%s", title);
    snprintf(sw.period, sizeof sw.period, "%s", period);
    sw.created_by = creator_id;
    sw.created_ms = now_ms;
    int rc = CAS_EEXIST;
    /* 31^10 codes: a clash is rare, and another draw settles it. */
    for (int attempt = 0; attempt < 16 && rc == CAS_EEXIST; attempt++) {
        if ((rc = crypto_random_readable(sw.code, WORKSHOP_CODE_LEN)) != 0)
            return rc;
        rc = store_workshop_add(r->store, &sw, &sw.id);
    }
    if (rc != 0)
        return rc;
    struct workshop *w = calloc(1, sizeof *w);
    if (w == NULL)
        return CAS_ENOMEM;
    w->id = sw.id;
    memcpy(w->code, sw.code, sizeof w->code);
    snprintf(w->title, sizeof w->title, "%s", title);
    snprintf(w->period, sizeof w->period, "%s", period);
    snprintf(w->created_by, sizeof w->created_by, "%s", creator);
    w->created_ms = now_ms;
    okr_state_init(&w->state);
    if ((rc = cadence_state_load(w, NULL)) != 0 || (rc = append(r, w)) != 0) {
        workshop_free(w);
        return rc;
    }
    /* A period that reads as one gets its dates; any other text stays a
     * free title. */
    struct workshop_cadence *c = w->cadence;
    if (cadence_period_parse(period, &c->sched.from, &c->sched.to, NULL, 0) == 0) {
        c->has_dates = 1;
        cadence_state_refresh(c);
        struct store_schedule sc;
        cadence_state_store(w, &sc);
        if ((rc = store_workshop_set_schedule(r->store, w->id, w->period, &sc)) != 0)
            return rc;
    }
    /* The creator facilitates from the start: the workshop's first row,
     * not an event (its log begins with its first change). */
    if ((rc = store_participant_set(r->store, w->id, creator_id, CASCADE__V1__ROLE__FACILITATOR,
                                    now_ms)) != 0 ||
        (rc = workshop_set_participant(w, creator_id, creator, CASCADE__V1__ROLE__FACILITATOR,
                                       now_ms)) != 0)
        return rc;
    *out = w;
    return 0;
}

int registry_create_filled(struct registry *r, const char *title, const char *period,
                           int64_t creator_id, int64_t now_ms,
                           int (*fill)(void *arg, struct store *st, int64_t id, const char *code),
                           void *arg, struct workshop **out)
{
    struct store_workshop sw;
    memset(&sw, 0, sizeof sw);
    snprintf(sw.title, sizeof sw.title, "%s", title);
    snprintf(sw.period, sizeof sw.period, "%s", period);
    sw.created_by = creator_id;
    sw.created_ms = now_ms;
    int rc = store_begin(r->store);
    if (rc != 0)
        return rc;
    rc = CAS_EEXIST;
    /* On SQLite a clashing code fails its statement only, not the
     * transaction; on PostgreSQL it ends the transaction, and the workshop
     * is not made (at odds of one in 8 x 10^14 for a fresh code). */
    for (int attempt = 0; attempt < 16 && rc == CAS_EEXIST; attempt++) {
        if ((rc = crypto_random_readable(sw.code, WORKSHOP_CODE_LEN)) != 0)
            break;
        rc = store_workshop_add(r->store, &sw, &sw.id);
    }
    if (rc == 0)
        rc = fill(arg, r->store, sw.id, sw.code);
    if (rc == 0)
        rc = store_commit(r->store);
    if (rc != 0) {
        store_rollback(r->store);
        return rc;
    }
    /* Saved, so it is there at the next start even if it cannot be served
     * now; the caller is told the server is short of memory, not that
     * nothing was made. */
    if ((rc = load_workshop_into(r, &sw, out)) != 0) {
        log_error("workshop %.*s was saved but cannot be loaded now: %s", WORKSHOP_CODE_LEN,
                  sw.code, cas_strerror(rc));
        return CAS_ENOMEM;
    }
    return 0;
}

int workshop_reload(struct registry *r, struct workshop *w)
{
    okr_state_free(&w->state);
    free(w->participants);
    w->participants = NULL;
    w->cap_participants = 0;
    free(w->team_members);
    w->team_members = NULL;
    w->cap_team_members = 0;
    w->pending = 0;
    /* The cadence too: how far it had run may have been in the batch. */
    struct store_schedule sc;
    int rc = store_workshop_schedule(r->store, w->id, w->period, &sc);
    if (rc == 0)
        rc = cadence_state_load(w, &sc);
    if (rc == 0)
        rc = load_contents(r, w);
    if (rc != 0)
        log_error("cannot reload workshop %s after a failed commit: %s", w->code, cas_strerror(rc));
    return rc;
}
