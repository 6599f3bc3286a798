/* The SQLite half of store_db.h, and the switch between the two. */
#include "store_db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    *out = NULL;
    struct db_stmt *s = calloc(1, sizeof *s);
    if (s == NULL)
        return SQLITE_NOMEM;
    s->db = db;
    int rc = db->kind == DB_SQLITE
                 ? sqlite3_prepare_v3(db->sq, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->sq, NULL)
                 : db_pg_prepare(db, sql, &s->pg);
    if (rc != SQLITE_OK) {
        db_finalize(s);
        return rc;
    }
    *out = s;
    return SQLITE_OK;
}

void db_finalize(struct db_stmt *s)
{
    if (s == NULL)
        return;
    (void)sqlite3_finalize(s->sq); /* it echoes the last step's error, handled then */
    db_pg_finalize(s->pg);
    free(s);
}

int db_step(struct db_stmt *s)
{
    return s->sq != NULL ? sqlite3_step(s->sq) : db_pg_step(s->pg);
}

void db_reset(struct db_stmt *s)
{
    if (s->sq != NULL) {
        (void)sqlite3_reset(s->sq);
        (void)sqlite3_clear_bindings(s->sq);
    } else {
        db_pg_reset(s->pg);
    }
}

int64_t db_changes(struct db_stmt *s)
{
    return s->sq != NULL ? sqlite3_changes64(s->db->sq) : db_pg_changes(s->pg);
}

int db_bind_int64(struct db_stmt *s, int i, int64_t v)
{
    if (s->sq != NULL)
        return sqlite3_bind_int64(s->sq, i, v);
    char text[24];
    snprintf(text, sizeof text, "%lld", (long long)v);
    return db_pg_bind_copy(s->pg, i, text);
}

int db_bind_real(struct db_stmt *s, int i, double v)
{
    if (s->sq != NULL)
        return sqlite3_bind_double(s->sq, i, v);
    char text[32];
    snprintf(text, sizeof text, "%.17g", v); /* round-trips every double */
    return db_pg_bind_copy(s->pg, i, text);
}

int db_bind_textn(struct db_stmt *s, int i, const char *v, size_t len)
{
    if (s->sq != NULL)
        return v == NULL ? sqlite3_bind_null(s->sq, i)
                         : sqlite3_bind_text(s->sq, i, v, (int)len, SQLITE_STATIC);
    return db_pg_bind(s->pg, i, v, len, 0);
}

int db_bind_bytes(struct db_stmt *s, int i, const void *v, size_t len)
{
    if (s->sq != NULL) {
        /* A zero-length blob with a NULL pointer would bind SQL NULL. */
        if (len == 0)
            return sqlite3_bind_zeroblob(s->sq, i, 0);
        return sqlite3_bind_blob64(s->sq, i, v, len, SQLITE_STATIC);
    }
    return db_pg_bind(s->pg, i, len == 0 ? "" : v, len, 1);
}

int db_col_null(struct db_stmt *s, int col)
{
    return s->sq != NULL ? sqlite3_column_type(s->sq, col) == SQLITE_NULL
                         : db_pg_col_null(s->pg, col);
}

int64_t db_col_i64(struct db_stmt *s, int col)
{
    if (s->sq != NULL)
        return sqlite3_column_int64(s->sq, col);
    const char *v = db_pg_col_text(s->pg, col);
    return v != NULL ? strtoll(v, NULL, 10) : 0;
}

int db_col_int(struct db_stmt *s, int col)
{
    return (int)db_col_i64(s, col);
}

double db_col_double(struct db_stmt *s, int col)
{
    if (s->sq != NULL)
        return sqlite3_column_double(s->sq, col);
    const char *v = db_pg_col_text(s->pg, col);
    return v != NULL ? strtod(v, NULL) : 0.0;
}

const char *db_col_text(struct db_stmt *s, int col)
{
    if (s->sq != NULL)
        return (const char *)sqlite3_column_text(s->sq, col);
    return db_pg_col_text(s->pg, col);
}

const void *db_col_blob(struct db_stmt *s, int col, size_t *len)
{
    if (s->sq != NULL) {
        const void *v = sqlite3_column_blob(s->sq, col);
        *len = (size_t)sqlite3_column_bytes(s->sq, col);
        return v;
    }
    return db_pg_col_blob(s->pg, col, len);
}

int db_query_i64(struct db *db, const char *sql, int64_t *out)
{
    struct db_stmt *s = NULL;
    int rc = db_prepare(db, sql, &s);
    if (rc == SQLITE_OK)
        rc = db_step(s);
    if (rc == SQLITE_ROW) {
        *out = db_col_i64(s, 0);
        rc = SQLITE_OK;
    }
    db_finalize(s);
    return rc;
}

int db_exec(struct db *db, const char *sql)
{
    if (db->kind == DB_POSTGRES)
        return db_pg_exec(db, sql);
    return sqlite3_exec(db->sq, sql, NULL, NULL, NULL);
}

int db_in_transaction(struct db *db)
{
    return db->kind == DB_SQLITE ? !sqlite3_get_autocommit(db->sq) : db_pg_in_transaction(db);
}

const char *db_errmsg(struct db *db)
{
    return db->kind == DB_SQLITE ? sqlite3_errmsg(db->sq) : db_pg_errmsg(db);
}

void db_close(struct db *db)
{
    if (db->kind == DB_POSTGRES) {
        db_pg_close(db);
        return;
    }
    /* Closing rolls back an open transaction, and the last connection to
     * close checkpoints the WAL into the main file. */
    (void)sqlite3_close(db->sq);
    db->sq = NULL;
}
