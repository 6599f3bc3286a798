#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cert.h"
#include "handlers.h"
#include "presence.h"
#include "replay.h"
#include "store.h"
#include "errors.h"
#include "log.h"
#include "session.h"
#include "tls.h"
#include "version.h"

#define SERVER_DEFAULT_PORT 7447
#define SERVER_LINGER_MS 500       /* graceful close: wait this long for the last bytes */
#define SERVER_SHUTDOWN_MS 900     /* then drop whoever is left, to exit within a second */

void server_config_defaults(struct server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->listen.host, sizeof cfg->listen.host, "127.0.0.1");
    cfg->listen.port = SERVER_DEFAULT_PORT;
    cfg->data_dir = "./cascade-data";
    cfg->max_frame = FRAME_DEFAULT_MAX;
    cfg->max_outbound = 8u << 20;
    cfg->handshake_timeout_ms = 10000;
    cfg->token_ttl_s = 30 * 24 * 3600;
    cfg->idle_timeout_ms = 120000;
    cfg->login_timeout_ms = 60000;
    cfg->max_connections = 10000;
    cfg->rate_per_s = 50;
    cfg->max_per_address = 256;
    cfg->max_handshakes = 256;
    cfg->max_entities = 10000;
    cfg->text_limits = okr_limits_default;
    cfg->max_workshops_per_user = 100;
    cfg->sync_full = 1;
}

int64_t server_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

void conn_close(struct conn *c, const char *reason)
{
    transport_close(&c->transport, reason);
}

/* The connection no longer counts against --max-handshakes. */
static void handshake_done(struct conn *c)
{
    if (c->in_handshake) {
        c->in_handshake = 0;
        c->server->handshakes--;
    }
}

static void on_ready(struct transport *t)
{
    handshake_done(conn_of(t));
    /* The client speaks first, with Hello, and must not dawdle. */
    transport_deadline(t, conn_of(t)->server->cfg.handshake_timeout_ms, "no Hello in time");
}

static void on_frame(struct transport *t, const uint8_t *payload, size_t len)
{
    struct conn *c = conn_of(t);
    c->last_heard = uv_now(c->server->loop);
    session_on_frame(c, payload, len);
}

/* Once a second: a connection that has said nothing for the idle time-out
 * (clients send Ping as a heartbeat), or that said Hello but never logged
 * in, costs the server and helps nobody. One timer serves them all. */
static void on_sweep(uv_timer_t *timer)
{
    struct server *s = timer->data;
    uint64_t now = uv_now(s->loop);
    for (struct conn *c = s->conns; c != NULL; c = c->next) {
        if (c->transport.state != TRANSPORT_OPEN || !c->greeted)
            continue; /* the handshake deadlines cover the rest */
        char why[96];
        if (now - c->last_heard >= s->cfg.idle_timeout_ms) {
            snprintf(why, sizeof why, "idle for %llu s",
                     (unsigned long long)(s->cfg.idle_timeout_ms / 1000));
            conn_close(c, why);
        } else if (c->user_id == 0 && now - c->greeted_at >= s->cfg.login_timeout_ms &&
                   c->pending_work == 0) {
            snprintf(why, sizeof why, "no login within %llu s",
                     (unsigned long long)(s->cfg.login_timeout_ms / 1000));
            conn_close(c, why);
        }
    }
}

void conn_release(struct conn *c)
{
    if (c->pending_work > 0)
        return; /* the last thread-pool job frees it */
    free(c->subs);
    buf_free(&c->held);
    free(c);
}

static void on_closed(struct transport *t, const char *reason)
{
    struct conn *c = conn_of(t);
    struct server *s = c->server;
    log_info("conn %llu from %s closed: %s", (unsigned long long)c->id, c->peer, reason);
    handshake_done(c);
    if (c->prev)
        c->prev->next = c->next;
    else
        s->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    s->nconns--;
    presence_drop(c);
    replay_cancel(c);
    batch_forget_conn(&s->batch, c);
    c->closed = 1;
    conn_release(c);
    if (s->stopping && s->nconns == 0 && !uv_is_closing((uv_handle_t *)&s->shutdown_timer))
        uv_close((uv_handle_t *)&s->shutdown_timer, NULL);
}

static const struct transport_ops SERVER_OPS = {on_ready, on_frame, on_closed};

/* Open connections from ip. A scan of every connection: at the 10000 of
 * --max-connections that is a few tens of microseconds per accept, cheaper
 * to keep right than a table that must follow every open and close. */
static size_t conns_from(const struct server *s, const char *ip)
{
    size_t n = 0;
    for (const struct conn *c = s->conns; c != NULL; c = c->next)
        if (strcmp(c->ip, ip) == 0)
            n++;
    return n;
}

static void on_connection(uv_stream_t *listener, int status)
{
    struct server *s = listener->data;
    if (status < 0) {
        log_warn("accept failed: %s", uv_strerror(status));
        return;
    }
    struct conn *c = calloc(1, sizeof *c);
    if (c == NULL || transport_init(&c->transport, &s->env, c) != 0) {
        /* Leave the connection in the backlog; the next loop turn retries. */
        log_error("cannot set up a connection: out of memory");
        free(c);
        return;
    }
    c->server = s;
    c->id = ++s->next_conn_id;
    c->next = s->conns;
    if (s->conns)
        s->conns->prev = c;
    s->conns = c;
    s->nconns++;
    if (uv_accept(listener, (uv_stream_t *)&c->transport.tcp) != 0) {
        snprintf(c->peer, sizeof c->peer, "unknown");
        transport_abort(&c->transport, "accept failed");
        return;
    }
    struct sockaddr_storage ss;
    int sslen = sizeof ss;
    if (uv_tcp_getpeername(&c->transport.tcp, (struct sockaddr *)&ss, &sslen) == 0) {
        addr_format((struct sockaddr *)&ss, c->peer, sizeof c->peer);
        if (ss.ss_family == AF_INET6)
            uv_ip6_name((struct sockaddr_in6 *)&ss, c->ip, sizeof c->ip);
        else
            uv_ip4_name((struct sockaddr_in *)&ss, c->ip, sizeof c->ip);
    } else {
        snprintf(c->peer, sizeof c->peer, "unknown");
        snprintf(c->ip, sizeof c->ip, "unknown");
    }
    log_info("conn %llu from %s opened", (unsigned long long)c->id, c->peer);
    if (s->stopping) {
        transport_abort(&c->transport, "server is shutting down");
        return;
    }
    if (s->nconns > s->cfg.max_connections) {
        /* Accepted only to be closed at once, so the backlog does not fill. */
        char why[96];
        snprintf(why, sizeof why, "refused: %zu connections is the limit (--max-connections)",
                 s->cfg.max_connections);
        transport_abort(&c->transport, why);
        return;
    }
    /* Counted with this connection itself, which is on the list already. */
    size_t from_ip = conns_from(s, c->ip);
    if (from_ip > s->cfg.max_per_address) {
        char why[ADDR_TEXT_MAX + 96];
        snprintf(why, sizeof why, "refused: %zu connections from %s is the limit (--max-per-address)",
                 s->cfg.max_per_address, c->ip);
        transport_abort(&c->transport, why);
        return;
    }
    /* Each handshake costs asymmetric crypto; a flood of them must not
     * starve the connections already open. */
    if (s->handshakes >= s->cfg.max_handshakes) {
        char why[96];
        snprintf(why, sizeof why, "refused: %zu TLS handshakes at once is the limit (--max-handshakes)",
                 s->cfg.max_handshakes);
        transport_abort(&c->transport, why);
        return;
    }
    c->in_handshake = 1;
    s->handshakes++;
    c->last_heard = uv_now(s->loop);
    c->rate_at = c->last_heard;
    c->rate_tokens_milli = (uint64_t)s->cfg.rate_per_s * 4 * 1000;
    transport_accepted(&c->transport);
}

/* Runs after each loop turn's I/O: the turn's changes commit together. */
static void on_turn_end(uv_check_t *check)
{
    struct server *s = check->data;
    if (batch_pending(&s->batch))
        batch_commit(s);
    if (s->replays != NULL)
        replay_step(s);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    struct server *s = sig->data;
    log_info("received %s; shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(s);
}

static void on_shutdown_deadline(uv_timer_t *timer)
{
    struct server *s = timer->data;
    for (struct conn *c = s->conns; c != NULL; c = c->next)
        transport_abort(&c->transport, "server shut down");
    uv_close((uv_handle_t *)timer, NULL);
}

void server_stop(struct server *s)
{
    if (s->stopping)
        return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    /* What this turn applied is committed and answered before goodbye. */
    batch_commit(s);
    uv_close((uv_handle_t *)&s->commit_check, NULL);
    uv_close((uv_handle_t *)&s->replay_idle, NULL);
    uv_close((uv_handle_t *)&s->sweep_timer, NULL);
    Cascade__V1__GoingAway away = CASCADE__V1__GOING_AWAY__INIT;
    away.reason = "The server is shutting down.";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_GOING_AWAY;
    f.going_away = &away;
    for (struct conn *c = s->conns; c != NULL; c = c->next) {
        if (c->greeted)
            conn_send(c, &f);
        transport_close(&c->transport, "server shutting down");
    }
    /* Every connection is closing, its frames written: nothing more to batch. */
    transport_batch_close(&s->write_batch);
    s->env.batch = NULL;
    if (s->nconns == 0) {
        uv_close((uv_handle_t *)&s->shutdown_timer, NULL);
        return;
    }
    uv_timer_start(&s->shutdown_timer, on_shutdown_deadline, SERVER_SHUTDOWN_MS, 0);
}

static int setup_tls(struct server *s, char *err, size_t errlen)
{
    const char *cert = s->cfg.cert_file, *key = s->cfg.key_file;
    if (cert == NULL) {
        int created = 0;
        int rc = cert_ensure_self_signed(s->data.cert, s->data.key, &created, err, errlen);
        if (rc != 0)
            return rc;
        if (created)
            log_info("generated a self-signed certificate %s", s->data.cert);
        cert = s->data.cert;
        key = s->data.key;
    }
    s->env.tls = tls_ctx_new_server(cert, key, err, errlen);
    if (s->env.tls == NULL)
        return CAS_ETLS;
    int rc = tls_file_fingerprint(cert, s->fingerprint, err, errlen);
    if (rc != 0)
        return rc;
    log_info("certificate %s fingerprint %s", cert, s->fingerprint);
    return 0;
}

static int setup_storage(struct server *s, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cascade.db", s->data.path);
    int rc = store_open(&s->store, path, s->cfg.sync_full ? STORE_SYNC_FULL : STORE_SYNC_NORMAL,
                        err, errlen);
    if (rc == 0)
        rc = auth_bootstrap(s, err, errlen);
    if (rc == 0)
        rc = registry_load(&s->registry, s->store, err, errlen);
    if (rc == 0)
        log_info("database %s: %zu workshops loaded", path, s->registry.n);
    return rc;
}

static int setup_listener(struct server *s, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    int rc = addr_resolve(&s->cfg.listen, &ss, err, errlen);
    if (rc != 0)
        return rc;
    char want[ADDR_TEXT_MAX];
    addr_spec_format(&s->cfg.listen, want, sizeof want);
    if ((rc = uv_tcp_init(s->loop, &s->listener)) != 0) {
        cas_errorf(err, errlen, "Cannot create a socket: %s.", uv_strerror(rc));
        return CAS_EIO;
    }
    s->listener.data = s;
    if ((rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0)) != 0 ||
        (rc = uv_listen((uv_stream_t *)&s->listener, 511, on_connection)) != 0) {
        cas_errorf(err, errlen, "Cannot listen on %s: %s.", want, uv_strerror(rc));
        return CAS_EIO;
    }
    int len = sizeof ss;
    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len);
    addr_format((struct sockaddr *)&ss, s->bound, sizeof s->bound);
    return 0;
}

int server_open(struct server *s, const struct server_config *cfg, uv_loop_t *loop,
                char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->loop = loop;
    s->env.loop = loop;
    s->env.ops = &SERVER_OPS;
    s->env.max_frame = cfg->max_frame;
    s->env.max_outbound = cfg->max_outbound;
    s->env.handshake_timeout_ms = cfg->handshake_timeout_ms;
    s->env.linger_ms = SERVER_LINGER_MS;
    s->env.readbuf = s->readbuf;
    s->env.readbuf_len = sizeof s->readbuf;

    int rc = auth_throttle_init(s, err, errlen);
    if (rc == 0)
        rc = datadir_open(&s->data, cfg->data_dir, err, errlen);
    if (rc == 0)
        rc = setup_storage(s, err, errlen);
    if (rc == 0)
        rc = setup_tls(s, err, errlen);
    if (rc == 0)
        rc = setup_listener(s, err, errlen);
    if (rc != 0) {
        /* The listener may be initialised; close it so the loop can end. */
        if (s->listener.loop != NULL)
            uv_close((uv_handle_t *)&s->listener, NULL);
        uv_run(loop, UV_RUN_DEFAULT);
        server_close(s);
        return rc;
    }
    transport_batch_init(&s->write_batch, loop);
    s->env.batch = &s->write_batch;
    uv_idle_init(loop, &s->replay_idle);
    uv_check_init(loop, &s->commit_check);
    s->commit_check.data = s;
    uv_check_start(&s->commit_check, on_turn_end);
    uv_timer_init(loop, &s->sweep_timer);
    s->sweep_timer.data = s;
    uv_timer_start(&s->sweep_timer, on_sweep, 1000, 1000);
    uv_signal_init(loop, &s->sigint);
    uv_signal_init(loop, &s->sigterm);
    uv_timer_init(loop, &s->shutdown_timer);
    s->sigint.data = s->sigterm.data = s->shutdown_timer.data = s;
    uv_signal_start(&s->sigint, on_signal, SIGINT);
    uv_signal_start(&s->sigterm, on_signal, SIGTERM);
    log_info("cascaded %s (protocol %u) listening on %s, data in %s, server id %s",
             CASCADE_VERSION, CASCADE_PROTOCOL_VERSION, s->bound, s->data.path,
             s->data.server_id);
    return 0;
}

int server_run(struct server *s)
{
    return uv_run(s->loop, UV_RUN_DEFAULT);
}

void server_close(struct server *s)
{
    batch_free(&s->batch);
    registry_free(&s->registry);
    if (s->store != NULL)
        store_close(s->store);
    s->store = NULL;
    tls_ctx_free(s->env.tls);
    s->env.tls = NULL;
    throttle_free(&s->login_by_name);
    throttle_free(&s->login_by_addr);
}
