/* Tests of running the workshop's pure parts: durations as people type
 * them (common/duration.c), the agenda's timer arithmetic and its wire form
 * (common/agenda.c), and template files, good and bad (common/template.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agenda.h"
#include "duration.h"
#include "errors.h"
#include "template.h"

#define S 1000
#define MIN (60 * S)

/* ---- Durations ------------------------------------------------------------------ */

static int64_t parse_ok(const char *text, int plus_ok)
{
    int64_t ms = -1;
    char err[256] = "";
    assert_int_equal(duration_parse(text, plus_ok, &ms, err, sizeof err), 0);
    return ms;
}

static void parse_bad(const char *text, int plus_ok, const char *words)
{
    int64_t ms = -1;
    char err[256] = "";
    assert_int_equal(duration_parse(text, plus_ok, &ms, err, sizeof err), CAS_EINVAL);
    assert_int_equal(ms, -1);
    assert_non_null(strstr(err, words));
    assert_int_equal(err[strlen(err) - 1], '.'); /* one sentence */
}

static void test_duration_parse(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("90s", 0), 90 * S);
    assert_int_equal(parse_ok("5m", 0), 5 * MIN);
    assert_int_equal(parse_ok("1h", 0), 60 * MIN);
    assert_int_equal(parse_ok("1h30m", 0), 90 * MIN);
    assert_int_equal(parse_ok("1h 30m 15s", 0), 90 * MIN + 15 * S);
    assert_int_equal(parse_ok("+5m", 1), 5 * MIN);
    parse_bad("+5m", 0, "not a duration");
    parse_bad("", 0, "not a duration");
    parse_bad("15", 0, "needs a unit");
    parse_bad("15x", 0, "needs a unit");
    parse_bad("5m1h", 0, "hours, then minutes");
    parse_bad("5m5m", 0, "hours, then minutes");
    parse_bad("-5m", 1, "not a duration");
    parse_bad("0s", 0, "no time at all");
    parse_bad("99999999999999h", 0, "too long");
    parse_bad("m", 0, "not a duration");
    parse_bad(" 5m", 0, "not a duration");
}

static void test_duration_format(void **state)
{
    (void)state;
    char out[DURATION_TEXT_MAX];
    duration_format(90 * MIN, out, sizeof out);
    assert_string_equal(out, "1h30m");
    duration_format(90 * S, out, sizeof out);
    assert_string_equal(out, "1m30s");
    duration_format(0, out, sizeof out);
    assert_string_equal(out, "0s");
    duration_clock(12 * MIN + 34 * S, out, sizeof out);
    assert_string_equal(out, "12:34");
    duration_clock(12 * MIN + 33 * S + 1, out, sizeof out); /* rounded up while counting down */
    assert_string_equal(out, "12:34");
    duration_clock(0, out, sizeof out);
    assert_string_equal(out, "0:00");
    duration_clock(-65 * S, out, sizeof out);
    assert_string_equal(out, "-1:05");
    duration_clock(61 * MIN + 2 * S, out, sizeof out);
    assert_string_equal(out, "1:01:02");
    duration_words(2 * MIN, out, sizeof out);
    assert_string_equal(out, "2 minutes");
    duration_words(1 * S, out, sizeof out);
    assert_string_equal(out, "1 second");
}

/* ---- The timer ---------------------------------------------------------------------- */

static void three_steps(struct agenda *a)
{
    agenda_init(a);
    assert_int_equal(agenda_add(a, "One", "", 10 * MIN), 0);
    assert_int_equal(agenda_add(a, "Two", "Why?", 5 * MIN), 0);
    assert_int_equal(agenda_add(a, "Three", "", 1 * MIN), 0);
}

static void test_timer_runs_and_pauses(void **state)
{
    (void)state;
    struct agenda a;
    three_steps(&a);
    int64_t t = 1000000;
    assert_int_equal(agenda_projected_end(&a, t), t + 16 * MIN);
    agenda_enter(&a, 1, t, 2 * MIN);
    assert_int_equal(agenda_remaining(&a, t + 3 * MIN), 7 * MIN);
    agenda_pause(&a, t + 3 * MIN);
    assert_int_equal(agenda_remaining(&a, t + 30 * MIN), 7 * MIN); /* paused: no time passes */
    agenda_resume(&a, t + 30 * MIN);
    assert_int_equal(agenda_remaining(&a, t + 31 * MIN), 6 * MIN);
    assert_int_equal(agenda_projected_end(&a, t + 31 * MIN), t + 31 * MIN + 6 * MIN + 6 * MIN);
    agenda_extend(&a, 5 * MIN, t + 31 * MIN, 2 * MIN);
    assert_int_equal(agenda_remaining(&a, t + 31 * MIN), 11 * MIN);
    /* Folding (a checkpoint) changes nothing of the time left. */
    agenda_fold(&a, t + 32 * MIN);
    assert_int_equal(agenda_remaining(&a, t + 33 * MIN), 9 * MIN);
    assert_int_equal(a.steps[0].spent_ms, 5 * MIN); /* 3 before the pause, 2 after */
    agenda_free(&a);
}

static void test_timer_due_once(void **state)
{
    (void)state;
    struct agenda a;
    three_steps(&a);
    int64_t t = 5000000, warn = 2 * MIN;
    agenda_enter(&a, 2, t, warn);
    assert_int_equal(agenda_next_due_ms(&a, warn), t + 3 * MIN);
    assert_int_equal(agenda_due(&a, t + 2 * MIN, warn), AGENDA_DUE_NONE);
    assert_int_equal(agenda_due(&a, t + 3 * MIN, warn), AGENDA_DUE_WARNING);
    a.warned = 1;
    assert_int_equal(agenda_due(&a, t + 4 * MIN, warn), AGENDA_DUE_NONE);
    assert_int_equal(agenda_due(&a, t + 5 * MIN, warn), AGENDA_DUE_TIME_UP);
    a.timed_up = 1;
    assert_int_equal(agenda_due(&a, t + 50 * MIN, warn), AGENDA_DUE_NONE);
    assert_int_equal(agenda_next_due_ms(&a, warn), 0);
    /* An extension past the marks makes both due again, once each. */
    agenda_extend(&a, 10 * MIN, t + 6 * MIN, warn);
    assert_false(a.warned);
    assert_false(a.timed_up);
    assert_int_equal(agenda_due(&a, t + 13 * MIN, warn), AGENDA_DUE_WARNING);
    /* A step that slept past both owes only "time is up". */
    a.warned = 0;
    assert_int_equal(agenda_due(&a, t + 60 * MIN, warn), AGENDA_DUE_TIME_UP);
    /* A step no longer than the warning gets none. */
    agenda_enter(&a, 3, t, warn);
    assert_true(a.warned);
    assert_int_equal(agenda_due(&a, t + 30 * S, warn), AGENDA_DUE_NONE);
    agenda_free(&a);
}

static void test_steps_move_and_remove(void **state)
{
    (void)state;
    struct agenda a;
    three_steps(&a);
    agenda_enter(&a, 2, 0, 0);
    assert_int_equal(agenda_set_ready(&a, "alice", 1), 0);
    assert_int_equal(agenda_set_ready(&a, "alice", 1), 0);
    assert_int_equal(a.nready, 1);
    agenda_move(&a, 2, 3); /* the current step follows its step */
    assert_string_equal(a.steps[2].title, "Two");
    assert_int_equal(a.current, 3);
    agenda_move(&a, 1, 3);
    assert_string_equal(a.steps[0].title, "Three");
    assert_int_equal(a.current, 2);
    agenda_remove(&a, 1);
    assert_int_equal(a.current, 1);
    assert_string_equal(a.steps[0].title, "Two");
    agenda_enter(&a, 2, 0, 0); /* a new step clears the ready signals */
    assert_int_equal(a.nready, 0);
    for (int i = 0; i < AGENDA_MAX_STEPS; i++)
        (void)agenda_add(&a, "x", "", S);
    assert_int_equal(a.nsteps, AGENDA_MAX_STEPS);
    assert_int_equal(agenda_add(&a, "x", "", S), CAS_ETOOBIG);
    agenda_free(&a);
}

static void test_wire_round_trip(void **state)
{
    (void)state;
    struct agenda a, b;
    three_steps(&a);
    agenda_enter(&a, 2, 1000, 2 * MIN);
    assert_int_equal(agenda_set_ready(&a, "bob", 1), 0);
    struct agenda_wire w;
    assert_int_equal(agenda_to_wire(&a, 1000 + MIN, 7, 2 * MIN, &w), 0);
    assert_int_equal(w.msg.remaining_ms, 4 * MIN);
    assert_int_equal(w.msg.ends_ms, 1000 + 5 * MIN);
    assert_int_equal(w.msg.ready_of, 7);
    agenda_init(&b);
    assert_int_equal(agenda_from_wire(&b, &w.msg), 0);
    assert_int_equal(b.current, 2);
    assert_int_equal(b.nready, 1);
    assert_int_equal(agenda_remaining(&b, 1000 + MIN), 4 * MIN);
    /* Out of bounds: refused, not believed. */
    w.msg.current = 9;
    assert_int_equal(agenda_from_wire(&b, &w.msg), CAS_EINVAL);
    w.msg.current = 2;
    w.steps[0].planned_ms = 0;
    assert_int_equal(agenda_from_wire(&b, &w.msg), CAS_EINVAL);
    agenda_wire_free(&w);
    agenda_free(&a);
    agenda_free(&b);
}

/* ---- Templates ------------------------------------------------------------------------ */

static int parse(const char *name, const char *text, struct template *t, char *err, size_t errlen)
{
    return template_parse(name, "x.template", text, strlen(text), &okr_limits_default, t, err,
                          errlen);
}

static void bad(const char *text, const char *words)
{
    struct template t;
    char err[600] = "";
    assert_int_not_equal(parse("x", text, &t, err, sizeof err), 0);
    if (strstr(err, words) == NULL)
        fail_msg("'%s' lacks '%s'", err, words);
}

static void test_template_good(void **state)
{
    (void)state;
    struct template t;
    char err[600] = "";
    assert_int_equal(parse("retro", "# A retro\r\ntitle Retro\n\nstep 10m Gather\nprompt What "
                           "worked?\nstep 1h5m Decide", &t, err, sizeof err), 0);
    assert_string_equal(t.title, "Retro");
    assert_int_equal(t.agenda.nsteps, 2);
    assert_string_equal(t.agenda.steps[0].prompt, "What worked?");
    assert_int_equal(t.agenda.steps[1].planned_ms, 65 * MIN);
    template_free(&t);
}

static void test_template_bad(void **state)
{
    (void)state;
    bad("step 10m One\nstep ten Two\n", "x.template line 2: 'ten' is not a duration");
    bad("step 10m\n", "line 1: a step needs a duration and a title");
    bad("prompt Before any step\n", "line 1: a prompt belongs to the step above");
    bad("step 5m A\nprompt a\nprompt b\n", "line 3: a prompt belongs");
    bad("step 25h Long\n", "line 1: a step lasts from 1s to 24h");
    bad("title A\ntitle B\n", "line 2: the template has a title already");
    bad("steps 5m A\n", "line 1: lines start with 'title', 'step', 'prompt' or '#'");
    bad("step 5m \x01\n", "line 1:");
    bad("step 5m A\n\nstep 5m \xff\xfe\n", "line 3:");
    char line[TEMPLATE_MAX_LINE + 20];
    memset(line, 'a', sizeof line - 1);
    memcpy(line, "step 5m ", 8);
    line[sizeof line - 1] = '\0';
    bad(line, "line 1: a line is at most");
    /* Too many steps. */
    char *many = malloc(AGENDA_MAX_STEPS * 12 + 20);
    assert_non_null(many);
    many[0] = '\0';
    for (int i = 0; i <= AGENDA_MAX_STEPS; i++)
        strcat(many, "step 1m Go\n");
    bad(many, "line 51: a template has at most 50 steps");
    free(many);
    /* Too large a file, and a name that cannot be one. */
    struct template t;
    char err[600];
    assert_int_equal(template_parse("x", "x.template", "", TEMPLATE_MAX_BYTES + 1,
                                    &okr_limits_default, &t, err, sizeof err), CAS_ETOOBIG);
    assert_int_not_equal(parse("Bad Name", "", &t, err, sizeof err), 0);
    assert_int_not_equal(parse("../x", "", &t, err, sizeof err), 0);
}

static void test_template_builtins(void **state)
{
    (void)state;
    static const size_t STEPS[] = {6, 9, 0};
    for (size_t i = 0; i < TEMPLATE_BUILTIN_COUNT; i++) {
        struct template t;
        char err[600] = "";
        const char *text = template_builtin_text(i);
        assert_int_equal(template_parse(template_builtin_name(i), template_builtin_name(i), text,
                                        strlen(text), &okr_limits_default, &t, err, sizeof err),
                         0);
        assert_int_equal(t.agenda.nsteps, STEPS[i]);
        if (i == 0) { /* the two-hour workshop: 30/15/25/25/15/10 minutes */
            static const int MINUTES[] = {30, 15, 25, 25, 15, 10};
            for (size_t j = 0; j < 6; j++)
                assert_int_equal(t.agenda.steps[j].planned_ms, MINUTES[j] * MIN);
            assert_int_equal(agenda_total_ms(&t.agenda), 120 * MIN);
        }
        template_free(&t);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duration_parse),
        cmocka_unit_test(test_duration_format),
        cmocka_unit_test(test_timer_runs_and_pauses),
        cmocka_unit_test(test_timer_due_once),
        cmocka_unit_test(test_steps_move_and_remove),
        cmocka_unit_test(test_wire_round_trip),
        cmocka_unit_test(test_template_good),
        cmocka_unit_test(test_template_bad),
        cmocka_unit_test(test_template_builtins),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
