/* cascade stats [--compare CODE]: the period's statistics (stats.h),
 * computed here from the workshop's snapshot, and with --compare the change
 * from another workshop's (the previous quarter's, say):
 *
 *   Q4 planning (2026-Q4) · code K7QF2M · seq 40
 *                               2026-Q4    2026-Q3     change
 *   Teams with OKRs              4 of 5     3 of 5         +1
 *   Objectives                        9          7         +2
 *     committed                       3          2         +1
 *   ...
 *   Check-in coverage          78% (21)   60% (12)    +18 pts
 *   Average confidence             0.62       0.55      +0.07
 *
 * One table of figures drives both the text and the JSON:
 * {"workshop":{...},"stats":{"teams":5,"teams_with_okrs":4,
 *  "objectives":{"total","committed","aspirational","company",...,"red",
 *  "orange","green","score_mean"},"key_results":{"total",...,
 *  "confidence_mean"},"checkins":{"checked_in","coverage","overdue"}}
 * (,"compare":{"workshop":{...},"stats":{...}},"change":{...same shape, this
 * period's figure minus the other's})}. */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "snapshot.h"
#include "stats.h"

enum figure_kind {
    FIGURE_COUNT,    /* a size_t at offset */
    FIGURE_MEAN,     /* a double at offset, 0..1 */
    FIGURE_COVERAGE, /* stats_checkin_coverage, shown as a percentage */
};

struct figure {
    const char *label;   /* the text's row */
    const char *group;   /* the JSON object it goes in, NULL: at the top */
    const char *key;     /* its name there */
    enum figure_kind kind;
    size_t offset;
    int optional; /* shown in the text only when not 0 in either period */
};

#define COUNT(label, group, key, field) {label, group, key, FIGURE_COUNT, offsetof(struct okr_stats, field), 0}
#define COUNT_IF(label, group, key, field) {label, group, key, FIGURE_COUNT, offsetof(struct okr_stats, field), 1}
#define MEAN(label, group, key, field) {label, group, key, FIGURE_MEAN, offsetof(struct okr_stats, field), 0}

static const struct figure FIGURES[] = {
    COUNT("Teams", NULL, "teams", teams),
    COUNT("Teams with OKRs", NULL, "teams_with_okrs", teams_with_okrs),
    COUNT("Objectives", "objectives", "total", objectives),
    COUNT("  committed", "objectives", "committed", committed),
    COUNT("  aspirational", "objectives", "aspirational", aspirational),
    COUNT_IF("  company level", "objectives", "company", objectives_at[OKR_LEVEL_COMPANY]),
    COUNT_IF("  department level", "objectives", "department", objectives_at[OKR_LEVEL_DEPARTMENT]),
    COUNT_IF("  team level", "objectives", "team", objectives_at[OKR_LEVEL_TEAM]),
    COUNT_IF("  individual level", "objectives", "individual", objectives_at[OKR_LEVEL_INDIVIDUAL]),
    COUNT_IF("  no level", "objectives", "no_level", objectives_at[OKR_LEVEL_NONE]),
    COUNT("  graded red", "objectives", "red", objective_grades[0]),
    COUNT("  graded orange", "objectives", "orange", objective_grades[1]),
    COUNT("  graded green", "objectives", "green", objective_grades[2]),
    MEAN("  average score", "objectives", "score_mean", score_mean),
    COUNT("Key results", "key_results", "total", key_results),
    COUNT_IF("  company level", "key_results", "company", key_results_at[OKR_LEVEL_COMPANY]),
    COUNT_IF("  department level", "key_results", "department", key_results_at[OKR_LEVEL_DEPARTMENT]),
    COUNT_IF("  team level", "key_results", "team", key_results_at[OKR_LEVEL_TEAM]),
    COUNT_IF("  individual level", "key_results", "individual", key_results_at[OKR_LEVEL_INDIVIDUAL]),
    COUNT_IF("  no level", "key_results", "no_level", key_results_at[OKR_LEVEL_NONE]),
    COUNT("  graded red", "key_results", "red", key_result_grades[0]),
    COUNT("  graded orange", "key_results", "orange", key_result_grades[1]),
    COUNT("  graded green", "key_results", "green", key_result_grades[2]),
    MEAN("  average confidence", "key_results", "confidence_mean", confidence_mean),
    COUNT("Key results checked in", "checkins", "checked_in", checked_in),
    {"Check-in coverage", "checkins", "coverage", FIGURE_COVERAGE, 0, 0},
    COUNT("Overdue check-ins", "checkins", "overdue", overdue),
};

#define NFIGURES (sizeof FIGURES / sizeof FIGURES[0])

_Static_assert(STATS_COLOURS == 3, "the grade rows name red, orange and green");

static double figure_value(const struct figure *f, const struct okr_stats *st)
{
    const char *base = (const char *)st;
    switch (f->kind) {
    case FIGURE_COUNT:
        return (double)*(const size_t *)(const void *)(base + f->offset);
    case FIGURE_MEAN:
        return *(const double *)(const void *)(base + f->offset);
    case FIGURE_COVERAGE:
        return stats_checkin_coverage(st);
    }
    return 0;
}

/* One figure as the text shows it. */
static void format_value(const struct figure *f, const struct okr_stats *st, char *out, size_t n)
{
    double v = figure_value(f, st);
    if (f->kind == FIGURE_COUNT && strcmp(f->key, "teams_with_okrs") == 0)
        snprintf(out, n, "%.0f of %zu", v, st->teams);
    else if (f->kind == FIGURE_COUNT)
        snprintf(out, n, "%.0f", v);
    else if (f->kind == FIGURE_MEAN)
        snprintf(out, n, "%.2f", v);
    else
        snprintf(out, n, "%.0f%%", v * 100.0);
}

static void format_change(const struct figure *f, const struct okr_stats *now,
                          const struct okr_stats *then, char *out, size_t n)
{
    double d = figure_value(f, now) - figure_value(f, then);
    if (f->kind == FIGURE_COUNT)
        snprintf(out, n, "%+.0f", d);
    else if (f->kind == FIGURE_MEAN)
        snprintf(out, n, "%+.2f", d);
    else
        snprintf(out, n, "%+.0f pts", d * 100.0);
    /* "-0" and "+0.00" say nothing changed: show it plainly. */
    if (strspn(out + 1, "0.") == strlen(out + 1) && strstr(out, " pts") == NULL)
        snprintf(out, n, "0");
    else if (strcmp(out, "+0 pts") == 0 || strcmp(out, "-0 pts") == 0)
        snprintf(out, n, "0 pts");
}

static const char *period_label(const Cascade__V1__Snapshot *snap)
{
    if (snap->info != NULL && snap->info->period[0] != '\0')
        return snap->info->period;
    return snap->workshop;
}

static void print_text(const struct snapshot *now, const struct okr_stats *a,
                       const struct snapshot *then, const struct okr_stats *b)
{
    const Cascade__V1__WorkshopInfo *info = now->snap->info;
    struct render_header h = {
        .code = now->snap->workshop,
        .title = info != NULL && info->title[0] ? info->title : now->snap->workshop,
        .period = info != NULL ? info->period : "",
        .seq = now->snap->seq,
    };
    render_heading(stdout, &h, 0);
    if (b != NULL)
        printf("%-26s %12.12s %12.12s %10s\n", "", period_label(now->snap),
               period_label(then->snap), "change");
    for (size_t i = 0; i < NFIGURES; i++) {
        const struct figure *f = &FIGURES[i];
        if (f->optional && figure_value(f, a) == 0 && (b == NULL || figure_value(f, b) == 0))
            continue;
        char va[32], vb[32], ch[32];
        format_value(f, a, va, sizeof va);
        if (b == NULL) {
            printf("%-26s %12s\n", f->label, va);
            continue;
        }
        format_value(f, b, vb, sizeof vb);
        format_change(f, a, b, ch, sizeof ch);
        printf("%-26s %12s %12s %10s\n", f->label, va, vb, ch);
    }
}

/* The figures of st as JSON; with minus, st's minus minus's (the change). */
static cJSON *stats_json(const struct okr_stats *st, const struct okr_stats *minus)
{
    cJSON *o = cJSON_CreateObject();
    for (size_t i = 0; o != NULL && i < NFIGURES; i++) {
        const struct figure *f = &FIGURES[i];
        cJSON *into = o;
        if (f->group != NULL) {
            into = cJSON_GetObjectItemCaseSensitive(o, f->group);
            if (into == NULL)
                into = cJSON_AddObjectToObject(o, f->group);
        }
        double v = figure_value(f, st) - (minus != NULL ? figure_value(f, minus) : 0.0);
        if (into == NULL || cJSON_AddNumberToObject(into, f->key, f->kind == FIGURE_COUNT
                                                                     ? v
                                                                     : okr_json_round3(v)) == NULL) {
            cJSON_Delete(o);
            return NULL;
        }
    }
    return o;
}

static int print_json(const struct snapshot *now, const struct okr_stats *a,
                      const struct snapshot *then, const struct okr_stats *b)
{
    cJSON *o = snapshot_json_head(now->snap);
    cJSON *s = stats_json(a, NULL);
    if (o == NULL || s == NULL || !cJSON_AddItemToObject(o, "stats", s)) {
        cJSON_Delete(s);
        cJSON_Delete(o);
        return -1;
    }
    if (b != NULL) {
        cJSON *other = snapshot_json_head(then->snap), *os = stats_json(b, NULL),
              *change = stats_json(a, b);
        int ok = other != NULL && os != NULL && change != NULL &&
                 cJSON_AddItemToObject(other, "stats", os);
        if (!ok)
            cJSON_Delete(os);
        if (!ok || !cJSON_AddItemToObject(o, "compare", other)) {
            cJSON_Delete(other);
            cJSON_Delete(change);
            cJSON_Delete(o);
            return -1;
        }
        if (!cJSON_AddItemToObject(o, "change", change)) {
            cJSON_Delete(change);
            cJSON_Delete(o);
            return -1;
        }
    }
    return output_json(o);
}

/* Fetches workshop's snapshot into s over c; the failure is printed. */
static int fetch(struct client *c, const char *workshop, struct snapshot *s)
{
    char err[1024];
    int rc = snapshot_request(c, workshop, &s->snap, &s->st, err, sizeof err);
    if (rc != EXIT_OK)
        cli_error("%s", err);
    return rc;
}

int cmd_stats(struct cli *cli, struct args *a)
{
    const char *compare = NULL;
    char ws[SETTINGS_CODE_MAX + 1], other[SETTINGS_CODE_MAX + 1], err[256];
    int r = args_value(a, "--compare", &compare);
    if (r < 0)
        return cli_usage("stats", a->err);
    int rc = cli_finish(cli, a, "stats", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    if (compare != NULL &&
        settings_code_normalise(compare, other, sizeof other, err, sizeof err) != 0)
        return cli_usage("stats", err);
    if (compare != NULL && strcmp(other, ws) == 0)
        return cli_usage("stats", "--compare names the workshop itself; name another period's.");

    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    struct snapshot now = {0}, then = {0};
    rc = fetch(c, ws, &now);
    if (rc == EXIT_OK && compare != NULL && (rc = fetch(c, other, &then)) != EXIT_OK)
        snapshot_close(&now);
    client_close(c);
    if (rc != EXIT_OK)
        return rc;

    struct okr_stats a_st, b_st;
    stats_compute(&now.st, &a_st);
    if (compare != NULL)
        stats_compute(&then.st, &b_st);
    const struct snapshot *tp = compare != NULL ? &then : NULL;
    const struct okr_stats *bp = compare != NULL ? &b_st : NULL;
    if (cli->json) {
        if (print_json(&now, &a_st, tp, bp) != 0) {
            cli_error("Out of memory while printing the statistics.");
            rc = EXIT_REFUSED;
        }
    } else {
        print_text(&now, &a_st, tp, bp);
    }
    snapshot_close(&now);
    if (compare != NULL)
        snapshot_close(&then);
    return rc;
}
