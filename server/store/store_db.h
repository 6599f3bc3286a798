/* One SQL connection, SQLite's or PostgreSQL's, behind one small API, so
 * that the store's logic (the statements it runs, the rows it reads) is
 * written once for both. Only server/store*.c include this.
 *
 * The vocabulary is SQLite's: a step answers SQLITE_ROW, SQLITE_DONE or an
 * error code, and the PostgreSQL side maps its SQLSTATEs onto the few codes
 * the store tells apart (a unique clash, a dangling reference, anything
 * else). Parameters are numbered from 1; texts and blobs are bound without
 * a copy and must outlive the statement's next step.
 *
 * Statements are written in the SQL both databases accept; `?` and `?N`
 * parameters become `$N` for PostgreSQL (store_db_pg.c). */
#ifndef CASCADE_STORE_DB_H
#define CASCADE_STORE_DB_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct pg_conn;
struct pg_stmt;

enum db_kind { DB_SQLITE, DB_POSTGRES };

struct db {
    enum db_kind kind;
    sqlite3 *sq;        /* DB_SQLITE */
    struct pg_conn *pg; /* DB_POSTGRES */
};

struct db_stmt {
    struct db *db;
    sqlite3_stmt *sq;
    struct pg_stmt *pg;
};

/* Prepares sql for repeated use; *out is NULL on failure (the error is in
 * db_errmsg). Returns SQLITE_OK or an error code. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out);
void db_finalize(struct db_stmt *s);

/* SQLITE_ROW with a row to read, SQLITE_DONE, or an error code. */
int db_step(struct db_stmt *s);
/* Readies the statement for its next use and clears its parameters. */
void db_reset(struct db_stmt *s);
/* Rows the last step of a write changed. */
int64_t db_changes(struct db_stmt *s);

int db_bind_int64(struct db_stmt *s, int i, int64_t v);
int db_bind_real(struct db_stmt *s, int i, double v);
int db_bind_textn(struct db_stmt *s, int i, const char *v, size_t len); /* v NULL: SQL NULL */
int db_bind_bytes(struct db_stmt *s, int i, const void *v, size_t len);

int db_col_null(struct db_stmt *s, int col);
int64_t db_col_i64(struct db_stmt *s, int col);
int db_col_int(struct db_stmt *s, int col);
double db_col_double(struct db_stmt *s, int col);
const char *db_col_text(struct db_stmt *s, int col); /* NULL for SQL NULL */
/* The blob's bytes (valid until the next step or column read) and length. */
const void *db_col_blob(struct db_stmt *s, int col, size_t *len);

/* Runs sql once and reads the first column of its one row. SQLITE_OK or
 * an error code (SQLITE_DONE: no row). */
int db_query_i64(struct db *db, const char *sql, int64_t *out);

/* Runs one or more statements without parameters or rows; SQLITE_OK or an
 * error code. */
int db_exec(struct db *db, const char *sql);
/* Whether a transaction is open (both databases may end one on a failure). */
int db_in_transaction(struct db *db);
/* The last error's message. */
const char *db_errmsg(struct db *db);
void db_close(struct db *db);

/* ---- PostgreSQL (store_db_pg.c) ---- */

/* Connects to url (postgresql://...); SQLITE_OK or SQLITE_CANTOPEN with the
 * reason in err. */
int db_pg_open(struct db *db, const char *url, char *err, size_t errlen);
int db_pg_prepare(struct db *db, const char *sql, struct pg_stmt **out);
void db_pg_finalize(struct pg_stmt *s);
int db_pg_step(struct pg_stmt *s);
void db_pg_reset(struct pg_stmt *s);
int64_t db_pg_changes(struct pg_stmt *s);
int db_pg_bind(struct pg_stmt *s, int i, const void *v, size_t len, int binary);
int db_pg_bind_copy(struct pg_stmt *s, int i, const char *text);
int db_pg_col_null(struct pg_stmt *s, int col);
const char *db_pg_col_text(struct pg_stmt *s, int col);
const void *db_pg_col_blob(struct pg_stmt *s, int col, size_t *len);
int db_pg_exec(struct db *db, const char *sql);
int db_pg_in_transaction(struct db *db);
const char *db_pg_errmsg(struct db *db);
void db_pg_close(struct db *db);
/* Listens on channel (the connection keeps listening after a reconnect
 * only if asked again). */
int db_pg_listen(struct db *db, const char *channel);
/* Reads what the server sent and calls cb with each notification's
 * channel and payload. SQLITE_OK, or SQLITE_IOERR when the connection is down. */
int db_pg_notifies(struct db *db, void (*cb)(void *ctx, const char *channel, const char *payload),
                   void *ctx);
/* Whether the connection is up; a lost one is tried again (PQreset) at
 * most once a second, and every statement is prepared again after. */
int db_pg_connected(struct db *db);
/* The server's socket (for LISTEN), -1 when down. */
int db_pg_socket(struct db *db);
/* Writes `$N` for every `?` / `?N` parameter of sql (outside quoted text)
 * into out; 0, or -1 when out is too small. Exposed for its unit test. */
int db_pg_convert_params(const char *sql, char *out, size_t outlen);

#endif
