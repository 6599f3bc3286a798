/* Presence across the nodes of one database: each node tells the others
 * who arrives in, leaves or edits in a workshop through it (NOTIFY on
 * cascade_presence), and keeps what it hears in the workshop's remote
 * list, which `who` shows with its own subscribers and which its
 * subscribers hear of as PresenceEvents. A node starting asks the others
 * to tell it who is there; every few seconds each node says it is alive,
 * and the people of a node not heard of for a while are taken as gone (a
 * node killed says nothing). With SQLite there is one node: nothing here
 * runs. */
#ifndef CASCADE_REMOTE_PRESENCE_H
#define CASCADE_REMOTE_PRESENCE_H

#include <stdint.h>

struct live;
struct workshop;

/* A node not heard of for this long is taken as gone, with its people. */
#define REMOTE_PRESENCE_TIMEOUT_MS 15000
/* How often a node says it is alive. */
#define REMOTE_PRESENCE_HEARTBEAT_MS 5000

/* Tells the other nodes of a change here: change "join", "leave" or
 * "editing" (entity "" for none), since_ms when the user arrived. */
void remote_presence_share(struct live *l, const struct workshop *w, const char *user,
                           const char *change, const char *entity, int64_t since_ms);

/* A notice from another node (the payload of cascade_presence). */
void remote_presence_heard(struct live *l, const char *payload);

/* Every second (cluster_sweep): says this node is alive now and then,
 * and forgets the people of nodes gone quiet. */
void remote_presence_tick(struct live *l, int64_t now_ms);

/* At start: asks the other nodes who is present through them. */
void remote_presence_hello(struct live *l);

/* Whether user is present in w through this node or another one. */
int remote_presence_here(const struct workshop *w, const char *user);

#endif
