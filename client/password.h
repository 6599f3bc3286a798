/* Reading a password without showing it: one line from stdin when stdin is
 * not a terminal (scripts pipe it in), or a prompt on the terminal with echo
 * off. */
#ifndef CASCADE_PASSWORD_H
#define CASCADE_PASSWORD_H

#include <stddef.h>

/* Longest password accepted, in bytes. */
#define PASSWORD_MAX 1024

/* Reads one line from stdin (without its line ending) into out. 0;
 * CAS_ENOTFOUND when stdin is empty; CAS_ETOOBIG when the line does not fit;
 * CAS_EIO. A sentence in err for each failure. */
int password_read_stdin(char *out, size_t outlen, char *err, size_t errlen);

/* Reads a password: from stdin as above when stdin is not a terminal,
 * otherwise by printing prompt on /dev/tty and reading a line there with
 * echo off. The terminal's settings are restored on every path, including
 * Ctrl-C, which cancels the prompt (CAS_ECLOSED) rather than killing the
 * process with echo still off. */
int password_read(const char *prompt, char *out, size_t outlen, char *err, size_t errlen);

#endif
