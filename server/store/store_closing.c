/* Closing the quarter in the store: whether a workshop is closed, and the
 * grades fixed at its close. */
#include "store.h"

#include <stdlib.h>

#include "errors.h"
#include "store_internal.h"

static int load_closure(struct db_stmt *s, struct okr_state *state)
{
    free(state->closed_by);
    state->closed_by = db_column_dup(s, 0);
    state->closed_ms = db_col_i64(s, 1);
    return state->closed_by != NULL ? 0 : CAS_ENOMEM;
}

/* A grade of an entity that is gone (which a closed workshop never lets
 * happen) is skipped. */
static int load_grade(struct db_stmt *s, struct okr_state *state)
{
    const char *kind = db_col_text(s, 0);
    uint32_t num = (uint32_t)db_col_i64(s, 1);
    double score = db_col_double(s, 2);
    if (kind != NULL && kind[0] == 'K') {
        struct okr_key_result *k = okr_key_result_find(state, num);
        if (k != NULL) {
            k->graded = 1;
            k->final_score = score;
        }
    } else {
        struct okr_objective *o = okr_objective_find(state, num);
        if (o != NULL) {
            o->graded = 1;
            o->final_score = score;
        }
    }
    return 0;
}

int store_closing_load(struct store *st, int64_t workshop_id, struct okr_state *state)
{
    int ret = store_load_rows(st, ST_CLOSURE_LOAD, workshop_id, load_closure, state,
                              "load whether a workshop is closed");
    if (ret == 0)
        ret = store_load_rows(st, ST_GRADES_LOAD, workshop_id, load_grade, state,
                              "load a workshop's final grades");
    return ret;
}

static int save_grade(struct store *st, int64_t workshop_id, const char *kind, uint32_t num,
                      double score)
{
    struct db_stmt *s = st->stmt[ST_GRADE_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_text(s, 2, kind, &rc);
    db_bind_i64(s, 3, num, &rc);
    db_bind_double(s, 4, score, &rc);
    return db_run(st, s, rc, 0, "save a final grade");
}

int store_closing_save(struct store *st, int64_t workshop_id, const struct okr_state *state)
{
    int rc = SQLITE_OK;
    struct db_stmt *s = st->stmt[ST_GRADES_DELETE];
    db_bind_i64(s, 1, workshop_id, &rc);
    int ret = db_run(st, s, rc, 0, "drop the final grades");
    if (ret != 0)
        return ret;
    rc = SQLITE_OK;
    int closed = state->closed_by != NULL && state->closed_by[0] != '\0';
    s = st->stmt[closed ? ST_CLOSURE_SAVE : ST_CLOSURE_DELETE];
    db_bind_i64(s, 1, workshop_id, &rc);
    if (closed) {
        db_bind_text(s, 2, state->closed_by, &rc);
        db_bind_i64(s, 3, state->closed_ms, &rc);
    }
    ret = db_run(st, s, rc, 0, closed ? "save a workshop's closure" : "reopen a workshop");
    for (size_t i = 0; ret == 0 && closed && i < state->nobjectives; i++)
        if (state->objectives[i].graded)
            ret = save_grade(st, workshop_id, "O", state->objectives[i].num,
                             state->objectives[i].final_score);
    for (size_t i = 0; ret == 0 && closed && i < state->nkey_results; i++)
        if (state->key_results[i].graded)
            ret = save_grade(st, workshop_id, "K", state->key_results[i].num,
                             state->key_results[i].final_score);
    return ret;
}
