/* What the live view sends for the person: its forms (check in, edit,
 * add), the selected key result's history, and the commands typed after
 * ':', which run as `cascade` itself so that the one command table serves
 * the view too. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live_app.h"
#include "output.h"
#include "render.h"

int live_call(struct live_app *a, WireFrame *req, WireFrame **reply, char *err, size_t errlen)
{
    a->busy = 1;
    int rc = client_call(a->c, req, reply, err, errlen);
    a->busy = 0;
    return rc;
}

/* What a command's output may be, and how long it may run. */
#define LIVE_CMD_OUTPUT_MAX (256 * 1024)
#define LIVE_CMD_TIMEOUT_MS 30000

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
        return live_call(a, &req, reply, err, errlen);
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
    return live_call(a, &req, reply, err, errlen);
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
    return live_call(a, &req, reply, err, errlen);
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
        return live_call(a, &req, reply, err, errlen);
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
    return live_call(a, &req, reply, err, errlen);
}

void live_send_form(struct live_app *a, uint64_t base)
{
    struct live_model *m = &a->m;
    struct live_form *f = &m->form;
    char id[16], err[640];
    okr_id_format(f->ref_kind, f->ref_num, id, sizeof id);
    WireFrame *reply = NULL;
    m->message[0] = '\0';
    int rc = f->kind == LIVE_FORM_EDIT      ? send_edit(a, base, id, &reply, err, sizeof err)
             : f->kind == LIVE_FORM_CHECKIN ? send_checkin(a, id, &reply, err, sizeof err)
                                            : send_add(a, id, &reply, err, sizeof err);
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

void live_load_history(struct live_app *a)
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
    int rc = live_call(a, &req, &reply, err, sizeof err);
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
    uint64_t deadline = live_now_ms() + LIVE_CMD_TIMEOUT_MS;
    int killed = 0;
    for (;;) {
        uint64_t t = live_now_ms();
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

void live_run_command(struct live_app *a)
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
