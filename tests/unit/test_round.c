/* Confidence rounds (apply/round.h, common/round_stats.h): the figures a
 * reveal shows, the rules of each step, and above all the secret: until
 * the reveal no packed byte that anyone but the submitter receives (an
 * event, the shared snapshot's round, another reader's status) holds a
 * submitted value. The workshop: T1 (O1, K1 owned by olga) and T2 (O2, K2
 * and K3); alice facilitates, mia and sam are members of T2, olga
 * observes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "apply.h"
#include "frame.h"
#include "round.h"
#include "round_stats.h"
#include "workshop.h"

/* Distinctive values, to look for in packed bytes. */
#define MIA_K2 0.37
#define SAM_K2_FIRST 0.52
#define SAM_K2 0.83
#define ALICE_K2 0.64
#define MIA_K3 0.29

struct fixture {
    struct workshop w;
    struct participant people[4];
    struct team_member memberships[2];
};

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    struct workshop *w = &fx->w;
    strcpy(w->code, "ABCDEF");
    okr_state_init(&w->state);
    for (uint32_t t = 1; t <= 2; t++) {
        struct okr_team team = {.num = t, .name = xstrdup("team")};
        assert_non_null(okr_team_insert(&w->state, &team));
        struct okr_objective o = {.num = t, .team = t, .title = xstrdup("objective"),
                                  .owner = xstrdup(""), .rationale = xstrdup("")};
        assert_non_null(okr_objective_insert(&w->state, &o));
    }
    for (uint32_t k = 1; k <= 3; k++) {
        struct okr_key_result kr = {.num = k, .objective = k == 1 ? 1 : 2,
                                    .title = xstrdup("kr"), .owner = xstrdup(k == 1 ? "olga" : ""),
                                    .unit = xstrdup(""), .target = 1, .confidence = 0.5};
        assert_non_null(okr_key_result_insert(&w->state, &kr));
    }
    static const char *const NAMES[] = {"alice", "mia", "sam", "olga"};
    static const int ROLES[] = {CASCADE__V1__ROLE__FACILITATOR, CASCADE__V1__ROLE__MEMBER,
                                CASCADE__V1__ROLE__MEMBER, CASCADE__V1__ROLE__OBSERVER};
    for (int p = 0; p < 4; p++) {
        fx->people[p].user_id = p + 1;
        strcpy(fx->people[p].name, NAMES[p]);
        fx->people[p].role = ROLES[p];
    }
    w->participants = fx->people;
    w->nparticipants = 4;
    fx->memberships[0] = (struct team_member){2, 2}; /* mia in T2 */
    fx->memberships[1] = (struct team_member){2, 3}; /* sam in T2 */
    w->team_members = fx->memberships;
    w->nteam_members = 2;
    w->state.seq = 10;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    okr_state_free(&fx->w.state);
    round_free(fx->w.round);
    free(fx);
    return 0;
}

static struct apply_ctx ctx_of(const char *actor)
{
    return (struct apply_ctx){.workshop = "ABCDEF", .actor = actor, .now_ms = 1700000000000};
}

/* Whether the 8 bytes of v (as protobuf writes a double) occur in b. */
static int holds_value(const uint8_t *b, size_t len, double v)
{
    uint8_t bytes[8];
    memcpy(bytes, &v, sizeof bytes); /* little-endian, as on the wire */
    for (size_t i = 0; i + 8 <= len; i++)
        if (memcmp(b + i, bytes, 8) == 0)
            return 1;
    return 0;
}

static WireFrame *unpack(const struct buf *b)
{
    assert_true(b->len > FRAME_HEADER_LEN);
    WireFrame *f = wire_unpack(b->data + FRAME_HEADER_LEN, b->len - FRAME_HEADER_LEN, SIZE_MAX);
    assert_non_null(f);
    return f;
}

static int start(struct workshop *w, const char *actor, char **ids, size_t n,
                 struct apply_result *r)
{
    Cascade__V1__RoundStart m = CASCADE__V1__ROUND_START__INIT;
    m.workshop = "ABCDEF";
    m.key_results = ids;
    m.n_key_results = n;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_ROUND_START;
    f.round_start = &m;
    struct apply_ctx ctx = ctx_of(actor);
    return round_start(w, &ctx, &f, r);
}

static int submit(struct workshop *w, const char *actor, const char *kr, double v,
                  struct apply_result *r, int *replaced)
{
    Cascade__V1__RoundSubmit m = CASCADE__V1__ROUND_SUBMIT__INIT;
    m.workshop = "ABCDEF";
    m.key_result = (char *)kr;
    m.confidence = v;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_ROUND_SUBMIT;
    f.round_submit = &m;
    f.request_id = 5;
    struct apply_ctx ctx = ctx_of(actor);
    return round_submit(w, &ctx, &f, r, replaced);
}

/* Submits and checks the event and ack: the value in the ack's note only. */
static void submit_ok(struct workshop *w, const char *actor, const char *kr, double v,
                      int want_replaced)
{
    struct apply_result r;
    int replaced;
    uint64_t seq = w->state.seq;
    if (submit(w, actor, kr, v, &r, &replaced) != 0)
        fail_msg("refused: %s", r.message);
    assert_int_equal(replaced, want_replaced);
    assert_int_equal(r.seq, seq + 1);
    assert_int_equal(w->state.seq, seq + 1);
    assert_false(holds_value(r.event.data, r.event.len, v));
    WireFrame *ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "round.submit");
    assert_string_equal(ev->event->actor, actor);
    assert_int_equal(ev->event->entity[0], 'R');
    for (size_t i = 0; i < ev->event->n_changes; i++) {
        const Cascade__V1__FieldChange *fc = ev->event->changes[i];
        assert_true(fc->new_value == NULL ||
                    fc->new_value->kind_case != CASCADE__V1__VALUE__KIND_NUMBER);
    }
    wire_free(ev);
    WireFrame *ack = unpack(&r.ack);
    assert_int_equal(ack->request_id, 5);
    assert_non_null(strstr(ack->ack->note, "nobody sees it before the reveal"));
    wire_free(ack);
    apply_result_free(&r);
}

static void refused(struct workshop *w, int rc, struct apply_result *r, uint64_t seq,
                    Cascade__V1__ErrorCode code, const char *text)
{
    assert_int_not_equal(rc, 0);
    assert_int_equal(r->code, code);
    if (strstr(r->message, text) == NULL)
        fail_msg("'%s' does not say '%s'", r->message, text);
    assert_int_equal(w->state.seq, seq);
    apply_result_free(r);
}

static void test_stats(void **state)
{
    (void)state;
    struct round_stats st;
    const double odd[] = {0.83, 0.37, 0.64};
    assert_int_equal(round_stats_compute(odd, 3, &st), 0);
    assert_int_equal(st.count, 3);
    assert_float_equal(st.min, 0.37, 1e-12);
    assert_float_equal(st.max, 0.83, 1e-12);
    assert_float_equal(st.median, 0.64, 1e-12);
    assert_float_equal(st.mean, (0.83 + 0.37 + 0.64) / 3, 1e-12);
    assert_float_equal(st.spread, 0.46, 1e-12);
    assert_true(st.wide);
    assert_float_equal(odd[0], 0.83, 0); /* the input is not sorted in place */
    const double even[] = {0.46, 0.29};
    assert_int_equal(round_stats_compute(even, 2, &st), 0);
    assert_float_equal(st.median, 0.375, 1e-12);
    assert_false(st.wide);
    /* 0.7 - 0.4 is a hair under 0.3 in binary; a person reads it as 0.3. */
    const double edge[] = {0.4, 0.7};
    assert_int_equal(round_stats_compute(edge, 2, &st), 0);
    assert_true(st.wide);
    const double under[] = {0.41, 0.7};
    assert_int_equal(round_stats_compute(under, 2, &st), 0);
    assert_false(st.wide);
    const double one[] = {0.71};
    assert_int_equal(round_stats_compute(one, 1, &st), 0);
    assert_float_equal(st.median, 0.71, 0);
    assert_float_equal(st.spread, 0, 0);
    assert_int_equal(round_stats_compute(NULL, 0, &st), 0);
    assert_int_equal(st.count, 0);
}

static void test_start_rules(void **state)
{
    struct fixture *fx = *state;
    struct workshop *w = &fx->w;
    struct apply_result r;
    char *bad[] = {"K2", "K99"};
    refused(w, start(w, "alice", bad, 2, &r), &r, 10, CASCADE__V1__ERROR_CODE__NOT_FOUND, "K99");
    assert_null(w->round);
    char *ids[ROUND_KEY_RESULTS_MAX + 1];
    for (size_t i = 0; i <= ROUND_KEY_RESULTS_MAX; i++)
        ids[i] = "K2";
    refused(w, start(w, "alice", ids, ROUND_KEY_RESULTS_MAX + 1, &r), &r, 10,
            CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, "at most 500 key results");
    /* Repeats are one key result. */
    char *some[] = {"K3", "k2", "K3"};
    assert_int_equal(start(w, "alice", some, 3, &r), 0);
    assert_int_equal(r.seq, 11);
    assert_string_equal(r.subject, "R1");
    assert_int_equal(r.nalso, 2);
    assert_int_equal(w->round->nkey_results, 2);
    assert_true(round_covers(w->round, 2) && round_covers(w->round, 3));
    assert_false(round_covers(w->round, 1));
    WireFrame *ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "round.start");
    assert_string_equal(ev->event->changes[1]->new_value->text, "K2 K3");
    wire_free(ev);
    apply_result_free(&r);
    refused(w, start(w, "alice", NULL, 0, &r), &r, 11, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS,
            "Confidence round 1 is open already");
}

static void test_secret_until_reveal(void **state)
{
    struct fixture *fx = *state;
    struct workshop *w = &fx->w;
    struct apply_result r;
    int replaced;
    refused(w, submit(w, "mia", "K2", 0.5, &r, &replaced), &r, 10,
            CASCADE__V1__ERROR_CODE__NOT_FOUND, "No confidence round is open");
    char *ids[] = {"K2", "K3"};
    assert_int_equal(start(w, "alice", ids, 2, &r), 0);
    apply_result_free(&r);
    submit_ok(w, "mia", "K2", MIA_K2, 0);
    submit_ok(w, "sam", "K2", SAM_K2_FIRST, 0);
    submit_ok(w, "sam", "K2", SAM_K2, 1);
    submit_ok(w, "alice", "K2", ALICE_K2, 0);
    submit_ok(w, "mia", "K3", MIA_K3, 0);
    uint64_t seq = w->state.seq;
    refused(w, submit(w, "mia", "K1", 0.5, &r, &replaced), &r, seq,
            CASCADE__V1__ERROR_CODE__NOT_FOUND, "K1 is not in confidence round 1");
    refused(w, submit(w, "mia", "K2", 1.01, &r, &replaced), &r, seq,
            CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0 to 1");
    refused(w, submit(w, "mia", "K2", -0.0001, &r, &replaced), &r, seq,
            CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0 to 1");
    refused(w, submit(w, "mia", "K2", (double)NAN, &r, &replaced), &r, seq,
            CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0 to 1");
    refused(w, submit(w, "mia", "K2", (double)INFINITY, &r, &replaced), &r, seq,
            CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0 to 1");
    refused(w, submit(w, "mia", "bogus", 0.5, &r, &replaced), &r, seq,
            CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "");
    assert_float_equal(round_find(w->round, 2, "mia")->confidence, MIA_K2, 0);

    const double all[] = {MIA_K2, SAM_K2_FIRST, SAM_K2, ALICE_K2, MIA_K3};
    /* The shared snapshot's round: who, never what. */
    struct round_wire rw;
    assert_int_equal(round_wire_fill(&rw, w, NULL), 0);
    Cascade__V1__Snapshot snap = CASCADE__V1__SNAPSHOT__INIT;
    snap.round = &rw.round;
    size_t len = cascade__v1__snapshot__get_packed_size(&snap);
    uint8_t *bytes = malloc(len);
    assert_non_null(bytes);
    cascade__v1__snapshot__pack(&snap, bytes);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        assert_false(holds_value(bytes, len, all[i]));
    assert_int_equal(rw.round.key_results[0]->n_submitted, 3);
    assert_int_equal(rw.round.key_results[0]->n_values, 0);
    assert_false(rw.round.key_results[0]->has_mine);
    /* K3: mia has given hers, sam is waited for; the facilitator is not. */
    assert_int_equal(rw.round.key_results[1]->n_waiting, 1);
    assert_string_equal(rw.round.key_results[1]->waiting[0], "sam");
    free(bytes);
    round_wire_free(&rw);

    /* Each reader's status holds their own value and no one else's. */
    static const char *const READERS[] = {"alice", "mia", "sam", "olga", "admin"};
    for (size_t i = 0; i < 5; i++) {
        struct buf out = {0};
        assert_int_equal(round_status_pack(w, READERS[i], 9, &out), 0);
        for (size_t j = 0; j < sizeof all / sizeof all[0]; j++) {
            int own = (strcmp(READERS[i], "mia") == 0 && (j == 0 || j == 4)) ||
                      (strcmp(READERS[i], "sam") == 0 && j == 2) ||
                      (strcmp(READERS[i], "alice") == 0 && j == 3);
            assert_int_equal(holds_value(out.data, out.len, all[j]), own);
        }
        buf_free(&out);
    }

    /* The reveal tells everyone everything, and checks in each median. */
    Cascade__V1__RoundReveal m = CASCADE__V1__ROUND_REVEAL__INIT;
    m.apply = 1;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_ROUND_REVEAL;
    f.round_reveal = &m;
    f.request_id = 8;
    struct apply_ctx ctx = ctx_of("alice");
    struct apply_result *results, err;
    size_t n;
    assert_int_equal(round_reveal(w, &ctx, &f, &results, &n, &err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(results[0].seq, seq + 1);
    assert_false(w->round->open);
    for (size_t j = 0; j < sizeof all / sizeof all[0]; j++)
        assert_int_equal(holds_value(results[0].event.data, results[0].event.len, all[j]),
                         j != 1); /* sam's first value was replaced */
    WireFrame *reply = unpack(&results[0].ack);
    assert_int_equal(reply->request_id, 8);
    assert_int_equal(reply->body_case, CASCADE__V1__FRAME__BODY_ROUND_STATUS_REPLY);
    assert_int_equal(reply->round_status_reply->round->key_results[0]->n_values, 3);
    wire_free(reply);
    WireFrame *ci = unpack(&results[1].event);
    assert_string_equal(ci->event->type, "kr.checkin");
    assert_string_equal(ci->event->entity, "K2");
    assert_int_equal(ci->event->seq, seq + 2);
    wire_free(ci);
    assert_float_equal(okr_key_result_find(&w->state, 2)->confidence, ALICE_K2, 1e-12);
    assert_float_equal(okr_key_result_find(&w->state, 3)->confidence, MIA_K3, 1e-12);
    assert_int_equal(w->state.seq, seq + 3);
    for (size_t i = 0; i < n; i++)
        apply_result_free(&results[i]);
    free(results);
    /* Once revealed, the shared form carries the values. */
    assert_int_equal(round_wire_fill(&rw, w, NULL), 0);
    assert_int_equal(rw.round.key_results[0]->n_values, 3);
    round_wire_free(&rw);

    assert_int_not_equal(round_reveal(w, &ctx, &f, &results, &n, &err), 0);
    assert_non_null(strstr(err.message, "was revealed already"));
    apply_result_free(&err);
    refused(w, submit(w, "mia", "K2", 0.5, &r, &replaced), &r, seq + 3,
            CASCADE__V1__ERROR_CODE__NOT_FOUND, "round 1 was revealed");
    /* A new round starts empty, numbered on. */
    assert_int_equal(start(w, "alice", NULL, 0, &r), 0);
    assert_string_equal(r.subject, "R2");
    assert_int_equal(w->round->nkey_results, 3);
    assert_int_equal(w->round->nsubs, 0);
    apply_result_free(&r);
}

static void test_reveal_without_apply_and_gone_key_result(void **state)
{
    struct fixture *fx = *state;
    struct workshop *w = &fx->w;
    struct apply_result r;
    char *ids[] = {"K2", "K3"};
    assert_int_equal(start(w, "alice", ids, 2, &r), 0);
    apply_result_free(&r);
    submit_ok(w, "mia", "K2", MIA_K2, 0);
    submit_ok(w, "mia", "K3", MIA_K3, 0);
    assert_int_equal(okr_key_result_remove(&w->state, 3), 0);
    Cascade__V1__RoundReveal m = CASCADE__V1__ROUND_REVEAL__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_ROUND_REVEAL;
    f.round_reveal = &m;
    struct apply_ctx ctx = ctx_of("alice");
    struct apply_result *results, err;
    size_t n;
    /* Without apply: the reveal alone. */
    assert_int_equal(round_reveal(w, &ctx, &f, &results, &n, &err), 0);
    assert_int_equal(n, 1);
    assert_false(w->round->applied);
    assert_float_equal(okr_key_result_find(&w->state, 2)->confidence, 0.5, 0);
    apply_result_free(&results[0]);
    free(results);
    /* With apply, a key result gone since is left out. */
    assert_int_equal(start(w, "alice", ids, 1, &r), 0);
    apply_result_free(&r);
    submit_ok(w, "sam", "K2", SAM_K2, 0);
    m.apply = 1;
    assert_int_equal(round_reveal(w, &ctx, &f, &results, &n, &err), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++)
        apply_result_free(&results[i]);
    free(results);
    assert_float_equal(okr_key_result_find(&w->state, 2)->confidence, SAM_K2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats),
        cmocka_unit_test_setup_teardown(test_start_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_until_reveal, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reveal_without_apply_and_gone_key_result, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
