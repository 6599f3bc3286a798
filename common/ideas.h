/* Ideas and the dot vote on them: the brainstorm of a workshop's first
 * steps ("what matters most this quarter?"). The structs live in okr.h, as
 * part of a workshop's state; these are the rules over them, shared by the
 * server (which decides) and the client (which shows).
 *
 * Who sees what: an idea is seen by everyone once revealed, before that by
 * its author alone. A vote's tallies are seen by nobody until it is
 * revealed; a person sees their own dots. */
#ifndef CASCADE_IDEAS_H
#define CASCADE_IDEAS_H

#include <stddef.h>
#include <stdint.h>

#include "okr.h"

/* Limits on what one workshop's brainstorm may hold. */
#define IDEAS_BUDGET_MAX 20       /* dots per person in one vote */
#define IDEAS_VOTE_LENGTH_MAX_S (24 * 3600)
#define IDEAS_RETRO_CARDS_MAX 500 /* retrospective cards per workshop */

struct okr_idea *okr_idea_find(const struct okr_state *s, uint32_t num);
/* Inserts a copy (taking ownership of its strings) in number order; NULL when
 * out of memory (the strings are then freed). */
struct okr_idea *okr_idea_insert(struct okr_state *s, struct okr_idea *i);
void okr_idea_clear(struct okr_idea *i);

/* Frees the ideas, ballots and the vote of s. */
void okr_ideas_free(struct okr_state *s);

/* Whether the idea was written anonymously (it keeps no author). */
int okr_idea_anonymous(const struct okr_idea *i);
int okr_idea_hidden(const struct okr_idea *i);

/* What a merged idea was folded into, followed to the end (num itself when
 * it was not merged; 0 for an unknown idea). */
uint32_t okr_idea_root(const struct okr_state *s, uint32_t num);

/* Whether dots may go on the idea: revealed, not hidden, not merged. */
int okr_idea_votable(const struct okr_idea *i);

/* Whether the idea takes part in vote v: votable, and of the vote's scope
 * (a retrospective card in a retro vote, a brainstorm idea otherwise). */
int okr_idea_in_vote(const struct okr_vote *v, const struct okr_idea *i);

/* A retrospective card kind's name ("continue", "change", "stop", "start";
 * "" for none), and back: 0 or CAS_EINVAL. */
const char *okr_retro_kind_name(enum okr_retro_kind kind);
int okr_retro_kind_parse(const char *text, enum okr_retro_kind *out);

/* The retrospective's cards of one kind as its report orders them: most
 * votes first (the ideas' `votes`, a client's copy of the revealed
 * tallies), then by number; hidden and merged cards left out. Into out
 * (room for s->nideas); returns how many. */
size_t okr_retro_order(const struct okr_state *s, enum okr_retro_kind kind, uint32_t *out);

/* The voter's dots on idea num; with `merged`, also those on ideas folded
 * into it. */
uint32_t okr_ballot_count(const struct okr_state *s, const char *voter, uint32_t num, int merged);

/* Sets the voter's dots on idea num (0 removes them). 0 or CAS_ENOMEM. */
int okr_ballot_set(struct okr_state *s, const char *voter, uint32_t num, uint32_t count);

/* Removes every ballot (a new vote starts). */
void okr_ballots_clear(struct okr_state *s);

/* The dots the voter has placed on ideas that still count (in the vote,
 * or merged into one that is): what their budget is charged. */
uint32_t okr_votes_used(const struct okr_state *s, const char *voter);

/* How many people have placed at least one dot that counts. */
size_t okr_voters(const struct okr_state *s);

/* The dots on a votable idea, its merged duplicates' included. */
uint32_t okr_vote_tally(const struct okr_state *s, uint32_t num);

/* The ideas in the vote (okr_idea_in_vote) in tally order (most dots first, then by number), into
 * out (room for s->nideas); returns how many. */
size_t okr_vote_ranking(const struct okr_state *s, uint32_t *out);

/* Whether the vote takes dots at now_ms: open and not past its close. */
int okr_vote_taking(const struct okr_vote *v, int64_t now_ms);

#endif
