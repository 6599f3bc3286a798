#include "cadence_view.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cadence_view_schedule(const Cascade__V1__WorkshopInfo *info, struct cadence_schedule *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->zone, sizeof s->zone, "UTC");
    if (info == NULL)
        return 0;
    if (info->timezone != NULL && info->timezone[0] != '\0')
        snprintf(s->zone, sizeof s->zone, "%s", info->timezone);
    int dates = info->period_from != NULL && info->period_to != NULL &&
                cadence_date_parse(info->period_from, &s->from) == 0 &&
                cadence_date_parse(info->period_to, &s->to) == 0;
    if (info->cadence == NULL || cadence_parse(info->cadence, &s->rule, NULL, 0) != 0)
        s->rule.freq = CADENCE_OFF;
    return dates && s->rule.freq != CADENCE_OFF && cadence_zone_valid(s->zone);
}

const char *cadence_view_state(const Cascade__V1__KeyResult *k, int64_t now_ms)
{
    if (k->next_due_ms == 0)
        return NULL;
    if (k->overdue)
        return "overdue";
    return k->next_due_ms <= now_ms ? "due" : "upcoming";
}

/* The people who owe check-ins, each once, in the order they come. */
static size_t owers(const Cascade__V1__Snapshot *snap, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < snap->n_key_results; i++) {
        const Cascade__V1__KeyResult *k = snap->key_results[i];
        for (size_t j = 0; j < k->n_owed_by; j++) {
            size_t m = 0;
            while (m < n && strcmp(out[m], k->owed_by[j]) != 0)
                m++;
            if (m == n && n < max)
                out[n++] = k->owed_by[j];
        }
    }
    return n;
}

static struct icaltimetype local_time(const struct cadence_date *d, int hour)
{
    struct icaltimetype t = icaltime_null_time();
    t.year = d->year;
    t.month = d->month;
    t.day = d->day;
    t.hour = hour;
    return t;
}

/* One VEVENT: the series of check-ins of who (NULL: the workshop's), with
 * the key results they owe in its description. */
static icalcomponent *series(const Cascade__V1__Snapshot *snap, const struct cadence_schedule *s,
                             int64_t first_due, const char *who, int64_t now_ms)
{
    icaltimezone *utc = icaltimezone_get_utc_timezone();
    int in_utc = strcmp(s->zone, "UTC") == 0;
    icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    char uid[256], summary[512], rule[128], until[32];
    snprintf(uid, sizeof uid, "checkins-%s-%s@cascade", snap->workshop, who != NULL ? who : "all");
    for (char *p = uid; *p; p++)
        if (*p == ' ')
            *p = '_';
    icalcomponent_add_property(ev, icalproperty_new_uid(uid));
    icalcomponent_add_property(
        ev, icalproperty_new_dtstamp(icaltime_from_timet_with_zone((time_t)(now_ms / 1000), 0, utc)));
    const char *title = snap->info != NULL && snap->info->title[0] ? snap->info->title : snap->workshop;
    if (who != NULL)
        snprintf(summary, sizeof summary, "OKR check-in: %s (%s)", who, title);
    else
        snprintf(summary, sizeof summary, "OKR check-in (%s)", title);
    icalcomponent_add_property(ev, icalproperty_new_summary(summary));
    /* The first due date in the period, at its local time; the rule
     * repeats it to the period's last day. */
    struct icaltimetype start;
    if (in_utc) {
        start = icaltime_from_timet_with_zone((time_t)(first_due / 1000), 0, utc);
    } else {
        icaltimezone *z = icaltimezone_get_builtin_timezone(s->zone);
        start = icaltime_from_timet_with_zone((time_t)(first_due / 1000), 0, z);
        start.zone = NULL;
    }
    struct icaltimetype end = start;
    icaltime_adjust(&end, 0, 0, 30, 0);
    icalproperty *dtstart = icalproperty_new_dtstart(start);
    icalproperty *dtend = icalproperty_new_dtend(end);
    if (!in_utc) {
        icalproperty_add_parameter(dtstart, icalparameter_new_tzid(s->zone));
        icalproperty_add_parameter(dtend, icalparameter_new_tzid(s->zone));
    }
    icalcomponent_add_property(ev, dtstart);
    icalcomponent_add_property(ev, dtend);
    struct icaltimetype last = icaltime_from_timet_with_zone(
        icaltime_as_timet_with_zone(local_time(&s->to, 23), in_utc ? utc : icaltimezone_get_builtin_timezone(s->zone)),
        0, utc);
    snprintf(until, sizeof until, "%04d%02d%02dT%02d%02d%02dZ", last.year, last.month, last.day,
             last.hour, last.minute, last.second);
    cadence_rrule(&s->rule, rule, sizeof rule);
    size_t used = strlen(rule);
    snprintf(rule + used, sizeof rule - used, ";UNTIL=%s", until);
    icalcomponent_add_property(ev, icalproperty_new_rrule(icalrecurrencetype_from_string(rule)));
    /* What they owe, in the description. */
    char desc[2048];
    size_t d = (size_t)snprintf(desc, sizeof desc, "Check in on:");
    for (size_t i = 0; i < snap->n_key_results && d < sizeof desc; i++) {
        const Cascade__V1__KeyResult *k = snap->key_results[i];
        int theirs = who == NULL;
        for (size_t j = 0; !theirs && j < k->n_owed_by; j++)
            theirs = strcmp(k->owed_by[j], who) == 0;
        if (theirs)
            d += (size_t)snprintf(desc + d, sizeof desc - d, "\n%s %s", k->id, k->title);
    }
    icalcomponent_add_property(ev, icalproperty_new_description(desc));
    return ev;
}

char *cadence_view_ics(const Cascade__V1__Snapshot *snap, int64_t now_ms)
{
    struct cadence_schedule s;
    if (!cadence_view_schedule(snap->info, &s))
        return NULL;
    int64_t dues[CADENCE_DUES_MAX];
    size_t n = cadence_dues(&s, dues);
    if (n == 0)
        return NULL;
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    icalcomponent_add_property(cal, icalproperty_new_prodid("-//Cascade//OKR check-ins//EN"));
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    if (strcmp(s.zone, "UTC") != 0) {
        /* The zone's rules ride along, so a calendar places 09:00 right
         * on both sides of a DST change. */
        icaltimezone *z = icaltimezone_get_builtin_timezone(s.zone);
        icalcomponent *vtz = z != NULL ? icaltimezone_get_component(z) : NULL;
        if (vtz != NULL) {
            vtz = icalcomponent_new_clone(vtz);
            /* Calendars look the zone up by the name DTSTART's TZID uses. */
            icalproperty *id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
            if (id != NULL)
                icalproperty_set_tzid(id, s.zone);
            icalcomponent_add_component(cal, vtz);
        }
    }
    const char *people[64];
    size_t np = owers(snap, people, 64);
    if (np == 0)
        icalcomponent_add_component(cal, series(snap, &s, dues[0], NULL, now_ms));
    for (size_t i = 0; i < np; i++)
        icalcomponent_add_component(cal, series(snap, &s, dues[0], people[i], now_ms));
    char *text = icalcomponent_as_ical_string_r(cal);
    icalcomponent_free(cal);
    return text;
}
