/* The live view's session lines (live_session.c), drawn by live_screen.c
 * under the header; sep is the separator of the view's glyphs (" · "). */
#ifndef CASCADE_LIVE_SESSION_H
#define CASCADE_LIVE_SESSION_H

#include <stdint.h>

#include "live_model.h"
#include "live_text.h"

/* The agenda's line (while m->agenda.shown). */
void live_agenda_line(const struct live_model *m, int cols, uint64_t now_ms, const char *sep,
                      struct live_line *l);

/* Whether the brainstorm's line has anything to say, and the line. */
int live_ideas_shown(const struct live_model *m);
void live_ideas_line(const struct live_model *m, int cols, uint64_t now_ms, const char *sep,
                     struct live_line *l);

#endif
