/*
 * Unit tests for the register's in-memory state and check (lib/eir/check.c),
 * eir.operators and IMSI routing (lib/eir/lists.c) and the CSV writer
 * (lib/formats/csv.c).
 *
 * The register is loaded from a real SQLite store the test writes through
 * the store interface: per IMEI several conditions, blocking and
 * informative, current and closed; the verdicts below follow from those
 * rows by the rule of check.h (black: a current blocking condition whose
 * block date is on or before the day, not golden, not paired with the IMSI
 * asked about; grey: any other current condition; white: none).
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

#include "eir/check.h"
#include "eir/lists.h"
#include "formats/csv.h"

static char g_dir[64], g_db[96];

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-eir-check-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[128];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

static struct idreg_store *new_store(void)
{
	struct idreg_store_options o = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 50,
					 .create = true };
	struct idreg_store *s = NULL;
	struct idreg_diag d = { "" };
	if (idreg_store_open(&o, &s, &d) != IDREG_OK) {
		fail_msg("opening %s: %s", g_db, d.text);
	}
	return s;
}

static void put(struct idreg_store *s, const char *imei, const char *condition, const char *start,
		const char *end, const char *block, bool blocking)
{
	struct idreg_eir_class row = { imei, condition, start, end, block, blocking, 1 };
	struct idreg_diag d = { "" };
	assert_int_equal(s->ops->begin(s, &d), IDREG_OK);
	assert_int_equal(s->ops->eir_class_put(s, &row, 1, &d), IDREG_OK);
	assert_int_equal(s->ops->commit(s, &d), IDREG_OK);
}

static void list(struct idreg_store *s, const char *name, const char *item, const char *imsi)
{
	struct idreg_eir_list_entry e = { item, imsi, item, "", false };
	struct idreg_diag d = { "" };
	assert_int_equal(s->ops->begin(s, &d), IDREG_OK);
	assert_int_equal(s->ops->eir_list_write(s, name, false, &e, 1, &d), IDREG_OK);
	assert_int_equal(s->ops->commit(s, &d), IDREG_OK);
}

/* "status reasons block exempt" of a check, reasons joined by '|'. */
static const char *verdict(const struct idreg_eir_register *reg, const char *imei, const char *imsi,
			   const char *today)
{
	static char text[256];
	struct idreg_eir_verdict v;
	idreg_eir_check(reg, imei, imsi, today, &v);
	snprintf(text, sizeof(text), "%s ", idreg_eir_status_name(v.status));
	bool first = true;
	for (size_t i = 0; i < reg->condition_count; i++) {
		if (v.reasons & (1u << reg->by_name[i])) {
			size_t used = strlen(text);
			snprintf(text + used, sizeof(text) - used, "%s%s", first ? "" : "|",
				 reg->conditions[reg->by_name[i]]);
			first = false;
		}
	}
	size_t used = strlen(text);
	static const char *const exempt[] = { "-", "golden", "pairing" };
	snprintf(text + used, sizeof(text) - used, " %s %s", v.block_date[0] ? v.block_date : "-",
		 exempt[v.exempt]);
	return text;
}

static void test_register(void **state)
{
	(void)state;
	struct idreg_store *s = new_store();
	/* Two blocking conditions (the earlier block date counts) and an informative one. */
	put(s, "35000000000001", "transient", "2026-01-01", "", "", false);
	put(s, "35000000000001", "stolen", "2026-01-05", "", "2026-01-05", true);
	put(s, "35000000000001", "duplicate", "2026-01-01", "", "2026-03-01", true);
	/* Informative only. */
	put(s, "35000000000002", "rat_unsupported", "2026-01-01", "", "", false);
	/* A closed period: not current. */
	put(s, "35000000000003", "duplicate", "2026-01-01", "2026-01-20", "2026-01-10", true);
	/* Golden and paired. */
	put(s, "35000000000004", "stolen", "2026-01-01", "", "2026-01-01", true);
	put(s, "35000000000005", "duplicate", "2026-01-01", "", "2026-01-01", true);
	/* A malformed IMEI kept raw: no check names it. */
	put(s, "35ABC", "malformed", "2026-01-01", "", "2026-01-01", true);
	list(s, "golden", "35000000000004", "");
	list(s, "pairings", "35000000000005", "639010000000001");

	struct idreg_eir_register reg;
	idreg_eir_register_init(&reg);
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_eir_register_load(&reg, s, &d), IDREG_OK);
	idreg_store_close(s);
	assert_int_equal(reg.count, 4); /* 1, 2, 4, 5 */
	assert_int_equal(reg.golden_count, 1);
	assert_int_equal(reg.pairing_count, 1);

	assert_string_equal(verdict(&reg, "35000000000001", NULL, "2026-01-04"),
			    "grey duplicate|stolen|transient 2026-01-05 -");
	assert_string_equal(verdict(&reg, "35000000000001", NULL, "2026-01-05"),
			    "black duplicate|stolen|transient 2026-01-05 -");
	assert_string_equal(verdict(&reg, "35000000000002", NULL, "2026-06-01"),
			    "grey rat_unsupported - -");
	assert_string_equal(verdict(&reg, "35000000000003", NULL, "2026-06-01"), "white  - -");
	assert_string_equal(verdict(&reg, "35000000000004", NULL, "2026-06-01"),
			    "grey stolen 2026-01-01 golden");
	assert_string_equal(verdict(&reg, "35000000000005", "639010000000001", "2026-06-01"),
			    "grey duplicate 2026-01-01 pairing");
	assert_string_equal(verdict(&reg, "35000000000005", "639010000000002", "2026-06-01"),
			    "black duplicate 2026-01-01 -");
	assert_string_equal(verdict(&reg, "35000000000005", "6390100000000010", "2026-06-01"),
			    "black duplicate 2026-01-01 -"); /* no IMSI: 16 digits */
	assert_string_equal(verdict(&reg, "35000000000005", NULL, "2026-06-01"),
			    "black duplicate 2026-01-01 -");
	assert_string_equal(verdict(&reg, "99999999999999", NULL, "2026-06-01"), "white  - -");
	assert_string_equal(verdict(&reg, "00000000000000", NULL, "2026-06-01"), "white  - -");
	idreg_eir_register_free(&reg);
}

static void test_too_many_conditions(void **state)
{
	(void)state;
	struct idreg_store *s = new_store();
	char name[16];
	for (int i = 0; i <= IDREG_EIR_MAX_CONDITIONS; i++) {
		snprintf(name, sizeof(name), "c%02d", i);
		put(s, "35000000000001", name, "2026-01-01", "", "", false);
	}
	struct idreg_eir_register reg;
	idreg_eir_register_init(&reg);
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_eir_register_load(&reg, s, &d), IDREG_ETOOBIG);
	assert_non_null(strstr(d.text, "more than 32 conditions"));
	assert_null(reg.states);
	idreg_store_close(s);
}

static void test_operators(void **state)
{
	(void)state;
	struct idreg_eir_operators ops;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_eir_operators_parse("  op1:639-01  op2:639-02,310-260 op3:310-26\t", &ops,
						   &d), IDREG_OK);
	assert_int_equal(ops.count, 3);
	assert_string_equal(ops.list[1].name, "op2");
	assert_int_equal(ops.list[1].network_count, 2);
	assert_string_equal(ops.list[1].networks[1], "310260");
	assert_int_equal(idreg_eir_operator_of(&ops, "639010000000001"), 0);
	assert_int_equal(idreg_eir_operator_of(&ops, "639020000000001"), 1);
	assert_int_equal(idreg_eir_operator_of(&ops, "310260000000001"), 1); /* the longest network */
	assert_int_equal(idreg_eir_operator_of(&ops, "310261000000001"), 2);
	assert_int_equal(idreg_eir_operator_of(&ops, "639030000000001"), -1);
	assert_int_equal(idreg_eir_operators_parse("", &ops, &d), IDREG_OK);
	assert_int_equal(ops.count, 0);
	static const char *const bad[] = {
		"op1", "op1:", ":639-01", "op1:63901", "op1:639-1", "op1:639-0123", "op1:639-01,",
		"o.p:639-01", "op1:639-01 op1:639-02", "op1:639-01 op2:639-01", "op1:639-01,639-01",
		"op1:639-0a", "op1:639-01,639-02,639-03,639-04,639-05,639-06,639-07,639-08,639-09",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:639-01",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		d.text[0] = '\0';
		if (idreg_eir_operators_parse(bad[i], &ops, &d) != IDREG_ECONFIG) {
			fail_msg("'%s' was accepted", bad[i]);
		}
		assert_non_null(strstr(d.text, "eir.operators"));
	}
}

static void test_csv_writer(void **state)
{
	(void)state;
	const char *const fields[] = { "plain", "a,comma", "a \"quote\"", "two\nlines", "", "cr\r" };
	const size_t n = sizeof(fields) / sizeof(fields[0]);
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	assert_non_null(f);
	assert_true(idreg_csv_write_row(f, fields, n));
	assert_true(idreg_csv_write_row(f, fields, 1));
	assert_int_equal(fclose(f), 0);
	assert_string_equal(text, "plain,\"a,comma\",\"a \"\"quote\"\"\",\"two\nlines\",,\"cr\r\"\nplain\n");
	struct idreg_csv_reader r;
	idreg_csv_init(&r, "memory", text, size);
	struct idreg_csv_row *row = malloc(sizeof(*row));
	assert_non_null(row);
	bool end = false;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_csv_next(&r, row, &end, &d), IDREG_OK);
	assert_false(end);
	assert_int_equal(row->count, n);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(row->fields[i], fields[i]);
	}
	assert_int_equal(idreg_csv_next(&r, row, &end, &d), IDREG_OK);
	assert_int_equal(row->count, 1);
	assert_string_equal(row->fields[0], "plain");
	assert_int_equal(idreg_csv_next(&r, row, &end, &d), IDREG_OK);
	assert_true(end);
	free(row);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_many_conditions, setup, teardown),
		cmocka_unit_test(test_operators),
		cmocka_unit_test(test_csv_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
