/* One-line log messages to stderr (or a file), each stamped with UTC time
 * and a level. */
#ifndef CASCADE_LOG_H
#define CASCADE_LOG_H

void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appends the log to path from now on instead of stderr. 0, or -1 with
 * errno set (the log stays where it was). */
int log_to_file(const char *path);

/* Opens the log file again under its name (after logrotate moved it away):
 * 0, or -1 with errno set (the old file goes on being written). Nothing to
 * do, and 0, when the log goes to stderr. */
int log_reopen(void);

/* Closes the log file; the log goes to stderr again. */
void log_close(void);

#endif
