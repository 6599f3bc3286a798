#include "closing.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "score.h"

int closing_is_closed(const struct okr_state *s)
{
    return s->closed_by != NULL && s->closed_by[0] != '\0';
}

void closing_fix_grades(struct okr_state *s)
{
    /* Every score first, then every mark: an objective's score reads its
     * key results' live scores, which must not be read half-fixed. */
    for (size_t i = 0; i < s->nkey_results; i++)
        s->key_results[i].final_score = score_rounded(score_key_result(s, &s->key_results[i]));
    for (size_t i = 0; i < s->nobjectives; i++)
        s->objectives[i].final_score = score_rounded(score_objective(s, &s->objectives[i]));
    for (size_t i = 0; i < s->nkey_results; i++)
        s->key_results[i].graded = 1;
    for (size_t i = 0; i < s->nobjectives; i++)
        s->objectives[i].graded = 1;
}

void closing_drop_grades(struct okr_state *s)
{
    for (size_t i = 0; i < s->nkey_results; i++) {
        s->key_results[i].graded = 0;
        s->key_results[i].final_score = 0;
    }
    for (size_t i = 0; i < s->nobjectives; i++) {
        s->objectives[i].graded = 0;
        s->objectives[i].final_score = 0;
    }
}

double closing_key_result_score(const struct okr_state *s, const struct okr_key_result *k)
{
    return k->graded ? k->final_score : score_key_result(s, k);
}

double closing_objective_score(const struct okr_state *s, const struct okr_objective *o)
{
    return o->graded ? o->final_score : score_objective(s, o);
}

int closing_needs_note(const struct okr_state *s, const struct okr_objective *o)
{
    return o->committed && o->status != OKR_ARCHIVED &&
           score_colour(closing_objective_score(s, o)) != SCORE_GREEN &&
           (o->close_note == NULL || o->close_note[0] == '\0');
}

size_t closing_missing_notes(const struct okr_state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->nobjectives; i++)
        n += (size_t)closing_needs_note(s, &s->objectives[i]);
    return n;
}

/* "O2 Improve onboarding (team Sales, 0.0 red)" */
static void describe(const struct okr_state *s, const struct okr_objective *o, char *out,
                     size_t outlen)
{
    char title[160], team[120];
    const struct okr_team *t = okr_team_find(s, o->team);
    okr_text_quote(o->title, 40, title, sizeof title);
    okr_text_quote(t != NULL ? t->name : "", 24, team, sizeof team);
    double score = closing_objective_score(s, o);
    snprintf(out, outlen, "O%u %s (team %s, %.1f %s)", o->num, title, team, score_rounded(score),
             score_colour_name(score_colour(score)));
}

void closing_describe_missing(const struct okr_state *s, char *out, size_t outlen)
{
    size_t missing = closing_missing_notes(s), listed = 0, len;
    char one[400];
    out[0] = '\0';
    if (missing == 0 || outlen < 64)
        return;
    for (size_t i = 0; i < s->nobjectives; i++) {
        const struct okr_objective *o = &s->objectives[i];
        if (!closing_needs_note(s, o))
            continue;
        describe(s, o, one, sizeof one);
        if (missing == 1) {
            snprintf(out, outlen,
                     "%s has no closing note; write one with `cascade obj close-note O%u TEXT`, "
                     "or close with --force.",
                     one, o->num);
            return;
        }
        len = strlen(out);
        /* Room for this one and for the closing words after it. */
        if (len + strlen(one) + 2 + 160 > outlen)
            break;
        snprintf(out + len, outlen - len, "%s%s", listed == 0 ? "" : ", ", one);
        listed++;
    }
    len = strlen(out);
    if (listed < missing)
        snprintf(out + len, outlen - len, " and %zu more", missing - listed);
    len = strlen(out);
    snprintf(out + len, outlen - len,
             " have no closing note; write one for each with `cascade obj close-note O# TEXT`, "
             "or close with --force.");
}

void closing_time_text(int64_t ms, char *out, size_t outlen)
{
    clock_utc_text(ms, out, outlen);
}

void closing_refusal(const struct okr_state *s, const char *code, char *out, size_t outlen)
{
    char when[32];
    closing_time_text(s->closed_ms, when, sizeof when);
    snprintf(out, outlen,
             "Workshop %s is closed (closed by %s on %s); a facilitator can reopen it with "
             "`cascade workshop reopen`.",
             code, closing_is_closed(s) ? s->closed_by : "a facilitator", when);
}
