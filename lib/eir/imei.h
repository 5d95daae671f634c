/*
 * Device and subscriber identities as operators report them: the IMEI (3GPP
 * TS 23.003 clause 6: 8-digit TAC, 6-digit serial number, Luhn check digit
 * or 2-digit software version), the IMSI (MCC, MNC, MSIN) and the MSISDN
 * (E.164 digits).  A raw IMEI field is read as it comes (14 to 16 digits,
 * leading zeros lost by a spreadsheet, stray characters) and normalized to
 * the 14-digit IMEI (TAC + serial) that the register keys everything on;
 * what is wrong with it is said precisely, as a reason a report can count.
 */
#ifndef IDREG_EIR_IMEI_H
#define IDREG_EIR_IMEI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDREG_IMEI_DIGITS 14  /* TAC + serial: the normalized IMEI */
#define IDREG_TAC_DIGITS 8
#define IDREG_IMSI_MAX 15
#define IDREG_MSISDN_MAX 15   /* E.164 */

/*
 * X(NAME, normalized, words): what a raw IMEI field is.  "normalized" says
 * whether a 14-digit IMEI could still be drawn from it.
 */
#define IDREG_IMEI_STATUS_LIST(X)                                                       \
	X(OK, true, "a well-formed IMEI")                                               \
	X(BAD_CHECK_DIGIT, true, "15 digits whose last is not the Luhn check digit")     \
	X(LEADING_ZEROS, true, "8 to 13 digits: leading zeros lost, restored")          \
	X(EMPTY, false, "empty")                                                        \
	X(NON_NUMERIC, false, "a character that is not a decimal digit")                \
	X(TOO_SHORT, false, "fewer than 8 digits")                                      \
	X(TOO_LONG, false, "more than 16 digits")

#define IDREG__IMEI_STATUS_ENUM(name, norm, words) IDREG_IMEI_##name,
enum idreg_imei_status { IDREG_IMEI_STATUS_LIST(IDREG__IMEI_STATUS_ENUM) IDREG_IMEI_STATUS_COUNT };
#undef IDREG__IMEI_STATUS_ENUM

/** A raw IMEI field, read. */
struct idreg_imei {
	enum idreg_imei_status status;
	char imei[IDREG_IMEI_DIGITS + 1]; /* normalized (when the status allows), else "" */
	char svn[3];          /* software version of a 16-digit IMEISV, else "" */
	int check_digit;      /* as given in a 15-digit IMEI, else -1 */
	size_t bad_at;        /* NON_NUMERIC: offset of the first non-digit */
};

/** Read the raw IMEI field @raw (@len bytes, any content) into @out; returns out->status. */
enum idreg_imei_status idreg_imei_parse(const char *raw, size_t len, struct idreg_imei *out);

/** Does a field of this status still give a normalized IMEI? */
bool idreg_imei_status_normalized(enum idreg_imei_status status);

/** "BAD_CHECK_DIGIT" etc. (lower-case in reports: "bad_check_digit"). */
const char *idreg_imei_status_name(enum idreg_imei_status status);

/** What the status means, in words. */
const char *idreg_imei_status_text(enum idreg_imei_status status);

/** The Luhn check digit (TS 23.003 Annex B) of the 14 digits at @imei14. */
int idreg_imei_check_digit(const char *imei14);

/** Is the TAC of @imei14 in the test range 001xxxxx (GSMA TS.06 test IMEIs)? */
bool idreg_imei_is_test(const char *imei14);

/** The same for a TAC given as its number (the 8 digits read as decimal). */
bool idreg_tac_is_test(uint32_t tac);

/** An IMSI split as TS 23.003 clause 2.2 does. */
struct idreg_imsi {
	char digits[IDREG_IMSI_MAX + 1];
	char mcc[4];
	char mnc[4];          /* 2 or 3 digits */
};

/*
 * Read an IMSI: 6 to 15 decimal digits.  The MNC has 3 digits when the MCC
 * is in @mnc3_mccs (a list of 3-digit MCCs separated by commas or spaces,
 * NULL: none), else 2.  false when it is no IMSI.
 */
bool idreg_imsi_parse(const char *raw, size_t len, const char *mnc3_mccs, struct idreg_imsi *out);

/** Read an MSISDN: E.164, an optional '+' and 1 to 15 digits, into @out (digits only). */
bool idreg_msisdn_parse(const char *raw, size_t len, char out[IDREG_MSISDN_MAX + 1]);

/**
 * Does @digits begin with one of the codes of @list (digit strings separated
 * by commas or spaces; NULL or empty: none)?  An IMSI of a home MCC, an MSISDN
 * of a home country code.
 */
bool idreg_digits_start_listed(const char *digits, const char *list);

/** Days since 1970-01-01 of a valid date YYYY-MM-DD (the EIR files' dates), or -1. */
int64_t idreg_eir_date_days(const char *s);

/** The date of day number @days (since 1970-01-01) as YYYY-MM-DD. */
void idreg_eir_date_text(int64_t days, char out[11]);

#endif
