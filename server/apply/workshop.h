/* One workshop in memory: the authoritative state of its cascade, its
 * participants and team memberships, and its subscribers. Plain data and
 * the rules of who takes part: loading and saving are live/registry.h's. */
#ifndef CASCADE_WORKSHOP_H
#define CASCADE_WORKSHOP_H

#include <stddef.h>
#include <stdint.h>

#include "agenda.h"
#include "okr.h"

struct workshop_cadence;
struct conn;
struct round;

/* Join and invite codes: 10 characters from a 31-letter alphabet
 * (31^10, about 8.2 x 10^14), so guessing one at the throttled rate is
 * hopeless (docs/SECURITY.md has the arithmetic). Codes made before were 6
 * characters long and are still accepted. */
#define WORKSHOP_CODE_LEN 10
#define WORKSHOP_CODE_OLD_LEN 6

struct participant {
    int64_t user_id;
    char name[OKR_NAME_MAX + 1];
    int role; /* cascade.v1.Role */
    int64_t joined_ms;
    /* When their last connection stopped following the workshop (0: never
     * seen). Kept in memory at once and saved lazily (live/seen.h): it is
     * for people's information, not worth a disk write per departure. */
    int64_t last_seen_ms;
    int seen_unsaved;
};

/* One user's membership of one team: members edit that team's OKRs. */
struct team_member {
    uint32_t team;
    int64_t user_id;
};

/* Someone present through another node sharing the database
 * (live/remote_presence.h). */
struct remote_presence {
    char node[40];   /* that node's server id */
    char user[OKR_NAME_MAX + 1];
    char editing[16];
    int64_t since_ms;
};

struct workshop {
    int64_t id;
    char code[WORKSHOP_CODE_LEN + 1];
    char title[OKR_TITLE_CAP + 1];
    char period[OKR_PERIOD_CAP + 1];
    char created_by[OKR_NAME_MAX + 1];
    int64_t created_ms;
    int observer_comments; /* the setting: observers may comment */
    /* Every applied change, including those of the batch being committed;
     * state.seq is the last seq handed out. */
    struct okr_state state;
    uint64_t committed_seq; /* the last seq known durable */
    uint64_t counters_saved_in; /* the batch that last saved its id counters (batch.c) */
    size_t pending;         /* changes in the uncommitted batch */
    uint64_t claimed_in;    /* the batch transaction that holds its lock (live/cluster.h) */
    struct participant *participants;
    size_t nparticipants, cap_participants;
    struct team_member *team_members;
    size_t nteam_members, cap_team_members;
    struct conn **subscribers;
    size_t nsubscribers, cap_subscribers;
    struct remote_presence *remote; /* present through other nodes */
    size_t nremote, cap_remote;
    /* Running the workshop: its agenda, timer and ready signals (changed
     * by apply_agenda.c, saved whole by the batch), and the batch that
     * last saved it (batch.c). */
    struct agenda agenda;
    uint64_t agenda_saved_in;
    /* The confidence round open now, or the last one revealed; NULL before
     * the first (round.h). Changed like the state, saved by the batch. */
    struct round *round;
    /* The check-in cadence: period dates, zone, rule, due dates and how far
     * they were given (live/cadence_timer.h); never NULL once loaded. */
    struct workshop_cadence *cadence;
    /* Taken out of service by an administrator (0: in service): every
     * request naming it is refused, it is listed to administrators only,
     * its timers give nothing; its rows are kept (admin workshop). */
    int64_t archived_ms;
    char archived_by[OKR_NAME_MAX + 1];
    /* An archived workshop's cascade, agenda, round and team memberships
     * are not in memory (only its seq and participants): it takes nothing
     * while archived, and is loaded again when unarchived (registry.h). */
    int unloaded;
};

/* Normalises a join code as people type it (case, spaces, dashes) into
 * out (WORKSHOP_CODE_LEN + 1 bytes). 0, or CAS_EINVAL when it cannot be one
 * (of WORKSHOP_CODE_LEN or WORKSHOP_CODE_OLD_LEN letters and digits). */
int workshop_code_normalize(const char *text, char *out);

/* The participant entry of a user, or NULL (also for a removed one). */
const struct participant *workshop_participant(const struct workshop *w, int64_t user_id);

/* Whether the user was a participant and was removed (kicked). */
int workshop_removed(const struct workshop *w, int64_t user_id);

/* Whether the workshop is closed (closing the quarter): it takes no change
 * but a reopen, and its timers make no events. The one test every timer and
 * the request pipeline use. */
int workshop_closed(const struct workshop *w);

/* Whether the workshop is at rest: closed, or archived. Its timers (the
 * agenda's, the cadence's) give no events then. */
int workshop_at_rest(const struct workshop *w);

/* Whether the user is a member of team (a team number). */
int workshop_team_member(const struct workshop *w, uint32_t team, int64_t user_id);

/* Who takes part, in memory. Like the cascade's state, these change at
 * once and are made durable by the batch's commit (batch.h, people changes),
 * which reloads the workshop if the commit fails. */

/* Makes room for one more participant and one more team membership, so
 * that the two functions below cannot fail. 0 or CAS_ENOMEM. */
int workshop_reserve_people(struct workshop *w);

/* Makes a participant a member of team. 0 or CAS_ENOMEM. */
int workshop_add_team_member(struct workshop *w, uint32_t team, int64_t user_id);

/* Ends a participant's membership of team (no error when there is none). */
void workshop_remove_team_member(struct workshop *w, uint32_t team, int64_t user_id);

/* Removes a participant and their team memberships: their role becomes 0,
 * so only an invite lets them in again. 0 or CAS_ENOTFOUND. */
int workshop_drop_participant(struct workshop *w, int64_t user_id);

/* Adds (or re-roles) a participant; one new to it joined at now_ms. 0 or
 * CAS_ENOMEM. */
int workshop_set_participant(struct workshop *w, int64_t user_id, const char *name, int role,
                             int64_t now_ms);

/* Adds or removes a subscriber (no effect if already so). 0 or CAS_ENOMEM. */
int workshop_subscribe(struct workshop *w, struct conn *c);
void workshop_unsubscribe(struct workshop *w, struct conn *c);

/* Frees w and everything it owns. */
void workshop_free(struct workshop *w);

#endif
