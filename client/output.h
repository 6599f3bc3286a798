/* Writing results to stdout: JSON objects one per line, aligned tables for
 * people, dates and times in local time, and whether colour is wanted. */
#ifndef CASCADE_OUTPUT_H
#define CASCADE_OUTPUT_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Prints o on one line of stdout, flushes, and frees o. Returns 0, or -1 when
 * the JSON could not be built (out of memory; nothing printed). */
int output_json(cJSON *o);

/* 1 when stdout is a terminal and NO_COLOR is not set. */
int output_color(void);

/* "2026-11-23" and "12:04:59", local time, from Unix milliseconds. */
void output_date(int64_t ms, char *out, size_t outlen);
void output_time(int64_t ms, char *out, size_t outlen);

/* Adds s to o as a string, or as null when s is NULL or empty. */
void output_json_text_or_null(cJSON *o, const char *name, const char *s);

/* A table of text cells printed with aligned columns (widths in characters,
 * not bytes) under a header row. The table owns copies of its cells. */
struct table {
    size_t ncols, nrows, cap;
    char **cells; /* row-major, nrows * ncols, row 0 the header */
};

/* Starts a table with ncols columns named by headers. 0 or CAS_ENOMEM. */
int table_init(struct table *t, size_t ncols, const char *const *headers);

/* Appends a row of ncols cells (NULL prints as empty). 0 or CAS_ENOMEM. */
int table_add(struct table *t, const char *const *row);

/* Prints the table: columns two spaces apart, no blanks at the end of a line. */
void table_print(const struct table *t, FILE *out);

void table_free(struct table *t);

#endif
