/* Persistence in one SQLite database, DATA/cascade.db: the only module that
 * includes sqlite3.h. The event log (workshop, seq, actor, time, encoded
 * event) is the history; the entity tables hold the current state, so a
 * restart loads state without replaying history.
 *
 * Every function returns 0 or a negative CAS_E* code: CAS_ENOTFOUND for a
 * missing row, CAS_EEXIST for a unique-key clash, CAS_ESTORAGE for anything
 * SQLite reports (the message is logged). The store is used from the loop
 * thread only. */
#ifndef CASCADE_STORE_H
#define CASCADE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "okr.h"

/* The schema version this build writes; older databases are migrated
 * forward at open, newer ones refused. */
#define STORE_SCHEMA_VERSION 15

struct store;

enum store_sync { STORE_SYNC_FULL, STORE_SYNC_NORMAL };

/* Opens or creates the database at where: a SQLite file (WAL journal,
 * foreign keys on, synchronous FULL or NORMAL as asked, migrations applied
 * in one transaction each), or a postgresql:// URL (the schema created or
 * migrated by whichever node gets there first; sync does not apply, as
 * PostgreSQL's own settings decide). A database whose schema is newer than
 * STORE_SCHEMA_VERSION is refused with CAS_EINVAL and a sentence saying to
 * upgrade cascaded. */
int store_open(struct store **out, const char *where, enum store_sync sync,
               char *err, size_t errlen);

/* Whether where names a PostgreSQL database (postgresql:// or postgres://). */
int store_is_url(const char *where);

enum store_kind { STORE_SQLITE, STORE_POSTGRES };
enum store_kind store_kind(const struct store *st);

/* Writes url with its password hidden, for messages and logs. */
void store_url_redact(const char *url, char *out, size_t outlen);
void store_close(struct store *st);

/* PRAGMA user_version of the open database. */
int store_schema_version(struct store *st);

/* ---- Users ---- */

struct store_user {
    int64_t id;
    char name[OKR_NAME_MAX + 1];
    char password_hash[256]; /* the KDF's self-describing string */
    int admin;
    int disabled;
    int64_t created_ms;
};

/* Adds a user; *id_out gets the new id. CAS_EEXIST when the name is taken. */
int store_user_add(struct store *st, const char *name, const char *password_hash, int admin,
                   int64_t created_ms, int64_t *id_out);
int store_user_by_name(struct store *st, const char *name, struct store_user *out);
int store_user_by_id(struct store *st, int64_t id, struct store_user *out);
int store_user_count(struct store *st, int64_t *count);
/* Calls cb for every user in name order; a non-zero cb return stops and is returned. */
int store_user_each(struct store *st, int (*cb)(void *ctx, const struct store_user *u), void *ctx);
/* How many administrators are not disabled. */
int store_user_count_admins(struct store *st, int64_t *count);
/* Replaces the user's password hash and, in the same transaction, deletes
 * every session token of the user except keep_token (NULL: every one), so
 * no session opened with the old password outlives it. CAS_ENOTFOUND when
 * there is no such user. */
int store_user_set_password(struct store *st, int64_t id, const char *password_hash,
                            const uint8_t *keep_token);
/* Marks the user disabled and deletes all their session tokens, in one
 * transaction. CAS_ENOTFOUND when there is no such user. */
int store_user_disable(struct store *st, int64_t id);
/* Lets a disabled user log in again. CAS_ENOTFOUND when there is no such user. */
int store_user_enable(struct store *st, int64_t id);

/* ---- Session tokens, stored by their SHA-256 hash ---- */

int store_token_add(struct store *st, const uint8_t hash[32], int64_t user_id,
                    int64_t created_ms, int64_t expires_ms);
int store_token_get(struct store *st, const uint8_t hash[32], int64_t *user_id,
                    int64_t *expires_ms);
int store_token_delete(struct store *st, const uint8_t hash[32]);
/* Deletes every token of the user. */
int store_token_delete_user(struct store *st, int64_t user_id);

/* ---- Workshops and participants ---- */

/* A workshop's check-in cadence as stored (live/cadence_timer.h reads it). */
struct store_schedule {
    char period_from[16], period_to[16]; /* "2026-07-01"; "" when the period has no dates */
    char timezone[64];                   /* "UTC" unless set */
    char cadence[16];                    /* "weekly:mon", ...; "off" */
    int64_t done_ms;                     /* due dates up to here were given as events */
};

struct store_workshop {
    int64_t id;
    char code[16];
    char title[OKR_TITLE_CAP + 1];
    char period[OKR_PERIOD_CAP + 1];
    int64_t created_by; /* user id */
    int64_t created_ms;
    int observer_comments; /* read back by store_workshop_each */
    struct store_schedule schedule; /* read back by store_workshop_each */
    int64_t archived_ms;            /* 0: in service */
    char archived_by[OKR_NAME_MAX + 1];
};

/* Creates a workshop (w->id is ignored; *id_out gets the new one).
 * CAS_EEXIST when the code is taken. */
int store_workshop_add(struct store *st, const struct store_workshop *w, int64_t *id_out);
/* Gives the workshop a new join code. CAS_EEXIST when another has it. */
int store_workshop_set_code(struct store *st, int64_t id, const char *code);

/* Calls cb for every workshop in id order. */
int store_workshop_each(struct store *st,
                        int (*cb)(void *ctx, const struct store_workshop *w), void *ctx);

/* Roles as in cascade.v1.Role: 1 facilitator, 2 member, 3 observer. */
int store_participant_set(struct store *st, int64_t workshop_id, int64_t user_id, int role,
                          int64_t joined_ms);
/* One participant's row (role 0: removed). */
struct store_participant {
    int64_t user_id;
    int role;
    int64_t joined_ms;
    int64_t last_seen_ms; /* 0: never seen */
};

/* Calls cb for every participant of the workshop. */
int store_participant_each(struct store *st, int64_t workshop_id,
                           int (*cb)(void *ctx, const struct store_participant *p), void *ctx);

/* Notes when a participant was last seen (within the caller's transaction,
 * or on its own). */
int store_participant_seen(struct store *st, int64_t workshop_id, int64_t user_id,
                           int64_t last_seen_ms);

/* The workshop's settings (written within a batch's commit). */
int store_workshop_set_observer_comments(struct store *st, int64_t workshop_id, int on);
/* The period's text and the cadence (within a batch's commit). */
int store_workshop_set_schedule(struct store *st, int64_t workshop_id, const char *period,
                                const struct store_schedule *s);
/* The period's text (period, OKR_PERIOD_CAP + 1 bytes) and the cadence as
 * stored. CAS_ENOTFOUND when there is no such workshop. */
int store_workshop_schedule(struct store *st, int64_t workshop_id, char *period,
                            struct store_schedule *out);
/* How far the cadence's due dates have been given (within a batch's
 * commit, or on its own). */
int store_workshop_set_cadence_done(struct store *st, int64_t workshop_id, int64_t done_ms);

/* Operating the server (handlers/handle_admin_workshops.c). */
/* Archives the workshop (at_ms, by whom) or, with at_ms 0, puts it back in
 * service. */
int store_workshop_set_archived(struct store *st, int64_t workshop_id, int64_t at_ms,
                                const char *by);
/* Deletes the workshop and every row of every table that names it, in one
 * transaction. */
int store_workshop_delete(struct store *st, int64_t workshop_id);
/* The time of the workshop's last event; 0 when it has none. */
int store_workshop_last_event_ms(struct store *st, int64_t workshop_id, int64_t *out);
/* The sizes of the database file and its write-ahead log, in bytes (0 for
 * one that does not exist). */
void store_file_sizes(struct store *st, uint64_t *db, uint64_t *wal);

/* Removes a participant, within the caller's transaction (a batch's
 * commit): their role becomes 0 (removed, so the workshop's own code no
 * longer lets them in), now_ms is kept as the time of removal, and their
 * team memberships go. */
int store_participant_drop(struct store *st, int64_t workshop_id, int64_t user_id,
                           int64_t now_ms);

/* When the user was last removed from the workshop (Unix ms; 0: never).
 * CAS_ENOTFOUND when they never took part. */
int store_participant_removed_ms(struct store *st, int64_t workshop_id, int64_t user_id,
                                 int64_t *removed_ms);

/* ---- Team membership and invites ---- */

/* Makes the user a member of team (a team number); adding twice is no error. */
int store_team_member_add(struct store *st, int64_t workshop_id, uint32_t team, int64_t user_id);
/* Ends one team membership (no error when there is none). */
int store_team_member_remove(struct store *st, int64_t workshop_id, uint32_t team,
                             int64_t user_id);
/* Calls cb for every (team, user) pair of the workshop. */
int store_team_member_each(struct store *st, int64_t workshop_id,
                           int (*cb)(void *ctx, uint32_t team, int64_t user_id), void *ctx);

struct store_invite {
    int64_t workshop_id;
    int role;      /* cascade.v1.Role */
    uint32_t team; /* 0: none */
    int64_t expires_ms; /* Unix ms after which the code is refused; 0: never */
    int64_t created_ms; /* read back by store_invite_get; store_invite_add takes it apart */
    /* Read back by store_invite_get and store_invite_each: */
    uint32_t uses;      /* joins it let in */
    int64_t revoked_ms; /* 0: not revoked */
    char code[16];                        /* store_invite_each only */
    char created_by[OKR_NAME_MAX + 1];    /* store_invite_each only */
};

/* Stores an invite code. CAS_EEXIST when the code is taken. */
int store_invite_add(struct store *st, const char *code, const struct store_invite *inv,
                     int64_t created_by, int64_t created_ms);
/* Looks an invite code up. CAS_ENOTFOUND when there is none. */
int store_invite_get(struct store *st, const char *code, struct store_invite *out);
/* Counts one more join by the code (within a batch's commit). */
int store_invite_used(struct store *st, const char *code);
/* Revokes the workshop's invite code at now_ms, by `by`. CAS_ENOTFOUND when
 * the workshop has no such code not yet revoked. */
int store_invite_revoke(struct store *st, int64_t workshop_id, const char *code, int64_t now_ms,
                        const char *by);
/* Calls cb for the workshop's invites, newest first, at most `limit`. */
int store_invite_each(struct store *st, int64_t workshop_id, size_t limit,
                      int (*cb)(void *ctx, const struct store_invite *inv), void *ctx);
/* How many of the workshop's invites still admit someone at now_ms. */
int store_invite_count_open(struct store *st, int64_t workshop_id, int64_t now_ms,
                            int64_t *count);

/* ---- The cascade's current state ---- */

/* Fills state (initialised by the caller, empty) with the workshop's teams,
 * objectives, key results, id counters and last event seq. */
int store_state_load(struct store *st, int64_t workshop_id, struct okr_state *state);
/* The seq of the workshop's last event (0: none). */
int store_workshop_last_seq(struct store *st, int64_t workshop_id, uint64_t *out);

/* ---- Writing a batch of changes in one transaction ----
 * store_begin, then any number of the calls below, then store_commit (or
 * store_rollback after a failure: nothing of the batch remains). On
 * PostgreSQL the first failed call ends the batch: every later call and
 * the commit fail, and only store_rollback is left to do. */
int store_begin(struct store *st);
int store_commit(struct store *st);
void store_rollback(struct store *st);

/* Appends one event to the log. (workshop_id, seq) is unique. */
int store_event_append(struct store *st, int64_t workshop_id, uint64_t seq, const char *actor,
                       int64_t time_ms, const char *type, const char *entity,
                       const uint8_t *payload, size_t len);
/* Inserts or replaces an entity row with its current values. */
int store_team_save(struct store *st, int64_t workshop_id, const struct okr_team *t);
int store_objective_save(struct store *st, int64_t workshop_id, const struct okr_objective *o);
int store_key_result_save(struct store *st, int64_t workshop_id, const struct okr_key_result *k);
int store_initiative_save(struct store *st, int64_t workshop_id, const struct okr_initiative *i);
int store_dependency_save(struct store *st, int64_t workshop_id, const struct okr_dependency *d);
int store_comment_save(struct store *st, int64_t workshop_id, const struct okr_comment *c);
/* Deleting an objective deletes the comments on it; deleting a key result
 * also its initiatives and dependencies, as okr_*_remove does in memory. */
int store_objective_delete(struct store *st, int64_t workshop_id, uint32_t num);
/* Deleting a team deletes its memberships. */
int store_team_delete(struct store *st, int64_t workshop_id, uint32_t num);
int store_key_result_delete(struct store *st, int64_t workshop_id, uint32_t num);
/* Deletes one comment; no error when it is gone already. */
int store_comment_delete(struct store *st, int64_t workshop_id, uint32_t num);
/* Ideas and the dot vote (store_ideas.c). An idea's text and author never
 * change once saved. */
int store_idea_save(struct store *st, int64_t workshop_id, const struct okr_idea *i);
int store_vote_save(struct store *st, int64_t workshop_id, const struct okr_vote *v);
/* The voter's dots on one idea (count 0 deletes the row). */
int store_ballot_save(struct store *st, int64_t workshop_id, const char *voter, uint32_t idea,
                      uint32_t count);
/* Every ballot of the workshop (a new vote starts). */
int store_ballots_delete(struct store *st, int64_t workshop_id);
/* Loads the ideas, the vote and the ballots into state (store_state_load). */
int store_ideas_load(struct store *st, int64_t workshop_id, struct okr_state *state);

/* Saves the workshop's id counters (next_team, next_objective, next_key_result,
 * next_initiative, next_comment). */
int store_counters_save(struct store *st, int64_t workshop_id, const struct okr_state *state);

/* ---- Closing the quarter (store_closing.c) ---- */

/* Writes whether the workshop is closed, by whom and when, and the grades
 * fixed at its close, as state holds them now: a closed state saves its
 * closure and every graded objective and key result (replacing what was
 * there); an open one deletes them. */
int store_closing_save(struct store *st, int64_t workshop_id, const struct okr_state *state);

/* Loads the closure and the fixed grades into state, whose objectives and
 * key results are loaded already (store_state_load). */
int store_closing_load(struct store *st, int64_t workshop_id, struct okr_state *state);

/* ---- A workshop's agenda (store_agenda.c) ---- */

struct agenda;

/* Writes the workshop's agenda whole (inside a batch's transaction, or on
 * its own for a timer checkpoint). */
int store_agenda_save(struct store *st, int64_t workshop_id, const struct agenda *a);

/* Reads the workshop's agenda into a (initialised by the caller; left
 * empty when the workshop has none). CAS_EINVAL for a row that does not
 * hold a valid agenda. */
int store_agenda_load(struct store *st, int64_t workshop_id, struct agenda *a);
/* ---- Confidence rounds (store_round.c) ----
 * Each person's value lives only here until the reveal: the event log
 * never holds it. Writes run within a batch's commit. */

struct store_round {
    uint32_t number;
    int open, applied;
    char started_by[OKR_NAME_MAX + 1];
    int64_t started_ms;
    uint64_t started_seq;
    char revealed_by[OKR_NAME_MAX + 1];
    int64_t revealed_ms;
    uint64_t revealed_seq;
};

/* Adds an open round (number, started_*) with the key results it covers. */
int store_round_add(struct store *st, int64_t workshop_id, const struct store_round *r,
                    const uint32_t *key_results, size_t n);
/* Closes round `number`: revealed by whom, when, at which seq, applied or not. */
int store_round_reveal(struct store *st, int64_t workshop_id, uint32_t number, int applied,
                       const char *by, int64_t ms, uint64_t seq);
/* Sets (adds or replaces) user's value for key_result in round `number`. */
int store_round_submit(struct store *st, int64_t workshop_id, uint32_t number,
                       uint32_t key_result, const char *user, double confidence, int64_t ms);
/* The workshop's latest round; CAS_ENOTFOUND when it never had one. */
int store_round_latest(struct store *st, int64_t workshop_id, struct store_round *out);
/* Calls cb for each key result round `number` covers, ascending. */
int store_round_key_result_each(struct store *st, int64_t workshop_id, uint32_t number,
                                int (*cb)(void *ctx, uint32_t key_result), void *ctx);
/* Calls cb for each value of round `number`. */
int store_round_submission_each(struct store *st, int64_t workshop_id, uint32_t number,
                                int (*cb)(void *ctx, uint32_t key_result, const char *user,
                                          double confidence),
                                void *ctx);

/* ---- Reading history ---- */

/* Calls cb with each event's encoded payload for seq > since_seq, in seq
 * order. A non-zero cb return stops and is returned. */
int store_event_each(struct store *st, int64_t workshop_id, uint64_t since_seq,
                     int (*cb)(void *ctx, uint64_t seq, const uint8_t *payload, size_t len),
                     void *ctx);

/* Like store_event_each, for the events of one entity ("K3"), oldest first:
 * a key result's history. */
int store_event_each_entity(struct store *st, int64_t workshop_id, const char *entity,
                            int (*cb)(void *ctx, uint64_t seq, const uint8_t *payload, size_t len),
                            void *ctx);

/* ---- Several nodes on one database (store_cluster.c) ----
 * On SQLite the file has one server: the lock and the notification do
 * nothing and listening is refused. */

/* Whether other nodes may write the same database (PostgreSQL). */
int store_shared(const struct store *st);
/* Begins a read whose statements all see one snapshot; store_commit ends
 * it. */
int store_begin_read(struct store *st);
/* Within a batch: waits for the workshop's lock, held to the commit, and
 * reads its last seq, which no other node can move on until then. */
int store_workshop_lock(struct store *st, int64_t workshop_id, uint64_t *seq);
/* Takes the lock if it is free (*got 1), or not (*got 0). */
int store_workshop_try_lock(struct store *st, int64_t workshop_id, int *got);
/* Within a batch: tells every listening node, at the commit, that the
 * workshop reached seq. */
int store_workshop_notify(struct store *st, int64_t workshop_id, uint64_t seq);
/* A workshop's row by its id or code. CAS_ENOTFOUND when there is none. */
int store_workshop_by_id(struct store *st, int64_t id, struct store_workshop *out);
int store_workshop_by_code(struct store *st, const char *code, struct store_workshop *out);
/* Calls cb with every workshop's id and last seq. */
int store_workshop_seqs(struct store *st, int (*cb)(void *ctx, int64_t id, uint64_t seq),
                        void *ctx);
/* Listens for the notifications of commits; store_listen_socket is the
 * connection's socket to poll (-1 when down), store_notifications reads
 * what arrived and calls cb for each. CAS_ESTORAGE when the connection
 * is down: store_reconnect, then store_listen again. */
struct store_notice_handlers {
    int (*committed)(void *ctx, int64_t workshop_id, uint64_t seq);
    /* What store_notify sent on each channel. */
    void (*guess)(void *ctx, const char *payload);
    void (*presence)(void *ctx, const char *payload);
    void (*sessions)(void *ctx, const char *payload);
};
int store_listen(struct store *st);
int store_listen_socket(struct store *st);
int store_notifications(struct store *st, const struct store_notice_handlers *h, void *ctx);
/* Tells every listening node (itself too), at once and outside any
 * transaction: a guessed password or join code, a change of presence, or
 * sessions ended (the payload is the caller's). */
enum store_channel { STORE_CHANNEL_GUESSES, STORE_CHANNEL_PRESENCE, STORE_CHANNEL_SESSIONS };
int store_notify(struct store *st, enum store_channel channel, const char *payload);
/* Copies every row of a SQLite store into an empty PostgreSQL one, in one
 * transaction, and checks every table's row count (store_migrate.c).
 * *tables and *rows get what was copied. CAS_EEXIST when the PostgreSQL
 * database holds data already; otherwise 0 or an error with err. */
int store_migrate(struct store *from, struct store *to, int64_t *tables, int64_t *rows, char *err,
                  size_t errlen);

/* Tries to bring a lost connection back (at most once a second); 0 when
 * it is up. */
int store_reconnect(struct store *st);
/* Uses an idle connection, so that one the server dropped (a restart) is
 * found and made again before a change needs it. */
int store_ping(struct store *st);

#endif
