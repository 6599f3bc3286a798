/* Helpers for integration tests: a real cascaded on an ephemeral loopback
 * port with a temporary data directory, and plain blocking TLS clients. */
#ifndef CASCADE_TEST_HARNESS_H
#define CASCADE_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <openssl/ssl.h>

#include "wire.h"

struct test_server {
    pid_t pid;
    int port;
    char dir[256];     /* temporary directory holding data/ and server.log */
    char data[300];
    char log[300];
};

/* Starts build/bin/cascaded (path from CASCADE_BIN_DIR) with extra flags,
 * waits until it listens, and fills in the port. Aborts the test on failure. */
void server_start(struct test_server *s, const char *const *extra_args);

/* Sends sig and waits for the exit; returns the exit status, or -1 when it
 * did not exit within timeout_ms (it is then killed). */
int server_stop(struct test_server *s, int sig, int timeout_ms);

/* Whether the server process is still running. */
int server_alive(struct test_server *s);

/* Counts the lines of the server's log that contain needle. */
int server_log_count(struct test_server *s, const char *needle);

/* Waits until at least min lines of the log contain needle; returns the
 * count then, or the last count seen after timeout_ms. Log lines follow the
 * events they describe by a moment, so tests wait rather than look once. */
int server_log_wait(struct test_server *s, const char *needle, int min, int timeout_ms);

/* Removes the temporary directory. */
void server_cleanup(struct test_server *s);

/* A plain TCP connection to the server; returns the fd. */
int tcp_connect(int port);

/* A TLS connection (no verification: the test trusts its own server). */
SSL *tls_connect(int port);
void tls_close(SSL *ssl);

/* Sends one frame; 0 on success. */
int tls_send_frame(SSL *ssl, const WireFrame *f);

/* Receives one frame within timeout_ms; NULL on close, error or time-out. */
WireFrame *tls_recv_frame(SSL *ssl, int timeout_ms);

/* Hello with the given protocol version; returns the reply frame. */
WireFrame *tls_hello(SSL *ssl, uint32_t version, uint64_t request_id);

/* A ping round trip; 0 when the Pong echoes the nonce. */
int tls_ping(SSL *ssl, uint64_t request_id, uint64_t nonce);

/* Whether the peer closed the connection within timeout_ms (EOF or reset). */
int fd_closed_within(int fd, int timeout_ms);

#endif
