#include "round_view.h"

#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "render.h"

void round_view_progress(const Cascade__V1__ConfidenceRound *r, size_t *submitted,
                         size_t *expected)
{
    *submitted = *expected = 0;
    for (size_t i = 0; i < r->n_key_results; i++) {
        *submitted += r->key_results[i]->n_submitted;
        *expected += r->key_results[i]->n_submitted + r->key_results[i]->n_waiting;
    }
}

int round_view_stats(const Cascade__V1__RoundKeyResult *k, struct round_stats *out)
{
    double *values = calloc(k->n_values + 1, sizeof *values);
    if (values == NULL)
        return CAS_ENOMEM;
    for (size_t i = 0; i < k->n_values; i++)
        values[i] = k->values[i]->confidence;
    int rc = round_stats_compute(values, k->n_values, out);
    free(values);
    return rc;
}

void round_view_summary(const Cascade__V1__ConfidenceRound *r, char *out, size_t outlen)
{
    if (r->open) {
        size_t submitted, expected;
        round_view_progress(r, &submitted, &expected);
        snprintf(out, outlen, "confidence round %u: %zu of %zu submitted", r->number, submitted,
                 expected);
        return;
    }
    size_t wide = 0;
    for (size_t i = 0; i < r->n_key_results; i++) {
        struct round_stats st;
        if (round_view_stats(r->key_results[i], &st) == 0 && st.wide)
            wide++;
    }
    snprintf(out, outlen, "confidence round %u revealed: %zu of %zu key result%s with wide "
             "disagreement", r->number, wide, r->n_key_results,
             r->n_key_results == 1 ? "" : "s");
}

void round_view_key_result_line(const Cascade__V1__RoundKeyResult *k, char *out, size_t outlen)
{
    struct round_stats st;
    if (round_view_stats(k, &st) != 0 || st.count == 0) {
        snprintf(out, outlen, "%s  no values", k->key_result);
        return;
    }
    char lo[32], hi[32], median[32], spread[32];
    render_confidence(st.min, lo, sizeof lo);
    render_confidence(st.max, hi, sizeof hi);
    render_confidence(st.median, median, sizeof median);
    render_confidence(st.spread, spread, sizeof spread);
    snprintf(out, outlen, "%s  n=%zu  %s-%s  median %s  spread %s%s", k->key_result, st.count,
             lo, hi, median, spread, st.wide ? "  WIDE" : "");
}

void round_view_live_lines(const Cascade__V1__ConfidenceRound *r, char *summary, size_t slen,
                           char *values, size_t vlen, int *wide)
{
    summary[0] = values[0] = '\0';
    *wide = 0;
    if (r == NULL)
        return;
    round_view_summary(r, summary, slen);
    if (r->open)
        return;
    size_t len = 0;
    for (size_t i = 0; i < r->n_key_results && len + 1 < vlen; i++) {
        struct round_stats st;
        if (round_view_stats(r->key_results[i], &st) != 0 || st.count == 0)
            continue;
        char lo[32], hi[32], median[32], part[160];
        render_confidence(st.min, lo, sizeof lo);
        render_confidence(st.max, hi, sizeof hi);
        render_confidence(st.median, median, sizeof median);
        if (st.count == 1)
            snprintf(part, sizeof part, "%s %s", r->key_results[i]->key_result, median);
        else
            snprintf(part, sizeof part, "%s %s-%s med %s%s", r->key_results[i]->key_result, lo,
                     hi, median, st.wide ? " WIDE" : "");
        *wide |= st.wide;
        int n = snprintf(values + len, vlen - len, "%s%s", len ? " | " : "", part);
        if (n < 0 || (size_t)n >= vlen - len) {
            values[len] = '\0'; /* what does not fit is left for `round status` */
            break;
        }
        len += (size_t)n;
    }
}
