#include "bench_load.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "bench_proc.h"
#include "bench_scan.h"
#include "buf.h"
#include "errors.h"
#include "tls.h"
#include "transport.h"
#include "version.h"
#include "wire.h"

/* Connections in the TLS handshake at once: well under the server's
 * --max-handshakes (256 by default); past its --max-handshakes-per-address
 * (16 by default) run the server with a larger one, as compare-mosquitto.sh
 * does. */
#define CONNECTING_AT_ONCE 64
/* Edits a writer may have sent and not yet seen acknowledged. */
#define WRITER_WINDOW 64
/* Request ids: the setup requests, then edits and pings. */
enum { REQ_HELLO = 1, REQ_AUTHENTICATE = 2, REQ_SUBSCRIBE = 3, REQ_FIRST_FREE = 4 };
/* How long the run waits, after the last edit is sent, for acknowledgements
 * and deliveries still under way. */
#define DRAIN_MS 3000
#define HEARTBEAT_MS 30000

enum conn_state { CONN_WAITING, CONN_CONNECTING, CONN_READY, CONN_CLOSED };
enum phase { PHASE_CONNECT, PHASE_IDLE, PHASE_RUN, PHASE_DRAIN, PHASE_CLOSE };

struct load_conn {
    struct transport t;
    struct load *l;
    int workshop;    /* followed workshop; -1 for an idle connection */
    int writer;
    enum conn_state state;
    uint64_t next_id;
    unsigned inflight; /* edits not yet acknowledged */
};

struct load {
    const struct load_config *cfg;
    uv_loop_t loop;
    struct transport_env env;
    struct tls_ctx *tls;
    uint8_t readbuf[64 * 1024];
    struct load_conn *conns; /* cfg->clients following, then cfg->idle idle ones */
    unsigned nconns;
    unsigned next_to_connect, connecting, phase_end; /* connections phase_end.. wait */
    unsigned failed;
    char first_failure[512];
    uint32_t *followers; /* per workshop: connections following it */
    enum phase phase;
    uv_timer_t tick, heartbeat;
    uv_signal_t sigint;
    int interrupted; /* Ctrl-C: end the run now and report what it got */
    struct transport_batch batch; /* a writer's edits of one turn go out together */
    struct tracker tracker;
    uint64_t offered, skipped, acked, errors, lost, rate_limited;
    char first_error[512];
    uint64_t run_start_us, run_end_us, drain_start_us;
    unsigned writer_rr;
    struct proc_sample before_idle, after_idle, run_start, run_end;
    double self_start_s, self_end_s; /* this process's CPU over the run */
    struct buf out;
};

static void advance(struct load *l);
static void on_tick(uv_timer_t *timer);

static void send_frame(struct load_conn *c, WireFrame *f)
{
    struct load *l = c->l;
    l->out.len = 0;
    if (wire_pack(f, WIRE_MAX_SERVER_FRAME, &l->out) != 0 ||
        transport_send(&c->t, l->out.data, l->out.len) != 0)
        l->errors++;
}

static void conn_fail(struct load_conn *c, const char *why)
{
    struct load *l = c->l;
    if (l->first_failure[0] == '\0')
        snprintf(l->first_failure, sizeof l->first_failure, "%s", why);
    transport_abort(&c->t, why);
}

static void on_ready(struct transport *t)
{
    struct load_conn *c = t->data;
    const struct load_config *cfg = c->l->cfg;
    char fp[TLS_FINGERPRINT_MAX];
    if (cfg->ca_file == NULL &&
        (transport_peer_fingerprint(t, fp) != 0 || strcmp(fp, cfg->fingerprint) != 0)) {
        conn_fail(c, "the server's certificate is not the one pinned for it");
        return;
    }
    /* The three setup requests go out at once; the server answers in order. */
    Cascade__V1__Hello hello = CASCADE__V1__HELLO__INIT;
    hello.protocol_version = CASCADE_PROTOCOL_VERSION;
    hello.client_name = "cascade-bench";
    hello.client_version = CASCADE_VERSION;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = REQ_HELLO;
    f.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    f.hello = &hello;
    send_frame(c, &f);
    Cascade__V1__Authenticate auth = CASCADE__V1__AUTHENTICATE__INIT;
    auth.token = (char *)cfg->token;
    f.request_id = REQ_AUTHENTICATE;
    f.body_case = CASCADE__V1__FRAME__BODY_AUTHENTICATE;
    f.authenticate = &auth;
    send_frame(c, &f);
    if (c->workshop < 0)
        return;
    Cascade__V1__Subscribe sub = CASCADE__V1__SUBSCRIBE__INIT;
    sub.workshop = (char *)cfg->workshops[c->workshop].code;
    sub.from_now = 1;
    f.request_id = REQ_SUBSCRIBE;
    f.body_case = CASCADE__V1__FRAME__BODY_SUBSCRIBE;
    f.subscribe = &sub;
    send_frame(c, &f);
}

static void became_ready(struct load_conn *c)
{
    struct load *l = c->l;
    c->state = CONN_READY;
    l->connecting--;
    if (c->workshop >= 0)
        l->followers[c->workshop]++;
    advance(l);
}

static void send_edit(struct load_conn *c)
{
    struct load *l = c->l;
    const struct load_workshop *w = &l->cfg->workshops[c->workshop];
    uint64_t stamp = tracker_stamp(&l->tracker);
    Cascade__V1__CheckIn ci = CASCADE__V1__CHECK_IN__INIT;
    ci.workshop = (char *)w->code;
    ci.key_result = (char *)w->key_result;
    ci.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
    ci.current = (double)stamp; /* the send time travels in the edit itself */
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = c->next_id++;
    f.body_case = CASCADE__V1__FRAME__BODY_CHECK_IN;
    f.check_in = &ci;
    if (tracker_sent(&l->tracker, stamp, l->followers[c->workshop]) != 0) {
        l->errors++;
        return;
    }
    c->inflight++;
    l->offered++;
    send_frame(c, &f);
}

/* The writers' share of edits due by now (rate mode), or every writer's
 * window filled (as fast as acknowledged). */
static void send_due(struct load *l)
{
    const struct load_config *cfg = l->cfg;
    uint64_t limit = cfg->edits ? cfg->edits : UINT64_MAX;
    if (cfg->rate <= 0) {
        for (unsigned i = 0; i < cfg->writers; i++) {
            struct load_conn *c = &l->conns[i];
            while (c->state == CONN_READY && c->inflight < WRITER_WINDOW && l->offered < limit)
                send_edit(c);
        }
        return;
    }
    double elapsed = (double)(bench_now_us() - l->run_start_us) / 1e6;
    uint64_t due = (uint64_t)(cfg->rate * elapsed) + 1;
    if (due > limit)
        due = limit;
    while (l->offered + l->skipped < due) {
        struct load_conn *c = &l->conns[l->writer_rr++ % cfg->writers];
        if (c->state == CONN_READY && c->inflight < WRITER_WINDOW)
            send_edit(c);
        else
            l->skipped++; /* that writer is still waiting: the server is behind */
    }
}

static void note_error(struct load *l, const Cascade__V1__Error *e)
{
    l->errors++;
    if (e->code == CASCADE__V1__ERROR_CODE__RATE_LIMITED)
        l->rate_limited++;
    if (l->first_error[0] == '\0')
        snprintf(l->first_error, sizeof l->first_error, "%s: %s", wire_error_name(e->code),
                 e->message);
}

static void on_frame(struct transport *t, const uint8_t *payload, size_t len)
{
    struct load_conn *c = t->data;
    struct load *l = c->l;
    double stamps[4];
    int n = bench_scan_event(payload, len, stamps, 4);
    if (n >= 0) {
        uint64_t now = bench_now_us();
        for (int i = 0; i < n; i++)
            tracker_delivered(&l->tracker, (uint64_t)stamps[i], now);
        return;
    }
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET_TRUSTED(len));
    if (f == NULL) {
        conn_fail(c, "the server sent a frame that is not a valid cascade.v1.Frame");
        return;
    }
    uint64_t id = f->request_id;
    switch (f->body_case) {
    case CASCADE__V1__FRAME__BODY_USER_INFO:
        if (id == REQ_AUTHENTICATE && c->state == CONN_CONNECTING && c->workshop < 0)
            became_ready(c);
        break;
    case CASCADE__V1__FRAME__BODY_ACK:
        if (id == REQ_SUBSCRIBE && c->state == CONN_CONNECTING) {
            became_ready(c);
        } else if (id >= REQ_FIRST_FREE && c->inflight > 0) {
            c->inflight--;
            l->acked++;
            if (l->cfg->rate <= 0 && l->phase == PHASE_RUN)
                send_due(l);
        }
        break;
    case CASCADE__V1__FRAME__BODY_ERROR:
        if (c->state == CONN_CONNECTING) {
            char why[400];
            snprintf(why, sizeof why, "%s: %s", wire_error_name(f->error->code), f->error->message);
            conn_fail(c, why);
        } else {
            if (id >= REQ_FIRST_FREE && c->inflight > 0)
                c->inflight--;
            note_error(l, f->error);
        }
        break;
    default: /* Welcome, Pong, presence: nothing to count */
        break;
    }
    wire_free(f);
}

static void on_closed(struct transport *t, const char *reason)
{
    struct load_conn *c = t->data;
    struct load *l = c->l;
    enum conn_state was = c->state;
    c->state = CONN_CLOSED;
    if (was == CONN_CONNECTING) {
        l->connecting--;
        l->failed++;
        if (l->first_failure[0] == '\0')
            snprintf(l->first_failure, sizeof l->first_failure, "%s", reason);
    } else if (was == CONN_READY && l->phase != PHASE_CLOSE) {
        l->lost++;
        if (c->workshop >= 0)
            l->followers[c->workshop]--;
        if (l->first_error[0] == '\0')
            snprintf(l->first_error, sizeof l->first_error, "a connection was lost: %s", reason);
    }
    advance(l);
}

static const struct transport_ops LOAD_OPS = {on_ready, on_frame, on_closed};

/* Starts connections until CONNECTING_AT_ONCE are under way or none are left
 * below phase_end. */
static void connect_more(struct load *l)
{
    while (l->connecting < CONNECTING_AT_ONCE && l->next_to_connect < l->phase_end) {
        struct load_conn *c = &l->conns[l->next_to_connect++];
        c->state = CONN_CONNECTING;
        l->connecting++;
        if (transport_init(&c->t, &l->env, c) != 0) {
            c->state = CONN_CLOSED;
            l->connecting--;
            l->failed++;
            continue;
        }
        size_t i = (size_t)(c - l->conns);
        transport_connect(&c->t, (const struct sockaddr *)&l->cfg->addrs[i % l->cfg->naddrs],
                          l->cfg->host);
    }
}

static void close_all(struct load *l)
{
    l->phase = PHASE_CLOSE;
    uv_timer_stop(&l->tick);
    uv_timer_stop(&l->heartbeat);
    for (unsigned i = 0; i < l->nconns; i++)
        if (l->conns[i].state == CONN_READY || l->conns[i].state == CONN_CONNECTING)
            transport_close(&l->conns[i].t, "the bench is over");
}

static void start_run(struct load *l)
{
    l->phase = PHASE_RUN;
    l->run_start = proc_sample(l->cfg->server_pid);
    l->self_start_s = proc_self_cpu_s();
    l->run_start_us = bench_now_us();
    send_due(l);
    uv_timer_start(&l->tick, on_tick, 1, 1);
}

/* Moves from phase to phase as connections become ready or fail. */
static void advance(struct load *l)
{
    const struct load_config *cfg = l->cfg;
    if (l->phase == PHASE_CLOSE)
        return;
    if ((l->phase == PHASE_CONNECT || l->phase == PHASE_IDLE) && l->failed > 0) {
        close_all(l);
        return;
    }
    connect_more(l);
    if (l->connecting > 0 || l->next_to_connect < l->phase_end)
        return;
    if (l->phase == PHASE_CONNECT) {
        fprintf(stderr, "cascade-bench: %u clients connected, logged in and following\n",
                cfg->clients);
        if (cfg->idle > 0) {
            l->phase = PHASE_IDLE;
            l->before_idle = proc_sample(cfg->server_pid);
            l->phase_end = l->nconns;
            connect_more(l);
            return;
        }
        start_run(l);
    } else if (l->phase == PHASE_IDLE) {
        l->after_idle = proc_sample(cfg->server_pid);
        fprintf(stderr, "cascade-bench: %u idle clients connected and logged in\n", cfg->idle);
        start_run(l);
    }
}

static void on_tick(uv_timer_t *timer)
{
    struct load *l = timer->data;
    const struct load_config *cfg = l->cfg;
    uint64_t now = bench_now_us();
    if (l->phase == PHASE_RUN) {
        int over = l->interrupted ||
                   (cfg->edits ? l->offered + l->skipped >= cfg->edits
                               : (double)(now - l->run_start_us) >= cfg->duration_s * 1e6);
        if (!over) {
            send_due(l);
            return;
        }
        l->phase = PHASE_DRAIN;
        l->run_end_us = now;
        l->drain_start_us = now;
    }
    if (l->phase != PHASE_DRAIN)
        return;
    unsigned inflight = 0;
    for (unsigned i = 0; i < cfg->writers; i++)
        inflight += l->conns[i].state == CONN_READY ? l->conns[i].inflight : 0;
    int delivered = l->tracker.nlatency == l->tracker.n;
    if ((inflight == 0 && delivered) || now - l->drain_start_us >= DRAIN_MS * 1000u) {
        l->run_end = proc_sample(cfg->server_pid);
        l->self_end_s = proc_self_cpu_s();
        close_all(l);
    }
}

/* The first Ctrl-C ends the run (or the connecting) and still reports; a
 * second one ends the program as usual. */
static void on_sigint(uv_signal_t *sig, int signum)
{
    struct load *l = sig->data;
    (void)signum;
    uv_signal_stop(sig);
    signal(SIGINT, SIG_DFL);
    l->interrupted = 1;
    fprintf(stderr, "cascade-bench: interrupted; reporting what the run got so far\n");
    if (l->phase == PHASE_CONNECT || l->phase == PHASE_IDLE)
        close_all(l); /* no run to report */
}

static void on_heartbeat(uv_timer_t *timer)
{
    struct load *l = timer->data;
    Cascade__V1__Ping ping = CASCADE__V1__PING__INIT;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &ping;
    for (unsigned i = 0; i < l->nconns; i++) {
        struct load_conn *c = &l->conns[i];
        if (c->state != CONN_READY)
            continue;
        f.request_id = c->next_id++;
        send_frame(c, &f);
    }
}

static void fill_report(struct load *l, struct bench_report *r)
{
    const struct load_config *cfg = l->cfg;
    uint64_t end = l->tracker.last_delivery_us > l->run_end_us ? l->tracker.last_delivery_us
                                                                 : l->run_end_us;
    r->target = "cascaded";
    r->clients = cfg->clients;
    r->groups = cfg->nworkshops;
    r->writers = cfg->writers;
    r->rate = cfg->rate;
    r->seconds = end > l->run_start_us ? (double)(end - l->run_start_us) / 1e6 : 0;
    r->offered = l->offered;
    r->acked = l->acked;
    r->deliveries = l->tracker.deliveries;
    r->latency = tracker_latency(&l->tracker);
    r->errors = l->errors + l->lost + l->tracker.unmatched;
    r->incomplete = tracker_incomplete(&l->tracker);
    r->server_rss_kib = l->run_end.rss_kib;
    r->server_cpu_s = l->run_end.cpu_s >= 0 && l->run_start.cpu_s >= 0
                          ? l->run_end.cpu_s - l->run_start.cpu_s
                          : -1;
    r->driver_cpu_s = l->self_end_s - l->self_start_s;
    r->idle = cfg->idle;
    r->rss_per_idle_kib = cfg->idle > 0 && l->before_idle.rss_kib >= 0 && l->after_idle.rss_kib >= 0
                              ? (double)(l->after_idle.rss_kib - l->before_idle.rss_kib) / cfg->idle
                              : -1;
    r->durability = "Cascade writes every edit to SQLite (fsynced with --sync full) before it "
                    "acknowledges or broadcasts it.";
    if (l->skipped > 0)
        fprintf(stderr,
                "cascade-bench: %llu edits could not be offered on time: their writer still "
                "waited for %d acknowledgements (the server was behind)\n",
                (unsigned long long)l->skipped, WRITER_WINDOW);
    if (l->first_error[0] != '\0')
        fprintf(stderr, "cascade-bench: first error: %s\n", l->first_error);
    if (l->rate_limited > 0)
        fprintf(stderr,
                "cascade-bench: %llu edits were refused as RATE_LIMITED: start cascaded with a "
                "higher --rate (each writer sends %.0f per second)\n",
                (unsigned long long)l->rate_limited, cfg->rate / cfg->writers);
}

int load_run(const struct load_config *cfg, struct bench_report *report)
{
    struct load *l = calloc(1, sizeof *l);
    if (l == NULL)
        return -1;
    int ret = -1;
    char err[512];
    l->cfg = cfg;
    l->nconns = cfg->clients + cfg->idle;
    l->conns = calloc(l->nconns, sizeof *l->conns);
    l->followers = calloc(cfg->nworkshops, sizeof *l->followers);
    if (l->conns == NULL || l->followers == NULL || uv_loop_init(&l->loop) != 0)
        goto out_free;
    l->tls = tls_ctx_new_client(cfg->ca_file, err, sizeof err);
    if (l->tls == NULL) {
        fprintf(stderr, "cascade-bench: %s\n", err);
        goto out_loop;
    }
    transport_batch_init(&l->batch, &l->loop);
    l->env = (struct transport_env){
        .loop = &l->loop,
        .tls = l->tls,
        .ops = &LOAD_OPS,
        .max_frame = WIRE_MAX_SERVER_FRAME,
        .max_outbound = (size_t)256 << 20,
        .handshake_timeout_ms = 30000,
        .linger_ms = 1000,
        .readbuf = l->readbuf,
        .readbuf_len = sizeof l->readbuf,
        .batch = &l->batch,
    };
    for (unsigned i = 0; i < l->nconns; i++) {
        struct load_conn *c = &l->conns[i];
        c->l = l;
        c->workshop = i < cfg->clients ? (int)(i % cfg->nworkshops) : -1;
        c->writer = i < cfg->writers;
        c->next_id = REQ_FIRST_FREE;
    }
    uv_timer_init(&l->loop, &l->tick);
    uv_signal_init(&l->loop, &l->sigint);
    l->sigint.data = l;
    uv_signal_start(&l->sigint, on_sigint, SIGINT);
    uv_unref((uv_handle_t *)&l->sigint);
    uv_timer_init(&l->loop, &l->heartbeat);
    l->tick.data = l->heartbeat.data = l;
    uv_timer_start(&l->heartbeat, on_heartbeat, HEARTBEAT_MS, HEARTBEAT_MS);
    l->phase_end = cfg->clients;
    advance(l);
    uv_run(&l->loop, UV_RUN_DEFAULT);
    if (l->failed > 0) {
        fprintf(stderr, "cascade-bench: %u of %u connections failed: %s\n", l->failed, l->nconns,
                l->first_failure);
        if (l->nconns > 256)
            fprintf(stderr, "cascade-bench: a server refuses connections past its --max-per-address "
                            "(256), --max-handshakes (256) and --max-handshakes-per-address (16); "
                            "the log of cascaded says which\n");
    } else if (l->run_start_us == 0) {
        fprintf(stderr, "cascade-bench: interrupted before the run began\n");
    } else {
        fill_report(l, report);
        ret = 0;
    }
    transport_batch_close(&l->batch);
    uv_close((uv_handle_t *)&l->sigint, NULL);
    uv_close((uv_handle_t *)&l->tick, NULL);
    uv_close((uv_handle_t *)&l->heartbeat, NULL);
    uv_run(&l->loop, UV_RUN_DEFAULT);
    tls_ctx_free(l->tls);
out_loop:
    uv_loop_close(&l->loop);
out_free:
    tracker_free(&l->tracker);
    buf_free(&l->out);
    free(l->followers);
    free(l->conns);
    free(l);
    return ret;
}
