/* The store's ideas, the workshop's dot vote and its ballots. */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "ideas.h"
#include "store_internal.h"

static int load_idea(struct db_stmt *s, struct okr_state *state)
{
    const char *kind = db_col_text(s, 7);
    struct okr_idea i = {
        .num = (uint32_t)db_col_i64(s, 0),
        .text = db_column_dup(s, 1),
        .author = db_col_null(s, 2) ? NULL : db_column_dup(s, 2),
        .time_ms = db_col_i64(s, 3),
        .revealed = db_col_int(s, 4),
        .hidden_by = db_column_dup(s, 5),
        .merged_into = (uint32_t)db_col_i64(s, 6),
        .promoted_kind = kind != NULL && kind[0] == 'K' ? OKR_KEY_RESULT : OKR_OBJECTIVE,
        .promoted_num = (uint32_t)db_col_i64(s, 8),
        .retro = (enum okr_retro_kind)db_col_int(s, 9),
        .on = (uint32_t)db_col_i64(s, 10),
    };
    if (i.retro > OKR_RETRO_START)
        i.retro = OKR_RETRO_NONE;
    if (i.promoted_num == 0)
        i.promoted_kind = 0;
    if (i.text == NULL || i.hidden_by == NULL ||
        (!db_col_null(s, 2) && i.author == NULL)) {
        okr_idea_clear(&i);
        return CAS_ENOMEM;
    }
    return okr_idea_insert(state, &i) != NULL ? 0 : CAS_ENOMEM;
}

static int load_vote(struct db_stmt *s, struct okr_state *state)
{
    struct okr_vote *v = &state->vote;
    v->number = (uint32_t)db_col_i64(s, 0);
    v->state = (enum okr_vote_state)db_col_int(s, 1);
    v->budget = (uint32_t)db_col_i64(s, 2);
    v->max_per_idea = (uint32_t)db_col_i64(s, 3);
    v->closes_ms = db_col_i64(s, 4);
    v->started_ms = db_col_i64(s, 6);
    v->retro = db_col_int(s, 7);
    free(v->started_by);
    v->started_by = db_column_dup(s, 5);
    return v->started_by != NULL ? 0 : CAS_ENOMEM;
}

static int load_ballot(struct db_stmt *s, struct okr_state *state)
{
    char voter[OKR_NAME_MAX + 1];
    db_column_copy(s, 0, voter, sizeof voter);
    return okr_ballot_set(state, voter, (uint32_t)db_col_i64(s, 1),
                          (uint32_t)db_col_i64(s, 2));
}

int store_ideas_load(struct store *st, int64_t workshop_id, struct okr_state *state)
{
    int ret = store_load_rows(st, ST_IDEAS_LOAD, workshop_id, load_idea, state, "load ideas");
    if (ret == 0)
        ret = store_load_rows(st, ST_VOTE_LOAD, workshop_id, load_vote, state, "load the vote");
    if (ret == 0)
        ret = store_load_rows(st, ST_BALLOTS_LOAD, workshop_id, load_ballot, state, "load ballots");
    return ret;
}

int store_idea_save(struct store *st, int64_t workshop_id, const struct okr_idea *i)
{
    struct db_stmt *s = st->stmt[ST_IDEA_SAVE];
    int rc = SQLITE_OK;
    char kind[2] = {(char)i->promoted_kind, '\0'};
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, i->num, &rc);
    db_bind_text_nn(s, 3, i->text, &rc);
    /* NULL, not "", for an anonymous idea: there is no author to keep. */
    db_bind_text(s, 4, okr_idea_anonymous(i) ? NULL : i->author, &rc);
    db_bind_i64(s, 5, i->time_ms, &rc);
    db_bind_i64(s, 6, i->revealed, &rc);
    db_bind_text(s, 7, okr_idea_hidden(i) ? i->hidden_by : NULL, &rc);
    db_bind_i64(s, 8, i->merged_into, &rc);
    db_bind_text(s, 9, i->promoted_num ? kind : NULL, &rc);
    db_bind_i64(s, 10, i->promoted_num, &rc);
    db_bind_i64(s, 11, i->retro, &rc);
    db_bind_i64(s, 12, i->on, &rc);
    return db_run(st, s, rc, 0, "save an idea");
}

int store_vote_save(struct store *st, int64_t workshop_id, const struct okr_vote *v)
{
    struct db_stmt *s = st->stmt[ST_VOTE_SAVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, v->number, &rc);
    db_bind_i64(s, 3, v->state, &rc);
    db_bind_i64(s, 4, v->budget, &rc);
    db_bind_i64(s, 5, v->max_per_idea, &rc);
    db_bind_i64(s, 6, v->closes_ms, &rc);
    db_bind_text(s, 7, v->started_by, &rc);
    db_bind_i64(s, 8, v->started_ms, &rc);
    db_bind_i64(s, 9, v->retro, &rc);
    return db_run(st, s, rc, 0, "save the vote");
}

int store_ballot_save(struct store *st, int64_t workshop_id, const char *voter, uint32_t idea,
                      uint32_t count)
{
    struct db_stmt *s = st->stmt[count ? ST_BALLOT_SAVE : ST_BALLOT_DELETE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_text(s, 2, voter, &rc);
    db_bind_i64(s, 3, idea, &rc);
    if (count)
        db_bind_i64(s, 4, count, &rc);
    return db_run(st, s, rc, 0, "save a ballot");
}

int store_ballots_delete(struct store *st, int64_t workshop_id)
{
    struct db_stmt *s = st->stmt[ST_BALLOTS_DELETE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    return db_run(st, s, rc, 0, "clear the ballots");
}
