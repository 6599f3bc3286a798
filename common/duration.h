/* Durations as people type and read them: "90s", "15m", "1h30m". Used for
 * agenda steps, extensions and template files, on both sides of the wire. */
#ifndef CASCADE_DURATION_H
#define CASCADE_DURATION_H

#include <stddef.h>
#include <stdint.h>

/* Room for duration_format's and duration_clock's results. */
#define DURATION_TEXT_MAX 32

/* Parses one or more number-unit pairs (units h, m, s; e.g. "90s", "5m",
 * "1h30m", "1h 30m"), largest unit first, into milliseconds. A leading '+'
 * is allowed when plus_ok. 0 and *ms; CAS_EINVAL with one sentence in err
 * for anything else (a bare number, an unknown unit, a negative or zero
 * duration, more than 100 days). */
int duration_parse(const char *text, int plus_ok, int64_t *ms, char *err, size_t errlen);

/* "1h30m", "15m", "90s" -> "1m30s"; whole seconds, rounded down; "0s" for
 * zero or less. */
void duration_format(int64_t ms, char *out, size_t outlen);

/* A countdown: "12:34", "1:02:03" from an hour on; seconds rounded up, so
 * that "0:00" appears only when the time is up. Negative: "-1:05". */
void duration_clock(int64_t ms, char *out, size_t outlen);

/* For warnings: "2 minutes", "1 minute", "90 seconds", "1 hour". */
void duration_words(int64_t ms, char *out, size_t outlen);

#endif
