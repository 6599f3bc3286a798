/* Closing the quarter. cascade workshop close [--force]: a facilitator
 * fixes every grade as it stands and the workshop takes no more changes;
 * the server refuses, naming them, while a committed objective that ended
 * red or orange has no closing note, unless --force. cascade workshop
 * reopen: the grades are live again and changes are accepted. cascade obj
 * close-note O# TEXT: why an objective ended as it did. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "output.h"
#include "session.h"
#include "settings.h"

/* Sends req and prints the outcome: with --json {"workshop","closed","seq"}
 * (and "note" when the Ack has one), otherwise the sentence and the note. */
static int send_closing(const struct cli *cli, WireFrame *req, const char *ws, int closed)
{
    WireFrame *reply;
    int rc = cli_request(cli, req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__Ack *ack = reply->ack;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "workshop", ws);
        cJSON_AddBoolToObject(o, "closed", closed);
        cJSON_AddNumberToObject(o, "seq", (double)ack->seq);
        if (ack->note != NULL && ack->note[0] != '\0')
            cJSON_AddStringToObject(o, "note", ack->note);
        output_json(o);
    } else if (closed) {
        printf("Workshop %s is closed; its grades are fixed ('cascade score' lists them) and "
               "it takes no changes until a facilitator runs 'cascade workshop reopen'.\n", ws);
    } else {
        printf("Workshop %s is open again; scores are live and changes are accepted.\n", ws);
    }
    if (!cli->json && ack->note != NULL && ack->note[0] != '\0')
        printf("%s\n", ack->note);
    wire_free(reply);
    return EXIT_OK;
}

int cmd_workshop_close(struct cli *cli, struct args *a, const char *sub)
{
    int closing = strcmp(sub, "close") == 0;
    const char *cmd = closing ? "workshop close" : "workshop reopen";
    int force = closing && args_flag(a, "--force");
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, cmd, NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    if (closing) {
        Cascade__V1__WorkshopClose msg = CASCADE__V1__WORKSHOP_CLOSE__INIT;
        msg.workshop = ws;
        msg.force = force;
        WireFrame req = CLIENT_REQUEST(workshop_close, WORKSHOP_CLOSE, &msg);
        return send_closing(cli, &req, ws, 1);
    }
    Cascade__V1__WorkshopReopen msg = CASCADE__V1__WORKSHOP_REOPEN__INIT;
    msg.workshop = ws;
    WireFrame req = CLIENT_REQUEST(workshop_reopen, WORKSHOP_REOPEN, &msg);
    return send_closing(cli, &req, ws, 0);
}

int cmd_obj_close_note(struct cli *cli, struct args *a)
{
    const char *cmd = "obj close-note";
    char id[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc = change_parse_id(cmd, args_next(a), OKR_OBJECTIVE, id);
    if (rc != EXIT_OK)
        return rc;
    const char *text = args_next(a);
    rc = cli_finish(cli, a, cmd,
                    text == NULL ? "Give the closing note's text, e.g. 'obj close-note O2 "
                                   "\"Hiring froze in August\"'."
                                 : NULL,
                    ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__ObjectiveCloseNote msg = CASCADE__V1__OBJECTIVE_CLOSE_NOTE__INIT;
    msg.workshop = ws;
    msg.id = id;
    msg.text = (char *)text;
    WireFrame req = CLIENT_REQUEST(objective_close_note, OBJECTIVE_CLOSE_NOTE, &msg);
    char done[64];
    snprintf(done, sizeof done, "Closing note of %s recorded.", id);
    return change_send(cli, ws, &req, CHANGE_UPDATE, done);
}
