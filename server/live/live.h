/* The server's live state: the workshops, the changes waiting for their
 * commit, the histories being replayed, and the limits requests are held
 * to. Handlers reach it through their connection (conn->live); the server
 * on top owns it and drives it once per loop turn (live_turn_end). */
#ifndef CASCADE_LIVE_H
#define CASCADE_LIVE_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "batch.h"
#include "cluster.h"
#include "crypto.h"
#include "okr.h"
#include "registry.h"
#include "session_memo.h"
#include "vitals.h"

struct net;
struct replay;
struct snapshot_image;
struct store;

/* The limits requests are held to (cascaded's flags). */
struct live_config {
    int64_t token_ttl_s;           /* how long a login lasts */
    size_t max_entities;           /* teams, objectives, key results, initiatives, comments */
    size_t max_workshops_per_user; /* workshops one user may create */
    struct okr_limits text_limits; /* longest texts accepted, per kind */
    size_t max_snapshot_memory;    /* packed snapshots being sent, all together */
    /* Running the workshop. */
    int64_t agenda_warning_ms;     /* the warning comes this long before a step ends */
    const char *templates_dir;     /* admins' template files; NULL: DATA/templates */
};

struct live {
    struct live_config cfg;
    uv_loop_t *loop;
    struct net *net;   /* every connection: a user's sessions are closed there */
    struct store *store;
    struct cluster cluster; /* other nodes on the same database (cluster.h) */
    struct session_memo *sessions; /* sessions checked lately (session_memo.h) */
    struct registry registry;
    struct batch batch;
    struct replay *replays; /* histories and snapshots being sent */
    uv_idle_t replay_idle;  /* keeps the loop turning while a replay can go on */
    struct snapshot_image *images; /* packed snapshots those replays share */
    size_t image_bytes;            /* their total size */
    const char *server_id;  /* told to clients in Welcome */
    int seen_unsaved;       /* participants' last-seen times wait to be saved (seen.h) */
    int64_t seen_saved_ms;  /* when they were last saved */
    char decoy_hash[CRYPTO_HASH_MAX]; /* for logins with an unknown name */
    /* Running the workshop: the agendas' shared timer (agenda_timer.h)
     * and where template files are read from. */
    uv_timer_t agenda_timer;
    int64_t agenda_checkpoint_ms;
    /* The check-in cadence's one timer, set for the next moment anything
     * falls due in any workshop (cadence_timer.h). */
    uv_timer_t cadence_timer;
    char templates_path[4096 + 16];
    /* Operating the server: how an administrator's drain reaches the
     * server that owns the listener (server.c sets it). */
    void (*drain)(struct live *l, uint32_t within_s, const char *reason);
    /* How sessions ended on another node end here (the handlers set it):
     * every connection of user_id but those with the token keep (a
     * SHA-256; NULL: none kept). */
    void (*end_sessions)(struct live *l, int64_t user_id, const uint8_t *keep,
                         const char *reason);
    struct backup_job *backup; /* the online backup under way, or NULL */
    struct vitals vitals;      /* what admin stats reports (vitals.h) */
};

/* Runs after each loop turn's I/O: commits the turn's changes together,
 * then moves the replays on. */
void live_turn_end(struct live *l);

/* Forgets a connection that is closing: its subscriptions, its replay and
 * the answers it waits for. */
void live_forget_conn(struct live *l, struct conn *c);

/* Releases the workshops and the batch (not the store, which the server
 * opened). */
void live_free(struct live *l);

#endif
