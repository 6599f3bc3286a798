#include "apply.h"

#include "apply_internal.h"

#include <stdlib.h>
#include <string.h>


/* ---- Dispatch -------------------------------------------------------------------------- */

typedef int (*applier)(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                       struct apply_result *r);

/* requests.def's applier column; NULL for a request that is no change. */
static applier applier_of(Cascade__V1__Frame__BodyCase body)
{
    switch (body) {
#define REQUEST(BODY, member, ACCESS, NEED, refusal, WORKSHOP, TEAM, KIND, CREATES, handler, fn) \
    case CASCADE__V1__FRAME__BODY_##BODY:                                                     \
        return fn;
#define ANSWER(BODY)
#include "../requests.def"
#undef REQUEST
#undef ANSWER
    default:
        return NULL;
    }
}

int apply_handles(const WireFrame *req)
{
    return applier_of(req->body_case) != NULL;
}

int apply_request(struct okr_state *state, const struct apply_ctx *ctx, const WireFrame *req,
                  struct apply_result *result)
{
    memset(result, 0, sizeof *result);
    applier apply = applier_of(req->body_case);
    if (apply != NULL)
        return apply(state, ctx, req, result);
    return apply_refuse(result, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST,
                  "'%s' is not a change to the cascade.", wire_body_name(req));
}

void apply_result_free(struct apply_result *result)
{
    free(result->also);
    result->also = NULL;
    result->nalso = result->cap_also = 0;
    buf_free(&result->event);
    buf_free(&result->ack);
}
