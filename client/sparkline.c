#include "sparkline.h"

#include <math.h>
#include <string.h>

static const char *const BLOCKS[8] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

size_t sparkline_format(const double *levels, size_t n, char *out, size_t outlen)
{
    size_t written = 0, used = 0;
    if (outlen == 0)
        return 0;
    for (size_t i = 0; i < n && used + SPARKLINE_BLOCK_BYTES < outlen; i++) {
        double v = levels[i];
        int index = 0;
        if (v >= 1.0)
            index = 7;
        else if (v > 0.0)
            index = (int)lround(v * 7.0);
        memcpy(out + used, BLOCKS[index], SPARKLINE_BLOCK_BYTES);
        used += SPARKLINE_BLOCK_BYTES;
        written++;
    }
    out[used] = '\0';
    return written;
}
