/* The administrator's user commands: add, list, reset a password, disable.
 * Password hashing goes through auth.c's thread-pool jobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth_internal.h"
#include "errors.h"
#include "handlers.h"
#include "log.h"

static int require_admin(struct conn *c, uint64_t request_id)
{
    if (c->admin)
        return 1;
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__FORBIDDEN,
                    "Only the server's administrator can manage users.");
    return 0;
}

void handle_admin_user_add(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserAdd *m = f->admin_user_add;
    if (!require_admin(c, f->request_id))
        return;
    char err[256];
    if (auth_check_user_name(m->name, err, sizeof err) != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    size_t plen = strlen(m->password);
    if (plen > 0 && (plen < PASSWORD_MIN || plen > PASSWORD_MAX)) {
        snprintf(err, sizeof err, "A password has %d to %d characters.", PASSWORD_MIN, PASSWORD_MAX);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    struct store_user existing;
    if (store_user_by_name(c->server->store, m->name, &existing) == 0) {
        snprintf(err, sizeof err, "There is already a user named '%s'.", m->name);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__ALREADY_EXISTS, err);
        return;
    }
    struct kdf_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server is out of memory.");
        return;
    }
    job->kind = KDF_ADD_USER;
    job->request_id = f->request_id;
    snprintf(job->name, sizeof job->name, "%s", m->name);
    if (plen == 0) {
        job->generated = 1;
        if (crypto_random_readable(job->password, GENERATED_PASSWORD_LEN) != 0) {
            free(job);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                            "The server could not generate a password.");
            return;
        }
    } else {
        snprintf(job->password, sizeof job->password, "%s", m->password);
    }
    auth_start_kdf(c, job);
}

/* The user an administrator's request names; otherwise answers NOT_FOUND
 * and returns non-zero. */
static int named_user(struct conn *c, uint64_t request_id, const char *name,
                      struct store_user *out)
{
    int rc = strlen(name) <= OKR_NAME_MAX ? store_user_by_name(c->server->store, name, out)
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
    if (!require_admin(c, f->request_id))
        return;
    size_t plen = strlen(m->password);
    if (plen > 0 && (plen < PASSWORD_MIN || plen > PASSWORD_MAX)) {
        char err[96];
        snprintf(err, sizeof err, "A password has %d to %d characters.", PASSWORD_MIN,
                 PASSWORD_MAX);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
        return;
    }
    struct kdf_job *job = calloc(1, sizeof *job);
    if (job == NULL) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                        "The server is out of memory.");
        return;
    }
    if (named_user(c, f->request_id, m->name, &job->user) != 0) {
        free(job);
        return;
    }
    job->kind = KDF_SET_PASSWORD;
    job->request_id = f->request_id;
    snprintf(job->name, sizeof job->name, "%s", job->user.name);
    if (plen == 0) {
        job->generated = 1;
        if (crypto_random_readable(job->password, GENERATED_PASSWORD_LEN) != 0) {
            free(job);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INTERNAL,
                            "The server could not generate a password.");
            return;
        }
    } else {
        snprintf(job->password, sizeof job->password, "%s", m->password);
    }
    auth_start_kdf(c, job);
}

void handle_admin_user_disable(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserDisable *m = f->admin_user_disable;
    struct server *s = c->server;
    if (!require_admin(c, f->request_id))
        return;
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
    int rc = u.admin && !u.disabled ? store_user_count_admins(s->store, &admins) : 0;
    if (rc == 0 && u.admin && !u.disabled && admins <= 1) {
        snprintf(msg, sizeof msg,
                 "'%s' is the last enabled administrator, so the server would have none; "
                 "make another administrator first.", u.name);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    if (rc == 0)
        rc = store_user_disable(s->store, u.id);
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not disable the user; try again later.");
        return;
    }
    u.disabled = 1;
    auth_close_sessions(s, u.id, NULL, NULL, "account disabled");
    log_info("user '%s' disabled by '%s'; their sessions ended", u.name, c->user);
    auth_send_user_info(c, f->request_id, &u);
}

void handle_admin_user_enable(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__AdminUserEnable *m = f->admin_user_enable;
    if (!require_admin(c, f->request_id))
        return;
    struct store_user u;
    if (named_user(c, f->request_id, m->name, &u) != 0)
        return;
    if (u.disabled && store_user_enable(c->server->store, u.id) != 0) {
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
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 16;
        struct store_user *p = realloc(l->users, ncap * sizeof *p);
        if (p == NULL)
            return CAS_ENOMEM;
        l->users = p;
        l->cap = ncap;
    }
    l->users[l->n++] = *u;
    return 0;
}

void handle_admin_user_list(struct conn *c, const WireFrame *f)
{
    if (!require_admin(c, f->request_id))
        return;
    struct user_list l = {0};
    int rc = store_user_each(c->server->store, collect_user, &l);
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
