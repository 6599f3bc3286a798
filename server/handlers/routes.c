#include "handlers.h"

request_handler handlers_route(Cascade__V1__Frame__BodyCase body)
{
    switch (body) {
#define REQUEST(BODY, member, ACCESS, NEED, refusal, WORKSHOP, TEAM, KIND, CREATES, handler, applier) \
    case CASCADE__V1__FRAME__BODY_##BODY:                                                          \
        return handler;
#define ANSWER(BODY)
#include "../requests.def"
#undef REQUEST
#undef ANSWER
    default:
        return NULL;
    }
}
