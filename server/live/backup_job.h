/* The administrator's online backup (cascade admin backup FILE): one at a
 * time, copied a few pages per loop turn so that edits and deliveries go on
 * while it runs, and answered when the copy is whole and in place. */
#ifndef CASCADE_BACKUP_JOB_H
#define CASCADE_BACKUP_JOB_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct live;

/* The copy's pace: 64 pages of 4 KiB (a quarter of a megabyte, a fraction
 * of a millisecond of work) every 5 ms, about 50 MiB/s, and every 16 steps
 * (4 MiB) the copied pages' writeback is started. Left to one fsync at the
 * end, a 100 MiB copy was flushed at once and held up the commits' own
 * fsyncs: the bench's p99 went from 4 ms to 108 ms while backups ran; with
 * the writeback spread out it stays at 9-11 ms (docs/PERFORMANCE.md). */
#define BACKUP_PAGES_PER_STEP 64
#define BACKUP_STEP_MS 5
#define BACKUP_WRITEBACK_STEPS 16
_Static_assert(BACKUP_STEP_MS > 0, "a repeating timer needs a period");

/* Starts a backup into path (on the server's file system) for c's request
 * request_id, answered with an Ack (its note saying what was written) or an
 * Error when done. 0, or a negative CAS_E* with a sentence in err (nothing
 * started: another backup is running, the path exists or cannot be made). */
int backup_job_start(struct live *l, struct conn *c, uint64_t request_id, const char *path,
                     char *err, size_t errlen);

/* A connection is closing: its backup goes on, unanswered. */
void backup_job_forget_conn(struct live *l, struct conn *c);

/* Stops a running backup (the server is shutting down), removing the
 * unfinished copy. */
void backup_job_stop(struct live *l);

#endif
