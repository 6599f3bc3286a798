/* A JSON export (export.h) into a WorkshopImport, through cJSON. Members an
 * import does not take (scores, grades, versions, "resolved", "kind" aside)
 * are read past; a member of the wrong type is a problem named by its path,
 * like key_results[2].start. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "import_file.h"

struct reader {
    struct import_file *f;
    const char *list;
    size_t index;
    int failed;
};

static void problem(struct reader *r, const char *field, const char *reason)
{
    char path[96];
    if (field[0] != '\0')
        snprintf(path, sizeof path, "%s[%zu].%s", r->list, r->index, field);
    else
        snprintf(path, sizeof path, "%s[%zu]", r->list, r->index);
    import_problem_add(&r->f->problems, IMPORT_LIST_PATH, 0, path, "%s", reason);
}

/* A string member (null or absent: ""). */
static void text(struct reader *r, const cJSON *o, const char *name, char **field)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (v == NULL || cJSON_IsNull(v))
        return;
    if (!cJSON_IsString(v)) {
        problem(r, name, "Expected a string.");
        return;
    }
    if (import_file_set(field, v->valuestring, strlen(v->valuestring)) != 0)
        r->failed = 1;
}

/* A number member; returns whether it was there. */
static int number(struct reader *r, const cJSON *o, const char *name, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (v == NULL || cJSON_IsNull(v))
        return 0;
    if (!cJSON_IsNumber(v)) {
        problem(r, name, "Expected a number.");
        return 0;
    }
    *out = v->valuedouble;
    return 1;
}

static void flag(struct reader *r, const cJSON *o, const char *name, protobuf_c_boolean *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (v == NULL || cJSON_IsNull(v))
        return;
    if (!cJSON_IsBool(v)) {
        problem(r, name, "Expected true or false.");
        return;
    }
    *out = cJSON_IsTrue(v);
}

static void team(struct reader *r, const cJSON *o)
{
    Cascade__V1__Team *t = import_file_add_team(r->f);
    if (t == NULL) {
        r->failed = 1;
        return;
    }
    text(r, o, "id", &t->id);
    text(r, o, "name", &t->name);
    text(r, o, "parent", &t->parent);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "level");
    if (v == NULL || cJSON_IsNull(v))
        return;
    enum okr_level level;
    if (!cJSON_IsString(v) || okr_level_parse(v->valuestring, &level) != 0)
        problem(r, "level", "The level must be company, department, team, individual or null.");
    else
        t->level = (Cascade__V1__Level)level;
}

static Cascade__V1__Check *check(struct reader *r, const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    if (v == NULL || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsObject(v)) {
        problem(r, name, "Expected an object like {\"answer\":\"yes\",\"by\":\"alice\"}.");
        return NULL;
    }
    Cascade__V1__Check *c = malloc(sizeof *c);
    if (c == NULL) {
        r->failed = 1;
        return NULL;
    }
    cascade__v1__check__init(c);
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(v, "answer");
    if (cJSON_IsString(a) && strcmp(a->valuestring, "yes") == 0)
        c->answer = CASCADE__V1__ANSWER__YES;
    else if (cJSON_IsString(a) && strcmp(a->valuestring, "no") == 0)
        c->answer = CASCADE__V1__ANSWER__NO;
    else if (a != NULL && !cJSON_IsNull(a))
        problem(r, name, "The answer must be \"yes\", \"no\" or null.");
    const cJSON *by = cJSON_GetObjectItemCaseSensitive(v, "by");
    if (cJSON_IsString(by)) {
        if (import_file_set(&c->by, by->valuestring, strlen(by->valuestring)) != 0)
            r->failed = 1;
    } else if (by != NULL && !cJSON_IsNull(by)) {
        char field[32];
        snprintf(field, sizeof field, "%s.by", name);
        problem(r, field, "Expected a string.");
    }
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(v, "at_ms");
    if (cJSON_IsNumber(at) && at->valuedouble > 0 && at->valuedouble < 1e16) {
        c->at_ms = (int64_t)at->valuedouble;
    } else if (at != NULL && !cJSON_IsNull(at) && !cJSON_IsNumber(at)) {
        char field[32];
        snprintf(field, sizeof field, "%s.at_ms", name);
        problem(r, field, "Expected a number.");
    }
    return c;
}

static void objective(struct reader *r, const cJSON *o)
{
    Cascade__V1__Objective *ob = import_file_add_objective(r->f);
    if (ob == NULL) {
        r->failed = 1;
        return;
    }
    text(r, o, "id", &ob->id);
    text(r, o, "team", &ob->team);
    text(r, o, "title", &ob->title);
    text(r, o, "owner", &ob->owner);
    text(r, o, "aligns_to", &ob->aligns_to);
    text(r, o, "inherits", &ob->inherits);
    flag(r, o, "committed", &ob->committed);
    text(r, o, "rationale", &ob->rationale);
    text(r, o, "status", &ob->status);
    text(r, o, "close_note", &ob->close_note);
    text(r, o, "carried_from", &ob->carried_from);
    ob->necessary = check(r, o, "necessary");
    ob->sufficient = check(r, o, "sufficient");
}

static void key_result(struct reader *r, const cJSON *o)
{
    Cascade__V1__KeyResult *k = import_file_add_key_result(r->f);
    if (k == NULL) {
        r->failed = 1;
        return;
    }
    text(r, o, "id", &k->id);
    text(r, o, "objective", &k->objective);
    text(r, o, "title", &k->title);
    text(r, o, "owner", &k->owner);
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(o, "kind");
    if (cJSON_IsString(kind) && strcmp(kind->valuestring, "milestone") == 0)
        k->milestone = 1;
    else if (kind != NULL && !(cJSON_IsString(kind) && strcmp(kind->valuestring, "metric") == 0))
        problem(r, "kind", "The kind must be \"metric\" or \"milestone\".");
    number(r, o, "start", &k->start);
    number(r, o, "target", &k->target);
    if (!number(r, o, "current", &k->current))
        k->current = k->start;
    text(r, o, "unit", &k->unit);
    flag(r, o, "done", &k->done);
    k->confidence = 0.5;
    number(r, o, "confidence", &k->confidence);
    text(r, o, "status", &k->status);
    text(r, o, "blocker", &k->blocker);
    k->has_weight = number(r, o, "weight", &k->weight);
    text(r, o, "carried_from", &k->carried_from);
}

static void initiative(struct reader *r, const cJSON *o)
{
    Cascade__V1__Initiative *in = import_file_add_initiative(r->f);
    if (in == NULL) {
        r->failed = 1;
        return;
    }
    text(r, o, "id", &in->id);
    text(r, o, "key_result", &in->key_result);
    text(r, o, "title", &in->title);
    flag(r, o, "done", &in->done);
}

static void dependency(struct reader *r, const cJSON *o)
{
    Cascade__V1__Dependency *d = import_file_add_dependency(r->f);
    if (d == NULL) {
        r->failed = 1;
        return;
    }
    text(r, o, "key_result", &d->key_result);
    text(r, o, "depends_on", &d->depends_on);
}

static void comment(struct reader *r, const cJSON *o)
{
    Cascade__V1__Comment *c = import_file_add_comment(r->f);
    if (c == NULL) {
        r->failed = 1;
        return;
    }
    text(r, o, "id", &c->id);
    text(r, o, "target", &c->target);
    text(r, o, "author", &c->author);
    text(r, o, "text", &c->text);
    text(r, o, "resolved_by", &c->resolved_by);
    double t = 0;
    if (number(r, o, "time_ms", &t) && t > 0 && t < 1e16)
        c->time_ms = (int64_t)t;
    if (number(r, o, "resolved_ms", &t) && t > 0 && t < 1e16)
        c->resolved_ms = (int64_t)t;
}

static void list(struct reader *r, const cJSON *root, const char *name,
                 void (*read)(struct reader *r, const cJSON *o))
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, name);
    if (a == NULL || cJSON_IsNull(a))
        return;
    if (!cJSON_IsArray(a)) {
        import_problem_add(&r->f->problems, IMPORT_LIST_PATH, 0, name, "Expected an array.");
        return;
    }
    r->list = name;
    r->index = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (r->failed)
            return;
        if (!cJSON_IsObject(it))
            problem(r, "", "Expected an object.");
        else
            read(r, it);
        r->index++;
    }
}

int import_json_parse(struct import_file *f, const char *data, size_t len)
{
    struct reader r = {.f = f};
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (root == NULL) {
        size_t at = end != NULL && end >= data && end <= data + len ? (size_t)(end - data) : 0;
        import_problem_add(&f->problems, "", 0, "",
                           "The file is not valid JSON (at byte %zu); import takes what "
                           "'cascade export --format json' writes.", at + 1);
        return 0;
    }
    if (!cJSON_IsObject(root)) {
        import_problem_add(&f->problems, "", 0, "",
                           "The file is JSON but not an object; import takes what 'cascade "
                           "export --format json' writes.");
        cJSON_Delete(root);
        return 0;
    }
    const cJSON *format = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (format != NULL && !(cJSON_IsString(format) &&
                            strcmp(format->valuestring, EXPORT_JSON_FORMAT) == 0))
        import_problem_add(&f->problems, IMPORT_LIST_PATH, 0, "format",
                           "This is not a Cascade export (its format should be \"%s\").",
                           EXPORT_JSON_FORMAT);
    else if (version != NULL && (!cJSON_IsNumber(version) || version->valuedouble > 1))
        import_problem_add(&f->problems, IMPORT_LIST_PATH, 0, "version",
                           "The export is of a later version than this cascade reads; update "
                           "cascade.");
    else {
        list(&r, root, "teams", team);
        list(&r, root, "objectives", objective);
        list(&r, root, "key_results", key_result);
        list(&r, root, "initiatives", initiative);
        list(&r, root, "dependencies", dependency);
        list(&r, root, "comments", comment);
    }
    cJSON_Delete(root);
    return r.failed ? -1 : 0;
}
