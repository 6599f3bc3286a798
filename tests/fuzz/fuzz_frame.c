/* libFuzzer target for the network read path: the frame decoder, then
 * wire_unpack on every complete frame, exactly as a connection does.
 *
 * Input layout, so the fuzzer controls how the stream is cut into reads:
 *   byte 0       bits 0-2: n, the number of chunk-size bytes that follow
 *                (0: the whole stream in one read); bit 3: stop at the first
 *                frame that does not unpack, as the server does
 *   bytes 1..n   read sizes, each byte b meaning b + 1 bytes, used in turn
 *   the rest     the byte stream: 4-byte big-endian lengths and payloads
 *
 * A SnapshotChunk's data is also read as the client reads a whole
 * snapshot's: unpacked as a Snapshot and converted to an okr_state.
 *
 * Every frame that unpacks is packed again and unpacked again: the body and
 * request_id must survive, and packing must be stable (pack(unpack(pack(x)))
 * is pack(x)). The decoder must never hold more than about twice the bytes of
 * the frame it is assembling. Any breach calls abort(), with one known
 * exception in protobuf-c described at has_field_zero. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "convert.h"
#include "errors.h"
#include "frame.h"
#include "okr.h"
#include "wire.h"

#define FUZZ_MAX_FRAME (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_ctx {
    int stop_on_bad;
};

/* Whether m or a message inside it kept an unknown field numbered 0.
 * protobuf-c (1.4.1) refuses field 0 when its tag is one byte but takes it
 * as an unknown field when the tag varint is overlong (0x85 0x00); packing
 * then writes the one-byte form, which its own unpacker refuses. */
static int has_field_zero(const ProtobufCMessage *m)
{
    for (unsigned i = 0; i < m->n_unknown_fields; i++)
        if (m->unknown_fields[i].tag == 0)
            return 1;
    const ProtobufCMessageDescriptor *desc = m->descriptor;
    const char *base = (const char *)m;
    for (unsigned i = 0; i < desc->n_fields; i++) {
        const ProtobufCFieldDescriptor *fd = &desc->fields[i];
        if (fd->type != PROTOBUF_C_TYPE_MESSAGE)
            continue;
        if (fd->label == PROTOBUF_C_LABEL_REPEATED) {
            size_t n = *(const size_t *)(const void *)(base + fd->quantifier_offset);
            ProtobufCMessage *const *items =
                *(ProtobufCMessage *const *const *)(const void *)(base + fd->offset);
            for (size_t j = 0; j < n; j++)
                if (has_field_zero(items[j]))
                    return 1;
            continue;
        }
        if ((fd->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
            *(const uint32_t *)(const void *)(base + fd->quantifier_offset) != fd->id)
            continue;
        const ProtobufCMessage *sub =
            *(const ProtobufCMessage *const *)(const void *)(base + fd->offset);
        if (sub != NULL && has_field_zero(sub))
            return 1;
    }
    return 0;
}

static void check_round_trip(const WireFrame *f, size_t len)
{
    struct buf once = BUF_INIT, twice = BUF_INIT;
    /* A frame of nothing but default values (request_id 0 written out, no
     * body) re-encodes to no bytes, which is not a frame: nothing to check. */
    if (cascade__v1__frame__get_packed_size(f) == 0)
        return;
    /* Re-encoding can grow a little (a negative enum value written in 5
     * bytes comes back in 10), so allow more than the decoder's limit. */
    if (wire_pack(f, FRAME_DEFAULT_MAX, &once) != 0)
        abort();
    if (once.len < FRAME_HEADER_LEN)
        abort();
    size_t len2 = frame_get_header(once.data);
    if (FRAME_HEADER_LEN + len2 != once.len)
        abort();
    /* The same content needs no more memory than the first unpack had. */
    size_t budget = WIRE_BUDGET(len2 > len ? len2 : len);
    WireFrame *g = wire_unpack(once.data + FRAME_HEADER_LEN, len2, budget);
    if (g == NULL) {
        if (!has_field_zero(&f->base))
            abort();
        buf_free(&once);
        return;
    }
    if (g->body_case != f->body_case || g->request_id != f->request_id)
        abort();
    if (wire_pack(g, FRAME_DEFAULT_MAX, &twice) != 0)
        abort();
    if (twice.len != once.len || memcmp(twice.data, once.data, once.len) != 0)
        abort();
    wire_free(g);
    buf_free(&once);
    buf_free(&twice);
}

/* The client's reading of an assembled snapshot, here of one chunk's data. */
static void read_as_snapshot(const Cascade__V1__SnapshotChunk *chunk)
{
    Cascade__V1__Snapshot *snap =
        wire_unpack_snapshot(chunk->data.data, chunk->data.len, WIRE_BUDGET_TRUSTED(chunk->data.len));
    if (snap == NULL)
        return;
    struct okr_state st;
    okr_state_init(&st);
    (void)convert_snapshot_to_state(snap, &st);
    okr_state_free(&st);
    wire_snapshot_free(snap);
}

static int on_frame(void *vctx, const uint8_t *payload, size_t len)
{
    struct fuzz_ctx *ctx = vctx;
    if (len == 0 || len > FUZZ_MAX_FRAME)
        abort();
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET(len));
    if (f == NULL)
        return ctx->stop_on_bad ? 1 : 0;
    (void)wire_body_name(f);
    if (f->body_case == CASCADE__V1__FRAME__BODY_ERROR)
        (void)wire_error_name(f->error->code);
    if (f->body_case == CASCADE__V1__FRAME__BODY_SNAPSHOT_CHUNK)
        read_as_snapshot(f->snapshot_chunk);
    check_round_trip(f, len);
    wire_free(f);
    return 0;
}

/* What the decoder holds must stay proportional to what it was sent. */
static void check_decoder(const struct frame_decoder *d)
{
    if (d->pending.len > FRAME_HEADER_LEN + FUZZ_MAX_FRAME)
        abort();
    if (d->pending.cap > 256 && d->pending.cap >= 2 * d->pending.len)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t nsizes = data[0] & 7u;
    struct fuzz_ctx ctx = {(data[0] & 8u) != 0};
    if (size < 1 + nsizes)
        return 0;
    const uint8_t *sizes = data + 1;
    const uint8_t *stream = data + 1 + nsizes;
    size_t left = size - 1 - nsizes;

    struct frame_decoder d;
    frame_decoder_init(&d, FUZZ_MAX_FRAME);
    int rc = 0;
    size_t turn = 0;
    while (left > 0 && rc == 0) {
        size_t n = nsizes == 0 ? left : (size_t)sizes[turn++ % nsizes] + 1;
        if (n > left)
            n = left;
        rc = frame_decoder_feed(&d, stream, n, on_frame, &ctx);
        check_decoder(&d);
        stream += n;
        left -= n;
    }
    if (rc == CAS_ETOOBIG) {
        uint32_t declared = frame_decoder_declared(&d);
        if (declared != 0 && declared <= FUZZ_MAX_FRAME)
            abort();
    } else if (rc != 0 && rc != 1) {
        abort(); /* only ETOOBIG or our own stop may end a feed */
    }
    frame_decoder_free(&d);
    return 0;
}
