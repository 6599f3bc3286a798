/* Blind confidence rounds: a facilitator opens a round over some key
 * results, everyone who may check one in says privately how confident they
 * are it will be hit, and the facilitator reveals every value at once (and
 * may check in each key result's median). Each step is an event with the
 * workshop's next seq, like any change.
 *
 * Secrecy is the point of the round, and this file is where it is kept:
 * until the reveal, nothing built here for anyone but the submitter
 * carries a value. The submit event names who and which key result; the
 * wire form of the round (snapshot, status) lists who submitted; only the
 * reader's own value is added for the reader (round_status_pack), and the
 * values of all only once the round is closed. The server's store keeps
 * the values apart from the event log (live/rounds.h).
 *
 * Pure logic like the rest of apply/: no I/O, unit-tested directly. */
#ifndef CASCADE_ROUND_H
#define CASCADE_ROUND_H

#include <stddef.h>
#include <stdint.h>

#include "apply.h"
#include "buf.h"
#include "okr.h"
#include "wire.h"

struct workshop;

/* A round covers at most this many key results: the reveal names every
 * value in one event, which must stay well inside a frame. */
#define ROUND_KEY_RESULTS_MAX 500

/* And holds at most this many values, for the same reason (about 60 bytes
 * each in the reveal's event: some 300 KB at most). */
#define ROUND_SUBMISSIONS_MAX 5000

struct round_submission {
    uint32_t key_result;
    char user[OKR_NAME_MAX + 1];
    double confidence;
};

/* The workshop's current round: the open one, or the last one revealed. */
struct round {
    uint32_t number; /* 1, 2, ... in the workshop */
    int open;        /* 0 once revealed */
    int applied;     /* revealed with apply */
    uint32_t *key_results; /* ascending, no duplicates */
    size_t nkey_results;
    struct round_submission *subs; /* sorted by key result, then user */
    size_t nsubs, cap_subs;
    char started_by[OKR_NAME_MAX + 1];
    int64_t started_ms;
    uint64_t started_seq;
    char revealed_by[OKR_NAME_MAX + 1];
    int64_t revealed_ms;
    uint64_t revealed_seq;
};

/* Frees a round and all it holds; NULL is fine. */
void round_free(struct round *r);

/* Whether the round covers key result kr. */
int round_covers(const struct round *r, uint32_t kr);

/* user's submission for kr, or NULL. */
const struct round_submission *round_find(const struct round *r, uint32_t kr, const char *user);

/* Sets user's value for kr (adding or replacing), keeping subs sorted.
 * 0 or CAS_ENOMEM. Used by the appliers below and by loading. */
int round_put(struct round *r, uint32_t kr, const char *user, double confidence);

/* The requests. Each returns 0 with w->round changed and r filled (the
 * event, the ack, r->seq, r->subject "R<number>"), or a negative CAS_E*
 * code with r->code and one sentence in r->message, nothing changed.
 *
 * round_start: a new open round (replacing the last revealed one in
 * memory); r->also lists its key results (kind OKR_KEY_RESULT), which the
 * commit saves with it. */
int round_start(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                struct apply_result *r);

/* round_submit: ctx->actor's value for a key result of the open round;
 * the ack's note repeats it to them alone. *replaced says whether it
 * replaced an earlier one. */
int round_submit(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result *r, int *replaced);

/* round_reveal: closes the open round. out[0] is the reveal, whose ack is
 * a RoundStatusReply with every value; with apply, out[1..] are the
 * check-ins of each key result's median (a key result gone since, or one
 * whose check-in is refused, is left out, and the reveal's reply still
 * lists its values). The caller frees each result (apply_result_free) and
 * the array. On a refusal *out is NULL and out_err holds the refusal. */
int round_reveal(struct workshop *w, const struct apply_ctx *ctx, const WireFrame *req,
                 struct apply_result **out, size_t *nout, struct apply_result *out_err);

/* The most results round_reveal can make for w: reserve this much room
 * in the batch before calling it. */
size_t round_reveal_results_max(const struct workshop *w);

/* The wire form of w's round, borrowing from w: who may submit, who has,
 * and the values once revealed. With reader, the reader's own value too
 * (has_mine, mine); without, nothing personal (the shared snapshot). */
struct round_wire {
    Cascade__V1__ConfidenceRound round;
    Cascade__V1__RoundKeyResult *krs, **krp;
    Cascade__V1__RoundValue *values, **valp;
    char **names;
    char (*ids)[16];
};

/* Fills rw from w->round (which must not be NULL). 0 or CAS_ENOMEM; free
 * with round_wire_free either way. */
int round_wire_fill(struct round_wire *rw, const struct workshop *w, const char *reader);
void round_wire_free(struct round_wire *rw);

/* Packs Frame{request_id, RoundStatusReply} for reader into out: the
 * round, or none when the workshop never had one. 0 or CAS_ENOMEM. */
int round_status_pack(const struct workshop *w, const char *reader, uint64_t request_id,
                      struct buf *out);

#endif
