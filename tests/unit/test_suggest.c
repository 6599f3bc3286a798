/* Tests of common/suggest.c: edit distance and "did you mean". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "suggest.h"

static void distances(void **unused)
{
    (void)unused;
    assert_int_equal(suggest_distance("", ""), 0);
    assert_int_equal(suggest_distance("show", "show"), 0);
    assert_int_equal(suggest_distance("shwo", "show"), 2);  /* a swap is two edits */
    assert_int_equal(suggest_distance("from", "form"), 2);
    assert_int_equal(suggest_distance("rate", "rat"), 1);
    assert_int_equal(suggest_distance("kitten", "sitting"), 3);
    assert_int_equal(suggest_distance("", "abc"), 3);
    /* Capped, and long words are far from everything. */
    assert_int_equal(suggest_distance("aaaaaaaaaaaaaa", "b"), SUGGEST_FAR);
    char longword[SUGGEST_WORD_MAX + 2];
    for (size_t i = 0; i < sizeof longword - 1; i++)
        longword[i] = 'a';
    longword[sizeof longword - 1] = '\0';
    assert_int_equal(suggest_distance(longword, longword), SUGGEST_FAR);
}

static void closest(void **unused)
{
    (void)unused;
    const char *const words[] = {"show", "score", NULL, "stats", "max-frame", "max-outbound"};
    size_t n = sizeof words / sizeof words[0];
    assert_string_equal(suggest_closest("shwo", words, n), "show");
    assert_string_equal(suggest_closest("scor", words, n), "score");
    assert_string_equal(suggest_closest("max-frme", words, n), "max-frame");
    assert_null(suggest_closest("zebra", words, n));
    assert_null(suggest_closest("x", words, 0));
    /* Ties go to the first candidate. */
    const char *const tie[] = {"cat", "bat"};
    assert_string_equal(suggest_closest("at", tie, 2), "cat");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(distances),
        cmocka_unit_test(closest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
