/* Shell completion for cascade: `cascade completion bash|zsh` writes a
 * script generated from the client's command table and usage text
 * (commands, their subcommands and flags), and `cascade completion ids`
 * prints the ids of the chosen workshop (T1, O2, K3, ...) for the scripts
 * to offer where an id goes. */
#ifndef CASCADE_COMPLETION_H
#define CASCADE_COMPLETION_H

#include <stddef.h>
#include <stdio.h>

struct cli;
struct args;

/* Writes the bash (zsh) completion script for the n commands named. */
void completion_write_bash(FILE *out, const char *usage, const char *const *names, size_t n);
void completion_write_zsh(FILE *out, const char *usage, const char *const *names, size_t n);

/* `cascade completion ids`: the workshop's ids, one per line. An exit status. */
int completion_ids(struct cli *cli, struct args *a);

#endif
