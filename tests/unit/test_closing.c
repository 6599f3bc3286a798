/* Closing the quarter: the grades fixed at the close (common/closing.c)
 * against figures worked by hand, the closing notes a close asks for, the
 * appliers of close, reopen and close-note (apply/apply_close.c), and the
 * refusal a closed workshop gives every change (apply/authz.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "authz.h"
#include "closing.h"
#include "frame.h"
#include "score.h"
#include "workshop.h"

static const struct apply_ctx CTX = {"ABCDEF", "alice", 1796140980000, NULL, NULL, NULL};

static void team(struct okr_state *s, uint32_t num, const char *name, uint32_t parent)
{
    struct okr_team t = {.num = num, .name = strdup(name), .parent = parent, .version = 1};
    assert_non_null(okr_team_insert(s, &t));
}

static void objective(struct okr_state *s, uint32_t num, uint32_t t, const char *title,
                      int committed, uint32_t inherits)
{
    struct okr_objective o = {.num = num, .team = t, .title = strdup(title), .owner = strdup(""),
                              .rationale = strdup(""), .committed = committed,
                              .inherits = inherits, .version = 1};
    assert_non_null(okr_objective_insert(s, &o));
}

/* A metric from start to target at current; weight 0 means the default. */
static void metric(struct okr_state *s, uint32_t num, uint32_t o, double start, double target,
                   double current, double weight)
{
    struct okr_key_result k = {.num = num, .objective = o, .title = strdup("measure"),
                               .owner = strdup(""), .unit = strdup(""), .start = start,
                               .target = target, .current = current, .version = 1,
                               .has_weight = weight != 0, .weight = weight};
    assert_non_null(okr_key_result_insert(s, &k));
}

static void milestone(struct okr_state *s, uint32_t num, uint32_t o, int done)
{
    struct okr_key_result k = {.num = num, .objective = o, .title = strdup("milestone"),
                               .owner = strdup(""), .unit = strdup(""), .milestone = 1,
                               .done = done, .version = 1};
    assert_non_null(okr_key_result_insert(s, &k));
}

/* The cascade of tests/integration/test_close.sh, worked by hand there:
 * O1 (weights 3:1:1) = (3 x 0.5 + 1 + 0.2) / 5 = 0.54; O2 (inherits K3) =
 * (0.4 + 0) / 2 = 0.2; O3 committed, all hit: 1; O4 committed, K7 at 0.4: 0. */
static void build(struct okr_state *s)
{
    okr_state_init(s);
    team(s, 1, "Acme", 0);
    team(s, 2, "Sales", 1);
    objective(s, 1, 1, "Keep and grow our customers", 0, 0);
    metric(s, 1, 1, 8, 2, 5, 3); /* decreasing: (5 - 8) / (2 - 8) = 0.5 */
    milestone(s, 2, 1, 1);
    metric(s, 3, 1, 20, 50, 20, 0); /* its own progress 0, but O2 inherits it */
    objective(s, 2, 2, "Delight every customer", 0, 3);
    metric(s, 4, 2, 0, 100, 40, 0);
    milestone(s, 5, 2, 0);
    objective(s, 3, 2, "Ship the partner programme", 1, 0);
    milestone(s, 6, 3, 1);
    objective(s, 4, 2, "Improve onboarding", 1, 0);
    metric(s, 7, 4, 0, 10, 4, 0);
    s->seq = 20;
}

static void grades_are_fixed_as_worked_by_hand(void **state)
{
    (void)state;
    struct okr_state s;
    build(&s);
    assert_float_equal(score_objective(&s, okr_objective_find(&s, 1)), 0.54, 1e-9);
    closing_fix_grades(&s);
    const double objectives[] = {0.5, 0.2, 1.0, 0.0};
    const double key_results[] = {0.5, 1.0, 0.2, 0.4, 0.0, 1.0, 0.4};
    for (uint32_t i = 1; i <= 4; i++) {
        const struct okr_objective *o = okr_objective_find(&s, i);
        assert_true(o->graded);
        assert_float_equal(o->final_score, objectives[i - 1], 1e-9);
        assert_float_equal(closing_objective_score(&s, o), objectives[i - 1], 1e-9);
    }
    for (uint32_t i = 1; i <= 7; i++) {
        const struct okr_key_result *k = okr_key_result_find(&s, i);
        assert_true(k->graded);
        assert_float_equal(k->final_score, key_results[i - 1], 1e-9);
        assert_float_equal(closing_key_result_score(&s, k), key_results[i - 1], 1e-9);
    }
    assert_int_equal(score_colour(okr_objective_find(&s, 1)->final_score), SCORE_ORANGE);
    assert_int_equal(score_colour(okr_objective_find(&s, 3)->final_score), SCORE_GREEN);
    /* A fixed grade stays, whatever the live figures do. */
    okr_key_result_find(&s, 7)->current = 10;
    assert_float_equal(closing_objective_score(&s, okr_objective_find(&s, 4)), 0.0, 1e-9);
    assert_float_equal(score_objective(&s, okr_objective_find(&s, 4)), 1.0, 1e-9);
    closing_drop_grades(&s);
    assert_false(okr_objective_find(&s, 4)->graded);
    assert_false(okr_key_result_find(&s, 7)->graded);
    assert_float_equal(closing_objective_score(&s, okr_objective_find(&s, 4)), 1.0, 1e-9);
    okr_state_free(&s);
}

static void grades_round_half_up(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    team(&s, 1, "Acme", 0);
    objective(&s, 1, 1, "Half way", 0, 0);
    metric(&s, 1, 1, 0, 100, 45, 0);
    metric(&s, 2, 1, 0, 100, 65, 0);
    objective(&s, 2, 1, "Empty", 1, 0);
    closing_fix_grades(&s);
    assert_float_equal(okr_key_result_find(&s, 1)->final_score, 0.5, 1e-9);
    assert_float_equal(okr_key_result_find(&s, 2)->final_score, 0.7, 1e-9);
    assert_float_equal(okr_objective_find(&s, 1)->final_score, 0.6, 1e-9); /* 0.55 */
    assert_true(okr_objective_find(&s, 2)->graded); /* nothing measured: 0 */
    assert_float_equal(okr_objective_find(&s, 2)->final_score, 0.0, 1e-9);
    okr_state_free(&s);
}

static void committed_red_objectives_need_a_note(void **state)
{
    (void)state;
    struct okr_state s;
    char msg[640];
    build(&s);
    /* O2 is red but aspirational, O3 committed but green: only O4. */
    assert_int_equal(closing_missing_notes(&s), 1);
    assert_false(closing_needs_note(&s, okr_objective_find(&s, 2)));
    assert_false(closing_needs_note(&s, okr_objective_find(&s, 3)));
    closing_describe_missing(&s, msg, sizeof msg);
    assert_string_equal(msg, "O4 Improve onboarding (team Sales, 0.0 red) has no closing note; "
                             "write one with `cascade obj close-note O4 TEXT`, or close with "
                             "--force.");
    okr_objective_find(&s, 4)->close_note = strdup("The CRM slipped.");
    assert_int_equal(closing_missing_notes(&s), 0);
    /* Archived objectives are put away: no note for them. */
    objective(&s, 5, 2, "Old plan", 1, 0);
    okr_objective_find(&s, 5)->status = OKR_ARCHIVED;
    assert_int_equal(closing_missing_notes(&s), 0);
    /* Many: as many as fit, then how many more; always one sentence. */
    char title[64];
    for (uint32_t i = 10; i < 40; i++) {
        snprintf(title, sizeof title, "A committed objective, number %u", i);
        objective(&s, i, 2, title, 1, 0);
    }
    assert_int_equal(closing_missing_notes(&s), 30);
    closing_describe_missing(&s, msg, sizeof msg);
    assert_non_null(strstr(msg, "O10 A committed objective, number 10 (team Sales, 0.0 red), O11 "));
    assert_non_null(strstr(msg, " more have no closing note; write one for each with `cascade obj "
                                "close-note O# TEXT`, or close with --force."));
    assert_true(strlen(msg) < sizeof msg - 1);
    okr_state_free(&s);
}

/* ---- The appliers ----------------------------------------------------------- */

static WireFrame close_frame(Cascade__V1__WorkshopClose *m, int force)
{
    cascade__v1__workshop_close__init(m);
    m->workshop = "ABCDEF";
    m->force = force;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_CLOSE;
    f.workshop_close = m;
    return f;
}

static WireFrame reopen_frame(Cascade__V1__WorkshopReopen *m)
{
    cascade__v1__workshop_reopen__init(m);
    m->workshop = "ABCDEF";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_REOPEN;
    f.workshop_reopen = m;
    return f;
}

static WireFrame note_frame(Cascade__V1__ObjectiveCloseNote *m, const char *id, const char *text)
{
    cascade__v1__objective_close_note__init(m);
    m->workshop = "ABCDEF";
    m->id = (char *)id;
    m->text = (char *)text;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_CLOSE_NOTE;
    f.objective_close_note = m;
    return f;
}

static WireFrame *unpack(const struct buf *b)
{
    assert_true(b->len > FRAME_HEADER_LEN);
    WireFrame *f = wire_unpack(b->data + FRAME_HEADER_LEN, b->len - FRAME_HEADER_LEN, SIZE_MAX);
    assert_non_null(f);
    return f;
}

static const Cascade__V1__FieldChange *field(const Cascade__V1__Event *ev, const char *name)
{
    for (size_t i = 0; i < ev->n_changes; i++)
        if (strcmp(ev->changes[i]->field, name) == 0)
            return ev->changes[i];
    return NULL;
}

/* Applies req expecting a refusal with code and needle; nothing moves. */
static void refused(struct okr_state *s, const WireFrame *req, Cascade__V1__ErrorCode code,
                    const char *needle)
{
    uint64_t seq = s->seq;
    int closed = closing_is_closed(s);
    struct apply_result r;
    assert_int_not_equal(apply_request(s, &CTX, req, &r), 0);
    assert_int_equal(r.code, code);
    if (strstr(r.message, needle) == NULL)
        fail_msg("message '%s' lacks '%s'", r.message, needle);
    assert_int_equal(s->seq, seq);
    assert_int_equal(closing_is_closed(s), closed);
    apply_result_free(&r);
}

static void close_and_reopen(void **state)
{
    (void)state;
    struct okr_state s;
    build(&s);
    Cascade__V1__WorkshopClose cm;
    Cascade__V1__WorkshopReopen rm;
    Cascade__V1__ObjectiveCloseNote nm;
    WireFrame close = close_frame(&cm, 0), reopen = reopen_frame(&rm);
    refused(&s, &close, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "O4 Improve onboarding (team Sales, 0.0 red) has no closing note");
    assert_false(okr_objective_find(&s, 1)->graded);
    refused(&s, &reopen, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
            "Workshop ABCDEF is open; there is nothing to reopen.");

    /* --force closes all the same, and says what it left without a note. */
    WireFrame forced = close_frame(&cm, 1);
    struct apply_result r;
    assert_int_equal(apply_request(&s, &CTX, &forced, &r), 0);
    assert_int_equal(r.seq, 21);
    assert_true(r.closing);
    assert_string_equal(r.subject, "ABCDEF");
    assert_string_equal(s.closed_by, "alice");
    assert_int_equal(s.closed_ms, CTX.now_ms);
    assert_float_equal(okr_objective_find(&s, 1)->final_score, 0.5, 1e-9);
    WireFrame *ack = unpack(&r.ack);
    assert_string_equal(ack->ack->note, "Closed without a closing note for O4.");
    wire_free(ack);
    WireFrame *ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "workshop.close");
    assert_string_equal(ev->event->entity, "ABCDEF");
    assert_string_equal(field(ev->event, "state")->new_value->text, "closed");
    assert_float_equal(field(ev->event, "objectives")->new_value->number, 4, 0);
    assert_float_equal(field(ev->event, "green")->new_value->number, 1, 0);
    assert_float_equal(field(ev->event, "orange")->new_value->number, 1, 0);
    assert_float_equal(field(ev->event, "red")->new_value->number, 2, 0);
    assert_true(field(ev->event, "forced")->new_value->flag);
    wire_free(ev);
    apply_result_free(&r);

    /* Closed: a second close says so. */
    refused(&s, &close, CASCADE__V1__ERROR_CODE__WORKSHOP_CLOSED,
            "Workshop ABCDEF is closed (closed by alice on 2026-12-01 16:03 UTC); a facilitator "
            "can reopen it with `cascade workshop reopen`.");

    assert_int_equal(apply_request(&s, &CTX, &reopen, &r), 0);
    assert_true(r.closing);
    assert_false(closing_is_closed(&s));
    assert_false(okr_objective_find(&s, 1)->graded);
    assert_false(okr_key_result_find(&s, 1)->graded);
    ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "workshop.reopen");
    assert_string_equal(field(ev->event, "closed_by")->old_value->text, "alice");
    wire_free(ev);
    apply_result_free(&r);

    /* With the note written, a plain close goes through and is not forced. */
    WireFrame note = note_frame(&nm, "O4", "The CRM slipped to January.");
    assert_int_equal(apply_request(&s, &CTX, &note, &r), 0);
    apply_result_free(&r);
    assert_int_equal(apply_request(&s, &CTX, &close, &r), 0);
    ack = unpack(&r.ack);
    assert_string_equal(ack->ack->note, "");
    wire_free(ack);
    ev = unpack(&r.event);
    assert_null(field(ev->event, "forced"));
    wire_free(ev);
    apply_result_free(&r);
    okr_state_free(&s);
}

static void close_notes(void **state)
{
    (void)state;
    struct okr_state s;
    build(&s);
    Cascade__V1__ObjectiveCloseNote nm;
    WireFrame f = note_frame(&nm, "O99", "Gone");
    refused(&s, &f, CASCADE__V1__ERROR_CODE__NOT_FOUND, "There is no objective O99");
    f = note_frame(&nm, "K1", "Wrong kind");
    refused(&s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "is not an objective id");
    f = note_frame(&nm, "O4", "");
    refused(&s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "closing note");
    char *long_text = malloc(2002);
    memset(long_text, 'x', 2001);
    long_text[2001] = '\0';
    f = note_frame(&nm, "O4", long_text);
    refused(&s, &f, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "2000");
    free(long_text);
    assert_null(okr_objective_find(&s, 4)->close_note);

    f = note_frame(&nm, "O4", "The CRM slipped.\nHiring froze in August.");
    struct apply_result r;
    assert_int_equal(apply_request(&s, &CTX, &f, &r), 0);
    const struct okr_objective *o = okr_objective_find(&s, 4);
    assert_string_equal(o->close_note, "The CRM slipped.\nHiring froze in August.");
    assert_int_equal(o->version, 2);
    assert_non_null(strstr(o->stamps, "close_note"));
    WireFrame *ack = unpack(&r.ack);
    assert_string_equal(ack->ack->objective->close_note, o->close_note);
    wire_free(ack);
    WireFrame *ev = unpack(&r.event);
    assert_string_equal(ev->event->type, "objective.close_note");
    assert_string_equal(ev->event->entity, "O4");
    assert_false(field(ev->event, "close_note")->old_value != NULL &&
                 field(ev->event, "close_note")->old_value->kind_case !=
                     CASCADE__V1__VALUE__KIND__NOT_SET);
    wire_free(ev);
    apply_result_free(&r);
    /* A second note replaces the first; the event keeps the old one. */
    f = note_frame(&nm, "O4", "Shorter.");
    assert_int_equal(apply_request(&s, &CTX, &f, &r), 0);
    ev = unpack(&r.event);
    assert_string_equal(field(ev->event, "close_note")->old_value->text,
                        "The CRM slipped.\nHiring froze in August.");
    wire_free(ev);
    apply_result_free(&r);
    okr_state_free(&s);
}

/* ---- The refusal of a closed workshop ----------------------------------------- */

static void a_closed_workshop_refuses_changes_only(void **state)
{
    (void)state;
    struct workshop w;
    memset(&w, 0, sizeof w);
    snprintf(w.code, sizeof w.code, "PN73UU7QXK");
    build(&w.state);
    char msg[300] = "";
    const Cascade__V1__Frame__BodyCase changes[] = {
        CASCADE__V1__FRAME__BODY_CHECK_IN,     CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD,
        CASCADE__V1__FRAME__BODY_COMMENT_ADD,  CASCADE__V1__FRAME__BODY_IDEA_ADD,
        CASCADE__V1__FRAME__BODY_AGENDA_TIMER, CASCADE__V1__FRAME__BODY_ROLE_SET,
        CASCADE__V1__FRAME__BODY_JOIN,         CASCADE__V1__FRAME__BODY_READY,
        CASCADE__V1__FRAME__BODY_WORKSHOP_CLOSE,
    };
    const Cascade__V1__Frame__BodyCase reads[] = {
        CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST, CASCADE__V1__FRAME__BODY_SUBSCRIBE,
        CASCADE__V1__FRAME__BODY_AGENDA_GET,       CASCADE__V1__FRAME__BODY_EDITING,
        CASCADE__V1__FRAME__BODY_WORKSHOP_REOPEN,
    };
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++)
        assert_int_equal(authz_check_open(&w, changes[i], msg, sizeof msg), 0);
    assert_false(workshop_closed(&w));
    w.state.closed_by = strdup("alice");
    w.state.closed_ms = 1796140980000; /* 2026-12-01 16:03 UTC */
    assert_true(workshop_closed(&w));
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        msg[0] = '\0';
        assert_int_not_equal(authz_check_open(&w, changes[i], msg, sizeof msg), 0);
        assert_string_equal(msg, "Workshop PN73UU7QXK is closed (closed by alice on 2026-12-01 "
                                 "16:03 UTC); a facilitator can reopen it with `cascade "
                                 "workshop reopen`.");
    }
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++)
        assert_int_equal(authz_check_open(&w, reads[i], msg, sizeof msg), 0);
    okr_state_free(&w.state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grades_are_fixed_as_worked_by_hand),
        cmocka_unit_test(grades_round_half_up),
        cmocka_unit_test(committed_red_objectives_need_a_note),
        cmocka_unit_test(close_and_reopen),
        cmocka_unit_test(close_notes),
        cmocka_unit_test(a_closed_workshop_refuses_changes_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
