#include "workshop.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "array.h"
#include "closing.h"
#include "errors.h"
#include "round.h"

void workshop_free(struct workshop *w)
{
    okr_state_free(&w->state);
    agenda_free(&w->agenda);
    free(w->participants);
    free(w->team_members);
    free(w->subscribers);
    free(w->remote);
    round_free(w->round);
    free(w->cadence);
    free(w);
}

int workshop_code_normalize(const char *text, char *out)
{
    size_t n = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '-' || *p == ' ')
            continue;
        if (!isalnum((unsigned char)*p) || n == WORKSHOP_CODE_LEN)
            return CAS_EINVAL;
        out[n++] = (char)toupper((unsigned char)*p);
    }
    out[n] = '\0';
    return n == WORKSHOP_CODE_LEN || n == WORKSHOP_CODE_OLD_LEN ? 0 : CAS_EINVAL;
}

/* The entry of a user, removed or not. */
static struct participant *entry_of(const struct workshop *w, int64_t user_id)
{
    for (size_t i = 0; i < w->nparticipants; i++)
        if (w->participants[i].user_id == user_id)
            return &w->participants[i];
    return NULL;
}

const struct participant *workshop_participant(const struct workshop *w, int64_t user_id)
{
    const struct participant *p = entry_of(w, user_id);
    return p != NULL && p->role != 0 ? p : NULL;
}

int workshop_removed(const struct workshop *w, int64_t user_id)
{
    const struct participant *p = entry_of(w, user_id);
    return p != NULL && p->role == 0;
}

int workshop_team_member(const struct workshop *w, uint32_t team, int64_t user_id)
{
    for (size_t i = 0; i < w->nteam_members; i++)
        if (w->team_members[i].team == team && w->team_members[i].user_id == user_id)
            return 1;
    return 0;
}

int workshop_reserve_people(struct workshop *w)
{
    int rc = ARRAY_GROW(w->participants, w->cap_participants, w->nparticipants + 1);
    if (rc == 0)
        rc = ARRAY_GROW(w->team_members, w->cap_team_members, w->nteam_members + 1);
    return rc;
}

int workshop_add_team_member(struct workshop *w, uint32_t team, int64_t user_id)
{
    if (workshop_team_member(w, team, user_id))
        return 0;
    int rc = ARRAY_GROW(w->team_members, w->cap_team_members, w->nteam_members + 1);
    if (rc != 0)
        return rc;
    w->team_members[w->nteam_members].team = team;
    w->team_members[w->nteam_members].user_id = user_id;
    w->nteam_members++;
    return 0;
}

void workshop_remove_team_member(struct workshop *w, uint32_t team, int64_t user_id)
{
    size_t kept = 0;
    for (size_t i = 0; i < w->nteam_members; i++)
        if (w->team_members[i].team != team || w->team_members[i].user_id != user_id)
            w->team_members[kept++] = w->team_members[i];
    w->nteam_members = kept;
}

int workshop_drop_participant(struct workshop *w, int64_t user_id)
{
    struct participant *p = entry_of(w, user_id);
    if (p == NULL)
        return CAS_ENOTFOUND;
    p->role = 0;
    size_t kept = 0;
    for (size_t i = 0; i < w->nteam_members; i++)
        if (w->team_members[i].user_id != user_id)
            w->team_members[kept++] = w->team_members[i];
    w->nteam_members = kept;
    return 0;
}

int workshop_set_participant(struct workshop *w, int64_t user_id, const char *name, int role,
                             int64_t now_ms)
{
    struct participant *p = entry_of(w, user_id);
    if (p == NULL) {
        int rc = ARRAY_GROW(w->participants, w->cap_participants, w->nparticipants + 1);
        if (rc != 0)
            return rc;
        p = &w->participants[w->nparticipants++];
        memset(p, 0, sizeof *p);
        p->user_id = user_id;
        p->joined_ms = now_ms;
        snprintf(p->name, sizeof p->name, "%s", name);
    }
    p->role = role;
    return 0;
}

int workshop_subscribe(struct workshop *w, struct conn *c)
{
    for (size_t i = 0; i < w->nsubscribers; i++)
        if (w->subscribers[i] == c)
            return 0;
    int rc = ARRAY_GROW(w->subscribers, w->cap_subscribers, w->nsubscribers + 1);
    if (rc == 0)
        w->subscribers[w->nsubscribers++] = c;
    return rc;
}

void workshop_unsubscribe(struct workshop *w, struct conn *c)
{
    for (size_t i = 0; i < w->nsubscribers; i++) {
        if (w->subscribers[i] == c) {
            /* Order among subscribers does not matter; each gets every event. */
            w->subscribers[i] = w->subscribers[--w->nsubscribers];
            return;
        }
    }
}


int workshop_closed(const struct workshop *w)
{
    return closing_is_closed(&w->state);
}

int workshop_at_rest(const struct workshop *w)
{
    return w->archived_ms != 0 || workshop_closed(w);
}
