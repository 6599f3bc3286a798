/* Tests of common/frame.c: the length header and the decoder that cuts a
 * byte stream into frames, whatever the read boundaries. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"

#define MAX_FRAMES 64

/* What the decoder handed out: every payload, concatenated, and the length
 * of each. stop_at makes the callback return stop_rc on that frame. */
struct sink {
    struct buf bytes;
    size_t lens[MAX_FRAMES];
    size_t count;
    size_t stop_at; /* 1-based; 0: never stop */
    int stop_rc;
};

static int collect(void *ctx, const uint8_t *payload, size_t len)
{
    struct sink *s = ctx;
    assert_true(s->count < MAX_FRAMES);
    assert_int_equal(buf_append(&s->bytes, payload, len), 0);
    s->lens[s->count++] = len;
    if (s->stop_at != 0 && s->count == s->stop_at)
        return s->stop_rc;
    return 0;
}

static void sink_init(struct sink *s)
{
    memset(s, 0, sizeof *s);
    s->bytes = (struct buf)BUF_INIT;
}

/* A small deterministic generator (xorshift32), so failures reproduce. */
static uint32_t rng_next(uint32_t *state)
{
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* Appends a frame of len bytes whose content depends on seed to stream, and
 * the bare payload to payloads (when given). */
static void add_frame(struct buf *stream, struct buf *payloads, size_t len, uint32_t seed)
{
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, (uint32_t)len);
    assert_int_equal(buf_append(stream, hdr, sizeof hdr), 0);
    for (size_t i = 0; i < len; i++) {
        uint8_t b = (uint8_t)(rng_next(&seed) >> 24);
        assert_int_equal(buf_append(stream, &b, 1), 0);
        if (payloads != NULL)
            assert_int_equal(buf_append(payloads, &b, 1), 0);
    }
}

static void test_header_round_trip(void **state)
{
    (void)state;
    static const uint32_t values[] = {0, 1, 0x01020304u, UINT32_MAX};
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        uint8_t hdr[FRAME_HEADER_LEN];
        frame_put_header(hdr, values[i]);
        assert_int_equal(frame_get_header(hdr), values[i]);
    }
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, 0x01020304u);
    static const uint8_t big_endian[FRAME_HEADER_LEN] = {1, 2, 3, 4};
    assert_memory_equal(hdr, big_endian, sizeof hdr);
}

static void test_one_frame_one_feed(void **state)
{
    (void)state;
    static const uint8_t stream[] = {0, 0, 0, 5, 'h', 'e', 'l', 'l', 'o'};
    struct frame_decoder d;
    struct sink s;
    frame_decoder_init(&d, 1024);
    sink_init(&s);
    assert_int_equal(frame_decoder_feed(&d, stream, sizeof stream, collect, &s), 0);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.lens[0], 5);
    assert_memory_equal(s.bytes.data, "hello", 5);
    assert_false(frame_decoder_has_partial(&d));
    assert_int_equal(d.pending.cap, 0); /* passed in place, never copied */
    frame_decoder_free(&d);
    buf_free(&s.bytes);
}

static void test_many_frames_one_feed(void **state)
{
    (void)state;
    static const size_t lens[] = {1, 7, 300, 2, 1024};
    struct buf stream = BUF_INIT, payloads = BUF_INIT;
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++)
        add_frame(&stream, &payloads, lens[i], (uint32_t)(i + 1) * 7919u);

    struct frame_decoder d;
    struct sink s;
    frame_decoder_init(&d, 1024);
    sink_init(&s);
    assert_int_equal(frame_decoder_feed(&d, stream.data, stream.len, collect, &s), 0);
    assert_int_equal(s.count, sizeof lens / sizeof lens[0]);
    for (size_t i = 0; i < s.count; i++)
        assert_int_equal(s.lens[i], lens[i]);
    assert_int_equal(s.bytes.len, payloads.len);
    assert_memory_equal(s.bytes.data, payloads.data, payloads.len);
    assert_false(frame_decoder_has_partial(&d));
    frame_decoder_free(&d);
    buf_free(&s.bytes);
    buf_free(&stream);
    buf_free(&payloads);
}

/* Two frames, the stream cut in two at every offset: inside the first
 * header, inside the first payload, between the frames, inside the second
 * header and payload. */
static void test_split_at_every_boundary(void **state)
{
    (void)state;
    struct buf stream = BUF_INIT, payloads = BUF_INIT;
    add_frame(&stream, &payloads, 9, 11);
    add_frame(&stream, &payloads, 6, 13);

    for (size_t cut = 0; cut <= stream.len; cut++) {
        struct frame_decoder d;
        struct sink s;
        frame_decoder_init(&d, 64);
        sink_init(&s);
        assert_int_equal(frame_decoder_feed(&d, stream.data, cut, collect, &s), 0);
        assert_int_equal(frame_decoder_feed(&d, stream.data + cut, stream.len - cut, collect, &s), 0);
        assert_int_equal(s.count, 2);
        assert_int_equal(s.lens[0], 9);
        assert_int_equal(s.lens[1], 6);
        assert_memory_equal(s.bytes.data, payloads.data, payloads.len);
        assert_false(frame_decoder_has_partial(&d));
        assert_int_equal(d.pending.cap, 0);
        frame_decoder_free(&d);
        buf_free(&s.bytes);
    }
    buf_free(&stream);
    buf_free(&payloads);
}

static void test_byte_by_byte(void **state)
{
    (void)state;
    struct buf stream = BUF_INIT, payloads = BUF_INIT;
    add_frame(&stream, &payloads, 1, 3);
    add_frame(&stream, &payloads, 40, 5);
    add_frame(&stream, &payloads, 17, 7);

    struct frame_decoder d;
    struct sink s;
    frame_decoder_init(&d, 64);
    sink_init(&s);
    for (size_t i = 0; i < stream.len; i++) {
        assert_int_equal(frame_decoder_feed(&d, stream.data + i, 1, collect, &s), 0);
        /* A frame is pending exactly when the bytes so far end inside one. */
        int at_boundary = i + 1 == 5 || i + 1 == 5 + 44 || i + 1 == stream.len;
        assert_int_equal(frame_decoder_has_partial(&d), !at_boundary);
    }
    assert_int_equal(s.count, 3);
    assert_int_equal(s.lens[0], 1);
    assert_int_equal(s.lens[1], 40);
    assert_int_equal(s.lens[2], 17);
    assert_memory_equal(s.bytes.data, payloads.data, payloads.len);
    frame_decoder_free(&d);
    buf_free(&s.bytes);
    buf_free(&stream);
    buf_free(&payloads);
}

/* Many streams of several frames each, fed in chunks of random sizes; some
 * chunks are larger than a frame, some smaller than a header. */
static void test_random_splits(void **state)
{
    (void)state;
    uint32_t rng = 0x9e3779b9u;
    for (int iter = 0; iter < 2000; iter++) {
        struct buf stream = BUF_INIT, payloads = BUF_INIT;
        size_t nframes = 1 + rng_next(&rng) % 12;
        size_t lens[MAX_FRAMES];
        for (size_t i = 0; i < nframes; i++) {
            /* Mostly small frames, now and then one at the limit. */
            lens[i] = rng_next(&rng) % 8 == 0 ? 512 : 1 + rng_next(&rng) % 200;
            add_frame(&stream, &payloads, lens[i], rng_next(&rng) | 1u);
        }
        size_t max_chunk = 1 + rng_next(&rng) % 700;

        struct frame_decoder d;
        struct sink s;
        frame_decoder_init(&d, 512);
        sink_init(&s);
        size_t off = 0;
        while (off < stream.len) {
            size_t n = 1 + rng_next(&rng) % max_chunk;
            if (n > stream.len - off)
                n = stream.len - off;
            assert_int_equal(frame_decoder_feed(&d, stream.data + off, n, collect, &s), 0);
            off += n;
        }
        assert_int_equal(s.count, nframes);
        for (size_t i = 0; i < nframes; i++)
            assert_int_equal(s.lens[i], lens[i]);
        assert_int_equal(s.bytes.len, payloads.len);
        assert_memory_equal(s.bytes.data, payloads.data, payloads.len);
        assert_false(frame_decoder_has_partial(&d));
        assert_int_equal(d.pending.cap, 0);
        frame_decoder_free(&d);
        buf_free(&s.bytes);
        buf_free(&stream);
        buf_free(&payloads);
    }
}

static void test_zero_length_rejected(void **state)
{
    (void)state;
    static const uint8_t stream[] = {0, 0, 0, 0, 0x08, 0x01};
    struct frame_decoder d;
    struct sink s;

    frame_decoder_init(&d, 1024);
    sink_init(&s);
    assert_int_equal(frame_decoder_feed(&d, stream, sizeof stream, collect, &s), CAS_ETOOBIG);
    assert_int_equal(s.count, 0);
    assert_int_equal(frame_decoder_declared(&d), 0);
    frame_decoder_free(&d);

    /* The same header arriving a byte at a time. */
    frame_decoder_init(&d, 1024);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(frame_decoder_feed(&d, stream + i, 1, collect, &s), 0);
    assert_int_equal(frame_decoder_feed(&d, stream + 3, 1, collect, &s), CAS_ETOOBIG);
    assert_int_equal(s.count, 0);
    frame_decoder_free(&d);
}

static void test_over_max_rejected(void **state)
{
    (void)state;
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, 1025);
    struct frame_decoder d;
    struct sink s;
    sink_init(&s);

    frame_decoder_init(&d, 1024);
    assert_int_equal(frame_decoder_feed(&d, hdr, sizeof hdr, collect, &s), CAS_ETOOBIG);
    assert_int_equal(frame_decoder_declared(&d), 1025);
    frame_decoder_free(&d);

    frame_decoder_init(&d, 1024);
    assert_int_equal(frame_decoder_feed(&d, hdr, 2, collect, &s), 0);
    assert_int_equal(frame_decoder_feed(&d, hdr + 2, 2, collect, &s), CAS_ETOOBIG);
    assert_int_equal(frame_decoder_declared(&d), 1025);
    frame_decoder_free(&d);

    /* A good frame first, then a bad header in the same read. */
    struct buf stream = BUF_INIT;
    add_frame(&stream, NULL, 3, 1);
    assert_int_equal(buf_append(&stream, hdr, sizeof hdr), 0);
    frame_decoder_init(&d, 1024);
    assert_int_equal(frame_decoder_feed(&d, stream.data, stream.len, collect, &s), CAS_ETOOBIG);
    assert_int_equal(s.count, 1);
    assert_int_equal(frame_decoder_declared(&d), 1025);
    frame_decoder_free(&d);
    buf_free(&stream);
    buf_free(&s.bytes);
}

static void test_exact_max_accepted(void **state)
{
    (void)state;
    struct buf stream = BUF_INIT, payloads = BUF_INIT;
    add_frame(&stream, &payloads, 1024, 99);
    struct frame_decoder d;
    struct sink s;

    frame_decoder_init(&d, 1024);
    sink_init(&s);
    assert_int_equal(frame_decoder_feed(&d, stream.data, stream.len, collect, &s), 0);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.lens[0], 1024);
    assert_memory_equal(s.bytes.data, payloads.data, 1024);
    frame_decoder_free(&d);
    buf_free(&s.bytes);

    /* And through the slow path. */
    frame_decoder_init(&d, 1024);
    sink_init(&s);
    assert_int_equal(frame_decoder_feed(&d, stream.data, 3, collect, &s), 0);
    assert_int_equal(frame_decoder_feed(&d, stream.data + 3, stream.len - 3, collect, &s), 0);
    assert_int_equal(s.count, 1);
    assert_memory_equal(s.bytes.data, payloads.data, 1024);
    frame_decoder_free(&d);
    buf_free(&s.bytes);
    buf_free(&stream);
    buf_free(&payloads);
}

/* A peer that declares 4 GiB must not make us reserve anything for it. */
static void test_huge_declared_length(void **state)
{
    (void)state;
    static const uint8_t hdr[FRAME_HEADER_LEN] = {0xff, 0xff, 0xff, 0xff};
    struct frame_decoder d;
    struct sink s;
    sink_init(&s);

    frame_decoder_init(&d, FRAME_DEFAULT_MAX);
    assert_int_equal(frame_decoder_feed(&d, hdr, sizeof hdr, collect, &s), CAS_ETOOBIG);
    assert_int_equal(frame_decoder_declared(&d), UINT32_MAX);
    assert_int_equal(d.pending.cap, 0);
    frame_decoder_free(&d);

    frame_decoder_init(&d, FRAME_DEFAULT_MAX);
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(frame_decoder_feed(&d, hdr + i, 1, collect, &s), 0);
    assert_int_equal(frame_decoder_feed(&d, hdr + 3, 1, collect, &s), CAS_ETOOBIG);
    assert_int_equal(frame_decoder_declared(&d), UINT32_MAX);
    assert_true(d.pending.cap <= 256);
    assert_int_equal(s.count, 0);
    frame_decoder_free(&d);

    /* A frame at the limit that has barely started holds only what came. */
    uint8_t start[FRAME_HEADER_LEN + 10] = {0};
    frame_put_header(start, (uint32_t)FRAME_DEFAULT_MAX);
    frame_decoder_init(&d, FRAME_DEFAULT_MAX);
    assert_int_equal(frame_decoder_feed(&d, start, sizeof start, collect, &s), 0);
    assert_true(frame_decoder_has_partial(&d));
    assert_true(d.pending.cap <= 256);
    frame_decoder_free(&d);
}

static void test_truncated_frame(void **state)
{
    (void)state;
    struct buf stream = BUF_INIT;
    add_frame(&stream, NULL, 100, 5);
    struct frame_decoder d;
    struct sink s;
    sink_init(&s);

    frame_decoder_init(&d, 1024);
    assert_false(frame_decoder_has_partial(&d));
    assert_int_equal(frame_decoder_feed(&d, stream.data, FRAME_HEADER_LEN + 50, collect, &s), 0);
    assert_int_equal(s.count, 0);
    assert_true(frame_decoder_has_partial(&d));
    assert_int_equal(frame_decoder_declared(&d), 100);
    frame_decoder_free(&d);

    /* Half a header is a partial frame too. */
    frame_decoder_init(&d, 1024);
    assert_int_equal(frame_decoder_feed(&d, stream.data, 2, collect, &s), 0);
    assert_int_equal(s.count, 0);
    assert_true(frame_decoder_has_partial(&d));
    frame_decoder_free(&d);

    /* An empty feed changes nothing. */
    frame_decoder_init(&d, 1024);
    assert_int_equal(frame_decoder_feed(&d, stream.data, 0, collect, &s), 0);
    assert_false(frame_decoder_has_partial(&d));
    frame_decoder_free(&d);
    buf_free(&stream);
}

static void test_callback_stops_decoding(void **state)
{
    (void)state;
    struct buf stream = BUF_INIT;
    add_frame(&stream, NULL, 3, 1);
    add_frame(&stream, NULL, 4, 2);
    add_frame(&stream, NULL, 5, 3);
    struct frame_decoder d;
    struct sink s;

    /* Fast path: all frames in one read. */
    frame_decoder_init(&d, 1024);
    sink_init(&s);
    s.stop_at = 2;
    s.stop_rc = 42;
    assert_int_equal(frame_decoder_feed(&d, stream.data, stream.len, collect, &s), 42);
    assert_int_equal(s.count, 2);
    frame_decoder_free(&d);
    buf_free(&s.bytes);

    /* Slow path: the second frame completes from the pending buffer. */
    frame_decoder_init(&d, 1024);
    sink_init(&s);
    s.stop_at = 2;
    s.stop_rc = -77;
    size_t cut = FRAME_HEADER_LEN + 3 + 2; /* inside the second header */
    assert_int_equal(frame_decoder_feed(&d, stream.data, cut, collect, &s), 0);
    assert_int_equal(s.count, 1);
    assert_int_equal(frame_decoder_feed(&d, stream.data + cut, stream.len - cut, collect, &s), -77);
    assert_int_equal(s.count, 2);
    assert_int_equal(d.pending.cap, 0);
    frame_decoder_free(&d);
    buf_free(&s.bytes);
    buf_free(&stream);
}

static void test_pending_released_after_slow_frame(void **state)
{
    (void)state;
    struct buf stream = BUF_INIT;
    add_frame(&stream, NULL, 300, 17);
    struct frame_decoder d;
    struct sink s;
    frame_decoder_init(&d, 1024);
    sink_init(&s);
    assert_int_equal(frame_decoder_feed(&d, stream.data, 150, collect, &s), 0);
    assert_true(d.pending.cap > 0);
    assert_int_equal(frame_decoder_feed(&d, stream.data + 150, stream.len - 150, collect, &s), 0);
    assert_int_equal(s.count, 1);
    assert_int_equal(s.lens[0], 300);
    assert_false(frame_decoder_has_partial(&d));
    assert_int_equal(d.pending.cap, 0);
    assert_null(d.pending.data);
    frame_decoder_free(&d);
    buf_free(&s.bytes);
    buf_free(&stream);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header_round_trip),
        cmocka_unit_test(test_one_frame_one_feed),
        cmocka_unit_test(test_many_frames_one_feed),
        cmocka_unit_test(test_split_at_every_boundary),
        cmocka_unit_test(test_byte_by_byte),
        cmocka_unit_test(test_random_splits),
        cmocka_unit_test(test_zero_length_rejected),
        cmocka_unit_test(test_over_max_rejected),
        cmocka_unit_test(test_exact_max_accepted),
        cmocka_unit_test(test_huge_declared_length),
        cmocka_unit_test(test_truncated_frame),
        cmocka_unit_test(test_callback_stops_decoding),
        cmocka_unit_test(test_pending_released_after_slow_frame),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
