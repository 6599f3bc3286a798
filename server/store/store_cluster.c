/* What several cascaded nodes sharing one PostgreSQL database need of the
 * store: a workshop's lock and seq, the notification of a commit, and
 * reading what other nodes changed. With SQLite, one node has the file to
 * itself, so the lock and the notification do nothing. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "store_internal.h"

int store_shared(const struct store *st)
{
    return st->db.kind == DB_POSTGRES;
}

int store_begin_read(struct store *st)
{
    return db_run(st, st->stmt[ST_BEGIN_READ], SQLITE_OK, 0, "begin a read");
}

/* Runs a one-parameter statement that answers one integer. */
static int one_int(struct store *st, enum store_stmt id, int64_t arg, int64_t *out,
                   const char *what)
{
    struct db_stmt *s = st->stmt[id];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, arg, &rc);
    int ret = db_step_row(st, s, rc, what);
    if (ret == 0 && out != NULL)
        *out = db_col_i64(s, 0);
    db_done(s);
    return ret;
}

int store_workshop_lock(struct store *st, int64_t workshop_id, uint64_t *seq)
{
    int rc = 0;
    if (store_shared(st))
        rc = one_int(st, ST_WORKSHOP_LOCK, workshop_id, NULL, "lock a workshop");
    /* Read after the lock is taken: in PostgreSQL a statement sees what was
     * committed when it started, so the read cannot share the lock's. */
    if (rc == 0)
        rc = store_workshop_last_seq(st, workshop_id, seq);
    return rc;
}

int store_workshop_try_lock(struct store *st, int64_t workshop_id, int *got)
{
    *got = 1;
    if (!store_shared(st))
        return 0;
    int64_t v = 0;
    int rc = one_int(st, ST_WORKSHOP_TRY_LOCK, workshop_id, &v, "try a workshop's lock");
    *got = rc == 0 && v == 1;
    return rc;
}

int store_workshop_notify(struct store *st, int64_t workshop_id, uint64_t seq)
{
    if (!store_shared(st))
        return 0;
    char payload[48];
    snprintf(payload, sizeof payload, "%" PRId64 ":%" PRIu64, workshop_id, seq);
    struct db_stmt *s = st->stmt[ST_WORKSHOP_NOTIFY];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, payload, &rc);
    return db_run(st, s, rc, 0, "notify the other nodes");
}

/* One row of ST_WORKSHOP_BY_ID or _BY_CODE. */
static int workshop_get(struct store *st, struct db_stmt *s, int rc, struct store_workshop *out)
{
    int ret = db_step_row(st, s, rc, "read a workshop");
    if (ret == 0)
        store_read_workshop(s, out);
    db_done(s);
    return ret;
}

int store_workshop_by_id(struct store *st, int64_t id, struct store_workshop *out)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_BY_ID];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, id, &rc);
    return workshop_get(st, s, rc, out);
}

int store_workshop_by_code(struct store *st, const char *code, struct store_workshop *out)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_BY_CODE];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, code, &rc);
    return workshop_get(st, s, rc, out);
}

int store_workshop_seqs(struct store *st, int (*cb)(void *ctx, int64_t id, uint64_t seq),
                        void *ctx)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SEQS];
    int rc, ret = 0;
    while ((rc = db_step(s)) == SQLITE_ROW) {
        ret = cb(ctx, db_col_i64(s, 0), (uint64_t)db_col_i64(s, 1));
        if (ret != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "read the workshops' seqs");
    db_done(s);
    return ret;
}

int store_listen(struct store *st)
{
    if (!store_shared(st))
        return CAS_EINVAL;
    return db_pg_listen(&st->db, STORE_PG_CHANNEL) == SQLITE_OK &&
                   db_pg_listen(&st->db, STORE_PG_GUESS_CHANNEL) == SQLITE_OK &&
                   db_pg_listen(&st->db, STORE_PG_PRESENCE_CHANNEL) == SQLITE_OK &&
                   db_pg_listen(&st->db, STORE_PG_SESSIONS_CHANNEL) == SQLITE_OK
               ? 0
               : CAS_ESTORAGE;
}

int store_notify(struct store *st, enum store_channel channel, const char *payload)
{
    if (!store_shared(st))
        return 0;
    struct db_stmt *s = st->stmt[ST_NOTIFY];
    int rc = SQLITE_OK;
    static const char *const NAMES[] = {
        [STORE_CHANNEL_GUESSES] = STORE_PG_GUESS_CHANNEL,
        [STORE_CHANNEL_PRESENCE] = STORE_PG_PRESENCE_CHANNEL,
        [STORE_CHANNEL_SESSIONS] = STORE_PG_SESSIONS_CHANNEL,
    };
    db_bind_text(s, 1, NAMES[channel], &rc);
    db_bind_text(s, 2, payload, &rc);
    return db_run(st, s, rc, 0, "tell the other nodes");
}

int store_listen_socket(struct store *st)
{
    return store_shared(st) ? db_pg_socket(&st->db) : -1;
}

struct notify_ctx {
    const struct store_notice_handlers *h;
    void *ctx;
};

/* A commit is "workshop-id:seq"; anything else on that channel is ignored. */
static void on_notify(void *vctx, const char *channel, const char *payload)
{
    struct notify_ctx *n = vctx;
    if (strcmp(channel, STORE_PG_GUESS_CHANNEL) == 0) {
        n->h->guess(n->ctx, payload);
        return;
    }
    if (strcmp(channel, STORE_PG_PRESENCE_CHANNEL) == 0) {
        n->h->presence(n->ctx, payload);
        return;
    }
    if (strcmp(channel, STORE_PG_SESSIONS_CHANNEL) == 0) {
        n->h->sessions(n->ctx, payload);
        return;
    }
    int64_t id;
    uint64_t seq;
    char end;
    if (sscanf(payload, "%" SCNd64 ":%" SCNu64 "%c", &id, &seq, &end) == 2)
        (void)n->h->committed(n->ctx, id, seq);
}

int store_notifications(struct store *st, const struct store_notice_handlers *h, void *ctx)
{
    if (!store_shared(st))
        return CAS_EINVAL;
    struct notify_ctx n = {.h = h, .ctx = ctx};
    return db_pg_notifies(&st->db, on_notify, &n) == SQLITE_OK ? 0 : CAS_ESTORAGE;
}

int store_reconnect(struct store *st)
{
    if (!store_shared(st))
        return 0;
    return db_pg_connected(&st->db) ? 0 : CAS_ESTORAGE;
}

int store_ping(struct store *st)
{
    if (!store_shared(st) || db_in_transaction(&st->db))
        return 0;
    /* A dead connection shows only when used; the second try makes it
     * again (at most once a second). */
    if (db_exec(&st->db, "SELECT 1") == SQLITE_OK || db_exec(&st->db, "SELECT 1") == SQLITE_OK)
        return 0;
    return CAS_ESTORAGE;
}
