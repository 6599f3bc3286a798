/* What both load drivers (cascade-bench and mosquitto-bench) count, the same
 * way: every edit (or message) carries the microsecond it was sent, on the
 * one clock of the driver's process; each delivery to a watcher is matched
 * to its edit by that timestamp, and an edit's latency is the time until its
 * last expected watcher had it. */
#ifndef CASCADE_BENCH_STATS_H
#define CASCADE_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Microseconds on CLOCK_MONOTONIC since the first call (never 0). */
uint64_t bench_now_us(void);

struct edit_record {
    uint64_t sent_us;
    uint64_t last_us;   /* when the latest watcher got it */
    uint32_t expected;  /* watchers that should get it */
    uint32_t delivered;
};

struct tracker {
    struct edit_record *edits; /* in the order sent: sent_us strictly increases */
    size_t n, cap;
    uint64_t deliveries;  /* every matched delivery */
    uint64_t unmatched;   /* deliveries naming no edit, or one edit twice too often */
    double *latency_ms;   /* one per fully delivered edit: sent → last watcher */
    size_t nlatency, latency_cap;
    uint64_t first_sent_us, last_delivery_us;
};

/* A send timestamp for a new edit: now, or one more than the last one when
 * the clock has not moved, so that timestamps identify edits. */
uint64_t tracker_stamp(const struct tracker *t);

/* Records an edit sent at sent_us (from tracker_stamp) that `expected`
 * watchers should receive. 0, or -1 when out of memory. */
int tracker_sent(struct tracker *t, uint64_t sent_us, uint32_t expected);

/* A watcher received the edit sent at sent_us, at now_us. */
void tracker_delivered(struct tracker *t, uint64_t sent_us, uint64_t now_us);

/* Edits some expected watcher never received. */
size_t tracker_incomplete(const struct tracker *t);

struct latency_summary {
    double p50, p90, p99, max;
    size_t count;
};

/* Percentiles (nearest rank) of the fully delivered edits' latencies. */
struct latency_summary tracker_latency(struct tracker *t);

void tracker_free(struct tracker *t);

/* One run's figures, printed the same way by both drivers. */
struct bench_report {
    const char *target;       /* "cascaded" or "mosquitto" */
    unsigned clients, groups, writers; /* groups: workshops or topics */
    double rate;              /* edits per second asked for; 0: as fast as acknowledged */
    double seconds;           /* from the first edit sent to the last delivery */
    uint64_t offered, acked;  /* edits sent; acknowledged (QoS 0: sent) */
    uint64_t deliveries;
    struct latency_summary latency;
    uint64_t errors;          /* refusals, lost connections, unmatched deliveries */
    size_t incomplete;        /* edits some watcher never received */
    int64_t server_rss_kib;   /* -1: no --server-pid */
    double server_cpu_s;      /* CPU seconds the server used during the run; -1: unknown */
    double driver_cpu_s;      /* and this process: near the run's length, the driver was the limit */
    unsigned idle;            /* idle connections opened */
    double rss_per_idle_kib;  /* -1: not measured */
    const char *durability;   /* one sentence on what an acknowledgement means */
};

/* A table for people, or one JSON object (--json) with at least
 * acked_per_s, deliveries_per_s, latency_ms {p50,p90,p99,max}, errors and
 * server_rss_kib. */
void bench_report_print(FILE *out, const struct bench_report *r, int json);

#endif
