/* OKR scoring: how far a key result, an objective and a team have got, on
 * the 0.0-1.0 scale of OKR grading, and the colour a score is shown in.
 * These comments are the product's definition of a score; the server, the
 * client's `show` and the live view all call these functions so that they
 * never disagree. Pure functions: no I/O, no allocation, no global state. */
#ifndef CASCADE_SCORE_H
#define CASCADE_SCORE_H

#include "okr.h"

/* How many key-result-to-objective hand-offs a roll-up follows. A cascade is
 * company -> department -> team -> individual, so real ones are a handful of
 * levels deep; the limit only exists so that a cycle (which the server never
 * lets anyone create, but a damaged store could hold) cannot recurse forever. */
#define SCORE_MAX_DEPTH 16

/* The score of key result k, 0.0-1.0.
 * - Roll-up (the duality model): when objectives of s inherit k
 *   (objective.inherits == k->num), k's score is the score of that child
 *   objective, or the mean of their scores when several inherit it. Archived
 *   inheritors are put away, and inheritors without key results have measured
 *   nothing yet: neither counts; with none left, the rule below applies.
 * - Otherwise the key result's own progress (okr_key_result_progress): a
 *   metric's (current - start) / (target - start) clamped to 0..1, which also
 *   covers decreasing metrics; a milestone is 1 when done, else 0.
 * Past SCORE_MAX_DEPTH nested roll-ups the key result's own progress is used. */
double score_key_result(const struct okr_state *s, const struct okr_key_result *k);

/* Whether objective o's score is part of key result k's (the roll-up above):
 * o inherits k, is not archived, and has key results of its own. What a
 * view names as where a key result's score comes from. */
int score_rolls_up(const struct okr_state *s, const struct okr_objective *o,
                   const struct okr_key_result *k);

/* The score of objective o, 0.0-1.0: the mean of its key results' scores, and
 * 0 when it has no key results.
 * - Aspirational (o->committed == 0): the mean as it is; about 0.7 is the
 *   expected result of a good stretch goal.
 * - Committed (o->committed != 0): graded all or nothing, 1.0 when every key
 *   result scores 1.0 (all hit), else 0.0. */
double score_objective(const struct okr_state *s, const struct okr_objective *o);

/* The score of team t, 0.0-1.0: the mean of the scores of its objectives that
 * are not archived (status OKR_ARCHIVED), and 0 when it has none. Only the
 * team's own objectives count; children teams contribute through roll-up. */
double score_team(const struct okr_state *s, const struct okr_team *t);

/* The colour grade of a score, after rounding it to one decimal:
 * red 0.0-0.4, orange 0.5-0.6, green 0.7-1.0. */
enum score_colour { SCORE_RED, SCORE_ORANGE, SCORE_GREEN };

/* The score rounded to one decimal the way grades are read: half up (0.45
 * gives 0.5, 0.65 gives 0.7), clamped to 0.0-1.0; NaN counts as 0.0. */
double score_rounded(double score);

/* The colour of score_rounded(score): below 0.5 red, below 0.7 orange, else green. */
enum score_colour score_colour(double score);

/* "red", "orange", "green" (static strings). */
const char *score_colour_name(enum score_colour colour);

/* What the colour says about the work, as a coach would put it (static strings):
 * red "failed to make real progress", orange "made progress but fell short",
 * green "delivered". */
const char *score_colour_meaning(enum score_colour colour);

#endif
