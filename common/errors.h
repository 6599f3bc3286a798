/* Error codes returned by every module: 0 is success, a negative CAS_E* a
 * failure. Details a person will read go to a caller-supplied buffer. */
#ifndef CASCADE_ERRORS_H
#define CASCADE_ERRORS_H

#include <stddef.h>

enum {
    CAS_OK = 0,
    CAS_ENOMEM = -1,      /* out of memory, or over an allocation budget */
    CAS_EINVAL = -2,      /* malformed input or argument */
    CAS_EIO = -3,         /* a system call or file operation failed */
    CAS_ETLS = -4,        /* the TLS layer failed or the peer broke the protocol */
    CAS_ETOOBIG = -5,     /* a length over its limit */
    CAS_ECLOSED = -6,     /* the peer closed the connection */
    CAS_ETIMEDOUT = -7,   /* a deadline passed */
    CAS_ENOTFOUND = -8,   /* no such thing */
    CAS_EMISMATCH = -9,   /* a value differs from the one expected */
    CAS_EOVERFLOW = -10,  /* a bounded queue is full */
    CAS_EEXIST = -11,     /* it exists already */
    CAS_ESTORAGE = -12,   /* the database failed (disk full, I/O error, corruption) */
};

/* A short English description of a CAS_E* code, for logs. */
const char *cas_strerror(int err);

/* Formats into buf (of size len) like snprintf, always NUL-terminated; a NULL
 * buf is allowed and ignored, so callers may pass an optional error buffer. */
void cas_errorf(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
