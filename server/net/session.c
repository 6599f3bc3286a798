#include "session.h"

#include <stdio.h>

#include "buf.h"
#include "conn.h"
#include "counters.h"
#include "frame.h"
#include "requests.h"
#include "wire.h"

/* Takes one token from c's bucket (--rate per second, bursts of four
 * seconds' worth), refilled from the loop's clock. 0 when the request may
 * go on; otherwise the ms until a token is there again. */
static uint64_t rate_take(struct conn *c)
{
    uint64_t rate = c->net->cfg.rate_per_s;
    uint64_t cap = rate * 4 * 1000;
    uint64_t now = uv_now(c->net->loop);
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

static void dispatch(struct conn *c, const WireFrame *f, int has_nul)
{
    char msg[160];
    /* First, so that no kind of frame, however refused, escapes the count. */
    uint64_t wait_ms = rate_take(c);
    if (wait_ms > 0) {
        snprintf(msg, sizeof msg,
                 "Too many requests on this connection; slow down and retry in %llu ms.",
                 (unsigned long long)wait_ms);
        conn_send_retry_after(c, f->request_id, CASCADE__V1__ERROR_CODE__RATE_LIMITED, msg,
                              wait_ms);
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
    if (has_nul) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "A text field of the request holds a NUL character; text may not.");
        return;
    }
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
    counters_add(&COUNTERS.requests, 1);
    const struct request_rule *rule = request_rule(f->body_case);
    request_handler handle = rule != NULL ? c->net->route(f->body_case) : NULL;
    if (handle == NULL) {
        snprintf(msg, sizeof msg, "This server does not serve '%s' requests.", wire_body_name(f));
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST, msg);
        return;
    }
    if (rule->access != REQUEST_ANYONE && c->user_id == 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "Log in first: this request needs a logged-in user.");
        return;
    }
    if (rule->access == REQUEST_ADMIN && !c->admin) {
        snprintf(msg, sizeof msg, "Only the server's administrator can %s.", rule->refusal);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN, msg);
        return;
    }
    handle(c, f);
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
    while (c->held.len > 0 && c->replay == NULL && c->transport.state == TRANSPORT_OPEN) {
        /* Handled in place: a frame handled here cannot add to held (only
         * reads do, and none happen meanwhile), and unpacking copies it. */
        uint32_t len = frame_get_header(c->held.data);
        process_frame(c, c->held.data + FRAME_HEADER_LEN, len);
        buf_consume(&c->held, FRAME_HEADER_LEN + (size_t)len);
    }
    if (c->held.len == 0) {
        buf_free(&c->held);
        if (c->replay == NULL)
            transport_resume_reading(&c->transport);
    }
}

void session_on_frame(struct conn *c, const uint8_t *payload, size_t len)
{
    if (c->replay != NULL || c->held.len > 0)
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
    int has_nul = wire_text_has_nul(payload, len);
    if (c->greeted) {
        dispatch(c, f, has_nul);
    } else if (f->body_case != CASCADE__V1__FRAME__BODY_HELLO) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__BAD_STATE,
                        "Send Hello first: the handshake must come before any request.");
        char why[96];
        snprintf(why, sizeof why, "'%s' before Hello", wire_body_name(f));
        conn_close(c, why);
    } else if (f->request_id == 0 || has_nul) {
        /* Answers are matched by id, and 0 is none; a Hello that lies about
         * its strings starts nothing either. */
        conn_send_error(c, 0, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        f->request_id == 0
                            ? "Every request needs a non-zero request_id, Hello too."
                            : "A text field of the Hello holds a NUL character; text may not.");
        conn_close(c, f->request_id == 0 ? "Hello with request id 0" : "NUL in a Hello");
    } else {
        transport_deadline_clear(&c->transport);
        c->net->route(f->body_case)(c, f);
    }
    wire_free(f);
}
