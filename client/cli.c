/* What every command shares: reporting errors and usage mistakes the same
 * way, and connecting as the command line says. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"

void cli_error(const char *fmt, ...)
{
    char msg[10240]; /* room for a report on every server of a list */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fprintf(stderr, "cascade: %s\n", msg);
}

int cli_usage(const char *command, const char *message)
{
    fprintf(stderr, "cascade %s: %s\nRun 'cascade --help' for the commands and their options.\n",
            command, message);
    return EXIT_USAGE;
}

void cli_tried_add(struct cli_tried *t, const char *server, int status, const char *err)
{
    char said[ADDR_TEXT_MAX + 96];
    const char *why = err;
    if (status == CLIENT_UNTRUSTED) {
        cli_error("%s", err);
        snprintf(said, sizeof said, "The certificate of %s is not trusted (see above).", server);
        why = said;
    } else {
        t->reachable = 1;
    }
    snprintf(t->last, sizeof t->last, "%s", err);
    size_t used = strlen(t->why);
    snprintf(t->why + used, sizeof t->why - used, "%s%s", used > 0 ? " " : "", why);
    t->n++;
}

void cli_tried_report(const struct cli_tried *t)
{
    if (t->n == 1) {
        if (t->reachable) /* a refused certificate was said already */
            cli_error("%s", t->last);
        return;
    }
    cli_error("None of the %zu servers could be used (each was tried in turn). %s", t->n,
              t->why);
}

int cli_connect(const struct cli *cli, struct client **out)
{
    char err[2048];
    struct cli_tried tried;
    memset(&tried, 0, sizeof tried);
    for (size_t k = 0; k < cli->servers.n; k++) {
        size_t i = server_list_at(&cli->servers, cli->first, k);
        struct client_opts opts = cli->opts;
        opts.server = cli->servers.addr[i];
        int rc = client_connect(out, &opts, err, sizeof err);
        if (rc == CLIENT_OK)
            return EXIT_OK;
        cli_tried_add(&tried, cli->servers.text[i], rc, err);
    }
    cli_tried_report(&tried);
    /* Not trusting the server is exit 3, like not reaching it (CLI.md). */
    return EXIT_UNREACHABLE;
}

void cli_rotate(struct cli *cli, const struct client *c)
{
    int i = server_list_find(&cli->servers, client_server(c));
    if (i >= 0)
        cli->first = server_list_at(&cli->servers, (size_t)i, 1);
}
