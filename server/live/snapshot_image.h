/* Packed snapshots, shared by the readers who asked for the same workshop
 * at the same seq.
 *
 * A workshop's snapshot can be tens of MiB. When a room full of people
 * opens it at once, packing it once per reader would hold one copy per
 * reader until each has taken it; an image is packed once per (workshop,
 * seq) instead and referenced by every replay still sending it. It is
 * freed when the last of them is done. The images alive together are held
 * to --max-snapshot-memory: past it a new one is refused (the reader is
 * told to come back shortly) rather than let readers pin the server's
 * memory. */
#ifndef CASCADE_SNAPSHOT_IMAGE_H
#define CASCADE_SNAPSHOT_IMAGE_H

#include <stddef.h>
#include <stdint.h>

struct live;

/* What a reader refused for want of room is told to wait. */
#define SNAPSHOT_RETRY_AFTER_MS 1000

struct snapshot_image {
    uint64_t workshop_id;
    uint64_t seq;       /* the state after this event */
    uint8_t *bytes;     /* a packed Snapshot without its info */
    size_t len;
    unsigned refs;
    struct snapshot_image *next;
};

/* The image of workshop_id at seq, with a reference taken, or NULL. */
struct snapshot_image *snapshot_image_find(struct live *l, uint64_t workshop_id, uint64_t seq);

/* A new image of len bytes for the caller to pack into, with one reference
 * (the caller's). CAS_ETOOBIG when the images alive would pass the
 * server's --max-snapshot-memory (len alone may already), CAS_ENOMEM. */
int snapshot_image_new(struct live *l, uint64_t workshop_id, uint64_t seq, size_t len,
                       struct snapshot_image **out);

/* Gives up a reference; the last frees the image. */
void snapshot_image_release(struct live *l, struct snapshot_image *img);

#endif
