/* cascade retro add continue|change|stop|start TEXT [--on O#], retro list,
 * and retro (the report): the retrospective at the end of a cycle. Cards
 * are ideas of a retro kind (common/ideas.h), so `vote start --retro`
 * puts dots on them and hide and merge work as for ideas; unlike ideas
 * they are shown to everyone at once. The report groups them by kind and
 * orders each group by votes (once a retro vote is revealed; the server
 * sends no tally before), then by number. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "convert.h"
#include "ideas.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"

static int add(struct cli *cli, struct args *a)
{
    const char *cmd = "retro add", *on = NULL;
    char ws[SETTINGS_CODE_MAX + 1], objective[CHANGE_ID_MAX] = "";
    if (args_value(a, "--on", &on) < 0)
        return cli_usage(cmd, a->err);
    const char *kind = args_next(a), *text = args_next(a);
    enum okr_retro_kind k;
    const char *problem = NULL;
    if (kind == NULL || okr_retro_kind_parse(kind, &k) != 0)
        problem = "Say what kind of card it is: continue, change, stop or start.";
    else if (text == NULL)
        problem = "Give the card's text, e.g. retro add continue \"Weekly check-ins\".";
    int rc;
    if (problem == NULL && on != NULL &&
        (rc = change_parse_id(cmd, on, OKR_OBJECTIVE, objective)) != EXIT_OK)
        return rc;
    if ((rc = cli_finish(cli, a, cmd, problem, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__RetroAdd msg = CASCADE__V1__RETRO_ADD__INIT;
    msg.workshop = ws;
    msg.kind = (char *)kind;
    msg.text = (char *)text;
    msg.on = objective;
    WireFrame req = CLIENT_REQUEST(retro_add, RETRO_ADD, &msg);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply)) != EXIT_OK)
        return rc;
    return idea_print_added(cli, reply);
}

/* Whether the dots shown are a retro vote's revealed tallies. */
static int votes_shown(const struct okr_state *s)
{
    return s->vote.retro && s->vote.state == OKR_VOTE_REVEALED;
}

/* "D3 Weekly check-ins (mia) · on O2 · 4 votes"; with_kind, the kind
 * after the id ("D3 continue Weekly ..."). */
static void print_card(const struct okr_state *s, const struct okr_idea *d, int with_kind)
{
    char text[RENDER_FLAT_MAX];
    render_flat(d->text, text, sizeof text);
    printf("D%u ", d->num);
    if (with_kind)
        printf("%-8s ", okr_retro_kind_name(d->retro));
    printf("%s (%s)", text, okr_idea_anonymous(d) ? "anonymous" : d->author);
    if (d->on)
        printf(" · on O%u", d->on);
    if (votes_shown(s))
        printf(" · %u vote%s", d->votes, d->votes == 1 ? "" : "s");
    uint32_t mine = okr_ballot_count(s, "", d->num, 0);
    if (mine)
        printf(" · your votes: %u", mine);
    putchar('\n');
}

static cJSON *card_json(const struct okr_state *s, const struct okr_idea *d)
{
    cJSON *o = okr_json_idea(d);
    if (votes_shown(s))
        cJSON_AddNumberToObject(o, "votes", d->votes);
    else
        cJSON_AddNullToObject(o, "votes");
    return o;
}

/* retro list: every card in number order (hidden ones without their text,
 * merged ones saying where they went). */
static int list(struct cli *cli, struct args *a)
{
    struct snapshot v;
    int rc = snapshot_open(cli, a, "retro list", &v);
    if (rc != EXIT_OK)
        return rc;
    const struct okr_state *s = &v.st;
    cJSON *o = cli->json ? cJSON_CreateObject() : NULL;
    cJSON *arr = o != NULL ? cJSON_AddArrayToObject(o, "cards") : NULL;
    size_t n = 0;
    for (size_t i = 0; i < s->nideas; i++) {
        const struct okr_idea *d = &s->ideas[i];
        if (d->retro == OKR_RETRO_NONE)
            continue;
        n++;
        if (arr != NULL) {
            cJSON_AddItemToArray(arr, card_json(s, d));
        } else if (okr_idea_hidden(d)) {
            printf("D%u %-8s (hidden by %s)\n", d->num, okr_retro_kind_name(d->retro),
                   d->hidden_by);
        } else if (d->merged_into) {
            char text[RENDER_FLAT_MAX];
            render_flat(d->text, text, sizeof text);
            printf("D%u %-8s %s → merged into D%u\n", d->num, okr_retro_kind_name(d->retro),
                   text, d->merged_into);
        } else {
            print_card(s, d, 1);
        }
    }
    if (o != NULL)
        output_json(o);
    else if (n == 0)
        printf("No retrospective cards yet; add one with 'cascade retro add "
               "continue|change|stop|start TEXT'.\n");
    snapshot_close(&v);
    return EXIT_OK;
}

/* retro: the report, one group per kind in the order continue, change,
 * stop, start; each group by votes, then by number. */
static int report(struct cli *cli, struct args *a)
{
    struct snapshot v;
    int rc = snapshot_open(cli, a, "retro", &v);
    if (rc != EXIT_OK)
        return rc;
    const struct okr_state *s = &v.st;
    uint32_t *order = calloc(s->nideas + 1, sizeof *order);
    if (order == NULL) {
        snapshot_close(&v);
        cli_error("Out of memory while ordering the cards.");
        return EXIT_REFUSED;
    }
    cJSON *o = cli->json ? cJSON_CreateObject() : NULL;
    size_t total = 0;
    for (int k = OKR_RETRO_CONTINUE; k <= OKR_RETRO_START; k++) {
        size_t n = okr_retro_order(s, (enum okr_retro_kind)k, order);
        total += n;
        const char *name = okr_retro_kind_name((enum okr_retro_kind)k);
        if (o != NULL) {
            cJSON *arr = cJSON_AddArrayToObject(o, name);
            for (size_t i = 0; i < n; i++)
                cJSON_AddItemToArray(arr, card_json(s, okr_idea_find(s, order[i])));
            continue;
        }
        printf("%c%s (%zu)\n", name[0] - 'a' + 'A', name + 1, n);
        for (size_t i = 0; i < n; i++) {
            printf("  ");
            print_card(s, okr_idea_find(s, order[i]), 0);
        }
    }
    if (o != NULL) {
        cJSON_AddBoolToObject(o, "votes_revealed", votes_shown(s));
        output_json(o);
    } else if (total == 0) {
        printf("No retrospective cards yet; add one with 'cascade retro add "
               "continue|change|stop|start TEXT'.\n");
    } else if (!votes_shown(s)) {
        printf("Cards are in number order: no retro vote is revealed yet ('cascade vote start "
               "--retro').\n");
    }
    free(order);
    snapshot_close(&v);
    return EXIT_OK;
}

int cmd_retro(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub == NULL)
        return report(cli, a);
    if (strcmp(sub, "add") == 0)
        return add(cli, a);
    if (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0)
        return list(cli, a);
    if (strcmp(sub, "report") == 0)
        return report(cli, a);
    return cli_usage("retro", "Use 'retro add continue|change|stop|start TEXT [--on O#]', "
                              "'retro list' or 'retro' for the report.");
}
