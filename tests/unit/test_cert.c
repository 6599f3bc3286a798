/* Tests of server/cert.c: the self-signed pair made on first start. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "errors.h"

struct paths {
    char dir[64];
    char cert[96];
    char key[96];
    char cert_tmp[128];
    char key_tmp[128];
};

static int setup(void **state)
{
    struct paths *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -1;
    snprintf(p->dir, sizeof p->dir, "/tmp/test_cert.XXXXXX");
    if (mkdtemp(p->dir) == NULL) {
        free(p);
        return -1;
    }
    snprintf(p->cert, sizeof p->cert, "%s/cert.pem", p->dir);
    snprintf(p->key, sizeof p->key, "%s/key.pem", p->dir);
    snprintf(p->cert_tmp, sizeof p->cert_tmp, "%s.tmp", p->cert);
    snprintf(p->key_tmp, sizeof p->key_tmp, "%s.tmp", p->key);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct paths *p = *state;
    unlink(p->cert);
    unlink(p->key);
    unlink(p->cert_tmp);
    unlink(p->key_tmp);
    int rc = rmdir(p->dir);
    free(p);
    return rc;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The whole file, malloc'd; *len its size. */
static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char *buf = NULL;
    size_t n = 0;
    unsigned char chunk[4096];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        unsigned char *grown = realloc(buf, n + got);
        assert_non_null(grown);
        buf = grown;
        memcpy(buf + n, chunk, got);
        n += got;
    }
    assert_int_equal(ferror(f), 0);
    fclose(f);
    *len = n;
    return buf;
}

static X509 *load_cert(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    X509 *cert = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(cert);
    return cert;
}

static EVP_PKEY *load_key(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    EVP_PKEY *key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    assert_non_null(key);
    return key;
}

static void generate(struct paths *p)
{
    char err[512] = "";
    int created = -1;
    assert_int_equal(cert_ensure_self_signed(p->cert, p->key, &created, err, sizeof err), CAS_OK);
    assert_int_equal(created, 1);
}

static void test_generate(void **state)
{
    struct paths *p = *state;
    generate(p);

    struct stat st;
    assert_int_equal(stat(p->key, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_false(exists(p->key_tmp));
    assert_false(exists(p->cert_tmp));

    size_t len;
    unsigned char *pem = read_all(p->key, &len);
    const char pkcs8[] = "-----BEGIN PRIVATE KEY-----";
    assert_true(len > sizeof pkcs8);
    assert_memory_equal(pem, pkcs8, sizeof pkcs8 - 1);
    free(pem);

    EVP_PKEY *key = load_key(p->key);
    assert_int_equal(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
    char group[64] = "";
    assert_int_equal(EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                                    sizeof group, NULL), 1);
    assert_string_equal(group, "prime256v1");

    X509 *cert = load_cert(p->cert);
    assert_int_equal(X509_get_version(cert), X509_VERSION_3);
    assert_int_equal(X509_check_private_key(cert, key), 1);
    EVP_PKEY *pub = X509_get0_pubkey(cert);
    assert_non_null(pub);
    assert_int_equal(X509_verify(cert, pub), 1);

    char cn[64] = "";
    assert_true(X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn,
                                          sizeof cn) > 0);
    assert_string_equal(cn, "cascaded");
    assert_int_equal(X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)), 0);

    assert_int_equal(X509_check_host(cert, "localhost", 0, 0, NULL), 1);
    assert_int_equal(X509_check_ip_asc(cert, "127.0.0.1", 0), 1);
    assert_int_equal(X509_check_ip_asc(cert, "::1", 0), 1);
    assert_int_equal(X509_check_host(cert, "example.org", 0, 0, NULL), 0);

    assert_true(X509_cmp_current_time(X509_get0_notBefore(cert)) < 0);
    assert_true(X509_cmp_current_time(X509_get0_notAfter(cert)) > 0);
    int days = 0, secs = 0;
    assert_int_equal(ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(cert)), 1);
    assert_in_range(days, 824, 825);

    const ASN1_INTEGER *serial = X509_get0_serialNumber(cert);
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    assert_non_null(bn);
    assert_false(BN_is_negative(bn));
    assert_false(BN_is_zero(bn));
    assert_true(BN_num_bits(bn) <= 159);
    BN_free(bn);

    X509_free(cert);
    EVP_PKEY_free(key);
}

static void test_second_call_keeps_files(void **state)
{
    struct paths *p = *state;
    generate(p);
    size_t cert_len, key_len;
    unsigned char *cert_before = read_all(p->cert, &cert_len);
    unsigned char *key_before = read_all(p->key, &key_len);

    char err[512] = "";
    int created = -1;
    assert_int_equal(cert_ensure_self_signed(p->cert, p->key, &created, err, sizeof err), CAS_OK);
    assert_int_equal(created, 0);

    size_t cert_len2, key_len2;
    unsigned char *cert_after = read_all(p->cert, &cert_len2);
    unsigned char *key_after = read_all(p->key, &key_len2);
    assert_int_equal(cert_len, cert_len2);
    assert_int_equal(key_len, key_len2);
    assert_memory_equal(cert_before, cert_after, cert_len);
    assert_memory_equal(key_before, key_after, key_len);
    free(cert_before);
    free(key_before);
    free(cert_after);
    free(key_after);
}

static void test_only_cert_refused(void **state)
{
    struct paths *p = *state;
    generate(p);
    assert_int_equal(unlink(p->key), 0);

    char err[512] = "";
    int created = -1;
    assert_int_equal(cert_ensure_self_signed(p->cert, p->key, &created, err, sizeof err),
                     CAS_EINVAL);
    assert_int_equal(created, 0);
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, p->key));
    assert_non_null(strstr(err, "--cert"));
    assert_false(exists(p->key));
    assert_true(exists(p->cert));
}

static void test_only_key_refused(void **state)
{
    struct paths *p = *state;
    generate(p);
    assert_int_equal(unlink(p->cert), 0);

    char err[512] = "";
    int created = -1;
    assert_int_equal(cert_ensure_self_signed(p->cert, p->key, &created, err, sizeof err),
                     CAS_EINVAL);
    assert_int_equal(created, 0);
    assert_non_null(strstr(err, p->cert));
    assert_false(exists(p->cert));
    assert_true(exists(p->key));
}

static void test_stale_tmp_replaced(void **state)
{
    struct paths *p = *state;
    FILE *f = fopen(p->key_tmp, "w");
    assert_non_null(f);
    fputs("half a key from a crash\n", f);
    fclose(f);

    generate(p);
    assert_false(exists(p->key_tmp));
    EVP_PKEY *key = load_key(p->key);
    EVP_PKEY_free(key);
}

static void test_unwritable_directory(void **state)
{
    (void)state;
    char err[512] = "";
    int created = -1;
    int rc = cert_ensure_self_signed("/nonexistent-dir/cert.pem", "/nonexistent-dir/key.pem",
                                     &created, err, sizeof err);
    assert_true(rc < 0);
    assert_int_equal(created, 0);
    assert_true(strlen(err) > 0);
    assert_non_null(strstr(err, "/nonexistent-dir/"));
    assert_int_equal(err[strlen(err) - 1], '.');
    assert_int_equal(ERR_peek_error(), 0);
}

/* What a client does with `--ca cert.pem`: trust the file, verify the chain
 * for an SSL server, and check the address it connected to. */
static void test_verifies_as_own_ca(void **state)
{
    struct paths *p = *state;
    generate(p);
    X509 *cert = load_cert(p->cert);

    const char *hosts[] = {"127.0.0.1", "::1", "localhost"};
    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
        X509_STORE *store = X509_STORE_new();
        assert_non_null(store);
        assert_int_equal(X509_STORE_add_cert(store, cert), 1);
        X509_STORE_CTX *ctx = X509_STORE_CTX_new();
        assert_non_null(ctx);
        assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
        assert_int_equal(X509_STORE_CTX_set_default(ctx, "ssl_server"), 1);
        X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx);
        if (strcmp(hosts[i], "localhost") == 0)
            assert_int_equal(X509_VERIFY_PARAM_set1_host(param, hosts[i], 0), 1);
        else
            assert_int_equal(X509_VERIFY_PARAM_set1_ip_asc(param, hosts[i]), 1);
        int ok = X509_verify_cert(ctx);
        if (ok != 1)
            print_error("verify %s: %s\n", hosts[i],
                        X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
        assert_int_equal(ok, 1);
        X509_STORE_CTX_free(ctx);
        X509_STORE_free(store);
    }

    /* A name the certificate does not carry must fail. */
    X509_STORE *store = X509_STORE_new();
    assert_non_null(store);
    assert_int_equal(X509_STORE_add_cert(store, cert), 1);
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    assert_non_null(ctx);
    assert_int_equal(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
    assert_int_equal(X509_VERIFY_PARAM_set1_ip_asc(X509_STORE_CTX_get0_param(ctx), "10.0.0.1"), 1);
    assert_int_not_equal(X509_verify_cert(ctx), 1);
    assert_int_equal(X509_STORE_CTX_get_error(ctx), X509_V_ERR_IP_ADDRESS_MISMATCH);
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    ERR_clear_error();

    X509_free(cert);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_second_call_keeps_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_cert_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_only_key_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_tmp_replaced, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_directory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_verifies_as_own_ca, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
