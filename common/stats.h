/* Period statistics: the figures a coach compares from one quarter to the
 * next (how many teams have OKRs, how many objectives and key results at each
 * level, committed against aspirational, the grade distribution, how well
 * check-ins kept up, the average confidence), computed from one workshop's
 * state. Pure: no I/O, no allocation. `cascade stats` prints them, and with
 * --compare the change from another period's. */
#ifndef CASCADE_STATS_H
#define CASCADE_STATS_H

#include <stddef.h>

#include "okr.h"

/* Levels counted: none, company, department, team, individual (okr_level). */
#define STATS_LEVELS 5

/* Red, orange, green (score_colour). */
#define STATS_COLOURS 3

struct okr_stats {
    size_t teams;           /* every team */
    size_t teams_with_okrs; /* teams with at least one objective that counts */
    /* What counts is what is not archived: an archived objective, and the
     * key results under it, were put away and are in no figure below. */
    size_t objectives, key_results;
    size_t objectives_at[STATS_LEVELS]; /* by the level of the objective's team */
    size_t key_results_at[STATS_LEVELS];
    size_t committed, aspirational;
    size_t objective_grades[STATS_COLOURS]; /* by score_colour */
    size_t key_result_grades[STATS_COLOURS];
    /* Key results checked in at least once (checked_in_ms), and those
     * overdue now (a client's copy knows it from its snapshot, when the
     * workshop has a check-in cadence). */
    size_t checked_in, overdue;
    double confidence_mean; /* over the key results that count; 0 when none */
    double score_mean;      /* over the objectives that count; 0 when none */
};

/* Fills out from s, scoring as `score` does (closing.h: a closed
 * workshop's fixed grades, else the live scores of score.h). */
void stats_compute(const struct okr_state *s, struct okr_stats *out);

/* The share of the counted key results checked in, 0..1 (0 when none). */
double stats_checkin_coverage(const struct okr_stats *st);

#endif
