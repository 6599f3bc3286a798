/* cascade workshop create TITLE [--period P] | workshop list | workshop
 * code rotate | workshop next | join CODE | use CODE: finding and choosing workshops. The workshop a later command
 * acts on is remembered in CONFIG/config (see session.h for the order in
 * which -w, CASCADE_WORKSHOP and that default are consulted). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "session.h"
#include "settings.h"

static cJSON *workshop_json(const Cascade__V1__WorkshopInfo *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", w->code);
    cJSON_AddStringToObject(o, "title", w->title);
    cJSON_AddStringToObject(o, "period", w->period);
    output_json_text_or_null(o, "role", wire_role_name(w->role));
    cJSON_AddStringToObject(o, "created_by", w->created_by);
    cJSON_AddNumberToObject(o, "created_ms", (double)w->created_ms);
    cJSON_AddNumberToObject(o, "last_seq", (double)w->last_seq);
    if (w->closed) { /* only then, so open workshops read as before */
        cJSON *c = cJSON_AddObjectToObject(o, "closed");
        cJSON_AddStringToObject(c, "by", w->closed_by);
        cJSON_AddNumberToObject(c, "at_ms", (double)w->closed_ms);
    }
    /* Only in the answer to workshop next. */
    if (w->carried_from[0] != '\0')
        cJSON_AddStringToObject(o, "carried_from", w->carried_from);
    if (w->n_dropped) {
        cJSON *arr = cJSON_AddArrayToObject(o, "dropped");
        for (size_t i = 0; i < w->n_dropped; i++)
            cJSON_AddItemToArray(arr, cJSON_CreateString(w->dropped[i]));
    }
    return o;
}

/* Sends req, answered with a WorkshopInfo whose code is new (a workshop
 * made, a code replaced), makes that code the default when make_default,
 * and prints the bare code for scripts (--json: the workshop). */
static int send_for_code(struct cli *cli, WireFrame *req, int make_default,
                         char code[SETTINGS_CODE_MAX + 1])
{
    WireFrame *reply;
    int rc = cli_request(cli, req, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__WorkshopInfo *w = reply->workshop_info;
    if (code != NULL)
        snprintf(code, SETTINGS_CODE_MAX + 1, "%s", w->code);
    char was[256] = "", file[PATH_MAX + 16];
    if (make_default) {
        session_path(cli, "config", file, sizeof file);
        if (settings_get(file, SETTINGS_WORKSHOP, was, sizeof was) != 0)
            was[0] = '\0';
        rc = cli_set_default_workshop(cli, w->code);
    }
    if (cli->json)
        output_json(workshop_json(w));
    else
        printf("%s\n", w->code);
    /* Links workshop next could not carry: the person is told, the script
     * still gets just the code on stdout. */
    for (size_t i = 0; !cli->json && i < w->n_dropped; i++)
        fprintf(stderr, "%s\n", w->dropped[i]);
    /* stdout is just the code, for scripts; a person is told on stderr
     * that later commands now act on the new workshop. */
    if (make_default && rc == EXIT_OK && was[0] != '\0' && strcmp(was, w->code) != 0)
        fprintf(stderr,
                "Your default workshop is now %s (it was %.32s; 'cascade use %.32s' goes back).\n",
                w->code, was, was);
    wire_free(reply);
    return rc;
}

static int create(struct cli *cli, struct args *a)
{
    const char *period = "", *template = NULL;
    if (args_value(a, "--period", &period) < 0 || args_value(a, "--template", &template) < 0)
        return cli_usage("workshop create", a->err);
    int examples = args_flag(a, "--examples");
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage("workshop create", "Give the workshop a title, e.g. \"Q3 planning\".");
    if (args_finish(a) != 0)
        return cli_usage("workshop create", a->err);
    /* A template is looked up first, so that a wrong name makes no workshop. */
    int rc = template != NULL ? agenda_check_template(cli, template) : EXIT_OK;
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__WorkshopCreate msg = CASCADE__V1__WORKSHOP_CREATE__INIT;
    msg.title = (char *)title;
    msg.period = (char *)period;
    WireFrame req = CLIENT_REQUEST(workshop_create, WORKSHOP_CREATE, &msg);
    /* Whoever creates a workshop builds it next, so it becomes their default
     * just as joining makes it. */
    char code[SETTINGS_CODE_MAX + 1] = "";
    rc = send_for_code(cli, &req, 1, code);
    if (rc == EXIT_OK && (template != NULL || examples))
        rc = agenda_apply_template(cli, code, template != NULL ? template : "blank", examples);
    return rc;
}

/* workshop next --period P [--title T] [--objectives O1,O3 | --all]
 * [--keep-current]: the workshop of the next period, made from this one by
 * the server in one go. Like a workshop created, it becomes the default. */
static int next(struct cli *cli, struct args *a)
{
    const char *cmd = "workshop next";
    const char *period = NULL, *title = "", *objectives = NULL;
    if (args_value(a, "--period", &period) < 0 || args_value(a, "--title", &title) < 0 ||
        args_value(a, "--objectives", &objectives) < 0)
        return cli_usage(cmd, a->err);
    int all = args_flag(a, "--all"), keep_current = args_flag(a, "--keep-current");
    const char *problem = NULL;
    if (period == NULL || period[0] == '\0')
        problem = "Give the new period with --period, like 2026-Q4.";
    else if (all && objectives != NULL)
        problem = "Name objectives with --objectives or take them all with --all, not both.";
    else if (objectives != NULL && objectives[0] == '\0')
        problem = "Name objectives after --objectives, like O1,O3.";
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, cmd, problem, ws);
    if (rc != EXIT_OK)
        return rc;
    /* "O1,O3" or "O1, O3": one id per comma. */
    char *list = strdup(objectives != NULL ? objectives : "");
    size_t n = 1;
    for (const char *p = objectives; p != NULL && *p; p++)
        n += *p == ',';
    char **ids = calloc(n, sizeof *ids);
    if (list == NULL || ids == NULL) {
        free(list);
        free(ids);
        cli_error("Out of memory while reading --objectives.");
        return EXIT_REFUSED;
    }
    Cascade__V1__WorkshopNext msg = CASCADE__V1__WORKSHOP_NEXT__INIT;
    char *save = NULL;
    for (char *t = strtok_r(list, ", ", &save); t != NULL; t = strtok_r(NULL, ", ", &save))
        ids[msg.n_objectives++] = t;
    msg.workshop = ws;
    msg.period = (char *)period;
    msg.title = (char *)title;
    msg.objectives = ids;
    msg.all = all;
    msg.keep_current = keep_current;
    WireFrame req = CLIENT_REQUEST(workshop_next, WORKSHOP_NEXT, &msg);
    rc = send_for_code(cli, &req, 1, NULL);
    free(ids);
    free(list);
    return rc;
}

/* Fetches the caller's workshops, once the command line of `command` is
 * used up (cli_ask). */
static int fetch_list(const struct cli *cli, struct args *a, const char *command,
                      WireFrame **reply)
{
    Cascade__V1__WorkshopList msg = CASCADE__V1__WORKSHOP_LIST__INIT;
    WireFrame req = CLIENT_REQUEST(workshop_list, WORKSHOP_LIST, &msg);
    return cli_ask(cli, a, command, &req, CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY, reply);
}

static int list(struct cli *cli, struct args *a)
{
    WireFrame *reply;
    int rc = fetch_list(cli, a, "workshop list", &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__WorkshopListReply *r = reply->workshop_list_reply;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(o, "workshops");
        for (size_t i = 0; i < r->n_workshops; i++)
            cJSON_AddItemToArray(arr, workshop_json(r->workshops[i]));
        output_json(o);
    } else if (r->n_workshops == 0) {
        printf("You are in no workshop yet; create one with 'cascade workshop create TITLE' or "
               "join one with 'cascade join CODE'.\n");
    } else {
        static const char *const HEADERS[] = {"CODE", "TITLE", "PERIOD", "ROLE"};
        struct table t;
        int ok = table_init(&t, 4, HEADERS) == 0;
        for (size_t i = 0; i < r->n_workshops && ok; i++) {
            const Cascade__V1__WorkshopInfo *w = r->workshops[i];
            const char *row[] = {w->code, w->title, w->period, wire_role_name(w->role)};
            ok = table_add(&t, row) == 0;
        }
        if (ok)
            table_print(&t, stdout);
        else
            cli_error("Out of memory while listing the workshops.");
        table_free(&t);
        rc = ok ? EXIT_OK : EXIT_REFUSED;
    }
    wire_free(reply);
    return rc;
}

/* workshop code rotate: a facilitator replaces the join code. The new code
 * is printed alone (for scripts); when the workshop was the default one,
 * the default follows it. */
static int rotate_code(struct cli *cli, struct args *a)
{
    const char *cmd = "workshop code rotate";
    const char *what = args_next(a);
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, cmd,
                        what == NULL || strcmp(what, "rotate") != 0
                            ? "Use 'workshop code rotate' to give the workshop a new join code."
                            : NULL,
                        ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__WorkshopCodeRotate msg = CASCADE__V1__WORKSHOP_CODE_ROTATE__INIT;
    msg.workshop = ws;
    WireFrame req = CLIENT_REQUEST(workshop_code_rotate, WORKSHOP_CODE_ROTATE, &msg);
    return send_for_code(cli, &req, cli->workshop == NULL || cli->workshop[0] == '\0', NULL);
}

int cmd_workshop(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "create") == 0)
        return create(cli, a);
    if (sub != NULL && strcmp(sub, "list") == 0)
        return list(cli, a);
    if (sub != NULL && strcmp(sub, "invite") == 0)
        return cmd_workshop_invite(cli, a);
    if (sub != NULL && strcmp(sub, "code") == 0)
        return rotate_code(cli, a);
    if (sub != NULL && strcmp(sub, "next") == 0)
        return next(cli, a);
    if (sub != NULL && (strcmp(sub, "invites") == 0 || strcmp(sub, "revoke") == 0 ||
                        strcmp(sub, "set") == 0))
        return cmd_workshop_manage(cli, a, sub);
    if (sub != NULL && (strcmp(sub, "close") == 0 || strcmp(sub, "reopen") == 0))
        return cmd_workshop_close(cli, a, sub);
    return cli_usage("workshop", "Use 'workshop create TITLE [--period P]', 'workshop list', "
                                 "'workshop invite --role member|observer [--team T#]', "
                                 "'workshop invites', 'workshop revoke CODE', 'workshop set "
                                 "observer-comments on|off', 'workshop set period|timezone|cadence VALUE', "
                                 "'workshop code rotate', 'workshop close [--force]', 'workshop reopen' or "
                                 "'workshop next --period P'.");
}

/* Takes the CODE argument of join and use, normalised. */
static int take_code(struct args *a, const char *command, char *code, size_t codelen)
{
    const char *text = args_next(a);
    char err[256];
    if (text == NULL)
        return cli_usage(command, "Give the workshop's join code.");
    if (args_finish(a) != 0)
        return cli_usage(command, a->err);
    if (settings_code_normalise(text, code, codelen, err, sizeof err) != 0)
        return cli_usage(command, err);
    return EXIT_OK;
}

/* On a terminal (a person, not a script): where to go next. */
static void hint_live(void)
{
    if (isatty(STDOUT_FILENO))
        printf("Run 'cascade live' to follow it full screen.\n");
}

int cmd_join(struct cli *cli, struct args *a)
{
    char code[SETTINGS_CODE_MAX + 1];
    int rc = take_code(a, "join", code, sizeof code);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__Join msg = CASCADE__V1__JOIN__INIT;
    msg.code = code;
    WireFrame req = CLIENT_REQUEST(join, JOIN, &msg);
    WireFrame *reply;
    rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__WorkshopInfo *w = reply->workshop_info;
    rc = cli_set_default_workshop(cli, w->code);
    if (cli->json)
        output_json(workshop_json(w));
    else if (rc == EXIT_OK)
        printf("Joined %s (%s) as %s; it is now your default workshop.\n", w->title, w->code,
               wire_role_name(w->role)[0] != '\0' ? wire_role_name(w->role) : "participant");
    else
        printf("Joined %s (%s) as %s.\n", w->title, w->code, wire_role_name(w->role));
    if (rc == EXIT_OK && !cli->json)
        hint_live();
    wire_free(reply);
    return rc;
}

int cmd_use(struct cli *cli, struct args *a)
{
    char code[SETTINGS_CODE_MAX + 1];
    int rc = take_code(a, "use", code, sizeof code);
    if (rc != EXIT_OK)
        return rc;
    WireFrame *reply;
    rc = fetch_list(cli, a, "use", &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__WorkshopListReply *r = reply->workshop_list_reply;
    const Cascade__V1__WorkshopInfo *w = NULL;
    for (size_t i = 0; i < r->n_workshops && w == NULL; i++) {
        char listed[SETTINGS_CODE_MAX + 1], err[256];
        if (settings_code_normalise(r->workshops[i]->code, listed, sizeof listed, err,
                                    sizeof err) == 0 && strcmp(listed, code) == 0)
            w = r->workshops[i];
    }
    if (w == NULL) {
        cli_error("You have not joined %s; run 'cascade join %s' first.", code, code);
        rc = EXIT_REFUSED;
    } else {
        rc = cli_set_default_workshop(cli, w->code);
    }
    if (rc == EXIT_OK) {
        if (cli->json)
            output_json(workshop_json(w));
        else
            printf("Using %s (%s).\n", w->code, w->title);
        if (!cli->json)
            hint_live();
    }
    wire_free(reply);
    return rc;
}
