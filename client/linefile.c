#include "linefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

/* Splits a line into its first field and the rest, in place. Returns 0 for
 * a comment or a blank line. */
static int split_line(char *line, char **key, char **rest)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *k = line + strspn(line, " \t");
    if (*k == '\0' || *k == '#')
        return 0;
    char *r = k + strcspn(k, " \t");
    if (*r != '\0')
        *r++ = '\0';
    r += strspn(r, " \t");
    char *end = r + strlen(r);
    while (end > r && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = '\0';
    *key = k;
    *rest = r;
    return 1;
}

/* Whether a raw line of n bytes (as getline read it) can be an entry: not
 * longer than LINEFILE_LINE_MAX and without a NUL byte, which would cut
 * the text short. Other lines are kept as they are and never match. */
static int usable_line(const char *line, size_t n)
{
    return n < LINEFILE_LINE_MAX && memchr(line, '\0', n) == NULL;
}

int linefile_each(const char *file, int (*fn)(void *ctx, const char *key, const char *rest),
                  void *ctx)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return errno == ENOENT ? 0 : CAS_EIO;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int stop = 0;
    while (!stop && (n = getline(&line, &cap, f)) > 0) {
        char *k, *r;
        if (usable_line(line, (size_t)n) && split_line(line, &k, &r))
            stop = fn(ctx, k, r);
    }
    int rc = !stop && ferror(f) ? CAS_EIO : 0;
    free(line);
    fclose(f);
    return rc;
}

struct found {
    const char *key;
    char *rest;
    size_t restlen;
    int found;
};

static int keep_match(void *ctx, const char *key, const char *rest)
{
    struct found *f = ctx;
    if (strcmp(key, f->key) == 0) {
        snprintf(f->rest, f->restlen, "%s", rest);
        f->found = 1;
    }
    return 0;
}

int linefile_find(const char *file, const char *key, char *rest, size_t restlen)
{
    struct found f = {.key = key, .rest = rest, .restlen = restlen, .found = 0};
    int rc = linefile_each(file, keep_match, &f);
    if (rc != 0)
        return rc;
    return f.found ? 0 : CAS_ENOTFOUND;
}

int linefile_replace(const char *file, const char *key, const char *line, int *removed,
                     char *err, size_t errlen)
{
    *removed = 0;
    FILE *in = fopen(file, "r");
    if (in == NULL && errno != ENOENT) {
        cas_errorf(err, errlen, "Cannot read %s: %s.", file, strerror(errno));
        return CAS_EIO;
    }
    /* The pid keeps two clients from writing the same temporary file. */
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", file, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        if (in != NULL)
            fclose(in);
        return CAS_EIO;
    }
    /* Lines are copied byte for byte, odd ones included: a rewrite changes
     * only the entries of key. */
    char *buf = NULL, copy[LINEFILE_LINE_MAX];
    size_t cap = 0;
    ssize_t n;
    int ends_line = 1; /* what was written so far ends with a newline */
    while (in != NULL && (n = getline(&buf, &cap, in)) > 0) {
        char *k, *r;
        if (usable_line(buf, (size_t)n)) {
            memcpy(copy, buf, (size_t)n + 1);
            if (split_line(copy, &k, &r) && strcmp(k, key) == 0) {
                (*removed)++;
                continue;
            }
        }
        fwrite(buf, 1, (size_t)n, out);
        ends_line = buf[n - 1] == '\n';
    }
    free(buf);
    int read_failed = in != NULL && ferror(in);
    if (in != NULL)
        fclose(in);
    /* A last line without its newline (a hand edit) must not run into ours. */
    if (line != NULL && !ends_line)
        fputc('\n', out);
    if (line != NULL)
        fputs(line, out);
    int ok = !read_failed && fflush(out) == 0 && fsync(fileno(out)) == 0;
    ok = fclose(out) == 0 && ok;
    if (!ok || rename(tmp, file) != 0) {
        cas_errorf(err, errlen, "Cannot rewrite %s: %s.", file,
                   read_failed ? "reading it failed" : strerror(errno));
        unlink(tmp);
        return CAS_EIO;
    }
    return 0;
}

int linefile_remove(const char *file, const char *key, char *err, size_t errlen)
{
    char rest[LINEFILE_LINE_MAX];
    int removed = 0, rc = linefile_find(file, key, rest, sizeof rest);
    if (rc == CAS_EIO)
        cas_errorf(err, errlen, "Cannot read %s.", file);
    if (rc == 0)
        rc = linefile_replace(file, key, NULL, &removed, err, errlen);
    return rc == 0 && removed == 0 ? CAS_ENOTFOUND : rc;
}
