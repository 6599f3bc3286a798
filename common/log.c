#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE *log_file; /* NULL: stderr */
static char *log_path;

__attribute__((format(printf, 2, 0)))
static void log_line(const char *level, const char *fmt, va_list ap)
{
    struct timespec ts;
    struct tm tm;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    /* One fprintf per line keeps lines whole when stderr is shared. */
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    FILE *out = log_file != NULL ? log_file : stderr;
    fprintf(out, "%s.%03ldZ %s %s\n", stamp, ts.tv_nsec / 1000000L, level, msg);
    fflush(out);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("info", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("warn", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_line("error", fmt, ap);
    va_end(ap);
}

static FILE *open_append(const char *path)
{
    FILE *f = fopen(path, "a");
    if (f != NULL)
        setvbuf(f, NULL, _IOLBF, 0);
    return f;
}

int log_to_file(const char *path)
{
    char *copy = strdup(path);
    FILE *f = copy != NULL ? open_append(path) : NULL;
    if (f == NULL) {
        free(copy);
        return -1;
    }
    log_close();
    log_file = f;
    log_path = copy;
    return 0;
}

int log_reopen(void)
{
    if (log_file == NULL)
        return 0;
    FILE *f = open_append(log_path);
    if (f == NULL)
        return -1;
    fclose(log_file);
    log_file = f;
    return 0;
}

void log_close(void)
{
    if (log_file != NULL)
        fclose(log_file);
    free(log_path);
    log_file = NULL;
    log_path = NULL;
}
