#include "settings.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "linefile.h"

int settings_get(const char *file, const char *key, char *out, size_t outlen)
{
    char rest[LINEFILE_LINE_MAX];
    int rc = linefile_find(file, key, rest, sizeof rest);
    if (rc != 0)
        return rc;
    if (rest[0] == '\0')
        return CAS_ENOTFOUND;
    snprintf(out, outlen, "%s", rest);
    return 0;
}

int settings_set(const char *file, const char *key, const char *value, char *err, size_t errlen)
{
    char line[LINEFILE_LINE_MAX];
    int n = snprintf(line, sizeof line, "%s %s\n", key, value);
    if (value[0] == '\0' || strpbrk(value, "\r\n") != NULL || n < 0 || (size_t)n >= sizeof line) {
        cas_errorf(err, errlen, "The value for '%s' does not fit on one line of %s.", key, file);
        return CAS_EINVAL;
    }
    int removed;
    return linefile_replace(file, key, line, &removed, err, errlen);
}

int settings_code_normalise(const char *text, char *out, size_t outlen, char *err, size_t errlen)
{
    size_t n = 0;
    for (const char *p = text; *p != '\0'; p++) {
        char c = *p;
        if (c == '-' || c == ' ')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
            cas_errorf(err, errlen, "'%s' is not a join code: a code has letters and digits only.",
                       text);
            return CAS_EINVAL;
        }
        if (n >= SETTINGS_CODE_MAX || n + 1 >= outlen) {
            cas_errorf(err, errlen, "'%s' is not a join code: it is too long.", text);
            return CAS_EINVAL;
        }
        out[n++] = c;
    }
    if (n == 0) {
        cas_errorf(err, errlen, "The join code is empty; give the code the workshop's creator shared.");
        return CAS_EINVAL;
    }
    out[n] = '\0';
    return 0;
}
