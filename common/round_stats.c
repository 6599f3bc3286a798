#include "round_stats.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* Values like 0.7 and 0.4 are not exact in binary: their difference comes
 * out a hair under 0.3. A spread within this of the threshold counts as
 * reaching it, as a person reading the two values would say it does. */
#define SPREAD_EPSILON 1e-9

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int round_stats_compute(const double *values, size_t n, struct round_stats *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return 0;
    double *sorted = malloc(n * sizeof *sorted);
    if (sorted == NULL)
        return CAS_ENOMEM;
    memcpy(sorted, values, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, by_value);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += sorted[i];
    out->count = n;
    out->min = sorted[0];
    out->max = sorted[n - 1];
    out->mean = sum / (double)n;
    out->median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    out->spread = out->max - out->min;
    out->wide = out->spread >= ROUND_WIDE_SPREAD - SPREAD_EPSILON;
    free(sorted);
    return 0;
}
