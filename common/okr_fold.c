#include "okr_fold.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closing.h"
#include "errors.h"

/* Every type server/apply and the handlers emit, in one of two lists;
 * tests/unit/check_fold_types.sh fails when the server emits one that is in
 * neither. */
const char *const okr_fold_applied_types[] = {
    "team.add", "team.edit", "team.remove", "team.member_add", "team.member_remove",
    "participant.join", "participant.role", "participant.remove",
    "objective.add", "objective.edit", "objective.check", "objective.remove",
    "objective.close_note",
    "kr.add", "kr.edit", "kr.checkin", "kr.remove",
    "initiative.add", "initiative.done", "dependency.add",
    "comment.add", "comment.remove", "comment.resolve", "comment.reopen",
    "workshop.close", "workshop.reopen",
    /* Marks a carried workshop's start: the additions that follow carry
     * its cascade, so there is nothing to do here. */
    "workshop.next",
    NULL,
};

/* What changes nothing `show` shows: the agenda and its timer, the
 * brainstorm and its votes, retrospective cards, confidence rounds (their
 * applied medians arrive as kr.checkin events of their own), invitations,
 * settings (the period is the header's, not the cascade's: see show --at)
 * and the check-in reminders. */
const char *const okr_fold_skipped_types[] = {
    "agenda.add", "agenda.edit", "agenda.remove", "agenda.move", "agenda.start",
    "agenda.next", "agenda.back", "agenda.finish", "agenda.pause", "agenda.resume",
    "agenda.extend", "agenda.ready", "agenda.timeup", "agenda.warning",
    "idea.add", "idea.reveal", "idea.hide", "idea.show", "idea.merge", "retro.add",
    "vote.start", "vote.cast", "vote.undo", "vote.reveal",
    "round.start", "round.submit", "round.reveal",
    "invite.revoke", "workshop.set", "checkin.due", "checkin.overdue",
    /* An import's summary: its entities follow as their own add events. */
    "workshop.import",
    /* An administrator takes the workshop out of service and back; its
     * cascade stays as it was. */
    "workshop.archive", "workshop.unarchive",
    NULL,
};

static int listed(const char *const *list, const char *type)
{
    for (; *list != NULL; list++)
        if (strcmp(*list, type) == 0)
            return 1;
    return 0;
}

enum okr_fold_kind okr_fold_type(const char *type)
{
    if (type == NULL)
        return OKR_FOLD_UNKNOWN;
    if (listed(okr_fold_applied_types, type))
        return OKR_FOLD_APPLIED;
    if (listed(okr_fold_skipped_types, type))
        return OKR_FOLD_SKIPPED;
    return OKR_FOLD_UNKNOWN;
}

/* ---- Reading an event's fields ------------------------------------------- */

static const Cascade__V1__FieldChange *change_of(const Cascade__V1__Event *ev, const char *name)
{
    for (size_t i = 0; i < ev->n_changes; i++)
        if (ev->changes[i] != NULL && ev->changes[i]->field != NULL &&
            strcmp(ev->changes[i]->field, name) == 0)
            return ev->changes[i];
    return NULL;
}

/* A field's new value as text: 1 with *out (never NULL: "" when the field
 * is named without a new side, as a cleared reference is), 0 when the event
 * does not name it, CAS_EINVAL when its new side is not text. */
static int new_text(const Cascade__V1__Event *ev, const char *name, const char **out)
{
    const Cascade__V1__FieldChange *f = change_of(ev, name);
    if (f == NULL)
        return 0;
    if (f->new_value == NULL || f->new_value->kind_case == CASCADE__V1__VALUE__KIND__NOT_SET) {
        *out = "";
        return 1;
    }
    if (f->new_value->kind_case != CASCADE__V1__VALUE__KIND_TEXT || f->new_value->text == NULL)
        return CAS_EINVAL;
    *out = f->new_value->text;
    return 1;
}

/* A number's new value: 1 with *out, 0 when not named, CAS_EINVAL when it
 * has no new side, is not a number or is not finite. */
static int new_number(const Cascade__V1__Event *ev, const char *name, double *out)
{
    const Cascade__V1__FieldChange *f = change_of(ev, name);
    if (f == NULL)
        return 0;
    if (f->new_value == NULL || f->new_value->kind_case != CASCADE__V1__VALUE__KIND_NUMBER ||
        !isfinite(f->new_value->number))
        return CAS_EINVAL;
    *out = f->new_value->number;
    return 1;
}

static int new_flag(const Cascade__V1__Event *ev, const char *name, int *out)
{
    const Cascade__V1__FieldChange *f = change_of(ev, name);
    if (f == NULL)
        return 0;
    if (f->new_value == NULL || f->new_value->kind_case != CASCADE__V1__VALUE__KIND_FLAG)
        return CAS_EINVAL;
    *out = f->new_value->flag != 0;
    return 1;
}

/* A reference field: 1 with *num (0 for a cleared one), 0 when not named,
 * CAS_EINVAL for a malformed id or one naming nothing in s. */
static int new_ref(const struct okr_state *s, const Cascade__V1__Event *ev, const char *name,
                   enum okr_kind kind, uint32_t *num)
{
    const char *text;
    int rc = new_text(ev, name, &text);
    if (rc <= 0)
        return rc;
    *num = 0;
    if (text[0] == '\0')
        return 1;
    if (okr_id_parse(text, kind, num) != 0 || !okr_entity_exists(s, kind, *num))
        return CAS_EINVAL;
    return 1;
}

/* A reference that may name what is added later: 1 with *num (0 for
 * none), 0 when not named, CAS_EINVAL for a malformed id. */
static int new_id(const Cascade__V1__Event *ev, const char *name, enum okr_kind kind,
                  uint32_t *num)
{
    const char *text;
    int rc = new_text(ev, name, &text);
    if (rc <= 0)
        return rc;
    *num = 0;
    return text[0] == '\0' || okr_id_parse(text, kind, num) == 0 ? 1 : CAS_EINVAL;
}

/* Replaces *slot with a copy of text. 0 or CAS_ENOMEM (*slot kept). */
static int set_text(char **slot, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL)
        return CAS_ENOMEM;
    free(*slot);
    *slot = copy;
    return 0;
}

/* A text field into *slot when the event names it. */
static int take_text(const Cascade__V1__Event *ev, const char *name, char **slot)
{
    const char *text;
    int rc = new_text(ev, name, &text);
    return rc <= 0 ? rc : set_text(slot, text);
}

/* The entity an event is about, of kind: 0 and *num, or CAS_EINVAL. */
static int entity_num(const Cascade__V1__Event *ev, enum okr_kind kind, uint32_t *num)
{
    return okr_id_parse(ev->entity, kind, num) == 0 ? 0 : CAS_EINVAL;
}

/* A new entity's number: well-formed, not taken, and the counter moved
 * past it (numbers are never reused). */
static int new_num(const struct okr_state *s, const Cascade__V1__Event *ev, enum okr_kind kind,
                   uint32_t *next, uint32_t *num)
{
    if (entity_num(ev, kind, num) != 0 || *num == UINT32_MAX || okr_entity_exists(s, kind, *num))
        return CAS_EINVAL;
    if (*num >= *next)
        *next = *num + 1;
    return 0;
}

/* Runs a list of field readers, stopping at the first error. */
#define TRY(expr)                                                                               \
    do {                                                                                       \
        int try_rc_ = (expr);                                                                  \
        if (try_rc_ < 0)                                                                       \
            return try_rc_;                                                                    \
    } while (0)

/* ---- Teams and their members --------------------------------------------- */

/* Adds name to team's members, in the order they came, once. */
static int member_add(struct okr_team *t, const char *name)
{
    for (size_t i = 0; i < t->nmembers; i++)
        if (strcmp(t->members[i], name) == 0)
            return 0;
    char **grown = realloc(t->members, (t->nmembers + 1) * sizeof *grown);
    if (grown == NULL)
        return CAS_ENOMEM;
    t->members = grown;
    if ((t->members[t->nmembers] = strdup(name)) == NULL)
        return CAS_ENOMEM;
    t->nmembers++;
    return 0;
}

static void member_remove(struct okr_team *t, const char *name)
{
    size_t kept = 0;
    for (size_t i = 0; i < t->nmembers; i++) {
        if (strcmp(t->members[i], name) == 0)
            free(t->members[i]);
        else
            t->members[kept++] = t->members[i];
    }
    t->nmembers = kept;
}

static int team_level(const Cascade__V1__Event *ev, enum okr_level *level)
{
    const char *text;
    int rc = new_text(ev, "level", &text);
    if (rc <= 0)
        return rc;
    return okr_level_parse(text, level) == 0 ? 1 : CAS_EINVAL;
}

static int fold_team_add(struct okr_state *s, const Cascade__V1__Event *ev)
{
    struct okr_team t = {.version = 1};
    const char *name;
    if (new_num(s, ev, OKR_TEAM, &s->next_team, &t.num) != 0 || new_text(ev, "name", &name) != 1)
        return CAS_EINVAL;
    TRY(new_ref(s, ev, "parent", OKR_TEAM, &t.parent));
    TRY(team_level(ev, &t.level));
    if ((t.name = strdup(name)) == NULL)
        return CAS_ENOMEM;
    struct okr_team *stored = okr_team_insert(s, &t);
    if (stored == NULL)
        return CAS_ENOMEM;
    /* A carried team comes with its members: names separated by spaces. */
    const char *members = "";
    int rc = new_text(ev, "members", &members);
    for (const char *p = members; rc == 1 && *p != '\0';) {
        size_t n = strcspn(p, " ");
        if (n > 0 && n <= OKR_NAME_MAX) {
            char one[OKR_NAME_MAX + 1];
            memcpy(one, p, n);
            one[n] = '\0';
            if (member_add(stored, one) != 0)
                return CAS_ENOMEM;
        }
        p += n + (p[n] == ' ');
    }
    return rc < 0 ? rc : 0;
}

static int fold_team_edit(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    if (entity_num(ev, OKR_TEAM, &num) != 0 || okr_team_find(s, num) == NULL)
        return CAS_EINVAL;
    uint32_t parent;
    enum okr_level level;
    int has_parent, has_level;
    TRY(has_parent = new_ref(s, ev, "parent", OKR_TEAM, &parent));
    TRY(has_level = team_level(ev, &level));
    /* Not under itself, nor under one of its own sub-teams: the views walk
     * the tree up and down. */
    for (uint32_t up = has_parent ? parent : 0, steps = 0; up != 0; steps++) {
        const struct okr_team *above = okr_team_find(s, up);
        if (up == num || steps > s->nteams)
            return CAS_EINVAL;
        up = above != NULL ? above->parent : 0;
    }
    struct okr_team *t = okr_team_find(s, num);
    TRY(take_text(ev, "name", &t->name));
    if (has_parent)
        t->parent = parent;
    if (has_level)
        t->level = level;
    t->version++;
    return 0;
}

static int fold_team_remove(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    if (entity_num(ev, OKR_TEAM, &num) != 0 || okr_team_find(s, num) == NULL)
        return CAS_EINVAL;
    /* The server removes only an empty team: nothing may be left without one. */
    for (size_t i = 0; i < s->nteams; i++)
        if (s->teams[i].parent == num)
            return CAS_EINVAL;
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].team == num)
            return CAS_EINVAL;
    okr_team_remove(s, num);
    return 0;
}

/* team.member_add and team.member_remove: the team is the entity, the
 * person the "member" field (new side when added, old when removed). */
static int fold_team_member(struct okr_state *s, const Cascade__V1__Event *ev, int add)
{
    uint32_t num;
    struct okr_team *t;
    const Cascade__V1__FieldChange *f = change_of(ev, "member");
    if (entity_num(ev, OKR_TEAM, &num) != 0 || (t = okr_team_find(s, num)) == NULL || f == NULL)
        return CAS_EINVAL;
    const Cascade__V1__Value *v = add ? f->new_value : f->old_value;
    if (v == NULL || v->kind_case != CASCADE__V1__VALUE__KIND_TEXT || v->text == NULL ||
        v->text[0] == '\0')
        return CAS_EINVAL;
    if (!add) {
        member_remove(t, v->text);
        return 0;
    }
    return member_add(t, v->text);
}

/* participant.join and participant.role: the person is the entity; a
 * "team" field puts them in that team (joining by a team's invite). */
static int fold_participant(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t team;
    int rc = new_ref(s, ev, "team", OKR_TEAM, &team);
    if (rc < 0)
        return rc;
    if (rc == 0 || team == 0)
        return 0;
    if (ev->entity == NULL || ev->entity[0] == '\0')
        return CAS_EINVAL;
    return member_add(okr_team_find(s, team), ev->entity);
}

static int fold_participant_remove(struct okr_state *s, const Cascade__V1__Event *ev)
{
    if (ev->entity == NULL || ev->entity[0] == '\0')
        return CAS_EINVAL;
    for (size_t i = 0; i < s->nteams; i++)
        member_remove(&s->teams[i], ev->entity);
    return 0;
}

/* ---- Objectives -------------------------------------------------------------- */

/* An objective's place: at most one of aligns_to and inherits. */
static int check_place(const struct okr_objective *o)
{
    return o->aligns_to && o->inherits ? CAS_EINVAL : 0;
}

/* The answers of the necessary-and-sufficient test an event names (each
 * "necessary"/"sufficient": yes or no). Who answered and when are the
 * event's own actor and time, unless it names them (an import keeps a
 * file's: "necessary_by", "necessary_at"). */
static int take_checks(struct okr_objective *o, const Cascade__V1__Event *ev)
{
    static const char *const NAMES[2] = {"necessary", "sufficient"};
    struct okr_check *checks[2] = {&o->necessary, &o->sufficient};
    for (int i = 0; i < 2; i++) {
        const char *text, *by = ev->actor != NULL ? ev->actor : "";
        enum okr_answer answer;
        char by_name[32], at_name[32];
        snprintf(by_name, sizeof by_name, "%s_by", NAMES[i]);
        snprintf(at_name, sizeof at_name, "%s_at", NAMES[i]);
        double at = (double)ev->time_ms;
        int rc = new_text(ev, NAMES[i], &text);
        if (rc < 0 || (rc == 1 && (okr_answer_parse(text, &answer) != 0 || answer == OKR_ANSWER_NONE)))
            return CAS_EINVAL;
        if (rc == 0)
            continue;
        if (new_text(ev, by_name, &by) < 0 || new_number(ev, at_name, &at) < 0)
            return CAS_EINVAL;
        TRY(set_text(&checks[i]->by, by));
        checks[i]->answer = answer;
        checks[i]->at_ms = (int64_t)at;
    }
    return 0;
}

static int fold_objective_add(struct okr_state *s, const Cascade__V1__Event *ev)
{
    struct okr_objective o = {.version = 1, .status = OKR_DRAFT};
    /* A carried workshop adds its objectives before the key results they
     * inherit, and an objective may align to one carried after it: these
     * two may point ahead. */
    if (new_num(s, ev, OKR_OBJECTIVE, &s->next_objective, &o.num) != 0 ||
        new_ref(s, ev, "team", OKR_TEAM, &o.team) != 1 || o.team == 0 ||
        new_id(ev, "aligns_to", OKR_OBJECTIVE, &o.aligns_to) < 0 ||
        new_id(ev, "inherits", OKR_KEY_RESULT, &o.inherits) < 0 ||
        new_flag(ev, "committed", &o.committed) < 0 || check_place(&o) != 0)
        return CAS_EINVAL;
    /* The promoted idea is only a number here: the brainstorm is not rebuilt. */
    const char *idea;
    int rc = new_text(ev, "from_idea", &idea);
    if (rc < 0 || (rc == 1 && idea[0] != '\0' && okr_id_parse(idea, OKR_IDEA, &o.from_idea) != 0))
        return CAS_EINVAL;
    const char *title, *status;
    if (new_text(ev, "title", &title) != 1 || (rc = new_text(ev, "status", &status)) < 0 ||
        (rc == 1 && okr_status_parse(status, &o.status) != 0))
        return CAS_EINVAL;
    /* An import's objective comes with what it had: status, answers and
     * closing note (apply_import.c). */
    if ((o.title = strdup(title)) == NULL || (o.owner = strdup("")) == NULL ||
        (o.rationale = strdup("")) == NULL || (rc = take_text(ev, "owner", &o.owner)) < 0 ||
        (rc = take_text(ev, "rationale", &o.rationale)) < 0 ||
        (rc = take_text(ev, "close_note", &o.close_note)) < 0 || (rc = take_checks(&o, ev)) < 0 ||
        (rc = take_text(ev, "carried_from", &o.carried_from)) < 0) {
        okr_objective_clear(&o);
        return rc < 0 ? rc : CAS_ENOMEM;
    }
    return okr_objective_insert(s, &o) != NULL ? 0 : CAS_ENOMEM;
}

static int fold_objective_edit(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    struct okr_objective *o;
    if (entity_num(ev, OKR_OBJECTIVE, &num) != 0 || (o = okr_objective_find(s, num)) == NULL)
        return CAS_EINVAL;
    uint32_t team = o->team, aligns = o->aligns_to, inherits = o->inherits;
    int committed = o->committed;
    enum okr_status status = o->status;
    const char *status_text;
    int rc;
    if (new_ref(s, ev, "team", OKR_TEAM, &team) < 0 || team == 0 ||
        new_ref(s, ev, "aligns_to", OKR_OBJECTIVE, &aligns) < 0 ||
        new_ref(s, ev, "inherits", OKR_KEY_RESULT, &inherits) < 0 ||
        new_flag(ev, "committed", &committed) < 0 || (aligns && inherits) ||
        (rc = new_text(ev, "status", &status_text)) < 0 ||
        (rc == 1 && okr_status_parse(status_text, &status) != 0))
        return CAS_EINVAL;
    TRY(take_text(ev, "title", &o->title));
    TRY(take_text(ev, "owner", &o->owner));
    TRY(take_text(ev, "rationale", &o->rationale));
    o->team = team;
    o->aligns_to = aligns;
    o->inherits = inherits;
    o->committed = committed;
    o->status = status;
    o->version++;
    return 0;
}

static int fold_objective_check(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    struct okr_objective *o;
    if (entity_num(ev, OKR_OBJECTIVE, &num) != 0 || (o = okr_objective_find(s, num)) == NULL)
        return CAS_EINVAL;
    TRY(take_checks(o, ev));
    o->version++;
    return 0;
}

/* After a removal: objectives placed under what went stay, unlinked, one
 * version on (as the server's forced removal leaves them). objective: the
 * objective removed with all its key results (0: none); kr: the one key
 * result removed (0: none). */
static void unlink_children(struct okr_state *s, uint32_t objective, uint32_t kr)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        struct okr_objective *o = &s->objectives[i];
        if (objective && o->num == objective)
            continue;
        int changed = 0;
        if (objective && o->aligns_to == objective) {
            o->aligns_to = 0;
            changed = 1;
        }
        if (o->inherits) {
            const struct okr_key_result *k = okr_key_result_find(s, o->inherits);
            int gone = kr ? o->inherits == kr : k != NULL && k->objective == objective;
            if (gone) {
                o->inherits = 0;
                changed = 1;
            }
        }
        o->version += (uint64_t)changed;
    }
}

static int fold_objective_remove(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    if (entity_num(ev, OKR_OBJECTIVE, &num) != 0 || okr_objective_find(s, num) == NULL)
        return CAS_EINVAL;
    unlink_children(s, num, 0);
    /* Its key results go with it (with their initiatives, dependencies and
     * comments), then it with its own comments. */
    size_t i = 0;
    while (i < s->nkey_results) {
        if (s->key_results[i].objective == num)
            okr_key_result_remove(s, s->key_results[i].num);
        else
            i++;
    }
    okr_objective_remove(s, num);
    return 0;
}

static int fold_close_note(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    struct okr_objective *o;
    const char *text;
    if (entity_num(ev, OKR_OBJECTIVE, &num) != 0 || (o = okr_objective_find(s, num)) == NULL ||
        new_text(ev, "close_note", &text) != 1)
        return CAS_EINVAL;
    TRY(set_text(&o->close_note, text));
    o->version++;
    return 0;
}

/* ---- Key results ------------------------------------------------------------ */

static int kr_status(const Cascade__V1__Event *ev, enum okr_kr_status *status)
{
    const char *text;
    int rc = new_text(ev, "status", &text);
    if (rc <= 0)
        return rc;
    return okr_kr_status_parse(text, status) == 0 ? 1 : CAS_EINVAL;
}

/* A weight as the server takes one: 0 to OKR_WEIGHT_MAX. */
static int kr_weight(const Cascade__V1__Event *ev, struct okr_key_result *k)
{
    double w;
    int rc = new_number(ev, "weight", &w);
    if (rc <= 0)
        return rc;
    if (w < 0 || w > OKR_WEIGHT_MAX)
        return CAS_EINVAL;
    k->has_weight = 1;
    k->weight = w;
    return 1;
}

static int fold_kr_add(struct okr_state *s, const Cascade__V1__Event *ev)
{
    /* What a new key result starts with, as the server makes one. */
    struct okr_key_result k = {.version = 1, .confidence = 0.5, .status = OKR_ON_TRACK};
    uint32_t idea = 0;
    const char *title, *idea_text;
    int rc;
    if (new_num(s, ev, OKR_KEY_RESULT, &s->next_key_result, &k.num) != 0 ||
        new_ref(s, ev, "objective", OKR_OBJECTIVE, &k.objective) != 1 || k.objective == 0 ||
        new_flag(ev, "milestone", &k.milestone) < 0 || new_number(ev, "start", &k.start) < 0 ||
        new_number(ev, "target", &k.target) < 0 || new_number(ev, "current", &k.current) < 0 ||
        new_text(ev, "title", &title) != 1 || (rc = new_text(ev, "from_idea", &idea_text)) < 0 ||
        (rc == 1 && idea_text[0] != '\0' && okr_id_parse(idea_text, OKR_IDEA, &idea) != 0))
        return CAS_EINVAL;
    if (k.milestone) {
        k.start = 0;
        k.target = 1;
        k.current = 0;
    }
    k.from_idea = idea;
    rc = kr_weight(ev, &k);
    if (rc < 0)
        return rc;
    /* An import's key result comes with how it stood: done, confidence,
     * status and blocker (apply_import.c). */
    const char *status;
    if (new_flag(ev, "done", &k.done) < 0 || new_number(ev, "confidence", &k.confidence) < 0 ||
        k.confidence < 0 || k.confidence > 1 || (rc = new_text(ev, "status", &status)) < 0 ||
        (rc == 1 && okr_kr_status_parse(status, &k.status) != 0))
        return CAS_EINVAL;
    k.done = k.milestone && k.done;
    if ((k.title = strdup(title)) == NULL || (k.owner = strdup("")) == NULL ||
        (k.unit = strdup("")) == NULL || (rc = take_text(ev, "owner", &k.owner)) < 0 ||
        (rc = take_text(ev, "unit", &k.unit)) < 0 || (rc = take_text(ev, "blocker", &k.blocker)) < 0 ||
        (rc = take_text(ev, "carried_from", &k.carried_from)) < 0) {
        okr_key_result_clear(&k);
        return rc < 0 ? rc : CAS_ENOMEM;
    }
    return okr_key_result_insert(s, &k) != NULL ? 0 : CAS_ENOMEM;
}

static int fold_kr_edit(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    struct okr_key_result *k;
    if (entity_num(ev, OKR_KEY_RESULT, &num) != 0 || (k = okr_key_result_find(s, num)) == NULL)
        return CAS_EINVAL;
    struct okr_key_result next = *k; /* the numbers, checked before any change */
    int milestone = k->milestone, has_milestone;
    if (new_ref(s, ev, "objective", OKR_OBJECTIVE, &next.objective) < 0 || next.objective == 0 ||
        new_number(ev, "start", &next.start) < 0 || new_number(ev, "target", &next.target) < 0 ||
        new_number(ev, "current", &next.current) < 0 || kr_status(ev, &next.status) < 0 ||
        kr_weight(ev, &next) < 0 || (has_milestone = new_flag(ev, "milestone", &milestone)) < 0)
        return CAS_EINVAL;
    TRY(take_text(ev, "title", &k->title));
    TRY(take_text(ev, "owner", &k->owner));
    TRY(take_text(ev, "unit", &k->unit));
    k->objective = next.objective;
    k->start = next.start;
    k->target = next.target;
    k->current = next.current;
    k->status = next.status;
    k->has_weight = next.has_weight;
    k->weight = next.weight;
    if (has_milestone && milestone != k->milestone) {
        /* Either way it starts afresh: a milestone not done, a metric at
         * its start (the event gives the new current). */
        k->milestone = milestone;
        k->done = 0;
        if (milestone) {
            k->start = 0;
            k->target = 1;
            TRY(set_text(&k->unit, ""));
        }
    }
    k->version++;
    return 0;
}

static int fold_kr_checkin(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    struct okr_key_result *k;
    if (entity_num(ev, OKR_KEY_RESULT, &num) != 0 || (k = okr_key_result_find(s, num)) == NULL)
        return CAS_EINVAL;
    double current = k->current, confidence = k->confidence;
    int done = k->done;
    enum okr_kr_status status = k->status;
    if (new_number(ev, "current", &current) < 0 || new_flag(ev, "done", &done) < 0 ||
        new_number(ev, "confidence", &confidence) < 0 || confidence < 0 || confidence > 1 ||
        kr_status(ev, &status) < 0)
        return CAS_EINVAL;
    /* The note is the check-in's own (kr history); the cascade keeps only
     * the open blocker. */
    TRY(take_text(ev, "blocker", &k->blocker));
    k->current = current;
    k->done = done;
    k->confidence = confidence;
    k->status = status;
    k->checked_in_ms = ev->time_ms;
    k->version++;
    return 0;
}

static int fold_kr_remove(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    if (entity_num(ev, OKR_KEY_RESULT, &num) != 0 || okr_key_result_find(s, num) == NULL)
        return CAS_EINVAL;
    unlink_children(s, 0, num);
    okr_key_result_remove(s, num);
    return 0;
}

/* ---- Initiatives, dependencies, comments ------------------------------------ */

static int fold_initiative_add(struct okr_state *s, const Cascade__V1__Event *ev)
{
    struct okr_initiative i = {.version = 1};
    const char *title;
    if (new_num(s, ev, OKR_INITIATIVE, &s->next_initiative, &i.num) != 0 ||
        new_ref(s, ev, "key_result", OKR_KEY_RESULT, &i.key_result) != 1 || i.key_result == 0 ||
        new_text(ev, "title", &title) != 1 || new_flag(ev, "done", &i.done) < 0)
        return CAS_EINVAL;
    if ((i.title = strdup(title)) == NULL)
        return CAS_ENOMEM;
    return okr_initiative_insert(s, &i) != NULL ? 0 : CAS_ENOMEM;
}

static int fold_initiative_done(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    struct okr_initiative *i;
    int done = 1;
    if (entity_num(ev, OKR_INITIATIVE, &num) != 0 ||
        (i = okr_initiative_find(s, num)) == NULL || new_flag(ev, "done", &done) < 0)
        return CAS_EINVAL;
    i->done = done;
    i->version++;
    return 0;
}

static int fold_dependency_add(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t kr, on;
    struct okr_key_result *k;
    if (entity_num(ev, OKR_KEY_RESULT, &kr) != 0 || (k = okr_key_result_find(s, kr)) == NULL ||
        new_ref(s, ev, "depends_on", OKR_KEY_RESULT, &on) != 1 || on == 0 || on == kr)
        return CAS_EINVAL;
    TRY(okr_dependency_add(s, kr, on));
    k->version++;
    return 0;
}

static int fold_comment_add(struct okr_state *s, const Cascade__V1__Event *ev)
{
    struct okr_comment c = {.time_ms = ev->time_ms};
    const char *target, *text;
    if (new_num(s, ev, OKR_COMMENT, &s->next_comment, &c.num) != 0 ||
        new_text(ev, "target", &target) != 1 || new_text(ev, "text", &text) != 1)
        return CAS_EINVAL;
    c.target_kind = target[0] == 'K' || target[0] == 'k' ? OKR_KEY_RESULT : OKR_OBJECTIVE;
    if (okr_id_parse(target, c.target_kind, &c.target) != 0 ||
        !okr_entity_exists(s, c.target_kind, c.target))
        return CAS_EINVAL;
    /* An import's comment keeps its author, time and resolution
     * (apply_import.c); a comment made here is the actor's, now. */
    double time = (double)ev->time_ms, resolved = (double)ev->time_ms;
    const char *author = ev->actor != NULL ? ev->actor : "";
    int rc;
    if (new_text(ev, "author", &author) < 0 || new_number(ev, "time", &time) < 0 ||
        new_number(ev, "resolved_ms", &resolved) < 0)
        return CAS_EINVAL;
    c.time_ms = (int64_t)time;
    if ((c.author = strdup(author)) == NULL || (c.text = strdup(text)) == NULL ||
        (rc = take_text(ev, "resolved_by", &c.resolved_by)) < 0) {
        okr_comment_clear(&c);
        return CAS_ENOMEM;
    }
    if (c.resolved_by != NULL && c.resolved_by[0] != '\0')
        c.resolved_ms = (int64_t)resolved;
    return okr_comment_insert(s, &c) != NULL ? 0 : CAS_ENOMEM;
}

static int fold_comment_remove(struct okr_state *s, const Cascade__V1__Event *ev)
{
    uint32_t num;
    if (entity_num(ev, OKR_COMMENT, &num) != 0 || okr_comment_remove(s, num) != 0)
        return CAS_EINVAL;
    return 0;
}

/* comment.resolve (by the event's actor, at its time) and comment.reopen. */
static int fold_comment_resolve(struct okr_state *s, const Cascade__V1__Event *ev, int resolve)
{
    uint32_t num;
    struct okr_comment *c;
    if (entity_num(ev, OKR_COMMENT, &num) != 0 || (c = okr_comment_find(s, num)) == NULL)
        return CAS_EINVAL;
    const char *by = "";
    if (resolve && new_text(ev, "resolved_by", &by) < 0)
        return CAS_EINVAL;
    if (resolve && by[0] == '\0')
        by = ev->actor != NULL ? ev->actor : "";
    TRY(set_text(&c->resolved_by, by));
    c->resolved_ms = resolve ? ev->time_ms : 0;
    return 0;
}

/* ---- The workshop as a whole ------------------------------------------------ */

/* Closing fixes every grade from the scores of that moment, as the server
 * does with the same function; reopening drops them. */
static int fold_close(struct okr_state *s, const Cascade__V1__Event *ev, int close)
{
    if (close) {
        TRY(set_text(&s->closed_by, ev->actor != NULL ? ev->actor : ""));
        closing_fix_grades(s);
        s->closed_ms = ev->time_ms;
        return 0;
    }
    closing_drop_grades(s);
    free(s->closed_by);
    s->closed_by = NULL;
    s->closed_ms = 0;
    return 0;
}

static int fold_applied(struct okr_state *s, const Cascade__V1__Event *ev)
{
    const char *t = ev->type;
    if (strcmp(t, "team.add") == 0)
        return fold_team_add(s, ev);
    if (strcmp(t, "team.edit") == 0)
        return fold_team_edit(s, ev);
    if (strcmp(t, "team.remove") == 0)
        return fold_team_remove(s, ev);
    if (strcmp(t, "team.member_add") == 0 || strcmp(t, "team.member_remove") == 0)
        return fold_team_member(s, ev, strcmp(t, "team.member_add") == 0);
    if (strcmp(t, "participant.join") == 0 || strcmp(t, "participant.role") == 0)
        return fold_participant(s, ev);
    if (strcmp(t, "participant.remove") == 0)
        return fold_participant_remove(s, ev);
    if (strcmp(t, "objective.add") == 0)
        return fold_objective_add(s, ev);
    if (strcmp(t, "objective.edit") == 0)
        return fold_objective_edit(s, ev);
    if (strcmp(t, "objective.check") == 0)
        return fold_objective_check(s, ev);
    if (strcmp(t, "objective.remove") == 0)
        return fold_objective_remove(s, ev);
    if (strcmp(t, "objective.close_note") == 0)
        return fold_close_note(s, ev);
    if (strcmp(t, "kr.add") == 0)
        return fold_kr_add(s, ev);
    if (strcmp(t, "kr.edit") == 0)
        return fold_kr_edit(s, ev);
    if (strcmp(t, "kr.checkin") == 0)
        return fold_kr_checkin(s, ev);
    if (strcmp(t, "kr.remove") == 0)
        return fold_kr_remove(s, ev);
    if (strcmp(t, "initiative.add") == 0)
        return fold_initiative_add(s, ev);
    if (strcmp(t, "initiative.done") == 0)
        return fold_initiative_done(s, ev);
    if (strcmp(t, "dependency.add") == 0)
        return fold_dependency_add(s, ev);
    if (strcmp(t, "comment.add") == 0)
        return fold_comment_add(s, ev);
    if (strcmp(t, "comment.remove") == 0)
        return fold_comment_remove(s, ev);
    if (strcmp(t, "comment.resolve") == 0 || strcmp(t, "comment.reopen") == 0)
        return fold_comment_resolve(s, ev, strcmp(t, "comment.resolve") == 0);
    if (strcmp(t, "workshop.close") == 0 || strcmp(t, "workshop.reopen") == 0)
        return fold_close(s, ev, strcmp(t, "workshop.close") == 0);
    return 0; /* workshop.next */
}

int okr_fold_event(struct okr_state *s, const Cascade__V1__Event *ev)
{
    if (ev == NULL || ev->type == NULL || ev->entity == NULL || ev->seq <= s->seq)
        return CAS_EINVAL;
    enum okr_fold_kind kind = okr_fold_type(ev->type);
    if (kind == OKR_FOLD_APPLIED) {
        int rc = fold_applied(s, ev);
        if (rc < 0)
            return rc;
    }
    s->seq = ev->seq;
    return (int)kind;
}
