/* Client connections: accepting them within the limits, sending frames,
 * closing them, and the timers that close the ones that help nobody.
 *
 * Lifecycle of a struct conn:
 * - net_accept allocates it and puts it on net->conns; from then on the net
 *   owns it. It goes through the TLS handshake (counted in net->handshakes
 *   and refused past --max-handshakes), then Hello, then requests.
 * - Anyone may hold a pointer to an open connection during a loop turn
 *   (handlers, the batch, replays, workshop subscriber lists). Nothing may
 *   keep one across turns except through a registration that the close
 *   hook below removes: workshop subscriptions, the batch's pending
 *   answers, a replay.
 * - conn_close starts a graceful close (the queued bytes and close_notify go
 *   out first); conn_abort-like drops come from the transport. Either way,
 *   once the transport reports it closed, the connection leaves net->conns,
 *   net->on_closed runs (the live state forgets it) and `closed` is set: a
 *   closed connection is never sent to again.
 * - The memory is freed by conn_release once no thread-pool job refers to
 *   it (pending_work): a password being hashed for a client that has gone
 *   still finishes, and its job releases the connection. */
#ifndef CASCADE_CONN_H
#define CASCADE_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "addr.h"
#include "buf.h"
#include "okr.h"
#include "guess.h"
#include "transport.h"
#include "wire.h"

struct conn;
struct live;
struct replay;
struct workshop;

/* The limits the connections live under (cascaded's flags). */
struct net_config {
    size_t max_frame;
    size_t max_outbound;
    uint64_t handshake_timeout_ms;
    uint64_t first_byte_timeout_ms; /* from accept to the client's first TLS byte */
    uint64_t idle_timeout_ms;   /* a connection that sends nothing this long is closed */
    uint64_t login_timeout_ms;  /* time from Hello to a login */
    size_t max_connections;
    uint32_t rate_per_s;        /* requests per second per connection; bursts of 4x */
    size_t max_per_address;     /* open connections from one client address (IPv6: /64) */
    size_t max_handshakes;      /* connections in the TLS handshake at once */
    size_t max_handshakes_per_address; /* of them, from one address (0: the default share) */
    size_t max_anonymous_memory; /* bytes all connections not logged in may hold */
};

/* The default share of the handshake slots one address (an IPv6 /64) may
 * hold: 1/16 of --max-handshakes, at least 2. Silent sockets from a few
 * addresses then cannot fill the slots and lock everyone else out. */
#define NET_HANDSHAKE_SHARE(max) ((max) / 16 > 2 ? (max) / 16 : 2)

/* Before a login only Hello, Login, Authenticate and Ping make sense, all
 * small: a larger frame is refused, so that a connection nobody vouches for
 * cannot make the server hold a megabyte for it. */
#define NET_ANON_MAX_FRAME 4096

/* What one connection that has not logged in may cost, at most: its share
 * of the frame decoder (NET_ANON_MAX_FRAME, held up to twice while it
 * grows), the connection itself and TLS's buffers (about 24 KiB measured).
 * --max-anonymous-memory divided by this is how many may be open at once. */
#define NET_ANON_COST ((size_t)32 * 1024)

/* What answers one kind of request (requests.def's handler column). */
typedef void (*request_handler)(struct conn *c, const WireFrame *f);

/* Every open connection, and what they share. */
struct net {
    struct net_config cfg;
    uv_loop_t *loop;
    struct transport_env env;
    struct transport_batch write_batch; /* each connection's frames, written once per turn */
    struct conn *conns; /* every open connection */
    size_t nconns;
    size_t handshakes; /* connections still in the TLS handshake */
    size_t anonymous;  /* connections nobody has logged in on */
    size_t peak_since_trim; /* most connections open since memory was last given back */
    size_t peak_conns;      /* most connections open at once since the start */
    uint64_t next_conn_id;
    int stopping;      /* no new connections; the open ones are closing */
    /* Failed password checks and join codes, to refuse guessing
     * (handlers/password_job.h sets the limits). */
    struct guess_throttle logins, joins;
    /* Set by the server on top, which the net knows only through these. */
    struct live *live;  /* given to each connection, never looked into here */
    request_handler (*route)(Cascade__V1__Frame__BodyCase body); /* NULL: none */
    void (*on_closed)(struct net *n, struct conn *c); /* forget c everywhere */
    uint8_t readbuf[64 * 1024];
};

struct subscription {
    struct workshop *workshop;
    char editing[16]; /* the entity announced with Editing, "" for none */
    int64_t since_ms;
};

/* One client connection. The transport comes first so that callbacks
 * holding a transport pointer can find the connection. */
struct conn {
    struct transport transport;
    struct net *net;
    struct live *live; /* the server's state, for handlers */
    uint64_t id;
    char peer[ADDR_NUMERIC_MAX];
    char ip[ADDR_NUMERIC_MAX]; /* the peer without its port */
    /* The peer's address block, which the per-address limits count: the
     * address itself for IPv4, its /64 for IPv6 (one subscriber's share). */
    char block[ADDR_NUMERIC_MAX];
    int in_handshake;       /* counted in net.handshakes */
    int greeted; /* a Hello was accepted */
    uint64_t greeted_at;   /* loop time of the Hello, ms */
    int64_t accepted_ms;   /* wall clock of the accept, for admin connections */
    uint64_t last_heard;   /* loop time of the last frame received, ms */
    /* The request rate's token bucket: tokens left (in thousandths, so the
     * refill stays integral) as of loop time rate_at. */
    uint64_t rate_tokens_milli;
    uint64_t rate_at;
    uint64_t last_request_id; /* the last one accepted; ids must increase */
    /* Who is logged in on this connection (user_id 0: nobody). */
    int64_t user_id;
    char user[OKR_NAME_MAX + 1];
    int admin;
    uint8_t token_hash[32];
    int anonymous;     /* counted in net.anonymous */
    /* Workshops this connection receives events of, and what it edits there. */
    struct subscription *subs;
    size_t nsubs, cap_subs;
    struct replay *replay; /* a Subscribe's history still being sent (live/replay.h) */
    struct buf held;       /* frames received during the replay, run after it */
    /* Work on the thread pool (password hashing) that still refers to this
     * connection; the memory outlives the connection until it is done. */
    int pending_work;
    int closed;
    struct conn *prev, *next;
};

/* Prepares n on loop (cfg copied). The TLS context (env.tls), the login
 * throttles, live, route and on_closed are the caller's to set. */
void net_init(struct net *n, const struct net_config *cfg, uv_loop_t *loop);

/* Starts batching writes: from now on a connection's frames of one loop
 * turn leave in one write. */
void net_start(struct net *n);

/* Accepts one connection from listener, or refuses it (counted and closed
 * at once) past --max-connections, --max-per-address or its address's
 * share of the handshake slots. When every handshake slot is taken, the
 * connection that has been in its handshake longest is dropped to make
 * room: a newcomer is never refused for slots that others squat. */
void net_accept(struct net *n, uv_stream_t *listener);

/* Closes connections that have been silent for the idle time-out (clients
 * send Ping as a heartbeat), and greeted ones that never logged in: they
 * cost the server and help nobody. The server runs it once a second; one
 * timer serves them all. */
void net_sweep(struct net *n);

/* Shutting down: every greeted connection is told so with GoingAway, then
 * every one is closed gracefully, and writes are no longer batched. */
void net_close_all(struct net *n, const char *reason);

/* Drops whatever is still open (the shutdown's deadline). */
void net_abort_all(struct net *n, const char *reason);

/* Releases what net_init acquired, once no connection is left. */
void net_free(struct net *n);

/* Packs and sends a frame to one connection. 0, or a negative CAS_E* code
 * (the connection is being closed then). An answer too big for a frame is
 * replaced by a LIMIT_EXCEEDED error, so every request is still answered. */
int conn_send(struct conn *c, const WireFrame *f);

/* Sends bytes already packed by wire_pack (header included). */
int conn_send_packed(struct conn *c, const uint8_t *data, size_t len);

/* Sends a plain Ack answering request_id: seq (0: none) and id (NULL: none). */
int conn_send_ack(struct conn *c, uint64_t request_id, uint64_t seq, const char *id);

/* Sends an Ack answering request_id whose note says what was done. */
int conn_send_ack_note(struct conn *c, uint64_t request_id, const char *note);

/* Sends an Error frame answering request_id. */
int conn_send_error(struct conn *c, uint64_t request_id, Cascade__V1__ErrorCode code,
                    const char *message);

/* Answers request_id with INTERNAL "The server is out of memory." and the
 * given tail (NULL: none), e.g. "nothing changed". */
int conn_send_no_memory(struct conn *c, uint64_t request_id, const char *tail);

/* Pushes a GoingAway saying why the server is about to close c (a
 * shutdown, a removal, an ended session), so the client can tell its
 * person instead of reporting a bare lost connection. */
int conn_send_going_away(struct conn *c, const char *reason);

/* The same as a notice: the server will close c in closes_in_s seconds
 * (a drain) and serves it until then. */
int conn_send_going_away_in(struct conn *c, const char *reason, uint32_t closes_in_s);

/* Closes c for an administrator (admin disconnect), telling it why with a
 * GoingAway that asks the client not to reconnect by itself. */
void conn_disconnect(struct conn *c, const char *reason);

/* Sends that notice to every greeted connection. */
void net_warn_all(struct net *n, const char *reason, uint32_t closes_in_s);

/* Takes new limits (a configuration reload): new connections and frames
 * see them at once, open connections as they next use one. */
void net_reconfigure(struct net *n, const struct net_config *cfg);

/* Sends an Error with code (RATE_LIMITED, TOO_MANY_ATTEMPTS), message and
 * retry_after_ms: the one shape of "come back later". */
int conn_send_retry_after(struct conn *c, uint64_t request_id, Cascade__V1__ErrorCode code,
                          const char *message, uint64_t retry_after_ms);

/* Closes the connection gracefully, logging reason. */
void conn_close(struct conn *c, const char *reason);

/* Someone has logged in (or authenticated) on c: its user, whether they
 * administer the server, and the hash of the session's token. The
 * connection leaves the anonymous ones and may send frames up to
 * --max-frame. */
void conn_log_in(struct conn *c, int64_t user_id, const char *name, int admin,
                 const uint8_t token_hash[32]);

/* The user has logged out on c: it is anonymous again. */
void conn_log_out(struct conn *c);

/* Frees a closed connection once no thread-pool work refers to it. */
void conn_release(struct conn *c);

#endif
