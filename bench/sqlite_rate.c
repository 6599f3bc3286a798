/* sqlite-rate: how many durable 100-row transactions SQLite itself commits
 * per second on one disk.
 *
 * The server appends every batch of edits to its event log in one
 * transaction, in WAL mode with synchronous=FULL (its default `--sync full`),
 * so each commit waits for an fsync of the log. That fsync, not the server's
 * own code, bounds how many durable batches a second the server can commit;
 * this program measures the bound on its own, with no server in the way, so
 * that the server's figures can be read against it. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* About the size of one edit's encoded payload in the server's event log. */
#define BODY_BYTES 150
/* Edits spread over a few workshops, as several would be in a real log. */
#define WORKSHOPS 10

/* Set by Ctrl-C: the run ends early, and the database is still removed. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

struct options {
    const char *dir;
    double seconds;
    unsigned rows;
    int json;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: sqlite-rate [--dir DIR] [--seconds S] [--rows N] [--json]\n"
            "\n"
            "Commits transactions of N rows (default 100) to a fresh SQLite database\n"
            "in DIR (default: the current directory) for S seconds (default 5), in WAL\n"
            "mode with synchronous=FULL as cascaded does, and prints the rate. The\n"
            "database is removed at the end.\n");
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 0 when the whole of text is a number in (0, max]. */
static int parse_seconds(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !(v > 0) || v > 86400)
        return -1;
    *out = v;
    return 0;
}

static int parse_rows(const char *text, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v == 0 || v > 1000000)
        return -1;
    *out = (unsigned)v;
    return 0;
}

/* 0, or 2 (the exit status for bad flags) after saying what is wrong. */
static int parse_args(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"dir", required_argument, NULL, 'd'},  {"seconds", required_argument, NULL, 's'},
        {"rows", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
    };
    *o = (struct options){".", 5.0, 100, 0};
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'd':
            o->dir = optarg;
            break;
        case 's':
            if (parse_seconds(optarg, &o->seconds) != 0) {
                fprintf(stderr, "sqlite-rate: --seconds wants a positive number, not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'r':
            if (parse_rows(optarg, &o->rows) != 0) {
                fprintf(stderr, "sqlite-rate: --rows wants a whole number from 1 to 1000000,"
                                " not '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 'j':
            o->json = 1;
            break;
        case 'h':
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sqlite-rate: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }
    return 0;
}

/* Runs one statement with no result rows; 0 or -1 after saying why. */
static int exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "sqlite-rate: %s: %s\n", sql, msg != NULL ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* Asks for WAL and checks that SQLite granted it: on some network file
 * systems it quietly keeps the rollback journal, and the figure would then
 * measure something the server refuses to run on. */
static int use_wal(sqlite3 *db, const char *path)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite-rate: PRAGMA journal_mode: %s\n", sqlite3_errmsg(db));
        return -1;
    }
    int rc = -1;
    if (sqlite3_step(st) == SQLITE_ROW) {
        const unsigned char *mode = sqlite3_column_text(st, 0);
        if (mode != NULL && strcmp((const char *)mode, "wal") == 0)
            rc = 0;
        else
            fprintf(stderr,
                    "sqlite-rate: %s cannot use write-ahead logging (journal mode stays %s);"
                    " use a directory on a local file system\n",
                    path, mode != NULL ? (const char *)mode : "unknown");
    } else {
        fprintf(stderr, "sqlite-rate: PRAGMA journal_mode: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    return rc;
}

/* Removes the database and whatever files SQLite kept beside it. */
static void remove_database(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        if (unlink(name) != 0 && errno != ENOENT)
            fprintf(stderr, "sqlite-rate: could not remove %s: %s\n", name, strerror(errno));
    }
}

struct result {
    uint64_t transactions;
    double seconds;
};

/* The measured loop: BEGIN, `rows` inserts through one prepared statement,
 * COMMIT, until `seconds` have passed. Each COMMIT is a durable fsync. */
static int run(sqlite3 *db, const struct options *o, struct result *res)
{
    /* Shaped like the server's event log (WITHOUT ROWID, keyed by workshop
     * and sequence), so that the b-tree work per row is comparable. */
    if (exec(db, "CREATE TABLE events ("
                 "  workshop INTEGER NOT NULL,"
                 "  seq INTEGER NOT NULL,"
                 "  time_ms INTEGER NOT NULL,"
                 "  body BLOB NOT NULL,"
                 "  PRIMARY KEY (workshop, seq)) WITHOUT ROWID") != 0)
        return -1;

    sqlite3_stmt *begin = NULL, *commit = NULL, *insert = NULL;
    int rc = -1;
    /* BEGIN IMMEDIATE as the server does: it takes the write lock up front. */
    if (sqlite3_prepare_v2(db, "BEGIN IMMEDIATE", -1, &begin, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "COMMIT", -1, &commit, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO events (workshop, seq, time_ms, body) VALUES (?,?,?,?)",
                           -1, &insert, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite-rate: preparing statements: %s\n", sqlite3_errmsg(db));
        goto out;
    }

    /* Bytes that do not compress or repeat, like an encoded edit. */
    unsigned char body[BODY_BYTES];
    uint32_t x = 2463534242u;
    for (size_t i = 0; i < sizeof body; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        body[i] = (unsigned char)x;
    }

    sqlite3_int64 seq[WORKSHOPS] = {0};
    uint64_t txns = 0, row = 0;
    double start = now_s(), now = start;
    while (now - start < o->seconds && !interrupted) {
        if (sqlite3_step(begin) != SQLITE_DONE)
            goto step_failed;
        sqlite3_reset(begin);
        for (unsigned i = 0; i < o->rows; i++, row++) {
            unsigned w = (unsigned)(row % WORKSHOPS);
            /* Vary the body a little so no two rows are identical. */
            memcpy(body, &row, sizeof row);
            sqlite3_bind_int64(insert, 1, (sqlite3_int64)w + 1);
            sqlite3_bind_int64(insert, 2, ++seq[w]);
            sqlite3_bind_int64(insert, 3, (sqlite3_int64)(now * 1000));
            sqlite3_bind_blob(insert, 4, body, (int)sizeof body, SQLITE_STATIC);
            if (sqlite3_step(insert) != SQLITE_DONE)
                goto step_failed;
            sqlite3_reset(insert);
        }
        if (sqlite3_step(commit) != SQLITE_DONE)
            goto step_failed;
        sqlite3_reset(commit);
        txns++;
        now = now_s();
    }
    res->transactions = txns;
    res->seconds = now - start;
    rc = 0;
    goto out;

step_failed:
    fprintf(stderr, "sqlite-rate: writing: %s\n", sqlite3_errmsg(db));
out:
    sqlite3_finalize(begin);
    sqlite3_finalize(commit);
    sqlite3_finalize(insert);
    return rc;
}

int main(int argc, char **argv)
{
    struct options o;
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc;

    struct stat sb;
    if (stat(o.dir, &sb) != 0) {
        fprintf(stderr, "sqlite-rate: %s: %s\n", o.dir, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(sb.st_mode)) {
        fprintf(stderr, "sqlite-rate: %s is not a directory\n", o.dir);
        return 1;
    }
    if (access(o.dir, W_OK | X_OK) != 0) {
        fprintf(stderr, "sqlite-rate: cannot create files in %s: %s\n", o.dir, strerror(errno));
        return 1;
    }

    /* A fresh file of our own, so that an earlier run's pages or WAL do not
     * count, and nothing of anyone else's is touched. SQLite treats an empty
     * file as an empty database. */
    char path[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/sqlite-rate-XXXXXX", o.dir) >= (int)sizeof path) {
        fprintf(stderr, "sqlite-rate: the directory name is too long\n");
        return 1;
    }
    int fd = mkstemp(path);
    if (fd < 0) {
        fprintf(stderr, "sqlite-rate: cannot create a database in %s: %s\n", o.dir,
                strerror(errno));
        return 1;
    }
    close(fd);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    sqlite3 *db = NULL;
    struct result res = {0, 0};
    rc = 1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "sqlite-rate: opening %s: %s\n", path,
                db != NULL ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    if (use_wal(db, path) != 0 || exec(db, "PRAGMA synchronous = FULL") != 0 ||
        run(db, &o, &res) != 0)
        goto done;
    rc = 0;

done:
    sqlite3_close(db);
    remove_database(path);
    if (rc != 0)
        return rc;

    double txn_per_s = res.seconds > 0 ? (double)res.transactions / res.seconds : 0;
    double rows_per_s = txn_per_s * o.rows;
    if (o.json)
        printf("{\"rows_per_txn\":%u,\"txn_per_s\":%.1f,\"rows_per_s\":%.1f,\"seconds\":%.3f}\n",
               o.rows, txn_per_s, rows_per_s, res.seconds);
    else
        printf("sqlite-rate: %.1f transactions/s of %u row%s, %.0f rows/s"
               " (WAL, synchronous=FULL, %llu commits in %.2f s in %s)\n",
               txn_per_s, o.rows, o.rows == 1 ? "" : "s", rows_per_s,
               (unsigned long long)res.transactions, res.seconds, o.dir);
    return 0;
}
