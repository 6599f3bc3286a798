/* What the store's files share: the connection, its prepared statements,
 * and small helpers over SQLite's API. Only server/store*.c include this
 * (and so sqlite3.h). */
#ifndef CASCADE_STORE_INTERNAL_H
#define CASCADE_STORE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "store.h"
#include "store_schema.h"

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[ST_COUNT];
};

/* Turns a failed SQLite result into a CAS_E* code. Clashes and dangling
 * references are the caller's business and go unlogged; everything else is
 * the database failing, which an operator has to see. */
int db_fail(struct store *st, int rc, const char *what);

/* Readies a cached statement for its next use; the result of the last step
 * has already been handled, so reset's echo of it is not needed. */
void db_done(sqlite3_stmt *s);

/* Binders: each keeps the first failure in *rc and does nothing after it,
 * so a function binds all its parameters and checks once. Texts and blobs
 * are bound SQLITE_STATIC: they must outlive the statement's use. */
void db_bind_i64(sqlite3_stmt *s, int i, int64_t v, int *rc);
void db_bind_double(sqlite3_stmt *s, int i, double v, int *rc);
void db_bind_text(sqlite3_stmt *s, int i, const char *v, int *rc);    /* NULL binds NULL */
void db_bind_text_nn(sqlite3_stmt *s, int i, const char *v, int *rc); /* NULL binds "" */
void db_bind_text_n(sqlite3_stmt *s, int i, const char *v, size_t max, int *rc);
void db_bind_blob(sqlite3_stmt *s, int i, const void *v, size_t len, int *rc);

/* Runs a statement that returns no rows. CAS_ENOTFOUND when must_change is
 * set and no row changed. */
int db_run(struct store *st, sqlite3_stmt *s, int rc, int must_change, const char *what);

/* Steps a statement expected to return one row: 0 with the row ready to
 * read, CAS_ENOTFOUND, or an error. The caller reads the row, then db_done. */
int db_step_row(struct store *st, sqlite3_stmt *s, int rc, const char *what);

/* Copies a text column into a fixed array, truncating safely; NULL is "". */
void db_column_copy(sqlite3_stmt *s, int col, char *out, size_t outlen);

/* Runs a per-workshop query (its one parameter the workshop's id), handing
 * each row to load, which adds it to state; stops at load's first error. */
int store_load_rows(struct store *st, enum store_stmt id, int64_t workshop_id,
                    int (*load)(sqlite3_stmt *s, struct okr_state *state),
                    struct okr_state *state, const char *what);

/* A malloc'd copy of a text column, "" for NULL; NULL when out of memory. */
char *db_column_dup(sqlite3_stmt *s, int col);

#endif
