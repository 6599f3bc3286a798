/* Carrying a workshop's OKRs into the next period (cascade workshop next):
 * which teams, objectives and key results the new workshop starts with, and
 * what becomes of their links. Pure: the server builds the new state with
 * it, then saves it in one transaction.
 *
 * The teams come whole (same numbers, names, tree and levels), so that team
 * memberships carry by number. The chosen objectives and all their key
 * results are numbered afresh (O1, K1, ...) in the source's order and note
 * where they came from ("PN73UU7QXK/O3"). An objective's alignment
 * (aligns_to) or inherited key result (inherits) is remapped when its
 * target was carried too, and dropped otherwise, with one sentence saying
 * so. A metric starts the new period where the old one got to (start and
 * current become the old current) unless keep_current keeps both; a
 * milestone starts undone; confidence, status and blockers start afresh;
 * objectives start as drafts with the necessary-and-sufficient test
 * unanswered. Check-ins, initiatives, dependencies, comments, ideas, votes
 * and the agenda stay behind. */
#ifndef CASCADE_CARRY_H
#define CASCADE_CARRY_H

#include <stddef.h>
#include <stdint.h>

#include "okr.h"

/* The confidence a carried key result starts with, as a new one does. */
#define CARRY_CONFIDENCE_DEFAULT 0.5

struct carry_choice {
    const char *source_code; /* the source workshop's code, for carried_from */
    const uint32_t *objectives; /* source objective numbers (ignored with all) */
    size_t nobjectives;
    int all;          /* every objective */
    int keep_current; /* metrics keep their start and current */
};

/* Sentences about links that were dropped, one per link. */
struct carry_notes {
    char **lines;
    size_t n;
};

void carry_notes_free(struct carry_notes *notes);

/* Fills dst (initialised by the caller, empty) from src as the choice says.
 * 0; CAS_ENOTFOUND when a chosen objective is not in src (a sentence in
 * err, dst left for the caller to free); CAS_ENOMEM. */
int carry_state(const struct okr_state *src, const struct carry_choice *choice,
                struct okr_state *dst, struct carry_notes *notes, char *err, size_t errlen);

#endif
