/*
 * Sample data for the equipment identity register: no operator data is
 * public, so this writes realistic files for tests and demonstration
 * (docs/eir-formats.md): per operator and month the rows its network saw,
 * a TAC database, the lists (stolen, registered, pairings, golden, barred
 * TACs), and a ground truth naming each planted anomaly.  The same seed
 * gives the same files.
 */
#ifndef IDREG_EIR_SAMPLE_H
#define IDREG_EIR_SAMPLE_H

#include <stdint.h>

#include "core/error.h"

#define IDREG_EIR_SAMPLE_START_YEAR 2026 /* the first month written is January of it */

struct idreg_eir_sample_options {
	const char *out_dir;      /* created if missing */
	unsigned operators;       /* 1 .. 9 */
	unsigned months;          /* 1 .. 24 */
	unsigned subscribers;     /* home subscribers per operator, 50 .. 1000000 */
	uint64_t seed;
	const char *home_mcc;     /* 3 digits */
	const char *home_cc;      /* E.164 country code of the MSISDNs */
};

/** Write the sample into opts->out_dir; errors name the file. */
idreg_err idreg_eir_sample_write(const struct idreg_eir_sample_options *opts,
				 struct idreg_diag *diag);

#endif
