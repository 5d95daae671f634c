/*
 * Unit tests for the RFC 7940 LGR engine (lib/idn/lgr*.c).
 *
 * Every LGR in $IDREG_SHARED/data/lgr loads, validated against its
 * RELAX NG schema.  The expectations on the published LGRs were worked out
 * by reading their XML: for the second-level Chinese reference LGR, 中国
 * (U+4E2D U+56FD) has the reflexive types r-both and r-simp, so action 4
 * (all-variants "r-neither r-trad r-simp r-both") makes it valid; U+56FD
 * maps to U+570B with type "trad", so 中國 is made of r-both and trad, only
 * variants, which action 7 (only-variants "trad r-trad both r-both trad-1")
 * makes allocatable; U+53F0 maps to U+6AAF (trad-1) and U+81FA (trad-2) and
 * U+6E7E to U+7063 (trad), so 台湾 has the allocatable variants 檯灣
 * (action 7) and 臺灣 (action 8) and the blocked mix 臺湾 (action 9).  Their
 * index labels take the smallest member of each variant set (U+56EF for
 * 国 and 國).  Whole-label and context rules of the Arabic, Japanese and
 * Common root-zone LGRs refuse what their comments say they refuse.
 *
 * Small LGRs written here from RFC 7940 test what the published ones do
 * not use: sequences (the longest element first, section 5.2), null
 * context, classes made by set operations (6.2), counts, start and end,
 * look-around (6.3, 6.4), custom dispositions, reflexive mappings and
 * variants with when/not-when (5.3), all-variants against only-variants
 * (7.2), the default actions (7.6), variant labels (8.2) and index labels
 * (8.5).  Then what must be refused: malformed XML, schema failures,
 * asymmetric variants, unknown names, duplicates, limits, with the file and
 * line in the message (also past line 65,535).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <ftw.h>

#include "idn/lgr.h"

/* ---- helpers ---- */

static char shared_lgr[4096];

static const char *lgr_dir(void)
{
	const char *shared = getenv("IDREG_SHARED");
	if (shared == NULL) {
		return NULL;
	}
	snprintf(shared_lgr, sizeof(shared_lgr), "%s/data/lgr", shared);
	return shared_lgr;
}

static char schema_path[4096 + 16]; /* lgr_dir() and "/lgr.rng" */

static const char *schema(void)
{
	const char *dir = lgr_dir();
	if (dir == NULL) {
		return NULL;
	}
	snprintf(schema_path, sizeof(schema_path), "%s/lgr.rng", dir);
	return schema_path;
}

/* A published LGR, under $IDREG_SHARED/data/lgr; skips without it. */
static struct idreg_lgr *load_shared(const char *relative)
{
	const char *dir = lgr_dir();
	if (dir == NULL) {
		skip();
	}
	char path[8192];
	snprintf(path, sizeof(path), "%s/%s", dir, relative);
	struct idreg_lgr_options opts = { .schema_path = schema() };
	struct idreg_lgr *lgr;
	struct idreg_diag diag = { "" };
	if (idreg_lgr_load(path, &opts, &lgr, &diag) != IDREG_OK) {
		fail_msg("%s: %s", relative, diag.text);
	}
	return lgr;
}

/* An LGR from text, validated against the schema when it is at hand. */
static struct idreg_lgr *load_text(const char *xml)
{
	struct idreg_lgr_options opts = { .schema_path = schema() };
	struct idreg_lgr *lgr;
	struct idreg_diag diag = { "" };
	if (idreg_lgr_load_buffer("test.xml", xml, strlen(xml), &opts, &lgr, &diag) != IDREG_OK) {
		fail_msg("%s", diag.text);
	}
	return lgr;
}

static size_t decode(const char *label, uint32_t cps[IDREG_LGR_LABEL_MAX])
{
	size_t n;
	struct idreg_diag diag = { "" };
	if (idreg_lgr_label_decode(label, strlen(label), cps, &n, &diag) != IDREG_OK) {
		fail_msg("'%s': %s", label, diag.text);
	}
	return n;
}

static struct idreg_lgr_disposition disposition(const struct idreg_lgr *lgr, const char *label)
{
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n = decode(label, cps);
	struct idreg_lgr_eval *ev;
	assert_int_equal(idreg_lgr_eval_new(lgr, &ev), IDREG_OK);
	struct idreg_lgr_disposition d;
	assert_int_equal(idreg_lgr_disposition(ev, cps, n, &d), IDREG_OK);
	idreg_lgr_eval_free(ev);
	return d;
}

/* The label's disposition is @disp, decided by action @action (of the LGR, or a default one). */
static void expect_action(const struct idreg_lgr *lgr, const char *label, const char *disp,
			  enum idreg_lgr_why why, size_t action)
{
	struct idreg_lgr_disposition d = disposition(lgr, label);
	char reason[512];
	idreg_lgr_reason(lgr, &d, reason, sizeof(reason));
	if (strcmp(d.disp, disp) != 0 || d.why != why || d.action != action) {
		fail_msg("'%s': expected %s by %saction %zu, got %s (%s)", label, disp,
			 why == IDREG_LGR_WHY_DEFAULT_ACTION ? "default " : "", action, d.disp, reason);
	}
}

/* The label is invalid because code point @position (from 0) is out of the repertoire or context. */
static void expect_refused_at(const struct idreg_lgr *lgr, const char *label, enum idreg_lgr_why why,
			      size_t position, const char *rule)
{
	struct idreg_lgr_disposition d = disposition(lgr, label);
	char reason[512];
	idreg_lgr_reason(lgr, &d, reason, sizeof(reason));
	if (!idreg_lgr_is_invalid(&d) || d.why != why || d.position != position ||
	    (rule != NULL && (d.rule == NULL || strcmp(d.rule, rule) != 0))) {
		fail_msg("'%s': expected invalid at %zu (%s), got %s: %s", label, position,
			 rule ? rule : "-", d.disp, reason);
	}
}

static void index_text(const struct idreg_lgr *lgr, const char *label, char *out, size_t size)
{
	uint32_t cps[IDREG_LGR_LABEL_MAX], index[IDREG_LGR_INDEX_MAX];
	size_t n = decode(label, cps), len;
	struct idreg_lgr_eval *ev;
	assert_int_equal(idreg_lgr_eval_new(lgr, &ev), IDREG_OK);
	assert_int_equal(idreg_lgr_index_label(ev, cps, n, index, IDREG_LGR_INDEX_MAX, &len), IDREG_OK);
	assert_int_equal(idreg_lgr_label_encode(index, len, out, size), IDREG_OK);
	idreg_lgr_eval_free(ev);
}

static void expect_index(const struct idreg_lgr *lgr, const char *label, const char *want)
{
	char got[4 * IDREG_LGR_INDEX_MAX + 1];
	index_text(lgr, label, got, sizeof(got));
	if (strcmp(got, want) != 0) {
		fail_msg("index label of '%s': expected '%s', got '%s'", label, want, got);
	}
}

/* Variant labels as "label=disposition" lines, in the order they come. */
struct variant_list {
	char text[8192];
	size_t count;
};

static bool collect_variant(void *ctx, const uint32_t *cps, size_t n,
			    const struct idreg_lgr_disposition *d)
{
	struct variant_list *v = ctx;
	char label[4 * IDREG_LGR_LABEL_MAX + 1];
	assert_int_equal(idreg_lgr_label_encode(cps, n, label, sizeof(label)), IDREG_OK);
	size_t at = strlen(v->text);
	snprintf(v->text + at, sizeof(v->text) - at, "%s=%s\n", label, d->disp);
	v->count++;
	return true;
}

static struct idreg_lgr_variant_summary variants(const struct idreg_lgr *lgr, const char *label,
						 size_t max, bool invalid, struct variant_list *out)
{
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n = decode(label, cps);
	struct idreg_lgr_eval *ev;
	assert_int_equal(idreg_lgr_eval_new(lgr, &ev), IDREG_OK);
	memset(out, 0, sizeof(*out));
	struct idreg_lgr_variant_options opts = { .max_generated = max, .include_invalid = invalid };
	struct idreg_lgr_variant_summary sum;
	assert_int_equal(idreg_lgr_variants(ev, cps, n, &opts, collect_variant, out, &sum), IDREG_OK);
	idreg_lgr_eval_free(ev);
	return sum;
}

static void expect_variants(const struct idreg_lgr *lgr, const char *label, const char *want)
{
	struct variant_list got;
	variants(lgr, label, 0, false, &got);
	if (strcmp(got.text, want) != 0) {
		fail_msg("variants of '%s':\nexpected:\n%sgot:\n%s", label, want, got.text);
	}
}

/* "label=disposition" is among the variants of @label. */
static void expect_variant(const struct idreg_lgr *lgr, const char *label, const char *line)
{
	struct variant_list got;
	variants(lgr, label, 0, false, &got);
	char want[512];
	snprintf(want, sizeof(want), "%s\n", line);
	if (strncmp(got.text, want, strlen(want)) != 0 && strstr(got.text, want) == NULL) {
		fail_msg("variants of '%s' lack %s; got:\n%s", label, line, got.text);
	}
}

/* Loading @xml fails with @err and a message holding each of the NULL-terminated words. */
static void expect_load_error(const char *xml, bool with_schema, idreg_err err, ...)
{
	struct idreg_lgr_options opts = { .schema_path = with_schema ? schema() : NULL };
	if (with_schema && opts.schema_path == NULL) {
		skip();
	}
	struct idreg_lgr *lgr = NULL;
	struct idreg_diag diag = { "" };
	idreg_err got = idreg_lgr_load_buffer("bad.xml", xml, strlen(xml), &opts, &lgr, &diag);
	if (got != err) {
		fail_msg("expected %s, got %s: %s", idreg_strerror_name(err), idreg_strerror_name(got),
			 diag.text);
	}
	assert_null(lgr);
	va_list ap;
	va_start(ap, err);
	for (const char *word = va_arg(ap, const char *); word != NULL; word = va_arg(ap, const char *)) {
		if (strstr(diag.text, word) == NULL) {
			fail_msg("message '%s' lacks '%s'", diag.text, word);
		}
	}
	va_end(ap);
}

#define NS "<lgr xmlns=\"urn:ietf:params:xml:ns:lgr-1.0\">"

/* ---- every published LGR ---- */

static size_t loaded;

static int load_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	size_t len = strlen(path);
	if (type != FTW_F || len < 4 || strcmp(path + len - 4, ".xml") != 0) {
		return 0;
	}
	struct idreg_lgr_options opts = { .schema_path = schema() };
	struct idreg_lgr *lgr;
	struct idreg_diag diag = { "" };
	if (idreg_lgr_load(path, &opts, &lgr, &diag) != IDREG_OK) {
		fail_msg("%s", diag.text);
	}
	struct idreg_lgr_info info;
	idreg_lgr_info(lgr, &info);
	assert_true(info.code_points > 0);
	idreg_lgr_free(lgr);
	loaded++;
	return 0;
}

static void test_every_shared_lgr_loads(void **state)
{
	(void)state;
	const char *dir = lgr_dir();
	if (dir == NULL) {
		skip();
	}
	loaded = 0;
	assert_int_equal(nftw(dir, load_one, 16, FTW_PHYS), 0);
	/* README.md lists 17: 7 root-zone scripts, common, 7 second-level, MSR, IDNA2008. */
	assert_true(loaded >= 17);
}

static void test_chinese_root_zone_sizes(void **state)
{
	(void)state;
	/* README.md: RZ-LGR-5 Chinese has 19,765 <char> and 31,827 <var>. */
	struct idreg_lgr *lgr = load_shared("root-zone/lgr-5/lgr-5-chinese-script-26may22-en.xml");
	struct idreg_lgr_info info;
	idreg_lgr_info(lgr, &info);
	assert_int_equal(info.code_points, 19765);
	assert_int_equal(info.sequences, 0);
	assert_int_equal(info.variants, 31827);
	assert_string_equal(info.unicode_version, "11.0.0");
	assert_string_equal(info.languages, "und-Hani");
	idreg_lgr_free(lgr);
}

/* ---- the second-level Chinese reference LGR ---- */

#define CHINESE "second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"

static void test_chinese_china(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_shared(CHINESE);
	expect_action(lgr, "中国", "valid", IDREG_LGR_WHY_ACTION, 4);
	expect_action(lgr, "中國", "valid", IDREG_LGR_WHY_ACTION, 4);
	/* Each is an allocatable variant of the other. */
	expect_variant(lgr, "中国", "中國=allocatable");
	expect_variant(lgr, "中國", "中国=allocatable");
	/* 国 also maps to 囯 and 圀 (U+56EF, U+5700), type blocked. */
	expect_variants(lgr, "中国", "中囯=blocked\n中圀=blocked\n中國=allocatable\n");
	/* One index label for the whole variant set: 囯 (U+56EF) is its smallest member. */
	expect_index(lgr, "中国", "中囯");
	expect_index(lgr, "中國", "中囯");
	expect_index(lgr, "中圀", "中囯");
	idreg_lgr_free(lgr);
}

static void test_chinese_taiwan(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_shared(CHINESE);
	expect_action(lgr, "台湾", "valid", IDREG_LGR_WHY_ACTION, 4);
	expect_variant(lgr, "台湾", "臺灣=allocatable");
	expect_variant(lgr, "台湾", "檯灣=allocatable");
	/* Traditional 灣 with simplified 台: a mix, blocked by action 9. */
	expect_variant(lgr, "台湾", "台灣=blocked");
	expect_variant(lgr, "台湾", "臺湾=blocked");
	struct variant_list got;
	variants(lgr, "台湾", 0, false, &got);
	/* 台: 5 variant forms (itself, 檯, 籉, 臺, 颱), 湾: 2; less the label itself. */
	assert_int_equal(got.count, 5 * 2 - 1);
	expect_action(lgr, "臺灣", "valid", IDREG_LGR_WHY_ACTION, 4);
	expect_variant(lgr, "臺灣", "台湾=allocatable");
	char a[4 * IDREG_LGR_INDEX_MAX + 1], b[sizeof(a)], c[sizeof(a)];
	index_text(lgr, "台湾", a, sizeof(a));
	index_text(lgr, "臺灣", b, sizeof(b));
	index_text(lgr, "檯灣", c, sizeof(c));
	assert_string_equal(a, b);
	assert_string_equal(a, c);
	assert_string_equal(a, "台湾"); /* U+53F0 and U+6E7E are the smallest of their sets */
	idreg_lgr_free(lgr);
}

static void test_chinese_refusals(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_shared(CHINESE);
	/* hyphen-minus-disallowed: no leading, no trailing, not in the 3rd and 4th positions. */
	expect_refused_at(lgr, "-ab", IDREG_LGR_WHY_CONTEXT, 0, "hyphen-minus-disallowed");
	expect_refused_at(lgr, "ab-", IDREG_LGR_WHY_CONTEXT, 2, "hyphen-minus-disallowed");
	expect_refused_at(lgr, "ab--c", IDREG_LGR_WHY_CONTEXT, 3, "hyphen-minus-disallowed");
	expect_action(lgr, "a-b", "valid", IDREG_LGR_WHY_ACTION, 4);
	expect_action(lgr, "a--b", "valid", IDREG_LGR_WHY_ACTION, 4);
	/* Upper case is not in the repertoire. */
	expect_refused_at(lgr, "aB", IDREG_LGR_WHY_NOT_IN_REPERTOIRE, 1, NULL);
	/* U+3960 is listed only as a variant target: out-of-repertoire-var, action 2. */
	expect_action(lgr, "中\xe3\xa5\xa0", "invalid", IDREG_LGR_WHY_ACTION, 2);
	idreg_lgr_free(lgr);
}

static void test_variant_cap(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_shared(CHINESE);
	struct variant_list got;
	struct idreg_lgr_variant_summary sum = variants(lgr, "台湾台湾台湾", 7, true, &got);
	assert_true(sum.truncated);
	assert_int_equal(sum.generated, 7);
	/* The first permutation is the label itself, which is not reported. */
	assert_int_equal(got.count, 6);
	sum = variants(lgr, "台湾", 100, true, &got);
	assert_false(sum.truncated);
	idreg_lgr_free(lgr);
}

/* ---- whole-label and context rules of other published LGRs ---- */

static void test_arabic_root_zone(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_shared("root-zone/lgr-5/lgr-5-arabic-script-26may22-en.xml");
	/* WLE rule 1: KAF (U+0643) and KEHEH (U+06A9) in one label, action 3. */
	expect_action(lgr, "كک", "invalid", IDREG_LGR_WHY_ACTION, 3);
	expect_action(lgr, "کتابك", "invalid", IDREG_LGR_WHY_ACTION, 3);
	/* WLE rule 3: ALEF MAKSURA (U+0649) and FARSI YEH (U+06CC), action 5. */
	expect_action(lgr, "ىی", "invalid", IDREG_LGR_WHY_ACTION, 5);
	/* كتاب: no variant types, the catch-all (action 21) makes it valid. */
	expect_action(lgr, "كتاب", "valid", IDREG_LGR_WHY_ACTION, 21);
	/* KAF -> KEHEH is of type allocatable: all-variants allocatable, action 20. */
	expect_variant(lgr, "كتاب", "کتاب=allocatable");
	idreg_lgr_free(lgr);
}

static void test_japanese_context(void **state)
{
	(void)state;
	struct idreg_lgr *lgr =
		load_shared("second-level-reference-lgr/lgr-second-level-japanese-script-31may22-en.xml");
	/* U+30FC (prolonged sound mark) has not-when="at-start-of-label". */
	expect_refused_at(lgr, "ーア", IDREG_LGR_WHY_CONTEXT, 0, "at-start-of-label");
	struct idreg_lgr_disposition d = disposition(lgr, "アー");
	assert_string_equal(d.disp, "valid");
	idreg_lgr_free(lgr);
}

static void test_common_root_zone(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_shared("root-zone/lgr-5-common-26may22-en.xml");
	/* U+094D (virama) when="Deva--follows-C-or-CN": after KA yes, after A no. */
	assert_string_equal(disposition(lgr, "क्ष").disp, "valid");
	expect_refused_at(lgr, "अ्", IDREG_LGR_WHY_CONTEXT, 1, "Deva--follows-C-or-CN");
	/* Hangul from a tagged <range>, Hanja from <char>: mixing them is invalid. */
	struct idreg_lgr_disposition d = disposition(lgr, "한國");
	assert_string_equal(d.disp, "invalid");
	assert_string_equal(d.rule, "Kore--no-hangul-hanja-mixed-label");
	assert_string_equal(disposition(lgr, "한국").disp, "valid");
	idreg_lgr_free(lgr);
}

/* ---- RFC 7940 features, on small LGRs ---- */

/* A sequence with a variant, a code point with a blocked variant, no rules at all. */
static const char sequences_lgr[] =
	NS "<data>"
	"<char cp=\"0061\"/>"
	"<char cp=\"0063\"/>"
	"<char cp=\"0063 0068\"><var cp=\"010D\" type=\"allocatable\"/></char>"
	"<char cp=\"0068\"/>"
	"<char cp=\"006F\"><var cp=\"00F6\" type=\"blocked\"/></char>"
	"<char cp=\"0074\"/>"
	"<char cp=\"00F6\"><var cp=\"006F\" type=\"blocked\"/></char>"
	"<char cp=\"010D\"><var cp=\"0063 0068\" type=\"allocatable\"/></char>"
	"</data></lgr>";

static void test_sequences_and_default_actions(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_text(sequences_lgr);
	/* No actions: the catch-all default (section 7.6, the 5th) makes it valid. */
	expect_action(lgr, "chot", "valid", IDREG_LGR_WHY_DEFAULT_ACTION, 5);
	/* č for ch: any-variant allocatable (default 3); ö: any-variant blocked (default 2). */
	expect_variants(lgr, "chot", "chöt=blocked\nčot=allocatable\nčöt=blocked\n");
	expect_action(lgr, "čot", "valid", IDREG_LGR_WHY_DEFAULT_ACTION, 5);
	expect_variants(lgr, "čot", "čöt=blocked\nchot=allocatable\nchöt=blocked\n");
	/* The index takes the smaller of ch (U+0063 U+0068) and č (U+010D), of o and ö. */
	expect_index(lgr, "chot", "chot");
	expect_index(lgr, "čöt", "chot");
	expect_index(lgr, "cat", "cat");
	expect_refused_at(lgr, "cxt", IDREG_LGR_WHY_NOT_IN_REPERTOIRE, 1, NULL);
	/* A code point out of the repertoire ends every permutation: none is even tried. */
	struct variant_list got;
	struct idreg_lgr_variant_summary sum =
		variants(lgr, "chotchotchotchotchotchotchotchotchotx", 0, true, &got);
	assert_int_equal(sum.generated, 0);
	assert_int_equal(got.count, 0);
	assert_false(sum.truncated);
	idreg_lgr_free(lgr);
}

static const char rules_lgr[] =
	NS "<meta><unicode-version>11.0.0</unicode-version></meta><data>"
	"<char cp=\"002D\" not-when=\"hyphen-edge\"/>"
	"<range first-cp=\"0030\" last-cp=\"0039\" tag=\"digit\"/>"
	"<range first-cp=\"0061\" last-cp=\"007A\" tag=\"letter\"/>"
	"<char cp=\"0300\"/>"
	"<char cp=\"0301\" when=\"after-vowel\"/>"
	"</data><rules>"
	"<class name=\"vowel\">0061 0065 0069 006F 0075</class>"
	"<difference name=\"consonant\"><class from-tag=\"letter\"/><class by-ref=\"vowel\"/></difference>"
	"<union name=\"alnum\"><class from-tag=\"letter\"/><class from-tag=\"digit\"/></union>"
	"<intersection name=\"vowel-letter\"><class by-ref=\"vowel\"/><class>0061-007A</class></intersection>"
	"<symmetric-difference name=\"x-or-z\"><class>0078 0079</class><class>0079-007A</class></symmetric-difference>"
	"<rule name=\"leading-combining-mark\"><start/><union><class property=\"gc:Mn\"/>"
	"<class property=\"gc:Mc\"/></union></rule>"
	"<rule name=\"hyphen-edge\"><choice>"
	"<rule><look-behind><start/></look-behind><anchor/></rule>"
	"<rule><anchor/><look-ahead><end/></look-ahead></rule>"
	"</choice></rule>"
	"<rule name=\"after-vowel\"><look-behind><class by-ref=\"vowel\"/></look-behind><anchor/></rule>"
	"<rule name=\"three-consonants\"><class by-ref=\"consonant\" count=\"3\"/></rule>"
	"<rule name=\"digits-only\"><start/><class from-tag=\"digit\" count=\"1+\"/><end/></rule>"
	"<rule name=\"o-run\"><start/><char cp=\"006F\" count=\"2:3\"/><end/></rule>"
	"<rule name=\"outside-alnum\"><complement><class by-ref=\"alnum\"/></complement></rule>"
	"<rule name=\"starts-x-or-z\"><start/><class by-ref=\"x-or-z\"/></rule>"
	"<rule name=\"vowel-at-end\"><class by-ref=\"vowel-letter\"/><end/></rule>"
	"<rule name=\"ends-with-vowel\"><rule by-ref=\"vowel-at-end\"/></rule>"
	"<action disp=\"invalid\" match=\"leading-combining-mark\"/>"
	"<action disp=\"invalid\" match=\"three-consonants\" comment=\"no three consonants\"/>"
	"<action disp=\"blocked\" match=\"digits-only\"/>"
	"<action disp=\"reserved\" match=\"o-run\"/>"
	"<action disp=\"restricted\" match=\"outside-alnum\"/>"
	"<action disp=\"sym\" match=\"starts-x-or-z\"/>"
	"<action disp=\"vowel-final\" match=\"ends-with-vowel\"/>"
	"</rules></lgr>";

static void test_classes_rules_and_actions(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_text(rules_lgr);
	const enum idreg_lgr_why own = IDREG_LGR_WHY_ACTION, dflt = IDREG_LGR_WHY_DEFAULT_ACTION;
	expect_action(lgr, "abc", "valid", dflt, 5);
	expect_action(lgr, "bcd", "invalid", own, 2);        /* count="3" of a difference */
	expect_action(lgr, "abcdfa", "invalid", own, 2);     /* anywhere in the label */
	expect_action(lgr, "123", "blocked", own, 3);        /* 1+ between start and end */
	expect_action(lgr, "a1", "valid", dflt, 5);
	expect_action(lgr, "oo", "reserved", own, 4);        /* 2:3 between start and end */
	expect_action(lgr, "ooo", "reserved", own, 4);
	expect_action(lgr, "oooo", "vowel-final", own, 7);   /* four is too many */
	expect_action(lgr, "o", "vowel-final", own, 7);      /* one too few */
	expect_action(lgr, "a-b", "restricted", own, 5);     /* complement of a union */
	expect_action(lgr, "za", "sym", own, 6);             /* symmetric difference: x and z */
	expect_action(lgr, "xb", "sym", own, 6);
	expect_action(lgr, "yb", "valid", dflt, 5);          /* not y */
	expect_action(lgr, "ya", "vowel-final", own, 7);     /* intersection, rule by-ref */
	/* Context rules on code points (section 6.4) come before any action. */
	expect_refused_at(lgr, "-ab", IDREG_LGR_WHY_CONTEXT, 0, "hyphen-edge");
	expect_refused_at(lgr, "ab-", IDREG_LGR_WHY_CONTEXT, 2, "hyphen-edge");
	expect_action(lgr, "e\xcc\x81", "restricted", own, 5);  /* U+0301 after a vowel */
	expect_refused_at(lgr, "b\xcc\x81", IDREG_LGR_WHY_CONTEXT, 1, "after-vowel");
	/* A leading combining mark by property gc:Mn (ICU's data). */
	expect_action(lgr, "\314\200a", "invalid", own, 1);
	struct idreg_lgr_disposition d = disposition(lgr, "bcd");
	assert_string_equal(d.comment, "no three consonants");
	assert_string_equal(d.rule, "three-consonants");
	idreg_lgr_free(lgr);
}

/* Whole-label rules match anywhere unless they say <start/> or <end/> (section 6.3). */
static const char search_lgr[] =
	NS "<data><range first-cp=\"0061\" last-cp=\"007A\"/></data><rules>"
	"<rule name=\"ab\"><char cp=\"0061\"/><char cp=\"0062\"/></rule>"
	"<rule name=\"x-first-or-y\"><choice><rule><start/><char cp=\"0078\"/></rule>"
	"<char cp=\"0079\"/></choice></rule>"
	"<rule name=\"two-then-z\"><any count=\"2\"/><char cp=\"007A\"/></rule>"
	"<rule name=\"maybe-q\"><char cp=\"0071\" count=\"0:1\"/></rule>"
	"<action disp=\"ab\" match=\"ab\"/>"
	"<action disp=\"xy\" match=\"x-first-or-y\"/>"
	"<action disp=\"z2\" match=\"two-then-z\"/>"
	"<action disp=\"empty\" match=\"maybe-q\"/>"
	"</rules></lgr>";

static void test_whole_label_search(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_text(search_lgr);
	const enum idreg_lgr_why own = IDREG_LGR_WHY_ACTION;
	expect_action(lgr, "cab", "ab", own, 1);  /* not at the start */
	expect_action(lgr, "cb", "empty", own, 4); /* a rule that can match nothing matches all */
	expect_action(lgr, "ay", "xy", own, 2);   /* y anywhere */
	expect_action(lgr, "xa", "xy", own, 2);   /* x at the start */
	expect_action(lgr, "ax", "empty", own, 4); /* x elsewhere */
	expect_action(lgr, "aaz", "z2", own, 3);
	expect_action(lgr, "az", "empty", own, 4);
	idreg_lgr_free(lgr);
}

/* Reflexive mappings, variants with when / not-when, all-variants against only-variants. */
static const char variants_lgr[] =
	NS "<data>"
	"<char cp=\"0061\"><var cp=\"0061\" type=\"r-a\"/><var cp=\"0251\" type=\"alt\"/></char>"
	"<char cp=\"0062\"/>"
	"<char cp=\"0063\"><var cp=\"0063\" when=\"at-end\" type=\"r-final\"/>"
	"<var cp=\"0188\" not-when=\"at-end\" type=\"blocked\"/></char>"
	"<char cp=\"0188\"><var cp=\"0063\" type=\"blocked\"/></char>"
	"<char cp=\"0251\"><var cp=\"0061\" type=\"alt\"/><var cp=\"0251\" type=\"r-a\"/></char>"
	"</data><rules>"
	"<rule name=\"at-end\"><anchor/><look-ahead><end/></look-ahead></rule>"
	"<action disp=\"valid\" all-variants=\"r-a r-final\"/>"
	"<action disp=\"allocatable\" only-variants=\"alt r-a\"/>"
	"<action disp=\"partial\" all-variants=\"alt\"/>"
	"</rules></lgr>";

static void test_reflexive_and_conditional_variants(void **state)
{
	(void)state;
	struct idreg_lgr *lgr = load_text(variants_lgr);
	const enum idreg_lgr_why own = IDREG_LGR_WHY_ACTION, dflt = IDREG_LGR_WHY_DEFAULT_ACTION;
	/* The types of reflexive mappings apply to the label itself (section 5.3.4). */
	expect_action(lgr, "aa", "valid", own, 1);
	expect_action(lgr, "ab", "valid", own, 1);
	expect_action(lgr, "b", "valid", dflt, 5);
	/* aɑ and ɑa: every element from a mapping, of types alt and r-a: only-variants. */
	expect_variants(lgr, "aa", "aɑ=allocatable\nɑa=allocatable\nɑɑ=allocatable\n");
	/* ɑb: b is no variant, so only all-variants (action 3) can fire. */
	expect_variants(lgr, "ab", "ɑb=partial\n");
	/* c at the end has its reflexive r-final, and ƈ is not a variant there. */
	expect_action(lgr, "c", "valid", own, 1);
	expect_variants(lgr, "c", "");
	expect_variants(lgr, "bc", "");
	/* Elsewhere the reflexive mapping does not hold and ƈ (blocked) does. */
	expect_action(lgr, "cb", "valid", dflt, 5);
	expect_variants(lgr, "cb", "ƈb=blocked\n");
	expect_index(lgr, "cb", "cb");
	expect_index(lgr, "ƈb", "cb");
	expect_index(lgr, "ɑɑ", "aa");
	idreg_lgr_free(lgr);
}

static void test_labels(void **state)
{
	(void)state;
	uint32_t cps[IDREG_LGR_LABEL_MAX];
	size_t n;
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_lgr_label_decode("", 0, cps, &n, &diag), IDREG_EPARSE);
	assert_int_equal(idreg_lgr_label_decode("a\xff", 2, cps, &n, &diag), IDREG_EPARSE);
	assert_non_null(strstr(diag.text, "UTF-8"));
	assert_int_equal(idreg_lgr_label_decode("\xed\xa0\x80", 3, cps, &n, &diag), IDREG_EPARSE);
	assert_int_equal(idreg_lgr_label_decode("a\0b", 3, cps, &n, &diag), IDREG_EPARSE);
	char long_label[IDREG_LGR_LABEL_MAX + 2];
	memset(long_label, 'a', sizeof(long_label) - 1);
	long_label[sizeof(long_label) - 1] = '\0';
	assert_int_equal(idreg_lgr_label_decode(long_label, IDREG_LGR_LABEL_MAX + 1, cps, &n, &diag),
			 IDREG_EPARSE);
	assert_int_equal(idreg_lgr_label_decode(long_label, IDREG_LGR_LABEL_MAX, cps, &n, &diag),
			 IDREG_OK);
	assert_int_equal(n, IDREG_LGR_LABEL_MAX);
	assert_int_equal(idreg_lgr_label_decode("中\xf0\x9f\x98\x80", 7, cps, &n, &diag), IDREG_OK);
	assert_int_equal(n, 2);
	assert_int_equal(cps[0], 0x4e2d);
	assert_int_equal(cps[1], 0x1f600);
	char out[8];
	assert_int_equal(idreg_lgr_label_encode(cps, n, out, sizeof(out)), IDREG_OK);
	assert_string_equal(out, "中\xf0\x9f\x98\x80");
	assert_int_equal(idreg_lgr_label_encode(cps, n, out, 7), IDREG_ETOOBIG);
}

/* ---- refusals ---- */

static void test_malformed_and_schema(void **state)
{
	(void)state;
	expect_load_error(NS "\n<data>\n<char cp=\"0061\">\n</data></lgr>", false, IDREG_EPARSE,
			  "bad.xml:4:", "malformed XML", NULL);
	expect_load_error(NS "<data><char cp=\"61\"/></data></lgr>", true, IDREG_EPARSE,
			  "bad.xml:1:", "schema", NULL);
	expect_load_error(NS "<data><char cp=\"61\"/></data></lgr>", false, IDREG_EPARSE,
			  "bad.xml:1:", "'61' is not a code point", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules><foo/></rules></lgr>", false,
			  IDREG_EPARSE, "<foo> has no place in <rules>", NULL);
	expect_load_error("<lgr><data><char cp=\"0061\"/></data></lgr>", false, IDREG_EPARSE,
			  "not in the LGR namespace", NULL);
	expect_load_error("<!DOCTYPE lgr [<!ENTITY e \"x\">]>" NS "<data><char cp=\"0061\"/></data></lgr>",
			  false, IDREG_EPARSE, "DOCTYPE", NULL);
	expect_load_error(NS "<meta/></lgr>", false, IDREG_EPARSE, "no <data>", NULL);
}

static void test_inconsistencies(void **state)
{
	(void)state;
	expect_load_error(NS "<data>\n<char cp=\"0061\"><var cp=\"0062\"/></char>\n"
			     "<char cp=\"0062\"/></data></lgr>",
			  true, IDREG_EPARSE, "bad.xml:2:", "asymmetric", "U+0062", NULL);
	expect_load_error(NS "<data><char cp=\"0061\">\n<var cp=\"0062\"/></char></data></lgr>", true,
			  IDREG_EPARSE, "bad.xml:2:", "not in the repertoire", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules>\n<rule name=\"r\">"
			     "<class by-ref=\"nowhere\"/></rule></rules></lgr>",
			  false, IDREG_EPARSE, "bad.xml:2:", "class 'nowhere' is not defined", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/>\n<char cp=\"0062\" when=\"nope\"/></data></lgr>",
			  false, IDREG_EPARSE, "bad.xml:2:", "when='nope': no such rule", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules>\n<action disp=\"invalid\" "
			     "match=\"nope\"/></rules></lgr>",
			  false, IDREG_EPARSE, "bad.xml:2:", "match='nope'", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/>\n<char cp=\"0061\"/></data></lgr>", true,
			  IDREG_EPARSE, "bad.xml:2:", "twice", NULL);
	expect_load_error(NS "<data><range first-cp=\"0061\" last-cp=\"0066\"/>\n"
			     "<range first-cp=\"0065\" last-cp=\"0069\"/></data></lgr>",
			  true, IDREG_EPARSE, "bad.xml:2:", "overlaps", NULL);
	expect_load_error(NS "<data><range first-cp=\"0061\" last-cp=\"0066\"/>\n"
			     "<char cp=\"0062\"/></data></lgr>",
			  true, IDREG_EPARSE, "bad.xml:2:", "also in the <range>", NULL);
	expect_load_error(NS "<data><char cp=\"0061 0062\" tag=\"x\"/></data></lgr>", true,
			  IDREG_EPARSE, "tag on a code point sequence", NULL);
	expect_load_error(NS "<data><char cp=\"0061\" when=\"r\" not-when=\"r\"/></data>"
			     "<rules><rule name=\"r\"><start/></rule></rules></lgr>",
			  true, IDREG_EPARSE, "both when and not-when", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules><rule name=\"r\">"
			     "<any count=\"3:1\"/></rule></rules></lgr>",
			  false, IDREG_EPARSE, "count", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules><rule name=\"r\">"
			     "<rule by-ref=\"r\"/></rule></rules></lgr>",
			  false, IDREG_EPARSE, "rule 'r' is not defined before", NULL);
	expect_load_error(NS "<data><char cp=\"0061\" ref=\"1\"/></data></lgr>", true, IDREG_EPARSE,
			  "reference '1' is not declared", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules><intersection name=\"i\">"
			     "<class>0061</class></intersection></rules></lgr>",
			  false, IDREG_EPARSE, "<intersection> needs 2 operands", NULL);
	expect_load_error(NS "<data><char cp=\"0061\"/></data><rules><class name=\"c\" "
			     "property=\"gc:Nonsense\"/></rules></lgr>",
			  true, IDREG_EPARSE, "gc:Nonsense", NULL);
}

/* A text of @lines lines, the last holding @tail. */
static char *with_lines(size_t lines, const char *head, const char *tail)
{
	size_t size = strlen(head) + lines + strlen(tail) + 1;
	char *xml = malloc(size);
	assert_non_null(xml);
	strcpy(xml, head);
	size_t at = strlen(head);
	memset(xml + at, '\n', lines - 1);
	strcpy(xml + at + lines - 1, tail);
	return xml;
}

static void test_lines_past_65535(void **state)
{
	(void)state;
	char *xml = with_lines(70001, NS "<data><char cp=\"0061\"/>",
			       "<char cp=\"0061\"/></data></lgr>");
	expect_load_error(xml, false, IDREG_EPARSE, "bad.xml:70001:", "twice (also line 1)", NULL);
	free(xml);
	xml = with_lines(70001, NS "<data><!-- <char cp=\"0062\"/>\n -->\n<char cp=\"0061\"/>",
			 "<char cp=\"x\"/></data></lgr>");
	expect_load_error(xml, false, IDREG_EPARSE, "bad.xml:70003:", "'x' is not a code point", NULL);
	free(xml);
}

static void test_limits(void **state)
{
	(void)state;
	const char *xml = NS "<data><char cp=\"0061\"/><char cp=\"0062\"/></data><rules>"
			     "<rule name=\"r\"><any count=\"40\"/><rule><any count=\"0:40\"/></rule></rule>"
			     "</rules></lgr>";
	struct idreg_lgr_options opts = { 0 };
	struct idreg_lgr *lgr = NULL;
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_lgr_load_buffer("x", xml, strlen(xml), &opts, &lgr, &diag), IDREG_OK);
	idreg_lgr_free(lgr);
	opts.limits.max_elements = 5;
	assert_int_equal(idreg_lgr_load_buffer("x", xml, strlen(xml), &opts, &lgr, &diag),
			 IDREG_ETOOBIG);
	assert_non_null(strstr(diag.text, "more than 5 elements"));
	opts.limits = (struct idreg_lgr_limits){ .max_depth = 4 };
	assert_int_equal(idreg_lgr_load_buffer("x", xml, strlen(xml), &opts, &lgr, &diag),
			 IDREG_ETOOBIG);
	opts.limits = (struct idreg_lgr_limits){ .max_program = 100 };
	assert_int_equal(idreg_lgr_load_buffer("x", xml, strlen(xml), &opts, &lgr, &diag),
			 IDREG_ETOOBIG);
	assert_non_null(strstr(diag.text, "rule 'r'"));
	opts.limits = (struct idreg_lgr_limits){ .max_file_bytes = 64 };
	assert_int_equal(idreg_lgr_load_buffer("x", xml, strlen(xml), &opts, &lgr, &diag),
			 IDREG_ETOOBIG);
	assert_null(lgr);
	struct idreg_lgr_options none = { 0 };
	assert_int_equal(idreg_lgr_load("/nonexistent/lgr.xml", &none, &lgr, &diag), IDREG_ENOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_shared_lgr_loads),
		cmocka_unit_test(test_chinese_root_zone_sizes),
		cmocka_unit_test(test_chinese_china),
		cmocka_unit_test(test_chinese_taiwan),
		cmocka_unit_test(test_chinese_refusals),
		cmocka_unit_test(test_variant_cap),
		cmocka_unit_test(test_arabic_root_zone),
		cmocka_unit_test(test_japanese_context),
		cmocka_unit_test(test_common_root_zone),
		cmocka_unit_test(test_sequences_and_default_actions),
		cmocka_unit_test(test_classes_rules_and_actions),
		cmocka_unit_test(test_whole_label_search),
		cmocka_unit_test(test_reflexive_and_conditional_variants),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_malformed_and_schema),
		cmocka_unit_test(test_inconsistencies),
		cmocka_unit_test(test_lines_past_65535),
		cmocka_unit_test(test_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
