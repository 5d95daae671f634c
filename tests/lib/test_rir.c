/*
 * Unit tests for lib/formats/rir.c, the RIR statistics exchange format:
 * the line parser on every variation the registries publish (versions 2 and
 * 2.3, serials as dates, epoch seconds or epoch milliseconds, empty start
 * dates, 7-, 8- and 9+-field records, empty economy codes and dates, IPv4
 * counts that are not powers of two), the checked file reader (summary and
 * version-line counts, exact line numbers in errors, skip_bad, duplicates,
 * limits), the writer (write + read back), and every real file under
 * $IDREG_SHARED/data/rir, whose per-type record counts are counted here
 * independently of the parser and compared with its summary lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>

#include "core/arena.h"
#include "core/error.h"
#include "formats/rir.h"
#include "numres/numres.h"

#define assert_u128_equal(a, b)                                                              \
	do {                                                                                 \
		idreg_u128 a_ = (a), b_ = (b);                                               \
		if (a_ != b_) {                                                              \
			fail_msg("%s != %s: 0x%016llx%016llx != 0x%016llx%016llx", #a, #b,   \
				 (unsigned long long)(a_ >> 64), (unsigned long long)a_,     \
				 (unsigned long long)(b_ >> 64), (unsigned long long)b_);    \
		}                                                                            \
	} while (0)

static idreg_u128 v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return ((idreg_u128)a << 24) | ((idreg_u128)b << 16) | ((idreg_u128)c << 8) | d;
}

static idreg_u128 v6(unsigned g0, unsigned g1, unsigned g2, unsigned g3, unsigned g4, unsigned g5,
		     unsigned g6, unsigned g7)
{
	unsigned g[8] = { g0, g1, g2, g3, g4, g5, g6, g7 };
	idreg_u128 v = 0;
	for (int i = 0; i < 8; i++) {
		v = (v << 16) | g[i];
	}
	return v;
}

/* Freed by the teardown even when an assertion leaves a test early. */
static struct idreg_arena g_arena;
static char *g_text;

static int setup(void **state)
{
	(void)state;
	idreg_arena_init(&g_arena, 0, 0);
	g_text = NULL;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idreg_arena_free(&g_arena);
	free(g_text);
	g_text = NULL;
	return 0;
}

static struct idreg_rir_read_options default_options(void)
{
	return (struct idreg_rir_read_options){
		.max_line = 4096,
		.max_records = 10000000,
		.max_file = (size_t)256 << 20,
	};
}

static idreg_err read_text(const char *name, const char *text,
			   const struct idreg_rir_read_options *opts, struct idreg_rir_file *file,
			   struct idreg_diag *diag)
{
	memset(diag, 0, sizeof(*diag));
	return idreg_rir_read_buffer(name, text, strlen(text), opts, &g_arena, file, diag);
}

static bool field_is(struct idreg_rir_field f, const char *s)
{
	return f.len == strlen(s) && memcmp(f.ptr, s, f.len) == 0;
}

#define assert_field(f, s)                                                                   \
	do {                                                                                 \
		if (!field_is((f), (s))) {                                                   \
			fail_msg("field %s is '%.*s', expected '%s'", #f, (int)(f).len,      \
				 (f).ptr ? (f).ptr : "", (s));                               \
		}                                                                            \
	} while (0)

static void parse_ok(const char *line, bool expect_version, struct idreg_rir_line *out)
{
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_rir_parse_line(line, strlen(line), expect_version, out, &diag);
	if (err != IDREG_OK) {
		fail_msg("'%s' should parse: %s: %s", line, idreg_strerror_name(err), diag.text);
	}
}

static void parse_bad(const char *line, size_t len, bool expect_version)
{
	struct idreg_rir_line out;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_rir_parse_line(line, len, expect_version, &out, &diag);
	if (err != IDREG_EPARSE) {
		fail_msg("'%.*s' should be rejected with EPARSE, got %s", (int)len, line,
			 idreg_strerror_name(err));
	}
	if (diag.text[0] == '\0') {
		fail_msg("'%.*s' rejected without a reason", (int)len, line);
	}
}

static void record_bad(const char *line)
{
	parse_bad(line, strlen(line), false);
}

/* ---- serial times ---- */

static void test_serial_time(void **state)
{
	(void)state;
	/* date -u -d 2019-09-09 +%s */
	assert_int_equal(idreg_rir_serial_time("20190909"), 1567987200);
	assert_int_equal(idreg_rir_serial_time("20140630"), 1404086400);
	assert_int_equal(idreg_rir_serial_time("19700101"), 0);
	assert_int_equal(idreg_rir_serial_time("1567979999"), 1567979999);
	assert_int_equal(idreg_rir_serial_time("1404165599"), 1404165599);
	assert_int_equal(idreg_rir_serial_time("1567951216119"), 1567951216);
	assert_int_equal(idreg_rir_serial_time(""), 0);
	assert_int_equal(idreg_rir_serial_time("2019090"), 0);
	assert_int_equal(idreg_rir_serial_time("2019-09-09"), 0);
	assert_int_equal(idreg_rir_serial_time("abcdefgh"), 0);
}

/* ---- version lines ---- */

static void test_version_lines(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	parse_ok("2|afrinic|20260821|19600|00000000|20260821|00000", true, &l);
	assert_int_equal(l.kind, IDREG_RIR_VERSION);
	assert_string_equal(l.header.version, "2");
	assert_string_equal(l.header.registry, "afrinic");
	assert_string_equal(l.header.serial, "20260821");
	assert_int_equal(l.header.records, 19600);
	assert_string_equal(l.header.startdate, "00000000");
	assert_string_equal(l.header.enddate, "20260821");
	assert_string_equal(l.header.utcoffset, "00000");
	assert_int_equal(l.header.serial_time, 1787270400); /* 2026-08-21T00:00:00Z */

	/* Version 2.3, empty start date (APNIC). */
	parse_ok("2.3|apnic|20190909|300||20190906|+1000", true, &l);
	assert_int_equal(l.kind, IDREG_RIR_VERSION);
	assert_string_equal(l.header.version, "2.3");
	assert_string_equal(l.header.registry, "apnic");
	assert_int_equal(l.header.records, 300);
	assert_string_equal(l.header.startdate, "");
	assert_string_equal(l.header.enddate, "20190906");
	assert_string_equal(l.header.utcoffset, "+1000");
	assert_int_equal(l.header.serial_time, 1567987200);

	/* Serial in epoch seconds (RIPE NCC). */
	parse_ok("2|ripencc|1567979999|300|19830705|20190908|+0200", true, &l);
	assert_string_equal(l.header.serial, "1567979999");
	assert_int_equal(l.header.serial_time, 1567979999);

	/* Serial in epoch milliseconds (ARIN). */
	parse_ok("2.3|arin|1567951216119|300|19700101|20190908|-0400", true, &l);
	assert_string_equal(l.header.serial, "1567951216119");
	assert_int_equal(l.header.serial_time, 1567951216);
	assert_string_equal(l.header.utcoffset, "-0400");

	/* CRLF. */
	parse_ok("2|lacnic|20140629|15783|19870101|20140627|-0300\r", true, &l);
	assert_string_equal(l.header.utcoffset, "-0300");
	assert_int_equal(l.header.records, 15783);
}

static void test_version_lines_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"3|apnic|20190909|300|19830613|20190906|+1000",
		"1|apnic|20190909|300|19830613|20190906|+1000",
		"2.|apnic|20190909|300|19830613|20190906|+1000",
		"2.x|apnic|20190909|300|19830613|20190906|+1000",
		"|apnic|20190909|300|19830613|20190906|+1000",
		"2||20190909|300|19830613|20190906|+1000",           /* no registry */
		"2|apnic||300|19830613|20190906|+1000",              /* no serial */
		"2|apnic|2019-09-09|300|19830613|20190906|+1000",
		"2|apnic|20190909||19830613|20190906|+1000",         /* no count */
		"2|apnic|20190909|many|19830613|20190906|+1000",
		"2|apnic|20190909|-1|19830613|20190906|+1000",
		"2|apnic|20190909|300|1983-06-13|20190906|+1000",
		"2|apnic|20190909|300|19831313|20190906|+1000",
		"2|apnic|20190909|300|19830613|20190906",            /* 6 fields */
		"2|apnic|20190909|300|19830613|20190906|+1000|x",    /* 8 fields */
		"apnic|JP|asn|173|1|20020801|allocated",             /* a record first */
		"apnic|*|asn|*|13701|summary",                       /* a summary first */
		"garbage",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		parse_bad(bad[i], strlen(bad[i]), true);
	}
}

static void test_blank_and_comment_lines(void **state)
{
	(void)state;
	static const char *const blank[] = {
		"", "# a comment", "#", "   ", "\t", "  # indented comment", "\r", "#2|x|1|1|||",
	};
	for (size_t i = 0; i < sizeof(blank) / sizeof(blank[0]); i++) {
		struct idreg_rir_line l;
		parse_ok(blank[i], true, &l);
		assert_int_equal(l.kind, IDREG_RIR_BLANK);
		parse_ok(blank[i], false, &l);
		assert_int_equal(l.kind, IDREG_RIR_BLANK);
	}
}

/* ---- summary lines ---- */

static void test_summary_lines(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	parse_ok("apnic|*|asn|*|13701|summary", false, &l);
	assert_int_equal(l.kind, IDREG_RIR_SUMMARY);
	assert_int_equal(l.summary_type, IDREG_RES_ASN);
	assert_int_equal(l.summary_count, 13701);
	parse_ok("lacnic|*|ipv4|*|19802|summary\r", false, &l);
	assert_int_equal(l.summary_type, IDREG_RES_IPV4);
	assert_int_equal(l.summary_count, 19802);
	parse_ok("afrinic|*|ipv6|*|0|summary", false, &l);
	assert_int_equal(l.summary_type, IDREG_RES_IPV6);
	assert_int_equal(l.summary_count, 0);

	record_bad("apnic|*|ipv5|*|1|summary");
	record_bad("apnic|*|asn|*||summary");
	record_bad("apnic|*|asn|*|x1|summary");
	record_bad("apnic|*|asn|*|-1|summary");
	record_bad("apnic|x|asn|*|1|summary");
	record_bad("apnic|*|asn|x|1|summary");
}

/* ---- records ---- */

static void test_record_7_fields(void **state)
{
	(void)state;
	/* LACNIC available/reserved records carry no opaque id. */
	struct idreg_rir_line l;
	parse_ok("lacnic|BR|ipv4|24.152.0.0|1024|20200310|available", false, &l);
	assert_int_equal(l.kind, IDREG_RIR_RECORD);
	assert_int_equal(l.record.type, IDREG_RES_IPV4);
	assert_u128_equal(l.record.first, v4(24, 152, 0, 0));
	assert_u128_equal(l.record.last, v4(24, 152, 3, 255));
	assert_int_equal(l.record.value, 1024);
	assert_int_equal(l.record.date, 20200310);
	assert_int_equal(l.record.status, IDREG_STATUS_AVAILABLE);
	assert_field(l.registry, "lacnic");
	assert_field(l.cc, "BR");
	assert_false(l.has_opaque_id);
	assert_false(l.has_extensions);
}

static void test_record_8_fields(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	parse_ok("afrinic|ZA|asn|1228|1|19910301|allocated|F36B9F4B", false, &l);
	assert_int_equal(l.kind, IDREG_RIR_RECORD);
	assert_int_equal(l.record.type, IDREG_RES_ASN);
	assert_u128_equal(l.record.first, 1228);
	assert_u128_equal(l.record.last, 1228);
	assert_int_equal(l.record.value, 1);
	assert_int_equal(l.record.date, 19910301);
	assert_int_equal(l.record.status, IDREG_STATUS_ALLOCATED);
	assert_field(l.registry, "afrinic");
	assert_field(l.cc, "ZA");
	assert_true(l.has_opaque_id);
	assert_field(l.opaque_id, "F36B9F4B");
	assert_false(l.has_extensions);

	/* An AS block. */
	parse_ok("arin|US|asn|64496|16|20010920|assigned|e5e3b9c13678dfc483fb1f819d70883c", false, &l);
	assert_u128_equal(l.record.first, 64496);
	assert_u128_equal(l.record.last, 64511);
	assert_int_equal(l.record.value, 16);
	assert_int_equal(l.record.status, IDREG_STATUS_ASSIGNED);
	assert_field(l.opaque_id, "e5e3b9c13678dfc483fb1f819d70883c");

	/* Reserved, opaque id with dashes, CRLF. */
	parse_ok("ripencc|EU|asn|7|1|19930901|reserved|87cfacbc-5809-4ddd-a668-06393fbd23d6\r", false,
		 &l);
	assert_int_equal(l.record.status, IDREG_STATUS_RESERVED);
	assert_field(l.opaque_id, "87cfacbc-5809-4ddd-a668-06393fbd23d6");

	/* An empty opaque id is an opaque id that is empty. */
	parse_ok("apnic|JP|asn|173|1|20020801|allocated|", false, &l);
	assert_true(l.has_opaque_id);
	assert_field(l.opaque_id, "");
}

static void test_record_extensions(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	/* IANA: status plus a registry extension. */
	parse_ok("iana|ZZ|asn|0|1|19920101|reserved|ietf|iana", false, &l);
	assert_u128_equal(l.record.first, 0);
	assert_true(l.has_opaque_id);
	assert_field(l.opaque_id, "ietf");
	assert_true(l.has_extensions);
	assert_field(l.extensions, "iana");
	/* Several extension fields, empty ones among them: kept verbatim. */
	parse_ok("test|US|ipv4|192.0.2.0|256|20100101|assigned|H1|e1|e 2||e4|", false, &l);
	assert_field(l.opaque_id, "H1");
	assert_field(l.extensions, "e1|e 2||e4|");
	/* ... and without the line end. */
	parse_ok("test|US|ipv4|192.0.2.0|256|20100101|assigned|H1|x=1|y=2\r", false, &l);
	assert_field(l.extensions, "x=1|y=2");
}

static void test_record_empty_fields(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	/* AFRINIC reserved/available: empty cc and empty date. */
	parse_ok("afrinic||ipv4|41.0.0.0|256||available", false, &l);
	assert_field(l.cc, "");
	assert_int_equal(l.record.date, IDREG_DATE_NONE);
	assert_int_equal(l.record.status, IDREG_STATUS_AVAILABLE);
	/* "00000000" is a date, not an empty one. */
	parse_ok("afrinic|ZZ|ipv6|2c0f:f000::|20|00000000|reserved|", false, &l);
	assert_int_equal(l.record.date, 0);
	assert_field(l.cc, "ZZ");
	assert_int_equal(l.record.type, IDREG_RES_IPV6);
	assert_u128_equal(l.record.first, v6(0x2c0f, 0xf000, 0, 0, 0, 0, 0, 0));
	assert_u128_equal(l.record.last,
			  v6(0x2c0f, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff));
	assert_int_equal(l.record.value, 20);
}

static void test_record_ipv4_counts(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	/* Not a power of two: 1536 addresses. */
	parse_ok("afrinic|ZA|ipv4|41.0.0.0|1536|20080101|allocated|X", false, &l);
	assert_u128_equal(l.record.first, v4(41, 0, 0, 0));
	assert_u128_equal(l.record.last, v4(41, 0, 5, 255));
	assert_int_equal(l.record.value, 1536);
	parse_ok("x|US|ipv4|10.0.0.0|3|20080101|assigned", false, &l);
	assert_u128_equal(l.record.last, v4(10, 0, 0, 2));
	/* Up to the very end of the space. */
	parse_ok("x|US|ipv4|255.255.255.0|256|20080101|reserved", false, &l);
	assert_u128_equal(l.record.last, 0xffffffffu);
	parse_ok("x|US|ipv4|0.0.0.0|4294967296|20080101|reserved", false, &l);
	assert_u128_equal(l.record.first, 0);
	assert_u128_equal(l.record.last, 0xffffffffu);
	/* Running past 255.255.255.255. */
	record_bad("x|US|ipv4|255.255.255.0|257|20080101|reserved");
	record_bad("x|US|ipv4|255.255.255.255|2|20080101|reserved");
	record_bad("x|US|ipv4|0.0.0.0|4294967297|20080101|reserved");
	record_bad("x|US|ipv4|128.0.0.0|99999999999|20080101|reserved");
	/* Zero or malformed counts. */
	record_bad("x|US|ipv4|10.0.0.0|0|20080101|assigned");
	record_bad("x|US|ipv4|10.0.0.0||20080101|assigned");
	record_bad("x|US|ipv4|10.0.0.0|-1|20080101|assigned");
	record_bad("x|US|ipv4|10.0.0.0|1e3|20080101|assigned");
	/* Bad start addresses. */
	record_bad("x|US|ipv4|10.0.0|256|20080101|assigned");
	record_bad("x|US|ipv4|2001:db8::|256|20080101|assigned");
	record_bad("x|US|ipv4|010.0.0.0|256|20080101|assigned");
}

static void test_record_ipv6(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	parse_ok("apnic|AU|ipv6|2001:db8::|32|20100101|allocated", false, &l);
	assert_u128_equal(l.record.first, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0));
	assert_u128_equal(l.record.last,
			  v6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff));
	assert_int_equal(l.record.value, 32);
	parse_ok("x|US|ipv6|2001:db8::1|128|20100101|assigned", false, &l);
	assert_u128_equal(l.record.first, l.record.last);
	parse_ok("x|US|ipv6|::|0|20100101|reserved", false, &l);
	assert_u128_equal(l.record.first, 0);
	assert_u128_equal(l.record.last, ~(idreg_u128)0);
	/* Host bits set beyond the prefix length. */
	record_bad("apnic|AU|ipv6|2001:db8::1|32|20100101|allocated");
	record_bad("apnic|AU|ipv6|2001:db8:8000::|32|20100101|allocated");
	record_bad("apnic|AU|ipv6|2001:db8::|16|20100101|allocated");
	record_bad("x|US|ipv6|::1|0|20100101|reserved");
	/* Prefix length out of range, or not a number. */
	record_bad("apnic|AU|ipv6|2001:db8::|129|20100101|allocated");
	record_bad("apnic|AU|ipv6|2001:db8::||20100101|allocated");
	record_bad("apnic|AU|ipv6|2001:db8::|/32|20100101|allocated");
	/* An IPv4 start in an IPv6 record. */
	record_bad("apnic|AU|ipv6|192.0.2.0|32|20100101|allocated");
}

static void test_record_asn(void **state)
{
	(void)state;
	struct idreg_rir_line l;
	parse_ok("x|US|asn|4294967295|1|20100101|reserved", false, &l);
	assert_u128_equal(l.record.first, 4294967295u);
	assert_u128_equal(l.record.last, 4294967295u);
	parse_ok("x|US|asn|4294967040|256|20100101|reserved", false, &l);
	assert_u128_equal(l.record.last, 4294967295u);
	record_bad("x|US|asn|4294967295|2|20100101|reserved");
	record_bad("x|US|asn|4294967296|1|20100101|reserved");
	record_bad("x|US|asn|100|0|20100101|reserved");
	record_bad("x|US|asn|AS100|1|20100101|reserved");
	record_bad("x|US|asn||1|20100101|reserved");
	record_bad("x|US|asn|-5|1|20100101|reserved");
}

static void test_record_bad_fields(void **state)
{
	(void)state;
	/* Status. */
	record_bad("x|US|ipv4|10.0.0.0|256|20100101|allocatedx");
	record_bad("x|US|ipv4|10.0.0.0|256|20100101|");
	record_bad("x|US|ipv4|10.0.0.0|256|20100101|legacy");
	record_bad("x|US|ipv4|10.0.0.0|256|20100101|allocate");
	/* Type. */
	record_bad("x|US|ipv5|10.0.0.0|256|20100101|allocated");
	record_bad("x|US||10.0.0.0|256|20100101|allocated");
	record_bad("x|US|ip|10.0.0.0|256|20100101|allocated");
	/* Dates. */
	record_bad("x|US|ipv4|10.0.0.0|256|2010010|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|201001011|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|2010-01-01|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|20101301|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|20100001|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|20100100|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|20100132|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256|abcdefgh|allocated");
	record_bad("x|US|ipv4|10.0.0.0|256| 0100101|allocated");
	/* Economy code: two capital letters or empty. */
	record_bad("x|us|ipv4|10.0.0.0|256|20100101|allocated");
	record_bad("x|USA|ipv4|10.0.0.0|256|20100101|allocated");
	record_bad("x|U|ipv4|10.0.0.0|256|20100101|allocated");
	record_bad("x|U1|ipv4|10.0.0.0|256|20100101|allocated");
	/* Registry. */
	record_bad("|US|ipv4|10.0.0.0|256|20100101|allocated");
	/* Too few fields. */
	record_bad("x|US|ipv4|10.0.0.0|256|20100101");
	record_bad("x|US|ipv4|10.0.0.0|256");
	record_bad("x");
	/* NUL inside the line. */
	static const char nul_end[] = "x|US|ipv4|10.0.0.0|256|20100101|allocated\0";
	static const char nul_mid[] = "x|US|ipv4|10.0.0.0\0|256|20100101|allocated";
	parse_bad(nul_end, sizeof(nul_end) - 1, false);
	parse_bad(nul_mid, sizeof(nul_mid) - 1, false);
}

/* A YYYYMMDD date must name a real day. */
static void test_record_impossible_dates(void **state)
{
	(void)state;
	record_bad("x|US|ipv4|10.0.0.0|256|20100230|allocated"); /* 30 February */
	record_bad("x|US|ipv4|10.0.0.0|256|20100431|allocated"); /* 31 April */
	record_bad("x|US|ipv4|10.0.0.0|256|20110229|allocated"); /* 2011 is not a leap year */
	struct idreg_rir_line l;
	parse_ok("x|US|ipv4|10.0.0.0|256|20120229|allocated", false, &l); /* 2012 is */
	assert_int_equal(l.record.date, 20120229);
}

static void test_record_field_limits(void **state)
{
	(void)state;
	char line[2048];
	/* An opaque id of IDREG_RIR_MAX_FIELD bytes is fine, one more is not. */
	char id[IDREG_RIR_MAX_FIELD + 2];
	memset(id, 'a', sizeof(id));
	id[IDREG_RIR_MAX_FIELD] = '\0';
	snprintf(line, sizeof(line), "x|US|ipv4|10.0.0.0|256|20100101|allocated|%s", id);
	struct idreg_rir_line l;
	parse_ok(line, false, &l);
	assert_int_equal(l.opaque_id.len, IDREG_RIR_MAX_FIELD);
	id[IDREG_RIR_MAX_FIELD] = 'a';
	id[IDREG_RIR_MAX_FIELD + 1] = '\0';
	snprintf(line, sizeof(line), "x|US|ipv4|10.0.0.0|256|20100101|allocated|%s", id);
	record_bad(line);
	/* IDREG_RIR_MAX_FIELDS fields are fine, one more is not. */
	int n = snprintf(line, sizeof(line), "x|US|ipv4|10.0.0.0|256|20100101|allocated");
	for (int f = 7; f < IDREG_RIR_MAX_FIELDS; f++) {
		n += snprintf(line + n, sizeof(line) - (size_t)n, "|e");
	}
	parse_ok(line, false, &l);
	assert_true(l.has_extensions);
	snprintf(line + n, sizeof(line) - (size_t)n, "|e");
	record_bad(line);
}

static void test_record_extension_limit(void **state)
{
	(void)state;
	char line[2048], ext[IDREG_RIR_MAX_EXTENSIONS + 2];
	struct idreg_rir_line l;
	/* Extension fields of IDREG_RIR_MAX_EXTENSIONS bytes together are fine. */
	memset(ext, 'e', sizeof(ext));
	for (size_t i = 10; i < IDREG_RIR_MAX_EXTENSIONS; i += 10) {
		ext[i] = '|';
	}
	ext[IDREG_RIR_MAX_EXTENSIONS] = '\0';
	snprintf(line, sizeof(line), "x|US|ipv4|10.0.0.0|256|20100101|allocated|id|%s", ext);
	parse_ok(line, false, &l);
	assert_int_equal(l.extensions.len, IDREG_RIR_MAX_EXTENSIONS);
	/* One byte more is not. */
	ext[IDREG_RIR_MAX_EXTENSIONS] = 'e';
	ext[IDREG_RIR_MAX_EXTENSIONS + 1] = '\0';
	snprintf(line, sizeof(line), "x|US|ipv4|10.0.0.0|256|20100101|allocated|id|%s", ext);
	record_bad(line);
}

/* The longest record the parser accepts is written whole, and reads back the same. */
static void test_record_longest_formats_whole(void **state)
{
	(void)state;
	char registry[32], id[IDREG_RIR_MAX_FIELD + 1], ext[IDREG_RIR_MAX_EXTENSIONS + 1];
	memset(registry, 'r', sizeof(registry) - 1);
	registry[sizeof(registry) - 1] = '\0';
	memset(id, 'i', sizeof(id) - 1);
	id[sizeof(id) - 1] = '\0';
	memset(ext, 'x', sizeof(ext) - 1);
	ext[sizeof(ext) - 1] = '\0';
	char line[4096];
	snprintf(line, sizeof(line), "%s|ZZ|ipv6|1111:2222:3333:4444:5555:6666:7777:8888|128|"
		 "20100101|available|%s|%s", registry, id, ext);
	struct idreg_rir_line l;
	parse_ok(line, false, &l);
	struct idreg_numres rec = l.record;
	char reg_s[32], cc_s[3], id_s[sizeof(id)], ext_s[sizeof(ext)];
	snprintf(reg_s, sizeof(reg_s), "%.*s", (int)l.registry.len, l.registry.ptr);
	snprintf(cc_s, sizeof(cc_s), "%.*s", (int)l.cc.len, l.cc.ptr);
	snprintf(id_s, sizeof(id_s), "%.*s", (int)l.opaque_id.len, l.opaque_id.ptr);
	snprintf(ext_s, sizeof(ext_s), "%.*s", (int)l.extensions.len, l.extensions.ptr);
	rec.registry = reg_s;
	rec.cc = cc_s;
	rec.opaque_id = id_s;
	rec.extensions = ext_s;
	char out[IDREG_RIR_RECORD_TEXT_MAX];
	idreg_rir_format_record(&rec, out, sizeof(out));
	assert_true(strlen(out) < sizeof(out) - 1);
	assert_string_equal(out, line);
}

/* ---- whole files ---- */

static const char good_file[] =
	"# a comment before the version line\n"
	"\n"
	"2|test|20240101|5|19830101|20240101|+0000\n"
	"test|*|asn|*|2|summary\n"
	"test|*|ipv4|*|2|summary\n"
	"test|*|ipv6|*|1|summary\n"
	"test|US|asn|64496|16|20100101|allocated|H1\n"         /* line 7 */
	"test|US|ipv4|192.0.2.0|256|20100101|assigned|H1\n"
	"# a comment among the records\n"
	"test||ipv4|198.51.100.0|100||available\n"              /* line 10 */
	"test|DE|ipv6|2001:db8::|32|20110101|allocated|H2|ext1|ext2\n"
	"test|DE|asn|65536|1|00000000|reserved|H3\n";

static void test_read_good(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	idreg_err err = read_text("good.txt", good_file, &opts, &f, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_string_equal(f.path, "good.txt");
	assert_string_equal(f.header.registry, "test");
	assert_string_equal(f.header.version, "2");
	assert_int_equal(f.header.records, 5);
	assert_int_equal(f.count, 5);
	assert_int_equal(f.skipped, 0);
	assert_string_equal(f.warning, "");
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		assert_true(f.has_summary[t]);
	}
	assert_int_equal(f.summary[IDREG_RES_ASN], 2);
	assert_int_equal(f.summary[IDREG_RES_IPV4], 2);
	assert_int_equal(f.summary[IDREG_RES_IPV6], 1);
	/* Records in file order, with their line numbers and strings. */
	static const uint32_t lines[] = { 7, 8, 10, 11, 12 };
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(f.records[i].line, lines[i]);
	}
	const struct idreg_numres *r = f.records;
	assert_int_equal(r[0].type, IDREG_RES_ASN);
	assert_u128_equal(r[0].first, 64496);
	assert_u128_equal(r[0].last, 64511);
	assert_string_equal(r[0].registry, "test");
	assert_string_equal(r[0].cc, "US");
	assert_string_equal(r[0].opaque_id, "H1");
	assert_null(r[0].extensions);
	assert_int_equal(r[2].type, IDREG_RES_IPV4);
	assert_u128_equal(r[2].first, v4(198, 51, 100, 0));
	assert_u128_equal(r[2].last, v4(198, 51, 100, 99));
	assert_string_equal(r[2].cc, "");
	assert_int_equal(r[2].date, IDREG_DATE_NONE);
	assert_null(r[2].opaque_id);
	assert_null(r[2].extensions);
	assert_string_equal(r[3].opaque_id, "H2");
	assert_string_equal(r[3].extensions, "ext1|ext2");
	assert_int_equal(r[4].date, 0);
	assert_int_equal(r[4].status, IDREG_STATUS_RESERVED);
}

/* Replace the first occurrence of @from in @text by @to, into g_text. */
static const char *edit(const char *text, const char *from, const char *to)
{
	const char *at = strstr(text, from);
	assert_non_null(at);
	size_t n = strlen(text) - strlen(from) + strlen(to) + 1;
	free(g_text);
	g_text = malloc(n);
	assert_non_null(g_text);
	snprintf(g_text, n, "%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
	return g_text;
}

static void test_read_crlf_and_no_final_newline(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file lf, crlf;
	struct idreg_diag diag;
	assert_int_equal(read_text("lf", good_file, &opts, &lf, &diag), IDREG_OK);
	/* The same file with CRLF line ends and no line end after the last line. */
	char text[sizeof(good_file) * 2];
	size_t n = 0;
	for (const char *p = good_file; *p; p++) {
		if (*p == '\n') {
			text[n++] = '\r';
		}
		text[n++] = *p;
	}
	text[n - 2] = '\0'; /* drop the last "\r\n" */
	idreg_err err = read_text("crlf", text, &opts, &crlf, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(crlf.count, lf.count);
	for (size_t i = 0; i < lf.count; i++) {
		assert_true(idreg_numres_equal(&lf.records[i], &crlf.records[i]));
		assert_int_equal(lf.records[i].line, crlf.records[i].line);
	}
	assert_string_equal(crlf.header.utcoffset, "+0000");
}

static void test_read_summary_mismatch(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	const char *text = edit(good_file, "test|*|ipv4|*|2|summary", "test|*|ipv4|*|3|summary");
	assert_int_equal(read_text("counts.txt", text, &opts, &f, &diag), IDREG_EMISMATCH);
	assert_non_null(strstr(diag.text, "counts.txt"));
	assert_int_equal(f.count, 0);

	/* With ignore_counts: read, with a warning that names the file. */
	opts.ignore_counts = true;
	assert_int_equal(read_text("counts.txt", text, &opts, &f, &diag), IDREG_OK);
	assert_int_equal(f.count, 5);
	assert_int_equal(f.summary[IDREG_RES_IPV4], 3);
	assert_true(f.warning[0] != '\0');
	assert_non_null(strstr(f.warning, "counts.txt"));

	/* A summary that is too low is as wrong as one too high. */
	opts.ignore_counts = false;
	text = edit(good_file, "test|*|asn|*|2|summary", "test|*|asn|*|1|summary");
	assert_int_equal(read_text("low.txt", text, &opts, &f, &diag), IDREG_EMISMATCH);
	assert_non_null(strstr(diag.text, "low.txt"));
}

static void test_read_version_count_mismatch(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	/* The version line is wrong, the summaries agree with the records: a warning. */
	const char *text = edit(good_file, "|20240101|5|", "|20240101|7|");
	idreg_err err = read_text("version.txt", text, &opts, &f, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(f.count, 5);
	assert_int_equal(f.header.records, 7);
	assert_true(f.warning[0] != '\0');
	assert_non_null(strstr(f.warning, "version.txt"));
}

/* Check that @text says "NAME: line N:" for exactly this N. */
static void assert_line_named(const char *text, const char *name, unsigned line)
{
	char want[128];
	snprintf(want, sizeof(want), "%s: line %u:", name, line);
	if (strstr(text, want) == NULL) {
		fail_msg("message '%s' does not say '%s'", text, want);
	}
}

static void test_read_malformed_line(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	/* Line 10 of good_file, broken. */
	const char *text = edit(good_file, "test||ipv4|198.51.100.0|100||available",
				"test||ipv4|198.51.100.0|100||availabel");
	assert_int_equal(read_text("bad.txt", text, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "bad.txt", 10);
	assert_int_equal(f.count, 0);

	/* The last line, without a line end. */
	char buf[sizeof(good_file) + 64];
	snprintf(buf, sizeof(buf), "%s%s", good_file, "test|DE|asn|65537|1|00000000|reservd|H3");
	assert_int_equal(read_text("last.txt", buf, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "last.txt", 13);

	/* CRLF line ends count lines the same way. */
	snprintf(buf, sizeof(buf), "%s",
		 "2|test|20240101|1|19830101|20240101|+0000\r\n"
		 "test|*|asn|*|1|summary\r\n"
		 "\r\n"
		 "test|US|asn|x|1|20100101|allocated\r\n");
	assert_int_equal(read_text("crlf.txt", buf, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "crlf.txt", 4);

	/* A malformed version line. */
	text = edit(good_file, "2|test|20240101|5|", "2|test|2024-01-01|5|");
	assert_int_equal(read_text("v.txt", text, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "v.txt", 3);

	/* A record before any version line. */
	assert_int_equal(read_text("novers.txt",
				   "# comment\n"
				   "test|US|asn|64496|1|20100101|allocated\n"
				   "2|test|20240101|1|19830101|20240101|+0000\n",
				   &opts, &f, &diag),
			 IDREG_EPARSE);
	assert_line_named(diag.text, "novers.txt", 2);
}

static void test_read_second_summary(void **state)
{
	(void)state;
	/* At most one summary line per type. */
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	const char *text = "2|test|20240101|1|19830101|20240101|+0000\n"
			   "test|*|asn|*|1|summary\n"
			   "test|*|ipv4|*|0|summary\n"
			   "test|*|asn|*|1|summary\n"
			   "test|US|asn|64496|1|20100101|allocated\n";
	assert_int_equal(read_text("twice.txt", text, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "twice.txt", 4);
}

static void test_read_no_version_line(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	assert_int_equal(read_text("empty.txt", "", &opts, &f, &diag), IDREG_EPARSE);
	assert_non_null(strstr(diag.text, "empty.txt"));
	assert_int_equal(read_text("comments.txt", "# only\n# comments\n\n", &opts, &f, &diag),
			 IDREG_EPARSE);
	assert_non_null(strstr(diag.text, "comments.txt"));
	/* skip_bad does not make a file out of something that is not one. */
	opts.skip_bad = true;
	assert_int_equal(read_text("comments.txt", "# only\n# comments\n", &opts, &f, &diag),
			 IDREG_EPARSE);
	assert_int_equal(read_text("html.txt", "<html>\n<body>not found</body>\n", &opts, &f, &diag),
			 IDREG_EPARSE);
}

static void test_read_version_only(void **state)
{
	(void)state;
	/* A file with a version line and no records at all is a valid empty file. */
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	idreg_err err = read_text("v0.txt", "2|test|20240101|0|19830101|20240101|+0000\n", &opts, &f,
				  &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(f.count, 0);
	assert_string_equal(f.header.registry, "test");
}

static void test_read_skip_bad(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	opts.skip_bad = true;
	struct idreg_rir_file f;
	struct idreg_diag diag;
	/* Lines 6 and 8 are bad; the summaries count the good records. */
	const char *text = "2|test|20240101|2|19830101|20240101|+0000\n"
			   "test|*|asn|*|1|summary\n"
			   "test|*|ipv4|*|1|summary\n"
			   "test|*|ipv6|*|0|summary\n"
			   "test|US|asn|64496|1|20100101|allocated\n"
			   "test|US|asn|64497|1|20100101|allocatedd\n"
			   "test|US|ipv4|192.0.2.0|256|20100101|assigned\n"
			   "test|US|ipv6|2001:db8::1|32|20100101|assigned\n";
	idreg_err err = read_text("skip.txt", text, &opts, &f, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(f.count, 2);
	assert_int_equal(f.skipped, 2);
	assert_int_equal(f.skips[0].line, 6);
	assert_int_equal(f.skips[1].line, 8);
	assert_true(f.skips[0].reason[0] != '\0');
	assert_true(f.skips[1].reason[0] != '\0');
	assert_int_equal(f.records[0].line, 5);
	assert_int_equal(f.records[1].line, 7);

	/* Without skip_bad the first bad line fails the read. */
	opts.skip_bad = false;
	assert_int_equal(read_text("skip.txt", text, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "skip.txt", 6);
}

static void test_read_skip_many(void **state)
{
	(void)state;
	/* More bad lines than are kept: all counted, the first ones kept in order. */
	char text[8192];
	int n = snprintf(text, sizeof(text),
			 "2|test|20240101|1|19830101|20240101|+0000\n"
			 "test|*|asn|*|1|summary\n"
			 "test|US|asn|1|1|20100101|allocated\n");
	for (int i = 0; i < IDREG_SKIPS_KEPT + 5; i++) {
		n += snprintf(text + n, sizeof(text) - (size_t)n, "test|US|asn|%d|1|2010|allocated\n",
			      i + 2);
	}
	struct idreg_rir_read_options opts = default_options();
	opts.skip_bad = true;
	struct idreg_rir_file f;
	struct idreg_diag diag;
	idreg_err err = read_text("many.txt", text, &opts, &f, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(f.count, 1);
	assert_int_equal(f.skipped, IDREG_SKIPS_KEPT + 5);
	for (int i = 0; i < IDREG_SKIPS_KEPT; i++) {
		assert_int_equal(f.skips[i].line, 4 + i);
	}
}

static void test_read_duplicates(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	const char *text = "2|test|20240101|3|19830101|20240101|+0000\n"
			   "test|*|ipv4|*|3|summary\n"
			   "test|US|ipv4|192.0.2.0|256|20100101|assigned\n"  /* line 3 */
			   "test|US|ipv4|198.51.100.0|256|20100101|assigned\n"
			   "test|DE|ipv4|192.0.2.0|128|20120101|assigned\n"; /* line 5 */
	assert_int_equal(read_text("dup.txt", text, &opts, &f, &diag), IDREG_EPARSE);
	assert_line_named(diag.text, "dup.txt", 5);
	if (strstr(diag.text, "line 3") == NULL) {
		fail_msg("message '%s' does not name line 3", diag.text);
	}

	/* skip_bad drops the repeat and keeps the first. */
	opts.skip_bad = true;
	idreg_err err = read_text("dup.txt", text, &opts, &f, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(f.count, 2);
	assert_int_equal(f.skipped, 1);
	assert_int_equal(f.skips[0].line, 5);
	assert_int_equal(f.records[0].line, 3);
	assert_int_equal(f.records[1].line, 4);

	/* The same number in two resource types is no repeat: AS 3221225984 and
	 * 192.0.2.0 (= 3221225984). */
	opts.skip_bad = false;
	text = "2|test|20240101|2|19830101|20240101|+0000\n"
	       "test|*|asn|*|1|summary\n"
	       "test|*|ipv4|*|1|summary\n"
	       "test|US|asn|3221225984|1|20100101|assigned\n"
	       "test|US|ipv4|192.0.2.0|256|20100101|assigned\n";
	err = read_text("nodup.txt", text, &opts, &f, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(f.count, 2);
}

static void test_read_limits(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag;
	/* max_records: five records. */
	opts.max_records = 5;
	assert_int_equal(read_text("max.txt", good_file, &opts, &f, &diag), IDREG_OK);
	assert_int_equal(f.count, 5);
	opts.max_records = 4;
	assert_int_equal(read_text("max.txt", good_file, &opts, &f, &diag), IDREG_ETOOBIG);
	assert_non_null(strstr(diag.text, "max.txt"));
	assert_int_equal(f.count, 0);

	/* max_line: the longest line of good_file is 58 bytes. */
	opts = default_options();
	size_t longest = strlen("test|DE|ipv6|2001:db8::|32|20110101|allocated|H2|ext1|ext2");
	opts.max_line = longest;
	assert_int_equal(read_text("line.txt", good_file, &opts, &f, &diag), IDREG_OK);
	opts.max_line = longest - 1;
	idreg_err err = read_text("line.txt", good_file, &opts, &f, &diag);
	assert_int_not_equal(err, IDREG_OK);
	assert_line_named(diag.text, "line.txt", 11);
	/* With skip_bad the long line is left out. */
	opts.skip_bad = true;
	opts.ignore_counts = true;
	err = read_text("line.txt", good_file, &opts, &f, &diag);
	assert_int_equal(err, IDREG_OK);
	assert_int_equal(f.count, 4);
	assert_int_equal(f.skipped, 1);
	assert_int_equal(f.skips[0].line, 11);

	/* A huge line is refused without being read into anything. */
	size_t big = 1 << 20;
	free(g_text);
	g_text = malloc(big + 200);
	assert_non_null(g_text);
	int n = snprintf(g_text, 200, "2|test|20240101|1|19830101|20240101|+0000\ntest|*|asn|*|1|summary\n");
	memset(g_text + n, 'x', big);
	g_text[n + big] = '\0';
	opts = default_options();
	err = read_text("huge.txt", g_text, &opts, &f, &diag);
	assert_int_not_equal(err, IDREG_OK);
	assert_line_named(diag.text, "huge.txt", 3);
}

static void test_write_read_back(void **state)
{
	(void)state;
	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file in, back;
	struct idreg_diag diag;
	const char *text = "2.3|test|1567951216119|8||20190908|-0400\n"
			   "test|*|ipv4|*|3|summary\n"
			   "test|*|ipv6|*|2|summary\n"
			   "test|*|asn|*|3|summary\n"
			   "test|US|ipv4|41.0.0.0|1536|20080101|allocated|H1\n"
			   "test||ipv4|198.51.100.0|100||available\n"
			   "test|ZZ|ipv4|0.0.0.0|256|00000000|reserved|ietf|iana\n"
			   "test|DE|ipv6|2001:DB8:0::|32|20110101|allocated|H2|e1||e3\n"
			   "test|DE|ipv6|2001:db8:1::1|128|20110101|assigned|\n"
			   "test|US|asn|64496|16|20100101|assigned|H1\n"
			   "test|US|asn|4294967295|1|20100101|reserved\n"
			   "test|BR|asn|0|1|20100101|reserved|id with spaces\n";
	idreg_err err = read_text("in.txt", text, &opts, &in, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(in.count, 8);

	char *out = NULL;
	size_t out_len = 0;
	FILE *mem = open_memstream(&out, &out_len);
	assert_non_null(mem);
	err = idreg_rir_write(mem, &in.header, in.records, in.count);
	assert_int_equal(fclose(mem), 0);
	g_text = out;
	assert_int_equal(err, IDREG_OK);

	err = idreg_rir_read_buffer("back.txt", out, out_len, &opts, &g_arena, &back, &diag);
	if (err != IDREG_OK) {
		fail_msg("reading back: %s: %s\n%s", idreg_strerror_name(err), diag.text, out);
	}
	assert_string_equal(back.warning, "");
	assert_int_equal(back.count, in.count);
	for (size_t i = 0; i < in.count; i++) {
		if (!idreg_numres_equal(&in.records[i], &back.records[i])) {
			char a[IDREG_RIR_RECORD_TEXT_MAX], b[IDREG_RIR_RECORD_TEXT_MAX];
			idreg_rir_format_record(&in.records[i], a, sizeof(a));
			idreg_rir_format_record(&back.records[i], b, sizeof(b));
			fail_msg("record %zu differs: '%s' / '%s'", i, a, b);
		}
	}
	assert_string_equal(back.header.version, "2.3");
	assert_string_equal(back.header.registry, "test");
	assert_string_equal(back.header.serial, "1567951216119");
	assert_int_equal(back.header.serial_time, 1567951216);
	assert_string_equal(back.header.startdate, "");
	assert_string_equal(back.header.enddate, "20190908");
	assert_string_equal(back.header.utcoffset, "-0400");
	assert_int_equal(back.header.records, 8);
	assert_int_equal(back.summary[IDREG_RES_ASN], 3);
	assert_int_equal(back.summary[IDREG_RES_IPV4], 3);
	assert_int_equal(back.summary[IDREG_RES_IPV6], 2);
}

static void test_format_record(void **state)
{
	(void)state;
	char out[IDREG_RIR_RECORD_TEXT_MAX];
	struct idreg_numres r = {
		.type = IDREG_RES_IPV4, .first = v4(192, 0, 2, 0), .last = v4(192, 0, 2, 255),
		.value = 256, .date = 20100101, .status = IDREG_STATUS_ASSIGNED,
		.registry = "test", .cc = "US", .opaque_id = "H1", .extensions = NULL,
	};
	idreg_rir_format_record(&r, out, sizeof(out));
	assert_string_equal(out, "test|US|ipv4|192.0.2.0|256|20100101|assigned|H1");
	r.opaque_id = NULL;
	r.date = IDREG_DATE_NONE;
	r.cc = "";
	r.status = IDREG_STATUS_AVAILABLE;
	idreg_rir_format_record(&r, out, sizeof(out));
	assert_string_equal(out, "test||ipv4|192.0.2.0|256||available");
	r.date = 0;
	idreg_rir_format_record(&r, out, sizeof(out));
	assert_string_equal(out, "test||ipv4|192.0.2.0|256|00000000|available");
	struct idreg_numres six = {
		.type = IDREG_RES_IPV6, .first = v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
		.last = v6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff),
		.value = 32, .date = 20110101, .status = IDREG_STATUS_ALLOCATED,
		.registry = "ripencc", .cc = "DE", .opaque_id = "x", .extensions = "e1||e3",
	};
	idreg_rir_format_record(&six, out, sizeof(out));
	assert_string_equal(out, "ripencc|DE|ipv6|2001:db8::|32|20110101|allocated|x|e1||e3");
	struct idreg_numres as = {
		.type = IDREG_RES_ASN, .first = 4294967295u, .last = 4294967295u, .value = 1,
		.date = 19930901, .status = IDREG_STATUS_RESERVED, .registry = "iana", .cc = "ZZ",
	};
	idreg_rir_format_record(&as, out, sizeof(out));
	assert_string_equal(out, "iana|ZZ|asn|4294967295|1|19930901|reserved");
}

/* ---- the real files ---- */

struct own_count {
	bool have_version;
	unsigned long long version_records;
	unsigned long long records[IDREG_RESTYPE_COUNT];
	unsigned long long summary[IDREG_RESTYPE_COUNT];
	bool has_summary[IDREG_RESTYPE_COUNT];
	size_t lines;
};

static int type_of(const char *s, size_t len)
{
	static const char *const names[] = { "asn", "ipv4", "ipv6" };
	for (int t = 0; t < 3; t++) {
		if (len == strlen(names[t]) && memcmp(s, names[t], len) == 0) {
			return t;
		}
	}
	return -1;
}

/* Count the lines of a file with plain string splitting, not with the parser. */
static void count_by_hand(const char *data, size_t size, struct own_count *c)
{
	memset(c, 0, sizeof(*c));
	const char *p = data, *end = data + size;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *line = p;
		p = nl ? nl + 1 : end;
		c->lines++;
		if (len > 0 && line[len - 1] == '\r') {
			len--;
		}
		if (len == 0 || line[0] == '#') {
			continue;
		}
		/* Split on '|'. */
		const char *field[16];
		size_t flen[16];
		size_t n = 0;
		const char *q = line, *qend = line + len;
		while (n < 16) {
			const char *bar = memchr(q, '|', (size_t)(qend - q));
			field[n] = q;
			flen[n] = (size_t)((bar ? bar : qend) - q);
			n++;
			if (bar == NULL) {
				break;
			}
			q = bar + 1;
		}
		if (!c->have_version) {
			assert_int_equal(n, 7);
			c->have_version = true;
			c->version_records = strtoull(field[3], NULL, 10);
			continue;
		}
		assert_true(n >= 6);
		int t = type_of(field[2], flen[2]);
		assert_true(t >= 0);
		if (n == 6 && flen[5] == 7 && memcmp(field[5], "summary", 7) == 0) {
			c->summary[t] = strtoull(field[4], NULL, 10);
			c->has_summary[t] = true;
		} else {
			c->records[t]++;
		}
	}
}

/* What a real file is expected to be like. */
enum real_kind {
	REAL_CONSISTENT,   /* version line and summary lines match the records */
	REAL_VERSION_OFF,  /* summaries match, the version line's count does not */
	REAL_SUMMARY_OFF,  /* a summary line does not match the records */
};

static void load_file(const char *path, size_t *size_out)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		fail_msg("cannot open %s", path);
	}
	free(g_text);
	g_text = NULL;
	size_t cap = 0, size = 0;
	for (;;) {
		if (size == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			char *grown = realloc(g_text, cap);
			assert_non_null(grown);
			g_text = grown;
		}
		size_t got = fread(g_text + size, 1, cap - size, fp);
		if (got == 0) {
			break;
		}
		size += got;
	}
	fclose(fp);
	*size_out = size;
}

static void check_real_file(const char *path, enum real_kind kind)
{
	size_t size;
	load_file(path, &size);
	struct own_count c;
	count_by_hand(g_text, size, &c);
	assert_true(c.have_version);
	unsigned long long total = c.records[0] + c.records[1] + c.records[2];
	assert_true(total > 0);
	bool summaries_match = true;
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		if (!c.has_summary[t] || c.summary[t] != c.records[t]) {
			summaries_match = false;
			if (kind != REAL_SUMMARY_OFF) {
				fail_msg("%s: %s: summary %llu, records counted %llu", path,
					 idreg_restype_name((enum idreg_restype)t), c.summary[t],
					 c.records[t]);
			}
		}
	}
	assert_int_equal(summaries_match, kind != REAL_SUMMARY_OFF);
	assert_int_equal(c.version_records == total, kind == REAL_CONSISTENT);

	struct idreg_rir_read_options opts = default_options();
	struct idreg_rir_file f;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_rir_read_file(path, &opts, &g_arena, &f, &diag);
	if (kind == REAL_SUMMARY_OFF) {
		/* Refused, naming the file; read anyway with ignore_counts. */
		assert_int_equal(err, IDREG_EMISMATCH);
		assert_non_null(strstr(diag.text, path));
		opts.ignore_counts = true;
		err = idreg_rir_read_file(path, &opts, &g_arena, &f, &diag);
	}
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), diag.text);
	}
	/* The parser agrees with the hand count, record type by record type. */
	assert_int_equal(f.count, total);
	assert_int_equal(f.skipped, 0);
	assert_int_equal(f.header.records, c.version_records);
	unsigned long long parsed[IDREG_RESTYPE_COUNT] = { 0 };
	for (size_t i = 0; i < f.count; i++) {
		parsed[f.records[i].type]++;
		assert_true(f.records[i].first <= f.records[i].last);
		assert_true(f.records[i].line >= 1 && f.records[i].line <= c.lines);
	}
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		assert_int_equal(parsed[t], c.records[t]);
		assert_true(f.has_summary[t]);
		assert_int_equal(f.summary[t], c.summary[t]);
	}
	assert_int_equal(f.warning[0] != '\0', kind != REAL_CONSISTENT);
	printf("# %s: %llu asn, %llu ipv4, %llu ipv6\n", path, c.records[0], c.records[1],
	       c.records[2]);
	idreg_arena_reset(&g_arena);
}

/*
 * Every regular file of $IDREG_SHARED/data/rir/@dir, consistent but for the
 * ones named in @odd with their kinds; returns the number of files.
 */
struct odd_file {
	const char *name;
	enum real_kind kind;
};

static size_t check_real_dir(const char *dir, const struct odd_file *odd, size_t n_odd)
{
	const char *shared = getenv("IDREG_SHARED");
	if (shared == NULL || shared[0] == '\0') {
		print_message("IDREG_SHARED is not set\n");
		skip();
	}
	char path[4096];
	snprintf(path, sizeof(path), "%s/data/rir/%s", shared, dir);
	DIR *d = opendir(path);
	if (d == NULL) {
		fail_msg("cannot open %s", path);
	}
	char names[32][256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && n < 32) {
		if (e->d_name[0] != '.' && strlen(e->d_name) < sizeof(names[0])) {
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		enum real_kind kind = REAL_CONSISTENT;
		for (size_t k = 0; k < n_odd; k++) {
			if (strcmp(names[i], odd[k].name) == 0) {
				kind = odd[k].kind;
			}
		}
		int len = snprintf(path, sizeof(path), "%s/data/rir/%s/%s", shared, dir, names[i]);
		assert_true(len > 0 && (size_t)len < sizeof(path));
		check_real_file(path, kind);
	}
	return n;
}

static void test_real_current(void **state)
{
	(void)state;
	assert_int_equal(check_real_dir("current", NULL, 0), 3);
}

static void test_real_snapshot_2014(void **state)
{
	(void)state;
	assert_int_equal(check_real_dir("snapshot-2014", NULL, 0), 4);
}

static void test_real_fixtures(void **state)
{
	(void)state;
	/* The AFRINIC sample's version line says 100 records for 300; the IANA
	 * sample has 8 asn records under a summary line that says 6. */
	static const struct odd_file odd[] = {
		{ "afrinic", REAL_VERSION_OFF },
		{ "iana", REAL_SUMMARY_OFF },
	};
	assert_int_equal(check_real_dir("fixtures-nro-delegated-stats", odd, 2), 6);
}

static void test_real_headers(void **state)
{
	(void)state;
	const char *shared = getenv("IDREG_SHARED");
	if (shared == NULL || shared[0] == '\0') {
		skip();
	}
	char path[4096];
	struct idreg_rir_header h;
	struct idreg_diag diag;
	snprintf(path, sizeof(path), "%s/data/rir/fixtures-nro-delegated-stats/arin", shared);
	assert_int_equal(idreg_rir_read_header(path, &h, &diag), IDREG_OK);
	assert_string_equal(h.version, "2.3");
	assert_string_equal(h.registry, "arin");
	assert_int_equal(h.serial_time, 1567951216);
	snprintf(path, sizeof(path), "%s/data/rir/fixtures-nro-delegated-stats/ripencc", shared);
	assert_int_equal(idreg_rir_read_header(path, &h, &diag), IDREG_OK);
	assert_int_equal(h.serial_time, 1567979999);
	snprintf(path, sizeof(path), "%s/data/rir/fixtures-nro-delegated-stats/apnic", shared);
	assert_int_equal(idreg_rir_read_header(path, &h, &diag), IDREG_OK);
	assert_string_equal(h.startdate, "");
	/* The IANA file starts with 29 comment lines. */
	snprintf(path, sizeof(path), "%s/data/rir/fixtures-nro-delegated-stats/iana", shared);
	assert_int_equal(idreg_rir_read_header(path, &h, &diag), IDREG_OK);
	assert_string_equal(h.registry, "iana");
	assert_int_equal(h.records, 18);
	/* Not an exchange-format file. */
	snprintf(path, sizeof(path), "%s/data/rir/iana/ipv4-address-space.csv", shared);
	assert_int_equal(idreg_rir_read_header(path, &h, &diag), IDREG_EPARSE);
	snprintf(path, sizeof(path), "%s/data/rir/no-such-file", shared);
	assert_int_not_equal(idreg_rir_read_header(path, &h, &diag), IDREG_OK);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_serial_time),
		T(test_version_lines),
		T(test_version_lines_bad),
		T(test_blank_and_comment_lines),
		T(test_summary_lines),
		T(test_record_7_fields),
		T(test_record_8_fields),
		T(test_record_extensions),
		T(test_record_empty_fields),
		T(test_record_ipv4_counts),
		T(test_record_ipv6),
		T(test_record_asn),
		T(test_record_bad_fields),
		T(test_record_impossible_dates),
		T(test_record_field_limits),
		T(test_record_extension_limit),
		T(test_record_longest_formats_whole),
		T(test_read_good),
		T(test_read_crlf_and_no_final_newline),
		T(test_read_summary_mismatch),
		T(test_read_version_count_mismatch),
		T(test_read_malformed_line),
		T(test_read_second_summary),
		T(test_read_no_version_line),
		T(test_read_version_only),
		T(test_read_skip_bad),
		T(test_read_skip_many),
		T(test_read_duplicates),
		T(test_read_limits),
		T(test_write_read_back),
		T(test_format_record),
		T(test_real_current),
		T(test_real_snapshot_2014),
		T(test_real_fixtures),
		T(test_real_headers),
	};
	return cmocka_run_group_tests_name("rir", tests, NULL, NULL);
}
