/* Protobuf frames on the wire: packing with the length header, unpacking
 * under an allocation budget. Generated protobuf types stop here and in the
 * dispatch layers of server/ and client/. */
#ifndef CASCADE_WIRE_H
#define CASCADE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "cascade.pb-c.h"

typedef Cascade__V1__Frame WireFrame;

/* How much unpacking one payload of len bytes may allocate. Protobuf's
 * in-memory form is larger than its encoding (an empty sub-message costs two
 * bytes on the wire and a whole struct in memory), so this allows a generous
 * multiple while keeping what a peer can make us allocate proportional to
 * what it actually sent. */
#define WIRE_BUDGET(len) ((size_t)64 * 1024 + (size_t)16 * (len))

/* The budget for frames from the server, which the client trusts further:
 * sparse snapshots expand more than requests do. */
#define WIRE_BUDGET_TRUSTED(len) ((size_t)1024 * 1024 + (size_t)64 * (len))

/* The largest frame a server sends (replies, events); clients accept it. */
#define WIRE_MAX_SERVER_FRAME (64u << 20)

/* The largest packed Snapshot a client assembles from SnapshotChunks: a
 * workshop at ten times the default --max-entities with every text at its
 * longest stays well below it. */
#define WIRE_MAX_SNAPSHOT ((uint64_t)1 << 30)

/* Unpacks a payload. Returns the frame (free it with wire_free), or NULL when
 * the bytes are not a valid Frame or would need more than `budget` bytes of
 * memory. A frame whose body this build does not know (a newer peer's
 * message) unpacks with body_case NOT_SET, so it can be answered rather
 * than treated as garbage. */
WireFrame *wire_unpack(const uint8_t *data, size_t len, size_t budget);

void wire_free(WireFrame *f);

/* Unpacks a packed Snapshot message (a SnapshotChunk stream's data, put
 * together) under the same kind of budget; NULL when invalid or too big.
 * Free it with wire_snapshot_free. */
Cascade__V1__Snapshot *wire_unpack_snapshot(const uint8_t *data, size_t len, size_t budget);

void wire_snapshot_free(Cascade__V1__Snapshot *s);

/* Whether a Frame payload that wire_unpack accepted has a NUL byte inside a
 * string field, at any depth. protobuf-c ends every string with a NUL, so a
 * NUL inside one would silently cut it short ("admin\0x" read as "admin");
 * such a frame must be refused, not believed. Bytes fields may hold
 * anything; malformed input counts as having one. */
int wire_text_has_nul(const uint8_t *data, size_t len);

/* Appends the frame to out: 4-byte length header, then the packed message.
 * 0, CAS_ENOMEM, or CAS_ETOOBIG when the packed size is over max_frame. */
int wire_pack(const WireFrame *f, size_t max_frame, struct buf *out);

/* Appends an Error frame (code from Cascade__V1__ErrorCode). */
int wire_pack_error(struct buf *out, uint64_t request_id,
                    Cascade__V1__ErrorCode code, const char *message);

/* The name of a frame body as written in the schema ("hello", "ping", ...). */
const char *wire_body_name(const WireFrame *f);

/* The name of an error code ("UNSUPPORTED_VERSION", ...). */
const char *wire_error_name(Cascade__V1__ErrorCode code);

/* A workshop role as people read and type it: "facilitator", "member",
 * "observer"; "" for none (or an unknown value). */
const char *wire_role_name(int role);

/* The role a name stands for; ROLE_UNSPECIFIED (0) when it is none of them. */
Cascade__V1__Role wire_role_parse(const char *name);

#endif
