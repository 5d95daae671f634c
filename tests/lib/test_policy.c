/*
 * Unit tests for lib/idn/policy.c: the IDN registration decision against
 * held names given through struct idreg_idn_holdings -- here an array
 * searched by the keys idreg_idn_keys gives, as another provider (EPP)
 * would plug in -- under the second-level Chinese reference LGR of
 * shared/data/lgr, or none.
 *
 * From the LGR XML: 国 U+56FD lists 囯 U+56EF "blocked", 圀 U+5700
 * "blocked" and 國 U+570B "trad"; 中 U+4E2D only itself.  The index label
 * replaces each code point by the smallest of its variant set: 中国 and
 * 中國 both become 中囯 (U+56EF < U+56FD < U+5700 < U+570B).  台 U+53F0
 * lists 檯 U+6AAF trad-1, 籉 U+7C49 blocked, 臺 U+81FA trad-2, 颱 U+98B1
 * blocked, and 湾 U+6E7E lists 灣 U+7063 trad: 台湾 is its own index label
 * and has nine variant labels, of which 檯灣 and 臺灣 are allocatable.
 * From UTS #39's confusables.txt: Cyrillic ѕ, с, о, р, е have the
 * prototypes s, c, o, p, e, so "ѕсоре" has the skeleton of "scope".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "idn/policy.h"

#define CHINESE "second-level-reference-lgr/lgr-second-level-chinese-language-31may22-en.xml"

static const char *chinese_path(void)
{
	static char path[4096];
	const char *shared = getenv("IDREG_SHARED");
	if (shared == NULL) {
		fail_msg("IDREG_SHARED is not set");
	}
	snprintf(path, sizeof(path), "%s/data/lgr/%s", shared, CHINESE);
	return path;
}

/* A policy and its checker. */
struct fixture {
	struct idreg_idn_policy *policy;
	struct idreg_idn_checker *checker;
};

static void fixture_open(struct fixture *f, bool lgr, enum idreg_idn_variants variants,
			 size_t max_activated, enum idreg_idn_confusables confusables)
{
	struct idreg_idn_policy_settings s = {
		.zone = "",
		.lgr_path = lgr ? chinese_path() : "",
		.variants = variants,
		.max_activated = max_activated,
		.max_variants = 1000,
		.confusables = confusables,
		.restriction_level = IDREG_CONFUSABLE_LEVEL_DEFAULT,
	};
	struct idreg_diag diag = { "" };
	if (idreg_idn_policy_load(&s, 1, &f->policy, &diag) != IDREG_OK) {
		fail_msg("policy: %s", diag.text);
	}
	assert_int_equal(idreg_idn_checker_new(f->policy, &f->checker), IDREG_OK);
}

static void fixture_close(struct fixture *f)
{
	idreg_idn_checker_free(f->checker);
	idreg_idn_policy_free(f->policy);
}

/* Held names, each with the keys the policy gave it. */
struct held_name {
	const char *name, *registrant;
	char index_key[IDREG_IDN_INDEX_KEY_MAX];
	char skeleton_key[IDREG_IDN_SKELETON_KEY_MAX];
};

struct registry {
	struct held_name names[8];
	size_t count;
	idreg_err fail_with; /* a lookup that fails */
};

static void hold(struct registry *r, struct fixture *f, const char *name, const char *registrant)
{
	struct held_name *h = &r->names[r->count++];
	struct idreg_diag diag = { "" };
	h->name = name;
	h->registrant = registrant;
	if (idreg_idn_keys(f->checker, name, h->index_key, h->skeleton_key, &diag) != IDREG_OK) {
		fail_msg("%s: no keys: %s", name, diag.text);
	}
}

static idreg_err lookup(struct registry *r, bool by_index, const char *key, idreg_idn_held_fn fn,
			void *ctx)
{
	if (r->fail_with != IDREG_OK) {
		return r->fail_with;
	}
	for (size_t i = 0; i < r->count; i++) {
		const struct held_name *h = &r->names[i];
		if (strcmp(by_index ? h->index_key : h->skeleton_key, key) == 0) {
			struct idreg_idn_held held = { h->name, h->registrant, h->index_key };
			idreg_err err = fn(ctx, &held);
			if (err != IDREG_OK) {
				return err;
			}
		}
	}
	return IDREG_OK;
}

static idreg_err by_index_key(void *source, const char *key, idreg_idn_held_fn fn, void *ctx,
			      struct idreg_diag *diag)
{
	(void)diag;
	return lookup(source, true, key, fn, ctx);
}

static idreg_err by_skeleton_key(void *source, const char *key, idreg_idn_held_fn fn, void *ctx,
				 struct idreg_diag *diag)
{
	(void)diag;
	return lookup(source, false, key, fn, ctx);
}

static void decide(struct fixture *f, struct registry *r, const char *name, const char *registrant,
		   struct idreg_idn_decision *d)
{
	struct idreg_idn_holdings holdings = { r, by_index_key, by_skeleton_key };
	struct idreg_diag diag = { "" };
	if (idreg_idn_decide(f->checker, name, strlen(name), registrant, &holdings, d, &diag) !=
	    IDREG_OK) {
		fail_msg("%s: %s", name, diag.text);
	}
}

/* The fate of variant @name in @d; -1 when it is not listed. */
static int fate_of(const struct idreg_idn_decision *d, const char *name)
{
	for (size_t i = 0; i < d->n_variants; i++) {
		if (strcmp(d->variants[i].unicode_name, name) == 0) {
			return (int)d->variants[i].fate;
		}
	}
	return -1;
}

static size_t count_fate(const struct idreg_idn_decision *d, enum idreg_idn_fate fate)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n_variants; i++) {
		n += d->variants[i].fate == fate;
	}
	return n;
}

static void test_keys(void **state)
{
	(void)state;
	struct fixture f, plain;
	fixture_open(&f, true, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	fixture_open(&plain, false, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	char index[IDREG_IDN_INDEX_KEY_MAX], skeleton[IDREG_IDN_SKELETON_KEY_MAX];
	struct idreg_diag diag = { "" };
	const char *names[] = { "中国.example", "中國.example", "中囯.example" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(idreg_idn_keys(f.checker, names[i], index, skeleton, &diag), IDREG_OK);
		assert_string_equal(index, "中囯.example");
	}
	assert_int_equal(idreg_idn_keys(f.checker, "台湾.example", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "台湾.example");
	/* Not in the LGR's repertoire: the label itself. */
	assert_int_equal(idreg_idn_keys(f.checker, "ѕсоре.example", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "ѕсоре.example");
	assert_string_equal(skeleton, "scope.example");
	/* Without an LGR the index key is the label, and a name of one label has no parent part. */
	assert_int_equal(idreg_idn_keys(plain.checker, "中國.example", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "中國.example");
	assert_int_equal(idreg_idn_keys(plain.checker, "example", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "example");
	fixture_close(&f);
	fixture_close(&plain);
}

/* A zone's own policy governs the names whose parent it is, whichever form
 * the configuration writes it in; every other name has the default's. */
static void test_zone_policies(void **state)
{
	(void)state;
	struct idreg_config cfg;
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_config_init(&cfg), IDREG_OK);
	assert_int_equal(idreg_config_set(&cfg, "idn.xn--fiqs8s.lgr", chinese_path(), &diag), IDREG_OK);
	assert_int_equal(idreg_config_set(&cfg, "idn.com.cn.lgr", chinese_path(), &diag), IDREG_OK);
	assert_int_equal(idreg_config_set(&cfg, "idn.com.cn.variants", "block", &diag), IDREG_OK);
	struct idreg_idn_policy_settings s[IDREG_IDN_MAX_ZONES + 1];
	size_t n = 0;
	assert_int_equal(idreg_idn_policy_settings(&cfg, s, &n, &diag), IDREG_OK);
	assert_int_equal(n, 3);
	assert_string_equal(s[0].zone, "");
	assert_string_equal(s[0].lgr_path, "");
	assert_string_equal(s[1].zone, "xn--fiqs8s");
	assert_int_equal(s[1].variants, IDREG_IDN_VARIANTS_RESERVE);
	assert_string_equal(s[2].zone, "com.cn");
	assert_int_equal(s[2].variants, IDREG_IDN_VARIANTS_BLOCK);
	assert_int_equal(s[2].max_activated, 2); /* the default's, not set for the zone */

	struct idreg_idn_policy *policy;
	struct idreg_idn_checker *checker;
	assert_int_equal(idreg_idn_policy_load(s, n, &policy, &diag), IDREG_OK);
	assert_int_equal(idreg_idn_checker_new(policy, &checker), IDREG_OK);
	char index[IDREG_IDN_INDEX_KEY_MAX], skeleton[IDREG_IDN_SKELETON_KEY_MAX];
	assert_int_equal(idreg_idn_keys(checker, "中國.中国", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "中囯.中国");
	assert_int_equal(idreg_idn_keys(checker, "中國.com.cn", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "中囯.com.cn");
	/* No policy of its own: the default's, without an LGR. */
	assert_int_equal(idreg_idn_keys(checker, "中國.cn", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "中國.cn");
	assert_int_equal(idreg_idn_keys(checker, "中國.x.com.cn", index, skeleton, &diag), IDREG_OK);
	assert_string_equal(index, "中國.x.com.cn");

	/* Under com.cn every variant is blocked; under 中国 the allocatable ones are reserved. */
	struct registry empty = { .count = 0 };
	struct idreg_idn_holdings none = { &empty, by_index_key, by_skeleton_key };
	struct idreg_idn_decision d;
	const char *names[] = { "台湾.com.cn", "台湾.中国" };
	const char *variants[] = { "臺灣.com.cn", "臺灣.中国" };
	const enum idreg_idn_fate fates[] = { IDREG_IDN_FATE_BLOCKED, IDREG_IDN_FATE_RESERVED };
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(idreg_idn_decide(checker, names[i], strlen(names[i]), "R-ONE", &none,
						  &d, &diag),
				 IDREG_OK);
		assert_int_equal(d.outcome, IDREG_IDN_REGISTRABLE);
		assert_int_equal(fate_of(&d, variants[i]), (int)fates[i]);
	}
	/* Without a policy of its own, 台湾.cn has no variant set. */
	assert_int_equal(idreg_idn_decide(checker, "台湾.cn", strlen("台湾.cn"), "R-ONE", &none, &d,
					  &diag),
			 IDREG_OK);
	assert_int_equal(d.outcome, IDREG_IDN_REGISTRABLE);
	assert_int_equal(d.n_variants, 0);
	idreg_idn_checker_free(checker);
	idreg_idn_policy_free(policy);

	/* The same zone twice, in two forms, is refused; so is an unknown key. */
	assert_int_equal(idreg_config_set(&cfg, "idn.中国.variants", "block", &diag), IDREG_OK);
	assert_int_equal(idreg_idn_policy_settings(&cfg, s, &n, &diag), IDREG_OK);
	assert_int_equal(idreg_idn_policy_load(s, n, &policy, &diag), IDREG_ECONFIG);
	assert_non_null(strstr(diag.text, "two policies"));
	assert_int_equal(idreg_config_set(&cfg, "idn.cn.colour", "red", &diag), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&cfg, "idn.cn.variants", "delegate", &diag), IDREG_ECONFIG);
	assert_non_null(strstr(diag.text, "[idn.cn]"));
	idreg_config_free(&cfg);
}

static void test_variant_of_held_name(void **state)
{
	(void)state;
	struct fixture f;
	fixture_open(&f, true, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	struct registry r = { .count = 0 };
	hold(&r, &f, "中国.example", "R-ONE");
	struct idreg_idn_decision d;

	decide(&f, &r, "中國.example", "R-TWO", &d);
	assert_int_equal(d.outcome, IDREG_IDN_VARIANT_OF_OTHER);
	assert_non_null(strstr(d.reason, "中国.example, held by R-ONE"));
	assert_int_equal(d.n_variants, 0);
	decide(&f, &r, "中國.example", NULL, &d);
	assert_int_equal(d.outcome, IDREG_IDN_VARIANT_OF_OTHER);

	decide(&f, &r, "中國.example", "r-one", &d);
	assert_int_equal(d.outcome, IDREG_IDN_RESERVED_VARIANT);
	assert_string_equal(idreg_idn_outcome_verdict(d.outcome), "accepted");
	assert_int_equal(d.n_variants, 3);
	assert_int_equal(fate_of(&d, "中国.example"), IDREG_IDN_FATE_HELD);
	assert_int_equal(fate_of(&d, "中囯.example"), IDREG_IDN_FATE_BLOCKED);
	assert_int_equal(fate_of(&d, "中圀.example"), IDREG_IDN_FATE_BLOCKED);

	/* A blocked variant is no reserved one, even for the same registrant. */
	decide(&f, &r, "中囯.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_VARIANT_BLOCKED);
	decide(&f, &r, "中国.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_HELD);
	/* A parent of its own is another name. */
	decide(&f, &r, "中國.test", "R-TWO", &d);
	assert_int_equal(d.outcome, IDREG_IDN_REGISTRABLE);
	fixture_close(&f);
}

static void test_max_activated(void **state)
{
	(void)state;
	struct fixture one, two;
	fixture_open(&one, true, IDREG_IDN_VARIANTS_RESERVE, 1, IDREG_IDN_CONFUSABLES_REFUSE);
	fixture_open(&two, true, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	struct registry r = { .count = 0 };
	hold(&r, &one, "台湾.example", "R-ONE");
	hold(&r, &one, "臺灣.example", "R-ONE");
	struct idreg_idn_decision d;
	decide(&one, &r, "檯灣.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_VARIANTS_EXHAUSTED);
	decide(&two, &r, "檯灣.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_RESERVED_VARIANT);
	assert_int_equal(fate_of(&d, "台湾.example"), IDREG_IDN_FATE_HELD);
	assert_int_equal(fate_of(&d, "臺灣.example"), IDREG_IDN_FATE_HELD);
	fixture_close(&one);
	fixture_close(&two);
}

static void test_variant_set(void **state)
{
	(void)state;
	const char *allocatable[] = { "檯灣.example", "臺灣.example" };
	const char *blocked[] = { "台灣.example", "檯湾.example", "籉湾.example", "籉灣.example",
				  "臺湾.example", "颱湾.example", "颱灣.example" };
	struct registry r = { .count = 0 };
	struct idreg_idn_decision d;
	struct fixture f;

	fixture_open(&f, true, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	decide(&f, &r, "台湾.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_REGISTRABLE);
	assert_int_equal(d.n_variants, 9);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(fate_of(&d, allocatable[i]), IDREG_IDN_FATE_RESERVED);
	}
	for (size_t i = 0; i < 7; i++) {
		assert_int_equal(fate_of(&d, blocked[i]), IDREG_IDN_FATE_BLOCKED);
	}
	fixture_close(&f);

	fixture_open(&f, true, IDREG_IDN_VARIANTS_BLOCK, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	decide(&f, &r, "台湾.example", "R-ONE", &d);
	assert_int_equal(count_fate(&d, IDREG_IDN_FATE_BLOCKED), 9);
	fixture_close(&f);

	fixture_open(&f, true, IDREG_IDN_VARIANTS_ACTIVATE, 1, IDREG_IDN_CONFUSABLES_REFUSE);
	decide(&f, &r, "台湾.example", "R-ONE", &d);
	assert_int_equal(count_fate(&d, IDREG_IDN_FATE_ACTIVATED), 1);
	assert_int_equal(count_fate(&d, IDREG_IDN_FATE_RESERVED), 1);
	assert_int_equal(count_fate(&d, IDREG_IDN_FATE_BLOCKED), 7);
	fixture_close(&f);

	/* The LGR refuses before anything is looked up. */
	fixture_open(&f, true, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	r.fail_with = IDREG_ESTORE;
	decide(&f, &r, "ѕсоре.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_LGR_INVALID);
	assert_non_null(strstr(d.reason, "U+0455"));
	decide(&f, &r, "-ab.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_IDNA2008);
	assert_string_equal(d.unicode_name, "");
	/* A lookup that fails is an error, not a decision. */
	struct idreg_idn_holdings holdings = { &r, by_index_key, by_skeleton_key };
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_idn_decide(f.checker, "台湾.example", strlen("台湾.example"), "R-ONE",
					  &holdings, &d, &diag),
			 IDREG_ESTORE);
	fixture_close(&f);
}

static void test_confusables(void **state)
{
	(void)state;
	enum idreg_idn_confusables modes[] = { IDREG_IDN_CONFUSABLES_REFUSE, IDREG_IDN_CONFUSABLES_FLAG,
					       IDREG_IDN_CONFUSABLES_ALLOW };
	enum idreg_idn_outcome expected[] = { IDREG_IDN_CONFUSABLE, IDREG_IDN_CONFUSABLE_FLAGGED,
					      IDREG_IDN_REGISTRABLE };
	for (size_t m = 0; m < 3; m++) {
		struct fixture f;
		fixture_open(&f, false, IDREG_IDN_VARIANTS_RESERVE, 2, modes[m]);
		struct registry r = { .count = 0 };
		hold(&r, &f, "scope.example", "R-ONE");
		struct idreg_idn_decision d;
		decide(&f, &r, "ѕсоре.example", "R-TWO", &d);
		assert_int_equal(d.outcome, expected[m]);
		/* Mixed Latin and Cyrillic fails the restriction level whatever the mode. */
		decide(&f, &r, "sсope.example", "R-TWO", &d);
		assert_int_equal(d.outcome, IDREG_IDN_RESTRICTION_LEVEL);
		/* The holder of scope.example may hold its look-alike; once another
		 * registrant holds a look-alike too, the mode applies again. */
		decide(&f, &r, "ѕсоре.example", "r-one", &d);
		assert_int_equal(d.outcome, IDREG_IDN_REGISTRABLE);
		hold(&r, &f, "ѕсoре.example", "R-THREE");
		decide(&f, &r, "ѕсоре.example", "R-ONE", &d);
		assert_int_equal(d.outcome, expected[m]);
		if (m < 2) {
			assert_non_null(strstr(d.reason, "ѕсoре.example, held by R-THREE"));
		}
		fixture_close(&f);
	}
}

/* Keys made under an LGR, decided by a policy without one: refused, not weighed. */
static void test_keys_of_another_lgr(void **state)
{
	(void)state;
	struct fixture zh, plain;
	fixture_open(&zh, true, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	fixture_open(&plain, false, IDREG_IDN_VARIANTS_RESERVE, 2, IDREG_IDN_CONFUSABLES_REFUSE);
	struct registry r = { .count = 0 };
	hold(&r, &zh, "中国.example", "R-ONE");
	struct idreg_idn_decision d;
	decide(&plain, &r, "中囯.example", "R-ONE", &d);
	assert_int_equal(d.outcome, IDREG_IDN_VARIANT_BLOCKED);
	fixture_close(&zh);
	fixture_close(&plain);
}

/* Every value the configuration accepts for [idn] is one the policy knows. */
static void test_settings_from_configuration(void **state)
{
	(void)state;
	const char *variants[] = { "reserve", "activate", "block" };
	const char *confusables[] = { "refuse", "flag", "allow" };
	const char *levels[] = { "ascii", "single-script", "highly-restrictive",
				 "moderately-restrictive", "minimally-restrictive", "unrestricted" };
	struct idreg_config cfg;
	struct idreg_idn_policy_settings settings[IDREG_IDN_MAX_ZONES + 1];
	struct idreg_idn_policy_settings s;
	size_t n;
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_config_init(&cfg), IDREG_OK);
	assert_int_equal(idreg_idn_policy_settings(&cfg, settings, &n, &diag), IDREG_OK);
	s = settings[0];
	assert_int_equal(s.variants, IDREG_IDN_VARIANTS_RESERVE);
	assert_int_equal(s.confusables, IDREG_IDN_CONFUSABLES_REFUSE);
	assert_int_equal(s.restriction_level, IDREG_CONFUSABLE_HIGHLY_RESTRICTIVE);
	assert_int_equal(s.max_activated, 2);
	assert_string_equal(s.lgr_path, "");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(idreg_config_set(&cfg, "idn.variants", variants[i], &diag), IDREG_OK);
		assert_int_equal(idreg_config_set(&cfg, "idn.confusables", confusables[i], &diag), IDREG_OK);
		assert_int_equal(idreg_idn_policy_settings(&cfg, settings, &n, &diag), IDREG_OK);
	s = settings[0];
		assert_int_equal(s.variants, (enum idreg_idn_variants)i);
		assert_int_equal(s.confusables, (enum idreg_idn_confusables)i);
	}
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(idreg_config_set(&cfg, "idn.restriction_level", levels[i], &diag),
				 IDREG_OK);
		assert_int_equal(idreg_idn_policy_settings(&cfg, settings, &n, &diag), IDREG_OK);
	s = settings[0];
		assert_string_equal(idreg_confusable_level_name(s.restriction_level), levels[i]);
	}
	assert_int_equal(idreg_config_set(&cfg, "idn.variants", "delegate", &diag), IDREG_ECONFIG);
	assert_int_equal(idreg_config_set(&cfg, "idn.max_activated", "65", &diag), IDREG_ECONFIG);
	idreg_config_free(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_zone_policies),
		cmocka_unit_test(test_variant_of_held_name),
		cmocka_unit_test(test_max_activated),
		cmocka_unit_test(test_variant_set),
		cmocka_unit_test(test_confusables),
		cmocka_unit_test(test_keys_of_another_lgr),
		cmocka_unit_test(test_settings_from_configuration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
