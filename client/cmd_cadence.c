/* cascade due and cascade cadence: the check-in cadence read from the
 * workshop's snapshot. The server says where each key result stands
 * (next_due_ms, overdue, owed_by: live/cadence_timer.h); the dates of the
 * schedule come from common/cadence.c, the same computation the server
 * makes.
 *
 *   due [--overdue] [--mine]     who owes which check-in, by due time:
 *     DUE               STATE     KR  OWED BY  TITLE
 *     2026-07-06 09:00  overdue   K2  bob      Cut churn to 2%
 *   cadence [--ics] [--out FILE] the due dates of the period, or the
 *                                schedule as iCalendar */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "cadence_view.h"
#include "cli.h"
#include "clock.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "snapshot.h"

static const char NO_CADENCE[] =
    "has no check-in cadence; a facilitator sets one with 'workshop set period 2026-Q3' and "
    "'workshop set cadence weekly:mon'.";

static int owed_by(const Cascade__V1__KeyResult *k, const char *user)
{
    for (size_t i = 0; i < k->n_owed_by; i++)
        if (strcmp(k->owed_by[i], user) == 0)
            return 1;
    return 0;
}

static int by_due(const void *a, const void *b)
{
    const Cascade__V1__KeyResult *x = *(Cascade__V1__KeyResult *const *)a;
    const Cascade__V1__KeyResult *y = *(Cascade__V1__KeyResult *const *)b;
    if (x->next_due_ms != y->next_due_ms)
        return x->next_due_ms < y->next_due_ms ? -1 : 1;
    size_t lx = strlen(x->id), ly = strlen(y->id); /* K2 before K10 */
    return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->id, y->id);
}

static void join_names(const Cascade__V1__KeyResult *k, char *out, size_t len)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < k->n_owed_by && used < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%s%s", i ? "," : "", k->owed_by[i]);
    if (k->n_owed_by == 0)
        snprintf(out, len, "-");
}

int cmd_due(struct cli *cli, struct args *a)
{
    int only_overdue = args_flag(a, "--overdue");
    int mine = args_flag(a, "--mine");
    struct session_stored me;
    if (mine && session_stored(cli, NULL, &me) != EXIT_OK)
        return EXIT_REFUSED;
    struct snapshot s;
    int rc = snapshot_open(cli, a, "due", &s);
    if (rc != EXIT_OK)
        return rc;
    struct cadence_schedule sched;
    int active = cadence_view_schedule(s.snap->info, &sched);
    int64_t now = clock_now_ms();
    size_t n = 0;
    const Cascade__V1__KeyResult **list = calloc(s.snap->n_key_results + 1, sizeof *list);
    if (list == NULL) {
        snapshot_close(&s);
        cli_error("Out of memory.");
        return EXIT_REFUSED;
    }
    for (size_t i = 0; active && i < s.snap->n_key_results; i++) {
        const Cascade__V1__KeyResult *k = s.snap->key_results[i];
        if (cadence_view_state(k, now) == NULL || (only_overdue && !k->overdue) ||
            (mine && !owed_by(k, me.user)))
            continue;
        list[n++] = k;
    }
    qsort(list, n, sizeof *list, by_due);
    char when[32], names[256];
    if (cli->json) {
        cJSON *o = snapshot_json_head(s.snap);
        if (active) {
            cJSON_AddStringToObject(o, "cadence", s.snap->info->cadence);
            cJSON_AddStringToObject(o, "timezone", sched.zone);
        } else {
            cJSON_AddNullToObject(o, "cadence");
        }
        cJSON *arr = cJSON_AddArrayToObject(o, "due");
        for (size_t i = 0; i < n; i++) {
            const Cascade__V1__KeyResult *k = list[i];
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "key_result", k->id);
            cJSON_AddStringToObject(j, "title", k->title);
            cadence_local_format(&sched, k->next_due_ms, when, sizeof when);
            cJSON_AddStringToObject(j, "due", when);
            cJSON_AddNumberToObject(j, "due_ms", (double)k->next_due_ms);
            cJSON_AddStringToObject(j, "state", cadence_view_state(k, now));
            cJSON_AddBoolToObject(j, "overdue", k->overdue);
            cJSON *by = cJSON_AddArrayToObject(j, "owed_by");
            for (size_t m = 0; m < k->n_owed_by; m++)
                cJSON_AddItemToArray(by, cJSON_CreateString(k->owed_by[m]));
            cJSON_AddItemToArray(arr, j);
        }
        rc = output_json(o) == 0 ? EXIT_OK : EXIT_REFUSED;
    } else if (!active) {
        printf("Workshop %s %s\n", s.snap->workshop, NO_CADENCE);
    } else if (n == 0) {
        printf("%s in %s.\n",
               only_overdue ? "No check-in is overdue" : "No check-in is due",
               s.snap->workshop);
    } else {
        static const char *const heads[] = {"DUE", "STATE", "KR", "OWED BY", "TITLE"};
        struct table t;
        if (table_init(&t, 5, heads) != 0) {
            rc = EXIT_REFUSED;
        } else {
            for (size_t i = 0; i < n; i++) {
                const Cascade__V1__KeyResult *k = list[i];
                cadence_local_format(&sched, k->next_due_ms, when, sizeof when);
                join_names(k, names, sizeof names);
                const char *row[] = {when, cadence_view_state(k, now), k->id, names, k->title};
                table_add(&t, row);
            }
            table_print(&t, stdout);
            table_free(&t);
        }
    }
    free(list);
    snapshot_close(&s);
    return rc;
}

static int write_out(const char *path, const char *text)
{
    if (path == NULL) {
        fputs(text, stdout);
        return EXIT_OK;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        cli_error("Cannot write %s: %s.", path, strerror(errno));
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

int cmd_cadence(struct cli *cli, struct args *a)
{
    int ics = args_flag(a, "--ics");
    const char *out = NULL;
    if (args_value(a, "--out", &out) < 0)
        return cli_usage("cadence", a->err);
    struct snapshot s;
    int rc = snapshot_open(cli, a, "cadence", &s);
    if (rc != EXIT_OK)
        return rc;
    struct cadence_schedule sched;
    int64_t dues[CADENCE_DUES_MAX];
    size_t n = cadence_view_schedule(s.snap->info, &sched) ? cadence_dues(&sched, dues) : 0;
    if (n == 0) {
        cli_error("Workshop %s %s", s.snap->workshop, NO_CADENCE);
        snapshot_close(&s);
        return EXIT_REFUSED;
    }
    char when[32], line[64], *text = NULL;
    if (ics) {
        text = cadence_view_ics(s.snap, clock_now_ms());
        if (text == NULL)
            cli_error("Out of memory building the calendar.");
        else
            rc = write_out(out, text);
        free(text);
        snapshot_close(&s);
        return text == NULL ? EXIT_REFUSED : rc;
    }
    const Cascade__V1__WorkshopInfo *info = s.snap->info;
    if (cli->json) {
        cJSON *o = snapshot_json_head(s.snap);
        cJSON_AddStringToObject(o, "cadence", info->cadence);
        cJSON_AddStringToObject(o, "timezone", sched.zone);
        cJSON_AddStringToObject(o, "from", info->period_from);
        cJSON_AddStringToObject(o, "to", info->period_to);
        cJSON *arr = cJSON_AddArrayToObject(o, "dues");
        for (size_t i = 0; i < n; i++) {
            cJSON *j = cJSON_CreateObject();
            cadence_local_format(&sched, dues[i], when, sizeof when);
            cJSON_AddStringToObject(j, "due", when);
            cJSON_AddNumberToObject(j, "due_ms", (double)dues[i]);
            cJSON_AddItemToArray(arr, j);
        }
        char *json = cJSON_PrintUnformatted(o);
        cJSON_Delete(o);
        if (json == NULL) {
            snapshot_close(&s);
            return EXIT_REFUSED;
        }
        size_t len = strlen(json);
        char *withnl = malloc(len + 2);
        if (withnl != NULL) {
            memcpy(withnl, json, len);
            memcpy(withnl + len, "\n", 2);
            rc = write_out(out, withnl);
        }
        free(withnl);
        free(json);
        snapshot_close(&s);
        return withnl == NULL ? EXIT_REFUSED : rc;
    }
    /* The text form: a heading, then one due date per line. */
    size_t cap = 256 + n * sizeof line, used = 0;
    text = malloc(cap);
    if (text == NULL) {
        snapshot_close(&s);
        return EXIT_REFUSED;
    }
    used += (size_t)snprintf(text, cap,
                             "Check-ins of %s: %s at %02d:00 %s, %s to %s, %zu due date%s.\n",
                             s.snap->workshop, info->cadence, CADENCE_HOUR, sched.zone,
                             info->period_from, info->period_to, n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n && used < cap; i++) {
        cadence_local_format(&sched, dues[i], when, sizeof when);
        used += (size_t)snprintf(text + used, cap - used, "%s\n", when);
    }
    rc = write_out(out, text);
    free(text);
    snapshot_close(&s);
    return rc;
}
