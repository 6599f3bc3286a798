/* Pinned server certificates, like ssh's known_hosts: one line per server,
 * "HOST:PORT SHA256:AB:CD:...", in CONFIG/known_servers, read and rewritten
 * as the other files of the client's state are (linefile.h). */
#ifndef CASCADE_KNOWN_SERVERS_H
#define CASCADE_KNOWN_SERVERS_H

#include <stddef.h>

/* The file's name in the configuration directory. */
#define KNOWN_SERVERS_FILE "known_servers"

/* Looks up the fingerprint pinned for server ("host:port"), the first word
 * after it on its (last) line. 0 and the fingerprint in out; CAS_ENOTFOUND
 * when none is pinned (or the file does not exist); CAS_EIO when the file
 * cannot be read. */
int known_servers_lookup(const char *file, const char *server, char *out, size_t outlen);

/* Pins fingerprint for server, appending one line (creating the file with
 * mode 0600). 0 or CAS_EIO with a sentence in err. */
int known_servers_add(const char *file, const char *server, const char *fingerprint,
                      char *err, size_t errlen);

/* Removes every line for server, rewriting the file atomically. 0;
 * CAS_ENOTFOUND when nothing was pinned for it; CAS_EIO. */
int known_servers_forget(const char *file, const char *server, char *err, size_t errlen);

#endif
