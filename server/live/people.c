#include "people.h"

#include <assert.h>
#include <stdio.h>

#include "cadence_timer.h"
#include "clock.h"
#include "conn.h"
#include "live.h"
#include "workshop.h"

/* The change in memory, after workshop_reserve_people: it cannot fail. */
static void change_in_memory(struct workshop *w, const struct people_change *p, const char *name,
                             int64_t now_ms)
{
    int rc = 0;
    switch (p->op) {
    case PEOPLE_SET_ROLE:
        rc = workshop_set_participant(w, p->user_id, name, p->role, now_ms);
        if (rc == 0 && p->team != 0)
            rc = workshop_add_team_member(w, p->team, p->user_id);
        break;
    case PEOPLE_ADD_TO_TEAM:
        rc = workshop_add_team_member(w, p->team, p->user_id);
        break;
    case PEOPLE_REMOVE:
        rc = workshop_drop_participant(w, p->user_id); /* the caller found them */
        break;
    case PEOPLE_REMOVE_FROM_TEAM:
        workshop_remove_team_member(w, p->team, p->user_id);
        break;
    case PEOPLE_SET_OBSERVER_COMMENTS:
        w->observer_comments = p->value;
        break;
    case PEOPLE_SET_SCHEDULE:
        *w->cadence = *p->schedule;
        if (p->period != w->period)
            snprintf(w->period, sizeof w->period, "%s", p->period);
        break;
    case PEOPLE_CADENCE_DONE:
    case PEOPLE_ROUND_START: /* rounds change in memory by their appliers (round.h) */
    case PEOPLE_ROUND_SUBMIT:
    case PEOPLE_ROUND_REVEAL:
    case PEOPLE_NOTE:
    case PEOPLE_NONE:
        break;
    }
    assert(rc == 0);
    (void)rc;
}

int people_change(struct conn *c, struct workshop *w, uint64_t request_id,
                  const struct people_change *change, const char *name, const char *type,
                  const char *subject, const struct people_field *fields, size_t nfields,
                  WireFrame *reply)
{
    struct live *l = c->live;
    struct apply_ctx ctx = {.workshop = w->code, .actor = c->user, .now_ms = clock_now_ms()};
    struct apply_result r;
    int rc = batch_reserve(&l->batch);
    if (rc == 0)
        rc = workshop_reserve_people(w);
    if (rc == 0)
        rc = apply_people(&w->state, &ctx, request_id, type, subject, fields, nfields, reply, &r);
    if (rc != 0) {
        conn_send_no_memory(c, request_id, "nothing changed");
        return rc;
    }
    change_in_memory(w, change, name, ctx.now_ms);
    batch_add_people(&l->batch, w, c, request_id, c->user, ctx.now_ms, &r, change);
    return 0;
}
