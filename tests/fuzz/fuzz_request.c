/* libFuzzer target for request handling without the network: every complete
 * frame is unpacked as a connection does, and each cascade request is
 * applied with apply_request to one workshop state that lives for the whole
 * input, so a sequence of frames can build teams, objectives and key results
 * and then edit, check in, link and remove them.
 *
 * Input layout: a byte stream of 4-byte big-endian lengths and payloads
 * (protobuf Frames), fed to the frame decoder in one read. Frames that do
 * not unpack, and bodies apply_request does not handle, are skipped.
 *
 * After each request, applied or refused, the contract of apply.h must hold:
 * an applied change takes exactly the next seq and packs an Event and an Ack
 * that unpack again; a refusal changes nothing the fuzzer can count and says
 * why in a sentence. After the whole input the state must still be a
 * well-formed cascade: arrays sorted and unique, and every reference pointing
 * at an entity that exists. As the server's pipeline does, a closed workshop
 * takes only what request_refused_when_closed lets through; then every
 * objective and key result has a fixed grade from 0 to 1 while the
 * workshop is closed, and none while it is open. So must what `workshop
 * next` would carry from it (common/carry.c), with --all and with one
 * objective, and each of the new workshop's first events must unpack with
 * its seq. An import (WorkshopImport) is checked by common/import_check.c
 * and apply_import_check, then applied whole: each of its changes takes the
 * next seq and unpacks, the last carries the reply, and the state stays
 * well formed; a refused import changes nothing. Any breach calls abort(). */
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "buf.h"
#include "closing.h"
#include "carry.h"
#include "errors.h"
#include "frame.h"
#include "import_check.h"
#include "okr.h"
#include "requests.h"
#include "wire.h"

#define FUZZ_MAX_FRAME (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
    struct okr_state state;
    struct apply_ctx apply;
};

/* Owners must have accounts; these are the only ones. */
static int user_exists(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "alice") == 0 || strcmp(name, "bob") == 0;
}

/* What a refusal must leave alone. */
struct counts {
    uint64_t seq;
    size_t nteams, nobjectives, nkey_results, ninitiatives, ndependencies, ncomments;
    uint32_t next_team, next_objective, next_key_result, next_initiative, next_comment;
    size_t nideas, nballots;
    uint32_t next_idea, vote_number;
    int vote_state;
};

static struct counts counts_of(const struct okr_state *s)
{
    struct counts c;
    memset(&c, 0, sizeof c); /* padding too, so memcmp compares values only */
    c.seq = s->seq;
    c.nteams = s->nteams;
    c.nobjectives = s->nobjectives;
    c.nkey_results = s->nkey_results;
    c.ninitiatives = s->ninitiatives;
    c.ndependencies = s->ndependencies;
    c.ncomments = s->ncomments;
    c.next_team = s->next_team;
    c.next_objective = s->next_objective;
    c.next_key_result = s->next_key_result;
    c.next_initiative = s->next_initiative;
    c.next_comment = s->next_comment;
    c.nideas = s->nideas;
    c.nballots = s->nballots;
    c.next_idea = s->next_idea;
    c.vote_number = s->vote.number;
    c.vote_state = s->vote.state;
    return c;
}

/* A packed frame (header and payload) as apply_request produced it: the
 * header must match the length, and the payload must unpack. */
static WireFrame *unpack_packed(const struct buf *b)
{
    if (b->len <= FRAME_HEADER_LEN)
        abort();
    size_t len = frame_get_header(b->data);
    if (FRAME_HEADER_LEN + len != b->len)
        abort();
    WireFrame *f = wire_unpack(b->data + FRAME_HEADER_LEN, len, WIRE_BUDGET_TRUSTED(len));
    if (f == NULL)
        abort();
    return f;
}

static void check_applied(const struct okr_state *s, const struct counts *before,
                          const WireFrame *req, const struct apply_result *r)
{
    if (r->code != 0 || r->seq != before->seq + 1 || s->seq != r->seq)
        abort();
    char id[OKR_NAME_MAX + 1];
    okr_id_format(r->kind, r->num, id, sizeof id);
    if (r->subject[0] != '\0') /* a change to many names them in a word ("ideas") */
        snprintf(id, sizeof id, "%s", r->subject);

    WireFrame *ev = unpack_packed(&r->event);
    if (ev->body_case != CASCADE__V1__FRAME__BODY_EVENT || ev->request_id != 0 ||
        ev->event->seq != r->seq || strcmp(ev->event->entity, id) != 0 || r->type == NULL ||
        strcmp(ev->event->type, r->type) != 0)
        abort();
    wire_free(ev);

    WireFrame *ack = unpack_packed(&r->ack);
    if (ack->body_case != CASCADE__V1__FRAME__BODY_ACK || ack->request_id != req->request_id ||
        ack->ack->seq != r->seq || strcmp(ack->ack->id, id) != 0)
        abort();
    wire_free(ack);

    /* What an objective's removal took with it is really gone. */
    for (size_t i = 0; i < r->nalso; i++)
        if (r->also[i].kind == OKR_KEY_RESULT &&
            strcmp(r->type, "objective.remove") == 0 &&
            okr_key_result_find(s, r->also[i].num) != NULL)
            abort();
}

static void check_refused(const struct okr_state *s, const struct counts *before,
                          const WireFrame *req, const struct apply_result *r)
{
    struct counts after = counts_of(s);
    if (memcmp(&after, before, sizeof after) != 0)
        abort();
    if (r->code == 0 || r->message[0] == '\0' ||
        memchr(r->message, '\0', sizeof r->message) == NULL)
        abort();
    /* A conflict carries its Error frame ready to send. */
    if (r->ack.len > 0) {
        WireFrame *err = unpack_packed(&r->ack);
        if (err->body_case != CASCADE__V1__FRAME__BODY_ERROR ||
            err->request_id != req->request_id || err->error->code != r->code)
            abort();
        wire_free(err);
    }
}

/* Each array is sorted by number, numbers are unique, non-zero and below the
 * next number to hand out. */
#define CHECK_NUMBERED(arr, n, next)                                                     \
    do {                                                                                 \
        for (size_t i_ = 0; i_ < (n); i_++) {                                            \
            if ((arr)[i_].num == 0 || (arr)[i_].num >= (next))                           \
                abort();                                                                 \
            if (i_ > 0 && (arr)[i_ - 1].num >= (arr)[i_].num)                            \
                abort();                                                                 \
        }                                                                                \
    } while (0)

static void check_state(const struct okr_state *s)
{
    CHECK_NUMBERED(s->teams, s->nteams, s->next_team);
    CHECK_NUMBERED(s->objectives, s->nobjectives, s->next_objective);
    CHECK_NUMBERED(s->key_results, s->nkey_results, s->next_key_result);
    CHECK_NUMBERED(s->initiatives, s->ninitiatives, s->next_initiative);
    CHECK_NUMBERED(s->comments, s->ncomments, s->next_comment);

    for (size_t i = 0; i < s->nteams; i++) {
        const struct okr_team *t = &s->teams[i];
        if (t->parent != 0 && okr_team_find(s, t->parent) == NULL)
            abort();
    }
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (okr_team_find(s, o->team) == NULL)
            abort();
        if (o->aligns_to != 0 && okr_objective_find(s, o->aligns_to) == NULL)
            abort();
        if (o->inherits != 0 && okr_key_result_find(s, o->inherits) == NULL)
            abort();
    }
    for (size_t i = 0; i < s->nkey_results; i++)
        if (okr_objective_find(s, s->key_results[i].objective) == NULL)
            abort();
    for (size_t i = 0; i < s->ninitiatives; i++)
        if (okr_key_result_find(s, s->initiatives[i].key_result) == NULL)
            abort();
    for (size_t i = 0; i < s->ndependencies; i++) {
        const struct okr_dependency *d = &s->dependencies[i];
        if (okr_key_result_find(s, d->key_result) == NULL ||
            okr_key_result_find(s, d->depends_on) == NULL)
            abort();
    }
    /* Closing the quarter: grades exist exactly while the workshop is closed. */
    int closed = closing_is_closed(s);
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].graded != closed || !(s->objectives[i].final_score >= 0) ||
            s->objectives[i].final_score > 1)
            abort();
    for (size_t i = 0; i < s->nkey_results; i++)
        if (s->key_results[i].graded != closed || !(s->key_results[i].final_score >= 0) ||
            s->key_results[i].final_score > 1)
            abort();
    /* Comments go with what they are about. */
    for (size_t i = 0; i < s->ncomments; i++) {
        const struct okr_comment *c = &s->comments[i];
        int found = c->target_kind == OKR_OBJECTIVE    ? okr_objective_find(s, c->target) != NULL
                    : c->target_kind == OKR_KEY_RESULT ? okr_key_result_find(s, c->target) != NULL
                                                       : 0;
        if (!found)
            abort();
    }
}

/* An import, as handle_workshop_import runs it without the batch. */
static void import(struct fuzz_ctx *ctx, const WireFrame *f)
{
    const Cascade__V1__WorkshopImport *m = f->workshop_import;
    struct counts before = counts_of(&ctx->state);
    struct import_problems *p = calloc(1, sizeof *p);
    if (p == NULL)
        return;
    struct import_index ix;
    struct import_plan plan = {0};
    int rc = import_check(m, NULL, &ix, p);
    if (rc == 0)
        rc = apply_import_check(&ctx->state, &ctx->apply, m, &ix, &plan, p);
    if (rc == CAS_EINVAL && (p->n == 0 || p->items[0].reason[0] == '\0'))
        abort(); /* a refusal says why */
    if (rc == 0) {
        size_t n = apply_import_events(m, &plan);
        struct apply_result *results = calloc(n, sizeof *results);
        Cascade__V1__WorkshopImportReply reply = CASCADE__V1__WORKSHOP_IMPORT_REPLY__INIT;
        if (results != NULL &&
            apply_import(&ctx->state, &ctx->apply, m, &ix, &plan, f->request_id, &reply,
                         results, n) == 0) {
            for (size_t i = 0; i < n; i++) {
                WireFrame *ev = unpack_packed(&results[i].event);
                if (ev->body_case != CASCADE__V1__FRAME__BODY_EVENT ||
                    ev->event->seq != before.seq + 1 + i)
                    abort();
                wire_free(ev);
            }
            WireFrame *answer = unpack_packed(&results[n - 1].ack);
            if (answer->body_case != CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT_REPLY ||
                answer->workshop_import_reply->seq != ctx->state.seq ||
                ctx->state.seq != before.seq + n)
                abort();
            wire_free(answer);
            for (size_t i = 0; i < n; i++)
                apply_result_free(&results[i]);
            check_state(&ctx->state);
        } else {
            struct counts after = counts_of(&ctx->state);
            if (memcmp(&after, &before, sizeof after) != 0)
                abort();
        }
        free(results);
    } else {
        struct counts after = counts_of(&ctx->state);
        if (memcmp(&after, &before, sizeof after) != 0)
            abort();
    }
    import_plan_free(&plan);
    import_index_free(&ix);
    free(p);
}

static int on_frame(void *vctx, const uint8_t *payload, size_t len)
{
    struct fuzz_ctx *ctx = vctx;
    if (len == 0 || len > FUZZ_MAX_FRAME)
        abort();
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET(len));
    if (f == NULL)
        return 0;
    /* The pipeline refuses these before any applier in a closed workshop. */
    int refused_closed =
        closing_is_closed(&ctx->state) && request_refused_when_closed(f->body_case);
    if (apply_handles(f) && !refused_closed) {
        struct counts before = counts_of(&ctx->state);
        struct apply_result r;
        int rc = apply_request(&ctx->state, &ctx->apply, f, &r);
        if (rc == 0) {
            check_applied(&ctx->state, &before, f, &r);
            check_state(&ctx->state);
        } else {
            check_refused(&ctx->state, &before, f, &r);
        }
        apply_result_free(&r);
        ctx->apply.now_ms += 1000;
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT && !refused_closed) {
        import(ctx, f);
    }
    wire_free(f);
    return 0;
}

static int check_carried_event(void *arg, uint64_t seq, const char *type, const char *entity,
                               const struct buf *event)
{
    (void)arg;
    WireFrame *f = unpack_packed(event);
    if (f->body_case != CASCADE__V1__FRAME__BODY_EVENT || f->event->seq != seq ||
        strcmp(f->event->type, type) != 0 || strcmp(f->event->entity, entity) != 0)
        abort();
    wire_free(f);
    return 0;
}

static void check_carry(const struct okr_state *src, const struct apply_ctx *ctx)
{
    for (int all = 0; all <= 1; all++) {
        /* The last objective: any link it has may point either way. */
        uint32_t last = src->nobjectives ? src->objectives[src->nobjectives - 1].num : 1;
        struct carry_choice ch = {.source_code = "W1", .objectives = &last,
                                  .nobjectives = all ? 0 : 1, .all = all, .keep_current = all};
        struct okr_state dst;
        okr_state_init(&dst);
        struct carry_notes notes = {0};
        char err[200];
        int rc = carry_state(src, &ch, &dst, &notes, err, sizeof err);
        if (rc == 0) {
            check_state(&dst);
            if (dst.nobjectives != (all ? src->nobjectives : 1))
                abort();
            if (apply_carry_events(&dst, ctx, "W1", 1, &notes, check_carried_event, NULL) != 0 ||
                dst.seq != 1 + dst.nteams + dst.nobjectives + dst.nkey_results)
                abort();
        } else if (rc != CAS_ENOMEM && !(rc == CAS_ENOTFOUND && src->nobjectives == 0 && !all)) {
            abort();
        }
        okr_state_free(&dst);
        carry_notes_free(&notes);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_ctx ctx;
    okr_state_init(&ctx.state);
    ctx.apply = (struct apply_ctx){
        .workshop = "W1",
        .actor = "alice",
        .now_ms = 1700000000000,
        .user_exists = user_exists,
        .user_ctx = NULL,
    };

    struct frame_decoder d;
    frame_decoder_init(&d, FUZZ_MAX_FRAME);
    /* A rejected header ends the stream, as it ends a connection: what came
     * before it was applied all the same. */
    int rc = frame_decoder_feed(&d, data, size, on_frame, &ctx);
    if (rc != 0 && rc != CAS_ETOOBIG)
        abort();
    frame_decoder_free(&d);

    check_state(&ctx.state);
    check_carry(&ctx.state, &ctx.apply);
    okr_state_free(&ctx.state);
    return 0;
}
