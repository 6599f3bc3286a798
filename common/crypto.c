#include "crypto.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "errors.h"

#define SCRYPT_DEFAULT_LOG2N 15u
#define SCRYPT_R 8u
#define SCRYPT_P 1u
#define SALT_LEN 16
#define KEY_LEN 32

int crypto_random_bytes(void *buf, size_t len)
{
    if (len > INT_MAX || RAND_bytes(buf, (int)len) != 1) {
        ERR_clear_error();
        return CAS_EIO;
    }
    return 0;
}

int crypto_random_readable(char *out, size_t len)
{
    static const char ALPHABET[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    const unsigned n = sizeof ALPHABET - 1;
    /* Rejection sampling keeps every character equally likely. */
    const unsigned limit = 256 - 256 % n;
    size_t i = 0;
    while (i < len) {
        uint8_t bytes[32];
        if (crypto_random_bytes(bytes, sizeof bytes) != 0)
            return CAS_EIO;
        for (size_t j = 0; j < sizeof bytes && i < len; j++)
            if (bytes[j] < limit)
                out[i++] = ALPHABET[bytes[j] % n];
    }
    out[len] = '\0';
    return 0;
}

void crypto_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    if (EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) != 1) {
        /* SHA-256 of memory cannot fail short of a broken library. */
        abort();
    }
}

void crypto_hex(const uint8_t *bytes, size_t len, char *out)
{
    static const char HEX[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = HEX[bytes[i] >> 4];
        out[2 * i + 1] = HEX[bytes[i] & 15];
    }
    out[2 * len] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int crypto_unhex(const char *hex, uint8_t *bytes, size_t len)
{
    if (strlen(hex) != 2 * len)
        return CAS_EINVAL;
    for (size_t i = 0; i < len; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return CAS_EINVAL;
        bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return 0;
}

static int scrypt(const char *password, const uint8_t *salt, unsigned log2_n, unsigned r,
                  unsigned p, uint8_t key[KEY_LEN])
{
    uint64_t n = (uint64_t)1 << log2_n;
    /* Room for scrypt's 128*r*N working memory and a little more. */
    uint64_t maxmem = 128ull * r * n + (1u << 20) + 128ull * r * p;
    int ok = EVP_PBE_scrypt(password, strlen(password), salt, SALT_LEN, n, r, p, maxmem, key,
                            KEY_LEN);
    if (ok != 1) {
        ERR_clear_error();
        return CAS_ENOMEM;
    }
    return 0;
}

int crypto_password_hash(const char *password, unsigned log2_n, char out[CRYPTO_HASH_MAX])
{
    if (log2_n == 0)
        log2_n = SCRYPT_DEFAULT_LOG2N;
    uint8_t salt[SALT_LEN], key[KEY_LEN];
    if (crypto_random_bytes(salt, sizeof salt) != 0)
        return CAS_EIO;
    int rc = scrypt(password, salt, log2_n, SCRYPT_R, SCRYPT_P, key);
    if (rc != 0)
        return rc;
    char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
    crypto_hex(salt, sizeof salt, salt_hex);
    crypto_hex(key, sizeof key, key_hex);
    snprintf(out, CRYPTO_HASH_MAX, "scrypt$%u$%u$%u$%s$%s", log2_n, SCRYPT_R, SCRYPT_P, salt_hex,
             key_hex);
    OPENSSL_cleanse(key, sizeof key);
    return 0;
}

int crypto_password_decoy(char out[CRYPTO_HASH_MAX])
{
    /* Random salt and random key: no password derives that key, and no
     * scrypt run is needed to make it (which kept a server's start waiting
     * a tenth of a second). */
    uint8_t salt[SALT_LEN], key[KEY_LEN];
    if (crypto_random_bytes(salt, sizeof salt) != 0 || crypto_random_bytes(key, sizeof key) != 0)
        return CAS_EIO;
    char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
    crypto_hex(salt, sizeof salt, salt_hex);
    crypto_hex(key, sizeof key, key_hex);
    snprintf(out, CRYPTO_HASH_MAX, "scrypt$%u$%u$%u$%s$%s", SCRYPT_DEFAULT_LOG2N, SCRYPT_R,
             SCRYPT_P, salt_hex, key_hex);
    return 0;
}

void crypto_thread_done(void)
{
    OPENSSL_thread_stop();
}

int crypto_password_verify(const char *password, const char *hash)
{
    unsigned log2_n, r, p;
    char salt_hex[2 * SALT_LEN + 1], key_hex[2 * KEY_LEN + 1];
    if (sscanf(hash, "scrypt$%u$%u$%u$%32[0-9a-f]$%64[0-9a-f]", &log2_n, &r, &p, salt_hex,
               key_hex) != 5 ||
        log2_n < 1 || log2_n > 22 || r < 1 || r > 32 || p < 1 || p > 16)
        return CAS_EINVAL;
    uint8_t salt[SALT_LEN], want[KEY_LEN], got[KEY_LEN];
    if (crypto_unhex(salt_hex, salt, sizeof salt) != 0 || crypto_unhex(key_hex, want, sizeof want) != 0)
        return CAS_EINVAL;
    if (scrypt(password, salt, log2_n, r, p, got) != 0)
        return CAS_EINVAL;
    int match = CRYPTO_memcmp(got, want, sizeof got) == 0;
    OPENSSL_cleanse(got, sizeof got);
    return match;
}
