/* cascade idea add | list | reveal | hide | merge | promote, and cascade
 * vote start | D# | undo | status | reveal: the brainstorm and the dot vote
 * of a workshop's first steps. Until a facilitator reveals them, each person
 * sees only their own ideas; until the vote is revealed, nobody sees a
 * tally: the server never sends one, so these commands cannot show one. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "clock.h"
#include "convert.h"
#include "ideas.h"
#include "okr_json.h"
#include "output.h"
#include "render.h"
#include "session.h"
#include "settings.h"
#include "snapshot.h"

/* One line: "D3 Grow in Asia (bob)" with what became of it. */
static void print_idea(const struct okr_state *s, const struct okr_idea *i, int show_votes)
{
    char text[RENDER_FLAT_MAX];
    if (okr_idea_hidden(i)) {
        printf("D%u (hidden by %s)\n", i->num, i->hidden_by);
        return;
    }
    render_flat(i->text, text, sizeof text);
    printf("D%u %s", i->num, text);
    printf(" (%s)", okr_idea_anonymous(i) ? "anonymous" : i->author);
    if (!i->revealed)
        printf(" [not revealed yet]");
    if (i->merged_into)
        printf(" → merged into D%u", i->merged_into);
    if (i->promoted_num)
        printf(" → %c%u", (char)i->promoted_kind, i->promoted_num);
    if (show_votes && okr_idea_in_vote(&s->vote, i))
        printf(" · %u vote%s", i->votes, i->votes == 1 ? "" : "s");
    uint32_t mine = okr_ballot_count(s, "", i->num, 0);
    if (mine)
        printf(" · your votes: %u", mine);
    putchar('\n');
}

static int list(struct cli *cli, struct args *a)
{
    struct snapshot v;
    int rc = snapshot_open(cli, a, "idea list", &v);
    if (rc != EXIT_OK)
        return rc;
    const struct okr_state *s = &v.st;
    int revealed_vote = s->vote.state == OKR_VOTE_REVEALED;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(o, "ideas");
        for (size_t i = 0; i < s->nideas; i++)
            if (s->ideas[i].retro == OKR_RETRO_NONE)
                cJSON_AddItemToArray(arr, okr_json_idea(&s->ideas[i]));
        cJSON_AddNumberToObject(o, "unrevealed", s->ideas_unrevealed);
        output_json(o);
    } else {
        uint32_t mine_waiting = 0;
        size_t shown = 0;
        for (size_t i = 0; i < s->nideas; i++) {
            if (s->ideas[i].retro != OKR_RETRO_NONE)
                continue; /* retro list shows the retrospective's cards */
            shown++;
            print_idea(s, &s->ideas[i], revealed_vote);
            mine_waiting += !s->ideas[i].revealed;
        }
        /* Others' ideas waiting for the reveal: a count, never their text. */
        uint32_t others = s->ideas_unrevealed - mine_waiting;
        if (shown == 0 && s->ideas_unrevealed == 0)
            printf("No ideas yet; add one with 'cascade idea add TEXT'.\n");
        else if (others)
            printf("%u more idea%s not revealed yet; a facilitator shows them with 'cascade "
                   "idea reveal'.\n",
                   others, others == 1 ? "" : "s");
    }
    snapshot_close(&v);
    return EXIT_OK;
}

static int add(struct cli *cli, struct args *a)
{
    const char *cmd = "idea add";
    char ws[SETTINGS_CODE_MAX + 1];
    int anonymous = args_flag(a, "--anonymous");
    const char *text = args_next(a);
    int rc = cli_finish(cli, a, cmd, text == NULL ? "Give the idea's text." : NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__IdeaAdd msg = CASCADE__V1__IDEA_ADD__INIT;
    msg.workshop = ws;
    msg.text = (char *)text;
    msg.anonymous = anonymous;
    WireFrame req = CLIENT_REQUEST(idea_add, IDEA_ADD, &msg);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply)) != EXIT_OK)
        return rc;
    return idea_print_added(cli, reply);
}

int idea_print_added(const struct cli *cli, WireFrame *reply)
{
    if (cli->json) {
        struct okr_idea i;
        if (reply->ack->idea != NULL && convert_idea_from_wire(reply->ack->idea, &i) == 0) {
            output_json(okr_json_idea(&i));
            okr_idea_clear(&i);
        }
    } else {
        printf("%s\n", reply->ack->id);
    }
    wire_free(reply);
    return EXIT_OK;
}

/* Commands that name one idea and carry nothing back but an Ack. */
static int reveal(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "idea reveal", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__IdeaReveal msg = CASCADE__V1__IDEA_REVEAL__INIT;
    msg.workshop = ws;
    WireFrame req = CLIENT_REQUEST(idea_reveal, IDEA_REVEAL, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "revealed", 1);
    return change_send_acked(cli, &req, o, "The ideas are revealed; 'cascade idea list' shows "
                                           "them.");
}

static int hide(struct cli *cli, struct args *a)
{
    int undo = args_flag(a, "--undo");
    struct change_target t;
    int rc = change_take_target(cli, a, "idea hide", OKR_IDEA, NULL, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__IdeaHide msg = CASCADE__V1__IDEA_HIDE__INIT;
    msg.workshop = t.workshop;
    msg.id = t.id;
    msg.undo = undo;
    WireFrame req = CLIENT_REQUEST(idea_hide, IDEA_HIDE, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", t.id);
    cJSON_AddBoolToObject(o, "hidden", !undo);
    return change_send_acked(cli, &req, o, undo ? "%s is shown again." : "%s is hidden.", t.id);
}

static int merge(struct cli *cli, struct args *a)
{
    const char *cmd = "idea merge";
    char into[CHANGE_ID_MAX], dup[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    int rc = change_parse_id(cmd, args_next(a), OKR_IDEA, into);
    if (rc != EXIT_OK || (rc = change_parse_id(cmd, args_next(a), OKR_IDEA, dup)) != EXIT_OK ||
        (rc = cli_finish(cli, a, cmd, NULL, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__IdeaMerge msg = CASCADE__V1__IDEA_MERGE__INIT;
    msg.workshop = ws;
    msg.into = into;
    msg.id = dup;
    WireFrame req = CLIENT_REQUEST(idea_merge, IDEA_MERGE, &msg);
    return change_send_acked(cli, &req, change_json_texts("id", dup, "merged_into", into),
                             "%s is merged into %s; its votes count for %s.", dup, into, into);
}

/* idea promote D# (--objective --team T# | --kr O# (--from X --to Y [--unit U] |
 * --milestone)) [--title T] [--owner U] */
static int promote(struct cli *cli, struct args *a)
{
    const char *cmd = "idea promote", *title = "", *owner = "", *unit = "";
    char team[CHANGE_ID_MAX], objective[CHANGE_ID_MAX], idea[CHANGE_ID_MAX];
    char ws[SETTINGS_CODE_MAX + 1];
    double from = 0, to = 0;
    int has_from, has_to, rc;
    int as_objective = args_flag(a, "--objective"), milestone = args_flag(a, "--milestone");
    if (args_value(a, "--title", &title) < 0 || args_value(a, "--owner", &owner) < 0 ||
        args_value(a, "--unit", &unit) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = change_take_id_flag(a, cmd, "--team", OKR_TEAM, team)) != EXIT_OK ||
        (rc = change_take_id_flag(a, cmd, "--kr", OKR_OBJECTIVE, objective)) != EXIT_OK ||
        (rc = change_take_number_flag(a, cmd, "--from", &has_from, &from)) != EXIT_OK ||
        (rc = change_take_number_flag(a, cmd, "--to", &has_to, &to)) != EXIT_OK ||
        (rc = change_parse_id(cmd, args_next(a), OKR_IDEA, idea)) != EXIT_OK)
        return rc;
    const char *problem = NULL;
    int as_kr = objective[0] != '\0';
    if (as_objective == as_kr)
        problem = "Promote to an objective (--objective --team T#) or to a key result (--kr O# "
                  "...).";
    else if (as_objective && team[0] == '\0')
        problem = "Say which team the objective is for: --team T#.";
    else if (as_kr && !milestone && !(has_from && has_to))
        problem = "A key result needs --from X --to Y, or --milestone.";
    else if (as_kr && milestone && (has_from || has_to || unit[0]))
        problem = "A --milestone is done or not done; it takes no --from, --to or --unit.";
    if ((rc = cli_finish(cli, a, cmd, problem, ws)) != EXIT_OK)
        return rc;
    if (as_objective) {
        Cascade__V1__ObjectiveAdd msg = CASCADE__V1__OBJECTIVE_ADD__INIT;
        msg.workshop = ws;
        msg.team = team;
        msg.title = (char *)title;
        msg.owner = (char *)owner;
        msg.from_idea = idea;
        WireFrame req = CLIENT_REQUEST(objective_add, OBJECTIVE_ADD, &msg);
        return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
    }
    Cascade__V1__KeyResultAdd msg = CASCADE__V1__KEY_RESULT_ADD__INIT;
    msg.workshop = ws;
    msg.objective = objective;
    msg.title = (char *)title;
    msg.owner = (char *)owner;
    msg.milestone = milestone;
    msg.start = from;
    msg.target = to;
    msg.unit = (char *)unit;
    msg.from_idea = idea;
    WireFrame req = CLIENT_REQUEST(key_result_add, KEY_RESULT_ADD, &msg);
    return change_send(cli, ws, &req, CHANGE_CREATE, NULL);
}

int cmd_idea(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "add") == 0)
        return add(cli, a);
    if (sub != NULL && (strcmp(sub, "list") == 0 || strcmp(sub, "ls") == 0))
        return list(cli, a);
    if (sub != NULL && strcmp(sub, "reveal") == 0)
        return reveal(cli, a);
    if (sub != NULL && strcmp(sub, "hide") == 0)
        return hide(cli, a);
    if (sub != NULL && strcmp(sub, "merge") == 0)
        return merge(cli, a);
    if (sub != NULL && strcmp(sub, "promote") == 0)
        return promote(cli, a);
    return cli_usage("idea", "Use 'idea add TEXT [--anonymous]', 'idea list', 'idea reveal', "
                             "'idea hide D#', 'idea merge D# D#' or 'idea promote D# ...'.");
}

/* ---- vote ----------------------------------------------------------------------- */

static int vote_start(struct cli *cli, struct args *a)
{
    const char *cmd = "vote start", *votes = NULL, *max = NULL, *length = NULL;
    int retro = args_flag(a, "--retro");
    char ws[SETTINGS_CODE_MAX + 1];
    if (args_value(a, "--votes", &votes) < 0 || args_value(a, "--max-per-idea", &max) < 0 ||
        args_value(a, "--for", &length) < 0)
        return cli_usage(cmd, a->err);
    double nvotes = 0, nmax = 0;
    unsigned long seconds = 0;
    const char *problem = NULL;
    if (votes != NULL && (args_number(votes, &nvotes) != 0 || nvotes < 1 ||
                          nvotes > IDEAS_BUDGET_MAX || nvotes != (unsigned)nvotes))
        problem = "--votes is a whole number from 1 to 20.";
    else if (max != NULL && (args_number(max, &nmax) != 0 || nmax < 1 ||
                             nmax > IDEAS_BUDGET_MAX || nmax != (unsigned)nmax))
        problem = "--max-per-idea is a whole number from 1 to 20.";
    else if (length != NULL && args_duration(length, IDEAS_VOTE_LENGTH_MAX_S, &seconds) != 0)
        problem = "--for takes a time like 90s, 5m or 1h (at most 24h).";
    int rc = cli_finish(cli, a, cmd, problem, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__VoteStart msg = CASCADE__V1__VOTE_START__INIT;
    msg.workshop = ws;
    msg.votes = (uint32_t)nvotes;
    msg.max_per_idea = (uint32_t)nmax;
    msg.for_s = (uint32_t)seconds;
    msg.retro = retro;
    WireFrame req = CLIENT_REQUEST(vote_start, VOTE_START, &msg);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "started", 1);
    if (retro)
        cJSON_AddBoolToObject(o, "retro", 1);
    return change_send_acked(cli, &req, o, "The vote is open: 'cascade vote D#' to vote.");
}

/* vote D# [--count N] and vote undo D#: the answer says how many dots are left. */
static int vote_cast(struct cli *cli, struct args *a, const char *first, int undo)
{
    const char *cmd = undo ? "vote undo" : "vote", *count_text = NULL;
    char idea[CHANGE_ID_MAX], ws[SETTINGS_CODE_MAX + 1];
    if (!undo && args_value(a, "--count", &count_text) < 0)
        return cli_usage(cmd, a->err);
    int rc = change_parse_id(cmd, undo ? args_next(a) : first, OKR_IDEA, idea);
    if (rc != EXIT_OK)
        return rc;
    double count = 1;
    const char *problem = NULL;
    if (count_text != NULL && (args_number(count_text, &count) != 0 || count < 1 ||
                               count > IDEAS_BUDGET_MAX || count != (unsigned)count))
        problem = "--count is a whole number from 1 to 20.";
    if ((rc = cli_finish(cli, a, cmd, problem, ws)) != EXIT_OK)
        return rc;
    Cascade__V1__VoteCast cast = CASCADE__V1__VOTE_CAST__INIT;
    Cascade__V1__VoteUndo back = CASCADE__V1__VOTE_UNDO__INIT;
    cast.workshop = back.workshop = ws;
    cast.idea = back.idea = idea;
    cast.count = (uint32_t)count;
    WireFrame take_back = CLIENT_REQUEST(vote_undo, VOTE_UNDO, &back);
    WireFrame put = CLIENT_REQUEST(vote_cast, VOTE_CAST, &cast);
    WireFrame req = undo ? take_back : put;
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply)) != EXIT_OK)
        return rc;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "idea", idea);
        cJSON_AddBoolToObject(o, undo ? "undone" : "voted", 1);
        cJSON_AddStringToObject(o, "note", reply->ack->note);
        output_json(o);
    } else {
        printf("%s %s. %s\n", undo ? "Took your votes off" : "Voted for", idea, reply->ack->note);
    }
    wire_free(reply);
    return EXIT_OK;
}

/* vote status: how many have voted and your own dots, never a tally; after
 * the reveal, the results. */
static int vote_status(struct cli *cli, struct args *a)
{
    struct snapshot v;
    int rc = snapshot_open(cli, a, "vote status", &v);
    if (rc != EXIT_OK)
        return rc;
    const struct okr_state *s = &v.st;
    const Cascade__V1__VoteState *vs = v.snap->vote;
    uint32_t used = 0;
    for (size_t i = 0; i < s->nballots; i++)
        used += s->ballots[i].count;
    if (cli->json) {
        cJSON *o = cJSON_CreateObject();
        if (vs == NULL) {
            cJSON_AddNullToObject(o, "vote");
        } else {
            cJSON_AddNumberToObject(o, "number", vs->number);
            cJSON_AddStringToObject(o, "state", vs->state);
            cJSON_AddNumberToObject(o, "votes", vs->budget);
            cJSON_AddNumberToObject(o, "max_per_idea", vs->max_per_idea);
            cJSON_AddNumberToObject(o, "voters", vs->voters);
            cJSON_AddNumberToObject(o, "closes_ms", (double)vs->closes_ms);
            if (vs->retro)
                cJSON_AddBoolToObject(o, "retro", 1);
            cJSON_AddNumberToObject(o, "my_votes_used", used);
            cJSON *mine = cJSON_AddArrayToObject(o, "my_votes");
            for (size_t i = 0; i < s->nballots; i++) {
                cJSON *e = cJSON_CreateObject();
                char id[16];
                okr_id_format(OKR_IDEA, s->ballots[i].idea, id, sizeof id);
                cJSON_AddStringToObject(e, "idea", id);
                cJSON_AddNumberToObject(e, "count", s->ballots[i].count);
                cJSON_AddItemToArray(mine, e);
            }
            cJSON *results = cJSON_AddArrayToObject(o, "results");
            for (size_t i = 0; i < vs->n_tallies; i++) {
                cJSON *e = cJSON_CreateObject();
                cJSON_AddStringToObject(e, "idea", vs->tallies[i]->idea);
                cJSON_AddNumberToObject(e, "votes", vs->tallies[i]->count);
                cJSON_AddItemToArray(results, e);
            }
        }
        output_json(o);
    } else if (vs == NULL) {
        printf("No vote yet; a facilitator starts one with 'cascade vote start'.\n");
    } else {
        int open = strcmp(vs->state, "open") == 0;
        int closed = open && vs->closes_ms != 0 && clock_now_ms() >= vs->closes_ms;
        printf("Vote V%u%s is %s: %u %s voted; %u dot%s each, at most %u per idea.\n", vs->number,
               vs->retro ? " (on the retrospective's cards)" : "",
               closed ? "closed, waiting for its reveal" : vs->state, vs->voters,
               vs->voters == 1 ? "person has" : "people have", vs->budget,
               vs->budget == 1 ? "" : "s", vs->max_per_idea);
        if (open)
            printf("You have used %u of your %u votes.\n", used, vs->budget);
        for (size_t i = 0; i < s->nballots; i++)
            printf("  your votes on D%u: %u\n", s->ballots[i].idea, s->ballots[i].count);
        for (size_t i = 0; i < vs->n_tallies; i++) {
            uint32_t num = 0;
            okr_id_parse(vs->tallies[i]->idea, OKR_IDEA, &num);
            const struct okr_idea *idea = okr_idea_find(s, num);
            char text[RENDER_FLAT_MAX] = "";
            if (idea != NULL)
                render_flat(idea->text, text, sizeof text);
            printf("%2zu. %-4s %3u  %s\n", i + 1, vs->tallies[i]->idea, vs->tallies[i]->count,
                   text);
        }
    }
    snapshot_close(&v);
    return EXIT_OK;
}

static int vote_reveal(struct cli *cli, struct args *a)
{
    char ws[SETTINGS_CODE_MAX + 1];
    int rc = cli_finish(cli, a, "vote reveal", NULL, ws);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__VoteReveal msg = CASCADE__V1__VOTE_REVEAL__INIT;
    msg.workshop = ws;
    WireFrame req = CLIENT_REQUEST(vote_reveal, VOTE_REVEAL, &msg);
    WireFrame *reply;
    if ((rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply)) != EXIT_OK)
        return rc;
    wire_free(reply);
    /* The results, as everyone now sees them. */
    struct args none = {0};
    const char *keep = cli->workshop;
    cli->workshop = ws;
    rc = vote_status(cli, &none);
    cli->workshop = keep;
    return rc;
}

int cmd_vote(struct cli *cli, struct args *a)
{
    const char *sub = args_next(a);
    if (sub != NULL && strcmp(sub, "start") == 0)
        return vote_start(cli, a);
    if (sub != NULL && strcmp(sub, "undo") == 0)
        return vote_cast(cli, a, NULL, 1);
    if (sub != NULL && strcmp(sub, "status") == 0)
        return vote_status(cli, a);
    if (sub != NULL && strcmp(sub, "reveal") == 0)
        return vote_reveal(cli, a);
    if (sub != NULL && (sub[0] == 'D' || sub[0] == 'd'))
        return vote_cast(cli, a, sub, 0);
    return cli_usage("vote", "Use 'vote start [--votes 3] [--max-per-idea N] [--for 5m] [--retro]', "
                             "'vote D# [--count N]', 'vote undo D#', 'vote status' or 'vote "
                             "reveal'.");
}
