/* Restructuring the cascade without losing history: editing and removing
 * teams, the checks that keep a moved objective or key result where the
 * level rules allow and out of cycles, and removals that name what refers
 * to the removed entity instead of silently taking it along. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "errors.h"

/* ---- Where an objective sits --------------------------------------------------- */

uint32_t apply_objective_parent(const struct okr_state *s, const struct okr_objective *o)
{
    if (o->aligns_to)
        return o->aligns_to;
    const struct okr_key_result *k = o->inherits ? okr_key_result_find(s, o->inherits) : NULL;
    return k != NULL ? k->objective : 0;
}

int apply_reaches(const struct okr_state *s, uint32_t from, uint32_t target)
{
    /* At most one step per objective: a walk longer than that is going round
     * a cycle, which the checks below never let in, so stop either way. */
    for (size_t steps = 0; from != 0 && steps <= s->nobjectives; steps++) {
        if (from == target)
            return 1;
        const struct okr_objective *o = okr_objective_find(s, from);
        if (o == NULL)
            return 0;
        from = apply_objective_parent(s, o);
    }
    return 0;
}

int apply_check_objective_place(const struct okr_state *s, uint32_t num, uint32_t team,
                                uint32_t aligns_to, uint32_t inherits, struct apply_result *r)
{
    uint32_t parent = aligns_to;
    if (inherits) {
        const struct okr_key_result *k = okr_key_result_find(s, inherits);
        parent = k != NULL ? k->objective : 0;
    }
    const char *what = aligns_to ? "align to" : "inherit from";
    if (parent != 0) {
        if (apply_reaches(s, parent, num))
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                parent == num ? "O%u cannot %s itself."
                                              : "O%u cannot %s O%u: O%u sits below it in the "
                                                "cascade, which would make a cycle.",
                                num, what, parent, parent);
        int rc = apply_check_alignment(s, team, okr_objective_find(s, parent)->team, what, r);
        if (rc != 0)
            return rc;
    }
    /* Its children must stay below it. */
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *child = &s->objectives[i];
        if (child->num == num || apply_objective_parent(s, child) != num)
            continue;
        int rc = apply_check_alignment(s, child->team, team,
                                       child->aligns_to ? "align to" : "inherit from", r);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int apply_check_key_result_move(const struct okr_state *s, const struct okr_key_result *k,
                                uint32_t dest, struct apply_result *r)
{
    const struct okr_objective *to = okr_objective_find(s, dest);
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *heir = &s->objectives[i];
        if (heir->inherits != k->num)
            continue;
        if (apply_reaches(s, dest, heir->num))
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "K%u cannot move under O%u: O%u inherits K%u and O%u sits below "
                                "O%u, which would make a cycle.",
                                k->num, dest, heir->num, k->num, dest, heir->num);
        int rc = apply_check_alignment(s, heir->team, to->team, "inherit from", r);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* ---- Lists of ids, for sentences and events ------------------------------------- */

/* A short list of what a removal touches, as "O3, O5 and 2 more". */
struct id_list {
    char text[200];
    size_t n;
};

#define ID_LIST_SHOWN 8

static void id_list_add(struct id_list *l, const char *item)
{
    if (l->n < ID_LIST_SHOWN) {
        size_t len = strlen(l->text);
        snprintf(l->text + len, sizeof l->text - len, "%s%s", len ? " " : "", item);
    }
    l->n++;
}

static void id_list_add_id(struct id_list *l, enum okr_kind kind, uint32_t num)
{
    char id[16];
    okr_id_format(kind, num, id, sizeof id);
    id_list_add(l, id);
}

/* The list for a sentence: "O3, O5 and O9", "O3 ... and 4 more". */
static const char *id_list_words(const struct id_list *l, char *out, size_t outlen)
{
    out[0] = '\0';
    size_t shown = l->n < ID_LIST_SHOWN ? l->n : ID_LIST_SHOWN, i = 0;
    const char *p = l->text;
    while (*p != '\0') {
        size_t word = strcspn(p, " ");
        size_t len = strlen(out);
        const char *sep = i == 0 ? "" : (i + 1 == shown && l->n == shown) ? " and " : ", ";
        snprintf(out + len, outlen - len, "%s%.*s", sep, (int)word, p);
        p += word + (p[word] == ' ');
        i++;
    }
    if (l->n > shown) {
        size_t len = strlen(out);
        snprintf(out + len, outlen - len, " and %zu more", l->n - shown);
    }
    return out;
}

/* ---- What refers to an entity being removed -------------------------------------- */

/* Everything that refers to an objective or key result from outside it. */
struct references {
    struct id_list unlinked;     /* objectives aligned to it or inheriting from it */
    struct id_list aligned;      /* ... those aligned to it */
    struct id_list heirs;        /* ... those inheriting it (or its key results) */
    struct id_list dependents;   /* key results (elsewhere) that depend on it */
    struct id_list comments;
    int any;
};

static int in_removal(const struct okr_state *s, uint32_t key_result, uint32_t objective,
                      uint32_t kr_removed)
{
    if (kr_removed)
        return key_result == kr_removed;
    const struct okr_key_result *k = okr_key_result_find(s, key_result);
    return k != NULL && k->objective == objective;
}

/* Collects the references to objective `objective` (with all its key
 * results) or, when kr is not 0, to key result kr alone. */
static void collect_references(const struct okr_state *s, uint32_t objective, uint32_t kr,
                               struct references *refs)
{
    memset(refs, 0, sizeof *refs);
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!kr && o->num == objective)
            continue;
        int aligned = !kr && o->aligns_to == objective;
        int heir = o->inherits && in_removal(s, o->inherits, objective, kr);
        if (aligned || heir)
            id_list_add_id(&refs->unlinked, OKR_OBJECTIVE, o->num);
        if (aligned)
            id_list_add_id(&refs->aligned, OKR_OBJECTIVE, o->num);
        if (heir)
            id_list_add_id(&refs->heirs, OKR_OBJECTIVE, o->num);
    }
    for (size_t i = 0; i < s->ndependencies; i++) {
        const struct okr_dependency *d = &s->dependencies[i];
        if (in_removal(s, d->depends_on, objective, kr) &&
            !in_removal(s, d->key_result, objective, kr))
            id_list_add_id(&refs->dependents, OKR_KEY_RESULT, d->key_result);
    }
    for (size_t i = 0; i < s->ncomments; i++) {
        const struct okr_comment *c = &s->comments[i];
        int on = c->target_kind == OKR_KEY_RESULT ? in_removal(s, c->target, objective, kr)
                                                  : !kr && c->target == objective;
        if (on)
            id_list_add_id(&refs->comments, OKR_COMMENT, c->num);
    }
    refs->any = refs->unlinked.n || refs->dependents.n || refs->comments.n;
}

/* "O5 (aligned to it); K9 (depending on it); C2 (comments on it)". */
static void describe_references(const struct references *refs, int kr, char *out, size_t outlen)
{
    char words[300];
    out[0] = '\0';
    struct {
        const struct id_list *list;
        const char *what;
    } parts[] = {
        {&refs->aligned, "aligned to it"},
        {&refs->heirs, kr ? "inheriting it" : "inheriting its key results"},
        {&refs->dependents, "depending on it"},
        {&refs->comments, "comments on it"},
    };
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (parts[i].list->n == 0)
            continue;
        size_t len = strlen(out);
        snprintf(out + len, outlen - len, "%s%s (%s)", len ? "; " : "",
                 id_list_words(parts[i].list, words, sizeof words), parts[i].what);
    }
}

static int refuse_referenced(struct apply_result *r, const char *id, int kr,
                             const struct references *refs)
{
    char what[700];
    describe_references(refs, kr, what, sizeof what);
    return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "%s is referred to by %s; change those first, or remove it with --force "
                        "to take the references along.",
                        id, what);
}

/* After a forced removal: the objectives placed under the removed entity
 * stay, unlinked. Comments and dependencies go with the entity itself. */
static int unlink_children(struct okr_state *s, uint32_t objective, uint32_t kr,
                           struct apply_result *r)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        struct okr_objective *o = &s->objectives[i];
        if (!kr && o->num == objective)
            continue;
        int changed = 0;
        if (!kr && o->aligns_to == objective) {
            o->aligns_to = 0;
            changed = 1;
        }
        if (o->inherits && in_removal(s, o->inherits, objective, kr)) {
            o->inherits = 0;
            changed = 1;
        }
        if (changed) {
            o->version++;
            if (apply_also(r, OKR_OBJECTIVE, o->num) != 0)
                return CAS_ENOMEM;
        }
    }
    return 0;
}

/* The Ack's note after a forced removal. */
static void forced_note(const struct references *refs, char *out, size_t outlen)
{
    char words[300];
    out[0] = '\0';
    if (refs->comments.n) {
        snprintf(out, outlen, "Also removed %s.", id_list_words(&refs->comments, words, sizeof words));
    }
    if (refs->dependents.n) {
        size_t len = strlen(out);
        snprintf(out + len, outlen - len, "%sThe dependencies of %s on it went.", len ? " " : "",
                 id_list_words(&refs->dependents, words, sizeof words));
    }
    if (refs->unlinked.n) {
        size_t len = strlen(out);
        snprintf(out + len, outlen - len, "%s%s no longer %s under anything.", len ? " " : "",
                 id_list_words(&refs->unlinked, words, sizeof words),
                 refs->unlinked.n == 1 ? "sits" : "sit");
    }
}

/* The event's record of what a forced removal took along. */
static void event_references(struct event_builder *eb, const struct references *refs)
{
    if (refs->unlinked.n)
        eb_text(eb, "unlinked", refs->unlinked.text, NULL);
    if (refs->dependents.n)
        eb_text(eb, "dependents", refs->dependents.text, NULL);
    if (refs->comments.n)
        eb_text(eb, "comments", refs->comments.text, NULL);
}

int apply_objective_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                           struct apply_result *r)
{
    const Cascade__V1__ObjectiveRemove *m = req->objective_remove;
    uint32_t num;
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_OBJECTIVE, &num, r)) != 0)
        return rc;
    struct references refs;
    collect_references(s, num, 0, &refs);
    if (refs.any && !m->force)
        return refuse_referenced(r, m->id, 0, &refs);

    /* Its key results are its own and go with it, as do their initiatives;
     * the event lists every one of them. */
    char all_krs[2048] = "";
    size_t nkrs = 0;
    for (size_t i = 0; i < s->nkey_results; i++) {
        if (s->key_results[i].objective != num)
            continue;
        if (apply_also(r, OKR_KEY_RESULT, s->key_results[i].num) != 0)
            return apply_no_memory(r);
        size_t len = strlen(all_krs);
        snprintf(all_krs + len, sizeof all_krs - len, "%sK%u", len ? " " : "",
                 s->key_results[i].num);
        nkrs++;
    }
    if (unlink_children(s, num, 0, r) != 0)
        return apply_no_memory(r);
    apply_take_seq(s, r, OKR_OBJECTIVE, num);

    struct okr_objective *o = okr_objective_find(s, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "objective.remove", OKR_OBJECTIVE, num);
    eb_text(&eb, "team", eb_id(&eb, OKR_TEAM, o->team), NULL);
    eb_text(&eb, "title", o->title, NULL);
    if (nkrs > 0)
        eb_text(&eb, "key_results", all_krs, NULL);
    event_references(&eb, &refs);
    char note[700];
    forced_note(&refs, note, sizeof note);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.note = note;
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    for (size_t i = 0; i < r->nalso; i++)
        if (r->also[i].kind == OKR_KEY_RESULT)
            okr_key_result_remove(s, r->also[i].num);
    okr_objective_remove(s, num);
    return rc;
}

int apply_key_result_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                            struct apply_result *r)
{
    const Cascade__V1__KeyResultRemove *m = req->key_result_remove;
    uint32_t num;
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_KEY_RESULT, &num, r)) != 0)
        return rc;
    struct references refs;
    collect_references(s, 0, num, &refs);
    if (refs.any && !m->force)
        return refuse_referenced(r, m->id, 1, &refs);
    if (unlink_children(s, 0, num, r) != 0)
        return apply_no_memory(r);
    apply_take_seq(s, r, OKR_KEY_RESULT, num);
    struct okr_key_result *k = okr_key_result_find(s, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "kr.remove", OKR_KEY_RESULT, num);
    eb_text(&eb, "objective", eb_id(&eb, OKR_OBJECTIVE, k->objective), NULL);
    eb_text(&eb, "title", k->title, NULL);
    event_references(&eb, &refs);
    char note[700];
    forced_note(&refs, note, sizeof note);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.note = note;
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    okr_key_result_remove(s, num);
    return rc;
}

/* ---- Teams --------------------------------------------------------------------- */

static int team_is_below(const struct okr_state *s, uint32_t team, uint32_t ancestor)
{
    for (size_t steps = 0; team != 0 && steps <= s->nteams; steps++) {
        if (team == ancestor)
            return 1;
        const struct okr_team *t = okr_team_find(s, team);
        team = t != NULL ? t->parent : 0;
    }
    return 0;
}

/* A team at `level` under `parent`: its sub-teams below it, and every
 * objective alignment across it pointing up. */
static int check_team_place(const struct okr_state *s, const struct okr_team *t, uint32_t parent,
                            enum okr_level level, struct apply_result *r)
{
    if (parent != 0) {
        if (team_is_below(s, parent, t->num))
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                parent == t->num ? "T%u cannot sit under itself."
                                                 : "T%u cannot sit under T%u: T%u is one of its "
                                                   "sub-teams, which would make a cycle.",
                                t->num, parent, parent);
        enum okr_level parent_level = apply_team_level(s, parent);
        if (parent_level == OKR_LEVEL_INDIVIDUAL)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "T%u is an individual; an individual has no sub-teams.", parent);
        if (level <= parent_level)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "A %s cannot sit under T%u, a %s: a child's level must be below "
                                "its parent's.",
                                okr_level_name(level), parent, okr_level_name(parent_level));
    }
    for (size_t i = 0; i < s->nteams; i++) {
        const struct okr_team *child = &s->teams[i];
        if (child->parent != t->num)
            continue;
        if (level == OKR_LEVEL_INDIVIDUAL || child->level <= level)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "T%u cannot become a %s: its sub-team T%u is a %s, and a child's "
                                "level must be below its parent's.",
                                t->num, okr_level_name(level), child->num,
                                okr_level_name(child->level));
    }
    /* Objectives of this team and those placed under them, both ways. */
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        uint32_t up = apply_objective_parent(s, o);
        const struct okr_objective *above = up ? okr_objective_find(s, up) : NULL;
        if (above == NULL)
            continue;
        enum okr_level mine = o->team == t->num ? level : apply_team_level(s, o->team);
        enum okr_level theirs = above->team == t->num ? level : apply_team_level(s, above->team);
        if ((o->team == t->num || above->team == t->num) && theirs >= mine)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "T%u cannot become a %s under that parent: O%u (%s) sits under "
                                "O%u (%s), and alignment must point up the cascade.",
                                t->num, okr_level_name(level), o->num, okr_level_name(mine),
                                above->num, okr_level_name(theirs));
    }
    return 0;
}

int apply_team_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const struct okr_limits *lim = apply_limits(ctx);
    static const char *const EDITABLE[] = {"name", "parent", "level", NULL};
    const Cascade__V1__TeamEdit *m = req->team_edit;
    static const Cascade__V1__Team EMPTY = CASCADE__V1__TEAM__INIT;
    const Cascade__V1__Team *v = m->values != NULL ? m->values : &EMPTY;
    uint32_t num, parent;
    int rc;
    if ((rc = apply_resolve(s, m->id, OKR_TEAM, &num, r)) != 0 ||
        (rc = apply_check_fields(m->fields, m->n_fields, EDITABLE, m->id, r)) != 0)
        return rc;
    struct okr_team *t = okr_team_find(s, num);
    int name = apply_names_field(m->fields, m->n_fields, "name");
    int parent_named = apply_names_field(m->fields, m->n_fields, "parent");
    int level_named = apply_names_field(m->fields, m->n_fields, "level");
    if (name && (rc = apply_check_text(v->name, "team name", lim->team_name, 1, 0, r)) != 0)
        return rc;
    parent = t->parent;
    if (parent_named && (rc = apply_resolve_optional(s, v->parent, OKR_TEAM, &parent, r)) != 0)
        return rc;
    enum okr_level level = t->level;
    if (level_named) {
        level = convert_level_from_wire(v->level);
        if (level == OKR_LEVEL_NONE)
            return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                                "The level must be company, department, team or individual.");
    }
    if (m->base_version != 0 && m->base_version != t->version)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__CONFLICT,
                            "T%u changed since version %llu (it is at %llu now); look again and "
                            "retry.",
                            num, (unsigned long long)m->base_version,
                            (unsigned long long)t->version);
    if ((parent_named || level_named) && (rc = check_team_place(s, t, parent, level, r)) != 0)
        return rc;
    char *new_name = name ? strdup(v->name) : NULL;
    if (name && new_name == NULL)
        return apply_no_memory(r);

    struct okr_team old = *t;
    if (name)
        t->name = new_name;
    t->parent = parent;
    t->level = level;
    t->version++;
    apply_take_seq(s, r, OKR_TEAM, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "team.edit", OKR_TEAM, num);
    if (name)
        eb_text(&eb, "name", old.name, t->name);
    if (parent_named)
        eb_text(&eb, "parent", eb_id(&eb, OKR_TEAM, old.parent), eb_id(&eb, OKR_TEAM, t->parent));
    if (level_named)
        eb_text(&eb, "level", okr_level_name(old.level), okr_level_name(t->level));
    Cascade__V1__Team wt;
    struct convert_ids ids;
    convert_team_to_wire(t, &wt, &ids);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.entity_case = CASCADE__V1__ACK__ENTITY_TEAM;
    ack.team = &wt;
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    if (name)
        free(old.name);
    return rc;
}

int apply_team_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r)
{
    uint32_t num;
    int rc = apply_resolve(s, req->team_remove->id, OKR_TEAM, &num, r);
    if (rc != 0)
        return rc;
    struct id_list subs = {0}, objectives = {0};
    for (size_t i = 0; i < s->nteams; i++)
        if (s->teams[i].parent == num)
            id_list_add_id(&subs, OKR_TEAM, s->teams[i].num);
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].team == num)
            id_list_add_id(&objectives, OKR_OBJECTIVE, s->objectives[i].num);
    char words[300];
    if (subs.n)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "T%u still has sub-teams (%s); move or remove them first.", num,
                            id_list_words(&subs, words, sizeof words));
    if (objectives.n)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "T%u still has objectives (%s); move them to another team with "
                            "'cascade obj edit O# --team T#' or remove them first.",
                            num, id_list_words(&objectives, words, sizeof words));
    apply_take_seq(s, r, OKR_TEAM, num);
    struct okr_team *t = okr_team_find(s, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "team.remove", OKR_TEAM, num);
    eb_text(&eb, "name", t->name, NULL);
    if (t->parent)
        eb_text(&eb, "parent", eb_id(&eb, OKR_TEAM, t->parent), NULL);
    eb_text(&eb, "level", okr_level_name(t->level), NULL);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    okr_team_remove(s, num);
    return rc;
}
