#include "apply_agenda.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "duration.h"
#include "errors.h"

#define REFUSE_INVALID CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT

uint32_t apply_agenda_ready_of(const struct workshop *w)
{
    uint32_t n = 0;
    for (size_t i = 0; i < w->nparticipants; i++)
        if (w->participants[i].role == CASCADE__V1__ROLE__FACILITATOR ||
            w->participants[i].role == CASCADE__V1__ROLE__MEMBER)
            n++;
    return n;
}

int apply_agenda_handles(const WireFrame *req)
{
    switch (req->body_case) {
    case CASCADE__V1__FRAME__BODY_AGENDA_ADD:
    case CASCADE__V1__FRAME__BODY_AGENDA_EDIT:
    case CASCADE__V1__FRAME__BODY_AGENDA_REMOVE:
    case CASCADE__V1__FRAME__BODY_AGENDA_MOVE:
    case CASCADE__V1__FRAME__BODY_AGENDA_TIMER:
    case CASCADE__V1__FRAME__BODY_READY:
        return 1;
    default:
        return 0;
    }
}

/* ---- Describing a change ------------------------------------------------------- */

/* The texts an event's fields point to, kept until it is packed. */
struct texts {
    char planned[2][DURATION_TEXT_MAX];
    char left[DURATION_TEXT_MAX];
    char extra[DURATION_TEXT_MAX + 1];
};

/* Starts the event of a change to step n: its seq taken, the entity "Sn". */
static void begin(struct workshop *w, const struct apply_ctx *ctx, struct event_builder *eb,
                  const char *type, size_t n, struct apply_result *r)
{
    eb_init(eb, ctx, type, OKR_TEAM, 0);
    snprintf(eb->entity, sizeof eb->entity, "S%zu", n);
    snprintf(r->subject, sizeof r->subject, "%s", eb->entity);
    apply_take_seq(&w->state, r, (enum okr_kind)0, (uint32_t)n);
}

static int finish(struct workshop *w, struct event_builder *eb, uint64_t request_id,
                  struct apply_result *r)
{
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    return apply_finish(&w->state, eb, request_id, &ack, r);
}

static void number(struct event_builder *eb, const char *name, double v)
{
    eb_number(eb, name, NULL, &v);
}

/* ---- Checks ---------------------------------------------------------------------- */

static int check_step(const struct agenda *a, uint32_t n, struct apply_result *r)
{
    if (n == 0)
        return apply_refuse(r, REFUSE_INVALID, "Name a step by its number, 1 for the first.");
    if (n > a->nsteps)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                            "There is no step %u; the agenda has %zu step%s.", n, a->nsteps,
                            a->nsteps == 1 ? "" : "s");
    return 0;
}

static int check_planned(int64_t ms, struct apply_result *r)
{
    if (ms < AGENDA_MIN_STEP_MS || ms > AGENDA_MAX_STEP_MS) {
        char text[DURATION_TEXT_MAX];
        duration_format(ms, text, sizeof text);
        return apply_refuse(r, REFUSE_INVALID, "A step lasts from 1s to 24h, not %s.",
                            ms > 0 ? text : "nothing");
    }
    return 0;
}

static int under_way(const struct agenda *a)
{
    return a->state == AGENDA_RUNNING || a->state == AGENDA_PAUSED;
}

/* ---- The steps ------------------------------------------------------------------- */

static int step_add(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__AgendaAdd *m = req->agenda_add;
    const struct okr_limits *lim = apply_limits(ctx);
    struct agenda *a = &w->agenda;
    int rc;
    if ((rc = apply_check_text(m->title, "step title", lim->title, 1, 0, r)) != 0 ||
        (rc = apply_check_text(m->prompt, "prompt", lim->text, 0, 0, r)) != 0 ||
        (rc = check_planned(m->planned_ms, r)) != 0)
        return rc;
    if (a->nsteps >= AGENDA_MAX_STEPS)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                            "The agenda has %d steps, the most it may have.", AGENDA_MAX_STEPS);
    if (agenda_add(a, m->title, m->prompt, m->planned_ms) != 0)
        return apply_no_memory(r);
    const struct agenda_step *s = &a->steps[a->nsteps - 1];
    struct texts t;
    struct event_builder eb;
    begin(w, ctx, &eb, "agenda.add", a->nsteps, r);
    duration_format(s->planned_ms, t.planned[1], sizeof t.planned[1]);
    eb_text(&eb, "title", NULL, s->title);
    eb_text(&eb, "planned", NULL, t.planned[1]);
    if (s->prompt[0] != '\0')
        eb_text(&eb, "prompt", NULL, s->prompt);
    return finish(w, &eb, req->request_id, r);
}

static int step_edit(struct workshop *w, const struct apply_ctx *ctx, int64_t warning_ms,
                     const WireFrame *req, struct apply_result *r)
{
    static const char *const ALLOWED[] = {"title", "planned_ms", "prompt", NULL};
    const Cascade__V1__AgendaEdit *m = req->agenda_edit;
    const struct okr_limits *lim = apply_limits(ctx);
    struct agenda *a = &w->agenda;
    char entity[16];
    int rc;
    if ((rc = check_step(a, m->step, r)) != 0)
        return rc;
    snprintf(entity, sizeof entity, "step %u", m->step);
    int title = apply_names_field(m->fields, m->n_fields, "title");
    int planned = apply_names_field(m->fields, m->n_fields, "planned_ms");
    int prompt = apply_names_field(m->fields, m->n_fields, "prompt");
    if ((rc = apply_check_fields(m->fields, m->n_fields, ALLOWED, entity, r)) != 0 ||
        (title && (rc = apply_check_text(m->title, "step title", lim->title, 1, 0, r)) != 0) ||
        (prompt && (rc = apply_check_text(m->prompt, "prompt", lim->text, 0, 0, r)) != 0) ||
        (planned && (rc = check_planned(m->planned_ms, r)) != 0))
        return rc;
    struct agenda_step *s = &a->steps[m->step - 1];
    /* The old texts stay alive until the event is packed. */
    char *old_title = s->title, *old_prompt = s->prompt;
    char *new_title = title ? strdup(m->title) : NULL, *new_prompt = prompt ? strdup(m->prompt) : NULL;
    if ((title && new_title == NULL) || (prompt && new_prompt == NULL)) {
        free(new_title);
        free(new_prompt);
        return apply_no_memory(r);
    }
    struct texts t;
    struct event_builder eb;
    begin(w, ctx, &eb, "agenda.edit", m->step, r);
    if (title) {
        s->title = new_title;
        eb_text(&eb, "title", old_title, s->title);
    }
    if (planned) {
        duration_format(s->planned_ms, t.planned[0], sizeof t.planned[0]);
        duration_format(m->planned_ms, t.planned[1], sizeof t.planned[1]);
        s->planned_ms = m->planned_ms;
        eb_text(&eb, "planned", t.planned[0], t.planned[1]);
        if (a->current == m->step && under_way(a))
            agenda_rearm(a, ctx->now_ms, warning_ms);
    }
    if (prompt) {
        s->prompt = new_prompt;
        eb_text(&eb, "prompt", old_prompt, s->prompt);
    }
    rc = finish(w, &eb, req->request_id, r);
    if (title)
        free(old_title);
    if (prompt)
        free(old_prompt);
    return rc;
}

static int step_remove(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                       struct apply_result *r)
{
    const Cascade__V1__AgendaRemove *m = req->agenda_remove;
    struct agenda *a = &w->agenda;
    int rc;
    if ((rc = check_step(a, m->step, r)) != 0)
        return rc;
    if (a->current == m->step && under_way(a))
        return apply_refuse(r, REFUSE_INVALID,
                            "Step %u is under way; move on with 'cascade agenda next' before "
                            "removing it.", m->step);
    struct agenda_step *s = &a->steps[m->step - 1];
    struct texts t;
    struct event_builder eb;
    begin(w, ctx, &eb, "agenda.remove", m->step, r);
    duration_format(s->planned_ms, t.planned[0], sizeof t.planned[0]);
    eb_text(&eb, "title", s->title, NULL);
    eb_text(&eb, "planned", t.planned[0], NULL);
    rc = finish(w, &eb, req->request_id, r);
    if (rc == 0)
        agenda_remove(a, m->step);
    return rc;
}

static int step_move(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                     struct apply_result *r)
{
    const Cascade__V1__AgendaMove *m = req->agenda_move;
    struct agenda *a = &w->agenda;
    int rc;
    if ((rc = check_step(a, m->step, r)) != 0)
        return rc;
    if (m->to == 0 || m->to > a->nsteps)
        return apply_refuse(r, REFUSE_INVALID, "A step can move to a position from 1 to %zu, not %u.",
                            a->nsteps, m->to);
    struct event_builder eb;
    begin(w, ctx, &eb, "agenda.move", m->step, r);
    double from = m->step, to = m->to;
    eb_text(&eb, "title", NULL, a->steps[m->step - 1].title);
    eb_number(&eb, "position", &from, &to);
    rc = finish(w, &eb, req->request_id, r);
    if (rc == 0)
        agenda_move(a, m->step, m->to);
    return rc;
}

/* ---- The timer ------------------------------------------------------------------------ */

/* The event of a step becoming current (start, next, back). */
static int entered(struct workshop *w, const struct apply_ctx *ctx, const char *type,
                   enum agenda_state was, uint64_t request_id, struct apply_result *r)
{
    struct agenda *a = &w->agenda;
    const struct agenda_step *s = &a->steps[a->current - 1];
    struct texts t;
    struct event_builder eb;
    begin(w, ctx, &eb, type, a->current, r);
    duration_format(s->planned_ms, t.planned[1], sizeof t.planned[1]);
    eb_text(&eb, "title", NULL, s->title);
    eb_text(&eb, "planned", NULL, t.planned[1]);
    eb_text(&eb, "state", was != AGENDA_RUNNING ? agenda_state_name(was) : NULL,
            agenda_state_name(a->state));
    number(&eb, "steps", (double)a->nsteps);
    return finish(w, &eb, request_id, r);
}

static int timer(struct workshop *w, const struct apply_ctx *ctx, int64_t warning_ms,
                 const WireFrame *req, struct apply_result *r)
{
    const Cascade__V1__AgendaTimer *m = req->agenda_timer;
    struct agenda *a = &w->agenda;
    enum agenda_state was = a->state;
    int64_t now = ctx->now_ms;
    char where[64] = "";
    if (under_way(a))
        snprintf(where, sizeof where, " (step %zu of %zu)", a->current, a->nsteps);
    switch (m->action) {
    case CASCADE__V1__TIMER_ACTION__TIMER_START:
        if (under_way(a))
            return apply_refuse(r, REFUSE_INVALID,
                                "The agenda is under way already%s; use 'cascade agenda next' or "
                                "'cascade agenda back' to change steps.", where);
        if (a->nsteps == 0)
            return apply_refuse(r, REFUSE_INVALID,
                                "The agenda has no steps yet; add one with 'cascade agenda add "
                                "TITLE --for 15m'.");
        /* Starting again after the end begins a new run of the agenda. */
        for (size_t i = 0; i < a->nsteps; i++)
            a->steps[i].started_ms = a->steps[i].spent_ms = 0;
        agenda_enter(a, 1, now, warning_ms);
        return entered(w, ctx, "agenda.start", was, req->request_id, r);
    case CASCADE__V1__TIMER_ACTION__TIMER_NEXT:
        if (!under_way(a))
            return apply_refuse(r, REFUSE_INVALID,
                                "The agenda is not under way; start it with 'cascade agenda "
                                "start'.");
        if (a->current == a->nsteps) {
            struct event_builder eb;
            size_t last = a->current;
            agenda_finish(a, now);
            begin(w, ctx, &eb, "agenda.finish", last, r);
            eb_text(&eb, "state", agenda_state_name(was), agenda_state_name(a->state));
            number(&eb, "steps", (double)a->nsteps);
            return finish(w, &eb, req->request_id, r);
        }
        agenda_enter(a, a->current + 1, now, warning_ms);
        return entered(w, ctx, "agenda.next", was, req->request_id, r);
    case CASCADE__V1__TIMER_ACTION__TIMER_BACK:
        if (a->state == AGENDA_FINISHED && a->nsteps > 0) {
            agenda_enter(a, a->nsteps, now, warning_ms);
            return entered(w, ctx, "agenda.back", was, req->request_id, r);
        }
        if (!under_way(a))
            return apply_refuse(r, REFUSE_INVALID,
                                "The agenda is not under way; start it with 'cascade agenda "
                                "start'.");
        if (a->current == 1)
            return apply_refuse(r, REFUSE_INVALID,
                                "Step 1 is the first step; there is no step before it.");
        agenda_enter(a, a->current - 1, now, warning_ms);
        return entered(w, ctx, "agenda.back", was, req->request_id, r);
    case CASCADE__V1__TIMER_ACTION__TIMER_PAUSE:
    case CASCADE__V1__TIMER_ACTION__TIMER_RESUME: {
        int pause = m->action == CASCADE__V1__TIMER_ACTION__TIMER_PAUSE;
        if (pause && a->state != AGENDA_RUNNING)
            return apply_refuse(r, REFUSE_INVALID, "The timer is not running, so it cannot pause.");
        if (!pause && a->state != AGENDA_PAUSED)
            return apply_refuse(r, REFUSE_INVALID, "The timer is not paused, so it cannot resume.");
        if (pause)
            agenda_pause(a, now);
        else
            agenda_resume(a, now);
        struct texts t;
        struct event_builder eb;
        begin(w, ctx, &eb, pause ? "agenda.pause" : "agenda.resume", a->current, r);
        duration_clock(agenda_remaining(a, now), t.left, sizeof t.left);
        eb_text(&eb, "title", NULL, a->steps[a->current - 1].title);
        eb_text(&eb, "state", agenda_state_name(was), agenda_state_name(a->state));
        eb_text(&eb, "left", NULL, t.left);
        return finish(w, &eb, req->request_id, r);
    }
    case CASCADE__V1__TIMER_ACTION__TIMER_EXTEND: {
        if (!under_way(a))
            return apply_refuse(r, REFUSE_INVALID,
                                "No step is under way, so there is nothing to extend.");
        if (m->extend_ms < AGENDA_MIN_STEP_MS || m->extend_ms > AGENDA_MAX_EXTRA_MS)
            return apply_refuse(r, REFUSE_INVALID,
                                "A step can be extended by 1s to 24h at a time.");
        if (a->extra_ms + m->extend_ms > AGENDA_MAX_EXTRA_MS)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                                "Step %zu has been extended by as much as it may be (24h in all).",
                                a->current);
        agenda_extend(a, m->extend_ms, now, warning_ms);
        struct texts t;
        struct event_builder eb;
        begin(w, ctx, &eb, "agenda.extend", a->current, r);
        t.extra[0] = '+';
        duration_format(m->extend_ms, t.extra + 1, sizeof t.extra - 1);
        duration_clock(agenda_remaining(a, now), t.left, sizeof t.left);
        eb_text(&eb, "title", NULL, a->steps[a->current - 1].title);
        eb_text(&eb, "by", NULL, t.extra);
        eb_text(&eb, "left", NULL, t.left);
        return finish(w, &eb, req->request_id, r);
    }
    default:
        return apply_refuse(r, REFUSE_INVALID,
                            "The timer takes start, next, back, pause, resume or extend.");
    }
}

static int ready(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result *r)
{
    struct agenda *a = &w->agenda;
    int on = !req->ready->undo;
    if (!under_way(a))
        return apply_refuse(r, REFUSE_INVALID,
                            "No step is under way, so there is nothing to be ready for.");
    int rc = agenda_set_ready(a, ctx->actor, on);
    if (rc == CAS_ETOOBIG)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                            "Step %zu has as many ready signals as it may keep.", a->current);
    if (rc != 0)
        return apply_no_memory(r);
    struct event_builder eb;
    int flag = on;
    begin(w, ctx, &eb, "agenda.ready", a->current, r);
    eb_text(&eb, "user", NULL, ctx->actor);
    eb_flag(&eb, "ready", NULL, &flag);
    number(&eb, "count", (double)a->nready);
    number(&eb, "of", (double)apply_agenda_ready_of(w));
    return finish(w, &eb, req->request_id, r);
}

int apply_agenda(struct workshop *w, const struct apply_ctx *ctx, int64_t warning_ms,
                 const WireFrame *req, struct apply_result *r)
{
    memset(r, 0, sizeof *r);
    switch (req->body_case) {
    case CASCADE__V1__FRAME__BODY_AGENDA_ADD: return step_add(w, ctx, req, r);
    case CASCADE__V1__FRAME__BODY_AGENDA_EDIT: return step_edit(w, ctx, warning_ms, req, r);
    case CASCADE__V1__FRAME__BODY_AGENDA_REMOVE: return step_remove(w, ctx, req, r);
    case CASCADE__V1__FRAME__BODY_AGENDA_MOVE: return step_move(w, ctx, req, r);
    case CASCADE__V1__FRAME__BODY_AGENDA_TIMER: return timer(w, ctx, warning_ms, req, r);
    case CASCADE__V1__FRAME__BODY_READY: return ready(w, ctx, req, r);
    default:
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST,
                            "'%s' is not a change to the agenda.", wire_body_name(req));
    }
}

int apply_agenda_tick(struct workshop *w, const struct apply_ctx *ctx, int64_t warning_ms,
                      struct apply_result *r)
{
    memset(r, 0, sizeof *r);
    struct agenda *a = &w->agenda;
    enum agenda_due due = agenda_due(a, ctx->now_ms, warning_ms);
    if (due == AGENDA_DUE_NONE)
        return 0;
    struct texts t;
    struct event_builder eb;
    const struct agenda_step *s = &a->steps[a->current - 1];
    int up = due == AGENDA_DUE_TIME_UP;
    begin(w, ctx, &eb, up ? "agenda.timeup" : "agenda.warning", a->current, r);
    eb_text(&eb, "title", NULL, s->title);
    if (!up) {
        /* The mark, not the moment's exact time left, which a busy loop
         * may have passed by a few milliseconds. */
        duration_words(warning_ms, t.left, sizeof t.left);
        eb_text(&eb, "left", NULL, t.left);
    }
    int rc = finish(w, &eb, 0, r);
    if (rc != 0) {
        w->state.seq--; /* nothing happened */
        apply_result_free(r);
        return rc;
    }
    a->warned = 1;
    if (up)
        a->timed_up = 1;
    return 1;
}

int apply_agenda_template_step(struct workshop *w, const struct apply_ctx *ctx,
                               const struct template *t, size_t i, uint64_t request_id,
                               struct apply_result *r)
{
    const struct agenda_step *s = &t->agenda.steps[i];
    Cascade__V1__AgendaAdd m = CASCADE__V1__AGENDA_ADD__INIT;
    m.title = s->title;
    m.prompt = s->prompt;
    m.planned_ms = s->planned_ms;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_AGENDA_ADD;
    f.agenda_add = &m;
    memset(r, 0, sizeof *r);
    return step_add(w, ctx, &f, r);
}
