/* A framed TLS connection over a libuv TCP handle, for both sides.
 *
 * Lifecycle: transport_init sets up the handles; then either the server
 * uv_accept()s into transport->tcp and calls transport_accepted, or the client
 * calls transport_connect. When the TLS handshake completes, ops->on_ready
 * runs; each complete frame goes to ops->on_frame. However the connection
 * ends (peer close, error, time-out, transport_close or transport_abort),
 * ops->on_closed runs exactly once, after every libuv handle and request is
 * finished: only then may the owner free the memory holding the transport. */
#ifndef CASCADE_TRANSPORT_H
#define CASCADE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "buf.h"
#include "frame.h"

struct tls_ctx;
struct tls_conn;
struct transport;

struct transport_ops {
    /* The TLS handshake is complete; frames may be sent. */
    void (*on_ready)(struct transport *t);
    /* One complete frame's payload, valid only during the call. */
    void (*on_frame)(struct transport *t, const uint8_t *payload, size_t len);
    /* The connection is gone; reason says why, for logs and messages. */
    void (*on_closed)(struct transport *t, const char *reason);
};

/* Write batching. A server that sends one event to a thousand followers, and
 * many events per loop turn, would otherwise pay one TLS record and one
 * system call per frame per connection. With a batch, transport_send only
 * appends the frame to the connection's plaintext; once per loop turn (a
 * uv_prepare, just before the loop waits for I/O) every connection that got
 * frames is encrypted in one TLS write and handed to its socket in one call.
 * Frames keep their order, and nothing waits past the current loop turn. */
struct transport_batch {
    uv_prepare_t prepare;
    struct transport *dirty; /* connections with plaintext waiting */
};

/* Starts batching on loop (the handle does not keep the loop alive). */
void transport_batch_init(struct transport_batch *b, uv_loop_t *loop);
/* Writes what waits and closes the handle (uv_run once more to finish). */
void transport_batch_close(struct transport_batch *b);

/* What every transport of one side shares: owned by the server or client
 * context, and outliving all its transports. */
struct transport_env {
    uv_loop_t *loop;
    struct tls_ctx *tls;
    const struct transport_ops *ops;
    size_t max_frame;             /* largest frame payload accepted */
    size_t max_outbound;          /* bytes waiting for the socket before the peer is dropped */
    uint64_t handshake_timeout_ms; /* connect + TLS handshake deadline */
    uint64_t first_byte_timeout_ms; /* accepted: deadline for the peer's first byte (0: none) */
    uint64_t linger_ms;           /* how long a graceful close waits for its last bytes */
    uint8_t *readbuf;             /* one read buffer for all connections of the loop */
    size_t readbuf_len;
    struct transport_batch *batch; /* NULL: each frame is encrypted and written at once */
};

enum transport_state {
    TRANSPORT_CONNECTING,
    TRANSPORT_HANDSHAKE,
    TRANSPORT_OPEN,
    TRANSPORT_CLOSING, /* close_notify queued; waiting for the last writes */
    TRANSPORT_CLOSED,  /* handles closing; on_closed follows */
};

struct transport {
    uv_tcp_t tcp;
    uv_timer_t timer; /* handshake deadline, then close linger */
    const struct transport_env *env;
    struct tls_conn *tls;
    struct frame_decoder decoder;
    enum transport_state state;
    enum transport_state closed_in; /* the state the connection ended in */
    int heard; /* a byte has arrived */
    int open_handles;
    char reason[160];
    const char *deadline_reason; /* static text for transport_deadline */
    void *data; /* the owner's */
    struct buf unsent;            /* frames waiting for the batch's flush */
    int reading_paused;
    uint64_t handoffs; /* ciphertext buffers handed to the socket: the work batching saves */
    struct transport *dirty_next, **dirty_prev; /* in env->batch->dirty; prev NULL: not */
};

/* Sets the largest frame payload this connection accepts from now on (at
 * first env->max_frame): a server allows less before a login. */
void transport_set_max_frame(struct transport *t, size_t max_frame);

/* Initialises the TCP and timer handles on env->loop. 0 or CAS_EIO. On
 * failure nothing needs closing. */
int transport_init(struct transport *t, const struct transport_env *env, void *data);

/* Server side, after uv_accept into t->tcp: starts the TLS handshake and its
 * deadline. On failure the transport closes itself (on_closed follows). */
void transport_accepted(struct transport *t);

/* Client side: connects to addr and starts the handshake, verifying `host`
 * as the TLS context requires. Failures arrive through on_closed. */
void transport_connect(struct transport *t, const struct sockaddr *addr, const char *host);

/* Sends one frame (header and payload as wire_pack made it). 0; CAS_ECLOSED
 * when the transport is not open; CAS_EOVERFLOW when the outbound queue
 * would pass its bound, in which case the transport is aborted. */
int transport_send(struct transport *t, const uint8_t *data, size_t len);

/* Closes gracefully: stops reading, sends close_notify after what is queued,
 * and closes once that is written or linger_ms passes. */
void transport_close(struct transport *t, const char *reason);

/* Closes at once, dropping whatever is queued. */
void transport_abort(struct transport *t, const char *reason);

/* Once open: aborts the connection with `reason` unless
 * transport_deadline_clear runs within ms (e.g. a peer that completes TLS
 * but never says Hello). Replaces any earlier deadline. */
void transport_deadline(struct transport *t, uint64_t ms, const char *reason);
void transport_deadline_clear(struct transport *t);

/* Stops and restarts reading from the peer, so that what it sends waits in
 * the kernel (TCP flow control) instead of in memory. Frames already read
 * may still arrive after the pause. Only while open; harmless otherwise. */
void transport_pause_reading(struct transport *t);
void transport_resume_reading(struct transport *t);

/* The peer's certificate fingerprint (client side, after on_ready). */
int transport_peer_fingerprint(const struct transport *t, char *out);

/* Bytes handed to the socket, or waiting for the batch, and not yet written. */
size_t transport_queued(const struct transport *t);

/* Of those, the bytes libuv holds because the socket would not take them:
 * while there are any, a write completion will wake the loop. */
size_t transport_socket_queued(const struct transport *t);

#endif
