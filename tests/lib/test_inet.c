/*
 * Unit tests for lib/inet/inet.c: IPv4/IPv6 address parsing and canonical
 * (RFC 5952) output, prefixes, range-to-CIDR decomposition, AS numbers
 * (plain, "AS" prefixed, RFC 5396 asdot) and the lookup query parser.
 * Expected values come from the RFCs and from hand computation, never from
 * running the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "inet/inet.h"

/* ---- helpers ---- */

static idreg_u128 v4(unsigned a, unsigned b, unsigned c, unsigned d)
{
	return ((idreg_u128)a << 24) | ((idreg_u128)b << 16) | ((idreg_u128)c << 8) | d;
}

/* An IPv6 address from its eight 16-bit groups. */
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

static const idreg_u128 ALL_ONES = ~(idreg_u128)0;

#define assert_u128_equal(a, b)                                                              \
	do {                                                                                 \
		idreg_u128 a_ = (a), b_ = (b);                                               \
		if (a_ != b_) {                                                              \
			fail_msg("%s != %s: 0x%016llx%016llx != 0x%016llx%016llx", #a, #b,   \
				 (unsigned long long)(a_ >> 64), (unsigned long long)a_,     \
				 (unsigned long long)(b_ >> 64), (unsigned long long)b_);    \
		}                                                                            \
	} while (0)

static idreg_err parse_ip(const char *s, struct idreg_ip *ip)
{
	return idreg_ip_parse(s, strlen(s), ip);
}

static void expect_ip(const char *s, enum idreg_restype type, idreg_u128 value)
{
	struct idreg_ip ip;
	idreg_err err = parse_ip(s, &ip);
	if (err != IDREG_OK) {
		fail_msg("'%s' should parse, got %s", s, idreg_strerror_name(err));
	}
	assert_int_equal(ip.type, type);
	assert_u128_equal(ip.value, value);
}

static void expect_ip_bad(const char *s, size_t len)
{
	struct idreg_ip ip = { IDREG_RES_IPV4, 12345 };
	idreg_err err = idreg_ip_parse(s, len, &ip);
	if (err != IDREG_EPARSE) {
		fail_msg("'%.*s' (length %zu) should be rejected with EPARSE, got %s", (int)len, s, len,
			 idreg_strerror_name(err));
	}
}

/* Parse @in, format it, compare with @want. */
static void expect_canonical(const char *in, const char *want)
{
	struct idreg_ip ip;
	idreg_err err = parse_ip(in, &ip);
	if (err != IDREG_OK) {
		fail_msg("'%s' should parse, got %s", in, idreg_strerror_name(err));
	}
	char out[IDREG_IP_TEXT_MAX];
	memset(out, 'x', sizeof(out));
	idreg_ip_format(&ip, out, sizeof(out));
	if (strcmp(out, want) != 0) {
		fail_msg("'%s' formats as '%s', RFC 5952 says '%s'", in, out, want);
	}
}

static void format_value(enum idreg_restype type, idreg_u128 value, const char *want)
{
	struct idreg_ip ip = { type, value };
	char out[IDREG_IP_TEXT_MAX];
	idreg_ip_format(&ip, out, sizeof(out));
	if (strcmp(out, want) != 0) {
		fail_msg("formatted '%s', expected '%s'", out, want);
	}
}

/* ---- restype basics ---- */

static void test_restype(void **state)
{
	(void)state;
	assert_string_equal(idreg_restype_name(IDREG_RES_ASN), "asn");
	assert_string_equal(idreg_restype_name(IDREG_RES_IPV4), "ipv4");
	assert_string_equal(idreg_restype_name(IDREG_RES_IPV6), "ipv6");
	enum idreg_restype t;
	assert_true(idreg_restype_parse("ipv6", 4, &t));
	assert_int_equal(t, IDREG_RES_IPV6);
	assert_true(idreg_restype_parse("asn", 3, &t));
	assert_int_equal(t, IDREG_RES_ASN);
	assert_true(idreg_restype_parse("ipv4x", 4, &t)); /* explicit length: "ipv4" */
	assert_int_equal(t, IDREG_RES_IPV4);
	assert_false(idreg_restype_parse("ipv4x", 5, &t));
	assert_false(idreg_restype_parse("ipv", 3, &t));
	assert_false(idreg_restype_parse("", 0, &t));
	assert_int_equal(idreg_restype_bits(IDREG_RES_ASN), 32);
	assert_int_equal(idreg_restype_bits(IDREG_RES_IPV4), 32);
	assert_int_equal(idreg_restype_bits(IDREG_RES_IPV6), 128);
	assert_u128_equal(idreg_restype_max(IDREG_RES_ASN), 4294967295u);
	assert_u128_equal(idreg_restype_max(IDREG_RES_IPV4), 4294967295u);
	assert_u128_equal(idreg_restype_max(IDREG_RES_IPV6), ALL_ONES);
}

static void test_host_mask(void **state)
{
	(void)state;
	assert_u128_equal(idreg_host_mask(32, 32), 0);
	assert_u128_equal(idreg_host_mask(32, 24), 0xff);
	assert_u128_equal(idreg_host_mask(32, 1), 0x7fffffff);
	assert_u128_equal(idreg_host_mask(32, 0), 0xffffffff);
	assert_u128_equal(idreg_host_mask(128, 128), 0);
	assert_u128_equal(idreg_host_mask(128, 64), (idreg_u128)UINT64_MAX);
	assert_u128_equal(idreg_host_mask(128, 1), ALL_ONES >> 1);
	assert_u128_equal(idreg_host_mask(128, 0), ALL_ONES);
}

/* ---- address parsing ---- */

static void test_ipv4_parse_ok(void **state)
{
	(void)state;
	expect_ip("0.0.0.0", IDREG_RES_IPV4, 0);
	expect_ip("255.255.255.255", IDREG_RES_IPV4, 0xffffffffu);
	expect_ip("192.0.2.1", IDREG_RES_IPV4, v4(192, 0, 2, 1));
	expect_ip("10.0.0.0", IDREG_RES_IPV4, v4(10, 0, 0, 0));
	expect_ip("1.2.3.4", IDREG_RES_IPV4, 0x01020304u);
	expect_ip("0.0.0.1", IDREG_RES_IPV4, 1);
	expect_ip("100.200.10.0", IDREG_RES_IPV4, v4(100, 200, 10, 0));
}

static void test_ipv4_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"1",
		"1.2",
		"1.2.3",
		"1.2.3.4.5",
		"256.0.0.0",
		"1.2.3.256",
		"1.2.3.1000",
		"1.2.3.-1",
		"1..3.4",
		".1.2.3",
		"1.2.3.",
		"1.2.3.4.",
		" 1.2.3.4",
		"1.2.3.4 ",
		"1.2.3.4\n",
		"a.b.c.d",
		"0x1.2.3.4",
		"1.2.3.0x4",
		"1.2.3.4/32",
		"+1.2.3.4",
		/* inet_pton(3) takes "ddd.ddd.ddd.ddd" with no leading zeros (glibc refuses
		 * them, so "010" cannot be read as octal 8 by one tool and ten by another). */
		"010.0.0.1",
		"1.2.3.04",
		"01.2.3.4",
		"1.2.3.00",
		"0000.0.0.0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_ip_bad(bad[i], strlen(bad[i]));
	}
}

static void test_ipv6_parse_ok(void **state)
{
	(void)state;
	expect_ip("::", IDREG_RES_IPV6, 0);
	expect_ip("::1", IDREG_RES_IPV6, 1);
	expect_ip("1::", IDREG_RES_IPV6, v6(1, 0, 0, 0, 0, 0, 0, 0));
	expect_ip("2001:db8::1", IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	expect_ip("2001:DB8::1", IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	expect_ip("2001:0db8:0000:0000:0000:0000:0000:0001", IDREG_RES_IPV6,
		  v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	expect_ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IDREG_RES_IPV6, ALL_ONES);
	expect_ip("1:2:3:4:5:6:7:8", IDREG_RES_IPV6, v6(1, 2, 3, 4, 5, 6, 7, 8));
	expect_ip("fe80::1:2", IDREG_RES_IPV6, v6(0xfe80, 0, 0, 0, 0, 0, 1, 2));
	/* RFC 4291 2.2 form 3: IPv4 in the low 32 bits. */
	expect_ip("::ffff:192.0.2.1", IDREG_RES_IPV6, v6(0, 0, 0, 0, 0, 0xffff, 0xc000, 0x0201));
	expect_ip("1:2:3:4:5:6:1.2.3.4", IDREG_RES_IPV6, v6(1, 2, 3, 4, 5, 6, 0x0102, 0x0304));
	/* The longest text form, 45 characters: must fit the documented maximum. */
	const char *longest = "0000:0000:0000:0000:0000:ffff:255.255.255.255";
	assert_int_equal(strlen(longest) + 1, IDREG_IP_TEXT_MAX);
	expect_ip(longest, IDREG_RES_IPV6, v6(0, 0, 0, 0, 0, 0xffff, 0xffff, 0xffff));
}

static void test_ipv6_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		":",
		":::",
		"1::2::3",
		"1:2:3:4:5:6:7:8:9",
		"1:2:3:4:5:6:7",
		"12345::",
		"g::",
		"::g",
		"2001:db8::1/64",
		" ::1",
		"::1 ",
		"1:2:3:4:5:6:7:1.2.3.4",
		"::1.2.3",
		"::256.0.0.0",
		"::1.2.3.4:5",
		"2001:db8:::1",
		"[::1]",
		"fe80::1%eth0",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_ip_bad(bad[i], strlen(bad[i]));
	}
}

static void test_ip_parse_too_long(void **state)
{
	(void)state;
	char big[1000];
	memset(big, '1', sizeof(big));
	expect_ip_bad(big, sizeof(big));
	/* A valid address padded with zeros in a group is no longer valid. */
	expect_ip_bad("0000:0000:0000:0000:0000:0000:0000:00001", 40);
	/* 46 characters and more: longer than any address text can be. */
	char padded[200];
	snprintf(padded, sizeof(padded), "%s", "0000:0000:0000:0000:0000:ffff:255.255.255.2555");
	expect_ip_bad(padded, strlen(padded));
	memset(padded, '0', sizeof(padded));
	memcpy(padded + sizeof(padded) - 3, "::1", 3);
	expect_ip_bad(padded, sizeof(padded));
}

static void test_ip_parse_explicit_length(void **state)
{
	(void)state;
	/* Only the first @len bytes count. */
	struct idreg_ip ip;
	assert_int_equal(idreg_ip_parse("1.2.3.4XYZ", 7, &ip), IDREG_OK);
	assert_int_equal(ip.type, IDREG_RES_IPV4);
	assert_u128_equal(ip.value, 0x01020304u);
	assert_int_equal(idreg_ip_parse("::1|rest", 3, &ip), IDREG_OK);
	assert_int_equal(ip.type, IDREG_RES_IPV6);
	assert_u128_equal(ip.value, 1);
	/* A cut-off address is not accepted as a shorter one. */
	expect_ip_bad("1.2.3.45", 6);
	expect_ip_bad("1.2.3.4", 0);
}

/*
 * An embedded NUL inside the given length is part of the input, so the input
 * is not an address.  (A C-string based parser would stop at the NUL and see
 * "1.2.3.4".)
 */
static void test_ip_parse_embedded_nul(void **state)
{
	(void)state;
	expect_ip_bad("1.2.3.4\0", 8);
	expect_ip_bad("1.2.3.4\0" "5", 9);
	expect_ip_bad("::1\0:2", 6);
	expect_ip_bad("\0" "1.2.3.4", 8);
	expect_ip_bad("2001:db8::\0garbage", 18);
}

/* ---- RFC 5952 canonical text ---- */

static void test_rfc5952_leading_zeros(void **state)
{
	(void)state;
	/* 4.1: leading zeros in a 16-bit field MUST be suppressed. */
	expect_canonical("2001:0db8::0001", "2001:db8::1");
	expect_canonical("2001:db8:0:0:0:0:2:0001", "2001:db8::2:1");
	/* Section 2 examples: all these are one address. */
	expect_canonical("2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	expect_canonical("2001:db8:aaaa:bbbb:cccc:dddd:eeee:001", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	expect_canonical("2001:db8:aaaa:bbbb:cccc:dddd:eeee:01", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	expect_canonical("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1");
	expect_canonical("0:0:0:0:0:0:0:0", "::");
	expect_canonical("0:0:0:0:0:0:0:1", "::1");
}

static void test_rfc5952_zero_compression(void **state)
{
	(void)state;
	/* 4.2.1: "::" shortens as much as possible. */
	expect_canonical("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	expect_canonical("2001:db8::0:1", "2001:db8::1");
	/* 4.2.2: "::" MUST NOT shorten just one 16-bit 0 field. */
	expect_canonical("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	expect_canonical("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	expect_canonical("0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7");
	expect_canonical("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0");
	/* 4.2.3: the longest run is shortened; of equal runs, the first. */
	expect_canonical("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	expect_canonical("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	expect_canonical("1:0:0:2:0:0:3:4", "1::2:0:0:3:4");
	expect_canonical("1:0:0:0:2:0:0:0", "1::2:0:0:0");
	/* Runs at either end. */
	expect_canonical("1:0:0:0:0:0:0:0", "1::");
	expect_canonical("0:0:0:0:0:0:0:1", "::1");
	expect_canonical("0:0:1:0:0:0:0:0", "0:0:1::");
	expect_canonical("0:0:0:1:0:0:0:0", "0:0:0:1::");
	expect_canonical("2001:db8::", "2001:db8::");
	expect_canonical("fe80:0:0:0:0:0:0:0", "fe80::");
}

static void test_rfc5952_lowercase(void **state)
{
	(void)state;
	/* 4.3: a-f MUST be lowercase. */
	expect_canonical("2001:DB8::ABCD", "2001:db8::abcd");
	expect_canonical("2001:Db8:AaAa::FfFf", "2001:db8:aaaa::ffff");
	expect_canonical("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF",
			 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

static void test_rfc5952_ipv4_mapped(void **state)
{
	(void)state;
	/* Section 5: IPv4-mapped addresses are written in mixed notation. */
	expect_canonical("::ffff:192.0.2.1", "::ffff:192.0.2.1");
	expect_canonical("0:0:0:0:0:ffff:c000:0201", "::ffff:192.0.2.1");
}

/*
 * Section 5: mixed notation is only for addresses known to embed an IPv4
 * address, "currently, only IPv4-mapped addresses"; everything else follows
 * section 4.  ::1:0 is not an IPv4-mapped address, and neither is an address
 * in the deprecated IPv4-compatible ::/96.
 */
static void test_rfc5952_no_mixed_notation_outside_mapped(void **state)
{
	(void)state;
	expect_canonical("0:0:0:0:0:0:1:0", "::1:0");
	expect_canonical("::c000:201", "::c000:201");
	expect_canonical("0:0:0:0:0:0:ffff:ffff", "::ffff:ffff");
	/* One more zero field, and even glibc's heuristic writes hex. */
	expect_canonical("::ffff:0:102:304", "::ffff:0:102:304");
}

static void test_ipv4_format(void **state)
{
	(void)state;
	format_value(IDREG_RES_IPV4, 0, "0.0.0.0");
	format_value(IDREG_RES_IPV4, 0xffffffffu, "255.255.255.255");
	format_value(IDREG_RES_IPV4, v4(192, 0, 2, 10), "192.0.2.10");
	format_value(IDREG_RES_IPV4, v4(10, 0, 0, 1), "10.0.0.1");
	format_value(IDREG_RES_IPV6, ALL_ONES, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	format_value(IDREG_RES_IPV6, 0, "::");
}

/* ---- prefixes ---- */

static void expect_prefix(const char *s, enum idreg_restype type, idreg_u128 addr, unsigned len,
			  idreg_u128 last)
{
	struct idreg_prefix p;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_prefix_parse(s, strlen(s), &p, &diag);
	if (err != IDREG_OK) {
		fail_msg("'%s' should parse as a prefix: %s: %s", s, idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(p.addr.type, type);
	assert_u128_equal(p.addr.value, addr);
	assert_int_equal(p.len, len);
	assert_u128_equal(idreg_prefix_last(&p), last);
}

static void expect_prefix_bad(const char *s)
{
	struct idreg_prefix p;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_prefix_parse(s, strlen(s), &p, &diag);
	if (err != IDREG_EPARSE) {
		fail_msg("'%s' should be rejected with EPARSE, got %s", s, idreg_strerror_name(err));
	}
	if (diag.text[0] == '\0') {
		fail_msg("'%s' rejected without a message", s);
	}
}

static void test_prefix_parse_ok(void **state)
{
	(void)state;
	expect_prefix("10.0.0.0/8", IDREG_RES_IPV4, v4(10, 0, 0, 0), 8, v4(10, 255, 255, 255));
	expect_prefix("0.0.0.0/0", IDREG_RES_IPV4, 0, 0, 0xffffffffu);
	expect_prefix("192.0.2.1/32", IDREG_RES_IPV4, v4(192, 0, 2, 1), 32, v4(192, 0, 2, 1));
	expect_prefix("192.0.2.0/24", IDREG_RES_IPV4, v4(192, 0, 2, 0), 24, v4(192, 0, 2, 255));
	expect_prefix("192.0.2.128/25", IDREG_RES_IPV4, v4(192, 0, 2, 128), 25, v4(192, 0, 2, 255));
	expect_prefix("128.0.0.0/1", IDREG_RES_IPV4, v4(128, 0, 0, 0), 1, 0xffffffffu);
	expect_prefix("::/0", IDREG_RES_IPV6, 0, 0, ALL_ONES);
	expect_prefix("2001:db8::/32", IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), 32,
		      v6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff));
	expect_prefix("2001:db8::1/128", IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), 128,
		      v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1));
	expect_prefix("8000::/1", IDREG_RES_IPV6, (idreg_u128)1 << 127, 1, ALL_ONES);
	expect_prefix("2c0f:f000::/20", IDREG_RES_IPV6, v6(0x2c0f, 0xf000, 0, 0, 0, 0, 0, 0), 20,
		      v6(0x2c0f, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff));
	/* Explicit length: the rest of the buffer is not read. */
	struct idreg_prefix p;
	assert_int_equal(idreg_prefix_parse("10.0.0.0/8|x", 10, &p, NULL), IDREG_OK);
	assert_int_equal(p.len, 8);
}

static void test_prefix_parse_bad(void **state)
{
	(void)state;
	/* Host bits set. */
	expect_prefix_bad("10.0.0.1/8");
	expect_prefix_bad("192.0.2.1/31");
	expect_prefix_bad("1.2.3.0/0");
	expect_prefix_bad("0.0.0.1/0");
	expect_prefix_bad("2001:db8::1/127");
	expect_prefix_bad("2001:db8::/16");
	expect_prefix_bad("::1/0");
	/* Length out of bounds. */
	expect_prefix_bad("10.0.0.0/33");
	expect_prefix_bad("10.0.0.0/64");
	expect_prefix_bad("::/129");
	expect_prefix_bad("::/1000");
	expect_prefix_bad("10.0.0.0/-1");
	/* Length written oddly. */
	expect_prefix_bad("1.2.3.0/024");
	expect_prefix_bad("1.2.3.0/00");
	expect_prefix_bad("::/0128");
	expect_prefix_bad("1.2.3.0/+24");
	expect_prefix_bad("1.2.3.0/ 24");
	expect_prefix_bad("1.2.3.0/24 ");
	expect_prefix_bad("1.2.3.0/2 4");
	expect_prefix_bad("1.2.3.0/0x18");
	expect_prefix_bad("1.2.3.0/");
	/* Not a prefix at all. */
	expect_prefix_bad("1.2.3.0");
	expect_prefix_bad("/24");
	expect_prefix_bad("1.2.3/24");
	expect_prefix_bad("1.2.3.0/24/24");
	expect_prefix_bad("garbage/8");
	expect_prefix_bad("");
}

static void test_prefix_format(void **state)
{
	(void)state;
	struct idreg_prefix p = { { IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0) }, 48 };
	char out[IDREG_PREFIX_TEXT_MAX];
	idreg_prefix_format(&p, out, sizeof(out));
	assert_string_equal(out, "2001:db8::/48");
	p = (struct idreg_prefix){ { IDREG_RES_IPV4, v4(198, 51, 100, 0) }, 24 };
	idreg_prefix_format(&p, out, sizeof(out));
	assert_string_equal(out, "198.51.100.0/24");
	p = (struct idreg_prefix){ { IDREG_RES_IPV6, 0 }, 0 };
	idreg_prefix_format(&p, out, sizeof(out));
	assert_string_equal(out, "::/0");
	/* The longest prefix text fits. */
	p = (struct idreg_prefix){ { IDREG_RES_IPV6, v6(0x1111, 0x2222, 0x3333, 0x4444, 0x5555,
							 0x6666, 0x7777, 0x8888) },
				   128 };
	idreg_prefix_format(&p, out, sizeof(out));
	assert_string_equal(out, "1111:2222:3333:4444:5555:6666:7777:8888/128");
}

/* ---- range to prefixes ---- */

struct want_prefix {
	idreg_u128 addr;
	unsigned len;
};

static void expect_prefixes(enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			    const struct want_prefix *want, size_t n)
{
	struct idreg_prefix out[300];
	size_t got = idreg_range_to_prefixes(type, first, last, out, 300);
	if (got != n) {
		fail_msg("expected %zu prefixes, got %zu", n, got);
	}
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(out[i].addr.type, type);
		assert_u128_equal(out[i].addr.value, want[i].addr);
		assert_int_equal(out[i].len, want[i].len);
	}
}

static void test_range_to_prefixes_small(void **state)
{
	(void)state;
	/* 10.0.0.0, 3 addresses: 10.0.0.0/31 + 10.0.0.2/32. */
	const struct want_prefix three[] = { { 0x0a000000, 31 }, { 0x0a000002, 32 } };
	expect_prefixes(IDREG_RES_IPV4, 0x0a000000, 0x0a000002, three, 2);
	/* 10.0.0.1 .. 10.0.0.3: /32 then /31 (the block must be aligned). */
	const struct want_prefix unaligned[] = { { 0x0a000001, 32 }, { 0x0a000002, 31 } };
	expect_prefixes(IDREG_RES_IPV4, 0x0a000001, 0x0a000003, unaligned, 2);
	/* One address. */
	const struct want_prefix one[] = { { 0x0a000005, 32 } };
	expect_prefixes(IDREG_RES_IPV4, 0x0a000005, 0x0a000005, one, 1);
	/* An exact /24. */
	const struct want_prefix c24[] = { { v4(192, 0, 2, 0), 24 } };
	expect_prefixes(IDREG_RES_IPV4, v4(192, 0, 2, 0), v4(192, 0, 2, 255), c24, 1);
	/* 192.0.2.1 .. 192.0.2.254: 1/32 2/31 4/30 8/29 16/28 32/27 64/26, then
	 * 128/26 192/27 224/28 240/29 248/30 252/31 254/32. */
	const struct want_prefix inner[] = {
		{ v4(192, 0, 2, 1), 32 },   { v4(192, 0, 2, 2), 31 },   { v4(192, 0, 2, 4), 30 },
		{ v4(192, 0, 2, 8), 29 },   { v4(192, 0, 2, 16), 28 },  { v4(192, 0, 2, 32), 27 },
		{ v4(192, 0, 2, 64), 26 },  { v4(192, 0, 2, 128), 26 }, { v4(192, 0, 2, 192), 27 },
		{ v4(192, 0, 2, 224), 28 }, { v4(192, 0, 2, 240), 29 }, { v4(192, 0, 2, 248), 30 },
		{ v4(192, 0, 2, 252), 31 }, { v4(192, 0, 2, 254), 32 },
	};
	expect_prefixes(IDREG_RES_IPV4, v4(192, 0, 2, 1), v4(192, 0, 2, 254), inner, 14);
}

static void test_range_to_prefixes_rir_counts(void **state)
{
	(void)state;
	/* RIR IPv4 counts need not be powers of two.  768 = 512 + 256. */
	const struct want_prefix c768[] = { { v4(41, 0, 0, 0), 23 }, { v4(41, 0, 2, 0), 24 } };
	expect_prefixes(IDREG_RES_IPV4, v4(41, 0, 0, 0), v4(41, 0, 0, 0) + 768 - 1, c768, 2);
	/* 1536 = 1024 + 512 from an address aligned to /22: /22 then /23. */
	const struct want_prefix c1536[] = { { v4(41, 0, 0, 0), 22 }, { v4(41, 0, 4, 0), 23 } };
	expect_prefixes(IDREG_RES_IPV4, v4(41, 0, 0, 0), v4(41, 0, 0, 0) + 1536 - 1, c1536, 2);
	/* 1536 from 196.0.2.0 (aligned only to /23): /23 first, then the /22. */
	const struct want_prefix c1536b[] = { { v4(196, 0, 2, 0), 23 }, { v4(196, 0, 4, 0), 22 } };
	expect_prefixes(IDREG_RES_IPV4, v4(196, 0, 2, 0), v4(196, 0, 7, 255), c1536b, 2);
	/* 3328 = 2048 + 1024 + 256 from 102.64.0.0. */
	const struct want_prefix c3328[] = {
		{ v4(102, 64, 0, 0), 21 }, { v4(102, 64, 8, 0), 22 }, { v4(102, 64, 12, 0), 24 } };
	expect_prefixes(IDREG_RES_IPV4, v4(102, 64, 0, 0), v4(102, 64, 0, 0) + 3328 - 1, c3328, 3);
	/* 5120 = 4096 + 1024 from 154.0.0.0 -- a /20 and a /22. */
	const struct want_prefix c5120[] = { { v4(154, 0, 0, 0), 20 }, { v4(154, 0, 16, 0), 22 } };
	expect_prefixes(IDREG_RES_IPV4, v4(154, 0, 0, 0), v4(154, 0, 0, 0) + 5120 - 1, c5120, 2);
}

static void test_range_to_prefixes_whole_space(void **state)
{
	(void)state;
	const struct want_prefix all4[] = { { 0, 0 } };
	expect_prefixes(IDREG_RES_IPV4, 0, 0xffffffffu, all4, 1);
	const struct want_prefix all6[] = { { 0, 0 } };
	expect_prefixes(IDREG_RES_IPV6, 0, ALL_ONES, all6, 1);
	/* The top half, and the last address. */
	const struct want_prefix top4[] = { { 0x80000000u, 1 } };
	expect_prefixes(IDREG_RES_IPV4, 0x80000000u, 0xffffffffu, top4, 1);
	const struct want_prefix last6[] = { { ALL_ONES, 128 } };
	expect_prefixes(IDREG_RES_IPV6, ALL_ONES, ALL_ONES, last6, 1);
	const struct want_prefix zero6[] = { { 0, 128 } };
	expect_prefixes(IDREG_RES_IPV6, 0, 0, zero6, 1);
	/* [8000::1, 8000::3]: 8000::1/128 + 8000::2/127. */
	const struct want_prefix tail6[] = { { ((idreg_u128)1 << 127) | 1, 128 },
						    { ((idreg_u128)1 << 127) | 2, 127 } };
	expect_prefixes(IDREG_RES_IPV6, ((idreg_u128)1 << 127) | 1, ((idreg_u128)1 << 127) | 3, tail6,
			2);
}

static void test_range_to_prefixes_worst_case(void **state)
{
	(void)state;
	/* 0.0.0.1 .. 255.255.255.254: /32 /31 ... /2, then /2 /3 ... /32 -- 62 prefixes. */
	struct want_prefix want[62];
	size_t n = 0;
	for (unsigned len = 32; len >= 2; len--) {
		want[n++] = (struct want_prefix){ (idreg_u128)1 << (32 - len), len };
	}
	idreg_u128 at = 0x80000000u;
	for (unsigned len = 2; len <= 32; len++) {
		want[n++] = (struct want_prefix){ at, len };
		at += (idreg_u128)1 << (32 - len);
	}
	assert_int_equal(n, 62);
	assert_u128_equal(at, 0xffffffffu);
	expect_prefixes(IDREG_RES_IPV4, 1, 0xfffffffeu, want, 62);

	/* The same in IPv6: 2 * 128 - 2 = 254 prefixes. */
	struct idreg_prefix out[300];
	size_t got = idreg_range_to_prefixes(IDREG_RES_IPV6, 1, ALL_ONES - 1, out, 300);
	assert_int_equal(got, 254);
	assert_int_equal(out[0].len, 128);
	assert_u128_equal(out[0].addr.value, 1);
	assert_int_equal(out[126].len, 2);
	assert_u128_equal(out[126].addr.value, (idreg_u128)1 << 126);
	assert_int_equal(out[127].len, 2);
	assert_u128_equal(out[127].addr.value, (idreg_u128)1 << 127);
	assert_int_equal(out[253].len, 128);
	assert_u128_equal(out[253].addr.value, ALL_ONES - 1);
}

static void test_range_to_prefixes_max(void **state)
{
	(void)state;
	/* Fewer slots than prefixes: the count is still the full count, and only
	 * @max entries are written. */
	struct idreg_prefix out[8];
	memset(out, 0xa5, sizeof(out));
	size_t got = idreg_range_to_prefixes(IDREG_RES_IPV4, 1, 0xfffffffeu, out, 4);
	assert_int_equal(got, 62);
	assert_u128_equal(out[0].addr.value, 1);
	assert_int_equal(out[0].len, 32);
	assert_u128_equal(out[3].addr.value, 8);
	assert_int_equal(out[3].len, 29);
	unsigned char guard[sizeof(out[4])];
	memset(guard, 0xa5, sizeof(guard));
	for (int i = 4; i < 8; i++) {
		assert_memory_equal(&out[i], guard, sizeof(guard));
	}
	/* max 0: nothing written, count returned. */
	got = idreg_range_to_prefixes(IDREG_RES_IPV4, 0x0a000000, 0x0a000002, NULL, 0);
	assert_int_equal(got, 2);
}

/* A small deterministic generator for the property tests. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Check that @out is the minimal CIDR cover of [first, last]: contiguous,
 * aligned, in order, and each block the largest aligned one that fits. */
static void check_cover(enum idreg_restype type, idreg_u128 first, idreg_u128 last)
{
	unsigned bits = idreg_restype_bits(type);
	struct idreg_prefix out[300];
	size_t n = idreg_range_to_prefixes(type, first, last, out, 300);
	assert_true(n >= 1 && n <= 2 * bits);
	idreg_u128 at = first;
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(out[i].addr.type, type);
		assert_true(out[i].len <= bits);
		assert_u128_equal(out[i].addr.value, at);
		idreg_u128 mask = idreg_host_mask(bits, out[i].len);
		assert_u128_equal(at & mask, 0); /* aligned */
		idreg_u128 end = at | mask;
		assert_true(end <= last);
		/* Greedy maximality: doubling the block breaks alignment or overshoots. */
		if (out[i].len > 0) {
			idreg_u128 bigger = idreg_host_mask(bits, out[i].len - 1);
			assert_true((at & bigger) != 0 || (at | bigger) > last);
		}
		if (i + 1 == n) {
			assert_u128_equal(end, last);
		} else {
			at = end + 1;
		}
	}
}

static void test_range_to_prefixes_property(void **state)
{
	(void)state;
	for (int i = 0; i < 5000; i++) {
		uint32_t a = (uint32_t)rng_next(), b = (uint32_t)rng_next();
		if (i % 3 == 0) { /* short ranges too */
			b = a + (uint32_t)(rng_next() % 5000);
			if (b < a) {
				b = UINT32_MAX;
			}
		}
		check_cover(IDREG_RES_IPV4, a < b ? a : b, a < b ? b : a);
	}
	for (int i = 0; i < 2000; i++) {
		idreg_u128 a = ((idreg_u128)rng_next() << 64) | rng_next();
		idreg_u128 b = ((idreg_u128)rng_next() << 64) | rng_next();
		if (i % 2 == 0) { /* shift into realistic, aligned-ish ranges */
			a &= ~(idreg_u128)0 << (rng_next() % 100);
			b = a + (b >> (rng_next() % 127 + 1));
			if (b < a) {
				b = ALL_ONES;
			}
		}
		check_cover(IDREG_RES_IPV6, a < b ? a : b, a < b ? b : a);
	}
}

/* ---- numbers ---- */

static void test_parse_u128(void **state)
{
	(void)state;
	idreg_u128 v = 7;
	assert_true(idreg_parse_u128("0", 1, &v));
	assert_u128_equal(v, 0);
	assert_true(idreg_parse_u128("18446744073709551616", 20, &v));
	assert_u128_equal(v, (idreg_u128)1 << 64);
	const char *max = "340282366920938463463374607431768211455"; /* 2^128 - 1, 39 digits */
	assert_true(idreg_parse_u128(max, strlen(max), &v));
	assert_u128_equal(v, ALL_ONES);
	const char *over = "340282366920938463463374607431768211456";
	assert_false(idreg_parse_u128(over, strlen(over), &v));
	const char *nines = "999999999999999999999999999999999999999";
	assert_false(idreg_parse_u128(nines, strlen(nines), &v));
	const char *forty = "0000000000000000000000000000000000000001";
	assert_int_equal(strlen(forty), 40);
	assert_false(idreg_parse_u128(forty, 40, &v));
	assert_false(idreg_parse_u128("", 0, &v));
	assert_false(idreg_parse_u128("-1", 2, &v));
	assert_false(idreg_parse_u128("+1", 2, &v));
	assert_false(idreg_parse_u128("1 ", 2, &v));
	assert_false(idreg_parse_u128("12a", 3, &v));
	assert_false(idreg_parse_u128("1\0" "2", 3, &v));
	assert_true(idreg_parse_u128("123x", 3, &v));
	assert_u128_equal(v, 123);
}

static void expect_asn(const char *s, uint32_t want)
{
	uint32_t got = 0;
	idreg_err err = idreg_asn_parse(s, strlen(s), &got);
	if (err != IDREG_OK) {
		fail_msg("'%s' should parse as an AS number, got %s", s, idreg_strerror_name(err));
	}
	if (got != want) {
		fail_msg("'%s' parsed as %u, expected %u", s, got, want);
	}
}

static void expect_asn_bad(const char *s, size_t len)
{
	uint32_t got = 99;
	idreg_err err = idreg_asn_parse(s, len, &got);
	if (err != IDREG_EPARSE) {
		fail_msg("'%.*s' should be rejected with EPARSE, got %s (%u)", (int)len, s,
			 idreg_strerror_name(err), got);
	}
}

static void test_asn_parse(void **state)
{
	(void)state;
	expect_asn("64496", 64496);
	expect_asn("AS64496", 64496);
	expect_asn("as64496", 64496);
	expect_asn("As64496", 64496);
	expect_asn("aS64496", 64496);
	expect_asn("0", 0);
	expect_asn("AS0", 0);
	expect_asn("4294967295", 4294967295u);
	expect_asn("AS4294967295", 4294967295u);
	expect_asn("65536", 65536);
	/* RFC 5396 asdot: high.low = high * 65536 + low. */
	expect_asn("1.10", 65546);
	expect_asn("AS1.10", 65546);
	expect_asn("0.64496", 64496);
	expect_asn("65535.65535", 4294967295u);
	expect_asn("1.0", 65536);
	expect_asn("3.1", 196609);
	/* Explicit length. */
	uint32_t got;
	assert_int_equal(idreg_asn_parse("AS123|x", 5, &got), IDREG_OK);
	assert_int_equal(got, 123);
}

static void test_asn_parse_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"AS",
		"as",
		"A",
		"S1",
		"ASAS1",
		"AS 1",
		" 1",
		"1 ",
		"AS-1",
		"-1",
		"+1",
		"4294967296",
		"AS4294967296",
		"99999999999",
		"18446744073709551617",
		"12a",
		"0x10",
		"1.65536",
		"65536.0",
		"65536.1",
		"1.",
		".1",
		"1..2",
		"1.2.3",
		"AS1.",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_asn_bad(bad[i], strlen(bad[i]));
	}
	expect_asn_bad("64496\0", 6);
	expect_asn_bad("AS\0" "1", 4);
}

/* ---- lookup queries ---- */

static void expect_query(const char *s, enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			 bool is_point)
{
	struct idreg_resource_query q;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_resource_query_parse(s, strlen(s), &q, &diag);
	if (err != IDREG_OK) {
		fail_msg("query '%s' should parse: %s: %s", s, idreg_strerror_name(err), diag.text);
	}
	assert_int_equal(q.type, type);
	assert_u128_equal(q.first, first);
	assert_u128_equal(q.last, last);
	if (q.is_point != is_point) {
		fail_msg("query '%s': is_point %d, expected %d", s, q.is_point, is_point);
	}
}

static void expect_query_bad(const char *s, size_t len)
{
	struct idreg_resource_query q;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_resource_query_parse(s, len, &q, &diag);
	if (err == IDREG_OK) {
		fail_msg("query '%.*s' should be rejected", (int)(len > 80 ? 80 : len), s);
	}
	if (diag.text[0] == '\0') {
		fail_msg("query '%.*s' rejected (%s) without a message", (int)(len > 80 ? 80 : len), s,
			 idreg_strerror_name(err));
	}
}

static void test_query_single(void **state)
{
	(void)state;
	expect_query("192.0.2.1", IDREG_RES_IPV4, v4(192, 0, 2, 1), v4(192, 0, 2, 1), true);
	expect_query("2001:db8::1", IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1),
		     v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1), true);
	expect_query("::", IDREG_RES_IPV6, 0, 0, true);
	expect_query("192.0.2.0/24", IDREG_RES_IPV4, v4(192, 0, 2, 0), v4(192, 0, 2, 255), false);
	expect_query("0.0.0.0/0", IDREG_RES_IPV4, 0, 0xffffffffu, false);
	expect_query("2001:db8::/32", IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
		     v6(0x2001, 0xdb8, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff), false);
	expect_query("::/0", IDREG_RES_IPV6, 0, ALL_ONES, false);
	expect_query("AS64496", IDREG_RES_ASN, 64496, 64496, true);
	expect_query("as64496", IDREG_RES_ASN, 64496, 64496, true);
	expect_query("64496", IDREG_RES_ASN, 64496, 64496, true);
	expect_query("1.10", IDREG_RES_ASN, 65546, 65546, true);
	expect_query("AS4294967295", IDREG_RES_ASN, 4294967295u, 4294967295u, true);
}

static void test_query_ranges(void **state)
{
	(void)state;
	expect_query("192.0.2.1 - 192.0.2.10", IDREG_RES_IPV4, v4(192, 0, 2, 1), v4(192, 0, 2, 10),
		     false);
	expect_query("192.0.2.1-192.0.2.10", IDREG_RES_IPV4, v4(192, 0, 2, 1), v4(192, 0, 2, 10),
		     false);
	expect_query("0.0.0.0 - 255.255.255.255", IDREG_RES_IPV4, 0, 0xffffffffu, false);
	expect_query("2001:db8:: - 2001:db8::ffff", IDREG_RES_IPV6,
		     v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0), v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xffff),
		     false);
	expect_query(":: - ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", IDREG_RES_IPV6, 0, ALL_ONES,
		     false);
	expect_query("AS1-AS5", IDREG_RES_ASN, 1, 5, false);
	expect_query("AS1 - AS5", IDREG_RES_ASN, 1, 5, false);
	expect_query("as64496-as64511", IDREG_RES_ASN, 64496, 64511, false);
	expect_query("AS0-AS4294967295", IDREG_RES_ASN, 0, 4294967295u, false);
	expect_query("AS1.0-AS1.10", IDREG_RES_ASN, 65536, 65546, false);
}

static void test_query_bad(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"   ",
		"foo",
		"AS",
		"AS4294967296",
		"1.2.3.256",
		"1.2.3.4/33",
		"10.0.0.1/8",           /* host bits set */
		"2001:db8::1/64",
		"2001:db8:::1",
		"192.0.2.1 - 2001:db8::1", /* mixed families */
		"2001:db8::1 - 192.0.2.1",
		"AS1 - 192.0.2.1",
		"192.0.2.1 - AS5",
		"192.0.2.10 - 192.0.2.1",  /* reversed */
		"2001:db8::2 - 2001:db8::1",
		"AS5-AS1",
		"192.0.2.1 -",
		"- 192.0.2.1",
		"-",
		"AS1-",
		"192.0.2.0/24 - 192.0.2.255", /* a range joins addresses, not prefixes */
		"192.0.2.1 - 192.0.2.5 - 192.0.2.9",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_query_bad(bad[i], strlen(bad[i]));
	}
}

static void test_query_too_long(void **state)
{
	(void)state;
	/* Over-long input is refused whatever it says. */
	char q[4096];
	memset(q, ' ', sizeof(q));
	memcpy(q + 2000, "192.0.2.1", 9);
	expect_query_bad(q, sizeof(q));
	memset(q, '1', sizeof(q));
	expect_query_bad(q, sizeof(q));
	memset(q, '1', 300);
	expect_query_bad(q, 300);
}

/* A NUL inside the given length is part of the query, which is then no address. */
static void test_query_embedded_nul(void **state)
{
	(void)state;
	expect_query_bad("192.0.2.1\0", 10);
	expect_query_bad("192.0.2.0/24\0", 13);
	expect_query_bad("AS1\0", 4);
	expect_query_bad("2001:db8::1\0 - 2001:db8::2", 26);
}

static void test_range_format(void **state)
{
	(void)state;
	char out[IDREG_RANGE_TEXT_MAX];
	idreg_range_format(IDREG_RES_IPV4, v4(1, 0, 0, 0), v4(1, 0, 0, 255), out, sizeof(out));
	assert_string_equal(out, "1.0.0.0 - 1.0.0.255");
	idreg_range_format(IDREG_RES_ASN, 1, 5, out, sizeof(out));
	assert_string_equal(out, "AS1-AS5");
	idreg_range_format(IDREG_RES_ASN, 7, 7, out, sizeof(out));
	assert_string_equal(out, "AS7");
	idreg_range_format(IDREG_RES_ASN, 4294967295u, 4294967295u, out, sizeof(out));
	assert_string_equal(out, "AS4294967295");
	idreg_range_format(IDREG_RES_IPV6, v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
			   v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0xff), out, sizeof(out));
	assert_string_equal(out, "2001:db8:: - 2001:db8::ff");
	/* The longest range text fits the documented maximum. */
	idreg_range_format(IDREG_RES_IPV6, v6(0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888),
			   ALL_ONES, out, sizeof(out));
	assert_string_equal(out,
			    "1111:2222:3333:4444:5555:6666:7777:8888 - ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restype),
		cmocka_unit_test(test_host_mask),
		cmocka_unit_test(test_ipv4_parse_ok),
		cmocka_unit_test(test_ipv4_parse_bad),
		cmocka_unit_test(test_ipv6_parse_ok),
		cmocka_unit_test(test_ipv6_parse_bad),
		cmocka_unit_test(test_ip_parse_too_long),
		cmocka_unit_test(test_ip_parse_explicit_length),
		cmocka_unit_test(test_ip_parse_embedded_nul),
		cmocka_unit_test(test_rfc5952_leading_zeros),
		cmocka_unit_test(test_rfc5952_zero_compression),
		cmocka_unit_test(test_rfc5952_lowercase),
		cmocka_unit_test(test_rfc5952_ipv4_mapped),
		cmocka_unit_test(test_rfc5952_no_mixed_notation_outside_mapped),
		cmocka_unit_test(test_ipv4_format),
		cmocka_unit_test(test_prefix_parse_ok),
		cmocka_unit_test(test_prefix_parse_bad),
		cmocka_unit_test(test_prefix_format),
		cmocka_unit_test(test_range_to_prefixes_small),
		cmocka_unit_test(test_range_to_prefixes_rir_counts),
		cmocka_unit_test(test_range_to_prefixes_whole_space),
		cmocka_unit_test(test_range_to_prefixes_worst_case),
		cmocka_unit_test(test_range_to_prefixes_max),
		cmocka_unit_test(test_range_to_prefixes_property),
		cmocka_unit_test(test_parse_u128),
		cmocka_unit_test(test_asn_parse),
		cmocka_unit_test(test_asn_parse_bad),
		cmocka_unit_test(test_query_single),
		cmocka_unit_test(test_query_ranges),
		cmocka_unit_test(test_query_bad),
		cmocka_unit_test(test_query_too_long),
		cmocka_unit_test(test_query_embedded_nul),
		cmocka_unit_test(test_range_format),
	};
	return cmocka_run_group_tests_name("inet", tests, NULL, NULL);
}
