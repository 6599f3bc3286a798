#include "agenda_timer.h"

#include "apply_agenda.h"
#include "clock.h"
#include "errors.h"
#include "live.h"
#include "log.h"
#include "store.h"

/* Writes a running agenda as it is at now, outside any batch: only when
 * nothing of the workshop waits for a commit, so that what is written is
 * durable state with the running time folded in, and nothing more. */
static void checkpoint(struct live *l, struct workshop *w, int64_t now)
{
    /* Nodes sharing a database would write each their own idea of the
     * timer over the others'; there, the agenda is saved at its events. */
    if (w->agenda.state != AGENDA_RUNNING || w->pending > 0 || cluster_shared(l))
        return;
    agenda_fold(&w->agenda, now);
    int rc = store_agenda_save(l->store, w->id, &w->agenda);
    if (rc != 0)
        log_warn("cannot save the timer of workshop %s: %s", w->code, cas_strerror(rc));
}

/* Makes the events w's timer owes at now (at most a warning and a time
 * up), queued in the batch. */
static void give_due(struct live *l, struct workshop *w, int64_t now)
{
    struct apply_ctx ctx = {.workshop = w->code, .actor = "", .now_ms = now,
                            .limits = &l->cfg.text_limits};
    for (int i = 0; i < 2; i++) {
        if (agenda_due(&w->agenda, now, l->cfg.agenda_warning_ms) == AGENDA_DUE_NONE)
            return;
        /* Every node runs the timer: the first to claim the workshop gives
         * what is due, the others find it given once they catch up. */
        if (cluster_claim(l, w) != 0 ||
            agenda_due(&w->agenda, now, l->cfg.agenda_warning_ms) == AGENDA_DUE_NONE ||
            batch_reserve(&l->batch) != 0)
            return;
        struct apply_result r;
        if (apply_agenda_tick(w, &ctx, l->cfg.agenda_warning_ms, &r) != 1)
            return; /* out of memory: the next tick tries again */
        batch_add_agenda(&l->batch, w, NULL, 0, "", now, &r);
    }
}

static void on_tick(uv_timer_t *t)
{
    struct live *l = t->data;
    int64_t now = clock_now_ms();
    int save = now - l->agenda_checkpoint_ms >= AGENDA_CHECKPOINT_MS;
    /* Every checkpoint of the tick in one transaction: one sync, however
     * many timers run. */
    if (save && store_begin(l->store) != 0)
        save = 0;
    for (size_t i = 0; i < l->registry.n; i++) {
        struct workshop *w = l->registry.items[i];
        /* A closed workshop changes in no way, its timer's events and
         * checkpoints included, until it is reopened; nor an archived one
         * until it is back in service. */
        if (w->agenda.state != AGENDA_RUNNING || workshop_at_rest(w))
            continue;
        if (save)
            checkpoint(l, w, now);
        give_due(l, w, now);
    }
    if (save) {
        if (store_commit(l->store) != 0)
            store_rollback(l->store);
        l->agenda_checkpoint_ms = now;
    }
}

int agenda_timer_start(struct live *l)
{
    int rc = uv_timer_init(l->loop, &l->agenda_timer);
    if (rc != 0)
        return CAS_EIO;
    l->agenda_timer.data = l;
    l->agenda_checkpoint_ms = clock_now_ms();
    uv_timer_start(&l->agenda_timer, on_tick, AGENDA_TICK_MS, AGENDA_TICK_MS);
    return 0;
}

void agenda_timer_stop(struct live *l)
{
    if (l->agenda_timer.loop == NULL || uv_is_closing((uv_handle_t *)&l->agenda_timer))
        return;
    int64_t now = clock_now_ms();
    int began = store_begin(l->store) == 0;
    for (size_t i = 0; i < l->registry.n; i++)
        if (!workshop_at_rest(l->registry.items[i]))
            checkpoint(l, l->registry.items[i], now);
    if (began && store_commit(l->store) != 0)
        store_rollback(l->store);
    uv_close((uv_handle_t *)&l->agenda_timer, NULL);
}
