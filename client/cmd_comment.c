/* cascade comment O#|K# TEXT: review feedback on an objective or a key
 * result ("challenge weak measures"). Prints the new comment's id, or with
 * --json the comment. cascade comment rm C#: its author or a facilitator
 * takes it back. */
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "session.h"
#include "settings.h"

static int remove_comment(struct cli *cli, struct args *a)
{
    struct change_target t;
    int rc = change_take_target(cli, a, "comment rm", OKR_COMMENT, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__CommentRemove msg = CASCADE__V1__COMMENT_REMOVE__INIT;
    msg.workshop = t.workshop;
    msg.id = t.id;
    WireFrame req = CLIENT_REQUEST(comment_remove, COMMENT_REMOVE, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "removed", t.id);
    return change_send_acked(cli, &req, o, "Removed %s.", t.id);
}

int cmd_comment(struct cli *cli, struct args *a)
{
    const char *cmd = "comment";
    char target[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    uint32_t num;
    const char *target_text = args_next(a);
    if (target_text != NULL && strcmp(target_text, "rm") == 0)
        return remove_comment(cli, a);
    if (target_text == NULL)
        return cli_usage(cmd, "Name the objective or key result to comment on, like O1 or K1.");
    if (okr_id_parse(target_text, OKR_OBJECTIVE, &num) == 0) {
        okr_id_format(OKR_OBJECTIVE, num, target, sizeof target);
    } else if (okr_id_parse(target_text, OKR_KEY_RESULT, &num) == 0) {
        okr_id_format(OKR_KEY_RESULT, num, target, sizeof target);
    } else {
        char msg[256];
        snprintf(msg, sizeof msg, "'%s' is neither an objective nor a key result; comment on "
                                  "one like O1 or K1.", target_text);
        return cli_usage(cmd, msg);
    }
    const char *text = args_next(a);
    if (text == NULL)
        return cli_usage(cmd, "Give the comment's text, e.g. 'comment K1 \"Is 4 hours "
                              "realistic?\"'.");
    int rc = cli_finish(cli, a, cmd, NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__CommentAdd msg = CASCADE__V1__COMMENT_ADD__INIT;
    msg.workshop = ws;
    msg.target = target;
    msg.text = (char *)text;
    WireFrame req = CLIENT_REQUEST(comment_add, COMMENT_ADD, &msg);
    return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
}
