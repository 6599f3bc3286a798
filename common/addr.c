#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

int addr_parse(const char *text, struct addr_spec *out, char *err, size_t errlen)
{
    const char *host = text, *host_end, *colon;
    if (text == NULL || *text == '\0') {
        cas_errorf(err, errlen, "The address is empty; write it as HOST:PORT.");
        return CAS_EINVAL;
    }
    if (text[0] == '[') {
        host = text + 1;
        host_end = strchr(host, ']');
        if (host_end == NULL || host_end[1] != ':') {
            cas_errorf(err, errlen, "The address '%s' is not valid; write an IPv6 address as [ADDR]:PORT.", text);
            return CAS_EINVAL;
        }
        colon = host_end + 1;
    } else {
        colon = strrchr(text, ':');
        if (colon == NULL) {
            cas_errorf(err, errlen, "The address '%s' has no port; write it as HOST:PORT.", text);
            return CAS_EINVAL;
        }
        host_end = colon;
        if (memchr(text, ':', (size_t)(colon - text)) != NULL) {
            cas_errorf(err, errlen, "The address '%s' is ambiguous; write an IPv6 address as [ADDR]:PORT.", text);
            return CAS_EINVAL;
        }
    }
    size_t hlen = (size_t)(host_end - host);
    if (hlen == 0 || hlen >= sizeof out->host) {
        cas_errorf(err, errlen, "The address '%s' has an empty or over-long host.", text);
        return CAS_EINVAL;
    }
    const char *port = colon + 1;
    char *end;
    errno = 0;
    long p = strtol(port, &end, 10);
    if (*port < '0' || *port > '9' || *end != '\0' || errno != 0 || p > 65535) {
        cas_errorf(err, errlen, "The port in '%s' must be a number from 0 to 65535.", text);
        return CAS_EINVAL;
    }
    memcpy(out->host, host, hlen);
    out->host[hlen] = '\0';
    out->port = (uint16_t)p;
    return 0;
}

int addr_resolve(const struct addr_spec *spec, struct sockaddr_storage *out,
                 char *err, size_t errlen)
{
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)spec->port);
    int rc = getaddrinfo(spec->host, port, &hints, &res);
    if (rc != 0 || res == NULL) {
        cas_errorf(err, errlen, "Cannot resolve host '%s': %s.", spec->host, gai_strerror(rc));
        return CAS_ENOTFOUND;
    }
    memset(out, 0, sizeof *out);
    memcpy(out, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

void addr_format(const struct sockaddr *sa, char *out, size_t outlen)
{
    char host[INET6_ADDRSTRLEN] = "?";
    unsigned port = 0;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
        inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
        port = ntohs(in->sin_port);
        snprintf(out, outlen, "%s:%u", host, port);
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
        port = ntohs(in6->sin6_port);
        snprintf(out, outlen, "[%s]:%u", host, port);
    } else {
        snprintf(out, outlen, "unknown");
    }
}

void addr_spec_format(const struct addr_spec *spec, char *out, size_t outlen)
{
    if (strchr(spec->host, ':') != NULL)
        snprintf(out, outlen, "[%s]:%u", spec->host, (unsigned)spec->port);
    else
        snprintf(out, outlen, "%s:%u", spec->host, (unsigned)spec->port);
}

int addr_is_ip_literal(const char *host)
{
    unsigned char tmp[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, tmp) == 1 || inet_pton(AF_INET6, host, tmp) == 1;
}
