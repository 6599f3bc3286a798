/* When each participant was last seen: noted in memory the moment their
 * last connection stops following a workshop, and saved lazily (once a
 * minute at most, and when the server stops), because it is for people's
 * information and a disk write per departure would let anyone who can
 * connect make the server fsync at will. A crash loses at most the last
 * minute of it. */
#ifndef CASCADE_SEEN_H
#define CASCADE_SEEN_H

#include <stdint.h>

struct live;
struct workshop;

/* Notes that user_id stopped following w at now_ms. */
void seen_note(struct live *l, struct workshop *w, int64_t user_id, int64_t now_ms);

/* Saves the unsaved notes: when force, or when the last save is a minute
 * old. A failure is logged and retried at the next save. */
void seen_save(struct live *l, int64_t now_ms, int force);

#endif
