/* What `cascade admin stats` reports beyond the running totals
 * (counters.h): when the server started, the most connections open at
 * once, the rates of requests, events and deliveries over the last 1, 5
 * and 15 minutes (common/rates.h, sampled once a second by the server's
 * sweep) and the durations of the last commits (common/recent.h, added by
 * the batch). The most connections open at once is the net's
 * (net.peak_conns). On the loop only. */
#ifndef CASCADE_VITALS_H
#define CASCADE_VITALS_H

#include <stddef.h>
#include <stdint.h>

#include "rates.h"
#include "recent.h"

/* The series rates follows, in its totals' order. */
enum vitals_series {
    VITALS_REQUESTS,
    VITALS_EVENTS,
    VITALS_DELIVERIES,
    VITALS_LOGINS,
};

struct vitals {
    int64_t started_ms;       /* wall clock */
    uint64_t started_mono_ms; /* loop clock, which rates are measured on */
    struct rates rates;
    struct recent commits;
};

/* Starts counting at now (wall clock) and mono_ms (the loop's clock). */
void vitals_init(struct vitals *v, int64_t now_ms, uint64_t mono_ms);

/* Samples the totals (once a second is enough). */
void vitals_tick(struct vitals *v, uint64_t mono_ms);

/* The running totals now, in enum vitals_series order. */
void vitals_totals(uint64_t totals[RATES_SERIES]);

#endif
