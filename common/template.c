#include "template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "errors.h"

int template_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > TEMPLATE_NAME_MAX || name[0] == '-')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return 0;
    }
    return 1;
}

void template_free(struct template *t)
{
    free(t->title);
    agenda_free(&t->agenda);
    memset(t, 0, sizeof *t);
}

/* The rest of a line after "keyword ", or NULL when it does not start so. */
static const char *after(const char *line, const char *keyword)
{
    size_t n = strlen(keyword);
    return strncmp(line, keyword, n) == 0 && line[n] == ' ' ? line + n + 1 : NULL;
}

/* One line (NUL-terminated, without its newline) into t. */
static int parse_line(struct template *t, const char *line, const struct okr_limits *limits,
                      int *prompted, char *why, size_t whylen)
{
    const char *rest;
    char err[256];
    if (line[0] == '\0' || line[0] == '#')
        return 0;
    if ((rest = after(line, "title")) != NULL) {
        if (t->title != NULL) {
            cas_errorf(why, whylen, "the template has a title already; give it once.");
            return CAS_EINVAL;
        }
        if (okr_text_check(rest, "template title", limits->title, 1, 0, err, sizeof err) != 0) {
            cas_errorf(why, whylen, "%s", err);
            return CAS_EINVAL;
        }
        t->title = strdup(rest);
        return t->title != NULL ? 0 : CAS_ENOMEM;
    }
    if ((rest = after(line, "step")) != NULL) {
        const char *space = strchr(rest, ' ');
        char dur[DURATION_TEXT_MAX];
        int64_t ms;
        if (space == NULL || (size_t)(space - rest) >= sizeof dur) {
            cas_errorf(why, whylen, "a step needs a duration and a title, like 'step 15m Wrap up'.");
            return CAS_EINVAL;
        }
        memcpy(dur, rest, (size_t)(space - rest));
        dur[space - rest] = '\0';
        if (duration_parse(dur, 0, &ms, err, sizeof err) != 0) {
            cas_errorf(why, whylen, "%s", err);
            return CAS_EINVAL;
        }
        if (ms < AGENDA_MIN_STEP_MS || ms > AGENDA_MAX_STEP_MS) {
            cas_errorf(why, whylen, "a step lasts from 1s to 24h, not %s.", dur);
            return CAS_EINVAL;
        }
        if (okr_text_check(space + 1, "step title", limits->title, 1, 0, err, sizeof err) != 0) {
            cas_errorf(why, whylen, "%s", err);
            return CAS_EINVAL;
        }
        int rc = agenda_add(&t->agenda, space + 1, "", ms);
        if (rc == CAS_ETOOBIG)
            cas_errorf(why, whylen, "a template has at most %d steps.", AGENDA_MAX_STEPS);
        *prompted = 0;
        return rc;
    }
    if ((rest = after(line, "prompt")) != NULL) {
        if (t->agenda.nsteps == 0 || *prompted) {
            cas_errorf(why, whylen, "a prompt belongs to the step above it, one per step.");
            return CAS_EINVAL;
        }
        if (okr_text_check(rest, "prompt", limits->text, 1, 0, err, sizeof err) != 0) {
            cas_errorf(why, whylen, "%s", err);
            return CAS_EINVAL;
        }
        *prompted = 1;
        return agenda_set_prompt(&t->agenda, t->agenda.nsteps, rest);
    }
    cas_errorf(why, whylen, "lines start with 'title', 'step', 'prompt' or '#'.");
    return CAS_EINVAL;
}

int template_parse(const char *name, const char *file, const char *text, size_t len,
                   const struct okr_limits *limits, struct template *out, char *err,
                   size_t errlen)
{
    memset(out, 0, sizeof *out);
    agenda_init(&out->agenda);
    if (!template_name_ok(name)) {
        cas_errorf(err, errlen, "%s: a template's name is up to %d of a-z, 0-9 and '-'.", file,
                   TEMPLATE_NAME_MAX);
        return CAS_EINVAL;
    }
    snprintf(out->name, sizeof out->name, "%s", name);
    if (len > TEMPLATE_MAX_BYTES) {
        cas_errorf(err, errlen, "%s: a template file is at most %d bytes; this one is %zu.", file,
                   TEMPLATE_MAX_BYTES, len);
        return CAS_ETOOBIG;
    }
    char *line = malloc(TEMPLATE_MAX_LINE + 1);
    if (line == NULL)
        return CAS_ENOMEM;
    int rc = 0, prompted = 0;
    size_t lineno = 0, pos = 0;
    while (rc == 0 && pos < len) {
        lineno++;
        const char *start = text + pos;
        const char *nl = memchr(start, '\n', len - pos);
        size_t n = nl != NULL ? (size_t)(nl - start) : len - pos;
        pos += n + (nl != NULL);
        if (n > 0 && start[n - 1] == '\r')
            n--;
        char why[300] = "";
        if (n > TEMPLATE_MAX_LINE) {
            cas_errorf(why, sizeof why, "a line is at most %d bytes.", TEMPLATE_MAX_LINE);
            rc = CAS_ETOOBIG;
        } else if (memchr(start, '\0', n) != NULL) {
            cas_errorf(why, sizeof why, "the line holds a NUL byte; a template is text.");
            rc = CAS_EINVAL;
        } else {
            memcpy(line, start, n);
            line[n] = '\0';
            rc = parse_line(out, line, limits, &prompted, why, sizeof why);
        }
        if (rc != 0 && rc != CAS_ENOMEM)
            cas_errorf(err, errlen, "%s line %zu: %s", file, lineno, why);
    }
    free(line);
    if (rc == 0 && out->title == NULL && (out->title = strdup("")) == NULL)
        rc = CAS_ENOMEM;
    if (rc != 0)
        template_free(out);
    return rc;
}

/* ---- The built-in templates ------------------------------------------------ */

/* The two-hour team workshop, as OKR workshop guides lay it out. */
static const char OKR_2H[] =
    "title Two-hour team OKR workshop: from priorities to key results and a review cadence\n"
    "step 30m Brief overview\n"
    "prompt The OKR formula, how scoring works (0.0-1.0, 0.7 is good for a stretch), the "
    "rhythm of check-ins, and what OKRs are not: a to-do list or business-as-usual KPIs.\n"
    "step 15m Identify the business goal\n"
    "prompt Which 3-5 company priorities matter most this period? Name them before anyone "
    "writes an objective.\n"
    "step 25m Define objectives\n"
    "prompt Choose the cascade model (inherit a key result, or align to an objective), then "
    "write 3-5 objectives: verb + what + so that + outcome. Spend 10 minutes on an example "
    "first.\n"
    "step 25m Write key results\n"
    "prompt 2-5 measurable key results per objective, from X to Y or a clear milestone. Then "
    "the test: are all of them necessary, and are they sufficient?\n"
    "step 15m Schedule the review cadence\n"
    "prompt Set the check-in dates and times, and who updates which key result before each "
    "review.\n"
    "step 10m Wrap up and next steps\n"
    "prompt Summarise the decisions, the open questions and who owns what.\n";

/* The half-day cross-functional variant: calibration, alignment, a KR
 * clinic with a timeboxed brainstorm and a vote, the cross-functional
 * review and a commitment close, with a break halfway. */
static const char OKR_HALF_DAY[] =
    "title Half-day cross-functional OKR workshop: align teams, fix weak key results, "
    "surface dependencies\n"
    "step 20m Opening calibration\n"
    "prompt What makes a good objective and a measurable key result? Review one strong and "
    "one weak example together.\n"
    "step 15m Retrospective of the last cycle\n"
    "prompt What worked and what did not last cycle: continue, change, stop, start.\n"
    "step 40m Alignment exercise\n"
    "prompt One company priority at the top; each team shows how its objective supports it. "
    "Rewrite or remove the weak links and the orphans.\n"
    "step 10m Brainstorm metrics\n"
    "prompt As many candidate metrics as possible in 10 minutes; no discussion yet.\n"
    "step 15m Vote and narrow down\n"
    "prompt Vote on favourites; the facilitator narrows them down to the strongest few.\n"
    "step 15m Break\n"
    "step 40m Key result clinic\n"
    "prompt Rewrite weak key results: tasks in disguise become initiatives, vague ones get a "
    "from X to Y.\n"
    "step 35m Cross-functional review\n"
    "prompt Each team presents; others surface dependencies and conflicts, and record them "
    "as dependencies between key results.\n"
    "step 25m Commitment close\n"
    "prompt The first draft, the open questions, and a named owner for every objective and "
    "key result.\n";

static const char BLANK[] = "title An empty agenda, to build step by step\n";

static const struct {
    const char *name, *text;
} BUILTINS[TEMPLATE_BUILTIN_COUNT] = {
    {"okr-2h", OKR_2H},
    {"okr-half-day", OKR_HALF_DAY},
    {"blank", BLANK},
};

const char *template_builtin_name(size_t i)
{
    return i < TEMPLATE_BUILTIN_COUNT ? BUILTINS[i].name : NULL;
}

const char *template_builtin_text(size_t i)
{
    return i < TEMPLATE_BUILTIN_COUNT ? BUILTINS[i].text : NULL;
}
