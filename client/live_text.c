#include "live_text.h"

#include <string.h>

/* Decodes one UTF-8 character at s; its length goes to *len (1 for a byte
 * that starts no valid character, which then reads as U+FFFD). */
uint32_t live_utf8_next(const char *s, size_t *len)
{
    const unsigned char *p = (const unsigned char *)s;
    uint32_t c = p[0];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0) {
        *len = 1;
        return 0xFFFD;
    }
    if (n > 1)
        c &= 0x3Fu >> (n - 1);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) {
            *len = 1;
            return 0xFFFD;
        }
        c = (c << 6) | (p[i] & 0x3F);
    }
    *len = n;
    return c;
}

/* Columns a character takes: 0 for combining marks and zero-width ones, 2
 * for East Asian wide ones and emoji, 1 otherwise. Our own table, so that
 * the screen does not depend on the process's locale. */
static int char_width(uint32_t c)
{
    if ((c >= 0x0300 && c <= 0x036F) || (c >= 0x200B && c <= 0x200F) ||
        (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x20D0 && c <= 0x20FF))
        return 0;
    if ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
        (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
        (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
        (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
        (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x3FFFD))
        return 2;
    return 1;
}

int live_text_width(const char *s)
{
    int w = 0;
    for (size_t len; *s; s += len)
        w += char_width(live_utf8_next(s, &len));
    return w;
}

void live_lb_start(struct live_lb *b, struct live_line *l, int cols, unsigned char base)
{
    l->len = 0;
    l->text[0] = '\0';
    l->cols = cols;
    l->base = base;
    l->nspans = 0;
    b->l = l;
    b->used = 0;
}

/* Appends text in style, at most max columns of it (the rest of the line
 * when max < 0); a text cut short ends in "…" ("~" in ASCII). Returns the
 * columns written. */
int live_lb_put(struct live_lb *b, const char *text, int max, int style, int ascii)
{
    struct live_line *l = b->l;
    int room = l->cols - b->used;
    if (max < 0 || max > room)
        max = room;
    if (max <= 0 || text == NULL)
        return 0;
    int full = live_text_width(text);
    const char *mark = ascii ? "~" : "…";
    int keep = full <= max ? max : max - 1; /* leave a column for the mark */
    size_t start = l->len;
    int w = 0;
    for (size_t len; *text; text += len) {
        uint32_t c = live_utf8_next(text, &len);
        int cw = char_width(c);
        if (w + cw > keep || l->len + len + 4 >= sizeof l->text)
            break;
        if (c == 0xFFFD && len == 1) {
            l->text[l->len++] = '?';
        } else if (ascii && c >= 0x80) {
            l->text[l->len++] = '?';
            cw = 1;
        } else {
            memcpy(l->text + l->len, text, len);
            l->len += len;
        }
        w += cw;
    }
    if (full > max && w < max && l->len + 4 < sizeof l->text) {
        size_t n = strlen(mark);
        memcpy(l->text + l->len, mark, n);
        l->len += n;
        w++;
    }
    l->text[l->len] = '\0';
    if (style != l->base && l->len > start && l->nspans < LIVE_LINE_SPANS)
        l->spans[l->nspans++] =
            (struct live_span){(unsigned short)start, (unsigned short)(l->len - start),
                               (unsigned char)style};
    b->used += w;
    return w;
}

/* Pads with spaces to column `to` (in the line's base style). */
void live_lb_pad(struct live_lb *b, int to)
{
    struct live_line *l = b->l;
    if (to > l->cols)
        to = l->cols;
    while (b->used < to && l->len + 1 < sizeof l->text) {
        l->text[l->len++] = ' ';
        b->used++;
    }
    l->text[l->len] = '\0';
}

/* Writes a whole line: text in the base style, padded. */
void live_line_text(struct live_line *l, int cols, unsigned char base, const char *text,
                      int ascii)
{
    struct live_lb b;
    live_lb_start(&b, l, cols, base);
    live_lb_put(&b, text, -1, base, ascii);
    live_lb_pad(&b, cols);
}
