/* The server's running totals, for the Prometheus endpoint (metrics.h):
 * counted on the loop thread, read from the HTTP server's thread, hence
 * atomics (relaxed: each is a number on its own, no ordering between them). */
#ifndef CASCADE_COUNTERS_H
#define CASCADE_COUNTERS_H

#include <stdatomic.h>
#include <stdint.h>

/* Upper bounds of the commit-time histogram's buckets, in seconds. */
#define COUNTERS_COMMIT_BUCKETS 10
extern const double COUNTERS_COMMIT_BOUNDS[COUNTERS_COMMIT_BUCKETS];

struct counters {
    atomic_uint_fast64_t connections_accepted;
    atomic_uint_fast64_t connections_open; /* a gauge */
    atomic_uint_fast64_t requests;
    atomic_uint_fast64_t logins;
    atomic_uint_fast64_t events;     /* changes committed */
    atomic_uint_fast64_t deliveries; /* events sent to subscribers */
    atomic_uint_fast64_t commits;
    atomic_uint_fast64_t commit_ns;  /* their total time */
    atomic_uint_fast64_t commit_buckets[COUNTERS_COMMIT_BUCKETS]; /* cumulative per bound */
};

extern struct counters COUNTERS;

static inline void counters_add(atomic_uint_fast64_t *c, uint64_t n)
{
    atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

static inline void counters_sub(atomic_uint_fast64_t *c, uint64_t n)
{
    atomic_fetch_sub_explicit(c, n, memory_order_relaxed);
}

static inline uint64_t counters_read(atomic_uint_fast64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

/* Counts one commit that took ns nanoseconds. */
void counters_commit(uint64_t ns);

#endif
