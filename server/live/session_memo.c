#include "session_memo.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

struct memo_slot {
    uint8_t hash[32];
    int64_t expires_ms; /* 0: empty */
    struct store_user user;
};

struct session_memo {
    struct memo_slot slots[SESSION_MEMO_SLOTS];
};

/* The hash is SHA-256 of a random token: its first bytes are spread evenly. */
static size_t slot_of(const uint8_t hash[32])
{
    return ((size_t)hash[0] << 8 | hash[1]) % SESSION_MEMO_SLOTS;
}

void session_memo_put(struct session_memo **m, const uint8_t hash[32], const struct store_user *u,
                      int64_t expires_ms)
{
    if (*m == NULL && (*m = calloc(1, sizeof **m)) == NULL)
        return;
    struct memo_slot *s = &(*m)->slots[slot_of(hash)];
    memcpy(s->hash, hash, sizeof s->hash);
    s->expires_ms = expires_ms;
    s->user = *u;
    /* The password's hash has no business here. */
    memset(s->user.password_hash, 0, sizeof s->user.password_hash);
}

int session_memo_get(const struct session_memo *m, const uint8_t hash[32], struct store_user *u,
                     int64_t *expires_ms)
{
    if (m == NULL)
        return CAS_ENOTFOUND;
    const struct memo_slot *s = &m->slots[slot_of(hash)];
    if (s->expires_ms == 0 || memcmp(s->hash, hash, sizeof s->hash) != 0)
        return CAS_ENOTFOUND;
    *u = s->user;
    *expires_ms = s->expires_ms;
    return 0;
}

void session_memo_forget(struct session_memo *m, const uint8_t *hash, int64_t user_id)
{
    if (m == NULL)
        return;
    if (hash != NULL) {
        struct memo_slot *s = &m->slots[slot_of(hash)];
        if (memcmp(s->hash, hash, sizeof s->hash) == 0)
            s->expires_ms = 0;
        return;
    }
    for (size_t i = 0; i < SESSION_MEMO_SLOTS; i++)
        if (m->slots[i].user.id == user_id)
            m->slots[i].expires_ms = 0;
}

void session_memo_free(struct session_memo *m)
{
    free(m);
}
