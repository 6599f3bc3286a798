/* Recent durations and their percentiles (recent.h). */
#include "recent.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void recent_add(struct recent *r, uint64_t ns)
{
    r->ns[r->next] = ns;
    r->next = (r->next + 1) % RECENT_MAX;
    if (r->n < RECENT_MAX)
        r->n++;
}

static int by_value(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

uint64_t recent_percentile(const struct recent *r, double p)
{
    if (r->n == 0 || !(p > 0))
        return 0;
    uint64_t sorted[RECENT_MAX];
    memcpy(sorted, r->ns, r->n * sizeof sorted[0]);
    qsort(sorted, r->n, sizeof sorted[0], by_value);
    /* Nearest rank: the smallest value with at least p% of them at or
     * below it. */
    double rank = ceil(p / 100.0 * (double)r->n);
    size_t i = rank < 1 ? 0 : (size_t)rank - 1;
    return sorted[i < r->n ? i : r->n - 1];
}
