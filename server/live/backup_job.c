/* The administrator's online backup (backup_job.h). */
#define _GNU_SOURCE /* sync_file_range */
#include "backup_job.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
    uv_timer_t step;     /* one step every BACKUP_STEP_MS while the copy goes on */
    struct conn *conn;   /* NULL once its connection closed */
    uint64_t request_id;
    int64_t started_ms;
    char path[4096];
    /* The copy is whole and its fsync runs on a worker thread: a large
     * file's sync would otherwise hold up the loop for as long. */
    uv_work_t sync;
    int syncing;
    int sync_errno;
    int stopped; /* the server stopped it while it synced */
    int handle_closed;
    int fd;          /* the partial file, to start its writeback as it grows */
    unsigned steps;
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

/* Frees the job once its handle has closed and no worker holds it. */
static void maybe_free(struct backup_job *j)
{
    if (!j->handle_closed || j->syncing)
        return;
    store_backup_free(j->backup);
    free(j);
}

static void on_closed(uv_handle_t *h)
{
    struct backup_job *j = h->data;
    j->handle_closed = 1;
    maybe_free(j);
}

/* Lets go of the job: its handle closes, then it is freed. */
static void end(struct backup_job *j)
{
    if (j->fd >= 0)
        close(j->fd);
    j->fd = -1;
    j->live->backup = NULL;
    store_backup_free(j->backup);
    j->backup = NULL;
    uv_timer_stop(&j->step);
    uv_close((uv_handle_t *)&j->step, on_closed);
}

static void sync_in_worker(uv_work_t *w)
{
    struct backup_job *j = w->data;
    int fd = open(store_backup_partial_path(j->backup), O_RDONLY);
    j->sync_errno = fd < 0 ? errno : fsync(fd) != 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
}

static void after_sync(uv_work_t *w, int status)
{
    struct backup_job *j = w->data;
    j->syncing = 0;
    if (j->stopped) { /* backup_job_stop answered and let go of it */
        maybe_free(j);
        return;
    }
    char err[4300];
    if (status != 0 || j->sync_errno != 0) {
        snprintf(err, sizeof err, "Cannot write the backup %s to disk: %s.", j->path,
                 strerror(status != 0 ? ECANCELED : j->sync_errno));
        log_error("%s", err);
        answer(j, NULL, err);
    } else if (store_backup_install(j->backup, err, sizeof err) != 0) {
        log_error("%s", err);
        answer(j, NULL, err);
    } else {
        int64_t done, total;
        store_backup_progress(j->backup, &done, &total);
        int64_t ms = clock_now_ms() - j->started_ms;
        snprintf(err, sizeof err, "Backed up %lld pages (%.1f MiB) to %s in %lld ms.",
                 (long long)total, (double)total * 4096.0 / (1024.0 * 1024.0), j->path,
                 (long long)ms);
        log_info("%s", err);
        answer(j, err, NULL);
    }
    end(j);
}

static void on_step(uv_timer_t *timer)
{
    struct backup_job *j = timer->data;
    char err[512];
    int rc = store_backup_step(j->backup, BACKUP_PAGES_PER_STEP, err, sizeof err);
    /* Hand what was copied to the disk a few megabytes at a time, without
     * waiting: left to the final fsync, the whole file would be flushed at
     * once and hold up the commits' own fsyncs for as long. */
    if (j->fd >= 0 && (++j->steps % BACKUP_WRITEBACK_STEPS == 0 || rc != 0))
        (void)sync_file_range(j->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    if (rc == 0)
        return;
    if (rc < 0) {
        log_error("backup to %s failed: %s", j->path, err);
        answer(j, NULL, err);
        end(j);
        return;
    }
    uv_timer_stop(&j->step);
    j->syncing = 1;
    j->sync.data = j;
    uv_queue_work(j->live->loop, &j->sync, sync_in_worker, after_sync);
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
    j->fd = open(store_backup_partial_path(j->backup), O_RDONLY | O_CLOEXEC);
    j->conn = c;
    j->request_id = request_id;
    j->started_ms = clock_now_ms();
    snprintf(j->path, sizeof j->path, "%s", path);
    uv_timer_init(l->loop, &j->step);
    j->step.data = j;
    uv_timer_start(&j->step, on_step, 0, BACKUP_STEP_MS);
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
    struct backup_job *j = l->backup;
    log_warn("backup to %s stopped unfinished: the server is shutting down", j->path);
    answer(j, NULL, "The server is shutting down; the backup was not finished.");
    if (j->syncing) {
        /* The worker still holds it: after_sync frees it (and the partial
         * file goes with store_backup_free). */
        j->stopped = 1;
        j->conn = NULL;
        l->backup = NULL;
        uv_close((uv_handle_t *)&j->step, on_closed);
        return;
    }
    end(j);
}
