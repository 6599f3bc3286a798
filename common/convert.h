/* Conversion between the domain structs (okr.h) and their wire messages.
 * To wire: the message borrows the entity's strings and the caller's id
 * buffers, so it is valid while both are. From wire: the entity gets its own
 * copies of the strings (free with okr_*_clear). */
#ifndef CASCADE_CONVERT_H
#define CASCADE_CONVERT_H

#include "okr.h"
#include "wire.h"

/* Room for the short ids one entity message refers to. */
struct convert_ids {
    char id[16], ref1[16], ref2[16], ref3[16], ref4[16];
    Cascade__V1__Check necessary, sufficient; /* an objective's test answers */
    Cascade__V1__Grade grade; /* the grade fixed at the close */
};

void convert_team_to_wire(const struct okr_team *t, Cascade__V1__Team *out,
                          struct convert_ids *ids);
void convert_objective_to_wire(const struct okr_objective *o, Cascade__V1__Objective *out,
                               struct convert_ids *ids);
void convert_key_result_to_wire(const struct okr_key_result *k, Cascade__V1__KeyResult *out,
                                struct convert_ids *ids);

void convert_initiative_to_wire(const struct okr_initiative *i, Cascade__V1__Initiative *out,
                                struct convert_ids *ids);
void convert_dependency_to_wire(const struct okr_dependency *d, Cascade__V1__Dependency *out,
                                struct convert_ids *ids);
void convert_comment_to_wire(const struct okr_comment *c, Cascade__V1__Comment *out,
                             struct convert_ids *ids);

/* An idea as everyone may see it: its text (and author) left out when
 * redact is set, as for a hidden one. votes: its tally, 0 until revealed. */
void convert_idea_to_wire(const struct okr_idea *i, int redact, uint32_t votes,
                          Cascade__V1__Idea *out, struct convert_ids *ids);
int convert_idea_from_wire(const Cascade__V1__Idea *in, struct okr_idea *out);

/* The vote's state (tallies are the caller's to add, once revealed). */
void convert_vote_to_wire(const struct okr_vote *v, uint32_t voters, Cascade__V1__VoteState *out);

/* 0, CAS_EINVAL for an id that does not parse, or CAS_ENOMEM. */
int convert_team_from_wire(const Cascade__V1__Team *in, struct okr_team *out);
int convert_objective_from_wire(const Cascade__V1__Objective *in, struct okr_objective *out);
int convert_key_result_from_wire(const Cascade__V1__KeyResult *in, struct okr_key_result *out);

int convert_initiative_from_wire(const Cascade__V1__Initiative *in, struct okr_initiative *out);
int convert_comment_from_wire(const Cascade__V1__Comment *in, struct okr_comment *out);

/* Fills state from a Snapshot (state initialised and empty). 0 or an error. */
int convert_snapshot_to_state(const Cascade__V1__Snapshot *snap, struct okr_state *state);

/* cascade.v1.Level <-> okr_level. */
Cascade__V1__Level convert_level_to_wire(enum okr_level level);
enum okr_level convert_level_from_wire(Cascade__V1__Level level);

#endif
