/* libFuzzer target for template files, which a server's administrator
 * writes and the server reads at each use: any bytes must give a template
 * within the bounds (steps, durations, texts) or a refusal naming the file
 * and the line, never a crash. Any breach calls abort(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct template t;
    char err[600] = "";
    int rc = template_parse("fuzz", "fuzz.template", (const char *)data, size,
                            &okr_limits_default, &t, err, sizeof err);
    if (rc != 0) {
        if (err[0] != '\0' && strncmp(err, "fuzz.template", 13) != 0)
            abort();
        return 0;
    }
    if (t.agenda.nsteps > AGENDA_MAX_STEPS || t.title == NULL)
        abort();
    for (size_t i = 0; i < t.agenda.nsteps; i++) {
        const struct agenda_step *s = &t.agenda.steps[i];
        if (s->planned_ms < AGENDA_MIN_STEP_MS || s->planned_ms > AGENDA_MAX_STEP_MS ||
            s->title[0] == '\0' || strlen(s->title) > okr_limits_default.title ||
            strlen(s->prompt) > okr_limits_default.text)
            abort();
    }
    template_free(&t);
    return 0;
}
