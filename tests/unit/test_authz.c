/* authz: every workshop request against every kind of caller — an
 * observer, a member of the team the request touches, a member of another
 * team, a facilitator, the administrator and someone who has not joined —
 * in a small workshop held in memory: T1 (O1, K1, I1) and T2 (O2, K2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "authz.h"
#include "errors.h"

enum caller { OBSERVER, TEAM_MEMBER, OTHER_MEMBER, FACILITATOR, ADMIN, STRANGER, NCALLERS };

struct fixture {
    struct workshop w;
    struct participant people[4]; /* observer, member of T1, member of T2, facilitator */
    struct team_member memberships[3];
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
        struct okr_key_result k = {.num = t, .objective = t, .title = xstrdup("kr"),
                                   .owner = xstrdup(""), .unit = xstrdup(""), .target = 1};
        assert_non_null(okr_key_result_insert(&w->state, &k));
    }
    struct okr_initiative i = {.num = 1, .key_result = 1, .title = xstrdup("initiative")};
    assert_non_null(okr_initiative_insert(&w->state, &i));
    /* C1 on O1 by the facilitator, C2 on O1 by otto (a member of T2 only). */
    struct okr_comment c1 = {.num = 1, .target_kind = OKR_OBJECTIVE, .target = 1,
                             .author = xstrdup("alice"), .text = xstrdup("why?")};
    assert_non_null(okr_comment_insert(&w->state, &c1));
    struct okr_comment c2 = {.num = 2, .target_kind = OKR_OBJECTIVE, .target = 1,
                             .author = xstrdup("otto"), .text = xstrdup("how?")};
    assert_non_null(okr_comment_insert(&w->state, &c2));
    static const char *const NAMES[] = {"olga", "tina", "otto", "alice"};
    static const int ROLES[] = {CASCADE__V1__ROLE__OBSERVER, CASCADE__V1__ROLE__MEMBER,
                                CASCADE__V1__ROLE__MEMBER, CASCADE__V1__ROLE__FACILITATOR};
    for (int p = 0; p < 4; p++) {
        fx->people[p].user_id = p + 1;
        strcpy(fx->people[p].name, NAMES[p]);
        fx->people[p].role = ROLES[p];
    }
    w->participants = fx->people;
    w->nparticipants = 4;
    fx->memberships[0] = (struct team_member){1, 2}; /* tina in T1 */
    fx->memberships[1] = (struct team_member){2, 3}; /* otto in T2 */
    w->team_members = fx->memberships;
    w->nteam_members = 2;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    okr_state_free(&fx->w.state);
    free(fx);
    return 0;
}

/* Runs authz_check for one caller; 0 or the refusal, its message in msg. */
static int check_as(struct fixture *fx, enum caller who, const WireFrame *f, char *msg, size_t len)
{
    msg[0] = '\0';
    const struct participant *p = NULL;
    if (who == OBSERVER)
        p = &fx->people[0];
    else if (who == TEAM_MEMBER)
        p = &fx->people[1];
    else if (who == OTHER_MEMBER)
        p = &fx->people[2];
    else if (who == FACILITATOR)
        p = &fx->people[3];
    return authz_check(&fx->w, p, who == ADMIN, f, msg, len);
}

/* Every request, each aimed at T1's entities. */
struct request {
    const char *name;
    WireFrame f;
    enum authz_need need;
};

#define ID(x) ((char *)(x))

static void test_every_request_every_caller(void **state)
{
    struct fixture *fx = *state;
    Cascade__V1__SnapshotRequest snap = CASCADE__V1__SNAPSHOT_REQUEST__INIT;
    Cascade__V1__Subscribe sub = CASCADE__V1__SUBSCRIBE__INIT;
    Cascade__V1__Unsubscribe unsub = CASCADE__V1__UNSUBSCRIBE__INIT;
    Cascade__V1__PresenceQuery pq = CASCADE__V1__PRESENCE_QUERY__INIT;
    Cascade__V1__KeyResultHistory hist = CASCADE__V1__KEY_RESULT_HISTORY__INIT;
    hist.key_result = ID("K1");
    Cascade__V1__Editing editing = CASCADE__V1__EDITING__INIT;
    editing.entity = ID("K1");
    Cascade__V1__CommentAdd comment = CASCADE__V1__COMMENT_ADD__INIT;
    comment.target = ID("O1");
    Cascade__V1__ObjectiveAdd oadd = CASCADE__V1__OBJECTIVE_ADD__INIT;
    oadd.team = ID("T1");
    Cascade__V1__ObjectiveEdit oedit = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    oedit.id = ID("O1");
    Cascade__V1__ObjectiveRemove orm = CASCADE__V1__OBJECTIVE_REMOVE__INIT;
    orm.id = ID("O1");
    Cascade__V1__ObjectiveCheck ocheck = CASCADE__V1__OBJECTIVE_CHECK__INIT;
    ocheck.id = ID("o1");
    Cascade__V1__KeyResultAdd kadd = CASCADE__V1__KEY_RESULT_ADD__INIT;
    kadd.objective = ID("O1");
    Cascade__V1__KeyResultEdit kedit = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    kedit.id = ID("K1");
    Cascade__V1__KeyResultRemove krm = CASCADE__V1__KEY_RESULT_REMOVE__INIT;
    krm.id = ID("K1");
    Cascade__V1__CheckIn checkin = CASCADE__V1__CHECK_IN__INIT;
    checkin.key_result = ID("K1");
    Cascade__V1__InitiativeAdd iadd = CASCADE__V1__INITIATIVE_ADD__INIT;
    iadd.key_result = ID("K1");
    Cascade__V1__InitiativeDone idone = CASCADE__V1__INITIATIVE_DONE__INIT;
    idone.id = ID("I1");
    Cascade__V1__DependencyAdd dep = CASCADE__V1__DEPENDENCY_ADD__INIT;
    dep.key_result = ID("K1");
    dep.depends_on = ID("K2");
    Cascade__V1__TeamAdd tadd = CASCADE__V1__TEAM_ADD__INIT;
    Cascade__V1__TeamMemberAdd tmadd = CASCADE__V1__TEAM_MEMBER_ADD__INIT;
    Cascade__V1__Invite invite = CASCADE__V1__INVITE__INIT;
    Cascade__V1__RoleSet roleset = CASCADE__V1__ROLE_SET__INIT;
    Cascade__V1__Kick kick = CASCADE__V1__KICK__INIT;
    Cascade__V1__TeamEdit tedit = CASCADE__V1__TEAM_EDIT__INIT;
    tedit.id = ID("T1");
    Cascade__V1__TeamRemove trm = CASCADE__V1__TEAM_REMOVE__INIT;
    trm.id = ID("T1");
    Cascade__V1__TeamMemberRemove tmrm = CASCADE__V1__TEAM_MEMBER_REMOVE__INIT;
    Cascade__V1__WorkshopSet wset = CASCADE__V1__WORKSHOP_SET__INIT;
    Cascade__V1__InviteList ilist = CASCADE__V1__INVITE_LIST__INIT;
    Cascade__V1__InviteRevoke irevoke = CASCADE__V1__INVITE_REVOKE__INIT;
    Cascade__V1__ParticipantList plist = CASCADE__V1__PARTICIPANT_LIST__INIT;
    Cascade__V1__CommentResolve resolve = CASCADE__V1__COMMENT_RESOLVE__INIT;
    resolve.id = ID("C1");
    Cascade__V1__RoundStart rstart = CASCADE__V1__ROUND_START__INIT;
    Cascade__V1__RoundSubmit rsubmit = CASCADE__V1__ROUND_SUBMIT__INIT;
    rsubmit.key_result = ID("K1");
    Cascade__V1__RoundStatus rstatus = CASCADE__V1__ROUND_STATUS__INIT;
    Cascade__V1__RoundReveal rreveal = CASCADE__V1__ROUND_REVEAL__INIT;
    struct request reqs[] = {
#define R(name, body, field, ptr, need) \
    {name, {.base = PROTOBUF_C_MESSAGE_INIT(&cascade__v1__frame__descriptor), .request_id = 1, \
            .body_case = CASCADE__V1__FRAME__BODY_##body, .field = ptr}, need}
        R("SnapshotRequest", SNAPSHOT_REQUEST, snapshot_request, &snap, AUTHZ_READ),
        R("Subscribe", SUBSCRIBE, subscribe, &sub, AUTHZ_READ),
        R("Unsubscribe", UNSUBSCRIBE, unsubscribe, &unsub, AUTHZ_READ),
        R("PresenceQuery", PRESENCE_QUERY, presence_query, &pq, AUTHZ_READ),
        R("KeyResultHistory", KEY_RESULT_HISTORY, key_result_history, &hist, AUTHZ_READ),
        R("Editing", EDITING, editing, &editing, AUTHZ_PRESENCE),
        R("CommentAdd", COMMENT_ADD, comment_add, &comment, AUTHZ_COMMENT),
        R("ObjectiveAdd", OBJECTIVE_ADD, objective_add, &oadd, AUTHZ_EDIT_TEAM),
        R("ObjectiveEdit", OBJECTIVE_EDIT, objective_edit, &oedit, AUTHZ_EDIT_TEAM),
        R("ObjectiveRemove", OBJECTIVE_REMOVE, objective_remove, &orm, AUTHZ_EDIT_TEAM),
        R("ObjectiveCheck", OBJECTIVE_CHECK, objective_check, &ocheck, AUTHZ_EDIT_TEAM),
        R("KeyResultAdd", KEY_RESULT_ADD, key_result_add, &kadd, AUTHZ_EDIT_TEAM),
        R("KeyResultEdit", KEY_RESULT_EDIT, key_result_edit, &kedit, AUTHZ_EDIT_TEAM),
        R("KeyResultRemove", KEY_RESULT_REMOVE, key_result_remove, &krm, AUTHZ_EDIT_TEAM),
        R("CheckIn", CHECK_IN, check_in, &checkin, AUTHZ_CHECK_IN),
        R("InitiativeAdd", INITIATIVE_ADD, initiative_add, &iadd, AUTHZ_EDIT_TEAM),
        R("InitiativeDone", INITIATIVE_DONE, initiative_done, &idone, AUTHZ_EDIT_TEAM),
        R("DependencyAdd", DEPENDENCY_ADD, dependency_add, &dep, AUTHZ_EDIT_TEAM),
        R("TeamAdd", TEAM_ADD, team_add, &tadd, AUTHZ_FACILITATOR),
        R("TeamMemberAdd", TEAM_MEMBER_ADD, team_member_add, &tmadd, AUTHZ_FACILITATOR),
        R("Invite", INVITE, invite, &invite, AUTHZ_FACILITATOR),
        R("RoleSet", ROLE_SET, role_set, &roleset, AUTHZ_FACILITATOR),
        R("Kick", KICK, kick, &kick, AUTHZ_FACILITATOR),
        R("TeamEdit", TEAM_EDIT, team_edit, &tedit, AUTHZ_FACILITATOR),
        R("TeamRemove", TEAM_REMOVE, team_remove, &trm, AUTHZ_FACILITATOR),
        R("TeamMemberRemove", TEAM_MEMBER_REMOVE, team_member_remove, &tmrm, AUTHZ_FACILITATOR),
        R("WorkshopSet", WORKSHOP_SET, workshop_set, &wset, AUTHZ_FACILITATOR),
        R("InviteList", INVITE_LIST, invite_list, &ilist, AUTHZ_FACILITATOR),
        R("InviteRevoke", INVITE_REVOKE, invite_revoke, &irevoke, AUTHZ_FACILITATOR),
        R("ParticipantList", PARTICIPANT_LIST, participant_list, &plist, AUTHZ_READ),
        R("CommentResolve", COMMENT_RESOLVE, comment_resolve, &resolve, AUTHZ_EDIT_TEAM),
        /* A confidence round: submitting is for whoever may check K1 in. */
        R("RoundStart", ROUND_START, round_start, &rstart, AUTHZ_FACILITATOR),
        R("RoundSubmit", ROUND_SUBMIT, round_submit, &rsubmit, AUTHZ_CHECK_IN),
        R("RoundStatus", ROUND_STATUS, round_status, &rstatus, AUTHZ_READ),
        R("RoundReveal", ROUND_REVEAL, round_reveal, &rreveal, AUTHZ_FACILITATOR),
#undef R
    };
    char msg[300];
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        const struct request *r = &reqs[i];
        print_message("%s\n", r->name);
        assert_int_equal(authz_need_of(&r->f), r->need);
        for (int who = 0; who < NCALLERS; who++) {
            int allowed;
            switch (who) {
            case ADMIN:
            case FACILITATOR: allowed = 1; break;
            case STRANGER: allowed = 0; break;
            case OBSERVER: allowed = r->need == AUTHZ_READ; break;
            case TEAM_MEMBER: allowed = r->need != AUTHZ_FACILITATOR; break;
            default:
                allowed = r->need != AUTHZ_FACILITATOR && r->need != AUTHZ_EDIT_TEAM &&
                          r->need != AUTHZ_CHECK_IN; /* K1 has no owner here */
                break;
            }
            int rc = check_as(fx, who, &r->f, msg, sizeof msg);
            if (allowed) {
                assert_int_equal(rc, 0);
                continue;
            }
            assert_int_not_equal(rc, 0);
            if (who == STRANGER)
                assert_string_equal(msg, "You have not joined workshop ABCDEF; run 'cascade "
                                         "join ABCDEF' first.");
            else if (r->need == AUTHZ_FACILITATOR)
                assert_non_null(strstr(msg, "Only a facilitator can "));
            else if (who == OBSERVER)
                assert_string_equal(msg, "Observers can read but not change the cascade.");
            else
                assert_string_equal(msg, "You are not a member of T1; ask a facilitator to add "
                                         "you with 'cascade team member add T1 otto'.");
        }
    }
}

/* Which team each change touches, through the entities it names. */
static void test_team_of(void **state)
{
    struct fixture *fx = *state;
    const struct okr_state *s = &fx->w.state;
    Cascade__V1__KeyResultEdit kedit = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    f.key_result_edit = &kedit;
    kedit.id = ID("K2");
    assert_int_equal(authz_team_of(s, &f), 2);
    kedit.id = ID("K99");
    assert_int_equal(authz_team_of(s, &f), 0);
    kedit.id = ID("nonsense");
    assert_int_equal(authz_team_of(s, &f), 0);
    Cascade__V1__DependencyAdd dep = CASCADE__V1__DEPENDENCY_ADD__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD;
    f.dependency_add = &dep;
    dep.key_result = ID("K2");
    dep.depends_on = ID("K1");
    assert_int_equal(authz_team_of(s, &f), 2);
    Cascade__V1__InitiativeDone idone = CASCADE__V1__INITIATIVE_DONE__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_INITIATIVE_DONE;
    f.initiative_done = &idone;
    idone.id = ID("I1");
    assert_int_equal(authz_team_of(s, &f), 1);
}

/* An entity that does not exist is apply's to refuse (NOT_FOUND), not
 * authz's; an observer is refused whatever the entity. */
static void test_unknown_entities_pass_to_apply(void **state)
{
    struct fixture *fx = *state;
    char msg[300];
    Cascade__V1__CheckIn checkin = CASCADE__V1__CHECK_IN__INIT;
    checkin.key_result = ID("K42");
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    f.check_in = &checkin;
    assert_int_equal(check_as(fx, OTHER_MEMBER, &f, msg, sizeof msg), 0);
    assert_int_not_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
    Cascade__V1__ObjectiveAdd oadd = CASCADE__V1__OBJECTIVE_ADD__INIT;
    oadd.team = ID("");
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD;
    f.objective_add = &oadd;
    assert_int_equal(check_as(fx, OTHER_MEMBER, &f, msg, sizeof msg), 0);
}

/* Requests that do not act on a workshop's contents are not authz's. */
/* The owner of a key result checks it in wherever its team is, and only
 * checks in: editing it stays with its team. */
static void test_owner_checks_in(void **state)
{
    struct fixture *fx = *state;
    struct okr_key_result *k = okr_key_result_find(&fx->w.state, 1); /* in T1 */
    free(k->owner);
    k->owner = xstrdup("otto"); /* a member of T2 only */
    char msg[300];
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.workshop = ID("ABCDEF");
    ci.key_result = ID("K1");
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    f.check_in = &ci;
    assert_int_equal(check_as(fx, OTHER_MEMBER, &f, msg, sizeof msg), 0);
    Cascade__V1__KeyResultEdit ke = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    ke.workshop = ID("ABCDEF");
    ke.id = ID("K1");
    WireFrame e = CASCADE__V1__FRAME__INIT;
    e.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    e.key_result_edit = &ke;
    assert_int_not_equal(check_as(fx, OTHER_MEMBER, &e, msg, sizeof msg), 0);
    /* An observer who owns it still only reads. */
    free(k->owner);
    k->owner = xstrdup("olga");
    assert_int_not_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
    assert_string_equal(msg, "Observers can read but not change the cascade.");
}

/* Facilitators may let observers comment; they then remove only their own
 * comments, and still change nothing else. */
static void test_observer_comments(void **state)
{
    struct fixture *fx = *state;
    char msg[300];
    Cascade__V1__CommentAdd ca = CASCADE__V1__COMMENT_ADD__INIT;
    ca.target = ID("O1");
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_COMMENT_ADD;
    f.comment_add = &ca;
    assert_int_not_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
    fx->w.observer_comments = 1;
    assert_int_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
    struct okr_comment mine = {.num = 3, .target_kind = OKR_OBJECTIVE, .target = 1,
                               .author = xstrdup("olga"), .text = xstrdup("ok")};
    assert_non_null(okr_comment_insert(&fx->w.state, &mine));
    Cascade__V1__CommentRemove cr = CASCADE__V1__COMMENT_REMOVE__INIT;
    cr.id = ID("C3");
    f.body_case = CASCADE__V1__FRAME__BODY_COMMENT_REMOVE;
    f.comment_remove = &cr;
    assert_int_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
    cr.id = ID("C1");
    assert_int_not_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
    assert_string_equal(msg, "Only alice, who wrote it, or a facilitator can remove C1.");
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.key_result = ID("K1");
    f.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    f.check_in = &ci;
    assert_int_not_equal(check_as(fx, OBSERVER, &f, msg, sizeof msg), 0);
}

/* Moving something needs the right to edit where it lands; resolving a
 * comment is for its target's team and its author. */
static void test_moves_and_resolving(void **state)
{
    struct fixture *fx = *state;
    char msg[300];
    char *team_field[] = {"team"};
    Cascade__V1__Objective ov = CASCADE__V1__OBJECTIVE__INIT;
    ov.team = ID("T2");
    Cascade__V1__ObjectiveEdit oe = CASCADE__V1__OBJECTIVE_EDIT__INIT;
    oe.id = ID("O1");
    oe.fields = team_field;
    oe.n_fields = 1;
    oe.values = &ov;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT;
    f.objective_edit = &oe;
    assert_int_not_equal(check_as(fx, TEAM_MEMBER, &f, msg, sizeof msg), 0);
    assert_string_equal(msg, "You are not a member of T2; ask a facilitator to add you with "
                             "'cascade team member add T2 tina'.");
    char *move_field[] = {"objective"};
    Cascade__V1__KeyResult kv = CASCADE__V1__KEY_RESULT__INIT;
    kv.objective = ID("O2");
    Cascade__V1__KeyResultEdit ke = CASCADE__V1__KEY_RESULT_EDIT__INIT;
    ke.id = ID("K1");
    ke.fields = move_field;
    ke.n_fields = 1;
    ke.values = &kv;
    WireFrame k = CASCADE__V1__FRAME__INIT;
    k.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT;
    k.key_result_edit = &ke;
    assert_int_not_equal(check_as(fx, TEAM_MEMBER, &k, msg, sizeof msg), 0);
    fx->memberships[2] = (struct team_member){2, 2}; /* tina joins T2 too */
    fx->w.nteam_members = 3;
    assert_int_equal(check_as(fx, TEAM_MEMBER, &f, msg, sizeof msg), 0);
    assert_int_equal(check_as(fx, TEAM_MEMBER, &k, msg, sizeof msg), 0);

    Cascade__V1__CommentResolve cr = CASCADE__V1__COMMENT_RESOLVE__INIT;
    cr.id = ID("C2"); /* otto's, on T1's O1 */
    WireFrame r = CASCADE__V1__FRAME__INIT;
    r.body_case = CASCADE__V1__FRAME__BODY_COMMENT_RESOLVE;
    r.comment_resolve = &cr;
    assert_int_equal(check_as(fx, OTHER_MEMBER, &r, msg, sizeof msg), 0);
    cr.id = ID("C1"); /* alice's */
    assert_int_not_equal(check_as(fx, OTHER_MEMBER, &r, msg, sizeof msg), 0);
    assert_int_equal(check_as(fx, TEAM_MEMBER, &r, msg, sizeof msg), 0);
    assert_int_not_equal(check_as(fx, OBSERVER, &r, msg, sizeof msg), 0);
}

static void test_other_requests(void **state)
{
    struct fixture *fx = *state;
    char msg[300];
    Cascade__V1__Join join = CASCADE__V1__JOIN__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_JOIN;
    f.join = &join;
    assert_int_equal(authz_need_of(&f), AUTHZ_NONE);
    assert_int_equal(check_as(fx, STRANGER, &f, msg, sizeof msg), 0);
}

/* Codes are 10 characters now; the 6 of earlier ones still work, typed in
 * any case and with dashes or spaces. */
static void test_code_lengths(void **state)
{
    (void)state;
    char out[WORKSHOP_CODE_LEN + 1];
    assert_int_equal(workshop_code_normalize("abcde-fghjk", out), 0);
    assert_string_equal(out, "ABCDEFGHJK");
    assert_int_equal(workshop_code_normalize("hk6-nsq", out), 0);
    assert_string_equal(out, "HK6NSQ");
    assert_int_equal(workshop_code_normalize("ABCDEFG", out), CAS_EINVAL);
    assert_int_equal(workshop_code_normalize("ABCDEFGHJKM", out), CAS_EINVAL);
    assert_int_equal(workshop_code_normalize("ABCDE/GHJK", out), CAS_EINVAL);
    assert_int_equal(workshop_code_normalize("", out), CAS_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_request_every_caller, setup, teardown),
        cmocka_unit_test_setup_teardown(test_team_of, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_entities_pass_to_apply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_owner_checks_in, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_requests, setup, teardown),
        cmocka_unit_test_setup_teardown(test_observer_comments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moves_and_resolving, setup, teardown),
        cmocka_unit_test(test_code_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
