/* How the client shows a workshop's agenda and timer: the `agenda`
 * listing (and its JSON), the live view's header line, and the readable
 * lines `watch` prints for the timer's events. Works on the wire form,
 * with times on the server's clock; offset_ms is how far the server's
 * clock is ahead of this one (Welcome.server_time_ms minus the local time
 * it arrived), so a countdown shows the same moment everywhere. */
#ifndef CASCADE_AGENDA_VIEW_H
#define CASCADE_AGENDA_VIEW_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "wire.h"

/* The current step's time left at local time now_ms (negative: over
 * time); 0 when no step is under way. */
int64_t agenda_view_remaining(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms);

/* Prints the steps with planned and actual times, the current one marked,
 * then the timer, the projected end, the current prompt and the ready count. */
void agenda_view_print(FILE *out, const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms);

/* The agenda as JSON (the caller owns it), or NULL when out of memory. */
cJSON *agenda_view_json(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms);

/* One line for a header: "Step 2/6 Draft objectives · 12:34 left",
 * "... · time is up", "... · paused, 3:10 left", "Agenda finished", or ""
 * when there is no agenda under way. *time_up says whether the step is over
 * its time (to highlight). */
void agenda_view_header(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms,
                        char *out, size_t outlen, int *time_up);

/* Prints the line of an agenda event the way people read it ("#12 10:31:02
 * timer agenda.warning S2 2 minutes left in \"Define objectives\""), with
 * its newline; 0 when e is not one this module words (the caller prints it
 * the usual way). */
int agenda_view_event_line(FILE *out, const Cascade__V1__Event *e);

#endif
