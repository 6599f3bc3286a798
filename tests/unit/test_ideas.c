/* The rules over ideas and the dot vote (common/ideas.c): who has placed
 * how many dots, what counts once ideas are merged or hidden, the tallies
 * and their order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ideas.h"

static void add_idea(struct okr_state *s, uint32_t num, int revealed)
{
    struct okr_idea i = {.num = num, .text = strdup("idea"), .author = strdup("alice"),
                         .hidden_by = strdup(""), .revealed = revealed};
    assert_non_null(okr_idea_insert(s, &i));
}

/* D1..D4 revealed, D5 not. */
static int setup(void **state)
{
    static struct okr_state s;
    okr_state_init(&s);
    for (uint32_t n = 1; n <= 5; n++)
        add_idea(&s, n, n <= 4);
    *state = &s;
    return 0;
}

static int teardown(void **state)
{
    okr_state_free(*state);
    return 0;
}

static void test_ballots_add_replace_remove(void **state)
{
    struct okr_state *s = *state;
    assert_int_equal(okr_ballot_set(s, "mia", 1, 2), 0);
    assert_int_equal(okr_ballot_set(s, "mia", 2, 1), 0);
    assert_int_equal(okr_ballot_set(s, "max", 1, 1), 0);
    assert_int_equal(okr_ballot_count(s, "mia", 1, 0), 2);
    assert_int_equal(okr_votes_used(s, "mia"), 3);
    assert_int_equal(okr_voters(s), 2);
    assert_int_equal(okr_ballot_set(s, "mia", 1, 1), 0); /* replaces */
    assert_int_equal(okr_votes_used(s, "mia"), 2);
    assert_int_equal(okr_ballot_set(s, "mia", 2, 0), 0); /* removes */
    assert_int_equal(okr_ballot_set(s, "nobody", 3, 0), 0); /* removing nothing is fine */
    assert_int_equal(s->nballots, 2);
    assert_int_equal(okr_vote_tally(s, 1), 2);
    okr_ballots_clear(s);
    assert_int_equal(s->nballots, 0);
    assert_int_equal(okr_voters(s), 0);
}

/* A duplicate's dots count for what it was merged into, and against the
 * voter's cap there; a hidden idea's dots count for nothing and are given
 * back to the voter's budget. */
static void test_merged_and_hidden(void **state)
{
    struct okr_state *s = *state;
    assert_int_equal(okr_ballot_set(s, "mia", 2, 2), 0);
    assert_int_equal(okr_ballot_set(s, "mia", 1, 1), 0);
    assert_int_equal(okr_ballot_set(s, "max", 3, 3), 0);
    okr_idea_find(s, 2)->merged_into = 1;
    assert_int_equal(okr_idea_root(s, 2), 1);
    assert_int_equal(okr_idea_root(s, 9), 0);
    assert_false(okr_idea_votable(okr_idea_find(s, 2)));
    assert_int_equal(okr_ballot_count(s, "mia", 1, 1), 3);
    assert_int_equal(okr_ballot_count(s, "mia", 1, 0), 1);
    assert_int_equal(okr_vote_tally(s, 1), 3);
    assert_int_equal(okr_votes_used(s, "mia"), 3);
    /* Hiding D3 takes max's dots out of everything. */
    free(okr_idea_find(s, 3)->hidden_by);
    okr_idea_find(s, 3)->hidden_by = strdup("alice");
    assert_true(okr_idea_hidden(okr_idea_find(s, 3)));
    assert_int_equal(okr_votes_used(s, "max"), 0);
    assert_int_equal(okr_voters(s), 1);
    /* D5 is not revealed: nothing counts there. */
    assert_false(okr_idea_votable(okr_idea_find(s, 5)));
}

static void test_ranking_by_dots_then_number(void **state)
{
    struct okr_state *s = *state;
    assert_int_equal(okr_ballot_set(s, "mia", 4, 2), 0);
    assert_int_equal(okr_ballot_set(s, "max", 2, 2), 0);
    assert_int_equal(okr_ballot_set(s, "max", 1, 1), 0);
    uint32_t order[8];
    size_t n = okr_vote_ranking(s, order);
    assert_int_equal(n, 4); /* D5 is not revealed */
    assert_int_equal(order[0], 2); /* 2 dots, the lower number first */
    assert_int_equal(order[1], 4);
    assert_int_equal(order[2], 1);
    assert_int_equal(order[3], 3);
}

static void test_vote_closing_time(void **state)
{
    (void)state;
    struct okr_vote v = {.state = OKR_VOTE_OPEN, .closes_ms = 1000};
    assert_true(okr_vote_taking(&v, 999));
    assert_false(okr_vote_taking(&v, 1000));
    v.closes_ms = 0;
    assert_true(okr_vote_taking(&v, 1 << 30));
    v.state = OKR_VOTE_REVEALED;
    assert_false(okr_vote_taking(&v, 0));
}

/* Retrospective cards are ideas of a retro kind: a vote's scope decides
 * which of them take dots, and budgets count only dots on those. */
static void test_vote_scope(void **state)
{
    struct okr_state *s = *state;
    okr_idea_find(s, 3)->retro = OKR_RETRO_STOP;
    okr_idea_find(s, 4)->retro = OKR_RETRO_START;
    assert_true(okr_idea_in_vote(&s->vote, okr_idea_find(s, 1)));
    assert_false(okr_idea_in_vote(&s->vote, okr_idea_find(s, 3)));
    assert_false(okr_idea_in_vote(&s->vote, okr_idea_find(s, 5))); /* not revealed */
    s->vote.retro = 1;
    assert_false(okr_idea_in_vote(&s->vote, okr_idea_find(s, 1)));
    assert_true(okr_idea_in_vote(&s->vote, okr_idea_find(s, 3)));
    assert_int_equal(okr_ballot_set(s, "mia", 3, 2), 0);
    assert_int_equal(okr_ballot_set(s, "mia", 1, 1), 0); /* an idea: outside this vote */
    assert_int_equal(okr_votes_used(s, "mia"), 2);
    assert_int_equal(okr_voters(s), 1);
    uint32_t order[8];
    assert_int_equal(okr_vote_ranking(s, order), 2);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 4);
}

static void test_retro_kind_names(void **state)
{
    (void)state;
    enum okr_retro_kind k;
    static const char *const NAMES[] = {"continue", "change", "stop", "start"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(okr_retro_kind_parse(NAMES[i], &k), 0);
        assert_int_equal(k, OKR_RETRO_CONTINUE + i);
        assert_string_equal(okr_retro_kind_name(k), NAMES[i]);
    }
    assert_int_not_equal(okr_retro_kind_parse("Start", &k), 0);
    assert_int_not_equal(okr_retro_kind_parse("", &k), 0);
    assert_int_not_equal(okr_retro_kind_parse(NULL, &k), 0);
    assert_string_equal(okr_retro_kind_name(OKR_RETRO_NONE), "");
    assert_string_equal(okr_retro_kind_name((enum okr_retro_kind)9), "");
}

/* The report: one kind at a time, most votes first, then by number;
 * hidden and merged cards left out, ideas never in. */
static void test_retro_order(void **state)
{
    struct okr_state *s = *state;
    static const struct {
        uint32_t num;
        enum okr_retro_kind kind;
        uint32_t votes;
    } CARDS[] = {{6, OKR_RETRO_START, 1}, {7, OKR_RETRO_STOP, 5}, {8, OKR_RETRO_START, 3},
                 {9, OKR_RETRO_START, 1}, {10, OKR_RETRO_START, 0}, {11, OKR_RETRO_START, 9},
                 {12, OKR_RETRO_START, 9}};
    for (size_t i = 0; i < sizeof CARDS / sizeof CARDS[0]; i++) {
        add_idea(s, CARDS[i].num, 1);
        struct okr_idea *d = okr_idea_find(s, CARDS[i].num);
        d->retro = CARDS[i].kind;
        d->votes = CARDS[i].votes;
    }
    okr_idea_find(s, 1)->votes = 50; /* an idea: never in a retro group */
    okr_idea_find(s, 11)->merged_into = 8;
    free(okr_idea_find(s, 12)->hidden_by);
    okr_idea_find(s, 12)->hidden_by = strdup("alice");
    uint32_t order[16];
    assert_int_equal(okr_retro_order(s, OKR_RETRO_START, order), 4);
    assert_int_equal(order[0], 8);
    assert_int_equal(order[1], 6);
    assert_int_equal(order[2], 9);
    assert_int_equal(order[3], 10);
    assert_int_equal(okr_retro_order(s, OKR_RETRO_STOP, order), 1);
    assert_int_equal(order[0], 7);
    assert_int_equal(okr_retro_order(s, OKR_RETRO_CHANGE, order), 0);
    assert_int_equal(okr_retro_order(s, OKR_RETRO_NONE, order), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ballots_add_replace_remove, setup, teardown),
        cmocka_unit_test_setup_teardown(test_merged_and_hidden, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ranking_by_dots_then_number, setup, teardown),
        cmocka_unit_test(test_vote_closing_time),
        cmocka_unit_test_setup_teardown(test_vote_scope, setup, teardown),
        cmocka_unit_test(test_retro_kind_names),
        cmocka_unit_test_setup_teardown(test_retro_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
