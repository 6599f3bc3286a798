/* Reading a file for cascade import into a WorkshopImport: a JSON export
 * (import_json.c) or a spreadsheet's CSV (import_csv.c). Which one is told
 * by the name (.json, .csv), else by the content (a JSON export starts with
 * '{'). Every problem found while reading is kept with where it is (a CSV's
 * row and column, a JSON path), up to IMPORT_PROBLEMS_MAX; what the file's
 * checks (common/import_check.h) and the server find later is told in the
 * same terms through import_file_describe. */
#ifndef CASCADE_IMPORT_FILE_H
#define CASCADE_IMPORT_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "import_check.h"
#include "wire.h"

/* The largest file an import reads. */
#define IMPORT_FILE_MAX (16u << 20)

/* Where a problem found while reading lies: a CSV's row (index, from 1)
 * and column (field), or a JSON path (field). */
#define IMPORT_LIST_ROW "row"
#define IMPORT_LIST_PATH "path"

struct import_file {
    Cascade__V1__WorkshopImport *msg; /* malloc'd whole; import_file_free frees it */
    int csv;                          /* read as CSV (else JSON) */
    /* A CSV's row each team, objective and key result came from. */
    uint32_t *team_rows, *objective_rows, *key_result_rows;
    size_t cap_team_rows, cap_objective_rows, cap_key_result_rows;
    size_t cap_teams, cap_objectives, cap_key_results, cap_initiatives, cap_dependencies,
        cap_comments;
    struct import_problems problems;
};

/* Reads path into f (initialised here). 0 with f->msg set, possibly with
 * problems in f->problems; or -1 with a sentence in err (the file cannot be
 * read, is empty or too large). Free f with import_file_free either way. */
int import_file_read(const char *path, struct import_file *f, char *err, size_t errlen);

/* The same from bytes in memory; name decides the format as a path would. */
int import_file_parse(const char *name, const char *data, size_t len, struct import_file *f,
                      char *err, size_t errlen);

void import_file_free(struct import_file *f);

/* One problem as a person reads it: "row 7, column target: REASON",
 * "objectives[3].title: REASON", or the reason alone for the whole file. */
void import_file_describe(const struct import_file *f, const char *list, uint32_t index,
                          const char *field, const char *reason, char *out, size_t outlen);

/* For the readers: a new entity at the end of its list (its strings "",
 * numbers 0), or NULL when out of memory. */
Cascade__V1__Team *import_file_add_team(struct import_file *f);
Cascade__V1__Objective *import_file_add_objective(struct import_file *f);
Cascade__V1__KeyResult *import_file_add_key_result(struct import_file *f);
Cascade__V1__Initiative *import_file_add_initiative(struct import_file *f);
Cascade__V1__Dependency *import_file_add_dependency(struct import_file *f);
Cascade__V1__Comment *import_file_add_comment(struct import_file *f);

/* Sets *field to a malloc'd copy of text (len bytes). 0 or -1 (out of memory). */
int import_file_set(char **field, const char *text, size_t len);

/* The readers, for import_file_parse. 0, or -1 when out of memory. */
int import_csv_parse(struct import_file *f, const char *data, size_t len);
int import_json_parse(struct import_file *f, const char *data, size_t len);

#endif
