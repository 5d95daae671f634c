/*
 * The TLDs a registry serves (tables tld and tld_reserved): for each, the
 * registration periods it allows, its grace and hold periods (RFC 3915),
 * the IDN tables a name under it may be registered with, and the labels it
 * keeps back from registration.
 *
 * The defaults follow common practice for gTLDs: periods of 1 to 10 years
 * (RFC 5731 3.2.1 bounds a period at 99, ICANN's Registry Agreement
 * Specification 6 and the RAA cap registrations at 10 years), one year by
 * default; add grace 5 days, renew grace 5 days, auto-renew grace 45 days,
 * transfer grace 5 days, redemption 30 days, pending delete 5 days (RFC
 * 3915 section 3.1 and ICANN's Registry Agreement, Specification 6 and the
 * AGP Limits Policy), and 5 days before a pending transfer is approved by
 * the registry (ICANN Transfer Policy, section I.A.3.4).
 */
#ifndef IDREG_PROVISION_TLD_H
#define IDREG_PROVISION_TLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

#define IDREG_TLD_YEARS_MAX 10
#define IDREG_DAY_SECONDS 86400
/* The IDN tables a TLD lists, as text "tag,tag": at most this long. */
#define IDREG_TLD_IDN_TABLES_MAX 255
/* A reservation's reason: at most this long. */
#define IDREG_TLD_REASON_MAX 255

/* X(NAME, field, option, default in days): the periods of a TLD, in seconds. */
#define IDREG_TLD_PERIOD_LIST(X)                                                 \
	X(ADD_GRACE, add_grace, "add-grace", 5)                                  \
	X(RENEW_GRACE, renew_grace, "renew-grace", 5)                            \
	X(AUTORENEW_GRACE, autorenew_grace, "autorenew-grace", 45)               \
	X(TRANSFER_GRACE, transfer_grace, "transfer-grace", 5)                   \
	X(REDEMPTION, redemption, "redemption", 30)                              \
	X(PENDING_DELETE, pending_delete, "pending-delete", 5)                   \
	X(TRANSFER_WAIT, transfer_wait, "transfer-wait", 5)

#define IDREG__TLD_PERIOD_ENUM(name, field, option, days) IDREG_TLD_##name,
enum idreg_tld_period { IDREG_TLD_PERIOD_LIST(IDREG__TLD_PERIOD_ENUM) IDREG_TLD_PERIOD_COUNT };
#undef IDREG__TLD_PERIOD_ENUM

struct idreg_tld {
	int64_t id;               /* the history's object id; set by the store */
	const char *name;         /* A-label form, lower case, no dots */
	const char *unicode_name;
	int min_years, max_years, default_years;
	int64_t periods[IDREG_TLD_PERIOD_COUNT]; /* seconds */
	const char *idn_tables;   /* tags separated by commas; "": none (the zone's LGR) */
	const char *created_at, *changed_at; /* ISO 8601 UTC; set by the store */
};

/** The option name ("add-grace", ...) and the default in seconds of a period. */
const char *idreg_tld_period_option(enum idreg_tld_period period);
int64_t idreg_tld_period_default(enum idreg_tld_period period);

/** A TLD with every setting at its default (name and unicode_name NULL). */
void idreg_tld_defaults(struct idreg_tld *out);

/**
 * A duration: digits and a unit, "d" days, "h" hours, "m" minutes, "s"
 * seconds ("5d", "36h"), up to 10 years.  IDREG_EPARSE otherwise.
 */
idreg_err idreg_duration_parse(const char *s, int64_t *out, struct idreg_diag *diag);

/** @seconds as a duration text: the largest unit that divides it ("5d"). */
void idreg_duration_format(int64_t seconds, char *out, size_t size);

/** Are the years consistent (1 <= min <= default <= max <= 10)?  EINVAL with why. */
idreg_err idreg_tld_check(const struct idreg_tld *tld, struct idreg_diag *diag);

/** Does @tld list the IDN table @tag? */
bool idreg_tld_has_idn_table(const struct idreg_tld *tld, const char *tag);

/** A label kept back: its TLD (A-label), the label (A-label) and why. */
struct idreg_tld_reserved {
	const char *tld, *label, *reason;
};

#endif
