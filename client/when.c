#include "when.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"
#include "errors.h"

/* Reads exactly n digits at *p into *out, moving *p past them. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int relative(const char *text, int64_t now_ms, int64_t *ms, char *err, size_t errlen)
{
    const char *body = text + 1;
    size_t len = strlen(body);
    int64_t back;
    if (len > 1 && body[len - 1] == 'd') {
        char *end;
        long days = strtol(body, &end, 10);
        if (!isdigit((unsigned char)body[0]) || end != body + len - 1 || days < 1 || days > 36500) {
            cas_errorf(err, errlen, "'%.40s' is not a time ago; write it like -90s, -10m, -2h or "
                       "-3d.", text);
            return CAS_EINVAL;
        }
        back = (int64_t)days * 86400000;
    } else if (duration_parse(body, 0, &back, NULL, 0) != 0) {
        cas_errorf(err, errlen, "'%.40s' is not a time ago; write it like -90s, -10m, -2h or "
                   "-3d.", text);
        return CAS_EINVAL;
    }
    *ms = now_ms - back;
    return 0;
}

int when_parse(const char *text, int64_t now_ms, int64_t *ms, char *err, size_t errlen)
{
    if (text[0] == '-')
        return relative(text, now_ms, ms, err, errlen);
    const char *p = text;
    struct tm tm = {0};
    int year, mon, day, hour, min, sec = 0;
    if (digits(&p, 4, &year) != 0 || *p++ != '-' || digits(&p, 2, &mon) != 0 || *p++ != '-' ||
        digits(&p, 2, &day) != 0 || (*p != 'T' && *p != 't' && *p != ' ') ||
        (p++, digits(&p, 2, &hour)) != 0 || *p++ != ':' || digits(&p, 2, &min) != 0 ||
        (*p == ':' && (p++, digits(&p, 2, &sec)) != 0))
        goto bad;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        goto bad;
    tm.tm_year = year - 1900;
    tm.tm_mon = mon - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    time_t t;
    if (*p == '\0') {
        tm.tm_isdst = -1; /* local time, summer or not as the date says */
        t = mktime(&tm);
    } else {
        int offset = 0;
        if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om;
            if (digits(&p, 2, &oh) != 0)
                goto bad;
            if (*p == ':')
                p++;
            if (digits(&p, 2, &om) != 0 || *p != '\0' || oh > 14 || om > 59)
                goto bad;
            offset = sign * (oh * 3600 + om * 60);
        } else {
            goto bad;
        }
        t = timegm(&tm) - offset;
    }
    if (t == (time_t)-1)
        goto bad;
    *ms = (int64_t)t * 1000;
    return 0;
bad:
    cas_errorf(err, errlen, "'%.40s' is not a moment; write it like 2026-12-01T14:30 (local "
               "time), 2026-12-01T14:30:05Z, 2026-12-01T14:30+01:00, or -10m for ten minutes ago.",
               text);
    return CAS_EINVAL;
}

void when_format(int64_t ms, char *out, size_t outlen)
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    if (localtime_r(&t, &tm) == NULL || strftime(out, outlen, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
        snprintf(out, outlen, "%lld ms", (long long)ms);
}
