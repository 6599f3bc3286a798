/* Managing a workshop's people: invites that grant a role, changing roles,
 * team membership and removing someone. authz.h lets only facilitators
 * (and the administrator) send these; they are answered at once, each
 * change durable before the answer. */
#include <stdio.h>
#include <string.h>

#include "crypto.h"
#include "errors.h"
#include "handlers.h"
#include "log.h"
#include "people.h"
#include "presence.h"
#include "clock.h"
#include "conn.h"
#include "live.h"
#include "store.h"

/* The longest an expiring invite may last: 366 days. */
#define INVITE_MAX_LIFETIME_S (366u * 24 * 3600)

/* Invites that still admit someone, per workshop: plenty for any room, and
 * a bound on what one facilitator's script can pile up. */
#define INVITES_OPEN_MAX 1000

/* The participant named user, or NULL after answering NOT_FOUND. */
static const struct participant *named_participant(struct conn *c, uint64_t request_id,
                                                   const struct workshop *w, const char *user)
{
    for (size_t i = 0; i < w->nparticipants; i++)
        if (w->participants[i].role != 0 && strcmp(w->participants[i].name, user) == 0)
            return &w->participants[i];
    char msg[300], quoted[120];
    okr_text_quote(user, 40, quoted, sizeof quoted);
    snprintf(msg, sizeof msg,
             "'%s' is not a participant of workshop %s; they must join it first (invite them "
             "with 'cascade workshop invite').",
             quoted, w->code);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
    return NULL;
}

/* The team a "T#" names, or 0 after answering NOT_FOUND. */
static uint32_t named_team(struct conn *c, uint64_t request_id, const struct workshop *w,
                           const char *text)
{
    uint32_t num;
    if (okr_id_parse(text, OKR_TEAM, &num) == 0 && okr_team_find(&w->state, num) != NULL)
        return num;
    char msg[200], quoted[64];
    okr_text_quote(text, 16, quoted, sizeof quoted);
    snprintf(msg, sizeof msg, "There is no team '%s' in workshop %s.", quoted, w->code);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
    return 0;
}

static size_t count_facilitators(const struct workshop *w)
{
    size_t n = 0;
    for (size_t i = 0; i < w->nparticipants; i++)
        n += w->participants[i].role == CASCADE__V1__ROLE__FACILITATOR;
    return n;
}

/* Refuses (answering) a change that would leave w without a facilitator. */
static int keeps_a_facilitator(struct conn *c, uint64_t request_id, const struct workshop *w,
                               const struct participant *p, int new_role)
{
    if (p->role != CASCADE__V1__ROLE__FACILITATOR || new_role == CASCADE__V1__ROLE__FACILITATOR ||
        count_facilitators(w) > 1)
        return 1;
    char msg[300];
    snprintf(msg, sizeof msg,
             "%s is the last facilitator of workshop %s; make someone else facilitator first.",
             p->name, w->code);
    conn_send_error(c, request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
    return 0;
}

void handle_invite(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Invite *m = f->invite;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    if (m->role != CASCADE__V1__ROLE__MEMBER && m->role != CASCADE__V1__ROLE__OBSERVER) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "An invite grants the role member or observer; promote facilitators "
                        "with 'cascade role set'.");
        return;
    }
    /* A year at most: a code that never expires is asked for with 0. */
    if (m->expires_in_s > INVITE_MAX_LIFETIME_S) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "An invite lasts at most 366 days; ask for one that never expires "
                        "instead.");
        return;
    }
    int64_t now = clock_now_ms();
    struct store_invite inv = {
        .workshop_id = w->id,
        .role = m->role,
        .expires_ms = m->expires_in_s ? now + (int64_t)m->expires_in_s * 1000 : 0,
    };
    if (m->team[0] != '\0' && (inv.team = named_team(c, f->request_id, w, m->team)) == 0)
        return;
    int64_t open = 0;
    if (store_invite_count_open(c->live->store, w->id, now, &open) == 0 &&
        open >= INVITES_OPEN_MAX) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Workshop %s has %d invites that still work; revoke unused ones with "
                 "'cascade workshop revoke CODE' first.",
                 w->code, INVITES_OPEN_MAX);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__LIMIT_EXCEEDED, msg);
        return;
    }
    char code[WORKSHOP_CODE_LEN + 1];
    int rc = CAS_EEXIST;
    /* Invite codes share the space of workshop codes: draw again on a clash. */
    for (int attempt = 0; attempt < 16 && rc == CAS_EEXIST; attempt++) {
        if ((rc = crypto_random_readable(code, WORKSHOP_CODE_LEN)) != 0)
            break;
        if (registry_find(&c->live->registry, code) != NULL) {
            rc = CAS_EEXIST;
            continue;
        }
        rc = store_invite_add(c->live->store, code, &inv, c->user_id, now);
    }
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not save the invite; try again later.");
        return;
    }
    log_info("'%s' made an invite to workshop %s as %s", c->user, w->code, wire_role_name(m->role));
    Cascade__V1__InviteCode reply = CASCADE__V1__INVITE_CODE__INIT;
    reply.code = code;
    reply.expires_ms = inv.expires_ms;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = f->request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_INVITE_CODE;
    out.invite_code = &reply;
    conn_send(c, &out);
}

void handle_role_set(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__RoleSet *m = f->role_set;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    if (m->role != CASCADE__V1__ROLE__FACILITATOR && m->role != CASCADE__V1__ROLE__MEMBER &&
        m->role != CASCADE__V1__ROLE__OBSERVER) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT,
                        "A role is facilitator, member or observer.");
        return;
    }
    const struct participant *p = named_participant(c, f->request_id, w, m->user);
    if (p == NULL || !keeps_a_facilitator(c, f->request_id, w, p, m->role))
        return;
    if (p->role == (int)m->role) {
        conn_send_ack(c, f->request_id, 0, NULL); /* nothing to change */
        return;
    }
    struct people_change change = {
        .op = PEOPLE_SET_ROLE, .user_id = p->user_id, .role = (int)m->role};
    struct people_field role = {
        .name = "role", .old_value = wire_role_name(p->role), .new_value = wire_role_name(m->role)};
    char name[OKR_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", p->name);
    if (people_change(c, w, f->request_id, &change, name, "participant.role", name, &role, 1,
                      NULL) == 0)
        log_info("'%s' made '%s' %s of workshop %s", c->user, name, wire_role_name(m->role),
                 w->code);
}

void handle_team_member_add(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__TeamMemberAdd *m = f->team_member_add;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    uint32_t team = named_team(c, f->request_id, w, m->team);
    if (team == 0)
        return;
    const struct participant *p = named_participant(c, f->request_id, w, m->user);
    if (p == NULL)
        return;
    if (workshop_team_member(w, team, p->user_id)) {
        conn_send_ack(c, f->request_id, 0, NULL); /* a member already */
        return;
    }
    struct people_change change = {.op = PEOPLE_ADD_TO_TEAM, .user_id = p->user_id, .team = team};
    char name[OKR_NAME_MAX + 1], team_id[16];
    snprintf(name, sizeof name, "%s", p->name);
    okr_id_format(OKR_TEAM, team, team_id, sizeof team_id);
    struct people_field member = {.name = "member", .new_value = name};
    if (people_change(c, w, f->request_id, &change, name, "team.member_add", team_id, &member, 1,
                      NULL) == 0)
        log_info("'%s' added '%s' to team %s of workshop %s", c->user, name, team_id, w->code);
}

void handle_team_member_remove(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__TeamMemberRemove *m = f->team_member_remove;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    uint32_t team = named_team(c, f->request_id, w, m->team);
    if (team == 0)
        return;
    const struct participant *p = named_participant(c, f->request_id, w, m->user);
    if (p == NULL)
        return;
    char name[OKR_NAME_MAX + 1], team_id[16];
    snprintf(name, sizeof name, "%s", p->name);
    okr_id_format(OKR_TEAM, team, team_id, sizeof team_id);
    if (!workshop_team_member(w, team, p->user_id)) {
        char msg[300];
        snprintf(msg, sizeof msg, "%s is not a member of %s.", name, team_id);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    struct people_change change = {
        .op = PEOPLE_REMOVE_FROM_TEAM, .user_id = p->user_id, .team = team};
    struct people_field member = {.name = "member", .old_value = name};
    if (people_change(c, w, f->request_id, &change, name, "team.member_remove", team_id, &member,
                      1, NULL) == 0)
        log_info("'%s' removed '%s' from team %s of workshop %s", c->user, name, team_id,
                 w->code);
}

void handle_kick(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__Kick *m = f->kick;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    const struct participant *p = named_participant(c, f->request_id, w, m->user);
    if (p == NULL || !keeps_a_facilitator(c, f->request_id, w, p, 0))
        return;
    int64_t user_id = p->user_id;
    char name[OKR_NAME_MAX + 1];
    snprintf(name, sizeof name, "%s", p->name);
    struct people_change change = {.op = PEOPLE_REMOVE, .user_id = user_id};
    struct people_field role = {.name = "role", .old_value = wire_role_name(p->role)};
    if (people_change(c, w, f->request_id, &change, name, "participant.remove", name, &role, 1,
                      NULL) != 0)
        return;
    log_info("'%s' removed '%s' from workshop %s", c->user, name, w->code);
    /* Their open views of the workshop end now, saying why; a
     * resubscription is refused. */
    char why[160];
    snprintf(why, sizeof why, "You were removed from workshop %s by %s.", w->code, c->user);
    struct conn *next;
    for (struct conn *o = c->net->conns; o != NULL; o = next) {
        next = o->next;
        if (o->user_id == user_id && o != c && presence_find(o, w) != NULL) {
            conn_send_going_away(o, why);
            conn_close(o, "removed from the workshop");
        }
    }
}
