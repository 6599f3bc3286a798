/* What the store's files share: the connection, its prepared statements,
 * and small helpers over store_db.h's API. Only server/store*.c include
 * this (and so sqlite3.h and store_db.h). */
#ifndef CASCADE_STORE_INTERNAL_H
#define CASCADE_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "store_db.h"

#include "store.h"
#include "store_schema.h"

struct store {
    struct db db;
    struct db_stmt *stmt[ST_COUNT];
};

/* Prepares every statement of STORE_SQL (STORE_SQL_PG's where PostgreSQL
 * needs other text); where names the database in the error. */
int store_prepare_all(struct store *st, const char *where, char *err, size_t errlen);

/* store_open for a postgresql:// URL (store_pg.c). */
int store_open_pg(struct store **out, const char *url, char *err, size_t errlen);

/* Turns a failed SQLite result into a CAS_E* code. Clashes and dangling
 * references are the caller's business and go unlogged; everything else is
 * the database failing, which an operator has to see. */
int db_fail(struct store *st, int rc, const char *what);

/* Readies a cached statement for its next use; the result of the last step
 * has already been handled, so reset's echo of it is not needed. */
void db_done(struct db_stmt *s);

/* Binders: each keeps the first failure in *rc and does nothing after it,
 * so a function binds all its parameters and checks once. Texts and blobs
 * are bound SQLITE_STATIC: they must outlive the statement's use. */
void db_bind_i64(struct db_stmt *s, int i, int64_t v, int *rc);
void db_bind_double(struct db_stmt *s, int i, double v, int *rc);
void db_bind_text(struct db_stmt *s, int i, const char *v, int *rc);    /* NULL binds NULL */
void db_bind_text_nn(struct db_stmt *s, int i, const char *v, int *rc); /* NULL binds "" */
void db_bind_text_n(struct db_stmt *s, int i, const char *v, size_t max, int *rc);
void db_bind_blob(struct db_stmt *s, int i, const void *v, size_t len, int *rc);

/* Runs a statement that returns no rows. CAS_ENOTFOUND when must_change is
 * set and no row changed. */
int db_run(struct store *st, struct db_stmt *s, int rc, int must_change, const char *what);

/* Steps a statement expected to return one row: 0 with the row ready to
 * read, CAS_ENOTFOUND, or an error. The caller reads the row, then db_done. */
int db_step_row(struct store *st, struct db_stmt *s, int rc, const char *what);

/* Copies a text column into a fixed array, truncating safely; NULL is "". */
void db_column_copy(struct db_stmt *s, int col, char *out, size_t outlen);

/* Runs a per-workshop query (its one parameter the workshop's id), handing
 * each row to load, which adds it to state; stops at load's first error. */
int store_load_rows(struct store *st, enum store_stmt id, int64_t workshop_id,
                    int (*load)(struct db_stmt *s, struct okr_state *state),
                    struct okr_state *state, const char *what);

/* Reads a workshop row of ST_WORKSHOP_EACH's columns. */
void store_read_workshop(struct db_stmt *s, struct store_workshop *w);

/* A malloc'd copy of a text column, "" for NULL; NULL when out of memory. */
char *db_column_dup(struct db_stmt *s, int col);

#endif
