/* Workshops: creating, listing and joining them; snapshots of their state;
 * subscriptions to their events. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply_agenda.h"
#include "authz.h"
#include "convert.h"
#include "crypto.h"
#include "errors.h"
#include "handlers.h"
#include "ideas.h"
#include "log.h"
#include "password_job.h"
#include "people.h"
#include "registry.h"
#include "requests.h"
#include "presence.h"
#include "replay.h"
#include "round.h"
#include "snapshot_image.h"
#include "cadence_timer.h"
#include "clock.h"
#include "conn.h"
#include "live.h"
#include "store.h"

static void fill_info(Cascade__V1__WorkshopInfo *info, const struct workshop *w, int role)
{
    cascade__v1__workshop_info__init(info);
    info->code = (char *)w->code;
    info->title = (char *)w->title;
    info->period = (char *)w->period;
    info->created_by = (char *)w->created_by;
    info->created_ms = w->created_ms;
    info->role = (Cascade__V1__Role)role;
    info->last_seq = w->committed_seq;
    info->observer_comments = w->observer_comments;
    info->closed = workshop_closed(w);
    info->closed_by = info->closed ? w->state.closed_by : (char *)"";
    info->closed_ms = info->closed ? w->state.closed_ms : 0;
    const struct workshop_cadence *cad = w->cadence;
    info->period_from = (char *)cad->from_text;
    info->period_to = (char *)cad->to_text;
    info->timezone = (char *)cad->sched.zone;
    info->cadence = (char *)cad->rule_text;
}

static void send_info(struct conn *c, uint64_t request_id, const struct workshop *w, int role)
{
    Cascade__V1__WorkshopInfo info;
    fill_info(&info, w, role);
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_INFO;
    f.workshop_info = &info;
    conn_send(c, &f);
}

int handlers_claim(struct conn *c, uint64_t request_id, struct workshop *w)
{
    if (cluster_claim(c->live, w) == 0)
        return 0;
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                    "The server cannot reach its database just now, so the change did not "
                    "happen; reading goes on. Try again in a moment.");
    return -1;
}

int handlers_check_text(struct conn *c, uint64_t request_id, const char *text, const char *what,
                        size_t max, int required)
{
    char err[256];
    if (okr_text_check(text, what, max, required, 0, err, sizeof err) == 0)
        return 0;
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
    return -1;
}

int workshop_refuse_archived(struct conn *c, uint64_t request_id, const struct workshop *w)
{
    if (w->archived_ms == 0)
        return 0;
    char msg[300], when[40];
    clock_utc_text(w->archived_ms, when, sizeof when);
    snprintf(msg, sizeof msg,
             "Workshop %s was archived by %s on %s; an administrator can put it back in "
             "service with 'cascade admin workshop unarchive %s'.",
             w->code, w->archived_by[0] ? w->archived_by : "an administrator", when, w->code);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__WORKSHOP_ARCHIVED, msg);
    return -1;
}

struct workshop *workshop_for_request(struct conn *c, const WireFrame *f)
{
    uint64_t request_id = f->request_id;
    const char *code = request_workshop(f);
    assert(code != NULL); /* only rows with a WORKSHOP column get here */
    char msg[300];
    struct workshop *w = registry_find(&c->live->registry, code);
    if (w == NULL) {
        char quoted[64];
        okr_text_quote(code, 16, quoted, sizeof quoted);
        snprintf(msg, sizeof msg,
                 "There is no workshop with the code '%s'; if a facilitator gave it a new code, "
                 "'cascade workshop list' shows it.",
                 quoted);
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return NULL;
    }
    if (workshop_refuse_archived(c, request_id, w) != 0)
        return NULL;
    /* A change is decided against the committed state, whichever node
     * wrote it last; who may make it too (cluster.h). A read sees at least
     * what was committed before it came, through any node. */
    if (request_refused_when_closed(f->body_case)) {
        if (handlers_claim(c, request_id, w) != 0)
            return NULL;
    } else {
        (void)cluster_refresh(c->live, w); /* else from memory, as it is */
    }
    if (workshop_refuse_archived(c, request_id, w) != 0)
        return NULL; /* archived on another node, as the claim found */
    if (authz_check(w, workshop_participant(w, c->user_id), c->admin, f, msg, sizeof msg) != 0) {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN, msg);
        return NULL;
    }
    if (authz_check_open(w, f->body_case, msg, sizeof msg) != 0) {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__WORKSHOP_CLOSED, msg);
        return NULL;
    }
    return w;
}

void handle_workshop_create(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__WorkshopCreate *m = f->workshop_create;
    const struct okr_limits *limits = &c->live->cfg.text_limits;
    if (handlers_check_text(c, f->request_id, m->title, "title", limits->title, 1) != 0 ||
        handlers_check_text(c, f->request_id, m->period, "period", limits->period, 0) != 0)
        return;
    const struct registry *r = &c->live->registry;
    size_t mine = 0;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->items[i]->created_by, c->user) == 0)
            mine++;
    if (mine >= c->live->cfg.max_workshops_per_user) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "You have created %zu workshops, the limit (--max-workshops-per-user); "
                 "ask an operator to raise it.",
                 c->live->cfg.max_workshops_per_user);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
        return;
    }
    struct workshop *w;
    int rc = registry_create(&c->live->registry, m->title, m->period, c->user_id, c->user,
                             clock_now_ms(), &w);
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the workshop; try again later.");
        return;
    }
    log_info("workshop %s \"%s\" created by '%s'", w->code, w->title, c->user);
    send_info(c, f->request_id, w, CASCADE__V1__ROLE__FACILITATOR);
}

void handle_workshop_list(struct conn *c, const WireFrame *f)
{
    const struct registry *r = &c->live->registry;
    Cascade__V1__WorkshopInfo *infos = calloc(r->n + 1, sizeof *infos);
    Cascade__V1__WorkshopInfo **ptrs = calloc(r->n + 1, sizeof *ptrs);
    if (infos == NULL || ptrs == NULL) {
        free(infos);
        free(ptrs);
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const struct participant *p = workshop_participant(r->items[i], c->user_id);
        if (p == NULL || r->items[i]->archived_ms != 0)
            continue;
        fill_info(&infos[n], r->items[i], p->role);
        ptrs[n] = &infos[n];
        n++;
    }
    Cascade__V1__WorkshopListReply reply = CASCADE__V1__WORKSHOP_LIST_REPLY__INIT;
    reply.n_workshops = n;
    reply.workshops = ptrs;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = f->request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_LIST_REPLY;
    out.workshop_list_reply = &reply;
    conn_send(c, &out);
    free(infos);
    free(ptrs);
}

/* An unknown code is a failed guess: counted against the user from this
 * address (net/guess.h) and logged, so that guessing shows and stops. */
static void refuse_unknown_code(struct conn *c, uint64_t request_id, const char *code)
{
    char msg[200], quoted[64];
    okr_text_quote(code, 16, quoted, sizeof quoted);
    guess_throttle_fail(&c->net->joins, c->user, c->ip, auth_now(c));
    cluster_share_guess(c->live, GUESS_FAILED, GUESS_JOIN, c->user, c->ip);
    log_info("conn %llu from %s: '%s' tried the join code '%s', which is unknown",
             (unsigned long long)c->id, c->peer, c->user, quoted);
    snprintf(msg, sizeof msg, "There is no workshop with the join code '%s'; check the code.",
             quoted);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
}

/* Joins c's user to w with role (and to team, unless 0), and answers. A
 * change is an event like any other (participant.join, participant.role or
 * team.member_add), answered after its commit; joining as what one already
 * is changes nothing and is answered at once. */
static void join_as(struct conn *c, uint64_t request_id, struct workshop *w, int role,
                    uint32_t team, const char *invite)
{
    const struct participant *p = workshop_participant(w, c->user_id);
    int old_role = p != NULL ? p->role : 0;
    if (team != 0 && (okr_team_find(&w->state, team) == NULL ||
                      workshop_team_member(w, team, c->user_id)))
        team = 0; /* a team gone since the invite, or one they are in already */
    if (old_role == role && team == 0) {
        send_info(c, request_id, w, role);
        return;
    }
    char msg[300];
    if (authz_check_open(w, CASCADE__V1__FRAME__BODY_JOIN, msg, sizeof msg) != 0) {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__WORKSHOP_CLOSED, msg);
        return;
    }
    char team_id[16] = "";
    if (team != 0)
        okr_id_format(OKR_TEAM, team, team_id, sizeof team_id);
    struct people_change change = {
        .op = PEOPLE_SET_ROLE, .user_id = c->user_id, .role = role, .team = team};
    struct people_field fields[2] = {
        {.name = "role",
         .old_value = old_role != 0 ? wire_role_name(old_role) : NULL,
         .new_value = wire_role_name(role)},
        {.name = "team", .new_value = team_id},
    };
    const char *type = old_role == 0 ? "participant.join" : "participant.role";
    size_t nfields = team != 0 ? 2 : 1;
    if (old_role == role) { /* only a team to join */
        change = (struct people_change){
            .op = PEOPLE_ADD_TO_TEAM, .user_id = c->user_id, .team = team};
        fields[0] = (struct people_field){.name = "member", .new_value = c->user};
        type = "team.member_add";
        nfields = 1;
    }
    if (invite != NULL) /* counted as used when the change is saved */
        snprintf(change.invite, sizeof change.invite, "%s", invite);
    /* The answer, sent after the commit, reports the seq of this change. */
    Cascade__V1__WorkshopInfo info;
    fill_info(&info, w, role);
    info.last_seq = w->state.seq + 1;
    WireFrame reply = CASCADE__V1__FRAME__INIT;
    reply.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_INFO;
    reply.workshop_info = &info;
    const char *subject = change.op == PEOPLE_ADD_TO_TEAM ? team_id : c->user;
    if (people_change(c, w, request_id, &change, c->user, type, subject, fields, nfields,
                      &reply) == 0 && old_role == 0)
        log_info("'%s' joined workshop %s", c->user, w->code);
}

/* Join takes the workshop's own code (members) or an invite code (the
 * invite's role and team). Someone removed comes back only by invite. */
void handle_join(struct conn *c, const WireFrame *f)
{
    if (auth_guess_refused(c, &c->net->joins, f->request_id, c->user, "join"))
        return;
    struct workshop *w = registry_find(&c->live->registry, f->join->code);
    if (w != NULL && handlers_claim(c, f->request_id, w) != 0)
        return;
    if (w != NULL && workshop_refuse_archived(c, f->request_id, w) != 0)
        return;
    if (w != NULL) {
        const struct participant *p = workshop_participant(w, c->user_id);
        if (p != NULL) {
            send_info(c, f->request_id, w, p->role); /* joining twice changes nothing */
            return;
        }
        if (workshop_removed(w, c->user_id)) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN,
                            "You were removed from this workshop; ask a facilitator for an invite.");
            return;
        }
        join_as(c, f->request_id, w, CASCADE__V1__ROLE__MEMBER, 0, NULL);
        return;
    }
    char code[WORKSHOP_CODE_LEN + 1];
    struct store_invite inv;
    if (workshop_code_normalize(f->join->code, code) != 0 ||
        store_invite_get(c->live->store, code, &inv) != 0 ||
        (w = registry_find_id(&c->live->registry, inv.workshop_id)) == NULL) {
        refuse_unknown_code(c, f->request_id, f->join->code);
        return;
    }
    if (handlers_claim(c, f->request_id, w) != 0)
        return;
    if (inv.revoked_ms != 0) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "The invite code %s was revoked; ask a facilitator of the workshop for a new "
                 "one.", code);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN, msg);
        return;
    }
    if (inv.expires_ms != 0 && clock_now_ms() >= inv.expires_ms) {
        char msg[200], when[32];
        clock_utc_text(inv.expires_ms, when, sizeof when);
        snprintf(msg, sizeof msg,
                 "The invite code %s expired on %s; ask a facilitator of the workshop for a new "
                 "one.", code, when);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    if (workshop_refuse_archived(c, f->request_id, w) != 0)
        return;
    /* Someone removed comes back only with an invite made after: the one
     * they used before (or kept) must not undo the removal. */
    int64_t removed_ms = 0;
    if (workshop_removed(w, c->user_id) &&
        store_participant_removed_ms(c->live->store, w->id, c->user_id, &removed_ms) == 0 &&
        inv.created_ms <= removed_ms) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN,
                        "That invite was made before you were removed from this workshop; ask "
                        "a facilitator for a new one.");
        return;
    }
    /* An invite never demotes a facilitator. */
    const struct participant *p = workshop_participant(w, c->user_id);
    int role = p != NULL && p->role == CASCADE__V1__ROLE__FACILITATOR ? p->role : inv.role;
    join_as(c, f->request_id, w, role, inv.team, code);
}

/* A code that no workshop and no invite has, in code; 0, or a negative
 * CAS_E* code. 31^10 codes: a clash is rare, and another draw settles it. */
static int fresh_code(struct conn *c, struct workshop *w, char code[WORKSHOP_CODE_LEN + 1])
{
    int rc = CAS_EEXIST;
    for (int attempt = 0; attempt < 16 && rc == CAS_EEXIST; attempt++) {
        struct store_invite inv;
        if ((rc = crypto_random_readable(code, WORKSHOP_CODE_LEN)) != 0)
            return rc;
        code[WORKSHOP_CODE_LEN] = '\0';
        if (registry_find(&c->live->registry, code) != NULL ||
            store_invite_get(c->live->store, code, &inv) == 0)
            rc = CAS_EEXIST;
        else
            rc = store_workshop_set_code(c->live->store, w->id, code);
    }
    return rc;
}

void handle_workshop_code_rotate(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    char code[WORKSHOP_CODE_LEN + 1], old[WORKSHOP_CODE_LEN + 1];
    if (fresh_code(c, w, code) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save a new code; the old one still works. Try "
                        "again later.");
        return;
    }
    memcpy(old, w->code, sizeof old);
    memcpy(w->code, code, sizeof w->code);
    log_info("'%s' replaced the code of workshop %s with %s", c->user, old, code);
    const struct participant *p = workshop_participant(w, c->user_id);
    send_info(c, f->request_id, w, p != NULL ? p->role : CASCADE__V1__ROLE__FACILITATOR);
}

/* The wire form of a whole state: message structs and the pointer arrays
 * the Snapshot refers to, all borrowing from the state. */
struct wire_state {
    Cascade__V1__Team *teams, **tp;
    Cascade__V1__Objective *objs, **op;
    Cascade__V1__KeyResult *krs, **kp;
    Cascade__V1__Initiative *inits, **ip;
    Cascade__V1__Dependency *deps, **dp;
    Cascade__V1__Comment *comments, **cp;
    Cascade__V1__Idea *ideas, **dp_ideas;
    Cascade__V1__VoteState vote;
    Cascade__V1__VoteCount *tallies, **tp_tallies;
    struct convert_ids *idea_ids; /* what the Idea messages point into */
    char (*tally_ids)[16];
    struct convert_ids *ids;
    char **members; /* Team.members of every team, slices of one array */
    char **owed_by; /* KeyResult.owed_by of every key result, CADENCE_OWERS_MAX each */
};

/* The most names a key result's owed_by carries. */
#define CADENCE_OWERS_MAX 16

/* Each key result's place in the check-in cadence at now, when the
 * workshop has one (otherwise the fields stay absent). */
static int wire_state_cadence(struct wire_state *ws, const struct workshop *w, int64_t now)
{
    const struct okr_state *s = &w->state;
    if (!cadence_active(w))
        return 0;
    ws->owed_by = calloc(s->nkey_results * CADENCE_OWERS_MAX + 1, sizeof *ws->owed_by);
    if (ws->owed_by == NULL)
        return CAS_ENOMEM;
    for (size_t i = 0; i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        struct cadence_status st = cadence_key_result_status(w, k, now);
        if (st.state == CADENCE_NONE)
            continue;
        Cascade__V1__KeyResult *m = &ws->krs[i];
        m->next_due_ms = st.due_ms;
        m->overdue = st.state == CADENCE_OVERDUE;
        char **names = ws->owed_by + i * CADENCE_OWERS_MAX;
        m->n_owed_by = cadence_owed_by(w, k, (const char **)names, CADENCE_OWERS_MAX);
        m->owed_by = names;
    }
    return 0;
}

static void wire_state_free(struct wire_state *ws)
{
    free(ws->owed_by);
    free(ws->teams);
    free(ws->tp);
    free(ws->objs);
    free(ws->op);
    free(ws->krs);
    free(ws->kp);
    free(ws->inits);
    free(ws->ip);
    free(ws->deps);
    free(ws->dp);
    free(ws->comments);
    free(ws->cp);
    free(ws->ideas);
    free(ws->dp_ideas);
    free(ws->tallies);
    free(ws->tp_tallies);
    free(ws->idea_ids);
    free(ws->tally_ids);
    free(ws->ids);
    free(ws->members);
}

/* Fills Team.members with the names of each team's members. */
static int wire_state_members(struct wire_state *ws, const struct workshop *w,
                              Cascade__V1__Snapshot *snap)
{
    ws->members = calloc(w->nteam_members + 1, sizeof *ws->members);
    if (ws->members == NULL)
        return CAS_ENOMEM;
    size_t used = 0;
    for (size_t i = 0; i < snap->n_teams; i++) {
        Cascade__V1__Team *t = snap->teams[i];
        t->members = &ws->members[used];
        t->n_members = 0;
        uint32_t num = w->state.teams[i].num;
        for (size_t j = 0; j < w->nteam_members; j++) {
            if (w->team_members[j].team != num)
                continue;
            const struct participant *p = workshop_participant(w, w->team_members[j].user_id);
            if (p == NULL)
                continue;
            ws->members[used++] = (char *)p->name;
            t->n_members++;
        }
    }
    return 0;
}

/* The brainstorm as every reader may see it: the revealed ideas (a hidden
 * one without its text), how many are not revealed yet, the vote, and its
 * tallies only once it is revealed. Each reader's own ideas and dots go in
 * their own part of the answer (own_part). */
static int wire_state_ideas(struct wire_state *ws, const struct okr_state *s,
                            Cascade__V1__Snapshot *snap)
{
    ws->ideas = calloc(s->nideas + 1, sizeof *ws->ideas);
    ws->dp_ideas = calloc(s->nideas + 1, sizeof *ws->dp_ideas);
    ws->tallies = calloc(s->nideas + 1, sizeof *ws->tallies);
    ws->tp_tallies = calloc(s->nideas + 1, sizeof *ws->tp_tallies);
    ws->idea_ids = calloc(s->nideas + 1, sizeof *ws->idea_ids);
    ws->tally_ids = calloc(s->nideas + 1, sizeof *ws->tally_ids);
    uint32_t *order = calloc(s->nideas + 1, sizeof *order);
    if (!ws->ideas || !ws->dp_ideas || !ws->tallies || !ws->tp_tallies || !ws->idea_ids ||
        !ws->tally_ids || !order) {
        free(order);
        return CAS_ENOMEM;
    }
    int revealed_vote = s->vote.state == OKR_VOTE_REVEALED;
    size_t n = 0;
    for (size_t i = 0; i < s->nideas; i++) {
        const struct okr_idea *idea = &s->ideas[i];
        if (!idea->revealed) {
            snap->ideas_unrevealed++;
            continue;
        }
        uint32_t votes = revealed_vote && okr_idea_in_vote(&s->vote, idea) ? okr_vote_tally(s, idea->num) : 0;
        convert_idea_to_wire(idea, okr_idea_hidden(idea), votes, &ws->ideas[n], &ws->idea_ids[n]);
        ws->dp_ideas[n] = &ws->ideas[n];
        n++;
    }
    snap->n_ideas = n;
    snap->ideas = ws->dp_ideas;
    if (s->vote.number != 0) {
        convert_vote_to_wire(&s->vote, (uint32_t)okr_voters(s), &ws->vote);
        snap->vote = &ws->vote;
    }
    if (revealed_vote) {
        size_t ranked = okr_vote_ranking(s, order);
        for (size_t i = 0; i < ranked; i++) {
            cascade__v1__vote_count__init(&ws->tallies[i]);
            okr_id_format(OKR_IDEA, order[i], ws->tally_ids[i], sizeof ws->tally_ids[i]);
            ws->tallies[i].idea = ws->tally_ids[i];
            ws->tallies[i].count = okr_vote_tally(s, order[i]);
            ws->tp_tallies[i] = &ws->tallies[i];
        }
        ws->vote.n_tallies = ranked;
        ws->vote.tallies = ws->tp_tallies;
    }
    free(order);
    return 0;
}

static int wire_state_fill(struct wire_state *ws, const struct okr_state *s, Cascade__V1__Snapshot *snap)
{
    memset(ws, 0, sizeof *ws);
    size_t nids = s->nteams + s->nobjectives + s->nkey_results + s->ninitiatives +
                  s->ndependencies + s->ncomments + 1;
    /* One extra element each, so that empty lists still allocate. */
    ws->teams = calloc(s->nteams + 1, sizeof *ws->teams);
    ws->tp = calloc(s->nteams + 1, sizeof *ws->tp);
    ws->objs = calloc(s->nobjectives + 1, sizeof *ws->objs);
    ws->op = calloc(s->nobjectives + 1, sizeof *ws->op);
    ws->krs = calloc(s->nkey_results + 1, sizeof *ws->krs);
    ws->kp = calloc(s->nkey_results + 1, sizeof *ws->kp);
    ws->inits = calloc(s->ninitiatives + 1, sizeof *ws->inits);
    ws->ip = calloc(s->ninitiatives + 1, sizeof *ws->ip);
    ws->deps = calloc(s->ndependencies + 1, sizeof *ws->deps);
    ws->dp = calloc(s->ndependencies + 1, sizeof *ws->dp);
    ws->comments = calloc(s->ncomments + 1, sizeof *ws->comments);
    ws->cp = calloc(s->ncomments + 1, sizeof *ws->cp);
    ws->ids = calloc(nids, sizeof *ws->ids);
    if (!ws->teams || !ws->tp || !ws->objs || !ws->op || !ws->krs || !ws->kp || !ws->inits ||
        !ws->ip || !ws->deps || !ws->dp || !ws->comments || !ws->cp || !ws->ids)
        return CAS_ENOMEM;
    size_t id = 0;
    for (size_t i = 0; i < s->nteams; i++) {
        convert_team_to_wire(&s->teams[i], &ws->teams[i], &ws->ids[id++]);
        ws->tp[i] = &ws->teams[i];
    }
    for (size_t i = 0; i < s->nobjectives; i++) {
        convert_objective_to_wire(&s->objectives[i], &ws->objs[i], &ws->ids[id++]);
        ws->op[i] = &ws->objs[i];
    }
    for (size_t i = 0; i < s->nkey_results; i++) {
        convert_key_result_to_wire(&s->key_results[i], &ws->krs[i], &ws->ids[id++]);
        ws->kp[i] = &ws->krs[i];
    }
    for (size_t i = 0; i < s->ninitiatives; i++) {
        convert_initiative_to_wire(&s->initiatives[i], &ws->inits[i], &ws->ids[id++]);
        ws->ip[i] = &ws->inits[i];
    }
    for (size_t i = 0; i < s->ndependencies; i++) {
        convert_dependency_to_wire(&s->dependencies[i], &ws->deps[i], &ws->ids[id++]);
        ws->dp[i] = &ws->deps[i];
    }
    for (size_t i = 0; i < s->ncomments; i++) {
        convert_comment_to_wire(&s->comments[i], &ws->comments[i], &ws->ids[id++]);
        ws->cp[i] = &ws->comments[i];
    }
    snap->n_teams = s->nteams;
    snap->teams = ws->tp;
    snap->n_objectives = s->nobjectives;
    snap->objectives = ws->op;
    snap->n_key_results = s->nkey_results;
    snap->key_results = ws->kp;
    snap->n_initiatives = s->ninitiatives;
    snap->initiatives = ws->ip;
    snap->n_dependencies = s->ndependencies;
    snap->dependencies = ws->dp;
    snap->n_comments = s->ncomments;
    snap->comments = ws->cp;
    return wire_state_ideas(ws, s, snap);
}

/* Packs w's state at its durable seq, everything but the reader's own
 * info, as a new shared image. 0; CAS_ETOOBIG when the images would pass
 * --max-snapshot-memory (*len says how big this one is), CAS_ENOMEM. */
static int pack_image(struct live *l, struct workshop *w, struct snapshot_image **out, size_t *len)
{
    Cascade__V1__Snapshot snap = CASCADE__V1__SNAPSHOT__INIT;
    struct wire_state ws;
    /* The round without anyone's own value: the image is everyone's. */
    struct round_wire rw = {0};
    int rc = wire_state_fill(&ws, &w->state, &snap);
    if (rc == 0)
        rc = wire_state_members(&ws, w, &snap);
    if (rc == 0)
        rc = wire_state_cadence(&ws, w, clock_now_ms());
    /* Running the workshop: the agenda and its timer ride along. */
    struct agenda_wire aw = {0};
    if (rc == 0 && (rc = agenda_to_wire(&w->agenda, clock_now_ms(), apply_agenda_ready_of(w),
                                        l->cfg.agenda_warning_ms, &aw)) == 0)
        snap.agenda = &aw.msg;
    if (rc == 0 && w->round != NULL) {
        rc = round_wire_fill(&rw, w, NULL);
        snap.round = &rw.round;
    }
    if (rc == 0) {
        snap.workshop = w->code;
        snap.seq = w->committed_seq;
        *len = cascade__v1__snapshot__get_packed_size(&snap);
        rc = snapshot_image_new(l, w->id, w->committed_seq, *len, out);
        if (rc == 0)
            cascade__v1__snapshot__pack(&snap, (*out)->bytes);
    }
    agenda_wire_free(&aw);
    wire_state_free(&ws);
    round_wire_free(&rw);
    return rc;
}

/* Refuses a snapshot that --max-snapshot-memory keeps from going out:
 * for now when others' images hold the room, for good when this one alone
 * is larger. */
static void refuse_image(struct conn *c, uint64_t request_id, const struct workshop *w, size_t len)
{
    char msg[300];
    if (len > c->live->cfg.max_snapshot_memory) {
        snprintf(msg, sizeof msg,
                 "Workshop %s's state is %zu bytes, more than this server sends at once "
                 "(--max-snapshot-memory %zu); ask its operator to raise it.",
                 w->code, len, c->live->cfg.max_snapshot_memory);
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
        return;
    }
    snprintf(msg, sizeof msg,
             "The server is busy sending other workshops' state; ask again in a second.");
    conn_send_retry_after(c, request_id, CASCADE__V1__ERROR_CODE__RATE_LIMITED, msg,
                          SNAPSHOT_RETRY_AFTER_MS);
}

/* The reader's own part of a snapshot, packed as a Snapshot holding only
 * it: their role, their ideas not yet revealed, and their own dots. Nobody
 * else's ever goes here. NULL when out of memory. */
static uint8_t *own_part(const struct conn *c, const struct workshop *w, size_t *len)
{
    const struct okr_state *s = &w->state;
    const struct participant *p = workshop_participant(w, c->user_id);
    Cascade__V1__WorkshopInfo info;
    fill_info(&info, w, p != NULL ? p->role : 0);
    Cascade__V1__Snapshot own = CASCADE__V1__SNAPSHOT__INIT;
    own.info = &info;
    Cascade__V1__Idea *ideas = calloc(s->nideas + 1, sizeof *ideas);
    Cascade__V1__Idea **ip = calloc(s->nideas + 1, sizeof *ip);
    struct convert_ids *ids = calloc(s->nideas + 1, sizeof *ids);
    Cascade__V1__VoteCount *mine = calloc(s->nballots + 1, sizeof *mine);
    Cascade__V1__VoteCount **mp = calloc(s->nballots + 1, sizeof *mp);
    char (*mine_ids)[16] = calloc(s->nballots + 1, sizeof *mine_ids);
    uint8_t *out = NULL;
    if (ideas && ip && ids && mine && mp && mine_ids) {
        for (size_t i = 0; i < s->nideas; i++) {
            const struct okr_idea *idea = &s->ideas[i];
            if (idea->revealed || okr_idea_anonymous(idea) || strcmp(idea->author, c->user) != 0)
                continue;
            convert_idea_to_wire(idea, 0, 0, &ideas[own.n_ideas], &ids[own.n_ideas]);
            ip[own.n_ideas] = &ideas[own.n_ideas];
            own.n_ideas++;
        }
        own.ideas = ip;
        for (size_t i = 0; i < s->nballots; i++) {
            const struct okr_ballot *b = &s->ballots[i];
            if (strcmp(b->voter, c->user) != 0)
                continue;
            cascade__v1__vote_count__init(&mine[own.n_my_votes]);
            okr_id_format(OKR_IDEA, b->idea, mine_ids[own.n_my_votes], sizeof mine_ids[0]);
            mine[own.n_my_votes].idea = mine_ids[own.n_my_votes];
            mine[own.n_my_votes].count = b->count;
            mp[own.n_my_votes] = &mine[own.n_my_votes];
            own.n_my_votes++;
        }
        own.my_votes = mp;
        *len = cascade__v1__snapshot__get_packed_size(&own);
        if ((out = malloc(*len + 1)) != NULL)
            cascade__v1__snapshot__pack(&own, out);
    }
    free(ideas);
    free(ip);
    free(ids);
    free(mine);
    free(mp);
    free(mine_ids);
    return out;
}

void answer_snapshot(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg)
{
    (void)arg;
    struct live *l = c->live;
    /* Everyone asking at this seq shares one image. */
    struct snapshot_image *img = snapshot_image_find(l, w->id, w->committed_seq);
    if (img == NULL) {
        size_t len = 0;
        int rc = pack_image(l, w, &img, &len);
        if (rc == CAS_ETOOBIG) {
            refuse_image(c, request_id, w, len);
            return;
        }
        if (rc != 0) {
            conn_send_no_memory(c, request_id, NULL);
            return;
        }
    }
    size_t tail_len = 0;
    uint8_t *tail = own_part(c, w, &tail_len);
    if (tail == NULL || replay_start_snapshot(c, img, tail, tail_len, request_id) != 0)
        conn_send_no_memory(c, request_id, NULL);
    snapshot_image_release(l, img); /* the replay holds its own reference */
}

void handle_snapshot(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    /* A snapshot shows only what is durable: wait for the batch in flight. */
    if (w->pending > 0) {
        if (batch_add_read(&c->live->batch, w, c, f->request_id, answer_snapshot, NULL) != 0)
            conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    answer_snapshot(c, w, f->request_id, NULL);
}

void handle_subscribe(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Subscribe *m = f->subscribe;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    if (!m->from_now && m->since_seq > w->committed_seq) {
        char msg[160];
        snprintf(msg, sizeof msg, "Workshop %s has no event %llu yet; its last is %llu.", w->code,
                 (unsigned long long)m->since_seq, (unsigned long long)w->committed_seq);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    if (m->history_only && m->since_seq >= w->committed_seq) {
        replay_end(c, w, f->request_id); /* a history with nothing to tell */
        return;
    }
    if (m->from_now || m->since_seq >= w->committed_seq) {
        replay_join(c, w, f->request_id); /* nothing to replay */
        return;
    }
    if (replay_start(c, w, f->request_id, m->since_seq, m->history_only) != 0)
        conn_send_no_memory(c, f->request_id, NULL);
}

void handle_unsubscribe(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    presence_unsubscribe(c, w);
    conn_send_ack(c, f->request_id, w->committed_seq, NULL);
}
