/* TLS over a pair of OpenSSL memory BIOs, independent of any socket: the
 * caller feeds ciphertext it read and sends the ciphertext this module hands
 * out. The only file (with server/cert.c) that includes OpenSSL.
 *
 * Policy, for both sides: TLS 1.2 minimum, AEAD cipher suites with forward
 * secrecy only, no compression, no renegotiation, released idle buffers. */
#ifndef CASCADE_TLS_H
#define CASCADE_TLS_H

#include <stddef.h>
#include <stdint.h>

/* "SHA256:" then 32 colon-separated upper-case hex bytes, and a NUL. */
#define TLS_FINGERPRINT_MAX (7 + 32 * 3)

struct tls_ctx;
struct tls_conn;

/* A server context with a PEM certificate chain and private key.
 * NULL on failure, with a reason in err. Free with tls_ctx_free. */
struct tls_ctx *tls_ctx_new_server(const char *cert_file, const char *key_file,
                                   char *err, size_t errlen);

/* A client context. With ca_file, the server's chain must verify against it
 * and its name or address must match the host given to tls_conn_new. Without
 * it no chain is checked: the caller must pin the peer's fingerprint after the
 * handshake, before it sends anything that matters. */
struct tls_ctx *tls_ctx_new_client(const char *ca_file, char *err, size_t errlen);

void tls_ctx_free(struct tls_ctx *ctx);

/* A connection. host is the server's name or address (client side, for SNI
 * and verification); NULL on the server side. Free with tls_conn_free. */
struct tls_conn *tls_conn_new(struct tls_ctx *ctx, const char *host, char *err, size_t errlen);

void tls_conn_free(struct tls_conn *c);

/* Client side: starts the handshake (the ClientHello becomes output). */
int tls_conn_start(struct tls_conn *c, char *err, size_t errlen);

/* Receives decrypted application data, in order. Non-zero stops the feed. */
typedef int (*tls_plain_cb)(void *ctx, const uint8_t *data, size_t len);

/* Feeds ciphertext read from the network: advances the handshake, then reads
 * every decrypted byte out to cb until OpenSSL needs more input. Returns 0;
 * CAS_ECLOSED when the peer sent close_notify; CAS_ETLS with a reason (the
 * connection is then unusable); or cb's non-zero return. */
int tls_conn_feed(struct tls_conn *c, const uint8_t *data, size_t len,
                  tls_plain_cb cb, void *cbctx, char *err, size_t errlen);

/* Encrypts application data; the handshake must be complete. 0 or CAS_ETLS. */
int tls_conn_write(struct tls_conn *c, const uint8_t *data, size_t len,
                   char *err, size_t errlen);

/* Queues a close_notify alert (sent with the next output). */
void tls_conn_shutdown(struct tls_conn *c);

/* Hands out all pending ciphertext as one malloc'd buffer the caller owns and
 * frees. Sets *out NULL and *len 0 when there is nothing. 0 or CAS_ENOMEM. */
int tls_conn_take_output(struct tls_conn *c, uint8_t **out, size_t *len);

int tls_conn_handshake_done(const struct tls_conn *c);

/* The negotiated protocol, e.g. "TLSv1.3". */
const char *tls_conn_protocol(const struct tls_conn *c);

/* The SHA-256 fingerprint of the peer's certificate. 0 or CAS_ENOTFOUND. */
int tls_conn_peer_fingerprint(const struct tls_conn *c, char out[TLS_FINGERPRINT_MAX]);

/* The SHA-256 fingerprint of the first certificate in a PEM file. */
int tls_file_fingerprint(const char *cert_file, char out[TLS_FINGERPRINT_MAX],
                         char *err, size_t errlen);

#endif
