/* The real-time invariants end to end: a real cascaded, real TLS clients.
 *
 * - Concurrent editors: every request is answered exactly once; every
 *   subscriber sees the same gapless, increasing sequence; acknowledgements
 *   and events match one to one; the events replayed in order give the state
 *   a snapshot reports.
 * - A subscriber that stops reading is dropped, and nobody waits for it.
 * - kill -9 loses no acknowledged edit.
 * - Resuming with since_seq across a restart gives exactly the missed events.
 * - A replay far longer than --max-outbound reaches a slow subscriber whole
 *   (it is paced, not dropped), and its requests keep their order.
 * - A subscriber taking a long replay slowly is not closed as idle; one that
 *   takes nothing is.
 * - A snapshot far larger than --max-outbound reaches a slow reader whole,
 *   in chunks; readers at the same seq share one packed image, and a new
 *   image that would pass --max-snapshot-memory waits for room.
 *
 * Each test starts its own server. Tests count what arrives and never assert
 * on how long anything took; every loop is bounded in rounds and in time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* ---- Small tools -------------------------------------------------------- */

/* xorshift64*: a fixed seed makes every run choose the same operations. */
static uint64_t prng_next(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ull;
}

static uint32_t prng_below(uint64_t *state, uint32_t n)
{
    return (uint32_t)(prng_next(state) >> 33) % n;
}

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A guard on loops that wait for progress: generous, because sanitizers
 * slow everything down; a test that hits it has hung, not merely been slow. */
#define LOOP_LIMIT_MS 180000

/* Pushes that nobody expects are counted here. */
static void count_frame(void *ctx, const WireFrame *f)
{
    (void)f;
    (*(size_t *)ctx)++;
}

/* The reply to a request, or a test failure. */
static WireFrame *must_request(SSL *ssl, WireFrame *f, harness_push_fn on_push, void *ctx)
{
    WireFrame *r = NULL;
    assert_int_equal(harness_request(ssl, f, &r, on_push, ctx), 0);
    assert_non_null(r);
    if (r->body_case == CASCADE__V1__FRAME__BODY_ERROR)
        fprintf(stderr, "unexpected error reply: %s\n", r->error->message);
    return r;
}

/* Sends a change and returns the seq of its Ack (and its id in id_out). */
static uint64_t must_ack(SSL *ssl, WireFrame *f, char *id_out, size_t id_len)
{
    WireFrame *r = must_request(ssl, f, NULL, NULL);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
    uint64_t seq = r->ack->seq;
    assert_true(seq > 0);
    if (id_out != NULL)
        snprintf(id_out, id_len, "%s", r->ack->id);
    wire_free(r);
    return seq;
}

static void admin_token(struct test_server *s, char token[HARNESS_TOKEN_MAX])
{
    char password[128];
    assert_int_equal(server_admin_password(s, password, sizeof password), 0);
    assert_int_equal(harness_login(s->port, "admin", password, token), 0);
}

static SSL *authed(int port, const char *token)
{
    SSL *ssl = harness_authed_client(port, token);
    assert_non_null(ssl);
    return ssl;
}

static void create_workshop(SSL *ssl, char code[16])
{
    Cascade__V1__WorkshopCreate m = CASCADE__V1__WORKSHOP_CREATE__INIT;
    m.title = "Real-time test";
    m.period = "2026-Q3";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_CREATE;
    f.workshop_create = &m;
    WireFrame *r = must_request(ssl, &f, NULL, NULL);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO);
    snprintf(code, 16, "%s", r->workshop_info->code);
    wire_free(r);
}

static void join(SSL *ssl, const char *code)
{
    Cascade__V1__Join m = CASCADE__V1__JOIN__INIT;
    m.code = (char *)code;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_JOIN;
    f.join = &m;
    WireFrame *r = must_request(ssl, &f, NULL, NULL);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO);
    wire_free(r);
}

/* Makes user a member of team, so that they may edit its OKRs. */
static void add_to_team(SSL *ssl, const char *code, const char *team, const char *user)
{
    Cascade__V1__TeamMemberAdd m = CASCADE__V1__TEAM_MEMBER_ADD__INIT;
    m.workshop = (char *)code;
    m.team = (char *)team;
    m.user = (char *)user;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_TEAM_MEMBER_ADD;
    f.team_member_add = &m;
    WireFrame *r = must_request(ssl, &f, NULL, NULL);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
    wire_free(r);
}

/* T1, O1 and nkr metric key results (start 0, target 100); their ids go
 * to kr_ids. Returns the seq of the last of these events. */
static uint64_t set_up_cascade(SSL *ssl, const char *code, int nkr, char (*kr_ids)[16])
{
    char team[16], objective[16];
    Cascade__V1__TeamAdd t = CASCADE__V1__TEAM_ADD__INIT;
    t.workshop = (char *)code;
    t.name = "Company";
    t.level = CASCADE__V1__LEVEL__COMPANY;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_TEAM_ADD;
    f.team_add = &t;
    uint64_t seq = must_ack(ssl, &f, team, sizeof team);

    Cascade__V1__ObjectiveAdd o = CASCADE__V1__OBJECTIVE_ADD__INIT;
    o.workshop = (char *)code;
    o.team = team;
    o.title = "Ship the real-time cascade";
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD;
    f.objective_add = &o;
    assert_int_equal(must_ack(ssl, &f, objective, sizeof objective), seq + 1);
    seq++;

    for (int i = 0; i < nkr; i++) {
        char title[64];
        snprintf(title, sizeof title, "Metric %d", i + 1);
        Cascade__V1__KeyResultAdd k = CASCADE__V1__KEY_RESULT_ADD__INIT;
        k.workshop = (char *)code;
        k.objective = objective;
        k.title = title;
        k.start = 0;
        k.target = 100;
        k.unit = "pts";
        f.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD;
        f.key_result_add = &k;
        assert_int_equal(must_ack(ssl, &f, kr_ids[i], sizeof kr_ids[i]), seq + 1);
        seq++;
    }
    return seq;
}

/* Sends a check-in of a metric's current value; returns the request id. */
static uint64_t send_checkin(SSL *ssl, const char *code, const char *kr, double value,
                             const char *note)
{
    Cascade__V1__CheckIn m = CASCADE__V1__CHECK_IN__INIT;
    m.workshop = (char *)code;
    m.key_result = (char *)kr;
    m.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
    m.current = value;
    if (note != NULL)
        m.note = (char *)note;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    f.check_in = &m;
    uint64_t id = harness_send(ssl, &f);
    assert_true(id != 0);
    return id;
}

/* Sends an edit of a key result's target (no version check). */
static uint64_t send_target_edit(SSL *ssl, const char *code, const char *kr, double target)
{
    static char field_target[] = "target";
    char *fields[] = {field_target};
    Cascade__V1__KeyResult v = CASCADE__V1__KEY_RESULT__INIT;
    v.target = target;
    Cascade__V1__KeyResultEdit m = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    m.workshop = (char *)code;
    m.id = (char *)kr;
    m.n_fields = 1;
    m.fields = fields;
    m.values = &v;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    f.key_result_edit = &m;
    uint64_t id = harness_send(ssl, &f);
    assert_true(id != 0);
    return id;
}

/* Subscribes, collecting the replayed events into ev; returns the Ack's seq. */
static uint64_t subscribe(SSL *ssl, const char *code, uint64_t since, int from_now,
                          struct harness_events *ev)
{
    Cascade__V1__Subscribe m = CASCADE__V1__SUBSCRIBE__INIT;
    m.workshop = (char *)code;
    m.since_seq = since;
    m.from_now = from_now;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_SUBSCRIBE;
    f.subscribe = &m;
    WireFrame *r = must_request(ssl, &f, harness_events_on_push, ev);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
    uint64_t seq = r->ack->seq;
    wire_free(r);
    return seq;
}

static Cascade__V1__Snapshot *snapshot(SSL *ssl, const char *code)
{
    Cascade__V1__Snapshot *s = harness_snapshot(ssl, code, NULL, NULL);
    assert_non_null(s);
    return s;
}

/* A Ping round trip; the frames read before the Pong go to on_push. Since
 * the server answers in order, anything it sent before is then in. */
static void ping(SSL *ssl, harness_push_fn on_push, void *ctx)
{
    Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
    p.nonce = 42;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &p;
    WireFrame *r = must_request(ssl, &f, on_push, ctx);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_PONG);
    wire_free(r);
}

static double new_number(const struct harness_event *e, const char *field)
{
    const struct harness_change *c = harness_event_change(e, field);
    assert_non_null(c);
    assert_int_equal(c->new_value.kind, HARNESS_NUMBER);
    return c->new_value.number;
}

static void assert_value_equal(const struct harness_value *a, const struct harness_value *b)
{
    assert_int_equal(a->kind, b->kind);
    if (a->kind == HARNESS_TEXT)
        assert_string_equal(a->text, b->text);
    else if (a->kind == HARNESS_NUMBER)
        assert_true(a->number == b->number);
    else if (a->kind == HARNESS_FLAG)
        assert_int_equal(a->flag, b->flag);
}

/* Two subscribers received the same event: same seq, who, what and values. */
static void assert_same_event(const struct harness_event *a, const struct harness_event *b)
{
    assert_int_equal(a->seq, b->seq);
    assert_string_equal(a->type, b->type);
    assert_string_equal(a->entity, b->entity);
    assert_string_equal(a->actor, b->actor);
    assert_int_equal(a->nchanges, b->nchanges);
    for (size_t i = 0; i < a->nchanges; i++) {
        assert_string_equal(a->changes[i].field, b->changes[i].field);
        assert_value_equal(&a->changes[i].old_value, &b->changes[i].old_value);
        assert_value_equal(&a->changes[i].new_value, &b->changes[i].new_value);
    }
}

/* Each test gets a server slot; the teardown stops and removes whatever a
 * failed assertion left behind. */
static int setup_server(void **state)
{
    struct test_server *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return -1;
    *state = srv;
    return 0;
}

static int teardown_server(void **state)
{
    struct test_server *srv = *state;
    if (srv->dir[0] != '\0')
        server_cleanup(srv);
    free(srv);
    return 0;
}

/* ---- Concurrent editors --------------------------------------------------- */

enum {
    CE_USERS = 20,   /* editors, one user each */
    CE_KRS = 10,     /* key results they edit */
    CE_OPS = 25,     /* valid changes per editor */
    CE_WATCHERS = 3,
};

struct ce_op {
    uint64_t request_id;
    int kr;          /* index into kr_ids; -1: a request that must fail */
    int is_edit;     /* KeyResultEdit of target, else CheckIn of current */
    double value;
    int answered;
    uint64_t seq;    /* from its Ack */
};

struct kr_model {
    double current, target;
    uint64_t version;
};

/* Logs in every user at once: one connection each, all scrypts in flight. */
static void login_all(int port, int n, char (*names)[32], char (*passwords)[32],
                      char (*tokens)[HARNESS_TOKEN_MAX])
{
    SSL **conns = calloc((size_t)n, sizeof *conns);
    uint64_t *ids = calloc((size_t)n, sizeof *ids);
    assert_non_null(conns);
    assert_non_null(ids);
    for (int i = 0; i < n; i++) {
        conns[i] = tls_connect(port);
        assert_non_null(conns[i]);
        Cascade__V1__Hello h = CASCADE__V1__HELLO__INIT;
        h.protocol_version = 1;
        h.client_name = "test";
        h.client_version = "0";
        WireFrame hf = CASCADE__V1__FRAME__INIT;
        hf.body_case = CASCADE__V1__FRAME__BODY_HELLO;
        hf.hello = &h;
        WireFrame *w = must_request(conns[i], &hf, NULL, NULL);
        assert_int_equal(w->body_case, CASCADE__V1__FRAME__BODY_WELCOME);
        wire_free(w);
        Cascade__V1__Login l = CASCADE__V1__LOGIN__INIT;
        l.user = names[i];
        l.password = passwords[i];
        WireFrame f = CASCADE__V1__FRAME__INIT;
        f.body_case = CASCADE__V1__FRAME__BODY_LOGIN;
        f.login = &l;
        ids[i] = harness_send(conns[i], &f);
        assert_true(ids[i] != 0);
    }
    for (int i = 0; i < n; i++) {
        WireFrame *r = harness_await(conns[i], ids[i], NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_LOGIN_OK);
        assert_true(strlen(r->login_ok->token) < HARNESS_TOKEN_MAX);
        snprintf(tokens[i], HARNESS_TOKEN_MAX, "%s", r->login_ok->token);
        wire_free(r);
        tls_close(conns[i]);
    }
    free(conns);
    free(ids);
}

/* Applies one event to the model, checking that its old values are the
 * model's: events describe themselves exactly. */
static void model_apply(struct kr_model *krs, char (*kr_ids)[16], const struct harness_event *e)
{
    int k = -1;
    for (int i = 0; i < CE_KRS; i++)
        if (strcmp(kr_ids[i], e->entity) == 0)
            k = i;
    if (k < 0)
        return; /* the team and the objective */
    struct kr_model *m = &krs[k];
    if (strcmp(e->type, "kr.add") == 0) {
        m->current = new_number(e, "current");
        m->target = new_number(e, "target");
        m->version = 1;
        return;
    }
    const char *field = strcmp(e->type, "kr.checkin") == 0 ? "current" : "target";
    assert_true(strcmp(e->type, "kr.checkin") == 0 || strcmp(e->type, "kr.edit") == 0);
    const struct harness_change *c = harness_event_change(e, field);
    assert_non_null(c);
    assert_int_equal(c->old_value.kind, HARNESS_NUMBER);
    double *slot = strcmp(field, "current") == 0 ? &m->current : &m->target;
    assert_true(c->old_value.number == *slot);
    *slot = new_number(e, field);
    m->version++;
}

static void test_concurrent_editors(void **state)
{
    struct test_server *srv = *state;
    server_start(srv, NULL);
    char admin[HARNESS_TOKEN_MAX];
    admin_token(srv, admin);
    SSL *adm = authed(srv->port, admin);

    /* The users, created pipelined on the administrator's connection. */
    char names[CE_USERS][32], passwords[CE_USERS][32], tokens[CE_USERS][HARNESS_TOKEN_MAX];
    uint64_t add_ids[CE_USERS];
    for (int i = 0; i < CE_USERS; i++) {
        snprintf(names[i], sizeof names[i], "editor%02d", i);
        snprintf(passwords[i], sizeof passwords[i], "secret-of-editor%02d", i);
        Cascade__V1__AdminUserAdd m = CASCADE__V1__ADMIN_USER_ADD__INIT;
        m.name = names[i];
        m.password = passwords[i];
        WireFrame f = CASCADE__V1__FRAME__INIT;
        f.body_case = CASCADE__V1__FRAME__BODY_ADMIN_USER_ADD;
        f.admin_user_add = &m;
        add_ids[i] = harness_send(adm, &f);
        assert_true(add_ids[i] != 0);
    }
    /* The passwords are hashed in parallel, so the answers come in any order. */
    int added[CE_USERS] = {0};
    for (int n = 0; n < CE_USERS; n++) {
        WireFrame *r = harness_next_reply(adm, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        int i = 0;
        while (i < CE_USERS && add_ids[i] != r->request_id)
            i++;
        assert_true(i < CE_USERS);
        assert_false(added[i]);
        added[i] = 1;
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ADMIN_USER_ADDED);
        assert_string_equal(r->admin_user_added->user->name, names[i]);
        wire_free(r);
    }
    login_all(srv->port, CE_USERS, names, passwords, tokens);

    char code[16], kr_ids[CE_KRS][16];
    create_workshop(adm, code);
    uint64_t setup_seq = set_up_cascade(adm, code, CE_KRS, kr_ids);

    SSL *editors[CE_USERS];
    for (int i = 0; i < CE_USERS; i++) {
        editors[i] = authed(srv->port, tokens[i]);
        join(editors[i], code);
        add_to_team(adm, code, "T1", names[i]);
    }
    setup_seq += 2 * CE_USERS; /* each join and each team membership is an event too */

    /* Three ways to watch: from now, since the set-up, since the start. */
    SSL *watchers[CE_WATCHERS];
    struct harness_events ev[CE_WATCHERS];
    const char *watcher_tokens[CE_WATCHERS] = {admin, tokens[0], tokens[1]};
    for (int w = 0; w < CE_WATCHERS; w++) {
        harness_events_init(&ev[w]);
        watchers[w] = authed(srv->port, watcher_tokens[w]);
    }
    assert_int_equal(subscribe(watchers[0], code, 0, 1, &ev[0]), setup_seq);
    assert_int_equal(subscribe(watchers[1], code, setup_seq, 0, &ev[1]), setup_seq);
    assert_int_equal(subscribe(watchers[2], code, 0, 0, &ev[2]), setup_seq);
    assert_int_equal(ev[0].n, 0);
    assert_int_equal(ev[1].n, 0);
    assert_int_equal(ev[2].n, setup_seq);

    /* Plan each editor's requests: CE_OPS changes and one that must fail
     * (an unknown key result), at a different place for each editor. */
    enum { PER = CE_OPS + 1 };
    struct ce_op ops[CE_USERS][PER];
    uint64_t rng = 0x5eed1234abcdull;
    for (int e = 0; e < CE_USERS; e++)
        for (int j = 0; j < PER; j++) {
            struct ce_op *op = &ops[e][j];
            memset(op, 0, sizeof *op);
            if (j == e % PER) {
                op->kr = -1;
                continue;
            }
            op->kr = (int)prng_below(&rng, CE_KRS);
            op->is_edit = prng_below(&rng, 10) < 3;
            op->value = op->is_edit ? 100 + prng_below(&rng, 900)
                                    : (double)prng_below(&rng, 100000) / 100;
        }

    /* Waves: in each, every editor pipelines one to four requests, sent
     * round-robin across editors, and then collects their answers, so the
     * server always has requests of many connections in flight at once. */
    size_t acked = 0, refused = 0;
    uint64_t *ack_seqs = calloc(CE_USERS * PER, sizeof *ack_seqs);
    assert_non_null(ack_seqs);
    int next[CE_USERS] = {0}, wave_size[CE_USERS];
    uint64_t wave_rng = 0x77a7e5ull;
    for (int wave = 0; wave < PER; wave++) {
        int any = 0;
        for (int e = 0; e < CE_USERS; e++) {
            int w = 1 + (int)prng_below(&wave_rng, 4);
            wave_size[e] = next[e] + w <= PER ? w : PER - next[e];
            any |= wave_size[e] > 0;
        }
        if (!any)
            break;
        for (int k = 0; k < 4; k++)
            for (int e = 0; e < CE_USERS; e++) {
                if (k >= wave_size[e])
                    continue;
                struct ce_op *op = &ops[e][next[e] + k];
                if (op->kr < 0)
                    op->request_id = send_checkin(editors[e], code, "K999", 1, NULL);
                else if (op->is_edit)
                    op->request_id = send_target_edit(editors[e], code, kr_ids[op->kr], op->value);
                else
                    op->request_id = send_checkin(editors[e], code, kr_ids[op->kr], op->value, NULL);
            }
        /* Every request gets exactly one answer. */
        for (int e = 0; e < CE_USERS; e++) {
            size_t stray = 0;
            for (int k = 0; k < wave_size[e]; k++) {
                WireFrame *r = harness_next_reply(editors[e], count_frame, &stray,
                                                  HARNESS_REPLY_TIMEOUT_MS);
                assert_non_null(r);
                struct ce_op *op = NULL;
                for (int j = 0; j < next[e] + wave_size[e]; j++)
                    if (ops[e][j].request_id == r->request_id)
                        op = &ops[e][j];
                assert_non_null(op);
                assert_false(op->answered); /* a second answer to one request */
                op->answered = 1;
                if (op->kr < 0) {
                    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ERROR);
                    assert_int_equal(r->error->code, CASCADE__V1__ERROR_CODE__NOT_FOUND);
                    refused++;
                } else {
                    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
                    assert_int_equal(r->ack->entity_case, CASCADE__V1__ACK__ENTITY_KEY_RESULT);
                    const Cascade__V1__KeyResult *kr = r->ack->key_result;
                    assert_string_equal(kr->id, kr_ids[op->kr]);
                    assert_true((op->is_edit ? kr->target : kr->current) == op->value);
                    op->seq = r->ack->seq;
                    ack_seqs[acked++] = op->seq;
                }
                wire_free(r);
            }
            assert_int_equal(stray, 0);
            next[e] += wave_size[e];
        }
        for (int w = 0; w < CE_WATCHERS; w++)
            assert_true(harness_read_ready(watchers[w], harness_events_on_push, &ev[w], 0) >= 0);
    }
    for (int e = 0; e < CE_USERS; e++) {
        assert_int_equal(next[e], PER);
        /* Nothing more: a duplicate answer would arrive before the Pong. */
        size_t stray = 0;
        ping(editors[e], count_frame, &stray);
        assert_int_equal(stray, 0);
    }
    assert_int_equal(acked, CE_USERS * CE_OPS);
    assert_int_equal(refused, CE_USERS);

    /* The acknowledged seqs are exactly setup_seq+1 .. last, each once. */
    uint64_t last = setup_seq + acked;
    uint8_t *seen = calloc(last + 1, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < acked; i++) {
        assert_true(ack_seqs[i] > setup_seq && ack_seqs[i] <= last);
        assert_false(seen[ack_seqs[i]]);
        seen[ack_seqs[i]] = 1;
    }

    /* Every watcher sees every event once, in order, and the same ones. */
    for (int w = 0; w < CE_WATCHERS; w++) {
        assert_int_equal(harness_events_wait(watchers[w], &ev[w], last, HARNESS_REPLY_TIMEOUT_MS), 0);
        ping(watchers[w], harness_events_on_push, &ev[w]);
        assert_int_equal(ev[w].errors, 0);
        assert_int_equal(ev[w].going_away, 0);
    }
    assert_int_equal(ev[0].n, acked);
    assert_int_equal(ev[1].n, acked);
    assert_int_equal(ev[2].n, last);
    assert_true(harness_events_gapless(&ev[0], setup_seq + 1));
    assert_true(harness_events_gapless(&ev[1], setup_seq + 1));
    assert_true(harness_events_gapless(&ev[2], 1));
    for (size_t i = 0; i < acked; i++) {
        assert_same_event(&ev[0].items[i], &ev[1].items[i]);
        assert_same_event(&ev[0].items[i], &ev[2].items[setup_seq + i]);
    }

    /* Each acknowledged change is the event with its seq: who, what, value. */
    for (int e = 0; e < CE_USERS; e++)
        for (int j = 0; j < PER; j++) {
            const struct ce_op *op = &ops[e][j];
            if (op->kr < 0)
                continue;
            const struct harness_event *ev_op = &ev[2].items[op->seq - 1];
            assert_int_equal(ev_op->seq, op->seq);
            assert_string_equal(ev_op->actor, names[e]);
            assert_string_equal(ev_op->entity, kr_ids[op->kr]);
            assert_string_equal(ev_op->type, op->is_edit ? "kr.edit" : "kr.checkin");
            assert_true(new_number(ev_op, op->is_edit ? "target" : "current") == op->value);
        }

    /* The events applied in order give exactly the state a snapshot reports. */
    struct kr_model model[CE_KRS];
    memset(model, 0, sizeof model);
    for (size_t i = 0; i < ev[2].n; i++)
        model_apply(model, kr_ids, &ev[2].items[i]);
    Cascade__V1__Snapshot *snap = snapshot(adm, code);
    assert_int_equal(snap->seq, last);
    assert_int_equal(snap->n_key_results, CE_KRS);
    for (size_t i = 0; i < snap->n_key_results; i++) {
        const Cascade__V1__KeyResult *kr = snap->key_results[i];
        int k = -1;
        for (int j = 0; j < CE_KRS; j++)
            if (strcmp(kr_ids[j], kr->id) == 0)
                k = j;
        assert_true(k >= 0);
        assert_true(kr->current == model[k].current);
        assert_true(kr->target == model[k].target);
        assert_int_equal(kr->version, model[k].version);
    }
    wire_snapshot_free(snap);

    free(seen);
    free(ack_seqs);
    for (int w = 0; w < CE_WATCHERS; w++) {
        tls_close(watchers[w]);
        harness_events_free(&ev[w]);
    }
    for (int e = 0; e < CE_USERS; e++)
        tls_close(editors[e]);
    tls_close(adm);
    assert_true(server_alive(srv));
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
}

/* ---- A stuck subscriber --------------------------------------------------- */

struct editor_acks {
    size_t acks, other;
    uint64_t last_seq, last_id;
    int out_of_order;
};

static void on_editor_frame(void *ctx, const WireFrame *f)
{
    struct editor_acks *a = ctx;
    if (f->request_id == 0 || f->body_case != CASCADE__V1__FRAME__BODY_ACK) {
        a->other++;
        return;
    }
    /* One connection's changes commit, and are answered, in the order it
     * sent them: both the seqs and the request ids only grow. */
    if (f->ack->seq <= a->last_seq || f->request_id <= a->last_id)
        a->out_of_order++;
    a->last_seq = f->ack->seq;
    a->last_id = f->request_id;
    a->acks++;
}

static void test_slow_reader_is_dropped_not_waited_for(void **state)
{
    struct test_server *srv = *state;
    enum {
        N_MIN = 2000,   /* check-ins of ~1 KiB at least */
        N_STEP = 500,   /* more while the stuck one has not been dropped yet */
        N_MAX = 8000,   /* ~9 MiB: past any default socket buffers */
        WINDOW = 16,    /* the editor's requests in flight */
        MAX_LAG = 32,   /* events the watcher may have unread (~36 KiB) */
    };
    /* This thread reads the editor and the watcher in turn; the window and
     * the lag bound keep what they have unread well under the 64 KiB limit,
     * so that only the stuck one can reach it. */
    /* The editor sends thousands of check-ins as fast as it can: that is
     * the point here, so the per-connection request rate is lifted. */
    static const char *const extra[] = {"--max-outbound", "65536", "--rate", "1000000", NULL};
    server_start(srv, extra);
    char token[HARNESS_TOKEN_MAX];
    admin_token(srv, token);
    SSL *editor = authed(srv->port, token);
    char code[16], kr[1][16];
    create_workshop(editor, code);
    uint64_t setup_seq = set_up_cascade(editor, code, 1, kr);

    /* The stuck one subscribes, then never reads again. */
    SSL *stuck = harness_authed_client_rcvbuf(srv->port, token, 4096);
    assert_non_null(stuck);
    struct harness_events ignored;
    harness_events_init(&ignored);
    assert_int_equal(subscribe(stuck, code, 0, 1, &ignored), setup_seq);

    SSL *watcher = authed(srv->port, token);
    struct harness_events ev;
    harness_events_init(&ev);
    assert_int_equal(subscribe(watcher, code, 0, 1, &ev), setup_seq);

    char note[1025];
    memset(note, 'n', sizeof note - 1);
    note[sizeof note - 1] = '\0';

    struct editor_acks acks = {0, 0, setup_seq, 0, 0};
    size_t sent = 0, target = N_MIN;
    int64_t deadline = monotonic_ms() + LOOP_LIMIT_MS;
    for (long round = 0; round < 10L * N_MAX && acks.acks < target; round++) {
        assert_true(monotonic_ms() < deadline);
        while (sent < target && sent - acks.acks < WINDOW &&
               acks.last_seq - harness_events_last_seq(&ev) < MAX_LAG) {
            send_checkin(editor, code, kr[0], (double)(sent + 1), note);
            sent++;
        }
        assert_true(harness_read_ready(editor, on_editor_frame, &acks, 20) >= 0);
        assert_true(harness_read_ready(watcher, harness_events_on_push, &ev, 0) >= 0);
        assert_int_equal(acks.out_of_order, 0);
        assert_int_equal(acks.other, 0);
        assert_true(acks.acks <= sent);
        /* The kernel's socket buffers (the server's send buffer grows to a
         * few MiB) fill before the server's own queue does: keep editing
         * until the stuck one has been dropped, up to N_MAX. */
        if (acks.acks == target && target < N_MAX &&
            server_log_count(srv, "peer is not reading") == 0)
            target += N_STEP;
    }
    assert_int_equal(acks.acks, target);
    assert_int_equal(acks.other, 0);
    assert_int_equal(acks.out_of_order, 0);

    /* The watcher got every event, gapless, and is still served. */
    uint64_t last = setup_seq + target;
    assert_int_equal(acks.last_seq, last);
    assert_int_equal(harness_events_wait(watcher, &ev, last, HARNESS_REPLY_TIMEOUT_MS), 0);
    ping(watcher, harness_events_on_push, &ev);
    assert_int_equal(ev.n, target);
    assert_true(harness_events_gapless(&ev, setup_seq + 1));
    for (size_t i = 0; i < ev.n; i++)
        assert_true(new_number(&ev.items[i], "current") == (double)(i + 1));

    /* The stuck one, and only it, was dropped for not reading. */
    assert_int_equal(server_log_wait(srv, "peer is not reading", 1, 10000), 1);
    assert_true(fd_closed_within(SSL_get_fd(stuck), 15000));
    assert_true(server_alive(srv));
    ping(editor, NULL, NULL);

    tls_close(stuck);
    tls_close(watcher);
    tls_close(editor);
    harness_events_free(&ignored);
    harness_events_free(&ev);
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
}

/* ---- kill -9 ----------------------------------------------------------- */

enum {
    K9_CYCLES = 20,
    K9_KRS = 5,
    K9_WINDOW = 8,
    K9_MAX_ACKS = 60,
    K9_MAX_VALUES = K9_CYCLES * (K9_MAX_ACKS + K9_WINDOW + 1) + 1,
};

struct k9_acked {
    uint64_t seq;
    int kr;
    int value;
};

struct k9_state {
    char code[16];
    char kr_ids[K9_KRS][16];
    uint64_t setup_seq;
    int kr_of_value[K9_MAX_VALUES]; /* which key result each value went to; -1 unsent */
    int next_value;
    struct k9_acked acked[K9_CYCLES * K9_MAX_ACKS];
    size_t nacked;
};

/* After a restart: every acknowledged check-in is there, the log is
 * gapless, every event is one that was sent, and the state matches it. */
static void k9_verify(struct test_server *srv, const char *token, struct k9_state *st,
                      int cycles_done)
{
    SSL *ssl = authed(srv->port, token);
    Cascade__V1__Snapshot *snap = snapshot(ssl, st->code);
    uint64_t n = snap->seq;
    struct harness_events ev;
    harness_events_init(&ev);
    assert_int_equal(subscribe(ssl, st->code, 0, 0, &ev), n);
    assert_int_equal(ev.n, n);
    assert_true(harness_events_gapless(&ev, 1));
    assert_true(n >= st->setup_seq + st->nacked);
    /* Beyond the acknowledged: at most what was in flight at each kill. */
    assert_true(n - st->setup_seq - st->nacked <= (uint64_t)cycles_done * K9_WINDOW);

    for (size_t i = 0; i < st->nacked; i++) {
        const struct k9_acked *a = &st->acked[i];
        const struct harness_event *e = &ev.items[a->seq - 1];
        assert_string_equal(e->type, "kr.checkin");
        assert_string_equal(e->entity, st->kr_ids[a->kr]);
        assert_true(new_number(e, "current") == (double)a->value);
    }

    double last_value[K9_KRS] = {0};
    int max_acked[K9_KRS] = {0};
    uint8_t *used = calloc(K9_MAX_VALUES, 1);
    assert_non_null(used);
    for (size_t i = st->setup_seq; i < ev.n; i++) {
        const struct harness_event *e = &ev.items[i];
        assert_string_equal(e->type, "kr.checkin");
        double v = new_number(e, "current");
        int value = (int)v;
        assert_true((double)value == v && value > 0 && value < st->next_value);
        assert_false(used[value]); /* no check-in applied twice */
        used[value] = 1;
        int k = st->kr_of_value[value];
        assert_true(k >= 0);
        assert_string_equal(e->entity, st->kr_ids[k]);
        assert_true(v > last_value[k]); /* each key result's values only grow */
        last_value[k] = v;
    }
    free(used);
    for (size_t i = 0; i < st->nacked; i++)
        if (st->acked[i].value > max_acked[st->acked[i].kr])
            max_acked[st->acked[i].kr] = st->acked[i].value;

    assert_int_equal(snap->n_key_results, K9_KRS);
    for (size_t i = 0; i < snap->n_key_results; i++) {
        const Cascade__V1__KeyResult *kr = snap->key_results[i];
        int k = -1;
        for (int j = 0; j < K9_KRS; j++)
            if (strcmp(st->kr_ids[j], kr->id) == 0)
                k = j;
        assert_true(k >= 0);
        assert_true(kr->current == last_value[k]);
        assert_true(kr->current >= (double)max_acked[k]);
    }
    wire_snapshot_free(snap);
    harness_events_free(&ev);
    tls_close(ssl);
}

/* Sends one check-in of the next value to a random key result. */
static void k9_send(SSL *ssl, struct k9_state *st, uint64_t *rng, uint64_t ids[K9_WINDOW],
                    int values[K9_WINDOW], int slot)
{
    int k = (int)prng_below(rng, K9_KRS);
    int value = st->next_value++;
    assert_true(value < K9_MAX_VALUES);
    st->kr_of_value[value] = k;
    ids[slot] = send_checkin(ssl, st->code, st->kr_ids[k], (double)value, NULL);
    values[slot] = value;
}

/* One life of the server: pipelined check-ins until `stop_after` are
 * acknowledged, then kill -9 with a window of requests still in flight. */
static void k9_edit_and_kill(struct test_server *srv, const char *token, struct k9_state *st,
                             uint64_t *rng)
{
    size_t stop_after = 5 + prng_below(rng, K9_MAX_ACKS - 5 + 1);
    SSL *ssl = authed(srv->port, token);
    uint64_t ids[K9_WINDOW] = {0}; /* the requests in flight; 0: a free slot */
    int values[K9_WINDOW] = {0};
    size_t acked = 0;
    for (size_t round = 0; round < 4 * K9_MAX_ACKS && acked < stop_after; round++) {
        for (int i = 0; i < K9_WINDOW; i++)
            if (ids[i] == 0)
                k9_send(ssl, st, rng, ids, values, i);
        WireFrame *r = harness_next_reply(ssl, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        int slot = -1;
        for (int i = 0; i < K9_WINDOW; i++)
            if (ids[i] == r->request_id)
                slot = i;
        assert_true(slot >= 0);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
        assert_int_equal(r->ack->entity_case, CASCADE__V1__ACK__ENTITY_KEY_RESULT);
        struct k9_acked *a = &st->acked[st->nacked++];
        a->seq = r->ack->seq;
        a->value = values[slot];
        a->kr = st->kr_of_value[a->value];
        assert_string_equal(r->ack->key_result->id, st->kr_ids[a->kr]);
        assert_true(r->ack->key_result->current == (double)a->value);
        wire_free(r);
        ids[slot] = 0;
        acked++;
    }
    assert_int_equal(acked, stop_after);
    /* Refill the window so that the kill lands among requests in flight. */
    for (int i = 0; i < K9_WINDOW; i++)
        if (ids[i] == 0)
            k9_send(ssl, st, rng, ids, values, i);
    assert_int_equal(server_stop(srv, SIGKILL, 10000), 128 + SIGKILL);
    tls_close(ssl);
}

static void test_kill9_loses_no_acknowledged_edit(void **state)
{
    struct test_server *srv = *state;
    struct k9_state *st = calloc(1, sizeof *st);
    assert_non_null(st);
    for (int v = 0; v < K9_MAX_VALUES; v++)
        st->kr_of_value[v] = -1;
    st->next_value = 1;
    uint64_t rng = 0x9e3779b97f4a7c15ull;

    server_start(srv, NULL);
    char dir[sizeof srv->dir], listen[64], token[HARNESS_TOKEN_MAX];
    snprintf(dir, sizeof dir, "%s", srv->dir);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", srv->port);
    admin_token(srv, token);
    SSL *adm = authed(srv->port, token);
    create_workshop(adm, st->code);
    st->setup_seq = set_up_cascade(adm, st->code, K9_KRS, st->kr_ids);
    tls_close(adm);

    for (int cycle = 0; cycle < K9_CYCLES; cycle++) {
        k9_edit_and_kill(srv, token, st, &rng);
        server_start_in(srv, dir, listen, NULL);
        k9_verify(srv, token, st, cycle + 1);
    }
    assert_true(st->nacked >= K9_CYCLES * 5);
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
    free(st);
}

/* ---- Resuming by seq across a restart ------------------------------------ */

static void test_resume_since_seq_across_restart(void **state)
{
    struct test_server *srv = *state;
    enum { BEFORE = 10, AFTER = 7 };
    server_start(srv, NULL);
    char dir[sizeof srv->dir], listen[64], token[HARNESS_TOKEN_MAX];
    snprintf(dir, sizeof dir, "%s", srv->dir);
    snprintf(listen, sizeof listen, "127.0.0.1:%d", srv->port);
    admin_token(srv, token);
    SSL *editor = authed(srv->port, token);
    char code[16], kr[1][16];
    create_workshop(editor, code);
    uint64_t setup_seq = set_up_cascade(editor, code, 1, kr);

    SSL *sub = authed(srv->port, token);
    struct harness_events ev1;
    harness_events_init(&ev1);
    assert_int_equal(subscribe(sub, code, 0, 0, &ev1), setup_seq);
    for (int i = 1; i <= BEFORE; i++) {
        uint64_t id = send_checkin(editor, code, kr[0], (double)i, NULL);
        WireFrame *r = harness_await(editor, id, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
        assert_int_equal(r->ack->seq, setup_seq + (uint64_t)i);
        wire_free(r);
    }
    uint64_t n = setup_seq + BEFORE;
    assert_int_equal(harness_events_wait(sub, &ev1, n, HARNESS_REPLY_TIMEOUT_MS), 0);

    /* SIGTERM: each connection hears GoingAway, then close_notify. */
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
    SSL *conns[2] = {sub, editor};
    struct harness_events tail[2];
    for (int c = 0; c < 2; c++) {
        harness_events_init(&tail[c]);
        int r = 0;
        for (int rounds = 0; rounds < 100 && r >= 0; rounds++) {
            r = harness_read_ready(conns[c], harness_events_on_push, &tail[c], 5000);
            assert_true(r != 0); /* silence: neither GoingAway nor a close */
        }
        assert_int_equal(r, -1); /* the server closed it */
        assert_int_equal(tail[c].going_away, 1);
        assert_int_equal(tail[c].n, 0);
        assert_int_equal(tail[c].errors, 0);
        assert_true(SSL_get_shutdown(conns[c]) & SSL_RECEIVED_SHUTDOWN);
        harness_events_free(&tail[c]);
        tls_close(conns[c]);
    }
    assert_int_equal(ev1.n, n);
    assert_true(harness_events_gapless(&ev1, 1));

    /* Restart; changes happen while the subscriber is away. */
    server_start_in(srv, dir, listen, NULL);
    editor = authed(srv->port, token);
    for (int i = 1; i <= AFTER; i++) {
        uint64_t id = send_checkin(editor, code, kr[0], (double)(100 + i), NULL);
        WireFrame *r = harness_await(editor, id, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
        assert_int_equal(r->ack->seq, n + (uint64_t)i);
        wire_free(r);
    }
    uint64_t m = n + AFTER;

    /* Resuming since N: exactly N+1 .. M, then the Ack, then live events. */
    sub = authed(srv->port, token);
    struct harness_events ev2;
    harness_events_init(&ev2);
    assert_int_equal(subscribe(sub, code, n, 0, &ev2), m);
    assert_int_equal(ev2.n, AFTER);
    assert_true(harness_events_gapless(&ev2, n + 1));
    for (size_t i = 0; i < ev2.n; i++)
        assert_true(new_number(&ev2.items[i], "current") == (double)(101 + i));
    uint64_t id = send_checkin(editor, code, kr[0], 1000, NULL);
    WireFrame *r = harness_await(editor, id, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
    assert_non_null(r);
    assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
    assert_int_equal(r->ack->seq, m + 1);
    wire_free(r);
    assert_int_equal(harness_events_wait(sub, &ev2, m + 1, HARNESS_REPLY_TIMEOUT_MS), 0);
    ping(sub, harness_events_on_push, &ev2);
    assert_int_equal(ev2.n, AFTER + 1);
    assert_true(harness_events_gapless(&ev2, n + 1));
    assert_true(new_number(&ev2.items[AFTER], "current") == 1000);

    /* What was pushed live before the restart is what the log replays now. */
    SSL *again = authed(srv->port, token);
    struct harness_events ev3;
    harness_events_init(&ev3);
    assert_int_equal(subscribe(again, code, 0, 0, &ev3), m + 1);
    assert_int_equal(ev3.n, m + 1);
    for (size_t i = 0; i < ev1.n; i++)
        assert_same_event(&ev1.items[i], &ev3.items[i]);
    for (size_t i = 0; i < ev2.n; i++)
        assert_same_event(&ev2.items[i], &ev3.items[n + i]);

    harness_events_free(&ev1);
    harness_events_free(&ev2);
    harness_events_free(&ev3);
    tls_close(again);
    tls_close(sub);
    tls_close(editor);
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
}

/* What a subscriber received while its Subscribe (since 0) and a Ping
 * right behind it were answered: the replay, the Ack, the Pong, in order. */
struct replay_order {
    struct harness_events ev;
    uint64_t subscribe_id, ping_id;
    size_t events_before_ack;
    uint64_t ack_seq;
    int ack_seen, pong_seen, pong_before_ack, other;
};

static void on_replay_frame(void *ctx, const WireFrame *f)
{
    struct replay_order *o = ctx;
    if (f->request_id == 0) {
        harness_events_on_push(&o->ev, f);
    } else if (f->request_id == o->subscribe_id && f->body_case == CASCADE__V1__FRAME__BODY_ACK) {
        o->ack_seen = 1;
        o->ack_seq = f->ack->seq;
        o->events_before_ack = o->ev.n;
    } else if (f->request_id == o->ping_id && f->body_case == CASCADE__V1__FRAME__BODY_PONG) {
        o->pong_seen = 1;
        o->pong_before_ack = !o->ack_seen;
    } else {
        o->other++;
    }
}

/* Sends n changes after seq with `window` in flight (send_one sends the
 * i-th), checks that each is acknowledged with the next seq, and returns
 * the seq of the last. */
static uint64_t pipelined(SSL *editor, uint64_t seq, size_t n, size_t window,
                          void (*send_one)(SSL *ssl, size_t i, void *ctx), void *ctx)
{
    size_t sent = 0, acked = 0;
    while (acked < n) {
        while (sent < n && sent - acked < window)
            send_one(editor, ++sent, ctx);
        WireFrame *r = harness_next_reply(editor, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
        assert_int_equal(r->ack->seq, seq + ++acked);
        wire_free(r);
    }
    return seq + n;
}

struct history_ctx {
    const char *code, *kr;
    char note[1025];
};

static void send_history_checkin(SSL *ssl, size_t i, void *ctx)
{
    struct history_ctx *h = ctx;
    send_checkin(ssl, h->code, h->kr, (double)i, h->note);
}

/* Sends n check-ins of ~1 KiB each after seq, 64 in flight, and returns the
 * seq of the last. */
static uint64_t write_history(SSL *editor, const char *code, const char *kr, uint64_t seq,
                              size_t n)
{
    struct history_ctx h = {code, kr, ""};
    memset(h.note, 'r', sizeof h.note - 1);
    h.note[sizeof h.note - 1] = '\0';
    return pipelined(editor, seq, n, 64, send_history_checkin, &h);
}

static uint64_t send_subscribe_since0(SSL *ssl, const char *code)
{
    Cascade__V1__Subscribe m = CASCADE__V1__SUBSCRIBE__INIT;
    m.workshop = (char *)code;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_SUBSCRIBE;
    f.subscribe = &m;
    uint64_t id = harness_send(ssl, &f);
    assert_true(id != 0);
    return id;
}

static uint64_t send_ping(SSL *ssl)
{
    Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &p;
    uint64_t id = harness_send(ssl, &f);
    assert_true(id != 0);
    return id;
}

/* A server started with extra flags, a workshop with one key result and
 * n check-ins of history, and the editor's connection; returns the last seq. */
static uint64_t start_with_history(struct test_server *srv, const char *const *extra, size_t n,
                                   char token[HARNESS_TOKEN_MAX], SSL **editor, char code[16],
                                   char kr[16])
{
    server_start(srv, extra);
    admin_token(srv, token);
    *editor = authed(srv->port, token);
    create_workshop(*editor, code);
    char krs[1][16];
    uint64_t seq = set_up_cascade(*editor, code, 1, krs);
    snprintf(kr, 16, "%s", krs[0]);
    return write_history(*editor, code, kr, seq, n);
}

static void test_long_replay_is_paced_not_dropped(void **state)
{
    struct test_server *srv = *state;
    enum { HISTORY = 2000, LIVE = 5 };
    /* ~2.2 MiB of history against a 64 KiB outbound limit: sent at once, the
     * replay would drop the subscriber thirty times over. */
    static const char *const extra[] = {"--max-outbound", "65536", "--rate", "1000000", NULL};
    char token[HARNESS_TOKEN_MAX], code[16], kr[16];
    SSL *editor;
    uint64_t seq = start_with_history(srv, extra, HISTORY, token, &editor, code, kr);

    /* A subscriber with a 4 KiB receive buffer asks for everything, and
     * pings right behind it without waiting. */
    SSL *sub = harness_authed_client_rcvbuf(srv->port, token, 4096);
    assert_non_null(sub);
    struct replay_order o;
    memset(&o, 0, sizeof o);
    harness_events_init(&o.ev);
    o.subscribe_id = send_subscribe_since0(sub, code);
    o.ping_id = send_ping(sub);

    /* Edits go on during the replay: acknowledged at once, they reach the
     * subscriber after the history, each exactly once. */
    for (int i = 1; i <= LIVE; i++) {
        uint64_t id = send_checkin(editor, code, kr, 5000.0 + i, NULL);
        WireFrame *r = harness_await(editor, id, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
        assert_non_null(r);
        assert_int_equal(r->body_case, CASCADE__V1__FRAME__BODY_ACK);
        assert_int_equal(r->ack->seq, seq + (uint64_t)i);
        wire_free(r);
    }
    seq += LIVE;

    int64_t deadline = monotonic_ms() + LOOP_LIMIT_MS;
    while (!o.pong_seen || harness_events_last_seq(&o.ev) < seq) {
        assert_true(monotonic_ms() < deadline);
        assert_true(harness_read_ready(sub, on_replay_frame, &o, 100) >= 0);
    }
    assert_int_equal(o.ev.n, seq);
    assert_true(harness_events_gapless(&o.ev, 1));
    assert_true(o.ack_seen);
    assert_int_equal(o.events_before_ack, o.ack_seq); /* the Ack follows its replay */
    assert_int_equal(o.pong_before_ack, 0);           /* the held Ping comes after */
    assert_int_equal(o.other, 0);
    assert_int_equal(o.ev.errors, 0);
    for (size_t i = 0; i < HISTORY; i++)
        assert_true(new_number(&o.ev.items[seq - HISTORY - LIVE + i], "current") ==
                    (double)(i + 1));
    assert_int_equal(server_log_count(srv, "peer is not reading"), 0);

    harness_events_free(&o.ev);
    tls_close(sub);
    tls_close(editor);
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
}

static void test_replay_keeps_a_slow_reader_drops_a_stuck_one(void **state)
{
    struct test_server *srv = *state;
    /* ~6.5 MiB of history; a reader taking 100 frames (~110 KiB) every 100 ms
     * needs about six seconds for it, several idle time-outs of 2 s (not 1 s:
     * on a loaded 2-core machine a sip can come a second late). */
    enum { HISTORY = 6000, FRAMES_PER_SIP = 100 };
    static const char *const extra[] = {"--max-outbound", "65536", "--rate", "1000000",
                                        "--idle-timeout", "2", NULL};
    char token[HARNESS_TOKEN_MAX], code[16], kr[16];
    SSL *editor;
    uint64_t seq = start_with_history(srv, extra, HISTORY, token, &editor, code, kr);

    SSL *stuck = harness_authed_client_rcvbuf(srv->port, token, 4096);
    SSL *slow = harness_authed_client_rcvbuf(srv->port, token, 4096);
    assert_non_null(stuck);
    assert_non_null(slow);
    send_subscribe_since0(stuck, code);
    struct replay_order o;
    memset(&o, 0, sizeof o);
    harness_events_init(&o.ev);
    o.subscribe_id = send_subscribe_since0(slow, code);

    /* The slow one sips, and pings as a live client does (those pings wait
     * unread while its replay runs). The editor keeps its own connection
     * alive the same way. */
    int64_t deadline = monotonic_ms() + LOOP_LIMIT_MS, started = monotonic_ms();
    while (!o.ack_seen) {
        assert_true(monotonic_ms() < deadline);
        for (int i = 0; i < FRAMES_PER_SIP && !o.ack_seen; i++) {
            WireFrame *f = tls_recv_frame(slow, HARNESS_REPLY_TIMEOUT_MS);
            assert_non_null(f); /* NULL: the server closed it */
            on_replay_frame(&o, f);
            wire_free(f);
        }
        send_ping(slow);
        ping(editor, NULL, NULL);
        struct timespec nap = {0, 100 * 1000000};
        nanosleep(&nap, NULL);
    }
    /* The replay outlasted the idle time-out, or the test proves nothing. */
    assert_true(monotonic_ms() - started > 4000);
    assert_int_equal(o.ev.n, seq);
    assert_true(harness_events_gapless(&o.ev, 1));
    assert_int_equal(o.ack_seq, seq);
    assert_int_equal(o.other, 0);

    /* The stuck one took nothing, so it was closed as idle (its socket may
     * still hold data the kernel delivers later); the slow one and the
     * editor, the only others, are still served. */
    assert_int_equal(server_log_wait(srv, "idle for 2 s", 1, 10000), 1);
    ping(slow, harness_events_on_push, &o.ev);
    ping(editor, NULL, NULL);
    assert_int_equal(server_log_count(srv, "idle for 2 s"), 1);

    harness_events_free(&o.ev);
    tls_close(stuck);
    tls_close(slow);
    tls_close(editor);
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
}

struct comment_ctx {
    const char *code, *target;
    char text[2001];
};

static void send_comment(SSL *ssl, size_t i, void *ctx)
{
    (void)i;
    struct comment_ctx *c = ctx;
    Cascade__V1__CommentAdd m = CASCADE__V1__COMMENT_ADD__INIT;
    m.workshop = (char *)c->code;
    m.target = (char *)c->target;
    m.text = c->text;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_COMMENT_ADD;
    f.comment_add = &m;
    assert_true(harness_send(ssl, &f) != 0);
}

/* Sends n comments of ~2 KB on target after seq, 16 in flight (each Ack
 * carries its comment back: more would pass the 64 KiB outbound limit),
 * and returns the seq of the last. */
static uint64_t post_comments(SSL *editor, const char *code, const char *target, uint64_t seq,
                              size_t n)
{
    struct comment_ctx c = {code, target, ""};
    memset(c.text, 'c', sizeof c.text - 1);
    c.text[sizeof c.text - 1] = '\0';
    return pipelined(editor, seq, n, 16, send_comment, &c);
}

static void test_big_snapshot_is_paced_shared_and_bounded(void **state)
{
    struct test_server *srv = *state;
    /* ~8 MB of comments: past what the kernel's socket buffers take from a
     * reader that does not read, and 128 times --max-outbound. The memory
     * for snapshots has room for one such image, not two. */
    enum { COMMENTS = 4000 };
    static const char *const extra[] = {"--max-outbound", "65536", "--rate", "1000000",
                                        "--max-snapshot-memory", "12000000", NULL};
    server_start(srv, extra);
    char token[HARNESS_TOKEN_MAX], code[16], kr[1][16];
    admin_token(srv, token);
    SSL *editor = authed(srv->port, token);
    create_workshop(editor, code);
    uint64_t seq = set_up_cascade(editor, code, 1, kr);
    seq = post_comments(editor, code, "O1", seq, COMMENTS);

    /* The slow reader asks, pings right behind, and reads nothing yet. */
    SSL *slow = harness_authed_client_rcvbuf(srv->port, token, 4096);
    assert_non_null(slow);
    uint64_t slow_id = harness_snapshot_send(slow, code);
    uint64_t slow_ping = send_ping(slow);
    assert_true(slow_id != 0);

    /* Another reader at the same seq shares the slow one's image, so there
     * is room for it: it gets the whole state. */
    SSL *other = authed(srv->port, token);
    size_t chunks = 0;
    int error = 0;
    Cascade__V1__Snapshot *s =
        harness_snapshot_receive(other, harness_snapshot_send(other, code), NULL, NULL, &error,
                                 &chunks);
    assert_non_null(s);
    assert_int_equal(s->seq, seq);
    assert_int_equal(s->n_comments, COMMENTS);
    assert_true(chunks > 100); /* no chunk near the 64 KiB limit */
    assert_non_null(s->info);
    assert_int_equal(s->info->role, CASCADE__V1__ROLE__FACILITATOR);
    wire_snapshot_free(s);

    /* One more comment: the state at the new seq needs an image of its own,
     * which does not fit beside the one the slow reader still holds. */
    seq = post_comments(editor, code, "O1", seq, 1);
    uint64_t id = harness_snapshot_send(other, code);
    assert_null(harness_snapshot_receive(other, id, NULL, NULL, &error, NULL));
    assert_int_equal(error, CASCADE__V1__ERROR_CODE__RATE_LIMITED);

    /* The slow reader takes its snapshot whole, then its Pong: requests
     * behind a snapshot wait for it. */
    s = harness_snapshot_receive(slow, slow_id, NULL, NULL, &error, &chunks);
    assert_non_null(s);
    assert_int_equal(s->seq, seq - 1);
    assert_int_equal(s->n_comments, COMMENTS);
    wire_snapshot_free(s);
    WireFrame *pong = harness_await(slow, slow_ping, NULL, NULL, HARNESS_REPLY_TIMEOUT_MS);
    assert_non_null(pong);
    assert_int_equal(pong->body_case, CASCADE__V1__FRAME__BODY_PONG);
    wire_free(pong);

    /* Its image is gone with it: now the new state fits. */
    s = harness_snapshot(other, code, NULL, NULL);
    assert_non_null(s);
    assert_int_equal(s->seq, seq);
    assert_int_equal(s->n_comments, COMMENTS + 1);
    wire_snapshot_free(s);
    assert_int_equal(server_log_count(srv, "peer is not reading"), 0);

    tls_close(slow);
    tls_close(other);
    tls_close(editor);
    assert_int_equal(server_stop(srv, SIGTERM, 10000), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_concurrent_editors, setup_server, teardown_server),
        cmocka_unit_test_setup_teardown(test_slow_reader_is_dropped_not_waited_for, setup_server, teardown_server),
        cmocka_unit_test_setup_teardown(test_kill9_loses_no_acknowledged_edit, setup_server, teardown_server),
        cmocka_unit_test_setup_teardown(test_resume_since_seq_across_restart, setup_server, teardown_server),
        cmocka_unit_test_setup_teardown(test_long_replay_is_paced_not_dropped, setup_server, teardown_server),
        cmocka_unit_test_setup_teardown(test_replay_keeps_a_slow_reader_drops_a_stuck_one, setup_server, teardown_server),
        cmocka_unit_test_setup_teardown(test_big_snapshot_is_paced_shared_and_bounded, setup_server, teardown_server),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
