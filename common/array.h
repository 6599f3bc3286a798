/* Growing arrays of any element type, the one way the project does it:
 * the capacity doubles (starting at 8), and a size that would overflow
 * size_t is refused instead of wrapping into a short allocation. */
#ifndef CASCADE_ARRAY_H
#define CASCADE_ARRAY_H

#include <stddef.h>

/* Makes *items (an array of *cap elements of size bytes each, or NULL with
 * *cap 0) hold at least need elements, moving it if it must. 0, or
 * CAS_ENOMEM with *items and *cap untouched (realloc failed or the size
 * would overflow). */
int array_grow(void **items, size_t *cap, size_t need, size_t size);

/* ARRAY_GROW(arr, cap, need): array_grow for a typed array pointer. */
#define ARRAY_GROW(arr, cap, need) array_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

#endif
