#include "cert.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "errors.h"

#define CERT_COMMON_NAME "cascaded"
#define CERT_DAYS 825              /* the longest validity browsers and Apple accept */
#define CERT_BACKDATE_SECONDS 3600 /* so a client whose clock is a little behind accepts it */
#define CERT_SERIAL_BITS 159       /* fits RFC 5280's 20 octets and stays positive */
#define CERT_HOST_MAX 256          /* above every system's host name limit */

/* The newest OpenSSL error as the tail of a sentence. Clears the queue so a
 * later operation does not report this failure as its own. */
static const char *take_openssl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;
    ERR_clear_error();
    return reason != NULL ? reason : "unknown OpenSSL error";
}

/* 1 if path exists, 0 if it does not, or a negative CAS_E* code. */
static int path_exists(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return 1;
    if (errno == ENOENT)
        return 0;
    cas_errorf(err, errlen, "Cannot check whether %s exists: %s.", path, strerror(errno));
    return CAS_EIO;
}

/* Copies this machine's name into buf when it belongs in the certificate:
 * not empty, not "localhost" (listed already), and a plain DNS name, since a
 * dNSName is an IA5String and anything else would make the SAN invalid. */
static int this_host_name(char *buf, size_t len)
{
    if (gethostname(buf, len) != 0)
        return 0;
    buf[len - 1] = '\0'; /* POSIX leaves a truncated name unterminated */
    if (buf[0] == '\0' || strcasecmp(buf, "localhost") == 0)
        return 0;
    for (const char *p = buf; *p != '\0'; p++) {
        char c = *p;
        int plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '-' || c == '.';
        if (!plain)
            return 0;
    }
    return 1;
}

/* Appends one DNS or IP name; 1 on success, 0 with the reason queued. */
static int push_name(GENERAL_NAMES *names, int type, const char *value)
{
    GENERAL_NAME *name = a2i_GENERAL_NAME(NULL, NULL, NULL, type, value, 0);
    if (name == NULL)
        return 0;
    if (sk_GENERAL_NAME_push(names, name) <= 0) {
        GENERAL_NAME_free(name);
        return 0;
    }
    return 1;
}

/* The names are built by hand rather than from a config string so that no
 * character of the host name can be read as config syntax. */
static int add_subject_alt_names(X509 *cert)
{
    char host[CERT_HOST_MAX];
    GENERAL_NAMES *names = sk_GENERAL_NAME_new_null();
    int ok = names != NULL && push_name(names, GEN_DNS, "localhost") &&
             push_name(names, GEN_IPADD, "127.0.0.1") && push_name(names, GEN_IPADD, "::1");
    if (ok && this_host_name(host, sizeof host))
        ok = push_name(names, GEN_DNS, host);
    if (ok)
        ok = X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT) == 1;
    GENERAL_NAMES_free(names);
    return ok;
}

/* 1 on success, 0 with the reason queued. */
static int add_ext(X509 *cert, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);
    if (ext == NULL)
        return 0;
    int ok = X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok;
}

/* A certificate for key, signed by key. Caller frees it. CA:TRUE because a
 * client trusts it by naming this same file as its CA file, and OpenSSL only
 * accepts a trust anchor that may sign certificates. */
static X509 *build_cert(EVP_PKEY *key, char *err, size_t errlen)
{
    BIGNUM *serial_bn = NULL;
    ASN1_INTEGER *serial = NULL;
    X509_NAME *name;
    X509V3_CTX ctx;

    X509 *cert = X509_new();
    if (cert == NULL)
        goto fail;
    /* Top bit set: 158 random bits, never zero, always 20 octets. */
    serial_bn = BN_new();
    if (serial_bn == NULL ||
        BN_rand(serial_bn, CERT_SERIAL_BITS, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1)
        goto fail;
    serial = BN_to_ASN1_INTEGER(serial_bn, NULL);
    if (serial == NULL || X509_set_serialNumber(cert, serial) != 1)
        goto fail;
    if (X509_set_version(cert, X509_VERSION_3) != 1)
        goto fail;
    if (X509_gmtime_adj(X509_getm_notBefore(cert), -CERT_BACKDATE_SECONDS) == NULL ||
        X509_time_adj_ex(X509_getm_notAfter(cert), CERT_DAYS, 0, NULL) == NULL)
        goto fail;
    name = X509_get_subject_name(cert);
    if (name == NULL ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                   (const unsigned char *)CERT_COMMON_NAME, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert, name) != 1)
        goto fail;
    if (X509_set_pubkey(cert, key) != 1)
        goto fail;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    if (!add_ext(cert, &ctx, NID_basic_constraints, "critical,CA:TRUE") ||
        !add_ext(cert, &ctx, NID_key_usage, "critical,digitalSignature,keyCertSign") ||
        !add_ext(cert, &ctx, NID_ext_key_usage, "serverAuth") ||
        !add_ext(cert, &ctx, NID_subject_key_identifier, "hash") ||
        !add_subject_alt_names(cert))
        goto fail;
    if (X509_sign(cert, key, EVP_sha256()) <= 0)
        goto fail;
    ASN1_INTEGER_free(serial);
    BN_free(serial_bn);
    return cert;
fail:
    cas_errorf(err, errlen, "Cannot build the self-signed certificate: %s.",
               take_openssl_reason());
    ASN1_INTEGER_free(serial);
    BN_free(serial_bn);
    X509_free(cert);
    return NULL;
}

/* Writes key or cert (exactly one is non-NULL) as PEM into the new file tmp
 * with mode, and flushes it to disk. path, the name tmp will be renamed to,
 * and what ("private key", "certificate") are for messages. On failure tmp
 * is removed. */
static int write_pem_tmp(const char *tmp, const char *path, const char *what, mode_t mode,
                         EVP_PKEY *key, X509 *cert, char *err, size_t errlen)
{
    FILE *f = NULL;

    /* A crash between create and rename leaves tmp behind; it holds nothing
     * worth keeping and would make O_EXCL fail forever. */
    if (unlink(tmp) != 0 && errno != ENOENT) {
        cas_errorf(err, errlen,
                   "Cannot remove the stale temporary file %s: %s. Remove it by hand.", tmp,
                   strerror(errno));
        return CAS_EIO;
    }
    int fd = open(tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        cas_errorf(err, errlen,
                   "Cannot write the %s %s: %s. Make sure its directory exists and is "
                   "writable, or give an existing certificate and key with --cert and --key.",
                   what, path, strerror(errno));
        return CAS_EIO;
    }
    f = fdopen(fd, "w");
    if (f == NULL) {
        cas_errorf(err, errlen, "Cannot write the %s %s: %s.", what, path, strerror(errno));
        close(fd);
        goto fail;
    }
    int written = key != NULL ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
                              : PEM_write_X509(f, cert);
    if (written != 1) {
        cas_errorf(err, errlen, "Cannot write the %s %s: %s.", what, path,
                   take_openssl_reason());
        goto fail;
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
        cas_errorf(err, errlen, "Cannot write the %s %s: %s.", what, path, strerror(errno));
        goto fail;
    }
    FILE *closing = f;
    f = NULL;
    if (fclose(closing) != 0) {
        cas_errorf(err, errlen, "Cannot write the %s %s: %s.", what, path, strerror(errno));
        goto fail;
    }
    return CAS_OK;
fail:
    if (f != NULL)
        fclose(f);
    unlink(tmp);
    return CAS_EIO;
}

/* path + ".tmp", malloc'd; NULL when out of memory. */
static char *tmp_name(const char *path)
{
    size_t n = strlen(path) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (tmp != NULL)
        snprintf(tmp, n, "%s.tmp", path);
    return tmp;
}

/* Writes both files under temporary names, then renames both into place, so
 * the window in which only one exists is two renames wide. */
static int install_pair(const char *cert_path, const char *key_path, EVP_PKEY *key, X509 *cert,
                        char *err, size_t errlen)
{
    int rc;
    int key_tmp_written = 0, cert_tmp_written = 0, key_renamed = 0;
    char *key_tmp = tmp_name(key_path);
    char *cert_tmp = tmp_name(cert_path);
    if (key_tmp == NULL || cert_tmp == NULL) {
        cas_errorf(err, errlen, "Out of memory while generating the certificate.");
        rc = CAS_ENOMEM;
        goto fail;
    }
    rc = write_pem_tmp(key_tmp, key_path, "private key", 0600, key, NULL, err, errlen);
    if (rc != CAS_OK)
        goto fail;
    key_tmp_written = 1;
    rc = write_pem_tmp(cert_tmp, cert_path, "certificate", 0644, NULL, cert, err, errlen);
    if (rc != CAS_OK)
        goto fail;
    cert_tmp_written = 1;
    rc = CAS_EIO;
    if (rename(key_tmp, key_path) != 0) {
        cas_errorf(err, errlen, "Cannot write the private key %s: %s.", key_path, strerror(errno));
        goto fail;
    }
    key_tmp_written = 0;
    key_renamed = 1;
    if (rename(cert_tmp, cert_path) != 0) {
        cas_errorf(err, errlen, "Cannot write the certificate %s: %s.", cert_path,
                   strerror(errno));
        goto fail;
    }
    free(key_tmp);
    free(cert_tmp);
    return CAS_OK;
fail:
    if (key_tmp_written)
        unlink(key_tmp);
    if (cert_tmp_written)
        unlink(cert_tmp);
    /* A lone key would make every later start refuse; with neither file the
     * next start simply generates again. */
    if (key_renamed)
        unlink(key_path);
    free(key_tmp);
    free(cert_tmp);
    return rc;
}

static int generate_pair(const char *cert_path, const char *key_path, char *err, size_t errlen)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    if (key == NULL) {
        cas_errorf(err, errlen, "Cannot generate a P-256 key: %s.", take_openssl_reason());
        return CAS_ETLS;
    }
    X509 *cert = build_cert(key, err, errlen);
    int rc = cert != NULL ? install_pair(cert_path, key_path, key, cert, err, errlen) : CAS_ETLS;
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}

int cert_ensure_self_signed(const char *cert_path, const char *key_path, int *created,
                            char *err, size_t errlen)
{
    if (created != NULL)
        *created = 0;
    if (cert_path == NULL || key_path == NULL || cert_path[0] == '\0' || key_path[0] == '\0') {
        cas_errorf(err, errlen, "Both a certificate path and a key path are needed.");
        return CAS_EINVAL;
    }
    int have_cert = path_exists(cert_path, err, errlen);
    if (have_cert < 0)
        return have_cert;
    int have_key = path_exists(key_path, err, errlen);
    if (have_key < 0)
        return have_key;
    if (have_cert && have_key)
        return CAS_OK;
    if (have_cert) {
        cas_errorf(err, errlen,
                   "The certificate %s exists but its private key %s does not. Remove %s to "
                   "have a new pair generated, or give both files with --cert and --key.",
                   cert_path, key_path, cert_path);
        return CAS_EINVAL;
    }
    if (have_key) {
        cas_errorf(err, errlen,
                   "The private key %s exists but its certificate %s does not. Remove %s to "
                   "have a new pair generated, or give both files with --cert and --key.",
                   key_path, cert_path, key_path);
        return CAS_EINVAL;
    }
    ERR_clear_error(); /* so a failure below reports its own reason, not an old one */
    int rc = generate_pair(cert_path, key_path, err, errlen);
    if (rc != CAS_OK) {
        ERR_clear_error();
        return rc;
    }
    if (created != NULL)
        *created = 1;
    return CAS_OK;
}
