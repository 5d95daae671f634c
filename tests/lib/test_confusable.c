/*
 * Unit tests for lib/idn/confusable.c (UTS #39 through ICU's uspoof).
 *
 * Skeletons: pairs that Unicode's confusables.txt maps to one prototype
 * are equal -- U+0430 CYRILLIC SMALL LETTER A to 'a', U+0455 CYRILLIC
 * SMALL LETTER DZE to 's', U+0441 ES to 'c', U+043E O to 'o', U+0440 ER
 * to 'p', U+0435 IE to 'e', U+03BF GREEK SMALL LETTER OMICRON to 'o',
 * "m" to "rn", DIGIT ONE to 'l' -- and labels that differ in what no
 * mapping joins are not (中国 and 中國 are variants, for an LGR to say,
 * not confusables).  ASCII letters are taken in lower case, as the DNS
 * does, and an A-label stands for its U-label.
 *
 * Restriction levels, from UTS #39 section 5.2: ASCII only; one script
 * (Han, Hiragana and Katakana count as one, Japanese, by the augmented
 * script sets of section 5.1); Latin with Han and kana, or with Han and
 * Hangul, is highly restrictive; Latin with Arabic moderately; Latin with
 * Cyrillic or Greek only minimally.  At the default, highly restrictive,
 * the Latin/Cyrillic and Latin/Greek look-alikes are refused with both
 * scripts and the character that brought in the second named, while
 * single-script labels in Chinese, Arabic, Cyrillic, Greek and German are
 * accepted.  Runic is a script UAX #31 excludes from identifiers (Table
 * 4), so its letters are outside the profile.  Two digits systems (Arabic-
 * Indic and extended Arabic-Indic ones, U+0661 and U+06F1) in one label
 * fail section 5.3; a nonspacing mark twice in a row, section 5.4.
 * Whole-script look-alikes (section 4): every letter of Cyrillic "ѕсоре"
 * has a Latin prototype, so it could be Latin "scope", and the other way
 * round.
 *
 * Threads: several threads check and take skeletons at once, from the very
 * first call (the setup happens once, whichever thread comes first), and
 * get what one thread alone gets.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "idn/confusable.h"

static void skeleton_of(const char *label, char *out)
{
	struct idreg_diag diag = { "" };
	if (idreg_confusable_skeleton(label, strlen(label), out, IDREG_CONFUSABLE_SKELETON_MAX,
				      &diag) != IDREG_OK) {
		fail_msg("%s: no skeleton: %s", label, diag.text);
	}
}

static void expect_same_skeleton(const char *a, const char *b, bool same)
{
	char sa[IDREG_CONFUSABLE_SKELETON_MAX], sb[IDREG_CONFUSABLE_SKELETON_MAX];
	skeleton_of(a, sa);
	skeleton_of(b, sb);
	if ((strcmp(sa, sb) == 0) != same) {
		fail_msg("%s (%s) and %s (%s): skeletons %s", a, sa, b, sb,
			 same ? "differ" : "are equal");
	}
}

static void test_skeletons(void **state)
{
	(void)state;
	/* Cyrillic а (U+0430) in "paypal"; all of "раураl" but the l in Cyrillic. */
	expect_same_skeleton("paypal", "p\u0430ypal", true);
	expect_same_skeleton("paypal", "\u0440\u0430\u0443\u0440\u0430l", true);
	/* Cyrillic ѕ с о р е (U+0455 U+0441 U+043E U+0440 U+0435) and Latin "scope". */
	expect_same_skeleton("scope", "\u0455\u0441\u043e\u0440\u0435", true);
	/* Greek omicron (U+03BF) for the first o of "google". */
	expect_same_skeleton("google", "g\u03bfogle", true);
	/* Within Latin: m ~ rn, and DIGIT ONE ~ l. */
	expect_same_skeleton("modern", "rnodern", true);
	expect_same_skeleton("paypal", "paypa1", true);
	/* Case is the DNS's to ignore; an A-label stands for its U-label. */
	expect_same_skeleton("PayPal", "paypal", true);
	expect_same_skeleton("xn--pypal-4ve", "p\u0430ypal", true);
	/* Different labels, and variants that are no confusables. */
	expect_same_skeleton("paypal", "paypol", false);
	expect_same_skeleton("中国", "中國", false);
	expect_same_skeleton("bücher", "bucher", false);
}

/* Checked at @level: accepted or refused for @problem, with @words in the message. */
static void expect_verdict(const char *label, enum idreg_confusable_level level,
			 enum idreg_confusable_problem problem,
			 enum idreg_confusable_level label_level, const char *scripts,
			 const char *words)
{
	struct idreg_confusable_verdict v;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_confusable_check(label, strlen(label), level, &v, &diag);
	if (err != (problem == IDREG_CONFUSABLE_NONE ? IDREG_OK : IDREG_EPARSE) ||
	    v.problem != problem) {
		fail_msg("%s at %s: %s (%s), want %s", label, idreg_confusable_level_name(level),
			 idreg_confusable_problem_text(v.problem), diag.text,
			 idreg_confusable_problem_text(problem));
	}
	if (problem != IDREG_CONFUSABLE_INPUT && v.level != label_level) {
		fail_msg("%s: level %s, want %s", label, idreg_confusable_level_name(v.level),
			 idreg_confusable_level_name(label_level));
	}
	if (scripts != NULL) {
		assert_string_equal(v.scripts, scripts);
	}
	if (words != NULL && strstr(diag.text, words) == NULL) {
		fail_msg("%s: message '%s' lacks '%s'", label, diag.text, words);
	}
}

#define HIGHLY IDREG_CONFUSABLE_HIGHLY_RESTRICTIVE
#define NONE IDREG_CONFUSABLE_NONE

static void test_single_script_labels_accepted(void **state)
{
	(void)state;
	assert_int_equal(IDREG_CONFUSABLE_LEVEL_DEFAULT, HIGHLY);
	expect_verdict("paypal", HIGHLY, NONE, IDREG_CONFUSABLE_ASCII, "Latin", NULL);
	expect_verdict("my-label-2", HIGHLY, NONE, IDREG_CONFUSABLE_ASCII, "Latin", NULL);
	expect_verdict("中国", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Han", NULL);
	expect_verdict("中國", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Han", NULL);
	expect_verdict("مثال", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Arabic", NULL);
	expect_verdict("пример", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Cyrillic", NULL);
	expect_verdict("παράδειγμα", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Greek", NULL);
	expect_verdict("straße", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Latin", NULL);
	expect_verdict("bücher", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, "Latin", NULL);
	/* Japanese: Han, Hiragana and Katakana resolve to one script set (5.1). */
	expect_verdict("ひらがな漢字カタカナ", HIGHLY, NONE, IDREG_CONFUSABLE_SINGLE_SCRIPT, NULL, NULL);
	/* Latin with Han and kana, and with Han and Hangul: highly restrictive. */
	expect_verdict("abc日本ひらがな", HIGHLY, NONE, HIGHLY, NULL, NULL);
	expect_verdict("abc한국", HIGHLY, NONE, HIGHLY, NULL, NULL);
}

static void test_mixed_scripts_refused(void **state)
{
	(void)state;
	/* Latin and Cyrillic: minimally restrictive only (Cyrillic is excluded from 5.2's moderate). */
	expect_verdict("p\u0430ypal", HIGHLY, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE, "Latin, Cyrillic",
		     "U+0430 (CYRILLIC SMALL LETTER A) brings in the second script");
	expect_verdict("p\u0430ypal", IDREG_CONFUSABLE_MODERATELY_RESTRICTIVE,
		     IDREG_CONFUSABLE_RESTRICTION_LEVEL, IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE,
		     "Latin, Cyrillic", "minimally-restrictive, moderately-restrictive required");
	expect_verdict("p\u0430ypal", IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE, NONE,
		     IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE, "Latin, Cyrillic", NULL);
	expect_verdict("xn--pypal-4ve", HIGHLY, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE, "Latin, Cyrillic", "U+0430");
	/* Latin and Greek. */
	expect_verdict("g\u03bfogle", HIGHLY, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE, "Latin, Greek",
		     "U+03BF (GREEK SMALL LETTER OMICRON)");
	/* Cyrillic first, then Latin: the Latin letter is the one named. */
	expect_verdict("\u0455\u0441\u043e\u0440e", HIGHLY, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     IDREG_CONFUSABLE_MINIMALLY_RESTRICTIVE, "Cyrillic, Latin",
		     "U+0065 (LATIN SMALL LETTER E)");
	/* Latin and Arabic: moderately restrictive. */
	expect_verdict("abc\u0628", HIGHLY, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     IDREG_CONFUSABLE_MODERATELY_RESTRICTIVE, "Latin, Arabic", "Latin, Arabic");
	expect_verdict("abc\u0628", IDREG_CONFUSABLE_MODERATELY_RESTRICTIVE, NONE,
		     IDREG_CONFUSABLE_MODERATELY_RESTRICTIVE, "Latin, Arabic", NULL);
	/* Stricter levels than the default. */
	expect_verdict("bücher", IDREG_CONFUSABLE_ASCII, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     IDREG_CONFUSABLE_SINGLE_SCRIPT, "Latin", "single-script, ascii required");
	expect_verdict("abc日本", IDREG_CONFUSABLE_SINGLE_SCRIPT, IDREG_CONFUSABLE_RESTRICTION_LEVEL,
		     HIGHLY, "Latin, Han", NULL);
}

static void test_other_problems(void **state)
{
	(void)state;
	/* Runic: excluded from identifiers (UAX #31 Table 4), outside the profile. */
	expect_verdict("\u16a0", HIGHLY, IDREG_CONFUSABLE_NOT_IN_PROFILE,
		     IDREG_CONFUSABLE_UNRESTRICTED, "Runic", "U+16A0 (RUNIC LETTER FEHU FEOH FE F)");
	expect_verdict("\u16a0", IDREG_CONFUSABLE_UNRESTRICTED, NONE, IDREG_CONFUSABLE_UNRESTRICTED,
		     "Runic", NULL);
	/* ARABIC-INDIC DIGIT ONE with EXTENDED ARABIC-INDIC DIGIT ONE. */
	expect_verdict("\u0628\u0661\u06f1", HIGHLY, IDREG_CONFUSABLE_MIXED_NUMBERS,
		     IDREG_CONFUSABLE_SINGLE_SCRIPT, NULL, "numbering system");
	/* COMBINING ACUTE ACCENT twice. */
	expect_verdict("a\u0301\u0301", HIGHLY, IDREG_CONFUSABLE_INVISIBLE,
		     IDREG_CONFUSABLE_SINGLE_SCRIPT, "Latin", "repeated");
	/* Not labels. */
	expect_verdict("", HIGHLY, IDREG_CONFUSABLE_INPUT, 0, "", "empty");
	expect_verdict("a.b", HIGHLY, IDREG_CONFUSABLE_INPUT, 0, "", "a dot");
	expect_verdict("a\xff", HIGHLY, IDREG_CONFUSABLE_INPUT, 0, "", "UTF-8");
	expect_verdict("xn--a-", HIGHLY, IDREG_CONFUSABLE_INPUT, 0, "", "not a label");
	char long_label[IDREG_CONFUSABLE_INPUT_MAX + 2];
	memset(long_label, 'a', sizeof(long_label) - 1);
	long_label[sizeof(long_label) - 1] = '\0';
	expect_verdict(long_label, HIGHLY, IDREG_CONFUSABLE_INPUT, 0, "", "longer than 252 bytes");
}

static void expect_whole_script(const char *label, const char *script, bool present)
{
	struct idreg_confusable_verdict v;
	idreg_confusable_check(label, strlen(label), HIGHLY, &v, NULL);
	if ((strstr(v.whole_script, script) != NULL) != present) {
		fail_msg("%s: whole-script look-alikes '%s' %s %s", label, v.whole_script,
			 present ? "lack" : "have", script);
	}
}

static void test_whole_script(void **state)
{
	(void)state;
	expect_whole_script("\u0455\u0441\u043e\u0440\u0435", "Latin", true);
	expect_whole_script("scope", "Cyrillic", true);
	/* A label's own script is never its look-alike's. */
	expect_whole_script("scope", "Latin", false);
	expect_whole_script("\u0455\u0441\u043e\u0440\u0435", "Cyrillic", false);
	/* No Latin letter looks like ж (U+0436). */
	expect_whole_script("\u0436\u0443\u043a", "Latin", false);
}

/* ---- threads ---- */

static const char *const thread_labels[] = {
	"paypal", "p\u0430ypal", "\u0455\u0441\u043e\u0440\u0435", "g\u03bfogle", "中国", "مثال",
	"\u16a0", "a.b",
};
#define THREAD_LABELS (sizeof(thread_labels) / sizeof(thread_labels[0]))
#define THREADS 4

struct thread_result {
	struct idreg_confusable_verdict verdicts[THREAD_LABELS];
	char skeletons[THREAD_LABELS][64];
};

static void *check_all(void *arg)
{
	struct thread_result *r = arg;
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < THREAD_LABELS; i++) {
			const char *l = thread_labels[i];
			idreg_confusable_check(l, strlen(l), HIGHLY, &r->verdicts[i], NULL);
			if (idreg_confusable_skeleton(l, strlen(l), r->skeletons[i], 64, NULL) !=
			    IDREG_OK) {
				r->skeletons[i][0] = '\0';
			}
		}
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	static struct thread_result results[THREADS + 1];
	pthread_t threads[THREADS];
	for (size_t t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_create(&threads[t], NULL, check_all, &results[t]), 0);
	}
	for (size_t t = 0; t < THREADS; t++) {
		assert_int_equal(pthread_join(threads[t], NULL), 0);
	}
	check_all(&results[THREADS]);
	for (size_t t = 0; t < THREADS; t++) {
		for (size_t i = 0; i < THREAD_LABELS; i++) {
			const struct idreg_confusable_verdict *a = &results[t].verdicts[i];
			const struct idreg_confusable_verdict *b = &results[THREADS].verdicts[i];
			assert_int_equal(a->problem, b->problem);
			assert_int_equal(a->level, b->level);
			assert_string_equal(a->scripts, b->scripts);
			assert_string_equal(a->whole_script, b->whole_script);
			assert_string_equal(results[t].skeletons[i], results[THREADS].skeletons[i]);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_skeletons),
		cmocka_unit_test(test_single_script_labels_accepted),
		cmocka_unit_test(test_mixed_scripts_refused),
		cmocka_unit_test(test_other_problems),
		cmocka_unit_test(test_whole_script),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
