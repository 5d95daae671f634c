/*
 * whois_load: a WHOIS load generator for bench/bench_query.sh.  THREADS
 * threads each loop until SECONDS have passed: open a TCP connection to
 * 127.0.0.1:PORT, send one query line (the next one from QUERIES, a file of
 * one query a line, each thread starting at a different place), read until
 * the server closes, close.  One connection per query, as WHOIS clients do.
 *
 * A query counts only when the answer arrived whole and contains EXPECT;
 * failures to connect, send or read, and answers without EXPECT, are counted
 * apart and printed, so that a fast but wrong run shows.  The answer ends
 * where the server closes the connection.  A server that closes without
 * reading the query (nginx's stream `return`) makes the kernel end the
 * connection with a reset instead: a reset after some answer counts as its
 * end, and such resets are counted and printed too.  Loopback only; every loop is bounded by the deadline,
 * by -n, and by 5-second socket timeouts.
 *
 * usage: whois_load -p PORT -q QUERIES [-t THREADS] [-d SECONDS] [-e EXPECT] [-n MAX]
 * prints a summary and one line
 *   RESULT queries failed bad seconds queries/s p50_ms p99_ms bytes resets
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_THREADS 256
#define MAX_SECONDS 600
#define MAX_QUERIES 1000000          /* lines read from QUERIES */
#define QUERY_LINE_MAX 256
#define ANSWER_MAX (64 * 1024)       /* a longer answer counts as bad */
#define SAMPLES_MAX (1u << 22)       /* latency samples kept per thread */
#define FAILURES_IN_A_ROW_MAX 1000   /* then the thread gives up */

struct thread_state {
	pthread_t id;
	unsigned index;
	uint64_t queries, failed, bad, bytes, resets;
	uint32_t *samples; /* latencies in microseconds */
	size_t nsamples, cap;
	char first_failure[160];
};

static struct sockaddr_in target;
static char **queries;
static size_t *query_len;
static size_t nqueries;
static unsigned nthreads = 8;
static double seconds = 10;
static uint64_t max_total = UINT64_MAX;
static const char *expect;
static double start_time, deadline;
static atomic_uint_fast64_t started;
static pthread_barrier_t barrier;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void failure(struct thread_state *t, const char *what)
{
	t->failed++;
	if (t->first_failure[0] == '\0') {
		snprintf(t->first_failure, sizeof(t->first_failure), "%s: %s", what, strerror(errno));
	}
}

/* One query on one connection.  Returns 0 on a whole answer with EXPECT,
 * 1 on an answer without it, -1 on a failure. */
static int one_query(struct thread_state *t, const char *q, size_t qlen, char *answer)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		failure(t, "socket");
		return -1;
	}
	struct timeval tv = { 5, 0 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)); /* bounds connect() too */
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0) {
		failure(t, "connect");
		close(fd);
		return -1;
	}
	size_t sent = 0;
	while (sent < qlen) {
		ssize_t n = send(fd, q + sent, qlen - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			failure(t, "send");
			close(fd);
			return -1;
		}
		sent += (size_t)n;
	}
	size_t got = 0;
	bool too_long = false;
	for (;;) {
		char scratch[4096];
		char *dst = got < ANSWER_MAX ? answer + got : scratch;
		size_t room = got < ANSWER_MAX ? ANSWER_MAX - got : sizeof(scratch);
		ssize_t n = recv(fd, dst, room, 0);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && errno == ECONNRESET && got > 0) {
			t->resets++;
			break;
		}
		if (n < 0) {
			failure(t, "recv");
			close(fd);
			return -1;
		}
		if (n == 0) {
			break;
		}
		if (got >= ANSWER_MAX) {
			too_long = true;
		}
		got += (size_t)n;
		t->bytes += (uint64_t)n;
	}
	close(fd);
	if (too_long || got == 0) {
		return 1;
	}
	answer[got < ANSWER_MAX ? got : ANSWER_MAX - 1] = '\0';
	return expect == NULL || strstr(answer, expect) != NULL ? 0 : 1;
}

static void *worker(void *arg)
{
	struct thread_state *t = arg;
	char *answer = malloc(ANSWER_MAX + 1);
	t->cap = 65536;
	t->samples = malloc(t->cap * sizeof(*t->samples));
	if (answer == NULL || t->samples == NULL) {
		fprintf(stderr, "whois_load: out of memory\n");
		exit(1);
	}
	size_t next = (nqueries * t->index) / nthreads;
	unsigned in_a_row = 0;
	pthread_barrier_wait(&barrier);
	for (;;) {
		double begin = now();
		if (begin >= deadline || atomic_fetch_add(&started, 1) >= max_total) {
			break;
		}
		int r = one_query(t, queries[next], query_len[next], answer);
		double end = now();
		next = next + 1 == nqueries ? 0 : next + 1;
		if (r < 0) {
			if (++in_a_row == FAILURES_IN_A_ROW_MAX) {
				break;
			}
			continue;
		}
		in_a_row = 0;
		if (r > 0) {
			t->bad++;
			continue;
		}
		t->queries++;
		if (t->nsamples == t->cap && t->cap < SAMPLES_MAX) {
			uint32_t *more = realloc(t->samples, 2 * t->cap * sizeof(*more));
			if (more != NULL) {
				t->samples = more;
				t->cap *= 2;
			}
		}
		if (t->nsamples < t->cap) {
			double us = (end - begin) * 1e6;
			t->samples[t->nsamples++] = us > 4e9 ? 4000000000u : (uint32_t)us;
		}
	}
	free(answer);
	return NULL;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void read_queries(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "whois_load: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	queries = calloc(MAX_QUERIES, sizeof(*queries));
	query_len = calloc(MAX_QUERIES, sizeof(*query_len));
	char line[QUERY_LINE_MAX + 2];
	while (nqueries < MAX_QUERIES && fgets(line, sizeof(line), f) != NULL) {
		size_t n = strcspn(line, "\r\n");
		if (n == 0 || n > QUERY_LINE_MAX - 2) {
			continue;
		}
		queries[nqueries] = malloc(n + 3);
		memcpy(queries[nqueries], line, n);
		memcpy(queries[nqueries] + n, "\r\n", 3);
		query_len[nqueries++] = n + 2;
	}
	fclose(f);
	if (nqueries == 0) {
		fprintf(stderr, "whois_load: %s: no queries\n", path);
		exit(1);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: whois_load -p PORT -q QUERIES [-t THREADS] [-d SECONDS] "
			"[-e EXPECT] [-n MAX]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long port = -1;
	const char *query_file = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "p:q:t:d:e:n:")) != -1) {
		switch (opt) {
		case 'p': port = strtol(optarg, NULL, 10); break;
		case 'q': query_file = optarg; break;
		case 't': nthreads = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'd': seconds = strtod(optarg, NULL); break;
		case 'e': expect = optarg; break;
		case 'n': max_total = strtoull(optarg, NULL, 10); break;
		default: usage();
		}
	}
	if (optind != argc || port <= 0 || port > 65535 || query_file == NULL || nthreads < 1 ||
	    nthreads > MAX_THREADS || !(seconds > 0 && seconds <= MAX_SECONDS) || max_total == 0) {
		usage();
	}
	read_queries(query_file);
	target.sin_family = AF_INET;
	target.sin_port = htons((uint16_t)port);
	target.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */

	struct thread_state *threads = calloc(nthreads, sizeof(*threads));
	pthread_barrier_init(&barrier, NULL, nthreads + 1);
	for (unsigned i = 0; i < nthreads; i++) {
		threads[i].index = i;
		if (pthread_create(&threads[i].id, NULL, worker, &threads[i]) != 0) {
			fprintf(stderr, "whois_load: cannot start threads\n");
			return 1;
		}
	}
	start_time = now();
	deadline = start_time + seconds;
	pthread_barrier_wait(&barrier);
	uint64_t total = 0, failed = 0, bad = 0, bytes = 0, resets = 0;
	size_t nsamples = 0;
	const char *first_failure = NULL;
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(threads[i].id, NULL);
		total += threads[i].queries;
		failed += threads[i].failed;
		bad += threads[i].bad;
		bytes += threads[i].bytes;
		resets += threads[i].resets;
		nsamples += threads[i].nsamples;
		if (first_failure == NULL && threads[i].first_failure[0] != '\0') {
			first_failure = threads[i].first_failure;
		}
	}
	double elapsed = now() - start_time;
	uint32_t *all = malloc((nsamples ? nsamples : 1) * sizeof(*all));
	size_t k = 0;
	for (unsigned i = 0; i < nthreads; i++) {
		memcpy(all + k, threads[i].samples, threads[i].nsamples * sizeof(*all));
		k += threads[i].nsamples;
	}
	qsort(all, nsamples, sizeof(*all), cmp_u32);
	double p50 = nsamples ? all[(nsamples - 1) / 2] / 1000.0 : 0;
	double p99 = nsamples ? all[(size_t)((double)(nsamples - 1) * 0.99)] / 1000.0 : 0;
	printf("port %ld, %u threads, %.1f s, %zu distinct queries\n", port, nthreads, elapsed, nqueries);
	printf("answered %llu, failed %llu, bad answers %llu, ended by a reset %llu, %.0f queries/s, "
	       "p50 %.3f ms, p99 %.3f ms\n",
	       (unsigned long long)total, (unsigned long long)failed, (unsigned long long)bad,
	       (unsigned long long)resets, (double)total / elapsed, p50, p99);
	if (first_failure != NULL) {
		printf("first failure: %s\n", first_failure);
	}
	printf("RESULT %llu %llu %llu %.3f %.1f %.3f %.3f %llu %llu\n", (unsigned long long)total,
	       (unsigned long long)failed, (unsigned long long)bad, elapsed, (double)total / elapsed,
	       p50, p99, (unsigned long long)bytes, (unsigned long long)resets);
	return 0;
}
