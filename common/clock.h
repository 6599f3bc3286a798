/* Wall-clock time as the protocol carries it. */
#ifndef CASCADE_CLOCK_H
#define CASCADE_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Unix time in milliseconds (CLOCK_REALTIME), shifted by
 * CASCADE_TEST_CLOCK_OFFSET_MS when that is set in the environment. The
 * shift is for tests only: it lets a test make a check-in's due date pass
 * (tests/integration/test_cadence.sh) without waiting for it. */
int64_t clock_now_ms(void);

/* A moment as people read it in the server's sentences, "2026-12-01 14:30
 * UTC" ("an unknown time" for one gmtime cannot take). */
void clock_utc_text(int64_t ms, char *out, size_t outlen);

#endif
