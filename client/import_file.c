#include "import_file.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"

static int ends_with(const char *name, const char *suffix)
{
    size_t n = strlen(name), s = strlen(suffix);
    return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

int import_file_parse(const char *name, const char *data, size_t len, struct import_file *f,
                      char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    f->msg = malloc(sizeof *f->msg);
    if (f->msg == NULL) {
        snprintf(err, errlen, "Out of memory while reading %s.", name);
        return -1;
    }
    cascade__v1__workshop_import__init(f->msg);
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (skip < len && strchr(" \t\r\n", data[skip]) != NULL)
        skip++;
    if (skip == len) {
        snprintf(err, errlen,
                 "%s is empty; import takes a JSON export or a CSV with a header row.", name);
        return -1;
    }
    if (ends_with(name, ".json"))
        f->csv = 0;
    else if (ends_with(name, ".csv"))
        f->csv = 1;
    else
        f->csv = data[skip] != '{';
    int rc = f->csv ? import_csv_parse(f, data, len) : import_json_parse(f, data, len);
    if (rc != 0) {
        snprintf(err, errlen, "Out of memory while reading %s.", name);
        return -1;
    }
    return 0;
}

int import_file_read(const char *path, struct import_file *f, char *err, size_t errlen)
{
    memset(f, 0, sizeof *f);
    FILE *in = fopen(path, "rb");
    if (in == NULL) {
        snprintf(err, errlen, "Cannot read %s: %s.", path, strerror(errno));
        return -1;
    }
    char *data = malloc(IMPORT_FILE_MAX + 1);
    size_t len = data != NULL ? fread(data, 1, IMPORT_FILE_MAX + 1, in) : 0;
    int failed = data == NULL || ferror(in);
    int saved = errno;
    fclose(in);
    int rc = -1;
    if (failed)
        snprintf(err, errlen, "Cannot read %s: %s.", path,
                 data == NULL ? "out of memory" : strerror(saved));
    else if (len > IMPORT_FILE_MAX)
        snprintf(err, errlen, "%s is larger than %u MiB, the most one import takes; split it.",
                 path, IMPORT_FILE_MAX >> 20);
    else
        rc = import_file_parse(path, data, len, f, err, errlen);
    free(data);
    return rc;
}

void import_file_free(struct import_file *f)
{
    if (f->msg != NULL)
        cascade__v1__workshop_import__free_unpacked(f->msg, NULL);
    free(f->team_rows);
    free(f->objective_rows);
    free(f->key_result_rows);
    memset(f, 0, sizeof *f);
}

/* The column of a CSV that holds a field of the file's checks. */
static const char *column_of(const char *list, const char *field)
{
    if (strcmp(list, "teams") == 0)
        return "team";
    if (strcmp(list, "objectives") == 0)
        return "objective";
    if (strcmp(field, "title") == 0 || strcmp(field, "id") == 0)
        return "key_result";
    return field;
}

void import_file_describe(const struct import_file *f, const char *list, uint32_t index,
                          const char *field, const char *reason, char *out, size_t outlen)
{
    if (strcmp(list, IMPORT_LIST_ROW) == 0) {
        if (field[0] != '\0')
            snprintf(out, outlen, "row %u, column %s: %s", index, field, reason);
        else
            snprintf(out, outlen, "row %u: %s", index, reason);
    } else if (strcmp(list, IMPORT_LIST_PATH) == 0) {
        snprintf(out, outlen, "%s: %s", field, reason);
    } else if (list[0] == '\0') {
        snprintf(out, outlen, "%s", reason);
    } else if (f->csv) {
        const uint32_t *rows = strcmp(list, "teams") == 0        ? f->team_rows
                               : strcmp(list, "objectives") == 0 ? f->objective_rows
                               : strcmp(list, "key_results") == 0 ? f->key_result_rows
                                                                  : NULL;
        if (rows != NULL)
            snprintf(out, outlen, "row %u, column %s: %s", rows[index], column_of(list, field),
                     reason);
        else
            snprintf(out, outlen, "%s", reason);
    } else {
        snprintf(out, outlen, "%s[%u]%s%s: %s", list, index, field[0] ? "." : "", field, reason);
    }
}

int import_file_set(char **field, const char *text, size_t len)
{
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return -1;
    memcpy(copy, text, len);
    copy[len] = '\0';
    /* The message's default "" is static: only a copy of ours is freed. */
    if (*field != NULL && *field != protobuf_c_empty_string)
        free(*field);
    *field = copy;
    return 0;
}

/* Appends a message of size `size` made by init to a list. */
#define ADD(f, list, cap, type, init)                                                          \
    do {                                                                                       \
        if (ARRAY_GROW((f)->msg->list, (f)->cap, (f)->msg->n_##list + 1) != 0)                 \
            return NULL;                                                                       \
        type *item = malloc(sizeof *item);                                                     \
        if (item == NULL)                                                                      \
            return NULL;                                                                       \
        init(item);                                                                            \
        (f)->msg->list[(f)->msg->n_##list++] = item;                                           \
        return item;                                                                           \
    } while (0)

Cascade__V1__Team *import_file_add_team(struct import_file *f)
{
    ADD(f, teams, cap_teams, Cascade__V1__Team, cascade__v1__team__init);
}
Cascade__V1__Objective *import_file_add_objective(struct import_file *f)
{
    ADD(f, objectives, cap_objectives, Cascade__V1__Objective, cascade__v1__objective__init);
}
Cascade__V1__KeyResult *import_file_add_key_result(struct import_file *f)
{
    ADD(f, key_results, cap_key_results, Cascade__V1__KeyResult, cascade__v1__key_result__init);
}
Cascade__V1__Initiative *import_file_add_initiative(struct import_file *f)
{
    ADD(f, initiatives, cap_initiatives, Cascade__V1__Initiative, cascade__v1__initiative__init);
}
Cascade__V1__Dependency *import_file_add_dependency(struct import_file *f)
{
    ADD(f, dependencies, cap_dependencies, Cascade__V1__Dependency, cascade__v1__dependency__init);
}
Cascade__V1__Comment *import_file_add_comment(struct import_file *f)
{
    ADD(f, comments, cap_comments, Cascade__V1__Comment, cascade__v1__comment__init);
}
