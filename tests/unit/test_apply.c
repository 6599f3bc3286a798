/* apply_request: every change type, its event, its ack, and every refusal
 * leaving the state as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "apply.h"
#include "ideas.h"
#include "frame.h"

static int known_user(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "alice") == 0 || strcmp(name, "bob") == 0;
}

static const struct apply_ctx CTX = {"ABCDEF", "alice", 1700000000000, known_user, NULL, NULL};

struct fixture {
    struct okr_state state;
};

static int setup(void **state)
{
    static struct fixture fx;
    okr_state_init(&fx.state);
    *state = &fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    okr_state_free(&fx->state);
    return 0;
}

/* Unpacks a packed frame (header included). */
static WireFrame *unpack(const struct buf *b)
{
    assert_true(b->len > FRAME_HEADER_LEN);
    assert_int_equal(frame_get_header(b->data), b->len - FRAME_HEADER_LEN);
    WireFrame *f = wire_unpack(b->data + FRAME_HEADER_LEN, b->len - FRAME_HEADER_LEN, SIZE_MAX);
    assert_non_null(f);
    return f;
}

/* A field change of an event, or NULL. */
static const Cascade__V1__FieldChange *field(const Cascade__V1__Event *ev, const char *name)
{
    for (size_t i = 0; i < ev->n_changes; i++)
        if (strcmp(ev->changes[i]->field, name) == 0)
            return ev->changes[i];
    return NULL;
}

/* Applies and expects success; returns the unpacked event (free it). */
static WireFrame *ok(struct okr_state *s, WireFrame *req, uint64_t want_seq, const char *want_id)
{
    struct apply_result r;
    req->request_id = 77;
    int rc = apply_request(s, &CTX, req, &r);
    if (rc != 0)
        fail_msg("refused: %s", r.message);
    assert_int_equal(r.seq, want_seq);
    assert_int_equal(s->seq, want_seq);
    WireFrame *ack = unpack(&r.ack);
    assert_int_equal(ack->request_id, 77);
    assert_int_equal(ack->body_case, CASCADE__V1__FRAME__BODY_ACK);
    assert_int_equal(ack->ack->seq, want_seq);
    assert_string_equal(ack->ack->id, want_id);
    wire_free(ack);
    WireFrame *ev = unpack(&r.event);
    assert_int_equal(ev->request_id, 0);
    assert_int_equal(ev->body_case, CASCADE__V1__FRAME__BODY_EVENT);
    assert_int_equal(ev->event->seq, want_seq);
    assert_string_equal(ev->event->actor, "alice");
    assert_string_equal(ev->event->workshop, "ABCDEF");
    assert_string_equal(ev->event->entity, want_id);
    assert_string_equal(ev->event->type, r.type);
    apply_result_free(&r);
    return ev;
}

/* Applies and expects a refusal with that code; the state must not move. */
static void refused(struct okr_state *s, WireFrame *req, Cascade__V1__ErrorCode code,
                    const char *needle)
{
    uint64_t seq = s->seq;
    size_t nt = s->nteams, no = s->nobjectives, nk = s->nkey_results;
    uint32_t next_t = s->next_team, next_o = s->next_objective, next_k = s->next_key_result;
    struct apply_result r;
    assert_int_not_equal(apply_request(s, &CTX, req, &r), 0);
    assert_int_equal(r.code, code);
    if (strstr(r.message, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", r.message, needle);
    assert_int_equal(r.event.len, 0);
    assert_int_equal(s->seq, seq);
    assert_int_equal(s->nteams, nt);
    assert_int_equal(s->nobjectives, no);
    assert_int_equal(s->nkey_results, nk);
    assert_int_equal(s->next_team, next_t);
    assert_int_equal(s->next_objective, next_o);
    assert_int_equal(s->next_key_result, next_k);
    apply_result_free(&r);
}

static WireFrame team_add(Cascade__V1__TeamAdd *m, const char *name, const char *parent,
                          Cascade__V1__Level level)
{
    cascade__v1__team_add__init(m);
    m->workshop = "ABCDEF";
    m->name = (char *)name;
    m->parent = (char *)parent;
    m->level = level;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_TEAM_ADD;
    f.team_add = m;
    return f;
}

static WireFrame obj_add(Cascade__V1__ObjectiveAdd *m, const char *team, const char *title,
                         const char *aligns_to, const char *inherits)
{
    cascade__v1__objective_add__init(m);
    m->workshop = "ABCDEF";
    m->team = (char *)team;
    m->title = (char *)title;
    m->aligns_to = (char *)aligns_to;
    m->inherits = (char *)inherits;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD;
    f.objective_add = m;
    return f;
}

static WireFrame kr_add(Cascade__V1__KeyResultAdd *m, const char *obj, const char *title,
                        double from, double to, int milestone)
{
    cascade__v1__key_result_add__init(m);
    m->workshop = "ABCDEF";
    m->objective = (char *)obj;
    m->title = (char *)title;
    m->start = from;
    m->target = to;
    m->milestone = milestone;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD;
    f.key_result_add = m;
    return f;
}

/* T1 company, T2 department under it, O1 in T1, K1 metric and K2 milestone on O1. */
static void build(struct okr_state *s)
{
    Cascade__V1__TeamAdd ta;
    Cascade__V1__ObjectiveAdd oa;
    Cascade__V1__KeyResultAdd ka;
    WireFrame f = team_add(&ta, "Acme", "", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    wire_free(ok(s, &f, 1, "T1"));
    f = team_add(&ta, "Support", "T1", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    wire_free(ok(s, &f, 2, "T2"));
    f = obj_add(&oa, "T1", "Earn customer love", "", "");
    wire_free(ok(s, &f, 3, "O1"));
    f = kr_add(&ka, "O1", "Raise NPS", 30, 50, 0);
    wire_free(ok(s, &f, 4, "K1"));
    f = kr_add(&ka, "O1", "Open the help centre", 0, 0, 1);
    wire_free(ok(s, &f, 5, "K2"));
}

static void test_team_add_defaults_levels_and_describes_itself(void **state)
{
    struct fixture *fx = *state;
    Cascade__V1__TeamAdd ta;
    WireFrame f = team_add(&ta, "Acme", "", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    WireFrame *ev = ok(&fx->state, &f, 1, "T1");
    assert_string_equal(ev->event->type, "team.add");
    assert_string_equal(field(ev->event, "name")->new_value->text, "Acme");
    assert_null(field(ev->event, "name")->old_value);
    assert_string_equal(field(ev->event, "level")->new_value->text, "company");
    wire_free(ev);
    f = team_add(&ta, "Support", "t1", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    ev = ok(&fx->state, &f, 2, "T2");
    assert_string_equal(field(ev->event, "parent")->new_value->text, "T1");
    assert_string_equal(field(ev->event, "level")->new_value->text, "department");
    wire_free(ev);
    assert_int_equal(okr_team_find(&fx->state, 2)->level, OKR_LEVEL_DEPARTMENT);
    assert_int_equal(okr_team_find(&fx->state, 2)->parent, 1);

    f = team_add(&ta, "", "", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "empty");
    f = team_add(&ta, "Ghost", "T9", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no team T9");
    f = team_add(&ta, "Ghost", "O1", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "not a team id");
    /* What a client sent is quoted back without its control characters. */
    f = team_add(&ta, "Ghost", "T\x1b[2J", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "'T?[2J' is not a team id");
    f = team_add(&ta, "Board", "T2", CASCADE__V1__LEVEL__COMPANY);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "below its parent");
    f = team_add(&ta, "Odd", "", (Cascade__V1__Level)9);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "level");
}

static void test_objectives_add_edit_remove(void **state)
{
    struct fixture *fx = *state;
    build(&fx->state);
    Cascade__V1__ObjectiveAdd oa;
    WireFrame f = obj_add(&oa, "T2", "Improve satisfaction", "O1", "");
    oa.owner = "bob";
    oa.committed = 1;
    oa.rationale = "Because\nit matters";
    WireFrame *ev = ok(&fx->state, &f, 6, "O2");
    assert_string_equal(field(ev->event, "aligns_to")->new_value->text, "O1");
    assert_string_equal(field(ev->event, "owner")->new_value->text, "bob");
    assert_true(field(ev->event, "committed")->new_value->flag);
    wire_free(ev);
    /* Duality: T2's objective inherits company key result K1. */
    f = obj_add(&oa, "T2", "Phenomenal NPS", "", "K1");
    oa.owner = "";
    oa.committed = 0;
    oa.rationale = "";
    wire_free(ok(&fx->state, &f, 7, "O3"));
    assert_int_equal(okr_objective_find(&fx->state, 3)->inherits, 1);

    f = obj_add(&oa, "T2", "Both", "O1", "K1");
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "not both");
    f = obj_add(&oa, "T1", "Upward", "O2", "");
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "higher level");
    f = obj_add(&oa, "T1", "Nobody's", "", "");
    oa.owner = "mallory";
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no user named 'mallory'");
    oa.owner = "";
    char long_title[202];
    memset(long_title, 'x', 201);
    long_title[201] = '\0';
    f = obj_add(&oa, "T1", long_title, "", "");
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "200");
    f = obj_add(&oa, "T1", "bad\x01title", "", "");
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "control");
    f = obj_add(&oa, "T1", "bad \xc0\x80 utf8", "", "");
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "UTF-8");

    /* Edit names only the fields it changes. */
    Cascade__V1__Objective values = CASCADE__V1__OBJECTIVE__INIT;
    values.title = "Earn customer love and trust";
    values.committed = 1;
    char *fields[] = {"title", "committed"};
    Cascade__V1__ObjectiveEdit oe = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    oe.workshop = "ABCDEF";
    oe.id = "O1";
    oe.n_fields = 2;
    oe.fields = fields;
    oe.values = &values;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT;
    ef.objective_edit = &oe;
    ev = ok(&fx->state, &ef, 8, "O1");
    assert_string_equal(field(ev->event, "title")->old_value->text, "Earn customer love");
    assert_string_equal(field(ev->event, "title")->new_value->text, "Earn customer love and trust");
    assert_false(field(ev->event, "committed")->old_value->flag);
    assert_null(field(ev->event, "owner"));
    wire_free(ev);
    struct okr_objective *o1 = okr_objective_find(&fx->state, 1);
    assert_string_equal(o1->title, "Earn customer love and trust");
    assert_int_equal(o1->version, 2);
    char *bad[] = {"version"};
    oe.fields = bad;
    oe.n_fields = 1;
    refused(&fx->state, &ef, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "cannot be edited");
    oe.n_fields = 0;
    refused(&fx->state, &ef, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "no field");

    /* Removing a parent with children is refused; a leaf goes with its KRs. */
    Cascade__V1__ObjectiveRemove orm = CASCADE__V1__OBJECTIVE_REMOVE__INIT;
    orm.workshop = "ABCDEF";
    orm.id = "O1";
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE;
    rf.objective_remove = &orm;
    refused(&fx->state, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "O1 is referred to by O2 (aligned to it); O3 (inheriting its key results); change "
            "those first");
    orm.id = "O2";
    wire_free(ok(&fx->state, &rf, 9, "O2"));
    orm.id = "O3";
    wire_free(ok(&fx->state, &rf, 10, "O3"));
    orm.id = "O1";
    struct apply_result r;
    assert_int_equal(apply_request(&fx->state, &CTX, &rf, &r), 0);
    assert_int_equal(r.nalso, 2);
    WireFrame *rev = unpack(&r.event);
    assert_string_equal(field(rev->event, "key_results")->old_value->text, "K1 K2");
    assert_null(field(rev->event, "title")->new_value);
    wire_free(rev);
    apply_result_free(&r);
    assert_int_equal(fx->state.nobjectives, 0);
    assert_int_equal(fx->state.nkey_results, 0);
    /* Ids are never reused. */
    WireFrame nf = obj_add(&oa, "T1", "Fresh", "", "");
    wire_free(ok(&fx->state, &nf, 12, "O4"));
    refused(&fx->state, &rf, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no objective O1");
}

static void test_key_results_edit_set_remove(void **state)
{
    struct fixture *fx = *state;
    build(&fx->state);
    Cascade__V1__KeyResultAdd ka;
    WireFrame f = kr_add(&ka, "O1", "Cut response time", 72, 24, 0);
    ka.unit = "h";
    WireFrame *ev = ok(&fx->state, &f, 6, "K3");
    assert_true(field(ev->event, "current")->new_value->number == 72);
    wire_free(ev);
    f = kr_add(&ka, "O1", "Bad", NAN, 1, 0);
    ka.unit = "";
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "finite");
    f = kr_add(&ka, "O1", "Bad", 1, INFINITY, 0);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "finite");
    f = kr_add(&ka, "O9", "Orphan", 1, 2, 0);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no objective O9");
    f = kr_add(&ka, "O1", "Milestone with a target", 0, 5, 1);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "milestone");

    /* kr set is a check-in with a value. */
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.workshop = "ABCDEF";
    ci.key_result = "K1";
    ci.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
    ci.current = 42;
    WireFrame cf = CASCADE__V1__FRAME__INIT;
    cf.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    cf.check_in = &ci;
    ev = ok(&fx->state, &cf, 7, "K1");
    assert_string_equal(ev->event->type, "kr.checkin");
    assert_true(field(ev->event, "current")->old_value->number == 30);
    assert_true(field(ev->event, "current")->new_value->number == 42);
    wire_free(ev);
    assert_true(okr_key_result_find(&fx->state, 1)->current == 42);
    /* What the check-in cadence counts; a refused check-in leaves it. */
    assert_true(okr_key_result_find(&fx->state, 1)->checked_in_ms == CTX.now_ms);
    assert_true(okr_key_result_find(&fx->state, 2)->checked_in_ms == 0);
    ci.current = NAN;
    refused(&fx->state, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "finite");
    ci.key_result = "K2";
    ci.current = 1;
    refused(&fx->state, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "milestone");
    assert_true(okr_key_result_find(&fx->state, 2)->checked_in_ms == 0);
    ci.value_case = CASCADE__V1__CHECK_IN__VALUE_DONE;
    ci.done = 1;
    ev = ok(&fx->state, &cf, 8, "K2");
    assert_true(field(ev->event, "done")->new_value->flag);
    wire_free(ev);
    ci.key_result = "K99";
    refused(&fx->state, &cf, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no key result K99");
    ci.key_result = "T1";
    refused(&fx->state, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "not a key result id");

    Cascade__V1__KeyResult values = CASCADE__V1__KEY_RESULT__INIT;
    values.target = 60;
    values.owner = "bob";
    char *fields[] = {"target", "owner"};
    Cascade__V1__KeyResultEdit ke = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    ke.workshop = "ABCDEF";
    ke.id = "K1";
    ke.n_fields = 2;
    ke.fields = fields;
    ke.values = &values;
    WireFrame kf = CASCADE__V1__FRAME__INIT;
    kf.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    kf.key_result_edit = &ke;
    ev = ok(&fx->state, &kf, 9, "K1");
    assert_true(field(ev->event, "target")->old_value->number == 50);
    assert_true(field(ev->event, "target")->new_value->number == 60);
    assert_string_equal(field(ev->event, "owner")->old_value->text, "");
    assert_null(field(ev->event, "title"));
    wire_free(ev);
    ke.id = "K2";
    refused(&fx->state, &kf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "milestone");

    /* An inherited key result stays while its child objective does. */
    Cascade__V1__ObjectiveAdd oa;
    WireFrame of = obj_add(&oa, "T2", "Child", "", "K1");
    wire_free(ok(&fx->state, &of, 10, "O2"));
    Cascade__V1__KeyResultRemove kr = CASCADE__V1__KEY_RESULT_REMOVE__INIT;
    kr.workshop = "ABCDEF";
    kr.id = "K1";
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE;
    rf.key_result_remove = &kr;
    refused(&fx->state, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "K1 is referred to by O2 (inheriting it)");
    kr.id = "K3";
    ev = ok(&fx->state, &rf, 11, "K3");
    assert_string_equal(field(ev->event, "title")->old_value->text, "Cut response time");
    wire_free(ev);
    assert_null(okr_key_result_find(&fx->state, 3));
}

static void test_check_status_and_blockers(void **state)
{
    struct fixture *fx = *state;
    build(&fx->state);
    /* The necessary-and-sufficient test records who answered and when. */
    Cascade__V1__ObjectiveCheck oc = CASCADE__V1__OBJECTIVE_CHECK__INIT;
    oc.workshop = "ABCDEF";
    oc.id = "O1";
    oc.necessary = CASCADE__V1__ANSWER__YES;
    oc.sufficient = CASCADE__V1__ANSWER__NO;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK;
    f.objective_check = &oc;
    WireFrame *ev = ok(&fx->state, &f, 6, "O1");
    assert_string_equal(ev->event->type, "objective.check");
    assert_string_equal(field(ev->event, "necessary")->old_value->text, "");
    assert_string_equal(field(ev->event, "necessary")->new_value->text, "yes");
    assert_string_equal(field(ev->event, "sufficient")->new_value->text, "no");
    wire_free(ev);
    struct okr_objective *o = okr_objective_find(&fx->state, 1);
    assert_int_equal(o->necessary.answer, OKR_YES);
    assert_int_equal(o->sufficient.answer, OKR_NO);
    assert_string_equal(o->sufficient.by, "alice");
    assert_true(o->sufficient.at_ms == CTX.now_ms);
    oc.necessary = CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED;
    oc.sufficient = CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED;
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "at least one");

    /* Status through an edit. */
    Cascade__V1__Objective values = CASCADE__V1__OBJECTIVE__INIT;
    values.status = "final";
    char *fields[] = {"status"};
    Cascade__V1__ObjectiveEdit oe = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    oe.workshop = "ABCDEF";
    oe.id = "O1";
    oe.n_fields = 1;
    oe.fields = fields;
    oe.values = &values;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT;
    ef.objective_edit = &oe;
    ev = ok(&fx->state, &ef, 7, "O1");
    assert_string_equal(field(ev->event, "status")->old_value->text, "draft");
    assert_string_equal(field(ev->event, "status")->new_value->text, "final");
    wire_free(ev);
    values.status = "finished";
    refused(&fx->state, &ef, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "draft, final or archived");

    /* A check-in with confidence, status, note and a blocker; the next one clears it. */
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.workshop = "ABCDEF";
    ci.key_result = "K1";
    ci.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
    ci.current = 35;
    ci.has_confidence = 1;
    ci.confidence = 0.3;
    ci.status = "at-risk";
    ci.note = "slow start";
    ci.blocker = "waiting for the survey tool";
    WireFrame cf = CASCADE__V1__FRAME__INIT;
    cf.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    cf.check_in = &ci;
    ev = ok(&fx->state, &cf, 8, "K1");
    assert_true(field(ev->event, "confidence")->new_value->number == 0.3);
    assert_string_equal(field(ev->event, "status")->new_value->text, "at-risk");
    assert_string_equal(field(ev->event, "note")->new_value->text, "slow start");
    assert_string_equal(field(ev->event, "blocker")->new_value->text, "waiting for the survey tool");
    wire_free(ev);
    struct okr_key_result *k = okr_key_result_find(&fx->state, 1);
    assert_int_equal(k->status, OKR_AT_RISK);
    assert_string_equal(k->blocker, "waiting for the survey tool");
    ci.has_confidence = 0;
    ci.status = "";
    ci.note = "";
    ci.blocker = "";
    ci.current = 40;
    ev = ok(&fx->state, &cf, 9, "K1");
    assert_string_equal(field(ev->event, "blocker")->old_value->text, "waiting for the survey tool");
    assert_string_equal(field(ev->event, "blocker")->new_value->text, "");
    wire_free(ev);
    assert_string_equal(k->blocker, "");
    ci.has_confidence = 1;
    ci.confidence = 1.5;
    refused(&fx->state, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0 to 1");
    ci.confidence = 0.5;
    ci.status = "sideways";
    refused(&fx->state, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "on-track");
}

/* build(), then Support's objective O2 (aligned to O1) with key result K3. */
static void build_with_support_kr(struct okr_state *s)
{
    build(s);
    Cascade__V1__ObjectiveAdd oa;
    Cascade__V1__KeyResultAdd ka;
    WireFrame f = obj_add(&oa, "T2", "Answer faster", "O1", "");
    wire_free(ok(s, &f, 6, "O2"));
    f = kr_add(&ka, "O2", "Cut first response", 24, 4, 0);
    wire_free(ok(s, &f, 7, "K3"));
}

/* K1 -> K3 and then K3 -> K1 would have each wait for the other; so would a
 * longer circle through K2. Both are refused and change nothing. */
static void test_dependency_circles_refused(void **state)
{
    struct fixture *fx = *state;
    build_with_support_kr(&fx->state);

    Cascade__V1__DependencyAdd da = CASCADE__V1__DEPENDENCY_ADD__INIT;
    da.workshop = "ABCDEF";
    da.key_result = "K1";
    da.depends_on = "K3";
    WireFrame pf = CASCADE__V1__FRAME__INIT;
    pf.body_case = CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD;
    pf.dependency_add = &da;
    wire_free(ok(&fx->state, &pf, 8, "K1"));
    da.key_result = "K3";
    da.depends_on = "K1";
    refused(&fx->state, &pf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "close a circle");
    assert_false(okr_dependency_exists(&fx->state, 3, 1));
    assert_int_equal(fx->state.ndependencies, 1);

    /* A longer way round: K2 -> K1 (held in state as a damaged store could),
     * K1 -> K3, so K3 -> K2 closes K2 -> K1 -> K3 -> K2. */
    assert_int_equal(okr_dependency_add(&fx->state, 2, 1), 0);
    da.depends_on = "K2";
    refused(&fx->state, &pf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "through others");
    assert_int_equal(fx->state.ndependencies, 2);
    assert_int_equal(fx->state.seq, 8);
}

static void test_initiatives_dependencies_comments(void **state)
{
    struct fixture *fx = *state;
    build_with_support_kr(&fx->state);

    Cascade__V1__InitiativeAdd ia = CASCADE__V1__INITIATIVE_ADD__INIT;
    ia.workshop = "ABCDEF";
    ia.key_result = "K3";
    ia.title = "Hire two agents";
    WireFrame inf = CASCADE__V1__FRAME__INIT;
    inf.body_case = CASCADE__V1__FRAME__BODY_INITIATIVE_ADD;
    inf.initiative_add = &ia;
    WireFrame *ev = ok(&fx->state, &inf, 8, "I1");
    assert_string_equal(ev->event->type, "initiative.add");
    assert_string_equal(field(ev->event, "key_result")->new_value->text, "K3");
    wire_free(ev);
    ia.key_result = "K9";
    refused(&fx->state, &inf, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no key result K9");

    Cascade__V1__InitiativeDone id = CASCADE__V1__INITIATIVE_DONE__INIT;
    id.workshop = "ABCDEF";
    id.id = "I1";
    WireFrame df = CASCADE__V1__FRAME__INIT;
    df.body_case = CASCADE__V1__FRAME__BODY_INITIATIVE_DONE;
    df.initiative_done = &id;
    ev = ok(&fx->state, &df, 9, "I1");
    assert_true(field(ev->event, "done")->new_value->flag);
    wire_free(ev);
    refused(&fx->state, &df, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "done already");

    /* Support's K3 needs the company's K1: a dependency between teams. */
    Cascade__V1__DependencyAdd da = CASCADE__V1__DEPENDENCY_ADD__INIT;
    da.workshop = "ABCDEF";
    da.key_result = "K3";
    da.depends_on = "K1";
    WireFrame pf = CASCADE__V1__FRAME__INIT;
    pf.body_case = CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD;
    pf.dependency_add = &da;
    struct apply_result r;
    pf.request_id = 5;
    assert_int_equal(apply_request(&fx->state, &CTX, &pf, &r), 0);
    assert_int_equal(r.dependency.key_result, 3);
    assert_int_equal(r.dependency.depends_on, 1);
    apply_result_free(&r);
    assert_true(okr_dependency_exists(&fx->state, 3, 1));
    refused(&fx->state, &pf, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS, "already depends");
    da.depends_on = "K2";
    da.key_result = "K1";
    refused(&fx->state, &pf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "both belong to T1");
    da.depends_on = "K1";
    refused(&fx->state, &pf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "itself");

    Cascade__V1__CommentAdd ca = CASCADE__V1__COMMENT_ADD__INIT;
    ca.workshop = "ABCDEF";
    ca.target = "K3";
    ca.text = "Is 4 hours realistic?";
    WireFrame mf = CASCADE__V1__FRAME__INIT;
    mf.body_case = CASCADE__V1__FRAME__BODY_COMMENT_ADD;
    mf.comment_add = &ca;
    ev = ok(&fx->state, &mf, 11, "C1");
    assert_string_equal(field(ev->event, "target")->new_value->text, "K3");
    wire_free(ev);
    assert_string_equal(okr_comment_find(&fx->state, 1)->author, "alice");
    ca.target = "T1";
    refused(&fx->state, &mf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "objective or a key result");
    ca.target = "O1";
    ca.text = "";
    refused(&fx->state, &mf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "empty");

    /* Removing K3 is refused while someone commented on it; forced, it
     * takes its initiative, its own dependency and the comment with it. */
    Cascade__V1__KeyResultRemove kr = CASCADE__V1__KEY_RESULT_REMOVE__INIT;
    kr.workshop = "ABCDEF";
    kr.id = "K3";
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE;
    rf.key_result_remove = &kr;
    refused(&fx->state, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "K3 is referred to by C1 (comments on it); change those first, or remove it with "
            "--force");
    kr.force = 1;
    assert_int_equal(apply_request(&fx->state, &CTX, &rf, &r), 0);
    WireFrame *ack = unpack(&r.ack);
    assert_string_equal(ack->ack->note, "Also removed C1.");
    wire_free(ack);
    WireFrame *rev = unpack(&r.event);
    assert_string_equal(field(rev->event, "comments")->old_value->text, "C1");
    wire_free(rev);
    apply_result_free(&r);
    assert_int_equal(fx->state.ninitiatives, 0);
    assert_int_equal(fx->state.ndependencies, 0);
    assert_int_equal(fx->state.ncomments, 0);
}

static WireFrame kr_edit(Cascade__V1__KeyResultEdit *m, Cascade__V1__KeyResult *values,
                         char **fields, size_t n, uint64_t base)
{
    cascade__v1__key_result_edit__init(m);
    m->workshop = "ABCDEF";
    m->id = "K1";
    m->base_version = base;
    m->n_fields = n;
    m->fields = fields;
    m->values = values;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    f.key_result_edit = m;
    return f;
}

/* Two people edit K1 from the same version 1: different fields both pass;
 * the same field conflicts, naming the field, its value now and who set it. */
static void test_field_level_conflicts(void **state)
{
    struct fixture *fx = *state;
    build(&fx->state);
    const struct apply_ctx bob = {"ABCDEF", "bob", 1700000000001, known_user, NULL, NULL};
    Cascade__V1__KeyResultEdit m;
    Cascade__V1__KeyResult values = CASCADE__V1__KEY_RESULT__INIT;
    values.target = 60;
    char *target[] = {"target"}, *title[] = {"title"}, *both[] = {"title", "target"};
    WireFrame f = kr_edit(&m, &values, target, 1, 1);
    wire_free(ok(&fx->state, &f, 6, "K1")); /* alice: target, from version 1 */
    struct apply_result r;
    values.title = "Raise NPS to 60";
    f = kr_edit(&m, &values, title, 1, 1);
    f.request_id = 9;
    assert_int_equal(apply_request(&fx->state, &bob, &f, &r), 0); /* bob: title, also from 1 */
    apply_result_free(&r);
    assert_int_equal(okr_key_result_find(&fx->state, 1)->version, 3);

    /* Bob again from version 1, now touching the target alice changed. */
    values.target = 70;
    f = kr_edit(&m, &values, both, 2, 1);
    f.request_id = 10;
    assert_int_not_equal(apply_request(&fx->state, &bob, &f, &r), 0);
    assert_int_equal(r.code, CASCADE__V1__ERROR_CODE__CONFLICT);
    WireFrame *e = unpack(&r.ack);
    assert_int_equal(e->request_id, 10);
    assert_int_equal(e->error->code, CASCADE__V1__ERROR_CODE__CONFLICT);
    const Cascade__V1__Conflict *c = e->error->conflict;
    assert_non_null(c);
    assert_string_equal(c->entity, "K1");
    assert_int_equal(c->current_version, 3);
    assert_string_equal(c->changed_by, "bob"); /* the latest of title (bob) and target (alice) */
    assert_int_equal(c->n_fields, 2);
    assert_string_equal(c->fields[1]->field, "target");
    assert_true(c->fields[1]->new_value->number == 60);
    assert_non_null(strstr(e->error->message, "target"));
    wire_free(e);
    apply_result_free(&r);
    assert_true(okr_key_result_find(&fx->state, 1)->target == 60); /* nothing changed */
    assert_int_equal(fx->state.seq, 7);

    /* Based on the current version, the same edit passes. */
    f = kr_edit(&m, &values, both, 2, 3);
    wire_free(ok(&fx->state, &f, 8, "K1"));
    /* A check-in stamps the status it sets: an edit of status from before conflicts. */
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.workshop = "ABCDEF";
    ci.key_result = "K1";
    ci.status = "at-risk";
    WireFrame cf = CASCADE__V1__FRAME__INIT;
    cf.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    cf.check_in = &ci;
    wire_free(ok(&fx->state, &cf, 9, "K1"));
    char *status[] = {"status"};
    values.status = "off-track";
    f = kr_edit(&m, &values, status, 1, 4);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__CONFLICT, "status");
    f = kr_edit(&m, &values, title, 1, 4); /* the title did not move since 4 */
    values.title = "Raise NPS to 70";
    wire_free(ok(&fx->state, &f, 10, "K1"));
    f = kr_edit(&m, &values, title, 1, 99);
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "no version 99");
}

/* A server set to tighter limits refuses by them, for every kind of text. */
static void test_configured_text_limits(void **state)
{
    struct fixture *fx = *state;
    build(&fx->state);
    struct okr_limits tight = okr_limits_default;
    tight.team_name = 5;
    tight.title = 10;
    tight.unit = 2;
    struct apply_ctx ctx = CTX;
    ctx.limits = &tight;
    struct apply_result r;
    Cascade__V1__TeamAdd ta;
    Cascade__V1__ObjectiveAdd oa;
    Cascade__V1__KeyResultAdd ka;
    WireFrame f[] = {
        team_add(&ta, "Marketing", "", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED),
        obj_add(&oa, "T1", "Delight our customers", "", ""),
        kr_add(&ka, "O1", "NPS 60", 0, 60, 0),
    };
    ka.unit = "pts";
    static const char *const phrase[] = {
        "The team name is 9 bytes long; the limit is 5.",
        "The title is 21 bytes long; the limit is 10.",
        "The unit is 3 bytes long; the limit is 2.",
    };
    uint64_t seq = fx->state.seq;
    for (size_t i = 0; i < 3; i++) {
        f[i].request_id = 40 + i;
        assert_int_not_equal(apply_request(&fx->state, &ctx, &f[i], &r), 0);
        assert_int_equal(r.code, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT);
        assert_string_equal(r.message, phrase[i]);
        apply_result_free(&r);
        /* The same texts pass under the defaults. */
        assert_int_equal(apply_request(&fx->state, &CTX, &f[i], &r), 0);
        apply_result_free(&r);
    }
    assert_int_equal(fx->state.seq, seq + 3);
}

/* A change to who takes part takes the next seq and reads like any event;
 * its answer is a plain Ack, or the reply the caller gives. */
static void test_people_changes_are_events(void **state)
{
    struct fixture *fx = *state;
    build(&fx->state);
    struct people_field fields[2] = {{"role", "member", "facilitator"}, {"team", NULL, "T2"}};
    struct apply_result r;
    assert_int_equal(apply_people(&fx->state, &CTX, 31, "participant.role", "bob", fields, 2, NULL,
                                  &r),
                     0);
    assert_int_equal(r.seq, 6);
    assert_int_equal(fx->state.seq, 6);
    WireFrame *ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "participant.role");
    assert_string_equal(ev->event->entity, "bob");
    assert_string_equal(ev->event->actor, "alice");
    assert_int_equal(ev->event->seq, 6);
    assert_string_equal(field(ev->event, "role")->old_value->text, "member");
    assert_string_equal(field(ev->event, "role")->new_value->text, "facilitator");
    assert_null(field(ev->event, "team")->old_value);
    wire_free(ev);
    WireFrame *ack = unpack(&r.ack);
    assert_int_equal(ack->request_id, 31);
    assert_int_equal(ack->body_case, CASCADE__V1__FRAME__BODY_ACK);
    assert_int_equal(ack->ack->seq, 6);
    assert_string_equal(ack->ack->id, "bob");
    wire_free(ack);
    apply_result_free(&r);

    Cascade__V1__WorkshopInfo info = CASCADE__V1__WORKSHOP_INFO__INIT;
    info.code = "ABCDEF";
    WireFrame reply = CASCADE__V1__FRAME__INIT;
    reply.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_INFO;
    reply.workshop_info = &info;
    assert_int_equal(apply_people(&fx->state, &CTX, 32, "participant.join", "carol", fields, 1,
                                  &reply, &r),
                     0);
    assert_int_equal(r.seq, 7);
    ack = unpack(&r.ack);
    assert_int_equal(ack->request_id, 32);
    assert_int_equal(ack->body_case, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO);
    assert_string_equal(ack->workshop_info->code, "ABCDEF");
    wire_free(ack);
    apply_result_free(&r);
}

static WireFrame obj_edit(Cascade__V1__ObjectiveEdit *m, Cascade__V1__Objective *v,
                          const char *id, char **fields, size_t n)
{
    cascade__v1__objective_edit__init(m);
    m->workshop = "ABCDEF";
    m->id = (char *)id;
    m->fields = fields;
    m->n_fields = n;
    m->values = v;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT;
    f.objective_edit = m;
    return f;
}

/* Re-aligning, re-teaming and moving keep ids and history, under the rules
 * of creation: levels point up, and no cycle. */
static void test_restructuring_objectives_and_key_results(void **state)
{
    struct fixture *fx = *state;
    struct okr_state *s = &fx->state;
    build(s); /* T1 company, T2 department; O1 (T1) with K1, K2 */
    Cascade__V1__TeamAdd ta;
    Cascade__V1__ObjectiveAdd oa;
    WireFrame f = team_add(&ta, "Tier 1", "T2", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    wire_free(ok(s, &f, 6, "T3")); /* a team */
    f = obj_add(&oa, "T2", "Answer faster", "", "");
    wire_free(ok(s, &f, 7, "O2"));
    f = obj_add(&oa, "T3", "Close tickets", "O2", "");
    wire_free(ok(s, &f, 8, "O3"));

    Cascade__V1__ObjectiveEdit oe;
    Cascade__V1__Objective v = CASCADE__V1__OBJECTIVE__INIT;
    char *aligns[] = {"aligns_to"};
    f = obj_edit(&oe, &v, "O2", aligns, 1);
    v.aligns_to = "O1";
    WireFrame *ev = ok(s, &f, 9, "O2");
    assert_string_equal(ev->event->type, "objective.edit");
    assert_null(field(ev->event, "aligns_to")->old_value);
    assert_string_equal(field(ev->event, "aligns_to")->new_value->text, "O1");
    wire_free(ev);
    assert_int_equal(okr_objective_find(s, 2)->aligns_to, 1);
    /* O1 under O3 would close O1 <- O2 <- O3 <- O1. */
    f = obj_edit(&oe, &v, "O1", aligns, 1);
    v.aligns_to = "O3";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "sits below it in the cascade");
    v.aligns_to = "O1";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "O1 cannot align to itself");
    /* Inheriting a key result of its own objective is a cycle too. */
    char *inherits[] = {"inherits"};
    f = obj_edit(&oe, &v, "O1", inherits, 1);
    v.inherits = "K1";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "O1 cannot inherit from itself");
    /* O2 may inherit K1 instead of aligning: both at once is refused. */
    char *both[] = {"aligns_to", "inherits"};
    f = obj_edit(&oe, &v, "O2", both, 2);
    v.aligns_to = "O1";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "not both");
    v.aligns_to = "";
    wire_free(ok(s, &f, 10, "O2"));
    assert_int_equal(okr_objective_find(s, 2)->aligns_to, 0);
    assert_int_equal(okr_objective_find(s, 2)->inherits, 1);

    /* O3 (a team's) cannot move up to the company while it aligns to O2. */
    char *team[] = {"team"};
    f = obj_edit(&oe, &v, "O3", team, 1);
    v.team = "T1";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "one of a higher level");
    /* O2 cannot drop to T3 while O3, of T3, aligns to it. */
    f = obj_edit(&oe, &v, "O2", team, 1);
    v.team = "T3";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "not of T3");
    v.team = "T9";
    refused(s, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no team T9");

    /* K1 moves under O3: O2 inherits K1 and O3 sits below O2, a cycle. */
    Cascade__V1__KeyResultEdit ke;
    Cascade__V1__KeyResult kv = CASCADE__V1__KEY_RESULT__INIT;
    char *move[] = {"objective"};
    f = kr_edit(&ke, &kv, move, 1, 0);
    kv.objective = "O3";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "which would make a cycle");
    /* K2 (inherited by nobody) moves under O2, keeping its number. */
    ke.id = "K2";
    kv.objective = "O2";
    ev = ok(s, &f, 11, "K2");
    assert_string_equal(field(ev->event, "objective")->old_value->text, "O1");
    assert_string_equal(field(ev->event, "objective")->new_value->text, "O2");
    wire_free(ev);
    assert_int_equal(okr_key_result_find(s, 2)->objective, 2);

    /* K2, a milestone, becomes a metric (needing --from and --to), then back. */
    char *metric_only[] = {"milestone"};
    f = kr_edit(&ke, &kv, metric_only, 1, 0);
    ke.id = "K2";
    kv.milestone = 0;
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "needs a start and a target");
    char *metric[] = {"milestone", "start", "target"};
    f = kr_edit(&ke, &kv, metric, 3, 0);
    ke.id = "K2";
    kv.start = 10;
    kv.target = 40;
    ev = ok(s, &f, 12, "K2");
    assert_false(field(ev->event, "milestone")->new_value->flag);
    wire_free(ev);
    struct okr_key_result *k2 = okr_key_result_find(s, 2);
    assert_false(k2->milestone);
    assert_true(k2->current == 10 && k2->target == 40);
    f = kr_edit(&ke, &kv, metric_only, 1, 0);
    ke.id = "K2";
    kv.milestone = 1;
    wire_free(ok(s, &f, 13, "K2"));
    k2 = okr_key_result_find(s, 2);
    assert_true(k2->milestone && !k2->done && k2->target == 1);
    f = kr_edit(&ke, &kv, metric, 3, 0);
    ke.id = "K2";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "is a milestone");

    /* A weight: 0 to 100, shown in the event as a number. */
    char *weight[] = {"weight"};
    f = kr_edit(&ke, &kv, weight, 1, 0);
    ke.id = "K2";
    kv.weight = 150;
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0");
    kv.weight = -1;
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 0");
    kv.weight = NAN;
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "weight");
    kv.weight = 2.5;
    WireFrame *wev = ok(s, &f, 14, "K2");
    assert_float_equal(field(wev->event, "weight")->old_value->number, 1.0, 1e-9);
    assert_float_equal(field(wev->event, "weight")->new_value->number, 2.5, 1e-9);
    wire_free(wev);
    assert_float_equal(okr_key_result_weight(okr_key_result_find(s, 2)), 2.5, 1e-9);
}

static WireFrame team_edit(Cascade__V1__TeamEdit *m, Cascade__V1__Team *v, const char *id,
                           char **fields, size_t n)
{
    cascade__v1__team_edit__init(m);
    m->workshop = "ABCDEF";
    m->id = (char *)id;
    m->fields = fields;
    m->n_fields = n;
    m->values = v;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_TEAM_EDIT;
    f.team_edit = m;
    return f;
}

static void test_team_edit_and_remove(void **state)
{
    struct fixture *fx = *state;
    struct okr_state *s = &fx->state;
    build(s); /* T1 company, T2 department under it; O1 (T1) */
    Cascade__V1__TeamAdd ta;
    Cascade__V1__ObjectiveAdd oa;
    WireFrame f = team_add(&ta, "Tier 1", "T2", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    wire_free(ok(s, &f, 6, "T3"));
    f = obj_add(&oa, "T2", "Answer faster", "O1", "");
    wire_free(ok(s, &f, 7, "O2"));

    Cascade__V1__TeamEdit te;
    Cascade__V1__Team v = CASCADE__V1__TEAM__INIT;
    char *name[] = {"name"};
    f = team_edit(&te, &v, "T2", name, 1);
    v.name = "Customer Care";
    WireFrame *ev = ok(s, &f, 8, "T2");
    assert_string_equal(ev->event->type, "team.edit");
    assert_string_equal(field(ev->event, "name")->old_value->text, "Support");
    wire_free(ev);
    assert_string_equal(okr_team_find(s, 2)->name, "Customer Care");
    v.name = "";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "team name");

    /* T1 under T3 would be a cycle; T2 as a team would sit level with T3. */
    char *parent[] = {"parent"};
    f = team_edit(&te, &v, "T1", parent, 1);
    v.parent = "T3";
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "which would make a cycle");
    char *level[] = {"level"};
    f = team_edit(&te, &v, "T2", level, 1);
    v.level = CASCADE__V1__LEVEL__TEAM;
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "its sub-team T3 is a team");
    /* T1 as a department would sit level with T2, whose O2 aligns to O1. */
    f = team_edit(&te, &v, "T1", level, 1);
    v.level = CASCADE__V1__LEVEL__DEPARTMENT;
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "below its parent");
    /* T3 may move straight under T1 as a department. */
    char *both[] = {"parent", "level"};
    f = team_edit(&te, &v, "T3", both, 2);
    v.parent = "T1";
    v.level = CASCADE__V1__LEVEL__DEPARTMENT;
    ev = ok(s, &f, 9, "T3");
    assert_string_equal(field(ev->event, "parent")->old_value->text, "T2");
    assert_string_equal(field(ev->event, "parent")->new_value->text, "T1");
    assert_string_equal(field(ev->event, "level")->new_value->text, "department");
    wire_free(ev);

    /* Removing a team is for empty ones. */
    Cascade__V1__TeamRemove tr = CASCADE__V1__TEAM_REMOVE__INIT;
    tr.workshop = "ABCDEF";
    tr.id = "T1";
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_TEAM_REMOVE;
    rf.team_remove = &tr;
    refused(s, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "still has sub-teams (T2 and T3)");
    tr.id = "T2";
    refused(s, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "still has objectives (O2)");
    tr.id = "T3";
    ev = ok(s, &rf, 10, "T3");
    assert_string_equal(ev->event->type, "team.remove");
    wire_free(ev);
    assert_null(okr_team_find(s, 3));
    assert_int_equal(s->next_team, 4); /* never reused */
}

/* A forced removal takes the references along and says so. */
static void test_forced_removal_unlinks_and_reports(void **state)
{
    struct fixture *fx = *state;
    struct okr_state *s = &fx->state;
    build_with_support_kr(s); /* O2 (T2) aligns to O1; K3 under O2 */
    Cascade__V1__DependencyAdd da = CASCADE__V1__DEPENDENCY_ADD__INIT;
    da.workshop = "ABCDEF";
    da.key_result = "K3";
    da.depends_on = "K1";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD;
    f.dependency_add = &da;
    wire_free(ok(s, &f, 8, "K3"));
    Cascade__V1__CommentAdd ca = CASCADE__V1__COMMENT_ADD__INIT;
    ca.workshop = "ABCDEF";
    ca.target = "K1";
    ca.text = "Which survey?";
    f.body_case = CASCADE__V1__FRAME__BODY_COMMENT_ADD;
    f.comment_add = &ca;
    wire_free(ok(s, &f, 9, "C1"));

    Cascade__V1__ObjectiveRemove orm = CASCADE__V1__OBJECTIVE_REMOVE__INIT;
    orm.workshop = "ABCDEF";
    orm.id = "O1";
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE;
    rf.objective_remove = &orm;
    refused(s, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "O1 is referred to by O2 (aligned to it); K3 (depending on it); C1 (comments on it)");
    orm.force = 1;
    struct apply_result r;
    assert_int_equal(apply_request(s, &CTX, &rf, &r), 0);
    WireFrame *ack = unpack(&r.ack);
    assert_string_equal(ack->ack->note, "Also removed C1. The dependencies of K3 on it went. "
                                        "O2 no longer sits under anything.");
    wire_free(ack);
    WireFrame *ev = unpack(&r.event);
    assert_string_equal(field(ev->event, "key_results")->old_value->text, "K1 K2");
    assert_string_equal(field(ev->event, "unlinked")->old_value->text, "O2");
    wire_free(ev);
    /* The commit saves O2 and deletes K1 and K2 besides O1. */
    assert_int_equal(r.nalso, 3);
    apply_result_free(&r);
    assert_int_equal(okr_objective_find(s, 2)->aligns_to, 0);
    assert_int_equal(s->ndependencies, 0);
    assert_int_equal(s->ncomments, 0);
    assert_non_null(okr_key_result_find(s, 3));
}

static void test_comment_resolve_and_reopen(void **state)
{
    struct fixture *fx = *state;
    struct okr_state *s = &fx->state;
    build(s);
    Cascade__V1__CommentAdd ca = CASCADE__V1__COMMENT_ADD__INIT;
    ca.workshop = "ABCDEF";
    ca.target = "O1";
    ca.text = "Too vague";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_COMMENT_ADD;
    f.comment_add = &ca;
    wire_free(ok(s, &f, 6, "C1"));
    Cascade__V1__CommentResolve cr = CASCADE__V1__COMMENT_RESOLVE__INIT;
    cr.workshop = "ABCDEF";
    cr.id = "C1";
    f.body_case = CASCADE__V1__FRAME__BODY_COMMENT_RESOLVE;
    f.comment_resolve = &cr;
    WireFrame *ev = ok(s, &f, 7, "C1");
    assert_string_equal(ev->event->type, "comment.resolve");
    assert_string_equal(field(ev->event, "resolved_by")->new_value->text, "alice");
    wire_free(ev);
    const struct okr_comment *c = okr_comment_find(s, 1);
    assert_string_equal(c->resolved_by, "alice");
    assert_int_equal(c->resolved_ms, CTX.now_ms);
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "resolved already (by alice)");
    cr.reopen = 1;
    ev = ok(s, &f, 8, "C1");
    assert_string_equal(ev->event->type, "comment.reopen");
    wire_free(ev);
    assert_string_equal(okr_comment_find(s, 1)->resolved_by, "");
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "open already");
    cr.id = "C9";
    refused(s, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no comment C9");
}

static WireFrame idea_add(Cascade__V1__IdeaAdd *m, const char *text, int anonymous)
{
    cascade__v1__idea_add__init(m);
    m->workshop = "ABCDEF";
    m->text = (char *)text;
    m->anonymous = anonymous;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_IDEA_ADD;
    f.idea_add = m;
    return f;
}

/* Ideas: an anonymous one keeps no author and its event no actor; no event
 * carries an idea's text or which idea a dot went to; the vote's budget and
 * cap; promotion links both ways. */
static void test_ideas_and_votes(void **state)
{
    struct fixture *fx = *state;
    struct okr_state *s = &fx->state;
    build(s); /* seq 5 */
    Cascade__V1__IdeaAdd ia;
    WireFrame f = idea_add(&ia, "Grow in Asia", 0);
    WireFrame *ev = ok(s, &f, 6, "D1");
    assert_string_equal(ev->event->type, "idea.add");
    assert_string_equal(ev->event->actor, "alice");
    assert_null(field(ev->event, "text"));
    wire_free(ev);
    f = idea_add(&ia, "Secret", 1);
    struct apply_result r;
    assert_int_equal(apply_request(s, &CTX, &f, &r), 0);
    assert_true(r.anonymous);
    WireFrame *packed = unpack(&r.event);
    assert_string_equal(packed->event->actor, "");
    assert_null(field(packed->event, "text"));
    wire_free(packed);
    apply_result_free(&r);
    assert_null(okr_idea_find(s, 2)->author);
    f = idea_add(&ia, "", 0);
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "empty");

    /* A vote needs revealed ideas; revealing shows them all at once. */
    Cascade__V1__VoteStart vs = CASCADE__V1__VOTE_START__INIT;
    vs.workshop = "ABCDEF";
    WireFrame vf = CASCADE__V1__FRAME__INIT;
    vf.body_case = CASCADE__V1__FRAME__BODY_VOTE_START;
    vf.vote_start = &vs;
    refused(s, &vf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "no revealed ideas");
    Cascade__V1__IdeaReveal ir = CASCADE__V1__IDEA_REVEAL__INIT;
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_IDEA_REVEAL;
    rf.idea_reveal = &ir;
    assert_int_equal(apply_request(s, &CTX, &rf, &r), 0);
    assert_int_equal(r.nalso, 2);
    assert_string_equal(r.subject, "ideas");
    apply_result_free(&r);
    refused(s, &rf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "no ideas waiting");

    vs.votes = 21;
    refused(s, &vf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "at most 20 dots");
    vs.votes = 2;
    vs.max_per_idea = 3;
    refused(s, &vf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "cannot be more than");
    vs.max_per_idea = 1;
    vs.for_s = 5;
    refused(s, &vf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "from 10 seconds");
    vs.for_s = 60;
    wire_free(ok(s, &vf, 9, "V1"));
    assert_int_equal(s->vote.closes_ms, CTX.now_ms + 60000);

    Cascade__V1__VoteCast vc = CASCADE__V1__VOTE_CAST__INIT;
    vc.workshop = "ABCDEF";
    vc.idea = "D1";
    WireFrame cf = CASCADE__V1__FRAME__INIT;
    cf.body_case = CASCADE__V1__FRAME__BODY_VOTE_CAST;
    cf.vote_cast = &vc;
    assert_int_equal(apply_request(s, &CTX, &cf, &r), 0);
    WireFrame *ack = unpack(&r.ack);
    assert_string_equal(ack->ack->note, "You have 1 of your 2 votes left.");
    wire_free(ack);
    ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "vote.cast");
    assert_int_equal(ev->event->n_changes, 0); /* never which idea */
    wire_free(ev);
    assert_string_equal(r.ballot_voter, "alice");
    assert_int_equal(r.ballot_idea, 1);
    apply_result_free(&r);
    refused(s, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "At most 1 votes per idea");
    vc.idea = "D2";
    vc.count = 2;
    refused(s, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "You have 1 of your 2 votes left.");
    vc.idea = "D9";
    vc.count = 1;
    refused(s, &cf, CASCADE__V1__ERROR_CODE__NOT_FOUND, "no idea D9");
    /* Past its closing time the vote takes no more dots. */
    struct apply_ctx later = CTX;
    later.now_ms += 60000;
    vc.idea = "D2";
    assert_int_not_equal(apply_request(s, &later, &cf, &r), 0);
    assert_non_null(strstr(r.message, "has closed"));
    apply_result_free(&r);

    Cascade__V1__VoteReveal vr = CASCADE__V1__VOTE_REVEAL__INIT;
    WireFrame xf = CASCADE__V1__FRAME__INIT;
    xf.body_case = CASCADE__V1__FRAME__BODY_VOTE_REVEAL;
    xf.vote_reveal = &vr;
    ev = ok(s, &xf, 11, "V1");
    assert_string_equal(field(ev->event, "results")->new_value->text, "D1 1, D2 0");
    wire_free(ev);
    refused(s, &xf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "revealed already");

    /* Promoting: the title comes from the idea; the link goes both ways. */
    Cascade__V1__ObjectiveAdd oa;
    f = obj_add(&oa, "T2", "", "", "");
    oa.from_idea = "D1";
    ev = ok(s, &f, 12, "O2");
    assert_string_equal(field(ev->event, "from_idea")->new_value->text, "D1");
    wire_free(ev);
    assert_string_equal(okr_objective_find(s, 2)->title, "Grow in Asia");
    assert_int_equal(okr_objective_find(s, 2)->from_idea, 1);
    assert_int_equal(okr_idea_find(s, 1)->promoted_num, 2);
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "D1 became O2 already.");
}

static WireFrame retro_add(Cascade__V1__RetroAdd *m, const char *kind, const char *text,
                           const char *on)
{
    cascade__v1__retro_add__init(m);
    m->workshop = "ABCDEF";
    m->kind = (char *)kind;
    m->text = (char *)text;
    m->on = (char *)on;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_RETRO_ADD;
    f.retro_add = m;
    return f;
}

/* Retrospective cards: shown at once with their text in the event, about
 * an existing objective if any; a retro vote takes them and not the ideas;
 * a card and an idea do not merge; the per-workshop count is bounded. */
static void test_retro_cards_and_their_vote(void **state)
{
    struct fixture *fx = *state;
    struct okr_state *s = &fx->state;
    build(s); /* seq 5, O1 */
    Cascade__V1__RetroAdd ra;
    WireFrame f = retro_add(&ra, "start", "Demo days", "O1");
    WireFrame *ev = ok(s, &f, 6, "D1");
    assert_string_equal(ev->event->type, "retro.add");
    assert_string_equal(field(ev->event, "kind")->new_value->text, "start");
    assert_string_equal(field(ev->event, "text")->new_value->text, "Demo days");
    assert_string_equal(field(ev->event, "on")->new_value->text, "O1");
    wire_free(ev);
    const struct okr_idea *d = okr_idea_find(s, 1);
    assert_true(d->revealed);
    assert_int_equal(d->retro, OKR_RETRO_START);
    assert_int_equal(d->on, 1);
    assert_string_equal(d->author, "alice");
    f = retro_add(&ra, "maybe", "Hm", "");
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "not a kind of retrospective card");
    f = retro_add(&ra, "stop", "", "");
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "empty");
    f = retro_add(&ra, "stop", "Hm", "O9");
    refused(s, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "There is no objective O9");
    f = retro_add(&ra, "stop", "Hm", "K1");
    refused(s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "is not an objective id");
    f = retro_add(&ra, "stop", "Long meetings", "");
    wire_free(ok(s, &f, 7, "D2"));
    Cascade__V1__IdeaAdd ia;
    f = idea_add(&ia, "Grow in Asia", 0);
    wire_free(ok(s, &f, 8, "D3"));

    /* A plain vote finds no revealed idea; a retro vote finds the cards. */
    Cascade__V1__VoteStart vs = CASCADE__V1__VOTE_START__INIT;
    WireFrame vf = CASCADE__V1__FRAME__INIT;
    vf.body_case = CASCADE__V1__FRAME__BODY_VOTE_START;
    vf.vote_start = &vs;
    refused(s, &vf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "no revealed ideas");
    vs.retro = 1;
    ev = ok(s, &vf, 9, "V1");
    assert_int_equal(field(ev->event, "ideas")->new_value->number, 2);
    assert_true(field(ev->event, "retro")->new_value->flag);
    wire_free(ev);
    Cascade__V1__VoteCast vc = CASCADE__V1__VOTE_CAST__INIT;
    vc.idea = "D3";
    WireFrame cf = CASCADE__V1__FRAME__INIT;
    cf.body_case = CASCADE__V1__FRAME__BODY_VOTE_CAST;
    cf.vote_cast = &vc;
    refused(s, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "D3 is not revealed yet");
    vc.idea = "D2";
    wire_free(ok(s, &cf, 10, "V1"));
    assert_int_equal(okr_votes_used(s, "alice"), 1);

    Cascade__V1__IdeaReveal ir = CASCADE__V1__IDEA_REVEAL__INIT;
    WireFrame rf = CASCADE__V1__FRAME__INIT;
    rf.body_case = CASCADE__V1__FRAME__BODY_IDEA_REVEAL;
    rf.idea_reveal = &ir;
    struct apply_result r;
    assert_int_equal(apply_request(s, &CTX, &rf, &r), 0);
    assert_int_equal(r.nalso, 1); /* the idea; the cards were shown already */
    apply_result_free(&r);
    vc.idea = "D3";
    refused(s, &cf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "D3 is a brainstorm idea; this vote is on the retrospective's cards.");
    Cascade__V1__IdeaMerge im = CASCADE__V1__IDEA_MERGE__INIT;
    im.into = "D1";
    im.id = "D3";
    WireFrame mf = CASCADE__V1__FRAME__INIT;
    mf.body_case = CASCADE__V1__FRAME__BODY_IDEA_MERGE;
    mf.idea_merge = &im;
    refused(s, &mf, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "are of different kinds");

    /* The count of cards is bounded. */
    while (okr_idea_find(s, s->next_idea - 1)->num < IDEAS_RETRO_CARDS_MAX + 1) {
        f = retro_add(&ra, "change", "More", "");
        assert_int_equal(apply_request(s, &CTX, &f, &r), 0);
        apply_result_free(&r);
    }
    f = retro_add(&ra, "change", "One more", "");
    refused(s, &f, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, "its limit");
}

static void test_not_a_change(void **state)
{
    struct fixture *fx = *state;
    Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &p;
    assert_false(apply_handles(&f));
    refused(&fx->state, &f, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST, "not a change");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_team_add_defaults_levels_and_describes_itself, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_objectives_add_edit_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_results_edit_set_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_status_and_blockers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dependency_circles_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_initiatives_dependencies_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_field_level_conflicts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_configured_text_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_people_changes_are_events, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restructuring_objectives_and_key_results, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_team_edit_and_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forced_removal_unlinks_and_reports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comment_resolve_and_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ideas_and_votes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_retro_cards_and_their_vote, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
