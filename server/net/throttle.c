#include "throttle.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

int throttle_init(struct throttle *t, size_t capacity, uint32_t limit, int64_t window_ms,
                  uint64_t seed)
{
    size_t nsets = (capacity + THROTTLE_WAYS - 1) / THROTTLE_WAYS;
    if (nsets == 0)
        nsets = 1;
    memset(t, 0, sizeof *t);
    t->entries = calloc(nsets * THROTTLE_WAYS, sizeof *t->entries);
    if (t->entries == NULL)
        return CAS_ENOMEM;
    t->nsets = nsets;
    t->limit = limit;
    t->window_ms = window_ms;
    t->seed = seed;
    return 0;
}

void throttle_free(struct throttle *t)
{
    free(t->entries);
    memset(t, 0, sizeof *t);
}

/* FNV-1a over the seed and the key, then a final mix so that the low bits
 * used to pick a set depend on every byte. */
static struct throttle_entry *set_of(const struct throttle *t, const char *key)
{
    uint64_t h = 14695981039346656037ull ^ t->seed;
    for (size_t i = 0; i < THROTTLE_KEY_MAX && key[i] != '\0'; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ull;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return &t->entries[(size_t)(h % t->nsets) * THROTTLE_WAYS];
}

static int same_key(const struct throttle_entry *e, const char *key)
{
    return e->key[0] != '\0' && strncmp(e->key, key, THROTTLE_KEY_MAX) == 0;
}

static struct throttle_entry *find(const struct throttle *t, const char *key)
{
    if (key[0] == '\0')
        return NULL;
    struct throttle_entry *set = set_of(t, key);
    for (size_t i = 0; i < THROTTLE_WAYS; i++) {
        if (same_key(&set[i], key))
            return &set[i];
    }
    return NULL;
}

static int expired(const struct throttle *t, const struct throttle_entry *e, int64_t now_ms)
{
    return now_ms - e->window_start_ms >= t->window_ms;
}

int64_t throttle_wait_ms(const struct throttle *t, const char *key, int64_t now_ms)
{
    const struct throttle_entry *e = find(t, key);
    if (e == NULL || e->count < t->limit || expired(t, e, now_ms))
        return 0;
    return e->window_start_ms + t->window_ms - now_ms;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now_ms)
{
    if (key[0] == '\0')
        return;
    struct throttle_entry *e = find(t, key);
    if (e == NULL) {
        /* A free entry, else the one whose window started first (expired,
         * when any of them is). */
        struct throttle_entry *set = set_of(t, key);
        e = &set[0];
        for (size_t i = 1; i < THROTTLE_WAYS && e->key[0] != '\0'; i++) {
            if (set[i].key[0] == '\0' || set[i].window_start_ms < e->window_start_ms)
                e = &set[i];
        }
        size_t n = strnlen(key, THROTTLE_KEY_MAX);
        memcpy(e->key, key, n);
        e->key[n] = '\0';
        e->count = 0;
        e->window_start_ms = now_ms;
    } else if (expired(t, e, now_ms)) {
        e->count = 0;
        e->window_start_ms = now_ms;
    }
    if (e->count < UINT32_MAX)
        e->count++;
}

void throttle_forgive(struct throttle *t, const char *key, int64_t now_ms)
{
    struct throttle_entry *e = find(t, key);
    if (e != NULL && e->count > 0 && !expired(t, e, now_ms))
        e->count--;
}

void throttle_reset(struct throttle *t, const char *key)
{
    struct throttle_entry *e = find(t, key);
    if (e != NULL)
        memset(e, 0, sizeof *e);
}

void throttle_reset_prefix(struct throttle *t, const char *prefix)
{
    size_t n = strnlen(prefix, THROTTLE_KEY_MAX);
    for (size_t i = 0; i < t->nsets * THROTTLE_WAYS; i++)
        if (t->entries[i].key[0] != '\0' && strncmp(t->entries[i].key, prefix, n) == 0)
            memset(&t->entries[i], 0, sizeof t->entries[i]);
}
