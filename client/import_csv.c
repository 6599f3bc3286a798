/* A spreadsheet's CSV, read with libcsv, into a WorkshopImport. The first
 * row names the columns (any order, any case; spaces and dashes read as
 * underscores): team, objective and key_result are needed; start,
 * current, target, unit, owner, weight, confidence may be there; score is
 * read past (the server works it out). A team is a path of names from the
 * root, "Company/Sales/EMEA"; each new path makes its teams. An empty team
 * cell means the team of the row above; an empty objective cell under the
 * same team, the objective of the row above; so merged cells read as
 * spreadsheets show them. A row with no key result names an objective (or
 * a team) alone. A key result with neither start nor target is a milestone
 * (current: "done" or empty); otherwise both are needed, and current
 * defaults to start. Numbers use a dot for decimals; a confidence may be
 * written 0.7 or 70%. A line break inside a cell reads as a space. */
#include <csv.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "array.h"
#include "import_file.h"
#include "suggest.h"

enum column {
    COL_TEAM,
    COL_OBJECTIVE,
    COL_KEY_RESULT,
    COL_START,
    COL_CURRENT,
    COL_TARGET,
    COL_UNIT,
    COL_OWNER,
    COL_WEIGHT,
    COL_SCORE,
    COL_CONFIDENCE,
    NCOLUMNS
};

static const char *const COLUMN_NAMES[NCOLUMNS] = {
    "team", "objective", "key_result", "start", "current", "target",
    "unit", "owner",     "weight",     "score", "confidence",
};

/* The confidence of a key result whose row gives none, as a new one gets. */
#define CSV_CONFIDENCE_DEFAULT 0.5

/* An open-addressing index of names under an owner: a team's name under
 * its parent, an objective's title under its team. Slots hold a position
 * in the message's list plus one (0: empty). */
struct names {
    size_t *slots;
    size_t cap, n;
};

static uint64_t name_hash(long owner, const char *text, size_t len)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (size_t i = 0; i < sizeof owner; i++)
        h = (h ^ (uint8_t)((unsigned long)owner >> (8 * i))) * 1099511628211ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (uint8_t)text[i]) * 1099511628211ull;
    return h;
}

static void names_free(struct names *t)
{
    free(t->slots);
    memset(t, 0, sizeof *t);
}

struct reader {
    struct import_file *f;
    char **cells;
    size_t ncells, cap_cells;
    uint32_t row; /* the record being read, from 1 (the header) */
    int header_done;
    int header_bad;
    int col[NCOLUMNS]; /* the cell index of each column, -1 when absent */
    long prev_team, prev_objective; /* the row above's, -1 for none */
    int prev_bad; /* the row above was refused: what an empty cell means is unknown */
    int failed; /* out of memory */
    /* Each team's parent and each objective's team (positions, -1 none),
     * and the names under each, hashed: a long sheet reads in linear time. */
    long *team_parent, *objective_team;
    size_t cap_team_parent, cap_objective_team;
    struct names teams, objectives;
};

static void problem(struct reader *r, const char *column, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(struct reader *r, const char *column, const char *fmt, ...)
{
    char reason[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reason, sizeof reason, fmt, ap);
    va_end(ap);
    import_problem_add(&r->f->problems, IMPORT_LIST_ROW, r->row, column, "%s", reason);
}

static void on_cell(void *s, size_t len, void *data)
{
    struct reader *r = data;
    if (r->failed)
        return;
    if (ARRAY_GROW(r->cells, r->cap_cells, r->ncells + 1) != 0) {
        r->failed = 1;
        return;
    }
    char *cell = malloc(len + 1);
    if (cell == NULL) {
        r->failed = 1;
        return;
    }
    if (len > 0)
        memcpy(cell, s, len);
    cell[len] = '\0';
    r->cells[r->ncells++] = cell;
}

static const char *cell(const struct reader *r, enum column c)
{
    int i = r->col[c];
    return i >= 0 && (size_t)i < r->ncells ? r->cells[i] : "";
}

/* The position of the team named text (len bytes) under parent (-1: a
 * root), or of the objective titled text under team parent; -1 for none. */
static long names_find(const struct reader *r, const struct names *t, int teams, long owner,
                       const char *text, size_t len)
{
    if (t->cap == 0)
        return -1;
    for (size_t i = name_hash(owner, text, len) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (t->slots[i] == 0)
            return -1;
        size_t at = t->slots[i] - 1;
        const char *name = teams ? r->f->msg->teams[at]->name : r->f->msg->objectives[at]->title;
        long of = teams ? r->team_parent[at] : r->objective_team[at];
        if (of == owner && strlen(name) == len && memcmp(name, text, len) == 0)
            return (long)at;
    }
}

/* Adds position at (whose name is text, under owner); 0 or -1. */
static int names_add(const struct reader *r, struct names *t, int teams, long owner,
                     const char *text, size_t len, size_t at)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        size_t *slots = calloc(cap, sizeof *slots);
        if (slots == NULL)
            return -1;
        for (size_t i = 0; i < t->cap; i++) {
            if (t->slots[i] == 0)
                continue;
            size_t e = t->slots[i] - 1;
            const char *name = teams ? r->f->msg->teams[e]->name : r->f->msg->objectives[e]->title;
            long of = teams ? r->team_parent[e] : r->objective_team[e];
            size_t j = name_hash(of, name, strlen(name)) & (cap - 1);
            while (slots[j] != 0)
                j = (j + 1) & (cap - 1);
            slots[j] = e + 1;
        }
        free(t->slots);
        t->slots = slots;
        t->cap = cap;
    }
    size_t j = name_hash(owner, text, len) & (t->cap - 1);
    while (t->slots[j] != 0)
        j = (j + 1) & (t->cap - 1);
    t->slots[j] = at + 1;
    t->n++;
    return 0;
}

/* A header's word as a column name: lower case, spaces and dashes as
 * underscores, a few other names people give them. */
static void column_key(const char *text, char *out, size_t outlen)
{
    size_t n = 0;
    for (const char *p = text; *p != '\0' && n + 1 < outlen; p++)
        out[n++] = (*p == ' ' || *p == '-') ? '_' : (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
    out[n] = '\0';
    static const char *const ALIASES[][2] = {
        {"kr", "key_result"},        {"keyresult", "key_result"}, {"team_path", "team"},
        {"key_results", "key_result"}, {"objectives", "objective"}, {"teams", "team"},
    };
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (strcmp(out, ALIASES[i][0]) == 0)
            snprintf(out, outlen, "%s", ALIASES[i][1]);
}

static void read_header(struct reader *r)
{
    for (int c = 0; c < NCOLUMNS; c++)
        r->col[c] = -1;
    for (size_t i = 0; i < r->ncells; i++) {
        char key[64];
        column_key(r->cells[i], key, sizeof key);
        int found = -1;
        for (int c = 0; c < NCOLUMNS; c++)
            if (strcmp(key, COLUMN_NAMES[c]) == 0)
                found = c;
        char quoted[64];
        okr_text_quote(r->cells[i], 24, quoted, sizeof quoted);
        if (found < 0 && key[0] == '\0')
            continue; /* an empty heading: a column left blank */
        if (found < 0) {
            const char *near = suggest_closest(key, COLUMN_NAMES, NCOLUMNS);
            if (near != NULL)
                problem(r, "", "'%s' is not a column import knows; did you mean '%s'?",
                        quoted, near);
            else
                problem(r, "", "'%s' is not a column import knows (team, objective, "
                        "key_result, start, current, target, unit, owner, weight, score, "
                        "confidence).", quoted);
            r->header_bad = 1;
        } else if (r->col[found] >= 0) {
            problem(r, "", "The header names column %s twice.", COLUMN_NAMES[found]);
            r->header_bad = 1;
        } else {
            r->col[found] = (int)i;
        }
    }
    for (int c = COL_TEAM; c <= COL_KEY_RESULT; c++)
        if (r->col[c] < 0) {
            problem(r, "", "The header has no column '%s'; the first row must name the columns, "
                    "at least team, objective and key_result.", COLUMN_NAMES[c]);
            r->header_bad = 1;
        }
}

/* Whether text is valid UTF-8; *at the byte offset of the first bad one. */
static int utf8_ok(const char *text, size_t *at)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0;
    while (p[i] != '\0') {
        unsigned char c = p[i];
        size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                : (c & 0xF8) == 0xF0 ? 4 : 0;
        if (n == 0 || (n == 2 && c < 0xC2) || (n == 4 && c > 0xF4)) {
            *at = i;
            return 0;
        }
        for (size_t k = 1; k < n; k++)
            if ((p[i + k] & 0xC0) != 0x80) {
                *at = i;
                return 0;
            }
        if ((n == 3 && c == 0xE0 && p[i + 1] < 0xA0) || (n == 3 && c == 0xED && p[i + 1] >= 0xA0) ||
            (n == 4 && c == 0xF0 && p[i + 1] < 0x90) || (n == 4 && c == 0xF4 && p[i + 1] >= 0x90)) {
            *at = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

/* A cell's line breaks as single spaces: a title, a unit or a name is one
 * line, though a spreadsheet's cell may wrap. */
static void fold_lines(char *text)
{
    char *w = text;
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '\r' || *p == '\n') {
            if (w > text && w[-1] != ' ')
                *w++ = ' ';
            continue;
        }
        *w++ = *p;
    }
    while (w > text && w[-1] == ' ')
        w--;
    *w = '\0';
}

/* Reads a number cell; 0, or -1 with the problem told. */
static int number(struct reader *r, enum column c, double *out)
{
    const char *text = cell(r, c);
    char quoted[64];
    okr_text_quote(text, 24, quoted, sizeof quoted);
    char *end;
    double v = strtod(text, &end);
    if (end != text && *end == '\0' && isfinite(v)) {
        *out = v;
        return 0;
    }
    if (end != text && *end == '\0') {
        problem(r, COLUMN_NAMES[c], "'%s' is not a finite number.", quoted);
        return -1;
    }
    if (strchr(text, ',') != NULL && strlen(text) < 64) {
        char dotted[64];
        snprintf(dotted, sizeof dotted, "%s", text);
        for (char *p = dotted; *p != '\0'; p++)
            if (*p == ',')
                *p = '.';
        strtod(dotted, &end);
        if (end != dotted && *end == '\0') {
            problem(r, COLUMN_NAMES[c], "'%s' is not a number (use a dot for decimals).", quoted);
            return -1;
        }
    }
    problem(r, COLUMN_NAMES[c], "'%s' is not a number.", quoted);
    return -1;
}

/* The team of path "A/B/C", made (with its parents) when new; -1 after a
 * problem is told. */
static long team_for_path(struct reader *r, const char *path)
{
    struct import_file *f = r->f;
    long parent = -1;
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash != NULL ? (size_t)(slash - p) : strlen(p);
        while (len > 0 && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len == 0) {
            problem(r, "team", "The team path has an empty name; write it like "
                    "Company/Sales/EMEA.");
            return -1;
        }
        long found = names_find(r, &r->teams, 1, parent, p, len);
        if (found < 0) {
            char parent_id[16] = "";
            if (parent >= 0)
                snprintf(parent_id, sizeof parent_id, "%s", f->msg->teams[parent]->id);
            size_t n = f->msg->n_teams;
            Cascade__V1__Team *t = import_file_add_team(f);
            char id[16];
            snprintf(id, sizeof id, "T%zu", n + 1);
            if (t == NULL || ARRAY_GROW(f->team_rows, f->cap_team_rows, n + 1) != 0 ||
                ARRAY_GROW(r->team_parent, r->cap_team_parent, n + 1) != 0 ||
                import_file_set(&t->id, id, strlen(id)) != 0 ||
                import_file_set(&t->name, p, len) != 0 ||
                import_file_set(&t->parent, parent_id, strlen(parent_id)) != 0) {
                r->failed = 1;
                return -1;
            }
            f->team_rows[n] = r->row;
            r->team_parent[n] = parent;
            if (names_add(r, &r->teams, 1, parent, p, len, n) != 0) {
                r->failed = 1;
                return -1;
            }
            found = (long)n;
        }
        parent = found;
        if (slash == NULL)
            return parent;
        p = slash + 1;
    }
}

static long objective_for(struct reader *r, long team, const char *title)
{
    struct import_file *f = r->f;
    const char *team_id = f->msg->teams[team]->id;
    long found = names_find(r, &r->objectives, 0, team, title, strlen(title));
    if (found >= 0)
        return found;
    size_t n = f->msg->n_objectives;
    Cascade__V1__Objective *o = import_file_add_objective(f);
    char id[16];
    snprintf(id, sizeof id, "O%zu", n + 1);
    if (o == NULL || ARRAY_GROW(f->objective_rows, f->cap_objective_rows, n + 1) != 0 ||
        ARRAY_GROW(r->objective_team, r->cap_objective_team, n + 1) != 0 ||
        import_file_set(&o->id, id, strlen(id)) != 0 ||
        import_file_set(&o->team, team_id, strlen(team_id)) != 0 ||
        import_file_set(&o->title, title, strlen(title)) != 0) {
        r->failed = 1;
        return -1;
    }
    f->objective_rows[n] = r->row;
    r->objective_team[n] = team;
    if (names_add(r, &r->objectives, 0, team, title, strlen(title), n) != 0) {
        r->failed = 1;
        return -1;
    }
    return (long)n;
}

/* A milestone's current cell: done or not. 0, or -1 with the problem told. */
static int milestone_done(struct reader *r, int *done)
{
    static const char *const YES[] = {"done", "yes", "1", "true", "x"};
    static const char *const NO[] = {"", "not done", "no", "0", "false"};
    const char *text = cell(r, COL_CURRENT);
    for (size_t i = 0; i < sizeof YES / sizeof YES[0]; i++)
        if (strcasecmp(text, YES[i]) == 0)
            return *done = 1, 0;
    for (size_t i = 0; i < sizeof NO / sizeof NO[0]; i++)
        if (strcasecmp(text, NO[i]) == 0)
            return *done = 0, 0;
    char quoted[64];
    okr_text_quote(text, 24, quoted, sizeof quoted);
    problem(r, "current", "'%s' is not done or empty; a key result with neither start nor "
            "target is a milestone, done or not.", quoted);
    return -1;
}

static void read_key_result(struct reader *r, long objective)
{
    struct import_file *f = r->f;
    int bad = 0, done = 0;
    double start = 0, target = 0, current = 0, weight = 0, confidence = CSV_CONFIDENCE_DEFAULT;
    int has_start = cell(r, COL_START)[0] != '\0', has_target = cell(r, COL_TARGET)[0] != '\0';
    int milestone = !has_start && !has_target;
    if (milestone) {
        target = 1; /* as kr add --milestone makes one */
        bad |= milestone_done(r, &done) != 0;
    } else {
        if (!has_start || !has_target)
            problem(r, has_start ? "target" : "start", "A metric key result needs both start "
                    "and target; leave both empty for a milestone.");
        bad |= !has_start || !has_target;
        bad |= has_start && number(r, COL_START, &start) != 0;
        bad |= has_target && number(r, COL_TARGET, &target) != 0;
        current = start;
        bad |= cell(r, COL_CURRENT)[0] != '\0' && number(r, COL_CURRENT, &current) != 0;
    }
    int has_weight = cell(r, COL_WEIGHT)[0] != '\0';
    bad |= has_weight && number(r, COL_WEIGHT, &weight) != 0;
    const char *conf = cell(r, COL_CONFIDENCE);
    size_t clen = strlen(conf);
    int conf_bad = 0;
    if (clen > 0 && conf[clen - 1] == '%' && clen < 32) {
        char *end;
        double v = strtod(conf, &end);
        if (end == conf + clen - 1 && isfinite(v))
            confidence = v / 100;
        else
            conf_bad = number(r, COL_CONFIDENCE, &confidence) != 0;
    } else if (clen > 0) {
        conf_bad = number(r, COL_CONFIDENCE, &confidence) != 0;
    }
    if (clen > 0 && !conf_bad && (confidence < 0 || confidence > 1)) {
        problem(r, "confidence", "The confidence must be from 0 to 1 (or 0%% to 100%%), not %g.",
                confidence);
        conf_bad = 1;
    }
    bad |= conf_bad;
    if (bad)
        return;
    size_t n = f->msg->n_key_results;
    Cascade__V1__KeyResult *k = import_file_add_key_result(f);
    char id[16];
    snprintf(id, sizeof id, "K%zu", n + 1);
    const char *title = cell(r, COL_KEY_RESULT), *unit = cell(r, COL_UNIT);
    const char *owner = cell(r, COL_OWNER), *obj = f->msg->objectives[objective]->id;
    if (k == NULL || ARRAY_GROW(f->key_result_rows, f->cap_key_result_rows, n + 1) != 0 ||
        import_file_set(&k->id, id, strlen(id)) != 0 ||
        import_file_set(&k->objective, obj, strlen(obj)) != 0 ||
        import_file_set(&k->title, title, strlen(title)) != 0 ||
        import_file_set(&k->unit, unit, strlen(unit)) != 0 ||
        import_file_set(&k->owner, owner, strlen(owner)) != 0) {
        r->failed = 1;
        return;
    }
    f->key_result_rows[n] = r->row;
    k->milestone = milestone;
    k->done = done;
    k->start = start;
    k->target = target;
    k->current = current;
    k->confidence = confidence;
    k->has_weight = has_weight;
    k->weight = weight;
}

static void read_row(struct reader *r)
{
    int empty = 1;
    for (size_t i = 0; i < r->ncells; i++) {
        size_t at;
        if (!utf8_ok(r->cells[i], &at)) {
            const char *name = "";
            for (int c = 0; c < NCOLUMNS; c++)
                if (r->col[c] == (int)i)
                    name = COLUMN_NAMES[c];
            problem(r, name[0] ? name : "?", "The cell is not valid UTF-8 (at byte %zu); save "
                    "the file as UTF-8.", at + 1);
            r->prev_team = r->prev_objective = -1;
            r->prev_bad = 1;
            return;
        }
        empty &= r->cells[i][0] == '\0';
        fold_lines(r->cells[i]);
    }
    if (empty)
        return;
    const char *team_cell = cell(r, COL_TEAM), *obj_cell = cell(r, COL_OBJECTIVE);
    long team = r->prev_team;
    if (team_cell[0] != '\0')
        team = team_for_path(r, team_cell);
    else if (team < 0 && !r->prev_bad)
        problem(r, "team", "The first row names no team; give the team's path, like "
                "Company/Sales.");
    if (team < 0) {
        /* Rows under a refused one are refused with it, not each again. */
        r->prev_bad = 1;
        r->prev_team = r->prev_objective = -1;
        return;
    }
    r->prev_bad = 0;
    long objective = -1;
    if (obj_cell[0] != '\0')
        objective = objective_for(r, team, obj_cell);
    else if (team == r->prev_team)
        objective = r->prev_objective;
    r->prev_team = team;
    r->prev_objective = objective;
    if (r->failed)
        return;
    if (cell(r, COL_KEY_RESULT)[0] != '\0') {
        if (objective < 0)
            problem(r, "objective", "A key result needs an objective; name it (an empty cell "
                    "means the objective of the row above, under the same team).");
        else
            read_key_result(r, objective);
        return;
    }
    static const enum column FIGURES[] = {COL_START, COL_CURRENT, COL_TARGET, COL_UNIT,
                                          COL_OWNER, COL_WEIGHT,  COL_CONFIDENCE};
    for (size_t i = 0; i < sizeof FIGURES / sizeof FIGURES[0]; i++)
        if (cell(r, FIGURES[i])[0] != '\0') {
            problem(r, "key_result", "The row has a %s but no key result; name the key result.",
                    COLUMN_NAMES[FIGURES[i]]);
            return;
        }
}

static void on_row(int term, void *data)
{
    (void)term;
    struct reader *r = data;
    r->row++;
    if (!r->failed) {
        if (!r->header_done) {
            read_header(r);
            r->header_done = 1;
        } else if (!r->header_bad) {
            read_row(r);
        }
    }
    for (size_t i = 0; i < r->ncells; i++)
        free(r->cells[i]);
    r->ncells = 0;
}

int import_csv_parse(struct import_file *f, const char *data, size_t len)
{
    struct reader r = {.f = f, .prev_team = -1, .prev_objective = -1};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return -1;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    size_t done = csv_parse(&p, data, len, on_cell, on_row, &r);
    int bad = done != len;
    if (!bad && csv_fini(&p, on_cell, on_row, &r) != 0)
        bad = 1;
    if (bad && !r.failed) {
        r.row++;
        problem(&r, "", "The CSV is malformed here (%s); a quoted cell must end with a quote, "
                "and a quote inside one is written twice.", csv_strerror(csv_error(&p)));
    }
    csv_free(&p);
    for (size_t i = 0; i < r.ncells; i++)
        free(r.cells[i]);
    free(r.cells);
    free(r.team_parent);
    free(r.objective_team);
    names_free(&r.teams);
    names_free(&r.objectives);
    if (!r.failed && r.header_done && !r.header_bad && import_entity_count(f->msg) == 0 &&
        f->problems.n == 0)
        import_problem_add(&f->problems, "", 0, "", "The CSV has a header but no rows.");
    return r.failed ? -1 : 0;
}
