/*
 * Import into the equipment identity register; see import.h.  The whole
 * file is read and checked first, the rows of an operator file merged per
 * (month, IMEI, IMSI, MSISDN) in memory, and only then is the store
 * written, in one transaction.
 */
#include "eir/import.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/array.h"
#include "core/file.h"
#include "core/strmap.h"
#include "eir/segment.h"
#include "formats/csv.h"

#define KIND_NAME(name, text) text,
static const char *const kind_names[] = { IDREG_EIR_KIND_LIST(KIND_NAME) };
#undef KIND_NAME

/* The store's names of the lists, by kind (operator and tac are no list). */
static const char *const list_names[IDREG_EIR_KIND_COUNT] = {
	[IDREG_EIR_STOLEN] = "stolen", [IDREG_EIR_REGISTERED] = "registered",
	[IDREG_EIR_PAIRINGS] = "pairings", [IDREG_EIR_GOLDEN] = "golden",
	[IDREG_EIR_BARRED] = "barred_tacs",
};

static const char *const rat_names[] = { "2G", "3G", "4G", "5G" };
#define RAT_COUNT 4

bool idreg_eir_kind_parse(const char *name, enum idreg_eir_kind *out)
{
	for (int k = 0; k < IDREG_EIR_KIND_COUNT; k++) {
		if (strcmp(name, kind_names[k]) == 0) {
			*out = (enum idreg_eir_kind)k;
			return true;
		}
	}
	return false;
}

/* The file being read: its name, reader, header columns and current row. */
struct reader {
	const char *path;
	struct idreg_csv_reader csv;
	struct idreg_csv_row row;
	int col[8];
	int change_col;          /* -1: a full file */
	struct idreg_diag *diag;
};

static idreg_err line_error(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "PATH: line N: why" for the current row. */
static idreg_err line_error(struct reader *r, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return idreg_diag_set(r->diag, IDREG_EPARSE, "%s: line %u: %s", r->path, r->row.line, why);
}

/* Find the columns @names (NULL-terminated) in the header row. */
static idreg_err read_header(struct reader *r, const char *const *names)
{
	bool end;
	idreg_err err = idreg_csv_next(&r->csv, &r->row, &end, r->diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (end) {
		return idreg_diag_set(r->diag, IDREG_EPARSE, "%s: empty file (no header row)", r->path);
	}
	for (int i = 0; names[i] != NULL; i++) {
		r->col[i] = idreg_csv_column(&r->row, names[i]);
		if (r->col[i] < 0) {
			return line_error(r, "no column %s in the header", names[i]);
		}
	}
	r->change_col = idreg_csv_column(&r->row, "change");
	return IDREG_OK;
}

/* The next data row, each of its fields of at most IDREG_EIR_MAX_FIELD bytes; *end at the end. */
static idreg_err next_row(struct reader *r, size_t columns, bool *end)
{
	idreg_err err;
	do { /* blank lines are skipped */
		err = idreg_csv_next(&r->csv, &r->row, end, r->diag);
	} while (err == IDREG_OK && !*end && r->row.count == 1 && r->row.lens[0] == 0);
	if (err != IDREG_OK || *end) {
		return err;
	}
	for (size_t i = 0; i < columns; i++) {
		if ((size_t)r->col[i] >= r->row.count) {
			return line_error(r, "fewer fields than the header names");
		}
	}
	for (size_t i = 0; i < r->row.count; i++) {
		if (r->row.lens[i] > IDREG_EIR_MAX_FIELD) {
			return line_error(r, "field %zu longer than %d bytes", i + 1,
					  IDREG_EIR_MAX_FIELD);
		}
	}
	return IDREG_OK;
}

static const char *field(const struct reader *r, int which)
{
	return r->row.fields[r->col[which]];
}

static idreg_err read_date(struct reader *r, int which, const char *what, int64_t *days)
{
	const char *text = field(r, which);
	*days = idreg_eir_date_days(text);
	return *days < 0 ? line_error(r, "%s '%s' is not a date YYYY-MM-DD", what, text) : IDREG_OK;
}

/* A delta row's change: false for add, true for remove. */
static idreg_err read_change(struct reader *r, bool *remove)
{
	*remove = false;
	if (r->change_col < 0) {
		return IDREG_OK;
	}
	if ((size_t)r->change_col >= r->row.count) {
		return line_error(r, "fewer fields than the header names");
	}
	const char *c = r->row.fields[r->change_col];
	if (strcmp(c, "remove") == 0) {
		*remove = true;
	} else if (strcmp(c, "add") != 0) {
		return line_error(r, "change '%s' is neither add nor remove", c);
	}
	return IDREG_OK;
}

/* ---- operator files ---- */

enum { OP_DATE, OP_IMEI, OP_IMSI, OP_MSISDN, OP_RAT };

struct merged {
	struct idreg_eir_observation obs;
	char month[8];
	char first[11], last[11];
};

struct operator_import {
	struct reader *r;
	const struct idreg_eir_import_options *o;
	struct idreg_eir_report *rep;
	struct idreg_arena arena;
	struct idreg_strmap index; /* "month\x1fimei\x1fimsi\x1fmsisdn" -> position in merged */
	struct merged *merged;
	size_t count, capacity;
	int64_t first_day, last_day;
};

static char *keep(struct operator_import *op, const char *s)
{
	return idreg_arena_strndup(&op->arena, s, strlen(s));
}

static idreg_err merge_row(struct operator_import *op, const char *date,
			   const struct idreg_imei *imei, const char *raw, const char *imsi,
			   const char *msisdn, unsigned rat)
{
	const char *key_imei = idreg_imei_status_normalized(imei->status) ? imei->imei : raw;
	char key[4 * (IDREG_EIR_MAX_FIELD + 8)];
	snprintf(key, sizeof(key), "%.7s\x1f%s\x1f%s\x1f%s", date, key_imei, imsi, msisdn);
	int64_t at;
	unsigned day_of_month = (unsigned)atoi(date + 8);
	if (idreg_strmap_get(&op->index, key, &at) == IDREG_OK) {
		struct merged *m = &op->merged[at];
		if (strcmp(date, m->first) < 0) {
			memcpy(m->first, date, 11);
		}
		if (strcmp(date, m->last) > 0) {
			memcpy(m->last, date, 11);
		}
		m->obs.days |= 1u << (day_of_month - 1);
		m->obs.rats |= 1u << rat;
		return IDREG_OK;
	}
	idreg_err err = idreg_array_reserve(&op->merged, &op->capacity, op->count,
					    sizeof(*op->merged), 4096);
	if (err == IDREG_OK) {
		err = idreg_strmap_put(&op->index, key, (int64_t)op->count);
	}
	if (err != IDREG_OK) {
		return idreg_diag_set(op->r->diag, err, "%s: out of memory merging rows", op->r->path);
	}
	struct merged *m = &op->merged[op->count++];
	memset(m, 0, sizeof(*m));
	memcpy(m->month, date, 7);
	memcpy(m->first, date, 11);
	memcpy(m->last, date, 11);
	m->obs.operator_name = op->o->operator_name;
	m->obs.imei = keep(op, key_imei);
	m->obs.imei_raw = keep(op, raw);
	m->obs.imsi = keep(op, imsi);
	m->obs.msisdn = keep(op, msisdn);
	m->obs.days = 1u << (day_of_month - 1);
	m->obs.rats = 1u << rat;
	if (m->obs.imei == NULL || m->obs.imei_raw == NULL || m->obs.imsi == NULL ||
	    m->obs.msisdn == NULL) {
		return idreg_diag_set(op->r->diag, IDREG_ENOMEM, "%s: out of memory", op->r->path);
	}
	return IDREG_OK;
}

/* Observations by month, IMEI, IMSI and MSISDN (one operator's: the store's key). */
static int cmp_observation(const void *a, const void *b)
{
	const struct idreg_eir_observation *x = a, *y = b;
	int c = strcmp(x->month, y->month);
	if (c == 0) {
		c = strcmp(x->imei, y->imei);
	}
	if (c == 0) {
		c = strcmp(x->imsi, y->imsi);
	}
	return c != 0 ? c : strcmp(x->msisdn, y->msisdn);
}

/* Rewrite the segment (eir/segment.h) of each month the @n observations fall in. */
static idreg_err build_segments(struct idreg_store *store, const char *operator_name,
				const struct idreg_eir_observation *obs, size_t n,
				struct idreg_diag *diag)
{
	bool *done = calloc(IDREG_EIR_MONTHS, sizeof(*done));
	if (done == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory");
	}
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < n && err == IDREG_OK; i++) {
		int month = idreg_eir_month_number(obs[i].month);
		if (month >= 0 && !done[month]) {
			done[month] = true;
			err = idreg_eir_segment_build(store, operator_name, obs[i].month, diag);
		}
	}
	free(done);
	return err;
}

static idreg_err operator_row(struct operator_import *op)
{
	struct reader *r = op->r;
	struct idreg_eir_report *rep = op->rep;
	int64_t day;
	idreg_err err = read_date(r, OP_DATE, "date", &day);
	if (err != IDREG_OK) {
		return err;
	}
	if (rep->rows == 0 || day < op->first_day) {
		op->first_day = day;
		memcpy(rep->first_date, field(r, OP_DATE), 11);
	}
	if (rep->rows == 0 || day > op->last_day) {
		op->last_day = day;
		memcpy(rep->last_date, field(r, OP_DATE), 11);
	}
	rep->rows++;
	const char *rat_text = field(r, OP_RAT);
	unsigned rat = 0;
	while (rat < RAT_COUNT && strcmp(rat_text, rat_names[rat]) != 0) {
		rat++;
	}
	if (rat == RAT_COUNT) {
		return line_error(r, "rat '%s' is not 2G, 3G, 4G or 5G", rat_text);
	}
	const char *raw = field(r, OP_IMEI);
	struct idreg_imei imei;
	rep->imei_status[idreg_imei_parse(raw, r->row.lens[r->col[OP_IMEI]], &imei)]++;

	const char *imsi = field(r, OP_IMSI);
	struct idreg_imsi imsi_parts;
	if (imsi[0] == '\0') {
		rep->null_imsi++;
	} else if (!idreg_imsi_parse(imsi, strlen(imsi), op->o->mnc3_mccs, &imsi_parts) ||
		   !idreg_digits_start_listed(imsi_parts.mcc, op->o->home_mccs)) {
		rep->foreign_imsi++;
	}
	const char *msisdn = field(r, OP_MSISDN);
	char msisdn_digits[IDREG_MSISDN_MAX + 1];
	if (msisdn[0] == '\0') {
		rep->null_msisdn++;
	} else if (idreg_msisdn_parse(msisdn, strlen(msisdn), msisdn_digits)) {
		if (!idreg_digits_start_listed(msisdn_digits, op->o->home_cc)) {
			rep->foreign_msisdn++;
		}
		msisdn = msisdn_digits;
	} else {
		rep->foreign_msisdn++;
	}
	if (imei.status == IDREG_IMEI_EMPTY) {
		return IDREG_OK; /* nothing to key it on; counted */
	}
	return merge_row(op, field(r, OP_DATE), &imei, raw, imsi, msisdn, rat);
}

/* Append "what: X.X% (at most Y.Y%)" to @msg when @count of @rows is over @limit per mille. */
static void share_check(char *msg, size_t size, uint64_t count, uint64_t rows, long limit,
			const char *what)
{
	if (rows == 0 || count * 1000 <= (uint64_t)limit * rows) {
		return;
	}
	size_t len = strlen(msg);
	snprintf(msg + len, size - len, "%s%s: %.1f%% of rows (%llu), at most %.1f%%",
		 len ? "; " : "", what, 100.0 * (double)count / (double)rows,
		 (unsigned long long)count, (double)limit / 10.0);
}

struct history {
	const char *first, *last;
	double sum;
	unsigned files;
};

static idreg_err add_history(void *ctx, const struct idreg_eir_import *imp)
{
	struct history *h = ctx;
	if ((strcmp(imp->first_date, h->first) != 0 || strcmp(imp->last_date, h->last) != 0) &&
	    imp->days > 0) {
		h->sum += (double)imp->rows / (double)imp->days;
		h->files++;
	}
	return IDREG_OK;
}

static idreg_err check_operator_file(struct operator_import *op, struct idreg_store *store,
				     struct idreg_diag *diag)
{
	const struct idreg_eir_import_options *o = op->o;
	struct idreg_eir_report *rep = op->rep;
	const uint64_t *st = rep->imei_status;
	char msg[400] = "";
	share_check(msg, sizeof(msg), st[IDREG_IMEI_EMPTY], rep->rows, o->max_null, "empty IMEI");
	share_check(msg, sizeof(msg), rep->null_imsi, rep->rows, o->max_null, "empty IMSI");
	share_check(msg, sizeof(msg), rep->null_msisdn, rep->rows, o->max_null, "empty MSISDN");
	share_check(msg, sizeof(msg), st[IDREG_IMEI_NON_NUMERIC], rep->rows, o->max_non_numeric,
		    "IMEI with a non-digit");
	share_check(msg, sizeof(msg), st[IDREG_IMEI_TOO_LONG], rep->rows, o->max_too_long,
		    "IMEI over 16 digits");
	share_check(msg, sizeof(msg), st[IDREG_IMEI_LEADING_ZEROS], rep->rows, o->max_leading_zeros,
		    "IMEI that lost leading zeros");
	share_check(msg, sizeof(msg), rep->foreign_imsi, rep->rows, o->max_foreign_imsi,
		    "IMSI not of a home MCC");
	share_check(msg, sizeof(msg), rep->foreign_msisdn, rep->rows, o->max_foreign_msisdn,
		    "MSISDN not of a home country code");
	int64_t days = op->last_day - op->first_day + 1;
	rep->rows_per_day = rep->rows ? (double)rep->rows / (double)days : 0;
	struct history h = { rep->first_date, rep->last_date, 0, 0 };
	idreg_err err = store->ops->eir_import_each(store, "operator", o->operator_name, add_history,
						    &h, diag);
	if (err != IDREG_OK) {
		return err;
	}
	if (h.files > 0) {
		double mean = h.sum / h.files;
		rep->history_rows_per_day = mean;
		double change = fabs(rep->rows_per_day - mean) * 100.0 / mean;
		if (change > (double)o->max_volume_change) {
			size_t len = strlen(msg);
			snprintf(msg + len, sizeof(msg) - len,
				 "%svolume: %.1f rows a day, %.0f%% from the mean %.1f of %u earlier "
				 "files, at most %ld%%",
				 len ? "; " : "", rep->rows_per_day, change, mean, h.files,
				 o->max_volume_change);
		}
	}
	if (msg[0] != '\0') {
		return idreg_diag_set(diag, IDREG_EPARSE, "%s: refused: %s", op->r->path, msg);
	}
	return IDREG_OK;
}

static idreg_err import_operator(struct reader *r, struct idreg_store *store,
				 const struct idreg_eir_import_options *o,
				 struct idreg_eir_report *rep)
{
	static const char *const columns[] = { "date", "imei", "imsi", "msisdn", "rat", NULL };
	struct operator_import op = { .r = r, .o = o, .rep = rep };
	idreg_arena_init(&op.arena, 1 << 20, 0);
	idreg_strmap_init(&op.index);
	idreg_err err = read_header(r, columns);
	bool end = false;
	while (err == IDREG_OK && (err = next_row(r, 5, &end)) == IDREG_OK && !end) {
		err = operator_row(&op);
	}
	if (err == IDREG_OK && rep->rows == 0) {
		err = idreg_diag_set(r->diag, IDREG_EPARSE, "%s: no rows", r->path);
	}
	if (err == IDREG_OK) {
		err = check_operator_file(&op, store, r->diag);
	}
	struct idreg_eir_observation *obs = NULL;
	if (err == IDREG_OK && (obs = calloc(op.count, sizeof(*obs))) == NULL) {
		err = idreg_diag_set(r->diag, IDREG_ENOMEM, "%s: out of memory", r->path);
	}
	if (err == IDREG_OK) {
		for (size_t i = 0; i < op.count; i++) {
			obs[i] = op.merged[i].obs;
			obs[i].month = op.merged[i].month;
			obs[i].first_seen = op.merged[i].first;
			obs[i].last_seen = op.merged[i].last;
		}
		struct idreg_eir_import imp = {
			.kind = "operator", .operator_name = o->operator_name,
			.first_date = rep->first_date, .last_date = rep->last_date,
			.days = op.last_day - op.first_day + 1, .rows = rep->rows, .file = r->path,
		};
		/* In key order, the store's B-trees grow at their ends instead of
		 * everywhere: far fewer pages written. */
		qsort(obs, op.count, sizeof(*obs), cmp_observation);
		err = store->ops->begin(store, r->diag);
		if (err == IDREG_OK) {
			err = store->ops->eir_observe(store, obs, op.count, r->diag);
		}
		if (err == IDREG_OK) {
			err = build_segments(store, o->operator_name, obs, op.count, r->diag);
		}
		if (err == IDREG_OK) {
			err = store->ops->eir_import_put(store, &imp, r->diag);
		}
		if (err == IDREG_OK) {
			err = store->ops->commit(store, r->diag);
		} else {
			store->ops->rollback(store);
		}
		rep->written = op.count;
	}
	free(obs);
	free(op.merged);
	idreg_strmap_free(&op.index);
	idreg_arena_free(&op.arena);
	return err;
}

/* ---- the TAC database and the lists ---- */

static bool digits(const char *s, size_t n)
{
	if (strlen(s) != n) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return true;
}

/* "2G|3G|4G" as a mask; 0 when it is not one. */
static unsigned parse_rats(const char *text)
{
	unsigned rats = 0;
	const char *p = text;
	for (;;) {
		size_t n = strcspn(p, "|");
		unsigned rat = 0;
		while (rat < RAT_COUNT && (strlen(rat_names[rat]) != n || strncmp(p, rat_names[rat], n))) {
			rat++;
		}
		if (rat == RAT_COUNT) {
			return 0;
		}
		rats |= 1u << rat;
		if (p[n] == '\0') {
			return rats;
		}
		p += n + 1;
	}
}

/* Rows of the TAC database or a list, their strings in @arena. */
struct entries {
	struct idreg_eir_tac *tacs;
	struct idreg_eir_list_entry *items;
	size_t count, capacity;
	struct idreg_arena arena;
};

static const char *copy(struct entries *e, const char *s)
{
	const char *c = idreg_arena_strndup(&e->arena, s, strlen(s));
	return c ? c : "";
}

enum { TAC_TAC, TAC_MAKER, TAC_MODEL, TAC_RADIO, TAC_DATE, TAC_TYPE };

static idreg_err tac_row(struct reader *r, struct entries *e)
{
	const char *tac = field(r, TAC_TAC);
	if (!digits(tac, IDREG_TAC_DIGITS)) {
		return line_error(r, "tac '%s' is not 8 digits", tac);
	}
	unsigned rats = parse_rats(field(r, TAC_RADIO));
	if (rats == 0) {
		return line_error(r, "radio '%s' is not technologies like 2G|3G|4G|5G",
				  field(r, TAC_RADIO));
	}
	int64_t day;
	idreg_err err = read_date(r, TAC_DATE, "allocation_date", &day);
	if (err != IDREG_OK) {
		return err;
	}
	if ((err = idreg_array_reserve(&e->tacs, &e->capacity, e->count, sizeof(*e->tacs), 1024)) !=
	    IDREG_OK) {
		return idreg_diag_set(r->diag, err, "%s: out of memory", r->path);
	}
	e->tacs[e->count++] = (struct idreg_eir_tac){
		.tac = copy(e, tac), .manufacturer = copy(e, field(r, TAC_MAKER)),
		.model = copy(e, field(r, TAC_MODEL)), .rats = rats,
		.allocated = copy(e, field(r, TAC_DATE)), .device_type = copy(e, field(r, TAC_TYPE)),
	};
	return IDREG_OK;
}

/* A list row: column 0 the IMEI (or TAC), column 1 the IMSI or the date when the kind has one. */
static idreg_err list_row(struct reader *r, enum idreg_eir_kind kind, struct entries *e)
{
	struct idreg_eir_list_entry entry = { .imsi = "", .date = "" };
	idreg_err err = read_change(r, &entry.remove);
	if (err != IDREG_OK) {
		return err;
	}
	const char *item = field(r, 0);
	entry.raw = copy(e, item);
	if (kind == IDREG_EIR_BARRED) {
		if (!digits(item, IDREG_TAC_DIGITS)) {
			return line_error(r, "tac '%s' is not 8 digits", item);
		}
		entry.item = entry.raw;
	} else {
		struct idreg_imei imei;
		enum idreg_imei_status st = idreg_imei_parse(item, r->row.lens[r->col[0]], &imei);
		if (st != IDREG_IMEI_OK && st != IDREG_IMEI_LEADING_ZEROS) {
			return line_error(r, "imei '%s' is not an IMEI: %s", item,
					  idreg_imei_status_text(st));
		}
		entry.item = copy(e, imei.imei);
	}
	if (kind == IDREG_EIR_PAIRINGS) {
		struct idreg_imsi imsi;
		const char *text = field(r, 1);
		if (!idreg_imsi_parse(text, strlen(text), NULL, &imsi)) {
			return line_error(r, "imsi '%s' is not an IMSI (6 to 15 digits)", text);
		}
		entry.imsi = copy(e, text);
	} else if (kind == IDREG_EIR_STOLEN) {
		int64_t day;
		if ((err = read_date(r, 1, "reported_date", &day)) != IDREG_OK) {
			return err;
		}
		entry.date = copy(e, field(r, 1));
	}
	if ((err = idreg_array_reserve(&e->items, &e->capacity, e->count, sizeof(*e->items),
				       1024)) != IDREG_OK) {
		return idreg_diag_set(r->diag, err, "%s: out of memory", r->path);
	}
	e->items[e->count++] = entry;
	return IDREG_OK;
}

static idreg_err import_entries(struct reader *r, struct idreg_store *store,
				enum idreg_eir_kind kind, struct idreg_eir_report *rep)
{
	static const char *const tac_columns[] = { "tac", "manufacturer", "model", "radio",
						   "allocation_date", "device_type", NULL };
	static const char *const imei_columns[] = { "imei", NULL };
	static const char *const stolen_columns[] = { "imei", "reported_date", NULL };
	static const char *const pairing_columns[] = { "imei", "imsi", NULL };
	static const char *const barred_columns[] = { "tac", NULL };
	const char *const *columns = kind == IDREG_EIR_TAC ? tac_columns
				     : kind == IDREG_EIR_STOLEN ? stolen_columns
				     : kind == IDREG_EIR_PAIRINGS ? pairing_columns
				     : kind == IDREG_EIR_BARRED ? barred_columns
								: imei_columns;
	size_t ncol = 0;
	while (columns[ncol] != NULL) {
		ncol++;
	}
	struct entries e = { 0 };
	idreg_arena_init(&e.arena, 1 << 20, 0);
	idreg_err err = read_header(r, columns);
	if (err == IDREG_OK && kind == IDREG_EIR_TAC && r->change_col >= 0) {
		err = idreg_diag_set(r->diag, IDREG_EPARSE,
				     "%s: the TAC database is a full file: no change column", r->path);
	}
	rep->delta = r->change_col >= 0;
	bool end = false;
	while (err == IDREG_OK && (err = next_row(r, ncol, &end)) == IDREG_OK && !end) {
		rep->rows++;
		err = kind == IDREG_EIR_TAC ? tac_row(r, &e) : list_row(r, kind, &e);
	}
	if (err == IDREG_OK) {
		struct idreg_eir_import imp = { .kind = kind_names[kind], .operator_name = "",
						.first_date = "", .last_date = "", .days = 0,
						.rows = rep->rows, .file = r->path };
		err = store->ops->begin(store, r->diag);
		if (err == IDREG_OK) {
			err = kind == IDREG_EIR_TAC
				      ? store->ops->eir_tac_replace(store, e.tacs, e.count, r->diag)
				      : store->ops->eir_list_write(store, list_names[kind], !rep->delta,
								   e.items, e.count, r->diag);
		}
		if (err == IDREG_OK) {
			err = store->ops->eir_import_put(store, &imp, r->diag);
		}
		if (err == IDREG_OK) {
			err = store->ops->commit(store, r->diag);
		} else {
			store->ops->rollback(store);
		}
		rep->written = e.count;
	}
	free(e.tacs);
	free(e.items);
	idreg_arena_free(&e.arena);
	return err;
}

bool idreg_eir_operator_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n > IDREG_EIR_MAX_OPERATOR) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-')) {
			return false;
		}
	}
	return true;
}

idreg_err idreg_eir_import(struct idreg_store *store, const char *path,
			   const struct idreg_eir_import_options *opts, struct idreg_eir_report *report,
			   struct idreg_diag *diag)
{
	memset(report, 0, sizeof(*report));
	char *data = NULL;
	size_t size = 0;
	idreg_err err = idreg_file_read(path, IDREG_EIR_MAX_FILE, &data, &size, diag);
	if (err == IDREG_OK) {
		err = idreg_eir_import_data(store, path, data, size, opts, report, diag);
	}
	free(data);
	return err;
}

idreg_err idreg_eir_import_data(struct idreg_store *store, const char *name, const char *data,
				size_t size, const struct idreg_eir_import_options *opts,
				struct idreg_eir_report *report, struct idreg_diag *diag)
{
	memset(report, 0, sizeof(*report));
	if (opts->kind == IDREG_EIR_OPERATOR && !idreg_eir_operator_name_ok(opts->operator_name)) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "an operator file needs the operator's name: 1 to 32 letters, "
				      "digits, '_' or '-'");
	}
	struct reader *r = calloc(1, sizeof(*r)); /* a CSV row is 16 KiB and more */
	if (r == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "%s: out of memory", name);
	}
	r->path = name;
	r->diag = diag;
	idreg_csv_init(&r->csv, name, data, size);
	idreg_err err = opts->kind == IDREG_EIR_OPERATOR ? import_operator(r, store, opts, report)
							 : import_entries(r, store, opts->kind, report);
	free(r);
	return err;
}
