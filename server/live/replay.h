/* Sending what is too long for one frame, paced by the reader: a
 * workshop's history to a new subscriber (Subscribe since N), or a
 * workshop's snapshot (SnapshotRequest) in SnapshotChunks.
 *
 * A long history must neither stop the loop nor pile up in memory: the
 * replay goes out in chunks, one per loop turn, and waits whenever the
 * subscriber's unsent bytes pass a high-water mark, resuming as its socket
 * drains. Events committed meanwhile are read from the log like the rest;
 * once the replay reaches the workshop's last durable event the connection
 * joins the subscribers (so later events come by broadcast, none twice or
 * missing) and the Subscribe is acknowledged.
 *
 * A snapshot goes the same way: its chunks go out while the reader's
 * unsent bytes stay under the mark, so a workshop of any size reaches any
 * reader without one frame near --max-outbound.
 *
 * Requests keep their order: frames the connection sends during its replay
 * are held (and reading paused) until the Ack, or the last chunk, has gone
 * out. */
#ifndef CASCADE_REPLAY_H
#define CASCADE_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct live;
struct snapshot_image;
struct workshop;

/* Events per chunk, and the unsent bytes at which a replay waits (or a
 * quarter of --max-outbound, when that is less). */
#define REPLAY_CHUNK_EVENTS 512
#define REPLAY_HIGH_WATER ((size_t)512 * 1024)

/* The largest SnapshotChunk's data (or half the high-water mark). */
#define REPLAY_SNAPSHOT_CHUNK ((size_t)64 * 1024)

/* Starts replaying w's events after since_seq to c, answering request_id
 * with the Ack at the end; c then joins w's subscribers, unless
 * history_only (replay_end). 0, or CAS_ENOMEM. */
int replay_start(struct conn *c, struct workshop *w, uint64_t request_id, uint64_t since_seq,
                 int history_only);

/* Starts sending img's bytes, then tail's, to c as the SnapshotChunks
 * answering request_id. Takes its own reference to img, and tail (malloc'd:
 * freed even on failure). 0, or CAS_ENOMEM. */
int replay_start_snapshot(struct conn *c, struct snapshot_image *img, uint8_t *tail,
                          size_t tail_len, uint64_t request_id);

/* Joins c to w's subscribers and acknowledges the Subscribe with w's last
 * durable seq: the end of a replay, or all of it when there is nothing to
 * replay. Changes of the batch in flight are broadcast after their commit,
 * so none is missed. */
void replay_join(struct conn *c, struct workshop *w, uint64_t request_id);

/* The end of a history-only Subscribe: the Ack with w's last durable seq,
 * and nothing more (no live events, no presence). */
void replay_end(struct conn *c, struct workshop *w, uint64_t request_id);

/* Moves every replay on by a chunk; from the loop's turn-end check, after
 * the commit, so the workshop's durable end is current. */
void replay_step(struct live *l);

/* Whether a history of w is being sent to anyone. */
int replay_busy_with(const struct live *l, const struct workshop *w);

/* Forgets c's replay (the connection is closing). */
void replay_cancel(struct conn *c);

#endif
