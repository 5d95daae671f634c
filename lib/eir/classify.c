/*
 * The classification of the equipment identity register; see classify.h
 * and docs/eir-classification.md.  The segments of observations (one per
 * operator and month, each by IMEI and IMSI; eir/segment.h) are read once
 * into one array of integer rows; a heap merges these runs an IMEI at a
 * time, its rows by IMSI and month, so that every condition is decided in
 * one pass over each IMEI's rows.  The TAC database and the lists are
 * sorted arrays looked up by bisection.  What the run found is then set
 * against the current classification rows, and the differences are
 * written in one transaction.
 */
#include "eir/classify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/arena.h"
#include "core/array.h"
#include "core/strmap.h"
#include "eir/imei.h"
#include "eir/segment.h"

_Static_assert(IDREG_EIR_CONDITION_COUNT == IDREG_CONFIG_EIR_CONDITIONS,
	       "[eir] configuration keys for every condition");

#define SERIAL_SPAN 1000000ull   /* an IMEI is TAC * SERIAL_SPAN + serial */
#define SMALL_GROUP 24           /* groups sorted by insertion below this */
#define HUGE_PAGE ((size_t)2 << 20) /* the rows' alignment, for transparent huge pages */

static const char *const condition_names[] = {
#define IDREG__EIR_CONDITION_NAME(name, text) text,
	IDREG_EIR_CONDITION_LIST(IDREG__EIR_CONDITION_NAME)
#undef IDREG__EIR_CONDITION_NAME
};

const char *idreg_eir_condition_name(enum idreg_eir_condition cond)
{
	return (unsigned)cond < IDREG_EIR_CONDITION_COUNT ? condition_names[cond] : "unknown";
}

/* ---- options ---- */

/* Read "RB:DAYS[,RB:DAYS...]" (RB two digits or '*') into @lag. */
static idreg_err parse_tac_lag(const char *text, long lag[100], struct idreg_diag *diag)
{
	const char *p = text;
	while (*p != '\0') {
		while (*p == ' ' || *p == ',') {
			p++;
		}
		if (*p == '\0') {
			break;
		}
		int body = -1;
		if (p[0] == '*') {
			p++;
		} else if (p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9') {
			body = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		} else {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "eir.unknown_tac_lag: '%s': an item is RB:DAYS, RB two "
					      "digits or *", text);
		}
		char *end;
		long days = *p == ':' ? strtol(p + 1, &end, 10) : -1;
		if (*p != ':' || end == p + 1 || days < 0 || days > IDREG_EIR_MAX_LAG_DAYS ||
		    (*end != '\0' && *end != ',' && *end != ' ')) {
			return idreg_diag_set(diag, IDREG_ECONFIG,
					      "eir.unknown_tac_lag: '%s': DAYS is 0 to %d after ':'",
					      text, IDREG_EIR_MAX_LAG_DAYS);
		}
		for (int b = 0; b < 100; b++) {
			if (b == body || body < 0) {
				lag[b] = days;
			}
		}
		p = end;
	}
	return IDREG_OK;
}

idreg_err idreg_eir_classify_options_from_config(const struct idreg_config *cfg, const char *date,
						 struct idreg_eir_classify_options *out,
						 struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	out->date = date;
	for (int c = 0; c < IDREG_EIR_CONDITION_COUNT; c++) {
		const struct idreg_config_eir_condition *k = &cfg->eir_condition[c];
		out->rule[c] = (struct idreg_eir_condition_rule){
			.enabled = strcmp(k->mode, "off") != 0,
			.blocking = strcmp(k->mode, "blocking") == 0,
			.sticky = strcmp(k->sticky, "yes") == 0,
			.grace_days = k->grace_days,
			.max_permille = k->max_permille,
		};
	}
	out->duplicate_window_days = cfg->eir_duplicate_window_days;
	out->duplicate_min_imsis = cfg->eir_duplicate_min_imsis;
	out->daily_avg_min_hundredths = cfg->eir_daily_avg_min_hundredths;
	out->daily_avg_min_days = cfg->eir_daily_avg_min_days;
	out->transient_window_days = cfg->eir_transient_window_days;
	out->transient_min_msisdns = cfg->eir_transient_min_msisdns;
	out->exempt_device_types = cfg->eir_exempt_device_types;
	out->home_mccs = cfg->eir_home_mccs;
	return parse_tac_lag(cfg->eir_unknown_tac_lag, out->tac_lag_days, diag);
}

/* An IMEI's 14 digits. */
static void imei_text(uint64_t code, char out[IDREG_IMEI_DIGITS + 1])
{
	for (int i = IDREG_IMEI_DIGITS - 1; i >= 0; i--) {
		out[i] = (char)('0' + code % 10);
		code /= 10;
	}
	out[IDREG_IMEI_DIGITS] = '\0';
}

/* ---- the rows rules run over ---- */

/* The rows rules run over are the segments' rows, as read (eir/segment.h). */
#define row idreg_eir_segment_row

struct tac_entry {
	uint32_t tac;
	uint8_t rats;
	uint8_t exempt;              /* its device type is exempt from not_registered */
};

struct listed {
	uint64_t imei;
	int64_t day;                 /* stolen: reported; else 0 */
};

struct matched {
	uint64_t imei;               /* a code, or for a malformed IMEI its index in malformed[] */
	uint16_t met, current;       /* conditions met now; conditions with a current row */
	bool malformed;
};

struct classify {
	const struct idreg_eir_classify_options *o;
	struct idreg_diag *diag;
	int64_t day;                 /* the run's day number */
	unsigned run_month;
	uint32_t run_month_mask;     /* days up to the run's day in its month */
	unsigned window_month;       /* the month the duplicate window begins in */
	uint32_t window_days[IDREG_EIR_MAX_LAG_DAYS / 28 + 2]; /* its days in each month from it */
	int64_t month_start[IDREG_EIR_MONTHS]; /* day number of each month's first day, -1: not computed */
	struct row *rows;            /* the segments' rows, one run after another */
	size_t n_rows, cap_rows;
	struct run *runs;            /* each segment's rows: sorted by IMEI, then IMSI */
	size_t n_runs, cap_runs;
	struct row *group;           /* one IMEI's rows gathered from several runs */
	size_t cap_group;
	struct segment *segments;    /* the store's segments up to the run's month */
	size_t n_segments, cap_segments;
	struct idreg_strmap malformed_index; /* malformed IMEI text -> index */
	char **malformed;
	size_t n_malformed, cap_malformed;
	struct tac_entry *tacs;
	size_t n_tacs, cap_tacs;
	struct listed *lists[3];     /* stolen, registered, barred TACs */
	size_t n_list[3], cap_list[3];
	struct matched *found;
	size_t n_found, cap_found;
	uint64_t imeis;
	uint64_t *scratch;           /* transient: an IMEI's MSISDNs */
	size_t cap_scratch;
	struct idreg_arena arena;
};

struct segment {
	char *operator_name, *month;
	int64_t size;                /* bytes; -1: stale, to be packed */
	unsigned number;             /* the month's number */
};

struct run {
	size_t at, end;              /* the next row and the end, in rows[] */
};

enum { LIST_STOLEN, LIST_REGISTERED, LIST_BARRED };

static idreg_err out_of_memory(struct classify *c)
{
	return idreg_diag_set(c->diag, IDREG_ENOMEM, "classification: out of memory");
}

static int64_t month_start(struct classify *c, unsigned month)
{
	if (c->month_start[month] < 0) {
		char date[11];
		snprintf(date, sizeof(date), "%04u-%02u-01",
			 (month + IDREG_EIR_MONTH_BASE) / 12 % 10000,
			 (month + IDREG_EIR_MONTH_BASE) % 12 + 1);
		c->month_start[month] = idreg_eir_date_days(date);
	}
	return c->month_start[month];
}

static idreg_err add_malformed(struct classify *c, const char *imei, size_t len)
{
	char *copy = idreg_arena_strndup(&c->arena, imei, len);
	int64_t at;
	if (copy == NULL) {
		return out_of_memory(c);
	}
	if (idreg_strmap_get(&c->malformed_index, copy, &at) == IDREG_OK) {
		return IDREG_OK;
	}
	if (
	    idreg_array_reserve(&c->malformed, &c->cap_malformed, c->n_malformed,
				sizeof(*c->malformed), 64) != IDREG_OK ||
	    idreg_strmap_put(&c->malformed_index, copy, (int64_t)c->n_malformed) != IDREG_OK) {
		return out_of_memory(c);
	}
	c->malformed[c->n_malformed++] = copy;
	return IDREG_OK;
}

/* A segment of the store (its name and size in bytes, -1 stale) to read or pack. */
static idreg_err take_segment(void *ctx, const char *operator_name, const char *month_text,
			      int64_t size)
{
	struct classify *c = ctx;
	int month = idreg_eir_month_number(month_text);
	if (month < 0 || (unsigned)month > c->run_month) {
		return IDREG_OK; /* after the run's day */
	}
	if (idreg_array_reserve(&c->segments, &c->cap_segments, c->n_segments,
				sizeof(*c->segments), 16) != IDREG_OK) {
		return out_of_memory(c);
	}
	struct segment *sg = &c->segments[c->n_segments];
	sg->operator_name = idreg_arena_strndup(&c->arena, operator_name, strlen(operator_name));
	sg->month = idreg_arena_strndup(&c->arena, month_text, strlen(month_text));
	sg->size = size;
	sg->number = (unsigned)month;
	if (sg->operator_name == NULL || sg->month == NULL) {
		return out_of_memory(c);
	}
	c->n_segments++;
	return IDREG_OK;
}

/* Say which segment @err (from lib/eir/segment.c or the store) is about. */
static idreg_err segment_error(struct classify *c, const struct segment *sg, idreg_err err)
{
	char why[sizeof(c->diag->text)];
	snprintf(why, sizeof(why), "%s", c->diag->text);
	return idreg_diag_set(c->diag, err, "%s %s: %s", sg->operator_name, sg->month, why);
}

/* A segment's rows up to the run's day, read straight into rows[] as one run,
 * and its malformed IMEIs seen by then. */
static idreg_err read_segment(struct classify *c, struct idreg_store *store,
			      const struct segment *sg)
{
	unsigned char head[IDREG_EIR_SEGMENT_HEADER] = { 0 };
	uint64_t n_rows = 0, malformed = 0;
	size_t head_size = sg->size < (int64_t)sizeof(head) ? (size_t)sg->size : sizeof(head);
	idreg_err err = store->ops->eir_segment_read(store, sg->operator_name, sg->month, 0, head,
						     head_size, c->diag);
	if (err == IDREG_OK) {
		err = idreg_eir_segment_header(head, (uint64_t)sg->size, &n_rows, &malformed, c->diag);
	}
	if (err == IDREG_OK && c->n_rows + n_rows > c->cap_rows) {
		err = idreg_diag_set(c->diag, IDREG_EPARSE, "more rows than its size holds");
	}
	size_t first = c->n_rows;
	if (err == IDREG_OK) {
		err = store->ops->eir_segment_read(store, sg->operator_name, sg->month,
						   IDREG_EIR_SEGMENT_HEADER, c->rows + first,
						   n_rows * sizeof(*c->rows), c->diag);
	}
	if (err != IDREG_OK) {
		return segment_error(c, sg, err);
	}
	uint32_t mask = sg->number == c->run_month ? c->run_month_mask : UINT32_MAX;
	for (size_t i = first; i < first + n_rows; i++) {
		struct row r = c->rows[i];
		r.days &= mask;
		if (r.days == 0) {
			continue;
		}
		const struct row *prev = c->n_rows > first ? &c->rows[c->n_rows - 1] : NULL;
		if (prev != NULL &&
		    (prev->imei > r.imei || (prev->imei == r.imei && prev->imsi > r.imsi))) {
			return idreg_diag_set(c->diag, IDREG_EPARSE, "%s %s: segment: rows not in "
					      "order of IMEI and IMSI", sg->operator_name, sg->month);
		}
		c->rows[c->n_rows++] = r;
	}
	if (c->n_rows > first) {
		if (idreg_array_reserve(&c->runs, &c->cap_runs, c->n_runs, sizeof(*c->runs), 16) !=
		    IDREG_OK) {
			return out_of_memory(c);
		}
		c->runs[c->n_runs++] = (struct run){ first, c->n_rows };
	}
	if (malformed == 0) {
		return IDREG_OK;
	}
	struct idreg_eir_segment_view view = { .malformed = malloc(malformed),
					       .malformed_size = (size_t)malformed };
	if (view.malformed == NULL) {
		return out_of_memory(c);
	}
	err = store->ops->eir_segment_read(store, sg->operator_name, sg->month,
					   (uint64_t)sg->size - malformed, (void *)view.malformed,
					   (size_t)malformed, c->diag);
	if (err == IDREG_OK) {
		err = idreg_eir_segment_check_malformed(view.malformed, view.malformed_size, c->diag);
	}
	if (err != IDREG_OK) {
		err = segment_error(c, sg, err);
	}
	size_t at = 0;
	const char *imei;
	size_t len;
	uint32_t days;
	uint16_t entry_month;
	while (err == IDREG_OK &&
	       idreg_eir_segment_malformed(&view, &at, &imei, &len, &days, &entry_month)) {
		if ((days & mask) != 0) {
			err = add_malformed(c, imei, len);
		}
	}
	free((void *)view.malformed);
	return err;
}

/* Room for every row of the segments listed, asking for huge pages (fewer faults). */
static idreg_err reserve_rows(struct classify *c)
{
	size_t rows = 0;
	for (size_t i = 0; i < c->n_segments; i++) {
		if (c->segments[i].size > IDREG_EIR_SEGMENT_HEADER) {
			rows += ((size_t)c->segments[i].size - IDREG_EIR_SEGMENT_HEADER) /
				sizeof(struct row);
		}
	}
	size_t bytes = (rows * sizeof(struct row) + HUGE_PAGE - 1) / HUGE_PAGE * HUGE_PAGE;
	void *p = NULL;
	if (rows > 0 && posix_memalign(&p, HUGE_PAGE, bytes) != 0) {
		return out_of_memory(c);
	}
	if (p != NULL) {
		madvise(p, bytes, MADV_HUGEPAGE); /* advice: without it, ordinary pages */
	}
	free(c->rows);
	c->rows = p;
	c->cap_rows = rows;
	return IDREG_OK;
}

static idreg_err read_segments(struct classify *c, struct idreg_store *store)
{
	idreg_err err = reserve_rows(c);
	for (size_t i = 0; i < c->n_segments && err == IDREG_OK; i++) {
		err = read_segment(c, store, &c->segments[i]);
	}
	return err;
}

/* Is @type one of the comma-separated @list? */
static bool type_listed(const char *type, const char *list)
{
	size_t len = strlen(type);
	for (const char *p = list; *p != '\0';) {
		while (*p == ',' || *p == ' ') {
			p++;
		}
		size_t n = strcspn(p, ",");
		while (n > 0 && p[n - 1] == ' ') {
			n--;
		}
		if (n > 0 && n == len && strncmp(p, type, n) == 0) {
			return true;
		}
		p += strcspn(p, ",");
	}
	return false;
}

static idreg_err take_tac(void *ctx, const struct idreg_eir_tac *t)
{
	struct classify *c = ctx;
	if (idreg_array_reserve(&c->tacs, &c->cap_tacs, c->n_tacs, sizeof(*c->tacs), 1024) !=
	    IDREG_OK) {
		return out_of_memory(c);
	}
	c->tacs[c->n_tacs++] = (struct tac_entry){
		.tac = (uint32_t)strtoul(t->tac, NULL, 10),
		.rats = (uint8_t)t->rats,
		.exempt = type_listed(t->device_type, c->o->exempt_device_types),
	};
	return IDREG_OK;
}

struct list_reader {
	struct classify *c;
	int which;
};

static idreg_err take_list_entry(void *ctx, const struct idreg_eir_list_entry *e)
{
	struct list_reader *lr = ctx;
	struct classify *c = lr->c;
	struct listed item = { 0, 0 };
	if (lr->which == LIST_BARRED) {
		item.imei = strtoull(e->item, NULL, 10);
	} else if (!idreg_eir_imei_code(e->item, &item.imei)) {
		return IDREG_OK; /* the import keeps only normalized IMEIs */
	}
	if (lr->which == LIST_STOLEN) {
		item.day = idreg_eir_date_days(e->date);
	}
	if (idreg_array_reserve(&c->lists[lr->which], &c->cap_list[lr->which], c->n_list[lr->which],
				sizeof(struct listed), 256) != IDREG_OK) {
		return out_of_memory(c);
	}
	c->lists[lr->which][c->n_list[lr->which]++] = item;
	return IDREG_OK;
}

/* qsort and bsearch, which may not be given a NULL array even when it is empty. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1) {
		qsort(base, n, size, cmp);
	}
}

static void *find(const void *key, const void *base, size_t n, size_t size,
		  int (*cmp)(const void *, const void *))
{
	return n > 0 ? bsearch(key, base, n, size, cmp) : NULL;
}

static int cmp_listed(const void *a, const void *b)
{
	uint64_t x = ((const struct listed *)a)->imei, y = ((const struct listed *)b)->imei;
	return (x > y) - (x < y);
}

static int cmp_tac(const void *a, const void *b)
{
	uint32_t x = ((const struct tac_entry *)a)->tac, y = ((const struct tac_entry *)b)->tac;
	return (x > y) - (x < y);
}

static const struct listed *list_find(const struct classify *c, int which, uint64_t key)
{
	struct listed probe = { key, 0 };
	return find(&probe, c->lists[which], c->n_list[which], sizeof(probe), cmp_listed);
}

static const struct tac_entry *tac_find(const struct classify *c, uint32_t tac)
{
	struct tac_entry probe = { tac, 0, 0 };
	return find(&probe, c->tacs, c->n_tacs, sizeof(probe), cmp_tac);
}

static idreg_err load(struct classify *c, struct idreg_store *store)
{
	static const char *const list_names[] = { "stolen", "registered", "barred_tacs" };
	idreg_err err = store->ops->eir_segment_each(store, take_segment, c, c->diag);
	bool stale = false;
	for (size_t i = 0; i < c->n_segments && err == IDREG_OK; i++) {
		stale |= c->segments[i].size < 0;
	}
	if (err == IDREG_OK && stale) {
		/* Observations imported before segments were kept: pack them once, then
		 * list them again. */
		err = store->ops->begin(store, c->diag);
		for (size_t i = 0; i < c->n_segments && err == IDREG_OK; i++) {
			if (c->segments[i].size < 0) {
				err = idreg_eir_segment_build(store, c->segments[i].operator_name,
							      c->segments[i].month, c->diag);
			}
		}
		if (err == IDREG_OK) {
			err = store->ops->commit(store, c->diag);
		} else {
			store->ops->rollback(store);
		}
		c->n_segments = 0;
		if (err == IDREG_OK) {
			err = store->ops->eir_segment_each(store, take_segment, c, c->diag);
		}
	}
	if (err == IDREG_OK) {
		err = read_segments(c, store);
	}
	if (err == IDREG_OK) {
		err = store->ops->eir_tac_each(store, take_tac, c, c->diag);
	}
	for (int l = 0; l < 3 && err == IDREG_OK; l++) {
		struct list_reader lr = { c, l };
		err = store->ops->eir_list_each(store, list_names[l], take_list_entry, &lr, c->diag);
		sort(c->lists[l], c->n_list[l], sizeof(struct listed), cmp_listed);
	}
	sort(c->tacs, c->n_tacs, sizeof(*c->tacs), cmp_tac);
	return err;
}

/* ---- merging the runs: one IMEI's rows at a time, by IMSI and month ---- */

static bool row_before(const struct row *a, const struct row *b)
{
	return a->imsi != b->imsi ? a->imsi < b->imsi : a->month < b->month;
}

static int cmp_row(const void *a, const void *b)
{
	return row_before(a, b) ? -1 : row_before(b, a) ? 1 : 0;
}

/* A binary heap of run numbers in runs[], the run whose next IMEI is lowest on top. */
struct heap {
	size_t *item;
	size_t n;
};

static uint64_t head(const struct classify *c, size_t run)
{
	return c->rows[c->runs[run].at].imei;
}

static void sift_down(const struct classify *c, struct heap *h, size_t i)
{
	for (;;) {
		size_t low = i, l = 2 * i + 1, r = l + 1;
		if (l < h->n && head(c, h->item[l]) < head(c, h->item[low])) {
			low = l;
		}
		if (r < h->n && head(c, h->item[r]) < head(c, h->item[low])) {
			low = r;
		}
		if (low == i) {
			return;
		}
		size_t t = h->item[i];
		h->item[i] = h->item[low];
		h->item[low] = t;
		i = low;
	}
}

/* Gather the rows of the lowest IMEI left from every run into @out (c->group or a
 * slice of rows[] when one run has them all), sorted by IMSI and month. */
static idreg_err next_imei(struct classify *c, struct heap *h, const struct row **out, size_t *n)
{
	uint64_t imei = head(c, h->item[0]);
	size_t count = 0;
	const struct row *only = NULL;
	while (h->n > 0 && head(c, h->item[0]) == imei) {
		struct run *r = &c->runs[h->item[0]];
		size_t from = r->at;
		while (r->at < r->end && c->rows[r->at].imei == imei) {
			r->at++;
		}
		size_t k = r->at - from;
		if (count == 0) {
			only = c->rows + from;
		} else {
			if (only != NULL) { /* a second run: gather into the group */
				if (count + k > c->cap_group) {
					free(c->group);
					c->cap_group = 2 * (count + k);
					if ((c->group = malloc(c->cap_group * sizeof(*c->group))) == NULL) {
						c->cap_group = 0;
						return out_of_memory(c);
					}
				}
				memcpy(c->group, only, count * sizeof(*c->group));
				only = NULL;
			}
			if (count + k > c->cap_group) {
				struct row *grown = realloc(c->group, 2 * (count + k) * sizeof(*grown));
				if (grown == NULL) {
					return out_of_memory(c);
				}
				c->group = grown;
				c->cap_group = 2 * (count + k);
			}
			memcpy(c->group + count, c->rows + from, k * sizeof(*c->group));
		}
		count += k;
		if (r->at == r->end) {
			h->item[0] = h->item[--h->n];
		}
		sift_down(c, h, 0);
	}
	*n = count;
	if (only != NULL) {
		*out = only; /* one run's rows: already by IMSI, one month */
		return IDREG_OK;
	}
	struct row *g = c->group;
	if (count < SMALL_GROUP) {
		for (size_t k = 1; k < count; k++) {
			struct row r = g[k];
			size_t m = k;
			while (m > 0 && row_before(&r, &g[m - 1])) {
				g[m] = g[m - 1];
				m--;
			}
			g[m] = r;
		}
	} else {
		qsort(g, count, sizeof(*g), cmp_row);
	}
	*out = g;
	return IDREG_OK;
}

/* ---- the rules, over one IMEI's rows ---- */

/* The days of @month from day number @from on, as a day mask. */
static uint32_t days_from(struct classify *c, unsigned month, int64_t from)
{
	int64_t first = month_start(c, month);
	if (from <= first) {
		return UINT32_MAX;
	}
	int64_t skip = from - first;
	return skip >= 32 ? 0 : UINT32_MAX << skip;
}

/* Days in a day mask (a population count without relying on the CPU's). */
static uint64_t day_count(uint32_t days)
{
	days = days - ((days >> 1) & 0x55555555u);
	days = (days & 0x33333333u) + ((days >> 2) & 0x33333333u);
	return (((days + (days >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

static int lowest_day(uint32_t days)
{
	return __builtin_ctz(days);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/*
 * Transient: MSISDNs first seen with the IMEI within the window, at least
 * transient_min_msisdns of them consecutive (by value) with one difference.
 */
static idreg_err transient(struct classify *c, const struct row *g, size_t n, bool *met)
{
	*met = false;
	size_t need = (size_t)c->o->transient_min_msisdns;
	if (n < need) {
		return IDREG_OK;
	}
	if (n * 2 > c->cap_scratch) {
		free(c->scratch);
		c->cap_scratch = n * 2;
		if ((c->scratch = malloc(c->cap_scratch * sizeof(uint64_t))) == NULL) {
			c->cap_scratch = 0;
			return out_of_memory(c);
		}
	}
	/* Pairs (MSISDN, first day seen), sorted by MSISDN then day: the first of each
	 * MSISDN is its first day with this IMEI. */
	int64_t window = c->day - c->o->transient_window_days + 1;
	uint64_t *pairs = c->scratch;
	for (size_t i = 0; i < n; i++) {
		pairs[2 * i] = g[i].msisdn;
		pairs[2 * i + 1] = (uint64_t)(month_start(c, g[i].month) + lowest_day(g[i].days));
	}
	qsort(pairs, n, 2 * sizeof(uint64_t), cmp_u64); /* by MSISDN (the day breaks no tie) */
	size_t kept = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		uint64_t first = pairs[2 * i + 1];
		while (j < n && pairs[2 * j] == pairs[2 * i]) {
			first = pairs[2 * j + 1] < first ? pairs[2 * j + 1] : first;
			j++;
		}
		char digits[18];
		if ((int64_t)first >= window && idreg_eir_code_digits(pairs[2 * i], digits)) {
			pairs[kept++] = pairs[2 * i]; /* codes of one length differ as their values */
		}
		i = j;
	}
	sort(pairs, kept, sizeof(uint64_t), cmp_u64);
	size_t run = 1;
	for (size_t i = 1; i < kept && run < need; i++) {
		run = i >= 2 && pairs[i] - pairs[i - 1] == pairs[i - 1] - pairs[i - 2] ? run + 1 : 2;
	}
	*met = kept >= need && run >= need;
	return IDREG_OK;
}

static idreg_err add_found(struct classify *c, uint64_t imei, bool malformed, uint16_t met)
{
	if (idreg_array_reserve(&c->found, &c->cap_found, c->n_found, sizeof(*c->found), 1024) !=
	    IDREG_OK) {
		return out_of_memory(c);
	}
	c->found[c->n_found++] = (struct matched){ imei, met, 0, malformed };
	return IDREG_OK;
}

#define BIT(cond) ((uint16_t)(1u << IDREG_EIR_COND_##cond))

/* Was the IMEI seen with an IMSI of a home MCC (not only roaming)? */
static bool seen_at_home(const struct classify *c, const struct row *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char digits[18];
		if ((i == 0 || g[i].imsi != g[i - 1].imsi) && idreg_eir_code_digits(g[i].imsi, digits) &&
		    idreg_digits_start_listed(digits, c->o->home_mccs)) {
			return true;
		}
	}
	return false;
}

static idreg_err weigh_imei(struct classify *c, const struct row *g, size_t n)
{
	const struct idreg_eir_classify_options *o = c->o;
	uint64_t imei = g[0].imei;
	uint32_t tac = (uint32_t)(imei / SERIAL_SPAN);
	int64_t first_seen = INT64_MAX;
	unsigned rats = 0;
	/* Windowed counts: IMSIs within the duplicate window and, for the daily
	 * average, the sum over its days of the IMSIs seen that day and the days
	 * seen (per month of the window). */
	bool average = o->rule[IDREG_EIR_COND_DUPLICATE_DAILY_AVG].enabled;
	unsigned window_month = c->window_month;
	uint32_t seen[IDREG_EIR_MAX_LAG_DAYS / 28 + 2];
	memset(seen, 0, (c->run_month - window_month + 1) * sizeof(seen[0]));
	uint64_t imsis = 0, imsi_days = 0;
	bool have = false;           /* an (IMSI, month) within the window so far */
	uint64_t cur_imsi = 0;
	unsigned cur_month = 0;
	uint32_t cur_mask = 0;
	for (size_t i = 0; i < n; i++) {
		const struct row *r = &g[i];
		int64_t seen_first = month_start(c, r->month) + lowest_day(r->days);
		first_seen = seen_first < first_seen ? seen_first : first_seen;
		rats |= r->rats;
		uint32_t in_window = r->month < window_month
					     ? 0 : r->days & c->window_days[r->month - window_month];
		if (in_window == 0) {
			continue;
		}
		if (!have || r->imsi != cur_imsi) {
			imsis++;
		}
		if (average && (!have || r->imsi != cur_imsi || r->month != cur_month)) {
			imsi_days += day_count(cur_mask);
			cur_mask = 0;
		}
		have = true;
		cur_imsi = r->imsi;
		cur_month = r->month;
		cur_mask |= in_window;
		seen[r->month - window_month] |= in_window;
	}
	uint64_t days_seen = 0;
	if (average) {
		imsi_days += day_count(cur_mask);
		for (unsigned m = 0; m + window_month <= c->run_month; m++) {
			days_seen += day_count(seen[m]);
		}
	}
	uint16_t met = 0;
	bool test = idreg_tac_is_test(tac);
	const struct tac_entry *model = tac_find(c, tac);
	if (test) {
		met |= BIT(TEST_IMEI);
	} else if (model == NULL && c->day - first_seen >= o->tac_lag_days[tac / 1000000]) {
		met |= BIT(UNKNOWN_TAC);
	}
	if (list_find(c, LIST_BARRED, tac) != NULL) {
		met |= BIT(BARRED_TAC);
	}
	if (imsis >= (uint64_t)o->duplicate_min_imsis) {
		met |= BIT(DUPLICATE);
	}
	if (days_seen >= (uint64_t)o->daily_avg_min_days &&
	    imsi_days * 100 >= (uint64_t)o->daily_avg_min_hundredths * days_seen) {
		met |= BIT(DUPLICATE_DAILY_AVG);
	}
	const struct listed *stolen = list_find(c, LIST_STOLEN, imei);
	if (stolen != NULL && stolen->day >= 0 && stolen->day <= c->day) {
		met |= BIT(STOLEN);
	}
	if (o->rule[IDREG_EIR_COND_NOT_REGISTERED].enabled &&
	    list_find(c, LIST_REGISTERED, imei) == NULL && (model == NULL || !model->exempt) &&
	    seen_at_home(c, g, n)) {
		met |= BIT(NOT_REGISTERED);
	}
	if (model != NULL && (rats & ~model->rats) != 0) {
		met |= BIT(RAT_UNSUPPORTED);
	}
	if (o->rule[IDREG_EIR_COND_TRANSIENT].enabled) {
		bool is_transient;
		idreg_err err = transient(c, g, n, &is_transient);
		if (err != IDREG_OK) {
			return err;
		}
		met |= is_transient ? BIT(TRANSIENT) : 0;
	}
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		if (!o->rule[k].enabled) {
			met &= (uint16_t)~(1u << k);
		}
	}
	return met != 0 ? add_found(c, imei, false, met) : IDREG_OK;
}

static idreg_err weigh(struct classify *c)
{
	struct heap h = { calloc(c->n_runs + 1, sizeof(size_t)), c->n_runs };
	if (h.item == NULL) {
		return out_of_memory(c);
	}
	for (size_t r = 0; r < c->n_runs; r++) {
		h.item[r] = r;
	}
	for (size_t i = h.n / 2 + 1; i-- > 0;) {
		sift_down(c, &h, i);
	}
	idreg_err err = IDREG_OK;
	while (h.n > 0 && err == IDREG_OK) {
		const struct row *g = NULL;
		size_t n = 0;
		if ((err = next_imei(c, &h, &g, &n)) == IDREG_OK) {
			c->imeis++;
			err = weigh_imei(c, g, n);
		}
	}
	free(h.item);
	uint16_t malformed = c->o->rule[IDREG_EIR_COND_MALFORMED].enabled ? BIT(MALFORMED) : 0;
	for (size_t m = 0; m < c->n_malformed && err == IDREG_OK; m++) {
		c->imeis++;
		if (malformed != 0) {
			err = add_found(c, m, true, malformed);
		}
	}
	return err;
}

/* ---- against what the store holds ---- */

static int cmp_found(const void *a, const void *b)
{
	const struct matched *x = a, *y = b;
	if (x->malformed != y->malformed) {
		return x->malformed ? 1 : -1;
	}
	return (x->imei > y->imei) - (x->imei < y->imei);
}

struct ending {
	const char *imei, *condition, *start_date, *block_date;
	bool blocking;
};

struct current_reader {
	struct classify *c;
	struct ending *ends;
	size_t n_ends, cap_ends;
};

static int condition_number(const char *name)
{
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		if (strcmp(name, condition_names[k]) == 0) {
			return k;
		}
	}
	return -1;
}

static struct matched *found_find(struct classify *c, const char *imei)
{
	struct matched probe = { 0, 0, 0, false };
	int64_t at;
	if (!idreg_eir_imei_code(imei, &probe.imei)) {
		if (idreg_strmap_get(&c->malformed_index, imei, &at) != IDREG_OK) {
			return NULL;
		}
		probe.imei = (uint64_t)at;
		probe.malformed = true;
	}
	return find(&probe, c->found, c->n_found, sizeof(probe), cmp_found);
}

static idreg_err take_current(void *ctx, const struct idreg_eir_class *row)
{
	struct current_reader *cr = ctx;
	struct classify *c = cr->c;
	int k = condition_number(row->condition);
	struct matched *m = found_find(c, row->imei);
	if (k >= 0 && m != NULL && (m->met & (1u << k))) {
		m->current |= (uint16_t)(1u << k);
		return IDREG_OK;
	}
	if (k >= 0 && c->o->rule[k].sticky) {
		return IDREG_OK;
	}
	if (idreg_array_reserve(&cr->ends, &cr->cap_ends, cr->n_ends, sizeof(*cr->ends), 256) !=
	    IDREG_OK) {
		return out_of_memory(c);
	}
	struct ending *e = &cr->ends[cr->n_ends];
	e->imei = idreg_arena_strndup(&c->arena, row->imei, strlen(row->imei));
	e->condition = idreg_arena_strndup(&c->arena, row->condition, strlen(row->condition));
	e->start_date = idreg_arena_strndup(&c->arena, row->start_date, strlen(row->start_date));
	e->block_date = idreg_arena_strndup(&c->arena, row->block_date, strlen(row->block_date));
	e->blocking = row->blocking;
	if (e->imei == NULL || e->condition == NULL || e->start_date == NULL ||
	    e->block_date == NULL) {
		return out_of_memory(c);
	}
	cr->n_ends++;
	return IDREG_OK;
}

/* The configuration a run used, as the text its record keeps. */
static void describe(const struct idreg_eir_classify_options *o, char *out, size_t size)
{
	size_t len = 0;
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT && len < size; k++) {
		const struct idreg_eir_condition_rule *r = &o->rule[k];
		len += (size_t)snprintf(out + len, size - len, "%s%s=%s", len ? " " : "",
					condition_names[k],
					!r->enabled ? "off" : r->blocking ? "blocking" : "informative");
		if (r->enabled && len < size) {
			len += (size_t)snprintf(out + len, size - len, ",grace=%ld,%s,cap=%ld",
						r->grace_days, r->sticky ? "sticky" : "not-sticky",
						r->max_permille);
		}
	}
	if (len < size) {
		snprintf(out + len, size - len,
			 " duplicate_window_days=%ld duplicate_min_imsis=%ld "
			 "duplicate_daily_avg_min_hundredths=%ld duplicate_daily_avg_min_days=%ld "
			 "transient_window_days=%ld transient_min_msisdns=%ld",
			 o->duplicate_window_days, o->duplicate_min_imsis, o->daily_avg_min_hundredths,
			 o->daily_avg_min_days, o->transient_window_days, o->transient_min_msisdns);
	}
}

static idreg_err check_caps(struct classify *c, struct idreg_eir_classify_report *rep)
{
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		uint64_t met = rep->met[k];
		long cap = c->o->rule[k].max_permille;
		if (met > 0 && met * 1000 > (uint64_t)cap * c->imeis) {
			return idreg_diag_set(c->diag, IDREG_ETOOBIG,
					      "classification refused: %s would match %.1f%% of the "
					      "%llu IMEIs classified (%llu), more than its cap of "
					      "%.1f%% (eir.%s_max_permille = %ld); nothing written",
					      condition_names[k],
					      100.0 * (double)met / (double)c->imeis,
					      (unsigned long long)c->imeis, (unsigned long long)met,
					      (double)cap / 10.0, condition_names[k], cap);
		}
	}
	return IDREG_OK;
}

static idreg_err latest_run(void *ctx, const struct idreg_eir_class_run *run)
{
	char *latest = ctx;
	if (strcmp(run->run_date, latest) > 0) {
		snprintf(latest, 11, "%s", run->run_date);
	}
	return IDREG_OK;
}

/* Write the run: its record, the periods that end and those that begin. */
static idreg_err record(struct classify *c, struct idreg_store *store,
			const struct current_reader *cr, const char *started_at,
			struct idreg_eir_classify_report *rep)
{
	const struct idreg_eir_classify_options *o = c->o;
	char conditions[2048], finished_at[32];
	describe(o, conditions, sizeof(conditions));
	idreg_store_now(finished_at, sizeof(finished_at));
	struct idreg_eir_class_run run = { .run_date = o->date, .started_at = started_at,
					   .finished_at = finished_at, .conditions = conditions,
					   .imeis = rep->imeis, .matched = rep->matched };
	idreg_err err = store->ops->eir_class_run_add(store, &run, &rep->run_id, c->diag);
	for (size_t i = 0; i < cr->n_ends && err == IDREG_OK; i++) {
		const struct ending *e = &cr->ends[i];
		struct idreg_eir_class row = { e->imei, e->condition, e->start_date, o->date,
					       e->block_date, e->blocking, rep->run_id };
		err = store->ops->eir_class_put(store, &row, 1, c->diag);
		int k = condition_number(e->condition);
		if (k >= 0) {
			rep->ended[k]++;
		}
	}
	char block[IDREG_EIR_CONDITION_COUNT][11];
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		idreg_eir_date_text(c->day + o->rule[k].grace_days, block[k]);
	}
	for (size_t i = 0; i < c->n_found && err == IDREG_OK; i++) {
		const struct matched *m = &c->found[i];
		uint16_t begin = (uint16_t)(m->met & ~m->current);
		char text[IDREG_IMEI_DIGITS + 1];
		if (!m->malformed) {
			imei_text(m->imei, text);
		}
		for (int k = 0; k < IDREG_EIR_CONDITION_COUNT && err == IDREG_OK; k++) {
			if (!(begin & (1u << k))) {
				continue;
			}
			bool blocking = o->rule[k].blocking;
			struct idreg_eir_class row = { m->malformed ? c->malformed[m->imei] : text,
						       condition_names[k], o->date, "",
						       blocking ? block[k] : "", blocking,
						       rep->run_id };
			err = store->ops->eir_class_put(store, &row, 1, c->diag);
			rep->started[k]++;
		}
	}
	return err;
}

static idreg_err run(struct classify *c, struct idreg_store *store,
		     struct idreg_eir_classify_report *rep)
{
	const struct idreg_eir_classify_options *o = c->o;
	char started_at[32], latest[11] = "";
	idreg_store_now(started_at, sizeof(started_at));
	idreg_err err = store->ops->eir_class_run_each(store, latest_run, latest, c->diag);
	if (err == IDREG_OK && strcmp(o->date, latest) < 0) {
		return idreg_diag_set(c->diag, IDREG_ESTALE,
				      "classification as of %s refused: a run as of %s is recorded",
				      o->date, latest);
	}
	if (err == IDREG_OK) {
		err = load(c, store);
	}
	if (err == IDREG_OK) {
		err = weigh(c);
	}
	if (err != IDREG_OK) {
		return err;
	}
	sort(c->found, c->n_found, sizeof(*c->found), cmp_found);
	rep->imeis = c->imeis;
	rep->observations = c->n_rows;
	rep->matched = c->n_found;
	for (size_t i = 0; i < c->n_found; i++) {
		for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
			rep->met[k] += (c->found[i].met >> k) & 1u;
		}
	}
	if ((err = check_caps(c, rep)) != IDREG_OK) {
		return err;
	}
	struct current_reader cr = { .c = c };
	if ((err = store->ops->begin(store, c->diag)) != IDREG_OK) {
		return err;
	}
	err = store->ops->eir_class_each(store, true, NULL, take_current, &cr, c->diag);
	if (err == IDREG_OK) {
		err = record(c, store, &cr, started_at, rep);
	}
	free(cr.ends);
	if (err == IDREG_OK) {
		return store->ops->commit(store, c->diag);
	}
	store->ops->rollback(store);
	return err;
}

static idreg_err check_options(const struct idreg_eir_classify_options *o, int64_t day,
			       struct idreg_diag *diag)
{
	if (day < 0) {
		return idreg_diag_set(diag, IDREG_EINVAL, "classification: '%s' is not a date "
				      "YYYY-MM-DD", o->date);
	}
	if (o->duplicate_window_days < 1 || o->duplicate_window_days > IDREG_EIR_MAX_LAG_DAYS ||
	    o->transient_window_days < 1 || o->transient_window_days > IDREG_EIR_MAX_LAG_DAYS ||
	    o->duplicate_min_imsis < 1 || o->transient_min_msisdns < 3 ||
	    o->daily_avg_min_days < 1) {
		return idreg_diag_set(diag, IDREG_EINVAL, "classification: windows are 1 to %d days, "
				      "thresholds positive, transient_min_msisdns at least 3",
				      IDREG_EIR_MAX_LAG_DAYS);
	}
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		if (o->rule[k].grace_days < 0 || o->rule[k].grace_days > IDREG_EIR_MAX_LAG_DAYS) {
			return idreg_diag_set(diag, IDREG_EINVAL, "classification: %s's grace period "
					      "is 0 to %d days", condition_names[k],
					      IDREG_EIR_MAX_LAG_DAYS);
		}
	}
	return IDREG_OK;
}

idreg_err idreg_eir_classify(struct idreg_store *store,
			     const struct idreg_eir_classify_options *opts,
			     struct idreg_eir_classify_report *report, struct idreg_diag *diag)
{
	memset(report, 0, sizeof(*report));
	int64_t day = idreg_eir_date_days(opts->date);
	idreg_err err = check_options(opts, day, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct classify *c = calloc(1, sizeof(*c));
	if (c == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "classification: out of memory");
	}
	c->o = opts;
	c->diag = diag;
	c->day = day;
	for (size_t m = 0; m < IDREG_EIR_MONTHS; m++) {
		c->month_start[m] = -1;
	}
	char month[8];
	snprintf(month, sizeof(month), "%.7s", opts->date);
	int run_month = idreg_eir_month_number(month);
	c->run_month = (unsigned)(run_month < 0 ? 0 : run_month);
	unsigned dom = (unsigned)(day - month_start(c, c->run_month)) + 1;
	c->run_month_mask = dom >= 32 ? UINT32_MAX : (1u << dom) - 1;
	int64_t window = day - opts->duplicate_window_days + 1;
	c->window_month = c->run_month;
	while (c->window_month > 0 && month_start(c, c->window_month) > window) {
		c->window_month--;
	}
	for (unsigned m = c->window_month; m <= c->run_month; m++) {
		c->window_days[m - c->window_month] = days_from(c, m, window);
	}
	idreg_arena_init(&c->arena, 64 * 1024, 0);
	idreg_strmap_init(&c->malformed_index);
	err = run_month < 0 ? idreg_diag_set(diag, IDREG_EINVAL, "classification: %s is out of "
					     "range", opts->date)
			    : run(c, store, report);
	idreg_strmap_free(&c->malformed_index);
	idreg_arena_free(&c->arena);
	free(c->rows);
	free(c->runs);
	free(c->group);
	free(c->malformed);
	free(c->tacs);
	for (int l = 0; l < 3; l++) {
		free(c->lists[l]);
	}
	free(c->found);
	free(c->segments);
	free(c->scratch);
	free(c);
	return err;
}
