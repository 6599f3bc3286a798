#include "live.h"

#include "presence.h"
#include "replay.h"

void live_turn_end(struct live *l)
{
    if (batch_pending(&l->batch))
        batch_commit(l);
    if (l->replays != NULL)
        replay_step(l);
}

void live_forget_conn(struct live *l, struct conn *c)
{
    presence_drop(c);
    replay_cancel(c);
    batch_forget_conn(&l->batch, c);
}

void live_free(struct live *l)
{
    batch_free(&l->batch);
    registry_free(&l->registry);
}
