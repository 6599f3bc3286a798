/* The cascade's current state in the entity tables: loading a workshop's
 * state, and saving or deleting one entity row as changes commit. */
#include <stdio.h>

#include "errors.h"
#include "store_internal.h"

static int load_counters(struct store *st, int64_t workshop_id, struct okr_state *state)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_COUNTERS];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    int ret = db_step_row(st, s, rc, "read a workshop's counters");
    if (ret == 0) {
        state->next_team = (uint32_t)db_col_i64(s, 0);
        state->next_objective = (uint32_t)db_col_i64(s, 1);
        state->next_key_result = (uint32_t)db_col_i64(s, 2);
        state->next_initiative = (uint32_t)db_col_i64(s, 3);
        state->next_comment = (uint32_t)db_col_i64(s, 4);
        state->next_idea = (uint32_t)db_col_i64(s, 5);
    }
    db_done(s);
    return ret;
}

static int load_last_seq(struct store *st, int64_t workshop_id, struct okr_state *state)
{
    struct db_stmt *s = st->stmt[ST_EVENT_LAST_SEQ];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    int ret = db_step_row(st, s, rc, "read a workshop's last event");
    if (ret == 0)
        state->seq = (uint64_t)db_col_i64(s, 0);
    db_done(s);
    return ret;
}

int store_workshop_last_seq(struct store *st, int64_t workshop_id, uint64_t *out)
{
    struct okr_state s = {0};
    int rc = load_last_seq(st, workshop_id, &s);
    *out = rc == 0 ? s.seq : 0;
    return rc;
}

/* The row loaders return CAS_ENOMEM when a copy fails; insert has then freed
 * whatever the entity held. */
static int load_team(struct db_stmt *s, struct okr_state *state)
{
    struct okr_team t = {
        .num = (uint32_t)db_col_i64(s, 0),
        .name = db_column_dup(s, 1),
        .parent = (uint32_t)db_col_i64(s, 2),
        .level = (enum okr_level)db_col_int(s, 3),
        .version = (uint64_t)db_col_i64(s, 4),
    };
    if (t.name == NULL)
        return CAS_ENOMEM;
    return okr_team_insert(state, &t) != NULL ? 0 : CAS_ENOMEM;
}

static int load_objective(struct db_stmt *s, struct okr_state *state)
{
    struct okr_objective o = {
        .num = (uint32_t)db_col_i64(s, 0),
        .team = (uint32_t)db_col_i64(s, 1),
        .title = db_column_dup(s, 2),
        .owner = db_column_dup(s, 3),
        .aligns_to = (uint32_t)db_col_i64(s, 4),
        .inherits = (uint32_t)db_col_i64(s, 5),
        .committed = db_col_int(s, 6),
        .rationale = db_column_dup(s, 7),
        .version = (uint64_t)db_col_i64(s, 8),
        .status = (enum okr_status)db_col_int(s, 9),
        .necessary = {(enum okr_answer)db_col_int(s, 10), db_column_dup(s, 11),
                      db_col_i64(s, 12)},
        .sufficient = {(enum okr_answer)db_col_int(s, 13), db_column_dup(s, 14),
                       db_col_i64(s, 15)},
        .stamps = db_column_dup(s, 16),
        .from_idea = (uint32_t)db_col_i64(s, 17),
        .close_note = db_column_dup(s, 18),
        .carried_from = db_col_null(s, 19) ? NULL : db_column_dup(s, 19),
    };
    if (o.title == NULL || o.owner == NULL || o.rationale == NULL || o.necessary.by == NULL ||
        o.sufficient.by == NULL || o.stamps == NULL || o.close_note == NULL ||
        (!db_col_null(s, 19) && o.carried_from == NULL)) {
        okr_objective_clear(&o);
        return CAS_ENOMEM;
    }
    return okr_objective_insert(state, &o) != NULL ? 0 : CAS_ENOMEM;
}

static int load_key_result(struct db_stmt *s, struct okr_state *state)
{
    struct okr_key_result k = {
        .num = (uint32_t)db_col_i64(s, 0),
        .objective = (uint32_t)db_col_i64(s, 1),
        .title = db_column_dup(s, 2),
        .owner = db_column_dup(s, 3),
        .milestone = db_col_int(s, 4),
        .start = db_col_double(s, 5),
        .target = db_col_double(s, 6),
        .current = db_col_double(s, 7),
        .unit = db_column_dup(s, 8),
        .done = db_col_int(s, 9),
        .confidence = db_col_double(s, 10),
        .version = (uint64_t)db_col_i64(s, 11),
        .status = (enum okr_kr_status)db_col_int(s, 12),
        .blocker = db_column_dup(s, 13),
        .stamps = db_column_dup(s, 14),
        .from_idea = (uint32_t)db_col_i64(s, 15),
        .has_weight = !db_col_null(s, 16),
        .weight = db_col_double(s, 16),
        .checked_in_ms = db_col_i64(s, 17),
        .carried_from = db_col_null(s, 18) ? NULL : db_column_dup(s, 18),
    };
    if (k.title == NULL || k.owner == NULL || k.unit == NULL || k.blocker == NULL ||
        k.stamps == NULL || (!db_col_null(s, 18) && k.carried_from == NULL)) {
        okr_key_result_clear(&k);
        return CAS_ENOMEM;
    }
    return okr_key_result_insert(state, &k) != NULL ? 0 : CAS_ENOMEM;
}

static int load_initiative(struct db_stmt *s, struct okr_state *state)
{
    struct okr_initiative i = {
        .num = (uint32_t)db_col_i64(s, 0),
        .key_result = (uint32_t)db_col_i64(s, 1),
        .title = db_column_dup(s, 2),
        .done = db_col_int(s, 3),
        .version = (uint64_t)db_col_i64(s, 4),
    };
    if (i.title == NULL)
        return CAS_ENOMEM;
    return okr_initiative_insert(state, &i) != NULL ? 0 : CAS_ENOMEM;
}

static int load_dependency(struct db_stmt *s, struct okr_state *state)
{
    return okr_dependency_add(state, (uint32_t)db_col_i64(s, 0),
                              (uint32_t)db_col_i64(s, 1));
}

static int load_comment(struct db_stmt *s, struct okr_state *state)
{
    const char *kind = db_col_text(s, 1);
    struct okr_comment c = {
        .num = (uint32_t)db_col_i64(s, 0),
        .target_kind = kind != NULL && kind[0] == 'K' ? OKR_KEY_RESULT : OKR_OBJECTIVE,
        .target = (uint32_t)db_col_i64(s, 2),
        .author = db_column_dup(s, 3),
        .text = db_column_dup(s, 4),
        .time_ms = db_col_i64(s, 5),
        .resolved_by = db_column_dup(s, 6),
        .resolved_ms = db_col_i64(s, 7),
    };
    if (c.author == NULL || c.text == NULL || c.resolved_by == NULL) {
        okr_comment_clear(&c);
        return CAS_ENOMEM;
    }
    return okr_comment_insert(state, &c) != NULL ? 0 : CAS_ENOMEM;
}

int store_load_rows(struct store *st, enum store_stmt id, int64_t workshop_id,
                    int (*load)(struct db_stmt *s, struct okr_state *state),
                    struct okr_state *state, const char *what)
{
    struct db_stmt *s = st->stmt[id];
    int rc = SQLITE_OK, ret = 0;
    db_bind_i64(s, 1, workshop_id, &rc);
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            ret = load(s, state);
            if (ret != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, what);
    db_done(s);
    return ret;
}

/* Reads in one transaction so that the counters, entities and seq are one
 * consistent picture even if another connection writes meanwhile. */
int store_state_load(struct store *st, int64_t workshop_id, struct okr_state *state)
{
    int own_tx = !db_in_transaction(&st->db);
    if (own_tx) {
        int rc = db_run(st, st->stmt[ST_BEGIN_READ], SQLITE_OK, 0, "start reading a workshop");
        if (rc != 0)
            return rc;
    }
    int ret = load_counters(st, workshop_id, state);
    if (ret == 0)
        ret = store_load_rows(st, ST_TEAMS_LOAD, workshop_id, load_team, state, "load teams");
    if (ret == 0)
        ret = store_load_rows(st, ST_OBJECTIVES_LOAD, workshop_id, load_objective, state,
                        "load objectives");
    if (ret == 0)
        ret = store_load_rows(st, ST_KEY_RESULTS_LOAD, workshop_id, load_key_result, state,
                        "load key results");
    if (ret == 0)
        ret = store_load_rows(st, ST_INITIATIVES_LOAD, workshop_id, load_initiative, state,
                        "load initiatives");
    if (ret == 0)
        ret = store_load_rows(st, ST_DEPENDENCIES_LOAD, workshop_id, load_dependency, state,
                        "load dependencies");
    if (ret == 0)
        ret = store_load_rows(st, ST_COMMENTS_LOAD, workshop_id, load_comment, state, "load comments");
    if (ret == 0)
        ret = store_ideas_load(st, workshop_id, state);
    if (ret == 0)
        ret = store_closing_load(st, workshop_id, state);
    if (ret == 0)
        ret = load_last_seq(st, workshop_id, state);
    /* Nothing was written, so ending the read cannot lose anything. */
    if (own_tx)
        (void)db_run(st, st->stmt[ret == 0 ? ST_COMMIT : ST_ROLLBACK], SQLITE_OK, 0,
                  "finish reading a workshop");
    if (ret != 0)
        okr_state_free(state);
    return ret;
}

/* ---- Batches ---- */

int store_team_save(struct store *st, int64_t workshop_id, const struct okr_team *t)
{
    struct db_stmt *s = st->stmt[ST_TEAM_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, t->num, &rc);
    db_bind_text_nn(s, 3, t->name, &rc);
    db_bind_i64(s, 4, t->parent, &rc);
    db_bind_i64(s, 5, (int64_t)t->level, &rc);
    db_bind_i64(s, 6, (int64_t)t->version, &rc);
    return db_run(st, s, rc, 0, "save a team");
}

int store_objective_save(struct store *st, int64_t workshop_id, const struct okr_objective *o)
{
    struct db_stmt *s = st->stmt[ST_OBJECTIVE_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, o->num, &rc);
    db_bind_i64(s, 3, o->team, &rc);
    db_bind_text_nn(s, 4, o->title, &rc);
    db_bind_text(s, 5, o->owner, &rc);
    db_bind_i64(s, 6, o->aligns_to, &rc);
    db_bind_i64(s, 7, o->inherits, &rc);
    db_bind_i64(s, 8, o->committed != 0, &rc);
    db_bind_text(s, 9, o->rationale, &rc);
    db_bind_i64(s, 10, (int64_t)o->version, &rc);
    db_bind_i64(s, 11, (int64_t)o->status, &rc);
    db_bind_i64(s, 12, (int64_t)o->necessary.answer, &rc);
    db_bind_text(s, 13, o->necessary.by, &rc);
    db_bind_i64(s, 14, o->necessary.at_ms, &rc);
    db_bind_i64(s, 15, (int64_t)o->sufficient.answer, &rc);
    db_bind_text(s, 16, o->sufficient.by, &rc);
    db_bind_i64(s, 17, o->sufficient.at_ms, &rc);
    db_bind_text(s, 18, o->stamps, &rc);
    db_bind_i64(s, 19, o->from_idea, &rc);
    db_bind_text_nn(s, 20, o->close_note, &rc);
    db_bind_text(s, 21, o->carried_from != NULL && o->carried_from[0] ? o->carried_from : NULL, &rc);
    return db_run(st, s, rc, 0, "save an objective");
}

int store_key_result_save(struct store *st, int64_t workshop_id, const struct okr_key_result *k)
{
    struct db_stmt *s = st->stmt[ST_KEY_RESULT_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, k->num, &rc);
    db_bind_i64(s, 3, k->objective, &rc);
    db_bind_text_nn(s, 4, k->title, &rc);
    db_bind_text(s, 5, k->owner, &rc);
    db_bind_i64(s, 6, k->milestone != 0, &rc);
    db_bind_double(s, 7, k->start, &rc);
    db_bind_double(s, 8, k->target, &rc);
    db_bind_double(s, 9, k->current, &rc);
    db_bind_text(s, 10, k->unit, &rc);
    db_bind_i64(s, 11, k->done != 0, &rc);
    db_bind_double(s, 12, k->confidence, &rc);
    db_bind_i64(s, 13, (int64_t)k->version, &rc);
    db_bind_i64(s, 14, (int64_t)k->status, &rc);
    db_bind_text(s, 15, k->blocker, &rc);
    db_bind_text(s, 16, k->stamps, &rc);
    db_bind_i64(s, 17, k->from_idea, &rc);
    if (k->has_weight)
        db_bind_double(s, 18, k->weight, &rc);
    db_bind_i64(s, 19, k->checked_in_ms, &rc);
    db_bind_text(s, 20, k->carried_from != NULL && k->carried_from[0] ? k->carried_from : NULL, &rc);
    return db_run(st, s, rc, 0, "save a key result");
}

int store_initiative_save(struct store *st, int64_t workshop_id, const struct okr_initiative *i)
{
    struct db_stmt *s = st->stmt[ST_INITIATIVE_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, i->num, &rc);
    db_bind_i64(s, 3, i->key_result, &rc);
    db_bind_text_nn(s, 4, i->title, &rc);
    db_bind_i64(s, 5, i->done != 0, &rc);
    db_bind_i64(s, 6, (int64_t)i->version, &rc);
    return db_run(st, s, rc, 0, "save an initiative");
}

int store_dependency_save(struct store *st, int64_t workshop_id, const struct okr_dependency *d)
{
    struct db_stmt *s = st->stmt[ST_DEPENDENCY_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, d->key_result, &rc);
    db_bind_i64(s, 3, d->depends_on, &rc);
    return db_run(st, s, rc, 0, "save a dependency");
}

int store_comment_save(struct store *st, int64_t workshop_id, const struct okr_comment *c)
{
    struct db_stmt *s = st->stmt[ST_COMMENT_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, c->num, &rc);
    db_bind_text(s, 3, c->target_kind == OKR_KEY_RESULT ? "K" : "O", &rc);
    db_bind_i64(s, 4, c->target, &rc);
    db_bind_text_nn(s, 5, c->author, &rc);
    db_bind_text_nn(s, 6, c->text, &rc);
    db_bind_i64(s, 7, c->time_ms, &rc);
    db_bind_text(s, 8, c->resolved_by != NULL && c->resolved_by[0] ? c->resolved_by : NULL, &rc);
    db_bind_i64(s, 9, c->resolved_ms, &rc);
    return db_run(st, s, rc, 0, "save a comment");
}

int store_comment_delete(struct store *st, int64_t workshop_id, uint32_t num)
{
    struct db_stmt *s = st->stmt[ST_COMMENT_DELETE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, num, &rc);
    return db_run(st, s, rc, 0, "delete a comment");
}

/* Deletes the rows that hang off one entity: its comments, and for a key
 * result its initiatives and dependencies, as okr_*_remove does in memory. */
static int delete_dependents(struct store *st, int64_t workshop_id, enum okr_kind kind,
                             uint32_t num)
{
    struct db_stmt *s = st->stmt[ST_COMMENTS_ON_DELETE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_text(s, 2, kind == OKR_KEY_RESULT ? "K" : "O", &rc);
    db_bind_i64(s, 3, num, &rc);
    int ret = db_run(st, s, rc, 0, "delete comments");
    if (ret != 0 || kind != OKR_KEY_RESULT)
        return ret;
    const enum store_stmt kr_rows[] = {ST_KR_INITIATIVES_DELETE, ST_KR_DEPENDENCIES_DELETE};
    for (size_t i = 0; ret == 0 && i < 2; i++) {
        s = st->stmt[kr_rows[i]];
        rc = SQLITE_OK;
        db_bind_i64(s, 1, workshop_id, &rc);
        db_bind_i64(s, 2, num, &rc);
        ret = db_run(st, s, rc, 0, "delete what hangs off a key result");
    }
    return ret;
}

int store_team_delete(struct store *st, int64_t workshop_id, uint32_t num)
{
    struct db_stmt *s = st->stmt[ST_TEAM_MEMBERS_DELETE_TEAM];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, num, &rc);
    int ret = db_run(st, s, rc, 0, "remove a team's members");
    if (ret != 0)
        return ret;
    s = st->stmt[ST_TEAM_DELETE];
    rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, num, &rc);
    return db_run(st, s, rc, 0, "remove a team");
}

int store_objective_delete(struct store *st, int64_t workshop_id, uint32_t num)
{
    struct db_stmt *s = st->stmt[ST_OBJECTIVE_DELETE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, num, &rc);
    int ret = db_run(st, s, rc, 1, "delete an objective");
    return ret == 0 ? delete_dependents(st, workshop_id, OKR_OBJECTIVE, num) : ret;
}

int store_key_result_delete(struct store *st, int64_t workshop_id, uint32_t num)
{
    struct db_stmt *s = st->stmt[ST_KEY_RESULT_DELETE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, num, &rc);
    int ret = db_run(st, s, rc, 1, "delete a key result");
    return ret == 0 ? delete_dependents(st, workshop_id, OKR_KEY_RESULT, num) : ret;
}

int store_counters_save(struct store *st, int64_t workshop_id, const struct okr_state *state)
{
    struct db_stmt *s = st->stmt[ST_COUNTERS_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, state->next_team, &rc);
    db_bind_i64(s, 2, state->next_objective, &rc);
    db_bind_i64(s, 3, state->next_key_result, &rc);
    db_bind_i64(s, 4, state->next_initiative, &rc);
    db_bind_i64(s, 5, state->next_comment, &rc);
    db_bind_i64(s, 6, state->next_idea, &rc);
    db_bind_i64(s, 7, workshop_id, &rc);
    return db_run(st, s, rc, 1, "save a workshop's counters");
}

