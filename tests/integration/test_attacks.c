/* What an attacker who can reach the port tries, against one real server:
 * each case is refused without hurting anyone else. One server serves
 * every case in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* Memory figures mean something only without AddressSanitizer, whose
 * shadow memory and quarantine multiply them: `make test` also runs this
 * test on the optimised build, where the bounds are checked. */
#if defined(__SANITIZE_ADDRESS__)
#define MEMORY_FIGURES_MEAN_SOMETHING 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MEMORY_FIGURES_MEAN_SOMETHING 0
#endif
#endif
#ifndef MEMORY_FIGURES_MEAN_SOMETHING
#define MEMORY_FIGURES_MEAN_SOMETHING 1
#endif

/* The server's limit on a frame before login (NET_ANON_MAX_FRAME). */
#define ANON_MAX_FRAME 4096u

static struct test_server server;
static char admin_pw[128];

static int start(void **state)
{
    (void)state;
    server_start(&server, NULL);
    if (server_admin_password(&server, admin_pw, sizeof admin_pw) != 0)
        return -1;
    return 0;
}

static int finish(void **state)
{
    (void)state;
    server_cleanup(&server);
    return 0;
}

/* Wrong passwords from one address lock that address out of the account,
 * not the account's owner elsewhere; only a storm from many addresses
 * refuses the account everywhere. */
static void test_wrong_passwords_lock_only_their_address(void **state)
{
    (void)state;
    const int AUTH_FAILED = CASCADE__V1__ERROR_CODE__AUTH_FAILED;
    const int TOO_MANY = CASCADE__V1__ERROR_CODE__TOO_MANY_ATTEMPTS;
    for (int i = 0; i < 5; i++)
        assert_int_equal(harness_login_attempt(server.port, "127.0.0.2", "admin", "wrong-pw1"),
                         AUTH_FAILED);
    /* The guesser's address is refused, even with the right password ... */
    assert_int_equal(harness_login_attempt(server.port, "127.0.0.2", "admin", admin_pw), TOO_MANY);
    /* ... the owner elsewhere is not. */
    assert_int_equal(harness_login_attempt(server.port, "127.0.0.1", "admin", admin_pw), 0);
    assert_true(server_log_count(&server, "of the account from this address") >= 1);

    /* Ten addresses, five guesses each: the account itself is refused now,
     * from an address that never guessed too. */
    char src[32];
    for (int a = 3; a < 13; a++) {
        snprintf(src, sizeof src, "127.0.0.%d", a);
        for (int i = 0; i < 5; i++)
            assert_int_equal(harness_login_attempt(server.port, src, "ghost", "wrong-pw2"),
                             AUTH_FAILED);
    }
    assert_int_equal(harness_login_attempt(server.port, "127.0.0.20", "ghost", "wrong-pw2"),
                     TOO_MANY);
    assert_true(server_log_count(&server, "of the account from many addresses") >= 1);
    /* Other accounts are untouched by it. */
    assert_int_equal(harness_login_attempt(server.port, "127.0.0.20", "admin", admin_pw), 0);
}

/* A greeted client from src answers a ping: the server is usable from there. */
static int usable_from(const char *src)
{
    SSL *ssl = tls_connect_from(server.port, src);
    if (ssl == NULL)
        return 0;
    WireFrame *w = tls_hello(ssl, 1, 1);
    int ok = w != NULL && w->body_case == CASCADE__V1__FRAME__BODY_WELCOME &&
             tls_ping(ssl, 2, 77) == 0;
    wire_free(w);
    tls_close(ssl);
    return ok;
}

/* Sockets that connect and never start TLS, 16 from each of 20 addresses:
 * more than the 256 handshake slots. Each address gets its share, the
 * oldest squatter makes room for a newcomer, and silence ends at the
 * first-byte deadline; meanwhile anyone else connects as usual. */
static void test_silent_sockets_lock_nobody_out(void **state)
{
    (void)state;
    enum { ADDRS = 20, EACH = 16 };
    int fds[ADDRS * EACH + 1];
    int n = 0;
    char src[32];
    for (int a = 0; a < ADDRS; a++) {
        snprintf(src, sizeof src, "127.0.0.%d", 30 + a);
        for (int i = 0; i < EACH; i++)
            fds[n++] = tcp_connect_from(server.port, src);
    }
    /* One more from an address that has its share already is refused at once. */
    fds[n++] = tcp_connect_from(server.port, "127.0.0.30");
    assert_true(server_log_wait(&server, "one address's share", 1, 5000) >= 1);
    for (int round = 0; round < 5; round++)
        assert_true(usable_from("127.0.0.1"));
    assert_true(usable_from("127.0.0.2"));
    /* The oldest squatters made room for the newcomers ... */
    assert_true(server_log_count(&server, "this was the oldest") >= 1);
    assert_true(fd_closed_within(fds[0], 10000));
    /* ... and the others do not stay: silence ends at the first-byte deadline. */
    assert_true(server_log_wait(&server, "no TLS bytes within 3000 ms", 100, 10000) >= 100);
    assert_true(fd_closed_within(fds[n - 2], 10000));
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* The server's resident memory in KiB, from /proc. */
static long rss_kib(pid_t pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    long kib = -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* A greeted connection from src that claims a frame of claim bytes and
 * sends all of it but one byte: the most it could make the server hold.
 * NULL when the server refused it on the way. */
static SSL *half_sent_frame(const char *src, uint32_t claim)
{
    SSL *ssl = tls_connect_from(server.port, src);
    if (ssl == NULL)
        return NULL;
    WireFrame *w = tls_hello(ssl, 1, 1);
    int greeted = w != NULL && w->body_case == CASCADE__V1__FRAME__BODY_WELCOME;
    wire_free(w);
    if (!greeted) {
        tls_close(ssl);
        return NULL;
    }
    static uint8_t body[(1 << 20) + 4];
    body[0] = (uint8_t)(claim >> 24);
    body[1] = (uint8_t)(claim >> 16);
    body[2] = (uint8_t)(claim >> 8);
    body[3] = (uint8_t)claim;
    memset(body + 4, 0x08, claim - 1); /* request_id varints, never completed */
    int len = (int)(claim + 3);
    for (int off = 0; off < len;) {
        int n = SSL_write(ssl, body + off, len - off);
        if (n <= 0)
            break; /* refused and closed: it holds nothing */
        off += n;
    }
    return ssl;
}

/* Before a login only small frames are accepted, so a thousand anonymous
 * connections each claiming a megabyte cost the server little, and what
 * they cost is given back when they go. */
static void test_anonymous_connections_pin_no_memory(void **state)
{
    (void)state;
    enum { N = 1000, ADDRS = 8 };
    static SSL *conns[N];
    long before = rss_kib(server.pid);
    char src[32];
    int refused_claims = server_log_count(&server, "over the limit of 4096");
    for (int i = 0; i < N; i++) {
        snprintf(src, sizeof src, "127.0.0.%d", 60 + i % ADDRS);
        /* Half claim a megabyte (refused on sight), half the most allowed. */
        conns[i] = half_sent_frame(src, i % 2 == 0 ? 1u << 20 : ANON_MAX_FRAME);
    }
    assert_true(server_log_wait(&server, "over the limit of 4096", refused_claims + N / 2,
                                10000) >= refused_claims + N / 2);
    long during = rss_kib(server.pid);
    print_message("server RSS: %ld KiB before, %ld KiB with %d anonymous connections\n", before,
                  during, N);
    if (MEMORY_FIGURES_MEAN_SOMETHING)
        assert_true(during - before < 64 * 1024);
    assert_true(usable_from("127.0.0.1"));
    for (int i = 0; i < N; i++)
        tls_close(conns[i]);
    /* Given back within a couple of sweeps. */
    long after = during;
    for (int tries = 0; tries < 50 && after > before + (during - before) / 2; tries++) {
        struct timespec nap = {0, 100 * 1000000};
        nanosleep(&nap, NULL);
        after = rss_kib(server.pid);
    }
    print_message("server RSS: %ld KiB after they closed\n", after);
    if (MEMORY_FIGURES_MEAN_SOMETHING)
        assert_true(after <= before + (during - before) / 2 + 1024);
}

/* When the connections nobody has logged in on hold the whole budget, the
 * oldest makes room: a flood of them cannot keep a real client out. */
static void test_anonymous_budget_makes_room(void **state)
{
    (void)state;
    struct test_server s1;
    static const char *const budget[] = {"--max-anonymous-memory", "262144", NULL}; /* 8 */
    server_start(&s1, budget);
    int fds[12];
    for (int i = 0; i < 12; i++)
        fds[i] = tcp_connect_from(s1.port, i % 2 ? "127.0.0.70" : "127.0.0.71");
    assert_true(server_log_wait(&s1, "this was the oldest", 4, 5000) >= 4);
    assert_true(fd_closed_within(fds[0], 5000));
    SSL *ssl = tls_connect(s1.port);
    assert_non_null(ssl);
    WireFrame *w = tls_hello(ssl, 1, 1);
    assert_non_null(w);
    assert_int_equal(w->body_case, CASCADE__V1__FRAME__BODY_WELCOME);
    wire_free(w);
    assert_int_equal(tls_ping(ssl, 2, 3), 0);
    tls_close(ssl);
    for (int i = 0; i < 12; i++)
        close(fds[i]);
    server_cleanup(&s1);
}

/* A Join with code on ssl; the reply's error code, or 0 for WorkshopInfo. */
static int join_code(SSL *ssl, const char *code)
{
    Cascade__V1__Join j = CASCADE__V1__JOIN__INIT;
    j.code = (char *)code;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_JOIN;
    f.join = &j;
    WireFrame *r;
    assert_int_equal(harness_request(ssl, &f, &r, NULL, NULL), 0);
    int rc = r->body_case == CASCADE__V1__FRAME__BODY_ERROR ? (int)r->error->code : 0;
    wire_free(r);
    return rc;
}

/* Guessing join codes is throttled and logged like guessing passwords:
 * five unknown codes a minute from one address, and that address waits. */
static void test_join_codes_cannot_be_guessed(void **state)
{
    (void)state;
    char token[HARNESS_TOKEN_MAX];
    assert_int_equal(harness_login(server.port, "admin", admin_pw, token), 0);
    SSL *guesser = harness_authed_client_from(server.port, "127.0.0.80", token);
    SSL *other = harness_authed_client_from(server.port, "127.0.0.81", token);
    assert_non_null(guesser);
    assert_non_null(other);
    const char *guesses[] = {"ABCDEFGHJK", "BCDEFGHJKM", "CDEFGHJKMN", "DEFGHJKMNP", "EFGHJKMNPQ"};
    for (int i = 0; i < 5; i++)
        assert_int_equal(join_code(guesser, guesses[i]), CASCADE__V1__ERROR_CODE__NOT_FOUND);
    assert_int_equal(join_code(guesser, "FGHJKMNPQR"), CASCADE__V1__ERROR_CODE__TOO_MANY_ATTEMPTS);
    assert_true(server_log_count(&server, "tried the join code") >= 5);
    assert_true(server_log_count(&server, "join for 'admin' refused") >= 1);
    /* Another address is not held up by it. */
    assert_int_equal(join_code(other, "FGHJKMNPQR"), CASCADE__V1__ERROR_CODE__NOT_FOUND);
    tls_close(guesser);
    tls_close(other);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_sockets_lock_nobody_out),
        cmocka_unit_test(test_anonymous_connections_pin_no_memory),
        cmocka_unit_test(test_anonymous_budget_makes_room),
        cmocka_unit_test(test_join_codes_cannot_be_guessed),
        cmocka_unit_test(test_wrong_passwords_lock_only_their_address),
    };
    return cmocka_run_group_tests(tests, start, finish);
}
