#include "server.h"

#include <stdio.h>
#include <string.h>
#include <stddef.h>

#include "agenda_timer.h"
#include "batch.h"
#include "cadence_timer.h"
#include "cert.h"
#include "errors.h"
#include "frame.h"
#include "handlers.h"
#include "log.h"
#include "store.h"
#include "templates_dir.h"
#include "tls.h"
#include "version.h"

#define SERVER_DEFAULT_PORT 7447
#define SERVER_SHUTDOWN_MS 900     /* then drop whoever is left, to exit within a second */

void server_config_defaults(struct server_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    snprintf(cfg->listen.host, sizeof cfg->listen.host, "127.0.0.1");
    cfg->listen.port = SERVER_DEFAULT_PORT;
    cfg->data_dir = "./cascade-data";
    cfg->sync_full = 1;
    cfg->net = (struct net_config){
        .max_frame = FRAME_DEFAULT_MAX,
        .max_outbound = 8u << 20,
        .handshake_timeout_ms = 10000,
        .first_byte_timeout_ms = 3000,
        .idle_timeout_ms = 120000,
        .login_timeout_ms = 60000,
        .max_connections = 10000,
        .rate_per_s = 50,
        .max_per_address = 256,
        .max_handshakes = 256,
        .max_anonymous_memory = (size_t)64 << 20,
    };
    cfg->live = (struct live_config){
        .token_ttl_s = 30 * 24 * 3600,
        .max_entities = 10000,
        .max_workshops_per_user = 100,
        .text_limits = okr_limits_default,
        .max_snapshot_memory = (size_t)256 << 20,
        .agenda_warning_ms = 2 * 60 * 1000,
    };
}

static struct server *server_of_net(struct net *n)
{
    return (struct server *)((char *)n - offsetof(struct server, net));
}

/* A connection has closed: the live state forgets it, and a shutdown ends
 * with the last one. */
static void on_conn_closed(struct net *n, struct conn *c)
{
    struct server *s = server_of_net(n);
    live_forget_conn(&s->live, c);
    if (s->stopping && n->nconns == 0 && !uv_is_closing((uv_handle_t *)&s->shutdown_timer))
        uv_close((uv_handle_t *)&s->shutdown_timer, NULL);
}

static void on_connection(uv_stream_t *listener, int status)
{
    struct server *s = listener->data;
    if (status < 0) {
        log_warn("accept failed: %s", uv_strerror(status));
        return;
    }
    net_accept(&s->net, listener);
}

/* Once a second. */
static void on_sweep(uv_timer_t *timer)
{
    struct server *s = timer->data;
    net_sweep(&s->net);
}

/* Runs after each loop turn's I/O: the turn's changes commit together. */
static void on_turn_end(uv_check_t *check)
{
    struct server *s = check->data;
    live_turn_end(&s->live);
}

static void on_signal(uv_signal_t *sig, int signum)
{
    struct server *s = sig->data;
    log_info("received %s; shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
    server_stop(s);
}

static void on_shutdown_deadline(uv_timer_t *timer)
{
    struct server *s = timer->data;
    net_abort_all(&s->net, "server shut down");
    uv_close((uv_handle_t *)timer, NULL);
}

void server_stop(struct server *s)
{
    if (s->stopping)
        return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    /* What this turn applied is committed and answered before goodbye. */
    batch_commit(&s->live);
    agenda_timer_stop(&s->live);
    cadence_timer_stop(&s->live);
    uv_close((uv_handle_t *)&s->commit_check, NULL);
    uv_close((uv_handle_t *)&s->live.replay_idle, NULL);
    uv_close((uv_handle_t *)&s->sweep_timer, NULL);
    net_close_all(&s->net, "The server is shutting down.");
    if (s->net.nconns == 0) {
        uv_close((uv_handle_t *)&s->shutdown_timer, NULL);
        return;
    }
    uv_timer_start(&s->shutdown_timer, on_shutdown_deadline, SERVER_SHUTDOWN_MS, 0);
}

static int setup_tls(struct server *s, char *err, size_t errlen)
{
    const char *cert = s->cfg.cert_file, *key = s->cfg.key_file;
    if (cert == NULL) {
        int created = 0;
        int rc = cert_ensure_self_signed(s->data.cert, s->data.key, &created, err, errlen);
        if (rc != 0)
            return rc;
        if (created)
            log_info("generated a self-signed certificate %s", s->data.cert);
        cert = s->data.cert;
        key = s->data.key;
    }
    s->net.env.tls = tls_ctx_new_server(cert, key, err, errlen);
    if (s->net.env.tls == NULL)
        return CAS_ETLS;
    int rc = tls_file_fingerprint(cert, s->fingerprint, err, errlen);
    if (rc != 0)
        return rc;
    log_info("certificate %s fingerprint %s", cert, s->fingerprint);
    return 0;
}

/* Where templates are read (DATA/templates unless --templates), and a word
 * to the operator about files that cannot be used: they are read again at
 * each use, so mending one needs no restart. */
static void setup_templates(struct server *s)
{
    struct live *l = &s->live;
    if (s->cfg.live.templates_dir != NULL)
        snprintf(l->templates_path, sizeof l->templates_path, "%s", s->cfg.live.templates_dir);
    else
        snprintf(l->templates_path, sizeof l->templates_path, "%.4096s/templates", s->data.path);
    struct template_set set;
    if (templates_read(l->templates_path, &l->cfg.text_limits, &set) != 0)
        return;
    for (size_t i = 0; i < set.n; i++)
        if (set.items[i].problem[0] != '\0')
            log_warn("template %s in %s cannot be used: %s", set.items[i].name,
                     l->templates_path, set.items[i].problem);
    log_info("%zu templates (%s)", set.n, l->templates_path);
    templates_free(&set);
}

static int setup_storage(struct server *s, char *err, size_t errlen)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/cascade.db", s->data.path);
    struct live *l = &s->live;
    int rc = store_open(&l->store, path, s->cfg.sync_full ? STORE_SYNC_FULL : STORE_SYNC_NORMAL,
                        err, errlen);
    if (rc == 0)
        rc = auth_bootstrap(l, s->data.path, err, errlen);
    if (rc == 0)
        rc = registry_load(&l->registry, l->store, err, errlen);
    if (rc == 0)
        log_info("database %s: %zu workshops loaded", path, l->registry.n);
    if (rc == 0)
        setup_templates(s);
    return rc;
}

static int setup_listener(struct server *s, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    int rc = addr_resolve(&s->cfg.listen, &ss, err, errlen);
    if (rc != 0)
        return rc;
    char want[ADDR_TEXT_MAX];
    addr_spec_format(&s->cfg.listen, want, sizeof want);
    if ((rc = uv_tcp_init(s->loop, &s->listener)) != 0) {
        cas_errorf(err, errlen, "Cannot create a socket: %s.", uv_strerror(rc));
        return CAS_EIO;
    }
    s->listener.data = s;
    if ((rc = uv_tcp_bind(&s->listener, (struct sockaddr *)&ss, 0)) != 0 ||
        (rc = uv_listen((uv_stream_t *)&s->listener, 511, on_connection)) != 0) {
        cas_errorf(err, errlen, "Cannot listen on %s: %s.", want, uv_strerror(rc));
        return CAS_EIO;
    }
    int len = sizeof ss;
    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len);
    addr_format((struct sockaddr *)&ss, s->bound, sizeof s->bound);
    return 0;
}

int server_open(struct server *s, const struct server_config *cfg, uv_loop_t *loop,
                char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->cfg = *cfg;
    s->loop = loop;
    net_init(&s->net, &cfg->net, loop);
    s->net.live = &s->live;
    s->net.route = handlers_route;
    s->net.on_closed = on_conn_closed;
    s->live.cfg = cfg->live;
    s->live.loop = loop;
    s->live.net = &s->net;

    int rc = auth_throttle_init(&s->net, err, errlen);
    if (rc == 0)
        rc = datadir_open(&s->data, cfg->data_dir, err, errlen);
    s->live.server_id = s->data.server_id;
    if (rc == 0)
        rc = setup_storage(s, err, errlen);
    if (rc == 0)
        rc = setup_tls(s, err, errlen);
    if (rc == 0)
        rc = setup_listener(s, err, errlen);
    if (rc != 0) {
        /* The listener may be initialised; close it so the loop can end. */
        if (s->listener.loop != NULL)
            uv_close((uv_handle_t *)&s->listener, NULL);
        uv_run(loop, UV_RUN_DEFAULT);
        server_close(s);
        return rc;
    }
    net_start(&s->net);
    uv_idle_init(loop, &s->live.replay_idle);
    uv_check_init(loop, &s->commit_check);
    s->commit_check.data = s;
    uv_check_start(&s->commit_check, on_turn_end);
    uv_timer_init(loop, &s->sweep_timer);
    s->sweep_timer.data = s;
    uv_timer_start(&s->sweep_timer, on_sweep, 1000, 1000);
    agenda_timer_start(&s->live);
    /* What fell due while the server was down is given at once. */
    cadence_timer_start(&s->live);
    uv_signal_init(loop, &s->sigint);
    uv_signal_init(loop, &s->sigterm);
    uv_timer_init(loop, &s->shutdown_timer);
    s->sigint.data = s->sigterm.data = s->shutdown_timer.data = s;
    uv_signal_start(&s->sigint, on_signal, SIGINT);
    uv_signal_start(&s->sigterm, on_signal, SIGTERM);
    log_info("cascaded %s (protocol %u) listening on %s, data in %s, server id %s",
             CASCADE_VERSION, CASCADE_PROTOCOL_VERSION, s->bound, s->data.path,
             s->data.server_id);
    return 0;
}

int server_run(struct server *s)
{
    return uv_run(s->loop, UV_RUN_DEFAULT);
}

void server_close(struct server *s)
{
    live_free(&s->live);
    if (s->live.store != NULL)
        store_close(s->live.store);
    s->live.store = NULL;
    net_free(&s->net);
}
