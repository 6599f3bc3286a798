/* A text sparkline: one of the eight block characters ▁▂▃▄▅▆▇█ per value,
 * for a progress chart in one line of a terminal. */
#ifndef CASCADE_SPARKLINE_H
#define CASCADE_SPARKLINE_H

#include <stddef.h>

/* Each block is three bytes of UTF-8. */
#define SPARKLINE_BLOCK_BYTES 3

/* Writes one block per level into out (NUL-terminated; values that do not
 * fit are left out): a level of 0 or less is ▁, 1 or more is █, and the
 * six blocks between split the range evenly (rounded to the nearest; NaN
 * counts as 0). Returns the number of blocks written. */
size_t sparkline_format(const double *levels, size_t n, char *out, size_t outlen);

#endif
