/* "Did you mean" (suggest.h). */
#include "suggest.h"

#include <string.h>

size_t suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_WORD_MAX || lb > SUGGEST_WORD_MAX)
        return SUGGEST_FAR;
    size_t row[SUGGEST_WORD_MAX + 1];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            if (up + 1 < best)
                best = up + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] < SUGGEST_FAR ? row[lb] : SUGGEST_FAR;
}

const char *suggest_closest(const char *word, const char *const *candidates, size_t n)
{
    size_t len = strlen(word);
    size_t within = len / 3 > 2 ? len / 3 : 2;
    const char *best = NULL;
    size_t best_d = within + 1;
    for (size_t i = 0; i < n; i++) {
        if (candidates[i] == NULL)
            continue;
        size_t d = suggest_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
