/*
 * Inside lib/stats: the held records reduced to entries, and a view -- the
 * figures of one grouping computed from them -- shared by the CSV/JSON
 * writer (stats.c) and the HTML report (report_html.c), so that both show
 * the same numbers from the one computation.
 */
#ifndef IDREG_STATS_STATS_INT_H
#define IDREG_STATS_STATS_INT_H

#include "core/arena.h"
#include "core/strmap.h"
#include "stats/equity.h"
#include "stats/stats.h"

enum { RES_IPV4, RES_IPV6, RES_ASN, RES_COUNT };
extern const char *const idreg_stats_res_names[RES_COUNT];
/* The development groups of --by group, in the order of their groups. */
extern const char *const idreg_stats_dev_groups[4];

#define NOT_ECONOMIES "(not an economy)"
#define NO_REGION "(none)"

/* One held record, reduced to what the figures need. */
struct entry {
	idreg_u128 amount;  /* addresses, or AS numbers */
	uint32_t holder;    /* 1 + index of (registry, opaque id); 0 when the record has none */
	uint16_t slot;      /* economy slot: the economies, then the codes that are none */
	uint8_t registry;
	uint8_t res;
	int16_t year;       /* 0 when undated */
};

/* Where held records came from: a file, or a registry's records in the store. */
struct file_note {
	const char *path, *registry, *serial; /* path and serial "" for the store */
	size_t held, not_held;
};

struct idreg_stats {
	const struct idreg_economies *econ;
	struct idreg_arena arena;
	struct entry *entries;
	size_t count, capacity;
	const char *registries[IDREG_STATS_MAX_REGISTRIES];
	size_t registry_count;
	const char *unknown[IDREG_STATS_MAX_UNKNOWN_CODES];
	size_t unknown_count;
	struct idreg_strmap holders;
	size_t holder_count;
	struct file_note *files;
	size_t file_count, file_capacity;
};

struct amounts {
	uint64_t records, undated;
	idreg_u128 res[RES_COUNT];
};

struct group {
	const char *key;
	const struct idreg_economy *economy; /* --by economy */
	bool not_economies;                  /* the codes that are no economy */
	struct amounts total, covered;       /* covered: of economies whose population is known */
	double population;                   /* NAN when not meaningful */
	size_t economies, economies_v6;
	size_t holders, holders_v6;
	bool has_holders;
	double hhi[RES_COUNT];               /* --by economy; NAN when no holder ids */
};

/* The figures of one request, computed from the entries. */
struct idreg_stats_view {
	const struct idreg_stats *s;
	const struct idreg_stats_request *req;
	int year;
	size_t slots;                /* economies + unknown codes */
	struct group *groups;
	size_t group_count;          /* the last is the world */
	const char **names;          /* region/sub-region names, --by region|subregion */
	size_t name_count;
	const char **regions;        /* region names, for the Theil split */
	size_t region_count;
	int *slot_region;            /* per known slot: index in regions */
	struct amounts *slot_total;  /* per slot */
	uint8_t *member;             /* [group][slot]: 1 member, 2 with IPv6 */
	int first_year, last_year;   /* of dated entries; first_year 0 when none */
	struct amounts *by_year;     /* [group][year - first_year], new that year */
	int16_t *first_v6_year;      /* [group][slot] */
	struct idreg_arena *arena;
};

/** Compute the figures of @v (s, req, year and arena set by the caller). */
idreg_err idreg_stats_view_compute(struct idreg_stats_view *v);

/** Economies of group @g whose first dated IPv6 record is in @year or before. */
size_t idreg_stats_economies_with_v6(const struct idreg_stats_view *v, size_t g, int year);

/** Inequality of @res across the economies, raw (weight 1) or per capita. */
idreg_err idreg_stats_measure(const struct idreg_stats_view *v, int res, bool per_capita,
			      struct idreg_equity *out);

/** What the held records of unknown code @code from registry @registry amount to. */
void idreg_stats_unknown_amounts(const struct idreg_stats *s, size_t code, size_t registry,
				 struct amounts *out);

/** IPv6 addresses in units of a /@len. */
double idreg_stats_ipv6_units(idreg_u128 addresses, int len);

/** @a / @b, NAN when @b is not positive. */
double idreg_stats_ratio(double a, double b);

#endif
