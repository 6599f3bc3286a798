#include "password_job.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "errors.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "store.h"

int auth_throttle_init(struct net *n, char *err, size_t errlen)
{
    static const struct guess_limits LOGINS = {
        .per_pair = LOGIN_FAILS_PER_PAIR,
        .per_addr = LOGIN_FAILS_PER_ADDR,
        .window_ms = LOGIN_WINDOW_MS,
        .per_name = LOGIN_FAILS_PER_NAME,
        .name_window_ms = LOGIN_NAME_WINDOW_MS,
    };
    static const struct guess_limits JOINS = {
        .per_pair = JOIN_FAILS_PER_PAIR,
        .per_addr = JOIN_FAILS_PER_ADDR,
        .window_ms = JOIN_WINDOW_MS,
        .per_name = JOIN_FAILS_PER_NAME,
        .name_window_ms = JOIN_NAME_WINDOW_MS,
    };
    uint64_t seeds[6];
    if (crypto_random_bytes(seeds, sizeof seeds) != 0) {
        cas_errorf(err, errlen, "Cannot read random bytes for the guessing throttles.");
        return CAS_EIO;
    }
    if (guess_throttle_init(&n->logins, &LOGINS, LOGIN_THROTTLE_KEYS, seeds) != 0 ||
        guess_throttle_init(&n->joins, &JOINS, LOGIN_THROTTLE_KEYS, seeds + 3) != 0) {
        guess_throttle_free(&n->logins);
        cas_errorf(err, errlen, "Cannot allocate the guessing throttles: out of memory.");
        return CAS_ENOMEM;
    }
    return 0;
}

int64_t auth_now(const struct conn *c)
{
    return (int64_t)uv_now(c->net->loop);
}

int auth_guess_refused(struct conn *c, struct guess_throttle *g, uint64_t request_id,
                       const char *name, const char *what)
{
    enum guess_refusal why;
    int64_t wait = guess_throttle_wait(g, name, c->ip, auth_now(c), &why);
    if (wait <= 0)
        return 0;
    char msg[96];
    snprintf(msg, sizeof msg, "Too many attempts; try again in %lld s.",
             (long long)((wait + 999) / 1000));
    log_info("conn %llu from %s: %s for '%s' refused for %lld ms (too many failures %s)",
             (unsigned long long)c->id, c->peer, what, name, (long long)wait,
             guess_refusal_words(why));
    conn_send_retry_after(c, request_id, CASCADE__V1__ERROR_CODE__TOO_MANY_ATTEMPTS, msg,
                          (uint64_t)wait);
    return 1;
}

int password_throttle_refuses(struct conn *c, uint64_t request_id, const char *name)
{
    if (auth_guess_refused(c, &c->net->logins, request_id, name, "password check"))
        return 1;
    guess_throttle_fail(&c->net->logins, name, c->ip, auth_now(c));
    cluster_share_guess(c->live, GUESS_FAILED, GUESS_LOGIN, name, c->ip);
    return 0;
}

void auth_end_session(struct conn *c, const char *reason)
{
    char why[200];
    snprintf(why, sizeof why, "Your session ended (%s); log in again.", reason);
    conn_send_going_away(c, why);
    conn_close(c, reason);
}

void auth_close_sessions(struct live *l, int64_t user_id, const uint8_t *keep_token,
                         const struct conn *except, const char *reason)
{
    /* The other nodes end theirs too (`except` is one of this node's). */
    cluster_share_sessions_end(l, user_id, keep_token, reason);
    auth_close_local_sessions(l->net, user_id, keep_token, except, reason);
}

void auth_close_local_sessions(struct net *n, int64_t user_id, const uint8_t *keep_token,
                               const struct conn *except, const char *reason)
{
    struct conn *next;
    for (struct conn *o = n->conns; o != NULL; o = next) {
        next = o->next;
        if (o == except || o->user_id != user_id)
            continue;
        if (keep_token != NULL && memcmp(o->token_hash, keep_token, sizeof o->token_hash) == 0)
            continue;
        auth_end_session(o, reason);
    }
}

void auth_fill_user_info(Cascade__V1__UserInfo *info, const struct store_user *u)
{
    cascade__v1__user_info__init(info);
    info->name = (char *)u->name;
    info->admin = u->admin;
    info->disabled = u->disabled;
    info->created_ms = u->created_ms;
}

void auth_send_user_info(struct conn *c, uint64_t request_id, const struct store_user *u)
{
    Cascade__V1__UserInfo info;
    auth_fill_user_info(&info, u);
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_USER_INFO;
    f.user_info = &info;
    conn_send(c, &f);
}

int auth_check_user_name(const char *name, char *err, size_t errlen)
{
    size_t n = strlen(name);
    if (n == 0 || n > 32) {
        cas_errorf(err, errlen, "A user name has 1 to 32 characters.");
        return CAS_EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        int alnum = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
        if (!alnum && (i == 0 || (ch != '.' && ch != '_' && ch != '-'))) {
            cas_errorf(err, errlen,
                       "A user name uses letters, digits, '.', '_' and '-', and starts with a "
                       "letter or digit.");
            return CAS_EINVAL;
        }
    }
    return 0;
}

static void kdf_work(uv_work_t *req)
{
    struct kdf_job *job = req->data;
    switch (job->kind) {
    case KDF_LOGIN:
        job->result = crypto_password_verify(job->password, job->hash);
        break;
    case KDF_CHANGE_PASSWORD:
        job->result = crypto_password_verify(job->password, job->hash);
        if (job->result == 1 && crypto_password_hash(job->new_password, 0, job->new_hash) != 0)
            job->result = CAS_EIO;
        break;
    case KDF_ADD_USER:
    case KDF_SET_PASSWORD:
        job->result = crypto_password_hash(job->password, 0, job->hash);
        break;
    }
    crypto_thread_done();
}

/* Whether hashing itself failed (out of memory, no random bytes), which no
 * finish can mend: a login's failure reads as a wrong password instead. */
static int hashing_failed(const struct kdf_job *job)
{
    switch (job->kind) {
    case KDF_ADD_USER:
    case KDF_SET_PASSWORD:
        return job->result != 0;
    case KDF_CHANGE_PASSWORD:
        return job->result < 0;
    case KDF_LOGIN:
        break;
    }
    return 0;
}

static void kdf_done(uv_work_t *req, int status)
{
    struct kdf_job *job = req->data;
    struct conn *c = job->conn;
    c->pending_work--;
    /* Counted even when the client left without waiting for the answer. */
    if (status == 0 && (job->kind == KDF_LOGIN || job->kind == KDF_CHANGE_PASSWORD) &&
        job->result == 1 && job->user.id != 0) {
        guess_throttle_succeeded(&c->net->logins, job->name, job->addr, auth_now(c));
        cluster_share_guess(c->live, GUESS_RIGHT, GUESS_LOGIN, job->name, job->addr);
    }
    if (!c->closed && status == 0 && hashing_failed(job))
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not hash the password.");
    else if (!c->closed && status == 0)
        job->finish(job);
    if (c->closed)
        conn_release(c);
    memset(job->password, 0, sizeof job->password);
    memset(job->new_password, 0, sizeof job->new_password);
    free(job);
}

int password_job_start(struct conn *c, struct kdf_job *job)
{
    assert(job->finish != NULL);
    job->conn = c;
    job->req.data = job;
    int rc = uv_queue_work(c->net->loop, &job->req, kdf_work, kdf_done);
    if (rc != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not start hashing the password.");
        free(job);
        return CAS_EIO;
    }
    c->pending_work++;
    return 0;
}


struct kdf_job *password_job_new(struct conn *c, uint64_t request_id, enum kdf_kind kind,
                                 void (*finish)(struct kdf_job *job))
{
    struct kdf_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        conn_send_no_memory(c, request_id, NULL);
        return NULL;
    }
    job->kind = kind;
    job->request_id = request_id;
    job->finish = finish;
    return job;
}

int password_job_take(struct conn *c, struct kdf_job *job, const char *given)
{
    if (given[0] != '\0') {
        snprintf(job->password, sizeof job->password, "%s", given);
        return 0;
    }
    job->generated = 1;
    if (crypto_random_readable(job->password, GENERATED_PASSWORD_LEN) == 0)
        return 0;
    conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                    "The server could not generate a password.");
    free(job);
    return CAS_EIO;
}

int password_check_length(struct conn *c, uint64_t request_id, const char *password,
                          int may_be_empty)
{
    size_t len = strlen(password);
    if ((len == 0 && may_be_empty) || (len >= PASSWORD_MIN && len <= PASSWORD_MAX))
        return 0;
    char err[96];
    snprintf(err, sizeof err, "A password has %d to %d characters.", PASSWORD_MIN, PASSWORD_MAX);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
    return CAS_EINVAL;
}
