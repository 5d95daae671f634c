/*
 * Administering the TLDs a registry serves (the operator's side, `idreg
 * tld`): add one, change its settings, keep labels back from registration.
 * Each is one transaction with its change set and history line (object
 * type "tld"; a TLD's text is idreg_tld_format's).
 */
#ifndef IDREG_PROVISION_TLD_ADMIN_H
#define IDREG_PROVISION_TLD_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "idn/uts46.h"
#include "provision/tld.h"
#include "store/store.h"

/** Changes to a TLD's settings, as options give them; unset fields keep theirs. */
struct idreg_tld_edit {
	bool set_years, set_default, set_period[IDREG_TLD_PERIOD_COUNT], set_idn_tables;
	int min_years, max_years, default_years;
	int64_t periods[IDREG_TLD_PERIOD_COUNT];
	const char *idn_tables;
};

/**
 * Read the option @option ("periods" MIN-MAX, "default-period" N, a
 * period's option with a duration, "idn-tables" TAG,...) with @value into
 * @edit.  IDREG_EINVAL for an unknown option or a wrong value, with why.
 */
idreg_err idreg_tld_edit_option(struct idreg_tld_edit *edit, const char *option,
				const char *value, struct idreg_diag *diag);

/**
 * The A-label and U-label forms of the one label @input (either form):
 * IDREG_EINVAL when it is not one valid label.
 */
idreg_err idreg_label_forms(const char *input, char ldh[IDREG_UTS46_ASCII_MAX],
			    char unicode[IDREG_UTS46_UNICODE_MAX], struct idreg_diag *diag);

/** @tld as its history text: one JSON object of its settings. */
idreg_err idreg_tld_format(const struct idreg_tld *tld, struct idreg_buf *out);

/**
 * Add the TLD @name (with @create; defaults, then @edit) or change it, in
 * one transaction by @actor.  EEXIST when added twice, ENOTFOUND when
 * changing one not served, EINVAL when the settings do not hold together.
 */
idreg_err idreg_tld_write(struct idreg_store *store, const char *name, bool create,
			  const struct idreg_tld_edit *edit, const char *actor,
			  struct idreg_diag *diag);

/**
 * Reserve the label @label under the TLD @tld for @reason (with @reserve),
 * or release it, in one transaction by @actor.  ENOTFOUND when the TLD is
 * not served or (releasing) the label is not reserved; EEXIST when it is
 * reserved already.
 */
idreg_err idreg_tld_reserve_label(struct idreg_store *store, const char *tld, const char *label,
				  const char *reason, bool reserve, const char *actor,
				  struct idreg_diag *diag);

#endif
