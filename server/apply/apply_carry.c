/* The first events of a workshop made by `workshop next`: one that says
 * where it came from, then one per team, objective and key result it starts
 * with, shaped as their ordinary additions are (team.add, objective.add,
 * kr.add, with carried_from), so that `watch --since 0` tells the new
 * workshop's story from its first line like any other's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "carry.h"
#include "errors.h"

/* t's members' names, separated by spaces, into *out (free it). */
static int join_names(const struct okr_team *t, char **out)
{
    size_t len = 1;
    for (size_t i = 0; i < t->nmembers; i++)
        len += strlen(t->members[i]) + 1;
    char *text = malloc(len);
    if (text == NULL)
        return CAS_ENOMEM;
    text[0] = '\0';
    for (size_t i = 0; i < t->nmembers; i++) {
        if (i > 0)
            strcat(text, " ");
        strcat(text, t->members[i]);
    }
    *out = text;
    return 0;
}

/* Packs eb as the state's next event and hands it to emit. */
static int next_event(struct okr_state *s, struct event_builder *eb,
                      int (*emit)(void *arg, uint64_t seq, const char *type, const char *entity,
                                  const struct buf *event),
                      void *arg)
{
    eb->ev.seq = ++s->seq;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_EVENT;
    ef.event = &eb->ev;
    struct buf packed = {0};
    int rc = wire_pack(&ef, SIZE_MAX, &packed);
    if (rc == 0)
        rc = emit(arg, eb->ev.seq, eb->ev.type, eb->ev.entity, &packed);
    buf_free(&packed);
    return rc;
}

int apply_carry_events(struct okr_state *s, const struct apply_ctx *ctx, const char *source,
                       size_t people, const struct carry_notes *notes,
                       int (*emit)(void *arg, uint64_t seq, const char *type, const char *entity,
                                   const struct buf *event),
                       void *arg)
{
    struct event_builder eb;
    eb_init(&eb, ctx, "workshop.next", OKR_TEAM, 0);
    snprintf(eb.entity, sizeof eb.entity, "workshop");
    double objectives = (double)s->nobjectives, krs = (double)s->nkey_results;
    double teams = (double)s->nteams, npeople = (double)people, dropped = (double)notes->n;
    eb_text(&eb, "carried_from", NULL, source);
    eb_number(&eb, "teams", NULL, &teams);
    eb_number(&eb, "objectives", NULL, &objectives);
    eb_number(&eb, "key_results", NULL, &krs);
    eb_number(&eb, "participants", NULL, &npeople);
    if (notes->n)
        eb_number(&eb, "links_dropped", NULL, &dropped);
    int rc = next_event(s, &eb, emit, arg);
    for (size_t i = 0; rc == 0 && i < s->nteams; i++) {
        const struct okr_team *t = &s->teams[i];
        eb_init(&eb, ctx, "team.add", OKR_TEAM, t->num);
        eb_text(&eb, "name", NULL, t->name);
        if (t->parent)
            eb_text(&eb, "parent", NULL, eb_id(&eb, OKR_TEAM, t->parent));
        eb_text(&eb, "level", NULL, okr_level_name(t->level));
        /* Its members, as one text of names (which hold no spaces). */
        char *members = NULL;
        if (t->nmembers > 0 && (rc = join_names(t, &members)) == 0)
            eb_text(&eb, "members", NULL, members);
        if (rc == 0)
            rc = next_event(s, &eb, emit, arg);
        free(members);
    }
    for (size_t i = 0; rc == 0 && i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        eb_init(&eb, ctx, "objective.add", OKR_OBJECTIVE, o->num);
        eb_text(&eb, "team", NULL, eb_id(&eb, OKR_TEAM, o->team));
        eb_text(&eb, "title", NULL, o->title);
        if (o->owner[0])
            eb_text(&eb, "owner", NULL, o->owner);
        if (o->aligns_to)
            eb_text(&eb, "aligns_to", NULL, eb_id(&eb, OKR_OBJECTIVE, o->aligns_to));
        if (o->inherits)
            eb_text(&eb, "inherits", NULL, eb_id(&eb, OKR_KEY_RESULT, o->inherits));
        eb_flag(&eb, "committed", NULL, &o->committed);
        /* What the new workshop keeps, so that its history rebuilds it. */
        if (o->rationale[0])
            eb_text(&eb, "rationale", NULL, o->rationale);
        eb_text(&eb, "carried_from", NULL, o->carried_from);
        rc = next_event(s, &eb, emit, arg);
    }
    for (size_t i = 0; rc == 0 && i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        eb_key_result_add(&eb, ctx, k);
        if (k->has_weight)
            eb_number(&eb, "weight", NULL, &k->weight);
        eb_text(&eb, "carried_from", NULL, k->carried_from);
        rc = next_event(s, &eb, emit, arg);
    }
    return rc;
}
