/*
 * libFuzzer target: the email address check of lib/idn (email.c).
 *
 * The input, with its explicit length, is checked as an address.  An
 * address accepted must keep the limits (at most 254 octets, a local part
 * of 1 to 64 octets followed by '@'), and the same address with its domain
 * in the ASCII form the check gave must be accepted again with the same
 * parts.  An address refused has a message, an octet within the input and
 * no domain.  A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idn/email.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static void check_accepted(const char *input, size_t size, const struct idreg_email *email)
{
	check(size <= IDREG_EMAIL_ADDRESS_MAX);
	check(email->local_len >= 1 && email->local_len <= IDREG_EMAIL_LOCAL_MAX);
	check(email->local_len < size && input[email->local_len] == '@');
	size_t domain_len = strlen(email->domain_ascii);
	check(domain_len > 0);
	for (size_t i = 0; i < domain_len; i++) {
		check((unsigned char)email->domain_ascii[i] < 0x80);
	}
	/* A-labels can be longer than the U-labels given: then only the length may fail. */
	char again_text[2 * IDREG_UTS46_ASCII_MAX];
	memcpy(again_text, input, email->local_len + 1);
	memcpy(again_text + email->local_len + 1, email->domain_ascii, domain_len);
	size_t again_len = email->local_len + 1 + domain_len;
	struct idreg_email again;
	idreg_err err = idreg_email_check(again_text, again_len, &again, NULL, NULL);
	if (again_len > IDREG_EMAIL_ADDRESS_MAX) {
		check(err == IDREG_EPARSE);
		return;
	}
	check(err == IDREG_OK);
	check(again.local_len == email->local_len && again.local_quoted == email->local_quoted &&
	      again.local_utf8 == email->local_utf8 && again.domain_kind == email->domain_kind);
	check(strcmp(again.domain_ascii, email->domain_ascii) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *input = (const char *)data;
	struct idreg_email email;
	struct idreg_email_refusal refusal;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_email_check(input, size, &email, &refusal, &diag);
	if (err == IDREG_OK) {
		check_accepted(input, size, &email);
	} else {
		check(err == IDREG_EPARSE && diag.text[0] != '\0');
		check(email.domain_ascii[0] == '\0');
		check(refusal.check <= IDREG_EMAIL_ADDRESS_LITERAL);
		check(refusal.offset <= size);
	}
	return 0;
}
