/* Authorization: who may send which request to a workshop. Every decision
 * about roles lives here: what each request needs is its row in
 * server/requests.def, and one function checks a caller against it.
 *
 * Roles (cascade.v1.Role): a facilitator edits everything and manages the
 * participants; a member edits the OKRs of the teams they belong to and
 * comments anywhere; an observer reads everything and changes nothing. The
 * server's administrator may do everything in every workshop, joined or
 * not. */
#ifndef CASCADE_AUTHZ_H
#define CASCADE_AUTHZ_H

#include <stddef.h>

#include "requests.h"
#include "wire.h"
#include "workshop.h"

/* What the request f needs (AUTHZ_NONE for a request that names no workshop),
 * from its row in requests.def. */
enum authz_need authz_need_of(const WireFrame *f);

/* The team (its number) the change f touches in state, or 0 when it names
 * no team or an entity that does not exist (apply refuses those). */
uint32_t authz_team_of(const struct okr_state *state, const WireFrame *f);

/* Decides whether the caller may send f to w: p is the caller's participant
 * entry (NULL for someone who has not joined, or was removed), admin whether
 * they are the server's administrator. 0 when allowed; otherwise CAS_EINVAL
 * with one sentence for a FORBIDDEN error in msg. */
int authz_check(const struct workshop *w, const struct participant *p, int admin,
                const WireFrame *f, char *msg, size_t msglen);

/* Whether a closed workshop refuses a request with that body
 * (request_refused_when_closed): 0 when w is open or the request changes
 * nothing; otherwise CAS_EINVAL with the sentence
 * for a WORKSHOP_CLOSED error in msg (who closed it, when, and how to
 * reopen it). Checked after authz_check, for everyone, the server's
 * administrator included. */
int authz_check_open(const struct workshop *w, Cascade__V1__Frame__BodyCase body, char *msg,
                     size_t msglen);

#endif
