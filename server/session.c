#include "session.h"

#include <stdio.h>

#include "buf.h"
#include "frame.h"
#include "handlers.h"
#include "presence.h"
#include "replay.h"
#include "server.h"
#include "version.h"
#include "wire.h"

static void handle_hello(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Hello *h = f->hello;
    if (h->protocol_version != CASCADE_PROTOCOL_VERSION) {
        char msg[160];
        snprintf(msg, sizeof msg,
                 "This server speaks protocol version %u and the client speaks %u; "
                 "upgrade the older side.",
                 CASCADE_PROTOCOL_VERSION, h->protocol_version);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__UNSUPPORTED_VERSION, msg);
        char why[96];
        snprintf(why, sizeof why, "unsupported protocol version %u", h->protocol_version);
        conn_close(c, why);
        return;
    }
    Cascade__V1__Welcome w = CASCADE__V1__WELCOME__INIT;
    w.server_version = CASCADE_VERSION;
    w.protocol_version = CASCADE_PROTOCOL_VERSION;
    w.server_time_ms = server_now_ms();
    w.server_id = c->server->data.server_id;
    WireFrame reply = CASCADE__V1__FRAME__INIT;
    reply.request_id = f->request_id;
    reply.body_case = CASCADE__V1__FRAME__BODY_WELCOME;
    reply.welcome = &w;
    if (conn_send(c, &reply) == 0) {
        c->greeted = 1;
        c->last_request_id = f->request_id;
        c->greeted_at = uv_now(c->server->loop);
    }
}

static void handle_ping(struct conn *c, const WireFrame *f)
{
    Cascade__V1__Pong pong = CASCADE__V1__PONG__INIT;
    pong.nonce = f->ping->nonce;
    WireFrame reply = CASCADE__V1__FRAME__INIT;
    reply.request_id = f->request_id;
    reply.body_case = CASCADE__V1__FRAME__BODY_PONG;
    reply.pong = &pong;
    conn_send(c, &reply);
}

enum access {
    ANYONE,  /* no login needed */
    USER,    /* a logged-in user */
};

/* Requests this server answers once the handshake is done, and who may
 * send them. Workshop roles are checked by authz.h, through
 * workshop_for_request, once the handler has found the workshop. */
static const struct {
    Cascade__V1__Frame__BodyCase body;
    enum access access;
    void (*handle)(struct conn *c, const WireFrame *f);
} HANDLERS[] = {
    {CASCADE__V1__FRAME__BODY_PING, ANYONE, handle_ping},
    {CASCADE__V1__FRAME__BODY_LOGIN, ANYONE, handle_login},
    {CASCADE__V1__FRAME__BODY_AUTHENTICATE, ANYONE, handle_authenticate},
    {CASCADE__V1__FRAME__BODY_LOGOUT, USER, handle_logout},
    {CASCADE__V1__FRAME__BODY_WHOAMI, USER, handle_whoami},
    {CASCADE__V1__FRAME__BODY_CHANGE_PASSWORD, USER, handle_change_password},
    {CASCADE__V1__FRAME__BODY_ADMIN_USER_ADD, USER, handle_admin_user_add},
    {CASCADE__V1__FRAME__BODY_ADMIN_USER_LIST, USER, handle_admin_user_list},
    {CASCADE__V1__FRAME__BODY_ADMIN_USER_PASSWD, USER, handle_admin_user_passwd},
    {CASCADE__V1__FRAME__BODY_ADMIN_USER_DISABLE, USER, handle_admin_user_disable},
    {CASCADE__V1__FRAME__BODY_ADMIN_USER_ENABLE, USER, handle_admin_user_enable},
    {CASCADE__V1__FRAME__BODY_WORKSHOP_CREATE, USER, handle_workshop_create},
    {CASCADE__V1__FRAME__BODY_WORKSHOP_LIST, USER, handle_workshop_list},
    {CASCADE__V1__FRAME__BODY_JOIN, USER, handle_join},
    {CASCADE__V1__FRAME__BODY_INVITE, USER, handle_invite},
    {CASCADE__V1__FRAME__BODY_ROLE_SET, USER, handle_role_set},
    {CASCADE__V1__FRAME__BODY_KICK, USER, handle_kick},
    {CASCADE__V1__FRAME__BODY_TEAM_MEMBER_ADD, USER, handle_team_member_add},
    {CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST, USER, handle_snapshot},
    {CASCADE__V1__FRAME__BODY_SUBSCRIBE, USER, handle_subscribe},
    {CASCADE__V1__FRAME__BODY_UNSUBSCRIBE, USER, handle_unsubscribe},
    {CASCADE__V1__FRAME__BODY_PRESENCE_QUERY, USER, handle_presence_query},
    {CASCADE__V1__FRAME__BODY_EDITING, USER, handle_editing},
    {CASCADE__V1__FRAME__BODY_TEAM_ADD, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_CHECK_IN, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_ADD, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_DONE, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_COMMENT_ADD, USER, handle_change},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_HISTORY, USER, handle_history},
};

/* Takes one token from c's bucket (--rate per second, bursts of four
 * seconds' worth), refilled from the loop's clock. 0 when the request may
 * go on; otherwise the ms until a token is there again. */
static uint64_t rate_take(struct conn *c)
{
    uint64_t rate = c->server->cfg.rate_per_s;
    uint64_t cap = rate * 4 * 1000;
    uint64_t now = uv_now(c->server->loop);
    /* Thousandths of a token per ms is exactly rate. */
    uint64_t gained = (now - c->rate_at) * rate;
    c->rate_at = now;
    c->rate_tokens_milli = gained >= cap - c->rate_tokens_milli ? cap : c->rate_tokens_milli + gained;
    if (c->rate_tokens_milli >= 1000) {
        c->rate_tokens_milli -= 1000;
        return 0;
    }
    return (1000 - c->rate_tokens_milli + rate - 1) / rate;
}

static void refuse_rate(struct conn *c, uint64_t request_id, uint64_t wait_ms)
{
    char msg[128];
    snprintf(msg, sizeof msg, "Too many requests on this connection; slow down and retry in %llu ms.",
             (unsigned long long)wait_ms);
    Cascade__V1__Error e = CASCADE__V1__ERROR__INIT;
    e.code = CASCADE__V1__ERROR_CODE__RATE_LIMITED;
    e.message = msg;
    e.retry_after_ms = (uint32_t)wait_ms;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ERROR;
    f.error = &e;
    conn_send(c, &f);
}

static void dispatch(struct conn *c, const WireFrame *f)
{
    char msg[160];
    /* First, so that no kind of frame, however refused, escapes the count. */
    uint64_t wait_ms = rate_take(c);
    if (wait_ms > 0) {
        refuse_rate(c, f->request_id, wait_ms);
        return;
    }
    if (f->request_id == 0) {
        conn_send_error(c, 0, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "Every request needs a non-zero request_id.");
        return;
    }
    /* A replayed frame (a retry after a lost answer, or an attacker's copy)
     * must not apply an edit twice: ids only go up on one connection. */
    if (f->request_id <= c->last_request_id) {
        snprintf(msg, sizeof msg,
                 "Request id %llu was already used on this connection; ids must increase.",
                 (unsigned long long)f->request_id);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__BAD_STATE, msg);
        return;
    }
    c->last_request_id = f->request_id;
    if (f->body_case == CASCADE__V1__FRAME__BODY__NOT_SET) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST,
                        "This server does not know that request; it may be older than the client.");
        return;
    }
    if (f->body_case == CASCADE__V1__FRAME__BODY_HELLO) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__BAD_STATE,
                        "The handshake is already done; send Hello only once.");
        return;
    }
    for (size_t i = 0; i < sizeof HANDLERS / sizeof HANDLERS[0]; i++) {
        if (HANDLERS[i].body != f->body_case)
            continue;
        if (HANDLERS[i].access == USER && c->user_id == 0) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                            "Log in first: this request needs a logged-in user.");
            return;
        }
        HANDLERS[i].handle(c, f);
        return;
    }
    snprintf(msg, sizeof msg, "This server does not serve '%s' requests.", wire_body_name(f));
    conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST, msg);
}

static void process_frame(struct conn *c, const uint8_t *payload, size_t len);

/* Keeps a frame that arrived during a replay, and stops reading: what the
 * client sends next waits in the kernel, not here. */
static void hold(struct conn *c, const uint8_t *payload, size_t len)
{
    uint8_t hdr[FRAME_HEADER_LEN];
    frame_put_header(hdr, (uint32_t)len);
    transport_pause_reading(&c->transport);
    if (buf_append(&c->held, hdr, sizeof hdr) != 0 || buf_append(&c->held, payload, len) != 0)
        conn_close(c, "out of memory holding requests during a replay");
}

void session_release_held(struct conn *c)
{
    while (c->held.len > 0 && !replay_active(c) && c->transport.state == TRANSPORT_OPEN) {
        /* Handled in place: a frame handled here cannot add to held (only
         * reads do, and none happen meanwhile), and unpacking copies it. */
        uint32_t len = frame_get_header(c->held.data);
        process_frame(c, c->held.data + FRAME_HEADER_LEN, len);
        buf_consume(&c->held, FRAME_HEADER_LEN + (size_t)len);
    }
    if (c->held.len == 0) {
        buf_free(&c->held);
        if (!replay_active(c))
            transport_resume_reading(&c->transport);
    }
}

void session_on_frame(struct conn *c, const uint8_t *payload, size_t len)
{
    if (replay_active(c) || c->held.len > 0)
        hold(c, payload, len);
    else
        process_frame(c, payload, len);
}

static void process_frame(struct conn *c, const uint8_t *payload, size_t len)
{
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET(len));
    if (f == NULL) {
        conn_send_error(c, 0, CASCADE__V1__ERROR_CODE__BAD_FRAME,
                        "The frame is not a valid cascade.v1.Frame.");
        char why[96];
        snprintf(why, sizeof why, "bad frame: %zu bytes that are not a valid Frame", len);
        conn_close(c, why);
        return;
    }
    if (!c->greeted) {
        if (f->body_case == CASCADE__V1__FRAME__BODY_HELLO) {
            transport_deadline_clear(&c->transport);
            handle_hello(c, f);
        } else {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__BAD_STATE,
                            "Send Hello first: the handshake must come before any request.");
            char why[96];
            snprintf(why, sizeof why, "'%s' before Hello", wire_body_name(f));
            conn_close(c, why);
        }
    } else {
        dispatch(c, f);
    }
    wire_free(f);
}
