/* cascade round start [K# ...] | round submit K# CONFIDENCE | round status |
 * round reveal [--apply]: the blind confidence round. A facilitator opens
 * it over some key results (every one by default); whoever may check one
 * in says privately how confident they are; `status` shows who has and who
 * has not yet, never what (except one's own value); the reveal shows every
 * value with each key result's count, range, mean, median and spread, and
 * flags wide disagreement. With --apply it also checks in each median. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "output.h"
#include "render.h"
#include "round_view.h"
#include "session.h"
#include "settings.h"

/* Prints an Ack's note (or `fallback`), or with --json the object o. */
static int print_ack(const struct cli *cli, const WireFrame *reply, cJSON *o, const char *fallback)
{
    const Cascade__V1__Ack *ack = reply->ack;
    if (cli->json) {
        cJSON_AddNumberToObject(o, "seq", (double)ack->seq);
        output_json(o);
    } else {
        cJSON_Delete(o);
        printf("%s\n", ack->note[0] != '\0' ? ack->note : fallback);
    }
    return EXIT_OK;
}

static int start(struct cli *cli, struct args *a)
{
    const char *cmd = "round start";
    char ids[64][CHANGE_ID_MAX];
    char *ptrs[64];
    size_t n = 0;
    const char *word;
    /* The ids first, so that an option left over is reported by cli_finish. */
    while (a->argc > 0 && a->argv[0][0] != '-' && (word = args_next(a)) != NULL) {
        if (n == sizeof ids / sizeof ids[0])
            return cli_usage(cmd, "Name at most 64 key results here, or none to rate every one.");
        int rc = change_parse_id(cmd, word, OKR_KEY_RESULT, ids[n]);
        if (rc != EXIT_OK)
            return rc;
        ptrs[n] = ids[n];
        n++;
    }
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, cmd, NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__RoundStart msg = CASCADE__V1__ROUND_START__INIT;
    msg.workshop = ws;
    msg.n_key_results = n;
    msg.key_results = ptrs;
    WireFrame req = CLIENT_REQUEST(round_start, ROUND_START, &msg);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply)) != EXIT_OK)
        return rc;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "round", reply->ack->id);
    cJSON_AddBoolToObject(o, "open", 1);
    rc = print_ack(cli, reply, o, "The confidence round is open.");
    wire_free(reply);
    return rc;
}

static int submit(struct cli *cli, struct args *a)
{
    const char *cmd = "round submit";
    char id[CHANGE_ID_MAX], msg_text[CHANGE_MESSAGE_MAX];
    const char *kr = args_next(a), *value = args_next(a);
    int rc = change_parse_id(cmd, kr, OKR_KEY_RESULT, id);
    if (rc != EXIT_OK)
        return rc;
    double confidence = 0;
    const char *problem = NULL;
    if (value == NULL)
        problem = "Give your confidence, a number from 0 (no chance) to 1 (certain).";
    else if (args_number(value, &confidence) != 0)
        problem = change_not_a_number("The confidence", value, msg_text);
    else if (!(confidence >= 0 && confidence <= 1))
        problem = "The confidence must be a number from 0 (no chance) to 1 (certain).";
    char ws[SETTINGS_CODE_MAX + 1];
    if ((rc = cli_finish(cli, a, cmd, problem, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__RoundSubmit msg = CASCADE__V1__ROUND_SUBMIT__INIT;
    msg.workshop = ws;
    msg.key_result = id;
    msg.confidence = confidence;
    WireFrame req = CLIENT_REQUEST(round_submit, ROUND_SUBMIT, &msg);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply)) != EXIT_OK)
        return rc;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "round", reply->ack->id);
    cJSON_AddStringToObject(o, "key_result", id);
    cJSON_AddNumberToObject(o, "confidence", confidence);
    rc = print_ack(cli, reply, o, "Submitted.");
    wire_free(reply);
    return rc;
}

/* "alice, mia", or "-" for none. */
static void name_list(char **names, size_t n, char *out, size_t outlen)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, outlen - len, "%s%s", i ? ", " : "", names[i]);
    }
    if (n == 0)
        snprintf(out, outlen, "-");
}

static void print_json(const Cascade__V1__ConfidenceRound *r)
{
    cJSON *o = cJSON_CreateObject();
    if (r == NULL)
        cJSON_AddNullToObject(o, "round");
    else
        round_view_json_into(o, r);
    output_json(o);
}

static void print_open(const Cascade__V1__ConfidenceRound *r)
{
    static const char *const HEADERS[] = {"KEY RESULT", "SUBMITTED", "WAITING FOR", "YOURS"};
    struct table t;
    if (table_init(&t, 4, HEADERS) != 0)
        return;
    for (size_t i = 0; i < r->n_key_results; i++) {
        const Cascade__V1__RoundKeyResult *k = r->key_results[i];
        char submitted[1024], waiting[1024], mine[32] = "-";
        name_list(k->submitted, k->n_submitted, submitted, sizeof submitted);
        name_list(k->waiting, k->n_waiting, waiting, sizeof waiting);
        if (k->has_mine)
            render_confidence(k->mine, mine, sizeof mine);
        const char *row[] = {k->key_result, submitted, waiting, mine};
        table_add(&t, row);
    }
    table_print(&t, stdout);
    table_free(&t);
}

static void print_revealed(const Cascade__V1__ConfidenceRound *r)
{
    static const char *const HEADERS[] = {"KEY RESULT", "N",      "MIN",    "MAX",
                                          "MEAN",       "MEDIAN", "SPREAD", "VALUES"};
    struct table t;
    if (table_init(&t, 8, HEADERS) != 0)
        return;
    size_t wide = 0;
    for (size_t i = 0; i < r->n_key_results; i++) {
        const Cascade__V1__RoundKeyResult *k = r->key_results[i];
        struct round_stats st;
        if (round_view_stats(k, &st) != 0)
            continue;
        char n[16], lo[32] = "-", hi[32] = "-", mean[32] = "-", median[32] = "-",
                    spread[48] = "-", values[2048] = "";
        snprintf(n, sizeof n, "%zu", st.count);
        if (st.count > 0) {
            render_confidence(st.min, lo, sizeof lo);
            render_confidence(st.max, hi, sizeof hi);
            render_confidence(st.mean, mean, sizeof mean);
            render_confidence(st.median, median, sizeof median);
            render_confidence(st.spread, spread, sizeof spread);
            if (st.wide) {
                strcat(spread, " WIDE");
                wide++;
            }
        }
        for (size_t j = 0; j < k->n_values; j++) {
            char v[32];
            size_t len = strlen(values);
            render_confidence(k->values[j]->confidence, v, sizeof v);
            snprintf(values + len, sizeof values - len, "%s%s %s", j ? ", " : "",
                     k->values[j]->user, v);
        }
        const char *row[] = {k->key_result, n, lo, hi, mean, median, spread,
                             values[0] ? values : "-"};
        table_add(&t, row);
    }
    table_print(&t, stdout);
    table_free(&t);
    char threshold[16];
    render_confidence(ROUND_WIDE_SPREAD, threshold, sizeof threshold);
    if (wide > 0)
        printf("WIDE: the values lie %s or more apart; talk it through before checking in.\n",
               threshold);
}

static void print_round(const struct cli *cli, const char *ws,
                        const Cascade__V1__ConfidenceRound *r)
{
    if (cli->json) {
        print_json(r);
        return;
    }
    if (r == NULL) {
        printf("Workshop %s has had no confidence round yet; a facilitator opens one with "
               "'cascade round start'.\n", ws);
        return;
    }
    if (r->open) {
        size_t submitted, expected;
        round_view_progress(r, &submitted, &expected);
        printf("Confidence round %u, opened by %s: %zu of %zu submitted (values stay hidden "
               "until the reveal).\n", r->number, r->started_by, submitted, expected);
        print_open(r);
        return;
    }
    char when[32];
    output_time(r->revealed_ms, when, sizeof when);
    printf("Confidence round %u, revealed by %s at %s%s.\n", r->number, r->revealed_by, when,
           r->applied ? "; each median was checked in" : "");
    print_revealed(r);
}

/* status and reveal: both answered with RoundStatusReply. */
static int ask(struct cli *cli, struct args *a, int reveal)
{
    const char *cmd = reveal ? "round reveal" : "round status";
    int apply = reveal && args_flag(a, "--apply");
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, cmd, NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__RoundStatus status = CASCADE__V1__ROUND_STATUS__INIT;
    Cascade__V1__RoundReveal rev = CASCADE__V1__ROUND_REVEAL__INIT;
    status.workshop = rev.workshop = ws;
    rev.apply = apply;
    WireFrame sreq = CLIENT_REQUEST(round_status, ROUND_STATUS, &status);
    WireFrame rreq = CLIENT_REQUEST(round_reveal, ROUND_REVEAL, &rev);
    WireFrame *reply;
    rc = cli_request(cli, reveal ? &rreq : &sreq, CASCADE__V1__FRAME__BODY_ROUND_STATUS_REPLY,
                     &reply);
    if (rc != EXIT_OK)
        return rc;
    print_round(cli, ws, reply->round_status_reply->round);
    wire_free(reply);
    return EXIT_OK;
}

int cmd_round(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "start") == 0)
        return start(cli, a);
    if (sub != NULL && strcmp(sub, "submit") == 0)
        return submit(cli, a);
    if (sub != NULL && strcmp(sub, "status") == 0)
        return ask(cli, a, 0);
    if (sub != NULL && strcmp(sub, "reveal") == 0)
        return ask(cli, a, 1);
    return cli_usage("round", "Use 'round start [K# ...]', 'round submit K# CONFIDENCE', "
                              "'round status' or 'round reveal [--apply]'.");
}
