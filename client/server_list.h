/* The servers a client may use, as --server or CASCADE_SERVER give them:
 * "HOST:PORT" or a comma list "HOST:PORT,HOST:PORT,...", tried in that
 * order. Every server is one HOST:PORT to verify, pin and log in to on its
 * own; the list only says they serve the same workshops. */
#ifndef CASCADE_SERVER_LIST_H
#define CASCADE_SERVER_LIST_H

#include <stddef.h>

#include "addr.h"

/* The most servers a list may name. */
#define SERVER_LIST_MAX 16
/* Room for a list written back as text (server_list_format). */
#define SERVER_LIST_TEXT_MAX (SERVER_LIST_MAX * ADDR_TEXT_MAX)

struct server_list {
    size_t n; /* 1..SERVER_LIST_MAX once parsed */
    struct addr_spec addr[SERVER_LIST_MAX];
    char text[SERVER_LIST_MAX][ADDR_TEXT_MAX]; /* each as addr_spec_format writes it */
};

/* Parses text into out. Every entry must be HOST:PORT (addr_parse) with a
 * port other than 0; an empty entry, a server named twice or more than
 * SERVER_LIST_MAX entries are refused too; blanks around the entries of a
 * list are not part of them. 0, or CAS_EINVAL with one
 * sentence in err naming the entry at fault. A single entry gives the
 * sentences a single address always gave. */
int server_list_parse(const char *text, struct server_list *out, char *err, size_t errlen);

/* Writes the list back as "HOST:PORT,HOST:PORT" (one server: "HOST:PORT"). */
void server_list_format(const struct server_list *l, char *out, size_t outlen);

/* The position of server ("HOST:PORT" as addr_spec_format writes it) in
 * the list, or -1 when it is not there. */
int server_list_find(const struct server_list *l, const char *server);

/* The k-th server to try when trying starts at first: the list read from
 * first on, going round (k and first taken modulo the list's length). */
size_t server_list_at(const struct server_list *l, size_t first, size_t k);

#endif
