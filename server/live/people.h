/* Changes to who takes part in a workshop (joining, roles, team membership,
 * removal), made like changes to the cascade: an event with the workshop's
 * next seq, the change in memory at once, the rows and the event written by
 * the batch's commit, and the answer sent only after it. So `watch` shows
 * who joined or was promoted, and the log keeps who did it. */
#ifndef CASCADE_PEOPLE_H
#define CASCADE_PEOPLE_H

#include <stddef.h>
#include <stdint.h>

#include "apply.h"
#include "batch.h"

struct conn;
struct workshop;

/* Makes the change (name: the user concerned) and queues it with its event
 * (type, subject, fields; reply answers request_id after the commit, NULL
 * for a plain Ack). 0; otherwise the request has been answered with an
 * error and nothing changed. */
int people_change(struct conn *c, struct workshop *w, uint64_t request_id,
                  const struct people_change *change, const char *name, const char *type,
                  const char *subject, const struct people_field *fields, size_t nfields,
                  WireFrame *reply);

#endif
