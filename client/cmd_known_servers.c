/* cascade known-servers list | forget HOST:PORT: the pinned certificates. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "known_servers.h"
#include "linefile.h"
#include "output.h"
#include "session.h"

/* Prints one pin, or adds it to the JSON array ctx (NULL without --json). */
static int list_one(void *ctx, const char *server, const char *rest)
{
    cJSON *arr = ctx;
    char fp[200];
    if (sscanf(rest, "%199s", fp) != 1)
        return 0;
    if (arr == NULL) {
        printf("%s %s\n", server, fp);
        return 0;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "server", server);
    cJSON_AddStringToObject(o, "fingerprint", fp);
    cJSON_AddItemToArray(arr, o);
    return 0;
}

static int list(struct cli *cli, const char *file)
{
    cJSON *o = cli->json ? cJSON_CreateObject() : NULL;
    cJSON *arr = o != NULL ? cJSON_AddArrayToObject(o, "known_servers") : NULL;
    if (linefile_each(file, list_one, arr) != 0) {
        cli_error("Cannot read %s: %s.", file, strerror(errno));
        cJSON_Delete(o);
        return EXIT_REFUSED;
    }
    if (o != NULL)
        output_json(o);
    return EXIT_OK;
}

int cmd_known_servers(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    char file[PATH_MAX + 16];
    session_path(cli, KNOWN_SERVERS_FILE, file, sizeof file);
    if (sub != NULL && strcmp(sub, "list") == 0) {
        if (args_finish(a) != 0)
            return cli_usage("known-servers list", a->err);
        return list(cli, file);
    }
    if (sub != NULL && strcmp(sub, "forget") == 0) {
        const char *server = args_next(a);
        if (server == NULL)
            return cli_usage("known-servers forget", "Name the server as HOST:PORT.");
        if (args_finish(a) != 0)
            return cli_usage("known-servers forget", a->err);
        struct addr_spec spec;
        char err[512], norm[ADDR_TEXT_MAX];
        if (addr_parse(server, &spec, err, sizeof err) != 0)
            return cli_usage("known-servers forget", err);
        addr_spec_format(&spec, norm, sizeof norm);
        int rc = known_servers_forget(file, norm, err, sizeof err);
        if (rc != 0) {
            cli_error("%s", err);
            return EXIT_REFUSED;
        }
        if (cli->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "forgotten", norm);
            output_json(o);
        } else
            printf("Forgot the certificate pinned for %s; the next connection pins a new one.\n",
                   norm);
        return EXIT_OK;
    }
    return cli_usage("known-servers", "Use 'known-servers list' or 'known-servers forget HOST:PORT'.");
}
