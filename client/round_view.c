#include "round_view.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "errors.h"
#include "output.h"
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

static cJSON *names_json(char **names, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateString(names[i]));
    return arr;
}

static cJSON *key_result_json(const Cascade__V1__ConfidenceRound *r,
                              const Cascade__V1__RoundKeyResult *k)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "id", k->key_result);
    cJSON_AddItemToObject(e, "submitted", names_json(k->submitted, k->n_submitted));
    cJSON_AddItemToObject(e, "waiting", names_json(k->waiting, k->n_waiting));
    if (k->has_mine)
        cJSON_AddNumberToObject(e, "mine", k->mine);
    else
        cJSON_AddNullToObject(e, "mine");
    if (r->open)
        return e;
    cJSON *values = cJSON_AddArrayToObject(e, "values");
    for (size_t i = 0; i < k->n_values; i++) {
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "user", k->values[i]->user);
        cJSON_AddNumberToObject(v, "confidence", k->values[i]->confidence);
        cJSON_AddItemToArray(values, v);
    }
    struct round_stats st;
    if (round_view_stats(k, &st) == 0 && st.count > 0) {
        cJSON_AddNumberToObject(e, "count", (double)st.count);
        cJSON_AddNumberToObject(e, "min", st.min);
        cJSON_AddNumberToObject(e, "max", st.max);
        cJSON_AddNumberToObject(e, "mean", st.mean);
        cJSON_AddNumberToObject(e, "median", st.median);
        cJSON_AddNumberToObject(e, "spread", st.spread);
        cJSON_AddBoolToObject(e, "wide", st.wide);
    } else {
        cJSON_AddNumberToObject(e, "count", 0);
    }
    return e;
}

void round_view_json_into(cJSON *o, const Cascade__V1__ConfidenceRound *r)
{
    size_t submitted, expected;
    round_view_progress(r, &submitted, &expected);
    cJSON_AddNumberToObject(o, "round", r->number);
    cJSON_AddBoolToObject(o, "open", r->open);
    cJSON_AddStringToObject(o, "started_by", r->started_by);
    cJSON_AddNumberToObject(o, "started_ms", (double)r->started_ms);
    output_json_text_or_null(o, "revealed_by", r->revealed_by);
    if (r->open)
        cJSON_AddNullToObject(o, "revealed_ms");
    else
        cJSON_AddNumberToObject(o, "revealed_ms", (double)r->revealed_ms);
    cJSON_AddBoolToObject(o, "applied", r->applied);
    cJSON_AddNumberToObject(o, "submitted", (double)submitted);
    cJSON_AddNumberToObject(o, "expected", (double)expected);
    cJSON_AddNumberToObject(o, "wide_spread", ROUND_WIDE_SPREAD);
    cJSON *arr = cJSON_AddArrayToObject(o, "key_results");
    for (size_t i = 0; i < r->n_key_results; i++)
        cJSON_AddItemToArray(arr, key_result_json(r, r->key_results[i]));
}
