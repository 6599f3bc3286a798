/* The JSON form of the cascade's entities, shared by every command that
 * prints them (the creating and editing commands, show):
 *   team          {"id","name","parent","level"}
 *   objective     {"id","team","title","owner","aligns_to","inherits",
 *                  "committed","rationale","progress"}
 *   key result    {"id","objective","title","owner","kind","start","target",
 *                  "current","unit","done","progress"}
 * An absent reference, owner or level is null, never "" (so a script tests
 * one thing); texts like the rationale and the unit are always strings.
 * "kind" is "metric" or "milestone"; progress is 0..1, rounded to 3 places.
 * The entity functions return a new cJSON object (the caller owns it), or
 * NULL when out of memory. */
#ifndef CASCADE_OKR_JSON_H
#define CASCADE_OKR_JSON_H

#include <cjson/cJSON.h>

#include "okr.h"

cJSON *okr_json_team(const struct okr_team *t);

/* progress: the objective's, as render_objective_progress computes it. */
cJSON *okr_json_objective(const struct okr_objective *o, double progress);

cJSON *okr_json_key_result(const struct okr_key_result *k);

/* Adds "teams":[...], "objectives":[...] and "key_results":[...] to o, each
 * in id order. 0, or -1 when out of memory (o may hold some of them). */
int okr_json_add_state(cJSON *o, const struct okr_state *s);

#endif
