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
 * Commands typed after ':' run as `cascade` itself in a child process,
 * through the one command table, with the workshop and server of this
 * view; what they print comes back to the screen. */
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uv.h>

#include "cli.h"
#include "live_model.h"
#include "live_term.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"

/* The shortest time between two fetches of the state: ~30 frames a second. */
#define LIVE_FRAME_MS 33
/* A resize is drawn once the size has held still this long. */
#define LIVE_RESIZE_SETTLE_MS 80
/* Reconnecting: the first wait, doubling to the longest. */
#define LIVE_RETRY_FIRST_S 1
#define LIVE_RETRY_MAX_S 8
/* What a command's output may be, and how long it may run. */
#define LIVE_CMD_OUTPUT_MAX (256 * 1024)
#define LIVE_CMD_TIMEOUT_MS 30000

struct live_app {
    const struct cli *cli;
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
};

static uint64_t now_ms(void)
{
    return uv_hrtime() / 1000000u;
}

static void paint(struct live_app *a)
{
    uint64_t t0 = uv_hrtime();
    int cols, rows;
    live_term_size(&cols, &rows);
    if (rows <= 0 || cols <= 0)
        return;
    struct live_line *lines = malloc((size_t)rows * sizeof *lines);
    if (lines == NULL)
        return;
    live_model_render(&a->m, cols, rows, now_ms(), lines);
    int cursor = a->m.cursor_col;
    live_term_paint(lines, rows, a->m.cursor_row, cursor < cols ? cursor : cols - 1);
    free(lines);
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
            a->resize_ms = now_ms();
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
    a->resize_ms = now_ms();
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
    }
    snprintf(a->m.code, sizeof a->m.code, "%s", snap->workshop);
    a->state_seq = snap->seq;
    if (snap->seq > a->m.seq)
        a->m.seq = snap->seq;
    if (a->ticked == 0)
        a->ticked = snap->seq; /* the ticker starts now, not with the history */
    a->stale = 0;
    a->fetched_ms = now_ms();
    rc = live_model_set_state(&a->m, &a->st) == 0 ? EXIT_OK : EXIT_REFUSED;
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
            live_model_event(&a->m, e->seq, e->actor, e->type, e->entity, now_ms());
            a->ticked = e->seq;
        }
        if (e->seq > a->state_seq)
            a->stale = 1;
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_PRESENCE_EVENT) {
        const Cascade__V1__PresenceEvent *p = f->presence_event;
        live_model_presence(&a->m, p->user, p->change, p->entity);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_GOING_AWAY) {
        snprintf(a->m.message, sizeof a->m.message, "%s", f->going_away->reason);
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
    a->busy = 1;
    int rc = client_call(a->c, &req, &reply, err, errlen);
    wire_free(reply);
    if (rc == CLIENT_OK) {
        Cascade__V1__PresenceQuery q = CASCADE__V1__PRESENCE_QUERY__INIT;
        q.workshop = a->ws;
        WireFrame preq = CLIENT_REQUEST(presence_query, PRESENCE_QUERY, &q);
        rc = client_call(a->c, &preq, &reply, err, errlen);
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
    a->busy = 0;
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
    a->busy = 1;
    if (client_call(a->c, &req, &reply, err, sizeof err) == CLIENT_OK)
        a->announced = a->announce;
    a->busy = 0;
    wire_free(reply);
}

/* ---- The edit form ------------------------------------------------------------ */

static void value_text(const Cascade__V1__Value *v, char *out, size_t outlen)
{
    if (v == NULL || v->kind_case == CASCADE__V1__VALUE__KIND__NOT_SET)
        snprintf(out, outlen, "none");
    else if (v->kind_case == CASCADE__V1__VALUE__KIND_NUMBER)
        render_number(v->number, out, outlen);
    else if (v->kind_case == CASCADE__V1__VALUE__KIND_FLAG)
        snprintf(out, outlen, "%s", v->flag ? "true" : "false");
    else
        render_flat(v->text, out, outlen);
}

/* The form's field name as a number; a sentence in the message when it is
 * not one. */
static int form_number(struct live_model *m, const char *name, double *out)
{
    int i = live_form_find(&m->form, name);
    if (i >= 0 && args_number(m->form.values[i], out) == 0)
        return 0;
    snprintf(m->message, sizeof m->message, "The %s must be a number, like 42 or 7.5.", name);
    return -1;
}

static char *form_text(struct live_model *m, const char *name)
{
    int i = live_form_find(&m->form, name);
    return i >= 0 ? m->form.values[i] : "";
}

/* The edit: the fields that changed, based on version base. */
static int send_edit(struct live_app *a, uint64_t base, const char *id, WireFrame **reply,
                     char *err, size_t errlen)
{
    struct live_model *m = &a->m;
    struct live_form *f = &m->form;
    char *fields[LIVE_FORM_FIELDS];
    size_t n = 0;
    for (int i = 0; i < f->nfields; i++)
        if (live_form_changed(f, i))
            fields[n++] = (char *)f->names[i];
    if (n == 0) {
        snprintf(m->message, sizeof m->message, "Nothing changed.");
        return -1;
    }
    if (f->ref_kind == OKR_OBJECTIVE) {
        Cascade__V1__Objective v = CASCADE__V1__OBJECTIVE__INIT;
        v.title = form_text(m, "title");
        v.owner = form_text(m, "owner");
        v.rationale = form_text(m, "rationale");
        Cascade__V1__ObjectiveEdit e = CASCADE__V1__OBJECTIVE_EDIT__INIT;
        e.workshop = a->ws;
        e.id = (char *)id;
        e.base_version = base;
        e.n_fields = n;
        e.fields = fields;
        e.values = &v;
        WireFrame req = CLIENT_REQUEST(objective_edit, OBJECTIVE_EDIT, &e);
        return client_call(a->c, &req, reply, err, errlen);
    }
    Cascade__V1__KeyResult v = CASCADE__V1__KEY_RESULT__INIT;
    v.title = form_text(m, "title");
    v.owner = form_text(m, "owner");
    v.unit = form_text(m, "unit");
    if (!f->milestone &&
        (form_number(m, "target", &v.target) != 0 || form_number(m, "start", &v.start) != 0))
        return -1;
    Cascade__V1__KeyResultEdit e = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    e.workshop = a->ws;
    e.id = (char *)id;
    e.base_version = base;
    e.n_fields = n;
    e.fields = fields;
    e.values = &v;
    WireFrame req = CLIENT_REQUEST(key_result_edit, KEY_RESULT_EDIT, &e);
    return client_call(a->c, &req, reply, err, errlen);
}

static int send_checkin(struct live_app *a, const char *id, WireFrame **reply, char *err,
                        size_t errlen)
{
    struct live_model *m = &a->m;
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.workshop = a->ws;
    ci.key_result = (char *)id;
    if (m->form.milestone) {
        const char *done = form_text(m, "done");
        if (strcmp(done, "yes") != 0 && strcmp(done, "no") != 0) {
            snprintf(m->message, sizeof m->message, "Done is yes or no.");
            return -1;
        }
        ci.value_case = CASCADE__V1__CHECK_IN__VALUE_DONE;
        ci.done = strcmp(done, "yes") == 0;
    } else {
        ci.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
        if (form_number(m, "value", &ci.current) != 0)
            return -1;
    }
    if (form_number(m, "confidence", &ci.confidence) != 0)
        return -1;
    ci.has_confidence = 1;
    ci.note = form_text(m, "note");
    ci.blocker = form_text(m, "blocker");
    WireFrame req = CLIENT_REQUEST(check_in, CHECK_IN, &ci);
    return client_call(a->c, &req, reply, err, errlen);
}

static int send_add(struct live_app *a, const char *id, WireFrame **reply, char *err,
                    size_t errlen)
{
    struct live_model *m = &a->m;
    if (m->form.ref_kind == OKR_TEAM) {
        Cascade__V1__ObjectiveAdd add = CASCADE__V1__OBJECTIVE_ADD__INIT;
        add.workshop = a->ws;
        add.team = (char *)id;
        add.title = form_text(m, "title");
        add.owner = form_text(m, "owner");
        WireFrame req = CLIENT_REQUEST(objective_add, OBJECTIVE_ADD, &add);
        return client_call(a->c, &req, reply, err, errlen);
    }
    Cascade__V1__KeyResultAdd add = CASCADE__V1__KEY_RESULT_ADD__INIT;
    add.workshop = a->ws;
    add.objective = (char *)id;
    add.title = form_text(m, "title");
    add.owner = form_text(m, "owner");
    add.unit = form_text(m, "unit");
    if (form_number(m, "from", &add.start) != 0 || form_number(m, "to", &add.target) != 0)
        return -1;
    WireFrame req = CLIENT_REQUEST(key_result_add, KEY_RESULT_ADD, &add);
    return client_call(a->c, &req, reply, err, errlen);
}

/* Sends the open form (an edit based on version base). A conflict opens the
 * dialog; a value that does not parse keeps the form open with a sentence;
 * anything else ends the form with a message. */
static void send_form(struct live_app *a, uint64_t base)
{
    struct live_model *m = &a->m;
    struct live_form *f = &m->form;
    char id[16], err[640];
    okr_id_format(f->ref_kind, f->ref_num, id, sizeof id);
    WireFrame *reply = NULL;
    m->message[0] = '\0';
    a->busy = 1;
    int rc = f->kind == LIVE_FORM_EDIT      ? send_edit(a, base, id, &reply, err, sizeof err)
             : f->kind == LIVE_FORM_CHECKIN ? send_checkin(a, id, &reply, err, sizeof err)
                                            : send_add(a, id, &reply, err, sizeof err);
    a->busy = 0;
    if (rc < 0) { /* refused here: the form stays open to fix it */
        snprintf(m->input, sizeof m->input, "%s", f->values[f->field]);
        m->input_len = strlen(m->input);
        m->mode = LIVE_FORM;
        return;
    }
    const Cascade__V1__Conflict *cf =
        rc == CLIENT_REFUSED && reply->error->code == CASCADE__V1__ERROR_CODE__CONFLICT
            ? reply->error->conflict
            : NULL;
    if (cf != NULL && cf->n_fields > 0) {
        struct live_conflict *c = &m->conflict;
        c->ref = (struct live_ref){f->ref_kind, f->ref_num};
        snprintf(c->field, sizeof c->field, "%s", cf->fields[0]->field);
        value_text(cf->fields[0]->new_value, c->now, sizeof c->now);
        snprintf(c->by, sizeof c->by, "%.32s", cf->changed_by);
        snprintf(c->mine, sizeof c->mine, "%s", form_text(m, c->field));
        c->version = cf->current_version;
        m->mode = LIVE_CONFLICT;
    } else {
        if (rc == CLIENT_OK && f->kind == LIVE_FORM_ADD)
            snprintf(m->message, sizeof m->message, "Added %s.",
                     reply->body_case == CASCADE__V1__FRAME__BODY_ACK ? reply->ack->id : "it");
        else if (rc == CLIENT_OK)
            snprintf(m->message, sizeof m->message, "%s %s.",
                     f->kind == LIVE_FORM_CHECKIN ? "Checked in" : "Saved", id);
        else
            snprintf(m->message, sizeof m->message, "%.190s", err);
        m->mode = LIVE_BROWSE;
        a->stale = 1;
    }
    wire_free(reply);
    if (m->mode != LIVE_CONFLICT && a->announce.kind != 0) {
        a->announce = (struct live_ref){0, 0};
        a->announce_due = 1;
    }
}

/* ---- The selected key result's history ----------------------------------------------- */

static void load_history(struct live_app *a)
{
    struct live_model *m = &a->m;
    struct live_history *h = &m->history;
    const struct okr_key_result *k = okr_key_result_find(m->s, m->selected.num);
    memset(h, 0, sizeof *h);
    h->ref = m->selected; /* even when the request fails: not asked again for this state */
    if (k == NULL)
        return;
    char id[16], err[256];
    okr_id_format(OKR_KEY_RESULT, k->num, id, sizeof id);
    Cascade__V1__KeyResultHistory q = CASCADE__V1__KEY_RESULT_HISTORY__INIT;
    q.workshop = a->ws;
    q.key_result = id;
    WireFrame req = CLIENT_REQUEST(key_result_history, KEY_RESULT_HISTORY, &q);
    WireFrame *reply = NULL;
    a->busy = 1;
    int rc = client_call(a->c, &req, &reply, err, sizeof err);
    a->busy = 0;
    if (rc == CLIENT_OK && reply->body_case == CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY_REPLY) {
        const Cascade__V1__KeyResultHistoryReply *r = reply->key_result_history_reply;
        h->total = r->n_check_ins;
        size_t with_value = 0;
        for (size_t i = 0; i < r->n_check_ins; i++)
            with_value += r->check_ins[i]->has_value;
        size_t skip = with_value > LIVE_HISTORY_MAX ? with_value - LIVE_HISTORY_MAX : 0;
        for (size_t i = 0; i < r->n_check_ins; i++) {
            const Cascade__V1__CheckInRecord *c = r->check_ins[i];
            if (!c->has_value || (skip > 0 && skip--))
                continue;
            struct okr_key_result at = *k; /* as it stood then */
            at.current = c->value;
            at.done = c->value >= 1;
            h->levels[h->n++] = okr_key_result_progress(&at);
        }
        if (r->n_check_ins > 0) {
            const Cascade__V1__CheckInRecord *c = r->check_ins[r->n_check_ins - 1];
            char when[32], note[160];
            output_time(c->time_ms, when, sizeof when);
            render_flat(c->note, note, sizeof note);
            snprintf(h->last, sizeof h->last, "%.32s at %.20s%s%.120s", c->actor, when,
                     note[0] ? ": " : "", note);
        }
    }
    wire_free(reply);
}

/* ---- Commands after ':' ------------------------------------------------------- */

/* Splits a command line into words: spaces separate, single and double
 * quotes group, a backslash takes the next character as it is. Returns the
 * count, or -1 for an unclosed quote. */
static int split_words(const char *line, char *buf, size_t buflen, char **words, int max)
{
    int n = 0;
    size_t o = 0;
    const char *p = line;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        if (n == max || o >= buflen)
            return -1;
        words[n++] = buf + o;
        char quote = 0;
        while (*p && (quote || *p != ' ')) {
            if (!quote && (*p == '"' || *p == '\'')) {
                quote = *p++;
                continue;
            }
            if (quote && *p == quote) {
                quote = 0;
                p++;
                continue;
            }
            if (*p == '\\' && p[1])
                p++;
            if (o + 1 >= buflen)
                return -1;
            buf[o++] = *p++;
        }
        if (quote)
            return -1;
        buf[o++] = '\0';
    }
    return n;
}

/* Commands that would take over the terminal or wait for ever. */
static const char *refused_here(const char *word)
{
    static const char *const LONG[] = {"watch", "live", "login", "passwd", NULL};
    for (int i = 0; LONG[i]; i++)
        if (strcmp(word, LONG[i]) == 0)
            return "That command needs a terminal of its own; run it outside the live view.";
    return NULL;
}

/* Runs `cascade -w CODE --server S WORDS...` with stdin from /dev/null and
 * stdout and stderr into out. Returns its exit status (-1: it could not
 * run, or ran past LIVE_CMD_TIMEOUT_MS and was killed). */
static int run_child(struct live_app *a, char **words, int nwords, char *out, size_t outlen)
{
    char *argv[80];
    int n = 0;
    argv[n++] = "cascade";
    argv[n++] = "--server";
    argv[n++] = (char *)a->cli->server_text;
    if (a->cli->opts.ca_file != NULL) {
        argv[n++] = "--ca";
        argv[n++] = (char *)a->cli->opts.ca_file;
    }
    argv[n++] = "-w";
    argv[n++] = a->ws;
    for (int i = 0; i < nwords && n < 79; i++)
        argv[n++] = words[i];
    argv[n] = NULL;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0)
            dup2(devnull, STDIN_FILENO);
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        setenv("NO_COLOR", "1", 1);
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(fds[1]);
    size_t used = 0;
    uint64_t deadline = now_ms() + LIVE_CMD_TIMEOUT_MS;
    int killed = 0;
    for (;;) {
        uint64_t t = now_ms();
        if (t >= deadline && !killed) {
            kill(pid, SIGKILL);
            killed = 1;
        }
        struct pollfd p = {fds[0], POLLIN, 0};
        int r = poll(&p, 1, killed ? 1000 : (int)(deadline - t));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        char chunk[4096];
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got <= 0)
            break;
        size_t take = (size_t)got < outlen - 1 - used ? (size_t)got : outlen - 1 - used;
        memcpy(out + used, chunk, take);
        used += take;
    }
    out[used] = '\0';
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (killed)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void run_command(struct live_app *a)
{
    char *line = a->command;
    a->command = NULL;
    char buf[LIVE_INPUT_MAX * 2], *words[64];
    int n = split_words(line, buf, sizeof buf, words, 64);
    struct live_model *m = &a->m;
    const char *why;
    if (n < 0) {
        snprintf(m->message, sizeof m->message, "A quote is not closed: %s", line);
    } else if (n == 0) {
        m->message[0] = '\0';
    } else if ((why = refused_here(words[0])) != NULL) {
        snprintf(m->message, sizeof m->message, "%s", why);
    } else {
        char *out = malloc(LIVE_CMD_OUTPUT_MAX);
        if (out == NULL) {
            snprintf(m->message, sizeof m->message, "Out of memory.");
        } else {
            int st = run_child(a, words, n, out, LIVE_CMD_OUTPUT_MAX);
            size_t len = strlen(out);
            while (len > 0 && out[len - 1] == '\n')
                out[--len] = '\0';
            if (strchr(out, '\n') != NULL) {
                live_model_set_output(m, out);
                m->mode = LIVE_OUTPUT;
                snprintf(m->message, sizeof m->message, "%s (exit %d)", line, st);
            } else if (st == 0) {
                snprintf(m->message, sizeof m->message, "%s", out[0] ? out : "Done.");
            } else {
                snprintf(m->message, sizeof m->message, "%s",
                         out[0] ? out : st < 0 ? "The command did not finish." : "It failed.");
            }
            free(out);
        }
    }
    free(line);
    m->input[0] = '\0';
    m->input_len = 0;
    if (a->announce.kind != 0) {
        a->announce = (struct live_ref){0, 0};
        a->announce_due = 1;
    }
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
    uint64_t t = now_ms();
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
            run_command(a);
            a->stale = 1; /* its change, if any, comes as an event too */
            paint(a);
        }
        if (a->submit) {
            a->submit = 0;
            send_form(a, a->m.form.base_version);
            paint(a);
        }
        if (a->resubmit) {
            a->resubmit = 0;
            send_form(a, a->m.conflict.version);
            paint(a);
        }
        if (a->announce_due)
            announce(a);
        if (live_model_wants_history(&a->m)) {
            load_history(a);
            paint(a);
        }
        if (a->resize_ms != 0 && now_ms() >= a->resize_ms + LIVE_RESIZE_SETTLE_MS) {
            a->resize_ms = 0;
            live_term_resized();
            paint(a);
        }
        if (a->stale && now_ms() >= a->fetched_ms + LIVE_FRAME_MS) {
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
            detach(a);
            client_close(a->c);
            a->c = NULL;
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
