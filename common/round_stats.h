/* What a confidence round's revealed values say about one key result: how
 * many, the lowest, highest, mean and median, and the spread between the
 * lowest and the highest, flagged as wide disagreement from
 * ROUND_WIDE_SPREAD on. The one computation the server (the median a
 * revealed round checks in) and the client (what `round reveal`, `watch`
 * and the live view print) share. */
#ifndef CASCADE_ROUND_STATS_H
#define CASCADE_ROUND_STATS_H

#include <stddef.h>

/* A spread this wide (max - min) or wider is flagged: people who see the
 * same key result that differently should talk before anyone checks in. */
#define ROUND_WIDE_SPREAD 0.3

struct round_stats {
    size_t count;
    double min, max, mean, median;
    double spread; /* max - min */
    int wide;      /* spread >= ROUND_WIDE_SPREAD */
};

/* Computes the statistics of n values (confidences from 0 to 1), in any
 * order; values is not changed. With n == 0 everything is 0. 0, or
 * CAS_ENOMEM (the median sorts a copy). */
int round_stats_compute(const double *values, size_t n, struct round_stats *out);

#endif
