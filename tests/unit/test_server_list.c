/* Tests of client/server_list.c: the comma list of servers given by
 * --server or CASCADE_SERVER, and the order they are tried in. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "server_list.h"

static void test_one_server(void **state)
{
    (void)state;
    struct server_list l;
    char err[512] = "", text[SERVER_LIST_TEXT_MAX];
    assert_int_equal(server_list_parse("127.0.0.1:7447", &l, err, sizeof err), 0);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.addr[0].host, "127.0.0.1");
    assert_int_equal(l.addr[0].port, 7447);
    server_list_format(&l, text, sizeof text);
    assert_string_equal(text, "127.0.0.1:7447");
}

static void test_one_server_keeps_its_sentences(void **state)
{
    (void)state;
    struct server_list l;
    char err[512] = "";
    assert_int_equal(server_list_parse("localhost", &l, err, sizeof err), CAS_EINVAL);
    assert_string_equal(err, "The address 'localhost' has no port; write it as HOST:PORT.");
    assert_int_equal(server_list_parse("localhost:0", &l, err, sizeof err), CAS_EINVAL);
    assert_string_equal(err, "The server's port cannot be 0.");
}

static void test_several_in_order(void **state)
{
    (void)state;
    struct server_list l;
    char err[512] = "", text[SERVER_LIST_TEXT_MAX];
    assert_int_equal(server_list_parse("a.example:7447,[::1]:8000,10.0.0.3:1", &l, err,
                                       sizeof err), 0);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.addr[0].host, "a.example");
    assert_string_equal(l.addr[1].host, "::1");
    assert_int_equal(l.addr[1].port, 8000);
    assert_string_equal(l.text[1], "[::1]:8000");
    assert_string_equal(l.text[2], "10.0.0.3:1");
    server_list_format(&l, text, sizeof text);
    assert_string_equal(text, "a.example:7447,[::1]:8000,10.0.0.3:1");
    assert_int_equal(server_list_find(&l, "[::1]:8000"), 1);
    assert_int_equal(server_list_find(&l, "10.0.0.3:2"), -1);

    /* Blanks around an entry, as a person may type the list. */
    assert_int_equal(server_list_parse("a:1, b:2 ,\tc:3", &l, err, sizeof err), 0);
    server_list_format(&l, text, sizeof text);
    assert_string_equal(text, "a:1,b:2,c:3");
}

/* Each bad list is refused with a sentence naming its bad entry. */
static void test_bad_lists(void **state)
{
    (void)state;
    static const struct {
        const char *text, *names;
    } bad[] = {
        {"a:1,,b:2", "Entry 2 of the server list is empty"},
        {"a:1,", "Entry 2 of the server list is empty"},
        {",a:1", "Entry 1 of the server list is empty"},
        {",", "Entry 1 of the server list is empty"},
        {"a:1,b", "Entry 2 of the server list is not valid: The address 'b' has no port"},
        {"a:1,b:x", "Entry 2 of the server list is not valid: The port in 'b:x'"},
        {"a:1,::1:80", "'::1:80' is ambiguous"},
        {"a:1,b:0", "Entry 2 of the server list, 'b:0', has port 0"},
        {"a:1,b:70000", "The port in 'b:70000'"},
        {"a:1,b:2,a:1", "Entry 3 of the server list, 'a:1', names the same server as entry 1"},
        {"a:1, ,b:2", "Entry 2 of the server list is empty"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct server_list l;
        char err[512] = "";
        assert_int_equal(server_list_parse(bad[i].text, &l, err, sizeof err), CAS_EINVAL);
        if (strstr(err, bad[i].names) == NULL)
            fail_msg("'%s' gave '%s', which does not say '%s'", bad[i].text, err, bad[i].names);
        assert_int_equal(l.n, 0);
    }
}

static void test_at_most_sixteen(void **state)
{
    (void)state;
    char text[512] = "";
    size_t used = 0;
    for (int i = 1; i <= SERVER_LIST_MAX; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "%sh%d:%d", i > 1 ? "," : "",
                                 i, 7000 + i);
    struct server_list l;
    char err[512] = "";
    assert_int_equal(server_list_parse(text, &l, err, sizeof err), 0);
    assert_int_equal(l.n, SERVER_LIST_MAX);
    assert_string_equal(l.text[15], "h16:7016");
    snprintf(text + used, sizeof text - used, ",h17:7017");
    assert_int_equal(server_list_parse(text, &l, err, sizeof err), CAS_EINVAL);
    assert_non_null(strstr(err, "more than 16 servers; entry 17, 'h17:7017'"));
}

static void test_over_long_entry(void **state)
{
    (void)state;
    char text[1024] = "a:1,";
    memset(text + 4, 'h', 600);
    strcpy(text + 604, ":1");
    struct server_list l;
    char err[512] = "";
    assert_int_equal(server_list_parse(text, &l, err, sizeof err), CAS_EINVAL);
    assert_non_null(strstr(err, "Entry 2 of the server list"));
}

/* Trying goes round the list from the first server given. */
static void test_rotation(void **state)
{
    (void)state;
    struct server_list l;
    char err[512] = "";
    assert_int_equal(server_list_parse("a:1,b:2,c:3", &l, err, sizeof err), 0);
    size_t want[][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}};
    for (size_t first = 0; first < 3; first++)
        for (size_t k = 0; k < 3; k++)
            assert_int_equal(server_list_at(&l, first, k), want[first][k]);
    assert_int_equal(server_list_parse("a:1", &l, err, sizeof err), 0);
    assert_int_equal(server_list_at(&l, 0, 0), 0);
    assert_int_equal(server_list_at(&l, 1, 0), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_server),
        cmocka_unit_test(test_one_server_keeps_its_sentences),
        cmocka_unit_test(test_several_in_order),
        cmocka_unit_test(test_bad_lists),
        cmocka_unit_test(test_at_most_sixteen),
        cmocka_unit_test(test_over_long_entry),
        cmocka_unit_test(test_rotation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
