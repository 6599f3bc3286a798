/* The checks of an import (cascade import) that need nothing but the file:
 * the client runs them before it sends a WorkshopImport, and the server runs
 * them again before anything else, since a client may be anyone. Each
 * entity names the others by the file's own ids ("T1", "O3"): every id must
 * be well formed and unique in its list, every reference must name an entity
 * of the file, teams and objectives must not refer to themselves in a loop,
 * texts must pass the text limits, numbers must be finite and in range.
 * Pure: no I/O. */
#ifndef CASCADE_IMPORT_CHECK_H
#define CASCADE_IMPORT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "okr.h"
#include "wire.h"

/* At most this many problems are told; past it, the import says there were
 * more. */
#define IMPORT_PROBLEMS_MAX 50

/* At most this many entities of each list are taken in one import, whatever
 * the frame would carry. */
#define IMPORT_LIST_MAX 100000

/* One problem: the list ("teams", ...; "" for the whole import), the
 * entity's position in it (from 0), the field, and why, as a sentence. */
struct import_problem {
    const char *list; /* static */
    uint32_t index;
    char field[32];
    char reason[320];
};

struct import_problems {
    struct import_problem items[IMPORT_PROBLEMS_MAX];
    size_t n;
    int truncated; /* more were found than items holds */
};

/* Records a problem (or counts it as one too many). */
void import_problem_add(struct import_problems *p, const char *list, size_t index,
                        const char *field, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Where each entity of the file is, by its file id: the position of T3 in
 * m->teams, and so on. Built by import_check. */
struct import_index {
    struct import_slot {
        uint32_t num;
        uint32_t pos;
    } * teams, *objectives, *key_results, *initiatives, *comments;
    size_t nteams, nobjectives, nkey_results, ninitiatives, ncomments;
};

/* The position in m's list of kind of the entity with file id text ("O3"),
 * or -1 when the file has none. */
long import_find(const struct import_index *ix, enum okr_kind kind, const char *text);

/* The path of names from the root to team pos ("Company/Sales"), as the
 * file gives it, into out; "" when the parents loop (import_check reports
 * that). */
void import_team_path(const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                      size_t pos, char *out, size_t outlen);

/* Checks m as described above, adding a problem for each thing wrong (all
 * of them, up to the cap) and filling ix (free it with import_index_free,
 * whatever the outcome). Returns 0 when m is sound, CAS_EINVAL when a
 * problem was found, CAS_ENOMEM. */
int import_check(const Cascade__V1__WorkshopImport *m, const struct okr_limits *limits,
                 struct import_index *ix, struct import_problems *p);

void import_index_free(struct import_index *ix);

/* How many entities m holds in all. */
size_t import_entity_count(const Cascade__V1__WorkshopImport *m);

#endif
