/* The rules for teams, objectives, key results and check-ins. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "ideas.h"

/* ---- Teams ---------------------------------------------------------------------- */

int apply_team_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                   struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    const Cascade__V1__TeamAdd *m = req->team_add;
    uint32_t parent;
    int rc;
    if ((rc = apply_check_text(m->name, "team name", lim->team_name, 1, 0, r)) != 0 ||
        (rc = apply_resolve_optional(s, m->parent, OKR_TEAM, &parent, r)) != 0)
        return rc;
    enum okr_level level = convert_level_from_wire(m->level);
    if (m->level != CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED && level == OKR_LEVEL_NONE)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The level must be company, department, team or individual.");
    enum okr_level parent_level = parent ? apply_team_level(s, parent) : OKR_LEVEL_NONE;
    if (level == OKR_LEVEL_NONE)
        level = parent ? (enum okr_level)(parent_level + 1) : OKR_LEVEL_COMPANY;
    if (parent && parent_level == OKR_LEVEL_INDIVIDUAL)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "T%u is an individual; an individual has no sub-teams.", parent);
    if (parent && level <= parent_level)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A %s cannot sit under T%u, a %s: a child's level must be below its parent's.",
                      okr_level_name(level), parent, okr_level_name(parent_level));

    struct okr_team t = {0};
    t.num = s->next_team;
    t.name = strdup(m->name);
    t.parent = parent;
    t.level = level;
    t.version = 1;
    struct okr_team *stored = t.name != NULL ? okr_team_insert(s, &t) : NULL;
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_team++;
    apply_take_seq(s, r, OKR_TEAM, stored->num);

    struct event_builder eb;
    eb_init(&eb, ctx, "team.add", OKR_TEAM, stored->num);
    eb_text(&eb, "name", NULL, stored->name);
    if (parent)
        eb_text(&eb, "parent", NULL, eb_id(&eb, OKR_TEAM, parent));
    eb_text(&eb, "level", NULL, okr_level_name(level));
    Cascade__V1__Team wt;
    struct convert_ids ids;
    convert_team_to_wire(stored, &wt, &ids);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.entity_case = CASCADE__V1__ACK__ENTITY_TEAM;
    ack.team = &wt;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

/* ---- Objectives ------------------------------------------------------------------ */

int apply_objective_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                        struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    const Cascade__V1__ObjectiveAdd *m = req->objective_add;
    uint32_t team, aligns_to, inherits, idea;
    int rc;
    if ((rc = apply_promote_idea(s, m->from_idea, &idea, r)) != 0)
        return rc;
    /* A promoted idea's text is the title unless another is given. */
    const char *title = idea && m->title[0] == '\0' ? okr_idea_find(s, idea)->text : m->title;
    if ((rc = apply_resolve(s, m->team, OKR_TEAM, &team, r)) != 0 ||
        (rc = apply_check_text(title, "title", lim->title, 1, 0, r)) != 0 ||
        (rc = apply_check_owner(ctx, m->owner, r)) != 0 ||
        (rc = apply_check_text(m->rationale, "rationale", lim->text, 0, 1, r)) != 0 ||
        (rc = apply_resolve_optional(s, m->aligns_to, OKR_OBJECTIVE, &aligns_to, r)) != 0 ||
        (rc = apply_resolve_optional(s, m->inherits, OKR_KEY_RESULT, &inherits, r)) != 0)
        return rc;
    if (aligns_to && inherits)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "An objective either aligns to an objective or inherits a key result, not both.");
    if (aligns_to &&
        (rc = apply_check_alignment(s, team, okr_objective_find(s, aligns_to)->team, "align to", r)) != 0)
        return rc;
    if (inherits) {
        const struct okr_key_result *k = okr_key_result_find(s, inherits);
        const struct okr_objective *parent = okr_objective_find(s, k->objective);
        if (parent != NULL && (rc = apply_check_alignment(s, team, parent->team, "inherit from", r)) != 0)
            return rc;
    }

    struct okr_objective o = {0};
    o.num = s->next_objective;
    o.team = team;
    o.from_idea = idea;
    o.title = strdup(title);
    o.owner = strdup(m->owner);
    o.rationale = strdup(m->rationale);
    o.aligns_to = aligns_to;
    o.inherits = inherits;
    o.committed = m->committed;
    o.version = 1;
    struct okr_objective *stored = NULL;
    if (o.title != NULL && o.owner != NULL && o.rationale != NULL)
        stored = okr_objective_insert(s, &o);
    else
        okr_objective_clear(&o);
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_objective++;
    if (idea && apply_promoted(s, idea, OKR_OBJECTIVE, stored->num, r) != 0)
        return apply_no_memory(r);
    apply_take_seq(s, r, OKR_OBJECTIVE, stored->num);

    struct event_builder eb;
    eb_init(&eb, ctx, "objective.add", OKR_OBJECTIVE, stored->num);
    eb_text(&eb, "team", NULL, eb_id(&eb, OKR_TEAM, team));
    eb_text(&eb, "title", NULL, stored->title);
    if (stored->owner[0])
        eb_text(&eb, "owner", NULL, stored->owner);
    if (aligns_to)
        eb_text(&eb, "aligns_to", NULL, eb_id(&eb, OKR_OBJECTIVE, aligns_to));
    if (inherits)
        eb_text(&eb, "inherits", NULL, eb_id(&eb, OKR_KEY_RESULT, inherits));
    eb_flag(&eb, "committed", NULL, &stored->committed);
    if (stored->rationale[0])
        eb_text(&eb, "rationale", NULL, stored->rationale);
    if (idea)
        eb_text(&eb, "from_idea", NULL, eb_id(&eb, OKR_IDEA, idea));
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_objective(stored, &wo, &ids, &ack);
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_objective_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    static const char *const EDITABLE[] = {"title",     "owner",     "rationale", "committed",
                                           "status",    "team",      "aligns_to", "inherits",
                                           NULL};
    const Cascade__V1__ObjectiveEdit *m = req->objective_edit;
    uint32_t num;
    char quoted[APPLY_QUOTE_MAX];
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0 ||
        (rc = apply_check_fields(m->fields, m->n_fields, EDITABLE, m->id, r)) != 0)
        return rc;
    static const Cascade__V1__Objective EMPTY = CASCADE__V1__OBJECTIVE__INIT;
    const Cascade__V1__Objective *v = m->values != NULL ? m->values : &EMPTY;
    int title = apply_names_field(m->fields, m->n_fields, "title");
    int owner = apply_names_field(m->fields, m->n_fields, "owner");
    int rationale = apply_names_field(m->fields, m->n_fields, "rationale");
    int committed = apply_names_field(m->fields, m->n_fields, "committed");
    int status = apply_names_field(m->fields, m->n_fields, "status");
    enum okr_status new_status = OKR_DRAFT;
    if (status && okr_status_parse(v->status, &new_status) != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "The status is draft, final or archived, not '%s'.",
                            apply_quote(v->status, quoted));
    if ((title && (rc = apply_check_text(v->title, "title", lim->title, 1, 0, r)) != 0) ||
        (owner && (rc = apply_check_owner(ctx, v->owner, r)) != 0) ||
        (rationale && (rc = apply_check_text(v->rationale, "rationale", lim->text, 0, 1, r)) != 0))
        return rc;

    struct okr_objective *o = okr_objective_find(s, num);
    /* Restructuring: where it sits, checked as at creation. */
    int team = apply_names_field(m->fields, m->n_fields, "team");
    int aligns = apply_names_field(m->fields, m->n_fields, "aligns_to");
    int inherits = apply_names_field(m->fields, m->n_fields, "inherits");
    uint32_t new_team = o->team, new_aligns = o->aligns_to, new_inherits = o->inherits;
    if ((team && (rc = apply_resolve(s, v->team, OKR_TEAM, &new_team, r)) != 0) ||
        (aligns && (rc = apply_resolve_optional(s, v->aligns_to, OKR_OBJECTIVE, &new_aligns, r)) != 0) ||
        (inherits &&
         (rc = apply_resolve_optional(s, v->inherits, OKR_KEY_RESULT, &new_inherits, r)) != 0))
        return rc;
    if (new_aligns && new_inherits)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "An objective either aligns to an objective or inherits a key result, "
                            "not both.");
    if ((team || aligns || inherits) &&
        (rc = apply_check_objective_place(s, num, new_team, new_aligns, new_inherits, r)) != 0)
        return rc;
    if ((rc = apply_check_conflict(o, OKR_OBJECTIVE, num, o->version, o->stamps, m->base_version,
                             m->fields, m->n_fields, req->request_id, r)) != 0)
        return rc;
    if (apply_stamp_fields(&o->stamps, m->fields, m->n_fields, o->version + 1, ctx->actor) != 0)
        return apply_no_memory(r);
    /* Keep the old values until the event is packed: it shows both sides. */
    struct okr_objective old = *o;
    struct okr_objective neu = *o;
    neu.title = neu.owner = neu.rationale = NULL;
    if ((title && (neu.title = strdup(v->title)) == NULL) ||
        (owner && (neu.owner = strdup(v->owner)) == NULL) ||
        (rationale && (neu.rationale = strdup(v->rationale)) == NULL)) {
        free(neu.title);
        free(neu.owner);
        free(neu.rationale);
        return apply_no_memory(r);
    }
    if (!title)
        neu.title = old.title;
    if (!owner)
        neu.owner = old.owner;
    if (!rationale)
        neu.rationale = old.rationale;
    if (committed)
        neu.committed = v->committed;
    if (status)
        neu.status = new_status;
    neu.team = new_team;
    neu.aligns_to = new_aligns;
    neu.inherits = new_inherits;
    neu.version++;
    *o = neu;
    apply_take_seq(s, r, OKR_OBJECTIVE, num);

    struct event_builder eb;
    eb_init(&eb, ctx, "objective.edit", OKR_OBJECTIVE, num);
    if (title)
        eb_text(&eb, "title", old.title, o->title);
    if (owner)
        eb_text(&eb, "owner", old.owner, o->owner);
    if (rationale)
        eb_text(&eb, "rationale", old.rationale, o->rationale);
    if (committed)
        eb_flag(&eb, "committed", &old.committed, &o->committed);
    if (status)
        eb_text(&eb, "status", okr_status_name(old.status), okr_status_name(o->status));
    if (team)
        eb_text(&eb, "team", eb_id(&eb, OKR_TEAM, old.team), eb_id(&eb, OKR_TEAM, o->team));
    if (aligns)
        eb_text(&eb, "aligns_to", eb_id(&eb, OKR_OBJECTIVE, old.aligns_to),
                eb_id(&eb, OKR_OBJECTIVE, o->aligns_to));
    if (inherits)
        eb_text(&eb, "inherits", eb_id(&eb, OKR_KEY_RESULT, old.inherits),
                eb_id(&eb, OKR_KEY_RESULT, o->inherits));
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_objective(o, &wo, &ids, &ack);
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    if (title)
        free(old.title);
    if (owner)
        free(old.owner);
    if (rationale)
        free(old.rationale);
    return rc;
}

/* ---- Key results ------------------------------------------------------------------ */


int apply_key_result_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    const Cascade__V1__KeyResultAdd *m = req->key_result_add;
    uint32_t objective, idea;
    int rc;
    if ((rc = apply_promote_idea(s, m->from_idea, &idea, r)) != 0)
        return rc;
    const char *title = idea && m->title[0] == '\0' ? okr_idea_find(s, idea)->text : m->title;
    if ((rc = apply_resolve(s, m->objective, OKR_OBJECTIVE, &objective, r)) != 0 ||
        (rc = apply_check_text(title, "title", lim->title, 1, 0, r)) != 0 ||
        (rc = apply_check_owner(ctx, m->owner, r)) != 0 ||
        (rc = apply_check_text(m->unit, "unit", lim->unit, 0, 0, r)) != 0 ||
        (rc = apply_check_number(m->start, "start value", r)) != 0 ||
        (rc = apply_check_number(m->target, "target value", r)) != 0)
        return rc;
    if (m->milestone && (m->start != 0 || m->target != 0 || m->unit[0] != '\0'))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A milestone is done or not done; it has no start, target or unit.");

    struct okr_key_result k = {0};
    k.num = s->next_key_result;
    k.objective = objective;
    k.from_idea = idea;
    k.title = strdup(title);
    k.owner = strdup(m->owner);
    k.unit = strdup(m->unit);
    k.milestone = m->milestone;
    k.start = m->milestone ? 0 : m->start;
    k.target = m->milestone ? 1 : m->target;
    k.current = k.start;
    k.confidence = 0.5;
    k.version = 1;
    struct okr_key_result *stored = NULL;
    if (k.title != NULL && k.owner != NULL && k.unit != NULL)
        stored = okr_key_result_insert(s, &k);
    else
        okr_key_result_clear(&k);
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_key_result++;
    if (idea && apply_promoted(s, idea, OKR_KEY_RESULT, stored->num, r) != 0)
        return apply_no_memory(r);
    apply_take_seq(s, r, OKR_KEY_RESULT, stored->num);

    struct event_builder eb;
    eb_key_result_add(&eb, ctx, stored);
    if (idea)
        eb_text(&eb, "from_idea", NULL, eb_id(&eb, OKR_IDEA, idea));
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_key_result(stored, &wk, &ids, &ack);
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_key_result_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    static const char *const EDITABLE[] = {"title",     "start",     "target", "unit",
                                           "owner",     "status",    "objective",
                                           "milestone", "weight",    NULL};
    const Cascade__V1__KeyResultEdit *m = req->key_result_edit;
    uint32_t num;
    char quoted[APPLY_QUOTE_MAX];
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_KEY_RESULT, &num, r)) != 0 ||
        (rc = apply_check_fields(m->fields, m->n_fields, EDITABLE, m->id, r)) != 0)
        return rc;
    static const Cascade__V1__KeyResult EMPTY = CASCADE__V1__KEY_RESULT__INIT;
    const Cascade__V1__KeyResult *v = m->values != NULL ? m->values : &EMPTY;
    struct okr_key_result *k = okr_key_result_find(s, num);
    int title = apply_names_field(m->fields, m->n_fields, "title");
    int owner = apply_names_field(m->fields, m->n_fields, "owner");
    int unit = apply_names_field(m->fields, m->n_fields, "unit");
    int start = apply_names_field(m->fields, m->n_fields, "start");
    int target = apply_names_field(m->fields, m->n_fields, "target");
    int status = apply_names_field(m->fields, m->n_fields, "status");
    enum okr_kr_status new_status = OKR_ON_TRACK;
    if (status && okr_kr_status_parse(v->status, &new_status) != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "The status is on-track, at-risk or off-track, not '%s'.",
                            apply_quote(v->status, quoted));
    /* A metric may become a milestone and back; history stays in the log. */
    int kind = apply_names_field(m->fields, m->n_fields, "milestone");
    int milestone = kind ? v->milestone != 0 : k->milestone;
    if (milestone && (start || target || unit))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "K%u is a milestone; it has no start, target or unit.", num);
    if (kind && !milestone && k->milestone && !(start && target))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "A metric needs a start and a target: give --from and --to with "
                            "--metric.");
    int weight = apply_names_field(m->fields, m->n_fields, "weight");
    if (weight && ((rc = apply_check_number(v->weight, "weight", r)) != 0 ||
                   v->weight < 0 || v->weight > OKR_WEIGHT_MAX))
        return rc != 0 ? rc
                       : apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                      "A weight is a number from 0 (left out of the objective's "
                                      "score) to %g.",
                                      OKR_WEIGHT_MAX);
    int move = apply_names_field(m->fields, m->n_fields, "objective");
    uint32_t dest = k->objective;
    if (move && ((rc = apply_resolve(s, v->objective, OKR_OBJECTIVE, &dest, r)) != 0 ||
                 (rc = apply_check_key_result_move(s, k, dest, r)) != 0))
        return rc;
    if ((title && (rc = apply_check_text(v->title, "title", lim->title, 1, 0, r)) != 0) ||
        (owner && (rc = apply_check_owner(ctx, v->owner, r)) != 0) ||
        (unit && (rc = apply_check_text(v->unit, "unit", lim->unit, 0, 0, r)) != 0) ||
        (start && (rc = apply_check_number(v->start, "start value", r)) != 0) ||
        (target && (rc = apply_check_number(v->target, "target value", r)) != 0))
        return rc;
    if ((rc = apply_check_conflict(k, OKR_KEY_RESULT, num, k->version, k->stamps, m->base_version,
                             m->fields, m->n_fields, req->request_id, r)) != 0)
        return rc;
    if (apply_stamp_fields(&k->stamps, m->fields, m->n_fields, k->version + 1, ctx->actor) != 0)
        return apply_no_memory(r);

    struct okr_key_result old = *k;
    char *ntitle = title ? strdup(v->title) : NULL;
    char *nowner = owner ? strdup(v->owner) : NULL;
    char *nunit = unit ? strdup(v->unit) : NULL;
    if ((title && ntitle == NULL) || (owner && nowner == NULL) || (unit && nunit == NULL)) {
        free(ntitle);
        free(nowner);
        free(nunit);
        return apply_no_memory(r);
    }
    if (title)
        k->title = ntitle;
    if (owner)
        k->owner = nowner;
    if (unit)
        k->unit = nunit;
    if (start)
        k->start = v->start;
    if (target)
        k->target = v->target;
    if (status)
        k->status = new_status;
    k->objective = dest;
    if (weight) {
        k->has_weight = 1;
        k->weight = v->weight;
    }
    if (kind && milestone != k->milestone) {
        /* Either way it starts afresh: a milestone not done, a metric at its start. */
        k->milestone = milestone;
        k->done = 0;
        if (milestone) {
            k->start = 0;
            k->target = 1;
            k->current = 0;
            if (k->unit != NULL)
                k->unit[0] = '\0';
        } else {
            k->current = k->start;
        }
    }
    k->version++;
    apply_take_seq(s, r, OKR_KEY_RESULT, num);

    struct event_builder eb;
    eb_init(&eb, ctx, "kr.edit", OKR_KEY_RESULT, num);
    if (title)
        eb_text(&eb, "title", old.title, k->title);
    if (start)
        eb_number(&eb, "start", &old.start, &k->start);
    if (target)
        eb_number(&eb, "target", &old.target, &k->target);
    if (unit)
        eb_text(&eb, "unit", old.unit, k->unit);
    if (owner)
        eb_text(&eb, "owner", old.owner, k->owner);
    if (status)
        eb_text(&eb, "status", okr_kr_status_name(old.status), okr_kr_status_name(k->status));
    if (move)
        eb_text(&eb, "objective", eb_id(&eb, OKR_OBJECTIVE, old.objective),
                eb_id(&eb, OKR_OBJECTIVE, k->objective));
    double old_weight = okr_key_result_weight(&old), new_weight = okr_key_result_weight(k);
    if (weight)
        eb_number(&eb, "weight", &old_weight, &new_weight);
    if (kind && old.milestone != k->milestone) {
        eb_flag(&eb, "milestone", &old.milestone, &k->milestone);
        eb_number(&eb, "current", &old.current, &k->current);
    }
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_key_result(k, &wk, &ids, &ack);
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    if (title)
        free(old.title);
    if (owner)
        free(old.owner);
    if (unit)
        free(old.unit);
    return rc;
}

int apply_check_in(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                   struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    const Cascade__V1__CheckIn *m = req->check_in;
    uint32_t num;
    char quoted[APPLY_QUOTE_MAX];
    int rc;
    if ((rc = apply_resolve(s, m->key_result, OKR_KEY_RESULT, &num, r)) != 0 ||
        (rc = apply_check_text(m->note, "note", lim->text, 0, 1, r)) != 0 ||
        (rc = apply_check_text(m->blocker, "blocker", lim->text, 0, 1, r)) != 0)
        return rc;
    struct okr_key_result *k = okr_key_result_find(s, num);
    if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_CURRENT) {
        if (k->milestone)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "K%u is a milestone: check it in as done or not done.", num);
        if ((rc = apply_check_number(m->current, "value", r)) != 0)
            return rc;
    } else if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_DONE) {
        if (!k->milestone)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "K%u is a metric: check in its current value.", num);
    } else if (!m->has_confidence && m->status[0] == '\0' && m->note[0] == '\0' &&
               m->blocker[0] == '\0') {
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A check-in needs a value, done or not done, a confidence, a status, a note "
                      "or a blocker.");
    }
    enum okr_kr_status new_status = k->status;
    if (m->status[0] != '\0' && okr_kr_status_parse(m->status, &new_status) != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "The status is on-track, at-risk or off-track, not '%s'.",
                            apply_quote(m->status, quoted));
    if (m->has_confidence && (!isfinite(m->confidence) || m->confidence < 0 || m->confidence > 1))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The confidence must be a number from 0 to 1.");

    /* Each check-in reports the blockers of now: none given clears the old. */
    const char *old_blocker = k->blocker != NULL ? k->blocker : "";
    int blocker_changed = strcmp(old_blocker, m->blocker) != 0;
    char *new_blocker = blocker_changed ? strdup(m->blocker) : NULL;
    if (blocker_changed && new_blocker == NULL)
        return apply_no_memory(r);
    /* A check-in moves these fields as surely as an edit does. */
    char *touched[4];
    size_t ntouched = 0;
    if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_CURRENT)
        touched[ntouched++] = "current";
    else if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_DONE)
        touched[ntouched++] = "done";
    if (m->has_confidence)
        touched[ntouched++] = "confidence";
    if (m->status[0] != '\0')
        touched[ntouched++] = "status";
    if (apply_stamp_fields(&k->stamps, touched, ntouched, k->version + 1, ctx->actor) != 0) {
        free(new_blocker);
        return apply_no_memory(r);
    }
    struct okr_key_result old = *k;
    if (blocker_changed)
        k->blocker = new_blocker;
    k->status = new_status;
    if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_CURRENT)
        k->current = m->current;
    else if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_DONE)
        k->done = m->done;
    if (m->has_confidence)
        k->confidence = m->confidence;
    k->checked_in_ms = ctx->now_ms; /* what the check-in cadence counts */
    k->version++;
    apply_take_seq(s, r, OKR_KEY_RESULT, num);

    struct event_builder eb;
    eb_init(&eb, ctx, "kr.checkin", OKR_KEY_RESULT, num);
    if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_CURRENT)
        eb_number(&eb, "current", &old.current, &k->current);
    else if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_DONE)
        eb_flag(&eb, "done", &old.done, &k->done);
    if (m->has_confidence)
        eb_number(&eb, "confidence", &old.confidence, &k->confidence);
    if (old.status != k->status)
        eb_text(&eb, "status", okr_kr_status_name(old.status), okr_kr_status_name(k->status));
    if (m->note[0])
        eb_text(&eb, "note", NULL, m->note);
    if (blocker_changed)
        eb_text(&eb, "blocker", old_blocker, k->blocker);
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    apply_ack_key_result(k, &wk, &ids, &ack);
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    if (blocker_changed)
        free(old.blocker);
    return rc;
}
