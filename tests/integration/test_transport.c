/* The transport end to end: a real cascaded, real sockets, real TLS.
 * One server serves every test in order; the last one shuts it down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "harness.h"

static struct test_server server;

static int start(void **state)
{
    (void)state;
    static const char *const extra[] = {"--handshake-timeout", "3000", NULL};
    server_start(&server, extra);
    return 0;
}

static int finish(void **state)
{
    (void)state;
    server_cleanup(&server);
    return 0;
}

/* A greeted TLS client of the server on `port`, or a test failure. */
static SSL *greeted_client_on(int port)
{
    SSL *ssl = tls_connect(port);
    assert_non_null(ssl);
    WireFrame *w = tls_hello(ssl, 1, 1);
    assert_non_null(w);
    assert_int_equal(w->body_case, CASCADE__V1__FRAME__BODY_WELCOME);
    wire_free(w);
    return ssl;
}

/* A greeted TLS client, or a test failure. */
static SSL *greeted_client(uint64_t request_id)
{
    SSL *ssl = tls_connect(server.port);
    assert_non_null(ssl);
    WireFrame *w = tls_hello(ssl, 1, request_id);
    assert_non_null(w);
    assert_int_equal(w->body_case, CASCADE__V1__FRAME__BODY_WELCOME);
    wire_free(w);
    return ssl;
}

static void expect_error_then_close(SSL *ssl, Cascade__V1__ErrorCode code)
{
    WireFrame *f = tls_recv_frame(ssl, 5000);
    assert_non_null(f);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(f->error->code, code);
    assert_true(strlen(f->error->message) > 10);
    wire_free(f);
    assert_null(tls_recv_frame(ssl, 5000)); /* then the server closes */
}

static void test_handshake_and_ping(void **state)
{
    (void)state;
    SSL *ssl = tls_connect(server.port);
    assert_non_null(ssl);
    WireFrame *w = tls_hello(ssl, 1, 7);
    assert_non_null(w);
    assert_int_equal(w->request_id, 7);
    assert_int_equal(w->body_case, CASCADE__V1__FRAME__BODY_WELCOME);
    assert_int_equal(w->welcome->protocol_version, 1);
    assert_true(strlen(w->welcome->server_version) > 0);
    assert_int_equal(strlen(w->welcome->server_id), 32);
    int64_t now = (int64_t)time(NULL) * 1000;
    assert_true(w->welcome->server_time_ms > now - 60000 && w->welcome->server_time_ms < now + 60000);
    wire_free(w);
    for (uint64_t i = 1; i <= 5; i++)
        assert_int_equal(tls_ping(ssl, 100 + i, i * 31), 0);
    tls_close(ssl);
}

static void test_unsupported_version(void **state)
{
    (void)state;
    SSL *ssl = tls_connect(server.port);
    assert_non_null(ssl);
    Cascade__V1__Hello h = CASCADE__V1__HELLO__INIT;
    h.protocol_version = 99;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 1;
    f.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    f.hello = &h;
    assert_int_equal(tls_send_frame(ssl, &f), 0);
    expect_error_then_close(ssl, CASCADE__V1__ERROR_CODE__UNSUPPORTED_VERSION);
    tls_close(ssl);
}

static void test_request_before_hello(void **state)
{
    (void)state;
    SSL *ssl = tls_connect(server.port);
    assert_non_null(ssl);
    Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 1;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &p;
    assert_int_equal(tls_send_frame(ssl, &f), 0);
    expect_error_then_close(ssl, CASCADE__V1__ERROR_CODE__BAD_STATE);
    tls_close(ssl);
}

static void test_refused_request_keeps_connection(void **state)
{
    (void)state;
    SSL *ssl = greeted_client(1);
    /* A request that needs a login, before logging in. */
    Cascade__V1__Whoami who = CASCADE__V1__WHOAMI__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 2;
    f.body_case = CASCADE__V1__FRAME__BODY_WHOAMI;
    f.whoami = &who;
    assert_int_equal(tls_send_frame(ssl, &f), 0);
    WireFrame *r = tls_recv_frame(ssl, 5000);
    assert_non_null(r);
    assert_int_equal(r->request_id, 2);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED);
    wire_free(r);
    /* A second Hello is refused, and the connection still serves. */
    WireFrame *again = tls_hello(ssl, 1, 3);
    assert_non_null(again);
    assert_int_equal(again->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(again->error->code, CASCADE__V1__ERROR_CODE__BAD_STATE);
    wire_free(again);
    assert_int_equal(tls_ping(ssl, 4, 44), 0);
    tls_close(ssl);
}

static void test_unknown_body_gets_unknown_request(void **state)
{
    (void)state;
    SSL *ssl = greeted_client(1);
    /* A frame from a newer client: request_id 9, body field 999 (unknown here). */
    const uint8_t newer[] = {0, 0, 0, 5, 0x08, 0x09, 0xba, 0x3e, 0x00};
    assert_int_equal(SSL_write(ssl, newer, sizeof newer), (int)sizeof newer);
    WireFrame *r = tls_recv_frame(ssl, 5000);
    assert_non_null(r);
    assert_int_equal(r->request_id, 9);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST);
    wire_free(r);
    assert_int_equal(tls_ping(ssl, 10, 10), 0);
    tls_close(ssl);
}

static void test_tls_without_hello_is_dropped(void **state)
{
    (void)state;
    SSL *ssl = tls_connect(server.port);
    assert_non_null(ssl);
    /* Say nothing: the server's deadline (3 s here) ends the connection. */
    assert_null(tls_recv_frame(ssl, 15000));
    assert_true(server_log_wait(&server, "no Hello in time", 1, 5000) >= 1);
    tls_close(ssl);
}

static void test_many_concurrent_clients(void **state)
{
    (void)state;
    enum { N = 200 };
    SSL **clients = calloc(N, sizeof *clients);
    assert_non_null(clients);
    for (int i = 0; i < N; i++)
        clients[i] = greeted_client((uint64_t)i + 1);
    /* All 200 are connected at once; each still gets its own answers. */
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < N; i++)
            assert_int_equal(tls_ping(clients[i], 1000 + (uint64_t)round, (uint64_t)(i * 7 + round)), 0);
    for (int i = 0; i < N; i++)
        tls_close(clients[i]);
    free(clients);
    assert_true(server_alive(&server));
}

/* Bad input on one connection closes that connection and nothing else. */
static void check_bystander(SSL *bystander, uint64_t id)
{
    assert_true(server_alive(&server));
    assert_int_equal(tls_ping(bystander, id, id * 3), 0);
}

static void test_random_garbage_closes_only_that_connection(void **state)
{
    (void)state;
    SSL *bystander = greeted_client(1);
    srand(12345);
    for (int round = 0; round < 5; round++) {
        int fd = tcp_connect(server.port);
        uint8_t junk[4096];
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (uint8_t)rand();
        junk[0] = 0x16; /* look like a TLS handshake record, then go wrong */
        assert_true(write(fd, junk, sizeof junk) > 0);
        assert_true(fd_closed_within(fd, 5000));
        close(fd);
        check_bystander(bystander, 10 + (uint64_t)round);
    }
    tls_close(bystander);
}

static void test_plain_tcp_client(void **state)
{
    (void)state;
    SSL *bystander = greeted_client(1);
    /* A valid Hello frame, but without TLS. */
    Cascade__V1__Hello h = CASCADE__V1__HELLO__INIT;
    h.protocol_version = 1;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 1;
    f.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    f.hello = &h;
    struct buf out = BUF_INIT;
    assert_int_equal(wire_pack(&f, SIZE_MAX, &out), 0);
    int fd = tcp_connect(server.port);
    assert_int_equal(write(fd, out.data, out.len), (ssize_t)out.len);
    buf_free(&out);
    assert_true(fd_closed_within(fd, 5000));
    close(fd);
    check_bystander(bystander, 2);
    tls_close(bystander);
}

static void send_raw(SSL *ssl, const uint8_t *data, int len)
{
    assert_int_equal(SSL_write(ssl, data, len), len);
}

static void test_bad_frames_inside_tls(void **state)
{
    (void)state;
    SSL *bystander = greeted_client(1);
    int before = server_log_count(&server, "bad frame");

    /* A length prefix claiming 4 GiB: refused on sight, nothing allocated. */
    SSL *ssl = greeted_client(1);
    const uint8_t huge[] = {0xff, 0xff, 0xff, 0xff, 1, 2, 3};
    send_raw(ssl, huge, sizeof huge);
    assert_null(tls_recv_frame(ssl, 5000));
    tls_close(ssl);
    check_bystander(bystander, 2);

    /* A zero length. */
    ssl = greeted_client(1);
    const uint8_t zero[] = {0, 0, 0, 0};
    send_raw(ssl, zero, sizeof zero);
    assert_null(tls_recv_frame(ssl, 5000));
    tls_close(ssl);
    check_bystander(bystander, 3);

    /* A well-framed payload that is not a Frame: the server says BAD_FRAME. */
    ssl = greeted_client(1);
    const uint8_t notproto[] = {0, 0, 0, 6, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    send_raw(ssl, notproto, sizeof notproto);
    expect_error_then_close(ssl, CASCADE__V1__ERROR_CODE__BAD_FRAME);
    tls_close(ssl);
    check_bystander(bystander, 4);

    /* Just over the 1 MiB default limit. */
    ssl = greeted_client(1);
    uint8_t hdr[4];
    frame_put_header(hdr, FRAME_DEFAULT_MAX + 1);
    send_raw(ssl, hdr, sizeof hdr);
    assert_null(tls_recv_frame(ssl, 5000));
    tls_close(ssl);
    check_bystander(bystander, 5);

    /* A truncated frame, then the client goes away. */
    ssl = greeted_client(1);
    const uint8_t part[] = {0, 0, 1, 0, 8, 1};
    send_raw(ssl, part, sizeof part);
    tls_close(ssl);
    check_bystander(bystander, 6);

    assert_true(server_log_wait(&server, "bad frame", before + 4, 5000) >= before + 4);
    tls_close(bystander);
}

/* The server's data segment in KiB, from /proc: it counts memory allocated
 * even where nothing was written yet, which resident memory would not. */
static long server_data_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    long kib = -1;
    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmData: %ld kB", &kib) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return kib;
}

/* What a client merely claims costs nothing: 20 connections each announce a
 * frame of 64 MiB (the largest --max-frame allows) and send 10 bytes of it.
 * The server holds what arrived, not the 1.25 GiB promised. The margin is
 * wide because sanitizer builds reserve memory in large regions. */
/* Frame{request_id, login{user "admin\0xx", password}} as raw bytes: no
 * encoder writes a NUL inside a string, but an attacker's bytes can, and
 * protobuf-c would read the name as "admin". */
static size_t login_with_nul(uint8_t *out, uint64_t request_id, const char *password)
{
    size_t plen = strlen(password);
    assert_true(plen < 100 && request_id < 128);
    uint8_t login[128];
    size_t n = 0;
    login[n++] = 0x0a; /* user */
    login[n++] = 8;
    memcpy(login + n, "admin\0xx", 8);
    n += 8;
    login[n++] = 0x12; /* password */
    login[n++] = (uint8_t)plen;
    memcpy(login + n, password, plen);
    n += plen;
    size_t len = 0;
    uint8_t *p = out + 4;
    p[len++] = 0x08;
    p[len++] = (uint8_t)request_id;
    p[len++] = 0xa2; /* field 20, length-delimited */
    p[len++] = 0x01;
    p[len++] = (uint8_t)n;
    memcpy(p + len, login, n);
    len += n;
    out[0] = out[1] = out[2] = 0;
    out[3] = (uint8_t)len;
    return len + 4;
}

static void test_strings_that_lie(void **state)
{
    (void)state;
    char pw[128];
    assert_int_equal(server_admin_password(&server, pw, sizeof pw), 0);

    /* The admin's own password behind a name that only starts with admin. */
    SSL *ssl = greeted_client(1);
    uint8_t raw[256];
    size_t len = login_with_nul(raw, 2, pw);
    send_raw(ssl, raw, (int)len);
    WireFrame *f = tls_recv_frame(ssl, 5000);
    assert_non_null(f);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(f->error->code, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT);
    assert_non_null(strstr(f->error->message, "NUL"));
    wire_free(f);
    assert_int_equal(tls_ping(ssl, 3, 5), 0); /* refused, not dropped */
    tls_close(ssl);

    /* Hello with request id 0: answers are matched by id, and 0 is none. */
    ssl = tls_connect(server.port);
    assert_non_null(ssl);
    Cascade__V1__Hello h = CASCADE__V1__HELLO__INIT;
    h.protocol_version = 1;
    WireFrame hello = CASCADE__V1__FRAME__INIT;
    hello.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    hello.hello = &h;
    assert_int_equal(tls_send_frame(ssl, &hello), 0);
    expect_error_then_close(ssl, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT);
    tls_close(ssl);

    /* Hello{protocol_version 1, client_name "a\0b"}, id 1. */
    ssl = tls_connect(server.port);
    assert_non_null(ssl);
    const uint8_t hello_nul[] = {0, 0, 0, 11, 0x08, 0x01, 0x52, 0x07,
                                 0x08, 0x01, 0x12, 0x03, 'a',  0x00, 'b'};
    send_raw(ssl, hello_nul, sizeof hello_nul);
    expect_error_then_close(ssl, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT);
    tls_close(ssl);
}

static void test_claims_cost_no_memory(void **state)
{
    (void)state;
    enum { N = 20 };
    struct test_server s;
    static const char *const big[] = {"--max-frame", "67108864", NULL};
    server_start(&s, big);
    SSL *claimers[N];
    long before = server_data_kib(s.pid);
    assert_true(before > 0);
    uint8_t claim[FRAME_HEADER_LEN + 10] = {0};
    frame_put_header(claim, 64u << 20);
    for (int i = 0; i < N; i++) {
        claimers[i] = greeted_client_on(s.port);
        send_raw(claimers[i], claim, sizeof claim);
    }
    SSL *bystander = greeted_client_on(s.port);
    assert_int_equal(tls_ping(bystander, 2, 2), 0); /* every claim has been read by now */
    long after = server_data_kib(s.pid);
    long claimed_kib = (long)N * 64 * 1024;
    for (int i = 0; i < N; i++)
        tls_close(claimers[i]);
    tls_close(bystander);
    server_cleanup(&s);
    assert_true(after - before < claimed_kib / 8);
}

/* A frame of 100000 empty sub-messages: 200 KB on the wire, far more once
 * decoded. The decoding budget refuses it; only that connection ends. It
 * comes from a logged-in client: before a login, a frame that size is
 * refused by its length alone. */
static void test_huge_repeated_field(void **state)
{
    (void)state;
    enum { N = 100000 };
    SSL *bystander = greeted_client(1);
    char pw[128], token[HARNESS_TOKEN_MAX];
    assert_int_equal(server_admin_password(&server, pw, sizeof pw), 0);
    assert_int_equal(harness_login(server.port, "admin", pw, token), 0);
    SSL *ssl = harness_authed_client(server.port, token);
    assert_non_null(ssl);
    struct buf body = BUF_INIT, frame = BUF_INIT;
    static const uint8_t empty_entry[] = {0x0a, 0x00}; /* field 1, length 0 */
    for (int i = 0; i < N; i++)
        assert_int_equal(buf_append(&body, empty_entry, sizeof empty_entry), 0);
    /* Frame{request_id 2, workshop_list_reply (field 43) = body} */
    uint8_t head[16];
    size_t h = 0, len = body.len;
    head[h++] = 0x08;
    head[h++] = 0x02;
    head[h++] = (uint8_t)(43 << 3 | 2) | 0x80; /* tag 43, wire type 2, as a two-byte varint */
    head[h++] = (uint8_t)((43 << 3 | 2) >> 7);
    while (len >= 0x80) {
        head[h++] = (uint8_t)(len | 0x80);
        len >>= 7;
    }
    head[h++] = (uint8_t)len;
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, (uint32_t)(h + body.len));
    assert_int_equal(buf_append(&frame, hdr, sizeof hdr), 0);
    assert_int_equal(buf_append(&frame, head, h), 0);
    assert_int_equal(buf_append(&frame, body.data, body.len), 0);
    send_raw(ssl, frame.data, (int)frame.len);
    expect_error_then_close(ssl, CASCADE__V1__ERROR_CODE__BAD_FRAME);
    tls_close(ssl);
    buf_free(&body);
    buf_free(&frame);
    check_bystander(bystander, 2);
    tls_close(bystander);
}

static void test_frames_split_and_batched(void **state)
{
    (void)state;
    SSL *ssl = greeted_client(1);
    /* Three pings in one write, then one ping dribbled out byte by byte. */
    struct buf out = BUF_INIT;
    for (uint64_t i = 0; i < 4; i++) {
        Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
        p.nonce = 500 + i;
        WireFrame f = CASCADE__V1__FRAME__INIT;
        f.request_id = 50 + i;
        f.body_case = CASCADE__V1__FRAME__BODY_PING;
        f.ping = &p;
        assert_int_equal(wire_pack(&f, SIZE_MAX, &out), 0);
    }
    size_t three = out.len * 3 / 4;
    send_raw(ssl, out.data, (int)three);
    for (size_t i = three; i < out.len; i++)
        send_raw(ssl, out.data + i, 1);
    buf_free(&out);
    for (uint64_t i = 0; i < 4; i++) {
        WireFrame *r = tls_recv_frame(ssl, 5000);
        assert_non_null(r);
        assert_int_equal(r->request_id, 50 + i);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_PONG);
        assert_int_equal(r->pong->nonce, 500 + i);
        wire_free(r);
    }
    tls_close(ssl);
}

static void test_half_open_sockets(void **state)
{
    (void)state;
    enum { N = 50, SHARE = 256 / 16 };
    int fds[N];
    int reaped = server_log_count(&server, "no TLS bytes within");
    for (int i = 0; i < N; i++)
        fds[i] = tcp_connect_from(server.port, "127.0.0.2");
    /* Silent sockets from one address do not keep anyone else out. */
    SSL *ssl = greeted_client(1);
    assert_int_equal(tls_ping(ssl, 2, 2), 0);
    tls_close(ssl);
    /* The address's share of the handshake slots is held; the rest are
     * refused at once, and the first-byte deadline (3 s here) reaps the
     * share. */
    for (int i = 0; i < N; i++) {
        assert_true(fd_closed_within(fds[i], 15000));
        close(fds[i]);
    }
    assert_true(server_log_wait(&server, "one address's share", N - SHARE, 5000) >= N - SHARE);
    assert_true(server_log_wait(&server, "no TLS bytes within", reaped + SHARE, 5000) >=
                reaped + SHARE);
}

static void test_one_log_line_per_open_and_close(void **state)
{
    (void)state;
    /* Every connection so far is closed; give the server a moment to log. */
    for (int i = 0; i < 200; i++) {
        if (server_log_count(&server, " opened") == server_log_count(&server, " closed: "))
            break;
        usleep(20000);
    }
    int opened = server_log_count(&server, " opened");
    assert_true(opened > 250);
    assert_int_equal(opened, server_log_count(&server, " closed: "));
}

/* Reads and drops frames until the connection ends or within_ms passes
 * without one; the server's log says why it ended. */
static void drain(SSL *ssl, int within_ms)
{
    WireFrame *f;
    while ((f = tls_recv_frame(ssl, within_ms)) != NULL)
        wire_free(f);
}

static void test_idle_login_and_connection_limits(void **state)
{
    (void)state;
    /* Idle: a greeted connection that then says nothing is closed. */
    struct test_server s1;
    static const char *const idle[] = {"--idle-timeout", "1", "--login-timeout", "600", NULL};
    server_start(&s1, idle);
    SSL *quiet = tls_connect(s1.port);
    assert_non_null(quiet);
    WireFrame *w = tls_hello(quiet, 1, 1);
    assert_non_null(w);
    wire_free(w);
    drain(quiet, 10000);
    assert_true(server_log_wait(&s1, "idle for 1 s", 1, 10000) >= 1);
    tls_close(quiet);
    server_cleanup(&s1);

    /* Login: pinging keeps a connection alive, but not one that never logs in. */
    struct test_server s2;
    static const char *const login[] = {"--idle-timeout", "600", "--login-timeout", "1", NULL};
    server_start(&s2, login);
    SSL *chatty = tls_connect(s2.port);
    assert_non_null(chatty);
    w = tls_hello(chatty, 1, 1);
    assert_non_null(w);
    wire_free(w);
    int pings = 0;
    for (uint64_t i = 2; i < 200 && tls_ping(chatty, i, i) == 0; i++) {
        pings++;
        usleep(50000);
    }
    assert_true(pings > 0 && pings < 198);
    assert_true(server_log_wait(&s2, "no login within 1 s", 1, 10000) >= 1);
    tls_close(chatty);
    server_cleanup(&s2);

    /* Connections past --max-connections are refused at once; the others work. */
    struct test_server s3;
    static const char *const limit[] = {"--max-connections", "2", NULL};
    server_start(&s3, limit);
    SSL *a = greeted_client_on(s3.port), *b = greeted_client_on(s3.port);
    int fd = tcp_connect(s3.port);
    assert_true(fd_closed_within(fd, 5000));
    close(fd);
    assert_true(server_log_wait(&s3, "--max-connections", 1, 5000) >= 1);
    assert_int_equal(tls_ping(a, 9, 9), 0);
    assert_int_equal(tls_ping(b, 9, 9), 0);
    tls_close(a);
    tls_close(b);
    server_cleanup(&s3);
}

/* ---- Limits -------------------------------------------------------------- */

/* A Ping frame with an explicit request id, packed onto out. */
static void pack_ping(struct buf *out, uint64_t request_id)
{
    Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
    p.nonce = request_id;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &p;
    assert_int_equal(wire_pack(&f, SIZE_MAX, out), 0);
}

static void test_rate_limit_per_connection(void **state)
{
    (void)state;
    enum { N = 60 }; /* three times the burst of --rate 5 */
    struct test_server s1;
    static const char *const rate[] = {"--rate", "5", NULL};
    server_start(&s1, rate);
    SSL *bystander = greeted_client_on(s1.port);
    SSL *ssl = greeted_client_on(s1.port);
    /* The whole burst in one write: the server reads it in one go. */
    struct buf out = BUF_INIT;
    for (uint64_t i = 0; i < N; i++)
        pack_ping(&out, 2 + i);
    send_raw(ssl, out.data, (int)out.len);
    buf_free(&out);
    int pongs = 0, limited = 0;
    for (uint64_t i = 0; i < N; i++) {
        WireFrame *r = tls_recv_frame(ssl, 10000);
        assert_non_null(r);
        assert_int_equal(r->request_id, 2 + i); /* one answer each, in order */
        if (r->body_case == CASCADE__V1__FRAME__BODY_PONG) {
            pongs++;
        } else {
            assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
            assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__RATE_LIMITED);
            assert_true(r->error->retry_after_ms > 0);
            assert_non_null(strstr(r->error->message, "slow down and retry in"));
            limited++;
        }
        wire_free(r);
    }
    assert_int_equal(pongs + limited, N);
    assert_true(limited > 0);
    assert_true(pongs > 0);
    /* Nothing else arrived: no answer twice. */
    assert_null(tls_recv_frame(ssl, 200));
    /* The connection is still served (the next id, once a token is back),
     * and so is everyone else. */
    int served = 0;
    for (uint64_t id = 100; id < 400 && !served; id++) {
        served = tls_ping(ssl, id, id) == 0;
        if (!served)
            usleep(50000);
    }
    assert_true(served);
    assert_int_equal(tls_ping(bystander, 2, 2), 0);
    assert_true(server_alive(&s1));
    tls_close(ssl);
    tls_close(bystander);
    server_cleanup(&s1);
}

static void test_replayed_request_ids_refused(void **state)
{
    (void)state;
    SSL *ssl = greeted_client(5);
    /* The Hello's id counts: a request may not reuse it. */
    const uint64_t ids[] = {5, 6, 6, 4, 9};
    const int ok[] = {0, 1, 0, 0, 1};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        struct buf out = BUF_INIT;
        pack_ping(&out, ids[i]);
        send_raw(ssl, out.data, (int)out.len);
        buf_free(&out);
        WireFrame *r = tls_recv_frame(ssl, 5000);
        assert_non_null(r);
        assert_int_equal(r->request_id, ids[i]);
        if (ok[i]) {
            assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_PONG);
        } else {
            assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
            assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__BAD_STATE);
            assert_non_null(strstr(r->error->message, "was already used on this connection"));
        }
        wire_free(r);
    }
    tls_close(ssl);
}

static void test_connections_per_address(void **state)
{
    (void)state;
    struct test_server s1;
    static const char *const limit[] = {"--max-per-address", "3", NULL};
    server_start(&s1, limit);
    SSL *a = greeted_client_on(s1.port), *b = greeted_client_on(s1.port);
    SSL *c = greeted_client_on(s1.port);
    int fd = tcp_connect(s1.port);
    assert_true(fd_closed_within(fd, 5000));
    close(fd);
    assert_int_equal(server_log_wait(&s1,
                                     "refused: 3 connections from 127.0.0.1 is the limit "
                                     "(--max-per-address)", 1, 5000), 1);
    assert_int_equal(tls_ping(a, 9, 9), 0);
    assert_int_equal(tls_ping(b, 9, 9), 0);
    /* Once one of them has gone, there is room again. */
    int closed = server_log_count(&s1, " closed: ");
    tls_close(c);
    assert_true(server_log_wait(&s1, " closed: ", closed + 1, 5000) >= closed + 1);
    SSL *d = greeted_client_on(s1.port);
    assert_int_equal(tls_ping(d, 9, 9), 0);
    assert_true(server_alive(&s1));
    tls_close(a);
    tls_close(b);
    tls_close(d);
    server_cleanup(&s1);
}

static void test_concurrent_handshakes(void **state)
{
    (void)state;
    struct test_server s1;
    static const char *const limit[] = {"--max-handshakes", "2", NULL};
    server_start(&s1, limit);
    /* Finished handshakes leave the count: three in a row all succeed. */
    SSL *a = greeted_client_on(s1.port), *b = greeted_client_on(s1.port);
    SSL *c = greeted_client_on(s1.port);
    /* Two sockets that never start TLS hold both handshake places... */
    int opened = server_log_count(&s1, " opened");
    int fds[2] = {tcp_connect(s1.port), tcp_connect(s1.port)};
    assert_true(server_log_wait(&s1, " opened", opened + 2, 5000) >= opened + 2);
    /* ...so a third from the same address is refused at once (each address
     * holds at most its share of them), and the open ones carry on. */
    int fd = tcp_connect(s1.port);
    assert_true(fd_closed_within(fd, 5000));
    close(fd);
    assert_int_equal(server_log_wait(&s1, "one address's share", 1, 5000), 1);
    assert_int_equal(tls_ping(a, 9, 9), 0);
    assert_int_equal(tls_ping(b, 9, 9), 0);
    assert_int_equal(tls_ping(c, 9, 9), 0);
    /* Handshakes that end without finishing give their places back. */
    int closed = server_log_count(&s1, " closed: ");
    close(fds[0]);
    close(fds[1]);
    assert_true(server_log_wait(&s1, " closed: ", closed + 2, 5000) >= closed + 2);
    SSL *d = greeted_client_on(s1.port);
    assert_int_equal(tls_ping(d, 9, 9), 0);
    assert_int_equal(server_log_count(&s1, "one address's share"), 1);
    /* With every place held by silent sockets, a newcomer from elsewhere
     * takes the oldest one's place instead of being refused. */
    opened = server_log_count(&s1, " opened");
    fds[0] = tcp_connect(s1.port);
    fds[1] = tcp_connect(s1.port);
    assert_true(server_log_wait(&s1, " opened", opened + 2, 5000) >= opened + 2);
    SSL *e = tls_connect_from(s1.port, "127.0.0.2");
    assert_non_null(e);
    assert_true(fd_closed_within(fds[0], 5000));
    assert_int_equal(server_log_wait(&s1, "this was the oldest", 1, 5000), 1);
    close(fds[0]);
    close(fds[1]);
    tls_close(e);
    assert_true(server_alive(&s1));
    tls_close(a);
    tls_close(b);
    tls_close(c);
    tls_close(d);
    server_cleanup(&s1);
}

/* Sends f with a fresh id and returns the reply (a test failure if none). */
static WireFrame *request(SSL *ssl, WireFrame *f)
{
    WireFrame *r = NULL;
    assert_int_equal(harness_request(ssl, f, &r, NULL, NULL), 0);
    assert_non_null(r);
    return r;
}

static WireFrame *create_workshop(SSL *ssl)
{
    Cascade__V1__WorkshopCreate m = CASCADE__V1__WORKSHOP_CREATE__INIT;
    m.title = "Limits";
    m.period = "2026-Q4";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_CREATE;
    f.workshop_create = &m;
    return request(ssl, &f);
}

/* The workshop's snapshot seq; its number of teams goes to nteams. */
static uint64_t snapshot_seq(SSL *ssl, const char *code, size_t *nteams)
{
    Cascade__V1__Snapshot *s = harness_snapshot(ssl, code, NULL, NULL);
    assert_non_null(s);
    uint64_t seq = s->seq;
    *nteams = s->n_teams;
    wire_snapshot_free(s);
    return seq;
}

static void test_entity_and_workshop_limits(void **state)
{
    (void)state;
    struct test_server s1;
    static const char *const limit[] = {"--max-entities", "3", "--max-workshops-per-user", "1",
                                        NULL};
    server_start(&s1, limit);
    char password[128], token[HARNESS_TOKEN_MAX];
    assert_int_equal(server_admin_password(&s1, password, sizeof password), 0);
    assert_int_equal(harness_login(s1.port, "admin", password, token), 0);
    SSL *ssl = harness_authed_client(s1.port, token);
    SSL *other = harness_authed_client(s1.port, token);
    assert_non_null(ssl);
    assert_non_null(other);

    /* One workshop per user here: the second is refused. */
    WireFrame *r = create_workshop(ssl);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO);
    char code[16];
    snprintf(code, sizeof code, "%s", r->workshop_info->code);
    wire_free(r);
    r = create_workshop(ssl);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED);
    assert_non_null(strstr(r->error->message, "--max-workshops-per-user"));
    wire_free(r);

    /* Three entities fit; the fourth is refused and nothing changes. */
    char name[32];
    Cascade__V1__TeamAdd t = CASCADE__V1__TEAM_ADD__INIT;
    t.workshop = code;
    t.name = name;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_TEAM_ADD;
    f.team_add = &t;
    size_t nteams;
    for (int i = 1; i <= 3; i++) {
        snprintf(name, sizeof name, "Team %d", i);
        r = request(ssl, &f);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
        wire_free(r);
        if (i != 2)
            continue;
        /* The same frame again, request id and all: refused, not applied twice. */
        uint64_t seq = snapshot_seq(ssl, code, &nteams);
        uint64_t used = f.request_id;
        assert_int_equal(tls_send_frame(ssl, &f), 0);
        r = harness_await(ssl, used, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
        assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__BAD_STATE);
        wire_free(r);
        assert_int_equal(snapshot_seq(other, code, &nteams), seq);
        assert_int_equal(nteams, 2);
    }
    uint64_t seq = snapshot_seq(ssl, code, &nteams);
    assert_int_equal(nteams, 3);
    snprintf(name, sizeof name, "Team 4");
    r = request(ssl, &f);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED);
    char want[200];
    snprintf(want, sizeof want,
             "Workshop %s holds 3 teams, objectives, key results, initiatives, dependencies "
             "and comments, its limit (--max-entities).", code);
    assert_string_equal(r->error->message, want);
    wire_free(r);
    assert_int_equal(snapshot_seq(other, code, &nteams), seq);
    assert_int_equal(nteams, 3);

    assert_true(server_alive(&s1));
    tls_close(ssl);
    tls_close(other);
    server_cleanup(&s1);
}

static void test_sigterm_says_goodbye_and_exits_zero(void **state)
{
    (void)state;
    SSL *ssl = greeted_client(1);
    int fd = SSL_get_fd(ssl);
    kill(server.pid, SIGTERM);
    WireFrame *f = tls_recv_frame(ssl, 5000);
    assert_non_null(f);
    assert_int_equal(f->request_id, 0);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY_GOING_AWAY);
    wire_free(f);
    /* Then close_notify: a clean end, not a dropped connection. */
    uint8_t b[16];
    int r = SSL_read(ssl, b, sizeof b);
    assert_true(r <= 0);
    assert_int_equal(SSL_get_error(ssl, r), SSL_ERROR_ZERO_RETURN);
    assert_int_equal(server_stop(&server, 0, 5000), 0);
    SSL_free(ssl);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_and_ping),
        cmocka_unit_test(test_unsupported_version),
        cmocka_unit_test(test_request_before_hello),
        cmocka_unit_test(test_refused_request_keeps_connection),
        cmocka_unit_test(test_unknown_body_gets_unknown_request),
        cmocka_unit_test(test_tls_without_hello_is_dropped),
        cmocka_unit_test(test_many_concurrent_clients),
        cmocka_unit_test(test_random_garbage_closes_only_that_connection),
        cmocka_unit_test(test_plain_tcp_client),
        cmocka_unit_test(test_bad_frames_inside_tls),
        cmocka_unit_test(test_strings_that_lie),
        cmocka_unit_test(test_claims_cost_no_memory),
        cmocka_unit_test(test_huge_repeated_field),
        cmocka_unit_test(test_frames_split_and_batched),
        cmocka_unit_test(test_half_open_sockets),
        cmocka_unit_test(test_one_log_line_per_open_and_close),
        cmocka_unit_test(test_idle_login_and_connection_limits),
        cmocka_unit_test(test_rate_limit_per_connection),
        cmocka_unit_test(test_replayed_request_ids_refused),
        cmocka_unit_test(test_connections_per_address),
        cmocka_unit_test(test_concurrent_handshakes),
        cmocka_unit_test(test_entity_and_workshop_limits),
        cmocka_unit_test(test_sigterm_says_goodbye_and_exits_zero),
    };
    return cmocka_run_group_tests(tests, start, finish);
}
