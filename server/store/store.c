#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "store_internal.h"

/* ---- Error mapping and statement helpers ---- */

int db_fail(struct store *st, int rc, const char *what)
{
    switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
        return CAS_EEXIST;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
        return CAS_ENOTFOUND;
    default:
        log_error("The database failed to %s: %s (code %d).", what, db_errmsg(&st->db), rc);
        return CAS_ESTORAGE;
    }
}

void db_done(struct db_stmt *s)
{
    db_reset(s);
}

/* The bind helpers keep the first failure in *rc and do nothing after it, so
 * a function binds all its parameters and checks once. */
void db_bind_i64(struct db_stmt *s, int i, int64_t v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = db_bind_int64(s, i, v);
}

void db_bind_double(struct db_stmt *s, int i, double v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = db_bind_real(s, i, v);
}

/* NULL binds SQL NULL. The text must outlive the statement's use, which every
 * caller guarantees by resetting before it returns. */
void db_bind_text(struct db_stmt *s, int i, const char *v, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = db_bind_textn(s, i, v, v != NULL ? strlen(v) : 0);
}

/* For NOT NULL columns: a missing string is stored as "". */
void db_bind_text_nn(struct db_stmt *s, int i, const char *v, int *rc)
{
    db_bind_text(s, i, v != NULL ? v : "", rc);
}

/* For the fixed-size arrays of the store structs, which may lack a NUL. */
void db_bind_text_n(struct db_stmt *s, int i, const char *v, size_t max, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = db_bind_textn(s, i, v, strnlen(v, max));
}

void db_bind_blob(struct db_stmt *s, int i, const void *v, size_t len, int *rc)
{
    if (*rc == SQLITE_OK)
        *rc = db_bind_bytes(s, i, v, len);
}

int db_run(struct store *st, struct db_stmt *s, int rc, int must_change, const char *what)
{
    if (rc == SQLITE_OK)
        rc = db_step(s);
    int ret = 0;
    if (rc == SQLITE_ROW) /* a write's RETURNING row */
        rc = SQLITE_DONE;
    if (rc != SQLITE_DONE)
        ret = db_fail(st, rc, what);
    else if (must_change && db_changes(s) == 0)
        ret = CAS_ENOTFOUND;
    db_done(s);
    return ret;
}

int db_step_row(struct store *st, struct db_stmt *s, int rc, const char *what)
{
    if (rc == SQLITE_OK)
        rc = db_step(s);
    if (rc == SQLITE_ROW)
        return 0;
    return rc == SQLITE_DONE ? CAS_ENOTFOUND : db_fail(st, rc, what);
}

void db_column_copy(struct db_stmt *s, int col, char *out, size_t outlen)
{
    const char *v = db_col_text(s, col);
    snprintf(out, outlen, "%s", v != NULL ? v : "");
}

char *db_column_dup(struct db_stmt *s, int col)
{
    const char *v = db_col_text(s, col);
    return strdup(v != NULL ? v : "");
}

/* ---- Opening, migrating, closing ---- */

static int exec_sql(sqlite3 *db, const char *sql, const char *path, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return 0;
    cas_errorf(err, errlen,
               "Cannot set up the database %s: %s; check the disk and the file's permissions.",
               path, msg != NULL ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return CAS_ESTORAGE;
}

/* Runs a PRAGMA that answers with one text row and copies the answer. */
static int pragma_text(sqlite3 *db, const char *sql, char *out, size_t outlen, const char *path,
                       char *err, size_t errlen)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        snprintf(out, outlen, "%s", v != NULL ? (const char *)v : "");
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_OK)
        cas_errorf(err, errlen,
                   "Cannot read the database %s: %s; check that it is a Cascade database and"
                   " readable.",
                   path, sqlite3_errmsg(db));
    (void)sqlite3_finalize(s);
    return rc == SQLITE_OK ? 0 : CAS_ESTORAGE;
}

static int read_version(sqlite3 *db, int *version, const char *path, char *err, size_t errlen)
{
    char text[32];
    int rc = pragma_text(db, "PRAGMA user_version", text, sizeof text, path, err, errlen);
    if (rc == 0)
        *version = atoi(text);
    return rc;
}

static int refuse_newer(int version, const char *path, char *err, size_t errlen)
{
    cas_errorf(err, errlen,
               "The database %s has schema version %d, newer than this cascaded understands (%d);"
               " run a newer cascaded.",
               path, version, STORE_SCHEMA_VERSION);
    return CAS_EINVAL;
}

/* Takes the database one schema version forward in one transaction, or finds
 * that there is nothing to do. The version is read inside the transaction so
 * that a second process migrating the same file at the same moment finds the
 * work done instead of repeating it. *version gets the version reached. */
static int migrate_one(sqlite3 *db, int *version, const char *path, char *err, size_t errlen)
{
    int rc = exec_sql(db, "BEGIN IMMEDIATE", path, err, errlen);
    if (rc != 0)
        return rc;
    rc = read_version(db, version, path, err, errlen);
    if (rc != 0)
        goto fail;
    if (*version > STORE_SCHEMA_VERSION) {
        rc = refuse_newer(*version, path, err, errlen);
        goto fail;
    }
    if (*version < STORE_SCHEMA_VERSION) {
        rc = exec_sql(db, STORE_MIGRATIONS[*version], path, err, errlen);
        if (rc != 0)
            goto fail;
        /* PRAGMA takes no parameters; the number is ours, not user text. */
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", *version + 1);
        rc = exec_sql(db, sql, path, err, errlen);
        if (rc != 0)
            goto fail;
        (*version)++;
        log_info("The database %s is migrated to schema version %d.", path, *version);
    }
    rc = exec_sql(db, "COMMIT", path, err, errlen);
    if (rc != 0)
        goto fail;
    return 0;

fail:
    /* Best effort: closing the connection would roll back anyway. */
    (void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static int migrate(sqlite3 *db, const char *path, char *err, size_t errlen)
{
    int version = 0;
    do {
        int rc = migrate_one(db, &version, path, err, errlen);
        if (rc != 0)
            return rc;
    } while (version < STORE_SCHEMA_VERSION);
    return 0;
}

static int open_sqlite(struct store **out, const char *path, enum store_sync sync, char *err,
                       size_t errlen)
{
    struct store *st = calloc(1, sizeof *st);
    if (st == NULL) {
        cas_errorf(err, errlen, "Out of memory opening the database %s.", path);
        return CAS_ENOMEM;
    }
    st->db.kind = DB_SQLITE;
    int rc = sqlite3_open_v2(path, &st->db.sq,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK) {
        cas_errorf(err, errlen,
                   "Cannot open the database %s: %s; check that its directory exists and is"
                   " writable.",
                   path, st->db.sq != NULL ? sqlite3_errmsg(st->db.sq) : sqlite3_errstr(rc));
        rc = rc == SQLITE_NOMEM ? CAS_ENOMEM : CAS_ESTORAGE;
        goto fail;
    }
    if (sqlite3_extended_result_codes(st->db.sq, 1) != SQLITE_OK ||
        sqlite3_busy_timeout(st->db.sq, 5000) != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot configure the database %s: %s.", path,
                   db_errmsg(&st->db));
        rc = CAS_ESTORAGE;
        goto fail;
    }

    /* Refuse a newer database before anything here writes to it. */
    int version;
    rc = read_version(st->db.sq, &version, path, err, errlen);
    if (rc != 0)
        goto fail;
    if (version > STORE_SCHEMA_VERSION) {
        rc = refuse_newer(version, path, err, errlen);
        goto fail;
    }

    char mode[16];
    rc = pragma_text(st->db.sq, "PRAGMA journal_mode = WAL", mode, sizeof mode, path, err, errlen);
    if (rc != 0)
        goto fail;
    if (strcmp(mode, "wal") != 0) {
        cas_errorf(err, errlen,
                   "The database %s cannot use write-ahead logging (its journal mode stays %s);"
                   " put the data directory on a local file system.",
                   path, mode);
        rc = CAS_ESTORAGE;
        goto fail;
    }
    rc = exec_sql(st->db.sq, sync == STORE_SYNC_NORMAL ? "PRAGMA synchronous = NORMAL"
                                                     : "PRAGMA synchronous = FULL",
                  path, err, errlen);
    if (rc != 0)
        goto fail;
    rc = exec_sql(st->db.sq, "PRAGMA foreign_keys = ON", path, err, errlen);
    if (rc != 0)
        goto fail;
    char fk[8];
    rc = pragma_text(st->db.sq, "PRAGMA foreign_keys", fk, sizeof fk, path, err, errlen);
    if (rc != 0)
        goto fail;
    if (strcmp(fk, "1") != 0) {
        cas_errorf(err, errlen,
                   "The SQLite library cannot enforce foreign keys; build cascaded against one"
                   " that can.");
        rc = CAS_ESTORAGE;
        goto fail;
    }

    rc = migrate(st->db.sq, path, err, errlen);
    if (rc != 0)
        goto fail;

    rc = store_prepare_all(st, path, err, errlen);
    if (rc != 0)
        goto fail;
    *out = st;
    return 0;

fail:
    store_close(st);
    return rc;
}

int store_prepare_all(struct store *st, const char *where, char *err, size_t errlen)
{
    for (int i = 0; i < ST_COUNT; i++) {
        const char *sql = st->db.kind == DB_POSTGRES && STORE_SQL_PG[i] != NULL ? STORE_SQL_PG[i]
                                                                                : STORE_SQL[i];
        if (db_prepare(&st->db, sql, &st->stmt[i]) != SQLITE_OK) {
            cas_errorf(err, errlen,
                       "The database %s does not match the schema this cascaded expects: %s;"
                       " restore it from a backup.",
                       where, db_errmsg(&st->db));
            return CAS_ESTORAGE;
        }
    }
    return 0;
}

int store_open(struct store **out, const char *where, enum store_sync sync, char *err,
               size_t errlen)
{
    *out = NULL;
    if (store_is_url(where))
        return store_open_pg(out, where, err, errlen);
    return open_sqlite(out, where, sync, err, errlen);
}

int store_is_url(const char *where)
{
    return strncmp(where, "postgresql://", 13) == 0 || strncmp(where, "postgres://", 11) == 0;
}

enum store_kind store_kind(const struct store *st)
{
    return st->db.kind == DB_POSTGRES ? STORE_POSTGRES : STORE_SQLITE;
}

void store_close(struct store *st)
{
    if (st == NULL)
        return;
    for (int i = 0; i < ST_COUNT; i++)
        db_finalize(st->stmt[i]);
    db_close(&st->db);
    free(st);
}

int store_schema_version(struct store *st)
{
    struct db_stmt *s = st->stmt[ST_USER_VERSION];
    int rc = db_step_row(st, s, SQLITE_OK, "read the schema version");
    int version = rc == 0 ? db_col_int(s, 0) : rc;
    db_done(s);
    return version;
}

/* ---- Users ---- */

static void read_user(struct db_stmt *s, struct store_user *u)
{
    memset(u, 0, sizeof *u);
    u->id = db_col_i64(s, 0);
    db_column_copy(s, 1, u->name, sizeof u->name);
    db_column_copy(s, 2, u->password_hash, sizeof u->password_hash);
    u->admin = db_col_int(s, 3);
    u->disabled = db_col_int(s, 4);
    u->created_ms = db_col_i64(s, 5);
}

int store_user_add(struct store *st, const char *name, const char *password_hash, int admin,
                   int64_t created_ms, int64_t *id_out)
{
    /* What would not fit struct store_user could never be read back whole. */
    if (name == NULL || password_hash == NULL || strlen(name) > OKR_NAME_MAX ||
        strlen(password_hash) >= sizeof ((struct store_user *)0)->password_hash)
        return CAS_EINVAL;
    struct db_stmt *s = st->stmt[ST_USER_ADD];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, name, &rc);
    db_bind_text(s, 2, password_hash, &rc);
    db_bind_i64(s, 3, admin != 0, &rc);
    db_bind_i64(s, 4, created_ms, &rc);
    int ret = db_step_row(st, s, rc, "add a user");
    if (ret == 0 && id_out != NULL)
        *id_out = db_col_i64(s, 0); /* RETURNING id */
    db_done(s);
    return ret;
}

static int user_get(struct store *st, struct db_stmt *s, int rc, struct store_user *out)
{
    int ret = db_step_row(st, s, rc, "look up a user");
    if (ret == 0)
        read_user(s, out);
    db_done(s);
    return ret;
}

int store_user_by_name(struct store *st, const char *name, struct store_user *out)
{
    struct db_stmt *s = st->stmt[ST_USER_BY_NAME];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, name, &rc);
    return user_get(st, s, rc, out);
}

int store_user_by_id(struct store *st, int64_t id, struct store_user *out)
{
    struct db_stmt *s = st->stmt[ST_USER_BY_ID];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, id, &rc);
    return user_get(st, s, rc, out);
}

int store_user_count(struct store *st, int64_t *count)
{
    struct db_stmt *s = st->stmt[ST_USER_COUNT];
    int ret = db_step_row(st, s, SQLITE_OK, "count users");
    if (ret == 0)
        *count = db_col_i64(s, 0);
    db_done(s);
    return ret;
}

int store_user_each(struct store *st, int (*cb)(void *ctx, const struct store_user *u), void *ctx)
{
    struct db_stmt *s = st->stmt[ST_USER_EACH];
    int rc, ret = 0;
    while ((rc = db_step(s)) == SQLITE_ROW) {
        struct store_user u;
        read_user(s, &u);
        ret = cb(ctx, &u);
        if (ret != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list users");
    db_done(s);
    return ret;
}

int store_user_count_admins(struct store *st, int64_t *count)
{
    struct db_stmt *s = st->stmt[ST_USER_COUNT_ADMINS];
    int ret = db_step_row(st, s, SQLITE_OK, "count administrators");
    if (ret == 0)
        *count = db_col_i64(s, 0);
    db_done(s);
    return ret;
}

/* Deletes the user's tokens but keep_token (NULL: all of them). */
static int delete_tokens(struct store *st, int64_t id, const uint8_t *keep_token)
{
    int rc = SQLITE_OK;
    if (keep_token == NULL) {
        struct db_stmt *s = st->stmt[ST_TOKEN_DELETE_USER];
        db_bind_i64(s, 1, id, &rc);
        return db_run(st, s, rc, 0, "delete a user's session tokens");
    }
    struct db_stmt *s = st->stmt[ST_TOKEN_DELETE_USER_EXCEPT];
    db_bind_i64(s, 1, id, &rc);
    db_bind_blob(s, 2, keep_token, 32, &rc);
    return db_run(st, s, rc, 0, "delete a user's other session tokens");
}

int store_user_set_password(struct store *st, int64_t id, const char *password_hash,
                            const uint8_t *keep_token)
{
    if (password_hash == NULL ||
        strlen(password_hash) >= sizeof ((struct store_user *)0)->password_hash)
        return CAS_EINVAL;
    int ret = store_begin(st);
    if (ret != 0)
        return ret;
    struct db_stmt *s = st->stmt[ST_USER_SET_PASSWORD];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, password_hash, &rc);
    db_bind_i64(s, 2, id, &rc);
    ret = db_run(st, s, rc, 1, "change a password");
    if (ret == 0)
        ret = delete_tokens(st, id, keep_token);
    if (ret == 0)
        ret = store_commit(st);
    if (ret != 0)
        store_rollback(st);
    return ret;
}

int store_user_enable(struct store *st, int64_t id)
{
    struct db_stmt *s = st->stmt[ST_USER_SET_DISABLED];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, 0, &rc);
    db_bind_i64(s, 2, id, &rc);
    return db_run(st, s, rc, 1, "enable a user");
}

int store_user_disable(struct store *st, int64_t id)
{
    int ret = store_begin(st);
    if (ret != 0)
        return ret;
    struct db_stmt *s = st->stmt[ST_USER_SET_DISABLED];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, 1, &rc);
    db_bind_i64(s, 2, id, &rc);
    ret = db_run(st, s, rc, 1, "disable a user");
    if (ret == 0)
        ret = delete_tokens(st, id, NULL);
    if (ret == 0)
        ret = store_commit(st);
    if (ret != 0)
        store_rollback(st);
    return ret;
}

/* ---- Session tokens ---- */

int store_token_add(struct store *st, const uint8_t hash[32], int64_t user_id,
                    int64_t created_ms, int64_t expires_ms)
{
    struct db_stmt *s = st->stmt[ST_TOKEN_ADD];
    int rc = SQLITE_OK;
    db_bind_blob(s, 1, hash, 32, &rc);
    db_bind_i64(s, 2, user_id, &rc);
    db_bind_i64(s, 3, created_ms, &rc);
    db_bind_i64(s, 4, expires_ms, &rc);
    return db_run(st, s, rc, 0, "add a session token");
}

int store_token_get(struct store *st, const uint8_t hash[32], int64_t *user_id,
                    int64_t *expires_ms)
{
    struct db_stmt *s = st->stmt[ST_TOKEN_GET];
    int rc = SQLITE_OK;
    db_bind_blob(s, 1, hash, 32, &rc);
    int ret = db_step_row(st, s, rc, "look up a session token");
    if (ret == 0) {
        if (user_id != NULL)
            *user_id = db_col_i64(s, 0);
        if (expires_ms != NULL)
            *expires_ms = db_col_i64(s, 1);
    }
    db_done(s);
    return ret;
}

int store_token_delete(struct store *st, const uint8_t hash[32])
{
    struct db_stmt *s = st->stmt[ST_TOKEN_DELETE];
    int rc = SQLITE_OK;
    db_bind_blob(s, 1, hash, 32, &rc);
    return db_run(st, s, rc, 1, "delete a session token");
}

int store_token_delete_user(struct store *st, int64_t user_id)
{
    struct db_stmt *s = st->stmt[ST_TOKEN_DELETE_USER];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, user_id, &rc);
    return db_run(st, s, rc, 0, "delete a user's session tokens");
}

/* ---- Transactions and the event log ---- */

int store_begin(struct store *st)
{
    return db_run(st, st->stmt[ST_BEGIN], SQLITE_OK, 0, "begin a transaction");
}

int store_commit(struct store *st)
{
    return db_run(st, st->stmt[ST_COMMIT], SQLITE_OK, 0, "commit a transaction");
}

/* SQLite itself rolls back on some failures (a full disk, an I/O error), so
 * whether a transaction is still open is asked, not remembered. */
void store_rollback(struct store *st)
{
    if (!db_in_transaction(&st->db))
        return;
    (void)db_run(st, st->stmt[ST_ROLLBACK], SQLITE_OK, 0, "roll back a transaction");
}

int store_event_append(struct store *st, int64_t workshop_id, uint64_t seq, const char *actor,
                       int64_t time_ms, const char *type, const char *entity,
                       const uint8_t *payload, size_t len)
{
    /* SQLite integers are signed; a larger seq would sort before 1. */
    if (seq > INT64_MAX)
        return CAS_EINVAL;
    struct db_stmt *s = st->stmt[ST_EVENT_APPEND];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, (int64_t)seq, &rc);
    db_bind_text_nn(s, 3, actor, &rc);
    db_bind_i64(s, 4, time_ms, &rc);
    db_bind_text_nn(s, 5, type, &rc);
    db_bind_text_nn(s, 6, entity, &rc);
    db_bind_blob(s, 7, payload, len, &rc);
    return db_run(st, s, rc, 0, "append an event");
}

/* Versions are stored as their bit pattern in a signed column and read back
 * the same way, so every uint64_t survives the round trip. */
/* Steps an event query, handing each row's seq and payload to cb. */
/* Events read per statement by store_event_each. */
#define STORE_EVENT_PAGE 1024

static int each_event(struct store *st, struct db_stmt *s, int rc,
                      int (*cb)(void *ctx, uint64_t seq, const uint8_t *payload, size_t len),
                      void *ctx, size_t *rows, uint64_t *last)
{
    int ret = 0;
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            uint64_t seq = (uint64_t)db_col_i64(s, 0);
            size_t len;
            const uint8_t *payload = db_col_blob(s, 1, &len);
            (*rows)++;
            *last = seq;
            ret = cb(ctx, seq, payload, len);
            if (ret != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "read events");
    db_done(s);
    return ret;
}

int store_event_each(struct store *st, int64_t workshop_id, uint64_t since_seq,
                     int (*cb)(void *ctx, uint64_t seq, const uint8_t *payload, size_t len),
                     void *ctx)
{
    if (since_seq > INT64_MAX)
        return 0; /* no stored seq can be larger */
    /* In pages: PostgreSQL hands over a result whole, and a reader that
     * stops early (a replay's chunk) should not have fetched the rest. */
    size_t rows;
    int ret;
    do {
        struct db_stmt *s = st->stmt[ST_EVENT_EACH];
        int rc = SQLITE_OK;
        db_bind_i64(s, 1, workshop_id, &rc);
        db_bind_i64(s, 2, (int64_t)since_seq, &rc);
        db_bind_i64(s, 3, STORE_EVENT_PAGE, &rc);
        rows = 0;
        ret = each_event(st, s, rc, cb, ctx, &rows, &since_seq);
    } while (ret == 0 && rows == STORE_EVENT_PAGE);
    return ret;
}

int store_event_each_entity(struct store *st, int64_t workshop_id, const char *entity,
                            int (*cb)(void *ctx, uint64_t seq, const uint8_t *payload, size_t len),
                            void *ctx)
{
    struct db_stmt *s = st->stmt[ST_EVENT_EACH_ENTITY];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_text(s, 2, entity, &rc);
    size_t rows = 0;
    uint64_t last = 0;
    return each_event(st, s, rc, cb, ctx, &rows, &last);
}
