/* Carrying OKRs into the next period (common/carry.c): which objectives and
 * key results come, their new numbers, the remapping of aligns_to and
 * inherits between carried objectives, links to what stays behind dropped
 * with a sentence, and where each metric starts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "carry.h"
#include "errors.h"

static void team(struct okr_state *s, uint32_t num, uint32_t parent, enum okr_level level)
{
    struct okr_team t = {.num = num, .name = strdup("team"), .parent = parent, .level = level};
    assert_non_null(okr_team_insert(s, &t));
    s->next_team = num + 1;
}

static void objective(struct okr_state *s, uint32_t num, uint32_t team_num, uint32_t aligns_to,
                      uint32_t inherits)
{
    struct okr_objective o = {.num = num, .team = team_num, .title = strdup("objective"),
                              .owner = strdup("alice"), .rationale = strdup("why"),
                              .aligns_to = aligns_to, .inherits = inherits, .committed = 1,
                              .status = OKR_FINAL, .version = 7, .from_idea = 3};
    o.necessary.answer = OKR_YES;
    assert_non_null(okr_objective_insert(s, &o));
    s->next_objective = num + 1;
}

static void metric(struct okr_state *s, uint32_t num, uint32_t obj, double start, double target,
                   double current)
{
    struct okr_key_result k = {.num = num, .objective = obj, .title = strdup("kr"),
                               .owner = strdup("mia"), .unit = strdup("%"), .start = start,
                               .target = target, .current = current, .confidence = 0.9,
                               .status = OKR_AT_RISK, .blocker = strdup("stuck"),
                               .has_weight = 1, .weight = 3};
    assert_non_null(okr_key_result_insert(s, &k));
    s->next_key_result = num + 1;
}

static void milestone(struct okr_state *s, uint32_t num, uint32_t obj)
{
    metric(s, num, obj, 0, 1, 1);
    struct okr_key_result *k = okr_key_result_find(s, num);
    k->milestone = 1;
    k->done = 1;
}

/* T1 company > T2 department > T3 team. O1 (T1) with K1 metric 10->50 at 30
 * and K2 a milestone done; O2 (T2) inherits K1, with K3 0->100 at 40; O3
 * (T3) aligns to O2; O5 (T3) aligns to O1 (O4 was removed). */
static int setup(void **state)
{
    static struct okr_state s;
    okr_state_init(&s);
    team(&s, 1, 0, OKR_LEVEL_COMPANY);
    team(&s, 2, 1, OKR_LEVEL_DEPARTMENT);
    team(&s, 3, 2, OKR_LEVEL_TEAM);
    objective(&s, 1, 1, 0, 0);
    metric(&s, 1, 1, 10, 50, 30);
    milestone(&s, 2, 1);
    objective(&s, 2, 2, 0, 1);
    metric(&s, 3, 2, 0, 100, 40);
    objective(&s, 3, 3, 2, 0);
    objective(&s, 5, 3, 1, 0);
    *state = &s;
    return 0;
}

static int teardown(void **state)
{
    okr_state_free(*state);
    return 0;
}

struct carried {
    struct okr_state dst;
    struct carry_notes notes;
    char err[200];
};

static int carry(const struct okr_state *src, const uint32_t *objs, size_t n, int all,
                 int keep_current, struct carried *c)
{
    memset(c, 0, sizeof *c);
    okr_state_init(&c->dst);
    struct carry_choice ch = {.source_code = "PN73UU7QXK", .objectives = objs,
                              .nobjectives = n, .all = all, .keep_current = keep_current};
    return carry_state(src, &ch, &c->dst, &c->notes, c->err, sizeof c->err);
}

static void carried_free(struct carried *c)
{
    okr_state_free(&c->dst);
    carry_notes_free(&c->notes);
}

static void test_all_keeps_every_link(void **state)
{
    struct carried c;
    assert_int_equal(carry(*state, NULL, 0, 1, 0, &c), 0);
    assert_int_equal(c.dst.nteams, 3);
    assert_int_equal(okr_team_find(&c.dst, 3)->parent, 2);
    assert_int_equal(okr_team_find(&c.dst, 3)->level, OKR_LEVEL_TEAM);
    assert_int_equal(c.dst.next_team, 4);
    assert_int_equal(c.dst.nobjectives, 4);
    /* Renumbered in the source's order: O5 becomes O4. */
    assert_int_equal(okr_objective_find(&c.dst, 2)->inherits, 1);
    assert_int_equal(okr_objective_find(&c.dst, 3)->aligns_to, 2);
    assert_int_equal(okr_objective_find(&c.dst, 4)->aligns_to, 1);
    assert_string_equal(okr_objective_find(&c.dst, 4)->carried_from, "PN73UU7QXK/O5");
    assert_int_equal(c.dst.next_objective, 5);
    assert_int_equal(c.dst.next_key_result, 4);
    assert_int_equal(c.notes.n, 0);
    /* An objective starts as a draft, its test unanswered, its idea gone. */
    const struct okr_objective *o = okr_objective_find(&c.dst, 1);
    assert_int_equal(o->status, OKR_DRAFT);
    assert_int_equal(o->necessary.answer, OKR_ANSWER_NONE);
    assert_int_equal(o->from_idea, 0);
    assert_int_equal(o->committed, 1);
    assert_string_equal(o->owner, "alice");
    assert_string_equal(o->rationale, "why");
    carried_free(&c);
}

static void test_metric_starts_where_it_got_to(void **state)
{
    struct carried c;
    assert_int_equal(carry(*state, NULL, 0, 1, 0, &c), 0);
    const struct okr_key_result *k = okr_key_result_find(&c.dst, 1);
    assert_true(k->start == 30 && k->current == 30 && k->target == 50);
    assert_true(k->confidence == CARRY_CONFIDENCE_DEFAULT);
    assert_int_equal(k->status, OKR_ON_TRACK);
    assert_null(k->blocker);
    assert_true(k->has_weight && k->weight == 3);
    assert_string_equal(k->owner, "mia");
    assert_string_equal(k->unit, "%");
    assert_string_equal(k->carried_from, "PN73UU7QXK/K1");
    const struct okr_key_result *m = okr_key_result_find(&c.dst, 2);
    assert_true(m->milestone);
    assert_false(m->done);
    assert_true(m->current == m->start);
    carried_free(&c);
    assert_int_equal(carry(*state, NULL, 0, 1, 1, &c), 0);
    k = okr_key_result_find(&c.dst, 1);
    assert_true(k->start == 10 && k->current == 30 && k->target == 50);
    assert_false(okr_key_result_find(&c.dst, 2)->done);
    carried_free(&c);
}

/* O2 and O3 only: O3's alignment to O2 is remapped (O2 -> O1, O3 -> O2),
 * O2's inherited K1 stays behind with O1, and is named. */
static void test_chosen_remap_and_drop(void **state)
{
    struct carried c;
    const uint32_t objs[] = {3, 2};
    assert_int_equal(carry(*state, objs, 2, 0, 0, &c), 0);
    assert_int_equal(c.dst.nobjectives, 2);
    const struct okr_objective *o1 = okr_objective_find(&c.dst, 1);
    const struct okr_objective *o2 = okr_objective_find(&c.dst, 2);
    assert_string_equal(o1->carried_from, "PN73UU7QXK/O2");
    assert_int_equal(o1->inherits, 0);
    assert_string_equal(o2->carried_from, "PN73UU7QXK/O3");
    assert_int_equal(o2->aligns_to, 1);
    assert_int_equal(c.dst.nkey_results, 1);
    assert_int_equal(okr_key_result_find(&c.dst, 1)->objective, 1);
    assert_string_equal(okr_key_result_find(&c.dst, 1)->carried_from, "PN73UU7QXK/K3");
    assert_int_equal(c.notes.n, 1);
    assert_string_equal(c.notes.lines[0],
                        "O2's inherited key result K1 was dropped: its objective O1 was not "
                        "carried.");
    carried_free(&c);
    const uint32_t five[] = {5};
    assert_int_equal(carry(*state, five, 1, 0, 0, &c), 0);
    assert_int_equal(c.notes.n, 1);
    assert_string_equal(c.notes.lines[0], "O5's alignment to O1 was dropped: O1 was not carried.");
    assert_int_equal(okr_objective_find(&c.dst, 1)->aligns_to, 0);
    carried_free(&c);
}

static void test_nothing_chosen_carries_teams_only(void **state)
{
    struct carried c;
    assert_int_equal(carry(*state, NULL, 0, 0, 0, &c), 0);
    assert_int_equal(c.dst.nteams, 3);
    assert_int_equal(c.dst.nobjectives, 0);
    assert_int_equal(c.dst.nkey_results, 0);
    assert_int_equal(c.dst.next_objective, 1);
    carried_free(&c);
}

static void test_unknown_objective(void **state)
{
    struct carried c;
    const uint32_t objs[] = {1, 4};
    assert_int_equal(carry(*state, objs, 2, 0, 0, &c), CAS_ENOTFOUND);
    assert_string_equal(c.err,
                        "There is no objective O4 in workshop PN73UU7QXK; nothing was created.");
    carried_free(&c);
    const uint32_t far[] = {4000000000u};
    assert_int_equal(carry(*state, far, 1, 0, 0, &c), CAS_ENOTFOUND);
    carried_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_all_keeps_every_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_metric_starts_where_it_got_to, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chosen_remap_and_drop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nothing_chosen_carries_teams_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_objective, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
