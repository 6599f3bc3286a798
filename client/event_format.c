#include "event_format.h"

#include <string.h>

#include "agenda_view.h"
#include "output.h"
#include "render.h"
#include "round_stats.h"

static int has_value(const Cascade__V1__Value *v)
{
    return v != NULL && v->kind_case != CASCADE__V1__VALUE__KIND__NOT_SET;
}

static void print_text(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '\t')
            fputs("\\t", out);
        else if (*p < 32 || *p == 127)
            fprintf(out, "\\x%02x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void print_value(FILE *out, const Cascade__V1__Value *v)
{
    char num[64];
    switch (v->kind_case) {
    case CASCADE__V1__VALUE__KIND_TEXT:
        /* An empty text is an absence: no blocker, an unanswered question. */
        if (v->text[0] == '\0')
            fputs("none", out);
        else
            print_text(out, v->text);
        break;
    case CASCADE__V1__VALUE__KIND_NUMBER:
        render_number(v->number, num, sizeof num);
        fputs(num, out);
        break;
    case CASCADE__V1__VALUE__KIND_FLAG:
        fputs(v->flag ? "true" : "false", out);
        break;
    default:
        fputs("?", out);
        break;
    }
}

/* ---- Confidence rounds: said in words, the reveal with its figures ---- */

static const Cascade__V1__Value *new_value(const Cascade__V1__Event *e, const char *field)
{
    for (size_t i = 0; i < e->n_changes; i++)
        if (strcmp(e->changes[i]->field, field) == 0 && has_value(e->changes[i]->new_value))
            return e->changes[i]->new_value;
    return NULL;
}

static const char *new_text(const Cascade__V1__Event *e, const char *field)
{
    const Cascade__V1__Value *v = new_value(e, field);
    return v != NULL && v->kind_case == CASCADE__V1__VALUE__KIND_TEXT ? v->text : "";
}

/* The reveal's values come as fields "K# USER", grouped by key result:
 * each group is printed with its count, median and spread. */
static void print_reveal(FILE *out, const Cascade__V1__Event *e)
{
    double values[64];
    size_t n = 0, shown = 0;
    char current[16] = "";
    const Cascade__V1__Value *applied = new_value(e, "applied");
    fputs(" revealed", out);
    for (size_t i = 0; i <= e->n_changes; i++) {
        const Cascade__V1__FieldChange *fc = i < e->n_changes ? e->changes[i] : NULL;
        const char *space = fc != NULL ? strchr(fc->field, ' ') : NULL;
        int is_value = space != NULL && fc->field[0] == 'K' && has_value(fc->new_value) &&
                       fc->new_value->kind_case == CASCADE__V1__VALUE__KIND_NUMBER;
        if (fc != NULL && !is_value)
            continue;
        size_t idlen = space != NULL ? (size_t)(space - fc->field) : 0;
        int same = fc != NULL && idlen < sizeof current && strlen(current) == idlen &&
                   strncmp(current, fc->field, idlen) == 0;
        if (!same && current[0] != '\0') { /* the group just ended */
            struct round_stats st;
            char median[32], spread[32];
            if (round_stats_compute(values, n, &st) == 0 && st.count > 0) {
                render_confidence(st.median, median, sizeof median);
                render_confidence(st.spread, spread, sizeof spread);
                fprintf(out, " (n=%zu, median %s, spread %s%s)", st.count, median, spread,
                        st.wide ? " WIDE" : "");
            }
            n = 0;
        }
        if (fc == NULL)
            break;
        char v[32];
        render_confidence(fc->new_value->number, v, sizeof v);
        if (!same) {
            snprintf(current, sizeof current, "%.*s", (int)idlen, fc->field);
            fprintf(out, "%s %s:", shown++ ? ";" : "", current);
        } else {
            fputc(',', out);
        }
        fprintf(out, " %s %s", space + 1, v);
        if (n < sizeof values / sizeof values[0])
            values[n++] = fc->new_value->number;
    }
    if (shown == 0)
        fputs(" no values", out);
    if (applied != NULL && applied->kind_case == CASCADE__V1__VALUE__KIND_FLAG && applied->flag)
        fputs("; each median checked in", out);
}

/* Writes the words of a round event after its head; 0 when e is none. */
static int print_round(FILE *out, const Cascade__V1__Event *e)
{
    if (strcmp(e->type, "round.start") == 0)
        fprintf(out, " opened over %s", new_text(e, "key_results"));
    else if (strcmp(e->type, "round.submit") == 0)
        fprintf(out, " submitted for %s%s", new_text(e, "key_result"),
                new_value(e, "replaced") != NULL ? ", replacing their earlier value" : "");
    else if (strcmp(e->type, "round.reveal") == 0)
        print_reveal(out, e);
    else
        return 0;
    return 1;
}

/* ---- Closing the quarter: said in words ---- */

static double new_number(const Cascade__V1__Event *e, const char *field)
{
    const Cascade__V1__Value *v = new_value(e, field);
    return v != NULL && v->kind_case == CASCADE__V1__VALUE__KIND_NUMBER ? v->number : 0;
}

/* Writes the words of a close or reopen after its head; 0 when e is neither. */
static int print_closing(FILE *out, const Cascade__V1__Event *e)
{
    if (strcmp(e->type, "workshop.close") == 0) {
        double n = new_number(e, "objectives");
        fprintf(out, " closed the workshop: %.0f objective%s graded, %.0f green, %.0f orange, "
                     "%.0f red%s",
                n, n == 1 ? "" : "s", new_number(e, "green"), new_number(e, "orange"),
                new_number(e, "red"),
                new_value(e, "forced") != NULL ? " (forced, without every closing note)" : "");
    } else if (strcmp(e->type, "workshop.reopen") == 0) {
        fputs(" reopened the workshop: scores are live again", out);
    } else {
        return 0;
    }
    return 1;
}

void event_format_line(FILE *out, const Cascade__V1__Event *e)
{
    /* The timer's events read as sentences. */
    if (agenda_view_event_line(out, e))
        return;
    char when[32];
    output_time(e->time_ms, when, sizeof when);
    fprintf(out, "#%llu %s %s %s %s", (unsigned long long)e->seq, when,
            e->actor[0] != '\0' ? e->actor : "-", e->type[0] != '\0' ? e->type : "event",
            e->entity[0] != '\0' ? e->entity : "-");
    if (print_round(out, e) || print_closing(out, e)) {
        fputc('\n', out);
        return;
    }
    const char *sep = " ";
    for (size_t i = 0; i < e->n_changes; i++) {
        const Cascade__V1__FieldChange *fc = e->changes[i];
        int has_old = has_value(fc->old_value), has_new = has_value(fc->new_value);
        if (!has_old && !has_new)
            continue;
        fprintf(out, "%s%s", sep, fc->field);
        sep = ", ";
        if (has_old && has_new) {
            fputc(' ', out);
            print_value(out, fc->old_value);
            fputs(" → ", out);
            print_value(out, fc->new_value);
        } else if (has_new) {
            fputc('=', out);
            print_value(out, fc->new_value);
        } else {
            fputs(" was ", out);
            print_value(out, fc->old_value);
        }
    }
    fputc('\n', out);
}

static void add_value(cJSON *o, const char *name, const Cascade__V1__Value *v)
{
    switch (v->kind_case) {
    case CASCADE__V1__VALUE__KIND_TEXT:
        cJSON_AddStringToObject(o, name, v->text);
        break;
    case CASCADE__V1__VALUE__KIND_NUMBER:
        cJSON_AddNumberToObject(o, name, v->number);
        break;
    case CASCADE__V1__VALUE__KIND_FLAG:
        cJSON_AddBoolToObject(o, name, v->flag);
        break;
    default:
        break;
    }
}

cJSON *event_format_json(const Cascade__V1__Event *e)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddNumberToObject(o, "seq", (double)e->seq);
    cJSON_AddNumberToObject(o, "time_ms", (double)e->time_ms);
    cJSON_AddStringToObject(o, "actor", e->actor);
    cJSON_AddStringToObject(o, "type", e->type);
    cJSON_AddStringToObject(o, "id", e->entity);
    cJSON_AddStringToObject(o, "workshop", e->workshop);
    cJSON *fields = cJSON_AddObjectToObject(o, "fields");
    cJSON *old = cJSON_AddObjectToObject(o, "old");
    if (fields == NULL || old == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    for (size_t i = 0; i < e->n_changes; i++) {
        const Cascade__V1__FieldChange *fc = e->changes[i];
        if (has_value(fc->new_value))
            add_value(fields, fc->field, fc->new_value);
        if (has_value(fc->old_value))
            add_value(old, fc->field, fc->old_value);
    }
    return o;
}

void event_format_presence_line(FILE *out, const Cascade__V1__PresenceEvent *p)
{
    char when[32], entity[64];
    output_time(p->time_ms, when, sizeof when);
    render_flat(p->entity, entity, sizeof entity);
    const char *user = p->user[0] != '\0' ? p->user : "-";
    if (strcmp(p->change, "join") == 0)
        fprintf(out, "~ %s %s arrived\n", when, user);
    else if (strcmp(p->change, "leave") == 0)
        fprintf(out, "~ %s %s left\n", when, user);
    else if (strcmp(p->change, "editing") == 0 && entity[0] != '\0')
        fprintf(out, "~ %s %s is editing %s\n", when, user, entity);
    else if (strcmp(p->change, "editing") == 0)
        fprintf(out, "~ %s %s stopped editing\n", when, user);
    /* A change this client does not know yet is not printed. */
}

cJSON *event_format_presence_json(const Cascade__V1__PresenceEvent *p)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL)
        return NULL;
    cJSON_AddStringToObject(o, "type", "presence");
    cJSON_AddStringToObject(o, "change", p->change);
    cJSON_AddStringToObject(o, "user", p->user);
    if (p->entity[0] != '\0')
        cJSON_AddStringToObject(o, "entity", p->entity);
    else
        cJSON_AddNullToObject(o, "entity");
    cJSON_AddNumberToObject(o, "time_ms", (double)p->time_ms);
    cJSON_AddStringToObject(o, "workshop", p->workshop);
    return o;
}

void event_format_broadcast(FILE *out, int json, const Cascade__V1__Broadcast *b)
{
    if (json) {
        cJSON *o = cJSON_CreateObject();
        cJSON *e = cJSON_AddObjectToObject(o, "broadcast");
        cJSON_AddStringToObject(e, "from", b->from);
        cJSON_AddStringToObject(e, "text", b->text);
        cJSON_AddNumberToObject(e, "time_ms", (double)b->time_ms);
        output_json(o);
        return;
    }
    char when[32], text[1024];
    output_time(b->time_ms, when, sizeof when);
    render_flat(b->text, text, sizeof text);
    fprintf(out, "! %s broadcast from %s: %s\n", when, b->from[0] ? b->from : "-", text);
}
