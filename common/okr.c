#include "okr.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "ideas.h"

/* The sorted-array helpers below read an entity's number through a pointer to
 * the entity itself, which C allows only because num is the first member. */
_Static_assert(offsetof(struct okr_team, num) == 0, "num must come first");
_Static_assert(offsetof(struct okr_objective, num) == 0, "num must come first");
_Static_assert(offsetof(struct okr_key_result, num) == 0, "num must come first");
_Static_assert(offsetof(struct okr_initiative, num) == 0, "num must come first");
_Static_assert(offsetof(struct okr_comment, num) == 0, "num must come first");
_Static_assert(offsetof(struct okr_idea, num) == 0, "num must come first");

void okr_state_init(struct okr_state *s)
{
    memset(s, 0, sizeof *s);
    s->next_team = 1;
    s->next_objective = 1;
    s->next_key_result = 1;
    s->next_initiative = 1;
    s->next_comment = 1;
    s->next_idea = 1;
}

void okr_state_free(struct okr_state *s)
{
    for (size_t i = 0; i < s->nteams; i++)
        okr_team_clear(&s->teams[i]);
    for (size_t i = 0; i < s->nobjectives; i++)
        okr_objective_clear(&s->objectives[i]);
    for (size_t i = 0; i < s->nkey_results; i++)
        okr_key_result_clear(&s->key_results[i]);
    for (size_t i = 0; i < s->ninitiatives; i++)
        okr_initiative_clear(&s->initiatives[i]);
    for (size_t i = 0; i < s->ncomments; i++)
        okr_comment_clear(&s->comments[i]);
    free(s->teams);
    free(s->objectives);
    free(s->key_results);
    free(s->initiatives);
    free(s->dependencies);
    free(s->comments);
    okr_ideas_free(s);
    free(s->closed_by);
    okr_state_init(s);
}

static uint32_t num_at(const void *base, size_t size, size_t i)
{
    return *(const uint32_t *)((const char *)base + i * size);
}

/* The index of the first element whose number is >= num. */
static size_t lower_bound(const void *base, size_t n, size_t size, uint32_t num)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (num_at(base, size, mid) < num)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void *find(const void *base, size_t n, size_t size, uint32_t num)
{
    size_t i = lower_bound(base, n, size, num);
    if (i == n || num_at(base, size, i) != num)
        return NULL;
    return (char *)base + i * size;
}

/* Makes room for one more element, doubling the capacity when full. Returns
 * the (possibly moved) array, or NULL with the old array untouched. */
static void *reserve_one(void *base, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return base;
    size_t want = *cap ? *cap * 2 : 8;
    if (want > SIZE_MAX / 2 / size)
        return NULL;
    void *p = realloc(base, want * size);
    if (p != NULL)
        *cap = want;
    return p;
}

/* Opens a gap at the sorted position of num in an array with room for one
 * more element and returns it. */
static void *open_gap(void *base, size_t *n, size_t size, uint32_t num)
{
    size_t i = lower_bound(base, *n, size, num);
    char *at = (char *)base + i * size;
    memmove(at + size, at, (*n - i) * size);
    (*n)++;
    return at;
}

static void close_gap(void *base, size_t *n, size_t size, void *at)
{
    size_t i = (size_t)((char *)at - (char *)base) / size;
    memmove(at, (char *)at + size, (*n - i - 1) * size);
    (*n)--;
}

struct okr_team *okr_team_find(const struct okr_state *s, uint32_t num)
{
    return find(s->teams, s->nteams, sizeof *s->teams, num);
}

struct okr_objective *okr_objective_find(const struct okr_state *s, uint32_t num)
{
    return find(s->objectives, s->nobjectives, sizeof *s->objectives, num);
}

struct okr_key_result *okr_key_result_find(const struct okr_state *s, uint32_t num)
{
    return find(s->key_results, s->nkey_results, sizeof *s->key_results, num);
}

/* A sorted array of one kind of entity, as insert_sorted sees it. */
struct sorted {
    void **base;
    size_t *n, *cap;
    size_t size;
    void (*clear)(void *entity);
};

/* Moves *entity into the array at its sorted place. An insert with a number
 * already present replaces that entity, so the arrays never hold two
 * entities with one number. On success the caller's struct is zeroed; when
 * out of memory its strings are freed and NULL is returned. */
static void *insert_sorted(struct sorted a, void *entity)
{
    uint32_t num = *(const uint32_t *)entity;
    void *at = find(*a.base, *a.n, a.size, num);
    if (at != NULL) {
        a.clear(at);
    } else {
        void *p = reserve_one(*a.base, *a.n, a.cap, a.size);
        if (p == NULL) {
            a.clear(entity);
            return NULL;
        }
        *a.base = p;
        at = open_gap(p, a.n, a.size, num);
    }
    memcpy(at, entity, a.size);
    memset(entity, 0, a.size);
    return at;
}

static void clear_team(void *p) { okr_team_clear(p); }
static void clear_objective(void *p) { okr_objective_clear(p); }
static void clear_key_result(void *p) { okr_key_result_clear(p); }
static void clear_initiative(void *p) { okr_initiative_clear(p); }
static void clear_comment(void *p) { okr_comment_clear(p); }

struct okr_team *okr_team_insert(struct okr_state *s, struct okr_team *t)
{
    struct sorted a = {(void **)&s->teams, &s->nteams, &s->cap_teams, sizeof *t, clear_team};
    return insert_sorted(a, t);
}

struct okr_objective *okr_objective_insert(struct okr_state *s, struct okr_objective *o)
{
    struct sorted a = {(void **)&s->objectives, &s->nobjectives, &s->cap_objectives, sizeof *o,
                       clear_objective};
    return insert_sorted(a, o);
}

struct okr_key_result *okr_key_result_insert(struct okr_state *s, struct okr_key_result *k)
{
    struct sorted a = {(void **)&s->key_results, &s->nkey_results, &s->cap_key_results,
                       sizeof *k, clear_key_result};
    return insert_sorted(a, k);
}

struct okr_initiative *okr_initiative_insert(struct okr_state *s, struct okr_initiative *i)
{
    struct sorted a = {(void **)&s->initiatives, &s->ninitiatives, &s->cap_initiatives,
                       sizeof *i, clear_initiative};
    return insert_sorted(a, i);
}

struct okr_comment *okr_comment_insert(struct okr_state *s, struct okr_comment *c)
{
    struct sorted a = {(void **)&s->comments, &s->ncomments, &s->cap_comments, sizeof *c,
                       clear_comment};
    return insert_sorted(a, c);
}

static void clear_idea(void *e) { okr_idea_clear(e); }

struct okr_idea *okr_idea_insert(struct okr_state *s, struct okr_idea *i)
{
    struct sorted a = {(void **)&s->ideas, &s->nideas, &s->cap_ideas, sizeof *i, clear_idea};
    return insert_sorted(a, i);
}

struct okr_idea *okr_idea_find(const struct okr_state *s, uint32_t num)
{
    return find(s->ideas, s->nideas, sizeof *s->ideas, num);
}

struct okr_initiative *okr_initiative_find(const struct okr_state *s, uint32_t num)
{
    return find(s->initiatives, s->ninitiatives, sizeof *s->initiatives, num);
}

struct okr_comment *okr_comment_find(const struct okr_state *s, uint32_t num)
{
    return find(s->comments, s->ncomments, sizeof *s->comments, num);
}

int okr_dependency_exists(const struct okr_state *s, uint32_t key_result, uint32_t depends_on)
{
    for (size_t i = 0; i < s->ndependencies; i++)
        if (s->dependencies[i].key_result == key_result &&
            s->dependencies[i].depends_on == depends_on)
            return 1;
    return 0;
}

int okr_dependency_add(struct okr_state *s, uint32_t key_result, uint32_t depends_on)
{
    if (okr_dependency_exists(s, key_result, depends_on))
        return 0;
    void *p = reserve_one(s->dependencies, s->ndependencies, &s->cap_dependencies,
                          sizeof *s->dependencies);
    if (p == NULL)
        return CAS_ENOMEM;
    s->dependencies = p;
    s->dependencies[s->ndependencies++] = (struct okr_dependency){key_result, depends_on};
    return 0;
}

/* Removes the comments on one entity. */
static void remove_comments_on(struct okr_state *s, enum okr_kind kind, uint32_t num)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->ncomments; i++) {
        if (s->comments[i].target_kind == kind && s->comments[i].target == num)
            okr_comment_clear(&s->comments[i]);
        else
            s->comments[kept++] = s->comments[i];
    }
    s->ncomments = kept;
}

int okr_comment_remove(struct okr_state *s, uint32_t num)
{
    struct okr_comment *c = okr_comment_find(s, num);
    if (c == NULL)
        return CAS_ENOTFOUND;
    okr_comment_clear(c);
    close_gap(s->comments, &s->ncomments, sizeof *s->comments, c);
    return 0;
}

int okr_team_remove(struct okr_state *s, uint32_t num)
{
    struct okr_team *t = okr_team_find(s, num);
    if (t == NULL)
        return CAS_ENOTFOUND;
    okr_team_clear(t);
    close_gap(s->teams, &s->nteams, sizeof *s->teams, t);
    return 0;
}

int okr_objective_remove(struct okr_state *s, uint32_t num)
{
    struct okr_objective *o = okr_objective_find(s, num);
    if (o == NULL)
        return CAS_ENOTFOUND;
    okr_objective_clear(o);
    close_gap(s->objectives, &s->nobjectives, sizeof *s->objectives, o);
    remove_comments_on(s, OKR_OBJECTIVE, num);
    return 0;
}

int okr_key_result_remove(struct okr_state *s, uint32_t num)
{
    struct okr_key_result *k = okr_key_result_find(s, num);
    if (k == NULL)
        return CAS_ENOTFOUND;
    okr_key_result_clear(k);
    close_gap(s->key_results, &s->nkey_results, sizeof *s->key_results, k);
    size_t kept = 0;
    for (size_t i = 0; i < s->ninitiatives; i++) {
        if (s->initiatives[i].key_result == num)
            okr_initiative_clear(&s->initiatives[i]);
        else
            s->initiatives[kept++] = s->initiatives[i];
    }
    s->ninitiatives = kept;
    kept = 0;
    for (size_t i = 0; i < s->ndependencies; i++)
        if (s->dependencies[i].key_result != num && s->dependencies[i].depends_on != num)
            s->dependencies[kept++] = s->dependencies[i];
    s->ndependencies = kept;
    remove_comments_on(s, OKR_KEY_RESULT, num);
    return 0;
}

void okr_team_clear(struct okr_team *t)
{
    free(t->name);
    for (size_t i = 0; i < t->nmembers; i++)
        free(t->members[i]);
    free(t->members);
    memset(t, 0, sizeof *t);
}

void okr_objective_clear(struct okr_objective *o)
{
    free(o->title);
    free(o->owner);
    free(o->rationale);
    free(o->necessary.by);
    free(o->sufficient.by);
    free(o->stamps);
    free(o->close_note);
    free(o->carried_from);
    memset(o, 0, sizeof *o);
}

void okr_key_result_clear(struct okr_key_result *k)
{
    free(k->title);
    free(k->owner);
    free(k->unit);
    free(k->blocker);
    free(k->stamps);
    free(k->carried_from);
    memset(k, 0, sizeof *k);
}

void okr_initiative_clear(struct okr_initiative *i)
{
    free(i->title);
    memset(i, 0, sizeof *i);
}

void okr_comment_clear(struct okr_comment *c)
{
    free(c->author);
    free(c->text);
    free(c->resolved_by);
    memset(c, 0, sizeof *c);
}

/* Looks a name up in a NULL-terminated table, ignoring case. */
static int parse_name(const char *text, const char *const *names, int *out)
{
    for (int i = 0; text != NULL && names[i] != NULL; i++) {
        if (names[i][0] != '\0' && strcasecmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    }
    return CAS_EINVAL;
}

static const char *const STATUS_NAMES[] = {"draft", "final", "archived", NULL};
static const char *const KR_STATUS_NAMES[] = {"on-track", "at-risk", "off-track", NULL};
static const char *const ANSWER_NAMES[] = {"", "yes", "no", NULL};

const char *okr_status_name(enum okr_status status)
{
    return (unsigned)status <= OKR_ARCHIVED ? STATUS_NAMES[status] : "draft";
}

int okr_status_parse(const char *text, enum okr_status *out)
{
    int v;
    if (parse_name(text, STATUS_NAMES, &v) != 0)
        return CAS_EINVAL;
    *out = (enum okr_status)v;
    return 0;
}

const char *okr_kr_status_name(enum okr_kr_status status)
{
    return (unsigned)status <= OKR_OFF_TRACK ? KR_STATUS_NAMES[status] : "on-track";
}

int okr_kr_status_parse(const char *text, enum okr_kr_status *out)
{
    int v;
    if (parse_name(text, KR_STATUS_NAMES, &v) != 0)
        return CAS_EINVAL;
    *out = (enum okr_kr_status)v;
    return 0;
}

const char *okr_answer_name(enum okr_answer answer)
{
    return (unsigned)answer <= OKR_NO ? ANSWER_NAMES[answer] : "";
}

int okr_answer_parse(const char *text, enum okr_answer *out)
{
    int v;
    if (parse_name(text, ANSWER_NAMES, &v) != 0)
        return CAS_EINVAL;
    *out = (enum okr_answer)v;
    return 0;
}

const char *okr_confidence_name(double confidence)
{
    if (!(confidence >= 0.4))
        return "low";
    return confidence < 0.7 ? "medium" : "high";
}

int okr_id_parse(const char *text, enum okr_kind kind, uint32_t *num)
{
    if (text == NULL || toupper((unsigned char)text[0]) != (int)kind)
        return CAS_EINVAL;
    const char *p = text + 1;
    if (*p == '\0')
        return CAS_EINVAL;
    uint64_t v = 0;
    for (; *p != '\0'; p++) {
        if (*p < '0' || *p > '9')
            return CAS_EINVAL;
        v = v * 10 + (uint64_t)(*p - '0');
        if (v > UINT32_MAX)
            return CAS_EINVAL;
    }
    if (v == 0)
        return CAS_EINVAL;
    *num = (uint32_t)v;
    return 0;
}

void okr_id_format(enum okr_kind kind, uint32_t num, char *out, size_t outlen)
{
    snprintf(out, outlen, "%c%u", (char)kind, (unsigned)num);
}

int okr_entity_exists(const struct okr_state *s, enum okr_kind kind, uint32_t num)
{
    switch (kind) {
    case OKR_TEAM: return okr_team_find(s, num) != NULL;
    case OKR_OBJECTIVE: return okr_objective_find(s, num) != NULL;
    case OKR_KEY_RESULT: return okr_key_result_find(s, num) != NULL;
    case OKR_INITIATIVE: return okr_initiative_find(s, num) != NULL;
    case OKR_COMMENT: return okr_comment_find(s, num) != NULL;
    case OKR_IDEA: return okr_idea_find(s, num) != NULL;
    case OKR_VOTE: return num != 0 && num == s->vote.number;
    }
    return 0;
}

const char *okr_kind_name(enum okr_kind kind)
{
    switch (kind) {
    case OKR_TEAM:
        return "team";
    case OKR_OBJECTIVE:
        return "objective";
    case OKR_KEY_RESULT:
        return "key result";
    case OKR_INITIATIVE:
        return "initiative";
    case OKR_COMMENT:
        return "comment";
    case OKR_IDEA:
        return "idea";
    case OKR_VOTE:
        return "vote";
    }
    return "entity";
}

const char *okr_kind_article(enum okr_kind kind)
{
    return strchr("aeiou", okr_kind_name(kind)[0]) != NULL ? "an" : "a";
}

static const char *const level_names[] = {
    [OKR_LEVEL_NONE] = "",
    [OKR_LEVEL_COMPANY] = "company",
    [OKR_LEVEL_DEPARTMENT] = "department",
    [OKR_LEVEL_TEAM] = "team",
    [OKR_LEVEL_INDIVIDUAL] = "individual",
};

const char *okr_level_name(enum okr_level level)
{
    if ((unsigned)level >= sizeof level_names / sizeof level_names[0])
        return "";
    return level_names[level];
}

/* Case-insensitive; "" and "none" give OKR_LEVEL_NONE so that every name
 * okr_level_name writes parses back. */
int okr_level_parse(const char *text, enum okr_level *out)
{
    if (text == NULL)
        return CAS_EINVAL;
    if (strcasecmp(text, "none") == 0) {
        *out = OKR_LEVEL_NONE;
        return 0;
    }
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (strcasecmp(text, level_names[i]) == 0) {
            *out = (enum okr_level)i;
            return 0;
        }
    }
    return CAS_EINVAL;
}

double okr_key_result_weight(const struct okr_key_result *k)
{
    return k->has_weight ? k->weight : 1.0;
}

double okr_key_result_progress(const struct okr_key_result *k)
{
    if (k->milestone)
        return k->done ? 1.0 : 0.0;
    double start = k->start, target = k->target, current = k->current;
    if (isnan(start) || isnan(target) || isnan(current))
        return 0.0;
    /* With no distance to travel there is no direction either, so the target
     * counts as reached once the value is at or above it. */
    if (start == target)
        return current >= target ? 1.0 : 0.0;
    double moved = current - start, span = target - start;
    /* Far-apart finite values can overflow a difference; their halves cannot. */
    if (isinf(moved) || isinf(span)) {
        moved = current / 2 - start / 2;
        span = target / 2 - start / 2;
    }
    double p = moved / span;
    /* Written so that a NaN from infinite inputs falls to 0. */
    if (!(p > 0.0))
        return 0.0;
    if (p > 1.0)
        return 1.0;
    return p;
}

/* Decodes one UTF-8 sequence at s, rejecting overlong forms, surrogates and
 * code points past U+10FFFF. Returns its length and *cp, or 0 when invalid.
 * A truncated sequence meets the terminating NUL, which is no continuation
 * byte, so it is invalid too. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* the range allowed for the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
        *cp = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        *cp = b & 0x0Fu;
        if (b == 0xE0)
            lo = 0xA0; /* below is overlong */
        else if (b == 0xED)
            hi = 0x9F; /* above are the surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        *cp = b & 0x07u;
        if (b == 0xF0)
            lo = 0x90; /* below is overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* above is past U+10FFFF */
    } else {
        return 0;
    }
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3Fu);
    }
    return len;
}

void okr_text_quote(const char *text, size_t max_chars, char *out, size_t outlen)
{
    const unsigned char *p = (const unsigned char *)(text != NULL ? text : "");
    size_t n = 0, chars = 0;
    while (*p != '\0') {
        uint32_t cp;
        size_t len = utf8_decode(p, &cp);
        int bad = len == 0 || cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0);
        size_t need = bad ? 1 : len;
        if (chars == max_chars || n + need + 4 > outlen) {
            memcpy(out + n, "...", 4);
            return;
        }
        if (bad)
            out[n] = '?';
        else
            memcpy(out + n, p, len);
        n += need;
        p += len == 0 ? 1 : len;
        chars++;
    }
    out[n] = '\0';
}

/* Unicode's White_Space characters that are not controls. */
static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
           cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Characters that show nothing: zero-width spaces and joiners, the word
 * joiner and invisible operators, the byte order mark, the soft hyphen,
 * direction marks, variation selectors and the Hangul fillers. A title of
 * only these looks empty. */
static int is_invisible(uint32_t cp)
{
    return cp == 0xAD || cp == 0x115F || cp == 0x1160 || cp == 0x180E ||
           (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2060 && cp <= 0x2064) || cp == 0x3164 ||
           (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF || cp == 0xFFA0;
}

/* Embeddings, overrides and isolates: they make the text after them show
 * in another order than it is stored ("Trojan Source"), so a name or a
 * title could read as something it is not. */
static int is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

int okr_text_check(const char *text, const char *what, size_t max, int required, int multiline,
                   char *err, size_t errlen)
{
    if (what == NULL || what[0] == '\0')
        what = "text";
    if (text == NULL)
        text = "";

    size_t len = strlen(text);
    if (len > max) {
        cas_errorf(err, errlen, "The %s is %zu bytes long; the limit is %zu.", what, len, max);
        return CAS_EINVAL;
    }
    int blank = 1;
    const unsigned char *p = (const unsigned char *)text;
    while (*p != '\0') {
        uint32_t cp;
        size_t n = utf8_decode(p, &cp);
        if (n == 0) {
            cas_errorf(err, errlen,
                       "The %s is not valid UTF-8 (at byte %zu); send it as UTF-8 text.", what,
                       (size_t)(p - (const unsigned char *)text) + 1);
            return CAS_EINVAL;
        }
        if ((cp == '\n' || cp == 0x2028 || cp == 0x2029) && !multiline) {
            cas_errorf(err, errlen, "The %s contains a line break; keep it on one line.", what);
            return CAS_EINVAL;
        }
        if (is_bidi_control(cp) && !multiline) {
            cas_errorf(err, errlen,
                       "The %s contains a direction control (U+%04X), which makes text show in "
                       "another order than it reads; remove it.",
                       what, (unsigned)cp);
            return CAS_EINVAL;
        }
        /* C0, DEL and C1: a terminal would act on them instead of showing them. */
        if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp <= 0x9F)) {
            cas_errorf(err, errlen, "The %s contains a control character (U+%04X); remove it.",
                       what, (unsigned)cp);
            return CAS_EINVAL;
        }
        if (cp != '\n' && !is_space(cp) && !is_invisible(cp))
            blank = 0;
        p += n;
    }
    if (required && blank) {
        cas_errorf(err, errlen, "The %s is empty; give it some words.", what);
        return CAS_EINVAL;
    }
    return 0;
}
