/* A growable byte buffer. The buffer owns its bytes; buf_free releases them. */
#ifndef CASCADE_BUF_H
#define CASCADE_BUF_H

#include <stddef.h>
#include <stdint.h>

struct buf {
    uint8_t *data;
    size_t len; /* bytes in use */
    size_t cap; /* bytes allocated */
};

#define BUF_INIT {NULL, 0, 0}

/* Makes room for at least `extra` more bytes. 0, or CAS_ENOMEM. */
int buf_reserve(struct buf *b, size_t extra);

/* Appends len bytes. 0, or CAS_ENOMEM (the buffer is unchanged then). */
int buf_append(struct buf *b, const void *data, size_t len);

/* Drops the first n bytes (n <= len), moving the rest to the front. */
void buf_consume(struct buf *b, size_t n);

/* Empties the buffer and gives its memory back. */
void buf_free(struct buf *b);

#endif
