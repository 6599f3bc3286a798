#include "okr_json.h"

#include <math.h>

#include "ideas.h"
#include "output.h"
#include "score.h"

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

double okr_json_round3(double v)
{
    return round(v * 1000.0) / 1000.0;
}

static void add_score(cJSON *o, double score)
{
    double v = okr_json_round3(score);
    cJSON_AddNumberToObject(o, "progress", v);
    cJSON_AddNumberToObject(o, "score", v);
}

void okr_json_add_final(cJSON *o, int graded, double score)
{
    if (!graded)
        return;
    cJSON *f = cJSON_AddObjectToObject(o, "final");
    cJSON_AddNumberToObject(f, "score", score);
    cJSON_AddStringToObject(f, "colour", score_colour_name(score_colour(score)));
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
    /* Only when there are members, so teams without any read as before. */
    if (t->nmembers > 0) {
        cJSON *m = cJSON_AddArrayToObject(o, "members");
        for (size_t i = 0; m != NULL && i < t->nmembers; i++)
            cJSON_AddItemToArray(m, cJSON_CreateString(t->members[i]));
    }
    return o;
}

static void add_check(cJSON *o, const char *name, const struct okr_check *c)
{
    cJSON *j = cJSON_AddObjectToObject(o, name);
    if (j == NULL)
        return;
    if (c->answer == OKR_ANSWER_NONE) {
        cJSON_AddNullToObject(j, "answer");
        cJSON_AddNullToObject(j, "by");
        cJSON_AddNullToObject(j, "at_ms");
        return;
    }
    cJSON_AddStringToObject(j, "answer", okr_answer_name(c->answer));
    output_json_text_or_null(j, "by", c->by);
    cJSON_AddNumberToObject(j, "at_ms", (double)c->at_ms);
}

cJSON *okr_json_objective(const struct okr_state *s, const struct okr_objective *ob)
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
    if (ob->from_idea) /* only for a promoted idea, keeping the usual shape short */
        add_id(o, "from_idea", OKR_IDEA, ob->from_idea);
    if (ob->carried_from != NULL && ob->carried_from[0]) /* only once carried */
        cJSON_AddStringToObject(o, "carried_from", ob->carried_from);
    cJSON_AddBoolToObject(o, "committed", ob->committed);
    cJSON_AddStringToObject(o, "rationale", ob->rationale != NULL ? ob->rationale : "");
    cJSON_AddStringToObject(o, "status", okr_status_name(ob->status));
    add_check(o, "necessary", &ob->necessary);
    add_check(o, "sufficient", &ob->sufficient);
    add_score(o, score_objective(s, ob));
    okr_json_add_final(o, ob->graded, ob->final_score);
    if (ob->close_note != NULL && ob->close_note[0] != '\0')
        cJSON_AddStringToObject(o, "close_note", ob->close_note);
    /* What an edit names as --base-version to conflict only over its fields. */
    cJSON_AddNumberToObject(o, "version", (double)ob->version);
    return o;
}

cJSON *okr_json_key_result(const struct okr_state *s, const struct okr_key_result *k)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "id", OKR_KEY_RESULT, k->num);
    add_id(o, "objective", OKR_OBJECTIVE, k->objective);
    if (k->from_idea)
        add_id(o, "from_idea", OKR_IDEA, k->from_idea);
    if (k->carried_from != NULL && k->carried_from[0]) /* only once carried */
        cJSON_AddStringToObject(o, "carried_from", k->carried_from);
    cJSON_AddStringToObject(o, "title", k->title);
    output_json_text_or_null(o, "owner", k->owner);
    cJSON_AddStringToObject(o, "kind", k->milestone ? "milestone" : "metric");
    if (k->has_weight && k->weight != 1.0) /* the usual shape stays short */
        cJSON_AddNumberToObject(o, "weight", k->weight);
    if (k->next_due_ms != 0) { /* only with a check-in cadence */
        cJSON_AddNumberToObject(o, "next_due", (double)k->next_due_ms);
        cJSON_AddBoolToObject(o, "overdue", k->overdue);
    }
    cJSON_AddNumberToObject(o, "start", k->start);
    cJSON_AddNumberToObject(o, "target", k->target);
    cJSON_AddNumberToObject(o, "current", k->current);
    cJSON_AddStringToObject(o, "unit", k->unit != NULL ? k->unit : "");
    cJSON_AddBoolToObject(o, "done", k->done);
    cJSON_AddNumberToObject(o, "confidence", okr_json_round3(k->confidence));
    cJSON_AddStringToObject(o, "status", okr_kr_status_name(k->status));
    output_json_text_or_null(o, "blocker", k->blocker);
    add_score(o, score_key_result(s, k));
    okr_json_add_final(o, k->graded, k->final_score);
    cJSON_AddNumberToObject(o, "version", (double)k->version);
    return o;
}

cJSON *okr_json_initiative(const struct okr_initiative *i)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "id", OKR_INITIATIVE, i->num);
    add_id(o, "key_result", OKR_KEY_RESULT, i->key_result);
    cJSON_AddStringToObject(o, "title", i->title);
    cJSON_AddBoolToObject(o, "done", i->done);
    return o;
}

cJSON *okr_json_dependency(const struct okr_dependency *d)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "key_result", OKR_KEY_RESULT, d->key_result);
    add_id(o, "depends_on", OKR_KEY_RESULT, d->depends_on);
    return o;
}

cJSON *okr_json_comment(const struct okr_comment *c)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    add_id(o, "id", OKR_COMMENT, c->num);
    add_id(o, "target", c->target_kind, c->target);
    output_json_text_or_null(o, "author", c->author);
    cJSON_AddStringToObject(o, "text", c->text != NULL ? c->text : "");
    cJSON_AddNumberToObject(o, "time_ms", (double)c->time_ms);
    int resolved = c->resolved_by != NULL && c->resolved_by[0] != '\0';
    cJSON_AddBoolToObject(o, "resolved", resolved);
    output_json_text_or_null(o, "resolved_by", resolved ? c->resolved_by : NULL);
    if (resolved)
        cJSON_AddNumberToObject(o, "resolved_ms", (double)c->resolved_ms);
    return o;
}

cJSON *okr_json_idea(const struct okr_idea *i)
{
    cJSON *o = cJSON_CreateObject();
    char id[16];
    okr_id_format(OKR_IDEA, i->num, id, sizeof id);
    cJSON_AddStringToObject(o, "id", id);
    output_json_text_or_null(o, "text", okr_idea_hidden(i) ? NULL : i->text);
    output_json_text_or_null(o, "author", i->author);
    cJSON_AddNumberToObject(o, "time_ms", (double)i->time_ms);
    cJSON_AddBoolToObject(o, "revealed", i->revealed);
    output_json_text_or_null(o, "hidden_by", i->hidden_by);
    if (i->merged_into) {
        okr_id_format(OKR_IDEA, i->merged_into, id, sizeof id);
        cJSON_AddStringToObject(o, "merged_into", id);
    } else {
        cJSON_AddNullToObject(o, "merged_into");
    }
    if (i->promoted_num) {
        okr_id_format(i->promoted_kind, i->promoted_num, id, sizeof id);
        cJSON_AddStringToObject(o, "promoted_to", id);
    } else {
        cJSON_AddNullToObject(o, "promoted_to");
    }
    /* A retrospective card says so; a brainstorm idea keeps its shape. */
    if (i->retro != OKR_RETRO_NONE) {
        cJSON_AddStringToObject(o, "retro", okr_retro_kind_name(i->retro));
        if (i->on) {
            okr_id_format(OKR_OBJECTIVE, i->on, id, sizeof id);
            cJSON_AddStringToObject(o, "on", id);
        } else {
            cJSON_AddNullToObject(o, "on");
        }
    }
    return o;
}

int okr_json_add_state(cJSON *o, const struct okr_state *s)
{
    cJSON *teams = cJSON_AddArrayToObject(o, "teams");
    cJSON *objectives = cJSON_AddArrayToObject(o, "objectives");
    cJSON *krs = cJSON_AddArrayToObject(o, "key_results");
    cJSON *inits = cJSON_AddArrayToObject(o, "initiatives");
    cJSON *deps = cJSON_AddArrayToObject(o, "dependencies");
    cJSON *comments = cJSON_AddArrayToObject(o, "comments");
    if (teams == NULL || objectives == NULL || krs == NULL || inits == NULL || deps == NULL ||
        comments == NULL)
        return -1;
    int ok = 1;
    for (size_t i = 0; i < s->nteams; i++)
        ok &= cJSON_AddItemToArray(teams, okr_json_team(&s->teams[i]));
    for (size_t i = 0; i < s->nobjectives; i++)
        ok &= cJSON_AddItemToArray(objectives, okr_json_objective(s, &s->objectives[i]));
    for (size_t i = 0; i < s->nkey_results; i++)
        ok &= cJSON_AddItemToArray(krs, okr_json_key_result(s, &s->key_results[i]));
    for (size_t i = 0; i < s->ninitiatives; i++)
        ok &= cJSON_AddItemToArray(inits, okr_json_initiative(&s->initiatives[i]));
    for (size_t i = 0; i < s->ndependencies; i++)
        ok &= cJSON_AddItemToArray(deps, okr_json_dependency(&s->dependencies[i]));
    for (size_t i = 0; i < s->ncomments; i++)
        ok &= cJSON_AddItemToArray(comments, okr_json_comment(&s->comments[i]));
    cJSON *ideas = cJSON_AddArrayToObject(o, "ideas");
    for (size_t i = 0; ideas != NULL && i < s->nideas; i++)
        ok &= cJSON_AddItemToArray(ideas, okr_json_idea(&s->ideas[i]));
    return ok && ideas != NULL ? 0 : -1;
}
