#include "snapshot.h"

#include <stdio.h>

#include "convert.h"
#include "session.h"
#include "settings.h"

int snapshot_request(struct client *c, const char *workshop, WireFrame **reply,
                     struct okr_state *st, char *err, size_t errlen)
{
    okr_state_init(st);
    Cascade__V1__SnapshotRequest msg = CASCADE__V1__SNAPSHOT_REQUEST__INIT;
    msg.workshop = (char *)workshop;
    WireFrame req = CLIENT_REQUEST(snapshot_request, SNAPSHOT_REQUEST, &msg);
    int rc = client_call(c, &req, reply, err, errlen);
    if (rc != CLIENT_OK) {
        wire_free(*reply);
        *reply = NULL;
        return rc == CLIENT_REFUSED ? EXIT_REFUSED : EXIT_UNREACHABLE;
    }
    if ((*reply)->body_case != CASCADE__V1__FRAME__BODY_SNAPSHOT ||
        convert_snapshot_to_state((*reply)->snapshot, st) != 0) {
        snprintf(err, errlen,
                 "The server sent a snapshot of %s that this client cannot read; is the server "
                 "a different version?", workshop);
        wire_free(*reply);
        *reply = NULL;
        okr_state_free(st); /* and empty again */
        return EXIT_UNREACHABLE;
    }
    return EXIT_OK;
}

int snapshot_open(const struct cli *cli, struct args *a, const char *command, struct snapshot *s)
{
    char ws[SETTINGS_CODE_MAX + 1], err[1024];
    struct client *c;
    int rc = cli_finish(cli, a, command, NULL, ws);
    if (rc != EXIT_OK || (rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    rc = snapshot_request(c, ws, &s->reply, &s->st, err, sizeof err);
    client_close(c);
    if (rc != EXIT_OK) {
        cli_error("%s", err);
        return rc;
    }
    s->snap = s->reply->snapshot;
    return EXIT_OK;
}

void snapshot_close(struct snapshot *s)
{
    okr_state_free(&s->st);
    wire_free(s->reply);
}

cJSON *snapshot_json_head(const Cascade__V1__Snapshot *snap)
{
    const Cascade__V1__WorkshopInfo *info = snap->info;
    cJSON *o = cJSON_CreateObject();
    cJSON *w = cJSON_AddObjectToObject(o, "workshop");
    if (w == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(w, "code", snap->workshop);
    cJSON_AddStringToObject(w, "title", info != NULL ? info->title : "");
    cJSON_AddStringToObject(w, "period", info != NULL ? info->period : "");
    cJSON_AddNumberToObject(w, "seq", (double)snap->seq);
    return o;
}
