#include "carry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

void carry_notes_free(struct carry_notes *notes)
{
    for (size_t i = 0; i < notes->n; i++)
        free(notes->lines[i]);
    free(notes->lines);
    notes->lines = NULL;
    notes->n = 0;
}

static int note(struct carry_notes *notes, const char *text)
{
    char **grown = realloc(notes->lines, (notes->n + 1) * sizeof *grown);
    if (grown == NULL)
        return CAS_ENOMEM;
    notes->lines = grown;
    if ((notes->lines[notes->n] = strdup(text)) == NULL)
        return CAS_ENOMEM;
    notes->n++;
    return 0;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s != NULL ? s : "");
}

static char *origin(const char *code, enum okr_kind kind, uint32_t num)
{
    char text[64];
    snprintf(text, sizeof text, "%s/%c%u", code, (char)kind, num);
    return strdup(text);
}

static int copy_teams(const struct okr_state *src, struct okr_state *dst)
{
    for (size_t i = 0; i < src->nteams; i++) {
        const struct okr_team *t = &src->teams[i];
        struct okr_team c = {.num = t->num, .parent = t->parent, .level = t->level, .version = 1};
        if ((c.name = strdup(t->name)) == NULL || okr_team_insert(dst, &c) == NULL)
            return CAS_ENOMEM;
    }
    dst->next_team = src->next_team;
    return 0;
}

static int copy_key_result(const struct okr_key_result *k, uint32_t num, uint32_t objective,
                           const struct carry_choice *choice, struct okr_state *dst)
{
    struct okr_key_result c = {
        .num = num,
        .objective = objective,
        .milestone = k->milestone,
        .target = k->target,
        .confidence = CARRY_CONFIDENCE_DEFAULT,
        .version = 1,
        .status = OKR_ON_TRACK,
        .has_weight = k->has_weight,
        .weight = k->weight,
    };
    if (k->milestone) {
        c.start = k->start;
        c.current = k->start;
    } else if (choice->keep_current) {
        c.start = k->start;
        c.current = k->current;
    } else {
        /* The new period starts where the old one got to. */
        c.start = k->current;
        c.current = k->current;
    }
    c.title = strdup(k->title);
    c.owner = dup_or_empty(k->owner);
    c.unit = dup_or_empty(k->unit);
    c.carried_from = origin(choice->source_code, OKR_KEY_RESULT, k->num);
    if (c.title == NULL || c.owner == NULL || c.unit == NULL || c.carried_from == NULL) {
        okr_key_result_clear(&c);
        return CAS_ENOMEM;
    }
    return okr_key_result_insert(dst, &c) != NULL ? 0 : CAS_ENOMEM;
}

/* The link of source objective o, remapped; a link to what stays behind is
 * dropped with a sentence. */
static int remap_links(const struct okr_state *src, const struct okr_objective *o,
                       const uint32_t *obj_map, const uint32_t *kr_map, struct okr_objective *c,
                       struct carry_notes *notes)
{
    char text[200];
    if (o->aligns_to != 0) {
        c->aligns_to = o->aligns_to < src->next_objective ? obj_map[o->aligns_to] : 0;
        if (c->aligns_to == 0) {
            snprintf(text, sizeof text,
                     "O%u's alignment to O%u was dropped: O%u was not carried.", o->num,
                     o->aligns_to, o->aligns_to);
            return note(notes, text);
        }
    }
    if (o->inherits != 0) {
        c->inherits = o->inherits < src->next_key_result ? kr_map[o->inherits] : 0;
        if (c->inherits == 0) {
            const struct okr_key_result *k = okr_key_result_find(src, o->inherits);
            if (k != NULL)
                snprintf(text, sizeof text,
                         "O%u's inherited key result K%u was dropped: its objective O%u was not "
                         "carried.",
                         o->num, o->inherits, k->objective);
            else
                snprintf(text, sizeof text,
                         "O%u's inherited key result K%u was dropped: it no longer exists.",
                         o->num, o->inherits);
            return note(notes, text);
        }
    }
    return 0;
}

int carry_state(const struct okr_state *src, const struct carry_choice *choice,
                struct okr_state *dst, struct carry_notes *notes, char *err, size_t errlen)
{
    /* Source number -> new number (0: not carried), by direct index. */
    uint32_t *obj_map = calloc((size_t)src->next_objective + 1, sizeof *obj_map);
    uint32_t *kr_map = calloc((size_t)src->next_key_result + 1, sizeof *kr_map);
    int rc = CAS_ENOMEM;
    if (obj_map == NULL || kr_map == NULL)
        goto done;
    for (size_t i = 0; i < choice->nobjectives && !choice->all; i++) {
        uint32_t num = choice->objectives[i];
        if (okr_objective_find(src, num) == NULL) {
            snprintf(err, errlen, "There is no objective O%u in workshop %s; nothing was created.",
                     num, choice->source_code);
            rc = CAS_ENOTFOUND;
            goto done;
        }
        obj_map[num] = 1; /* chosen; numbered below in the source's order */
    }
    uint32_t next_o = 1, next_k = 1;
    for (size_t i = 0; i < src->nobjectives; i++) {
        uint32_t num = src->objectives[i].num;
        if (choice->all || obj_map[num])
            obj_map[num] = next_o++;
    }
    for (size_t i = 0; i < src->nkey_results; i++) {
        const struct okr_key_result *k = &src->key_results[i];
        if (k->objective < src->next_objective && obj_map[k->objective])
            kr_map[k->num] = next_k++;
    }
    if ((rc = copy_teams(src, dst)) != 0)
        goto done;
    for (size_t i = 0; i < src->nobjectives; i++) {
        const struct okr_objective *o = &src->objectives[i];
        if (obj_map[o->num] == 0)
            continue;
        struct okr_objective c = {
            .num = obj_map[o->num],
            .team = o->team,
            .committed = o->committed,
            .version = 1,
            .status = OKR_DRAFT,
        };
        c.title = strdup(o->title);
        c.owner = dup_or_empty(o->owner);
        c.rationale = dup_or_empty(o->rationale);
        c.carried_from = origin(choice->source_code, OKR_OBJECTIVE, o->num);
        if (c.title == NULL || c.owner == NULL || c.rationale == NULL || c.carried_from == NULL ||
            (rc = remap_links(src, o, obj_map, kr_map, &c, notes)) != 0) {
            okr_objective_clear(&c);
            rc = CAS_ENOMEM;
            goto done;
        }
        if (okr_objective_insert(dst, &c) == NULL) {
            rc = CAS_ENOMEM;
            goto done;
        }
    }
    for (size_t i = 0; i < src->nkey_results; i++) {
        const struct okr_key_result *k = &src->key_results[i];
        if (kr_map[k->num] != 0 &&
            (rc = copy_key_result(k, kr_map[k->num], obj_map[k->objective], choice, dst)) != 0)
            goto done;
    }
    dst->next_objective = next_o;
    dst->next_key_result = next_k;
    dst->next_initiative = 1;
    dst->next_comment = 1;
    dst->next_idea = 1;
    rc = 0;
done:
    free(obj_map);
    free(kr_map);
    return rc;
}
