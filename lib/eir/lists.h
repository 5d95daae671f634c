/*
 * The lists an equipment identity register sends back to the operators'
 * EIRs (`idreg eir lists`), as of a day, from the classification held:
 *
 *   blocklist.csv             imei,block_date,reasons: IMEIs whose earliest
 *                             blocking condition's block date has come (on
 *                             or before the day), golden ones left out
 *   notifications-OP.csv      imei,imsi,msisdn,block_date,reasons: per
 *                             operator, the subscribers seen (by the day)
 *                             with an IMEI whose block date is still to
 *                             come, routed by their IMSI's MCC-MNC; golden
 *                             IMEIs and paired subscribers left out
 *   exceptions-OP.csv         imei,imsi: per operator, the pairings routed
 *                             the same way
 *
 * and beside each NAME.csv a NAME-delta.csv against the previous run's
 * (its columns and a last one, change: add, remove or change).  A run is
 * written whole into a new directory DIR/run-N, then DIR/current, a
 * symbolic link, is switched to it by one rename: a failure or a crash on
 * the way leaves the previous lists, and DIR/current, as they were.
 * Formats in docs/eir-formats.md.
 */
#ifndef IDREG_EIR_LISTS_H
#define IDREG_EIR_LISTS_H

#include <stdint.h>

#include "core/error.h"
#include "eir/import.h"
#include "store/store.h"

#define IDREG_EIR_MAX_OPERATORS 32
#define IDREG_EIR_MAX_NETWORKS 8   /* MCC-MNCs per operator */

/** An operator and the networks (MCC and MNC digits, 5 or 6) its IMSIs begin with. */
struct idreg_eir_operator {
	char name[IDREG_EIR_MAX_OPERATOR + 1];
	char networks[IDREG_EIR_MAX_NETWORKS][7];
	size_t network_count;
};

struct idreg_eir_operators {
	struct idreg_eir_operator list[IDREG_EIR_MAX_OPERATORS];
	size_t count;
};

/**
 * Parse eir.operators: "NAME:MCC-MNC[,MCC-MNC...]" items separated by
 * spaces, e.g. "op1:639-01 op2:639-02,639-03" (MCC 3 digits, MNC 2 or 3).
 * A network named twice, or a name, is an error (IDREG_ECONFIG).
 */
idreg_err idreg_eir_operators_parse(const char *text, struct idreg_eir_operators *out,
				    struct idreg_diag *diag);

/** The operator whose network @imsi begins with (the longest one), or -1. */
int idreg_eir_operator_of(const struct idreg_eir_operators *ops, const char *imsi);

struct idreg_eir_lists_options {
	const char *out_dir;
	const char *date;           /* YYYY-MM-DD; NULL: the last classification run's */
	const struct idreg_eir_operators *operators;
};

/** What a run wrote: its day and directory, and per list rows and changes. */
struct idreg_eir_lists_report {
	char date[11];
	char run_dir[64];           /* "run-N", under out_dir */
	size_t list_count;
	struct idreg_eir_list_count {
		char name[64];          /* file name without .csv */
		uint64_t rows, added, removed, changed;
	} lists[1 + 2 * IDREG_EIR_MAX_OPERATORS];
};

/** Write the lists of @opts->date into a new run of @opts->out_dir (created if missing). */
idreg_err idreg_eir_lists_write(struct idreg_store *store, const struct idreg_eir_lists_options *opts,
				struct idreg_eir_lists_report *report, struct idreg_diag *diag);

#endif
