/* cascade export: a workshop's state, as a snapshot gives it, written as
 *   json      everything an import needs to make the cascade again (the
 *             `show --json` entities without versions, members, cadence
 *             and ideas),
 *             under {"format":"cascade-export","version":1,"workshop":{...}};
 *   csv       the spreadsheet shape, one row per key result (RFC 4180,
 *             UTF-8, CRLF): team path, objective, key result, start,
 *             current, target, unit, owner, weight (only when a key result
 *             weighs other than 1), score, confidence; an objective without key results
 *             and a team without objectives get a row of their own;
 *   markdown  the summary a facilitator pastes into a wiki: the OKRs by
 *             team in tree order with owners and scores (the fixed grades
 *             once closed), dependencies, open comments, and the decisions
 *             (objectives agreed final, closing notes, resolved comments,
 *             the retrospective's cards with their votes).
 * Each writes to out; 0, or -1 when out of memory or out fails. */
#ifndef CASCADE_EXPORT_H
#define CASCADE_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "okr.h"
#include "wire.h"

/* The "format" of a JSON export, which import looks for. */
#define EXPORT_JSON_FORMAT "cascade-export"

int export_json(FILE *out, const Cascade__V1__Snapshot *snap, const struct okr_state *s);
int export_csv(FILE *out, const struct okr_state *s);
int export_markdown(FILE *out, const Cascade__V1__Snapshot *snap, const struct okr_state *s);

/* A team's path of names from its root ("Company/Sales/EMEA") into out. */
void export_team_path(const struct okr_state *s, uint32_t team, char *out, size_t outlen);

/* Writes one CSV field as RFC 4180 wants it: quoted (inner quotes doubled)
 * when it holds a comma, a quote, a line break or leading or trailing
 * spaces. */
void export_csv_field(FILE *out, const char *text);

#endif
