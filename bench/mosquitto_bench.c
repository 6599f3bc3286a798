/* mosquitto-bench: the fan-out cascade-bench puts on cascaded, put on a
 * Mosquitto broker over TLS instead, so that the two can be compared.
 *
 * The shape is cascade-bench's with topics for workshops: N subscribers,
 * client i on topic bench/<i mod W>; clients 0..K-1 also publish to their
 * own topic. Every message carries the microsecond it was sent, and every
 * delivery is matched to it by bench_stats, exactly as cascade-bench does.
 *
 * All clients live on one thread and one poll() loop, as cascade-bench's
 * live on one libuv loop: a thread per client (mosquitto_loop_start) would
 * measure the scheduler as much as the broker. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <mosquitto.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "bench_options.h"
#include "bench_proc.h"
#include "bench_stats.h"

/* Handshakes in flight at once: enough to keep the broker busy, few enough
 * that its listen backlog never overflows (a dropped SYN costs a second). */
#define CONNECTING_AT_ONCE 64
/* A client that is not connected and subscribed by then has failed. */
#define SETUP_TIMEOUT_US (20u * 1000000u)
/* Messages a publisher may have in flight, as cascade-bench's writers may
 * have unacknowledged edits. QoS 0 has no acknowledgement, and "written to
 * the socket" is no limit at all (the kernel's socket buffers take
 * megabytes), so a message counts as in flight until it comes back to its
 * publisher, which subscribes to its own topic like every client: then the
 * broker has taken it and fanned it out. */
#define PUBLISH_WINDOW 64
/* Packets read from one client per turn, so that one busy socket cannot
 * starve the others. */
#define READ_BURST 256
/* How long to wait for the last deliveries once sending has stopped. */
#define DRAIN_US (2u * 1000000u)
#define KEEPALIVE_S 60
/* About the size of a Cascade check-in event on the wire. */
#define PAYLOAD_BYTES 120
/* The payload starts with the send time, the publisher's index and its
 * count of messages so far, each big-endian; padding follows. */
#define STAMP_AT 0
#define PUBLISHER_AT 8
#define SEQ_AT 12
#define HEADER_BYTES 20

static const char USAGE[] =
    "Usage: mosquitto-bench [--host H] [--port P] [--cafile FILE] [--clients N]\n"
    "                       [--topics W] [--publishers K] [--rate MSGS_PER_S]\n"
    "                       [--duration S | --messages COUNT] [--idle N]\n"
    "                       [--server-pid PID] [--json]\n"
    "\n"
    "The load cascade-bench puts on cascaded, on a Mosquitto broker over TLS\n"
    "(MQTT 3.1.1, clean sessions, QoS 0).\n"
    "\n"
    "  --host H            the broker (default 127.0.0.1); its certificate must\n"
    "                      name H\n"
    "  --port P            its TLS listener (default 8883)\n"
    "  --cafile FILE       verify the broker against this CA (default: the\n"
    "                      system's trusted CAs)\n"
    "  --clients N         subscribers, client i on topic bench/<i mod W>\n"
    "                      (default 100)\n"
    "  --topics W          topics (default 10)\n"
    "  --publishers K      clients 0..K-1 also publish to their topic\n"
    "                      (default W: one per topic)\n"
    "  --rate R            messages per second in all, spread over the\n"
    "                      publishers (default 100; 0: as fast as the broker\n"
    "                      passes them on, each publisher keeping 64 in flight)\n"
    "  --duration S        seconds of load (default 10)\n"
    "  --messages COUNT    send this many messages instead\n"
    "  --idle N            also open N clients that only connect, to measure\n"
    "                      the broker's memory per idle connection (needs\n"
    "                      --server-pid)\n"
    "  --server-pid PID    read the broker's memory and CPU time from /proc\n"
    "  --json              one JSON object on stdout\n"
    "\n"
    "The broker needs 'max_connections -1' (or enough) and a descriptor limit\n"
    "above N + idle.\n";

struct options {
    const char *host, *cafile;
    int port;
    unsigned clients, topics, publishers, idle;
    double rate, duration_s;
    uint64_t messages; /* 0: run for duration_s */
    pid_t server_pid;
    int json;
};

enum client_state {
    CLIENT_NEW,        /* not opened yet */
    CLIENT_CONNECTING, /* TCP, TLS and CONNECT under way */
    CLIENT_SUBSCRIBING,
    CLIENT_READY,
    CLIENT_FAILED,     /* never got ready */
    CLIENT_LOST,       /* was ready, then disconnected */
    CLIENT_CLOSING,
};

struct bench;

struct client {
    struct bench *b;
    struct mosquitto *mosq;
    unsigned index;
    unsigned topic;
    int subscriber; /* the N active clients subscribe; idle ones do not */
    enum client_state state;
    uint64_t opened_us;
    /* Publishers: messages handed to libmosquitto, written to the socket,
     * and come back (the highest count seen in an own message). */
    uint64_t published, written, returned;
};

struct bench {
    const struct options *o;
    struct client *clients; /* N active, then the idle ones */
    unsigned nclients;
    struct pollfd *pfds;
    unsigned *pfd_client;
    char (*topic_names)[32];
    uint32_t *subscribers_per_topic;
    unsigned char payload[PAYLOAD_BYTES];

    unsigned setting_up; /* opened but neither ready nor failed */
    unsigned failed;
    char failure[512];   /* the first reason a client failed */
    unsigned errors_logged;

    struct tracker tracker;
    uint64_t offered, acked;
    uint64_t skipped, orphaned; /* not sent: window full; publisher disconnected */
    uint64_t disconnects, publish_errors, malformed;
    unsigned next_publisher;
    uint64_t last_misc_us;
    int out_of_memory;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

/* ---- options ---- */

static int parse_number(const char *flag, const char *text, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (text[0] == '\0' || *end != '\0' || errno != 0 || !(v >= min && v <= max)) {
        fprintf(stderr, "mosquitto-bench: %s must be a number from %g to %g, not '%s'.\n", flag,
                min, max, text);
        return -1;
    }
    *out = v;
    return 0;
}

/* Whole numbers only where a count is meant. */
static int parse_count(const char *flag, const char *text, double min, double max, double *out)
{
    if (parse_number(flag, text, min, max, out) != 0)
        return -1;
    if (*out != floor(*out)) {
        fprintf(stderr, "mosquitto-bench: %s must be a whole number, not '%s'.\n", flag, text);
        return -1;
    }
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { OPT_HOST = 256, OPT_PORT, OPT_CAFILE, OPT_CLIENTS, OPT_TOPICS, OPT_PUBLISHERS,
           OPT_RATE, OPT_DURATION, OPT_MESSAGES, OPT_IDLE, OPT_PID, OPT_JSON, OPT_HELP };
    static const struct option opts[] = {
        {"host", required_argument, NULL, OPT_HOST},
        {"port", required_argument, NULL, OPT_PORT},
        {"cafile", required_argument, NULL, OPT_CAFILE},
        {"clients", required_argument, NULL, OPT_CLIENTS},
        {"topics", required_argument, NULL, OPT_TOPICS},
        {"publishers", required_argument, NULL, OPT_PUBLISHERS},
        {"rate", required_argument, NULL, OPT_RATE},
        {"duration", required_argument, NULL, OPT_DURATION},
        {"messages", required_argument, NULL, OPT_MESSAGES},
        {"idle", required_argument, NULL, OPT_IDLE},
        {"server-pid", required_argument, NULL, OPT_PID},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    *o = (struct options){.host = "127.0.0.1", .port = 8883, .clients = 100, .topics = 10,
                          .rate = 100, .duration_s = 10};
    int have_duration = 0, opt;
    double v;
    opterr = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int rc = 0;
        switch (opt) {
        case OPT_HOST:
            o->host = optarg;
            break;
        case OPT_PORT:
            rc = parse_count("--port", optarg, 1, 65535, &v);
            o->port = (int)v;
            break;
        case OPT_CAFILE:
            o->cafile = optarg;
            break;
        case OPT_CLIENTS:
            rc = parse_count("--clients", optarg, 1, 1000000, &v);
            o->clients = (unsigned)v;
            break;
        case OPT_TOPICS:
            rc = parse_count("--topics", optarg, 1, 1000000, &v);
            o->topics = (unsigned)v;
            break;
        case OPT_PUBLISHERS:
            rc = parse_count("--publishers", optarg, 1, 1000000, &v);
            o->publishers = (unsigned)v;
            break;
        case OPT_RATE:
            rc = parse_number("--rate", optarg, 0, 1e7, &o->rate);
            break;
        case OPT_DURATION:
            rc = parse_number("--duration", optarg, 0.1, 86400, &o->duration_s);
            have_duration = 1;
            break;
        case OPT_MESSAGES:
            rc = parse_count("--messages", optarg, 1, 1e9, &v);
            o->messages = (uint64_t)v;
            break;
        case OPT_IDLE:
            rc = parse_count("--idle", optarg, 0, 1000000, &v);
            o->idle = (unsigned)v;
            break;
        case OPT_PID:
            rc = parse_count("--server-pid", optarg, 1, 4194304, &v);
            o->server_pid = (pid_t)v;
            break;
        case OPT_JSON:
            o->json = 1;
            break;
        case OPT_HELP:
            fputs(USAGE, stdout);
            exit(0);
        default:
            fprintf(stderr, "mosquitto-bench: unknown or incomplete option '%s'.\n%s",
                    argv[optind - 1], USAGE);
            return -1;
        }
        if (rc != 0)
            return -1;
    }
    static const struct bench_words words = {"mosquitto-bench", "topic", "--topics",
                                             "--publishers", "publishers", "--messages"};
    struct bench_shape shape = {o->clients, o->topics, o->publishers, have_duration, o->messages,
                                o->idle, o->server_pid};
    if (bench_check_shape(&words, argc, argv, optind, &shape) != 0)
        return -1;
    o->publishers = shape.writers;
    if (o->cafile != NULL && access(o->cafile, R_OK) != 0) {
        fprintf(stderr, "mosquitto-bench: cannot read --cafile %s: %s\n", o->cafile,
                strerror(errno));
        return -1;
    }
    return 0;
}

/* ---- the payload ---- */

static void put_be(unsigned char *p, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * (bytes - 1 - i)));
}

static uint64_t get_be(const unsigned char *p, int bytes)
{
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++)
        v = v << 8 | p[i];
    return v;
}

/* ---- client life ---- */

/* What a libmosquitto error means here; a TLS failure is nearly always a
 * certificate that the CA did not sign or that does not name the host. */
static const char *describe(int rc)
{
    if (rc == MOSQ_ERR_TLS)
        return "TLS failed (is --cafile the CA that signed the broker's certificate, and does"
               " that certificate name --host?)";
    if (rc == MOSQ_ERR_ERRNO)
        return strerror(errno);
    return mosquitto_strerror(rc);
}

static void setup_failed(struct client *c, const char *why)
{
    struct bench *b = c->b;
    if (c->state != CLIENT_CONNECTING && c->state != CLIENT_SUBSCRIBING)
        return;
    c->state = CLIENT_FAILED;
    b->setting_up--;
    /* The first failure is the one worth reading; the rest usually repeat it. */
    if (b->failed++ == 0)
        snprintf(b->failure, sizeof b->failure, "%s", why);
}

static void became_ready(struct client *c)
{
    c->state = CLIENT_READY;
    c->b->setting_up--;
    /* Logging formats a line for every packet once a callback is set; keep
     * it only for setup, where the errors worth showing happen. */
    mosquitto_log_callback_set(c->mosq, NULL);
}

static void on_log(struct mosquitto *mosq, void *obj, int level, const char *line)
{
    (void)mosq;
    struct client *c = obj;
    /* OpenSSL's reasons (e.g. "certificate verify failed") arrive only here. */
    if (level == MOSQ_LOG_ERR && c->b->errors_logged++ < 5)
        fprintf(stderr, "mosquitto-bench: client %u: %s\n", c->index, line);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc)
{
    struct client *c = obj;
    if (c->state != CLIENT_CONNECTING)
        return;
    if (rc != 0) {
        char why[256];
        snprintf(why, sizeof why, "the broker refused the connection: %s",
                 mosquitto_connack_string(rc));
        setup_failed(c, why);
        return;
    }
    if (!c->subscriber) {
        became_ready(c);
        return;
    }
    c->state = CLIENT_SUBSCRIBING;
    rc = mosquitto_subscribe(mosq, NULL, c->b->topic_names[c->topic], 0);
    if (rc != MOSQ_ERR_SUCCESS) {
        char why[256];
        snprintf(why, sizeof why, "could not subscribe: %s", mosquitto_strerror(rc));
        setup_failed(c, why);
    }
}

static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted)
{
    (void)mosq;
    (void)mid;
    struct client *c = obj;
    if (c->state != CLIENT_SUBSCRIBING)
        return;
    /* 0x80 in SUBACK: the broker refused the subscription (an ACL, say). */
    if (count < 1 || granted[0] == 0x80) {
        setup_failed(c, "the broker refused the subscription");
        return;
    }
    became_ready(c);
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc)
{
    (void)mosq;
    struct client *c = obj;
    struct bench *b = c->b;
    if (c->state == CLIENT_CONNECTING || c->state == CLIENT_SUBSCRIBING) {
        char why[256];
        snprintf(why, sizeof why, "the connection closed during setup: %s", describe(rc));
        setup_failed(c, why);
    } else if (c->state == CLIENT_READY) {
        c->state = CLIENT_LOST;
        if (b->disconnects++ < 5)
            fprintf(stderr, "mosquitto-bench: client %u lost its connection: %s\n", c->index,
                    describe(rc));
    }
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid)
{
    (void)mosq;
    (void)mid;
    struct client *c = obj;
    /* For QoS 0 libmosquitto calls this once the PUBLISH is written, which
     * is all the acknowledgement QoS 0 has. */
    c->written++;
    c->b->acked++;
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg)
{
    (void)mosq;
    struct client *c = obj;
    struct bench *b = c->b;
    uint64_t now = bench_now_us();
    const unsigned char *p = msg->payload;
    if (msg->payloadlen < HEADER_BYTES) {
        b->malformed++;
        return;
    }
    tracker_delivered(&b->tracker, get_be(p + STAMP_AT, 8), now);
    /* One publisher's messages reach a subscriber in order, so the latest
     * count seen also covers any earlier one the broker dropped. */
    if (get_be(p + PUBLISHER_AT, 4) == c->index) {
        uint64_t seq = get_be(p + SEQ_AT, 8);
        if (seq > c->returned)
            c->returned = seq;
    }
}

/* Creates the client and starts its connection; the rest happens in the
 * loop. A refusal here (e.g. nothing listening) fails the client at once. */
static void open_client(struct bench *b, struct client *c)
{
    const struct options *o = b->o;
    char id[32];
    snprintf(id, sizeof id, "mqb-%d-%u", (int)getpid(), c->index);
    c->state = CLIENT_CONNECTING;
    c->opened_us = bench_now_us();
    b->setting_up++;
    c->mosq = mosquitto_new(id, true, c);
    if (c->mosq == NULL) {
        setup_failed(c, "out of memory for a client");
        return;
    }
    mosquitto_int_option(c->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    /* Each message is one small write; Nagle would hold it back waiting
     * for the previous one's ACK and add delayed-ACK stalls to latencies. */
    mosquitto_int_option(c->mosq, MOSQ_OPT_TCP_NODELAY, 1);
    int rc;
    if (o->cafile != NULL)
        rc = mosquitto_tls_set(c->mosq, o->cafile, NULL, NULL, NULL, NULL);
    else
        rc = mosquitto_int_option(c->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
        char why[256];
        snprintf(why, sizeof why, "could not set up TLS: %s", describe(rc));
        setup_failed(c, why);
        return;
    }
    mosquitto_log_callback_set(c->mosq, on_log);
    mosquitto_connect_callback_set(c->mosq, on_connect);
    mosquitto_subscribe_callback_set(c->mosq, on_subscribe);
    mosquitto_disconnect_callback_set(c->mosq, on_disconnect);
    mosquitto_publish_callback_set(c->mosq, on_publish);
    mosquitto_message_callback_set(c->mosq, on_message);
    rc = mosquitto_connect_async(c->mosq, o->host, o->port, KEEPALIVE_S);
    if (rc != MOSQ_ERR_SUCCESS) {
        char why[512];
        snprintf(why, sizeof why, "cannot connect to %s port %d: %s", o->host, o->port,
                 describe(rc));
        setup_failed(c, why);
    }
}

/* ---- the loop ---- */

/* During setup a read may be what advances the TLS handshake even when the
 * socket was reported writable, and a write (CONNECT, then SUBSCRIBE) is due
 * as soon as a read completes the handshake, so both are tried on any
 * event. */
static void service_setup(struct client *c, short revents)
{
    if (revents & (POLLERR | POLLHUP)) {
        /* A refused connect or a closed socket. libmosquitto 2.0 takes a
         * failed handshake write for "try again" and would retry for ever,
         * so the loop decides. A read first lets a TLS alert from the broker
         * explain itself (on_disconnect then records why). */
        const struct options *o = c->b->o;
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(mosquitto_socket(c->mosq), SOL_SOCKET, SO_ERROR, &err, &len) != 0)
            err = 0;
        if (err == 0)
            (void)mosquitto_loop_read(c->mosq, 1);
        char why[512];
        snprintf(why, sizeof why, "cannot connect to %s port %d: %s", o->host, o->port,
                 err != 0 ? strerror(err) : "the connection was refused or closed");
        setup_failed(c, why);
        return;
    }
    int rc = mosquitto_loop_read(c->mosq, 1);
    if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(c->mosq) >= 0)
        rc = mosquitto_loop_write(c->mosq, 1);
    if (rc != MOSQ_ERR_SUCCESS) {
        char why[512];
        snprintf(why, sizeof why, "the connection failed during setup: %s", describe(rc));
        setup_failed(c, why);
    }
}

static void lost(struct client *c, int rc)
{
    /* libmosquitto reports most losses through on_disconnect; this covers
     * the paths where it only returns an error. */
    if (c->state == CLIENT_READY)
        on_disconnect(c->mosq, c, rc);
}

static void service_ready(struct client *c, short revents)
{
    if (revents & (POLLIN | POLLERR | POLLHUP)) {
        /* mosquitto_loop_read() reads about one packet per call; call it
         * until the socket is drained (libmosquitto leaves errno at EAGAIN
         * then) rather than paying a poll() over every socket per packet. */
        for (int i = 0; i < READ_BURST && c->state == CLIENT_READY; i++) {
            errno = 0;
            int rc = mosquitto_loop_read(c->mosq, 1);
            if (rc != MOSQ_ERR_SUCCESS) {
                lost(c, rc);
                break;
            }
            if (mosquitto_socket(c->mosq) < 0 || errno == EAGAIN || errno == EWOULDBLOCK)
                break;
        }
    }
    if ((revents & POLLOUT) && c->state == CLIENT_READY) {
        int rc = mosquitto_loop_write(c->mosq, 1);
        if (rc != MOSQ_ERR_SUCCESS)
            lost(c, rc);
    }
}

/* One turn: poll every live client, serve those with something to do, and
 * keep the keepalives and setup deadlines. */
static void pump(struct bench *b, int timeout_ms)
{
    nfds_t n = 0;
    for (unsigned i = 0; i < b->nclients; i++) {
        struct client *c = &b->clients[i];
        if (c->state != CLIENT_CONNECTING && c->state != CLIENT_SUBSCRIBING &&
            c->state != CLIENT_READY)
            continue;
        int fd = mosquitto_socket(c->mosq);
        if (fd < 0)
            continue;
        short events = mosquitto_want_write(c->mosq) ? POLLIN | POLLOUT : POLLIN;
        b->pfds[n] = (struct pollfd){.fd = fd, .events = events};
        b->pfd_client[n++] = i;
    }
    int ready = poll(b->pfds, n, timeout_ms);
    if (ready < 0 && errno != EINTR) {
        fprintf(stderr, "mosquitto-bench: poll: %s\n", strerror(errno));
        interrupted = 1;
        return;
    }
    for (nfds_t k = 0; ready > 0 && k < n; k++) {
        if (b->pfds[k].revents == 0)
            continue;
        struct client *c = &b->clients[b->pfd_client[k]];
        if (c->state == CLIENT_CONNECTING || c->state == CLIENT_SUBSCRIBING)
            service_setup(c, b->pfds[k].revents);
        else if (c->state == CLIENT_READY)
            service_ready(c, b->pfds[k].revents);
    }

    uint64_t now = bench_now_us();
    if (now - b->last_misc_us < 1000000u)
        return;
    b->last_misc_us = now;
    for (unsigned i = 0; i < b->nclients; i++) {
        struct client *c = &b->clients[i];
        if (c->state == CLIENT_READY) {
            /* Keepalive pings, and noticing a broker that stopped answering. */
            int rc = mosquitto_loop_misc(c->mosq);
            if (rc != MOSQ_ERR_SUCCESS)
                lost(c, rc);
        } else if ((c->state == CLIENT_CONNECTING || c->state == CLIENT_SUBSCRIBING) &&
                   now - c->opened_us > SETUP_TIMEOUT_US) {
            char why[256];
            snprintf(why, sizeof why, "no %s from %s port %d within %u s",
                     c->state == CLIENT_CONNECTING ? "CONNACK" : "SUBACK", b->o->host, b->o->port,
                     SETUP_TIMEOUT_US / 1000000u);
            setup_failed(c, why);
        }
    }
}

/* Opens clients [from, to) a batch at a time and waits until every one is
 * connected (and subscribed, if it subscribes). 0, or -1 after saying why. */
static int open_clients(struct bench *b, unsigned from, unsigned to)
{
    unsigned next = from;
    for (;;) {
        while (next < to && b->setting_up < CONNECTING_AT_ONCE && b->failed == 0)
            open_client(b, &b->clients[next++]);
        if (b->failed > 0) {
            fprintf(stderr, "mosquitto-bench: could not connect: %s\n", b->failure);
            return -1;
        }
        if (interrupted) {
            fprintf(stderr, "mosquitto-bench: interrupted while connecting\n");
            return -1;
        }
        if (next == to && b->setting_up == 0)
            return 0;
        pump(b, 10);
    }
}

/* ---- the timed run ---- */

static void publish(struct bench *b, struct client *c)
{
    uint64_t stamp = tracker_stamp(&b->tracker);
    put_be(b->payload + STAMP_AT, stamp, 8);
    put_be(b->payload + PUBLISHER_AT, c->index, 4);
    put_be(b->payload + SEQ_AT, c->published + 1, 8);
    /* Counted before the call: the write, and with it on_publish, usually
     * happens inside it. */
    c->published++;
    int rc = mosquitto_publish(c->mosq, NULL, b->topic_names[c->topic], PAYLOAD_BYTES, b->payload,
                               0, false);
    if (rc != MOSQ_ERR_SUCCESS) {
        c->published--;
        b->publish_errors++;
        return;
    }
    b->offered++;
    if (tracker_sent(&b->tracker, stamp, b->subscribers_per_topic[c->topic]) != 0)
        b->out_of_memory = 1;
}

/* Messages whose turn has come, whether they went out or not. */
static uint64_t attempted(const struct bench *b)
{
    return b->offered + b->skipped + b->orphaned + b->publish_errors;
}

static int can_publish(const struct client *c)
{
    return c->state == CLIENT_READY && c->published - c->returned < PUBLISH_WINDOW;
}

/* The publishers' share of messages due by now (rate mode: open loop, round
 * robin, a message skipped when its publisher's window is full, as
 * cascade-bench does), or every publisher's window filled (rate 0). */
static void send_due(struct bench *b, uint64_t run_start_us)
{
    const struct options *o = b->o;
    uint64_t limit = o->messages ? o->messages : UINT64_MAX;
    if (o->rate <= 0) {
        for (unsigned i = 0; i < o->publishers; i++) {
            struct client *c = &b->clients[i];
            while (can_publish(c) && b->offered < limit)
                publish(b, c);
        }
        return;
    }
    double elapsed = (double)(bench_now_us() - run_start_us) / 1e6;
    uint64_t due = (uint64_t)(o->rate * elapsed) + 1;
    if (due > limit)
        due = limit;
    while (attempted(b) < due) {
        struct client *c = &b->clients[b->next_publisher++ % o->publishers];
        if (can_publish(c))
            publish(b, c);
        else if (c->state == CLIENT_READY)
            b->skipped++; /* the broker is behind */
        else
            b->orphaned++;
    }
}

/* How long the loop may sleep in poll() before something must be sent.
 * Every poll() walks all the sockets, so rate mode sleeps until the next
 * message is due rather than on a fixed tick; at rate 0 a returning message
 * wakes the loop, and the timeout only bounds how late the end is seen. */
static int next_wait_ms(const struct bench *b, uint64_t run_start_us)
{
    const struct options *o = b->o;
    if (o->rate <= 0)
        return 10;
    /* send_due() sends message n once rate * elapsed + 1 > n. */
    double next_s = (double)attempted(b) / o->rate;
    double elapsed = (double)(bench_now_us() - run_start_us) / 1e6;
    double ms = ceil((next_s - elapsed) * 1000);
    return ms < 0 ? 0 : ms > 10 ? 10 : (int)ms;
}

static int all_flushed(const struct bench *b)
{
    for (unsigned i = 0; i < b->o->publishers; i++) {
        const struct client *c = &b->clients[i];
        if (c->state == CLIENT_READY && c->published != c->written)
            return 0;
    }
    return 1;
}


static void run(struct bench *b, struct bench_report *r)
{
    const struct options *o = b->o;
    struct proc_sample start = proc_sample(o->server_pid);
    double self_start = proc_self_cpu_s();
    uint64_t run_start_us = bench_now_us();
    if (o->messages)
        fprintf(stderr, "mosquitto-bench: sending %llu messages\n",
                (unsigned long long)o->messages);
    else
        fprintf(stderr, "mosquitto-bench: running for %g s\n", o->duration_s);

    uint64_t now = run_start_us;
    while (!interrupted && !b->out_of_memory) {
        now = bench_now_us();
        int over = o->messages ? attempted(b) >= o->messages
                               : (double)(now - run_start_us) >= o->duration_s * 1e6;
        if (over)
            break;
        send_due(b, run_start_us);
        pump(b, next_wait_ms(b, run_start_us));
    }
    uint64_t run_end_us = now;

    /* The drain: what was sent may still be on its way. */
    while (!interrupted && bench_now_us() - run_end_us < DRAIN_US &&
           (b->tracker.nlatency < b->tracker.n || !all_flushed(b)))
        pump(b, 10);
    struct proc_sample end = proc_sample(o->server_pid);
    double self_s = proc_self_cpu_s() - self_start;
    double wall_s = (double)(bench_now_us() - run_start_us) / 1e6;

    if (b->out_of_memory)
        fprintf(stderr, "mosquitto-bench: out of memory for the record of sent messages;"
                        " the run stopped early\n");
    if (interrupted)
        fprintf(stderr, "mosquitto-bench: interrupted; the figures cover the run so far\n");
    if (b->orphaned > 0)
        fprintf(stderr,
                "mosquitto-bench: note: %llu messages were not sent because their publisher"
                " had lost its connection\n",
                (unsigned long long)b->orphaned);
    if (b->skipped > 0)
        fprintf(stderr,
                "mosquitto-bench: note: %llu messages were not sent because their publisher"
                " still had %d in flight: the broker (or this bench) could not keep up\n",
                (unsigned long long)b->skipped, PUBLISH_WINDOW);
    (void)wall_s;

    /* Measured as cascade-bench measures: from the start of sending to the
     * later of the last delivery and the end of sending. */
    uint64_t last = b->tracker.last_delivery_us > run_end_us ? b->tracker.last_delivery_us
                                                             : run_end_us;
    r->target = "mosquitto";
    r->clients = o->clients;
    r->groups = o->topics;
    r->writers = o->publishers;
    r->rate = o->rate;
    r->seconds = last > run_start_us ? (double)(last - run_start_us) / 1e6 : 0;
    r->offered = b->offered;
    r->acked = b->acked;
    r->deliveries = b->tracker.deliveries;
    r->latency = tracker_latency(&b->tracker);
    r->errors = b->disconnects + b->publish_errors + b->malformed + b->tracker.unmatched;
    r->incomplete = tracker_incomplete(&b->tracker);
    r->server_rss_kib = end.rss_kib;
    r->server_cpu_s = end.cpu_s >= 0 && start.cpu_s >= 0 ? end.cpu_s - start.cpu_s : -1;
    r->driver_cpu_s = self_s;
    r->durability = "Mosquitto at QoS 0 keeps nothing: a message is gone once delivered, and "
                    "lost if the broker stops.";
}

/* ---- setup and teardown ---- */

/* Each client holds its socket and a socket pair libmosquitto uses to wake
 * a threaded loop: three descriptors. */
static void raise_fd_limit(unsigned clients)
{
    rlim_t need = (rlim_t)clients * 3 + 64;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
        return;
    rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < need)
        fprintf(stderr,
                "mosquitto-bench: note: only %llu descriptors are allowed and %llu are needed;"
                " raise 'ulimit -n'.\n",
                (unsigned long long)rl.rlim_cur, (unsigned long long)need);
}

static int bench_init(struct bench *b, const struct options *o)
{
    memset(b, 0, sizeof *b);
    b->o = o;
    b->nclients = o->clients + o->idle;
    b->clients = calloc(b->nclients, sizeof *b->clients);
    b->pfds = calloc(b->nclients, sizeof *b->pfds);
    b->pfd_client = calloc(b->nclients, sizeof *b->pfd_client);
    b->topic_names = calloc(o->topics, sizeof *b->topic_names);
    b->subscribers_per_topic = calloc(o->topics, sizeof *b->subscribers_per_topic);
    if (b->clients == NULL || b->pfds == NULL || b->pfd_client == NULL ||
        b->topic_names == NULL || b->subscribers_per_topic == NULL) {
        fprintf(stderr, "mosquitto-bench: out of memory for %u clients\n", b->nclients);
        return -1;
    }
    for (unsigned t = 0; t < o->topics; t++)
        snprintf(b->topic_names[t], sizeof b->topic_names[t], "bench/%u", t);
    for (unsigned i = 0; i < b->nclients; i++) {
        struct client *c = &b->clients[i];
        c->b = b;
        c->index = i;
        c->subscriber = i < o->clients;
        c->topic = i % o->topics;
        if (c->subscriber)
            b->subscribers_per_topic[c->topic]++;
    }
    /* The padding is readable text, like an encoded event's fields. */
    static const char filler[] = "cascade-bench comparison payload ";
    for (size_t i = HEADER_BYTES; i < sizeof b->payload; i++)
        b->payload[i] = (unsigned char)filler[(i - HEADER_BYTES) % (sizeof filler - 1)];
    return 0;
}

static void bench_close(struct bench *b)
{
    for (unsigned i = 0; b->clients != NULL && i < b->nclients; i++) {
        struct client *c = &b->clients[i];
        if (c->mosq == NULL)
            continue;
        /* A clean DISCONNECT where the socket takes it, so the broker's log
         * shows the bench leaving rather than failing. */
        if (c->state == CLIENT_READY) {
            c->state = CLIENT_CLOSING;
            mosquitto_disconnect(c->mosq);
        }
        c->state = CLIENT_CLOSING;
        mosquitto_destroy(c->mosq);
        c->mosq = NULL;
    }
    tracker_free(&b->tracker);
    free(b->clients);
    free(b->pfds);
    free(b->pfd_client);
    free(b->topic_names);
    free(b->subscribers_per_topic);
}

int main(int argc, char **argv)
{
    struct options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;

    /* A broker closing a socket mid-write must end that client, not us. */
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    raise_fd_limit(o.clients + o.idle);
    bench_now_us(); /* start the clock before anything is timed */

    mosquitto_lib_init();
    struct bench b;
    struct bench_report report;
    memset(&report, 0, sizeof report);
    report.rss_per_idle_kib = -1;
    int rc = 1;
    if (bench_init(&b, &o) != 0)
        goto out;

    uint64_t t0 = bench_now_us();
    if (open_clients(&b, 0, o.clients) != 0)
        goto out;
    fprintf(stderr, "mosquitto-bench: %u clients connected and subscribed in %.1f s\n",
            o.clients, (double)(bench_now_us() - t0) / 1e6);

    if (o.idle > 0) {
        struct proc_sample before = proc_sample(o.server_pid);
        t0 = bench_now_us();
        if (open_clients(&b, o.clients, b.nclients) != 0)
            goto out;
        struct proc_sample after = proc_sample(o.server_pid);
        fprintf(stderr, "mosquitto-bench: %u idle clients connected in %.1f s\n", o.idle,
                (double)(bench_now_us() - t0) / 1e6);
        if (before.rss_kib >= 0 && after.rss_kib >= 0)
            report.rss_per_idle_kib = (double)(after.rss_kib - before.rss_kib) / o.idle;
    }
    report.idle = o.idle;

    run(&b, &report);
    bench_report_print(stdout, &report, o.json);
    rc = 0;
out:
    bench_close(&b);
    mosquitto_lib_cleanup();
    return rc;
}
