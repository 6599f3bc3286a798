/* The server's running totals (counters.h). */
#include "counters.h"

const double COUNTERS_COMMIT_BOUNDS[COUNTERS_COMMIT_BUCKETS] = {
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1.0,
};

struct counters COUNTERS;

void counters_commit(uint64_t ns)
{
    counters_add(&COUNTERS.commits, 1);
    counters_add(&COUNTERS.commit_ns, ns);
    double s = (double)ns / 1e9;
    for (int i = 0; i < COUNTERS_COMMIT_BUCKETS; i++)
        if (s <= COUNTERS_COMMIT_BOUNDS[i])
            counters_add(&COUNTERS.commit_buckets[i], 1);
}
