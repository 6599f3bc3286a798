#include "duration.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

/* Longer than any workshop; keeps every sum far from overflowing. */
#define DURATION_MAX_MS ((int64_t)100 * 24 * 3600 * 1000)

int duration_parse(const char *text, int plus_ok, int64_t *ms, char *err, size_t errlen)
{
    static const char HINT[] = "durations look like 90s, 15m, 1h or 1h30m";
    const char *p = text;
    int64_t total = 0;
    int last_rank = 4, pairs = 0;
    if (plus_ok && *p == '+')
        p++;
    while (*p != '\0') {
        if (*p == ' ' && pairs > 0) {
            p++;
            continue;
        }
        if (*p < '0' || *p > '9') {
            cas_errorf(err, errlen, "'%.40s' is not a duration; %s.", text, HINT);
            return CAS_EINVAL;
        }
        int64_t n = 0;
        while (*p >= '0' && *p <= '9') {
            n = n * 10 + (*p - '0');
            if (n > DURATION_MAX_MS) {
                cas_errorf(err, errlen, "'%.40s' is too long a duration; at most 100 days.", text);
                return CAS_EINVAL;
            }
            p++;
        }
        int rank;
        int64_t unit;
        switch (*p) {
        case 'h': rank = 3; unit = 3600000; break;
        case 'm': rank = 2; unit = 60000; break;
        case 's': rank = 1; unit = 1000; break;
        default:
            cas_errorf(err, errlen, "'%.40s' is not a duration: each number needs a unit "
                       "(h, m or s); %s.", text, HINT);
            return CAS_EINVAL;
        }
        if (rank >= last_rank) {
            cas_errorf(err, errlen, "'%.40s' is not a duration: give hours, then minutes, then "
                       "seconds, each once; %s.", text, HINT);
            return CAS_EINVAL;
        }
        last_rank = rank;
        p++;
        total += n * unit;
        pairs++;
        if (total > DURATION_MAX_MS) {
            cas_errorf(err, errlen, "'%.40s' is too long a duration; at most 100 days.", text);
            return CAS_EINVAL;
        }
    }
    if (pairs == 0) {
        cas_errorf(err, errlen, "'%.40s' is not a duration; %s.", text, HINT);
        return CAS_EINVAL;
    }
    if (total == 0) {
        cas_errorf(err, errlen, "'%.40s' is no time at all; give a duration like 5m.", text);
        return CAS_EINVAL;
    }
    *ms = total;
    return 0;
}

void duration_format(int64_t ms, char *out, size_t outlen)
{
    int64_t s = ms > 0 ? ms / 1000 : 0;
    int64_t h = s / 3600, m = s / 60 % 60, sec = s % 60;
    size_t n = 0;
    out[0] = '\0';
    if (h > 0)
        n += (size_t)snprintf(out + n, outlen - n, "%lldh", (long long)h);
    if (m > 0 && n < outlen)
        n += (size_t)snprintf(out + n, outlen - n, "%lldm", (long long)m);
    if ((sec > 0 || s == 0) && n < outlen)
        snprintf(out + n, outlen - n, "%llds", (long long)sec);
}

void duration_clock(int64_t ms, char *out, size_t outlen)
{
    int neg = ms < 0;
    int64_t a = neg ? -ms : ms;
    /* Rounded up while counting down, down once over time, so that the
     * clock passes 0:00 exactly when the time is up. */
    int64_t s = neg ? a / 1000 : (a + 999) / 1000;
    int64_t h = s / 3600, m = s / 60 % 60, sec = s % 60;
    if (h > 0)
        snprintf(out, outlen, "%s%lld:%02lld:%02lld", neg ? "-" : "", (long long)h,
                 (long long)m, (long long)sec);
    else
        snprintf(out, outlen, "%s%lld:%02lld", neg ? "-" : "", (long long)m, (long long)sec);
}

void duration_words(int64_t ms, char *out, size_t outlen)
{
    int64_t s = ms > 0 ? (ms + 500) / 1000 : 0;
    if (s >= 3600 && s % 3600 == 0)
        snprintf(out, outlen, "%lld hour%s", (long long)(s / 3600), s == 3600 ? "" : "s");
    else if (s >= 60 && s % 60 == 0)
        snprintf(out, outlen, "%lld minute%s", (long long)(s / 60), s == 60 ? "" : "s");
    else
        snprintf(out, outlen, "%lld second%s", (long long)s, s == 1 ? "" : "s");
}
