#include "cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conn.h"
#include "counters.h"
#include "crypto.h"
#include "errors.h"
#include "frame.h"
#include "live.h"
#include "log.h"
#include "remote_presence.h"
#include "store.h"

int cluster_shared(const struct live *l)
{
    return l->cluster.commit != NULL;
}

struct store *cluster_batch_store(struct live *l)
{
    return l->cluster.commit != NULL ? l->cluster.commit : l->store;
}

int cluster_batch_open(const struct live *l)
{
    return l->cluster.open;
}

static int begin(struct live *l);

int cluster_batch_begin(struct live *l)
{
    if (l->cluster.commit == NULL)
        return store_begin(l->store);
    return l->cluster.open ? 0 : begin(l);
}

void cluster_batch_ended(struct live *l)
{
    l->cluster.open = 0;
    l->cluster.claimed = 0;
}

int cluster_holds(const struct live *l, const struct workshop *w)
{
    return l->cluster.open && w->claimed_in == l->cluster.txn;
}

/* ---- Catching up ---- */

/* Sends one stored event to every subscriber of the workshop. */
static int deliver(void *ctx, uint64_t seq, const uint8_t *payload, size_t len)
{
    struct workshop *w = ctx;
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, (uint32_t)len);
    for (size_t i = 0; i < w->nsubscribers; i++) {
        /* Two sends, one frame: both land in the connection's batch. */
        if (conn_send_packed(w->subscribers[i], hdr, sizeof hdr) == 0)
            (void)conn_send_packed(w->subscribers[i], payload, len);
    }
    counters_add(&COUNTERS.deliveries, w->nsubscribers);
    w->committed_seq = seq;
    return 0;
}

/* Someone removed through another node: their views here end too, saying
 * why, as they do on that node. */
static void end_removed_views(struct workshop *w)
{
    for (size_t i = w->nsubscribers; i-- > 0;) {
        struct conn *o = w->subscribers[i];
        if (!workshop_removed(w, o->user_id))
            continue;
        char why[160];
        snprintf(why, sizeof why, "You were removed from workshop %s.", w->code);
        conn_send_going_away(o, why);
        conn_close(o, "removed from the workshop");
    }
}

int cluster_catch_up(struct live *l, struct workshop *w)
{
    /* Changes of its own in flight: the workshop is claimed, so no other
     * node can have written it since. */
    if (w->pending > 0)
        return 0;
    struct store *st = l->store;
    /* One snapshot for the events and the state, so that the subscribers
     * end exactly where the state does. */
    int rc = store_begin_read(st);
    if (rc != 0)
        return rc;
    uint64_t from = w->committed_seq;
    rc = store_event_each(st, w->id, from, deliver, w);
    if (rc == 0)
        rc = workshop_refresh_row(&l->registry, w);
    if (rc == 0)
        rc = workshop_reload(&l->registry, w);
    if (store_commit(st) != 0)
        store_rollback(st);
    if (rc != 0) {
        log_error("cannot catch up workshop %s with the database: %s", w->code, cas_strerror(rc));
        return rc;
    }
    if (w->archived_ms != 0 && !w->unloaded)
        workshop_unload(w);
    end_removed_views(w);
    if (w->committed_seq != w->state.seq)
        log_error("workshop %s: its events end at %llu but its state at %llu", w->code,
                  (unsigned long long)w->committed_seq, (unsigned long long)w->state.seq);
    w->committed_seq = w->state.seq;
    l->cluster.catch_ups++;
    return 0;
}

int cluster_refresh(struct live *l, struct workshop *w)
{
    if (!cluster_shared(l) || cluster_holds(l, w) || w->pending > 0)
        return 0;
    uint64_t seq = 0;
    int rc = store_workshop_last_seq(l->store, w->id, &seq);
    if (rc != 0)
        return rc;
    return seq > w->committed_seq ? cluster_catch_up(l, w) : 0;
}

/* ---- Claiming ---- */

static int begin(struct live *l)
{
    struct cluster *cl = &l->cluster;
    int rc = store_begin(cl->commit);
    if (rc != 0)
        return rc;
    cl->open = 1;
    cl->txn++;
    cl->claimed = 0;
    return 0;
}

int cluster_claim(struct live *l, struct workshop *w)
{
    struct cluster *cl = &l->cluster;
    if (cl->commit == NULL || cluster_holds(l, w))
        return 0;
    uint64_t seq = 0;
    int rc, locked = 0;
    if (cl->open && cl->claimed > 0) {
        /* Holding other workshops, this node waits for none: two nodes
         * each holding what the other waits for would both stall. What it
         * holds is committed first, and then it waits with empty hands. */
        int got = 0;
        rc = store_workshop_try_lock(cl->commit, w->id, &got);
        if (rc != 0)
            return rc;
        if (got) {
            locked = 1;
            rc = store_workshop_last_seq(cl->commit, w->id, &seq);
            if (rc != 0)
                return rc;
        } else {
            batch_commit(l);
        }
    }
    if (!locked) {
        if (!cl->open && (rc = begin(l)) != 0)
            return rc;
        if ((rc = store_workshop_lock(cl->commit, w->id, &seq)) != 0)
            return rc;
    }
    w->claimed_in = cl->txn;
    cl->claimed++;
    /* Behind the database, or ahead of it with changes a failed commit
     * left in memory: either way the database's state is the truth. */
    if (seq != w->committed_seq || w->state.seq != seq) {
        if (w->pending > 0) {
            /* Changes applied before the claim: they cannot be kept. */
            log_error("workshop %s changed on another node under changes not yet claimed",
                      w->code);
            return CAS_ESTORAGE;
        }
        return cluster_catch_up(l, w);
    }
    return 0;
}

/* ---- Hearing of the others' commits ---- */

static int on_notification(void *ctx, int64_t workshop_id, uint64_t seq)
{
    struct live *l = ctx;
    l->cluster.notifications++;
    struct workshop *w = registry_find_id(&l->registry, workshop_id);
    if (w == NULL || cluster_holds(l, w) || seq <= w->committed_seq)
        return 0; /* unknown, ours to write now, or heard already */
    (void)cluster_catch_up(l, w);
    return 0;
}

/* ---- Guesses: every node counts every node's failed attempts ---- */

void cluster_share_guess(struct live *l, char op, char kind, const char *name, const char *addr)
{
    if (!cluster_shared(l))
        return;
    char payload[512];
    /* The name last: it may hold spaces, nothing after it needs parsing. */
    snprintf(payload, sizeof payload, "%s %c %c %s %s", l->server_id, op, kind, addr, name);
    if (store_notify(l->store, STORE_CHANNEL_GUESSES, payload) != 0)
        log_warn("cannot tell the other nodes of a failed guess; they count it from here on");
}

static void on_guess(void *ctx, const char *payload)
{
    struct live *l = ctx;
    char node[80], addr[80];
    char op, kind;
    int name_at = 0;
    if (sscanf(payload, "%79s %c %c %79s %n", node, &op, &kind, addr, &name_at) != 4 ||
        name_at == 0 || strcmp(node, l->server_id) == 0)
        return; /* malformed, or this node's own, counted already */
    const char *name = payload + name_at;
    struct guess_throttle *g = kind == GUESS_LOGIN ? &l->net->logins
                               : kind == GUESS_JOIN ? &l->net->joins
                                                    : NULL;
    if (g == NULL)
        return;
    int64_t now = (int64_t)uv_now(l->loop);
    if (op == GUESS_FAILED)
        guess_throttle_fail(g, name, addr, now);
    else if (op == GUESS_RIGHT)
        guess_throttle_succeeded(g, name, addr, now);
    else if (op == GUESS_RESET)
        guess_throttle_reset_name(g, name);
}

/* ---- Sessions ended: on every node at once ---- */

void cluster_share_sessions_end(struct live *l, int64_t user_id, const uint8_t *keep,
                                const char *reason)
{
    if (!cluster_shared(l))
        return;
    char hex[65] = "-";
    if (keep != NULL)
        crypto_hex(keep, 32, hex);
    char payload[400];
    snprintf(payload, sizeof payload, "%s %lld %s %s", l->server_id, (long long)user_id, hex,
             reason);
    if (store_notify(l->store, STORE_CHANNEL_SESSIONS, payload) != 0)
        log_warn("cannot tell the other nodes that sessions of user %lld ended; their"
                 " connections end when they next need their session",
                 (long long)user_id);
}

static void on_sessions(void *ctx, const char *payload)
{
    struct live *l = ctx;
    char node[80], hex[80];
    long long user_id;
    int reason_at = 0;
    if (sscanf(payload, "%79s %lld %79s %n", node, &user_id, hex, &reason_at) != 3 ||
        reason_at == 0 || strcmp(node, l->server_id) == 0 || l->end_sessions == NULL)
        return;
    uint8_t keep[32];
    int kept = crypto_unhex(hex, keep, sizeof keep) == 0;
    session_memo_forget(l->sessions, NULL, user_id);
    l->end_sessions(l, user_id, kept ? keep : NULL, payload + reason_at);
}

static void on_presence(void *ctx, const char *payload)
{
    remote_presence_heard(ctx, payload);
}

static const struct store_notice_handlers HANDLERS = {.committed = on_notification,
                                                      .guess = on_guess,
                                                      .presence = on_presence,
                                                      .sessions = on_sessions};

static void stop_polling(struct cluster *cl)
{
    if (cl->poll == NULL)
        return;
    uv_poll_stop(cl->poll);
    uv_close((uv_handle_t *)cl->poll, (uv_close_cb)free);
    cl->poll = NULL;
}

static void on_readable(uv_poll_t *p, int status, int events)
{
    (void)events;
    struct live *l = p->data;
    struct cluster *cl = &l->cluster;
    if (status < 0 || store_notifications(cl->listen, &HANDLERS, l) != 0) {
        /* The sweep listens again once the database is back. */
        log_warn("lost the database's notifications; catching up every second until they are"
                 " back");
        stop_polling(cl);
    }
}

/* LISTENs and polls the listener's socket. */
static int start_listening(struct live *l)
{
    struct cluster *cl = &l->cluster;
    int rc = store_listen(cl->listen);
    int fd = rc == 0 ? store_listen_socket(cl->listen) : -1;
    if (fd < 0)
        return rc != 0 ? rc : CAS_ESTORAGE;
    uv_poll_t *p = malloc(sizeof *p);
    if (p == NULL)
        return CAS_ENOMEM;
    if (uv_poll_init(l->loop, p, fd) != 0) {
        free(p);
        return CAS_EIO;
    }
    p->data = l;
    uv_poll_start(p, UV_READABLE, on_readable);
    cl->poll = p;
    cl->poll_fd = fd;
    return 0;
}

int cluster_start(struct live *l, const char *url, char *err, size_t errlen)
{
    struct cluster *cl = &l->cluster;
    int rc = store_open(&cl->commit, url, STORE_SYNC_FULL, err, errlen);
    if (rc == 0)
        rc = store_open(&cl->listen, url, STORE_SYNC_FULL, err, errlen);
    if (rc == 0 && (rc = start_listening(l)) != 0)
        cas_errorf(err, errlen, "Cannot listen for the other nodes' changes: %s.",
                   cas_strerror(rc));
    if (rc == 0)
        remote_presence_hello(l);
    return rc;
}

void cluster_stop(struct live *l)
{
    struct cluster *cl = &l->cluster;
    if (cl->commit != NULL)
        log_info("of the other nodes' commits this node heard %llu and caught up %llu times",
                 (unsigned long long)cl->notifications, (unsigned long long)cl->catch_ups);
    stop_polling(cl);
}

void cluster_free(struct live *l)
{
    struct cluster *cl = &l->cluster;
    store_close(cl->commit);
    store_close(cl->listen);
    cl->commit = cl->listen = NULL;
}

/* ---- Every second ---- */

static int compare_seq(void *ctx, int64_t id, uint64_t seq)
{
    struct live *l = ctx;
    struct workshop *w = registry_find_id(&l->registry, id); /* loads one made elsewhere */
    if (w != NULL && !cluster_holds(l, w) && seq > w->committed_seq)
        (void)cluster_catch_up(l, w);
    return 0;
}

void cluster_sweep(struct live *l)
{
    struct cluster *cl = &l->cluster;
    if (cl->commit == NULL)
        return;
    if (cl->poll == NULL && store_reconnect(cl->listen) == 0 && start_listening(l) == 0) {
        log_info("hearing the other nodes' changes again");
        remote_presence_hello(l); /* what was said meanwhile is lost */
    }
    remote_presence_tick(l, clock_now_ms());
    if (!cl->open)
        (void)store_ping(cl->commit);
    int rc = store_workshop_seqs(l->store, compare_seq, l);
    if (rc != 0 && !cl->down)
        log_error("cannot reach the database to compare seqs; reads go on from memory, changes"
                  " are refused until it is back");
    else if (rc == 0 && cl->down)
        log_info("the database is back");
    cl->down = rc != 0;
}
