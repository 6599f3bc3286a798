#include "wire.h"

#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "frame.h"

struct budget {
    size_t used;
    size_t limit;
};

/* Counts every allocation the unpacker makes; frees are not credited back,
 * so the total is bounded for the whole unpack. */
static void *budget_alloc(void *data, size_t size)
{
    struct budget *b = data;
    if (size > b->limit - b->used)
        return NULL;
    b->used += size;
    return malloc(size);
}

static void budget_free(void *data, void *ptr)
{
    (void)data;
    free(ptr);
}

WireFrame *wire_unpack(const uint8_t *data, size_t len, size_t limit)
{
    struct budget b = {0, limit};
    ProtobufCAllocator alloc = {budget_alloc, budget_free, &b};
    return cascade__v1__frame__unpack(&alloc, len, data);
}

Cascade__V1__Snapshot *wire_unpack_snapshot(const uint8_t *data, size_t len, size_t limit)
{
    struct budget b = {0, limit};
    ProtobufCAllocator alloc = {budget_alloc, budget_free, &b};
    return cascade__v1__snapshot__unpack(&alloc, len, data);
}

void wire_snapshot_free(Cascade__V1__Snapshot *s)
{
    if (s != NULL)
        cascade__v1__snapshot__free_unpacked(s, NULL);
}

/* Reads a base-128 varint at *pos; -1 when it runs past end or past 64 bits. */
static int read_varint(const uint8_t *data, size_t len, size_t *pos, uint64_t *out)
{
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && *pos < len; shift += 7) {
        uint8_t b = data[(*pos)++];
        v |= (uint64_t)(b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
            *out = v;
            return 0;
        }
    }
    return -1;
}

/* Nesting deeper than the schema's own (a few levels) is not ours. */
#define WIRE_SCAN_DEPTH 16

static int message_has_nul(const uint8_t *data, size_t len,
                           const ProtobufCMessageDescriptor *desc, int depth)
{
    if (depth > WIRE_SCAN_DEPTH)
        return 1;
    size_t pos = 0;
    while (pos < len) {
        uint64_t tag, n;
        if (read_varint(data, len, &pos, &tag) != 0 || tag >> 3 > UINT32_MAX)
            return 1;
        const ProtobufCFieldDescriptor *field =
            protobuf_c_message_descriptor_get_field(desc, (unsigned)(tag >> 3));
        switch (tag & 7) {
        case 0: /* varint */
            if (read_varint(data, len, &pos, &n) != 0)
                return 1;
            break;
        case 1: /* 64-bit */
        case 5: /* 32-bit */
            n = (tag & 7) == 1 ? 8 : 4;
            if (len - pos < n)
                return 1;
            pos += n;
            break;
        case 2: /* length-delimited: a string, bytes, a message or a packed array */
            if (read_varint(data, len, &pos, &n) != 0 || n > len - pos)
                return 1;
            if (field != NULL && field->type == PROTOBUF_C_TYPE_STRING &&
                memchr(data + pos, 0, n) != NULL)
                return 1;
            if (field != NULL && field->type == PROTOBUF_C_TYPE_MESSAGE &&
                message_has_nul(data + pos, n, field->descriptor, depth + 1))
                return 1;
            pos += n;
            break;
        default: /* groups, which the schema does not use */
            return 1;
        }
    }
    return 0;
}

int wire_text_has_nul(const uint8_t *data, size_t len)
{
    return message_has_nul(data, len, &cascade__v1__frame__descriptor, 0);
}

void wire_free(WireFrame *f)
{
    /* budget_alloc hands out plain malloc memory, so the default allocator
     * frees it. */
    if (f != NULL)
        cascade__v1__frame__free_unpacked(f, NULL);
}

int wire_pack(const WireFrame *f, size_t max_frame, struct buf *out)
{
    size_t size = cascade__v1__frame__get_packed_size(f);
    if (size == 0 || size > max_frame || size > UINT32_MAX)
        return CAS_ETOOBIG;
    int rc = buf_reserve(out, FRAME_HEADER_LEN + size);
    if (rc != 0)
        return rc;
    uint8_t *p = out->data + out->len;
    frame_put_header(p, (uint32_t)size);
    cascade__v1__frame__pack(f, p + FRAME_HEADER_LEN);
    out->len += FRAME_HEADER_LEN + size;
    return 0;
}

int wire_pack_error(struct buf *out, uint64_t request_id,
                    Cascade__V1__ErrorCode code, const char *message)
{
    Cascade__V1__Error err = CASCADE__V1__ERROR__INIT;
    err.code = code;
    err.message = (char *)message;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_ERROR;
    f.error = &err;
    return wire_pack(&f, SIZE_MAX, out);
}

const char *wire_body_name(const WireFrame *f)
{
    const ProtobufCFieldDescriptor *fd =
        protobuf_c_message_descriptor_get_field(&cascade__v1__frame__descriptor,
                                                (unsigned)f->body_case);
    return fd != NULL ? fd->name : "unknown";
}

const char *wire_error_name(Cascade__V1__ErrorCode code)
{
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&cascade__v1__error_code__descriptor, (int)code);
    return v != NULL ? v->name : "UNKNOWN_ERROR";
}

static const char *const ROLE_NAMES[] = {
    [CASCADE__V1__ROLE__FACILITATOR] = "facilitator",
    [CASCADE__V1__ROLE__MEMBER] = "member",
    [CASCADE__V1__ROLE__OBSERVER] = "observer",
};

const char *wire_role_name(int role)
{
    if (role <= 0 || (size_t)role >= sizeof ROLE_NAMES / sizeof ROLE_NAMES[0] ||
        ROLE_NAMES[role] == NULL)
        return "";
    return ROLE_NAMES[role];
}

Cascade__V1__Role wire_role_parse(const char *name)
{
    for (size_t r = 1; name != NULL && r < sizeof ROLE_NAMES / sizeof ROLE_NAMES[0]; r++)
        if (ROLE_NAMES[r] != NULL && strcmp(name, ROLE_NAMES[r]) == 0)
            return (Cascade__V1__Role)r;
    return CASCADE__V1__ROLE__ROLE_UNSPECIFIED;
}
