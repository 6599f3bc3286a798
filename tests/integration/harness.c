#include "harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"

static void die(const char *what)
{
    fprintf(stderr, "harness: %s (%s)\n", what, strerror(errno));
    abort();
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

void server_start(struct test_server *s, const char *const *extra)
{
    /* Tests write to connections the server has closed on purpose. */
    signal(SIGPIPE, SIG_IGN);
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "/tmp/cascade-test-XXXXXX");
    if (mkdtemp(s->dir) == NULL)
        die("mkdtemp");
    snprintf(s->data, sizeof s->data, "%s/data", s->dir);
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
    const char *bin_dir = getenv("CASCADE_BIN_DIR");
    char bin[512];
    snprintf(bin, sizeof bin, "%s/cascaded", bin_dir ? bin_dir : "./bin");
    const char *argv[32] = {bin, "--listen", "127.0.0.1:0", "--data", s->data};
    int n = 5;
    for (int i = 0; extra != NULL && extra[i] != NULL && n < 30; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid < 0)
        die("fork");
    if (s->pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    /* Wait for "listening on 127.0.0.1:PORT" in the log. */
    for (int i = 0; i < 3000; i++) {
        FILE *f = fopen(s->log, "r");
        char line[1024];
        while (f != NULL && fgets(line, sizeof line, f) != NULL) {
            char *p = strstr(line, "listening on 127.0.0.1:");
            if (p != NULL) {
                s->port = atoi(p + strlen("listening on 127.0.0.1:"));
                fclose(f);
                return;
            }
        }
        if (f != NULL)
            fclose(f);
        if (!server_alive(s)) {
            fprintf(stderr, "harness: cascaded exited during start-up; see %s\n", s->log);
            abort();
        }
        sleep_ms(10);
    }
    fprintf(stderr, "harness: cascaded did not start listening; see %s\n", s->log);
    abort();
}

int server_alive(struct test_server *s)
{
    int status;
    return s->pid > 0 && waitpid(s->pid, &status, WNOHANG) == 0;
}

int server_stop(struct test_server *s, int sig, int timeout_ms)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, sig);
    for (int waited = 0; waited <= timeout_ms; waited += 5) {
        int status;
        pid_t r = waitpid(s->pid, &status, WNOHANG);
        if (r == s->pid) {
            s->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        sleep_ms(5);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
    return -1;
}

int server_log_count(struct test_server *s, const char *needle)
{
    FILE *f = fopen(s->log, "r");
    if (f == NULL)
        return 0;
    char line[2048];
    int n = 0;
    while (fgets(line, sizeof line, f) != NULL)
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

int server_log_wait(struct test_server *s, const char *needle, int min, int timeout_ms)
{
    int n = 0;
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        if ((n = server_log_count(s, needle)) >= min)
            break;
        sleep_ms(10);
    }
    return n;
}

void server_cleanup(struct test_server *s)
{
    if (s->pid > 0)
        server_stop(s, SIGKILL, 1000);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "harness: could not remove %s\n", s->dir);
}

int tcp_connect(int port)
{
    return tcp_connect_from(port, NULL);
}

int tcp_connect_from(int port, const char *src)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
    if (src != NULL) {
        struct sockaddr_in from;
        memset(&from, 0, sizeof from);
        from.sin_family = AF_INET;
        if (inet_pton(AF_INET, src, &from.sin_addr) != 1 ||
            bind(fd, (struct sockaddr *)&from, sizeof from) != 0)
            die("bind to a source address");
    }
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        die("connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static SSL_CTX *client_ctx(void)
{
    static SSL_CTX *ctx;
    if (ctx == NULL) {
        ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    }
    return ctx;
}

SSL *tls_connect(int port)
{
    return tls_connect_from(port, NULL);
}

SSL *tls_connect_from(int port, const char *src)
{
    int fd = tcp_connect_from(port, src);
    SSL *ssl = SSL_new(client_ctx());
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    return ssl;
}

void tls_close(SSL *ssl)
{
    if (ssl == NULL)
        return;
    int fd = SSL_get_fd(ssl);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
}

int tls_send_frame(SSL *ssl, const WireFrame *f)
{
    struct buf out = BUF_INIT;
    if (wire_pack(f, SIZE_MAX, &out) != 0)
        return -1;
    int len = (int)out.len;
    int r = SSL_write(ssl, out.data, len);
    buf_free(&out);
    return r == len ? 0 : -1;
}

static int read_exact(SSL *ssl, uint8_t *p, size_t n, int timeout_ms)
{
    int fd = SSL_get_fd(ssl);
    while (n > 0) {
        if (SSL_pending(ssl) == 0) {
            struct pollfd pfd = {fd, POLLIN, 0};
            if (poll(&pfd, 1, timeout_ms) <= 0)
                return -1;
        }
        int r = SSL_read(ssl, p, (int)n);
        if (r <= 0) {
            int e = SSL_get_error(ssl, r);
            if (e == SSL_ERROR_WANT_READ)
                continue;
            return -1;
        }
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

WireFrame *tls_recv_frame(SSL *ssl, int timeout_ms)
{
    uint8_t hdr[FRAME_HEADER_LEN];
    if (read_exact(ssl, hdr, sizeof hdr, timeout_ms) != 0)
        return NULL;
    uint32_t len = frame_get_header(hdr);
    if (len == 0 || len > (64u << 20))
        return NULL;
    uint8_t *payload = malloc(len);
    if (payload == NULL || read_exact(ssl, payload, len, timeout_ms) != 0) {
        free(payload);
        return NULL;
    }
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET(len));
    free(payload);
    return f;
}

WireFrame *tls_hello(SSL *ssl, uint32_t version, uint64_t request_id)
{
    Cascade__V1__Hello h = CASCADE__V1__HELLO__INIT;
    h.protocol_version = version;
    h.client_name = "test";
    h.client_version = "0";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    f.hello = &h;
    if (tls_send_frame(ssl, &f) != 0)
        return NULL;
    return tls_recv_frame(ssl, 10000);
}

int tls_ping(SSL *ssl, uint64_t request_id, uint64_t nonce)
{
    Cascade__V1__Ping p = CASCADE__V1__PING__INIT;
    p.nonce = nonce;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.request_id = request_id;
    f.body_case = CASCADE__V1__FRAME__BODY_PING;
    f.ping = &p;
    if (tls_send_frame(ssl, &f) != 0)
        return -1;
    WireFrame *r = tls_recv_frame(ssl, 10000);
    int ok = r != NULL && r->request_id == request_id &&
             r->body_case == CASCADE__V1__FRAME__BODY_PONG && r->pong->nonce == nonce;
    wire_free(r);
    return ok ? 0 : -1;
}

int fd_closed_within(int fd, int timeout_ms)
{
    uint8_t b[4096];
    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 10) > 0) {
            ssize_t r = recv(fd, b, sizeof b, 0);
            if (r == 0 || (r < 0 && errno == ECONNRESET))
                return 1;
        }
    }
    return 0;
}

/* ---- Restarts, logged-in clients, requests among pushes, event streams ---- */

static int64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : 0;
}

/* Forks cascaded for s, its output appended to s->log. */
static void spawn_in(struct test_server *s, const char *listen, const char *const *extra)
{
    const char *bin_dir = getenv("CASCADE_BIN_DIR");
    char bin[512];
    snprintf(bin, sizeof bin, "%s/cascaded", bin_dir ? bin_dir : "./bin");
    const char *argv[32] = {bin, "--listen", listen, "--data", s->data};
    int n = 5;
    for (int i = 0; extra != NULL && extra[i] != NULL && n < 30; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    s->pid = fork();
    if (s->pid < 0)
        die("fork");
    if (s->pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        execv(bin, (char *const *)argv);
        _exit(127);
    }
}

/* Waits for this start's "listening on" line, past offset in the log:
 * 1 when it appeared (port filled in), 0 when the process exited first. */
static int wait_listening(struct test_server *s, long offset)
{
    static const char needle[] = "listening on 127.0.0.1:";
    for (int i = 0; i < 3000; i++) {
        FILE *f = fopen(s->log, "r");
        char line[1024];
        if (f != NULL && fseek(f, offset, SEEK_SET) == 0) {
            while (fgets(line, sizeof line, f) != NULL) {
                char *p = strstr(line, needle);
                if (p != NULL) {
                    s->port = atoi(p + strlen(needle));
                    fclose(f);
                    return 1;
                }
            }
        }
        if (f != NULL)
            fclose(f);
        int status;
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return 0;
        }
        sleep_ms(10);
    }
    fprintf(stderr, "harness: cascaded did not start listening; see %s\n", s->log);
    abort();
}

void server_start_in(struct test_server *s, const char *dir, const char *listen,
                     const char *const *extra)
{
    signal(SIGPIPE, SIG_IGN);
    char keep[sizeof s->dir];
    snprintf(keep, sizeof keep, "%s", dir);
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", keep);
    if (mkdir(s->dir, 0700) != 0 && errno != EEXIST)
        die("mkdir");
    snprintf(s->data, sizeof s->data, "%s/data", s->dir);
    snprintf(s->log, sizeof s->log, "%s/server.log", s->dir);
    /* A port the previous process held may take a moment to come free. */
    for (int attempt = 0; attempt < 50; attempt++) {
        long offset = file_size(s->log);
        spawn_in(s, listen, extra);
        if (wait_listening(s, offset))
            return;
        sleep_ms(100);
    }
    fprintf(stderr, "harness: cascaded kept exiting during start-up; see %s\n", s->log);
    abort();
}

int server_admin_password(const struct test_server *s, char *out, size_t outlen)
{
    char path[400];
    snprintf(path, sizeof path, "%s/initial-admin-password", s->data);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return -1;
    int ok = fgets(out, (int)outlen, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] != '\0' ? 0 : -1;
}

SSL *harness_tls_connect_rcvbuf(int port, int rcvbuf)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return NULL;
    /* Before connect, so that the window the peer sees is small from the start. */
    if (rcvbuf > 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return NULL;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SSL *ssl = SSL_new(client_ctx());
    if (ssl == NULL) {
        close(fd);
        return NULL;
    }
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        SSL_free(ssl);
        close(fd);
        return NULL;
    }
    return ssl;
}

/* Like tls_recv_frame, for frames from the server: the trusted decoding
 * budget and frame size, since snapshots and replays can be large. */
static WireFrame *recv_server_frame(SSL *ssl, int timeout_ms)
{
    uint8_t hdr[FRAME_HEADER_LEN];
    if (read_exact(ssl, hdr, sizeof hdr, timeout_ms) != 0)
        return NULL;
    uint32_t len = frame_get_header(hdr);
    if (len == 0 || len > WIRE_MAX_SERVER_FRAME)
        return NULL;
    uint8_t *payload = malloc(len);
    if (payload == NULL || read_exact(ssl, payload, len, timeout_ms) != 0) {
        free(payload);
        return NULL;
    }
    WireFrame *f = wire_unpack(payload, len, WIRE_BUDGET_TRUSTED(len));
    free(payload);
    return f;
}

uint64_t harness_send(SSL *ssl, WireFrame *frame)
{
    /* One counter for the process: the tests drive their clients from one thread. */
    static uint64_t last_id;
    frame->request_id = ++last_id;
    return tls_send_frame(ssl, frame) == 0 ? frame->request_id : 0;
}

/* Milliseconds left until deadline, at least 1 while any are left, 0 after. */
static int remaining_ms(int64_t deadline)
{
    int64_t left = deadline - monotonic_ms();
    return left > 0 ? (int)left : 0;
}

WireFrame *harness_await(SSL *ssl, uint64_t id, harness_push_fn on_push, void *ctx, int timeout_ms)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    int left;
    while ((left = remaining_ms(deadline)) > 0) {
        WireFrame *f = recv_server_frame(ssl, left);
        if (f == NULL)
            return NULL;
        if (f->request_id == id)
            return f;
        if (on_push != NULL)
            on_push(ctx, f);
        wire_free(f);
    }
    return NULL;
}

WireFrame *harness_next_reply(SSL *ssl, harness_push_fn on_push, void *ctx, int timeout_ms)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    int left;
    while ((left = remaining_ms(deadline)) > 0) {
        WireFrame *f = recv_server_frame(ssl, left);
        if (f == NULL)
            return NULL;
        if (f->request_id != 0)
            return f;
        if (on_push != NULL)
            on_push(ctx, f);
        wire_free(f);
    }
    return NULL;
}

int harness_request(SSL *ssl, WireFrame *frame, WireFrame **reply_out, harness_push_fn on_push,
                    void *ctx)
{
    *reply_out = NULL;
    uint64_t id = harness_send(ssl, frame);
    if (id == 0)
        return -1;
    *reply_out = harness_await(ssl, id, on_push, ctx, HARNESS_REPLY_TIMEOUT_MS);
    return *reply_out != NULL ? 0 : -1;
}

uint64_t harness_snapshot_send(SSL *ssl, const char *code)
{
    Cascade__V1__SnapshotRequest m = CASCADE__V1__SNAPSHOT_REQUEST__INIT;
    m.workshop = (char *)code;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_SNAPSHOT_REQUEST;
    f.snapshot_request = &m;
    return harness_send(ssl, &f);
}

Cascade__V1__Snapshot *harness_snapshot_receive(SSL *ssl, uint64_t id, harness_push_fn on_push,
                                                void *ctx, int *error, size_t *chunks)
{
    if (error != NULL)
        *error = 0;
    if (chunks != NULL)
        *chunks = 0;
    uint8_t *bytes = NULL;
    uint64_t have = 0, total = 0;
    for (;;) {
        WireFrame *f = harness_await(ssl, id, on_push, ctx, HARNESS_REPLY_TIMEOUT_MS);
        if (f == NULL)
            break;
        if (f->body_case == CASCADE__V1__FRAME__BODY_ERROR && error != NULL)
            *error = f->error->code;
        const Cascade__V1__SnapshotChunk *ch =
            f->body_case == CASCADE__V1__FRAME__BODY_SNAPSHOT_CHUNK ? f->snapshot_chunk : NULL;
        int good = ch != NULL && ch->offset == have && (have == 0 || ch->total == total) &&
                   ch->total <= WIRE_MAX_SNAPSHOT && ch->data.len <= ch->total - ch->offset;
        if (good && have == 0)
            good = (bytes = malloc(ch->total + 1)) != NULL;
        if (good) {
            total = ch->total;
            memcpy(bytes + have, ch->data.data, ch->data.len);
            have += ch->data.len;
            if (chunks != NULL)
                (*chunks)++;
        }
        wire_free(f);
        if (!good)
            break;
        if (have == total) {
            Cascade__V1__Snapshot *snap =
                wire_unpack_snapshot(bytes, have, WIRE_BUDGET_TRUSTED(have));
            free(bytes);
            return snap;
        }
    }
    free(bytes);
    return NULL;
}

Cascade__V1__Snapshot *harness_snapshot(SSL *ssl, const char *code, harness_push_fn on_push,
                                        void *ctx)
{
    uint64_t id = harness_snapshot_send(ssl, code);
    return id != 0 ? harness_snapshot_receive(ssl, id, on_push, ctx, NULL, NULL) : NULL;
}

int harness_read_ready(SSL *ssl, harness_push_fn on_push, void *ctx, int wait_ms)
{
    int fd = SSL_get_fd(ssl);
    int n = 0;
    /* A bounded number per call, so that a busy stream cannot hold the caller. */
    while (n < 4096) {
        if (!SSL_has_pending(ssl)) {
            struct pollfd pfd = {fd, POLLIN, 0};
            if (poll(&pfd, 1, n == 0 ? wait_ms : 0) <= 0)
                break;
        }
        /* Something is readable: the rest of its frame follows at once. */
        WireFrame *f = recv_server_frame(ssl, HARNESS_REPLY_TIMEOUT_MS);
        if (f == NULL)
            return -1;
        if (on_push != NULL)
            on_push(ctx, f);
        wire_free(f);
        n++;
    }
    return n;
}

/* Hello on a fresh connection; 0 when the server welcomes it. */
static int say_hello(SSL *ssl)
{
    Cascade__V1__Hello h = CASCADE__V1__HELLO__INIT;
    h.protocol_version = 1;
    h.client_name = "test";
    h.client_version = "0";
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_HELLO;
    f.hello = &h;
    WireFrame *r;
    if (harness_request(ssl, &f, &r, NULL, NULL) != 0)
        return -1;
    int ok = r->body_case == CASCADE__V1__FRAME__BODY_WELCOME;
    wire_free(r);
    return ok ? 0 : -1;
}

/* Hello and Login on a new connection from src (NULL: any); the reply in
 * *r (NULL when none came). The connection is closed. */
static void login_once(int port, const char *src, const char *user, const char *password,
                       WireFrame **r)
{
    *r = NULL;
    SSL *ssl = tls_connect_from(port, src);
    if (ssl == NULL)
        return;
    Cascade__V1__Login l = CASCADE__V1__LOGIN__INIT;
    l.user = (char *)user;
    l.password = (char *)password;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_LOGIN;
    f.login = &l;
    if (say_hello(ssl) == 0)
        harness_request(ssl, &f, r, NULL, NULL);
    tls_close(ssl);
}

int harness_login(int port, const char *user, const char *password,
                  char token_out[HARNESS_TOKEN_MAX])
{
    WireFrame *r;
    login_once(port, NULL, user, password, &r);
    int rc = -1;
    if (r == NULL || r->body_case != CASCADE__V1__FRAME__BODY_LOGIN_OK ||
        strlen(r->login_ok->token) >= HARNESS_TOKEN_MAX) {
        fprintf(stderr, "harness: login as '%s' refused: %s\n", user,
                r == NULL ? "no answer"
                : r->body_case == CASCADE__V1__FRAME__BODY_ERROR ? r->error->message
                                                                 : wire_body_name(r));
    } else {
        snprintf(token_out, HARNESS_TOKEN_MAX, "%s", r->login_ok->token);
        rc = 0;
    }
    wire_free(r);
    return rc;
}

int harness_login_attempt(int port, const char *src, const char *user, const char *password)
{
    WireFrame *r;
    login_once(port, src, user, password, &r);
    int rc = r == NULL                                          ? -1
             : r->body_case == CASCADE__V1__FRAME__BODY_LOGIN_OK ? 0
             : r->body_case == CASCADE__V1__FRAME__BODY_ERROR    ? (int)r->error->code
                                                                 : -1;
    wire_free(r);
    return rc;
}

/* Hello and Authenticate on ssl; ssl, or NULL (closed) when refused. */
static SSL *authenticate(SSL *ssl, const char *token)
{
    if (ssl == NULL)
        return NULL;
    WireFrame *r = NULL;
    Cascade__V1__Authenticate a = CASCADE__V1__AUTHENTICATE__INIT;
    a.token = (char *)token;
    WireFrame f = CASCADE__V1__FRAME__INIT;
    f.body_case = CASCADE__V1__FRAME__BODY_AUTHENTICATE;
    f.authenticate = &a;
    if (say_hello(ssl) != 0 || harness_request(ssl, &f, &r, NULL, NULL) != 0 ||
        r->body_case != CASCADE__V1__FRAME__BODY_USER_INFO) {
        if (r != NULL && r->body_case == CASCADE__V1__FRAME__BODY_ERROR)
            fprintf(stderr, "harness: Authenticate refused: %s\n", r->error->message);
        wire_free(r);
        tls_close(ssl);
        return NULL;
    }
    wire_free(r);
    return ssl;
}

SSL *harness_authed_client_rcvbuf(int port, const char *token, int rcvbuf)
{
    return authenticate(harness_tls_connect_rcvbuf(port, rcvbuf), token);
}

SSL *harness_authed_client_from(int port, const char *src, const char *token)
{
    return authenticate(tls_connect_from(port, src), token);
}

SSL *harness_authed_client(int port, const char *token)
{
    return harness_authed_client_rcvbuf(port, token, 0);
}

/* ---- Event streams ---- */

void harness_events_init(struct harness_events *ev)
{
    memset(ev, 0, sizeof *ev);
}

static void value_free(struct harness_value *v)
{
    free(v->text);
}

void harness_events_free(struct harness_events *ev)
{
    for (size_t i = 0; i < ev->n; i++) {
        struct harness_event *e = &ev->items[i];
        for (size_t j = 0; j < e->nchanges; j++) {
            free(e->changes[j].field);
            value_free(&e->changes[j].old_value);
            value_free(&e->changes[j].new_value);
        }
        free(e->changes);
        free(e->type);
        free(e->entity);
        free(e->actor);
    }
    free(ev->items);
    memset(ev, 0, sizeof *ev);
}

static char *copy_text(const char *s)
{
    char *c = strdup(s != NULL ? s : "");
    if (c == NULL)
        die("strdup");
    return c;
}

static void value_copy(struct harness_value *to, const Cascade__V1__Value *from)
{
    memset(to, 0, sizeof *to);
    if (from == NULL)
        return;
    switch (from->kind_case) {
    case CASCADE__V1__VALUE__KIND_TEXT:
        to->kind = HARNESS_TEXT;
        to->text = copy_text(from->text);
        break;
    case CASCADE__V1__VALUE__KIND_NUMBER:
        to->kind = HARNESS_NUMBER;
        to->number = from->number;
        break;
    case CASCADE__V1__VALUE__KIND_FLAG:
        to->kind = HARNESS_FLAG;
        to->flag = from->flag;
        break;
    default:
        break;
    }
}

void harness_events_on_push(void *ctx, const WireFrame *f)
{
    struct harness_events *ev = ctx;
    if (f->request_id == 0 && f->body_case == CASCADE__V1__FRAME__BODY_GOING_AWAY) {
        ev->going_away++;
        return;
    }
    if (f->request_id == 0 && f->body_case == CASCADE__V1__FRAME__BODY_ERROR) {
        ev->errors++;
        return;
    }
    if (f->request_id != 0 || f->body_case != CASCADE__V1__FRAME__BODY_EVENT) {
        ev->others++;
        return;
    }
    if (ev->n == ev->cap) {
        size_t ncap = ev->cap ? ev->cap * 2 : 64;
        struct harness_event *p = realloc(ev->items, ncap * sizeof *p);
        if (p == NULL)
            die("realloc");
        ev->items = p;
        ev->cap = ncap;
    }
    const Cascade__V1__Event *m = f->event;
    struct harness_event *e = &ev->items[ev->n++];
    memset(e, 0, sizeof *e);
    e->seq = m->seq;
    e->type = copy_text(m->type);
    e->entity = copy_text(m->entity);
    e->actor = copy_text(m->actor);
    e->changes = calloc(m->n_changes + 1, sizeof *e->changes);
    if (e->changes == NULL)
        die("calloc");
    e->nchanges = m->n_changes;
    for (size_t i = 0; i < m->n_changes; i++) {
        e->changes[i].field = copy_text(m->changes[i]->field);
        value_copy(&e->changes[i].old_value, m->changes[i]->old_value);
        value_copy(&e->changes[i].new_value, m->changes[i]->new_value);
    }
}

uint64_t harness_events_last_seq(const struct harness_events *ev)
{
    return ev->n > 0 ? ev->items[ev->n - 1].seq : 0;
}

int harness_events_gapless(const struct harness_events *ev, uint64_t first)
{
    for (size_t i = 0; i < ev->n; i++)
        if (ev->items[i].seq != first + i)
            return 0;
    return 1;
}

const struct harness_change *harness_event_change(const struct harness_event *e, const char *field)
{
    for (size_t i = 0; i < e->nchanges; i++)
        if (strcmp(e->changes[i].field, field) == 0)
            return &e->changes[i];
    return NULL;
}

int harness_events_wait(SSL *ssl, struct harness_events *ev, uint64_t seq, int timeout_ms)
{
    int64_t deadline = monotonic_ms() + timeout_ms;
    int left;
    while (harness_events_last_seq(ev) < seq) {
        if ((left = remaining_ms(deadline)) == 0)
            return -1;
        WireFrame *f = recv_server_frame(ssl, left);
        if (f == NULL)
            return -1;
        harness_events_on_push(ev, f);
        wire_free(f);
    }
    return 0;
}
