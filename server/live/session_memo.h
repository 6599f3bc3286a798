/* The sessions this node checked lately, so that people already logged in
 * can go on reading while the database cannot be reached (a PostgreSQL
 * restart, say): consulted only then, never instead of the database. A
 * session ended or an account disabled meanwhile is refused again as soon
 * as the database answers. */
#ifndef CASCADE_SESSION_MEMO_H
#define CASCADE_SESSION_MEMO_H

#include <stdint.h>

#include "store.h"

/* Sessions remembered at once: a slot per token hash, the newest wins. */
#define SESSION_MEMO_SLOTS 4096

struct session_memo;

/* Remembers that the token (its SHA-256) was valid for u until expires_ms.
 * Allocates the memo on first use; a failure only means nothing is
 * remembered. */
void session_memo_put(struct session_memo **m, const uint8_t hash[32], const struct store_user *u,
                      int64_t expires_ms);
/* The user of a remembered token: 0, or CAS_ENOTFOUND. */
int session_memo_get(const struct session_memo *m, const uint8_t hash[32], struct store_user *u,
                     int64_t *expires_ms);
/* Forgets a token, or (hash NULL) every token of user_id. */
void session_memo_forget(struct session_memo *m, const uint8_t *hash, int64_t user_id);
void session_memo_free(struct session_memo *m);

#endif
