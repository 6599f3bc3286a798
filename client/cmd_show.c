/* cascade show: the whole cascade of the workshop, from one Snapshot, as a
 * tree for people (render.h) or as one JSON object for scripts:
 * {"workshop":{"code","title","period","seq"},"teams":[...],
 *  "objectives":[...],"key_results":[...]} (entities as in okr_json.h). */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "cli.h"
#include "convert.h"
#include "okr.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"

static int print_json(const Cascade__V1__Snapshot *snap, const struct okr_state *st)
{
    const Cascade__V1__WorkshopInfo *info = snap->info;
    cJSON *o = cJSON_CreateObject();
    cJSON *w = cJSON_AddObjectToObject(o, "workshop");
    if (w == NULL) {
        cJSON_Delete(o);
        return -1;
    }
    cJSON_AddStringToObject(w, "code", snap->workshop);
    cJSON_AddStringToObject(w, "title", info != NULL ? info->title : "");
    cJSON_AddStringToObject(w, "period", info != NULL ? info->period : "");
    cJSON_AddNumberToObject(w, "seq", (double)snap->seq);
    if (okr_json_add_state(o, st) != 0) {
        cJSON_Delete(o);
        return -1;
    }
    return output_json(o);
}

int cmd_show(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    if (args_finish(a) != 0)
        return cli_usage("show", a->err);
    int rc = cli_workshop(cli, "show", ws, sizeof ws);
    if (rc != EXIT_OK)
        return rc;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    Cascade__V1__SnapshotRequest msg = CASCADE__V1__SNAPSHOT_REQUEST__INIT;
    msg.workshop = ws;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST;
    req.snapshot_request = &msg;
    WireFrame *reply;
    rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_SNAPSHOT, &reply);
    client_close(c);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__Snapshot *snap = reply->snapshot;
    struct okr_state st;
    okr_state_init(&st);
    if (convert_snapshot_to_state(snap, &st) != 0) {
        cli_error("The server sent a snapshot of %s that this client cannot read; is the "
                  "server a different version?", ws);
        rc = EXIT_UNREACHABLE;
    } else if (cli->json) {
        if (print_json(snap, &st) != 0) {
            cli_error("Out of memory while printing the cascade.");
            rc = EXIT_REFUSED;
        }
    } else {
        const Cascade__V1__WorkshopInfo *info = snap->info;
        struct render_header h = {snap->workshop, info != NULL ? info->title : snap->workshop,
                                  info != NULL ? info->period : "", snap->seq};
        render_tree(stdout, &h, &st, output_color());
    }
    okr_state_free(&st);
    wire_free(reply);
    return rc;
}
