/* OKR quality rules: the warnings a coach would give about a draft cascade
 * ("six objectives is too many", "that key result is a task"). They warn and
 * never refuse: the server stores whatever people write, and the client and
 * live view show these warnings next to it. All rules live in one table,
 * LINT_RULES, so a view can list them; lint_run checks a workshop's state
 * against every rule. Pure functions: no I/O, no allocation.
 *
 * Archived objectives (status OKR_ARCHIVED) and their key results are put
 * away: no rule looks at them or counts them. */
#ifndef CASCADE_LINT_H
#define CASCADE_LINT_H

#include <stddef.h>

#include "okr.h"

/* The limits the rules enforce (3 to 5 objectives and 2 to 5 key results per
 * objective are the workshop guides' sweet spot). */
#define LINT_MAX_OBJECTIVES 5         /* per team, per person, and at company level */
#define LINT_MIN_KEY_RESULTS 2        /* per objective */
#define LINT_MAX_KEY_RESULTS 5        /* per objective */

/* One quality rule. All strings are static.
 * id:      stable kebab-case name ("too-many-key-results"), for filters and tests;
 * summary: what the rule checks, one sentence;
 * fix:     what to do about a warning, one imperative sentence. */
struct lint_rule {
    const char *id;
    const char *summary;
    const char *fix;
};

/* Every rule, in the order lint_run reports them:
 * - too-many-company-objectives: the company-level teams (level
 *   OKR_LEVEL_COMPANY) hold more than 5 objectives together. Reported on the
 *   first company team (lowest number).
 * - too-many-objectives: a team holds more than 5 objectives.
 * - too-many-objectives-per-person: one person owns more than 5 objectives,
 *   across all teams (owners compared exactly). Reported on the workshop
 *   (entity ""), one warning per person, in the order of their first objective.
 * - objective-without-owner: an objective's owner is NULL, empty or blank.
 * - orphan-objective: an objective of a child team (team.parent != 0) neither
 *   aligns to an objective nor inherits a key result. A link to an entity that
 *   is gone or archived links to nothing and counts as none.
 * - too-few-key-results: an objective has fewer than 2 key results.
 * - too-many-key-results: an objective has more than 5 key results.
 * - final-without-check: an objective is final (OKR_FINAL) but the
 *   necessary or the sufficient question is not answered yes.
 * - key-result-without-owner: a key result's owner is NULL, empty or blank.
 * - no-measure: a metric key result's start equals its target, so there is
 *   nothing to measure progress against.
 * - task-not-result: a key result's title starts (case-insensitively, as its
 *   first word) with an activity verb -- launch, write, hold, implement, create,
 *   build, run, organize/organise, start, complete, finish, do, make, develop,
 *   plan, prepare, host, publish, deliver, set up (or set-up) -- and it has no
 *   measure: it is a milestone, or a metric whose start equals its target. It
 *   is an initiative in disguise. (Such a metric also gets no-measure.) The
 *   verb must be the whole first word: "Launch the app" matches, "Launching
 *   customers", "Double sales" and "Make-or-buy decision" do not. */
extern const struct lint_rule LINT_RULES[];
extern const size_t LINT_RULE_COUNT;

/* The rule with that id, or NULL. */
const struct lint_rule *lint_rule_find(const char *id);

/* One warning, valid only during the callback that receives it (copy what
 * you keep). entity is the entity it is about, "T1", "O3" or "K7", or "" for
 * the workshop as a whole; message is one sentence, in valid UTF-8, that names
 * that entity (or, for a person, that person) and says what is wrong. */
struct lint_warning {
    const struct lint_rule *rule;
    char entity[16];
    char message[256];
};

/* Checks s against every rule and calls cb once per warning, in a stable
 * order: by rule in LINT_RULES order, then by entity number. cb returns 0 to
 * go on; any other value stops the run. Returns 0 once every rule has run, or
 * the first non-zero value cb returned. */
int lint_run(const struct okr_state *s, int (*cb)(void *ctx, const struct lint_warning *w),
             void *ctx);

#endif
