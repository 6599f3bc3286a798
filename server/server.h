/* cascaded's event loop: the listener, the connections, shutdown. */
#ifndef CASCADE_SERVER_H
#define CASCADE_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "addr.h"
#include "crypto.h"
#include "batch.h"
#include "datadir.h"
#include "okr.h"
#include "throttle.h"
#include "transport.h"
#include "wire.h"
#include "workshop.h"

struct store;

struct server_config {
    struct addr_spec listen;
    const char *data_dir;
    const char *cert_file; /* NULL: the data directory's self-signed pair */
    const char *key_file;
    size_t max_frame;
    size_t max_outbound;
    uint64_t handshake_timeout_ms;
    int64_t token_ttl_s;   /* how long a login lasts */
    uint64_t idle_timeout_ms;  /* a connection that sends nothing this long is closed */
    uint64_t login_timeout_ms; /* time from Hello to a login */
    size_t max_connections;
    uint32_t rate_per_s;        /* requests per second per connection; bursts of 4x */
    size_t max_per_address;     /* open connections from one client IP */
    size_t max_handshakes;      /* connections in the TLS handshake at once */
    size_t max_entities;        /* teams, objectives, key results, initiatives, comments */
    size_t max_workshops_per_user; /* workshops one user may create */
    struct okr_limits text_limits; /* longest texts accepted, per kind */
    int sync_full;         /* fsync every commit (1) or only WAL checkpoints (0) */
};

/* Fills in the documented defaults. */
void server_config_defaults(struct server_config *cfg);

struct subscription {
    struct workshop *workshop;
    char editing[16]; /* the entity announced with Editing, "" for none */
    int64_t since_ms;
};

/* One client connection. The transport comes first so that callbacks
 * holding a transport pointer can find the connection. */
struct conn {
    struct transport transport;
    struct server *server;
    uint64_t id;
    char peer[ADDR_NUMERIC_MAX];
    char ip[ADDR_NUMERIC_MAX]; /* the peer without its port, for --max-per-address */
    int in_handshake;       /* counted in server.handshakes */
    int greeted; /* a Hello was accepted */
    uint64_t greeted_at;   /* loop time of the Hello, ms */
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
    /* Workshops this connection receives events of, and what it edits there. */
    struct subscription *subs;
    size_t nsubs, cap_subs;
    struct replay *replay; /* a Subscribe's history still being sent (replay.h) */
    struct buf held;       /* frames received during the replay, run after it */
    /* Work on the thread pool (password hashing) that still refers to this
     * connection; the memory outlives the connection until it is done. */
    int pending_work;
    int closed;
    struct conn *prev, *next;
};

struct server {
    struct server_config cfg;
    struct datadir data;
    uv_loop_t *loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm;
    uv_timer_t shutdown_timer;
    uv_timer_t sweep_timer; /* closes idle connections and ones that never log in */
    struct transport_env env;
    struct store *store;
    struct registry registry;
    struct batch batch;
    uv_check_t commit_check; /* commits the batch once per loop turn */
    struct transport_batch write_batch; /* each connection's frames, written once per turn */
    struct replay *replays; /* histories being sent to new subscribers */
    uv_idle_t replay_idle;  /* keeps the loop turning while a replay can go on */
    struct conn *conns; /* every open connection */
    size_t nconns;
    size_t handshakes; /* connections still in the TLS handshake */
    uint64_t next_conn_id;
    int stopping;
    char bound[ADDR_TEXT_MAX]; /* the address actually listened on */
    char fingerprint[128];
    char dummy_hash[CRYPTO_HASH_MAX]; /* for logins with an unknown name */
    /* Failed password checks, to refuse guessing: per account name and per
     * client address (auth.c sets the limits). */
    struct throttle login_by_name, login_by_addr;
    uint8_t readbuf[64 * 1024];
};

/* Prepares the data directory and certificate, and binds the listener.
 * Prints what an operator needs (address, fingerprint) to stderr.
 * 0, or a negative CAS_E* code with a full sentence in err. */
int server_open(struct server *s, const struct server_config *cfg, uv_loop_t *loop,
                char *err, size_t errlen);

/* Runs until SIGINT or SIGTERM has drained every connection. */
int server_run(struct server *s);

/* Starts a graceful shutdown: no new connections; clients are told the
 * server is going away; whatever is still open after a second is dropped. */
void server_stop(struct server *s);

/* Releases what server_open acquired, after server_run returned. */
void server_close(struct server *s);

/* Packs and sends a frame to one connection. 0, or a negative CAS_E* code
 * (the connection is being closed then). */
int conn_send(struct conn *c, const WireFrame *f);

/* Sends bytes already packed by wire_pack (header included). */
int conn_send_packed(struct conn *c, const uint8_t *data, size_t len);

/* Sends a plain Ack answering request_id: seq (0: none) and id (NULL: none). */
int conn_send_ack(struct conn *c, uint64_t request_id, uint64_t seq, const char *id);

/* Sends an Error frame answering request_id. */
int conn_send_error(struct conn *c, uint64_t request_id, Cascade__V1__ErrorCode code,
                    const char *message);

/* Closes the connection gracefully, logging reason. */
void conn_close(struct conn *c, const char *reason);

/* Frees a closed connection once no thread-pool work refers to it. */
void conn_release(struct conn *c);

/* Unix time in milliseconds. */
int64_t server_now_ms(void);

#endif
