/* cascade lint [--strict]: the warnings a coach would give about the
 * cascade (lint.h), checked here on the workshop's snapshot. One line per
 * warning, "RULE  ENTITY  MESSAGE" (ENTITY "-" for the workshop as a whole),
 * then the rule's fix indented on the next, and a summary: "2 warnings." or
 * "No warnings: the cascade reads well." Warnings never fail the command,
 * except with --strict (exit 1 when there is any), for scripts and CI. With
 * --json: {"warnings":[{"rule","entity","message","fix"}],"count":N}, the
 * entity null for the workshop. */
#include <cjson/cJSON.h>
#include <stdio.h>

#include "cli.h"
#include "lint.h"
#include "output.h"
#include "snapshot.h"

struct found {
    int json;
    cJSON *list; /* with --json */
    size_t count;
};

static int on_warning(void *ctx, const struct lint_warning *w)
{
    struct found *f = ctx;
    f->count++;
    if (f->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "rule", w->rule->id);
        output_json_text_or_null(o, "entity", w->entity);
        cJSON_AddStringToObject(o, "message", w->message);
        cJSON_AddStringToObject(o, "fix", w->rule->fix);
        return cJSON_AddItemToArray(f->list, o) ? 0 : -1;
    }
    printf("%s  %s  %s\n    Fix: %s\n", w->rule->id, w->entity[0] != '\0' ? w->entity : "-",
           w->message, w->rule->fix);
    return 0;
}

int cmd_lint(struct cli *cli, struct args *a)
{
    int strict = args_flag(a, "--strict");
    struct snapshot v;
    int rc = snapshot_open(cli, a, "lint", &v);
    if (rc != EXIT_OK)
        return rc;
    struct found f = {.json = cli->json, .list = NULL, .count = 0};
    cJSON *o = NULL;
    if (cli->json) {
        o = cJSON_CreateObject();
        f.list = cJSON_AddArrayToObject(o, "warnings");
    }
    if ((cli->json && f.list == NULL) || lint_run(&v.st, on_warning, &f) != 0) {
        cJSON_Delete(o);
        cli_error("Out of memory while checking the cascade.");
        rc = EXIT_REFUSED;
    } else if (cli->json) {
        cJSON_AddNumberToObject(o, "count", (double)f.count);
        output_json(o);
    } else if (f.count == 0) {
        puts("No warnings: the cascade reads well.");
    } else {
        printf("%zu warning%s.\n", f.count, f.count == 1 ? "" : "s");
    }
    if (rc == EXIT_OK && strict && f.count > 0)
        rc = EXIT_REFUSED;
    snapshot_close(&v);
    return rc;
}
