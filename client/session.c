#include "session.h"

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

int session_authenticate(struct client *c, const char *token, int *code, char *user,
                         size_t userlen, char *err, size_t errlen)
{
    Cascade__V1__Authenticate auth = CASCADE__V1__AUTHENTICATE__INIT;
    auth.token = (char *)token;
    WireFrame req = CASCADE__V1__FRAME__INIT;
    req.body_case = CASCADE__V1__FRAME__BODY_AUTHENTICATE;
    req.authenticate = &auth;
    WireFrame *reply;
    *code = 0;
    int rc = client_call(c, &req, &reply, err, errlen);
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

/* Connects and authenticates; when quiet, failures to reach the server are
 * returned (EXIT_UNREACHABLE) without a word, for callers that retry. */
static int connect_user(const struct cli *cli, struct client **out, int quiet)
{
    *out = NULL;
    char file[PATH_MAX + 16], user[CREDENTIALS_USER_MAX], token[CREDENTIALS_TOKEN_MAX];
    session_path(cli, "credentials", file, sizeof file);
    int rc = credentials_lookup(file, cli->server_text, user, sizeof user, token, sizeof token);
    if (rc == CAS_ENOTFOUND) {
        cli_error("You are not logged in to %s; run 'cascade login --user NAME' first.",
                  cli->server_text);
        return EXIT_REFUSED;
    }
    if (rc != 0) {
        cli_error("Cannot read %s; check its permissions.", file);
        return EXIT_REFUSED;
    }
    struct client *c;
    char err[1024], ignored[256];
    if (quiet)
        rc = client_connect(&c, &cli->opts, err, sizeof err);
    else
        rc = cli_connect(cli, &c);
    if (rc != EXIT_OK)
        return rc;
    int code;
    rc = session_authenticate(c, token, &code, NULL, 0, err, sizeof err);
    if (rc == CLIENT_OK) {
        *out = c;
        return EXIT_OK;
    }
    client_close(c);
    if (rc != CLIENT_REFUSED) {
        if (!quiet)
            cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    if (code == CASCADE__V1__ERROR_CODE__TOKEN_EXPIRED) {
        credentials_remove(file, cli->server_text, ignored, sizeof ignored);
        cli_error("Your session on %s has expired; run 'cascade login --user %s' again.",
                  cli->server_text, user);
    } else if (code == CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED) {
        credentials_remove(file, cli->server_text, ignored, sizeof ignored);
        cli_error("Your session on %s is no longer valid (it was ended or the server forgot it); "
                  "run 'cascade login --user %s' again.", cli->server_text, user);
    } else {
        cli_error("%s", err);
    }
    return EXIT_REFUSED;
}

int cli_connect_user(const struct cli *cli, struct client **out)
{
    return connect_user(cli, out, 0);
}

int cli_connect_quiet(const struct cli *cli, struct client **out)
{
    return connect_user(cli, out, 1);
}

int cli_call(struct client *c, WireFrame *req, Cascade__V1__Frame__BodyCase want,
             WireFrame **reply)
{
    char err[1024];
    int rc = client_call(c, req, reply, err, sizeof err);
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

int cli_request(const struct cli *cli, WireFrame *req, Cascade__V1__Frame__BodyCase want,
                WireFrame **reply)
{
    *reply = NULL;
    struct client *c;
    int rc = cli_connect_user(cli, &c);
    if (rc != EXIT_OK)
        return rc;
    rc = cli_call(c, req, want, reply);
    client_close(c);
    return rc;
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
