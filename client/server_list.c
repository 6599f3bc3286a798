#include "server_list.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"

/* One entry of a list of several, checked; i counts from 0. */
static int parse_entry(const char *entry, size_t len, size_t i, struct server_list *out,
                       char *err, size_t errlen)
{
    char one[ADDR_TEXT_MAX], why[512];
    if (len == 0) {
        cas_errorf(err, errlen, "Entry %zu of the server list is empty; write the servers as "
                   "HOST:PORT,HOST:PORT with nothing between the commas.", i + 1);
        return CAS_EINVAL;
    }
    if (len >= sizeof one) {
        cas_errorf(err, errlen, "Entry %zu of the server list, '%.40s...', is too long for "
                   "HOST:PORT.", i + 1, entry);
        return CAS_EINVAL;
    }
    memcpy(one, entry, len);
    one[len] = '\0';
    if (i >= SERVER_LIST_MAX) {
        cas_errorf(err, errlen, "The server list names more than %d servers; entry %zu, '%s', "
                   "is one too many.", SERVER_LIST_MAX, i + 1, one);
        return CAS_EINVAL;
    }
    if (addr_parse(one, &out->addr[i], why, sizeof why) != 0) {
        cas_errorf(err, errlen, "Entry %zu of the server list is not valid: %s", i + 1, why);
        return CAS_EINVAL;
    }
    if (out->addr[i].port == 0) {
        cas_errorf(err, errlen, "Entry %zu of the server list, '%s', has port 0; a server's "
                   "port cannot be 0.", i + 1, one);
        return CAS_EINVAL;
    }
    addr_spec_format(&out->addr[i], out->text[i], sizeof out->text[i]);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(out->text[j], out->text[i]) == 0) {
            cas_errorf(err, errlen, "Entry %zu of the server list, '%s', names the same server "
                       "as entry %zu; list each server once.", i + 1, one, j + 1);
            return CAS_EINVAL;
        }
    }
    return 0;
}

int server_list_parse(const char *text, struct server_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (strchr(text, ',') == NULL) {
        /* One server: the sentences it always had. */
        if (addr_parse(text, &out->addr[0], err, errlen) != 0)
            return CAS_EINVAL;
        if (out->addr[0].port == 0) {
            cas_errorf(err, errlen, "The server's port cannot be 0.");
            return CAS_EINVAL;
        }
        addr_spec_format(&out->addr[0], out->text[0], sizeof out->text[0]);
        out->n = 1;
        return 0;
    }
    size_t i = 0;
    for (const char *p = text;; p++, i++) {
        size_t len = strcspn(p, ",");
        /* "a:7447, b:7447" as a person may write it: blanks around an
         * entry are not part of it. */
        const char *entry = p + strspn(p, " \t");
        size_t elen = len - (size_t)(entry - p); /* the comma is no blank */
        while (elen > 0 && (entry[elen - 1] == ' ' || entry[elen - 1] == '\t'))
            elen--;
        if (parse_entry(entry, elen, i, out, err, errlen) != 0) {
            out->n = 0;
            return CAS_EINVAL;
        }
        p += len;
        if (*p == '\0')
            break;
    }
    out->n = i + 1;
    return 0;
}

void server_list_format(const struct server_list *l, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return;
    out[0] = '\0';
    for (size_t i = 0; i < l->n && used < outlen; i++) {
        int w = snprintf(out + used, outlen - used, "%s%s", i > 0 ? "," : "", l->text[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int server_list_find(const struct server_list *l, const char *server)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->text[i], server) == 0)
            return (int)i;
    return -1;
}

size_t server_list_at(const struct server_list *l, size_t first, size_t k)
{
    return l->n == 0 ? 0 : (first + k) % l->n;
}
