/* cascade: the Cascade terminal client. Resolves the global options, then
 * runs one command. */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "completion.h"
#include "config.h"
#include "help.h"
#include "suggest.h"
#include "version.h"

static const char USAGE[] =
    "Usage: cascade [GLOBAL OPTIONS] COMMAND [ARGS]\n"
    "\n"
    "Commands:\n"
    "  ping [--count N]                 handshake, print the server's version and round-trip time\n"
    "  known-servers list               the pinned server certificates\n"
    "  known-servers forget HOST:PORT   forget a pinned certificate (after a deliberate change)\n"
    "\n"
    "  login --user NAME                log in (password from stdin, or prompted on a terminal)\n"
    "  logout [--all]                   end this session (--all: every session of yours)\n"
    "  whoami                           who you are logged in as\n"
    "  passwd                           change your password (asked on a terminal, or three\n"
    "                                   lines on stdin: current, new, new again); your\n"
    "                                   other sessions are logged out\n"
    "\n"
    "  workshop create TITLE [--period P]   start a workshop; prints its join code\n"
    "  workshop list                    the workshops you are in\n"
    "  workshop invite --role member|observer [--team T#] [--expires 7d|12h|90m|never]\n"
    "                                   a join code granting that role (and that team),\n"
    "                                   good for a week by default; prints just the code\n"
    "  workshop code rotate             a new join code for the workshop (facilitators);\n"
    "                                   the old one admits nobody; prints just the code\n"
    "  workshop invites                 the invite codes: role, team, expiry, uses, state\n"
    "  workshop revoke CODE             an invite code admits nobody from now on\n"
    "  workshop set observer-comments on|off   let observers comment (facilitators)\n"
    "  participants                     who takes part: role, teams, online or last seen\n"
    "  join CODE                        join a workshop and make it your default\n"
    "  use CODE                         make a workshop you are in your default\n"
    "  show                             the whole cascade: teams, objectives, key results\n"
    "  show --at SEQ|TIME               the cascade as it was after event SEQ, or at TIME\n"
    "                                   (2026-12-01T14:30 local, ...:05Z, +01:00, or -10m),\n"
    "                                   rebuilt from the workshop's history\n"
    "  watch [--since SEQ] [--no-resume]   one line per change as it happens, until\n"
    "                                   interrupted; reconnects and resumes by itself\n"
    "  replay [--speed N|max] [--from SEQ] [--to SEQ]   the history again, as watch prints\n"
    "                                   it, paced by the real gaps / N (default 10; quiet\n"
    "                                   stretches cut to 2 s; max: no pauses)\n"
    "  replay --live [--ascii] [--speed N|max] [--from SEQ] [--to SEQ]   the same on the\n"
    "                                   live view's screen, the cascade as each event left\n"
    "                                   it; space pauses, q quits\n"
    "  who                              who is watching the workshop now, editing what\n"
    "  live [CODE] [--ascii]            the workshop full screen, changing as people change\n"
    "                                   it; ? lists the keys, : runs any command here\n"
    "\n"
    "  team add NAME [--parent T#] [--level company|department|team|individual]\n"
    "  team edit T# [--name N] [--parent T#|none] [--level L]\n"
    "  team rm T#                       remove a team with no objectives or sub-teams\n"
    "  obj add TITLE --team T# [--owner USER] [--aligns-to O# | --inherits K#]\n"
    "          [--committed | --aspirational] [--rationale TEXT]\n"
    "  obj edit O# [--title T] [--owner U] [--rationale R] [--committed | --aspirational]\n"
    "          [--status draft|final|archived] [--team T#]\n"
    "          [--aligns-to O#|none | --inherits K#|none] [--base-version N]\n"
    "  obj check O# [--necessary yes|no] [--sufficient yes|no]\n"
    "                                   answer the necessary-and-sufficient test\n"
    "  obj rm O# [--force]              refused while others refer to it (naming them);\n"
    "                                   --force takes those references along\n"
    "  kr add O# TITLE (--from X --to Y [--unit U] | --milestone) [--owner USER]\n"
    "  kr edit K# [--title T] [--from X] [--to Y] [--unit U] [--owner U]\n"
    "          [--status on-track|at-risk|off-track] [--metric --from X --to Y | --milestone]\n"
    "          [--weight W]             (W: its share of the objective's score, 0 to 100)\n"
    "          [--base-version N]\n"
    "                                   (--base-version: refuse if a field I change moved\n"
    "                                   since version N)\n"
    "  kr set K# VALUE                  set a key result's current value\n"
    "  kr history K#                    every check-in of a key result, with a sparkline\n"
    "  kr move K# O#                    put a key result under another objective\n"
    "  kr rm K# [--force]\n"
    "  checkin K# (--value V | --done | --undone) [--confidence 0..1] [--note TEXT]\n"
    "          [--blocker TEXT] [--status on-track|at-risk|off-track]\n"
    "                                   a dated update; the blocker given replaces the\n"
    "                                   open one (none clears it)\n"
    "  init add K# TITLE                an initiative: work that should move a key result\n"
    "  init done I#                     mark an initiative done\n"
    "  team member add T# USER          let a participant edit that team's OKRs\n"
    "  team member rm T# USER           take a participant off a team\n"
    "  role set USER facilitator|member|observer   change a participant's role\n"
    "  kick USER                        remove a participant (back only by a new invite)\n"
    "  dep add K# K#                    the first key result depends on the second\n"
    "  comment O#|K# TEXT               review feedback on an objective or key result\n"
    "  comment rm C#                    take a comment back (its author or a facilitator)\n"
    "  comment list [O#|K#]             the comments, open ones first\n"
    "  comment resolve C# [--reopen]    mark a comment dealt with (or open it again)\n"
    "  idea add TEXT [--anonymous]      an idea (D1, ...); seen only by you until revealed;\n"
    "                                   --anonymous keeps no author at all\n"
    "  idea list                        the ideas you may see, with what became of them\n"
    "  idea reveal | hide D# [--undo] | merge D# D#   (facilitators) show every idea, hide\n"
    "                                   one, fold the second into the first\n"
    "  idea promote D# (--objective --team T# | --kr O# (--from X --to Y | --milestone))\n"
    "          [--title T] [--owner U] [--unit U]   make an idea an objective or key result\n"
    "  vote start [--votes 3] [--max-per-idea N] [--for 5m] [--retro]   open a dot vote\n"
    "                                   (facilitators) on the ideas, or on the retro cards\n"
    "  vote D# [--count N] | vote undo D#   place or take back your dots\n"
    "  vote status                      how many have voted and your dots (no tallies)\n"
    "  vote reveal                      close the vote and show the tallies (facilitators)\n"
    "  retro add continue|change|stop|start TEXT [--on O#]   a retrospective card, shown\n"
    "                                   to everyone at once (members, facilitators)\n"
    "  retro list                       the retrospective's cards in number order\n"
    "  retro                            the report: cards by kind, most votes first\n"
    "  workshop next --period P [--title T] [--objectives O1,O3 | --all] [--keep-current]\n"
    "                                   the next period's workshop: same teams and people,\n"
    "                                   the chosen objectives (facilitators); prints its code\n"
    "  round start [K# ...]             open a blind confidence round (facilitators) over\n"
    "                                   those key results, or every one\n"
    "  round submit K# CONFIDENCE       your confidence (0 to 1) that it will be hit, hidden\n"
    "                                   from everyone until the reveal; again replaces it\n"
    "  round status                     who has submitted and who not yet (never what)\n"
    "  round reveal [--apply]           show every value with count, min, max, mean, median\n"
    "                                   and spread, flagging spreads of 0.3 or more\n"
    "                                   (facilitators); --apply checks in each median\n"
    "  score                            the OKR grades of every team, objective, key result\n"
    "  lint [--strict]                  what a coach would warn about (--strict: exit 1\n"
    "                                   when there is any warning)\n"
    "  stats [--compare CODE]           the period's figures: teams with OKRs, objectives\n"
    "                                   and key results per level, grades, check-ins,\n"
    "                                   confidence; --compare: the change from another\n"
    "                                   workshop (the previous period's)\n"
    "\n"
    "Closing the quarter:\n"
    "  obj close-note O# TEXT           why an objective ended as it did (needed before the\n"
    "                                   close for a committed one that ended red or orange)\n"
    "  workshop close [--force]         fix every grade and take no more changes\n"
    "                                   (facilitators); --force closes without every note\n"
    "  workshop reopen                  drop the fixed grades and take changes again\n"
    "\n"
    "Running the workshop:\n"
    "  workshop create TITLE [--period P] [--template NAME] [--examples]\n"
    "                                   start from a template (okr-2h, okr-half-day, blank,\n"
    "                                   or the server's own); --examples adds example OKRs\n"
    "  template list                    the templates, with their steps and length\n"
    "  agenda                           the steps, planned and actual times, the timer,\n"
    "                                   the projected end and who is ready\n"
    "  agenda add TITLE --for 15m [--prompt TEXT]   (facilitators, as below)\n"
    "  agenda edit N [--title T] [--for 10m] [--prompt TEXT] | agenda rm N | agenda move N M\n"
    "  agenda start | next | back | pause | resume | extend +5m\n"
    "                                   the shared timer (durations: 90s, 15m, 1h30m)\n"
    "  ready [--undo]                   say you are ready to move on from the current step\n"
    "\n"
    "After the workshop, the check-in cadence:\n"
    "  workshop set period 2026-Q3|2026-H1|2026|2026-07   the period's dates (facilitators)\n"
    "  workshop set period --from 2026-07-01 --to 2026-09-30\n"
    "  workshop set timezone Europe/Berlin   the zone check-ins fall due in (default UTC)\n"
    "  workshop set cadence weekly:mon|biweekly:fri|monthly:1|monthly:last|off\n"
    "                                   check-ins fall due at 09:00 local on those days\n"
    "  due [--overdue] [--mine]         who owes which check-in, by due time\n"
    "  cadence [--ics] [--out FILE]     the due dates of the period, or as iCalendar\n"
    "\n"
    "Moving data in and out:\n"
    "  export --format json|csv|md [--out FILE] [--force]   the workshop as JSON (all of\n"
    "                                   it, for import), CSV (a key result per row) or a\n"
    "                                   Markdown summary; --out writes a new FILE (--force:\n"
    "                                   replace one)\n"
    "  import FILE [--dry-run]          a JSON export or a CSV into the workshop, all or\n"
    "                                   nothing (facilitators); --dry-run only checks\n"
    "\n"
    "  admin user add NAME [--password-stdin]   add an account (a password is generated\n"
    "                                   unless one comes on stdin)\n"
    "  admin user list                  the accounts\n"
    "  admin user passwd NAME [--password-stdin]   set a user's password (generated unless\n"
    "                                   one comes on stdin) and end their sessions\n"
    "  admin user disable NAME          lock an account out and end its sessions\n"
    "  admin user enable NAME           let a disabled account log in again\n"
    "  admin stats                      how the server is doing: uptime, connections now and\n"
    "                                   at most, requests, events and deliveries per second\n"
    "                                   over 1, 5 and 15 minutes, commit time, sizes\n"
    "  admin connections [--user NAME]  who is connected: address, TLS, since, idle,\n"
    "                                   workshops followed, bytes queued\n"
    "  admin disconnect ID|--user NAME [--reason TEXT]   close connections; they are told\n"
    "                                   why and do not reconnect by themselves\n"
    "  admin workshops                  every workshop: people, online, seq, last activity,\n"
    "                                   open, closed or archived\n"
    "  admin workshop archive|unarchive CODE   take a workshop out of service (its rows\n"
    "                                   kept) or put it back\n"
    "  admin workshop delete CODE --yes   delete an archived workshop and its history\n"
    "  admin broadcast TEXT             a message to everyone connected (watch and live\n"
    "                                   show it)\n"
    "  admin backup FILE                a consistent copy of the server's database, written\n"
    "                                   online to FILE (an absolute path on the server)\n"
    "  admin drain [--within 60s] [--reason TEXT]   stop taking connections, tell\n"
    "                                   everyone, and stop the server when the time is\n"
    "                                   up or everyone has gone (as SIGUSR2 does)\n"
    "\n"
    "  help [COMMAND]                   this text, or one command's (as COMMAND --help)\n"
    "  completion bash|zsh              a shell completion script for commands, flags\n"
    "                                   and ids (completion ids: the workshop's ids)\n"
    "\n"
    "Global options:\n"
    "  --server HOST:PORT[,HOST:PORT...]   the server (env CASCADE_SERVER, default\n"
    "                       127.0.0.1:7447); with several (up to 16), each is tried\n"
    "                       in turn until one answers, and watch and live resume on\n"
    "                       the next when theirs goes away\n"
    "  -w, --workshop CODE  the workshop (env CASCADE_WORKSHOP, else the one chosen\n"
    "                       with 'cascade use' or 'cascade join')\n"
    "  --ca FILE            verify the server's certificate chain and name against FILE\n"
    "                       (default: trust on first use, pinned in known_servers)\n"
    "  --json               machine-readable output: one JSON object per line\n"
    "  --timeout MS         how long to wait for the server (default 10000)\n"
    "  --help, --version\n"
    "\n"
    "Exit status: 0 success, 1 refused by the server, 2 usage error,\n"
    "3 cannot reach or trust the server.\n";

static const struct {
    const char *name;
    int (*run)(struct cli *cli, struct args *a);
} COMMANDS[] = {
    {"ping", cmd_ping},
    {"known-servers", cmd_known_servers},
    {"login", cmd_login},
    {"logout", cmd_logout},
    {"whoami", cmd_whoami},
    {"passwd", cmd_passwd},
    {"admin", cmd_admin},
    {"workshop", cmd_workshop},
    {"due", cmd_due},
    {"cadence", cmd_cadence},
    {"join", cmd_join},
    {"use", cmd_use},
    {"show", cmd_show},
    {"watch", cmd_watch},
    {"replay", cmd_replay},
    {"live", cmd_live},
    {"team", cmd_team},
    {"obj", cmd_obj},
    {"kr", cmd_kr},
    {"checkin", cmd_checkin},
    {"score", cmd_score},
    {"lint", cmd_lint},
    {"stats", cmd_stats},
    {"init", cmd_init},
    {"dep", cmd_dep},
    {"comment", cmd_comment},
    {"who", cmd_who},
    {"role", cmd_role},
    {"kick", cmd_kick},
    {"participants", cmd_participants},
    {"idea", cmd_idea},
    {"vote", cmd_vote},
    {"retro", cmd_retro},
    /* Running the workshop. */
    {"agenda", cmd_agenda},
    {"ready", cmd_ready},
    {"template", cmd_template},
    {"round", cmd_round},
    /* Moving data in and out. */
    {"export", cmd_export},
    {"import", cmd_import},
};

#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

/* cascade --help, cascade help [COMMAND] and cascade COMMAND --help: one
 * command's lines of the usage text, or all of it. */
static int print_help(const char *command)
{
    if (command == NULL) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (help_print_command(stdout, USAGE, command) > 0)
        return EXIT_OK;
    fprintf(stderr, "cascade: '%s' is not a command. Run 'cascade --help' to see the commands.\n",
            command);
    return EXIT_USAGE;
}

struct flag_check {
    const char *word;
    int known;
};

static void match_flag(const char *flag, void *ctx)
{
    struct flag_check *f = ctx;
    size_t len = strcspn(f->word, "=");
    if (strlen(flag) == len && strncmp(flag, f->word, len) == 0)
        f->known = 1;
}

/* Finds, before the command runs, a flag its usage lines do not name (a
 * typo such as --form for --from), so that the error names it rather than
 * the required flag it hid. 0, or -1 with the sentence in a->err. */
static int unknown_flag(struct args *a)
{
    for (int i = 0; i < a->argc; i++) {
        const char *w = a->argv[i];
        if (strcmp(w, "--") == 0)
            return 0; /* what follows is not options */
        if (strncmp(w, "--", 2) != 0 || w[2] == '\0')
            continue;
        struct flag_check f = {w, 0};
        help_each_flag(USAGE, a->command, match_flag, &f);
        if (f.known)
            continue;
        char near[64];
        if (help_suggest_flag(USAGE, a->command, w, near, sizeof near) != NULL)
            snprintf(a->err, sizeof a->err, "Unknown option %.80s for this command; did you "
                     "mean %s?", w, near);
        else
            snprintf(a->err, sizeof a->err, "Unknown option %.80s for this command.", w);
        return -1;
    }
    return 0;
}

/* cascade completion bash|zsh|ids. */
static int completion(struct cli *cli, struct args *a)
{
    const char *shell = args_next(a);
    if (shell != NULL && strcmp(shell, "ids") == 0)
        return completion_ids(cli, a);
    if (shell == NULL || (strcmp(shell, "bash") != 0 && strcmp(shell, "zsh") != 0))
        return cli_usage("completion", "Name the shell: 'completion bash' or 'completion zsh'.");
    if (args_finish(a) != 0)
        return cli_usage("completion", a->err);
    const char *names[NCOMMANDS + 2];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = COMMANDS[i].name;
    names[NCOMMANDS] = "help";
    names[NCOMMANDS + 1] = "completion";
    if (strcmp(shell, "bash") == 0)
        completion_write_bash(stdout, USAGE, names, NCOMMANDS + 2);
    else
        completion_write_zsh(stdout, USAGE, names, NCOMMANDS + 2);
    return EXIT_OK;
}

/* Takes the global options out of a, wherever they stand. */
static int parse_globals(struct cli *cli, struct args *a)
{
    const char *server = getenv("CASCADE_SERVER"), *timeout = NULL, *v;
    int r;
    if ((r = args_value(a, "--server", &v)) < 0)
        return -1;
    if (r > 0)
        server = v;
    if ((r = args_value(a, "--workshop", &v)) < 0 || (r == 0 && (r = args_value(a, "-w", &v)) < 0))
        return -1;
    cli->workshop = r > 0 ? v : getenv("CASCADE_WORKSHOP");
    if ((r = args_value(a, "--ca", &v)) < 0)
        return -1;
    cli->opts.ca_file = r > 0 ? v : NULL;
    if (args_value(a, "--timeout", &timeout) < 0)
        return -1;
    cli->json = args_flag(a, "--json");

    if (server == NULL || server[0] == '\0')
        server = "127.0.0.1:7447";
    char err[768];
    if (server_list_parse(server, &cli->servers, err, sizeof err) != 0) {
        snprintf(a->err, sizeof a->err, "%s", err);
        return -1;
    }
    cli->opts.server = cli->servers.addr[0];
    server_list_format(&cli->servers, cli->server_text, sizeof cli->server_text);
    cli->opts.timeout_ms = 10000;
    if (timeout != NULL) {
        char *end;
        long ms = strtol(timeout, &end, 10);
        if (*end != '\0' || ms < 1 || ms > 3600000) {
            snprintf(a->err, sizeof a->err, "--timeout must be a number of milliseconds from 1 to 3600000.");
            return -1;
        }
        cli->opts.timeout_ms = (uint64_t)ms;
    }
    return 0;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    /* The process ends right after its one command: tearing down OpenSSL's
     * global tables at exit cost a tenth of a one-shot command's time. */
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, NULL);
    struct cli cli;
    memset(&cli, 0, sizeof cli);
    struct args a = {.argc = argc - 1, .argv = argv + 1};
    if (args_flag(&a, "--version")) {
        printf("cascade %s (protocol %u)\n", CASCADE_VERSION, CASCADE_PROTOCOL_VERSION);
        return EXIT_OK;
    }
    int help = args_flag(&a, "--help") || args_flag(&a, "-h");
    if (parse_globals(&cli, &a) != 0) {
        fprintf(stderr, "cascade: %s\n", a.err);
        return EXIT_USAGE;
    }
    char err[512];
    if (config_dir(cli.config_dir, sizeof cli.config_dir, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_USAGE;
    }
    cli.opts.config_dir = cli.config_dir;
    const char *name = args_next(&a);
    if (name != NULL && strcmp(name, "help") == 0) {
        const char *topic = args_next(&a);
        /* "cascade help --help" asks about help itself. */
        return print_help(topic != NULL ? topic : help ? "help" : NULL);
    }
    if (help)
        return print_help(name);
    if (name == NULL) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    a.command = name;
    a.usage = USAGE;
    if (unknown_flag(&a) != 0)
        return cli_usage(name, a.err);
    if (strcmp(name, "completion") == 0)
        return completion(&cli, &a);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(COMMANDS[i].name, name) == 0)
            return COMMANDS[i].run(&cli, &a);
    }
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = COMMANDS[i].name;
    const char *near = suggest_closest(name, names, NCOMMANDS);
    if (near != NULL)
        fprintf(stderr, "cascade: '%s' is not a command; did you mean '%s'? Run 'cascade --help' "
                        "to see the commands.\n", name, near);
    else
        fprintf(stderr, "cascade: '%s' is not a command. Run 'cascade --help' to see the "
                        "commands.\n", name);
    return EXIT_USAGE;
}
