/* cascade team add | obj add/edit/rm | kr add/edit/set/rm: changing the
 * shared cascade. Each command is one request answered by an Ack that
 * carries the entity as it now is; the change is done only when that Ack
 * (which the server sends after the change is durable) arrives. Creating
 * commands print the new id, edits "Updated O3.", removals "Removed K7.";
 * with --json, the entity in the shape okr_json.h describes. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "convert.h"
#include "okr.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"

#define ID_MAX 16

enum outcome { PRINT_CREATED, PRINT_UPDATED, PRINT_REMOVED };

static const char *kind_name(enum okr_kind kind)
{
    return kind == OKR_TEAM ? "team" : kind == OKR_OBJECTIVE ? "objective" : "key result";
}

/* Parses an id of the given kind into its canonical spelling ("k3" → "K3").
 * A missing or malformed id is a usage error. */
static int parse_id(const char *command, const char *text, enum okr_kind kind, char *out)
{
    char msg[256];
    uint32_t num;
    if (text == NULL) {
        snprintf(msg, sizeof msg, "Name the %s, like %c1.", kind_name(kind), (char)kind);
        return cli_usage(command, msg);
    }
    if (okr_id_parse(text, kind, &num) != 0) {
        snprintf(msg, sizeof msg, "'%s' is not a %s id; %s ids look like %c1.", text,
                 kind_name(kind), kind_name(kind), (char)kind);
        return cli_usage(command, msg);
    }
    okr_id_format(kind, num, out, ID_MAX);
    return EXIT_OK;
}

/* Takes "--flag ID" when present (*out stays "" when absent). */
static int take_id_flag(struct args *a, const char *command, const char *flag,
                        enum okr_kind kind, char *out)
{
    const char *v;
    int r = args_value(a, flag, &v);
    if (r < 0)
        return cli_usage(command, a->err);
    out[0] = '\0';
    return r > 0 ? parse_id(command, v, kind, out) : EXIT_OK;
}

static int bad_number(const char *command, const char *what, const char *text)
{
    char msg[256];
    snprintf(msg, sizeof msg, "%s must be a finite number like 42, -3.5 or 1e3, not '%s'.", what,
             text);
    return cli_usage(command, msg);
}

/* Takes "--flag NUMBER" when present; *present says whether it was. */
static int take_number_flag(struct args *a, const char *command, const char *flag, int *present,
                            double *out)
{
    const char *v;
    int r = args_value(a, flag, &v);
    if (r < 0)
        return cli_usage(command, a->err);
    *present = r > 0;
    if (r > 0 && args_number(v, out) != 0)
        return bad_number(command, flag, v);
    return EXIT_OK;
}

/* An objective's progress as the server now sees it: the edit's Ack carries
 * the objective but not its key results, so ask for them. */
static double fetch_objective_progress(struct client *c, const char *workshop, uint32_t num)
{
    Cascade__V1__SnapshotRequest msg = CASCADE__V1__SNAPSHOT_REQUEST__INIT;
    msg.workshop = (char *)workshop;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST;
    req.snapshot_request = &msg;
    WireFrame *reply;
    char err[512];
    double progress = 0;
    if (client_call(c, &req, &reply, err, sizeof err) == CLIENT_OK &&
        reply->body_case == CASCADE__V1__FRAME__BODY_SNAPSHOT) {
        struct okr_state st;
        okr_state_init(&st);
        if (convert_snapshot_to_state(reply->snapshot, &st) == 0)
            progress = render_objective_progress(&st, num);
        okr_state_free(&st);
    }
    wire_free(reply);
    return progress;
}

/* The Ack's entity as JSON, or NULL when it carries none (or is malformed). */
static cJSON *ack_entity_json(struct client *c, const char *workshop,
                              const Cascade__V1__Ack *ack, enum outcome how)
{
    cJSON *o = NULL;
    switch (ack->entity_case) {
    case CASCADE__V1__ACK__ENTITY_TEAM: {
        struct okr_team t;
        if (convert_team_from_wire(ack->team, &t) == 0) {
            o = okr_json_team(&t);
            okr_team_clear(&t);
        }
        break;
    }
    case CASCADE__V1__ACK__ENTITY_OBJECTIVE: {
        struct okr_objective ob;
        if (convert_objective_from_wire(ack->objective, &ob) == 0) {
            double progress =
                how == PRINT_UPDATED ? fetch_objective_progress(c, workshop, ob.num) : 0.0;
            o = okr_json_objective(&ob, progress);
            okr_objective_clear(&ob);
        }
        break;
    }
    case CASCADE__V1__ACK__ENTITY_KEY_RESULT: {
        struct okr_key_result k;
        if (convert_key_result_from_wire(ack->key_result, &k) == 0) {
            o = okr_json_key_result(&k);
            okr_key_result_clear(&k);
        }
        break;
    }
    default:
        break;
    }
    return o;
}

/* Connects as the user, sends the change, and prints its outcome. id is
 * the entity's id when the command names it (edits, removals). */
static int send_change(struct cli *cli, const char *workshop, WireFrame *req, enum outcome how,
                       const char *id)
{
    struct client *c;
    int rc = cli_connect_user(cli, &c);
    if (rc != EXIT_OK)
        return rc;
    WireFrame *reply;
    rc = cli_call(c, req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc != EXIT_OK) {
        client_close(c);
        return rc;
    }
    const Cascade__V1__Ack *ack = reply->ack;
    const char *shown = ack->id[0] != '\0' ? ack->id : id != NULL ? id : "";
    if (cli->json) {
        cJSON *o = how == PRINT_REMOVED ? NULL : ack_entity_json(c, workshop, ack, how);
        if (o == NULL) {
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", shown);
            if (how == PRINT_REMOVED)
                cJSON_AddBoolToObject(o, "removed", 1);
        }
        output_json(o);
    } else if (how == PRINT_CREATED) {
        printf("%s\n", shown);
    } else {
        printf("%s %s.\n", how == PRINT_UPDATED ? "Updated" : "Removed", shown);
    }
    client_close(c);
    wire_free(reply);
    return EXIT_OK;
}

/* ---- team ------------------------------------------------------------------ */

static int team_add(struct cli *cli, struct args *a)
{
    const char *cmd = "team add", *level_text = NULL;
    char parent[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    enum okr_level level = OKR_LEVEL_NONE;
    int rc = take_id_flag(a, cmd, "--parent", OKR_TEAM, parent);
    if (rc != EXIT_OK)
        return rc;
    if (args_value(a, "--level", &level_text) < 0)
        return cli_usage(cmd, a->err);
    if (level_text != NULL && okr_level_parse(level_text, &level) != 0)
        return cli_usage(cmd, "--level must be company, department, team or individual.");
    const char *name = args_next(a);
    if (name == NULL)
        return cli_usage(cmd, "Give the team a name.");
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    Cascade__V1__TeamAdd msg = CASCADE__V1__TEAM_ADD__INIT;
    msg.workshop = ws;
    msg.name = (char *)name;
    msg.parent = parent;
    msg.level = (Cascade__V1__Level)level;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_TEAM_ADD;
    req.team_add = &msg;
    return send_change(cli, ws, &req, PRINT_CREATED, NULL);
}

int cmd_team(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "add") == 0)
        return team_add(cli, a);
    return cli_usage("team", "Use 'team add NAME [--parent T#] [--level LEVEL]'.");
}

/* ---- obj ------------------------------------------------------------------- */

/* Takes --committed / --aspirational: *set is 0 when neither was given. */
static int take_commitment(struct args *a, const char *cmd, int *set, int *committed)
{
    int c = args_flag(a, "--committed"), asp = args_flag(a, "--aspirational");
    if (c && asp)
        return cli_usage(cmd, "--committed and --aspirational exclude each other.");
    *set = c || asp;
    *committed = c;
    return EXIT_OK;
}

static int obj_add(struct cli *cli, struct args *a)
{
    const char *cmd = "obj add", *owner = "", *rationale = "", *team_text = NULL;
    char team[ID_MAX], aligns[ID_MAX], inherits[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int set = 0, committed = 0, rc;
    if (args_value(a, "--team", &team_text) < 0 || args_value(a, "--owner", &owner) < 0 ||
        args_value(a, "--rationale", &rationale) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_id_flag(a, cmd, "--aligns-to", OKR_OBJECTIVE, aligns)) != EXIT_OK ||
        (rc = take_id_flag(a, cmd, "--inherits", OKR_KEY_RESULT, inherits)) != EXIT_OK ||
        (rc = take_commitment(a, cmd, &set, &committed)) != EXIT_OK)
        return rc;
    if (aligns[0] != '\0' && inherits[0] != '\0')
        return cli_usage(cmd, "--aligns-to and --inherits exclude each other: an objective "
                              "either contributes to a parent objective or inherits a key result.");
    if (team_text == NULL)
        return cli_usage(cmd, "Name the objective's team with --team T#.");
    if ((rc = parse_id(cmd, team_text, OKR_TEAM, team)) != EXIT_OK)
        return rc;
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage(cmd, "Give the objective a title.");
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    Cascade__V1__ObjectiveAdd msg = CASCADE__V1__OBJECTIVE_ADD__INIT;
    msg.workshop = ws;
    msg.team = team;
    msg.title = (char *)title;
    msg.owner = (char *)owner;
    msg.aligns_to = aligns;
    msg.inherits = inherits;
    msg.committed = committed;
    msg.rationale = (char *)rationale;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD;
    req.objective_add = &msg;
    return send_change(cli, ws, &req, PRINT_CREATED, NULL);
}

static int obj_edit(struct cli *cli, struct args *a)
{
    const char *cmd = "obj edit", *title = NULL, *owner = NULL, *rationale = NULL;
    char id[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int set = 0, committed = 0, rc;
    if (args_value(a, "--title", &title) < 0 || args_value(a, "--owner", &owner) < 0 ||
        args_value(a, "--rationale", &rationale) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_commitment(a, cmd, &set, &committed)) != EXIT_OK)
        return rc;
    if ((rc = parse_id(cmd, args_next(a), OKR_OBJECTIVE, id)) != EXIT_OK)
        return rc;
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    Cascade__V1__Objective values = CASCADE__V1__OBJECTIVE__INIT;
    char *fields[4];
    size_t n = 0;
    if (title != NULL) {
        values.title = (char *)title;
        fields[n++] = "title";
    }
    if (owner != NULL) {
        values.owner = (char *)owner;
        fields[n++] = "owner";
    }
    if (rationale != NULL) {
        values.rationale = (char *)rationale;
        fields[n++] = "rationale";
    }
    if (set) {
        values.committed = committed;
        fields[n++] = "committed";
    }
    if (n == 0)
        return cli_usage(cmd, "Say what to change: --title, --owner, --rationale, --committed "
                              "or --aspirational.");
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    values.id = id;
    Cascade__V1__ObjectiveEdit msg = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    msg.workshop = ws;
    msg.id = id;
    msg.n_fields = n;
    msg.fields = fields;
    msg.values = &values;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT;
    req.objective_edit = &msg;
    return send_change(cli, ws, &req, PRINT_UPDATED, id);
}

/* obj rm and kr rm: the same shape with a different message. */
static int remove_entity(struct cli *cli, struct args *a, enum okr_kind kind)
{
    const char *cmd = kind == OKR_OBJECTIVE ? "obj rm" : "kr rm";
    char id[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc = parse_id(cmd, args_next(a), kind, id);
    if (rc != EXIT_OK)
        return rc;
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    Cascade__V1__ObjectiveRemove orm = CASCADE__V1__OBJECTIVE_REMOVE__INIT;
    Cascade__V1__KeyResultRemove krm = CASCADE__V1__KEY_RESULT_REMOVE__INIT;
    if (kind == OKR_OBJECTIVE) {
        orm.workshop = ws;
        orm.id = id;
        req.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE;
        req.objective_remove = &orm;
    } else {
        krm.workshop = ws;
        krm.id = id;
        req.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE;
        req.key_result_remove = &krm;
    }
    return send_change(cli, ws, &req, PRINT_REMOVED, id);
}

static int is(const char *word, const char *a, const char *b)
{
    return word != NULL && (strcmp(word, a) == 0 || (b != NULL && strcmp(word, b) == 0));
}

int cmd_obj(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (is(sub, "add", NULL))
        return obj_add(cli, a);
    if (is(sub, "edit", NULL))
        return obj_edit(cli, a);
    if (is(sub, "rm", "remove"))
        return remove_entity(cli, a, OKR_OBJECTIVE);
    return cli_usage("obj", "Use 'obj add TITLE --team T#', 'obj edit O# ...' or 'obj rm O#'.");
}

/* ---- kr -------------------------------------------------------------------- */

static int kr_add(struct cli *cli, struct args *a)
{
    const char *cmd = "kr add", *owner = "", *unit = NULL;
    char objective[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    double from = 0, to = 0;
    int has_from, has_to, rc;
    if (args_value(a, "--owner", &owner) < 0 || args_value(a, "--unit", &unit) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_number_flag(a, cmd, "--from", &has_from, &from)) != EXIT_OK ||
        (rc = take_number_flag(a, cmd, "--to", &has_to, &to)) != EXIT_OK)
        return rc;
    int milestone = args_flag(a, "--milestone");
    if (milestone && (has_from || has_to || unit != NULL))
        return cli_usage(cmd, "A --milestone is done or not done; it takes no --from, --to or "
                              "--unit.");
    if (!milestone && !(has_from && has_to))
        return cli_usage(cmd, "Give --from X --to Y for a metric, or --milestone.");
    if ((rc = parse_id(cmd, args_next(a), OKR_OBJECTIVE, objective)) != EXIT_OK)
        return rc;
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage(cmd, "Give the key result a title.");
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    Cascade__V1__KeyResultAdd msg = CASCADE__V1__KEY_RESULT_ADD__INIT;
    msg.workshop = ws;
    msg.objective = objective;
    msg.title = (char *)title;
    msg.owner = (char *)owner;
    msg.milestone = milestone;
    msg.start = from;
    msg.target = to;
    msg.unit = (char *)(unit != NULL ? unit : "");
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD;
    req.key_result_add = &msg;
    return send_change(cli, ws, &req, PRINT_CREATED, NULL);
}

static int kr_edit(struct cli *cli, struct args *a)
{
    const char *cmd = "kr edit", *title = NULL, *unit = NULL, *owner = NULL;
    char id[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    Cascade__V1__KeyResult values = CASCADE__V1__KEY_RESULT__INIT;
    int has_from, has_to, rc;
    if (args_value(a, "--title", &title) < 0 || args_value(a, "--unit", &unit) < 0 ||
        args_value(a, "--owner", &owner) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_number_flag(a, cmd, "--from", &has_from, &values.start)) != EXIT_OK ||
        (rc = take_number_flag(a, cmd, "--to", &has_to, &values.target)) != EXIT_OK)
        return rc;
    if ((rc = parse_id(cmd, args_next(a), OKR_KEY_RESULT, id)) != EXIT_OK)
        return rc;
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    char *fields[5];
    size_t n = 0;
    if (title != NULL) {
        values.title = (char *)title;
        fields[n++] = "title";
    }
    if (has_from)
        fields[n++] = "start";
    if (has_to)
        fields[n++] = "target";
    if (unit != NULL) {
        values.unit = (char *)unit;
        fields[n++] = "unit";
    }
    if (owner != NULL) {
        values.owner = (char *)owner;
        fields[n++] = "owner";
    }
    if (n == 0)
        return cli_usage(cmd, "Say what to change: --title, --from, --to, --unit or --owner.");
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    values.id = id;
    Cascade__V1__KeyResultEdit msg = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    msg.workshop = ws;
    msg.id = id;
    msg.n_fields = n;
    msg.fields = fields;
    msg.values = &values;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    req.key_result_edit = &msg;
    return send_change(cli, ws, &req, PRINT_UPDATED, id);
}

static int kr_set(struct cli *cli, struct args *a)
{
    const char *cmd = "kr set";
    char id[ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc = parse_id(cmd, args_next(a), OKR_KEY_RESULT, id);
    if (rc != EXIT_OK)
        return rc;
    const char *text = args_next(a);
    double value;
    if (text == NULL)
        return cli_usage(cmd, "Give the key result's current value, e.g. 'kr set K1 42'.");
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if (args_number(text, &value) != 0)
        return bad_number(cmd, "The value", text);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    Cascade__V1__CheckIn msg = CASCADE__V1__CHECK_IN__INIT;
    msg.workshop = ws;
    msg.key_result = id;
    msg.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
    msg.current = value;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    req.check_in = &msg;
    return send_change(cli, ws, &req, PRINT_UPDATED, id);
}

int cmd_kr(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (is(sub, "add", NULL))
        return kr_add(cli, a);
    if (is(sub, "edit", NULL))
        return kr_edit(cli, a);
    if (is(sub, "set", NULL))
        return kr_set(cli, a);
    if (is(sub, "rm", "remove"))
        return remove_entity(cli, a, OKR_KEY_RESULT);
    return cli_usage("kr", "Use 'kr add O# TITLE ...', 'kr edit K# ...', 'kr set K# VALUE' or "
                           "'kr rm K#'.");
}
