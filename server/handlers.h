/* Request handlers, one file per family: auth.c (login, tokens, users),
 * handle_workshop.c (workshops, snapshots, subscriptions) and
 * handle_change.c (changes to the cascade). Each answers its request with
 * exactly one response, now or (changes, snapshots) after the commit. */
#ifndef CASCADE_HANDLERS_H
#define CASCADE_HANDLERS_H

#include "wire.h"

struct conn;
struct server;
struct workshop;

/* Creates the administrator on a first start. 0 or an error with err. */
int auth_bootstrap(struct server *s, char *err, size_t errlen);

/* Prepares the login throttles of s (the limits are auth.c's). 0, or
 * CAS_ENOMEM with err. */
int auth_throttle_init(struct server *s, char *err, size_t errlen);

void handle_login(struct conn *c, const WireFrame *f);
void handle_authenticate(struct conn *c, const WireFrame *f);
void handle_logout(struct conn *c, const WireFrame *f);
void handle_whoami(struct conn *c, const WireFrame *f);
void handle_admin_user_add(struct conn *c, const WireFrame *f);
void handle_admin_user_list(struct conn *c, const WireFrame *f);
void handle_change_password(struct conn *c, const WireFrame *f);
void handle_admin_user_passwd(struct conn *c, const WireFrame *f);
void handle_admin_user_disable(struct conn *c, const WireFrame *f);
void handle_admin_user_enable(struct conn *c, const WireFrame *f);

void handle_workshop_create(struct conn *c, const WireFrame *f);
void handle_workshop_list(struct conn *c, const WireFrame *f);
void handle_join(struct conn *c, const WireFrame *f);
void handle_snapshot(struct conn *c, const WireFrame *f);
void handle_subscribe(struct conn *c, const WireFrame *f);
void handle_unsubscribe(struct conn *c, const WireFrame *f);

void handle_invite(struct conn *c, const WireFrame *f);
void handle_role_set(struct conn *c, const WireFrame *f);
void handle_kick(struct conn *c, const WireFrame *f);
void handle_team_member_add(struct conn *c, const WireFrame *f);

void handle_change(struct conn *c, const WireFrame *f);
void handle_history(struct conn *c, const WireFrame *f);

/* Answers request_id with the workshop's current Snapshot (arg unused). */
void answer_snapshot(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg);

/* Answers request_id with the history of key result arg ("K3"). */
void answer_history(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg);

/* The workshop request f names (by code), when authz.h allows the caller
 * to send f there (the administrator needs not have joined); otherwise
 * answers f with NOT_FOUND or FORBIDDEN and returns NULL. */
struct workshop *workshop_for_request(struct conn *c, const WireFrame *f, const char *code);

#endif
