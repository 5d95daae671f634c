/*
 * The economies the statistics are about: ISO 3166-1 codes, UN M49 region
 * and sub-region, the LDC / LLDC / SIDS flags and names in English and
 * Chinese (country-codes.csv), and population by year (population.csv,
 * keyed by alpha-3).  Both files are read with the bounded CSV reader and
 * their columns found by name in the header row.
 */
#ifndef IDREG_STATS_ECONOMIES_H
#define IDREG_STATS_ECONOMIES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/error.h"

/* Years population.csv may hold; rows outside are an error. */
#define IDREG_ECONOMY_FIRST_YEAR 1900
#define IDREG_ECONOMY_LAST_YEAR 2200
#define IDREG_ECONOMIES_MAX 1024           /* rows of country-codes.csv */
#define IDREG_ECONOMY_FILE_MAX (64u << 20) /* bytes of either file */

struct idreg_economy {
	char alpha2[3], alpha3[4];
	const char *name_en, *name_zh;
	const char *region, *subregion; /* M49 names; "" when the file gives none */
	bool ldc, lldc, sids;
	double *population;             /* by year - IDREG_ECONOMY_FIRST_YEAR; < 0 where unknown */
};

struct idreg_economies {
	struct idreg_economy *items;
	size_t count;
	int last_year;                  /* latest of population.csv; 0 when it had no row */
	short by_alpha2[26 * 26];       /* index into items, -1 when none */
};

/**
 * Read both files.  Population rows whose code is no economy (the World
 * Bank's aggregates) are left out.  A malformed file, a missing column or a
 * bad value fails with "PATH: line N: reason" in @diag.
 */
idreg_err idreg_economies_load(const char *codes_path, const char *population_path,
			       struct idreg_arena *arena, struct idreg_economies *out,
			       struct idreg_diag *diag);

/** The economy with ISO 3166-1 alpha-2 code @cc (upper case), or NULL. */
const struct idreg_economy *idreg_economy_find(const struct idreg_economies *e, const char *cc);

/** Population of @e in @year, or a negative value when unknown. */
double idreg_economy_population(const struct idreg_economy *e, int year);

#endif
