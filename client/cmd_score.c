/* cascade score: the OKR grades of the cascade, computed here from the
 * workshop's snapshot with score.h (the same pure functions the server and
 * every view use, so they never disagree). Teams in tree order, each with
 * its objectives and their key results:
 *
 *   Q3 planning (2026-Q3) · code K7QF2M · seq 12
 *   0.53 orange  T1 Acme [company]
 *   0.53 orange    O1 Grow revenue · aspirational
 *   0.70 green       K1 Raise ARR · from O3
 *   0.35 red         K2 Open the Berlin office
 *
 * A team's score is the mean of its objectives' that are not archived; an
 * objective's the mean of its key results' (committed ones all or nothing);
 * a key result inherited by a lower objective takes that objective's score
 * ("from O3": the objectives score_rolls_up names, so not one archived or
 * still without key results). The colour is red, orange or green, shown in colour (orange
 * as yellow) only on a terminal without NO_COLOR. With --json:
 * {"workshop":{...},"teams":[{"id","name","score","colour","objectives":
 * [{"id","title","committed","archived","score","colour","key_results":
 * [{"id","title","score","colour"(,"inherited_by":["O3"])}]}]}]}, scores
 * rounded to 3 places. Once the workshop is closed, objectives and key
 * results show the grades fixed at the close (one decimal), under a line
 * saying who closed it when; with --json they carry "final":{"score",
 * "colour"} beside their "score", and the workshop "closed":{"by","at_ms"}. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "closing.h"
#include "okr.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "score.h"
#include "snapshot.h"
#include "team_tree.h"

static void add_score(cJSON *o, double score)
{
    cJSON_AddNumberToObject(o, "score", okr_json_round3(score));
    cJSON_AddStringToObject(o, "colour", score_colour_name(score_colour(score)));
}

/* {"id","title"}: how each entity's object starts. */
static cJSON *entity_json(enum okr_kind kind, uint32_t num, const char *title)
{
    char id[16];
    cJSON *o = cJSON_CreateObject();
    okr_id_format(kind, num, id, sizeof id);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "title", title);
    return o;
}

static cJSON *key_result_json(const struct okr_state *s, const struct okr_key_result *k)
{
    char id[16];
    cJSON *o = entity_json(OKR_KEY_RESULT, k->num, k->title);
    add_score(o, score_key_result(s, k));
    okr_json_add_final(o, k->graded, k->final_score);
    cJSON *by = NULL;
    for (size_t i = 0; i < s->nobjectives; i++) {
        if (!score_rolls_up(s, &s->objectives[i], k))
            continue;
        if (by == NULL)
            by = cJSON_AddArrayToObject(o, "inherited_by");
        okr_id_format(OKR_OBJECTIVE, s->objectives[i].num, id, sizeof id);
        cJSON_AddItemToArray(by, cJSON_CreateString(id));
    }
    return o;
}

static cJSON *objective_json(const struct okr_state *s, const struct okr_objective *ob)
{
    cJSON *o = entity_json(OKR_OBJECTIVE, ob->num, ob->title);
    cJSON_AddBoolToObject(o, "committed", ob->committed);
    cJSON_AddBoolToObject(o, "archived", ob->status == OKR_ARCHIVED);
    add_score(o, score_objective(s, ob));
    okr_json_add_final(o, ob->graded, ob->final_score);
    cJSON *krs = cJSON_AddArrayToObject(o, "key_results");
    for (size_t i = 0; i < s->nkey_results; i++)
        if (s->key_results[i].objective == ob->num)
            cJSON_AddItemToArray(krs, key_result_json(s, &s->key_results[i]));
    return o;
}

static int print_json(const Cascade__V1__Snapshot *snap, const struct okr_state *s,
                      const struct team_tree *t)
{
    char id[16];
    cJSON *o = snapshot_json_head(snap);
    cJSON *teams = cJSON_AddArrayToObject(o, "teams");
    for (size_t i = 0; teams != NULL && i < t->n; i++) {
        const struct okr_team *team = t->teams[i];
        cJSON *j = cJSON_CreateObject();
        cJSON_AddItemToArray(teams, j);
        okr_id_format(OKR_TEAM, team->num, id, sizeof id);
        cJSON_AddStringToObject(j, "id", id);
        cJSON_AddStringToObject(j, "name", team->name);
        add_score(j, score_team(s, team));
        cJSON *objectives = cJSON_AddArrayToObject(j, "objectives");
        for (size_t k = 0; k < s->nobjectives; k++)
            if (s->objectives[k].team == team->num)
                cJSON_AddItemToArray(objectives, objective_json(s, &s->objectives[k]));
    }
    /* cJSON drops what it could not allocate; print nothing rather than a part. */
    if (teams == NULL || cJSON_GetArraySize(teams) != (int)t->n) {
        cJSON_Delete(o);
        return -1;
    }
    return output_json(o);
}

/* "0.53 orange  " (coloured on a terminal; "0.5 orange" for a grade fixed at
 * the close), two spaces per level, then the entity's id and title (or name). */
static void print_grade(double score, int fixed, int depth, int color, enum okr_kind kind,
                        uint32_t num, const char *title)
{
    char grade[32], id[16];
    snprintf(grade, sizeof grade, fixed ? "%.1f %s" : "%.2f %s", score,
             score_colour_name(score_colour(score)));
    if (color)
        printf("%s%-11s%s  ", render_grade_color(score), grade, RENDER_RESET);
    else
        printf("%-11s  ", grade);
    for (int i = 0; i < depth; i++)
        fputs("  ", stdout);
    okr_id_format(kind, num, id, sizeof id);
    printf("%s %s", id, title);
}

static void print_text(const Cascade__V1__Snapshot *snap, const struct okr_state *s,
                       const struct team_tree *t, int color)
{
    const Cascade__V1__WorkshopInfo *info = snap->info;
    struct render_header h = {
        .code = snap->workshop,
        .title = info != NULL && info->title[0] ? info->title : snap->workshop,
        .period = info != NULL ? info->period : "",
        .seq = snap->seq,
    };
    render_heading(stdout, &h, 0);
    render_closed(stdout, s);
    if (t->n == 0) {
        puts("No teams yet, so nothing to score; add the first with 'cascade team add NAME'.");
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        const struct okr_team *team = t->teams[i];
        int depth = t->depth[i];
        print_grade(score_team(s, team), 0, depth, color, OKR_TEAM, team->num, team->name);
        if (team->level != OKR_LEVEL_NONE)
            printf(" [%s]", okr_level_name(team->level));
        putchar('\n');
        for (size_t j = 0; j < s->nobjectives; j++) {
            const struct okr_objective *o = &s->objectives[j];
            if (o->team != team->num)
                continue;
            print_grade(closing_objective_score(s, o), o->graded, depth + 1, color, OKR_OBJECTIVE,
                        o->num, o->title);
            printf(" · %s%s\n", o->committed ? "committed" : "aspirational",
                   o->status == OKR_ARCHIVED ? " · archived, not counted" : "");
            for (size_t k = 0; k < s->nkey_results; k++) {
                const struct okr_key_result *kr = &s->key_results[k];
                if (kr->objective != o->num)
                    continue;
                print_grade(closing_key_result_score(s, kr), kr->graded, depth + 2, color,
                            OKR_KEY_RESULT, kr->num, kr->title);
                const char *sep = " · from ";
                char id[16];
                for (size_t m = 0; m < s->nobjectives; m++) {
                    if (!score_rolls_up(s, &s->objectives[m], kr))
                        continue;
                    okr_id_format(OKR_OBJECTIVE, s->objectives[m].num, id, sizeof id);
                    printf("%s%s", sep, id);
                    sep = ", ";
                }
                putchar('\n');
            }
        }
    }
}

int cmd_score(struct cli *cli, struct args *a)
{
    struct snapshot v;
    int rc = snapshot_open(cli, a, "score", &v);
    if (rc != EXIT_OK)
        return rc;
    struct team_tree t;
    if (team_tree_build(&t, &v.st) != 0) {
        cli_error("Out of memory while scoring the cascade.");
        rc = EXIT_REFUSED;
    } else if (cli->json) {
        if (print_json(v.snap, &v.st, &t) != 0) {
            cli_error("Out of memory while printing the scores.");
            rc = EXIT_REFUSED;
        }
    } else {
        print_text(v.snap, &v.st, &t, output_color());
    }
    team_tree_free(&t);
    snapshot_close(&v);
    return rc;
}
