/* cascade who: who is in the workshop now (a connection watching it: a
 * `watch` or the live view) and what each announced they are editing. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "cli.h"
#include "output.h"
#include "session.h"
#include "settings.h"

int cmd_who(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "who", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__PresenceQuery q = CASCADE__V1__PRESENCE_QUERY__INIT;
    q.workshop = ws;
    WireFrame req = CLIENT_REQUEST(presence_query, PRESENCE_QUERY, &q);
    WireFrame *reply;
    rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_PRESENCE_REPLY, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__PresenceReply *p = reply->presence_reply;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "present");
        for (size_t i = 0; i < p->n_present; i++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "user", p->present[i]->user);
            output_json_text_or_null(e, "editing", p->present[i]->editing);
            cJSON_AddNumberToObject(e, "since_ms", (double)p->present[i]->since_ms);
            cJSON_AddItemToArray(arr, e);
        }
        output_json(o);
    } else if (p->n_present == 0) {
        printf("Nobody is watching %s right now.\n", ws);
    } else {
        static const char *const HEADERS[] = {"USER", "SINCE", "EDITING"};
        struct table t;
        if (table_init(&t, 3, HEADERS) == 0) {
            for (size_t i = 0; i < p->n_present; i++) {
                char since[16];
                output_time(p->present[i]->since_ms, since, sizeof since);
                const char *row[] = {p->present[i]->user, since, p->present[i]->editing};
                table_add(&t, row);
            }
            table_print(&t, stdout);
            table_free(&t);
        }
    }
    wire_free(reply);
    return EXIT_OK;
}
