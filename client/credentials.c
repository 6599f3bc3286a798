#include "credentials.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "errors.h"
#include "linefile.h"

/* The rest of a line is "USER... TOKEN": the token is the last field, so a
 * user name with a space in it still parses. */
static int split_rest(char *rest, char **user, char **token)
{
    char *sp = strrchr(rest, ' '), *tab = strrchr(rest, '\t');
    if (tab != NULL && (sp == NULL || tab > sp))
        sp = tab;
    if (sp == NULL || sp == rest || sp[1] == '\0')
        return -1;
    *token = sp + 1;
    while (sp > rest && (sp[-1] == ' ' || sp[-1] == '\t'))
        sp--;
    *sp = '\0';
    *user = rest;
    return 0;
}

int credentials_check_private(const char *file, char *err, size_t errlen)
{
    struct stat st;
    if (stat(file, &st) != 0 || (st.st_mode & 077) == 0)
        return 0;
    cas_errorf(err, errlen,
               "Permissions %04o for %s are too open: it holds session tokens, which must be "
               "readable by you alone. Run 'chmod 600 %s' (and log in again if others may have "
               "read it).",
               (unsigned)(st.st_mode & 07777), file, file);
    return CAS_EINVAL;
}

int credentials_lookup(const char *file, const char *server, char *user, size_t userlen,
                       char *token, size_t tokenlen)
{
    char rest[LINEFILE_LINE_MAX];
    int rc = linefile_find(file, server, rest, sizeof rest);
    if (rc != 0)
        return rc;
    char *u, *t;
    if (split_rest(rest, &u, &t) != 0)
        return CAS_ENOTFOUND;
    snprintf(user, userlen, "%s", u);
    snprintf(token, tokenlen, "%s", t);
    return 0;
}

int credentials_store(const char *file, const char *server, const char *user, const char *token,
                      char *err, size_t errlen)
{
    if (user[0] == '\0' || strpbrk(user, "\r\n") != NULL || strlen(user) >= CREDENTIALS_USER_MAX ||
        token[0] == '\0' || strpbrk(token, " \t\r\n") != NULL ||
        strlen(token) >= CREDENTIALS_TOKEN_MAX) {
        cas_errorf(err, errlen, "The session for %s cannot be stored: its user name or token "
                   "does not fit on one line.", server);
        return CAS_EINVAL;
    }
    char line[LINEFILE_LINE_MAX];
    int n = snprintf(line, sizeof line, "%s %s %s\n", server, user, token);
    if (n < 0 || (size_t)n >= sizeof line) {
        cas_errorf(err, errlen, "The session for %s is too long to store.", server);
        return CAS_EINVAL;
    }
    int removed;
    return linefile_replace(file, server, line, &removed, err, errlen);
}

int credentials_remove(const char *file, const char *server, char *err, size_t errlen)
{
    int rc = linefile_remove(file, server, err, errlen);
    if (rc == CAS_ENOTFOUND)
        cas_errorf(err, errlen, "No session is stored for %s.", server);
    return rc;
}
