#include "snapshot_image.h"

#include <stdlib.h>

#include "errors.h"
#include "live.h"

struct snapshot_image *snapshot_image_find(struct live *l, uint64_t workshop_id, uint64_t seq)
{
    for (struct snapshot_image *img = l->images; img != NULL; img = img->next)
        if (img->workshop_id == workshop_id && img->seq == seq) {
            img->refs++;
            return img;
        }
    return NULL;
}

int snapshot_image_new(struct live *l, uint64_t workshop_id, uint64_t seq, size_t len,
                       struct snapshot_image **out)
{
    *out = NULL;
    if (len > l->cfg.max_snapshot_memory || l->image_bytes > l->cfg.max_snapshot_memory - len)
        return CAS_ETOOBIG;
    struct snapshot_image *img = calloc(1, sizeof *img);
    uint8_t *bytes = malloc(len > 0 ? len : 1);
    if (img == NULL || bytes == NULL) {
        free(img);
        free(bytes);
        return CAS_ENOMEM;
    }
    *img = (struct snapshot_image){
        .workshop_id = workshop_id,
        .seq = seq,
        .bytes = bytes,
        .len = len,
        .refs = 1,
        .next = l->images,
    };
    l->images = img;
    l->image_bytes += len;
    *out = img;
    return 0;
}

void snapshot_image_release(struct live *l, struct snapshot_image *img)
{
    if (img == NULL || --img->refs > 0)
        return;
    for (struct snapshot_image **p = &l->images; *p != NULL; p = &(*p)->next)
        if (*p == img) {
            *p = img->next;
            break;
        }
    l->image_bytes -= img->len;
    free(img->bytes);
    free(img);
}
