/* Field stamps: for each field of an entity, the entity version that last
 * changed it and who made that change, kept as one short text
 * ("title 3 alice;target 5 bob") that is stored as it is. They let an edit
 * based on an older version conflict only over the fields it touches.
 * A field without a stamp has not changed since the entity was created
 * (version 1). */
#ifndef CASCADE_STAMPS_H
#define CASCADE_STAMPS_H

#include <stddef.h>
#include <stdint.h>

/* The stamp of field in stamps (NULL allowed): its version (1 when none)
 * and, when by is not NULL, who set it ("" when none) into by (byl bytes). */
uint64_t stamps_get(const char *stamps, const char *field, char *by, size_t byl);

/* Records that field changed at version by user, replacing its old stamp.
 * *stamps is malloc'd or NULL and is replaced. 0 or CAS_ENOMEM. */
int stamps_set(char **stamps, const char *field, uint64_t version, const char *by);

#endif
