/* cascaded: the Cascade server. Parses its flags and runs the loop. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "duration.h"
#include "server.h"
#include "version.h"

static const char USAGE[] =
    "Usage: cascaded [--listen HOST:PORT] [--data DIR] [--cert FILE --key FILE]\n"
    "                [--max-frame BYTES] [--max-outbound BYTES] [--handshake-timeout MS]\n"
    "                [--first-byte-timeout MS] [--max-anonymous-memory BYTES]\n"
    "                [--max-handshakes-per-address N]\n"
    "                [--sync full|normal] [--token-ttl SECONDS] [--idle-timeout SECONDS]\n"
    "                [--login-timeout SECONDS] [--max-connections N] [--rate PER_SECOND]\n"
    "                [--max-per-address N] [--max-handshakes N] [--max-entities N]\n"
    "                [--max-workshops-per-user N] [--max-snapshot-memory BYTES]\n"
    "                [--text-limit KIND=BYTES]...\n"
    "                [--templates DIR] [--agenda-warning DURATION]\n"
    "\n"
    "  --listen HOST:PORT        address to listen on (default 127.0.0.1:7447; port 0: any free)\n"
    "  --data DIR                data directory (default ./cascade-data)\n"
    "  --cert FILE --key FILE    PEM certificate chain and key (default: a self-signed\n"
    "                            pair made in the data directory on first start)\n"
    "  --max-frame BYTES         largest frame a client may send (default 1048576)\n"
    "  --max-outbound BYTES      unsent bytes per client before it is dropped (default 8388608)\n"
    "  --handshake-timeout MS    time a client has to finish the TLS handshake (default 10000)\n"
    "  --first-byte-timeout MS   time from connecting to the client's first TLS byte\n"
    "                            (default 3000)\n"
    "  --sync full|normal        fsync every commit (full, the default) or leave it to\n"
    "                            WAL checkpoints (normal: faster; a power cut may lose\n"
    "                            the last acknowledged edits, a crash of cascaded does not)\n"
    "  --token-ttl SECONDS       how long a login lasts (default 2592000, 30 days)\n"
    "  --idle-timeout SECONDS    close a connection silent this long (default 120;\n"
    "                            clients that stay connected send a heartbeat)\n"
    "  --login-timeout SECONDS   close a connection not logged in this long after\n"
    "                            its Hello (default 60)\n"
    "  --max-connections N       refuse connections past N (default 10000)\n"
    "  --rate PER_SECOND         requests per second per connection, in bursts of\n"
    "                            up to four seconds' worth (default 50)\n"
    "  --max-per-address N       open connections from one client IP, or one IPv6 /64\n"
    "                            (default 256)\n"
    "  --max-handshakes N        TLS handshakes in progress at once (default 256); when\n"
    "                            all are taken the oldest makes room for a newcomer\n"
    "  --max-handshakes-per-address N  of them, from one address or IPv6 /64\n"
    "                            (default 1/16 of --max-handshakes, at least 2)\n"
    "  --max-anonymous-memory BYTES  what all connections not logged in may hold\n"
    "                            together (default 67108864); each counts 32 KiB, and\n"
    "                            when they are full the oldest makes room\n"
    "  --max-entities N          teams, objectives, key results, initiatives,\n"
    "                            dependencies and comments in one workshop (default 10000)\n"
    "  --max-workshops-per-user N  workshops one user may create (default 100)\n"
    "  --max-snapshot-memory BYTES  packed snapshots being sent, all together (default\n"
    "                            268435456); readers at the same workshop and seq share\n"
    "                            one, and past it a new one waits\n"
    "  --text-limit KIND=BYTES   longest accepted text of a kind, in UTF-8 bytes; repeat\n"
    "                            for several kinds (defaults: team-name=80, title=200,\n"
    "                            text=2000 for rationales, notes and comments, unit=24,\n"
    "                            period=32; ceilings 400, 1000, 16000, 64, 64)\n"
    "  --templates DIR           where administrators' workshop templates are read,\n"
    "                            files NAME.template (default DATA/templates); the\n"
    "                            built-ins okr-2h, okr-half-day and blank are always there\n"
    "  --agenda-warning DURATION  how long before a step's end everyone is warned\n"
    "                            (default 2m; from 1s to 1h)\n"
    "  --help, --version\n";

/* Parses a positive whole number within [min, max]. */
static int parse_size(const char *flag, const char *text, unsigned long long min,
                      unsigned long long max, unsigned long long *out)
{
    char *end;
    if (text[0] < '0' || text[0] > '9') {
        fprintf(stderr, "cascaded: %s needs a whole number, not '%s'.\n", flag, text);
        return -1;
    }
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || v < min || v > max) {
        fprintf(stderr, "cascaded: %s must be a whole number from %llu to %llu, not '%s'.\n",
                flag, min, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Each connection is a descriptor: lift the soft limit toward what
 * --max-connections needs, as far as the hard limit allows. */
static void raise_fd_limit(size_t max_connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)max_connections + 64;
    if (rl.rlim_cur >= want)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= want ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    if (rl.rlim_cur < want)
        fprintf(stderr, "cascaded: note: at most %llu descriptors are allowed; "
                        "raise 'ulimit -n' to serve %zu connections.\n",
                (unsigned long long)rl.rlim_cur, max_connections);
}

int main(int argc, char **argv)
{
    struct server_config cfg;
    server_config_defaults(&cfg);
    enum {
        OPT_CERT = 256, OPT_KEY, OPT_MAX_FRAME, OPT_MAX_OUT, OPT_HS, OPT_SYNC, OPT_TTL,
        OPT_IDLE, OPT_LOGIN, OPT_MAX_CONN, OPT_RATE, OPT_PER_ADDR,
        OPT_MAX_HS, OPT_MAX_ENT, OPT_MAX_WS, OPT_TEXT_LIMIT, OPT_FIRST_BYTE, OPT_ANON_MEM, OPT_HS_PER_ADDR, OPT_MAX_SNAP,
        OPT_VERSION, OPT_HELP,
        /* Running the workshop. */
        OPT_TEMPLATES, OPT_AGENDA_WARNING
    };
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"data", required_argument, NULL, 'd'},
        {"cert", required_argument, NULL, OPT_CERT},
        {"key", required_argument, NULL, OPT_KEY},
        {"max-frame", required_argument, NULL, OPT_MAX_FRAME},
        {"max-outbound", required_argument, NULL, OPT_MAX_OUT},
        {"handshake-timeout", required_argument, NULL, OPT_HS},
        {"first-byte-timeout", required_argument, NULL, OPT_FIRST_BYTE},
        {"max-anonymous-memory", required_argument, NULL, OPT_ANON_MEM},
        {"max-handshakes-per-address", required_argument, NULL, OPT_HS_PER_ADDR},
        {"sync", required_argument, NULL, OPT_SYNC},
        {"token-ttl", required_argument, NULL, OPT_TTL},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"login-timeout", required_argument, NULL, OPT_LOGIN},
        {"max-connections", required_argument, NULL, OPT_MAX_CONN},
        {"rate", required_argument, NULL, OPT_RATE},
        {"max-per-address", required_argument, NULL, OPT_PER_ADDR},
        {"max-handshakes", required_argument, NULL, OPT_MAX_HS},
        {"max-entities", required_argument, NULL, OPT_MAX_ENT},
        {"max-snapshot-memory", required_argument, NULL, OPT_MAX_SNAP},
        {"templates", required_argument, NULL, OPT_TEMPLATES},
        {"agenda-warning", required_argument, NULL, OPT_AGENDA_WARNING},
        {"max-workshops-per-user", required_argument, NULL, OPT_MAX_WS},
        {"text-limit", required_argument, NULL, OPT_TEXT_LIMIT},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    char err[512];
    unsigned long long v;
    int opt;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'l':
            if (addr_parse(optarg, &cfg.listen, err, sizeof err) != 0) {
                fprintf(stderr, "cascaded: %s\n", err);
                return 2;
            }
            break;
        case 'd': cfg.data_dir = optarg; break;
        case OPT_CERT: cfg.cert_file = optarg; break;
        case OPT_KEY: cfg.key_file = optarg; break;
        case OPT_MAX_FRAME:
            if (parse_size("--max-frame", optarg, 1024, 64ull << 20, &v) != 0)
                return 2;
            cfg.net.max_frame = (size_t)v;
            break;
        case OPT_MAX_OUT:
            if (parse_size("--max-outbound", optarg, 64 * 1024, 1ull << 30, &v) != 0)
                return 2;
            cfg.net.max_outbound = (size_t)v;
            break;
        case OPT_HS:
            if (parse_size("--handshake-timeout", optarg, 1, 600000, &v) != 0)
                return 2;
            cfg.net.handshake_timeout_ms = v;
            break;
        case OPT_HS_PER_ADDR:
            if (parse_size("--max-handshakes-per-address", optarg, 1, 1000000, &v) != 0)
                return 2;
            cfg.net.max_handshakes_per_address = (size_t)v;
            break;
        case OPT_ANON_MEM:
            if (parse_size("--max-anonymous-memory", optarg, 64 * 1024, 1ull << 40, &v) != 0)
                return 2;
            cfg.net.max_anonymous_memory = (size_t)v;
            break;
        case OPT_FIRST_BYTE:
            if (parse_size("--first-byte-timeout", optarg, 1, 600000, &v) != 0)
                return 2;
            cfg.net.first_byte_timeout_ms = v;
            break;
        case OPT_SYNC:
            if (strcmp(optarg, "full") != 0 && strcmp(optarg, "normal") != 0) {
                fprintf(stderr, "cascaded: --sync is 'full' or 'normal', not '%s'.\n", optarg);
                return 2;
            }
            cfg.sync_full = strcmp(optarg, "full") == 0;
            break;
        case OPT_TTL:
            if (parse_size("--token-ttl", optarg, 1, 10ull * 365 * 24 * 3600, &v) != 0)
                return 2;
            cfg.live.token_ttl_s = (int64_t)v;
            break;
        case OPT_IDLE:
            if (parse_size("--idle-timeout", optarg, 1, 86400, &v) != 0)
                return 2;
            cfg.net.idle_timeout_ms = v * 1000;
            break;
        case OPT_LOGIN:
            if (parse_size("--login-timeout", optarg, 1, 86400, &v) != 0)
                return 2;
            cfg.net.login_timeout_ms = v * 1000;
            break;
        case OPT_MAX_CONN:
            if (parse_size("--max-connections", optarg, 1, 1000000, &v) != 0)
                return 2;
            cfg.net.max_connections = (size_t)v;
            break;
        case OPT_RATE:
            if (parse_size("--rate", optarg, 1, 1000000, &v) != 0)
                return 2;
            cfg.net.rate_per_s = (uint32_t)v;
            break;
        case OPT_PER_ADDR:
            if (parse_size("--max-per-address", optarg, 1, 1000000, &v) != 0)
                return 2;
            cfg.net.max_per_address = (size_t)v;
            break;
        case OPT_MAX_HS:
            if (parse_size("--max-handshakes", optarg, 1, 1000000, &v) != 0)
                return 2;
            cfg.net.max_handshakes = (size_t)v;
            break;
        case OPT_MAX_ENT:
            if (parse_size("--max-entities", optarg, 1, 100000000, &v) != 0)
                return 2;
            cfg.live.max_entities = (size_t)v;
            break;
        case OPT_MAX_SNAP:
            if (parse_size("--max-snapshot-memory", optarg, 64 * 1024, 1ull << 40, &v) != 0)
                return 2;
            cfg.live.max_snapshot_memory = (size_t)v;
            break;
        case OPT_MAX_WS:
            if (parse_size("--max-workshops-per-user", optarg, 1, 1000000, &v) != 0)
                return 2;
            cfg.live.max_workshops_per_user = (size_t)v;
            break;
        case OPT_TEXT_LIMIT:
            if (okr_limits_set(&cfg.live.text_limits, optarg, err, sizeof err) != 0) {
                fprintf(stderr, "cascaded: --text-limit: %s\n", err);
                return 2;
            }
            break;
        case OPT_TEMPLATES:
            cfg.live.templates_dir = optarg;
            break;
        case OPT_AGENDA_WARNING: {
            int64_t ms;
            err[0] = '\0';
            if (duration_parse(optarg, 0, &ms, err, sizeof err) != 0 || ms > 3600 * 1000) {
                fprintf(stderr, "cascaded: --agenda-warning takes a duration from 1s to 1h, "
                                "like 2m; %s\n", err[0] != '\0' ? err : "that is too long.");
                return 2;
            }
            cfg.live.agenda_warning_ms = ms;
            break;
        }
        case OPT_VERSION:
            printf("cascaded %s (protocol %u)\n", CASCADE_VERSION, CASCADE_PROTOCOL_VERSION);
            return 0;
        case OPT_HELP:
            fputs(USAGE, stdout);
            return 0;
        default:
            fprintf(stderr, "cascaded: '%s' is an unknown option or lacks its value.\n%s",
                    argv[optind - 1], USAGE);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "cascaded: unexpected argument '%s'.\n%s", argv[optind], USAGE);
        return 2;
    }
    if ((cfg.cert_file == NULL) != (cfg.key_file == NULL)) {
        fprintf(stderr, "cascaded: give --cert and --key together, or neither for a self-signed pair.\n");
        return 2;
    }
    /* A peer that vanishes mid-write must cost an error code, not the process. */
    signal(SIGPIPE, SIG_IGN);
    /* Past a file size limit, writes should fail (and commits answer
     * STORAGE) rather than the signal ending the server. */
    signal(SIGXFSZ, SIG_IGN);
    raise_fd_limit(cfg.net.max_connections);
    /* Every file the server makes (the database and its journal, keys) is
     * its user's alone, whatever the shell's umask. */
    umask(077);

    uv_loop_t loop;
    uv_loop_init(&loop);
    struct server *s = malloc(sizeof *s);
    if (s == NULL) {
        fprintf(stderr, "cascaded: out of memory.\n");
        return 1;
    }
    if (server_open(s, &cfg, &loop, err, sizeof err) != 0) {
        fprintf(stderr, "cascaded: %s\n", err);
        free(s);
        uv_loop_close(&loop);
        return 1;
    }
    server_run(s);
    server_close(s);
    free(s);
    int rc = uv_loop_close(&loop);
    return rc == 0 ? 0 : 1;
}
