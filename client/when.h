/* Moments as `show --at` takes them and as the views print them. */
#ifndef CASCADE_WHEN_H
#define CASCADE_WHEN_H

#include <stddef.h>
#include <stdint.h>

/* Parses a moment into Unix milliseconds:
 *   2026-12-01T14:30, 2026-12-01T14:30:05 (a space may stand for the T),
 *   each with a zone after it (Z, +01:00, -0500) or without one, which is
 *   this machine's local time (TZ);
 *   -90s, -10m, -2h, -3d: that long before now_ms (h, m and s combine as
 *   durations do: -1h30m).
 * 0 and *ms; CAS_EINVAL with one sentence in err. */
int when_parse(const char *text, int64_t now_ms, int64_t *ms, char *err, size_t errlen);

/* "2026-12-01 14:30:05 CET": local time to the second, with the zone's
 * abbreviation. out holds at least 40 bytes. */
void when_format(int64_t ms, char *out, size_t outlen);

#endif
