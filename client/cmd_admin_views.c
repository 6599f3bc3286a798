/* cascade admin stats | connections [--user NAME] | disconnect ID|--user NAME
 * [--reason TEXT] | workshops | workshop archive|unarchive|delete CODE
 * [--yes] | broadcast TEXT: what the server's administrator sees of the
 * running server, and says to everyone. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "clock.h"
#include "output.h"
#include "session.h"

/* "1.2 MiB": sizes as people read them. */
static void human_bytes(uint64_t n, char *out, size_t outlen)
{
    static const char *const UNITS[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)n;
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof UNITS / sizeof UNITS[0]) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, outlen, "%" PRIu64 " B", n);
    else
        snprintf(out, outlen, "%.1f %s", v, UNITS[u]);
}

/* "3d 4h", "2h 5m", "4m 10s", "12s": a span to its two largest units. */
static void human_span(uint64_t ms, char *out, size_t outlen)
{
    uint64_t s = ms / 1000;
    if (s >= 86400)
        snprintf(out, outlen, "%" PRIu64 "d %" PRIu64 "h", s / 86400, s % 86400 / 3600);
    else if (s >= 3600)
        snprintf(out, outlen, "%" PRIu64 "h %" PRIu64 "m", s / 3600, s % 3600 / 60);
    else if (s >= 60)
        snprintf(out, outlen, "%" PRIu64 "m %" PRIu64 "s", s / 60, s % 60);
    else
        snprintf(out, outlen, "%" PRIu64 "s", s);
}

/* "2026-12-01 14:30" in local time; "-" for 0. */
static void human_moment(int64_t ms, char *out, size_t outlen)
{
    if (ms <= 0) {
        snprintf(out, outlen, "-");
        return;
    }
    char date[32], time[32];
    output_date(ms, date, sizeof date);
    output_time(ms, time, sizeof time);
    snprintf(out, outlen, "%s %.5s", date, time);
}

static cJSON *rates_json(const double *v, size_t n)
{
    cJSON *o = cJSON_CreateObject();
    static const char *const KEYS[] = {"1m", "5m", "15m"};
    for (size_t i = 0; i < n && i < 3; i++)
        cJSON_AddNumberToObject(o, KEYS[i], v[i]);
    return o;
}

static void print_rates(const char *what, const double *v, size_t n)
{
    printf("%-17s", what);
    for (size_t i = 0; i < n && i < 3; i++)
        printf("%s%.1f", i ? " / " : "", v[i]);
    printf("   per second over 1 / 5 / 15 min\n");
}

/* ---- admin stats ----------------------------------------------------------------- */

static int stats(struct cli *cli, struct args *a)
{
    Cascade__V1__AdminStats m = CASCADE__V1__ADMIN_STATS__INIT;
    WireFrame req = CLIENT_REQUEST(admin_stats, ADMIN_STATS, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin stats", &req, CASCADE__V1__FRAME__BODY_ADMIN_STATS_REPLY,
                     &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__AdminStatsReply *r = reply->admin_stats_reply;
    uint64_t uptime = r->server_time_ms > r->started_ms
                          ? (uint64_t)(r->server_time_ms - r->started_ms)
                          : 0;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "version", r->server_version);
        cJSON_AddNumberToObject(o, "started_ms", (double)r->started_ms);
        cJSON_AddNumberToObject(o, "uptime_s", (double)(uptime / 1000));
        cJSON *conns = cJSON_AddObjectToObject(o, "connections");
        cJSON_AddNumberToObject(conns, "open", (double)r->connections);
        cJSON_AddNumberToObject(conns, "peak", (double)r->connections_peak);
        cJSON_AddNumberToObject(conns, "accepted", (double)r->connections_accepted);
        cJSON *totals = cJSON_AddObjectToObject(o, "totals");
        cJSON_AddNumberToObject(totals, "logins", (double)r->logins);
        cJSON_AddNumberToObject(totals, "requests", (double)r->requests);
        cJSON_AddNumberToObject(totals, "events", (double)r->events);
        cJSON_AddNumberToObject(totals, "deliveries", (double)r->deliveries);
        cJSON *per = cJSON_AddObjectToObject(o, "per_second");
        cJSON_AddItemToObject(per, "requests", rates_json(r->requests_per_s, r->n_requests_per_s));
        cJSON_AddItemToObject(per, "events", rates_json(r->events_per_s, r->n_events_per_s));
        cJSON_AddItemToObject(per, "deliveries",
                              rates_json(r->deliveries_per_s, r->n_deliveries_per_s));
        cJSON *commit = cJSON_AddObjectToObject(o, "commit_ms");
        cJSON_AddNumberToObject(commit, "p50", r->commit_p50_ms);
        cJSON_AddNumberToObject(commit, "p99", r->commit_p99_ms);
        cJSON_AddNumberToObject(commit, "sampled", (double)r->commits_sampled);
        cJSON_AddNumberToObject(o, "database_bytes", (double)r->database_bytes);
        cJSON_AddNumberToObject(o, "wal_bytes", (double)r->wal_bytes);
        cJSON_AddNumberToObject(o, "resident_bytes", (double)r->resident_bytes);
        cJSON_AddNumberToObject(o, "workshops", (double)r->workshops);
        rc = output_json(o) == 0 ? EXIT_OK : EXIT_REFUSED;
    } else {
        char up[32], started[40], db[32], wal[32], rss[32];
        human_span(uptime, up, sizeof up);
        human_moment(r->started_ms, started, sizeof started);
        human_bytes(r->database_bytes, db, sizeof db);
        human_bytes(r->wal_bytes, wal, sizeof wal);
        human_bytes(r->resident_bytes, rss, sizeof rss);
        printf("version          %s\n", r->server_version);
        printf("uptime           %s (since %s)\n", up, started);
        printf("connections      %" PRIu64 " open, %" PRIu64 " at most, %" PRIu64
               " accepted\n", r->connections, r->connections_peak, r->connections_accepted);
        printf("totals           %" PRIu64 " logins, %" PRIu64 " requests, %" PRIu64
               " events, %" PRIu64 " deliveries\n", r->logins, r->requests, r->events,
               r->deliveries);
        print_rates("requests", r->requests_per_s, r->n_requests_per_s);
        print_rates("events", r->events_per_s, r->n_events_per_s);
        print_rates("deliveries", r->deliveries_per_s, r->n_deliveries_per_s);
        if (r->commits_sampled > 0)
            printf("commit time      p50 %.2f ms, p99 %.2f ms over the last %" PRIu64
                   " commits\n", r->commit_p50_ms, r->commit_p99_ms, r->commits_sampled);
        else
            printf("commit time      no commit yet\n");
        printf("database         %s, write-ahead log %s\n", db, wal);
        printf("memory           %s resident\n", rss);
        printf("workshops        %" PRIu64 "\n", r->workshops);
    }
    wire_free(reply);
    return rc;
}

/* ---- admin connections ----------------------------------------------------------- */

static void print_connections(const Cascade__V1__AdminConnectionsReply *r, int *rc)
{
    static const char *const HEADERS[] = {"ID",   "USER",      "ADDRESS", "TLS",
                                          "SINCE", "IDLE", "WORKSHOPS", "QUEUED"};
    struct table t;
    if (table_init(&t, 8, HEADERS) != 0) {
        *rc = EXIT_REFUSED;
        return;
    }
    for (size_t i = 0; i < r->n_connections && *rc == EXIT_OK; i++) {
        const Cascade__V1__ConnectionInfo *c = r->connections[i];
        char id[32], user[64], since[40], idle[32], queued[32], follows[256] = "";
        snprintf(id, sizeof id, "%" PRIu64 "%s", c->id, c->you ? "*" : "");
        snprintf(user, sizeof user, "%s%s", c->user[0] ? c->user : "-",
                 c->user[0] == '\0' ? "" : c->admin ? " (admin)" : "");
        if (c->user[0] == '\0')
            snprintf(user, sizeof user, "- (%s)", c->state);
        human_moment(c->since_ms, since, sizeof since);
        human_span(c->idle_ms, idle, sizeof idle);
        human_bytes(c->bytes_queued, queued, sizeof queued);
        size_t used = 0;
        for (size_t w = 0; w < c->n_workshops && used + 1 < sizeof follows; w++)
            used += (size_t)snprintf(follows + used, sizeof follows - used, "%s%s",
                                     w ? "," : "", c->workshops[w]);
        const char *row[] = {id,   user, c->address, c->tls_version[0] ? c->tls_version : "-",
                             since, idle, follows[0] ? follows : "-", queued};
        if (table_add(&t, row) != 0)
            *rc = EXIT_REFUSED;
    }
    if (*rc == EXIT_OK)
        table_print(&t, stdout);
    table_free(&t);
    if (*rc == EXIT_OK && r->total > r->n_connections)
        printf("(%" PRIu64 " of %" PRIu64 " shown)\n", (uint64_t)r->n_connections, r->total);
}

static int connections(struct cli *cli, struct args *a)
{
    const char *user = NULL;
    if (args_value(a, "--user", &user) < 0)
        return cli_usage("admin connections", a->err);
    Cascade__V1__AdminConnections m = CASCADE__V1__ADMIN_CONNECTIONS__INIT;
    m.user = (char *)(user != NULL ? user : "");
    WireFrame req = CLIENT_REQUEST(admin_connections, ADMIN_CONNECTIONS, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin connections", &req,
                     CASCADE__V1__FRAME__BODY_ADMIN_CONNECTIONS_REPLY, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__AdminConnectionsReply *r = reply->admin_connections_reply;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(o, "connections");
        for (size_t i = 0; i < r->n_connections; i++) {
            const Cascade__V1__ConnectionInfo *c = r->connections[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "id", (double)c->id);
            output_json_text_or_null(e, "user", c->user);
            cJSON_AddStringToObject(e, "address", c->address);
            output_json_text_or_null(e, "tls", c->tls_version);
            cJSON_AddStringToObject(e, "state", c->state);
            cJSON_AddNumberToObject(e, "since_ms", (double)c->since_ms);
            cJSON_AddNumberToObject(e, "idle_ms", (double)c->idle_ms);
            cJSON *ws = cJSON_AddArrayToObject(e, "workshops");
            for (size_t w = 0; w < c->n_workshops; w++)
                cJSON_AddItemToArray(ws, cJSON_CreateString(c->workshops[w]));
            cJSON_AddNumberToObject(e, "bytes_queued", (double)c->bytes_queued);
            cJSON_AddBoolToObject(e, "admin", c->admin);
            cJSON_AddBoolToObject(e, "you", c->you);
            cJSON_AddItemToArray(list, e);
        }
        cJSON_AddNumberToObject(o, "total", (double)r->total);
        rc = output_json(o) == 0 ? EXIT_OK : EXIT_REFUSED;
    } else {
        print_connections(r, &rc);
    }
    if (rc != EXIT_OK)
        cli_error("Out of memory while listing the connections.");
    wire_free(reply);
    return rc;
}

int admin_print_note(const struct cli *cli, WireFrame *reply, const char *key,
                     const char *value)
{
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        if (key != NULL)
            cJSON_AddStringToObject(o, key, value);
        cJSON_AddStringToObject(o, "note", reply->ack->note);
        output_json(o);
    } else {
        printf("%s\n", reply->ack->note);
    }
    wire_free(reply);
    return EXIT_OK;
}

/* admin disconnect ID | --user NAME [--reason TEXT]. */
static int disconnect(struct cli *cli, struct args *a)
{
    const char *user = NULL, *reason = NULL;
    if (args_value(a, "--user", &user) < 0 || args_value(a, "--reason", &reason) < 0)
        return cli_usage("admin disconnect", a->err);
    const char *id_text = args_next(a);
    Cascade__V1__AdminDisconnect m = CASCADE__V1__ADMIN_DISCONNECT__INIT;
    if ((id_text != NULL) == (user != NULL))
        return cli_usage("admin disconnect", "Name one connection by its id (from 'cascade "
                                             "admin connections') or one user with --user.");
    if (id_text != NULL) {
        char *end;
        unsigned long long id = strtoull(id_text, &end, 10);
        if (id_text[0] < '0' || id_text[0] > '9' || *end != '\0' || id == 0)
            return cli_usage("admin disconnect", "A connection id is a positive number, as "
                                                 "'cascade admin connections' shows it.");
        m.id = id;
    }
    m.user = (char *)(user != NULL ? user : "");
    m.reason = (char *)(reason != NULL ? reason : "");
    WireFrame req = CLIENT_REQUEST(admin_disconnect, ADMIN_DISCONNECT, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin disconnect", &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    return rc != EXIT_OK ? rc : admin_print_note(cli, reply, NULL, NULL);
}

/* ---- admin workshops ------------------------------------------------------------- */

static int workshops(struct cli *cli, struct args *a)
{
    Cascade__V1__AdminWorkshops m = CASCADE__V1__ADMIN_WORKSHOPS__INIT;
    WireFrame req = CLIENT_REQUEST(admin_workshops, ADMIN_WORKSHOPS, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin workshops", &req,
                     CASCADE__V1__FRAME__BODY_ADMIN_WORKSHOPS_REPLY, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__AdminWorkshopsReply *r = reply->admin_workshops_reply;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(o, "workshops");
        for (size_t i = 0; i < r->n_workshops; i++) {
            const Cascade__V1__AdminWorkshopRow *w = r->workshops[i];
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "code", w->code);
            cJSON_AddStringToObject(e, "title", w->title);
            cJSON_AddStringToObject(e, "period", w->period);
            cJSON_AddNumberToObject(e, "participants", w->participants);
            cJSON_AddNumberToObject(e, "online", w->online);
            cJSON_AddNumberToObject(e, "seq", (double)w->seq);
            cJSON_AddNumberToObject(e, "last_activity_ms", (double)w->last_activity_ms);
            cJSON_AddStringToObject(e, "state", w->state);
            cJSON_AddStringToObject(e, "created_by", w->created_by);
            cJSON_AddBoolToObject(e, "in_memory", w->in_memory);
            cJSON_AddNumberToObject(e, "created_ms", (double)w->created_ms);
            if (w->archived_ms != 0) {
                cJSON_AddNumberToObject(e, "archived_ms", (double)w->archived_ms);
                cJSON_AddStringToObject(e, "archived_by", w->archived_by);
            }
            cJSON_AddItemToArray(list, e);
        }
        cJSON_AddNumberToObject(o, "total", (double)r->total);
        rc = output_json(o) == 0 ? EXIT_OK : EXIT_REFUSED;
    } else {
        static const char *const HEADERS[] = {"CODE",   "TITLE", "PERIOD",        "PEOPLE",
                                              "ONLINE", "SEQ",   "LAST ACTIVITY", "STATE"};
        struct table t;
        rc = table_init(&t, 8, HEADERS) == 0 ? EXIT_OK : EXIT_REFUSED;
        for (size_t i = 0; i < r->n_workshops && rc == EXIT_OK; i++) {
            const Cascade__V1__AdminWorkshopRow *w = r->workshops[i];
            char people[16], on[16], seq[24], last[40];
            snprintf(people, sizeof people, "%u", w->participants);
            snprintf(on, sizeof on, "%u", w->online);
            snprintf(seq, sizeof seq, "%" PRIu64, w->seq);
            human_moment(w->last_activity_ms, last, sizeof last);
            const char *row[] = {w->code, w->title, w->period[0] ? w->period : "-",
                                 people, on, seq, last, w->state};
            rc = table_add(&t, row) == 0 ? EXIT_OK : EXIT_REFUSED;
        }
        if (rc == EXIT_OK)
            table_print(&t, stdout);
        table_free(&t);
        if (rc == EXIT_OK && r->total > r->n_workshops)
            printf("(%" PRIu64 " of %" PRIu64 " shown, the most recently active)\n",
                   (uint64_t)r->n_workshops, r->total);
    }
    if (rc != EXIT_OK)
        cli_error("Out of memory while listing the workshops.");
    wire_free(reply);
    return rc;
}

/* admin workshop archive|unarchive|delete CODE [--yes]. */
static int workshop_state(struct cli *cli, struct args *a)
{
    int yes = args_flag(a, "--yes");
    const char *action = args_next(a), *code = args_next(a);
    Cascade__V1__AdminWorkshopState m = CASCADE__V1__ADMIN_WORKSHOP_STATE__INIT;
    if (action != NULL && strcmp(action, "archive") == 0)
        m.action = CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__ARCHIVE;
    else if (action != NULL && strcmp(action, "unarchive") == 0)
        m.action = CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__UNARCHIVE;
    else if (action != NULL && strcmp(action, "delete") == 0)
        m.action = CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__DELETE;
    else
        return cli_usage("admin workshop", "Use 'admin workshop archive CODE', 'admin workshop "
                                           "unarchive CODE' or 'admin workshop delete CODE "
                                           "--yes'.");
    char cmd[40];
    snprintf(cmd, sizeof cmd, "admin workshop %s", action);
    if (code == NULL)
        return cli_usage(cmd, "Name the workshop by its code ('cascade admin workshops' lists "
                              "them).");
    if (m.action == CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__DELETE && !yes)
        return cli_usage(cmd, "Deleting a workshop removes it and all of its history for good; "
                              "add --yes to confirm.");
    if (m.action != CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__DELETE && yes)
        return cli_usage(cmd, "--yes confirms a delete only.");
    m.code = (char *)code;
    m.confirm = (char *)(yes ? code : "");
    WireFrame req = CLIENT_REQUEST(admin_workshop_state, ADMIN_WORKSHOP_STATE, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, cmd, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc != EXIT_OK)
        return rc;
    if (!cli->json && reply->ack->note[0] == '\0') {
        printf("%s workshop %s%s\n",
               m.action == CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__ARCHIVE ? "Archived"
                                                                              : "Unarchived",
               code,
               m.action == CASCADE__V1__ADMIN_WORKSHOP_STATE__ACTION__ARCHIVE
                   ? ": it is out of service, its rows kept; 'admin workshop unarchive' "
                     "puts it back."
                   : ": it is in service again.");
        wire_free(reply);
        return EXIT_OK;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "workshop", code);
        cJSON_AddStringToObject(o, "action", action);
        if (reply->ack->seq != 0)
            cJSON_AddNumberToObject(o, "seq", (double)reply->ack->seq);
        output_json(o);
        wire_free(reply);
        return EXIT_OK;
    }
    return admin_print_note(cli, reply, NULL, NULL);
}

/* ---- admin broadcast ------------------------------------------------------------- */

static int broadcast(struct cli *cli, struct args *a)
{
    const char *text = args_next(a);
    if (text == NULL || text[0] == '\0')
        return cli_usage("admin broadcast", "Give the message to send, in quotes.");
    Cascade__V1__AdminBroadcast m = CASCADE__V1__ADMIN_BROADCAST__INIT;
    m.text = (char *)text;
    WireFrame req = CLIENT_REQUEST(admin_broadcast, ADMIN_BROADCAST, &m);
    WireFrame *reply;
    int rc = cli_ask(cli, a, "admin broadcast", &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    return rc != EXIT_OK ? rc : admin_print_note(cli, reply, "broadcast", text);
}

int cmd_admin_views(struct cli *cli, struct args *a, const char *area)
{
    if (strcmp(area, "stats") == 0)
        return stats(cli, a);
    if (strcmp(area, "connections") == 0)
        return connections(cli, a);
    if (strcmp(area, "disconnect") == 0)
        return disconnect(cli, a);
    if (strcmp(area, "workshops") == 0)
        return workshops(cli, a);
    if (strcmp(area, "workshop") == 0)
        return workshop_state(cli, a);
    if (strcmp(area, "broadcast") == 0)
        return broadcast(cli, a);
    return -1;
}
