/* The templates a server offers: the built-in ones (common/template.h),
 * then the files NAME.template in the templates directory, which its
 * administrator may add to at any time: they are read afresh at each
 * request that needs them (a few small files). A file that cannot be used
 * is listed with its problem (file and line) and never stops the server. */
#ifndef CASCADE_TEMPLATES_DIR_H
#define CASCADE_TEMPLATES_DIR_H

#include <stddef.h>

#include "template.h"

/* Files looked at in the directory, at most. */
#define TEMPLATES_MAX_FILES 100

struct template_entry {
    struct template t;  /* valid when problem is "" */
    char name[TEMPLATE_NAME_MAX + 1];
    char problem[512];
};

struct template_set {
    struct template_entry *items;
    size_t n;
};

/* Reads the built-ins and the files of dir (a missing directory has
 * none). 0 or CAS_ENOMEM; problems with single files are in their
 * entries. Free with templates_free. */
int templates_read(const char *dir, const struct okr_limits *limits, struct template_set *out);
void templates_free(struct template_set *s);

/* The entry of that name, or NULL. */
const struct template_entry *templates_find(const struct template_set *s, const char *name);

#endif
