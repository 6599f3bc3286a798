/* What the account handlers share (handle_auth.c: logins, sessions,
 * passwords; handle_admin.c: the administrator's user commands): the one
 * password hashing job, which runs on libuv's thread pool, the login
 * throttle, and small helpers. */
#ifndef CASCADE_PASSWORD_JOB_H
#define CASCADE_PASSWORD_JOB_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "addr.h"
#include "conn.h"
#include "crypto.h"
#include "store.h"

#define TOKEN_BYTES 32
#define PASSWORD_MIN 8
#define PASSWORD_MAX 256
#define GENERATED_PASSWORD_LEN 16

/* Guessing passwords. One account from one client address gets 5 failed
 * checks a minute, and one address 20 over all accounts; past either, that
 * address is refused without hashing until its minute is over, while the
 * account's owner elsewhere logs in as usual: wrong passwords from one
 * place must not lock a person out everywhere. Only a storm from many
 * addresses at once, 50 failures of one account in 10 minutes, refuses the
 * account everywhere (for the rest of those 10 minutes): a slower curve
 * that an attacker needs at least ten addresses to reach. An attempt counts
 * as failed from its start, so pipelined guesses cannot all slip in while
 * the first ones hash; a success takes it back. */
#define LOGIN_FAILS_PER_PAIR 5
#define LOGIN_FAILS_PER_ADDR 20
#define LOGIN_WINDOW_MS 60000
#define LOGIN_FAILS_PER_NAME 50
#define LOGIN_NAME_WINDOW_MS 600000
#define LOGIN_THROTTLE_KEYS 4096

/* Guessing join codes, counted like passwords (net/guess.h): an unknown
 * code is a failure. docs/SECURITY.md has what these rates leave an
 * attacker against codes of 10 characters. */
#define JOIN_FAILS_PER_PAIR 5
#define JOIN_FAILS_PER_ADDR 20
#define JOIN_WINDOW_MS 60000
#define JOIN_FAILS_PER_NAME 50
#define JOIN_NAME_WINDOW_MS 600000

enum kdf_kind {
    KDF_LOGIN,           /* check password against hash */
    KDF_ADD_USER,        /* hash password into hash */
    KDF_CHANGE_PASSWORD, /* check password against hash, then hash new_password */
    KDF_SET_PASSWORD,    /* hash password into hash, for an existing user */
};

/* A password hashing job; owns copies of everything the thread touches. */
struct kdf_job {
    uv_work_t req;
    enum kdf_kind kind;
    struct conn *conn;
    uint64_t request_id;
    char name[OKR_NAME_MAX + 1];
    char addr[ADDR_TEXT_MAX];   /* login, change: the client's address, throttled */
    char password[PASSWORD_MAX + 1];
    char new_password[PASSWORD_MAX + 1]; /* change: the one to set */
    char hash[CRYPTO_HASH_MAX]; /* login, change: the stored hash; add, set: the new one */
    char new_hash[CRYPTO_HASH_MAX]; /* change: the hash of new_password */
    struct store_user user;     /* login: the account (id 0: unknown name); change, set: the user */
    uint8_t keep_token[32];     /* change: the session that stays logged in */
    int generated;              /* add, set: the server chose the password */
    int result;                 /* login, change: 1 match, 0 not, <0 error; add, set: 0 or an error */
    /* Answers the request on the loop once the hash is done, unless the
     * connection has closed meanwhile or the hashing failed (then the job
     * answers INTERNAL itself). */
    void (*finish)(struct kdf_job *job);
};

/* A job of kind answering request_id with finish (malloc'd, zeroed).
 * NULL after answering INTERNAL when out of memory. */
struct kdf_job *password_job_new(struct conn *c, uint64_t request_id, enum kdf_kind kind,
                                 void (*finish)(struct kdf_job *job));

/* Puts the password to hash into job: given, or when given is "" one the
 * server generates (job->generated). 0; otherwise the request has been
 * answered and job freed. */
int password_job_take(struct conn *c, struct kdf_job *job, const char *given);

/* 0 when password has PASSWORD_MIN to PASSWORD_MAX characters (or is ""
 * and may_be_empty); otherwise answers INVALID_ARGUMENT and returns
 * CAS_EINVAL. */
int password_check_length(struct conn *c, uint64_t request_id, const char *password,
                          int may_be_empty);

/* The loop's clock, in ms, for the throttles. */
int64_t auth_now(const struct conn *c);

/* Answers request_id with TOO_MANY_ATTEMPTS (and logs what was tried, for
 * name from c's address) while g refuses them, and returns 1; otherwise 0. */
int auth_guess_refused(struct conn *c, struct guess_throttle *g, uint64_t request_id,
                       const char *name, const char *what);

/* Refuses a password check for name from c's address as auth_guess_refused
 * does, and returns 1; otherwise counts the attempt as failed until it
 * proves right, and returns 0. */
int password_throttle_refuses(struct conn *c, uint64_t request_id, const char *name);



/* Queues job (from password_job_new; freed when done) on the thread pool
 * for c. job->finish answers from the loop; a connection that closes
 * meanwhile is kept in memory until the job is done. 0, or CAS_EIO after
 * answering INTERNAL. */
int password_job_start(struct conn *c, struct kdf_job *job);

/* Tells c its session ended and why ("Your session ended (REASON); log in
 * again." in a GoingAway), then closes it. */
void auth_end_session(struct conn *c, const char *reason);

/* Closes the open connections of a user, but except and those logged in
 * with keep_token (NULL: none kept): their sessions have just ended. The
 * other nodes of a shared database close theirs too (but keep_token's). */
void auth_close_sessions(struct live *l, int64_t user_id, const uint8_t *keep_token,
                         const struct conn *except, const char *reason);
/* The same on this node only (what another node's notice does here). */
void auth_close_local_sessions(struct net *n, int64_t user_id, const uint8_t *keep_token,
                               const struct conn *except, const char *reason);

/* A UserInfo message borrowing u's strings. */
void auth_fill_user_info(Cascade__V1__UserInfo *info, const struct store_user *u);

/* Answers request_id with u as a UserInfo. */
void auth_send_user_info(struct conn *c, uint64_t request_id, const struct store_user *u);

/* User names: what a person types in `--owner`, so plain and short. */
int auth_check_user_name(const char *name, char *err, size_t errlen);

#endif
