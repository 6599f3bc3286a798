/* The administrator's user commands: add, list, reset a password, disable,
 * enable. The session lets only the administrator send them (requests.def's
 * ADMIN access); password hashing goes through password_job.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "backup_job.h"
#include "clock.h"
#include "errors.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "okr.h"
#include "password_job.h"
#include "throttle.h"

/* Answers an add or a password reset with the user and, when the server
 * chose it, the new password. */
static void send_user_added(struct kdf_job *job, const struct store_user *u)
{
    Cascade__V1__UserInfo info;
    auth_fill_user_info(&info, u);
    Cascade__V1__AdminUserAdded added = CASCADE__V1__ADMIN_USER_ADDED__INIT;
    added.user = &info;
    added.generated_password = job->generated ? job->password : (char *)"";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = job->request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ADMIN_USER_ADDED;
    f.admin_user_added = &added;
    conn_send(job->conn, &f);
}

static void finish_add_user(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct live *l = c->live;
    struct store_user u;
    memset(&u, 0, sizeof u);
    snprintf(u.name, sizeof u.name, "%s", job->name);
    u.created_ms = clock_now_ms();
    int rc = store_user_add(l->store, job->name, job->hash, 0, u.created_ms, &u.id);
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
    send_user_added(job, &u);
}

static void finish_set_password(struct kdf_job *job)
{
    struct conn *c = job->conn;
    struct live *l = c->live;
    int rc = store_user_set_password(l->store, job->user.id, job->hash, NULL);
    session_memo_forget(l->sessions, NULL, job->user.id);
    struct store_user u;
    if (rc == 0)
        rc = store_user_by_id(l->store, job->user.id, &u);
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
    guess_throttle_reset_name(&c->net->logins, job->name);
    cluster_share_guess(c->live, GUESS_RESET, GUESS_LOGIN, job->name, "-");
    auth_close_sessions(c->live, u.id, NULL, c, "password reset by an administrator");
    log_info("password of '%s' set by '%s'; their sessions ended", job->name, c->user);
    send_user_added(job, &u);
}

void handle_admin_user_add(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserAdd *m = f->admin_user_add;
    char err[256];
    if (auth_check_user_name(m->name, err, sizeof err) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    if (password_check_length(c, f->request_id, m->password, 1) != 0)
        return;
    struct store_user existing;
    if (store_user_by_name(c->live->store, m->name, &existing) == 0) {
        snprintf(err, sizeof err, "There is already a user named '%s'.", m->name);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS, err);
        return;
    }
    struct kdf_job *job = password_job_new(c, f->request_id, KDF_ADD_USER, finish_add_user);
    if (job == NULL)
        return;
    snprintf(job->name, sizeof job->name, "%s", m->name);
    if (password_job_take(c, job, m->password) == 0)
        password_job_start(c, job);
}

/* The user an administrator's request names; otherwise answers NOT_FOUND
 * and returns non-zero. */
static int named_user(struct conn *c, uint64_t request_id, const char *name,
                      struct store_user *out)
{
    int rc = strlen(name) <= OKR_NAME_MAX ? store_user_by_name(c->live->store, name, out)
                                          : CAS_ENOTFOUND;
    if (rc == 0)
        return 0;
    char msg[320], quoted[160];
    if (rc == CAS_ENOTFOUND) {
        okr_text_quote(name, 40, quoted, sizeof quoted);
        snprintf(msg, sizeof msg, "There is no user named '%s'; 'cascade admin user list' "
                                  "shows them.", quoted);
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
    } else {
        conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not read the users; try again later.");
    }
    return rc;
}

void handle_admin_user_passwd(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserPasswd *m = f->admin_user_passwd;
    if (password_check_length(c, f->request_id, m->password, 1) != 0)
        return;
    struct kdf_job *job =
        password_job_new(c, f->request_id, KDF_SET_PASSWORD, finish_set_password);
    if (job == NULL)
        return;
    if (named_user(c, f->request_id, m->name, &job->user) != 0) {
        free(job);
        return;
    }
    snprintf(job->name, sizeof job->name, "%s", job->user.name);
    if (password_job_take(c, job, m->password) == 0)
        password_job_start(c, job);
}

void handle_admin_user_disable(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserDisable *m = f->admin_user_disable;
    struct live *l = c->live;
    struct store_user u;
    if (named_user(c, f->request_id, m->name, &u) != 0)
        return;
    char msg[200];
    if (u.id == c->user_id) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "You cannot disable your own account; ask another administrator.");
        return;
    }
    int64_t admins = 0;
    int rc = u.admin && !u.disabled ? store_user_count_admins(l->store, &admins) : 0;
    if (rc == 0 && u.admin && !u.disabled && admins <= 1) {
        snprintf(msg, sizeof msg,
                 "'%s' is the last enabled administrator, so the server would have none; "
                 "make another administrator first.", u.name);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    if (rc == 0)
        rc = store_user_disable(l->store, u.id);
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not disable the user; try again later.");
        return;
    }
    u.disabled = 1;
    session_memo_forget(l->sessions, NULL, u.id);
    auth_close_sessions(c->live, u.id, NULL, NULL, "account disabled");
    log_info("user '%s' disabled by '%s'; their sessions ended", u.name, c->user);
    auth_send_user_info(c, f->request_id, &u);
}

void handle_admin_user_enable(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserEnable *m = f->admin_user_enable;
    struct store_user u;
    if (named_user(c, f->request_id, m->name, &u) != 0)
        return;
    if (u.disabled && store_user_enable(c->live->store, u.id) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not enable the user; try again later.");
        return;
    }
    if (u.disabled)
        log_info("user '%s' enabled by '%s'", u.name, c->user);
    u.disabled = 0;
    auth_send_user_info(c, f->request_id, &u);
}

struct user_list {
    Cascade__V1__UserInfo *infos;
    Cascade__V1__UserInfo **ptrs;
    struct store_user *users;
    size_t n, cap;
};

static int collect_user(void *ctx, const struct store_user *u)
{
    struct user_list *l = ctx;
    int rc = ARRAY_GROW(l->users, l->cap, l->n + 1);
    if (rc == 0)
        l->users[l->n++] = *u;
    return rc;
}

void handle_admin_user_list(struct conn *c, const WireFrame *f)
{
    struct user_list l = {0};
    int rc = store_user_each(c->live->store, collect_user, &l);
    if (rc == 0 && l.n > 0) {
        l.infos = calloc(l.n, sizeof *l.infos);
        l.ptrs = calloc(l.n, sizeof *l.ptrs);
        if (l.infos == NULL || l.ptrs == NULL)
            rc = CAS_ENOMEM;
    }
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server could not list the users.");
    } else {
        for (size_t i = 0; i < l.n; i++) {
            auth_fill_user_info(&l.infos[i], &l.users[i]);
            l.ptrs[i] = &l.infos[i];
        }
        Cascade__V1__AdminUserListReply reply = CASCADE__V1__ADMIN_USER_LIST_REPLY__INIT;
        reply.n_users = l.n;
        reply.users = l.ptrs;
        WireFrame out = CASCADE__V1__FRAME__INIT;
        out.request_id = f->request_id;
        out.body_case = CASCADE__V1__FRAME__BODY_ADMIN_USER_LIST_REPLY;
        out.admin_user_list_reply = &reply;
        conn_send(c, &out);
    }
    free(l.infos);
    free(l.ptrs);
    free(l.users);
}

/* The longest drain an administrator may ask for, and the default. */
#define ADMIN_DRAIN_MAX_S 3600
#define ADMIN_DRAIN_DEFAULT_S 60
#define ADMIN_DRAIN_REASON_MAX 200

void handle_admin_drain(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminDrain *m = f->admin_drain;
    char err[256];
    if (m->within_s > ADMIN_DRAIN_MAX_S) {
        snprintf(err, sizeof err, "A drain lasts at most %d seconds (one hour), not %u.",
                 ADMIN_DRAIN_MAX_S, m->within_s);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    if (handlers_check_text(c, f->request_id, m->reason, "The reason", ADMIN_DRAIN_REASON_MAX,
                            0) != 0)
        return;
    struct live *l = c->live;
    uint32_t within = m->within_s != 0 ? m->within_s : ADMIN_DRAIN_DEFAULT_S;
    const char *reason =
        m->reason[0] != '\0' ? m->reason : "The server is being drained for maintenance.";
    log_info("drain asked by '%s' (%u s): %s", c->user, within, reason);
    /* The answer goes first: the drain's notice follows it on this
     * connection as on every other. */
    conn_send_ack(c, f->request_id, 0, "");
    if (l->drain != NULL)
        l->drain(l, within, reason);
}

/* The longest backup path taken, in bytes. */
#define ADMIN_BACKUP_PATH_MAX 1024

void handle_admin_backup(struct conn *c, const WireFrame *f)
{
    const char *path = f->admin_backup->path;
    char err[1200];
    if (okr_text_check(path, "The backup's path", ADMIN_BACKUP_PATH_MAX, 1, 0, err,
                       sizeof err) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    if (path[0] != '/') {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "The backup's path is a file on the server and must be absolute "
                        "(start with /).");
        return;
    }
    int rc = backup_job_start(c->live, c, f->request_id, path, err, sizeof err);
    if (rc == 0)
        return; /* answered when the copy is whole */
    Cascade__V1__ErrorCode code = rc == CAS_EEXIST      ? CASCADE__V1__ERROR_CODE__ALREADY_EXISTS
                                  : rc == CAS_EOVERFLOW ? CASCADE__V1__ERROR_CODE__RATE_LIMITED
                                  : rc == CAS_ENOMEM    ? CASCADE__V1__ERROR_CODE__INTERNAL
                                                        : CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT;
    conn_send_error(c, f->request_id, code, err);
}
