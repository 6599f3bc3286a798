/* One running live view, as cmd_live.c (the loop, the keys, the
 * connection) and live_actions.c (what the view sends for the person)
 * share it. */
#ifndef CASCADE_LIVE_APP_H
#define CASCADE_LIVE_APP_H

#include <stdint.h>
#include <stdio.h>

#include <uv.h>

#include "cli.h"
#include "live_model.h"
#include "settings.h"
#include "wire.h"

struct live_app {
    /* Running the workshop: how far the server's clock is ahead of this
     * one, from the Welcome of the connection clock_of names. */
    int64_t clock_offset_ms;
    const struct client *clock_of;
    struct cli *cli; /* not const: a reconnect moves its first server (cli_rotate) */
    char ws[SETTINGS_CODE_MAX + 1];
    struct client *c;
    struct live_model m;
    struct okr_state st;
    Cascade__V1__Snapshot *snap;

    uv_poll_t input;
    uv_signal_t sigwinch, sigint, sigterm;
    int handles_open;

    int stale;         /* events since the state was fetched */
    uint64_t state_seq; /* the seq of the state shown */
    uint64_t ticked;    /* the last event put on the ticker */
    uint64_t fetched_ms;
    uint64_t resize_ms; /* when the size last changed; 0: settled */
    int quit;
    int busy;          /* a request is in flight: do not interrupt the wait */
    char *command;     /* typed after ':', waiting to run */
    int submit;        /* the form waits to be sent */
    int resubmit;      /* after a conflict: send mine on top of theirs */
    struct live_ref announce; /* what should be announced as being edited */
    struct live_ref announced;
    int announce_due;
    FILE *trace; /* CASCADE_LIVE_TRACE: one line of timings per fetch and paint */
    /* A drain's notice: when the server stops, and why (0: none). */
    uint64_t drain_ends_ms;
    char drain_reason[180];
};

static inline uint64_t live_now_ms(void)
{
    return uv_hrtime() / 1000000u;
}

/* client_call for the view: while the request is in flight the view is
 * busy, so that a key pressed meanwhile does not interrupt the wait for
 * its answer (it sets a flag the loop reads afterwards). */
int live_call(struct live_app *a, WireFrame *req, WireFrame **reply, char *err, size_t errlen);

/* Sends the open form (an edit based on version base). A conflict opens the
 * dialog; a value that does not parse keeps the form open with a sentence;
 * anything else ends the form with a message. */
void live_send_form(struct live_app *a, uint64_t base);

/* Fetches the selected key result's check-ins for the detail pane. */
void live_load_history(struct live_app *a);

/* Runs the command typed after ':' (a->command, freed here) as `cascade`
 * itself, and shows what it printed. */
void live_run_command(struct live_app *a);

#endif
