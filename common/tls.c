#include "tls.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "addr.h"
#include "buf.h"
#include "errors.h"

struct tls_ctx {
    SSL_CTX *ssl_ctx;
    int verify; /* client: the chain and host are verified */
};

struct tls_conn {
    SSL *ssl;
    const uint8_t *in; /* ciphertext being fed: OpenSSL reads it from here */
    size_t in_len;
    struct buf carry;  /* fed ciphertext OpenSSL has not read yet (rare) */
    struct buf out;    /* ciphertext OpenSSL wrote, handed out by take_output */
    int handshake_done;
};

/* The ciphertext BIO. OpenSSL's memory BIOs would keep two growing buffers
 * per connection and copy every byte once more; this one reads straight
 * from the bytes being fed and writes into `out`, whose buffer take_output
 * hands over whole. An idle connection holds no ciphertext buffer at all. */
static int cipher_bio_read(BIO *b, char *dst, int dstlen)
{
    struct tls_conn *c = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    if (c->in_len == 0) {
        BIO_set_retry_read(b); /* wait for more, not end of stream */
        return -1;
    }
    size_t n = c->in_len < (size_t)dstlen ? c->in_len : (size_t)dstlen;
    memcpy(dst, c->in, n);
    c->in += n;
    c->in_len -= n;
    return (int)n;
}

static int cipher_bio_write(BIO *b, const char *src, int len)
{
    struct tls_conn *c = BIO_get_data(b);
    BIO_clear_retry_flags(b);
    return buf_append(&c->out, src, (size_t)len) == 0 ? len : -1;
}

static long cipher_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)num;
    (void)ptr;
    struct tls_conn *c = BIO_get_data(b);
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    case BIO_CTRL_PENDING:
        return (long)c->in_len;
    case BIO_CTRL_WPENDING:
        return (long)c->out.len;
    default:
        return 0;
    }
}

static int cipher_bio_create(BIO *b)
{
    BIO_set_init(b, 1);
    return 1;
}

/* One method for the process: OpenSSL hands out only a couple of hundred
 * BIO type numbers, and a client that reconnects makes a context each time. */
static BIO_METHOD *cipher_method;
static pthread_once_t cipher_method_once = PTHREAD_ONCE_INIT;

static void make_cipher_method(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cascade ciphertext");
    if (m == NULL || BIO_meth_set_read(m, cipher_bio_read) != 1 ||
        BIO_meth_set_write(m, cipher_bio_write) != 1 ||
        BIO_meth_set_ctrl(m, cipher_bio_ctrl) != 1 ||
        BIO_meth_set_create(m, cipher_bio_create) != 1) {
        BIO_meth_free(m);
        return;
    }
    cipher_method = m;
}

static BIO_METHOD *cipher_bio_method(void)
{
    pthread_once(&cipher_method_once, make_cipher_method);
    return cipher_method;
}

/* Suites for TLS 1.2; TLS 1.3's defaults are all AEAD with forward secrecy. */
static const char TLS12_CIPHERS[] =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/* Describes the newest OpenSSL error, or `fallback` if the queue is empty. */
static void openssl_reason(char *err, size_t errlen, const char *what, const char *fallback)
{
    unsigned long e = ERR_peek_last_error();
    if (e != 0) {
        const char *reason = ERR_reason_error_string(e);
        cas_errorf(err, errlen, "%s: %s", what, reason != NULL ? reason : fallback);
    } else {
        cas_errorf(err, errlen, "%s: %s", what, fallback);
    }
    ERR_clear_error();
}

static SSL_CTX *new_ssl_ctx(const SSL_METHOD *method, char *err, size_t errlen)
{
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(method);
    if (ctx == NULL) {
        openssl_reason(err, errlen, "Cannot create a TLS context", "unknown error");
        return NULL;
    }
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
        SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1) {
        openssl_reason(err, errlen, "Cannot configure TLS", "unknown error");
        SSL_CTX_free(ctx);
        return NULL;
    }
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
                                 SSL_OP_CIPHER_SERVER_PREFERENCE);
    /* Idle connections give their 34 KiB of record buffers back. */
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    return ctx;
}

/* The parts every context has; NULL with a sentence in err. */
static struct tls_ctx *tls_ctx_alloc(const SSL_METHOD *method, char *err, size_t errlen)
{
    struct tls_ctx *t = calloc(1, sizeof *t);
    if (t == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return NULL;
    }
    if (cipher_bio_method() == NULL) {
        cas_errorf(err, errlen, "Cannot create a TLS context: out of memory.");
        free(t);
        return NULL;
    }
    t->ssl_ctx = new_ssl_ctx(method, err, errlen);
    if (t->ssl_ctx == NULL) {
        tls_ctx_free(t);
        return NULL;
    }
    return t;
}

struct tls_ctx *tls_ctx_new_server(const char *cert_file, const char *key_file,
                                   char *err, size_t errlen)
{
    struct tls_ctx *t = tls_ctx_alloc(TLS_server_method(), err, errlen);
    if (t == NULL)
        return NULL;
    if (SSL_CTX_use_certificate_chain_file(t->ssl_ctx, cert_file) != 1) {
        char what[PATH_MAX + 64];
        snprintf(what, sizeof what, "Cannot load the certificate %s", cert_file);
        openssl_reason(err, errlen, what, "unreadable");
        goto fail;
    }
    if (SSL_CTX_use_PrivateKey_file(t->ssl_ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        char what[PATH_MAX + 64];
        snprintf(what, sizeof what, "Cannot load the private key %s", key_file);
        openssl_reason(err, errlen, what, "unreadable");
        goto fail;
    }
    if (SSL_CTX_check_private_key(t->ssl_ctx) != 1) {
        openssl_reason(err, errlen, "The private key does not match the certificate",
                       "mismatch");
        goto fail;
    }
    /* Clients do not resume sessions: no tickets in any version (a TLS 1.2
     * ticket is sealed with a key the process keeps for its whole life, so
     * stealing it would open every recorded session) and no cache. */
    SSL_CTX_set_options(t->ssl_ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(t->ssl_ctx, 0);
    SSL_CTX_set_session_cache_mode(t->ssl_ctx, SSL_SESS_CACHE_OFF);
    return t;
fail:
    tls_ctx_free(t);
    return NULL;
}

struct tls_ctx *tls_ctx_new_client(const char *ca_file, char *err, size_t errlen)
{
    struct tls_ctx *t = tls_ctx_alloc(TLS_client_method(), err, errlen);
    if (t == NULL)
        return NULL;
    if (ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(t->ssl_ctx, ca_file, NULL) != 1) {
            char what[PATH_MAX + 64];
            snprintf(what, sizeof what, "Cannot load the CA file %s", ca_file);
            openssl_reason(err, errlen, what, "unreadable");
            goto fail;
        }
        SSL_CTX_set_verify(t->ssl_ctx, SSL_VERIFY_PEER, NULL);
        t->verify = 1;
    } else {
        SSL_CTX_set_verify(t->ssl_ctx, SSL_VERIFY_NONE, NULL);
    }
    return t;
fail:
    tls_ctx_free(t);
    return NULL;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
    if (ctx == NULL)
        return;
    SSL_CTX_free(ctx->ssl_ctx);
    free(ctx);
}

struct tls_conn *tls_conn_new(struct tls_ctx *ctx, const char *host, char *err, size_t errlen)
{
    ERR_clear_error();
    struct tls_conn *c = calloc(1, sizeof *c);
    if (c == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return NULL;
    }
    c->ssl = SSL_new(ctx->ssl_ctx);
    BIO *bio = BIO_new(cipher_bio_method());
    if (c->ssl == NULL || bio == NULL) {
        openssl_reason(err, errlen, "Cannot create a TLS connection", "out of memory");
        BIO_free(bio);
        SSL_free(c->ssl);
        free(c);
        return NULL;
    }
    BIO_set_data(bio, c);
    SSL_set_bio(c->ssl, bio, bio); /* one BIO both ways; the SSL owns it now */
    if (host == NULL) {
        SSL_set_accept_state(c->ssl);
        return c;
    }
    SSL_set_connect_state(c->ssl);
    int ok = 1;
    if (addr_is_ip_literal(host)) {
        if (ctx->verify)
            ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), host) == 1;
    } else {
        ok = SSL_set_tlsext_host_name(c->ssl, host) == 1;
        if (ok && ctx->verify)
            ok = SSL_set1_host(c->ssl, host) == 1;
    }
    if (!ok) {
        openssl_reason(err, errlen, "Cannot set the server name for TLS", "invalid name");
        tls_conn_free(c);
        return NULL;
    }
    return c;
}

void tls_conn_free(struct tls_conn *c)
{
    if (c == NULL)
        return;
    SSL_free(c->ssl);
    buf_free(&c->carry);
    buf_free(&c->out);
    free(c);
}

/* Explains why the handshake or a read failed. */
static void explain_failure(struct tls_conn *c, int ssl_err, char *err, size_t errlen)
{
    long verify = SSL_get_verify_result(c->ssl);
    if (!c->handshake_done && verify != X509_V_OK) {
        cas_errorf(err, errlen, "the server's certificate did not verify: %s",
                   X509_verify_cert_error_string(verify));
        ERR_clear_error();
        return;
    }
    if (ssl_err == SSL_ERROR_SSL) {
        openssl_reason(err, errlen, c->handshake_done ? "TLS error" : "TLS handshake failed",
                       "protocol error");
        return;
    }
    cas_errorf(err, errlen, "TLS error (code %d)", ssl_err);
    ERR_clear_error();
}

static int advance_handshake(struct tls_conn *c, char *err, size_t errlen)
{
    ERR_clear_error();
    int r = SSL_do_handshake(c->ssl);
    if (r == 1) {
        c->handshake_done = 1;
        return 0;
    }
    int e = SSL_get_error(c->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
        return 0; /* output, if any, is in out; more input is needed */
    explain_failure(c, e, err, errlen);
    return CAS_ETLS;
}

int tls_conn_start(struct tls_conn *c, char *err, size_t errlen)
{
    return advance_handshake(c, err, errlen);
}

/* Hands the ciphertext to OpenSSL and runs the handshake and reads over it. */
static int feed_all(struct tls_conn *c, tls_plain_cb cb, void *cbctx, char *err, size_t errlen)
{
    if (!c->handshake_done) {
        int rc = advance_handshake(c, err, errlen);
        if (rc != 0 || !c->handshake_done)
            return rc;
    }
    /* Drain every record that is complete: one SSL_read per feed would leave
     * decrypted data stranded until the next read event. */
    uint8_t plain[16384];
    for (;;) {
        ERR_clear_error();
        int r = SSL_read(c->ssl, plain, (int)sizeof plain);
        if (r > 0) {
            int rc = cb(cbctx, plain, (size_t)r);
            if (rc != 0)
                return rc;
            continue;
        }
        int e = SSL_get_error(c->ssl, r);
        if (e == SSL_ERROR_WANT_READ)
            return 0;
        if (e == SSL_ERROR_ZERO_RETURN)
            return CAS_ECLOSED;
        explain_failure(c, e, err, errlen);
        return CAS_ETLS;
    }
}

int tls_conn_feed(struct tls_conn *c, const uint8_t *data, size_t len,
                  tls_plain_cb cb, void *cbctx, char *err, size_t errlen)
{
    /* Bytes left over from the last feed come first. */
    if (c->carry.len > 0) {
        if (buf_append(&c->carry, data, len) != 0) {
            cas_errorf(err, errlen, "Out of memory while buffering TLS input.");
            return CAS_ENOMEM;
        }
        data = c->carry.data;
        len = c->carry.len;
    }
    c->in = data;
    c->in_len = len;
    int rc = feed_all(c, cb, cbctx, err, errlen);
    /* OpenSSL reads until it wants more, so input is left only when the
     * feed stopped early; keep it for the next feed. */
    size_t left = c->in_len;
    const uint8_t *rest = c->in;
    c->in = NULL;
    c->in_len = 0;
    if (left == 0) {
        buf_free(&c->carry);
    } else if (rest != c->carry.data) {
        struct buf keep = {0};
        if (buf_append(&keep, rest, left) != 0 && rc == 0) {
            cas_errorf(err, errlen, "Out of memory while buffering TLS input.");
            rc = CAS_ENOMEM;
        }
        buf_free(&c->carry);
        c->carry = keep;
    }
    return rc;
}

int tls_conn_write(struct tls_conn *c, const uint8_t *data, size_t len, char *err, size_t errlen)
{
    if (!c->handshake_done) {
        cas_errorf(err, errlen, "TLS write before the handshake completed");
        return CAS_ETLS;
    }
    while (len > 0) {
        ERR_clear_error();
        int chunk = len > INT_MAX ? INT_MAX : (int)len;
        int r = SSL_write(c->ssl, data, chunk);
        if (r <= 0) {
            explain_failure(c, SSL_get_error(c->ssl, r), err, errlen);
            return CAS_ETLS;
        }
        data += r;
        len -= (size_t)r;
    }
    return 0;
}

void tls_conn_shutdown(struct tls_conn *c)
{
    ERR_clear_error();
    if (c->handshake_done)
        (void)SSL_shutdown(c->ssl); /* 0: sent, not yet answered; that is enough */
    ERR_clear_error();
}

int tls_conn_take_output(struct tls_conn *c, uint8_t **out, size_t *len)
{
    /* The buffer changes hands whole: no copy. */
    *out = c->out.len > 0 ? c->out.data : NULL;
    *len = c->out.len;
    if (c->out.len == 0)
        buf_free(&c->out);
    c->out = (struct buf){0};
    return 0;
}

int tls_conn_handshake_done(const struct tls_conn *c)
{
    return c->handshake_done;
}

const char *tls_conn_protocol(const struct tls_conn *c)
{
    return SSL_get_version(c->ssl);
}

static void format_fingerprint(const X509 *cert, char out[TLS_FINGERPRINT_MAX])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    X509_digest(cert, EVP_sha256(), md, &n);
    char *p = out + sprintf(out, "SHA256:");
    for (unsigned int i = 0; i < n && i < 32; i++)
        p += sprintf(p, i ? ":%02X" : "%02X", md[i]);
}

int tls_conn_peer_fingerprint(const struct tls_conn *c, char out[TLS_FINGERPRINT_MAX])
{
    X509 *cert = SSL_get0_peer_certificate(c->ssl);
    if (cert == NULL)
        return CAS_ENOTFOUND;
    format_fingerprint(cert, out);
    return 0;
}

int tls_file_fingerprint(const char *cert_file, char out[TLS_FINGERPRINT_MAX],
                         char *err, size_t errlen)
{
    FILE *f = fopen(cert_file, "r");
    if (f == NULL) {
        cas_errorf(err, errlen, "Cannot open the certificate %s.", cert_file);
        return CAS_EIO;
    }
    X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (cert == NULL) {
        cas_errorf(err, errlen, "The file %s holds no PEM certificate.", cert_file);
        ERR_clear_error();
        return CAS_EINVAL;
    }
    format_fingerprint(cert, out);
    X509_free(cert);
    return 0;
}
