/*
 * libFuzzer target: the IMEI, IMSI and MSISDN readers of lib/eir (imei.c).
 *
 * The input, with its explicit length, is read as each.  An IMEI whose
 * status gives a normalized form has exactly 14 digits, and writing those
 * digits with their Luhn check digit reads back as the same IMEI with the
 * status OK; one that does not has an empty form (and a non-digit at the
 * offset given).  An IMSI read has 6 to 15 digits, beginning with its MCC
 * and MNC; an MSISDN at most 15 digits.  A violation calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eir/imei.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static bool digits_only(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *input = (const char *)data;
	struct idreg_imei imei;
	enum idreg_imei_status status = idreg_imei_parse(input, size, &imei);
	check(status == imei.status && (unsigned)status < IDREG_IMEI_STATUS_COUNT);
	if (idreg_imei_status_normalized(status)) {
		check(strlen(imei.imei) == IDREG_IMEI_DIGITS && digits_only(imei.imei, IDREG_IMEI_DIGITS));
		char again_text[IDREG_IMEI_DIGITS + 1];
		memcpy(again_text, imei.imei, IDREG_IMEI_DIGITS);
		again_text[IDREG_IMEI_DIGITS] = (char)('0' + idreg_imei_check_digit(imei.imei));
		struct idreg_imei again;
		check(idreg_imei_parse(again_text, sizeof(again_text), &again) == IDREG_IMEI_OK);
		check(strcmp(again.imei, imei.imei) == 0);
	} else {
		check(imei.imei[0] == '\0');
		if (status == IDREG_IMEI_NON_NUMERIC) {
			check(imei.bad_at < size && (input[imei.bad_at] < '0' || input[imei.bad_at] > '9'));
		}
	}

	struct idreg_imsi imsi;
	if (idreg_imsi_parse(input, size, "310,311,312", &imsi)) {
		size_t n = strlen(imsi.digits);
		check(n >= 6 && n <= IDREG_IMSI_MAX && n == size && digits_only(imsi.digits, n));
		size_t mnc = strlen(imsi.mnc);
		check(strlen(imsi.mcc) == 3 && (mnc == 2 || mnc == 3));
		check(memcmp(imsi.digits, imsi.mcc, 3) == 0 && memcmp(imsi.digits + 3, imsi.mnc, mnc) == 0);
	}
	char msisdn[IDREG_MSISDN_MAX + 1];
	if (idreg_msisdn_parse(input, size, msisdn)) {
		size_t n = strlen(msisdn);
		check(n >= 1 && n <= IDREG_MSISDN_MAX && digits_only(msisdn, n) && msisdn[0] != '0');
	}
	return 0;
}
