/* cascade replay [--speed N|max] [--from SEQ] [--to SEQ] [--live [--ascii]]:
 * a workshop's history played again. The events are read first (history.h:
 * the history is kept packed, and the server is not kept waiting on a
 * slow replay), then played paced by the real gaps between them divided
 * by the speed (10 unless given; max or 0: no pauses), each gap cut to at
 * most REPLAY_GAP_MAX_MS of replay time, which stderr notes. Without --live
 * each event is printed as `watch` prints it (event_format.h), so the lines
 * are those of `watch --since 0`; with --live the live view's screen shows
 * the cascade as each event leaves it (okr_fold.h), read-only: space
 * pauses, q quits, and at the end it stays on the last state until q. */
#ifndef CASCADE_REPLAY_H
#define CASCADE_REPLAY_H

#include <stdint.h>

#include "history.h"
#include "wire.h"

/* The longest pause between two events, in replay time. */
#define REPLAY_GAP_MAX_MS 2000

/* What to play: the history's events with seq in [from, to], the tape
 * holding every event from seq 1 (the live view folds those before from
 * too), paced at speed (0: no pauses). */
struct replay_plan {
    const char *ws;
    char title[256], period[64];
    uint64_t from, to, last;
    double speed;
    int ascii;
    struct history_tape tape;
};

/* The pause before an event at time_ms after one at prev_ms: the gap
 * divided by speed (none at speed 0), at most REPLAY_GAP_MAX_MS; *cut
 * says whether it was cut. */
uint64_t replay_pause_ms(int64_t prev_ms, int64_t time_ms, double speed, int *cut);

/* Plays the plan on the live view's screen (replay_live.c). Exit status,
 * with a sentence in err when it could not. */
int replay_live(struct replay_plan *plan, char *err, size_t errlen);

#endif
