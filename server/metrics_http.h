/* cascaded --metrics HOST:PORT: the running totals (counters.h) and a few
 * readings (memory, database size) as Prometheus text at /metrics, served
 * by libmicrohttpd on its own thread, which reads only atomics and files. */
#ifndef CASCADE_METRICS_HTTP_H
#define CASCADE_METRICS_HTTP_H

#include <stddef.h>

#include "addr.h"

struct metrics_http;

/* Serves /metrics at addr; data_dir names the database whose size is
 * reported. The port actually bound (addr's port 0 picks one) goes into
 * bound. 0, or -1 with a sentence in err. */
int metrics_http_start(struct metrics_http **out, const struct addr_spec *addr,
                       const char *data_dir, char *bound, size_t boundlen, char *err,
                       size_t errlen);

void metrics_http_stop(struct metrics_http *m);

#endif
