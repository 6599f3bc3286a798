/* cascade watch [--since SEQ] [--no-resume]: the workshop's changes, one
 * line each as they happen (event_format.h), until SIGINT or SIGTERM.
 * Without --since it shows what happens from now on; with it, first every
 * event after SEQ, then the live ones, with no gap and no duplicate between
 * the two. When the connection drops (a server restart, a network fault) it
 * reconnects with exponential backoff and jitter and resumes after the last
 * event it printed, so the stream has no gap and no duplicate either; with
 * several servers it tries the one after the server it lost first.
 * --no-resume exits 3 instead. People arriving, leaving and announcing what
 * they edit are printed too, on lines of their own (event_format.h). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <uv.h>

#include "cli.h"
#include "event_format.h"
#include "output.h"
#include "session.h"
#include "settings.h"

static void on_signal(uv_signal_t *handle, int signum)
{
    (void)signum;
    client_interrupt(handle->data);
}

/* Backoff between reconnection attempts: 100 ms doubling to 5 s, each
 * wait drawn from 50-100% of its step so that many watchers of a restarted
 * server do not all knock at once. */
#define RESUME_FIRST_MS 100
#define RESUME_MAX_MS 5000

struct pause {
    uv_timer_t timer;
    uv_signal_t sigint, sigterm;
    int interrupted;
};

static void on_pause_signal(uv_signal_t *h, int signum)
{
    struct pause *p = h->data;
    (void)signum;
    p->interrupted = 1;
    uv_stop(h->loop);
}

static void on_pause_done(uv_timer_t *t)
{
    uv_stop(t->loop);
}

/* Waits ms on a loop of its own (there is no connection to wait on).
 * Returns 1 when SIGINT or SIGTERM came meanwhile. */
static int pause_ms(uint64_t ms)
{
    uv_loop_t loop;
    struct pause p = {.interrupted = 0};
    uv_loop_init(&loop);
    uv_timer_init(&loop, &p.timer);
    uv_signal_init(&loop, &p.sigint);
    uv_signal_init(&loop, &p.sigterm);
    p.sigint.data = p.sigterm.data = &p;
    uv_signal_start(&p.sigint, on_pause_signal, SIGINT);
    uv_signal_start(&p.sigterm, on_pause_signal, SIGTERM);
    uv_timer_start(&p.timer, on_pause_done, ms, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&p.timer, NULL);
    uv_close((uv_handle_t *)&p.sigint, NULL);
    uv_close((uv_handle_t *)&p.sigterm, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
    return p.interrupted;
}

static uint64_t jittered(uint64_t step)
{
    return step / 2 + (uint64_t)rand() % (step / 2 + 1);
}

/* Subscribes; *current becomes the stream's start when none was given,
 * and *joined the workshop's last durable seq at the subscription: events
 * up to it are history, later ones are news. */
static int subscribe(struct client *c, const char *workshop, int since_given, uint64_t since,
                     uint64_t *current, uint64_t *joined)
{
    Cascade__V1__Subscribe msg = CASCADE__V1__SUBSCRIBE__INIT;
    msg.workshop = (char *)workshop;
    msg.since_seq = since;
    msg.from_now = !since_given;
    WireFrame req = CLIENT_REQUEST(subscribe, SUBSCRIBE, &msg);
    WireFrame *reply;
    int rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc == EXIT_OK && !since_given)
        *current = reply->ack->seq; /* from now: the stream starts after this */
    if (rc == EXIT_OK)
        *joined = reply->ack->seq;
    wire_free(reply);
    return rc;
}

/* Prints one pushed event and advances *last. Events at or before *last
 * are ones already printed (a resume can overlap) and are skipped.
 * Presence is printed as it comes, without a seq. */
static void print_push(const struct cli *cli, const WireFrame *f, uint64_t *last)
{
    if (f->body_case == CASCADE__V1__FRAME__BODY_EVENT) {
        if (f->event->seq <= *last)
            return;
        *last = f->event->seq;
        if (cli->json)
            output_json(event_format_json(f->event));
        else
            event_format_line(stdout, f->event);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_PRESENCE_EVENT) {
        if (cli->json)
            output_json(event_format_presence_json(f->presence_event));
        else
            event_format_presence_line(stdout, f->presence_event);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_BROADCAST) {
        event_format_broadcast(stdout, cli->json, f->broadcast);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_GOING_AWAY) {
        /* A drain's countdown: the watch goes on, and after the server has
         * gone it resumes on whatever takes its place. */
        const Cascade__V1__GoingAway *g = f->going_away;
        if (cli->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON *w = cJSON_AddObjectToObject(o, "going_away");
            cJSON_AddStringToObject(w, "reason", g->reason);
            cJSON_AddNumberToObject(w, "closes_in_s", g->closes_in_s);
            output_json(o);
        } else {
            fprintf(stderr, "cascade: %s The server stops in %u s; the watch resumes once it "
                            "is back.\n", g->reason, g->closes_in_s);
        }
    }
    fflush(stdout);
}

/* Connects and subscribes after *last, retrying with backoff while no
 * server can be reached; each try goes through the list of servers from
 * cli->first on (the one after the server that was lost, which comes
 * last). EXIT_OK with *out; EXIT_REFUSED when the server answers no (the
 * login or the workshop is gone), which retrying will not mend;
 * EXIT_UNREACHABLE only when interrupted. */
static int resume(struct cli *cli, const char *ws, uint64_t *last, const char *lost,
                  const char *why, struct client **out)
{
    uint64_t step = RESUME_FIRST_MS, start = uv_hrtime();
    for (;;) {
        if (pause_ms(jittered(step)))
            return EXIT_UNREACHABLE;
        step = step * 2 > RESUME_MAX_MS ? RESUME_MAX_MS : step * 2;
        struct client *c;
        int rc = cli_connect_quiet(cli, &c);
        if (rc == EXIT_UNREACHABLE)
            continue;
        uint64_t joined;
        if (rc == EXIT_OK && (rc = subscribe(c, ws, 1, *last, last, &joined)) != EXIT_OK)
            client_close(c);
        if (rc != EXIT_OK)
            return rc;
        double took = (double)(uv_hrtime() - start) / 1e9;
        if (cli->servers.n == 1)
            fprintf(stderr, "cascade: the connection to %s was lost (%s); reconnected after "
                            "%.1f s and resumed after #%llu, with nothing missed.\n",
                    lost, why, took, (unsigned long long)*last);
        else
            fprintf(stderr, "cascade: the connection to %s was lost (%s); reconnected to %s "
                            "after %.1f s and resumed after #%llu, with nothing missed.\n",
                    lost, why, client_server(c), took, (unsigned long long)*last);
        *out = c;
        return EXIT_OK;
    }
}

int cmd_watch(struct cli *cli, struct args *a)
{
    const char *since_text = NULL;
    uint64_t since = 0;
    char ws[SETTINGS_CODE_MAX + 1], err[1024];
    int no_resume = args_flag(a, "--no-resume");
    if (args_value(a, "--since", &since_text) < 0)
        return cli_usage("watch", a->err);
    const char *problem = NULL;
    if (since_text != NULL) {
        char *end;
        since = strtoull(since_text, &end, 10);
        if (since_text[0] < '0' || since_text[0] > '9' || *end != '\0')
            problem = "--since must be a sequence number (0 for everything).";
    }
    int rc = cli_finish(cli, a, "watch", problem, ws);
    if (rc != EXIT_OK)
        return rc;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    uint64_t last = since, joined = 0;
    if ((rc = subscribe(c, ws, since_text != NULL, since, &last, &joined)) != EXIT_OK) {
        client_close(c);
        return rc;
    }
    srand((unsigned)uv_hrtime());
    for (;;) {
        uv_signal_t sigint, sigterm;
        uv_signal_init(client_loop(c), &sigint);
        uv_signal_init(client_loop(c), &sigterm);
        sigint.data = sigterm.data = c;
        uv_signal_start(&sigint, on_signal, SIGINT);
        uv_signal_start(&sigterm, on_signal, SIGTERM);
        int st, archived = 0;
        for (;;) {
            WireFrame *f;
            st = client_wait_push(c, -1, &f, err, sizeof err);
            if (st != CLIENT_OK)
                break;
            print_push(cli, f, &last);
            /* An archived workshop has no more events: the watch ends (on
             * news of it, not on an archive in the history replayed). */
            archived = f->body_case == CASCADE__V1__FRAME__BODY_EVENT &&
                       f->event->seq > joined &&
                       strcmp(f->event->type, "workshop.archive") == 0;
            wire_free(f);
            if (archived)
                break;
        }
        uv_close((uv_handle_t *)&sigint, NULL);
        uv_close((uv_handle_t *)&sigterm, NULL);
        int stay_away = client_stay_away(c);
        char lost[ADDR_TEXT_MAX];
        snprintf(lost, sizeof lost, "%s", client_server(c));
        cli_rotate(cli, c);
        client_close(c);
        if (st == CLIENT_INTERRUPTED)
            return EXIT_OK;
        if (archived) {
            cli_error("An administrator archived workshop %s; the watch ends.", ws);
            return EXIT_REFUSED;
        }
        if (stay_away) {
            cli_error("%s", err);
            return EXIT_REFUSED;
        }
        if (no_resume) {
            cli_error("%s", err);
            return EXIT_UNREACHABLE;
        }
        rc = resume(cli, ws, &last, lost, err, &c);
        if (rc == EXIT_UNREACHABLE)
            return EXIT_OK; /* interrupted while reconnecting */
        if (rc != EXIT_OK) {
            /* Why the watch ended at all (a removal says who removed whom). */
            fprintf(stderr, "cascade: %s\n", err);
            return rc;
        }
    }
}
