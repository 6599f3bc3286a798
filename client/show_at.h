/* cascade show --at SEQ|TIME: the cascade as it was, rebuilt on this side
 * from the workshop's history (history.h) by folding its events
 * (okr_fold.h) up to event SEQ, or up to the last event at or before TIME
 * (when.h's forms). Printed as `show` prints the present, under a line
 * that says it is a past state ("As of #12, 2026-12-01 14:30:05 CET; the
 * workshop is at #57 now."); with --json the same object as `show --json`
 * plus "as_of":{"seq","time_ms","latest_seq"}, without what the history
 * does not rebuild (the agenda, the confidence round, the ideas). The
 * header's title and period are today's: settings are not in the cascade's
 * events. */
#ifndef CASCADE_SHOW_AT_H
#define CASCADE_SHOW_AT_H

#include "cli.h"

/* Runs show --at with the --at value `at` (the other arguments still in
 * a). Returns the exit status, having printed what went wrong. */
int show_at(struct cli *cli, struct args *a, const char *at);

#endif
