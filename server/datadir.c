#include "datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crypto.h"
#include "errors.h"
#include "log.h"

/* mkdir -p, with mode 0700 for what it creates. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
            cas_errorf(err, errlen, "Cannot create the directory %s: %s.", tmp, strerror(errno));
            return CAS_EIO;
        }
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
        cas_errorf(err, errlen, "Cannot create the data directory %s: %s.", tmp, strerror(errno));
        return CAS_EIO;
    }
    struct stat st;
    if (stat(tmp, &st) != 0 || !S_ISDIR(st.st_mode)) {
        cas_errorf(err, errlen, "The data directory %s is not a directory.", tmp);
        return CAS_EIO;
    }
    return 0;
}

static int valid_server_id(const char *s)
{
    if (strlen(s) != DATADIR_SERVER_ID_LEN)
        return 0;
    return strspn(s, "0123456789abcdef") == DATADIR_SERVER_ID_LEN;
}

static int load_or_create_id(struct datadir *d, char *err, size_t errlen)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/server-id", d->path);
    FILE *f = fopen(path, "r");
    if (f != NULL) {
        char line[64] = "";
        if (fgets(line, sizeof line, f) == NULL)
            line[0] = '\0';
        fclose(f);
        line[strcspn(line, "\r\n")] = '\0';
        if (!valid_server_id(line)) {
            cas_errorf(err, errlen, "The file %s is damaged; remove it to make a new server id.", path);
            return CAS_EINVAL;
        }
        memcpy(d->server_id, line, sizeof d->server_id);
        return 0;
    }
    unsigned char raw[DATADIR_SERVER_ID_LEN / 2];
    if (crypto_random_bytes(raw, sizeof raw) != 0) {
        cas_errorf(err, errlen, "Cannot get random bytes for the server id.");
        return CAS_EIO;
    }
    for (size_t i = 0; i < sizeof raw; i++)
        snprintf(d->server_id + 2 * i, 3, "%02x", raw[i]);
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", tmp, strerror(errno));
        return CAS_EIO;
    }
    char line[DATADIR_SERVER_ID_LEN + 2];
    int n = snprintf(line, sizeof line, "%s\n", d->server_id);
    int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", path, strerror(errno));
        unlink(tmp);
        return CAS_EIO;
    }
    return 0;
}

/* Takes group and other permissions away from path when it has any. */
static int make_private(const char *path, mode_t keep, char *err, size_t errlen)
{
    struct stat st;
    if (lstat(path, &st) != 0 || (st.st_mode & 077) == 0 || S_ISLNK(st.st_mode))
        return 0;
    if (chmod(path, st.st_mode & keep) != 0) {
        cas_errorf(err, errlen,
                   "%s is readable by other users and cannot be made private (%s); "
                   "run 'chmod -R go= %s' as its owner.",
                   path, strerror(errno), path);
        return CAS_EIO;
    }
    log_info("%s was open to other users (mode %04o); it is now %04o", path,
             (unsigned)(st.st_mode & 07777), (unsigned)(st.st_mode & keep & 07777));
    return 0;
}

/* The directory and the server's files in it belong to the server's user
 * alone: the database holds password hashes and every workshop, key.pem the
 * server's identity. An older directory (or one made by hand) may be
 * looser, so it is tightened at every start. Only the server's own files
 * are touched, in case the directory is shared with others. */
static int make_all_private(const char *dir, char *err, size_t errlen)
{
    static const char *const FILES[] = {
        "cascade.db", "cascade.db-wal", "cascade.db-shm", "key.pem", "cert.pem",
        "server-id", "initial-admin-password",
    };
    int rc = make_private(dir, 0700, err, errlen);
    for (size_t i = 0; rc == 0 && i < sizeof FILES / sizeof FILES[0]; i++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/%s", dir, FILES[i]);
        rc = make_private(path, 0600, err, errlen);
    }
    return rc;
}

int datadir_open(struct datadir *d, const char *path, char *err, size_t errlen)
{
    memset(d, 0, sizeof *d);
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    if (n == 0 || n + 32 >= sizeof d->path) {
        cas_errorf(err, errlen, "The data directory path is empty or too long.");
        return CAS_EINVAL;
    }
    memcpy(d->path, path, n);
    d->path[n] = '\0';
    int rc = make_dirs(d->path, err, errlen);
    if (rc == 0)
        rc = make_all_private(d->path, err, errlen);
    if (rc != 0)
        return rc;
    snprintf(d->cert, sizeof d->cert, "%s/cert.pem", d->path);
    snprintf(d->key, sizeof d->key, "%s/key.pem", d->path);
    return load_or_create_id(d, err, errlen);
}
