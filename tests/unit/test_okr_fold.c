/* okr_fold_event against the server's own appliers: each change goes
 * through apply_request (or apply_people, apply_carry_events) on the
 * server's state, its event is folded into a second state that started
 * empty, and the two must then agree on everything `show` shows. One test
 * per family of event types; then the types the fold skips, one it does not
 * know, and events that do not fit the state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "carry.h"
#include "errors.h"
#include "frame.h"
#include "okr_fold.h"

static int known_user(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "alice") == 0 || strcmp(name, "bob") == 0;
}

/* The server's state and the one folded from its events. */
struct pair {
    struct okr_state srv, fold;
    int64_t now_ms;
    const char *actor;
};

static int setup(void **state)
{
    struct pair *p = calloc(1, sizeof *p);
    okr_state_init(&p->srv);
    okr_state_init(&p->fold);
    p->now_ms = 1796140980000;
    p->actor = "alice";
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;
    okr_state_free(&p->srv);
    okr_state_free(&p->fold);
    free(p);
    return 0;
}

static const char *str(const char *s)
{
    return s != NULL ? s : "";
}

/* ---- The two states must agree ------------------------------------------ */

static void same_check(const struct okr_check *a, const struct okr_check *b)
{
    assert_int_equal(a->answer, b->answer);
    if (a->answer != OKR_ANSWER_NONE) {
        assert_string_equal(str(a->by), str(b->by));
        assert_int_equal(a->at_ms, b->at_ms);
    }
}

static void same(const struct okr_state *a, const struct okr_state *b)
{
    assert_int_equal(a->seq, b->seq);
    assert_int_equal(a->nteams, b->nteams);
    for (size_t i = 0; i < a->nteams; i++) {
        const struct okr_team *x = &a->teams[i], *y = &b->teams[i];
        assert_int_equal(x->num, y->num);
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->parent, y->parent);
        assert_int_equal(x->level, y->level);
        assert_int_equal(x->version, y->version);
        assert_int_equal(x->nmembers, y->nmembers);
        for (size_t j = 0; j < x->nmembers; j++)
            assert_string_equal(x->members[j], y->members[j]);
    }
    assert_int_equal(a->nobjectives, b->nobjectives);
    for (size_t i = 0; i < a->nobjectives; i++) {
        const struct okr_objective *x = &a->objectives[i], *y = &b->objectives[i];
        assert_int_equal(x->num, y->num);
        assert_int_equal(x->team, y->team);
        assert_string_equal(x->title, y->title);
        assert_string_equal(str(x->owner), str(y->owner));
        assert_int_equal(x->aligns_to, y->aligns_to);
        assert_int_equal(x->inherits, y->inherits);
        assert_int_equal(x->committed, y->committed);
        assert_string_equal(str(x->rationale), str(y->rationale));
        assert_int_equal(x->version, y->version);
        assert_int_equal(x->status, y->status);
        same_check(&x->necessary, &y->necessary);
        same_check(&x->sufficient, &y->sufficient);
        assert_int_equal(x->from_idea, y->from_idea);
        assert_string_equal(str(x->close_note), str(y->close_note));
        assert_int_equal(x->graded, y->graded);
        assert_true(x->final_score == y->final_score);
        assert_string_equal(str(x->carried_from), str(y->carried_from));
    }
    assert_int_equal(a->nkey_results, b->nkey_results);
    for (size_t i = 0; i < a->nkey_results; i++) {
        const struct okr_key_result *x = &a->key_results[i], *y = &b->key_results[i];
        assert_int_equal(x->num, y->num);
        assert_int_equal(x->objective, y->objective);
        assert_string_equal(x->title, y->title);
        assert_string_equal(str(x->owner), str(y->owner));
        assert_int_equal(x->milestone, y->milestone);
        assert_true(x->start == y->start);
        assert_true(x->target == y->target);
        assert_true(x->current == y->current);
        assert_string_equal(str(x->unit), str(y->unit));
        assert_int_equal(x->done, y->done);
        assert_true(x->confidence == y->confidence);
        assert_int_equal(x->version, y->version);
        assert_int_equal(x->status, y->status);
        assert_string_equal(str(x->blocker), str(y->blocker));
        assert_int_equal(x->from_idea, y->from_idea);
        assert_true(okr_key_result_weight(x) == okr_key_result_weight(y));
        assert_int_equal(x->graded, y->graded);
        assert_true(x->final_score == y->final_score);
        assert_int_equal(x->checked_in_ms, y->checked_in_ms);
        assert_string_equal(str(x->carried_from), str(y->carried_from));
    }
    assert_int_equal(a->ninitiatives, b->ninitiatives);
    for (size_t i = 0; i < a->ninitiatives; i++) {
        assert_int_equal(a->initiatives[i].num, b->initiatives[i].num);
        assert_int_equal(a->initiatives[i].key_result, b->initiatives[i].key_result);
        assert_string_equal(a->initiatives[i].title, b->initiatives[i].title);
        assert_int_equal(a->initiatives[i].done, b->initiatives[i].done);
        assert_int_equal(a->initiatives[i].version, b->initiatives[i].version);
    }
    assert_int_equal(a->ndependencies, b->ndependencies);
    for (size_t i = 0; i < a->ndependencies; i++) {
        assert_int_equal(a->dependencies[i].key_result, b->dependencies[i].key_result);
        assert_int_equal(a->dependencies[i].depends_on, b->dependencies[i].depends_on);
    }
    assert_int_equal(a->ncomments, b->ncomments);
    for (size_t i = 0; i < a->ncomments; i++) {
        const struct okr_comment *x = &a->comments[i], *y = &b->comments[i];
        assert_int_equal(x->num, y->num);
        assert_int_equal(x->target_kind, y->target_kind);
        assert_int_equal(x->target, y->target);
        assert_string_equal(str(x->author), str(y->author));
        assert_string_equal(str(x->text), str(y->text));
        assert_int_equal(x->time_ms, y->time_ms);
        assert_string_equal(str(x->resolved_by), str(y->resolved_by));
        assert_int_equal(x->resolved_ms, y->resolved_ms);
    }
    assert_string_equal(str(a->closed_by), str(b->closed_by));
    assert_int_equal(a->closed_ms, b->closed_ms);
    assert_int_equal(a->next_team, b->next_team);
    assert_int_equal(a->next_objective, b->next_objective);
    assert_int_equal(a->next_key_result, b->next_key_result);
    assert_int_equal(a->next_initiative, b->next_initiative);
    assert_int_equal(a->next_comment, b->next_comment);
}

/* ---- Driving the server's appliers -------------------------------------- */

/* Folds one packed event frame (header included) into p->fold; returns
 * what okr_fold_event said. */
static int fold_packed(struct pair *p, const struct buf *b, char *type, size_t typelen)
{
    assert_true(b->len > FRAME_HEADER_LEN);
    WireFrame *f = wire_unpack(b->data + FRAME_HEADER_LEN, b->len - FRAME_HEADER_LEN, SIZE_MAX);
    assert_non_null(f);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY_EVENT);
    snprintf(type, typelen, "%s", f->event->type);
    int rc = okr_fold_event(&p->fold, f->event);
    wire_free(f);
    return rc;
}

/* Applies req on the server's state, folds its event, and checks that the
 * fold applied it (want: the event's type) and the states agree. */
static void step(struct pair *p, WireFrame *req, const char *want)
{
    struct apply_ctx ctx = {"ABCDEF", p->actor, p->now_ms, known_user, NULL, NULL};
    p->now_ms += 61000;
    struct apply_result r;
    req->request_id = 7;
    if (apply_request(&p->srv, &ctx, req, &r) != 0)
        fail_msg("refused: %s", r.message);
    char type[64];
    assert_int_equal(fold_packed(p, &r.event, type, sizeof type), OKR_FOLD_APPLIED);
    assert_string_equal(type, want);
    apply_result_free(&r);
    same(&p->srv, &p->fold);
}

/* A change of who takes part, as the handlers describe one. */
static void people(struct pair *p, const char *type, const char *subject, const char *field,
                   const char *old_value, const char *new_value)
{
    struct apply_ctx ctx = {"ABCDEF", p->actor, p->now_ms, known_user, NULL, NULL};
    struct people_field f = {field, old_value, new_value};
    struct apply_result r;
    assert_int_equal(apply_people(&p->srv, &ctx, 0, type, subject, &f, 1, NULL, &r), 0);
    char got[64];
    assert_int_equal(fold_packed(p, &r.event, got, sizeof got), OKR_FOLD_APPLIED);
    apply_result_free(&r);
}

#define REQ(member, BODY, msg)                                                                  \
    ((WireFrame){.base = PROTOBUF_C_MESSAGE_INIT(&cascade__v1__frame__descriptor),             \
                 .body_case = CASCADE__V1__FRAME__BODY_##BODY,                                 \
                 .member = (msg)})

static void team_add(struct pair *p, const char *name, const char *parent, Cascade__V1__Level lv)
{
    Cascade__V1__TeamAdd m = CASCADE__V1__TEAM_ADD__INIT;
    m.workshop = "ABCDEF";
    m.name = (char *)name;
    m.parent = (char *)parent;
    m.level = lv;
    WireFrame f = REQ(team_add, TEAM_ADD, &m);
    step(p, &f, "team.add");
}

static void obj_add(struct pair *p, const char *team, const char *title, const char *aligns,
                    const char *inherits, int committed, const char *rationale)
{
    Cascade__V1__ObjectiveAdd m = CASCADE__V1__OBJECTIVE_ADD__INIT;
    m.workshop = "ABCDEF";
    m.team = (char *)team;
    m.title = (char *)title;
    m.owner = "bob";
    m.aligns_to = (char *)aligns;
    m.inherits = (char *)inherits;
    m.committed = committed;
    m.rationale = (char *)rationale;
    WireFrame f = REQ(objective_add, OBJECTIVE_ADD, &m);
    step(p, &f, "objective.add");
}

static void kr_add(struct pair *p, const char *obj, const char *title, int milestone,
                   double start, double target, const char *unit)
{
    Cascade__V1__KeyResultAdd m = CASCADE__V1__KEY_RESULT_ADD__INIT;
    m.workshop = "ABCDEF";
    m.objective = (char *)obj;
    m.title = (char *)title;
    m.milestone = milestone;
    m.start = start;
    m.target = target;
    m.unit = (char *)unit;
    WireFrame f = REQ(key_result_add, KEY_RESULT_ADD, &m);
    step(p, &f, "kr.add");
}

static void checkin(struct pair *p, const char *kr, int has_value, double value, int is_done,
                    double confidence, const char *status, const char *blocker)
{
    Cascade__V1__CheckIn m = CASCADE__V1__CHECK_IN__INIT;
    m.workshop = "ABCDEF";
    m.key_result = (char *)kr;
    if (has_value && is_done) {
        m.value_case = CASCADE__V1__CHECK_IN__VALUE_DONE;
        m.done = value != 0;
    } else if (has_value) {
        m.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
        m.current = value;
    }
    m.has_confidence = confidence >= 0;
    m.confidence = confidence >= 0 ? confidence : 0;
    m.status = (char *)status;
    m.note = "a note";
    m.blocker = (char *)blocker;
    WireFrame f = REQ(check_in, CHECK_IN, &m);
    step(p, &f, "kr.checkin");
}

/* A company, a department under it, an objective each (O2 aligned to O1)
 * with key results K1 (metric), K2 (milestone) and K3 (metric under O2). */
static void base(struct pair *p)
{
    team_add(p, "Acme", "", CASCADE__V1__LEVEL__COMPANY);
    team_add(p, "Sales", "T1", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    obj_add(p, "T1", "Grow", "", "", 0, "Because.");
    obj_add(p, "T2", "Sell", "O1", "", 1, "");
    kr_add(p, "O1", "Revenue", 0, 100, 200, "kEUR");
    kr_add(p, "O1", "Open Berlin", 1, 0, 0, "");
    kr_add(p, "O2", "Deals", 0, 0, 10, "");
}

/* ---- One test per family of events --------------------------------------- */

static void teams_fold(void **state)
{
    struct pair *p = *state;
    team_add(p, "Acme", "", CASCADE__V1__LEVEL__COMPANY);
    team_add(p, "Sales", "T1", CASCADE__V1__LEVEL__DEPARTMENT);
    team_add(p, "Ops", "", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    Cascade__V1__Team values = CASCADE__V1__TEAM__INIT;
    values.name = "Sales & Marketing";
    values.parent = "";
    values.level = CASCADE__V1__LEVEL__COMPANY;
    char *fields[] = {"name", "parent", "level"};
    Cascade__V1__TeamEdit e = CASCADE__V1__TEAM_EDIT__INIT;
    e.workshop = "ABCDEF";
    e.id = "T2";
    e.n_fields = 3;
    e.fields = fields;
    e.values = &values;
    WireFrame f = REQ(team_edit, TEAM_EDIT, &e);
    step(p, &f, "team.edit");
    Cascade__V1__TeamRemove r = CASCADE__V1__TEAM_REMOVE__INIT;
    r.workshop = "ABCDEF";
    r.id = "T3";
    WireFrame g = REQ(team_remove, TEAM_REMOVE, &r);
    step(p, &g, "team.remove");
    assert_int_equal(p->fold.nteams, 2);
    assert_int_equal(p->fold.next_team, 4);
}

/* Members are kept with the participants on the server: the fold's list is
 * checked against what a snapshot would list. */
static void members_fold(void **state)
{
    struct pair *p = *state;
    team_add(p, "Acme", "", CASCADE__V1__LEVEL__COMPANY);
    team_add(p, "Sales", "T1", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    people(p, "participant.join", "bob", "role", NULL, "member");
    people(p, "team.member_add", "T1", "member", NULL, "bob");
    people(p, "team.member_add", "T2", "member", NULL, "bob");
    people(p, "team.member_add", "T2", "member", NULL, "carol");
    people(p, "team.member_add", "T2", "member", NULL, "carol"); /* once */
    {
        /* A join through a team's invite names the team. */
        struct apply_ctx ctx = {"ABCDEF", "dave", p->now_ms, known_user, NULL, NULL};
        struct people_field f[2] = {{"role", NULL, "member"}, {"team", NULL, "T1"}};
        struct apply_result r;
        assert_int_equal(apply_people(&p->srv, &ctx, 0, "participant.join", "dave", f, 2, NULL,
                                      &r), 0);
        char got[64];
        assert_int_equal(fold_packed(p, &r.event, got, sizeof got), OKR_FOLD_APPLIED);
        apply_result_free(&r);
    }
    people(p, "participant.role", "bob", "role", "member", "observer");
    const struct okr_team *t1 = okr_team_find(&p->fold, 1), *t2 = okr_team_find(&p->fold, 2);
    assert_int_equal(t1->nmembers, 2);
    assert_string_equal(t1->members[0], "bob");
    assert_string_equal(t1->members[1], "dave");
    assert_int_equal(t2->nmembers, 2);
    people(p, "team.member_remove", "T2", "member", "carol", NULL);
    assert_int_equal(t2->nmembers, 1);
    people(p, "participant.remove", "bob", "role", "observer", NULL);
    assert_int_equal(t1->nmembers, 1);
    assert_string_equal(t1->members[0], "dave");
    assert_int_equal(t2->nmembers, 0);
    assert_int_equal(p->fold.seq, p->srv.seq);
}

static void objectives_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    team_add(p, "Team", "T2", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    obj_add(p, "T3", "Inherit", "", "K3", 0, "");
    Cascade__V1__Objective v = CASCADE__V1__OBJECTIVE__INIT;
    v.title = "Grow faster";
    v.owner = "";
    v.rationale = "Two\nlines";
    v.committed = 1;
    v.status = "final";
    v.team = "T1";
    v.aligns_to = "";
    v.inherits = "";
    char *fields[] = {"title", "owner", "rationale", "committed", "status"};
    Cascade__V1__ObjectiveEdit e = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    e.workshop = "ABCDEF";
    e.id = "O1";
    e.n_fields = 5;
    e.fields = fields;
    e.values = &v;
    WireFrame f = REQ(objective_edit, OBJECTIVE_EDIT, &e);
    step(p, &f, "objective.edit");
    /* Restructuring: O3 moves from inheriting K3 to aligning to O2. */
    char *move[] = {"aligns_to", "inherits"};
    v.aligns_to = "O2";
    e.id = "O3";
    e.n_fields = 2;
    e.fields = move;
    step(p, &f, "objective.edit");
    /* And into another team of the same level. */
    team_add(p, "Team B", "T2", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    char *team[] = {"team"};
    v.team = "T4";
    e.n_fields = 1;
    e.fields = team;
    step(p, &f, "objective.edit");
    assert_int_equal(okr_objective_find(&p->fold, 3)->team, 4);
    Cascade__V1__ObjectiveCheck c = CASCADE__V1__OBJECTIVE_CHECK__INIT;
    c.workshop = "ABCDEF";
    c.id = "O1";
    c.necessary = CASCADE__V1__ANSWER__YES;
    WireFrame g = REQ(objective_check, OBJECTIVE_CHECK, &c);
    step(p, &g, "objective.check");
    p->actor = "bob";
    c.sufficient = CASCADE__V1__ANSWER__NO;
    step(p, &g, "objective.check");
    assert_string_equal(okr_objective_find(&p->fold, 1)->necessary.by, "bob");
}

static void objective_remove_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    team_add(p, "Team", "T2", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    obj_add(p, "T3", "Inherit", "", "K1", 0, "");
    Cascade__V1__InitiativeAdd i = CASCADE__V1__INITIATIVE_ADD__INIT;
    i.workshop = "ABCDEF";
    i.key_result = "K1";
    i.title = "Hire";
    WireFrame fi = REQ(initiative_add, INITIATIVE_ADD, &i);
    step(p, &fi, "initiative.add");
    Cascade__V1__DependencyAdd d = CASCADE__V1__DEPENDENCY_ADD__INIT;
    d.workshop = "ABCDEF";
    d.key_result = "K3";
    d.depends_on = "K1";
    WireFrame fd = REQ(dependency_add, DEPENDENCY_ADD, &d);
    step(p, &fd, "dependency.add");
    Cascade__V1__CommentAdd c = CASCADE__V1__COMMENT_ADD__INIT;
    c.workshop = "ABCDEF";
    c.target = "K2";
    c.text = "Which office?";
    WireFrame fc = REQ(comment_add, COMMENT_ADD, &c);
    step(p, &fc, "comment.add");
    c.target = "O1";
    step(p, &fc, "comment.add");
    c.target = "O2";
    step(p, &fc, "comment.add");
    /* O1 goes with K1, K2, I1, the dependency, C1 and C2; O2 and O3 stay,
     * unlinked. */
    Cascade__V1__ObjectiveRemove r = CASCADE__V1__OBJECTIVE_REMOVE__INIT;
    r.workshop = "ABCDEF";
    r.id = "O1";
    r.force = 1;
    WireFrame fr = REQ(objective_remove, OBJECTIVE_REMOVE, &r);
    step(p, &fr, "objective.remove");
    assert_int_equal(p->fold.nobjectives, 2);
    assert_int_equal(p->fold.nkey_results, 1);
    assert_int_equal(p->fold.ninitiatives, 0);
    assert_int_equal(p->fold.ndependencies, 0);
    assert_int_equal(p->fold.ncomments, 1);
    assert_int_equal(okr_objective_find(&p->fold, 2)->aligns_to, 0);
    assert_int_equal(okr_objective_find(&p->fold, 3)->inherits, 0);
}

static void key_results_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    obj_add(p, "T2", "Another", "", "", 0, "");
    Cascade__V1__KeyResult v = CASCADE__V1__KEY_RESULT__INIT;
    v.title = "Revenue, recurring";
    v.start = 120;
    v.target = 260;
    v.unit = "EUR";
    v.owner = "alice";
    v.status = "at-risk";
    v.weight = 3;
    char *fields[] = {"title", "start", "target", "unit", "owner", "status", "weight"};
    Cascade__V1__KeyResultEdit e = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    e.workshop = "ABCDEF";
    e.id = "K1";
    e.n_fields = 7;
    e.fields = fields;
    e.values = &v;
    WireFrame f = REQ(key_result_edit, KEY_RESULT_EDIT, &e);
    step(p, &f, "kr.edit");
    /* A move, a metric turned milestone, and back. */
    char *move[] = {"objective"};
    v.objective = "O3";
    e.id = "K3";
    e.n_fields = 1;
    e.fields = move;
    step(p, &f, "kr.edit");
    char *kind[] = {"milestone"};
    v.milestone = 1;
    e.id = "K1";
    e.n_fields = 1;
    e.fields = kind;
    step(p, &f, "kr.edit");
    char *back[] = {"milestone", "start", "target"};
    v.milestone = 0;
    v.start = 5;
    v.target = 9;
    e.n_fields = 3;
    e.fields = back;
    step(p, &f, "kr.edit");
    assert_true(okr_key_result_find(&p->fold, 1)->current == 5);
}

static void checkins_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    checkin(p, "K1", 1, 140, 0, 0.7, "", "No budget");
    checkin(p, "K1", 1, 150, 0, -1, "off-track", "No budget");
    checkin(p, "K2", 1, 1, 1, -1, "", "");
    checkin(p, "K1", 0, 0, 0, 0.2, "at-risk", ""); /* clears the blocker */
    const struct okr_key_result *k = okr_key_result_find(&p->fold, 1);
    assert_true(k->current == 150);
    assert_string_equal(str(k->blocker), "");
    assert_int_equal(okr_key_result_find(&p->fold, 2)->done, 1);
}

static void kr_remove_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    team_add(p, "Team", "T2", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    obj_add(p, "T3", "Inherit", "", "K3", 0, "");
    Cascade__V1__CommentAdd c = CASCADE__V1__COMMENT_ADD__INIT;
    c.workshop = "ABCDEF";
    c.target = "K3";
    c.text = "Why?";
    WireFrame fc = REQ(comment_add, COMMENT_ADD, &c);
    step(p, &fc, "comment.add");
    Cascade__V1__KeyResultRemove r = CASCADE__V1__KEY_RESULT_REMOVE__INIT;
    r.workshop = "ABCDEF";
    r.id = "K3";
    r.force = 1;
    WireFrame fr = REQ(key_result_remove, KEY_RESULT_REMOVE, &r);
    step(p, &fr, "kr.remove");
    assert_int_equal(okr_objective_find(&p->fold, 3)->inherits, 0);
    assert_int_equal(p->fold.ncomments, 0);
}

static void initiatives_and_dependencies_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    Cascade__V1__InitiativeAdd i = CASCADE__V1__INITIATIVE_ADD__INIT;
    i.workshop = "ABCDEF";
    i.key_result = "K1";
    i.title = "Hire two reps";
    WireFrame fi = REQ(initiative_add, INITIATIVE_ADD, &i);
    step(p, &fi, "initiative.add");
    Cascade__V1__InitiativeDone d = CASCADE__V1__INITIATIVE_DONE__INIT;
    d.workshop = "ABCDEF";
    d.id = "I1";
    WireFrame fd = REQ(initiative_done, INITIATIVE_DONE, &d);
    step(p, &fd, "initiative.done");
    Cascade__V1__DependencyAdd dep = CASCADE__V1__DEPENDENCY_ADD__INIT;
    dep.workshop = "ABCDEF";
    dep.key_result = "K1";
    dep.depends_on = "K3";
    WireFrame fdep = REQ(dependency_add, DEPENDENCY_ADD, &dep);
    step(p, &fdep, "dependency.add");
    assert_int_equal(p->fold.ndependencies, 1);
}

static void comments_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    Cascade__V1__CommentAdd c = CASCADE__V1__COMMENT_ADD__INIT;
    c.workshop = "ABCDEF";
    c.target = "O1";
    c.text = "Too vague";
    WireFrame fc = REQ(comment_add, COMMENT_ADD, &c);
    step(p, &fc, "comment.add");
    p->actor = "bob";
    c.target = "K1";
    step(p, &fc, "comment.add");
    Cascade__V1__CommentResolve r = CASCADE__V1__COMMENT_RESOLVE__INIT;
    r.workshop = "ABCDEF";
    r.id = "C1";
    WireFrame fr = REQ(comment_resolve, COMMENT_RESOLVE, &r);
    step(p, &fr, "comment.resolve");
    r.reopen = 1;
    step(p, &fr, "comment.reopen");
    r.reopen = 0;
    step(p, &fr, "comment.resolve");
    Cascade__V1__CommentRemove d = CASCADE__V1__COMMENT_REMOVE__INIT;
    d.workshop = "ABCDEF";
    d.id = "C2";
    WireFrame fd = REQ(comment_remove, COMMENT_REMOVE, &d);
    step(p, &fd, "comment.remove");
    assert_string_equal(okr_comment_find(&p->fold, 1)->resolved_by, "bob");
}

static void closing_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    checkin(p, "K1", 1, 170, 0, -1, "", "");
    Cascade__V1__ObjectiveCloseNote n = CASCADE__V1__OBJECTIVE_CLOSE_NOTE__INIT;
    n.workshop = "ABCDEF";
    n.id = "O1";
    n.text = "Berlin slipped.";
    WireFrame fn = REQ(objective_close_note, OBJECTIVE_CLOSE_NOTE, &n);
    step(p, &fn, "objective.close_note");
    Cascade__V1__WorkshopClose c = CASCADE__V1__WORKSHOP_CLOSE__INIT;
    c.workshop = "ABCDEF";
    c.force = 1;
    WireFrame fc = REQ(workshop_close, WORKSHOP_CLOSE, &c);
    step(p, &fc, "workshop.close");
    assert_true(okr_key_result_find(&p->fold, 1)->graded);
    Cascade__V1__WorkshopReopen r = CASCADE__V1__WORKSHOP_REOPEN__INIT;
    r.workshop = "ABCDEF";
    WireFrame fr = REQ(workshop_reopen, WORKSHOP_REOPEN, &r);
    step(p, &fr, "workshop.reopen");
    assert_false(okr_key_result_find(&p->fold, 1)->graded);
    checkin(p, "K1", 1, 200, 0, -1, "", "");
    step(p, &fc, "workshop.close");
}

static int collect(void *arg, uint64_t seq, const char *type, const char *entity,
                   const struct buf *event)
{
    struct pair *p = arg;
    (void)seq;
    (void)type;
    (void)entity;
    char got[64];
    int rc = fold_packed(p, event, got, sizeof got);
    assert_true(rc == OKR_FOLD_APPLIED);
    return 0;
}

/* A workshop made by `workshop next`: its first events rebuild what it was
 * given, rationales and weights included. */
static void carried_fold(void **state)
{
    struct pair *p = *state;
    base(p);
    Cascade__V1__KeyResult v = CASCADE__V1__KEY_RESULT__INIT;
    v.weight = 2;
    char *fields[] = {"weight"};
    Cascade__V1__KeyResultEdit e = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    e.workshop = "ABCDEF";
    e.id = "K1";
    e.n_fields = 1;
    e.fields = fields;
    e.values = &v;
    WireFrame f = REQ(key_result_edit, KEY_RESULT_EDIT, &e);
    step(p, &f, "kr.edit");
    checkin(p, "K1", 1, 150, 0, 0.9, "", "");
    struct okr_state next;
    okr_state_init(&next);
    struct carry_choice choice = {.source_code = "ABCDEF", .all = 1};
    struct carry_notes notes = {0};
    char err[200];
    assert_int_equal(carry_state(&p->srv, &choice, &next, &notes, err, sizeof err), 0);
    /* The handler names each team's members for the events to carry. */
    struct okr_team *t2 = okr_team_find(&next, 2);
    t2->members = calloc(2, sizeof *t2->members);
    t2->members[0] = strdup("bob");
    t2->members[1] = strdup("carol");
    t2->nmembers = 2;
    okr_state_free(&p->fold);
    okr_state_init(&p->fold);
    struct apply_ctx ctx = {"GHIJKL", "alice", p->now_ms, known_user, NULL, NULL};
    assert_int_equal(apply_carry_events(&next, &ctx, "ABCDEF", 2, &notes, collect, p), 0);
    same(&next, &p->fold);
    assert_string_equal(okr_objective_find(&p->fold, 1)->rationale, "Because.");
    assert_true(okr_key_result_weight(okr_key_result_find(&p->fold, 1)) == 2);
    carry_notes_free(&notes);
    okr_state_free(&next);
}

/* ---- What the fold leaves alone, and what it refuses ---------------------- */

/* A hand-made event with up to three text fields (NULL name: none). */
struct hand {
    Cascade__V1__Event ev;
    Cascade__V1__FieldChange f[3], *fp[3];
    Cascade__V1__Value v[3];
};

static Cascade__V1__Event *hand(struct hand *h, uint64_t seq, const char *type,
                                const char *entity, const char *f1, const char *v1,
                                const char *f2, const char *v2)
{
    memset(h, 0, sizeof *h);
    cascade__v1__event__init(&h->ev);
    h->ev.seq = seq;
    h->ev.type = (char *)type;
    h->ev.entity = (char *)entity;
    h->ev.actor = "alice";
    h->ev.changes = h->fp;
    const char *names[2] = {f1, f2}, *values[2] = {v1, v2};
    for (int i = 0; i < 2 && names[i] != NULL; i++) {
        cascade__v1__field_change__init(&h->f[i]);
        cascade__v1__value__init(&h->v[i]);
        h->f[i].field = (char *)names[i];
        h->v[i].kind_case = CASCADE__V1__VALUE__KIND_TEXT;
        h->v[i].text = (char *)values[i];
        h->f[i].new_value = &h->v[i];
        h->fp[i] = &h->f[i];
        h->ev.n_changes++;
    }
    return &h->ev;
}

static void skipped_and_unknown(void **state)
{
    struct pair *p = *state;
    struct hand h;
    for (const char *const *t = okr_fold_skipped_types; *t != NULL; t++) {
        assert_int_equal(okr_fold_type(*t), OKR_FOLD_SKIPPED);
        assert_int_equal(okr_fold_event(&p->fold, hand(&h, p->fold.seq + 1, *t, "X", "a", "b",
                                                       NULL, NULL)),
                         OKR_FOLD_SKIPPED);
    }
    for (const char *const *t = okr_fold_applied_types; *t != NULL; t++)
        assert_int_equal(okr_fold_type(*t), OKR_FOLD_APPLIED);
    uint64_t seq = p->fold.seq;
    assert_int_equal(okr_fold_event(&p->fold, hand(&h, seq + 1, "team.rename", "T1", NULL, NULL,
                                                   NULL, NULL)),
                     OKR_FOLD_UNKNOWN);
    assert_int_equal(p->fold.seq, seq + 1);
    assert_int_equal(p->fold.nteams, 0);
}

static void misfits_refused(void **state)
{
    struct pair *p = *state;
    struct hand h;
    struct okr_state *s = &p->fold;
    assert_int_equal(okr_fold_event(s, hand(&h, 1, "team.add", "T1", "name", "A", "level",
                                            "company")), OKR_FOLD_APPLIED);
    /* Not after the last seq; an id taken; malformed ids; missing refs. */
    assert_int_equal(okr_fold_event(s, hand(&h, 1, "team.add", "T2", "name", "B", NULL, NULL)),
                     CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 2, "team.add", "T1", "name", "B", NULL, NULL)),
                     CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 3, "team.add", "T0", "name", "B", NULL, NULL)),
                     CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 4, "team.add", "O2", "name", "B", NULL, NULL)),
                     CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 5, "team.add", "T2", "name", "B", "parent",
                                            "T9")), CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 6, "team.add", "T4294967295", "name", "B", NULL,
                                            NULL)), CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 7, "objective.add", "O1", "team", "T7", "title",
                                            "x")), CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 8, "objective.add", "O1", "title", "x", NULL,
                                            NULL)), CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 9, "kr.edit", "K1", "title", "x", NULL, NULL)),
                     CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 10, "team.edit", "T1", "level", "galaxy", NULL,
                                            NULL)), CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 11, "objective.add", "O1", "team", "T1", "title",
                                            "x")), OKR_FOLD_APPLIED);
    /* A number field that holds text. */
    assert_int_equal(okr_fold_event(s, hand(&h, 12, "kr.add", "K1", "objective", "O1", "start",
                                            "7")), CAS_EINVAL);
    assert_int_equal(okr_fold_event(s, hand(&h, 13, "comment.add", "C1", "target", "D1", "text",
                                            "x")), CAS_EINVAL);
    assert_int_equal(s->nteams, 1);
    assert_int_equal(s->nobjectives, 1);
    assert_int_equal(s->nkey_results, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(teams_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(members_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(objectives_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(objective_remove_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(key_results_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(checkins_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(kr_remove_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(initiatives_and_dependencies_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(comments_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(closing_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(carried_fold, setup, teardown),
        cmocka_unit_test_setup_teardown(skipped_and_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(misfits_refused, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
