/* What commands need beyond a bare connection: acting as the logged-in user
 * (the token stored in CONFIG/credentials), making calls whose failures are
 * reported the same way everywhere, and knowing which workshop a command
 * acts on. Every cli_* function here prints its own failure on stderr and
 * returns the exit status for it, so a command can return it directly. */
#ifndef CASCADE_SESSION_H
#define CASCADE_SESSION_H

#include <stddef.h>

#include "cli.h"
#include "credentials.h"
#include "settings.h"

/* Writes CONFIG/name (the credentials or config file) into out. */
void session_path(const struct cli *cli, const char *name, char *out, size_t outlen);

/* The session stored for cli's server in CONFIG/credentials. */
struct session_stored {
    char file[PATH_MAX + 16]; /* the credentials file */
    char user[CREDENTIALS_USER_MAX];
    char token[CREDENTIALS_TOKEN_MAX];
};

/* Reads the session stored for cli's server (with several, the first of
 * them that has one). EXIT_OK; otherwise prints why and returns
 * EXIT_REFUSED: "You are not logged in to HOST:PORT" ended by `none` (NULL:
 * the hint to log in), or that the file cannot be read. */
int session_stored(const struct cli *cli, const char *none, struct session_stored *s);

/* Stores a session in file (CONFIG/credentials) for every server of cli's
 * list, which serve the same accounts. 0, or credentials_store's error. */
int session_keep(const struct cli *cli, const char *file, const char *user, const char *token,
                 char *err, size_t errlen);

/* Removes the session kept in file for every server of cli's list. 0;
 * CAS_ENOTFOUND when none had one; CAS_EIO with a sentence in err. */
int session_forget(const struct cli *cli, const char *file, char *err, size_t errlen);

/* Presents a session token on c. CLIENT_OK (the user's name is copied into
 * user, which may be NULL); CLIENT_REFUSED with the Error's code in *code
 * and its message in err; CLIENT_UNREACHABLE with a sentence in err. */
int session_authenticate(struct client *c, const char *token, int *code, char *user,
                         size_t userlen, char *err, size_t errlen);

/* Connects to cli's servers in turn (from cli->first on) until one
 * accepts the connection and the token stored for it; a server that
 * cannot be reached, is not trusted or goes away before answering is
 * passed over. EXIT_OK and *out (close with client_close). Otherwise
 * prints why and returns EXIT_REFUSED (not logged in; a session that
 * expired or was revoked, whose stale token is dropped; any refusal) or
 * EXIT_UNREACHABLE (every server failed; each is named with its reason). */
int cli_connect_user(const struct cli *cli, struct client **out);

/* Like cli_connect_user, but says nothing when no server can be reached
 * (EXIT_UNREACHABLE), for callers that retry. A certificate that is not
 * trusted (a changed pin) is said; when every server failed so, it is
 * returned as EXIT_REFUSED: no retry will mend it. */
int cli_connect_quiet(const struct cli *cli, struct client **out);

/* Sends req and waits for its answer, which must be a `want` body. EXIT_OK
 * and *reply (free with wire_free). Otherwise prints "cascade: MESSAGE" and
 * returns EXIT_REFUSED for the server's Error, EXIT_UNREACHABLE for a lost
 * connection or an answer of another kind. */
int cli_call(struct client *c, WireFrame *req, Cascade__V1__Frame__BodyCase want,
             WireFrame **reply);
/* The waiting half of cli_call, for a request sent with client_send as id. */
int cli_reply(struct client *c, const WireFrame *req, uint64_t id,
              Cascade__V1__Frame__BodyCase want, WireFrame **reply);

/* A whole one-shot exchange: connects as the logged-in user (to the
 * servers in turn, as cli_connect_user, but with the request sent along
 * with the token: once sent, it is never sent to another server), sends
 * req, expects a `want` answer (EXIT_OK and *reply, free with wire_free),
 * and closes. Failures are printed; the status follows cli_call. */
int cli_request(const struct cli *cli, WireFrame *req, Cascade__V1__Frame__BodyCase want,
                WireFrame **reply);

/* For a command whose request needs nothing more from its command line:
 * what is left there is a usage error for `command` (EXIT_USAGE), else
 * cli_request. */
int cli_ask(const struct cli *cli, struct args *a, const char *command, WireFrame *req,
            Cascade__V1__Frame__BodyCase want, WireFrame **reply);

/* The workshop a command acts on: -w/--workshop, else CASCADE_WORKSHOP, else
 * the default chosen with 'cascade use' or 'cascade join', normalised (see
 * settings_code_normalise). EXIT_OK and the code in out; otherwise a usage
 * error for `command` is printed and EXIT_USAGE returned. */
int cli_workshop(const struct cli *cli, const char *command, char *out, size_t outlen);

/* The end of a workshop command's arguments, with its usage errors in the
 * order every command reports them: an argument left over, then `problem`
 * (when not NULL: what else is wrong with the command line, as a sentence
 * the command worked out from the options it took), then no workshop
 * chosen (cli_workshop). EXIT_OK with the workshop's code in ws; otherwise
 * the usage error is printed and EXIT_USAGE returned. */
int cli_finish(const struct cli *cli, struct args *a, const char *command, const char *problem,
               char ws[SETTINGS_CODE_MAX + 1]);

/* Makes code the default workshop in CONFIG/config. EXIT_OK, or prints why
 * not and returns EXIT_REFUSED. */
int cli_set_default_workshop(const struct cli *cli, const char *code);

#endif
