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
    struct change_target t;
    int rc = change_parse_id(cmd, args_next(a), OKR_KEY_RESULT, t.id);
    if (rc != EXIT_OK)
        return rc;
    const char *title = args_next(a);
    if (title == NULL)
        return cli_usage(cmd, "Give the initiative a title, e.g. 'init add K1 \"Hire two "
                              "agents\"'.");
    if ((rc = cli_finish(cli, a, cmd, NULL, t.workshop)) != EXIT_OK)
        return rc;
    Cascade__V1__InitiativeAdd msg = CASCADE__V1__INITIATIVE_ADD__INIT;
    msg.workshop = t.workshop;
    msg.key_result = t.id;
    msg.title = (char *)title;
    WireFrame req = CLIENT_REQUEST(initiative_add, INITIATIVE_ADD, &msg);
    return change_send(cli, t.workshop, &req, CHANGE_CREATE, NULL);
}

static int init_done(struct cli *cli, struct args *a)
{
    const char *cmd = "init done";
    char done[64];
    struct change_target t;
    int rc = change_take_target(cli, a, cmd, OKR_INITIATIVE, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__InitiativeDone msg = CASCADE__V1__INITIATIVE_DONE__INIT;
    msg.workshop = t.workshop;
    msg.id = t.id;
    WireFrame req = CLIENT_REQUEST(initiative_done, INITIATIVE_DONE, &msg);
    snprintf(done, sizeof done, "Marked %s done.", t.id);
    return change_send(cli, t.workshop, &req, CHANGE_UPDATE, done);
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
