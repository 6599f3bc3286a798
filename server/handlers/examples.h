/* The example OKRs a template can start a workshop with (`workshop create
 * --examples`): those of the OKR guides the domain notes quote, as draft
 * objectives and key results. They need teams, so a company team
 * ("Company") and a department under it ("Customer Success") come first;
 * the department's objectives show both cascade models (one inherits a
 * company key result, one aligns to a company objective). Each entity is
 * an ordinary change, made by the requester, with its own event. */
#ifndef CASCADE_EXAMPLES_H
#define CASCADE_EXAMPLES_H

#include <stdint.h>

struct conn;
struct workshop;

/* Teams, objectives and key results the examples add. */
#define EXAMPLES_ENTITIES 11

/* Whether w has room for the examples (--max-entities). 0, or CAS_ETOOBIG
 * with the request answered. */
int examples_check(struct conn *c, struct workshop *w, uint64_t request_id);

/* Adds the examples to w, queued in the batch unanswered (their acks
 * answer request_id, so the caller may let the last one answer). 0, or a
 * negative CAS_E* code with the request answered. */
int examples_apply(struct conn *c, struct workshop *w, uint64_t request_id);

#endif
