#include "authz.h"

#include <stdio.h>
#include <string.h>

#include "closing.h"
#include "errors.h"

enum authz_need authz_need_of(const WireFrame *f)
{
    const struct request_rule *rule = request_rule(f->body_case);
    return rule != NULL ? rule->need : AUTHZ_NONE;
}

static uint32_t team_of_objective(const struct okr_state *s, uint32_t num)
{
    const struct okr_objective *o = okr_objective_find(s, num);
    return o != NULL ? o->team : 0;
}

static uint32_t team_of_key_result(const struct okr_state *s, uint32_t num)
{
    const struct okr_key_result *k = okr_key_result_find(s, num);
    return k != NULL ? team_of_objective(s, k->objective) : 0;
}

/* The team of the entity a short id names, 0 when it is malformed or gone. */
static uint32_t team_of_id(const struct okr_state *s, const char *id, enum okr_kind kind)
{
    uint32_t num;
    if (id == NULL || okr_id_parse(id, kind, &num) != 0)
        return 0;
    switch (kind) {
    case OKR_TEAM:
        return okr_team_find(s, num) != NULL ? num : 0;
    case OKR_OBJECTIVE:
        return team_of_objective(s, num);
    case OKR_KEY_RESULT:
        return team_of_key_result(s, num);
    case OKR_INITIATIVE: {
        const struct okr_initiative *i = okr_initiative_find(s, num);
        return i != NULL ? team_of_key_result(s, i->key_result) : 0;
    }
    case OKR_COMMENT: { /* the team of what it comments on */
        const struct okr_comment *c = okr_comment_find(s, num);
        if (c == NULL)
            return 0;
        return c->target_kind == OKR_KEY_RESULT ? team_of_key_result(s, c->target)
                                                : team_of_objective(s, c->target);
    }
    default:
        return 0;
    }
}

uint32_t authz_team_of(const struct okr_state *s, const WireFrame *f)
{
    enum okr_kind kind;
    const char *ref = request_team_ref(f, &kind);
    return ref != NULL ? team_of_id(s, ref, kind) : 0;
}

/* The comment a request names (by its TEAM field), or NULL. */
static const struct okr_comment *named_comment(const struct workshop *w, const WireFrame *f)
{
    enum okr_kind kind;
    uint32_t num;
    const char *ref = request_team_ref(f, &kind);
    return ref != NULL && kind == OKR_COMMENT && okr_id_parse(ref, OKR_COMMENT, &num) == 0
               ? okr_comment_find(&w->state, num)
               : NULL;
}

/* Where a restructuring edit moves its entity: the destination team (an
 * objective to another team, a key result under an objective of another
 * team), or 0. Moving something needs the right to edit where it lands. */
static uint32_t destination_team(const struct okr_state *s, const WireFrame *f)
{
    size_t i;
    if (f->body_case == CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT) {
        const Cascade__V1__ObjectiveEdit *m = f->objective_edit;
        for (i = 0; i < m->n_fields; i++)
            if (strcmp(m->fields[i], "team") == 0 && m->values != NULL)
                return team_of_id(s, m->values->team, OKR_TEAM);
    } else if (f->body_case == CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT) {
        const Cascade__V1__KeyResultEdit *m = f->key_result_edit;
        for (i = 0; i < m->n_fields; i++)
            if (strcmp(m->fields[i], "objective") == 0 && m->values != NULL)
                return team_of_id(s, m->values->objective, OKR_OBJECTIVE);
    }
    return 0;
}

static int refuse_not_member(uint32_t team, const struct participant *p, char *msg, size_t msglen)
{
    char id[16];
    okr_id_format(OKR_TEAM, team, id, sizeof id);
    snprintf(msg, msglen,
             "You are not a member of %s; ask a facilitator to add you with "
             "'cascade team member add %s %s'.",
             id, id, p->name);
    return CAS_EINVAL;
}

int authz_check(const struct workshop *w, const struct participant *p, int admin,
                const WireFrame *f, char *msg, size_t msglen)
{
    const struct request_rule *rule = request_rule(f->body_case);
    if (rule == NULL || rule->need == AUTHZ_NONE || admin)
        return 0;
    if (p == NULL) {
        snprintf(msg, msglen, "You have not joined workshop %s; run 'cascade join %s' first.",
                 w->code, w->code);
        return CAS_EINVAL;
    }
    enum authz_need need = rule->need;
    if (need == AUTHZ_READ || p->role == CASCADE__V1__ROLE__FACILITATOR)
        return 0;
    if (need == AUTHZ_FACILITATOR) {
        snprintf(msg, msglen, "Only a facilitator can %s.", rule->refusal);
        return CAS_EINVAL;
    }
    /* Facilitators may let observers (stakeholders in a review) comment. */
    int observer_may_comment = p->role == CASCADE__V1__ROLE__OBSERVER && w->observer_comments &&
                               (need == AUTHZ_COMMENT || need == AUTHZ_AUTHOR);
    if (p->role != CASCADE__V1__ROLE__MEMBER && !observer_may_comment) {
        snprintf(msg, msglen, "Observers can read but not change the cascade.");
        return CAS_EINVAL;
    }
    if (need == AUTHZ_AUTHOR) {
        const struct okr_comment *c = named_comment(w, f);
        /* An unknown comment is apply's to refuse, with NOT_FOUND. */
        if (c == NULL || strcmp(c->author, p->name) == 0)
            return 0;
        snprintf(msg, msglen, "Only %s, who wrote it, or a facilitator can remove C%u.", c->author,
                 c->num);
        return CAS_EINVAL;
    }
    if (need != AUTHZ_EDIT_TEAM && need != AUTHZ_CHECK_IN)
        return 0;
    if (need == AUTHZ_CHECK_IN) {
        /* Whoever owns a key result reports on it, wherever its team is. */
        uint32_t num;
        enum okr_kind kind;
        const char *ref = request_team_ref(f, &kind);
        const struct okr_key_result *k =
            ref != NULL && okr_id_parse(ref, OKR_KEY_RESULT, &num) == 0
                ? okr_key_result_find(&w->state, num)
                : NULL;
        if (k != NULL && k->owner != NULL && strcmp(k->owner, p->name) == 0)
            return 0;
    }
    /* Whoever wrote a comment may resolve it, as its target's team may. */
    const struct okr_comment *c = named_comment(w, f);
    if (c != NULL && strcmp(c->author, p->name) == 0)
        return 0;
    uint32_t team = authz_team_of(&w->state, f);
    /* An unknown entity is apply's to refuse, with NOT_FOUND. */
    if (team != 0 && !workshop_team_member(w, team, p->user_id))
        return refuse_not_member(team, p, msg, msglen);
    uint32_t dest = destination_team(&w->state, f);
    if (dest != 0 && !workshop_team_member(w, dest, p->user_id))
        return refuse_not_member(dest, p, msg, msglen);
    return 0;
}

int authz_check_open(const struct workshop *w, Cascade__V1__Frame__BodyCase body, char *msg,
                     size_t msglen)
{
    if (!workshop_closed(w) || !request_refused_when_closed(body))
        return 0;
    closing_refusal(&w->state, w->code, msg, msglen);
    return CAS_EINVAL;
}
