/* A reader for the one frame the bench receives by the hundred thousand: an
 * Event. Unpacking each with protobuf-c made the bench, not the server, the
 * bottleneck, so this walks the encoded bytes for the one value it needs. */
#ifndef CASCADE_BENCH_SCAN_H
#define CASCADE_BENCH_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* For a packed Frame: -1 when it is not an Event (or is malformed: unpack it
 * properly then); otherwise the number of "current" field changes found,
 * their new values (the send stamps) stored in stamps, at most max. */
int bench_scan_event(const uint8_t *frame, size_t len, double *stamps, int max);

#endif
