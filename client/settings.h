/* The client's preferences in CONFIG/config, one "KEY VALUE" per line. The
 * one used so far is "workshop CODE": the default workshop that
 * 'cascade use' and 'cascade join' choose. Also the spelling rules of join
 * codes, which people type from a screen or a chat message. */
#ifndef CASCADE_SETTINGS_H
#define CASCADE_SETTINGS_H

#include <stddef.h>

/* The key of the default workshop. */
#define SETTINGS_WORKSHOP "workshop"

/* Longest join code accepted, after normalising. */
#define SETTINGS_CODE_MAX 32

/* Reads the value of key from the config file. 0 with the value in out;
 * CAS_ENOTFOUND when it is not set (or there is no file); CAS_EIO. */
int settings_get(const char *file, const char *key, char *out, size_t outlen);

/* Sets key to value (a single line), replacing any earlier value and
 * keeping the other lines. 0, CAS_EINVAL or CAS_EIO with a sentence in err. */
int settings_set(const char *file, const char *key, const char *value, char *err, size_t errlen);

/* Normalises a join code as a person may type it: case-insensitive, with
 * dashes and spaces ignored ("abcd-efgh" → "ABCDEFGH"). 0 with the code in
 * out; CAS_EINVAL with a sentence in err when nothing is left, it is longer
 * than SETTINGS_CODE_MAX, or it holds anything but letters and digits. */
int settings_code_normalise(const char *text, char *out, size_t outlen, char *err, size_t errlen);

#endif
