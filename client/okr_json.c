#include "okr_json.h"

#include <math.h>

#include "output.h"
#include "render.h"

static void add_id(cJSON *o, const char *name, enum okr_kind kind, uint32_t num)
{
    char id[16];
    if (num == 0) {
        cJSON_AddNullToObject(o, name);
        return;
    }
    okr_id_format(kind, num, id, sizeof id);
    cJSON_AddStringToObject(o, name, id);
}

/* Three places are plenty for a share, and spare scripts 0.33333333333333331. */
static double round3(double v)
{
    return round(v * 1000.0) / 1000.0;
}

cJSON *okr_json_team(const struct okr_team *t)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "id", OKR_TEAM, t->num);
    cJSON_AddStringToObject(o, "name", t->name);
    add_id(o, "parent", OKR_TEAM, t->parent);
    output_json_text_or_null(o, "level", okr_level_name(t->level));
    return o;
}

cJSON *okr_json_objective(const struct okr_objective *ob, double progress)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "id", OKR_OBJECTIVE, ob->num);
    add_id(o, "team", OKR_TEAM, ob->team);
    cJSON_AddStringToObject(o, "title", ob->title);
    output_json_text_or_null(o, "owner", ob->owner);
    add_id(o, "aligns_to", OKR_OBJECTIVE, ob->aligns_to);
    add_id(o, "inherits", OKR_KEY_RESULT, ob->inherits);
    cJSON_AddBoolToObject(o, "committed", ob->committed);
    cJSON_AddStringToObject(o, "rationale", ob->rationale != NULL ? ob->rationale : "");
    cJSON_AddNumberToObject(o, "progress", round3(progress));
    return o;
}

cJSON *okr_json_key_result(const struct okr_key_result *k)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "id", OKR_KEY_RESULT, k->num);
    add_id(o, "objective", OKR_OBJECTIVE, k->objective);
    cJSON_AddStringToObject(o, "title", k->title);
    output_json_text_or_null(o, "owner", k->owner);
    cJSON_AddStringToObject(o, "kind", k->milestone ? "milestone" : "metric");
    cJSON_AddNumberToObject(o, "start", k->start);
    cJSON_AddNumberToObject(o, "target", k->target);
    cJSON_AddNumberToObject(o, "current", k->current);
    cJSON_AddStringToObject(o, "unit", k->unit != NULL ? k->unit : "");
    cJSON_AddBoolToObject(o, "done", k->done);
    cJSON_AddNumberToObject(o, "progress", round3(okr_key_result_progress(k)));
    return o;
}

int okr_json_add_state(cJSON *o, const struct okr_state *s)
{
    cJSON *teams = cJSON_AddArrayToObject(o, "teams");
    cJSON *objectives = cJSON_AddArrayToObject(o, "objectives");
    cJSON *krs = cJSON_AddArrayToObject(o, "key_results");
    if (teams == NULL || objectives == NULL || krs == NULL)
        return -1;
    int ok = 1;
    for (size_t i = 0; i < s->nteams; i++)
        ok &= cJSON_AddItemToArray(teams, okr_json_team(&s->teams[i]));
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *ob = &s->objectives[i];
        ok &= cJSON_AddItemToArray(objectives,
                                   okr_json_objective(ob, render_objective_progress(s, ob->num)));
    }
    for (size_t i = 0; i < s->nkey_results; i++)
        ok &= cJSON_AddItemToArray(krs, okr_json_key_result(&s->key_results[i]));
    return ok ? 0 : -1;
}
