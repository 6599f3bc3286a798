/* Tests of common/stats.c: a period's figures from a hand-built state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "okr.h"
#include "stats.h"

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

static void add_objective(struct okr_state *s, uint32_t num, uint32_t team, int committed,
                          enum okr_status status)
{
    struct okr_objective o = {
        .num = num, .team = team, .title = xstrdup("o"), .owner = xstrdup(""),
        .rationale = xstrdup(""), .committed = committed, .status = status,
    };
    assert_non_null(okr_objective_insert(s, &o));
}

/* A metric from 0 to 10 at current, with a confidence. */
static void add_metric(struct okr_state *s, uint32_t num, uint32_t objective, double current,
                       double confidence)
{
    struct okr_key_result k = {
        .num = num, .objective = objective, .title = xstrdup("k"), .owner = xstrdup(""),
        .unit = xstrdup(""), .start = 0, .target = 10, .current = current,
        .confidence = confidence,
    };
    assert_non_null(okr_key_result_insert(s, &k));
}

static void empty_state_gives_zeros(void **unused)
{
    (void)unused;
    struct okr_state s;
    okr_state_init(&s);
    struct okr_stats st;
    stats_compute(&s, &st);
    assert_int_equal(st.teams, 0);
    assert_int_equal(st.objectives, 0);
    assert_true(st.confidence_mean == 0.0 && st.score_mean == 0.0);
    assert_true(stats_checkin_coverage(&st) == 0.0);
    okr_state_free(&s);
}

static void counts_levels_grades_and_means(void **unused)
{
    (void)unused;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_COMPANY);
    add_team(&s, 2, 1, OKR_LEVEL_TEAM);
    add_team(&s, 3, 1, OKR_LEVEL_NONE); /* no OKRs */
    add_objective(&s, 1, 1, 0, OKR_FINAL);    /* K1 0.2, K2 0.6: 0.4 red */
    add_objective(&s, 2, 2, 1, OKR_DRAFT);    /* committed, K3 hit: 1.0 green */
    add_objective(&s, 3, 2, 0, OKR_ARCHIVED); /* put away: counted nowhere */
    add_metric(&s, 1, 1, 2, 0.2);
    add_metric(&s, 2, 1, 6, 0.6);
    add_metric(&s, 3, 2, 10, 1.0);
    add_metric(&s, 4, 3, 10, 0.0); /* under the archived objective */

    struct okr_stats st;
    stats_compute(&s, &st);
    assert_int_equal(st.teams, 3);
    assert_int_equal(st.teams_with_okrs, 2);
    assert_int_equal(st.objectives, 2);
    assert_int_equal(st.committed, 1);
    assert_int_equal(st.aspirational, 1);
    assert_int_equal(st.objectives_at[OKR_LEVEL_COMPANY], 1);
    assert_int_equal(st.objectives_at[OKR_LEVEL_TEAM], 1);
    assert_int_equal(st.objectives_at[OKR_LEVEL_NONE], 0);
    assert_int_equal(st.objective_grades[0], 1); /* red */
    assert_int_equal(st.objective_grades[1], 0);
    assert_int_equal(st.objective_grades[2], 1); /* green */
    assert_int_equal(st.key_results, 3);
    assert_int_equal(st.key_results_at[OKR_LEVEL_COMPANY], 2);
    assert_int_equal(st.key_results_at[OKR_LEVEL_TEAM], 1);
    assert_int_equal(st.key_result_grades[0], 1); /* K1 0.2 */
    assert_int_equal(st.key_result_grades[1], 1); /* K2 0.6 */
    assert_int_equal(st.key_result_grades[2], 1); /* K3 1.0 */
    assert_true(fabs(st.score_mean - (0.4 + 1.0) / 2) < 1e-9);
    assert_true(fabs(st.confidence_mean - (0.2 + 0.6 + 1.0) / 3) < 1e-9);
    assert_int_equal(st.checked_in, 0);
    assert_true(stats_checkin_coverage(&st) == 0.0);
    /* Two of the three counted key results checked in, one overdue; the
     * archived objective's does not count either way. */
    s.key_results[0].checked_in_ms = 1000;
    s.key_results[2].checked_in_ms = 2000;
    s.key_results[3].checked_in_ms = 3000;
    s.key_results[1].overdue = 1;
    s.key_results[3].overdue = 1;
    stats_compute(&s, &st);
    assert_int_equal(st.checked_in, 2);
    assert_int_equal(st.overdue, 1);
    assert_true(fabs(stats_checkin_coverage(&st) - 2.0 / 3.0) < 1e-9);
    okr_state_free(&s);
}

/* A team whose only objective is archived has no OKRs; an objective on a
 * team the state does not know (a damaged copy) counts at no level. */
static void archived_only_team_and_unknown_team(void **unused)
{
    (void)unused;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_DEPARTMENT);
    add_objective(&s, 1, 1, 0, OKR_ARCHIVED);
    add_objective(&s, 2, 9, 0, OKR_DRAFT);
    struct okr_stats st;
    stats_compute(&s, &st);
    assert_int_equal(st.teams_with_okrs, 0);
    assert_int_equal(st.objectives, 1);
    assert_int_equal(st.objectives_at[OKR_LEVEL_NONE], 1);
    assert_int_equal(st.objective_grades[0], 1); /* no key results: 0, red */
    okr_state_free(&s);
}

/* A closed workshop's figures are its fixed grades, not the live scores. */
static void closed_workshop_counts_fixed_grades(void **unused)
{
    (void)unused;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_TEAM);
    add_objective(&s, 1, 1, 0, OKR_DRAFT);
    add_metric(&s, 1, 1, 2, 0.5); /* live 0.2, red */
    s.closed_by = xstrdup("alice");
    s.closed_ms = 1;
    s.objectives[0].graded = 1;
    s.objectives[0].final_score = 0.8;
    s.key_results[0].graded = 1;
    s.key_results[0].final_score = 0.6;
    struct okr_stats st;
    stats_compute(&s, &st);
    assert_int_equal(st.objective_grades[2], 1); /* green, as fixed */
    assert_int_equal(st.key_result_grades[1], 1); /* orange, as fixed */
    assert_true(fabs(st.score_mean - 0.8) < 1e-9);
    okr_state_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_state_gives_zeros),
        cmocka_unit_test(counts_levels_grades_and_means),
        cmocka_unit_test(archived_only_team_and_unknown_team),
        cmocka_unit_test(closed_workshop_counts_fixed_grades),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
