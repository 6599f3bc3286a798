/* The live view's small forms: editing an objective or key result, checking
 * in on a key result, adding an objective to a team or a key result to an
 * objective. A form is a few named fields, each typed on its own line, Tab
 * moving between them; what the form sends is built from its fields by
 * cmd_live.c. Pure: no curses, no connection (tested in test_live_model). */
#ifndef CASCADE_LIVE_FORM_H
#define CASCADE_LIVE_FORM_H

#include <stddef.h>
#include <stdint.h>

#include "okr.h"

enum live_form_kind {
    LIVE_FORM_EDIT,    /* ref: the objective or key result */
    LIVE_FORM_CHECKIN, /* ref: the key result */
    LIVE_FORM_ADD,     /* ref: the team (a new objective) or objective (a new key result) */
};

#define LIVE_FORM_FIELDS 6
#define LIVE_FORM_VALUE 256

struct live_form {
    enum live_form_kind kind;
    enum okr_kind ref_kind;
    uint32_t ref_num;
    uint64_t base_version; /* EDIT: the version the values were read at */
    int milestone;         /* the key result edited or checked in is one */
    int nfields;
    const char *names[LIVE_FORM_FIELDS];
    char values[LIVE_FORM_FIELDS][LIVE_FORM_VALUE];
    char initial[LIVE_FORM_FIELDS][LIVE_FORM_VALUE]; /* EDIT: as they were */
    int field; /* the field being typed */
};

/* Fills f for kind on the entity (kind, num) of s, with the values it has
 * now. 0, or -1 when that form does not apply there (checking in on an
 * objective, adding below a key result, an entity that is gone). */
int live_form_open(struct live_form *f, enum live_form_kind kind, const struct okr_state *s,
                   enum okr_kind ref_kind, uint32_t num);

/* The index of the field called name, or -1. */
int live_form_find(const struct live_form *f, const char *name);

/* Whether a field's value differs from what it was when the form opened
 * (always true outside EDIT forms, where every field is sent). */
int live_form_changed(const struct live_form *f, int field);

/* The form's title line: "Edit K3 Close deals", "Check in on K3 …",
 * "New key result under O2 …". */
void live_form_title(const struct live_form *f, const struct okr_state *s, char *out,
                     size_t outlen);

/* A field's current text as the form shows it (render_flat's one line;
 * numbers as render_number writes them). */
void live_form_entity_text(const struct okr_state *s, enum okr_kind kind, uint32_t num,
                           const char *field, char *out, size_t outlen);

#endif
