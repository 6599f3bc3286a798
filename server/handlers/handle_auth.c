/* Accounts and sessions: the first administrator, logins, session tokens,
 * password changes. Password hashing is slow on purpose, so it runs on
 * libuv's thread pool (password_job.h) and the loop keeps serving. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cadence_timer.h"
#include "clock.h"
#include "counters.h"
#include "crypto.h"
#include "errors.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "password_job.h"
#include "presence.h"
#include "store.h"

static void finish_login(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct live *l = c->live;
    if (job->result != 1 || job->user.id == 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "Wrong user name or password.");
        return;
    }
    /* The account may have changed while the password hashed: disabled, or
     * given a new password that this one no longer matches. */
    struct store_user now_user;
    if (store_user_by_id(l->store, job->user.id, &now_user) != 0 ||
        strcmp(now_user.password_hash, job->hash) != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "Wrong user name or password.");
        return;
    }
    job->user = now_user;
    if (job->user.disabled) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "This account is disabled; ask the server's administrator.");
        return;
    }
    uint8_t raw[TOKEN_BYTES], hash[32];
    char token[2 * TOKEN_BYTES + 1];
    int64_t now = clock_now_ms(), expires = now + l->cfg.token_ttl_s * 1000;
    if (crypto_random_bytes(raw, sizeof raw) != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not make a session token.");
        return;
    }
    crypto_hex(raw, sizeof raw, token);
    crypto_sha256(raw, sizeof raw, hash);
    /* Only the hash is kept: a copy of the database opens no sessions. */
    if (store_token_add(l->store, hash, job->user.id, now, expires) != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the session; try again later.");
        return;
    }
    conn_log_in(c, job->user.id, job->user.name, job->user.admin, hash);
    counters_add(&COUNTERS.logins, 1);
    Cascade__V1__UserInfo info;
    auth_fill_user_info(&info, &job->user);
    Cascade__V1__LoginOk ok = CASCADE__V1__LOGIN_OK__INIT;
    ok.token = token;
    ok.expires_ms = expires;
    ok.user = &info;
    /* The moment a person starts: what they owe is worth a word. */
    ok.checkins_due = cadence_due_count(l, job->user.id, job->user.name, clock_now_ms());
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = job->request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_LOGIN_OK;
    f.login_ok = &ok;
    conn_send(c, &f);
}

static void finish_change_password(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct live *l = c->live;
    if (job->result == 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "The current password is wrong; the password was not changed.");
        return;
    }
    int rc = store_user_set_password(l->store, job->user.id, job->new_hash, job->keep_token);
    session_memo_forget(l->sessions, NULL, job->user.id);
    if (rc == CAS_ENOTFOUND) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "Your account is gone; log in again.");
        return;
    }
    if (rc != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the password; try again later.");
        return;
    }
    auth_close_sessions(c->live, job->user.id, job->keep_token, c, "password changed");
    log_info("user '%s' changed their password; their other sessions ended", job->name);
    conn_send_ack(c, job->request_id, 0, NULL);
}

void handle_login(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Login *m = f->login;
    struct live *l = c->live;
    if (strlen(m->password) > PASSWORD_MAX || strlen(m->user) > OKR_NAME_MAX) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "Wrong user name or password.");
        return;
    }
    struct kdf_job *job = password_job_new(c, f->request_id, KDF_LOGIN, finish_login);
    if (job == NULL)
        return;
    snprintf(job->name, sizeof job->name, "%s", m->user);
    snprintf(job->addr, sizeof job->addr, "%s", c->ip);
    if (password_throttle_refuses(c, f->request_id, job->name)) {
        free(job);
        return;
    }
    snprintf(job->password, sizeof job->password, "%s", m->password);
    if (store_user_by_name(l->store, m->user, &job->user) == 0) {
        memcpy(job->hash, job->user.password_hash, sizeof job->hash - 1);
    } else {
        /* Hash anyway, so an unknown name takes as long as a wrong password. */
        job->user.id = 0;
        snprintf(job->hash, sizeof job->hash, "%s", l->decoy_hash);
    }
    password_job_start(c, job);
}

void handle_authenticate(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    uint8_t raw[TOKEN_BYTES], hash[32];
    int64_t user_id, expires;
    if (crypto_unhex(f->authenticate->token, raw, sizeof raw) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "That session token is not valid; log in again.");
        return;
    }
    crypto_sha256(raw, sizeof raw, hash);
    struct store_user u;
    int rc = store_token_get(l->store, hash, &user_id, &expires);
    if (rc == CAS_ESTORAGE) {
        /* The database is away: a session seen lately may go on reading. */
        if (session_memo_get(l->sessions, hash, &u, &expires) == 0 &&
            expires > clock_now_ms()) {
            conn_log_in(c, u.id, u.name, u.admin, hash);
            auth_send_user_info(c, f->request_id, &u);
            return;
        }
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server cannot reach its database to check your session just now; "
                        "try again in a moment.");
        return;
    }
    if (rc != 0) {
        session_memo_forget(l->sessions, hash, 0);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "That session is unknown or was logged out; log in again.");
        return;
    }
    if (expires <= clock_now_ms()) {
        store_token_delete(l->store, hash);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__TOKEN_EXPIRED,
                        "The session has expired; log in again.");
        return;
    }
    rc = store_user_by_id(l->store, user_id, &u);
    if (rc == CAS_ESTORAGE) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server cannot reach its database to check your session just now; "
                        "try again in a moment.");
        return;
    }
    if (rc != 0 || u.disabled) {
        session_memo_forget(l->sessions, hash, 0);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "This account is disabled; ask the server's administrator.");
        return;
    }
    session_memo_put(&l->sessions, hash, &u, expires);
    conn_log_in(c, u.id, u.name, u.admin, hash);
    auth_send_user_info(c, f->request_id, &u);
}

/* Closes the other connections logged in with c's session token. */
static void close_token_sessions(struct conn *c, const char *reason)
{
    struct conn *next;
    for (struct conn *o = c->net->conns; o != NULL; o = next) {
        next = o->next;
        if (o != c && o->user_id == c->user_id &&
            memcmp(o->token_hash, c->token_hash, sizeof o->token_hash) == 0)
            auth_end_session(o, reason);
    }
}

void handle_logout(struct conn *c, const WireFrame *f)
{
    struct live *l = c->live;
    int rc = f->logout->all ? store_token_delete_user(l->store, c->user_id)
                            : store_token_delete(l->store, c->token_hash);
    session_memo_forget(l->sessions, f->logout->all ? NULL : c->token_hash, c->user_id);
    if (rc != 0 && rc != CAS_ENOTFOUND) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not end the session; try again later.");
        return;
    }
    /* The sessions ended: connections still logged in with them (a watch,
     * a live view) are closed now rather than when they next reconnect.
     * This one stays open, logged out. */
    if (f->logout->all)
        auth_close_sessions(c->live, c->user_id, NULL, c, "logged out everywhere");
    else
        close_token_sessions(c, "logged out");
    /* Logged out, the connection leaves the workshops it was watching. */
    presence_drop(c);
    conn_log_out(c);
    conn_send_ack(c, f->request_id, 0, NULL);
}

void handle_whoami(struct conn *c, const WireFrame *f)
{
    struct store_user u;
    if (store_user_by_id(c->live->store, c->user_id, &u) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "Your account is gone; log in again.");
        return;
    }
    auth_send_user_info(c, f->request_id, &u);
}

void handle_change_password(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__ChangePassword *m = f->change_password;
    struct live *l = c->live;
    if (password_check_length(c, f->request_id, m->new_password, 0) != 0)
        return;
    if (strlen(m->old_password) > PASSWORD_MAX) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "The current password is wrong; the password was not changed.");
        return;
    }
    struct kdf_job *job =
        password_job_new(c, f->request_id, KDF_CHANGE_PASSWORD, finish_change_password);
    if (job == NULL)
        return;
    if (store_user_by_id(l->store, c->user_id, &job->user) != 0) {
        free(job);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "Your account is gone; log in again.");
        return;
    }
    snprintf(job->name, sizeof job->name, "%s", job->user.name);
    snprintf(job->addr, sizeof job->addr, "%s", c->ip);
    /* A stolen session must not become a way to guess the password. */
    if (password_throttle_refuses(c, f->request_id, job->name)) {
        free(job);
        return;
    }
    memcpy(job->hash, job->user.password_hash, sizeof job->hash - 1);
    memcpy(job->keep_token, c->token_hash, sizeof job->keep_token);
    snprintf(job->password, sizeof job->password, "%s", m->old_password);
    snprintf(job->new_password, sizeof job->new_password, "%s", m->new_password);
    password_job_start(c, job);
}

/* Writes the first administrator's password where only the operator reads it. */
static int write_password_file(const char *dir, const char *password, char *path, size_t pathlen,
                               char *err, size_t errlen)
{
    snprintf(path, pathlen, "%s/initial-admin-password", dir);
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", path, strerror(errno));
        return CAS_EIO;
    }
    char line[64];
    int n = snprintf(line, sizeof line, "%s\n", password);
    int ok = write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        cas_errorf(err, errlen, "Cannot write %s: %s.", path, strerror(errno));
        return CAS_EIO;
    }
    return 0;
}

int auth_bootstrap(struct live *l, const char *data_dir, char *err, size_t errlen)
{
    /* Unknown names are checked against this, to take as long as known ones. */
    if (crypto_password_decoy(l->decoy_hash) != 0) {
        cas_errorf(err, errlen, "Cannot read random bytes for a password hash.");
        return CAS_EIO;
    }
    int64_t count;
    int rc = store_user_count(l->store, &count);
    if (rc != 0 || count > 0) {
        if (rc != 0)
            cas_errorf(err, errlen, "Cannot read the users from the database.");
        return rc;
    }
    char password[GENERATED_PASSWORD_LEN + 1], hash[CRYPTO_HASH_MAX], path[PATH_MAX + 32];
    if (crypto_random_readable(password, GENERATED_PASSWORD_LEN) != 0 ||
        crypto_password_hash(password, 0, hash) != 0) {
        cas_errorf(err, errlen, "Cannot make the administrator's password.");
        return CAS_EIO;
    }
    int64_t id;
    rc = store_user_add(l->store, "admin", hash, 1, clock_now_ms(), &id);
    if (rc == CAS_EEXIST) {
        /* Another node sharing the database made it a moment ago. */
        log_info("the administrator account 'admin' was created by another node; its password"
                 " is in that node's data directory");
        return 0;
    }
    if (rc != 0) {
        cas_errorf(err, errlen, "Cannot create the administrator account: %s.", cas_strerror(rc));
        return rc;
    }
    if ((rc = write_password_file(data_dir, password, path, sizeof path, err, errlen)) != 0)
        return rc;
    /* The password goes to the 0600 file only: logs are often collected
     * and read by more people than the operator. */
    log_info("created the administrator account 'admin'; its password is in %s, readable "
             "only by this user; log in with 'cascade login --user admin'",
             path);
    return 0;
}
