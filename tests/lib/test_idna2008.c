/*
 * Unit tests for lib/idn/idna2008.c.
 *
 * The derived property: one or more code points for every rule of RFC 5892
 * section 2, chosen from the rule's own definition and the Unicode
 * properties it names; and the whole code space against the IDNA2008
 * repertoire that ICANN publishes as an LGR for Unicode 10.0
 * (../shared/data/lgr/idna/idna2008_10.0.0.xml): every code point assigned
 * by Unicode 10.0 must be admitted (PVALID, CONTEXTJ or CONTEXTO) exactly
 * when that table lists it, but for the one whose General_Category Unicode
 * changed since (U+111C9, Po until Unicode 10.0 and Mn from 11.0 on).
 *
 * Registration: the IANA IDN test names and other names registrable as
 * given, with their A-labels (from RFC 3492 Punycode; the A-labels of the
 * refused ones were computed with Python's independent "punycode" codec);
 * every refusal with its check, label, code point and rule: upper case and
 * width forms, ideographic full stops, symbols, default ignorables, text
 * not in NFC, hyphens, the Bidi rule, CONTEXTJ and CONTEXTO; A-labels that
 * do not decode, that decode to ASCII only (CVE-2024-12224) or to
 * characters a round trip would lose (CVE-2019-12290); lengths; bad input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unicode/uchar.h>

#include "idn/idna2008.h"

/* ---- the derived property ---- */

static void expect_property(uint32_t cp, enum idreg_idna2008_property property,
			    enum idreg_idna2008_category category)
{
	struct idreg_idna2008_derived d;
	assert_int_equal(idreg_idna2008_derive(cp, &d), IDREG_OK);
	if (d.property != property || d.category != category) {
		fail_msg("U+%04X: got %s (%s), want %s (%s)", (unsigned)cp,
			 idreg_idna2008_property_name(d.property),
			 idreg_idna2008_category_text(d.category),
			 idreg_idna2008_property_name(property),
			 idreg_idna2008_category_text(category));
	}
}

static void test_derived_property_rules(void **state)
{
	(void)state;
	/* 2.5 LDH: PVALID. */
	expect_property('a', IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LDH);
	expect_property('z', IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LDH);
	expect_property('0', IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LDH);
	expect_property('-', IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LDH);
	/* 2.6 Exceptions, each group. */
	expect_property(0x00df, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x03c2, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x3007, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x00b7, IDREG_IDNA2008_CONTEXTO, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x30fb, IDREG_IDNA2008_CONTEXTO, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x0663, IDREG_IDNA2008_CONTEXTO, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x06f9, IDREG_IDNA2008_CONTEXTO, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x0640, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_EXCEPTIONS);
	expect_property(0x3033, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_EXCEPTIONS);
	/* 2.8 JoinControl: ZWNJ and ZWJ. */
	expect_property(0x200c, IDREG_IDNA2008_CONTEXTJ, IDREG_IDNA2008_JOIN_CONTROL);
	expect_property(0x200d, IDREG_IDNA2008_CONTEXTJ, IDREG_IDNA2008_JOIN_CONTROL);
	/* 2.2 Unstable: upper case (case folding changes it), width and
	 * compatibility forms (NFKC changes them). */
	expect_property('A', IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_UNSTABLE);
	expect_property(0x00c4, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_UNSTABLE);
	expect_property(0x1e9e, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_UNSTABLE);
	expect_property(0xff41, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_UNSTABLE);
	expect_property(0x2160, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_UNSTABLE);
	expect_property(0x2488, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_UNSTABLE);
	/* 2.3 IgnorableProperties: default ignorable, white space, noncharacter. */
	expect_property(0x00ad, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_PROPERTIES);
	expect_property(' ', IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_PROPERTIES);
	expect_property(0xfffe, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_PROPERTIES);
	expect_property(0xfdd0, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_PROPERTIES);
	/* 2.4 IgnorableBlocks: a combining mark (Mn, LetterDigits otherwise)
	 * for symbols, a musical symbol. */
	expect_property(0x20d0, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_BLOCKS);
	expect_property(0x1d100, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_BLOCKS);
	expect_property(0x1d200, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_IGNORABLE_BLOCKS);
	/* 2.9 OldHangulJamo: leading, vowel and trailing jamo (letters otherwise). */
	expect_property(0x1100, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OLD_HANGUL_JAMO);
	expect_property(0x1161, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OLD_HANGUL_JAMO);
	expect_property(0x11a8, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OLD_HANGUL_JAMO);
	/* 2.1 LetterDigits: Ll, Lo, Lm, Mn, Mc, Nd. */
	expect_property(0x00fc, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	expect_property(0x4e2d, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	expect_property(0xac00, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	expect_property(0x02bc, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	expect_property(0x0301, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	expect_property(0x093e, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	expect_property(0x0967, IDREG_IDNA2008_PVALID, IDREG_IDNA2008_LETTER_DIGITS);
	/* Everything else: DISALLOWED (symbols, punctuation, controls, surrogates). */
	expect_property('_', IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OTHER);
	expect_property(0x2615, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OTHER);
	expect_property(0x3002, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OTHER);
	expect_property(0x0007, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OTHER);
	expect_property(0xd800, IDREG_IDNA2008_DISALLOWED, IDREG_IDNA2008_OTHER);
	/* 2.10 Unassigned (not a noncharacter). */
	expect_property(0x0378, IDREG_IDNA2008_UNASSIGNED, IDREG_IDNA2008_UNASSIGNED_CODE_POINT);
	expect_property(0x2fffd, IDREG_IDNA2008_UNASSIGNED, IDREG_IDNA2008_UNASSIGNED_CODE_POINT);
	struct idreg_idna2008_derived d;
	assert_int_equal(idreg_idna2008_derive(0x110000, &d), IDREG_EINVAL);
	assert_string_equal(idreg_idna2008_property_name(IDREG_IDNA2008_CONTEXTO), "CONTEXTO");
}

/* Load the code points an LGR's <data> lists (<char cp>, <range first-cp last-cp>). */
static uint8_t *load_repertoire(const char *path, UVersionInfo version)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fail_msg("cannot open %s (IDREG_SHARED points at ../shared)", path);
	}
	uint8_t *in = calloc(0x110000, 1);
	assert_non_null(in);
	char line[256];
	unsigned a, b, c, listed = 0;
	memset(version, 0, sizeof(UVersionInfo));
	while (fgets(line, sizeof(line), f) != NULL) {
		const char *p;
		if ((p = strstr(line, "<unicode-version>")) != NULL &&
		    sscanf(p, "<unicode-version>%u.%u.%u", &a, &b, &c) == 3) {
			version[0] = (uint8_t)a, version[1] = (uint8_t)b, version[2] = (uint8_t)c;
		} else if ((p = strstr(line, "<char cp=\"")) != NULL && sscanf(p, "<char cp=\"%x\"", &a) == 1) {
			in[a] = 1;
			listed++;
		} else if ((p = strstr(line, "<range first-cp=\"")) != NULL &&
			   sscanf(p, "<range first-cp=\"%x\" last-cp=\"%x\"", &a, &b) == 2) {
			assert_true(a <= b && b < 0x110000);
			for (unsigned cp = a; cp <= b; cp++) {
				in[cp] = 1;
				listed++;
			}
		}
	}
	fclose(f);
	assert_true(version[0] != 0);
	assert_true(listed > 100000); /* the CJK ideographs alone are more */
	return in;
}

/* Code points whose Unicode properties changed after the table's version,
 * so that RFC 5892 now derives another property for them: each differs from
 * the table, and nothing else may. */
static const struct {
	uint32_t cp;
	const char *why;
} changed_since_table[] = {
	{ 0x111c9, "SHARADA SANDHI MARK: General_Category Po until Unicode 10.0, Mn since 11.0" },
};

static void test_derived_property_against_idna2008_lgr(void **state)
{
	(void)state;
	const char *shared = getenv("IDREG_SHARED");
	assert_non_null(shared);
	char path[1024];
	snprintf(path, sizeof(path), "%s/data/lgr/idna/idna2008_10.0.0.xml", shared);
	UVersionInfo table_version;
	uint8_t *listed = load_repertoire(path, table_version);
	size_t compared = 0, differ = 0;
	for (uint32_t cp = 0; cp < 0x110000; cp++) {
		UVersionInfo age;
		u_charAge((UChar32)cp, age);
		bool assigned_then = (u_charType((UChar32)cp) != U_UNASSIGNED ||
				      u_hasBinaryProperty((UChar32)cp, UCHAR_NONCHARACTER_CODE_POINT)) &&
				     memcmp(age, table_version, sizeof(age)) <= 0;
		if (!assigned_then) {
			assert_false(listed[cp] && u_charType((UChar32)cp) == U_UNASSIGNED);
			continue;
		}
		struct idreg_idna2008_derived d;
		assert_int_equal(idreg_idna2008_derive(cp, &d), IDREG_OK);
		bool admitted = d.property == IDREG_IDNA2008_PVALID ||
				d.property == IDREG_IDNA2008_CONTEXTJ ||
				d.property == IDREG_IDNA2008_CONTEXTO;
		compared++;
		bool changed = false;
		for (size_t i = 0; i < sizeof(changed_since_table) / sizeof(changed_since_table[0]); i++) {
			changed |= changed_since_table[i].cp == cp;
		}
		if (changed) {
			assert_true(admitted != listed[cp]);
		} else if (admitted != listed[cp]) {
			if (differ++ < 20) {
				print_message("U+%04X: %s (%s), but the Unicode %u.%u table %s it\n",
					      (unsigned)cp, idreg_idna2008_property_name(d.property),
					      idreg_idna2008_category_text(d.category),
					      table_version[0], table_version[1],
					      listed[cp] ? "lists" : "does not list");
			}
		}
	}
	free(listed);
	print_message("%zu code points of Unicode %u.%u compared, %zu differ\n", compared,
		      table_version[0], table_version[1], differ);
	assert_true(compared > 130000);
	assert_int_equal(differ, 0);
}

/* ---- registration ---- */

static void expect_ok(const char *in, const char *ascii, const char *unicode)
{
	struct idreg_idna2008_name name;
	struct idreg_idna2008_refusal why;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_idna2008_check_name(in, strlen(in), &name, &why, &diag);
	if (err != IDREG_OK) {
		fail_msg("'%s' refused: %s", in, diag.text);
	}
	assert_string_equal(name.ascii, ascii);
	assert_string_equal(name.unicode, unicode);
}

/* Refused by @check in @label, with @words in the message; the refusal returned. */
static struct idreg_idna2008_refusal expect_refused(const char *in, size_t len,
						    enum idreg_idna2008_check check,
						    unsigned label, const char *words)
{
	struct idreg_idna2008_name name;
	struct idreg_idna2008_refusal why;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_idna2008_check_name(in, len, &name, &why, &diag);
	if (err != IDREG_EPARSE || why.check != check || why.label != label ||
	    strstr(diag.text, words) == NULL) {
		fail_msg("'%s': got %s, check %d, label %u: '%s'; want check %d, label %u, '%s'", in,
			 idreg_strerror_name(err), (int)why.check, why.label, diag.text, (int)check,
			 label, words);
	}
	assert_string_equal(name.ascii, "");
	assert_string_equal(name.unicode, "");
	return why;
}

static void expect_code_point(const char *in, unsigned label, uint32_t cp,
			      enum idreg_idna2008_category category, const char *words)
{
	struct idreg_idna2008_refusal why =
		expect_refused(in, strlen(in), IDREG_IDNA2008_CODE_POINT, label, words);
	assert_int_equal(why.code_point, cp);
	assert_int_equal(why.derived.category, category);
}

static void expect_uts46(const char *in, unsigned label, uint32_t bit, const char *words)
{
	struct idreg_idna2008_refusal why =
		expect_refused(in, strlen(in), IDREG_IDNA2008_UTS46, label, words);
	if ((why.uts46_errors & bit) == 0) {
		fail_msg("'%s': UTS #46 problems 0x%x lack 0x%x", in, (unsigned)why.uts46_errors,
			 (unsigned)bit);
	}
}

static void test_registrable(void **state)
{
	(void)state;
	expect_ok("example.com", "example.com", "example.com");
	expect_ok("Example.COM.", "example.com", "example.com"); /* ASCII case; the root */
	expect_ok("bücher.example", "xn--bcher-kva.example", "bücher.example");
	expect_ok("Bücher.example", "xn--bcher-kva.example", "bücher.example");
	expect_ok("xn--bcher-kva.example", "xn--bcher-kva.example", "bücher.example");
	expect_ok("XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example", "bücher.example");
	/* IANA's IDN test names (Japanese, Russian, Arabic). */
	expect_ok("例え.テスト", "xn--r8jz45g.xn--zckzah", "例え.テスト");
	expect_ok("пример.испытание", "xn--e1afmkfd.xn--80akhbyknj4f", "пример.испытание");
	expect_ok("مثال.إختبار", "xn--mgbh0fb.xn--kgbechtv", "مثال.إختبار");
	/* ß and ς are PVALID exceptions; not mapped (faß is not fass). */
	expect_ok("faß.de", "xn--fa-hia.de", "faß.de");
	/* MIDDLE DOT between two l (RFC 5892 A.3): 55 * 3 + 1 = 166 -> "0ea". */
	expect_ok("l\u00b7l.cat", "xn--ll-0ea.cat", "l\u00b7l.cat");
	/* ZWNJ after a virama (RFC 5892 A.1). */
	expect_ok("xn--11b2ezcs70k", "xn--11b2ezcs70k", "\u0915\u094d\u200c\u0937");
	/* Mixing A-labels and U-labels is no problem for registration. */
	expect_ok("xn--bcher-kva.bücher", "xn--bcher-kva.xn--bcher-kva", "bücher.bücher");
	/* An RTL name with an LTR label that starts with a letter (RFC 5893). */
	expect_ok("a.مثال", "a.xn--mgbh0fb", "a.مثال");
}

static void test_refused_code_points(void **state)
{
	(void)state;
	expect_code_point("BÜCHER.de", 1, 0x00dc, IDREG_IDNA2008_UNSTABLE,
			  "label 1 'BÜCHER': a code point IDNA2008 does not allow (RFC 5892): "
			  "U+00DC (LATIN CAPITAL LETTER U WITH DIAERESIS) is DISALLOWED");
	expect_code_point("a.ｅｘａｍｐｌｅ", 2, 0xff45, IDREG_IDNA2008_UNSTABLE,
			  "U+FF45 (FULLWIDTH LATIN SMALL LETTER E) is DISALLOWED");
	expect_code_point("例え。テスト", 1, 0x3002, IDREG_IDNA2008_OTHER,
			  "U+3002 (IDEOGRAPHIC FULL STOP) is DISALLOWED: not a letter");
	expect_code_point("☕.de", 1, 0x2615, IDREG_IDNA2008_OTHER, "U+2615 (HOT BEVERAGE)");
	expect_code_point("a_b.de", 1, '_', IDREG_IDNA2008_OTHER, "U+005F (LOW LINE)");
	expect_code_point("a b.de", 1, ' ', IDREG_IDNA2008_IGNORABLE_PROPERTIES, "U+0020");
	expect_code_point("exam\u00adple.de", 1, 0xad, IDREG_IDNA2008_IGNORABLE_PROPERTIES,
			  "U+00AD (SOFT HYPHEN) is DISALLOWED: a default ignorable");
	expect_code_point("a\u0640b.de", 1, 0x640, IDREG_IDNA2008_EXCEPTIONS, "U+0640");
	expect_code_point("\u1100\u1161.kr", 1, 0x1100, IDREG_IDNA2008_OLD_HANGUL_JAMO,
			  "(OldHangulJamo, RFC 5892, 2.9)");
	expect_code_point("a\u0378.de", 1, 0x378, IDREG_IDNA2008_UNASSIGNED_CODE_POINT,
			  "U+0378 (<unassigned-0378>) is UNASSIGNED");
}

static void test_refused_a_labels(void **state)
{
	(void)state;
	/* CVE-2024-12224: xn-- labels that stand for ASCII labels. */
	expect_refused("xn--example-.com", 16, IDREG_IDNA2008_ALABEL_ASCII, 1,
		       "decodes to ASCII only, which is no A-label: it decodes to 'example'");
	expect_refused("a.xn--", 6, IDREG_IDNA2008_ALABEL_ASCII, 2, "it decodes to nothing");
	/* Punycode that does not decode. */
	expect_refused("xn--zz.com", 10, IDREG_IDNA2008_PUNYCODE, 1,
		       "label 1 'xn--zz': an A-label (xn--) whose Punycode cannot be decoded: "
		       "Punycode ends in the middle of a number");
	expect_refused("xn--bcher-k_a.com", 17, IDREG_IDNA2008_PUNYCODE, 1,
		       "'_' at offset 7 is not a Punycode digit");
	/* CVE-2019-12290: A-labels of U-labels with what a round trip loses or
	 * changes: a soft hyphen (mapping drops it), upper case, width. */
	expect_code_point("xn--example-oka.com", 1, 0xad, IDREG_IDNA2008_IGNORABLE_PROPERTIES,
			  "label 1 'xn--example-oka'");
	expect_code_point("xn--bcher-2pa.de", 1, 0xdc, IDREG_IDNA2008_UNSTABLE, "U+00DC");
	expect_code_point("xn--xample-hy68a.com", 1, 0xff45, IDREG_IDNA2008_UNSTABLE, "U+FF45");
	expect_code_point("xn--53h.de", 1, 0x2615, IDREG_IDNA2008_OTHER, "U+2615");
	/* An A-label of text not in NFC: e, COMBINING ACUTE ACCENT, x. */
	struct idreg_idna2008_refusal why =
		expect_refused("xn--ex-8tb.de", 13, IDREG_IDNA2008_NOT_NFC, 1,
			       "from U+0065 (LATIN SMALL LETTER E) on it differs from its NFC form "
			       "'\u00e9x'");
	assert_int_equal(why.code_point, 'e');
	/* CONTEXTO through an A-label: a MIDDLE DOT not between two l. */
	expect_uts46("xn--ab-0ea.com", 1, IDREG_UTS46_CONTEXTO_PUNCTUATION, "CONTEXTO");
}

static void test_refused_rules(void **state)
{
	(void)state;
	struct idreg_idna2008_refusal why = expect_refused(
		"a.e\u0301x", strlen("a.e\u0301x"), IDREG_IDNA2008_NOT_NFC, 2, "label 2");
	assert_int_equal(why.code_point, 'e');
	expect_uts46("ab--cd.de", 1, IDREG_UTS46_HYPHEN_3_4, "label 1 'ab--cd'");
	expect_uts46("-ab.de", 1, IDREG_UTS46_LEADING_HYPHEN, "starts with a hyphen");
	expect_uts46("a.ab-", 2, IDREG_UTS46_TRAILING_HYPHEN, "ends with a hyphen");
	expect_uts46("\u0301a.de", 1, IDREG_UTS46_LEADING_COMBINING_MARK, "combining mark");
	expect_uts46("a\u200db.com", 1, IDREG_UTS46_CONTEXTJ, "CONTEXTJ");
	expect_uts46("xn--example-i06c.com", 1, IDREG_UTS46_CONTEXTJ, "CONTEXTJ");
	expect_uts46("a\u00b7b.de", 1, IDREG_UTS46_CONTEXTO_PUNCTUATION, "CONTEXTO");
	expect_uts46("\u30fb.jp", 1, IDREG_UTS46_CONTEXTO_PUNCTUATION, "CONTEXTO");
	/* Arabic-Indic digits mixed with extended ones (RFC 5892 A.8, A.9). */
	expect_uts46("\u0628\u0663\u06f3", 1, IDREG_UTS46_CONTEXTO_DIGITS, "Arabic-Indic digits");
	/* Bidi: an LTR label with a Hebrew letter; a label of digits in an RTL
	 * name (fine alone, wrong next to an RTL label). */
	expect_uts46("a\u05d0.de", 1, IDREG_UTS46_BIDI, "label 1");
	expect_uts46("1.مثال", 1, IDREG_UTS46_BIDI, "label 1 '1': ");
	expect_uts46("مثال.1", 2, IDREG_UTS46_BIDI, "Bidi rule");
	expect_ok("1.example", "1.example", "1.example");
}

static void test_lengths_and_input(void **state)
{
	(void)state;
	char name[600];
	/* 63 octets: fine; 64: too long, as LDH and as A-label. */
	memset(name, 'a', 63);
	strcpy(name + 63, ".com");
	struct idreg_idna2008_name out;
	assert_int_equal(idreg_idna2008_check_name(name, strlen(name), &out, NULL, NULL), IDREG_OK);
	memset(name, 'a', 64);
	strcpy(name + 64, ".com");
	expect_refused(name, strlen(name), IDREG_IDNA2008_LABEL_TOO_LONG, 1, "longer than 63 octets");
	/* A U-label of 58 ü: "xn--" + "tdaaaa..." is 4 + 58 + ... > 63 octets. */
	char ulabel[400] = "";
	for (int i = 0; i < 58; i++) {
		strcat(ulabel, "ü");
	}
	expect_refused(ulabel, strlen(ulabel), IDREG_IDNA2008_LABEL_TOO_LONG, 1,
		       "its A-label would be longer");
	/* 253 octets: fine; 254: too long; a trailing dot does not count. */
	memset(name, 'a', 253);
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(idreg_idna2008_check_name(name, 253, &out, NULL, NULL), IDREG_OK);
	assert_int_equal(strlen(out.ascii), 253);
	name[253] = '.';
	assert_int_equal(idreg_idna2008_check_name(name, 254, &out, NULL, NULL), IDREG_OK);
	name[253] = 'x';
	expect_refused(name, 254, IDREG_IDNA2008_NAME_TOO_LONG, 0, "reaches 254 octets at label 4");
	/* Input. */
	expect_refused("", 0, IDREG_IDNA2008_INPUT, 0, "empty name");
	expect_refused(".", 1, IDREG_IDNA2008_INPUT, 0, "empty name");
	expect_refused("a..b", 4, IDREG_IDNA2008_EMPTY_LABEL, 2, "label 2 '': an empty label");
	expect_refused(".a", 2, IDREG_IDNA2008_EMPTY_LABEL, 1, "empty label");
	expect_refused("a\xff.com", 6, IDREG_IDNA2008_INPUT, 0, "not valid UTF-8");
	expect_refused("a\0b.com", 7, IDREG_IDNA2008_INPUT, 0, "NUL");
	static char huge[IDREG_UTS46_INPUT_MAX + 2];
	memset(huge, 'a', sizeof(huge) - 1);
	expect_refused(huge, sizeof(huge) - 1, IDREG_IDNA2008_INPUT, 0, "longer than 4096 bytes");
	/* Control characters in a label are not printed as they are. */
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_idna2008_check_name("a\tb.com", 7, &out, NULL, &diag), IDREG_EPARSE);
	assert_non_null(strstr(diag.text, "label 1 'a?b'"));
}

/* Lookup maps what registration refuses; what registration accepts, lookup
 * turns into the same A-labels. */
static void test_registration_is_stricter_than_lookup(void **state)
{
	(void)state;
	static const char *const names[] = { "BÜCHER.de", "ｅｘａｍｐｌｅ.com", "例え。テスト",
					     "e\u0301x.de", "bücher.example", "пример.испытание",
					     "faß.de", "l\u00b7l.cat" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char looked_up[IDREG_UTS46_ASCII_MAX];
		assert_int_equal(idreg_uts46_to_ascii(names[i], strlen(names[i]), looked_up,
						      sizeof(looked_up), NULL),
				 IDREG_OK);
		struct idreg_idna2008_name out;
		if (idreg_idna2008_check_name(names[i], strlen(names[i]), &out, NULL, NULL) == IDREG_OK) {
			assert_string_equal(out.ascii, looked_up);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derived_property_rules),
		cmocka_unit_test(test_derived_property_against_idna2008_lgr),
		cmocka_unit_test(test_registrable),
		cmocka_unit_test(test_refused_code_points),
		cmocka_unit_test(test_refused_a_labels),
		cmocka_unit_test(test_refused_rules),
		cmocka_unit_test(test_lengths_and_input),
		cmocka_unit_test(test_registration_is_stricter_than_lookup),
	};
	return cmocka_run_group_tests_name("idna2008", tests, NULL, NULL);
}
