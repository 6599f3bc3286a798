#include "session.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "config.h"
#include "credentials.h"
#include "errors.h"
#include "settings.h"

void session_path(const struct cli *cli, const char *name, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/%s", cli->config_dir, name);
}

/* Reads the answer to an Authenticate, as client_call or client_reply left
 * it in rc and reply: a refusal's code goes into *code (else 0), the user's
 * name into user (when not NULL), and an answer of another kind becomes
 * CLIENT_UNREACHABLE with a sentence in err. Frees reply; returns rc. */
static int authenticate_answer(int rc, WireFrame *reply, int *code, char *user, size_t userlen,
                               char *err, size_t errlen)
{
    *code = 0;
    if (rc == CLIENT_REFUSED)
        *code = (int)reply->error->code;
    else if (rc == CLIENT_OK && reply->body_case != CASCADE__V1__FRAME__BODY_USER_INFO) {
        cas_errorf(err, errlen, "The server answered authenticate with %s instead of user_info.",
                   wire_body_name(reply));
        rc = CLIENT_UNREACHABLE;
    } else if (rc == CLIENT_OK && user != NULL) {
        snprintf(user, userlen, "%s", reply->user_info->name);
    }
    wire_free(reply);
    return rc;
}

int session_authenticate(struct client *c, const char *token, int *code, char *user,
                         size_t userlen, char *err, size_t errlen)
{
    Cascade__V1__Authenticate auth = CASCADE__V1__AUTHENTICATE__INIT;
    auth.token = (char *)token;
    WireFrame req = CLIENT_REQUEST(authenticate, AUTHENTICATE, &auth);
    WireFrame *reply;
    int rc = client_call(c, &req, &reply, err, errlen);
    return authenticate_answer(rc, reply, code, user, userlen, err, errlen);
}

int session_stored(const struct cli *cli, const char *none, struct session_stored *s)
{
    session_path(cli, "credentials", s->file, sizeof s->file);
    char err[PATH_MAX * 2 + 256];
    if (credentials_check_private(s->file, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_REFUSED;
    }
    /* The servers of a list serve the same accounts: a session kept for
     * any of them is one for all. */
    int rc = CAS_ENOTFOUND;
    for (size_t i = 0; i < cli->servers.n && rc == CAS_ENOTFOUND; i++)
        rc = credentials_lookup(s->file, cli->servers.text[i], s->user, sizeof s->user, s->token,
                                sizeof s->token);
    if (rc == CAS_ENOTFOUND) {
        cli_error("You are not logged in to %s%s", cli->server_text,
                  none != NULL ? none : "; run 'cascade login --user NAME' first.");
        return EXIT_REFUSED;
    }
    if (rc != 0) {
        cli_error("Cannot read %s; check its permissions.", s->file);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

int session_keep(const struct cli *cli, const char *file, const char *user, const char *token,
                 char *err, size_t errlen)
{
    for (size_t i = 0; i < cli->servers.n; i++) {
        int rc = credentials_store(file, cli->servers.text[i], user, token, err, errlen);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int session_forget(const struct cli *cli, const char *file, char *err, size_t errlen)
{
    int rc = CAS_ENOTFOUND;
    for (size_t i = 0; i < cli->servers.n; i++) {
        int one = credentials_remove(file, cli->servers.text[i], err, errlen);
        if (one == CAS_EIO)
            return one;
        if (one == 0)
            rc = 0;
    }
    return rc;
}

/* The stored session this command acts in. */
struct user_session {
    struct session_stored stored;
    uint64_t auth_id; /* the Authenticate awaiting its answer */
};

/* Connects to server i of the list and sends the stored token without
 * waiting for the answer, so that a request can follow in the same round
 * trip. CLIENT_OK and *out, or the status of the failure with err. */
static int begin_on(const struct cli *cli, size_t i, struct user_session *us,
                    struct client **out, char *err, size_t errlen)
{
    struct client_opts opts = cli->opts;
    opts.server = cli->servers.addr[i];
    opts.pipeline = 1;
    struct client *c;
    int rc = client_connect(&c, &opts, err, errlen);
    if (rc != CLIENT_OK)
        return rc;
    Cascade__V1__Authenticate auth = CASCADE__V1__AUTHENTICATE__INIT;
    auth.token = us->stored.token;
    WireFrame req = CLIENT_REQUEST(authenticate, AUTHENTICATE, &auth);
    rc = client_send(c, &req, &us->auth_id, err, errlen);
    if (rc != CLIENT_OK) {
        client_close(c);
        return rc;
    }
    *out = c;
    return CLIENT_OK;
}

/* Waits for the answer to the token sent on c: CLIENT_OK, or the status
 * of the failure (a refusal's code in *code) with err, c closed. */
static int await_on(struct user_session *us, struct client *c, int *code, char *err,
                    size_t errlen)
{
    WireFrame *reply;
    int rc = client_reply(c, us->auth_id, &reply, err, errlen);
    rc = authenticate_answer(rc, reply, code, NULL, 0, err, errlen);
    if (rc != CLIENT_OK)
        client_close(c);
    return rc;
}

/* The server refused the token: a stale one is dropped and the person
 * told what to do. EXIT_REFUSED. */
static int session_refused(const struct cli *cli, struct user_session *us, int code,
                           const char *err)
{
    char ignored[256];
    if (code == CASCADE__V1__ERROR_CODE__TOKEN_EXPIRED) {
        session_forget(cli, us->stored.file, ignored, sizeof ignored);
        cli_error("Your session on %s has expired; run 'cascade login --user %s' again.",
                  cli->server_text, us->stored.user);
    } else if (code == CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED) {
        session_forget(cli, us->stored.file, ignored, sizeof ignored);
        cli_error("Your session on %s is no longer valid (it was ended or the server forgot it); "
                  "run 'cascade login --user %s' again.", cli->server_text, us->stored.user);
    } else {
        cli_error("%s", err);
    }
    return EXIT_REFUSED;
}

/* Connects to cli's servers in turn, from cli->first on, and sends the
 * stored token. When `accepted`, a server must also take the token before
 * the next is given up on (one that goes away before answering is passed
 * over like one that cannot be reached); otherwise the token's answer is
 * left for end_user_session, so that a request can follow it at once, and
 * a server is passed over only before anything but the token went to it.
 * When quiet, failures to reach the servers are returned (EXIT_UNREACHABLE)
 * without a word, for callers that retry; a refused certificate is always
 * said, and when no server could merely not be reached, quiet makes that
 * EXIT_REFUSED: no retry will mend it. */
static int begin_user_session(const struct cli *cli, int quiet, int accepted,
                              struct user_session *us, struct client **out)
{
    *out = NULL;
    int rc = session_stored(cli, NULL, &us->stored);
    if (rc != EXIT_OK)
        return rc;
    struct cli_tried tried;
    memset(&tried, 0, sizeof tried);
    char err[2048];
    for (size_t k = 0; k < cli->servers.n; k++) {
        size_t i = server_list_at(&cli->servers, cli->first, k);
        struct client *c;
        int code = 0;
        rc = begin_on(cli, i, us, &c, err, sizeof err);
        if (rc == CLIENT_OK && accepted)
            rc = await_on(us, c, &code, err, sizeof err);
        if (rc == CLIENT_OK) {
            *out = c;
            return EXIT_OK;
        }
        if (rc == CLIENT_REFUSED)
            return session_refused(cli, us, code, err);
        cli_tried_add(&tried, cli->servers.text[i], rc, err);
    }
    if (!quiet)
        cli_tried_report(&tried);
    return quiet && !tried.reachable ? EXIT_REFUSED : EXIT_UNREACHABLE;
}

/* Waits for the answer to the token. EXIT_OK; otherwise the connection is
 * closed, a stale token dropped, and the reason printed. */
static int end_user_session(const struct cli *cli, struct user_session *us, struct client *c)
{
    char err[1024];
    int code = 0, rc = await_on(us, c, &code, err, sizeof err);
    if (rc == CLIENT_OK)
        return EXIT_OK;
    if (rc == CLIENT_REFUSED)
        return session_refused(cli, us, code, err);
    cli_error("%s", err);
    return EXIT_UNREACHABLE;
}

int cli_connect_user(const struct cli *cli, struct client **out)
{
    struct user_session us;
    return begin_user_session(cli, 0, 1, &us, out);
}

int cli_connect_quiet(const struct cli *cli, struct client **out)
{
    struct user_session us;
    return begin_user_session(cli, 1, 1, &us, out);
}

int cli_reply(struct client *c, const WireFrame *req, uint64_t id,
              Cascade__V1__Frame__BodyCase want, WireFrame **reply)
{
    char err[1024];
    int rc = client_reply(c, id, reply, err, sizeof err);
    if (rc == CLIENT_OK && (*reply)->body_case != want) {
        cli_error("The server answered %s with %s, which this client does not expect; "
                  "is the server a different version?", wire_body_name(req),
                  wire_body_name(*reply));
        wire_free(*reply);
        *reply = NULL;
        return EXIT_UNREACHABLE;
    }
    if (rc == CLIENT_OK)
        return EXIT_OK;
    wire_free(*reply);
    *reply = NULL;
    cli_error("%s", err);
    return rc == CLIENT_REFUSED ? EXIT_REFUSED : EXIT_UNREACHABLE;
}

int cli_call(struct client *c, WireFrame *req, Cascade__V1__Frame__BodyCase want,
             WireFrame **reply)
{
    uint64_t id;
    char err[1024];
    *reply = NULL;
    if (client_send(c, req, &id, err, sizeof err) != CLIENT_OK) {
        cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    return cli_reply(c, req, id, want, reply);
}

int cli_request(const struct cli *cli, WireFrame *req, Cascade__V1__Frame__BodyCase want,
                WireFrame **reply)
{
    *reply = NULL;
    struct user_session us;
    struct client *c;
    int rc = begin_user_session(cli, 0, 0, &us, &c);
    if (rc != EXIT_OK)
        return rc;
    /* Hello, token and request leave together; the server takes them in
     * order, so the request is refused unless the token was accepted. Once
     * the request has gone, a lost connection is not answered by sending
     * it to another server: it may have been applied. */
    uint64_t id;
    char err[1024];
    if (client_send(c, req, &id, err, sizeof err) != CLIENT_OK) {
        client_close(c);
        cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    if ((rc = end_user_session(cli, &us, c)) != EXIT_OK)
        return rc;
    rc = cli_reply(c, req, id, want, reply);
    client_close(c);
    return rc;
}

int cli_ask(const struct cli *cli, struct args *a, const char *command, WireFrame *req,
            Cascade__V1__Frame__BodyCase want, WireFrame **reply)
{
    *reply = NULL;
    if (args_finish(a) != 0)
        return cli_usage(command, a->err);
    return cli_request(cli, req, want, reply);
}

int cli_workshop(const struct cli *cli, const char *command, char *out, size_t outlen)
{
    char saved[256], err[256];
    const char *code = cli->workshop;
    if (code == NULL || code[0] == '\0') {
        char file[PATH_MAX + 16];
        session_path(cli, "config", file, sizeof file);
        code = settings_get(file, SETTINGS_WORKSHOP, saved, sizeof saved) == 0 ? saved : NULL;
    }
    if (code == NULL)
        return cli_usage(command,
                         "No workshop chosen; use -w CODE, CASCADE_WORKSHOP, or 'cascade use CODE'.");
    if (settings_code_normalise(code, out, outlen, err, sizeof err) != 0)
        return cli_usage(command, err);
    return EXIT_OK;
}

int cli_finish(const struct cli *cli, struct args *a, const char *command, const char *problem,
               char ws[SETTINGS_CODE_MAX + 1])
{
    if (args_finish(a) != 0)
        return cli_usage(command, a->err);
    if (problem != NULL)
        return cli_usage(command, problem);
    return cli_workshop(cli, command, ws, SETTINGS_CODE_MAX + 1);
}

int cli_set_default_workshop(const struct cli *cli, const char *code)
{
    char file[PATH_MAX + 16], err[PATH_MAX + 128];
    session_path(cli, "config", file, sizeof file);
    if (config_dir_create(cli->config_dir, err, sizeof err) != 0 ||
        settings_set(file, SETTINGS_WORKSHOP, code, err, sizeof err) != 0) {
        cli_error("%s", err);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}
