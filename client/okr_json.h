/* The JSON form of the cascade's entities, shared by every command that
 * prints them (the creating and editing commands, show):
 *   team          {"id","name","parent","level"}
 *   objective     {"id","team","title","owner","aligns_to","inherits",
 *                  "committed","rationale","status","necessary","sufficient",
 *                  "progress","score"}
 *   key result    {"id","objective","title","owner","kind","start","target",
 *                  "current","unit","done","confidence","status","blocker",
 *                  "progress","score"}
 *   initiative    {"id","key_result","title","done"}
 *   dependency    {"key_result","depends_on"}   (the first needs the second)
 *   comment       {"id","target","author","text","time_ms"}
 * An absent reference, owner, level or blocker is null, never "" (so a
 * script tests one thing); texts like the rationale and the unit are always
 * strings. An objective's "status" is draft, final or archived; "necessary"
 * and "sufficient" are the answers of the necessary-and-sufficient test,
 * each {"answer":"yes"|"no"|null,"by":USER|null,"at_ms":MS|null}. A key
 * result's "kind" is "metric" or "milestone", its "status" on-track, at-risk
 * or off-track. "score" is the entity's OKR grade (score.h: roll-up through
 * inheriting objectives, committed objectives all or nothing), the figure
 * `score --json` gives it; "progress" is that same figure, kept for the
 * scripts that read it. Both are 0..1, rounded to 3 places, as is the
 * confidence. Once the workshop is closed, objectives and key results also
 * carry "final":{"score","colour"}, the grade fixed at the close (one
 * decimal); an objective with a closing note carries "close_note". The
 * entity functions return a new cJSON object (the caller owns it), or NULL
 * when out of memory. */
#ifndef CASCADE_OKR_JSON_H
#define CASCADE_OKR_JSON_H

#include <cjson/cJSON.h>

#include "okr.h"

/* Rounds to 3 decimal places: plenty for a share, and it spares scripts
 * 0.33333333333333331. */
double okr_json_round3(double v);

cJSON *okr_json_team(const struct okr_team *t);

/* Adds "final":{"score","colour"} to o when graded (closing.h). */
void okr_json_add_final(cJSON *o, int graded, double score);

/* s: the workshop the score is computed in (o need not be one
 * of its entities: an Ack's copy works, and an empty state gives 0). */
cJSON *okr_json_objective(const struct okr_state *s, const struct okr_objective *o);
cJSON *okr_json_key_result(const struct okr_state *s, const struct okr_key_result *k);

cJSON *okr_json_initiative(const struct okr_initiative *i);
cJSON *okr_json_dependency(const struct okr_dependency *d);
/* An idea as the reader may see it (a hidden one without its text). */
cJSON *okr_json_idea(const struct okr_idea *i);
cJSON *okr_json_comment(const struct okr_comment *c);

/* Adds "teams", "objectives", "key_results", "initiatives", "dependencies"
 * and "comments" arrays to o, each in id order (dependencies in the order
 * they were added). 0, or -1 when out of memory (o may hold some of them). */
int okr_json_add_state(cJSON *o, const struct okr_state *s);

#endif
