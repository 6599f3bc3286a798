/* Moving data in and out.
 *   export --format json|csv|md [--out FILE] [--force]
 *       the workshop's cascade (export.h) on stdout, or into FILE, which
 *       must not exist unless --force; nothing is written when the export
 *       fails half-way.
 *   import FILE [--dry-run]
 *       a JSON export or a spreadsheet's CSV (import_file.h) into the
 *       workshop: every problem of the file is told (up to a cap) before
 *       anything is sent; the server checks it all again and applies all
 *       of it or nothing; --dry-run checks everything, the server's checks
 *       too, and changes nothing. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "errors.h"
#include "export.h"
#include "import_file.h"
#include "output.h"
#include "session.h"
#include "snapshot.h"

/* The server's frame limit unless its operator moved it (--max-frame). */
#define IMPORT_DEFAULT_MAX_FRAME (1u << 20)

/* Writes len bytes to path: a new file, or (force) one replaced. */
static int write_file(const char *path, const char *data, size_t len, int force)
{
    int fd = open(path, O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL), 0666);
    if (fd < 0 && errno == EEXIST) {
        cli_error("%s exists already; export does not overwrite a file unless --force is "
                  "given.", path);
        return EXIT_REFUSED;
    }
    size_t done = 0;
    while (fd >= 0 && done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            break;
        done += (size_t)w;
    }
    int saved = errno;
    if (fd < 0 || done < len || close(fd) != 0) {
        cli_error("Cannot write %s: %s.", path, strerror(fd < 0 || done < len ? saved : errno));
        return EXIT_REFUSED;
    }
    return EXIT_OK;
}

int cmd_export(struct cli *cli, struct args *a)
{
    const char *format = NULL, *out = NULL;
    int force = args_flag(a, "--force");
    if (args_value(a, "--format", &format) < 0 || args_value(a, "--out", &out) < 0)
        return cli_usage("export", a->err);
    if (format == NULL)
        return cli_usage("export", "Name the format: --format json, csv or md.");
    int kind = strcmp(format, "json") == 0           ? 'j'
               : strcmp(format, "csv") == 0          ? 'c'
               : strcmp(format, "md") == 0 || strcmp(format, "markdown") == 0 ? 'm'
                                                     : 0;
    if (kind == 0) {
        char msg[160];
        snprintf(msg, sizeof msg, "'%.40s' is not a format export writes; use json, csv or md.",
                 format);
        return cli_usage("export", msg);
    }
    if (out != NULL && !force && access(out, F_OK) == 0) {
        cli_error("%s exists already; export does not overwrite a file unless --force is given.",
                  out);
        return EXIT_REFUSED;
    }
    struct snapshot v;
    int rc = snapshot_open(cli, a, "export", &v);
    if (rc != EXIT_OK)
        return rc;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    int failed = mem == NULL;
    if (!failed)
        failed = (kind == 'j'   ? export_json(mem, v.snap, &v.st)
                  : kind == 'c' ? export_csv(mem, &v.st)
                                : export_markdown(mem, v.snap, &v.st)) != 0;
    if (mem != NULL && fclose(mem) != 0)
        failed = 1;
    if (failed) {
        cli_error("Out of memory while writing the export; nothing was written.");
        rc = EXIT_REFUSED;
    } else if (out == NULL) {
        fwrite(text, 1, len, stdout);
    } else if ((rc = write_file(out, text, len, force)) == EXIT_OK) {
        if (cli->json) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "workshop", v.snap->workshop);
            cJSON_AddStringToObject(o, "file", out);
            cJSON_AddStringToObject(o, "format", kind == 'j' ? "json" : kind == 'c' ? "csv" : "md");
            cJSON_AddNumberToObject(o, "bytes", (double)len);
            output_json(o);
        } else {
            printf("Wrote workshop %s to %s (%zu bytes).\n", v.snap->workshop, out, len);
        }
    }
    free(text);
    snapshot_close(&v);
    return rc;
}

/* Tells every problem, each where it lies, and that nothing was imported. */
static void print_problems(const struct import_file *f, const char *path,
                           const struct import_problems *p, int truncated)
{
    cli_error("%s has %s%zu problem%s; nothing was imported:", path, truncated ? "more than " : "",
              p->n, p->n == 1 && !truncated ? "" : "s");
    for (size_t i = 0; i < p->n; i++) {
        char line[512];
        import_file_describe(f, p->items[i].list, p->items[i].index, p->items[i].field,
                             p->items[i].reason, line, sizeof line);
        fprintf(stderr, "  %s\n", line);
    }
    if (truncated)
        fprintf(stderr, "  (only the first %d are listed)\n", IMPORT_PROBLEMS_MAX);
}

/* The server's answer: its problems, or what was (or would be) made. */
/* What a dry run would make: each team, new or the workshop's, and each
 * objective with its team and how many key results it brings. */
static void print_plan(const struct import_file *f, const struct import_index *ix,
                       const Cascade__V1__WorkshopImportReply *r)
{
    const Cascade__V1__WorkshopImport *m = f->msg;
    char path[1024];
    for (size_t i = 0; i < m->n_teams; i++) {
        import_team_path(m, ix, i, path, sizeof path);
        const char *same = NULL;
        size_t idlen = strlen(m->teams[i]->id);
        for (size_t j = 0; j < r->n_reused_teams && same == NULL; j++)
            if (strncmp(r->reused_teams[j], m->teams[i]->id, idlen) == 0 &&
                r->reused_teams[j][idlen] == '=')
                same = r->reused_teams[j] + idlen + 1;
        if (same != NULL)
            printf("  team %s: the workshop's %s\n", path, same);
        else
            printf("  team %s: new\n", path);
    }
    for (size_t i = 0; i < m->n_objectives; i++) {
        const Cascade__V1__Objective *o = m->objectives[i];
        long team = import_find(ix, OKR_TEAM, o->team);
        path[0] = '\0';
        if (team >= 0)
            import_team_path(m, ix, (size_t)team, path, sizeof path);
        size_t krs = 0;
        for (size_t k = 0; k < m->n_key_results; k++)
            krs += import_find(ix, OKR_OBJECTIVE, m->key_results[k]->objective) == (long)i;
        printf("  objective \"%s\" of %s: %zu key result%s\n", o->title, path, krs,
               krs == 1 ? "" : "s");
    }
}

static int print_reply(const struct cli *cli, const struct import_file *f,
                       const struct import_index *ix, const char *path, const char *ws,
                       const Cascade__V1__WorkshopImportReply *r)
{
    if (r->n_problems > 0) {
        struct import_problems *p = calloc(1, sizeof *p);
        if (p == NULL) {
            cli_error("Out of memory; nothing was imported.");
            return EXIT_REFUSED;
        }
        for (size_t i = 0; i < r->n_problems; i++) {
            const Cascade__V1__ImportProblem *q = r->problems[i];
            const char *list = strcmp(q->list, "teams") == 0          ? "teams"
                               : strcmp(q->list, "objectives") == 0   ? "objectives"
                               : strcmp(q->list, "key_results") == 0  ? "key_results"
                               : strcmp(q->list, "initiatives") == 0  ? "initiatives"
                               : strcmp(q->list, "dependencies") == 0 ? "dependencies"
                               : strcmp(q->list, "comments") == 0     ? "comments"
                                                                      : "";
            import_problem_add(p, list, q->index, q->field, "%s", q->reason);
        }
        print_problems(f, path, p, r->truncated || p->truncated);
        free(p);
        return EXIT_REFUSED;
    }
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "workshop", ws);
        cJSON_AddBoolToObject(o, "dry_run", r->dry_run);
        cJSON_AddNumberToObject(o, "teams_created", r->teams_created);
        cJSON_AddNumberToObject(o, "teams_reused", r->teams_reused);
        cJSON_AddNumberToObject(o, "objectives", r->objectives);
        cJSON_AddNumberToObject(o, "key_results", r->key_results);
        cJSON_AddNumberToObject(o, "initiatives", r->initiatives);
        cJSON_AddNumberToObject(o, "dependencies", r->dependencies);
        cJSON_AddNumberToObject(o, "comments", r->comments);
        cJSON_AddNumberToObject(o, "seq", (double)r->seq);
        cJSON *reused = cJSON_AddObjectToObject(o, "reused_teams");
        for (size_t i = 0; reused != NULL && i < r->n_reused_teams; i++) {
            const char *eq = strchr(r->reused_teams[i], '=');
            if (eq == NULL)
                continue;
            char id[24];
            snprintf(id, sizeof id, "%.*s", (int)(eq - r->reused_teams[i]), r->reused_teams[i]);
            cJSON_AddStringToObject(reused, id, eq + 1);
        }
        return output_json(o) == 0 ? EXIT_OK : EXIT_REFUSED;
    }
    printf("%s %u new team%s (%u reused), %u objective%s, %u key result%s, %u initiative%s, "
           "%u dependenc%s and %u comment%s into workshop %s%s\n",
           r->dry_run ? "Would import" : "Imported", r->teams_created,
           r->teams_created == 1 ? "" : "s", r->teams_reused, r->objectives,
           r->objectives == 1 ? "" : "s", r->key_results, r->key_results == 1 ? "" : "s",
           r->initiatives, r->initiatives == 1 ? "" : "s", r->dependencies,
           r->dependencies == 1 ? "y" : "ies", r->comments, r->comments == 1 ? "" : "s", ws,
           r->dry_run ? "; nothing was changed (--dry-run)." : ".");
    if (r->dry_run)
        print_plan(f, ix, r);
    return EXIT_OK;
}

int cmd_import(struct cli *cli, struct args *a)
{
    int dry_run = args_flag(a, "--dry-run");
    const char *path = args_next(a);
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "import",
                        path == NULL ? "Name the file to import: 'import FILE' (a JSON export "
                                       "or a CSV)."
                                     : NULL,
                        ws);
    if (rc != EXIT_OK)
        return rc;
    struct import_file f;
    char err[512];
    if (import_file_read(path, &f, err, sizeof err) != 0) {
        cli_error("%s Nothing was imported.", err);
        import_file_free(&f);
        return EXIT_REFUSED;
    }
    /* The texts' ceilings here: the server checks them against the limits
     * its operator chose, which may be above the defaults. */
    const struct okr_limits ceilings = {OKR_TEAM_NAME_CAP, OKR_TITLE_CAP, OKR_TEXT_CAP,
                                        OKR_UNIT_CAP, OKR_PERIOD_CAP};
    /* A CSV's refused rows are left out of the message, so the checks of
     * what was read tell the rest of its problems too; a JSON file with a
     * problem is checked no further (a member of the wrong type would be
     * told again as missing). */
    struct import_index ix = {0};
    int sound = f.problems.n == 0 && !f.problems.truncated;
    if ((sound || (f.csv && import_entity_count(f.msg) > 0)) &&
        import_check(f.msg, &ceilings, &ix, &f.problems) == CAS_ENOMEM) {
        import_index_free(&ix);
        import_file_free(&f);
        cli_error("Out of memory while checking %s; nothing was imported.", path);
        return EXIT_REFUSED;
    }
    if (f.problems.n > 0 || f.problems.truncated) {
        print_problems(&f, path, &f.problems, f.problems.truncated);
        import_index_free(&ix);
        import_file_free(&f);
        return EXIT_REFUSED;
    }
    f.msg->dry_run = dry_run;
    if (import_file_set(&f.msg->workshop, ws, strlen(ws)) != 0) {
        import_index_free(&ix);
        import_file_free(&f);
        cli_error("Out of memory; nothing was imported.");
        return EXIT_REFUSED;
    }
    WireFrame req = CLIENT_REQUEST(workshop_import, WORKSHOP_IMPORT, f.msg);
    size_t size = cascade__v1__frame__get_packed_size(&req);
    WireFrame *reply = NULL;
    rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT_REPLY, &reply);
    if (rc == EXIT_UNREACHABLE && size > IMPORT_DEFAULT_MAX_FRAME)
        cli_error("The import went as one request of %zu bytes; a server takes %u unless its "
                  "operator raised --max-frame. Split the file, or ask for a larger limit.",
                  size, IMPORT_DEFAULT_MAX_FRAME);
    if (rc == EXIT_OK)
        rc = print_reply(cli, &f, &ix, path, ws, reply->workshop_import_reply);
    wire_free(reply);
    import_index_free(&ix);
    import_file_free(&f);
    return rc;
}
