/* Reading a file for cascade import (client/import_file.c, import_csv.c,
 * import_json.c): the format from the name or the content; a spreadsheet's
 * CSV with a BOM, CRLF, merged-looking cells, quoted commas and line
 * breaks, team paths, milestones and percentages; each problem with its row
 * and column, all of them; a JSON export's entities, and problems named by
 * their path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "import_file.h"

static int parse(const char *name, const char *text, struct import_file *f)
{
    char err[256];
    return import_file_parse(name, text, strlen(text), f, err, sizeof err);
}

/* Whether one of f's problems reads exactly `line`. */
static int says(const struct import_file *f, const char *line)
{
    for (size_t i = 0; i < f->problems.n; i++) {
        char got[512];
        const struct import_problem *p = &f->problems.items[i];
        import_file_describe(f, p->list, p->index, p->field, p->reason, got, sizeof got);
        if (strcmp(got, line) == 0)
            return 1;
    }
    for (size_t i = 0; i < f->problems.n; i++)
        print_message("problem: %s %u %s %s\n", f->problems.items[i].list,
                      f->problems.items[i].index, f->problems.items[i].field,
                      f->problems.items[i].reason);
    return 0;
}

static void test_a_spreadsheet(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("okrs.csv",
                           "\xEF\xBB\xBFTeam,Objective,Key Result,Start,Current,Target,Unit,"
                           "Owner,Weight,Score,Confidence\r\n"
                           "Company,\"Grow, profitably\",Revenue,10,12,50,MEUR,alice,2,0.1,70%\r\n"
                           ",,Margin,20,,25,%,,,,\r\n"
                           ",Keep,\"NPS\r\nquarterly\",30,35,50,,mia,,,0.6\r\n"
                           "Company/Sales,Sell,Launch,,done,,,,,,\r\n"
                           " Company / Sales ,,Deals,0,1,2,,,,,\r\n"
                           "Company/Ops,,,,,,,,,,\r\n"
                           ",,,,,,,,,,\r\n",
                           &f),
                     0);
    assert_true(f.csv);
    assert_int_equal(f.problems.n, 0);
    const Cascade__V1__WorkshopImport *m = f.msg;
    assert_int_equal(m->n_teams, 3);
    assert_string_equal(m->teams[1]->name, "Sales");
    assert_string_equal(m->teams[1]->parent, "T1");
    assert_string_equal(m->teams[2]->name, "Ops");
    assert_int_equal(m->n_objectives, 3);
    assert_string_equal(m->objectives[0]->title, "Grow, profitably");
    assert_string_equal(m->objectives[1]->team, "T1");
    assert_int_equal(m->n_key_results, 5);
    assert_string_equal(m->key_results[1]->objective, "O1"); /* merged cells */
    assert_true(m->key_results[1]->current == 20);              /* current defaults to start */
    assert_string_equal(m->key_results[2]->title, "NPS quarterly");
    assert_true(m->key_results[0]->confidence == 0.7);
    assert_true(m->key_results[0]->has_weight && m->key_results[0]->weight == 2);
    assert_true(m->key_results[3]->milestone && m->key_results[3]->done);
    assert_string_equal(m->key_results[4]->objective, "O3"); /* the same team, so Sell */
    assert_int_equal(f.key_result_rows[2], 4);
    import_file_free(&f);
}

static void test_every_problem_with_row_and_column(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("okrs.csv",
                           "team,objective,key_result,start,target,confidence\n"
                           ",Grow,Revenue,1,2,\n"
                           "A,Grow,Revenue,1,\"12,5\",\n"
                           "A,Grow,Margin,x,2,2\n"
                           "A,Grow,Cost,1,,\n"
                           "B,,Orphan,1,2,\n"
                           "B,,,5,,\n",
                           &f),
                     0);
    assert_true(says(&f, "row 2, column team: The first row names no team; give the team's "
                         "path, like Company/Sales."));
    assert_true(says(&f, "row 3, column target: '12,5' is not a number (use a dot for "
                         "decimals)."));
    assert_true(says(&f, "row 4, column start: 'x' is not a number."));
    assert_true(says(&f, "row 4, column confidence: The confidence must be from 0 to 1 (or 0% "
                         "to 100%), not 2."));
    assert_true(says(&f, "row 5, column target: A metric key result needs both start and "
                         "target; leave both empty for a milestone."));
    assert_true(says(&f, "row 6, column objective: A key result needs an objective; name it "
                         "(an empty cell means the objective of the row above, under the same "
                         "team)."));
    assert_true(says(&f, "row 7, column key_result: The row has a start but no key result; "
                         "name the key result."));
    assert_int_equal(f.problems.n, 7);
    import_file_free(&f);
}

static void test_rows_under_a_refused_one(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("x.csv",
                           "team,objective,key_result,start,target\n"
                           "A//B,Grow,Revenue,1,2\n"
                           ",,Margin,1,2\n"
                           ",,Cost,1,2\n"
                           "C,Keep,NPS,1,2\n",
                           &f),
                     0);
    assert_int_equal(f.problems.n, 1);
    assert_true(says(&f, "row 2, column team: The team path has an empty name; write it like "
                         "Company/Sales/EMEA."));
    assert_int_equal(f.msg->n_key_results, 1);
    import_file_free(&f);
}

static void test_the_header(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("x.csv", "team,objective,taget,Score,weight,weight\nA,B,1,2,3,4\n", &f),
                     0);
    assert_true(says(&f, "row 1: 'taget' is not a column import knows; did you mean 'target'?"));
    assert_true(says(&f, "row 1: The header names column weight twice."));
    assert_true(says(&f, "row 1: The header has no column 'key_result'; the first row must name "
                         "the columns, at least team, objective and key_result."));
    import_file_free(&f);
    assert_int_equal(parse("x.csv", "team,objective,key_result\n", &f), 0);
    assert_true(says(&f, "The CSV has a header but no rows."));
    import_file_free(&f);
}

static void test_bytes_that_are_not_csv_or_utf8(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("x.csv", "team,objective,key_result\nA,B\xc3\x28,C\n", &f), 0);
    assert_true(says(&f, "row 2, column objective: The cell is not valid UTF-8 (at byte 2); save "
                         "the file as UTF-8."));
    import_file_free(&f);
    assert_int_equal(parse("x.csv", "team,objective,key_result\nA,\"B\"x,C\n", &f), 0);
    assert_int_equal(f.problems.n, 1);
    assert_non_null(strstr(f.problems.items[0].reason, "The CSV is malformed here"));
    import_file_free(&f);
    char err[256];
    assert_int_equal(import_file_parse("x.csv", "\xEF\xBB\xBF \r\n", 6, &f, err, sizeof err), -1);
    assert_string_equal(err, "x.csv is empty; import takes a JSON export or a CSV with a header "
                             "row.");
    import_file_free(&f);
}

static void test_the_format_by_name_then_content(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("data", "  {\"teams\":[]}", &f), 0);
    assert_false(f.csv);
    import_file_free(&f);
    assert_int_equal(parse("data.JSON", "team,objective,key_result\n", &f), 0);
    assert_false(f.csv);
    assert_true(says(&f, "The file is not valid JSON (at byte 1); import takes what 'cascade "
                         "export --format json' writes."));
    import_file_free(&f);
}

static void test_a_json_export(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(
        parse("e.json",
              "{\"format\":\"cascade-export\",\"version\":1,\"workshop\":{\"code\":\"X\"},"
              "\"teams\":[{\"id\":\"T1\",\"name\":\"Co\",\"parent\":null,\"level\":\"company\","
              "\"members\":[\"mia\"]}],"
              "\"objectives\":[{\"id\":\"O1\",\"team\":\"T1\",\"title\":\"Grow\",\"owner\":null,"
              "\"committed\":true,\"status\":\"final\",\"necessary\":{\"answer\":\"yes\","
              "\"by\":\"al\",\"at_ms\":5},\"close_note\":\"n\",\"score\":0.5}],"
              "\"key_results\":[{\"id\":\"K1\",\"objective\":\"O1\",\"title\":\"M\","
              "\"kind\":\"milestone\",\"done\":true,\"weight\":3,\"confidence\":0.9}],"
              "\"comments\":[{\"id\":\"C1\",\"target\":\"K1\",\"author\":\"al\",\"text\":\"t\","
              "\"time_ms\":7,\"resolved\":true,\"resolved_by\":\"bo\",\"resolved_ms\":9}]}",
              &f),
        0);
    assert_int_equal(f.problems.n, 0);
    const Cascade__V1__WorkshopImport *m = f.msg;
    assert_int_equal(m->teams[0]->level, CASCADE__V1__LEVEL__COMPANY);
    assert_string_equal(m->objectives[0]->owner, "");
    assert_true(m->objectives[0]->committed);
    assert_int_equal(m->objectives[0]->necessary->answer, CASCADE__V1__ANSWER__YES);
    assert_int_equal(m->objectives[0]->necessary->at_ms, 5);
    assert_true(m->key_results[0]->milestone && m->key_results[0]->done);
    assert_true(m->key_results[0]->has_weight && m->key_results[0]->weight == 3);
    assert_string_equal(m->comments[0]->resolved_by, "bo");
    assert_int_equal(m->comments[0]->resolved_ms, 9);
    import_file_free(&f);
}

static void test_json_problems_by_path(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("e.json",
                           "{\"teams\":[{\"id\":\"T1\",\"name\":4,\"level\":\"boss\"}],"
                           "\"objectives\":{},\"key_results\":[7,{\"start\":\"1\",\"kind\":1}]}",
                           &f),
                     0);
    assert_true(says(&f, "teams[0].name: Expected a string."));
    assert_true(says(&f, "teams[0].level: The level must be company, department, team, "
                         "individual or null."));
    assert_true(says(&f, "objectives: Expected an array."));
    assert_true(says(&f, "key_results[0]: Expected an object."));
    assert_true(says(&f, "key_results[1].start: Expected a number."));
    assert_true(says(&f, "key_results[1].kind: The kind must be \"metric\" or \"milestone\"."));
    import_file_free(&f);
    assert_int_equal(parse("e.json", "{\"format\":\"other\"}", &f), 0);
    assert_true(says(&f, "format: This is not a Cascade export (its format should be "
                         "\"cascade-export\")."));
    import_file_free(&f);
    assert_int_equal(parse("e.json", "[1]", &f), 0);
    assert_int_equal(f.problems.n, 1);
    import_file_free(&f);
}

static void test_the_checks_are_told_in_the_files_terms(void **state)
{
    (void)state;
    struct import_file f;
    assert_int_equal(parse("x.csv", "team,objective,key_result,owner\nA,B,C,x\n", &f), 0);
    char line[256];
    import_file_describe(&f, "key_results", 0, "owner", "No such user.", line, sizeof line);
    assert_string_equal(line, "row 2, column owner: No such user.");
    import_file_describe(&f, "key_results", 0, "title", "Too long.", line, sizeof line);
    assert_string_equal(line, "row 2, column key_result: Too long.");
    import_file_describe(&f, "teams", 0, "name", "Bad.", line, sizeof line);
    assert_string_equal(line, "row 2, column team: Bad.");
    import_file_free(&f);
    assert_int_equal(parse("x.json", "{}", &f), 0);
    import_file_describe(&f, "objectives", 3, "title", "Empty.", line, sizeof line);
    assert_string_equal(line, "objectives[3].title: Empty.");
    import_file_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_spreadsheet),
        cmocka_unit_test(test_every_problem_with_row_and_column),
        cmocka_unit_test(test_rows_under_a_refused_one),
        cmocka_unit_test(test_the_header),
        cmocka_unit_test(test_bytes_that_are_not_csv_or_utf8),
        cmocka_unit_test(test_the_format_by_name_then_content),
        cmocka_unit_test(test_a_json_export),
        cmocka_unit_test(test_json_problems_by_path),
        cmocka_unit_test(test_the_checks_are_told_in_the_files_terms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
