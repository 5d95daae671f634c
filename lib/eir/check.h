/*
 * The register's current state, in memory, for the real-time check: what
 * an equipment identity register answers a network's EIR (the "check IMEI"
 * of MAP and of Diameter S13).  Loaded once from the store -- the current
 * classification rows, the golden list and the pairings -- and then only
 * read, by any number of threads: sorted arrays searched by binary search
 * on the 14-digit IMEI as a number.
 *
 * An IMEI is black when one of its current blocking conditions has a block
 * date on or before the day of the check and neither the golden list nor a
 * pairing with the subscriber's IMSI exempts it; grey when it meets a
 * condition but is not (or not yet) blocked; white otherwise.
 */
#ifndef IDREG_EIR_CHECK_H
#define IDREG_EIR_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "eir/imei.h"
#include "store/store.h"

/* Distinct condition names a register holds (the classifier writes ten). */
#define IDREG_EIR_MAX_CONDITIONS 32
#define IDREG_EIR_CONDITION_MAX 32 /* bytes in a condition's name, with its NUL */

/** One classified IMEI: its current conditions and earliest block date. */
struct idreg_eir_state {
	uint64_t imei;          /* the 14 digits as a number */
	uint32_t reasons;       /* bit i: the register's conditions[i] */
	char block_date[11];    /* earliest of its blocking conditions, "" if none */
};

/** A pairing: an IMEI and the IMSI it is exempt with. */
struct idreg_eir_pairing {
	uint64_t imei;
	uint64_t imsi;          /* the IMSI's digits as a number, times 16, plus its length */
};

struct idreg_eir_register {
	struct idreg_eir_state *states;   /* by IMEI */
	size_t count;
	uint64_t *golden;                 /* sorted */
	size_t golden_count;
	struct idreg_eir_pairing *pairings; /* sorted */
	size_t pairing_count;
	char conditions[IDREG_EIR_MAX_CONDITIONS][IDREG_EIR_CONDITION_MAX];
	size_t condition_count;
	uint8_t by_name[IDREG_EIR_MAX_CONDITIONS]; /* condition indexes in name order */
};

#define IDREG_EIR_STATUS_LIST(X) X(WHITE, "white") X(GREY, "grey") X(BLACK, "black")
#define IDREG__EIR_STATUS_ENUM(name, text) IDREG_EIR_##name,
enum idreg_eir_status { IDREG_EIR_STATUS_LIST(IDREG__EIR_STATUS_ENUM) };
#undef IDREG__EIR_STATUS_ENUM

enum idreg_eir_exemption { IDREG_EIR_EXEMPT_NONE, IDREG_EIR_EXEMPT_GOLDEN, IDREG_EIR_EXEMPT_PAIRING };

/** The answer for one IMEI (and IMSI). */
struct idreg_eir_verdict {
	enum idreg_eir_status status;
	uint32_t reasons;               /* the register's conditions, as in its states */
	const char *block_date;         /* "" when no blocking condition */
	enum idreg_eir_exemption exempt; /* what kept a due block off */
};

/** An empty register (every IMEI white). */
void idreg_eir_register_init(struct idreg_eir_register *reg);

/**
 * Load the current state from @store into @reg (initialized).  Rows of an
 * IMEI that has no 14-digit form (a malformed field kept raw) are left out:
 * no check can name them.  More than IDREG_EIR_MAX_CONDITIONS condition
 * names is an error.
 */
idreg_err idreg_eir_register_load(struct idreg_eir_register *reg, struct idreg_store *store,
				  struct idreg_diag *diag);

void idreg_eir_register_free(struct idreg_eir_register *reg);

/**
 * The status of the normalized IMEI @imei14 used with @imsi (digits, or
 * NULL/"" when unknown) on @today (YYYY-MM-DD).
 */
void idreg_eir_check(const struct idreg_eir_register *reg, const char *imei14, const char *imsi,
		     const char *today, struct idreg_eir_verdict *out);

/** "white", "grey" or "black". */
const char *idreg_eir_status_name(enum idreg_eir_status status);

/** The digits of an IMSI (6 to 15) as a pairing key; false when it is none. */
bool idreg_eir_imsi_key(const char *imsi, uint64_t *out);

#endif
