/* cascaded on top of its rooms: the listener, the loop's per-turn work,
 * signals and shutdown. It owns the connections (net/), the live state
 * (live/) and the store (store/), and ties them together: the net learns
 * from it how to route a request (handlers/) and whom to tell when a
 * connection closes (live/). */
#ifndef CASCADE_SERVER_H
#define CASCADE_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "addr.h"
#include "conn.h"
#include "datadir.h"
#include "live.h"

struct server_config {
    struct addr_spec listen;
    const char *data_dir;
    const char *cert_file; /* NULL: the data directory's self-signed pair */
    const char *key_file;
    const char *log_file;  /* NULL: stderr */
    int metrics;           /* serve Prometheus text at metrics_addr */
    struct addr_spec metrics_addr;
    int sync_full;         /* fsync every commit (1) or only WAL checkpoints (0) */
    const char *store;     /* NULL: SQLite in the data directory; else a postgresql:// URL */
    struct net_config net;
    struct live_config live;
    /* How the server was started, read again on SIGHUP (options.h). */
    int argc;
    char **argv;
};

/* Fills in the documented defaults. */
void server_config_defaults(struct server_config *cfg);

struct server {
    struct server_config cfg;
    struct datadir data;
    uv_loop_t *loop;
    uv_tcp_t listener;
    uv_signal_t sigint, sigterm;
    /* SIGHUP reloads the configuration and certificate, SIGUSR1 reopens
     * the log file, SIGUSR2 drains. */
    uv_signal_t sighup, sigusr1, sigusr2;
    uv_timer_t shutdown_timer;
    uv_timer_t drain_timer; /* a drain's end */
    int draining;
    int64_t drain_ends_ms;
    uv_timer_t sweep_timer; /* closes idle connections and ones that never log in */
    uv_check_t commit_check; /* commits the batch once per loop turn */
    struct net net;
    struct live live;
    int stopping;
    char bound[ADDR_TEXT_MAX]; /* the address actually listened on */
    char fingerprint[128];
    struct metrics_http *metrics;
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

/* Drains: no new connections, everyone told (GoingAway with the reason
 * and the seconds left), what they send still served; server_stop when
 * the time is up or the last connection has gone. A drain under way only
 * moves to an earlier end. */
void server_drain(struct server *s, uint32_t within_s, const char *reason);

/* Reads the configuration file and the flags again and takes what can
 * change while running (limits, timeouts, the certificate); a setting that
 * needs a restart is named in the log. Nothing changes when the new
 * configuration has a problem, which is logged. */
void server_reload(struct server *s);

/* Releases what server_open acquired, after server_run returned. */
void server_close(struct server *s);

#endif
