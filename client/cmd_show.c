/* cascade show: the whole cascade of the workshop, from one Snapshot, as a
 * tree for people (render.h) or as one JSON object for scripts:
 * {"workshop":{"code","title","period","seq"},"teams":[...],
 *  "objectives":[...],"key_results":[...],"initiatives":[...],
 *  "dependencies":[...],"comments":[...],"agenda":{...}} (entities as in
 *  okr_json.h, the agenda as `agenda --json` prints it, and "round" as
 *  `round status --json` prints it). With --at, a past state instead
 *  (show_at.h). */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "agenda_view.h"
#include "round_view.h"
#include "cli.h"
#include "clock.h"
#include "okr.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "show_at.h"
#include "snapshot.h"

int cmd_show(struct cli *cli, struct args *a)
{
    const char *at = NULL;
    if (args_value(a, "--at", &at) < 0)
        return cli_usage("show", a->err);
    if (at != NULL)
        return show_at(cli, a, at);
    struct snapshot v;
    int rc = snapshot_open(cli, a, "show", &v);
    if (rc != EXIT_OK)
        return rc;
    if (cli->json) {
        cJSON *o = snapshot_json_head(v.snap);
        /* Running the workshop: the agenda and its timer, timed on this
         * machine's clock (the snapshot may have been packed a while ago,
         * so it says nothing of the clocks' offset). */
        cJSON *agenda = o != NULL && v.snap->agenda != NULL
                            ? agenda_view_json(v.snap->agenda, clock_now_ms(), 0)
                            : NULL;
        if (agenda != NULL)
            cJSON_AddItemToObject(o, "agenda", agenda);
        /* The confidence round, as `round status --json` prints it: who has
         * submitted, and values only once revealed (the server sends no
         * others). */
        if (o != NULL && v.snap->round != NULL) {
            cJSON *round = cJSON_CreateObject();
            round_view_json_into(round, v.snap->round);
            cJSON_AddItemToObject(o, "round", round);
        }
        if (o != NULL && okr_json_add_state(o, &v.st) != 0) {
            cJSON_Delete(o);
            o = NULL;
        }
        if (output_json(o) != 0) {
            cli_error("Out of memory while printing the cascade.");
            rc = EXIT_REFUSED;
        }
    } else {
        const Cascade__V1__WorkshopInfo *info = v.snap->info;
        struct render_header h = {
            .code = v.snap->workshop,
            .title = info != NULL ? info->title : v.snap->workshop,
            .period = info != NULL ? info->period : "",
            .seq = v.snap->seq,
        };
        if (render_tree(stdout, &h, &v.st, output_color()) != 0) {
            cli_error("Out of memory while printing the cascade.");
            rc = EXIT_REFUSED;
        }
    }
    snapshot_close(&v);
    return rc;
}
