/* The request table (server/requests.def) as the rest of the server reads
 * it: who may send each request, what it needs in its workshop, and how
 * its workshop and team are found. The handler column is read by
 * handlers/routes.c and the applier column by apply.c. */
#ifndef CASCADE_REQUESTS_H
#define CASCADE_REQUESTS_H

#include "okr.h"
#include "wire.h"

/* Who may send a request at all, before any workshop is looked at. */
enum request_access {
    REQUEST_ANYONE = 1, /* no login needed */
    REQUEST_USER,       /* a logged-in user */
    REQUEST_ADMIN,      /* the server's administrator */
};

/* What a request needs of its sender inside its workshop. */
enum authz_need {
    AUTHZ_NONE,        /* not a workshop request: authz has no say */
    AUTHZ_READ,        /* any participant */
    AUTHZ_PRESENCE,    /* any participant but an observer (announcing an edit) */
    AUTHZ_COMMENT,     /* a member or a facilitator; an observer when the workshop lets them */
    AUTHZ_CONTRIBUTE,  /* a member or a facilitator, never an observer (ideas, votes) */
    AUTHZ_AUTHOR,      /* the author of the comment the request names (a member), or a facilitator */
    AUTHZ_EDIT_TEAM,   /* a member of the team the change touches, or a facilitator */
    AUTHZ_CHECK_IN,    /* as EDIT_TEAM, or the member who owns the key result, wherever its team is */
    AUTHZ_FACILITATOR, /* a facilitator */
};

/* One row of requests.def, less its handler and applier. */
struct request_rule {
    Cascade__V1__Frame__BodyCase body;
    const char *name;           /* the Frame field, e.g. "check_in" */
    enum request_access access;
    enum authz_need need;
    const char *refusal;        /* completes "Only a facilitator can ..." */
    enum okr_kind team_kind;    /* the kind of entity team_ref names (OKR_KIND_NONE: none) */
    int creates;                /* adds an entity */
};

/* OKR_KIND_NONE: a rule names no entity for its team. */
#define OKR_KIND_NONE ((enum okr_kind)0)

/* The rule for a request body; NULL for a body the server only sends, or
 * one it does not know. */
const struct request_rule *request_rule(Cascade__V1__Frame__BodyCase body);

/* Whether the server only sends this body (an ANSWER row). */
int request_is_answer(Cascade__V1__Frame__BodyCase body);

/* Whether a closed workshop refuses this request because it would change
 * the workshop (requests.def's header states the rule). 0 for reads, for
 * WORKSHOP_REOPEN and for bodies that are no request. */
int request_refused_when_closed(Cascade__V1__Frame__BodyCase body);

/* The workshop code f names, or NULL when its request names none. */
const char *request_workshop(const WireFrame *f);

/* The short id ("O3", "T1") of the entity whose team decides whether f may
 * edit, with its kind in *kind; NULL when f names none. */
const char *request_team_ref(const WireFrame *f, enum okr_kind *kind);

#endif
