#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "help.h"

static void remove_at(struct args *a, int i, int n)
{
    memmove(&a->argv[i], &a->argv[i + n], sizeof(char *) * (size_t)(a->argc - i - n));
    a->argc -= n;
}

int args_flag(struct args *a, const char *name)
{
    int found = 0;
    for (int i = 0; i < a->argc;) {
        if (strcmp(a->argv[i], "--") == 0)
            break;
        if (strcmp(a->argv[i], name) == 0) {
            remove_at(a, i, 1);
            found = 1;
            continue;
        }
        i++;
    }
    return found;
}

int args_value(struct args *a, const char *name, const char **value)
{
    size_t n = strlen(name);
    for (int i = 0; i < a->argc; i++) {
        const char *w = a->argv[i];
        if (strcmp(w, "--") == 0)
            break;
        if (strncmp(w, name, n) != 0)
            continue;
        if (w[n] == '=') {
            *value = w + n + 1;
            remove_at(a, i, 1);
            return 1;
        }
        if (w[n] != '\0')
            continue;
        if (i + 1 >= a->argc) {
            snprintf(a->err, sizeof a->err, "The option %s needs a value.", name);
            return -1;
        }
        *value = a->argv[i + 1];
        remove_at(a, i, 2);
        return 1;
    }
    return 0;
}

const char *args_next(struct args *a)
{
    for (int i = 0; i < a->argc; i++) {
        if (strcmp(a->argv[i], "--") == 0) {
            if (i + 1 >= a->argc)
                return NULL;
            const char *w = a->argv[i + 1];
            remove_at(a, i + 1, 1);
            return w;
        }
        /* A lone "-" or a negative number is a value, not an option. */
        const char *w = a->argv[i];
        if (w[0] == '-' && w[1] != '\0' && !(w[1] >= '0' && w[1] <= '9') && w[1] != '.')
            continue;
        remove_at(a, i, 1);
        return w;
    }
    return NULL;
}

int args_finish(struct args *a)
{
    for (int i = 0; i < a->argc; i++) {
        if (strcmp(a->argv[i], "--") == 0)
            continue;
        char near[64];
        if (a->argv[i][0] == '-' && a->argv[i][1] != '\0' && a->usage != NULL &&
            a->command != NULL &&
            help_suggest_flag(a->usage, a->command, a->argv[i], near, sizeof near) != NULL)
            snprintf(a->err, sizeof a->err, "Unknown option %.80s for this command; did you "
                     "mean %s?", a->argv[i], near);
        else if (a->argv[i][0] == '-' && a->argv[i][1] != '\0')
            snprintf(a->err, sizeof a->err, "Unknown option %s for this command.", a->argv[i]);
        else
            snprintf(a->err, sizeof a->err, "Unexpected argument '%s'.", a->argv[i]);
        return -1;
    }
    return 0;
}

int args_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno == ERANGE || !isfinite(v))
        return -1;
    /* strtod also reads "inf", "nan" and hex floats; a person means none of them. */
    if (strpbrk(text, "xXnN") != NULL)
        return -1;
    *out = v;
    return 0;
}

int args_duration(const char *text, unsigned long max_s, unsigned long *out)
{
    char *end;
    unsigned long n = text[0] >= '0' && text[0] <= '9' ? strtoul(text, &end, 10) : 0;
    if (n == 0 || end[0] == '\0' || end[1] != '\0')
        return -1;
    unsigned long unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60 : end[0] == 'h' ? 3600
                       : end[0] == 'd' ? 86400 : 0;
    if (unit == 0 || n > max_s / unit)
        return -1;
    *out = n * unit;
    return 0;
}
