/* cascaded's configuration file: the settings of options.h as
 * "key = value" lines (the flag's name without "--"), optionally under a
 * [cascaded] section, with '#' or ';' starting a comment line. Parsed with
 * inih; every problem names the file and the line. */
#ifndef CASCADE_CONFIG_FILE_H
#define CASCADE_CONFIG_FILE_H

#include <stddef.h>

#include "server.h"

/* Files larger than this are refused: a configuration is a few dozen lines. */
#define CONFIG_FILE_MAX (256 * 1024)
/* Longest line, in bytes. */
#define CONFIG_LINE_MAX 4096

/* Applies the settings of the file at path to cfg, in order. 0, or -1 with
 * "PATH:LINE: what is wrong" (or "PATH: why it cannot be read") in err; cfg
 * may then hold some of the file's settings, so callers use a copy. */
int config_file_apply(const char *path, struct server_config *cfg, char *err, size_t errlen);

#endif
