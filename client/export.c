#include "export.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "closing.h"
#include "ideas.h"
#include "okr_json.h"
#include "output.h"
#include "score.h"
#include "snapshot.h"
#include "team_tree.h"

/* ---- JSON --------------------------------------------------------------------------- */

/* What show --json adds that is no part of the cascade an import makes:
 * versions, the cadence's due times, the idea an entity came from, a
 * team's members (people stay with their workshop). */
static void strip(cJSON *array, int key_results)
{
    cJSON *it;
    cJSON_ArrayForEach(it, array) {
        cJSON_DeleteItemFromObjectCaseSensitive(it, "members");
        cJSON_DeleteItemFromObjectCaseSensitive(it, "version");
        cJSON_DeleteItemFromObjectCaseSensitive(it, "from_idea");
        if (key_results) {
            cJSON_DeleteItemFromObjectCaseSensitive(it, "next_due");
            cJSON_DeleteItemFromObjectCaseSensitive(it, "overdue");
        }
    }
}

int export_json(FILE *out, const Cascade__V1__Snapshot *snap, const struct okr_state *s)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return -1;
    cJSON_AddStringToObject(o, "format", EXPORT_JSON_FORMAT);
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON *head = snapshot_json_head(snap);
    cJSON *w = head != NULL ? cJSON_DetachItemFromObject(head, "workshop") : NULL;
    cJSON_Delete(head);
    if (w == NULL || !cJSON_AddItemToObject(o, "workshop", w) || okr_json_add_state(o, s) != 0) {
        cJSON_Delete(o);
        return -1;
    }
    /* Ideas and retrospective cards are the session's, not the cascade's. */
    cJSON_DeleteItemFromObjectCaseSensitive(o, "ideas");
    strip(cJSON_GetObjectItemCaseSensitive(o, "teams"), 0);
    strip(cJSON_GetObjectItemCaseSensitive(o, "objectives"), 0);
    cJSON *krs = cJSON_GetObjectItemCaseSensitive(o, "key_results");
    strip(krs, 1);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (text == NULL)
        return -1;
    int rc = fputs(text, out) < 0 || fputc('\n', out) == EOF ? -1 : 0;
    free(text);
    return rc;
}

/* ---- CSV ---------------------------------------------------------------------------- */

void export_team_path(const struct okr_state *s, uint32_t team, char *out, size_t outlen)
{
    uint32_t chain[64];
    size_t n = 0;
    const struct okr_team *t = okr_team_find(s, team);
    while (t != NULL && n < sizeof chain / sizeof chain[0]) {
        chain[n++] = t->num;
        t = t->parent && t->parent != t->num ? okr_team_find(s, t->parent) : NULL;
    }
    size_t used = 0;
    out[0] = '\0';
    while (n-- > 0) {
        int w = snprintf(out + used, outlen - used, "%s%s", used ? "/" : "",
                         okr_team_find(s, chain[n])->name);
        if (w < 0 || (size_t)w >= outlen - used)
            break;
        used += (size_t)w;
    }
}

void export_csv_field(FILE *out, const char *text)
{
    size_t len = strlen(text);
    int quote = strpbrk(text, ",\"\r\n") != NULL ||
                (len > 0 && (text[0] == ' ' || text[len - 1] == ' '));
    if (!quote) {
        fputs(text, out);
        return;
    }
    fputc('"', out);
    for (const char *p = text; *p != '\0'; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
}

static void csv_number(FILE *out, double v)
{
    fprintf(out, "%.15g", v);
}

/* One row: the team's path, the objective, the key result (any may be
 * absent, leaving its cells empty). */
static void csv_row(FILE *out, const struct okr_state *s, const char *path,
                    const struct okr_objective *o, const struct okr_key_result *k, int weights)
{
    export_csv_field(out, path);
    fputc(',', out);
    export_csv_field(out, o != NULL ? o->title : "");
    fputc(',', out);
    if (k == NULL) {
        fputs(weights ? ",,,,,,,,\r\n" : ",,,,,,,\r\n", out);
        return;
    }
    export_csv_field(out, k->title);
    fputc(',', out);
    if (k->milestone) {
        fputs(k->done ? ",done,," : ",,,", out);
    } else {
        csv_number(out, k->start);
        fputc(',', out);
        csv_number(out, k->current);
        fputc(',', out);
        csv_number(out, k->target);
        fputc(',', out);
        export_csv_field(out, k->unit != NULL ? k->unit : "");
    }
    fputc(',', out);
    export_csv_field(out, k->owner != NULL ? k->owner : "");
    fputc(',', out);
    if (weights) {
        csv_number(out, okr_key_result_weight(k));
        fputc(',', out);
    }
    fprintf(out, "%.2f,%.15g\r\n", closing_key_result_score(s, k), okr_json_round3(k->confidence));
}

int export_csv(FILE *out, const struct okr_state *s)
{
    /* A snapshot gives every key result its weight, 1 when none was set. */
    int weights = 0;
    for (size_t i = 0; i < s->nkey_results; i++)
        weights |= okr_key_result_weight(&s->key_results[i]) != 1.0;
    fputs(weights ? "team,objective,key_result,start,current,target,unit,owner,weight,score,"
                    "confidence\r\n"
                  : "team,objective,key_result,start,current,target,unit,owner,score,"
                    "confidence\r\n",
          out);
    struct team_tree tree;
    if (team_tree_build(&tree, s) != 0)
        return -1;
    char path[4096];
    for (size_t t = 0; t < tree.n; t++) {
        uint32_t team = tree.teams[t]->num;
        export_team_path(s, team, path, sizeof path);
        int any = 0;
        for (size_t i = 0; i < s->nobjectives; i++) {
            const struct okr_objective *o = &s->objectives[i];
            if (o->team != team)
                continue;
            any = 1;
            int krs = 0;
            for (size_t j = 0; j < s->nkey_results; j++)
                if (s->key_results[j].objective == o->num) {
                    csv_row(out, s, path, o, &s->key_results[j], weights);
                    krs = 1;
                }
            if (!krs)
                csv_row(out, s, path, o, NULL, weights);
        }
        if (!any)
            csv_row(out, s, path, NULL, NULL, weights);
    }
    team_tree_free(&tree);
    return ferror(out) ? -1 : 0;
}

/* ---- Markdown ----------------------------------------------------------------------- */

/* Text on one line of a table or list: line breaks become spaces, and the
 * characters Markdown would read as a table's edge or markup are escaped. */
static void md_text(FILE *out, const char *text)
{
    for (const char *p = text != NULL ? text : ""; *p != '\0'; p++) {
        if (*p == '\n' || *p == '\r')
            fputc(' ', out);
        else if (strchr("|*_`[]<>#\\", *p) != NULL)
            fprintf(out, "\\%c", *p);
        else
            fputc(*p, out);
    }
}

static void md_grade(FILE *out, double score)
{
    fprintf(out, "%.1f %s", score_rounded(score), score_colour_name(score_colour(score)));
}

static void md_key_result(FILE *out, const struct okr_state *s, const struct okr_key_result *k)
{
    fprintf(out, "| K%u ", k->num);
    md_text(out, k->title);
    fputs(" | ", out);
    if (k->milestone) {
        fputs(k->done ? "done" : "not done", out);
    } else {
        fprintf(out, "%g → %g (now %g", k->start, k->target, k->current);
        if (k->unit != NULL && k->unit[0] != '\0') {
            fputc(' ', out);
            md_text(out, k->unit);
        }
        fputc(')', out);
    }
    fputs(" | ", out);
    md_text(out, k->owner != NULL && k->owner[0] ? k->owner : "-");
    fputs(" | ", out);
    md_grade(out, closing_key_result_score(s, k));
    fprintf(out, " | %.0f%% |\n", k->confidence * 100);
}

static void md_objective(FILE *out, const struct okr_state *s, const struct okr_objective *o)
{
    fprintf(out, "#### O%u ", o->num);
    md_text(out, o->title);
    fputs("\n\n", out);
    fprintf(out, "- Owner: ");
    md_text(out, o->owner != NULL && o->owner[0] ? o->owner : "none");
    fprintf(out, "; %s; %s\n", o->committed ? "committed" : "aspirational",
            okr_status_name(o->status));
    fputs("- Score: ", out);
    md_grade(out, closing_objective_score(s, o));
    fputs(o->graded ? " (fixed at the close)\n" : "\n", out);
    if (o->aligns_to)
        fprintf(out, "- Aligns to O%u\n", o->aligns_to);
    if (o->inherits)
        fprintf(out, "- Inherits K%u\n", o->inherits);
    if (o->rationale != NULL && o->rationale[0] != '\0') {
        fputs("- Why: ", out);
        md_text(out, o->rationale);
        fputc('\n', out);
    }
    if (o->close_note != NULL && o->close_note[0] != '\0') {
        fputs("- Closing note: ", out);
        md_text(out, o->close_note);
        fputc('\n', out);
    }
    int header = 0;
    for (size_t j = 0; j < s->nkey_results; j++) {
        const struct okr_key_result *k = &s->key_results[j];
        if (k->objective != o->num)
            continue;
        if (!header)
            fputs("\n| Key result | Measure | Owner | Score | Confidence |\n"
                  "| --- | --- | --- | --- | --- |\n",
                  out);
        header = 1;
        md_key_result(out, s, k);
    }
    for (size_t j = 0; j < s->ninitiatives; j++) {
        const struct okr_initiative *in = &s->initiatives[j];
        const struct okr_key_result *k = okr_key_result_find(s, in->key_result);
        if (k == NULL || k->objective != o->num)
            continue;
        fprintf(out, "%s- [%c] I%u ", header == 1 ? "\nInitiatives:\n\n" : "", in->done ? 'x' : ' ',
                in->num);
        header = 2;
        md_text(out, in->title);
        fprintf(out, " (K%u)\n", in->key_result);
    }
    fputc('\n', out);
}

static const char *target_title(const struct okr_state *s, const struct okr_comment *c)
{
    if (c->target_kind == OKR_KEY_RESULT) {
        const struct okr_key_result *k = okr_key_result_find(s, c->target);
        return k != NULL ? k->title : "";
    }
    const struct okr_objective *o = okr_objective_find(s, c->target);
    return o != NULL ? o->title : "";
}

static void md_comment(FILE *out, const struct okr_state *s, const struct okr_comment *c)
{
    fprintf(out, "- On %c%u (", (char)c->target_kind, c->target);
    md_text(out, target_title(s, c));
    fputs("), ", out);
    md_text(out, c->author != NULL && c->author[0] ? c->author : "someone");
    fputs(": ", out);
    md_text(out, c->text);
    fputc('\n', out);
}

static void md_decisions(FILE *out, const struct okr_state *s)
{
    fputs("## Decisions\n\n", out);
    int any = 0;
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->status != OKR_FINAL)
            continue;
        fprintf(out, "%s- O%u ", any ? "" : "Agreed as final:\n\n", o->num);
        md_text(out, o->title);
        fputc('\n', out);
        any = 1;
    }
    int notes = 0;
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->close_note == NULL || o->close_note[0] == '\0')
            continue;
        fprintf(out, "%s- O%u ", notes ? "" : any ? "\nClosing notes:\n\n" : "Closing notes:\n\n",
                o->num);
        md_text(out, o->title);
        fputs(": ", out);
        md_text(out, o->close_note);
        fputc('\n', out);
        notes = 1;
    }
    any |= notes;
    int resolved = 0;
    for (size_t i = 0; i < s->ncomments; i++) {
        const struct okr_comment *c = &s->comments[i];
        if (c->resolved_by == NULL || c->resolved_by[0] == '\0')
            continue;
        fputs(resolved ? "" : any ? "\nResolved in review:\n\n" : "Resolved in review:\n\n", out);
        md_comment(out, s, c);
        resolved = 1;
    }
    any |= resolved;
    int retro = 0;
    for (int kind = OKR_RETRO_CONTINUE; kind <= OKR_RETRO_START; kind++)
        for (size_t i = 0; i < s->nideas; i++) {
            const struct okr_idea *d = &s->ideas[i];
            if (d->retro != (enum okr_retro_kind)kind || okr_idea_hidden(d) || d->merged_into)
                continue;
            fputs(retro ? "" : any ? "\nRetrospective:\n\n" : "Retrospective:\n\n", out);
            fprintf(out, "- %s: ", okr_retro_kind_name(d->retro));
            md_text(out, d->text);
            if (d->votes)
                fprintf(out, " (%u vote%s)", d->votes, d->votes == 1 ? "" : "s");
            fputc('\n', out);
            retro = 1;
        }
    any |= retro;
    if (!any)
        fputs("None recorded yet.\n", out);
}

int export_markdown(FILE *out, const Cascade__V1__Snapshot *snap, const struct okr_state *s)
{
    const Cascade__V1__WorkshopInfo *info = snap->info;
    fputs("# ", out);
    md_text(out, info != NULL && info->title[0] ? info->title : snap->workshop);
    if (info != NULL && info->period[0] != '\0') {
        fputs(" (", out);
        md_text(out, info->period);
        fputc(')', out);
    }
    fprintf(out, "\n\nWorkshop %s", snap->workshop);
    if (closing_is_closed(s)) {
        char when[64];
        closing_time_text(s->closed_ms, when, sizeof when);
        fputs(", closed by ", out);
        md_text(out, s->closed_by);
        fprintf(out, " %s: the scores are the grades fixed then.\n\n", when);
    } else {
        fputs(", open: the scores are as they stand now.\n\n", out);
    }
    fputs("## OKRs by team\n\n", out);
    struct team_tree tree;
    if (team_tree_build(&tree, s) != 0)
        return -1;
    char path[4096];
    for (size_t t = 0; t < tree.n; t++) {
        const struct okr_team *team = tree.teams[t];
        export_team_path(s, team->num, path, sizeof path);
        fprintf(out, "### T%u ", team->num);
        md_text(out, path);
        if (team->level != OKR_LEVEL_NONE)
            fprintf(out, " (%s)", okr_level_name(team->level));
        fputs("\n\n", out);
        int any = 0;
        for (size_t i = 0; i < s->nobjectives; i++)
            if (s->objectives[i].team == team->num) {
                md_objective(out, s, &s->objectives[i]);
                any = 1;
            }
        if (!any)
            fputs("No objectives.\n\n", out);
    }
    team_tree_free(&tree);
    if (s->ndependencies > 0) {
        fputs("## Dependencies\n\n", out);
        for (size_t i = 0; i < s->ndependencies; i++)
            fprintf(out, "- K%u depends on K%u\n", s->dependencies[i].key_result,
                    s->dependencies[i].depends_on);
        fputc('\n', out);
    }
    fputs("## Open comments\n\n", out);
    int open = 0;
    for (size_t i = 0; i < s->ncomments; i++) {
        const struct okr_comment *c = &s->comments[i];
        if (c->resolved_by != NULL && c->resolved_by[0] != '\0')
            continue;
        md_comment(out, s, c);
        open = 1;
    }
    fputs(open ? "\n" : "None.\n\n", out);
    md_decisions(out, s);
    return ferror(out) ? -1 : 0;
}
