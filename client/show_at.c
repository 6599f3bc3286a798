#include "show_at.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "errors.h"
#include "history.h"
#include "okr_fold.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"
#include "when.h"

/* Where the fold stops: after event seq, or after the last event at or
 * before time_ms. */
struct target {
    int by_time;
    uint64_t seq;
    int64_t time_ms;
};

struct folding {
    struct okr_state st;
    struct target to;
    const char *ws;
    int64_t last_ms;  /* the time of the last event folded */
    int64_t first_ms; /* the time of the first event read */
    size_t unknown;   /* events of types this build does not know */
    uint64_t latest;  /* the workshop's last seq, as far as this reader knows */
};

static int fold_one(void *arg, const Cascade__V1__Event *ev, char *err, size_t errlen)
{
    struct folding *f = arg;
    if (ev->seq == 1 || f->first_ms == 0)
        f->first_ms = ev->time_ms;
    if (f->to.by_time && ev->time_ms > f->to.time_ms)
        return HISTORY_STOP;
    int rc = okr_fold_event(&f->st, ev);
    if (rc < 0) {
        snprintf(err, errlen, "The history of %s cannot be rebuilt: its event #%llu (%.40s %.20s) "
                 "does not fit what came before it.", f->ws, (unsigned long long)ev->seq,
                 ev->type, ev->entity);
        return -1;
    }
    f->unknown += rc == OKR_FOLD_UNKNOWN;
    f->last_ms = ev->time_ms;
    return !f->to.by_time && ev->seq >= f->to.seq ? HISTORY_STOP : HISTORY_MORE;
}

/* Reads --at: a sequence number, or a moment. NULL, or the sentence saying
 * what is wrong with it. */
static const char *parse_at(const char *at, struct target *to, char *buf, size_t buflen)
{
    const char *p = at[0] == '#' ? at + 1 : at;
    if (p[0] >= '0' && p[0] <= '9' && strspn(p, "0123456789") == strlen(p)) {
        char *end;
        unsigned long long v = strtoull(p, &end, 10);
        if (v == 0 || strlen(p) > 19)
            return "--at 0 names no event: the first is #1 (give a sequence number from 1, or "
                   "a time).";
        to->seq = v;
        return NULL;
    }
    to->by_time = 1;
    int64_t now = clock_now_ms();
    if (when_parse(at, now, &to->time_ms, buf, buflen) != 0)
        return buf;
    if (to->time_ms > now) {
        snprintf(buf, buflen, "--at %.40s is in the future; the history ends now.", at);
        return buf;
    }
    return NULL;
}

static cJSON *json_at(const Cascade__V1__Snapshot *now, const struct folding *f)
{
    const Cascade__V1__WorkshopInfo *info = now->info;
    cJSON *o = cJSON_CreateObject();
    cJSON *w = cJSON_AddObjectToObject(o, "workshop");
    cJSON *as_of = cJSON_AddObjectToObject(o, "as_of");
    if (w == NULL || as_of == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddStringToObject(w, "code", now->workshop);
    cJSON_AddStringToObject(w, "title", info != NULL ? info->title : "");
    cJSON_AddStringToObject(w, "period", info != NULL ? info->period : "");
    cJSON_AddNumberToObject(w, "seq", (double)f->st.seq);
    if (f->st.closed_by != NULL && f->st.closed_by[0] != '\0') {
        cJSON *c = cJSON_AddObjectToObject(w, "closed");
        cJSON_AddStringToObject(c, "by", f->st.closed_by);
        cJSON_AddNumberToObject(c, "at_ms", (double)f->st.closed_ms);
    }
    cJSON_AddNumberToObject(as_of, "seq", (double)f->st.seq);
    cJSON_AddNumberToObject(as_of, "time_ms", (double)f->last_ms);
    cJSON_AddNumberToObject(as_of, "latest_seq", (double)f->latest);
    if (okr_json_add_state(o, &f->st) != 0) {
        cJSON_Delete(o);
        return NULL;
    }
    /* The brainstorm is not rebuilt: leave it out rather than show none. */
    cJSON_DeleteItemFromObject(o, "ideas");
    return o;
}

static int print_at(const struct cli *cli, const Cascade__V1__Snapshot *now,
                    const struct folding *f)
{
    if (cli->json)
        return output_json(json_at(now, f)) == 0 ? EXIT_OK : EXIT_REFUSED;
    char when[64];
    when_format(f->last_ms, when, sizeof when);
    printf("As of #%llu, %s; the workshop is at #%llu now.\n", (unsigned long long)f->st.seq,
           when, (unsigned long long)f->latest);
    const Cascade__V1__WorkshopInfo *info = now->info;
    struct render_header h = {
        .code = now->workshop,
        .title = info != NULL ? info->title : now->workshop,
        .period = info != NULL ? info->period : "",
        .seq = f->st.seq,
    };
    return render_tree(stdout, &h, &f->st, output_color()) == 0 ? EXIT_OK : EXIT_REFUSED;
}

int show_at(struct cli *cli, struct args *a, const char *at)
{
    char ws[SETTINGS_CODE_MAX + 1], err[1024], why[300];
    struct folding f = {.ws = ws};
    const char *problem = parse_at(at, &f.to, why, sizeof why);
    int rc = cli_finish(cli, a, "show", problem, ws);
    if (rc != EXIT_OK)
        return rc;
    struct client *c;
    if ((rc = cli_connect_user(cli, &c)) != EXIT_OK)
        return rc;
    /* Today's snapshot: the title, and how far the history goes. */
    Cascade__V1__Snapshot *now;
    struct okr_state today;
    rc = snapshot_request(c, ws, &now, &today, err, sizeof err);
    okr_state_free(&today);
    if (rc != EXIT_OK) {
        client_close(c);
        cli_error("%s", err);
        return rc;
    }
    if (!f.to.by_time && f.to.seq > now->seq) {
        client_close(c);
        cli_error("Workshop %s has no event #%llu yet; its last is #%llu.", ws,
                  (unsigned long long)f.to.seq, (unsigned long long)now->seq);
        wire_snapshot_free(now);
        return EXIT_REFUSED;
    }
    okr_state_init(&f.st);
    uint64_t last;
    rc = history_each(c, ws, fold_one, &f, &last, err, sizeof err);
    client_close(c);
    /* Changes made since the snapshot may have been read too. */
    f.latest = last > now->seq ? last : now->seq;
    if (rc == EXIT_OK && f.st.seq == 0) {
        char began[64], asked[64];
        when_format(f.first_ms, began, sizeof began);
        when_format(f.to.time_ms, asked, sizeof asked);
        if (f.first_ms != 0)
            snprintf(err, sizeof err, "Workshop %s began at %s, after %s: there is nothing to "
                     "show yet then.", ws, began, asked);
        else
            snprintf(err, sizeof err, "Workshop %s has no history yet.", ws);
        rc = EXIT_REFUSED;
    }
    if (rc == EXIT_OK) {
        if (f.unknown > 0)
            cli_error("%zu events of types this cascade does not know were left out; a newer "
                      "client may show more.", f.unknown);
        rc = print_at(cli, now, &f);
        if (rc != EXIT_OK)
            cli_error("Out of memory while printing the cascade.");
    } else {
        cli_error("%s", err);
    }
    okr_state_free(&f.st);
    wire_snapshot_free(now);
    return rc;
}
