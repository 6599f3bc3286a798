/* The administrator's online backup (cascade admin backup FILE): one at a
 * time, copied a few pages per loop turn so that edits and deliveries go on
 * while it runs, and answered when the copy is whole and in place. */
#ifndef CASCADE_BACKUP_JOB_H
#define CASCADE_BACKUP_JOB_H

#include <stddef.h>
#include <stdint.h>

struct conn;
struct live;

/* Pages copied per loop turn: 64 pages of 4 KiB is a quarter of a
 * megabyte, a fraction of a millisecond of work between two turns' I/O. */
#define BACKUP_PAGES_PER_STEP 64

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
