/*
 * epp_load: an EPP load generator over TLS (RFC 5730, 5734) for
 * bench/bench_epp.sh and tests/daemon/test_epp_crash.sh.  SESSIONS threads
 * each connect to 127.0.0.1:PORT (the server's certificate checked against
 * CA), read the greeting, log in, and then run the phases in turn:
 *
 *   create  for SECONDS (or until MAX commands): the CREATE template with
 *           {NAME} = "<prefix><session>-<n>", n counting from 0;
 *   info    for SECONDS over the names this session created, in turn
 *           (INFO template; skipped when not given);
 *   check   the same with the CHECK template.
 *
 * Templates are files holding a whole <epp> frame with {NAME} and {TRID}
 * (the clTRID) in it.  A command counts as done when its answer's result
 * code is 1000, as failed otherwise, and its latency (send to answer) is
 * kept.  With -l LOG, every create answered 1000 is appended to LOG.<session>
 * as its name and a newline, written before the next command goes out, so
 * that what a server acknowledged is known even if the server dies; a
 * session whose connection breaks stops (the crash test kills the server).
 *
 * usage: epp_load -p PORT -c CA -u CLID -w PASSWORD -C CREATE [-I INFO]
 *                 [-K CHECK] [-s SESSIONS] [-d SECONDS] [-n MAX] [-x PREFIX] [-l LOG]
 * prints per phase one line
 *   RESULT phase done failed seconds done/s p50_ms p99_ms
 * and, when a session broke, "BROKEN sessions" on its own line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SESSIONS 64
#define MAX_SECONDS 3600
#define TEMPLATE_MAX (16 * 1024)
#define FRAME_MAX (256 * 1024)       /* a longer answer breaks the session */
#define NAME_MAX_LEN 64
#define SAMPLES_MAX (1u << 20)       /* latencies kept per session and phase */

enum phase { PHASE_CREATE, PHASE_INFO, PHASE_CHECK, PHASE_COUNT };
static const char *const phase_names[PHASE_COUNT] = { "create", "info", "check" };

struct options {
	int port;
	const char *ca, *clid, *password, *prefix, *log;
	char *templates[PHASE_COUNT];   /* NULL: phase skipped (create is required) */
	int sessions, seconds;
	long max;
};

struct phase_result {
	uint64_t done, failed;
	double *latencies_ms;           /* one per command answered */
	size_t n_latencies;
	double seconds;
};

struct session {
	int index;
	const struct options *opt;
	SSL_CTX *ctx;
	SSL *ssl;
	int fd, log_fd;
	char prefix[32];
	uint64_t created;               /* names <prefix><index>-0 .. created-1 exist */
	bool broken;
	char *frame;                    /* FRAME_MAX */
	struct phase_result results[PHASE_COUNT];
};

static pthread_barrier_t g_phase_barrier;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *read_template(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "epp_load: %s: %s\n", path, strerror(errno));
		exit(2);
	}
	char *t = calloc(1, TEMPLATE_MAX + 1);
	size_t n = t ? fread(t, 1, TEMPLATE_MAX + 1, f) : 0;
	fclose(f);
	if (t == NULL || n == 0 || n > TEMPLATE_MAX) {
		fprintf(stderr, "epp_load: %s: empty or over %d bytes\n", path, TEMPLATE_MAX);
		exit(2);
	}
	return t;
}

/* @tmpl with {NAME} and {TRID} replaced, into @out (@size bytes); its length, 0 if too long. */
static size_t fill_template(const char *tmpl, const char *name, const char *trid, char *out,
			    size_t size)
{
	size_t len = 0;
	for (const char *p = tmpl; *p != '\0';) {
		const char *with = NULL;
		size_t skip = 1;
		if (strncmp(p, "{NAME}", 6) == 0) {
			with = name, skip = 6;
		} else if (strncmp(p, "{TRID}", 6) == 0) {
			with = trid, skip = 6;
		}
		size_t n = with ? strlen(with) : 1;
		if (len + n + 1 > size) {
			return 0;
		}
		memcpy(out + len, with ? with : p, n);
		len += n;
		p += skip;
	}
	out[len] = '\0';
	return len;
}

static bool send_frame(struct session *s, const char *xml, size_t len)
{
	unsigned char head[4];
	uint32_t total = (uint32_t)(len + 4);
	head[0] = (unsigned char)(total >> 24), head[1] = (unsigned char)(total >> 16);
	head[2] = (unsigned char)(total >> 8), head[3] = (unsigned char)total;
	return SSL_write(s->ssl, head, 4) == 4 && SSL_write(s->ssl, xml, (int)len) == (int)len;
}

static bool read_all(SSL *ssl, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		int r = SSL_read(ssl, buf + got, (int)(n - got));
		if (r <= 0) {
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

/* The next frame into s->frame, NUL-terminated. */
static bool read_frame(struct session *s)
{
	unsigned char head[4];
	if (!read_all(s->ssl, (char *)head, 4)) {
		return false;
	}
	uint32_t total = (uint32_t)head[0] << 24 | (uint32_t)head[1] << 16 |
			 (uint32_t)head[2] << 8 | head[3];
	if (total < 4 || total - 4 >= FRAME_MAX) {
		return false;
	}
	if (!read_all(s->ssl, s->frame, total - 4)) {
		return false;
	}
	s->frame[total - 4] = '\0';
	return true;
}

/* The result code of the frame read, 0 when it has none. */
static int result_code(const char *frame)
{
	const char *p = strstr(frame, "result code=\"");
	return p != NULL ? atoi(p + 13) : 0;
}

/* One command: send, read the answer; its code, or -1 when the session broke. */
static int exchange(struct session *s, const char *tmpl, const char *name, const char *trid)
{
	static __thread char xml[TEMPLATE_MAX + 4 * NAME_MAX_LEN];
	size_t len = fill_template(tmpl, name, trid, xml, sizeof(xml));
	if (len == 0 || !send_frame(s, xml, len) || !read_frame(s)) {
		return -1;
	}
	return result_code(s->frame);
}

static bool connect_session(struct session *s)
{
	const struct options *o = s->opt;
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)o->port) };
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int one = 1;
	setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	struct timeval tv = { .tv_sec = 30 };
	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (s->fd < 0 || connect(s->fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
		return false;
	}
	s->ssl = SSL_new(s->ctx);
	if (s->ssl == NULL || !SSL_set1_host(s->ssl, "localhost") || !SSL_set_fd(s->ssl, s->fd) ||
	    SSL_connect(s->ssl) != 1 || !read_frame(s) || strstr(s->frame, "<greeting") == NULL) {
		return false;
	}
	char login[2048];
	snprintf(login, sizeof(login),
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		 "<epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><command><login>"
		 "<clID>%s</clID><pw>%s</pw><options><version>1.0</version><lang>en</lang>"
		 "</options><svcs><objURI>urn:ietf:params:xml:ns:domain-1.0</objURI>"
		 "<objURI>urn:ietf:params:xml:ns:host-1.0</objURI>"
		 "<objURI>urn:ietf:params:xml:ns:contact-1.0</objURI></svcs></login>"
		 "<clTRID>login-{TRID}</clTRID></command></epp>",
		 o->clid, o->password);
	char trid[32];
	snprintf(trid, sizeof(trid), "%d", s->index);
	int code = exchange(s, login, "", trid);
	if (code != 1000) {
		fprintf(stderr, "epp_load: session %d: login answered %d\n", s->index, code);
		return false;
	}
	return true;
}

static void record(struct phase_result *r, int code, double ms)
{
	if (code == 1000) {
		r->done++;
	} else {
		r->failed++;
	}
	if (r->n_latencies < SAMPLES_MAX) {
		r->latencies_ms[r->n_latencies++] = ms;
	}
}

/* Log an acknowledged create before anything else happens. */
static void log_created(struct session *s, const char *name)
{
	if (s->log_fd < 0) {
		return;
	}
	char line[NAME_MAX_LEN + 2];
	int n = snprintf(line, sizeof(line), "%s\n", name);
	if (write(s->log_fd, line, (size_t)n) != n) {
		fprintf(stderr, "epp_load: session %d: cannot log %s\n", s->index, name);
		exit(2);
	}
}

static void run_phase(struct session *s, enum phase ph)
{
	const struct options *o = s->opt;
	struct phase_result *r = &s->results[ph];
	const char *tmpl = o->templates[ph];
	double start = now_s(), deadline = start + o->seconds;
	char name[NAME_MAX_LEN], trid[NAME_MAX_LEN];
	for (uint64_t n = 0; !s->broken && now_s() < deadline && (o->max == 0 || n < (uint64_t)o->max);
	     n++) {
		uint64_t which = ph == PHASE_CREATE ? n : (s->created > 0 ? n % s->created : 0);
		if (ph != PHASE_CREATE && s->created == 0) {
			break;
		}
		snprintf(name, sizeof(name), "%s%d-%llu", s->prefix, s->index, (unsigned long long)which);
		snprintf(trid, sizeof(trid), "%c%d-%llu", phase_names[ph][0], s->index,
			 (unsigned long long)n);
		double t0 = now_s();
		int code = exchange(s, tmpl, name, trid);
		double ms = (now_s() - t0) * 1000.0;
		if (code < 0) {
			s->broken = true;
			break;
		}
		if (ph == PHASE_CREATE && code == 1000) {
			log_created(s, name);
			s->created = n + 1;
		}
		record(r, code, ms);
	}
	r->seconds = now_s() - start;
}

static void *session_main(void *arg)
{
	struct session *s = arg;
	if (!connect_session(s)) {
		s->broken = true;
	}
	for (int ph = 0; ph < PHASE_COUNT; ph++) {
		pthread_barrier_wait(&g_phase_barrier); /* every session starts a phase together */
		if (s->opt->templates[ph] != NULL && !s->broken) {
			run_phase(s, (enum phase)ph);
		}
	}
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void usage(void)
{
	fprintf(stderr, "usage: epp_load -p PORT -c CA -u CLID -w PASSWORD -C CREATE [-I INFO] "
			"[-K CHECK] [-s SESSIONS] [-d SECONDS] [-n MAX] [-x PREFIX] [-l LOG]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct options o = { .sessions = 8, .seconds = 10, .prefix = "load" };
	int c;
	while ((c = getopt(argc, argv, "p:c:u:w:C:I:K:s:d:n:x:l:")) != -1) {
		switch (c) {
		case 'p': o.port = atoi(optarg); break;
		case 'c': o.ca = optarg; break;
		case 'u': o.clid = optarg; break;
		case 'w': o.password = optarg; break;
		case 'C': o.templates[PHASE_CREATE] = read_template(optarg); break;
		case 'I': o.templates[PHASE_INFO] = read_template(optarg); break;
		case 'K': o.templates[PHASE_CHECK] = read_template(optarg); break;
		case 's': o.sessions = atoi(optarg); break;
		case 'd': o.seconds = atoi(optarg); break;
		case 'n': o.max = atol(optarg); break;
		case 'x': o.prefix = optarg; break;
		case 'l': o.log = optarg; break;
		default: usage();
		}
	}
	if (o.port <= 0 || o.port > 65535 || o.ca == NULL || o.clid == NULL ||
	    o.password == NULL || o.templates[PHASE_CREATE] == NULL || o.sessions < 1 ||
	    o.sessions > MAX_SESSIONS || o.seconds < 1 || o.seconds > MAX_SECONDS || o.max < 0 ||
	    strlen(o.prefix) > 16 || strlen(o.clid) > 64 || strlen(o.password) > 256) {
		usage();
	}
	/* A server that dies (the crash test kills it) breaks the session: a
	 * write must fail, not end the process before it reports. */
	signal(SIGPIPE, SIG_IGN);
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    SSL_CTX_load_verify_locations(ctx, o.ca, NULL) != 1) {
		fprintf(stderr, "epp_load: cannot set up TLS with %s\n", o.ca);
		return 2;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);

	static struct session sessions[MAX_SESSIONS];
	pthread_t threads[MAX_SESSIONS];
	pthread_barrier_init(&g_phase_barrier, NULL, (unsigned)o.sessions);
	for (int i = 0; i < o.sessions; i++) {
		struct session *s = &sessions[i];
		*s = (struct session){ .index = i, .opt = &o, .ctx = ctx, .fd = -1, .log_fd = -1 };
		snprintf(s->prefix, sizeof(s->prefix), "%s", o.prefix);
		s->frame = malloc(FRAME_MAX);
		for (int ph = 0; ph < PHASE_COUNT; ph++) {
			s->results[ph].latencies_ms = malloc(SAMPLES_MAX * sizeof(double));
			if (s->results[ph].latencies_ms == NULL) {
				return 2;
			}
		}
		if (o.log != NULL) {
			char path[4096];
			snprintf(path, sizeof(path), "%s.%d", o.log, i);
			s->log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
			if (s->log_fd < 0) {
				fprintf(stderr, "epp_load: %s: %s\n", path, strerror(errno));
				return 2;
			}
		}
		if (s->frame == NULL || pthread_create(&threads[i], NULL, session_main, s) != 0) {
			return 2;
		}
	}
	for (int i = 0; i < o.sessions; i++) {
		pthread_join(threads[i], NULL);
	}
	int broken = 0;
	for (int i = 0; i < o.sessions; i++) {
		broken += sessions[i].broken;
	}
	for (int ph = 0; ph < PHASE_COUNT; ph++) {
		if (o.templates[ph] == NULL) {
			continue;
		}
		uint64_t done = 0, failed = 0;
		size_t n = 0;
		double seconds = 0;
		for (int i = 0; i < o.sessions; i++) {
			n += sessions[i].results[ph].n_latencies;
		}
		double *all = malloc((n + 1) * sizeof(double));
		if (all == NULL) {
			return 2;
		}
		n = 0;
		for (int i = 0; i < o.sessions; i++) {
			struct phase_result *r = &sessions[i].results[ph];
			done += r->done;
			failed += r->failed;
			seconds = r->seconds > seconds ? r->seconds : seconds;
			memcpy(all + n, r->latencies_ms, r->n_latencies * sizeof(double));
			n += r->n_latencies;
		}
		qsort(all, n, sizeof(double), cmp_double);
		double p50 = n ? all[n / 2] : 0, p99 = n ? all[(n * 99) / 100] : 0;
		printf("RESULT %s %llu %llu %.3f %.1f %.3f %.3f\n", phase_names[ph],
		       (unsigned long long)done, (unsigned long long)failed, seconds,
		       seconds > 0 ? (double)done / seconds : 0.0, p50, p99);
		free(all);
	}
	if (broken > 0) {
		printf("BROKEN %d\n", broken);
	}
	for (int i = 0; i < o.sessions; i++) {
		struct session *s = &sessions[i];
		SSL_free(s->ssl);
		if (s->fd >= 0) {
			close(s->fd);
		}
		if (s->log_fd >= 0) {
			close(s->log_fd);
		}
		free(s->frame);
		for (int ph = 0; ph < PHASE_COUNT; ph++) {
			free(s->results[ph].latencies_ms);
		}
	}
	for (int ph = 0; ph < PHASE_COUNT; ph++) {
		free(o.templates[ph]);
	}
	SSL_CTX_free(ctx);
	pthread_barrier_destroy(&g_phase_barrier);
	return 0;
}
