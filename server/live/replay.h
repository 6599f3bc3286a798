/* Replaying a workshop's history to a new subscriber (Subscribe since N).
 *
 * A long history must neither stop the loop nor pile up in memory: the
 * replay goes out in chunks, one per loop turn, and waits whenever the
 * subscriber's unsent bytes pass a high-water mark, resuming as its socket
 * drains. Events committed meanwhile are read from the log like the rest;
 * once the replay reaches the workshop's last durable event the connection
 * joins the subscribers (so later events come by broadcast, none twice or
 * missing) and the Subscribe is acknowledged.
 *
 * Requests keep their order: frames the connection sends during its replay
 * are held (and reading paused) until the Ack has gone out. */
#ifndef CASCADE_REPLAY_H
#define CASCADE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct live;
struct workshop;

/* Events per chunk, and the unsent bytes at which a replay waits (or a
 * quarter of --max-outbound, when that is less). */
#define REPLAY_CHUNK_EVENTS 512
#define REPLAY_HIGH_WATER ((size_t)512 * 1024)

/* Starts replaying w's events after since_seq to c, answering request_id
 * with the Ack at the end. 0, or CAS_ENOMEM. */
int replay_start(struct conn *c, struct workshop *w, uint64_t request_id, uint64_t since_seq);

/* Joins c to w's subscribers and acknowledges the Subscribe with w's last
 * durable seq: the end of a replay, or all of it when there is nothing to
 * replay. Changes of the batch in flight are broadcast after their commit,
 * so none is missed. */
void replay_join(struct conn *c, struct workshop *w, uint64_t request_id);

/* Moves every replay on by a chunk; from the loop's turn-end check, after
 * the commit, so the workshop's durable end is current. */
void replay_step(struct live *l);

/* Forgets c's replay (the connection is closing). */
void replay_cancel(struct conn *c);

#endif
