/* Copies of the database (store_backup.h). */
#include "store_backup.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "store.h"
#include "store_internal.h"

struct store_backup {
    sqlite3 *dest;
    sqlite3_backup *copy;
    char path[PATH_MAX];
    char partial[PATH_MAX + 16];
    int copied;   /* every page is in the partial file */
    int finished; /* synced and named */
    int64_t pages; /* the source's size in pages, as of the last step */
};

/* Makes the rename of a finished copy durable: its directory is synced. */
static void sync_parent(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", path);
    int fd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Opens a new, empty destination file at b->partial. */
static int open_destination(struct store_backup *b, const char *path, char *err, size_t errlen)
{
    if (strlen(path) >= sizeof b->path) {
        cas_errorf(err, errlen, "The backup's path is too long.");
        return CAS_EINVAL;
    }
    snprintf(b->path, sizeof b->path, "%s", path);
    snprintf(b->partial, sizeof b->partial, "%s.partial", path);
    struct stat sb;
    if (stat(b->path, &sb) == 0 || stat(b->partial, &sb) == 0) {
        cas_errorf(err, errlen, "%s already exists; name a new file for the backup.",
                   stat(b->path, &sb) == 0 ? b->path : b->partial);
        return CAS_EEXIST;
    }
    /* Made here, exclusively and private, so SQLite opens our own file. */
    int fd = open(b->partial, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        cas_errorf(err, errlen, "Cannot write the backup %s: %s.", b->partial, strerror(errno));
        return CAS_EIO;
    }
    close(fd);
    if (sqlite3_open_v2(b->partial, &b->dest, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot open the backup %s: %s.", b->partial,
                   b->dest != NULL ? sqlite3_errmsg(b->dest) : "out of memory");
        unlink(b->partial);
        return CAS_EIO;
    }
    /* No fsync and no rollback journal while copying (each step would
     * otherwise make, sync and delete one): the whole file is synced once,
     * before it is named (store_backup_install), where the caller chooses
     * (the server off its loop). A crash meanwhile leaves only PATH.partial. */
    sqlite3_exec(b->dest, "PRAGMA synchronous = OFF; PRAGMA journal_mode = OFF", NULL, NULL,
                 NULL);
    return 0;
}

static int begin(sqlite3 *source, const char *path, struct store_backup **out, char *err,
                 size_t errlen)
{
    *out = NULL;
    struct store_backup *b = calloc(1, sizeof *b);
    if (b == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return CAS_ENOMEM;
    }
    int rc = open_destination(b, path, err, errlen);
    if (rc != 0) {
        sqlite3_close(b->dest);
        free(b);
        return rc;
    }
    b->copy = sqlite3_backup_init(b->dest, "main", source, "main");
    if (b->copy == NULL) {
        cas_errorf(err, errlen, "Cannot start the backup: %s.", sqlite3_errmsg(b->dest));
        store_backup_free(b);
        return CAS_ESTORAGE;
    }
    *out = b;
    return 0;
}

int store_backup_begin(struct store *st, const char *path, struct store_backup **out,
                       char *err, size_t errlen)
{
    if (st->db.kind != DB_SQLITE) {
        *out = NULL;
        cas_errorf(err, errlen,
                   "This server keeps its data in PostgreSQL; back it up with PostgreSQL's own"
                   " tools (pg_dump, or a streaming replica), not with cascaded.");
        return CAS_EINVAL;
    }
    return begin(st->db.sq, path, out, err, errlen);
}

int store_backup_step(struct store_backup *b, int pages, char *err, size_t errlen)
{
    if (b->copied)
        return 1;
    int rc = sqlite3_backup_step(b->copy, pages);
    b->pages = sqlite3_backup_pagecount(b->copy);
    if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        return 0; /* more to copy, or try again on the next step */
    if (rc != SQLITE_DONE) {
        cas_errorf(err, errlen, "The backup failed: %s.", sqlite3_errstr(rc));
        return CAS_ESTORAGE;
    }
    sqlite3_backup_finish(b->copy);
    b->copy = NULL;
    rc = sqlite3_close(b->dest);
    b->dest = NULL;
    if (rc != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot finish the backup %s: %s.", b->partial,
                   sqlite3_errstr(rc));
        return CAS_EIO;
    }
    b->copied = 1;
    return 1;
}

const char *store_backup_partial_path(const struct store_backup *b)
{
    return b->partial;
}

int store_backup_install(struct store_backup *b, char *err, size_t errlen)
{
    if (!b->copied) {
        cas_errorf(err, errlen, "The backup %s is not whole yet.", b->path);
        return CAS_EINVAL;
    }
    if (rename(b->partial, b->path) != 0) {
        cas_errorf(err, errlen, "Cannot finish the backup %s: %s.", b->path, strerror(errno));
        return CAS_EIO;
    }
    sync_parent(b->path);
    b->finished = 1;
    return 0;
}

/* Syncs the copied file (for callers without a thread to do it in). */
static int sync_file(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_RDONLY);
    int rc = fd >= 0 ? fsync(fd) : -1;
    if (fd >= 0)
        close(fd);
    if (rc != 0) {
        cas_errorf(err, errlen, "Cannot write the backup %s to disk: %s.", path, strerror(errno));
        return CAS_EIO;
    }
    return 0;
}

void store_backup_progress(const struct store_backup *b, int64_t *done, int64_t *total)
{
    *total = b->pages;
    *done = b->copied ? b->pages : b->copy != NULL ? b->pages - sqlite3_backup_remaining(b->copy) : 0;
}

void store_backup_free(struct store_backup *b)
{
    if (b == NULL)
        return;
    if (b->copy != NULL)
        sqlite3_backup_finish(b->copy);
    if (b->dest != NULL)
        sqlite3_close(b->dest);
    if (!b->finished && b->partial[0] != '\0')
        unlink(b->partial);
    free(b);
}

int store_copy_file(const char *src, const char *dst, char *err, size_t errlen)
{
    sqlite3 *source = NULL;
    if (sqlite3_open_v2(src, &source, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        cas_errorf(err, errlen, "Cannot open %s: %s.", src,
                   source != NULL ? sqlite3_errmsg(source) : "out of memory");
        sqlite3_close(source);
        return CAS_EIO;
    }
    sqlite3_busy_timeout(source, 5000);
    struct store_backup *b;
    int rc = begin(source, dst, &b, err, errlen);
    while (rc == 0 && (rc = store_backup_step(b, -1, err, errlen)) == 0)
        ;
    if (rc == 1)
        rc = sync_file(store_backup_partial_path(b), err, errlen);
    if (rc == 0)
        rc = store_backup_install(b, err, errlen) == 0 ? 1 : CAS_EIO;
    store_backup_free(b);
    sqlite3_close(source);
    return rc == 1 ? 0 : rc;
}

int store_check_file(const char *path, int *schema, char *err, size_t errlen)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        cas_errorf(err, errlen, "%s: %s.", path,
                   errno != 0 ? strerror(errno) : "not a regular file");
        return CAS_EINVAL;
    }
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        cas_errorf(err, errlen, "%s cannot be opened as a database.", path);
        sqlite3_close(db);
        return CAS_EINVAL;
    }
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(5)", -1, &s, NULL);
    char problem[512] = "";
    int rows = 0;
    while (rc == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (line != NULL && strcmp(line, "ok") != 0 && problem[0] == '\0') {
            /* One line for one sentence: the first finding, its header cut. */
            const char *first = strstr(line, "***\n") != NULL ? strstr(line, "***\n") + 4 : line;
            snprintf(problem, sizeof problem, "%.*s", (int)strcspn(first, "\n"), first);
        }
        rows++;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_OK || rows == 0) {
        cas_errorf(err, errlen, "%s is not a database SQLite can read (%s).", path,
                   sqlite3_errmsg(db));
        sqlite3_close(db);
        return CAS_EINVAL;
    }
    if (problem[0] != '\0') {
        cas_errorf(err, errlen, "%s is damaged: SQLite's integrity check found \"%s\" (and perhaps more).", path,
                   problem);
        sqlite3_close(db);
        return CAS_EINVAL;
    }
    *schema = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        *schema = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    if (*schema < 1) {
        cas_errorf(err, errlen, "%s is a database, but not a Cascade one.", path);
        return CAS_EINVAL;
    }
    if (*schema > STORE_SCHEMA_VERSION) {
        cas_errorf(err, errlen, "%s has schema version %d, newer than this cascaded serves "
                                "(%d); restore it with a newer cascaded.",
                   path, *schema, STORE_SCHEMA_VERSION);
        return CAS_EINVAL;
    }
    return 0;
}
