/* The protocol state of one connection: the handshake, then requests. */
#ifndef CASCADE_SESSION_H
#define CASCADE_SESSION_H

#include <stddef.h>
#include <stdint.h>

struct conn;

/* Handles one frame payload received on c: unpacks it, checks it is allowed
 * in the connection's state, and answers it. Bad input closes only c. */
void session_on_frame(struct conn *c, const uint8_t *payload, size_t len);

/* Runs the frames c sent while its replay was going on, in order, until one
 * starts another replay; then lets c be read again. */
void session_release_held(struct conn *c);

#endif
