/* cascaded: the Cascade server. Parses its flags and runs the loop. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "data_tools.h"
#include "log.h"
#include "options.h"
#include "server.h"
#include "version.h"

static const char USAGE[] =
    "Usage: cascaded backup [--data DIR] OUT | restore [--data DIR] FILE\n"
    "       cascaded migrate --from DIR --to postgresql://USER:PASSWORD@HOST:PORT/DB\n"
    "       cascaded [--listen HOST:PORT] [--data DIR] [--cert FILE --key FILE]\n"
    "                [--max-frame BYTES] [--max-outbound BYTES] [--handshake-timeout MS]\n"
    "                [--first-byte-timeout MS] [--max-anonymous-memory BYTES]\n"
    "                [--max-handshakes-per-address N]\n"
    "                [--sync full|normal] [--store sqlite|postgresql://...]\n"
    "                [--token-ttl SECONDS] [--idle-timeout SECONDS]\n"
    "                [--login-timeout SECONDS] [--max-connections N] [--rate PER_SECOND]\n"
    "                [--max-per-address N] [--max-handshakes N] [--max-entities N]\n"
    "                [--max-workshops-per-user N] [--max-snapshot-memory BYTES]\n"
    "                [--text-limit KIND=BYTES]...\n"
    "                [--templates DIR] [--agenda-warning DURATION] [--log FILE]\n"
    "                [--config FILE] [--check-config] [--metrics HOST:PORT]\n"
    "\n"
    "Every flag but --config and --check-config is also a key of the configuration\n"
    "file (max-frame = 65536); flags override the file.\n"
    "\n"
    "  --config FILE             read settings from FILE first (key = value lines)\n"
    "  --check-config            check the configuration and the flags, say what is\n"
    "                            wrong (file and line) or 'configuration OK', and exit\n"
    "  --metrics HOST:PORT       serve Prometheus metrics at http://HOST:PORT/metrics\n"
    "                            (off unless given; give a loopback address)\n"
    "  --log FILE                append the log to FILE instead of stderr (reopened on\n"
    "                            SIGUSR1, for log rotation)\n"
    "  --listen HOST:PORT        address to listen on (default 127.0.0.1:7447; port 0: any free)\n"
    "  --data DIR                data directory (default ./cascade-data)\n"
    "  --cert FILE --key FILE    PEM certificate chain and key (default: a self-signed\n"
    "                            pair made in the data directory on first start)\n"
    "  --max-frame BYTES         largest frame a client may send (default 1048576)\n"
    "  --max-outbound BYTES      unsent bytes per client before it is dropped (default 8388608)\n"
    "  --handshake-timeout MS    time a client has to finish the TLS handshake (default 10000)\n"
    "  --first-byte-timeout MS   time from connecting to the client's first TLS byte\n"
    "                            (default 3000)\n"
    "  --store sqlite|URL        where the data lives: sqlite (the default, DATA/cascade.db)\n"
    "                            or postgresql://USER:PASSWORD@HOST:PORT/DB, shared by\n"
    "                            any number of cascaded nodes (see docs/SCALING.md)\n"
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
    struct server_invocation inv;
    char err[1024];
    if (argc > 1 && (strcmp(argv[1], "backup") == 0 || strcmp(argv[1], "restore") == 0 ||
                     strcmp(argv[1], "migrate") == 0))
        return data_tool_main(argc - 1, argv + 1);
    if (server_options_load(argc, argv, &cfg, &inv, err, sizeof err) != 0) {
        fprintf(stderr, "cascaded: %s\nRun 'cascaded --help' for the options.\n", err);
        server_options_free_strings();
        return 2;
    }
    if (inv.version || inv.help) {
        if (inv.version)
            printf("cascaded %s (protocol %u)\n", CASCADE_VERSION, CASCADE_PROTOCOL_VERSION);
        else
            fputs(USAGE, stdout);
        return 0;
    }
    if (inv.check_config) {
        if (inv.config_path != NULL)
            printf("configuration OK (%s, then the flags)\n", inv.config_path);
        else
            puts("configuration OK (no configuration file: the flags only)");
        server_options_free_strings();
        return 0;
    }
    cfg.argc = argc;
    cfg.argv = argv;
    /* A peer that vanishes mid-write must cost an error code, not the process. */
    signal(SIGPIPE, SIG_IGN);
    /* Past a file size limit, writes should fail (and commits answer
     * STORAGE) rather than the signal ending the server. */
    signal(SIGXFSZ, SIG_IGN);
    raise_fd_limit(cfg.net.max_connections);
    /* Every file the server makes (the database and its journal, keys) is
     * its user's alone, whatever the shell's umask. */
    umask(077);

    if (cfg.log_file != NULL && log_to_file(cfg.log_file) != 0) {
        fprintf(stderr, "cascaded: cannot write the log file %s: %s.\n", cfg.log_file,
                strerror(errno));
        server_options_free_strings();
        return 1;
    }
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
    server_options_free_strings();
    log_close();
    return rc == 0 ? 0 : 1;
}
