/* The bench's own logic: the event scanner that stands in for protobuf-c on
 * the bench's hot path (checked against protobuf-c's encoding, and against
 * malformed bytes), and the tracker that matches deliveries to edits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "bench_scan.h"
#include "bench_stats.h"
#include "buf.h"
#include "frame.h"
#include "wire.h"

/* Packs an Event frame (without the length header) with the given changes
 * of "current" (a number) and of other fields, as the server does. */
static struct buf pack_event(const double *currents, size_t ncurrents, int with_text_field)
{
    Cascade__V1__FieldChange changes[8], *ptrs[8];
    Cascade__V1__Value values[16];
    size_t n = 0, nv = 0;
    if (with_text_field) {
        cascade__v1__field_change__init(&changes[n]);
        changes[n].field = "note";
        cascade__v1__value__init(&values[nv]);
        values[nv].kind_case = CASCADE__V1__VALUE__KIND_TEXT;
        values[nv].text = "current"; /* a text that reads like the field name */
        changes[n].new_value = &values[nv++];
        ptrs[n] = &changes[n];
        n++;
    }
    for (size_t i = 0; i < ncurrents; i++) {
        cascade__v1__field_change__init(&changes[n]);
        changes[n].field = "current";
        cascade__v1__value__init(&values[nv]);
        values[nv].kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
        values[nv].number = currents[i] - 1; /* the old value comes first */
        changes[n].old_value = &values[nv++];
        cascade__v1__value__init(&values[nv]);
        values[nv].kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
        values[nv].number = currents[i];
        changes[n].new_value = &values[nv++];
        ptrs[n] = &changes[n];
        n++;
    }
    Cascade__V1__Event ev = CASCADE__V1__EVENT__INIT;
    ev.workshop = "ABCDEF";
    ev.seq = 77;
    ev.actor = "alice";
    ev.type = "kr.checkin";
    ev.entity = "K1";
    ev.n_changes = n;
    ev.changes = ptrs;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_EVENT;
    f.event = &ev;
    struct buf b = BUF_INIT;
    assert_int_equal(wire_pack(&f, SIZE_MAX, &b), 0);
    buf_consume(&b, FRAME_HEADER_LEN);
    return b;
}

static void test_scan_finds_the_stamp(void **state)
{
    (void)state;
    double stamps[4];
    double one[] = {123456789.0};
    struct buf b = pack_event(one, 1, 1);
    assert_int_equal(bench_scan_event(b.data, b.len, stamps, 4), 1);
    assert_true(stamps[0] == 123456789.0); /* the new value, not the old one */
    buf_free(&b);

    double two[] = {5, 9};
    b = pack_event(two, 2, 0);
    assert_int_equal(bench_scan_event(b.data, b.len, stamps, 4), 2);
    assert_true(stamps[0] == 5 && stamps[1] == 9);
    assert_int_equal(bench_scan_event(b.data, b.len, stamps, 1), 1); /* at most max */
    buf_free(&b);

    b = pack_event(NULL, 0, 1); /* an event without "current" */
    assert_int_equal(bench_scan_event(b.data, b.len, stamps, 4), 0);
    buf_free(&b);
}

/* Other frames are left to protobuf-c. */
static void test_scan_declines_other_frames(void **state)
{
    (void)state;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.seq = 3;
    ack.id = "K1";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = 9;
    f.body_case = CASCADE__V1__FRAME__BODY_ACK;
    f.ack = &ack;
    struct buf b = BUF_INIT;
    assert_int_equal(wire_pack(&f, SIZE_MAX, &b), 0);
    double stamps[4];
    assert_int_equal(bench_scan_event(b.data + FRAME_HEADER_LEN, b.len - FRAME_HEADER_LEN, stamps,
                                      4),
                     -1);
    buf_free(&b);
}

/* Every truncation of a real event, and bytes that are not protobuf, are
 * refused (-1) or read without a stamp, never read past their end (ASan
 * watches: each is copied into a buffer of exactly its length). */
static void test_scan_survives_bad_bytes(void **state)
{
    (void)state;
    double one[] = {42};
    struct buf b = pack_event(one, 1, 1);
    double stamps[4];
    for (size_t len = 0; len < b.len; len++) {
        uint8_t *cut = malloc(len ? len : 1);
        memcpy(cut, b.data, len);
        int n = bench_scan_event(cut, len, stamps, 4);
        assert_true(n == -1 || n == 0);
        free(cut);
    }
    static const uint8_t junk[][6] = {
        {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}, /* an endless varint */
        {0xB2, 0x06, 0x7F, 0, 0, 0},          /* field 102, length 127 of 3 bytes */
        {0x0F, 0, 0, 0, 0, 0},                /* wire type 7 */
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++)
        assert_int_equal(bench_scan_event(junk[i], sizeof junk[i], stamps, 4), -1);
    buf_free(&b);
}

/* Deliveries are matched to edits by stamp; an edit's latency counts once
 * every expected watcher has it; extra or unknown deliveries are counted
 * apart. */
static void test_tracker_matches_and_summarises(void **state)
{
    (void)state;
    struct tracker t = {0};
    assert_int_equal(tracker_sent(&t, 1000, 2), 0);
    assert_int_equal(tracker_sent(&t, 2000, 2), 0);
    assert_int_equal(tracker_sent(&t, 3000, 1), 0);
    tracker_delivered(&t, 1000, 1500);
    tracker_delivered(&t, 1000, 4000); /* the last watcher: 3 ms */
    tracker_delivered(&t, 2000, 2100);
    tracker_delivered(&t, 3000, 4000); /* 1 ms */
    tracker_delivered(&t, 3000, 4100); /* one too many */
    tracker_delivered(&t, 2500, 4200); /* no such edit */
    assert_int_equal(t.deliveries, 4);
    assert_int_equal(t.unmatched, 2);
    assert_int_equal(tracker_incomplete(&t), 1); /* 2000 reached one of two */
    struct latency_summary s = tracker_latency(&t);
    assert_int_equal(s.count, 2);
    assert_true(s.p50 == 1.0 && s.max == 3.0 && s.p99 == 3.0);
    assert_true(tracker_stamp(&t) > 3000); /* stamps keep increasing */
    tracker_free(&t);
}

static void test_percentiles_by_nearest_rank(void **state)
{
    (void)state;
    struct tracker t = {0};
    for (uint64_t i = 1; i <= 100; i++) {
        assert_int_equal(tracker_sent(&t, i * 1000000, 1), 0);
        tracker_delivered(&t, i * 1000000, i * 1000000 + i * 1000); /* i ms */
    }
    struct latency_summary s = tracker_latency(&t);
    assert_true(s.p50 == 50.0 && s.p90 == 90.0 && s.p99 == 99.0 && s.max == 100.0);
    tracker_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_finds_the_stamp),
        cmocka_unit_test(test_scan_declines_other_frames),
        cmocka_unit_test(test_scan_survives_bad_bytes),
        cmocka_unit_test(test_tracker_matches_and_summarises),
        cmocka_unit_test(test_percentiles_by_nearest_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
