#include "agenda.h"

#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "errors.h"

void agenda_init(struct agenda *a)
{
    memset(a, 0, sizeof *a);
}

static void step_clear(struct agenda_step *s)
{
    free(s->title);
    free(s->prompt);
    memset(s, 0, sizeof *s);
}

void agenda_free(struct agenda *a)
{
    for (size_t i = 0; i < a->nsteps; i++)
        step_clear(&a->steps[i]);
    free(a->steps);
    agenda_clear_ready(a);
    free(a->ready);
    agenda_init(a);
}

int agenda_copy(struct agenda *dst, const struct agenda *src)
{
    agenda_init(dst);
    for (size_t i = 0; i < src->nsteps; i++) {
        const struct agenda_step *s = &src->steps[i];
        if (agenda_add(dst, s->title, s->prompt, s->planned_ms) != 0)
            goto fail;
        dst->steps[i].started_ms = s->started_ms;
        dst->steps[i].spent_ms = s->spent_ms;
    }
    for (size_t i = 0; i < src->nready; i++)
        if (agenda_set_ready(dst, src->ready[i], 1) != 0)
            goto fail;
    dst->current = src->current;
    dst->state = src->state;
    dst->elapsed_ms = src->elapsed_ms;
    dst->resumed_ms = src->resumed_ms;
    dst->extra_ms = src->extra_ms;
    dst->warned = src->warned;
    dst->timed_up = src->timed_up;
    return 0;
fail:
    agenda_free(dst);
    return CAS_ENOMEM;
}

int agenda_add(struct agenda *a, const char *title, const char *prompt, int64_t planned_ms)
{
    if (a->nsteps >= AGENDA_MAX_STEPS)
        return CAS_ETOOBIG;
    if (ARRAY_GROW(a->steps, a->cap_steps, a->nsteps + 1) != 0)
        return CAS_ENOMEM;
    struct agenda_step s = {.title = strdup(title), .prompt = strdup(prompt != NULL ? prompt : ""),
                            .planned_ms = planned_ms};
    if (s.title == NULL || s.prompt == NULL) {
        step_clear(&s);
        return CAS_ENOMEM;
    }
    a->steps[a->nsteps++] = s;
    return 0;
}

static int replace(char **field, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return CAS_ENOMEM;
    free(*field);
    *field = copy;
    return 0;
}

int agenda_set_title(struct agenda *a, size_t n, const char *title)
{
    return replace(&a->steps[n - 1].title, title);
}

int agenda_set_prompt(struct agenda *a, size_t n, const char *prompt)
{
    return replace(&a->steps[n - 1].prompt, prompt);
}

void agenda_remove(struct agenda *a, size_t n)
{
    step_clear(&a->steps[n - 1]);
    memmove(&a->steps[n - 1], &a->steps[n], (a->nsteps - n) * sizeof *a->steps);
    a->nsteps--;
    if (a->current > n)
        a->current--;
}

void agenda_move(struct agenda *a, size_t n, size_t to)
{
    if (n == to)
        return;
    struct agenda_step s = a->steps[n - 1];
    if (n < to)
        memmove(&a->steps[n - 1], &a->steps[n], (to - n) * sizeof s);
    else
        memmove(&a->steps[to], &a->steps[to - 1], (n - to) * sizeof s);
    a->steps[to - 1] = s;
    if (a->current == n)
        a->current = to;
    else if (n < to && a->current > n && a->current <= to)
        a->current--;
    else if (to < n && a->current >= to && a->current < n)
        a->current++;
}

int64_t agenda_elapsed(const struct agenda *a, int64_t now_ms)
{
    int64_t e = a->elapsed_ms;
    if (a->state == AGENDA_RUNNING && now_ms > a->resumed_ms)
        e += now_ms - a->resumed_ms;
    return e;
}

int64_t agenda_remaining(const struct agenda *a, int64_t now_ms)
{
    if ((a->state != AGENDA_RUNNING && a->state != AGENDA_PAUSED) || a->current == 0 ||
        a->current > a->nsteps)
        return 0;
    return a->steps[a->current - 1].planned_ms + a->extra_ms - agenda_elapsed(a, now_ms);
}

void agenda_fold(struct agenda *a, int64_t now_ms)
{
    if (a->state != AGENDA_RUNNING)
        return;
    int64_t ran = now_ms > a->resumed_ms ? now_ms - a->resumed_ms : 0;
    a->elapsed_ms += ran;
    if (a->current >= 1 && a->current <= a->nsteps)
        a->steps[a->current - 1].spent_ms += ran;
    a->resumed_ms = now_ms;
}

void agenda_enter(struct agenda *a, size_t n, int64_t now_ms, int64_t warning_ms)
{
    agenda_fold(a, now_ms);
    a->current = n;
    a->state = AGENDA_RUNNING;
    a->elapsed_ms = 0;
    a->resumed_ms = now_ms;
    a->extra_ms = 0;
    a->warned = 0;
    a->timed_up = 0;
    if (a->steps[n - 1].started_ms == 0)
        a->steps[n - 1].started_ms = now_ms;
    agenda_clear_ready(a);
    agenda_rearm(a, now_ms, warning_ms);
}

void agenda_finish(struct agenda *a, int64_t now_ms)
{
    agenda_fold(a, now_ms);
    a->current = 0;
    a->state = AGENDA_FINISHED;
    a->elapsed_ms = a->extra_ms = 0;
    a->resumed_ms = now_ms;
    a->warned = a->timed_up = 1;
    agenda_clear_ready(a);
}

void agenda_pause(struct agenda *a, int64_t now_ms)
{
    agenda_fold(a, now_ms);
    a->state = AGENDA_PAUSED;
}

void agenda_resume(struct agenda *a, int64_t now_ms)
{
    a->state = AGENDA_RUNNING;
    a->resumed_ms = now_ms;
}

void agenda_extend(struct agenda *a, int64_t ms, int64_t now_ms, int64_t warning_ms)
{
    a->extra_ms += ms;
    agenda_rearm(a, now_ms, warning_ms);
}

void agenda_rearm(struct agenda *a, int64_t now_ms, int64_t warning_ms)
{
    if (a->current == 0 || a->current > a->nsteps)
        return;
    int64_t left = agenda_remaining(a, now_ms);
    int64_t length = a->steps[a->current - 1].planned_ms + a->extra_ms;
    if (left > 0)
        a->timed_up = 0;
    /* A warning at the very start of a run would say nothing. */
    if (left > warning_ms && length > warning_ms)
        a->warned = 0;
    if (length <= warning_ms)
        a->warned = 1;
}

enum agenda_due agenda_due(const struct agenda *a, int64_t now_ms, int64_t warning_ms)
{
    if (a->state != AGENDA_RUNNING)
        return AGENDA_DUE_NONE;
    int64_t left = agenda_remaining(a, now_ms);
    if (!a->timed_up && left <= 0)
        return AGENDA_DUE_TIME_UP;
    if (!a->warned && left <= warning_ms)
        return AGENDA_DUE_WARNING;
    return AGENDA_DUE_NONE;
}

int64_t agenda_next_due_ms(const struct agenda *a, int64_t warning_ms)
{
    if (a->state != AGENDA_RUNNING || a->current == 0 || a->current > a->nsteps)
        return 0;
    int64_t ends = a->resumed_ms + a->steps[a->current - 1].planned_ms + a->extra_ms -
                   a->elapsed_ms;
    if (!a->warned)
        return ends - warning_ms;
    if (!a->timed_up)
        return ends;
    return 0;
}

int64_t agenda_total_ms(const struct agenda *a)
{
    int64_t t = 0;
    for (size_t i = 0; i < a->nsteps; i++)
        t += a->steps[i].planned_ms;
    return t;
}

int64_t agenda_projected_end(const struct agenda *a, int64_t now_ms)
{
    if (a->nsteps == 0 || a->state == AGENDA_FINISHED)
        return 0;
    if (a->state == AGENDA_IDLE || a->current == 0)
        return now_ms + agenda_total_ms(a);
    int64_t left = agenda_remaining(a, now_ms);
    int64_t end = now_ms + (left > 0 ? left : 0);
    for (size_t i = a->current; i < a->nsteps; i++)
        end += a->steps[i].planned_ms;
    return end;
}

int agenda_is_ready(const struct agenda *a, const char *name)
{
    for (size_t i = 0; i < a->nready; i++)
        if (strcmp(a->ready[i], name) == 0)
            return 1;
    return 0;
}

int agenda_set_ready(struct agenda *a, const char *name, int ready)
{
    for (size_t i = 0; i < a->nready; i++) {
        if (strcmp(a->ready[i], name) != 0)
            continue;
        if (!ready) {
            free(a->ready[i]);
            a->ready[i] = a->ready[--a->nready];
        }
        return 0;
    }
    if (!ready)
        return 0;
    if (a->nready >= AGENDA_MAX_READY)
        return CAS_ETOOBIG;
    if (ARRAY_GROW(a->ready, a->cap_ready, a->nready + 1) != 0)
        return CAS_ENOMEM;
    char *copy = strdup(name);
    if (copy == NULL)
        return CAS_ENOMEM;
    a->ready[a->nready++] = copy;
    return 0;
}

void agenda_clear_ready(struct agenda *a)
{
    for (size_t i = 0; i < a->nready; i++)
        free(a->ready[i]);
    a->nready = 0;
}

const char *agenda_state_name(enum agenda_state s)
{
    switch (s) {
    case AGENDA_RUNNING: return "running";
    case AGENDA_PAUSED: return "paused";
    case AGENDA_FINISHED: return "finished";
    default: return "idle";
    }
}

int agenda_to_wire(const struct agenda *a, int64_t now_ms, uint32_t ready_of, int64_t warning_ms,
                   struct agenda_wire *out)
{
    memset(out, 0, sizeof *out);
    cascade__v1__agenda__init(&out->msg);
    out->steps = calloc(a->nsteps + 1, sizeof *out->steps);
    out->step_ptrs = calloc(a->nsteps + 1, sizeof *out->step_ptrs);
    if (out->steps == NULL || out->step_ptrs == NULL) {
        agenda_wire_free(out);
        return CAS_ENOMEM;
    }
    for (size_t i = 0; i < a->nsteps; i++) {
        Cascade__V1__AgendaStep *w = &out->steps[i];
        const struct agenda_step *s = &a->steps[i];
        cascade__v1__agenda_step__init(w);
        w->title = s->title;
        w->prompt = s->prompt;
        w->planned_ms = s->planned_ms;
        w->started_ms = s->started_ms;
        w->spent_ms = s->spent_ms;
        if (a->state == AGENDA_RUNNING && i + 1 == a->current && now_ms > a->resumed_ms)
            w->spent_ms += now_ms - a->resumed_ms;
        out->step_ptrs[i] = w;
    }
    Cascade__V1__Agenda *m = &out->msg;
    m->n_steps = a->nsteps;
    m->steps = out->step_ptrs;
    m->current = (uint32_t)a->current;
    m->state = (Cascade__V1__TimerState)a->state;
    m->elapsed_ms = a->elapsed_ms;
    m->resumed_ms = a->resumed_ms;
    m->extra_ms = a->extra_ms;
    m->warned = a->warned != 0;
    m->timed_up = a->timed_up != 0;
    m->n_ready = a->nready;
    m->ready = a->ready;
    m->ready_of = ready_of;
    m->remaining_ms = agenda_remaining(a, now_ms);
    if (a->state == AGENDA_RUNNING)
        m->ends_ms = now_ms + m->remaining_ms;
    m->as_of_ms = now_ms;
    m->warning_ms = warning_ms;
    return 0;
}

void agenda_wire_free(struct agenda_wire *w)
{
    free(w->steps);
    free(w->step_ptrs);
    memset(w, 0, sizeof *w);
}

int agenda_from_wire(struct agenda *a, const Cascade__V1__Agenda *m)
{
    agenda_free(a);
    if (m->n_steps > AGENDA_MAX_STEPS || m->current > m->n_steps || m->state > 3 ||
        m->n_ready > AGENDA_MAX_READY || m->extra_ms < 0 || m->extra_ms > AGENDA_MAX_EXTRA_MS ||
        m->elapsed_ms < 0)
        return CAS_EINVAL;
    for (size_t i = 0; i < m->n_steps; i++) {
        const Cascade__V1__AgendaStep *s = m->steps[i];
        if (s->planned_ms < AGENDA_MIN_STEP_MS || s->planned_ms > AGENDA_MAX_STEP_MS)
            goto invalid;
        int rc = agenda_add(a, s->title, s->prompt, s->planned_ms);
        if (rc != 0) {
            agenda_free(a);
            return rc;
        }
        a->steps[i].started_ms = s->started_ms;
        a->steps[i].spent_ms = s->spent_ms > 0 ? s->spent_ms : 0;
    }
    for (size_t i = 0; i < m->n_ready; i++)
        if (agenda_set_ready(a, m->ready[i], 1) != 0) {
            agenda_free(a);
            return CAS_ENOMEM;
        }
    a->current = m->current;
    a->state = (enum agenda_state)m->state;
    if ((a->state == AGENDA_RUNNING || a->state == AGENDA_PAUSED) && a->current == 0)
        goto invalid;
    a->elapsed_ms = m->elapsed_ms;
    a->resumed_ms = m->resumed_ms;
    a->extra_ms = m->extra_ms;
    a->warned = m->warned;
    a->timed_up = m->timed_up;
    return 0;
invalid:
    agenda_free(a);
    return CAS_EINVAL;
}
