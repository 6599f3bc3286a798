/* libFuzzer target for what show --at and replay do with a history from
 * the network: each event, unpacked as a connection unpacks any frame
 * (wire_unpack), folded into one state (okr_fold_event), which is then
 * read as the views read it (scores, lint, the JSON of every entity).
 *
 * Input: records, each a 2-byte big-endian length and that many bytes of
 * a Frame; a record that does not unpack, or is not an event, is skipped,
 * as the client skips what is not history.
 *
 * After every event the state must hold together, or abort() is called:
 * arrays sorted by number without duplicates and within their capacity,
 * every number below its counter, the seq never going back, every key
 * result under an objective that exists, every initiative under a key
 * result that exists, every comment on something that exists, every
 * team's parent there, and no team under itself. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "errors.h"
#include "okr.h"
#include "okr_fold.h"
#include "okr_json.h"
#include "score.h"
#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                             \
    do {                                                                                       \
        if (!(cond))                                                                           \
            abort();                                                                           \
    } while (0)

#define SORTED(arr, n, cap, next)                                                               \
    do {                                                                                       \
        CHECK((n) <= (cap));                                                                   \
        for (size_t i_ = 0; i_ < (n); i_++) {                                                  \
            CHECK((arr)[i_].num != 0 && (arr)[i_].num < (next));                               \
            CHECK(i_ == 0 || (arr)[i_ - 1].num < (arr)[i_].num);                               \
        }                                                                                      \
    } while (0)

static void check_state(const struct okr_state *s)
{
    SORTED(s->teams, s->nteams, s->cap_teams, s->next_team);
    SORTED(s->objectives, s->nobjectives, s->cap_objectives, s->next_objective);
    SORTED(s->key_results, s->nkey_results, s->cap_key_results, s->next_key_result);
    SORTED(s->initiatives, s->ninitiatives, s->cap_initiatives, s->next_initiative);
    SORTED(s->comments, s->ncomments, s->cap_comments, s->next_comment);
    for (size_t i = 0; i < s->nobjectives; i++)
        CHECK(okr_team_find(s, s->objectives[i].team) != NULL);
    for (size_t i = 0; i < s->nkey_results; i++)
        CHECK(okr_objective_find(s, s->key_results[i].objective) != NULL);
    for (size_t i = 0; i < s->ninitiatives; i++)
        CHECK(okr_key_result_find(s, s->initiatives[i].key_result) != NULL);
    for (size_t i = 0; i < s->ncomments; i++)
        CHECK(okr_entity_exists(s, s->comments[i].target_kind, s->comments[i].target));
    for (size_t i = 0; i < s->nteams; i++) {
        CHECK(s->teams[i].parent == 0 || okr_team_find(s, s->teams[i].parent) != NULL);
        uint32_t up = s->teams[i].parent;
        for (size_t steps = 0; up != 0; steps++) { /* no team under itself */
            CHECK(steps <= s->nteams && up != s->teams[i].num);
            up = okr_team_find(s, up)->parent;
        }
    }
}

/* Reads the state as show and the live view do. */
static void read_state(const struct okr_state *s)
{
    for (size_t i = 0; i < s->nobjectives; i++)
        (void)score_objective(s, &s->objectives[i]);
    for (size_t i = 0; i < s->nkey_results; i++)
        (void)score_key_result(s, &s->key_results[i]);
    cJSON *o = cJSON_CreateObject();
    if (o != NULL) {
        okr_json_add_state(o, s);
        char *text = cJSON_PrintUnformatted(o);
        free(text);
        cJSON_Delete(o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct okr_state s;
    okr_state_init(&s);
    size_t at = 0;
    while (at + 2 <= size) {
        size_t len = (size_t)data[at] << 8 | data[at + 1];
        at += 2;
        if (len > size - at)
            len = size - at;
        WireFrame *f = wire_unpack(data + at, len, 64u * 1024);
        at += len;
        if (f == NULL)
            continue;
        if (f->body_case == CASCADE__V1__FRAME__BODY_EVENT) {
            uint64_t before = s.seq;
            int rc = okr_fold_event(&s, f->event);
            CHECK(rc == OKR_FOLD_APPLIED || rc == OKR_FOLD_SKIPPED || rc == OKR_FOLD_UNKNOWN ||
                  rc == CAS_EINVAL || rc == CAS_ENOMEM);
            CHECK(rc < 0 ? s.seq == before : s.seq == f->event->seq && s.seq > before);
            check_state(&s);
        }
        wire_free(f);
    }
    read_state(&s);
    okr_state_free(&s);
    return 0;
}
