/* cascade workshop next: a new workshop for the next period, made from one
 * the caller facilitates. The new state is worked out from the source's
 * durable state (common/carry.c), then the workshop's row, its people, its entities and
 * its first events are written in one transaction (registry_create_filled):
 * all or nothing. The source is only read, so it may be closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "carry.h"
#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "frame.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "registry.h"
#include "store.h"

/* At most this many objectives may be named (more than a workshop holds
 * is a mistake, not a request). */
#define NEXT_OBJECTIVES_MAX 1000

struct next_fill {
    const struct workshop *src;
    struct okr_state *dst;
    const struct carry_notes *notes;
    int64_t creator_id;
    const char *creator;
    int64_t now_ms;
    struct store *st;
    int64_t id;
    size_t people; /* participants of the new workshop */
};

static int emit_event(void *arg, uint64_t seq, const char *type, const char *entity,
                      const struct buf *event)
{
    struct next_fill *nf = arg;
    /* The log keeps the Frame as subscribers receive it, minus the header
     * (as live/batch.c writes it). */
    return store_event_append(nf->st, nf->id, seq, nf->creator, nf->now_ms, type, entity,
                              event->data + FRAME_HEADER_LEN, event->len - FRAME_HEADER_LEN);
}

static int copy_participant(void *arg, const struct store_participant *p)
{
    struct next_fill *nf = arg;
    if (p->role == 0)
        return 0; /* removed from the source */
    nf->people += p->user_id != nf->creator_id;
    return store_participant_set(nf->st, nf->id, p->user_id, p->role, nf->now_ms);
}

static int copy_team_member(void *arg, uint32_t team, int64_t user_id)
{
    struct next_fill *nf = arg;
    int rc = store_team_member_add(nf->st, nf->id, team, user_id);
    /* Named on the new state's team too, for its team.add event to carry
     * (apply_carry_events), so that its history rebuilds the members. */
    struct okr_team *t = okr_team_find(nf->dst, team);
    const struct participant *p = workshop_participant(nf->src, user_id);
    if (rc != 0 || t == NULL || p == NULL)
        return rc;
    char **grown = realloc(t->members, (t->nmembers + 1) * sizeof *grown);
    if (grown == NULL)
        return CAS_ENOMEM;
    t->members = grown;
    if ((t->members[t->nmembers] = strdup(p->name)) == NULL)
        return CAS_ENOMEM;
    t->nmembers++;
    return 0;
}

/* The new workshop's people, as the source's rows hold them (what is
 * durable): every participant with their role, the caller as facilitator
 * (the administrator too, who need not have joined), and their team
 * memberships (a removal took those away already); invites stay behind. */
static int fill_people(struct next_fill *nf)
{
    nf->people = 1;
    int rc = store_participant_each(nf->st, nf->src->id, copy_participant, nf);
    if (rc == 0)
        rc = store_participant_set(nf->st, nf->id, nf->creator_id,
                                   CASCADE__V1__ROLE__FACILITATOR, nf->now_ms);
    if (rc == 0)
        rc = store_team_member_each(nf->st, nf->src->id, copy_team_member, nf);
    return rc;
}

static int fill(void *arg, struct store *st, int64_t id, const char *code)
{
    struct next_fill *nf = arg;
    nf->st = st;
    nf->id = id;
    int rc = fill_people(nf);
    const struct okr_state *s = nf->dst;
    for (size_t i = 0; rc == 0 && i < s->nteams; i++)
        rc = store_team_save(st, id, &s->teams[i]);
    for (size_t i = 0; rc == 0 && i < s->nobjectives; i++)
        rc = store_objective_save(st, id, &s->objectives[i]);
    for (size_t i = 0; rc == 0 && i < s->nkey_results; i++)
        rc = store_key_result_save(st, id, &s->key_results[i]);
    if (rc == 0)
        rc = store_counters_save(st, id, s);
    char new_code[WORKSHOP_CODE_LEN + 1];
    snprintf(new_code, sizeof new_code, "%.*s", WORKSHOP_CODE_LEN, code);
    struct apply_ctx ctx = {.workshop = new_code, .actor = nf->creator, .now_ms = nf->now_ms};
    if (rc == 0)
        rc = apply_carry_events(nf->dst, &ctx, nf->src->code, nf->people, nf->notes, emit_event,
                                nf);
    return rc;
}

/* Reads --objectives into nums; 0, or -1 after answering. */
static int parse_objectives(struct conn *c, uint64_t request_id,
                            const Cascade__V1__WorkshopNext *m, uint32_t *nums)
{
    for (size_t i = 0; i < m->n_objectives; i++) {
        if (okr_id_parse(m->objectives[i], OKR_OBJECTIVE, &nums[i]) == 0)
            continue;
        char msg[200], quoted[64];
        okr_text_quote(m->objectives[i], 16, quoted, sizeof quoted);
        snprintf(msg, sizeof msg,
                 "'%s' is not an objective id; objective ids look like O3. Nothing was created.",
                 quoted);
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return -1;
    }
    return 0;
}

/* The request's own limits and shape; 0, or -1 after answering. */
static int check_request(struct conn *c, const WireFrame *f, const struct workshop *src)
{
    const Cascade__V1__WorkshopNext *m = f->workshop_next;
    const struct okr_limits *limits = &c->live->cfg.text_limits;
    char err[256];
    const char *msg = NULL;
    if (m->period[0] == '\0')
        msg = "Give the new period with --period, like 2026-Q4.";
    else if (m->all && m->n_objectives)
        msg = "Name objectives with --objectives or take them all with --all, not both.";
    else if (m->n_objectives > NEXT_OBJECTIVES_MAX)
        msg = "Name at most 1000 objectives, or take them all with --all.";
    else if (okr_text_check(m->period, "period", limits->period, 1, 0, err, sizeof err) != 0 ||
             okr_text_check(m->title[0] ? m->title : src->title, "title", limits->title, 1, 0,
                            err, sizeof err) != 0)
        msg = err;
    if (msg != NULL) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return -1;
    }
    const struct registry *r = &c->live->registry;
    size_t mine = 0;
    for (size_t i = 0; i < r->n; i++)
        mine += strcmp(r->items[i]->created_by, c->user) == 0;
    if (mine >= c->live->cfg.max_workshops_per_user) {
        snprintf(err, sizeof err,
                 "You have created %zu workshops, the limit (--max-workshops-per-user); "
                 "ask an operator to raise it.",
                 c->live->cfg.max_workshops_per_user);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, err);
        return -1;
    }
    return 0;
}

static void answer(struct conn *c, uint64_t request_id, const struct workshop *w,
                   const struct workshop *src, const struct carry_notes *notes)
{
    Cascade__V1__WorkshopInfo info = CASCADE__V1__WORKSHOP_INFO__INIT;
    info.code = (char *)w->code;
    info.title = (char *)w->title;
    info.period = (char *)w->period;
    info.created_by = (char *)w->created_by;
    info.created_ms = w->created_ms;
    info.role = CASCADE__V1__ROLE__FACILITATOR;
    info.last_seq = w->committed_seq;
    info.carried_from = (char *)src->code;
    info.n_dropped = notes->n;
    info.dropped = notes->lines;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_INFO;
    out.workshop_info = &info;
    conn_send(c, &out);
}

void handle_workshop_next(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__WorkshopNext *m = f->workshop_next;
    struct workshop *src = workshop_for_request(c, f);
    if (src == NULL || check_request(c, f, src) != 0)
        return;
    uint32_t *nums = calloc(m->n_objectives + 1, sizeof *nums);
    if (nums == NULL) {
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    if (parse_objectives(c, f->request_id, m, nums) != 0) {
        free(nums);
        return;
    }
    struct carry_choice choice = {.source_code = src->code,
                                  .objectives = nums,
                                  .nobjectives = m->n_objectives,
                                  .all = m->all,
                                  .keep_current = m->keep_current};
    /* What is durable, not what a batch in flight may still lose: the
     * source's rows, read back (once a period, not worth a cache). */
    struct okr_state durable, dst;
    okr_state_init(&durable);
    okr_state_init(&dst);
    struct carry_notes notes = {0};
    char err[300];
    int rc = store_state_load(c->live->store, src->id, &durable);
    if (rc == 0)
        rc = carry_state(&durable, &choice, &dst, &notes, err, sizeof err);
    if (rc == CAS_ENOTFOUND) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, err);
    } else if (rc == CAS_ENOMEM) {
        conn_send_no_memory(c, f->request_id, NULL);
    } else if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not read the workshop; nothing was created. Try again "
                        "later.");
    } else if (dst.nteams + dst.nobjectives + dst.nkey_results > c->live->cfg.max_entities) {
        snprintf(err, sizeof err,
                 "The new workshop would hold more than %zu entities, its limit "
                 "(--max-entities); carry fewer objectives.",
                 c->live->cfg.max_entities);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, err);
    } else {
        struct next_fill nf = {.src = src,
                               .dst = &dst,
                               .notes = &notes,
                               .creator_id = c->user_id,
                               .creator = c->user,
                               .now_ms = clock_now_ms()};
        struct workshop *w = NULL;
        const char *title = m->title[0] ? m->title : src->title;
        rc = registry_create_filled(&c->live->registry, title, m->period, c->user_id,
                                    nf.now_ms, fill, &nf, &w);
        if (rc == CAS_ENOMEM) {
            conn_send_no_memory(c, f->request_id, NULL);
        } else if (rc != 0) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                            "The server could not save the new workshop; nothing was created. "
                            "Try again later.");
        } else {
            log_info("workshop %s \"%s\" carried from %s by '%s': %zu objectives, %zu key "
                     "results",
                     w->code, w->title, src->code, c->user, dst.nobjectives, dst.nkey_results);
            answer(c, f->request_id, w, src, &notes);
        }
    }
    okr_state_free(&durable);
    okr_state_free(&dst);
    carry_notes_free(&notes);
    free(nums);
}
