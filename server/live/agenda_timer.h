/* The shared timer of every workshop's agenda, on the server's clock. A
 * tick a few times a second looks at each running agenda: when its
 * warning or "time is up" is due, the event is made (apply_agenda_tick)
 * with the workshop's next seq and goes through the batch like any
 * change, so it is durable before anyone sees it and is made once: the
 * mark that it was given is saved with it.
 *
 * Restarts: a running timer is checkpointed every AGENDA_CHECKPOINT_MS
 * (its running time folded into the saved agenda) and at a graceful stop;
 * loading it back (registry.c) resumes the count from there, so the time
 * the server was down does not count against the step. After a crash, up
 * to one checkpoint interval of running time is given back to the step. */
#ifndef CASCADE_AGENDA_TIMER_H
#define CASCADE_AGENDA_TIMER_H

struct live;

#define AGENDA_TICK_MS 200
#define AGENDA_CHECKPOINT_MS 5000

/* Starts the tick on l's loop. 0 or a negative CAS_E* code. */
int agenda_timer_start(struct live *l);

/* Saves every running timer as it is now and closes the tick (at a
 * graceful stop, after the last batch is committed). */
void agenda_timer_stop(struct live *l);

#endif
