/* Tests of common/addr.c: parsing and writing HOST:PORT and [v6]:PORT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "addr.h"
#include "errors.h"

static void test_parse_ipv4(void **state)
{
    (void)state;
    struct addr_spec a;
    char err[256] = "";
    assert_int_equal(addr_parse("127.0.0.1:7447", &a, err, sizeof err), 0);
    assert_string_equal(a.host, "127.0.0.1");
    assert_int_equal(a.port, 7447);
}

static void test_parse_name_port_zero(void **state)
{
    (void)state;
    struct addr_spec a;
    char err[256] = "";
    assert_int_equal(addr_parse("localhost:0", &a, err, sizeof err), 0);
    assert_string_equal(a.host, "localhost");
    assert_int_equal(a.port, 0);

    assert_int_equal(addr_parse("example.org:65535", &a, err, sizeof err), 0);
    assert_string_equal(a.host, "example.org");
    assert_int_equal(a.port, 65535);
}

static void test_parse_ipv6(void **state)
{
    (void)state;
    struct addr_spec a;
    char err[256] = "";
    assert_int_equal(addr_parse("[::1]:8000", &a, err, sizeof err), 0);
    assert_string_equal(a.host, "::1");
    assert_int_equal(a.port, 8000);

    assert_int_equal(addr_parse("[2001:db8::42]:443", &a, err, sizeof err), 0);
    assert_string_equal(a.host, "2001:db8::42");
    assert_int_equal(a.port, 443);
}

static void test_parse_bad_forms(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "host", "host:", "host:70000", "host:-1", "host: 80", "host:+80", "host:\t1", "::1:80", "[::1]80", ":80",
        "[::1]", "[]:80", "[::1:80", "host:80x", "host:65536",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct addr_spec a;
        char err[256] = "";
        int rc = addr_parse(bad[i], &a, err, sizeof err);
        if (rc != CAS_EINVAL)
            fail_msg("'%s' gave %d instead of CAS_EINVAL", bad[i], rc);
        if (err[0] == '\0')
            fail_msg("'%s' was refused without a message", bad[i]);
    }

    struct addr_spec a;
    assert_int_equal(addr_parse(NULL, &a, NULL, 0), CAS_EINVAL);
    assert_int_equal(addr_parse("host", &a, NULL, 0), CAS_EINVAL);
}

static void test_parse_host_length(void **state)
{
    (void)state;
    char text[ADDR_HOST_MAX + 8];
    struct addr_spec a;
    char err[512] = "";

    memset(text, 'h', ADDR_HOST_MAX - 1);
    strcpy(text + ADDR_HOST_MAX - 1, ":1");
    assert_int_equal(addr_parse(text, &a, err, sizeof err), 0);
    assert_int_equal(strlen(a.host), ADDR_HOST_MAX - 1);

    memset(text, 'h', ADDR_HOST_MAX);
    strcpy(text + ADDR_HOST_MAX, ":1");
    assert_int_equal(addr_parse(text, &a, err, sizeof err), CAS_EINVAL);
    assert_true(err[0] != '\0');
}

static void test_spec_format_round_trip(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "127.0.0.1:7447", "localhost:0", "[::1]:8000", "[2001:db8::42]:443", "example.org:65535",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        struct addr_spec a, b;
        char err[256] = "", out[ADDR_TEXT_MAX];
        assert_int_equal(addr_parse(texts[i], &a, err, sizeof err), 0);
        addr_spec_format(&a, out, sizeof out);
        assert_string_equal(out, texts[i]);
        assert_int_equal(addr_parse(out, &b, err, sizeof err), 0);
        assert_string_equal(a.host, b.host);
        assert_int_equal(a.port, b.port);
    }
}

static void test_is_ip_literal(void **state)
{
    (void)state;
    assert_true(addr_is_ip_literal("127.0.0.1"));
    assert_true(addr_is_ip_literal("0.0.0.0"));
    assert_true(addr_is_ip_literal("::1"));
    assert_true(addr_is_ip_literal("::"));
    assert_true(addr_is_ip_literal("2001:db8::42"));
    assert_true(addr_is_ip_literal("::ffff:10.0.0.1"));

    assert_false(addr_is_ip_literal("localhost"));
    assert_false(addr_is_ip_literal("example.org"));
    assert_false(addr_is_ip_literal(""));
    assert_false(addr_is_ip_literal("[::1]"));
    assert_false(addr_is_ip_literal("256.0.0.1"));
    assert_false(addr_is_ip_literal("1.2.3"));
    assert_false(addr_is_ip_literal("127.0.0.1:80"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_ipv4),
        cmocka_unit_test(test_parse_name_port_zero),
        cmocka_unit_test(test_parse_ipv6),
        cmocka_unit_test(test_parse_bad_forms),
        cmocka_unit_test(test_parse_host_length),
        cmocka_unit_test(test_spec_format_round_trip),
        cmocka_unit_test(test_is_ip_literal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
