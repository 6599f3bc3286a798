/* cascade init add K# TITLE | init done I#
 * Initiatives: the work that should move a key result (projects, to-dos),
 * kept apart from the key result itself. `init add` prints the new id (with
 * --json the initiative); `init done` prints "Marked I2 done." */
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "session.h"
#include "settings.h"

static int init_add(struct cli *cli, struct args *a)
{
    const char *cmd = "init add";
    char kr[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc = change_parse_id(cmd, args_next(a), OKR_KEY_RESULT, kr);
    if (rc != EXIT_OK)
        return rc;
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage(cmd, "Give the initiative a title, e.g. 'init add K1 \"Hire two "
                              "agents\"'.");
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    Cascade__V1__InitiativeAdd msg = CASCADE__V1__INITIATIVE_ADD__INIT;
    msg.workshop = ws;
    msg.key_result = kr;
    msg.title = (char *)title;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_INITIATIVE_ADD;
    req.initiative_add = &msg;
    return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
}

static int init_done(struct cli *cli, struct args *a)
{
    const char *cmd = "init done";
    char id[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1], done[64];
    int rc = change_parse_id(cmd, args_next(a), OKR_INITIATIVE, id);
    if (rc != EXIT_OK)
        return rc;
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    if ((rc = cli_workshop(cli, cmd, ws, sizeof ws)) != EXIT_OK)
        return rc;
    Cascade__V1__InitiativeDone msg = CASCADE__V1__INITIATIVE_DONE__INIT;
    msg.workshop = ws;
    msg.id = id;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_INITIATIVE_DONE;
    req.initiative_done = &msg;
    snprintf(done, sizeof done, "Marked %s done.", id);
    return change_send(cli, ws, &req, CHANGE_UPDATE, done);
}

int cmd_init(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "add") == 0)
        return init_add(cli, a);
    if (sub != NULL && strcmp(sub, "done") == 0)
        return init_done(cli, a);
    return cli_usage("init", "Use 'init add K# TITLE' or 'init done I#'.");
}
