/* What every command shares: reporting errors and usage mistakes the same
 * way, and connecting as the command line says. */
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "errors.h"

void cli_error(const char *fmt, ...)
{
    char msg[2048];
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

int cli_connect(const struct cli *cli, struct client **out)
{
    char err[2048];
    int rc = client_connect(out, &cli->opts, err, sizeof err);
    if (rc != CLIENT_OK)
        cli_error("%s", err);
    /* Not trusting the server is exit 3, like not reaching it (CLI.md). */
    return rc == CLIENT_UNTRUSTED ? EXIT_UNREACHABLE : rc;
}
