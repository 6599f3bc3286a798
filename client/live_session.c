/* The lines under the live view's header that follow the session itself:
 * the agenda's step and countdown, and the brainstorm (ideas waiting for
 * their reveal, the dot vote's progress, its results). */
#include "live_session.h"

#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "ideas.h"
#include "render.h"

/* The agenda's line: the step under way and its countdown, highlighted
 * once the time is up; for facilitators, how many are ready. */
void live_agenda_line(const struct live_model *m, int cols, uint64_t now_ms, const char *sep,
                      struct live_line *l)
{
    const struct live_agenda *a = &m->agenda;
    char text[LIVE_LINE_BYTES], clock[DURATION_TEXT_MAX], ready[64] = "";
    if (a->finished) {
        live_line_text(l, cols, LIVE_BAR, " Agenda finished", m->ascii);
        return;
    }
    int64_t left = live_model_agenda_left(m, now_ms);
    duration_clock(left, clock, sizeof clock);
    if (strcmp(m->role, "facilitator") == 0)
        snprintf(ready, sizeof ready, "%s%zu of %u ready", sep, a->ready, a->ready_of);
    if (left <= 0)
        snprintf(text, sizeof text, " Step %u/%u %s%stime is up%s%s", a->step, a->steps, a->title,
                 sep, a->paused ? " (paused)" : "", ready);
    else
        snprintf(text, sizeof text, " Step %u/%u %s%s%s%s left%s", a->step, a->steps, a->title,
                 sep, a->paused ? "paused, " : "", clock, ready);
    live_line_text(l, cols, left <= 0 ? LIVE_WARN : LIVE_BAR, text, m->ascii);
}

/* Text flattened to one line and cut, on a character's edge, to fit out. */
static void short_text(const char *text, char *out, size_t outlen)
{
    char flat[LIVE_TICK_BYTES];
    render_flat(text != NULL ? text : "", flat, sizeof flat);
    size_t used = 0, len;
    while (flat[used] != '\0') {
        live_utf8_next(flat + used, &len);
        if (used + len >= outlen)
            break;
        used += len;
    }
    memcpy(out, flat, used);
    out[used] = '\0';
}

/* The brainstorm's line, while there are ideas or a vote: what waits for
 * the reveal, the vote's progress and your dots, or its results. Never a
 * count the server has not revealed: it sends none. */
int live_ideas_shown(const struct live_model *m)
{
    return m->s != NULL && (m->s->nideas > 0 || m->s->ideas_unrevealed > 0 || m->s->vote.number);
}

void live_ideas_line(const struct live_model *m, int cols, uint64_t now_ms, const char *sep,
                     struct live_line *l)
{
    const struct okr_state *s = m->s;
    const struct okr_vote *v = &s->vote;
    char text[LIVE_LINE_BYTES];
    size_t n = 0, revealed = 0, cards[OKR_RETRO_START + 1] = {0};
    for (size_t i = 0; i < s->nideas; i++) {
        revealed += s->ideas[i].revealed && s->ideas[i].retro == OKR_RETRO_NONE;
        cards[s->ideas[i].retro <= OKR_RETRO_START ? s->ideas[i].retro : 0]++;
    }
    n += (size_t)snprintf(text, sizeof text, " Ideas: %zu revealed", revealed);
    if (s->ideas_unrevealed)
        n += (size_t)snprintf(text + n, sizeof text - n, ", %u waiting for the reveal",
                              s->ideas_unrevealed);
    /* The retrospective's cards, by kind, once there are any ("Retro: 2
     * continue, 1 start": the kinds without cards left out, to stay short). */
    const char *label = "Retro: ";
    for (int k = OKR_RETRO_CONTINUE; k <= OKR_RETRO_START && n < sizeof text; k++) {
        if (cards[k] == 0)
            continue;
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s%zu %s", *label ? sep : "",
                              *label ? label : ", ", cards[k],
                              okr_retro_kind_name((enum okr_retro_kind)k));
        label = "";
    }
    if (n >= sizeof text)
        n = sizeof text - 1; /* cut: what follows is appended to nothing */
    if (v->state == OKR_VOTE_OPEN) {
        uint32_t mine = 0;
        for (size_t i = 0; i < s->nballots; i++)
            mine += s->ballots[i].count;
        int closed = v->closes_ms != 0 && (int64_t)now_ms >= v->closes_ms;
        n += (size_t)snprintf(text + n, sizeof text - n, "%s%s V%u %s: %u voted", sep,
                              v->retro ? "Retro vote" : "Vote", v->number, closed ? "closed" : "open", v->voters);
        if (strcmp(m->role, "observer") != 0 && n < sizeof text)
            n += (size_t)snprintf(text + n, sizeof text - n, "%syour dots %u of %u", sep, mine,
                                  v->budget);
    } else if (v->state == OKR_VOTE_REVEALED) {
        n += (size_t)snprintf(text + n, sizeof text - n, "%sVote V%u:", sep, v->number);
        /* The first few by dots, as the server counted them. */
        int shown[3] = {-1, -1, -1};
        for (int k = 0; k < 3; k++)
            for (size_t i = 0; i < s->nideas; i++) {
                const struct okr_idea *d = &s->ideas[i];
                int taken = 0;
                for (int j = 0; j < k; j++)
                    taken |= shown[j] == (int)i;
                if (taken || !okr_idea_in_vote(v, d))
                    continue;
                if (shown[k] < 0 || d->votes > s->ideas[shown[k]].votes)
                    shown[k] = (int)i;
            }
        for (int k = 0; k < 3 && shown[k] >= 0 && n < sizeof text; k++) {
            char flat[64];
            short_text(s->ideas[shown[k]].text, flat, sizeof flat);
            n += (size_t)snprintf(text + n, sizeof text - n, " D%u %s %u%s",
                                  s->ideas[shown[k]].num, flat, s->ideas[shown[k]].votes,
                                  k < 2 ? " ·" : "");
        }
    }
    live_line_text(l, cols, LIVE_BAR, text, m->ascii);
}

