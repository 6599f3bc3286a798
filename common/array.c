#include "array.h"

#include <stdint.h>
#include <stdlib.h>

#include "errors.h"

int array_grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return CAS_ENOMEM;
        ncap *= 2;
    }
    if (size != 0 && ncap > SIZE_MAX / size)
        return CAS_ENOMEM;
    void *p = realloc(*items, ncap * size);
    if (p == NULL)
        return CAS_ENOMEM;
    *items = p;
    *cap = ncap;
    return 0;
}
