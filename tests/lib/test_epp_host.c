/*
 * Unit tests for the EPP host body parser (lib/epp/host.h): each command's
 * body read into its struct -- names lowered, addresses by kind in the
 * order given, statuses as bits -- and each refusal with its RFC 5730 code
 * and a message that names what is wrong: structure (2001), a missing part
 * (2003), a name or address of the wrong form or a U-label (2005), what no
 * client may ask (2306).  Expected values are written here from the RFCs
 * and the commands, not taken from the parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "domains/domain.h"
#include "epp/command.h"
#include "epp/host.h"

static const struct idreg_epp_parse_limits limits = { 16, 512 };

#define HOST "xmlns:host=\"urn:ietf:params:xml:ns:host-1.0\""
#define CMD(verb, body)                                                                        \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?><epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\">" \
	"<command><" verb "><host:" verb " " HOST ">" body "</host:" verb "></" verb ">"          \
	"<clTRID>T-1</clTRID></command></epp>"

/* Parse @xml (a valid EPP command) and its host body; the body's code. */
static enum idreg_epp_code parse(const char *xml, struct idreg_epp_host_command *out,
				 struct idreg_epp_result *res)
{
	struct idreg_epp_command cmd;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, res), IDREG_EPP_OK);
	assert_int_equal(cmd.object, IDREG_EPP_OBJ_HOST);
	enum idreg_epp_code code = idreg_epp_host_parse(&cmd, out, res);
	assert_int_equal(code, res->code);
	idreg_epp_command_free(&cmd);
	return code;
}

/* One command's struct at a time (large; static, so a failed assertion leaks nothing). */
static struct idreg_epp_host_command *host_command(void)
{
	static struct idreg_epp_host_command hc;
	return &hc;
}

/* @xml is refused with @code and a message containing @words. */
static void refused(const char *xml, enum idreg_epp_code code, const char *words)
{
	struct idreg_epp_host_command *hc = host_command();
	struct idreg_epp_result res;
	assert_int_equal(parse(xml, hc, &res), code);
	if (strstr(res.msg, words) == NULL) {
		fail_msg("message \"%s\" does not say \"%s\"", res.msg, words);
	}
}

static void test_check(void **state)
{
	(void)state;
	struct idreg_epp_host_command *hc = host_command();
	struct idreg_epp_result res;
	assert_int_equal(parse(CMD("check", "<host:name>NS1.Example.COM</host:name>"
					    "<host:name> ns2.xn--bcher-kva.example </host:name>"),
			       hc, &res),
			 IDREG_EPP_OK);
	assert_int_equal(hc->n_check, 2);
	assert_string_equal(hc->check_names[0], "ns1.example.com");
	assert_string_equal(hc->check_names[1], "ns2.xn--bcher-kva.example");
	/* 32 names are allowed, 33 are not (IDREG_EPP_CHECK_MAX, as domain:check). */
	char xml[8192], names[4096] = "";
	for (int i = 0; i < 33; i++) {
		char one[64];
		snprintf(one, sizeof(one), "<host:name>ns%d.example.com</host:name>", i);
		strcat(names, one);
	}
	snprintf(xml, sizeof(xml), CMD("check", "%s"), names);
	refused(xml, IDREG_EPP_POLICY, "at most 32 names");
	refused(CMD("check", ""), IDREG_EPP_MISSING_PARAM, "names no <host:name>");
	refused(CMD("check", "<host:addr>192.0.2.1</host:addr>"), IDREG_EPP_SYNTAX,
		"<host:check> holds <addr>");
}

static void test_names(void **state)
{
	(void)state;
	refused(CMD("info", "<host:name>ns1.bücher.example</host:name>"), IDREG_EPP_PARAM_SYNTAX,
		"RFC 5732 asks for the A-label form ns1.xn--bcher-kva.example");
	refused(CMD("info", "<host:name>ns_1.example.com</host:name>"), IDREG_EPP_PARAM_SYNTAX,
		"is not a host name");
	refused(CMD("info", "<host:name>-ns.example.com</host:name>"), IDREG_EPP_PARAM_SYNTAX,
		"is not a host name");
	refused(CMD("info", "<host:name>localhost</host:name>"), IDREG_EPP_PARAM_SYNTAX,
		"not a fully qualified host name");
	/* xn--abc-: Punycode that does not decode to a valid U-label. */
	refused(CMD("info", "<host:name>ns.xn--a.example</host:name>"), IDREG_EPP_PARAM_SYNTAX,
		"is not a host name");
	refused(CMD("info", ""), IDREG_EPP_MISSING_PARAM, "begins with <host:name>");
	refused(CMD("delete", "<host:name>ns1.example.com</host:name><host:name>x.example</host:name>"),
		IDREG_EPP_SYNTAX, "<host:delete> holds <name>");
	struct idreg_epp_host_command *hc = host_command();
	struct idreg_epp_result res;
	assert_int_equal(parse(CMD("delete", "<host:name>NS1.xn--BCHER-KVA.Example</host:name>"), hc,
			       &res),
			 IDREG_EPP_OK);
	assert_string_equal(hc->name.ascii, "ns1.xn--bcher-kva.example");
	assert_string_equal(hc->name.unicode, "ns1.bücher.example");
}

static void test_create(void **state)
{
	(void)state;
	struct idreg_epp_host_command *hc = host_command();
	struct idreg_epp_result res;
	assert_int_equal(parse(CMD("create", "<host:name>ns1.example.com</host:name>"
					     "<host:addr ip=\"v6\">2001:DB8::1</host:addr>"
					     "<host:addr>192.0.2.2</host:addr>"
					     "<host:addr ip=\"v4\">198.51.100.1</host:addr>"),
			       hc, &res),
			 IDREG_EPP_OK);
	assert_string_equal(hc->name.ascii, "ns1.example.com");
	assert_int_equal(hc->addrs.n, 3);
	assert_int_equal(hc->addrs.ip[0].type, IDREG_RES_IPV6);
	assert_true(hc->addrs.ip[0].value == (((idreg_u128)0x20010db8u << 96) | 1));
	assert_int_equal(hc->addrs.ip[1].type, IDREG_RES_IPV4);
	assert_true(hc->addrs.ip[1].value == 0xC0000202u); /* 192.0.2.2 */
	assert_true(hc->addrs.ip[2].value == 0xC6336401u); /* 198.51.100.1 */

	refused(CMD("create", "<host:name>ns1.example.com</host:name><host:addr ip=\"v6\">192.0.2.1</host:addr>"),
		IDREG_EPP_PARAM_SYNTAX, "192.0.2.1 is not an IPv6 address");
	refused(CMD("create", "<host:name>ns1.example.com</host:name><host:addr>2001:db8::1</host:addr>"),
		IDREG_EPP_PARAM_SYNTAX, "2001:db8::1 is not an IPv4 address");
	refused(CMD("create", "<host:name>ns1.example.com</host:name><host:addr ip=\"v5\">192.0.2.1</host:addr>"),
		IDREG_EPP_PARAM_SYNTAX, "ip is v4 or v6");
	refused(CMD("create", "<host:name>ns1.example.com</host:name><host:addr>192.0.2.300</host:addr>"),
		IDREG_EPP_PARAM_SYNTAX, "192.0.2.300 is not an IP address");
	static const struct {
		const char *addr, *why;
	} bad[] = {
		{ "<host:addr>0.0.0.0</host:addr>", "unspecified" },
		{ "<host:addr>0.1.2.3</host:addr>", "unspecified" },
		{ "<host:addr>127.0.0.1</host:addr>", "loopback" },
		{ "<host:addr>127.255.0.9</host:addr>", "loopback" },
		{ "<host:addr>224.0.0.1</host:addr>", "multicast" },
		{ "<host:addr>239.255.255.255</host:addr>", "multicast" },
		{ "<host:addr>169.254.1.1</host:addr>", "link-local" },
		{ "<host:addr ip=\"v6\">::</host:addr>", "unspecified" },
		{ "<host:addr ip=\"v6\">::1</host:addr>", "loopback" },
		{ "<host:addr ip=\"v6\">ff02::1</host:addr>", "multicast" },
		{ "<host:addr ip=\"v6\">fe80::1</host:addr>", "link-local" },
		{ "<host:addr ip=\"v6\">febf::1</host:addr>", "link-local" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char xml[1024];
		snprintf(xml, sizeof(xml), CMD("create", "<host:name>ns1.example.com</host:name>%s"),
			 bad[i].addr);
		refused(xml, IDREG_EPP_POLICY, bad[i].why);
	}
	/* Next to the refused ranges: accepted. */
	static const char *const good[] = {
		"<host:addr>1.0.0.0</host:addr>", "<host:addr>126.255.255.255</host:addr>",
		"<host:addr>128.0.0.0</host:addr>", "<host:addr>223.255.255.255</host:addr>",
		"<host:addr>240.0.0.1</host:addr>", "<host:addr>169.253.255.255</host:addr>",
		"<host:addr ip=\"v6\">::2</host:addr>", "<host:addr ip=\"v6\">fec0::1</host:addr>",
		"<host:addr ip=\"v6\">fe7f::1</host:addr>", "<host:addr ip=\"v6\">feff::1</host:addr>",
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char xml[1024];
		snprintf(xml, sizeof(xml), CMD("create", "<host:name>ns1.example.com</host:name>%s"),
			 good[i]);
		hc = host_command();
		if (parse(xml, hc, &res) != IDREG_EPP_OK) {
			fail_msg("%s refused: %s", good[i], res.msg);
		}
	}
	refused(CMD("create", "<host:name>ns1.example.com</host:name><host:addr>192.0.2.1</host:addr>"
			      "<host:addr ip=\"v4\">192.0.2.1</host:addr>"),
		IDREG_EPP_POLICY, "192.0.2.1 is given twice");
	char xml[4096], addrs[2048] = "";
	for (int i = 1; i <= 17; i++) {
		char one[64];
		snprintf(one, sizeof(one), "<host:addr>192.0.2.%d</host:addr>", i);
		strcat(addrs, one);
	}
	snprintf(xml, sizeof(xml), CMD("create", "<host:name>ns1.example.com</host:name>%s"), addrs);
	refused(xml, IDREG_EPP_POLICY, "more than 16 addresses");
	refused(CMD("create", "<host:name>ns1.example.com</host:name><host:status s=\"ok\"/>"),
		IDREG_EPP_SYNTAX, "<host:create> holds <status>");
}

static void test_update(void **state)
{
	(void)state;
	struct idreg_epp_host_command *hc = host_command();
	struct idreg_epp_result res;
	assert_int_equal(
		parse(CMD("update", "<host:name>ns1.example.com</host:name>"
				    "<host:add><host:addr>192.0.2.2</host:addr>"
				    "<host:status s=\"clientUpdateProhibited\" lang=\"en\">locked</host:status>"
				    "<host:status s=\"clientDeleteProhibited\"/></host:add>"
				    "<host:rem><host:addr ip=\"v6\">2001:db8::1</host:addr></host:rem>"
				    "<host:chg><host:name>NS2.example.com</host:name></host:chg>"),
		      hc, &res),
		IDREG_EPP_OK);
	assert_int_equal(hc->add_addrs.n, 1);
	assert_true(hc->add_addrs.ip[0].value == 0xC0000202u);
	assert_int_equal(hc->rem_addrs.n, 1);
	assert_int_equal(hc->rem_addrs.ip[0].type, IDREG_RES_IPV6);
	assert_int_equal(hc->add_status, 1u << IDREG_DS_CLIENT_UPDATE_PROHIBITED |
						 1u << IDREG_DS_CLIENT_DELETE_PROHIBITED);
	assert_int_equal(hc->rem_status, 0);
	assert_true(hc->rename);
	assert_string_equal(hc->new_name.ascii, "ns2.example.com");

	hc = host_command();
	assert_int_equal(parse(CMD("update", "<host:name>ns1.example.com</host:name>"
					     "<host:rem><host:status s=\"clientDeleteProhibited\"/></host:rem>"),
			       hc, &res),
			 IDREG_EPP_OK);
	assert_int_equal(hc->rem_status, 1u << IDREG_DS_CLIENT_DELETE_PROHIBITED);
	assert_false(hc->rename);

#define NS1 "<host:name>ns1.example.com</host:name>"
	refused(CMD("update", NS1), IDREG_EPP_MISSING_PARAM, "names no change");
	refused(CMD("update", NS1 "<host:add/>"), IDREG_EPP_MISSING_PARAM, "<host:add> is empty");
	refused(CMD("update", NS1 "<host:chg/>"), IDREG_EPP_MISSING_PARAM, "<host:chg> without <host:name>");
	refused(CMD("update", NS1 "<host:rem><host:addr>192.0.2.1</host:addr></host:rem>"
				  "<host:add><host:addr>192.0.2.2</host:addr></host:add>"),
		IDREG_EPP_SYNTAX, "in that order");
	refused(CMD("update", NS1 "<host:add><host:status s=\"clientHold\"/></host:add>"),
		IDREG_EPP_PARAM_SYNTAX, "clientHold is not a status of hosts");
	refused(CMD("update", NS1 "<host:add><host:status s=\"serverUpdateProhibited\"/></host:add>"),
		IDREG_EPP_POLICY, "serverUpdateProhibited is set by the registry");
	refused(CMD("update", NS1 "<host:add><host:status s=\"linked\"/></host:add>"),
		IDREG_EPP_POLICY, "linked is set by the server");
	refused(CMD("update", NS1 "<host:add><host:status/></host:add>"), IDREG_EPP_MISSING_PARAM,
		"without its s attribute");
	refused(CMD("update", NS1 "<host:add><host:status s=\"clientDeleteProhibited\"/>"
				  "<host:addr>192.0.2.1</host:addr></host:add>"),
		IDREG_EPP_SYNTAX, "addresses, then statuses");
	refused(CMD("update", NS1 "<host:add><host:addr>192.0.2.1</host:addr></host:add>"
				  "<host:rem><host:addr>192.0.2.1</host:addr></host:rem>"),
		IDREG_EPP_POLICY, "both added and removed");
	refused(CMD("update", NS1 "<host:add><host:status s=\"clientDeleteProhibited\"/></host:add>"
				  "<host:rem><host:status s=\"clientDeleteProhibited\"/></host:rem>"),
		IDREG_EPP_POLICY, "both added and removed");
	refused(CMD("update", NS1 "<host:chg><host:name>ns2.bücher.example</host:name></host:chg>"),
		IDREG_EPP_PARAM_SYNTAX, "A-label form ns2.xn--bcher-kva.example");
}

static void test_roid(void **state)
{
	(void)state;
	char roid[32];
	idreg_epp_host_roid(42, roid, sizeof(roid));
	assert_string_equal(roid, "H42-IDREG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_roid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
