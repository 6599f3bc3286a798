/* The checks both load drivers make of their command line once the flags
 * are read, with each driver's own words for workshops/topics and the rest. */
#ifndef CASCADE_BENCH_OPTIONS_H
#define CASCADE_BENCH_OPTIONS_H

#include <stdint.h>
#include <sys/types.h>

struct bench_words {
    const char *prog;         /* "cascade-bench" */
    const char *group;        /* "workshop" */
    const char *groups_flag;  /* "--workshops" */
    const char *writers_flag; /* "--writers" */
    const char *writers;      /* "writers" */
    const char *count_flag;   /* "--edits" */
};

struct bench_shape {
    unsigned clients, groups, writers; /* writers 0: one per group */
    int have_duration;
    uint64_t count;
    unsigned idle;
    pid_t server_pid;
};

/* No stray argument (argv from optind on), not both a duration and a count,
 * writers defaulting to one per group, at least one client per group and
 * no more writers than clients, a --server-pid that exists. Prints the
 * problem and returns -1; notes that --idle without --server-pid measures
 * nothing. */
int bench_check_shape(const struct bench_words *w, int argc, char **argv, int optind_now,
                      struct bench_shape *s);

#endif
