/* cascade ping: handshake, then time Ping/Pong round trips. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include <uv.h>

#include "cli.h"

static int one_ping(struct client *c, uint64_t nonce, double *ms, char *err, size_t errlen)
{
    Cascade__V1__Ping ping = CASCADE__V1__PING__INIT;
    ping.nonce = nonce;
    WireFrame req = CLIENT_REQUEST(ping, PING, &ping);
    WireFrame *reply;
    uint64_t start = uv_hrtime();
    int rc = client_call(c, &req, &reply, err, errlen);
    *ms = (double)(uv_hrtime() - start) / 1e6;
    if (rc != CLIENT_OK) {
        wire_free(reply);
        return rc;
    }
    if (reply->body_case != CASCADE__V1__FRAME__BODY_PONG || reply->pong->nonce != nonce) {
        snprintf(err, errlen, "The server answered Ping with something other than its Pong.");
        rc = CLIENT_UNREACHABLE;
    }
    wire_free(reply);
    return rc;
}

int cmd_ping(struct cli *cli, struct args *a)
{
    const char *count_text = NULL;
    long count = 1;
    if (args_value(a, "--count", &count_text) < 0 || args_finish(a) != 0)
        return cli_usage("ping", a->err);
    if (count_text != NULL) {
        char *end;
        count = strtol(count_text, &end, 10);
        if (*end != '\0' || count < 1 || count > 100000)
            return cli_usage("ping", "--count must be a whole number from 1 to 100000.");
    }
    struct client *c;
    int rc = cli_connect(cli, &c);
    if (rc != EXIT_OK)
        return rc;
    double min = 0, max = 0, sum = 0;
    char err[512];
    for (long i = 0; i < count; i++) {
        double ms;
        rc = one_ping(c, (uint64_t)i + 1, &ms, err, sizeof err);
        if (rc != CLIENT_OK) {
            cli_error("%s", err);
            client_close(c);
            return rc;
        }
        min = i == 0 || ms < min ? ms : min;
        max = ms > max ? ms : max;
        sum += ms;
    }
    const Cascade__V1__Welcome *w = client_welcome(c);
    double avg = sum / (double)count;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "server", client_server(c));
        cJSON_AddStringToObject(o, "server_version", w->server_version);
        cJSON_AddNumberToObject(o, "protocol", w->protocol_version);
        cJSON_AddStringToObject(o, "server_id", w->server_id);
        cJSON_AddNumberToObject(o, "server_time_ms", (double)w->server_time_ms);
        cJSON_AddStringToObject(o, "tls", client_tls_protocol(c));
        cJSON_AddStringToObject(o, "fingerprint", client_fingerprint(c));
        cJSON_AddNumberToObject(o, "count", (double)count);
        cJSON_AddNumberToObject(o, "rtt_ms", avg);
        cJSON_AddNumberToObject(o, "rtt_min_ms", min);
        cJSON_AddNumberToObject(o, "rtt_max_ms", max);
        char *text = cJSON_PrintUnformatted(o);
        puts(text);
        free(text);
        cJSON_Delete(o);
    } else if (count == 1) {
        printf("cascaded %s (protocol %u) at %s answered in %.3f ms over %s.\n",
               w->server_version, w->protocol_version, client_server(c), avg,
               client_tls_protocol(c));
    } else {
        printf("cascaded %s (protocol %u) at %s: %ld round trips over %s, "
               "min/avg/max %.3f/%.3f/%.3f ms.\n",
               w->server_version, w->protocol_version, client_server(c), count,
               client_tls_protocol(c), min, avg, max);
    }
    client_close(c);
    return EXIT_OK;
}
