/* The session's own requests: Hello (the first frame of every connection)
 * and Ping (the clients' heartbeat). */
#include <stdio.h>

#include "clock.h"
#include "handlers.h"
#include "live.h"
#include "version.h"

void handle_hello(struct conn *c, const WireFrame *f)
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
    w.server_time_ms = clock_now_ms();
    w.server_id = (char *)c->live->server_id;
    WireFrame reply = CASCADE__V1__FRAME__INIT;
    reply.request_id = f->request_id;
    reply.body_case = CASCADE__V1__FRAME__BODY_WELCOME;
    reply.welcome = &w;
    if (conn_send(c, &reply) == 0) {
        c->greeted = 1;
        c->last_request_id = f->request_id;
        c->greeted_at = uv_now(c->net->loop);
    }
}

void handle_ping(struct conn *c, const WireFrame *f)
{
    Cascade__V1__Pong pong = CASCADE__V1__PONG__INIT;
    pong.nonce = f->ping->nonce;
    WireFrame reply = CASCADE__V1__FRAME__INIT;
    reply.request_id = f->request_id;
    reply.body_case = CASCADE__V1__FRAME__BODY_PONG;
    reply.pong = &pong;
    conn_send(c, &reply);
}
