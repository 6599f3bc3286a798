#include "guess.h"

#include <stdio.h>

#include "errors.h"

int guess_throttle_init(struct guess_throttle *g, const struct guess_limits *limits,
                        size_t keys, const uint64_t seeds[3])
{
    if (throttle_init(&g->by_pair, keys, limits->per_pair, limits->window_ms, seeds[0]) != 0 ||
        throttle_init(&g->by_addr, keys, limits->per_addr, limits->window_ms, seeds[1]) != 0 ||
        throttle_init(&g->by_name, keys, limits->per_name, limits->name_window_ms, seeds[2]) != 0) {
        guess_throttle_free(g);
        return CAS_ENOMEM;
    }
    return 0;
}

void guess_throttle_free(struct guess_throttle *g)
{
    throttle_free(&g->by_pair);
    throttle_free(&g->by_addr);
    throttle_free(&g->by_name);
}

/* The pair's key: the name first, so that all of a name's pairs share a
 * prefix (guess_throttle_reset_name). Within the throttle's key length
 * (95): names are cut at 40 bytes, past any account's 32, so two long
 * unknown names may share a count, which errs on the side of refusing; an
 * address is at most 45. */
static void pair_key(const char *name, const char *addr, char out[THROTTLE_KEY_MAX + 1])
{
    snprintf(out, THROTTLE_KEY_MAX + 1, "%.40s\n%.54s", name, addr);
}

int64_t guess_throttle_wait(const struct guess_throttle *g, const char *name, const char *addr,
                            int64_t now_ms, enum guess_refusal *why)
{
    char pair[THROTTLE_KEY_MAX + 1];
    pair_key(name, addr, pair);
    const int64_t waits[] = {
        [GUESS_PAIR] = throttle_wait_ms(&g->by_pair, pair, now_ms),
        [GUESS_ADDR] = throttle_wait_ms(&g->by_addr, addr, now_ms),
        [GUESS_NAME] = throttle_wait_ms(&g->by_name, name, now_ms),
    };
    int64_t wait = 0;
    *why = GUESS_OK;
    for (int w = GUESS_PAIR; w <= GUESS_NAME; w++) {
        if (waits[w] > wait) {
            wait = waits[w];
            *why = (enum guess_refusal)w;
        }
    }
    return wait;
}

void guess_throttle_fail(struct guess_throttle *g, const char *name, const char *addr,
                         int64_t now_ms)
{
    char pair[THROTTLE_KEY_MAX + 1];
    pair_key(name, addr, pair);
    throttle_fail(&g->by_pair, pair, now_ms);
    throttle_fail(&g->by_addr, addr, now_ms);
    throttle_fail(&g->by_name, name, now_ms);
}

void guess_throttle_succeeded(struct guess_throttle *g, const char *name, const char *addr,
                              int64_t now_ms)
{
    char pair[THROTTLE_KEY_MAX + 1];
    pair_key(name, addr, pair);
    throttle_reset(&g->by_pair, pair);
    throttle_forgive(&g->by_addr, addr, now_ms);
    throttle_forgive(&g->by_name, name, now_ms);
}

void guess_throttle_reset_name(struct guess_throttle *g, const char *name)
{
    char prefix[THROTTLE_KEY_MAX + 1];
    pair_key(name, "", prefix);
    throttle_reset_prefix(&g->by_pair, prefix);
    throttle_reset(&g->by_name, name);
}

const char *guess_refusal_words(enum guess_refusal why)
{
    switch (why) {
    case GUESS_PAIR: return "of the account from this address";
    case GUESS_ADDR: return "from this address";
    case GUESS_NAME: return "of the account from many addresses";
    case GUESS_OK: break;
    }
    return "";
}
