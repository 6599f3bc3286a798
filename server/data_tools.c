/* cascaded backup and cascaded restore (data_tools.h). */
#include "data_tools.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

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

int data_tool_main(int argc, char **argv)
{
    const char *dir, *file;
    if (parse(argc, argv, &dir, &file) != 0)
        return usage(strcmp(argv[0], "backup") == 0 ? "backup takes [--data DIR] and OUT."
                                                     : "restore takes [--data DIR] and FILE.");
    return strcmp(argv[0], "backup") == 0 ? backup(dir, file) : restore(dir, file);
}
