#include "remote_presence.h"

#include <stdio.h>
#include <string.h>

#include "array.h"
#include "clock.h"
#include "conn.h"
#include "live.h"
#include "log.h"
#include "presence.h"
#include "store.h"

/* A notice: "NODE OP WORKSHOP-ID SINCE-MS ENTITY USER" (entity "-" for
 * none; the user last, as it is the one free text). OP: j(oin), l(eave),
 * e(diting), a(live), h(ello: tell me who is there). */

static void send_notice(struct live *l, char op, int64_t workshop_id, int64_t since_ms,
                        const char *entity, const char *user)
{
    char payload[256];
    snprintf(payload, sizeof payload, "%s %c %lld %lld %s %s", l->server_id, op,
             (long long)workshop_id, (long long)since_ms,
             entity != NULL && entity[0] != '\0' ? entity : "-", user);
    if (store_notify(l->store, STORE_CHANNEL_PRESENCE, payload) != 0)
        log_warn("cannot tell the other nodes who is present; they learn it again within %d s",
                 REMOTE_PRESENCE_TIMEOUT_MS / 1000);
}

void remote_presence_share(struct live *l, const struct workshop *w, const char *user,
                           const char *change, const char *entity, int64_t since_ms)
{
    if (!cluster_shared(l))
        return;
    char op = strcmp(change, "join") == 0 ? 'j' : strcmp(change, "leave") == 0 ? 'l' : 'e';
    send_notice(l, op, w->id, since_ms, entity, user);
}

static int present_locally(const struct workshop *w, const char *user)
{
    for (size_t i = 0; i < w->nsubscribers; i++)
        if (strcmp(w->subscribers[i]->user, user) == 0)
            return 1;
    return 0;
}

static struct remote_presence *find_entry(struct workshop *w, const char *node, const char *user)
{
    for (size_t i = 0; i < w->nremote; i++)
        if (strcmp(w->remote[i].node, node) == 0 && strcmp(w->remote[i].user, user) == 0)
            return &w->remote[i];
    return NULL;
}

int remote_presence_here(const struct workshop *w, const char *user)
{
    for (size_t i = 0; i < w->nremote; i++)
        if (strcmp(w->remote[i].user, user) == 0)
            return 1;
    return 0;
}

static int anywhere(const struct workshop *w, const char *user)
{
    return present_locally(w, user) || remote_presence_here(w, user);
}

/* Drops one entry, announcing a departure when the user is gone from
 * everywhere. */
static void drop_entry(struct workshop *w, size_t i)
{
    char user[OKR_NAME_MAX + 1];
    snprintf(user, sizeof user, "%s", w->remote[i].user);
    w->remote[i] = w->remote[--w->nremote];
    if (!anywhere(w, user))
        presence_announce(w, user, "leave", "");
}

/* Notes that node spoke now; a node beyond the table's room is not
 * timed, only heard. */
static void heard_node(struct cluster *cl, const char *node, int64_t now)
{
    for (size_t i = 0; i < cl->nnodes; i++)
        if (strcmp(cl->nodes[i].id, node) == 0) {
            cl->nodes[i].heard_ms = now;
            return;
        }
    if (cl->nnodes < CLUSTER_NODES_MAX) {
        snprintf(cl->nodes[cl->nnodes].id, sizeof cl->nodes[0].id, "%s", node);
        cl->nodes[cl->nnodes++].heard_ms = now;
    }
}

/* Tells the others everyone present here (a node asked). */
static void tell_all(struct live *l)
{
    for (size_t i = 0; i < l->registry.n; i++) {
        const struct workshop *w = l->registry.items[i];
        for (size_t j = 0; j < w->nsubscribers; j++) {
            struct conn *c = w->subscribers[j];
            size_t first = 0;
            while (first < j && w->subscribers[first]->user_id != c->user_id)
                first++;
            if (first < j)
                continue; /* told with the user's first connection */
            const struct subscription *s = presence_find(c, w);
            send_notice(l, 'j', w->id, s->since_ms, s->editing, c->user);
        }
    }
}

/* Forgets the people present through node. */
static void forget_node(struct live *l, const char *node)
{
    for (size_t i = 0; i < l->registry.n; i++) {
        struct workshop *w = l->registry.items[i];
        for (size_t j = w->nremote; j-- > 0;)
            if (strcmp(w->remote[j].node, node) == 0)
                drop_entry(w, j);
    }
}

void remote_presence_heard(struct live *l, const char *payload)
{
    char node[40], op, entity[16];
    long long wid, since;
    int user_at = 0;
    if (sscanf(payload, "%39s %c %lld %lld %15s %n", node, &op, &wid, &since, entity,
               &user_at) != 5 ||
        user_at == 0 || strcmp(node, l->server_id) == 0)
        return; /* malformed, or this node's own */
    const char *user = payload + user_at;
    if (strlen(user) > OKR_NAME_MAX || user[0] == '\0')
        return;
    if (strcmp(entity, "-") == 0)
        entity[0] = '\0';
    heard_node(&l->cluster, node, clock_now_ms());
    if (op == 'h') {
        /* That node (re)started: what it said before is void, and it
         * tells anew who arrives through it. */
        forget_node(l, node);
        tell_all(l);
        return;
    }
    if (op == 'a')
        return;
    struct workshop *w = registry_find_id(&l->registry, wid);
    if (w == NULL)
        return;
    struct remote_presence *e = find_entry(w, node, user);
    if (op == 'l') {
        if (e != NULL)
            drop_entry(w, (size_t)(e - w->remote));
        return;
    }
    if (e == NULL) {
        int was = anywhere(w, user);
        if (ARRAY_GROW(w->remote, w->cap_remote, w->nremote + 1) != 0)
            return;
        e = &w->remote[w->nremote++];
        memset(e, 0, sizeof *e);
        snprintf(e->node, sizeof e->node, "%s", node);
        snprintf(e->user, sizeof e->user, "%s", user);
        e->since_ms = since;
        if (!was)
            presence_announce(w, user, "join", "");
    }
    if (op == 'e' || (op == 'j' && strcmp(e->editing, entity) != 0)) {
        snprintf(e->editing, sizeof e->editing, "%s", entity);
        presence_announce(w, user, "editing", e->editing);
    }
}

void remote_presence_hello(struct live *l)
{
    if (cluster_shared(l))
        send_notice(l, 'h', 0, 0, "", "-");
}

void remote_presence_tick(struct live *l, int64_t now_ms)
{
    struct cluster *cl = &l->cluster;
    if (!cluster_shared(l))
        return;
    if (now_ms - cl->said_alive_ms >= REMOTE_PRESENCE_HEARTBEAT_MS) {
        send_notice(l, 'a', 0, 0, "", "-");
        cl->said_alive_ms = now_ms;
    }
    for (size_t i = cl->nnodes; i-- > 0;) {
        if (now_ms - cl->nodes[i].heard_ms < REMOTE_PRESENCE_TIMEOUT_MS)
            continue;
        log_info("node %s has gone quiet; its people are taken as gone", cl->nodes[i].id);
        forget_node(l, cl->nodes[i].id);
        cl->nodes[i] = cl->nodes[--cl->nnodes];
    }
}
