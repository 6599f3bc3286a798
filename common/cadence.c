#include "cadence.h"

#include <libical/ical.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

static const char *const weekday_names[7] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
static const char *const weekday_ical[7] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

static int fail(char *err, size_t errl, const char *msg)
{
    if (err != NULL && errl > 0)
        snprintf(err, errl, "%s", msg);
    return CAS_EINVAL;
}

/* Reads 1..maxd decimal digits into *out; the number of characters read. */
static size_t read_digits(const char *s, size_t maxd, int *out)
{
    size_t i = 0;
    int v = 0;
    while (i < maxd && s[i] >= '0' && s[i] <= '9')
        v = v * 10 + (s[i++] - '0');
    *out = v;
    return i;
}

int cadence_parse(const char *text, struct cadence *out, char *err, size_t errl)
{
    static const char usage[] = "A cadence is weekly:DAY, biweekly:DAY (DAY: mon..sun), "
                                "monthly:N (1 to 28), monthly:last or off.";
    memset(out, 0, sizeof *out);
    if (strcmp(text, "off") == 0)
        return 0;
    const char *colon = strchr(text, ':');
    if (colon == NULL)
        return fail(err, errl, usage);
    size_t kind = (size_t)(colon - text);
    const char *arg = colon + 1;
    if ((kind == 6 && strncmp(text, "weekly", 6) == 0) ||
        (kind == 8 && strncmp(text, "biweekly", 8) == 0)) {
        for (int d = 0; d < 7; d++) {
            if (strcmp(arg, weekday_names[d]) == 0) {
                out->freq = kind == 6 ? CADENCE_WEEKLY : CADENCE_BIWEEKLY;
                out->weekday = d;
                return 0;
            }
        }
        return fail(err, errl, "The day of a weekly or biweekly cadence is one of mon, tue, "
                               "wed, thu, fri, sat, sun.");
    }
    if (kind == 7 && strncmp(text, "monthly", 7) == 0) {
        if (strcmp(arg, "last") == 0) {
            out->freq = CADENCE_MONTHLY;
            out->monthday = -1;
            return 0;
        }
        int day;
        size_t n = read_digits(arg, 2, &day);
        if (n == 0 || arg[n] != '\0' || day < 1 || day > 28)
            /* 29..31 are not in every month: a rule that skips months would
             * surprise more than help. */
            return fail(err, errl, "The day of a monthly cadence is 1 to 28, or last.");
        out->freq = CADENCE_MONTHLY;
        out->monthday = day;
        return 0;
    }
    return fail(err, errl, usage);
}

void cadence_format(const struct cadence *c, char *buf, size_t len)
{
    switch (c->freq) {
    case CADENCE_WEEKLY:
    case CADENCE_BIWEEKLY:
        snprintf(buf, len, "%s:%s", c->freq == CADENCE_WEEKLY ? "weekly" : "biweekly",
                 weekday_names[c->weekday % 7]);
        return;
    case CADENCE_MONTHLY:
        if (c->monthday < 0)
            snprintf(buf, len, "monthly:last");
        else
            snprintf(buf, len, "monthly:%d", c->monthday);
        return;
    case CADENCE_OFF:
        break;
    }
    snprintf(buf, len, "off");
}

void cadence_rrule(const struct cadence *c, char *buf, size_t len)
{
    switch (c->freq) {
    case CADENCE_WEEKLY:
        snprintf(buf, len, "FREQ=WEEKLY;BYDAY=%s", weekday_ical[c->weekday % 7]);
        return;
    case CADENCE_BIWEEKLY:
        snprintf(buf, len, "FREQ=WEEKLY;INTERVAL=2;BYDAY=%s", weekday_ical[c->weekday % 7]);
        return;
    case CADENCE_MONTHLY:
        snprintf(buf, len, "FREQ=MONTHLY;BYMONTHDAY=%d", c->monthday);
        return;
    case CADENCE_OFF:
        break;
    }
    if (len > 0)
        buf[0] = '\0';
}

static int date_valid(const struct cadence_date *d)
{
    return d->year >= 1970 && d->year <= 9999 && d->month >= 1 && d->month <= 12 &&
           d->day >= 1 && d->day <= icaltime_days_in_month(d->month, d->year);
}

/* Reads "YYYY-MM-DD" at s; the characters read, 0 when it is not one. */
static size_t read_date(const char *s, struct cadence_date *out)
{
    if (read_digits(s, 4, &out->year) != 4 || s[4] != '-' ||
        read_digits(s + 5, 2, &out->month) != 2 || s[7] != '-' ||
        read_digits(s + 8, 2, &out->day) != 2)
        return 0;
    return 10;
}

int cadence_date_parse(const char *text, struct cadence_date *out)
{
    if (read_date(text, out) != 10 || text[10] != '\0' || !date_valid(out))
        return CAS_EINVAL;
    return 0;
}

void cadence_date_format(const struct cadence_date *d, char *buf, size_t len)
{
    snprintf(buf, len, "%04d-%02d-%02d", d->year, d->month, d->day);
}

static struct icaltimetype date_time(const struct cadence_date *d, int hour)
{
    struct icaltimetype t = icaltime_null_time();
    t.year = d->year;
    t.month = d->month;
    t.day = d->day;
    t.hour = hour;
    return t;
}

/* Days from a to b. */
static long days_between(const struct cadence_date *a, const struct cadence_date *b)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    time_t ta = icaltime_as_timet_with_zone(date_time(a, 0), utc);
    time_t tb = icaltime_as_timet_with_zone(date_time(b, 0), utc);
    return (long)((tb - ta) / 86400);
}

int cadence_period_check(const struct cadence_date *from, const struct cadence_date *to,
                         char *err, size_t errl)
{
    if (!date_valid(from) || !date_valid(to))
        return fail(err, errl, "A period's dates are real dates written YYYY-MM-DD.");
    long days = days_between(from, to);
    if (days < 0)
        return fail(err, errl, "The period ends before it begins; give --to a date after --from.");
    /* Two years: the same day two years on is one day too many. */
    long limit = (long)(from->year + 2) * 10000 + from->month * 100 + from->day;
    if ((long)to->year * 10000 + to->month * 100 + to->day >= limit)
        return fail(err, errl, "A period spans at most two years.");
    return 0;
}

int cadence_period_parse(const char *text, struct cadence_date *from, struct cadence_date *to,
                         char *err, size_t errl)
{
    static const char bad[] = "A period is a quarter (2026-Q3), a half (2026-H1), a year "
                              "(2026), a month (2026-07) or FROM..TO dates (2026-07-01..2026-09-30).";
    int year;
    /* Only what starts like a year is taken for a period; anything else is
     * a free title that has no dates. */
    if (read_digits(text, 4, &year) != 4 || (text[4] != '\0' && text[4] != '-'))
        return CAS_ENOTFOUND;
    const char *dots = strstr(text, "..");
    if (dots != NULL) {
        if (read_date(text, from) != 10 || dots != text + 10 || read_date(dots + 2, to) != 10 ||
            dots[12] != '\0')
            return fail(err, errl, bad);
        return cadence_period_check(from, to, err, errl);
    }
    if (year < 1970)
        return fail(err, errl, "A period's year is 1970 or later.");
    from->year = to->year = year;
    from->day = 1;
    const char *rest = text + 4;
    int n;
    if (rest[0] == '\0') {
        from->month = 1;
        to->month = 12;
    } else if ((rest[1] == 'Q' || rest[1] == 'q') && read_digits(rest + 2, 1, &n) == 1 &&
               rest[3] == '\0') {
        if (n < 1 || n > 4)
            return fail(err, errl, "A quarter is Q1, Q2, Q3 or Q4.");
        from->month = 3 * n - 2;
        to->month = 3 * n;
    } else if ((rest[1] == 'H' || rest[1] == 'h') && read_digits(rest + 2, 1, &n) == 1 &&
               rest[3] == '\0') {
        if (n < 1 || n > 2)
            return fail(err, errl, "A half is H1 or H2.");
        from->month = 6 * n - 5;
        to->month = 6 * n;
    } else if (read_digits(rest + 1, 2, &n) == 2 && rest[3] == '\0') {
        if (n < 1 || n > 12)
            return fail(err, errl, "A month is 01 to 12.");
        from->month = to->month = n;
    } else {
        return fail(err, errl, bad);
    }
    to->day = icaltime_days_in_month(to->month, year);
    return cadence_period_check(from, to, err, errl);
}

/* Zone names are looked up as files of the system's zone database, so
 * only the characters of real names get that far. */
static int zone_name_plausible(const char *zone)
{
    size_t n = strlen(zone);
    if (n == 0 || n >= CADENCE_ZONE_MAX || zone[0] == '/' || strstr(zone, "..") != NULL)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ch = zone[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '/' || ch == '_' || ch == '-' || ch == '+'))
            return 0;
    }
    return 1;
}

static icaltimezone *zone_of(const char *zone)
{
    if (zone[0] == '\0' || strcmp(zone, "UTC") == 0)
        return icaltimezone_get_utc_timezone();
    if (!zone_name_plausible(zone))
        return NULL;
    return icaltimezone_get_builtin_timezone(zone);
}

int cadence_zone_valid(const char *zone)
{
    return zone_of(zone) != NULL;
}

static int64_t to_ms(struct icaltimetype t, icaltimezone *z)
{
    return (int64_t)icaltime_as_timet_with_zone(t, z) * 1000;
}

size_t cadence_dues(const struct cadence_schedule *s, int64_t *out)
{
    icaltimezone *z = zone_of(s->zone);
    if (s->rule.freq == CADENCE_OFF || z == NULL || !date_valid(&s->from) || !date_valid(&s->to))
        return 0;
    char rule[64];
    cadence_rrule(&s->rule, rule, sizeof rule);
    struct icalrecurrencetype r = icalrecurrencetype_from_string(rule);
    /* Local wall-clock times (floating), each placed in the zone as it is
     * that day: DST moves the instant, not the hour. */
    icalrecur_iterator *it = icalrecur_iterator_new(r, date_time(&s->from, CADENCE_HOUR));
    if (it == NULL)
        return 0;
    struct icaltimetype last = date_time(&s->to, 23);
    size_t n = 0;
    for (;;) {
        struct icaltimetype t = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(t) || icaltime_compare(t, last) > 0 || n == CADENCE_DUES_MAX)
            break;
        out[n++] = to_ms(t, z);
    }
    icalrecur_iterator_free(it);
    return n;
}

int64_t cadence_period_start(const struct cadence_schedule *s)
{
    icaltimezone *z = zone_of(s->zone);
    return to_ms(date_time(&s->from, 0), z != NULL ? z : icaltimezone_get_utc_timezone());
}

static struct icaltimetype local_of(int64_t ms, icaltimezone *z)
{
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, z);
    t.zone = NULL; /* floating: as_timet_with_zone places it in z again */
    return t;
}

int64_t cadence_overdue_at(const struct cadence_schedule *s, int64_t due_ms)
{
    icaltimezone *z = zone_of(s->zone);
    if (z == NULL)
        z = icaltimezone_get_utc_timezone();
    struct icaltimetype t = local_of(due_ms, z);
    icaltime_adjust(&t, 1, 0, 0, 0);
    return to_ms(t, z);
}

struct cadence_status cadence_status_of(const int64_t *dues, const int64_t *overdues, size_t n,
                                        int64_t period_start_ms, int64_t checked_in_ms,
                                        int64_t now_ms)
{
    struct cadence_status st = {.state = CADENCE_NONE};
    /* last: the latest due date passed; next: the first to come. */
    size_t next = 0;
    while (next < n && dues[next] <= now_ms)
        next++;
    int64_t opened = period_start_ms; /* when the first due date's window opened */
    if (next > 0) {
        size_t last = next - 1;
        int64_t since = last > 0 ? dues[last - 1] : opened;
        if (checked_in_ms <= since) {
            st.due_ms = dues[last];
            st.overdue_ms = overdues[last];
            st.state = st.overdue_ms <= now_ms ? CADENCE_OVERDUE : CADENCE_DUE;
            return st;
        }
        opened = dues[last];
    }
    /* A check-in since the last due date counts for the next one too. */
    if (next < n && checked_in_ms > opened)
        next++;
    if (next >= n)
        return st;
    st.state = CADENCE_UPCOMING;
    st.due_ms = dues[next];
    st.overdue_ms = overdues[next];
    return st;
}

struct cadence_status cadence_status_at(const struct cadence_schedule *s, const int64_t *dues,
                                        size_t n, int64_t checked_in_ms, int64_t now_ms)
{
    int64_t overdues[CADENCE_DUES_MAX];
    if (n > CADENCE_DUES_MAX)
        n = CADENCE_DUES_MAX;
    for (size_t i = 0; i < n; i++)
        overdues[i] = cadence_overdue_at(s, dues[i]);
    return cadence_status_of(dues, overdues, n, cadence_period_start(s), checked_in_ms, now_ms);
}

void cadence_local_format(const struct cadence_schedule *s, int64_t ms, char *buf, size_t len)
{
    icaltimezone *z = zone_of(s->zone);
    if (z == NULL)
        z = icaltimezone_get_utc_timezone();
    struct icaltimetype t = icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, z);
    snprintf(buf, len, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour, t.minute);
}
