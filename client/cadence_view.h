/* The check-in cadence as the client shows it: the schedule read back from
 * a snapshot's WorkshopInfo, where a key result stands (from the fields the
 * server fills), and the schedule as iCalendar (built with libical). */
#ifndef CASCADE_CADENCE_VIEW_H
#define CASCADE_CADENCE_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "cadence.h"
#include "wire.h"

/* The workshop's schedule from info: 1 when it has a cadence (a rule and
 * the period's dates), 0 when not (s then holds what there is). */
int cadence_view_schedule(const Cascade__V1__WorkshopInfo *info, struct cadence_schedule *s);

/* "overdue", "due" (its due time has passed, a day not yet), "upcoming",
 * or NULL when the key result has no due check-in (no cadence, or the
 * period is over). */
const char *cadence_view_state(const Cascade__V1__KeyResult *k, int64_t now_ms);

/* The schedule of snap's workshop as an iCalendar text: a VCALENDAR with,
 * per person who owes check-ins, one VEVENT whose RRULE repeats over the
 * period (with the zone's VTIMEZONE, or in UTC), naming their key results;
 * one for the whole workshop when nobody owes any yet. now_ms stamps it.
 * A malloc'd string, or NULL when the workshop has no cadence or memory
 * ran out. */
char *cadence_view_ics(const Cascade__V1__Snapshot *snap, int64_t now_ms);

#endif
