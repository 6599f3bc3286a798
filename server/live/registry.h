/* The workshops of the server: loaded from the store at start, created on
 * request, found by code. The registry owns every workshop; workshops live
 * as long as the server. */
#ifndef CASCADE_REGISTRY_H
#define CASCADE_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "workshop.h"

struct store;
struct store_workshop;

struct registry {
    struct store *store;
    struct workshop **items;
    size_t n, cap;
    /* Other nodes write the same database: a workshop not here may have
     * been made there, and is looked up in the store (cluster.h). */
    int shared;
};

/* Loads every workshop, with its state and participants. 0, or a negative
 * CAS_E* code with a sentence in err. */
int registry_load(struct registry *r, struct store *store, char *err, size_t errlen);
void registry_free(struct registry *r);

/* Forgets w and frees it (a deleted workshop): the caller has made sure
 * nothing refers to it any more. */
void registry_remove(struct registry *r, struct workshop *w);

/* Finds a workshop by (normalised or typed) code; NULL when none. With a
 * shared store, one that is not loaded yet is looked up there and loaded. */
struct workshop *registry_find(struct registry *r, const char *code);
/* The same by the workshop's id (a binary search: the registry keeps its
 * workshops in id order). */
struct workshop *registry_find_id(struct registry *r, int64_t id);
/* Loads a workshop another node made, given its row; it is then served
 * here like any other, and *out (if not NULL) is it. 0 or a negative
 * CAS_E* code. */
int registry_add_row(struct registry *r, const struct store_workshop *sw, struct workshop **out);
/* Reads the workshop's row again (title, code, settings, archive), after
 * another node changed it. */
int workshop_refresh_row(struct registry *r, struct workshop *w);

/* Creates a workshop with a fresh code, its creator as facilitator.
 * 0 and *out, or a negative CAS_E* code. */
int registry_create(struct registry *r, const char *title, const char *period,
                    int64_t creator_id, const char *creator, int64_t now_ms,
                    struct workshop **out);

/* Creates a workshop like registry_create, but in one transaction with
 * whatever fill writes for it (its participants, entities and first
 * events, given the new workshop's id and code): all or nothing. The
 * workshop is then loaded from the store as at a start, so what is served
 * is what was saved. 0 and *out; fill's error, or a negative CAS_E* code,
 * with nothing saved; CAS_ENOMEM when it was saved but could not be loaded
 * (it is served after the next start). */
int registry_create_filled(struct registry *r, const char *title, const char *period,
                           int64_t creator_id, int64_t now_ms,
                           int (*fill)(void *arg, struct store *st, int64_t id, const char *code),
                           void *arg, struct workshop **out);

/* Reloads the state from the store after a failed commit: whatever was not
 * durable is forgotten; also what loads an unloaded workshop again. 0 or a
 * negative CAS_E* code. */
int workshop_reload(struct registry *r, struct workshop *w);

/* Frees an archived workshop's cascade, agenda, round and team
 * memberships, keeping its seq and participants (workshop.unloaded); at a
 * start an archived workshop is loaded so. Only once nothing pending
 * refers to its state (after the commit of its archive). */
void workshop_unload(struct workshop *w);

#endif
