/* throttle: counting failures per key in a fixed window, refusing at the
 * limit, resetting, and staying within its fixed memory. Time is passed in,
 * so nothing here sleeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "guess.h"
#include "throttle.h"

#define T0 1000000

static void test_refuses_at_the_limit_until_the_window_ends(void **state)
{
    (void)state;
    struct throttle t;
    assert_int_equal(throttle_init(&t, 64, 5, 60000, 42), 0);
    for (int i = 0; i < 4; i++) {
        assert_int_equal(throttle_wait_ms(&t, "alice", T0 + i), 0);
        throttle_fail(&t, "alice", T0 + i);
    }
    assert_int_equal(throttle_wait_ms(&t, "alice", T0 + 10), 0);
    throttle_fail(&t, "alice", T0 + 10);
    /* The window started at the first failure. */
    assert_int_equal(throttle_wait_ms(&t, "alice", T0 + 10), 60000 - 10);
    assert_int_equal(throttle_wait_ms(&t, "alice", T0 + 59999), 1);
    assert_int_equal(throttle_wait_ms(&t, "alice", T0 + 60000), 0);
    /* Other keys are not affected. */
    assert_int_equal(throttle_wait_ms(&t, "bob", T0 + 10), 0);
    assert_int_equal(throttle_wait_ms(&t, "alicE", T0 + 10), 0);
    throttle_free(&t);
}

static void test_a_new_window_starts_from_zero(void **state)
{
    (void)state;
    struct throttle t;
    assert_int_equal(throttle_init(&t, 64, 3, 1000, 1), 0);
    throttle_fail(&t, "k", T0);
    throttle_fail(&t, "k", T0 + 500);
    /* Two failures in the old window and one in the next are not three. */
    throttle_fail(&t, "k", T0 + 1000);
    assert_int_equal(throttle_wait_ms(&t, "k", T0 + 1001), 0);
    throttle_fail(&t, "k", T0 + 1200);
    throttle_fail(&t, "k", T0 + 1300);
    assert_int_equal(throttle_wait_ms(&t, "k", T0 + 1300), 700);
    throttle_free(&t);
}

static void test_reset_and_forgive(void **state)
{
    (void)state;
    struct throttle t;
    assert_int_equal(throttle_init(&t, 64, 2, 60000, 7), 0);
    throttle_fail(&t, "alice", T0);
    throttle_fail(&t, "alice", T0);
    assert_true(throttle_wait_ms(&t, "alice", T0) > 0);
    throttle_reset(&t, "alice");
    assert_int_equal(throttle_wait_ms(&t, "alice", T0), 0);

    throttle_fail(&t, "10.0.0.1", T0);
    throttle_fail(&t, "10.0.0.1", T0 + 1);
    throttle_forgive(&t, "10.0.0.1", T0 + 2);
    assert_int_equal(throttle_wait_ms(&t, "10.0.0.1", T0 + 2), 0);
    throttle_fail(&t, "10.0.0.1", T0 + 3);
    assert_int_equal(throttle_wait_ms(&t, "10.0.0.1", T0 + 3), 60000 - 3);
    /* Forgiving in a later window takes nothing from it; unknown keys are fine. */
    throttle_forgive(&t, "10.0.0.1", T0 + 60000);
    throttle_forgive(&t, "nobody", T0);
    throttle_reset(&t, "nobody");
    throttle_free(&t);
}

/* A password reset forgets every address's count for that name, and only
 * for that name. */
static void test_reset_prefix(void **state)
{
    (void)state;
    struct throttle t;
    assert_int_equal(throttle_init(&t, 64, 2, 60000, 7), 0);
    const char *keys[] = {"alice\n10.0.0.1", "alice\n10.0.0.2", "alicex\n10.0.0.1", "bob\n10.0.0.1"};
    for (size_t k = 0; k < 4; k++) {
        throttle_fail(&t, keys[k], 1000);
        throttle_fail(&t, keys[k], 1000);
        assert_true(throttle_wait_ms(&t, keys[k], 1000) > 0);
    }
    throttle_reset_prefix(&t, "alice\n");
    assert_int_equal(throttle_wait_ms(&t, keys[0], 1000), 0);
    assert_int_equal(throttle_wait_ms(&t, keys[1], 1000), 0);
    assert_true(throttle_wait_ms(&t, keys[2], 1000) > 0);
    assert_true(throttle_wait_ms(&t, keys[3], 1000) > 0);
    throttle_free(&t);
}

/* The three counts of guessing: the pair locks only its address, the
 * address locks all its accounts, a storm locks the account everywhere; a
 * success gives the attempt back. */
static void test_guess_three_ways(void **state)
{
    (void)state;
    struct guess_throttle g = {0};
    const struct guess_limits lim = {
        .per_pair = 2, .per_addr = 3, .window_ms = 60000, .per_name = 4, .name_window_ms = 600000};
    const uint64_t seeds[3] = {1, 2, 3};
    assert_int_equal(guess_throttle_init(&g, &lim, 64, seeds), 0);
    enum guess_refusal why;
    guess_throttle_fail(&g, "alice", "10.0.0.1", 1000);
    guess_throttle_fail(&g, "alice", "10.0.0.1", 1000);
    assert_true(guess_throttle_wait(&g, "alice", "10.0.0.1", 1000, &why) > 0);
    assert_int_equal(why, GUESS_PAIR);
    assert_int_equal(guess_throttle_wait(&g, "alice", "10.0.0.2", 1000, &why), 0);
    assert_int_equal(why, GUESS_OK);
    assert_int_equal(guess_throttle_wait(&g, "bob", "10.0.0.1", 1000, &why), 0);
    guess_throttle_fail(&g, "bob", "10.0.0.1", 1000); /* the address's third */
    assert_true(guess_throttle_wait(&g, "carol", "10.0.0.1", 1000, &why) > 0);
    assert_int_equal(why, GUESS_ADDR);
    guess_throttle_fail(&g, "alice", "10.0.0.3", 1000);
    guess_throttle_fail(&g, "alice", "10.0.0.4", 1000); /* the account's fourth */
    assert_true(guess_throttle_wait(&g, "alice", "10.0.0.9", 1000, &why) > 0);
    assert_int_equal(why, GUESS_NAME);
    /* Past the short window only the storm's long one holds. */
    assert_true(guess_throttle_wait(&g, "alice", "10.0.0.1", 70000, &why) > 0);
    assert_int_equal(why, GUESS_NAME);
    assert_int_equal(guess_throttle_wait(&g, "alice", "10.0.0.1", 700000, &why), 0);
    /* A reset forgets the name everywhere, and only the name. */
    guess_throttle_fail(&g, "dave", "10.0.0.5", 800000);
    guess_throttle_fail(&g, "dave", "10.0.0.5", 800000);
    guess_throttle_reset_name(&g, "dave");
    assert_int_equal(guess_throttle_wait(&g, "dave", "10.0.0.5", 800000, &why), 0);
    /* A success takes its attempt back from the pair. */
    guess_throttle_fail(&g, "erin", "10.0.0.6", 900000);
    guess_throttle_fail(&g, "erin", "10.0.0.6", 900000);
    guess_throttle_succeeded(&g, "erin", "10.0.0.6", 900000);
    assert_int_equal(guess_throttle_wait(&g, "erin", "10.0.0.6", 900000, &why), 0);
    assert_string_equal(guess_refusal_words(GUESS_PAIR), "of the account from this address");
    guess_throttle_free(&g);
}

static void test_empty_and_long_keys(void **state)
{
    (void)state;
    struct throttle t;
    assert_int_equal(throttle_init(&t, 8, 1, 60000, 3), 0);
    throttle_fail(&t, "", T0);
    assert_int_equal(throttle_wait_ms(&t, "", T0), 0);
    char a[200], b[200];
    memset(a, 'x', sizeof a - 1);
    a[sizeof a - 1] = '\0';
    memcpy(b, a, sizeof b);
    b[150] = 'y'; /* differs past THROTTLE_KEY_MAX: the same key */
    throttle_fail(&t, a, T0);
    assert_true(throttle_wait_ms(&t, b, T0) > 0);
    throttle_free(&t);
}

/* Far more keys than entries: memory stays fixed, the newest keys are
 * remembered, and the oldest are the ones forgotten. */
static void test_bounded_and_evicts_the_oldest(void **state)
{
    (void)state;
    struct throttle t;
    assert_int_equal(throttle_init(&t, 16, 1, 1000000, 9), 0);
    assert_int_equal(t.nsets * THROTTLE_WAYS, 16);
    char key[32];
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "user%d", i);
        throttle_fail(&t, key, T0 + i);
    }
    int remembered = 0;
    for (int i = 0; i < 10000; i++) {
        snprintf(key, sizeof key, "user%d", i);
        if (throttle_wait_ms(&t, key, T0 + 10000) > 0)
            remembered++;
    }
    assert_true(remembered <= 16);
    assert_true(remembered >= 8);
    assert_true(throttle_wait_ms(&t, "user9999", T0 + 10000) > 0);
    assert_int_equal(throttle_wait_ms(&t, "user0", T0 + 10000), 0);

    /* A full set takes a new key in place of its oldest entry. */
    struct throttle one;
    assert_int_equal(throttle_init(&one, 1, 1, 1000000, 0), 0);
    assert_int_equal(one.nsets, 1);
    for (int i = 0; i < THROTTLE_WAYS; i++) {
        snprintf(key, sizeof key, "k%d", i);
        throttle_fail(&one, key, T0 + i);
    }
    throttle_fail(&one, "late", T0 + 100);
    assert_int_equal(throttle_wait_ms(&one, "k0", T0 + 100), 0);
    for (int i = 1; i < THROTTLE_WAYS; i++) {
        snprintf(key, sizeof key, "k%d", i);
        assert_true(throttle_wait_ms(&one, key, T0 + 100) > 0);
    }
    assert_true(throttle_wait_ms(&one, "late", T0 + 100) > 0);
    throttle_free(&one);
    throttle_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refuses_at_the_limit_until_the_window_ends),
        cmocka_unit_test(test_a_new_window_starts_from_zero),
        cmocka_unit_test(test_reset_and_forgive),
        cmocka_unit_test(test_reset_prefix),
        cmocka_unit_test(test_guess_three_ways),
        cmocka_unit_test(test_empty_and_long_keys),
        cmocka_unit_test(test_bounded_and_evicts_the_oldest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
