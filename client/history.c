#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "frame.h"

int history_each(struct client *c, const char *ws,
                 int (*fn)(void *arg, const Cascade__V1__Event *ev, char *err, size_t errlen),
                 void *arg, uint64_t *last, char *err, size_t errlen)
{
    *last = 0;
    Cascade__V1__Subscribe sub = CASCADE__V1__SUBSCRIBE__INIT;
    sub.workshop = (char *)ws;
    sub.since_seq = 0;
    sub.history_only = 1; /* the past only: nobody sees this reader arrive */
    WireFrame req = CLIENT_REQUEST(subscribe, SUBSCRIBE, &sub);
    uint64_t id;
    if (client_send(c, &req, &id, err, errlen) != CLIENT_OK)
        return EXIT_UNREACHABLE;
    for (;;) {
        WireFrame *f;
        if (client_wait_stream(c, id, &f, err, errlen) != CLIENT_OK)
            return EXIT_UNREACHABLE;
        if (f->request_id == id) {
            int rc = EXIT_OK;
            if (f->body_case == CASCADE__V1__FRAME__BODY_ACK) {
                *last = f->ack->seq;
            } else if (f->body_case == CASCADE__V1__FRAME__BODY_ERROR) {
                snprintf(err, errlen, "%s", f->error->message);
                rc = EXIT_REFUSED;
            } else {
                snprintf(err, errlen, "The server answered the history's request with '%s'; is "
                         "it a different version?", wire_body_name(f));
                rc = EXIT_UNREACHABLE;
            }
            wire_free(f);
            return rc;
        }
        /* Presence and notices may come too: only events are history. */
        int rc = HISTORY_MORE;
        if (f->body_case == CASCADE__V1__FRAME__BODY_EVENT)
            rc = fn(arg, f->event, err, errlen);
        wire_free(f);
        if (rc < 0)
            return EXIT_REFUSED;
        if (rc == HISTORY_STOP)
            return EXIT_OK;
    }
}

int history_tape_add(struct history_tape *t, const Cascade__V1__Event *ev)
{
    size_t n = cascade__v1__event__get_packed_size(ev);
    if (n > UINT32_MAX || n + 4 > SIZE_MAX - t->len)
        return CAS_ENOMEM;
    if (t->len + 4 + n > t->cap) {
        size_t cap = t->cap ? t->cap : 4096;
        while (cap < t->len + 4 + n)
            cap *= 2;
        uint8_t *grown = realloc(t->bytes, cap);
        if (grown == NULL)
            return CAS_ENOMEM;
        t->bytes = grown;
        t->cap = cap;
    }
    frame_put_header(t->bytes + t->len, (uint32_t)n);
    cascade__v1__event__pack(ev, t->bytes + t->len + 4);
    t->len += 4 + n;
    t->count++;
    return 0;
}

Cascade__V1__Event *history_tape_next(struct history_tape *t)
{
    if (t->read_at + 4 > t->len)
        return NULL;
    size_t n = frame_get_header(t->bytes + t->read_at);
    if (n > t->len - t->read_at - 4)
        return NULL;
    Cascade__V1__Event *ev =
        cascade__v1__event__unpack(NULL, n, t->bytes + t->read_at + 4);
    t->read_at += 4 + n;
    return ev;
}

void history_tape_free(struct history_tape *t)
{
    free(t->bytes);
    memset(t, 0, sizeof *t);
}
