/*
 * TLD administration: options, names, history text, the transactions.
 * See tld_admin.h.
 */
#include "provision/tld_admin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domains/domain.h"

/* History texts of a TLD are small. */
#define TLD_TEXT_MAX 4096

/* A whole number from 1 to IDREG_TLD_YEARS_MAX spelled by @s of @len bytes, or 0. */
static int years_value(const char *s, size_t len)
{
	if (len == 0 || len > 2) {
		return 0;
	}
	int v = 0;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			return 0;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v >= 1 && v <= IDREG_TLD_YEARS_MAX ? v : 0;
}

/* Tags separated by commas, each 1 to 64 of [A-Za-z0-9-]; "" lists none. */
static bool tags_valid(const char *s)
{
	if (*s == '\0') {
		return true;
	}
	size_t run = 0;
	for (const char *p = s;; p++) {
		if (*p == ',' || *p == '\0') {
			if (run == 0 || run > 64) {
				return false;
			}
			if (*p == '\0') {
				return true;
			}
			run = 0;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			run++;
		} else {
			return false;
		}
	}
}

idreg_err idreg_tld_edit_option(struct idreg_tld_edit *edit, const char *option,
				const char *value, struct idreg_diag *diag)
{
	if (strcmp(option, "periods") == 0) {
		const char *dash = strchr(value, '-');
		int min = dash ? years_value(value, (size_t)(dash - value)) : 0;
		int max = dash ? years_value(dash + 1, strlen(dash + 1)) : 0;
		if (min == 0 || max == 0) {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "--periods %s: MIN-MAX, years from 1 to %d", value,
					      IDREG_TLD_YEARS_MAX);
		}
		edit->set_years = true;
		edit->min_years = min;
		edit->max_years = max;
		return IDREG_OK;
	}
	if (strcmp(option, "default-period") == 0) {
		edit->default_years = years_value(value, strlen(value));
		if (edit->default_years == 0) {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "--default-period %s: years from 1 to %d", value,
					      IDREG_TLD_YEARS_MAX);
		}
		edit->set_default = true;
		return IDREG_OK;
	}
	if (strcmp(option, "idn-tables") == 0) {
		if (!tags_valid(value) || strlen(value) > IDREG_TLD_IDN_TABLES_MAX) {
			return idreg_diag_set(diag, IDREG_EINVAL,
					      "--idn-tables %s: table tags (letters, digits, '-') "
					      "separated by commas, at most %d characters",
					      value, IDREG_TLD_IDN_TABLES_MAX);
		}
		edit->set_idn_tables = true;
		edit->idn_tables = value;
		return IDREG_OK;
	}
	for (int p = 0; p < IDREG_TLD_PERIOD_COUNT; p++) {
		if (strcmp(option, idreg_tld_period_option((enum idreg_tld_period)p)) == 0) {
			struct idreg_diag why = { "" };
			if (idreg_duration_parse(value, &edit->periods[p], &why) != IDREG_OK) {
				return idreg_diag_set(diag, IDREG_EINVAL, "--%s: %s", option, why.text);
			}
			edit->set_period[p] = true;
			return IDREG_OK;
		}
	}
	return idreg_diag_set(diag, IDREG_EINVAL, "no TLD setting --%s", option);
}

static void apply_edit(struct idreg_tld *tld, const struct idreg_tld_edit *edit)
{
	if (edit->set_years) {
		tld->min_years = edit->min_years;
		tld->max_years = edit->max_years;
		if (!edit->set_default && (tld->default_years < tld->min_years ||
					   tld->default_years > tld->max_years)) {
			tld->default_years = tld->min_years;
		}
	}
	if (edit->set_default) {
		tld->default_years = edit->default_years;
	}
	for (int p = 0; p < IDREG_TLD_PERIOD_COUNT; p++) {
		if (edit->set_period[p]) {
			tld->periods[p] = edit->periods[p];
		}
	}
	if (edit->set_idn_tables) {
		tld->idn_tables = edit->idn_tables;
	}
}

idreg_err idreg_label_forms(const char *input, char ldh[IDREG_UTS46_ASCII_MAX],
			    char unicode[IDREG_UTS46_UNICODE_MAX], struct idreg_diag *diag)
{
	struct idreg_diag why = { "" };
	idreg_err err = idreg_uts46_to_ascii(input, strlen(input), ldh, IDREG_UTS46_ASCII_MAX, &why);
	if (err == IDREG_OK) {
		err = idreg_uts46_to_unicode(ldh, strlen(ldh), unicode, IDREG_UTS46_UNICODE_MAX, &why);
	}
	if (err != IDREG_OK) {
		return idreg_diag_set(diag, IDREG_EINVAL, "\"%s\" is no valid label: %s", input,
				      why.text);
	}
	if (ldh[0] == '\0' || strchr(ldh, '.') != NULL) {
		return idreg_diag_set(diag, IDREG_EINVAL, "\"%s\" is not one label", input);
	}
	return IDREG_OK;
}

idreg_err idreg_tld_format(const struct idreg_tld *tld, struct idreg_buf *out)
{
	idreg_err err = idreg_buf_puts(out, "{\"name\":");
	if (err == IDREG_OK) {
		err = idreg_json_string(out, tld->name);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, ",\"periods\":\"%d-%d\",\"default_period\":%d",
				       tld->min_years, tld->max_years, tld->default_years);
	}
	for (int p = 0; err == IDREG_OK && p < IDREG_TLD_PERIOD_COUNT; p++) {
		char d[32];
		idreg_duration_format(tld->periods[p], d, sizeof(d));
		err = idreg_buf_printf(out, ",\"%s\":\"%s\"",
				       idreg_tld_period_option((enum idreg_tld_period)p), d);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_puts(out, ",\"idn_tables\":");
	}
	if (err == IDREG_OK) {
		err = idreg_json_string(out, tld->idn_tables);
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "}") : err;
}

/* A transaction with its change set: begun, or failed with nothing begun. */
static idreg_err change_begin(struct idreg_store *store, const char *actor, int64_t *change_set,
			      struct idreg_diag *diag)
{
	idreg_err err = store->ops->begin(store, diag);
	if (err != IDREG_OK) {
		return err;
	}
	char now[32];
	idreg_store_now(now, sizeof(now));
	err = store->ops->change_set_add(store, now, actor, NULL, NULL, change_set, diag);
	if (err != IDREG_OK) {
		store->ops->rollback(store);
	}
	return err;
}

/* Commit after @err IDREG_OK, else roll back; @err or the commit's. */
static idreg_err change_end(struct idreg_store *store, idreg_err err, struct idreg_diag *diag)
{
	if (err == IDREG_OK) {
		return store->ops->commit(store, diag);
	}
	store->ops->rollback(store);
	return err;
}

static idreg_err history_line(struct idreg_store *store, int64_t change_set, int64_t id,
			      enum idreg_change change, const char *before, const char *after,
			      struct idreg_diag *diag)
{
	struct idreg_history_entry h = { change_set, "tld", id, id, change, before, after };
	return store->ops->history_add(store, &h, diag);
}

idreg_err idreg_tld_write(struct idreg_store *store, const char *name, bool create,
			  const struct idreg_tld_edit *edit, const char *actor,
			  struct idreg_diag *diag)
{
	char ldh[IDREG_UTS46_ASCII_MAX], unicode[IDREG_UTS46_UNICODE_MAX];
	idreg_err err = idreg_label_forms(name, ldh, unicode, diag);
	if (err != IDREG_OK) {
		return err;
	}
	int64_t change_set = 0;
	err = change_begin(store, actor, &change_set, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024, 0);
	struct idreg_buf before, after;
	idreg_buf_init(&before, TLD_TEXT_MAX);
	idreg_buf_init(&after, TLD_TEXT_MAX);
	struct idreg_tld tld;
	if (create) {
		idreg_tld_defaults(&tld);
	} else {
		err = store->ops->tld_get(store, ldh, &arena, &tld, diag);
		if (err == IDREG_OK) {
			err = idreg_tld_format(&tld, &before);
		}
	}
	if (err == IDREG_OK) {
		tld.name = ldh;
		tld.unicode_name = unicode;
		apply_edit(&tld, edit);
		err = idreg_tld_check(&tld, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->tld_put(store, &tld, create, diag);
	}
	if (err == IDREG_OK && !create) {
		err = idreg_tld_format(&tld, &after);
	}
	if (err == IDREG_OK) {
		err = history_line(store, change_set, tld.id,
				   create ? IDREG_CHANGE_CREATE : IDREG_CHANGE_UPDATE,
				   create ? NULL : before.data, create ? NULL : after.data, diag);
	}
	err = change_end(store, err, diag);
	idreg_buf_free(&before);
	idreg_buf_free(&after);
	idreg_arena_free(&arena);
	return err;
}

/* A label's reservation as history text. */
static idreg_err reservation_text(struct idreg_buf *out, const char *label, const char *reason)
{
	idreg_err err = idreg_buf_puts(out, "{\"label\":");
	if (err == IDREG_OK) {
		err = idreg_json_string(out, label);
	}
	if (err == IDREG_OK) {
		err = idreg_buf_printf(out, ",\"reserved\":%s", reason ? "true" : "false");
	}
	if (err == IDREG_OK && reason != NULL) {
		err = idreg_buf_puts(out, ",\"reason\":");
		if (err == IDREG_OK) {
			err = idreg_json_string(out, reason);
		}
	}
	return err == IDREG_OK ? idreg_buf_puts(out, "}") : err;
}

idreg_err idreg_tld_reserve_label(struct idreg_store *store, const char *tld, const char *label,
				  const char *reason, bool reserve, const char *actor,
				  struct idreg_diag *diag)
{
	char tld_ldh[IDREG_UTS46_ASCII_MAX], tld_unicode[IDREG_UTS46_UNICODE_MAX];
	char ldh[IDREG_UTS46_ASCII_MAX], unicode[IDREG_UTS46_UNICODE_MAX];
	idreg_err err = idreg_label_forms(tld, tld_ldh, tld_unicode, diag);
	if (err == IDREG_OK) {
		err = idreg_label_forms(label, ldh, unicode, diag);
	}
	if (err == IDREG_OK && reserve &&
	    (reason == NULL || reason[0] == '\0' || strlen(reason) > IDREG_TLD_REASON_MAX)) {
		err = idreg_diag_set(diag, IDREG_EINVAL, "--reason: 1 to %d bytes",
				     IDREG_TLD_REASON_MAX);
	}
	int64_t change_set = 0;
	if (err == IDREG_OK) {
		err = change_begin(store, actor, &change_set, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024, 0);
	struct idreg_buf before, after;
	idreg_buf_init(&before, TLD_TEXT_MAX);
	idreg_buf_init(&after, TLD_TEXT_MAX);
	struct idreg_tld t;
	const char *old_reason = NULL;
	err = store->ops->tld_get(store, tld_ldh, &arena, &t, diag);
	if (err == IDREG_OK && !reserve) {
		err = store->ops->tld_reserved_get(store, tld_ldh, ldh, &arena, &old_reason, diag);
	}
	if (err == IDREG_OK) {
		struct idreg_tld_reserved r = { tld_ldh, ldh, reason };
		err = reserve ? store->ops->tld_reserve(store, &r, diag)
			      : store->ops->tld_unreserve(store, tld_ldh, ldh, diag);
	}
	if (err == IDREG_OK) {
		err = reservation_text(&before, ldh, old_reason);
	}
	if (err == IDREG_OK) {
		err = reservation_text(&after, ldh, reserve ? reason : NULL);
	}
	if (err == IDREG_OK) {
		err = history_line(store, change_set, t.id, IDREG_CHANGE_UPDATE, before.data,
				   after.data, diag);
	}
	err = change_end(store, err, diag);
	idreg_buf_free(&before);
	idreg_buf_free(&after);
	idreg_arena_free(&arena);
	return err;
}
