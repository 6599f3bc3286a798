/* cascaded backup, restore and migrate (data_tools.h). */
#include "data_tools.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "store.h"
#include "store_backup.h"

static int usage(const char *problem)
{
    fprintf(stderr, "cascaded: %s\nRun 'cascaded --help' for the usage.\n", problem);
    return 2;
}

/* Takes "--data DIR" and one file name, in any order. */
static int parse(int argc, char **argv, const char **dir, const char **file)
{
    *dir = "./cascade-data";
    *file = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--data") == 0 && i + 1 < argc)
            *dir = argv[++i];
        else if (strncmp(argv[i], "--data=", 7) == 0)
            *dir = argv[i] + 7;
        else if (argv[i][0] == '-' || *file != NULL)
            return -1;
        else
            *file = argv[i];
    }
    return *file != NULL ? 0 : -1;
}

static int backup(const char *dir, const char *out)
{
    char db[PATH_MAX], err[1024];
    snprintf(db, sizeof db, "%s/cascade.db", dir);
    struct stat sb;
    if (stat(db, &sb) != 0) {
        fprintf(stderr, "cascaded: %s has no database (%s: %s).\n", dir, db, strerror(errno));
        return 1;
    }
    int schema;
    if (store_copy_file(db, out, err, sizeof err) != 0 ||
        store_check_file(out, &schema, err, sizeof err) != 0) {
        fprintf(stderr, "cascaded: %s\n", err);
        return 1;
    }
    printf("Backed up %s (schema %d) to %s.\n", db, schema, out);
    return 0;
}

static int restore(const char *dir, const char *file)
{
    char db[PATH_MAX], err[1024];
    int schema;
    if (store_check_file(file, &schema, err, sizeof err) != 0) {
        fprintf(stderr, "cascaded: %s Nothing was restored.\n", err);
        return 1;
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "cascaded: cannot make the data directory %s: %s.\n", dir,
                strerror(errno));
        return 1;
    }
    snprintf(db, sizeof db, "%s/cascade.db", dir);
    struct stat sb;
    if (stat(db, &sb) == 0) {
        fprintf(stderr, "cascaded: %s already holds a database; restore into a new data "
                        "directory, or move %s away first.\n", dir, db);
        return 1;
    }
    if (store_copy_file(file, db, err, sizeof err) != 0) {
        fprintf(stderr, "cascaded: %s\n", err);
        return 1;
    }
    printf("Restored %s (schema %d) into %s; start it with 'cascaded --data %s'.\n", file,
           schema, db, dir);
    return 0;
}

/* cascaded migrate --from DIR --to postgresql://...: the data directory's
 * database copied whole into an empty PostgreSQL database, which the
 * migration first gives the schema (as a node starting on it would). */
static int migrate(int argc, char **argv)
{
    const char *dir = NULL, *url = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
            dir = argv[++i];
        else if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
            url = argv[++i];
        else
            return usage("migrate takes --from DIR --to postgresql://USER:PASSWORD@HOST:PORT/DB.");
    }
    if (dir == NULL || url == NULL)
        return usage("migrate takes --from DIR --to postgresql://USER:PASSWORD@HOST:PORT/DB.");
    if (!store_is_url(url))
        return usage("migrate --to takes a postgresql:// URL.");
    char db[PATH_MAX], err[1024], shown[512];
    store_url_redact(url, shown, sizeof shown);
    snprintf(db, sizeof db, "%s/cascade.db", dir);
    struct stat sb;
    if (stat(db, &sb) != 0) {
        fprintf(stderr, "cascaded: %s has no database (%s: %s); nothing was migrated.\n", dir, db,
                strerror(errno));
        return 1;
    }
    struct store *from = NULL, *to = NULL;
    int64_t started = clock_now_ms(), tables = 0, rows = 0;
    int rc = store_open(&from, db, STORE_SYNC_FULL, err, sizeof err);
    if (rc == 0)
        rc = store_open(&to, url, STORE_SYNC_FULL, err, sizeof err);
    if (rc == 0)
        rc = store_migrate(from, to, &tables, &rows, err, sizeof err);
    store_close(from);
    store_close(to);
    if (rc != 0) {
        fprintf(stderr, "cascaded: %s Nothing was migrated.\n", err);
        return 1;
    }
    printf("Migrated %lld rows of %lld tables from %s to %s in %lld ms; start the nodes with"
           " --store and that URL.\n",
           (long long)rows, (long long)tables, db, shown, (long long)(clock_now_ms() - started));
    return 0;
}

int data_tool_main(int argc, char **argv)
{
    if (strcmp(argv[0], "migrate") == 0)
        return migrate(argc, argv);
    const char *dir, *file;
    if (parse(argc, argv, &dir, &file) != 0)
        return usage(strcmp(argv[0], "backup") == 0 ? "backup takes [--data DIR] and OUT."
                                                     : "restore takes [--data DIR] and FILE.");
    return strcmp(argv[0], "backup") == 0 ? backup(dir, file) : restore(dir, file);
}
