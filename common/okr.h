/* The OKR domain as plain C: teams, objectives and key results of one
 * workshop, shared by the server (authoritative state), the client (what
 * `show` renders) and the store. Strings are owned by the struct holding
 * them (malloc'd, freed by the okr_*_clear functions). Entities are referred
 * to by their kind and number: T3 is team 3, O7 objective 7, K12 key result 12. */
#ifndef CASCADE_OKR_H
#define CASCADE_OKR_H

#include <stddef.h>
#include <stdint.h>

enum okr_kind {
    OKR_TEAM = 'T',
    OKR_OBJECTIVE = 'O',
    OKR_KEY_RESULT = 'K',
    OKR_INITIATIVE = 'I',
    OKR_COMMENT = 'C',
    OKR_IDEA = 'D',  /* a brainstormed idea (ideas.h) */
    OKR_VOTE = 'V',  /* a dot vote on the ideas (ideas.h) */
};

/* An objective's life: drafted, agreed (final), then put away (archived). */
enum okr_status { OKR_DRAFT = 0, OKR_FINAL = 1, OKR_ARCHIVED = 2 };

enum okr_answer { OKR_ANSWER_NONE = 0, OKR_YES = 1, OKR_NO = 2 };

/* One answer of the necessary-and-sufficient test, with who gave it and when. */
struct okr_check {
    enum okr_answer answer;
    char *by; /* NULL or "" when unanswered */
    int64_t at_ms;
};

/* How the owner sees a key result going. */
enum okr_kr_status { OKR_ON_TRACK = 0, OKR_AT_RISK = 1, OKR_OFF_TRACK = 2 };

enum okr_level {
    OKR_LEVEL_NONE = 0,
    OKR_LEVEL_COMPANY = 1,
    OKR_LEVEL_DEPARTMENT = 2,
    OKR_LEVEL_TEAM = 3,
    OKR_LEVEL_INDIVIDUAL = 4,
};

/* Longest user name a server stores, in bytes (names are checked to 32 ASCII
 * characters when made; the room is for structures that hold any of them). */
#define OKR_NAME_MAX 80

/* Longest accepted texts, in bytes (UTF-8). The server's operator may move
 * each one (cascaded --text-limit KIND=BYTES) between 1 and its ceiling below;
 * the ceilings size the few fixed buffers that hold such texts. */
struct okr_limits {
    size_t team_name; /* team names */
    size_t title;     /* objective, key result, initiative and workshop titles */
    size_t text;      /* rationales, check-in notes and blockers, comments */
    size_t unit;      /* a key result's unit */
    size_t period;    /* a workshop's period */
};

#define OKR_LIMITS_DEFAULT {80, 200, 2000, 24, 32}
#define OKR_TEAM_NAME_CAP 400
#define OKR_TITLE_CAP 1000
#define OKR_TEXT_CAP 16000
#define OKR_UNIT_CAP 64
#define OKR_PERIOD_CAP 64

extern const struct okr_limits okr_limits_default;

/* Applies one "KIND=BYTES" (kinds: team-name, title, text, unit, period) to
 * limits. A wrong kind, a malformed number or one outside 1..ceiling gives
 * CAS_EINVAL with a sentence in err and leaves limits unchanged. */
int okr_limits_set(struct okr_limits *limits, const char *spec, char *err, size_t errlen);

struct okr_team {
    uint32_t num;
    char *name;
    uint32_t parent; /* 0: none */
    enum okr_level level;
    uint64_t version; /* bumped by every change to this team */
    /* Its members' user names, as a snapshot lists them (the server keeps
     * membership with the workshop's participants, not here). */
    char **members;
    size_t nmembers;
};

struct okr_objective {
    uint32_t num;
    uint32_t team;
    char *title;
    char *owner;     /* user name, "" when none */
    uint32_t aligns_to; /* objective number, 0: none */
    uint32_t inherits;  /* key result number, 0: none */
    int committed;      /* 1 committed, 0 aspirational */
    char *rationale;
    uint64_t version;
    enum okr_status status;
    struct okr_check necessary, sufficient;
    char *stamps; /* when each field last changed and by whom: see stamps.h; NULL or "" */
    uint32_t from_idea; /* the idea it was promoted from, 0: none */
    /* Closing the quarter (closing.h): why it ended as it did (NULL or ""
     * for none), and its grade, fixed while the workshop is closed. */
    char *close_note;
    int graded;
    double final_score;
    char *carried_from; /* "PN73UU7QXK/O1" when workshop next carried it; NULL or "" */
};

struct okr_key_result {
    uint32_t num;
    uint32_t objective;
    char *title;
    char *owner;
    int milestone; /* 1: done/not done; 0: metric from start to target */
    double start, target, current;
    char *unit;
    int done;
    double confidence; /* 0..1 */
    uint64_t version;
    enum okr_kr_status status;
    char *blocker; /* the open blocker from the latest check-in; NULL or "" when none */
    char *stamps;  /* when each field last changed and by whom: see stamps.h */
    uint32_t from_idea; /* the idea it was promoted from, 0: none */
    /* Its share of its objective's score, relative to the others' (read it
     * with okr_key_result_weight): 1 unless set, 0 leaves it out. */
    int has_weight;
    double weight;
    /* Its grade, fixed while the workshop is closed (closing.h). */
    int graded;
    double final_score;
    /* When it was last checked in (Unix ms; 0: never), for the check-in
     * cadence (cadence.h). */
    int64_t checked_in_ms;
    /* A client's copy, from its snapshot when the workshop has a cadence:
     * the due time of the check-in it owes (0: none) and whether it is
     * overdue. */
    int64_t next_due_ms;
    int overdue;
    char *carried_from; /* "PN73UU7QXK/K4" when workshop next carried it; NULL or "" */
};

/* The heaviest weight a key result may carry (weights are relative). */
#define OKR_WEIGHT_MAX 100.0

/* A key result's weight: 1 unless one was set. */
double okr_key_result_weight(const struct okr_key_result *k);

struct okr_initiative {
    uint32_t num;
    uint32_t key_result;
    char *title;
    int done;
    uint64_t version;
};

/* Key result `key_result` needs `depends_on` (usually another team's). */
struct okr_dependency {
    uint32_t key_result, depends_on;
};

struct okr_comment {
    uint32_t num;
    enum okr_kind target_kind; /* OKR_OBJECTIVE or OKR_KEY_RESULT */
    uint32_t target;
    char *author;
    char *text;
    int64_t time_ms;
    char *resolved_by; /* who marked it resolved; NULL or "" while open */
    int64_t resolved_ms;
};

/* What a retrospective card says of the last cycle; OKR_RETRO_NONE for a
 * brainstorm idea. The order is the report's. */
enum okr_retro_kind {
    OKR_RETRO_NONE = 0,
    OKR_RETRO_CONTINUE = 1,
    OKR_RETRO_CHANGE = 2,
    OKR_RETRO_STOP = 3,
    OKR_RETRO_START = 4,
};

/* A brainstormed idea (D1, D2, ...), or a retrospective card (retro set). Until a facilitator reveals the ideas
 * each is seen by its author alone; an anonymous one by nobody, since it
 * keeps no author at all. */
struct okr_idea {
    uint32_t num;
    char *text;
    char *author; /* NULL or "" for an anonymous idea */
    int64_t time_ms;
    int revealed;
    char *hidden_by;      /* a facilitator hid it (moderation); NULL or "" when shown */
    uint32_t merged_into; /* a duplicate folded into that idea; 0 when not */
    enum okr_kind promoted_kind; /* what it became (OKR_OBJECTIVE or OKR_KEY_RESULT) ... */
    uint32_t promoted_num;       /* ... and its number; 0 when not promoted */
    uint32_t votes; /* a client's copy: its dots, as sent once the vote is revealed */
    enum okr_retro_kind retro; /* a retrospective card's kind; shown at once */
    uint32_t on;               /* the objective a card is about, 0: none */
};

/* The workshop's dot vote on its ideas: one at a time. */
enum okr_vote_state { OKR_VOTE_NONE = 0, OKR_VOTE_OPEN = 1, OKR_VOTE_REVEALED = 2 };

struct okr_vote {
    enum okr_vote_state state;
    uint32_t number;       /* votes held in this workshop so far: V1, V2, ... */
    uint32_t budget;       /* dots per person */
    uint32_t max_per_idea; /* dots one person may put on one idea */
    int64_t closes_ms;     /* no dots after this; 0: until the reveal */
    char *started_by;
    int64_t started_ms;
    uint32_t voters; /* a client's copy: how many have placed dots */
    int retro;       /* on the retrospective's cards, not the brainstorm's ideas */
};

/* One person's dots on one idea. Secret until the vote is revealed: only the
 * voter ever reads their own. */
struct okr_ballot {
    char *voter;
    uint32_t idea;
    uint32_t count;
};

/* One workshop's cascade. Arrays are kept sorted by number. */
struct okr_state {
    struct okr_team *teams;
    size_t nteams, cap_teams;
    struct okr_objective *objectives;
    size_t nobjectives, cap_objectives;
    struct okr_key_result *key_results;
    size_t nkey_results, cap_key_results;
    struct okr_initiative *initiatives;
    size_t ninitiatives, cap_initiatives;
    struct okr_dependency *dependencies; /* in the order they were added */
    size_t ndependencies, cap_dependencies;
    struct okr_comment *comments;
    size_t ncomments, cap_comments;
    uint32_t next_team, next_objective, next_key_result; /* never reused */
    uint32_t next_initiative, next_comment;
    uint64_t seq; /* the last event applied */
    struct okr_idea *ideas;
    size_t nideas, cap_ideas;
    uint32_t next_idea;
    /* In a client's copy, only the reader's own dots (and the ideas it may see). */
    struct okr_ballot *ballots;
    size_t nballots, cap_ballots;
    struct okr_vote vote;
    uint32_t ideas_unrevealed; /* a client's copy: ideas it cannot see yet */
    /* Closing the quarter (closing.h): who closed the workshop and when;
     * closed_by is NULL or "" while it is open. */
    char *closed_by;
    int64_t closed_ms;
};

void okr_state_init(struct okr_state *s);
void okr_state_free(struct okr_state *s);

/* Lookups by number; NULL when absent. */
struct okr_team *okr_team_find(const struct okr_state *s, uint32_t num);
struct okr_objective *okr_objective_find(const struct okr_state *s, uint32_t num);
struct okr_key_result *okr_key_result_find(const struct okr_state *s, uint32_t num);

/* Inserts a copy of the entity (taking ownership of its strings) in number
 * order. Returns the stored entity, or NULL when out of memory (the strings
 * are then freed). */
struct okr_team *okr_team_insert(struct okr_state *s, struct okr_team *t);
struct okr_objective *okr_objective_insert(struct okr_state *s, struct okr_objective *o);
struct okr_key_result *okr_key_result_insert(struct okr_state *s, struct okr_key_result *k);

struct okr_initiative *okr_initiative_find(const struct okr_state *s, uint32_t num);
struct okr_comment *okr_comment_find(const struct okr_state *s, uint32_t num);

/* Whether s holds the entity of kind with number num. */
int okr_entity_exists(const struct okr_state *s, enum okr_kind kind, uint32_t num);
struct okr_initiative *okr_initiative_insert(struct okr_state *s, struct okr_initiative *i);
struct okr_comment *okr_comment_insert(struct okr_state *s, struct okr_comment *c);

/* Adds a dependency unless it is there already. 0 or CAS_ENOMEM. */
int okr_dependency_add(struct okr_state *s, uint32_t key_result, uint32_t depends_on);
/* Whether key_result depends on depends_on. */
int okr_dependency_exists(const struct okr_state *s, uint32_t key_result, uint32_t depends_on);

/* Removes the entity with that number (freeing its strings); 0 or CAS_ENOTFOUND.
 * Removing a key result also removes its initiatives and dependencies. */
int okr_objective_remove(struct okr_state *s, uint32_t num);
/* Removing a team removes only the team: the caller sees that nothing is in it. */
int okr_team_remove(struct okr_state *s, uint32_t num);
int okr_key_result_remove(struct okr_state *s, uint32_t num);
int okr_comment_remove(struct okr_state *s, uint32_t num);

void okr_team_clear(struct okr_team *t);
void okr_objective_clear(struct okr_objective *o);
void okr_key_result_clear(struct okr_key_result *k);
void okr_initiative_clear(struct okr_initiative *i);
void okr_comment_clear(struct okr_comment *c);

/* "draft", "final", "archived"; okr_status_parse: 0 or CAS_EINVAL. */
const char *okr_status_name(enum okr_status status);
int okr_status_parse(const char *text, enum okr_status *out);

/* "on-track", "at-risk", "off-track"; okr_kr_status_parse: 0 or CAS_EINVAL. */
const char *okr_kr_status_name(enum okr_kr_status status);
int okr_kr_status_parse(const char *text, enum okr_kr_status *out);

/* "yes", "no", or "" for unanswered; okr_answer_parse accepts yes/no. */
const char *okr_answer_name(enum okr_answer answer);
int okr_answer_parse(const char *text, enum okr_answer *out);

/* "low" below 0.4, "medium" below 0.7, else "high". */
const char *okr_confidence_name(double confidence);

/* Parses "T3" (case-insensitive kind letter) for the given kind. 0 and *num,
 * or CAS_EINVAL. */
int okr_id_parse(const char *text, enum okr_kind kind, uint32_t *num);

/* Writes "T3" into out (at least 12 bytes). */
void okr_id_format(enum okr_kind kind, uint32_t num, char *out, size_t outlen);

/* What messages call a kind, on both sides of the wire: "team", "objective",
 * "key result", "initiative", "comment"; "entity" for a value outside the
 * enum. Static strings. */
const char *okr_kind_name(enum okr_kind kind);

/* The article that goes before okr_kind_name(kind) ("an objective", "a key
 * result"): "an" before a vowel (objective, initiative, entity), else "a". */
const char *okr_kind_article(enum okr_kind kind);

/* "company", "department", "team", "individual", or "" for none. */
const char *okr_level_name(enum okr_level level);

/* Parses a level name; 0 or CAS_EINVAL. */
int okr_level_parse(const char *text, enum okr_level *out);

/* Progress of a key result, 0..1: (current - start) / (target - start)
 * clamped, 1 or 0 for a milestone, and for start == target 1 once current
 * has reached the target in the direction of travel (otherwise 0). */
double okr_key_result_progress(const struct okr_key_result *k);

/* Checks a user-supplied text: valid UTF-8, no control characters (a
 * newline is allowed only when multiline; so are U+2028/U+2029 and the
 * direction controls U+202A-U+202E, U+2066-U+2069), at most max bytes, and
 * (when required) not empty, blank or made only of invisible characters. 0, or CAS_EINVAL with a sentence naming
 * `what` and the limit in err. */
int okr_text_check(const char *text, const char *what, size_t max, int required, int multiline,
                   char *err, size_t errlen);

/* Copies text a client sent into out for quoting in a message that goes
 * back to a terminal: at most max_chars characters, each control character
 * or invalid UTF-8 byte replaced by '?', cut only between characters, and
 * "..." added when cut. out holds outlen bytes (at least 8). */
void okr_text_quote(const char *text, size_t max_chars, char *out, size_t outlen);

#endif
