/* The server's TLS certificate: a self-signed one made on first start when
 * the operator gives none. Includes OpenSSL in its .c only. */
#ifndef CASCADE_CERT_H
#define CASCADE_CERT_H

#include <stddef.h>

/* Makes sure cert_path and key_path exist. When both exist they are left as
 * they are. When neither exists, generates an ECDSA P-256 key and a
 * self-signed X.509 v3 certificate valid for 825 days, with subject CN
 * "cascaded" and subjectAltNames DNS:localhost, IP:127.0.0.1, IP:::1 and
 * DNS:<this host's name>; the key file is created with mode 0600 and both
 * files are written to a temporary name and renamed into place, so a crash
 * never leaves half a file. When only one exists, refuses (CAS_EINVAL): the
 * operator must fix that by hand rather than have a key silently replaced.
 * Sets *created to 1 when it generated the pair. 0 on success, or a negative
 * CAS_E* code with a full sentence in err. */
int cert_ensure_self_signed(const char *cert_path, const char *key_path, int *created,
                            char *err, size_t errlen);

#endif
