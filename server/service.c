/* Telling a service manager how the server is doing (service.h). */
#include "service.h"

#include <stdio.h>
#include <systemd/sd-daemon.h>

void service_ready(const char *status)
{
    (void)sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

void service_reloading(void)
{
    (void)sd_notify(0, "RELOADING=1");
}

void service_stopping(void)
{
    (void)sd_notify(0, "STOPPING=1");
}

void service_status(const char *status)
{
    (void)sd_notifyf(0, "STATUS=%s", status);
}
