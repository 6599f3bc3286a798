/* Request handlers, one file per family, each named handle_<family>.c:
 * session (hello, ping), auth (login, tokens, passwords), admin (the
 * administrator's user commands), workshop (workshops, snapshots,
 * subscriptions), roles (invites, roles, teams, kicks), change (changes to
 * the cascade), history (a key result's history), presence (who is here,
 * what they edit). Each is named in its row of server/requests.def and
 * answers its request with exactly one response, now or (changes,
 * snapshots) after the commit. The session has checked the request's
 * access column (ANYONE, USER, ADMIN) before a handler runs. */
#ifndef CASCADE_HANDLERS_H
#define CASCADE_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

#include "conn.h"
#include "wire.h"

struct live;
struct workshop;

/* The handler of a request body (requests.def's handler column), for the
 * session's dispatch; NULL for a body the server does not answer. */
request_handler handlers_route(Cascade__V1__Frame__BodyCase body);

/* Creates the administrator on a first start, writing the password to
 * data_dir/initial-admin-password; makes l's decoy hash. 0 or an error
 * with err. */
int auth_bootstrap(struct live *l, const char *data_dir, char *err, size_t errlen);

/* Prepares the login throttles of n (the limits are password_job.h's). 0,
 * or CAS_ENOMEM/CAS_EIO with err. */
int auth_throttle_init(struct net *n, char *err, size_t errlen);

/* The workshop request f names (requests.def's WORKSHOP column), when
 * apply/authz.h allows the caller to send f there (the administrator needs
 * not have joined); otherwise answers f with NOT_FOUND or FORBIDDEN and
 * returns NULL. */
struct workshop *workshop_for_request(struct conn *c, const WireFrame *f);

/* Refuses request_id with WORKSHOP_ARCHIVED and returns non-zero when an
 * administrator has taken w out of service; 0 otherwise. */
int workshop_refuse_archived(struct conn *c, uint64_t request_id, const struct workshop *w);

/* Checks a text field of a request (okr_text_check: what names it, max
 * bytes, required or not); otherwise answers INVALID_ARGUMENT with the
 * sentence and returns non-zero. */
/* Claims w for a change (live/cluster.h); when the database cannot be
 * reached, answers STORAGE with a sentence and returns -1. */
int handlers_claim(struct conn *c, uint64_t request_id, struct workshop *w);

int handlers_check_text(struct conn *c, uint64_t request_id, const char *text, const char *what,
                        size_t max, int required);

/* Teams, objectives, key results, initiatives, dependencies, comments and
 * ideas: what --max-entities bounds, so one workshop cannot take the
 * server's memory (or its disk, or the time a restart takes to load it). */
size_t handlers_entity_count(const struct okr_state *st);

/* Whether the store (a struct store) has an account of that name: the
 * owner check the apply room is given. */
int handlers_user_exists(void *store, const char *name);

/* Answers request_id with the workshop's current Snapshot (arg unused). */
void answer_snapshot(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg);

/* Answers request_id with the history of key result arg ("K3"). */
void answer_history(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg);

/* The handlers, in requests.def's order. */
#define REQUEST(BODY, member, ACCESS, NEED, refusal, WORKSHOP, TEAM, KIND, CREATES, handler, applier) \
    void handler(struct conn *c, const WireFrame *f);
#define ANSWER(BODY)
#include "../requests.def"
#undef REQUEST
#undef ANSWER

#endif
