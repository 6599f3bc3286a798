/* Copies of the database: an online backup through SQLite's backup API, a
 * few pages per step so that the server's loop never waits long for it,
 * and the offline copy and check `cascaded backup` and `cascaded restore`
 * use. A copy is written to PATH.partial and renamed to PATH only when
 * whole, so a PATH that exists is a whole copy. */
#ifndef CASCADE_STORE_BACKUP_H
#define CASCADE_STORE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_backup;

/* Starts copying st's database into a new file at path. CAS_EEXIST when
 * path (or path.partial) exists, CAS_EIO when it cannot be made; err says
 * which in a sentence. */
int store_backup_begin(struct store *st, const char *path, struct store_backup **out,
                       char *err, size_t errlen);

/* Copies up to pages more pages. Returns 1 when every page is in the
 * partial file (not yet synced), 0 when pages remain, or a negative CAS_E*
 * with err (the partial file is then removed by store_backup_free).
 * Changes the server makes meanwhile through the same connection go into
 * the copy too. */
int store_backup_step(struct store_backup *b, int pages, char *err, size_t errlen);

/* The partial file, for the caller to fsync once the copy is whole (the
 * server does it on a worker thread: a large file's sync would hold up the
 * loop). */
const char *store_backup_partial_path(const struct store_backup *b);

/* Names the whole, synced copy PATH and syncs its directory. 0, or a
 * negative CAS_E* with err. */
int store_backup_install(struct store_backup *b, char *err, size_t errlen);

/* Pages copied so far and in all (both 0 before the first step). */
void store_backup_progress(const struct store_backup *b, int64_t *done, int64_t *total);

/* Ends a backup, finished or not; an unfinished copy is removed. */
void store_backup_free(struct store_backup *b);

/* Offline: copies the database at src (opened read-only) into a new file
 * dst whole, as above. 0, or a negative CAS_E* with err. */
int store_copy_file(const char *src, const char *dst, char *err, size_t errlen);

/* Checks that path holds a Cascade database this build can serve: SQLite's
 * integrity_check finds nothing, and its schema version is from 1 to
 * STORE_SCHEMA_VERSION (into *schema). 0, or CAS_EINVAL with err naming
 * what is wrong. */
int store_check_file(const char *path, int *schema, char *err, size_t errlen);

#endif
