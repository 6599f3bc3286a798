#include "stamps.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"

/* Walks "field version by;..." entries; cb returns non-zero to stop. Field
 * names and user names never contain spaces or ';' (both are checked where
 * they enter), which is what makes this format safe. */
static void each_stamp(const char *stamps, int (*cb)(void *ctx, const char *field, size_t flen,
                                                     uint64_t version, const char *by, size_t blen),
                       void *ctx)
{
    const char *p = stamps;
    while (p != NULL && *p != '\0') {
        const char *end = strchr(p, ';');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);
        const char *sp1 = memchr(p, ' ', len);
        const char *sp2 = sp1 != NULL ? memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - p)) : NULL;
        if (sp1 != NULL && sp2 != NULL) {
            uint64_t version = strtoull(sp1 + 1, NULL, 10);
            if (cb(ctx, p, (size_t)(sp1 - p), version, sp2 + 1, len - (size_t)(sp2 + 1 - p)) != 0)
                return;
        }
        p = end != NULL ? end + 1 : NULL;
    }
}

struct lookup {
    const char *field;
    uint64_t version;
    char *by;
    size_t byl;
};

static int match(void *vctx, const char *field, size_t flen, uint64_t version, const char *by,
                 size_t blen)
{
    struct lookup *l = vctx;
    if (strlen(l->field) != flen || memcmp(field, l->field, flen) != 0)
        return 0;
    l->version = version;
    if (l->by != NULL)
        snprintf(l->by, l->byl, "%.*s", (int)blen, by);
    return 1;
}

uint64_t stamps_get(const char *stamps, const char *field, char *by, size_t byl)
{
    struct lookup l = {.field = field, .version = 1, .by = by, .byl = byl};
    if (by != NULL && byl > 0)
        by[0] = '\0';
    each_stamp(stamps, match, &l);
    return l.version;
}

struct rewrite {
    const char *field;
    struct buf out;
    int rc;
};

static int keep_others(void *vctx, const char *field, size_t flen, uint64_t version,
                       const char *by, size_t blen)
{
    struct rewrite *r = vctx;
    if (strlen(r->field) == flen && memcmp(field, r->field, flen) == 0)
        return 0;
    char entry[256];
    int n = snprintf(entry, sizeof entry, "%.*s %" PRIu64 " %.*s;", (int)flen, field, version,
                     (int)blen, by);
    if (n > 0 && (size_t)n < sizeof entry && r->rc == 0)
        r->rc = buf_append(&r->out, entry, (size_t)n);
    return 0;
}

int stamps_set(char **stamps, const char *field, uint64_t version, const char *by)
{
    struct rewrite r = {.field = field, .out = BUF_INIT};
    each_stamp(*stamps, keep_others, &r);
    char entry[256];
    int n = snprintf(entry, sizeof entry, "%s %" PRIu64 " %s", field, version, by);
    if (r.rc == 0 && n > 0 && (size_t)n < sizeof entry)
        r.rc = buf_append(&r.out, entry, (size_t)n + 1); /* with the NUL */
    if (r.rc != 0 || n <= 0 || (size_t)n >= sizeof entry) {
        buf_free(&r.out);
        return CAS_ENOMEM;
    }
    free(*stamps);
    *stamps = (char *)r.out.data;
    return 0;
}
