/* Network addresses written as HOST:PORT, with [v6]:PORT for IPv6 literals. */
#ifndef CASCADE_ADDR_H
#define CASCADE_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDR_HOST_MAX 256
#define ADDR_TEXT_MAX (ADDR_HOST_MAX + 16)
/* Room for a numeric socket address as addr_format writes it: an IPv6
 * literal of at most 45 characters, brackets, a colon and a port. */
#define ADDR_NUMERIC_MAX 64

struct addr_spec {
    char host[ADDR_HOST_MAX]; /* without brackets */
    uint16_t port;
};

/* Parses "host:port", "[v6]:port". The port must be 0..65535 (0 asks the
 * system for a free one when listening). 0, or CAS_EINVAL with a reason. */
int addr_parse(const char *text, struct addr_spec *out, char *err, size_t errlen);

/* Resolves spec to a socket address (the first one the resolver gives).
 * 0, or CAS_ENOTFOUND with a reason in err. */
int addr_resolve(const struct addr_spec *spec, struct sockaddr_storage *out,
                 char *err, size_t errlen);

/* Writes "1.2.3.4:5" or "[::1]:5" into out (ADDR_TEXT_MAX bytes). */
void addr_format(const struct sockaddr *sa, char *out, size_t outlen);

/* Writes spec back as text, bracketing IPv6 literals. */
void addr_spec_format(const struct addr_spec *spec, char *out, size_t outlen);

/* Whether host is an IPv4 or IPv6 literal rather than a name. */
int addr_is_ip_literal(const char *host);

#endif
