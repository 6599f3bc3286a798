#include "bench_scan.h"

#include <string.h>

/* Field numbers from proto/cascade.proto. */
enum {
    FRAME_EVENT = 102,
    EVENT_CHANGES = 7,
    CHANGE_FIELD = 1,
    CHANGE_NEW_VALUE = 3,
    VALUE_NUMBER = 2,
};
enum { WT_VARINT = 0, WT_FIXED64 = 1, WT_LEN = 2, WT_FIXED32 = 5 };

struct cursor {
    const uint8_t *p, *end;
};

static int read_varint(struct cursor *c, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; shift < 64 && c->p < c->end; shift += 7) {
        uint8_t b = *c->p++;
        v |= (uint64_t)(b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* The next field: its number, wire type, and for WT_LEN its bytes; the
 * cursor moves past it. 1, 0 at the end, -1 when malformed. */
static int next_field(struct cursor *c, uint32_t *num, int *type, struct cursor *body)
{
    if (c->p >= c->end)
        return 0;
    uint64_t key, n;
    if (read_varint(c, &key) != 0)
        return -1;
    *num = (uint32_t)(key >> 3);
    *type = (int)(key & 7);
    body->p = c->p;
    switch (*type) {
    case WT_VARINT:
        return read_varint(c, &n) == 0 ? 1 : -1;
    case WT_FIXED64:
        n = 8;
        break;
    case WT_FIXED32:
        n = 4;
        break;
    case WT_LEN:
        if (read_varint(c, &n) != 0)
            return -1;
        body->p = c->p;
        break;
    default:
        return -1;
    }
    if (n > (uint64_t)(c->end - c->p))
        return -1;
    c->p += n;
    body->end = c->p;
    return 1;
}

/* A FieldChange: its new value's number when the field is "current". */
static int scan_change(struct cursor c, double *stamp)
{
    int is_current = 0, have = 0, type, rc;
    uint32_t num;
    struct cursor body;
    while ((rc = next_field(&c, &num, &type, &body)) == 1) {
        if (num == CHANGE_FIELD && type == WT_LEN)
            is_current = body.end - body.p == 7 && memcmp(body.p, "current", 7) == 0;
        if (num != CHANGE_NEW_VALUE || type != WT_LEN)
            continue;
        struct cursor v = body, f;
        while ((rc = next_field(&v, &num, &type, &f)) == 1)
            if (num == VALUE_NUMBER && type == WT_FIXED64) {
                uint64_t bits = 0;
                for (int i = 7; i >= 0; i--)
                    bits = bits << 8 | f.p[i]; /* little-endian on the wire */
                memcpy(stamp, &bits, sizeof *stamp);
                have = 1;
            }
        if (rc < 0)
            return -1;
    }
    return rc < 0 ? -1 : is_current && have;
}

int bench_scan_event(const uint8_t *frame, size_t len, double *stamps, int max)
{
    struct cursor c = {frame, frame + len}, event = {NULL, NULL}, body;
    uint32_t num;
    int type, rc;
    while ((rc = next_field(&c, &num, &type, &body)) == 1)
        if (num == FRAME_EVENT && type == WT_LEN)
            event = body;
    if (rc < 0 || event.p == NULL)
        return -1;
    int found = 0;
    while ((rc = next_field(&event, &num, &type, &body)) == 1) {
        if (num != EVENT_CHANGES || type != WT_LEN)
            continue;
        double stamp;
        int r = scan_change(body, &stamp);
        if (r < 0)
            return -1;
        if (r == 1 && found < max)
            stamps[found++] = stamp;
    }
    return rc < 0 ? -1 : found;
}
