/* What the files of the apply module share (apply.c dispatches, apply_support.c
 * describes and checks, apply_cascade.c and apply_review.c hold the rules of
 * each request). Not an interface for the rest of the server: see apply.h. */
#ifndef CASCADE_APPLY_INTERNAL_H
#define CASCADE_APPLY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "apply.h"
#include "convert.h"

/* The most fields one event names (an imported objective: 16). */
#define EVENT_MAX_FIELDS 24

/* Builds an Event on the stack: fields point into the builder's own
 * storage or into strings that outlive the packing. */
struct event_builder {
    Cascade__V1__Event ev;
    Cascade__V1__FieldChange fields[EVENT_MAX_FIELDS];
    Cascade__V1__FieldChange *field_ptrs[EVENT_MAX_FIELDS];
    Cascade__V1__Value values[2 * EVENT_MAX_FIELDS];
    char ids[2 * EVENT_MAX_FIELDS][16];
    size_t nvalues, nids;
    char entity[16];
};

/* Starts the event of one change of entity kind+num by ctx->actor. */
void eb_init(struct event_builder *eb, const struct apply_ctx *ctx, const char *type,
             enum okr_kind kind, uint32_t num);

/* A text field; NULL for a side that is absent (before an add, after a remove). */
void eb_text(struct event_builder *eb, const char *name, const char *old, const char *new);

/* A number field; NULL for an absent side. */
void eb_number(struct event_builder *eb, const char *name, const double *old, const double *new);

/* A yes/no field; NULL for an absent side. */
void eb_flag(struct event_builder *eb, const char *name, const int *old, const int *new);

/* An id text kept in the builder, or NULL for 0 (no reference). */
const char *eb_id(struct event_builder *eb, enum okr_kind kind, uint32_t num);

/* Starts the event of a key result's addition with the fields every one
 * names (objective, title, owner when set, milestone, and a metric's
 * start, target, current and unit when set), for the adds of a request,
 * of an import and of workshop next; each then adds its own. */
void eb_key_result_add(struct event_builder *eb, const struct apply_ctx *ctx,
                       const struct okr_key_result *k);

/* Room for apply_quote's result. */
#define APPLY_QUOTE_MAX 160

/* Client text made safe to quote in a message (okr_text_quote, 32
 * characters at most); returns out. */
const char *apply_quote(const char *text, char out[APPLY_QUOTE_MAX]);

/* Records a refusal (code and one sentence) in r; returns the CAS_E* code
 * that goes with it. */
int apply_refuse(struct apply_result *r, Cascade__V1__ErrorCode code, const char *fmt,
                 ...) __attribute__((format(printf, 3, 4)));

/* apply_refuse for a change that could not get the memory it needs. */
int apply_no_memory(struct apply_result *r);

/* Packs the event and the ack; on success the change is complete. */
int apply_finish(struct okr_state *state, struct event_builder *eb, uint64_t request_id,
                 Cascade__V1__Ack *ack, struct apply_result *r);

/* Hands out the next seq; called only once the change is certain. */
void apply_take_seq(struct okr_state *state, struct apply_result *r, enum okr_kind kind,
                    uint32_t num);

/* Resolves a reference to an existing entity of the given kind. */
int apply_resolve(const struct okr_state *s, const char *text, enum okr_kind kind, uint32_t *num,
                  struct apply_result *r);

/* Like resolve, but "" means none (0). */
int apply_resolve_optional(const struct okr_state *s, const char *text, enum okr_kind kind,
                           uint32_t *num, struct apply_result *r);

/* The text limits in force for a change. */
const struct okr_limits *apply_limits(const struct apply_ctx *ctx);

/* okr_text_check, refusing with its sentence. */
int apply_check_text(const char *text, const char *what, size_t max, int required, int multiline,
                     struct apply_result *r);

/* An owner is empty, or the name of an existing user. */
int apply_check_owner(const struct apply_ctx *ctx, const char *owner, struct apply_result *r);

/* Refuses a number that is not finite. */
int apply_check_number(double v, const char *what, struct apply_result *r);

/* The fields an edit names; each must be one of `allowed`. */
int apply_check_fields(char **fields, size_t n, const char *const *allowed, const char *entity,
                       struct apply_result *r);

/* Whether an edit names that field. */
int apply_names_field(char **fields, size_t n, const char *name);

/* Alignment points up the cascade: an objective of team may align to (or
 * inherit from) one of parent_team only when parent_team's level is higher.
 * what: "align to" or "inherit from", for the sentence. */
int apply_check_alignment(const struct okr_state *s, uint32_t team, uint32_t parent_team,
                          const char *what, struct apply_result *r);

/* Notes another entity the change touched (r->also). 0 or CAS_ENOMEM. */
int apply_also(struct apply_result *r, enum okr_kind kind, uint32_t num);

/* The objective above o in the cascade: the one it aligns to, or the one
 * whose key result it inherits; 0 for none. */
uint32_t apply_objective_parent(const struct okr_state *s, const struct okr_objective *o);

/* Whether walking up the cascade from objective `from` reaches `target`
 * (from itself included). */
int apply_reaches(const struct okr_state *s, uint32_t from, uint32_t target);

/* The level of a team, OKR_LEVEL_NONE when it does not exist. */
enum okr_level apply_team_level(const struct okr_state *s, uint32_t team);

/* Field-level optimistic concurrency: an edit based on version `base` (0:
 * no check) conflicts only when one of the fields it names changed after
 * that version. Two people editing different fields never conflict. On a
 * conflict, r->ack holds the Error{CONFLICT} to send, with the current value
 * of each contested field and who set it. */
int apply_check_conflict(const void *entity, enum okr_kind kind, uint32_t num, uint64_t version,
                         const char *stamps, uint64_t base, char **fields, size_t n,
                         uint64_t request_id, struct apply_result *r);

/* Stamps each named field with the entity's new version and the actor. */
int apply_stamp_fields(char **stamps, char **fields, size_t n, uint64_t version, const char *actor);

void apply_ack_objective(const struct okr_objective *o, Cascade__V1__Objective *wo,
                         struct convert_ids *ids, Cascade__V1__Ack *ack);

void apply_ack_key_result(const struct okr_key_result *k, Cascade__V1__KeyResult *wk,
                          struct convert_ids *ids, Cascade__V1__Ack *ack);

/* The rules of each request: 0 with the state changed and the result
 * filled, or a negative CAS_E* code with the refusal in the result. */
int apply_team_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                   struct apply_result *r);
int apply_objective_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                        struct apply_result *r);
int apply_objective_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r);
int apply_objective_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                           struct apply_result *r);
int apply_key_result_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r);
int apply_key_result_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r);
int apply_key_result_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                            struct apply_result *r);
int apply_check_in(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                   struct apply_result *r);
int apply_objective_check(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r);
int apply_initiative_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r);
int apply_initiative_done(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r);
int apply_dependency_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r);
int apply_comment_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r);
int apply_comment_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r);
int apply_comment_resolve(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r);
int apply_idea_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                   struct apply_result *r);
int apply_idea_reveal(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r);
int apply_idea_hide(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r);
int apply_idea_merge(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                     struct apply_result *r);
int apply_retro_add(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r);
int apply_vote_start(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                     struct apply_result *r);
int apply_vote_cast(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r);
int apply_vote_undo(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r);
int apply_vote_reveal(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r);

/* Promoting an idea (apply_ideas.c): the idea an objective or key result
 * being added names (text "" for none: *num 0), which must be revealed and
 * neither hidden, merged nor promoted; then, once the entity is made,
 * marks the idea promoted to it. */
int apply_promote_idea(struct okr_state *s, const char *text, uint32_t *num,
                       struct apply_result *r);
int apply_promoted(struct okr_state *s, uint32_t idea, enum okr_kind kind, uint32_t num,
                   struct apply_result *r);

/* Closing the quarter (apply_close.c). */
int apply_workshop_close(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                         struct apply_result *r);
int apply_workshop_reopen(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                          struct apply_result *r);
int apply_objective_close_note(struct okr_state *s, const struct apply_ctx *ctx,
                               const WireFrame *req, struct apply_result *r);

int apply_team_edit(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                    struct apply_result *r);
int apply_team_remove(struct okr_state *s, const struct apply_ctx *ctx, const WireFrame *req,
                      struct apply_result *r);

/* Restructuring checks shared by the edits (apply_structure.c). An
 * objective num placed in team with the given parent (aligns_to or
 * inherits, at most one non-zero): its parent's team must sit higher, its
 * children's lower, and the parent must not be below it. */
int apply_check_objective_place(const struct okr_state *s, uint32_t num, uint32_t team,
                                uint32_t aligns_to, uint32_t inherits, struct apply_result *r);

/* Key result k moving under objective dest: the objectives inheriting k
 * must stay below dest, level and cycle alike. */
int apply_check_key_result_move(const struct okr_state *s, const struct okr_key_result *k,
                                uint32_t dest, struct apply_result *r);

#endif
