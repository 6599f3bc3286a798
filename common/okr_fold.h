/* Rebuilding a workshop's cascade from its event log: each event, in seq
 * order from seq 1, folded into a state that started empty
 * (okr_state_init) gives the teams, objectives, key results, initiatives,
 * dependencies and comments exactly as a snapshot taken after that event
 * would, with their versions, test answers, grades and closing notes, and
 * the closed flag. `show --at` and `replay` both read the past through it.
 *
 * Events describe themselves (type, entity, and every changed field with its
 * new value; adds carry all their fields), so the fold needs nothing but the
 * events. What they do not carry is not rebuilt: the brainstorm (ideas,
 * votes), the agenda, confidence rounds, invitations and settings are left
 * out on purpose, by name (okr_fold_type), so that a type the fold has never
 * heard of stands out instead of being dropped quietly.
 *
 * Pure: no I/O, no clock; it reads events that came from the network, so it
 * checks every id and reference and refuses what does not fit the state
 * (but for an added objective's alignment and inherited key result, which
 * in a carried workshop's first events name what is added after them). */
#ifndef CASCADE_OKR_FOLD_H
#define CASCADE_OKR_FOLD_H

#include "okr.h"
#include "wire.h"

/* What the fold does with an event type. */
enum okr_fold_kind {
    OKR_FOLD_UNKNOWN = 0, /* a type this build does not know */
    OKR_FOLD_APPLIED = 1, /* it changes the cascade */
    OKR_FOLD_SKIPPED = 2, /* it changes nothing the cascade shows */
};

/* The kind of an event type ("kr.checkin": applied, "agenda.next": skipped). */
enum okr_fold_kind okr_fold_type(const char *type);

/* The types the fold applies and those it skips, each list ending in NULL:
 * the test that compares them with what the server emits reads these. */
extern const char *const okr_fold_applied_types[];
extern const char *const okr_fold_skipped_types[];

/* Folds one event into s. Its seq must be above s->seq, which becomes it.
 * Returns OKR_FOLD_APPLIED or OKR_FOLD_SKIPPED (s->seq moved, nothing else),
 * OKR_FOLD_UNKNOWN for a type not known here (s->seq moved, nothing else:
 * the caller says so), or a negative code: CAS_EINVAL for an event that does
 * not fit s (a seq not above s->seq, a malformed or missing entity, an id
 * already taken, a reference to something s lacks, a required field absent
 * or of the wrong kind), CAS_ENOMEM. After an error s is still whole (it
 * may be freed, or shown) but may hold part of that event; stop there. */
int okr_fold_event(struct okr_state *s, const Cascade__V1__Event *ev);

#endif
