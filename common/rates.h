/* Rates per second over the last 1, 5 and 15 minutes, like a load average
 * but exact: a ring of the running totals sampled every RATES_STEP_S
 * seconds, so a window's rate is (total now - total then) / its length.
 * Until the server has run a whole window, the window is as long as the
 * server has run (the rate is never diluted by time before the start).
 * Pure: the caller gives the time and the totals (admin stats reads the
 * server's counters.h through it). */
#ifndef CASCADE_RATES_H
#define CASCADE_RATES_H

#include <stddef.h>
#include <stdint.h>

#define RATES_STEP_S 5
#define RATES_SERIES 4 /* how many totals are followed at once */
#define RATES_WINDOWS 3
/* 15 minutes of samples, and the one before them. */
#define RATES_SLOTS (15 * 60 / RATES_STEP_S + 1)

extern const unsigned RATES_WINDOW_S[RATES_WINDOWS]; /* 60, 300, 900 */

struct rates_sample {
    uint64_t at_ms;
    uint64_t totals[RATES_SERIES];
};

struct rates {
    struct rates_sample ring[RATES_SLOTS];
    size_t n;    /* samples kept, up to RATES_SLOTS */
    size_t last; /* index of the newest */
};

/* Starts the ring with the totals at now_ms (the server's start). */
void rates_init(struct rates *r, uint64_t now_ms, const uint64_t totals[RATES_SERIES]);

/* Records the totals at now_ms when a step has passed since the newest
 * sample; does nothing otherwise (so it may be called every second). A
 * clock that went back is ignored. */
void rates_tick(struct rates *r, uint64_t now_ms, const uint64_t totals[RATES_SERIES]);

/* The rate per second of series over window (an index of RATES_WINDOW_S),
 * up to now_ms, whose totals are given: measured from the oldest sample
 * no older than the window. 0 when no time has passed. */
double rates_per_s(const struct rates *r, size_t series, size_t window, uint64_t now_ms,
                   const uint64_t totals[RATES_SERIES]);

#endif
