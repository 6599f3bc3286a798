/* A workshop's agenda as one row: the packed cascade.v1.Agenda. An agenda
 * is small (at most AGENDA_MAX_STEPS steps) and changes a few times a
 * minute at most, so it is written whole. */
#include <stdlib.h>

#include "agenda.h"
#include "errors.h"
#include "store_internal.h"

int store_agenda_save(struct store *st, int64_t workshop_id, const struct agenda *a)
{
    struct agenda_wire aw;
    /* The figures worked out for readers (ends, remaining) are not kept;
     * any time will do for them. */
    int rc = agenda_to_wire(a, a->resumed_ms, 0, 0, &aw);
    if (rc != 0)
        return rc;
    size_t len = cascade__v1__agenda__get_packed_size(&aw.msg);
    uint8_t *bytes = malloc(len + 1);
    if (bytes == NULL) {
        agenda_wire_free(&aw);
        return CAS_ENOMEM;
    }
    cascade__v1__agenda__pack(&aw.msg, bytes);
    agenda_wire_free(&aw);
    struct db_stmt *s = st->stmt[ST_AGENDA_SAVE];
    int src = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &src);
    db_bind_blob(s, 2, bytes, len, &src);
    rc = db_run(st, s, src, 0, "save an agenda");
    free(bytes);
    return rc;
}

int store_agenda_load(struct store *st, int64_t workshop_id, struct agenda *a)
{
    struct db_stmt *s = st->stmt[ST_AGENDA_LOAD];
    int src = SQLITE_OK;
    db_bind_i64(s, 1, workshop_id, &src);
    int rc = db_step_row(st, s, src, "load an agenda");
    if (rc == 0) {
        size_t len;
        const void *blob = db_col_blob(s, 0, &len);
        Cascade__V1__Agenda *m =
            cascade__v1__agenda__unpack(NULL, len, blob != NULL ? blob : (const void *)"");
        rc = m != NULL ? agenda_from_wire(a, m) : CAS_EINVAL;
        if (m != NULL)
            cascade__v1__agenda__free_unpacked(m, NULL);
    } else if (rc == CAS_ENOTFOUND) {
        rc = 0; /* no agenda yet */
    }
    db_done(s);
    return rc;
}
