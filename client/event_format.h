/* One workshop event as `watch` prints it.
 *
 * For people, one line: "#SEQ HH:MM:SS ACTOR TYPE ID CHANGES", local time,
 * where each change reads "field old → new" (an edit), "field=new" (an
 * add: only a new value) or "field was old" (a remove: only an old value),
 * separated by ", ". Texts are in double quotes with \" \\ and control
 * characters escaped, an empty text as none (unquoted: "blocker
 * "No lease" → none"); numbers as render_number writes them; flags as
 * true/false.
 *
 * For scripts, one JSON object: {"seq","time_ms","actor","type","id",
 * "workshop","fields":{field:new,...},"old":{field:old,...}} with typed
 * values (string, number, boolean).
 *
 * Presence (people arriving, leaving, announcing what they edit) is not a
 * change and has no seq: its lines start with "~" instead of "#", so a
 * script keeping only changes can drop them ("~ HH:MM:SS alice arrived",
 * "~ ... alice is editing K3", "~ ... alice stopped editing", "~ ... alice
 * left"); as JSON, {"type":"presence","change","user","entity","time_ms",
 * "workshop"} with no "seq". */
#ifndef CASCADE_EVENT_FORMAT_H
#define CASCADE_EVENT_FORMAT_H

#include <cjson/cJSON.h>
#include <stdio.h>

#include "wire.h"

/* Prints the line, with its newline. */
void event_format_line(FILE *out, const Cascade__V1__Event *e);

/* The JSON object (the caller owns it), or NULL when out of memory. */
cJSON *event_format_json(const Cascade__V1__Event *e);

/* The same for a presence event. */
void event_format_presence_line(FILE *out, const Cascade__V1__PresenceEvent *p);
cJSON *event_format_presence_json(const Cascade__V1__PresenceEvent *p);

/* An administrator's broadcast, as watch shows it: a line "! 14:30:05
 * broadcast from admin: TEXT", or with json {"broadcast": {"from", "text",
 * "time_ms"}}. */
void event_format_broadcast(FILE *out, int json, const Cascade__V1__Broadcast *b);

#endif
