/* Opening a store on PostgreSQL: connecting, creating or migrating the
 * schema, preparing the statements. Several cascaded nodes may start at
 * once against one database; a transaction-scoped advisory lock lets one
 * of them create or migrate the schema while the others wait, then find
 * the work done. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "store_internal.h"

/* The advisory lock's key: any number, the same in every node. */
#define SCHEMA_LOCK_KEY "7447"

/* Hides the password of a postgresql:// URL for messages. */
void store_url_redact(const char *url, char *out, size_t outlen)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme != NULL ? strchr(scheme + 3, '@') : NULL;
    const char *colon = scheme != NULL ? strchr(scheme + 3, ':') : NULL;
    if (at == NULL || colon == NULL || colon > at) {
        snprintf(out, outlen, "%s", url);
        return;
    }
    snprintf(out, outlen, "%.*s:***%s", (int)(colon - url), url, at);
}

static int fail_sql(struct store *st, const char *where, const char *what, char *err,
                    size_t errlen)
{
    cas_errorf(err, errlen, "Cannot %s in the PostgreSQL database %s: %s.", what, where,
               db_errmsg(&st->db));
    return CAS_ESTORAGE;
}

/* The schema's version, 0 for an empty database. */
static int read_version(struct store *st, int *version, const char *where, char *err,
                        size_t errlen)
{
    int64_t exists = 0, v = 0;
    if (db_query_i64(&st->db, "SELECT (to_regclass('cascade_schema') IS NOT NULL)::int",
                     &exists) != SQLITE_OK ||
        (exists && db_query_i64(&st->db, "SELECT coalesce(max(version), 0) FROM cascade_schema",
                                &v) != SQLITE_OK))
        return fail_sql(st, where, "read the schema's version", err, errlen);
    *version = (int)v;
    return 0;
}

static int set_version(struct store *st, int version, const char *where, char *err,
                       size_t errlen)
{
    char sql[96];
    /* The number is ours, not user text. */
    snprintf(sql, sizeof sql, "DELETE FROM cascade_schema; INSERT INTO cascade_schema VALUES (%d)",
             version);
    return db_exec(&st->db, sql) == SQLITE_OK
               ? 0
               : fail_sql(st, where, "record the schema's version", err, errlen);
}

/* Creates or migrates the schema in one transaction, under the lock. */
static int migrate(struct store *st, const char *where, char *err, size_t errlen)
{
    if (STORE_PG_BASELINE_VERSION + (int)STORE_PG_MIGRATION_COUNT != STORE_SCHEMA_VERSION) {
        cas_errorf(err, errlen, "This cascaded was built without PostgreSQL's schema %d.",
                   STORE_SCHEMA_VERSION);
        return CAS_EINVAL;
    }
    if (db_exec(&st->db, "BEGIN; SELECT pg_advisory_xact_lock(" SCHEMA_LOCK_KEY ")") !=
        SQLITE_OK)
        return fail_sql(st, where, "lock the schema", err, errlen);
    int version = 0;
    int rc = read_version(st, &version, where, err, errlen);
    if (rc == 0 && version > STORE_SCHEMA_VERSION) {
        cas_errorf(err, errlen,
                   "The database %s has schema version %d, newer than this cascaded understands"
                   " (%d); run a newer cascaded.",
                   where, version, STORE_SCHEMA_VERSION);
        rc = CAS_EINVAL;
    }
    int from = version;
    if (rc == 0 && version == 0) {
        if (db_exec(&st->db, STORE_PG_BASELINE) != SQLITE_OK)
            rc = fail_sql(st, where, "create the schema", err, errlen);
        version = STORE_PG_BASELINE_VERSION;
    } else if (rc == 0 && version < STORE_PG_BASELINE_VERSION) {
        cas_errorf(err, errlen, "The database %s has schema version %d, which no cascaded wrote.",
                   where, version);
        rc = CAS_EINVAL;
    }
    while (rc == 0 && version < STORE_SCHEMA_VERSION) {
        size_t step = (size_t)(version - STORE_PG_BASELINE_VERSION);
        if (step >= STORE_PG_MIGRATION_COUNT ||
            db_exec(&st->db, STORE_PG_MIGRATIONS[step]) != SQLITE_OK)
            rc = fail_sql(st, where, "migrate the schema", err, errlen);
        version++;
    }
    if (rc == 0 && version != from)
        rc = set_version(st, version, where, err, errlen);
    if (rc == 0 && db_exec(&st->db, "COMMIT") != SQLITE_OK)
        rc = fail_sql(st, where, "commit the schema", err, errlen);
    if (rc != 0) {
        (void)db_exec(&st->db, "ROLLBACK");
        return rc;
    }
    if (version != from)
        log_info("The database %s is at schema version %d (was %d).", where, version, from);
    return 0;
}

int store_open_pg(struct store **out, const char *url, char *err, size_t errlen)
{
    *out = NULL;
    char where[512];
    store_url_redact(url, where, sizeof where);
    struct store *st = calloc(1, sizeof *st);
    if (st == NULL) {
        cas_errorf(err, errlen, "Out of memory opening the database %s.", where);
        return CAS_ENOMEM;
    }
    char why[512] = "";
    int rc = db_pg_open(&st->db, url, why, sizeof why);
    if (rc != SQLITE_OK) {
        cas_errorf(err, errlen,
                   "Cannot connect to the PostgreSQL database %s: %s; check that it is running"
                   " and the URL's user, password and database.",
                   where, why);
        store_close(st);
        return rc == SQLITE_NOMEM ? CAS_ENOMEM : CAS_ESTORAGE;
    }
    rc = migrate(st, where, err, errlen);
    if (rc == 0)
        rc = store_prepare_all(st, where, err, errlen);
    if (rc != 0) {
        store_close(st);
        return rc;
    }
    *out = st;
    return 0;
}
