/*
 * Unit tests for lib/idn/uts46.c: conversions of names to their A-label and
 * U-label forms against vectors worked out by hand from UTS #46, RFC 3492
 * (Punycode) and the IANA IDN test names (例え.テスト, пример.испытание,
 * مثال.إختبار); non-transitional processing (faß.de keeps its ß); each
 * check that can fail (hyphens, STD3, CONTEXTJ, Bidi, Punycode, lengths,
 * UTF-8) reported with its own problem bit and words; mixed A-/U-label
 * names; the LDH test; and conversions from several threads at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>

#include "idn/uts46.h"

static void expect_ascii(const char *in, const char *want)
{
	char out[IDREG_UTS46_ASCII_MAX];
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_uts46_to_ascii(in, strlen(in), out, sizeof(out), &diag);
	if (err != IDREG_OK) {
		fail_msg("to_ascii(%s): %s", in, diag.text);
	}
	assert_string_equal(out, want);
}

static void expect_unicode(const char *in, const char *want)
{
	char out[IDREG_UTS46_UNICODE_MAX];
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_uts46_to_unicode(in, strlen(in), out, sizeof(out), &diag);
	if (err != IDREG_OK) {
		fail_msg("to_unicode(%s): %s", in, diag.text);
	}
	assert_string_equal(out, want);
}

/* The conversion fails with @bit among its problems and @words in its message. */
static void expect_problem(const char *in, size_t len, uint32_t bit, const char *words)
{
	char out[IDREG_UTS46_UNICODE_MAX];
	struct idreg_diag diag = { "" };
	for (int form = 0; form < 2; form++) {
		uint32_t problems = 0;
		idreg_err err = idreg_uts46_convert((enum idreg_uts46_form)form, in, len, out,
						    sizeof(out), &problems, &diag);
		if (err != IDREG_EPARSE || (problems & bit) == 0) {
			fail_msg("'%s': expected problem 0x%x, got %s, problems 0x%x (%s)", in,
				 (unsigned)bit, idreg_strerror_name(err), (unsigned)problems, diag.text);
		}
		if (strstr(diag.text, words) == NULL) {
			fail_msg("'%s': message '%s' lacks '%s'", in, diag.text, words);
		}
		assert_string_equal(out, "");
	}
}

static void test_to_ascii_vectors(void **state)
{
	(void)state;
	expect_ascii("example.com", "example.com");
	expect_ascii("EXAMPLE.Com", "example.com");
	expect_ascii("example.com.", "example.com");
	/* RFC 3492 style: ü is inserted at position 1 of "bcher". */
	expect_ascii("bücher.example", "xn--bcher-kva.example");
	expect_ascii("Bücher.example", "xn--bcher-kva.example");
	expect_ascii("XN--BCHER-KVA.example", "xn--bcher-kva.example");
	/* IANA's IDN test names. */
	expect_ascii("例え.テスト", "xn--r8jz45g.xn--zckzah");
	expect_ascii("例え。テスト", "xn--r8jz45g.xn--zckzah"); /* ideographic full stop */
	expect_ascii("пример.испытание", "xn--e1afmkfd.xn--80akhbyknj4f");
	expect_ascii("مثال.إختبار", "xn--mgbh0fb.xn--kgbechtv");
	/* Non-transitional: ß and ς stay themselves (transitional would give fass.de). */
	expect_ascii("faß.de", "xn--fa-hia.de");
	/* Mapping: full-width letters become ASCII. */
	expect_ascii("ｅｘａｍｐｌｅ.com", "example.com");
}

static void test_to_unicode_vectors(void **state)
{
	(void)state;
	expect_unicode("xn--bcher-kva.example", "bücher.example");
	expect_unicode("XN--BCHER-KVA.EXAMPLE", "bücher.example");
	expect_unicode("bücher.example", "bücher.example");
	expect_unicode("Bücher.Example.", "bücher.example");
	expect_unicode("xn--r8jz45g.xn--zckzah", "例え.テスト");
	expect_unicode("xn--e1afmkfd.xn--80akhbyknj4f", "пример.испытание");
	expect_unicode("xn--mgbh0fb.xn--kgbechtv", "مثال.إختبار");
	expect_unicode("xn--fa-hia.de", "faß.de");
	expect_unicode("example.com", "example.com");
}

static void test_problems(void **state)
{
	(void)state;
	expect_problem("ab--cd.com", 10, IDREG_UTS46_HYPHEN_3_4, "label 'ab--cd': hyphens in the third");
	expect_problem("-ab.com", 7, IDREG_UTS46_LEADING_HYPHEN, "label '-ab': a label starts with a hyphen");
	expect_problem("ab-.com", 7, IDREG_UTS46_TRAILING_HYPHEN, "ends with a hyphen");
	expect_problem("a_b.com", 7, IDREG_UTS46_DISALLOWED, "label 'a_b': a character that domain names may not contain");
	expect_problem("a b.com", 7, IDREG_UTS46_DISALLOWED, "may not contain");
	expect_problem("a..com", 6, IDREG_UTS46_EMPTY_LABEL, "empty label");
	expect_problem(".com", 4, IDREG_UTS46_EMPTY_LABEL, "empty label");
	expect_problem("", 0, IDREG_UTS46_EMPTY, "empty name");
	expect_problem(".", 1, IDREG_UTS46_EMPTY, "empty name");
	/* ZWJ not after a virama: CONTEXTJ. */
	expect_problem("a\u200db.com", strlen("a\u200db.com"), IDREG_UTS46_CONTEXTJ, "CONTEXTJ");
	/* A left-to-right label with a Hebrew letter in a name that has right-to-left text. */
	expect_problem("a\u05d0.com", strlen("a\u05d0.com"), IDREG_UTS46_BIDI, "Bidi rule");
	/* A label that begins with a combining mark (U+0301). */
	expect_problem("\u0301a.com", strlen("\u0301a.com"), IDREG_UTS46_LEADING_COMBINING_MARK, "combining mark");
	/* A-labels that do not decode to a valid U-label. */
	expect_problem("xn--a-ecp.com", 13, IDREG_UTS46_INVALID_ACE_LABEL | IDREG_UTS46_PUNYCODE |
					       IDREG_UTS46_DISALLOWED, "A-label");
	expect_problem("xn--abc-.com", 12, IDREG_UTS46_INVALID_ACE_LABEL | IDREG_UTS46_PUNYCODE |
					      IDREG_UTS46_TRAILING_HYPHEN, "label 'xn--abc-'");
	expect_problem("xn--zz.com", 10, IDREG_UTS46_PUNYCODE, "label 'xn--zz': an A-label (xn--) whose Punycode cannot be decoded");
	expect_problem("a\xff.com", 6, IDREG_UTS46_NOT_UTF8, "not valid UTF-8");
	expect_problem("a\xc0\xae.com", 7, IDREG_UTS46_NOT_UTF8, "not valid UTF-8"); /* overlong dot */
	expect_problem("a\0b.com", 7, IDREG_UTS46_NOT_UTF8, "NUL");
	expect_problem("xn--bcher-kva.bücher.de", strlen("xn--bcher-kva.bücher.de"),
		       IDREG_UTS46_MIXED_LABELS, "mixes A-labels (xn--) and U-labels");
}

static void test_lengths(void **state)
{
	(void)state;
	char name[600];
	/* 63-octet label: fine; 64: too long. */
	memset(name, 'a', 63);
	strcpy(name + 63, ".com");
	char out[IDREG_UTS46_UNICODE_MAX];
	assert_int_equal(idreg_uts46_to_ascii(name, strlen(name), out, sizeof(out), NULL), IDREG_OK);
	memset(name, 'a', 64);
	strcpy(name + 64, ".com");
	expect_problem(name, strlen(name), IDREG_UTS46_LABEL_TOO_LONG, "longer than 63 octets");
	/* 253 octets: fine (labels of 63, 63, 63 and 61 with their dots); 254: too long. */
	memset(name, 'a', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(idreg_uts46_to_ascii(name, 253, out, sizeof(out), NULL), IDREG_OK);
	assert_int_equal(strlen(out), 253);
	name[253] = 'x';
	name[254] = '\0';
	expect_problem(name, 254, IDREG_UTS46_NAME_TOO_LONG, "longer than 253 octets");
	/* ...with a trailing dot, 254 octets are a 253-octet name. */
	name[253] = '.';
	assert_int_equal(idreg_uts46_to_ascii(name, 254, out, sizeof(out), NULL), IDREG_OK);
	assert_int_equal(strlen(out), 253);
	/* A U-label of 60 characters whose A-label is longer than 63 octets. */
	char ulabel[400] = "";
	for (int i = 0; i < 60; i++) {
		strcat(ulabel, "ü");
	}
	strcat(ulabel, ".de");
	expect_problem(ulabel, strlen(ulabel), IDREG_UTS46_LABEL_TOO_LONG, "longer than 63");
	/* Output buffer too small. */
	assert_int_equal(idreg_uts46_to_ascii("example.com", 11, out, 5, NULL), IDREG_ETOOBIG);
	/* Input beyond the bound. */
	static char huge[IDREG_UTS46_INPUT_MAX + 2];
	memset(huge, 'a', sizeof(huge) - 1);
	expect_problem(huge, sizeof(huge) - 1, IDREG_UTS46_INPUT_TOO_LONG, "longer than 4096 bytes");
}

static void test_mixed_and_ldh(void **state)
{
	(void)state;
	static const char *const mixed[] = { "xn--bcher-kva.bücher.de", "bücher.XN--r8jz45g",
					     "xn--r8jz45g。テスト" };
	for (size_t i = 0; i < sizeof(mixed) / sizeof(mixed[0]); i++) {
		assert_true(idreg_uts46_mixed_labels(mixed[i], strlen(mixed[i])));
	}
	static const char *const unmixed[] = { "xn--bcher-kva.example", "bücher.de", "example.com",
					       "例え.テスト", "", "xn--" };
	for (size_t i = 0; i < sizeof(unmixed) / sizeof(unmixed[0]); i++) {
		assert_false(idreg_uts46_mixed_labels(unmixed[i], strlen(unmixed[i])));
	}
	assert_true(idreg_uts46_is_ldh("example.com", 11));
	assert_true(idreg_uts46_is_ldh("Example.COM.", 12));
	assert_true(idreg_uts46_is_ldh("xn--bcher-kva.example", 21));
	assert_true(idreg_uts46_is_ldh("a-b.c", 5));
	assert_true(idreg_uts46_is_ldh("123.456", 7));
	assert_false(idreg_uts46_is_ldh("", 0));
	assert_false(idreg_uts46_is_ldh(".", 1));
	assert_false(idreg_uts46_is_ldh("a..b", 4));
	assert_false(idreg_uts46_is_ldh("-a.b", 4));
	assert_false(idreg_uts46_is_ldh("a-.b", 4));
	assert_false(idreg_uts46_is_ldh("a_b.c", 5));
	assert_false(idreg_uts46_is_ldh("bücher.de", strlen("bücher.de")));
	char label[80];
	memset(label, 'a', 64);
	assert_false(idreg_uts46_is_ldh(label, 64));
	assert_true(idreg_uts46_is_ldh(label, 63));
}

static void *convert_many(void *arg)
{
	(void)arg;
	char out[IDREG_UTS46_UNICODE_MAX];
	for (int i = 0; i < 2000; i++) {
		if (idreg_uts46_to_ascii("пример.испытание", strlen("пример.испытание"), out,
					 sizeof(out), NULL) != IDREG_OK ||
		    strcmp(out, "xn--e1afmkfd.xn--80akhbyknj4f") != 0 ||
		    idreg_uts46_to_unicode("xn--r8jz45g.xn--zckzah", 22, out, sizeof(out), NULL) !=
			    IDREG_OK ||
		    strcmp(out, "例え.テスト") != 0) {
			return (void *)1;
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	pthread_t threads[4];
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_create(&threads[i], NULL, convert_many, NULL), 0);
	}
	for (int i = 0; i < 4; i++) {
		void *result;
		assert_int_equal(pthread_join(threads[i], &result), 0);
		assert_null(result);
	}
}

static void test_problem_texts(void **state)
{
	(void)state;
	for (uint32_t bit = 1; bit <= IDREG_UTS46_INTERNAL; bit <<= 1) {
		const char *text = idreg_uts46_problem_text(bit);
		assert_non_null(text);
		if ((bit & 0x8000) != 0) { /* no such bit */
			assert_string_equal(text, "an IDNA error");
		}
	}
	assert_string_equal(idreg_uts46_problem_text(IDREG_UTS46_BIDI),
			    "breaks the Bidi rule for right-to-left labels (RFC 5893)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_to_ascii_vectors),
		cmocka_unit_test(test_to_unicode_vectors),
		cmocka_unit_test(test_problems),
		cmocka_unit_test(test_lengths),
		cmocka_unit_test(test_mixed_and_ldh),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_problem_texts),
	};
	return cmocka_run_group_tests_name("uts46", tests, NULL, NULL);
}
