/* Text laid out in terminal columns for the live view: the display width
 * of UTF-8 (from a table of our own, so that the screen does not depend on
 * the process's locale) and a line builder that puts styled parts side by
 * side, cutting them at a character boundary with an ellipsis. */
#ifndef CASCADE_LIVE_TEXT_H
#define CASCADE_LIVE_TEXT_H

#include <stddef.h>
#include <stdint.h>

enum live_style {
    LIVE_PLAIN,
    LIVE_DIM,
    LIVE_BOLD,
    LIVE_RED,
    LIVE_ORANGE,
    LIVE_GREEN,
    LIVE_SELECTED, /* the selected row */
    LIVE_CHANGED,  /* a row someone else changed a moment ago */
    LIVE_BAR,      /* header and footer */
    LIVE_WARN,     /* the banner */
    LIVE_STYLES
};

/* A part of a line in one style: byte offsets into the line's text. */
struct live_span {
    unsigned short start, len;
    unsigned char style;
};

#define LIVE_LINE_BYTES 2048
#define LIVE_LINE_SPANS 24

/* One screen line: exactly `cols` columns of UTF-8 text (padded with
 * spaces), the style of the whole line, and the spans styled otherwise. */
struct live_line {
    char text[LIVE_LINE_BYTES];
    size_t len;
    int cols;
    unsigned char base;
    struct live_span spans[LIVE_LINE_SPANS];
    int nspans;
};

/* Decodes one UTF-8 character at s; its length goes to *len (1 for a byte
 * that starts no valid character, which then reads as U+FFFD). */
uint32_t live_utf8_next(const char *s, size_t *len);

/* The display width of a UTF-8 string, in terminal columns. */
int live_text_width(const char *s);

/* A line being built, left to right. */
struct live_lb {
    struct live_line *l;
    int used; /* columns */
};

void live_lb_start(struct live_lb *b, struct live_line *l, int cols, unsigned char base);

/* Appends text in style, at most max columns of it (the rest of the line
 * when max < 0); a text cut short ends in "…" ("~" in ASCII). Returns the
 * columns written. */
int live_lb_put(struct live_lb *b, const char *text, int max, int style, int ascii);

/* Pads with spaces to column `to` (in the line's base style). */
void live_lb_pad(struct live_lb *b, int to);

/* Writes a whole line: text in the base style, padded. */
void live_line_text(struct live_line *l, int cols, unsigned char base, const char *text,
                    int ascii);

#endif
