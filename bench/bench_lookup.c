/*
 * Lookup benchmark: reads every RIR exchange file in a directory into an
 * in-memory idreg_numindex, then times point lookups (idreg_rangeindex_point)
 * and covering lookups (idreg_numindex_covering) over pregenerated random
 * keys on one thread.  The keys come from a xorshift generator before the
 * clock starts, so the generator is not timed.  Every result goes into a
 * checksum that is printed, so the compiler cannot drop the loop.
 *
 * usage: bench_lookup DIR [LOOKUPS [RUNS]]
 *   LOOKUPS  lookups per run of each workload (default 20000000)
 *   RUNS     runs of each workload; the median is reported (default 5)
 *
 * Each run is timed twice: by the thread's CPU time (the time it really ran
 * on a core, which other processes on a shared machine do not inflate) and
 * by the wall clock.  Prints one "RESULT" line per workload, medians over
 * the runs:
 *   RESULT name lookups cpu_s wall_s per_cpu_s per_wall_s hit_percent checksum
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/arena.h"
#include "formats/rir.h"
#include "inet/rangeindex.h"
#include "numres/numindex.h"

#define KEYS (1u << 20) /* pregenerated keys, reused cyclically */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

/* xorshift64* */
static uint64_t rng(void)
{
	uint64_t x = rng_state;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static idreg_u128 rng128(void)
{
	idreg_u128 hi = rng();
	return (hi << 64) | rng();
}

static double clock_s(clockid_t clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* Wall and CPU clocks, read together. */
struct stamp {
	double wall, cpu;
};

static struct stamp stamp(void)
{
	return (struct stamp){ clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_THREAD_CPUTIME_ID) };
}

static void *xmalloc(size_t size)
{
	void *p = malloc(size);
	if (p == NULL) {
		fprintf(stderr, "bench_lookup: out of memory\n");
		exit(1);
	}
	return p;
}

static int name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read every regular file in @dir (sorted by name) into @ix and build it. */
static void load(struct idreg_numindex *ix, const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		perror(dir);
		exit(1);
	}
	char **names = NULL;
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.') {
			continue;
		}
		char **grown = realloc(names, (n + 1) * sizeof(*names));
		if (grown == NULL) {
			fprintf(stderr, "bench_lookup: out of memory\n");
			exit(1);
		}
		names = grown;
		size_t len = strlen(dir) + strlen(e->d_name) + 2;
		names[n] = xmalloc(len);
		snprintf(names[n], len, "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(names[n], &st) != 0 || !S_ISREG(st.st_mode)) {
			free(names[n]);
			continue;
		}
		n++;
	}
	closedir(d);
	if (n == 0) {
		fprintf(stderr, "bench_lookup: %s: no files\n", dir);
		exit(1);
	}
	qsort(names, n, sizeof(*names), name_order);

	struct idreg_rir_read_options opts = {
		.max_line = 4096, .max_records = 20000000, .max_file = (size_t)1 << 30,
	};
	double t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct idreg_arena arena;
		idreg_arena_init(&arena, 1024 * 1024, 0);
		struct idreg_rir_file file;
		struct idreg_diag diag = { "" };
		if (idreg_rir_read_file(names[i], &opts, &arena, &file, &diag) != IDREG_OK) {
			fprintf(stderr, "bench_lookup: %s\n", diag.text);
			exit(1);
		}
		for (size_t r = 0; r < file.count; r++) {
			struct idreg_numindex_meta meta = { file.header.registry, NULL };
			if (idreg_numindex_add(ix, &file.records[r], &meta) != IDREG_OK) {
				fprintf(stderr, "bench_lookup: out of memory\n");
				exit(1);
			}
		}
		printf("loaded %s: %zu records\n", names[i], file.count);
		idreg_arena_free(&arena);
		free(names[i]);
	}
	free(names);
	double t1 = now();
	if (idreg_numindex_build(ix) != IDREG_OK) {
		fprintf(stderr, "bench_lookup: building the index failed\n");
		exit(1);
	}
	double t2 = now();
	printf("index: %zu records (asn %u, ipv4 %u, ipv6 %u ranges; ipv4 %u, ipv6 %u segments); "
	       "read %.3f s, build %.3f s\n",
	       ix->count, ix->by_type[IDREG_RES_ASN].count, ix->by_type[IDREG_RES_IPV4].count,
	       ix->by_type[IDREG_RES_IPV6].count, ix->by_type[IDREG_RES_IPV4].segments,
	       ix->by_type[IDREG_RES_IPV6].segments, t1 - t0, t2 - t1);
}

/* A random address inside a random range of @ri (uniform over ranges). */
static idreg_u128 inside_random_range(const struct idreg_rangeindex *ri)
{
	uint32_t r = (uint32_t)(rng() % ri->count);
	idreg_u128 span = ri->last[r] - ri->first[r];
	idreg_u128 off = span == ~(idreg_u128)0 ? rng128() : rng128() % (span + 1);
	return ri->first[r] + off;
}

enum kind { POINT, COVERING };

struct workload {
	const char *name;
	enum kind kind;
	enum idreg_restype type;
	idreg_u128 *first; /* KEYS keys; for COVERING, prefixes [first, last] */
	idreg_u128 *last;
};

struct outcome {
	double wall, cpu;
	uint64_t checksum;
	uint64_t hits;
};

/*
 * The timed loops.  noinline keeps each a separate function, so what is
 * timed is plainly the lookups and the checksum.
 */
__attribute__((noinline)) static struct outcome run_point32(const struct idreg_rangeindex *ri,
							     const uint32_t *keys, uint64_t n)
{
	uint64_t sum = 0, hits = 0;
	struct stamp t0 = stamp();
	for (uint64_t i = 0; i < n; i++) {
		uint32_t pos = idreg_rangeindex_point(ri, keys[i & (KEYS - 1)]);
		sum = sum * 31 + pos;
		hits += pos != IDREG_RANGEINDEX_NONE;
	}
	struct stamp t1 = stamp();
	return (struct outcome){ t1.wall - t0.wall, t1.cpu - t0.cpu, sum, hits };
}

__attribute__((noinline)) static struct outcome run_point128(const struct idreg_rangeindex *ri,
							      const idreg_u128 *keys, uint64_t n)
{
	uint64_t sum = 0, hits = 0;
	struct stamp t0 = stamp();
	for (uint64_t i = 0; i < n; i++) {
		uint32_t pos = idreg_rangeindex_point(ri, keys[i & (KEYS - 1)]);
		sum = sum * 31 + pos;
		hits += pos != IDREG_RANGEINDEX_NONE;
	}
	struct stamp t1 = stamp();
	return (struct outcome){ t1.wall - t0.wall, t1.cpu - t0.cpu, sum, hits };
}

__attribute__((noinline)) static struct outcome run_covering(const struct idreg_numindex *ix,
							      enum idreg_restype type,
							      const idreg_u128 *first,
							      const idreg_u128 *last, uint64_t n)
{
	uint64_t sum = 0, hits = 0;
	uint32_t out[4];
	struct stamp t0 = stamp();
	for (uint64_t i = 0; i < n; i++) {
		size_t k = i & (KEYS - 1);
		size_t found = idreg_numindex_covering(ix, type, first[k], last[k], out, 4);
		sum = sum * 31 + found + (found ? out[0] : 0);
		hits += found != 0;
	}
	struct stamp t1 = stamp();
	return (struct outcome){ t1.wall - t0.wall, t1.cpu - t0.cpu, sum, hits };
}

static int double_order(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), double_order);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void measure(const struct idreg_numindex *ix, const struct workload *w, uint64_t n,
		    int runs)
{
	double *wall = xmalloc((size_t)runs * sizeof(*wall));
	double *cpu = xmalloc((size_t)runs * sizeof(*cpu));
	uint32_t *keys32 = NULL;
	if (w->kind == POINT && w->type == IDREG_RES_IPV4) {
		keys32 = xmalloc(KEYS * sizeof(*keys32));
		for (size_t i = 0; i < KEYS; i++) {
			keys32[i] = (uint32_t)w->first[i];
		}
	}
	struct outcome o = { 0 };
	uint64_t checksum = 0;
	for (int r = 0; r < runs; r++) {
		if (keys32 != NULL) {
			o = run_point32(&ix->by_type[w->type], keys32, n);
		} else if (w->kind == POINT) {
			o = run_point128(&ix->by_type[w->type], w->first, n);
		} else {
			o = run_covering(ix, w->type, w->first, w->last, n);
		}
		if (r > 0 && o.checksum != checksum) {
			fprintf(stderr, "bench_lookup: %s: checksum differs between runs\n", w->name);
			exit(1);
		}
		checksum = o.checksum;
		wall[r] = o.wall;
		cpu[r] = o.cpu;
	}
	free(keys32);
	double cpu_s = median(cpu, runs), wall_s = median(wall, runs);
	printf("RESULT %s %" PRIu64 " %.4f %.4f %.0f %.0f %.1f %016" PRIx64 "\n", w->name, n, cpu_s,
	       wall_s, (double)n / cpu_s, (double)n / wall_s, 100.0 * (double)o.hits / (double)n,
	       checksum);
	fflush(stdout);
	free(wall);
	free(cpu);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: bench_lookup DIR [LOOKUPS [RUNS]]\n");
		return 2;
	}
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 20000000;
	int runs = argc > 3 ? atoi(argv[3]) : 5;
	if (n == 0 || runs < 1) {
		fprintf(stderr, "bench_lookup: LOOKUPS and RUNS must be positive\n");
		return 2;
	}

	struct idreg_numindex ix;
	idreg_numindex_init(&ix);
	load(&ix, argv[1]);
	const struct idreg_rangeindex *v4 = &ix.by_type[IDREG_RES_IPV4];
	const struct idreg_rangeindex *v6 = &ix.by_type[IDREG_RES_IPV6];
	if (v4->count == 0 || v6->count == 0) {
		fprintf(stderr, "bench_lookup: need IPv4 and IPv6 records\n");
		return 1;
	}

	idreg_u128 *first = xmalloc(KEYS * sizeof(*first));
	idreg_u128 *last = xmalloc(KEYS * sizeof(*last));
	struct workload w;

	/* IPv4 points, uniform over the whole space. */
	for (size_t i = 0; i < KEYS; i++) {
		first[i] = (uint32_t)rng();
	}
	w = (struct workload){ "ipv4-point-random", POINT, IDREG_RES_IPV4, first, NULL };
	measure(&ix, &w, n, runs);

	/* IPv4 points inside the records. */
	for (size_t i = 0; i < KEYS; i++) {
		first[i] = inside_random_range(v4);
	}
	w = (struct workload){ "ipv4-point-hit", POINT, IDREG_RES_IPV4, first, NULL };
	measure(&ix, &w, n, runs);

	/* IPv6 points, uniform over 2000::/3. */
	for (size_t i = 0; i < KEYS; i++) {
		first[i] = (rng128() >> 3) | ((idreg_u128)1 << 125);
	}
	w = (struct workload){ "ipv6-point-2000::/3", POINT, IDREG_RES_IPV6, first, NULL };
	measure(&ix, &w, n, runs);

	/* IPv6 points inside the records. */
	for (size_t i = 0; i < KEYS; i++) {
		first[i] = inside_random_range(v6);
	}
	w = (struct workload){ "ipv6-point-hit", POINT, IDREG_RES_IPV6, first, NULL };
	measure(&ix, &w, n, runs);

	/* IPv4 prefixes /8../32 at random addresses. */
	for (size_t i = 0; i < KEYS; i++) {
		unsigned len = 8 + (unsigned)(rng() % 25);
		idreg_u128 host = idreg_host_mask(32, len);
		first[i] = (idreg_u128)(uint32_t)rng() & ~host & 0xffffffffu;
		last[i] = first[i] | host;
	}
	w = (struct workload){ "ipv4-covering-random", COVERING, IDREG_RES_IPV4, first, last };
	measure(&ix, &w, n, runs);

	/* IPv6 prefixes /20../64 around addresses inside the records. */
	for (size_t i = 0; i < KEYS; i++) {
		unsigned len = 20 + (unsigned)(rng() % 45);
		idreg_u128 host = idreg_host_mask(128, len);
		first[i] = inside_random_range(v6) & ~host;
		last[i] = first[i] | host;
	}
	w = (struct workload){ "ipv6-covering-near", COVERING, IDREG_RES_IPV6, first, last };
	measure(&ix, &w, n, runs);

	free(first);
	free(last);
	idreg_numindex_free(&ix);
	return 0;
}
