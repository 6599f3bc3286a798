/* Tests of common/wire.c: packing frames with their header, unpacking them
 * under an allocation budget, and the names used in logs and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "wire.h"

/* The payload of the first packed frame in b, after checking its header. */
static const uint8_t *payload_of(const struct buf *b, size_t *len)
{
    assert_true(b->len > FRAME_HEADER_LEN);
    *len = frame_get_header(b->data);
    assert_int_equal(*len, b->len - FRAME_HEADER_LEN);
    return b->data + FRAME_HEADER_LEN;
}

static void put_varint(struct buf *b, uint64_t v)
{
    do {
        uint8_t byte = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v != 0)
            byte |= 0x80;
        assert_int_equal(buf_append(b, &byte, 1), 0);
    } while (v != 0);
}

static void test_ping_round_trip(void **state)
{
    (void)state;
    Cascade__V1__Ping ping = CASCADE__V1__PING__INIT;
    ping.nonce = 0xdeadbeefcafef00dull;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 0x123456789ull;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &ping;

    struct buf out = BUF_INIT;
    assert_int_equal(wire_pack(&f, FRAME_DEFAULT_MAX, &out), 0);
    size_t len;
    const uint8_t *payload = payload_of(&out, &len);
    WireFrame *g = wire_unpack(payload, len, WIRE_BUDGET(len));
    assert_non_null(g);
    assert_int_equal(g->body_case, CASCADE__V1__FRAME__BODY_PING);
    assert_int_equal(g->request_id, 0x123456789ull);
    assert_non_null(g->ping);
    assert_int_equal(g->ping->nonce, 0xdeadbeefcafef00dull);
    wire_free(g);
    buf_free(&out);
}

static void test_error_round_trip(void **state)
{
    (void)state;
    static const char msg[] = "No workshop has the code 'XK4P'; check the code and try again.";
    struct buf out = BUF_INIT;
    assert_int_equal(wire_pack_error(&out, 77, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg), 0);
    size_t len;
    const uint8_t *payload = payload_of(&out, &len);
    WireFrame *g = wire_unpack(payload, len, WIRE_BUDGET(len));
    assert_non_null(g);
    assert_int_equal(g->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(g->request_id, 77);
    assert_int_equal(g->error->code, CASCADE__V1__ERROR_CODE__NOT_FOUND);
    assert_string_equal(g->error->message, msg);
    assert_int_equal(g->error->retry_after_ms, 0);
    assert_null(g->error->conflict);
    wire_free(g);
    buf_free(&out);
}

/* wire_pack appends, so several frames can go out in one buffer. */
static void test_pack_appends(void **state)
{
    (void)state;
    Cascade__V1__Pong pong = CASCADE__V1__PONG__INIT;
    pong.nonce = 5;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 9;
    f.body_case = CASCADE__V1__FRAME__BODY_PONG;
    f.pong = &pong;

    struct buf out = BUF_INIT;
    assert_int_equal(wire_pack(&f, FRAME_DEFAULT_MAX, &out), 0);
    size_t first = out.len;
    assert_int_equal(wire_pack_error(&out, 0, CASCADE__V1__ERROR_CODE__SHUTTING_DOWN,
                                     "The server is shutting down."), 0);
    assert_true(out.len > first);

    uint32_t len1 = frame_get_header(out.data);
    assert_int_equal(FRAME_HEADER_LEN + len1, first);
    WireFrame *a = wire_unpack(out.data + FRAME_HEADER_LEN, len1, WIRE_BUDGET(len1));
    assert_non_null(a);
    assert_int_equal(a->body_case, CASCADE__V1__FRAME__BODY_PONG);
    assert_int_equal(a->pong->nonce, 5);

    uint32_t len2 = frame_get_header(out.data + first);
    assert_int_equal(first + FRAME_HEADER_LEN + len2, out.len);
    WireFrame *b = wire_unpack(out.data + first + FRAME_HEADER_LEN, len2, WIRE_BUDGET(len2));
    assert_non_null(b);
    assert_int_equal(b->body_case, CASCADE__V1__FRAME__BODY_ERROR);
    assert_int_equal(b->request_id, 0);
    assert_int_equal(b->error->code, CASCADE__V1__ERROR_CODE__SHUTTING_DOWN);
    wire_free(a);
    wire_free(b);
    buf_free(&out);
}

static uint32_t rng_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

static void test_garbage_refused(void **state)
{
    (void)state;
    static const struct {
        const char *why;
        uint8_t bytes[8];
        size_t len;
    } cases[] = {
        {"a tag whose varint never ends", {0xff}, 1},
        {"wire type 7, which does not exist", {0x07}, 1},
        {"a request_id with no value", {0x08}, 1},
        {"a varint that runs past the end", {0x08, 0x80, 0x80}, 3},
        {"ping longer than the payload", {0x6a, 0x05, 0x08}, 3},
        {"ping sent as a varint", {0x68, 0x01}, 2},
        {"ping whose nonce is cut short", {0x6a, 0x02, 0x08, 0x80}, 4},
        {"a bad wire type inside ping", {0x6a, 0x01, 0x0f}, 3},
        {"text", {'g', 'a', 'r', 'b', 'a', 'g', 'e', '!'}, 8},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        WireFrame *f = wire_unpack(cases[i].bytes, cases[i].len, WIRE_BUDGET(cases[i].len));
        if (f != NULL)
            fail_msg("accepted %s", cases[i].why);
    }

    /* Random bytes: never a crash, and almost always refused. */
    uint32_t rng = 12345;
    uint8_t bytes[256];
    int refused = 0, runs = 2000;
    for (int run = 0; run < runs; run++) {
        size_t len = 1 + rng_next(&rng) % sizeof bytes;
        for (size_t i = 0; i < len; i++)
            bytes[i] = (uint8_t)(rng_next(&rng) >> 24);
        WireFrame *f = wire_unpack(bytes, len, WIRE_BUDGET(len));
        if (f == NULL) {
            refused++;
            continue;
        }
        wire_free(f);
    }
    assert_true(refused >= runs * 9 / 10);
}

/* A NUL inside a string field, at any depth, is found; the same bytes in a
 * bytes field, a varint or a fixed field are not text. */
static void test_nul_in_text_found(void **state)
{
    (void)state;
    /* Frame{request_id 2, login{user "admin\0xx", password "pw"}}: field 20
     * is tag 0xa2 0x01. protobuf-c would read the user as "admin". */
    static const uint8_t login_nul[] = {0x08, 0x02, 0xa2, 0x01, 0x0e, 0x0a, 0x08, 'a', 'd', 'm',
                                        'i',  'n',  0x00, 'x',  'x',  0x12, 0x02, 'p',  'w'};
    WireFrame *f = wire_unpack(login_nul, sizeof login_nul, WIRE_BUDGET(sizeof login_nul));
    assert_non_null(f); /* protobuf-c takes it ... */
    assert_string_equal(f->login->user, "admin"); /* ... and cuts the name short */
    wire_free(f);
    assert_true(wire_text_has_nul(login_nul, sizeof login_nul));

    static const uint8_t login_clean[] = {0x08, 0x02, 0xa2, 0x01, 0x0e, 0x0a, 0x08, 'a', 'd', 'm',
                                          'i',  'n',  'x',  'x',  'x',  0x12, 0x02, 'p',  'w'};
    assert_false(wire_text_has_nul(login_clean, sizeof login_clean));

    /* A NUL in a request id's varint and a ping's nonce is no text. */
    static const uint8_t ping[] = {0x08, 0x80, 0x01, 0x6a, 0x02, 0x08, 0x00};
    assert_false(wire_text_has_nul(ping, sizeof ping));

    /* Two levels down: check_in{workshop "AB\0"} inside the Frame. */
    static const uint8_t deep[] = {0x08, 0x03, 0x9a, 0x05, 0x05, 0x0a, 0x03, 'A', 'B', 0x00};
    assert_true(wire_text_has_nul(deep, sizeof deep));

    /* Malformed bytes count as having one (never read past the end). */
    static const uint8_t cut[] = {0x08, 0x02, 0xa2, 0x01, 0x30, 0x0a};
    assert_true(wire_text_has_nul(cut, sizeof cut));
    assert_false(wire_text_has_nul(NULL, 0));
}

/* A frame without a body the build knows (an older server meeting a newer
 * client's request) decodes with NOT_SET, so the server can answer it with
 * UNKNOWN_REQUEST and the request_id instead of dropping the connection. */
static void test_unknown_body_decodes_as_not_set(void **state)
{
    (void)state;
    /* A request_id and nothing else. */
    static const uint8_t id_only[] = {0x08, 0x05};
    WireFrame *f = wire_unpack(id_only, sizeof id_only, WIRE_BUDGET(sizeof id_only));
    assert_non_null(f);
    assert_int_equal(f->request_id, 5);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY__NOT_SET);
    wire_free(f);

    /* A body with a field number this build does not know (999). */
    static const uint8_t unknown_body[] = {0x08, 0x06, 0xba, 0x3e, 0x00};
    f = wire_unpack(unknown_body, sizeof unknown_body, WIRE_BUDGET(sizeof unknown_body));
    assert_non_null(f);
    assert_int_equal(f->request_id, 6);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY__NOT_SET);
    wire_free(f);

    /* Known bodies next to unknown fields are fine: later versions add some. */
    static const uint8_t with_unknown[] = {0x08, 0x05, 0xba, 0x3e, 0x00, 0x6a, 0x00};
    f = wire_unpack(with_unknown, sizeof with_unknown, WIRE_BUDGET(sizeof with_unknown));
    assert_non_null(f);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY_PING);
    wire_free(f);
}

static void build_empty_list(struct buf *b, size_t n)
{
    put_varint(b, 1 << 3 | 0); /* request_id */
    put_varint(b, 1);
    put_varint(b, CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY << 3 | 2);
    put_varint(b, 2 * n);
    for (size_t i = 0; i < n; i++) {
        put_varint(b, 1 << 3 | 2); /* workshops */
        put_varint(b, 0);
    }
}

static void test_budget_bounds_expansion(void **state)
{
    (void)state;
    size_t n = 5000;
    struct buf b = BUF_INIT;
    build_empty_list(&b, n);

    /* The entries alone need more than the standard budget allows. */
    size_t needed = n * (sizeof(Cascade__V1__WorkshopInfo) + sizeof(void *));
    assert_true(needed > WIRE_BUDGET(b.len));
    assert_null(wire_unpack(b.data, b.len, WIRE_BUDGET(b.len)));
    assert_null(wire_unpack(b.data, b.len, 64 * 1024));
    assert_null(wire_unpack(b.data, b.len, needed));

    WireFrame *f = wire_unpack(b.data, b.len, (size_t)64 << 20);
    assert_non_null(f);
    assert_int_equal(f->body_case, CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY);
    assert_int_equal(f->request_id, 1);
    assert_int_equal(f->workshop_list_reply->n_workshops, n);
    assert_string_equal(f->workshop_list_reply->workshops[n - 1]->code, "");
    wire_free(f);
    buf_free(&b);
}

/* The standard budget is no obstacle to ordinary content. */
static void test_budget_fits_real_lists(void **state)
{
    (void)state;
    enum { N = 2000 };
    static Cascade__V1__WorkshopInfo infos[N];
    static Cascade__V1__WorkshopInfo *ptrs[N];
    static char codes[N][8];
    for (size_t i = 0; i < N; i++) {
        Cascade__V1__WorkshopInfo init = CASCADE__V1__WORKSHOP_INFO__INIT;
        infos[i] = init;
        snprintf(codes[i], sizeof codes[i], "W%04zu", i);
        infos[i].code = codes[i];
        infos[i].title = "Planning";
        infos[i].period = "2026-Q3";
        infos[i].created_by = "alice";
        infos[i].created_ms = 1700000000000;
        infos[i].role = CASCADE__V1__ROLE__MEMBER;
        infos[i].last_seq = i;
        ptrs[i] = &infos[i];
    }
    Cascade__V1__WorkshopListReply reply = CASCADE__V1__WORKSHOP_LIST_REPLY__INIT;
    reply.n_workshops = N;
    reply.workshops = ptrs;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 3;
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY;
    f.workshop_list_reply = &reply;

    struct buf out = BUF_INIT;
    assert_int_equal(wire_pack(&f, FRAME_DEFAULT_MAX, &out), 0);
    size_t len;
    const uint8_t *payload = payload_of(&out, &len);
    WireFrame *g = wire_unpack(payload, len, WIRE_BUDGET(len));
    assert_non_null(g);
    assert_int_equal(g->workshop_list_reply->n_workshops, N);
    assert_string_equal(g->workshop_list_reply->workshops[N - 1]->code, "W1999");
    assert_int_equal(g->workshop_list_reply->workshops[N - 1]->last_seq, N - 1);
    wire_free(g);
    buf_free(&out);
}

static void test_pack_too_big(void **state)
{
    (void)state;
    char name[2001];
    memset(name, 'x', sizeof name - 1);
    name[sizeof name - 1] = '\0';
    Cascade__V1__Hello hello = CASCADE__V1__HELLO__INIT;
    hello.protocol_version = 1;
    hello.client_name = name;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 1;
    f.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    f.hello = &hello;

    struct buf out = BUF_INIT;
    assert_int_equal(wire_pack(&f, 1000, &out), CAS_ETOOBIG);
    assert_int_equal(out.len, 0);

    size_t size = cascade__v1__frame__get_packed_size(&f);
    assert_int_equal(wire_pack(&f, size - 1, &out), CAS_ETOOBIG);
    assert_int_equal(out.len, 0);
    assert_int_equal(wire_pack(&f, size, &out), 0);
    assert_int_equal(out.len, FRAME_HEADER_LEN + size);
    buf_free(&out);
}

static void test_names(void **state)
{
    (void)state;
    Cascade__V1__Ping ping = CASCADE__V1__PING__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &ping;
    assert_string_equal(wire_body_name(&f), "ping");
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY;
    assert_string_equal(wire_body_name(&f), "workshop_list_reply");
    f.body_case = CASCADE__V1__FRAME__BODY__NOT_SET;
    assert_string_equal(wire_body_name(&f), "unknown");

    assert_string_equal(wire_error_name(CASCADE__V1__ERROR_CODE__UNSUPPORTED_VERSION),
                        "UNSUPPORTED_VERSION");
    assert_string_equal(wire_error_name(CASCADE__V1__ERROR_CODE__CONFLICT), "CONFLICT");
    assert_string_equal(wire_error_name(CASCADE__V1__ERROR_CODE__INTERNAL), "INTERNAL");
    assert_string_equal(wire_error_name((Cascade__V1__ErrorCode)999), "UNKNOWN_ERROR");

    /* Role names both ways, and what is no role. */
    for (int r = CASCADE__V1__ROLE__FACILITATOR; r <= CASCADE__V1__ROLE__OBSERVER; r++)
        assert_int_equal(wire_role_parse(wire_role_name(r)), r);
    assert_string_equal(wire_role_name(CASCADE__V1__ROLE__MEMBER), "member");
    assert_string_equal(wire_role_name(0), "");
    assert_string_equal(wire_role_name(-1), "");
    assert_string_equal(wire_role_name(99), "");
    assert_int_equal(wire_role_parse("Member"), 0);
    assert_int_equal(wire_role_parse(""), 0);
    assert_int_equal(wire_role_parse(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ping_round_trip),
        cmocka_unit_test(test_error_round_trip),
        cmocka_unit_test(test_pack_appends),
        cmocka_unit_test(test_garbage_refused),
        cmocka_unit_test(test_nul_in_text_found),
        cmocka_unit_test(test_unknown_body_decodes_as_not_set),
        cmocka_unit_test(test_budget_bounds_expansion),
        cmocka_unit_test(test_budget_fits_real_lists),
        cmocka_unit_test(test_pack_too_big),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
