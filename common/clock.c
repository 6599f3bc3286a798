#include "clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* Read at each call rather than kept: no state, and getenv is cheap next
 * to what a caller does with the time. */
static int64_t test_offset_ms(void)
{
    const char *v = getenv("CASCADE_TEST_CLOCK_OFFSET_MS");
    return v != NULL ? strtoll(v, NULL, 10) : 0;
}

int64_t clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + test_offset_ms();
}

void clock_utc_text(int64_t ms, char *out, size_t outlen)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(out, outlen, "an unknown time");
}
