#include "convert.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

/* An id text for a reference, "" for none. */
static char *ref_text(enum okr_kind kind, uint32_t num, char buf[16])
{
    if (num == 0) {
        buf[0] = '\0';
        return buf;
    }
    okr_id_format(kind, num, buf, 16);
    return buf;
}

Cascade__V1__Level convert_level_to_wire(enum okr_level level)
{
    return (Cascade__V1__Level)level; /* the numbering is shared on purpose */
}

enum okr_level convert_level_from_wire(Cascade__V1__Level level)
{
    if (level < CASCADE__V1__LEVEL__COMPANY || level > CASCADE__V1__LEVEL__INDIVIDUAL)
        return OKR_LEVEL_NONE;
    return (enum okr_level)level;
}

void convert_team_to_wire(const struct okr_team *t, Cascade__V1__Team *out,
                          struct convert_ids *ids)
{
    cascade__v1__team__init(out);
    out->id = ref_text(OKR_TEAM, t->num, ids->id);
    out->name = t->name;
    out->parent = ref_text(OKR_TEAM, t->parent, ids->ref1);
    out->level = convert_level_to_wire(t->level);
    out->version = t->version;
}

void convert_objective_to_wire(const struct okr_objective *o, Cascade__V1__Objective *out,
                               struct convert_ids *ids)
{
    cascade__v1__objective__init(out);
    out->id = ref_text(OKR_OBJECTIVE, o->num, ids->id);
    out->team = ref_text(OKR_TEAM, o->team, ids->ref1);
    out->title = o->title;
    out->owner = o->owner;
    out->aligns_to = ref_text(OKR_OBJECTIVE, o->aligns_to, ids->ref2);
    out->inherits = ref_text(OKR_KEY_RESULT, o->inherits, ids->ref3);
    out->committed = o->committed;
    out->rationale = o->rationale;
    out->status = (char *)"draft";
    out->version = o->version;
}

void convert_key_result_to_wire(const struct okr_key_result *k, Cascade__V1__KeyResult *out,
                                struct convert_ids *ids)
{
    cascade__v1__key_result__init(out);
    out->id = ref_text(OKR_KEY_RESULT, k->num, ids->id);
    out->objective = ref_text(OKR_OBJECTIVE, k->objective, ids->ref1);
    out->title = k->title;
    out->owner = k->owner;
    out->milestone = k->milestone;
    out->start = k->start;
    out->target = k->target;
    out->current = k->current;
    out->unit = k->unit;
    out->done = k->done;
    out->confidence = k->confidence;
    out->version = k->version;
}

/* Parses an optional reference: "" is 0. */
static int parse_ref(const char *text, enum okr_kind kind, uint32_t *num)
{
    *num = 0;
    if (text == NULL || text[0] == '\0')
        return 0;
    return okr_id_parse(text, kind, num);
}

static char *dup_text(const char *s)
{
    return strdup(s != NULL ? s : "");
}

int convert_team_from_wire(const Cascade__V1__Team *in, struct okr_team *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_TEAM, &out->num) != 0 || parse_ref(in->parent, OKR_TEAM, &out->parent) != 0)
        return CAS_EINVAL;
    out->level = convert_level_from_wire(in->level);
    out->version = in->version;
    out->name = dup_text(in->name);
    return out->name != NULL ? 0 : CAS_ENOMEM;
}

int convert_objective_from_wire(const Cascade__V1__Objective *in, struct okr_objective *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_OBJECTIVE, &out->num) != 0 ||
        parse_ref(in->team, OKR_TEAM, &out->team) != 0 ||
        parse_ref(in->aligns_to, OKR_OBJECTIVE, &out->aligns_to) != 0 ||
        parse_ref(in->inherits, OKR_KEY_RESULT, &out->inherits) != 0)
        return CAS_EINVAL;
    out->committed = in->committed;
    out->version = in->version;
    out->title = dup_text(in->title);
    out->owner = dup_text(in->owner);
    out->rationale = dup_text(in->rationale);
    if (out->title == NULL || out->owner == NULL || out->rationale == NULL) {
        okr_objective_clear(out);
        return CAS_ENOMEM;
    }
    return 0;
}

int convert_key_result_from_wire(const Cascade__V1__KeyResult *in, struct okr_key_result *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_KEY_RESULT, &out->num) != 0 ||
        parse_ref(in->objective, OKR_OBJECTIVE, &out->objective) != 0)
        return CAS_EINVAL;
    out->milestone = in->milestone;
    out->start = in->start;
    out->target = in->target;
    out->current = in->current;
    out->done = in->done;
    out->confidence = in->confidence;
    out->version = in->version;
    out->title = dup_text(in->title);
    out->owner = dup_text(in->owner);
    out->unit = dup_text(in->unit);
    if (out->title == NULL || out->owner == NULL || out->unit == NULL) {
        okr_key_result_clear(out);
        return CAS_ENOMEM;
    }
    return 0;
}

int convert_snapshot_to_state(const Cascade__V1__Snapshot *snap, struct okr_state *state)
{
    state->seq = snap->seq;
    for (size_t i = 0; i < snap->n_teams; i++) {
        struct okr_team t;
        int rc = convert_team_from_wire(snap->teams[i], &t);
        if (rc != 0)
            return rc;
        if (okr_team_insert(state, &t) == NULL)
            return CAS_ENOMEM;
    }
    for (size_t i = 0; i < snap->n_objectives; i++) {
        struct okr_objective o;
        int rc = convert_objective_from_wire(snap->objectives[i], &o);
        if (rc != 0)
            return rc;
        if (okr_objective_insert(state, &o) == NULL)
            return CAS_ENOMEM;
    }
    for (size_t i = 0; i < snap->n_key_results; i++) {
        struct okr_key_result k;
        int rc = convert_key_result_from_wire(snap->key_results[i], &k);
        if (rc != 0)
            return rc;
        if (okr_key_result_insert(state, &k) == NULL)
            return CAS_ENOMEM;
    }
    return 0;
}
