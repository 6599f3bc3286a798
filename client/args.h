/* Command-line arguments of one command, taken flag by flag: each call
 * removes what it consumed, and args_finish complains about the rest. */
#ifndef CASCADE_ARGS_H
#define CASCADE_ARGS_H

#include <stddef.h>

struct args {
    int argc;
    char **argv;  /* the command's words after its name; entries are removed as taken */
    char err[1024];
    /* The command being run and the usage text, for args_finish to name
     * the flag a mistyped one was probably meant to be (NULL: none). */
    const char *command;
    const char *usage;
};

/* Takes a boolean flag; returns 1 when it was present. */
int args_flag(struct args *a, const char *name);

/* Takes "--name VALUE" or "--name=VALUE". Returns 1 and *value when present,
 * 0 when absent, -1 (message in a->err) when the value is missing. */
int args_value(struct args *a, const char *name, const char **value);

/* Takes the next positional word, or NULL when there is none. */
const char *args_next(struct args *a);

/* 0 when every argument was taken; -1 with a message naming the first one
 * left otherwise. */
int args_finish(struct args *a);

/* Parses a finite number written like 42, -3.5 or 1e3. 0, or -1. */
int args_number(const char *text, double *out);

/* Parses a length of time written as a whole number and a unit: 90s, 5m,
 * 12h or 7d. 0 with the seconds in *out, or -1 (also above max_s). */
int args_duration(const char *text, unsigned long max_s, unsigned long *out);

#endif
