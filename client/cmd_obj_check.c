/* cascade obj check O# [--necessary yes|no] [--sufficient yes|no]
 * The necessary-and-sufficient test of an objective: "are all these key
 * results necessary?" and "if we achieve them all, is the objective
 * achieved?". The server records each answer with who gave it and when; an
 * objective should pass both before it is made final. Prints "Recorded for
 * O3: necessary yes, sufficient not answered.", or with --json the
 * objective. */
#include <stdio.h>

#include "change.h"
#include "cli.h"
#include "convert.h"
#include "session.h"
#include "settings.h"

/* Takes "--flag yes|no"; *out stays unspecified when absent. */
static int take_answer(struct args *a, const char *cmd, const char *flag, Cascade__V1__Answer *out)
{
    const char *v;
    char msg[128];
    enum okr_answer answer;
    int r = args_value(a, flag, &v);
    if (r < 0)
        return cli_usage(cmd, a->err);
    *out = CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED;
    if (r == 0)
        return EXIT_OK;
    if (okr_answer_parse(v, &answer) != 0) {
        snprintf(msg, sizeof msg, "%s takes yes or no, not '%s'.", flag, v);
        return cli_usage(cmd, msg);
    }
    *out = answer == OKR_YES ? CASCADE__V1__ANSWER__YES : CASCADE__V1__ANSWER__NO;
    return EXIT_OK;
}

static const char *answer_text(const Cascade__V1__Check *c)
{
    if (c == NULL || c->answer == CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED)
        return "not answered";
    return c->answer == CASCADE__V1__ANSWER__YES ? "yes" : "no";
}

int cmd_obj_check(struct cli *cli, struct args *a)
{
    const char *cmd = "obj check";
    struct change_target t;
    Cascade__V1__ObjectiveCheck msg = CASCADE__V1__OBJECTIVE_CHECK__INIT;
    int rc;
    if ((rc = take_answer(a, cmd, "--necessary", &msg.necessary)) != EXIT_OK ||
        (rc = take_answer(a, cmd, "--sufficient", &msg.sufficient)) != EXIT_OK)
        return rc;
    const char *problem = NULL;
    if (msg.necessary == CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED &&
        msg.sufficient == CASCADE__V1__ANSWER__ANSWER_UNSPECIFIED)
        problem = "Answer at least one question: --necessary yes|no, --sufficient yes|no.";
    rc = change_take_target(cli, a, cmd, OKR_OBJECTIVE, problem, &t);
    if (rc != EXIT_OK)
        return rc;
    msg.workshop = t.workshop;
    msg.id = t.id;
    WireFrame req = CLIENT_REQUEST(objective_check, OBJECTIVE_CHECK, &msg);
    if (cli->json)
        return change_send(cli, t.workshop, &req, CHANGE_UPDATE, NULL);

    /* The sentence names both answers as they now stand, so it needs the Ack. */
    WireFrame *reply;
    rc = cli_request(cli, &req, CASCADE__V1__FRAME__BODY_ACK, &reply);
    if (rc != EXIT_OK)
        return rc;
    const Cascade__V1__Ack *ack = reply->ack;
    const Cascade__V1__Objective *o =
        ack->entity_case == CASCADE__V1__ACK__ENTITY_OBJECTIVE ? ack->objective : NULL;
    printf("Recorded for %s: necessary %s, sufficient %s.\n", t.id,
           answer_text(o != NULL ? o->necessary : NULL),
           answer_text(o != NULL ? o->sufficient : NULL));
    wire_free(reply);
    return EXIT_OK;
}
