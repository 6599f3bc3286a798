/* Period statistics (stats.h). */
#include "stats.h"

#include "closing.h"
#include "score.h"

/* Whether objective o counts in the figures: it is not archived. */
static int objective_counts(const struct okr_objective *o)
{
    return o->status != OKR_ARCHIVED;
}

static size_t level_index(const struct okr_state *s, uint32_t team)
{
    const struct okr_team *t = okr_team_find(s, team);
    if (t == NULL || t->level < OKR_LEVEL_NONE || t->level >= STATS_LEVELS)
        return OKR_LEVEL_NONE;
    return (size_t)t->level;
}

static void count_objectives(const struct okr_state *s, struct okr_stats *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_counts(o))
            continue;
        out->objectives++;
        out->objectives_at[level_index(s, o->team)]++;
        if (o->committed)
            out->committed++;
        else
            out->aspirational++;
        double score = closing_objective_score(s, o);
        out->objective_grades[score_colour(score)]++;
        out->score_mean += score;
    }
    if (out->objectives > 0)
        out->score_mean /= (double)out->objectives;
}

static void count_key_results(const struct okr_state *s, struct okr_stats *out)
{
    for (size_t i = 0; i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        const struct okr_objective *o = okr_objective_find(s, k->objective);
        if (o == NULL || !objective_counts(o))
            continue;
        out->key_results++;
        out->key_results_at[level_index(s, o->team)]++;
        out->key_result_grades[score_colour(closing_key_result_score(s, k))]++;
        out->confidence_mean += k->confidence;
        if (k->checked_in_ms > 0)
            out->checked_in++;
        if (k->overdue)
            out->overdue++;
    }
    if (out->key_results > 0)
        out->confidence_mean /= (double)out->key_results;
}

static void count_teams(const struct okr_state *s, struct okr_stats *out)
{
    out->teams = s->nteams;
    for (size_t t = 0; t < s->nteams; t++) {
        for (size_t i = 0; i < s->nobjectives; i++) {
            if (s->objectives[i].team == s->teams[t].num && objective_counts(&s->objectives[i])) {
                out->teams_with_okrs++;
                break;
            }
        }
    }
}

void stats_compute(const struct okr_state *s, struct okr_stats *out)
{
    *out = (struct okr_stats){0};
    count_teams(s, out);
    count_objectives(s, out);
    count_key_results(s, out);
}

double stats_checkin_coverage(const struct okr_stats *st)
{
    return st->key_results > 0 ? (double)st->checked_in / (double)st->key_results : 0.0;
}
