/* Where the client keeps its state: $XDG_CONFIG_HOME/cascade, or
 * ~/.config/cascade. Two users on one machine are two config homes. */
#ifndef CASCADE_CONFIG_H
#define CASCADE_CONFIG_H

#include <limits.h>
#include <stddef.h>

/* Writes the client's config directory path into out. 0, or CAS_ENOTFOUND
 * when neither XDG_CONFIG_HOME nor HOME is set. */
int config_dir(char *out, size_t outlen, char *err, size_t errlen);

/* Creates the config directory (mode 0700) and its parents when missing. */
int config_dir_create(const char *dir, char *err, size_t errlen);

#endif
