#include "apply.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert.h"
#include "errors.h"
#include "stamps.h"

/* ---- Describing a change as an event ------------------------------------ */

#define EVENT_MAX_FIELDS 16

/* Builds an Event on the stack: fields point into the builder's own
 * storage or into strings that outlive the packing. */
struct event_builder {
    Cascade__V1__Event ev;
    Cascade__V1__FieldChange fields[EVENT_MAX_FIELDS];
    Cascade__V1__FieldChange *field_ptrs[EVENT_MAX_FIELDS];
    Cascade__V1__Value values[2 * EVENT_MAX_FIELDS];
    char ids[2 * EVENT_MAX_FIELDS][16];
    size_t nvalues, nids;
    char entity[16];
};

static void eb_init(struct event_builder *eb, const struct apply_ctx *ctx, const char *type,
                    enum okr_kind kind, uint32_t num)
{
    memset(eb, 0, sizeof *eb);
    cascade__v1__event__init(&eb->ev);
    eb->ev.workshop = (char *)ctx->workshop;
    eb->ev.actor = (char *)ctx->actor;
    eb->ev.time_ms = ctx->now_ms;
    eb->ev.type = (char *)type;
    okr_id_format(kind, num, eb->entity, sizeof eb->entity);
    eb->ev.entity = eb->entity;
    eb->ev.changes = eb->field_ptrs;
}

static Cascade__V1__Value *eb_value(struct event_builder *eb)
{
    Cascade__V1__Value *v = &eb->values[eb->nvalues++];
    cascade__v1__value__init(v);
    return v;
}

static Cascade__V1__FieldChange *eb_field(struct event_builder *eb, const char *name)
{
    size_t i = eb->ev.n_changes++;
    Cascade__V1__FieldChange *f = &eb->fields[i];
    cascade__v1__field_change__init(f);
    f->field = (char *)name;
    eb->field_ptrs[i] = f;
    return f;
}

/* A text field; NULL for a side that is absent (before an add, after a remove). */
static void eb_text(struct event_builder *eb, const char *name, const char *old, const char *new)
{
    Cascade__V1__FieldChange *f = eb_field(eb, name);
    if (old != NULL) {
        f->old_value = eb_value(eb);
        f->old_value->kind_case = CASCADE__V1__VALUE__KIND_TEXT;
        f->old_value->text = (char *)old;
    }
    if (new != NULL) {
        f->new_value = eb_value(eb);
        f->new_value->kind_case = CASCADE__V1__VALUE__KIND_TEXT;
        f->new_value->text = (char *)new;
    }
}

static void eb_number(struct event_builder *eb, const char *name, const double *old,
                      const double *new)
{
    Cascade__V1__FieldChange *f = eb_field(eb, name);
    if (old != NULL) {
        f->old_value = eb_value(eb);
        f->old_value->kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
        f->old_value->number = *old;
    }
    if (new != NULL) {
        f->new_value = eb_value(eb);
        f->new_value->kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
        f->new_value->number = *new;
    }
}

static void eb_flag(struct event_builder *eb, const char *name, const int *old, const int *new)
{
    Cascade__V1__FieldChange *f = eb_field(eb, name);
    if (old != NULL) {
        f->old_value = eb_value(eb);
        f->old_value->kind_case = CASCADE__V1__VALUE__KIND_FLAG;
        f->old_value->flag = *old != 0;
    }
    if (new != NULL) {
        f->new_value = eb_value(eb);
        f->new_value->kind_case = CASCADE__V1__VALUE__KIND_FLAG;
        f->new_value->flag = *new != 0;
    }
}

/* An id text kept in the builder, or NULL for 0 (no reference). */
static const char *eb_id(struct event_builder *eb, enum okr_kind kind, uint32_t num)
{
    if (num == 0)
        return NULL;
    char *buf = eb->ids[eb->nids++];
    okr_id_format(kind, num, buf, 16);
    return buf;
}

/* ---- Results ------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int refuse(struct apply_result *r, Cascade__V1__ErrorCode code, const char *fmt, ...)
{
    r->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof r->message, fmt, ap);
    va_end(ap);
    switch (code) {
    case CASCADE__V1__ERROR_CODE__NOT_FOUND: return CAS_ENOTFOUND;
    case CASCADE__V1__ERROR_CODE__INTERNAL: return CAS_ENOMEM;
    default: return CAS_EINVAL;
    }
}

/* Packs the event and the ack; on success the change is complete. */
static int finish(struct okr_state *state, struct event_builder *eb, uint64_t request_id,
                  Cascade__V1__Ack *ack, struct apply_result *r)
{
    eb->ev.seq = r->seq;
    r->type = eb->ev.type;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_EVENT;
    ef.event = &eb->ev;
    ack->seq = r->seq;
    ack->id = eb->entity;
    WireFrame af = CASCADE__V1__FRAME__INIT;
    af.request_id = request_id;
    af.body_case = CASCADE__V1__FRAME__BODY_ACK;
    af.ack = ack;
    if (wire_pack(&ef, SIZE_MAX, &r->event) != 0 || wire_pack(&af, SIZE_MAX, &r->ack) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    (void)state;
    return 0;
}

/* Hands out the next seq; called only once the change is certain. */
static void take_seq(struct okr_state *state, struct apply_result *r, enum okr_kind kind,
                     uint32_t num)
{
    r->seq = ++state->seq;
    r->kind = kind;
    r->num = num;
}

/* ---- Validation helpers ----------------------------------------------------- */

static const char *kind_name(enum okr_kind kind)
{
    switch (kind) {
    case OKR_TEAM: return "team";
    case OKR_OBJECTIVE: return "objective";
    case OKR_KEY_RESULT: return "key result";
    case OKR_INITIATIVE: return "initiative";
    case OKR_COMMENT: return "comment";
    }
    return "entity";
}

static int exists(const struct okr_state *s, enum okr_kind kind, uint32_t num)
{
    switch (kind) {
    case OKR_TEAM: return okr_team_find(s, num) != NULL;
    case OKR_OBJECTIVE: return okr_objective_find(s, num) != NULL;
    case OKR_KEY_RESULT: return okr_key_result_find(s, num) != NULL;
    case OKR_INITIATIVE: return okr_initiative_find(s, num) != NULL;
    case OKR_COMMENT: return okr_comment_find(s, num) != NULL;
    }
    return 0;
}

/* Resolves a reference to an existing entity of the given kind. */
static int resolve(const struct okr_state *s, const char *text, enum okr_kind kind,
                   uint32_t *num, struct apply_result *r)
{
    if (text == NULL || text[0] == '\0')
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "Name a %s, like %c1.",
                      kind_name(kind), (char)kind);
    if (okr_id_parse(text, kind, num) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "'%.40s' is not a %s id; %s ids look like %c3.", text, kind_name(kind),
                      kind_name(kind), (char)kind);
    if (!exists(s, kind, *num))
        return refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND, "There is no %s %c%u in this workshop.",
                      kind_name(kind), (char)kind, *num);
    return 0;
}

/* Like resolve, but "" means none (0). */
static int resolve_optional(const struct okr_state *s, const char *text, enum okr_kind kind,
                            uint32_t *num, struct apply_result *r)
{
    *num = 0;
    if (text == NULL || text[0] == '\0')
        return 0;
    return resolve(s, text, kind, num, r);
}

static int check_text(const char *text, const char *what, size_t max, int required, int multiline,
                      struct apply_result *r)
{
    char err[256];
    if (okr_text_check(text, what, max, required, multiline, err, sizeof err) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "%s", err);
    return 0;
}

static int check_owner(const struct apply_ctx *ctx, const char *owner, struct apply_result *r)
{
    if (owner[0] == '\0')
        return 0;
    int rc = check_text(owner, "owner", OKR_NAME_MAX, 0, 0, r);
    if (rc != 0)
        return rc;
    if (!ctx->user_exists(ctx->user_ctx, owner))
        return refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                      "There is no user named '%s'; an owner must have an account.", owner);
    return 0;
}

static int check_number(double v, const char *what, struct apply_result *r)
{
    if (!isfinite(v))
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The %s must be a finite number.", what);
    return 0;
}

/* The fields an edit names; each must be one of `allowed`. */
static int check_fields(char **fields, size_t n, const char *const *allowed, const char *entity,
                        struct apply_result *r)
{
    if (n == 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The edit of %s names no field to change.", entity);
    for (size_t i = 0; i < n; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a != NULL; a++)
            ok |= strcmp(fields[i], *a) == 0;
        if (!ok)
            return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "The field '%.40s' of %s cannot be edited.", fields[i], entity);
    }
    return 0;
}

static int names_field(char **fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i], name) == 0)
            return 1;
    return 0;
}

static enum okr_level team_level(const struct okr_state *s, uint32_t team)
{
    const struct okr_team *t = okr_team_find(s, team);
    return t != NULL ? t->level : OKR_LEVEL_NONE;
}

/* ---- Concurrent edits ----------------------------------------------------------------- */

/* The current value of one field, for a conflict report. */
static void field_value(const void *entity, enum okr_kind kind, const char *field,
                        Cascade__V1__Value *v)
{
    cascade__v1__value__init(v);
    if (kind == OKR_OBJECTIVE) {
        const struct okr_objective *o = entity;
        if (strcmp(field, "committed") == 0) {
            v->kind_case = CASCADE__V1__VALUE__KIND_FLAG;
            v->flag = o->committed != 0;
            return;
        }
        v->kind_case = CASCADE__V1__VALUE__KIND_TEXT;
        v->text = strcmp(field, "title") == 0       ? o->title
                  : strcmp(field, "owner") == 0     ? o->owner
                  : strcmp(field, "rationale") == 0 ? o->rationale
                                                    : (char *)okr_status_name(o->status);
        return;
    }
    const struct okr_key_result *k = entity;
    if (strcmp(field, "start") == 0 || strcmp(field, "target") == 0) {
        v->kind_case = CASCADE__V1__VALUE__KIND_NUMBER;
        v->number = field[0] == 's' ? k->start : k->target;
        return;
    }
    v->kind_case = CASCADE__V1__VALUE__KIND_TEXT;
    v->text = strcmp(field, "title") == 0   ? k->title
              : strcmp(field, "unit") == 0  ? k->unit
              : strcmp(field, "owner") == 0 ? k->owner
                                            : (char *)okr_kr_status_name(k->status);
}

/* Field-level optimistic concurrency: an edit based on version `base` (0:
 * no check) conflicts only when one of the fields it names changed after
 * that version. Two people editing different fields never conflict. On a
 * conflict, r->ack holds the Error{CONFLICT} to send, with the current value
 * of each contested field and who set it. */
static int check_conflict(const void *entity, enum okr_kind kind, uint32_t num, uint64_t version,
                          const char *stamps, uint64_t base, char **fields, size_t n,
                          uint64_t request_id, struct apply_result *r)
{
    if (base == 0)
        return 0;
    if (base > version)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "%c%u has no version %llu yet; it is at version %llu.", (char)kind, num,
                      (unsigned long long)base, (unsigned long long)version);
    Cascade__V1__FieldChange changes[8], *ptrs[8];
    Cascade__V1__Value values[8];
    char who[8][OKR_NAME_MAX + 1];
    size_t nc = 0, latest = 0;
    uint64_t latest_version = 0;
    char list[400] = "";
    for (size_t i = 0; i < n && nc < 8; i++) {
        uint64_t changed = stamps_get(stamps, fields[i], who[nc], sizeof who[nc]);
        if (changed <= base)
            continue;
        cascade__v1__field_change__init(&changes[nc]);
        changes[nc].field = fields[i];
        field_value(entity, kind, fields[i], &values[nc]);
        changes[nc].new_value = &values[nc];
        ptrs[nc] = &changes[nc];
        if (changed > latest_version) {
            latest_version = changed;
            latest = nc;
        }
        size_t len = strlen(list);
        const Cascade__V1__Value *v = &values[nc];
        if (v->kind_case == CASCADE__V1__VALUE__KIND_NUMBER)
            snprintf(list + len, sizeof list - len, "%s%s is now %g", len ? ", " : "", fields[i],
                     v->number);
        else if (v->kind_case == CASCADE__V1__VALUE__KIND_FLAG)
            snprintf(list + len, sizeof list - len, "%s%s is now %s", len ? ", " : "", fields[i],
                     v->flag ? "true" : "false");
        else
            snprintf(list + len, sizeof list - len, "%s%s is now \"%.40s\"", len ? ", " : "",
                     fields[i], v->text);
        nc++;
    }
    if (nc == 0)
        return 0;
    char msg[640];
    cas_errorf(msg, sizeof msg,
             "%c%u changed since version %llu that your edit was based on: %s (version %llu, "
             "last changed by %s). Look at the new value and edit again.",
             (char)kind, num, (unsigned long long)base, list, (unsigned long long)version,
             who[latest][0] ? who[latest] : "its creator");
    Cascade__V1__Conflict conflict = CASCADE__V1__CONFLICT__INIT;
    char entity_id[16];
    okr_id_format(kind, num, entity_id, sizeof entity_id);
    conflict.entity = entity_id;
    conflict.current_version = version;
    conflict.n_fields = nc;
    conflict.fields = ptrs;
    conflict.changed_by = who[latest];
    Cascade__V1__Error err = CASCADE__V1__ERROR__INIT;
    err.code = CASCADE__V1__ERROR_CODE__CONFLICT;
    err.message = msg;
    err.conflict = &conflict;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ERROR;
    f.error = &err;
    refuse(r, CASCADE__V1__ERROR_CODE__CONFLICT, "%s", msg);
    if (wire_pack(&f, SIZE_MAX, &r->ack) != 0)
        buf_free(&r->ack); /* the plain message still goes out */
    return CAS_EMISMATCH;
}

/* Stamps each named field with the entity's new version and the actor. */
static int stamp_fields(char **stamps, char **fields, size_t n, uint64_t version,
                        const char *actor)
{
    for (size_t i = 0; i < n; i++)
        if (stamps_set(stamps, fields[i], version, actor) != 0)
            return CAS_ENOMEM;
    return 0;
}

/* ---- Teams ---------------------------------------------------------------------- */

static int team_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__TeamAdd *m = req->team_add;
    uint32_t parent;
    int rc;
    if ((rc = check_text(m->name, "team name", OKR_NAME_MAX, 1, 0, r)) != 0 ||
        (rc = resolve_optional(s, m->parent, OKR_TEAM, &parent, r)) != 0)
        return rc;
    enum okr_level level = convert_level_from_wire(m->level);
    if (m->level != CASCADE__V1__LEVEL__LEVEL_UNSPECIFIED && level == OKR_LEVEL_NONE)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The level must be company, department, team or individual.");
    enum okr_level parent_level = parent ? team_level(s, parent) : OKR_LEVEL_NONE;
    if (level == OKR_LEVEL_NONE)
        level = parent ? (enum okr_level)(parent_level + 1) : OKR_LEVEL_COMPANY;
    if (parent && parent_level == OKR_LEVEL_INDIVIDUAL)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "T%u is an individual; an individual has no sub-teams.", parent);
    if (parent && level <= parent_level)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
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
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    s->next_team++;
    take_seq(s, r, OKR_TEAM, stored->num);

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
    return finish(s, &eb, req->request_id, &ack, r);
}

/* ---- Objectives ------------------------------------------------------------------ */

/* Alignment points up the cascade: the parent's team sits at a higher level. */
static int check_alignment(const struct okr_state *s, uint32_t team, uint32_t parent_team,
                           const char *what, struct apply_result *r)
{
    enum okr_level mine = team_level(s, team), theirs = team_level(s, parent_team);
    if (mine != OKR_LEVEL_NONE && theirs != OKR_LEVEL_NONE && theirs >= mine)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "An objective of T%u (%s) can only %s one of a higher level, not of T%u (%s).",
                      team, okr_level_name(mine), what, parent_team, okr_level_name(theirs));
    return 0;
}

static void ack_objective(const struct okr_objective *o, Cascade__V1__Objective *wo,
                          struct convert_ids *ids, Cascade__V1__Ack *ack)
{
    convert_objective_to_wire(o, wo, ids);
    ack->entity_case = CASCADE__V1__ACK__ENTITY_OBJECTIVE;
    ack->objective = wo;
}

static int objective_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r)
{
    const Cascade__V1__ObjectiveAdd *m = req->objective_add;
    uint32_t team, aligns_to, inherits;
    int rc;
    if ((rc = resolve(s, m->team, OKR_TEAM, &team, r)) != 0 ||
        (rc = check_text(m->title, "title", OKR_TITLE_MAX, 1, 0, r)) != 0 ||
        (rc = check_owner(ctx, m->owner, r)) != 0 ||
        (rc = check_text(m->rationale, "rationale", OKR_TEXT_MAX, 0, 1, r)) != 0 ||
        (rc = resolve_optional(s, m->aligns_to, OKR_OBJECTIVE, &aligns_to, r)) != 0 ||
        (rc = resolve_optional(s, m->inherits, OKR_KEY_RESULT, &inherits, r)) != 0)
        return rc;
    if (aligns_to && inherits)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "An objective either aligns to an objective or inherits a key result, not both.");
    if (aligns_to &&
        (rc = check_alignment(s, team, okr_objective_find(s, aligns_to)->team, "align to", r)) != 0)
        return rc;
    if (inherits) {
        const struct okr_key_result *k = okr_key_result_find(s, inherits);
        const struct okr_objective *parent = okr_objective_find(s, k->objective);
        if (parent != NULL && (rc = check_alignment(s, team, parent->team, "inherit from", r)) != 0)
            return rc;
    }

    struct okr_objective o = {0};
    o.num = s->next_objective;
    o.team = team;
    o.title = strdup(m->title);
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
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    s->next_objective++;
    take_seq(s, r, OKR_OBJECTIVE, stored->num);

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
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_objective(stored, &wo, &ids, &ack);
    return finish(s, &eb, req->request_id, &ack, r);
}

static int objective_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    static const char *const EDITABLE[] = {"title", "owner", "rationale", "committed", "status",
                                           NULL};
    const Cascade__V1__ObjectiveEdit *m = req->objective_edit;
    uint32_t num;
    int rc;
    if ((rc = resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0 ||
        (rc = check_fields(m->fields, m->n_fields, EDITABLE, m->id, r)) != 0)
        return rc;
    static const Cascade__V1__Objective EMPTY = CASCADE__V1__OBJECTIVE__INIT;
    const Cascade__V1__Objective *v = m->values != NULL ? m->values : &EMPTY;
    int title = names_field(m->fields, m->n_fields, "title");
    int owner = names_field(m->fields, m->n_fields, "owner");
    int rationale = names_field(m->fields, m->n_fields, "rationale");
    int committed = names_field(m->fields, m->n_fields, "committed");
    int status = names_field(m->fields, m->n_fields, "status");
    enum okr_status new_status = OKR_DRAFT;
    if (status && okr_status_parse(v->status, &new_status) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The status is draft, final or archived, not '%.40s'.", v->status);
    if ((title && (rc = check_text(v->title, "title", OKR_TITLE_MAX, 1, 0, r)) != 0) ||
        (owner && (rc = check_owner(ctx, v->owner, r)) != 0) ||
        (rationale && (rc = check_text(v->rationale, "rationale", OKR_TEXT_MAX, 0, 1, r)) != 0))
        return rc;

    struct okr_objective *o = okr_objective_find(s, num);
    if ((rc = check_conflict(o, OKR_OBJECTIVE, num, o->version, o->stamps, m->base_version,
                             m->fields, m->n_fields, req->request_id, r)) != 0)
        return rc;
    if (stamp_fields(&o->stamps, m->fields, m->n_fields, o->version + 1, ctx->actor) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
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
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
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
    neu.version++;
    *o = neu;
    take_seq(s, r, OKR_OBJECTIVE, num);

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
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_objective(o, &wo, &ids, &ack);
    rc = finish(s, &eb, req->request_id, &ack, r);
    if (title)
        free(old.title);
    if (owner)
        free(old.owner);
    if (rationale)
        free(old.rationale);
    return rc;
}

static int objective_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                            struct apply_result *r)
{
    const Cascade__V1__ObjectiveRemove *m = req->objective_remove;
    uint32_t num;
    int rc;
    if ((rc = resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0)
        return rc;
    /* Children must be re-aligned or removed first: removing silently would
     * orphan them without anyone deciding to. */
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->aligns_to == num)
            return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "O%u aligns to O%u; remove or re-align O%u first.", o->num, num, o->num);
        const struct okr_key_result *k = o->inherits ? okr_key_result_find(s, o->inherits) : NULL;
        if (k != NULL && k->objective == num)
            return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "O%u inherits K%u of O%u; remove O%u first.", o->num, k->num, num, o->num);
    }
    size_t n = 0;
    for (size_t i = 0; i < s->nkey_results; i++)
        n += s->key_results[i].objective == num;
    if (n > 0 && (r->removed_key_results = calloc(n, sizeof *r->removed_key_results)) == NULL)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    char krs[256] = "";
    for (size_t i = 0; i < s->nkey_results; i++) {
        if (s->key_results[i].objective != num)
            continue;
        r->removed_key_results[r->nremoved_key_results++] = s->key_results[i].num;
        size_t len = strlen(krs);
        snprintf(krs + len, sizeof krs - len, "%sK%u", len ? " " : "", s->key_results[i].num);
    }
    take_seq(s, r, OKR_OBJECTIVE, num);

    struct okr_objective *o = okr_objective_find(s, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "objective.remove", OKR_OBJECTIVE, num);
    eb_text(&eb, "team", eb_id(&eb, OKR_TEAM, o->team), NULL);
    eb_text(&eb, "title", o->title, NULL);
    if (n > 0)
        eb_text(&eb, "key_results", krs, NULL);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    rc = finish(s, &eb, req->request_id, &ack, r);
    for (size_t i = 0; i < r->nremoved_key_results; i++)
        okr_key_result_remove(s, r->removed_key_results[i]);
    okr_objective_remove(s, num);
    return rc;
}

/* ---- Key results ------------------------------------------------------------------ */

static void ack_key_result(const struct okr_key_result *k, Cascade__V1__KeyResult *wk,
                           struct convert_ids *ids, Cascade__V1__Ack *ack)
{
    convert_key_result_to_wire(k, wk, ids);
    ack->entity_case = CASCADE__V1__ACK__ENTITY_KEY_RESULT;
    ack->key_result = wk;
}

static int key_result_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    const Cascade__V1__KeyResultAdd *m = req->key_result_add;
    uint32_t objective;
    int rc;
    if ((rc = resolve(s, m->objective, OKR_OBJECTIVE, &objective, r)) != 0 ||
        (rc = check_text(m->title, "title", OKR_TITLE_MAX, 1, 0, r)) != 0 ||
        (rc = check_owner(ctx, m->owner, r)) != 0 ||
        (rc = check_text(m->unit, "unit", OKR_UNIT_MAX, 0, 0, r)) != 0 ||
        (rc = check_number(m->start, "start value", r)) != 0 ||
        (rc = check_number(m->target, "target value", r)) != 0)
        return rc;
    if (m->milestone && (m->start != 0 || m->target != 0 || m->unit[0] != '\0'))
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A milestone is done or not done; it has no start, target or unit.");

    struct okr_key_result k = {0};
    k.num = s->next_key_result;
    k.objective = objective;
    k.title = strdup(m->title);
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
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    s->next_key_result++;
    take_seq(s, r, OKR_KEY_RESULT, stored->num);

    struct event_builder eb;
    eb_init(&eb, ctx, "kr.add", OKR_KEY_RESULT, stored->num);
    eb_text(&eb, "objective", NULL, eb_id(&eb, OKR_OBJECTIVE, objective));
    eb_text(&eb, "title", NULL, stored->title);
    if (stored->owner[0])
        eb_text(&eb, "owner", NULL, stored->owner);
    eb_flag(&eb, "milestone", NULL, &stored->milestone);
    if (!stored->milestone) {
        eb_number(&eb, "start", NULL, &stored->start);
        eb_number(&eb, "target", NULL, &stored->target);
        eb_number(&eb, "current", NULL, &stored->current);
        if (stored->unit[0])
            eb_text(&eb, "unit", NULL, stored->unit);
    }
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_key_result(stored, &wk, &ids, &ack);
    return finish(s, &eb, req->request_id, &ack, r);
}

static int key_result_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                           struct apply_result *r)
{
    static const char *const EDITABLE[] = {"title", "start", "target", "unit", "owner", "status",
                                           NULL};
    const Cascade__V1__KeyResultEdit *m = req->key_result_edit;
    uint32_t num;
    int rc;
    if ((rc = resolve(s, m->id, OKR_KEY_RESULT, &num, r)) != 0 ||
        (rc = check_fields(m->fields, m->n_fields, EDITABLE, m->id, r)) != 0)
        return rc;
    static const Cascade__V1__KeyResult EMPTY = CASCADE__V1__KEY_RESULT__INIT;
    const Cascade__V1__KeyResult *v = m->values != NULL ? m->values : &EMPTY;
    struct okr_key_result *k = okr_key_result_find(s, num);
    int title = names_field(m->fields, m->n_fields, "title");
    int owner = names_field(m->fields, m->n_fields, "owner");
    int unit = names_field(m->fields, m->n_fields, "unit");
    int start = names_field(m->fields, m->n_fields, "start");
    int target = names_field(m->fields, m->n_fields, "target");
    int status = names_field(m->fields, m->n_fields, "status");
    enum okr_kr_status new_status = OKR_ON_TRACK;
    if (status && okr_kr_status_parse(v->status, &new_status) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The status is on-track, at-risk or off-track, not '%.40s'.", v->status);
    if (k->milestone && (start || target || unit))
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "K%u is a milestone; it has no start, target or unit.", num);
    if ((title && (rc = check_text(v->title, "title", OKR_TITLE_MAX, 1, 0, r)) != 0) ||
        (owner && (rc = check_owner(ctx, v->owner, r)) != 0) ||
        (unit && (rc = check_text(v->unit, "unit", OKR_UNIT_MAX, 0, 0, r)) != 0) ||
        (start && (rc = check_number(v->start, "start value", r)) != 0) ||
        (target && (rc = check_number(v->target, "target value", r)) != 0))
        return rc;
    if ((rc = check_conflict(k, OKR_KEY_RESULT, num, k->version, k->stamps, m->base_version,
                             m->fields, m->n_fields, req->request_id, r)) != 0)
        return rc;
    if (stamp_fields(&k->stamps, m->fields, m->n_fields, k->version + 1, ctx->actor) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");

    struct okr_key_result old = *k;
    char *ntitle = title ? strdup(v->title) : NULL;
    char *nowner = owner ? strdup(v->owner) : NULL;
    char *nunit = unit ? strdup(v->unit) : NULL;
    if ((title && ntitle == NULL) || (owner && nowner == NULL) || (unit && nunit == NULL)) {
        free(ntitle);
        free(nowner);
        free(nunit);
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
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
    k->version++;
    take_seq(s, r, OKR_KEY_RESULT, num);

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
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_key_result(k, &wk, &ids, &ack);
    rc = finish(s, &eb, req->request_id, &ack, r);
    if (title)
        free(old.title);
    if (owner)
        free(old.owner);
    if (unit)
        free(old.unit);
    return rc;
}

static int key_result_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                             struct apply_result *r)
{
    const Cascade__V1__KeyResultRemove *m = req->key_result_remove;
    uint32_t num;
    int rc;
    if ((rc = resolve(s, m->id, OKR_KEY_RESULT, &num, r)) != 0)
        return rc;
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].inherits == num)
            return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "O%u inherits K%u; remove O%u first.", s->objectives[i].num, num,
                          s->objectives[i].num);
    take_seq(s, r, OKR_KEY_RESULT, num);
    struct okr_key_result *k = okr_key_result_find(s, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "kr.remove", OKR_KEY_RESULT, num);
    eb_text(&eb, "objective", eb_id(&eb, OKR_OBJECTIVE, k->objective), NULL);
    eb_text(&eb, "title", k->title, NULL);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    rc = finish(s, &eb, req->request_id, &ack, r);
    okr_key_result_remove(s, num);
    return rc;
}

static int check_in(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__CheckIn *m = req->check_in;
    uint32_t num;
    int rc;
    if ((rc = resolve(s, m->key_result, OKR_KEY_RESULT, &num, r)) != 0 ||
        (rc = check_text(m->note, "note", OKR_TEXT_MAX, 0, 1, r)) != 0 ||
        (rc = check_text(m->blocker, "blocker", OKR_TEXT_MAX, 0, 1, r)) != 0)
        return rc;
    struct okr_key_result *k = okr_key_result_find(s, num);
    if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_CURRENT) {
        if (k->milestone)
            return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "K%u is a milestone: check it in as done or not done.", num);
        if ((rc = check_number(m->current, "value", r)) != 0)
            return rc;
    } else if (m->value_case == CASCADE__V1__CHECK_IN__VALUE_DONE) {
        if (!k->milestone)
            return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                          "K%u is a metric: check in its current value.", num);
    } else if (!m->has_confidence && m->status[0] == '\0' && m->note[0] == '\0' &&
               m->blocker[0] == '\0') {
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A check-in needs a value, done or not done, a confidence, a status, a note "
                      "or a blocker.");
    }
    enum okr_kr_status new_status = k->status;
    if (m->status[0] != '\0' && okr_kr_status_parse(m->status, &new_status) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The status is on-track, at-risk or off-track, not '%.40s'.", m->status);
    if (m->has_confidence && (!isfinite(m->confidence) || m->confidence < 0 || m->confidence > 1))
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The confidence must be a number from 0 to 1.");

    /* Each check-in reports the blockers of now: none given clears the old. */
    const char *old_blocker = k->blocker != NULL ? k->blocker : "";
    int blocker_changed = strcmp(old_blocker, m->blocker) != 0;
    char *new_blocker = blocker_changed ? strdup(m->blocker) : NULL;
    if (blocker_changed && new_blocker == NULL)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
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
    if (stamp_fields(&k->stamps, touched, ntouched, k->version + 1, ctx->actor) != 0) {
        free(new_blocker);
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
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
    k->version++;
    take_seq(s, r, OKR_KEY_RESULT, num);

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
    ack_key_result(k, &wk, &ids, &ack);
    rc = finish(s, &eb, req->request_id, &ack, r);
    if (blocker_changed)
        free(old.blocker);
    return rc;
}

/* ---- The necessary-and-sufficient test ------------------------------------------- */

static int answer_from_wire(Cascade__V1__Answer a, enum okr_answer *out)
{
    if (a == CASCADE__V1__ANSWER__YES)
        *out = OKR_YES;
    else if (a == CASCADE__V1__ANSWER__NO)
        *out = OKR_NO;
    else
        return 0;
    return 1;
}

/* Records one answer with who gave it and when. */
static int set_check(struct okr_check *c, enum okr_answer answer, const struct apply_ctx *ctx)
{
    char *by = strdup(ctx->actor);
    if (by == NULL)
        return CAS_ENOMEM;
    free(c->by);
    c->answer = answer;
    c->by = by;
    c->at_ms = ctx->now_ms;
    return 0;
}

static int objective_check(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                           struct apply_result *r)
{
    const Cascade__V1__ObjectiveCheck *m = req->objective_check;
    uint32_t num;
    int rc;
    if ((rc = resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0)
        return rc;
    enum okr_answer necessary = OKR_ANSWER_NONE, sufficient = OKR_ANSWER_NONE;
    int has_n = answer_from_wire(m->necessary, &necessary);
    int has_s = answer_from_wire(m->sufficient, &sufficient);
    if (!has_n && !has_s)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "Answer at least one question: necessary yes|no, sufficient yes|no.");
    struct okr_objective *o = okr_objective_find(s, num);
    enum okr_answer old_n = o->necessary.answer, old_s = o->sufficient.answer;
    if ((has_n && set_check(&o->necessary, necessary, ctx) != 0) ||
        (has_s && set_check(&o->sufficient, sufficient, ctx) != 0))
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    o->version++;
    take_seq(s, r, OKR_OBJECTIVE, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "objective.check", OKR_OBJECTIVE, num);
    if (has_n)
        eb_text(&eb, "necessary", okr_answer_name(old_n), okr_answer_name(necessary));
    if (has_s)
        eb_text(&eb, "sufficient", okr_answer_name(old_s), okr_answer_name(sufficient));
    Cascade__V1__Objective wo;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_objective(o, &wo, &ids, &ack);
    return finish(s, &eb, req->request_id, &ack, r);
}

/* ---- Initiatives, dependencies, comments ------------------------------------------ */

static void ack_initiative(const struct okr_initiative *i, Cascade__V1__Initiative *wi,
                           struct convert_ids *ids, Cascade__V1__Ack *ack)
{
    convert_initiative_to_wire(i, wi, ids);
    ack->entity_case = CASCADE__V1__ACK__ENTITY_INITIATIVE;
    ack->initiative = wi;
}

static int initiative_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    const Cascade__V1__InitiativeAdd *m = req->initiative_add;
    uint32_t kr;
    int rc;
    if ((rc = resolve(s, m->key_result, OKR_KEY_RESULT, &kr, r)) != 0 ||
        (rc = check_text(m->title, "title", OKR_TITLE_MAX, 1, 0, r)) != 0)
        return rc;
    struct okr_initiative i = {0};
    i.num = s->next_initiative;
    i.key_result = kr;
    i.title = strdup(m->title);
    i.version = 1;
    struct okr_initiative *stored = i.title != NULL ? okr_initiative_insert(s, &i) : NULL;
    if (stored == NULL)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    s->next_initiative++;
    take_seq(s, r, OKR_INITIATIVE, stored->num);
    struct event_builder eb;
    eb_init(&eb, ctx, "initiative.add", OKR_INITIATIVE, stored->num);
    eb_text(&eb, "key_result", NULL, eb_id(&eb, OKR_KEY_RESULT, kr));
    eb_text(&eb, "title", NULL, stored->title);
    Cascade__V1__Initiative wi;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_initiative(stored, &wi, &ids, &ack);
    return finish(s, &eb, req->request_id, &ack, r);
}

static int initiative_done(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                           struct apply_result *r)
{
    uint32_t num;
    int rc;
    if ((rc = resolve(s, req->initiative_done->id, OKR_INITIATIVE, &num, r)) != 0)
        return rc;
    struct okr_initiative *i = okr_initiative_find(s, num);
    if (i->done)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "I%u is done already.", num);
    int was = i->done;
    i->done = 1;
    i->version++;
    take_seq(s, r, OKR_INITIATIVE, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "initiative.done", OKR_INITIATIVE, num);
    eb_flag(&eb, "done", &was, &i->done);
    Cascade__V1__Initiative wi;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_initiative(i, &wi, &ids, &ack);
    return finish(s, &eb, req->request_id, &ack, r);
}

/* The team a key result belongs to, through its objective. */
static uint32_t key_result_team(const struct okr_state *s, uint32_t kr)
{
    const struct okr_key_result *k = okr_key_result_find(s, kr);
    const struct okr_objective *o = k != NULL ? okr_objective_find(s, k->objective) : NULL;
    return o != NULL ? o->team : 0;
}

static int dependency_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r)
{
    const Cascade__V1__DependencyAdd *m = req->dependency_add;
    uint32_t kr, on;
    int rc;
    if ((rc = resolve(s, m->key_result, OKR_KEY_RESULT, &kr, r)) != 0 ||
        (rc = resolve(s, m->depends_on, OKR_KEY_RESULT, &on, r)) != 0)
        return rc;
    if (kr == on)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "A key result cannot depend on itself.");
    uint32_t team = key_result_team(s, kr), other = key_result_team(s, on);
    if (team == other)
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "K%u and K%u both belong to T%u; a dependency links one team to another.",
                      kr, on, team);
    if (okr_dependency_exists(s, kr, on))
        return refuse(r, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS,
                      "K%u already depends on K%u.", kr, on);
    if (okr_dependency_add(s, kr, on) != 0)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    struct okr_key_result *k = okr_key_result_find(s, kr);
    k->version++;
    take_seq(s, r, OKR_KEY_RESULT, kr);
    r->dependency = (struct okr_dependency){kr, on};
    struct event_builder eb;
    eb_init(&eb, ctx, "dependency.add", OKR_KEY_RESULT, kr);
    eb_text(&eb, "depends_on", NULL, eb_id(&eb, OKR_KEY_RESULT, on));
    eb_text(&eb, "team", NULL, eb_id(&eb, OKR_TEAM, team));
    eb_text(&eb, "other_team", NULL, eb_id(&eb, OKR_TEAM, other));
    Cascade__V1__KeyResult wk;
    struct convert_ids ids;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack_key_result(k, &wk, &ids, &ack);
    return finish(s, &eb, req->request_id, &ack, r);
}

static int comment_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                       struct apply_result *r)
{
    const Cascade__V1__CommentAdd *m = req->comment_add;
    enum okr_kind kind = m->target[0] == 'K' || m->target[0] == 'k' ? OKR_KEY_RESULT : OKR_OBJECTIVE;
    uint32_t target;
    int rc;
    if (m->target[0] != '\0' && kind == OKR_OBJECTIVE && m->target[0] != 'O' && m->target[0] != 'o')
        return refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "Comment on an objective or a key result (O3 or K7), not '%.40s'.", m->target);
    if ((rc = resolve(s, m->target, kind, &target, r)) != 0 ||
        (rc = check_text(m->text, "comment", OKR_TEXT_MAX, 1, 1, r)) != 0)
        return rc;
    struct okr_comment c = {0};
    c.num = s->next_comment;
    c.target_kind = kind;
    c.target = target;
    c.author = strdup(ctx->actor);
    c.text = strdup(m->text);
    c.time_ms = ctx->now_ms;
    struct okr_comment *stored = NULL;
    if (c.author != NULL && c.text != NULL)
        stored = okr_comment_insert(s, &c);
    else
        okr_comment_clear(&c);
    if (stored == NULL)
        return refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
    s->next_comment++;
    take_seq(s, r, OKR_COMMENT, stored->num);
    struct event_builder eb;
    eb_init(&eb, ctx, "comment.add", OKR_COMMENT, stored->num);
    eb_text(&eb, "target", NULL, eb_id(&eb, kind, target));
    eb_text(&eb, "text", NULL, stored->text);
    Cascade__V1__Comment wc;
    struct convert_ids ids;
    convert_comment_to_wire(stored, &wc, &ids);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.entity_case = CASCADE__V1__ACK__ENTITY_COMMENT;
    ack.comment = &wc;
    return finish(s, &eb, req->request_id, &ack, r);
}

/* ---- Dispatch -------------------------------------------------------------------------- */

static const struct {
    Cascade__V1__Frame__BodyCase body;
    int (*apply)(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result *r);
} APPLIERS[] = {
    {CASCADE__V1__FRAME__BODY_TEAM_ADD, team_add},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_ADD, objective_add},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_EDIT, objective_edit},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_REMOVE, objective_remove},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_ADD, key_result_add},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_EDIT, key_result_edit},
    {CASCADE__V1__FRAME__BODY_KEY_RESULT_REMOVE, key_result_remove},
    {CASCADE__V1__FRAME__BODY_CHECK_IN, check_in},
    {CASCADE__V1__FRAME__BODY_OBJECTIVE_CHECK, objective_check},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_ADD, initiative_add},
    {CASCADE__V1__FRAME__BODY_INITIATIVE_DONE, initiative_done},
    {CASCADE__V1__FRAME__BODY_DEPENDENCY_ADD, dependency_add},
    {CASCADE__V1__FRAME__BODY_COMMENT_ADD, comment_add},
};

int apply_handles(const WireFrame *req)
{
    for (size_t i = 0; i < sizeof APPLIERS / sizeof APPLIERS[0]; i++)
        if (APPLIERS[i].body == req->body_case)
            return 1;
    return 0;
}

int apply_request(struct okr_state *state, const struct apply_ctx *ctx, const WireFrame *req,
                  struct apply_result *result)
{
    memset(result, 0, sizeof *result);
    for (size_t i = 0; i < sizeof APPLIERS / sizeof APPLIERS[0]; i++)
        if (APPLIERS[i].body == req->body_case)
            return APPLIERS[i].apply(state, ctx, req, result);
    return refuse(result, CASCADE__V1__ERROR_CODE__UNKNOWN_REQUEST,
                  "'%s' is not a change to the cascade.", wire_body_name(req));
}

void apply_result_free(struct apply_result *result)
{
    free(result->removed_key_results);
    result->removed_key_results = NULL;
    buf_free(&result->event);
    buf_free(&result->ack);
}
