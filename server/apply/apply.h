/* Applying one cascade request (team, objective, key result, check-in) to a
 * workshop's state: validate against the state and the domain rules, assign
 * the next seq, change the state, and describe the change as an event.
 * Pure logic: no I/O, so every rule is unit-tested directly. */
#ifndef CASCADE_APPLY_H
#define CASCADE_APPLY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "okr.h"
#include "wire.h"

struct apply_ctx {
    const char *workshop; /* its join code, carried in events */
    const char *actor;    /* who makes the change */
    int64_t now_ms;
    /* Whether a user of that name exists (owners must be real people). */
    int (*user_exists)(void *ctx, const char *name);
    void *user_ctx;
    const struct okr_limits *limits; /* NULL: okr_limits_default */
};

/* An entity a change touched besides its own. */
struct apply_touched {
    enum okr_kind kind;
    uint32_t num;
};

struct apply_result {
    Cascade__V1__ErrorCode code; /* 0: applied */
    char message[640];          /* the refusal, one sentence */
    uint64_t seq;               /* the event's seq */
    const char *type;           /* the event's type, e.g. "kr.checkin" (static) */
    enum okr_kind kind;         /* the entity changed */
    uint32_t num;
    struct okr_dependency dependency; /* a dependency the change added (key_result 0: none) */
    /* A vote's ballot the change set (idea 0: none), saved as the state holds
     * it then; ballots_cleared: a new vote emptied them. */
    char ballot_voter[OKR_NAME_MAX + 1];
    uint32_t ballot_idea;
    int ballots_cleared;
    int anonymous; /* the change is logged with no actor (an anonymous idea) */
    /* The change closed or reopened the workshop: the commit saves whether
     * it is closed and its fixed grades, as the state holds them then. */
    int closing;
    /* Other entities the change saved or removed (an objective's key
     * results going with it, objectives a forced removal unaligned): the
     * commit writes each as the state holds it then, deleting what is gone. */
    struct apply_touched *also;
    size_t nalso, cap_also;
    char subject[OKR_NAME_MAX + 1]; /* apply_people: whom the change is about */
    struct buf event;           /* packed Frame{request_id 0, event}, for the log and subscribers */
    struct buf ack;             /* packed Frame{request_id, ack}, for the requester */
};

/* Whether a frame body is a cascade request apply_request handles. */
int apply_handles(const WireFrame *req);

/* Applies req to state. Returns 0 with the state changed and result filled,
 * or a negative CAS_E* code with result->code and result->message saying
 * why (nothing changed then). Free the result with apply_result_free. */
int apply_request(struct okr_state *state, const struct apply_ctx *ctx, const WireFrame *req,
                  struct apply_result *result);

void apply_result_free(struct apply_result *result);

struct carry_notes;

/* The first events of a workshop made by `workshop next` (apply_carry.c):
 * "workshop.next" (carried from `source`, with how many teams, objectives,
 * key results and participants came, and how many links were dropped), then
 * team.add, objective.add and kr.add for each entity of s, the new
 * workshop's state, each taking s's next seq. emit gets each packed
 * Frame{event}, its header included (wire_pack's form); a non-zero return from it stops and is returned. 0 or a
 * negative CAS_E* code. */
int apply_carry_events(struct okr_state *s, const struct apply_ctx *ctx, const char *source,
                       size_t people, const struct carry_notes *notes,
                       int (*emit)(void *arg, uint64_t seq, const char *type, const char *entity,
                                   const struct buf *event),
                       void *arg);

struct import_index;
struct import_problems;

/* Importing a file's OKRs (apply_import.c): which team of the workshop
 * each team of the file becomes, a reused one (same path of names) or a
 * new one, numbered from the state's next. */
struct import_plan {
    uint32_t *team_num;          /* per team of the file */
    unsigned char *team_reused; /* per team of the file: 1 when it exists already */
    enum okr_level *team_level; /* per team of the file: the level it has or will have */
    size_t teams_created, teams_reused;
};

void import_plan_free(struct import_plan *plan);

/* The checks of an import that need the workshop, after import_check found
 * the file sound (ix its index): owners must have accounts (ctx->user_exists),
 * a new team under a reused one must sit below its level. Fills plan (free
 * it with import_plan_free whatever the outcome) and adds a problem for each
 * thing wrong (an individual has no sub-teams, a child's level is below its
 * parent's, whether the file gives the levels or they follow from the tree).
 * 0, CAS_EINVAL (problems added), CAS_ENOMEM. Changes nothing. */
int apply_import_check(const struct okr_state *s, const struct apply_ctx *ctx,
                       const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                       struct import_plan *plan, struct import_problems *p);

/* How many changes apply_import makes: workshop.import, then one per new
 * team and per entity of the file. */
size_t apply_import_events(const Cascade__V1__WorkshopImport *m, const struct import_plan *plan);

/* Applies a checked import: results (n of them, apply_import_events) get
 * each change's event, the last also reply (seq set here) packed as the
 * answer to request_id. 0; or CAS_ENOMEM with the state as it was and the
 * results freed. */
int apply_import(struct okr_state *s, const struct apply_ctx *ctx,
                 const Cascade__V1__WorkshopImport *m, const struct import_index *ix,
                 const struct import_plan *plan, uint64_t request_id,
                 Cascade__V1__WorkshopImportReply *reply, struct apply_result *results, size_t n);

/* One field of a change to who takes part: its text before and after
 * (NULL: absent, as before a join or after a removal). */
struct people_field {
    const char *name, *old_value, *new_value;
};

/* Describes a change to who takes part as the workshop's next event, like
 * any other change: type ("participant.join", "participant.role",
 * "participant.remove", "team.member_add"), subject (the user's name, or the
 * team's id) and fields, by ctx->actor at ctx->now_ms. result->ack answers
 * request_id with reply when given (request_id set here), otherwise with a
 * plain Ack carrying the seq. The caller has changed the workshop's people
 * already; the change is certain. 0, or CAS_ENOMEM with result refused. */
int apply_people(struct okr_state *state, const struct apply_ctx *ctx, uint64_t request_id,
                 const char *type, const char *subject, const struct people_field *fields,
                 size_t nfields, WireFrame *reply, struct apply_result *result);

#endif
