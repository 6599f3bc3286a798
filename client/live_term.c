#include "live_term.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static int open_now;
static SCREEN *screen;
static int have_color;

enum { PAIR_RED = 1, PAIR_ORANGE, PAIR_GREEN, PAIR_CHANGED, PAIR_WARN };

int live_term_open(int color)
{
    if (open_now)
        return 0;
    /* newterm rather than initscr: a terminal curses cannot drive is an
     * error to report, not a reason for curses to exit the process. A
     * "dumb" terminal (set to keep programs plain) is drawn as a VT100,
     * which every terminal emulator understands, and without colour. */
    const char *term = getenv("TERM");
    int dumb = term != NULL && strcmp(term, "dumb") == 0;
    if ((screen = newterm(dumb ? "vt100" : NULL, stdout, stdin)) == NULL)
        return -1;
    if (dumb)
        color = 0;
    open_now = 1;
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    have_color = color && has_colors();
    if (have_color) {
        start_color();
        /* The terminal's own background: readable on light and dark ones. */
        use_default_colors();
        init_pair(PAIR_RED, COLOR_RED, -1);
        init_pair(PAIR_ORANGE, COLOR_YELLOW, -1);
        init_pair(PAIR_GREEN, COLOR_GREEN, -1);
        init_pair(PAIR_CHANGED, COLOR_BLACK, COLOR_YELLOW);
        init_pair(PAIR_WARN, COLOR_WHITE, COLOR_RED);
    }
    return 0;
}

void live_term_close(void)
{
    if (!open_now)
        return;
    open_now = 0;
    curs_set(1);
    endwin();
    delscreen(screen);
    screen = NULL;
}

void live_term_resized(void)
{
    struct winsize ws;
    if (open_now && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0) {
        resizeterm(ws.ws_row, ws.ws_col);
        clear();
    }
}

void live_term_size(int *cols, int *rows)
{
    getmaxyx(stdscr, *rows, *cols);
}

static attr_t attr_of(int style)
{
    switch (style) {
    case LIVE_DIM:
        return A_DIM;
    case LIVE_BOLD:
        return A_BOLD;
    case LIVE_RED:
        return have_color ? COLOR_PAIR(PAIR_RED) | A_BOLD : A_BOLD;
    case LIVE_ORANGE:
        return have_color ? COLOR_PAIR(PAIR_ORANGE) : A_NORMAL;
    case LIVE_GREEN:
        return have_color ? COLOR_PAIR(PAIR_GREEN) : A_NORMAL;
    case LIVE_SELECTED:
        return A_REVERSE;
    case LIVE_CHANGED:
        return have_color ? COLOR_PAIR(PAIR_CHANGED) : A_UNDERLINE | A_BOLD;
    case LIVE_BAR:
        return A_REVERSE;
    case LIVE_WARN:
        return have_color ? COLOR_PAIR(PAIR_WARN) | A_BOLD : A_REVERSE | A_BOLD;
    default:
        return A_NORMAL;
    }
}

static void put(const char *text, size_t len, attr_t a)
{
    if (len == 0)
        return;
    attrset(a);
    addnstr(text, (int)len);
}

void live_term_paint(const struct live_line *lines, int rows, int cursor_row, int cursor_col)
{
    for (int y = 0; y < rows; y++) {
        const struct live_line *l = &lines[y];
        attr_t base = attr_of(l->base);
        /* A styled part of a selected row keeps the selection's reverse; of
         * a highlighted row, the highlight (only the grades keep their
         * colour there). */
        attr_t extra = l->base == LIVE_SELECTED ? A_REVERSE : 0;
        move(y, 0);
        size_t pos = 0;
        for (int i = 0; i < l->nspans; i++) {
            const struct live_span *s = &l->spans[i];
            put(l->text + pos, s->start - pos, base);
            attr_t a = attr_of(s->style) | extra;
            if (l->base == LIVE_CHANGED && s->style != LIVE_RED && s->style != LIVE_ORANGE &&
                s->style != LIVE_GREEN)
                a = base | (s->style == LIVE_BOLD ? A_BOLD : 0);
            put(l->text + s->start, s->len, a);
            pos = (size_t)s->start + s->len;
        }
        put(l->text + pos, l->len - pos, base);
        attrset(A_NORMAL);
        clrtoeol();
    }
    if (cursor_col >= 0) {
        curs_set(1);
        move(cursor_row, cursor_col);
    } else {
        curs_set(0);
    }
    refresh();
}

int live_term_key(void)
{
    int k = getch();
    switch (k) {
    case ERR:
        return LIVE_KEY_NONE;
    case KEY_UP:
        return LIVE_KEY_UP;
    case KEY_DOWN:
        return LIVE_KEY_DOWN;
    case KEY_LEFT:
        return LIVE_KEY_LEFT;
    case KEY_RIGHT:
        return LIVE_KEY_RIGHT;
    case KEY_PPAGE:
        return LIVE_KEY_PGUP;
    case KEY_NPAGE:
        return LIVE_KEY_PGDN;
    case KEY_HOME:
        return LIVE_KEY_HOME;
    case KEY_END:
        return LIVE_KEY_END;
    case KEY_BACKSPACE:
    case 127:
    case 8:
        return LIVE_KEY_BACKSPACE;
    case KEY_ENTER:
    case '\r':
    case '\n':
        return LIVE_KEY_ENTER;
    case 27:
        return LIVE_KEY_ESCAPE;
    case '\t':
        return LIVE_KEY_TAB;
    case KEY_RESIZE:
        return LIVE_KEY_RESIZE;
    default:
        return k >= 0 && k < 256 ? k : LIVE_KEY_NONE;
    }
}

void live_term_show(struct live_model *m, uint64_t now_ms)
{
    int cols, rows;
    live_term_size(&cols, &rows);
    if (rows <= 0 || cols <= 0)
        return;
    struct live_line *lines = malloc((size_t)rows * sizeof *lines);
    if (lines == NULL)
        return;
    live_model_render(m, cols, rows, now_ms, lines);
    int cursor = m->cursor_col;
    live_term_paint(lines, rows, m->cursor_row, cursor < cols ? cursor : cols - 1);
    free(lines);
}
