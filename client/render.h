/* The cascade as people read it in a terminal: a header, then teams nested
 * under their parents, each with its objectives and their key results, and
 * under each what hangs off it (initiatives, dependencies, comments):
 *
 *   Q3 planning (2026-Q3) · code K7QF2M · seq 12
 *   T1 Acme [company]
 *     O1 Grow revenue — owner alice · committed · final · N&S yes/yes · 0%
 *       C2 carol: Is Berlin the right first office?
 *       K1 Raise ARR · 100 → 140 → 200 kEUR · ####...... 40% · conf 0.7 · alice
 *         I1 [x] Hire two sales reps
 *         needed by K3 (T2)
 *       K2 Open the Berlin office · not done · .......... 0% · conf 0.5 · at-risk · bob · ! blocked: No lease yet
 *     T2 Sales [department]
 *       O2 Win Europe — owner bob · aspirational → O1 · 0%
 *       O3 Sell more · aspirational · orphan · 0%
 *
 * The percentages and bars are scores (score.h), the very figures `score`
 * prints as 0.00-1.00: a key result that a lower objective inherits shows
 * that objective's score, and a committed objective is 0% or 100%.
 * An objective shows its status unless draft, "N&S N/S" once either
 * question of the necessary-and-sufficient test is answered (yes, no, or ?
 * for not yet), and "orphan" when lint's orphan-objective rule flags it. A
 * key result shows its confidence always, its status unless on-track, and
 * its open blocker. Once the workshop is closed, a line under the header
 * says so, each objective and key result ends with its fixed grade ("final
 * 0.4 red"), and an objective's closing note follows it on a line of its
 * own. Texts that may hold line breaks print on one line. */
#ifndef CASCADE_RENDER_H
#define CASCADE_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "okr.h"

struct render_header {
    const char *code, *title, *period;
    uint64_t seq;
};

/* Prints the header's line: "TITLE (PERIOD) · code CODE · seq N", the
 * title in bold when asked, the period only when there is one. */
void render_heading(FILE *out, const struct render_header *h, int bold);

/* When the workshop is closed, prints the line saying so: "Closed by alice
 * on 2026-12-01 17:03 UTC: the grades are final; a facilitator can reopen
 * it with 'cascade workshop reopen'." Nothing while it is open. */
void render_closed(FILE *out, const struct okr_state *s);

/* Prints the header and the tree, teams in team_tree.h's order. color: use
 * ANSI colours (the caller decides, see output_color). 0, or -1 when out of
 * memory (nothing printed). */
int render_tree(FILE *out, const struct render_header *h, const struct okr_state *s, int color);

/* Ten characters of '#' and '.' for a score of 0..1, NUL-terminated. */
void render_bar(double score, char out[11]);

/* Formats a number the way every view shows it: no trailing zeros, no
 * exponent for ordinary magnitudes ("7", "7.25", "1500000"). */
void render_number(double v, char *out, size_t outlen);

/* Formats a confidence the way every view shows it: to two decimals, as
 * render_number writes them ("0.7", "0.65"). */
void render_confidence(double confidence, char *out, size_t outlen);

/* Room for a flattened text of the longest kind a server may be set to
 * accept: every line break may become three bytes (" / "). */
#define RENDER_FLAT_MAX (3 * OKR_TEXT_CAP + 4)

/* Copies a text (NULL reads as "") for one line of output: each line break
 * becomes " / ", other control characters a space; a text too long for out
 * is cut at a character boundary and ends in "…". */
void render_flat(const char *text, char *out, size_t outlen);

/* The ANSI colour of a score's grade (score.h): red, yellow for orange, green. */
const char *render_grade_color(double score);

#define RENDER_RESET "\033[0m"

#endif
