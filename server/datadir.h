/* The server's data directory: where its database, certificate and identity
 * live, readable by the server's user alone. */
#ifndef CASCADE_DATADIR_H
#define CASCADE_DATADIR_H

#include <limits.h>
#include <stddef.h>

#define DATADIR_SERVER_ID_LEN 32 /* hex characters */

struct datadir {
    char path[PATH_MAX];
    char cert[PATH_MAX + 16]; /* DIR/cert.pem, the self-signed default */
    char key[PATH_MAX + 16];  /* DIR/key.pem */
    char server_id[DATADIR_SERVER_ID_LEN + 1];
};

/* Creates the directory (and its parents) when missing, takes away any
 * access of other users to it (0700) and to the server's files in it
 * (0600), fills in the paths, and reads the server id from DIR/server-id,
 * making a random one on first start. 0, or a negative CAS_E* code with a
 * full sentence in err. */
int datadir_open(struct datadir *d, const char *path, char *err, size_t errlen);

#endif
