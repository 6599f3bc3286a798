/* A workshop's agenda and its shared timer as plain C, with the arithmetic
 * both sides need: the server keeps it (and decides when a warning or
 * "time is up" is due), clients read it from the wire to show steps,
 * countdowns and the projected end. Pure: every time is passed in (server
 * clock, Unix ms), nothing here reads a clock.
 *
 * Timing of the current step is one "run": it starts fresh when the step
 * becomes current (start, next, back), and its time left is
 *   planned + extra - elapsed,   elapsed = elapsed_ms + (now - resumed_ms)
 * while running (only elapsed_ms while paused). Folding the running time
 * into elapsed_ms (agenda_fold) changes nothing of that, which is how the
 * server checkpoints a running timer and skips the time it was down. */
#ifndef CASCADE_AGENDA_H
#define CASCADE_AGENDA_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define AGENDA_MAX_STEPS 50
#define AGENDA_MIN_STEP_MS ((int64_t)1000)
#define AGENDA_MAX_STEP_MS ((int64_t)24 * 3600 * 1000)
/* What extensions may add to one run, all together. */
#define AGENDA_MAX_EXTRA_MS ((int64_t)24 * 3600 * 1000)
/* Ready signals kept for one step; more participants than this is no
 * workshop. */
#define AGENDA_MAX_READY 10000

enum agenda_state { AGENDA_IDLE = 0, AGENDA_RUNNING = 1, AGENDA_PAUSED = 2, AGENDA_FINISHED = 3 };

struct agenda_step {
    char *title;
    char *prompt; /* "" when none */
    int64_t planned_ms;
    int64_t started_ms; /* first became current; 0: never */
    int64_t spent_ms;   /* time it ran, over all its visits, up to the last fold */
};

struct agenda {
    struct agenda_step *steps;
    size_t nsteps, cap_steps;
    size_t current; /* 1-based; 0: none */
    enum agenda_state state;
    int64_t elapsed_ms, resumed_ms, extra_ms;
    int warned, timed_up;
    char **ready; /* user names */
    size_t nready, cap_ready;
};

void agenda_init(struct agenda *a);
void agenda_free(struct agenda *a);

/* Copies src into dst (initialised or freed before). 0 or CAS_ENOMEM. */
int agenda_copy(struct agenda *dst, const struct agenda *src);

/* ---- The steps. Numbers are 1-based; the caller has checked them. ---- */

/* Appends a step (copies of the texts). 0, CAS_ENOMEM, or CAS_ETOOBIG past
 * AGENDA_MAX_STEPS. */
int agenda_add(struct agenda *a, const char *title, const char *prompt, int64_t planned_ms);

/* Replaces a text of step n (a copy). 0 or CAS_ENOMEM. */
int agenda_set_title(struct agenda *a, size_t n, const char *title);
int agenda_set_prompt(struct agenda *a, size_t n, const char *prompt);

/* Removes step n; the current step keeps being current (n is not it). */
void agenda_remove(struct agenda *a, size_t n);

/* Moves step n to position to; the current step follows its step. */
void agenda_move(struct agenda *a, size_t n, size_t to);

/* ---- The timer ---- */

/* Time the current run has taken at now. */
int64_t agenda_elapsed(const struct agenda *a, int64_t now_ms);

/* Time left of the current step at now (negative: over time); 0 when no
 * step is running or paused. */
int64_t agenda_remaining(const struct agenda *a, int64_t now_ms);

/* Folds the running time up to now into elapsed_ms and the current step's
 * spent_ms, so that resumed_ms becomes now. No change when not running. */
void agenda_fold(struct agenda *a, int64_t now_ms);

/* Makes step n (1-based) current with a fresh run, running, at now; the
 * ready signals clear. Used by start, next and back. */
void agenda_enter(struct agenda *a, size_t n, int64_t now_ms, int64_t warning_ms);

/* Past the last step: the timer stops (state FINISHED). */
void agenda_finish(struct agenda *a, int64_t now_ms);

void agenda_pause(struct agenda *a, int64_t now_ms);
void agenda_resume(struct agenda *a, int64_t now_ms);
void agenda_extend(struct agenda *a, int64_t ms, int64_t now_ms, int64_t warning_ms);

/* After a change to the current run's length (extend, a new planned time):
 * a warning or "time is up" already given is due again once the time left
 * is above its mark again, and a run no longer than the warning gets none. */
void agenda_rearm(struct agenda *a, int64_t now_ms, int64_t warning_ms);

enum agenda_due { AGENDA_DUE_NONE, AGENDA_DUE_WARNING, AGENDA_DUE_TIME_UP };

/* What the timer owes now: "time is up" once the time left reaches 0, the
 * warning once it is at most warning_ms. Each is given once per run (the
 * caller marks it with warned / timed_up); a time-up due also settles the
 * warning, so a run that was asleep past both gets only "time is up". */
enum agenda_due agenda_due(const struct agenda *a, int64_t now_ms, int64_t warning_ms);

/* When the timer next owes something (server clock), or 0 when never. */
int64_t agenda_next_due_ms(const struct agenda *a, int64_t warning_ms);

/* When the agenda is expected to end: now plus the current step's time
 * left (at least 0) and the planned time of every later step; for an
 * agenda not started, now plus all of it; 0 when finished or empty. */
int64_t agenda_projected_end(const struct agenda *a, int64_t now_ms);

/* Planned time of every step. */
int64_t agenda_total_ms(const struct agenda *a);

/* ---- Ready signals for the current step ---- */

int agenda_is_ready(const struct agenda *a, const char *name);
/* 0, CAS_ENOMEM, or CAS_ETOOBIG past AGENDA_MAX_READY. */
int agenda_set_ready(struct agenda *a, const char *name, int ready);
void agenda_clear_ready(struct agenda *a);

/* "idle", "running", "paused", "finished". */
const char *agenda_state_name(enum agenda_state s);

/* ---- The wire form ---- */

/* The wire message borrowing a's strings, with ends_ms, remaining_ms and
 * as_of_ms worked out at now and ready_of as given. Free with
 * agenda_wire_free (the strings stay a's). 0 or CAS_ENOMEM. */
struct agenda_wire {
    Cascade__V1__Agenda msg;
    Cascade__V1__AgendaStep *steps, **step_ptrs;
};
int agenda_to_wire(const struct agenda *a, int64_t now_ms, uint32_t ready_of, int64_t warning_ms,
                   struct agenda_wire *out);
void agenda_wire_free(struct agenda_wire *w);

/* Reads a wire agenda into a (freed and re-initialised first), holding it to
 * the limits above: at most AGENDA_MAX_STEPS steps, durations within
 * bounds, a current step that exists. 0, CAS_EINVAL or CAS_ENOMEM. */
int agenda_from_wire(struct agenda *a, const Cascade__V1__Agenda *m);

#endif
