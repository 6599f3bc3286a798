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
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die("socket");
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
    int fd = tcp_connect(port);
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
