/* The rules for closing the quarter: closing a workshop fixes every grade
 * (common/closing.h), reopening drops them, and a closing note says why an
 * objective ended as it did. While a workshop is closed nothing else
 * changes it: that is the request table's rule (requests.h,
 * request_refused_when_closed), checked before any applier runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "closing.h"
#include "errors.h"
#include "score.h"

/* The event of a change to the whole workshop: its entity is the code. */
static void eb_workshop(struct event_builder *eb, const struct apply_ctx *ctx, const char *type,
                        struct apply_result *r)
{
    eb_init(eb, ctx, type, OKR_TEAM, 0);
    snprintf(eb->entity, sizeof eb->entity, "%s", ctx->workshop);
    snprintf(r->subject, sizeof r->subject, "%s", ctx->workshop);
}

int apply_workshop_close(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    const Cascade__V1__WorkshopClose *m = req->workshop_close;
    if (closing_is_closed(s)) {
        char msg[sizeof r->message];
        closing_refusal(s, ctx->workshop, msg, sizeof msg);
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__WORKSHOP_CLOSED, "%s", msg);
    }
    size_t missing = closing_missing_notes(s);
    if (missing > 0 && !m->force) {
        char msg[sizeof r->message];
        closing_describe_missing(s, msg, sizeof msg);
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "%s", msg);
    }
    char *by = strdup(ctx->actor);
    if (by == NULL)
        return apply_no_memory(r);
    /* What a forced close left without a note, for the ack: O2, O5, ... */
    char note[200] = "";
    size_t listed = 0;
    for (size_t i = 0; i < s->nobjectives && missing > 0; i++) {
        const struct okr_objective *o = &s->objectives[i];
        size_t len = strlen(note);
        if (!closing_needs_note(s, o) || len + 24 > sizeof note)
            continue;
        snprintf(note + len, sizeof note - len, "%sO%u", listed++ == 0 ? "" : ", ", o->num);
    }
    closing_fix_grades(s);
    free(s->closed_by);
    s->closed_by = by;
    s->closed_ms = ctx->now_ms;
    r->closing = 1;
    apply_take_seq(s, r, (enum okr_kind)0, 0);

    double counts[3] = {0, 0, 0}, objectives = (double)s->nobjectives;
    for (size_t i = 0; i < s->nobjectives; i++)
        counts[score_colour(s->objectives[i].final_score)]++;
    struct event_builder eb;
    eb_workshop(&eb, ctx, "workshop.close", r);
    eb_text(&eb, "state", "open", "closed");
    eb_number(&eb, "objectives", NULL, &objectives);
    eb_number(&eb, "green", NULL, &counts[SCORE_GREEN]);
    eb_number(&eb, "orange", NULL, &counts[SCORE_ORANGE]);
    eb_number(&eb, "red", NULL, &counts[SCORE_RED]);
    int forced = missing > 0;
    if (forced)
        eb_flag(&eb, "forced", NULL, &forced);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    char ack_note[sizeof note + 80];
    if (forced) {
        snprintf(ack_note, sizeof ack_note, "Closed without a closing note for %s%s.", note,
                 listed < missing ? " and others" : "");
        ack.note = ack_note;
    }
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_workshop_reopen(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    if (!closing_is_closed(s))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "Workshop %s is open; there is nothing to reopen.", ctx->workshop);
    /* The event keeps who had closed it: the state forgets. */
    char was[OKR_NAME_MAX + 1];
    snprintf(was, sizeof was, "%s", s->closed_by);
    closing_drop_grades(s);
    free(s->closed_by);
    s->closed_by = NULL;
    s->closed_ms = 0;
    r->closing = 1;
    apply_take_seq(s, r, (enum okr_kind)0, 0);
    struct event_builder eb;
    eb_workshop(&eb, ctx, "workshop.reopen", r);
    eb_text(&eb, "state", "closed", "open");
    eb_text(&eb, "closed_by", was, NULL);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_objective_close_note(struct okr_state *s, const struct apply_ctx *ctx,
                               const WireFrame *req, struct apply_result *r)
{
    const Cascade__V1__ObjectiveCloseNote *m = req->objective_close_note;
    uint32_t num;
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0 ||
        (rc = apply_check_text(m->text, "closing note", apply_limits(ctx)->text, 1, 1, r)) != 0)
        return rc;
    struct okr_objective *o = okr_objective_find(s, num);
    char *text = strdup(m->text);
    char *field[] = {"close_note"};
    if (text == NULL ||
        apply_stamp_fields(&o->stamps, field, 1, o->version + 1, ctx->actor) != 0) {
        free(text);
        return apply_no_memory(r);
    }
    char *old = o->close_note;
    o->close_note = text;
    o->version++;
    apply_take_seq(s, r, OKR_OBJECTIVE, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "objective.close_note", OKR_OBJECTIVE, num);
    eb_text(&eb, "close_note", old != NULL && old[0] != '\0' ? old : NULL, text);
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_objective(o, &wo, &ids, &ack);
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    free(old);
    return rc;
}
