/* Tests of common/score.c: key result, objective and team scores (with
 * roll-up through inherited key results) and the colour grades. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "okr.h"
#include "score.h"

#define EPS 1e-9

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void add_team(struct okr_state *s, uint32_t num, uint32_t parent, enum okr_level level)
{
    struct okr_team t = {.num = num, .name = xstrdup("team"), .parent = parent, .level = level};
    assert_non_null(okr_team_insert(s, &t));
}

/* An aspirational draft objective; tests change what they need through the
 * returned pointer (valid until the next objective insert). */
static struct okr_objective *add_objective(struct okr_state *s, uint32_t num, uint32_t team)
{
    struct okr_objective o = {
        .num = num,
        .team = team,
        .title = xstrdup("Earn customer love"),
        .owner = xstrdup("alice"),
        .rationale = xstrdup(""),
    };
    struct okr_objective *at = okr_objective_insert(s, &o);
    assert_non_null(at);
    return at;
}

static void add_metric(struct okr_state *s, uint32_t num, uint32_t objective, double start,
                       double target, double current)
{
    struct okr_key_result k = {
        .num = num,
        .objective = objective,
        .title = xstrdup("Increase attendance from 350 to 500 people"),
        .owner = xstrdup("bob"),
        .unit = xstrdup("people"),
        .start = start,
        .target = target,
        .current = current,
    };
    assert_non_null(okr_key_result_insert(s, &k));
}

static void add_milestone(struct okr_state *s, uint32_t num, uint32_t objective, int done)
{
    struct okr_key_result k = {
        .num = num,
        .objective = objective,
        .title = xstrdup("Customer plan agreed"),
        .owner = xstrdup("bob"),
        .unit = xstrdup(""),
        .milestone = 1,
        .done = done,
    };
    assert_non_null(okr_key_result_insert(s, &k));
}

static double kr(const struct okr_state *s, uint32_t num)
{
    const struct okr_key_result *k = okr_key_result_find(s, num);
    assert_non_null(k);
    return score_key_result(s, k);
}

static double obj(const struct okr_state *s, uint32_t num)
{
    const struct okr_objective *o = okr_objective_find(s, num);
    assert_non_null(o);
    return score_objective(s, o);
}

static double team(const struct okr_state *s, uint32_t num)
{
    const struct okr_team *t = okr_team_find(s, num);
    assert_non_null(t);
    return score_team(s, t);
}

static void test_metric_progress(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_metric(&s, 1, 1, 350, 500, 425);  /* halfway */
    add_metric(&s, 2, 1, 72, 24, 48);     /* decreasing: 72 h to 24 h, now 48 h */
    add_metric(&s, 3, 1, 0, 10, 15);      /* beyond the target */
    add_metric(&s, 4, 1, 0, 10, -3);      /* below the start */
    add_metric(&s, 5, 1, 72, 24, 12);     /* decreasing, beyond the target */
    add_metric(&s, 6, 1, 72, 24, 80);     /* decreasing, worse than the start */
    add_metric(&s, 7, 1, 0, 10, 0);       /* not started */
    add_metric(&s, 8, 1, 0, 10, 10);      /* exactly hit */
    assert_float_equal(kr(&s, 1), 0.5, EPS);
    assert_float_equal(kr(&s, 2), 0.5, EPS);
    assert_float_equal(kr(&s, 3), 1.0, EPS);
    assert_float_equal(kr(&s, 4), 0.0, EPS);
    assert_float_equal(kr(&s, 5), 1.0, EPS);
    assert_float_equal(kr(&s, 6), 0.0, EPS);
    assert_float_equal(kr(&s, 7), 0.0, EPS);
    assert_float_equal(kr(&s, 8), 1.0, EPS);
    okr_state_free(&s);
}

static void test_start_equals_target(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_metric(&s, 1, 1, 99, 99, 99);   /* reached */
    add_metric(&s, 2, 1, 99, 99, 100);  /* past it */
    add_metric(&s, 3, 1, 99, 99, 98);   /* not reached */
    assert_float_equal(kr(&s, 1), 1.0, EPS);
    assert_float_equal(kr(&s, 2), 1.0, EPS);
    assert_float_equal(kr(&s, 3), 0.0, EPS);
    okr_state_free(&s);
}

static void test_milestones(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_milestone(&s, 1, 1, 1);
    add_milestone(&s, 2, 1, 0);
    assert_float_equal(kr(&s, 1), 1.0, EPS);
    assert_float_equal(kr(&s, 2), 0.0, EPS);
    okr_state_free(&s);
}

static void test_objective_mean(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 0, 10, 5);   /* 0.5 */
    add_milestone(&s, 2, 1, 1);       /* 1.0 */
    add_metric(&s, 3, 1, 72, 24, 60); /* 0.25 */
    add_metric(&s, 4, 2, 0, 10, 10);  /* another objective's: not counted */
    assert_float_equal(obj(&s, 1), (0.5 + 1.0 + 0.25) / 3, EPS);
    okr_state_free(&s);
}

static void test_empty_objective(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_objective(&s, 1, 1);
    add_objective(&s, 2, 1)->committed = 1;
    assert_float_equal(obj(&s, 1), 0.0, EPS);
    assert_float_equal(obj(&s, 2), 0.0, EPS);
    okr_state_free(&s);
}

static void test_committed_all_or_nothing(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    /* O1 committed, one key result at 0.9: not all hit, so 0. */
    add_objective(&s, 1, 1)->committed = 1;
    add_metric(&s, 1, 1, 0, 10, 9);
    add_milestone(&s, 2, 1, 1);
    /* O2 committed, every key result hit: 1. */
    add_objective(&s, 2, 1)->committed = 1;
    add_metric(&s, 3, 2, 0, 10, 10);
    add_metric(&s, 4, 2, 72, 24, 20);
    add_milestone(&s, 5, 2, 1);
    /* O3 aspirational with O1's numbers keeps the mean. */
    add_objective(&s, 3, 1);
    add_metric(&s, 6, 3, 0, 10, 9);
    add_milestone(&s, 7, 3, 1);
    /* O4 committed with a single key result at 0.9: still 0. */
    add_objective(&s, 4, 1)->committed = 1;
    add_metric(&s, 8, 4, 0, 10, 9);

    assert_float_equal(obj(&s, 1), 0.0, EPS);
    assert_float_equal(obj(&s, 2), 1.0, EPS);
    assert_float_equal(obj(&s, 3), 0.95, EPS);
    assert_float_equal(obj(&s, 4), 0.0, EPS);
    okr_state_free(&s);
}

/* Company KR K1 is inherited by department objective O2, whose KR K3 is
 * inherited by team objective O3: K1 takes O2's score, which takes O3's. */
static void test_roll_up_two_levels(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_COMPANY);
    add_team(&s, 2, 1, OKR_LEVEL_DEPARTMENT);
    add_team(&s, 3, 2, OKR_LEVEL_TEAM);

    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 90, 99, 90); /* own progress 0, but inherited */
    add_milestone(&s, 6, 1, 1);       /* 1.0 */

    add_objective(&s, 2, 2)->inherits = 1;
    add_metric(&s, 2, 2, 0, 10, 5);   /* 0.5 */
    add_metric(&s, 3, 2, 0, 10, 10);  /* own progress 1, but inherited */

    add_objective(&s, 3, 3)->inherits = 3;
    add_metric(&s, 4, 3, 0, 100, 25); /* 0.25 */
    add_milestone(&s, 5, 3, 0);       /* 0.0 */

    assert_float_equal(obj(&s, 3), 0.125, EPS);
    assert_float_equal(kr(&s, 3), 0.125, EPS);
    assert_float_equal(obj(&s, 2), (0.5 + 0.125) / 2, EPS);
    assert_float_equal(kr(&s, 1), (0.5 + 0.125) / 2, EPS);
    assert_float_equal(obj(&s, 1), ((0.5 + 0.125) / 2 + 1.0) / 2, EPS);
    assert_float_equal(team(&s, 1), obj(&s, 1), EPS);
    okr_state_free(&s);
}

static void set_weight(struct okr_state *s, uint32_t num, double weight)
{
    struct okr_key_result *k = okr_key_result_find(s, num);
    assert_non_null(k);
    k->has_weight = 1;
    k->weight = weight;
}

/* Worked by hand: O1 holds a decreasing metric K1 (40 -> 10, now 25:
 * 0.5) weighing 2, a done milestone K2 (1.0) weighing 1, and K3 weighing 1,
 * which O2 inherits; O2's own K4 (0 -> 10, now 2: 0.2) weighs 3 and K5 (a
 * milestone not done: 0) weighs 1, so O2 = (3 * 0.2 + 0) / 4 = 0.15 and
 * K3 = 0.15. O1 = (2 * 0.5 + 1 * 1.0 + 1 * 0.15) / 4 = 0.5375. A weight of
 * 0 leaves a key result out; all left out, the objective scores 0. */
static void test_weights(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_COMPANY);
    add_team(&s, 2, 1, OKR_LEVEL_DEPARTMENT);
    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 40, 10, 25);
    add_milestone(&s, 2, 1, 1);
    add_metric(&s, 3, 1, 0, 100, 100); /* own progress 1, but inherited */
    add_objective(&s, 2, 2)->inherits = 3;
    add_metric(&s, 4, 2, 0, 10, 2);
    add_milestone(&s, 5, 2, 0);
    set_weight(&s, 1, 2);
    set_weight(&s, 4, 3);
    assert_float_equal(obj(&s, 2), 0.15, EPS);
    assert_float_equal(kr(&s, 3), 0.15, EPS);
    assert_float_equal(obj(&s, 1), 0.5375, EPS);
    assert_int_equal(score_colour(obj(&s, 1)), SCORE_ORANGE);
    set_weight(&s, 2, 0); /* the milestone left out: (1.0 + 0.15) / 3 */
    assert_float_equal(obj(&s, 1), (2 * 0.5 + 0.15) / 3, EPS);
    set_weight(&s, 1, 0);
    set_weight(&s, 3, 0);
    assert_float_equal(obj(&s, 1), 0.0, EPS);
    /* Committed: every key result that counts must be hit; one left out
     * does not count against it. */
    okr_objective_find(&s, 2)->committed = 1;
    set_weight(&s, 4, 0);
    set_weight(&s, 5, 1);
    okr_key_result_find(&s, 5)->done = 1;
    assert_float_equal(obj(&s, 2), 1.0, EPS);
    okr_state_free(&s);
}

static void test_roll_up_several_inheritors(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 0, 10, 0);
    add_objective(&s, 2, 2)->inherits = 1;
    add_milestone(&s, 2, 2, 1);      /* O2: 1.0 */
    add_objective(&s, 3, 3)->inherits = 1;
    add_metric(&s, 3, 3, 0, 10, 4);  /* O3: 0.4 */
    assert_float_equal(kr(&s, 1), 0.7, EPS);
    okr_state_free(&s);
}

static void test_roll_up_committed_child(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 0, 10, 10); /* own progress 1 */
    struct okr_objective *child = add_objective(&s, 2, 2);
    child->inherits = 1;
    child->committed = 1;
    add_metric(&s, 2, 2, 0, 10, 9);  /* 0.9: the committed child fails */
    add_milestone(&s, 3, 2, 1);
    assert_float_equal(kr(&s, 1), 0.0, EPS);
    /* A committed parent counts a rolled-up 1.0 as hit. */
    okr_key_result_find(&s, 2)->current = 10;
    okr_objective_find(&s, 1)->committed = 1;
    assert_float_equal(kr(&s, 1), 1.0, EPS);
    assert_float_equal(obj(&s, 1), 1.0, EPS);
    okr_state_free(&s);
}

static void test_roll_up_skips_archived_inheritor(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 0, 10, 3); /* own progress 0.3 */
    struct okr_objective *child = add_objective(&s, 2, 2);
    child->inherits = 1;
    child->status = OKR_ARCHIVED;
    add_milestone(&s, 2, 2, 1);
    assert_float_equal(kr(&s, 1), 0.3, EPS);
    child = add_objective(&s, 3, 2);
    child->inherits = 1;
    add_milestone(&s, 3, 3, 0);
    assert_float_equal(kr(&s, 1), 0.0, EPS);
    okr_state_free(&s);
}

/* The server never creates these, but scoring must still end. */
static void test_cycles_terminate(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_TEAM);
    /* O1 inherits its own key result K1. */
    add_objective(&s, 1, 1)->inherits = 1;
    add_metric(&s, 1, 1, 0, 10, 6);
    assert_float_equal(kr(&s, 1), 0.6, EPS);
    assert_float_equal(obj(&s, 1), 0.6, EPS);
    /* O2 and O3 inherit each other's key results. */
    add_objective(&s, 2, 1)->inherits = 3;
    add_metric(&s, 2, 2, 0, 10, 2);
    add_objective(&s, 3, 1)->inherits = 2;
    add_metric(&s, 3, 3, 0, 10, 8);
    double v = obj(&s, 2);
    assert_true(v >= 0.0 && v <= 1.0);
    v = kr(&s, 3);
    assert_true(v >= 0.0 && v <= 1.0);
    assert_float_equal(team(&s, 1), (obj(&s, 1) + obj(&s, 2) + obj(&s, 3)) / 3, EPS);
    okr_state_free(&s);
}

static void test_team_skips_archived(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_COMPANY);
    add_team(&s, 2, 1, OKR_LEVEL_TEAM);
    add_team(&s, 3, 1, OKR_LEVEL_TEAM);
    add_team(&s, 4, 1, OKR_LEVEL_TEAM);
    add_objective(&s, 1, 1);
    add_milestone(&s, 1, 1, 1);        /* 1.0 */
    add_objective(&s, 2, 1)->status = OKR_FINAL;
    add_metric(&s, 2, 2, 0, 10, 5);    /* 0.5 */
    add_objective(&s, 3, 1)->status = OKR_ARCHIVED;
    add_milestone(&s, 3, 3, 0);        /* 0.0, archived: skipped */
    add_objective(&s, 4, 2);
    add_milestone(&s, 4, 4, 0);        /* another team's */
    add_objective(&s, 5, 3)->status = OKR_ARCHIVED;
    add_milestone(&s, 5, 5, 1);

    assert_float_equal(team(&s, 1), 0.75, EPS);
    assert_float_equal(team(&s, 2), 0.0, EPS);
    assert_float_equal(team(&s, 3), 0.0, EPS); /* only archived objectives */
    assert_float_equal(team(&s, 4), 0.0, EPS); /* no objectives */
    okr_state_free(&s);
}

static void test_colour_boundaries(void **state)
{
    (void)state;
    static const struct {
        double score;
        enum score_colour colour;
        double rounded;
    } cases[] = {
        {0.0, SCORE_RED, 0.0},     {0.04, SCORE_RED, 0.0},    {0.4, SCORE_RED, 0.4},
        {0.44, SCORE_RED, 0.4},    {0.449, SCORE_RED, 0.4},   {0.45, SCORE_ORANGE, 0.5},
        {0.5, SCORE_ORANGE, 0.5},  {0.6, SCORE_ORANGE, 0.6},  {0.64, SCORE_ORANGE, 0.6},
        {0.65, SCORE_GREEN, 0.7},  {0.7, SCORE_GREEN, 0.7},   {0.95, SCORE_GREEN, 1.0},
        {1.0, SCORE_GREEN, 1.0},   {-0.5, SCORE_RED, 0.0},    {1.5, SCORE_GREEN, 1.0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(score_colour(cases[i].score), cases[i].colour);
        assert_float_equal(score_rounded(cases[i].score), cases[i].rounded, EPS);
    }
    assert_int_equal(score_colour(NAN), SCORE_RED);
    assert_float_equal(score_rounded(NAN), 0.0, EPS);
}

/* Halves that arrive by arithmetic, a hair below the written value, still
 * round up. */
static void test_colour_of_computed_halves(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_metric(&s, 1, 1, 0, 20, 9);       /* 0.45 */
    add_metric(&s, 2, 1, 0, 20, 13);      /* 0.65 */
    add_metric(&s, 3, 1, 0.1, 1.1, 0.55); /* 0.45 with binary noise */
    add_metric(&s, 4, 1, 72, 24, 50.4);   /* 0.45 decreasing */
    assert_int_equal(score_colour(kr(&s, 1)), SCORE_ORANGE);
    assert_int_equal(score_colour(kr(&s, 2)), SCORE_GREEN);
    assert_int_equal(score_colour(kr(&s, 3)), SCORE_ORANGE);
    assert_int_equal(score_colour(kr(&s, 4)), SCORE_ORANGE);
    assert_int_equal(score_colour((0.4 + 0.5) / 2), SCORE_ORANGE);
    assert_int_equal(score_colour((0.6 + 0.7) / 2), SCORE_GREEN);
    okr_state_free(&s);
}

static void test_colour_names(void **state)
{
    (void)state;
    assert_string_equal(score_colour_name(SCORE_RED), "red");
    assert_string_equal(score_colour_name(SCORE_ORANGE), "orange");
    assert_string_equal(score_colour_name(SCORE_GREEN), "green");
    assert_string_equal(score_colour_meaning(SCORE_RED), "failed to make real progress");
    assert_string_equal(score_colour_meaning(SCORE_ORANGE), "made progress but fell short");
    assert_string_equal(score_colour_meaning(SCORE_GREEN), "delivered");
    assert_string_equal(score_colour_name(score_colour(0.3)), "red");
    assert_string_equal(score_colour_meaning(score_colour(0.7)), "delivered");
}

/* A child objective that inherits a key result but has no key results of
 * its own yet does not pull the parent key result down to 0. */
static void test_empty_inheritor_does_not_count(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    struct okr_objective parent = {.num = 1, .team = 1, .title = strdup("P"), .owner = strdup(""),
                                   .rationale = strdup("")};
    okr_objective_insert(&s, &parent);
    struct okr_key_result k = {.num = 1, .objective = 1, .title = strdup("K"),
                               .owner = strdup(""), .unit = strdup(""), .start = 0,
                               .target = 10, .current = 5};
    okr_key_result_insert(&s, &k);
    struct okr_objective child = {.num = 2, .team = 2, .title = strdup("C"), .owner = strdup(""),
                                  .rationale = strdup(""), .inherits = 1};
    okr_objective_insert(&s, &child);
    assert_true(fabs(score_key_result(&s, okr_key_result_find(&s, 1)) - 0.5) < 1e-9);
    /* Once the child has a key result, its score is what counts. */
    struct okr_key_result ck = {.num = 2, .objective = 2, .title = strdup("CK"),
                                .owner = strdup(""), .unit = strdup(""), .milestone = 1,
                                .done = 1};
    okr_key_result_insert(&s, &ck);
    assert_true(fabs(score_key_result(&s, okr_key_result_find(&s, 1)) - 1.0) < 1e-9);
    okr_state_free(&s);
}

/* The objectives a view names as where a key result's score comes from are
 * exactly those the roll-up counts. */
static void test_rolls_up(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_objective(&s, 1, 1);
    add_metric(&s, 1, 1, 0, 10, 3);
    add_metric(&s, 2, 1, 0, 10, 3);
    add_objective(&s, 2, 2)->inherits = 1; /* no key results yet */
    struct okr_key_result *k1 = okr_key_result_find(&s, 1);
    assert_false(score_rolls_up(&s, okr_objective_find(&s, 2), k1));
    add_milestone(&s, 3, 2, 1);
    k1 = okr_key_result_find(&s, 1);
    assert_true(score_rolls_up(&s, okr_objective_find(&s, 2), k1));
    assert_false(score_rolls_up(&s, okr_objective_find(&s, 2), okr_key_result_find(&s, 2)));
    assert_false(score_rolls_up(&s, okr_objective_find(&s, 1), k1));
    okr_objective_find(&s, 2)->status = OKR_ARCHIVED;
    assert_false(score_rolls_up(&s, okr_objective_find(&s, 2), k1));
    assert_float_equal(kr(&s, 1), 0.3, EPS);
    okr_objective_find(&s, 2)->status = OKR_FINAL;
    assert_true(score_rolls_up(&s, okr_objective_find(&s, 2), k1));
    assert_float_equal(kr(&s, 1), 1.0, EPS);
    okr_state_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_inheritor_does_not_count),
        cmocka_unit_test(test_metric_progress),
        cmocka_unit_test(test_start_equals_target),
        cmocka_unit_test(test_milestones),
        cmocka_unit_test(test_objective_mean),
        cmocka_unit_test(test_empty_objective),
        cmocka_unit_test(test_committed_all_or_nothing),
        cmocka_unit_test(test_roll_up_two_levels),
        cmocka_unit_test(test_weights),
        cmocka_unit_test(test_roll_up_several_inheritors),
        cmocka_unit_test(test_roll_up_committed_child),
        cmocka_unit_test(test_roll_up_skips_archived_inheritor),
        cmocka_unit_test(test_cycles_terminate),
        cmocka_unit_test(test_rolls_up),
        cmocka_unit_test(test_team_skips_archived),
        cmocka_unit_test(test_colour_boundaries),
        cmocka_unit_test(test_colour_of_computed_halves),
        cmocka_unit_test(test_colour_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
