#include "bench_stats.h"

#include <stdlib.h>
#include <time.h>

#include "array.h"

uint64_t bench_now_us(void)
{
    static uint64_t origin;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    if (origin == 0)
        origin = us - 1;
    return us - origin;
}

uint64_t tracker_stamp(const struct tracker *t)
{
    uint64_t now = bench_now_us();
    if (t->n > 0 && now <= t->edits[t->n - 1].sent_us)
        now = t->edits[t->n - 1].sent_us + 1;
    return now;
}

int tracker_sent(struct tracker *t, uint64_t sent_us, uint32_t expected)
{
    if (ARRAY_GROW(t->edits, t->cap, t->n + 1) != 0)
        return -1;
    if (t->n == 0)
        t->first_sent_us = sent_us;
    t->edits[t->n++] = (struct edit_record){sent_us, 0, expected, 0};
    return 0;
}

static struct edit_record *find(struct tracker *t, uint64_t sent_us)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->edits[mid].sent_us < sent_us)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < t->n && t->edits[lo].sent_us == sent_us ? &t->edits[lo] : NULL;
}

void tracker_delivered(struct tracker *t, uint64_t sent_us, uint64_t now_us)
{
    struct edit_record *e = find(t, sent_us);
    if (e == NULL || e->delivered >= e->expected) {
        t->unmatched++;
        return;
    }
    t->deliveries++;
    e->delivered++;
    if (now_us > e->last_us)
        e->last_us = now_us;
    if (now_us > t->last_delivery_us)
        t->last_delivery_us = now_us;
    if (e->delivered == e->expected &&
        ARRAY_GROW(t->latency_ms, t->latency_cap, t->nlatency + 1) == 0)
        t->latency_ms[t->nlatency++] = (double)(e->last_us - e->sent_us) / 1000.0;
}

size_t tracker_incomplete(const struct tracker *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += t->edits[i].delivered < t->edits[i].expected;
    return n;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double rank(const double *sorted, size_t n, double p)
{
    size_t k = (size_t)(p * (double)n + 0.999999);
    if (k < 1)
        k = 1;
    return sorted[(k > n ? n : k) - 1];
}

struct latency_summary tracker_latency(struct tracker *t)
{
    struct latency_summary s = {0, 0, 0, 0, t->nlatency};
    if (t->nlatency == 0)
        return s;
    qsort(t->latency_ms, t->nlatency, sizeof *t->latency_ms, cmp_double);
    s.p50 = rank(t->latency_ms, t->nlatency, 0.50);
    s.p90 = rank(t->latency_ms, t->nlatency, 0.90);
    s.p99 = rank(t->latency_ms, t->nlatency, 0.99);
    s.max = t->latency_ms[t->nlatency - 1];
    return s;
}

void tracker_free(struct tracker *t)
{
    free(t->edits);
    free(t->latency_ms);
    *t = (struct tracker){0};
}

static double per_second(uint64_t n, double seconds)
{
    return seconds > 0 ? (double)n / seconds : 0;
}

void bench_report_print(FILE *out, const struct bench_report *r, int json)
{
    double offered = per_second(r->offered, r->seconds), acked = per_second(r->acked, r->seconds),
           delivered = per_second(r->deliveries, r->seconds);
    if (json) {
        fprintf(out,
                "{\"target\":\"%s\",\"clients\":%u,\"groups\":%u,\"writers\":%u,\"rate\":%.0f,"
                "\"seconds\":%.3f,\"offered\":%llu,\"acked\":%llu,\"deliveries\":%llu,"
                "\"offered_per_s\":%.1f,\"acked_per_s\":%.1f,\"deliveries_per_s\":%.1f,"
                "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f,"
                "\"edits\":%zu},\"errors\":%llu,\"incomplete\":%zu,\"server_rss_kib\":%lld,"
                "\"server_cpu_s\":%.2f,\"driver_cpu_s\":%.2f,\"idle\":%u,\"rss_per_idle_kib\":%.1f}\n",
                r->target, r->clients, r->groups, r->writers, r->rate, r->seconds,
                (unsigned long long)r->offered, (unsigned long long)r->acked,
                (unsigned long long)r->deliveries, offered, acked, delivered, r->latency.p50,
                r->latency.p90, r->latency.p99, r->latency.max, r->latency.count,
                (unsigned long long)r->errors, r->incomplete, (long long)r->server_rss_kib,
                r->server_cpu_s, r->driver_cpu_s, r->idle, r->rss_per_idle_kib);
        return;
    }
    fprintf(out, "%s: %u clients in %u groups, %u writing", r->target, r->clients, r->groups,
            r->writers);
    if (r->rate > 0)
        fprintf(out, " at %.0f edits/s in all\n", r->rate);
    else
        fprintf(out, " as fast as they are acknowledged\n");
    fprintf(out, "  %-22s %12.1f /s  (%llu in %.2f s)\n", "edits offered", offered,
            (unsigned long long)r->offered, r->seconds);
    fprintf(out, "  %-22s %12.1f /s\n", "edits acknowledged", acked);
    fprintf(out, "  %-22s %12.1f /s  (%llu)\n", "deliveries", delivered,
            (unsigned long long)r->deliveries);
    fprintf(out, "  %-22s p50 %.2f  p90 %.2f  p99 %.2f  max %.2f ms  (%zu edits)\n",
            "edit -> last watcher", r->latency.p50, r->latency.p90, r->latency.p99,
            r->latency.max, r->latency.count);
    fprintf(out, "  %-22s %llu  (edits not seen by every watcher: %zu)\n", "errors",
            (unsigned long long)r->errors, r->incomplete);
    if (r->server_rss_kib >= 0)
        fprintf(out, "  %-22s %lld KiB RSS, %.2f CPU s during the run\n", "server",
                (long long)r->server_rss_kib, r->server_cpu_s);
    fprintf(out, "  %-22s %.2f CPU s during the run%s\n", "this driver", r->driver_cpu_s,
            r->seconds > 0 && r->driver_cpu_s > 0.9 * r->seconds
                ? " (a full core: the driver, not the server, set the pace)"
                : "");
    if (r->rss_per_idle_kib >= 0)
        fprintf(out, "  %-22s %.1f KiB per connection (%u idle ones)\n", "idle memory",
                r->rss_per_idle_kib, r->idle);
    if (r->durability != NULL)
        fprintf(out, "  %s\n", r->durability);
}
