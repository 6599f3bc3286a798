#include "errors.h"

#include <stdarg.h>
#include <stdio.h>

const char *cas_strerror(int err)
{
    switch (err) {
    case CAS_OK: return "success";
    case CAS_ENOMEM: return "out of memory";
    case CAS_EINVAL: return "invalid input";
    case CAS_EIO: return "input/output error";
    case CAS_ETLS: return "TLS error";
    case CAS_ETOOBIG: return "too large";
    case CAS_ECLOSED: return "connection closed";
    case CAS_ETIMEDOUT: return "timed out";
    case CAS_ENOTFOUND: return "not found";
    case CAS_EMISMATCH: return "mismatch";
    case CAS_EOVERFLOW: return "queue full";
    case CAS_EEXIST: return "already exists";
    case CAS_ESTORAGE: return "storage error";
    default: return "unknown error";
    }
}

void cas_errorf(char *buf, size_t len, const char *fmt, ...)
{
    if (buf == NULL || len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}
