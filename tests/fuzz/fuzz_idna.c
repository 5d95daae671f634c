/*
 * libFuzzer target: the registration check of lib/idn (idna2008.c) and
 * Punycode (punycode.c).
 *
 * The input, with its explicit length and no terminating NUL, is checked as
 * a name for registration.  A name accepted must make sense: its A-label
 * form is lower-case LDH of at most 253 octets; both its forms are accepted
 * again and give the same two forms; and lookup (UTS #46) turns the input
 * into the same A-label form, unless it mixes A-labels and U-labels, which
 * lookup refuses.  A name refused has a message and empty forms.  Then the
 * input is decoded as Punycode: what decodes must encode back to the input
 * (digits in lower case).  A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idn/idna2008.h"
#include "idn/punycode.h"
#include "idn/uts46.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static void check_accepted(const char *input, size_t size, const struct idreg_idna2008_name *name)
{
	size_t len = strlen(name->ascii);
	check(len > 0 && len <= IDREG_DNS_NAME_MAX && idreg_uts46_is_ldh(name->ascii, len));
	for (size_t i = 0; i < len; i++) {
		check(!(name->ascii[i] >= 'A' && name->ascii[i] <= 'Z'));
	}
	const char *forms[2] = { name->ascii, name->unicode };
	for (size_t f = 0; f < 2; f++) {
		struct idreg_idna2008_name again;
		check(idreg_idna2008_check_name(forms[f], strlen(forms[f]), &again, NULL, NULL) ==
		      IDREG_OK);
		check(strcmp(again.ascii, name->ascii) == 0);
		check(strcmp(again.unicode, name->unicode) == 0);
	}
	char looked_up[IDREG_UTS46_ASCII_MAX];
	if (idreg_uts46_to_ascii(input, size, looked_up, sizeof(looked_up), NULL) == IDREG_OK) {
		check(strcmp(looked_up, name->ascii) == 0);
	} else {
		check(idreg_uts46_mixed_labels(input, size));
	}
}

/* Decode as Punycode; what decodes encodes back to the input, digits in lower case. */
static void check_punycode(const char *input, size_t size)
{
	uint32_t cps[256];
	size_t n;
	if (size > 4096 || idreg_punycode_decode(input, size, cps, 256, &n, NULL) != IDREG_OK) {
		return;
	}
	char out[4096 + 2];
	size_t len;
	check(idreg_punycode_encode(cps, n, out, sizeof(out), &len, NULL) == IDREG_OK);
	check(len == size);
	const char *delimiter = memrchr(input, '-', size);
	size_t digits = delimiter ? (size_t)(delimiter - input) + 1 : 0;
	check(memcmp(out, input, digits) == 0);
	for (size_t i = digits; i < size; i++) {
		char c = input[i];
		check(out[i] == (c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *input = (const char *)data;
	struct idreg_idna2008_name name;
	struct idreg_idna2008_refusal refusal;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_idna2008_check_name(input, size, &name, &refusal, &diag);
	if (err == IDREG_OK) {
		check_accepted(input, size, &name);
	} else {
		check(err == IDREG_EPARSE && diag.text[0] != '\0');
		check(name.ascii[0] == '\0' && name.unicode[0] == '\0');
		check(refusal.check <= IDREG_IDNA2008_ROUND_TRIP);
	}
	check_punycode(input, size);
	return 0;
}
