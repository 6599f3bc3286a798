/* A key result's history: its creation and every check-in, from the event
 * log, so the progress chart needs no table of its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "handlers.h"
#include "conn.h"
#include "live.h"
#include "store.h"

struct history {
    Cascade__V1__CheckInRecord *records;
    size_t n, cap;
    WireFrame **events; /* kept until the reply is packed: records borrow their strings */
    size_t nevents, cap_events;
    /* What each record shows as the key result's state after it: events
     * carry only what changed, so the rest is carried forward. */
    double confidence;
    const char *status;
    const char *blocker;
    int milestone;
};

static const Cascade__V1__Value *new_value(const Cascade__V1__Event *ev, const char *field)
{
    for (size_t i = 0; i < ev->n_changes; i++)
        if (strcmp(ev->changes[i]->field, field) == 0)
            return ev->changes[i]->new_value;
    return NULL;
}

/* Turns one stored event of the key result into a record, if it is one. */
static int add_record(void *ctx, uint64_t seq, const uint8_t *payload, size_t len)
{
    struct history *h = ctx;
    (void)seq;
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET_TRUSTED(len));
    if (f == NULL || f->body_case != CASCADE__V1__FRAME__BODY_EVENT) {
        wire_free(f);
        return 0; /* not ours to judge here; the log is the server's own */
    }
    const Cascade__V1__Event *ev = f->event;
    int is_add = strcmp(ev->type, "kr.add") == 0, is_checkin = strcmp(ev->type, "kr.checkin") == 0;
    if (strcmp(ev->type, "kr.edit") == 0) {
        /* Not a check-in, but a status set by an edit is the state after it. */
        const Cascade__V1__Value *st = new_value(ev, "status");
        if (st != NULL && ARRAY_GROW(h->events, h->cap_events, h->nevents + 1) == 0) {
            h->events[h->nevents++] = f;
            h->status = st->text;
            return 0;
        }
        wire_free(f);
        return 0;
    }
    if ((!is_add && !is_checkin) || ARRAY_GROW(h->records, h->cap, h->n + 1) != 0 ||
        ARRAY_GROW(h->events, h->cap_events, h->nevents + 1) != 0) {
        wire_free(f);
        return is_add || is_checkin ? -1 : 0;
    }
    h->events[h->nevents++] = f;
    Cascade__V1__CheckInRecord *r = &h->records[h->n++];
    cascade__v1__check_in_record__init(r);
    r->seq = ev->seq;
    r->actor = ev->actor;
    r->time_ms = ev->time_ms;
    if (is_add) {
        const Cascade__V1__Value *m = new_value(ev, "milestone");
        h->milestone = m != NULL && m->flag;
        h->confidence = 0.5;
        h->status = "on-track";
        h->blocker = "";
        r->note = "created";
    }
    r->milestone = h->milestone;
    const Cascade__V1__Value *v = new_value(ev, h->milestone ? "done" : "current");
    if (v != NULL) {
        r->has_value = 1;
        r->value = h->milestone ? (v->flag ? 1 : 0) : v->number;
    } else if (is_add) {
        r->has_value = 1; /* a new key result starts at its start value, or not done */
        r->value = 0;
    }
    const Cascade__V1__Value *c = new_value(ev, "confidence");
    if (c != NULL)
        h->confidence = c->number;
    r->confidence = h->confidence;
    const Cascade__V1__Value *note = new_value(ev, "note");
    if (note != NULL)
        r->note = note->text;
    const Cascade__V1__Value *blocker = new_value(ev, "blocker");
    if (blocker != NULL)
        h->blocker = blocker->text;
    const Cascade__V1__Value *status = new_value(ev, "status");
    if (status != NULL)
        h->status = status->text;
    r->blocker = (char *)(h->blocker != NULL ? h->blocker : "");
    r->status = (char *)(h->status != NULL ? h->status : "");
    return 0;
}

static void send_history(struct conn *c, struct workshop *w, uint64_t request_id,
                         const char *entity)
{
    struct history h;
    memset(&h, 0, sizeof h);
    int rc = store_event_each_entity(c->live->store, w->id, entity, add_record, &h);
    Cascade__V1__CheckInRecord **ptrs = calloc(h.n + 1, sizeof *ptrs);
    if (rc != 0 || ptrs == NULL) {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not read the key result's history.");
    } else {
        for (size_t i = 0; i < h.n; i++)
            ptrs[i] = &h.records[i];
        Cascade__V1__KeyResultHistoryReply reply = CASCADE__V1__KEY_RESULT_HISTORY_REPLY__INIT;
        reply.n_check_ins = h.n;
        reply.check_ins = ptrs;
        WireFrame out = CASCADE__V1__FRAME__INIT;
        out.request_id = request_id;
        out.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY_REPLY;
        out.key_result_history_reply = &reply;
        conn_send(c, &out);
    }
    free(ptrs);
    for (size_t i = 0; i < h.nevents; i++)
        wire_free(h.events[i]);
    free(h.events);
    free(h.records);
}

void answer_history(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg)
{
    send_history(c, w, request_id, arg);
}

void handle_history(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__KeyResultHistory *m = f->key_result_history;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    uint32_t num;
    char msg[256];
    if (okr_id_parse(m->key_result, OKR_KEY_RESULT, &num) != 0) {
        char quoted[160];
        okr_text_quote(m->key_result, 32, quoted, sizeof quoted);
        snprintf(msg, sizeof msg, "'%s' is not a key result id; key result ids look like K3.",
                 quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    if (okr_key_result_find(&w->state, num) == NULL) {
        snprintf(msg, sizeof msg, "There is no key result K%u in this workshop.", num);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    char entity[16];
    okr_id_format(OKR_KEY_RESULT, num, entity, sizeof entity);
    /* The log holds only what is durable: wait for the batch in flight. */
    if (w->pending > 0) {
        if (batch_add_read(&c->live->batch, w, c, f->request_id, answer_history, entity) != 0)
            conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    send_history(c, w, f->request_id, entity);
}
