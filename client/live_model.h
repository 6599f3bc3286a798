/* What `cascade live` shows, as text: for a workshop's state, the person's
 * choices (selection, folds, search, the command line) and the terminal's
 * size, the lines of the screen with the style of each part. No curses
 * here, so the whole screen can be tested as text (tests/unit/
 * test_live_model.c); live_model.c keeps the model, live_screen.c draws
 * it (live_model_render), live_term.c paints the lines, cmd_live.c feeds
 * the model from the server and the keyboard.
 *
 * The screen, top to bottom:
 *   header    title (period) · code · your role · seq · connection
 *   agenda    while a step is under way: "Step 2/6 Draft objectives · 12:34
 *             left" (time is up: highlighted), and for facilitators how many
 *             are ready; "Agenda finished" at its end
 *   banner    only while the server is away: the retry countdown
 *   tree      teams > objectives > key results, folded as chosen; each row
 *             with its score as a bar, a number to one decimal and a glyph
 *             (colour is never the only signal), owner, status, confidence,
 *             committed or aspirational, alignment, and who is editing it;
 *             rows someone else changed are highlighted for a few seconds
 *   detail    the selection: numbers, blockers, initiatives, dependencies
 *             both ways, comments, lint warnings (beside the tree when the
 *             terminal is wide, below it otherwise)
 *   presence  who is here, and what each is editing
 *   ticker    the last changes, with who made them
 *   message   the last command's result, or the command line being typed
 *   footer    the keys that work here, for this role
 * Below LIVE_MIN_COLS x LIVE_MIN_ROWS the screen says so and nothing else. */
#ifndef CASCADE_LIVE_MODEL_H
#define CASCADE_LIVE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "live_form.h"
#include "live_text.h"
#include "okr.h"
#include "wire.h"

#define LIVE_MIN_COLS 80
#define LIVE_MIN_ROWS 24
/* From this width the detail pane goes beside the tree. */
#define LIVE_WIDE_COLS 120
/* How long a row someone else changed stays highlighted. */
#define LIVE_HIGHLIGHT_MS 3000

struct live_ref {
    enum okr_kind kind;
    uint32_t num;
};

struct live_warning {
    char entity[16];
    char message[256];
};

#define LIVE_NAME_MAX 33
#define LIVE_PEOPLE_MAX 64
#define LIVE_TICKS 32
#define LIVE_TICK_BYTES 200
#define LIVE_INPUT_MAX 512
#define LIVE_OUTPUT_MAX 400

enum live_mode {
    LIVE_BROWSE,  /* moving about */
    LIVE_COMMAND, /* typing a command after ':' */
    LIVE_SEARCH,  /* typing a search after '/' */
    LIVE_HELP,    /* the keys, until any key */
    LIVE_OUTPUT,  /* a command's output, until any key */
    LIVE_FORM,    /* editing one field of the selection */
    LIVE_CONFLICT, /* the field changed meanwhile: keep theirs or apply mine */
};

/* The selected key result's check-ins, fetched for the detail pane. */
#define LIVE_HISTORY_MAX 48
struct live_history {
    struct live_ref ref; /* kind 0: none loaded */
    size_t n;            /* check-ins with a value, the last LIVE_HISTORY_MAX */
    size_t total;        /* every check-in */
    double levels[LIVE_HISTORY_MAX]; /* progress 0..1 after each */
    char last[200];      /* "bob, 12:04: two signed" */
};

/* What the server said when a form's edit conflicted. */
struct live_conflict {
    struct live_ref ref;
    char field[24];
    char now[256];   /* its value now, as text */
    char by[LIVE_NAME_MAX];
    char mine[512];  /* the value typed */
    uint64_t version; /* the entity's version now */
};


struct live_person {
    char user[LIVE_NAME_MAX];
    char editing[16]; /* an id, "" for nothing */
};

struct live_highlight {
    struct live_ref ref;
    uint64_t until_ms;
    char by[LIVE_NAME_MAX];
};

struct live_model {
    /* What the server says. */
    const struct okr_state *s; /* owned by the caller; replaced by live_model_set_state */
    char code[16];
    char title[256];
    char period[64];
    char role[16]; /* "facilitator", "member", "observer" */
    int observer_comments; /* the workshop lets observers comment */
    char me[LIVE_NAME_MAX];
    uint64_t seq;
    char trouble[160]; /* "" while connected; else the banner's text */
    /* The confidence round, as two lines under the header ("" for none):
     * its progress ("confidence round 2: 5 of 9 submitted"), and once
     * revealed each key result's range, median and a WIDE flag
     * (round_view.h makes them from the snapshot). round_wide: some
     * spread is wide, which the first line shows as a warning. */
    char round[LIVE_TICK_BYTES];
    char round_values[LIVE_TICK_BYTES];
    int round_wide;
    struct live_person people[LIVE_PEOPLE_MAX];
    size_t npeople;
    char ticks[LIVE_TICKS][LIVE_TICK_BYTES]; /* newest first */
    size_t nticks;
    struct live_highlight highlights[64];
    size_t nhighlights;

    /* What the person chose. */
    struct live_ref selected;
    struct live_ref *folded;
    size_t nfolded, cap_folded;
    size_t top; /* the first tree row on screen */
    enum live_mode mode;
    char input[LIVE_INPUT_MAX]; /* the command or search being typed */
    size_t input_len;
    char search[LIVE_INPUT_MAX];
    char message[LIVE_TICK_BYTES];
    char *output[LIVE_OUTPUT_MAX]; /* a command's output lines */
    size_t noutput;
    struct live_form form;
    struct live_conflict conflict;
    struct live_history history;
    int cursor_row, cursor_col; /* set by render: where the typing cursor is; col -1: none */
    int ascii; /* no UTF-8: ASCII glyphs only */
    int color; /* colours, as well as glyphs */

    /* Per state, computed when first needed: every entity's score (NaN:
     * not yet; teams, then objectives, then key results, in array order)
     * and lint's warnings, so that a redraw does not score a thousand
     * objectives again or lint the whole workshop. */
    double *scores;
    struct live_warning *warnings;
    size_t nwarnings;
    int linted;

    /* Running the workshop: what the agenda line shows, from the snapshot. */
    struct live_agenda {
        int shown;    /* a step under way, or the agenda finished */
        int finished, paused;
        uint32_t step, steps;
        char title[128];
        uint64_t ends_ms; /* running: when the time is up, on render's now_ms clock */
        int64_t left_ms;  /* paused: the time left */
        size_t ready;
        uint32_t ready_of;
    } agenda;

    /* The tree's visible rows, rebuilt from the state and the folds. */
    struct live_ref *rows;
    int *depth;
    size_t nrows, cap_rows;
};

void live_model_init(struct live_model *m);
void live_model_free(struct live_model *m);

/* Takes a new state (the caller keeps it alive until the next call or
 * live_model_free) and rebuilds the rows. The selection stays on its
 * entity while that exists, otherwise on the row where it was. 0, or -1
 * when out of memory (the model is then left showing no rows). */
int live_model_set_state(struct live_model *m, const struct okr_state *s);

/* Takes the agenda of a new snapshot (NULL: none): server_now_ms is the
 * server's clock now (this machine's corrected by its offset), now_ms the
 * clock render is given, so the countdown runs on that. */
void live_model_set_agenda(struct live_model *m, const Cascade__V1__Agenda *a,
                           int64_t server_now_ms, uint64_t now_ms);

/* The time left of the step under way at now_ms (negative: over time). */
int64_t live_model_agenda_left(const struct live_model *m, uint64_t now_ms);

/* Moving: by delta rows (clamped), to the first or last row. */
void live_model_move(struct live_model *m, long delta);
void live_model_home(struct live_model *m, int end);

/* Folding the selected row: fold 1, unfold 0, toggle -1. Folding a row
 * without children, or one already folded, selects its parent instead (as
 * a tree view's left arrow does). 0, or -1 when out of memory. */
int live_model_fold(struct live_model *m, int fold);

/* Selects the next row after the selection (wrapping) whose id, title or
 * owner contains text, case-insensitively, unfolding what hides it.
 * 1 when found, 0 when not. */
int live_model_search(struct live_model *m, const char *text);

/* A change from the stream: goes to the ticker, and when someone else made
 * it, highlights its row until now_ms + LIVE_HIGHLIGHT_MS. */
void live_model_event(struct live_model *m, uint64_t seq, const char *actor, const char *type,
                      const char *entity, uint64_t now_ms);

/* Presence: "join", "leave", or "editing" with an id ("" for nothing). */
void live_model_presence(struct live_model *m, const char *user, const char *change,
                         const char *entity);

/* Whether this person may edit the OKRs of team `team` (facilitators all,
 * members their own teams' as the snapshot lists them, observers none),
 * and whether they may comment (everyone but observers). */
int live_model_may_edit_team(const struct live_model *m, uint32_t team);
int live_model_may_comment(const struct live_model *m);

/* The team whose OKRs an entity belongs to (0 when none). */
uint32_t live_model_team_of(const struct okr_state *s, struct live_ref ref);

/* The command line a key opens for the selection, prefilled ("checkin K3
 * --value "), or NULL when the key offers nothing for this row and role:
 * 'm' comment, 't' the necessary-and-sufficient test ('c', 'e' and 'a'
 * open forms instead: live_model_form_open). *editing gets the entity being edited,
 * which the live view announces while the line is open. */
const char *live_model_edit_line(const struct live_model *m, int key, struct live_ref *editing,
                                 char *out, size_t outlen);

/* Opens a form on the selection: LIVE_FORM_EDIT on an objective or key
 * result, LIVE_FORM_CHECKIN on a key result, LIVE_FORM_ADD on a team or an
 * objective, when this person's role lets them change that team's OKRs.
 * The first field's value goes to input. 0, or -1 when not offered here. */
int live_model_form_open(struct live_model *m, enum live_form_kind kind);

/* Keeps what is typed in input as the current field's value. */
void live_model_form_keep(struct live_model *m);

/* Keeps input, then moves to the next field (wrapping), its value in input. */
void live_model_form_next(struct live_model *m);

/* Whether the detail pane wants the selection's check-ins (a key result
 * whose history is not loaded for this state). */
int live_model_wants_history(const struct live_model *m);

/* Replaces the output shown in LIVE_OUTPUT mode with text's lines. */
void live_model_set_output(struct live_model *m, const char *text);

/* For live_screen.c: whether two refs name one entity; whether a row is
 * folded, and has rows below it; the index of r's row (-1: not shown). */
int live_ref_same(struct live_ref a, struct live_ref b);
int live_model_is_folded(const struct live_model *m, struct live_ref r);
int live_model_has_children(const struct live_model *m, struct live_ref r);
long live_model_row_of(const struct live_model *m, struct live_ref r);

/* Fills lines[0..rows) with the screen for cols x rows at now_ms (for the
 * highlights). Keeps the selection on screen (adjusting m->top). */
void live_model_render(struct live_model *m, int cols, int rows, uint64_t now_ms,
                       struct live_line *lines);

#endif
