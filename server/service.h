/* Telling a service manager how the server is doing (systemd's notify
 * protocol, through libsystemd's sd_notify): ready once it listens,
 * reloading on SIGHUP, stopping on a shutdown, a status line while it
 * drains. Without a manager (NOTIFY_SOCKET unset) each call does nothing. */
#ifndef CASCADE_SERVICE_H
#define CASCADE_SERVICE_H

/* The server listens and serves; status says where (shown by systemctl). */
void service_ready(const char *status);

/* A reload (SIGHUP) begins; service_ready ends it. */
void service_reloading(void);

/* The server is stopping. */
void service_stopping(void);

/* A status line for the operator (a drain's countdown). */
void service_status(const char *status);

#endif
