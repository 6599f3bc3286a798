/* Tests of server/store.c against real SQLite files in a temporary
 * directory, or, when CASCADE_TEST_PG_URL names a PostgreSQL database
 * (tests/pg/with-postgres.sh), against a fresh schema of it for each test:
 * schema and migrations, round trips through a reopen, error mapping,
 * batches that roll back, and reading history by seq. The tests of
 * SQLite's files and its old schema versions are skipped on PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sqlite3.h>

#include "errors.h"
#include "ideas.h"
#include "okr.h"
#include "store.h"
#include "store_db.h"
#include "store_schema.h"

struct fixture {
    char dir[64];
    char path[600]; /* a file, or a postgresql:// URL */
    struct store *st;
};

/* The PostgreSQL database the suite runs against; NULL: SQLite files. */
static const char *pg_url;

/* The schema each PostgreSQL test starts empty in. */
#define PG_TEST_SCHEMA "cascade_store_test"

static void pg_run(const char *url, const char *sql)
{
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK)
        fail_msg("cannot connect to %s: %s", url, PQerrorMessage(c));
    PGresult *r = PQexec(c, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK)
        fail_msg("%s: %s", sql, PQerrorMessage(c));
    PQclear(r);
    PQfinish(c);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    if (pg_url != NULL) {
        pg_run(pg_url, "SET client_min_messages = warning;"
                       " DROP SCHEMA IF EXISTS " PG_TEST_SCHEMA " CASCADE;"
                       " CREATE SCHEMA " PG_TEST_SCHEMA);
        snprintf(f->path, sizeof f->path, "%s%coptions=-csearch_path%%3D" PG_TEST_SCHEMA, pg_url,
                 strchr(pg_url, '?') != NULL ? '&' : '?');
        *state = f;
        return 0;
    }
    snprintf(f->dir, sizeof f->dir, "/tmp/cascade-test-store-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/cascade.db", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->st);
    if (pg_url != NULL) {
        free(f);
        return 0;
    }
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[700];
        snprintf(p, sizeof p, "%s%s", f->path, suffixes[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
    return 0;
}

static void open_store(struct fixture *f)
{
    char err[512] = "";
    int rc = store_open(&f->st, f->path, STORE_SYNC_FULL, err, sizeof err);
    if (rc != 0)
        fail_msg("store_open gave %d: %s", rc, err);
    assert_non_null(f->st);
}

static void reopen_store(struct fixture *f)
{
    store_close(f->st);
    f->st = NULL;
    open_store(f);
}

/* A second connection that bypasses the store, to look at the database
 * itself: a SQLite file, or the PostgreSQL schema of the test. */
struct raw {
    sqlite3 *sq;
    PGconn *pg;
};

static struct raw *raw_open(const char *path)
{
    struct raw *r = calloc(1, sizeof *r);
    assert_non_null(r);
    if (pg_url != NULL) {
        r->pg = PQconnectdb(path);
        assert_int_equal(PQstatus(r->pg), CONNECTION_OK);
    } else {
        assert_int_equal(sqlite3_open(path, &r->sq), SQLITE_OK);
    }
    return r;
}

static void raw_close(struct raw *r)
{
    if (r->pg != NULL)
        PQfinish(r->pg);
    sqlite3_close(r->sq);
    free(r);
}

static void raw_exec(struct raw *r, const char *sql)
{
    if (r->pg != NULL) {
        PGresult *res = PQexec(r->pg, sql);
        if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, PQerrorMessage(r->pg));
        PQclear(res);
        return;
    }
    char *msg = NULL;
    if (sqlite3_exec(r->sq, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* The text of the first column of row `row`, in out; 0, or -1 when there
 * is no such row. */
static int raw_query_row(struct raw *r, const char *sql, int row, char *out, size_t outlen)
{
    if (r->pg != NULL) {
        PGresult *res = PQexec(r->pg, sql);
        if (PQresultStatus(res) != PGRES_TUPLES_OK)
            fail_msg("%s: %s", sql, PQerrorMessage(r->pg));
        int ok = row < PQntuples(res);
        if (ok)
            snprintf(out, outlen, "%s", PQgetvalue(res, row, 0));
        PQclear(res);
        return ok ? 0 : -1;
    }
    sqlite3_stmt *s = NULL;
    assert_int_equal(sqlite3_prepare_v2(r->sq, sql, -1, &s, NULL), SQLITE_OK);
    int rc = SQLITE_ROW;
    for (int i = 0; i <= row && rc == SQLITE_ROW; i++)
        rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        snprintf(out, outlen, "%s", v != NULL ? (const char *)v : "");
    }
    sqlite3_finalize(s);
    return rc == SQLITE_ROW ? 0 : -1;
}

/* The text of the first column of the first row, in out. */
static void raw_query(struct raw *r, const char *sql, char *out, size_t outlen)
{
    if (raw_query_row(r, sql, 0, out, outlen) != 0)
        fail_msg("%s: no row", sql);
}

/* For the tests of SQLite's files and old schemas. */
#define SQLITE_ONLY()                                                                              \
    do {                                                                                           \
        if (pg_url != NULL)                                                                        \
            skip();                                                                                \
    } while (0)

static int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static int64_t add_user(struct store *st, const char *name, int admin)
{
    int64_t id = 0;
    assert_int_equal(store_user_add(st, name, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA",
                                     admin, 1000, &id),
                     0);
    assert_true(id > 0);
    return id;
}

static int64_t add_workshop(struct store *st, const char *code, const char *title, int64_t by)
{
    struct store_workshop w;
    memset(&w, 0, sizeof w);
    snprintf(w.code, sizeof w.code, "%s", code);
    snprintf(w.title, sizeof w.title, "%s", title);
    snprintf(w.period, sizeof w.period, "2026-Q3");
    w.created_by = by;
    w.created_ms = 2000;
    int64_t id = 0;
    assert_int_equal(store_workshop_add(st, &w, &id), 0);
    assert_true(id > 0);
    return id;
}

static void hash_of(uint8_t hash[32], int n)
{
    for (int i = 0; i < 32; i++)
        hash[i] = (uint8_t)(n * 31 + i);
}

static int append_event(struct store *st, int64_t ws, uint64_t seq)
{
    char payload[32];
    int n = snprintf(payload, sizeof payload, "event %llu", (unsigned long long)seq);
    return store_event_append(st, ws, seq, "alice", 3000 + (int64_t)seq, "kr.update", "K1",
                              (const uint8_t *)payload, (size_t)n);
}

/* ---- Collectors for the *_each callbacks ---- */

struct events_seen {
    uint64_t seqs[32];
    char payloads[32][64];
    size_t n;
    size_t stop_after; /* 0: never stop */
};

static int collect_event(void *ctx, uint64_t seq, const uint8_t *payload, size_t len)
{
    struct events_seen *e = ctx;
    assert_true(e->n < 32);
    assert_true(len < sizeof e->payloads[0]);
    e->seqs[e->n] = seq;
    if (len > 0)
        memcpy(e->payloads[e->n], payload, len);
    e->payloads[e->n][len] = '\0';
    e->n++;
    return e->stop_after != 0 && e->n == e->stop_after ? 7 : 0;
}

struct users_seen {
    struct store_user users[8];
    size_t n;
};

static int collect_user(void *ctx, const struct store_user *u)
{
    struct users_seen *s = ctx;
    assert_true(s->n < 8);
    s->users[s->n++] = *u;
    return 0;
}

struct workshops_seen {
    struct store_workshop w[8];
    size_t n;
};

static int collect_workshop(void *ctx, const struct store_workshop *w)
{
    struct workshops_seen *s = ctx;
    assert_true(s->n < 8);
    s->w[s->n++] = *w;
    return 0;
}

struct participants_seen {
    int64_t user[8];
    int role[8];
    size_t n;
};

static int collect_participant(void *ctx, const struct store_participant *p)
{
    struct participants_seen *s = ctx;
    assert_true(s->n < 8);
    s->user[s->n] = p->user_id;
    s->role[s->n] = p->role;
    s->n++;
    return 0;
}

/* ---- Tests ---- */

static void test_fresh_open(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);

    add_user(f->st, "alice", 1);
    struct raw *db = raw_open(f->path);
    char text[64];
    if (pg_url == NULL) {
        /* A write goes to the write-ahead log first. */
        char wal[700];
        snprintf(wal, sizeof wal, "%s-wal", f->path);
        assert_true(file_exists(wal));
        raw_query(db, "PRAGMA journal_mode", text, sizeof text);
        assert_string_equal(text, "wal");
        raw_query(db, "PRAGMA user_version", text, sizeof text);
    } else {
        raw_query(db, "SELECT version FROM cascade_schema", text, sizeof text);
    }
    assert_int_equal(atoi(text), STORE_SCHEMA_VERSION);
    static const char *const tables[] = {
        "users", "tokens", "workshops", "participants", "events", "teams", "objectives",
        "key_results", "team_members", "invites",
    };
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        char sql[128];
        snprintf(sql, sizeof sql,
                 pg_url == NULL ? "SELECT count(*) FROM sqlite_schema WHERE name = '%s'"
                                : "SELECT count(*) FROM information_schema.tables"
                                  " WHERE table_schema = current_schema() AND table_name = '%s'",
                 tables[i]);
        raw_query(db, sql, text, sizeof text);
        if (strcmp(text, "1") != 0)
            fail_msg("table %s is missing", tables[i]);
    }
    raw_close(db);

    /* Opening again migrates nothing and changes nothing. */
    reopen_store(f);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
    int64_t count = 0;
    assert_int_equal(store_user_count(f->st, &count), 0);
    assert_int_equal(count, 1);
}

static int collect_member(void *ctx, uint32_t team, int64_t user_id)
{
    int64_t *out = ctx;
    out[out[0] * 2 + 1] = team;
    out[out[0] * 2 + 2] = user_id;
    out[0]++;
    return 0;
}

static int collect_role(void *ctx, const struct store_participant *p)
{
    int *roles = ctx;
    roles[p->user_id] = p->role;
    return 0;
}


/* Running a workshop (schema 7): invites count their uses and can be
 * revoked, participants' last-seen times, the observer-comments setting,
 * resolved comments, and removing a team with its memberships. */
struct invite_rows {
    char codes[8][16];
    uint32_t uses[8];
    int64_t revoked[8];
    size_t n;
};

static int collect_invite(void *ctx, const struct store_invite *inv)
{
    struct invite_rows *rows = ctx;
    snprintf(rows->codes[rows->n], sizeof rows->codes[0], "%s", inv->code);
    rows->uses[rows->n] = inv->uses;
    rows->revoked[rows->n] = inv->revoked_ms;
    rows->n++;
    return 0;
}

static int collect_seen(void *ctx, const struct store_participant *p)
{
    int64_t *seen = ctx;
    seen[p->user_id] = p->last_seen_ms;
    return 0;
}

static int find_observer_setting(void *ctx, const struct store_workshop *w)
{
    *(int *)ctx = w->observer_comments;
    return 0;
}

static void test_running_a_workshop_round_trip(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 0), bob = add_user(f->st, "bob", 0);
    int64_t ws = add_workshop(f->st, "ABCDEF", "Run", alice);
    struct store_invite inv = {.workshop_id = ws, .role = 2};
    assert_int_equal(store_invite_add(f->st, "OLDERONE22", &inv, alice, 10), 0);
    assert_int_equal(store_invite_add(f->st, "NEWERONE33", &inv, alice, 20), 0);
    inv.expires_ms = 15;
    assert_int_equal(store_invite_add(f->st, "EXPIRED444", &inv, alice, 5), 0);
    int64_t open = 0;
    assert_int_equal(store_invite_count_open(f->st, ws, 16, &open), 0);
    assert_int_equal(open, 2);
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_invite_used(f->st, "OLDERONE22"), 0);
    assert_int_equal(store_invite_used(f->st, "OLDERONE22"), 0);
    assert_int_equal(store_commit(f->st), 0);
    assert_int_equal(store_invite_revoke(f->st, ws, "NEWERONE33", 30, "alice"), 0);
    /* Once only, and only the workshop's own codes. */
    assert_int_equal(store_invite_revoke(f->st, ws, "NEWERONE33", 31, "alice"), CAS_ENOTFOUND);
    assert_int_equal(store_invite_revoke(f->st, ws + 1, "OLDERONE22", 31, "alice"), CAS_ENOTFOUND);
    assert_int_equal(store_invite_count_open(f->st, ws, 16, &open), 0);
    assert_int_equal(open, 1);

    assert_int_equal(store_participant_set(f->st, ws, alice, 1, 1), 0);
    assert_int_equal(store_participant_set(f->st, ws, bob, 2, 2), 0);
    assert_int_equal(store_participant_seen(f->st, ws, bob, 4242), 0);
    assert_int_equal(store_team_member_add(f->st, ws, 3, bob), 0);
    assert_int_equal(store_team_member_add(f->st, ws, 4, bob), 0);
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_workshop_set_observer_comments(f->st, ws, 1), 0);
    assert_int_equal(store_team_member_remove(f->st, ws, 4, bob), 0);
    struct okr_team t = {.num = 3, .name = "Gone", .level = OKR_LEVEL_TEAM, .version = 1};
    assert_int_equal(store_team_save(f->st, ws, &t), 0);
    assert_int_equal(store_team_delete(f->st, ws, 3), 0);
    struct okr_comment c = {.num = 1, .target_kind = OKR_OBJECTIVE, .target = 1,
                            .author = "bob", .text = "why?", .time_ms = 7,
                            .resolved_by = "alice", .resolved_ms = 8};
    assert_int_equal(store_comment_save(f->st, ws, &c), 0);
    assert_int_equal(store_commit(f->st), 0);
    reopen_store(f);

    struct invite_rows rows = {0};
    assert_int_equal(store_invite_each(f->st, ws, 8, collect_invite, &rows), 0);
    assert_int_equal(rows.n, 3);
    assert_string_equal(rows.codes[0], "NEWERONE33"); /* newest first */
    assert_true(rows.revoked[0] == 30);
    assert_string_equal(rows.codes[1], "OLDERONE22");
    assert_int_equal(rows.uses[1], 2);
    memset(&rows, 0, sizeof rows);
    assert_int_equal(store_invite_each(f->st, ws, 1, collect_invite, &rows), 0);
    assert_int_equal(rows.n, 1);
    struct store_invite got;
    assert_int_equal(store_invite_get(f->st, "NEWERONE33", &got), 0);
    assert_true(got.revoked_ms == 30);
    int64_t seen[8] = {0};
    assert_int_equal(store_participant_each(f->st, ws, collect_seen, seen), 0);
    assert_true(seen[bob] == 4242 && seen[alice] == 0);
    int observer_comments = -1;
    assert_int_equal(store_workshop_each(f->st, find_observer_setting, &observer_comments), 0);
    assert_int_equal(observer_comments, 1);
    int64_t members[16] = {0};
    assert_int_equal(store_team_member_each(f->st, ws, collect_member, members), 0);
    assert_int_equal(members[0], 0); /* T3 went with its team, T4 was removed */
    struct okr_state st;
    okr_state_init(&st);
    assert_int_equal(store_state_load(f->st, ws, &st), 0);
    assert_int_equal(st.nteams, 0);
    assert_int_equal(st.ncomments, 1);
    assert_string_equal(st.comments[0].resolved_by, "alice");
    assert_true(st.comments[0].resolved_ms == 8);
    okr_state_free(&st);
}

/* Team members, invites and removal survive a reopen; removing someone
 * drops their team memberships and leaves role 0. */
static void test_roles_round_trip(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 0), bob = add_user(f->st, "bob", 0);
    int64_t ws = add_workshop(f->st, "ABCDEF", "Roles", alice);
    assert_int_equal(store_participant_set(f->st, ws, alice, 1, 1), 0);
    assert_int_equal(store_participant_set(f->st, ws, bob, 2, 2), 0);
    assert_int_equal(store_team_member_add(f->st, ws, 2, bob), 0);
    assert_int_equal(store_team_member_add(f->st, ws, 2, bob), 0); /* twice is no error */
    assert_int_equal(store_team_member_add(f->st, ws, 1, alice), 0);
    struct store_invite inv = {.workshop_id = ws, .role = 3, .team = 2}, got;
    assert_int_equal(store_invite_add(f->st, "GHJKMN", &inv, alice, 5), 0);
    assert_int_equal(store_invite_add(f->st, "GHJKMN", &inv, alice, 5), CAS_EEXIST);
    struct store_invite expiring = {.workshop_id = ws, .role = 2, .expires_ms = 1700000000000};
    assert_int_equal(store_invite_add(f->st, "PQRSTV", &expiring, alice, 6), 0);
    reopen_store(f);
    int64_t members[16] = {0};
    assert_int_equal(store_team_member_each(f->st, ws, collect_member, members), 0);
    assert_int_equal(members[0], 2);
    assert_int_equal(store_invite_get(f->st, "GHJKMN", &got), 0);
    assert_int_equal(got.workshop_id, ws);
    assert_int_equal(got.role, 3);
    assert_int_equal(got.team, 2);
    assert_int_equal(got.expires_ms, 0);
    assert_int_equal(got.created_ms, 5);
    assert_int_equal(store_invite_get(f->st, "PQRSTV", &got), 0);
    assert_int_equal(got.role, 2);
    assert_int_equal(got.expires_ms, 1700000000000);
    assert_int_equal(store_invite_get(f->st, "ZZZZZZ", &got), CAS_ENOTFOUND);
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_participant_drop(f->st, ws, bob, 9), 0);
    assert_int_equal(store_commit(f->st), 0);
    reopen_store(f);
    memset(members, 0, sizeof members);
    assert_int_equal(store_team_member_each(f->st, ws, collect_member, members), 0);
    assert_int_equal(members[0], 1);
    assert_int_equal(members[2], alice);
    int roles[8] = {0};
    roles[bob] = -1;
    assert_int_equal(store_participant_each(f->st, ws, collect_role, roles), 0);
    assert_int_equal(roles[alice], 1);
    assert_int_equal(roles[bob], 0);
    /* When bob was removed is kept, so older invites cannot undo it. */
    int64_t removed = -1;
    assert_int_equal(store_participant_removed_ms(f->st, ws, bob, &removed), 0);
    assert_int_equal(removed, 9);
    assert_int_equal(store_participant_removed_ms(f->st, ws, alice, &removed), 0);
    assert_int_equal(removed, 0);
    assert_int_equal(store_participant_removed_ms(f->st, ws, 999, &removed), CAS_ENOTFOUND);
}

static void test_sync_normal(void **state)
{
    SQLITE_ONLY();
    struct fixture *f = *state;
    char err[512] = "";
    assert_int_equal(store_open(&f->st, f->path, STORE_SYNC_NORMAL, err, sizeof err), 0);
    add_user(f->st, "bob", 0);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
}

static void test_reopen_keeps_everything(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 1);
    int64_t bob = add_user(f->st, "bob", 0);
    int64_t carol = add_user(f->st, "carol", 0);
    uint8_t hash[32];
    hash_of(hash, 1);
    assert_int_equal(store_token_add(f->st, hash, bob, 5000, 99000), 0);

    int64_t ws = add_workshop(f->st, "QX7-PLAN", "Q3 2026 planning", alice);
    int64_t ws2 = add_workshop(f->st, "OTHER-1", "Another", 0);
    assert_int_equal(store_participant_set(f->st, ws, alice, 1, 10), 0);
    assert_int_equal(store_participant_set(f->st, ws, bob, 3, 11), 0);
    assert_int_equal(store_participant_set(f->st, ws, bob, 2, 12), 0); /* promoted */
    assert_int_equal(store_participant_set(f->st, ws2, carol, 3, 13), 0);

    assert_int_equal(store_begin(f->st), 0);
    for (uint64_t seq = 1; seq <= 3; seq++)
        assert_int_equal(append_event(f->st, ws, seq), 0);
    struct okr_team t = {.num = 1, .name = "Company", .level = OKR_LEVEL_COMPANY, .version = 1};
    struct okr_team t2 = {
        .num = 2, .name = "Sales", .parent = 1, .level = OKR_LEVEL_DEPARTMENT, .version = 3,
    };
    assert_int_equal(store_team_save(f->st, ws, &t2), 0);
    assert_int_equal(store_team_save(f->st, ws, &t), 0);
    struct okr_objective o = {
        .num = 1, .team = 2, .title = "Earn customer love", .owner = "bob", .aligns_to = 0,
        .inherits = 0, .committed = 1, .rationale = "Churn is up.\nFix it.", .version = 2,
    };
    assert_int_equal(store_objective_save(f->st, ws, &o), 0);
    struct okr_objective o2 = {
        .num = 4, .team = 2, .title = "No owner yet", .owner = NULL, .aligns_to = 1,
        .inherits = 0, .committed = 0, .rationale = NULL, .version = UINT64_MAX,
    };
    assert_int_equal(store_objective_save(f->st, ws, &o2), 0);
    struct okr_key_result k = {
        .num = 1, .objective = 1, .title = "Reduce response time from 72 h to 24 h",
        .owner = "bob", .milestone = 0, .start = 72, .target = 24, .current = 60.5, .unit = "h",
        .done = 0, .confidence = 0.7, .version = 5,
    };
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    struct okr_key_result k2 = {
        .num = 3, .objective = 1, .title = "Launch the plan", .owner = NULL, .milestone = 1,
        .unit = NULL, .done = 1, .confidence = 1, .version = 1,
    };
    assert_int_equal(store_key_result_save(f->st, ws, &k2), 0);
    struct okr_state counters;
    okr_state_init(&counters);
    counters.next_team = 3;
    counters.next_objective = 5;
    counters.next_key_result = 4;
    assert_int_equal(store_counters_save(f->st, ws, &counters), 0);
    assert_int_equal(store_commit(f->st), 0);

    reopen_store(f);

    struct store_user u;
    assert_int_equal(store_user_by_name(f->st, "alice", &u), 0);
    assert_int_equal(u.id, alice);
    assert_string_equal(u.name, "alice");
    assert_string_equal(u.password_hash, "$argon2id$v=19$m=65536,t=3,p=1$c2FsdA$aGFzaA");
    assert_int_equal(u.admin, 1);
    assert_int_equal(u.disabled, 0);
    assert_int_equal(u.created_ms, 1000);
    assert_int_equal(store_user_by_id(f->st, bob, &u), 0);
    assert_string_equal(u.name, "bob");
    assert_int_equal(u.admin, 0);
    int64_t count = 0;
    assert_int_equal(store_user_count(f->st, &count), 0);
    assert_int_equal(count, 3);
    struct users_seen us = {.n = 0};
    assert_int_equal(store_user_each(f->st, collect_user, &us), 0);
    assert_int_equal(us.n, 3);
    assert_string_equal(us.users[0].name, "alice");
    assert_string_equal(us.users[1].name, "bob");
    assert_string_equal(us.users[2].name, "carol");

    int64_t uid = 0, expires = 0;
    assert_int_equal(store_token_get(f->st, hash, &uid, &expires), 0);
    assert_int_equal(uid, bob);
    assert_int_equal(expires, 99000);

    struct workshops_seen wsn = {.n = 0};
    assert_int_equal(store_workshop_each(f->st, collect_workshop, &wsn), 0);
    assert_int_equal(wsn.n, 2);
    assert_int_equal(wsn.w[0].id, ws);
    assert_string_equal(wsn.w[0].code, "QX7-PLAN");
    assert_string_equal(wsn.w[0].title, "Q3 2026 planning");
    assert_string_equal(wsn.w[0].period, "2026-Q3");
    assert_int_equal(wsn.w[0].created_by, alice);
    assert_int_equal(wsn.w[0].created_ms, 2000);
    assert_int_equal(wsn.w[1].id, ws2);
    assert_int_equal(wsn.w[1].created_by, 0);

    struct participants_seen ps = {.n = 0};
    assert_int_equal(store_participant_each(f->st, ws, collect_participant, &ps), 0);
    assert_int_equal(ps.n, 2);
    assert_int_equal(ps.user[0], alice);
    assert_int_equal(ps.role[0], 1);
    assert_int_equal(ps.user[1], bob);
    assert_int_equal(ps.role[1], 2);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.next_team, 3);
    assert_int_equal(s.next_objective, 5);
    assert_int_equal(s.next_key_result, 4);
    assert_int_equal(s.seq, 3);
    assert_int_equal(s.nteams, 2);
    assert_int_equal(s.teams[0].num, 1);
    assert_string_equal(s.teams[0].name, "Company");
    assert_int_equal(s.teams[0].level, OKR_LEVEL_COMPANY);
    assert_int_equal(s.teams[1].num, 2);
    assert_string_equal(s.teams[1].name, "Sales");
    assert_int_equal(s.teams[1].parent, 1);
    assert_int_equal(s.teams[1].level, OKR_LEVEL_DEPARTMENT);
    assert_int_equal(s.teams[1].version, 3);

    assert_int_equal(s.nobjectives, 2);
    struct okr_objective *lo = okr_objective_find(&s, 1);
    assert_non_null(lo);
    assert_int_equal(lo->team, 2);
    assert_string_equal(lo->title, "Earn customer love");
    assert_string_equal(lo->owner, "bob");
    assert_int_equal(lo->committed, 1);
    assert_string_equal(lo->rationale, "Churn is up.\nFix it.");
    assert_int_equal(lo->version, 2);
    lo = okr_objective_find(&s, 4);
    assert_non_null(lo);
    assert_string_equal(lo->owner, "");
    assert_string_equal(lo->rationale, "");
    assert_int_equal(lo->aligns_to, 1);
    assert_int_equal(lo->committed, 0);
    assert_true(lo->version == UINT64_MAX);

    assert_int_equal(s.nkey_results, 2);
    struct okr_key_result *lk = okr_key_result_find(&s, 1);
    assert_non_null(lk);
    assert_int_equal(lk->objective, 1);
    assert_string_equal(lk->title, "Reduce response time from 72 h to 24 h");
    assert_string_equal(lk->owner, "bob");
    assert_int_equal(lk->milestone, 0);
    assert_true(lk->start == 72 && lk->target == 24 && lk->current == 60.5);
    assert_string_equal(lk->unit, "h");
    assert_true(lk->confidence == 0.7);
    assert_int_equal(lk->version, 5);
    lk = okr_key_result_find(&s, 3);
    assert_non_null(lk);
    assert_int_equal(lk->milestone, 1);
    assert_int_equal(lk->done, 1);
    assert_string_equal(lk->owner, "");
    assert_string_equal(lk->unit, "");
    okr_state_free(&s);

    /* The other workshop is empty, with fresh counters. */
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws2, &s), 0);
    assert_int_equal(s.nteams + s.nobjectives + s.nkey_results, 0);
    assert_int_equal(s.next_team, 1);
    assert_int_equal(s.next_objective, 1);
    assert_int_equal(s.next_key_result, 1);
    assert_int_equal(s.seq, 0);
    okr_state_free(&s);

    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 3);
    assert_string_equal(ev.payloads[2], "event 3");
}

static void test_save_updates_and_delete(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t ws = add_workshop(f->st, "EDIT", "Edits", 0);
    struct okr_objective o = {.num = 2, .team = 1, .title = "First", .version = 1};
    assert_int_equal(store_objective_save(f->st, ws, &o), 0);
    o.title = "Second";
    o.owner = "dave";
    o.version = 2;
    assert_int_equal(store_objective_save(f->st, ws, &o), 0);
    struct okr_key_result k = {.num = 9, .objective = 2, .title = "K", .target = 10, .version = 1};
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    k.current = 4;
    k.version = 2;
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    struct okr_team t = {.num = 1, .name = "A", .version = 1};
    assert_int_equal(store_team_save(f->st, ws, &t), 0);
    t.name = "B";
    assert_int_equal(store_team_save(f->st, ws, &t), 0);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.nobjectives, 1);
    assert_string_equal(s.objectives[0].title, "Second");
    assert_string_equal(s.objectives[0].owner, "dave");
    assert_int_equal(s.objectives[0].version, 2);
    assert_int_equal(s.nkey_results, 1);
    assert_true(s.key_results[0].current == 4);
    assert_int_equal(s.nteams, 1);
    assert_string_equal(s.teams[0].name, "B");
    okr_state_free(&s);

    assert_int_equal(store_key_result_delete(f->st, ws, 9), 0);
    assert_int_equal(store_objective_delete(f->st, ws, 2), 0);
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.nobjectives, 0);
    assert_int_equal(s.nkey_results, 0);
    assert_int_equal(s.nteams, 1);
    okr_state_free(&s);
}

/* Schema 2: objective status and test answers, key result status and
 * blockers, initiatives, dependencies and comments survive a reopen, and
 * deleting an entity deletes what hangs off it. */
static void test_full_model_round_trip(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t ws = add_workshop(f->st, "FULL", "Full model", 0);
    struct okr_objective o = {.num = 1, .team = 1, .title = "O", .version = 3,
                              .status = OKR_FINAL,
                              .necessary = {OKR_YES, "alice", 1000},
                              .sufficient = {OKR_NO, "bob", 2000},
                              .stamps = "title 2 amy;status 3 bob"};
    struct okr_key_result k1 = {.num = 1, .objective = 1, .title = "K1", .status = OKR_AT_RISK,
                                .blocker = "vendor late", .version = 1};
    struct okr_key_result k2 = {.num = 2, .objective = 1, .title = "K2", .version = 1,
                                .has_weight = 1, .weight = 0.5};
    struct okr_initiative in = {.num = 4, .key_result = 1, .title = "Hire", .done = 1, .version = 2};
    struct okr_dependency d = {2, 1};
    struct okr_comment c1 = {.num = 7, .target_kind = OKR_KEY_RESULT, .target = 1,
                             .author = "carol", .text = "Why?", .time_ms = 3000};
    struct okr_comment c2 = {.num = 8, .target_kind = OKR_OBJECTIVE, .target = 1,
                             .author = "dave", .text = "Good", .time_ms = 4000};
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_objective_save(f->st, ws, &o), 0);
    assert_int_equal(store_key_result_save(f->st, ws, &k1), 0);
    assert_int_equal(store_key_result_save(f->st, ws, &k2), 0);
    assert_int_equal(store_initiative_save(f->st, ws, &in), 0);
    assert_int_equal(store_dependency_save(f->st, ws, &d), 0);
    assert_int_equal(store_dependency_save(f->st, ws, &d), 0); /* twice is once */
    assert_int_equal(store_comment_save(f->st, ws, &c1), 0);
    assert_int_equal(store_comment_save(f->st, ws, &c2), 0);
    struct okr_state counters;
    okr_state_init(&counters);
    counters.next_initiative = 5;
    counters.next_comment = 9;
    assert_int_equal(store_counters_save(f->st, ws, &counters), 0);
    assert_int_equal(store_commit(f->st), 0);
    reopen_store(f);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.objectives[0].status, OKR_FINAL);
    assert_int_equal(s.objectives[0].necessary.answer, OKR_YES);
    assert_string_equal(s.objectives[0].necessary.by, "alice");
    assert_true(s.objectives[0].necessary.at_ms == 1000);
    assert_int_equal(s.objectives[0].sufficient.answer, OKR_NO);
    assert_string_equal(s.objectives[0].sufficient.by, "bob");
    assert_string_equal(s.objectives[0].stamps, "title 2 amy;status 3 bob");
    assert_int_equal(s.key_results[0].status, OKR_AT_RISK);
    assert_string_equal(s.key_results[0].blocker, "vendor late");
    assert_string_equal(s.key_results[1].blocker, "");
    /* A weight set is kept; none set stays the default. */
    assert_true(s.key_results[1].has_weight && s.key_results[1].weight == 0.5);
    assert_false(s.key_results[0].has_weight);
    assert_true(okr_key_result_weight(&s.key_results[0]) == 1.0);
    assert_int_equal(s.ninitiatives, 1);
    assert_string_equal(s.initiatives[0].title, "Hire");
    assert_true(s.initiatives[0].done);
    assert_int_equal(s.ndependencies, 1);
    assert_int_equal(s.dependencies[0].key_result, 2);
    assert_int_equal(s.dependencies[0].depends_on, 1);
    assert_int_equal(s.ncomments, 2);
    assert_int_equal(s.comments[0].target_kind, OKR_KEY_RESULT);
    assert_string_equal(s.comments[1].author, "dave");
    assert_int_equal(s.next_initiative, 5);
    assert_int_equal(s.next_comment, 9);
    okr_state_free(&s);

    /* K1 goes: its initiative, the dependency on it and its comment go too. */
    assert_int_equal(store_key_result_delete(f->st, ws, 1), 0);
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.nkey_results, 1);
    assert_int_equal(s.ninitiatives, 0);
    assert_int_equal(s.ndependencies, 0);
    assert_int_equal(s.ncomments, 1);
    okr_state_free(&s);
    assert_int_equal(store_objective_delete(f->st, ws, 1), 0);
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.ncomments, 0);
    okr_state_free(&s);
}

/* Closing the quarter: the closure and the fixed grades survive a reopen of
 * the store; an open state's save deletes them; a closing note is part of
 * its objective. */
static void test_closing_round_trip(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t ws = add_workshop(f->st, "SHUT", "Closing", 0);
    struct okr_state s;
    okr_state_init(&s);
    struct okr_objective o = {.num = 1, .team = 1, .title = strdup("O"), .owner = strdup(""),
                              .rationale = strdup(""), .version = 2,
                              .close_note = strdup("The market turned.")};
    struct okr_key_result k = {.num = 1, .objective = 1, .title = strdup("K"),
                               .owner = strdup(""), .unit = strdup(""), .version = 1};
    assert_non_null(okr_objective_insert(&s, &o));
    assert_non_null(okr_key_result_insert(&s, &k));
    s.objectives[0].graded = 1;
    s.objectives[0].final_score = 0.4;
    s.key_results[0].graded = 1;
    s.key_results[0].final_score = 0.7;
    s.closed_by = strdup("alice");
    s.closed_ms = 123456;
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_objective_save(f->st, ws, &s.objectives[0]), 0);
    assert_int_equal(store_key_result_save(f->st, ws, &s.key_results[0]), 0);
    assert_int_equal(store_closing_save(f->st, ws, &s), 0);
    assert_int_equal(store_commit(f->st), 0);
    reopen_store(f);

    struct okr_state back;
    okr_state_init(&back);
    assert_int_equal(store_state_load(f->st, ws, &back), 0);
    assert_string_equal(back.closed_by, "alice");
    assert_true(back.closed_ms == 123456);
    assert_string_equal(back.objectives[0].close_note, "The market turned.");
    assert_true(back.objectives[0].graded && back.objectives[0].final_score == 0.4);
    assert_true(back.key_results[0].graded && back.key_results[0].final_score == 0.7);
    okr_state_free(&back);

    /* Reopened: nothing of the close is left, the note stays. */
    free(s.closed_by);
    s.closed_by = NULL;
    assert_int_equal(store_closing_save(f->st, ws, &s), 0);
    okr_state_init(&back);
    assert_int_equal(store_state_load(f->st, ws, &back), 0);
    assert_null(back.closed_by);
    assert_false(back.objectives[0].graded);
    assert_false(back.key_results[0].graded);
    assert_string_equal(back.objectives[0].close_note, "The market turned.");
    okr_state_free(&back);
    okr_state_free(&s);
}

/* Counts the rows naming workshop ws in every table with a workshop_id
 * column, and the workshop's own row. */
static int rows_of(const char *path, int64_t ws)
{
    struct raw *db = raw_open(path);
    const char *list = pg_url == NULL
                           ? "SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c"
                             " WHERE m.type = 'table' AND c.name = 'workshop_id'"
                           : "SELECT table_name FROM information_schema.columns"
                             " WHERE column_name = 'workshop_id'"
                             " AND table_schema = current_schema()";
    int n = 0, tables = 0;
    char table[64];
    while (raw_query_row(db, list, tables, table, sizeof table) == 0) {
        char sql[200], count[32];
        snprintf(sql, sizeof sql, "SELECT count(*) FROM \"%s\" WHERE workshop_id = %lld", table,
                 (long long)ws);
        raw_query(db, sql, count, sizeof count);
        n += atoi(count);
        tables++;
    }
    assert_true(tables >= 15); /* the walk found the tables at all */
    char sql[100], count[32];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM workshops WHERE id = %lld", (long long)ws);
    raw_query(db, sql, count, sizeof count);
    n += atoi(count);
    raw_close(db);
    return n;
}

static void test_archive_and_delete(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 0);
    int64_t gone = add_workshop(f->st, "GONE", "Gone", alice);
    int64_t kept = add_workshop(f->st, "KEPT", "Kept", alice);
    for (int64_t ws = gone; ws <= kept; ws++) {
        assert_int_equal(store_participant_set(f->st, ws, alice, 1, 1000), 0);
        assert_int_equal(store_team_member_add(f->st, ws, 1, alice), 0);
        for (uint64_t seq = 1; seq <= 3; seq++)
            assert_int_equal(append_event(f->st, ws, seq), 0);
    }
    int64_t last = 0;
    assert_int_equal(store_workshop_last_event_ms(f->st, gone, &last), 0);
    assert_true(last == 3003);
    int64_t none = add_workshop(f->st, "NONE", "Empty", alice);
    assert_int_equal(store_workshop_last_event_ms(f->st, none, &last), 0);
    assert_true(last == 0);

    assert_int_equal(store_workshop_set_archived(f->st, gone, 5000, "admin"), 0);
    reopen_store(f);
    struct workshops_seen seen = {0};
    assert_int_equal(store_workshop_each(f->st, collect_workshop, &seen), 0);
    assert_true(seen.n == 3 && seen.w[0].archived_ms == 5000 && seen.w[1].archived_ms == 0);
    assert_string_equal(seen.w[0].archived_by, "admin");

    int before = rows_of(f->path, kept);
    assert_true(rows_of(f->path, gone) >= 6);
    assert_int_equal(store_workshop_delete(f->st, gone), 0);
    assert_int_equal(rows_of(f->path, gone), 0);
    assert_int_equal(rows_of(f->path, kept), before);
    assert_int_equal(store_workshop_delete(f->st, gone), CAS_ENOTFOUND);
    /* Unarchiving clears who did it. */
    assert_int_equal(store_workshop_set_archived(f->st, kept, 5000, "admin"), 0);
    assert_int_equal(store_workshop_set_archived(f->st, kept, 0, "admin"), 0);
    char by[32];
    struct raw *db = raw_open(f->path);
    raw_query(db, "SELECT archived_by || archived_ms FROM workshops WHERE code = 'KEPT'", by,
              sizeof by);
    raw_close(db);
    assert_string_equal(by, "0");
    uint64_t dbsize = 0, walsize = 0;
    store_file_sizes(f->st, &dbsize, &walsize);
    assert_true(dbsize > 0);
}

static void test_newer_schema_refused(void **state)
{
    SQLITE_ONLY();
    struct fixture *f = *state;
    struct raw *db = raw_open(f->path);
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA user_version = %d", STORE_SCHEMA_VERSION + 1);
    raw_exec(db, "CREATE TABLE future (x)");
    raw_exec(db, sql);
    raw_close(db);

    char err[512] = "";
    struct store *st = (struct store *)1;
    assert_int_equal(store_open(&st, f->path, STORE_SYNC_FULL, err, sizeof err), CAS_EINVAL);
    assert_null(st);
    assert_non_null(strstr(err, "newer"));
    assert_non_null(strstr(err, f->path));
    char version[32];
    snprintf(version, sizeof version, "schema version %d", STORE_SCHEMA_VERSION + 1);
    assert_non_null(strstr(err, version));

    /* Refused before anything was written: not even the journal mode changed. */
    db = raw_open(f->path);
    char text[32];
    raw_query(db, "PRAGMA journal_mode", text, sizeof text);
    assert_string_equal(text, "delete");
    raw_query(db, "PRAGMA user_version", text, sizeof text);
    assert_int_equal(atoi(text), STORE_SCHEMA_VERSION + 1);
    raw_close(db);
}

static void test_version0_with_other_table_migrates(void **state)
{
    SQLITE_ONLY();
    struct fixture *f = *state;
    struct raw *db = raw_open(f->path);
    raw_exec(db, "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me')");
    raw_close(db);

    open_store(f);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
    add_user(f->st, "erin", 0);
    store_close(f->st);
    f->st = NULL;

    db = raw_open(f->path);
    char text[32];
    raw_query(db, "SELECT body FROM notes", text, sizeof text);
    assert_string_equal(text, "keep me");
    raw_query(db, "SELECT name FROM users", text, sizeof text);
    assert_string_equal(text, "erin");
    raw_close(db);
}

/* Invite codes made before invites could expire (schema 4) keep working:
 * they never expire. */
static void test_version4_invites_upgrade(void **state)
{
    SQLITE_ONLY();
    struct fixture *f = *state;
    struct raw *db = raw_open(f->path);
    for (int v = 0; v < 4; v++)
        raw_exec(db, STORE_MIGRATIONS[v]);
    raw_exec(db, "PRAGMA user_version = 4;"
                 "INSERT INTO workshops (id, code, title, period, created_ms)"
                 " VALUES (1, 'OLDONE', 'Old', '2026-Q1', 0);"
                 "INSERT INTO invites VALUES ('KEEPME', 1, 2, 0, NULL, 7);");
    raw_close(db);
    open_store(f);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
    struct store_invite got;
    assert_int_equal(store_invite_get(f->st, "KEEPME", &got), 0);
    assert_int_equal(got.workshop_id, 1);
    assert_int_equal(got.role, 2);
    assert_int_equal(got.expires_ms, 0);
}

/* A database written by the first release (schema 1, with data) opens,
 * upgrades, and keeps everything, the new columns taking their defaults. */
static void test_version1_database_upgrades(void **state)
{
    SQLITE_ONLY();
    struct fixture *f = *state;
    struct raw *db = raw_open(f->path);
    raw_exec(db, STORE_MIGRATIONS[0]);
    raw_exec(db, "PRAGMA user_version = 1;"
                 "INSERT INTO workshops (id, code, title, period, created_ms, next_objective)"
                 " VALUES (1, 'OLDONE', 'Old', '2026-Q1', 0, 2);"
                 "INSERT INTO objectives VALUES (1, 1, 1, 'Kept', 'amy', 0, 0, 1, '', 4);"
                 "INSERT INTO key_results VALUES (1, 3, 1, 'Kept KR', '', 0, 1, 5, 2, '', 0,"
                 " 0.5, 1);");
    raw_close(db);

    open_store(f);
    assert_int_equal(store_schema_version(f->st), STORE_SCHEMA_VERSION);
    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, 1, &s), 0);
    assert_int_equal(s.nobjectives, 1);
    assert_string_equal(s.objectives[0].title, "Kept");
    assert_int_equal(s.objectives[0].status, OKR_DRAFT);
    assert_int_equal(s.objectives[0].necessary.answer, OKR_ANSWER_NONE);
    assert_int_equal(s.nkey_results, 1);
    assert_true(s.key_results[0].current == 2);
    assert_string_equal(s.key_results[0].blocker, "");
    assert_int_equal(s.next_objective, 2);
    assert_int_equal(s.next_initiative, 1);
    assert_int_equal(s.next_comment, 1);
    okr_state_free(&s);
}

static void test_not_a_database(void **state)
{
    SQLITE_ONLY();
    struct fixture *f = *state;
    FILE *fp = fopen(f->path, "w");
    assert_non_null(fp);
    fputs("this is not a database, just a text file that is long enough to have a header\n",
          fp);
    fclose(fp);
    char err[512] = "";
    struct store *st = NULL;
    assert_int_equal(store_open(&st, f->path, STORE_SYNC_FULL, err, sizeof err), CAS_ESTORAGE);
    assert_null(st);
    assert_non_null(strstr(err, f->path));

    char missing[160];
    snprintf(missing, sizeof missing, "%s/no/such/dir/cascade.db", f->dir);
    assert_int_equal(store_open(&st, missing, STORE_SYNC_FULL, err, sizeof err), CAS_ESTORAGE);
    assert_null(st);
    assert_non_null(strstr(err, missing));
}

static void test_unique_clashes(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 0);
    assert_int_equal(store_user_add(f->st, "alice", "x", 1, 1, NULL), CAS_EEXIST);

    int64_t ws = add_workshop(f->st, "CODE1", "One", alice);
    struct store_workshop w;
    memset(&w, 0, sizeof w);
    snprintf(w.code, sizeof w.code, "CODE1");
    snprintf(w.title, sizeof w.title, "Two");
    assert_int_equal(store_workshop_add(f->st, &w, NULL), CAS_EEXIST);

    assert_int_equal(append_event(f->st, ws, 1), 0);
    assert_int_equal(append_event(f->st, ws, 1), CAS_EEXIST);

    uint8_t hash[32];
    hash_of(hash, 4);
    assert_int_equal(store_token_add(f->st, hash, alice, 1, 2), 0);
    assert_int_equal(store_token_add(f->st, hash, alice, 1, 2), CAS_EEXIST);

    /* Inside a batch, a clash leaves the batch usable on SQLite; PostgreSQL
     * ends the transaction at its first error, so there the commit fails
     * and nothing of the batch remains. */
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(append_event(f->st, ws, 2), 0);
    assert_int_equal(append_event(f->st, ws, 2), CAS_EEXIST);
    if (pg_url == NULL) {
        assert_int_equal(append_event(f->st, ws, 3), 0);
        assert_int_equal(store_commit(f->st), 0);
    } else {
        assert_int_equal(append_event(f->st, ws, 3), CAS_ESTORAGE);
        assert_int_equal(store_commit(f->st), CAS_ESTORAGE);
        store_rollback(f->st);
        uint64_t last = 0;
        assert_int_equal(store_workshop_last_seq(f->st, ws, &last), 0);
        assert_true(last == 1);
        assert_int_equal(append_event(f->st, ws, 2), 0);
        assert_int_equal(append_event(f->st, ws, 3), 0);
    }

    /* The store carries on after each clash. */
    add_user(f->st, "alice2", 0);
    int64_t count = 0;
    assert_int_equal(store_user_count(f->st, &count), 0);
    assert_int_equal(count, 2);
    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 3);
}

static void test_missing_rows(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    struct store_user u;
    assert_int_equal(store_user_by_name(f->st, "nobody", &u), CAS_ENOTFOUND);
    assert_int_equal(store_user_by_id(f->st, 42, &u), CAS_ENOTFOUND);
    uint8_t hash[32];
    hash_of(hash, 9);
    int64_t uid = 0, expires = 0;
    assert_int_equal(store_token_get(f->st, hash, &uid, &expires), CAS_ENOTFOUND);
    assert_int_equal(store_token_delete(f->st, hash), CAS_ENOTFOUND);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, 77, &s), CAS_ENOTFOUND);
    assert_int_equal(s.nteams, 0);
    assert_int_equal(store_counters_save(f->st, 77, &s), CAS_ENOTFOUND);
    okr_state_free(&s);

    int64_t ws = add_workshop(f->st, "W", "W", 0);
    assert_int_equal(store_objective_delete(f->st, ws, 1), CAS_ENOTFOUND);
    assert_int_equal(store_key_result_delete(f->st, ws, 1), CAS_ENOTFOUND);

    /* References to rows that do not exist. */
    assert_int_equal(append_event(f->st, 77, 1), CAS_ENOTFOUND);
    assert_int_equal(store_token_add(f->st, hash, 42, 1, 2), CAS_ENOTFOUND);
    assert_int_equal(store_participant_set(f->st, ws, 42, 2, 1), CAS_ENOTFOUND);

    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(f->st, 77, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 0);

    /* Texts that could not be read back whole are refused. */
    char longname[OKR_NAME_MAX + 2];
    memset(longname, 'n', OKR_NAME_MAX + 1);
    longname[OKR_NAME_MAX + 1] = '\0';
    assert_int_equal(store_user_add(f->st, longname, "x", 0, 1, NULL), CAS_EINVAL);
    longname[OKR_NAME_MAX] = '\0';
    assert_int_equal(store_user_add(f->st, longname, "x", 0, 1, NULL), 0);
    assert_int_equal(store_user_by_name(f->st, longname, &u), 0);
    assert_string_equal(u.name, longname);
}

static void assert_batch_absent(struct store *st, int64_t ws)
{
    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(st, ws, &s), 0);
    assert_int_equal(s.nteams, 0);
    assert_int_equal(s.nobjectives, 0);
    assert_int_equal(s.nkey_results, 0);
    assert_int_equal(s.next_team, 1);
    assert_int_equal(s.seq, 1); /* only the committed event */
    okr_state_free(&s);
    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 1);
    assert_int_equal(ev.seqs[0], 1);
}

static void test_rollback_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    store_rollback(f->st); /* no transaction open: harmless */
    int64_t ws = add_workshop(f->st, "RB", "Rollback", 0);
    assert_int_equal(append_event(f->st, ws, 1), 0);

    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(append_event(f->st, ws, 2), 0);
    assert_int_equal(append_event(f->st, ws, 3), 0);
    struct okr_team t = {.num = 1, .name = "T", .version = 1};
    assert_int_equal(store_team_save(f->st, ws, &t), 0);
    struct okr_objective o = {.num = 1, .team = 1, .title = "O", .version = 1};
    assert_int_equal(store_objective_save(f->st, ws, &o), 0);
    struct okr_key_result k = {.num = 1, .objective = 1, .title = "K", .version = 1};
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    struct okr_state c;
    okr_state_init(&c);
    c.next_team = c.next_objective = c.next_key_result = 2;
    assert_int_equal(store_counters_save(f->st, ws, &c), 0);
    /* The batch's own reads see its writes... */
    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 3);
    /* ...and a failed batch is thrown away whole. */
    store_rollback(f->st);
    store_rollback(f->st);

    assert_batch_absent(f->st, ws);
    reopen_store(f);
    assert_batch_absent(f->st, ws);

    /* A batch while one is open is refused; the open one is still usable. */
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_begin(f->st), CAS_ESTORAGE);
    assert_int_equal(append_event(f->st, ws, 2), 0);
    assert_int_equal(store_commit(f->st), 0);
    assert_int_equal(store_commit(f->st), CAS_ESTORAGE);
    ev.n = 0;
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 2);
}

/* Counts events and checks they come in seq order without a gap. */
struct events_counted {
    uint64_t next, stop_at;
};

static int count_event(void *ctx, uint64_t seq, const uint8_t *payload, size_t len)
{
    (void)payload;
    (void)len;
    struct events_counted *e = ctx;
    assert_true(seq == e->next);
    e->next++;
    return seq == e->stop_at ? 9 : 0;
}

/* Longer histories are read in pages: every event comes once, in order,
 * across the pages' edges, and a stop ends the walk in any page. */
static void test_event_each_pages(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t ws = add_workshop(f->st, "PAGES", "Pages", 0);
    assert_int_equal(store_begin(f->st), 0);
    for (uint64_t seq = 1; seq <= 2500; seq++)
        assert_int_equal(append_event(f->st, ws, seq), 0);
    assert_int_equal(store_commit(f->st), 0);
    struct events_counted e = {.next = 1};
    assert_int_equal(store_event_each(f->st, ws, 0, count_event, &e), 0);
    assert_true(e.next == 2501);
    e = (struct events_counted){.next = 1001};
    assert_int_equal(store_event_each(f->st, ws, 1000, count_event, &e), 0);
    assert_true(e.next == 2501);
    e = (struct events_counted){.next = 1, .stop_at = 2049};
    assert_int_equal(store_event_each(f->st, ws, 0, count_event, &e), 9);
    assert_true(e.next == 2050);
}

static void test_event_each_since_and_stop(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t ws = add_workshop(f->st, "EV", "Events", 0);
    int64_t other = add_workshop(f->st, "EV2", "Other", 0);
    /* Written out of order, read back in order. */
    static const uint64_t order[] = {3, 1, 5, 2, 4};
    assert_int_equal(store_begin(f->st), 0);
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(append_event(f->st, ws, order[i]), 0);
        assert_int_equal(append_event(f->st, other, order[i] + 10), 0);
    }
    assert_int_equal(store_commit(f->st), 0);

    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 5);
    for (size_t i = 0; i < 5; i++) {
        char want[32];
        snprintf(want, sizeof want, "event %zu", i + 1);
        assert_int_equal(ev.seqs[i], i + 1);
        assert_string_equal(ev.payloads[i], want);
    }

    memset(&ev, 0, sizeof ev);
    assert_int_equal(store_event_each(f->st, ws, 3, collect_event, &ev), 0);
    assert_int_equal(ev.n, 2);
    assert_int_equal(ev.seqs[0], 4);
    assert_int_equal(ev.seqs[1], 5);

    memset(&ev, 0, sizeof ev);
    assert_int_equal(store_event_each(f->st, ws, 5, collect_event, &ev), 0);
    assert_int_equal(ev.n, 0);
    assert_int_equal(store_event_each(f->st, ws, UINT64_MAX, collect_event, &ev), 0);
    assert_int_equal(ev.n, 0);

    /* A non-zero return stops the walk and comes back. */
    memset(&ev, 0, sizeof ev);
    ev.stop_after = 2;
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 7);
    assert_int_equal(ev.n, 2);
    /* The statement was reset: the next walk starts afresh. */
    memset(&ev, 0, sizeof ev);
    assert_int_equal(store_event_each(f->st, ws, 1, collect_event, &ev), 0);
    assert_int_equal(ev.n, 4);
    assert_int_equal(ev.seqs[0], 2);

    /* An empty payload is an empty blob, not a missing one. */
    assert_int_equal(store_event_append(f->st, ws, 6, "bob", 1, "ping", "", NULL, 0), 0);
    memset(&ev, 0, sizeof ev);
    assert_int_equal(store_event_each(f->st, ws, 5, collect_event, &ev), 0);
    assert_int_equal(ev.n, 1);
    assert_string_equal(ev.payloads[0], "");

    /* A seq past what SQLite's signed integers hold is refused. */
    assert_int_equal(append_event(f->st, ws, (uint64_t)INT64_MAX + 1), CAS_EINVAL);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_int_equal(s.seq, 6);
    okr_state_free(&s);
}

static int stop_at_first_user(void *ctx, const struct store_user *u)
{
    (void)u;
    (*(int *)ctx)++;
    return 5;
}

static int stop_at_first_workshop(void *ctx, const struct store_workshop *w)
{
    (void)w;
    (*(int *)ctx)++;
    return 6;
}

static int stop_at_first_participant(void *ctx, const struct store_participant *p)
{
    (void)p;
    (*(int *)ctx)++;
    return 8;
}

static void test_each_stops(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t a = add_user(f->st, "a", 0);
    int64_t b = add_user(f->st, "b", 0);
    int64_t ws = add_workshop(f->st, "S1", "S1", a);
    add_workshop(f->st, "S2", "S2", b);
    assert_int_equal(store_participant_set(f->st, ws, a, 1, 1), 0);
    assert_int_equal(store_participant_set(f->st, ws, b, 2, 1), 0);
    int calls = 0;
    assert_int_equal(store_user_each(f->st, stop_at_first_user, &calls), 5);
    assert_int_equal(calls, 1);
    calls = 0;
    assert_int_equal(store_workshop_each(f->st, stop_at_first_workshop, &calls), 6);
    assert_int_equal(calls, 1);
    calls = 0;
    assert_int_equal(store_participant_each(f->st, ws, stop_at_first_participant, &calls), 8);
    assert_int_equal(calls, 1);
}

static void test_token_delete(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 0);
    int64_t bob = add_user(f->st, "bob", 0);
    uint8_t h1[32], h2[32], h3[32];
    hash_of(h1, 1);
    hash_of(h2, 2);
    hash_of(h3, 3);
    assert_int_equal(store_token_add(f->st, h1, alice, 1, 100), 0);
    assert_int_equal(store_token_add(f->st, h2, alice, 2, 200), 0);
    assert_int_equal(store_token_add(f->st, h3, bob, 3, 300), 0);

    assert_int_equal(store_token_delete(f->st, h1), 0);
    assert_int_equal(store_token_get(f->st, h1, NULL, NULL), CAS_ENOTFOUND);
    assert_int_equal(store_token_get(f->st, h2, NULL, NULL), 0);

    assert_int_equal(store_token_delete_user(f->st, alice), 0);
    assert_int_equal(store_token_get(f->st, h2, NULL, NULL), CAS_ENOTFOUND);
    int64_t uid = 0, expires = 0;
    assert_int_equal(store_token_get(f->st, h3, &uid, &expires), 0);
    assert_int_equal(uid, bob);
    assert_int_equal(expires, 300);
    /* Nothing to delete is not an error. */
    assert_int_equal(store_token_delete_user(f->st, alice), 0);

    reopen_store(f);
    assert_int_equal(store_token_get(f->st, h2, NULL, NULL), CAS_ENOTFOUND);
    assert_int_equal(store_token_get(f->st, h3, NULL, NULL), 0);
}

static void test_sql_metacharacters_verbatim(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    static const char *const evil = "Robert'); DROP TABLE users;--";
    static const char *const quoted = "\"quoted\" 'single' `tick` %s %n \\ ; -- /* */";
    int64_t id = add_user(f->st, evil, 0);
    int64_t ws = add_workshop(f->st, "X';--", quoted, id);
    struct okr_team t = {.num = 1, .name = (char *)evil, .version = 1};
    assert_int_equal(store_team_save(f->st, ws, &t), 0);
    static const char *const rationale = "Line 1'\nLine 2\"); DELETE FROM objectives; --";
    struct okr_objective o = {
        .num = 1, .team = 1, .title = (char *)quoted, .owner = (char *)evil,
        .rationale = (char *)rationale, .version = 1,
    };
    assert_int_equal(store_objective_save(f->st, ws, &o), 0);
    struct okr_key_result k = {
        .num = 1, .objective = 1, .title = "Grüße 🚀 '", .owner = "", .unit = "'%", .version = 1,
    };
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    assert_int_equal(
        store_event_append(f->st, ws, 1, evil, 1, quoted, "K1'", (const uint8_t *)"'", 1), 0);
    reopen_store(f);

    struct store_user u;
    assert_int_equal(store_user_by_name(f->st, evil, &u), 0);
    assert_string_equal(u.name, evil);
    assert_int_equal(u.id, id);
    int64_t count = 0;
    assert_int_equal(store_user_count(f->st, &count), 0);
    assert_int_equal(count, 1);

    struct workshops_seen wsn = {.n = 0};
    assert_int_equal(store_workshop_each(f->st, collect_workshop, &wsn), 0);
    assert_int_equal(wsn.n, 1);
    assert_string_equal(wsn.w[0].code, "X';--");
    assert_string_equal(wsn.w[0].title, quoted);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_string_equal(s.teams[0].name, evil);
    assert_string_equal(s.objectives[0].title, quoted);
    assert_string_equal(s.objectives[0].owner, evil);
    assert_string_equal(s.objectives[0].rationale, rationale);
    assert_string_equal(s.key_results[0].title, "Grüße 🚀 '");
    assert_string_equal(s.key_results[0].unit, "'%");
    okr_state_free(&s);

    struct events_seen ev = {.n = 0};
    assert_int_equal(store_event_each(f->st, ws, 0, collect_event, &ev), 0);
    assert_int_equal(ev.n, 1);
    assert_string_equal(ev.payloads[0], "'");
}

/* The check-in cadence: a new workshop has none (UTC, off, no dates); the
 * schedule, how far it has run and a key result's last check-in come back
 * after a reopen, from store_workshop_each and store_workshop_schedule. */
static int find_schedule(void *ctx, const struct store_workshop *w)
{
    *(struct store_schedule *)ctx = w->schedule;
    return 0;
}

static void test_cadence_round_trip(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t alice = add_user(f->st, "alice", 0);
    int64_t ws = add_workshop(f->st, "CADENCE123", "Q3", alice);
    struct store_schedule sc;
    char period[OKR_PERIOD_CAP + 1];
    assert_int_equal(store_workshop_schedule(f->st, ws, period, &sc), 0);
    assert_string_equal(period, "2026-Q3");
    assert_string_equal(sc.timezone, "UTC");
    assert_string_equal(sc.cadence, "off");
    assert_string_equal(sc.period_from, "");
    assert_true(sc.done_ms == 0);
    struct store_schedule set = {.period_from = "2026-07-01", .period_to = "2026-09-30",
                                 .timezone = "Europe/Berlin", .cadence = "biweekly:fri",
                                 .done_ms = 1234};
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_workshop_set_schedule(f->st, ws, "2026-07-01..2026-09-30", &set), 0);
    struct okr_key_result k = {.num = 1, .objective = 1, .title = "Raise ARR", .owner = "alice",
                               .version = 2, .checked_in_ms = 987654321};
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    assert_int_equal(store_commit(f->st), 0);
    assert_int_equal(store_workshop_set_cadence_done(f->st, ws, 5678), 0);
    reopen_store(f);
    memset(&sc, 0, sizeof sc);
    assert_int_equal(store_workshop_each(f->st, find_schedule, &sc), 0);
    assert_string_equal(sc.period_from, "2026-07-01");
    assert_string_equal(sc.period_to, "2026-09-30");
    assert_string_equal(sc.timezone, "Europe/Berlin");
    assert_string_equal(sc.cadence, "biweekly:fri");
    assert_true(sc.done_ms == 5678);
    assert_int_equal(store_workshop_schedule(f->st, ws, period, &sc), 0);
    assert_string_equal(period, "2026-07-01..2026-09-30");
    assert_int_equal(store_workshop_schedule(f->st, ws + 100, period, &sc), CAS_ENOTFOUND);
    struct okr_state st;
    okr_state_init(&st);
    assert_int_equal(store_state_load(f->st, ws, &st), 0);
    assert_int_equal(st.nkey_results, 1);
    assert_true(st.key_results[0].checked_in_ms == 987654321);
    okr_state_free(&st);
}

/* What schema 14 added: a retrospective card's kind and objective, a vote's
 * scope, and where a carried objective and key result came from (none
 * stays none). */
static void test_retro_and_carried_round_trip(void **state)
{
    struct fixture *f = *state;
    open_store(f);
    int64_t ws = add_workshop(f->st, "RETRO", "Retro", 0);
    struct okr_objective o1 = {.num = 1, .team = 1, .title = "O1", .version = 1,
                               .carried_from = "PN73UU7QXK/O4"};
    struct okr_objective o2 = {.num = 2, .team = 1, .title = "O2", .version = 1};
    struct okr_key_result k = {.num = 1, .objective = 1, .title = "K1", .version = 1,
                               .carried_from = "PN73UU7QXK/K9"};
    struct okr_idea card = {.num = 1, .text = "Demo days", .author = "mia", .revealed = 1,
                            .retro = OKR_RETRO_START, .on = 2};
    struct okr_idea idea = {.num = 2, .text = "Grow", .author = "max"};
    struct okr_vote v = {.state = OKR_VOTE_OPEN, .number = 1, .budget = 3, .max_per_idea = 2,
                         .started_by = "alice", .retro = 1};
    assert_int_equal(store_begin(f->st), 0);
    assert_int_equal(store_objective_save(f->st, ws, &o1), 0);
    assert_int_equal(store_objective_save(f->st, ws, &o2), 0);
    assert_int_equal(store_key_result_save(f->st, ws, &k), 0);
    assert_int_equal(store_idea_save(f->st, ws, &card), 0);
    assert_int_equal(store_idea_save(f->st, ws, &idea), 0);
    assert_int_equal(store_vote_save(f->st, ws, &v), 0);
    assert_int_equal(store_commit(f->st), 0);
    reopen_store(f);

    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(store_state_load(f->st, ws, &s), 0);
    assert_string_equal(okr_objective_find(&s, 1)->carried_from, "PN73UU7QXK/O4");
    assert_null(okr_objective_find(&s, 2)->carried_from);
    assert_string_equal(okr_key_result_find(&s, 1)->carried_from, "PN73UU7QXK/K9");
    assert_int_equal(okr_idea_find(&s, 1)->retro, OKR_RETRO_START);
    assert_int_equal(okr_idea_find(&s, 1)->on, 2);
    assert_int_equal(okr_idea_find(&s, 2)->retro, OKR_RETRO_NONE);
    assert_int_equal(okr_idea_find(&s, 2)->on, 0);
    assert_true(s.vote.retro);
    okr_state_free(&s);
}

/* PostgreSQL: a newer schema is refused; a server that is not there, or a
 * wrong password, is a clear error that never shows the password. */
static void test_pg_refusals(void **state)
{
    struct fixture *f = *state;
    if (pg_url == NULL)
        skip();
    open_store(f);
    store_close(f->st);
    f->st = NULL;
    struct raw *db = raw_open(f->path);
    char sql[96];
    snprintf(sql, sizeof sql, "UPDATE cascade_schema SET version = %d", STORE_SCHEMA_VERSION + 1);
    raw_exec(db, sql);
    raw_close(db);
    char err[512] = "";
    struct store *st = (struct store *)1;
    assert_int_equal(store_open(&st, f->path, STORE_SYNC_FULL, err, sizeof err), CAS_EINVAL);
    assert_null(st);
    assert_non_null(strstr(err, "newer"));

    /* Port 1 on loopback: nobody listens there. */
    assert_int_equal(store_open(&st, "postgresql://cascade:s3cret@127.0.0.1:1/cascade",
                                STORE_SYNC_FULL, err, sizeof err),
                     CAS_ESTORAGE);
    assert_null(st);
    assert_non_null(strstr(err, "Cannot connect"));
    assert_non_null(strstr(err, "127.0.0.1:1"));
    assert_null(strstr(err, "s3cret"));

    /* The right server, a wrong password. */
    char wrong[600];
    const char *at = strchr(pg_url, '@');
    assert_non_null(at);
    snprintf(wrong, sizeof wrong, "postgresql://cascade:wrong-password%s", at);
    assert_int_equal(store_open(&st, wrong, STORE_SYNC_FULL, err, sizeof err), CAS_ESTORAGE);
    assert_null(strstr(err, "wrong-password"));
    assert_non_null(strstr(err, "password"));
}

/* ? and ?N parameters become $N, as SQLite numbers them; quoted text is
 * left alone. */
static void test_pg_parameters(void **state)
{
    (void)state;
    char out[256];
    assert_int_equal(db_pg_convert_params("SELECT a FROM t WHERE b = ? AND c = ?", out,
                                          sizeof out),
                     2);
    assert_string_equal(out, "SELECT a FROM t WHERE b = $1 AND c = $2");
    assert_int_equal(db_pg_convert_params("DELETE FROM d WHERE w = ? AND (k = ?2 OR o = ?2)",
                                          out, sizeof out),
                     2);
    assert_string_equal(out, "DELETE FROM d WHERE w = $1 AND (k = $2 OR o = $2)");
    assert_int_equal(db_pg_convert_params("SELECT '?', \"a?\" FROM t WHERE x = ?", out,
                                          sizeof out),
                     1);
    assert_string_equal(out, "SELECT '?', \"a?\" FROM t WHERE x = $1");
    assert_int_equal(db_pg_convert_params("SELECT ?, ?, ?", out, 8), -1);
    char url[128];
    store_url_redact("postgresql://u:pw@h:5/db", url, sizeof url);
    assert_string_equal(url, "postgresql://u:***@h:5/db");
    store_url_redact("postgresql://h:5/db", url, sizeof url);
    assert_string_equal(url, "postgresql://h:5/db");
}

int main(void)
{
    pg_url = getenv("CASCADE_TEST_PG_URL");
    if (pg_url != NULL && pg_url[0] == '\0')
        pg_url = NULL;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pg_refusals, setup, teardown),
        cmocka_unit_test(test_pg_parameters),
        cmocka_unit_test_setup_teardown(test_event_each_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_closing_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync_normal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roles_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_updates_and_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_model_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version0_with_other_table_migrates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_running_a_workshop_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cadence_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version4_invites_upgrade, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version1_database_upgrades, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unique_clashes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_event_each_since_and_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_token_delete, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sql_metacharacters_verbatim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retro_and_carried_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_archive_and_delete, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
