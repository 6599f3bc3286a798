/* libFuzzer targets for cascade import's readers, which read whatever file
 * a person names: the input is the file's content, read as a CSV
 * (client/import_csv.c; fuzz_import_csv, built with FUZZ_IMPORT_CSV=1) or
 * as a JSON export (client/import_json.c; fuzz_import_json). Reading must end in a message or a sentence, never a crash;
 * every problem it reports is a sentence under its place (described as a
 * person reads it); a message with no problems goes through the checks
 * the server runs too (common/import_check.c), and packs and unpacks as
 * the request it becomes. Any breach calls abort(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "frame.h"
#include "import_check.h"
#include "import_file.h"
#include "wire.h"

#if FUZZ_IMPORT_CSV
#define FUZZ_IMPORT_NAME "fuzz.csv"
#else
#define FUZZ_IMPORT_NAME "fuzz.json"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_problems(const struct import_file *f, const struct import_problems *p)
{
    if (p->n > IMPORT_PROBLEMS_MAX)
        abort();
    for (size_t i = 0; i < p->n; i++) {
        char line[512];
        if (p->items[i].reason[0] == '\0')
            abort();
        import_file_describe(f, p->items[i].list, p->items[i].index, p->items[i].field,
                             p->items[i].reason, line, sizeof line);
        if (strlen(line) == 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct import_file f;
    char err[256];
    if (import_file_parse(FUZZ_IMPORT_NAME, (const char *)data, size, &f, err, sizeof err) != 0) {
        if (err[0] == '\0')
            abort();
        import_file_free(&f);
        return 0;
    }
    if (f.csv != FUZZ_IMPORT_CSV)
        abort();
    check_problems(&f, &f.problems);
    if (f.problems.n == 0 && !f.problems.truncated) {
        struct import_index ix;
        int rc = import_check(f.msg, NULL, &ix, &f.problems);
        if (rc != 0 && rc != CAS_EINVAL && rc != CAS_ENOMEM)
            abort();
        if (rc == CAS_EINVAL && f.problems.n == 0)
            abort();
        check_problems(&f, &f.problems);
        import_index_free(&ix);
        WireFrame req = CASCADE__V1__FRAME__INIT;
        req.body_case = CASCADE__V1__FRAME__BODY_WORKSHOP_IMPORT;
        req.workshop_import = f.msg;
        struct buf packed = {0};
        if (wire_pack(&req, SIZE_MAX, &packed) == 0) {
            WireFrame *back = wire_unpack(packed.data + FRAME_HEADER_LEN,
                                          packed.len - FRAME_HEADER_LEN,
                                          WIRE_BUDGET_TRUSTED(packed.len));
            if (back == NULL || back->workshop_import->n_key_results != f.msg->n_key_results ||
                back->workshop_import->n_teams != f.msg->n_teams)
                abort();
            wire_free(back);
        }
        buf_free(&packed);
    }
    import_file_free(&f);
    return 0;
}
