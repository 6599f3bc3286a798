/* cascade export's writers (client/export.c): RFC 4180 fields, the CSV's
 * rows in tree order with team paths (a weight column only when a weight
 * differs from 1, a row for an objective without key results and for a team
 * without objectives), a CSV that reads back as the same cascade, the JSON
 * export without versions and members, and the Markdown summary's parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"
#include "import_file.h"

static void team(struct okr_state *s, uint32_t num, const char *name, uint32_t parent)
{
    struct okr_team t = {.num = num, .name = strdup(name), .parent = parent,
                         .level = parent ? OKR_LEVEL_DEPARTMENT : OKR_LEVEL_COMPANY};
    assert_non_null(okr_team_insert(s, &t));
}

static void objective(struct okr_state *s, uint32_t num, uint32_t team_num, const char *title)
{
    struct okr_objective o = {.num = num, .team = team_num, .title = strdup(title),
                              .owner = strdup("alice"), .rationale = strdup(""),
                              .close_note = strdup(""), .carried_from = strdup("")};
    assert_non_null(okr_objective_insert(s, &o));
}

static void kr(struct okr_state *s, uint32_t num, uint32_t obj, const char *title, double start,
               double current, double target)
{
    struct okr_key_result k = {.num = num, .objective = obj, .title = strdup(title),
                               .owner = strdup(""), .unit = strdup("%"), .start = start,
                               .current = current, .target = target, .confidence = 0.5,
                               .blocker = strdup(""), .carried_from = strdup("")};
    assert_non_null(okr_key_result_insert(s, &k));
}

static int setup(void **state)
{
    struct okr_state *s = malloc(sizeof *s);
    okr_state_init(s);
    team(s, 1, "Company", 0);
    team(s, 3, "Ops", 1);
    team(s, 2, "Sales", 1);
    objective(s, 1, 2, "Sell, more");
    objective(s, 2, 1, "Grow");
    kr(s, 1, 1, "Deals \"big\"", 0, 5, 10);
    kr(s, 2, 1, "Margin", 10, 10, 20);
    s->next_team = 4;
    s->next_objective = 3;
    s->next_key_result = 3;
    *state = s;
    return 0;
}

static int teardown(void **state)
{
    okr_state_free(*state);
    free(*state);
    return 0;
}

static char *written(int (*fn)(FILE *, const struct okr_state *), const struct okr_state *s)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(fn(f, s), 0);
    fclose(f);
    return text;
}

static void test_fields(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    const char *in[] = {"plain", "a,b", "say \"hi\"", "two\nlines", " pad", ""};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        export_csv_field(f, in[i]);
        fputc('|', f);
    }
    fclose(f);
    assert_string_equal(text, "plain|\"a,b\"|\"say \"\"hi\"\"\"|\"two\nlines\"|\" pad\"||");
    free(text);
}

static void test_csv_rows(void **state)
{
    struct okr_state *s = *state;
    char *text = written(export_csv, s);
    assert_string_equal(text,
                        "team,objective,key_result,start,current,target,unit,owner,score,"
                        "confidence\r\n"
                        "Company,Grow,,,,,,,,\r\n"
                        "Company/Sales,\"Sell, more\",\"Deals \"\"big\"\"\",0,5,10,%,,0.50,0.5\r\n"
                        "Company/Sales,\"Sell, more\",Margin,10,10,20,%,,0.00,0.5\r\n"
                        "Company/Ops,,,,,,,,,\r\n");
    free(text);
    s->key_results[1].has_weight = 1;
    s->key_results[1].weight = 3;
    text = written(export_csv, s);
    assert_non_null(strstr(text, "owner,weight,score"));
    assert_non_null(strstr(text, "Margin,10,10,20,%,,3,"));
    free(text);
}

static void test_csv_reads_back(void **state)
{
    struct okr_state *s = *state;
    char *text = written(export_csv, s);
    struct import_file f;
    char err[128];
    assert_int_equal(import_file_parse("x.csv", text, strlen(text), &f, err, sizeof err), 0);
    assert_int_equal(f.problems.n, 0);
    assert_int_equal(f.msg->n_teams, 3);
    assert_int_equal(f.msg->n_objectives, 2);
    assert_int_equal(f.msg->n_key_results, 2);
    assert_string_equal(f.msg->key_results[0]->title, "Deals \"big\"");
    assert_true(f.msg->key_results[0]->current == 5);
    import_file_free(&f);
    free(text);
}

static void test_team_path(void **state)
{
    struct okr_state *s = *state;
    char path[32];
    export_team_path(s, 3, path, sizeof path);
    assert_string_equal(path, "Company/Ops");
    export_team_path(s, 9, path, sizeof path);
    assert_string_equal(path, "");
}

static void test_json_and_markdown(void **state)
{
    struct okr_state *s = *state;
    Cascade__V1__Snapshot snap = CASCADE__V1__SNAPSHOT__INIT;
    Cascade__V1__WorkshopInfo info = CASCADE__V1__WORKSHOP_INFO__INIT;
    info.title = "Q3 | planning";
    info.period = "2026-Q3";
    snap.workshop = "ABC";
    snap.info = &info;
    struct okr_comment c = {.num = 1, .target_kind = OKR_OBJECTIVE, .target = 1,
                            .author = strdup("mia"), .text = strdup("Why *this*?"),
                            .resolved_by = strdup("")};
    assert_non_null(okr_comment_insert(s, &c));
    s->objectives[0].status = OKR_FINAL;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_int_equal(export_json(f, &snap, s), 0);
    fclose(f);
    assert_non_null(strstr(text, "\"format\":\t\"cascade-export\""));
    assert_null(strstr(text, "\"version\":\t0"));
    assert_null(strstr(text, "members"));
    free(text);
    f = open_memstream(&text, &len);
    assert_int_equal(export_markdown(f, &snap, s), 0);
    fclose(f);
    assert_non_null(strstr(text, "# Q3 \\| planning (2026-Q3)\n"));
    assert_non_null(strstr(text, "### T2 Company/Sales (department)\n"));
    assert_non_null(strstr(text, "| K1 Deals \"big\" | 0 → 10 (now 5 %) | - |"));
    assert_non_null(strstr(text, "## Open comments\n\n- On O1 (Sell, more), mia: Why \\*this\\*?\n"));
    assert_non_null(strstr(text, "Agreed as final:\n\n- O1 Sell, more\n"));
    assert_non_null(strstr(text, "### T3 Company/Ops (department)\n\nNo objectives.\n"));
    /* Tree order: Sales (T2) before Ops (T3), both under Company. */
    assert_true(strstr(text, "### T2") < strstr(text, "### T3"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields),
        cmocka_unit_test_setup_teardown(test_csv_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv_reads_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_team_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_and_markdown, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
