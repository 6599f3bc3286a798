#include "apply.h"

#include "apply_internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "stamps.h"

/* ---- Dispatch -------------------------------------------------------------------------- */

static const struct {
    Cascade__V1__Frame__BodyCase body;
    int (*apply)(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result *r);
} APPLIERS[] = {
    {CASCADE__V1__FRAME__BODY_TEAM_ADD, apply_team_add},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD, apply_objective_add},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT, apply_objective_edit},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE, apply_objective_remove},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD, apply_key_result_add},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT, apply_key_result_edit},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE, apply_key_result_remove},
    {CASCADE__V1__FRAME__BODY_CHECK_IN, apply_check_in},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK, apply_objective_check},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_ADD, apply_initiative_add},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_DONE, apply_initiative_done},
    {CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD, apply_dependency_add},
    {CASCADE__V1__FRAME__BODY_COMMENT_ADD, apply_comment_add},
};

int apply_handles(const WireFrame *req)
{
    for (size_t i = 0; i < sizeof APPLIERS / sizeof APPLIERS[0]; i++)
        if (APPLIERS[i].body == req->body_case)
            return 1;
    return 0;
}

int apply_request(struct okr_state *state, const struct apply_ctx *ctx, const WireFrame *req,
                  struct apply_result *result)
{
    memset(result, 0, sizeof *result);
    for (size_t i = 0; i < sizeof APPLIERS / sizeof APPLIERS[0]; i++)
        if (APPLIERS[i].body == req->body_case)
            return APPLIERS[i].apply(state, ctx, req, result);
    return apply_refuse(result, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST,
                  "'%s' is not a change to the cascade.", wire_body_name(req));
}

void apply_result_free(struct apply_result *result)
{
    free(result->removed_key_results);
    result->removed_key_results = NULL;
    buf_free(&result->event);
    buf_free(&result->ack);
}
