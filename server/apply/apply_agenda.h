/* The rules of a workshop's agenda, its shared timer and ready signals:
 * each request is validated against the agenda in memory, takes the
 * workshop's next seq, changes the agenda and is described as an event,
 * like a change to the cascade (apply.h). Steps are named by position
 * ("S2" in events). The timer's own events ("2 minutes left", "time is
 * up") are made here too, with an empty actor, when the server's timer
 * finds them due. Pure: times come in ctx->now_ms. */
#ifndef CASCADE_APPLY_AGENDA_H
#define CASCADE_APPLY_AGENDA_H

#include <stddef.h>
#include <stdint.h>

#include "apply.h"
#include "template.h"
#include "workshop.h"

/* How many may say they are ready: the workshop's members and facilitators. */
uint32_t apply_agenda_ready_of(const struct workshop *w);

/* Whether a frame body is an agenda request apply_agenda handles
 * (AgendaAdd, AgendaEdit, AgendaRemove, AgendaMove, AgendaTimer, Ready). */
int apply_agenda_handles(const WireFrame *req);

/* Applies an agenda request by ctx->actor (authorization is the caller's).
 * warning_ms: how long before a step's end the warning comes. 0 with the
 * agenda changed and r filled (r->subject: the event's entity), or a
 * negative CAS_E* code with r->code and r->message (nothing changed). */
int apply_agenda(struct workshop *w, const struct apply_ctx *ctx, int64_t warning_ms,
                 const WireFrame *req, struct apply_result *r);

/* The timer's event due at ctx->now_ms, if any: 1 with the agenda marked
 * and r filled (agenda.warning or agenda.timeup), 0 when nothing is due,
 * or CAS_ENOMEM with nothing changed. */
int apply_agenda_tick(struct workshop *w, const struct apply_ctx *ctx, int64_t warning_ms,
                      struct apply_result *r);

/* Appends step i of template t to the agenda as an agenda.add event,
 * answering request_id. 0, or a negative CAS_E* code with r's refusal. */
int apply_agenda_template_step(struct workshop *w, const struct apply_ctx *ctx,
                               const struct template *t, size_t i, uint64_t request_id,
                               struct apply_result *r);

#endif
