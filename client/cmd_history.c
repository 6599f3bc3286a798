/* cascade kr history K#: a key result's progress chart, from its creation
 * and every check-in since (oldest first). For people, a sparkline of the
 * values scaled from the start to the target (a milestone from not done to
 * done), then a table:
 *
 *   K1 Raise NPS: ▁▃▅▆ 30 → 42 (target 50 pts)
 *   DATE        TIME      ACTOR  VALUE  CONFIDENCE    STATUS    NOTE     BLOCKER
 *   2026-11-23  12:40:41  alice  30     0.5 (medium)  on-track  created
 *
 * For scripts, {"id","title","check_ins":[{"seq","time_ms","actor","value",
 * ("done",) "confidence","status","note","blocker"}]}: value is null when
 * the check-in set none (only a confidence, status, note or blocker); a
 * milestone's value is 1 or 0 and its "done" true, false or null; status
 * and blocker are what that check-in changed them to, null when it left
 * them as they were (the creation reads on-track); note is null when none. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "change.h"
#include "cli.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"
#include "sparkline.h"

/* A record's status; the creation's reads on-track. */
static const char *record_status(const Cascade__V1__CheckInRecord *r, size_t index)
{
    if (r->status[0] != '\0')
        return r->status;
    return index == 0 ? okr_kr_status_name(OKR_ON_TRACK) : "";
}

static void value_text(const Cascade__V1__CheckInRecord *r, char *out, size_t outlen)
{
    if (!r->has_value)
        snprintf(out, outlen, "-");
    else if (r->milestone)
        snprintf(out, outlen, "%s", r->value >= 1 ? "done" : "not done");
    else
        render_number(r->value, out, outlen);
}

static int print_json(const struct okr_key_result *k, const Cascade__V1__KeyResultHistoryReply *h)
{
    char id[16];
    okr_id_format(OKR_KEY_RESULT, k->num, id, sizeof id);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "title", k->title);
    cJSON *list = cJSON_AddArrayToObject(o, "check_ins");
    for (size_t i = 0; list != NULL && i < h->n_check_ins; i++) {
        const Cascade__V1__CheckInRecord *r = h->check_ins[i];
        cJSON *j = cJSON_CreateObject();
        if (j == NULL || !cJSON_AddItemToArray(list, j)) {
            cJSON_Delete(j);
            cJSON_Delete(o);
            return -1;
        }
        cJSON_AddNumberToObject(j, "seq", (double)r->seq);
        cJSON_AddNumberToObject(j, "time_ms", (double)r->time_ms);
        cJSON_AddStringToObject(j, "actor", r->actor);
        if (r->has_value)
            cJSON_AddNumberToObject(j, "value", r->value);
        else
            cJSON_AddNullToObject(j, "value");
        if (r->milestone) {
            if (r->has_value)
                cJSON_AddBoolToObject(j, "done", r->value >= 1);
            else
                cJSON_AddNullToObject(j, "done");
        }
        cJSON_AddNumberToObject(j, "confidence", okr_json_round3(r->confidence));
        output_json_text_or_null(j, "status", record_status(r, i));
        output_json_text_or_null(j, "note", r->note);
        output_json_text_or_null(j, "blocker", r->blocker);
    }
    return output_json(o);
}

/* "K1 Raise NPS: ▁▃▅▆ 30 → 42 (target 50 pts)". */
static void print_sparkline(const struct okr_key_result *k,
                            const Cascade__V1__KeyResultHistoryReply *h)
{
    char id[16], first[64] = "", last[64] = "", target[64];
    double *levels = calloc(h->n_check_ins + 1, sizeof *levels);
    size_t n = 0;
    for (size_t i = 0; levels != NULL && i < h->n_check_ins; i++) {
        const Cascade__V1__CheckInRecord *r = h->check_ins[i];
        if (!r->has_value)
            continue;
        struct okr_key_result at = *k; /* the key result as it stood then */
        at.current = r->value;
        at.done = r->value >= 1;
        levels[n++] = okr_key_result_progress(&at);
        value_text(r, n == 1 ? first : last, sizeof first);
    }
    size_t room = n * SPARKLINE_BLOCK_BYTES + 1;
    char *line = levels != NULL ? malloc(room) : NULL;
    okr_id_format(OKR_KEY_RESULT, k->num, id, sizeof id);
    printf("%s %s:", id, k->title);
    if (line != NULL && n > 0) {
        sparkline_format(levels, n, line, room);
        printf(" %s %s", line, first);
        if (n > 1)
            printf(" → %s", last);
    }
    if (!k->milestone) {
        render_number(k->target, target, sizeof target);
        printf(" (target %s%s%s)", target, k->unit[0] != '\0' ? " " : "", k->unit);
    }
    putchar('\n');
    free(line);
    free(levels);
}

static void print_table(const Cascade__V1__KeyResultHistoryReply *h)
{
    static const char *const HEAD[] = {"DATE", "TIME",   "ACTOR", "VALUE",
                                       "CONFIDENCE", "STATUS", "NOTE",  "BLOCKER"};
    struct table t;
    if (table_init(&t, 8, HEAD) != 0)
        return;
    for (size_t i = 0; i < h->n_check_ins; i++) {
        const Cascade__V1__CheckInRecord *r = h->check_ins[i];
        char date[32], time[32], value[64], num[64], confidence[96], note[RENDER_FLAT_MAX],
            blocker[RENDER_FLAT_MAX];
        output_date(r->time_ms, date, sizeof date);
        output_time(r->time_ms, time, sizeof time);
        value_text(r, value, sizeof value);
        render_confidence(r->confidence, num, sizeof num);
        snprintf(confidence, sizeof confidence, "%s (%s)", num, okr_confidence_name(r->confidence));
        render_flat(r->note, note, sizeof note);
        render_flat(r->blocker, blocker, sizeof blocker);
        const char *row[] = {date, time, r->actor, value, confidence, record_status(r, i), note,
                             blocker};
        if (table_add(&t, row) != 0)
            break;
    }
    table_print(&t, stdout);
    table_free(&t);
}

int cmd_kr_history(struct cli *cli, struct args *a)
{
    const char *cmd = "kr history";
    char err[1024];
    struct change_target t;
    int rc = change_take_target(cli, a, cmd, OKR_KEY_RESULT, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    Cascade__V1__KeyResultHistory msg = CASCADE__V1__KEY_RESULT_HISTORY__INIT;
    msg.workshop = t.workshop;
    msg.key_result = t.id;
    WireFrame req = CLIENT_REQUEST(key_result_history, KEY_RESULT_HISTORY, &msg);
    WireFrame *history = NULL;
    Cascade__V1__Snapshot *snap = NULL;
    struct okr_state st;
    okr_state_init(&st);
    rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY_REPLY, &history);
    /* The title, start and target the chart is drawn against. */
    if (rc == EXIT_OK &&
        (rc = snapshot_request(c, t.workshop, &snap, &st, err, sizeof err)) != EXIT_OK)
        cli_error("%s", err);
    client_close(c);
    uint32_t num = 0;
    okr_id_parse(t.id, OKR_KEY_RESULT, &num);
    const struct okr_key_result *k = rc == EXIT_OK ? okr_key_result_find(&st, num) : NULL;
    if (rc == EXIT_OK && k == NULL) {
        cli_error("%s was removed a moment ago; there is no history to show.", t.id);
        rc = EXIT_REFUSED;
    }
    if (rc == EXIT_OK) {
        if (cli->json) {
            if (print_json(k, history->key_result_history_reply) != 0) {
                cli_error("Out of memory while printing the history of %s.", t.id);
                rc = EXIT_REFUSED;
            }
        } else {
            print_sparkline(k, history->key_result_history_reply);
            print_table(history->key_result_history_reply);
        }
    }
    okr_state_free(&st);
    wire_snapshot_free(snap);
    wire_free(history);
    return rc;
}
