/* Running a workshop's door: who takes part (with who is here and when the
 * others were last seen), the invite codes and revoking them, and the
 * workshop's settings. Reads are answered at once; changes are events like
 * any other (people.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cadence_timer.h"
#include "clock.h"
#include "conn.h"
#include "errors.h"
#include "handlers.h"
#include "live.h"
#include "log.h"
#include "people.h"
#include "presence.h"
#include "store.h"
#include "wire.h"
#include "workshop.h"

/* One answer lists at most this many participants or invites: a few
 * hundred kilobytes, and far more than a workshop room holds. */
#define PARTICIPANTS_LISTED_MAX 10000
#define INVITES_LISTED_MAX 1000

/* ---- Participants ---------------------------------------------------------------- */

static int online(const struct workshop *w, int64_t user_id)
{
    for (size_t i = 0; i < w->nsubscribers; i++)
        if (w->subscribers[i]->user_id == user_id)
            return 1;
    return 0;
}

void handle_participant_list(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    size_t n = w->nparticipants < PARTICIPANTS_LISTED_MAX ? w->nparticipants
                                                          : PARTICIPANTS_LISTED_MAX;
    Cascade__V1__Participant *items = calloc(n + 1, sizeof *items);
    Cascade__V1__Participant **ptrs = calloc(n + 1, sizeof *ptrs);
    /* Team ids, one slot per membership, shared by every entry. */
    char (*ids)[16] = calloc(w->nteam_members + 1, sizeof *ids);
    char **teams = calloc(w->nteam_members + 1, sizeof *teams);
    if (items == NULL || ptrs == NULL || ids == NULL || teams == NULL) {
        free(items);
        free(ptrs);
        free(ids);
        free(teams);
        conn_send_no_memory(c, f->request_id, NULL);
        return;
    }
    size_t listed = 0, used = 0, left_off = 0;
    for (size_t i = 0; i < w->nparticipants; i++) {
        const struct participant *p = &w->participants[i];
        if (p->role == 0)
            continue; /* removed */
        if (listed == n) {
            left_off++;
            continue;
        }
        Cascade__V1__Participant *it = &items[listed];
        cascade__v1__participant__init(it);
        it->user = (char *)p->name;
        it->role = (Cascade__V1__Role)p->role;
        it->online = online(w, p->user_id);
        it->last_seen_ms = p->last_seen_ms;
        it->joined_ms = p->joined_ms;
        it->teams = &teams[used];
        for (size_t j = 0; j < w->nteam_members; j++) {
            const struct team_member *m = &w->team_members[j];
            /* A removed team's memberships linger in memory until restart. */
            if (m->user_id != p->user_id || okr_team_find(&w->state, m->team) == NULL)
                continue;
            okr_id_format(OKR_TEAM, m->team, ids[used], sizeof ids[used]);
            teams[used] = ids[used];
            used++;
            it->n_teams++;
        }
        ptrs[listed++] = it;
    }
    Cascade__V1__ParticipantListReply reply = CASCADE__V1__PARTICIPANT_LIST_REPLY__INIT;
    reply.n_participants = listed;
    reply.participants = ptrs;
    reply.truncated = left_off > 0;
    WireFrame out = CASCADE__V1__FRAME__INIT;
    out.request_id = f->request_id;
    out.body_case = CASCADE__V1__FRAME__BODY_PARTICIPANT_LIST_REPLY;
    out.participant_list_reply = &reply;
    conn_send(c, &out);
    free(items);
    free(ptrs);
    free(ids);
    free(teams);
}

/* ---- Invites --------------------------------------------------------------------- */

struct invite_list {
    Cascade__V1__InviteInfo *items;
    Cascade__V1__InviteInfo **ptrs;
    struct store_invite *rows; /* the strings the items point into */
    char (*teams)[16];
    size_t n;
};

static int collect_invite(void *vctx, const struct store_invite *inv)
{
    struct invite_list *l = vctx;
    size_t i = l->n++;
    l->rows[i] = *inv;
    Cascade__V1__InviteInfo *it = &l->items[i];
    cascade__v1__invite_info__init(it);
    it->code = l->rows[i].code;
    it->role = (Cascade__V1__Role)inv->role;
    l->teams[i][0] = '\0';
    if (inv->team != 0)
        okr_id_format(OKR_TEAM, inv->team, l->teams[i], sizeof l->teams[i]);
    it->team = l->teams[i];
    it->expires_ms = inv->expires_ms;
    it->created_ms = inv->created_ms;
    it->created_by = l->rows[i].created_by;
    it->uses = inv->uses;
    it->revoked_ms = inv->revoked_ms;
    l->ptrs[i] = it;
    return 0;
}

void handle_invite_list(struct conn *c, const WireFrame *f)
{
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    /* One more than is listed, to tell whether older ones were left off. */
    size_t cap = INVITES_LISTED_MAX + 1;
    struct invite_list l = {
        .items = calloc(cap, sizeof *l.items),
        .ptrs = calloc(cap, sizeof *l.ptrs),
        .rows = calloc(cap, sizeof *l.rows),
        .teams = calloc(cap, sizeof *l.teams),
    };
    int rc = l.items && l.ptrs && l.rows && l.teams ? 0 : CAS_ENOMEM;
    if (rc == 0)
        rc = store_invite_each(c->live->store, w->id, cap, collect_invite, &l);
    if (rc == CAS_ENOMEM)
        conn_send_no_memory(c, f->request_id, NULL);
    else if (rc != 0)
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not read the invites; try again later.");
    if (rc == 0) {
        Cascade__V1__InviteListReply reply = CASCADE__V1__INVITE_LIST_REPLY__INIT;
        reply.truncated = l.n > INVITES_LISTED_MAX;
        reply.n_invites = reply.truncated ? INVITES_LISTED_MAX : l.n;
        reply.invites = l.ptrs;
        WireFrame out = CASCADE__V1__FRAME__INIT;
        out.request_id = f->request_id;
        out.body_case = CASCADE__V1__FRAME__BODY_INVITE_LIST_REPLY;
        out.invite_list_reply = &reply;
        conn_send(c, &out);
    }
    free(l.items);
    free(l.ptrs);
    free(l.rows);
    free(l.teams);
}

/* Revoking is written at once, before the event: a code must stop
 * admitting people the moment a facilitator says so, whatever happens to
 * the batch. The event then tells the workshop. */
void handle_invite_revoke(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__InviteRevoke *m = f->invite_revoke;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    char code[WORKSHOP_CODE_LEN + 1], quoted[64];
    okr_text_quote(m->code, 16, quoted, sizeof quoted);
    struct store_invite inv;
    int rc = workshop_code_normalize(m->code, code);
    if (rc == 0)
        rc = store_invite_get(c->live->store, code, &inv);
    if (rc == 0 && inv.workshop_id != w->id)
        rc = CAS_ENOTFOUND;
    if (rc == 0 && inv.revoked_ms != 0) {
        char msg[200];
        snprintf(msg, sizeof msg, "The invite code %s is revoked already.", code);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    if (rc == 0)
        rc = store_invite_revoke(c->live->store, w->id, code, clock_now_ms(), c->user);
    if (rc == CAS_ENOTFOUND || rc == CAS_EINVAL) {
        char msg[200];
        snprintf(msg, sizeof msg,
                 "Workshop %s has no invite code '%s'; 'cascade workshop invites' lists them.",
                 w->code, quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__NOT_FOUND, msg);
        return;
    }
    if (rc != 0) {
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__STORAGE,
                        "The server could not revoke the invite; try again later.");
        return;
    }
    log_info("'%s' revoked invite %s of workshop %s", c->user, code, w->code);
    struct people_change change = {.op = PEOPLE_NOTE};
    struct people_field fields[2] = {
        {.name = "role", .old_value = wire_role_name(inv.role)},
        {.name = "uses", .old_value = NULL},
    };
    char uses[16];
    snprintf(uses, sizeof uses, "%u", inv.uses);
    fields[1].old_value = uses;
    people_change(c, w, f->request_id, &change, c->user, "invite.revoke", code, fields, 2, NULL);
}

/* ---- Settings -------------------------------------------------------------------- */

static int parse_on_off(const char *text, int *out)
{
    if (strcmp(text, "on") == 0 || strcmp(text, "yes") == 0 || strcmp(text, "true") == 0)
        *out = 1;
    else if (strcmp(text, "off") == 0 || strcmp(text, "no") == 0 || strcmp(text, "false") == 0)
        *out = 0;
    else
        return CAS_EINVAL;
    return 0;
}

/* The check-in cadence's settings: period (a quarter, half, year, month
 * or FROM..TO dates), timezone and cadence. Each is checked whole before
 * anything changes; the schedule then starts afresh from now, so due
 * dates already past are not announced. */
static void set_schedule(struct conn *c, const WireFrame *f, struct workshop *w)
{
    const Cascade__V1__WorkshopSet *m = f->workshop_set;
    struct workshop_cadence next = *w->cadence;
    char quoted[64], msg[400], err[300];
    const char *period = w->period;
    const char *old_value, *new_value;
    char old_text[OKR_PERIOD_CAP + 1];
    okr_text_quote(m->value, 40, quoted, sizeof quoted);
    if (strcmp(m->setting, "period") == 0) {
        if (okr_text_check(m->value, "period", c->live->cfg.text_limits.period, 1, 0, err,
                           sizeof err) != 0) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
            return;
        }
        int rc = cadence_period_parse(m->value, &next.sched.from, &next.sched.to, err, sizeof err);
        if (rc == CAS_ENOTFOUND)
            snprintf(err, sizeof err, "'%s' is not a period: give a quarter (2026-Q3), a half "
                     "(2026-H1), a year (2026), a month (2026-07) or --from and --to dates.",
                     quoted);
        if (rc != 0) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, err);
            return;
        }
        next.has_dates = 1;
        period = m->value;
        snprintf(old_text, sizeof old_text, "%s", w->period);
        old_value = old_text;
        new_value = m->value;
    } else if (strcmp(m->setting, "timezone") == 0) {
        if (!cadence_zone_valid(m->value)) {
            snprintf(msg, sizeof msg, "'%s' is not a time zone this server knows; give an IANA "
                     "name such as Europe/Berlin, America/New_York or UTC.", quoted);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        snprintf(next.sched.zone, sizeof next.sched.zone, "%s", m->value);
        old_value = w->cadence->sched.zone;
        new_value = next.sched.zone;
    } else {
        if (cadence_parse(m->value, &next.sched.rule, err, sizeof err) != 0) {
            snprintf(msg, sizeof msg, "'%s' is not a cadence. %s", quoted, err);
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
            return;
        }
        if (next.sched.rule.freq != CADENCE_OFF && !next.has_dates) {
            conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__BAD_STATE,
                            "A cadence needs the period's dates; set them first with "
                            "'workshop set period 2026-Q3' (or --from and --to).");
            return;
        }
        old_value = w->cadence->rule_text;
        new_value = NULL; /* after the refresh */
    }
    cadence_state_refresh(&next);
    if (new_value == NULL)
        new_value = next.rule_text;
    if (strcmp(old_value, new_value) == 0 && strcmp(period, w->period) == 0 &&
        next.has_dates == w->cadence->has_dates &&
        memcmp(&next.sched, &w->cadence->sched, sizeof next.sched) == 0) {
        conn_send_ack(c, f->request_id, 0, NULL); /* nothing to change */
        return;
    }
    next.done_ms = clock_now_ms();
    struct people_change change = {.op = PEOPLE_SET_SCHEDULE, .schedule = &next, .period = period};
    struct people_field field = {.name = m->setting, .old_value = old_value,
                                 .new_value = new_value};
    if (people_change(c, w, f->request_id, &change, c->user, "workshop.set", w->code, &field, 1,
                      NULL) != 0)
        return;
    log_info("'%s' set the %s of workshop %s to %s", c->user, m->setting, w->code, new_value);
    cadence_timer_arm(c->live);
}

void handle_workshop_set(struct conn *c, const WireFrame *f)
{
    const Cascade__V1__WorkshopSet *m = f->workshop_set;
    struct workshop *w = workshop_for_request(c, f);
    if (w == NULL)
        return;
    char quoted[64], msg[300];
    if (strcmp(m->setting, "period") == 0 || strcmp(m->setting, "timezone") == 0 ||
        strcmp(m->setting, "cadence") == 0) {
        set_schedule(c, f, w);
        return;
    }
    if (strcmp(m->setting, "observer-comments") != 0) {
        okr_text_quote(m->setting, 24, quoted, sizeof quoted);
        snprintf(msg, sizeof msg, "'%s' is not a workshop setting; the settings are: "
                 "observer-comments, period, timezone, cadence.", quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    int on;
    if (parse_on_off(m->value, &on) != 0) {
        okr_text_quote(m->value, 24, quoted, sizeof quoted);
        snprintf(msg, sizeof msg, "observer-comments is on or off, not '%s'.", quoted);
        conn_send_error(c, f->request_id, CASCADE__V1__ERROR_CODE__INVALID_ARGUMENT, msg);
        return;
    }
    if (on == w->observer_comments) {
        conn_send_ack(c, f->request_id, 0, NULL); /* nothing to change */
        return;
    }
    struct people_change change = {.op = PEOPLE_SET_OBSERVER_COMMENTS, .value = on};
    struct people_field field = {.name = "observer-comments",
                                 .old_value = on ? "off" : "on",
                                 .new_value = on ? "on" : "off"};
    if (people_change(c, w, f->request_id, &change, c->user, "workshop.set", w->code, &field, 1,
                      NULL) == 0)
        log_info("'%s' turned observer comments %s in workshop %s", c->user, on ? "on" : "off",
                 w->code);
}
