/* What every command gets: the global options, resolved. */
#ifndef CASCADE_CLI_H
#define CASCADE_CLI_H

#include <limits.h>

#include "args.h"
#include "conn.h"
#include "server_list.h"

/* Exit statuses, as CLI.md promises them. */
enum {
    EXIT_OK = 0,
    EXIT_REFUSED = 1,     /* the server (or the local state) refused */
    EXIT_USAGE = 2,       /* the command line is wrong */
    EXIT_UNREACHABLE = 3, /* cannot reach or trust the server */
};

struct cli {
    struct client_opts opts; /* CA, config directory, time-out (the server: from servers) */
    struct server_list servers; /* --server, CASCADE_SERVER: tried in turn */
    size_t first;               /* the server connecting starts with (cli_rotate) */
    char server_text[SERVER_LIST_TEXT_MAX]; /* the list as text: "HOST:PORT" for one */
    char config_dir[PATH_MAX];
    const char *workshop; /* -w, CASCADE_WORKSHOP */
    int json;             /* --json: stdout carries JSON only */
};

/* Connects as cli says: to the servers in turn, from cli->first on, until
 * one completes TLS, is trusted and welcomes the client. EXIT_OK and *out;
 * otherwise prints why (with several servers, why each failed) and returns
 * EXIT_UNREACHABLE. A server whose certificate is refused is never used:
 * that is said at once, and the next server tried. */
int cli_connect(const struct cli *cli, struct client **out);

/* After the connection c (to one of cli's servers) dropped: connecting
 * starts from the server after it, so a reconnect tries another server
 * first and the one that dropped last. */
void cli_rotate(struct cli *cli, const struct client *c);

/* What trying the servers in turn came to, for the one report when every
 * server failed. Zero it before the first try. */
struct cli_tried {
    size_t n;
    int reachable; /* a failure a later try could mend (not a refused certificate) */
    char last[2048];
    char why[8192];
};

/* Notes that server failed with status (CLIENT_UNREACHABLE or
 * CLIENT_UNTRUSTED) and the sentence err. A refused certificate is printed
 * at once, whatever happens next: it may be someone intercepting. */
void cli_tried_add(struct cli_tried *t, const char *server, int status, const char *err);

/* Prints, after every server failed, the one server's sentence, or with
 * several one sentence naming each server tried and why it failed (a
 * refused certificate, said already, only named). */
void cli_tried_report(const struct cli_tried *t);

/* Prints "cascade: MESSAGE" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a usage error for a command and returns EXIT_USAGE. */
int cli_usage(const char *command, const char *message);

/* The commands. Each returns its exit status. */
int cmd_ping(struct cli *cli, struct args *a);
int cmd_known_servers(struct cli *cli, struct args *a);
int cmd_login(struct cli *cli, struct args *a);
int cmd_logout(struct cli *cli, struct args *a);
int cmd_whoami(struct cli *cli, struct args *a);
int cmd_passwd(struct cli *cli, struct args *a);
int cmd_admin(struct cli *cli, struct args *a);
/* 'admin stats | connections | disconnect | workshops | workshop | broadcast'
 * (cmd_admin_views.c): the exit status, or -1 when area is none of them. */
int cmd_admin_views(struct cli *cli, struct args *a, const char *area);
/* Prints an Ack's note, or with --json {key: value, "note": ...} (key NULL:
 * the note alone); frees reply. EXIT_OK. */
int admin_print_note(const struct cli *cli, WireFrame *reply, const char *key,
                     const char *value);
int cmd_workshop(struct cli *cli, struct args *a);
int cmd_join(struct cli *cli, struct args *a);
int cmd_use(struct cli *cli, struct args *a);
int cmd_team(struct cli *cli, struct args *a);
int cmd_obj(struct cli *cli, struct args *a);
int cmd_kr(struct cli *cli, struct args *a);
int cmd_show(struct cli *cli, struct args *a);
int cmd_watch(struct cli *cli, struct args *a);
int cmd_replay(struct cli *cli, struct args *a);
int cmd_live(struct cli *cli, struct args *a);
int cmd_checkin(struct cli *cli, struct args *a);
int cmd_score(struct cli *cli, struct args *a);
int cmd_lint(struct cli *cli, struct args *a);
int cmd_stats(struct cli *cli, struct args *a);
int cmd_init(struct cli *cli, struct args *a);
int cmd_dep(struct cli *cli, struct args *a);
int cmd_comment(struct cli *cli, struct args *a);
int cmd_who(struct cli *cli, struct args *a);
int cmd_role(struct cli *cli, struct args *a);
int cmd_kick(struct cli *cli, struct args *a);

/* Running the workshop (cmd_agenda.c): agenda, ready, template. */
int cmd_agenda(struct cli *cli, struct args *a);
int cmd_ready(struct cli *cli, struct args *a);
int cmd_template(struct cli *cli, struct args *a);
/* For 'workshop create --template NAME [--examples]': whether the server
 * offers a usable template of that name (printing why not), and giving a
 * new workshop its steps (and the example OKRs). Exit statuses. */
int agenda_check_template(const struct cli *cli, const char *name);
int agenda_apply_template(const struct cli *cli, const char *workshop, const char *name,
                          int examples);

/* The check-in cadence (cmd_cadence.c): 'due' and 'cadence'. */
int cmd_due(struct cli *cli, struct args *a);
int cmd_cadence(struct cli *cli, struct args *a);

/* Subcommands with files of their own: 'obj check' and 'kr history' (a
 * holds what follows the subcommand's name). */
int cmd_obj_check(struct cli *cli, struct args *a);
int cmd_kr_history(struct cli *cli, struct args *a);

/* 'workshop invite' and 'team member' (cmd_roles.c). */
int cmd_workshop_invite(struct cli *cli, struct args *a);
int cmd_team_member(struct cli *cli, struct args *a);

/* 'participants', and 'workshop invites | revoke | set' (cmd_participants.c). */
int cmd_participants(struct cli *cli, struct args *a);

/* 'idea' and 'vote' (cmd_idea.c). */
int cmd_idea(struct cli *cli, struct args *a);
int cmd_vote(struct cli *cli, struct args *a);
int cmd_retro(struct cli *cli, struct args *a);
/* Prints what the server answered to adding an idea or a retro card: its id,
 * or with --json the idea; frees reply. EXIT_OK (cmd_idea.c). */
int idea_print_added(const struct cli *cli, WireFrame *reply);
int cmd_workshop_manage(struct cli *cli, struct args *a, const char *sub);

/* Moving data in and out (cmd_export.c): export and import. */
int cmd_export(struct cli *cli, struct args *a);
int cmd_import(struct cli *cli, struct args *a);

/* 'round start | submit | status | reveal' (cmd_round.c). */
int cmd_round(struct cli *cli, struct args *a);

/* Closing the quarter (cmd_close.c): workshop close [--force] | workshop
 * reopen (sub: "close" or "reopen"), and obj close-note O# TEXT. */
int cmd_workshop_close(struct cli *cli, struct args *a, const char *sub);
int cmd_obj_close_note(struct cli *cli, struct args *a);

#endif
