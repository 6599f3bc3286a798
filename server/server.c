#include "server.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stddef.h>

#include "agenda_timer.h"
#include "backup_job.h"
#include "batch.h"
#include "cadence_timer.h"
#include "cert.h"
#include "clock.h"
#include "errors.h"
#include "frame.h"
#include "handlers.h"
#include "password_job.h"
#include "log.h"
#include "metrics_http.h"
#include "options.h"
#include "service.h"
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
    vitals_tick(&s->live.vitals, uv_now(s->loop));
    cluster_sweep(&s->live);
    if (s->draining && s->net.nconns == 0) {
        log_info("drained: every connection has gone");
        server_stop(s);
    }
}

/* Runs after each loop turn's I/O: the turn's changes commit together. */
static void on_turn_end(uv_check_t *check)
{
    struct server *s = check->data;
    live_turn_end(&s->live);
}

/* How long SIGUSR2 gives everyone before the server stops. */
#define SERVER_SIGNAL_DRAIN_S 60

static void on_signal(uv_signal_t *sig, int signum)
{
    struct server *s = sig->data;
    switch (signum) {
    case SIGHUP:
        log_info("received SIGHUP; reloading the configuration and the certificate");
        server_reload(s);
        break;
    case SIGUSR1:
        if (log_reopen() != 0)
            log_warn("received SIGUSR1 but cannot reopen the log file: %s; writing on to "
                     "the old one", strerror(errno));
        else
            log_info("received SIGUSR1; log file reopened");
        break;
    case SIGUSR2:
        log_info("received SIGUSR2; draining within %d s", SERVER_SIGNAL_DRAIN_S);
        server_drain(s, SERVER_SIGNAL_DRAIN_S, "The server is being drained for maintenance.");
        break;
    default:
        log_info("received %s; shutting down", signum == SIGINT ? "SIGINT" : "SIGTERM");
        server_stop(s);
    }
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
    service_stopping();
    if (!uv_is_closing((uv_handle_t *)&s->listener))
        uv_close((uv_handle_t *)&s->listener, NULL);
    uv_signal_t *signals[] = {&s->sigint, &s->sigterm, &s->sighup, &s->sigusr1, &s->sigusr2};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        uv_close((uv_handle_t *)signals[i], NULL);
    uv_close((uv_handle_t *)&s->drain_timer, NULL);
    /* What this turn applied is committed and answered before goodbye. */
    batch_commit(&s->live);
    cluster_stop(&s->live);
    agenda_timer_stop(&s->live);
    cadence_timer_stop(&s->live);
    backup_job_stop(&s->live);
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

/* A TLS context for cfg's certificate (the data directory's self-signed
 * pair, made on first start, when it names none) and its fingerprint (room
 * for TLS_FINGERPRINT_MAX bytes). 0,
 * or an error with err and *out NULL. */
static int load_tls(struct server *s, const struct server_config *cfg, struct tls_ctx **out,
                    char *fingerprint, char *err, size_t errlen)
{
    const char *cert = cfg->cert_file, *key = cfg->key_file;
    *out = NULL;
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
    struct tls_ctx *tls = tls_ctx_new_server(cert, key, err, errlen);
    if (tls == NULL)
        return CAS_ETLS;
    int rc = tls_file_fingerprint(cert, fingerprint, err, errlen);
    if (rc != 0) {
        tls_ctx_free(tls);
        return rc;
    }
    log_info("certificate %s fingerprint %s", cert, fingerprint);
    *out = tls;
    return 0;
}

static int setup_tls(struct server *s, char *err, size_t errlen)
{
    return load_tls(s, &s->cfg, &s->net.env.tls, s->fingerprint, err, errlen);
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

static void on_drain_end(uv_timer_t *timer)
{
    struct server *s = timer->data;
    log_info("drain time is up; shutting down");
    server_stop(s);
}

void server_drain(struct server *s, uint32_t within_s, const char *reason)
{
    if (s->stopping)
        return;
    int64_t ends = clock_now_ms() + (int64_t)within_s * 1000;
    if (s->draining && ends >= s->drain_ends_ms)
        return;
    if (!s->draining) {
        /* No newcomers: the port is given up at once, so that a new
         * server (or a load balancer's other node) can take them. */
        uv_close((uv_handle_t *)&s->listener, NULL);
        log_info("draining: no longer listening on %s; stopping within %u s", s->bound,
                 within_s);
    }
    s->draining = 1;
    s->drain_ends_ms = ends;
    char status[256];
    snprintf(status, sizeof status, "draining: stopping within %u s", within_s);
    service_status(status);
    uv_timer_start(&s->drain_timer, on_drain_end, (uint64_t)within_s * 1000, 0);
    net_warn_all(&s->net, reason, within_s);
}

static void drain_from_live(struct live *l, uint32_t within_s, const char *reason)
{
    struct server *s = (struct server *)((char *)l - offsetof(struct server, live));
    server_drain(s, within_s, reason);
}

/* What a reload cannot change, named in the log when the new configuration
 * has it different. */
static void note_restart_settings(const struct server_config *now,
                                  const struct server_config *asked)
{
    char a[ADDR_TEXT_MAX], b[ADDR_TEXT_MAX];
    addr_spec_format(&now->listen, a, sizeof a);
    addr_spec_format(&asked->listen, b, sizeof b);
    const char *lf_now = now->log_file != NULL ? now->log_file : "";
    const char *lf_asked = asked->log_file != NULL ? asked->log_file : "";
    struct {
        const char *name;
        int changed;
    } checks[] = {
        {"listen", strcmp(a, b) != 0},
        {"data", strcmp(now->data_dir, asked->data_dir) != 0},
        {"sync", now->sync_full != asked->sync_full},
        {"store", strcmp(now->store != NULL ? now->store : "", asked->store != NULL ? asked->store : "") != 0},
        {"log", strcmp(lf_now, lf_asked) != 0},
    };
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (checks[i].changed)
            log_warn("reload: %s changed, which takes effect at the next start", checks[i].name);
}

/* Sessions another node ended (live.h). */
static void end_sessions_here(struct live *l, int64_t user_id, const uint8_t *keep,
                              const char *reason)
{
    auth_close_local_sessions(l->net, user_id, keep, NULL, reason);
}

/* The reload proper; server_reload tells the service manager around it. */
static void reload(struct server *s);

void server_reload(struct server *s)
{
    service_reloading();
    reload(s);
    char status[ADDR_TEXT_MAX + 32];
    snprintf(status, sizeof status, "listening on %s", s->bound);
    service_ready(status);
}

static void reload(struct server *s)
{
    struct server_config asked;
    struct server_invocation inv;
    char err[1024];
    if (server_options_load(s->cfg.argc, s->cfg.argv, &asked, &inv, err, sizeof err) != 0) {
        log_warn("reload refused, the running configuration stays: %s", err);
        return;
    }
    struct tls_ctx *tls;
    char fingerprint[sizeof s->fingerprint];
    if (load_tls(s, &asked, &tls, fingerprint, err, sizeof err) != 0) {
        log_warn("reload refused, the running configuration stays: %s", err);
        return;
    }
    /* Open connections keep the context they were made with (OpenSSL
     * counts its users); new ones get the new certificate. */
    tls_ctx_free(s->net.env.tls);
    s->net.env.tls = tls;
    snprintf(s->fingerprint, sizeof s->fingerprint, "%s", fingerprint);
    note_restart_settings(&s->cfg, &asked);
    net_reconfigure(&s->net, &asked.net);
    s->live.cfg = asked.live;
    s->cfg.cert_file = asked.cert_file;
    s->cfg.key_file = asked.key_file;
    s->cfg.net = asked.net;
    s->cfg.live = asked.live;
    setup_templates(s);
    log_info("configuration reloaded%s%s", inv.config_path != NULL ? " from " : "",
             inv.config_path != NULL ? inv.config_path : "");
}

static int setup_storage(struct server *s, char *err, size_t errlen)
{
    char path[PATH_MAX + 32], shown[PATH_MAX + 32];
    if (s->cfg.store != NULL) {
        snprintf(path, sizeof path, "%s", s->cfg.store);
        store_url_redact(path, shown, sizeof shown); /* logs never show the password */
    } else {
        snprintf(path, sizeof path, "%s/cascade.db", s->data.path);
        snprintf(shown, sizeof shown, "%s", path);
    }
    struct live *l = &s->live;
    int rc = store_open(&l->store, path, s->cfg.sync_full ? STORE_SYNC_FULL : STORE_SYNC_NORMAL,
                        err, errlen);
    if (rc == 0 && s->cfg.store != NULL)
        rc = cluster_start(l, path, err, errlen);
    if (rc == 0)
        rc = auth_bootstrap(l, s->data.path, err, errlen);
    if (rc == 0)
        rc = registry_load(&l->registry, l->store, err, errlen);
    if (rc == 0)
        log_info("database %s: %zu workshops loaded", shown, l->registry.n);
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

    /* The address first: a server that cannot listen must not have made
     * an administrator account or a certificate on its way to failing. */
    int rc = auth_throttle_init(&s->net, err, errlen);
    if (rc == 0)
        rc = setup_listener(s, err, errlen);
    if (rc == 0)
        rc = datadir_open(&s->data, cfg->data_dir, err, errlen);
    s->live.server_id = s->data.server_id;
    if (rc == 0)
        rc = setup_storage(s, err, errlen);
    if (rc == 0)
        rc = setup_tls(s, err, errlen);
    if (rc != 0) {
        /* The listener may be initialised; close it so the loop can end. */
        if (s->listener.loop != NULL)
            uv_close((uv_handle_t *)&s->listener, NULL);
        uv_run(loop, UV_RUN_DEFAULT);
        server_close(s);
        return rc;
    }
    if (s->cfg.metrics) {
        char bound[ADDR_TEXT_MAX];
        rc = metrics_http_start(&s->metrics, &s->cfg.metrics_addr, s->data.path, bound,
                                sizeof bound, err, errlen);
        if (rc != 0) {
            uv_close((uv_handle_t *)&s->listener, NULL);
            uv_run(loop, UV_RUN_DEFAULT);
            server_close(s);
            return CAS_EIO;
        }
        log_info("metrics on http://%s/metrics", bound);
    }
    net_start(&s->net);
    uv_idle_init(loop, &s->live.replay_idle);
    uv_check_init(loop, &s->commit_check);
    s->commit_check.data = s;
    uv_check_start(&s->commit_check, on_turn_end);
    uv_timer_init(loop, &s->sweep_timer);
    s->sweep_timer.data = s;
    uv_timer_start(&s->sweep_timer, on_sweep, 1000, 1000);
    vitals_init(&s->live.vitals, clock_now_ms(), uv_now(loop));
    agenda_timer_start(&s->live);
    /* What fell due while the server was down is given at once. */
    cadence_timer_start(&s->live);
    uv_timer_init(loop, &s->shutdown_timer);
    uv_timer_init(loop, &s->drain_timer);
    s->shutdown_timer.data = s->drain_timer.data = s;
    s->live.drain = drain_from_live;
    s->live.end_sessions = end_sessions_here;
    struct {
        uv_signal_t *handle;
        int signum;
    } signals[] = {{&s->sigint, SIGINT},   {&s->sigterm, SIGTERM}, {&s->sighup, SIGHUP},
                   {&s->sigusr1, SIGUSR1}, {&s->sigusr2, SIGUSR2}};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        uv_signal_init(loop, signals[i].handle);
        signals[i].handle->data = s;
        uv_signal_start(signals[i].handle, on_signal, signals[i].signum);
    }
    log_info("cascaded %s (protocol %u) listening on %s, data in %s, server id %s",
             CASCADE_VERSION, CASCADE_PROTOCOL_VERSION, s->bound, s->data.path,
             s->data.server_id);
    char status[ADDR_TEXT_MAX + 32];
    snprintf(status, sizeof status, "listening on %s", s->bound);
    service_ready(status);
    return 0;
}

int server_run(struct server *s)
{
    return uv_run(s->loop, UV_RUN_DEFAULT);
}

void server_close(struct server *s)
{
    metrics_http_stop(s->metrics);
    s->metrics = NULL;
    live_free(&s->live);
    cluster_free(&s->live);
    if (s->live.store != NULL)
        store_close(s->live.store);
    s->live.store = NULL;
    net_free(&s->net);
}
