/* What an attacker who can reach the port tries, against one real server:
 * each case is refused without hurting anyone else. One server serves
 * every case in order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_silent_sockets_lock_nobody_out),
        cmocka_unit_test(test_wrong_passwords_lock_only_their_address),
    };
    return cmocka_run_group_tests(tests, start, finish);
}
