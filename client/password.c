#include "password.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "errors.h"

int password_read_stdin(char *out, size_t outlen, char *err, size_t errlen)
{
    if (fgets(out, (int)outlen, stdin) == NULL) {
        if (ferror(stdin)) {
            cas_errorf(err, errlen, "Cannot read the password from stdin: %s.", strerror(errno));
            return CAS_EIO;
        }
        cas_errorf(err, errlen, "No password on stdin; give it as one line.");
        return CAS_ENOTFOUND;
    }
    size_t n = strcspn(out, "\r\n");
    if (out[n] == '\0' && !feof(stdin)) {
        cas_errorf(err, errlen, "The password on stdin is longer than %d bytes.", PASSWORD_MAX);
        return CAS_ETOOBIG;
    }
    out[n] = '\0';
    return 0;
}

/* Reads a line on a terminal in raw mode: keys arrive one by one, so
 * Ctrl-C is a key we see (and answer by cancelling) rather than a signal. */
static int read_raw_line(int fd, char *out, size_t outlen, char *err, size_t errlen)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            cas_errorf(err, errlen, "The terminal closed before a password was entered.");
            return CAS_EIO;
        }
        if (c == '\r' || c == '\n')
            break;
        if (c == 3 || (c == 4 && n == 0)) { /* Ctrl-C, or Ctrl-D on an empty line */
            cas_errorf(err, errlen, "Cancelled; no password was entered.");
            return CAS_ECLOSED;
        }
        if (c == 127 || c == 8) { /* backspace: drop a whole UTF-8 character */
            while (n > 0 && (out[n - 1] & 0xC0) == 0x80)
                n--;
            if (n > 0)
                n--;
            continue;
        }
        if (c == 21) { /* Ctrl-U */
            n = 0;
            continue;
        }
        if ((unsigned char)c < 32)
            continue;
        if (n + 1 >= outlen) {
            cas_errorf(err, errlen, "The password is longer than %zu bytes.", outlen - 1);
            return CAS_ETOOBIG;
        }
        out[n++] = c;
    }
    out[n] = '\0';
    return 0;
}

int password_read(const char *prompt, char *out, size_t outlen, char *err, size_t errlen)
{
    if (!isatty(STDIN_FILENO))
        return password_read_stdin(out, outlen, err, errlen);
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        cas_errorf(err, errlen, "Cannot open the terminal to ask for the password: %s.",
                   strerror(errno));
        return CAS_EIO;
    }
    struct termios saved, raw;
    if (tcgetattr(fd, &saved) != 0) {
        cas_errorf(err, errlen, "Cannot read the terminal's settings: %s.", strerror(errno));
        close(fd);
        return CAS_EIO;
    }
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    int rc;
    if (write(fd, prompt, strlen(prompt)) < 0 || tcsetattr(fd, TCSAFLUSH, &raw) != 0) {
        cas_errorf(err, errlen, "Cannot prepare the terminal for the password: %s.",
                   strerror(errno));
        rc = CAS_EIO;
    } else {
        rc = read_raw_line(fd, out, outlen, err, errlen);
    }
    tcsetattr(fd, TCSAFLUSH, &saved);
    /* The Enter the person typed was not echoed; end the prompt's line. */
    ssize_t w = write(fd, "\n", 1);
    (void)w;
    close(fd);
    if (rc != 0)
        memset(out, 0, outlen);
    return rc;
}
