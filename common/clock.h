/* Wall-clock time as the protocol carries it. */
#ifndef CASCADE_CLOCK_H
#define CASCADE_CLOCK_H

#include <stdint.h>

/* Unix time in milliseconds (CLOCK_REALTIME), shifted by
 * CASCADE_TEST_CLOCK_OFFSET_MS when that is set in the environment. The
 * shift is for tests only: it lets a test make a check-in's due date pass
 * (tests/integration/test_cadence.sh) without waiting for it. */
int64_t clock_now_ms(void);

#endif
