/* Copying a SQLite store into an empty PostgreSQL one (cascaded migrate):
 * every table, every row, every column as SQLite holds it, in one
 * PostgreSQL transaction, then the row counts compared. The tables and
 * their columns are read from the SQLite schema itself, so a table added
 * later is copied with no list to keep; the two schemas are at the same
 * version because both stores were opened (and so migrated) first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "store_internal.h"

/* Tables other rows refer to go first. */
static const char *const FIRST[] = {"users", "workshops"};

struct column_list {
    char names[64][64];
    int n;
};

static int read_columns(sqlite3 *db, const char *table, struct column_list *out)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT name FROM pragma_table_info('%s') ORDER BY cid", table);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    out->n = 0;
    while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW && out->n < 64)
        snprintf(out->names[out->n++], sizeof out->names[0], "%s",
                 (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return rc == SQLITE_OK && out->n > 0 ? 0 : -1;
}

/* Binds source column i of s as parameter i + 1 of d, in its own type. */
static int bind_value(sqlite3_stmt *s, int i, struct db_stmt *d)
{
    switch (sqlite3_column_type(s, i)) {
    case SQLITE_INTEGER:
        return db_bind_int64(d, i + 1, sqlite3_column_int64(s, i));
    case SQLITE_FLOAT:
        return db_bind_real(d, i + 1, sqlite3_column_double(s, i));
    case SQLITE_TEXT:
        return db_bind_textn(d, i + 1, (const char *)sqlite3_column_text(s, i),
                             (size_t)sqlite3_column_bytes(s, i));
    case SQLITE_BLOB:
        return db_bind_bytes(d, i + 1, sqlite3_column_blob(s, i),
                             (size_t)sqlite3_column_bytes(s, i));
    default:
        return db_bind_textn(d, i + 1, NULL, 0);
    }
}

/* Copies one table's rows, in SQLite's order (rowid where there is one,
 * which some tables are read back in). */
static int copy_table(struct store *from, struct store *to, const char *table, int has_rowid,
                      int64_t *rows, char *err, size_t errlen)
{
    struct column_list cols;
    if (read_columns(from->db.sq, table, &cols) != 0) {
        cas_errorf(err, errlen, "Cannot read the columns of %s.", table);
        return CAS_ESTORAGE;
    }
    char select[4096] = "SELECT ", insert[4096];
    size_t used = strlen(select);
    int n = snprintf(insert, sizeof insert, "INSERT INTO \"%s\" (", table);
    size_t iused = (size_t)n;
    for (int i = 0; i < cols.n; i++) {
        used += (size_t)snprintf(select + used, sizeof select - used, "%s\"%s\"", i ? ", " : "",
                                 cols.names[i]);
        iused += (size_t)snprintf(insert + iused, sizeof insert - iused, "%s\"%s\"",
                                  i ? ", " : "", cols.names[i]);
    }
    used += (size_t)snprintf(select + used, sizeof select - used, " FROM \"%s\"%s", table,
                             has_rowid ? " ORDER BY rowid" : "");
    iused += (size_t)snprintf(insert + iused, sizeof insert - iused, ") VALUES (");
    for (int i = 0; i < cols.n; i++)
        iused += (size_t)snprintf(insert + iused, sizeof insert - iused, "%s?", i ? ", " : "");
    snprintf(insert + iused, sizeof insert - iused, ")");
    if (used >= sizeof select || iused >= sizeof insert) {
        cas_errorf(err, errlen, "The table %s has too many columns to copy.", table);
        return CAS_EINVAL;
    }

    sqlite3_stmt *s = NULL;
    struct db_stmt *d = NULL;
    int rc = sqlite3_prepare_v2(from->db.sq, select, -1, &s, NULL);
    if (rc != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot read %s: %s.", table, sqlite3_errmsg(from->db.sq));
        return CAS_ESTORAGE;
    }
    if (db_prepare(&to->db, insert, &d) != SQLITE_OK) {
        cas_errorf(err, errlen, "PostgreSQL has no table %s like SQLite's: %s.", table,
                   db_errmsg(&to->db));
        sqlite3_finalize(s);
        return CAS_ESTORAGE;
    }
    int ret = 0;
    while (ret == 0 && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        int brc = SQLITE_OK;
        for (int i = 0; i < cols.n && brc == SQLITE_OK; i++)
            brc = bind_value(s, i, d);
        int step = brc == SQLITE_OK ? db_step(d) : brc;
        if (step != SQLITE_DONE && step != SQLITE_ROW) {
            cas_errorf(err, errlen, "Cannot copy row %lld of %s: %s.", (long long)*rows + 1,
                       table, db_errmsg(&to->db));
            ret = CAS_ESTORAGE;
        }
        db_reset(d);
        (*rows)++;
    }
    if (ret == 0 && rc != SQLITE_DONE) {
        cas_errorf(err, errlen, "Cannot read %s: %s.", table, sqlite3_errmsg(from->db.sq));
        ret = CAS_ESTORAGE;
    }
    sqlite3_finalize(s);
    db_finalize(d);
    return ret;
}

/* The number of rows of table in a store (SQLite or PostgreSQL). */
static int count_rows(struct store *st, const char *table, int64_t *out)
{
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\"", table);
    return db_query_i64(&st->db, sql, out) == SQLITE_OK ? 0 : CAS_ESTORAGE;
}

/* Copies table and checks its count; *rows adds its rows. */
static int move_table(struct store *from, struct store *to, const char *table, int has_rowid,
                      int64_t *rows, char *err, size_t errlen)
{
    int64_t copied = 0, there = -1, here = -2;
    int rc = copy_table(from, to, table, has_rowid, &copied, err, errlen);
    if (rc == 0 && (count_rows(from, table, &here) != 0 || count_rows(to, table, &there) != 0 ||
                    here != there)) {
        cas_errorf(err, errlen, "The copy of %s has %lld rows where SQLite has %lld.", table,
                   (long long)there, (long long)here);
        rc = CAS_ESTORAGE;
    }
    *rows += copied;
    return rc;
}

int store_migrate(struct store *from, struct store *to, int64_t *tables, int64_t *rows, char *err,
                  size_t errlen)
{
    *tables = *rows = 0;
    if (from->db.kind != DB_SQLITE || to->db.kind != DB_POSTGRES) {
        cas_errorf(err, errlen, "A migration goes from a SQLite data directory to PostgreSQL.");
        return CAS_EINVAL;
    }
    int64_t users = 0, workshops = 0;
    if (count_rows(to, "users", &users) != 0 || count_rows(to, "workshops", &workshops) != 0) {
        cas_errorf(err, errlen, "Cannot read the PostgreSQL database: %s.", db_errmsg(&to->db));
        return CAS_ESTORAGE;
    }
    if (users != 0 || workshops != 0) {
        cas_errorf(err, errlen,
                   "The PostgreSQL database holds data already (%lld users, %lld workshops);"
                   " migrate into an empty one.",
                   (long long)users, (long long)workshops);
        return CAS_EEXIST;
    }
    /* One snapshot of SQLite, one transaction in PostgreSQL: all or nothing. */
    if (sqlite3_exec(from->db.sq, "BEGIN", NULL, NULL, NULL) != SQLITE_OK || store_begin(to) != 0) {
        cas_errorf(err, errlen, "Cannot begin the copy: %s.", db_errmsg(&to->db));
        return CAS_ESTORAGE;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof FIRST / sizeof FIRST[0]; i++, (*tables)++)
        rc = move_table(from, to, FIRST[i], 1, rows, err, errlen);
    sqlite3_stmt *list = NULL;
    if (rc == 0 &&
        sqlite3_prepare_v2(from->db.sq,
                           "SELECT name, sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema"
                           " WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                           " AND name NOT IN ('users', 'workshops') ORDER BY name",
                           -1, &list, NULL) != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot list the tables: %s.", sqlite3_errmsg(from->db.sq));
        rc = CAS_ESTORAGE;
    }
    while (rc == 0 && sqlite3_step(list) == SQLITE_ROW) {
        char table[64];
        snprintf(table, sizeof table, "%s", (const char *)sqlite3_column_text(list, 0));
        rc = move_table(from, to, table, sqlite3_column_int(list, 1) == 0, rows, err, errlen);
        (*tables)++;
    }
    sqlite3_finalize(list);
    /* New accounts and workshops are numbered on from the copied ones. */
    static const char *const SEQUENCES =
        "SELECT setval(pg_get_serial_sequence('users', 'id'), coalesce(max(id), 0) + 1, false)"
        " FROM users;"
        "SELECT setval(pg_get_serial_sequence('workshops', 'id'), coalesce(max(id), 0) + 1,"
        " false) FROM workshops";
    if (rc == 0 && db_exec(&to->db, SEQUENCES) != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot set the numbering of new rows: %s.", db_errmsg(&to->db));
        rc = CAS_ESTORAGE;
    }
    if (rc == 0 && store_commit(to) != 0) {
        cas_errorf(err, errlen, "Cannot commit the copy: %s.", db_errmsg(&to->db));
        rc = CAS_ESTORAGE;
    }
    if (rc != 0)
        store_rollback(to);
    (void)sqlite3_exec(from->db.sq, "COMMIT", NULL, NULL, NULL);
    return rc;
}
