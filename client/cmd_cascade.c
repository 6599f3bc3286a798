/* cascade obj add/edit/rm | kr add/edit/move/set/rm: changing the shared
 * cascade ('team' commands, 'obj check' and 'kr history' live in files of
 * their own). Each command is one request answered by an Ack that carries the
 * entity as it now is; the change is done only when that Ack
 * (which the server sends after the change is durable) arrives. Creating
 * commands print the new id, edits "Updated O3.", removals "Removed K7.";
 * with --json, the entity in the shape okr_json.h describes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "okr.h"
#include "session.h"
#include "settings.h"

/* Sends a change to a named entity; prints "Updated O3." or "Removed K7."
 * or, with --json, the entity ({"id","removed":true} for a removal). */
static int send_done(struct cli *cli, const struct change_target *t, WireFrame *req,
                     enum change_how how)
{
    char done[64];
    snprintf(done, sizeof done, "%s %s.", how == CHANGE_REMOVE ? "Removed" : "Updated", t->id);
    return change_send(cli, t->workshop, req, how, done);
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
    char team[CHANGE_ID_MAX], aligns[CHANGE_ID_MAX], inherits[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int set = 0, committed = 0, rc;
    if (args_value(a, "--team", &team_text) < 0 || args_value(a, "--owner", &owner) < 0 ||
        args_value(a, "--rationale", &rationale) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = change_take_id_flag(a, cmd, "--aligns-to", OKR_OBJECTIVE, aligns)) != EXIT_OK ||
        (rc = change_take_id_flag(a, cmd, "--inherits", OKR_KEY_RESULT, inherits)) != EXIT_OK ||
        (rc = take_commitment(a, cmd, &set, &committed)) != EXIT_OK)
        return rc;
    if (aligns[0] != '\0' && inherits[0] != '\0')
        return cli_usage(cmd, "--aligns-to and --inherits exclude each other: an objective "
                              "either contributes to a parent objective or inherits a key result.");
    if (team_text == NULL)
        return cli_usage(cmd, "Name the objective's team with --team T#.");
    if ((rc = change_parse_id(cmd, team_text, OKR_TEAM, team)) != EXIT_OK)
        return rc;
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage(cmd, "Give the objective a title.");
    if ((rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
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
    WireFrame req = CLIENT_REQUEST(objective_add, OBJECTIVE_ADD, &msg);
    return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
}

/* Takes --base-version N: the entity version the edit was based on, so
 * that it conflicts if one of its fields changed since (0: no check). */
static int take_base_version(struct args *a, const char *cmd, uint64_t *base)
{
    const char *text = NULL;
    *base = 0;
    if (args_value(a, "--base-version", &text) < 0)
        return cli_usage(cmd, a->err);
    if (text == NULL)
        return EXIT_OK;
    char *end;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '1' || text[0] > '9' || *end != '\0')
        return cli_usage(cmd, "--base-version must be a version number, 1 or more.");
    *base = v;
    return EXIT_OK;
}

/* obj edit and kr edit: one request naming the fields it changes, their
 * new values, and the version the edit was based on. */
struct edit {
    const char *cmd;
    enum okr_kind kind;
    uint64_t base;
    char *fields[12];
    size_t n;
    Cascade__V1__Objective objective;   /* the values, for obj edit */
    Cascade__V1__KeyResult key_result;  /* for kr edit */
};

/* Names field among those the edit changes when given; returns given. */
static int edit_names(struct edit *e, const char *field, int given)
{
    if (given)
        e->fields[e->n++] = (char *)field;
    return given;
}

/* Takes the entity's id, then sends the edit. say_what: the usage error
 * when no field was given. */
static int send_edit(struct cli *cli, struct args *a, struct edit *e, const char *say_what)
{
    struct change_target t;
    int rc = change_take_target(cli, a, e->cmd, e->kind, e->n == 0 ? say_what : NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__ObjectiveEdit oe = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    Cascade__V1__KeyResultEdit ke = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    e->objective.id = e->key_result.id = oe.id = ke.id = t.id;
    oe.workshop = ke.workshop = t.workshop;
    oe.base_version = ke.base_version = e->base;
    oe.n_fields = ke.n_fields = e->n;
    oe.fields = ke.fields = e->fields;
    oe.values = &e->objective;
    ke.values = &e->key_result;
    WireFrame obj = CLIENT_REQUEST(objective_edit, OBJECTIVE_EDIT, &oe);
    WireFrame kr = CLIENT_REQUEST(key_result_edit, KEY_RESULT_EDIT, &ke);
    return send_done(cli, &t, e->kind == OKR_OBJECTIVE ? &obj : &kr, CHANGE_UPDATE);
}

/* Takes "--flag ID" where "none" stands for no link: *given says whether
 * the flag was there, out gets the id or "". */
static int take_link(struct args *a, const char *cmd, const char *flag, enum okr_kind kind,
                     int *given, char out[CHANGE_ID_MAX])
{
    const char *text = NULL;
    out[0] = '\0';
    if (args_value(a, flag, &text) < 0)
        return cli_usage(cmd, a->err);
    *given = text != NULL;
    if (text == NULL || strcmp(text, "none") == 0)
        return EXIT_OK;
    return change_parse_id(cmd, text, kind, out);
}

static int obj_edit(struct cli *cli, struct args *a)
{
    const char *cmd = "obj edit", *title = NULL, *owner = NULL, *rationale = NULL, *status = NULL;
    struct edit e = {.cmd = cmd, .kind = OKR_OBJECTIVE, .n = 0,
                     .objective = CASCADE__V1__OBJECTIVE__INIT,
                     .key_result = CASCADE__V1__KEY_RESULT__INIT};
    int set = 0, committed = 0, rc, aligns = 0, inherits = 0;
    char aligns_to[CHANGE_ID_MAX], inherited[CHANGE_ID_MAX], team[CHANGE_ID_MAX];
    enum okr_status st;
    if (args_value(a, "--title", &title) < 0 || args_value(a, "--owner", &owner) < 0 ||
        args_value(a, "--rationale", &rationale) < 0 || args_value(a, "--status", &status) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_link(a, cmd, "--aligns-to", OKR_OBJECTIVE, &aligns, aligns_to)) != EXIT_OK ||
        (rc = take_link(a, cmd, "--inherits", OKR_KEY_RESULT, &inherits, inherited)) != EXIT_OK ||
        (rc = change_take_id_flag(a, cmd, "--team", OKR_TEAM, team)) != EXIT_OK)
        return rc;
    if (aligns && inherits)
        return cli_usage(cmd, "An objective either aligns to an objective or inherits a key "
                              "result: give --aligns-to or --inherits, not both.");
    if ((rc = take_base_version(a, cmd, &e.base)) != EXIT_OK)
        return rc;
    if (status != NULL && okr_status_parse(status, &st) != 0)
        return cli_usage(cmd, "--status must be draft, final or archived.");
    if ((rc = take_commitment(a, cmd, &set, &committed)) != EXIT_OK)
        return rc;
    if (edit_names(&e, "title", title != NULL))
        e.objective.title = (char *)title;
    if (edit_names(&e, "owner", owner != NULL))
        e.objective.owner = (char *)owner;
    if (edit_names(&e, "rationale", rationale != NULL))
        e.objective.rationale = (char *)rationale;
    if (edit_names(&e, "committed", set))
        e.objective.committed = committed;
    if (edit_names(&e, "status", status != NULL))
        e.objective.status = (char *)okr_status_name(st);
    if (edit_names(&e, "team", team[0] != '\0'))
        e.objective.team = team;
    /* Aligning replaces inheriting and the other way round. */
    if (aligns || inherits) {
        edit_names(&e, "aligns_to", 1);
        edit_names(&e, "inherits", 1);
        e.objective.aligns_to = aligns_to;
        e.objective.inherits = inherited;
    }
    return send_edit(cli, a, &e, "Say what to change: --title, --owner, --rationale, --committed, "
                                 "--aspirational, --status, --team, --aligns-to or --inherits.");
}

/* obj rm and kr rm: the same shape with a different message. The server
 * refuses while others refer to the entity, naming them; --force takes
 * those references along, and the answer says what went. */
static int remove_entity(struct cli *cli, struct args *a, enum okr_kind kind)
{
    const char *cmd = kind == OKR_OBJECTIVE ? "obj rm" : "kr rm";
    int force = args_flag(a, "--force");
    struct change_target t;
    int rc = change_take_target(cli, a, cmd, kind, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__ObjectiveRemove orm = CASCADE__V1__OBJECTIVE_REMOVE__INIT;
    Cascade__V1__KeyResultRemove krm = CASCADE__V1__KEY_RESULT_REMOVE__INIT;
    orm.workshop = krm.workshop = t.workshop;
    orm.id = krm.id = t.id;
    orm.force = krm.force = force;
    WireFrame obj = CLIENT_REQUEST(objective_remove, OBJECTIVE_REMOVE, &orm);
    WireFrame kr = CLIENT_REQUEST(key_result_remove, KEY_RESULT_REMOVE, &krm);
    return send_done(cli, &t, kind == OKR_OBJECTIVE ? &obj : &kr, CHANGE_REMOVE);
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
    if (is(sub, "check", NULL))
        return cmd_obj_check(cli, a);
    if (is(sub, "close-note", NULL))
        return cmd_obj_close_note(cli, a);
    return cli_usage("obj", "Use 'obj add TITLE --team T#', 'obj edit O# ...', 'obj rm O# "
                            "[--force]', 'obj check O# ...' or 'obj close-note O# TEXT'.");
}

/* ---- kr -------------------------------------------------------------------- */

static int kr_add(struct cli *cli, struct args *a)
{
    const char *cmd = "kr add", *owner = "", *unit = NULL;
    char objective[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    double from = 0, to = 0;
    int has_from, has_to, rc;
    if (args_value(a, "--owner", &owner) < 0 || args_value(a, "--unit", &unit) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = change_take_number_flag(a, cmd, "--from", &has_from, &from)) != EXIT_OK ||
        (rc = change_take_number_flag(a, cmd, "--to", &has_to, &to)) != EXIT_OK)
        return rc;
    int milestone = args_flag(a, "--milestone");
    if (milestone && (has_from || has_to || unit != NULL))
        return cli_usage(cmd, "A --milestone is done or not done; it takes no --from, --to or "
                              "--unit.");
    if (!milestone && !(has_from && has_to))
        return cli_usage(cmd, "Give --from X --to Y for a metric, or --milestone.");
    if ((rc = change_parse_id(cmd, args_next(a), OKR_OBJECTIVE, objective)) != EXIT_OK)
        return rc;
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage(cmd, "Give the key result a title.");
    if ((rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
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
    WireFrame req = CLIENT_REQUEST(key_result_add, KEY_RESULT_ADD, &msg);
    return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
}

static int kr_edit(struct cli *cli, struct args *a)
{
    const char *cmd = "kr edit", *title = NULL, *unit = NULL, *owner = NULL, *status = NULL;
    struct edit e = {.cmd = cmd, .kind = OKR_KEY_RESULT, .n = 0,
                     .objective = CASCADE__V1__OBJECTIVE__INIT,
                     .key_result = CASCADE__V1__KEY_RESULT__INIT};
    enum okr_kr_status st;
    int has_from, has_to, rc;
    if (args_value(a, "--title", &title) < 0 || args_value(a, "--unit", &unit) < 0 ||
        args_value(a, "--owner", &owner) < 0 || args_value(a, "--status", &status) < 0)
        return cli_usage(cmd, a->err);
    int metric = args_flag(a, "--metric"), milestone = args_flag(a, "--milestone"), has_weight;
    if ((rc = change_take_number_flag(a, cmd, "--weight", &has_weight, &e.key_result.weight)) !=
        EXIT_OK)
        return rc;
    if (has_weight && (e.key_result.weight < 0 || e.key_result.weight > OKR_WEIGHT_MAX))
        return cli_usage(cmd, "--weight is a number from 0 (left out of the score) to 100.");
    edit_names(&e, "weight", has_weight);
    if (metric && milestone)
        return cli_usage(cmd, "A key result is a --metric or a --milestone, not both.");
    if ((rc = take_base_version(a, cmd, &e.base)) != EXIT_OK)
        return rc;
    if (status != NULL && okr_kr_status_parse(status, &st) != 0)
        return cli_usage(cmd, "--status must be on-track, at-risk or off-track.");
    if ((rc = change_take_number_flag(a, cmd, "--from", &has_from, &e.key_result.start)) !=
            EXIT_OK ||
        (rc = change_take_number_flag(a, cmd, "--to", &has_to, &e.key_result.target)) != EXIT_OK)
        return rc;
    if (edit_names(&e, "title", title != NULL))
        e.key_result.title = (char *)title;
    edit_names(&e, "start", has_from);
    edit_names(&e, "target", has_to);
    if (edit_names(&e, "unit", unit != NULL))
        e.key_result.unit = (char *)unit;
    if (edit_names(&e, "owner", owner != NULL))
        e.key_result.owner = (char *)owner;
    if (edit_names(&e, "status", status != NULL))
        e.key_result.status = (char *)okr_kr_status_name(st);
    if (metric && !(has_from && has_to))
        return cli_usage(cmd, "A --metric needs --from X --to Y.");
    if (edit_names(&e, "milestone", metric || milestone))
        e.key_result.milestone = milestone;
    return send_edit(cli, a, &e, "Say what to change: --title, --from, --to, --unit, --owner, "
                                 "--status, --weight, --metric or --milestone.");
}

/* kr move K# O#: the key result, its history, initiatives and comments go
 * under another objective. */
static int kr_move(struct cli *cli, struct args *a)
{
    const char *cmd = "kr move";
    struct edit e = {.cmd = cmd, .kind = OKR_KEY_RESULT, .n = 0,
                     .objective = CASCADE__V1__OBJECTIVE__INIT,
                     .key_result = CASCADE__V1__KEY_RESULT__INIT};
    struct change_target t;
    char dest[CHANGE_ID_MAX];
    int rc = change_parse_id(cmd, args_next(a), OKR_KEY_RESULT, t.id);
    if (rc != EXIT_OK ||
        (rc = change_parse_id(cmd, args_next(a), OKR_OBJECTIVE, dest)) != EXIT_OK ||
        (rc = cli_finish(cli, a, cmd, NULL, t.workshop)) != EXIT_OK)
        return rc;
    edit_names(&e, "objective", 1);
    e.key_result.objective = dest;
    Cascade__V1__KeyResultEdit ke = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    ke.workshop = t.workshop;
    ke.id = e.key_result.id = t.id;
    ke.n_fields = e.n;
    ke.fields = e.fields;
    ke.values = &e.key_result;
    WireFrame req = CLIENT_REQUEST(key_result_edit, KEY_RESULT_EDIT, &ke);
    char done[64];
    snprintf(done, sizeof done, "Moved %s under %s.", t.id, dest);
    return change_send(cli, t.workshop, &req, CHANGE_UPDATE, done);
}

static int kr_set(struct cli *cli, struct args *a)
{
    const char *cmd = "kr set";
    char bad[CHANGE_MESSAGE_MAX];
    struct change_target t;
    int rc = change_parse_id(cmd, args_next(a), OKR_KEY_RESULT, t.id);
    if (rc != EXIT_OK)
        return rc;
    const char *text = args_next(a);
    double value = 0;
    if (text == NULL)
        return cli_usage(cmd, "Give the key result's current value, e.g. 'kr set K1 42'.");
    rc = cli_finish(cli, a, cmd,
                    args_number(text, &value) != 0 ? change_not_a_number("The value", text, bad)
                                                   : NULL,
                    t.workshop);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__CheckIn msg = CASCADE__V1__CHECK_IN__INIT;
    msg.workshop = t.workshop;
    msg.key_result = t.id;
    msg.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
    msg.current = value;
    WireFrame req = CLIENT_REQUEST(check_in, CHECK_IN, &msg);
    return send_done(cli, &t, &req, CHANGE_UPDATE);
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
    if (is(sub, "move", "mv"))
        return kr_move(cli, a);
    if (is(sub, "rm", "remove"))
        return remove_entity(cli, a, OKR_KEY_RESULT);
    if (is(sub, "history", NULL))
        return cmd_kr_history(cli, a);
    return cli_usage("kr", "Use 'kr add O# TITLE ...', 'kr edit K# ...', 'kr move K# O#', "
                           "'kr set K# VALUE', 'kr history K#' or 'kr rm K# [--force]'.");
}
