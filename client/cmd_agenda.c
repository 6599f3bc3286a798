/* cascade agenda [add|edit|rm|move|start|next|back|pause|resume|extend] |
 * ready [--undo] | template list: running the workshop. Reading the agenda
 * is everyone's; changing it or driving its timer is a facilitator's (the
 * server refuses others with one sentence). Durations are duration.h's
 * (90s, 15m, 1h30m); a malformed one is a usage error and nothing is sent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda_view.h"
#include "change.h"
#include "clock.h"
#include "cli.h"
#include "duration.h"
#include "output.h"
#include "render.h"
#include "session.h"

/* Takes "--flag DURATION" when present (*present says whether it was). */
static int take_duration(struct args *a, const char *cmd, const char *flag, int plus_ok,
                         int *present, int64_t *ms)
{
    const char *text;
    char err[256], msg[320];
    int r = args_value(a, flag, &text);
    *present = r > 0;
    if (r < 0)
        return cli_usage(cmd, a->err);
    if (r == 0)
        return EXIT_OK;
    if (duration_parse(text, plus_ok, ms, err, sizeof err) != 0) {
        snprintf(msg, sizeof msg, "%s", err);
        return cli_usage(cmd, msg);
    }
    return EXIT_OK;
}

/* A step number: 1 for the first. */
static int take_step(const char *cmd, const char *text, const char *what, uint32_t *out)
{
    char msg[160];
    if (text == NULL) {
        snprintf(msg, sizeof msg, "Give the %s's number, 1 for the first (see 'cascade agenda').",
                 what);
        return cli_usage(cmd, msg);
    }
    char *end;
    unsigned long n = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || n < 1 || n > 1000) {
        snprintf(msg, sizeof msg, "'%.20s' is not a step number; steps are numbered from 1.",
                 text);
        return cli_usage(cmd, msg);
    }
    *out = (uint32_t)n;
    return EXIT_OK;
}

static int show(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "agenda", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    Cascade__V1__AgendaGet msg = CASCADE__V1__AGENDA_GET__INIT;
    msg.workshop = ws;
    WireFrame req = CLIENT_REQUEST(agenda_get, AGENDA_GET, &msg), *reply;
    rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_AGENDA_REPLY, &reply);
    if (rc == EXIT_OK) {
        const Cascade__V1__Agenda *m = reply->agenda_reply->agenda;
        Cascade__V1__Agenda empty = CASCADE__V1__AGENDA__INIT;
        int64_t now = clock_now_ms();
        /* The server's figures were taken a moment ago: its clock and ours
         * meet at as_of_ms. */
        int64_t offset = m != NULL && m->as_of_ms != 0 ? m->as_of_ms - now : 0;
        if (cli->json)
            output_json(agenda_view_json(m != NULL ? m : &empty, now, offset));
        else
            agenda_view_print(stdout, m != NULL ? m : &empty, now, offset);
        wire_free(reply);
    }
    client_close(c);
    return rc;
}

static int add(struct cli *cli, struct args *a)
{
    const char *cmd = "agenda add", *prompt = "";
    int64_t ms = 0;
    int has_for, rc;
    if ((rc = take_duration(a, cmd, "--for", 0, &has_for, &ms)) != EXIT_OK)
        return rc;
    if (args_value(a, "--prompt", &prompt) < 0)
        return cli_usage(cmd, a->err);
    const char *title = args_next(a);
    char ws[SETTINGS_CODE_MAX + 1];
    const char *problem = title == NULL ? "Give the step a title, e.g. 'agenda add \"Wrap up\" --for 10m'."
                          : !has_for    ? "Say how long the step takes, e.g. --for 15m."
                                        : NULL;
    if ((rc = cli_finish(cli, a, cmd, problem, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__AgendaAdd msg = CASCADE__V1__AGENDA_ADD__INIT;
    msg.workshop = ws;
    msg.title = (char *)title;
    msg.planned_ms = ms;
    msg.prompt = (char *)prompt;
    WireFrame req = CLIENT_REQUEST(agenda_add, AGENDA_ADD, &msg);
    return change_send_acked(cli, &req, change_json_texts("title", title, "workshop", ws),
                             "Added \"%s\" to the agenda.", title);
}

static int edit(struct cli *cli, struct args *a)
{
    const char *cmd = "agenda edit", *title = NULL, *prompt = NULL;
    int64_t ms = 0;
    int has_for, rc;
    uint32_t step = 0;
    if ((rc = take_duration(a, cmd, "--for", 0, &has_for, &ms)) != EXIT_OK)
        return rc;
    if (args_value(a, "--title", &title) < 0 || args_value(a, "--prompt", &prompt) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_step(cmd, args_next(a), "step", &step)) != EXIT_OK)
        return rc;
    char *fields[3];
    size_t n = 0;
    if (title != NULL)
        fields[n++] = "title";
    if (has_for)
        fields[n++] = "planned_ms";
    if (prompt != NULL)
        fields[n++] = "prompt";
    char ws[SETTINGS_CODE_MAX + 1];
    if ((rc = cli_finish(cli, a, cmd,
                         n == 0 ? "Say what to change: --title, --for or --prompt." : NULL, ws)) !=
        EXIT_OK)
        return rc;
    Cascade__V1__AgendaEdit msg = CASCADE__V1__AGENDA_EDIT__INIT;
    msg.workshop = ws;
    msg.step = step;
    msg.n_fields = n;
    msg.fields = fields;
    msg.title = (char *)(title != NULL ? title : "");
    msg.prompt = (char *)(prompt != NULL ? prompt : "");
    msg.planned_ms = ms;
    WireFrame req = CLIENT_REQUEST(agenda_edit, AGENDA_EDIT, &msg);
    char id[16];
    snprintf(id, sizeof id, "S%u", step);
    return change_send_acked(cli, &req, change_json_texts("id", id, "workshop", ws),
                             "Updated step %u.", step);
}

static int remove_step(struct cli *cli, struct args *a)
{
    const char *cmd = "agenda rm";
    uint32_t step;
    char ws[SETTINGS_CODE_MAX + 1], id[16];
    int rc = take_step(cmd, args_next(a), "step", &step);
    if (rc != EXIT_OK || (rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__AgendaRemove msg = CASCADE__V1__AGENDA_REMOVE__INIT;
    msg.workshop = ws;
    msg.step = step;
    WireFrame req = CLIENT_REQUEST(agenda_remove, AGENDA_REMOVE, &msg);
    snprintf(id, sizeof id, "S%u", step);
    return change_send_acked(cli, &req, change_json_texts("id", id, "workshop", ws),
                             "Removed step %u; the steps after it moved up.", step);
}

static int move(struct cli *cli, struct args *a)
{
    const char *cmd = "agenda move";
    uint32_t step, to;
    char ws[SETTINGS_CODE_MAX + 1], id[16];
    int rc = take_step(cmd, args_next(a), "step", &step);
    if (rc != EXIT_OK || (rc = take_step(cmd, args_next(a), "new position", &to)) != EXIT_OK ||
        (rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__AgendaMove msg = CASCADE__V1__AGENDA_MOVE__INIT;
    msg.workshop = ws;
    msg.step = step;
    msg.to = to;
    WireFrame req = CLIENT_REQUEST(agenda_move, AGENDA_MOVE, &msg);
    snprintf(id, sizeof id, "S%u", to);
    return change_send_acked(cli, &req, change_json_texts("id", id, "workshop", ws),
                             "Moved step %u to position %u.", step, to);
}

static int timer(struct cli *cli, struct args *a, const char *sub)
{
    static const struct {
        const char *name, *done;
        Cascade__V1__TimerAction action;
    } ACTIONS[] = {
        {"start", "The agenda has started.", CASCADE__V1__TIMER_ACTION__TIMER_START},
        {"next", "Moved on to the next step.", CASCADE__V1__TIMER_ACTION__TIMER_NEXT},
        {"back", "Went back a step.", CASCADE__V1__TIMER_ACTION__TIMER_BACK},
        {"pause", "The timer is paused.", CASCADE__V1__TIMER_ACTION__TIMER_PAUSE},
        {"resume", "The timer runs again.", CASCADE__V1__TIMER_ACTION__TIMER_RESUME},
        {"extend", "Extended the current step.", CASCADE__V1__TIMER_ACTION__TIMER_EXTEND},
    };
    char cmd[32], ws[SETTINGS_CODE_MAX + 1], err[256];
    snprintf(cmd, sizeof cmd, "agenda %s", sub);
    for (size_t i = 0; i < sizeof ACTIONS / sizeof ACTIONS[0]; i++) {
        if (strcmp(sub, ACTIONS[i].name) != 0)
            continue;
        Cascade__V1__AgendaTimer msg = CASCADE__V1__AGENDA_TIMER__INIT;
        msg.action = ACTIONS[i].action;
        const char *problem = NULL;
        if (msg.action == CASCADE__V1__TIMER_ACTION__TIMER_EXTEND) {
            const char *by = args_next(a);
            if (by == NULL)
                problem = "Say by how much, e.g. 'agenda extend +5m'.";
            else if (by[0] == '-')
                problem = "A step can only be extended; give a positive duration like +5m.";
            else if (duration_parse(by, 1, &msg.extend_ms, err, sizeof err) != 0)
                problem = err;
        }
        int rc = cli_finish(cli, a, cmd, problem, ws);
        if (rc != EXIT_OK)
            return rc;
        msg.workshop = ws;
        WireFrame req = CLIENT_REQUEST(agenda_timer, AGENDA_TIMER, &msg);
        return change_send_acked(cli, &req, change_json_texts("action", sub, "workshop", ws),
                                 "%s", ACTIONS[i].done);
    }
    return EXIT_USAGE;
}

int cmd_agenda(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub == NULL || strcmp(sub, "list") == 0 || strcmp(sub, "show") == 0)
        return show(cli, a);
    if (strcmp(sub, "add") == 0)
        return add(cli, a);
    if (strcmp(sub, "edit") == 0)
        return edit(cli, a);
    if (strcmp(sub, "rm") == 0)
        return remove_step(cli, a);
    if (strcmp(sub, "move") == 0)
        return move(cli, a);
    int rc = timer(cli, a, sub);
    if (rc != EXIT_USAGE || strcmp(sub, "extend") == 0 || strcmp(sub, "start") == 0 ||
        strcmp(sub, "next") == 0 || strcmp(sub, "back") == 0 || strcmp(sub, "pause") == 0 ||
        strcmp(sub, "resume") == 0)
        return rc;
    return cli_usage("agenda", "Use 'agenda', 'agenda add TITLE --for 15m [--prompt TEXT]', "
                               "'agenda edit N', 'agenda rm N', 'agenda move N M', or 'agenda "
                               "start|next|back|pause|resume|extend +5m'.");
}

int cmd_ready(struct cli *cli, struct args *a)
{
    int undo = args_flag(a, "--undo");
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "ready", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__Ready msg = CASCADE__V1__READY__INIT;
    msg.workshop = ws;
    msg.undo = undo;
    WireFrame req = CLIENT_REQUEST(ready, READY, &msg);
    return change_send_acked(cli, &req,
                             change_json_texts("ready", undo ? "no" : "yes", "workshop", ws), "%s",
                             undo ? "You are no longer marked ready for this step."
                                  : "You are marked ready for this step.");
}

/* ---- Templates ----------------------------------------------------------------------- */

/* Fetches the server's templates. */
static int fetch_templates(const struct cli *cli, WireFrame **reply)
{
    Cascade__V1__TemplateList msg = CASCADE__V1__TEMPLATE_LIST__INIT;
    WireFrame req = CLIENT_REQUEST(template_list, TEMPLATE_LIST, &msg);
    return cli_request(cli, &req, CASCADE__V1__FRAME__BODY_TEMPLATE_LIST_REPLY, reply);
}

static int template_list(struct cli *cli, struct args *a)
{
    if (args_finish(a) != 0)
        return cli_usage("template list", a->err);
    WireFrame *reply;
    int rc = fetch_templates(cli, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__TemplateListReply *r = reply->template_list_reply;
    char steps[16], length[DURATION_TEXT_MAX], title[256];
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(o, "templates");
        for (size_t i = 0; arr != NULL && i < r->n_templates; i++) {
            const Cascade__V1__TemplateInfo *t = r->templates[i];
            cJSON *j = cJSON_CreateObject();
            cJSON_AddStringToObject(j, "name", t->name);
            if (t->problem[0] != '\0') {
                cJSON_AddStringToObject(j, "problem", t->problem);
            } else {
                cJSON_AddStringToObject(j, "title", t->title);
                cJSON_AddNumberToObject(j, "steps", t->steps);
                cJSON_AddNumberToObject(j, "total_ms", (double)t->total_ms);
                cJSON_AddBoolToObject(j, "builtin", t->builtin);
            }
            cJSON_AddItemToArray(arr, j);
        }
        output_json(o);
        wire_free(reply);
        return EXIT_OK;
    }
    static const char *const HEADERS[] = {"NAME", "STEPS", "LENGTH", "ABOUT"};
    struct table t;
    int ok = table_init(&t, 4, HEADERS) == 0;
    for (size_t i = 0; i < r->n_templates && ok; i++) {
        const Cascade__V1__TemplateInfo *ti = r->templates[i];
        if (ti->problem[0] != '\0') {
            char problem[200];
            render_flat(ti->problem, problem, sizeof problem);
            snprintf(title, sizeof title, "cannot be used: %s", problem);
            const char *row[] = {ti->name, "-", "-", title};
            ok = table_add(&t, row) == 0;
            continue;
        }
        snprintf(steps, sizeof steps, "%u", ti->steps);
        duration_format(ti->total_ms, length, sizeof length);
        render_flat(ti->title, title, sizeof title);
        const char *row[] = {ti->name, steps, length, title};
        ok = table_add(&t, row) == 0;
    }
    if (ok)
        table_print(&t, stdout);
    table_free(&t);
    wire_free(reply);
    return ok ? EXIT_OK : EXIT_REFUSED;
}

int cmd_template(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "list") == 0)
        return template_list(cli, a);
    return cli_usage("template", "Use 'template list'.");
}

int agenda_apply_template(const struct cli *cli, const char *workshop, const char *name,
                          int examples)
{
    Cascade__V1__TemplateApply msg = CASCADE__V1__TEMPLATE_APPLY__INIT;
    msg.workshop = (char *)workshop;
    msg.name = (char *)name;
    msg.examples = examples;
    WireFrame req = CLIENT_REQUEST(template_apply, TEMPLATE_APPLY, &msg), *reply;
    int rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc == EXIT_OK)
        wire_free(reply);
    return rc;
}

int agenda_check_template(const struct cli *cli, const char *name)
{
    WireFrame *reply;
    int rc = fetch_templates(cli, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__TemplateListReply *r = reply->template_list_reply;
    const Cascade__V1__TemplateInfo *found = NULL;
    for (size_t i = 0; i < r->n_templates && found == NULL; i++)
        if (strcmp(r->templates[i]->name, name) == 0)
            found = r->templates[i];
    rc = EXIT_REFUSED;
    if (found == NULL)
        cli_error("There is no template '%.40s'; 'cascade template list' shows the templates.",
                  name);
    else if (found->problem[0] != '\0')
        cli_error("The template '%s' cannot be used: %s", found->name, found->problem);
    else
        rc = EXIT_OK;
    wire_free(reply);
    return rc;
}
