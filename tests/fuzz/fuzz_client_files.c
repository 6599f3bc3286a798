/* libFuzzer target for the client's own files, which anything with write
 * access to the configuration directory (or a careless edit) can fill with
 * any bytes: credentials, known_servers and config, all read through
 * linefile.c. The input is the file's content, written to a private
 * temporary file; then every reader runs on it and every writer rewrites
 * it, and what they report must hold together:
 * - each line linefile_each hands out has a non-empty key without blanks
 *   and a rest without newlines or blanks at either end;
 * - a lookup finds only what linefile_each saw, with bounded outputs;
 * - after a store, the lookup returns exactly what was stored, and the
 *   other lines (those of other keys) are still there.
 * Any breach calls abort(). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "credentials.h"
#include "errors.h"
#include "known_servers.h"
#include "linefile.h"
#include "settings.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SERVER "127.0.0.1:7447"

static char dir[64];

static void check(int ok)
{
    if (!ok)
        abort();
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    check(f != NULL);
    check(fwrite(data, 1, size, f) == size);
    check(fclose(f) == 0);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

struct seen {
    int lines;
    int server_lines;   /* lines whose key is SERVER */
    int other_lines;    /* lines of any other key */
};

static int on_line(void *ctx, const char *key, const char *rest)
{
    struct seen *s = ctx;
    size_t klen = strlen(key), rlen = strlen(rest);
    check(klen > 0 && klen < LINEFILE_LINE_MAX && rlen < LINEFILE_LINE_MAX);
    for (size_t i = 0; i < klen; i++)
        check(!is_blank(key[i]) && key[i] != '\n');
    check(strchr(rest, '\n') == NULL);
    check(rlen == 0 || (!is_blank(rest[0]) && !is_blank(rest[rlen - 1])));
    s->lines++;
    if (strcmp(key, SERVER) == 0)
        s->server_lines++;
    else
        s->other_lines++;
    return 0;
}

static void remove_dir(void)
{
    rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (dir[0] == '\0') {
        /* Each run rewrites a file with fsync: in memory (tmpfs) that costs
         * nothing, on a disk it limits the target to a few hundred runs a
         * second. */
        snprintf(dir, sizeof dir, "/dev/shm/cascade-fuzz-files-XXXXXX");
        if (mkdtemp(dir) == NULL) {
            snprintf(dir, sizeof dir, "/tmp/cascade-fuzz-files-XXXXXX");
            check(mkdtemp(dir) != NULL);
        }
        atexit(remove_dir);
    }
    char path[128], err[512];
    snprintf(path, sizeof path, "%s/state", dir);
    write_file(path, data, size);

    struct seen before = {0};
    check(linefile_each(path, on_line, &before) == 0);

    char user[CREDENTIALS_USER_MAX], token[CREDENTIALS_TOKEN_MAX];
    int rc = credentials_lookup(path, SERVER, user, sizeof user, token, sizeof token);
    check(rc == 0 || rc == CAS_ENOTFOUND);
    if (rc == 0)
        check(before.server_lines > 0 && token[0] != '\0' && strlen(token) < sizeof token);

    char fingerprint[256];
    rc = known_servers_lookup(path, SERVER, fingerprint, sizeof fingerprint);
    check(rc == 0 || rc == CAS_ENOTFOUND);
    if (rc == 0)
        check(before.server_lines > 0 && strchr(fingerprint, ' ') == NULL);

    char value[LINEFILE_LINE_MAX];
    rc = settings_get(path, SETTINGS_WORKSHOP, value, sizeof value);
    check(rc == 0 || rc == CAS_ENOTFOUND);

    /* A store over whatever the file held: it must read back exactly, and
     * leave every other key's lines in place. */
    rc = credentials_store(path, SERVER, "alice", "0123abcd", err, sizeof err);
    check(rc == 0);
    check(credentials_lookup(path, SERVER, user, sizeof user, token, sizeof token) == 0);
    check(strcmp(user, "alice") == 0 && strcmp(token, "0123abcd") == 0);
    struct seen after = {0};
    check(linefile_each(path, on_line, &after) == 0);
    check(after.server_lines == 1 && after.other_lines == before.other_lines);

    check(credentials_remove(path, SERVER, err, sizeof err) == 0);
    check(credentials_lookup(path, SERVER, user, sizeof user, token, sizeof token) ==
          CAS_ENOTFOUND);
    unlink(path);
    return 0;
}
