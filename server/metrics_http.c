/* cascaded --metrics (metrics_http.h). */
#include "metrics_http.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "counters.h"
#include "errors.h"
#include "process.h"
#include "version.h"

struct metrics_http {
    struct MHD_Daemon *daemon;
    char db[4200], wal[4210];
    time_t started;
};

__attribute__((format(printf, 2, 3)))
static void put(struct buf *b, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        (void)buf_append(b, line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void counter(struct buf *b, const char *name, const char *help, uint64_t v)
{
    put(b, "# HELP %s %s\n# TYPE %s counter\n%s %llu\n", name, help, name, name,
        (unsigned long long)v);
}

static void gauge(struct buf *b, const char *name, const char *help, double v)
{
    put(b, "# HELP %s %s\n# TYPE %s gauge\n%s %.17g\n", name, help, name, name, v);
}

static double file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (double)sb.st_size : 0.0;
}


static void render(struct metrics_http *m, struct buf *b)
{
    struct counters *c = &COUNTERS;
    put(b, "# HELP cascade_build_info The running cascaded's version.\n"
           "# TYPE cascade_build_info gauge\n"
           "cascade_build_info{version=\"%s\",protocol=\"%u\"} 1\n",
        CASCADE_VERSION, CASCADE_PROTOCOL_VERSION);
    gauge(b, "cascade_start_time_seconds", "When the server started, Unix time.",
          (double)m->started);
    counter(b, "cascade_connections_accepted_total", "Connections accepted.",
            counters_read(&c->connections_accepted));
    gauge(b, "cascade_connections", "Connections open now.",
          (double)counters_read(&c->connections_open));
    counter(b, "cascade_requests_total", "Requests received.", counters_read(&c->requests));
    counter(b, "cascade_logins_total", "Successful password logins.", counters_read(&c->logins));
    counter(b, "cascade_events_total", "Changes committed (events).", counters_read(&c->events));
    counter(b, "cascade_deliveries_total", "Events sent to subscribers.",
            counters_read(&c->deliveries));
    put(b, "# HELP cascade_commit_duration_seconds Time of each group commit.\n"
           "# TYPE cascade_commit_duration_seconds histogram\n");
    for (int i = 0; i < COUNTERS_COMMIT_BUCKETS; i++)
        put(b, "cascade_commit_duration_seconds_bucket{le=\"%g\"} %llu\n",
            COUNTERS_COMMIT_BOUNDS[i], (unsigned long long)counters_read(&c->commit_buckets[i]));
    uint64_t commits = counters_read(&c->commits);
    put(b, "cascade_commit_duration_seconds_bucket{le=\"+Inf\"} %llu\n"
           "cascade_commit_duration_seconds_sum %.9f\n"
           "cascade_commit_duration_seconds_count %llu\n",
        (unsigned long long)commits, (double)counters_read(&c->commit_ns) / 1e9,
        (unsigned long long)commits);
    gauge(b, "cascade_database_bytes", "Size of the database file.", file_size(m->db));
    gauge(b, "cascade_database_wal_bytes", "Size of its write-ahead log.", file_size(m->wal));
    gauge(b, "cascade_resident_memory_bytes", "The server's resident memory.",
          (double)process_resident_bytes());
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *conn, const char *url,
                              const char *method, const char *version, const char *upload,
                              size_t *upload_size, void **state)
{
    (void)version;
    (void)upload;
    (void)upload_size;
    (void)state;
    struct metrics_http *m = cls;
    int ok = strcmp(method, "GET") == 0 && strcmp(url, "/metrics") == 0;
    struct buf b = BUF_INIT;
    if (ok)
        render(m, &b);
    else
        put(&b, "Only GET /metrics is served here.\n");
    struct MHD_Response *r =
        MHD_create_response_from_buffer(b.len, b.data, MHD_RESPMEM_MUST_COPY);
    buf_free(&b);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type",
                            ok ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain");
    enum MHD_Result rc =
        MHD_queue_response(conn, ok ? MHD_HTTP_OK
                                    : strcmp(method, "GET") != 0 ? MHD_HTTP_METHOD_NOT_ALLOWED
                                                                 : MHD_HTTP_NOT_FOUND,
                           r);
    MHD_destroy_response(r);
    return rc;
}

int metrics_http_start(struct metrics_http **out, const struct addr_spec *addr,
                       const char *data_dir, char *bound, size_t boundlen, char *err,
                       size_t errlen)
{
    struct sockaddr_storage ss;
    if (addr_resolve(addr, &ss, err, errlen) != 0)
        return -1;
    struct metrics_http *m = calloc(1, sizeof *m);
    if (m == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return -1;
    }
    snprintf(m->db, sizeof m->db, "%s/cascade.db", data_dir);
    snprintf(m->wal, sizeof m->wal, "%s/cascade.db-wal", data_dir);
    m->started = time(NULL);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    /* A scrape is one small request: few connections, short time-outs. */
    m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, answer, m, MHD_OPTION_SOCK_ADDR,
                                 (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_LIMIT, 16u,
                                 MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (m->daemon == NULL) {
        char want[ADDR_TEXT_MAX];
        addr_spec_format(addr, want, sizeof want);
        cas_errorf(err, errlen, "Cannot serve metrics on %s (is the port taken?).", want);
        free(m);
        return -1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
    char host[ADDR_TEXT_MAX];
    addr_spec_format(addr, host, sizeof host);
    char *colon = strrchr(host, ':');
    if (colon != NULL)
        *colon = '\0';
    snprintf(bound, boundlen, "%s:%u", host, info != NULL ? (unsigned)info->port : 0u);
    *out = m;
    return 0;
}

void metrics_http_stop(struct metrics_http *m)
{
    if (m == NULL)
        return;
    MHD_stop_daemon(m->daemon);
    free(m);
}
