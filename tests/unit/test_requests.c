/* The request table (server/requests.def) against the wire schema: every
 * body of the proto's Frame oneof is either a request with a row or a
 * message only the server sends, never both and never neither; each row
 * names the Frame field it is about; and the lookups it drives (workshop
 * code, team reference) find a field in a real message of that type; and
 * a closed workshop refuses every row that is not a read.
 * This test links the apply room and cascade_core only: if apply ever
 * needed libuv, OpenSSL or SQLite, it would no longer link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "requests.h"
#include "wire.h"

/* A Frame whose body is a default instance of field's message type, as
 * protobuf-c would unpack it (strings ""). Free with free_body. */
static WireFrame frame_with_body(const ProtobufCFieldDescriptor *field)
{
    const ProtobufCMessageDescriptor *desc = field->descriptor;
    void *msg = calloc(1, desc->sizeof_message);
    assert_non_null(msg);
    protobuf_c_message_init(desc, msg);
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = (Cascade__V1__Frame__BodyCase)field->id;
    memcpy((char *)&f + field->offset, &msg, sizeof msg);
    return f;
}

static void free_body(WireFrame *f, const ProtobufCFieldDescriptor *field)
{
    void *msg;
    memcpy(&msg, (char *)f + field->offset, sizeof msg);
    free(msg);
}

static size_t body_fields(const ProtobufCFieldDescriptor **out, size_t max)
{
    const ProtobufCMessageDescriptor *d = &cascade__v1__frame__descriptor;
    size_t n = 0;
    for (unsigned i = 0; i < d->n_fields; i++)
        if ((d->fields[i].flags & PROTOBUF_C_FIELD_FLAG_ONEOF) && n < max)
            out[n++] = &d->fields[i];
    return n;
}

static void every_body_is_a_request_or_an_answer(void **state)
{
    (void)state;
    const ProtobufCFieldDescriptor *fields[256];
    size_t n = body_fields(fields, 256);
    assert_true(n > 40); /* the schema has that many bodies; 0 would prove nothing */
    for (size_t i = 0; i < n; i++) {
        Cascade__V1__Frame__BodyCase body = (Cascade__V1__Frame__BodyCase)fields[i]->id;
        const struct request_rule *rule = request_rule(body);
        int answer = request_is_answer(body);
        if ((rule != NULL) == answer)
            fail_msg("Frame body '%s' (%u) is %s in server/requests.def", fields[i]->name,
                     fields[i]->id, answer ? "both a REQUEST and an ANSWER" : "missing");
        if (rule != NULL)
            assert_string_equal(rule->name, fields[i]->name);
    }
}

static void unknown_bodies_have_no_rule(void **state)
{
    (void)state;
    assert_null(request_rule(CASCADE__V1__FRAME__BODY__NOT_SET));
    assert_null(request_rule((Cascade__V1__Frame__BodyCase)-1));
    assert_null(request_rule((Cascade__V1__Frame__BodyCase)9999));
    assert_null(request_rule((Cascade__V1__Frame__BodyCase)17)); /* a gap in the numbering */
    assert_false(request_is_answer(CASCADE__V1__FRAME__BODY__NOT_SET));
}

/* A request that needs something inside a workshop must name one; one
 * that decides by team must name the entity; only the admin's requests
 * and a facilitator's have words for their refusal. */
static void rows_agree_with_their_messages(void **state)
{
    (void)state;
    const ProtobufCFieldDescriptor *fields[256];
    size_t n = body_fields(fields, 256);
    size_t workshops = 0, teams = 0;
    for (size_t i = 0; i < n; i++) {
        const struct request_rule *rule =
            request_rule((Cascade__V1__Frame__BodyCase)fields[i]->id);
        if (rule == NULL)
            continue;
        WireFrame f = frame_with_body(fields[i]);
        const char *code = request_workshop(&f);
        enum okr_kind kind;
        const char *ref = request_team_ref(&f, &kind);
        if ((rule->need != AUTHZ_NONE) != (code != NULL))
            fail_msg("'%s': a workshop need goes with a WORKSHOP field", rule->name);
        if (code != NULL)
            assert_string_equal(code, ""); /* the field itself, as unpacked */
        if (rule->need == AUTHZ_EDIT_TEAM && ref == NULL)
            fail_msg("'%s' is decided by team but names no entity", rule->name);
        assert_int_equal(ref != NULL, kind != OKR_KIND_NONE);
        assert_int_equal(rule->refusal != NULL,
                         rule->access == REQUEST_ADMIN || rule->need == AUTHZ_FACILITATOR);
        workshops += code != NULL;
        teams += ref != NULL;
        free_body(&f, fields[i]);
    }
    assert_true(workshops >= 20);
    assert_true(teams >= 10);
}

static void rows_carry_what_dispatch_needs(void **state)
{
    (void)state;
    assert_int_equal(request_rule(CASCADE__V1__FRAME__BODY_PING)->access, REQUEST_ANYONE);
    assert_int_equal(request_rule(CASCADE__V1__FRAME__BODY_LOGIN)->access, REQUEST_ANYONE);
    assert_int_equal(request_rule(CASCADE__V1__FRAME__BODY_WHOAMI)->access, REQUEST_USER);
    assert_int_equal(request_rule(CASCADE__V1__FRAME__BODY_ADMIN_USER_ADD)->access,
                     REQUEST_ADMIN);
    assert_string_equal(request_rule(CASCADE__V1__FRAME__BODY_ADMIN_USER_LIST)->refusal,
                        "manage users");
    assert_true(request_rule(CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD)->creates);
    assert_false(request_rule(CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT)->creates);
    assert_int_equal(request_rule(CASCADE__V1__FRAME__BODY_CHECK_IN)->team_kind,
                     OKR_KEY_RESULT);
    assert_true(request_is_answer(CASCADE__V1__FRAME__BODY_EVENT));
    assert_null(request_rule(CASCADE__V1__FRAME__BODY_EVENT));
}

/* The rows that change nothing in a workshop, though their NEED is at or
 * below PRESENCE (or NONE): they go on in a closed workshop. A new row
 * down there must be placed on purpose: here when it only reads, or among
 * request_refused_when_closed's named exceptions when it changes a
 * workshop all the same. */
static const Cascade__V1__Frame__BodyCase READS[] = {
    CASCADE__V1__FRAME__BODY_HELLO,
    CASCADE__V1__FRAME__BODY_PING,
    CASCADE__V1__FRAME__BODY_LOGIN,
    CASCADE__V1__FRAME__BODY_AUTHENTICATE,
    CASCADE__V1__FRAME__BODY_LOGOUT,
    CASCADE__V1__FRAME__BODY_WHOAMI,
    CASCADE__V1__FRAME__BODY_CHANGE_PASSWORD,
    CASCADE__V1__FRAME__BODY_ADMIN_USER_ADD,
    CASCADE__V1__FRAME__BODY_ADMIN_USER_LIST,
    CASCADE__V1__FRAME__BODY_ADMIN_USER_PASSWD,
    CASCADE__V1__FRAME__BODY_ADMIN_USER_DISABLE,
    CASCADE__V1__FRAME__BODY_ADMIN_USER_ENABLE,
    /* Operating the server: no workshop in them. */
    CASCADE__V1__FRAME__BODY_ADMIN_BACKUP,
    CASCADE__V1__FRAME__BODY_ADMIN_DRAIN,
    CASCADE__V1__FRAME__BODY_ADMIN_STATS,
    CASCADE__V1__FRAME__BODY_ADMIN_CONNECTIONS,
    CASCADE__V1__FRAME__BODY_ADMIN_DISCONNECT,
    CASCADE__V1__FRAME__BODY_ADMIN_BROADCAST,
    CASCADE__V1__FRAME__BODY_ADMIN_WORKSHOPS,
    /* Archiving is not closing: a closed workshop may be archived. */
    CASCADE__V1__FRAME__BODY_ADMIN_WORKSHOP_STATE,
    CASCADE__V1__FRAME__BODY_WORKSHOP_CREATE, /* a new workshop, never a closed one */
    CASCADE__V1__FRAME__BODY_WORKSHOP_LIST,
    CASCADE__V1__FRAME__BODY_PARTICIPANT_LIST,
    CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST,
    CASCADE__V1__FRAME__BODY_SUBSCRIBE,
    CASCADE__V1__FRAME__BODY_UNSUBSCRIBE,
    CASCADE__V1__FRAME__BODY_PRESENCE_QUERY,
    CASCADE__V1__FRAME__BODY_EDITING, /* presence: no event, nothing stored */
    CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY,
    CASCADE__V1__FRAME__BODY_AGENDA_GET,
    CASCADE__V1__FRAME__BODY_TEMPLATE_LIST,
    CASCADE__V1__FRAME__BODY_ROUND_STATUS,
};

static int is_read(Cascade__V1__Frame__BodyCase body)
{
    for (size_t i = 0; i < sizeof READS / sizeof READS[0]; i++)
        if (READS[i] == body)
            return 1;
    return 0;
}

/* Every row either reads (listed above) or is refused while its workshop is
 * closed; only a reopen is neither. So a row added later cannot slip past
 * the rule: one that changes a workshop is refused by its NEED, or fails
 * here until it is placed. */
static void a_closed_workshop_refuses_every_change(void **state)
{
    (void)state;
    const ProtobufCFieldDescriptor *fields[256];
    size_t n = body_fields(fields, 256), changes = 0;
    for (size_t i = 0; i < n; i++) {
        Cascade__V1__Frame__BodyCase body = (Cascade__V1__Frame__BodyCase)fields[i]->id;
        const struct request_rule *rule = request_rule(body);
        if (rule == NULL)
            continue;
        int refused = request_refused_when_closed(body);
        /* Needing a facilitator, yet allowed: the way out, and carrying
         * the closed quarter's OKRs into the next (it only reads this one). */
        if (body == CASCADE__V1__FRAME__BODY_WORKSHOP_REOPEN ||
            body == CASCADE__V1__FRAME__BODY_WORKSHOP_NEXT) {
            assert_false(refused);
            continue;
        }
        if (is_read(body) && refused)
            fail_msg("'%s' only reads, yet a closed workshop refuses it", rule->name);
        if (!is_read(body) && !refused)
            fail_msg("'%s' is neither a read (READS) nor refused in a closed workshop: place "
                     "it in request_refused_when_closed or among the reads",
                     rule->name);
        if (rule->need > AUTHZ_PRESENCE)
            assert_true(refused);
        changes += (size_t)refused;
    }
    assert_true(request_refused_when_closed(CASCADE__V1__FRAME__BODY_JOIN));
    assert_true(request_refused_when_closed(CASCADE__V1__FRAME__BODY_READY));
    assert_true(request_refused_when_closed(CASCADE__V1__FRAME__BODY_WORKSHOP_CLOSE));
    assert_false(request_refused_when_closed(CASCADE__V1__FRAME__BODY_EVENT));
    assert_true(changes >= 45);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_body_is_a_request_or_an_answer),
        cmocka_unit_test(unknown_bodies_have_no_rule),
        cmocka_unit_test(rows_agree_with_their_messages),
        cmocka_unit_test(rows_carry_what_dispatch_needs),
        cmocka_unit_test(a_closed_workshop_refuses_every_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
