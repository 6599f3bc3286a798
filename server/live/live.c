#include "live.h"

#include "backup_job.h"
#include "clock.h"
#include "presence.h"
#include "replay.h"
#include "seen.h"

void live_turn_end(struct live *l)
{
    /* Also a transaction whose claims took locks for changes that were
     * then refused: the locks go at the end of the turn all the same. */
    if (batch_pending(&l->batch) || cluster_batch_open(l))
        batch_commit(l);
    if (l->replays != NULL)
        replay_step(l);
    if (l->seen_unsaved)
        seen_save(l, clock_now_ms(), 0);
}

void live_forget_conn(struct live *l, struct conn *c)
{
    presence_drop(c);
    replay_cancel(c);
    batch_forget_conn(&l->batch, c);
    backup_job_forget_conn(l, c);
}

void live_free(struct live *l)
{
    if (l->store != NULL)
        seen_save(l, clock_now_ms(), 1);
    batch_free(&l->batch);
    registry_free(&l->registry);
    session_memo_free(l->sessions);
    l->sessions = NULL;
}
