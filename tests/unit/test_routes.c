/* The handler column of server/requests.def as the session dispatches
 * it: every request has a handler, no server-sent message has one, and a
 * change to the cascade is handled by the one change handler. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "apply.h"
#include "handlers.h"
#include "requests.h"

static void every_request_has_a_handler(void **state)
{
    (void)state;
    const ProtobufCMessageDescriptor *d = &cascade__v1__frame__descriptor;
    size_t requests = 0;
    for (unsigned i = 0; i < d->n_fields; i++) {
        if (!(d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
            continue;
        Cascade__V1__Frame__BodyCase body = (Cascade__V1__Frame__BodyCase)d->fields[i].id;
        request_handler handle = handlers_route(body);
        if ((request_rule(body) != NULL) != (handle != NULL))
            fail_msg("'%s': a row needs a handler, an ANSWER must have none", d->fields[i].name);
        WireFrame f = CASCADE__V1__FRAME__INIT;
        f.body_case = body;
        if (apply_handles(&f))
            assert_ptr_equal(handle, handle_change);
        requests += handle != NULL;
    }
    assert_true(requests >= 30);
    assert_null(handlers_route(CASCADE__V1__FRAME__BODY__NOT_SET));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_request_has_a_handler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
