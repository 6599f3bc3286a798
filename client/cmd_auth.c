/* cascade login --user NAME | logout [--all] | whoami | passwd: sessions.
 * A login trades the password for a session token, kept in
 * CONFIG/credentials for that server; later commands present the token
 * instead of the password. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "credentials.h"
#include "errors.h"
#include "output.h"
#include "password.h"
#include "session.h"

int cmd_login(struct cli *cli, struct args *a)
{
    const char *user = NULL;
    if (args_value(a, "--user", &user) < 0 || args_finish(a) != 0)
        return cli_usage("login", a->err);
    if (user == NULL || user[0] == '\0')
        return cli_usage("login", "Name the account with --user NAME.");
    char prompt[SERVER_LIST_TEXT_MAX + 512], password[PASSWORD_MAX + 2], err[1024];
    snprintf(prompt, sizeof prompt, "Password for %s at %s: ", user, cli->server_text);
    int rc = password_read(prompt, password, sizeof password, err, sizeof err);
    if (rc == CAS_ENOTFOUND)
        return cli_usage("login", err);
    if (rc != 0) {
        cli_error("%s", err);
        return EXIT_REFUSED;
    }

    struct client *c;
    rc = cli_connect(cli, &c);
    if (rc != EXIT_OK) {
        memset(password, 0, sizeof password);
        return rc;
    }
    Cascade__V1__Login login = CASCADE__V1__LOGIN__INIT;
    login.user = (char *)user;
    login.password = password;
    WireFrame req = CLIENT_REQUEST(login, LOGIN, &login);
    WireFrame *reply;
    rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_LOGIN_OK, &reply);
    memset(password, 0, sizeof password);
    client_close(c);
    if (rc != EXIT_OK)
        return rc;

    const Cascade__V1__LoginOk *ok = reply->login_ok;
    const char *name = ok->user != NULL && ok->user->name[0] != '\0' ? ok->user->name : user;
    char file[PATH_MAX + 16];
    session_path(cli, "credentials", file, sizeof file);
    if (config_dir_create(cli->config_dir, err, sizeof err) != 0 ||
        session_keep(cli, file, name, ok->token, err, sizeof err) != 0) {
        cli_error("%s", err);
        wire_free(reply);
        return EXIT_REFUSED;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "server", cli->server_text);
        cJSON_AddStringToObject(o, "user", name);
        cJSON_AddNumberToObject(o, "expires_ms", (double)ok->expires_ms);
        if (ok->checkins_due > 0) /* the usual shape stays as it was */
            cJSON_AddNumberToObject(o, "checkins_due", ok->checkins_due);
        output_json(o);
    } else {
        printf("Logged in to %s as %s.\n", cli->server_text, name);
    }
    /* A notice, on stderr so that scripts reading stdout are not disturbed. */
    if (ok->checkins_due > 0)
        fprintf(stderr, "%u check-in%s due; 'cascade due --mine' lists %s.\n",
                ok->checkins_due, ok->checkins_due == 1 ? " is" : "s are",
                ok->checkins_due == 1 ? "it" : "them");
    wire_free(reply);
    return EXIT_OK;
}

static void print_logged_out(const struct cli *cli, const char *user, int all)
{
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "server", cli->server_text);
        cJSON_AddStringToObject(o, "user", user);
        cJSON_AddBoolToObject(o, "all", all);
        output_json(o);
    } else if (all) {
        printf("Logged out of %s; every session of %s there has ended.\n", cli->server_text,
               user);
    } else {
        printf("Logged out of %s.\n", cli->server_text);
    }
}

int cmd_logout(struct cli *cli, struct args *a)
{
    int all = args_flag(a, "--all");
    if (args_finish(a) != 0)
        return cli_usage("logout", a->err);
    struct session_stored s;
    char err[1024];
    int rc = session_stored(cli, ", so there is nothing to log out of.", &s);
    if (rc != EXIT_OK)
        return rc;
    /* The token is forgotten locally only once the server has ended it (or
     * had already), so an unreachable server leaves the session usable. */
    struct client *c;
    rc = cli_connect(cli, &c);
    if (rc != EXIT_OK)
        return rc;
    int code;
    rc = session_authenticate(c, s.token, &code, NULL, 0, err, sizeof err);
    if (rc == CLIENT_UNREACHABLE) {
        client_close(c);
        cli_error("%s", err);
        return EXIT_UNREACHABLE;
    }
    if (rc == CLIENT_REFUSED && code != CASCADE__V1__ERROR_CODE__TOKEN_EXPIRED &&
        code != CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED) {
        client_close(c);
        cli_error("%s", err);
        return EXIT_REFUSED;
    }
    int stale = rc == CLIENT_REFUSED;
    if (!stale) {
        Cascade__V1__Logout logout = CASCADE__V1__LOGOUT__INIT;
        logout.all = all;
        WireFrame req = CLIENT_REQUEST(logout, LOGOUT, &logout);
        WireFrame *reply;
        rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
        wire_free(reply);
        if (rc != EXIT_OK) {
            client_close(c);
            return rc;
        }
    }
    client_close(c);
    if (session_forget(cli, s.file, err, sizeof err) == CAS_EIO) {
        cli_error("%s", err);
        return EXIT_REFUSED;
    }
    if (stale && all) {
        cli_error("Your session on %s had already ended, so the server could not end your other "
                  "sessions; log in and run 'cascade logout --all' to end them.",
                  cli->server_text);
        return EXIT_REFUSED;
    }
    print_logged_out(cli, s.user, all);
    return EXIT_OK;
}

int cmd_whoami(struct cli *cli, struct args *a)
{
    Cascade__V1__Whoami whoami = CASCADE__V1__WHOAMI__INIT;
    WireFrame req = CLIENT_REQUEST(whoami, WHOAMI, &whoami);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "whoami", &req, CASCADE__V1__FRAME__BODY_USER_INFO, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__UserInfo *u = reply->user_info;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "user", u->name);
        cJSON_AddBoolToObject(o, "admin", u->admin);
        cJSON_AddStringToObject(o, "server", cli->server_text);
        output_json(o);
    } else {
        printf("%s at %s%s\n", u->name, cli->server_text, u->admin ? " (administrator)" : "");
    }
    wire_free(reply);
    return EXIT_OK;
}

/* Asks for one password (see password_read). EXIT_OK, or prints why not and
 * returns the exit status: a usage error when stdin ran out. */
static int ask(const char *prompt, char *out, size_t outlen)
{
    char err[512];
    int rc = password_read(prompt, out, outlen, err, sizeof err);
    if (rc == CAS_ENOTFOUND)
        return cli_usage("passwd", "Give the current password, then the new one twice, one "
                                   "per line on stdin.");
    if (rc != 0) {
        cli_error("%s", err);
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

int cmd_passwd(struct cli *cli, struct args *a)
{
    if (args_finish(a) != 0)
        return cli_usage("passwd", a->err);
    struct session_stored s;
    int rc = session_stored(cli, NULL, &s);
    memset(s.token, 0, sizeof s.token);
    if (rc != EXIT_OK)
        return rc;
    char prompt[SERVER_LIST_TEXT_MAX + 512];
    char old[PASSWORD_MAX + 2], new1[PASSWORD_MAX + 2], new2[PASSWORD_MAX + 2];
    snprintf(prompt, sizeof prompt, "Current password for %s at %s: ", s.user, cli->server_text);
    rc = ask(prompt, old, sizeof old);
    if (rc == EXIT_OK)
        rc = ask("New password: ", new1, sizeof new1);
    if (rc == EXIT_OK)
        rc = ask("New password again: ", new2, sizeof new2);
    if (rc == EXIT_OK && strcmp(new1, new2) != 0)
        rc = cli_usage("passwd", "The two new passwords differ; nothing was changed.");
    memset(new2, 0, sizeof new2);
    struct client *c = NULL;
    if (rc == EXIT_OK)
        rc = cli_connect_user(cli, &c);
    if (rc == EXIT_OK) {
        Cascade__V1__ChangePassword change = CASCADE__V1__CHANGE_PASSWORD__INIT;
        change.old_password = old;
        change.new_password = new1;
        WireFrame req = CLIENT_REQUEST(change_password, CHANGE_PASSWORD, &change);
        WireFrame *reply;
        rc = cli_call(c, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
        wire_free(reply);
        client_close(c);
    }
    memset(old, 0, sizeof old);
    memset(new1, 0, sizeof new1);
    if (rc != EXIT_OK)
        return rc;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "server", cli->server_text);
        cJSON_AddStringToObject(o, "user", s.user);
        cJSON_AddBoolToObject(o, "password_changed", 1);
        output_json(o);
    } else {
        printf("Password changed; your other sessions are logged out.\n");
    }
    return EXIT_OK;
}
