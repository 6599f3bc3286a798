/* cascade replay: the workshop's history played again (replay.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "duration.h"
#include "event_format.h"
#include "output.h"
#include "replay.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"

/* The fastest pace that still pauses: beyond it, ask for max. */
#define REPLAY_SPEED_MAX 1e6
#define REPLAY_SPEED_DEFAULT 10.0

uint64_t replay_pause_ms(int64_t prev_ms, int64_t time_ms, double speed, int *cut)
{
    *cut = 0;
    if (speed <= 0 || time_ms <= prev_ms)
        return 0;
    double ms = (double)(time_ms - prev_ms) / speed;
    if (ms > REPLAY_GAP_MAX_MS) {
        *cut = 1;
        return REPLAY_GAP_MAX_MS;
    }
    return (uint64_t)ms;
}

static void pause_for(uint64_t ms)
{
    if (ms == 0)
        return; /* even a zero sleep costs the timer's slack, 100k times over */
    struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
    while (nanosleep(&t, &t) != 0)
        ;
}

/* Keeps the events from 1 to plan->to (all of them for the live view,
 * which folds from the start; from plan->from on otherwise). */
struct keeping {
    struct replay_plan *plan;
    int all;
};

static int keep(void *arg, const Cascade__V1__Event *ev, char *err, size_t errlen)
{
    struct keeping *k = arg;
    if (k->plan->to != 0 && ev->seq > k->plan->to)
        return HISTORY_STOP;
    if ((k->all || ev->seq >= k->plan->from) && history_tape_add(&k->plan->tape, ev) != 0) {
        snprintf(err, errlen, "Out of memory while reading the history (at #%llu).",
                 (unsigned long long)ev->seq);
        return -1;
    }
    k->plan->last = ev->seq;
    return HISTORY_MORE;
}

/* Prints the events as watch does, paced. */
static int play_lines(const struct cli *cli, struct replay_plan *plan)
{
    int64_t prev_ms = 0;
    int first = 1;
    Cascade__V1__Event *ev;
    while ((ev = history_tape_next(&plan->tape)) != NULL) {
        int cut = 0;
        uint64_t ms = first ? 0 : replay_pause_ms(prev_ms, ev->time_ms, plan->speed, &cut);
        if (cut) {
            char gap[DURATION_TEXT_MAX];
            duration_format(ev->time_ms - prev_ms, gap, sizeof gap);
            fprintf(stderr, "cascade: %s passed before #%llu; cut to %d s.\n", gap,
                    (unsigned long long)ev->seq, REPLAY_GAP_MAX_MS / 1000);
        }
        pause_for(ms);
        if (cli->json)
            output_json(event_format_json(ev));
        else
            event_format_line(stdout, ev);
        fflush(stdout);
        first = 0;
        prev_ms = ev->time_ms;
        cascade__v1__event__free_unpacked(ev, NULL);
    }
    return EXIT_OK;
}

/* Reads a sequence number flag; NULL or the sentence that it is not one. */
static const char *seq_flag(const char *text, const char *flag, uint64_t *out, char *buf,
                            size_t buflen)
{
    if (text == NULL)
        return NULL;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || v == 0) {
        snprintf(buf, buflen, "%s must be a sequence number from 1.", flag);
        return buf;
    }
    *out = v;
    return NULL;
}

int cmd_replay(struct cli *cli, struct args *a)
{
    struct replay_plan plan = {.from = 1, .speed = REPLAY_SPEED_DEFAULT};
    const char *speed = NULL, *from = NULL, *to = NULL, *problem = NULL;
    char why[200], ws[SETTINGS_CODE_MAX + 1], err[1024];
    int live = args_flag(a, "--live");
    plan.ascii = args_flag(a, "--ascii");
    if (args_value(a, "--speed", &speed) < 0 || args_value(a, "--from", &from) < 0 ||
        args_value(a, "--to", &to) < 0)
        return cli_usage("replay", a->err);
    if (speed != NULL) {
        double v;
        if (strcmp(speed, "max") == 0)
            plan.speed = 0;
        else if (args_number(speed, &v) != 0 || v < 0 || v > REPLAY_SPEED_MAX)
            problem = "--speed is how many times faster than it happened (a number up to "
                      "1000000; 1 is real time), or max (or 0) for no pauses.";
        else
            plan.speed = v;
    }
    if (problem == NULL)
        problem = seq_flag(from, "--from", &plan.from, why, sizeof why);
    if (problem == NULL)
        problem = seq_flag(to, "--to", &plan.to, why, sizeof why);
    if (problem == NULL && plan.to != 0 && plan.to < plan.from)
        problem = "--to comes before --from: nothing to replay.";
    if (problem == NULL && plan.ascii && !live)
        problem = "--ascii is for the live view: add --live.";
    int rc = cli_finish(cli, a, "replay", problem, ws);
    if (rc != EXIT_OK)
        return rc;
    if (live && cli->json)
        return cli_usage("replay", "The live view has no JSON form; drop --json or --live.");
    plan.ws = ws;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    if (live) { /* the title and period for the header */
        Cascade__V1__Snapshot *snap;
        struct okr_state today;
        rc = snapshot_request(c, ws, &snap, &today, err, sizeof err);
        okr_state_free(&today);
        if (rc != EXIT_OK) {
            client_close(c);
            cli_error("%s", err);
            return rc;
        }
        if (snap->info != NULL) {
            snprintf(plan.title, sizeof plan.title, "%s", snap->info->title);
            snprintf(plan.period, sizeof plan.period, "%s", snap->info->period);
        }
        wire_snapshot_free(snap);
    }
    struct keeping k = {&plan, live};
    uint64_t last;
    rc = history_each(c, ws, keep, &k, &last, err, sizeof err);
    client_close(c);
    if (rc == EXIT_OK && plan.from > plan.last) {
        snprintf(err, sizeof err, "Workshop %s has no event #%llu yet; its last is #%llu.", ws,
                 (unsigned long long)plan.from, (unsigned long long)plan.last);
        rc = EXIT_REFUSED;
    }
    if (rc != EXIT_OK) {
        cli_error("%s", err);
        history_tape_free(&plan.tape);
        return rc;
    }
    if (plan.speed > 0 && !live)
        fprintf(stderr, "cascade: replaying #%llu to #%llu of %s at %gx; quiet stretches "
                        "longer than %d s are cut to %d s.\n",
                (unsigned long long)plan.from, (unsigned long long)plan.last, ws, plan.speed,
                REPLAY_GAP_MAX_MS / 1000, REPLAY_GAP_MAX_MS / 1000);
    if (live) {
        rc = replay_live(&plan, err, sizeof err);
        if (rc != EXIT_OK && err[0])
            cli_error("%s", err);
    } else {
        rc = play_lines(cli, &plan);
    }
    history_tape_free(&plan.tape);
    return rc;
}
