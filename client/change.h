/* What every command that changes the cascade shares: reading ids and
 * numbers off the command line (mistakes there are usage errors), sending
 * the one change request, and printing its outcome once the server's Ack
 * (sent after the change is durable) arrives. */
#ifndef CASCADE_CHANGE_H
#define CASCADE_CHANGE_H

#include "cli.h"
#include "okr.h"

/* Room for a short id such as "K12". */
#define CHANGE_ID_MAX 16

/* Parses an id of the given kind into its canonical spelling ("k3" -> "K3",
 * out has CHANGE_ID_MAX bytes). A missing (NULL) or malformed id prints a
 * usage error for command and returns EXIT_USAGE. */
int change_parse_id(const char *command, const char *text, enum okr_kind kind, char *out);

/* Takes "--flag ID" when present; out stays "" when it is absent. */
int change_take_id_flag(struct args *a, const char *command, const char *flag, enum okr_kind kind,
                        char *out);

/* Prints the usage error for a text that is not a finite number; EXIT_USAGE. */
int change_bad_number(const char *command, const char *what, const char *text);

/* Takes "--flag NUMBER" when present; *present says whether it was. */
int change_take_number_flag(struct args *a, const char *command, const char *flag, int *present,
                            double *out);

/* What a change does to its entity, which decides what is printed. */
enum change_how { CHANGE_CREATE, CHANGE_UPDATE, CHANGE_REMOVE };

/* Connects as the user, sends req (a change to workshop) and prints the
 * outcome. With --json: the entity the Ack carries, in the shape okr_json.h
 * describes (an updated objective or key result with its score
 * in the workshop as it now is, which costs one more round trip; a new one
 * has nothing to roll up yet), or {"id"} (plus "removed":true) when it
 * carries none. Otherwise: the new id when creating, else `done` ("Updated
 * O3.") and a newline. Returns the exit status. */
int change_send(struct cli *cli, const char *workshop, WireFrame *req, enum change_how how,
                const char *done);

#endif
