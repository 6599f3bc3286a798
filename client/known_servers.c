#include "known_servers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "errors.h"
#include "linefile.h"

int known_servers_lookup(const char *file, const char *server, char *out, size_t outlen)
{
    char rest[LINEFILE_LINE_MAX];
    int rc = linefile_find(file, server, rest, sizeof rest);
    if (rc != 0)
        return rc;
    rest[strcspn(rest, " \t")] = '\0';
    if (rest[0] == '\0')
        return CAS_ENOTFOUND;
    snprintf(out, outlen, "%s", rest);
    return 0;
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
    int rc = linefile_remove(file, server, err, errlen);
    if (rc == CAS_ENOTFOUND)
        cas_errorf(err, errlen, "No certificate is pinned for %s.", server);
    return rc;
}
