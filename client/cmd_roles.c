/* cascade workshop invite | role set | team member add | kick: managing who
 * takes part in a workshop and with which role. Facilitators (and the
 * server's administrator) may send these; the server says so to anyone else. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "output.h"
#include "session.h"
#include "settings.h"

/* Parses a role name; 0 when it is none of those allowed (mask of 1 << role). */
static Cascade__V1__Role parse_role(const char *text, unsigned allowed)
{
    Cascade__V1__Role role = wire_role_parse(text);
    return (allowed & (1u << role)) ? role : CASCADE__V1__ROLE__ROLE_UNSPECIFIED;
}

/* How long an invite lasts unless --expires says otherwise. */
#define INVITE_DEFAULT_S (7u * 24 * 3600)
#define INVITE_MAX_S (366u * 24 * 3600)

/* Reads --expires: "never" (0), or a whole number with s, m, h or d. 0 and
 * the seconds in *out, or -1. */
static int parse_lifetime(const char *text, uint32_t *out)
{
    unsigned long s;
    if (strcmp(text, "never") == 0) {
        *out = 0;
        return 0;
    }
    if (args_duration(text, INVITE_MAX_S, &s) != 0)
        return -1;
    *out = (uint32_t)s;
    return 0;
}

int cmd_workshop_invite(struct cli *cli, struct args *a)
{
    const char *cmd = "workshop invite", *role_text = NULL, *expires_text = NULL;
    char team[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc = change_take_id_flag(a, cmd, "--team", OKR_TEAM, team);
    if (rc != EXIT_OK)
        return rc;
    if (args_value(a, "--role", &role_text) < 0 || args_value(a, "--expires", &expires_text) < 0)
        return cli_usage(cmd, a->err);
    Cascade__V1__Role role = parse_role(role_text, 1u << 2 | 1u << 3);
    uint32_t lifetime = INVITE_DEFAULT_S;
    const char *problem = NULL;
    if (role == 0)
        problem = "Give the role the invite grants: --role member or --role observer.";
    else if (expires_text != NULL && parse_lifetime(expires_text, &lifetime) != 0)
        problem = "--expires takes a time like 90m, 12h or 7d (at most 366d), or never.";
    if ((rc = cli_finish(cli, a, cmd, problem, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__Invite msg = CASCADE__V1__INVITE__INIT;
    msg.workshop = ws;
    msg.role = role;
    msg.team = team;
    msg.expires_in_s = lifetime;
    WireFrame req = CLIENT_REQUEST(invite, INVITE, &msg);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_INVITE_CODE, &reply)) != EXIT_OK)
        return rc;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "code", reply->invite_code->code);
        cJSON_AddStringToObject(o, "role", role_text);
        output_json_text_or_null(o, "team", team);
        if (reply->invite_code->expires_ms != 0)
            cJSON_AddNumberToObject(o, "expires_ms", (double)reply->invite_code->expires_ms);
        else
            cJSON_AddNullToObject(o, "expires_ms");
        output_json(o);
    } else {
        printf("%s\n", reply->invite_code->code);
    }
    wire_free(reply);
    return EXIT_OK;
}

int cmd_role(struct cli *cli, struct args *a)
{
    const char *cmd = "role set";
    char ws[SETTINGS_CODE_MAX + 1];
    const char *sub = args_next(a);
    if (sub == NULL || strcmp(sub, "set") != 0)
        return cli_usage("role", "Use 'role set USER facilitator|member|observer'.");
    const char *user = args_next(a), *role_text = args_next(a);
    if (user == NULL || role_text == NULL)
        return cli_usage(cmd, "Name the user and the role, e.g. 'role set bob facilitator'.");
    Cascade__V1__Role role = parse_role(role_text, 1u << 1 | 1u << 2 | 1u << 3);
    int rc = cli_finish(cli, a, cmd,
                        role == 0 ? "The role is facilitator, member or observer." : NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__RoleSet msg = CASCADE__V1__ROLE_SET__INIT;
    msg.workshop = ws;
    msg.user = (char *)user;
    msg.role = role;
    WireFrame req = CLIENT_REQUEST(role_set, ROLE_SET, &msg);
    return change_send_acked(cli, &req, change_json_texts("user", user, "role", role_text),
                             "%s is now %s in %s.", user, role_text, ws);
}

int cmd_team_member(struct cli *cli, struct args *a)
{
    char team[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    const char *sub = args_next(a);
    int add = sub != NULL && strcmp(sub, "add") == 0;
    int rm = sub != NULL && (strcmp(sub, "rm") == 0 || strcmp(sub, "remove") == 0);
    if (!add && !rm)
        return cli_usage("team member", "Use 'team member add T# USER' or 'team member rm T# "
                                        "USER'.");
    const char *cmd = add ? "team member add" : "team member rm";
    int rc = change_parse_id(cmd, args_next(a), OKR_TEAM, team);
    if (rc != EXIT_OK)
        return rc;
    const char *user = args_next(a);
    if (user == NULL)
        return cli_usage(cmd, add ? "Name the user to add to the team."
                                  : "Name the user to take off the team.");
    if ((rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
        return rc;
    if (rm) {
        Cascade__V1__TeamMemberRemove msg = CASCADE__V1__TEAM_MEMBER_REMOVE__INIT;
        msg.workshop = ws;
        msg.team = team;
        msg.user = (char *)user;
        WireFrame req = CLIENT_REQUEST(team_member_remove, TEAM_MEMBER_REMOVE, &msg);
        cJSON *o = change_json_texts("team", team, "user", user);
        cJSON_AddBoolToObject(o, "removed", 1);
        return change_send_acked(cli, &req, o, "%s is no longer a member of %s.", user, team);
    }
    Cascade__V1__TeamMemberAdd msg = CASCADE__V1__TEAM_MEMBER_ADD__INIT;
    msg.workshop = ws;
    msg.team = team;
    msg.user = (char *)user;
    WireFrame req = CLIENT_REQUEST(team_member_add, TEAM_MEMBER_ADD, &msg);
    return change_send_acked(cli, &req, change_json_texts("team", team, "user", user),
                             "%s is now a member of %s.", user, team);
}

int cmd_kick(struct cli *cli, struct args *a)
{
    const char *cmd = "kick";
    char ws[SETTINGS_CODE_MAX + 1];
    const char *user = args_next(a);
    if (user == NULL)
        return cli_usage(cmd, "Name the user to remove from the workshop.");
    int rc = cli_finish(cli, a, cmd, NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__Kick msg = CASCADE__V1__KICK__INIT;
    msg.workshop = ws;
    msg.user = (char *)user;
    WireFrame req = CLIENT_REQUEST(kick, KICK, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "user", user);
    cJSON_AddBoolToObject(o, "removed", 1);
    return change_send_acked(cli, &req, o,
                             "Removed %s from %s; they can come back only with a new invite.",
                             user, ws);
}
