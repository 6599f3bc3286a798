/* Tests of common/rates.c (rates over sliding windows) and common/recent.c
 * (percentiles of recent durations). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rates.h"
#include "recent.h"

static struct rates R;

/* Series 0 grows by per_s each second; series 1 stays put. */
static void run(uint64_t *now, uint64_t totals[RATES_SERIES], unsigned seconds, uint64_t per_s)
{
    for (unsigned i = 0; i < seconds; i++) {
        *now += 1000;
        totals[0] += per_s;
        rates_tick(&R, *now, totals);
    }
}

static void steady_rate(void **unused)
{
    (void)unused;
    uint64_t now = 1000000, totals[RATES_SERIES] = {500, 7, 0, 0};
    rates_init(&R, now, totals);
    /* Nothing has passed yet. */
    assert_true(rates_per_s(&R, 0, 0, now, totals) == 0);
    run(&now, totals, 30, 10);
    /* Half a minute in: each window is as long as the server has run. */
    for (size_t w = 0; w < RATES_WINDOWS; w++)
        assert_float_equal(rates_per_s(&R, 0, w, now, totals), 10.0, 1e-9);
    assert_true(rates_per_s(&R, 1, 0, now, totals) == 0);
    /* An hour of 10/s: every window says 10. */
    run(&now, totals, 3600, 10);
    for (size_t w = 0; w < RATES_WINDOWS; w++)
        assert_float_equal(rates_per_s(&R, 0, w, now, totals), 10.0, 1e-9);
    assert_int_equal(R.n, RATES_SLOTS);
}

static void windows_differ(void **unused)
{
    (void)unused;
    uint64_t now = 0, totals[RATES_SERIES] = {0};
    rates_init(&R, now, totals);
    run(&now, totals, 900, 100); /* 15 minutes at 100/s */
    run(&now, totals, 240, 0);   /* then 4 quiet minutes */
    run(&now, totals, 60, 30);   /* then a minute at 30/s */
    assert_float_equal(rates_per_s(&R, 0, 0, now, totals), 30.0, 1e-9);
    assert_float_equal(rates_per_s(&R, 0, 1, now, totals), 6.0, 1e-9);  /* 1800 in 300 s */
    /* 15 minutes back: 600 s at 100/s, 240 quiet, 60 at 30/s. */
    assert_float_equal(rates_per_s(&R, 0, 2, now, totals), (600.0 * 100 + 1800) / 900, 1e-9);
    /* Between samples the newest totals count, over the time since. */
    now += 2500;
    totals[0] += 250;
    assert_float_equal(rates_per_s(&R, 0, 0, now, totals), (1800.0 - 30 * 2.5 + 250) / 60,
                       0.5);
}

static void bad_arguments(void **unused)
{
    (void)unused;
    uint64_t now = 5000, totals[RATES_SERIES] = {10, 10, 10, 10};
    rates_init(&R, now, totals);
    assert_true(rates_per_s(&R, RATES_SERIES, 0, now + 1000, totals) == 0);
    assert_true(rates_per_s(&R, 0, RATES_WINDOWS, now + 1000, totals) == 0);
    /* A clock that went back, and totals that went back: no rate, no
     * sample. */
    rates_tick(&R, now - 4000, totals);
    assert_int_equal(R.n, 1);
    uint64_t lower[RATES_SERIES] = {1, 1, 1, 1};
    assert_true(rates_per_s(&R, 0, 0, now + 1000, lower) == 0);
    assert_true(rates_per_s(&R, 0, 0, now - 1000, totals) == 0);
}

static struct recent REC;

static void percentiles(void **unused)
{
    (void)unused;
    assert_int_equal(recent_percentile(&REC, 50), 0);
    for (uint64_t i = 100; i >= 1; i--)
        recent_add(&REC, i * 1000);
    assert_int_equal(recent_percentile(&REC, 50), 50000);
    assert_int_equal(recent_percentile(&REC, 99), 99000);
    assert_int_equal(recent_percentile(&REC, 100), 100000);
    assert_int_equal(recent_percentile(&REC, 0.001), 1000);
    assert_int_equal(recent_percentile(&REC, 0), 0);
    /* Only the last RECENT_MAX count: older slow ones fall out. */
    for (size_t i = 0; i < RECENT_MAX; i++)
        recent_add(&REC, 7);
    assert_int_equal(REC.n, RECENT_MAX);
    assert_int_equal(recent_percentile(&REC, 99), 7);
    assert_int_equal(recent_percentile(&REC, 100), 7);
    recent_add(&REC, 5000000);
    assert_int_equal(recent_percentile(&REC, 100), 5000000);
    assert_int_equal(recent_percentile(&REC, 99), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steady_rate),
        cmocka_unit_test(windows_differ),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(percentiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
