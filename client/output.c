#include "output.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "errors.h"

int output_json(cJSON *o)
{
    char *text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;
    cJSON_Delete(o);
    if (text == NULL)
        return -1;
    puts(text);
    fflush(stdout);
    free(text);
    return 0;
}

int output_color(void)
{
    /* NO_COLOR (no-color.org) and a terminal that says it is dumb. */
    const char *term = getenv("TERM");
    return isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL &&
           (term == NULL || strcmp(term, "dumb") != 0);
}

static int local_tm(int64_t ms, struct tm *tm)
{
    time_t t = (time_t)(ms / 1000);
    return localtime_r(&t, tm) != NULL ? 0 : -1;
}

void output_date(int64_t ms, char *out, size_t outlen)
{
    struct tm tm;
    if (local_tm(ms, &tm) != 0 || strftime(out, outlen, "%Y-%m-%d", &tm) == 0)
        snprintf(out, outlen, "?");
}

void output_time(int64_t ms, char *out, size_t outlen)
{
    struct tm tm;
    if (local_tm(ms, &tm) != 0 || strftime(out, outlen, "%H:%M:%S", &tm) == 0)
        snprintf(out, outlen, "?");
}

void output_json_text_or_null(cJSON *o, const char *name, const char *s)
{
    if (s == NULL || s[0] == '\0')
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddStringToObject(o, name, s);
}

int table_init(struct table *t, size_t ncols, const char *const *headers)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    return table_add(t, headers);
}

int table_add(struct table *t, const char *const *row)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap == 0 ? 8 : t->cap * 2;
        char **cells = realloc(t->cells, sizeof(char *) * cap * t->ncols);
        if (cells == NULL)
            return CAS_ENOMEM;
        t->cells = cells;
        t->cap = cap;
    }
    char **dst = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        dst[i] = strdup(row[i] != NULL ? row[i] : "");
        if (dst[i] == NULL) {
            while (i > 0)
                free(dst[--i]);
            return CAS_ENOMEM;
        }
    }
    t->nrows++;
    return 0;
}

/* Characters in a UTF-8 string: every byte that does not continue one. */
static size_t text_width(const char *s)
{
    size_t n = 0;
    for (; *s != '\0'; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

void table_print(const struct table *t, FILE *out)
{
    size_t width[16] = {0};
    size_t ncols = t->ncols < 16 ? t->ncols : 16;
    for (size_t r = 0; r < t->nrows; r++)
        for (size_t c = 0; c < ncols; c++) {
            size_t w = text_width(t->cells[r * t->ncols + c]);
            width[c] = w > width[c] ? w : width[c];
        }
    for (size_t r = 0; r < t->nrows; r++) {
        /* Empty cells at the end of a row get no padding: no trailing blanks. */
        size_t last = ncols;
        while (last > 1 && t->cells[r * t->ncols + last - 1][0] == '\0')
            last--;
        for (size_t c = 0; c < last; c++) {
            const char *cell = t->cells[r * t->ncols + c];
            fputs(cell, out);
            if (c + 1 < last)
                fprintf(out, "%*s", (int)(width[c] - text_width(cell) + 2), "");
        }
        fputc('\n', out);
    }
}

void table_free(struct table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}
