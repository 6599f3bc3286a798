/* The database schema: its migrations and every statement the store runs.
 * Plain text, kept apart from the code that runs it. */
#ifndef CASCADE_STORE_SCHEMA_H
#define CASCADE_STORE_SCHEMA_H

#include <stddef.h>

/* STORE_MIGRATIONS[i] takes a database from schema version i to i + 1. */
extern const char *const STORE_MIGRATIONS[];
extern const size_t STORE_MIGRATION_COUNT;

/* Every prepared statement, by name; STORE_SQL holds their text. */
enum store_stmt {
    ST_BEGIN,
    ST_BEGIN_READ,
    ST_COMMIT,
    ST_ROLLBACK,
    ST_USER_VERSION,
    ST_USER_ADD,
    ST_USER_BY_NAME,
    ST_USER_BY_ID,
    ST_USER_COUNT,
    ST_USER_EACH,
    ST_TOKEN_ADD,
    ST_TOKEN_GET,
    ST_TOKEN_DELETE,
    ST_TOKEN_DELETE_USER,
    ST_WORKSHOP_ADD,
    ST_WORKSHOP_EACH,
    ST_WORKSHOP_BY_ID,
    ST_WORKSHOP_BY_CODE,
    ST_WORKSHOP_SEQS,
    ST_WORKSHOP_LOCK,
    ST_WORKSHOP_TRY_LOCK,
    ST_WORKSHOP_NOTIFY,
    ST_NOTIFY,
    ST_WORKSHOP_COUNTERS,
    ST_PARTICIPANT_SET,
    ST_PARTICIPANT_EACH,
    ST_TEAMS_LOAD,
    ST_OBJECTIVES_LOAD,
    ST_KEY_RESULTS_LOAD,
    ST_EVENT_LAST_SEQ,
    ST_EVENT_APPEND,
    ST_EVENT_EACH,
    ST_TEAM_SAVE,
    ST_OBJECTIVE_SAVE,
    ST_KEY_RESULT_SAVE,
    ST_OBJECTIVE_DELETE,
    ST_KEY_RESULT_DELETE,
    ST_COUNTERS_SAVE,
    ST_INITIATIVES_LOAD,
    ST_DEPENDENCIES_LOAD,
    ST_COMMENTS_LOAD,
    ST_INITIATIVE_SAVE,
    ST_DEPENDENCY_SAVE,
    ST_COMMENT_SAVE,
    ST_KR_INITIATIVES_DELETE,
    ST_KR_DEPENDENCIES_DELETE,
    ST_COMMENTS_ON_DELETE,
    ST_EVENT_EACH_ENTITY,
    ST_USER_SET_PASSWORD,
    ST_USER_SET_DISABLED,
    ST_USER_COUNT_ADMINS,
    ST_TOKEN_DELETE_USER_EXCEPT,
    ST_TEAM_MEMBER_ADD,
    ST_TEAM_MEMBER_EACH,
    ST_TEAM_MEMBERS_DELETE_USER,
    ST_INVITE_ADD,
    ST_INVITE_GET,
    ST_PARTICIPANT_REMOVED_AT,
    ST_PARTICIPANT_REMOVED_MS,
    ST_WORKSHOP_SET_CODE,
    ST_COMMENT_DELETE,
    ST_WORKSHOP_SET_OBSERVER_COMMENTS,
    ST_WORKSHOP_SET_SCHEDULE,
    ST_WORKSHOP_SET_CADENCE_DONE,
    ST_WORKSHOP_SET_ARCHIVED,
    ST_EVENT_LAST_TIME,
    ST_WORKSHOP_SCHEDULE,
    ST_INVITE_USED,
    ST_INVITE_REVOKE,
    ST_INVITE_EACH,
    ST_INVITE_COUNT_OPEN,
    ST_PARTICIPANT_SEEN,
    ST_TEAM_DELETE,
    ST_TEAM_MEMBERS_DELETE_TEAM,
    ST_TEAM_MEMBER_REMOVE,
    ST_IDEAS_LOAD,
    ST_IDEA_SAVE,
    ST_VOTE_LOAD,
    ST_VOTE_SAVE,
    ST_BALLOTS_LOAD,
    ST_BALLOT_SAVE,
    ST_BALLOT_DELETE,
    ST_BALLOTS_DELETE,
    /* Confidence rounds. */
    ST_ROUND_ADD,
    ST_ROUND_KEY_RESULT_ADD,
    ST_ROUND_REVEAL,
    ST_ROUND_SUBMIT,
    ST_ROUND_LATEST,
    ST_ROUND_KEY_RESULT_EACH,
    ST_ROUND_SUBMISSION_EACH,
    /* Closing the quarter (store_closing.c). */
    ST_CLOSURE_LOAD,
    ST_CLOSURE_SAVE,
    ST_CLOSURE_DELETE,
    ST_GRADES_LOAD,
    ST_GRADE_SAVE,
    ST_GRADES_DELETE,
    /* A workshop's agenda (store_agenda.c). */
    ST_AGENDA_SAVE,
    ST_AGENDA_LOAD,
    /* The database's size (PostgreSQL only; SQLite's files are measured). */
    ST_DATABASE_SIZE,
    ST_COUNT
};

extern const char *const STORE_SQL[ST_COUNT];

/* PostgreSQL's text where it differs from STORE_SQL (NULL: the same). */
extern const char *const STORE_SQL_PG[ST_COUNT];

/* PostgreSQL's schema (store_pg_schema.c): STORE_PG_BASELINE creates it
 * whole at STORE_PG_BASELINE_VERSION; STORE_PG_MIGRATIONS[i] then takes it
 * from STORE_PG_BASELINE_VERSION + i to the next version, as
 * STORE_MIGRATIONS does for SQLite. */
#define STORE_PG_BASELINE_VERSION 15

/* The notification channel of committed changes, and the first key of the
 * workshops' advisory locks (the second is the workshop's id). */
#define STORE_PG_CHANNEL "cascade_events"
#define STORE_PG_GUESS_CHANNEL "cascade_guesses"
#define STORE_PG_PRESENCE_CHANNEL "cascade_presence"
#define STORE_PG_SESSIONS_CHANNEL "cascade_sessions"
#define STORE_PG_LOCK_SPACE "7448"
extern const char *const STORE_PG_BASELINE;
extern const char *const STORE_PG_MIGRATIONS[];
extern const size_t STORE_PG_MIGRATION_COUNT;

#endif
