/* The replay's pacing (replay_pause_ms) and its tape of packed events
 * (history_tape, client/history.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "history.h"
#include "replay.h"

static void pauses(void **state)
{
    (void)state;
    int cut;
    assert_int_equal(replay_pause_ms(1000, 11000, 10, &cut), 1000);
    assert_false(cut);
    assert_int_equal(replay_pause_ms(1000, 11000, 1, &cut), REPLAY_GAP_MAX_MS);
    assert_true(cut);
    assert_int_equal(replay_pause_ms(1000, 11000, 0, &cut), 0); /* max: none */
    assert_false(cut);
    assert_int_equal(replay_pause_ms(5000, 4000, 10, &cut), 0); /* a clock set back */
    assert_int_equal(replay_pause_ms(0, 3, 0.5, &cut), 6);
}

static void tape_keeps_events_in_order(void **state)
{
    (void)state;
    struct history_tape t = {0};
    char entity[16];
    for (uint64_t seq = 1; seq <= 1000; seq++) {
        Cascade__V1__Event ev = CASCADE__V1__EVENT__INIT;
        snprintf(entity, sizeof entity, "K%llu", (unsigned long long)seq);
        ev.seq = seq;
        ev.type = "kr.checkin";
        ev.entity = entity;
        ev.actor = "alice";
        ev.time_ms = (int64_t)seq * 1000;
        assert_int_equal(history_tape_add(&t, &ev), 0);
    }
    assert_int_equal(t.count, 1000);
    Cascade__V1__Event *ev;
    uint64_t want = 1;
    while ((ev = history_tape_next(&t)) != NULL) {
        assert_int_equal(ev->seq, want);
        snprintf(entity, sizeof entity, "K%llu", (unsigned long long)want);
        assert_string_equal(ev->entity, entity);
        assert_int_equal(ev->time_ms, (int64_t)want * 1000);
        cascade__v1__event__free_unpacked(ev, NULL);
        want++;
    }
    assert_int_equal(want, 1001);
    history_tape_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pauses),
        cmocka_unit_test(tape_keeps_events_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
