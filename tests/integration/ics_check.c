/* Reads an iCalendar file with libical, as a calendar importing it would,
 * and checks what Google Calendar and Outlook need: a VCALENDAR with PRODID
 * and VERSION, each VEVENT with UID, DTSTAMP and DTSTART (a TZID naming a
 * VTIMEZONE of the file, or UTC). Prints "EVENTS OCCURRENCES": the VEVENTs
 * and the check-ins their RRULEs expand to. Exit 0 when valid, 1 when not.
 * Usage: ics_check FILE */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
    fprintf(stderr, "ics_check: %s\n", what);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return fail("usage: ics_check FILE");
    FILE *f = fopen(argv[1], "r");
    if (f == NULL)
        return fail("cannot open the file");
    static char text[1 << 20];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    icalcomponent *cal = icalparser_parse_string(text);
    if (cal == NULL || icalcomponent_isa(cal) != ICAL_VCALENDAR_COMPONENT)
        return fail("not a VCALENDAR");
    if (icalcomponent_get_first_property(cal, ICAL_PRODID_PROPERTY) == NULL ||
        icalcomponent_get_first_property(cal, ICAL_VERSION_PROPERTY) == NULL)
        return fail("PRODID or VERSION missing");
    int events = 0, occurrences = 0;
    for (icalcomponent *ev = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
         ev != NULL; ev = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        events++;
        if (icalcomponent_get_first_property(ev, ICAL_UID_PROPERTY) == NULL ||
            icalcomponent_get_first_property(ev, ICAL_DTSTAMP_PROPERTY) == NULL)
            return fail("a VEVENT without UID or DTSTAMP");
        icalproperty *start = icalcomponent_get_first_property(ev, ICAL_DTSTART_PROPERTY);
        if (start == NULL)
            return fail("a VEVENT without DTSTART");
        struct icaltimetype t = icalproperty_get_dtstart(start);
        icalparameter *tzid = icalproperty_get_first_parameter(start, ICAL_TZID_PARAMETER);
        if (tzid != NULL) {
            if (icalcomponent_get_timezone(cal, icalparameter_get_tzid(tzid)) == NULL)
                return fail("DTSTART names a TZID with no VTIMEZONE in the file");
        } else if (!icaltime_is_utc(t)) {
            return fail("DTSTART is neither in a zone nor in UTC");
        }
        icalproperty *rule = icalcomponent_get_first_property(ev, ICAL_RRULE_PROPERTY);
        if (rule == NULL) {
            occurrences++;
            continue;
        }
        icalrecur_iterator *it = icalrecur_iterator_new(icalproperty_get_rrule(rule), t);
        if (it == NULL)
            return fail("an RRULE libical cannot expand");
        while (!icaltime_is_null_time(icalrecur_iterator_next(it)) && occurrences < 100000)
            occurrences++;
        icalrecur_iterator_free(it);
    }
    if (events == 0)
        return fail("no VEVENT");
    icalcomponent_free(cal);
    printf("%d %d\n", events, occurrences);
    return 0;
}
