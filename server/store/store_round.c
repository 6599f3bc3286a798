/* Confidence rounds in the database: the rounds, the key results each
 * covers, and each person's value (which the event log never holds). */
#include "store_internal.h"

int store_round_add(struct store *st, int64_t workshop_id, const struct store_round *r,
                    const uint32_t *key_results, size_t n)
{
    struct db_stmt *s = st->stmt[ST_ROUND_ADD];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, r->number, &rc);
    db_bind_text(s, 3, r->started_by, &rc);
    db_bind_i64(s, 4, r->started_ms, &rc);
    db_bind_i64(s, 5, (int64_t)r->started_seq, &rc);
    int ret = db_run(st, s, rc, 0, "add a confidence round");
    for (size_t i = 0; ret == 0 && i < n; i++) {
        s = st->stmt[ST_ROUND_KEY_RESULT_ADD];
        rc = SQLITE_OK;
        db_bind_i64(s, 1, workshop_id, &rc);
        db_bind_i64(s, 2, r->number, &rc);
        db_bind_i64(s, 3, key_results[i], &rc);
        ret = db_run(st, s, rc, 0, "add a key result to a confidence round");
    }
    return ret;
}

int store_round_reveal(struct store *st, int64_t workshop_id, uint32_t number, int applied,
                       const char *by, int64_t ms, uint64_t seq)
{
    struct db_stmt *s = st->stmt[ST_ROUND_REVEAL];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, applied != 0, &rc);
    db_bind_text(s, 2, by, &rc);
    db_bind_i64(s, 3, ms, &rc);
    db_bind_i64(s, 4, (int64_t)seq, &rc);
    db_bind_i64(s, 5, workshop_id, &rc);
    db_bind_i64(s, 6, number, &rc);
    return db_run(st, s, rc, 1, "reveal a confidence round");
}

int store_round_submit(struct store *st, int64_t workshop_id, uint32_t number,
                       uint32_t key_result, const char *user, double confidence, int64_t ms)
{
    struct db_stmt *s = st->stmt[ST_ROUND_SUBMIT];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, number, &rc);
    db_bind_i64(s, 3, key_result, &rc);
    db_bind_text(s, 4, user, &rc);
    db_bind_double(s, 5, confidence, &rc);
    db_bind_i64(s, 6, ms, &rc);
    return db_run(st, s, rc, 0, "save a confidence");
}

int store_round_latest(struct store *st, int64_t workshop_id, struct store_round *out)
{
    struct db_stmt *s = st->stmt[ST_ROUND_LATEST];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    int ret = db_step_row(st, s, rc, "read the latest confidence round");
    if (ret == 0) {
        out->number = (uint32_t)db_col_i64(s, 0);
        out->open = db_col_int(s, 1);
        out->applied = db_col_int(s, 2);
        db_column_copy(s, 3, out->started_by, sizeof out->started_by);
        out->started_ms = db_col_i64(s, 4);
        out->started_seq = (uint64_t)db_col_i64(s, 5);
        db_column_copy(s, 6, out->revealed_by, sizeof out->revealed_by);
        out->revealed_ms = db_col_i64(s, 7);
        out->revealed_seq = (uint64_t)db_col_i64(s, 8);
    }
    db_done(s);
    return ret;
}

int store_round_key_result_each(struct store *st, int64_t workshop_id, uint32_t number,
                                int (*cb)(void *ctx, uint32_t key_result), void *ctx)
{
    struct db_stmt *s = st->stmt[ST_ROUND_KEY_RESULT_EACH];
    int rc = SQLITE_OK, ret = 0;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, number, &rc);
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            ret = cb(ctx, (uint32_t)db_col_i64(s, 0));
            if (ret != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list a confidence round's key results");
    db_done(s);
    return ret;
}

int store_round_submission_each(struct store *st, int64_t workshop_id, uint32_t number,
                                int (*cb)(void *ctx, uint32_t key_result, const char *user,
                                          double confidence),
                                void *ctx)
{
    struct db_stmt *s = st->stmt[ST_ROUND_SUBMISSION_EACH];
    int rc = SQLITE_OK, ret = 0;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, number, &rc);
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            const char *user = db_col_text(s, 1);
            ret = cb(ctx, (uint32_t)db_col_i64(s, 0),
                     user != NULL ? (const char *)user : "", db_col_double(s, 2));
            if (ret != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list a confidence round's values");
    db_done(s);
    return ret;
}
