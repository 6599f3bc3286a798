/* Write batching and read pausing in the transport, in one process: a
 * server-side and a client-side transport over loopback TLS on one libuv
 * loop. The tests count work (ciphertext hand-offs to the socket), never
 * time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cert.h"
#include "errors.h"
#include "frame.h"
#include "tls.h"
#include "transport.h"

struct side {
    struct transport t;
    int ready, closed;
    char reason[160];
    uint32_t received;   /* frames */
    uint32_t next_index; /* the index the next frame must carry */
    int out_of_order;
};

struct rig {
    uv_loop_t loop;
    uv_tcp_t listener;
    char dir[64];
    struct transport_env server_env, client_env;
    struct transport_batch batch;
    uint8_t server_buf[64 * 1024], client_buf[64 * 1024];
    struct side server, client;
    /* What the server does once both ends are ready. */
    void (*on_both_ready)(struct rig *r);
};

static struct rig *rig_of(struct transport *t)
{
    return t->data;
}

static struct side *side_of(struct transport *t)
{
    struct rig *r = rig_of(t);
    return t == &r->server.t ? &r->server : &r->client;
}

static void on_ready(struct transport *t)
{
    struct rig *r = rig_of(t);
    side_of(t)->ready = 1;
    if (r->server.ready && r->client.ready && r->on_both_ready != NULL) {
        void (*go)(struct rig *) = r->on_both_ready;
        r->on_both_ready = NULL;
        go(r);
    }
}

/* Each frame carries its index as four bytes. */
static void on_frame(struct transport *t, const uint8_t *payload, size_t len)
{
    struct side *s = side_of(t);
    assert_int_equal(len, 4);
    uint32_t index = frame_get_header(payload);
    s->out_of_order |= index != s->next_index;
    s->next_index = index + 1;
    s->received++;
}

static void on_closed(struct transport *t, const char *reason)
{
    struct side *s = side_of(t);
    s->closed = 1;
    snprintf(s->reason, sizeof s->reason, "%s", reason);
}

static const struct transport_ops OPS = {on_ready, on_frame, on_closed};

static void on_connection(uv_stream_t *listener, int status)
{
    struct rig *r = listener->data;
    assert_int_equal(status, 0);
    assert_int_equal(transport_init(&r->server.t, &r->server_env, r), 0);
    assert_int_equal(uv_accept(listener, (uv_stream_t *)&r->server.t.tcp), 0);
    transport_accepted(&r->server.t);
    uv_close((uv_handle_t *)&r->listener, NULL); /* one connection is all */
}

static void send_index(struct transport *t, uint32_t index)
{
    uint8_t frame[FRAME_HEADER_LEN + 4];
    frame_put_header(frame, 4);
    frame_put_header(frame + FRAME_HEADER_LEN, index);
    assert_int_equal(transport_send(t, frame, sizeof frame), 0);
}

/* Connects the two sides, with or without the server batching its writes. */
static void rig_start(struct rig *r, int batch, size_t max_outbound,
                      void (*on_both_ready)(struct rig *))
{
    memset(r, 0, sizeof *r);
    snprintf(r->dir, sizeof r->dir, "/tmp/cascade-tbatch-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    char cert[128], key[128], err[256];
    snprintf(cert, sizeof cert, "%s/cert.pem", r->dir);
    snprintf(key, sizeof key, "%s/key.pem", r->dir);
    int created;
    assert_int_equal(cert_ensure_self_signed(cert, key, &created, err, sizeof err), 0);
    assert_int_equal(uv_loop_init(&r->loop), 0);
    struct tls_ctx *server_tls = tls_ctx_new_server(cert, key, err, sizeof err);
    struct tls_ctx *client_tls = tls_ctx_new_client(NULL, err, sizeof err);
    assert_non_null(server_tls);
    assert_non_null(client_tls);
    if (batch)
        transport_batch_init(&r->batch, &r->loop);
    r->server_env = (struct transport_env){
        .loop = &r->loop,
        .tls = server_tls,
        .ops = &OPS,
        .max_frame = 1024,
        .max_outbound = max_outbound,
        .handshake_timeout_ms = 5000,
        .linger_ms = 1000,
        .readbuf = r->server_buf,
        .readbuf_len = sizeof r->server_buf,
        .batch = batch ? &r->batch : NULL,
    };
    r->client_env = (struct transport_env){
        .loop = &r->loop,
        .tls = client_tls,
        .ops = &OPS,
        .max_frame = 1024,
        .max_outbound = 1 << 20,
        .handshake_timeout_ms = 5000,
        .linger_ms = 1000,
        .readbuf = r->client_buf,
        .readbuf_len = sizeof r->client_buf,
    };
    r->on_both_ready = on_both_ready;
    struct sockaddr_in addr;
    uv_ip4_addr("127.0.0.1", 0, &addr);
    uv_tcp_init(&r->loop, &r->listener);
    r->listener.data = r;
    assert_int_equal(uv_tcp_bind(&r->listener, (const struct sockaddr *)&addr, 0), 0);
    assert_int_equal(uv_listen((uv_stream_t *)&r->listener, 8, on_connection), 0);
    struct sockaddr_storage bound;
    int namelen = sizeof bound;
    uv_tcp_getsockname(&r->listener, (struct sockaddr *)&bound, &namelen);
    assert_int_equal(transport_init(&r->client.t, &r->client_env, r), 0);
    transport_connect(&r->client.t, (const struct sockaddr *)&bound, "localhost");
}

/* Runs the loop until done(r) or a bound on turns (a hang, not slowness). */
static void rig_run_until(struct rig *r, int (*done)(const struct rig *))
{
    for (int turns = 0; turns < 100000 && !done(r); turns++)
        uv_run(&r->loop, UV_RUN_ONCE);
    assert_true(done(r));
}

static int both_closed(const struct rig *r)
{
    return r->server.closed && r->client.closed;
}

static void rig_finish(struct rig *r)
{
    if (!r->server.closed)
        transport_abort(&r->server.t, "test over");
    if (!r->client.closed)
        transport_abort(&r->client.t, "test over");
    rig_run_until(r, both_closed);
    if (r->server_env.batch != NULL)
        transport_batch_close(&r->batch);
    if (!uv_is_closing((uv_handle_t *)&r->listener))
        uv_close((uv_handle_t *)&r->listener, NULL);
    uv_run(&r->loop, UV_RUN_DEFAULT);
    assert_int_equal(uv_loop_close(&r->loop), 0);
    tls_ctx_free(r->server_env.tls);
    tls_ctx_free(r->client_env.tls);
    char path[160];
    snprintf(path, sizeof path, "%s/cert.pem", r->dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/key.pem", r->dir);
    unlink(path);
    rmdir(r->dir);
}

enum { BURST = 200 };
static uint64_t handoffs_before;

static void send_burst(struct rig *r)
{
    handoffs_before = r->server.t.handoffs;
    for (uint32_t i = 0; i < BURST; i++)
        send_index(&r->server.t, i);
}

static int burst_received(const struct rig *r)
{
    return r->client.received == BURST || r->client.closed;
}

/* A burst of one loop turn leaves in one hand-off with batching, and in one
 * per frame without: the counter measures what batching saves. */
static void test_burst_is_one_handoff_when_batched(void **state)
{
    (void)state;
    for (int batch = 1; batch >= 0; batch--) {
        struct rig *r = calloc(1, sizeof *r);
        rig_start(r, batch, 1 << 20, send_burst);
        rig_run_until(r, burst_received);
        assert_int_equal(r->client.received, BURST);
        assert_false(r->client.out_of_order);
        assert_int_equal(r->server.t.handoffs - handoffs_before, batch ? 1 : BURST);
        assert_int_equal(transport_queued(&r->server.t), 0);
        rig_finish(r);
        free(r);
    }
}

static void send_then_close(struct rig *r)
{
    for (uint32_t i = 0; i < 10; i++)
        send_index(&r->server.t, i);
    transport_close(&r->server.t, "done");
}

static int client_closed(const struct rig *r)
{
    return r->client.closed;
}

/* Frames still waiting for the batch go out before the close_notify. */
static void test_close_sends_what_waits(void **state)
{
    (void)state;
    struct rig *r = calloc(1, sizeof *r);
    rig_start(r, 1, 1 << 20, send_then_close);
    rig_run_until(r, client_closed);
    assert_int_equal(r->client.received, 10);
    assert_false(r->client.out_of_order);
    rig_finish(r);
    free(r);
}

static void overfill(struct rig *r)
{
    uint8_t frame[FRAME_HEADER_LEN + 4];
    frame_put_header(frame, 4);
    int rc = 0;
    for (uint32_t i = 0; i < 10000 && rc == 0; i++)
        rc = transport_send(&r->server.t, frame, sizeof frame);
    assert_int_equal(rc, CAS_EOVERFLOW);
}

static int server_closed(const struct rig *r)
{
    return r->server.closed;
}

/* The outbound limit counts frames waiting for the batch too. */
static void test_batched_frames_count_toward_the_limit(void **state)
{
    (void)state;
    struct rig *r = calloc(1, sizeof *r);
    rig_start(r, 1, 4096, overfill);
    rig_run_until(r, server_closed);
    assert_non_null(strstr(r->server.reason, "outbound queue over its limit of 4096"));
    rig_finish(r);
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_is_one_handoff_when_batched),
        cmocka_unit_test(test_close_sends_what_waits),
        cmocka_unit_test(test_batched_frames_count_toward_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
