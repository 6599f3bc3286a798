/* cascade comment O#|K# TEXT: review feedback on an objective or a key
 * result ("challenge weak measures"). Prints the new comment's id, or with
 * --json the comment. cascade comment rm C#: its author or a facilitator
 * takes it back. comment list [O#|K#]: the comments, open ones first.
 * comment resolve C# [--reopen]: the feedback was dealt with (or was not
 * after all). */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "okr_json.h"
#include "output.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"

static int resolved(const struct okr_comment *c)
{
    return c->resolved_by != NULL && c->resolved_by[0] != '\0';
}

/* Reads "O#" or "K#" into kind and num; -1 when it is neither. */
static int parse_target(const char *text, enum okr_kind *kind, uint32_t *num)
{
    if (okr_id_parse(text, OKR_OBJECTIVE, num) == 0)
        *kind = OKR_OBJECTIVE;
    else if (okr_id_parse(text, OKR_KEY_RESULT, num) == 0)
        *kind = OKR_KEY_RESULT;
    else
        return -1;
    return 0;
}

static int list_comments(struct cli *cli, struct args *a)
{
    const char *cmd = "comment list", *text = args_next(a);
    enum okr_kind kind = OKR_OBJECTIVE;
    uint32_t num = 0;
    if (text != NULL && parse_target(text, &kind, &num) != 0)
        return cli_usage(cmd, "List the comments on an objective or key result, like O1 or K1, "
                              "or on everything.");
    struct snapshot v;
    int rc = snapshot_open(cli, a, cmd, &v);
    if (rc != EXIT_OK)
        return rc;
    const struct okr_state *s = &v.st;
    cJSON *o = cli->json ? cJSON_CreateObject() : NULL;
    cJSON *arr = o != NULL ? cJSON_AddArrayToObject(o, "comments") : NULL;
    size_t shown = 0;
    /* Open ones first: they are what still needs an answer. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < s->ncomments; i++) {
            const struct okr_comment *c = &s->comments[i];
            if (resolved(c) != pass || (num != 0 && (c->target_kind != kind || c->target != num)))
                continue;
            shown++;
            if (arr != NULL) {
                cJSON_AddItemToArray(arr, okr_json_comment(c));
                continue;
            }
            char when[16], state[OKR_NAME_MAX + 16];
            output_date(c->time_ms, when, sizeof when);
            if (resolved(c))
                snprintf(state, sizeof state, "resolved by %s", c->resolved_by);
            else
                snprintf(state, sizeof state, "open");
            printf("C%u on %c%u by %s, %s, %s\n  %s\n", c->num, (char)c->target_kind, c->target,
                   c->author, when, state, c->text);
        }
    }
    if (o != NULL)
        output_json(o);
    else if (shown == 0)
        printf("No comments%s%s.\n", num ? " on " : "", num ? text : "");
    snapshot_close(&v);
    return EXIT_OK;
}

static int resolve_comment(struct cli *cli, struct args *a)
{
    int reopen = args_flag(a, "--reopen");
    struct change_target t;
    int rc = change_take_target(cli, a, "comment resolve", OKR_COMMENT, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__CommentResolve msg = CASCADE__V1__COMMENT_RESOLVE__INIT;
    msg.workshop = t.workshop;
    msg.id = t.id;
    msg.reopen = reopen;
    WireFrame req = CLIENT_REQUEST(comment_resolve, COMMENT_RESOLVE, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", t.id);
    cJSON_AddBoolToObject(o, "resolved", !reopen);
    return change_send_acked(cli, &req, o, reopen ? "Reopened %s." : "Resolved %s.", t.id);
}

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
    if (target_text != NULL && strcmp(target_text, "list") == 0)
        return list_comments(cli, a);
    if (target_text != NULL && strcmp(target_text, "resolve") == 0)
        return resolve_comment(cli, a);
    if (target_text == NULL)
        return cli_usage(cmd, "Name the objective or key result to comment on, like O1 or K1.");
    enum okr_kind kind;
    if (parse_target(target_text, &kind, &num) == 0) {
        okr_id_format(kind, num, target, sizeof target);
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
