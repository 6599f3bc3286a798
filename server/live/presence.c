#include "presence.h"

#include <stdio.h>
#include <string.h>

#include "array.h"
#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "live.h"
#include "remote_presence.h"
#include "seen.h"
#include "workshop.h"

struct subscription *presence_find(struct conn *c, const struct workshop *w)
{
    for (size_t i = 0; i < c->nsubs; i++)
        if (c->subs[i].workshop == w)
            return &c->subs[i];
    return NULL;
}

/* How many subscribed connections of this user w has, besides `except`. */
static size_t user_connections(const struct workshop *w, int64_t user_id, const struct conn *except)
{
    size_t n = 0;
    for (size_t i = 0; i < w->nsubscribers; i++)
        n += w->subscribers[i] != except && w->subscribers[i]->user_id == user_id;
    return n;
}

void presence_announce(struct workshop *w, const char *user, const char *change, const char *entity)
{
    Cascade__V1__PresenceEvent ev = CASCADE__V1__PRESENCE_EVENT__INIT;
    ev.workshop = w->code;
    ev.user = (char *)user;
    ev.change = (char *)change;
    ev.entity = (char *)entity;
    ev.time_ms = clock_now_ms();
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_PRESENCE_EVENT;
    f.presence_event = &ev;
    struct buf out = BUF_INIT;
    if (wire_pack(&f, WIRE_MAX_SERVER_FRAME, &out) == 0)
        for (size_t i = 0; i < w->nsubscribers; i++)
            conn_send_packed(w->subscribers[i], out.data, out.len);
    buf_free(&out);
}

int presence_subscribe(struct conn *c, struct workshop *w)
{
    if (presence_find(c, w) != NULL)
        return 0;
    if (ARRAY_GROW(c->subs, c->cap_subs, c->nsubs + 1) != 0 || workshop_subscribe(w, c) != 0)
        return CAS_ENOMEM;
    struct subscription *s = &c->subs[c->nsubs++];
    memset(s, 0, sizeof *s);
    s->workshop = w;
    s->since_ms = clock_now_ms();
    if (user_connections(w, c->user_id, c) == 0) {
        /* Present through another node already: nobody arrived. */
        if (!remote_presence_here(w, c->user))
            presence_announce(w, c->user, "join", "");
        remote_presence_share(c->live, w, c->user, "join", "", s->since_ms);
    }
    return 0;
}

void presence_unsubscribe(struct conn *c, struct workshop *w)
{
    struct subscription *s = presence_find(c, w);
    if (s == NULL)
        return;
    *s = c->subs[--c->nsubs];
    workshop_unsubscribe(w, c);
    if (user_connections(w, c->user_id, NULL) == 0) {
        seen_note(c->live, w, c->user_id, clock_now_ms());
        if (!remote_presence_here(w, c->user))
            presence_announce(w, c->user, "leave", "");
        remote_presence_share(c->live, w, c->user, "leave", "", 0);
    }
}

void presence_drop(struct conn *c)
{
    while (c->nsubs > 0)
        presence_unsubscribe(c, c->subs[c->nsubs - 1].workshop);
}
