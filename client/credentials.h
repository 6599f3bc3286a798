/* Session tokens the client keeps, one per server, in CONFIG/credentials
 * (mode 0600): one line "HOST:PORT USER TOKEN" per server. A token is the
 * password's stand-in for its lifetime, so the file is never readable by
 * others and is always replaced whole (temporary file, then rename) so a
 * crash cannot leave half a line behind. */
#ifndef CASCADE_CREDENTIALS_H
#define CASCADE_CREDENTIALS_H

#include <stddef.h>

/* Longest token and user name this file stores. */
#define CREDENTIALS_TOKEN_MAX 256
#define CREDENTIALS_USER_MAX 128

/* Whether file is readable by its owner alone, as a file of session
 * tokens must be (like ssh with a private key, the client will not use one
 * that others can read). 0 also when there is no file; CAS_EINVAL with a
 * sentence saying how to fix it in err. */
int credentials_check_private(const char *file, char *err, size_t errlen);

/* Looks up the credential stored for server ("host:port"). 0 with the user
 * name and token copied out; CAS_ENOTFOUND when there is none (or no file);
 * CAS_EIO when the file cannot be read. */
int credentials_lookup(const char *file, const char *server, char *user, size_t userlen,
                       char *token, size_t tokenlen);

/* Stores the credential for server, replacing any line it had, creating the
 * file with mode 0600 when missing. 0, CAS_EINVAL (a user or token that
 * cannot be written on one line), or CAS_EIO; a sentence in err. */
int credentials_store(const char *file, const char *server, const char *user, const char *token,
                      char *err, size_t errlen);

/* Removes the credential for server. 0; CAS_ENOTFOUND when there was none;
 * CAS_EIO with a sentence in err. */
int credentials_remove(const char *file, const char *server, char *err, size_t errlen);

#endif
