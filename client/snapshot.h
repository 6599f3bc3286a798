/* The workshop's whole current state, from one Snapshot (which comes in
 * chunks): what show, score
 * and lint read, and what a creating or editing command consults to print
 * an entity's score. */
#ifndef CASCADE_SNAPSHOT_H
#define CASCADE_SNAPSHOT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "cli.h"
#include "okr.h"

/* Asks c for workshop's snapshot, puts its chunks together and converts
 * it; a server busy sending others theirs is asked again after the wait it
 * names, a few times. EXIT_OK with *snap (free with wire_snapshot_free)
 * and st filled; otherwise *snap is NULL, st is empty, a sentence is in err
 * and the exit status is returned (EXIT_REFUSED for the server's refusal,
 * EXIT_UNREACHABLE for a lost connection or a snapshot this client cannot
 * read). st is initialised by the call either way; free it with
 * okr_state_free. Prints nothing. */
int snapshot_request(struct client *c, const char *workshop, Cascade__V1__Snapshot **snap,
                     struct okr_state *st, char *err, size_t errlen);

/* The workshop as show, score and lint read it. */
struct snapshot {
    Cascade__V1__Snapshot *snap;        /* as the server sent it */
    struct okr_state st;                /* converted */
};

/* The prologue of those commands, once they took their own options: ends
 * the arguments and picks the workshop (cli_finish), then connects as the
 * user, fetches the snapshot (snapshot_request) and closes. EXIT_OK with s filled (free it with
 * snapshot_close); otherwise the failure is printed, its exit status
 * returned, and there is nothing to close. */
int snapshot_open(const struct cli *cli, struct args *a, const char *command, struct snapshot *s);

void snapshot_close(struct snapshot *s);

/* A new JSON object {"workshop":{"code","title","period","seq"}} naming the
 * snapshot's workshop, for a command to add its own members to; NULL when
 * out of memory. */
cJSON *snapshot_json_head(const Cascade__V1__Snapshot *snap);

#endif
