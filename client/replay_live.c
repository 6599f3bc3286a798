/* cascade replay --live: the history on the live view's screen (replay.h).
 * The model and the screen are the live view's own (live_model.h); only the
 * feeding differs: instead of snapshots from the server, the state folded
 * here event by event, and the keys that would change something are not
 * offered (the role shown is observer). */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <uv.h>

#include "cli.h"
#include "live_model.h"
#include "live_term.h"
#include "okr_fold.h"
#include "output.h"
#include "replay.h"

/* How often keys are read while waiting for the next event. */
#define REPLAY_POLL_MS 20
/* Without pauses, the screen is drawn at most this often (a frame of the
 * live view's ~30 a second), not once per event of a long history. */
#define REPLAY_FRAME_MS 33

static uint64_t now_ms(void)
{
    return uv_hrtime() / 1000000u;
}

static void paint(struct live_model *m)
{
    live_term_show(m, now_ms());
}

struct player {
    struct live_model m;
    struct okr_state st;
    struct replay_plan *plan;
    int paused, quit;
};

static void say(struct player *p, const char *what)
{
    const struct replay_plan *plan = p->plan;
    char speed[32];
    if (plan->speed > 0)
        snprintf(speed, sizeof speed, "%gx", plan->speed);
    else
        snprintf(speed, sizeof speed, "no pauses");
    snprintf(p->m.message, sizeof p->m.message, "Replay #%llu of #%llu · %s · %s",
             (unsigned long long)p->st.seq, (unsigned long long)plan->last, speed, what);
}

/* Takes the keys waiting: q quits, space pauses and resumes, arrows and
 * j/k move the selection. */
static void keys(struct player *p)
{
    int k, moved = 0;
    while ((k = live_term_key()) != LIVE_KEY_NONE) {
        if (k == 'q' || k == 'Q' || k == LIVE_KEY_ESCAPE) {
            p->quit = 1;
        } else if (k == ' ') {
            p->paused = !p->paused;
            say(p, p->paused ? "paused: space resumes, q quits" : "space pauses, q quits");
        } else if (k == LIVE_KEY_UP || k == 'k') {
            live_model_move(&p->m, -1);
        } else if (k == LIVE_KEY_DOWN || k == 'j') {
            live_model_move(&p->m, 1);
        } else if (k == LIVE_KEY_RESIZE) {
            live_term_resized();
        }
        moved = 1;
    }
    if (moved)
        paint(&p->m);
}

/* Waits ms of replay time (more while paused), reading keys. */
static void wait_keys(struct player *p, uint64_t ms)
{
    uint64_t waited = 0;
    while (!p->quit && (waited < ms || p->paused)) {
        uint64_t step = p->paused || ms - waited > REPLAY_POLL_MS ? REPLAY_POLL_MS : ms - waited;
        struct timespec t = {0, (long)step * 1000000L};
        nanosleep(&t, NULL);
        if (!p->paused)
            waited += step;
        keys(p);
        if (p->m.nhighlights > 0)
            paint(&p->m); /* the highlights fade */
    }
}

static int play(struct player *p, char *err, size_t errlen)
{
    struct replay_plan *plan = p->plan;
    int64_t prev_ms = 0;
    uint64_t painted_ms = 0;
    int first = 1;
    Cascade__V1__Event *ev;
    while (!p->quit && (ev = history_tape_next(&plan->tape)) != NULL) {
        int shown = ev->seq >= plan->from;
        if (shown && !first) {
            int cut;
            wait_keys(p, replay_pause_ms(prev_ms, ev->time_ms, plan->speed, &cut));
        }
        int rc = okr_fold_event(&p->st, ev);
        if (rc < 0) {
            snprintf(err, errlen, "The history cannot be replayed: its event #%llu (%.40s) does "
                     "not fit what came before it.", (unsigned long long)ev->seq, ev->type);
            cascade__v1__event__free_unpacked(ev, NULL);
            return EXIT_REFUSED;
        }
        if (shown) {
            if (live_model_set_state(&p->m, &p->st) != 0) {
                snprintf(err, errlen, "Out of memory while replaying.");
                cascade__v1__event__free_unpacked(ev, NULL);
                return EXIT_REFUSED;
            }
            live_model_event(&p->m, ev->seq, ev->actor, ev->type, ev->entity, now_ms());
            p->m.seq = ev->seq;
            say(p, p->paused ? "paused: space resumes, q quits" : "space pauses, q quits");
            if (plan->speed > 0 || now_ms() >= painted_ms + REPLAY_FRAME_MS) {
                paint(&p->m);
                painted_ms = now_ms();
                if (plan->speed <= 0)
                    keys(p); /* q still quits a replay without pauses */
            }
            first = 0;
            prev_ms = ev->time_ms;
        }
        cascade__v1__event__free_unpacked(ev, NULL);
    }
    if (!p->quit) {
        say(p, "finished: the cascade as the last event left it; q quits");
        paint(&p->m);
        p->paused = 1;
        wait_keys(p, 0);
    }
    return EXIT_OK;
}

int replay_live(struct replay_plan *plan, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
        snprintf(err, errlen, "cascade replay --live needs a terminal; without --live the "
                 "history prints as lines.");
        return EXIT_USAGE;
    }
    setlocale(LC_ALL, "");
    struct player p = {.plan = plan};
    live_model_init(&p.m);
    okr_state_init(&p.st);
    const char *term = getenv("TERM");
    p.m.ascii = plan->ascii || strcmp(nl_langinfo(CODESET), "UTF-8") != 0;
    p.m.color = output_color() && (term == NULL || strcmp(term, "dumb") != 0);
    snprintf(p.m.code, sizeof p.m.code, "%s", plan->ws);
    snprintf(p.m.title, sizeof p.m.title, "%s", plan->title);
    snprintf(p.m.period, sizeof p.m.period, "%s", plan->period);
    snprintf(p.m.role, sizeof p.m.role, "observer");
    int rc = EXIT_OK;
    if (live_model_set_state(&p.m, &p.st) != 0 || live_term_open(p.m.color) != 0) {
        snprintf(err, errlen, "This terminal (TERM=%s) cannot be drawn on.",
                 term != NULL ? term : "unset");
        rc = EXIT_USAGE;
    } else {
        say(&p, "space pauses, q quits");
        paint(&p.m);
        rc = play(&p, err, errlen);
        live_term_close();
    }
    live_model_free(&p.m);
    okr_state_free(&p.st);
    return rc;
}
