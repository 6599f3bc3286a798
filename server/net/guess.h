/* Guessing a secret (a password, a join code), counted three ways: one
 * account from one client address, one address over all accounts, and one
 * account from everywhere. Past the first two, that address is refused;
 * past the third (a storm from many addresses, on a slower curve), the
 * account is refused everywhere. Wrong guesses from one place thus lock
 * out that place, not the person. Memory is bounded by the throttle
 * tables (throttle.h); the caller passes the time. Loop thread only. */
#ifndef CASCADE_GUESS_H
#define CASCADE_GUESS_H

#include <stdint.h>

#include "throttle.h"

struct guess_limits {
    uint32_t per_pair, per_addr; /* failures in window_ms */
    int64_t window_ms;
    uint32_t per_name;           /* failures in name_window_ms */
    int64_t name_window_ms;
};

struct guess_throttle {
    struct throttle by_pair, by_addr, by_name;
};

/* Prepares g for at most keys keys per table, seeded from seeds[0..2].
 * 0 or CAS_ENOMEM. */
int guess_throttle_init(struct guess_throttle *g, const struct guess_limits *limits,
                        size_t keys, const uint64_t seeds[3]);
void guess_throttle_free(struct guess_throttle *g);

/* Which count refuses, for the log. */
enum guess_refusal { GUESS_OK, GUESS_PAIR, GUESS_ADDR, GUESS_NAME };

/* 0 when name may be tried from addr now; otherwise the ms until it may,
 * with the count that refuses in *why. */
int64_t guess_throttle_wait(const struct guess_throttle *g, const char *name, const char *addr,
                            int64_t now_ms, enum guess_refusal *why);

/* Counts a failed guess of name from addr. */
void guess_throttle_fail(struct guess_throttle *g, const char *name, const char *addr,
                         int64_t now_ms);

/* A guess counted as failed (before it was known) proved right: the pair
 * starts afresh, the address and the account get that attempt back. */
void guess_throttle_succeeded(struct guess_throttle *g, const char *name, const char *addr,
                              int64_t now_ms);

/* Forgets every count of name, from every address (a new password). */
void guess_throttle_reset_name(struct guess_throttle *g, const char *name);

/* Words for the log: "of the account from this address", ... */
const char *guess_refusal_words(enum guess_refusal why);

#endif
