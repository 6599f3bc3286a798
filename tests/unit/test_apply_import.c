/* Applying an import (server/apply/apply_import.c): teams whose path the
 * workshop has are reused, the rest made under them; every entity gets the
 * workshop's next number with its links remapped; owners must have
 * accounts; a new team must sit below a reused parent's level; the changes
 * are a workshop.import event and one ordinary addition each, in seq
 * order, the last answering with the reply. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "errors.h"
#include "frame.h"
#include "import_check.h"

static int user_exists(void *ctx, const char *name)
{
    (void)ctx;
    return strcmp(name, "alice") == 0;
}

static const struct apply_ctx CTX = {.workshop = "W1", .actor = "alice", .now_ms = 1000,
                                     .user_exists = user_exists};

struct file {
    Cascade__V1__WorkshopImport m;
    Cascade__V1__Team t[4], *tp[4];
    Cascade__V1__Objective o[4], *op[4];
    Cascade__V1__KeyResult k[4], *kp[4];
    Cascade__V1__Comment c[2], *cp[2];
};

/* Company/Sales/EMEA; O1 on EMEA aligned to O2 on Sales; K1 under O1, K2
 * under O2; a resolved comment on K2. */
static void file_init(struct file *f)
{
    memset(f, 0, sizeof *f);
    cascade__v1__workshop_import__init(&f->m);
    const char *teams[3][3] = {{"T1", "Company", ""}, {"T2", "Sales", "T1"}, {"T3", "EMEA", "T2"}};
    for (int i = 0; i < 3; i++) {
        cascade__v1__team__init(&f->t[i]);
        f->t[i].id = (char *)teams[i][0];
        f->t[i].name = (char *)teams[i][1];
        f->t[i].parent = (char *)teams[i][2];
        f->tp[i] = &f->t[i];
    }
    f->m.n_teams = 3;
    f->m.teams = f->tp;
    for (int i = 0; i < 2; i++) {
        cascade__v1__objective__init(&f->o[i]);
        f->op[i] = &f->o[i];
        cascade__v1__key_result__init(&f->k[i]);
        f->kp[i] = &f->k[i];
    }
    f->o[0].id = "O1";
    f->o[0].team = "T3";
    f->o[0].title = "Win EMEA";
    f->o[0].aligns_to = "O2";
    f->o[0].owner = "alice";
    f->o[1].id = "O2";
    f->o[1].team = "T2";
    f->o[1].title = "Sell";
    f->o[1].status = "final";
    f->m.n_objectives = 2;
    f->m.objectives = f->op;
    f->k[0].id = "K1";
    f->k[0].objective = "O1";
    f->k[0].title = "Pipeline";
    f->k[0].target = 10;
    f->k[0].current = 4;
    f->k[1].id = "K2";
    f->k[1].objective = "O2";
    f->k[1].title = "Launch";
    f->k[1].milestone = 1;
    f->k[1].done = 1;
    f->k[1].has_weight = 1;
    f->k[1].weight = 2;
    f->m.n_key_results = 2;
    f->m.key_results = f->kp;
    cascade__v1__comment__init(&f->c[0]);
    f->c[0].id = "C1";
    f->c[0].target = "K2";
    f->c[0].author = "mia";
    f->c[0].text = "Sure?";
    f->c[0].resolved_by = "alice";
    f->c[0].time_ms = 77;
    f->cp[0] = &f->c[0];
    f->m.n_comments = 1;
    f->m.comments = f->cp;
}

static void existing(struct okr_state *s)
{
    struct okr_team company = {.num = 1, .name = strdup("Company"), .level = OKR_LEVEL_COMPANY};
    struct okr_team sales = {.num = 2, .name = strdup("Sales"), .parent = 1,
                             .level = OKR_LEVEL_DEPARTMENT};
    assert_non_null(okr_team_insert(s, &company));
    assert_non_null(okr_team_insert(s, &sales));
    struct okr_objective o = {.num = 1, .team = 1, .title = strdup("Old"), .owner = strdup(""),
                              .rationale = strdup("")};
    assert_non_null(okr_objective_insert(s, &o));
    s->next_team = 3;
    s->next_objective = 2;
    s->next_key_result = 1;
    s->next_initiative = 1;
    s->next_comment = 1;
    s->seq = 5;
}

/* Checks and applies f to s; returns the number of changes made, and
 * checks each event's seq and the reply. */
static size_t run(struct okr_state *s, struct file *f)
{
    struct import_index ix;
    struct import_plan plan;
    struct import_problems p = {0};
    assert_int_equal(import_check(&f->m, NULL, &ix, &p), 0);
    assert_int_equal(apply_import_check(s, &CTX, &f->m, &ix, &plan, &p), 0);
    size_t n = apply_import_events(&f->m, &plan);
    struct apply_result *r = calloc(n, sizeof *r);
    Cascade__V1__WorkshopImportReply reply = CASCADE__V1__WORKSHOP_IMPORT_REPLY__INIT;
    uint64_t seq = s->seq;
    assert_int_equal(apply_import(s, &CTX, &f->m, &ix, &plan, 9, &reply, r, n), 0);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(r[i].seq, seq + 1 + i);
        WireFrame *ev = wire_unpack(r[i].event.data + FRAME_HEADER_LEN,
                                    r[i].event.len - FRAME_HEADER_LEN,
                                    WIRE_BUDGET_TRUSTED(r[i].event.len));
        assert_non_null(ev);
        assert_string_equal(ev->event->type, i == 0 ? "workshop.import" : r[i].type);
        wire_free(ev);
        assert_true(i + 1 == n ? r[i].ack.len > 0 : r[i].ack.len == 0);
    }
    WireFrame *answer = wire_unpack(r[n - 1].ack.data + FRAME_HEADER_LEN,
                                    r[n - 1].ack.len - FRAME_HEADER_LEN,
                                    WIRE_BUDGET_TRUSTED(r[n - 1].ack.len));
    assert_int_equal(answer->request_id, 9);
    assert_int_equal(answer->workshop_import_reply->seq, s->seq);
    wire_free(answer);
    for (size_t i = 0; i < n; i++)
        apply_result_free(&r[i]);
    free(r);
    import_plan_free(&plan);
    import_index_free(&ix);
    return n;
}

static void test_into_an_empty_workshop(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    struct file f;
    file_init(&f);
    assert_int_equal(run(&s, &f), 1 + 3 + 2 + 2 + 1);
    assert_int_equal(s.nteams, 3);
    assert_int_equal(okr_team_find(&s, 3)->parent, 2);
    assert_int_equal(okr_team_find(&s, 3)->level, OKR_LEVEL_TEAM); /* from its parent */
    assert_int_equal(okr_objective_find(&s, 1)->aligns_to, 2);
    assert_int_equal(okr_objective_find(&s, 2)->status, OKR_FINAL);
    const struct okr_key_result *k = okr_key_result_find(&s, 2);
    assert_true(k->milestone && k->done && k->has_weight && k->weight == 2);
    const struct okr_comment *c = okr_comment_find(&s, 1);
    assert_string_equal(c->author, "mia");
    assert_string_equal(c->resolved_by, "alice");
    assert_int_equal(c->time_ms, 77);
    assert_int_equal(c->target_kind, OKR_KEY_RESULT);
    okr_state_free(&s);
}

static void test_teams_reused_and_numbers_follow(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    existing(&s);
    struct file f;
    file_init(&f);
    assert_int_equal(run(&s, &f), 1 + 1 + 2 + 2 + 1);
    assert_int_equal(s.nteams, 3);
    assert_int_equal(okr_team_find(&s, 3)->parent, 2); /* EMEA under the existing Sales */
    assert_int_equal(okr_objective_find(&s, 2)->team, 3);
    assert_int_equal(okr_objective_find(&s, 2)->aligns_to, 3);
    assert_int_equal(okr_objective_find(&s, 3)->team, 2);
    assert_int_equal(okr_key_result_find(&s, 1)->objective, 2);
    assert_int_equal(s.seq, 5 + 7);
    okr_state_free(&s);
}

static void test_workshop_problems_change_nothing(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    existing(&s);
    s.teams[1].level = OKR_LEVEL_INDIVIDUAL;
    struct file f;
    file_init(&f);
    f.k[0].owner = "ghost";
    struct import_index ix;
    struct import_plan plan;
    struct import_problems p = {0};
    assert_int_equal(import_check(&f.m, NULL, &ix, &p), 0);
    assert_int_equal(apply_import_check(&s, &CTX, &f.m, &ix, &plan, &p), CAS_EINVAL);
    assert_int_equal(p.n, 2);
    assert_string_equal(p.items[0].list, "teams");
    assert_int_equal(p.items[0].index, 2);
    assert_non_null(strstr(p.items[0].reason, "an individual has no sub-teams"));
    assert_string_equal(p.items[1].list, "key_results");
    assert_string_equal(p.items[1].field, "owner");
    assert_non_null(strstr(p.items[1].reason, "There is no user named 'ghost'"));
    assert_int_equal(s.nteams, 2);
    assert_int_equal(s.seq, 5);
    import_plan_free(&plan);
    import_index_free(&ix);
    okr_state_free(&s);
}

static void test_levels_follow_the_tree(void **state)
{
    (void)state;
    struct okr_state s;
    okr_state_init(&s);
    struct file f;
    file_init(&f);
    Cascade__V1__Team deeper[2];
    const char *ids[2][2] = {{"T4", "T3"}, {"T5", "T4"}};
    for (int i = 0; i < 2; i++) {
        cascade__v1__team__init(&deeper[i]);
        deeper[i].id = (char *)ids[i][0];
        deeper[i].name = "Me";
        deeper[i].parent = (char *)ids[i][1];
    }
    Cascade__V1__Team *teams[5] = {f.tp[0], f.tp[1], f.tp[2], &deeper[0], &deeper[1]};
    f.m.teams = teams;
    f.m.n_teams = 5;
    struct import_index ix;
    struct import_plan plan;
    struct import_problems p = {0};
    assert_int_equal(import_check(&f.m, NULL, &ix, &p), 0);
    assert_int_equal(apply_import_check(&s, &CTX, &f.m, &ix, &plan, &p), CAS_EINVAL);
    assert_int_equal(p.n, 1);
    assert_int_equal(p.items[0].index, 4);
    assert_string_equal(p.items[0].reason, "Its parent, Company/Sales/EMEA/Me, is an individual; "
                                           "an individual has no sub-teams.");
    assert_int_equal(plan.team_level[3], OKR_LEVEL_INDIVIDUAL);
    import_plan_free(&plan);
    import_index_free(&ix);
    okr_state_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_into_an_empty_workshop),
        cmocka_unit_test(test_teams_reused_and_numbers_follow),
        cmocka_unit_test(test_workshop_problems_change_nothing),
        cmocka_unit_test(test_levels_follow_the_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
