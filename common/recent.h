/* The durations of the last RECENT_MAX occurrences of something (the
 * server's commits), for exact percentiles of recent behaviour: a
 * histogram since the start (counters.h) says little about the last
 * minutes of a server that has run for weeks. Pure and single-threaded. */
#ifndef CASCADE_RECENT_H
#define CASCADE_RECENT_H

#include <stddef.h>
#include <stdint.h>

#define RECENT_MAX 4096

struct recent {
    uint64_t ns[RECENT_MAX];
    size_t n;    /* kept, up to RECENT_MAX */
    size_t next; /* where the next one goes */
};

void recent_add(struct recent *r, uint64_t ns);

/* The p-th percentile (0 < p <= 100) of the kept durations, nearest rank,
 * in nanoseconds; 0 when none. Sorts a copy: for an administrator's
 * question, not for every commit. */
uint64_t recent_percentile(const struct recent *r, double p);

#endif
