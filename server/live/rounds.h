/* Confidence rounds between memory (apply/round.h) and the store: saving
 * each step of a round within the batch's commit, and loading a
 * workshop's latest round when it is loaded (or reloaded after a failed
 * commit), values included, so a restart in the middle of a round keeps it. */
#ifndef CASCADE_ROUNDS_H
#define CASCADE_ROUNDS_H

#include "batch.h"

struct store;
struct workshop;

/* Writes the round change of a batch item (people.op PEOPLE_ROUND_*),
 * from what the item carries rather than from memory, which a later item
 * of the same batch may have moved on (a new round). 0 or a CAS_E* code. */
int rounds_save(struct store *st, const struct batch_item *it);

/* Replaces w->round with the workshop's latest round in the store (NULL
 * when it never had one). 0 or a CAS_E* code. */
int rounds_load(struct store *st, struct workshop *w);

#endif
