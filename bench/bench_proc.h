/* What the bench reads about a server process from /proc. */
#ifndef CASCADE_BENCH_PROC_H
#define CASCADE_BENCH_PROC_H

#include <stdint.h>
#include <sys/types.h>

struct proc_sample {
    int64_t rss_kib;  /* VmRSS; -1 when unknown */
    double cpu_s;     /* user + system CPU seconds so far; -1 when unknown */
};

/* Samples pid (0 or a vanished process: both fields -1). */
struct proc_sample proc_sample(pid_t pid);

/* The CPU seconds (user + system) this process has used so far. */
double proc_self_cpu_s(void);

#endif
