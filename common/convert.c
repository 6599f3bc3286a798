#include "convert.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "ideas.h"
#include "score.h"

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

/* A fixed grade, with its colour; NULL while the workshop is open. */
static Cascade__V1__Grade *grade_to_wire(int graded, double score, struct convert_ids *ids)
{
    if (!graded)
        return NULL;
    cascade__v1__grade__init(&ids->grade);
    ids->grade.score = score;
    ids->grade.colour = (char *)score_colour_name(score_colour(score));
    return &ids->grade;
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
    out->status = (char *)okr_status_name(o->status);
    out->version = o->version;
    const struct okr_check *checks[2] = {&o->necessary, &o->sufficient};
    Cascade__V1__Check *wire[2] = {&ids->necessary, &ids->sufficient};
    for (int i = 0; i < 2; i++) {
        cascade__v1__check__init(wire[i]);
        wire[i]->answer = (Cascade__V1__Answer)checks[i]->answer;
        wire[i]->by = checks[i]->by != NULL ? checks[i]->by : (char *)"";
        wire[i]->at_ms = checks[i]->at_ms;
    }
    out->necessary = &ids->necessary;
    out->sufficient = &ids->sufficient;
    out->from_idea = ref_text(OKR_IDEA, o->from_idea, ids->ref4);
    out->final = grade_to_wire(o->graded, o->final_score, ids);
    out->close_note = o->close_note != NULL ? o->close_note : (char *)"";
    out->carried_from = o->carried_from != NULL ? o->carried_from : (char *)"";
}

void convert_key_result_to_wire(const struct okr_key_result *k, Cascade__V1__KeyResult *out,
                                struct convert_ids *ids)
{
    cascade__v1__key_result__init(out);
    out->id = ref_text(OKR_KEY_RESULT, k->num, ids->id);
    out->objective = ref_text(OKR_OBJECTIVE, k->objective, ids->ref1);
    out->from_idea = ref_text(OKR_IDEA, k->from_idea, ids->ref2);
    out->weight = okr_key_result_weight(k);
    out->has_weight = 1;
    out->checked_in_ms = k->checked_in_ms;
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
    out->status = (char *)okr_kr_status_name(k->status);
    out->blocker = k->blocker != NULL ? k->blocker : (char *)"";
    out->final = grade_to_wire(k->graded, k->final_score, ids);
    out->carried_from = k->carried_from != NULL ? k->carried_from : (char *)"";
}

void convert_initiative_to_wire(const struct okr_initiative *i, Cascade__V1__Initiative *out,
                                struct convert_ids *ids)
{
    cascade__v1__initiative__init(out);
    out->id = ref_text(OKR_INITIATIVE, i->num, ids->id);
    out->key_result = ref_text(OKR_KEY_RESULT, i->key_result, ids->ref1);
    out->title = i->title;
    out->done = i->done;
    out->version = i->version;
}

void convert_dependency_to_wire(const struct okr_dependency *d, Cascade__V1__Dependency *out,
                                struct convert_ids *ids)
{
    cascade__v1__dependency__init(out);
    out->key_result = ref_text(OKR_KEY_RESULT, d->key_result, ids->ref1);
    out->depends_on = ref_text(OKR_KEY_RESULT, d->depends_on, ids->ref2);
}

void convert_comment_to_wire(const struct okr_comment *c, Cascade__V1__Comment *out,
                             struct convert_ids *ids)
{
    cascade__v1__comment__init(out);
    out->id = ref_text(OKR_COMMENT, c->num, ids->id);
    out->target = ref_text(c->target_kind, c->target, ids->ref1);
    out->author = c->author;
    out->text = c->text;
    out->time_ms = c->time_ms;
    out->resolved_by = c->resolved_by != NULL ? c->resolved_by : (char *)"";
    out->resolved_ms = c->resolved_ms;
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
    if (out->name == NULL)
        return CAS_ENOMEM;
    if (in->n_members == 0)
        return 0;
    out->members = calloc(in->n_members, sizeof *out->members);
    if (out->members == NULL)
        goto fail;
    for (; out->nmembers < in->n_members; out->nmembers++)
        if ((out->members[out->nmembers] = dup_text(in->members[out->nmembers])) == NULL)
            goto fail;
    return 0;
fail:
    okr_team_clear(out);
    return CAS_ENOMEM;
}

int convert_objective_from_wire(const Cascade__V1__Objective *in, struct okr_objective *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_OBJECTIVE, &out->num) != 0 ||
        parse_ref(in->team, OKR_TEAM, &out->team) != 0 ||
        parse_ref(in->aligns_to, OKR_OBJECTIVE, &out->aligns_to) != 0 ||
        parse_ref(in->inherits, OKR_KEY_RESULT, &out->inherits) != 0 ||
        parse_ref(in->from_idea, OKR_IDEA, &out->from_idea) != 0)
        return CAS_EINVAL;
    out->committed = in->committed;
    out->version = in->version;
    if (okr_status_parse(in->status, &out->status) != 0)
        out->status = OKR_DRAFT;
    const Cascade__V1__Check *checks[2] = {in->necessary, in->sufficient};
    struct okr_check *mine[2] = {&out->necessary, &out->sufficient};
    for (int i = 0; i < 2; i++) {
        if (checks[i] == NULL)
            continue;
        mine[i]->answer = checks[i]->answer == CASCADE__V1__ANSWER__YES  ? OKR_YES
                          : checks[i]->answer == CASCADE__V1__ANSWER__NO ? OKR_NO
                                                                         : OKR_ANSWER_NONE;
        mine[i]->by = dup_text(checks[i]->by);
        mine[i]->at_ms = checks[i]->at_ms;
    }
    out->graded = in->final != NULL;
    out->final_score = in->final != NULL ? in->final->score : 0;
    out->title = dup_text(in->title);
    out->owner = dup_text(in->owner);
    out->rationale = dup_text(in->rationale);
    out->close_note = dup_text(in->close_note);
    out->carried_from = dup_text(in->carried_from);
    if (out->title == NULL || out->owner == NULL || out->rationale == NULL ||
        out->close_note == NULL || out->carried_from == NULL ||
        (in->necessary != NULL && out->necessary.by == NULL) ||
        (in->sufficient != NULL && out->sufficient.by == NULL)) {
        okr_objective_clear(out);
        return CAS_ENOMEM;
    }
    return 0;
}

int convert_key_result_from_wire(const Cascade__V1__KeyResult *in, struct okr_key_result *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_KEY_RESULT, &out->num) != 0 ||
        parse_ref(in->objective, OKR_OBJECTIVE, &out->objective) != 0 ||
        parse_ref(in->from_idea, OKR_IDEA, &out->from_idea) != 0)
        return CAS_EINVAL;
    out->milestone = in->milestone;
    out->has_weight = in->has_weight;
    out->weight = in->weight;
    out->next_due_ms = in->next_due_ms;
    out->checked_in_ms = in->checked_in_ms;
    out->overdue = in->overdue;
    out->start = in->start;
    out->target = in->target;
    out->current = in->current;
    out->done = in->done;
    out->confidence = in->confidence;
    out->version = in->version;
    out->graded = in->final != NULL;
    out->final_score = in->final != NULL ? in->final->score : 0;
    if (okr_kr_status_parse(in->status, &out->status) != 0)
        out->status = OKR_ON_TRACK;
    out->title = dup_text(in->title);
    out->owner = dup_text(in->owner);
    out->unit = dup_text(in->unit);
    out->blocker = dup_text(in->blocker);
    out->carried_from = dup_text(in->carried_from);
    if (out->title == NULL || out->owner == NULL || out->unit == NULL || out->blocker == NULL ||
        out->carried_from == NULL) {
        okr_key_result_clear(out);
        return CAS_ENOMEM;
    }
    return 0;
}

int convert_initiative_from_wire(const Cascade__V1__Initiative *in, struct okr_initiative *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_INITIATIVE, &out->num) != 0 ||
        parse_ref(in->key_result, OKR_KEY_RESULT, &out->key_result) != 0)
        return CAS_EINVAL;
    out->done = in->done;
    out->version = in->version;
    out->title = dup_text(in->title);
    return out->title != NULL ? 0 : CAS_ENOMEM;
}

int convert_comment_from_wire(const Cascade__V1__Comment *in, struct okr_comment *out)
{
    memset(out, 0, sizeof *out);
    if (okr_id_parse(in->id, OKR_COMMENT, &out->num) != 0)
        return CAS_EINVAL;
    out->target_kind = in->target[0] == 'K' || in->target[0] == 'k' ? OKR_KEY_RESULT : OKR_OBJECTIVE;
    if (parse_ref(in->target, out->target_kind, &out->target) != 0)
        return CAS_EINVAL;
    out->time_ms = in->time_ms;
    out->author = dup_text(in->author);
    out->text = dup_text(in->text);
    out->resolved_by = dup_text(in->resolved_by);
    out->resolved_ms = in->resolved_ms;
    if (out->author == NULL || out->text == NULL || out->resolved_by == NULL) {
        okr_comment_clear(out);
        return CAS_ENOMEM;
    }
    return 0;
}

void convert_idea_to_wire(const struct okr_idea *i, int redact, uint32_t votes,
                          Cascade__V1__Idea *out, struct convert_ids *ids)
{
    cascade__v1__idea__init(out);
    out->id = ref_text(OKR_IDEA, i->num, ids->id);
    out->text = redact ? (char *)"" : i->text;
    out->author = redact || i->author == NULL ? (char *)"" : i->author;
    out->time_ms = i->time_ms;
    out->revealed = i->revealed;
    out->hidden_by = i->hidden_by != NULL ? i->hidden_by : (char *)"";
    out->merged_into = ref_text(OKR_IDEA, i->merged_into, ids->ref1);
    out->promoted_to = ref_text(i->promoted_kind, i->promoted_num, ids->ref2);
    out->votes = votes;
    out->retro = (char *)okr_retro_kind_name(i->retro);
    out->on = ref_text(OKR_OBJECTIVE, i->on, ids->ref3);
}

int convert_idea_from_wire(const Cascade__V1__Idea *in, struct okr_idea *out)
{
    memset(out, 0, sizeof *out);
    uint32_t promoted = 0;
    enum okr_kind kind = in->promoted_to[0] == 'K' ? OKR_KEY_RESULT : OKR_OBJECTIVE;
    if (okr_id_parse(in->id, OKR_IDEA, &out->num) != 0 ||
        parse_ref(in->merged_into, OKR_IDEA, &out->merged_into) != 0 ||
        parse_ref(in->promoted_to, kind, &promoted) != 0 ||
        parse_ref(in->on, OKR_OBJECTIVE, &out->on) != 0)
        return CAS_EINVAL;
    if (in->retro[0] != '\0' && okr_retro_kind_parse(in->retro, &out->retro) != 0)
        return CAS_EINVAL;
    out->promoted_kind = promoted ? kind : 0;
    out->promoted_num = promoted;
    out->time_ms = in->time_ms;
    out->revealed = in->revealed;
    out->votes = in->votes;
    out->text = dup_text(in->text);
    out->author = dup_text(in->author);
    out->hidden_by = dup_text(in->hidden_by);
    if (out->text == NULL || out->author == NULL || out->hidden_by == NULL) {
        okr_idea_clear(out);
        return CAS_ENOMEM;
    }
    return 0;
}

static const char *const VOTE_STATES[] = {"", "open", "revealed"};

void convert_vote_to_wire(const struct okr_vote *v, uint32_t voters, Cascade__V1__VoteState *out)
{
    cascade__v1__vote_state__init(out);
    out->number = v->number;
    out->state = (char *)VOTE_STATES[v->state <= OKR_VOTE_REVEALED ? v->state : 0];
    out->budget = v->budget;
    out->max_per_idea = v->max_per_idea;
    out->closes_ms = v->closes_ms;
    out->started_by = v->started_by != NULL ? v->started_by : (char *)"";
    out->voters = voters;
    out->retro = v->retro;
}

/* The ideas, the vote and the reader's own dots of a snapshot. */
static int snapshot_ideas(const Cascade__V1__Snapshot *snap, struct okr_state *state)
{
    for (size_t i = 0; i < snap->n_ideas; i++) {
        struct okr_idea idea;
        int rc = convert_idea_from_wire(snap->ideas[i], &idea);
        if (rc != 0)
            return rc;
        if (okr_idea_insert(state, &idea) == NULL)
            return CAS_ENOMEM;
    }
    state->ideas_unrevealed = snap->ideas_unrevealed;
    const Cascade__V1__VoteState *v = snap->vote;
    if (v != NULL && v->number != 0) {
        state->vote.number = v->number;
        state->vote.state = strcmp(v->state, "open") == 0       ? OKR_VOTE_OPEN
                            : strcmp(v->state, "revealed") == 0 ? OKR_VOTE_REVEALED
                                                                : OKR_VOTE_NONE;
        state->vote.budget = v->budget;
        state->vote.max_per_idea = v->max_per_idea;
        state->vote.closes_ms = v->closes_ms;
        state->vote.voters = v->voters;
        state->vote.retro = v->retro;
        if ((state->vote.started_by = dup_text(v->started_by)) == NULL)
            return CAS_ENOMEM;
    }
    /* The reader's own dots, kept under the name "" (a snapshot does not
     * say whose they are). */
    for (size_t i = 0; i < snap->n_my_votes; i++) {
        uint32_t num;
        if (okr_id_parse(snap->my_votes[i]->idea, OKR_IDEA, &num) != 0)
            return CAS_EINVAL;
        if (okr_ballot_set(state, "", num, snap->my_votes[i]->count) != 0)
            return CAS_ENOMEM;
    }
    return 0;
}

int convert_snapshot_to_state(const Cascade__V1__Snapshot *snap, struct okr_state *state)
{
    state->seq = snap->seq;
    if (snap->info != NULL && snap->info->closed) {
        if ((state->closed_by = dup_text(snap->info->closed_by)) == NULL)
            return CAS_ENOMEM;
        state->closed_ms = snap->info->closed_ms;
    }
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
    for (size_t i = 0; i < snap->n_initiatives; i++) {
        struct okr_initiative in;
        int rc = convert_initiative_from_wire(snap->initiatives[i], &in);
        if (rc != 0)
            return rc;
        if (okr_initiative_insert(state, &in) == NULL)
            return CAS_ENOMEM;
    }
    for (size_t i = 0; i < snap->n_dependencies; i++) {
        uint32_t from, to;
        if (okr_id_parse(snap->dependencies[i]->key_result, OKR_KEY_RESULT, &from) != 0 ||
            okr_id_parse(snap->dependencies[i]->depends_on, OKR_KEY_RESULT, &to) != 0)
            return CAS_EINVAL;
        if (okr_dependency_add(state, from, to) != 0)
            return CAS_ENOMEM;
    }
    for (size_t i = 0; i < snap->n_comments; i++) {
        struct okr_comment c;
        int rc = convert_comment_from_wire(snap->comments[i], &c);
        if (rc != 0)
            return rc;
        if (okr_comment_insert(state, &c) == NULL)
            return CAS_ENOMEM;
    }
    return snapshot_ideas(snap, state);
}
