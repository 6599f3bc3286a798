/* when_parse and when_format (client/when.c): every form show --at takes,
 * in a fixed zone, and the forms it refuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "when.h"

/* 2026-12-01T14:30:00Z */
#define T0 1796135400000LL
#define NOW 1796140000000LL

static int64_t parsed(const char *text)
{
    int64_t ms = 0;
    char err[200];
    if (when_parse(text, NOW, &ms, err, sizeof err) != 0)
        fail_msg("'%s' refused: %s", text, err);
    return ms;
}

static void refused(const char *text, const char *needle)
{
    int64_t ms;
    char err[300] = "";
    assert_int_equal(when_parse(text, NOW, &ms, err, sizeof err), CAS_EINVAL);
    if (strstr(err, needle) == NULL)
        fail_msg("'%s': '%s' lacks '%s'", text, err, needle);
}

static void zones_and_forms(void **state)
{
    (void)state;
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    assert_int_equal(parsed("2026-12-01T14:30Z"), T0);
    assert_int_equal(parsed("2026-12-01T14:30:00z"), T0);
    assert_int_equal(parsed("2026-12-01T15:30"), T0);            /* Berlin in winter: +1 */
    assert_int_equal(parsed("2026-12-01 15:30:00"), T0);
    assert_int_equal(parsed("2026-12-01T16:30+02:00"), T0);
    assert_int_equal(parsed("2026-12-01T09:30-0500"), T0);
    assert_int_equal(parsed("2026-12-01T14:30:05Z"), T0 + 5000);
    assert_int_equal(parsed("2026-07-01T14:30"), parsed("2026-07-01T12:30Z")); /* summer: +2 */
    assert_int_equal(parsed("-10m"), NOW - 600000);
    assert_int_equal(parsed("-1h30m"), NOW - 5400000);
    assert_int_equal(parsed("-90s"), NOW - 90000);
    assert_int_equal(parsed("-3d"), NOW - 3 * 86400000LL);
    char out[64];
    when_format(T0 + 5000, out, sizeof out);
    assert_string_equal(out, "2026-12-01 15:30:05 CET");
}

static void malformed_refused(void **state)
{
    (void)state;
    refused("yesterday", "is not a moment");
    refused("2026-12-01", "is not a moment");
    refused("2026-13-01T10:00", "is not a moment");
    refused("2026-12-01T24:00", "is not a moment");
    refused("2026-12-01T10:00+", "is not a moment");
    refused("2026-12-01T10:00+01:00x", "is not a moment");
    refused("2026-12-01T10:00 CET", "is not a moment");
    refused("-10x", "is not a time ago");
    refused("-", "is not a time ago");
    refused("-0d", "is not a time ago");
    refused("-d", "is not a time ago");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zones_and_forms),
        cmocka_unit_test(malformed_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
