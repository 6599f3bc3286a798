/* cascade participants | workshop invites | workshop revoke CODE |
 * workshop set SETTING VALUE: the facilitator's view of the door. Who takes
 * part (role, teams, here now or when last seen), which invite codes exist
 * and how often each was used, taking a code back, and the workshop's
 * settings. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "clock.h"
#include "output.h"
#include "session.h"
#include "settings.h"

/* "T1 T3", or "-" for none. */
static void team_list(char **teams, size_t n, char *out, size_t outlen)
{
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(out);
        snprintf(out + len, outlen - len, "%s%s", i ? " " : "", teams[i]);
    }
    if (n == 0)
        snprintf(out, outlen, "-");
}

/* "2026-11-23 12:04:59", local time. */
static void stamp(int64_t ms, char *out, size_t outlen)
{
    char date[16], time[16];
    output_date(ms, date, sizeof date);
    output_time(ms, time, sizeof time);
    snprintf(out, outlen, "%s %s", date, time);
}

static cJSON *participant_json(const Cascade__V1__Participant *p)
{
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "user", p->user);
    cJSON_AddStringToObject(e, "role", wire_role_name(p->role));
    cJSON *teams = cJSON_AddArrayToObject(e, "teams");
    for (size_t j = 0; j < p->n_teams; j++)
        cJSON_AddItemToArray(teams, cJSON_CreateString(p->teams[j]));
    cJSON_AddBoolToObject(e, "online", p->online);
    if (p->last_seen_ms != 0)
        cJSON_AddNumberToObject(e, "last_seen_ms", (double)p->last_seen_ms);
    else
        cJSON_AddNullToObject(e, "last_seen_ms");
    cJSON_AddNumberToObject(e, "joined_ms", (double)p->joined_ms);
    return e;
}

int cmd_participants(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "participants", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__ParticipantList q = CASCADE__V1__PARTICIPANT_LIST__INIT;
    q.workshop = ws;
    WireFrame req = CLIENT_REQUEST(participant_list, PARTICIPANT_LIST, &q);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_PARTICIPANT_LIST_REPLY, &reply)) !=
        EXIT_OK)
        return rc;
    const Cascade__V1__ParticipantListReply *r = reply->participant_list_reply;
    size_t online = 0;
    for (size_t i = 0; i < r->n_participants; i++)
        online += r->participants[i]->online;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "participants");
        for (size_t i = 0; i < r->n_participants; i++)
            cJSON_AddItemToArray(arr, participant_json(r->participants[i]));
        cJSON_AddNumberToObject(o, "online", (double)online);
        cJSON_AddBoolToObject(o, "truncated", r->truncated);
        output_json(o);
    } else {
        static const char *const HEADERS[] = {"USER", "ROLE", "TEAMS", "SEEN"};
        struct table t;
        if (table_init(&t, 4, HEADERS) == 0) {
            for (size_t i = 0; i < r->n_participants; i++) {
                const Cascade__V1__Participant *p = r->participants[i];
                char teams[256], seen[32];
                team_list(p->teams, p->n_teams, teams, sizeof teams);
                if (p->online)
                    snprintf(seen, sizeof seen, "online now");
                else if (p->last_seen_ms != 0)
                    stamp(p->last_seen_ms, seen, sizeof seen);
                else
                    snprintf(seen, sizeof seen, "never");
                const char *row[] = {p->user, wire_role_name(p->role), teams, seen};
                table_add(&t, row);
            }
            table_print(&t, stdout);
            table_free(&t);
        }
        printf("%zu taking part, %zu online now%s.\n", r->n_participants, online,
               r->truncated ? " (more than listed)" : "");
    }
    wire_free(reply);
    return EXIT_OK;
}

static const char *invite_state(const Cascade__V1__InviteInfo *inv, int64_t now_ms)
{
    if (inv->revoked_ms != 0)
        return "revoked";
    if (inv->expires_ms != 0 && inv->expires_ms <= now_ms)
        return "expired";
    return "open";
}

static int list_invites(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "workshop invites", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__InviteList q = CASCADE__V1__INVITE_LIST__INIT;
    q.workshop = ws;
    WireFrame req = CLIENT_REQUEST(invite_list, INVITE_LIST, &q);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_INVITE_LIST_REPLY, &reply)) !=
        EXIT_OK)
        return rc;
    const Cascade__V1__InviteListReply *r = reply->invite_list_reply;
    int64_t now = clock_now_ms();
    if (cli->json) {
        cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "invites");
        for (size_t i = 0; i < r->n_invites; i++) {
            const Cascade__V1__InviteInfo *inv = r->invites[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "code", inv->code);
            cJSON_AddStringToObject(e, "role", wire_role_name(inv->role));
            output_json_text_or_null(e, "team", inv->team);
            if (inv->expires_ms != 0)
                cJSON_AddNumberToObject(e, "expires_ms", (double)inv->expires_ms);
            else
                cJSON_AddNullToObject(e, "expires_ms");
            cJSON_AddNumberToObject(e, "uses", inv->uses);
            cJSON_AddStringToObject(e, "state", invite_state(inv, now));
            cJSON_AddStringToObject(e, "created_by", inv->created_by);
            cJSON_AddNumberToObject(e, "created_ms", (double)inv->created_ms);
            cJSON_AddItemToArray(arr, e);
        }
        cJSON_AddBoolToObject(o, "truncated", r->truncated);
        output_json(o);
    } else if (r->n_invites == 0) {
        printf("Workshop %s has no invite codes; make one with 'cascade workshop invite'.\n", ws);
    } else {
        static const char *const HEADERS[] = {"CODE", "ROLE", "TEAM", "EXPIRES", "USES",
                                              "STATE"};
        struct table t;
        if (table_init(&t, 6, HEADERS) == 0) {
            for (size_t i = 0; i < r->n_invites; i++) {
                const Cascade__V1__InviteInfo *inv = r->invites[i];
                char expires[32], uses[16];
                if (inv->expires_ms != 0)
                    output_date(inv->expires_ms, expires, sizeof expires);
                else
                    snprintf(expires, sizeof expires, "never");
                snprintf(uses, sizeof uses, "%u", inv->uses);
                const char *row[] = {inv->code, wire_role_name(inv->role),
                                     inv->team[0] ? inv->team : "-", expires, uses,
                                     invite_state(inv, now)};
                table_add(&t, row);
            }
            table_print(&t, stdout);
            table_free(&t);
        }
        if (r->truncated)
            printf("(older invites not listed)\n");
    }
    wire_free(reply);
    return EXIT_OK;
}

static int revoke(struct cli *cli, struct args *a)
{
    const char *cmd = "workshop revoke";
    char ws[SETTINGS_CODE_MAX + 1];
    const char *code = args_next(a);
    int rc = cli_finish(cli, a, cmd, code == NULL ? "Give the invite code to revoke." : NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__InviteRevoke msg = CASCADE__V1__INVITE_REVOKE__INIT;
    msg.workshop = ws;
    msg.code = (char *)code;
    WireFrame req = CLIENT_REQUEST(invite_revoke, INVITE_REVOKE, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", code);
    cJSON_AddBoolToObject(o, "revoked", 1);
    return change_send_acked(cli, &req, o, "Revoked %s; it admits nobody now.", code);
}

static int set_setting(struct cli *cli, struct args *a)
{
    const char *cmd = "workshop set";
    char ws[SETTINGS_CODE_MAX + 1], range[64];
    const char *from = NULL, *to = NULL;
    if (args_value(a, "--from", &from) < 0 || args_value(a, "--to", &to) < 0)
        return cli_usage(cmd, a->err);
    const char *setting = args_next(a), *value = NULL;
    const char *missing = NULL;
    if (from != NULL || to != NULL) {
        /* The period's dates as the server reads them: FROM..TO. */
        if (setting == NULL || strcmp(setting, "period") != 0 || from == NULL || to == NULL)
            missing = "Give both dates of the period: 'workshop set period --from 2026-07-01 "
                      "--to 2026-09-30'.";
        snprintf(range, sizeof range, "%.20s..%.20s", from != NULL ? from : "",
                 to != NULL ? to : "");
        value = range;
    } else {
        value = args_next(a);
        if (value == NULL)
            missing = "Name the setting and its value, e.g. 'workshop set observer-comments on' "
                      "or 'workshop set cadence weekly:mon'.";
    }
    int rc = cli_finish(cli, a, cmd, missing, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__WorkshopSet msg = CASCADE__V1__WORKSHOP_SET__INIT;
    msg.workshop = ws;
    msg.setting = (char *)setting;
    msg.value = (char *)value;
    WireFrame req = CLIENT_REQUEST(workshop_set, WORKSHOP_SET, &msg);
    return change_send_acked(cli, &req, change_json_texts("setting", setting, "value", value),
                             "%s is %s in %s.", setting, value, ws);
}

int cmd_workshop_manage(struct cli *cli, struct args *a, const char *sub)
{
    if (strcmp(sub, "invites") == 0)
        return list_invites(cli, a);
    if (strcmp(sub, "revoke") == 0)
        return revoke(cli, a);
    return set_setting(cli, a);
}
