/* Closing the quarter: a closed workshop keeps every key result's and
 * objective's grade as it stood at the close (the score rounded to one
 * decimal, coloured as score.h says), and asks first for a closing note on
 * each committed objective that ended red or orange. The server fixes and
 * drops the grades with these functions; every view reads a score through
 * closing_*_score, so a closed workshop shows its fixed grades everywhere.
 * Pure functions over the state: no I/O, no allocation. */
#ifndef CASCADE_CLOSING_H
#define CASCADE_CLOSING_H

#include <stddef.h>
#include <stdint.h>

#include "okr.h"

/* Whether the workshop whose state is s is closed. */
int closing_is_closed(const struct okr_state *s);

/* Fixes every key result's and objective's grade as it scores now:
 * score_rounded of score_key_result and score_objective (so key result
 * weights, inherited key results and the committed rule all apply). */
void closing_fix_grades(struct okr_state *s);

/* Drops every fixed grade: scores are live again. */
void closing_drop_grades(struct okr_state *s);

/* The score a view shows: the fixed grade once there is one, else the
 * live score (score_key_result, score_objective). */
double closing_key_result_score(const struct okr_state *s, const struct okr_key_result *k);
double closing_objective_score(const struct okr_state *s, const struct okr_objective *o);

/* Whether objective o must have a closing note before its workshop closes:
 * committed, not archived, scoring red or orange now, and without a note. */
int closing_needs_note(const struct okr_state *s, const struct okr_objective *o);

/* How many objectives of s need a note (closing_needs_note). */
size_t closing_missing_notes(const struct okr_state *s);

/* Writes into out why the workshop cannot close yet: the objectives that
 * need a note, each with its title, team, score and colour ("O2 Improve
 * onboarding (team Sales, 0.0 red) has no closing note; write one with
 * `cascade obj close-note O2 TEXT`, or close with --force."), as many as
 * fit in outlen bytes and then how many more. Texts are quoted safely
 * (okr_text_quote). */
void closing_describe_missing(const struct okr_state *s, char *out, size_t outlen);

/* "2026-12-01 17:03 UTC" for a Unix time in milliseconds (at least 24 bytes). */
void closing_time_text(int64_t ms, char *out, size_t outlen);

/* The sentence refusing a change to the closed workshop code: "Workshop
 * CODE is closed (closed by alice on 2026-12-01 17:03 UTC); a facilitator
 * can reopen it with `cascade workshop reopen`." */
void closing_refusal(const struct okr_state *s, const char *code, char *out, size_t outlen);

#endif
