/* The server's vital signs for admin stats (vitals.h). */
#include "vitals.h"

#include <string.h>

#include "counters.h"

void vitals_totals(uint64_t totals[RATES_SERIES])
{
    memset(totals, 0, RATES_SERIES * sizeof totals[0]);
    totals[VITALS_REQUESTS] = counters_read(&COUNTERS.requests);
    totals[VITALS_EVENTS] = counters_read(&COUNTERS.events);
    totals[VITALS_DELIVERIES] = counters_read(&COUNTERS.deliveries);
    totals[VITALS_LOGINS] = counters_read(&COUNTERS.logins);
}

void vitals_init(struct vitals *v, int64_t now_ms, uint64_t mono_ms)
{
    memset(v, 0, sizeof *v);
    v->started_ms = now_ms;
    v->started_mono_ms = mono_ms;
    uint64_t totals[RATES_SERIES];
    vitals_totals(totals);
    rates_init(&v->rates, mono_ms, totals);
}

void vitals_tick(struct vitals *v, uint64_t mono_ms)
{
    uint64_t totals[RATES_SERIES];
    vitals_totals(totals);
    rates_tick(&v->rates, mono_ms, totals);
}
