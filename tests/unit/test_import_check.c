/* The checks of an import that need only the file (common/import_check.c):
 * ids well formed and unique, references to entities of the file, no loops
 * in the team tree or the alignments, texts and numbers in range, and every
 * problem told (up to the cap) with its list, position and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "import_check.h"

#define MAXN 8

/* A message on the stack: up to MAXN of each. */
struct file {
    Cascade__V1__WorkshopImport m;
    Cascade__V1__Team teams[MAXN], *tp[MAXN];
    Cascade__V1__Objective objectives[MAXN], *op[MAXN];
    Cascade__V1__KeyResult krs[MAXN], *kp[MAXN];
    Cascade__V1__Initiative inits[MAXN], *ip[MAXN];
    Cascade__V1__Dependency deps[MAXN], *dp[MAXN];
    Cascade__V1__Comment comments[MAXN], *cp[MAXN];
    struct import_index ix;
    struct import_problems p;
};

static void init(struct file *f)
{
    memset(f, 0, sizeof *f);
    cascade__v1__workshop_import__init(&f->m);
    f->m.teams = f->tp;
    f->m.objectives = f->op;
    f->m.key_results = f->kp;
    f->m.initiatives = f->ip;
    f->m.dependencies = f->dp;
    f->m.comments = f->cp;
}

static void team(struct file *f, const char *id, const char *name, const char *parent,
                 Cascade__V1__Level level)
{
    Cascade__V1__Team *t = &f->teams[f->m.n_teams];
    cascade__v1__team__init(t);
    t->id = (char *)id;
    t->name = (char *)name;
    t->parent = (char *)parent;
    t->level = level;
    f->tp[f->m.n_teams++] = t;
}

static Cascade__V1__Objective *objective(struct file *f, const char *id, const char *team_id,
                                         const char *title)
{
    Cascade__V1__Objective *o = &f->objectives[f->m.n_objectives];
    cascade__v1__objective__init(o);
    o->id = (char *)id;
    o->team = (char *)team_id;
    o->title = (char *)title;
    f->op[f->m.n_objectives++] = o;
    return o;
}

static Cascade__V1__KeyResult *kr(struct file *f, const char *id, const char *obj,
                                  const char *title)
{
    Cascade__V1__KeyResult *k = &f->krs[f->m.n_key_results];
    cascade__v1__key_result__init(k);
    k->id = (char *)id;
    k->objective = (char *)obj;
    k->title = (char *)title;
    k->target = 10;
    k->confidence = 0.5;
    f->kp[f->m.n_key_results++] = k;
    return k;
}

static int check(struct file *f)
{
    int rc = import_check(&f->m, NULL, &f->ix, &f->p);
    import_index_free(&f->ix);
    return rc;
}

/* Whether a problem of list/index/field says `words`. */
static int told(const struct file *f, const char *list, uint32_t index, const char *field,
                const char *words)
{
    for (size_t i = 0; i < f->p.n; i++)
        if (strcmp(f->p.items[i].list, list) == 0 && f->p.items[i].index == index &&
            strcmp(f->p.items[i].field, field) == 0 && strstr(f->p.items[i].reason, words))
            return 1;
    return 0;
}

static void sound(struct file *f)
{
    init(f);
    team(f, "T1", "Company", "", CASCADE__V1__LEVEL__COMPANY);
    team(f, "T2", "Sales", "T1", CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED);
    objective(f, "O1", "T1", "Grow");
    objective(f, "O2", "T2", "Sell")->inherits = "K1";
    kr(f, "K1", "O1", "Revenue");
    kr(f, "K2", "O2", "Deals");
}

static void test_a_sound_file(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    assert_int_equal(check(&f), 0);
    assert_int_equal(f.p.n, 0);
    assert_int_equal(import_entity_count(&f.m), 6);
}

static void test_ids(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    f.teams[1].id = "T1";
    f.objectives[1].id = "K7";
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "teams", 1, "id", "T1 is used by another team of the file already"));
    assert_true(told(&f, "objectives", 1, "id", "'K7' is not an objective id"));
}

static void test_references_and_loops(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    team(&f, "T3", "A", "T4", 0);
    team(&f, "T4", "B", "T3", 0);
    f.objectives[0].aligns_to = "O2"; /* O2 inherits K1 of O1: a loop */
    kr(&f, "K3", "O9", "Lost");
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "teams", 2, "parent", "make a loop") ||
                told(&f, "teams", 3, "parent", "make a loop"));
    assert_true(told(&f, "objectives", 0, "aligns_to", "make a loop") ||
                told(&f, "objectives", 1, "aligns_to", "make a loop"));
    assert_true(told(&f, "key_results", 2, "objective", "The file has no objective 'O9'."));
}

static void test_objective_rules(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    f.objectives[0].aligns_to = "O1";
    f.objectives[1].aligns_to = "O1"; /* and inherits K1 */
    f.objectives[0].status = "done";
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "objectives", 0, "aligns_to", "cannot align to itself"));
    assert_true(told(&f, "objectives", 1, "inherits", "not both"));
    assert_true(told(&f, "objectives", 0, "status", "draft, final or archived, not 'done'"));
}

static void test_texts_and_numbers(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    f.teams[0].name = "";
    f.objectives[0].title = "bad \xff byte";
    f.krs[0].confidence = 1.5;
    f.krs[1].start = NAN;
    f.krs[1].has_weight = 1;
    f.krs[1].weight = 500;
    f.teams[1].level = CASCADE__V1__LEVEL__COMPANY; /* under a company */
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "teams", 0, "name", "empty"));
    assert_true(told(&f, "objectives", 0, "title", "not valid UTF-8"));
    assert_true(told(&f, "key_results", 0, "confidence", "from 0 to 1, not 1.5"));
    assert_true(told(&f, "key_results", 1, "start", "finite"));
    assert_true(told(&f, "key_results", 1, "weight", "from 0 to 100"));
    assert_true(told(&f, "teams", 1, "level", "below its parent's"));
}

static void test_paths_unique(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    team(&f, "T3", "Sales", "T1", 0);
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "teams", 2, "name", "same name and parent as T2"));
}

static void test_links_of_initiatives_dependencies_comments(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    Cascade__V1__Dependency d[3];
    const char *pairs[3][2] = {{"K2", "K1"}, {"K2", "K1"}, {"K1", "K1"}};
    for (int i = 0; i < 3; i++) {
        cascade__v1__dependency__init(&d[i]);
        d[i].key_result = (char *)pairs[i][0];
        d[i].depends_on = (char *)pairs[i][1];
        f.dp[f.m.n_dependencies++] = &d[i];
    }
    Cascade__V1__Comment c;
    cascade__v1__comment__init(&c);
    c.id = "C1";
    c.target = "K5";
    c.author = "";
    c.text = "hm";
    f.cp[f.m.n_comments++] = &c;
    Cascade__V1__Initiative in;
    cascade__v1__initiative__init(&in);
    in.id = "I1";
    in.key_result = "";
    in.title = "Hire";
    f.ip[f.m.n_initiatives++] = &in;
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "dependencies", 1, "depends_on", "twice"));
    assert_true(told(&f, "dependencies", 2, "depends_on", "cannot depend on itself"));
    assert_true(told(&f, "comments", 0, "target", "no objective or key result 'K5'"));
    assert_true(told(&f, "comments", 0, "author", "empty"));
    assert_true(told(&f, "initiatives", 0, "key_result", "Name a key result"));
}

static void test_dependency_circles(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    kr(&f, "K3", "O1", "Cost");
    Cascade__V1__Dependency d[3];
    const char *pairs[3][2] = {{"K1", "K2"}, {"K2", "K3"}, {"K3", "K1"}};
    for (int i = 0; i < 3; i++) {
        cascade__v1__dependency__init(&d[i]);
        d[i].key_result = (char *)pairs[i][0];
        d[i].depends_on = (char *)pairs[i][1];
        f.dp[f.m.n_dependencies++] = &d[i];
    }
    assert_int_equal(check(&f), CAS_EINVAL);
    for (uint32_t i = 0; i < 3; i++)
        assert_true(told(&f, "dependencies", i, "depends_on", "on a circle of dependencies"));
    d[2].depends_on = "K2"; /* K3 needs K2 needs K3 */
    f.p.n = 0;
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_int_equal(f.p.n, 2); /* K1 -> K2 only leads into it */
    d[2].key_result = "K1"; /* K1 needs K2 and K3, K2 needs K3: no circle */
    d[2].depends_on = "K3";
    f.p.n = 0;
    assert_int_equal(check(&f), 0);
}

static void test_every_problem_up_to_the_cap(void **state)
{
    (void)state;
    struct file f;
    init(&f);
    team(&f, "T1", "A", "", 0);
    static Cascade__V1__KeyResult many[60], *ptrs[60];
    char ids[60][8];
    for (int i = 0; i < 60; i++) {
        cascade__v1__key_result__init(&many[i]);
        snprintf(ids[i], sizeof ids[i], "K%d", i + 1);
        many[i].id = ids[i];
        many[i].objective = "O1"; /* there is none */
        many[i].title = "x";
        ptrs[i] = &many[i];
    }
    f.m.key_results = ptrs;
    f.m.n_key_results = 60;
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_int_equal(f.p.n, IMPORT_PROBLEMS_MAX);
    assert_true(f.p.truncated);
}

static void test_empty_and_oversized(void **state)
{
    (void)state;
    struct file f;
    init(&f);
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "", 0, "", "holds no teams"));
    init(&f);
    f.m.n_comments = IMPORT_LIST_MAX + 1; /* counted before anything is read */
    assert_int_equal(check(&f), CAS_EINVAL);
    assert_true(told(&f, "", 0, "comments", "at most 100000"));
}

static void test_team_path(void **state)
{
    (void)state;
    struct file f;
    sound(&f);
    team(&f, "T3", "EMEA", "T2", 0);
    assert_int_equal(import_check(&f.m, NULL, &f.ix, &f.p), 0);
    char path[64];
    import_team_path(&f.m, &f.ix, 2, path, sizeof path);
    assert_string_equal(path, "Company/Sales/EMEA");
    assert_int_equal(import_find(&f.ix, OKR_KEY_RESULT, "K2"), 1);
    assert_int_equal(import_find(&f.ix, OKR_KEY_RESULT, "K9"), -1);
    import_index_free(&f.ix);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_sound_file),
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_references_and_loops),
        cmocka_unit_test(test_objective_rules),
        cmocka_unit_test(test_texts_and_numbers),
        cmocka_unit_test(test_paths_unique),
        cmocka_unit_test(test_links_of_initiatives_dependencies_comments),
        cmocka_unit_test(test_dependency_circles),
        cmocka_unit_test(test_every_problem_up_to_the_cap),
        cmocka_unit_test(test_empty_and_oversized),
        cmocka_unit_test(test_team_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
