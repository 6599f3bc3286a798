/* cascaded's settings (options.h). */
#include "options.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "duration.h"
#include "config_file.h"
#include "errors.h"
#include "store.h"
#include "suggest.h"

/* Text values outlive the file's buffer and a reload: each is a copy kept
 * here until exit. A reload adds its few (the running server may still
 * point at the old ones), so an operator's SIGHUPs cost bytes each. */
static char **kept_strings;
static size_t nkept;

static const char *keep_string(const char *value)
{
    char **grown = realloc(kept_strings, (nkept + 1) * sizeof *grown);
    if (grown == NULL)
        return NULL;
    kept_strings = grown;
    char *copy = strdup(value);
    if (copy != NULL)
        kept_strings[nkept++] = copy;
    return copy;
}

void server_options_free_strings(void)
{
    for (size_t i = 0; i < nkept; i++)
        free(kept_strings[i]);
    free(kept_strings);
    kept_strings = NULL;
    nkept = 0;
}

/* A whole number within [min, max]. */
static int parse_whole(const char *text, unsigned long long min, unsigned long long max,
                       unsigned long long *out, char *err, size_t errlen)
{
    char *end;
    if (text[0] < '0' || text[0] > '9') {
        cas_errorf(err, errlen, "It needs a whole number, not '%s'.", text);
        return -1;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || v < min || v > max) {
        cas_errorf(err, errlen, "It must be a whole number from %llu to %llu, not '%s'.", min, max,
                   text);
        return -1;
    }
    *out = v;
    return 0;
}

static int apply_text(const char **into, const char *value, char *err, size_t errlen)
{
    if (value[0] == '\0') {
        cas_errorf(err, errlen, "It needs a value.");
        return -1;
    }
    const char *copy = keep_string(value);
    if (copy == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return -1;
    }
    *into = copy;
    return 0;
}

static int set_listen(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return addr_parse(v, &cfg->listen, err, errlen) == 0 ? 0 : -1;
}

static int set_data(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return apply_text(&cfg->data_dir, v, err, errlen);
}

static int set_cert(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return apply_text(&cfg->cert_file, v, err, errlen);
}

static int set_key(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return apply_text(&cfg->key_file, v, err, errlen);
}

static int set_log(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return apply_text(&cfg->log_file, v, err, errlen);
}

static int set_templates(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return apply_text(&cfg->live.templates_dir, v, err, errlen);
}

static int set_metrics(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    if (addr_parse(v, &cfg->metrics_addr, err, errlen) != 0)
        return -1;
    cfg->metrics = 1;
    return 0;
}

static int set_sync(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    if (strcmp(v, "full") != 0 && strcmp(v, "normal") != 0) {
        cas_errorf(err, errlen, "It is 'full' or 'normal', not '%s'.", v);
        return -1;
    }
    cfg->sync_full = strcmp(v, "full") == 0;
    return 0;
}

/* "sqlite" (the default: DATA/cascade.db) or a PostgreSQL URL. */
static int set_store(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    if (strcmp(v, "sqlite") == 0) {
        cfg->store = NULL;
        return 0;
    }
    if (!store_is_url(v)) {
        cas_errorf(err, errlen,
                   "It is 'sqlite' or a PostgreSQL URL (postgresql://USER:PASSWORD@HOST:PORT/DB),"
                   " not '%.40s'.",
                   v);
        return -1;
    }
    return apply_text(&cfg->store, v, err, errlen);
}

static int set_text_limit(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    return okr_limits_set(&cfg->live.text_limits, v, err, errlen) == 0 ? 0 : -1;
}

static int set_agenda_warning(struct server_config *cfg, const char *v, char *err, size_t errlen)
{
    int64_t ms;
    char why[256] = "";
    if (duration_parse(v, 0, &ms, why, sizeof why) != 0 || ms > 3600 * 1000) {
        cas_errorf(err, errlen, "It takes a duration from 1s to 1h, like 2m; %s",
                   why[0] != '\0' ? why : "that is too long.");
        return -1;
    }
    cfg->live.agenda_warning_ms = ms;
    return 0;
}

/* The whole-number settings: where each goes, its range and its scale. */
#define WHOLE(fn, lvalue, type, min, max, scale)                                            \
    static int fn(struct server_config *cfg, const char *v, char *err, size_t errlen)       \
    {                                                                                       \
        unsigned long long n;                                                               \
        if (parse_whole(v, (min), (max), &n, err, errlen) != 0)                             \
            return -1;                                                                      \
        cfg->lvalue = (type)(n * (scale));                                                  \
        return 0;                                                                           \
    }

WHOLE(set_max_frame, net.max_frame, size_t, 1024, 64ull << 20, 1)
WHOLE(set_max_outbound, net.max_outbound, size_t, 64 * 1024, 1ull << 30, 1)
WHOLE(set_handshake_timeout, net.handshake_timeout_ms, uint64_t, 1, 600000, 1)
WHOLE(set_first_byte_timeout, net.first_byte_timeout_ms, uint64_t, 1, 600000, 1)
WHOLE(set_max_anonymous_memory, net.max_anonymous_memory, size_t, 64 * 1024, 1ull << 40, 1)
WHOLE(set_max_handshakes_per_address, net.max_handshakes_per_address, size_t, 1, 1000000, 1)
WHOLE(set_token_ttl, live.token_ttl_s, int64_t, 1, 10ull * 365 * 24 * 3600, 1)
WHOLE(set_idle_timeout, net.idle_timeout_ms, uint64_t, 1, 86400, 1000)
WHOLE(set_login_timeout, net.login_timeout_ms, uint64_t, 1, 86400, 1000)
WHOLE(set_max_connections, net.max_connections, size_t, 1, 1000000, 1)
WHOLE(set_rate, net.rate_per_s, uint32_t, 1, 1000000, 1)
WHOLE(set_max_per_address, net.max_per_address, size_t, 1, 1000000, 1)
WHOLE(set_max_handshakes, net.max_handshakes, size_t, 1, 1000000, 1)
WHOLE(set_max_entities, live.max_entities, size_t, 1, 100000000, 1)
WHOLE(set_max_workshops_per_user, live.max_workshops_per_user, size_t, 1, 1000000, 1)
WHOLE(set_max_snapshot_memory, live.max_snapshot_memory, size_t, 64 * 1024, 1ull << 40, 1)

/* Reloadable settings are those read afresh where they are used (limits,
 * timeouts, rates); the rest shape what the server opened at start. */
const struct server_option SERVER_OPTIONS[] = {
    {"listen", set_listen, 0, 0},
    {"data", set_data, 0, 0},
    {"cert", set_cert, 1, 0},
    {"key", set_key, 1, 0},
    {"log", set_log, 0, 0},
    {"metrics", set_metrics, 0, 0},
    {"sync", set_sync, 0, 0},
    {"store", set_store, 0, 0},
    {"max-frame", set_max_frame, 1, 0},
    {"max-outbound", set_max_outbound, 1, 0},
    {"handshake-timeout", set_handshake_timeout, 1, 0},
    {"first-byte-timeout", set_first_byte_timeout, 1, 0},
    {"max-anonymous-memory", set_max_anonymous_memory, 1, 0},
    {"max-handshakes-per-address", set_max_handshakes_per_address, 1, 0},
    {"token-ttl", set_token_ttl, 1, 0},
    {"idle-timeout", set_idle_timeout, 1, 0},
    {"login-timeout", set_login_timeout, 1, 0},
    {"max-connections", set_max_connections, 1, 0},
    {"rate", set_rate, 1, 0},
    {"max-per-address", set_max_per_address, 1, 0},
    {"max-handshakes", set_max_handshakes, 1, 0},
    {"max-entities", set_max_entities, 1, 0},
    {"max-workshops-per-user", set_max_workshops_per_user, 1, 0},
    {"max-snapshot-memory", set_max_snapshot_memory, 1, 0},
    {"text-limit", set_text_limit, 1, 1},
    {"templates", set_templates, 1, 0},
    {"agenda-warning", set_agenda_warning, 1, 0},
};

const size_t SERVER_OPTION_COUNT = sizeof SERVER_OPTIONS / sizeof SERVER_OPTIONS[0];

const struct server_option *server_option_find(const char *name)
{
    for (size_t i = 0; i < SERVER_OPTION_COUNT; i++)
        if (strcmp(SERVER_OPTIONS[i].name, name) == 0)
            return &SERVER_OPTIONS[i];
    return NULL;
}

const char *server_option_suggest(const char *name)
{
    const char *names[sizeof SERVER_OPTIONS / sizeof SERVER_OPTIONS[0]];
    for (size_t i = 0; i < SERVER_OPTION_COUNT; i++)
        names[i] = SERVER_OPTIONS[i].name;
    return suggest_closest(name, names, SERVER_OPTION_COUNT);
}

int server_options_check(const struct server_config *cfg, char *err, size_t errlen)
{
    if ((cfg->cert_file == NULL) != (cfg->key_file == NULL)) {
        cas_errorf(err, errlen,
                   "Give --cert and --key (cert and key in a file) together, or neither "
                   "for a self-signed pair.");
        return -1;
    }
    return 0;
}

/* Flags that are not settings. */
enum { FLAG_CONFIG = 1000, FLAG_CHECK_CONFIG, FLAG_HELP, FLAG_VERSION, FLAG_SETTING = 2000 };

static void build_long_options(struct option *out)
{
    size_t n = 0;
    for (size_t i = 0; i < SERVER_OPTION_COUNT; i++)
        out[n++] = (struct option){SERVER_OPTIONS[i].name, required_argument, NULL,
                                   FLAG_SETTING + (int)i};
    out[n++] = (struct option){"config", required_argument, NULL, FLAG_CONFIG};
    out[n++] = (struct option){"check-config", no_argument, NULL, FLAG_CHECK_CONFIG};
    out[n++] = (struct option){"help", no_argument, NULL, FLAG_HELP};
    out[n++] = (struct option){"version", no_argument, NULL, FLAG_VERSION};
    out[n] = (struct option){NULL, 0, NULL, 0};
}

/* The sentence for a flag getopt did not take: unknown (with the nearest
 * known one), or lacking its value. */
static void flag_problem(const char *arg, const struct option *longopts, char *err,
                         size_t errlen)
{
    char name[64];
    const char *eq = strchr(arg, '=');
    size_t len = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
    snprintf(name, sizeof name, "%.*s", (int)(len < 60 ? len : 60), arg);
    const char *bare = strncmp(name, "--", 2) == 0 ? name + 2 : name;
    for (const struct option *o = longopts; o->name != NULL; o++)
        if (strcmp(o->name, bare) == 0) {
            cas_errorf(err, errlen, "%s needs a value.", name);
            return;
        }
    const char *names[SERVER_OPTION_COUNT + 4];
    size_t n = 0;
    for (const struct option *o = longopts; o->name != NULL; o++)
        names[n++] = o->name;
    const char *near = suggest_closest(bare, names, n);
    if (near != NULL)
        cas_errorf(err, errlen, "'%s' is an unknown option; did you mean --%s?", name, near);
    else
        cas_errorf(err, errlen, "'%s' is an unknown option.", name);
}

int server_options_load(int argc, char **argv, struct server_config *cfg,
                        struct server_invocation *inv, char *err, size_t errlen)
{
    struct option longopts[SERVER_OPTION_COUNT + 5];
    build_long_options(longopts);
    *inv = (struct server_invocation){0};
    server_config_defaults(cfg);
    opterr = 0;
    /* First the flags that are not settings: the file comes before the
     * settings given as flags, wherever --config stands. */
    optind = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == FLAG_CONFIG)
            inv->config_path = optarg;
        else if (opt == FLAG_CHECK_CONFIG)
            inv->check_config = 1;
        else if (opt == FLAG_HELP)
            inv->help = 1;
        else if (opt == FLAG_VERSION)
            inv->version = 1;
    }
    if (inv->help || inv->version)
        return 0;
    if (inv->config_path == NULL && CASCADE_DEFAULT_CONFIG[0] != '\0' &&
        access(CASCADE_DEFAULT_CONFIG, F_OK) == 0)
        inv->config_path = CASCADE_DEFAULT_CONFIG;
    if (inv->config_path != NULL && config_file_apply(inv->config_path, cfg, err, errlen) != 0)
        return -1;
    optind = 0;
    char why[512];
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt >= FLAG_SETTING) {
            const struct server_option *o = &SERVER_OPTIONS[opt - FLAG_SETTING];
            if (o->apply(cfg, optarg, why, sizeof why) != 0) {
                cas_errorf(err, errlen, "--%s: %s", o->name, why);
                return -1;
            }
        } else if (opt == '?' || opt == ':') {
            flag_problem(argv[optind - 1], longopts, err, errlen);
            return -1;
        }
    }
    if (optind < argc) {
        cas_errorf(err, errlen, "Unexpected argument '%s'.", argv[optind]);
        return -1;
    }
    if (server_options_check(cfg, why, sizeof why) != 0) {
        cas_errorf(err, errlen, "%s", why);
        return -1;
    }
    return 0;
}
