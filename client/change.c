#include "change.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>

#include "convert.h"
#include "okr_json.h"
#include "output.h"
#include "session.h"
#include "snapshot.h"

int change_parse_id(const char *command, const char *text, enum okr_kind kind, char *out)
{
    char msg[256];
    uint32_t num;
    const char *name = okr_kind_name(kind);
    if (text == NULL) {
        snprintf(msg, sizeof msg, "Name the %s, like %c1.", name, (char)kind);
        return cli_usage(command, msg);
    }
    if (okr_id_parse(text, kind, &num) != 0) {
        snprintf(msg, sizeof msg, "'%s' is not %s %s id; %s ids look like %c1.", text,
                 okr_kind_article(kind), name, name, (char)kind);
        return cli_usage(command, msg);
    }
    okr_id_format(kind, num, out, CHANGE_ID_MAX);
    return EXIT_OK;
}

int change_take_target(const struct cli *cli, struct args *a, const char *command,
                       enum okr_kind kind, const char *problem, struct change_target *t)
{
    int rc = change_parse_id(command, args_next(a), kind, t->id);
    if (rc != EXIT_OK)
        return rc;
    return cli_finish(cli, a, command, problem, t->workshop);
}

int change_take_id_flag(struct args *a, const char *command, const char *flag, enum okr_kind kind,
                        char *out)
{
    const char *v;
    int r = args_value(a, flag, &v);
    if (r < 0)
        return cli_usage(command, a->err);
    out[0] = '\0';
    return r > 0 ? change_parse_id(command, v, kind, out) : EXIT_OK;
}

const char *change_not_a_number(const char *what, const char *text, char msg[CHANGE_MESSAGE_MAX])
{
    snprintf(msg, CHANGE_MESSAGE_MAX, "%s must be a finite number like 42, -3.5 or 1e3, not '%s'.",
             what, text);
    return msg;
}

int change_take_number_flag(struct args *a, const char *command, const char *flag, int *present,
                            double *out)
{
    const char *v;
    int r = args_value(a, flag, &v);
    if (r < 0)
        return cli_usage(command, a->err);
    *present = r > 0;
    char msg[CHANGE_MESSAGE_MAX];
    if (r > 0 && args_number(v, out) != 0)
        return cli_usage(command, change_not_a_number(flag, v, msg));
    return EXIT_OK;
}

/* The workshop as it is now, for an entity's score. The change is done
 * whatever happens here, so a failure only leaves st empty (which scores
 * the entity on its own). */
static void current_state(struct client *c, const char *workshop, struct okr_state *st)
{
    Cascade__V1__Snapshot *snap;
    char err[512];
    if (snapshot_request(c, workshop, &snap, st, err, sizeof err) == EXIT_OK)
        wire_snapshot_free(snap);
}

/* The Ack's entity as JSON, or NULL when it carries none (or is malformed).
 * with_state: score it in the workshop as it now is. */
static cJSON *ack_entity_json(struct client *c, const char *workshop, const Cascade__V1__Ack *ack,
                              int with_state)
{
    cJSON *o = NULL;
    struct okr_state st;
    okr_state_init(&st);
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
            if (with_state)
                current_state(c, workshop, &st);
            o = okr_json_objective(&st, &ob);
            okr_objective_clear(&ob);
        }
        break;
    }
    case CASCADE__V1__ACK__ENTITY_KEY_RESULT: {
        struct okr_key_result k;
        if (convert_key_result_from_wire(ack->key_result, &k) == 0) {
            if (with_state)
                current_state(c, workshop, &st);
            o = okr_json_key_result(&st, &k);
            okr_key_result_clear(&k);
        }
        break;
    }
    case CASCADE__V1__ACK__ENTITY_INITIATIVE: {
        struct okr_initiative in;
        if (convert_initiative_from_wire(ack->initiative, &in) == 0) {
            o = okr_json_initiative(&in);
            okr_initiative_clear(&in);
        }
        break;
    }
    case CASCADE__V1__ACK__ENTITY_COMMENT: {
        struct okr_comment cm;
        if (convert_comment_from_wire(ack->comment, &cm) == 0) {
            o = okr_json_comment(&cm);
            okr_comment_clear(&cm);
        }
        break;
    }
    default:
        break;
    }
    okr_state_free(&st);
    return o;
}

int change_send(struct cli *cli, const char *workshop, WireFrame *req, enum change_how how,
                const char *done)
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
    if (cli->json) {
        cJSON *o = how == CHANGE_REMOVE ? NULL
                                        : ack_entity_json(c, workshop, ack, how == CHANGE_UPDATE);
        if (o == NULL) {
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "id", ack->id);
            if (how == CHANGE_REMOVE)
                cJSON_AddBoolToObject(o, "removed", 1);
        }
        if (ack->note[0] != '\0')
            cJSON_AddStringToObject(o, "note", ack->note);
        output_json(o);
    } else {
        printf("%s\n", how == CHANGE_CREATE || done == NULL ? ack->id : done);
        /* What else the change took along (a forced removal). */
        if (ack->note[0] != '\0')
            printf("%s\n", ack->note);
    }
    client_close(c);
    wire_free(reply);
    return EXIT_OK;
}

int change_send_acked(const struct cli *cli, WireFrame *req, cJSON *o, const char *fmt, ...)
{
    WireFrame *reply;
    int rc = cli_request(cli, req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc != EXIT_OK) {
        cJSON_Delete(o);
        return rc;
    }
    wire_free(reply);
    if (cli->json) {
        output_json(o);
        return EXIT_OK;
    }
    cJSON_Delete(o);
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    return EXIT_OK;
}

cJSON *change_json_texts(const char *name1, const char *text1, const char *name2,
                         const char *text2)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, name1, text1);
    cJSON_AddStringToObject(o, name2, text2);
    return o;
}
