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
    ST_COUNT
};

extern const char *const STORE_SQL[ST_COUNT];

#endif
