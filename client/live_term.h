/* The terminal side of the live view: curses set up and torn down, the
 * model's lines painted with the look of each style, keys read. Only this
 * file includes curses. */
#ifndef CASCADE_LIVE_TERM_H
#define CASCADE_LIVE_TERM_H

#include "live_model.h"

/* Keys beyond plain characters, as live_term_key returns them. */
enum {
    LIVE_KEY_NONE = -1,
    LIVE_KEY_UP = 0x10000,
    LIVE_KEY_DOWN,
    LIVE_KEY_LEFT,
    LIVE_KEY_RIGHT,
    LIVE_KEY_PGUP,
    LIVE_KEY_PGDN,
    LIVE_KEY_HOME,
    LIVE_KEY_END,
    LIVE_KEY_BACKSPACE,
    LIVE_KEY_ENTER,
    LIVE_KEY_ESCAPE,
    LIVE_KEY_TAB,
    LIVE_KEY_RESIZE,
};

/* Takes the terminal: full screen, keys unbuffered and unechoed, reads that
 * never block. color: use colours where the terminal has them. 0, or -1
 * when the terminal cannot be driven (not a terminal, TERM unknown). */
int live_term_open(int color);

/* Gives the terminal back as it was. Safe to call twice. */
void live_term_close(void);

/* Takes the terminal's new size (after SIGWINCH, which the live view's
 * loop catches, so curses does not see it on its own). */
void live_term_resized(void);

/* The terminal's size now. */
void live_term_size(int *cols, int *rows);

/* Paints rows lines, and shows the cursor at (cursor_row, cursor_col) when
 * cursor_col >= 0. */
void live_term_paint(const struct live_line *lines, int rows, int cursor_row, int cursor_col);

/* Renders m for the terminal's size at now_ms and paints it, the cursor
 * where the model puts it (the live view and the live replay). */
void live_term_show(struct live_model *m, uint64_t now_ms);

/* The next key waiting, LIVE_KEY_NONE when none: a character (a UTF-8
 * byte), or one of the LIVE_KEY_ values. */
int live_term_key(void);

#endif
