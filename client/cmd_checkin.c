/* cascade checkin K# (--value V | --done | --undone) [--confidence C]
 *                    [--note TEXT] [--blocker TEXT] [--status STATUS]
 * One dated update of a key result: its new value (a metric's current value,
 * a milestone's done or not done), how confident its owner is, a note, the
 * blocker open now (every check-in reports the blockers of now: one without
 * --blocker clears the open one), and its status. A check-in may also carry
 * only a confidence, status, note or blocker. Prints "Checked in K3.", or
 * with --json the key result as it now is. */
#include <stdio.h>

#include "change.h"
#include "cli.h"
#include "session.h"
#include "settings.h"

int cmd_checkin(struct cli *cli, struct args *a)
{
    const char *cmd = "checkin", *note = "", *blocker = "", *status = NULL;
    char done_text[64];
    struct change_target t;
    double value = 0, confidence = 0;
    int has_value, has_confidence, rc;
    if (args_value(a, "--note", &note) < 0 || args_value(a, "--blocker", &blocker) < 0 ||
        args_value(a, "--status", &status) < 0)
        return cli_usage(cmd, a->err);
    if ((rc = change_take_number_flag(a, cmd, "--value", &has_value, &value)) != EXIT_OK ||
        (rc = change_take_number_flag(a, cmd, "--confidence", &has_confidence, &confidence)) !=
            EXIT_OK)
        return rc;
    int done = args_flag(a, "--done"), undone = args_flag(a, "--undone");
    if (has_value + done + undone > 1)
        return cli_usage(cmd, "--value, --done and --undone exclude each other: a metric takes "
                              "--value, a milestone --done or --undone.");
    if (has_confidence && !(confidence >= 0 && confidence <= 1))
        return cli_usage(cmd, "--confidence must be a number from 0 (no chance) to 1 (certain).");
    enum okr_kr_status st = OKR_ON_TRACK;
    if (status != NULL && okr_kr_status_parse(status, &st) != 0)
        return cli_usage(cmd, "--status must be on-track, at-risk or off-track.");
    const char *problem = NULL;
    if (!has_value && !done && !undone && !has_confidence && status == NULL && note[0] == '\0' &&
        blocker[0] == '\0')
        problem = "Say what to check in: --value V (a metric), --done or --undone (a milestone), "
                  "or at least one of --confidence, --status, --note and --blocker.";
    rc = change_take_target(cli, a, cmd, OKR_KEY_RESULT, problem, &t);
    if (rc != EXIT_OK)
        return rc;
    Cascade__V1__CheckIn msg = CASCADE__V1__CHECK_IN__INIT;
    msg.workshop = t.workshop;
    msg.key_result = t.id;
    if (has_value) {
        msg.value_case = CASCADE__V1__CHECK_IN__VALUE_CURRENT;
        msg.current = value;
    } else if (done || undone) {
        msg.value_case = CASCADE__V1__CHECK_IN__VALUE_DONE;
        msg.done = done;
    }
    msg.has_confidence = has_confidence;
    msg.confidence = confidence;
    msg.note = (char *)note;
    msg.blocker = (char *)blocker;
    msg.status = (char *)(status != NULL ? okr_kr_status_name(st) : "");
    WireFrame req = CLIENT_REQUEST(check_in, CHECK_IN, &msg);
    snprintf(done_text, sizeof done_text, "Checked in %s.", t.id);
    return change_send(cli, t.workshop, &req, CHANGE_UPDATE, done_text);
}
