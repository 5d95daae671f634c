/*
 * IMEI, IMSI and MSISDN parsing; see imei.h.
 */
#include "eir/imei.h"

#include <stdio.h>
#include <string.h>

#define STATUS_NORMALIZED(name, norm, words) norm,
static const bool status_normalized[] = { IDREG_IMEI_STATUS_LIST(STATUS_NORMALIZED) };
#undef STATUS_NORMALIZED
#define STATUS_NAME(name, norm, words) #name,
static const char *const status_names[] = { IDREG_IMEI_STATUS_LIST(STATUS_NAME) };
#undef STATUS_NAME
#define STATUS_TEXT(name, norm, words) words,
static const char *const status_texts[] = { IDREG_IMEI_STATUS_LIST(STATUS_TEXT) };
#undef STATUS_TEXT

/* Shortest digit string read as an IMEI whose leading zeros were lost: a TAC's worth. */
#define MIN_RESTORED_DIGITS 8
#define IMEISV_DIGITS 16

bool idreg_imei_status_normalized(enum idreg_imei_status status)
{
	return (unsigned)status < IDREG_IMEI_STATUS_COUNT && status_normalized[status];
}

const char *idreg_imei_status_name(enum idreg_imei_status status)
{
	return (unsigned)status < IDREG_IMEI_STATUS_COUNT ? status_names[status] : "UNKNOWN";
}

const char *idreg_imei_status_text(enum idreg_imei_status status)
{
	return (unsigned)status < IDREG_IMEI_STATUS_COUNT ? status_texts[status] : "unknown";
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int idreg_imei_check_digit(const char *imei14)
{
	/* Digits are labelled D14 (first) .. D1 (last); the odd-labelled ones
	 * (D1, D3, ..: positions 13, 11, .. from the left) are doubled and the
	 * digits of the products summed with the even-labelled digits. */
	int sum = 0;
	for (int i = 0; i < IDREG_IMEI_DIGITS; i++) {
		int d = imei14[i] - '0';
		if ((IDREG_IMEI_DIGITS - i) % 2 == 1) {
			d *= 2;
			d = d / 10 + d % 10;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

bool idreg_tac_is_test(uint32_t tac)
{
	return tac / 100000 == 1; /* 001xxxxx */
}

bool idreg_imei_is_test(const char *imei14)
{
	uint32_t tac = 0;
	for (int i = 0; i < IDREG_TAC_DIGITS; i++) {
		if (imei14[i] < '0' || imei14[i] > '9') {
			return false;
		}
		tac = tac * 10 + (uint32_t)(imei14[i] - '0');
	}
	return idreg_tac_is_test(tac);
}

enum idreg_imei_status idreg_imei_parse(const char *raw, size_t len, struct idreg_imei *out)
{
	memset(out, 0, sizeof(*out));
	out->check_digit = -1;
	if (len == 0) {
		return out->status = IDREG_IMEI_EMPTY;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(raw[i])) {
			out->bad_at = i;
			return out->status = IDREG_IMEI_NON_NUMERIC;
		}
	}
	if (len > IMEISV_DIGITS) {
		return out->status = IDREG_IMEI_TOO_LONG;
	}
	if (len < MIN_RESTORED_DIGITS) {
		return out->status = IDREG_IMEI_TOO_SHORT;
	}
	if (len < IDREG_IMEI_DIGITS) {
		size_t zeros = IDREG_IMEI_DIGITS - len;
		memset(out->imei, '0', zeros);
		memcpy(out->imei + zeros, raw, len);
		return out->status = IDREG_IMEI_LEADING_ZEROS;
	}
	memcpy(out->imei, raw, IDREG_IMEI_DIGITS);
	out->status = IDREG_IMEI_OK;
	if (len == IDREG_IMEI_DIGITS + 1) {
		out->check_digit = raw[IDREG_IMEI_DIGITS] - '0';
		if (out->check_digit != idreg_imei_check_digit(out->imei)) {
			out->status = IDREG_IMEI_BAD_CHECK_DIGIT;
		}
	} else if (len == IMEISV_DIGITS) {
		memcpy(out->svn, raw + IDREG_IMEI_DIGITS, 2);
	}
	return out->status;
}

bool idreg_digits_start_listed(const char *digits, const char *list)
{
	if (list == NULL) {
		return false;
	}
	const char *p = list;
	while (*p != '\0') {
		while (*p == ',' || *p == ' ') {
			p++;
		}
		size_t n = strcspn(p, ", ");
		if (n > 0 && strncmp(digits, p, n) == 0) {
			return true;
		}
		p += n;
	}
	return false;
}

static bool all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!is_digit(s[i])) {
			return false;
		}
	}
	return true;
}

bool idreg_imsi_parse(const char *raw, size_t len, const char *mnc3_mccs, struct idreg_imsi *out)
{
	memset(out, 0, sizeof(*out));
	if (len < 6 || len > IDREG_IMSI_MAX || !all_digits(raw, len)) {
		return false;
	}
	memcpy(out->digits, raw, len);
	memcpy(out->mcc, raw, 3);
	size_t mnc_len = idreg_digits_start_listed(out->mcc, mnc3_mccs) ? 3 : 2;
	memcpy(out->mnc, raw + 3, mnc_len);
	return true;
}

bool idreg_msisdn_parse(const char *raw, size_t len, char out[IDREG_MSISDN_MAX + 1])
{
	out[0] = '\0';
	if (len > 0 && raw[0] == '+') {
		raw++;
		len--;
	}
	if (len == 0 || len > IDREG_MSISDN_MAX || !all_digits(raw, len) || raw[0] == '0') {
		return false;
	}
	memcpy(out, raw, len);
	out[len] = '\0';
	return true;
}

static bool is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* With Howard Hinnant's days_from_civil. */
int64_t idreg_eir_date_days(const char *s)
{
	unsigned y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || y < 1900 || m < 1 || m > 12 ||
	    d < 1) {
		return -1;
	}
	static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (d > mdays[m - 1] + (m == 2 && is_leap(y))) {
		return -1;
	}
	int64_t yy = (int64_t)y - (m <= 2);
	int64_t era = yy / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* With Howard Hinnant's civil_from_days. */
void idreg_eir_date_text(int64_t days, char out[11])
{
	int64_t z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned d = doy - (153 * mp + 2) / 5 + 1;
	unsigned m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = (int64_t)yoe + era * 400 + (m <= 2);
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y % 10000), m % 100, d % 100);
}
