#include "requests.h"

#include <stddef.h>

/* The columns of requests.def that are tokens, turned into values here. */
#define ACCESS_ANYONE REQUEST_ANYONE
#define ACCESS_USER REQUEST_USER
#define ACCESS_ADMIN REQUEST_ADMIN
#define KIND_NONE OKR_KIND_NONE
#define KIND_TEAM OKR_TEAM
#define KIND_OBJECTIVE OKR_OBJECTIVE
#define KIND_KEY_RESULT OKR_KEY_RESULT
#define KIND_INITIATIVE OKR_INITIATIVE
#define KIND_COMMENT OKR_COMMENT
/* A field of the request's message, or none. */
#define FIELD_none(member) NULL
#define FIELD_workshop(member) (f->member->workshop)
#define FIELD_team(member) (f->member->team)
#define FIELD_id(member) (f->member->id)
#define FIELD_objective(member) (f->member->objective)
#define FIELD_key_result(member) (f->member->key_result)

/* Indexed by body case (the Frame field's number, at most a few hundred),
 * so a lookup is one bounds check. */
#define RULES_CAP 256
static const struct request_rule RULES[RULES_CAP] = {
#define REQUEST(BODY, member, ACCESS, NEED, WORDS, WORKSHOP, TEAM, KIND, CREATES, handler, applier) \
    [CASCADE__V1__FRAME__BODY_##BODY] = {                                                        \
        .body = CASCADE__V1__FRAME__BODY_##BODY,                                                 \
        .name = #member,                                                                         \
        .access = ACCESS_##ACCESS,                                                               \
        .need = AUTHZ_##NEED,                                                                    \
        .refusal = WORDS,                                                                        \
        .team_kind = KIND_##KIND,                                                                \
        .creates = CREATES,                                                                      \
    },
#define ANSWER(BODY)
#include "../requests.def"
#undef REQUEST
#undef ANSWER
};

const struct request_rule *request_rule(Cascade__V1__Frame__BodyCase body)
{
    if ((int)body <= 0 || (int)body >= RULES_CAP || RULES[body].body != body)
        return NULL;
    return &RULES[body];
}

int request_is_answer(Cascade__V1__Frame__BodyCase body)
{
    switch (body) {
#define REQUEST(BODY, member, ACCESS, NEED, refusal, WORKSHOP, TEAM, KIND, CREATES, handler, applier)
#define ANSWER(BODY) case CASCADE__V1__FRAME__BODY_##BODY:
#include "../requests.def"
#undef REQUEST
#undef ANSWER
        return 1;
    default:
        return 0;
    }
}

int request_refused_when_closed(Cascade__V1__Frame__BodyCase body)
{
    const struct request_rule *rule = request_rule(body);
    if (rule == NULL)
        return 0;
    switch (body) {
    /* Below the line, yet changes: a new participant, a ready signal. */
    case CASCADE__V1__FRAME__BODY_JOIN:
    case CASCADE__V1__FRAME__BODY_READY:
        return 1;
    /* Above the line, yet the one way out of a closed workshop, and
     * carrying it into the next period, which only reads it (the quarter
     * is usually closed before its OKRs are carried). */
    case CASCADE__V1__FRAME__BODY_WORKSHOP_REOPEN:
    case CASCADE__V1__FRAME__BODY_WORKSHOP_NEXT:
        return 0;
    default:
        return rule->need > AUTHZ_PRESENCE;
    }
}

const char *request_workshop(const WireFrame *f)
{
    switch (f->body_case) {
#define REQUEST(BODY, member, ACCESS, NEED, refusal, WORKSHOP, TEAM, KIND, CREATES, handler, applier) \
    case CASCADE__V1__FRAME__BODY_##BODY:                                                          \
        return FIELD_##WORKSHOP(member);
#define ANSWER(BODY)
#include "../requests.def"
#undef REQUEST
#undef ANSWER
    default:
        return NULL;
    }
}

const char *request_team_ref(const WireFrame *f, enum okr_kind *kind)
{
    const struct request_rule *rule = request_rule(f->body_case);
    *kind = rule != NULL ? rule->team_kind : OKR_KIND_NONE;
    switch (f->body_case) {
#define REQUEST(BODY, member, ACCESS, NEED, refusal, WORKSHOP, TEAM, KIND, CREATES, handler, applier) \
    case CASCADE__V1__FRAME__BODY_##BODY:                                                          \
        return FIELD_##TEAM(member);
#define ANSWER(BODY)
#include "../requests.def"
#undef REQUEST
#undef ANSWER
    default:
        return NULL;
    }
}
