#include "score.h"

/* Roll-up recursion. Every objective inherits at most one key result and
 * every key result belongs to one objective, so the inheritance graph has at
 * most one way into each node: a walk from one key result visits each node of
 * its subtree once, and even a cycle is only unrolled until depth runs out. */
static double objective_at(const struct okr_state *s, const struct okr_objective *o, int depth);

/* Whether an objective has key results of its own to be scored by. */
static int has_key_results(const struct okr_state *s, uint32_t objective)
{
    for (size_t i = 0; i < s->nkey_results; i++)
        if (s->key_results[i].objective == objective)
            return 1;
    return 0;
}

int score_rolls_up(const struct okr_state *s, const struct okr_objective *o,
                   const struct okr_key_result *k)
{
    /* A child still without key results has measured nothing yet: it must
     * not pull the parent's key result down to zero. */
    return o->inherits == k->num && o->status != OKR_ARCHIVED && has_key_results(s, o->num);
}

static double key_result_at(const struct okr_state *s, const struct okr_key_result *k, int depth)
{
    if (depth < SCORE_MAX_DEPTH) {
        double sum = 0.0;
        size_t n = 0;
        for (size_t i = 0; i < s->nobjectives; i++) {
            const struct okr_objective *child = &s->objectives[i];
            if (!score_rolls_up(s, child, k))
                continue;
            sum += objective_at(s, child, depth + 1);
            n++;
        }
        if (n > 0)
            return sum / (double)n;
    }
    return okr_key_result_progress(k);
}

/* An objective's score is the weighted mean of its key results' scores (a
 * weight of 0 leaves one out); a committed objective scores 1 when every key
 * result that counts is hit, else 0. */
static double objective_at(const struct okr_state *s, const struct okr_objective *o, int depth)
{
    double sum = 0.0, weights = 0.0;
    int all_hit = 1;
    for (size_t i = 0; i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        double w = okr_key_result_weight(k);
        if (k->objective != o->num || !(w > 0.0))
            continue;
        double v = key_result_at(s, k, depth);
        if (!(v >= 1.0))
            all_hit = 0;
        sum += w * v;
        weights += w;
    }
    if (!(weights > 0.0))
        return 0.0;
    if (o->committed)
        return all_hit ? 1.0 : 0.0;
    return sum / weights;
}

double score_key_result(const struct okr_state *s, const struct okr_key_result *k)
{
    return key_result_at(s, k, 0);
}

double score_objective(const struct okr_state *s, const struct okr_objective *o)
{
    return objective_at(s, o, 0);
}

double score_team(const struct okr_state *s, const struct okr_team *t)
{
    double sum = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->team != t->num || o->status == OKR_ARCHIVED)
            continue;
        sum += score_objective(s, o);
        n++;
    }
    return n > 0 ? sum / (double)n : 0.0;
}

/* The score in whole tenths, 0..10. Scores reach us through binary doubles
 * (0.45 is stored a hair above or below 4.5 tenths depending on how it was
 * computed), so a small epsilon makes a written half always round up. */
static int tenths(double score)
{
    if (!(score > 0.0))
        return 0;
    if (score >= 1.0)
        return 10;
    /* Positive here, so truncation is floor (and needs no libm). */
    return (int)(score * 10.0 + 0.5 + 1e-9);
}

double score_rounded(double score)
{
    return tenths(score) / 10.0;
}

enum score_colour score_colour(double score)
{
    int t = tenths(score);
    if (t <= 4)
        return SCORE_RED;
    if (t <= 6)
        return SCORE_ORANGE;
    return SCORE_GREEN;
}

const char *score_colour_name(enum score_colour colour)
{
    switch (colour) {
    case SCORE_ORANGE:
        return "orange";
    case SCORE_GREEN:
        return "green";
    case SCORE_RED:
        break;
    }
    return "red";
}

const char *score_colour_meaning(enum score_colour colour)
{
    switch (colour) {
    case SCORE_ORANGE:
        return "made progress but fell short";
    case SCORE_GREEN:
        return "delivered";
    case SCORE_RED:
        break;
    }
    return "failed to make real progress";
}
