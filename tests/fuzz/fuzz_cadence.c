/* libFuzzer target for the check-in cadence's readers, which take a
 * facilitator's text from the network (`workshop set period|timezone|
 * cadence`): any bytes must give a valid rule, period or zone, or a
 * refusal with a sentence, never a crash; what is accepted must read back
 * the same once written, and expand to a bounded, ascending list of due dates.
 * Any breach calls abort(). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cadence.h"
#include "errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[128];
    if (size >= sizeof text)
        size = sizeof text - 1;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[300] = "", back[CADENCE_TEXT_MAX];
    struct cadence_schedule s;
    memset(&s, 0, sizeof s);
    strcpy(s.zone, "UTC");
    if (cadence_parse(text, &s.rule, err, sizeof err) == 0) {
        /* "monthly:07" is read as monthly:7: what is written reads back the same. */
        struct cadence again;
        cadence_format(&s.rule, back, sizeof back);
        if (cadence_parse(back, &again, NULL, 0) != 0 || again.freq != s.rule.freq ||
            again.weekday != s.rule.weekday || again.monthday != s.rule.monthday)
            abort();
    } else if (err[0] == '\0') {
        abort();
    }
    err[0] = '\0';
    int rc = cadence_period_parse(text, &s.from, &s.to, err, sizeof err);
    if (rc == CAS_EINVAL && err[0] == '\0')
        abort();
    if (rc == 0 && cadence_period_check(&s.from, &s.to, NULL, 0) != 0)
        abort();
    (void)cadence_zone_valid(text);
    if (rc == 0) {
        s.rule.freq = CADENCE_WEEKLY;
        int64_t dues[CADENCE_DUES_MAX];
        size_t n = cadence_dues(&s, dues);
        if (n > CADENCE_DUES_MAX)
            abort();
        for (size_t i = 1; i < n; i++)
            if (dues[i] <= dues[i - 1])
                abort();
    }
    return 0;
}
