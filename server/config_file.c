/* cascaded's configuration file (config_file.h). */
#include "config_file.h"

#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "options.h"

struct reading {
    struct server_config *cfg;
    char problem[512];   /* the first one, without its line */
    unsigned char seen[128]; /* which options were set, to refuse one given twice */
};

static int on_setting(void *user, const char *section, const char *name, const char *value)
{
    struct reading *r = user;
    if (r->problem[0] != '\0')
        return 0; /* only the first problem is reported */
    if (section[0] != '\0' && strcmp(section, "cascaded") != 0) {
        snprintf(r->problem, sizeof r->problem,
                 "[%.64s] is not a section of cascaded's configuration (use [cascaded] or none).",
                 section);
        return 0;
    }
    const struct server_option *o = server_option_find(name);
    if (o == NULL) {
        const char *near = server_option_suggest(name);
        if (near != NULL)
            snprintf(r->problem, sizeof r->problem, "'%.64s' is not a setting; did you mean '%s'?",
                     name, near);
        else
            snprintf(r->problem, sizeof r->problem, "'%.64s' is not a setting.", name);
        return 0;
    }
    size_t index = (size_t)(o - SERVER_OPTIONS);
    if (index >= sizeof r->seen) { /* more options than this file expects: a build error */
        snprintf(r->problem, sizeof r->problem, "%s cannot be read from a file.", o->name);
        return 0;
    }
    if (r->seen[index] && !o->repeatable) {
        snprintf(r->problem, sizeof r->problem, "%s is set twice.", o->name);
        return 0;
    }
    r->seen[index] = 1;
    char why[400];
    if (o->apply(r->cfg, value, why, sizeof why) != 0) {
        snprintf(r->problem, sizeof r->problem, "%s: %s", o->name, why);
        return 0;
    }
    return 1;
}

/* The file's text, NUL-terminated, or NULL with the reason in err. */
static char *read_whole(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        cas_errorf(err, errlen, "%s: cannot be read: %s.", path, strerror(errno));
        return NULL;
    }
    char *text = malloc(CONFIG_FILE_MAX + 1);
    size_t n = text != NULL ? fread(text, 1, CONFIG_FILE_MAX + 1, f) : 0;
    int failed = text == NULL || ferror(f);
    fclose(f);
    if (failed || n > CONFIG_FILE_MAX) {
        cas_errorf(err, errlen, failed ? "%s: cannot be read." : "%s: larger than %d bytes: "
                                                                  "is it a configuration file?",
                   path, CONFIG_FILE_MAX);
        free(text);
        return NULL;
    }
    text[n] = '\0';
    if (strlen(text) != n) {
        cas_errorf(err, errlen, "%s: holds a NUL byte: is it a configuration file?", path);
        free(text);
        return NULL;
    }
    return text;
}

/* inih splits a line longer than its buffer into several: refuse them
 * first, naming the line. 0, or its number. */
static int overlong_line(const char *text)
{
    int line = 1;
    for (const char *p = text; *p != '\0'; line++) {
        const char *nl = strchr(p, '\n');
        size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
        if (len > CONFIG_LINE_MAX)
            return line;
        if (nl == NULL)
            break;
        p = nl + 1;
    }
    return 0;
}

int config_file_apply(const char *path, struct server_config *cfg, char *err, size_t errlen)
{
    char *text = read_whole(path, err, errlen);
    if (text == NULL)
        return -1;
    int line = overlong_line(text);
    if (line != 0) {
        cas_errorf(err, errlen, "%s:%d: longer than %d bytes.", path, line, CONFIG_LINE_MAX);
        free(text);
        return -1;
    }
    /* One setting per line: no continuation lines, and a heap buffer that
     * holds the longest line let through above. */
    ini_allow_multiline = 0;
    ini_use_stack = 0;
    ini_max_line = CONFIG_LINE_MAX + 3;
    ini_stop_on_first_error = 1;
    struct reading r = {.cfg = cfg};
    int rc = ini_parse_string(text, on_setting, &r);
    free(text);
    if (rc == 0)
        return 0;
    if (rc < 0)
        cas_errorf(err, errlen, "%s: out of memory while reading it.", path);
    else if (r.problem[0] != '\0')
        cas_errorf(err, errlen, "%s:%d: %s", path, rc, r.problem);
    else
        cas_errorf(err, errlen, "%s:%d: not a 'key = value' line or a [section].", path, rc);
    return -1;
}
