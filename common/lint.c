#include "lint.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Rule positions in LINT_RULES; CHECKS below follows the same order. */
enum {
    R_COMPANY_OBJECTIVES,
    R_TEAM_OBJECTIVES,
    R_PERSON_OBJECTIVES,
    R_OBJECTIVE_OWNER,
    R_ORPHAN,
    R_FEW_KEY_RESULTS,
    R_MANY_KEY_RESULTS,
    R_FINAL_CHECK,
    R_KEY_RESULT_OWNER,
    R_NO_MEASURE,
    R_TASK,
    R_HEAVY_KEY_RESULT,
    R_COUNT
};

const struct lint_rule LINT_RULES[] = {
    [R_COMPANY_OBJECTIVES] = {
        "too-many-company-objectives",
        "The company level sets no more than 5 objectives: 3 to 5 company priorities.",
        "Keep 3 to 5 company priorities; merge the rest or hand them down to the teams that "
        "own them.",
    },
    [R_TEAM_OBJECTIVES] = {
        "too-many-objectives",
        "A team has no more than 5 objectives.",
        "Keep 3 to 5 objectives; merge or drop the rest.",
    },
    [R_PERSON_OBJECTIVES] = {
        "too-many-objectives-per-person",
        "One person owns no more than 5 objectives.",
        "Hand some of the objectives to other owners, or merge or drop them, so that each "
        "person owns 3 to 5.",
    },
    [R_OBJECTIVE_OWNER] = {
        "objective-without-owner",
        "Every objective names an owner.",
        "Name the one person who owns the objective.",
    },
    [R_ORPHAN] = {
        "orphan-objective",
        "An objective of a child team supports one level up, by aligning to an objective or "
        "inheriting a key result.",
        "Align the objective to a parent objective or let it inherit a parent key result; "
        "if it supports nothing above, rewrite or drop it.",
    },
    [R_FEW_KEY_RESULTS] = {
        "too-few-key-results",
        "An objective has at least 2 key results.",
        "Add key results until 2 to 5 of them show that the objective is reached; 3 is "
        "typical.",
    },
    [R_MANY_KEY_RESULTS] = {
        "too-many-key-results",
        "An objective has no more than 5 key results.",
        "Keep the 2 to 5 key results that matter most; turn the rest into initiatives or "
        "drop them.",
    },
    [R_FINAL_CHECK] = {
        "final-without-check",
        "A final objective has passed the necessary-and-sufficient test.",
        "Ask whether every key result is necessary and whether achieving all of them achieves "
        "the objective, and make the objective final only when both answers are yes.",
    },
    [R_KEY_RESULT_OWNER] = {
        "key-result-without-owner",
        "Every key result has one owner.",
        "Name the one person who owns the key result.",
    },
    [R_NO_MEASURE] = {
        "no-measure",
        "A metric key result moves from a start value to a different target value.",
        "Give the key result a start and a target that differ (\"from X to Y\"), or make it a "
        "milestone if it is truly done or not done.",
    },
    [R_TASK] = {
        "task-not-result",
        "A key result states an outcome, not an activity: if it sounds like a task, it is an "
        "initiative in disguise.",
        "Rewrite it as the measurable result the activity should bring (\"from X to Y\") and "
        "track the activity as an initiative under it.",
    },
    [R_HEAVY_KEY_RESULT] = {
        "heavy-key-result",
        "No key result carries more than half of its objective's weight.",
        "Lower its weight or raise the others': if one result decides the objective alone, the "
        "others are not needed, or the objective is that one result.",
    },
};

const size_t LINT_RULE_COUNT = sizeof LINT_RULES / sizeof LINT_RULES[0];

_Static_assert(sizeof LINT_RULES / sizeof LINT_RULES[0] == R_COUNT,
               "every rule needs a row in LINT_RULES");

const struct lint_rule *lint_rule_find(const char *id)
{
    for (size_t i = 0; id != NULL && i < LINT_RULE_COUNT; i++)
        if (strcmp(LINT_RULES[i].id, id) == 0)
            return &LINT_RULES[i];
    return NULL;
}

/* Where warnings go. */
struct sink {
    int (*cb)(void *ctx, const struct lint_warning *w);
    void *ctx;
};

/* Drops a UTF-8 sequence that snprintf cut short at the end of buf, so a
 * truncated message still reaches the terminal as valid text. */
static void trim_partial_utf8(char *buf)
{
    size_t len = strlen(buf), i = len;
    while (i > 0 && len - i < 3 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)buf[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (lead >= 0xC0 && len - (i - 1) < need)
        buf[i - 1] = '\0';
}

/* Formats one warning about entity kind+num (kind 0: the workshop) and hands
 * it to the sink; returns what the callback returned. */
__attribute__((format(printf, 5, 6))) static int emit(const struct sink *out, int rule, int kind,
                                                      uint32_t num, const char *fmt, ...)
{
    struct lint_warning w;
    memset(&w, 0, sizeof w);
    w.rule = &LINT_RULES[rule];
    if (kind != 0)
        okr_id_format((enum okr_kind)kind, num, w.entity, sizeof w.entity);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w.message, sizeof w.message, fmt, ap);
    va_end(ap);
    if (n >= (int)sizeof w.message)
        trim_partial_utf8(w.message);
    return out->cb(out->ctx, &w);
}

static int is_blank(const char *text)
{
    if (text == NULL)
        return 1;
    for (; *text != '\0'; text++)
        if (strchr(" \t\n\r\v\f", *text) == NULL)
            return 0;
    return 1;
}

static int objective_live(const struct okr_objective *o)
{
    return o->status != OKR_ARCHIVED;
}

/* A key result is put away with its objective. One whose objective is gone is
 * still checked: nothing has archived it. */
static int key_result_live(const struct okr_state *s, const struct okr_key_result *k)
{
    const struct okr_objective *o = okr_objective_find(s, k->objective);
    return o == NULL || objective_live(o);
}

static size_t live_objectives_of_team(const struct okr_state *s, uint32_t team)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nobjectives; i++)
        if (s->objectives[i].team == team && objective_live(&s->objectives[i]))
            n++;
    return n;
}

static size_t key_results_of(const struct okr_state *s, uint32_t objective)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nkey_results; i++)
        if (s->key_results[i].objective == objective)
            n++;
    return n;
}

static const char *plural(size_t n)
{
    return n == 1 ? "" : "s";
}

static int check_company_objectives(const struct okr_state *s, const struct sink *out)
{
    const struct okr_team *first = NULL;
    size_t teams = 0, objectives = 0;
    for (size_t i = 0; i < s->nteams; i++) {
        const struct okr_team *t = &s->teams[i];
        if (t->level != OKR_LEVEL_COMPANY)
            continue;
        if (first == NULL)
            first = t;
        teams++;
        objectives += live_objectives_of_team(s, t->num);
    }
    if (objectives <= LINT_MAX_OBJECTIVES)
        return 0;
    if (teams == 1)
        return emit(out, R_COMPANY_OBJECTIVES, OKR_TEAM, first->num,
                    "Company team T%u has %zu objectives, more than the %d priorities a "
                    "company should set.",
                    (unsigned)first->num, objectives, LINT_MAX_OBJECTIVES);
    return emit(out, R_COMPANY_OBJECTIVES, OKR_TEAM, first->num,
                "The %zu company-level teams, starting with T%u, have %zu objectives together, "
                "more than the %d priorities a company should set.",
                teams, (unsigned)first->num, objectives, LINT_MAX_OBJECTIVES);
}

static int check_team_objectives(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nteams; i++) {
        const struct okr_team *t = &s->teams[i];
        size_t n = live_objectives_of_team(s, t->num);
        if (n <= LINT_MAX_OBJECTIVES)
            continue;
        int rc = emit(out, R_TEAM_OBJECTIVES, OKR_TEAM, t->num,
                      "Team T%u has %zu objectives, more than %d.", (unsigned)t->num, n,
                      LINT_MAX_OBJECTIVES);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* One warning per person, at their first objective: the person is counted
 * there, and skipped at every later objective they own. */
static int check_person_objectives(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_live(o) || is_blank(o->owner))
            continue;
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = objective_live(&s->objectives[j]) && s->objectives[j].owner != NULL &&
                   strcmp(s->objectives[j].owner, o->owner) == 0;
        if (seen)
            continue;
        size_t n = 1;
        for (size_t j = i + 1; j < s->nobjectives; j++)
            if (objective_live(&s->objectives[j]) && s->objectives[j].owner != NULL &&
                strcmp(s->objectives[j].owner, o->owner) == 0)
                n++;
        if (n <= LINT_MAX_OBJECTIVES)
            continue;
        int rc = emit(out, R_PERSON_OBJECTIVES, 0, 0,
                      "%s owns %zu objectives, more than %d for one person.", o->owner, n,
                      LINT_MAX_OBJECTIVES);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_objective_owner(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_live(o) || !is_blank(o->owner))
            continue;
        int rc = emit(out, R_OBJECTIVE_OWNER, OKR_OBJECTIVE, o->num,
                      "Objective O%u has no owner.", (unsigned)o->num);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Describes an objective's link up the cascade into buf; returns whether the
 * link leads to something that is there and not archived. A description with
 * a "which" clause ends in a comma, to close the clause before "and". */
static int describe_alignment(const struct okr_state *s, const struct okr_objective *o, char *buf,
                              size_t len)
{
    if (o->aligns_to == 0) {
        snprintf(buf, len, "aligns to no objective");
        return 0;
    }
    const struct okr_objective *parent = okr_objective_find(s, o->aligns_to);
    if (parent != NULL && objective_live(parent))
        return 1;
    snprintf(buf, len, "aligns to O%u, which %s,", (unsigned)o->aligns_to,
             parent == NULL ? "no longer exists" : "is archived");
    return 0;
}

static int describe_inheritance(const struct okr_state *s, const struct okr_objective *o,
                                char *buf, size_t len)
{
    if (o->inherits == 0) {
        snprintf(buf, len, "inherits no key result");
        return 0;
    }
    const struct okr_key_result *k = okr_key_result_find(s, o->inherits);
    if (k != NULL && key_result_live(s, k))
        return 1;
    snprintf(buf, len, "inherits K%u, which %s", (unsigned)o->inherits,
             k == NULL ? "no longer exists" : "belongs to an archived objective");
    return 0;
}

static int check_orphan(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_live(o))
            continue;
        const struct okr_team *t = okr_team_find(s, o->team);
        if (t == NULL || t->parent == 0)
            continue;
        char aligns[64], inherits[64];
        if (describe_alignment(s, o, aligns, sizeof aligns) ||
            describe_inheritance(s, o, inherits, sizeof inherits))
            continue;
        int rc = emit(out, R_ORPHAN, OKR_OBJECTIVE, o->num,
                      "Objective O%u of child team T%u %s and %s.", (unsigned)o->num,
                      (unsigned)t->num, aligns, inherits);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_few_key_results(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_live(o))
            continue;
        size_t n = key_results_of(s, o->num);
        if (n >= LINT_MIN_KEY_RESULTS)
            continue;
        int rc = emit(out, R_FEW_KEY_RESULTS, OKR_OBJECTIVE, o->num,
                      "Objective O%u has %zu key result%s, fewer than %d.", (unsigned)o->num, n,
                      plural(n), LINT_MIN_KEY_RESULTS);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_many_key_results(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_live(o))
            continue;
        size_t n = key_results_of(s, o->num);
        if (n <= LINT_MAX_KEY_RESULTS)
            continue;
        int rc = emit(out, R_MANY_KEY_RESULTS, OKR_OBJECTIVE, o->num,
                      "Objective O%u has %zu key results, more than %d.", (unsigned)o->num, n,
                      LINT_MAX_KEY_RESULTS);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static const char *answer_state(enum okr_answer a)
{
    return a == OKR_NO ? "answered no" : "unanswered";
}

static int check_final(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (o->status != OKR_FINAL)
            continue;
        enum okr_answer nec = o->necessary.answer, suf = o->sufficient.answer;
        int rc = 0;
        if (nec != OKR_YES && suf != OKR_YES && (nec == OKR_NO) == (suf == OKR_NO))
            rc = emit(out, R_FINAL_CHECK, OKR_OBJECTIVE, o->num,
                      "Objective O%u is final, but the necessary and the sufficient questions "
                      "are both %s.",
                      (unsigned)o->num, answer_state(nec));
        else if (nec != OKR_YES && suf != OKR_YES)
            rc = emit(out, R_FINAL_CHECK, OKR_OBJECTIVE, o->num,
                      "Objective O%u is final, but the necessary question is %s and the "
                      "sufficient question is %s.",
                      (unsigned)o->num, answer_state(nec), answer_state(suf));
        else if (nec != OKR_YES || suf != OKR_YES)
            rc = emit(out, R_FINAL_CHECK, OKR_OBJECTIVE, o->num,
                      "Objective O%u is final, but the %s question is %s.", (unsigned)o->num,
                      nec != OKR_YES ? "necessary" : "sufficient",
                      answer_state(nec != OKR_YES ? nec : suf));
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_key_result_owner(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        if (!key_result_live(s, k) || !is_blank(k->owner))
            continue;
        int rc = emit(out, R_KEY_RESULT_OWNER, OKR_KEY_RESULT, k->num,
                      "Key result K%u has no owner.", (unsigned)k->num);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int has_measure(const struct okr_key_result *k)
{
    return !k->milestone && k->start != k->target;
}

static int check_no_measure(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        if (!key_result_live(s, k) || k->milestone || has_measure(k))
            continue;
        int rc = emit(out, R_NO_MEASURE, OKR_KEY_RESULT, k->num,
                      "Key result K%u starts at its target (%.15g), so it has no progress to "
                      "measure.",
                      (unsigned)k->num, k->target);
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* Activity verbs, lower case. A space stands for the gap between the words of
 * a phrasal verb: any run of blanks, or a hyphen ("set-up"). */
static const char *const TASK_VERBS[] = {
    "launch", "write",    "hold",     "implement", "create",  "build",   "run",
    "organize", "organise", "start",  "complete",  "finish",  "do",      "make",
    "develop", "plan",    "prepare",  "host",      "publish", "deliver", "set up",
};

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether c can continue a word: ASCII letters and digits, apostrophes,
 * hyphens, and any byte of a non-ASCII character. */
static int word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '\'' || c == '-' || c >= 0x80;
}

static int is_gap(char c)
{
    return c == ' ' || c == '\t';
}

/* Whether text begins with verb as a whole word (case-insensitively). */
static int starts_with_verb(const char *text, const char *verb)
{
    const char *p = text;
    for (const char *v = verb; *v != '\0'; v++) {
        if (*v == ' ') {
            if (*p == '-') {
                p++;
            } else {
                if (!is_gap(*p))
                    return 0;
                while (is_gap(*p))
                    p++;
            }
            continue;
        }
        if (ascii_lower((unsigned char)*p) != *v)
            return 0;
        p++;
    }
    return !word_char((unsigned char)*p);
}

/* The activity verb a title opens with, or NULL. */
static const char *task_verb(const char *title)
{
    if (title == NULL)
        return NULL;
    while (is_gap(*title))
        title++;
    for (size_t i = 0; i < sizeof TASK_VERBS / sizeof TASK_VERBS[0]; i++)
        if (starts_with_verb(title, TASK_VERBS[i]))
            return TASK_VERBS[i];
    return NULL;
}

static int check_task(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nkey_results; i++) {
        const struct okr_key_result *k = &s->key_results[i];
        if (!key_result_live(s, k) || has_measure(k))
            continue;
        const char *verb = task_verb(k->title);
        if (verb == NULL)
            continue;
        int rc = emit(out, R_TASK, OKR_KEY_RESULT, k->num,
                      "Key result K%u opens with the activity \"%s\" and has no measure, so it "
                      "reads like a task.",
                      (unsigned)k->num, verb);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int check_heavy_key_result(const struct okr_state *s, const struct sink *out)
{
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!objective_live(o))
            continue;
        double total = 0.0, heaviest = 0.0;
        uint32_t which = 0;
        size_t counted = 0;
        for (size_t j = 0; j < s->nkey_results; j++) {
            const struct okr_key_result *k = &s->key_results[j];
            double w = okr_key_result_weight(k);
            if (k->objective != o->num || !(w > 0.0))
                continue;
            total += w;
            counted++;
            if (w > heaviest) {
                heaviest = w;
                which = k->num;
            }
        }
        /* A lone key result carries everything by nature; that is another rule's. */
        if (counted < 2 || !(heaviest > total / 2))
            continue;
        int rc = emit(out, R_HEAVY_KEY_RESULT, OKR_KEY_RESULT, which,
                      "K%u carries %.0f%% of objective O%u's weight, more than half.",
                      (unsigned)which, 100.0 * heaviest / total, (unsigned)o->num);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static int (*const CHECKS[])(const struct okr_state *s, const struct sink *out) = {
    [R_COMPANY_OBJECTIVES] = check_company_objectives,
    [R_TEAM_OBJECTIVES] = check_team_objectives,
    [R_PERSON_OBJECTIVES] = check_person_objectives,
    [R_OBJECTIVE_OWNER] = check_objective_owner,
    [R_ORPHAN] = check_orphan,
    [R_FEW_KEY_RESULTS] = check_few_key_results,
    [R_MANY_KEY_RESULTS] = check_many_key_results,
    [R_FINAL_CHECK] = check_final,
    [R_KEY_RESULT_OWNER] = check_key_result_owner,
    [R_NO_MEASURE] = check_no_measure,
    [R_TASK] = check_task,
    [R_HEAVY_KEY_RESULT] = check_heavy_key_result,
};

_Static_assert(sizeof CHECKS / sizeof CHECKS[0] == R_COUNT, "every rule needs a check");

int lint_run(const struct okr_state *s, int (*cb)(void *ctx, const struct lint_warning *w),
             void *ctx)
{
    struct sink out = {.cb = cb, .ctx = ctx};
    for (size_t i = 0; i < R_COUNT; i++) {
        int rc = CHECKS[i](s, &out);
        if (rc != 0)
            return rc;
    }
    return 0;
}
