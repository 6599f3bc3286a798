/* Every workshop on the server, for its administrator: admin workshops
 * lists them; admin workshop archive takes one out of service (its rows
 * kept, every request naming it refused with WORKSHOP_ARCHIVED), unarchive
 * puts it back, delete removes an archived one for good. Archiving and
 * unarchiving are events of the workshop like any change, so its followers
 * see them and its history keeps them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "clock.h"
#include "errors.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "people.h"
#include "presence.h"
#include "replay.h"
#include "store.h"
#include "workshop.h"

#define ADMIN_WORKSHOPS_MAX 1000

static const char *state_name(const struct workshop *w)
{
    if (w->archived_ms != 0)
        return "archived";
    return workshop_closed(w) ? "closed" : "open";
}

/* People following w now: distinct users among its subscribers. */
static uint32_t online(const struct workshop *w)
{
    uint32_t n = 0;
    for (size_t i = 0; i < w->nsubscribers; i++) {
        int64_t id = w->subscribers[i]->user_id;
        size_t j = 0;
        while (j < i && w->subscribers[j]->user_id != id)
            j++;
        n += j == i;
    }
    return n;
}

static uint32_t participants(const struct workshop *w)
{
    uint32_t n = 0;
    for (size_t i = 0; i < w->nparticipants; i++)
        n += w->participants[i].role != 0;
    return n;
}

static int by_activity(const void *a, const void *b)
{
    const Cascade__V1__AdminWorkshopRow *x = *(Cascade__V1__AdminWorkshopRow *const *)a;
    const Cascade__V1__AdminWorkshopRow *y = *(Cascade__V1__AdminWorkshopRow *const *)b;
    if (x->last_activity_ms != y->last_activity_ms)
        return x->last_activity_ms < y->last_activity_ms ? 1 : -1;
    return strcmp(x->code, y->code);
}

void handle_admin_workshops(struct conn *c, const WireFrame *f)
{
    const struct registry *r = &c->live->registry;
    Cascade__V1__AdminWorkshopRow *rows = calloc(r->n + 1, sizeof *rows);
    Cascade__V1__AdminWorkshopRow **ptrs = calloc(r->n + 1, sizeof *ptrs);
    if (rows == NULL || ptrs == NULL) {
        free(rows);
        free(ptrs);
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    int rc = 0;
    for (size_t i = 0; i < r->n && rc == 0; i++) {
        struct workshop *w = r->items[i];
        Cascade__V1__AdminWorkshopRow *row = &rows[i];
        cascade__v1__admin_workshop_row__init(row);
        row->code = w->code;
        row->title = w->title;
        row->period = w->period;
        row->participants = participants(w);
        row->online = online(w);
        row->seq = w->state.seq;
        row->state = (char *)state_name(w);
        row->created_by = w->created_by;
        row->created_ms = w->created_ms;
        row->archived_ms = w->archived_ms;
        row->archived_by = w->archived_by;
        row->in_memory = !w->unloaded;
        rc = store_workshop_last_event_ms(c->live->store, w->id, &row->last_activity_ms);
        ptrs[i] = row;
    }
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not read the workshops; try again later.");
    } else {
        qsort(ptrs, r->n, sizeof *ptrs, by_activity);
        Cascade__V1__AdminWorkshopsReply reply = CASCADE__V1__ADMIN_WORKSHOPS_REPLY__INIT;
        reply.n_workshops = r->n < ADMIN_WORKSHOPS_MAX ? r->n : ADMIN_WORKSHOPS_MAX;
        reply.workshops = ptrs;
        reply.total = r->n;
        WireFrame out = CASCADE__V1__FRAME__INIT;
        out.request_id = f->request_id;
        out.body_case = CASCADE__V1__FRAME__BODY_ADMIN_WORKSHOPS_REPLY;
        out.admin_workshops_reply = &reply;
        conn_send(c, &out);
    }
    free(rows);
    free(ptrs);
}

/* ---- Archive, unarchive, delete -------------------------------------------------- */

/* After the commit of an archive: its state leaves memory, unless it was
 * unarchived meanwhile. */
static void unload_archived(struct conn *c, struct workshop *w, uint64_t request_id,
                            const char *arg)
{
    (void)c;
    (void)request_id;
    (void)arg;
    if (w->archived_ms != 0 && !w->unloaded && w->pending == 0)
        workshop_unload(w);
}

/* Saves the archive flag, changes it in memory and records the change as
 * the workshop's next event (answered after its commit); an archived
 * workshop's state then leaves memory, and an unarchived one's comes back
 * first (its event takes the next seq of the state). */
static void set_archived(struct conn *c, uint64_t request_id, struct workshop *w, int archive)
{
    struct live *l = c->live;
    int64_t now = archive ? clock_now_ms() : 0;
    if (!archive && w->unloaded) {
        if (workshop_reload(&l->registry, w) != 0) {
            conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                            "The server could not load the workshop; nothing changed.");
            return;
        }
        /* A step that ran when it was archived goes on with the time it had
         * left then, as after a restart. */
        if (w->agenda.state == AGENDA_RUNNING)
            w->agenda.resumed_ms = clock_now_ms();
    }
    if (store_workshop_set_archived(l->store, w->id, now, c->user) != 0) {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the change; nothing changed.");
        return;
    }
    w->archived_ms = now;
    snprintf(w->archived_by, sizeof w->archived_by, "%s", archive ? c->user : "");
    log_info("workshop %s %s by '%s'", w->code, archive ? "archived" : "unarchived", c->user);
    struct people_change change = {.op = PEOPLE_NOTE};
    if (people_change(c, w, request_id, &change, c->user,
                      archive ? "workshop.archive" : "workshop.unarchive", "workshop", NULL, 0,
                      NULL) == 0 &&
        archive)
        (void)batch_add_read(&l->batch, w, c, 0, unload_archived, "");
}

/* After the commit of everything queued before it: nothing in the batch
 * refers to w any more, so it can go. */
static void finish_delete(struct conn *c, struct workshop *w, uint64_t request_id,
                          const char *arg)
{
    (void)arg;
    struct live *l = c->live;
    char code[WORKSHOP_CODE_LEN + 1], msg[200];
    snprintf(code, sizeof code, "%s", w->code);
    if (replay_busy_with(l, w)) {
        snprintf(msg, sizeof msg,
                 "A history of workshop %s is still being sent to someone; try again in a "
                 "moment.", code);
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__RATE_LIMITED, msg);
        return;
    }
    if (store_workshop_delete(l->store, w->id) != 0) {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not delete the workshop; nothing was deleted.");
        return;
    }
    /* Whoever still follows it stops: the workshop has no more events. */
    while (w->nsubscribers > 0) {
        struct conn *s = w->subscribers[0];
        if (presence_find(s, w) != NULL)
            presence_unsubscribe(s, w);
        else
            workshop_unsubscribe(w, s);
    }
    registry_remove(&l->registry, w);
    log_info("workshop %s deleted by '%s'", code, c->user);
    snprintf(msg, sizeof msg, "Deleted workshop %s and all of its history.", code);
    conn_send_ack_note(c, request_id, msg);
}

/* Whether a delete of w already waits for the commit (two sent at once):
 * the second would find w freed. */
static int delete_queued(const struct batch *b, const struct workshop *w)
{
    for (size_t i = 0; i < b->nreads; i++)
        if (b->reads[i].workshop == w && b->reads[i].answer == finish_delete)
            return 1;
    return 0;
}

void handle_admin_workshop_state(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminWorkshopState *m = f->admin_workshop_state;
    char msg[400], quoted[64], when[40];
    struct workshop *w = registry_find(&c->live->registry, m->code);
    if (w == NULL) {
        okr_text_quote(m->code, 16, quoted, sizeof quoted);
        snprintf(msg, sizeof msg,
                 "There is no workshop with the code '%s'; 'cascade admin workshops' lists "
                 "them.", quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    if (m->action != CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__DELETE &&
        handlers_claim(c, f->request_id, w) != 0)
        return;
    clock_utc_text(w->archived_ms, when, sizeof when);
    switch (m->action) {
    case CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__ARCHIVE:
        if (w->archived_ms != 0) {
            snprintf(msg, sizeof msg, "Workshop %s was archived already, by %s on %s.", w->code,
                     w->archived_by, when);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        set_archived(c, f->request_id, w, 1);
        return;
    case CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__UNARCHIVE:
        if (w->archived_ms == 0) {
            snprintf(msg, sizeof msg, "Workshop %s is in service; there is nothing to unarchive.",
                     w->code);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        set_archived(c, f->request_id, w, 0);
        return;
    case CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__DELETE: {
        char confirm[WORKSHOP_CODE_LEN + 1];
        if (workshop_code_normalize(m->confirm, confirm) != 0 || strcmp(confirm, w->code) != 0) {
            snprintf(msg, sizeof msg,
                     "Deleting workshop %s cannot be undone: confirm it by repeating its code "
                     "(cascade admin workshop delete %s --yes).", w->code, w->code);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        if (w->archived_ms == 0) {
            snprintf(msg, sizeof msg,
                     "Workshop %s is in service; archive it first ('cascade admin workshop "
                     "archive %s'), so that nobody is using it when it goes.", w->code, w->code);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        if (delete_queued(&c->live->batch, w)) {
            snprintf(msg, sizeof msg, "Workshop %s is being deleted already.", w->code);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        if (batch_add_read(&c->live->batch, w, c, f->request_id, finish_delete, "") != 0)
            conn_send_no_memory(c, f->request_id, "nothing was deleted");
        return;
    }
    default:
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "Say what to do with the workshop: archive, unarchive or delete.");
    }
}
