/*
 * floor: the C floor for make perf. What receiving streamed tokens costs with nothing but
 * the kernel's work: one epoll loop on 127.0.0.1, one read per ready socket into one buffer,
 * events counted (not parsed), the next request sent when a response ends. The same closed
 * loop and request as bench's client at a streams point of make perf, so that client CPU per
 * token can be read against what this machine's kernel costs.
 *
 * usage: floor PORT STREAMS SECONDS WARMUP_SECONDS INPUT_WORDS OUTPUT_TOKENS MODEL
 * Prints one JSON line. Connects to 127.0.0.1 only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TAIL 8
#define MAX_STREAMS 65536

struct conn {
    int fd;
    char tail[TAIL]; /* the last bytes read, to see a response end split across reads */
    int tail_len;
};

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double) t.tv_sec + (double) t.tv_nsec / 1e9;
}

static double cpu_s(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double) r.ru_utime.tv_sec + (double) r.ru_utime.tv_usec / 1e6 + (double) r.ru_stime.tv_sec
           + (double) r.ru_stime.tv_usec / 1e6;
}

static int die(const char *what) {
    fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
    return 1;
}

static int send_all(int fd, const char *buf, size_t len) {
    /* the request is small: a fresh socket buffer takes it whole; block briefly if not */
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0 && errno == EAGAIN) {
            usleep(100);
            continue;
        }
        if (n <= 0) {
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Whether the bytes seen so far on c end with the last chunk of a chunked response. */
static int response_ended(struct conn *c, const char *buf, size_t n) {
    static const char end[] = "\r\n0\r\n\r\n";
    const size_t end_len = sizeof end - 1;
    char last[2 * TAIL];
    size_t take = n < TAIL ? n : TAIL; /* when n >= TAIL the check needs only these bytes */
    memcpy(last, c->tail, (size_t) c->tail_len);
    memcpy(last + c->tail_len, buf + n - take, take);
    size_t len = (size_t) c->tail_len + take;
    int ended = len >= end_len && memcmp(last + len - end_len, end, end_len) == 0;
    size_t keep = len < TAIL ? len : TAIL;
    memmove(c->tail, last + len - keep, keep);
    c->tail_len = (int) keep;
    return ended;
}

int main(int argc, char **argv) {
    if (argc != 8) {
        fprintf(stderr, "usage: floor PORT STREAMS SECONDS WARMUP_SECONDS INPUT_WORDS OUTPUT_TOKENS MODEL\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int streams = atoi(argv[2]);
    double seconds = atof(argv[3]);
    double warmup = atof(argv[4]);
    int words = atoi(argv[5]);
    int output = atoi(argv[6]);
    const char *model = argv[7];
    if (port <= 0 || port > 65535 || streams <= 0 || streams > MAX_STREAMS || seconds <= 0 || warmup < 0
        || words <= 0 || words > 100000 || output <= 0 || strlen(model) > 200 || strpbrk(model, "\"\\")) {
        fprintf(stderr, "floor: bad arguments\n");
        return 2;
    }

    size_t body_cap = (size_t) words * 5 + 512;
    char *body = malloc(body_cap);
    char *req = malloc(body_cap + 512);
    if (!body || !req) {
        return die("malloc");
    }
    int bl = snprintf(body, body_cap, "{\"model\":\"%s\",\"prompt\":\"", model);
    for (int i = 0; i < words; i++) {
        bl += snprintf(body + bl, body_cap - (size_t) bl, i ? " w%d" : "w%d", i % 10);
    }
    bl += snprintf(body + bl, body_cap - (size_t) bl,
                   "\",\"max_tokens\":%d,\"ignore_eos\":true,\"stream\":true}", output);
    int req_len = snprintf(req, body_cap + 512,
                           "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                           "Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
                           port, bl, body);

    int ep = epoll_create1(0);
    if (ep < 0) {
        return die("epoll_create1");
    }
    struct conn *conns = calloc((size_t) streams, sizeof *conns);
    if (!conns) {
        return die("calloc");
    }
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short) port);
    addr.sin_addr.s_addr = htonl(0x7f000001); /* 127.0.0.1, always */
    for (int i = 0; i < streams; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            return die("socket");
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (connect(fd, (struct sockaddr *) &addr, sizeof addr) != 0) {
            return die("connect");
        }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        conns[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
            return die("epoll_ctl");
        }
        if (send_all(fd, req, (size_t) req_len) != 0) {
            return die("write");
        }
    }

    static char buf[256 * 1024];
    static struct epoll_event evs[1024];
    static const char marker[] = "data: {";
    double start = now_s();
    double measure_from = start + warmup;
    double stop = measure_from + seconds;
    int measuring = 0;
    long tokens = 0, reads = 0, requests = 0;
    double cpu0 = 0, t0 = 0;
    for (;;) {
        double t = now_s();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            tokens = reads = requests = 0;
            cpu0 = cpu_s();
            t0 = t;
        }
        if (t >= stop) {
            break;
        }
        int k = epoll_wait(ep, evs, 1024, 100);
        if (k < 0 && errno != EINTR) {
            return die("epoll_wait");
        }
        for (int j = 0; j < k; j++) {
            struct conn *c = &conns[evs[j].data.u32];
            ssize_t n = read(c->fd, buf, sizeof buf);
            if (n == 0) {
                fprintf(stderr, "floor: the server closed a connection\n");
                return 1;
            }
            if (n < 0) {
                if (errno == EAGAIN || errno == EINTR) {
                    continue;
                }
                return die("read");
            }
            reads++;
            /* events are counted by their start; each arrives whole in one read here */
            for (const char *p = buf; (p = memmem(p, (size_t) (buf + n - p), marker, sizeof marker - 1)) != NULL;
                 p += sizeof marker - 1) {
                tokens++;
            }
            if (response_ended(c, buf, (size_t) n)) {
                requests++;
                c->tail_len = 0;
                if (send_all(c->fd, req, (size_t) req_len) != 0) {
                    return die("write");
                }
            }
        }
    }
    double cpu = cpu_s() - cpu0;
    double wall = now_s() - t0;
    printf("{\"streams\":%d,\"seconds\":%.3f,\"tokens\":%ld,\"reads\":%ld,\"requests\":%ld,"
           "\"tokens_per_second\":%.1f,\"tokens_per_read\":%.3f,\"cpu_us_per_token\":%.3f}\n",
           streams, wall, tokens, reads, requests, (double) tokens / wall,
           reads > 0 ? (double) tokens / (double) reads : 0.0, tokens > 0 ? cpu * 1e6 / (double) tokens : 0.0);
    return 0;
}
