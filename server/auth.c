/* Accounts and sessions: the first administrator, logins, session tokens,
 * password changes, and the hashing jobs they share with admin.c. Password hashing is slow on
 * purpose, so it runs on libuv's thread pool and the loop keeps serving. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto.h"
#include "errors.h"
#include "handlers.h"
#include "log.h"
#include "presence.h"
#include "server.h"
#include "store.h"
#include "throttle.h"
#include "auth_internal.h"

int auth_throttle_init(struct server *s, char *err, size_t errlen)
{
    uint64_t seed[2];
    if (crypto_random_bytes(seed, sizeof seed) != 0) {
        cas_errorf(err, errlen, "Cannot read random bytes for the login throttle.");
        return CAS_EIO;
    }
    if (throttle_init(&s->login_by_name, LOGIN_THROTTLE_KEYS, LOGIN_FAILS_PER_NAME,
                      LOGIN_WINDOW_MS, seed[0]) != 0 ||
        throttle_init(&s->login_by_addr, LOGIN_THROTTLE_KEYS, LOGIN_FAILS_PER_ADDR,
                      LOGIN_WINDOW_MS, seed[1]) != 0) {
        throttle_free(&s->login_by_name);
        cas_errorf(err, errlen, "Cannot allocate the login throttle: out of memory.");
        return CAS_ENOMEM;
    }
    return 0;
}

/* The address part of "1.2.3.4:5" or "[::1]:5": one client whatever port
 * it comes from. */
static void peer_address(const char *peer, char *out, size_t outlen)
{
    const char *start = peer, *end = strrchr(peer, ':');
    if (peer[0] == '[') {
        start = peer + 1;
        end = strchr(start, ']');
    }
    size_t n = end != NULL ? (size_t)(end - start) : strlen(start);
    snprintf(out, outlen, "%.*s", (int)n, start);
}

static int64_t throttle_now(const struct server *s)
{
    return (int64_t)uv_now(s->loop);
}

/* Refuses (TOO_MANY_ATTEMPTS) a password check for name from addr while
 * either has used up its failures, and returns 1; otherwise counts the
 * attempt as failed until it proves right, and returns 0. */
static int throttle_refuses(struct conn *c, uint64_t request_id, const char *name,
                            const char *addr)
{
    struct server *s = c->server;
    int64_t now = throttle_now(s);
    int64_t wait = throttle_wait_ms(&s->login_by_name, name, now);
    int64_t wait_addr = throttle_wait_ms(&s->login_by_addr, addr, now);
    if (wait_addr > wait)
        wait = wait_addr;
    if (wait <= 0) {
        throttle_fail(&s->login_by_name, name, now);
        throttle_fail(&s->login_by_addr, addr, now);
        return 0;
    }
    char msg[96];
    snprintf(msg, sizeof msg, "Too many attempts; try again in %lld s.",
             (long long)((wait + 999) / 1000));
    log_info("conn %llu from %s: password check for '%s' refused for %lld ms (too many failures)",
             (unsigned long long)c->id, c->peer, name, (long long)wait);
    Cascade__V1__Error e = CASCADE__V1__ERROR__INIT;
    e.code = CASCADE__V1__ERROR_CODE__TOO_MANY_ATTEMPTS;
    e.message = msg;
    e.retry_after_ms = (uint32_t)wait;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ERROR;
    f.error = &e;
    conn_send(c, &f);
    return 1;
}

/* A password check that succeeded was no guess: the account starts afresh,
 * and the address gets back the attempt counted against it. */
static void throttle_succeeded(struct server *s, const struct kdf_job *job)
{
    throttle_reset(&s->login_by_name, job->name);
    throttle_forgive(&s->login_by_addr, job->addr, throttle_now(s));
}

/* Closes the open connections of a user, but except and those logged in
 * with keep_token (NULL: none kept): their sessions have just ended. */
void auth_close_sessions(struct server *s, int64_t user_id, const uint8_t *keep_token,
                           const struct conn *except, const char *reason)
{
    struct conn *next;
    for (struct conn *o = s->conns; o != NULL; o = next) {
        next = o->next;
        if (o == except || o->user_id != user_id)
            continue;
        if (keep_token != NULL && memcmp(o->token_hash, keep_token, sizeof o->token_hash) == 0)
            continue;
        conn_close(o, reason);
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

/* User names: what a person types in `--owner`, so plain and short. */
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

static void finish_login(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct server *s = c->server;
    if (job->result != 1 || job->user.id == 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "Wrong user name or password.");
        return;
    }
    /* The account may have changed while the password hashed: disabled, or
     * given a new password that this one no longer matches. */
    struct store_user now_user;
    if (store_user_by_id(s->store, job->user.id, &now_user) != 0 ||
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
    int64_t now = server_now_ms(), expires = now + s->cfg.token_ttl_s * 1000;
    if (crypto_random_bytes(raw, sizeof raw) != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not make a session token.");
        return;
    }
    crypto_hex(raw, sizeof raw, token);
    crypto_sha256(raw, sizeof raw, hash);
    /* Only the hash is kept: a copy of the database opens no sessions. */
    if (store_token_add(s->store, hash, job->user.id, now, expires) != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the session; try again later.");
        return;
    }
    c->user_id = job->user.id;
    snprintf(c->user, sizeof c->user, "%s", job->user.name);
    c->admin = job->user.admin;
    memcpy(c->token_hash, hash, sizeof hash);
    Cascade__V1__UserInfo info;
    auth_fill_user_info(&info, &job->user);
    Cascade__V1__LoginOk ok = CASCADE__V1__LOGIN_OK__INIT;
    ok.token = token;
    ok.expires_ms = expires;
    ok.user = &info;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = job->request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_LOGIN_OK;
    f.login_ok = &ok;
    conn_send(c, &f);
}

static void finish_add_user(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct server *s = c->server;
    if (job->result != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not hash the password.");
        return;
    }
    struct store_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", job->name);
    u.created_ms = server_now_ms();
    int rc = store_user_add(s->store, job->name, job->hash, 0, u.created_ms, &u.id);
    if (rc == CAS_EEXIST) {
        char msg[128];
        snprintf(msg, sizeof msg, "There is already a user named '%s'.", job->name);
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS, msg);
        return;
    }
    if (rc != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the user; try again later.");
        return;
    }
    log_info("user '%s' added by '%s'", job->name, c->user);
    Cascade__V1__UserInfo info;
    auth_fill_user_info(&info, &u);
    Cascade__V1__AdminUserAdded added = CASCADE__V1__ADMIN_USER_ADDED__INIT;
    added.user = &info;
    added.generated_password = job->generated ? job->password : (char *)"";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = job->request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ADMIN_USER_ADDED;
    f.admin_user_added = &added;
    conn_send(c, &f);
}

static void finish_change_password(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct server *s = c->server;
    if (job->result == 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "The current password is wrong; the password was not changed.");
        return;
    }
    if (job->result != 1) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not hash the password.");
        return;
    }
    int rc = store_user_set_password(s->store, job->user.id, job->new_hash, job->keep_token);
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
    auth_close_sessions(s, job->user.id, job->keep_token, c, "password changed");
    log_info("user '%s' changed their password; their other sessions ended", job->name);
    conn_send_ack(c, job->request_id, 0, NULL);
}

static void finish_set_password(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct server *s = c->server;
    if (job->result != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not hash the password.");
        return;
    }
    int rc = store_user_set_password(s->store, job->user.id, job->hash, NULL);
    struct store_user u;
    if (rc == 0)
        rc = store_user_by_id(s->store, job->user.id, &u);
    if (rc == CAS_ENOTFOUND) {
        char msg[160];
        snprintf(msg, sizeof msg, "There is no user named '%s'.", job->name);
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    if (rc != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the password; try again later.");
        return;
    }
    /* A new password is a fresh start: whoever was locked out by guesses
     * (perhaps the owner) may log in with it at once. */
    throttle_reset(&s->login_by_name, job->name);
    auth_close_sessions(s, u.id, NULL, c, "password reset by an administrator");
    log_info("password of '%s' set by '%s'; their sessions ended", job->name, c->user);
    Cascade__V1__UserInfo info;
    auth_fill_user_info(&info, &u);
    Cascade__V1__AdminUserAdded added = CASCADE__V1__ADMIN_USER_ADDED__INIT;
    added.user = &info;
    added.generated_password = job->generated ? job->password : (char *)"";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = job->request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ADMIN_USER_ADDED;
    f.admin_user_added = &added;
    conn_send(c, &f);
}

static void kdf_done(uv_work_t *req, int status)
{
    struct kdf_job *job = req->data;
    struct conn *c = job->conn;
    c->pending_work--;
    /* Counted even when the client left without waiting for the answer. */
    if (status == 0 && (job->kind == KDF_LOGIN || job->kind == KDF_CHANGE_PASSWORD) &&
        job->result == 1 && job->user.id != 0)
        throttle_succeeded(c->server, job);
    if (!c->closed && status == 0) {
        switch (job->kind) {
        case KDF_LOGIN:
            finish_login(job);
            break;
        case KDF_ADD_USER:
            finish_add_user(job);
            break;
        case KDF_CHANGE_PASSWORD:
            finish_change_password(job);
            break;
        case KDF_SET_PASSWORD:
            finish_set_password(job);
            break;
        }
    }
    if (c->closed)
        conn_release(c);
    memset(job->password, 0, sizeof job->password);
    memset(job->new_password, 0, sizeof job->new_password);
    free(job);
}

int auth_start_kdf(struct conn *c, struct kdf_job *job)
{
    job->conn = c;
    job->req.data = job;
    int rc = uv_queue_work(c->server->loop, &job->req, kdf_work, kdf_done);
    if (rc != 0) {
        conn_send_error(c, job->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not start hashing the password.");
        free(job);
        return CAS_EIO;
    }
    c->pending_work++;
    return 0;
}

void handle_login(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Login *m = f->login;
    struct server *s = c->server;
    if (strlen(m->password) > PASSWORD_MAX || strlen(m->user) > OKR_NAME_MAX) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "Wrong user name or password.");
        return;
    }
    struct kdf_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server is out of memory.");
        return;
    }
    job->kind = KDF_LOGIN;
    job->request_id = f->request_id;
    snprintf(job->name, sizeof job->name, "%s", m->user);
    peer_address(c->peer, job->addr, sizeof job->addr);
    if (throttle_refuses(c, f->request_id, job->name, job->addr)) {
        free(job);
        return;
    }
    snprintf(job->password, sizeof job->password, "%s", m->password);
    if (store_user_by_name(s->store, m->user, &job->user) == 0) {
        memcpy(job->hash, job->user.password_hash, sizeof job->hash - 1);
    } else {
        /* Hash anyway, so an unknown name takes as long as a wrong password. */
        job->user.id = 0;
        snprintf(job->hash, sizeof job->hash, "%s", s->dummy_hash);
    }
    auth_start_kdf(c, job);
}

void handle_authenticate(struct conn *c, const WireFrame *f)
{
    struct server *s = c->server;
    uint8_t raw[TOKEN_BYTES], hash[32];
    int64_t user_id, expires;
    if (crypto_unhex(f->authenticate->token, raw, sizeof raw) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "That session token is not valid; log in again.");
        return;
    }
    crypto_sha256(raw, sizeof raw, hash);
    if (store_token_get(s->store, hash, &user_id, &expires) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "That session is unknown or was logged out; log in again.");
        return;
    }
    if (expires <= server_now_ms()) {
        store_token_delete(s->store, hash);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__TOKEN_EXPIRED,
                        "The session has expired; log in again.");
        return;
    }
    struct store_user u;
    if (store_user_by_id(s->store, user_id, &u) != 0 || u.disabled) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "This account is disabled; ask the server's administrator.");
        return;
    }
    c->user_id = u.id;
    snprintf(c->user, sizeof c->user, "%s", u.name);
    c->admin = u.admin;
    memcpy(c->token_hash, hash, sizeof hash);
    auth_send_user_info(c, f->request_id, &u);
}

void handle_logout(struct conn *c, const WireFrame *f)
{
    struct server *s = c->server;
    int rc = f->logout->all ? store_token_delete_user(s->store, c->user_id)
                            : store_token_delete(s->store, c->token_hash);
    if (rc != 0 && rc != CAS_ENOTFOUND) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not end the session; try again later.");
        return;
    }
    /* Logged out, the connection leaves the workshops it was watching. */
    presence_drop(c);
    c->user_id = 0;
    c->user[0] = '\0';
    c->admin = 0;
    conn_send_ack(c, f->request_id, 0, NULL);
}

void handle_whoami(struct conn *c, const WireFrame *f)
{
    struct store_user u;
    if (store_user_by_id(c->server->store, c->user_id, &u) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "Your account is gone; log in again.");
        return;
    }
    auth_send_user_info(c, f->request_id, &u);
}

void handle_change_password(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__ChangePassword *m = f->change_password;
    struct server *s = c->server;
    size_t plen = strlen(m->new_password);
    if (plen < PASSWORD_MIN || plen > PASSWORD_MAX) {
        char err[96];
        snprintf(err, sizeof err, "A password has %d to %d characters.", PASSWORD_MIN,
                 PASSWORD_MAX);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    if (strlen(m->old_password) > PASSWORD_MAX) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__AUTH_FAILED,
                        "The current password is wrong; the password was not changed.");
        return;
    }
    struct kdf_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server is out of memory.");
        return;
    }
    job->kind = KDF_CHANGE_PASSWORD;
    job->request_id = f->request_id;
    if (store_user_by_id(s->store, c->user_id, &job->user) != 0) {
        free(job);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_AUTHENTICATED,
                        "Your account is gone; log in again.");
        return;
    }
    snprintf(job->name, sizeof job->name, "%s", job->user.name);
    peer_address(c->peer, job->addr, sizeof job->addr);
    /* A stolen session must not become a way to guess the password. */
    if (throttle_refuses(c, f->request_id, job->name, job->addr)) {
        free(job);
        return;
    }
    memcpy(job->hash, job->user.password_hash, sizeof job->hash - 1);
    memcpy(job->keep_token, c->token_hash, sizeof job->keep_token);
    snprintf(job->password, sizeof job->password, "%s", m->old_password);
    snprintf(job->new_password, sizeof job->new_password, "%s", m->new_password);
    auth_start_kdf(c, job);
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

int auth_bootstrap(struct server *s, char *err, size_t errlen)
{
    /* Unknown names are checked against this, to take as long as known ones. */
    if (crypto_password_decoy(s->dummy_hash) != 0) {
        cas_errorf(err, errlen, "Cannot read random bytes for a password hash.");
        return CAS_EIO;
    }
    int64_t count;
    int rc = store_user_count(s->store, &count);
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
    if ((rc = store_user_add(s->store, "admin", hash, 1, server_now_ms(), &id)) != 0) {
        cas_errorf(err, errlen, "Cannot create the administrator account: %s.", cas_strerror(rc));
        return rc;
    }
    if ((rc = write_password_file(s->data.path, password, path, sizeof path, err, errlen)) != 0)
        return rc;
    log_info("created the administrator account 'admin' with password %s (also in %s); "
             "log in with 'cascade login --user admin'",
             password, path);
    return 0;
}
