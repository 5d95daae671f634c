/*
 * Classification of the equipment identity register: as of a day, every
 * IMEI seen is weighed against the conditions below (docs/eir-classification.md),
 * each enabled or not, blocking or informative, with a grace period, sticky
 * or not, and a safety cap on the share of IMEIs it may match.  A run
 * records, in one transaction, itself, the periods that begin (IMEI and
 * condition newly met: start = the run's day, block date = start + grace)
 * and those that end (no longer met and not sticky: end = the run's day),
 * so each IMEI's state and reasons are kept with their history.
 */
#ifndef IDREG_EIR_CLASSIFY_H
#define IDREG_EIR_CLASSIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/error.h"
#include "store/store.h"

/* X(NAME, "name"): the conditions, in the order runs report them. */
#define IDREG_EIR_CONDITION_LIST(X)                                                   \
	X(MALFORMED, "malformed") X(UNKNOWN_TAC, "unknown_tac") X(TEST_IMEI, "test_imei") \
	X(BARRED_TAC, "barred_tac") X(DUPLICATE, "duplicate")                             \
	X(DUPLICATE_DAILY_AVG, "duplicate_daily_avg") X(STOLEN, "stolen")                 \
	X(NOT_REGISTERED, "not_registered") X(RAT_UNSUPPORTED, "rat_unsupported")         \
	X(TRANSIENT, "transient")

#define IDREG__EIR_CONDITION_ENUM(name, text) IDREG_EIR_COND_##name,
enum idreg_eir_condition { IDREG_EIR_CONDITION_LIST(IDREG__EIR_CONDITION_ENUM) IDREG_EIR_CONDITION_COUNT };
#undef IDREG__EIR_CONDITION_ENUM

#define IDREG_EIR_MAX_LAG_DAYS 3650   /* allocation lag, window and grace periods at most */

/** How one condition is applied. */
struct idreg_eir_condition_rule {
	bool enabled, blocking, sticky;
	long grace_days;
	long max_permille;          /* safety cap: share of the IMEIs classified */
};

struct idreg_eir_classify_options {
	const char *date;           /* YYYY-MM-DD: classify as of the end of this day */
	struct idreg_eir_condition_rule rule[IDREG_EIR_CONDITION_COUNT];
	long duplicate_window_days, duplicate_min_imsis;
	long daily_avg_min_hundredths, daily_avg_min_days;
	long transient_window_days, transient_min_msisdns;
	long tac_lag_days[100];     /* per reporting body (the TAC's first two digits) */
	const char *exempt_device_types; /* not_registered: device types exempt, comma-separated */
	const char *home_mccs;      /* not_registered: IMEIs seen only with other IMSIs are exempt */
};

/** What a run found, per condition: IMEIs that meet it, periods begun and ended. */
struct idreg_eir_classify_report {
	int64_t run_id;
	uint64_t imeis, observations, matched;
	uint64_t met[IDREG_EIR_CONDITION_COUNT], started[IDREG_EIR_CONDITION_COUNT],
		ended[IDREG_EIR_CONDITION_COUNT];
};

/** "duplicate" etc. */
const char *idreg_eir_condition_name(enum idreg_eir_condition cond);

/**
 * The options of [eir] in @cfg for a run as of @date.  IDREG_ECONFIG with
 * the key at fault when eir.unknown_tac_lag is not "RB:DAYS" items.
 */
idreg_err idreg_eir_classify_options_from_config(const struct idreg_config *cfg, const char *date,
						 struct idreg_eir_classify_options *out,
						 struct idreg_diag *diag);

/**
 * Classify every IMEI seen up to @opts->date and record the run in @store.
 * A date before the last run's is refused (IDREG_ESTALE); a condition that
 * would match more than its cap refuses the run (IDREG_ETOOBIG, saying which,
 * its share and its cap) and nothing is written.
 */
idreg_err idreg_eir_classify(struct idreg_store *store,
			     const struct idreg_eir_classify_options *opts,
			     struct idreg_eir_classify_report *report, struct idreg_diag *diag);

#endif
