#include "store_schema.h"

#include "store.h"

/* migrations[i] takes a database from schema version i to i + 1. Each runs in
 * its own transaction together with the user_version bump, so a crash leaves
 * the database at one version or the next, never between. Never edit a
 * shipped entry; append a new one and raise STORE_SCHEMA_VERSION. */
const char *const STORE_MIGRATIONS[] = {
    /* 0 -> 1 */
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT UNIQUE NOT NULL,"
    "  password_hash TEXT NOT NULL,"
    "  admin INTEGER NOT NULL,"
    "  disabled INTEGER NOT NULL DEFAULT 0,"
    "  created_ms INTEGER NOT NULL);"
    "CREATE TABLE tokens ("
    "  hash BLOB PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  expires_ms INTEGER NOT NULL);"
    "CREATE INDEX tokens_user ON tokens(user_id);"
    "CREATE TABLE workshops ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT UNIQUE NOT NULL,"
    "  title TEXT NOT NULL,"
    "  period TEXT NOT NULL,"
    "  created_by INTEGER REFERENCES users(id),"
    "  created_ms INTEGER NOT NULL,"
    "  next_team INTEGER NOT NULL DEFAULT 1,"
    "  next_objective INTEGER NOT NULL DEFAULT 1,"
    "  next_key_result INTEGER NOT NULL DEFAULT 1);"
    "CREATE TABLE participants ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  role INTEGER NOT NULL,"
    "  joined_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (workshop_id, user_id));"
    "CREATE TABLE events ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  seq INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  time_ms INTEGER NOT NULL,"
    "  type TEXT NOT NULL,"
    "  entity TEXT NOT NULL,"
    "  payload BLOB NOT NULL,"
    "  PRIMARY KEY (workshop_id, seq)) WITHOUT ROWID;"
    "CREATE TABLE teams ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  num INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  parent INTEGER NOT NULL,"
    "  level INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (workshop_id, num));"
    "CREATE TABLE objectives ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  num INTEGER NOT NULL,"
    "  team INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  owner TEXT,"
    "  aligns_to INTEGER NOT NULL,"
    "  inherits INTEGER NOT NULL,"
    "  committed INTEGER NOT NULL,"
    "  rationale TEXT,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (workshop_id, num));"
    "CREATE TABLE key_results ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  num INTEGER NOT NULL,"
    "  objective INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  owner TEXT,"
    "  milestone INTEGER NOT NULL,"
    "  start REAL,"
    "  target REAL,"
    "  current REAL,"
    "  unit TEXT,"
    "  done INTEGER NOT NULL,"
    "  confidence REAL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (workshop_id, num));",
    /* 1 -> 2: the full OKR model: objective status and the
     * necessary-and-sufficient test, key result status and blockers,
     * initiatives, dependencies and comments. */
    "ALTER TABLE workshops ADD COLUMN next_initiative INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE workshops ADD COLUMN next_comment INTEGER NOT NULL DEFAULT 1;"
    "ALTER TABLE objectives ADD COLUMN status INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objectives ADD COLUMN necessary INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objectives ADD COLUMN necessary_by TEXT;"
    "ALTER TABLE objectives ADD COLUMN necessary_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objectives ADD COLUMN sufficient INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objectives ADD COLUMN sufficient_by TEXT;"
    "ALTER TABLE objectives ADD COLUMN sufficient_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE key_results ADD COLUMN status INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE key_results ADD COLUMN blocker TEXT;"
    "CREATE TABLE initiatives ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  num INTEGER NOT NULL,"
    "  key_result INTEGER NOT NULL,"
    "  title TEXT NOT NULL,"
    "  done INTEGER NOT NULL,"
    "  version INTEGER NOT NULL,"
    "  PRIMARY KEY (workshop_id, num));"
    "CREATE TABLE dependencies ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  key_result INTEGER NOT NULL,"
    "  depends_on INTEGER NOT NULL,"
    "  UNIQUE (workshop_id, key_result, depends_on));"
    "CREATE TABLE comments ("
    "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
    "  num INTEGER NOT NULL,"
    "  target_kind TEXT NOT NULL,"
    "  target INTEGER NOT NULL,"
    "  author TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  time_ms INTEGER NOT NULL,"
    "  PRIMARY KEY (workshop_id, num));"
    "CREATE INDEX events_entity ON events(workshop_id, entity, seq);",
    /* 2 -> 3: field stamps, for field-level conflicts between edits. */
    ("ALTER TABLE objectives ADD COLUMN stamps TEXT;"
     "ALTER TABLE key_results ADD COLUMN stamps TEXT;"),
    /* 3 -> 4: roles. Who belongs to which team, and the invite codes that
     * grant a role. A participant with role 0 was removed (kicked). */
    ("CREATE TABLE team_members ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  team INTEGER NOT NULL,"
     "  user_id INTEGER NOT NULL REFERENCES users(id),"
     "  PRIMARY KEY (workshop_id, team, user_id));"
     "CREATE TABLE invites ("
     "  code TEXT PRIMARY KEY,"
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  role INTEGER NOT NULL,"
     "  team INTEGER NOT NULL,"
     "  created_by INTEGER REFERENCES users(id),"
     "  created_ms INTEGER NOT NULL);"),
    /* 4 -> 5: invites that expire. Those made before stay good (0: never). */
    "ALTER TABLE invites ADD COLUMN expires_ms INTEGER NOT NULL DEFAULT 0;",
    /* 5 -> 6: when a participant was removed, so that invites made before
     * are useless to them. For those removed earlier the time is unknown:
     * the upgrade counts as the removal, which refuses older invites. */
    ("ALTER TABLE participants ADD COLUMN removed_ms INTEGER NOT NULL DEFAULT 0;"
     "UPDATE participants SET removed_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000"
     " WHERE role = 0;"),
    /* 6 -> 7: running a workshop. Settings a facilitator changes
     * (observers may comment), invites that count their uses and can be
     * revoked, when each participant was last seen, and comments that are
     * resolved rather than removed. */
    ("ALTER TABLE workshops ADD COLUMN observer_comments INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE invites ADD COLUMN uses INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE invites ADD COLUMN revoked_ms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE invites ADD COLUMN revoked_by TEXT;"
     "CREATE INDEX invites_workshop ON invites(workshop_id, created_ms);"
     "ALTER TABLE participants ADD COLUMN last_seen_ms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE comments ADD COLUMN resolved_by TEXT;"
     "ALTER TABLE comments ADD COLUMN resolved_ms INTEGER NOT NULL DEFAULT 0;"),
    /* 7 -> 8: ideas and the dot vote. An anonymous idea's author is NULL:
     * it is not kept anywhere. Ballots are the secret part of a vote, read
     * by nobody but their voter until it is revealed. */
    ("CREATE TABLE ideas ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  num INTEGER NOT NULL,"
     "  text TEXT NOT NULL,"
     "  author TEXT,"
     "  time_ms INTEGER NOT NULL,"
     "  revealed INTEGER NOT NULL,"
     "  hidden_by TEXT,"
     "  merged_into INTEGER NOT NULL,"
     "  promoted_kind TEXT,"
     "  promoted_num INTEGER NOT NULL,"
     "  PRIMARY KEY (workshop_id, num));"
     "CREATE TABLE votes ("
     "  workshop_id INTEGER PRIMARY KEY REFERENCES workshops(id),"
     "  number INTEGER NOT NULL,"
     "  state INTEGER NOT NULL,"
     "  budget INTEGER NOT NULL,"
     "  max_per_idea INTEGER NOT NULL,"
     "  closes_ms INTEGER NOT NULL,"
     "  started_by TEXT,"
     "  started_ms INTEGER NOT NULL);"
     "CREATE TABLE ballots ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  voter TEXT NOT NULL,"
     "  idea INTEGER NOT NULL,"
     "  count INTEGER NOT NULL,"
     "  PRIMARY KEY (workshop_id, voter, idea));"
     "ALTER TABLE workshops ADD COLUMN next_idea INTEGER NOT NULL DEFAULT 1;"
     "ALTER TABLE objectives ADD COLUMN from_idea INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE key_results ADD COLUMN from_idea INTEGER NOT NULL DEFAULT 0;"),
    /* 8 -> 9: a workshop's agenda and shared timer, one row per workshop
     * holding its packed cascade.v1.Agenda (steps, timer, ready signals):
     * at most 50 steps, written whole at each change and checkpoint. */
    ("CREATE TABLE agendas ("
     "  workshop_id INTEGER PRIMARY KEY REFERENCES workshops(id),"
     "  agenda BLOB NOT NULL);"),
    /* 9 -> 10: blind confidence rounds. A round, the key results it
     * covers, and each person's value, kept here and never in the event
     * log, where it would be replayed before the reveal. */
    ("CREATE TABLE confidence_rounds ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  num INTEGER NOT NULL,"
     "  open INTEGER NOT NULL,"
     "  applied INTEGER NOT NULL DEFAULT 0,"
     "  started_by TEXT NOT NULL,"
     "  started_ms INTEGER NOT NULL,"
     "  started_seq INTEGER NOT NULL,"
     "  revealed_by TEXT NOT NULL DEFAULT '',"
     "  revealed_ms INTEGER NOT NULL DEFAULT 0,"
     "  revealed_seq INTEGER NOT NULL DEFAULT 0,"
     "  PRIMARY KEY (workshop_id, num));"
     "CREATE TABLE confidence_round_key_results ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  round INTEGER NOT NULL,"
     "  key_result INTEGER NOT NULL,"
     "  PRIMARY KEY (workshop_id, round, key_result));"
     "CREATE TABLE confidence_submissions ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  round INTEGER NOT NULL,"
     "  key_result INTEGER NOT NULL,"
     "  user TEXT NOT NULL,"
     "  confidence REAL NOT NULL,"
     "  time_ms INTEGER NOT NULL,"
     "  PRIMARY KEY (workshop_id, round, key_result, user));"),
    /* 10 -> 11: key results' weights; NULL is the default weight, 1. */
    "ALTER TABLE key_results ADD COLUMN weight REAL;",
    /* 11 -> 12: closing the quarter. A closed workshop has a row in
     * workshop_closures and the grades fixed at its close in final_grades
     * (kind 'O' or 'K'); a reopen deletes both. An objective's closing note
     * is part of it. */
    ("ALTER TABLE objectives ADD COLUMN close_note TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE workshop_closures ("
     "  workshop_id INTEGER PRIMARY KEY REFERENCES workshops(id),"
     "  closed_by TEXT NOT NULL,"
     "  closed_ms INTEGER NOT NULL);"
     "CREATE TABLE final_grades ("
     "  workshop_id INTEGER NOT NULL REFERENCES workshops(id),"
     "  kind TEXT NOT NULL,"
     "  num INTEGER NOT NULL,"
     "  score REAL NOT NULL,"
     "  PRIMARY KEY (workshop_id, kind, num));"),
    /* 12 -> 13: the check-in cadence. A period's dates ('' when its text is
     * a free title), the time zone, the rule ('off': none), and how far
     * the schedule's due dates have been given as events; when each key
     * result was last checked in (0: never). */
    ("ALTER TABLE workshops ADD COLUMN period_from TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE workshops ADD COLUMN period_to TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE workshops ADD COLUMN timezone TEXT NOT NULL DEFAULT 'UTC';"
     "ALTER TABLE workshops ADD COLUMN cadence TEXT NOT NULL DEFAULT 'off';"
     "ALTER TABLE workshops ADD COLUMN cadence_done_ms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE key_results ADD COLUMN checked_in_ms INTEGER NOT NULL DEFAULT 0;"),
    /* 13 -> 14: the retrospective's cards (ideas of a retro kind, about an
     * objective), a vote's scope, and where workshop next carried an
     * objective or key result from (NULL: nowhere). */
    "ALTER TABLE ideas ADD COLUMN retro INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE ideas ADD COLUMN on_objective INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE votes ADD COLUMN retro INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE objectives ADD COLUMN carried_from TEXT;"
    "ALTER TABLE key_results ADD COLUMN carried_from TEXT;",
    /* 14 -> 15: an administrator archives a workshop (takes it out of
     * service, keeping every row); 0: in service. */
    ("ALTER TABLE workshops ADD COLUMN archived_ms INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE workshops ADD COLUMN archived_by TEXT NOT NULL DEFAULT '';"),
};

const size_t STORE_MIGRATION_COUNT = sizeof STORE_MIGRATIONS / sizeof STORE_MIGRATIONS[0];

_Static_assert(sizeof STORE_MIGRATIONS / sizeof STORE_MIGRATIONS[0] == STORE_SCHEMA_VERSION,
               "one migration per schema version");

#define USER_COLUMNS "id, name, password_hash, admin, disabled, created_ms"

#define WORKSHOP_COLUMNS                                                                   \
    "id, code, title, period, created_by, created_ms, observer_comments, period_from,"     \
    " period_to, timezone, cadence, cadence_done_ms, archived_ms, archived_by"

const char *const STORE_SQL[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_BEGIN_READ] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_USER_VERSION] = "PRAGMA user_version",
    [ST_USER_ADD] = "INSERT INTO users (name, password_hash, admin, created_ms)"
                    " VALUES (?, ?, ?, ?) RETURNING id",
    [ST_USER_BY_NAME] = "SELECT " USER_COLUMNS " FROM users WHERE name = ?",
    [ST_USER_BY_ID] = "SELECT " USER_COLUMNS " FROM users WHERE id = ?",
    [ST_USER_COUNT] = "SELECT count(*) FROM users",
    [ST_USER_EACH] = "SELECT " USER_COLUMNS " FROM users ORDER BY name",
    [ST_TOKEN_ADD] = "INSERT INTO tokens (hash, user_id, created_ms, expires_ms)"
                     " VALUES (?, ?, ?, ?)",
    [ST_TOKEN_GET] = "SELECT user_id, expires_ms FROM tokens WHERE hash = ?",
    [ST_TOKEN_DELETE] = "DELETE FROM tokens WHERE hash = ?",
    [ST_TOKEN_DELETE_USER] = "DELETE FROM tokens WHERE user_id = ?",
    [ST_TOKEN_DELETE_USER_EXCEPT] = "DELETE FROM tokens WHERE user_id = ? AND hash <> ?",
    [ST_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ? WHERE id = ?",
    [ST_USER_SET_DISABLED] = "UPDATE users SET disabled = ? WHERE id = ?",
    [ST_USER_COUNT_ADMINS] = "SELECT count(*) FROM users WHERE admin = 1 AND disabled = 0",
    [ST_WORKSHOP_ADD] = "INSERT INTO workshops (code, title, period, created_by, created_ms)"
                        " VALUES (?, ?, ?, ?, ?) RETURNING id",
    [ST_WORKSHOP_EACH] = "SELECT " WORKSHOP_COLUMNS " FROM workshops ORDER BY id",
    [ST_WORKSHOP_BY_ID] = "SELECT " WORKSHOP_COLUMNS " FROM workshops WHERE id = ?",
    [ST_WORKSHOP_BY_CODE] = "SELECT " WORKSHOP_COLUMNS " FROM workshops WHERE code = ?",
    /* Each workshop's last seq: an index probe each (cluster.c asks every
     * second). */
    [ST_WORKSHOP_SEQS] = "SELECT w.id, coalesce((SELECT max(e.seq) FROM events e"
                         " WHERE e.workshop_id = w.id), 0) FROM workshops w",
    /* Several nodes on one database (store_cluster.c): nothing to do for
     * SQLite, which has one writer. */
    [ST_WORKSHOP_LOCK] = "SELECT 1",
    [ST_WORKSHOP_TRY_LOCK] = "SELECT 1",
    [ST_WORKSHOP_NOTIFY] = "SELECT 1",
    [ST_NOTIFY] = "SELECT 1",
    [ST_WORKSHOP_COUNTERS] = "SELECT next_team, next_objective, next_key_result,"
                             " next_initiative, next_comment, next_idea FROM workshops"
                             " WHERE id = ?",
    [ST_PARTICIPANT_SET] = "INSERT INTO participants (workshop_id, user_id, role, joined_ms)"
                           " VALUES (?, ?, ?, ?)"
                           " ON CONFLICT (workshop_id, user_id) DO UPDATE SET role = excluded.role",
    [ST_PARTICIPANT_EACH] = "SELECT user_id, role, joined_ms, last_seen_ms FROM participants"
                            " WHERE workshop_id = ? ORDER BY user_id",
    [ST_TEAMS_LOAD] = "SELECT num, name, parent, level, version FROM teams"
                      " WHERE workshop_id = ? ORDER BY num",
    [ST_OBJECTIVES_LOAD] = "SELECT num, team, title, owner, aligns_to, inherits, committed,"
                           " rationale, version, status, necessary, necessary_by, necessary_ms,"
                           " sufficient, sufficient_by, sufficient_ms, stamps, from_idea,"
                           " close_note, carried_from FROM objectives WHERE workshop_id = ? ORDER BY num",
    [ST_KEY_RESULTS_LOAD] = "SELECT num, objective, title, owner, milestone, start, target,"
                            " current, unit, done, confidence, version, status, blocker, stamps,"
                            " from_idea, weight, checked_in_ms, carried_from FROM key_results"
                            " WHERE workshop_id = ? ORDER BY num",
    [ST_EVENT_LAST_SEQ] = "SELECT coalesce(max(seq), 0) FROM events WHERE workshop_id = ?",
    [ST_EVENT_APPEND] = "INSERT INTO events (workshop_id, seq, actor, time_ms, type, entity,"
                        " payload) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [ST_EVENT_EACH] = "SELECT seq, payload FROM events WHERE workshop_id = ? AND seq > ?"
                      " ORDER BY seq LIMIT ?",
    [ST_TEAM_SAVE] = "INSERT INTO teams (workshop_id, num, name, parent, level, version)"
                     " VALUES (?, ?, ?, ?, ?, ?)"
                     " ON CONFLICT (workshop_id, num) DO UPDATE SET name = excluded.name,"
                     " parent = excluded.parent, level = excluded.level,"
                     " version = excluded.version",
    [ST_OBJECTIVE_SAVE] = "INSERT INTO objectives (workshop_id, num, team, title, owner, aligns_to,"
                          " inherits, committed, rationale, version, status, necessary,"
                          " necessary_by, necessary_ms, sufficient, sufficient_by, sufficient_ms,"
                          " stamps, from_idea, close_note, carried_from)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          " ON CONFLICT (workshop_id, num) DO UPDATE SET team = excluded.team,"
                          " title = excluded.title, owner = excluded.owner,"
                          " aligns_to = excluded.aligns_to, inherits = excluded.inherits,"
                          " committed = excluded.committed, rationale = excluded.rationale,"
                          " version = excluded.version, status = excluded.status,"
                          " necessary = excluded.necessary, necessary_by = excluded.necessary_by,"
                          " necessary_ms = excluded.necessary_ms,"
                          " sufficient = excluded.sufficient, sufficient_by = excluded.sufficient_by,"
                          " sufficient_ms = excluded.sufficient_ms, stamps = excluded.stamps,"
                          " from_idea = excluded.from_idea, close_note = excluded.close_note,"
                          " carried_from = excluded.carried_from",
    [ST_KEY_RESULT_SAVE] = "INSERT INTO key_results (workshop_id, num, objective, title, owner,"
                           " milestone, start, target, current, unit, done, confidence, version,"
                           " status, blocker, stamps, from_idea, weight, checked_in_ms, carried_from)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                           " ON CONFLICT (workshop_id, num) DO UPDATE SET"
                           " objective = excluded.objective, title = excluded.title,"
                           " owner = excluded.owner, milestone = excluded.milestone,"
                           " start = excluded.start, target = excluded.target,"
                           " current = excluded.current, unit = excluded.unit,"
                           " done = excluded.done, confidence = excluded.confidence,"
                           " version = excluded.version, status = excluded.status,"
                           " blocker = excluded.blocker, stamps = excluded.stamps,"
                           " from_idea = excluded.from_idea, weight = excluded.weight,"
                           " checked_in_ms = excluded.checked_in_ms,"
                           " carried_from = excluded.carried_from",
    [ST_OBJECTIVE_DELETE] = "DELETE FROM objectives WHERE workshop_id = ? AND num = ?",
    [ST_KEY_RESULT_DELETE] = "DELETE FROM key_results WHERE workshop_id = ? AND num = ?",
    [ST_COUNTERS_SAVE] = "UPDATE workshops SET next_team = ?, next_objective = ?,"
                         " next_key_result = ?, next_initiative = ?, next_comment = ?,"
                         " next_idea = ? WHERE id = ?",
    [ST_INITIATIVES_LOAD] = "SELECT num, key_result, title, done, version FROM initiatives"
                            " WHERE workshop_id = ? ORDER BY num",
    [ST_DEPENDENCIES_LOAD] = "SELECT key_result, depends_on FROM dependencies"
                             " WHERE workshop_id = ? ORDER BY rowid",
    [ST_COMMENTS_LOAD] = "SELECT num, target_kind, target, author, text, time_ms, resolved_by,"
                         " resolved_ms FROM comments WHERE workshop_id = ? ORDER BY num",
    [ST_INITIATIVE_SAVE] = "INSERT INTO initiatives (workshop_id, num, key_result, title, done,"
                           " version) VALUES (?, ?, ?, ?, ?, ?)"
                           " ON CONFLICT (workshop_id, num) DO UPDATE SET"
                           " key_result = excluded.key_result, title = excluded.title,"
                           " done = excluded.done, version = excluded.version",
    [ST_DEPENDENCY_SAVE] = "INSERT INTO dependencies (workshop_id, key_result, depends_on)"
                           " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    [ST_COMMENT_SAVE] = "INSERT INTO comments (workshop_id, num, target_kind, target, author,"
                        " text, time_ms, resolved_by, resolved_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (workshop_id, num) DO UPDATE SET text = excluded.text,"
                        " resolved_by = excluded.resolved_by, resolved_ms = excluded.resolved_ms",
    [ST_KR_INITIATIVES_DELETE] = "DELETE FROM initiatives WHERE workshop_id = ? AND key_result = ?",
    [ST_KR_DEPENDENCIES_DELETE] = "DELETE FROM dependencies WHERE workshop_id = ?"
                                  " AND (key_result = ?2 OR depends_on = ?2)",
    [ST_COMMENTS_ON_DELETE] = "DELETE FROM comments WHERE workshop_id = ? AND target_kind = ?"
                              " AND target = ?",
    [ST_TEAM_MEMBER_ADD] = "INSERT INTO team_members (workshop_id, team, user_id)"
                           " VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    [ST_TEAM_MEMBER_EACH] = "SELECT team, user_id FROM team_members WHERE workshop_id = ?"
                            " ORDER BY team, rowid",
    [ST_TEAM_MEMBERS_DELETE_USER] = "DELETE FROM team_members WHERE workshop_id = ?"
                                    " AND user_id = ?",
    [ST_INVITE_ADD] = "INSERT INTO invites (code, workshop_id, role, team, created_by, created_ms,"
                      " expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [ST_INVITE_GET] = "SELECT workshop_id, role, team, expires_ms, created_ms, uses, revoked_ms"
                      " FROM invites WHERE code = ?",
    [ST_PARTICIPANT_REMOVED_AT] = "UPDATE participants SET removed_ms = ?"
                                  " WHERE workshop_id = ? AND user_id = ?",
    [ST_COMMENT_DELETE] = "DELETE FROM comments WHERE workshop_id = ? AND num = ?",
    [ST_WORKSHOP_SET_CODE] = "UPDATE workshops SET code = ? WHERE id = ?",
    [ST_PARTICIPANT_REMOVED_MS] = "SELECT removed_ms FROM participants"
                                  " WHERE workshop_id = ? AND user_id = ?",
    [ST_EVENT_EACH_ENTITY] = "SELECT seq, payload FROM events WHERE workshop_id = ?"
                             " AND entity = ? ORDER BY seq",
    [ST_WORKSHOP_SET_OBSERVER_COMMENTS] = "UPDATE workshops SET observer_comments = ? WHERE id = ?",
    [ST_WORKSHOP_SET_SCHEDULE] = "UPDATE workshops SET period = ?, period_from = ?, period_to = ?,"
                                 " timezone = ?, cadence = ?, cadence_done_ms = ? WHERE id = ?",
    [ST_WORKSHOP_SET_CADENCE_DONE] = "UPDATE workshops SET cadence_done_ms = ? WHERE id = ?",
    [ST_WORKSHOP_SET_ARCHIVED] = "UPDATE workshops SET archived_ms = ?, archived_by = ? WHERE id = ?",
    [ST_EVENT_LAST_TIME] = "SELECT time_ms FROM events WHERE workshop_id = ?"
                           " ORDER BY seq DESC LIMIT 1",
    [ST_WORKSHOP_SCHEDULE] = "SELECT period, period_from, period_to, timezone, cadence,"
                             " cadence_done_ms FROM workshops WHERE id = ?",
    [ST_INVITE_USED] = "UPDATE invites SET uses = uses + 1 WHERE code = ?",
    [ST_INVITE_REVOKE] = "UPDATE invites SET revoked_ms = ?, revoked_by = ?"
                         " WHERE code = ? AND workshop_id = ? AND revoked_ms = 0",
    /* The newest first, so that a long list cut short keeps what matters. */
    [ST_INVITE_EACH] = "SELECT i.code, i.role, i.team, i.expires_ms, i.created_ms, i.uses,"
                       " i.revoked_ms, coalesce(u.name, '') FROM invites i"
                       " LEFT JOIN users u ON u.id = i.created_by"
                       " WHERE i.workshop_id = ? ORDER BY i.created_ms DESC, i.code LIMIT ?",
    [ST_INVITE_COUNT_OPEN] = "SELECT count(*) FROM invites WHERE workshop_id = ? AND revoked_ms = 0"
                             " AND (expires_ms = 0 OR expires_ms > ?)",
    [ST_PARTICIPANT_SEEN] = "UPDATE participants SET last_seen_ms = ?"
                            " WHERE workshop_id = ? AND user_id = ?",
    [ST_TEAM_DELETE] = "DELETE FROM teams WHERE workshop_id = ? AND num = ?",
    [ST_TEAM_MEMBERS_DELETE_TEAM] = "DELETE FROM team_members WHERE workshop_id = ? AND team = ?",
    [ST_TEAM_MEMBER_REMOVE] = "DELETE FROM team_members WHERE workshop_id = ? AND team = ?"
                              " AND user_id = ?",
    [ST_IDEAS_LOAD] = "SELECT num, text, author, time_ms, revealed, hidden_by, merged_into,"
                      " promoted_kind, promoted_num, retro, on_objective FROM ideas WHERE workshop_id = ? ORDER BY num",
    [ST_IDEA_SAVE] = "INSERT INTO ideas (workshop_id, num, text, author, time_ms, revealed,"
                     " hidden_by, merged_into, promoted_kind, promoted_num, retro, on_objective)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                     " ON CONFLICT (workshop_id, num) DO UPDATE SET revealed = excluded.revealed,"
                     " hidden_by = excluded.hidden_by, merged_into = excluded.merged_into,"
                     " promoted_kind = excluded.promoted_kind,"
                     " promoted_num = excluded.promoted_num",
    [ST_VOTE_LOAD] = "SELECT number, state, budget, max_per_idea, closes_ms, started_by,"
                     " started_ms, retro FROM votes WHERE workshop_id = ?",
    [ST_VOTE_SAVE] = "INSERT INTO votes (workshop_id, number, state, budget, max_per_idea,"
                     " closes_ms, started_by, started_ms, retro) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                     " ON CONFLICT (workshop_id) DO UPDATE SET number = excluded.number,"
                     " state = excluded.state, budget = excluded.budget,"
                     " max_per_idea = excluded.max_per_idea, closes_ms = excluded.closes_ms,"
                     " started_by = excluded.started_by, started_ms = excluded.started_ms,"
                     " retro = excluded.retro",
    [ST_BALLOTS_LOAD] = "SELECT voter, idea, count FROM ballots WHERE workshop_id = ?"
                        " ORDER BY rowid",
    [ST_BALLOT_SAVE] = "INSERT INTO ballots (workshop_id, voter, idea, count) VALUES (?, ?, ?, ?)"
                       " ON CONFLICT (workshop_id, voter, idea) DO UPDATE SET"
                       " count = excluded.count",
    [ST_BALLOT_DELETE] = "DELETE FROM ballots WHERE workshop_id = ? AND voter = ? AND idea = ?",
    [ST_BALLOTS_DELETE] = "DELETE FROM ballots WHERE workshop_id = ?",
    /* Confidence rounds (store_round.c). */
    [ST_ROUND_ADD] = "INSERT INTO confidence_rounds (workshop_id, num, open, started_by,"
                     " started_ms, started_seq) VALUES (?, ?, 1, ?, ?, ?)",
    [ST_ROUND_KEY_RESULT_ADD] = "INSERT INTO confidence_round_key_results (workshop_id, round,"
                                " key_result) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    [ST_ROUND_REVEAL] = "UPDATE confidence_rounds SET open = 0, applied = ?, revealed_by = ?,"
                        " revealed_ms = ?, revealed_seq = ? WHERE workshop_id = ? AND num = ?",
    [ST_ROUND_SUBMIT] = "INSERT INTO confidence_submissions (workshop_id, round, key_result, \"user\","
                        " confidence, time_ms) VALUES (?, ?, ?, ?, ?, ?)"
                        " ON CONFLICT (workshop_id, round, key_result, \"user\") DO UPDATE SET"
                        " confidence = excluded.confidence, time_ms = excluded.time_ms",
    [ST_ROUND_LATEST] = "SELECT num, open, applied, started_by, started_ms, started_seq,"
                        " revealed_by, revealed_ms, revealed_seq FROM confidence_rounds"
                        " WHERE workshop_id = ? ORDER BY num DESC LIMIT 1",
    [ST_ROUND_KEY_RESULT_EACH] = "SELECT key_result FROM confidence_round_key_results"
                                 " WHERE workshop_id = ? AND round = ? ORDER BY key_result",
    [ST_ROUND_SUBMISSION_EACH] = "SELECT key_result, \"user\", confidence FROM confidence_submissions"
                                 " WHERE workshop_id = ? AND round = ? ORDER BY key_result, \"user\"",
    /* Closing the quarter (store_closing.c). */
    [ST_CLOSURE_LOAD] = "SELECT closed_by, closed_ms FROM workshop_closures WHERE workshop_id = ?",
    [ST_CLOSURE_SAVE] = "INSERT INTO workshop_closures (workshop_id, closed_by, closed_ms)"
                        " VALUES (?, ?, ?) ON CONFLICT (workshop_id) DO UPDATE SET"
                        " closed_by = excluded.closed_by, closed_ms = excluded.closed_ms",
    [ST_CLOSURE_DELETE] = "DELETE FROM workshop_closures WHERE workshop_id = ?",
    [ST_GRADES_LOAD] = "SELECT kind, num, score FROM final_grades WHERE workshop_id = ?",
    [ST_GRADE_SAVE] = "INSERT INTO final_grades (workshop_id, kind, num, score) VALUES (?, ?, ?, ?)",
    [ST_GRADES_DELETE] = "DELETE FROM final_grades WHERE workshop_id = ?",
    [ST_AGENDA_SAVE] = "INSERT INTO agendas (workshop_id, agenda) VALUES (?, ?)"
                       " ON CONFLICT (workshop_id) DO UPDATE SET agenda = excluded.agenda",
    [ST_AGENDA_LOAD] = "SELECT agenda FROM agendas WHERE workshop_id = ?",
    [ST_DATABASE_SIZE] = "SELECT 0",
};
