/* cascaded's settings, one table for both places they come from: a flag
 * (--max-frame 65536) and a key of the configuration file (max-frame =
 * 65536). Each entry parses and checks its value into a server_config, so a
 * setting means the same wherever it is written, and the file, the flags,
 * --check-config and a reload on SIGHUP cannot drift apart. */
#ifndef CASCADE_OPTIONS_H
#define CASCADE_OPTIONS_H

#include <stddef.h>

#include "server.h"

struct server_option {
    const char *name; /* the flag without "--", and the file's key */
    /* Parses value into cfg. 0, or -1 with a sentence in err (not naming
     * the option: the caller says where it was written). */
    int (*apply)(struct server_config *cfg, const char *value, char *err, size_t errlen);
    /* Whether a running server takes a new value on SIGHUP; the others
     * (the address, the data directory, ...) need a restart. */
    int reloadable;
    /* May be given several times, each adding to the last (text-limit). */
    int repeatable;
};

extern const struct server_option SERVER_OPTIONS[];
extern const size_t SERVER_OPTION_COUNT;

/* The entry named name, or NULL. */
const struct server_option *server_option_find(const char *name);

/* The known name closest to an unknown one (for "did you mean"), or NULL
 * when none is close. */
const char *server_option_suggest(const char *name);

/* Checks what no single option can: the certificate and key come
 * together. 0, or -1 with a sentence in err. */
int server_options_check(const struct server_config *cfg, char *err, size_t errlen);

/* Frees the copies of text values options keep (paths from the file). */
void server_options_free_strings(void);

#endif

/* How cascaded was started, apart from its settings. */
struct server_invocation {
    const char *config_path; /* the file read (--config, or the installed default), or NULL */
    int check_config;        /* --check-config: check, print the result, exit */
    int help, version;
};

/* Builds cfg from the defaults, then the configuration file (--config FILE;
 * without it CASCADE_DEFAULT_CONFIG when the build names one and it exists),
 * then the flags, which override the file. 0, or -1 with a sentence in err
 * naming the flag, or the file and line, that is wrong (a usage error).
 * Called again with the same arguments on SIGHUP. */
int server_options_load(int argc, char **argv, struct server_config *cfg,
                        struct server_invocation *inv, char *err, size_t errlen);
