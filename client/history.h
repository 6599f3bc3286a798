/* A workshop's history as the client reads it: every event from seq 1, in
 * order, through a Subscribe with since_seq 0 and history_only (the server
 * replays its event log, then acknowledges, and sends nothing more: the
 * reader does not appear among those present). What `watch --since 0`
 * receives first is what is read here. Events are handed over as they
 * arrive, so reading a long history holds one event at a time. */
#ifndef CASCADE_HISTORY_H
#define CASCADE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "wire.h"

/* What history_each's callback says: go on, or stop reading. */
enum { HISTORY_MORE = 0, HISTORY_STOP = 1 };

/* Calls fn with each event of workshop ws from seq 1 on, until fn returns
 * HISTORY_STOP or a negative value (returned as EXIT_REFUSED, its sentence
 * already in err), or the history ends. *last gets the workshop's last seq
 * when the end was reached, and stays 0 when fn stopped first. Close the
 * connection afterwards (a stop leaves the server's replay running until
 * then). Returns EXIT_OK,
 * EXIT_REFUSED (the server's refusal in err), or EXIT_UNREACHABLE. */
int history_each(struct client *c, const char *ws,
                 int (*fn)(void *arg, const Cascade__V1__Event *ev, char *err, size_t errlen),
                 void *arg, uint64_t *last, char *err, size_t errlen);

/* Events kept to be played later, packed one after another, each after its
 * length (4 bytes, big-endian): a long history costs its wire size, not the
 * size of unpacked messages. */
struct history_tape {
    uint8_t *bytes;
    size_t len, cap;
    size_t count;
    size_t read_at; /* history_tape_next's position */
};

/* Appends ev. 0 or CAS_ENOMEM. */
int history_tape_add(struct history_tape *t, const Cascade__V1__Event *ev);

/* The next event from the start (unpack it: free with
 * cascade__v1__event__free_unpacked), NULL at the end or when one cannot
 * be read. */
Cascade__V1__Event *history_tape_next(struct history_tape *t);

void history_tape_free(struct history_tape *t);

#endif
