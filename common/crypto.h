/* Cryptographic helpers over OpenSSL: randomness, SHA-256, password hashing.
 * With tls.c and server/cert.c, the only files that include OpenSSL. */
#ifndef CASCADE_CRYPTO_H
#define CASCADE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* Room for a password hash string, NUL included. */
#define CRYPTO_HASH_MAX 160

/* Fills buf with cryptographically strong random bytes. 0 or CAS_EIO. */
int crypto_random_bytes(void *buf, size_t len);

/* A random string of len characters from an alphabet without look-alikes
 * (no 0/O, 1/I/l), for join codes and generated passwords. out holds len+1. */
int crypto_random_readable(char *out, size_t len);

/* SHA-256 of data. */
void crypto_sha256(const void *data, size_t len, uint8_t out[32]);

/* Lower-case hex of len bytes into out (2*len+1 bytes). */
void crypto_hex(const uint8_t *bytes, size_t len, char *out);

/* Parses exactly 2*len hex digits into bytes. 0 or CAS_EINVAL. */
int crypto_unhex(const char *hex, uint8_t *bytes, size_t len);

/* Hashes a password with scrypt and a random salt into a self-describing
 * string "scrypt$LOG2N$R$P$SALTHEX$HASHHEX" (log2_n 0 picks the default,
 * 2^15 with r=8, p=1: about 32 MiB and tens of milliseconds, so run it off
 * the event loop). 0, CAS_EIO or CAS_ENOMEM. */
int crypto_password_hash(const char *password, unsigned log2_n, char out[CRYPTO_HASH_MAX]);

/* A hash in crypto_password_hash's format and at its default cost that no
 * password matches, made without running scrypt: checking a login for an
 * unknown name against it takes as long as for a known one. 0 or CAS_EIO. */
int crypto_password_decoy(char out[CRYPTO_HASH_MAX]);

/* Checks a password against a string from crypto_password_hash, in constant
 * time for the comparison. 1 match, 0 no match, CAS_EINVAL for a malformed
 * hash string. */
int crypto_password_verify(const char *password, const char *hash);

/* Frees OpenSSL's per-thread state of the calling thread. Worker threads
 * (libuv's pool) are never joined, so work run there calls this when done. */
void crypto_thread_done(void);

#endif
