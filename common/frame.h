/* Frames on the wire: a 4-byte big-endian length, then that many bytes of
 * payload (a protobuf Frame). The decoder reassembles frames split across
 * reads and splits reads that carry many frames. */
#ifndef CASCADE_FRAME_H
#define CASCADE_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define FRAME_HEADER_LEN 4u
#define FRAME_DEFAULT_MAX (1u << 20) /* 1 MiB of payload */

struct frame_decoder {
    struct buf pending; /* the start of a frame that has not fully arrived */
    size_t max_frame;   /* largest payload accepted */
    uint32_t want;      /* payload length of the pending frame, once known */
    int failed;         /* a header was rejected: the stream is unusable */
};

/* Called once per complete frame, in order. The payload is only valid during
 * the call. A non-zero return stops decoding and is returned by feed. */
typedef int (*frame_cb)(void *ctx, const uint8_t *payload, size_t len);

void frame_decoder_init(struct frame_decoder *d, size_t max_frame);

/* Feeds bytes read from the stream. Returns 0; CAS_ETOOBIG when a header
 * declares a length of 0 or over max_frame (the stream cannot be resynced, so
 * the caller closes it, and every later feed fails the same way);
 * CAS_ENOMEM; or the first non-zero return of cb. Memory held is
 * proportional to the bytes actually received for one frame (at most about
 * twice), never to what a header claims. */
int frame_decoder_feed(struct frame_decoder *d, const uint8_t *data, size_t len,
                       frame_cb cb, void *ctx);

/* Whether a frame has started arriving but is not complete (a truncation if
 * the stream ends now). */
int frame_decoder_has_partial(const struct frame_decoder *d);

/* The length declared by the most recent header: the rejected one after
 * CAS_ETOOBIG. */
uint32_t frame_decoder_declared(const struct frame_decoder *d);

void frame_decoder_free(struct frame_decoder *d);

/* Writes the 4-byte big-endian header for a payload of len bytes. */
void frame_put_header(uint8_t out[FRAME_HEADER_LEN], uint32_t len);

/* Reads a 4-byte big-endian header. */
uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_LEN]);

#endif
