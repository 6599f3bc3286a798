/* Tests of common/lint.c: the rule table, and for every rule a state where it
 * fires and a close variant where it does not. Most cases start from one
 * clean, well-formed cascade and change one thing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lint.h"
#include "okr.h"

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

/* ---- building states ---- */

static void add_team(struct okr_state *s, uint32_t num, uint32_t parent, enum okr_level level)
{
    struct okr_team t = {.num = num, .name = xstrdup("team"), .parent = parent, .level = level};
    assert_non_null(okr_team_insert(s, &t));
}

/* A draft aspirational objective. owner may be NULL. The returned pointer is
 * valid until the next objective insert. */
static struct okr_objective *add_objective(struct okr_state *s, uint32_t num, uint32_t team,
                                           const char *owner)
{
    struct okr_objective o = {
        .num = num,
        .team = team,
        .title = xstrdup("Earn customer love and trust"),
        .owner = owner != NULL ? xstrdup(owner) : NULL,
        .rationale = xstrdup(""),
    };
    struct okr_objective *at = okr_objective_insert(s, &o);
    assert_non_null(at);
    return at;
}

static struct okr_key_result *add_metric(struct okr_state *s, uint32_t num, uint32_t objective,
                                         const char *title, double start, double target)
{
    struct okr_key_result k = {
        .num = num,
        .objective = objective,
        .title = xstrdup(title),
        .owner = xstrdup("bob"),
        .unit = xstrdup("%"),
        .start = start,
        .target = target,
        .current = start,
    };
    struct okr_key_result *at = okr_key_result_insert(s, &k);
    assert_non_null(at);
    return at;
}

static struct okr_key_result *add_milestone(struct okr_state *s, uint32_t num,
                                            uint32_t objective, const char *title)
{
    struct okr_key_result k = {
        .num = num,
        .objective = objective,
        .title = xstrdup(title),
        .owner = xstrdup("bob"),
        .unit = xstrdup(""),
        .milestone = 1,
    };
    struct okr_key_result *at = okr_key_result_insert(s, &k);
    assert_non_null(at);
    return at;
}

static void set_owner(char **field, const char *owner)
{
    free(*field);
    *field = owner != NULL ? xstrdup(owner) : NULL;
}

/* Two key results with real measures for objective o, numbered k and k+1. */
static void add_two_key_results(struct okr_state *s, uint32_t k, uint32_t o)
{
    add_metric(s, k, o, "Increase weekly active teams from 40 to 60", 40, 60);
    add_metric(s, k + 1, o, "Reduce first response time from 72 h to 24 h", 72, 24);
}

/* Company T1 -> department T2 -> team T3, one objective each, linked by
 * both cascade models: O2 inherits the company's K1 (duality), O3 aligns to
 * O2 (flexible). O3 is final and has passed the necessary-and-sufficient
 * test. Tests add entities numbered 10 and up. */
static void clean_cascade(struct okr_state *s)
{
    okr_state_init(s);
    add_team(s, 1, 0, OKR_LEVEL_COMPANY);
    add_team(s, 2, 1, OKR_LEVEL_DEPARTMENT);
    add_team(s, 3, 2, OKR_LEVEL_TEAM);

    add_objective(s, 1, 1, "ceo");
    add_metric(s, 1, 1, "Increase retention rate from 92% to 99%", 92, 99);
    add_metric(s, 2, 1, "Raise NPS from 6 to 8", 6, 8);
    add_milestone(s, 3, 1, "Customer advisory board signed off on the roadmap");

    add_objective(s, 2, 2, "vp")->inherits = 1;
    add_two_key_results(s, 4, 2);

    struct okr_objective *o = add_objective(s, 3, 3, "dir");
    o->aligns_to = 2;
    o->status = OKR_FINAL;
    o->necessary.answer = OKR_YES;
    o->sufficient.answer = OKR_YES;
    add_two_key_results(s, 6, 3);
}

/* ---- collecting warnings ---- */

struct collected {
    size_t n;
    struct lint_warning w[64];
};

static int collect(void *ctx, const struct lint_warning *w)
{
    struct collected *c = ctx;
    assert_true(c->n < sizeof c->w / sizeof c->w[0]);
    c->w[c->n++] = *w;
    return 0;
}

static void run(const struct okr_state *s, struct collected *c)
{
    memset(c, 0, sizeof *c);
    assert_int_equal(lint_run(s, collect, c), 0);
}

static size_t count_rule(const struct collected *c, const char *id)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->w[i].rule->id, id) == 0)
            n++;
    return n;
}

/* Lints s and asserts that `id` fires exactly once, on `entity`, with a
 * message naming `named` (the entity itself when NULL). Returns the warning. */
static struct lint_warning fires_once(const struct okr_state *s, const char *id,
                                      const char *entity, const char *named)
{
    struct collected c;
    run(s, &c);
    const struct lint_warning *found = NULL;
    for (size_t i = 0; i < c.n; i++) {
        if (strcmp(c.w[i].rule->id, id) == 0) {
            assert_null(found);
            found = &c.w[i];
        }
    }
    if (found == NULL)
        fail_msg("rule %s did not fire", id);
    assert_ptr_equal(found->rule, lint_rule_find(id));
    assert_string_equal(found->entity, entity);
    assert_non_null(strstr(found->message, named != NULL ? named : entity));
    assert_true(strlen(found->message) > 0);
    return *found;
}

static void does_not_fire(const struct okr_state *s, const char *id)
{
    struct collected c;
    run(s, &c);
    for (size_t i = 0; i < c.n; i++)
        if (strcmp(c.w[i].rule->id, id) == 0)
            fail_msg("rule %s fired on %s: %s", id, c.w[i].entity, c.w[i].message);
}

static void assert_no_warnings(const struct okr_state *s)
{
    struct collected c;
    run(s, &c);
    for (size_t i = 0; i < c.n; i++)
        print_message("unexpected: %s %s: %s\n", c.w[i].rule->id, c.w[i].entity,
                      c.w[i].message);
    assert_int_equal(c.n, 0);
}

/* ---- the table ---- */

static void test_table(void **state)
{
    (void)state;
    assert_int_equal(LINT_RULE_COUNT, 12);
    for (size_t i = 0; i < LINT_RULE_COUNT; i++) {
        const struct lint_rule *r = &LINT_RULES[i];
        assert_non_null(r->id);
        assert_non_null(r->summary);
        assert_non_null(r->fix);
        assert_true(strlen(r->id) > 0);
        assert_true(strlen(r->summary) > 0);
        assert_true(strlen(r->fix) > 0);
        /* kebab-case ids; summaries and fixes are sentences */
        assert_true(r->id[0] >= 'a' && r->id[0] <= 'z');
        for (const char *p = r->id; *p != '\0'; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p == '-' && p[1] != '-' && p[1] != '\0'));
        assert_int_equal(r->summary[strlen(r->summary) - 1], '.');
        assert_int_equal(r->fix[strlen(r->fix) - 1], '.');
        assert_true(r->fix[0] >= 'A' && r->fix[0] <= 'Z');
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(LINT_RULES[j].id, r->id);
        assert_ptr_equal(lint_rule_find(r->id), r);
    }
    static const char *const ids[] = {
        "too-many-objectives", "too-many-objectives-per-person", "too-few-key-results",
        "too-many-key-results", "no-measure", "task-not-result", "objective-without-owner",
        "key-result-without-owner", "orphan-objective", "final-without-check",
        "too-many-company-objectives",
    };
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        assert_non_null(lint_rule_find(ids[i]));
    assert_null(lint_rule_find("no-such-rule"));
    assert_null(lint_rule_find(NULL));
}

/* ---- the clean cascade ---- */

static void test_clean_cascade(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    assert_no_warnings(&s);
    okr_state_free(&s);

    okr_state_init(&s);
    assert_no_warnings(&s); /* an empty workshop has nothing to warn about */
    okr_state_free(&s);
}

/* ---- one test per rule ---- */

static void test_too_many_company_objectives(void **state)
{
    (void)state;
    struct okr_state s;
    /* A second company-level team T4 with 2 objectives: 1 + 2 + 2 in T5 = 5, fine. */
    clean_cascade(&s);
    add_team(&s, 4, 0, OKR_LEVEL_COMPANY);
    add_team(&s, 5, 0, OKR_LEVEL_COMPANY);
    for (uint32_t i = 0; i < 4; i++) {
        add_objective(&s, 10 + i, i < 2 ? 4 : 5, "ceo");
        add_two_key_results(&s, 20 + 2 * i, 10 + i);
    }
    assert_no_warnings(&s);
    /* A sixth: the company level has too many, though no one team does. */
    add_objective(&s, 14, 5, "cfo");
    add_two_key_results(&s, 30, 14);
    struct lint_warning w = fires_once(&s, "too-many-company-objectives", "T1", NULL);
    assert_non_null(strstr(w.message, "6 objectives"));
    does_not_fire(&s, "too-many-objectives");
    /* Archiving one puts the count back to 5. */
    okr_objective_find(&s, 14)->status = OKR_ARCHIVED;
    assert_no_warnings(&s);
    okr_state_free(&s);

    /* A lone company team: reported on it. */
    clean_cascade(&s);
    for (uint32_t i = 0; i < 5; i++) {
        add_objective(&s, 10 + i, 1, "ceo");
        add_two_key_results(&s, 20 + 2 * i, 10 + i);
    }
    fires_once(&s, "too-many-company-objectives", "T1", NULL);
    okr_state_free(&s);
}

static void test_too_many_objectives(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    for (uint32_t i = 0; i < 4; i++) {
        add_objective(&s, 10 + i, 3, i % 2 ? "dir" : "lead")->aligns_to = 2;
        add_two_key_results(&s, 20 + 2 * i, 10 + i);
    }
    assert_no_warnings(&s); /* 5 objectives in T3 */
    add_objective(&s, 14, 3, "lead")->aligns_to = 2;
    add_two_key_results(&s, 30, 14);
    struct lint_warning w = fires_once(&s, "too-many-objectives", "T3", NULL);
    assert_non_null(strstr(w.message, "6 objectives"));
    does_not_fire(&s, "too-many-company-objectives");
    okr_objective_find(&s, 12)->status = OKR_ARCHIVED;
    assert_no_warnings(&s);
    okr_state_free(&s);
}

static void test_too_many_objectives_per_person(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    /* "vp" owns O2 and four more, spread over two teams: 5 is fine. */
    for (uint32_t i = 0; i < 4; i++) {
        add_objective(&s, 10 + i, i < 2 ? 2 : 3, "vp")->aligns_to = 1;
        add_two_key_results(&s, 20 + 2 * i, 10 + i);
    }
    assert_no_warnings(&s);
    /* A sixth objective for "vp". */
    add_objective(&s, 14, 3, "vp")->aligns_to = 1;
    add_two_key_results(&s, 30, 14);
    struct lint_warning w = fires_once(&s, "too-many-objectives-per-person", "", "vp");
    assert_non_null(strstr(w.message, "6 objectives"));
    /* Owners are people: "VP" is someone else, and archived ones do not count. */
    set_owner(&okr_objective_find(&s, 14)->owner, "VP");
    assert_no_warnings(&s);
    set_owner(&okr_objective_find(&s, 14)->owner, "vp");
    okr_objective_find(&s, 11)->status = OKR_ARCHIVED;
    assert_no_warnings(&s);
    okr_state_free(&s);
}

/* Two people over the limit: one warning each, in the order of their first
 * objectives; objectives without an owner are nobody's. */
static void test_per_person_order(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, OKR_LEVEL_TEAM);
    for (uint32_t i = 0; i < 12; i++)
        add_objective(&s, 1 + i, 1, i % 2 ? "zoe" : "adam");
    for (uint32_t i = 0; i < 6; i++)
        add_objective(&s, 20 + i, 1, "");
    struct collected c;
    run(&s, &c);
    size_t seen = 0;
    for (size_t i = 0; i < c.n; i++) {
        if (strcmp(c.w[i].rule->id, "too-many-objectives-per-person") != 0)
            continue;
        assert_string_equal(c.w[i].entity, "");
        assert_non_null(strstr(c.w[i].message, seen == 0 ? "adam" : "zoe"));
        seen++;
    }
    assert_int_equal(seen, 2);
    okr_state_free(&s);
}

static void test_objective_without_owner(void **state)
{
    (void)state;
    static const char *const owners[] = {"", NULL, "  "};
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++) {
        struct okr_state s;
        clean_cascade(&s);
        set_owner(&okr_objective_find(&s, 2)->owner, owners[i]);
        fires_once(&s, "objective-without-owner", "O2", NULL);
        set_owner(&okr_objective_find(&s, 2)->owner, "vp");
        assert_no_warnings(&s);
        okr_state_free(&s);
    }
}

static void test_key_result_without_owner(void **state)
{
    (void)state;
    static const char *const owners[] = {"", NULL};
    for (size_t i = 0; i < sizeof owners / sizeof owners[0]; i++) {
        struct okr_state s;
        clean_cascade(&s);
        set_owner(&okr_key_result_find(&s, 5)->owner, owners[i]);
        fires_once(&s, "key-result-without-owner", "K5", NULL);
        set_owner(&okr_key_result_find(&s, 5)->owner, "carol");
        assert_no_warnings(&s);
        okr_state_free(&s);
    }
}

static void test_orphan_objective(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    struct okr_objective *o = okr_objective_find(&s, 3);
    o->aligns_to = 0;
    struct lint_warning w = fires_once(&s, "orphan-objective", "O3", NULL);
    assert_non_null(strstr(w.message, "T3"));
    /* Either link is enough. */
    okr_objective_find(&s, 3)->inherits = 4;
    assert_no_warnings(&s);
    o = okr_objective_find(&s, 3);
    o->inherits = 0;
    o->aligns_to = 1;
    assert_no_warnings(&s);
    /* A link to an objective that is gone or archived links to nothing. */
    okr_objective_find(&s, 3)->aligns_to = 99;
    w = fires_once(&s, "orphan-objective", "O3", NULL);
    assert_non_null(strstr(w.message, "aligns to O99, which no longer exists, and inherits no"));
    add_objective(&s, 10, 1, "ceo")->status = OKR_ARCHIVED;
    okr_objective_find(&s, 3)->aligns_to = 10;
    w = fires_once(&s, "orphan-objective", "O3", NULL);
    assert_non_null(strstr(w.message, "archived"));
    /* The company's own objectives have nothing above them. */
    okr_objective_find(&s, 3)->aligns_to = 2;
    assert_no_warnings(&s);
    assert_int_equal(okr_objective_find(&s, 1)->aligns_to, 0);
    assert_int_equal(okr_objective_find(&s, 1)->inherits, 0);
    okr_state_free(&s);

    /* Inheriting a key result of an archived objective links to nothing. */
    clean_cascade(&s);
    add_objective(&s, 10, 1, "ceo")->status = OKR_ARCHIVED;
    add_two_key_results(&s, 10, 10);
    okr_objective_find(&s, 2)->inherits = 10;
    fires_once(&s, "orphan-objective", "O2", NULL);
    okr_objective_find(&s, 2)->inherits = 2;
    assert_no_warnings(&s);
    okr_state_free(&s);
}

static void test_too_few_key_results(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    assert_int_equal(okr_key_result_remove(&s, 7), 0);
    struct lint_warning w = fires_once(&s, "too-few-key-results", "O3", NULL);
    assert_non_null(strstr(w.message, "1 key result,"));
    assert_int_equal(okr_key_result_remove(&s, 6), 0);
    w = fires_once(&s, "too-few-key-results", "O3", NULL);
    assert_non_null(strstr(w.message, "0 key results"));
    add_two_key_results(&s, 10, 3);
    assert_no_warnings(&s);
    okr_state_free(&s);
}

static void test_too_many_key_results(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    add_two_key_results(&s, 10, 1); /* O1: 5 */
    assert_no_warnings(&s);
    add_milestone(&s, 12, 1, "Support handbook approved by the board");
    struct lint_warning w = fires_once(&s, "too-many-key-results", "O1", NULL);
    assert_non_null(strstr(w.message, "6 key results"));
    assert_int_equal(okr_key_result_remove(&s, 3), 0);
    assert_no_warnings(&s);
    okr_state_free(&s);
}

static void test_final_without_check(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    okr_objective_find(&s, 3)->sufficient.answer = OKR_ANSWER_NONE;
    struct lint_warning w = fires_once(&s, "final-without-check", "O3", NULL);
    assert_non_null(strstr(w.message, "sufficient"));
    assert_non_null(strstr(w.message, "unanswered"));
    okr_objective_find(&s, 3)->necessary.answer = OKR_NO;
    w = fires_once(&s, "final-without-check", "O3", NULL);
    assert_non_null(strstr(w.message, "necessary question is answered no"));
    okr_objective_find(&s, 3)->necessary.answer = OKR_ANSWER_NONE;
    w = fires_once(&s, "final-without-check", "O3", NULL);
    assert_non_null(strstr(w.message, "both unanswered"));
    /* A draft may leave the test open; a final one has passed it. */
    okr_objective_find(&s, 3)->status = OKR_DRAFT;
    assert_no_warnings(&s);
    struct okr_objective *o = okr_objective_find(&s, 3);
    o->status = OKR_FINAL;
    o->necessary.answer = OKR_YES;
    o->sufficient.answer = OKR_YES;
    assert_no_warnings(&s);
    okr_state_free(&s);
}

static void test_no_measure(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    struct okr_key_result *k = okr_key_result_find(&s, 2);
    k->start = 8; /* "Raise NPS from 8 to 8" */
    struct lint_warning w = fires_once(&s, "no-measure", "K2", NULL);
    assert_non_null(strstr(w.message, "(8)"));
    does_not_fire(&s, "task-not-result"); /* "Raise" is no activity */
    okr_key_result_find(&s, 2)->start = 7.5;
    assert_no_warnings(&s);
    /* A milestone measures by being done. */
    k = okr_key_result_find(&s, 2);
    k->milestone = 1;
    k->start = k->target = 0;
    assert_no_warnings(&s);
    okr_state_free(&s);
}

/* O1 has K1, K2 and K3: one of them weighing more than the other two
 * together carries more than half of it. */
static void test_heavy_key_result(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    struct okr_key_result *k = okr_key_result_find(&s, 2);
    k->has_weight = 1;
    k->weight = 2; /* 2 of 4: exactly half */
    assert_no_warnings(&s);
    k->weight = 2.5; /* 2.5 of 4.5 */
    struct lint_warning w = fires_once(&s, "heavy-key-result", "K2", NULL);
    assert_non_null(strstr(w.message, "56% of objective O1's weight"));
    /* Left out, the others share O1: no key result is too heavy then. */
    k->weight = 0;
    assert_no_warnings(&s);
    okr_state_free(&s);
}

static void test_task_not_result(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    add_milestone(&s, 10, 1, "Launch the new onboarding flow");
    struct lint_warning w = fires_once(&s, "task-not-result", "K10", NULL);
    assert_non_null(strstr(w.message, "\"launch\""));
    /* With a real measure it is a result. */
    struct okr_key_result *k = okr_key_result_find(&s, 10);
    k->milestone = 0;
    k->start = 0;
    k->target = 500;
    assert_no_warnings(&s);
    /* A metric going nowhere is no measure: both rules speak. */
    okr_key_result_find(&s, 10)->start = 500;
    fires_once(&s, "task-not-result", "K10", NULL);
    fires_once(&s, "no-measure", "K10", NULL);
    okr_state_free(&s);

    /* Every verb, matched as the first word, case-insensitively. */
    static const char *const tasks[] = {
        "Launch the beta",     "write the handbook",      "HOLD a retrospective",
        "Implement SSO",       "Create a dashboard",      "Build the pipeline",
        "Run a survey",        "Organize the offsite",    "Organise the offsite",
        "Start a podcast",     "Complete the audit",      "Finish the migration",
        "Do the training",     "Make a plan",             "Develop the app",
        "Plan the roadmap",    "Prepare the budget",      "Host a meetup",
        "Publish the report",  "Deliver the release",     "Set up monitoring",
        "set-up monitoring",   "  Launch, then iterate",  "Launch",
        "Set   up on-call",    "Write: the handbook",
    };
    for (size_t i = 0; i < sizeof tasks / sizeof tasks[0]; i++) {
        clean_cascade(&s);
        add_milestone(&s, 10, 1, tasks[i]);
        fires_once(&s, "task-not-result", "K10", NULL);
        okr_state_free(&s);
    }
    /* Results that merely begin like a verb, or use one later on. */
    static const char *const results[] = {
        "Double the trial conversions",      "Domestic sales exceed exports",
        "Runway covers 18 months",           "Starter plan adopted by 100 teams",
        "Launching customers all referenced", "Planned downtime under 1 hour",
        "Setup time under 5 minutes",         "Settle every dispute",
        "Customers launch without help",      "Make-or-buy decision signed off",
        "Do\303\261a Ana office opens",         "",
    };
    for (size_t i = 0; i < sizeof results / sizeof results[0]; i++) {
        clean_cascade(&s);
        add_milestone(&s, 10, 1, results[i]);
        does_not_fire(&s, "task-not-result");
        okr_state_free(&s);
    }
}

/* An archived objective breaks every rule it can, alone, and is not looked at. */
static void test_archived_ignored(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    struct okr_objective *o = add_objective(&s, 10, 3, "");
    o->status = OKR_ARCHIVED;
    add_metric(&s, 10, 10, "Write the launch plan", 5, 5);
    set_owner(&okr_key_result_find(&s, 10)->owner, "");
    assert_no_warnings(&s); /* one key result, no owner, orphan, no measure, task */
    for (uint32_t i = 11; i < 16; i++)
        add_metric(&s, i, 10, "Increase revenue from 1 to 2", 1, 2);
    for (uint32_t i = 0; i < 6; i++)
        add_objective(&s, 20 + i, 1, "ceo")->status = OKR_ARCHIVED;
    assert_no_warnings(&s); /* six key results; too many company and ceo objectives */
    /* Unarchived, the same objective draws warnings. */
    okr_objective_find(&s, 10)->status = OKR_DRAFT;
    struct collected c;
    run(&s, &c);
    assert_true(c.n >= 5);
    okr_state_free(&s);
}

/* Warnings come by rule in table order, then by entity number. */
static void test_stable_order(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    set_owner(&okr_key_result_find(&s, 7)->owner, "");
    set_owner(&okr_key_result_find(&s, 2)->owner, "");
    set_owner(&okr_objective_find(&s, 3)->owner, "");
    set_owner(&okr_objective_find(&s, 1)->owner, NULL);
    okr_objective_find(&s, 3)->aligns_to = 0;
    add_objective(&s, 10, 2, "vp");
    add_milestone(&s, 10, 10, "Hold a kickoff");
    add_metric(&s, 11, 2, "Write the FAQ", 3, 3);

    struct collected c;
    run(&s, &c);
    size_t last_rule = 0;
    uint32_t last_num = 0;
    for (size_t i = 0; i < c.n; i++) {
        size_t rule = (size_t)(c.w[i].rule - LINT_RULES);
        assert_true(rule < LINT_RULE_COUNT);
        uint32_t num = (uint32_t)strtoul(c.w[i].entity + 1, NULL, 10);
        if (i > 0) {
            assert_true(rule >= last_rule);
            if (rule == last_rule)
                assert_true(num > last_num);
        }
        last_rule = rule;
        last_num = num;
    }
    static const char *const expected[][2] = {
        {"objective-without-owner", "O1"}, {"objective-without-owner", "O3"},
        {"orphan-objective", "O3"},        {"orphan-objective", "O10"},
        {"too-few-key-results", "O10"},    {"key-result-without-owner", "K2"},
        {"key-result-without-owner", "K7"}, {"no-measure", "K11"},
        {"task-not-result", "K10"},        {"task-not-result", "K11"},
    };
    assert_int_equal(c.n, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < c.n; i++) {
        assert_string_equal(c.w[i].rule->id, expected[i][0]);
        assert_string_equal(c.w[i].entity, expected[i][1]);
    }
    /* Twice the same: nothing depends on anything but the state. */
    struct collected again;
    run(&s, &again);
    assert_int_equal(again.n, c.n);
    for (size_t i = 0; i < c.n; i++)
        assert_string_equal(again.w[i].message, c.w[i].message);
    okr_state_free(&s);
}

static int stop_at_second(void *ctx, const struct lint_warning *w)
{
    (void)w;
    int *calls = ctx;
    return ++*calls == 2 ? 42 : 0;
}

static void test_callback_stops_the_run(void **state)
{
    (void)state;
    struct okr_state s;
    clean_cascade(&s);
    set_owner(&okr_objective_find(&s, 1)->owner, "");
    set_owner(&okr_objective_find(&s, 2)->owner, "");
    set_owner(&okr_objective_find(&s, 3)->owner, "");
    int calls = 0;
    assert_int_equal(lint_run(&s, stop_at_second, &calls), 42);
    assert_int_equal(calls, 2);
    okr_state_free(&s);
}

/* Whether text is valid UTF-8 (structure only; enough for a cut sequence). */
static int valid_utf8(const char *text)
{
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        size_t n = *p < 0x80 ? 1 : *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC0 ? 2 : 0;
        if (n == 0)
            return 0;
        for (size_t i = 1; i < n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n;
    }
    return 1;
}

/* A long name is cut to fit the message, on a character boundary, wherever
 * the cut falls within a two-, three- or four-byte character. */
static void test_long_message_stays_utf8(void **state)
{
    (void)state;
    static const char *const chars[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
    for (size_t shift = 0; shift < 4; shift++) {
        for (size_t ch = 0; ch < sizeof chars / sizeof chars[0]; ch++) {
            char owner[320] = "";
            for (size_t i = 0; i < shift; i++)
                strcat(owner, "x");
            while (strlen(owner) < 280)
                strcat(owner, chars[ch]);
            struct okr_state s;
            okr_state_init(&s);
            add_team(&s, 1, 0, OKR_LEVEL_TEAM);
            for (uint32_t i = 0; i < 6; i++)
                add_objective(&s, 1 + i, 1, owner);
            struct collected c;
            run(&s, &c);
            assert_int_equal(count_rule(&c, "too-many-objectives-per-person"), 1);
            for (size_t i = 0; i < c.n; i++) {
                assert_true(strlen(c.w[i].message) < sizeof c.w[i].message);
                assert_true(valid_utf8(c.w[i].message));
                if (strcmp(c.w[i].rule->id, "too-many-objectives-per-person") == 0)
                    assert_true(strlen(c.w[i].message) > sizeof c.w[i].message - 5);
            }
            okr_state_free(&s);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_clean_cascade),
        cmocka_unit_test(test_too_many_company_objectives),
        cmocka_unit_test(test_too_many_objectives),
        cmocka_unit_test(test_too_many_objectives_per_person),
        cmocka_unit_test(test_per_person_order),
        cmocka_unit_test(test_objective_without_owner),
        cmocka_unit_test(test_key_result_without_owner),
        cmocka_unit_test(test_orphan_objective),
        cmocka_unit_test(test_too_few_key_results),
        cmocka_unit_test(test_too_many_key_results),
        cmocka_unit_test(test_final_without_check),
        cmocka_unit_test(test_no_measure),
        cmocka_unit_test(test_task_not_result),
        cmocka_unit_test(test_heavy_key_result),
        cmocka_unit_test(test_archived_ignored),
        cmocka_unit_test(test_stable_order),
        cmocka_unit_test(test_callback_stops_the_run),
        cmocka_unit_test(test_long_message_stays_utf8),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
