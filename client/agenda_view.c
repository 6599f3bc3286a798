#include "agenda_view.h"

#include <string.h>

#include "duration.h"
#include "output.h"
#include "render.h"

int64_t agenda_view_remaining(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms)
{
    if (m->state == CASCADE__V1__TIMER_STATE__TIMER_RUNNING)
        return m->ends_ms - (now_ms + offset_ms);
    if (m->state == CASCADE__V1__TIMER_STATE__TIMER_PAUSED)
        return m->remaining_ms;
    return 0;
}

static const char *state_name(Cascade__V1__TimerState s)
{
    switch (s) {
    case CASCADE__V1__TIMER_STATE__TIMER_RUNNING: return "running";
    case CASCADE__V1__TIMER_STATE__TIMER_PAUSED: return "paused";
    case CASCADE__V1__TIMER_STATE__TIMER_FINISHED: return "finished";
    default: return "not started";
    }
}

static int64_t total(const Cascade__V1__Agenda *m)
{
    int64_t t = 0;
    for (size_t i = 0; i < m->n_steps; i++)
        t += m->steps[i]->planned_ms;
    return t;
}

/* When the agenda should end, on this machine's clock; 0 when it has. */
static int64_t projected_end(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms)
{
    if (m->n_steps == 0 || m->state == CASCADE__V1__TIMER_STATE__TIMER_FINISHED)
        return 0;
    if (m->state == CASCADE__V1__TIMER_STATE__TIMER_IDLE || m->current == 0)
        return now_ms + total(m);
    int64_t left = agenda_view_remaining(m, now_ms, offset_ms);
    int64_t end = now_ms + (left > 0 ? left : 0);
    for (size_t i = m->current; i < m->n_steps; i++)
        end += m->steps[i]->planned_ms;
    return end;
}

static int under_way(const Cascade__V1__Agenda *m)
{
    return (m->state == CASCADE__V1__TIMER_STATE__TIMER_RUNNING ||
            m->state == CASCADE__V1__TIMER_STATE__TIMER_PAUSED) &&
           m->current >= 1 && m->current <= m->n_steps;
}

void agenda_view_print(FILE *out, const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms)
{
    char planned[DURATION_TEXT_MAX], spent[DURATION_TEXT_MAX], started[32], num[24],
        title[256];
    if (m->n_steps == 0) {
        fprintf(out, "The agenda is empty; a facilitator adds steps with 'cascade agenda add "
                     "TITLE --for 15m'.\n");
        return;
    }
    static const char *const HEADERS[] = {"", "STEP", "TITLE", "PLANNED", "ACTUAL", "STARTED"};
    struct table t;
    int ok = table_init(&t, 6, HEADERS) == 0;
    for (size_t i = 0; i < m->n_steps && ok; i++) {
        const Cascade__V1__AgendaStep *s = m->steps[i];
        int current = under_way(m) && i + 1 == m->current;
        duration_format(s->planned_ms, planned, sizeof planned);
        if (s->spent_ms >= 1000 || (current && s->started_ms != 0))
            duration_format(s->spent_ms, spent, sizeof spent);
        else
            snprintf(spent, sizeof spent, "-");
        if (s->started_ms != 0)
            output_time(s->started_ms - offset_ms, started, sizeof started);
        else
            snprintf(started, sizeof started, "-");
        snprintf(num, sizeof num, "%zu", i + 1);
        render_flat(s->title, title, sizeof title);
        const char *row[] = {current ? ">" : "", num, title, planned, spent, started};
        ok = table_add(&t, row) == 0;
    }
    if (ok)
        table_print(&t, out);
    table_free(&t);
    duration_format(total(m), planned, sizeof planned);
    fprintf(out, "\n%zu step%s, %s planned; ", m->n_steps, m->n_steps == 1 ? "" : "s", planned);
    if (under_way(m)) {
        int64_t left = agenda_view_remaining(m, now_ms, offset_ms);
        char clock[DURATION_TEXT_MAX];
        duration_clock(left, clock, sizeof clock);
        fprintf(out, "step %u %s, %s.\n", m->current, state_name(m->state),
                left <= 0 ? "time is up" : strcat(clock, " left"));
    } else {
        fprintf(out, "%s.\n", state_name(m->state));
    }
    int64_t end = projected_end(m, now_ms, offset_ms);
    if (end != 0) {
        output_time(end, started, sizeof started);
        fprintf(out, "Projected end: %s.\n", started);
    }
    if (under_way(m)) {
        const Cascade__V1__AgendaStep *s = m->steps[m->current - 1];
        if (s->prompt[0] != '\0') {
            char prompt[1024];
            render_flat(s->prompt, prompt, sizeof prompt);
            fprintf(out, "Now: %s\n", prompt);
        }
        fprintf(out, "%zu of %u ready.\n", m->n_ready, m->ready_of);
    }
}

cJSON *agenda_view_json(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *steps = o != NULL ? cJSON_AddArrayToObject(o, "steps") : NULL;
    if (steps == NULL) {
        cJSON_Delete(o);
        return NULL;
    }
    char text[DURATION_TEXT_MAX];
    for (size_t i = 0; i < m->n_steps; i++) {
        const Cascade__V1__AgendaStep *s = m->steps[i];
        cJSON *j = cJSON_CreateObject();
        if (j == NULL)
            break;
        cJSON_AddNumberToObject(j, "step", (double)(i + 1));
        cJSON_AddStringToObject(j, "title", s->title);
        output_json_text_or_null(j, "prompt", s->prompt);
        duration_format(s->planned_ms, text, sizeof text);
        cJSON_AddStringToObject(j, "planned", text);
        cJSON_AddNumberToObject(j, "planned_ms", (double)s->planned_ms);
        cJSON_AddNumberToObject(j, "spent_ms", (double)s->spent_ms);
        if (s->started_ms != 0)
            cJSON_AddNumberToObject(j, "started_ms", (double)s->started_ms);
        else
            cJSON_AddNullToObject(j, "started_ms");
        cJSON_AddItemToArray(steps, j);
    }
    cJSON_AddStringToObject(o, "state", state_name(m->state));
    if (m->current != 0)
        cJSON_AddNumberToObject(o, "current", m->current);
    else
        cJSON_AddNullToObject(o, "current");
    cJSON_AddNumberToObject(o, "total_ms", (double)total(m));
    if (under_way(m)) {
        int64_t left = agenda_view_remaining(m, now_ms, offset_ms);
        cJSON_AddNumberToObject(o, "remaining_ms", (double)left);
        cJSON_AddBoolToObject(o, "time_up", left <= 0);
        cJSON_AddNumberToObject(o, "extra_ms", (double)m->extra_ms);
    }
    if (m->state == CASCADE__V1__TIMER_STATE__TIMER_RUNNING)
        cJSON_AddNumberToObject(o, "ends_ms", (double)m->ends_ms);
    int64_t end = projected_end(m, now_ms, offset_ms);
    if (end != 0)
        cJSON_AddNumberToObject(o, "projected_end_ms", (double)end);
    cJSON *ready = cJSON_AddArrayToObject(o, "ready");
    for (size_t i = 0; ready != NULL && i < m->n_ready; i++)
        cJSON_AddItemToArray(ready, cJSON_CreateString(m->ready[i]));
    cJSON_AddNumberToObject(o, "ready_of", m->ready_of);
    cJSON_AddNumberToObject(o, "warning_ms", (double)m->warning_ms);
    return o;
}

void agenda_view_header(const Cascade__V1__Agenda *m, int64_t now_ms, int64_t offset_ms,
                        char *out, size_t outlen, int *time_up)
{
    *time_up = 0;
    out[0] = '\0';
    if (m == NULL)
        return;
    if (m->state == CASCADE__V1__TIMER_STATE__TIMER_FINISHED) {
        snprintf(out, outlen, "Agenda finished");
        return;
    }
    if (!under_way(m))
        return;
    char title[128], clock[DURATION_TEXT_MAX];
    render_flat(m->steps[m->current - 1]->title, title, sizeof title);
    int64_t left = agenda_view_remaining(m, now_ms, offset_ms);
    duration_clock(left, clock, sizeof clock);
    *time_up = left <= 0;
    if (*time_up)
        snprintf(out, outlen, "Step %u/%zu %s · time is up%s", m->current, m->n_steps, title,
                 m->state == CASCADE__V1__TIMER_STATE__TIMER_PAUSED ? " (paused)" : "");
    else if (m->state == CASCADE__V1__TIMER_STATE__TIMER_PAUSED)
        snprintf(out, outlen, "Step %u/%zu %s · paused, %s left", m->current, m->n_steps, title,
                 clock);
    else
        snprintf(out, outlen, "Step %u/%zu %s · %s left", m->current, m->n_steps, title, clock);
}

/* ---- Events ------------------------------------------------------------------------- */

static const Cascade__V1__Value *field(const Cascade__V1__Event *e, const char *name)
{
    for (size_t i = 0; i < e->n_changes; i++)
        if (strcmp(e->changes[i]->field, name) == 0)
            return e->changes[i]->new_value;
    return NULL;
}

static const char *text_of(const Cascade__V1__Event *e, const char *name)
{
    const Cascade__V1__Value *v = field(e, name);
    return v != NULL && v->kind_case == CASCADE__V1__VALUE__KIND_TEXT ? v->text : "";
}

static double number_of(const Cascade__V1__Event *e, const char *name)
{
    const Cascade__V1__Value *v = field(e, name);
    return v != NULL && v->kind_case == CASCADE__V1__VALUE__KIND_NUMBER ? v->number : 0;
}

int agenda_view_event_line(FILE *out, const Cascade__V1__Event *e)
{
    static const char *const WORDED[] = {"agenda.start", "agenda.next", "agenda.back",
                                         "agenda.pause", "agenda.resume", "agenda.extend",
                                         "agenda.warning", "agenda.timeup", "agenda.finish",
                                         "agenda.ready", NULL};
    const char *const *w = WORDED;
    while (*w != NULL && strcmp(*w, e->type) != 0)
        w++;
    if (*w == NULL)
        return 0;
    char when[32], title[256], actor[64], entity[32];
    output_time(e->time_ms, when, sizeof when);
    render_flat(text_of(e, "title"), title, sizeof title);
    render_flat(e->actor[0] != '\0' ? e->actor : "timer", actor, sizeof actor);
    render_flat(e->entity, entity, sizeof entity);
    fprintf(out, "#%llu %s %s %s %s ", (unsigned long long)e->seq, when, actor, e->type, entity);
    const char *type = e->type + strlen("agenda.");
    if (strcmp(type, "start") == 0 || strcmp(type, "next") == 0 || strcmp(type, "back") == 0)
        fprintf(out, "step %s of %.0f begins: \"%s\", %s\n", entity + 1, number_of(e, "steps"),
                title, text_of(e, "planned"));
    else if (strcmp(type, "pause") == 0)
        fprintf(out, "paused \"%s\" with %s left\n", title, text_of(e, "left"));
    else if (strcmp(type, "resume") == 0)
        fprintf(out, "resumed \"%s\" with %s left\n", title, text_of(e, "left"));
    else if (strcmp(type, "extend") == 0)
        fprintf(out, "extended \"%s\" by %s, %s left\n", title, text_of(e, "by"),
                text_of(e, "left"));
    else if (strcmp(type, "warning") == 0)
        fprintf(out, "%s left in \"%s\"\n", text_of(e, "left"), title);
    else if (strcmp(type, "timeup") == 0)
        fprintf(out, "time is up for \"%s\"\n", title);
    else if (strcmp(type, "finish") == 0)
        fprintf(out, "the agenda is finished\n");
    else {
        const Cascade__V1__Value *r = field(e, "ready");
        int on = r != NULL && r->kind_case == CASCADE__V1__VALUE__KIND_FLAG && r->flag;
        render_flat(text_of(e, "user"), title, sizeof title);
        fprintf(out, "%s %s (%.0f of %.0f ready)\n", title,
                on ? "is ready" : "is not ready after all", number_of(e, "count"),
                number_of(e, "of"));
    }
    return 1;
}
