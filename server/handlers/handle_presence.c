/* Who is in a workshop now: the presence query, and announcing what one
 * is editing. Subscriptions themselves are live/presence.h's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "handlers.h"
#include "presence.h"
#include "remote_presence.h"
#include "workshop.h"

/* One entry per user: the longest-present connection, with the most recent
 * editing announcement among the user's connections. */
void handle_presence_query(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    size_t most = w->nsubscribers + w->nremote + 1;
    Cascade__V1__Presence *items = calloc(most, sizeof *items);
    Cascade__V1__Presence **ptrs = calloc(most, sizeof *ptrs);
    if (items == NULL || ptrs == NULL) {
        free(items);
        free(ptrs);
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < w->nsubscribers; i++) {
        struct conn *sc = w->subscribers[i];
        const struct subscription *s = presence_find(sc, w);
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
    /* And those present through the other nodes of the database. */
    for (size_t i = 0; i < w->nremote; i++) {
        const struct remote_presence *r = &w->remote[i];
        size_t j = 0;
        while (j < n && strcmp(items[j].user, r->user) != 0)
            j++;
        if (j == n) {
            cascade__v1__presence__init(&items[n]);
            items[n].user = (char *)r->user;
            items[n].editing = (char *)"";
            items[n].since_ms = r->since_ms;
            ptrs[n] = &items[n];
            n++;
        }
        if (r->since_ms < items[j].since_ms)
            items[j].since_ms = r->since_ms;
        if (r->editing[0] != '\0' && items[j].editing[0] == '\0')
            items[j].editing = (char *)r->editing;
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
        int found = okr_entity_exists(s, KINDS[i], num);
        if (found)
            okr_id_format(KINDS[i], num, out, 16);
        return found;
    }
    return 0;
}

void handle_editing(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Editing *m = f->editing;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    struct subscription *s = presence_find(c, w);
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
    presence_announce(w, c->user, "editing", s->editing);
    remote_presence_share(c->live, w, c->user, "editing", s->editing, s->since_ms);
}
