#include "conn.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "counters.h"
#include "errors.h"
#include "log.h"
#include "session.h"
#include "tls.h"

#define NET_LINGER_MS 500 /* graceful close: wait this long for the last bytes */

static struct conn *conn_of(struct transport *t)
{
    return (struct conn *)t; /* the transport is the first member */
}

int conn_send(struct conn *c, const WireFrame *f)
{
    struct buf out = BUF_INIT;
    int rc = wire_pack(f, WIRE_MAX_SERVER_FRAME, &out);
    if (rc == 0)
        rc = transport_send(&c->transport, out.data, out.len);
    buf_free(&out);
    if (rc == CAS_ETOOBIG) {
        /* Every request gets one response, even when its answer is too big. */
        log_warn("conn %llu: a '%s' answer is over the frame limit of %u bytes",
                 (unsigned long long)c->id, wire_body_name(f), WIRE_MAX_SERVER_FRAME);
        return conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                               "The answer is larger than the server's frame limit; ask for less.");
    }
    return rc;
}

int conn_send_packed(struct conn *c, const uint8_t *data, size_t len)
{
    return transport_send(&c->transport, data, len);
}

int conn_send_ack(struct conn *c, uint64_t request_id, uint64_t seq, const char *id)
{
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.seq = seq;
    if (id != NULL)
        ack.id = (char *)id;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_ACK;
    out.ack = &ack;
    return conn_send(c, &out);
}

int conn_send_ack_note(struct conn *c, uint64_t request_id, const char *note)
{
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.note = (char *)note;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_ACK;
    out.ack = &ack;
    return conn_send(c, &out);
}

int conn_send_error(struct conn *c, uint64_t request_id, Cascade__V1__ErrorCode code,
                    const char *message)
{
    struct buf out = BUF_INIT;
    int rc = wire_pack_error(&out, request_id, code, message);
    if (rc == 0)
        rc = transport_send(&c->transport, out.data, out.len);
    buf_free(&out);
    return rc;
}

int conn_send_no_memory(struct conn *c, uint64_t request_id, const char *tail)
{
    char msg[128];
    if (tail != NULL)
        snprintf(msg, sizeof msg, "The server is out of memory; %s.", tail);
    else
        snprintf(msg, sizeof msg, "The server is out of memory.");
    return conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__INTERNAL, msg);
}

int conn_send_retry_after(struct conn *c, uint64_t request_id, Cascade__V1__ErrorCode code,
                          const char *message, uint64_t retry_after_ms)
{
    Cascade__V1__Error e = CASCADE__V1__ERROR__INIT;
    e.code = code;
    e.message = (char *)message;
    e.retry_after_ms = retry_after_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)retry_after_ms;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ERROR;
    f.error = &e;
    return conn_send(c, &f);
}

void conn_close(struct conn *c, const char *reason)
{
    transport_close(&c->transport, reason);
}

/* The connection no longer counts against --max-anonymous-memory. */
static void anonymous_done(struct conn *c)
{
    if (c->anonymous) {
        c->anonymous = 0;
        c->net->anonymous--;
    }
}

void conn_log_in(struct conn *c, int64_t user_id, const char *name, int admin,
                 const uint8_t token_hash[32])
{
    c->user_id = user_id;
    snprintf(c->user, sizeof c->user, "%s", name);
    c->admin = admin;
    memcpy(c->token_hash, token_hash, sizeof c->token_hash);
    anonymous_done(c);
    transport_set_max_frame(&c->transport, c->net->cfg.max_frame);
}

/* The frame limit of a connection nobody has logged in on. */
static size_t anon_max_frame(const struct net *n)
{
    return n->cfg.max_frame < NET_ANON_MAX_FRAME ? n->cfg.max_frame : NET_ANON_MAX_FRAME;
}

void conn_log_out(struct conn *c)
{
    c->user_id = 0;
    c->user[0] = '\0';
    c->admin = 0;
    memset(c->token_hash, 0, sizeof c->token_hash);
    if (!c->anonymous) {
        c->anonymous = 1;
        c->net->anonymous++;
    }
    transport_set_max_frame(&c->transport, anon_max_frame(c->net));
}

void conn_release(struct conn *c)
{
    if (c->pending_work > 0)
        return; /* the last thread-pool job frees it */
    free(c->subs);
    buf_free(&c->held);
    free(c);
}

/* The connection no longer counts against --max-handshakes. */
static void handshake_done(struct conn *c)
{
    if (c->in_handshake) {
        c->in_handshake = 0;
        c->net->handshakes--;
    }
}

static void on_ready(struct transport *t)
{
    handshake_done(conn_of(t));
    /* The client speaks first, with Hello, and must not dawdle. */
    transport_deadline(t, conn_of(t)->net->cfg.handshake_timeout_ms, "no Hello in time");
}

static void on_frame(struct transport *t, const uint8_t *payload, size_t len)
{
    struct conn *c = conn_of(t);
    c->last_heard = uv_now(c->net->loop);
    session_on_frame(c, payload, len);
}

static void on_closed(struct transport *t, const char *reason)
{
    struct conn *c = conn_of(t);
    struct net *n = c->net;
    log_info("conn %llu from %s closed: %s", (unsigned long long)c->id, c->peer, reason);
    handshake_done(c);
    anonymous_done(c);
    if (c->prev)
        c->prev->next = c->next;
    else
        n->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    n->nconns--;
    counters_sub(&COUNTERS.connections_open, 1);
    if (n->on_closed != NULL)
        n->on_closed(n, c);
    c->closed = 1;
    conn_release(c);
}

static const struct transport_ops NET_OPS = {
    .on_ready = on_ready,
    .on_frame = on_frame,
    .on_closed = on_closed,
};

void net_init(struct net *n, const struct net_config *cfg, uv_loop_t *loop)
{
    memset(n, 0, sizeof *n);
    n->cfg = *cfg;
    n->loop = loop;
    n->env = (struct transport_env){
        .loop = loop,
        .ops = &NET_OPS,
        .max_frame = cfg->max_frame,
        .max_outbound = cfg->max_outbound,
        .handshake_timeout_ms = cfg->handshake_timeout_ms,
        .first_byte_timeout_ms = cfg->first_byte_timeout_ms,
        .linger_ms = NET_LINGER_MS,
        .readbuf = n->readbuf,
        .readbuf_len = sizeof n->readbuf,
    };
}

void net_start(struct net *n)
{
    transport_batch_init(&n->write_batch, n->loop);
    n->env.batch = &n->write_batch;
}

void net_free(struct net *n)
{
    tls_ctx_free(n->env.tls);
    n->env.tls = NULL;
    guess_throttle_free(&n->logins);
    guess_throttle_free(&n->joins);
}

/* Open connections, and those of them still in the TLS handshake, from
 * the address block of c (c itself included). A scan of every connection:
 * at the 10000 of --max-connections that is a few tens of microseconds per
 * accept, cheaper to keep right than a table that must follow every open
 * and close. */
static void count_block(const struct net *n, const struct conn *c, size_t *open,
                        size_t *handshaking)
{
    *open = *handshaking = 0;
    for (const struct conn *o = n->conns; o != NULL; o = o->next) {
        if (strcmp(o->block, c->block) != 0)
            continue;
        (*open)++;
        *handshaking += o->in_handshake;
    }
}

/* Records who is at the other end, as text: peer with its port, ip
 * without, and the block the per-address limits count. */
static void name_peer(struct conn *c)
{
    struct sockaddr_storage ss;
    int sslen = sizeof ss;
    snprintf(c->peer, sizeof c->peer, "unknown");
    snprintf(c->ip, sizeof c->ip, "unknown");
    snprintf(c->block, sizeof c->block, "unknown");
    if (uv_tcp_getpeername(&c->transport.tcp, (struct sockaddr *)&ss, &sslen) != 0)
        return;
    addr_format((struct sockaddr *)&ss, c->peer, sizeof c->peer);
    if (ss.ss_family != AF_INET6) {
        uv_ip4_name((struct sockaddr_in *)&ss, c->ip, sizeof c->ip);
        snprintf(c->block, sizeof c->block, "%s", c->ip);
        return;
    }
    struct sockaddr_in6 *sa6 = (struct sockaddr_in6 *)&ss;
    uv_ip6_name(sa6, c->ip, sizeof c->ip);
    if (IN6_IS_ADDR_V4MAPPED(&sa6->sin6_addr)) {
        snprintf(c->block, sizeof c->block, "%s", c->ip);
        return;
    }
    /* One IPv6 subscriber gets a /64: its 2^64 addresses are one client. */
    struct sockaddr_in6 prefix = *sa6;
    memset(prefix.sin6_addr.s6_addr + 8, 0, 8);
    char net64[INET6_ADDRSTRLEN];
    uv_ip6_name(&prefix, net64, sizeof net64);
    snprintf(c->block, sizeof c->block, "%.*s/64", (int)(sizeof c->block - 4), net64);
}

/* The connection in its TLS handshake longest: the last on the list, which
 * is newest first. NULL when none is. */
static struct conn *oldest_in_handshake(const struct net *n, const struct conn *except)
{
    struct conn *oldest = NULL;
    for (struct conn *o = n->conns; o != NULL; o = o->next)
        if (o->in_handshake && o != except && o->transport.state == TRANSPORT_HANDSHAKE)
            oldest = o;
    return oldest;
}

/* The anonymous connection open longest that is not closing, but except;
 * one whose password is being checked (someone logging in right now) only
 * when there is no other. */
static struct conn *oldest_anonymous(const struct net *n, const struct conn *except)
{
    struct conn *oldest = NULL, *oldest_busy = NULL;
    for (struct conn *o = n->conns; o != NULL; o = o->next) {
        if (!o->anonymous || o == except ||
            (o->transport.state != TRANSPORT_HANDSHAKE && o->transport.state != TRANSPORT_OPEN))
            continue;
        if (o->pending_work > 0)
            oldest_busy = o;
        else
            oldest = o;
    }
    return oldest != NULL ? oldest : oldest_busy;
}

/* Why a new connection must be refused, in why; 0 when it may stay. It is
 * counted among the open ones already. */
static int refusal(struct net *n, const struct conn *c, char *why, size_t whylen)
{
    if (n->stopping) {
        snprintf(why, whylen, "server is shutting down");
        return 1;
    }
    if (n->nconns > n->cfg.max_connections) {
        /* Accepted only to be closed at once, so the backlog does not fill. */
        snprintf(why, whylen, "refused: %zu connections is the limit (--max-connections)",
                 n->cfg.max_connections);
        return 1;
    }
    size_t open, handshaking;
    count_block(n, c, &open, &handshaking);
    if (open > n->cfg.max_per_address) {
        snprintf(why, whylen, "refused: %zu connections from %s is the limit (--max-per-address)",
                 n->cfg.max_per_address, c->block);
        return 1;
    }
    size_t share = n->cfg.max_handshakes_per_address != 0 ? n->cfg.max_handshakes_per_address
                                                          : NET_HANDSHAKE_SHARE(n->cfg.max_handshakes);
    if (handshaking >= share) {
        snprintf(why, whylen,
                 "refused: %zu TLS handshakes at once from %s is one address's share "
                 "(--max-handshakes-per-address)",
                 share, c->block);
        return 1;
    }
    /* Each handshake costs asymmetric crypto, so their number is bounded;
     * but a slot held by a peer that never finishes must not keep the next
     * one out. The oldest goes: a real client finishes in milliseconds. */
    if (n->handshakes >= n->cfg.max_handshakes) {
        struct conn *oldest = oldest_in_handshake(n, c);
        if (oldest == NULL) {
            snprintf(why, whylen, "refused: %zu TLS handshakes at once is the limit",
                     n->cfg.max_handshakes);
            return 1;
        }
        char evicted[ADDR_TEXT_MAX + 128];
        snprintf(evicted, sizeof evicted,
                 "dropped: the %zu handshake slots were full and this was the oldest; %s came",
                 n->cfg.max_handshakes, c->peer);
        transport_abort(&oldest->transport, evicted);
    }
    /* Nobody vouches for a connection until it logs in, so all of them
     * together get a fixed budget; the oldest makes room, as above. */
    if ((n->anonymous + 1) * NET_ANON_COST > n->cfg.max_anonymous_memory) {
        struct conn *oldest = oldest_anonymous(n, c);
        if (oldest == NULL) {
            snprintf(why, whylen, "refused: --max-anonymous-memory allows no more connections "
                                  "that have not logged in");
            return 1;
        }
        char evicted[ADDR_TEXT_MAX + 160];
        snprintf(evicted, sizeof evicted,
                 "dropped: connections not logged in hold all of --max-anonymous-memory (%zu "
                 "bytes) and this was the oldest; %s came",
                 n->cfg.max_anonymous_memory, c->peer);
        transport_abort(&oldest->transport, evicted);
    }
    return 0;
}

void net_accept(struct net *n, uv_stream_t *listener)
{
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL || transport_init(&c->transport, &n->env, c) != 0) {
        /* Leave the connection in the backlog; the next loop turn retries. */
        log_error("cannot set up a connection: out of memory");
        free(c);
        return;
    }
    c->net = n;
    c->live = n->live;
    c->id = ++n->next_conn_id;
    c->next = n->conns;
    if (n->conns)
        n->conns->prev = c;
    n->conns = c;
    n->nconns++;
    counters_add(&COUNTERS.connections_open, 1);
    counters_add(&COUNTERS.connections_accepted, 1);
    if (uv_accept(listener, (uv_stream_t *)&c->transport.tcp) != 0) {
        snprintf(c->peer, sizeof c->peer, "unknown");
        transport_abort(&c->transport, "accept failed");
        return;
    }
    name_peer(c);
    log_info("conn %llu from %s opened", (unsigned long long)c->id, c->peer);
    char why[ADDR_TEXT_MAX + 128];
    if (refusal(n, c, why, sizeof why)) {
        transport_abort(&c->transport, why);
        return;
    }
    c->in_handshake = 1;
    n->handshakes++;
    c->anonymous = 1;
    n->anonymous++;
    transport_set_max_frame(&c->transport, anon_max_frame(n));
    if (n->nconns > n->peak_since_trim)
        n->peak_since_trim = n->nconns;
    if (n->nconns > n->peak_conns)
        n->peak_conns = n->nconns;
    c->last_heard = uv_now(n->loop);
    c->accepted_ms = clock_now_ms();
    c->rate_at = c->last_heard;
    c->rate_tokens_milli = (uint64_t)n->cfg.rate_per_s * 4 * 1000;
    transport_accepted(&c->transport);
}

/* After a crowd of connections has gone (an attack, or the end of a
 * workshop), hands the memory they used back to the system: glibc keeps
 * freed memory for reuse, and a server that once held a thousand
 * connections would otherwise keep their RSS for good. */
static void give_memory_back(struct net *n)
{
    if (n->peak_since_trim < 64 || n->nconns > n->peak_since_trim / 2)
        return;
#ifdef __GLIBC__
    malloc_trim(0);
#endif
    n->peak_since_trim = n->nconns;
}

void net_sweep(struct net *n)
{
    uint64_t now = uv_now(n->loop);
    give_memory_back(n);
    for (struct conn *c = n->conns; c != NULL; c = c->next) {
        if (c->transport.state != TRANSPORT_OPEN || !c->greeted)
            continue; /* the handshake deadlines cover the rest */
        char why[96];
        if (now - c->last_heard >= n->cfg.idle_timeout_ms) {
            snprintf(why, sizeof why, "idle for %llu s",
                     (unsigned long long)(n->cfg.idle_timeout_ms / 1000));
            conn_close(c, why);
        } else if (c->user_id == 0 && now - c->greeted_at >= n->cfg.login_timeout_ms &&
                   c->pending_work == 0) {
            snprintf(why, sizeof why, "no login within %llu s",
                     (unsigned long long)(n->cfg.login_timeout_ms / 1000));
            conn_close(c, why);
        }
    }
}

int conn_send_going_away(struct conn *c, const char *reason)
{
    return conn_send_going_away_in(c, reason, 0);
}

int conn_send_going_away_in(struct conn *c, const char *reason, uint32_t closes_in_s)
{
    Cascade__V1__GoingAway away = CASCADE__V1__GOING_AWAY__INIT;
    away.reason = (char *)reason;
    away.closes_in_s = closes_in_s;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_GOING_AWAY;
    f.going_away = &away;
    return conn_send(c, &f);
}

void conn_disconnect(struct conn *c, const char *reason)
{
    Cascade__V1__GoingAway away = CASCADE__V1__GOING_AWAY__INIT;
    away.reason = (char *)reason;
    away.stay_away = 1;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_GOING_AWAY;
    f.going_away = &away;
    if (c->greeted)
        conn_send(c, &f);
    conn_close(c, "disconnected by an administrator");
}

void net_close_all(struct net *n, const char *reason)
{
    n->stopping = 1;
    for (struct conn *c = n->conns; c != NULL; c = c->next) {
        if (c->greeted)
            conn_send_going_away(c, reason);
        transport_close(&c->transport, "server shutting down");
    }
    /* Every connection is closing, its frames written: nothing more to batch. */
    transport_batch_close(&n->write_batch);
    n->env.batch = NULL;
}

void net_warn_all(struct net *n, const char *reason, uint32_t closes_in_s)
{
    for (struct conn *c = n->conns; c != NULL; c = c->next)
        if (c->greeted)
            conn_send_going_away_in(c, reason, closes_in_s);
}

void net_reconfigure(struct net *n, const struct net_config *cfg)
{
    n->cfg = *cfg;
    n->env.max_frame = cfg->max_frame;
    n->env.max_outbound = cfg->max_outbound;
    n->env.handshake_timeout_ms = cfg->handshake_timeout_ms;
    n->env.first_byte_timeout_ms = cfg->first_byte_timeout_ms;
}

void net_abort_all(struct net *n, const char *reason)
{
    for (struct conn *c = n->conns; c != NULL; c = c->next)
        transport_abort(&c->transport, reason);
}
