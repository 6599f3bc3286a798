/* What every command that changes the cascade shares: reading ids and
 * numbers off the command line (mistakes there are usage errors), sending
 * the one change request, and printing its outcome once the server's Ack
 * (sent after the change is durable) arrives. */
#ifndef CASCADE_CHANGE_H
#define CASCADE_CHANGE_H

#include <cjson/cJSON.h>

#include "cli.h"
#include "okr.h"
#include "settings.h"

/* Room for a short id such as "K12". */
#define CHANGE_ID_MAX 16

/* Parses an id of the given kind into its canonical spelling ("k3" -> "K3",
 * out has CHANGE_ID_MAX bytes). A missing (NULL) or malformed id prints a
 * usage error for command and returns EXIT_USAGE. */
int change_parse_id(const char *command, const char *text, enum okr_kind kind, char *out);

/* What a command acting on one entity names: its id and the workshop. */
struct change_target {
    char id[CHANGE_ID_MAX];
    char workshop[SETTINGS_CODE_MAX + 1];
};

/* The prologue of a command acting on one entity whose id is its last word:
 * takes that id (change_parse_id), then ends the arguments and picks the
 * workshop (cli_finish, with problem). EXIT_OK with t filled; otherwise the
 * usage error is printed and EXIT_USAGE returned. */
int change_take_target(const struct cli *cli, struct args *a, const char *command,
                       enum okr_kind kind, const char *problem, struct change_target *t);

/* Takes "--flag ID" when present; out stays "" when it is absent. */
int change_take_id_flag(struct args *a, const char *command, const char *flag, enum okr_kind kind,
                        char *out);

/* Room for a usage error's sentence. */
#define CHANGE_MESSAGE_MAX 256

/* Writes into msg the usage error for a text that is not a finite number
 * ("The value must be a finite number like 42, -3.5 or 1e3, not 'x'.", what
 * naming it); returns msg. */
const char *change_not_a_number(const char *what, const char *text, char msg[CHANGE_MESSAGE_MAX]);

/* Takes "--flag NUMBER" when present; *present says whether it was. */
int change_take_number_flag(struct args *a, const char *command, const char *flag, int *present,
                            double *out);

/* What a change does to its entity, which decides what is printed. */
enum change_how { CHANGE_CREATE, CHANGE_UPDATE, CHANGE_REMOVE };

/* Connects as the user, sends req (a change to workshop) and prints the
 * outcome, and the Ack's note, when it has one, on a line of its own ("note"
 * in JSON). With --json: the entity the Ack carries, in the shape okr_json.h
 * describes (an updated objective or key result with its score
 * in the workshop as it now is, which costs one more round trip; a new one
 * has nothing to roll up yet), or {"id"} (plus "removed":true) when it
 * carries none. Otherwise: the new id when creating, else `done` ("Updated
 * O3.") and a newline. Returns the exit status. */
int change_send(struct cli *cli, const char *workshop, WireFrame *req, enum change_how how,
                const char *done);

/* Connects as the user, sends req (answered by an Ack that carries nothing
 * to print) and prints the outcome: with --json the object o, otherwise the
 * sentence fmt makes, and a newline. o is freed either way. Returns the exit
 * status. */
int change_send_acked(const struct cli *cli, WireFrame *req, cJSON *o, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A new JSON object of two texts, {name1: text1, name2: text2}; NULL when
 * out of memory. */
cJSON *change_json_texts(const char *name1, const char *text1, const char *name2,
                         const char *text2);

#endif
