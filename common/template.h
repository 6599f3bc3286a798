/* Workshop templates: an agenda to start a workshop from, read from a small
 * line format that a server's administrator may write (so every byte of it
 * is untrusted input: sizes, counts and texts are bounded here).
 *
 *   # A comment; blank lines are ignored.
 *   title Two-hour OKR workshop          what the template is for (optional, once)
 *   step 30m Brief overview              a step: its duration, then its title
 *   prompt What OKRs are, and are not.   the prompt of the step above (optional, once)
 *
 * Keywords start a line and are followed by one space. Durations are as
 * duration_parse reads them (90s, 15m, 1h30m), from 1 s to 24 h. */
#ifndef CASCADE_TEMPLATE_H
#define CASCADE_TEMPLATE_H

#include <stddef.h>

#include "agenda.h"
#include "okr.h"

/* Largest template file read, and longest line. */
#define TEMPLATE_MAX_BYTES (64 * 1024)
#define TEMPLATE_MAX_LINE 4096
/* Longest template name: a file NAME.template, NAME of a-z, 0-9 and '-'. */
#define TEMPLATE_NAME_MAX 40

struct template {
    char name[TEMPLATE_NAME_MAX + 1];
    char *title;          /* "" when the file gives none */
    struct agenda agenda; /* its steps, nothing started */
    int builtin;
};

/* Whether name is a valid template name (1 to TEMPLATE_NAME_MAX of a-z,
 * 0-9 and '-', starting with a letter or digit). */
int template_name_ok(const char *name);

/* Parses len bytes of text (need not end with NUL) as the template `name`,
 * read from file (named in errors). Texts are held to limits (titles to
 * limits->title, prompts to limits->text). 0 and *out (free with
 * template_free); CAS_EINVAL or CAS_ETOOBIG with "FILE line N: ..." in err;
 * CAS_ENOMEM. */
int template_parse(const char *name, const char *file, const char *text, size_t len,
                   const struct okr_limits *limits, struct template *out, char *err,
                   size_t errlen);

void template_free(struct template *t);

/* The templates every server has: okr-2h, okr-half-day and blank. */
#define TEMPLATE_BUILTIN_COUNT 3
/* The name and text of built-in template i. */
const char *template_builtin_name(size_t i);
const char *template_builtin_text(size_t i);

#endif
