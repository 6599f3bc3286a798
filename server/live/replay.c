#include "replay.h"

#include <stdlib.h>

#include "conn.h"
#include "errors.h"
#include "frame.h"
#include "live.h"
#include "log.h"
#include "presence.h"
#include "session.h"
#include "snapshot_image.h"
#include "store.h"
#include "workshop.h"

struct replay {
    struct conn *conn;
    uint64_t request_id;
    /* A history: */
    struct workshop *workshop;
    uint64_t sent_seq;  /* the last event sent */
    int history_only;   /* end with the Ack, without joining */
    size_t chunk_sent;  /* events sent in the current chunk */
    /* A snapshot: the shared image, then this reader's own tail. */
    struct snapshot_image *image; /* NULL for a history */
    uint8_t *tail;
    size_t tail_len;
    size_t offset;      /* bytes of image and tail sent */
    struct replay *next;
};

/* The idle handle only keeps the loop from blocking; the work is done in
 * the turn-end check. */
static void on_idle(uv_idle_t *idle)
{
    (void)idle;
}

/* Links r in as c's replay. The next turn's check steps it; the idle
 * handle keeps that turn from waiting for I/O. */
static void begin(struct conn *c, struct replay *r)
{
    struct live *l = c->live;
    r->conn = c;
    r->next = l->replays;
    l->replays = r;
    c->replay = r;
    uv_idle_start(&l->replay_idle, on_idle);
}

int replay_start(struct conn *c, struct workshop *w, uint64_t request_id, uint64_t since_seq,
                 int history_only)
{
    struct replay *r = calloc(1, sizeof *r);
    if (r == NULL)
        return CAS_ENOMEM;
    r->history_only = history_only;
    r->workshop = w;
    r->request_id = request_id;
    r->sent_seq = since_seq;
    begin(c, r);
    return 0;
}

int replay_start_snapshot(struct conn *c, struct snapshot_image *img, uint8_t *tail,
                          size_t tail_len, uint64_t request_id)
{
    struct replay *r = calloc(1, sizeof *r);
    if (r == NULL) {
        free(tail);
        return CAS_ENOMEM;
    }
    img->refs++;
    r->image = img;
    r->tail = tail;
    r->tail_len = tail_len;
    r->request_id = request_id;
    begin(c, r);
    return 0;
}

static void unlink_replay(struct live *l, struct replay *r)
{
    for (struct replay **p = &l->replays; *p != NULL; p = &(*p)->next)
        if (*p == r) {
            *p = r->next;
            break;
        }
    r->conn->replay = NULL;
    snapshot_image_release(l, r->image);
    free(r->tail);
    free(r);
}

int replay_busy_with(const struct live *l, const struct workshop *w)
{
    for (const struct replay *r = l->replays; r != NULL; r = r->next)
        if (r->workshop == w)
            return 1;
    return 0;
}

void replay_cancel(struct conn *c)
{
    if (c->replay != NULL)
        unlink_replay(c->live, c->replay);
}

/* The unsent bytes at which r waits: well under the connection's outbound
 * limit, so that a chunk never reaches it. */
static size_t high_water(const struct conn *c)
{
    size_t quarter = c->net->cfg.max_outbound / 4;
    return quarter < REPLAY_HIGH_WATER ? quarter : REPLAY_HIGH_WATER;
}

/* Sends one stored event; stops the read (1) at the end of a chunk or when
 * the subscriber has enough unsent. */
static int send_event(void *ctx, uint64_t seq, const uint8_t *payload, size_t len)
{
    struct replay *r = ctx;
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, (uint32_t)len);
    /* Two sends, one frame: both land in the connection's batch. */
    int rc = conn_send_packed(r->conn, hdr, sizeof hdr);
    if (rc == 0)
        rc = conn_send_packed(r->conn, payload, len);
    if (rc != 0)
        return rc;
    r->sent_seq = seq;
    if (++r->chunk_sent >= REPLAY_CHUNK_EVENTS ||
        transport_queued(&r->conn->transport) >= high_water(r->conn))
        return 1;
    return 0;
}

void replay_join(struct conn *c, struct workshop *w, uint64_t request_id)
{
    if (presence_subscribe(c, w) != 0)
        conn_send_no_memory(c, request_id, NULL);
    else
        conn_send_ack(c, request_id, w->committed_seq, NULL);
}

void replay_end(struct conn *c, struct workshop *w, uint64_t request_id)
{
    conn_send_ack(c, request_id, w->committed_seq, NULL);
}

/* The size of one SnapshotChunk's data: small enough that a chunk sent
 * just under the high-water mark stays far from --max-outbound. */
static size_t chunk_bytes(const struct conn *c)
{
    size_t half = high_water(c) / 2;
    return half < REPLAY_SNAPSHOT_CHUNK ? half : REPLAY_SNAPSHOT_CHUNK;
}

/* Sends r's snapshot on from r->offset until it is all out or the reader
 * has enough unsent. 0, or an error from the connection. */
static int send_snapshot(struct replay *r)
{
    const size_t image_len = r->image->len, total = image_len + r->tail_len;
    const size_t most = chunk_bytes(r->conn);
    while (r->offset < total && transport_queued(&r->conn->transport) < high_water(r->conn)) {
        /* A chunk comes from the image or the tail, never both. */
        const uint8_t *from;
        size_t left;
        if (r->offset < image_len) {
            from = r->image->bytes + r->offset;
            left = image_len - r->offset;
        } else {
            from = r->tail + (r->offset - image_len);
            left = total - r->offset;
        }
        Cascade__V1__SnapshotChunk chunk = CASCADE__V1__SNAPSHOT_CHUNK__INIT;
        chunk.total = total;
        chunk.offset = r->offset;
        chunk.data.data = (uint8_t *)from;
        chunk.data.len = left < most ? left : most;
        WireFrame f = CASCADE__V1__FRAME__INIT;
        f.request_id = r->request_id;
        f.body_case = CASCADE__V1__FRAME__BODY_SNAPSHOT_CHUNK;
        f.snapshot_chunk = &chunk;
        int rc = conn_send(r->conn, &f);
        if (rc != 0)
            return rc;
        r->offset += chunk.data.len;
    }
    return 0;
}

/* Caught up: join, and let the connection's held requests run. */
static void finish(struct live *l, struct replay *r)
{
    struct conn *c = r->conn;
    struct workshop *w = r->workshop;
    uint64_t request_id = r->request_id;
    int history_only = r->history_only;
    unlink_replay(l, r);
    if (history_only)
        replay_end(c, w, request_id);
    else
        replay_join(c, w, request_id);
    session_release_held(c);
}

/* One step of a snapshot: as many chunks as the reader has room for. 1
 * when it can go on at once, 0 when it waits or ended. */
static int step_snapshot(struct live *l, struct replay *r)
{
    struct conn *c = r->conn;
    c->last_heard = uv_now(l->loop); /* as for a history, below */
    int rc = send_snapshot(r);
    if (rc != 0 || r->offset == r->image->len + r->tail_len) {
        uint64_t request_id = r->request_id;
        unlink_replay(l, r);
        if (c->transport.state != TRANSPORT_OPEN)
            return 0; /* dropped: there is nobody to tell */
        if (rc != 0) /* the reader has part of it: say why the rest is missing */
            conn_send_no_memory(c, request_id, NULL);
        session_release_held(c);
        return 0;
    }
    return transport_socket_queued(&c->transport) < high_water(c);
}

/* One chunk of r. 1 when r can go on at once, 0 when it waits or ended. */
static int step_one(struct live *l, struct replay *r)
{
    struct conn *c = r->conn;
    if (c->transport.state != TRANSPORT_OPEN)
        return 0; /* closing: its on_closed cancels the replay */
    /* Waiting is only safe on bytes the socket has refused: their write
     * completing wakes the loop. Bytes still in the batch go out at the end
     * of this turn, and may all fit in the socket, waking nobody. */
    if (transport_socket_queued(&c->transport) >= high_water(c))
        return 0;
    if (r->image != NULL)
        return step_snapshot(l, r);
    if (r->sent_seq < r->workshop->committed_seq) {
        /* Reading is paused during a replay, so the client's heartbeats wait
         * unread: its taking the replay counts as hearing from it. A client
         * that stops taking it is closed by the idle time-out as usual. */
        c->last_heard = uv_now(l->loop);
        r->chunk_sent = 0;
        int rc = store_event_each(l->store, r->workshop->id, r->sent_seq, send_event, r);
        if (rc < 0) {
            uint64_t request_id = r->request_id;
            unlink_replay(l, r);
            if (c->transport.state == TRANSPORT_OPEN) {
                log_error("replay of %s to conn %llu failed: %s", c->user,
                          (unsigned long long)c->id, cas_strerror(rc));
                conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                                "The server could not read the workshop's history.");
                session_release_held(c);
            }
            return 0;
        }
    }
    if (r->sent_seq >= r->workshop->committed_seq) {
        finish(l, r);
        return 0;
    }
    return transport_socket_queued(&c->transport) < high_water(c);
}

void replay_step(struct live *l)
{
    int runnable = 0;
    struct replay *r = l->replays;
    while (r != NULL) {
        struct replay *next = r->next; /* step_one may free r */
        runnable |= step_one(l, r);
        r = next;
    }
    if (runnable)
        uv_idle_start(&l->replay_idle, on_idle);
    else
        uv_idle_stop(&l->replay_idle);
}
