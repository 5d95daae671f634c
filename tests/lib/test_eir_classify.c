/*
 * Unit tests for lib/eir/classify.c on small hand-made registers: the
 * duplicate window's edges (within a month and across two), its threshold,
 * the daily average and its minimum of days, the transient detector's
 * arithmetic sequence and "new" MSISDNs, the allocation lag of unknown TACs
 * per reporting body, test and barred TACs, roamers and exempt device types
 * apart from not_registered, radio technologies, sticky and non-sticky
 * periods, a run of the same day, the safety cap, and segments stale or
 * broken.  Each test starts
 * from an empty registry; dates and counts are worked out by hand in the
 * comments.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "eir/classify.h"
#include "eir/segment.h"

static char g_dir[64];
static char g_db[128];
static struct idreg_store *g_store;
static struct idreg_eir_classify_options g_opts;

#define TAC_SMART "35123456"   /* 2G, 3G, 4G smartphone */
#define TAC_MODEM "35654321"   /* 2G, 3G "Modem" */

static void store_write_begin(void)
{
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->begin(g_store, &d), IDREG_OK);
}

static void store_write_end(void)
{
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->commit(g_store, &d), IDREG_OK);
}

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-classify-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	struct idreg_store_options o = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 50,
					 .create = true };
	struct idreg_diag d = { "" };
	if (idreg_store_open(&o, &g_store, &d) != IDREG_OK) {
		return -1;
	}
	struct idreg_config cfg;
	if (idreg_config_init(&cfg) != IDREG_OK ||
	    idreg_eir_classify_options_from_config(&cfg, "2026-03-31", &g_opts, &d) != IDREG_OK) {
		return -1;
	}
	idreg_config_free(&cfg); /* the options keep no string of it but those below */
	g_opts.home_mccs = "639";
	g_opts.exempt_device_types = "";
	store_write_begin();
	const struct idreg_eir_tac tacs[] = {
		{ TAC_SMART, "Aster", "S1", 7, "2020-01-01", "Smartphone" },
		{ TAC_MODEM, "Aster", "M1", 3, "2020-01-01", "Modem" },
	};
	assert_int_equal(g_store->ops->eir_tac_replace(g_store, tacs, 2, &d), IDREG_OK);
	store_write_end();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idreg_store_close(g_store);
	g_store = NULL;
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[160];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

/* @imei seen with @imsi and @msisdn on @date (YYYY-MM-DD) on radio technologies @rats. */
static void observe(const char *imei, const char *imsi, const char *msisdn, const char *date,
		    unsigned rats)
{
	char month[8];
	snprintf(month, sizeof(month), "%.7s", date);
	struct idreg_eir_observation o = {
		.operator_name = "op1", .month = month, .imei = imei, .imei_raw = imei,
		.imsi = imsi, .msisdn = msisdn, .first_seen = date, .last_seen = date,
		.days = 1u << (atoi(date + 8) - 1), .rats = rats,
	};
	struct idreg_diag d = { "" };
	store_write_begin();
	assert_int_equal(g_store->ops->eir_observe(g_store, &o, 1, &d), IDREG_OK);
	assert_int_equal(idreg_eir_segment_build(g_store, "op1", month, &d), IDREG_OK);
	store_write_end();
}

static void registered(const char *imei)
{
	struct idreg_eir_list_entry e = { imei, "", imei, "", false };
	struct idreg_diag d = { "" };
	store_write_begin();
	assert_int_equal(g_store->ops->eir_list_write(g_store, "registered", false, &e, 1, &d),
			 IDREG_OK);
	store_write_end();
}

static struct idreg_eir_classify_report classify(const char *date)
{
	struct idreg_eir_classify_report rep;
	struct idreg_diag d = { "" };
	g_opts.date = date;
	idreg_err err = idreg_eir_classify(g_store, &g_opts, &rep, &d);
	if (err != IDREG_OK) {
		fail_msg("classify %s: %s: %s", date, idreg_strerror_name(err), d.text);
	}
	return rep;
}

struct rows {
	char text[2048];
};

static idreg_err add_row(void *ctx, const struct idreg_eir_class *c)
{
	struct rows *r = ctx;
	size_t len = strlen(r->text);
	snprintf(r->text + len, sizeof(r->text) - len, "%s %s %s %s %s;", c->imei, c->condition,
		 c->start_date, c->end_date[0] ? c->end_date : "-",
		 c->block_date[0] ? c->block_date : "-");
	return IDREG_OK;
}

/* Every classification row (current ones only with @current), "imei condition start end block;". */
static const char *rows_of(bool current)
{
	static struct rows r;
	r.text[0] = '\0';
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->eir_class_each(g_store, current, NULL, add_row, &r, &d),
			 IDREG_OK);
	return r.text;
}

static void only(enum idreg_eir_condition cond)
{
	for (int k = 0; k < IDREG_EIR_CONDITION_COUNT; k++) {
		g_opts.rule[k].enabled = k == (int)cond;
		g_opts.rule[k].max_permille = 1000;
	}
}

#define A "35123456000011"

static void test_duplicate_window(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_DUPLICATE);
	g_opts.duplicate_window_days = 30;
	g_opts.duplicate_min_imsis = 3;
	g_opts.rule[IDREG_EIR_COND_DUPLICATE].sticky = false;
	g_opts.rule[IDREG_EIR_COND_DUPLICATE].grace_days = 10;
	observe(A, "639010000000001", "254700000001", "2026-03-01", 4);
	observe(A, "639010000000002", "254700000002", "2026-03-10", 4);
	observe(A, "639010000000003", "254700000003", "2026-03-30", 4);
	/* 30 days ending 03-29: two IMSIs (the third is after the day). */
	assert_int_equal(classify("2026-03-29").met[IDREG_EIR_COND_DUPLICATE], 0);
	/* Ending 03-30: 03-01 .. 03-30, three IMSIs: met, blocked ten days on. */
	assert_int_equal(classify("2026-03-30").started[IDREG_EIR_COND_DUPLICATE], 1);
	assert_string_equal(rows_of(true), A " duplicate 2026-03-30 - 2026-04-09;");
	/* Ending 03-31: 03-02 .. 03-31, the first IMSI is out: not sticky, ended. */
	struct idreg_eir_classify_report rep = classify("2026-03-31");
	assert_int_equal(rep.ended[IDREG_EIR_COND_DUPLICATE], 1);
	assert_string_equal(rows_of(false), A " duplicate 2026-03-30 2026-03-31 2026-04-09;");
}

static void test_duplicate_across_months(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_DUPLICATE);
	g_opts.duplicate_min_imsis = 3;
	observe(A, "639010000000001", "254700000001", "2026-02-28", 4);
	observe(A, "639010000000002", "254700000002", "2026-03-01", 4);
	observe(A, "639010000000003", "254700000003", "2026-03-05", 4);
	/* Five days ending 03-05 are 03-01 .. 03-05: two IMSIs; six reach 02-28: three. */
	g_opts.duplicate_window_days = 5;
	assert_int_equal(classify("2026-03-05").met[IDREG_EIR_COND_DUPLICATE], 0);
	g_opts.duplicate_window_days = 6;
	assert_int_equal(classify("2026-03-05").met[IDREG_EIR_COND_DUPLICATE], 1);
	/* The same IMSI with another MSISDN is still one IMSI: four needed, three held. */
	observe(A, "639010000000003", "254700000009", "2026-03-05", 4);
	g_opts.duplicate_min_imsis = 4;
	g_opts.rule[IDREG_EIR_COND_DUPLICATE].sticky = false;
	assert_int_equal(classify("2026-03-05").met[IDREG_EIR_COND_DUPLICATE], 0);
}

static void test_daily_average(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_DUPLICATE_DAILY_AVG);
	g_opts.duplicate_window_days = 30;
	/* Days 1 .. 7 of March with two IMSIs each, day 8 with one (and its second
	 * MSISDN): 15 IMSI-days over 8 days seen = 1.875 a day. */
	char date[11];
	for (int day = 1; day <= 8; day++) {
		snprintf(date, sizeof(date), "2026-03-%02d", day);
		observe(A, "639010000000001", "254700000001", date, 4);
		if (day < 8) {
			observe(A, "639010000000002", "254700000002", date, 4);
		}
	}
	observe(A, "639010000000001", "254700000007", "2026-03-08", 4);
	g_opts.daily_avg_min_days = 8;
	g_opts.daily_avg_min_hundredths = 188;
	assert_int_equal(classify("2026-03-08").met[IDREG_EIR_COND_DUPLICATE_DAILY_AVG], 0);
	g_opts.daily_avg_min_hundredths = 187; /* 1.875 >= 1.87 */
	assert_int_equal(classify("2026-03-08").met[IDREG_EIR_COND_DUPLICATE_DAILY_AVG], 1);
	/* As of 03-07: 14 IMSI-days over 7 days = 2.00, but 7 days seen < 8. */
	struct idreg_eir_classify_options saved = g_opts;
	teardown(NULL);
	setup(NULL);
	g_opts = saved;
	for (int day = 1; day <= 7; day++) {
		snprintf(date, sizeof(date), "2026-03-%02d", day);
		observe(A, "639010000000001", "254700000001", date, 4);
		observe(A, "639010000000002", "254700000002", date, 4);
	}
	g_opts.daily_avg_min_hundredths = 200;
	assert_int_equal(classify("2026-03-07").met[IDREG_EIR_COND_DUPLICATE_DAILY_AVG], 0);
	g_opts.daily_avg_min_days = 7;
	assert_int_equal(classify("2026-03-07").met[IDREG_EIR_COND_DUPLICATE_DAILY_AVG], 1);
}

/* @count MSISDNs 254800000100 + @step * k, one a day from March @first_day, on @imei. */
static void sequence(const char *imei, int count, int step, int first_day, const char *month)
{
	for (int k = 0; k < count; k++) {
		char imsi[32], msisdn[32], date[11];
		snprintf(imsi, sizeof(imsi), "6390100000%05d", k);
		snprintf(msisdn, sizeof(msisdn), "%lld", 254800000100LL + (long long)step * k);
		snprintf(date, sizeof(date), "%s-%02d", month, first_day + k);
		observe(imei, imsi, msisdn, date, 4);
	}
}

static void test_transient(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_TRANSIENT);
	g_opts.transient_window_days = 30;
	g_opts.transient_min_msisdns = 10;
	g_opts.rule[IDREG_EIR_COND_TRANSIENT].sticky = false;
	/* Ten MSISDNs 7 apart: met.  Nine: not. */
	sequence(A, 9, 7, 1, "2026-03");
	assert_int_equal(classify("2026-03-20").met[IDREG_EIR_COND_TRANSIENT], 0);
	observe(A, "639010000000999", "254800000163", "2026-03-20", 4); /* 100 + 9 * 7 */
	assert_int_equal(classify("2026-03-20").met[IDREG_EIR_COND_TRANSIENT], 1);
	/* 30 days ending 04-20 begin 03-22: none of them new within it: ended. */
	assert_int_equal(classify("2026-04-20").ended[IDREG_EIR_COND_TRANSIENT], 1);
}

static void test_transient_not_a_sequence(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_TRANSIENT);
	g_opts.transient_window_days = 30;
	g_opts.transient_min_msisdns = 10;
	/* Ten MSISDNs, the fifth out of step: the longest run with one difference is 5. */
	sequence(A, 4, 7, 1, "2026-03");
	observe(A, "639010000000888", "254800000129", "2026-03-05", 4); /* 100 + 4 * 7 + 1 */
	for (int k = 5; k < 10; k++) {
		char imsi[32], msisdn[32], date[11];
		snprintf(imsi, sizeof(imsi), "6390100001%05d", k);
		snprintf(msisdn, sizeof(msisdn), "%lld", 254800000100LL + 7LL * k);
		snprintf(date, sizeof(date), "2026-03-%02d", 1 + k);
		observe(A, imsi, msisdn, date, 4);
	}
	assert_int_equal(classify("2026-03-20").met[IDREG_EIR_COND_TRANSIENT], 0);
	/* A sequence whose MSISDNs were seen long before is not new: not transient. */
	teardown(NULL);
	setup(NULL);
	only(IDREG_EIR_COND_TRANSIENT);
	sequence(A, 10, 7, 1, "2026-01");
	sequence(A, 10, 7, 1, "2026-03");
	assert_int_equal(classify("2026-03-20").met[IDREG_EIR_COND_TRANSIENT], 0);
}

static void test_tacs(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_UNKNOWN_TAC);
	g_opts.rule[IDREG_EIR_COND_TEST_IMEI].enabled = true;
	g_opts.rule[IDREG_EIR_COND_BARRED_TAC].enabled = true;
	g_opts.rule[IDREG_EIR_COND_RAT_UNSUPPORTED].enabled = true;
	for (int b = 0; b < 100; b++) {
		g_opts.tac_lag_days[b] = 0;
	}
	g_opts.tac_lag_days[86] = 30;
	observe("86999999000011", "639010000000001", "254700000001", "2026-03-01", 4);
	observe("35999999000011", "639010000000002", "254700000002", "2026-03-01", 4);
	observe("00100100000011", "639010000000003", "254700000003", "2026-03-01", 4);
	observe(TAC_MODEM "000011", "639010000000004", "254700000004", "2026-03-01", 1);
	observe(TAC_MODEM "000022", "639010000000005", "254700000005", "2026-03-01", 4);
	struct idreg_eir_list_entry barred = { TAC_SMART, "", TAC_SMART, "", false };
	struct idreg_diag d = { "" };
	store_write_begin();
	assert_int_equal(g_store->ops->eir_list_write(g_store, "barred_tacs", true, &barred, 1, &d),
			 IDREG_OK);
	store_write_end();
	observe(TAC_SMART "000033", "639010000000006", "254700000006", "2026-03-01", 4);
	/* 03-30 is 29 days after 86...'s first day: within its lag; 35... has none;
	 * the test IMEI is test_imei, not also unknown. */
	classify("2026-03-30");
	assert_string_equal(rows_of(true),
			    "00100100000011 test_imei 2026-03-30 - 2026-04-29;"
			    TAC_SMART "000033 barred_tac 2026-03-30 - 2026-03-30;"
			    TAC_MODEM "000022 rat_unsupported 2026-03-30 - -;"
			    "35999999000011 unknown_tac 2026-03-30 - 2026-05-29;");
	/* 03-31: 30 days, the lag is over. */
	assert_int_equal(classify("2026-03-31").started[IDREG_EIR_COND_UNKNOWN_TAC], 1);
	assert_non_null(strstr(rows_of(true), "86999999000011 unknown_tac 2026-03-31 - 2026-05-30;"));
}

static void test_not_registered(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_NOT_REGISTERED);
	observe(TAC_SMART "000011", "639010000000001", "254700000001", "2026-03-01", 4);
	observe(TAC_SMART "000022", "639010000000002", "254700000002", "2026-03-01", 4);
	registered(TAC_SMART "000022");
	observe(TAC_SMART "000033", "310260000000003", "12020000003", "2026-03-01", 4); /* roamer */
	observe(TAC_MODEM "000044", "639010000000004", "254700000004", "2026-03-01", 1);
	observe("99999999000055", "639010000000005", "254700000005", "2026-03-01", 1);
	g_opts.exempt_device_types = "Tablet, Modem";
	classify("2026-03-31");
	/* The modem is exempt; a TAC the database lacks has no type to exempt it. */
	assert_string_equal(rows_of(true), TAC_SMART "000011 not_registered 2026-03-31 - 2026-06-29;"
					   "99999999000055 not_registered 2026-03-31 - 2026-06-29;");
}

static void test_sticky_same_day_and_cap(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_STOLEN);
	struct idreg_eir_list_entry stolen = { A, "", A, "2026-03-10", false };
	struct idreg_diag d = { "" };
	store_write_begin();
	assert_int_equal(g_store->ops->eir_list_write(g_store, "stolen", true, &stolen, 1, &d),
			 IDREG_OK);
	store_write_end();
	observe(A, "639010000000001", "254700000001", "2026-03-01", 4);
	observe(TAC_SMART "000099", "639010000000002", "254700000002", "2026-03-01", 4);
	/* Before the reported day: not stolen. */
	assert_int_equal(classify("2026-03-09").met[IDREG_EIR_COND_STOLEN], 0);
	assert_int_equal(classify("2026-03-10").started[IDREG_EIR_COND_STOLEN], 1);
	struct idreg_eir_classify_report again = classify("2026-03-10");
	assert_int_equal(again.started[IDREG_EIR_COND_STOLEN], 0);
	assert_int_equal(again.ended[IDREG_EIR_COND_STOLEN], 0);
	/* Taken off the list: sticky, it stays; not sticky, it ends. */
	store_write_begin();
	assert_int_equal(g_store->ops->eir_list_write(g_store, "stolen", true, NULL, 0, &d),
			 IDREG_OK);
	store_write_end();
	g_opts.rule[IDREG_EIR_COND_STOLEN].sticky = true;
	assert_int_equal(classify("2026-03-11").ended[IDREG_EIR_COND_STOLEN], 0);
	g_opts.rule[IDREG_EIR_COND_STOLEN].sticky = false;
	assert_int_equal(classify("2026-03-12").ended[IDREG_EIR_COND_STOLEN], 1);
	assert_string_equal(rows_of(false), A " stolen 2026-03-10 2026-03-12 2026-03-10;");
	/* An earlier day than the last run's is refused. */
	g_opts.date = "2026-03-11";
	struct idreg_eir_classify_report rep;
	assert_int_equal(idreg_eir_classify(g_store, &g_opts, &rep, &d), IDREG_ESTALE);
	/* Safety cap: the two IMEIs are unregistered (one of two: 50%); a cap of
	 * 500 per mille lets it through, 499 refuses and writes nothing. */
	only(IDREG_EIR_COND_NOT_REGISTERED);
	registered(A);
	g_opts.rule[IDREG_EIR_COND_NOT_REGISTERED].max_permille = 499;
	g_opts.date = "2026-03-31";
	assert_int_equal(idreg_eir_classify(g_store, &g_opts, &rep, &d), IDREG_ETOOBIG);
	assert_non_null(strstr(d.text, "not_registered would match 50.0% of the 2 IMEIs"));
	assert_string_equal(rows_of(true), "");
	g_opts.rule[IDREG_EIR_COND_NOT_REGISTERED].max_permille = 500;
	assert_int_equal(classify("2026-03-31").met[IDREG_EIR_COND_NOT_REGISTERED], 1);
}

static void test_malformed_and_options(void **state)
{
	(void)state;
	only(IDREG_EIR_COND_MALFORMED);
	observe("35AB", "639010000000001", "254700000001", "2026-03-01", 4);
	observe("35AB", "639010000000002", "254700000002", "2026-03-02", 4);
	observe(A, "639010000000003", "254700000003", "2026-03-01", 4);
	struct idreg_eir_classify_report rep = classify("2026-03-31");
	assert_int_equal(rep.imeis, 2);
	assert_string_equal(rows_of(true), "35AB malformed 2026-03-31 - 2026-04-30;");
	/* Observations after the run's day are not looked at. */
	observe("35CD", "639010000000004", "254700000004", "2026-04-01", 4);
	assert_int_equal(classify("2026-03-31").imeis, 2);
	/* The lag setting: items RB:DAYS or *:DAYS; anything else names the key. */
	struct idreg_config cfg;
	struct idreg_diag d = { "" };
	struct idreg_eir_classify_options o;
	assert_int_equal(idreg_config_init(&cfg), IDREG_OK);
	assert_int_equal(idreg_config_set(&cfg, "eir.unknown_tac_lag", "*:5, 86:90", &d), IDREG_OK);
	assert_int_equal(idreg_eir_classify_options_from_config(&cfg, "2026-03-31", &o, &d),
			 IDREG_OK);
	assert_int_equal(o.tac_lag_days[86], 90);
	assert_int_equal(o.tac_lag_days[35], 5);
	static const char *const bad[] = { "86", "8:1", "86:", "86:x", "86:-1", "86:3651", "86:1x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(idreg_config_set(&cfg, "eir.unknown_tac_lag", bad[i], &d), IDREG_OK);
		assert_int_equal(idreg_eir_classify_options_from_config(&cfg, "2026-03-31", &o, &d),
				 IDREG_ECONFIG);
		assert_non_null(strstr(d.text, "eir.unknown_tac_lag"));
	}
	idreg_config_free(&cfg);
	/* A segment marked stale (observations imported before segments were
	 * kept) is packed again first: the same finding. */
	store_write_begin();
	assert_int_equal(g_store->ops->eir_segment_put(g_store, "op1", "2026-03", NULL, 0, &d),
			 IDREG_OK);
	store_write_end();
	assert_int_equal(classify("2026-03-31").imeis, 2);
	/* A segment that is no segment is refused, saying which. */
	store_write_begin();
	assert_int_equal(g_store->ops->eir_segment_put(g_store, "op1", "2026-03", "EIRSEG1", 8, &d),
			 IDREG_OK);
	store_write_end();
	g_opts.date = "2026-03-31";
	assert_int_equal(idreg_eir_classify(g_store, &g_opts, &rep, &d), IDREG_EPARSE);
	assert_non_null(strstr(d.text, "op1 2026-03: segment: "));
	/* Nor one whose rows are out of IMEI order (the merge relies on it). */
	unsigned char blob[IDREG_EIR_SEGMENT_HEADER + 2 * sizeof(struct idreg_eir_segment_row)];
	uint32_t mark = 0x01020304u;
	uint64_t rows = 2, none = 0;
	memset(blob, 0, sizeof(blob));
	memcpy(blob, "EIRSEG1", 8);
	memcpy(blob + 8, &mark, 4);
	memcpy(blob + 16, &rows, 8);
	memcpy(blob + 24, &none, 8);
	struct idreg_eir_segment_row r[2] = {
		{ 35123456000022ull, 1, 1, 1, (uint16_t)idreg_eir_month_number("2026-03"), 4, 0 },
		{ 35123456000011ull, 1, 1, 1, (uint16_t)idreg_eir_month_number("2026-03"), 4, 0 },
	};
	memcpy(blob + IDREG_EIR_SEGMENT_HEADER, r, sizeof(r));
	store_write_begin();
	assert_int_equal(g_store->ops->eir_segment_put(g_store, "op1", "2026-03", blob,
						       sizeof(blob), &d), IDREG_OK);
	store_write_end();
	assert_int_equal(idreg_eir_classify(g_store, &g_opts, &rep, &d), IDREG_EPARSE);
	assert_non_null(strstr(d.text, "not in order of IMEI"));
	g_opts.date = "2026-02-30";
	assert_int_equal(idreg_eir_classify(g_store, &g_opts, &rep, &d), IDREG_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_duplicate_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_across_months, setup, teardown),
		cmocka_unit_test_setup_teardown(test_daily_average, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transient, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transient_not_a_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tacs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_registered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sticky_same_day_and_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed_and_options, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
