/* Describing a change as an event, refusing one, and the checks every
 * request shares: references, texts, owners, numbers, fields, versions. */
#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "errors.h"
#include "stamps.h"

/* ---- Describing a change as an event ------------------------------------ */


void eb_init(struct event_builder *eb, const struct apply_ctx *ctx, const char *type,
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
    assert(eb->nvalues < sizeof eb->values / sizeof eb->values[0]);
    Cascade__V1__Value *v = &eb->values[eb->nvalues++];
    cascade__v1__value__init(v);
    return v;
}

static Cascade__V1__FieldChange *eb_field(struct event_builder *eb, const char *name)
{
    assert(eb->ev.n_changes < EVENT_MAX_FIELDS);
    size_t i = eb->ev.n_changes++;
    Cascade__V1__FieldChange *f = &eb->fields[i];
    cascade__v1__field_change__init(f);
    f->field = (char *)name;
    eb->field_ptrs[i] = f;
    return f;
}

void eb_text(struct event_builder *eb, const char *name, const char *old, const char *new)
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

void eb_number(struct event_builder *eb, const char *name, const double *old, const double *new)
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

void eb_flag(struct event_builder *eb, const char *name, const int *old, const int *new)
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

const char *eb_id(struct event_builder *eb, enum okr_kind kind, uint32_t num)
{
    if (num == 0)
        return NULL;
    char *buf = eb->ids[eb->nids++];
    okr_id_format(kind, num, buf, 16);
    return buf;
}

void eb_key_result_add(struct event_builder *eb, const struct apply_ctx *ctx,
                       const struct okr_key_result *k)
{
    eb_init(eb, ctx, "kr.add", OKR_KEY_RESULT, k->num);
    eb_text(eb, "objective", NULL, eb_id(eb, OKR_OBJECTIVE, k->objective));
    eb_text(eb, "title", NULL, k->title);
    if (k->owner[0])
        eb_text(eb, "owner", NULL, k->owner);
    eb_flag(eb, "milestone", NULL, &k->milestone);
    if (!k->milestone) {
        eb_number(eb, "start", NULL, &k->start);
        eb_number(eb, "target", NULL, &k->target);
        eb_number(eb, "current", NULL, &k->current);
        if (k->unit[0])
            eb_text(eb, "unit", NULL, k->unit);
    }
}

const char *apply_quote(const char *text, char out[APPLY_QUOTE_MAX])
{
    okr_text_quote(text, 32, out, APPLY_QUOTE_MAX);
    return out;
}

/* ---- Results ------------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
int apply_refuse(struct apply_result *r, Cascade__V1__ErrorCode code, const char *fmt, ...)
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

int apply_no_memory(struct apply_result *r)
{
    return apply_refuse(r, CASCADE__V1__ERROR_CODE__INTERNAL, "The server ran out of memory.");
}

int apply_finish(struct okr_state *state, struct event_builder *eb, uint64_t request_id,
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
        return apply_no_memory(r);
    (void)state;
    return 0;
}

int apply_people(struct okr_state *state, const struct apply_ctx *ctx, uint64_t request_id,
                 const char *type, const char *subject, const struct people_field *fields,
                 size_t nfields, WireFrame *reply, struct apply_result *r)
{
    memset(r, 0, sizeof *r);
    struct event_builder eb;
    eb_init(&eb, ctx, type, OKR_TEAM, 0);
    snprintf(r->subject, sizeof r->subject, "%s", subject);
    eb.ev.entity = r->subject;
    for (size_t i = 0; i < nfields && i < EVENT_MAX_FIELDS; i++)
        eb_text(&eb, fields[i].name, fields[i].old_value, fields[i].new_value);
    r->seq = ++state->seq;
    r->type = type;
    eb.ev.seq = r->seq;
    WireFrame ef = CASCADE__V1__FRAME__INIT;
    ef.body_case = CASCADE__V1__FRAME__BODY_EVENT;
    ef.event = &eb.ev;
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.seq = r->seq;
    ack.id = r->subject;
    WireFrame af = CASCADE__V1__FRAME__INIT;
    af.body_case = CASCADE__V1__FRAME__BODY_ACK;
    af.ack = &ack;
    WireFrame *answer = reply != NULL ? reply : &af;
    answer->request_id = request_id;
    if (wire_pack(&ef, SIZE_MAX, &r->event) != 0 || wire_pack(answer, SIZE_MAX, &r->ack) != 0) {
        state->seq--; /* nothing happened */
        apply_result_free(r);
        return apply_no_memory(r);
    }
    return 0;
}

void apply_take_seq(struct okr_state *state, struct apply_result *r, enum okr_kind kind,
                    uint32_t num)
{
    r->seq = ++state->seq;
    r->kind = kind;
    r->num = num;
}

/* ---- Validation helpers ----------------------------------------------------- */

int apply_resolve(const struct okr_state *s, const char *text, enum okr_kind kind, uint32_t *num,
                  struct apply_result *r)
{
    const char *article = okr_kind_article(kind), *name = okr_kind_name(kind);
    char quoted[APPLY_QUOTE_MAX];
    if (text == NULL || text[0] == '\0')
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "Name %s %s, like %c1.",
                            article, name, (char)kind);
    if (okr_id_parse(text, kind, num) != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "'%s' is not %s %s id; %s ids look like %c3.",
                            apply_quote(text, quoted), article, name, name,
                            (char)kind);
    if (!okr_entity_exists(s, kind, *num))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                            "There is no %s %c%u in this workshop.", name, (char)kind,
                            *num);
    return 0;
}

int apply_resolve_optional(const struct okr_state *s, const char *text, enum okr_kind kind,
                           uint32_t *num, struct apply_result *r)
{
    *num = 0;
    if (text == NULL || text[0] == '\0')
        return 0;
    return apply_resolve(s, text, kind, num, r);
}

int apply_check_alignment(const struct okr_state *s, uint32_t team, uint32_t parent_team,
                          const char *what, struct apply_result *r)
{
    enum okr_level mine = apply_team_level(s, team), theirs = apply_team_level(s, parent_team);
    if (mine != OKR_LEVEL_NONE && theirs != OKR_LEVEL_NONE && theirs >= mine)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "An objective of T%u (%s) can only %s one of a higher level, not of T%u (%s).",
                      team, okr_level_name(mine), what, parent_team, okr_level_name(theirs));
    return 0;
}

int apply_also(struct apply_result *r, enum okr_kind kind, uint32_t num)
{
    if (r->nalso == r->cap_also) {
        size_t cap = r->cap_also ? 2 * r->cap_also : 8;
        struct apply_touched *grown = realloc(r->also, cap * sizeof *grown);
        if (grown == NULL)
            return CAS_ENOMEM;
        r->also = grown;
        r->cap_also = cap;
    }
    r->also[r->nalso++] = (struct apply_touched){kind, num};
    return 0;
}

const struct okr_limits *apply_limits(const struct apply_ctx *ctx)
{
    return ctx->limits != NULL ? ctx->limits : &okr_limits_default;
}

int apply_check_text(const char *text, const char *what, size_t max, int required, int multiline,
                     struct apply_result *r)
{
    char err[256];
    if (okr_text_check(text, what, max, required, multiline, err, sizeof err) != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, "%s", err);
    return 0;
}

int apply_check_owner(const struct apply_ctx *ctx, const char *owner, struct apply_result *r)
{
    if (owner[0] == '\0')
        return 0;
    int rc = apply_check_text(owner, "owner", OKR_NAME_MAX, 0, 0, r);
    if (rc != 0)
        return rc;
    if (!ctx->user_exists(ctx->user_ctx, owner))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__NOT_FOUND,
                      "There is no user named '%s'; an owner must have an account.", owner);
    return 0;
}

int apply_check_number(double v, const char *what, struct apply_result *r)
{
    if (!isfinite(v))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                      "The %s must be a finite number.", what);
    return 0;
}

int apply_check_fields(char **fields, size_t n, const char *const *allowed, const char *entity,
                       struct apply_result *r)
{
    /* entity has been resolved already, so it is a well-formed id. */
    if (n == 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "The edit of %s names no field to change.", entity);
    for (size_t i = 0; i < n; i++) {
        int ok = 0;
        for (const char *const *a = allowed; *a != NULL; a++)
            ok |= strcmp(fields[i], *a) == 0;
        char quoted[APPLY_QUOTE_MAX];
        if (!ok)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "The field '%s' of %s cannot be edited.",
                                apply_quote(fields[i], quoted), entity);
    }
    return 0;
}

int apply_names_field(char **fields, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(fields[i], name) == 0)
            return 1;
    return 0;
}

enum okr_level apply_team_level(const struct okr_state *s, uint32_t team)
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

int apply_check_conflict(const void *entity, enum okr_kind kind, uint32_t num, uint64_t version,
                         const char *stamps, uint64_t base, char **fields, size_t n,
                         uint64_t request_id, struct apply_result *r)
{
    if (base == 0)
        return 0;
    if (base > version)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
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
        {
            char quoted[APPLY_QUOTE_MAX];
            snprintf(list + len, sizeof list - len, "%s%s is now \"%s\"", len ? ", " : "",
                     fields[i], apply_quote(v->text, quoted));
        }
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
    apply_refuse(r, CASCADE__V1__ERROR_CODE__CONFLICT, "%s", msg);
    if (wire_pack(&f, SIZE_MAX, &r->ack) != 0)
        buf_free(&r->ack); /* the plain message still goes out */
    return CAS_EMISMATCH;
}

int apply_stamp_fields(char **stamps, char **fields, size_t n, uint64_t version, const char *actor)
{
    for (size_t i = 0; i < n; i++)
        if (stamps_set(stamps, fields[i], version, actor) != 0)
            return CAS_ENOMEM;
    return 0;
}

void apply_ack_objective(const struct okr_objective *o, Cascade__V1__Objective *wo,
                         struct convert_ids *ids, Cascade__V1__Ack *ack)
{
    convert_objective_to_wire(o, wo, ids);
    ack->entity_case = CASCADE__V1__ACK__ENTITY_OBJECTIVE;
    ack->objective = wo;
}

void apply_ack_key_result(const struct okr_key_result *k, Cascade__V1__KeyResult *wk,
                          struct convert_ids *ids, Cascade__V1__Ack *ack)
{
    convert_key_result_to_wire(k, wk, ids);
    ack->entity_case = CASCADE__V1__ACK__ENTITY_KEY_RESULT;
    ack->key_result = wk;
}
