/* Password hashes: a round trip, and the decoy that logins for unknown
 * names are checked against. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "errors.h"

/* A cheap cost keeps the round trip fast; the format is the same. */
static void test_hash_round_trip(void **state)
{
    (void)state;
    char hash[CRYPTO_HASH_MAX];
    assert_int_equal(crypto_password_hash("correct horse", 10, hash), 0);
    assert_int_equal(strncmp(hash, "scrypt$10$8$1$", 14), 0);
    assert_int_equal(crypto_password_verify("correct horse", hash), 1);
    assert_int_equal(crypto_password_verify("correct horsE", hash), 0);
    assert_int_equal(crypto_password_verify("x", "not a hash"), CAS_EINVAL);
}

/* The decoy looks like a real hash at the default cost, so checking it
 * costs what checking a real one does, and no password matches it. */
static void test_decoy_has_the_default_cost_and_matches_nothing(void **state)
{
    (void)state;
    char a[CRYPTO_HASH_MAX], b[CRYPTO_HASH_MAX], real[CRYPTO_HASH_MAX];
    assert_int_equal(crypto_password_decoy(a), 0);
    assert_int_equal(crypto_password_decoy(b), 0);
    assert_int_equal(crypto_password_hash("anything", 0, real), 0); /* the default cost */
    assert_int_equal(strncmp(a, real, 14), 0); /* "scrypt$15$8$1$": N = 2^15, r = 8, p = 1 */
    assert_int_equal(strncmp(a, "scrypt$15$8$1$", 14), 0);
    assert_string_not_equal(a, b); /* random salt and key */
    unsigned n, r, p;
    char salt[40], key[80];
    assert_int_equal(sscanf(a, "scrypt$%u$%u$%u$%32[0-9a-f]$%64[0-9a-f]", &n, &r, &p, salt, key),
                     5);
    assert_int_equal(strlen(salt), 32);
    assert_int_equal(strlen(key), 64);
    /* A well-formed hash that fails to match, not a malformed one. */
    assert_int_equal(crypto_password_verify("no such user", a), 0);
    assert_int_equal(crypto_password_verify("", a), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hash_round_trip),
        cmocka_unit_test(test_decoy_has_the_default_cost_and_matches_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
