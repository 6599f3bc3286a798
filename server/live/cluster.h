/* Several cascaded nodes on one PostgreSQL database: any node serves any
 * workshop, and each keeps its workshops in memory as one node does.
 *
 * Writers take turns per workshop. Before a change is applied, the node
 * claims the workshop: in the batch's own transaction (a connection of its
 * own) it takes the workshop's lock, held to the commit, and reads the
 * workshop's last seq. If another node committed meanwhile, the node first
 * catches up: it sends the events it missed to its subscribers and reloads
 * the workshop, both from one snapshot. So a change is decided against the
 * committed state, its seq follows the last one in the database without a
 * gap, and the batch still commits once per loop turn.
 *
 * After its commit a node notifies the others (LISTEN/NOTIFY, workshop and
 * seq); a node that hears of a seq it lacks catches up from the events
 * table, in order. A notification that comes late, twice or never changes
 * nothing: catching up reads what is committed, and every second each
 * node compares every workshop's seq with the database's anyway.
 *
 * With SQLite there is one node: every call here does nothing. */
#ifndef CASCADE_CLUSTER_H
#define CASCADE_CLUSTER_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct live;
struct store;
struct workshop;

/* Other nodes timed at once (remote_presence.c): the people of a node
 * beyond this many stay listed until that node says they left. */
#define CLUSTER_NODES_MAX 64

struct cluster {
    struct store *commit; /* the batch's connection; NULL: one node on SQLite */
    struct store *listen; /* the connection that listens for the others' commits */
    uv_poll_t *poll;      /* on listen's socket; NULL while it is down */
    int poll_fd;
    int open;             /* a transaction is open on commit */
    uint64_t txn;         /* numbers commit's transactions (workshop.claimed_in) */
    size_t claimed;       /* workshops locked in the open transaction */
    int down;             /* the database was unreachable at the last try */
    /* Counted for the operator (admin stats) and the tests. */
    uint64_t catch_ups, notifications;
    /* The other nodes heard of lately (remote_presence.c). */
    struct cluster_node {
        char id[40];
        int64_t heard_ms;
    } nodes[CLUSTER_NODES_MAX];
    size_t nnodes;
    int64_t said_alive_ms;
};

/* Opens the batch's and the listener's connections to url. 0, or a
 * negative CAS_E* code with a sentence in err. */
int cluster_start(struct live *l, const char *url, char *err, size_t errlen);
/* Stops listening (at shutdown); cluster_free closes the connections. */
void cluster_stop(struct live *l);
void cluster_free(struct live *l);

/* Whether other nodes share the database. */
int cluster_shared(const struct live *l);

/* Makes w current with the database and keeps other nodes from writing it
 * until this node's batch commits. Call before looking at w's state for a
 * change (it may reload it). 0, or CAS_ESTORAGE when the database cannot
 * be reached or the lock not taken in time. */
int cluster_claim(struct live *l, struct workshop *w);

/* Before a read: catches w up if another node committed since this node
 * last heard, so that what one did through one node is there when one
 * reads through another at once. 0, or CAS_ESTORAGE (the read may go on
 * from memory). */
int cluster_refresh(struct live *l, struct workshop *w);

/* Whether w is claimed in the open transaction. */
int cluster_holds(const struct live *l, const struct workshop *w);

/* The store the batch writes through, and whether its transaction is open
 * already (claims opened it). */
struct store *cluster_batch_store(struct live *l);
int cluster_batch_open(const struct live *l);
/* Begins the batch's transaction, unless claims opened it already. */
int cluster_batch_begin(struct live *l);
/* The batch's transaction ended (committed or rolled back). */
void cluster_batch_ended(struct live *l);

/* Brings w up to the database's state: the events it missed to its
 * subscribers, then its state reloaded, from one snapshot. Also what
 * replaces a reload after a failed commit when the store is shared. */
int cluster_catch_up(struct live *l, struct workshop *w);

/* A guessed password or join code (password_job.h), told to the other
 * nodes so that each counts every node's attempts: op GUESS_FAILED,
 * GUESS_RIGHT or GUESS_RESET (every count of the name), kind GUESS_LOGIN or
 * GUESS_JOIN. */
enum { GUESS_FAILED = 'f', GUESS_RIGHT = 's', GUESS_RESET = 'r' };
enum { GUESS_LOGIN = 'l', GUESS_JOIN = 'j' };
void cluster_share_guess(struct live *l, char op, char kind, const char *name, const char *addr);

/* Sessions of user_id ended here (logged out everywhere, a new password,
 * the account disabled): the other nodes end theirs too, but those with
 * the token keep (NULL: none). */
void cluster_share_sessions_end(struct live *l, int64_t user_id, const uint8_t *keep,
                                const char *reason);

/* Once a second: listens again after a lost connection, and catches up
 * every workshop whose seq is behind the database's, loading the ones
 * another node made. */
void cluster_sweep(struct live *l);

#endif
