#include "ideas.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"

void okr_idea_clear(struct okr_idea *i)
{
    free(i->text);
    free(i->author);
    free(i->hidden_by);
    memset(i, 0, sizeof *i);
}

void okr_ballots_clear(struct okr_state *s)
{
    for (size_t i = 0; i < s->nballots; i++)
        free(s->ballots[i].voter);
    s->nballots = 0;
}

void okr_ideas_free(struct okr_state *s)
{
    for (size_t i = 0; i < s->nideas; i++)
        okr_idea_clear(&s->ideas[i]);
    free(s->ideas);
    okr_ballots_clear(s);
    free(s->ballots);
    free(s->vote.started_by);
}

int okr_idea_anonymous(const struct okr_idea *i)
{
    return i->author == NULL || i->author[0] == '\0';
}

int okr_idea_hidden(const struct okr_idea *i)
{
    return i->hidden_by != NULL && i->hidden_by[0] != '\0';
}

uint32_t okr_idea_root(const struct okr_state *s, uint32_t num)
{
    /* Merges never make a cycle (an idea is merged only into a live one),
     * but a bound costs nothing. */
    for (size_t steps = 0; steps <= s->nideas; steps++) {
        const struct okr_idea *i = okr_idea_find(s, num);
        if (i == NULL)
            return 0;
        if (i->merged_into == 0)
            return num;
        num = i->merged_into;
    }
    return 0;
}

int okr_idea_votable(const struct okr_idea *i)
{
    return i->revealed && !okr_idea_hidden(i) && i->merged_into == 0;
}

int okr_idea_in_vote(const struct okr_vote *v, const struct okr_idea *i)
{
    return okr_idea_votable(i) && (i->retro != OKR_RETRO_NONE) == (v->retro != 0);
}

static const char *const RETRO_KINDS[] = {"", "continue", "change", "stop", "start"};

const char *okr_retro_kind_name(enum okr_retro_kind kind)
{
    return RETRO_KINDS[kind <= OKR_RETRO_START ? kind : 0];
}

int okr_retro_kind_parse(const char *text, enum okr_retro_kind *out)
{
    for (int k = OKR_RETRO_CONTINUE; k <= OKR_RETRO_START; k++)
        if (text != NULL && strcmp(text, RETRO_KINDS[k]) == 0) {
            *out = (enum okr_retro_kind)k;
            return 0;
        }
    return CAS_EINVAL;
}

static int by_votes(const void *a, const void *b)
{
    const struct okr_idea *x = *(const struct okr_idea *const *)a;
    const struct okr_idea *y = *(const struct okr_idea *const *)b;
    if (x->votes != y->votes)
        return x->votes > y->votes ? -1 : 1;
    return x->num < y->num ? -1 : x->num > y->num;
}

size_t okr_retro_order(const struct okr_state *s, enum okr_retro_kind kind, uint32_t *out)
{
    const struct okr_idea **cards = calloc(s->nideas + 1, sizeof *cards);
    size_t n = 0;
    for (size_t i = 0; i < s->nideas; i++) {
        const struct okr_idea *d = &s->ideas[i];
        if (d->retro != kind || kind == OKR_RETRO_NONE || okr_idea_hidden(d) || d->merged_into)
            continue;
        if (cards == NULL)
            out[n] = d->num; /* by number, then: every card, only unordered by votes */
        else
            cards[n] = d;
        n++;
    }
    if (cards == NULL)
        return n;
    qsort(cards, n, sizeof *cards, by_votes);
    for (size_t i = 0; i < n; i++)
        out[i] = cards[i]->num;
    free(cards);
    return n;
}

static struct okr_ballot *ballot_find(const struct okr_state *s, const char *voter, uint32_t num)
{
    for (size_t i = 0; i < s->nballots; i++)
        if (s->ballots[i].idea == num && strcmp(s->ballots[i].voter, voter) == 0)
            return &s->ballots[i];
    return NULL;
}

uint32_t okr_ballot_count(const struct okr_state *s, const char *voter, uint32_t num, int merged)
{
    uint32_t n = 0;
    for (size_t i = 0; i < s->nballots; i++) {
        const struct okr_ballot *b = &s->ballots[i];
        if (strcmp(b->voter, voter) != 0)
            continue;
        if (b->idea == num || (merged && okr_idea_root(s, b->idea) == num))
            n += b->count;
    }
    return n;
}

int okr_ballot_set(struct okr_state *s, const char *voter, uint32_t num, uint32_t count)
{
    struct okr_ballot *b = ballot_find(s, voter, num);
    if (b != NULL && count == 0) {
        free(b->voter);
        *b = s->ballots[--s->nballots];
        return 0;
    }
    if (b != NULL || count == 0) {
        if (b != NULL)
            b->count = count;
        return 0;
    }
    if (s->nballots == s->cap_ballots) {
        size_t cap = s->cap_ballots ? 2 * s->cap_ballots : 16;
        struct okr_ballot *grown = realloc(s->ballots, cap * sizeof *grown);
        if (grown == NULL)
            return CAS_ENOMEM;
        s->ballots = grown;
        s->cap_ballots = cap;
    }
    char *copy = strdup(voter);
    if (copy == NULL)
        return CAS_ENOMEM;
    s->ballots[s->nballots++] = (struct okr_ballot){copy, num, count};
    return 0;
}

/* Whether a ballot on idea num still counts: it lands on a votable idea. */
static int counts(const struct okr_state *s, uint32_t num)
{
    const struct okr_idea *root = okr_idea_find(s, okr_idea_root(s, num));
    return root != NULL && okr_idea_in_vote(&s->vote, root);
}

uint32_t okr_votes_used(const struct okr_state *s, const char *voter)
{
    uint32_t n = 0;
    for (size_t i = 0; i < s->nballots; i++)
        if (strcmp(s->ballots[i].voter, voter) == 0 && counts(s, s->ballots[i].idea))
            n += s->ballots[i].count;
    return n;
}

size_t okr_voters(const struct okr_state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nballots; i++) {
        if (!counts(s, s->ballots[i].idea))
            continue;
        /* Counted at the voter's first ballot that counts. */
        size_t j = 0;
        while (j < i && (strcmp(s->ballots[j].voter, s->ballots[i].voter) != 0 ||
                         !counts(s, s->ballots[j].idea)))
            j++;
        n += j == i;
    }
    return n;
}

uint32_t okr_vote_tally(const struct okr_state *s, uint32_t num)
{
    uint32_t n = 0;
    for (size_t i = 0; i < s->nballots; i++)
        if (okr_idea_root(s, s->ballots[i].idea) == num)
            n += s->ballots[i].count;
    return n;
}

struct ranked {
    uint32_t num, tally;
};

static int by_tally(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->tally != y->tally)
        return x->tally > y->tally ? -1 : 1;
    return x->num < y->num ? -1 : x->num > y->num;
}

size_t okr_vote_ranking(const struct okr_state *s, uint32_t *out)
{
    struct ranked *r = calloc(s->nideas + 1, sizeof *r);
    size_t n = 0;
    for (size_t i = 0; i < s->nideas; i++)
        if (okr_idea_in_vote(&s->vote, &s->ideas[i]))
            out[n++] = s->ideas[i].num;
    if (r == NULL)
        return n; /* by number, then: still every idea, only unordered by tally */
    for (size_t i = 0; i < n; i++)
        r[i] = (struct ranked){out[i], 0};
    /* One pass over the ballots, rather than one per idea. */
    for (size_t i = 0; i < s->nballots; i++) {
        uint32_t root = okr_idea_root(s, s->ballots[i].idea);
        for (size_t j = 0; j < n; j++)
            if (r[j].num == root)
                r[j].tally += s->ballots[i].count;
    }
    qsort(r, n, sizeof *r, by_tally);
    for (size_t i = 0; i < n; i++)
        out[i] = r[i].num;
    free(r);
    return n;
}

int okr_vote_taking(const struct okr_vote *v, int64_t now_ms)
{
    return v->state == OKR_VOTE_OPEN && (v->closes_ms == 0 || now_ms < v->closes_ms);
}
