/* Tests of common/okr.c: sorted entity arrays, ids, levels, key result
 * progress and the checks on user-supplied text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "okr.h"

/* The default limits, as numbers (okr_limits_default). */
#define TITLE_LIMIT 200
#define TEXT_LIMIT 2000

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void add_team(struct okr_state *s, uint32_t num, const char *name)
{
    struct okr_team t = {.num = num, .name = xstrdup(name), .level = OKR_LEVEL_TEAM, .version = 1};
    struct okr_team *at = okr_team_insert(s, &t);
    assert_non_null(at);
    assert_int_equal(at->num, num);
    assert_string_equal(at->name, name);
    /* The state owns the strings now; the caller's struct is emptied. */
    assert_null(t.name);
    assert_int_equal(t.num, 0);
}

static void add_objective(struct okr_state *s, uint32_t num, const char *title)
{
    struct okr_objective o = {
        .num = num,
        .team = 1,
        .title = xstrdup(title),
        .owner = xstrdup("alice"),
        .rationale = xstrdup(""),
    };
    assert_non_null(okr_objective_insert(s, &o));
    assert_null(o.title);
    assert_null(o.owner);
    assert_null(o.rationale);
}

static void add_key_result(struct okr_state *s, uint32_t num)
{
    struct okr_key_result k = {
        .num = num,
        .objective = 1,
        .title = xstrdup("Grow"),
        .owner = xstrdup("bob"),
        .unit = xstrdup("%"),
    };
    assert_non_null(okr_key_result_insert(s, &k));
    assert_null(k.title);
    assert_null(k.unit);
}

static void test_state_init(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    assert_int_equal(s.nteams + s.nobjectives + s.nkey_results, 0);
    assert_int_equal(s.next_team, 1);
    assert_int_equal(s.next_objective, 1);
    assert_int_equal(s.next_key_result, 1);
    assert_null(okr_team_find(&s, 1));
    okr_state_free(&s);
    okr_state_free(&s); /* freeing twice is harmless: free re-initialises */
}

static void test_insert_keeps_order(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    /* Enough entries to make the array grow several times. */
    static const uint32_t order[] = {7, 3, 12, 1, 9, 2, 30, 5, 11, 4, 8, 6, 10, 20, 15, 13, 40};
    size_t n = sizeof order / sizeof order[0];
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "team %u", (unsigned)order[i]);
        add_team(&s, order[i], name);
        add_objective(&s, order[i], name);
        add_key_result(&s, order[i]);
    }
    assert_int_equal(s.nteams, n);
    assert_int_equal(s.nobjectives, n);
    assert_int_equal(s.nkey_results, n);
    assert_true(s.cap_teams >= n);
    for (size_t i = 1; i < n; i++) {
        assert_true(s.teams[i - 1].num < s.teams[i].num);
        assert_true(s.objectives[i - 1].num < s.objectives[i].num);
        assert_true(s.key_results[i - 1].num < s.key_results[i].num);
    }
    for (size_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof name, "team %u", (unsigned)order[i]);
        struct okr_team *t = okr_team_find(&s, order[i]);
        assert_non_null(t);
        assert_string_equal(t->name, name);
        struct okr_objective *o = okr_objective_find(&s, order[i]);
        assert_non_null(o);
        assert_string_equal(o->title, name);
        assert_non_null(okr_key_result_find(&s, order[i]));
    }
    assert_null(okr_team_find(&s, 0));
    assert_null(okr_team_find(&s, 14));
    assert_null(okr_objective_find(&s, 41));
    assert_null(okr_key_result_find(&s, 16));
    okr_state_free(&s);
    assert_int_equal(s.nteams, 0);
    assert_null(s.teams);
}

static void test_insert_same_number_replaces(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 2, "old");
    add_team(&s, 1, "one");
    add_team(&s, 2, "new");
    assert_int_equal(s.nteams, 2);
    assert_string_equal(okr_team_find(&s, 2)->name, "new");
    okr_state_free(&s);
}

static void test_remove(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    for (uint32_t i = 1; i <= 5; i++) {
        add_objective(&s, i, "objective");
        add_key_result(&s, i);
    }
    assert_int_equal(okr_objective_remove(&s, 3), 0);
    assert_int_equal(okr_objective_remove(&s, 3), CAS_ENOTFOUND);
    assert_int_equal(okr_objective_remove(&s, 99), CAS_ENOTFOUND);
    assert_int_equal(s.nobjectives, 4);
    assert_null(okr_objective_find(&s, 3));
    assert_non_null(okr_objective_find(&s, 4));
    assert_int_equal(okr_objective_remove(&s, 5), 0); /* the last one */
    assert_int_equal(okr_objective_remove(&s, 1), 0); /* the first one */
    assert_int_equal(s.nobjectives, 2);
    assert_int_equal(s.objectives[0].num, 2);
    assert_int_equal(s.objectives[1].num, 4);

    assert_int_equal(okr_key_result_remove(&s, 1), 0);
    assert_int_equal(okr_key_result_remove(&s, 1), CAS_ENOTFOUND);
    assert_int_equal(s.nkey_results, 4);
    assert_int_equal(s.key_results[0].num, 2);
    for (uint32_t i = 2; i <= 5; i++)
        assert_int_equal(okr_key_result_remove(&s, i), 0);
    assert_int_equal(s.nkey_results, 0);
    assert_int_equal(okr_key_result_remove(&s, 2), CAS_ENOTFOUND);

    /* Removed slots are reusable. */
    add_key_result(&s, 3);
    assert_non_null(okr_key_result_find(&s, 3));
    okr_state_free(&s);
}

static void test_id_parse(void **state)
{
    (void)state;
    uint32_t n = 0;
    assert_int_equal(okr_id_parse("T3", OKR_TEAM, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(okr_id_parse("t3", OKR_TEAM, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(okr_id_parse("O7", OKR_OBJECTIVE, &n), 0);
    assert_int_equal(n, 7);
    assert_int_equal(okr_id_parse("k12", OKR_KEY_RESULT, &n), 0);
    assert_int_equal(n, 12);
    assert_int_equal(okr_id_parse("K4294967295", OKR_KEY_RESULT, &n), 0);
    assert_int_equal(n, UINT32_MAX);

    static const char *const bad[] = {
        "T0", "T", "T-1", "T3x", "T4294967296", "T99999999999999999999999", "", "3", "T 3",
        " T3", "T3 ", "T+3", "TT3", "O3", "K3",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = 42;
        int rc = okr_id_parse(bad[i], OKR_TEAM, &n);
        if (rc != CAS_EINVAL)
            fail_msg("'%s' gave %d instead of CAS_EINVAL", bad[i], rc);
        assert_int_equal(n, 42); /* untouched on failure */
    }
    assert_int_equal(okr_id_parse("T3", OKR_OBJECTIVE, &n), CAS_EINVAL);
    assert_int_equal(okr_id_parse("t3", OKR_KEY_RESULT, &n), CAS_EINVAL);
    assert_int_equal(okr_id_parse(NULL, OKR_TEAM, &n), CAS_EINVAL);
}

static void test_id_format(void **state)
{
    (void)state;
    char out[12];
    okr_id_format(OKR_TEAM, 3, out, sizeof out);
    assert_string_equal(out, "T3");
    okr_id_format(OKR_OBJECTIVE, 7, out, sizeof out);
    assert_string_equal(out, "O7");
    okr_id_format(OKR_KEY_RESULT, UINT32_MAX, out, sizeof out);
    assert_string_equal(out, "K4294967295");

    uint32_t n;
    assert_int_equal(okr_id_parse(out, OKR_KEY_RESULT, &n), 0);
    assert_int_equal(n, UINT32_MAX);
}

/* The words the server's refusals and the client's usage errors share. */
static void test_kind_names(void **state)
{
    (void)state;
    static const struct {
        enum okr_kind kind;
        const char *name, *article;
    } kinds[] = {
        {OKR_TEAM, "team", "a"},
        {OKR_OBJECTIVE, "objective", "an"},
        {OKR_KEY_RESULT, "key result", "a"},
        {OKR_INITIATIVE, "initiative", "an"},
        {OKR_COMMENT, "comment", "a"},
        {(enum okr_kind)'X', "entity", "an"},
        {(enum okr_kind)0, "entity", "an"},
    };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        assert_string_equal(okr_kind_name(kinds[i].kind), kinds[i].name);
        assert_string_equal(okr_kind_article(kinds[i].kind), kinds[i].article);
    }
}

/* Each kind is looked up in its own table; a number of one kind says
 * nothing about another. */
static void test_entity_exists(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    struct okr_team t = {.num = 2, .name = strdup("Acme")};
    assert_non_null(t.name);
    assert_non_null(okr_team_insert(&s, &t));
    assert_true(okr_entity_exists(&s, OKR_TEAM, 2));
    assert_false(okr_entity_exists(&s, OKR_TEAM, 1));
    assert_false(okr_entity_exists(&s, OKR_OBJECTIVE, 2));
    assert_false(okr_entity_exists(&s, OKR_KEY_RESULT, 2));
    assert_false(okr_entity_exists(&s, OKR_INITIATIVE, 2));
    assert_false(okr_entity_exists(&s, OKR_COMMENT, 2));
    assert_false(okr_entity_exists(&s, (enum okr_kind)0, 2));
    okr_state_free(&s);
}

static void test_levels(void **state)
{
    (void)state;
    static const struct {
        enum okr_level level;
        const char *name;
    } levels[] = {
        {OKR_LEVEL_NONE, ""},
        {OKR_LEVEL_COMPANY, "company"},
        {OKR_LEVEL_DEPARTMENT, "department"},
        {OKR_LEVEL_TEAM, "team"},
        {OKR_LEVEL_INDIVIDUAL, "individual"},
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        enum okr_level l = OKR_LEVEL_TEAM;
        assert_string_equal(okr_level_name(levels[i].level), levels[i].name);
        assert_int_equal(okr_level_parse(levels[i].name, &l), 0);
        assert_int_equal(l, levels[i].level);
    }
    enum okr_level l = OKR_LEVEL_NONE;
    assert_int_equal(okr_level_parse("Department", &l), 0);
    assert_int_equal(l, OKR_LEVEL_DEPARTMENT);
    assert_int_equal(okr_level_parse("none", &l), 0);
    assert_int_equal(l, OKR_LEVEL_NONE);
    assert_int_equal(okr_level_parse("division", &l), CAS_EINVAL);
    assert_int_equal(okr_level_parse("teams", &l), CAS_EINVAL);
    assert_int_equal(okr_level_parse(" team", &l), CAS_EINVAL);
    assert_int_equal(okr_level_parse(NULL, &l), CAS_EINVAL);
    assert_string_equal(okr_level_name((enum okr_level)99), "");
}

/* cmocka's assert_float_equal compares as float; progress wants double. */
static void near(double got, double want)
{
    if (!(fabs(got - want) <= 1e-12))
        fail_msg("got %.17g, expected %.17g", got, want);
}

static double metric(double start, double target, double current)
{
    struct okr_key_result k = {.start = start, .target = target, .current = current};
    return okr_key_result_progress(&k);
}

static void test_progress_metric(void **state)
{
    (void)state;
    /* Increase attendance from 350 to 500. */
    near(metric(350, 500, 350), 0.0);
    near(metric(350, 500, 425), 0.5);
    near(metric(350, 500, 500), 1.0);
    near(metric(350, 500, 800), 1.0); /* beyond the target */
    near(metric(350, 500, 100), 0.0); /* below the start */

    /* Reduce response time from 72 h to 24 h. */
    near(metric(72, 24, 72), 0.0);
    near(metric(72, 24, 60), 0.25);
    near(metric(72, 24, 24), 1.0);
    near(metric(72, 24, 12), 1.0);
    near(metric(72, 24, 90), 0.0);

    /* Nothing to travel: reached or not. */
    near(metric(5, 5, 5), 1.0);
    near(metric(5, 5, 6), 1.0);
    near(metric(5, 5, 4.9), 0.0);
    near(metric(0, 0, 0), 1.0);
}

static void test_progress_never_nan(void **state)
{
    (void)state;
    const double inf = INFINITY;
    const double cases[][3] = {
        {NAN, 1, 0.5}, {0, NAN, 0.5}, {0, 1, NAN}, {0, inf, inf}, {-inf, inf, 0},
        {inf, inf, inf}, {0, 1, inf}, {0, 1, -inf}, {-1e308, 1e308, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        double p = metric(cases[i][0], cases[i][1], cases[i][2]);
        if (isnan(p) || p < 0.0 || p > 1.0)
            fail_msg("case %zu gave %g", i, p);
    }
    near(metric(0, 1, inf), 1.0);
    near(metric(0, 1, -inf), 0.0);
    near(metric(-1e308, 1e308, 0), 0.5);
}

static void test_progress_milestone(void **state)
{
    (void)state;
    /* Start, target and current mean nothing for a milestone. */
    struct okr_key_result k = {.milestone = 1, .start = 0, .target = 10, .current = 10};
    near(okr_key_result_progress(&k), 0.0);
    k.done = 1;
    near(okr_key_result_progress(&k), 1.0);
    k.current = 0;
    near(okr_key_result_progress(&k), 1.0);
}

/* Checks that text is refused with an error naming `what` and containing
 * `phrase`. */
static void refused(const char *text, size_t max, int required, int multiline,
                    const char *phrase)
{
    char err[256] = "";
    int rc = okr_text_check(text, "title", max, required, multiline, err, sizeof err);
    if (rc != CAS_EINVAL)
        fail_msg("'%s' gave %d instead of CAS_EINVAL", text, rc);
    if (strncmp(err, "The title ", 10) != 0 || strstr(err, phrase) == NULL)
        fail_msg("'%s' gave the message \"%s\", expected \"%s\"", text, err, phrase);
    size_t n = strlen(err);
    assert_true(n > 0 && err[n - 1] == '.');
}

static void accepted(const char *text, size_t max, int required, int multiline)
{
    char err[256] = "";
    int rc = okr_text_check(text, "title", max, required, multiline, err, sizeof err);
    if (rc != 0)
        fail_msg("'%s' was refused: %s", text, err);
}

static void test_text_plain(void **state)
{
    (void)state;
    accepted("Increase attendance from 350 to 500 people", TITLE_LIMIT, 1, 0);
    accepted("Grüße 🚀", TITLE_LIMIT, 1, 0);
    accepted("日本語のタイトル", TITLE_LIMIT, 1, 0);
    accepted("\xEF\xBF\xBD", 8, 1, 0);        /* U+FFFD */
    accepted("\xF4\x8F\xBF\xBF", 8, 1, 0);    /* U+10FFFF, the last code point */
    accepted("\xED\x9F\xBF", 8, 1, 0);        /* U+D7FF, just below the surrogates */
    accepted("\xEE\x80\x80", 8, 1, 0);        /* U+E000, just above them */
    accepted("\xE0\xA0\x80", 8, 1, 0);        /* U+0800, the shortest 3-byte form */
    accepted("\xF0\x90\x80\x80", 8, 1, 0);    /* U+10000, the shortest 4-byte form */
    accepted("", TITLE_LIMIT, 0, 0);
    accepted("   ", TITLE_LIMIT, 0, 0);
    accepted(NULL, TITLE_LIMIT, 0, 0);
}

/* Text that would show as something other than it is: a line separator
 * in a one-line field, direction controls that reorder what follows them,
 * and a title made only of characters that show nothing. */
static void test_text_that_lies(void **state)
{
    (void)state;
    refused("a\xE2\x80\xA8" "b", TITLE_LIMIT, 1, 0, "line break");   /* U+2028 */
    refused("a\xE2\x80\xA9" "b", TITLE_LIMIT, 1, 0, "line break");   /* U+2029 */
    accepted("a\xE2\x80\xA8" "b", TITLE_LIMIT, 1, 1);                /* a note may break */
    refused("pay \xE2\x80\xAE" "0001", TITLE_LIMIT, 1, 0, "U+202E"); /* right-to-left override */
    refused("x\xE2\x80\xAA" "y", TITLE_LIMIT, 1, 0, "U+202A");
    refused("x\xE2\x81\xA6" "y", TITLE_LIMIT, 1, 0, "U+2066");       /* isolates too */
    refused("x\xE2\x81\xA9" "y", TITLE_LIMIT, 1, 0, "U+2069");
    accepted("x\xE2\x80\x8F" "y", TITLE_LIMIT, 1, 0);                /* a plain RLM mark is fine */
    accepted("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", TITLE_LIMIT, 1, 0); /* Hebrew needs no control */
    refused("\xE2\x80\x8B", TITLE_LIMIT, 1, 0, "empty");             /* zero-width space */
    refused("\xE2\x80\x8B\xE2\x80\x8D\xEF\xBB\xBF \xE2\x81\xA0", TITLE_LIMIT, 1, 0, "empty");
    refused("\xC2\xAD\xE3\x85\xA4", TITLE_LIMIT, 1, 0, "empty");      /* soft hyphen, filler */
    accepted("\xE2\x80\x8B" "x", TITLE_LIMIT, 1, 0);                 /* with something visible */
}

static void test_text_required(void **state)
{
    (void)state;
    char err[256] = "";
    assert_int_equal(okr_text_check("", "title", TITLE_LIMIT, 1, 0, err, sizeof err),
                     CAS_EINVAL);
    assert_string_equal(err, "The title is empty; give it some words.");
    refused("   ", TITLE_LIMIT, 1, 0, "is empty");
    refused("\xC2\xA0\xE3\x80\x80", TITLE_LIMIT, 1, 0, "is empty"); /* NBSP, ideographic */
    refused(" \n \n", TEXT_LIMIT, 1, 1, "is empty");
    refused(NULL, TITLE_LIMIT, 1, 0, "is empty");
    accepted(" x ", TITLE_LIMIT, 1, 0);
}

static void test_text_limit(void **state)
{
    (void)state;
    char text[TITLE_LIMIT + 2];
    memset(text, 'a', TITLE_LIMIT);
    text[TITLE_LIMIT] = '\0';
    accepted(text, TITLE_LIMIT, 1, 0);
    text[TITLE_LIMIT] = 'a';
    text[TITLE_LIMIT + 1] = '\0';
    char err[256] = "";
    assert_int_equal(okr_text_check(text, "title", TITLE_LIMIT, 1, 0, err, sizeof err),
                     CAS_EINVAL);
    assert_string_equal(err, "The title is 201 bytes long; the limit is 200.");

    /* The limit counts bytes, not characters: "ü" is two. */
    accepted("\xC3\xBC\xC3\xBC", 4, 1, 0);
    refused("\xC3\xBC\xC3\xBC\xC3\xBC", 5, 1, 0, "6 bytes long; the limit is 5");

    assert_int_equal(okr_text_check(text, "team name", 10, 1, 0, err, sizeof err), CAS_EINVAL);
    assert_string_equal(err, "The team name is 201 bytes long; the limit is 10.");
}

static void test_text_invalid_utf8(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xC0\x80",             /* overlong NUL */
        "\xC1\xBF",             /* overlong 2-byte */
        "\xE0\x80\xAF",         /* overlong 3-byte '/' */
        "\xF0\x8F\xBF\xBF",     /* overlong 4-byte */
        "\xED\xA0\x80",         /* U+D800, a surrogate */
        "\xED\xBF\xBF",         /* U+DFFF, a surrogate */
        "\xF4\x90\x80\x80",     /* U+110000, too large */
        "\xF5\x80\x80\x80",     /* past the range altogether */
        "\xFF",                 /* never valid */
        "\x80",                 /* a lone continuation byte */
        "\xE2\x82",             /* truncated euro sign */
        "ok \xE2\x82",          /* truncated at the end of longer text */
        "\xE2\x82 more",        /* truncated in the middle */
        "\xF0\x9F\x9A",         /* truncated rocket */
        "\xC3",                 /* truncated 2-byte */
        "\xC3\xC3\xBC",         /* a lead byte where a continuation belongs */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        refused(bad[i], TITLE_LIMIT, 1, 1, "not valid UTF-8");
}

static void test_text_controls(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "a\tb", "a\rb", "\r\n", "bell\a", "esc\x1B[2J", "del\x7F", "\x01", "c1 \xC2\x9B",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        refused(bad[i], TEXT_LIMIT, 1, 0, "control character");
        refused(bad[i], TEXT_LIMIT, 1, 1, "control character");
    }
    refused("two\nlines", TITLE_LIMIT, 1, 0, "line break");
    accepted("two\nlines", TEXT_LIMIT, 1, 1);
    accepted("Why:\n- customers leave\n- cost\n", TEXT_LIMIT, 1, 1);
}

static void test_text_optional_err(void **state)
{
    (void)state;
    /* The error buffer is optional. */
    assert_int_equal(okr_text_check("\xC0\x80", "title", 10, 1, 0, NULL, 0), CAS_EINVAL);
    assert_int_equal(okr_text_check("fine", "title", 10, 1, 0, NULL, 0), 0);
    /* A short buffer truncates the message safely. */
    char err[8];
    assert_int_equal(okr_text_check("", "title", 10, 1, 0, err, sizeof err), CAS_EINVAL);
    assert_string_equal(err, "The tit");
}

/* Client text quoted back in a message: no control characters, valid
 * UTF-8, cut between characters. */
static void test_text_quote(void **state)
{
    (void)state;
    char out[64];
    okr_text_quote("O\x1b[2J", 32, out, sizeof out);
    assert_string_equal(out, "O?[2J");
    okr_text_quote("bad \xc0\x80 and \xed\xa0\x80", 32, out, sizeof out);
    assert_string_equal(out, "bad ?? and ???");
    okr_text_quote("Gr\xc3\xbc\xc3\x9f\x65", 3, out, sizeof out);
    assert_string_equal(out, "Gr\xc3\xbc...");
    okr_text_quote("\xc3\xa9\xc3\xa9\xc3\xa9", 32, out, 8); /* room for two é, "..." and NUL */
    assert_string_equal(out, "\xc3\xa9\xc3\xa9...");
    okr_text_quote(NULL, 32, out, sizeof out);
    assert_string_equal(out, "");
}

static void test_limits_defaults_and_settings(void **state)
{
    (void)state;
    assert_int_equal(okr_limits_default.team_name, 80);
    assert_int_equal(okr_limits_default.title, TITLE_LIMIT);
    assert_int_equal(okr_limits_default.text, TEXT_LIMIT);
    assert_int_equal(okr_limits_default.unit, 24);
    assert_int_equal(okr_limits_default.period, 32);

    struct okr_limits l = okr_limits_default;
    char err[256];
    assert_int_equal(okr_limits_set(&l, "title=12", err, sizeof err), 0);
    assert_int_equal(okr_limits_set(&l, "team-name=400", err, sizeof err), 0);
    assert_int_equal(okr_limits_set(&l, "text=16000", err, sizeof err), 0);
    assert_int_equal(okr_limits_set(&l, "unit=1", err, sizeof err), 0);
    assert_int_equal(okr_limits_set(&l, "period=64", err, sizeof err), 0);
    assert_int_equal(l.title, 12);
    assert_int_equal(l.team_name, 400);
    assert_int_equal(l.text, 16000);
    assert_int_equal(l.unit, 1);
    assert_int_equal(l.period, 64);

    /* Every refusal names what is wrong and changes nothing. */
    const struct okr_limits before = l;
    static const struct {
        const char *spec, *phrase;
    } bad[] = {
        {"title", "is not KIND=BYTES"},       {"colour=3", "is not KIND=BYTES"},
        {"=3", "is not KIND=BYTES"},          {"titles=3", "is not KIND=BYTES"},
        {"titl=3", "is not KIND=BYTES"},      {"title=", "from 1 to 1000, not ''"},
        {"title=0", "from 1 to 1000"},        {"title=1001", "from 1 to 1000, not '1001'"},
        {"title=-5", "not '-5'"},             {"title=12x", "not '12x'"},
        {"title= 12", "not ' 12'"},           {"text=16001", "from 1 to 16000"},
        {"unit=99999999999999999999999", "from 1 to 64"},
        {"team-name=401", "team-name limit"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(okr_limits_set(&l, bad[i].spec, err, sizeof err), CAS_EINVAL);
        if (strstr(err, bad[i].phrase) == NULL)
            fail_msg("'%s' gave \"%s\", expected \"%s\"", bad[i].spec, err, bad[i].phrase);
        assert_memory_equal(&l, &before, sizeof l);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_quote),
        cmocka_unit_test(test_state_init),
        cmocka_unit_test(test_insert_keeps_order),
        cmocka_unit_test(test_insert_same_number_replaces),
        cmocka_unit_test(test_remove),
        cmocka_unit_test(test_id_parse),
        cmocka_unit_test(test_id_format),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_entity_exists),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_progress_metric),
        cmocka_unit_test(test_progress_never_nan),
        cmocka_unit_test(test_progress_milestone),
        cmocka_unit_test(test_text_plain),
        cmocka_unit_test(test_text_that_lies),
        cmocka_unit_test(test_text_required),
        cmocka_unit_test(test_text_limit),
        cmocka_unit_test(test_text_invalid_utf8),
        cmocka_unit_test(test_text_controls),
        cmocka_unit_test(test_text_optional_err),
        cmocka_unit_test(test_limits_defaults_and_settings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
