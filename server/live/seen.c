#include "seen.h"

#include "live.h"
#include "log.h"
#include "store.h"
#include "workshop.h"

#define SEEN_SAVE_INTERVAL_MS 60000

void seen_note(struct live *l, struct workshop *w, int64_t user_id, int64_t now_ms)
{
    for (size_t i = 0; i < w->nparticipants; i++) {
        struct participant *p = &w->participants[i];
        if (p->user_id != user_id)
            continue;
        p->last_seen_ms = now_ms;
        p->seen_unsaved = 1;
        l->seen_unsaved = 1;
    }
}

static int save_workshop(struct store *st, struct workshop *w)
{
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < w->nparticipants; i++) {
        struct participant *p = &w->participants[i];
        if (p->seen_unsaved)
            rc = store_participant_seen(st, w->id, p->user_id, p->last_seen_ms);
    }
    return rc;
}

void seen_save(struct live *l, int64_t now_ms, int force)
{
    if (!l->seen_unsaved || (!force && now_ms - l->seen_saved_ms < SEEN_SAVE_INTERVAL_MS))
        return;
    l->seen_saved_ms = now_ms;
    /* Its own transaction: the batch's commit is done when this runs. */
    int rc = store_begin(l->store);
    for (size_t i = 0; rc == 0 && i < l->registry.n; i++)
        rc = save_workshop(l->store, l->registry.items[i]);
    if (rc == 0)
        rc = store_commit(l->store);
    if (rc != 0) {
        store_rollback(l->store);
        log_warn("could not save when participants were last seen; will try again");
        return;
    }
    for (size_t i = 0; i < l->registry.n; i++) {
        struct workshop *w = l->registry.items[i];
        for (size_t j = 0; j < w->nparticipants; j++)
            w->participants[j].seen_unsaved = 0;
    }
    l->seen_unsaved = 0;
}
