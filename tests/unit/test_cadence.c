/* The check-in cadence (common/cadence.c) with fixed clocks: reading rules,
 * periods and zones; the due dates across month ends, DST changes and the
 * period's edges; when a check-in satisfies a due date and when it is
 * overdue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>
#include <time.h>

#include "cadence.h"
#include "errors.h"

#define HOUR_MS (3600 * (int64_t)1000)
#define DAY_MS (24 * HOUR_MS)

static int64_t utc_ms(int y, int mo, int d, int h)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h};
    return (int64_t)timegm(&tm) * 1000;
}

static struct cadence_schedule schedule(const char *rule, const char *period, const char *zone)
{
    struct cadence_schedule s;
    memset(&s, 0, sizeof s);
    char err[200];
    assert_int_equal(cadence_parse(rule, &s.rule, err, sizeof err), 0);
    assert_int_equal(cadence_period_parse(period, &s.from, &s.to, err, sizeof err), 0);
    strcpy(s.zone, zone);
    return s;
}

static void test_parse_rules(void **state)
{
    (void)state;
    struct cadence c;
    char err[200], text[CADENCE_TEXT_MAX];
    const char *good[] = {"weekly:mon", "biweekly:fri", "monthly:1", "monthly:28",
                          "monthly:last", "off"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(cadence_parse(good[i], &c, err, sizeof err), 0);
        cadence_format(&c, text, sizeof text);
        assert_string_equal(text, good[i]);
    }
    const char *bad[] = {"weekly:xyz", "monthly:0", "monthly:31", "monthly:29", "monthly:1x",
                         "weekly", "daily:1", "", "weekly:", "biweekly:monday"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(cadence_parse(bad[i], &c, err, sizeof err), CAS_EINVAL);
        assert_true(strlen(err) > 10);
    }
    assert_int_equal(cadence_parse("monthly:31", &c, err, sizeof err), CAS_EINVAL);
    assert_string_equal(err, "The day of a monthly cadence is 1 to 28, or last.");
    assert_int_equal(cadence_parse("biweekly:fri", &c, err, sizeof err), 0);
    char rrule[64];
    cadence_rrule(&c, rrule, sizeof rrule);
    assert_string_equal(rrule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR");
    assert_int_equal(cadence_parse("monthly:last", &c, err, sizeof err), 0);
    cadence_rrule(&c, rrule, sizeof rrule);
    assert_string_equal(rrule, "FREQ=MONTHLY;BYMONTHDAY=-1");
}

static void expect_period(const char *text, const char *from, const char *to)
{
    struct cadence_date f, t;
    char err[200], a[16], b[16];
    assert_int_equal(cadence_period_parse(text, &f, &t, err, sizeof err), 0);
    cadence_date_format(&f, a, sizeof a);
    cadence_date_format(&t, b, sizeof b);
    assert_string_equal(a, from);
    assert_string_equal(b, to);
}

static void test_parse_periods(void **state)
{
    (void)state;
    expect_period("2026-Q3", "2026-07-01", "2026-09-30");
    expect_period("2026-Q1", "2026-01-01", "2026-03-31");
    expect_period("2028-H1", "2028-01-01", "2028-06-30");
    expect_period("2026-H2", "2026-07-01", "2026-12-31");
    expect_period("2026", "2026-01-01", "2026-12-31");
    expect_period("2028-02", "2028-02-01", "2028-02-29");
    expect_period("2026-07-01..2026-09-30", "2026-07-01", "2026-09-30");
    expect_period("2026-01-01..2027-12-31", "2026-01-01", "2027-12-31");
    struct cadence_date f, t;
    char err[200];
    /* Free titles have no dates, and are no error. */
    assert_int_equal(cadence_period_parse("Autumn planning", &f, &t, err, sizeof err),
                     CAS_ENOTFOUND);
    assert_int_equal(cadence_period_parse("2026 Q3", &f, &t, err, sizeof err), CAS_ENOTFOUND);
    const char *bad[] = {"2026-Q5", "2026-Q0", "2026-H3", "2026-13", "2026-00",
                         "2026-13-01..2026-12-31", "2026-02-30..2026-03-01",
                         "2026-09-30..2026-07-01", "2026-01-01..2028-01-01", "2026-Q3x",
                         "2026-07-01..", "1969"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(cadence_period_parse(bad[i], &f, &t, err, sizeof err), CAS_EINVAL);
        assert_true(strlen(err) > 10);
    }
    assert_int_equal(cadence_period_parse("2026-09-30..2026-07-01", &f, &t, err, sizeof err),
                     CAS_EINVAL);
    assert_string_equal(err, "The period ends before it begins; give --to a date after --from.");
    assert_int_equal(cadence_date_parse("2026-13-01", &f), CAS_EINVAL);
    assert_int_equal(cadence_date_parse("2026-02-29", &f), CAS_EINVAL);
    assert_int_equal(cadence_date_parse("2028-02-29", &f), 0);
}

static void test_zones(void **state)
{
    (void)state;
    assert_true(cadence_zone_valid("UTC"));
    assert_true(cadence_zone_valid("Europe/Berlin"));
    assert_true(cadence_zone_valid("America/New_York"));
    assert_false(cadence_zone_valid("Mars/Base"));
    assert_false(cadence_zone_valid("../../etc/passwd"));
    assert_false(cadence_zone_valid("/etc/localtime"));
    assert_false(cadence_zone_valid("Europe/Berlin\n"));
}

static void test_monthly_last_in_february(void **state)
{
    (void)state;
    int64_t d[CADENCE_DUES_MAX];
    struct cadence_schedule s = schedule("monthly:last", "2026-Q1", "UTC");
    assert_int_equal(cadence_dues(&s, d), 3);
    assert_int_equal(d[0], utc_ms(2026, 1, 31, 9));
    assert_int_equal(d[1], utc_ms(2026, 2, 28, 9));
    assert_int_equal(d[2], utc_ms(2026, 3, 31, 9)); /* the period's last day */
    s = schedule("monthly:last", "2028-02", "UTC");
    assert_int_equal(cadence_dues(&s, d), 1);
    assert_int_equal(d[0], utc_ms(2028, 2, 29, 9)); /* a leap year */
}

static void test_weekly_across_month_end(void **state)
{
    (void)state;
    int64_t d[CADENCE_DUES_MAX];
    struct cadence_schedule s = schedule("weekly:mon", "2026-09-21..2026-10-12", "UTC");
    assert_int_equal(cadence_dues(&s, d), 4);
    assert_int_equal(d[0], utc_ms(2026, 9, 21, 9)); /* the first day is a Monday */
    assert_int_equal(d[1], utc_ms(2026, 9, 28, 9));
    assert_int_equal(d[2], utc_ms(2026, 10, 5, 9));
    assert_int_equal(d[3], utc_ms(2026, 10, 12, 9)); /* and so is the last */
}

static void test_dst_in_berlin(void **state)
{
    (void)state;
    int64_t d[CADENCE_DUES_MAX];
    char local[32];
    /* Summer time begins on Sunday 29 March 2026: 09:00 is 08:00 UTC the
     * Monday before, 07:00 UTC the Monday after. */
    struct cadence_schedule s = schedule("weekly:mon", "2026-03", "Europe/Berlin");
    assert_int_equal(cadence_dues(&s, d), 5);
    assert_int_equal(d[3], utc_ms(2026, 3, 23, 8));
    assert_int_equal(d[4], utc_ms(2026, 3, 30, 7));
    assert_int_equal(d[4] - d[3], 7 * DAY_MS - HOUR_MS);
    cadence_local_format(&s, d[3], local, sizeof local);
    assert_string_equal(local, "2026-03-23 09:00");
    cadence_local_format(&s, d[4], local, sizeof local);
    assert_string_equal(local, "2026-03-30 09:00");
    /* It ends on Sunday 25 October 2026: back to 08:00 UTC. */
    s = schedule("weekly:mon", "2026-10", "Europe/Berlin");
    assert_int_equal(cadence_dues(&s, d), 4);
    assert_int_equal(d[2], utc_ms(2026, 10, 19, 7));
    assert_int_equal(d[3], utc_ms(2026, 10, 26, 8));
    assert_int_equal(d[3] - d[2], 7 * DAY_MS + HOUR_MS);
    cadence_local_format(&s, d[3], local, sizeof local);
    assert_string_equal(local, "2026-10-26 09:00");
    /* A day later across the change is 25 hours in UTC, 09:00 locally. */
    s = schedule("monthly:24", "2026-10", "Europe/Berlin");
    assert_int_equal(cadence_dues(&s, d), 1);
    assert_int_equal(cadence_overdue_at(&s, d[0]) - d[0], 25 * HOUR_MS);
    assert_int_equal(cadence_period_start(&s), utc_ms(2026, 9, 30, 22));
}

static void test_biweekly_and_period_edges(void **state)
{
    (void)state;
    int64_t d[CADENCE_DUES_MAX];
    /* 1 July 2026 is a Wednesday: the first Friday is the 3rd, then every
     * other one. */
    struct cadence_schedule s = schedule("biweekly:fri", "2026-Q3", "UTC");
    size_t n = cadence_dues(&s, d);
    assert_int_equal(n, 7);
    assert_int_equal(d[0], utc_ms(2026, 7, 3, 9));
    assert_int_equal(d[1], utc_ms(2026, 7, 17, 9));
    assert_int_equal(d[6], utc_ms(2026, 9, 25, 9));
    for (size_t i = 1; i < n; i++)
        assert_int_equal(d[i] - d[i - 1], 14 * DAY_MS);
    s = schedule("monthly:1", "2026-Q3", "UTC");
    assert_int_equal(cadence_dues(&s, d), 3);
    assert_int_equal(d[0], utc_ms(2026, 7, 1, 9)); /* the period's first day */
    assert_int_equal(d[2], utc_ms(2026, 9, 1, 9));
    /* Two years of weeks fit. */
    s = schedule("weekly:mon", "2026-01-01..2027-12-31", "UTC");
    assert_int_equal(cadence_dues(&s, d), 104);
    s = schedule("off", "2026-Q3", "UTC");
    assert_int_equal(cadence_dues(&s, d), 0);
}

static void test_status(void **state)
{
    (void)state;
    int64_t d[CADENCE_DUES_MAX];
    struct cadence_schedule s = schedule("weekly:mon", "2026-09-21..2026-10-12", "UTC");
    size_t n = cadence_dues(&s, d);
    int64_t mon1 = d[0], mon2 = d[1];
    /* Before the first due date, never checked in: the first is owed. */
    struct cadence_status st = cadence_status_at(&s, d, n, 0, mon1 - HOUR_MS);
    assert_int_equal(st.state, CADENCE_UPCOMING);
    assert_int_equal(st.due_ms, mon1);
    /* A check-in in the period before it satisfies it: the next is owed. */
    st = cadence_status_at(&s, d, n, mon1 - 2 * HOUR_MS, mon1 - HOUR_MS);
    assert_int_equal(st.due_ms, mon2);
    /* A check-in before the period does not. */
    st = cadence_status_at(&s, d, n, utc_ms(2026, 9, 1, 9), mon1 - HOUR_MS);
    assert_int_equal(st.due_ms, mon1);
    /* The due date passes without one: due, then overdue a day later. */
    st = cadence_status_at(&s, d, n, 0, mon1 + HOUR_MS);
    assert_int_equal(st.state, CADENCE_DUE);
    assert_int_equal(st.due_ms, mon1);
    st = cadence_status_at(&s, d, n, 0, mon1 + DAY_MS - 1);
    assert_int_equal(st.state, CADENCE_DUE);
    st = cadence_status_at(&s, d, n, 0, mon1 + DAY_MS);
    assert_int_equal(st.state, CADENCE_OVERDUE);
    assert_int_equal(st.overdue_ms, mon1 + DAY_MS);
    /* Satisfied on time: the next is upcoming. */
    st = cadence_status_at(&s, d, n, mon1 - HOUR_MS, mon1 + 2 * DAY_MS);
    assert_int_equal(st.state, CADENCE_UPCOMING);
    assert_int_equal(st.due_ms, mon2);
    /* Late, on Tuesday: it clears the overdue and counts for the next one. */
    st = cadence_status_at(&s, d, n, mon1 + DAY_MS + HOUR_MS, mon1 + 2 * DAY_MS);
    assert_int_equal(st.state, CADENCE_UPCOMING);
    assert_int_equal(st.due_ms, d[2]);
    /* ... but not for the one after: on the third Monday it is due again. */
    st = cadence_status_at(&s, d, n, mon1 + DAY_MS + HOUR_MS, d[2] + HOUR_MS);
    assert_int_equal(st.state, CADENCE_DUE);
    assert_int_equal(st.due_ms, d[2]);
    /* A check-in between two due dates satisfies the second. */
    st = cadence_status_at(&s, d, n, mon1 + 3 * DAY_MS, mon2 + 2 * DAY_MS);
    assert_int_equal(st.state, CADENCE_UPCOMING);
    assert_int_equal(st.due_ms, d[2]);
    /* Several missed: the latest is named. */
    st = cadence_status_at(&s, d, n, 0, d[2] + 2 * DAY_MS);
    assert_int_equal(st.state, CADENCE_OVERDUE);
    assert_int_equal(st.due_ms, d[2]);
    /* After the last due date, with it satisfied: nothing more is owed. */
    st = cadence_status_at(&s, d, n, d[3] - HOUR_MS, d[3] + 3 * DAY_MS);
    assert_int_equal(st.state, CADENCE_NONE);
    st = cadence_status_at(&s, d, 0, 0, mon1);
    assert_int_equal(st.state, CADENCE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_rules),
        cmocka_unit_test(test_parse_periods),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_monthly_last_in_february),
        cmocka_unit_test(test_weekly_across_month_end),
        cmocka_unit_test(test_dst_in_berlin),
        cmocka_unit_test(test_biweekly_and_period_edges),
        cmocka_unit_test(test_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
