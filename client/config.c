#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"

int config_dir(char *out, size_t outlen, char *err, size_t errlen)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg != NULL && xdg[0] == '/')
        n = snprintf(out, outlen, "%s/cascade", xdg);
    else if (home != NULL && home[0] != '\0')
        n = snprintf(out, outlen, "%s/.config/cascade", home);
    else {
        cas_errorf(err, errlen, "Neither XDG_CONFIG_HOME nor HOME is set, so there is nowhere to keep client state.");
        return CAS_ENOTFOUND;
    }
    if (n < 0 || (size_t)n >= outlen) {
        cas_errorf(err, errlen, "The config directory path is too long.");
        return CAS_EINVAL;
    }
    return 0;
}

int config_dir_create(const char *dir, char *err, size_t errlen)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST) {
            cas_errorf(err, errlen, "Cannot create the directory %s: %s.", tmp, strerror(errno));
            return CAS_EIO;
        }
        *p = c;
        if (c == '\0')
            break;
    }
    return 0;
}
