/* Group commit: the changes applied during one loop turn are made durable
 * in one transaction, and only then acknowledged and broadcast. Reads that
 * must not see uncommitted state (snapshots) wait for the same moment. */
#ifndef CASCADE_BATCH_H
#define CASCADE_BATCH_H

#include <stddef.h>
#include <stdint.h>

#include "apply.h"

struct workshop_cadence;
struct conn;
struct live;
struct workshop;

/* A change to who takes part or to how the workshop runs, saved at the
 * commit in place of an entity. */
enum people_op {
    PEOPLE_NONE,
    PEOPLE_SET_ROLE,
    PEOPLE_ADD_TO_TEAM,
    PEOPLE_REMOVE,
    PEOPLE_REMOVE_FROM_TEAM,
    PEOPLE_SET_OBSERVER_COMMENTS,
    PEOPLE_NOTE, /* only the event: what it records is durable already */
    /* Confidence rounds (live/rounds.h): the round the change is about is
     * `round`; the actor is who started, submitted or revealed. */
    PEOPLE_ROUND_START,  /* its key results ride in the result's `also` */
    PEOPLE_ROUND_SUBMIT, /* key_result and confidence */
    PEOPLE_ROUND_REVEAL, /* value: revealed with apply */
    /* The check-in cadence (live/cadence_timer.h). */
    PEOPLE_SET_SCHEDULE, /* the workshop's period and cadence, saved as they are at the commit */
    PEOPLE_CADENCE_DONE, /* when_ms: how far the cadence has given its events */
};

struct people_change {
    enum people_op op;
    int64_t user_id;
    int role;      /* PEOPLE_SET_ROLE */
    uint32_t team; /* PEOPLE_ADD_TO_TEAM, PEOPLE_REMOVE_FROM_TEAM, and PEOPLE_SET_ROLE when not 0 */
    int value;     /* PEOPLE_SET_OBSERVER_COMMENTS */
    char invite[16]; /* the invite code that let them in, counted as used; "" for none */
    uint32_t round;       /* PEOPLE_ROUND_*: the round's number */
    uint32_t key_result;  /* PEOPLE_ROUND_SUBMIT */
    double confidence;    /* PEOPLE_ROUND_SUBMIT: kept here, never in the event */
    int64_t when_ms;      /* PEOPLE_CADENCE_DONE */
    /* PEOPLE_SET_SCHEDULE: the new schedule and period text, read when the
     * change is made (not kept for the commit). */
    const struct workshop_cadence *schedule;
    const char *period;
};

struct batch_item {
    struct workshop *workshop;
    struct conn *conn; /* the requester; NULL once it has gone */
    uint64_t request_id;
    char actor[OKR_NAME_MAX + 1];
    int64_t time_ms;
    struct apply_result result;
    struct people_change people; /* op PEOPLE_NONE: a change to the cascade */
    int agenda; /* a change to the agenda: the workshop's agenda is saved whole */
};

/* A read that must see only durable state, answered after the commit. */
struct batch_read {
    struct workshop *workshop;
    struct conn *conn;
    uint64_t request_id;
    void (*answer)(struct conn *c, struct workshop *w, uint64_t request_id, const char *arg);
    char arg[16];
};

struct batch {
    struct batch_item *items;
    size_t n, cap;
    struct batch_read *reads;
    size_t nreads, cap_reads;
    uint64_t commits; /* batches written so far, numbering them */
};

/* Makes room for one more change, so that batch_add cannot fail once a
 * change is applied. 0 or CAS_ENOMEM. */
int batch_reserve(struct batch *b);

/* Makes room for `more` changes at once (a change that comes with others,
 * like a reveal with its check-ins). 0 or CAS_ENOMEM. */
int batch_reserve_more(struct batch *b, size_t more);

/* Queues an applied change (taking over result), after batch_reserve. */
void batch_add(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
               const char *actor, int64_t time_ms, struct apply_result *result);

/* Queues a change to who takes part (its event in result), after
 * batch_reserve. */
void batch_add_people(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
                      const char *actor, int64_t time_ms, struct apply_result *result,
                      const struct people_change *change);

/* Queues a change to the agenda (its event in result, its entity in
 * result->subject), after batch_reserve; c may be NULL (the timer's own
 * events, or all but the last change of a request). */
void batch_add_agenda(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
                      const char *actor, int64_t time_ms, struct apply_result *result);

/* Queues a read to answer after the commit. 0 or CAS_ENOMEM. */
int batch_add_read(struct batch *b, struct workshop *w, struct conn *c, uint64_t request_id,
                   void (*answer)(struct conn *c, struct workshop *w, uint64_t request_id,
                                  const char *arg),
                   const char *arg);

/* Whether anything waits for the commit. */
int batch_pending(const struct batch *b);

/* Commits everything queued: on success acknowledges each change and
 * broadcasts its event to the workshop's subscribers; on failure answers
 * STORAGE and reloads the workshops from the database. Then answers the
 * queued reads. */
void batch_commit(struct live *l);

/* Forgets a connection that is closing, so nothing is sent to it. */
void batch_forget_conn(struct batch *b, struct conn *c);

void batch_free(struct batch *b);

#endif
