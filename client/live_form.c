#include "live_form.h"

#include <stdio.h>
#include <string.h>

#include "render.h"

void live_form_entity_text(const struct okr_state *s, enum okr_kind kind, uint32_t num,
                           const char *field, char *out, size_t outlen)
{
    const char *text = "";
    out[0] = '\0';
    if (kind == OKR_TEAM) {
        const struct okr_team *t = okr_team_find(s, num);
        text = t != NULL && strcmp(field, "name") == 0 ? t->name : "";
    } else if (kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = okr_objective_find(s, num);
        if (o == NULL)
            return;
        text = strcmp(field, "title") == 0   ? o->title
               : strcmp(field, "owner") == 0 ? o->owner
               : strcmp(field, "rationale") == 0 ? o->rationale
                                                 : "";
    } else if (kind == OKR_KEY_RESULT) {
        const struct okr_key_result *k = okr_key_result_find(s, num);
        if (k == NULL)
            return;
        if (strcmp(field, "target") == 0 || strcmp(field, "start") == 0 ||
            strcmp(field, "value") == 0) {
            double v = field[0] == 't' ? k->target : field[0] == 's' ? k->start : k->current;
            render_number(v, out, outlen);
            return;
        }
        if (strcmp(field, "confidence") == 0) {
            render_confidence(k->confidence, out, outlen);
            return;
        }
        if (strcmp(field, "done") == 0) {
            snprintf(out, outlen, "%s", k->done ? "yes" : "no");
            return;
        }
        text = strcmp(field, "title") == 0     ? k->title
               : strcmp(field, "owner") == 0   ? k->owner
               : strcmp(field, "unit") == 0    ? k->unit
               : strcmp(field, "blocker") == 0 ? k->blocker
                                               : "";
    }
    render_flat(text, out, outlen);
}

static void add_field(struct live_form *f, const struct okr_state *s, const char *name,
                      const char *empty_value, int from_entity)
{
    int i = f->nfields++;
    f->names[i] = name;
    if (from_entity)
        live_form_entity_text(s, f->ref_kind, f->ref_num, name, f->values[i], sizeof f->values[i]);
    else
        snprintf(f->values[i], sizeof f->values[i], "%s", empty_value);
    memcpy(f->initial[i], f->values[i], sizeof f->initial[i]);
}

int live_form_open(struct live_form *f, enum live_form_kind kind, const struct okr_state *s,
                   enum okr_kind ref_kind, uint32_t num)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->ref_kind = ref_kind;
    f->ref_num = num;
    const struct okr_objective *o = ref_kind == OKR_OBJECTIVE ? okr_objective_find(s, num) : NULL;
    const struct okr_key_result *k = ref_kind == OKR_KEY_RESULT ? okr_key_result_find(s, num) : NULL;
    const struct okr_team *t = ref_kind == OKR_TEAM ? okr_team_find(s, num) : NULL;
    switch (kind) {
    case LIVE_FORM_EDIT:
        if (o != NULL) {
            f->base_version = o->version;
            add_field(f, s, "title", "", 1);
            add_field(f, s, "owner", "", 1);
            add_field(f, s, "rationale", "", 1);
            return 0;
        }
        if (k == NULL)
            return -1;
        f->base_version = k->version;
        f->milestone = k->milestone;
        add_field(f, s, "title", "", 1);
        add_field(f, s, "owner", "", 1);
        if (!k->milestone) {
            add_field(f, s, "target", "", 1);
            add_field(f, s, "start", "", 1);
            add_field(f, s, "unit", "", 1);
        }
        return 0;
    case LIVE_FORM_CHECKIN:
        if (k == NULL)
            return -1;
        f->milestone = k->milestone;
        add_field(f, s, k->milestone ? "done" : "value", "", 1);
        add_field(f, s, "confidence", "", 1);
        add_field(f, s, "note", "", 0);
        add_field(f, s, "blocker", "", 1);
        return 0;
    case LIVE_FORM_ADD:
        if (t != NULL) {
            add_field(f, s, "title", "", 0);
            add_field(f, s, "owner", "", 0);
            return 0;
        }
        if (o == NULL)
            return -1;
        add_field(f, s, "title", "", 0);
        add_field(f, s, "from", "0", 0);
        add_field(f, s, "to", "100", 0);
        add_field(f, s, "unit", "", 0);
        add_field(f, s, "owner", "", 0);
        return 0;
    }
    return -1;
}

int live_form_find(const struct live_form *f, const char *name)
{
    for (int i = 0; i < f->nfields; i++)
        if (strcmp(f->names[i], name) == 0)
            return i;
    return -1;
}

int live_form_changed(const struct live_form *f, int field)
{
    return f->kind != LIVE_FORM_EDIT || strcmp(f->values[field], f->initial[field]) != 0;
}

void live_form_title(const struct live_form *f, const struct okr_state *s, char *out,
                     size_t outlen)
{
    char id[16], title[160];
    okr_id_format(f->ref_kind, f->ref_num, id, sizeof id);
    live_form_entity_text(s, f->ref_kind, f->ref_num, f->ref_kind == OKR_TEAM ? "name" : "title",
                          title, sizeof title);
    const char *what = f->kind == LIVE_FORM_EDIT      ? "Edit"
                       : f->kind == LIVE_FORM_CHECKIN ? "Check in on"
                       : f->ref_kind == OKR_TEAM      ? "New objective for"
                                                      : "New key result under";
    snprintf(out, outlen, "%s %s %s", what, id, title);
}
