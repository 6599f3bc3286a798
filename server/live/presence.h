/* Who is in a workshop now: the users with a connection subscribed to it,
 * and what each announced they are editing. Subscribers hear of arrivals,
 * departures and editing announcements as PresenceEvent pushes. */
#ifndef CASCADE_PRESENCE_H
#define CASCADE_PRESENCE_H

struct conn;
struct workshop;

/* Subscribes c to w's events; the user's first subscribed connection
 * announces them as joined. 0 or CAS_ENOMEM. */
int presence_subscribe(struct conn *c, struct workshop *w);

/* Unsubscribes c from w; the user's last one announces them as gone. */
void presence_unsubscribe(struct conn *c, struct workshop *w);

/* Unsubscribes a closing connection from everything. */
void presence_drop(struct conn *c);

/* c's subscription to w, or NULL. */
struct subscription *presence_find(struct conn *c, const struct workshop *w);

/* Tells w's subscribers that user did change ("join", "leave", "editing")
 * on entity ("" for none). */
void presence_announce(struct workshop *w, const char *user, const char *change,
                       const char *entity);

#endif
