/*
 * libFuzzer target: segments of observations (lib/eir/segment.c) as the
 * classification reads them from the store, and the integer codes of IMSIs
 * and MSISDNs.
 *
 * The input is opened as a segment; when accepted, its rows lie within it
 * and its malformed entries, walked to the end, each lie within it and end
 * exactly at its end.  The input as text (up to its first NUL) is coded:
 * a string of up to 17 digits gives back the same digits, anything else no
 * digits.  A violation calls abort().
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eir/segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idreg_eir_segment_view view;
	struct idreg_diag diag = { "" };
	if (idreg_eir_segment_open(data, size, &view, &diag) == IDREG_OK) {
		const uint8_t *end = data + size;
		check(view.rows + view.n_rows * sizeof(struct idreg_eir_segment_row) == view.malformed);
		check(view.malformed + view.malformed_size == end);
		size_t at = 0, seen = 0;
		const char *imei;
		size_t len;
		uint32_t days;
		uint16_t month;
		while (idreg_eir_segment_malformed(&view, &at, &imei, &len, &days, &month)) {
			check((const uint8_t *)imei + len <= end && len <= IDREG_EIR_SEGMENT_MAX_IMEI);
			seen++;
		}
		check(at == view.malformed_size);
	} else {
		check(diag.text[0] != '\0');
	}
	char text[64];
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;
	memcpy(text, data, n);
	text[n] = '\0';
	size_t digits = strspn(text, "0123456789");
	char back[18];
	bool coded = idreg_eir_code_digits(idreg_eir_digits_code(text), back);
	if (text[digits] == '\0' && digits <= 17) {
		check(coded && strcmp(back, text) == 0);
	} else {
		check(!coded);
	}
	return 0;
}
