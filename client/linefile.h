/* Small keyed text files of the client's state (credentials, config): one
 * entry per line, "KEY REST...", '#' comments and blank lines kept as they
 * are. Changes replace the whole file through a temporary file and a rename,
 * so readers see the old file or the new one, never half of each; files are
 * created with mode 0600 because some hold secrets. */
#ifndef CASCADE_LINEFILE_H
#define CASCADE_LINEFILE_H

#include <stddef.h>

/* Longest line these files hold; a longer line, or one with a NUL byte in
 * it, never matches a key and is kept as it is when the file is rewritten. */
#define LINEFILE_LINE_MAX 1024

/* Finds the last line whose first field is key and copies the rest of it
 * (leading and trailing blanks removed) into rest. 0; CAS_ENOTFOUND when no
 * line matches or the file does not exist; CAS_EIO when it cannot be read. */
int linefile_find(const char *file, const char *key, char *rest, size_t restlen);

/* Calls fn with the key and the rest of each line (comments and blanks
 * skipped), in file order, until it returns non-zero. 0; CAS_EIO when the
 * file cannot be read (with errno as the failure left it); a file that
 * does not exist has no lines. */
int linefile_each(const char *file, int (*fn)(void *ctx, const char *key, const char *rest),
                  void *ctx);

/* Rewrites the file without the lines whose first field is key, appending
 * `line` (which must end in a newline) when it is not NULL. *removed gets
 * how many lines were dropped. 0, or CAS_EIO with a sentence in err. */
int linefile_replace(const char *file, const char *key, const char *line, int *removed,
                     char *err, size_t errlen);

/* Removes every line whose first field is key, leaving the file untouched
 * when there is none. 0; CAS_ENOTFOUND when there was none (err untouched);
 * CAS_EIO with a sentence in err. */
int linefile_remove(const char *file, const char *key, char *err, size_t errlen);

#endif
