/* Who is in a workshop now: the users with a connection subscribed to it,
 * and what each announced they are editing. Subscribers hear of arrivals,
 * departures and editing announcements as PresenceEvent pushes. */
#ifndef CASCADE_PRESENCE_H
#define CASCADE_PRESENCE_H

#include "wire.h"

struct conn;
struct workshop;

/* Subscribes c to w's events; the user's first subscribed connection
 * announces them as joined. 0 or CAS_ENOMEM. */
int presence_subscribe(struct conn *c, struct workshop *w);

/* Unsubscribes c from w; the user's last one announces them as gone. */
void presence_unsubscribe(struct conn *c, struct workshop *w);

/* Unsubscribes a closing connection from everything. */
void presence_drop(struct conn *c);

void handle_presence_query(struct conn *c, const WireFrame *f);
void handle_editing(struct conn *c, const WireFrame *f);

#endif
