#include "authz.h"

#include <stdint.h>
#include <stdio.h>

#include "errors.h"

/* Each workshop request and what it needs. A request missing here is not
 * about a workshop's contents (login, join, create, list). */
static const struct {
    Cascade__V1__Frame__BodyCase body;
    enum authz_need need;
    const char *what; /* for "Only a facilitator can ..." */
} RULES[] = {
    {CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST, AUTHZ_READ, NULL},
    {CASCADE__V1__FRAME__BODY_SUBSCRIBE, AUTHZ_READ, NULL},
    {CASCADE__V1__FRAME__BODY_UNSUBSCRIBE, AUTHZ_READ, NULL},
    {CASCADE__V1__FRAME__BODY_PRESENCE_QUERY, AUTHZ_READ, NULL},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY, AUTHZ_READ, NULL},
    {CASCADE__V1__FRAME__BODY_EDITING, AUTHZ_PRESENCE, NULL},
    {CASCADE__V1__FRAME__BODY_COMMENT_ADD, AUTHZ_COMMENT, NULL},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_CHECK_IN, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_ADD, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_DONE, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD, AUTHZ_EDIT_TEAM, NULL},
    {CASCADE__V1__FRAME__BODY_TEAM_ADD, AUTHZ_FACILITATOR, "add teams"},
    {CASCADE__V1__FRAME__BODY_TEAM_MEMBER_ADD, AUTHZ_FACILITATOR, "add members to teams"},
    {CASCADE__V1__FRAME__BODY_INVITE, AUTHZ_FACILITATOR, "invite people"},
    {CASCADE__V1__FRAME__BODY_ROLE_SET, AUTHZ_FACILITATOR, "change roles"},
    {CASCADE__V1__FRAME__BODY_KICK, AUTHZ_FACILITATOR, "remove people from the workshop"},
};

static size_t rule_of(Cascade__V1__Frame__BodyCase body)
{
    for (size_t i = 0; i < sizeof RULES / sizeof RULES[0]; i++)
        if (RULES[i].body == body)
            return i;
    return SIZE_MAX;
}

enum authz_need authz_need_of(const WireFrame *f)
{
    size_t i = rule_of(f->body_case);
    return i == SIZE_MAX ? AUTHZ_NONE : RULES[i].need;
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
    default:
        return 0;
    }
}

uint32_t authz_team_of(const struct okr_state *s, const WireFrame *f)
{
    switch (f->body_case) {
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD:
        return team_of_id(s, f->objective_add->team, OKR_TEAM);
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT:
        return team_of_id(s, f->objective_edit->id, OKR_OBJECTIVE);
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE:
        return team_of_id(s, f->objective_remove->id, OKR_OBJECTIVE);
    case CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK:
        return team_of_id(s, f->objective_check->id, OKR_OBJECTIVE);
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD:
        return team_of_id(s, f->key_result_add->objective, OKR_OBJECTIVE);
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT:
        return team_of_id(s, f->key_result_edit->id, OKR_KEY_RESULT);
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE:
        return team_of_id(s, f->key_result_remove->id, OKR_KEY_RESULT);
    case CASCADE__V1__FRAME__BODY_CHECK_IN:
        return team_of_id(s, f->check_in->key_result, OKR_KEY_RESULT);
    case CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY:
        return team_of_id(s, f->key_result_history->key_result, OKR_KEY_RESULT);
    case CASCADE__V1__FRAME__BODY_INITIATIVE_ADD:
        return team_of_id(s, f->initiative_add->key_result, OKR_KEY_RESULT);
    case CASCADE__V1__FRAME__BODY_INITIATIVE_DONE:
        return team_of_id(s, f->initiative_done->id, OKR_INITIATIVE);
    case CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD:
        return team_of_id(s, f->dependency_add->key_result, OKR_KEY_RESULT);
    default:
        return 0;
    }
}

int authz_check(const struct workshop *w, const struct participant *p, int admin,
                const WireFrame *f, char *msg, size_t msglen)
{
    size_t rule = rule_of(f->body_case);
    if (rule == SIZE_MAX || admin)
        return 0;
    if (p == NULL) {
        snprintf(msg, msglen, "You have not joined workshop %s; run 'cascade join %s' first.",
                 w->code, w->code);
        return CAS_EINVAL;
    }
    enum authz_need need = RULES[rule].need;
    if (need == AUTHZ_READ || p->role == CASCADE__V1__ROLE__FACILITATOR)
        return 0;
    if (need == AUTHZ_FACILITATOR) {
        snprintf(msg, msglen, "Only a facilitator can %s.", RULES[rule].what);
        return CAS_EINVAL;
    }
    if (p->role != CASCADE__V1__ROLE__MEMBER) {
        snprintf(msg, msglen, "Observers can read but not change the cascade.");
        return CAS_EINVAL;
    }
    if (need != AUTHZ_EDIT_TEAM)
        return 0;
    uint32_t team = authz_team_of(&w->state, f);
    /* An unknown entity is apply's to refuse, with NOT_FOUND. */
    if (team == 0 || workshop_team_member(w, team, p->user_id))
        return 0;
    char id[16];
    okr_id_format(OKR_TEAM, team, id, sizeof id);
    snprintf(msg, msglen,
             "You are not a member of %s; ask a facilitator to add you with "
             "'cascade team member add %s %s'.",
             id, id, p->name);
    return CAS_EINVAL;
}
