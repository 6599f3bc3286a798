/* cascade-bench: puts a measured load on a running cascaded. It acts as the
 * user logged in with `cascade login` (their stored session token), keeps
 * its own workshops titled "cascade-bench N" (made on first use), opens the
 * clients, drives check-ins from the writers and reports what came back. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "addr.h"
#include "bench_load.h"
#include "bench_options.h"
#include "cli.h"
#include "config.h"
#include "credentials.h"
#include "errors.h"
#include "session.h"
#include "wire.h"

static const char USAGE[] =
    "Usage: cascade-bench [--server HOST:PORT[,HOST:PORT...]] [--ca FILE] [--clients N] [--workshops W]\n"
    "                     [--writers K] [--rate EDITS_PER_S] [--duration S | --edits COUNT]\n"
    "                     [--idle N] [--server-pid PID] [--json]\n"
    "\n"
    "Log in first with 'cascade login' as a user who may create workshops; the bench\n"
    "uses that session for every client and keeps its workshops ('cascade-bench N').\n"
    "\n"
    "  --server HOST:PORT  the server (env CASCADE_SERVER, default 127.0.0.1:7447); several,\n"
    "                      comma-separated, are nodes of one database: client i goes to\n"
    "                      server i mod N (they must share one certificate)\n"
    "  --ca FILE           verify the server against this CA (default: the certificate\n"
    "                      pinned by 'cascade', as cascade does)\n"
    "  --clients N         clients following a workshop, client i the workshop i mod W\n"
    "                      (default 100)\n"
    "  --workshops W       workshops (default 10)\n"
    "  --writers K         clients 0..K-1 also check in (default W: one per workshop)\n"
    "  --rate R            check-ins per second in all, spread over the writers\n"
    "                      (default 100; 0: as fast as the server acknowledges them)\n"
    "  --duration S        seconds of load (default 10)\n"
    "  --edits COUNT       send this many check-ins instead\n"
    "  --idle N            also open N clients that only log in, to measure the\n"
    "                      server's memory per idle connection (needs --server-pid)\n"
    "  --server-pid PID    read the server's memory and CPU time from /proc\n"
    "  --json              one JSON object on stdout\n"
    "\n"
    "Ctrl-C ends the run early and still reports it.\n"
    "\n"
    "The server's own limits apply: for many clients from one address start it with\n"
    "--max-per-address, and give --rate room for each writer's share.\n"
    "\n"
    "Exit status: 0 after a run; 1 when not logged in, refused, or some clients could\n"
    "not connect; 2 for a wrong command line; 3 when the server cannot be reached.\n";

struct options {
    const char *server, *ca_file;
    unsigned clients, workshops, writers, idle;
    double rate, duration_s;
    uint64_t edits;
    long server_pid;
    int json;
};

static int parse_number(const char *flag, const char *text, double min, double max, double *out)
{
    char *end;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || !(v >= min && v <= max)) {
        fprintf(stderr, "cascade-bench: %s must be a number from %.10g to %.10g, not '%s'.\n", flag,
                min, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_SERVER = 256, OPT_CA, OPT_CLIENTS, OPT_WORKSHOPS, OPT_WRITERS, OPT_RATE,
           OPT_DURATION, OPT_EDITS, OPT_IDLE, OPT_PID, OPT_JSON, OPT_HELP };
    static const struct option opts[] = {
        {"server", required_argument, NULL, OPT_SERVER},
        {"ca", required_argument, NULL, OPT_CA},
        {"clients", required_argument, NULL, OPT_CLIENTS},
        {"workshops", required_argument, NULL, OPT_WORKSHOPS},
        {"writers", required_argument, NULL, OPT_WRITERS},
        {"rate", required_argument, NULL, OPT_RATE},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"edits", required_argument, NULL, OPT_EDITS},
        {"idle", required_argument, NULL, OPT_IDLE},
        {"server-pid", required_argument, NULL, OPT_PID},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    *o = (struct options){getenv("CASCADE_SERVER"), NULL, 100, 10, 0, 0, 100, 10, 0, 0, 0};
    if (o->server == NULL || o->server[0] == '\0')
        o->server = "127.0.0.1:7447";
    int have_duration = 0, opt;
    double v;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case OPT_SERVER: o->server = optarg; break;
        case OPT_CA: o->ca_file = optarg; break;
        case OPT_CLIENTS:
            rc = parse_number("--clients", optarg, 1, 1000000, &v);
            o->clients = (unsigned)v;
            break;
        case OPT_WORKSHOPS:
            rc = parse_number("--workshops", optarg, 1, 1000, &v);
            o->workshops = (unsigned)v;
            break;
        case OPT_WRITERS:
            rc = parse_number("--writers", optarg, 1, 1000000, &v);
            o->writers = (unsigned)v;
            break;
        case OPT_RATE: rc = parse_number("--rate", optarg, 0, 1e7, &o->rate); break;
        case OPT_DURATION:
            rc = parse_number("--duration", optarg, 0.1, 86400, &o->duration_s);
            have_duration = 1;
            break;
        case OPT_EDITS:
            rc = parse_number("--edits", optarg, 1, 1e9, &v);
            o->edits = (uint64_t)v;
            break;
        case OPT_IDLE:
            rc = parse_number("--idle", optarg, 0, 1000000, &v);
            o->idle = (unsigned)v;
            break;
        case OPT_PID:
            rc = parse_number("--server-pid", optarg, 1, 4194304, &v);
            o->server_pid = (long)v;
            break;
        case OPT_JSON: o->json = 1; break;
        case OPT_HELP: fputs(USAGE, stdout); exit(0);
        default:
            fprintf(stderr, "cascade-bench: unknown or incomplete option '%s'.\n%s", argv[optind - 1], USAGE);
            return -1;
        }
        if (rc != 0)
            return -1;
    }
    static const struct bench_words words = {"cascade-bench", "workshop", "--workshops",
                                             "--writers", "writers", "--edits"};
    struct bench_shape shape = {o->clients, o->workshops, o->writers, have_duration, o->edits,
                                o->idle, (pid_t)o->server_pid};
    if (bench_check_shape(&words, argc, argv, optind, &shape) != 0)
        return -1;
    o->writers = shape.writers;
    return 0;
}

/* Sends one request on the setup connection; 0 and *reply, or -1 (printed). */
static int call(struct client *c, WireFrame *req, Cascade__V1__Frame__BodyCase want, WireFrame **reply)
{
    return cli_call(c, req, want, reply) == EXIT_OK ? 0 : -1;
}

/* Sends a creating request; 0 and the new entity's id in id, or -1. */
static int create(struct client *c, WireFrame *req, char id[16])
{
    WireFrame *reply = NULL;
    if (call(c, req, CASCADE__V1__FRAME__BODY_ACK, &reply) != 0)
        return -1;
    snprintf(id, 16, "%s", reply->ack->id);
    wire_free(reply);
    return 0;
}

/* Adds a team, an objective and the key result the writers check in to. */
static int furnish(struct client *c, struct load_workshop *w)
{
    WireFrame req = CASCADE__V1__FRAME__INIT;
    char team_id[16], objective_id[16];
    Cascade__V1__TeamAdd team = CASCADE__V1__TEAM_ADD__INIT;
    team.workshop = w->code;
    team.name = "Bench";
    req.body_case = CASCADE__V1__FRAME__BODY_TEAM_ADD;
    req.team_add = &team;
    if (create(c, &req, team_id) != 0)
        return -1;
    Cascade__V1__ObjectiveAdd obj = CASCADE__V1__OBJECTIVE_ADD__INIT;
    obj.workshop = w->code;
    obj.team = team_id;
    obj.title = "Carry every edit to every watcher";
    req.body_case = CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD;
    req.objective_add = &obj;
    if (create(c, &req, objective_id) != 0)
        return -1;
    Cascade__V1__KeyResultAdd kr = CASCADE__V1__KEY_RESULT_ADD__INIT;
    kr.workshop = w->code;
    kr.objective = objective_id;
    kr.title = "Send time of the latest edit, in microseconds";
    kr.start = 0;
    kr.target = 1e15;
    req.body_case = CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD;
    req.key_result_add = &kr;
    return create(c, &req, w->key_result);
}

/* Finds the bench's workshops among the user's, making the missing ones. */
static int prepare_workshops(struct client *c, const char *user, struct load_workshop *ws, unsigned n)
{
    WireFrame *reply = NULL;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    Cascade__V1__WorkshopList list = CASCADE__V1__WORKSHOP_LIST__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_LIST;
    req.workshop_list = &list;
    if (call(c, &req, CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY, &reply) != 0)
        return -1;
    const Cascade__V1__WorkshopListReply *have = reply->workshop_list_reply;
    unsigned made = 0;
    for (unsigned i = 0; i < n; i++) {
        char title[64];
        snprintf(title, sizeof title, "cascade-bench %u", i + 1);
        ws[i].code[0] = '\0';
        for (size_t j = 0; j < have->n_workshops; j++)
            if (strcmp(have->workshops[j]->title, title) == 0 &&
                strcmp(have->workshops[j]->created_by, user) == 0) {
                snprintf(ws[i].code, sizeof ws[i].code, "%s", have->workshops[j]->code);
                snprintf(ws[i].key_result, sizeof ws[i].key_result, "K1");
            }
        if (ws[i].code[0] != '\0')
            continue;
        WireFrame *info = NULL;
        WireFrame create_req = CASCADE__V1__FRAME__INIT;
        Cascade__V1__WorkshopCreate create = CASCADE__V1__WORKSHOP_CREATE__INIT;
        create.title = title;
        create.period = "bench";
        create_req.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_CREATE;
        create_req.workshop_create = &create;
        if (call(c, &create_req, CASCADE__V1__FRAME__BODY_WORKSHOP_INFO, &info) != 0)
            goto fail;
        snprintf(ws[i].code, sizeof ws[i].code, "%s", info->workshop_info->code);
        wire_free(info);
        if (furnish(c, &ws[i]) != 0)
            goto fail;
        made++;
    }
    wire_free(reply);
    if (made > 0)
        fprintf(stderr, "cascade-bench: made %u workshop%s for the bench\n", made, made == 1 ? "" : "s");
    return 0;
fail:
    wire_free(reply);
    return -1;
}

/* Each connection is a descriptor. */
static void raise_fd_limit(unsigned need)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= (rlim_t)need + 64)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= (rlim_t)need + 64 ? (rlim_t)need + 64
                                                                                 : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < (rlim_t)need + 64)
        fprintf(stderr, "cascade-bench: note: only %llu descriptors are allowed; raise 'ulimit -n'.\n",
                (unsigned long long)rl.rlim_cur);
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    struct cli cli;
    memset(&cli, 0, sizeof cli);
    char err[512];
    /* One server, or the nodes of one database: the load is spread over
     * them, and the session is the first one's (a login through the list
     * holds for all of them). */
    if (server_list_parse(o.server, &cli.servers, err, sizeof err) != 0) {
        fprintf(stderr, "cascade-bench: %s\n", err);
        return 2;
    }
    cli.opts.server = cli.servers.addr[0];
    addr_spec_format(&cli.opts.server, cli.server_text, sizeof cli.server_text);
    cli.opts.ca_file = o.ca_file;
    cli.opts.timeout_ms = 10000;
    if (config_dir(cli.config_dir, sizeof cli.config_dir, err, sizeof err) != 0) {
        fprintf(stderr, "cascade-bench: %s\n", err);
        return 2;
    }
    cli.opts.config_dir = cli.config_dir;

    struct client *c = NULL;
    int status = cli_connect_user(&cli, &c);
    if (status != EXIT_OK)
        return status; /* 1 refused (not logged in), 3 unreachable, as cascade */
    char path[PATH_MAX], user[CREDENTIALS_USER_MAX], token[CREDENTIALS_TOKEN_MAX];
    char fingerprint[256];
    session_path(&cli, "credentials", path, sizeof path);
    snprintf(fingerprint, sizeof fingerprint, "%s", client_fingerprint(c));
    struct load_workshop *ws = calloc(o.workshops, sizeof *ws);
    int ok = ws != NULL &&
             credentials_lookup(path, cli.server_text, user, sizeof user, token, sizeof token) == 0 &&
             prepare_workshops(c, user, ws, o.workshops) == 0;
    client_close(c);
    if (!ok) {
        free(ws);
        return 1;
    }

    struct load_config cfg = {0};
    for (size_t i = 0; i < cli.servers.n && i < LOAD_SERVERS_MAX; i++, cfg.naddrs++)
        if (addr_resolve(&cli.servers.addr[i], &cfg.addrs[i], err, sizeof err) != 0) {
            fprintf(stderr, "cascade-bench: %s\n", err);
            free(ws);
            return 1;
        }
    cfg.host = cli.opts.server.host;
    cfg.ca_file = o.ca_file;
    cfg.fingerprint = fingerprint;
    cfg.token = token;
    cfg.workshops = ws;
    cfg.nworkshops = o.workshops;
    cfg.clients = o.clients;
    cfg.writers = o.writers;
    cfg.rate = o.rate;
    cfg.duration_s = o.duration_s;
    cfg.edits = o.edits;
    cfg.idle = o.idle;
    cfg.server_pid = (pid_t)o.server_pid;
    raise_fd_limit(o.clients + o.idle);

    struct bench_report report;
    memset(&report, 0, sizeof report);
    int rc = load_run(&cfg, &report);
    free(ws);
    if (rc != 0)
        return 1;
    bench_report_print(stdout, &report, o.json);
    return 0;
}
