/* Tests of client/live_model.c: the live view's screen as text for a state,
 * a selection, folds and a terminal size, with no terminal involved. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closing.h"
#include "live_model.h"
#include "okr.h"
#include "round_view.h"

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void add_team(struct okr_state *s, uint32_t num, uint32_t parent, const char *name,
                     const char *member)
{
    struct okr_team t = {.num = num, .name = xstrdup(name), .parent = parent,
                         .level = parent ? OKR_LEVEL_DEPARTMENT : OKR_LEVEL_COMPANY};
    if (member != NULL) {
        t.members = calloc(1, sizeof *t.members);
        assert_non_null(t.members);
        t.members[0] = xstrdup(member);
        t.nmembers = 1;
    }
    assert_non_null(okr_team_insert(s, &t));
}

static void add_objective(struct okr_state *s, uint32_t num, uint32_t team, const char *title)
{
    struct okr_objective o = {.num = num, .team = team, .title = xstrdup(title),
                              .owner = xstrdup("alice"), .rationale = xstrdup("")};
    assert_non_null(okr_objective_insert(s, &o));
}

static void add_metric(struct okr_state *s, uint32_t num, uint32_t objective, const char *title,
                       double current)
{
    struct okr_key_result k = {.num = num, .objective = objective, .title = xstrdup(title),
                               .owner = xstrdup("bob"), .unit = xstrdup("deals"),
                               .start = 0, .target = 10, .current = current,
                               .confidence = 0.5};
    assert_non_null(okr_key_result_insert(s, &k));
}

/* T1 Acme > O1 Grow (K1 7/10, K2 2/10); T2 Sales under T1 > O2 Win (K3). */
static void sample(struct okr_state *s)
{
    okr_state_init(s);
    add_team(s, 1, 0, "Acme", NULL);
    add_team(s, 2, 1, "Sales", "mike");
    add_objective(s, 1, 1, "Grow revenue");
    add_objective(s, 2, 2, "Win Europe");
    add_metric(s, 1, 1, "Raise ARR", 7);
    add_metric(s, 2, 1, "Open Berlin", 2);
    add_metric(s, 3, 2, "Close deals", 5);
}

struct screen {
    struct live_line lines[60];
    int cols, rows;
};

static void render(struct live_model *m, struct screen *sc, int cols, int rows)
{
    sc->cols = cols;
    sc->rows = rows;
    live_model_render(m, cols, rows, 1000, sc->lines);
}

/* The index of the first line containing text, or -1. */
static int find(const struct screen *sc, const char *text)
{
    for (int i = 0; i < sc->rows; i++)
        if (strstr(sc->lines[i].text, text) != NULL)
            return i;
    return -1;
}

static void setup_model(struct live_model *m, struct okr_state *s, const char *role)
{
    sample(s);
    live_model_init(m);
    snprintf(m->role, sizeof m->role, "%s", role);
    snprintf(m->me, sizeof m->me, "%s", "mike");
    snprintf(m->code, sizeof m->code, "%s", "KGYADK42HG");
    snprintf(m->title, sizeof m->title, "%s", "Q3 planning");
    m->seq = 9;
    assert_int_equal(live_model_set_state(m, s), 0);
}

static void test_every_line_fills_the_width(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    for (int cols = 80; cols <= 200; cols += 40) {
        render(&m, &sc, cols, 24);
        for (int i = 0; i < 24; i++)
            assert_int_equal(live_text_width(sc.lines[i].text), cols);
    }
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_tree_order_scores_and_glyphs(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    render(&m, &sc, 100, 24);
    assert_true(strstr(sc.lines[0].text, "Q3 planning") != NULL);
    assert_true(strstr(sc.lines[0].text, "code KGYADK42HG") != NULL);
    assert_true(strstr(sc.lines[0].text, "facilitator") != NULL);
    assert_true(strstr(sc.lines[0].text, "seq 9") != NULL);
    int t1 = find(&sc, "T1 Acme"), o1 = find(&sc, "O1 Grow revenue"), k1 = find(&sc, "K1 Raise ARR"),
        k2 = find(&sc, "K2 Open Berlin"), t2 = find(&sc, "T2 Sales"), k3 = find(&sc, "K3 Close");
    assert_true(t1 > 0 && t1 < o1 && o1 < k1 && k1 < k2 && k2 < t2 && t2 < k3);
    /* Scores: a bar, the number to one decimal, and a glyph for the grade. */
    assert_non_null(strstr(sc.lines[k1].text, "███████░░░ 0.7 ✓"));
    assert_non_null(strstr(sc.lines[k2].text, "██░░░░░░░░ 0.2 ✗"));
    assert_non_null(strstr(sc.lines[k3].text, "█████░░░░░ 0.5 ~"));
    /* Each row's score part is in its grade's colour. */
    int colored = 0;
    for (int i = 0; i < sc.lines[k1].nspans; i++)
        colored |= sc.lines[k1].spans[i].style == LIVE_GREEN;
    assert_true(colored);
    /* The first row is selected; its details are shown. */
    assert_int_equal(sc.lines[t1].base, LIVE_SELECTED);
    assert_true(find(&sc, "members: none yet") > k3);
    live_model_free(&m);
    okr_state_free(&s);
}

/* A key result whose check-in is overdue (the check-in cadence) says so on
 * its row; the others do not. */
static void test_overdue_key_result(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    sample(&s);
    struct okr_key_result *k2 = okr_key_result_find(&s, 2);
    k2->next_due_ms = 1783324800000; /* 2026-07-06 08:00 UTC */
    k2->overdue = 1;
    live_model_init(&m);
    snprintf(m.role, sizeof m.role, "%s", "member");
    assert_int_equal(live_model_set_state(&m, &s), 0);
    render(&m, &sc, 100, 24);
    assert_non_null(strstr(sc.lines[find(&sc, "K2 Open Berlin")].text, "overdue"));
    assert_null(strstr(sc.lines[find(&sc, "K1 Raise ARR")].text, "overdue"));
    assert_null(strstr(sc.lines[find(&sc, "K3 Close")].text, "overdue"));
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_ascii_and_no_color(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    m.ascii = 1;
    m.color = 0;
    render(&m, &sc, 100, 24);
    for (int i = 0; i < 24; i++) {
        for (const char *p = sc.lines[i].text; *p; p++)
            assert_true((unsigned char)*p < 0x80);
        for (int j = 0; j < sc.lines[i].nspans; j++) {
            int st = sc.lines[i].spans[j].style;
            assert_true(st != LIVE_RED && st != LIVE_GREEN && st != LIVE_ORANGE);
        }
    }
    /* The glyph still tells the grade without colour. */
    assert_non_null(strstr(sc.lines[find(&sc, "K1 Raise")].text, "#######... 0.7 +"));
    assert_non_null(strstr(sc.lines[find(&sc, "K2 Open")].text, "##........ 0.2 x"));
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_too_small_says_so(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    render(&m, &sc, 60, 20);
    assert_non_null(strstr(sc.lines[0].text, "The window is 60x20; cascade live needs 80x24."));
    assert_int_equal(find(&sc, "T1 Acme"), -1);
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_moving_folding_and_search(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    assert_int_equal(m.nrows, 7);
    live_model_move(&m, 1); /* O1 */
    assert_int_equal(m.selected.kind, OKR_OBJECTIVE);
    assert_int_equal(live_model_fold(&m, 1), 0);
    assert_int_equal(m.nrows, 5); /* K1 and K2 hidden */
    render(&m, &sc, 100, 24);
    assert_int_equal(find(&sc, "K1 Raise"), -1);
    assert_non_null(strstr(sc.lines[find(&sc, "O1 Grow")].text, "▸ O1"));
    /* Folding a folded row selects its parent. */
    assert_int_equal(live_model_fold(&m, 1), 0);
    assert_int_equal(m.selected.kind, OKR_TEAM);
    /* A search unfolds what hides its match. */
    assert_int_equal(live_model_search(&m, "berlin"), 1);
    assert_int_equal(m.selected.kind, OKR_KEY_RESULT);
    assert_int_equal(m.selected.num, 2);
    assert_int_equal(m.nrows, 7);
    assert_int_equal(live_model_search(&m, "no such thing"), 0);
    live_model_home(&m, 1);
    assert_int_equal(m.selected.num, 3);
    live_model_move(&m, 100);
    assert_int_equal(m.selected.num, 3);
    live_model_move(&m, -100);
    assert_int_equal(m.selected.kind, OKR_TEAM);
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_selection_survives_a_new_state(void **state)
{
    (void)state;
    struct okr_state s, s2;
    struct live_model m;
    setup_model(&m, &s, "facilitator");
    live_model_home(&m, 1); /* K3 */
    sample(&s2);
    add_metric(&s2, 4, 1, "New one", 0); /* a row above K3 */
    assert_int_equal(live_model_set_state(&m, &s2), 0);
    assert_int_equal(m.selected.kind, OKR_KEY_RESULT);
    assert_int_equal(m.selected.num, 3);
    /* Removed: the selection stays where it was. */
    okr_state_free(&s);
    sample(&s);
    okr_key_result_remove(&s, 3);
    assert_int_equal(live_model_set_state(&m, &s), 0);
    assert_int_equal(m.selected.kind, OKR_OBJECTIVE);
    live_model_free(&m);
    okr_state_free(&s);
    okr_state_free(&s2);
}

static void test_events_tick_and_highlight(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    live_model_event(&m, 10, "bob", "kr.checkin", "K2", 1000);
    live_model_event(&m, 11, "mike", "kr.checkin", "K1", 1000); /* mine: not highlighted */
    live_model_presence(&m, "bob", "join", "");
    live_model_presence(&m, "carol", "join", "");
    live_model_presence(&m, "carol", "editing", "K3");
    render(&m, &sc, 100, 24);
    int ticker = find(&sc, "#11 mike kr.checkin K1");
    assert_true(ticker > 0);
    assert_int_equal(find(&sc, "#10 bob kr.checkin K2"), ticker + 1);
    assert_true(strstr(sc.lines[0].text, "seq 11") != NULL);
    assert_int_equal(sc.lines[find(&sc, "K2 Open")].base, LIVE_CHANGED);
    assert_int_equal(sc.lines[find(&sc, "K1 Raise")].base, LIVE_PLAIN);
    assert_non_null(strstr(sc.lines[find(&sc, "K3 Close")].text, "✎carol"));
    int here = find(&sc, "here:");
    assert_non_null(strstr(sc.lines[here].text, "bob"));
    assert_non_null(strstr(sc.lines[here].text, "carol ✎K3"));
    /* After LIVE_HIGHLIGHT_MS the highlight is gone. */
    live_model_render(&m, 100, 24, 1000 + LIVE_HIGHLIGHT_MS, sc.lines);
    assert_int_equal(sc.lines[find(&sc, "K2 Open")].base, LIVE_PLAIN);
    live_model_presence(&m, "carol", "leave", "");
    render(&m, &sc, 100, 24);
    assert_null(strstr(sc.lines[find(&sc, "here:")].text, "carol"));
    live_model_free(&m);
    okr_state_free(&s);
}

/* The confidence round under the header: its progress while open (never
 * values: the snapshot has none), and once revealed each key result's
 * range and median, a wide spread flagged. */
static void test_confidence_round_lines(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "member");
    Cascade__V1__RoundValue v[3] = {CASCADE__V1__ROUND_VALUE__INIT, CASCADE__V1__ROUND_VALUE__INIT,
                                    CASCADE__V1__ROUND_VALUE__INIT};
    Cascade__V1__RoundValue *vp[3] = {&v[0], &v[1], &v[2]};
    v[0].user = "alice", v[0].confidence = 0.64;
    v[1].user = "mia", v[1].confidence = 0.37;
    v[2].user = "sam", v[2].confidence = 0.83;
    char *names[] = {"alice", "mia", "sam"}, *waiting[] = {"max"};
    Cascade__V1__RoundKeyResult k[2] = {CASCADE__V1__ROUND_KEY_RESULT__INIT,
                                        CASCADE__V1__ROUND_KEY_RESULT__INIT};
    Cascade__V1__RoundKeyResult *kp[2] = {&k[0], &k[1]};
    k[0].key_result = "K2", k[0].submitted = names, k[0].n_submitted = 3;
    k[1].key_result = "K3", k[1].waiting = waiting, k[1].n_waiting = 1;
    Cascade__V1__ConfidenceRound r = CASCADE__V1__CONFIDENCE_ROUND__INIT;
    r.number = 1, r.open = 1, r.key_results = kp, r.n_key_results = 2;
    round_view_live_lines(&r, m.round, sizeof m.round, m.round_values, sizeof m.round_values,
                          &m.round_wide);
    render(&m, &sc, 100, 24);
    assert_int_equal(find(&sc, "confidence round 1: 3 of 4 submitted"), 1);
    assert_int_equal(sc.lines[1].base, LIVE_BOLD);
    assert_true(find(&sc, "K1 Raise") > 1);
    r.open = 0;
    k[0].values = vp, k[0].n_values = 3;
    round_view_live_lines(&r, m.round, sizeof m.round, m.round_values, sizeof m.round_values,
                          &m.round_wide);
    render(&m, &sc, 100, 24);
    assert_int_equal(find(&sc, "confidence round 1 revealed: 1 of 2 key results with wide"), 1);
    assert_int_equal(sc.lines[1].base, LIVE_WARN);
    assert_int_equal(find(&sc, "K2 0.37-0.83 med 0.64 WIDE"), 2);
    round_view_live_lines(NULL, m.round, sizeof m.round, m.round_values, sizeof m.round_values,
                          &m.round_wide);
    render(&m, &sc, 100, 24);
    assert_int_equal(find(&sc, "confidence round"), -1);
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_what_each_role_is_offered(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    struct live_ref editing;
    char line[256];
    setup_model(&m, &s, "member"); /* mike, a member of T2 only */
    live_model_home(&m, 1);        /* K3, in T2 */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), 0);
    assert_string_equal(m.form.names[0], "value");
    assert_string_equal(m.input, "5");
    m.mode = LIVE_BROWSE;
    live_model_move(&m, -4); /* K1, in T1: not his */
    assert_int_equal(m.selected.num, 1);
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), -1);
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_EDIT), -1);
    assert_int_equal(m.mode, LIVE_BROWSE);
    assert_string_equal(live_model_edit_line(&m, 'm', &editing, line, sizeof line), "comment K1 ");
    /* Once he owns K1 he may check in on it, and still not edit it. */
    struct okr_key_result *k1 = okr_key_result_find(&s, 1);
    free(k1->owner);
    k1->owner = xstrdup("mike");
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), 0);
    m.mode = LIVE_BROWSE;
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_EDIT), -1);

    snprintf(m.role, sizeof m.role, "observer");
    live_model_home(&m, 1);
    for (const char *k = "mt"; *k; k++)
        assert_null(live_model_edit_line(&m, *k, &editing, line, sizeof line));
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), -1);
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_EDIT), -1);
    render(&m, &sc, 100, 24);
    assert_non_null(strstr(sc.lines[23].text, "read-only"));
    assert_null(strstr(sc.lines[23].text, "check in"));

    snprintf(m.role, sizeof m.role, "facilitator");
    live_model_home(&m, 0); /* T1 */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), -1); /* not on a team */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_ADD), 0);
    assert_int_equal(m.form.nfields, 2); /* a new objective: title, owner */
    m.mode = LIVE_BROWSE;
    live_model_move(&m, 1); /* O1 */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_ADD), 0);
    assert_string_equal(m.form.names[1], "from"); /* a new key result */
    m.mode = LIVE_BROWSE;
    assert_string_equal(live_model_edit_line(&m, 't', &editing, line, sizeof line),
                        "obj check O1 --necessary ");
    render(&m, &sc, 100, 24);
    assert_non_null(strstr(sc.lines[23].text, "c check in"));
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_the_edit_form_and_its_conflict(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "member"); /* mike: T2 only */
    live_model_home(&m, 1);        /* K3, in T2 */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_EDIT), 0);
    assert_int_equal(m.mode, LIVE_FORM);
    assert_string_equal(m.input, "Close deals");
    render(&m, &sc, 100, 24);
    int title = find(&sc, "Edit K3 Close deals");
    assert_true(title > 0);
    assert_non_null(strstr(sc.lines[title + 1].text, "▸ title       Close deals"));
    assert_non_null(strstr(sc.lines[title + 2].text, "  owner       bob"));
    assert_int_equal(m.cursor_row, title + 1);
    assert_int_equal(m.cursor_col, live_text_width(" ▸ title       Close deals"));
    assert_non_null(strstr(sc.lines[23].text, "Enter send"));
    /* Typing goes to the field; Tab keeps it and moves on. */
    snprintf(m.input, sizeof m.input, "Close more deals");
    live_model_form_next(&m);
    assert_string_equal(m.input, "bob"); /* owner */
    live_model_form_next(&m);
    assert_string_equal(m.input, "10"); /* target */
    assert_false(live_form_changed(&m.form, 2));
    assert_true(live_form_changed(&m.form, 0));
    assert_false(live_form_changed(&m.form, 1));
    live_model_form_next(&m);
    live_model_form_next(&m);
    live_model_form_next(&m);
    assert_string_equal(m.input, "Close more deals"); /* round to the title */

    m.mode = LIVE_CONFLICT;
    m.conflict = (struct live_conflict){.ref = {OKR_KEY_RESULT, 3}, .field = "title",
                                        .now = "Close many deals", .by = "carol",
                                        .mine = "Close more deals", .version = 4};
    render(&m, &sc, 100, 24);
    assert_non_null(strstr(sc.lines[1].text, "K3's title changed while you were editing it."));
    assert_non_null(strstr(sc.lines[2].text, "now:   Close many deals   (set by carol)"));
    assert_non_null(strstr(sc.lines[3].text, "yours: Close more deals"));
    assert_non_null(strstr(sc.lines[23].text, "a apply yours on top · k keep theirs"));
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_check_in_and_add_forms(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    live_model_move(&m, 2); /* K1: 7 of 10 */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), 0);
    assert_int_equal(m.form.nfields, 4);
    assert_string_equal(m.form.values[live_form_find(&m.form, "value")], "7");
    assert_string_equal(m.form.values[live_form_find(&m.form, "confidence")], "0.5");
    assert_string_equal(m.form.values[live_form_find(&m.form, "note")], "");
    render(&m, &sc, 140, 30); /* wide: the form beside the tree */
    int title = find(&sc, "Check in on K1 Raise ARR");
    assert_true(title > 0);
    assert_int_equal(m.cursor_row, title + 1);
    assert_true(m.cursor_col > 140 / 2);
    m.mode = LIVE_BROWSE;
    live_model_move(&m, -1); /* O1 */
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_CHECKIN), -1);
    assert_int_equal(live_model_form_open(&m, LIVE_FORM_ADD), 0);
    render(&m, &sc, 100, 24);
    assert_true(find(&sc, "New key result under O1 Grow revenue") > 0);
    assert_true(find(&sc, "  to          100") > 0);
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_history_sparkline(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    live_model_move(&m, 2); /* K1 */
    assert_true(live_model_wants_history(&m));
    m.history = (struct live_history){.ref = {OKR_KEY_RESULT, 1}, .n = 3, .total = 4,
                                      .levels = {0, 0.5, 1}, .last = "bob at 12:04: two signed"};
    assert_false(live_model_wants_history(&m));
    render(&m, &sc, 100, 24);
    assert_true(find(&sc, "check-ins ▁▅█ (4), last: bob at 12:04: two signed") > 0);
    m.ascii = 1;
    render(&m, &sc, 100, 24);
    assert_true(find(&sc, "check-ins _=# (4)") > 0);
    /* A new state asks again; another row does not show K1's. */
    assert_int_equal(live_model_set_state(&m, &s), 0);
    assert_true(live_model_wants_history(&m));
    live_model_move(&m, 1);
    render(&m, &sc, 100, 24);
    assert_int_equal(find(&sc, "check-ins"), -1);
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_wide_terminal_puts_details_beside(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    live_model_move(&m, 2); /* K1 */
    render(&m, &sc, 140, 30);
    int k1 = find(&sc, "K1 Raise");
    assert_non_null(strstr(sc.lines[1].text, "│ K1 Raise ARR"));
    assert_non_null(strstr(sc.lines[2].text, "0 → 7 → 10 deals"));
    assert_true(k1 > 0);
    live_model_free(&m);
    okr_state_free(&s);
}

/* A closed workshop: a line under the header says who closed it when, the
 * tree shows the fixed grades (not the live figures), and an objective's
 * details give its grade and closing note. */
static void test_a_closed_workshop_shows_its_fixed_grades(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "member");
    closing_fix_grades(&s);
    s.key_results[0].current = 10; /* live figures move on; the grade does not */
    s.closed_by = xstrdup("alice");
    s.closed_ms = 1796140980000; /* 2026-12-01 16:03 UTC */
    s.objectives[0].close_note = xstrdup("Berlin waited\nfor the lease.");
    assert_int_equal(live_model_set_state(&m, &s), 0);
    live_model_move(&m, 1); /* O1 */
    render(&m, &sc, 140, 30);
    assert_non_null(strstr(sc.lines[1].text, "Closed by alice on 2026-12-01 16:03 UTC: the grades "
                                             "are final"));
    int k1 = find(&sc, "K1 Raise ARR");
    assert_true(k1 > 0);
    assert_non_null(strstr(sc.lines[k1].text, "0.7 ✓"));
    assert_true(find(&sc, "final grade 0.5 orange, fixed at the close") > 0);
    assert_true(find(&sc, "closing note: Berlin waited / for the lease.") > 0);
    live_model_free(&m);
    okr_state_free(&s);
}

static void test_a_thousand_objectives_render_in_bounded_work(void **state)
{
    (void)state;
    /* 1,000 objectives and 5,000 key results: set_state and a render must
     * not take quadratic work; here that shows as finishing at all within
     * the test's time, and as the rows being all there. */
    struct okr_state s;
    okr_state_init(&s);
    add_team(&s, 1, 0, "Acme", NULL);
    for (uint32_t o = 1; o <= 1000; o++) {
        add_objective(&s, o, 1, "Objective");
        for (uint32_t k = 0; k < 5; k++)
            add_metric(&s, (o - 1) * 5 + k + 1, o, "Metric", (double)k);
    }
    struct live_model m;
    live_model_init(&m);
    snprintf(m.role, sizeof m.role, "facilitator");
    assert_int_equal(live_model_set_state(&m, &s), 0);
    assert_int_equal(m.nrows, 1 + 1000 + 5000);
    live_model_home(&m, 1);
    struct screen sc;
    render(&m, &sc, 120, 40);
    assert_true(find(&sc, "K5000 Metric") > 0);
    live_model_free(&m);
    okr_state_free(&s);
}

/* An objective or key result carried by workshop next says from where in
 * its details; others say nothing of it. */
static void test_details_say_where_it_was_carried_from(void **state)
{
    (void)state;
    struct okr_state s;
    struct live_model m;
    struct screen sc;
    setup_model(&m, &s, "facilitator");
    okr_objective_find(&s, 1)->carried_from = xstrdup("PN73UU7QXK/O4");
    okr_key_result_find(&s, 1)->carried_from = xstrdup("PN73UU7QXK/K9");
    assert_int_equal(live_model_set_state(&m, &s), 0);
    live_model_move(&m, 1); /* O1 */
    render(&m, &sc, 100, 30);
    assert_true(find(&sc, "carried from PN73UU7QXK/O4") > 0);
    live_model_move(&m, 1); /* K1 */
    render(&m, &sc, 100, 30);
    assert_true(find(&sc, "carried from PN73UU7QXK/K9") > 0);
    live_model_move(&m, 1); /* K2, carried from nowhere */
    render(&m, &sc, 100, 30);
    assert_int_equal(find(&sc, "carried from"), -1);
    live_model_free(&m);
    okr_state_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_line_fills_the_width),
        cmocka_unit_test(test_tree_order_scores_and_glyphs),
        cmocka_unit_test(test_overdue_key_result),
        cmocka_unit_test(test_ascii_and_no_color),
        cmocka_unit_test(test_too_small_says_so),
        cmocka_unit_test(test_moving_folding_and_search),
        cmocka_unit_test(test_selection_survives_a_new_state),
        cmocka_unit_test(test_events_tick_and_highlight),
        cmocka_unit_test(test_what_each_role_is_offered),
        cmocka_unit_test(test_the_edit_form_and_its_conflict),
        cmocka_unit_test(test_check_in_and_add_forms),
        cmocka_unit_test(test_history_sparkline),
        cmocka_unit_test(test_confidence_round_lines),
        cmocka_unit_test(test_wide_terminal_puts_details_beside),
        cmocka_unit_test(test_a_closed_workshop_shows_its_fixed_grades),
        cmocka_unit_test(test_a_thousand_objectives_render_in_bounded_work),
        cmocka_unit_test(test_details_say_where_it_was_carried_from),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
