/* What an administrator sees of the running server and says to everyone:
 * admin stats (live/vitals.h and the running totals), admin connections,
 * admin disconnect and admin broadcast. The session lets only the
 * administrator send them (requests.def's ADMIN access). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "counters.h"
#include "errors.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "okr.h"
#include "process.h"
#include "store.h"
#include "tls.h"
#include "version.h"
#include "vitals.h"
#include "workshop.h"

/* The most rows one answer lists; `total` says how many there were. */
#define ADMIN_LIST_MAX 1000
/* The longest broadcast and disconnect reason. */
#define ADMIN_BROADCAST_MAX 500
#define ADMIN_REASON_MAX 200

void handle_admin_stats(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    const struct vitals *v = &l->vitals;
    uint64_t now = uv_now(l->loop), totals[RATES_SERIES];
    vitals_totals(totals);
    double rates[3][RATES_WINDOWS];
    static const enum vitals_series SERIES[3] = {VITALS_REQUESTS, VITALS_EVENTS,
                                                 VITALS_DELIVERIES};
    for (size_t s = 0; s < 3; s++)
        for (size_t w = 0; w < RATES_WINDOWS; w++)
            rates[s][w] = rates_per_s(&v->rates, SERIES[s], w, now, totals);
    Cascade__V1__AdminStatsReply r = CASCADE__V1__ADMIN_STATS_REPLY__INIT;
    r.server_version = (char *)CASCADE_VERSION;
    r.started_ms = v->started_ms;
    r.server_time_ms = clock_now_ms();
    r.connections = counters_read(&COUNTERS.connections_open);
    r.connections_peak = c->net->peak_conns;
    r.connections_accepted = counters_read(&COUNTERS.connections_accepted);
    r.logins = totals[VITALS_LOGINS];
    r.requests = totals[VITALS_REQUESTS];
    r.events = totals[VITALS_EVENTS];
    r.deliveries = totals[VITALS_DELIVERIES];
    r.n_requests_per_s = r.n_events_per_s = r.n_deliveries_per_s = RATES_WINDOWS;
    r.requests_per_s = rates[0];
    r.events_per_s = rates[1];
    r.deliveries_per_s = rates[2];
    r.commits_sampled = v->commits.n;
    r.commit_p50_ms = (double)recent_percentile(&v->commits, 50) / 1e6;
    r.commit_p99_ms = (double)recent_percentile(&v->commits, 99) / 1e6;
    store_file_sizes(l->store, &r.database_bytes, &r.wal_bytes);
    r.resident_bytes = process_resident_bytes();
    r.workshops = l->registry.n;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = f->request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_ADMIN_STATS_REPLY;
    out.admin_stats_reply = &r;
    conn_send(c, &out);
}

/* ---- Connections ----------------------------------------------------------------- */

static const char *conn_state(const struct conn *o)
{
    if (o->in_handshake)
        return "handshake";
    if (!o->greeted)
        return "greeting";
    return o->user_id == 0 ? "login" : "ready";
}

/* One row's storage: the info and the codes of what it follows. */
struct conn_row {
    Cascade__V1__ConnectionInfo info;
    char **codes;
};

void handle_admin_connections(struct conn *c, const WireFrame *f)
{
    const char *user = f->admin_connections->user;
    struct net *n = c->net;
    size_t cap = n->nconns < ADMIN_LIST_MAX ? n->nconns : ADMIN_LIST_MAX;
    struct conn_row *rows = calloc(cap + 1, sizeof *rows);
    Cascade__V1__ConnectionInfo **ptrs = calloc(cap + 1, sizeof *ptrs);
    if (rows == NULL || ptrs == NULL) {
        free(rows);
        free(ptrs);
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    uint64_t now = uv_now(n->loop), total = 0;
    size_t k = 0;
    int failed = 0;
    /* net->conns holds the newest first: walk it from the end so the rows
     * come by id. */
    struct conn *last = n->conns;
    while (last != NULL && last->next != NULL)
        last = last->next;
    for (struct conn *o = last; o != NULL; o = o->prev) {
        if (user[0] != '\0' && strcmp(o->user, user) != 0)
            continue;
        total++;
        if (k == cap)
            continue;
        struct conn_row *row = &rows[k];
        Cascade__V1__ConnectionInfo *info = &row->info;
        cascade__v1__connection_info__init(info);
        info->id = o->id;
        info->user = o->user;
        info->address = o->peer;
        const char *proto = o->transport.tls != NULL && !o->in_handshake
                                ? tls_conn_protocol(o->transport.tls)
                                : NULL;
        info->tls_version = (char *)(proto != NULL ? proto : "");
        info->since_ms = o->accepted_ms;
        info->idle_ms = now > o->last_heard ? now - o->last_heard : 0;
        info->bytes_queued = transport_queued(&o->transport);
        info->state = (char *)conn_state(o);
        info->admin = o->admin;
        info->you = o == c;
        if (o->nsubs > 0) {
            row->codes = calloc(o->nsubs, sizeof *row->codes);
            if (row->codes == NULL) {
                failed = 1;
                break;
            }
            for (size_t s = 0; s < o->nsubs; s++)
                row->codes[s] = o->subs[s].workshop->code;
            info->n_workshops = o->nsubs;
            info->workshops = row->codes;
        }
        ptrs[k++] = info;
    }
    if (failed) {
        conn_send_no_memory(c, f->request_id, NULL);
    } else {
        Cascade__V1__AdminConnectionsReply reply = CASCADE__V1__ADMIN_CONNECTIONS_REPLY__INIT;
        reply.n_connections = k;
        reply.connections = ptrs;
        reply.total = total;
        WireFrame out = CASCADE__V1__FRAME__INIT;
        out.request_id = f->request_id;
        out.body_case = CASCADE__V1__FRAME__BODY_ADMIN_CONNECTIONS_REPLY;
        out.admin_connections_reply = &reply;
        conn_send(c, &out);
    }
    for (size_t i = 0; i <= cap; i++)
        free(rows[i].codes);
    free(rows);
    free(ptrs);
}

void handle_admin_disconnect(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminDisconnect *m = f->admin_disconnect;
    if ((m->id != 0) == (m->user[0] != '\0')) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "Name one connection by its id or one user, not both and not neither.");
        return;
    }
    if (handlers_check_text(c, f->request_id, m->reason, "The reason", ADMIN_REASON_MAX, 0) != 0)
        return;
    char why[ADMIN_REASON_MAX + 80], note[200], quoted[80];
    snprintf(why, sizeof why, "An administrator (%s) disconnected you%s%s", c->user,
             m->reason[0] ? ": " : ".", m->reason);
    if (m->id != 0) {
        struct conn *o = c->net->conns;
        while (o != NULL && o->id != m->id)
            o = o->next;
        if (o == NULL) {
            snprintf(note, sizeof note,
                     "There is no connection %llu; 'cascade admin connections' lists them.",
                     (unsigned long long)m->id);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, note);
            return;
        }
        if (o == c) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "That is the connection asking; it ends when the command does.");
            return;
        }
        log_info("conn %llu (%s from %s) disconnected by '%s'", (unsigned long long)o->id,
                 o->user[0] ? o->user : "not logged in", o->peer, c->user);
        conn_disconnect(o, why);
        snprintf(note, sizeof note, "Closed connection %llu.", (unsigned long long)m->id);
        conn_send_ack_note(c, f->request_id, note);
        return;
    }
    struct store_user u;
    okr_text_quote(m->user, 40, quoted, sizeof quoted);
    if (strlen(m->user) > OKR_NAME_MAX || store_user_by_name(c->live->store, m->user, &u) != 0) {
        snprintf(note, sizeof note,
                 "There is no user named '%s'; 'cascade admin user list' shows them.", quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, note);
        return;
    }
    size_t closed = 0;
    struct conn *next;
    for (struct conn *o = c->net->conns; o != NULL; o = next) {
        next = o->next;
        if (o == c || o->user_id != u.id || o->closed)
            continue;
        conn_disconnect(o, why);
        closed++;
    }
    log_info("%zu connection(s) of '%s' disconnected by '%s'", closed, u.name, c->user);
    snprintf(note, sizeof note, "Closed %zu connection%s of %s.", closed, closed == 1 ? "" : "s",
             u.name);
    conn_send_ack_note(c, f->request_id, note);
}

/* ---- Broadcast ------------------------------------------------------------------- */

void handle_admin_broadcast(struct conn *c, const WireFrame *f)
{
    const char *text = f->admin_broadcast->text;
    if (handlers_check_text(c, f->request_id, text, "The message", ADMIN_BROADCAST_MAX, 1) != 0)
        return;
    Cascade__V1__Broadcast b = CASCADE__V1__BROADCAST__INIT;
    b.from = c->user;
    b.text = (char *)text;
    b.time_ms = clock_now_ms();
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.body_case = CASCADE__V1__FRAME__BODY_BROADCAST;
    out.broadcast = &b;
    /* Packed once, queued on every logged-in connection (the asking one
     * too, so the sender sees what everyone sees). */
    struct buf packed = {0};
    if (wire_pack(&out, c->net->cfg.max_frame, &packed) != 0) {
        buf_free(&packed);
        conn_send_no_memory(c, f->request_id, "nobody was told");
        return;
    }
    size_t reached = 0;
    for (struct conn *o = c->net->conns; o != NULL; o = o->next)
        if (o->user_id != 0 && !o->closed &&
            conn_send_packed(o, packed.data, packed.len) == 0)
            reached++;
    buf_free(&packed);
    log_info("broadcast by '%s' to %zu connection(s): %s", c->user, reached, text);
    char note[120];
    snprintf(note, sizeof note, "Sent to %zu connection%s.", reached, reached == 1 ? "" : "s");
    conn_send_ack_note(c, f->request_id, note);
}
