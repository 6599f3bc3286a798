/* The rules of the brainstorm: adding ideas (possibly with no author at
 * all), revealing them, hiding and merging them, and the dot vote on them,
 * whose tallies nobody sees before the reveal. What each reader may see is
 * the snapshot's business (handlers/handle_workshop.c); here nothing secret
 * goes into an event: an idea's text waits for its reveal, and a vote's
 * event says who voted, never for what. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply_internal.h"
#include "errors.h"
#include "ideas.h"

#define VOTE_DEFAULT_BUDGET 3
#define VOTE_SHORTEST_S 10

/* ---- Ideas ------------------------------------------------------------------------ */

int apply_idea_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                   struct apply_result *r)
{
    const Cascade__V1__IdeaAdd *m = req->idea_add;
    int rc = apply_check_text(m->text, "idea", apply_limits(ctx)->title, 1, 0, r);
    if (rc != 0)
        return rc;
    struct okr_idea i = {0};
    i.num = s->next_idea;
    i.text = strdup(m->text);
    i.author = m->anonymous ? NULL : strdup(ctx->actor);
    i.time_ms = ctx->now_ms;
    struct okr_idea *stored = NULL;
    if (i.text != NULL && (m->anonymous || i.author != NULL))
        stored = okr_idea_insert(s, &i);
    else
        okr_idea_clear(&i);
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_idea++;
    apply_take_seq(s, r, OKR_IDEA, stored->num);
    r->anonymous = m->anonymous;
    struct event_builder eb;
    eb_init(&eb, ctx, "idea.add", OKR_IDEA, stored->num);
    /* Neither the text (until the reveal) nor, when anonymous, the author. */
    if (m->anonymous)
        eb.ev.actor = (char *)"";
    int anonymous = m->anonymous;
    eb_flag(&eb, "anonymous", NULL, &anonymous);
    Cascade__V1__Idea wi;
    struct convert_ids ids;
    convert_idea_to_wire(stored, 0, 0, &wi, &ids);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.entity_case = CASCADE__V1__ACK__ENTITY_IDEA;
    ack.idea = &wi;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_idea_reveal(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r)
{
    char list[1024] = "";
    size_t n = 0;
    for (size_t i = 0; i < s->nideas; i++) {
        if (s->ideas[i].revealed)
            continue;
        if (apply_also(r, OKR_IDEA, s->ideas[i].num) != 0)
            return apply_no_memory(r);
        size_t len = strlen(list);
        if (len + 16 < sizeof list)
            snprintf(list + len, sizeof list - len, "%sD%u", len ? " " : "", s->ideas[i].num);
        n++;
    }
    if (n == 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "There are no ideas waiting to be revealed.");
    for (size_t i = 0; i < s->nideas; i++)
        s->ideas[i].revealed = 1;
    apply_take_seq(s, r, OKR_IDEA, 0);
    snprintf(r->subject, sizeof r->subject, "ideas");
    struct event_builder eb;
    eb_init(&eb, ctx, "idea.reveal", OKR_IDEA, 0);
    /* The event and the Ack name what changed: every idea, "ideas". */
    snprintf(eb.entity, sizeof eb.entity, "ideas");
    double count = (double)n;
    eb_number(&eb, "revealed", NULL, &count);
    eb_text(&eb, "ideas", NULL, list);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    int rc = apply_finish(s, &eb, req->request_id, &ack, r);
    return rc;
}

/* The idea a request names, which must be revealed (facilitators act only
 * on what everyone can see). */
static int revealed_idea(const struct okr_state *s, const char *text, uint32_t *num,
                         struct apply_result *r)
{
    int rc = apply_resolve(s, text, OKR_IDEA, num, r);
    if (rc != 0)
        return rc;
    if (!okr_idea_find(s, *num)->revealed)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u is not revealed yet; 'cascade idea reveal' shows the ideas to "
                            "everyone first.",
                            *num);
    return 0;
}

int apply_idea_hide(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__IdeaHide *m = req->idea_hide;
    uint32_t num;
    int rc = revealed_idea(s, m->id, &num, r);
    if (rc != 0)
        return rc;
    struct okr_idea *i = okr_idea_find(s, num);
    if (okr_idea_hidden(i) == !m->undo)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            m->undo ? "D%u is not hidden." : "D%u is hidden already.", num);
    char *by = strdup(m->undo ? "" : ctx->actor);
    if (by == NULL)
        return apply_no_memory(r);
    char *old = i->hidden_by;
    i->hidden_by = by;
    apply_take_seq(s, r, OKR_IDEA, num);
    struct event_builder eb;
    eb_init(&eb, ctx, m->undo ? "idea.show" : "idea.hide", OKR_IDEA, num);
    eb_text(&eb, "hidden_by", old != NULL && old[0] ? old : NULL, by[0] ? by : NULL);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    rc = apply_finish(s, &eb, req->request_id, &ack, r);
    free(old);
    return rc;
}

int apply_idea_merge(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                     struct apply_result *r)
{
    const Cascade__V1__IdeaMerge *m = req->idea_merge;
    uint32_t into, num;
    int rc;
    if ((rc = revealed_idea(s, m->into, &into, r)) != 0 ||
        (rc = revealed_idea(s, m->id, &num, r)) != 0)
        return rc;
    struct okr_idea *dup = okr_idea_find(s, num), *keep = okr_idea_find(s, into);
    if (into == num)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "An idea cannot be merged into itself.");
    if (dup->merged_into != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u is merged into D%u already.", num, dup->merged_into);
    if (keep->merged_into != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u is itself merged into D%u; merge into D%u instead.", into,
                            okr_idea_root(s, into), okr_idea_root(s, into));
    if (dup->retro != keep->retro)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u and D%u are of different kinds (%s, %s); merge only alike.",
                            num, into, dup->retro ? okr_retro_kind_name(dup->retro) : "idea",
                            keep->retro ? okr_retro_kind_name(keep->retro) : "idea");
    if (okr_idea_hidden(dup) || okr_idea_hidden(keep))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u is hidden; show it again before merging.",
                            okr_idea_hidden(dup) ? num : into);
    if (dup->promoted_num != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u became %c%u already; it stays an idea of its own.", num,
                            (char)dup->promoted_kind, dup->promoted_num);
    dup->merged_into = into;
    apply_take_seq(s, r, OKR_IDEA, num);
    struct event_builder eb;
    eb_init(&eb, ctx, "idea.merge", OKR_IDEA, num);
    eb_text(&eb, "merged_into", NULL, eb_id(&eb, OKR_IDEA, into));
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_promote_idea(struct okr_state *s, const char *text, uint32_t *num,
                       struct apply_result *r)
{
    *num = 0;
    if (text == NULL || text[0] == '\0')
        return 0;
    int rc = revealed_idea(s, text, num, r);
    if (rc != 0)
        return rc;
    const struct okr_idea *i = okr_idea_find(s, *num);
    if (okr_idea_hidden(i))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u is hidden; it cannot be promoted.", *num);
    if (i->merged_into != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u was merged into D%u; promote D%u.", *num,
                            okr_idea_root(s, *num), okr_idea_root(s, *num));
    if (i->promoted_num != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u became %c%u already.", *num, (char)i->promoted_kind,
                            i->promoted_num);
    return 0;
}

int apply_promoted(struct okr_state *s, uint32_t idea, enum okr_kind kind, uint32_t num,
                   struct apply_result *r)
{
    struct okr_idea *i = okr_idea_find(s, idea);
    i->promoted_kind = kind;
    i->promoted_num = num;
    return apply_also(r, OKR_IDEA, idea);
}

/* ---- The retrospective's cards ---------------------------------------------------- */

/* Cards are ideas of a retro kind, so the dot vote, hiding and merging work
 * on them unchanged. Unlike brainstorm ideas they are shown at once, with
 * their author: a retrospective looks back together at a cycle everyone
 * lived, so there is no first idea to anchor the others, and each card is
 * one person's account, named like a comment. */
int apply_retro_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__RetroAdd *m = req->retro_add;
    enum okr_retro_kind kind;
    uint32_t on;
    if (okr_retro_kind_parse(m->kind, &kind) != 0) {
        char quoted[APPLY_QUOTE_MAX];
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "'%s' is not a kind of retrospective card; use continue, change, "
                            "stop or start.",
                            apply_quote(m->kind, quoted));
    }
    size_t cards = 0;
    for (size_t k = 0; k < s->nideas; k++)
        cards += s->ideas[k].retro != OKR_RETRO_NONE;
    if (cards >= IDEAS_RETRO_CARDS_MAX)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED,
                            "This workshop's retrospective holds %d cards, its limit; merge or "
                            "hide duplicates rather than add more.",
                            IDEAS_RETRO_CARDS_MAX);
    int rc = apply_check_text(m->text, "retrospective card", apply_limits(ctx)->title, 1, 0, r);
    if (rc != 0 || (rc = apply_resolve_optional(s, m->on, OKR_OBJECTIVE, &on, r)) != 0)
        return rc;
    struct okr_idea i = {0};
    i.num = s->next_idea;
    i.text = strdup(m->text);
    i.author = strdup(ctx->actor);
    i.time_ms = ctx->now_ms;
    i.revealed = 1;
    i.retro = kind;
    i.on = on;
    struct okr_idea *stored = NULL;
    if (i.text != NULL && i.author != NULL)
        stored = okr_idea_insert(s, &i);
    else
        okr_idea_clear(&i);
    if (stored == NULL)
        return apply_no_memory(r);
    s->next_idea++;
    apply_take_seq(s, r, OKR_IDEA, stored->num);
    struct event_builder eb;
    eb_init(&eb, ctx, "retro.add", OKR_IDEA, stored->num);
    eb_text(&eb, "kind", NULL, okr_retro_kind_name(kind));
    eb_text(&eb, "text", NULL, stored->text);
    if (on)
        eb_text(&eb, "on", NULL, eb_id(&eb, OKR_OBJECTIVE, on));
    Cascade__V1__Idea wi;
    struct convert_ids ids;
    convert_idea_to_wire(stored, 0, 0, &wi, &ids);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.entity_case = CASCADE__V1__ACK__ENTITY_IDEA;
    ack.idea = &wi;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

/* ---- The dot vote ------------------------------------------------------------------ */

int apply_vote_start(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                     struct apply_result *r)
{
    const Cascade__V1__VoteStart *m = req->vote_start;
    struct okr_vote *v = &s->vote;
    if (v->state == OKR_VOTE_OPEN)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "Vote V%u is still open; reveal it with 'cascade vote reveal' first.",
                            v->number);
    uint32_t budget = m->votes ? m->votes : VOTE_DEFAULT_BUDGET;
    uint32_t max = m->max_per_idea ? m->max_per_idea : budget;
    if (budget > IDEAS_BUDGET_MAX)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "A vote gives each person at most %d dots.", IDEAS_BUDGET_MAX);
    if (max > budget)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "--max-per-idea (%u) cannot be more than the dots each person has "
                            "(%u).",
                            max, budget);
    if (m->for_s != 0 && (m->for_s < VOTE_SHORTEST_S || m->for_s > IDEAS_VOTE_LENGTH_MAX_S))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "A vote lasts from %d seconds to 24 hours.", VOTE_SHORTEST_S);
    /* A vote has a scope: the brainstorm's ideas, or the retrospective's
     * cards; the other kind takes no dots and keeps none. */
    struct okr_vote probe = {.retro = m->retro};
    size_t votable = 0;
    for (size_t i = 0; i < s->nideas; i++)
        votable += okr_idea_in_vote(&probe, &s->ideas[i]);
    if (votable == 0 && m->retro)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "There are no retrospective cards to vote on; add some with "
                            "'cascade retro add' first.");
    if (votable == 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "There are no revealed ideas to vote on; add ideas and reveal them "
                            "first.");
    char *by = strdup(ctx->actor);
    if (by == NULL)
        return apply_no_memory(r);
    free(v->started_by);
    okr_ballots_clear(s);
    r->ballots_cleared = 1;
    v->started_by = by;
    v->number++;
    v->state = OKR_VOTE_OPEN;
    v->retro = m->retro;
    v->budget = budget;
    v->max_per_idea = max;
    v->started_ms = ctx->now_ms;
    v->closes_ms = m->for_s ? ctx->now_ms + (int64_t)m->for_s * 1000 : 0;
    apply_take_seq(s, r, OKR_VOTE, v->number);
    struct event_builder eb;
    eb_init(&eb, ctx, "vote.start", OKR_VOTE, v->number);
    double dots = budget, per = max, ideas = (double)votable;
    eb_number(&eb, "votes", NULL, &dots);
    eb_number(&eb, "max_per_idea", NULL, &per);
    eb_number(&eb, "ideas", NULL, &ideas);
    if (v->retro)
        eb_flag(&eb, "retro", NULL, &v->retro);
    double closes = (double)v->closes_ms;
    if (v->closes_ms)
        eb_number(&eb, "closes_ms", NULL, &closes);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

/* Refuses unless the vote takes dots now. */
static int vote_taking(const struct okr_state *s, int64_t now_ms, struct apply_result *r)
{
    const struct okr_vote *v = &s->vote;
    if (v->state == OKR_VOTE_NONE || v->state == OKR_VOTE_REVEALED)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "There is no vote open; a facilitator starts one with 'cascade vote "
                            "start'.");
    if (!okr_vote_taking(v, now_ms))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "Vote V%u has closed; a facilitator reveals it with 'cascade vote "
                            "reveal'.",
                            v->number);
    return 0;
}

/* One sentence for the voter alone, in the Ack's note. */
static void dots_left(const struct okr_state *s, const char *voter, char *out, size_t outlen)
{
    uint32_t left = s->vote.budget - okr_votes_used(s, voter);
    snprintf(out, outlen, "You have %u of your %u votes left.", left, s->vote.budget);
}

int apply_vote_cast(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__VoteCast *m = req->vote_cast;
    uint32_t num;
    int rc;
    if ((rc = vote_taking(s, ctx->now_ms, r)) != 0 ||
        (rc = revealed_idea(s, m->idea, &num, r)) != 0)
        return rc;
    const struct okr_idea *i = okr_idea_find(s, num);
    if (okr_idea_hidden(i))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u is hidden; it takes no votes.", num);
    if (i->merged_into != 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "D%u was merged into D%u; vote for D%u.", num, okr_idea_root(s, num),
                            okr_idea_root(s, num));
    if (!okr_idea_in_vote(&s->vote, i))
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            s->vote.retro ? "D%u is a brainstorm idea; this vote is on the "
                                            "retrospective's cards."
                                          : "D%u is a retrospective card; this vote is on the "
                                            "brainstorm's ideas.",
                            num);
    uint32_t count = m->count ? m->count : 1;
    const struct okr_vote *v = &s->vote;
    uint32_t used = okr_votes_used(s, ctx->actor);
    if (count > v->budget || used + count > v->budget)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "You have %u of your %u votes left.", v->budget - used, v->budget);
    uint32_t here = okr_ballot_count(s, ctx->actor, num, 1);
    if (here + count > v->max_per_idea)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "At most %u votes per idea in this vote; you have %u on D%u.",
                            v->max_per_idea, here, num);
    if (okr_ballot_set(s, ctx->actor, num, okr_ballot_count(s, ctx->actor, num, 0) + count) != 0)
        return apply_no_memory(r);
    snprintf(r->ballot_voter, sizeof r->ballot_voter, "%s", ctx->actor);
    r->ballot_idea = num;
    apply_take_seq(s, r, OKR_VOTE, v->number);
    struct event_builder eb;
    eb_init(&eb, ctx, "vote.cast", OKR_VOTE, v->number);
    char note[96];
    dots_left(s, ctx->actor, note, sizeof note);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.note = note;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_vote_undo(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r)
{
    const Cascade__V1__VoteUndo *m = req->vote_undo;
    uint32_t num;
    int rc;
    if ((rc = vote_taking(s, ctx->now_ms, r)) != 0 ||
        (rc = apply_resolve(s, m->idea, OKR_IDEA, &num, r)) != 0)
        return rc;
    if (okr_ballot_count(s, ctx->actor, num, 0) == 0)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "You have no votes on D%u.", num);
    okr_ballot_set(s, ctx->actor, num, 0); /* removing cannot fail */
    snprintf(r->ballot_voter, sizeof r->ballot_voter, "%s", ctx->actor);
    r->ballot_idea = num;
    apply_take_seq(s, r, OKR_VOTE, s->vote.number);
    struct event_builder eb;
    eb_init(&eb, ctx, "vote.undo", OKR_VOTE, s->vote.number);
    char note[96];
    dots_left(s, ctx->actor, note, sizeof note);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.note = note;
    return apply_finish(s, &eb, req->request_id, &ack, r);
}

int apply_vote_reveal(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r)
{
    struct okr_vote *v = &s->vote;
    if (v->state == OKR_VOTE_REVEALED)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "Vote V%u is revealed already; start another with 'cascade vote "
                            "start'.",
                            v->number);
    if (v->state != OKR_VOTE_OPEN)
        return apply_refuse(r, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                            "There is no vote to reveal; start one with 'cascade vote start'.");
    uint32_t *order = calloc(s->nideas + 1, sizeof *order);
    /* ", D4294967295 4294967295" at most per idea. */
    enum { RESULT_ROOM = 32 };
    char *results = malloc(s->nideas * RESULT_ROOM + 1);
    if (order == NULL || results == NULL) {
        free(order);
        free(results);
        return apply_no_memory(r);
    }
    size_t n = okr_vote_ranking(s, order), len = 0;
    results[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(results + len, RESULT_ROOM, "%sD%u %u", i ? ", " : "", order[i],
                                okr_vote_tally(s, order[i]));
    v->state = OKR_VOTE_REVEALED;
    apply_take_seq(s, r, OKR_VOTE, v->number);
    struct event_builder eb;
    eb_init(&eb, ctx, "vote.reveal", OKR_VOTE, v->number);
    double voters = (double)okr_voters(s);
    eb_number(&eb, "voters", NULL, &voters);
    eb_text(&eb, "results", NULL, results);
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    int rc = apply_finish(s, &eb, req->request_id, &ack, r);
    free(order);
    free(results);
    return rc;
}
