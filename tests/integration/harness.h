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

/* The same from the loopback address src ("127.0.0.2"; NULL: the
 * kernel's choice), so that one test can be several clients. */
int tcp_connect_from(int port, const char *src);

/* tls_connect from the loopback address src; NULL when the handshake fails. */
SSL *tls_connect_from(int port, const char *src);

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

/* One login attempt on a new connection from src: 0 for LoginOk, else the
 * Error's code, or -1 when no answer came. */
int harness_login_attempt(int port, const char *src, const char *user, const char *password);

/* ---- Restarts, logged-in clients, requests among pushes, event streams ----
 * Helpers for tests that keep a server's data across restarts and drive
 * several logged-in clients at once. Every wait is bounded by a time-out;
 * tests count what arrives and never assert on how long it took. */

/* How long the helpers below wait for one reply (generous: sanitizers). */
#define HARNESS_REPLY_TIMEOUT_MS 30000

/* Room for a session token (64 hex digits) and its terminator. */
#define HARNESS_TOKEN_MAX 80

/* Starts cascaded with its data in DIR/data and its log appended to
 * DIR/server.log, listening on `listen` ("127.0.0.1:PORT"; port 0 picks one).
 * DIR is created when it does not exist, and is kept as it is otherwise, so
 * a restart in the same DIR and on the same port finds its data and its
 * clients again; server_cleanup removes DIR. While the port is still held
 * by the previous process the start is retried for a few seconds. Fills in
 * the port; aborts the test on failure. */
void server_start_in(struct test_server *s, const char *dir, const char *listen,
                     const char *const *extra_args);

/* Copies the administrator's first password, which the server writes to
 * DATA/initial-admin-password on its first start, into out. 0 on success. */
int server_admin_password(const struct test_server *s, char *out, size_t outlen);

/* A TLS connection whose socket receive buffer is set to rcvbuf bytes
 * before connecting (0 keeps the system's default), so a peer that stops
 * reading pushes back on the server after a few KiB. NULL on failure. */
SSL *harness_tls_connect_rcvbuf(int port, int rcvbuf);

/* Logs in once (one scrypt on the server) on a connection of its own and
 * copies the session token into token_out. 0 on success, -1 otherwise. */
int harness_login(int port, const char *user, const char *password,
                  char token_out[HARNESS_TOKEN_MAX]);

/* A connection that has said Hello and presented token with Authenticate:
 * ready for requests as that user. NULL on any failure. Close it with
 * tls_close. The _rcvbuf variant sets the receive buffer as above. */
SSL *harness_authed_client(int port, const char *token);

/* harness_authed_client from the loopback address src. */
SSL *harness_authed_client_from(int port, const char *src, const char *token);
SSL *harness_authed_client_rcvbuf(int port, const char *token, int rcvbuf);

/* Receives every frame a helper reads that is not the reply it waits for:
 * pushes (request_id 0: events, GoingAway, presence) and, while waiting for
 * one of several pipelined requests, the replies to the others. The frame
 * belongs to the helper and is freed after the call; copy what you keep. */
typedef void (*harness_push_fn)(void *ctx, const WireFrame *f);

/* Sends frame with a fresh request_id, written into frame->request_id.
 * Returns that id, or 0 when the send failed. Ids are unique within the
 * process, hence within every connection. */
uint64_t harness_send(SSL *ssl, WireFrame *frame);

/* Reads frames until the one whose request_id is id and returns it (free
 * it with wire_free); hands every other frame to on_push (NULL: dropped).
 * NULL when the connection closes or the reply has not come within
 * timeout_ms. */
WireFrame *harness_await(SSL *ssl, uint64_t id, harness_push_fn on_push, void *ctx,
                         int timeout_ms);

/* Reads frames until one with a non-zero request_id, the reply to some
 * request, and returns it (free it with wire_free); hands the pushes read
 * meanwhile to on_push. NULL on close or when none came within timeout_ms. */
WireFrame *harness_next_reply(SSL *ssl, harness_push_fn on_push, void *ctx, int timeout_ms);

/* harness_send, then harness_await with HARNESS_REPLY_TIMEOUT_MS. 0 with
 * *reply_out set (free it with wire_free), or -1 with *reply_out NULL. */
int harness_request(SSL *ssl, WireFrame *frame, WireFrame **reply_out, harness_push_fn on_push,
                    void *ctx);

/* Hands every frame that is readable within wait_ms (0: only those already
 * here) to on_push, replies included, without blocking on a quiet socket.
 * Returns how many it read, or -1 when the connection closed. */
int harness_read_ready(SSL *ssl, harness_push_fn on_push, void *ctx, int wait_ms);

/* ---- Snapshots ---- */

/* Sends a SnapshotRequest for code; returns its request id, 0 on failure. */
uint64_t harness_snapshot_send(SSL *ssl, const char *code);

/* Reads the SnapshotChunks answering id (other frames go to on_push),
 * checks that they continue one another, and unpacks the Snapshot they
 * make (free it with wire_snapshot_free). NULL on close, time-out, a
 * malformed stream, or an Error answer, whose code then goes to *error
 * (when not NULL; 0 otherwise). *chunks (when not NULL) counts the chunks. */
Cascade__V1__Snapshot *harness_snapshot_receive(SSL *ssl, uint64_t id, harness_push_fn on_push,
                                                void *ctx, int *error, size_t *chunks);

/* harness_snapshot_send, then harness_snapshot_receive. */
Cascade__V1__Snapshot *harness_snapshot(SSL *ssl, const char *code, harness_push_fn on_push,
                                        void *ctx);

/* ---- Event streams ---- */

enum harness_value_kind { HARNESS_ABSENT, HARNESS_TEXT, HARNESS_NUMBER, HARNESS_FLAG };

struct harness_value {
    enum harness_value_kind kind;
    char *text;    /* HARNESS_TEXT */
    double number; /* HARNESS_NUMBER */
    int flag;      /* HARNESS_FLAG */
};

struct harness_change {
    char *field;
    struct harness_value old_value, new_value;
};

/* One Event as a subscriber received it. */
struct harness_event {
    uint64_t seq;
    char *type;   /* "kr.checkin", ... */
    char *entity; /* "K2", ... */
    char *actor;
    size_t nchanges;
    struct harness_change *changes;
};

/* What one subscriber received, in order of arrival. */
struct harness_events {
    struct harness_event *items;
    size_t n, cap;
    size_t going_away; /* GoingAway pushes */
    size_t errors;     /* connection-level Errors (request_id 0) */
    size_t others;     /* any other frame handed over: presence, stray replies */
};

void harness_events_init(struct harness_events *ev);
void harness_events_free(struct harness_events *ev);

/* A harness_push_fn whose ctx is a struct harness_events: records Events,
 * counts the rest. */
void harness_events_on_push(void *ctx, const WireFrame *f);

/* The seq of the last event received, 0 when none. */
uint64_t harness_events_last_seq(const struct harness_events *ev);

/* Whether the events received are exactly first, first+1, ... in order,
 * with no gap and no duplicate (vacuously true when there are none). */
int harness_events_gapless(const struct harness_events *ev, uint64_t first);

/* The change to field in e, or NULL when e does not change it. */
const struct harness_change *harness_event_change(const struct harness_event *e,
                                                  const char *field);

/* Reads frames from ssl into ev until it holds an event with seq >= seq.
 * 0 then; -1 on close or when that has not happened within timeout_ms. */
int harness_events_wait(SSL *ssl, struct harness_events *ev, uint64_t seq, int timeout_ms);

#endif
