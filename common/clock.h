/* Wall-clock time as the protocol carries it. */
#ifndef CASCADE_CLOCK_H
#define CASCADE_CLOCK_H

#include <stdint.h>

/* Unix time in milliseconds (CLOCK_REALTIME). */
int64_t clock_now_ms(void);

#endif
