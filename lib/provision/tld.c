/*
 * TLD settings: defaults, durations, consistency.  See tld.h.
 */
#include "provision/tld.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define IDREG__TLD_OPTION(name, field, option, days) option,
static const char *const period_options[] = { IDREG_TLD_PERIOD_LIST(IDREG__TLD_OPTION) };
#undef IDREG__TLD_OPTION
#define IDREG__TLD_DAYS(name, field, option, days) days,
static const int period_days[] = { IDREG_TLD_PERIOD_LIST(IDREG__TLD_DAYS) };
#undef IDREG__TLD_DAYS

/* The longest duration a period may have: ten years. */
#define DURATION_MAX ((int64_t)IDREG_TLD_YEARS_MAX * 366 * IDREG_DAY_SECONDS)

const char *idreg_tld_period_option(enum idreg_tld_period period)
{
	return period_options[period];
}

int64_t idreg_tld_period_default(enum idreg_tld_period period)
{
	return (int64_t)period_days[period] * IDREG_DAY_SECONDS;
}

void idreg_tld_defaults(struct idreg_tld *out)
{
	memset(out, 0, sizeof(*out));
	out->min_years = 1;
	out->max_years = IDREG_TLD_YEARS_MAX;
	out->default_years = 1;
	for (int p = 0; p < IDREG_TLD_PERIOD_COUNT; p++) {
		out->periods[p] = idreg_tld_period_default((enum idreg_tld_period)p);
	}
	out->idn_tables = "";
}

static const struct {
	char unit;
	int64_t seconds;
} units[] = { { 'd', IDREG_DAY_SECONDS }, { 'h', 3600 }, { 'm', 60 }, { 's', 1 } };

idreg_err idreg_duration_parse(const char *s, int64_t *out, struct idreg_diag *diag)
{
	int64_t value = 0;
	size_t i = 0;
	for (; isdigit((unsigned char)s[i]) && value <= DURATION_MAX; i++) {
		value = value * 10 + (s[i] - '0');
	}
	if (i == 0 || s[i] == '\0' || s[i + 1] != '\0') {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "\"%s\" is no duration: digits and a unit d, h, m or s (\"5d\")",
				      s);
	}
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (s[i] == units[u].unit) {
			if (value > DURATION_MAX / units[u].seconds) {
				return idreg_diag_set(diag, IDREG_EPARSE,
						      "duration \"%s\" is longer than %d years", s,
						      IDREG_TLD_YEARS_MAX);
			}
			*out = value * units[u].seconds;
			return IDREG_OK;
		}
	}
	return idreg_diag_set(diag, IDREG_EPARSE, "\"%s\": the unit is d, h, m or s", s);
}

void idreg_duration_format(int64_t seconds, char *out, size_t size)
{
	for (size_t u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		if (seconds % units[u].seconds == 0) {
			snprintf(out, size, "%" PRId64 "%c", seconds / units[u].seconds, units[u].unit);
			return;
		}
	}
}

idreg_err idreg_tld_check(const struct idreg_tld *tld, struct idreg_diag *diag)
{
	if (tld->min_years < 1 || tld->max_years > IDREG_TLD_YEARS_MAX ||
	    tld->min_years > tld->max_years) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "periods %d-%d: years from 1 to %d, the first no more than the "
				      "second", tld->min_years, tld->max_years, IDREG_TLD_YEARS_MAX);
	}
	if (tld->default_years < tld->min_years || tld->default_years > tld->max_years) {
		return idreg_diag_set(diag, IDREG_EINVAL, "default period %d is outside %d-%d years",
				      tld->default_years, tld->min_years, tld->max_years);
	}
	if (strlen(tld->idn_tables) > IDREG_TLD_IDN_TABLES_MAX) {
		return idreg_diag_set(diag, IDREG_EINVAL, "IDN tables: more than %d characters",
				      IDREG_TLD_IDN_TABLES_MAX);
	}
	return IDREG_OK;
}

bool idreg_tld_has_idn_table(const struct idreg_tld *tld, const char *tag)
{
	size_t len = strlen(tag);
	for (const char *p = tld->idn_tables; len > 0 && *p != '\0';) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == len && strncmp(p, tag, len) == 0) {
			return true;
		}
		p += n + (comma != NULL);
	}
	return false;
}
