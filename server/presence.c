#include "presence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "handlers.h"
#include "server.h"

static struct subscription *find_sub(struct conn *c, const struct workshop *w)
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

static void announce(struct workshop *w, const char *user, const char *change, const char *entity)
{
    Cascade__V1__PresenceEvent ev = CASCADE__V1__PRESENCE_EVENT__INIT;
    ev.workshop = w->code;
    ev.user = (char *)user;
    ev.change = (char *)change;
    ev.entity = (char *)entity;
    ev.time_ms = server_now_ms();
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
    if (find_sub(c, w) != NULL)
        return 0;
    if (c->nsubs == c->cap_subs) {
        size_t ncap = c->cap_subs ? c->cap_subs * 2 : 2;
        struct subscription *p = realloc(c->subs, ncap * sizeof *p);
        if (p == NULL)
            return CAS_ENOMEM;
        c->subs = p;
        c->cap_subs = ncap;
    }
    if (workshop_subscribe(w, c) != 0)
        return CAS_ENOMEM;
    struct subscription *s = &c->subs[c->nsubs++];
    memset(s, 0, sizeof *s);
    s->workshop = w;
    s->since_ms = server_now_ms();
    if (user_connections(w, c->user_id, c) == 0)
        announce(w, c->user, "join", "");
    return 0;
}

void presence_unsubscribe(struct conn *c, struct workshop *w)
{
    struct subscription *s = find_sub(c, w);
    if (s == NULL)
        return;
    *s = c->subs[--c->nsubs];
    workshop_unsubscribe(w, c);
    if (user_connections(w, c->user_id, NULL) == 0)
        announce(w, c->user, "leave", "");
}

void presence_drop(struct conn *c)
{
    while (c->nsubs > 0)
        presence_unsubscribe(c, c->subs[c->nsubs - 1].workshop);
}

/* One entry per user: the longest-present connection, with the most recent
 * editing announcement among the user's connections. */
void handle_presence_query(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f, f->presence_query->workshop);
    if (w == NULL)
        return;
    Cascade__V1__Presence *items = calloc(w->nsubscribers + 1, sizeof *items);
    Cascade__V1__Presence **ptrs = calloc(w->nsubscribers + 1, sizeof *ptrs);
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server is out of memory.");
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < w->nsubscribers; i++) {
        struct conn *sc = w->subscribers[i];
        const struct subscription *s = find_sub(sc, w);
        size_t j = 0;
        while (j < n && strcmp(items[j].user, sc->user) != 0)
            j++;
        if (j == n) {
            cascade__v1__presence__init(&items[n]);
            items[n].user = sc->user;
            items[n].editing = (char *)"";
            items[n].since_ms = s->since_ms;
            ptrs[n] = &items[n];
            n++;
        }
        if (s->since_ms < items[j].since_ms)
            items[j].since_ms = s->since_ms;
        if (s->editing[0] != '\0')
            items[j].editing = (char *)s->editing;
    }
    Cascade__V1__PresenceReply reply = CASCADE__V1__PRESENCE_REPLY__INIT;
    reply.n_present = n;
    reply.present = ptrs;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = f->request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_PRESENCE_REPLY;
    out.presence_reply = &reply;
    conn_send(c, &out);
    free(items);
    free(ptrs);
}

/* Whether text names an entity of the workshop; its canonical id ("K3")
 * goes to out (16 bytes). */
static int entity_find(const struct okr_state *s, const char *text, char *out)
{
    static const enum okr_kind KINDS[] = {OKR_TEAM, OKR_OBJECTIVE, OKR_KEY_RESULT,
                                          OKR_INITIATIVE, OKR_COMMENT};
    uint32_t num;
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++) {
        if (okr_id_parse(text, KINDS[i], &num) != 0)
            continue;
        int found = 0;
        switch (KINDS[i]) {
        case OKR_TEAM: found = okr_team_find(s, num) != NULL; break;
        case OKR_OBJECTIVE: found = okr_objective_find(s, num) != NULL; break;
        case OKR_KEY_RESULT: found = okr_key_result_find(s, num) != NULL; break;
        case OKR_INITIATIVE: found = okr_initiative_find(s, num) != NULL; break;
        case OKR_COMMENT: found = okr_comment_find(s, num) != NULL; break;
        }
        if (found)
            okr_id_format(KINDS[i], num, out, 16);
        return found;
    }
    return 0;
}

void handle_editing(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Editing *m = f->editing;
    struct workshop *w = workshop_for_request(c, f, m->workshop);
    if (w == NULL)
        return;
    struct subscription *s = find_sub(c, w);
    char msg[160];
    if (s == NULL) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__BAD_STATE,
                        "Subscribe to the workshop first: presence follows subscriptions.");
        return;
    }
    char entity[16] = "";
    if (m->entity[0] != '\0' && !entity_find(&w->state, m->entity, entity)) {
        char quoted[64];
        okr_text_quote(m->entity, 16, quoted, sizeof quoted);
        snprintf(msg, sizeof msg, "There is no '%s' in this workshop to edit.", quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    memcpy(s->editing, entity, sizeof s->editing);
    conn_send_ack(c, f->request_id, 0, s->editing);
    announce(w, c->user, "editing", s->editing);
}
