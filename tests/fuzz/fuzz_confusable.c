/*
 * libFuzzer target: the confusable check and skeleton of lib/idn
 * (confusable.c).
 *
 * The input, with its explicit length, is checked as a label at every
 * restriction level.  The verdict must agree with the result (accepted:
 * no problem; refused: a problem and a message), a label that cannot be
 * read is refused alike at every level, and a label accepted at one level
 * is accepted at every looser one, with the same level of its own.  A
 * label that can be read has a skeleton that fits the documented room and
 * is the skeleton of the same input with its ASCII letters in upper case.
 * A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "idn/confusable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static void check_skeleton(const char *input, size_t size)
{
	static char skeleton[IDREG_CONFUSABLE_SKELETON_MAX], upper_skeleton[IDREG_CONFUSABLE_SKELETON_MAX];
	check(idreg_confusable_skeleton(input, size, skeleton, sizeof(skeleton), NULL) == IDREG_OK);
	check(strlen(skeleton) < sizeof(skeleton));
	char upper[IDREG_CONFUSABLE_INPUT_MAX];
	for (size_t i = 0; i < size; i++) {
		upper[i] = input[i] >= 'a' && input[i] <= 'z' ? (char)(input[i] - 'a' + 'A') : input[i];
	}
	check(idreg_confusable_skeleton(upper, size, upper_skeleton, sizeof(upper_skeleton), NULL) ==
	      IDREG_OK);
	check(strcmp(skeleton, upper_skeleton) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *input = (const char *)data;
	bool accepted_before = false, readable = true;
	enum idreg_confusable_level own_level = IDREG_CONFUSABLE_UNRESTRICTED;
	for (int level = IDREG_CONFUSABLE_ASCII; level <= IDREG_CONFUSABLE_UNRESTRICTED; level++) {
		struct idreg_confusable_verdict v;
		struct idreg_diag diag = { "" };
		idreg_err err = idreg_confusable_check(input, size, (enum idreg_confusable_level)level,
						       &v, &diag);
		check(err == IDREG_OK || err == IDREG_EPARSE);
		check((err == IDREG_OK) == (v.problem == IDREG_CONFUSABLE_NONE));
		check(err == IDREG_OK || diag.text[0] != '\0');
		check(v.level <= IDREG_CONFUSABLE_UNRESTRICTED);
		if (level == IDREG_CONFUSABLE_ASCII) {
			readable = v.problem != IDREG_CONFUSABLE_INPUT;
			own_level = v.level;
		}
		check(readable == (v.problem != IDREG_CONFUSABLE_INPUT));
		check(!readable || v.level == own_level);
		check(!accepted_before || err == IDREG_OK);
		accepted_before = err == IDREG_OK;
	}
	if (readable) {
		check_skeleton(input, size);
	}
	return 0;
}
