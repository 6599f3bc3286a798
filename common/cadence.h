/* The check-in cadence of a workshop: its period as dates, its time zone,
 * the rule ("weekly:mon", "biweekly:fri", "monthly:1", "monthly:last")
 * and the due dates they make, with the calendar arithmetic done by
 * libical (the rule is an RFC 5545 RRULE, the zone the system's zone
 * database), so that the server, `cascade due` and `cascade cadence`
 * compute the same dates.
 *
 * When a check-in is due, and when it is overdue. A check-in falls due at
 * CADENCE_HOUR:00 local time on each day the rule gives inside the period
 * (DST moves that instant in UTC, never the local time). A key result's
 * check-in made after the previous due instant (for the first one, after
 * the period began) satisfies a due date, even when it comes late. A due
 * date that has passed without one makes the key result "due"; once a day
 * more has passed (the same local time the next day) it is "overdue".
 * A late check-in clears it, and since it was made after the due date it
 * also counts for the next one. A key result that was never checked in
 * owes the latest due date that has passed. */
#ifndef CASCADE_CADENCE_H
#define CASCADE_CADENCE_H

#include <stddef.h>
#include <stdint.h>

#define CADENCE_HOUR 9
#define CADENCE_TEXT_MAX 16   /* "biweekly:wed" and the like */
#define CADENCE_ZONE_MAX 64   /* "America/Argentina/Buenos_Aires" fits */
#define CADENCE_DATE_LEN 10   /* "2026-07-01" */
/* The most due dates a period can have (weekly over two years). */
#define CADENCE_DUES_MAX 110

enum cadence_freq { CADENCE_OFF, CADENCE_WEEKLY, CADENCE_BIWEEKLY, CADENCE_MONTHLY };

struct cadence {
    enum cadence_freq freq;
    int weekday;  /* weekly and biweekly: 0 Sunday .. 6 Saturday */
    int monthday; /* monthly: 1..28, or -1 for the last day of the month */
};

/* A calendar date. */
struct cadence_date {
    int year, month, day;
};

/* Everything the due dates depend on. */
struct cadence_schedule {
    struct cadence rule;
    struct cadence_date from, to; /* the period, both days included */
    char zone[CADENCE_ZONE_MAX];  /* an IANA zone name, "UTC" by default */
};

/* Reads a cadence ("weekly:mon", "biweekly:fri", "monthly:1".."monthly:28",
 * "monthly:last", "off"). 0, or CAS_EINVAL with a sentence in err. */
int cadence_parse(const char *text, struct cadence *out, char *err, size_t errl);

/* Writes c as cadence_parse reads it ("off" when off). */
void cadence_format(const struct cadence *c, char *buf, size_t len);

/* The rule as an iCalendar RRULE ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR");
 * "" when off. */
void cadence_rrule(const struct cadence *c, char *buf, size_t len);

/* Reads "2026-07-01" (a real date, years 1970..9999). 0 or CAS_EINVAL. */
int cadence_date_parse(const char *text, struct cadence_date *out);

/* Writes d as "2026-07-01" (len >= CADENCE_DATE_LEN + 1). */
void cadence_date_format(const struct cadence_date *d, char *buf, size_t len);

/* Reads a period: a quarter "2026-Q3", a half "2026-H1", a year "2026", a
 * month "2026-07", or two dates "2026-07-01..2026-09-30". 0 with its
 * first and last day; CAS_ENOTFOUND when the text is no period at all (a
 * free title like "Autumn planning"); CAS_EINVAL with a sentence in err
 * when it looks like one but is wrong. */
int cadence_period_parse(const char *text, struct cadence_date *from, struct cadence_date *to,
                         char *err, size_t errl);

/* Checks a period's dates: to not before from, at most two years.
 * 0, or CAS_EINVAL with a sentence in err. */
int cadence_period_check(const struct cadence_date *from, const struct cadence_date *to,
                         char *err, size_t errl);

/* Whether zone names a time zone of the system's database ("UTC" too). */
int cadence_zone_valid(const char *zone);

/* Every due instant of s (Unix ms, ascending) into out (room for
 * CADENCE_DUES_MAX): their count; 0 when the cadence is off or the
 * period has none, or the zone is unknown. */
size_t cadence_dues(const struct cadence_schedule *s, int64_t *out);

/* When the period begins: local midnight of its first day, Unix ms. */
int64_t cadence_period_start(const struct cadence_schedule *s);

/* When a due instant becomes overdue: the same local time a day later. */
int64_t cadence_overdue_at(const struct cadence_schedule *s, int64_t due_ms);

enum cadence_state {
    CADENCE_NONE,     /* nothing owed: no cadence, or the period is over */
    CADENCE_UPCOMING, /* the next check-in is owed by a future due date */
    CADENCE_DUE,      /* a due date passed without a check-in, a day not yet over */
    CADENCE_OVERDUE,  /* ... and a day has passed since */
};

struct cadence_status {
    enum cadence_state state;
    int64_t due_ms;     /* the due date owed (UPCOMING: the next; DUE, OVERDUE: the missed one) */
    int64_t overdue_ms; /* when that one is (or was) overdue */
};

/* The state of a key result last checked in at checked_in_ms (0: never)
 * at now_ms, given s's due instants (cadence_dues). */
struct cadence_status cadence_status_at(const struct cadence_schedule *s, const int64_t *dues,
                                        size_t n, int64_t checked_in_ms, int64_t now_ms);

/* The same from times computed once for many key results: the due
 * instants, when each becomes overdue (cadence_overdue_at) and when the
 * period begins (cadence_period_start). Arithmetic only. */
struct cadence_status cadence_status_of(const int64_t *dues, const int64_t *overdues, size_t n,
                                        int64_t period_start_ms, int64_t checked_in_ms,
                                        int64_t now_ms);

/* Formats a Unix ms instant as local time in s's zone, "2026-07-06 09:00"
 * (len >= 17). */
void cadence_local_format(const struct cadence_schedule *s, int64_t ms, char *buf, size_t len);

#endif
