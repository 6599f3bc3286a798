/* The client's connection to cascaded: connect, TLS, trust, Hello, then
 * requests matched to their responses by request_id. Blocking calls over a
 * private libuv loop, which suits one-shot commands and streams alike. */
#ifndef CASCADE_CLIENT_CONN_H
#define CASCADE_CLIENT_CONN_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "addr.h"
#include "wire.h"

/* A request frame whose body is *msg, named by its member and its case:
 *   WireFrame req = CLIENT_REQUEST(kick, KICK, &msg);
 * A oneof body needs both set, and CASCADE__V1__FRAME__INIT sets neither. */
#define CLIENT_REQUEST(member, BODY, msg)                                                     \
    {                                                                                      \
        .base = PROTOBUF_C_MESSAGE_INIT(&cascade__v1__frame__descriptor),                  \
        .body_case = CASCADE__V1__FRAME__BODY_##BODY, .member = (msg),                     \
    }

/* Outcomes of client calls, which map to the exit statuses in CLI.md. */
enum client_status {
    CLIENT_OK = 0,
    CLIENT_REFUSED = 1,     /* the server answered with an Error */
    CLIENT_UNREACHABLE = 3, /* cannot reach, trust or keep talking to the server */
    CLIENT_TIMEOUT = 4,     /* client_wait_push: nothing arrived in time */
    CLIENT_INTERRUPTED = 5, /* client_wait_push: client_interrupt was called */
    CLIENT_UNTRUSTED = 6,   /* client_connect: the server's certificate is refused */
};

struct client_opts {
    struct addr_spec server;
    const char *ca_file;     /* verify the chain and host; NULL: trust on first use */
    const char *config_dir;  /* where known_servers lives */
    uint64_t timeout_ms;     /* for connecting and for each response */
    /* Do not wait for the Welcome in client_connect: the Hello goes out and
     * the first answer awaited checks the Welcome, so a one-shot command's
     * Hello, token and request share one round trip. */
    int pipeline;
};

struct client;

/* Connects, completes TLS, checks the server's certificate (against the CA,
 * or the pinned fingerprint, pinning it on first use with a note on
 * stderr), and exchanges Hello/Welcome. Returns CLIENT_OK and *out, or
 * another status with one sentence in err. */
int client_connect(struct client **out, const struct client_opts *opts, char *err, size_t errlen);

/* Sends req with a fresh request_id and waits for its one response. On
 * CLIENT_OK *reply is the response (free with wire_free); when the server
 * answered with an Error, CLIENT_REFUSED, *reply is that Error frame and err
 * holds its message. */
int client_call(struct client *c, WireFrame *req, WireFrame **reply, char *err, size_t errlen);

/* client_call in two halves, so that several requests can be in flight:
 * client_send gives req a fresh request_id (also stored in *id) and sends
 * it; client_reply waits for the response to id, as client_call does. The
 * server answers a connection's requests in order. */
int client_send(struct client *c, WireFrame *req, uint64_t *id, char *err, size_t errlen);
int client_reply(struct client *c, uint64_t id, WireFrame **reply, char *err, size_t errlen);

/* Waits for the next frame the server pushed on its own (request_id 0:
 * events, snapshots), in arrival order; pushes that arrived during
 * client_call are kept for this. timeout_ms < 0 waits for ever. Returns
 * CLIENT_OK and *out (free with wire_free), CLIENT_TIMEOUT,
 * CLIENT_INTERRUPTED, or CLIENT_UNREACHABLE with a sentence in err. */
int client_wait_push(struct client *c, int64_t timeout_ms, WireFrame **out, char *err,
                     size_t errlen);

/* For a request answered after a stream of pushes (a Subscribe replaying
 * the history: its events, then its Ack): the next frame that is either
 * pushed or the response to id, in arrival order, so that the pushes are
 * taken as they come instead of piling up until the response. Waits at
 * most the connection's time-out for each. CLIENT_OK and *out (free with
 * wire_free; an Error answering id is returned as a frame like any other),
 * or CLIENT_UNREACHABLE with a sentence in err. */
int client_wait_stream(struct client *c, uint64_t id, WireFrame **out, char *err, size_t errlen);

/* Makes a client_wait_push in progress (or the next one) return
 * CLIENT_INTERRUPTED; for signal handlers running on client_loop. */
void client_interrupt(struct client *c);

/* The client's private loop, to add handles (signals) to. Handles added
 * must be closed before client_close. */
uv_loop_t *client_loop(struct client *c);

/* The server's Welcome (NULL while a pipelined Welcome is still awaited). */
const Cascade__V1__Welcome *client_welcome(const struct client *c);

/* The server connected to, as "HOST:PORT" (addr_spec_format). */
const char *client_server(const struct client *c);

/* The negotiated TLS protocol and the server's certificate fingerprint. */
const char *client_tls_protocol(const struct client *c);
const char *client_fingerprint(const struct client *c);

/* Closes gracefully (close_notify) and frees everything. */
void client_close(struct client *c);

/* Whether the server, closing the connection, asked the client not to
 * reconnect by itself (an administrator disconnected it). */
int client_stay_away(const struct client *c);

#endif
