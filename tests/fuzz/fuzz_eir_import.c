/*
 * libFuzzer target: the EIR import of lib/eir (import.c) over any bytes, as
 * an operator file and as each list and the TAC database, into a store
 * that keeps nothing (so only the reading and checking are fuzzed).  An
 * import must end in IDREG_OK with its rows counted, or in IDREG_EPARSE
 * with a message naming the input; a store write must happen inside a
 * transaction and only after the whole input was accepted, and each
 * month's segment it packs opens as a segment.  A violation
 * calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eir/import.h"
#include "eir/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool in_transaction;
static size_t written;

static idreg_err begin(struct idreg_store *s, struct idreg_diag *diag)
{
	check(!in_transaction);
	in_transaction = true;
	return IDREG_OK;
}

static idreg_err commit(struct idreg_store *s, struct idreg_diag *diag)
{
	check(in_transaction);
	in_transaction = false;
	return IDREG_OK;
}

static void rollback(struct idreg_store *s)
{
	in_transaction = false;
}

static idreg_err observe(struct idreg_store *s, const struct idreg_eir_observation *rows, size_t n,
			 struct idreg_diag *diag)
{
	check(in_transaction);
	for (size_t i = 0; i < n; i++) {
		check(rows[i].days != 0 && rows[i].rats != 0 && rows[i].imei[0] != '\0');
		check(strcmp(rows[i].first_seen, rows[i].last_seen) <= 0);
		check(strncmp(rows[i].first_seen, rows[i].month, 7) == 0);
	}
	written += n;
	return IDREG_OK;
}

static idreg_err tac_replace(struct idreg_store *s, const struct idreg_eir_tac *rows, size_t n,
			     struct idreg_diag *diag)
{
	check(in_transaction);
	for (size_t i = 0; i < n; i++) {
		check(strlen(rows[i].tac) == IDREG_TAC_DIGITS && rows[i].rats != 0);
	}
	written += n;
	return IDREG_OK;
}

static idreg_err list_write(struct idreg_store *s, const char *list, bool full,
			    const struct idreg_eir_list_entry *rows, size_t n, struct idreg_diag *diag)
{
	check(in_transaction);
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(rows[i].item);
		check(len == IDREG_IMEI_DIGITS || len == IDREG_TAC_DIGITS);
	}
	written += n;
	return IDREG_OK;
}

static idreg_err import_put(struct idreg_store *s, const struct idreg_eir_import *imp,
			    struct idreg_diag *diag)
{
	check(in_transaction);
	return IDREG_OK;
}

static idreg_err import_each(struct idreg_store *s, const char *kind, const char *operator_name,
			     idreg_eir_import_cb cb, void *ctx, struct idreg_diag *diag)
{
	static const struct idreg_eir_import earlier = { "operator", "op1", "2026-01-01", "2026-01-31",
							 31, 3100, "earlier.csv" };
	return cb(ctx, &earlier);
}

/* An operator file's months are packed into segments in its transaction (the
 * store keeps nothing, so each month reads back empty). */
static idreg_err observation_month(struct idreg_store *s, const char *operator_name,
				   const char *month, idreg_eir_observation_cb cb, void *ctx,
				   struct idreg_diag *diag)
{
	check(in_transaction && strcmp(operator_name, "op1") == 0 && strlen(month) == 7);
	return IDREG_OK;
}

static idreg_err segment_put(struct idreg_store *s, const char *operator_name, const char *month,
			     const void *data, size_t size, struct idreg_diag *diag)
{
	struct idreg_eir_segment_view view;
	check(in_transaction && data != NULL);
	check(idreg_eir_segment_open(data, size, &view, diag) == IDREG_OK && view.n_rows == 0);
	return IDREG_OK;
}

static const struct idreg_store_ops null_ops = {
	.name = "null", .begin = begin, .commit = commit, .rollback = rollback,
	.eir_observe = observe, .eir_tac_replace = tac_replace, .eir_list_write = list_write,
	.eir_import_put = import_put, .eir_import_each = import_each,
	.eir_observation_month = observation_month, .eir_segment_put = segment_put,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idreg_store store = { &null_ops };
	for (int kind = 0; kind < IDREG_EIR_KIND_COUNT; kind++) {
		struct idreg_eir_import_options opts = {
			.kind = (enum idreg_eir_kind)kind, .operator_name = "op1",
			.home_mccs = "639", .home_cc = "254", .mnc3_mccs = "310",
			.max_null = 500, .max_non_numeric = 500, .max_too_long = 500,
			.max_leading_zeros = 500, .max_foreign_imsi = 500, .max_foreign_msisdn = 500,
			.max_volume_change = 1000,
		};
		struct idreg_eir_report report;
		struct idreg_diag diag = { "" };
		written = 0;
		idreg_err err = idreg_eir_import_data(&store, "fuzz.csv", (const char *)data, size,
						      &opts, &report, &diag);
		check(!in_transaction);
		if (err == IDREG_OK) {
			check(written == report.written && report.written <= report.rows);
		} else {
			check(err == IDREG_EPARSE && strncmp(diag.text, "fuzz.csv: ", 10) == 0);
			check(written == 0);
		}
	}
	return 0;
}
