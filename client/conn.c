#include "conn.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "errors.h"
#include "known_servers.h"
#include "tls.h"
#include "transport.h"
#include "version.h"

/* A connection that stays open (watch) sends a Ping this often, so the
 * server's idle time-out (120 s by default) never closes it. */
#define CLIENT_HEARTBEAT_MS 30000
/* The nonce of heartbeat pings, whose Pongs nobody waits for. */
#define CLIENT_HEARTBEAT_NONCE UINT64_C(0x6361736361646521)

/* Server-pushed frames can be far larger than requests (snapshots). */
#define CLIENT_MAX_FRAME WIRE_MAX_SERVER_FRAME

/* A received frame waiting for someone to take it. */
struct inbox_item {
    WireFrame *frame;
    struct inbox_item *next;
};

struct client {
    uv_loop_t loop;
    uv_timer_t wait_timer;
    uv_timer_t heartbeat;
    struct transport t;
    struct transport_env env;
    struct client_opts opts;
    char server_text[ADDR_TEXT_MAX];
    char fingerprint[TLS_FINGERPRINT_MAX];
    char known_file[PATH_MAX];
    int ready;      /* TLS done and trusted */
    int closed;     /* on_closed ran */
    int timed_out;
    int interrupted;
    enum transport_state closed_in;
    char close_reason[160];
    char trust_error[2048]; /* why the certificate was refused */
    char going_away[160];
    int stay_away; /* the GoingAway asked not to reconnect (admin disconnect) */
    struct inbox_item *inbox, **inbox_tail;
    uint64_t next_request_id;
    uint64_t hello_id; /* a Hello whose Welcome is still awaited; 0: none */
    Cascade__V1__Welcome *welcome;
    WireFrame *welcome_frame;
    uint8_t readbuf[64 * 1024];
};

static struct client *client_of(struct transport *t)
{
    return t->data;
}

/* Checks the certificate against the pin for this server, pinning it on
 * first use. Returns 0 to go on. */
static int check_pin(struct client *c)
{
    if (transport_peer_fingerprint(&c->t, c->fingerprint) != 0) {
        cas_errorf(c->trust_error, sizeof c->trust_error,
                 "The server at %s presented no certificate.", c->server_text);
        return -1;
    }
    if (c->opts.ca_file != NULL)
        return 0; /* OpenSSL verified the chain and the host already */
    char pinned[256];
    int rc = known_servers_lookup(c->known_file, c->server_text, pinned, sizeof pinned);
    if (rc == 0) {
        if (strcmp(pinned, c->fingerprint) == 0)
            return 0;
        cas_errorf(c->trust_error, sizeof c->trust_error,
                 "The certificate of %s has changed: it was %s and is now %s. "
                 "If the server got a new certificate on purpose, run "
                 "'cascade known-servers forget %s' and connect again; otherwise someone "
                 "may be intercepting the connection.",
                 c->server_text, pinned, c->fingerprint, c->server_text);
        return -1;
    }
    if (rc != CAS_ENOTFOUND) {
        cas_errorf(c->trust_error, sizeof c->trust_error, "Cannot read %s.", c->known_file);
        return -1;
    }
    char err[512];
    if (config_dir_create(c->opts.config_dir, err, sizeof err) != 0 ||
        known_servers_add(c->known_file, c->server_text, c->fingerprint, err, sizeof err) != 0) {
        cas_errorf(c->trust_error, sizeof c->trust_error, "%s", err);
        return -1;
    }
    fprintf(stderr,
            "cascade: first connection to %s; trusting its certificate %s "
            "(pinned in %s).\n",
            c->server_text, c->fingerprint, c->known_file);
    return 0;
}

static void on_ready(struct transport *t)
{
    struct client *c = client_of(t);
    if (check_pin(c) != 0) {
        transport_abort(t, "certificate not trusted");
        return;
    }
    c->ready = 1;
}

static void on_frame(struct transport *t, const uint8_t *payload, size_t len)
{
    struct client *c = client_of(t);
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET_TRUSTED(len));
    if (f == NULL) {
        transport_abort(t, "the server sent a frame that is not a valid cascade.v1.Frame");
        return;
    }
    if (f->body_case == CASCADE__V1__FRAME__BODY_PONG && f->pong->nonce == CLIENT_HEARTBEAT_NONCE) {
        wire_free(f);
        return;
    }
    /* A drain's notice (the server stops later) is news for the command
     * to show; a GoingAway without a countdown is why the connection is
     * about to end. */
    if (f->request_id == 0 && f->body_case == CASCADE__V1__FRAME__BODY_GOING_AWAY &&
        f->going_away->closes_in_s == 0) {
        snprintf(c->going_away, sizeof c->going_away, "%s", f->going_away->reason);
        c->stay_away = f->going_away->stay_away;
        wire_free(f);
        return;
    }
    struct inbox_item *item = malloc(sizeof *item);
    if (item == NULL) {
        wire_free(f);
        transport_abort(t, "out of memory");
        return;
    }
    item->frame = f;
    item->next = NULL;
    *c->inbox_tail = item;
    c->inbox_tail = &item->next;
}

static void on_closed(struct transport *t, const char *reason)
{
    struct client *c = client_of(t);
    c->closed = 1;
    c->closed_in = t->closed_in;
    snprintf(c->close_reason, sizeof c->close_reason, "%s", reason);
}

static const struct transport_ops CLIENT_OPS = {on_ready, on_frame, on_closed};

static void on_wait_timeout(uv_timer_t *timer)
{
    struct client *c = timer->data;
    c->timed_out = 1;
}

/* Explains why the connection ended, as one sentence. */
static void explain_close(struct client *c, char *err, size_t errlen)
{
    if (c->trust_error[0] != '\0')
        cas_errorf(err, errlen, "%s", c->trust_error);
    else if (c->going_away[0] != '\0')
        cas_errorf(err, errlen, "The server at %s went away: %s", c->server_text, c->going_away);
    else if (c->closed_in == TRANSPORT_CONNECTING)
        cas_errorf(err, errlen, "Cannot reach the server at %s: %s. Is cascaded running there?",
                   c->server_text, c->close_reason);
    else if (c->closed_in == TRANSPORT_HANDSHAKE)
        cas_errorf(err, errlen, "Cannot establish a secure connection to %s: %s.",
                   c->server_text, c->close_reason);
    else
        cas_errorf(err, errlen, "The connection to %s was lost: %s.", c->server_text,
                   c->close_reason);
}

/* Takes the first frame in the inbox that `match` accepts, or NULL. */
static WireFrame *take_frame(struct client *c, int (*match)(const WireFrame *f, uint64_t id),
                             uint64_t id)
{
    for (struct inbox_item **p = &c->inbox; *p != NULL; p = &(*p)->next) {
        if (!match((*p)->frame, id))
            continue;
        struct inbox_item *item = *p;
        *p = item->next;
        if (*p == NULL)
            c->inbox_tail = p;
        WireFrame *f = item->frame;
        free(item);
        return f;
    }
    return NULL;
}

static int is_response_to(const WireFrame *f, uint64_t id)
{
    /* An Error with request_id 0 rejects the connection as a whole. */
    return f->request_id == id ||
           (f->request_id == 0 && f->body_case == CASCADE__V1__FRAME__BODY_ERROR);
}

static int is_push(const WireFrame *f, uint64_t id)
{
    (void)id;
    return f->request_id == 0;
}

/* Runs the loop until a frame that `match` accepts arrives (it is returned),
 * the connection closes, the wait is interrupted or timeout_ms passes
 * (never, when negative). */
static int wait_frame(struct client *c, int (*match)(const WireFrame *f, uint64_t id),
                      uint64_t id, int64_t timeout_ms, WireFrame **out, char *err, size_t errlen)
{
    c->timed_out = 0;
    /* The loop's clock is only as fresh as its last turn: from a stale one
     * a short time-out could be due at once, fire before the loop's poll,
     * and leave that poll waiting for the next timer (the heartbeat). */
    uv_update_time(&c->loop);
    if (timeout_ms > 0)
        uv_timer_start(&c->wait_timer, on_wait_timeout, (uint64_t)timeout_ms, 0);
    WireFrame *f = NULL;
    while ((f = take_frame(c, match, id)) == NULL && !c->closed && !c->timed_out &&
           !c->interrupted) {
        if (timeout_ms == 0) {
            /* Only what is here already: one turn that does not block. */
            uv_run(&c->loop, UV_RUN_NOWAIT);
            f = take_frame(c, match, id);
            c->timed_out = f == NULL;
            break;
        }
        uv_run(&c->loop, UV_RUN_ONCE);
    }
    uv_timer_stop(&c->wait_timer);
    if (f != NULL) {
        *out = f;
        return CLIENT_OK;
    }
    if (c->interrupted) {
        c->interrupted = 0;
        return CLIENT_INTERRUPTED;
    }
    if (c->timed_out) {
        cas_errorf(err, errlen, "The server at %s did not answer within %lld ms.", c->server_text,
                   (long long)timeout_ms);
        return CLIENT_TIMEOUT;
    }
    explain_close(c, err, errlen);
    return CLIENT_UNREACHABLE;
}

static int send_frame(struct client *c, const WireFrame *f, char *err, size_t errlen)
{
    struct buf out = BUF_INIT;
    int rc = wire_pack(f, CLIENT_MAX_FRAME, &out);
    if (rc == 0)
        rc = transport_send(&c->t, out.data, out.len);
    buf_free(&out);
    if (rc != 0) {
        if (c->t.state == TRANSPORT_CLOSED)
            cas_errorf(err, errlen, "The connection to %s was lost: %s.", c->server_text,
                       c->t.reason);
        else
            cas_errorf(err, errlen, "Cannot send the request: %s.", cas_strerror(rc));
        return CLIENT_UNREACHABLE;
    }
    return CLIENT_OK;
}

int client_send(struct client *c, WireFrame *req, uint64_t *id, char *err, size_t errlen)
{
    req->request_id = ++c->next_request_id;
    *id = req->request_id;
    return send_frame(c, req, err, errlen);
}

/* Waits for the response to id, with the server's Error as CLIENT_REFUSED. */
static int await_response(struct client *c, uint64_t id, WireFrame **reply, char *err,
                          size_t errlen)
{
    *reply = NULL;
    WireFrame *f;
    int rc = wait_frame(c, is_response_to, id, (int64_t)c->opts.timeout_ms, &f, err, errlen);
    if (rc == CLIENT_TIMEOUT || rc == CLIENT_INTERRUPTED)
        return CLIENT_UNREACHABLE;
    if (rc != CLIENT_OK)
        return rc;
    if (f->body_case == CASCADE__V1__FRAME__BODY_ERROR) {
        cas_errorf(err, errlen, "%s", f->error->message);
        if (f->request_id == 0) {
            wire_free(f);
            return CLIENT_UNREACHABLE;
        }
        *reply = f;
        return CLIENT_REFUSED;
    }
    *reply = f;
    return CLIENT_OK;
}

/* Takes the Welcome to the Hello sent at connect, if it is still awaited. */
static int await_welcome(struct client *c, char *err, size_t errlen)
{
    if (c->hello_id == 0)
        return CLIENT_OK;
    WireFrame *reply;
    int rc = await_response(c, c->hello_id, &reply, err, errlen);
    c->hello_id = 0;
    if (rc == CLIENT_REFUSED) {
        /* A server that will not speak our version is as good as unreachable. */
        wire_free(reply);
        return CLIENT_UNREACHABLE;
    }
    if (rc != CLIENT_OK)
        return rc;
    if (reply->body_case != CASCADE__V1__FRAME__BODY_WELCOME) {
        cas_errorf(err, errlen, "The server at %s answered Hello with '%s' instead of Welcome.",
                   c->server_text, wire_body_name(reply));
        wire_free(reply);
        return CLIENT_UNREACHABLE;
    }
    c->welcome_frame = reply;
    c->welcome = reply->welcome;
    return CLIENT_OK;
}

int client_reply(struct client *c, uint64_t id, WireFrame **reply, char *err, size_t errlen)
{
    *reply = NULL;
    int rc = await_welcome(c, err, errlen);
    return rc != CLIENT_OK ? rc : await_response(c, id, reply, err, errlen);
}

int client_call(struct client *c, WireFrame *req, WireFrame **reply, char *err, size_t errlen)
{
    uint64_t id;
    *reply = NULL;
    int rc = client_send(c, req, &id, err, errlen);
    return rc != CLIENT_OK ? rc : client_reply(c, id, reply, err, errlen);
}

int client_wait_push(struct client *c, int64_t timeout_ms, WireFrame **out, char *err,
                     size_t errlen)
{
    *out = NULL;
    return wait_frame(c, is_push, 0, timeout_ms, out, err, errlen);
}

static int is_push_or_response(const WireFrame *f, uint64_t id)
{
    return f->request_id == 0 || f->request_id == id;
}

int client_wait_stream(struct client *c, uint64_t id, WireFrame **out, char *err, size_t errlen)
{
    *out = NULL;
    int rc = await_welcome(c, err, errlen);
    if (rc != CLIENT_OK)
        return rc;
    rc = wait_frame(c, is_push_or_response, id, (int64_t)c->opts.timeout_ms, out, err, errlen);
    return rc == CLIENT_TIMEOUT || rc == CLIENT_INTERRUPTED ? CLIENT_UNREACHABLE : rc;
}

void client_interrupt(struct client *c)
{
    c->interrupted = 1;
}

uv_loop_t *client_loop(struct client *c)
{
    return &c->loop;
}

static void on_heartbeat(uv_timer_t *timer)
{
    struct client *c = timer->data;
    if (c->t.state != TRANSPORT_OPEN)
        return;
    Cascade__V1__Ping ping = CASCADE__V1__PING__INIT;
    ping.nonce = CLIENT_HEARTBEAT_NONCE;
    WireFrame f = CLIENT_REQUEST(ping, PING, &ping);
    f.request_id = ++c->next_request_id;
    char err[256];
    (void)send_frame(c, &f, err, sizeof err); /* a failure shows as the connection closing */
}

static int say_hello(struct client *c, char *err, size_t errlen)
{
    Cascade__V1__Hello hello = CASCADE__V1__HELLO__INIT;
    hello.protocol_version = CASCADE_PROTOCOL_VERSION;
    hello.client_name = "cascade";
    hello.client_version = CASCADE_VERSION;
    WireFrame req = CLIENT_REQUEST(hello, HELLO, &hello);
    int rc = client_send(c, &req, &c->hello_id, err, errlen);
    if (rc != CLIENT_OK || c->opts.pipeline)
        return rc;
    return await_welcome(c, err, errlen);
}

static void free_client(struct client *c)
{
    while (c->inbox != NULL) {
        struct inbox_item *item = c->inbox;
        c->inbox = item->next;
        wire_free(item->frame);
        free(item);
    }
    wire_free(c->welcome_frame);
    tls_ctx_free(c->env.tls);
    free(c);
}

/* Closes every handle and runs the loop dry so it can be closed. */
static void shut_loop(struct client *c)
{
    if (!c->closed)
        transport_close(&c->t, "client done");
    uv_close((uv_handle_t *)&c->wait_timer, NULL);
    uv_close((uv_handle_t *)&c->heartbeat, NULL);
    uv_run(&c->loop, UV_RUN_DEFAULT);
    uv_loop_close(&c->loop);
}

int client_connect(struct client **out, const struct client_opts *opts, char *err, size_t errlen)
{
    *out = NULL;
    struct client *c = calloc(1, sizeof *c);
    if (c == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return CLIENT_UNREACHABLE;
    }
    c->opts = *opts;
    c->inbox_tail = &c->inbox;
    addr_spec_format(&opts->server, c->server_text, sizeof c->server_text);
    snprintf(c->known_file, sizeof c->known_file, "%s/%s", opts->config_dir,
             KNOWN_SERVERS_FILE);

    struct sockaddr_storage ss;
    if (addr_resolve(&opts->server, &ss, err, errlen) != 0) {
        free(c);
        return CLIENT_UNREACHABLE;
    }
    char tlserr[512];
    c->env.tls = tls_ctx_new_client(opts->ca_file, tlserr, sizeof tlserr);
    if (c->env.tls == NULL) {
        cas_errorf(err, errlen, "%s.", tlserr);
        free(c);
        return CLIENT_UNREACHABLE;
    }
    uv_loop_init(&c->loop);
    uv_timer_init(&c->loop, &c->wait_timer);
    uv_timer_init(&c->loop, &c->heartbeat);
    c->wait_timer.data = c;
    c->heartbeat.data = c;
    c->env.loop = &c->loop;
    c->env.ops = &CLIENT_OPS;
    c->env.max_frame = CLIENT_MAX_FRAME;
    c->env.max_outbound = 64u << 20;
    c->env.handshake_timeout_ms = opts->timeout_ms;
    c->env.linger_ms = 200;
    c->env.readbuf = c->readbuf;
    c->env.readbuf_len = sizeof c->readbuf;
    if (transport_init(&c->t, &c->env, c) != 0) {
        cas_errorf(err, errlen, "Cannot create a socket.");
        c->closed = 1;
        shut_loop(c);
        free_client(c);
        return CLIENT_UNREACHABLE;
    }
    transport_connect(&c->t, (struct sockaddr *)&ss, opts->server.host);
    while (!c->ready && !c->closed)
        uv_run(&c->loop, UV_RUN_ONCE);
    int rc = CLIENT_OK;
    if (!c->ready) {
        explain_close(c, err, errlen);
        rc = c->trust_error[0] != '\0' ? CLIENT_UNTRUSTED : CLIENT_UNREACHABLE;
    } else {
        rc = say_hello(c, err, errlen);
    }
    if (rc != CLIENT_OK) {
        shut_loop(c);
        free_client(c);
        return rc;
    }
    uv_timer_start(&c->heartbeat, on_heartbeat, CLIENT_HEARTBEAT_MS, CLIENT_HEARTBEAT_MS);
    *out = c;
    return CLIENT_OK;
}

const Cascade__V1__Welcome *client_welcome(const struct client *c)
{
    return c->welcome;
}

const char *client_server(const struct client *c)
{
    return c->server_text;
}

const char *client_tls_protocol(const struct client *c)
{
    return c->t.tls != NULL ? tls_conn_protocol(c->t.tls) : "";
}

const char *client_fingerprint(const struct client *c)
{
    return c->fingerprint;
}

void client_close(struct client *c)
{
    if (c == NULL)
        return;
    shut_loop(c);
    free_client(c);
}

int client_stay_away(const struct client *c)
{
    return c->stay_away;
}
