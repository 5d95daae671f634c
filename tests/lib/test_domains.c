/*
 * Unit tests for lib/domains: times and vocabularies; the JSON Lines line
 * parser on a full line and on each kind of bad field (the message names
 * the field and the reason); the file reader (line numbers, repeated
 * domains, hosts and entities described differently, skip_bad, long and
 * blank lines); the import into a SQLite store (created, unchanged on a
 * second import, one update with before and after in the history,
 * --replace removing a domain and the hosts and entities nobody uses any
 * more, a refused file leaving the store as it was); and the domain index:
 * every lookup, and every search form checked against a brute-force scan
 * of the same data, on a few thousand generated domains with
 * internationalized names.
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
#include <sqlite3.h>

#include "core/arena.h"
#include "core/buf.h"
#include "domains/domain.h"
#include "domains/domindex.h"
#include "domains/format.h"
#include "domains/import.h"
#include "store/store.h"

/* ---- fixture: a temporary registry ---- */

static char g_dir[64], g_db[128];
static struct idreg_store *g_store;
static struct idreg_arena g_arena;
static struct idreg_domains_file g_file;
static struct idreg_domindex g_ix;

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-domains-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	struct idreg_store_options opts = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 50,
					    .create = true };
	struct idreg_diag diag;
	if (idreg_store_open(&opts, &g_store, &diag) != IDREG_OK) {
		return -1;
	}
	idreg_arena_init(&g_arena, 0, 0);
	memset(&g_file, 0, sizeof(g_file));
	idreg_domindex_init(&g_ix);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idreg_store_close(g_store);
	g_store = NULL;
	idreg_domains_file_free(&g_file);
	idreg_domindex_free(&g_ix);
	idreg_arena_free(&g_arena);
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[160];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

static int arena_setup(void **state)
{
	(void)state;
	idreg_arena_init(&g_arena, 0, 0);
	memset(&g_file, 0, sizeof(g_file));
	return 0;
}

static int arena_teardown(void **state)
{
	(void)state;
	idreg_domains_file_free(&g_file);
	idreg_arena_free(&g_arena);
	return 0;
}

/* ---- times and vocabularies ---- */

static void test_times(void **state)
{
	(void)state;
	int64_t t;
	char text[IDREG_TIME_TEXT_MAX];
	assert_true(idreg_time_parse("1970-01-01T00:00:00Z", 20, &t));
	assert_int_equal(t, 0);
	assert_true(idreg_time_parse("2000-02-29T12:34:56Z", 20, &t));
	assert_int_equal(t, 951827696);
	idreg_time_format(t, text);
	assert_string_equal(text, "2000-02-29T12:34:56Z");
	assert_true(idreg_time_parse("2024-05-06T07:08:09.123456Z", 27, &t));
	idreg_time_format(t, text);
	assert_string_equal(text, "2024-05-06T07:08:09Z");
	assert_true(idreg_time_parse("1969-12-31T23:59:59Z", 20, &t));
	assert_int_equal(t, -1);
	idreg_time_format(-1, text);
	assert_string_equal(text, "1969-12-31T23:59:59Z");
	assert_true(idreg_time_parse("9999-12-31T23:59:59Z", 20, &t));
	idreg_time_format(t, text);
	assert_string_equal(text, "9999-12-31T23:59:59Z");
	static const char *const bad[] = { "2001-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
					   "2000-13-01T00:00:00Z", "2000-01-01T24:00:00Z",
					   "2000-01-01 00:00:00Z", "2000-01-01T00:00:00",
					   "2000-01-01T00:00:00+01:00", "0000-01-01T00:00:00Z",
					   "2000-01-01T00:00:00.Z", "2000-1-01T00:00:00Z" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (idreg_time_parse(bad[i], strlen(bad[i]), &t)) {
			fail_msg("accepted %s", bad[i]);
		}
	}
	/* Every day of four centuries round-trips. */
	for (int64_t day = -200000; day < 200000; day += 7) {
		t = day * 86400 + 3723;
		idreg_time_format(t, text);
		int64_t back;
		assert_true(idreg_time_parse(text, strlen(text), &back));
		assert_int_equal(back, t);
	}
}

static void test_vocabularies(void **state)
{
	(void)state;
	for (unsigned s = 0; s < IDREG_DOMAIN_STATUS_COUNT; s++) {
		const char *name = idreg_domain_status_epp_name((enum idreg_domain_status)s);
		enum idreg_domain_status back;
		assert_true(idreg_domain_status_parse(name, strlen(name), &back));
		assert_int_equal(back, s);
		assert_string_not_equal(idreg_domain_status_rdap_name((enum idreg_domain_status)s), "unknown");
	}
	assert_string_equal(idreg_domain_status_rdap_name(IDREG_DS_OK), "active");
	assert_string_equal(idreg_domain_status_rdap_name(IDREG_DS_CLIENT_TRANSFER_PROHIBITED),
			    "client transfer prohibited");
	for (unsigned r = 0; r < IDREG_ROLE_COUNT; r++) {
		const char *name = idreg_role_name((enum idreg_role)r);
		enum idreg_role back;
		assert_true(idreg_role_parse(name, strlen(name), &back));
		assert_int_equal(back, r);
	}
	enum idreg_role role;
	assert_false(idreg_role_parse("owner", 5, &role));
	assert_false(idreg_role_parse("registrantX", 11, &role));
	assert_string_equal(idreg_role_name((enum idreg_role)99), "unknown");
	struct idreg_buf buf;
	idreg_buf_init(&buf, 4096);
	assert_int_equal(idreg_json_string(&buf, "a\"b\\c\nd\x01 é"), IDREG_OK);
	assert_string_equal(buf.data, "\"a\\\"b\\\\c\\nd\\u0001 é\"");
	idreg_buf_free(&buf);
}

/* ---- the line parser ---- */

static const char full_line[] =
	"{\"name\":\"Bücher.Example.\",\"handle\":\"D1-EX\",\"status\":[\"clientHold\",\"ok\"],"
	"\"registered\":\"2001-02-03T04:05:06Z\",\"expires\":\"2031-02-03T04:05:06Z\","
	"\"nameservers\":[{\"name\":\"ns1.bücher.example\",\"addresses\":[\"2001:db8::1\",\"192.0.2.1\"]},"
	"{\"name\":\"NS.hoster.example\"}],"
	"\"ds\":[{\"key_tag\":12345,\"algorithm\":13,\"digest_type\":2,\"digest\":"
	"\"49fd46e6c4b45c55d4ac69cbd3cd34ac1afe51de4a5f6a7a8e9f0a1b2c3d4e5f\"}],"
	"\"entities\":[{\"handle\":\"C1\",\"roles\":[\"technical\",\"registrant\"],\"kind\":\"individual\","
	"\"fn\":\"Anna Schmidt\",\"email\":\"anna@example.net\",\"voice\":\"+49.301234567\","
	"\"street\":[\"Hauptstraße 1\",\"Hinterhaus\"],\"country\":\"de\",\"personal\":[\"fn\",\"street\"]},"
	"{\"handle\":\"R1\",\"roles\":[\"registrar\"]}]}";

static void test_parse_line(void **state)
{
	(void)state;
	struct idreg_domain_line pl;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_domains_parse_line(full_line, strlen(full_line), &g_arena, &pl, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s", diag.text);
	}
	const struct idreg_domain *d = &pl.domain;
	assert_string_equal(d->ldh_name, "xn--bcher-kva.example");
	assert_string_equal(d->unicode_name, "bücher.example");
	assert_string_equal(d->handle, "D1-EX");
	assert_int_equal(d->status, (1u << IDREG_DS_CLIENT_HOLD) | (1u << IDREG_DS_OK));
	assert_int_equal(d->registered, 981173106);
	assert_int_equal(d->last_changed, IDREG_TIME_NONE);
	assert_int_equal(d->n_ns, 2);
	assert_string_equal(d->nameservers[0], "ns1.xn--bcher-kva.example");
	assert_string_equal(d->nameservers[1], "ns.hoster.example");
	assert_true(pl.host_detailed[0]);
	assert_false(pl.host_detailed[1]);
	assert_int_equal(pl.hosts[0].n_addrs, 2);
	assert_int_equal(pl.hosts[0].addrs[0].type, IDREG_RES_IPV4); /* IPv4 first */
	assert_int_equal(d->n_ds, 1);
	assert_int_equal(d->ds[0].key_tag, 12345);
	assert_string_equal(d->ds[0].digest,
			    "49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE4A5F6A7A8E9F0A1B2C3D4E5F");
	assert_int_equal(d->n_contacts, 2);
	assert_int_equal(d->contacts[0].roles, (1u << IDREG_ROLE_REGISTRANT) | (1u << IDREG_ROLE_TECHNICAL));
	assert_true(pl.entity_defined[0]);
	assert_false(pl.entity_defined[1]);
	const struct idreg_entity *e = &pl.entities[0];
	assert_string_equal(e->fields[IDREG_EF_STREET], "Hauptstraße 1\nHinterhaus");
	assert_string_equal(e->fields[IDREG_EF_COUNTRY], "DE");
	assert_null(e->fields[IDREG_EF_ORG]);
	assert_int_equal(e->personal, (1u << IDREG_EF_FN) | (1u << IDREG_EF_STREET));

	/* The canonical texts. */
	struct idreg_buf buf;
	idreg_buf_init(&buf, 1 << 16);
	assert_int_equal(idreg_domain_format(d, &buf), IDREG_OK);
	assert_string_equal(buf.data,
			    "{\"name\":\"xn--bcher-kva.example\",\"handle\":\"D1-EX\",\"status\":[\"ok\","
			    "\"clientHold\"],\"registered\":\"2001-02-03T04:05:06Z\",\"expires\":"
			    "\"2031-02-03T04:05:06Z\",\"nameservers\":[{\"name\":"
			    "\"ns1.xn--bcher-kva.example\"},{\"name\":\"ns.hoster.example\"}],\"ds\":"
			    "[{\"key_tag\":12345,\"algorithm\":13,\"digest_type\":2,\"digest\":"
			    "\"49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE4A5F6A7A8E9F0A1B2C3D4E5F\"}],"
			    "\"entities\":[{\"handle\":\"C1\",\"roles\":[\"registrant\",\"technical\"]},"
			    "{\"handle\":\"R1\",\"roles\":[\"registrar\"]}]}");
	/* ... which is itself a line of the format, and parses to the same text. */
	struct idreg_domain_line again;
	char *copy = strdup(buf.data);
	assert_int_equal(idreg_domains_parse_line(copy, strlen(copy), &g_arena, &again, &diag), IDREG_OK);
	idreg_buf_clear(&buf);
	assert_int_equal(idreg_domain_format(&again.domain, &buf), IDREG_OK);
	assert_string_equal(buf.data, copy);
	free(copy);
	idreg_buf_clear(&buf);
	assert_int_equal(idreg_entity_format(e, &buf), IDREG_OK);
	assert_string_equal(buf.data,
			    "{\"handle\":\"C1\",\"kind\":\"individual\",\"fn\":\"Anna Schmidt\",\"email\":"
			    "\"anna@example.net\",\"voice\":\"+49.301234567\",\"street\":[\"Hauptstraße 1\","
			    "\"Hinterhaus\"],\"country\":\"DE\",\"personal\":[\"fn\",\"street\"]}");
	idreg_buf_clear(&buf);
	assert_int_equal(idreg_host_format(&pl.hosts[0], &buf), IDREG_OK);
	assert_string_equal(buf.data, "{\"name\":\"ns1.xn--bcher-kva.example\",\"addresses\":"
				      "[\"192.0.2.1\",\"2001:db8::1\"]}");
	idreg_buf_free(&buf);

	/* Blank lines are nothing. */
	assert_int_equal(idreg_domains_parse_line(" \t\r", 3, &g_arena, &pl, &diag), IDREG_ENOTFOUND);
	assert_int_equal(idreg_domains_parse_line("", 0, &g_arena, &pl, &diag), IDREG_ENOTFOUND);
}

static const char *const E1 = "{\"handle\":\"C1\",\"roles\":[\"registrant\"],\"kind\":\"individual\",\"fn\":\"A\"";

static void expect_bad(const char *line, const char *message)
{
	struct idreg_domain_line pl;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_domains_parse_line(line, strlen(line), &g_arena, &pl, &diag);
	if (err != IDREG_EPARSE || strstr(diag.text, message) == NULL) {
		fail_msg("line %s: expected '%s', got %s '%s'", line, message, idreg_strerror_name(err),
			 diag.text);
	}
}

static void test_parse_errors(void **state)
{
	(void)state;
	char line[4096];
	expect_bad("not json", "not a JSON object: ");
	expect_bad("[1]", "not a JSON object but an array");
	expect_bad("{\"name\":\"a.com\"} x", "not a JSON object");
	expect_bad("{\"name\":\"a.com\",\"name\":\"b.com\"}", "duplicate");
	expect_bad("{}", "name: missing");
	expect_bad("{\"name\":\"a.com\",\"colour\":1}", "domain: unknown field 'colour'");
	expect_bad("{\"name\":5}", "name: must be a string, not an integer");
	expect_bad("{\"name\":\"\"}", "name: empty");
	expect_bad("{\"name\":\"ex--ample.com\"}",
		   "name: 'ex--ample.com': label 'ex--ample': hyphens in the third and fourth");
	expect_bad("{\"name\":\"a_b.com\"}", "name: 'a_b.com': label 'a_b': a character");
	expect_bad("{\"name\":\"xn--bcher-kva.bücher.de\"}", "mixes A-labels (xn--) and U-labels");
	expect_bad("{\"name\":\"a\\u0001b.com\"}", "name: control character 0x01 at byte 1");
	expect_bad("{\"name\":\"a.com\",\"handle\":\"a b\"}", "handle: 'a b': a handle is letters");
	expect_bad("{\"name\":\"a.com\",\"handle\":\"-ab\"}", "handle: '-ab'");
	expect_bad("{\"name\":\"a.com\",\"status\":\"ok\"}", "status: must be an array, not a string");
	expect_bad("{\"name\":\"a.com\",\"status\":[\"ok\",\"frozen\"]}", "status[1]: unknown status 'frozen'");
	expect_bad("{\"name\":\"a.com\",\"status\":[\"ok\",\"ok\"]}", "status[1]: 'ok' given twice");
	expect_bad("{\"name\":\"a.com\",\"registered\":\"2001-02-29T00:00:00Z\"}",
		   "registered: '2001-02-29T00:00:00Z' is not a UTC time");
	expect_bad("{\"name\":\"a.com\",\"registered\":\"2001-02-01T00:00:00Z\",\"expires\":\"2000-01-01T00:00:00Z\"}",
		   "expires: before the registration date");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":{}}", "nameservers: must be an array, not an object");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":[\"ns.a.com\"]}",
		   "nameservers[0]: must be an object, not a string");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":[{\"name\":\"ns.a.com\"},{\"name\":\"ns.b.com\",\"addresses\":[\"1.2.3\"]}]}",
		   "nameservers[1].addresses[0]: bad IP address '1.2.3'");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":[{\"name\":\"ns.a.com\",\"addresses\":[\"192.0.2.1\",\"192.0.2.1\"]}]}",
		   "nameservers[0].addresses: 192.0.2.1 given twice");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":[{\"name\":\"ns.a.com\"},{\"name\":\"NS.A.COM\"}]}",
		   "nameservers[1]: ns.a.com is also nameservers[0]");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":[{\"name\":\"ns.a.com\",\"ttl\":5}]}",
		   "nameservers[0]: unknown field 'ttl'");
	expect_bad("{\"name\":\"a.com\",\"nameservers\":[{\"name\":\"-ns.a.com\"}]}",
		   "nameservers[0].name: '-ns.a.com': label '-ns': a label starts with a hyphen");
	strcpy(line, "{\"name\":\"a.com\",\"nameservers\":[");
	for (int i = 0; i < 21; i++) {
		sprintf(line + strlen(line), "%s{\"name\":\"ns%d.a.com\"}", i ? "," : "", i);
	}
	strcat(line, "]}");
	expect_bad(line, "nameservers: more than 20 entries");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":70000,\"algorithm\":8,\"digest_type\":2,\"digest\":\"00\"}]}",
		   "ds[0].key_tag: 70000 is not in 0..65535");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":1,\"algorithm\":0,\"digest_type\":2,\"digest\":\"00\"}]}",
		   "ds[0].algorithm: 0 is not in 1..255");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":1,\"algorithm\":8,\"digest_type\":2.5,\"digest\":\"00\"}]}",
		   "ds[0].digest_type: must be an integer, not a number");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":1,\"algorithm\":8,\"digest_type\":2,\"digest\":\"0011\"}]}",
		   "ds[0].digest: 4 hexadecimal digits; digest type 2 has 64");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":1,\"algorithm\":8,\"digest_type\":9,\"digest\":\"0zz1\"}]}",
		   "ds[0].digest: not hexadecimal (character 1)");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":1,\"algorithm\":8,\"digest_type\":9,\"digest\":\"001\"}]}",
		   "ds[0].digest: an odd number of hexadecimal digits");
	expect_bad("{\"name\":\"a.com\",\"ds\":[{\"key_tag\":1,\"algorithm\":8,\"digest_type\":9,\"digest\":\"0011\"},"
		   "{\"key_tag\":1,\"algorithm\":8,\"digest_type\":9,\"digest\":\"0011\"}]}",
		   "ds[1]: the same record as ds[0]");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\"}]}", "entities[0].roles: missing");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"roles\":[\"registrant\"]}]}", "entities[0].handle: missing");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\",\"roles\":[]}]}", "entities[0].roles: empty");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\",\"roles\":[\"owner\"]}]}",
		   "entities[0].roles[0]: unknown role 'owner'");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\",\"roles\":[\"billing\",\"billing\"]}]}",
		   "entities[0].roles[1]: 'billing' given twice");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\",\"roles\":[\"billing\"],\"fn\":\"A\"}]}",
		   "entities[0].kind: missing");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\",\"roles\":[\"billing\"],\"kind\":\"robot\",\"fn\":\"A\"}]}",
		   "entities[0].kind: unknown kind 'robot'");
	expect_bad("{\"name\":\"a.com\",\"entities\":[{\"handle\":\"C1\",\"roles\":[\"billing\"],\"kind\":\"org\"}]}",
		   "entities[0].fn: missing");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"email\":\"nobody\"}]}", E1);
	expect_bad(line, "entities[0].email: 'nobody' is not an email address");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"voice\":\"call me\"}]}", E1);
	expect_bad(line, "entities[0].voice: 'call me' is not a telephone number");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"country\":\"USA\"}]}", E1);
	expect_bad(line, "entities[0].country: longer than 2 bytes");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"country\":\"1A\"}]}", E1);
	expect_bad(line, "entities[0].country: '1A' is not an ISO 3166 two-letter code");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"street\":[\"a\",\"b\",\"c\",\"d\"]}]}", E1);
	expect_bad(line, "entities[0].street: more than 3 entries");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"street\":[\"a\",7]}]}", E1);
	expect_bad(line, "entities[0].street[1]: must be a string, not an integer");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"personal\":[\"fax\"]}]}", E1);
	expect_bad(line, "entities[0].personal[0]: 'fax' is not given");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"personal\":[\"shoe size\"]}]}", E1);
	expect_bad(line, "entities[0].personal[0]: 'shoe size' is not an entity field");
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s},{\"handle\":\"c1\",\"roles\":[\"billing\"]}]}", E1);
	expect_bad(line, "entities[1]: entity 'c1' is also entities[0]; give all its roles there");
	char longer[600];
	memset(longer, 'x', 300);
	longer[300] = '\0';
	snprintf(line, sizeof(line), "{\"name\":\"a.com\",\"entities\":[%s,\"org\":\"%s\"}]}", E1, longer);
	expect_bad(line, "entities[0].org: longer than 255 bytes");
}

/* ---- the file reader ---- */

static idreg_err read_text(const char *text, bool skip_bad, struct idreg_diag *diag)
{
	idreg_domains_file_free(&g_file);
	struct idreg_domains_read_options opts = { 4096, 1000, skip_bad };
	return idreg_domains_read_buffer("f.jsonl", text, strlen(text), &opts, &g_arena, &g_file, diag);
}

static void test_read_file(void **state)
{
	(void)state;
	struct idreg_diag diag = { "" };
	const char *good =
		"{\"name\":\"a.example\",\"nameservers\":[{\"name\":\"ns.h.example\",\"addresses\":[\"192.0.2.1\"]}],"
		"\"entities\":[{\"handle\":\"C1\",\"roles\":[\"registrant\"]}]}\n"
		"\n"
		"{\"name\":\"b.example\",\"nameservers\":[{\"name\":\"ns.h.example\"}],"
		"\"entities\":[{\"handle\":\"c1\",\"roles\":[\"registrant\"],\"kind\":\"org\",\"fn\":\"C One\"}]}\n"
		"  \r\n"
		"{\"name\":\"c.example\",\"nameservers\":[{\"name\":\"ns.h.example\",\"addresses\":[\"192.0.2.1\"]}]}";
	assert_int_equal(read_text(good, false, &diag), IDREG_OK);
	assert_int_equal(g_file.count, 3);
	assert_int_equal(g_file.domains[2].line, 5);
	assert_int_equal(g_file.n_hosts, 1);
	assert_int_equal(g_file.hosts[0].detail_line, 1);
	assert_int_equal(g_file.n_entities, 1);
	assert_int_equal(g_file.entities[0].defined_line, 3);
	assert_int_equal(g_file.entities[0].first_line, 1);
	assert_string_equal(g_file.entities[0].entity.handle, "c1");
	assert_int_equal(g_file.domains[0].entity_ix[0], 0);

	/* Errors name the line and the field. */
	char text[4096];
	snprintf(text, sizeof(text), "%s\n{\"name\":\"A.EXAMPLE\"}\n", good);
	assert_int_equal(read_text(text, false, &diag), IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 6: name: a.example is also the domain on line 1");
	snprintf(text, sizeof(text),
		 "%s\n{\"name\":\"d.example\",\"nameservers\":[{\"name\":\"ns.h.example\",\"addresses\":[\"192.0.2.2\"]}]}\n",
		 good);
	assert_int_equal(read_text(text, false, &diag), IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 6: nameservers[0]: ns.h.example has other "
				       "addresses or another handle than on line 1");
	snprintf(text, sizeof(text),
		 "%s\n{\"name\":\"d.example\",\"entities\":[{\"handle\":\"C1\",\"roles\":[\"billing\"],\"kind\":\"org\",\"fn\":\"C Two\"}]}\n",
		 good);
	assert_int_equal(read_text(text, false, &diag), IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 6: entities[0]: entity 'C1' is described "
				       "differently on line 3");
	snprintf(text, sizeof(text), "{\"name\":\"a.example\",\"handle\":\"H1\"}\n{\"name\":\"b.example\",\"handle\":\"h1\"}\n");
	assert_int_equal(read_text(text, false, &diag), IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 2: handle: 'h1' is also the handle of the "
				       "domain on line 1");
	snprintf(text, sizeof(text), "{\"name\":\"a.example\"}\n{\"name\":\"b.example\",\"expires\":\"soon\"}\n");
	assert_int_equal(read_text(text, false, &diag), IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 2: expires: 'soon' is not a UTC time "
				       "YYYY-MM-DDTHH:MM:SSZ");

	/* skip_bad: the good lines stay, the bad ones are listed. */
	snprintf(text, sizeof(text), "%s\n{\"name\":\"A.EXAMPLE\"}\nnonsense\n{\"name\":\"e.example\"}\n", good);
	assert_int_equal(read_text(text, true, &diag), IDREG_OK);
	assert_int_equal(g_file.count, 4);
	assert_int_equal(g_file.skipped, 2);
	assert_int_equal(g_file.skips[0].line, 6);
	assert_int_equal(g_file.skips[1].line, 7);
	assert_non_null(strstr(g_file.skips[1].reason, "not a JSON object"));

	/* A line over the limit. */
	char big[6000];
	memset(big, ' ', sizeof(big));
	memcpy(big, "{\"name\":\"a.example\"}", 20);
	big[5000] = '\n';
	memcpy(big + 5001, "{\"name\":\"b.example\"}", 21);
	assert_int_equal(read_text(big, false, &diag), IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 1: longer than 4096 bytes");
	assert_int_equal(read_text(big, true, &diag), IDREG_OK);
	assert_int_equal(g_file.count, 1);
	assert_int_equal(g_file.skipped, 1);

	/* The most domains a file may have. */
	struct idreg_domains_read_options opts = { 4096, 2, false };
	idreg_domains_file_free(&g_file);
	assert_int_equal(idreg_domains_read_buffer("f.jsonl", good, strlen(good), &opts, &g_arena,
						   &g_file, &diag), IDREG_ETOOBIG);
	assert_string_equal(diag.text, "f.jsonl: line 5: more than 2 domains");

	/* The same from a real file, read in chunks. */
	char path[160];
	snprintf(path, sizeof(path), "/tmp/idreg-test-domains-%d.jsonl", (int)getpid());
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 3000; i++) {
		fprintf(f, "{\"name\":\"d%d.example\",\"nameservers\":[{\"name\":\"ns%d.h.example\"}]}\n", i, i % 7);
	}
	fprintf(f, "{\"name\":\"last.example\"}");
	fclose(f);
	idreg_domains_file_free(&g_file);
	opts = (struct idreg_domains_read_options){ 1024, 100000, false };
	assert_int_equal(idreg_domains_read_file(path, &opts, &g_arena, &g_file, &diag), IDREG_OK);
	assert_int_equal(g_file.count, 3001);
	assert_int_equal(g_file.n_hosts, 7);
	assert_string_equal(g_file.domains[3000].domain.ldh_name, "last.example");
	unlink(path);
	idreg_domains_file_free(&g_file);
	assert_int_equal(idreg_domains_read_file(path, &opts, &g_arena, &g_file, &diag), IDREG_ENOTFOUND);
}

/* ---- import ---- */

static idreg_err import_text(const char *text, bool replace, struct idreg_domains_import_result *r,
			     struct idreg_diag *diag)
{
	idreg_domains_file_free(&g_file);
	struct idreg_domains_read_options opts = { 1 << 16, 1 << 20, false };
	idreg_err err = idreg_domains_read_buffer("f.jsonl", text, strlen(text), &opts, &g_arena,
						  &g_file, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct idreg_domains_import_options io = { replace, false, NULL };
	return idreg_import_domains(g_store, &g_file, &io, r, diag);
}

static long long query_int(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static char *query_text(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	const unsigned char *t = sqlite3_column_text(st, 0);
	char *copy = strdup(t ? (const char *)t : "");
	sqlite3_finalize(st);
	sqlite3_close(db);
	return copy;
}

static const char registry_v1[] =
	"{\"name\":\"a.example\",\"status\":[\"ok\"],\"nameservers\":[{\"name\":\"ns1.a.example\",\"addresses\":[\"192.0.2.1\"]},"
	"{\"name\":\"ns.h.example\"}],\"entities\":[{\"handle\":\"C1\",\"roles\":[\"registrant\"],\"kind\":\"individual\","
	"\"fn\":\"Anna\"},{\"handle\":\"R1\",\"roles\":[\"registrar\"],\"kind\":\"org\",\"fn\":\"Reg One\"}]}\n"
	"{\"name\":\"bücher.example\",\"nameservers\":[{\"name\":\"ns.h.example\"}],"
	"\"entities\":[{\"handle\":\"C2\",\"roles\":[\"registrant\"],\"kind\":\"org\",\"fn\":\"Bücher AG\"},"
	"{\"handle\":\"r1\",\"roles\":[\"registrar\"]}]}\n"
	"{\"name\":\"c.example\",\"ds\":[{\"key_tag\":1,\"algorithm\":13,\"digest_type\":2,"
	"\"digest\":\"0000000000000000000000000000000000000000000000000000000000000000\"}],"
	"\"entities\":[{\"handle\":\"R1\",\"roles\":[\"registrar\"]}]}\n";

static void test_import(void **state)
{
	(void)state;
	struct idreg_domains_import_result r;
	struct idreg_diag diag = { "" };
	idreg_err err = import_text(registry_v1, false, &r, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s", diag.text);
	}
	assert_int_equal(r.domains.created, 3);
	assert_int_equal(r.hosts.created, 2);
	assert_int_equal(r.entities.created, 3);
	assert_int_equal(query_int("SELECT count(*) FROM domain_entity"), 5);
	assert_int_equal(query_int("SELECT count(*) FROM domain_ds"), 1);
	char *u = query_text("SELECT unicode_name FROM domain WHERE ldh_name = 'xn--bcher-kva.example'");
	assert_string_equal(u, "bücher.example");
	free(u);
	assert_int_equal(query_int("SELECT sum(last_id - first_id + 1) FROM history WHERE action = 'create'"), 8);

	/* The same again: nothing changes. */
	assert_int_equal(import_text(registry_v1, false, &r, &diag), IDREG_OK);
	assert_int_equal(r.domains.unchanged, 3);
	assert_int_equal(r.domains.created + r.domains.updated + r.domains.deleted, 0);
	assert_int_equal(r.hosts.unchanged, 2);
	assert_int_equal(r.entities.unchanged, 3);
	assert_int_equal(query_int("SELECT count(*) FROM history"), 3);

	/* One domain changes: one update, with before and after. */
	char v2[sizeof(registry_v1) + 64];
	snprintf(v2, sizeof(v2), "%s", registry_v1);
	char *ok = strstr(v2, "[\"ok\"]");
	memcpy(ok, "[    ]", 6);
	assert_int_equal(import_text(v2, false, &r, &diag), IDREG_OK);
	assert_int_equal(r.domains.updated, 1);
	assert_int_equal(r.domains.unchanged, 2);
	char *before = query_text("SELECT before_text FROM history WHERE action = 'update'");
	char *after = query_text("SELECT after_text FROM history WHERE action = 'update'");
	assert_non_null(strstr(before, "\"status\":[\"ok\"]"));
	assert_null(strstr(after, "status"));
	free(before);
	free(after);

	/* An entity referred to but described nowhere: refused, nothing changes. */
	long long history = query_int("SELECT count(*) FROM history");
	err = import_text("{\"name\":\"d.example\",\"entities\":[{\"handle\":\"NOBODY\",\"roles\":[\"billing\"]}]}\n",
			  false, &r, &diag);
	assert_int_equal(err, IDREG_EPARSE);
	assert_string_equal(diag.text, "f.jsonl: line 1: entities[0]: entity 'NOBODY' has no details "
				       "in this file (kind, fn, ...) and the registry holds none");
	assert_int_equal(query_int("SELECT count(*) FROM history"), history);
	assert_int_equal(query_int("SELECT count(*) FROM domain"), 3);
	/* ...but one the registry holds may be named by handle alone. */
	assert_int_equal(import_text("{\"name\":\"d.example\",\"entities\":[{\"handle\":\"c2\",\"roles\":[\"billing\"]}]}\n",
				     false, &r, &diag), IDREG_OK);
	assert_int_equal(r.domains.created, 1);
	assert_int_equal(r.entities.unchanged, 1);
	/* A handle another domain of the registry has. */
	err = import_text("{\"name\":\"e.example\",\"handle\":\"X\"}\n{\"name\":\"f.example\"}\n", false, &r, &diag);
	assert_int_equal(err, IDREG_OK);
	err = import_text("{\"name\":\"g.example\",\"handle\":\"x\"}\n", false, &r, &diag);
	assert_int_equal(err, IDREG_EPARSE);
	assert_non_null(strstr(diag.text, "line 1: handle: 'x' is the handle of another domain"));

	/* --replace: only a.example stays; the rest goes, and with it the hosts and
	 * entities nobody uses any more. */
	assert_int_equal(import_text("{\"name\":\"a.example\",\"nameservers\":[{\"name\":\"ns1.a.example\",\"addresses\":[]}],"
				     "\"entities\":[{\"handle\":\"C1\",\"roles\":[\"registrant\"]}]}\n",
				     true, &r, &diag), IDREG_OK);
	assert_int_equal(r.domains.updated, 1);
	assert_int_equal(r.domains.deleted, 5);
	assert_int_equal(r.hosts.updated, 1);      /* its glue is gone */
	assert_int_equal(r.hosts.deleted, 1);      /* ns.h.example */
	assert_int_equal(r.entities.deleted, 2);   /* R1, C2 */
	assert_int_equal(query_int("SELECT count(*) FROM domain"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM host"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM host_address"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM entity"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM domain_ds"), 0);
	assert_int_equal(query_int("SELECT count(*) FROM domain_entity"), 1);
	assert_int_equal(query_int("SELECT count(*) FROM history WHERE action = 'delete' AND before_text IS NOT NULL"), 8);

	/* Ids are never reused. */
	assert_int_equal(import_text(registry_v1, false, &r, &diag), IDREG_OK);
	assert_int_equal(query_int("SELECT min(id) FROM domain WHERE ldh_name <> 'a.example'"), 7);
	struct idreg_domain_counts counts;
	assert_int_equal(g_store->ops->domain_counts(g_store, &counts, &diag), IDREG_OK);
	assert_int_equal(counts.domains, 3);
	assert_int_equal(counts.hosts, 2);
	assert_int_equal(counts.entities, 3);
}

/* ---- the index against brute force ---- */

#define GEN_DOMAINS 2500
#define GEN_HOSTS 60
#define GEN_ENTITIES 150

static const char *const syllables[] = { "ka", "lo", "mi", "ne", "xa", "x", "ab", "ba" };
static const char *const u_syllables[] = { "bü", "ka", "кa", "ло", "中", "国", "ß", "é" };
static const char *const tlds[] = { "com", "net", "de", "рф", "co.uk" };
static const char *const fns[] = { "Anna", "anna maria", "Björn", "Chen", "Zoë", "chen li" };

/* Write the test registry: names of 2 or 3 labels, some internationalized. */
static char *generate(void)
{
	struct idreg_buf buf;
	idreg_buf_init(&buf, 64 << 20);
	uint64_t x = 88172645463325252ULL;
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
	bool *host_described = calloc(GEN_HOSTS, 1), *entity_described = calloc(GEN_ENTITIES, 1);
	for (int i = 0; i < GEN_DOMAINS; i++) {
		char label[128] = "";
		bool idn = NEXT() % 4 == 0;
		int n = 1 + (int)(NEXT() % 3);
		for (int k = 0; k < n; k++) {
			strcat(label, idn ? u_syllables[NEXT() % 8] : syllables[NEXT() % 8]);
		}
		sprintf(label + strlen(label), "%d", i); /* unique */
		const char *tld = tlds[NEXT() % 5];
		const char *middle = NEXT() % 10 == 0 ? "sub." : "";
		idreg_buf_printf(&buf, "{\"name\":\"%s.%s%s\",\"nameservers\":[", label, middle, tld);
		int nns = (int)(NEXT() % 3);
		int first = (int)(NEXT() % GEN_HOSTS);
		for (int k = 0; k < nns; k++) {
			int h = (first + k) % GEN_HOSTS;
			const char *hname = h % 5 == 0 ? "ns%d.bücher.example" : "ns%d.host%d.example";
			char name[64];
			snprintf(name, sizeof(name), hname, h, h % 7);
			idreg_buf_printf(&buf, "%s{\"name\":\"%s\"", k ? "," : "", name);
			if (!host_described[h]) {
				host_described[h] = true;
				idreg_buf_printf(&buf, ",\"addresses\":[\"192.0.2.%d\",\"2001:db8::%x\"%s]", h % 40,
						 h % 50, h % 3 == 0 ? ",\"198.51.100.1\"" : "");
			}
			idreg_buf_puts(&buf, "}");
		}
		idreg_buf_puts(&buf, "],\"entities\":[");
		int e = (int)(NEXT() % GEN_ENTITIES);
		idreg_buf_printf(&buf, "{\"handle\":\"%c%d\",\"roles\":[\"registrant\"]", e % 2 ? 'C' : 'c', e);
		if (!entity_described[e]) {
			entity_described[e] = true;
			idreg_buf_printf(&buf, ",\"kind\":\"individual\",\"fn\":\"%s %d\"", fns[e % 6], e % 13);
		}
		idreg_buf_puts(&buf, "}]}\n");
	}
#undef NEXT
	free(host_described);
	free(entity_described);
	return buf.data;
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool name_matches(const char *ldh, const char *uni, const struct idreg_name_pattern *p)
{
	if (p->exact) {
		return strcmp(ldh, p->name) == 0;
	}
	if (!p->has_suffix) {
		return starts(ldh, p->prefix) || starts(uni, p->prefix);
	}
	const char *dot = strchr(ldh, '.');
	if (dot == NULL || strcmp(dot + 1, p->suffix) != 0) {
		return false;
	}
	size_t ll = (size_t)(dot - ldh), pl = strlen(p->prefix);
	const char *udot = strchr(uni, '.');
	size_t ul = (size_t)(udot - uni);
	return (ll >= pl && memcmp(ldh, p->prefix, pl) == 0) || (ul >= pl && memcmp(uni, p->prefix, pl) == 0);
}

static int u32cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* The search's ids, sorted, must be the brute force's. */
static void same_ids(const char *what, uint32_t *got, size_t total, const uint32_t *want, size_t n)
{
	if (total != n) {
		fail_msg("%s: %zu found, brute force %zu", what, total, n);
	}
	qsort(got, total, sizeof(*got), u32cmp);
	for (size_t i = 0; i < n; i++) {
		if (got[i] != want[i]) {
			fail_msg("%s: result %zu is %u, brute force %u", what, i, got[i], want[i]);
		}
	}
}

static bool host_matches(const struct idreg_domindex *ix, uint32_t h, const struct idreg_name_pattern *p)
{
	struct idreg_domindex_host v;
	idreg_domindex_host(ix, h, &v);
	return name_matches(v.ldh_name, v.unicode_name, p);
}

static void check_pattern(const char *text, uint32_t *got, uint32_t *want)
{
	struct idreg_name_pattern p;
	struct idreg_diag diag = { "" };
	if (idreg_name_pattern_parse(text, strlen(text), &p, &diag) != IDREG_OK) {
		fail_msg("pattern %s: %s", text, diag.text);
	}
	size_t total, n = 0;
	char what[300];
	/* Domains by name. */
	for (uint32_t d = 0; d < g_ix.n_domains; d++) {
		struct idreg_domindex_domain v;
		idreg_domindex_domain(&g_ix, d, &v);
		if (name_matches(v.ldh_name, v.unicode_name, &p)) {
			want[n++] = d;
		}
	}
	assert_int_equal(idreg_domindex_search_domains(&g_ix, &p, got, GEN_DOMAINS, &total), IDREG_OK);
	snprintf(what, sizeof(what), "domains %s", text);
	same_ids(what, got, total, want, n);
	/* A cap keeps the total. */
	uint32_t few[3];
	assert_int_equal(idreg_domindex_search_domains(&g_ix, &p, few, 3, &total), IDREG_OK);
	assert_int_equal(total, n);
	/* Hosts by name. */
	n = 0;
	for (uint32_t h = 0; h < g_ix.n_hosts; h++) {
		if (host_matches(&g_ix, h, &p)) {
			want[n++] = h;
		}
	}
	assert_int_equal(idreg_domindex_search_hosts(&g_ix, &p, got, GEN_DOMAINS, &total), IDREG_OK);
	snprintf(what, sizeof(what), "hosts %s", text);
	same_ids(what, got, total, want, n);
	/* Domains by nameserver name. */
	n = 0;
	for (uint32_t d = 0; d < g_ix.n_domains; d++) {
		struct idreg_domindex_domain v;
		idreg_domindex_domain(&g_ix, d, &v);
		bool any = false;
		for (uint32_t k = 0; k < v.n_ns; k++) {
			any |= host_matches(&g_ix, v.nameservers[k], &p);
		}
		if (any) {
			want[n++] = d;
		}
	}
	assert_int_equal(idreg_domindex_search_domains_by_ns(&g_ix, &p, got, GEN_DOMAINS, &total), IDREG_OK);
	snprintf(what, sizeof(what), "domains by nameserver %s", text);
	same_ids(what, got, total, want, n);
}

static bool fold_starts(const char *s, const char *p, bool whole)
{
	size_t i = 0;
	for (; p[i]; i++) {
		char a = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
		char b = p[i] >= 'A' && p[i] <= 'Z' ? (char)(p[i] + 32) : p[i];
		if (a != b) {
			return false;
		}
	}
	return !whole || s[i] == '\0';
}

static void check_entity_pattern(const char *pattern, bool fn, uint32_t *got, uint32_t *want)
{
	size_t len = strlen(pattern), n = 0, total;
	bool prefix = len > 0 && pattern[len - 1] == '*';
	char key[128];
	snprintf(key, sizeof(key), "%.*s", (int)(prefix ? len - 1 : len), pattern);
	for (uint32_t e = 0; e < g_ix.n_entities; e++) {
		struct idreg_domindex_entity v;
		idreg_domindex_entity(&g_ix, e, &v);
		const char *t = fn ? v.entity.fields[IDREG_EF_FN] : v.entity.handle;
		if (fold_starts(t, key, !prefix)) {
			want[n++] = e;
		}
	}
	idreg_err err = fn ? idreg_domindex_search_entities_by_fn(&g_ix, pattern, len, got, GEN_DOMAINS, &total)
			   : idreg_domindex_search_entities_by_handle(&g_ix, pattern, len, got, GEN_DOMAINS, &total);
	assert_int_equal(err, IDREG_OK);
	char what[200];
	snprintf(what, sizeof(what), "entities by %s %s", fn ? "fn" : "handle", pattern);
	same_ids(what, got, total, want, n);
}

static void test_domindex(void **state)
{
	(void)state;
	char *text = generate();
	struct idreg_domains_import_result r;
	struct idreg_diag diag = { "" };
	idreg_err err = import_text(text, false, &r, &diag);
	free(text);
	if (err != IDREG_OK) {
		fail_msg("%s", diag.text);
	}
	assert_int_equal(r.domains.created, GEN_DOMAINS);
	assert_int_equal(idreg_domindex_load(&g_ix, g_store, &diag), IDREG_OK);
	assert_int_equal(g_ix.n_domains, GEN_DOMAINS);
	assert_int_equal(g_ix.n_hosts, r.hosts.created);
	assert_int_equal(g_ix.n_entities, r.entities.created);
	assert_true(idreg_domindex_memory(&g_ix) > 0);

	/* Every domain of the file is found by its name, with its links. */
	for (size_t i = 0; i < g_file.count; i++) {
		const struct idreg_domain *d = &g_file.domains[i].domain;
		uint32_t id = idreg_domindex_find_domain(&g_ix, d->ldh_name, strlen(d->ldh_name));
		assert_int_not_equal(id, IDREG_DOMINDEX_NONE);
		struct idreg_domindex_domain v;
		idreg_domindex_domain(&g_ix, id, &v);
		assert_string_equal(v.ldh_name, d->ldh_name);
		assert_string_equal(v.unicode_name, d->unicode_name);
		assert_int_equal(v.n_ns, d->n_ns);
		for (uint32_t k = 0; k < v.n_ns; k++) {
			struct idreg_domindex_host h;
			idreg_domindex_host(&g_ix, v.nameservers[k], &h);
			assert_string_equal(h.ldh_name, d->nameservers[k]);
			assert_int_equal(idreg_domindex_find_host(&g_ix, h.ldh_name, strlen(h.ldh_name)),
					 v.nameservers[k]);
		}
		assert_int_equal(v.n_contacts, 1);
		struct idreg_domindex_entity e;
		idreg_domindex_entity(&g_ix, v.contacts[0].entity, &e);
		assert_int_equal(strcasecmp(e.entity.handle, d->contacts[0].handle), 0);
		assert_int_equal(v.contacts[0].roles, 1u << IDREG_ROLE_REGISTRANT);
		assert_int_equal(idreg_domindex_find_entity(&g_ix, d->contacts[0].handle,
							    strlen(d->contacts[0].handle)),
				 v.contacts[0].entity);
	}
	/* Upper case and a trailing dot; names not held. */
	assert_int_not_equal(idreg_domindex_find_domain(&g_ix, "NS0.XN--BCHER-KVA.EXAMPLE.", 26), 0);
	assert_int_not_equal(idreg_domindex_find_host(&g_ix, "NS0.XN--BCHER-KVA.EXAMPLE.", 26),
			     IDREG_DOMINDEX_NONE);
	assert_int_equal(idreg_domindex_find_domain(&g_ix, "nowhere.example", 15), IDREG_DOMINDEX_NONE);
	assert_int_equal(idreg_domindex_find_domain(&g_ix, "", 0), IDREG_DOMINDEX_NONE);
	assert_int_equal(idreg_domindex_find_entity(&g_ix, "C", 1), IDREG_DOMINDEX_NONE);
	assert_int_equal(idreg_domindex_find_entity(&g_ix, "nobody", 6), IDREG_DOMINDEX_NONE);

	uint32_t *got = malloc(GEN_DOMAINS * 2 * sizeof(uint32_t));
	uint32_t *want = malloc(GEN_DOMAINS * 2 * sizeof(uint32_t));
	static const char *const patterns[] = {
		"*", "k*", "ka*", "kalo*", "x*", "xn*", "xn--*", "b*", "bü*", "BÜ*", "кa*", "ло*",
		"中*", "é*", "ß*", "ss*", "*.com", "*.co.uk", "*.uk", "*.xn--p1ai", "*.рф", "k*.com",
		"ka*.net", "x*.de", "xn--*.de", "bü*.de", "中*.co.uk", "ka*.sub.com", "*.sub.de",
		"ns*", "ns1*", "ns1*.host1.example", "ns*.bücher.example", "*.xn--bcher-kva.example",
		"ns0.bücher.example", "ns7.host0.example", "ka12*", "nothing*", "zz*.com",
		"ab.*", "ka1*.example", "ｋａ*",
	};
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++) {
		check_pattern(patterns[i], got, want);
	}
	/* Prefixes of real names, in both forms, with and without their parent. */
	for (uint32_t d = 0; d < g_ix.n_domains; d += 37) {
		struct idreg_domindex_domain v;
		idreg_domindex_domain(&g_ix, d, &v);
		const char *forms[2] = { v.ldh_name, v.unicode_name };
		for (int f = 0; f < 2; f++) {
			const char *dot = strchr(forms[f], '.');
			for (size_t k = 1; k <= 3 && forms[f] + k <= dot; k++) {
				char p[300];
				snprintf(p, sizeof(p), "%.*s*", (int)k, forms[f]);
				struct idreg_name_pattern parsed;
				if (idreg_name_pattern_parse(p, strlen(p), &parsed, &diag) != IDREG_OK) {
					continue; /* k cut a UTF-8 character */
				}
				check_pattern(p, got, want);
				snprintf(p, sizeof(p), "%.*s*%s", (int)k, forms[f], dot);
				if (idreg_name_pattern_parse(p, strlen(p), &parsed, &diag) == IDREG_OK) {
					check_pattern(p, got, want);
				}
			}
		}
	}
	/* Addresses. */
	for (int a = 0; a < 45; a++) {
		char addr[64];
		snprintf(addr, sizeof(addr), a < 40 ? "192.0.2.%d" : "2001:db8::%x", a < 40 ? a : a - 40);
		struct idreg_ip ip;
		assert_int_equal(idreg_ip_parse(addr, strlen(addr), &ip), IDREG_OK);
		size_t n = 0, total;
		for (uint32_t h = 0; h < g_ix.n_hosts; h++) {
			struct idreg_domindex_host v;
			idreg_domindex_host(&g_ix, h, &v);
			for (uint32_t k = 0; k < v.n_addrs; k++) {
				if (v.addrs[k].type == ip.type && v.addrs[k].value == ip.value) {
					want[n++] = h;
				}
			}
		}
		assert_int_equal(idreg_domindex_search_hosts_by_ip(&g_ix, &ip, got, GEN_DOMAINS, &total), IDREG_OK);
		same_ids(addr, got, total, want, n);
		size_t hosts = n;
		n = 0;
		for (uint32_t d = 0; d < g_ix.n_domains; d++) {
			struct idreg_domindex_domain v;
			idreg_domindex_domain(&g_ix, d, &v);
			bool any = false;
			for (uint32_t k = 0; k < v.n_ns; k++) {
				struct idreg_domindex_host h;
				idreg_domindex_host(&g_ix, v.nameservers[k], &h);
				for (uint32_t m = 0; m < h.n_addrs; m++) {
					any |= h.addrs[m].type == ip.type && h.addrs[m].value == ip.value;
				}
			}
			if (any) {
				want[n++] = d;
			}
		}
		assert_int_equal(idreg_domindex_search_domains_by_ns_ip(&g_ix, &ip, got, GEN_DOMAINS, &total), IDREG_OK);
		same_ids(addr, got, total, want, n);
		(void)hosts;
	}
	/* 198.51.100.1 is on many hosts: their domains, each once. */
	struct idreg_ip shared;
	assert_int_equal(idreg_ip_parse("198.51.100.1", 12, &shared), IDREG_OK);
	size_t total;
	assert_int_equal(idreg_domindex_search_hosts_by_ip(&g_ix, &shared, got, GEN_DOMAINS, &total), IDREG_OK);
	assert_true(total >= 10);
	/* Entities. */
	static const char *const epatterns[] = { "c1*", "C1*", "c*", "*", "C17", "c17", "x*", "c1", "C149" };
	for (size_t i = 0; i < sizeof(epatterns) / sizeof(epatterns[0]); i++) {
		check_entity_pattern(epatterns[i], false, got, want);
	}
	static const char *const fpatterns[] = { "anna*", "ANNA *", "anna maria 3", "Björn*", "björn*",
						 "zoë*", "chen*", "chen li 1", "*", "q*", "Chen 12" };
	for (size_t i = 0; i < sizeof(fpatterns) / sizeof(fpatterns[0]); i++) {
		check_entity_pattern(fpatterns[i], true, got, want);
	}
	assert_int_equal(idreg_domindex_search_entities_by_fn(&g_ix, "a*b", 3, got, 1, &total), IDREG_EPARSE);
	assert_int_equal(idreg_domindex_search_entities_by_fn(&g_ix, "", 0, got, 1, &total), IDREG_EPARSE);
	free(got);
	free(want);
}

static void test_patterns(void **state)
{
	(void)state;
	struct idreg_name_pattern p;
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_name_pattern_parse("Exa*.COM", 8, &p, &diag), IDREG_OK);
	assert_string_equal(p.prefix, "exa");
	assert_string_equal(p.suffix, "com");
	assert_true(p.has_suffix && p.prefix_ascii && !p.exact);
	assert_int_equal(idreg_name_pattern_parse("Bü*.Bücher.DE", strlen("Bü*.Bücher.DE"), &p, &diag), IDREG_OK);
	assert_string_equal(p.prefix, "bü");
	assert_false(p.prefix_ascii);
	assert_string_equal(p.suffix, "xn--bcher-kva.de");
	assert_int_equal(idreg_name_pattern_parse("Bücher.de", strlen("Bücher.de"), &p, &diag), IDREG_OK);
	assert_true(p.exact);
	assert_string_equal(p.name, "xn--bcher-kva.de");
	static const struct {
		const char *text, *message;
	} bad[] = {
		{ "a*b*", "more than one '*'" },
		{ "a*b.com", "a '*' must end a label" },
		{ "a.b*.com", "the '*' must be in the first label" },
		{ "a*.", "no name after the '.'" },
		{ "a*.-x.com", "after the '*': label '-x'" },
		{ "a_*", "before the '*': '_' is not a character" },
		{ "xn--abc*.bücher.de", "mixes A-labels" },
		{ "a..b", "empty label" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		idreg_err err = idreg_name_pattern_parse(bad[i].text, strlen(bad[i].text), &p, &diag);
		if (err != IDREG_EPARSE || strstr(diag.text, bad[i].message) == NULL) {
			fail_msg("%s: expected '%s', got '%s'", bad[i].text, bad[i].message, diag.text);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_vocabularies),
		cmocka_unit_test_setup_teardown(test_parse_line, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_parse_errors, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_read_file, arena_setup, arena_teardown),
		cmocka_unit_test_setup_teardown(test_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domindex, setup, teardown),
		cmocka_unit_test(test_patterns),
	};
	return cmocka_run_group_tests_name("domains", tests, NULL, NULL);
}
