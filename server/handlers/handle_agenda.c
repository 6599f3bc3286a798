/* Running the workshop: its agenda and shared timer, ready signals, and
 * the templates a workshop starts from. Changes are applied at once in
 * memory (apply/apply_agenda.c) and made durable with the loop turn's
 * batch, which acknowledges and broadcasts them, as changes to the
 * cascade are. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "apply_agenda.h"
#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "examples.h"
#include "handlers.h"
#include "live.h"
#include "templates_dir.h"

static struct apply_ctx ctx_for(struct conn *c, struct workshop *w)
{
    return (struct apply_ctx){
        .workshop = w->code,
        .actor = c->user,
        .now_ms = clock_now_ms(),
        .limits = &c->live->cfg.text_limits,
    };
}

/* Answers request_id with w's agenda as it is now. */
static void answer_agenda(struct conn *c, struct workshop *w, uint64_t request_id,
                          const char *arg)
{
    (void)arg;
    struct agenda_wire aw;
    if (agenda_to_wire(&w->agenda, clock_now_ms(), apply_agenda_ready_of(w),
                       c->live->cfg.agenda_warning_ms, &aw) != 0) {
        conn_send_no_memory(c, request_id, NULL);
        return;
    }
    Cascade__V1__AgendaReply reply = CASCADE__V1__AGENDA_REPLY__INIT;
    reply.agenda = &aw.msg;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_AGENDA_REPLY;
    out.agenda_reply = &reply;
    conn_send(c, &out);
    agenda_wire_free(&aw);
}

void handle_agenda_get(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    /* Like a snapshot, the agenda shows only what is durable. */
    if (w->pending > 0) {
        if (batch_add_read(&c->live->batch, w, c, f->request_id, answer_agenda, NULL) != 0)
            conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    answer_agenda(c, w, f->request_id, NULL);
}

/* Applies an agenda change and queues it for the commit. */
static void change(struct conn *c, struct workshop *w, const WireFrame *f)
{
    struct live *l = c->live;
    /* Room in the batch first: once applied, a change must not be dropped. */
    if (batch_reserve(&l->batch) != 0) {
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    struct apply_ctx ctx = ctx_for(c, w);
    struct apply_result r;
    int rc = apply_agenda(w, &ctx, l->cfg.agenda_warning_ms, f, &r);
    if (rc != 0) {
        conn_send_error(c, f->request_id, r.code, r.message);
        /* Out of memory after the agenda changed: back to what is durable. */
        if (r.seq != 0 && w->pending == 0)
            workshop_reload(&l->registry, w);
        apply_result_free(&r);
        return;
    }
    batch_add_agenda(&l->batch, w, c, f->request_id, c->user, ctx.now_ms, &r);
}

void handle_agenda_change(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w != NULL)
        change(c, w, f);
}

void handle_ready(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    const struct participant *p = workshop_participant(w, c->user_id);
    if (p == NULL || (p->role != CASCADE__V1__ROLE__FACILITATOR &&
                      p->role != CASCADE__V1__ROLE__MEMBER)) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN,
                        "Only members and facilitators say they are ready; observers watch.");
        return;
    }
    const struct agenda *a = &w->agenda;
    int under_way = a->state == AGENDA_RUNNING || a->state == AGENDA_PAUSED;
    /* Saying it twice changes nothing, and is no event. */
    if (under_way && agenda_is_ready(a, c->user) == !f->ready->undo) {
        conn_send_ack(c, f->request_id, w->state.seq, NULL);
        return;
    }
    change(c, w, f);
}

/* ---- Templates ---------------------------------------------------------------------- */

void handle_template_list(struct conn *c, const WireFrame *f)
{
    struct template_set set;
    if (templates_read(c->live->templates_path, &c->live->cfg.text_limits, &set) != 0) {
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    Cascade__V1__TemplateInfo *infos = calloc(set.n + 1, sizeof *infos);
    Cascade__V1__TemplateInfo **ptrs = calloc(set.n + 1, sizeof *ptrs);
    if (infos == NULL || ptrs == NULL) {
        free(infos);
        free(ptrs);
        templates_free(&set);
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    for (size_t i = 0; i < set.n; i++) {
        const struct template_entry *e = &set.items[i];
        Cascade__V1__TemplateInfo *t = &infos[i];
        cascade__v1__template_info__init(t);
        t->name = (char *)e->name;
        t->problem = (char *)e->problem;
        if (e->problem[0] == '\0') {
            t->title = e->t.title;
            t->steps = (uint32_t)e->t.agenda.nsteps;
            t->total_ms = agenda_total_ms(&e->t.agenda);
            t->builtin = e->t.builtin != 0;
        }
        ptrs[i] = t;
    }
    Cascade__V1__TemplateListReply reply = CASCADE__V1__TEMPLATE_LIST_REPLY__INIT;
    reply.n_templates = set.n;
    reply.templates = ptrs;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = f->request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_TEMPLATE_LIST_REPLY;
    out.template_list_reply = &reply;
    conn_send(c, &out);
    free(infos);
    free(ptrs);
    templates_free(&set);
}

/* Appends the steps of t to w's agenda, each an event queued unanswered:
 * the request is answered by its last change (handle_template_apply). 0,
 * or a negative CAS_E* code with the request answered. */
static int apply_steps(struct conn *c, struct workshop *w, const struct template *t,
                       uint64_t request_id)
{
    struct live *l = c->live;
    struct apply_ctx ctx = ctx_for(c, w);
    for (size_t i = 0; i < t->agenda.nsteps; i++) {
        struct apply_result r;
        if (batch_reserve(&l->batch) != 0) {
            conn_send_no_memory(c, request_id, "the steps before it were added");
            return CAS_ENOMEM;
        }
        int rc = apply_agenda_template_step(w, &ctx, t, i, request_id, &r);
        if (rc != 0) {
            conn_send_error(c, request_id, r.code, r.message);
            apply_result_free(&r);
            return rc;
        }
        batch_add_agenda(&l->batch, w, NULL, request_id, c->user, ctx.now_ms, &r);
    }
    return 0;
}

void handle_template_apply(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__TemplateApply *m = f->template_apply;
    struct live *l = c->live;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    char msg[700], quoted[64];
    struct template_set set;
    if (templates_read(l->templates_path, &l->cfg.text_limits, &set) != 0) {
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    const struct template_entry *e = templates_find(&set, m->name);
    size_t before = l->batch.n;
    int rc = CAS_EINVAL;
    if (e == NULL) {
        okr_text_quote(m->name, 40, quoted, sizeof quoted);
        snprintf(msg, sizeof msg,
                 "There is no template '%s'; 'cascade template list' shows the templates.",
                 quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
    } else if (e->problem[0] != '\0') {
        snprintf(msg, sizeof msg, "The template '%s' cannot be used: %s", e->name, e->problem);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
    } else if (w->agenda.nsteps > 0 && e->t.agenda.nsteps > 0) {
        snprintf(msg, sizeof msg,
                 "Workshop %s has an agenda already (%zu steps); a template only fills an "
                 "empty one.", w->code, w->agenda.nsteps);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
    } else if (!m->examples || (rc = examples_check(c, w, f->request_id)) == 0) {
        rc = apply_steps(c, w, &e->t, f->request_id);
        if (rc == 0 && m->examples)
            rc = examples_apply(c, w, f->request_id);
    }
    if (rc == 0 && l->batch.n > before)
        l->batch.items[l->batch.n - 1].conn = c; /* its ack answers, after the commit */
    else if (rc == 0)
        conn_send_ack(c, f->request_id, w->committed_seq, NULL); /* nothing to add */
    templates_free(&set);
}
