/* The PostgreSQL half of store_db.h, over libpq.
 *
 * Each statement is prepared on the server once per connection (named
 * "cN") and run with PQexecPrepared: integers and texts travel as text,
 * blobs as binary, and results come back as text (bytea in hex). A result
 * is read whole, so a caller may run other statements while it walks the
 * rows of one, as the SQLite side allows too.
 *
 * A lost connection is tried again (PQreset) at most once a second, on the
 * next statement; each statement is prepared again the first time it runs
 * on the new connection. The calls block the loop, as SQLite's fsync does:
 * on a nearby server a round trip is a fraction of a millisecond. */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto.h"
#include "store_db.h"

/* More than any statement of the store binds (an objective's row: 21). */
#define PG_MAX_PARAMS 32
/* A lost server is asked again no more often than this. */
#define PG_RETRY_MS 1000

struct pg_conn {
    PGconn *conn;
    unsigned generation; /* counts successful (re)connections */
    int in_txn;          /* a BEGIN succeeded and no COMMIT or ROLLBACK followed */
    int lost_txn;        /* ...and the connection was lost meanwhile */
    unsigned next_id;
    int64_t last_try_ms;
    char errmsg[512];
};

/* What a statement does to the transaction, from its first word. */
enum pg_txn { TXN_NONE, TXN_BEGIN, TXN_COMMIT, TXN_ROLLBACK };

struct pg_stmt {
    struct pg_conn *c;
    enum pg_txn txn;
    char name[16];
    char *sql;          /* with $N parameters */
    int nparams;
    unsigned prepared;  /* the connection generation it was prepared on; 0: never */
    const char *values[PG_MAX_PARAMS];
    int lengths[PG_MAX_PARAMS];
    int formats[PG_MAX_PARAMS];
    char *owned[PG_MAX_PARAMS];
    PGresult *res;
    int row, nrows;
    int64_t changes;
    unsigned char *blob;
    size_t blob_cap;
};

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_error(struct pg_conn *c, const char *what, const char *msg)
{
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--; /* libpq ends its messages with a newline */
    snprintf(c->errmsg, sizeof c->errmsg, "%s%.*s", what, (int)n, msg);
}

/* SQLSTATEs the store tells apart, as SQLite's codes; the rest is an error. */
static int map_sqlstate(const char *state)
{
    if (state == NULL)
        return SQLITE_IOERR; /* no answer: the connection failed */
    if (strcmp(state, "23505") == 0)
        return SQLITE_CONSTRAINT_UNIQUE;
    if (strcmp(state, "23503") == 0)
        return SQLITE_CONSTRAINT_FOREIGNKEY;
    if (strcmp(state, "40P01") == 0 || strcmp(state, "55P03") == 0 ||
        strcmp(state, "40001") == 0)
        return SQLITE_BUSY; /* a deadlock, a lock timeout, a serialization failure */
    if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
        return SQLITE_IOERR; /* connection exceptions, the server shutting down */
    return SQLITE_ERROR;
}

/* Settings every (re)connection gets: hex bytea, UTF-8, and bounds on
 * waiting, so a stuck peer ends in an error instead of a stalled loop. */
static int setup_session(struct pg_conn *c)
{
    PGresult *r = PQexec(c->conn, "SET bytea_output = 'hex'; SET client_encoding = 'UTF8';"
                                  " SET lock_timeout = '5s'; SET statement_timeout = '30s';"
                                  " SET client_min_messages = 'warning'");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok)
        set_error(c, "", PQerrorMessage(c->conn));
    PQclear(r);
    return ok ? SQLITE_OK : SQLITE_CANTOPEN;
}

int db_pg_open(struct db *db, const char *url, char *err, size_t errlen)
{
    struct pg_conn *c = calloc(1, sizeof *c);
    if (c == NULL)
        return SQLITE_NOMEM;
    db->kind = DB_POSTGRES;
    db->pg = c;
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *values[] = {url, "3", "cascaded", NULL};
    c->conn = PQconnectdbParams(keys, values, 1);
    c->last_try_ms = monotonic_ms();
    if (c->conn == NULL || PQstatus(c->conn) != CONNECTION_OK) {
        snprintf(err, errlen, "%s",
                 c->conn != NULL ? PQerrorMessage(c->conn) : "out of memory");
        size_t n = strlen(err);
        while (n > 0 && err[n - 1] == '\n')
            err[--n] = '\0';
        return SQLITE_CANTOPEN;
    }
    if (setup_session(c) != SQLITE_OK) {
        snprintf(err, errlen, "%s", c->errmsg);
        return SQLITE_CANTOPEN;
    }
    c->generation = 1;
    return SQLITE_OK;
}

void db_pg_close(struct db *db)
{
    if (db->pg == NULL)
        return;
    PQfinish(db->pg->conn);
    free(db->pg);
    db->pg = NULL;
}

/* Makes sure the connection is up, trying again when it was lost. */
static int ensure_connected(struct pg_conn *c)
{
    if (PQstatus(c->conn) == CONNECTION_OK)
        return SQLITE_OK;
    int64_t now = monotonic_ms();
    if (now - c->last_try_ms < PG_RETRY_MS) {
        snprintf(c->errmsg, sizeof c->errmsg, "the connection to PostgreSQL is down");
        return SQLITE_IOERR;
    }
    c->last_try_ms = now;
    PQreset(c->conn);
    if (PQstatus(c->conn) != CONNECTION_OK) {
        set_error(c, "cannot reach PostgreSQL: ", PQerrorMessage(c->conn));
        return SQLITE_IOERR;
    }
    if (setup_session(c) != SQLITE_OK)
        return SQLITE_IOERR;
    c->generation++;
    /* The server rolled back what was open; the store must hear of it
     * rather than go on writing outside any transaction. */
    if (c->in_txn)
        c->lost_txn = 1;
    return SQLITE_OK;
}

int db_pg_connected(struct db *db)
{
    return ensure_connected(db->pg) == SQLITE_OK;
}

int db_pg_socket(struct db *db)
{
    return PQstatus(db->pg->conn) == CONNECTION_OK ? PQsocket(db->pg->conn) : -1;
}

int db_pg_convert_params(const char *sql, char *out, size_t outlen)
{
    size_t o = 0;
    int highest = 0;
    char quote = 0;
    for (const char *p = sql; *p != '\0'; p++) {
        char piece[16];
        const char *add = piece;
        size_t addlen;
        if (quote != 0) {
            if (*p == quote)
                quote = 0;
            piece[0] = *p;
            addlen = 1;
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            piece[0] = *p;
            addlen = 1;
        } else if (*p == '?') {
            /* SQLite's rule: ?N is parameter N, a bare ? the one after the
             * highest so far. */
            int n;
            if (p[1] >= '0' && p[1] <= '9') {
                n = 0;
                while (p[1] >= '0' && p[1] <= '9' && n < 1000)
                    n = n * 10 + (*++p - '0');
            } else {
                n = highest + 1;
            }
            if (n > highest)
                highest = n;
            addlen = (size_t)snprintf(piece, sizeof piece, "$%d", n);
        } else {
            piece[0] = *p;
            addlen = 1;
        }
        if (o + addlen >= outlen)
            return -1;
        memcpy(out + o, add, addlen);
        o += addlen;
    }
    out[o] = '\0';
    return highest;
}

int db_pg_prepare(struct db *db, const char *sql, struct pg_stmt **out)
{
    struct pg_conn *c = db->pg;
    struct pg_stmt *s = calloc(1, sizeof *s);
    size_t cap = strlen(sql) * 2 + 16;
    if (s == NULL || (s->sql = malloc(cap)) == NULL) {
        free(s);
        return SQLITE_NOMEM;
    }
    s->c = c;
    s->nparams = db_pg_convert_params(sql, s->sql, cap);
    if (s->nparams < 0 || s->nparams > PG_MAX_PARAMS) {
        snprintf(c->errmsg, sizeof c->errmsg, "a statement has too many parameters");
        db_pg_finalize(s);
        return SQLITE_ERROR;
    }
    snprintf(s->name, sizeof s->name, "c%u", ++c->next_id);
    if (strncmp(sql, "BEGIN", 5) == 0)
        s->txn = TXN_BEGIN;
    else if (strncmp(sql, "COMMIT", 6) == 0)
        s->txn = TXN_COMMIT;
    else if (strncmp(sql, "ROLLBACK", 8) == 0)
        s->txn = TXN_ROLLBACK;
    *out = s;
    return SQLITE_OK;
}

void db_pg_reset(struct pg_stmt *s)
{
    if (s == NULL)
        return;
    PQclear(s->res);
    s->res = NULL;
    for (int i = 0; i < PG_MAX_PARAMS; i++) {
        free(s->owned[i]);
        s->owned[i] = NULL;
        s->values[i] = NULL;
        s->lengths[i] = 0;
        s->formats[i] = 0;
    }
}

void db_pg_finalize(struct pg_stmt *s)
{
    if (s == NULL)
        return;
    db_pg_reset(s);
    /* The server forgets the prepared statement with its connection. */
    free(s->sql);
    free(s->blob);
    free(s);
}

static int result_error(struct pg_conn *c, PGresult *r)
{
    const char *state = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = r != NULL ? PQresultErrorMessage(r) : "";
    set_error(c, "", msg[0] != '\0' ? msg : PQerrorMessage(c->conn));
    return PQstatus(c->conn) != CONNECTION_OK ? SQLITE_IOERR : map_sqlstate(state);
}

static int ensure_prepared(struct pg_stmt *s)
{
    struct pg_conn *c = s->c;
    if (s->prepared == c->generation)
        return SQLITE_OK;
    PGresult *r = PQprepare(c->conn, s->name, s->sql, s->nparams, NULL);
    int rc = PQresultStatus(r) == PGRES_COMMAND_OK ? SQLITE_OK : result_error(c, r);
    PQclear(r);
    if (rc == SQLITE_OK)
        s->prepared = c->generation;
    return rc;
}

/* PostgreSQL only warns of a BEGIN inside a transaction or a COMMIT
 * outside one, and answers COMMIT of a failed transaction by rolling it
 * back; the store must hear each as an error, as from SQLite. */
static int check_txn(struct pg_stmt *s)
{
    struct pg_conn *c = s->c;
    if (c->lost_txn) {
        if (s->txn == TXN_ROLLBACK)
            return SQLITE_DONE; /* the server did it already */
        snprintf(c->errmsg, sizeof c->errmsg,
                 "the connection to PostgreSQL was lost in a transaction, which it rolled back");
        return SQLITE_IOERR;
    }
    PGTransactionStatusType t = PQtransactionStatus(c->conn);
    int open = t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
    if (s->txn == TXN_BEGIN && open) {
        snprintf(c->errmsg, sizeof c->errmsg, "a transaction is open already");
        return SQLITE_ERROR;
    }
    if (s->txn == TXN_COMMIT && !open && c->in_txn == 0) {
        snprintf(c->errmsg, sizeof c->errmsg, "no transaction is open");
        return SQLITE_ERROR;
    }
    if (s->txn == TXN_COMMIT && t == PQTRANS_INERROR) {
        PQclear(PQexec(c->conn, "ROLLBACK"));
        c->in_txn = 0;
        snprintf(c->errmsg, sizeof c->errmsg,
                 "a statement of the transaction failed, so it was rolled back");
        return SQLITE_ERROR;
    }
    return SQLITE_OK;
}

/* Keeps in_txn after a transaction statement ran (or failed). */
static void note_txn(struct pg_stmt *s, int ok)
{
    struct pg_conn *c = s->c;
    if (s->txn == TXN_BEGIN && ok)
        c->in_txn = 1;
    else if (s->txn == TXN_COMMIT || s->txn == TXN_ROLLBACK)
        c->in_txn = c->lost_txn = 0;
}

static int step_once(struct pg_stmt *s);

int db_pg_step(struct pg_stmt *s)
{
    if (s->res != NULL) {
        s->row++;
        return s->row < s->nrows ? SQLITE_ROW : SQLITE_DONE;
    }
    int rc = step_once(s);
    /* A connection found dead by a BEGIN (PostgreSQL restarted while this
     * one idled) is made again at once and the BEGIN repeated: nothing of
     * a transaction can have happened yet. */
    if (rc == SQLITE_IOERR && s->txn == TXN_BEGIN && PQstatus(s->c->conn) != CONNECTION_OK)
        rc = step_once(s); /* at most once a second (ensure_connected) */
    return rc;
}

static int step_once(struct pg_stmt *s)
{
    struct pg_conn *c = s->c;
    int rc = ensure_connected(c);
    if (rc != SQLITE_OK) {
        /* Down: the server ended whatever transaction was open. */
        if (s->txn == TXN_ROLLBACK) {
            c->in_txn = c->lost_txn = 0;
            return SQLITE_DONE;
        }
        if (c->in_txn)
            c->lost_txn = 1;
        return rc;
    }
    rc = check_txn(s);
    if (rc == SQLITE_DONE)
        note_txn(s, 1);
    if (rc == SQLITE_OK)
        rc = ensure_prepared(s);
    if (rc != SQLITE_OK)
        return rc;
    s->res = PQexecPrepared(c->conn, s->name, s->nparams, s->values, s->lengths, s->formats, 0);
    ExecStatusType status = PQresultStatus(s->res);
    if (s->txn != TXN_NONE)
        note_txn(s, status == PGRES_COMMAND_OK);
    switch (status) {
    case PGRES_COMMAND_OK:
    case PGRES_TUPLES_OK: {
        const char *n = PQcmdTuples(s->res);
        s->changes = n[0] != '\0' ? strtoll(n, NULL, 10) : 0;
        s->nrows = PQntuples(s->res);
        s->row = 0;
        return s->nrows > 0 ? SQLITE_ROW : SQLITE_DONE;
    }
    default:
        rc = result_error(c, s->res);
        PQclear(s->res);
        s->res = NULL;
        return rc;
    }
}

int64_t db_pg_changes(struct pg_stmt *s)
{
    return s->changes;
}

int db_pg_bind(struct pg_stmt *s, int i, const void *v, size_t len, int binary)
{
    if (i < 1 || i > s->nparams)
        return SQLITE_RANGE;
    free(s->owned[i - 1]);
    s->owned[i - 1] = NULL;
    s->formats[i - 1] = binary;
    if (v == NULL) {
        s->values[i - 1] = NULL;
        return SQLITE_OK;
    }
    if (binary) {
        s->values[i - 1] = v;
        s->lengths[i - 1] = (int)len;
        return SQLITE_OK;
    }
    /* Text goes NUL-terminated; the store's fixed arrays may lack the NUL. */
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return SQLITE_NOMEM;
    memcpy(copy, v, len);
    copy[len] = '\0';
    s->owned[i - 1] = copy;
    s->values[i - 1] = copy;
    return SQLITE_OK;
}

int db_pg_bind_copy(struct pg_stmt *s, int i, const char *text)
{
    return db_pg_bind(s, i, text, strlen(text), 0);
}

int db_pg_col_null(struct pg_stmt *s, int col)
{
    return PQgetisnull(s->res, s->row, col);
}

const char *db_pg_col_text(struct pg_stmt *s, int col)
{
    if (s->res == NULL || s->row >= s->nrows || PQgetisnull(s->res, s->row, col))
        return NULL;
    return PQgetvalue(s->res, s->row, col);
}

const void *db_pg_col_blob(struct pg_stmt *s, int col, size_t *len)
{
    *len = 0;
    const char *v = db_pg_col_text(s, col);
    if (v == NULL || v[0] != '\\' || v[1] != 'x')
        return NULL;
    size_t n = strlen(v + 2) / 2;
    if (n + 1 > s->blob_cap) {
        unsigned char *grown = realloc(s->blob, n + 1);
        if (grown == NULL)
            return NULL;
        s->blob = grown;
        s->blob_cap = n + 1;
    }
    if (crypto_unhex(v + 2, s->blob, n) != 0)
        return NULL;
    *len = n;
    return s->blob;
}

int db_pg_exec(struct db *db, const char *sql)
{
    struct pg_conn *c = db->pg;
    int rc = ensure_connected(c);
    if (rc != SQLITE_OK)
        return rc;
    PGresult *r = PQexec(c->conn, sql);
    ExecStatusType st = PQresultStatus(r);
    rc = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK ? SQLITE_OK : result_error(c, r);
    PQclear(r);
    return rc;
}

int db_pg_listen(struct db *db, const char *channel)
{
    struct pg_conn *c = db->pg;
    char *quoted = PQescapeIdentifier(c->conn, channel, strlen(channel));
    if (quoted == NULL)
        return SQLITE_NOMEM;
    char sql[128];
    snprintf(sql, sizeof sql, "LISTEN %s", quoted);
    PQfreemem(quoted);
    return db_pg_exec(db, sql);
}

int db_pg_notifies(struct db *db, void (*cb)(void *ctx, const char *channel, const char *payload),
                   void *ctx)
{
    struct pg_conn *c = db->pg;
    if (PQstatus(c->conn) != CONNECTION_OK || PQconsumeInput(c->conn) == 0) {
        set_error(c, "", PQerrorMessage(c->conn));
        return SQLITE_IOERR;
    }
    PGnotify *n;
    while ((n = PQnotifies(c->conn)) != NULL) {
        cb(ctx, n->relname, n->extra);
        PQfreemem(n);
    }
    return SQLITE_OK;
}

int db_pg_in_transaction(struct db *db)
{
    if (db->pg->in_txn || db->pg->lost_txn)
        return 1;
    PGTransactionStatusType t = PQtransactionStatus(db->pg->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

const char *db_pg_errmsg(struct db *db)
{
    return db->pg->errmsg;
}
