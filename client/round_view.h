/* A confidence round as people read it, from its wire form (a snapshot's
 * or a RoundStatusReply's ConfidenceRound): how far it has come, and once
 * revealed what each key result's values say (common/round_stats.h).
 * `round status`, `round reveal` and the live view share these. */
#ifndef CASCADE_ROUND_VIEW_H
#define CASCADE_ROUND_VIEW_H

#include <stddef.h>

#include "round_stats.h"
#include "wire.h"

/* Values given so far, and those expected: each key result's givers and
 * the people it still waits for. */
void round_view_progress(const Cascade__V1__ConfidenceRound *r, size_t *submitted,
                         size_t *expected);

/* The statistics of a key result's revealed values (count 0 while the
 * round is open). 0 or CAS_ENOMEM. */
int round_view_stats(const Cascade__V1__RoundKeyResult *k, struct round_stats *out);

/* "confidence round 2: 5 of 9 submitted" while open; "confidence round
 * 2 revealed: 2 of 4 key results with wide disagreement" after. */
void round_view_summary(const Cascade__V1__ConfidenceRound *r, char *out, size_t outlen);

/* One key result's revealed values: "K1  n=3  0.37-0.83  median 0.6
 * spread 0.46 WIDE", or "K1  no values". */
void round_view_key_result_line(const Cascade__V1__RoundKeyResult *k, char *out, size_t outlen);

/* The live view's two lines for a snapshot's round (NULL: none, both
 * ""): round_view_summary, and once revealed each key result's range and
 * median, "K2 0.37-0.83 med 0.64 WIDE · K3 0.71", cut to fit. *wide says
 * whether some spread is wide. */
void round_view_live_lines(const Cascade__V1__ConfidenceRound *r, char *summary, size_t slen,
                           char *values, size_t vlen, int *wide);

/* The round as `round status --json` prints it (and `show --json` as
 * "round"), added to o. */
struct cJSON;
void round_view_json_into(struct cJSON *o, const Cascade__V1__ConfidenceRound *r);

#endif
