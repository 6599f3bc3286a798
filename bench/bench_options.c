#include "bench_options.h"

#include <stdio.h>

#include "bench_proc.h"

int bench_check_shape(const struct bench_words *w, int argc, char **argv, int optind_now,
                      struct bench_shape *s)
{
    if (optind_now < argc) {
        fprintf(stderr, "%s: unexpected argument '%s'.\n", w->prog, argv[optind_now]);
        return -1;
    }
    if (s->have_duration && s->count > 0) {
        fprintf(stderr, "%s: give --duration or %s, not both.\n", w->prog, w->count_flag);
        return -1;
    }
    if (s->writers == 0)
        s->writers = s->groups;
    if (s->clients < s->groups || s->writers > s->clients) {
        fprintf(stderr,
                "%s: needs at least one client per %s (--clients %u, %s %u) and no more %s "
                "than clients (%s %u).\n",
                w->prog, w->group, s->clients, w->groups_flag, s->groups, w->writers,
                w->writers_flag, s->writers);
        return -1;
    }
    if (s->server_pid > 0 && proc_sample(s->server_pid).rss_kib < 0) {
        fprintf(stderr, "%s: no process %d to watch (--server-pid).\n", w->prog,
                (int)s->server_pid);
        return -1;
    }
    if (s->idle > 0 && s->server_pid == 0)
        fprintf(stderr, "%s: note: without --server-pid, --idle cannot measure memory.\n",
                w->prog);
    return 0;
}
