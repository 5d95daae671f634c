/*
 * Unit tests for lib/idn/email.c: internationalized email addresses.
 *
 * Valid addresses: the examples of RFC 3696 section 3 as corrected by its
 * erratum 246 (a '\' or '@' or space in a local part only inside quotes),
 * the atext characters of RFC 5322 3.2.3, UTF-8 local parts and IDN
 * domains of RFC 6531/6532 (the test addresses the Universal Acceptance
 * Steering Group publishes, such as 用户@例子.广告), address literals in
 * each form of RFC 5321 section 4.1.3, and the limits of 4.5.3.1 exactly
 * reached.  The A-labels expected come from RFC 3492 Punycode of the
 * U-labels, as IANA lists its IDN test domains (例子 xn--fsqu00a, δοκιμή
 * xn--jxalpdlp, рф xn--p1ai) and as Python's independent "punycode"
 * codec gives the others.
 *
 * Invalid ones: each check with the octet and character at fault, from the
 * same texts: dots where RFC 5321 Dot-string has none, characters outside
 * atext unquoted, broken quoted strings and quoted pairs, missing parts,
 * one octet over each limit, domains IDNA2008 refuses, address literals
 * the grammar does not produce ("::" for one group, seven groups, a
 * number over 255, an unregistered tag), and text that is not UTF-8.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "idn/email.h"

static void expect_valid(const char *address, const char *domain_ascii,
			 enum idreg_email_domain_kind kind, bool local_utf8)
{
	struct idreg_email email;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_email_check(address, strlen(address), &email, NULL, &diag);
	if (err != IDREG_OK) {
		fail_msg("%s: refused: %s", address, diag.text);
	}
	assert_string_equal(email.domain_ascii, domain_ascii);
	assert_int_equal(email.domain_kind, kind);
	if (email.local_utf8 != local_utf8) {
		fail_msg("%s: local_utf8 is %d", address, email.local_utf8);
	}
	assert_int_equal(email.local_len, (size_t)(strrchr(address, '@') - address));
}

/* Refused for @check at octet @offset (from 0), with @words in the message. */
static void expect_invalid_n(const char *address, size_t len, enum idreg_email_check check,
			     size_t offset, const char *words)
{
	struct idreg_email email;
	struct idreg_email_refusal refusal;
	struct idreg_diag diag = { "" };
	idreg_err err = idreg_email_check(address, len, &email, &refusal, &diag);
	if (err != IDREG_EPARSE) {
		fail_msg("%s: accepted (%d), want refused: %s", address, err,
			 idreg_email_check_text(check));
	}
	if (refusal.check != check || refusal.offset != offset) {
		fail_msg("%s: refused for '%s' at %zu, want '%s' at %zu (%s)", address,
			 idreg_email_check_text(refusal.check), refusal.offset,
			 idreg_email_check_text(check), offset, diag.text);
	}
	if (strstr(diag.text, words) == NULL) {
		fail_msg("%s: message '%s' lacks '%s'", address, diag.text, words);
	}
	assert_string_equal(email.domain_ascii, "");
}

static void expect_invalid(const char *address, enum idreg_email_check check, size_t offset,
			   const char *words)
{
	expect_invalid_n(address, strlen(address), check, offset, words);
}

static void test_ascii_addresses(void **state)
{
	(void)state;
	/* RFC 3696 section 3 with erratum 246. */
	expect_valid("\"Abc\\@def\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("\"Fred\\ Bloggs\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("\"Joe.\\\\Blow\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("\"Abc@def\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("\"Fred Bloggs\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("customer/department=shipping@example.com", "example.com", IDREG_EMAIL_NAME,
		     false);
	expect_valid("$A12345@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("!def!xyz%abc@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("_somename@example.com", "example.com", IDREG_EMAIL_NAME, false);
	/* Every atext character of RFC 5322 3.2.3, and dots between atoms. */
	expect_valid("a!#$%&'*+-/=?^_`{|}~z@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("first.middle.last@example.com", "example.com", IDREG_EMAIL_NAME, false);
	/* Quoted-string: an empty one is in the grammar (*QcontentSMTP). */
	expect_valid("\"\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("\"a..b\"@example.com", "example.com", IDREG_EMAIL_NAME, false);
	/* The DNS ignores the case of ASCII letters: the A-label form is lower case. */
	expect_valid("User@EXAMPLE.Com", "example.com", IDREG_EMAIL_NAME, false);
	expect_valid("postmaster@localhost", "localhost", IDREG_EMAIL_NAME, false);
}

static void test_internationalized_addresses(void **state)
{
	(void)state;
	/* RFC 6531 3.3 / RFC 6532 3.2: UTF8-non-ascii in atext; IDN domains. */
	expect_valid("用户@例子.广告", "xn--fsqu00a.xn--4rr70v", IDREG_EMAIL_NAME, true);
	expect_valid("δοκιμή@παράδειγμα.δοκιμή", "xn--hxajbheg2az3al.xn--jxalpdlp",
		     IDREG_EMAIL_NAME, true);
	expect_valid("медведь@с-балалайкой.рф", "xn----8sbaac5cahfb0b0a.xn--p1ai",
		     IDREG_EMAIL_NAME, true);
	expect_valid("ñoño.pelé@example.com", "example.com", IDREG_EMAIL_NAME, true);
	/* An ASCII local part at an IDN domain: the A-label form needs no SMTPUTF8. */
	expect_valid("info@bücher.example", "xn--bcher-kva.example", IDREG_EMAIL_NAME, false);
	expect_valid("info@xn--bcher-kva.example", "xn--bcher-kva.example", IDREG_EMAIL_NAME,
		     false);
	/* qtextSMTP with UTF-8 (RFC 6531 3.3). */
	expect_valid("\"δοκιμή δοκιμή\"@example.com", "example.com", IDREG_EMAIL_NAME, true);
}

static void test_address_literals(void **state)
{
	(void)state;
	/* RFC 5321 4.1.3: IPv4-address-literal, Snum of 1 to 3 digits. */
	expect_valid("user@[192.0.2.1]", "[192.0.2.1]", IDREG_EMAIL_IPV4, false);
	expect_valid("user@[255.255.255.255]", "[255.255.255.255]", IDREG_EMAIL_IPV4, false);
	expect_valid("user@[192.000.002.001]", "[192.000.002.001]", IDREG_EMAIL_IPV4, false);
	/* IPv6-full, IPv6-comp, IPv6v4-full, IPv6v4-comp. */
	expect_valid("user@[IPv6:2001:db8:0:0:0:0:0:1]", "[IPv6:2001:db8:0:0:0:0:0:1]",
		     IDREG_EMAIL_IPV6, false);
	expect_valid("user@[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]", IDREG_EMAIL_IPV6, false);
	expect_valid("user@[IPv6:::]", "[IPv6:::]", IDREG_EMAIL_IPV6, false);
	expect_valid("user@[IPv6:1:2:3::6:7:8]", "[IPv6:1:2:3::6:7:8]", IDREG_EMAIL_IPV6, false);
	expect_valid("user@[IPv6:0:0:0:0:ffff:c000:192.0.2.1]", "[IPv6:0:0:0:0:ffff:c000:192.0.2.1]",
		     IDREG_EMAIL_IPV6, false);
	expect_valid("user@[IPv6:::ffff:192.0.2.1]", "[IPv6:::ffff:192.0.2.1]", IDREG_EMAIL_IPV6,
		     false);
	expect_valid("user@[IPv6:1:2:3::192.0.2.1]", "[IPv6:1:2:3::192.0.2.1]", IDREG_EMAIL_IPV6,
		     false);
	/* "IPv6" is an ABNF string: its case does not matter. */
	expect_valid("user@[ipv6:2001:DB8::1]", "[ipv6:2001:DB8::1]", IDREG_EMAIL_IPV6, false);

	expect_invalid("user@[256.0.0.1]", IDREG_EMAIL_ADDRESS_LITERAL, 6, "'256.0.0.1'");
	expect_invalid("user@[192.0.2]", IDREG_EMAIL_ADDRESS_LITERAL, 6, "not an IPv4 address");
	expect_invalid("user@[1922.0.2.1]", IDREG_EMAIL_ADDRESS_LITERAL, 6, "not an IPv4");
	expect_invalid("user@[192.0.2.1", IDREG_EMAIL_ADDRESS_LITERAL, 5, "no closing ']'");
	expect_invalid("user@[x400:c=us]", IDREG_EMAIL_ADDRESS_LITERAL, 6, "tag 'x400'");
	/* "::" stands for at least two groups: seven groups and "::" are too many. */
	expect_invalid("user@[IPv6:1:2:3:4:5:6:7::]", IDREG_EMAIL_ADDRESS_LITERAL, 11,
		       "not an IPv6 address");
	expect_invalid("user@[IPv6:1:2:3:4:5:6:7]", IDREG_EMAIL_ADDRESS_LITERAL, 11, "IPv6");
	expect_invalid("user@[IPv6:1::2::3]", IDREG_EMAIL_ADDRESS_LITERAL, 11, "IPv6");
	expect_invalid("user@[IPv6:12345::1]", IDREG_EMAIL_ADDRESS_LITERAL, 11, "IPv6");
	expect_invalid("user@[IPv6:1:2:3:4:5::192.0.2.1]", IDREG_EMAIL_ADDRESS_LITERAL, 11,
		       "IPv6");
	expect_invalid("user@[IPv6:2001:db8::1:]", IDREG_EMAIL_ADDRESS_LITERAL, 11, "IPv6");
	expect_invalid("user@[IPv6:192.0.2.1]", IDREG_EMAIL_ADDRESS_LITERAL, 11, "IPv6");
}

static void test_invalid_local_parts(void **state)
{
	(void)state;
	/* RFC 3696 section 3: no dot at either end, no two in a row. */
	expect_invalid(".abc@example.com", IDREG_EMAIL_LOCAL_DOT, 0, "a leading dot");
	expect_invalid("abc.@example.com", IDREG_EMAIL_LOCAL_DOT, 3, "a trailing dot at octet 4");
	expect_invalid("a..b@example.com", IDREG_EMAIL_LOCAL_DOT, 2, "two dots in a row");
	/* Outside quotes: no space, '\', '"', '@', '(', ',' or control character. */
	expect_invalid("Fred Bloggs@example.com", IDREG_EMAIL_LOCAL_CHARACTER, 4,
		       "U+0020 (SPACE) at octet 5");
	expect_invalid("Abc\\@def@example.com", IDREG_EMAIL_LOCAL_CHARACTER, 3,
		       "U+005C (REVERSE SOLIDUS)");
	expect_invalid("a\"b@example.com", IDREG_EMAIL_LOCAL_CHARACTER, 1, "U+0022");
	expect_invalid("a(comment)@example.com", IDREG_EMAIL_LOCAL_CHARACTER, 1, "U+0028");
	expect_invalid("a,b@example.com", IDREG_EMAIL_LOCAL_CHARACTER, 1, "U+002C");
	expect_invalid("a\tb@example.com", IDREG_EMAIL_LOCAL_CHARACTER, 1, "U+0009");
	/* Quoted-string. */
	expect_invalid("\"unclosed@example.com", IDREG_EMAIL_QUOTED, 0, "no closing '\"'");
	expect_invalid("\"a\"b@example.com", IDREG_EMAIL_QUOTED, 3,
		       "after the closing quote comes not '@' but U+0062");
	expect_invalid("\"a\x01\"@example.com", IDREG_EMAIL_QUOTED, 2, "a control character");
	expect_invalid("\"a\\\x01\"@example.com", IDREG_EMAIL_QUOTED, 3, "printable ASCII");
	expect_invalid("\"a\\é\"@example.com", IDREG_EMAIL_QUOTED, 3, "U+00E9");
	expect_invalid("\"abc\\", IDREG_EMAIL_QUOTED, 4, "a backslash at the end");
	/* Missing parts. */
	expect_invalid("@example.com", IDREG_EMAIL_LOCAL_EMPTY, 0, "empty local part");
	expect_invalid("example.com", IDREG_EMAIL_NO_AT, 11, "no '@'");
	expect_invalid("\"quoted\"", IDREG_EMAIL_NO_AT, 8, "no '@'");
	expect_invalid("", IDREG_EMAIL_NO_AT, 0, "no '@'");
	expect_invalid("user@", IDREG_EMAIL_DOMAIN_EMPTY, 5, "no domain");
}

static void test_invalid_domains(void **state)
{
	(void)state;
	expect_invalid("user@example.com.", IDREG_EMAIL_DOMAIN_NAME, 16, "a trailing dot");
	expect_invalid("user@-example.com", IDREG_EMAIL_DOMAIN_NAME, 5, "hyphen");
	expect_invalid("user@exa mple.com", IDREG_EMAIL_DOMAIN_NAME, 5, "U+0020");
	expect_invalid("a@b@example.com", IDREG_EMAIL_DOMAIN_NAME, 2, "U+0040");
	expect_invalid("user@example..com", IDREG_EMAIL_DOMAIN_NAME, 5, "empty label");
	/* Registration rules, not lookup: no mapping of upper case or symbols. */
	expect_invalid("user@BÜCHER.example", IDREG_EMAIL_DOMAIN_NAME, 5, "U+00DC");
	expect_invalid("user@xn--example-.com", IDREG_EMAIL_DOMAIN_NAME, 5, "ASCII only");
}

/* @n copies of @c, then @tail, into @out. */
static const char *repeat(char *out, char c, size_t n, const char *tail)
{
	memset(out, c, n);
	strcpy(out + n, tail);
	return out;
}

static void test_limits_and_input(void **state)
{
	(void)state;
	char local[128], address[400];
	/* 64 octets of local part are allowed, 65 are not (RFC 5321 4.5.3.1.1). */
	expect_valid(repeat(address, 'a', 64, "@example.com"), "example.com", IDREG_EMAIL_NAME,
		     false);
	expect_invalid(repeat(address, 'a', 65, "@example.com"), IDREG_EMAIL_LOCAL_TOO_LONG, 64,
		       "65 octets");
	/* UTF-8 counts in octets: 32 two-octet characters fill 64 octets. */
	strcpy(local, "");
	for (int i = 0; i < 32; i++) {
		strcat(local, "é");
	}
	snprintf(address, sizeof(address), "%s@example.com", local);
	expect_valid(address, "example.com", IDREG_EMAIL_NAME, true);
	snprintf(address, sizeof(address), "%sé@example.com", local);
	expect_invalid(address, IDREG_EMAIL_LOCAL_TOO_LONG, 64, "66 octets");
	/* 254 octets in all: 64 + '@' + a domain of 63.63.61 (189 octets). */
	char domain[200];
	repeat(domain, 'b', 63, ".");
	repeat(domain + 64, 'c', 63, ".");
	repeat(domain + 128, 'd', 61, "");
	snprintf(address, sizeof(address), "%s@%s", repeat(local, 'a', 64, ""), domain);
	assert_int_equal(strlen(address), 254);
	expect_valid(address, domain, IDREG_EMAIL_NAME, false);
	snprintf(address, sizeof(address), "%s@%sd", local, domain);
	expect_invalid(address, IDREG_EMAIL_TOO_LONG, 254, "255 octets");
	/* Text that is not UTF-8, or holds a NUL. */
	expect_invalid("\xff@example.com", IDREG_EMAIL_NOT_UTF8, 0, "UTF-8");
	expect_invalid("\xc0\xaf@example.com", IDREG_EMAIL_NOT_UTF8, 0, "UTF-8");
	expect_invalid("\xed\xa0\x80@example.com", IDREG_EMAIL_NOT_UTF8, 0, "UTF-8");
	expect_invalid_n("a\0b@example.com", 15, IDREG_EMAIL_NOT_UTF8, 0, "NUL");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii_addresses),
		cmocka_unit_test(test_internationalized_addresses),
		cmocka_unit_test(test_address_literals),
		cmocka_unit_test(test_invalid_local_parts),
		cmocka_unit_test(test_invalid_domains),
		cmocka_unit_test(test_limits_and_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
