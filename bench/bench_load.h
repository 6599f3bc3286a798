/* The load cascade-bench puts on a server: many TLS connections on one libuv
 * loop, each logged in with one session token; most follow a workshop, some
 * of those also write to it, and idle ones only stay connected. */
#ifndef CASCADE_BENCH_LOAD_H
#define CASCADE_BENCH_LOAD_H

#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "bench_stats.h"

struct load_workshop {
    char code[16];
    char key_result[16]; /* the key result writers check in to, e.g. "K1" */
};

/* Servers a load spreads over (nodes of one database). */
#define LOAD_SERVERS_MAX 16

struct load_config {
    /* Connection i goes to addrs[i % naddrs]: writers and followers are
     * spread over the servers alike. */
    struct sockaddr_storage addrs[LOAD_SERVERS_MAX];
    unsigned naddrs;
    const char *host;        /* for certificate verification with a CA */
    const char *ca_file;     /* NULL: compare with fingerprint instead */
    const char *fingerprint; /* the pinned certificate (when no CA) */
    const char *token;       /* a session token, presented on every connection */
    const struct load_workshop *workshops;
    unsigned nworkshops;
    unsigned clients;        /* following a workshop: client i follows i % nworkshops */
    unsigned writers;        /* clients 0..writers-1 also check in */
    double rate;             /* edits per second in all; 0: as fast as acknowledged */
    double duration_s;       /* used when edits is 0 */
    uint64_t edits;
    unsigned idle;           /* extra connections that only log in */
    pid_t server_pid;        /* 0: none */
};

/* Runs the whole load and fills the report (target, shape and figures).
 * 0; -1 when the clients could not all connect, with the reason printed. */
int load_run(const struct load_config *cfg, struct bench_report *report);

#endif
