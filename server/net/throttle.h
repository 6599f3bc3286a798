/* Counting failed attempts per key (an account name, a client address) in a
 * fixed window, to refuse guessing without hashing. Memory is bounded: the
 * table has a fixed number of entries, and a new key takes a free or expired
 * entry, else the one whose window started longest ago. Forgetting the
 * oldest entry under a flood of distinct keys is the price of the bound; a
 * flood from one address is itself stopped by that address's own count.
 *
 * The caller passes the time (a monotonic clock in ms), so nothing here
 * reads a clock and tests need no sleeping. Loop thread only. */
#ifndef CASCADE_THROTTLE_H
#define CASCADE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

/* Longest key kept whole; longer keys are cut to this many bytes. */
#define THROTTLE_KEY_MAX 95

struct throttle_entry {
    char key[THROTTLE_KEY_MAX + 1]; /* "" for a free entry */
    uint32_t count;                 /* failures since window_start_ms */
    int64_t window_start_ms;
};

struct throttle {
    struct throttle_entry *entries; /* nsets * THROTTLE_WAYS, owned */
    size_t nsets;
    uint32_t limit;    /* failures in one window before keys are refused */
    int64_t window_ms;
    uint64_t seed;     /* keys hash with a secret, so sets cannot be aimed at */
};

/* Entries a key can occupy: its hash picks a set of this many. */
#define THROTTLE_WAYS 8

/* Prepares t for at most capacity keys (rounded up to a multiple of
 * THROTTLE_WAYS, at least one set), refusing a key once it has limit
 * failures in a window of window_ms that starts at its first failure.
 * seed varies the hash. 0 or CAS_ENOMEM. */
int throttle_init(struct throttle *t, size_t capacity, uint32_t limit, int64_t window_ms,
                  uint64_t seed);

/* Frees the table; t may then be initialised again. */
void throttle_free(struct throttle *t);

/* 0 when key may try now; otherwise how many ms remain until it may. */
int64_t throttle_wait_ms(const struct throttle *t, const char *key, int64_t now_ms);

/* Counts one failure of key at now_ms; a key whose window has ended
 * starts a new one. */
void throttle_fail(struct throttle *t, const char *key, int64_t now_ms);

/* Takes back one failure counted by throttle_fail within the current
 * window (an attempt counted before it was known to succeed). */
void throttle_forgive(struct throttle *t, const char *key, int64_t now_ms);

/* Forgets key's failures. */
void throttle_reset(struct throttle *t, const char *key);

/* Forgets the failures of every key that starts with prefix (a scan of the
 * whole table: for rare events, like a password reset). */
void throttle_reset_prefix(struct throttle *t, const char *prefix);

#endif
