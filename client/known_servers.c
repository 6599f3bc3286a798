#include "known_servers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"

/* Splits a line into its server and fingerprint fields, in place. Returns 0
 * for a comment, a blank or a malformed line. */
static int parse_line(char *line, char **server, char **fp)
{
    line[strcspn(line, "\r\n")] = '\0';
    char *s = line + strspn(line, " \t");
    if (*s == '\0' || *s == '#')
        return 0;
    char *sp = strpbrk(s, " \t");
    if (sp == NULL)
        return 0;
    *sp = '\0';
    char *f = sp + 1 + strspn(sp + 1, " \t");
    f[strcspn(f, " \t")] = '\0';
    if (*f == '\0')
        return 0;
    *server = s;
    *fp = f;
    return 1;
}

int known_servers_lookup(const char *file, const char *server, char *out, size_t outlen)
{
    FILE *f = fopen(file, "r");
    if (f == NULL)
        return errno == ENOENT ? CAS_ENOTFOUND : CAS_EIO;
    char line[512];
    int rc = CAS_ENOTFOUND;
    while (fgets(line, sizeof line, f) != NULL) {
        char *s, *fp;
        if (parse_line(line, &s, &fp) && strcmp(s, server) == 0) {
            snprintf(out, outlen, "%s", fp);
            rc = 0;
            break;
        }
    }
    fclose(f);
    return rc;
}

int known_servers_add(const char *file, const char *server, const char *fingerprint,
                      char *err, size_t errlen)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%s %s\n", server, fingerprint);
    if (n < 0 || (size_t)n >= sizeof line) {
        cas_errorf(err, errlen, "The server address is too long to pin.");
        return CAS_EINVAL;
    }
    /* One write with O_APPEND keeps concurrent first connections whole. */
    int fd = open(file, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (fd < 0) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", file, strerror(errno));
        return CAS_EIO;
    }
    int ok = write(fd, line, (size_t)n) == n;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", file, strerror(errno));
        return CAS_EIO;
    }
    return 0;
}

int known_servers_forget(const char *file, const char *server, char *err, size_t errlen)
{
    FILE *in = fopen(file, "r");
    if (in == NULL) {
        if (errno == ENOENT) {
            cas_errorf(err, errlen, "No certificate is pinned for %s.", server);
            return CAS_ENOTFOUND;
        }
        cas_errorf(err, errlen, "Cannot read %s: %s.", file, strerror(errno));
        return CAS_EIO;
    }
    char tmp[4096 + 8];
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (out == NULL) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        fclose(in);
        return CAS_EIO;
    }
    char line[512], copy[512];
    int removed = 0;
    while (fgets(line, sizeof line, in) != NULL) {
        char *s, *fp;
        memcpy(copy, line, sizeof line);
        if (parse_line(copy, &s, &fp) && strcmp(s, server) == 0) {
            removed++;
            continue;
        }
        fputs(line, out);
    }
    fclose(in);
    int ok = fflush(out) == 0 && fsync(fileno(out)) == 0;
    ok = fclose(out) == 0 && ok;
    if (!ok || removed == 0 || rename(tmp, file) != 0) {
        int saved = errno;
        unlink(tmp);
        if (removed == 0) {
            cas_errorf(err, errlen, "No certificate is pinned for %s.", server);
            return CAS_ENOTFOUND;
        }
        cas_errorf(err, errlen, "Cannot rewrite %s: %s.", file, strerror(saved));
        return CAS_EIO;
    }
    return 0;
}
