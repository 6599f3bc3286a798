/* cascade team add | edit | rm, and team member add | rm (cmd_roles.c):
 * the teams of the cascade. Facilitators shape them; the server keeps the
 * level rules (a child sits below its parent, alignment points up) and
 * refuses to remove a team that still holds objectives or sub-teams. */
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "okr.h"
#include "session.h"
#include "settings.h"

/* Takes --level when present: *out stays OKR_LEVEL_NONE when absent. */
static int take_level(struct args *a, const char *cmd, enum okr_level *out)
{
    const char *text = NULL;
    *out = OKR_LEVEL_NONE;
    if (args_value(a, "--level", &text) < 0)
        return cli_usage(cmd, a->err);
    if (text != NULL && okr_level_parse(text, out) != 0)
        return cli_usage(cmd, "--level must be company, department, team or individual.");
    return EXIT_OK;
}

static int team_add(struct cli *cli, struct args *a)
{
    const char *cmd = "team add";
    char parent[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    enum okr_level level;
    int rc = change_take_id_flag(a, cmd, "--parent", OKR_TEAM, parent);
    if (rc != EXIT_OK || (rc = take_level(a, cmd, &level)) != EXIT_OK)
        return rc;
    const char *name = args_next(a);
    if (name == NULL)
        return cli_usage(cmd, "Give the team a name.");
    if ((rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__TeamAdd msg = CASCADE__V1__TEAM_ADD__INIT;
    msg.workshop = ws;
    msg.name = (char *)name;
    msg.parent = parent;
    msg.level = (Cascade__V1__Level)level;
    WireFrame req = CLIENT_REQUEST(team_add, TEAM_ADD, &msg);
    return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
}

/* team edit T# [--name N] [--parent T#|none] [--level L] */
static int team_edit(struct cli *cli, struct args *a)
{
    const char *cmd = "team edit", *name = NULL, *parent_text = NULL;
    char parent[CHANGE_ID_MAX] = "";
    enum okr_level level;
    int rc;
    if (args_value(a, "--name", &name) < 0 || args_value(a, "--parent", &parent_text) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = take_level(a, cmd, &level)) != EXIT_OK)
        return rc;
    if (parent_text != NULL && strcmp(parent_text, "none") != 0 &&
        (rc = change_parse_id(cmd, parent_text, OKR_TEAM, parent)) != EXIT_OK)
        return rc;
    char *fields[3];
    size_t n = 0;
    if (name != NULL)
        fields[n++] = "name";
    if (parent_text != NULL)
        fields[n++] = "parent";
    if (level != OKR_LEVEL_NONE)
        fields[n++] = "level";
    struct change_target t;
    rc = change_take_target(cli, a, cmd, OKR_TEAM,
                            n == 0 ? "Say what to change: --name, --parent (a team or none) or "
                                     "--level."
                                   : NULL,
                            &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__Team values = CASCADE__V1__TEAM__INIT;
    values.name = (char *)(name != NULL ? name : "");
    values.parent = parent;
    values.level = (Cascade__V1__Level)level;
    Cascade__V1__TeamEdit msg = CASCADE__V1__TEAM_EDIT__INIT;
    msg.workshop = t.workshop;
    msg.id = t.id;
    msg.fields = fields;
    msg.n_fields = n;
    msg.values = &values;
    WireFrame req = CLIENT_REQUEST(team_edit, TEAM_EDIT, &msg);
    char done[64];
    snprintf(done, sizeof done, "Updated %s.", t.id);
    return change_send(cli, t.workshop, &req, CHANGE_UPDATE, done);
}

static int team_rm(struct cli *cli, struct args *a)
{
    struct change_target t;
    int rc = change_take_target(cli, a, "team rm", OKR_TEAM, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__TeamRemove msg = CASCADE__V1__TEAM_REMOVE__INIT;
    msg.workshop = t.workshop;
    msg.id = t.id;
    WireFrame req = CLIENT_REQUEST(team_remove, TEAM_REMOVE, &msg);
    char done[64];
    snprintf(done, sizeof done, "Removed %s.", t.id);
    return change_send(cli, t.workshop, &req, CHANGE_REMOVE, done);
}

int cmd_team(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "add") == 0)
        return team_add(cli, a);
    if (sub != NULL && strcmp(sub, "edit") == 0)
        return team_edit(cli, a);
    if (sub != NULL && (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0))
        return team_rm(cli, a);
    if (sub != NULL && strcmp(sub, "member") == 0)
        return cmd_team_member(cli, a);
    return cli_usage("team", "Use 'team add NAME [--parent T#] [--level LEVEL]', 'team edit T# "
                             "...', 'team rm T#' or 'team member add|rm T# USER'.");
}
