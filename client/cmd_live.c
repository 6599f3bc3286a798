/* cascade live [CODE] [--ascii]: the workshop full screen, changing as people
 * change it (live_model.h says what the screen shows).
 *
 * One thread, one libuv loop (the connection's): the terminal's input is a
 * uv_poll on stdin, SIGWINCH, SIGINT and SIGTERM are uv_signals, and the
 * loop sleeps until a key, a push from the server or a timer wakes it, so
 * an idle screen costs no CPU. Keys that only move about are handled and
 * painted at once in the input callback; what needs the server (a command,
 * announcing what is being edited, quitting) wakes the main loop, which
 * owns the connection.
 *
 * The state shown is always a snapshot from the server: an event marks it
 * stale, and the main loop fetches a new one, at most LIVE_FRAME_MS apart,
 * so a burst of events costs one fetch per frame however many arrive
 * (events keep arriving in the connection's queue meanwhile). Readers of
 * one workshop at one seq share the server's packed snapshot.
 *
 * What the view sends for the person (its forms, the history of the
 * selected key result, the commands typed after ':') is in
 * live_actions.c; live_app.h is the state both share. */
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uv.h>

#include "clock.h"
#include "live_app.h"
#include "live_term.h"
#include "output.h"
#include "session.h"
#include "settings.h"
#include "round_view.h"
#include "snapshot.h"

/* The shortest time between two fetches of the state: ~30 frames a second. */
#define LIVE_FRAME_MS 33
/* A resize is drawn once the size has held still this long. */
#define LIVE_RESIZE_SETTLE_MS 80
/* Reconnecting: the first wait, doubling to the longest. */
#define LIVE_RETRY_FIRST_S 1
#define LIVE_RETRY_MAX_S 8


/* A drain's countdown, in the message line while it lasts. */
static void drain_message(struct live_app *a)
{
    if (a->drain_ends_ms == 0)
        return;
    uint64_t t = live_now_ms();
    uint64_t left = a->drain_ends_ms > t ? (a->drain_ends_ms - t + 999) / 1000 : 0;
    char line[sizeof a->m.message + 64];
    snprintf(line, sizeof line, "%.180s The server stops in %llu s.", a->drain_reason,
             (unsigned long long)left);
    snprintf(a->m.message, sizeof a->m.message, "%.*s", (int)sizeof a->m.message - 1, line);
    if (left == 0)
        a->drain_ends_ms = 0;
}

static void paint(struct live_app *a)
{
    uint64_t t0 = uv_hrtime();
    drain_message(a);
    live_term_show(&a->m, live_now_ms());
    if (a->trace != NULL)
        fprintf(a->trace, "paint_us=%llu\n", (unsigned long long)((uv_hrtime() - t0) / 1000));
}

/* Wakes the main loop for something only it may do. */
static void wake(struct live_app *a)
{
    if (!a->busy && a->c != NULL)
        client_interrupt(a->c);
}

/* ---- Keys ------------------------------------------------------------------ */

static void open_line(struct live_app *a, enum live_mode mode, const char *prefill)
{
    a->m.mode = mode;
    a->m.message[0] = '\0';
    snprintf(a->m.input, sizeof a->m.input, "%s", prefill);
    a->m.input_len = strlen(a->m.input);
}

static void close_line(struct live_app *a)
{
    a->m.mode = LIVE_BROWSE;
    a->m.input[0] = '\0';
    a->m.input_len = 0;
    if (a->announce.kind != 0) {
        a->announce = (struct live_ref){0, 0};
        a->announce_due = 1;
        wake(a);
    }
}

/* Tab: completes the id being typed (T, O, K, I or C and digits) when one
 * entity matches, else lists the matches. */
static void complete_id(struct live_app *a)
{
    char *word = strrchr(a->m.input, ' ');
    word = word != NULL ? word + 1 : a->m.input;
    if (strchr("TOKIC", word[0]) == NULL || word[0] == '\0' || a->m.s == NULL)
        return;
    size_t len = strlen(word), found = 0;
    char first[16] = "", list[LIVE_TICK_BYTES] = "", id[16];
    const struct okr_state *s = a->m.s;
    for (size_t i = 0; i < s->nteams + s->nobjectives + s->nkey_results; i++) {
        if (i < s->nteams)
            okr_id_format(OKR_TEAM, s->teams[i].num, id, sizeof id);
        else if (i < s->nteams + s->nobjectives)
            okr_id_format(OKR_OBJECTIVE, s->objectives[i - s->nteams].num, id, sizeof id);
        else
            okr_id_format(OKR_KEY_RESULT, s->key_results[i - s->nteams - s->nobjectives].num, id,
                          sizeof id);
        if (strncmp(id, word, len) != 0)
            continue;
        if (found++ == 0)
            snprintf(first, sizeof first, "%s", id);
        size_t n = strlen(list);
        if (n + strlen(id) + 2 < sizeof list)
            snprintf(list + n, sizeof list - n, "%s%s", n ? " " : "", id);
    }
    if (found == 1 && strlen(a->m.input) + strlen(first) - len + 2 < sizeof a->m.input) {
        snprintf(word, sizeof a->m.input - (size_t)(word - a->m.input), "%s ", first);
        a->m.input_len = strlen(a->m.input);
    } else if (found > 1) {
        snprintf(a->m.message, sizeof a->m.message, "%s", list);
    }
}

static void key_line(struct live_app *a, int k)
{
    struct live_model *m = &a->m;
    if (m->mode == LIVE_FORM && (k == LIVE_KEY_TAB || k == LIVE_KEY_DOWN)) {
        live_model_form_next(m);
        return;
    }
    if (m->mode == LIVE_FORM && k == LIVE_KEY_ENTER) {
        live_model_form_keep(m);
        a->submit = 1;
        wake(a);
        return;
    }
    if (k == LIVE_KEY_ESCAPE) {
        close_line(a);
    } else if (k == 21) { /* Ctrl-U: clear the line, as shells do */
        m->input[0] = '\0';
        m->input_len = 0;
    } else if (k == LIVE_KEY_BACKSPACE) {
        /* One whole UTF-8 character. */
        while (m->input_len > 0 && ((unsigned char)m->input[--m->input_len] & 0xC0) == 0x80)
            ;
        m->input[m->input_len] = '\0';
        if (m->input_len == 0 && m->mode == LIVE_SEARCH)
            close_line(a);
    } else if (k == LIVE_KEY_TAB) {
        if (m->mode == LIVE_COMMAND)
            complete_id(a);
    } else if (k == LIVE_KEY_ENTER) {
        if (m->mode == LIVE_SEARCH) {
            snprintf(m->search, sizeof m->search, "%s", m->input);
            if (!live_model_search(m, m->search))
                snprintf(m->message, sizeof m->message, "Nothing matches '%.150s'.", m->search);
            else
                m->message[0] = '\0';
            close_line(a);
        } else {
            free(a->command);
            a->command = strdup(m->input);
            m->mode = LIVE_BROWSE;
            wake(a);
        }
    } else if (k >= 32 && k < 256 && k != 127 && m->input_len + 1 < sizeof m->input) {
        m->input[m->input_len++] = (char)k;
        m->input[m->input_len] = '\0';
    }
}

static void key_browse(struct live_app *a, int k)
{
    struct live_model *m = &a->m;
    int cols, rows;
    live_term_size(&cols, &rows);
    long page = rows > 12 ? rows - 12 : 1;
    char line[LIVE_INPUT_MAX];
    struct live_ref editing;
    switch (k) {
    case 'q':
        a->quit = 1;
        wake(a);
        return;
    case LIVE_KEY_UP:
    case 'k':
        live_model_move(m, -1);
        return;
    case LIVE_KEY_DOWN:
    case 'j':
        live_model_move(m, 1);
        return;
    case LIVE_KEY_PGUP:
        live_model_move(m, -page);
        return;
    case LIVE_KEY_PGDN:
        live_model_move(m, page);
        return;
    case LIVE_KEY_HOME:
    case 'g':
        live_model_home(m, 0);
        return;
    case LIVE_KEY_END:
    case 'G':
        live_model_home(m, 1);
        return;
    case LIVE_KEY_LEFT:
    case 'h':
        live_model_fold(m, 1);
        return;
    case LIVE_KEY_RIGHT:
    case 'l':
        live_model_fold(m, 0);
        return;
    case LIVE_KEY_ENTER:
    case ' ':
        live_model_fold(m, -1);
        return;
    case '/':
        open_line(a, LIVE_SEARCH, "");
        return;
    case 'n':
        if (m->search[0] && !live_model_search(m, m->search))
            snprintf(m->message, sizeof m->message, "Nothing matches '%.150s'.", m->search);
        return;
    case ':':
        open_line(a, LIVE_COMMAND, "");
        return;
    case '?':
        m->mode = LIVE_HELP;
        return;
    default:
        break;
    }
    enum live_form_kind form = k == 'e' ? LIVE_FORM_EDIT : k == 'c' ? LIVE_FORM_CHECKIN
                                                                     : LIVE_FORM_ADD;
    if ((k == 'e' || k == 'c' || k == 'a') && live_model_form_open(m, form) == 0) {
        a->announce = m->selected; /* for a new entity: its parent */
        a->announce_due = 1;
        wake(a);
        return;
    }
    if (k < 256 && live_model_edit_line(m, k, &editing, line, sizeof line) != NULL) {
        open_line(a, LIVE_COMMAND, line);
        if (editing.kind != 0) {
            a->announce = editing;
            a->announce_due = 1;
            wake(a);
        }
    } else if (strchr("ceamt", k) != NULL && k != 0) {
        snprintf(m->message, sizeof m->message, "%s",
                 strcmp(m->role, "observer") == 0
                     ? "Observers read; they do not change the cascade."
                     : "Not here: your role does not let you change this row that way.");
    }
}

static void on_input(uv_poll_t *h, int status, int events)
{
    (void)status;
    (void)events;
    struct live_app *a = h->data;
    int k, any = 0;
    while ((k = live_term_key()) != LIVE_KEY_NONE) {
        any = 1;
        if (k == LIVE_KEY_RESIZE) {
            a->resize_ms = live_now_ms();
            wake(a);
            continue;
        }
        switch (a->m.mode) {
        case LIVE_COMMAND:
        case LIVE_SEARCH:
        case LIVE_FORM:
            key_line(a, k);
            break;
        case LIVE_CONFLICT:
            if (k == 'a') {
                a->resubmit = 1;
                wake(a);
            } else if (k == 'k' || k == LIVE_KEY_ESCAPE) {
                snprintf(a->m.message, sizeof a->m.message, "Kept %s's %s.",
                         a->m.conflict.by[0] ? a->m.conflict.by : "their", a->m.conflict.field);
                a->m.mode = LIVE_BROWSE;
            }
            break;
        case LIVE_HELP:
        case LIVE_OUTPUT:
            a->m.mode = LIVE_BROWSE;
            break;
        default:
            key_browse(a, k);
            break;
        }
    }
    if (any && a->resize_ms == 0)
        paint(a);
    if (live_model_wants_history(&a->m))
        wake(a);
}

static void on_quit_signal(uv_signal_t *h, int signum)
{
    (void)signum;
    struct live_app *a = h->data;
    a->quit = 1;
    wake(a);
}

static void on_winch(uv_signal_t *h, int signum)
{
    (void)signum;
    struct live_app *a = h->data;
    a->resize_ms = live_now_ms();
    wake(a);
}

static void attach(struct live_app *a, uv_loop_t *loop)
{
    uv_poll_init(loop, &a->input, STDIN_FILENO);
    a->input.data = a;
    uv_poll_start(&a->input, UV_READABLE, on_input);
    uv_signal_init(loop, &a->sigwinch);
    uv_signal_init(loop, &a->sigint);
    uv_signal_init(loop, &a->sigterm);
    a->sigwinch.data = a->sigint.data = a->sigterm.data = a;
    uv_signal_start(&a->sigwinch, on_winch, SIGWINCH);
    uv_signal_start(&a->sigint, on_quit_signal, SIGINT);
    uv_signal_start(&a->sigterm, on_quit_signal, SIGTERM);
    a->handles_open = 1;
}

static void detach(struct live_app *a)
{
    if (!a->handles_open)
        return;
    uv_loop_t *loop = a->input.loop;
    uv_close((uv_handle_t *)&a->input, NULL);
    uv_close((uv_handle_t *)&a->sigwinch, NULL);
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    uv_run(loop, UV_RUN_NOWAIT); /* let the closes finish */
    a->handles_open = 0;
}

/* ---- The server's side ------------------------------------------------------- */

/* Fetches the state; the view keeps the old one when this fails. */
static int fetch(struct live_app *a, char *err, size_t errlen)
{
    struct okr_state st;
    Cascade__V1__Snapshot *snap;
    uint64_t t0 = uv_hrtime();
    a->busy = 1;
    int rc = snapshot_request(a->c, a->ws, &snap, &st, err, errlen);
    a->busy = 0;
    if (rc != EXIT_OK)
        return rc;
    uint64_t t1 = uv_hrtime();
    okr_state_free(&a->st);
    wire_snapshot_free(a->snap);
    a->st = st;
    a->snap = snap;
    const Cascade__V1__WorkshopInfo *info = snap->info;
    if (info != NULL) {
        snprintf(a->m.title, sizeof a->m.title, "%s", info->title);
        snprintf(a->m.period, sizeof a->m.period, "%s", info->period);
        snprintf(a->m.role, sizeof a->m.role, "%s", wire_role_name(info->role));
        a->m.observer_comments = info->observer_comments;
    }
    snprintf(a->m.code, sizeof a->m.code, "%s", snap->workshop);
    round_view_live_lines(snap->round, a->m.round, sizeof a->m.round, a->m.round_values,
                          sizeof a->m.round_values, &a->m.round_wide);
    a->state_seq = snap->seq;
    if (snap->seq > a->m.seq)
        a->m.seq = snap->seq;
    if (a->ticked == 0)
        a->ticked = snap->seq; /* the ticker starts now, not with the history */
    a->stale = 0;
    a->fetched_ms = live_now_ms();
    rc = live_model_set_state(&a->m, &a->st) == 0 ? EXIT_OK : EXIT_REFUSED;
    /* The countdown runs on the server's clock: the offset is taken from
     * the Welcome of each new connection, which has just arrived. */
    const Cascade__V1__Welcome *welcome = client_welcome(a->c);
    if (a->clock_of != a->c && welcome != NULL && welcome->server_time_ms != 0) {
        a->clock_offset_ms = welcome->server_time_ms - clock_now_ms();
        a->clock_of = a->c;
    }
    live_model_set_agenda(&a->m, snap->agenda, clock_now_ms() + a->clock_offset_ms,
                          live_now_ms());
    if (a->trace != NULL)
        fprintf(a->trace, "seq=%llu fetch_us=%llu rows_us=%llu\n", (unsigned long long)snap->seq,
                (unsigned long long)((t1 - t0) / 1000),
                (unsigned long long)((uv_hrtime() - t1) / 1000));
    return rc;
}

static void take_push(struct live_app *a, const WireFrame *f)
{
    if (f->body_case == CASCADE__V1__FRAME__BODY_EVENT) {
        const Cascade__V1__Event *e = f->event;
        if (e->seq > a->ticked) { /* a resume can overlap */
            live_model_event(&a->m, e->seq, e->actor, e->type, e->entity, live_now_ms());
            a->ticked = e->seq;
        }
        if (e->seq > a->state_seq)
            a->stale = 1;
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_PRESENCE_EVENT) {
        const Cascade__V1__PresenceEvent *p = f->presence_event;
        live_model_presence(&a->m, p->user, p->change, p->entity);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_BROADCAST) {
        /* An administrator's message stays in the message line until the
         * next thing to say. */
        snprintf(a->m.message, sizeof a->m.message, "Broadcast from %s: %s",
                 f->broadcast->from, f->broadcast->text);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_GOING_AWAY) {
        snprintf(a->m.message, sizeof a->m.message, "%s", f->going_away->reason);
        if (f->going_away->closes_in_s > 0) {
            a->drain_ends_ms = live_now_ms() + (uint64_t)f->going_away->closes_in_s * 1000;
            snprintf(a->drain_reason, sizeof a->drain_reason, "%s", f->going_away->reason);
        }
    }
}

/* Subscribes after seq and learns who is here. */
static int join_stream(struct live_app *a, uint64_t seq, char *err, size_t errlen)
{
    Cascade__V1__Subscribe sub = CASCADE__V1__SUBSCRIBE__INIT;
    sub.workshop = a->ws;
    sub.since_seq = seq;
    WireFrame req = CLIENT_REQUEST(subscribe, SUBSCRIBE, &sub);
    WireFrame *reply = NULL;
    int rc = live_call(a, &req, &reply, err, errlen);
    wire_free(reply);
    if (rc == CLIENT_OK) {
        Cascade__V1__PresenceQuery q = CASCADE__V1__PRESENCE_QUERY__INIT;
        q.workshop = a->ws;
        WireFrame preq = CLIENT_REQUEST(presence_query, PRESENCE_QUERY, &q);
        rc = live_call(a, &preq, &reply, err, errlen);
        if (rc == CLIENT_OK && reply->body_case == CASCADE__V1__FRAME__BODY_PRESENCE_REPLY) {
            a->m.npeople = 0;
            for (size_t i = 0; i < reply->presence_reply->n_present; i++) {
                const Cascade__V1__Presence *p = reply->presence_reply->present[i];
                live_model_presence(&a->m, p->user, "join", "");
                live_model_presence(&a->m, p->user, "editing", p->editing);
            }
        }
        wire_free(reply);
    }
    return rc == CLIENT_OK ? EXIT_OK : rc == CLIENT_REFUSED ? EXIT_REFUSED : EXIT_UNREACHABLE;
}

static void announce(struct live_app *a)
{
    a->announce_due = 0;
    if (a->announce.kind == a->announced.kind && a->announce.num == a->announced.num)
        return;
    char id[16] = "", err[256];
    if (a->announce.kind != 0)
        okr_id_format(a->announce.kind, a->announce.num, id, sizeof id);
    Cascade__V1__Editing e = CASCADE__V1__EDITING__INIT;
    e.workshop = a->ws;
    e.entity = id;
    WireFrame req = CLIENT_REQUEST(editing, EDITING, &e);
    WireFrame *reply = NULL;
    if (live_call(a, &req, &reply, err, sizeof err) == CLIENT_OK)
        a->announced = a->announce;
    wire_free(reply);
}

/* ---- Connection trouble ------------------------------------------------------ */

struct countdown {
    uv_timer_t timer;
    struct live_app *app;
    int left;
};

static void on_tick(uv_timer_t *t)
{
    struct countdown *cd = t->data;
    if (--cd->left <= 0 || cd->app->quit) {
        uv_stop(t->loop);
        return;
    }
    char *p = strstr(cd->app->m.trouble, "retrying in ");
    if (p != NULL)
        snprintf(p, sizeof cd->app->m.trouble - (size_t)(p - cd->app->m.trouble),
                 "retrying in %d s; q quits", cd->left);
    paint(cd->app);
}

/* Waits seconds with the countdown on the banner, keys still working, on
 * a loop of its own (there is no connection). */
static void wait_with_banner(struct live_app *a, const char *why, int seconds)
{
    uv_loop_t loop;
    uv_loop_init(&loop);
    struct countdown cd = {.app = a, .left = seconds + 1};
    snprintf(a->m.trouble, sizeof a->m.trouble, " The server is away (%.100s); retrying in %d s; q quits",
             why, seconds);
    paint(a);
    attach(a, &loop);
    uv_timer_init(&loop, &cd.timer);
    cd.timer.data = &cd;
    uv_timer_start(&cd.timer, on_tick, 1000, 1000);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_close((uv_handle_t *)&cd.timer, NULL);
    detach(a);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
}

/* Reconnects, with backoff, then resumes after the last seq shown: the
 * missed changes come as events (into the ticker) and the state is fetched
 * again. EXIT_OK; EXIT_REFUSED with err (the login expired, the person was
 * removed); EXIT_UNREACHABLE when they quit meanwhile. */
static int reconnect(struct live_app *a, const char *why, char *err, size_t errlen)
{
    int wait_s = LIVE_RETRY_FIRST_S;
    for (;;) {
        wait_with_banner(a, why, wait_s);
        if (a->quit)
            return EXIT_UNREACHABLE;
        wait_s = wait_s * 2 > LIVE_RETRY_MAX_S ? LIVE_RETRY_MAX_S : wait_s * 2;
        /* cli_connect_quiet says why it was refused on stderr: catch that
         * sentence for the end of the view instead of letting it scribble
         * over the screen. */
        FILE *said = tmpfile();
        int saved = dup(STDERR_FILENO);
        if (said != NULL)
            dup2(fileno(said), STDERR_FILENO);
        int rc = cli_connect_quiet(a->cli, &a->c);
        fflush(stderr);
        if (saved >= 0) {
            dup2(saved, STDERR_FILENO);
            close(saved);
        }
        if (rc == EXIT_UNREACHABLE) {
            if (said != NULL)
                fclose(said);
            continue;
        }
        if (rc != EXIT_OK) {
            size_t n = 0;
            if (said != NULL) {
                rewind(said);
                n = fread(err, 1, errlen - 1, said);
            }
            err[n] = '\0';
            while (n > 0 && err[n - 1] == '\n')
                err[--n] = '\0';
            /* The sentence already starts with "cascade: ", which cli_error adds again. */
            if (strncmp(err, "cascade: ", 9) == 0)
                memmove(err, err + 9, strlen(err + 9) + 1);
            if (err[0] == '\0')
                snprintf(err, errlen, "The server refused to take you back.");
            if (said != NULL)
                fclose(said);
            return EXIT_REFUSED;
        }
        if (said != NULL)
            fclose(said);
        attach(a, client_loop(a->c));
        rc = join_stream(a, a->ticked, err, errlen);
        if (rc == EXIT_OK)
            rc = fetch(a, err, errlen);
        if (rc == EXIT_REFUSED)
            return rc;
        if (rc == EXIT_OK) {
            a->m.trouble[0] = '\0';
            a->announced = (struct live_ref){0, 0};
            a->announce_due = a->announce.kind != 0;
            snprintf(a->m.message, sizeof a->m.message,
                     "Reconnected; the changes made meanwhile are shown.");
            return EXIT_OK;
        }
        detach(a);
        client_close(a->c);
        a->c = NULL;
    }
}

/* ---- The loop ---------------------------------------------------------------- */

/* How long the loop may sleep: until the next frame when the state is
 * stale, a resize settles, or a highlight fades; -1 for ever. */
static int64_t sleep_ms(const struct live_app *a)
{
    uint64_t t = live_now_ms();
    int64_t best = -1;
    if (a->stale) {
        uint64_t due = a->fetched_ms + LIVE_FRAME_MS;
        best = due > t ? (int64_t)(due - t) : 0;
    }
    if (a->resize_ms != 0) {
        uint64_t due = a->resize_ms + LIVE_RESIZE_SETTLE_MS;
        int64_t w = due > t ? (int64_t)(due - t) : 0;
        best = best < 0 || w < best ? w : best;
    }
    /* A countdown on screen is drawn again at each second it shows. */
    if (a->m.agenda.shown && !a->m.agenda.finished && !a->m.agenda.paused) {
        int64_t left = live_model_agenda_left(&a->m, t);
        int64_t w = left > 0 ? (left - 1) % 1000 + 1 : 1000 - (-left) % 1000;
        best = best < 0 || w < best ? w : best;
    }
    if (a->drain_ends_ms != 0) {
        uint64_t left = a->drain_ends_ms > t ? a->drain_ends_ms - t : 0;
        int64_t w = (int64_t)(left % 1000) + 1;
        best = best < 0 || w < best ? w : best;
    }
    for (size_t i = 0; i < a->m.nhighlights; i++) {
        uint64_t until = a->m.highlights[i].until_ms;
        if (until > t) {
            int64_t w = (int64_t)(until - t) + 1;
            best = best < 0 || w < best ? w : best;
        }
    }
    return best;
}

static int run(struct live_app *a, char *err, size_t errlen)
{
    for (;;) {
        if (a->quit)
            return EXIT_OK;
        if (a->command != NULL) {
            live_run_command(a);
            a->stale = 1; /* its change, if any, comes as an event too */
            paint(a);
        }
        if (a->submit) {
            a->submit = 0;
            live_send_form(a, a->m.form.base_version);
            paint(a);
        }
        if (a->resubmit) {
            a->resubmit = 0;
            live_send_form(a, a->m.conflict.version);
            paint(a);
        }
        if (a->announce_due)
            announce(a);
        if (live_model_wants_history(&a->m)) {
            live_load_history(a);
            paint(a);
        }
        if (a->resize_ms != 0 && live_now_ms() >= a->resize_ms + LIVE_RESIZE_SETTLE_MS) {
            a->resize_ms = 0;
            live_term_resized();
            paint(a);
        }
        if (a->stale && live_now_ms() >= a->fetched_ms + LIVE_FRAME_MS) {
            int rc = fetch(a, err, errlen);
            if (rc == EXIT_REFUSED)
                return rc;
            if (rc == EXIT_OK)
                paint(a);
        }
        /* Something asked for while a request was in flight (which must
         * not be interrupted) is done before sleeping. */
        if (a->quit || a->command != NULL || a->submit || a->resubmit || a->announce_due ||
            live_model_wants_history(&a->m))
            continue;
        WireFrame *f;
        int st = client_wait_push(a->c, sleep_ms(a), &f, err, errlen);
        if (st == CLIENT_OK) {
            take_push(a, f);
            wire_free(f);
            /* Take everything already here before drawing once. */
            while (client_wait_push(a->c, 0, &f, err, errlen) == CLIENT_OK) {
                take_push(a, f);
                wire_free(f);
            }
            paint(a);
        } else if (st == CLIENT_TIMEOUT) {
            paint(a); /* a highlight fading */
        } else if (st == CLIENT_UNREACHABLE) {
            char why[200];
            snprintf(why, sizeof why, "%s", err);
            int stay_away = client_stay_away(a->c);
            detach(a);
            /* The reconnect tries the other servers first. */
            cli_rotate(a->cli, a->c);
            client_close(a->c);
            a->c = NULL;
            if (stay_away)
                return EXIT_REFUSED; /* err says why, after the screen is gone */
            int rc = reconnect(a, why, err, errlen);
            if (rc != EXIT_OK)
                return rc == EXIT_UNREACHABLE ? EXIT_OK : rc;
            paint(a);
        }
    }
}

int cmd_live(struct cli *cli, struct args *args)
{
    struct live_app a;
    memset(&a, 0, sizeof a);
    a.cli = cli;
    live_model_init(&a.m);
    okr_state_init(&a.st);
    int ascii = args_flag(args, "--ascii");
    /* A code given here wins over -w and the default, as in `use`. */
    const char *code = args_next(args);
    char normal[SETTINGS_CODE_MAX + 1], problem[256] = "";
    if (code != NULL &&
        settings_code_normalise(code, normal, sizeof normal, problem, sizeof problem) == 0)
        cli->workshop = normal;
    int rc = cli_finish(cli, args, "live", problem[0] ? problem : NULL, a.ws);
    if (rc != EXIT_OK)
        return rc;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        cli_error("cascade live needs a terminal; for a stream of changes use 'cascade watch'.");
        return EXIT_USAGE;
    }
    setlocale(LC_ALL, "");
    const char *term = getenv("TERM");
    a.m.ascii = ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    a.m.color = output_color() && (term == NULL || strcmp(term, "dumb") != 0);
    struct session_stored s;
    if ((rc = session_stored(cli, NULL, &s)) != EXIT_OK)
        return rc;
    const char *trace = getenv("CASCADE_LIVE_TRACE");
    if (trace != NULL && trace[0] && (a.trace = fopen(trace, "a")) != NULL)
        setvbuf(a.trace, NULL, _IOLBF, 0);
    snprintf(a.m.me, sizeof a.m.me, "%.32s", s.user);
    if ((rc = cli_connect_user(cli, &a.c)) != EXIT_OK)
        return rc;
    char err[1024] = "";
    rc = fetch(&a, err, sizeof err);
    if (rc == EXIT_OK)
        rc = join_stream(&a, a.state_seq, err, sizeof err);
    if (rc == EXIT_OK && live_term_open(a.m.color) != 0) {
        snprintf(err, sizeof err, "This terminal (TERM=%s) cannot be drawn on.",
                 term != NULL ? term : "unset");
        rc = EXIT_USAGE;
    }
    if (rc == EXIT_OK) {
        attach(&a, client_loop(a.c));
        paint(&a);
        rc = run(&a, err, sizeof err);
        live_term_close();
    }
    detach(&a);
    if (a.c != NULL)
        client_close(a.c);
    free(a.command);
    live_model_free(&a.m);
    okr_state_free(&a.st);
    wire_snapshot_free(a.snap);
    if (a.trace != NULL)
        fclose(a.trace);
    if (rc != EXIT_OK && err[0])
        cli_error("%s", err);
    return rc;
}
