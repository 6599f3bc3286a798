/* The check-in cadence on the server: each workshop's schedule in memory
 * (period dates, zone, rule, its due dates), the state of each key result
 * against it, and one timer on the loop for the next moment anything
 * falls due across all workshops.
 *
 * When a due date comes (cadence.h says when a check-in satisfies it), the
 * key results still owing it get a `checkin.due` event; a day later those
 * still owing it get `checkin.overdue`. The events have no actor and go
 * through the batch like the agenda timer's, so they are durable, numbered
 * and replayed by `watch --since`.
 *
 * Nothing skipped, nothing twice: each workshop keeps how far its schedule
 * has been processed (done_ms), saved in the same transaction as the
 * events it gave. On start, or after the loop was busy, everything between
 * done_ms and now is processed at once: a key result that missed several
 * due dates meanwhile gets one overdue event naming the oldest it missed
 * (and how many), and a due event only for a due date not yet overdue.
 * A change of the period, zone or rule starts the schedule afresh from the
 * moment of the change: due dates already past are not announced. */
#ifndef CASCADE_CADENCE_TIMER_H
#define CASCADE_CADENCE_TIMER_H

#include <stddef.h>
#include <stdint.h>

#include "cadence.h"

struct live;
struct okr_key_result;
struct store_schedule;
struct workshop;

/* A workshop's schedule (w->cadence). */
struct workshop_cadence {
    struct cadence_schedule sched;
    int has_dates;   /* the period has dates */
    int64_t done_ms; /* due dates and overdue moments up to here were processed */
    int64_t dues[CADENCE_DUES_MAX];
    int64_t overdues[CADENCE_DUES_MAX]; /* when each due date becomes overdue */
    size_t ndues;
    int64_t start_ms; /* when the period begins */
    /* As readers see them (WorkshopInfo): "" for dates when there are none. */
    char from_text[CADENCE_DATE_LEN + 1], to_text[CADENCE_DATE_LEN + 1];
    char rule_text[CADENCE_TEXT_MAX];
};

/* Sets w's schedule from its stored form (a missing or bad part reads as
 * none). 0 or CAS_ENOMEM. */
int cadence_state_load(struct workshop *w, const struct store_schedule *s);

/* The stored form of w's schedule. */
void cadence_state_store(const struct workshop *w, struct store_schedule *out);

/* Recomputes the due dates and texts after sched or has_dates changed. */
void cadence_state_refresh(struct workshop_cadence *c);

/* The one decision whether w's cadence may give events now: a rule and a
 * period with dates, in a workshop that is not closed. */
int cadence_may_fire(const struct workshop *w);

/* Whether w has a cadence at all (a rule and dates, and not closed), for
 * what readers see. */
int cadence_active(const struct workshop *w);

/* Where key result k stands at now_ms (CADENCE_NONE without a cadence). */
struct cadence_status cadence_key_result_status(const struct workshop *w,
                                                const struct okr_key_result *k, int64_t now_ms);

/* Who owes k's check-ins: its owner; without one, its objective's owner;
 * without one either, the members of the objective's team. Up to max
 * names (pointing into w) into names; their count. */
size_t cadence_owed_by(const struct workshop *w, const struct okr_key_result *k,
                       const char **names, size_t max);

/* How many check-ins user owes that are due or overdue at now_ms, over
 * every workshop they take part in. */
uint32_t cadence_due_count(const struct live *l, int64_t user_id, const char *user,
                           int64_t now_ms);

/* Starts the timer on l's loop and gives what fell due while the server
 * was down. 0 or a negative CAS_E* code. */
int cadence_timer_start(struct live *l);

/* Sets the timer for the next moment anything falls due (after a change
 * of a schedule). */
void cadence_timer_arm(struct live *l);

/* Closes the timer (at a graceful stop). */
void cadence_timer_stop(struct live *l);

#endif
