/* The cascade as people read it in a terminal: a header, then teams nested
 * under their parents, each with its objectives and their key results:
 *
 *   Q3 planning (2026-Q3) · code K7QF2M · seq 12
 *   T1 Acme [company]
 *     O1 Grow revenue — owner alice · committed · 40%
 *       K1 Raise ARR · 100 → 140 → 200 kEUR · ####...... 40% · alice
 *       K2 Open the Berlin office · not done · .......... 0% · bob
 *     T2 Sales [department]
 *       O2 Win Europe — owner bob · aspirational → O1 · 0%
 */
#ifndef CASCADE_RENDER_H
#define CASCADE_RENDER_H

#include <stdint.h>
#include <stdio.h>

#include "okr.h"

struct render_header {
    const char *code, *title, *period;
    uint64_t seq;
};

/* Prints the header and the tree. color: use ANSI colours (the caller
 * decides, see output_color). */
void render_tree(FILE *out, const struct render_header *h, const struct okr_state *s, int color);

/* An objective's progress: the mean of its key results' (0 with none). */
double render_objective_progress(const struct okr_state *s, uint32_t objective);

/* Ten characters of '#' and '.' for a progress of 0..1, NUL-terminated. */
void render_bar(double progress, char out[11]);

/* Formats a number the way every view shows it: no trailing zeros, no
 * exponent for ordinary magnitudes ("7", "7.25", "1500000"). */
void render_number(double v, char *out, size_t outlen);

#endif
