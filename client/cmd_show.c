/* cascade show: the whole cascade of the workshop, from one Snapshot, as a
 * tree for people (render.h) or as one JSON object for scripts:
 * {"workshop":{"code","title","period","seq"},"teams":[...],
 *  "objectives":[...],"key_results":[...],"initiatives":[...],
 *  "dependencies":[...],"comments":[...]} (entities as in okr_json.h). */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "cli.h"
#include "okr.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"

int cmd_show(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    if (args_finish(a) != 0)
        return cli_usage("show", a->err);
    int rc = cli_workshop(cli, "show", ws, sizeof ws);
    if (rc != EXIT_OK)
        return rc;
    WireFrame *reply;
    struct okr_state st;
    if ((rc = snapshot_load(cli, ws, &reply, &st)) != EXIT_OK)
        return rc;
    const Cascade__V1__Snapshot *snap = reply->snapshot;
    if (cli->json) {
        cJSON *o = snapshot_json_head(snap);
        if (o != NULL && okr_json_add_state(o, &st) != 0) {
            cJSON_Delete(o);
            o = NULL;
        }
        if (output_json(o) != 0) {
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
