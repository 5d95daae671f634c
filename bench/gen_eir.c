/*
 * gen_eir: operator files for the classification benchmark (bench/bench_eir.sh),
 * faster and larger than `idreg eir sample`: OBSERVATIONS distinct (IMEI,
 * IMSI, MSISDN) triplets over OPERATORS operators in January 2026, each seen
 * on DAYS days of the month drawn at random, one row per day
 * (docs/eir-formats.md).  Out of every 1000 subscribers, three use the
 * IMEI of the first (a clone with four IMSIs: a duplicate), and one the
 * IMEI of the one before it (two IMSIs: under the threshold).  Also writes
 * tac.csv with the TACs used.
 *
 * usage: gen_eir OUT_DIR OBSERVATIONS OPERATORS DAYS SEED
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define TACS 200
#define MONTH_DAYS 31

static uint64_t next(uint64_t *state) /* splitmix64 */
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned tac_of(unsigned i)
{
	return 35000000u + i * 4999u;
}

/* The subscriber whose device subscriber @s uses. */
static uint64_t device_owner(uint64_t s)
{
	unsigned k = (unsigned)(s % 1000);
	if (k >= 1 && k <= 3) {
		return s - k;
	}
	return k == 501 ? s - 1 : s;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: gen_eir OUT_DIR OBSERVATIONS OPERATORS DAYS SEED\n");
		return 2;
	}
	const char *dir = argv[1];
	uint64_t total = strtoull(argv[2], NULL, 10);
	unsigned operators = (unsigned)strtoul(argv[3], NULL, 10);
	unsigned days = (unsigned)strtoul(argv[4], NULL, 10);
	uint64_t seed = strtoull(argv[5], NULL, 10);
	if (total == 0 || total > 1000000000ull || operators == 0 || operators > 9 || days == 0 ||
	    days > MONTH_DAYS) {
		fprintf(stderr, "gen_eir: OBSERVATIONS 1..1e9, OPERATORS 1..9, DAYS 1..31\n");
		return 2;
	}
	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		fprintf(stderr, "gen_eir: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/tac.csv", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL) {
		fprintf(stderr, "gen_eir: %s: %s\n", path, strerror(errno));
		return 1;
	}
	fprintf(f, "tac,manufacturer,model,radio,allocation_date,device_type\n");
	for (unsigned i = 0; i < TACS; i++) {
		fprintf(f, "%08u,Bench,B%u,2G|3G|4G|5G,2020-01-01,Smartphone\n", tac_of(i), i);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "gen_eir: %s: write failed\n", path);
		return 1;
	}
	uint64_t state = seed;
	uint64_t rows = 0;
	for (unsigned op = 0; op < operators; op++) {
		snprintf(path, sizeof(path), "%s/operator-op%u-2026-01.csv", dir, op + 1);
		f = fopen(path, "w");
		if (f == NULL) {
			fprintf(stderr, "gen_eir: %s: %s\n", path, strerror(errno));
			return 1;
		}
		static char buf[1 << 20];
		setvbuf(f, buf, _IOFBF, sizeof(buf));
		fprintf(f, "date,imei,imsi,msisdn,rat\n");
		uint64_t first = total * op / operators, last = total * (op + 1) / operators;
		for (uint64_t s = first; s < last; s++) {
			uint64_t owner = device_owner(s);
			unsigned tac = tac_of((unsigned)(owner % TACS));
			unsigned serial = (unsigned)(owner / TACS % 1000000u);
			uint32_t used = 0;
			for (unsigned d = 0; d < days; d++) {
				unsigned day = (unsigned)(next(&state) % MONTH_DAYS);
				if (used & (1u << day)) {
					continue; /* one row per day */
				}
				used |= 1u << day;
				fprintf(f, "2026-01-%02u,%08u%06u,639%02u%010llu,2547%08llu,4G\n", day + 1,
					tac, serial, op + 1, (unsigned long long)s,
					(unsigned long long)(s % 100000000ull));
				rows++;
			}
		}
		if (fclose(f) != 0) {
			fprintf(stderr, "gen_eir: %s: write failed\n", path);
			return 1;
		}
	}
	printf("rows %llu\n", (unsigned long long)rows);
	return 0;
}
