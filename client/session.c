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
    int rc = credentials_lookup(s->file, cli->server_text, s->user, sizeof s->user, s->token,
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

/* The stored session this command acts in. */
struct user_session {
    struct session_stored stored;
    uint64_t auth_id; /* the Authenticate awaiting its answer */
};

/* Connects and sends the stored token without waiting for the answer, so
 * that a request can follow in the same round trip. When quiet, failures
 * to reach the server are returned (EXIT_UNREACHABLE) without a word, for
 * callers that retry. */
static int begin_user_session(const struct cli *cli, int quiet, struct user_session *us,
                              struct client **out)
{
    *out = NULL;
    int rc = session_stored(cli, NULL, &us->stored);
    if (rc != EXIT_OK)
        return rc;
    struct client_opts opts = cli->opts;
    opts.pipeline = 1;
    struct client *c;
    char err[2048];
    rc = client_connect(&c, &opts, err, sizeof err);
    if (rc == CLIENT_OK) {
        Cascade__V1__Authenticate auth = CASCADE__V1__AUTHENTICATE__INIT;
        auth.token = us->stored.token;
        WireFrame req = CLIENT_REQUEST(authenticate, AUTHENTICATE, &auth);
        rc = client_send(c, &req, &us->auth_id, err, sizeof err);
        if (rc != CLIENT_OK)
            client_close(c);
    }
    if (rc == CLIENT_UNTRUSTED) {
        /* Said even when quiet: a refused certificate is no reason to retry. */
        cli_error("%s", err);
        return quiet ? EXIT_REFUSED : EXIT_UNREACHABLE;
    }
    if (rc != CLIENT_OK) {
        if (!quiet)
            cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    *out = c;
    return EXIT_OK;
}

/* Waits for the answer to the token. EXIT_OK; otherwise the connection is
 * closed, a stale token dropped, and the reason printed (unless quiet and
 * merely unreachable). */
static int end_user_session(const struct cli *cli, int quiet, struct user_session *us,
                            struct client *c)
{
    WireFrame *reply;
    char err[1024], ignored[256];
    int code, rc = client_reply(c, us->auth_id, &reply, err, sizeof err);
    rc = authenticate_answer(rc, reply, &code, NULL, 0, err, sizeof err);
    if (rc == CLIENT_OK)
        return EXIT_OK;
    client_close(c);
    if (rc != CLIENT_REFUSED) {
        if (!quiet)
            cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    if (code == CASCADE__V1__ERROR_CODE__TOKEN_EXPIRED) {
        credentials_remove(us->stored.file, cli->server_text, ignored, sizeof ignored);
        cli_error("Your session on %s has expired; run 'cascade login --user %s' again.",
                  cli->server_text, us->stored.user);
    } else if (code == CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED) {
        credentials_remove(us->stored.file, cli->server_text, ignored, sizeof ignored);
        cli_error("Your session on %s is no longer valid (it was ended or the server forgot it); "
                  "run 'cascade login --user %s' again.", cli->server_text, us->stored.user);
    } else {
        cli_error("%s", err);
    }
    return EXIT_REFUSED;
}

static int connect_user(const struct cli *cli, struct client **out, int quiet)
{
    struct user_session us;
    struct client *c;
    int rc = begin_user_session(cli, quiet, &us, &c);
    if (rc == EXIT_OK && (rc = end_user_session(cli, quiet, &us, c)) == EXIT_OK)
        *out = c;
    return rc;
}

int cli_connect_user(const struct cli *cli, struct client **out)
{
    return connect_user(cli, out, 0);
}

int cli_connect_quiet(const struct cli *cli, struct client **out)
{
    return connect_user(cli, out, 1);
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
    int rc = begin_user_session(cli, 0, &us, &c);
    if (rc != EXIT_OK)
        return rc;
    /* Hello, token and request leave together; the server takes them in
     * order, so the request is refused unless the token was accepted. */
    uint64_t id;
    char err[1024];
    if (client_send(c, req, &id, err, sizeof err) != CLIENT_OK) {
        client_close(c);
        cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    if ((rc = end_user_session(cli, 0, &us, c)) != EXIT_OK)
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
