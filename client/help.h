/* Help from the one usage text (client/main.c): a command's own lines for
 * `cascade help CMD` and `cascade CMD --help`, its flags and subcommands for
 * "did you mean" and for the shell completions. An entry of the usage text
 * is a line "  NAME ..." (two spaces, then the command) and the lines under
 * it indented further; the Global options' lines start with "  -". */
#ifndef CASCADE_HELP_H
#define CASCADE_HELP_H

#include <stddef.h>
#include <stdio.h>

/* Prints command's entries of usage to out, under a "Usage:" line.
 * Returns how many entries it printed (0: usage has none for command). */
size_t help_print_command(FILE *out, const char *usage, const char *command);

/* Calls fn once for each distinct flag ("--from") of command's entries
 * (of every entry, and of the Global options, when command is NULL). */
void help_each_flag(const char *usage, const char *command,
                    void (*fn)(const char *flag, void *ctx), void *ctx);

/* Calls fn once for each distinct subcommand of command: the second word
 * of its entries when it is a word of small letters and dashes ("add",
 * "close-note"), not a placeholder ("TITLE", "O#"). */
void help_each_subcommand(const char *usage, const char *command,
                          void (*fn)(const char *word, void *ctx), void *ctx);

/* The flag of command's entries closest to typed ("--form" -> "--from"),
 * copied into out; NULL when none is close. */
const char *help_suggest_flag(const char *usage, const char *command, const char *typed,
                              char *out, size_t outlen);

#endif
