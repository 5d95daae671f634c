/*
 * LGR benchmark (docs/benchmarks.md): the full registration check of a
 * label under an RFC 7940 LGR -- UTF-8 decoding, disposition and index
 * label (lib/idn/lgr.h) -- side by side with ICU's bare
 * uidna_labelToASCII_UTF8 (UTS #46, the options idreg uses) over the same
 * labels, and the time and memory it takes to load the LGRs.
 *
 * usage: bench_lgr LGR_DIR [LABELS [RUNS]]
 *   LGR_DIR  shared/data/lgr: lgr.rng, the second-level Chinese reference
 *            LGR and the Root Zone common LGR are read from it
 *   LABELS   labels per set (default 1000000)
 *   RUNS     runs of each side per set, alternating; medians (default 3)
 *
 * Two sets of labels, made before any clock starts by a fixed-seed
 * generator from code point ranges of Unicode blocks (not from the LGRs, so
 * some labels are outside a repertoire, as typed labels are):
 *   chinese: Han (CJK Unified Ideographs) 70 %, ASCII letters, digits and
 *            hyphens 30 %, against the second-level Chinese reference LGR;
 *   scripts: Latin, Cyrillic, Greek, Arabic, Hangul, Han and Hiragana in
 *            equal shares, against the Root Zone common LGR.
 * Each side is timed by the thread's CPU time (what other processes on a
 * shared machine do not inflate) and by the wall clock; every result goes
 * into a checksum, compared across runs, so nothing can be optimised away.
 * Loading is timed with and without the RELAX NG schema; its memory is the
 * size of the loaded tables and how much the peak resident size of a child
 * process grows while it loads the LGR once with the schema: the mapped
 * file, the XML reader's buffers, the schema, the tables and what is built
 * on the way (ICU and libxml2 are set up already, by the timed loads).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <time.h>

#include <unicode/uidna.h>
#include <unicode/utf8.h>

#include "idn/lgr.h"

#define CHINESE_LGR "second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"
#define COMMON_LGR "root-zone/lgr-5-common-26may22-en.xml"

/* ---- labels ---- */

static uint64_t seed = 20261128;

/* splitmix64 */
static uint64_t next_random(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t random_below(uint32_t n)
{
	return (uint32_t)(next_random() % n);
}

struct script {
	const char *name;
	uint32_t first, last; /* the block's letters */
	unsigned min_len, max_len;
};

static const struct script latin = { "Latin", 'a', 'z', 4, 12 };
static const struct script han = { "Han", 0x4e00, 0x9fa5, 2, 6 };
static const struct script scripts[] = {
	{ "Latin", 'a', 'z', 4, 12 },       { "Cyrillic", 0x430, 0x44f, 4, 12 },
	{ "Greek", 0x3b1, 0x3c9, 4, 12 },   { "Arabic", 0x628, 0x64a, 3, 10 },
	{ "Hangul", 0xac00, 0xd7a3, 2, 6 }, { "Han", 0x4e00, 0x9fa5, 2, 6 },
	{ "Hiragana", 0x3041, 0x3093, 3, 8 },
};

/* Labels as UTF-8, one after the other; label i is text[off[i] .. off[i + 1]). */
struct label_set {
	const char *name;
	const char *lgr;
	char *text;
	size_t *off;
	size_t count;
};

static void add_label(struct label_set *s, size_t *at, const struct script *sc)
{
	unsigned len = sc->min_len + random_below(sc->max_len - sc->min_len + 1);
	for (unsigned i = 0; i < len; i++) {
		uint32_t cp = sc->first + random_below(sc->last - sc->first + 1);
		/* ASCII labels also have digits, and hyphens inside. */
		if (sc->first == 'a' && random_below(8) == 0) {
			cp = i > 0 && i + 1 < len ? '-' : '0' + random_below(10);
		}
		U8_APPEND_UNSAFE(s->text, *at, (UChar32)cp);
	}
}

static bool make_labels(struct label_set *s, size_t count, bool chinese)
{
	s->count = count;
	s->text = malloc(count * 4 * 12); /* 12 code points of 4 bytes at most */
	s->off = malloc((count + 1) * sizeof(*s->off));
	if (s->text == NULL || s->off == NULL) {
		return false;
	}
	size_t at = 0;
	for (size_t i = 0; i < count; i++) {
		s->off[i] = at;
		const struct script *sc = chinese ? (random_below(10) < 7 ? &han : &latin)
						  : &scripts[random_below(sizeof(scripts) / sizeof(scripts[0]))];
		add_label(s, &at, sc);
	}
	s->off[count] = at;
	return true;
}

/* ---- timing ---- */

struct times {
	double cpu, wall;
};

static struct times now(void)
{
	struct timespec cpu, wall;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
	clock_gettime(CLOCK_MONOTONIC, &wall);
	return (struct times){ cpu.tv_sec + cpu.tv_nsec * 1e-9, wall.tv_sec + wall.tv_nsec * 1e-9 };
}

static struct times since(struct times start)
{
	struct times t = now();
	return (struct times){ t.cpu - start.cpu, t.wall - start.wall };
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 0x100000001b3ull;
}

/* ---- the two sides ---- */

static uint64_t run_icu(const UIDNA *idna, const struct label_set *s)
{
	uint64_t sum = 0;
	char out[256];
	for (size_t i = 0; i < s->count; i++) {
		UIDNAInfo info = UIDNA_INFO_INITIALIZER;
		UErrorCode ec = U_ZERO_ERROR;
		int32_t len = uidna_labelToASCII_UTF8(idna, s->text + s->off[i],
						      (int32_t)(s->off[i + 1] - s->off[i]), out,
						      (int32_t)sizeof(out), &info, &ec);
		sum = mix(sum, (uint64_t)len ^ ((uint64_t)info.errors << 32));
	}
	return sum;
}

/* Dispositions counted by name: the first few seen, then "other". */
struct tally {
	const char *disp[8];
	size_t count[8];
	size_t unreadable, other;
};

static void count_disp(struct tally *t, const char *disp)
{
	for (size_t k = 0; k < 8; k++) {
		if (t->disp[k] == NULL) {
			t->disp[k] = disp;
		}
		if (strcmp(t->disp[k], disp) == 0) {
			t->count[k]++;
			return;
		}
	}
	t->other++;
}

static uint64_t run_lgr(struct idreg_lgr_eval *ev, const struct label_set *s, struct tally *t)
{
	uint64_t sum = 0;
	for (size_t i = 0; i < s->count; i++) {
		uint32_t cps[IDREG_LGR_LABEL_MAX], index[IDREG_LGR_INDEX_MAX];
		size_t n, len = 0;
		struct idreg_lgr_disposition d;
		if (idreg_lgr_label_decode(s->text + s->off[i], s->off[i + 1] - s->off[i], cps, &n,
					   NULL) != IDREG_OK ||
		    idreg_lgr_disposition(ev, cps, n, &d) != IDREG_OK) {
			t->unreadable++;
			continue;
		}
		if (!idreg_lgr_is_invalid(&d) &&
		    idreg_lgr_index_label(ev, cps, n, index, IDREG_LGR_INDEX_MAX, &len) == IDREG_OK) {
			for (size_t k = 0; k < len; k++) {
				sum = mix(sum, index[k]);
			}
		}
		sum = mix(sum, (uint64_t)d.action ^ ((uint64_t)d.why << 32) ^ d.types);
		if (t != NULL) {
			count_disp(t, d.disp);
		}
	}
	return sum;
}

/* ---- loading ---- */

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static struct idreg_lgr *load(const char *dir, const char *file, bool schema, struct times *took)
{
	char path[4096], rng[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(rng, sizeof(rng), "%s/lgr.rng", dir);
	struct idreg_lgr_options opts = { .schema_path = schema ? rng : NULL };
	struct idreg_lgr *lgr;
	struct idreg_diag diag = { "" };
	struct times start = now();
	if (idreg_lgr_load(path, &opts, &lgr, &diag) != IDREG_OK) {
		fprintf(stderr, "bench_lgr: %s\n", diag.text);
		exit(1);
	}
	*took = since(start);
	return lgr;
}

/* How much a child's peak resident size grows while it loads the LGR once, in KiB. */
static long load_growth_kb(const char *dir, const char *file)
{
	int fds[2];
	long growth = -1;
	if (pipe(fds) != 0) {
		return -1;
	}
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		long before = peak_rss_kb();
		struct times took;
		idreg_lgr_free(load(dir, file, true, &took));
		growth = peak_rss_kb() - before;
		_exit(write(fds[1], &growth, sizeof(growth)) == sizeof(growth) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &growth, sizeof(growth)) != sizeof(growth)) {
		growth = -1;
	}
	close(fds[0]);
	if (pid > 0) {
		waitpid(pid, NULL, 0);
	}
	return growth;
}

static void report_load(const char *dir, const char *file, const char *what, unsigned runs)
{
	double with_cpu[runs], with_wall[runs], without_cpu[runs], without_wall[runs];
	struct idreg_lgr_info info;
	for (unsigned r = 0; r < runs; r++) {
		struct times t;
		struct idreg_lgr *lgr = load(dir, file, true, &t);
		with_cpu[r] = t.cpu;
		with_wall[r] = t.wall;
		idreg_lgr_info(lgr, &info);
		idreg_lgr_free(lgr);
		lgr = load(dir, file, false, &t);
		without_cpu[r] = t.cpu;
		without_wall[r] = t.wall;
		idreg_lgr_free(lgr);
	}
	long growth = load_growth_kb(dir, file);
	printf("%s: %zu code points, %zu sequences, %zu variant mappings, %zu rules, %zu actions\n",
	       what, info.code_points, info.sequences, info.variants, info.rules, info.actions);
	printf("  load with the RELAX NG schema:    %7.1f ms CPU, %7.1f ms wall (median of %u)\n",
	       median(with_cpu, runs) * 1e3, median(with_wall, runs) * 1e3, runs);
	printf("  load without schema validation:   %7.1f ms CPU, %7.1f ms wall\n",
	       median(without_cpu, runs) * 1e3, median(without_wall, runs) * 1e3);
	printf("  memory: the loaded tables %.2f MiB; loading with the schema adds %.2f MiB to "
	       "a process's peak resident size\n",
	       info.memory_bytes / 1048576.0, growth / 1024.0);
}

/* ---- one set ---- */

static int bench_set(const char *dir, const struct label_set *s, unsigned runs)
{
	struct times took;
	struct idreg_lgr *lgr = load(dir, s->lgr, false, &took);
	struct idreg_lgr_eval *ev;
	UErrorCode ec = U_ZERO_ERROR;
	UIDNA *idna = uidna_openUTS46(UIDNA_NONTRANSITIONAL_TO_ASCII | UIDNA_CHECK_BIDI |
					      UIDNA_CHECK_CONTEXTJ | UIDNA_USE_STD3_RULES,
				      &ec);
	if (idreg_lgr_eval_new(lgr, &ev) != IDREG_OK || U_FAILURE(ec)) {
		fprintf(stderr, "bench_lgr: cannot set up the evaluation\n");
		return 1;
	}
	/* Untimed warm-up of both, which also counts the dispositions. */
	struct tally tally = { 0 };
	uint64_t lgr_sum = run_lgr(ev, s, &tally), icu_sum = run_icu(idna, s);
	double icu_cpu[runs], icu_wall[runs], lgr_cpu[runs], lgr_wall[runs];
	for (unsigned r = 0; r < runs; r++) {
		for (int side = 0; side < 2; side++) {
			bool icu_side = (side == 0) == (r % 2 == 0);
			struct times start = now();
			uint64_t sum = icu_side ? run_icu(idna, s) : run_lgr(ev, s, NULL);
			struct times t = since(start);
			if (sum != (icu_side ? icu_sum : lgr_sum)) {
				fprintf(stderr, "bench_lgr: checksum differs between runs\n");
				return 1;
			}
			(icu_side ? icu_cpu : lgr_cpu)[r] = t.cpu;
			(icu_side ? icu_wall : lgr_wall)[r] = t.wall;
		}
	}
	double ic = median(icu_cpu, runs), iw = median(icu_wall, runs);
	double lc = median(lgr_cpu, runs), lw = median(lgr_wall, runs);
	printf("set %s: %zu labels against %s\n", s->name, s->count, s->lgr);
	printf("  dispositions:");
	for (size_t k = 0; k < 8 && tally.disp[k] != NULL; k++) {
		printf(" %s %zu,", tally.disp[k], tally.count[k]);
	}
	printf(" other %zu, unreadable %zu\n", tally.other, tally.unreadable);
	printf("  %-44s %8s %14s %8s\n", "side", "cpu s", "labels/cpu-s", "wall s");
	printf("  %-44s %8.3f %14.0f %8.3f\n", "ICU uidna_labelToASCII_UTF8", ic, s->count / ic, iw);
	printf("  %-44s %8.3f %14.0f %8.3f\n", "idreg: decode, disposition, index label", lc,
	       s->count / lc, lw);
	printf("  ratio idreg/ICU by CPU time: %.2f   goal <= 3.00: %s   (by wall time: %.2f)\n",
	       lc / ic, lc / ic <= 3.0 ? "MET" : "MISSED", lw / iw);
	printf("  checksums: icu %016" PRIx64 " idreg %016" PRIx64 "\n", icu_sum, lgr_sum);
	uidna_close(idna);
	idreg_lgr_eval_free(ev);
	idreg_lgr_free(lgr);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: bench_lgr LGR_DIR [LABELS [RUNS]]\n");
		return 2;
	}
	const char *dir = argv[1];
	long labels = argc > 2 ? atol(argv[2]) : 1000000;
	long runs = argc > 3 ? atol(argv[3]) : 3;
	if (labels <= 0 || runs <= 0 || runs > 99) {
		fprintf(stderr, "bench_lgr: LABELS must be positive, RUNS from 1 to 99\n");
		return 2;
	}
	/* Loading first, while the process is small: its peak size is the LGR's. */
	report_load(dir, CHINESE_LGR, "second-level Chinese reference LGR", (unsigned)runs);
	report_load(dir, COMMON_LGR, "Root Zone LGR 5, common", (unsigned)runs);
	struct label_set sets[2] = {
		{ .name = "chinese (Han 70 %, ASCII 30 %)", .lgr = CHINESE_LGR },
		{ .name = "scripts (Latin, Cyrillic, Greek, Arabic, Hangul, Han, Hiragana)",
		  .lgr = COMMON_LGR },
	};
	int status = 0;
	for (int i = 0; i < 2 && status == 0; i++) {
		if (!make_labels(&sets[i], (size_t)labels, i == 0)) {
			fprintf(stderr, "bench_lgr: out of memory\n");
			return 1;
		}
		status = bench_set(dir, &sets[i], (unsigned)runs);
		free(sets[i].text);
		free(sets[i].off);
	}
	return status;
}
