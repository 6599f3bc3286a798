#include "round.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "array.h"
#include "errors.h"
#include "frame.h"
#include "round_stats.h"
#include "workshop.h"

/* ---- The round in memory ------------------------------------------------------------ */

void round_free(struct round *r)
{
    if (r == NULL)
        return;
    free(r->key_results);
    free(r->subs);
    free(r);
}

int round_covers(const struct round *r, uint32_t kr)
{
    size_t lo = 0, hi = r->nkey_results;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (r->key_results[mid] == kr)
            return 1;
        if (r->key_results[mid] < kr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

static int sub_cmp(uint32_t kr, const char *user, const struct round_submission *s)
{
    if (kr != s->key_result)
        return kr < s->key_result ? -1 : 1;
    return strcmp(user, s->user);
}

/* Where (kr, user) is or would go in subs. */
static size_t sub_position(const struct round *r, uint32_t kr, const char *user)
{
    size_t lo = 0, hi = r->nsubs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (sub_cmp(kr, user, &r->subs[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

const struct round_submission *round_find(const struct round *r, uint32_t kr, const char *user)
{
    size_t i = sub_position(r, kr, user);
    return i < r->nsubs && sub_cmp(kr, user, &r->subs[i]) == 0 ? &r->subs[i] : NULL;
}

int round_put(struct round *r, uint32_t kr, const char *user, double confidence)
{
    size_t i = sub_position(r, kr, user);
    if (i < r->nsubs && sub_cmp(kr, user, &r->subs[i]) == 0) {
        r->subs[i].confidence = confidence;
        return 0;
    }
    if (ARRAY_GROW(r->subs, r->cap_subs, r->nsubs + 1) != 0)
        return CAS_ENOMEM;
    memmove(&r->subs[i + 1], &r->subs[i], (r->nsubs - i) * sizeof *r->subs);
    r->nsubs++;
    struct round_submission *s = &r->subs[i];
    memset(s, 0, sizeof *s);
    s->key_result = kr;
    snprintf(s->user, sizeof s->user, "%s", user);
    s->confidence = confidence;
    return 0;
}

/* The first submission for kr and how many there are (subs is sorted). */
static size_t subs_of(const struct round *r, uint32_t kr, size_t *first)
{
    size_t i = sub_position(r, kr, "");
    *first = i;
    size_t n = 0;
    while (i + n < r->nsubs && r->subs[i + n].key_result == kr)
        n++;
    return n;
}

/* ---- Who may submit ------------------------------------------------------------------ */

/* A participant who may check a key result in and so is waited for: not
 * an observer, not removed. */
static const struct participant *may_submit(const struct workshop *w, int64_t user_id)
{
    const struct participant *p = workshop_participant(w, user_id);
    return p != NULL && p->role != 0 && p->role != CASCADE__V1__ROLE__OBSERVER ? p : NULL;
}

static const struct participant *participant_named(const struct workshop *w, const char *name)
{
    for (size_t i = 0; i < w->nparticipants; i++)
        if (strcmp(w->participants[i].name, name) == 0)
            return &w->participants[i];
    return NULL;
}

/* Who is waited for on kr and has not submitted: its team's members, then
 * its owner unless among them. Writes them to out when not NULL; returns
 * how many. */
static size_t waiting_on(const struct workshop *w, const struct round *r, uint32_t kr, char **out)
{
    const struct okr_key_result *k = okr_key_result_find(&w->state, kr);
    if (k == NULL)
        return 0;
    const struct okr_objective *o = okr_objective_find(&w->state, k->objective);
    uint32_t team = o != NULL ? o->team : 0;
    size_t n = 0;
    int owner_listed = k->owner == NULL || k->owner[0] == '\0';
    for (size_t i = 0; i < w->nteam_members; i++) {
        if (team == 0 || w->team_members[i].team != team)
            continue;
        const struct participant *p = may_submit(w, w->team_members[i].user_id);
        if (p == NULL)
            continue;
        if (!owner_listed && strcmp(p->name, k->owner) == 0)
            owner_listed = 1;
        if (round_find(r, kr, p->name) != NULL)
            continue;
        if (out != NULL)
            out[n] = (char *)p->name;
        n++;
    }
    if (!owner_listed) {
        const struct participant *p = participant_named(w, k->owner);
        if (p != NULL && may_submit(w, p->user_id) != NULL && round_find(r, kr, p->name) == NULL) {
            if (out != NULL)
                out[n] = (char *)p->name;
            n++;
        }
    }
    return n;
}

/* ---- The wire form ------------------------------------------------------------------- */

void round_wire_free(struct round_wire *rw)
{
    free(rw->krs);
    free(rw->krp);
    free(rw->values);
    free(rw->valp);
    free(rw->names);
    free(rw->ids);
    memset(rw, 0, sizeof *rw);
}

int round_wire_fill(struct round_wire *rw, const struct workshop *w, const char *reader)
{
    const struct round *r = w->round;
    memset(rw, 0, sizeof *rw);
    size_t nwaiting = 0;
    for (size_t i = 0; i < r->nkey_results; i++)
        nwaiting += waiting_on(w, r, r->key_results[i], NULL);
    size_t n = r->nkey_results;
    rw->krs = calloc(n + 1, sizeof *rw->krs);
    rw->krp = calloc(n + 1, sizeof *rw->krp);
    rw->ids = calloc(n + 1, sizeof *rw->ids);
    rw->values = calloc(r->nsubs + 1, sizeof *rw->values);
    rw->valp = calloc(r->nsubs + 1, sizeof *rw->valp);
    rw->names = calloc(r->nsubs + nwaiting + 1, sizeof *rw->names);
    if (!rw->krs || !rw->krp || !rw->ids || !rw->values || !rw->valp || !rw->names)
        return CAS_ENOMEM;
    Cascade__V1__ConfidenceRound *cr = &rw->round;
    cascade__v1__confidence_round__init(cr);
    cr->number = r->number;
    cr->open = r->open;
    cr->started_by = (char *)r->started_by;
    cr->started_ms = r->started_ms;
    cr->started_seq = r->started_seq;
    cr->revealed_by = (char *)r->revealed_by;
    cr->revealed_ms = r->revealed_ms;
    cr->revealed_seq = r->revealed_seq;
    cr->applied = r->applied;
    cr->n_key_results = n;
    cr->key_results = rw->krp;
    size_t used_names = 0, used_values = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t kr = r->key_results[i];
        Cascade__V1__RoundKeyResult *k = &rw->krs[i];
        cascade__v1__round_key_result__init(k);
        okr_id_format(OKR_KEY_RESULT, kr, rw->ids[i], sizeof rw->ids[i]);
        k->key_result = rw->ids[i];
        size_t first, count = subs_of(r, kr, &first);
        k->submitted = &rw->names[used_names];
        for (size_t j = 0; j < count; j++)
            rw->names[used_names++] = (char *)r->subs[first + j].user;
        k->n_submitted = count;
        k->waiting = &rw->names[used_names];
        k->n_waiting = waiting_on(w, r, kr, k->waiting);
        used_names += k->n_waiting;
        /* The values of all only once revealed: this is the secret. */
        if (!r->open) {
            k->values = &rw->valp[used_values];
            for (size_t j = 0; j < count; j++) {
                Cascade__V1__RoundValue *v = &rw->values[used_values];
                cascade__v1__round_value__init(v);
                v->user = (char *)r->subs[first + j].user;
                v->confidence = r->subs[first + j].confidence;
                rw->valp[used_values++] = v;
            }
            k->n_values = count;
        }
        const struct round_submission *mine = reader != NULL ? round_find(r, kr, reader) : NULL;
        if (mine != NULL) {
            k->has_mine = 1;
            k->mine = mine->confidence;
        }
        rw->krp[i] = k;
    }
    return 0;
}

int round_status_pack(const struct workshop *w, const char *reader, uint64_t request_id,
                      struct buf *out)
{
    Cascade__V1__RoundStatusReply reply = CASCADE__V1__ROUND_STATUS_REPLY__INIT;
    struct round_wire rw;
    memset(&rw, 0, sizeof rw);
    int rc = 0;
    if (w->round != NULL) {
        rc = round_wire_fill(&rw, w, reader);
        reply.round = &rw.round;
    }
    if (rc == 0) {
        WireFrame f = CASCADE__V1__FRAME__INIT;
        f.request_id = request_id;
        f.body_case = CASCADE__V1__FRAME__BODY_ROUND_STATUS_REPLY;
        f.round_status_reply = &reply;
        rc = wire_pack(&f, SIZE_MAX, out) != 0 ? CAS_ENOMEM : 0;
    }
    round_wire_free(&rw);
    return rc;
}

/* ---- Packing an event and its answer --------------------------------------------------- */

/* Packs the event (its seq and type set here) and the answer (an Ack with
 * seq, id and note, or reply when given) into r. 0 or CAS_ENOMEM. */
static int pack(struct apply_result *r, Cascade__V1__Event *ev, uint64_t seq, uint64_t request_id,
                const char *note, const struct buf *reply)
{
    ev->seq = seq;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_EVENT;
    ef.event = ev;
    if (wire_pack(&ef, SIZE_MAX, &r->event) != 0)
        return CAS_ENOMEM;
    if (reply != NULL)
        return buf_append(&r->ack, reply->data, reply->len) != 0 ? CAS_ENOMEM : 0;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.seq = seq;
    ack.id = r->subject;
    ack.note = (char *)note;
    WireFrame af = CASCADE__V1__FRAME__INIT;
    af.request_id = request_id;
    af.body_case = CASCADE__V1__FRAME__BODY_ACK;
    af.ack = &ack;
    return wire_pack(&af, SIZE_MAX, &r->ack) != 0 ? CAS_ENOMEM : 0;
}

static void name_round(struct apply_result *r, const char *type, uint32_t number)
{
    snprintf(r->subject, sizeof r->subject, "R%u", number);
    r->type = type;
}

static int refuse_none_open(const struct workshop *w, struct apply_result *r)
{
    if (w->round != NULL && !w->round->open)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                            "No confidence round is open in workshop %s (round %u was revealed); "
                            "a facilitator opens one with 'cascade round start'.",
                            w->code, w->round->number);
    return apply_refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                        "No confidence round is open in workshop %s; a facilitator opens one "
                        "with 'cascade round start'.",
                        w->code);
}

/* ---- Start ------------------------------------------------------------------------------ */

static int by_number(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* The key results a start names (every one of the workshop when none is),
 * ascending and without repeats, into round->key_results. */
static int choose_key_results(struct workshop *w, const Cascade__V1__RoundStart *m,
                              struct round *round, struct apply_result *r)
{
    const struct okr_state *s = &w->state;
    if (m->n_key_results > ROUND_KEY_RESULTS_MAX)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                            "A confidence round covers at most %d key results; name fewer.",
                            ROUND_KEY_RESULTS_MAX);
    size_t n = m->n_key_results > 0 ? m->n_key_results : s->nkey_results;
    if (n == 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "Workshop %s has no key results to rate yet; add some first.",
                            w->code);
    if (n > ROUND_KEY_RESULTS_MAX)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                            "Workshop %s has %zu key results, more than a confidence round "
                            "covers (%d); name the ones to rate.",
                            w->code, n, ROUND_KEY_RESULTS_MAX);
    round->key_results = calloc(n, sizeof *round->key_results);
    if (round->key_results == NULL)
        return apply_no_memory(r);
    for (size_t i = 0; i < n; i++) {
        int rc = 0;
        if (m->n_key_results > 0)
            rc = apply_resolve(s, m->key_results[i], OKR_KEY_RESULT, &round->key_results[i], r);
        else
            round->key_results[i] = s->key_results[i].num;
        if (rc != 0)
            return rc;
    }
    qsort(round->key_results, n, sizeof *round->key_results, by_number);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (kept == 0 || round->key_results[kept - 1] != round->key_results[i])
            round->key_results[kept++] = round->key_results[i];
    round->nkey_results = kept;
    return 0;
}

/* "K1 K2 K7", malloc'd; NULL when out of memory. */
static char *id_list(const uint32_t *nums, size_t n)
{
    size_t cap = n * 12 + 1, len = 0;
    char *out = malloc(cap);
    if (out == NULL)
        return NULL;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(out + len, cap - len, "%sK%u", i ? " " : "", nums[i]);
    return out;
}

int round_start(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                struct apply_result *r)
{
    memset(r, 0, sizeof *r);
    if (w->round != NULL && w->round->open)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS,
                            "Confidence round %u is open already; reveal it with 'cascade round "
                            "reveal' before starting another.",
                            w->round->number);
    struct round *round = calloc(1, sizeof *round);
    if (round == NULL)
        return apply_no_memory(r);
    int rc = choose_key_results(w, req->round_start, round, r);
    if (rc != 0) {
        round_free(round);
        return rc;
    }
    uint64_t seq = w->state.seq + 1;
    round->number = w->round != NULL ? w->round->number + 1 : 1;
    round->open = 1;
    snprintf(round->started_by, sizeof round->started_by, "%s", ctx->actor);
    round->started_ms = ctx->now_ms;
    round->started_seq = seq;
    name_round(r, "round.start", round->number);
    for (size_t i = 0; rc == 0 && i < round->nkey_results; i++)
        rc = apply_also(r, OKR_KEY_RESULT, round->key_results[i]);
    char *list = rc == 0 ? id_list(round->key_results, round->nkey_results) : NULL;
    if (list != NULL) {
        struct event_builder eb;
        eb_init(&eb, ctx, r->type, OKR_TEAM, 0);
        eb.ev.entity = r->subject;
        double number = round->number;
        eb_number(&eb, "round", NULL, &number);
        eb_text(&eb, "key_results", NULL, list);
        char note[160];
        snprintf(note, sizeof note, "Confidence round %u is open for %zu key result%s.",
                 round->number, round->nkey_results, round->nkey_results == 1 ? "" : "s");
        rc = pack(r, &eb.ev, seq, req->request_id, note, NULL);
        free(list);
    }
    if (list == NULL || rc != 0) {
        round_free(round);
        apply_result_free(r);
        return apply_no_memory(r);
    }
    w->state.seq = seq;
    r->seq = seq;
    round_free(w->round);
    w->round = round;
    return 0;
}

/* ---- Submit ----------------------------------------------------------------------------- */

int round_submit(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result *r, int *replaced)
{
    memset(r, 0, sizeof *r);
    *replaced = 0;
    const Cascade__V1__RoundSubmit *m = req->round_submit;
    struct round *round = w->round;
    if (round == NULL || !round->open)
        return refuse_none_open(w, r);
    uint32_t kr;
    int rc = apply_resolve(&w->state, m->key_result, OKR_KEY_RESULT, &kr, r);
    if (rc != 0)
        return rc;
    if (!round_covers(round, kr))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                            "K%u is not in confidence round %u; 'cascade round status' lists the "
                            "key results it covers.",
                            kr, round->number);
    if (!isfinite(m->confidence) || m->confidence < 0 || m->confidence > 1)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "The confidence must be a number from 0 to 1.");
    const struct round_submission *old = round_find(round, kr, ctx->actor);
    if (old == NULL && round->nsubs >= ROUND_SUBMISSIONS_MAX)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                            "Confidence round %u holds %d values, as many as a round can; reveal "
                            "it and start another.",
                            round->number, ROUND_SUBMISSIONS_MAX);
    /* Room first, so that the change cannot fail once the event is made. */
    if (old == NULL && ARRAY_GROW(round->subs, round->cap_subs, round->nsubs + 1) != 0)
        return apply_no_memory(r);
    uint64_t seq = w->state.seq + 1;
    name_round(r, "round.submit", round->number);
    struct event_builder eb;
    eb_init(&eb, ctx, r->type, OKR_TEAM, 0);
    eb.ev.entity = r->subject;
    const char *id = eb_id(&eb, OKR_KEY_RESULT, kr);
    eb_text(&eb, "key_result", NULL, id);
    int yes = 1;
    if (old != NULL)
        eb_flag(&eb, "replaced", NULL, &yes);
    /* The note goes to the submitter alone: the only place a value is told
     * before the reveal. */
    char note[200];
    if (old != NULL)
        snprintf(note, sizeof note,
                 "Your confidence for %s is %g (it was %g); nobody sees it before the reveal.",
                 id, m->confidence, old->confidence);
    else
        snprintf(note, sizeof note,
                 "Your confidence for %s is %g; nobody sees it before the reveal.", id,
                 m->confidence);
    if (pack(r, &eb.ev, seq, req->request_id, note, NULL) != 0) {
        apply_result_free(r);
        return apply_no_memory(r);
    }
    *replaced = old != NULL;
    rc = round_put(round, kr, ctx->actor, m->confidence);
    (void)rc; /* room was made above */
    w->state.seq = seq;
    r->seq = seq;
    return 0;
}

/* ---- Reveal ----------------------------------------------------------------------------- */

size_t round_reveal_results_max(const struct workshop *w)
{
    return 1 + (w->round != NULL ? w->round->nkey_results : 0);
}

/* The reveal's event: the round, whether it is applied, and every value as
 * a field "K# USER". */
static int pack_reveal(const struct workshop *w, const struct apply_ctx *ctx, uint64_t seq,
                       int apply, const struct buf *reply, struct apply_result *r)
{
    const struct round *round = w->round;
    size_t nfields = 2 + round->nsubs;
    Cascade__V1__FieldChange *fields = calloc(nfields, sizeof *fields);
    Cascade__V1__FieldChange **ptrs = calloc(nfields, sizeof *ptrs);
    Cascade__V1__Value *values = calloc(nfields, sizeof *values);
    char (*names)[OKR_NAME_MAX + 16] = calloc(round->nsubs + 1, sizeof *names);
    int rc = CAS_ENOMEM;
    if (fields != NULL && ptrs != NULL && values != NULL && names != NULL) {
        Cascade__V1__Event ev = CASCADE__V1__EVENT__INIT;
        ev.workshop = (char *)ctx->workshop;
        ev.actor = (char *)ctx->actor;
        ev.time_ms = ctx->now_ms;
        ev.type = (char *)r->type;
        ev.entity = r->subject;
        ev.changes = ptrs;
        for (size_t i = 0; i < nfields; i++) {
            cascade__v1__field_change__init(&fields[i]);
            cascade__v1__value__init(&values[i]);
            fields[i].new_value = &values[i];
            ptrs[i] = &fields[i];
        }
        fields[0].field = "round";
        values[0].kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
        values[0].number = round->number;
        fields[1].field = "applied";
        values[1].kind_case = CASCADE__V1__VALUE__KIND_FLAG;
        values[1].flag = apply != 0;
        for (size_t i = 0; i < round->nsubs; i++) {
            const struct round_submission *s = &round->subs[i];
            snprintf(names[i], sizeof names[i], "K%u %s", s->key_result, s->user);
            fields[2 + i].field = names[i];
            values[2 + i].kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
            values[2 + i].number = s->confidence;
        }
        ev.n_changes = nfields;
        rc = pack(r, &ev, seq, 0, NULL, reply);
    }
    free(fields);
    free(ptrs);
    free(values);
    free(names);
    return rc;
}

/* Checks in kr's median as ctx->actor, into *res. 0 when applied; 1 when
 * left out (gone, or refused: the state is as it was); CAS_ENOMEM when the
 * state moved on and could not be described. */
static int check_in_median(struct workshop *w, const struct apply_ctx *ctx, uint32_t kr,
                           struct apply_result *res)
{
    const struct round *round = w->round;
    const struct okr_key_result *k = okr_key_result_find(&w->state, kr);
    size_t first, count = subs_of(round, kr, &first);
    if (k == NULL || count == 0)
        return 1;
    double *values = calloc(count, sizeof *values);
    if (values == NULL)
        return 1;
    for (size_t i = 0; i < count; i++)
        values[i] = round->subs[first + i].confidence;
    struct round_stats st;
    int rc = round_stats_compute(values, count, &st);
    free(values);
    if (rc != 0)
        return 1;
    char id[16], note[120];
    okr_id_format(OKR_KEY_RESULT, kr, id, sizeof id);
    snprintf(note, sizeof note, "confidence round %u: median of %zu", round->number, count);
    Cascade__V1__CheckIn m = CASCADE__V1__CHECK_IN__INIT;
    m.workshop = (char *)ctx->workshop;
    m.key_result = id;
    m.has_confidence = 1;
    m.confidence = st.median;
    m.note = note;
    /* A check-in reports the blockers of now: this one keeps the open one. */
    m.blocker = k->blocker != NULL ? k->blocker : "";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    f.check_in = &m;
    rc = apply_check_in(&w->state, ctx, &f, res);
    if (rc == 0)
        return 0;
    int moved = res->seq != 0;
    apply_result_free(res);
    return moved ? CAS_ENOMEM : 1;
}

int round_reveal(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result **out, size_t *nout, struct apply_result *out_err)
{
    memset(out_err, 0, sizeof *out_err);
    *out = NULL;
    *nout = 0;
    struct round *round = w->round;
    if (round == NULL || !round->open) {
        if (round != NULL)
            return apply_refuse(out_err, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "Confidence round %u was revealed already; 'cascade round "
                                "status' shows its values, and 'cascade round start' opens "
                                "another.",
                                round->number);
        return refuse_none_open(w, out_err);
    }
    int apply = req->round_reveal->apply;
    struct apply_result *results = calloc(round_reveal_results_max(w), sizeof *results);
    if (results == NULL)
        return apply_no_memory(out_err);
    uint64_t seq = w->state.seq + 1;
    /* Closed first, so that the reply lists every value. */
    round->open = 0;
    round->applied = apply;
    snprintf(round->revealed_by, sizeof round->revealed_by, "%s", ctx->actor);
    round->revealed_ms = ctx->now_ms;
    round->revealed_seq = seq;
    struct buf reply = {0};
    name_round(&results[0], "round.reveal", round->number);
    int rc = round_status_pack(w, ctx->actor, req->request_id, &reply);
    if (rc == 0)
        rc = pack_reveal(w, ctx, seq, apply, &reply, &results[0]);
    buf_free(&reply);
    if (rc != 0) {
        round->open = 1;
        round->applied = 0;
        round->revealed_by[0] = '\0';
        round->revealed_ms = 0;
        round->revealed_seq = 0;
        apply_result_free(&results[0]);
        free(results);
        return apply_no_memory(out_err);
    }
    w->state.seq = seq;
    results[0].seq = seq;
    size_t n = 1;
    for (size_t i = 0; apply && i < round->nkey_results; i++) {
        rc = check_in_median(w, ctx, round->key_results[i], &results[n]);
        if (rc == 0)
            n++;
        else if (rc < 0)
            break;
    }
    if (rc < 0) {
        /* The state moved past what any event describes: the caller falls
         * back to what is durable (out_err->seq says the state changed). */
        for (size_t i = 0; i < n; i++)
            apply_result_free(&results[i]);
        free(results);
        apply_no_memory(out_err);
        out_err->seq = seq;
        return CAS_ENOMEM;
    }
    *out = results;
    *nout = n;
    return 0;
}
