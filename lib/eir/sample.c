/*
 * The sample generator of the equipment identity register; see sample.h
 * and docs/eir-formats.md.  Subscribers ("actors") are drawn first, each
 * with the device it starts with and, maybe, the day it changes to
 * another; then every day of every month each actor is seen or not, and a
 * row is written to its operator's file.  Anomalies are actors planted
 * with a device that has them, and are written to ground_truth.csv.
 */
#include "eir/sample.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/array.h"
#include "eir/imei.h"

#define TAC_COUNT 120
#define BARRED_TACS 2            /* the last TACs of the database */
#define RAT_2G 1u
#define RAT_3G 2u
#define RAT_4G 4u
#define RAT_5G 8u
#define NO_DAY UINT_MAX
#define TRANSIENT_SIMS 12        /* subscribers a planted transient IMEI passes through */
#define TRANSIENT_STEP 3         /* between their MSISDNs */

static const char *const rat_names[] = { "2G", "3G", "4G", "5G" };
static const char *const manufacturers[] = { "Aster", "Borealis", "Cobalt", "Dunmore", "Equinox",
					     "Fennel", "Galena", "Helix" };
static const char *const reporting_bodies[] = { "35", "86", "01", "99" };

struct rng {
	uint64_t state;
};

static uint64_t next(struct rng *r) /* splitmix64 */
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static unsigned below(struct rng *r, unsigned n)
{
	return (unsigned)(next(r) % n);
}

static bool chance(struct rng *r, unsigned percent)
{
	return below(r, 100) < percent;
}

struct tac {
	char tac[IDREG_TAC_DIGITS + 1];
	unsigned rats;
};

/* A device as an operator's file shows it: the raw field and the radio technologies it has. */
struct device {
	char raw[24];
	unsigned rats;
	bool force_4g;           /* planted: seen on 4G, which it lacks */
};

struct actor {
	unsigned op;
	char imsi[IDREG_IMSI_MAX + 1];
	char msisdn[IDREG_MSISDN_MAX + 1];
	struct device device[2]; /* before and from switch_day */
	unsigned switch_day;     /* day index (from the first day written), NO_DAY: never */
	unsigned first_day, last_day; /* seen only in these days */
	unsigned active_percent;
};

struct gen {
	const struct idreg_eir_sample_options *o;
	struct rng rng;
	struct tac tacs[TAC_COUNT];
	struct actor *actors;
	size_t n_actors, cap_actors;
	unsigned next_serial;
	unsigned total_days;
	FILE *registered, *truth;
	struct idreg_diag *diag;
};

static unsigned days_in_month(unsigned year, unsigned month) /* month 1..12 */
{
	static const unsigned days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[month - 1] + (month == 2 && leap);
}

/* The date of day index @day as YYYY-MM-DD. */
static void day_date(unsigned day, char out[11])
{
	unsigned y = IDREG_EIR_SAMPLE_START_YEAR, m = 1;
	while (day >= days_in_month(y, m)) {
		day -= days_in_month(y, m);
		if (++m == 13) {
			m = 1;
			y++;
		}
	}
	snprintf(out, 11, "%04u-%02u-%02u", y % 10000, m % 100, (day + 1) % 100);
}

static void rats_text(unsigned rats, char *out, size_t size)
{
	out[0] = '\0';
	for (unsigned i = 0; i < 4; i++) {
		if (rats & (1u << i)) {
			size_t len = strlen(out);
			snprintf(out + len, size - len, "%s%s", len ? "|" : "", rat_names[i]);
		}
	}
}

static idreg_err open_out(struct gen *g, const char *name, FILE **out)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", g->o->out_dir, name);
	*out = fopen(path, "w");
	if (*out == NULL) {
		return idreg_diag_set(g->diag, IDREG_EIO, "%s: %s", path, strerror(errno));
	}
	return IDREG_OK;
}

static idreg_err close_out(struct gen *g, const char *name, FILE *f)
{
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		return idreg_diag_set(g->diag, IDREG_EIO, "%s/%s: write failed", g->o->out_dir, name);
	}
	return IDREG_OK;
}

static idreg_err write_tacs(struct gen *g)
{
	static const char *const smart_types[] = { "Smartphone", "Smartphone", "Smartphone", "Tablet",
						   "Modem", "IoT device" };
	FILE *f;
	idreg_err err = open_out(g, "tac.csv", &f);
	if (err != IDREG_OK) {
		return err;
	}
	fprintf(f, "tac,manufacturer,model,radio,allocation_date,device_type\n");
	for (unsigned i = 0; i < TAC_COUNT; i++) {
		struct tac *t = &g->tacs[i];
		snprintf(t->tac, sizeof(t->tac), "%s%06u", reporting_bodies[below(&g->rng, 4)],
			 (i * 7919u + 1000u) % 1000000u);
		bool legacy = chance(&g->rng, 15);
		t->rats = legacy ? RAT_2G | RAT_3G
				 : RAT_2G | RAT_3G | RAT_4G | (chance(&g->rng, 40) ? RAT_5G : 0);
		char rats[16];
		rats_text(t->rats, rats, sizeof(rats));
		const char *maker = manufacturers[below(&g->rng, 8)];
		fprintf(f, "%s,%s,%s %c%u,%s,%04u-%02u-%02u,%s\n", t->tac, maker, maker,
			legacy ? 'F' : 'S', 100 + i, rats, 2015 + below(&g->rng, 10),
			1 + below(&g->rng, 12), 1 + below(&g->rng, 28),
			legacy ? "Feature phone" : smart_types[below(&g->rng, 6)]);
	}
	return close_out(g, "tac.csv", f);
}

/* A TAC of the database: an ordinary one, or one with only 2G and 3G. */
static const struct tac *pick_tac(struct gen *g, bool legacy)
{
	for (;;) {
		const struct tac *t = &g->tacs[below(&g->rng, TAC_COUNT - BARRED_TACS)];
		if (((t->rats & RAT_4G) == 0) == legacy) {
			return t;
		}
	}
}

/* A new device of TAC @tac, written as operators do: mostly 15 digits, some 14 or 16. */
static void new_device(struct gen *g, const char *tac, unsigned rats, bool registered,
		       struct device *d, char imei14[IDREG_IMEI_DIGITS + 1])
{
	snprintf(imei14, IDREG_IMEI_DIGITS + 1, "%.8s%06u", tac, g->next_serial++ % 1000000u);
	unsigned form = below(&g->rng, 10);
	if (form < 8) {
		snprintf(d->raw, sizeof(d->raw), "%s%d", imei14, idreg_imei_check_digit(imei14));
	} else if (form == 8) {
		snprintf(d->raw, sizeof(d->raw), "%s%02u", imei14, below(&g->rng, 99));
	} else {
		snprintf(d->raw, sizeof(d->raw), "%s", imei14);
	}
	d->rats = rats;
	d->force_4g = false;
	if (registered) {
		fprintf(g->registered, "%s\n", imei14);
	}
}

static idreg_err add_actor(struct gen *g, unsigned op, bool roamer, struct actor **out)
{
	idreg_err err = idreg_array_reserve(&g->actors, &g->cap_actors, g->n_actors,
					    sizeof(*g->actors), 1024);
	if (err != IDREG_OK) {
		return idreg_diag_set(g->diag, err, "sample: out of memory");
	}
	struct actor *a = &g->actors[g->n_actors++];
	memset(a, 0, sizeof(*a));
	a->op = op;
	unsigned id = (unsigned)g->n_actors;
	if (roamer) {
		bool us = chance(&g->rng, 50); /* US: 3-digit MNC; UK: 2 digits */
		snprintf(a->imsi, sizeof(a->imsi), "%s%09u", us ? "310260" : "23415", id);
		snprintf(a->msisdn, sizeof(a->msisdn), "%s%08u", us ? "1202" : "44791", id);
		a->first_day = below(&g->rng, g->total_days);
		a->last_day = a->first_day + 2 + below(&g->rng, 8);
		a->active_percent = 90;
	} else {
		snprintf(a->imsi, sizeof(a->imsi), "%s%02u%010u", g->o->home_mcc, op + 1, id);
		snprintf(a->msisdn, sizeof(a->msisdn), "%s7%08u", g->o->home_cc, id);
		a->first_day = 0;
		a->last_day = g->total_days;
		a->active_percent = 50 + below(&g->rng, 50);
	}
	a->switch_day = NO_DAY;
	char imei14[IDREG_IMEI_DIGITS + 1];
	const struct tac *t = pick_tac(g, chance(&g->rng, 10));
	new_device(g, t->tac, t->rats, !roamer, &a->device[0], imei14);
	/* Spreadsheets on the way from operator 2 drop the leading zero of some 01
	 * TACs written as 14 digits (13 are left: only then can it be restored). */
	if (op == 1 && a->device[0].raw[0] == '0' && strlen(a->device[0].raw) == IDREG_IMEI_DIGITS &&
	    chance(&g->rng, 50)) {
		memmove(a->device[0].raw, a->device[0].raw + 1, strlen(a->device[0].raw));
	}
	if (!roamer && chance(&g->rng, 5 * g->o->months)) { /* changes devices */
		a->switch_day = 1 + below(&g->rng, g->total_days - 1);
		t = pick_tac(g, false);
		new_device(g, t->tac, t->rats, true, &a->device[1], imei14);
	}
	*out = a;
	return IDREG_OK;
}

static void truth(struct gen *g, const char *imei, const char *anomaly, unsigned op, unsigned day)
{
	char date[11];
	day_date(day, date);
	fprintf(g->truth, "%s,%s,op%u,%s\n", imei, anomaly, op + 1, date);
}

/* Give @a, from day @day on, the device @d (one planted with an anomaly). */
static void plant(struct actor *a, const struct device *d, unsigned day)
{
	a->device[1] = *d;
	a->switch_day = day;
	a->active_percent = 95;
}

static idreg_err plant_anomalies(struct gen *g, unsigned op, FILE *stolen)
{
	char imei14[IDREG_IMEI_DIGITS + 1];
	struct device d;
	struct actor *a;
	idreg_err err;
	unsigned start = below(&g->rng, g->total_days / 2 + 1);
	/* Clones: one IMEI in the hands of three to five subscribers. */
	for (unsigned c = 0; c < 2; c++) {
		const struct tac *t = pick_tac(g, false);
		new_device(g, t->tac, t->rats, true, &d, imei14);
		unsigned holders = 3 + below(&g->rng, 3);
		for (unsigned h = 0; h < holders; h++) {
			if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
				return err;
			}
			plant(a, &d, start);
		}
		truth(g, imei14, "duplicate", op, start);
	}
	/* Malformed: a letter, too short, too long. */
	static const char *const malformed[] = { "35%06uA12345", "%06u", "3520990017614%06u" };
	for (unsigned m = 0; m < 3; m++) {
		memset(&d, 0, sizeof(d));
		snprintf(d.raw, sizeof(d.raw), malformed[m], g->next_serial++ % 1000000u);
		d.rats = RAT_2G | RAT_3G | RAT_4G;
		if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
			return err;
		}
		plant(a, &d, start);
		truth(g, d.raw, "malformed", op, start);
	}
	/* A test IMEI, a TAC no model has, a barred TAC. */
	const char *odd_tacs[] = { "00100100", "35999990", g->tacs[TAC_COUNT - 1].tac };
	const char *odd_names[] = { "test_imei", "unknown_tac", "barred_tac" };
	for (unsigned k = 0; k < 3; k++) {
		new_device(g, odd_tacs[k], RAT_2G | RAT_3G | RAT_4G, true, &d, imei14);
		if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
			return err;
		}
		plant(a, &d, start);
		truth(g, imei14, odd_names[k], op, start);
	}
	/* Stolen (reported the day the thief's use begins), unregistered, on 4G without it. */
	for (unsigned k = 0; k < 2; k++) {
		const struct tac *t = pick_tac(g, false);
		new_device(g, t->tac, t->rats, true, &d, imei14);
		if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
			return err;
		}
		plant(a, &d, start);
		char date[11];
		day_date(start, date);
		fprintf(stolen, "%s%d,%s\n", imei14, idreg_imei_check_digit(imei14), date);
		truth(g, imei14, "stolen", op, start);

		t = pick_tac(g, false);
		new_device(g, t->tac, t->rats, false, &d, imei14);
		if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
			return err;
		}
		plant(a, &d, start);
		truth(g, imei14, "not_registered", op, start);
	}
	const struct tac *t = pick_tac(g, true);
	new_device(g, t->tac, t->rats, true, &d, imei14);
	d.force_4g = true;
	if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
		return err;
	}
	plant(a, &d, start);
	truth(g, imei14, "rat_unsupported", op, start);
	/* A transient IMEI (a shop's demonstration device): a day each with new
	 * subscribers whose MSISDNs follow one another by TRANSIENT_STEP; so
	 * many IMSIs make it a duplicate too. */
	t = pick_tac(g, false);
	new_device(g, t->tac, t->rats, true, &d, imei14);
	for (unsigned k = 0; k < TRANSIENT_SIMS; k++) {
		if ((err = add_actor(g, op, false, &a)) != IDREG_OK) {
			return err;
		}
		snprintf(a->imsi, sizeof(a->imsi), "%.3s%02u9%09u", g->o->home_mcc, (op + 1) % 100,
			 k % 1000000000u);
		snprintf(a->msisdn, sizeof(a->msisdn), "%.3s8%02u%06u", g->o->home_cc,
			 (op + 1) % 100, (500000u + TRANSIENT_STEP * k) % 1000000u);
		plant(a, &d, 0);
		a->first_day = a->last_day = start + k;
		a->active_percent = 100;
	}
	truth(g, imei14, "transient", op, start);
	truth(g, imei14, "duplicate", op, start);
	return IDREG_OK;
}

static const char *rat_seen(struct gen *g, const struct device *d)
{
	if (d->force_4g) {
		return "4G";
	}
	unsigned best = d->rats & RAT_5G ? 3 : d->rats & RAT_4G ? 2 : 1;
	unsigned rat = chance(&g->rng, 80) ? best : below(&g->rng, best + 1);
	return rat_names[rat];
}

static idreg_err write_month(struct gen *g, unsigned op, unsigned month, unsigned first_day)
{
	unsigned y = IDREG_EIR_SAMPLE_START_YEAR + month / 12, m = month % 12 + 1;
	char name[64];
	snprintf(name, sizeof(name), "operator-op%u-%04u-%02u.csv", op + 1, y % 10000, m % 100);
	FILE *f;
	idreg_err err = open_out(g, name, &f);
	if (err != IDREG_OK) {
		return err;
	}
	fprintf(f, "date,imei,imsi,msisdn,rat\n");
	for (unsigned day = first_day; day < first_day + days_in_month(y, m); day++) {
		char date[11];
		day_date(day, date);
		for (size_t i = 0; i < g->n_actors; i++) {
			const struct actor *a = &g->actors[i];
			if (a->op != op || day < a->first_day || day > a->last_day ||
			    !chance(&g->rng, a->active_percent)) {
				continue;
			}
			const struct device *d = &a->device[day >= a->switch_day];
			fprintf(f, "%s,%s,%s,%s,%s\n", date, d->raw, a->imsi, a->msisdn, rat_seen(g, d));
		}
	}
	return close_out(g, name, f);
}

static idreg_err write_lists(struct gen *g)
{
	FILE *f;
	idreg_err err = open_out(g, "barred_tacs.csv", &f);
	if (err != IDREG_OK) {
		return err;
	}
	fprintf(f, "tac\n");
	for (unsigned i = TAC_COUNT - BARRED_TACS; i < TAC_COUNT; i++) {
		fprintf(f, "%s\n", g->tacs[i].tac);
	}
	if ((err = close_out(g, "barred_tacs.csv", f)) != IDREG_OK) {
		return err;
	}
	/* Golden devices and pairings: ordinary home subscribers' first devices. */
	FILE *golden, *pairings;
	if ((err = open_out(g, "golden.csv", &golden)) != IDREG_OK) {
		return err;
	}
	if ((err = open_out(g, "pairings.csv", &pairings)) != IDREG_OK) {
		fclose(golden);
		return err;
	}
	fprintf(golden, "imei\n");
	fprintf(pairings, "imei,imsi\n");
	for (unsigned k = 0; k < 5; k++) {
		const struct actor *a = &g->actors[below(&g->rng, g->o->subscribers)];
		fprintf(k < 3 ? golden : pairings, k < 3 ? "%s\n" : "%s,", a->device[0].raw);
		if (k >= 3) {
			fprintf(pairings, "%s\n", a->imsi);
		}
	}
	err = close_out(g, "golden.csv", golden);
	idreg_err err2 = close_out(g, "pairings.csv", pairings);
	return err != IDREG_OK ? err : err2;
}

static idreg_err generate(struct gen *g)
{
	idreg_err err = write_tacs(g);
	FILE *stolen = NULL;
	if (err == IDREG_OK) {
		err = open_out(g, "registered.csv", &g->registered);
	}
	if (err == IDREG_OK) {
		fprintf(g->registered, "imei\n");
		err = open_out(g, "ground_truth.csv", &g->truth);
	}
	if (err == IDREG_OK) {
		fprintf(g->truth, "imei,anomaly,operator,date\n");
		err = open_out(g, "stolen.csv", &stolen);
	}
	if (err != IDREG_OK) {
		if (g->truth != NULL) {
			fclose(g->truth);
		}
		if (g->registered != NULL) {
			fclose(g->registered);
		}
		return err;
	}
	fprintf(stolen, "imei,reported_date\n");
	struct actor *a;
	for (unsigned op = 0; op < g->o->operators && err == IDREG_OK; op++) {
		for (unsigned s = 0; s < g->o->subscribers && err == IDREG_OK; s++) {
			err = add_actor(g, op, false, &a);
		}
		for (unsigned s = 0; s < g->o->subscribers / 50 && err == IDREG_OK; s++) {
			err = add_actor(g, op, true, &a);
		}
		if (err == IDREG_OK) {
			err = plant_anomalies(g, op, stolen);
		}
	}
	idreg_err closing = close_out(g, "stolen.csv", stolen);
	err = err != IDREG_OK ? err : closing;
	closing = close_out(g, "registered.csv", g->registered);
	g->registered = NULL;
	err = err != IDREG_OK ? err : closing;
	if (err == IDREG_OK) {
		err = write_lists(g);
	}
	unsigned first_day = 0;
	for (unsigned month = 0; month < g->o->months && err == IDREG_OK; month++) {
		for (unsigned op = 0; op < g->o->operators && err == IDREG_OK; op++) {
			err = write_month(g, op, month, first_day);
		}
		first_day += days_in_month(IDREG_EIR_SAMPLE_START_YEAR + month / 12, month % 12 + 1);
	}
	closing = close_out(g, "ground_truth.csv", g->truth);
	return err != IDREG_OK ? err : closing;
}

idreg_err idreg_eir_sample_write(const struct idreg_eir_sample_options *opts,
				 struct idreg_diag *diag)
{
	if (opts->operators < 1 || opts->operators > 9 || opts->months < 1 || opts->months > 24 ||
	    opts->subscribers < 50 || opts->subscribers > 1000000) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "sample: operators 1..9, months 1..24, subscribers 50..1000000");
	}
	if (strlen(opts->home_mcc) != 3 || strlen(opts->home_cc) < 1 || strlen(opts->home_cc) > 3) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "sample: the home MCC has 3 digits, the country code 1 to 3");
	}
	if (mkdir(opts->out_dir, 0777) != 0 && errno != EEXIST) {
		return idreg_diag_set(diag, IDREG_EIO, "%s: %s", opts->out_dir, strerror(errno));
	}
	struct gen g = { .o = opts, .rng = { opts->seed }, .diag = diag };
	for (unsigned month = 0; month < opts->months; month++) {
		g.total_days += days_in_month(IDREG_EIR_SAMPLE_START_YEAR + month / 12, month % 12 + 1);
	}
	idreg_err err = generate(&g);
	free(g.actors);
	return err;
}
