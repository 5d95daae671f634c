/*
 * Unit tests for lib/idn/punycode.c: the sample strings of RFC 3492 section
 * 7.1, (A) to (S), encoded and decoded (the code points and the Punycode as
 * the RFC lists them; the RFC's upper-case letters in (D), (J), (K), (L),
 * (M), (N) and (P) are basic code points, copied as they are), and the ways
 * a Punycode string can be malformed, each refused with its reason.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "idn/punycode.h"

struct sample {
	const char *name;
	uint32_t cps[64];
	size_t n;
	const char *punycode;
};

static const struct sample samples[] = {
	{ "(A) Arabic (Egyptian)",
	  { 0x0644, 0x064A, 0x0647, 0x0645, 0x0627, 0x0628, 0x062A, 0x0643, 0x0644, 0x0645, 0x0648,
	    0x0634, 0x0639, 0x0631, 0x0628, 0x064A, 0x061F },
	  17, "egbpdaj6bu4bxfgehfvwxn" },
	{ "(B) Chinese (simplified)",
	  { 0x4ED6, 0x4EEC, 0x4E3A, 0x4EC0, 0x4E48, 0x4E0D, 0x8BF4, 0x4E2D, 0x6587 },
	  9, "ihqwcrb4cv8a8dqg056pqjye" },
	{ "(C) Chinese (traditional)",
	  { 0x4ED6, 0x5011, 0x7232, 0x4EC0, 0x9EBD, 0x4E0D, 0x8AAA, 0x4E2D, 0x6587 },
	  9, "ihqwctvzc91f659drss3x8bo0yb" },
	{ "(D) Czech",
	  { 0x0050, 0x0072, 0x006F, 0x010D, 0x0070, 0x0072, 0x006F, 0x0073, 0x0074, 0x011B, 0x006E,
	    0x0065, 0x006D, 0x006C, 0x0075, 0x0076, 0x00ED, 0x010D, 0x0065, 0x0073, 0x006B, 0x0079 },
	  22, "Proprostnemluvesky-uyb24dma41a" },
	{ "(E) Hebrew",
	  { 0x05DC, 0x05DE, 0x05D4, 0x05D4, 0x05DD, 0x05E4, 0x05E9, 0x05D5, 0x05D8, 0x05DC, 0x05D0,
	    0x05DE, 0x05D3, 0x05D1, 0x05E8, 0x05D9, 0x05DD, 0x05E2, 0x05D1, 0x05E8, 0x05D9, 0x05EA },
	  22, "4dbcagdahymbxekheh6e0a7fei0b" },
	{ "(F) Hindi (Devanagari)",
	  { 0x092F, 0x0939, 0x0932, 0x094B, 0x0917, 0x0939, 0x093F, 0x0928, 0x094D, 0x0926,
	    0x0940, 0x0915, 0x094D, 0x092F, 0x094B, 0x0902, 0x0928, 0x0939, 0x0940, 0x0902,
	    0x092C, 0x094B, 0x0932, 0x0938, 0x0915, 0x0924, 0x0947, 0x0939, 0x0948, 0x0902 },
	  30, "i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd" },
	{ "(G) Japanese (kanji and hiragana)",
	  { 0x306A, 0x305C, 0x307F, 0x3093, 0x306A, 0x65E5, 0x672C, 0x8A9E, 0x3092, 0x8A71,
	    0x3057, 0x3066, 0x304F, 0x308C, 0x306A, 0x3044, 0x306E, 0x304B },
	  18, "n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa" },
	{ "(H) Korean (Hangul syllables)",
	  { 0xC138, 0xACC4, 0xC758, 0xBAA8, 0xB4E0, 0xC0AC, 0xB78C, 0xB4E4, 0xC774, 0xD55C,
	    0xAD6D, 0xC5B4, 0xB97C, 0xC774, 0xD574, 0xD55C, 0xB2E4, 0xBA74, 0xC5BC, 0xB9C8,
	    0xB098, 0xC88B, 0xC744, 0xAE4C },
	  24, "989aomsvi5e83db1d2a355cv1e0vak1dwrv93d5xbh15a0dt30a5jpsd879ccm6fea98c" },
	{ "(I) Russian (Cyrillic)",
	  { 0x043F, 0x043E, 0x0447, 0x0435, 0x043C, 0x0443, 0x0436, 0x0435, 0x043E, 0x043D,
	    0x0438, 0x043D, 0x0435, 0x0433, 0x043E, 0x0432, 0x043E, 0x0440, 0x044F, 0x0442,
	    0x043F, 0x043E, 0x0440, 0x0443, 0x0441, 0x0441, 0x043A, 0x0438 },
	  28, "b1abfaaepdrnnbgefbadotcwatmq2g4l" },
	{ "(J) Spanish",
	  { 0x0050, 0x006F, 0x0072, 0x0071, 0x0075, 0x00E9, 0x006E, 0x006F, 0x0070, 0x0075,
	    0x0065, 0x0064, 0x0065, 0x006E, 0x0073, 0x0069, 0x006D, 0x0070, 0x006C, 0x0065,
	    0x006D, 0x0065, 0x006E, 0x0074, 0x0065, 0x0068, 0x0061, 0x0062, 0x006C, 0x0061,
	    0x0072, 0x0065, 0x006E, 0x0045, 0x0073, 0x0070, 0x0061, 0x00F1, 0x006F, 0x006C },
	  40, "PorqunopuedensimplementehablarenEspaol-fmd56a" },
	{ "(K) Vietnamese",
	  { 0x0054, 0x1EA1, 0x0069, 0x0073, 0x0061, 0x006F, 0x0068, 0x1ECD, 0x006B, 0x0068,
	    0x00F4, 0x006E, 0x0067, 0x0074, 0x0068, 0x1EC3, 0x0063, 0x0068, 0x1EC9, 0x006E,
	    0x00F3, 0x0069, 0x0074, 0x0069, 0x1EBF, 0x006E, 0x0067, 0x0056, 0x0069, 0x1EC7,
	    0x0074 },
	  31, "TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g" },
	{ "(L) 3<nen>B<gumi><kinpachi><sensei>",
	  { 0x0033, 0x5E74, 0x0042, 0x7D44, 0x91D1, 0x516B, 0x5148, 0x751F },
	  8, "3B-ww4c5e180e575a65lsy2b" },
	{ "(M) <amuro><namie>-with-SUPER-MONKEYS",
	  { 0x5B89, 0x5BA4, 0x5948, 0x7F8E, 0x6075, 0x002D, 0x0077, 0x0069, 0x0074, 0x0068,
	    0x002D, 0x0053, 0x0055, 0x0050, 0x0045, 0x0052, 0x002D, 0x004D, 0x004F, 0x004E,
	    0x004B, 0x0045, 0x0059, 0x0053 },
	  24, "-with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n" },
	{ "(N) Hello-Another-Way-<sorezore><no><basho>",
	  { 0x0048, 0x0065, 0x006C, 0x006C, 0x006F, 0x002D, 0x0041, 0x006E, 0x006F, 0x0074,
	    0x0068, 0x0065, 0x0072, 0x002D, 0x0057, 0x0061, 0x0079, 0x002D, 0x305D, 0x308C,
	    0x305E, 0x308C, 0x306E, 0x5834, 0x6240 },
	  25, "Hello-Another-Way--fc4qua05auwb3674vfr0b" },
	{ "(O) <hitotsu><yane><no><shita>2",
	  { 0x3072, 0x3068, 0x3064, 0x5C4B, 0x6839, 0x306E, 0x4E0B, 0x0032 },
	  8, "2-u9tlzr9756bt3uc0v" },
	{ "(P) Maji<de>Koi<suru>5<byou><mae>",
	  { 0x004D, 0x0061, 0x006A, 0x0069, 0x3067, 0x004B, 0x006F, 0x0069, 0x3059, 0x308B,
	    0x0035, 0x79D2, 0x524D },
	  13, "MajiKoi5-783gue6qz075azm5e" },
	{ "(Q) <pafii>de<runba>",
	  { 0x30D1, 0x30D5, 0x30A3, 0x30FC, 0x0064, 0x0065, 0x30EB, 0x30F3, 0x30D0 },
	  9, "de-jg4avhby1noc0d" },
	{ "(R) <sono><supiido><de>",
	  { 0x305D, 0x306E, 0x30B9, 0x30D4, 0x30FC, 0x30C9, 0x3067 },
	  7, "d9juau41awczczp" },
	{ "(S) -> $1.00 <-",
	  { 0x002D, 0x003E, 0x0020, 0x0024, 0x0031, 0x002E, 0x0030, 0x0030, 0x0020, 0x003C,
	    0x002D },
	  11, "-> $1.00 <--" },
};

static void test_rfc3492_encode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		char out[128];
		size_t len;
		struct idreg_diag diag = { "" };
		if (idreg_punycode_encode(s->cps, s->n, out, sizeof(out), &len, &diag) != IDREG_OK) {
			fail_msg("%s: %s", s->name, diag.text);
		}
		if (strcmp(out, s->punycode) != 0) {
			fail_msg("%s: encoded as '%s', RFC 3492 says '%s'", s->name, out, s->punycode);
		}
		assert_int_equal(len, strlen(s->punycode));
	}
}

static void test_rfc3492_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
		const struct sample *s = &samples[i];
		uint32_t cps[128];
		size_t n;
		struct idreg_diag diag = { "" };
		if (idreg_punycode_decode(s->punycode, strlen(s->punycode), cps, 128, &n, &diag) !=
		    IDREG_OK) {
			fail_msg("%s: %s", s->name, diag.text);
		}
		assert_int_equal(n, s->n);
		assert_memory_equal(cps, s->cps, n * sizeof(uint32_t));
		/* Digits in upper case decode the same (RFC 3492, 5). */
		char upper[128];
		size_t len = strlen(s->punycode);
		const char *delim = strrchr(s->punycode, '-');
		size_t digits_from = delim ? (size_t)(delim - s->punycode) + 1 : 0;
		for (size_t j = 0; j <= len; j++) {
			char c = s->punycode[j];
			upper[j] = j >= digits_from && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
		}
		assert_int_equal(idreg_punycode_decode(upper, len, cps, 128, &n, NULL), IDREG_OK);
		assert_int_equal(n, s->n);
		assert_memory_equal(cps, s->cps, n * sizeof(uint32_t));
	}
}

/* Decoding @in fails with @err and @words in the message. */
static void expect_bad(const char *in, size_t max, idreg_err want, const char *words)
{
	uint32_t cps[256];
	size_t n = 99;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_punycode_decode(in, strlen(in), cps, max, &n, &diag);
	if (err != want || strstr(diag.text, words) == NULL) {
		fail_msg("'%s': got %s '%s', want %s '%s'", in, idreg_strerror_name(err), diag.text,
			 idreg_strerror_name(want), words);
	}
	assert_int_equal(n, 0);
}

static void test_malformed(void **state)
{
	(void)state;
	/* "zz": z is 25, above the threshold t = 1 for k = 36, so a third digit must come. */
	expect_bad("zz", 256, IDREG_EPARSE, "ends in the middle of a number");
	expect_bad("bcher-kv", 256, IDREG_EPARSE, "ends in the middle of a number");
	expect_bad("bcher-k_a", 256, IDREG_EPARSE, "'_' at offset 7 is not a Punycode digit");
	expect_bad("b\xc3\xbc-kva", 256, IDREG_EPARSE, "non-ASCII byte 0xC3 at offset 1");
	/* Nine 9s: 35 * (1 + 35 + 35*35 + ...) exceeds 2^32. */
	expect_bad("999999999", 256, IDREG_EPARSE, "overflow");
	/* "99999a": i = 35 + 35*35 + ... fits, but n + i / 1 goes past U+10FFFF. */
	expect_bad("99999a", 256, IDREG_EPARSE, "not a Unicode scalar value");
	/* A delimiter and nothing else: "-" alone, 0 basic code points, then '-' is no digit. */
	expect_bad("-", 256, IDREG_EPARSE, "is not a Punycode digit");
	/* More code points than room. */
	expect_bad("bcher-kva", 3, IDREG_ETOOBIG, "more than 3 code points");
	expect_bad("bcher-kva", 5, IDREG_ETOOBIG, "more than 5 code points");
}

static void test_surrogate_refused(void **state)
{
	(void)state;
	/* U+D800 cannot be encoded (it is no scalar value) but Punycode can carry
	 * it: find the string by encoding U+D7FF and stepping the last digit. */
	uint32_t below = 0xd7ff;
	char text[32];
	size_t len;
	assert_int_equal(idreg_punycode_encode(&below, 1, text, sizeof(text), &len, NULL), IDREG_OK);
	uint32_t cps[4];
	size_t n;
	assert_int_equal(idreg_punycode_decode(text, len, cps, 4, &n, NULL), IDREG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(cps[0], 0xd7ff);
	/* The first digit is the least significant: one more is U+D800. */
	text[0] = (char)(text[0] == 'z' ? '0' : text[0] == '9' ? 'a' : text[0] + 1);
	expect_bad(text, 4, IDREG_EPARSE, "U+D800, which is not a Unicode scalar value");
}

static void test_encode_limits(void **state)
{
	(void)state;
	uint32_t cps[] = { 0x62, 0xfc, 0x63 };
	char out[16];
	size_t len;
	assert_int_equal(idreg_punycode_encode(cps, 3, out, sizeof(out), &len, NULL), IDREG_OK);
	assert_string_equal(out, "bc-xka");
	assert_int_equal(idreg_punycode_encode(cps, 3, out, 6, &len, NULL), IDREG_ETOOBIG);
	uint32_t bad = 0x110000;
	assert_int_equal(idreg_punycode_encode(&bad, 1, out, sizeof(out), &len, NULL), IDREG_EINVAL);
	/* Nothing encodes to nothing, and back. */
	assert_int_equal(idreg_punycode_encode(cps, 0, out, sizeof(out), &len, NULL), IDREG_OK);
	assert_string_equal(out, "");
	size_t n = 9;
	assert_int_equal(idreg_punycode_decode("", 0, cps, 3, &n, NULL), IDREG_OK);
	assert_int_equal(n, 0);
	/* ASCII only: the basic code points and a delimiter (RFC 3492, 6.3). */
	assert_int_equal(idreg_punycode_decode("abc-", 4, cps, 3, &n, NULL), IDREG_OK);
	assert_int_equal(n, 3);
	assert_int_equal(cps[2], 'c');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc3492_encode),
		cmocka_unit_test(test_rfc3492_decode),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_surrogate_refused),
		cmocka_unit_test(test_encode_limits),
	};
	return cmocka_run_group_tests_name("punycode", tests, NULL, NULL);
}
