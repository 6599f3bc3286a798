/* cascade admin user add NAME [--password-stdin] | list | passwd NAME
 * [--password-stdin] | disable NAME | enable NAME: the server's accounts, for its
 * administrators; admin backup and admin drain. The views of the running
 * server are cmd_admin_views.c's. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "output.h"
#include "password.h"
#include "session.h"

/* Takes NAME [--password-stdin]: the user, and the password to give them
 * ("" lets the server generate one). EXIT_OK, or a printed usage error. */
static int take_user_password(struct args *a, const char *cmd, const char *missing,
                              const char **name, char password[PASSWORD_MAX + 2])
{
    int from_stdin = args_flag(a, "--password-stdin");
    *name = args_next(a);
    if (*name == NULL)
        return cli_usage(cmd, missing);
    if (args_finish(a) != 0)
        return cli_usage(cmd, a->err);
    password[0] = '\0';
    if (!from_stdin)
        return EXIT_OK;
    char err[512];
    int rc = password_read_stdin(password, PASSWORD_MAX + 2, err, sizeof err);
    if (rc != 0) {
        cli_error("%s", err);
        return rc == CAS_EIO ? EXIT_REFUSED : EXIT_USAGE;
    }
    if (password[0] == '\0')
        return cli_usage(cmd, "The password on stdin is empty; give one, or leave out "
                              "--password-stdin to have the server generate one.");
    return EXIT_OK;
}

/* Sends req, answered with AdminUserAdded, wipes the password, and prints
 * the outcome: for a new user (reset 0) or a password reset (reset 1). */
static int send_password(struct cli *cli, WireFrame *req, const char *name,
                         char password[PASSWORD_MAX + 2], int reset)
{
    WireFrame *reply;
    int rc = cli_request(cli, req, CASCADE__V1__FRAME__BODY_ADMIN_USER_ADDED, &reply);
    memset(password, 0, PASSWORD_MAX + 2);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__AdminUserAdded *r = reply->admin_user_added;
    const char *user = r->user != NULL ? r->user->name : name;
    const char *generated = r->generated_password;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "user", user);
        output_json_text_or_null(o, "password", generated);
        output_json(o);
    } else if (!reset && generated[0] != '\0') {
        printf("Added %s with password %s; give it to them over a safe channel.\n", user,
               generated);
    } else if (!reset) {
        printf("Added %s.\n", user);
    } else if (generated[0] != '\0') {
        printf("Set the password of %s to %s; give it to them over a safe channel. Their "
               "sessions have ended.\n", user, generated);
    } else {
        printf("Set the password of %s; their sessions have ended.\n", user);
    }
    wire_free(reply);
    return EXIT_OK;
}

/* admin user add NAME and admin user passwd NAME (reset). */
static int user_password(struct cli *cli, struct args *a, int reset)
{
    const char *name;
    char password[PASSWORD_MAX + 2];
    int rc = take_user_password(a, reset ? "admin user passwd" : "admin user add",
                                reset ? "Name the user whose password to set."
                                      : "Name the user to add.",
                                &name, password);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__AdminUserAdd add = CASCADE__V1__ADMIN_USER_ADD__INIT;
    Cascade__V1__AdminUserPasswd set = CASCADE__V1__ADMIN_USER_PASSWD__INIT;
    add.name = set.name = (char *)name;
    add.password = set.password = password;
    WireFrame add_req = CLIENT_REQUEST(admin_user_add, ADMIN_USER_ADD, &add);
    WireFrame set_req = CLIENT_REQUEST(admin_user_passwd, ADMIN_USER_PASSWD, &set);
    return send_password(cli, reset ? &set_req : &add_req, name, password, reset);
}

/* admin user disable NAME and admin user enable NAME. */
static int user_set_disabled(struct cli *cli, struct args *a, int disable)
{
    const char *cmd = disable ? "admin user disable" : "admin user enable";
    const char *name = args_next(a);
    if (name == NULL)
        return cli_usage(cmd, disable ? "Name the user to disable." : "Name the user to enable.");
    Cascade__V1__AdminUserDisable off = CASCADE__V1__ADMIN_USER_DISABLE__INIT;
    Cascade__V1__AdminUserEnable on = CASCADE__V1__ADMIN_USER_ENABLE__INIT;
    off.name = on.name = (char *)name;
    WireFrame off_req = CLIENT_REQUEST(admin_user_disable, ADMIN_USER_DISABLE, &off);
    WireFrame on_req = CLIENT_REQUEST(admin_user_enable, ADMIN_USER_ENABLE, &on);
    WireFrame *reply;
    int rc = cli_ask(cli, a, cmd, disable ? &off_req : &on_req,
                     CASCADE__V1__FRAME__BODY_USER_INFO, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__UserInfo *u = reply->user_info;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "user", u->name);
        cJSON_AddBoolToObject(o, "disabled", u->disabled);
        output_json(o);
    } else if (disable) {
        printf("Disabled %s; their sessions have ended and they cannot log in.\n", u->name);
    } else {
        printf("Enabled %s; they can log in again.\n", u->name);
    }
    wire_free(reply);
    return EXIT_OK;
}

static int user_list(struct cli *cli, struct args *a)
{
    Cascade__V1__AdminUserList list = CASCADE__V1__ADMIN_USER_LIST__INIT;
    WireFrame req = CLIENT_REQUEST(admin_user_list, ADMIN_USER_LIST, &list);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin user list", &req,
                     CASCADE__V1__FRAME__BODY_ADMIN_USER_LIST_REPLY, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__AdminUserListReply *r = reply->admin_user_list_reply;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *users = cJSON_AddArrayToObject(o, "users");
        for (size_t i = 0; i < r->n_users; i++) {
            cJSON *u = cJSON_CreateObject();
            cJSON_AddStringToObject(u, "name", r->users[i]->name);
            cJSON_AddBoolToObject(u, "admin", r->users[i]->admin);
            cJSON_AddBoolToObject(u, "disabled", r->users[i]->disabled);
            cJSON_AddNumberToObject(u, "created_ms", (double)r->users[i]->created_ms);
            cJSON_AddItemToArray(users, u);
        }
        rc = output_json(o) == 0 ? EXIT_OK : EXIT_REFUSED;
    } else {
        static const char *const HEADERS[] = {"NAME", "ADMIN", "DISABLED", "CREATED"};
        struct table t;
        rc = table_init(&t, 4, HEADERS) == 0 ? EXIT_OK : EXIT_REFUSED;
        for (size_t i = 0; i < r->n_users && rc == EXIT_OK; i++) {
            char date[32];
            output_date(r->users[i]->created_ms, date, sizeof date);
            const char *row[] = {r->users[i]->name, r->users[i]->admin ? "yes" : "no",
                                 r->users[i]->disabled ? "yes" : "no", date};
            rc = table_add(&t, row) == 0 ? EXIT_OK : EXIT_REFUSED;
        }
        if (rc == EXIT_OK)
            table_print(&t, stdout);
        table_free(&t);
    }
    if (rc != EXIT_OK)
        cli_error("Out of memory while listing the users.");
    wire_free(reply);
    return rc;
}

/* admin backup FILE: FILE is on the server. The copy may take a while on a
 * large database, so the answer is awaited for up to ten minutes. */
static int backup(struct cli *cli, struct args *a)
{
    const char *path = args_next(a);
    if (path == NULL)
        return cli_usage("admin backup", "Name the file to write, an absolute path on the "
                                         "server's machine.");
    if (cli->opts.timeout_ms < 600000)
        cli->opts.timeout_ms = 600000;
    Cascade__V1__AdminBackup m = CASCADE__V1__ADMIN_BACKUP__INIT;
    m.path = (char *)path;
    WireFrame req = CLIENT_REQUEST(admin_backup, ADMIN_BACKUP, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin backup", &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    return rc != EXIT_OK ? rc : admin_print_note(cli, reply, "backup", path);
}

/* admin drain [--within 60s] [--reason TEXT]. */
static int drain(struct cli *cli, struct args *a)
{
    const char *within_text = NULL, *reason = NULL;
    if (args_value(a, "--within", &within_text) < 0 || args_value(a, "--reason", &reason) < 0)
        return cli_usage("admin drain", a->err);
    unsigned long within = 60;
    if (within_text != NULL && (args_duration(within_text, 3600, &within) != 0 || within == 0))
        return cli_usage("admin drain",
                         "--within takes a duration from 1s to 1h, like 90s, 5m or 1h.");
    Cascade__V1__AdminDrain m = CASCADE__V1__ADMIN_DRAIN__INIT;
    m.within_s = (uint32_t)within;
    m.reason = (char *)(reason != NULL ? reason : "");
    WireFrame req = CLIENT_REQUEST(admin_drain, ADMIN_DRAIN, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin drain", &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc != EXIT_OK)
        return rc;
    wire_free(reply);
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "drain_within_s", (double)within);
        output_json(o);
    } else {
        printf("Draining: the server takes no new connections, has told everyone, and stops "
               "within %lu s.\n", within);
    }
    return EXIT_OK;
}

int cmd_admin(struct cli *cli, struct args *a)
{
    const char *area = args_next(a);
    if (area != NULL && strcmp(area, "drain") == 0)
        return drain(cli, a);
    if (area != NULL && strcmp(area, "backup") == 0)
        return backup(cli, a);
    int rc = area != NULL ? cmd_admin_views(cli, a, area) : -1;
    if (rc >= 0)
        return rc;
    const char *sub = area != NULL && strcmp(area, "user") == 0 ? args_next(a) : NULL;
    if (sub != NULL && strcmp(sub, "add") == 0)
        return user_password(cli, a, 0);
    if (sub != NULL && strcmp(sub, "list") == 0)
        return user_list(cli, a);
    if (sub != NULL && strcmp(sub, "passwd") == 0)
        return user_password(cli, a, 1);
    if (sub != NULL && (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0))
        return user_set_disabled(cli, a, strcmp(sub, "disable") == 0);
    return cli_usage("admin", "Use 'admin user add NAME [--password-stdin]', 'admin user list', "
                              "'admin user passwd NAME [--password-stdin]', "
                              "'admin user disable NAME', 'admin user enable NAME' or "
                              "'admin stats', 'admin connections [--user NAME]', "
                              "'admin disconnect ID|--user NAME', 'admin workshops', "
                              "'admin workshop archive|unarchive|delete CODE', "
                              "'admin broadcast TEXT', 'admin backup FILE' or "
                              "'admin drain [--within 60s] [--reason TEXT]'.");
}
