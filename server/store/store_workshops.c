/* The store's workshops and who takes part in them: workshop rows,
 * participants and their roles, team membership and invite codes. */
#include "store.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "store_internal.h"

/* ---- Workshops and participants ---- */

int store_workshop_add(struct store *st, const struct store_workshop *w, int64_t *id_out)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_ADD];
    int rc = SQLITE_OK;
    db_bind_text_n(s, 1, w->code, sizeof w->code, &rc);
    db_bind_text_n(s, 2, w->title, sizeof w->title, &rc);
    db_bind_text_n(s, 3, w->period, sizeof w->period, &rc);
    /* A workshop made outside any session (by the admin tool) has no creator. */
    if (w->created_by > 0)
        db_bind_i64(s, 4, w->created_by, &rc);
    db_bind_i64(s, 5, w->created_ms, &rc);
    int ret = db_step_row(st, s, rc, "add a workshop");
    if (ret == 0 && id_out != NULL)
        *id_out = db_col_i64(s, 0); /* RETURNING id */
    db_done(s);
    return ret;
}

int store_workshop_set_code(struct store *st, int64_t id, const char *code)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SET_CODE];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, code, &rc);
    db_bind_i64(s, 2, id, &rc);
    return db_run(st, s, rc, 1, "change a workshop's code");
}

void store_read_workshop(struct db_stmt *s, struct store_workshop *w)
{
    memset(w, 0, sizeof *w);
    w->id = db_col_i64(s, 0);
    db_column_copy(s, 1, w->code, sizeof w->code);
    db_column_copy(s, 2, w->title, sizeof w->title);
    db_column_copy(s, 3, w->period, sizeof w->period);
    w->created_by = db_col_i64(s, 4);
    w->created_ms = db_col_i64(s, 5);
    w->observer_comments = db_col_int(s, 6);
    db_column_copy(s, 7, w->schedule.period_from, sizeof w->schedule.period_from);
    db_column_copy(s, 8, w->schedule.period_to, sizeof w->schedule.period_to);
    db_column_copy(s, 9, w->schedule.timezone, sizeof w->schedule.timezone);
    db_column_copy(s, 10, w->schedule.cadence, sizeof w->schedule.cadence);
    w->schedule.done_ms = db_col_i64(s, 11);
    w->archived_ms = db_col_i64(s, 12);
    db_column_copy(s, 13, w->archived_by, sizeof w->archived_by);
}

int store_workshop_each(struct store *st,
                        int (*cb)(void *ctx, const struct store_workshop *w), void *ctx)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_EACH];
    int rc, ret = 0;
    while ((rc = db_step(s)) == SQLITE_ROW) {
        struct store_workshop w;
        store_read_workshop(s, &w);
        ret = cb(ctx, &w);
        if (ret != 0)
            break;
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list workshops");
    db_done(s);
    return ret;
}

/* Setting the role of someone already in the workshop keeps their join time. */
int store_participant_set(struct store *st, int64_t workshop_id, int64_t user_id, int role,
                          int64_t joined_ms)
{
    struct db_stmt *s = st->stmt[ST_PARTICIPANT_SET];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, user_id, &rc);
    db_bind_i64(s, 3, role, &rc);
    db_bind_i64(s, 4, joined_ms, &rc);
    return db_run(st, s, rc, 0, "set a participant's role");
}

int store_participant_each(struct store *st, int64_t workshop_id,
                           int (*cb)(void *ctx, const struct store_participant *p), void *ctx)
{
    struct db_stmt *s = st->stmt[ST_PARTICIPANT_EACH];
    int rc = SQLITE_OK, ret = 0;
    db_bind_i64(s, 1, workshop_id, &rc);
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            struct store_participant p = {
                .user_id = db_col_i64(s, 0),
                .role = db_col_int(s, 1),
                .joined_ms = db_col_i64(s, 2),
                .last_seen_ms = db_col_i64(s, 3),
            };
            ret = cb(ctx, &p);
            if (ret != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list participants");
    db_done(s);
    return ret;
}

int store_participant_drop(struct store *st, int64_t workshop_id, int64_t user_id,
                           int64_t now_ms)
{
    int ret = store_participant_set(st, workshop_id, user_id, 0, now_ms);
    if (ret == 0) {
        struct db_stmt *s = st->stmt[ST_PARTICIPANT_REMOVED_AT];
        int rc = SQLITE_OK;
        db_bind_i64(s, 1, now_ms, &rc);
        db_bind_i64(s, 2, workshop_id, &rc);
        db_bind_i64(s, 3, user_id, &rc);
        ret = db_run(st, s, rc, 1, "note when a participant was removed");
    }
    if (ret == 0) {
        struct db_stmt *s = st->stmt[ST_TEAM_MEMBERS_DELETE_USER];
        int rc = SQLITE_OK;
        db_bind_i64(s, 1, workshop_id, &rc);
        db_bind_i64(s, 2, user_id, &rc);
        ret = db_run(st, s, rc, 0, "remove a user's team memberships");
    }
    return ret;
}

int store_participant_removed_ms(struct store *st, int64_t workshop_id, int64_t user_id,
                                 int64_t *removed_ms)
{
    struct db_stmt *s = st->stmt[ST_PARTICIPANT_REMOVED_MS];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, user_id, &rc);
    int ret = db_step_row(st, s, rc, "look up a participant's removal");
    if (ret == 0)
        *removed_ms = db_col_i64(s, 0);
    db_done(s);
    return ret;
}

/* ---- Team membership and invites ---- */

int store_team_member_add(struct store *st, int64_t workshop_id, uint32_t team, int64_t user_id)
{
    struct db_stmt *s = st->stmt[ST_TEAM_MEMBER_ADD];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, team, &rc);
    db_bind_i64(s, 3, user_id, &rc);
    return db_run(st, s, rc, 0, "add a team member");
}

int store_team_member_each(struct store *st, int64_t workshop_id,
                           int (*cb)(void *ctx, uint32_t team, int64_t user_id), void *ctx)
{
    struct db_stmt *s = st->stmt[ST_TEAM_MEMBER_EACH];
    int rc = SQLITE_OK, ret = 0;
    db_bind_i64(s, 1, workshop_id, &rc);
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            ret = cb(ctx, (uint32_t)db_col_i64(s, 0), db_col_i64(s, 1));
            if (ret != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list team members");
    db_done(s);
    return ret;
}

int store_invite_add(struct store *st, const char *code, const struct store_invite *inv,
                     int64_t created_by, int64_t created_ms)
{
    struct db_stmt *s = st->stmt[ST_INVITE_ADD];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, code, &rc);
    db_bind_i64(s, 2, inv->workshop_id, &rc);
    db_bind_i64(s, 3, inv->role, &rc);
    db_bind_i64(s, 4, inv->team, &rc);
    db_bind_i64(s, 5, created_by, &rc);
    db_bind_i64(s, 6, created_ms, &rc);
    db_bind_i64(s, 7, inv->expires_ms, &rc);
    return db_run(st, s, rc, 0, "add an invite");
}

int store_invite_get(struct store *st, const char *code, struct store_invite *out)
{
    struct db_stmt *s = st->stmt[ST_INVITE_GET];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, code, &rc);
    int ret = db_step_row(st, s, rc, "look up an invite");
    if (ret == 0) {
        out->workshop_id = db_col_i64(s, 0);
        out->role = db_col_int(s, 1);
        out->team = (uint32_t)db_col_i64(s, 2);
        out->expires_ms = db_col_i64(s, 3);
        out->created_ms = db_col_i64(s, 4);
        out->uses = (uint32_t)db_col_i64(s, 5);
        out->revoked_ms = db_col_i64(s, 6);
    }
    db_done(s);
    return ret;
}

int store_invite_used(struct store *st, const char *code)
{
    struct db_stmt *s = st->stmt[ST_INVITE_USED];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, code, &rc);
    return db_run(st, s, rc, 0, "count an invite's use");
}

int store_invite_revoke(struct store *st, int64_t workshop_id, const char *code, int64_t now_ms,
                        const char *by)
{
    struct db_stmt *s = st->stmt[ST_INVITE_REVOKE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, now_ms, &rc);
    db_bind_text(s, 2, by, &rc);
    db_bind_text(s, 3, code, &rc);
    db_bind_i64(s, 4, workshop_id, &rc);
    return db_run(st, s, rc, 1, "revoke an invite");
}

int store_invite_each(struct store *st, int64_t workshop_id, size_t limit,
                      int (*cb)(void *ctx, const struct store_invite *inv), void *ctx)
{
    struct db_stmt *s = st->stmt[ST_INVITE_EACH];
    int rc = SQLITE_OK, ret = 0;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, (int64_t)limit, &rc);
    if (rc == SQLITE_OK) {
        while ((rc = db_step(s)) == SQLITE_ROW) {
            struct store_invite inv;
            memset(&inv, 0, sizeof inv);
            inv.workshop_id = workshop_id;
            db_column_copy(s, 0, inv.code, sizeof inv.code);
            inv.role = db_col_int(s, 1);
            inv.team = (uint32_t)db_col_i64(s, 2);
            inv.expires_ms = db_col_i64(s, 3);
            inv.created_ms = db_col_i64(s, 4);
            inv.uses = (uint32_t)db_col_i64(s, 5);
            inv.revoked_ms = db_col_i64(s, 6);
            db_column_copy(s, 7, inv.created_by, sizeof inv.created_by);
            if ((ret = cb(ctx, &inv)) != 0)
                break;
        }
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list invites");
    db_done(s);
    return ret;
}

int store_invite_count_open(struct store *st, int64_t workshop_id, int64_t now_ms,
                            int64_t *count)
{
    struct db_stmt *s = st->stmt[ST_INVITE_COUNT_OPEN];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, now_ms, &rc);
    int ret = db_step_row(st, s, rc, "count invites");
    if (ret == 0)
        *count = db_col_i64(s, 0);
    db_done(s);
    return ret;
}

int store_participant_seen(struct store *st, int64_t workshop_id, int64_t user_id,
                           int64_t last_seen_ms)
{
    struct db_stmt *s = st->stmt[ST_PARTICIPANT_SEEN];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, last_seen_ms, &rc);
    db_bind_i64(s, 2, workshop_id, &rc);
    db_bind_i64(s, 3, user_id, &rc);
    return db_run(st, s, rc, 0, "note when a participant was seen");
}

int store_workshop_set_observer_comments(struct store *st, int64_t workshop_id, int on)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SET_OBSERVER_COMMENTS];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, on ? 1 : 0, &rc);
    db_bind_i64(s, 2, workshop_id, &rc);
    return db_run(st, s, rc, 1, "change a workshop's settings");
}

int store_workshop_set_schedule(struct store *st, int64_t workshop_id, const char *period,
                                const struct store_schedule *sc)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SET_SCHEDULE];
    int rc = SQLITE_OK;
    db_bind_text(s, 1, period, &rc);
    db_bind_text(s, 2, sc->period_from, &rc);
    db_bind_text(s, 3, sc->period_to, &rc);
    db_bind_text(s, 4, sc->timezone, &rc);
    db_bind_text(s, 5, sc->cadence, &rc);
    db_bind_i64(s, 6, sc->done_ms, &rc);
    db_bind_i64(s, 7, workshop_id, &rc);
    return db_run(st, s, rc, 1, "change a workshop's cadence");
}

int store_workshop_schedule(struct store *st, int64_t workshop_id, char *period,
                            struct store_schedule *out)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SCHEDULE];
    int rc = SQLITE_OK, ret = 0;
    memset(out, 0, sizeof *out);
    db_bind_i64(s, 1, workshop_id, &rc);
    if (rc == SQLITE_OK && (rc = db_step(s)) == SQLITE_ROW) {
        db_column_copy(s, 0, period, OKR_PERIOD_CAP + 1);
        db_column_copy(s, 1, out->period_from, sizeof out->period_from);
        db_column_copy(s, 2, out->period_to, sizeof out->period_to);
        db_column_copy(s, 3, out->timezone, sizeof out->timezone);
        db_column_copy(s, 4, out->cadence, sizeof out->cadence);
        out->done_ms = db_col_i64(s, 5);
    } else if (rc == SQLITE_DONE) {
        ret = CAS_ENOTFOUND;
    } else {
        ret = db_fail(st, rc, "read a workshop's cadence");
    }
    db_done(s);
    return ret;
}

int store_workshop_set_cadence_done(struct store *st, int64_t workshop_id, int64_t done_ms)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SET_CADENCE_DONE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, done_ms, &rc);
    db_bind_i64(s, 2, workshop_id, &rc);
    return db_run(st, s, rc, 1, "note how far the check-in cadence has run");
}

int store_team_member_remove(struct store *st, int64_t workshop_id, uint32_t team,
                             int64_t user_id)
{
    struct db_stmt *s = st->stmt[ST_TEAM_MEMBER_REMOVE];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    db_bind_i64(s, 2, team, &rc);
    db_bind_i64(s, 3, user_id, &rc);
    return db_run(st, s, rc, 0, "remove a team member");
}

/* ---- Operating the server ---- */

int store_workshop_set_archived(struct store *st, int64_t workshop_id, int64_t at_ms,
                                const char *by)
{
    struct db_stmt *s = st->stmt[ST_WORKSHOP_SET_ARCHIVED];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, at_ms, &rc);
    db_bind_text_nn(s, 2, at_ms != 0 ? by : "", &rc);
    db_bind_i64(s, 3, workshop_id, &rc);
    return db_run(st, s, rc, 1, at_ms != 0 ? "archive a workshop" : "unarchive a workshop");
}

int store_workshop_last_event_ms(struct store *st, int64_t workshop_id, int64_t *out)
{
    struct db_stmt *s = st->stmt[ST_EVENT_LAST_TIME];
    int rc = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &rc);
    int ret = db_step_row(st, s, rc, "read a workshop's last event");
    *out = ret == 0 ? db_col_i64(s, 0) : 0;
    db_done(s);
    return ret == CAS_ENOTFOUND ? 0 : ret;
}

/* Runs sql, with the workshop's id as its one parameter, once; *changes
 * gets the rows it changed. */
static int run_once(struct store *st, const char *sql, int64_t workshop_id, int64_t *changes,
                    const char *what)
{
    struct db_stmt *s = NULL;
    int rc = db_prepare(&st->db, sql, &s);
    if (rc == SQLITE_OK)
        rc = db_bind_int64(s, 1, workshop_id);
    if (rc == SQLITE_OK)
        rc = db_step(s);
    if (changes != NULL)
        *changes = rc == SQLITE_DONE ? db_changes(s) : 0;
    int ret = rc == SQLITE_DONE ? 0 : db_fail(st, rc, what);
    db_finalize(s);
    return ret;
}

int store_workshop_delete(struct store *st, int64_t workshop_id)
{
    /* Every table with a workshop_id column, found in the schema: a table
     * added later is emptied of the workshop too, with no list to keep.
     * (The table's name comes from the schema, never from a request.) */
    static const char *const TABLES_SQLITE =
        "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c"
        " WHERE m.type = 'table' AND c.name = 'workshop_id' ORDER BY m.name";
    static const char *const TABLES_PG =
        "SELECT table_name FROM information_schema.columns WHERE column_name = 'workshop_id'"
        " AND table_schema = current_schema() ORDER BY table_name";
    int ret = store_begin(st);
    if (ret != 0)
        return ret;
    /* Only workshops is referred to by these tables, and it goes last; SQLite
     * is told to check its foreign keys at the commit anyway. */
    int rc = st->db.kind == DB_SQLITE ? db_exec(&st->db, "PRAGMA defer_foreign_keys = ON")
                                      : SQLITE_OK;
    struct db_stmt *list = NULL;
    if (rc == SQLITE_OK)
        rc = db_prepare(&st->db, st->db.kind == DB_SQLITE ? TABLES_SQLITE : TABLES_PG, &list);
    ret = rc == SQLITE_OK ? 0 : db_fail(st, rc, "list the tables");
    while (ret == 0 && (rc = db_step(list)) == SQLITE_ROW) {
        char table[64], sql[160];
        db_column_copy(list, 0, table, sizeof table);
        snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE workshop_id = ?", table);
        ret = run_once(st, sql, workshop_id, NULL, "delete a workshop's rows");
    }
    if (ret == 0 && rc != SQLITE_DONE)
        ret = db_fail(st, rc, "list the tables");
    db_finalize(list);
    int64_t deleted = 0;
    if (ret == 0)
        ret = run_once(st, "DELETE FROM workshops WHERE id = ?", workshop_id, &deleted,
                       "delete a workshop");
    if (ret == 0 && deleted != 1)
        ret = CAS_ENOTFOUND;
    if (ret == 0)
        ret = store_commit(st);
    if (ret != 0)
        store_rollback(st);
    return ret;
}

void store_file_sizes(struct store *st, uint64_t *db, uint64_t *wal)
{
    *db = *wal = 0;
    if (st->db.kind == DB_POSTGRES) {
        struct db_stmt *s = st->stmt[ST_DATABASE_SIZE];
        if (db_step_row(st, s, SQLITE_OK, "read the database's size") == 0)
            *db = (uint64_t)db_col_i64(s, 0);
        db_done(s);
        return;
    }
    const char *path = sqlite3_db_filename(st->db.sq, "main");
    if (path == NULL || path[0] == '\0')
        return;
    struct stat sb;
    if (stat(path, &sb) == 0)
        *db = (uint64_t)sb.st_size;
    char walpath[4200];
    snprintf(walpath, sizeof walpath, "%s-wal", path);
    if (stat(walpath, &sb) == 0)
        *wal = (uint64_t)sb.st_size;
}
