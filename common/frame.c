#include "frame.h"

#include "errors.h"

void frame_decoder_init(struct frame_decoder *d, size_t max_frame)
{
    d->pending = (struct buf)BUF_INIT;
    d->max_frame = max_frame;
    d->want = 0;
    d->failed = 0;
}

void frame_put_header(uint8_t out[FRAME_HEADER_LEN], uint32_t len)
{
    out[0] = (uint8_t)(len >> 24);
    out[1] = (uint8_t)(len >> 16);
    out[2] = (uint8_t)(len >> 8);
    out[3] = (uint8_t)len;
}

uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_LEN])
{
    return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 | in[3];
}

static int check_length(struct frame_decoder *d, uint32_t len)
{
    d->want = len;
    if (len == 0 || len > d->max_frame) {
        d->failed = 1;
        return CAS_ETOOBIG;
    }
    return 0;
}

/* Moves up to `need` bytes from *data into the pending buffer. */
static int take(struct frame_decoder *d, const uint8_t **data, size_t *len, size_t need)
{
    size_t n = need < *len ? need : *len;
    int rc = buf_append(&d->pending, *data, n);
    if (rc != 0)
        return rc;
    *data += n;
    *len -= n;
    return 0;
}

int frame_decoder_feed(struct frame_decoder *d, const uint8_t *data, size_t len,
                       frame_cb cb, void *ctx)
{
    int rc;
    if (d->failed)
        return CAS_ETOOBIG;
    while (len > 0) {
        if (d->pending.len == 0 && len >= FRAME_HEADER_LEN) {
            /* Fast path: the header is here; pass whole frames in place. */
            uint32_t flen = frame_get_header(data);
            if ((rc = check_length(d, flen)) != 0)
                return rc;
            if (len - FRAME_HEADER_LEN >= flen) {
                const uint8_t *payload = data + FRAME_HEADER_LEN;
                data += FRAME_HEADER_LEN + flen;
                len -= FRAME_HEADER_LEN + flen;
                if ((rc = cb(ctx, payload, flen)) != 0)
                    return rc;
                continue;
            }
            return take(d, &data, &len, len);
        }
        /* Slow path: a frame (or its header) straddles reads. */
        if (d->pending.len < FRAME_HEADER_LEN) {
            if ((rc = take(d, &data, &len, FRAME_HEADER_LEN - d->pending.len)) != 0)
                return rc;
            if (d->pending.len < FRAME_HEADER_LEN)
                return 0;
            if ((rc = check_length(d, frame_get_header(d->pending.data))) != 0)
                return rc;
        }
        size_t total = FRAME_HEADER_LEN + (size_t)d->want;
        if ((rc = take(d, &data, &len, total - d->pending.len)) != 0)
            return rc;
        if (d->pending.len < total)
            return 0;
        rc = cb(ctx, d->pending.data + FRAME_HEADER_LEN, d->want);
        /* Give the memory back: most frames arrive whole, and an idle
         * connection should hold no buffer. */
        buf_free(&d->pending);
        if (rc != 0)
            return rc;
    }
    return 0;
}

int frame_decoder_has_partial(const struct frame_decoder *d)
{
    return d->pending.len > 0;
}

uint32_t frame_decoder_declared(const struct frame_decoder *d)
{
    return d->want;
}

void frame_decoder_free(struct frame_decoder *d)
{
    buf_free(&d->pending);
}
