/* The administrator's online backup (backup_job.h). */
#include "backup_job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "live.h"
#include "log.h"
#include "store_backup.h"
#include "wire.h"

struct backup_job {
    struct live *live;
    struct store_backup *backup;
    uv_idle_t step;      /* one step per loop turn while the copy goes on */
    struct conn *conn;   /* NULL once its connection closed */
    uint64_t request_id;
    int64_t started_ms;
    char path[4096];
};

static void answer(struct backup_job *j, const char *note, const char *error)
{
    if (j->conn == NULL)
        return;
    if (error != NULL) {
        conn_send_error(j->conn, j->request_id, CASCADE__V1__ERROR_CODE__STORAGE, error);
        return;
    }
    Cascade__V1__Ack ack = CASCADE__V1__ACK__INIT;
    ack.note = (char *)note;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = j->request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ACK;
    f.ack = &ack;
    conn_send(j->conn, &f);
}

static void on_closed(uv_handle_t *h)
{
    free(h->data);
}

static void end(struct backup_job *j)
{
    j->live->backup = NULL;
    store_backup_free(j->backup);
    j->backup = NULL;
    uv_idle_stop(&j->step);
    uv_close((uv_handle_t *)&j->step, on_closed);
}

static void on_step(uv_idle_t *idle)
{
    struct backup_job *j = idle->data;
    char err[512];
    int rc = store_backup_step(j->backup, BACKUP_PAGES_PER_STEP, err, sizeof err);
    int64_t done, total;
    store_backup_progress(j->backup, &done, &total);
    if (rc == 0)
        return;
    if (rc < 0) {
        log_error("backup to %s failed: %s", j->path, err);
        answer(j, NULL, err);
    } else {
        char note[4300];
        int64_t ms = clock_now_ms() - j->started_ms;
        snprintf(note, sizeof note, "Backed up %lld pages (%.1f MiB) to %s in %lld ms.",
                 (long long)total, (double)total * 4096.0 / (1024.0 * 1024.0), j->path,
                 (long long)ms);
        log_info("%s", note);
        answer(j, note, NULL);
    }
    end(j);
}

int backup_job_start(struct live *l, struct conn *c, uint64_t request_id, const char *path,
                     char *err, size_t errlen)
{
    if (l->backup != NULL) {
        cas_errorf(err, errlen, "A backup is being written already (to %s); wait for it.",
                   l->backup->path);
        return CAS_EOVERFLOW;
    }
    struct backup_job *j = calloc(1, sizeof *j);
    if (j == NULL) {
        cas_errorf(err, errlen, "Out of memory.");
        return CAS_ENOMEM;
    }
    int rc = store_backup_begin(l->store, path, &j->backup, err, errlen);
    if (rc != 0) {
        free(j);
        return rc;
    }
    j->live = l;
    j->conn = c;
    j->request_id = request_id;
    j->started_ms = clock_now_ms();
    snprintf(j->path, sizeof j->path, "%s", path);
    uv_idle_init(l->loop, &j->step);
    j->step.data = j;
    uv_idle_start(&j->step, on_step);
    l->backup = j;
    log_info("backup to %s started by '%s'", path, c->user);
    return 0;
}

void backup_job_forget_conn(struct live *l, struct conn *c)
{
    if (l->backup != NULL && l->backup->conn == c)
        l->backup->conn = NULL;
}

void backup_job_stop(struct live *l)
{
    if (l->backup == NULL)
        return;
    log_warn("backup to %s stopped unfinished: the server is shutting down", l->backup->path);
    answer(l->backup, NULL, "The server is shutting down; the backup was not finished.");
    end(l->backup);
}
