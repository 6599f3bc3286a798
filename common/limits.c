/* The configurable text limits: their defaults and the parsing of
 * "KIND=BYTES" for cascaded --text-limit. */
#include "okr.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

const struct okr_limits okr_limits_default = OKR_LIMITS_DEFAULT;

struct limit_kind {
    const char *name;
    size_t offset;
    size_t ceiling;
};

static const struct limit_kind KINDS[] = {
    {"team-name", offsetof(struct okr_limits, team_name), OKR_TEAM_NAME_CAP},
    {"title", offsetof(struct okr_limits, title), OKR_TITLE_CAP},
    {"text", offsetof(struct okr_limits, text), OKR_TEXT_CAP},
    {"unit", offsetof(struct okr_limits, unit), OKR_UNIT_CAP},
    {"period", offsetof(struct okr_limits, period), OKR_PERIOD_CAP},
};

int okr_limits_set(struct okr_limits *limits, const char *spec, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    const struct limit_kind *kind = NULL;
    for (size_t i = 0; eq != NULL && i < sizeof KINDS / sizeof KINDS[0]; i++)
        if (strlen(KINDS[i].name) == (size_t)(eq - spec) &&
            strncmp(KINDS[i].name, spec, (size_t)(eq - spec)) == 0)
            kind = &KINDS[i];
    if (kind == NULL) {
        cas_errorf(err, errlen,
                   "'%s' is not KIND=BYTES with KIND one of team-name, title, text, unit, period.",
                   spec);
        return CAS_EINVAL;
    }
    const char *digits = eq + 1;
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(digits, &end, 10);
    if (digits[0] < '0' || digits[0] > '9' || *end != '\0' || errno != 0 || v < 1 ||
        v > kind->ceiling) {
        cas_errorf(err, errlen, "The %s limit must be a whole number of bytes from 1 to %zu, not '%s'.",
                   kind->name, kind->ceiling, digits);
        return CAS_EINVAL;
    }
    *(size_t *)((char *)limits + kind->offset) = (size_t)v;
    return 0;
}
