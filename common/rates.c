/* Rates over sliding windows from sampled totals (rates.h). */
#include "rates.h"

#include <string.h>

const unsigned RATES_WINDOW_S[RATES_WINDOWS] = {60, 300, 900};

void rates_init(struct rates *r, uint64_t now_ms, const uint64_t totals[RATES_SERIES])
{
    memset(r, 0, sizeof *r);
    r->ring[0].at_ms = now_ms;
    memcpy(r->ring[0].totals, totals, sizeof r->ring[0].totals);
    r->n = 1;
}

void rates_tick(struct rates *r, uint64_t now_ms, const uint64_t totals[RATES_SERIES])
{
    const struct rates_sample *newest = &r->ring[r->last];
    if (now_ms < newest->at_ms + (uint64_t)RATES_STEP_S * 1000)
        return;
    r->last = (r->last + 1) % RATES_SLOTS;
    r->ring[r->last].at_ms = now_ms;
    memcpy(r->ring[r->last].totals, totals, sizeof r->ring[r->last].totals);
    if (r->n < RATES_SLOTS)
        r->n++;
}

double rates_per_s(const struct rates *r, size_t series, size_t window, uint64_t now_ms,
                   const uint64_t totals[RATES_SERIES])
{
    if (series >= RATES_SERIES || window >= RATES_WINDOWS)
        return 0;
    uint64_t span_ms = (uint64_t)RATES_WINDOW_S[window] * 1000;
    /* Walk from the newest sample back to the oldest one inside the
     * window; the ring is in time order. */
    const struct rates_sample *from = &r->ring[r->last];
    for (size_t k = 0; k < r->n; k++) {
        const struct rates_sample *s = &r->ring[(r->last + RATES_SLOTS - k) % RATES_SLOTS];
        if (s->at_ms + span_ms < now_ms)
            break;
        from = s;
    }
    if (now_ms <= from->at_ms || totals[series] < from->totals[series])
        return 0;
    return (double)(totals[series] - from->totals[series]) * 1000.0 /
           (double)(now_ms - from->at_ms);
}
