/* cascade watch [--since SEQ]: the workshop's changes, one line each as they
 * happen (event_format.h), until SIGINT or SIGTERM. Without --since it shows
 * what happens from now on; with it, first every event after SEQ, then the
 * live ones, with no gap and no duplicate between the two. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

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

static int subscribe(struct client *c, const char *workshop, int since_given, uint64_t since)
{
    Cascade__V1__Subscribe msg = CASCADE__V1__SUBSCRIBE__INIT;
    msg.workshop = (char *)workshop;
    msg.since_seq = since;
    msg.from_now = !since_given;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_SUBSCRIBE;
    req.subscribe = &msg;
    WireFrame *reply;
    int rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    wire_free(reply);
    return rc;
}

/* Prints one pushed frame. A snapshot comes when the server no longer keeps
 * the events after SEQ: the stream then starts at the snapshot's seq. */
static void print_push(const struct cli *cli, const WireFrame *f)
{
    if (f->body_case == CASCADE__V1__FRAME__BODY_EVENT) {
        if (cli->json)
            output_json(event_format_json(f->event));
        else
            event_format_line(stdout, f->event);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_SNAPSHOT) {
        const Cascade__V1__Snapshot *s = f->snapshot;
        if (cli->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "seq", (double)s->seq);
            cJSON_AddStringToObject(o, "type", "snapshot");
            cJSON_AddStringToObject(o, "workshop", s->workshop);
            output_json(o);
        } else {
            printf("#%llu the server no longer keeps the events before this one; "
                   "'cascade show' prints the state as of now.\n",
                   (unsigned long long)s->seq);
        }
    }
    fflush(stdout);
}

int cmd_watch(struct cli *cli, struct args *a)
{
    const char *since_text = NULL;
    uint64_t since = 0;
    char ws[SETTINGS_CODE_MAX + 1], err[1024];
    if (args_value(a, "--since", &since_text) < 0 || args_finish(a) != 0)
        return cli_usage("watch", a->err);
    if (since_text != NULL) {
        char *end;
        unsigned long long v = strtoull(since_text, &end, 10);
        if (since_text[0] < '0' || since_text[0] > '9' || *end != '\0')
            return cli_usage("watch", "--since must be a sequence number (0 for everything).");
        since = v;
    }
    int rc = cli_workshop(cli, "watch", ws, sizeof ws);
    if (rc != EXIT_OK)
        return rc;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    if ((rc = subscribe(c, ws, since_text != NULL, since)) != EXIT_OK) {
        client_close(c);
        return rc;
    }
    uv_signal_t sigint, sigterm;
    uv_signal_init(client_loop(c), &sigint);
    uv_signal_init(client_loop(c), &sigterm);
    sigint.data = sigterm.data = c;
    uv_signal_start(&sigint, on_signal, SIGINT);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    for (;;) {
        WireFrame *f;
        int st = client_wait_push(c, -1, &f, err, sizeof err);
        if (st == CLIENT_INTERRUPTED) {
            rc = EXIT_OK;
            break;
        }
        if (st != CLIENT_OK) {
            cli_error("%s", err);
            rc = EXIT_UNREACHABLE;
            break;
        }
        print_push(cli, f);
        wire_free(f);
    }
    uv_close((uv_handle_t *)&sigint, NULL);
    uv_close((uv_handle_t *)&sigterm, NULL);
    client_close(c);
    return rc;
}
