#include "cadence_timer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "batch.h"
#include "clock.h"
#include "errors.h"
#include "live.h"
#include "log.h"
#include "store.h"
#include "workshop.h"

/* Woken at least this often, so that a wall clock set forward or back
 * is noticed within the hour. */
#define CADENCE_MAX_SLEEP_MS (3600 * (int64_t)1000)

void cadence_state_refresh(struct workshop_cadence *c)
{
    c->ndues = c->has_dates ? cadence_dues(&c->sched, c->dues) : 0;
    c->from_text[0] = c->to_text[0] = '\0';
    if (c->has_dates) {
        cadence_date_format(&c->sched.from, c->from_text, sizeof c->from_text);
        cadence_date_format(&c->sched.to, c->to_text, sizeof c->to_text);
    }
    cadence_format(&c->sched.rule, c->rule_text, sizeof c->rule_text);
    /* Computed once here: libical's conversions cost microseconds, and a
     * snapshot asks for every key result's state. */
    for (size_t i = 0; i < c->ndues; i++)
        c->overdues[i] = cadence_overdue_at(&c->sched, c->dues[i]);
    c->start_ms = c->has_dates ? cadence_period_start(&c->sched) : 0;
}

int cadence_state_load(struct workshop *w, const struct store_schedule *s)
{
    struct workshop_cadence *c = w->cadence;
    if (c == NULL && (c = calloc(1, sizeof *c)) == NULL)
        return CAS_ENOMEM;
    memset(c, 0, sizeof *c);
    w->cadence = c;
    snprintf(c->sched.zone, sizeof c->sched.zone, "UTC");
    if (s == NULL) {
        cadence_state_refresh(c);
        return 0;
    }
    c->has_dates = cadence_date_parse(s->period_from, &c->sched.from) == 0 &&
                   cadence_date_parse(s->period_to, &c->sched.to) == 0;
    if (cadence_zone_valid(s->timezone))
        snprintf(c->sched.zone, sizeof c->sched.zone, "%s", s->timezone);
    if (cadence_parse(s->cadence, &c->sched.rule, NULL, 0) != 0)
        c->sched.rule.freq = CADENCE_OFF;
    c->done_ms = s->done_ms;
    cadence_state_refresh(c);
    return 0;
}

void cadence_state_store(const struct workshop *w, struct store_schedule *out)
{
    const struct workshop_cadence *c = w->cadence;
    memset(out, 0, sizeof *out);
    if (c->has_dates) {
        cadence_date_format(&c->sched.from, out->period_from, sizeof out->period_from);
        cadence_date_format(&c->sched.to, out->period_to, sizeof out->period_to);
    }
    snprintf(out->timezone, sizeof out->timezone, "%s", c->sched.zone);
    cadence_format(&c->sched.rule, out->cadence, sizeof out->cadence);
    out->done_ms = c->done_ms;
}

int cadence_active(const struct workshop *w)
{
    /* A closed workshop's quarter is over: nothing is due in it, and it
     * gives no events (after a reopen, the dates that passed meanwhile come
     * at once, once each). An archived one is out of service. */
    return w->cadence != NULL && w->cadence->has_dates &&
           w->cadence->sched.rule.freq != CADENCE_OFF && !workshop_at_rest(w);
}

int cadence_may_fire(const struct workshop *w)
{
    return cadence_active(w);
}

struct cadence_status cadence_key_result_status(const struct workshop *w,
                                                const struct okr_key_result *k, int64_t now_ms)
{
    struct cadence_status none = {.state = CADENCE_NONE};
    if (!cadence_active(w))
        return none;
    const struct workshop_cadence *c = w->cadence;
    return cadence_status_of(c->dues, c->overdues, c->ndues, c->start_ms, k->checked_in_ms, now_ms);
}

size_t cadence_owed_by(const struct workshop *w, const struct okr_key_result *k,
                       const char **names, size_t max)
{
    if (max == 0)
        return 0;
    if (k->owner != NULL && k->owner[0] != '\0') {
        names[0] = k->owner;
        return 1;
    }
    const struct okr_objective *o = okr_objective_find(&w->state, k->objective);
    if (o == NULL)
        return 0;
    if (o->owner != NULL && o->owner[0] != '\0') {
        names[0] = o->owner;
        return 1;
    }
    size_t n = 0;
    for (size_t i = 0; i < w->nteam_members && n < max; i++) {
        if (w->team_members[i].team != o->team)
            continue;
        const struct participant *p = workshop_participant(w, w->team_members[i].user_id);
        if (p != NULL)
            names[n++] = p->name;
    }
    return n;
}

static int owes(const struct workshop *w, const struct okr_key_result *k, const char *user)
{
    const char *names[64];
    size_t n = cadence_owed_by(w, k, names, 64);
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], user) == 0)
            return 1;
    return 0;
}

uint32_t cadence_due_count(const struct live *l, int64_t user_id, const char *user,
                           int64_t now_ms)
{
    uint32_t count = 0;
    for (size_t i = 0; i < l->registry.n; i++) {
        const struct workshop *w = l->registry.items[i];
        if (!cadence_active(w) || workshop_participant(w, user_id) == NULL)
            continue;
        for (size_t j = 0; j < w->state.nkey_results; j++) {
            const struct okr_key_result *k = &w->state.key_results[j];
            struct cadence_status st = cadence_key_result_status(w, k, now_ms);
            if ((st.state == CADENCE_DUE || st.state == CADENCE_OVERDUE) && owes(w, k, user))
                count++;
        }
    }
    return count;
}

/* ---- The timer ---- */

/* The first due date or overdue moment after done_ms; 0 when none. */
static int64_t next_moment(const struct workshop_cadence *c)
{
    int64_t next = 0;
    for (size_t i = 0; i < c->ndues; i++) {
        if (c->dues[i] > c->done_ms) {
            next = c->dues[i];
            break;
        }
    }
    for (size_t i = 0; i < c->ndues; i++) {
        if (c->overdues[i] > c->done_ms) {
            if (next == 0 || c->overdues[i] < next)
                next = c->overdues[i];
            break;
        }
    }
    return next;
}

/* Queues one event about key result k, carrying done_ms = now so that the
 * processing is durable with it. 0, or CAS_ENOMEM with nothing queued. */
static int give(struct live *l, struct workshop *w, const struct okr_key_result *k,
                const char *type, int64_t due_ms, size_t missed, int64_t now)
{
    const struct workshop_cadence *c = w->cadence;
    char subject[OKR_NAME_MAX + 1], due[32], count[24], owner[OKR_NAME_MAX * 4];
    okr_id_format(OKR_KEY_RESULT, k->num, subject, sizeof subject);
    cadence_local_format(&c->sched, due_ms, due, sizeof due);
    const char *names[8];
    size_t n = cadence_owed_by(w, k, names, 8);
    size_t used = 0;
    owner[0] = '\0';
    for (size_t i = 0; i < n && used < sizeof owner; i++)
        used += (size_t)snprintf(owner + used, sizeof owner - used, "%s%s", i ? ", " : "",
                                 names[i]);
    struct people_field fields[3];
    size_t nfields = 0;
    fields[nfields++] = (struct people_field){.name = "due", .new_value = due};
    if (n > 0)
        fields[nfields++] = (struct people_field){.name = "owner", .new_value = owner};
    if (missed > 1) {
        snprintf(count, sizeof count, "%zu", missed);
        fields[nfields++] = (struct people_field){.name = "missed", .new_value = count};
    }
    struct apply_ctx ctx = {.workshop = w->code, .actor = "", .now_ms = now,
                            .limits = &l->cfg.text_limits};
    struct apply_result r;
    int rc = batch_reserve(&l->batch);
    if (rc == 0)
        rc = apply_people(&w->state, &ctx, 0, type, subject, fields, nfields, NULL, &r);
    if (rc != 0)
        return rc;
    struct people_change change = {.op = PEOPLE_CADENCE_DONE, .when_ms = now};
    batch_add_people(&l->batch, w, NULL, 0, "", now, &r, &change);
    return 0;
}

/* Gives what fell due in w between done_ms and now, and moves done_ms
 * there: 1 when events were queued (they carry done_ms), 0 when none
 * were, -1 when memory ran out on the way. */
static int process(struct live *l, struct workshop *w, int64_t now)
{
    struct workshop_cadence *c = w->cadence;
    int64_t from = c->done_ms;
    int gave = 0;
    int64_t start = c->start_ms;
    for (size_t j = 0; j < w->state.nkey_results; j++) {
        const struct okr_key_result *k = &w->state.key_results[j];
        int64_t oldest = 0, current = 0;
        size_t missed = 0;
        for (size_t i = 0; i < c->ndues && c->dues[i] <= now; i++) {
            int64_t since = i > 0 ? c->dues[i - 1] : start;
            if (k->checked_in_ms > since)
                continue; /* satisfied */
            if (c->overdues[i] <= now) {
                if (c->overdues[i] > from && missed++ == 0)
                    oldest = c->dues[i];
            } else if (c->dues[i] > from) {
                current = c->dues[i];
            }
        }
        if ((missed > 0 && give(l, w, k, "checkin.overdue", oldest, missed, now) != 0) ||
            (current != 0 && give(l, w, k, "checkin.due", current, 0, now) != 0)) {
            /* Some may be queued, carrying the mark: better to skip the
             * rest than to give those twice. */
            c->done_ms = now;
            return -1;
        }
        gave |= missed > 0 || current != 0;
    }
    c->done_ms = now;
    return gave;
}

static void on_fire(uv_timer_t *t)
{
    struct live *l = t->data;
    int64_t now = clock_now_ms();
    int began = 0;
    for (size_t i = 0; i < l->registry.n; i++) {
        struct workshop *w = l->registry.items[i];
        if (!cadence_may_fire(w))
            continue;
        int64_t next = next_moment(w->cadence);
        if (next == 0 || next > now)
            continue;
        /* Every node runs the timer: the first to claim the workshop gives
         * what is due, the others find it given once they catch up. */
        if (cluster_shared(l)) {
            if (cluster_claim(l, w) != 0 || !cadence_may_fire(w))
                continue;
            next = next_moment(w->cadence);
            if (next == 0 || next > now)
                continue;
        }
        int rc = process(l, w, now);
        if (rc < 0) {
            log_warn("out of memory giving the check-ins due in workshop %s; trying again",
                     w->code);
            break;
        }
        if (rc == 0) {
            /* Nothing was owed: the mark alone, so that a restart does not
             * look at these moments again. */
            if (!began)
                began = store_begin(l->store) == 0;
            if (began && store_workshop_set_cadence_done(l->store, w->id, now) != 0)
                log_warn("cannot save how far the cadence of workshop %s has run", w->code);
        }
    }
    if (began && store_commit(l->store) != 0)
        store_rollback(l->store);
    cadence_timer_arm(l);
}

void cadence_timer_arm(struct live *l)
{
    if (l->cadence_timer.loop == NULL || uv_is_closing((uv_handle_t *)&l->cadence_timer))
        return;
    int64_t next = 0;
    for (size_t i = 0; i < l->registry.n; i++) {
        const struct workshop *w = l->registry.items[i];
        if (!cadence_may_fire(w))
            continue;
        int64_t m = next_moment(w->cadence);
        if (m != 0 && (next == 0 || m < next))
            next = m;
    }
    uv_timer_stop(&l->cadence_timer);
    if (next == 0)
        return;
    int64_t wait = next - clock_now_ms();
    if (wait < 0)
        wait = 0;
    if (wait > CADENCE_MAX_SLEEP_MS)
        wait = CADENCE_MAX_SLEEP_MS;
    uv_timer_start(&l->cadence_timer, on_fire, (uint64_t)wait, 0);
}

int cadence_timer_start(struct live *l)
{
    if (uv_timer_init(l->loop, &l->cadence_timer) != 0)
        return CAS_EIO;
    l->cadence_timer.data = l;
    cadence_timer_arm(l);
    return 0;
}

void cadence_timer_stop(struct live *l)
{
    if (l->cadence_timer.loop == NULL || uv_is_closing((uv_handle_t *)&l->cadence_timer))
        return;
    uv_close((uv_handle_t *)&l->cadence_timer, NULL);
}
