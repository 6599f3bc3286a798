#include "snapshot.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"

#include "convert.h"
#include "session.h"
#include "settings.h"

/* How often a snapshot the server is too busy to send is asked for again,
 * and the longest wait between asks it may request. */
#define SNAPSHOT_ATTEMPTS 10
#define SNAPSHOT_MAX_WAIT_MS 5000

/* The server sent something other than the chunks of one snapshot. */
static int unreadable(const char *workshop, char *err, size_t errlen)
{
    snprintf(err, errlen,
             "The server sent a snapshot of %s that this client cannot read; is the server "
             "a different version?", workshop);
    return EXIT_UNREACHABLE;
}

/* Appends one SnapshotChunk to bytes, checking that it continues them. */
static int take_chunk(const WireFrame *f, struct buf *bytes, uint64_t *total)
{
    if (f->body_case != CASCADE__V1__FRAME__BODY_SNAPSHOT_CHUNK)
        return -1;
    const Cascade__V1__SnapshotChunk *ch = f->snapshot_chunk;
    if (ch->offset != bytes->len || (bytes->len > 0 && ch->total != *total) ||
        ch->total > WIRE_MAX_SNAPSHOT || ch->data.len > ch->total - ch->offset)
        return -1;
    *total = ch->total;
    return buf_append(bytes, ch->data.data, ch->data.len) == 0 ? 0 : -1;
}

/* Sends one SnapshotRequest and puts its chunks together into *snap. On a
 * refusal *retry_ms is what the server asked to wait (0: do not retry). */
static int ask_once(struct client *c, const char *workshop, Cascade__V1__Snapshot **snap,
                    uint32_t *retry_ms, char *err, size_t errlen)
{
    *retry_ms = 0;
    Cascade__V1__SnapshotRequest msg = CASCADE__V1__SNAPSHOT_REQUEST__INIT;
    msg.workshop = (char *)workshop;
    WireFrame req = CLIENT_REQUEST(snapshot_request, SNAPSHOT_REQUEST, &msg);
    uint64_t id, total = 0;
    int rc = client_send(c, &req, &id, err, errlen);
    if (rc != CLIENT_OK)
        return EXIT_UNREACHABLE;
    struct buf bytes = BUF_INIT;
    do {
        WireFrame *f;
        rc = client_reply(c, id, &f, err, errlen);
        if (rc == CLIENT_REFUSED && f->error->code == CASCADE__V1__ERROR_CODE__RATE_LIMITED)
            *retry_ms = f->error->retry_after_ms;
        if (rc == CLIENT_OK && take_chunk(f, &bytes, &total) != 0)
            rc = -1;
        wire_free(f);
        if (rc != CLIENT_OK) {
            buf_free(&bytes);
            return rc == CLIENT_REFUSED   ? EXIT_REFUSED
                   : rc == -1             ? unreadable(workshop, err, errlen)
                                          : EXIT_UNREACHABLE;
        }
    } while (bytes.len < total);
    *snap = wire_unpack_snapshot(bytes.data, bytes.len, WIRE_BUDGET_TRUSTED(bytes.len));
    buf_free(&bytes);
    return *snap != NULL ? EXIT_OK : unreadable(workshop, err, errlen);
}

int snapshot_request(struct client *c, const char *workshop, Cascade__V1__Snapshot **snap,
                     struct okr_state *st, char *err, size_t errlen)
{
    okr_state_init(st);
    *snap = NULL;
    int rc = EXIT_UNREACHABLE;
    for (int attempt = 1; attempt <= SNAPSHOT_ATTEMPTS; attempt++) {
        uint32_t retry_ms;
        rc = ask_once(c, workshop, snap, &retry_ms, err, errlen);
        /* Busy sending others their snapshots: it said when to come back. */
        if (rc != EXIT_REFUSED || retry_ms == 0 || retry_ms > SNAPSHOT_MAX_WAIT_MS ||
            attempt == SNAPSHOT_ATTEMPTS)
            break;
        struct timespec pause = {retry_ms / 1000, (long)(retry_ms % 1000) * 1000000L};
        nanosleep(&pause, NULL);
    }
    if (rc != EXIT_OK)
        return rc;
    if (convert_snapshot_to_state(*snap, st) != 0) {
        wire_snapshot_free(*snap);
        *snap = NULL;
        okr_state_free(st); /* and empty again */
        return unreadable(workshop, err, errlen);
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
    rc = snapshot_request(c, ws, &s->snap, &s->st, err, sizeof err);
    client_close(c);
    if (rc != EXIT_OK) {
        cli_error("%s", err);
        return rc;
    }
    return EXIT_OK;
}

void snapshot_close(struct snapshot *s)
{
    okr_state_free(&s->st);
    wire_snapshot_free(s->snap);
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
    if (info != NULL && info->closed) { /* only then: open workshops read as before */
        cJSON *c = cJSON_AddObjectToObject(w, "closed");
        cJSON_AddStringToObject(c, "by", info->closed_by);
        cJSON_AddNumberToObject(c, "at_ms", (double)info->closed_ms);
    }
    /* The check-in cadence, only when there is one to show (the usual
     * shape stays as it was). */
    if (info != NULL && info->cadence != NULL && info->cadence[0] != '\0' &&
        strcmp(info->cadence, "off") != 0) {
        cJSON_AddStringToObject(w, "period_from", info->period_from);
        cJSON_AddStringToObject(w, "period_to", info->period_to);
        cJSON_AddStringToObject(w, "cadence", info->cadence);
        cJSON_AddStringToObject(w, "timezone", info->timezone);
    }
    return o;
}
