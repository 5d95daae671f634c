/*
 * Import into the equipment identity register: an operator's file of what
 * its network saw, the TAC database, or a list (stolen, registered,
 * pairings, golden, barred TACs; a full file or, with a "change" column of
 * add/remove, a delta).  Formats in docs/eir-formats.md.
 *
 * A line that breaks the format (a date that is no date, an unknown radio
 * technology, a field over IDREG_EIR_MAX_FIELD bytes, a list IMEI that is
 * none) refuses the file with its name and line.  An operator file is
 * counted as well and refused when a share crosses its threshold: empty
 * IMEIs, IMSIs or MSISDNs, IMEIs with a non-digit, IMEIs over 16 digits,
 * IMEIs that lost leading zeros, IMSIs and MSISDNs not of the home
 * country, rows a day far from the operator's earlier files.  A file is
 * one transaction: refused, it leaves the store as it was.
 */
#ifndef IDREG_EIR_IMPORT_H
#define IDREG_EIR_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "eir/imei.h"
#include "store/store.h"

#define IDREG_EIR_MAX_FIELD 64       /* bytes in a field of an EIR file */
#define IDREG_EIR_MAX_FILE ((size_t)1 << 32)
#define IDREG_EIR_MAX_OPERATOR 32    /* bytes in an operator's name */

#define IDREG_EIR_KIND_LIST(X) \
	X(OPERATOR, "operator") X(TAC, "tac") X(STOLEN, "stolen") X(REGISTERED, "registered") \
	X(PAIRINGS, "pairings") X(GOLDEN, "golden") X(BARRED, "barred")

#define IDREG__EIR_KIND_ENUM(name, text) IDREG_EIR_##name,
enum idreg_eir_kind { IDREG_EIR_KIND_LIST(IDREG__EIR_KIND_ENUM) IDREG_EIR_KIND_COUNT };
#undef IDREG__EIR_KIND_ENUM

/** The kind named @name ("operator", "tac", "stolen", ...); false if none. */
bool idreg_eir_kind_parse(const char *name, enum idreg_eir_kind *out);

/** Is @name an operator's name: 1 to IDREG_EIR_MAX_OPERATOR letters, digits, '_' or '-'? */
bool idreg_eir_operator_name_ok(const char *name);

/** Thresholds and the home country (the [eir] configuration). */
struct idreg_eir_import_options {
	enum idreg_eir_kind kind;
	const char *operator_name;  /* operator files: [A-Za-z0-9_-], 1 to 32 bytes */
	const char *home_mccs, *home_cc, *mnc3_mccs;
	long max_null, max_non_numeric, max_too_long, max_leading_zeros; /* per mille */
	long max_foreign_imsi, max_foreign_msisdn;                        /* per mille */
	long max_volume_change;     /* percent */
};

/** What an import counted and did. */
struct idreg_eir_report {
	uint64_t rows;
	uint64_t written;           /* observations, TACs or list entries written */
	uint64_t imei_status[IDREG_IMEI_STATUS_COUNT];
	uint64_t null_imsi, null_msisdn, foreign_imsi, foreign_msisdn;
	char first_date[11], last_date[11];
	double rows_per_day, history_rows_per_day; /* the latter 0 without history */
	bool delta;                 /* a list file with a change column */
};

/**
 * Import @path.  On a refusal @diag says which checks failed, by how much
 * and against which limit (IDREG_EPARSE), or the line at fault.
 */
idreg_err idreg_eir_import(struct idreg_store *store, const char *path,
			   const struct idreg_eir_import_options *opts, struct idreg_eir_report *report,
			   struct idreg_diag *diag);

/** The same over @size bytes at @data, named @name in messages. */
idreg_err idreg_eir_import_data(struct idreg_store *store, const char *name, const char *data,
				size_t size, const struct idreg_eir_import_options *opts,
				struct idreg_eir_report *report, struct idreg_diag *diag);

#endif
