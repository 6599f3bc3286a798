#include "templates_dir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"

#define SUFFIX ".template"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads at most TEMPLATE_MAX_BYTES + 1 bytes of a regular file into buf,
 * so that a larger one shows as too large without being read whole. */
static int read_file(const char *path, char *buf, size_t *len, char *why, size_t whylen)
{
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        cas_errorf(why, whylen, "cannot be read: %s.", strerror(errno));
        return CAS_EIO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        cas_errorf(why, whylen, "is not a regular file.");
        return CAS_EIO;
    }
    size_t got = 0;
    while (got < TEMPLATE_MAX_BYTES + 1) {
        ssize_t n = read(fd, buf + got, TEMPLATE_MAX_BYTES + 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(fd);
            cas_errorf(why, whylen, "cannot be read: %s.", strerror(errno));
            return CAS_EIO;
        }
        if (n == 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    *len = got;
    return 0;
}

static int add_builtins(struct template_set *s, const struct okr_limits *limits)
{
    for (size_t i = 0; i < TEMPLATE_BUILTIN_COUNT; i++) {
        struct template_entry *e = &s->items[s->n++];
        const char *text = template_builtin_text(i);
        snprintf(e->name, sizeof e->name, "%s", template_builtin_name(i));
        /* Built-ins are checked by the unit tests; a failure here can only be memory,
         * or limits an operator set below their texts. */
        if (template_parse(e->name, e->name, text, strlen(text), limits, &e->t, e->problem,
                           sizeof e->problem) != 0 && e->problem[0] == '\0')
            return CAS_ENOMEM;
        e->t.builtin = 1;
    }
    return 0;
}

/* The file names of dir ending in SUFFIX, sorted, at most
 * TEMPLATES_MAX_FILES; *names NULL when there are none. */
static int list_files(const char *dir, char ***names, size_t *n)
{
    *names = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0; /* no directory, no templates of the administrator's */
    char **list = calloc(TEMPLATES_MAX_FILES, sizeof *list);
    if (list == NULL) {
        closedir(d);
        return CAS_ENOMEM;
    }
    struct dirent *de;
    size_t slen = strlen(SUFFIX);
    while (*n < TEMPLATES_MAX_FILES && (de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        if (len <= slen || strcmp(de->d_name + len - slen, SUFFIX) != 0 || de->d_name[0] == '.')
            continue;
        if ((list[*n] = strdup(de->d_name)) == NULL)
            break;
        (*n)++;
    }
    closedir(d);
    qsort(list, *n, sizeof *list, by_name);
    *names = list;
    return 0;
}

int templates_read(const char *dir, const struct okr_limits *limits, struct template_set *out)
{
    memset(out, 0, sizeof *out);
    char **files = NULL;
    size_t nfiles = 0;
    char *buf = NULL;
    int rc = list_files(dir, &files, &nfiles);
    if (rc == 0) {
        out->items = calloc(TEMPLATE_BUILTIN_COUNT + nfiles, sizeof *out->items);
        buf = malloc(TEMPLATE_MAX_BYTES + 1);
        rc = out->items != NULL && buf != NULL ? add_builtins(out, limits) : CAS_ENOMEM;
    }
    for (size_t i = 0; rc == 0 && i < nfiles; i++) {
        struct template_entry *e = &out->items[out->n++];
        char name[256], path[4352], why[300];
        size_t len = 0;
        snprintf(name, sizeof name, "%.*s", (int)(strlen(files[i]) - strlen(SUFFIX)), files[i]);
        snprintf(e->name, sizeof e->name, "%.*s", TEMPLATE_NAME_MAX, name);
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        if (templates_find(&(struct template_set){out->items, out->n - 1}, name) != NULL) {
            cas_errorf(e->problem, sizeof e->problem,
                       "%s: another template has the name '%s'; rename the file.", files[i], name);
            continue;
        }
        if (read_file(path, buf, &len, why, sizeof why) != 0) {
            cas_errorf(e->problem, sizeof e->problem, "%s %s", files[i], why);
            continue;
        }
        if (template_parse(name, files[i], buf, len, limits, &e->t, e->problem,
                           sizeof e->problem) != 0 && e->problem[0] == '\0')
            rc = CAS_ENOMEM;
    }
    for (size_t i = 0; i < nfiles; i++)
        free(files[i]);
    free(files);
    free(buf);
    if (rc != 0)
        templates_free(out);
    return rc;
}

void templates_free(struct template_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->items[i].problem[0] == '\0')
            template_free(&s->items[i].t);
    free(s->items);
    memset(s, 0, sizeof *s);
}

const struct template_entry *templates_find(const struct template_set *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i].name, name) == 0)
            return &s->items[i];
    return NULL;
}
