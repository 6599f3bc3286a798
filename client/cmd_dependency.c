/* cascade dep add K# K#: the first key result depends on the second, which
 * belongs to another team (the server refuses a key result of the same
 * team, the key result itself, and a dependency that exists already).
 * Prints "K3 now depends on K1.", or with --json
 * {"key_result":"K3","depends_on":"K1"}. */
#include <string.h>

#include "change.h"
#include "cli.h"
#include "session.h"

static int dep_add(struct cli *cli, struct args *a)
{
    const char *cmd = "dep add";
    char kr[CHANGE_ID_MAX], on[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc;
    if ((rc = change_parse_id(cmd, args_next(a), OKR_KEY_RESULT, kr)) != EXIT_OK ||
        (rc = change_parse_id(cmd, args_next(a), OKR_KEY_RESULT, on)) != EXIT_OK)
        return rc;
    if ((rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__DependencyAdd msg = CASCADE__V1__DEPENDENCY_ADD__INIT;
    msg.workshop = ws;
    msg.key_result = kr;
    msg.depends_on = on;
    WireFrame req = CLIENT_REQUEST(dependency_add, DEPENDENCY_ADD, &msg);
    return change_send_acked(cli, &req, change_json_texts("key_result", kr, "depends_on", on),
                             "%s now depends on %s.", kr, on);
}

int cmd_dep(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "add") == 0)
        return dep_add(cli, a);
    return cli_usage("dep", "Use 'dep add K# K#': the first key result depends on the second.");
}
