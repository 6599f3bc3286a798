#include "transport.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "tls.h"

/* A write in flight: libuv needs the buffer alive until write_done. */
struct write_req {
    uv_write_t req;
    uint8_t *data;
};

static void close_handles(struct transport *t, const char *reason);
static int flush(struct transport *t);

static void undirty(struct transport *t)
{
    if (t->dirty_prev == NULL)
        return;
    *t->dirty_prev = t->dirty_next;
    if (t->dirty_next != NULL)
        t->dirty_next->dirty_prev = t->dirty_prev;
    t->dirty_next = NULL;
    t->dirty_prev = NULL;
}

/* Encrypts the frames waiting for the batch in one TLS write and hands the
 * result to the socket. 0, or the transport was aborted. */
static int write_unsent(struct transport *t)
{
    undirty(t);
    if (t->unsent.len == 0)
        return 0;
    char err[160];
    int rc = tls_conn_write(t->tls, t->unsent.data, t->unsent.len, err, sizeof err);
    /* Released, not kept: an idle connection should cost no buffer. */
    buf_free(&t->unsent);
    if (rc != 0) {
        transport_abort(t, err);
        return CAS_ECLOSED;
    }
    return flush(t);
}

static void on_batch_prepare(uv_prepare_t *handle)
{
    struct transport_batch *b = handle->data;
    while (b->dirty != NULL)
        write_unsent(b->dirty); /* unlinks it, whatever happens */
}

void transport_batch_init(struct transport_batch *b, uv_loop_t *loop)
{
    b->dirty = NULL;
    uv_prepare_init(loop, &b->prepare);
    b->prepare.data = b;
    uv_prepare_start(&b->prepare, on_batch_prepare);
    uv_unref((uv_handle_t *)&b->prepare);
}

void transport_batch_close(struct transport_batch *b)
{
    on_batch_prepare(&b->prepare);
    uv_close((uv_handle_t *)&b->prepare, NULL);
}

static void set_reason(struct transport *t, const char *reason)
{
    if (t->reason[0] == '\0')
        snprintf(t->reason, sizeof t->reason, "%s", reason);
}

int transport_init(struct transport *t, const struct transport_env *env, void *data)
{
    memset(t, 0, sizeof *t);
    t->env = env;
    t->data = data;
    t->state = TRANSPORT_CONNECTING;
    frame_decoder_init(&t->decoder, env->max_frame);
    if (uv_tcp_init(env->loop, &t->tcp) != 0)
        return CAS_EIO;
    if (uv_timer_init(env->loop, &t->timer) != 0) {
        /* Closing an initialised handle is the only way to release it. */
        uv_close((uv_handle_t *)&t->tcp, NULL);
        return CAS_EIO;
    }
    t->tcp.data = t;
    t->timer.data = t;
    t->open_handles = 2;
    return 0;
}

static void write_done(uv_write_t *req, int status)
{
    struct write_req *w = (struct write_req *)req;
    struct transport *t = req->handle->data;
    free(w->data);
    free(w);
    if (status < 0 && status != UV_ECANCELED) {
        char why[96];
        snprintf(why, sizeof why, "write failed: %s", uv_strerror(status));
        transport_abort(t, why);
        return;
    }
    /* A graceful close waits for the queue to drain. */
    if (t->state == TRANSPORT_CLOSING && t->tcp.write_queue_size == 0)
        close_handles(t, NULL);
}

/* Moves the TLS layer's pending ciphertext to the socket: written directly
 * when the socket takes it, queued otherwise. */
static int flush(struct transport *t)
{
    uint8_t *data;
    size_t len;
    if (tls_conn_take_output(t->tls, &data, &len) != 0) {
        transport_abort(t, "out of memory");
        return CAS_ENOMEM;
    }
    if (len == 0)
        return 0;
    t->handoffs++;
    size_t off = 0;
    uv_buf_t b = uv_buf_init((char *)data, (unsigned)len);
    int n = uv_try_write((uv_stream_t *)&t->tcp, &b, 1);
    if (n > 0)
        off = (size_t)n;
    else if (n != UV_EAGAIN && n != UV_ENOSYS) {
        free(data);
        char why[96];
        snprintf(why, sizeof why, "write failed: %s", uv_strerror(n));
        transport_abort(t, why);
        return CAS_EIO;
    }
    if (off == len) {
        free(data);
        return 0;
    }
    if (t->tcp.write_queue_size + (len - off) > t->env->max_outbound) {
        free(data);
        char why[128];
        snprintf(why, sizeof why, "peer is not reading: outbound queue over its limit of %zu bytes",
                 t->env->max_outbound);
        transport_abort(t, why);
        return CAS_EOVERFLOW;
    }
    struct write_req *w = malloc(sizeof *w);
    if (w == NULL) {
        free(data);
        transport_abort(t, "out of memory");
        return CAS_ENOMEM;
    }
    w->data = data;
    b = uv_buf_init((char *)data + off, (unsigned)(len - off));
    int rc = uv_write(&w->req, (uv_stream_t *)&t->tcp, &b, 1, write_done);
    if (rc != 0) {
        free(data);
        free(w);
        char why[96];
        snprintf(why, sizeof why, "write failed: %s", uv_strerror(rc));
        transport_abort(t, why);
        return CAS_EIO;
    }
    return 0;
}

static void on_handle_closed(uv_handle_t *h)
{
    struct transport *t = h->data;
    if (--t->open_handles > 0)
        return;
    tls_conn_free(t->tls);
    t->tls = NULL;
    frame_decoder_free(&t->decoder);
    t->env->ops->on_closed(t, t->reason[0] ? t->reason : "closed");
}

static void close_handles(struct transport *t, const char *reason)
{
    if (reason != NULL)
        set_reason(t, reason);
    if (t->state == TRANSPORT_CLOSED)
        return;
    t->closed_in = t->state;
    t->state = TRANSPORT_CLOSED;
    undirty(t);
    buf_free(&t->unsent);
    /* Pending writes get UV_ECANCELED (and free their buffers) before the
     * close callbacks run, so the TLS object outlives every buffer. */
    uv_close((uv_handle_t *)&t->tcp, on_handle_closed);
    uv_close((uv_handle_t *)&t->timer, on_handle_closed);
}

void transport_abort(struct transport *t, const char *reason)
{
    close_handles(t, reason);
}

static void on_linger_expired(uv_timer_t *timer)
{
    struct transport *t = timer->data;
    close_handles(t, NULL);
}

void transport_close(struct transport *t, const char *reason)
{
    set_reason(t, reason);
    if (t->state == TRANSPORT_CLOSED || t->state == TRANSPORT_CLOSING)
        return;
    if (t->state != TRANSPORT_OPEN) {
        close_handles(t, NULL);
        return;
    }
    /* What was sent before the close goes out before the close_notify. */
    if (write_unsent(t) != 0)
        return;
    t->state = TRANSPORT_CLOSING;
    uv_read_stop((uv_stream_t *)&t->tcp);
    tls_conn_shutdown(t->tls);
    if (flush(t) != 0)
        return; /* flush aborted the transport */
    if (t->tcp.write_queue_size == 0) {
        close_handles(t, NULL);
        return;
    }
    uv_timer_start(&t->timer, on_linger_expired, t->env->linger_ms, 0);
}

void transport_set_max_frame(struct transport *t, size_t max_frame)
{
    t->decoder.max_frame = max_frame;
}

int transport_send(struct transport *t, const uint8_t *data, size_t len)
{
    if (t->state != TRANSPORT_OPEN)
        return CAS_ECLOSED;
    struct transport_batch *batch = t->env->batch;
    if (batch != NULL) {
        if (transport_queued(t) + len > t->env->max_outbound) {
            char why[128];
            snprintf(why, sizeof why,
                     "peer is not reading: outbound queue over its limit of %zu bytes",
                     t->env->max_outbound);
            transport_abort(t, why);
            return CAS_EOVERFLOW;
        }
        if (buf_append(&t->unsent, data, len) != 0) {
            transport_abort(t, "out of memory");
            return CAS_ENOMEM;
        }
        if (t->dirty_prev == NULL) {
            t->dirty_next = batch->dirty;
            if (batch->dirty != NULL)
                batch->dirty->dirty_prev = &t->dirty_next;
            batch->dirty = t;
            t->dirty_prev = &batch->dirty;
        }
        return 0;
    }
    char err[160];
    if (tls_conn_write(t->tls, data, len, err, sizeof err) != 0) {
        transport_abort(t, err);
        return CAS_ECLOSED;
    }
    return flush(t);
}

/* Receives decrypted bytes and cuts them into frames. */
static int on_frame_bytes(void *ctx, const uint8_t *payload, size_t len)
{
    struct transport *t = ctx;
    t->env->ops->on_frame(t, payload, len);
    /* The owner may have closed us; stop handing out frames then. */
    return t->state == TRANSPORT_OPEN ? 0 : 1;
}

/* The handshake just completed: cancel its deadline and tell the owner. */
static void become_open(struct transport *t)
{
    uv_timer_stop(&t->timer);
    t->state = TRANSPORT_OPEN;
    t->env->ops->on_ready(t);
}

static int on_plain(void *ctx, const uint8_t *data, size_t len)
{
    struct transport *t = ctx;
    /* Application data can ride in the same read as the handshake's end. */
    if (t->state == TRANSPORT_HANDSHAKE)
        become_open(t);
    if (t->state != TRANSPORT_OPEN)
        return 1;
    int rc = frame_decoder_feed(&t->decoder, data, len, on_frame_bytes, t);
    if (rc == CAS_ETOOBIG) {
        char why[128];
        snprintf(why, sizeof why, "bad frame: declared length %u is 0 or over the limit of %zu",
                 frame_decoder_declared(&t->decoder), t->decoder.max_frame);
        transport_close(t, why);
    } else if (rc == CAS_ENOMEM) {
        transport_abort(t, "out of memory while reading a frame");
    }
    return rc;
}

static void alloc_read(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    struct transport *t = h->data;
    (void)suggested;
    /* Safe to share: each read is consumed before the loop reads again. */
    *buf = uv_buf_init((char *)t->env->readbuf, (unsigned)t->env->readbuf_len);
}

static void on_handshake_timeout(uv_timer_t *timer);

static void on_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    struct transport *t = s->data;
    if (nread == 0)
        return;
    if (nread < 0) {
        char why[128];
        if (nread == UV_EOF && t->state == TRANSPORT_OPEN && frame_decoder_has_partial(&t->decoder))
            snprintf(why, sizeof why, "peer closed the connection in the middle of a frame");
        else if (nread == UV_EOF && t->state == TRANSPORT_HANDSHAKE)
            snprintf(why, sizeof why, "peer closed the connection during the TLS handshake");
        else if (nread == UV_EOF)
            snprintf(why, sizeof why, "peer closed the connection");
        else
            snprintf(why, sizeof why, "read failed: %s", uv_strerror((int)nread));
        transport_abort(t, why);
        return;
    }
    if (!t->heard) {
        t->heard = 1;
        if (t->state == TRANSPORT_HANDSHAKE && t->env->first_byte_timeout_ms != 0)
            uv_timer_start(&t->timer, on_handshake_timeout, t->env->handshake_timeout_ms, 0);
    }
    char err[160] = "";
    int rc = tls_conn_feed(t->tls, (const uint8_t *)buf->base, (size_t)nread, on_plain, t,
                           err, sizeof err);
    if (t->state == TRANSPORT_CLOSED || t->state == TRANSPORT_CLOSING)
        return;
    if (rc == CAS_ETLS) {
        /* Send the alert OpenSSL prepared, if any, then drop the peer. */
        (void)flush(t);
        transport_abort(t, err);
        return;
    }
    if (rc == CAS_ECLOSED) {
        transport_close(t, "peer closed the connection");
        return;
    }
    if (rc == CAS_ENOMEM) {
        transport_abort(t, "out of memory");
        return;
    }
    if (flush(t) != 0)
        return;
    if (t->state == TRANSPORT_HANDSHAKE && tls_conn_handshake_done(t->tls))
        become_open(t);
}

static void on_handshake_timeout(uv_timer_t *timer)
{
    struct transport *t = timer->data;
    char why[96];
    if (!t->heard && t->env->first_byte_timeout_ms != 0 && t->state == TRANSPORT_HANDSHAKE)
        snprintf(why, sizeof why, "no TLS bytes within %llu ms",
                 (unsigned long long)t->env->first_byte_timeout_ms);
    else
        snprintf(why, sizeof why, "%s timed out after %llu ms",
                 t->state == TRANSPORT_CONNECTING ? "connecting" : "TLS handshake",
                 (unsigned long long)t->env->handshake_timeout_ms);
    transport_abort(t, why);
}

/* Creates the TLS object and starts reading; the client also sends its hello. */
static void start_tls(struct transport *t, const char *host)
{
    char err[160];
    t->tls = tls_conn_new(t->env->tls, host, err, sizeof err);
    if (t->tls == NULL) {
        transport_abort(t, err);
        return;
    }
    t->state = TRANSPORT_HANDSHAKE;
    if (host != NULL) {
        if (tls_conn_start(t->tls, err, sizeof err) != 0) {
            transport_abort(t, err);
            return;
        }
        if (flush(t) != 0)
            return;
    }
    int rc = uv_read_start((uv_stream_t *)&t->tcp, alloc_read, on_read);
    if (rc != 0) {
        snprintf(err, sizeof err, "cannot read: %s", uv_strerror(rc));
        transport_abort(t, err);
    }
}

void transport_accepted(struct transport *t)
{
    uv_tcp_nodelay(&t->tcp, 1);
    /* A peer that connects and says nothing holds a slot for free: it gets
     * the short first-byte deadline, and the handshake's only once it
     * speaks. */
    uint64_t first = t->env->first_byte_timeout_ms, whole = t->env->handshake_timeout_ms;
    uv_timer_start(&t->timer, on_handshake_timeout, first != 0 && first < whole ? first : whole, 0);
    start_tls(t, NULL);
}

struct connect_req {
    uv_connect_t req;
    char host[256];
};

static void on_connected(uv_connect_t *req, int status)
{
    struct connect_req *c = (struct connect_req *)req;
    struct transport *t = req->handle->data;
    if (status < 0) {
        char why[128];
        if (status != UV_ECANCELED) {
            snprintf(why, sizeof why, "%s", uv_strerror(status));
            transport_abort(t, why);
        }
        free(c);
        return;
    }
    if (t->state == TRANSPORT_CONNECTING) {
        uv_tcp_nodelay(&t->tcp, 1);
        start_tls(t, c->host);
    }
    free(c);
}

void transport_connect(struct transport *t, const struct sockaddr *addr, const char *host)
{
    struct connect_req *c = malloc(sizeof *c);
    if (c == NULL) {
        transport_abort(t, "out of memory");
        return;
    }
    snprintf(c->host, sizeof c->host, "%s", host);
    uv_timer_start(&t->timer, on_handshake_timeout, t->env->handshake_timeout_ms, 0);
    int rc = uv_tcp_connect(&c->req, &t->tcp, addr, on_connected);
    if (rc != 0) {
        free(c);
        transport_abort(t, uv_strerror(rc));
    }
}

static void on_deadline(uv_timer_t *timer)
{
    struct transport *t = timer->data;
    transport_abort(t, t->deadline_reason);
}

void transport_deadline(struct transport *t, uint64_t ms, const char *reason)
{
    if (t->state != TRANSPORT_OPEN)
        return;
    t->deadline_reason = reason;
    uv_timer_start(&t->timer, on_deadline, ms, 0);
}

void transport_deadline_clear(struct transport *t)
{
    if (t->state == TRANSPORT_OPEN)
        uv_timer_stop(&t->timer);
}

int transport_peer_fingerprint(const struct transport *t, char *out)
{
    if (t->tls == NULL)
        return CAS_ENOTFOUND;
    return tls_conn_peer_fingerprint(t->tls, out);
}

size_t transport_socket_queued(const struct transport *t)
{
    return t->tcp.write_queue_size;
}

size_t transport_queued(const struct transport *t)
{
    return t->tcp.write_queue_size + t->unsent.len;
}

void transport_pause_reading(struct transport *t)
{
    if (t->state != TRANSPORT_OPEN || t->reading_paused)
        return;
    uv_read_stop((uv_stream_t *)&t->tcp);
    t->reading_paused = 1;
}

void transport_resume_reading(struct transport *t)
{
    if (t->state != TRANSPORT_OPEN || !t->reading_paused)
        return;
    t->reading_paused = 0;
    int rc = uv_read_start((uv_stream_t *)&t->tcp, alloc_read, on_read);
    if (rc != 0) {
        char why[96];
        snprintf(why, sizeof why, "cannot read: %s", uv_strerror(rc));
        transport_abort(t, why);
    }
}
