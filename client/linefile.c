#include "linefile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
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

int linefile_each(const char *file, int (*fn)(void *ctx, const char *key, const char *rest),
                  void *ctx)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return errno == ENOENT ? 0 : CAS_EIO;
    char line[LINEFILE_LINE_MAX];
    int stop = 0;
    while (!stop && fgets(line, sizeof line, f) != NULL) {
        char *k, *r;
        if (split_line(line, &k, &r))
            stop = fn(ctx, k, r);
    }
    int rc = !stop && ferror(f) ? CAS_EIO : 0;
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
    char buf[LINEFILE_LINE_MAX], copy[LINEFILE_LINE_MAX];
    while (in != NULL && fgets(buf, sizeof buf, in) != NULL) {
        char *k, *r;
        memcpy(copy, buf, sizeof buf);
        if (split_line(copy, &k, &r) && strcmp(k, key) == 0) {
            (*removed)++;
            continue;
        }
        fputs(buf, out);
    }
    int read_failed = in != NULL && ferror(in);
    if (in != NULL)
        fclose(in);
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
