/* "Did you mean": the known word closest to a mistyped one, by edit
 * distance, for the client's commands and flags and the server's options. */
#ifndef CASCADE_SUGGEST_H
#define CASCADE_SUGGEST_H

#include <stddef.h>

/* Levenshtein distance between a and b, capped at SUGGEST_FAR (words longer
 * than SUGGEST_WORD_MAX bytes count as far). */
#define SUGGEST_FAR 9
#define SUGGEST_WORD_MAX 48
size_t suggest_distance(const char *a, const char *b);

/* The candidate (of n; NULL entries skipped) closest to word, or NULL when
 * none is within two edits (or a third of word's length, when longer):
 * further than that it is another word, not a typo. Ties go to the first. */
const char *suggest_closest(const char *word, const char *const *candidates, size_t n);

#endif
