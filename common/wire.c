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
