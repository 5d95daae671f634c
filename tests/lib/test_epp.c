/*
 * Unit tests for lib/epp: the RFC 5734 frame header at its edges (short
 * reads, lengths 0 to 5, the size limit, a header of all ones), the command
 * parser's verdict for each result code it gives (RFC 5730 section 3) with
 * the clTRID kept for the answer, and the responses: a result written out
 * compared with the text written here by hand, and the greeting and results
 * validated against the EPP schemas of $IDREG_SHARED/data/epp-xsd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "epp/command.h"
#include "epp/domain.h"
#include "epp/frame.h"
#include "epp/response.h"

static const struct idreg_epp_parse_limits limits = { 16, 256 };

#define EPP_OPEN "<?xml version=\"1.0\" encoding=\"UTF-8\"?><epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\">"
#define EPP_CLOSE "</epp>"
#define CMD(body, trid) EPP_OPEN "<command>" body "<clTRID>" trid "</clTRID></command>" EPP_CLOSE
#define LOGIN_BODY(clid, pw, version, lang, svcs)                                                  \
	"<login><clID>" clid "</clID><pw>" pw "</pw><options><version>" version "</version>"      \
	"<lang>" lang "</lang></options><svcs>" svcs "</svcs></login>"
#define DOMAIN_OBJ "<objURI>urn:ietf:params:xml:ns:domain-1.0</objURI>"

static void test_frame_peek(void **state)
{
	(void)state;
	size_t total = 99;
	assert_int_equal(idreg_epp_frame_peek("\0\0", 2, 100, &total, NULL), IDREG_OK);
	assert_int_equal(total, 0);
	/* Lengths 0 to 4 hold no message. */
	for (unsigned char n = 0; n <= 4; n++) {
		char h[4] = { 0, 0, 0, (char)n };
		assert_int_equal(idreg_epp_frame_peek(h, 4, 100, &total, NULL), IDREG_EPARSE);
	}
	/* Length 5: one byte of message; complete only once it is there. */
	assert_int_equal(idreg_epp_frame_peek("\0\0\0\x05", 4, 100, &total, NULL), IDREG_OK);
	assert_int_equal(total, 0);
	assert_int_equal(idreg_epp_frame_peek("\0\0\0\x05<x", 6, 100, &total, NULL), IDREG_OK);
	assert_int_equal(total, 5);
	/* 0x00000164 = 356: over a limit of 355, at a limit of 356. */
	struct idreg_diag diag;
	assert_int_equal(idreg_epp_frame_peek("\0\0\x01\x64", 4, 355, &total, &diag), IDREG_ETOOBIG);
	assert_non_null(strstr(diag.text, "356"));
	assert_int_equal(idreg_epp_frame_peek("\0\0\x01\x64", 4, 356, &total, NULL), IDREG_OK);
	assert_int_equal(total, 0);
	assert_int_equal(idreg_epp_frame_peek("\xff\xff\xff\xff", 4, 65536, &total, NULL),
			 IDREG_ETOOBIG);
}

static void test_frame_write(void **state)
{
	(void)state;
	struct idreg_buf buf;
	idreg_buf_init(&buf, 1024);
	idreg_buf_puts(&buf, "ab");
	size_t start;
	assert_int_equal(idreg_epp_frame_begin(&buf, &start), IDREG_OK);
	assert_int_equal(start, 2);
	char body[300];
	memset(body, 'x', sizeof(body));
	idreg_buf_append(&buf, body, sizeof(body));
	assert_int_equal(idreg_epp_frame_end(&buf, start, 1000), IDREG_OK);
	/* 4 + 300 = 304 = 0x130 */
	assert_memory_equal(buf.data + 2, "\0\0\x01\x30", 4);
	assert_int_equal(buf.len, 2 + 304);
	size_t total;
	assert_int_equal(idreg_epp_frame_peek(buf.data + 2, buf.len - 2, 1000, &total, NULL), IDREG_OK);
	assert_int_equal(total, 304);
	/* Over the limit: the frame is taken back. */
	assert_int_equal(idreg_epp_frame_begin(&buf, &start), IDREG_OK);
	idreg_buf_append(&buf, body, sizeof(body));
	assert_int_equal(idreg_epp_frame_end(&buf, start, 303), IDREG_ETOOBIG);
	assert_int_equal(buf.len, 2 + 304);
	idreg_buf_free(&buf);
}

/* Parse @xml; expect @code, and the clTRID @trid ("" none). */
static void expect(const char *xml, enum idreg_epp_code code, const char *trid)
{
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	enum idreg_epp_code got = idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res);
	if (got != code) {
		fail_msg("%s\n  gave %d (%s), not %d", xml, (int)got, res.msg, (int)code);
	}
	assert_int_equal(res.code, code);
	assert_true(res.msg[0] != '\0');
	assert_string_equal(cmd.cltrid, trid);
	idreg_epp_command_free(&cmd);
}

static void test_parse_hello_and_login(void **state)
{
	(void)state;
	expect(EPP_OPEN "<hello/>" EPP_CLOSE, IDREG_EPP_OK, "");
	const char *xml = CMD(LOGIN_BODY(" ClientX ", "foo-BAR2", "1.0", "en",
					 DOMAIN_OBJ "<objURI>urn:ietf:params:xml:ns:host-1.0</objURI>"),
			      "ABC-12345");
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(cmd.kind, IDREG_EPP_COMMAND);
	assert_int_equal(cmd.verb, IDREG_EPP_LOGIN);
	assert_string_equal(cmd.login.clid, "ClientX");
	assert_string_equal(cmd.login.pw, "foo-BAR2");
	assert_string_equal(cmd.login.new_pw, "");
	assert_int_equal(cmd.login.objects, 1u << IDREG_EPP_OBJ_DOMAIN | 1u << IDREG_EPP_OBJ_HOST);
	assert_string_equal(cmd.cltrid, "ABC-12345");
	idreg_epp_command_free(&cmd);
	/* clTRID is optional (RFC 5730 commandType). */
	expect(EPP_OPEN "<command><logout/></command>" EPP_CLOSE, IDREG_EPP_OK, "");
}

static void test_parse_errors(void **state)
{
	(void)state;
	/* 2001: not XML, not EPP's root or namespace, a DTD, too deep, stray text. */
	expect("<epp", IDREG_EPP_SYNTAX, "");
	expect("", IDREG_EPP_SYNTAX, "");
	expect("<epp><hello/></epp>", IDREG_EPP_SYNTAX, "");
	expect("<?xml version=\"1.0\"?><foo xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><hello/></foo>",
	       IDREG_EPP_SYNTAX, "");
	expect("<!DOCTYPE epp [<!ENTITY a \"b\">]>" "<epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><hello/></epp>",
	       IDREG_EPP_SYNTAX, "");
	expect(EPP_OPEN "<hello><a><b><c><d><e><f><g><h><i><j><k><l><m><n><o><p><q/></p></o></n></m>"
	       "</l></k></j></i></h></g></f></e></d></c></b></a></hello>" EPP_CLOSE,
	       IDREG_EPP_SYNTAX, "");
	expect(EPP_OPEN "text<hello/>" EPP_CLOSE, IDREG_EPP_SYNTAX, "");
	expect(EPP_OPEN "<greeting/>" EPP_CLOSE, IDREG_EPP_SYNTAX, "");
	expect(EPP_OPEN "<hello/><hello/>" EPP_CLOSE, IDREG_EPP_SYNTAX, "");
	expect(CMD("<logout/><logout/>", "T-1"), IDREG_EPP_SYNTAX, "T-1");
	expect(CMD("<logout>x</logout>", "T-1b"), IDREG_EPP_SYNTAX, "T-1b");
	/* 2000: no such command; its clTRID is still echoed. */
	expect(CMD("<frobnicate/>", "T-2"), IDREG_EPP_UNKNOWN_COMMAND, "T-2");
	/* 2003: required parts missing. */
	expect(CMD("<login><clID>ClientX</clID><options><version>1.0</version><lang>en</lang></options>"
		   "<svcs>" DOMAIN_OBJ "</svcs></login>", "T-3"), IDREG_EPP_MISSING_PARAM, "T-3");
	expect(CMD("<transfer><domain:transfer xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\"/>"
		   "</transfer>", "T-4"), IDREG_EPP_MISSING_PARAM, "T-4");
	expect(CMD("<poll op=\"ack\"/>", "T-5"), IDREG_EPP_MISSING_PARAM, "T-5");
	expect(CMD("<check/>", "T-5b"), IDREG_EPP_MISSING_PARAM, "T-5b");
	/* 2005: values of the wrong form. */
	expect(CMD(LOGIN_BODY("ab", "foo-BAR2", "1.0", "en", DOMAIN_OBJ), "T-6"),
	       IDREG_EPP_PARAM_SYNTAX, "T-6");
	expect(CMD(LOGIN_BODY("ClientX", "short", "1.0", "en", DOMAIN_OBJ), "T-7"),
	       IDREG_EPP_PARAM_SYNTAX, "T-7");
	expect(CMD(LOGIN_BODY("ClientX", "seventeen-chars-x", "1.0", "en", DOMAIN_OBJ), "T-8"),
	       IDREG_EPP_PARAM_SYNTAX, "T-8");
	expect(CMD("<poll op=\"fetch\"/>", "T-9"), IDREG_EPP_PARAM_SYNTAX, "T-9");
	expect(EPP_OPEN "<command><logout/><clTRID>ab</clTRID></command>" EPP_CLOSE,
	       IDREG_EPP_PARAM_SYNTAX, "");
	/* 2100, 2102: version and language not offered. */
	expect(CMD(LOGIN_BODY("ClientX", "foo-BAR2", "2.0", "en", DOMAIN_OBJ), "T-10"),
	       IDREG_EPP_UNIMPL_VERSION, "T-10");
	expect(CMD(LOGIN_BODY("ClientX", "foo-BAR2", "1.0", "fr", DOMAIN_OBJ), "T-11"),
	       IDREG_EPP_UNIMPL_OPTION, "T-11");
	/* 2307: object service not offered, at login and in a command. */
	expect(CMD(LOGIN_BODY("ClientX", "foo-BAR2", "1.0", "en",
			      "<objURI>urn:example:widget-1.0</objURI>"), "T-12"),
	       IDREG_EPP_UNIMPL_SERVICE, "T-12");
	expect(CMD("<info><w:info xmlns:w=\"urn:example:widget-1.0\"/></info>", "T-13"),
	       IDREG_EPP_UNIMPL_SERVICE, "T-13");
	/* 2103: extensions not offered (secDNS-1.0, replaced by 1.1 in RFC 5910). */
	expect(CMD(LOGIN_BODY("ClientX", "foo-BAR2", "1.0", "en",
			      DOMAIN_OBJ "<svcExtension><extURI>urn:ietf:params:xml:ns:secDNS-1.0"
			      "</extURI></svcExtension>"), "T-14"),
	       IDREG_EPP_UNIMPL_EXTENSION, "T-14");
	expect(EPP_OPEN "<command><check><domain:check xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\">"
	       "<domain:name>a.example</domain:name></domain:check></check><extension>"
	       "<x:y xmlns:x=\"urn:example:ext\"/></extension><clTRID>T-15</clTRID></command>" EPP_CLOSE,
	       IDREG_EPP_UNIMPL_EXTENSION, "T-15");
	expect(EPP_OPEN "<extension><x:y xmlns:x=\"urn:example:ext\"/></extension>" EPP_CLOSE,
	       IDREG_EPP_UNIMPL_EXTENSION, "");
}

static void test_parse_object_commands(void **state)
{
	(void)state;
	const char *xml = CMD("<transfer op=\"request\"><domain:transfer "
			      "xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\"><domain:name>a.example"
			      "</domain:name></domain:transfer></transfer>", "T-20");
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(cmd.verb, IDREG_EPP_TRANSFER);
	assert_int_equal(cmd.object, IDREG_EPP_OBJ_DOMAIN);
	assert_string_equal(cmd.op, "request");
	assert_string_equal((const char *)cmd.body->name, "transfer");
	idreg_epp_command_free(&cmd);
	xml = CMD("<poll op=\"ack\" msgID=\"12345\"/>", "T-21");
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(cmd.verb, IDREG_EPP_POLL);
	assert_string_equal(cmd.msg_id, "12345");
	idreg_epp_command_free(&cmd);
	xml = CMD("<info><contact:info xmlns:contact=\"urn:ietf:params:xml:ns:contact-1.0\">"
		  "<contact:id>sh8013</contact:id></contact:info></info>", "T-22");
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(cmd.verb, IDREG_EPP_INFO);
	assert_int_equal(cmd.object, IDREG_EPP_OBJ_CONTACT);
	idreg_epp_command_free(&cmd);
	/* The object element must be the command's own. */
	expect(CMD("<info><host:check xmlns:host=\"urn:ietf:params:xml:ns:host-1.0\"/></info>", "T-23"),
	       IDREG_EPP_SYNTAX, "T-23");
}

static void test_result_text(void **state)
{
	(void)state;
	struct idreg_buf buf;
	idreg_buf_init(&buf, 4096);
	assert_int_equal(idreg_epp_write_result(&buf, IDREG_EPP_USE, "a <b> & \"c\"", NULL, "ABC-1",
						"SV-9", 65536), IDREG_OK);
	const char *want =
		"<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n"
		"<epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><response><result code=\"2002\">"
		"<msg>a &lt;b&gt; &amp; &quot;c&quot;</msg></result><trID><clTRID>ABC-1</clTRID>"
		"<svTRID>SV-9</svTRID></trID></response></epp>\n";
	assert_int_equal(buf.len, 4 + strlen(want));
	assert_int_equal((unsigned char)buf.data[2] * 256 + (unsigned char)buf.data[3], buf.len);
	assert_string_equal(buf.data + 4, want);
	idreg_buf_clear(&buf);
	/* No clTRID: none echoed; RFC 5730's message when none is given. */
	assert_int_equal(idreg_epp_write_result(&buf, IDREG_EPP_OK_ENDING, NULL, NULL, "", "SV-10", 65536),
			 IDREG_OK);
	assert_non_null(strstr(buf.data + 4, "<result code=\"1500\"><msg>Command completed "
				"successfully; ending session</msg></result><trID><svTRID>SV-10<"));
	/* Over the frame limit: nothing written. */
	idreg_buf_clear(&buf);
	assert_int_equal(idreg_epp_write_result(&buf, IDREG_EPP_OK, NULL, NULL, "", "SV-11", 100),
			 IDREG_ETOOBIG);
	assert_int_equal(buf.len, 0);
	idreg_buf_free(&buf);
}

/* Validate one frame's XML against epp-1.0.xsd. */
static void validate(xmlSchemaPtr schema, const char *xml, size_t len)
{
	xmlDocPtr doc = xmlReadMemory(xml, (int)len, NULL, NULL, XML_PARSE_NONET);
	assert_non_null(doc);
	xmlSchemaValidCtxtPtr vctxt = xmlSchemaNewValidCtxt(schema);
	int rc = xmlSchemaValidateDoc(vctxt, doc);
	if (rc != 0) {
		fail_msg("not valid EPP: %.*s", (int)len, xml);
	}
	xmlSchemaFreeValidCtxt(vctxt);
	xmlFreeDoc(doc);
}

static void test_schema_valid(void **state)
{
	(void)state;
	const char *shared = getenv("IDREG_SHARED");
	char dir[1024], path[1100], wrapper[4096];
	snprintf(dir, sizeof(dir), "%s/data/epp-xsd", shared ? shared : "");
	snprintf(path, sizeof(path), "%s/epp-1.0.xsd", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		skip();
	}
	fclose(f);
	/* epp-1.0.xsd imports eppcom without a location: import both here. */
	snprintf(wrapper, sizeof(wrapper),
		 "<schema xmlns=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:idreg:test\">"
		 "<import namespace=\"urn:ietf:params:xml:ns:eppcom-1.0\" schemaLocation=\"%s/eppcom-1.0.xsd\"/>"
		 "<import namespace=\"urn:ietf:params:xml:ns:epp-1.0\" schemaLocation=\"%s/epp-1.0.xsd\"/>"
		 "</schema>", dir, dir);
	xmlSchemaParserCtxtPtr pctxt = xmlSchemaNewMemParserCtxt(wrapper, (int)strlen(wrapper));
	xmlSchemaPtr schema = xmlSchemaParse(pctxt);
	assert_non_null(schema);
	struct idreg_buf buf;
	idreg_buf_init(&buf, 65536);
	assert_int_equal(idreg_epp_write_greeting(&buf, "idreg test server", 1700000000, 65536),
			 IDREG_OK);
	assert_non_null(strstr(buf.data + 4, "<svDate>2023-11-14T22:13:20.0Z</svDate>"));
	validate(schema, buf.data + 4, buf.len - 4);
	static const enum idreg_epp_code codes[] = { IDREG_EPP_OK, IDREG_EPP_SYNTAX, IDREG_EPP_AUTH,
						     IDREG_EPP_SESSION_LIMIT };
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		idreg_buf_clear(&buf);
		assert_int_equal(idreg_epp_write_result(&buf, codes[i], NULL, NULL, i % 2 ? "CL-1" : "",
							"SV-1", 65536), IDREG_OK);
		validate(schema, buf.data + 4, buf.len - 4);
	}
	idreg_buf_free(&buf);
	xmlSchemaFree(schema);
	xmlSchemaFreeParserCtxt(pctxt);
}

/* A registry holding names that start with "taken"; "fail.example" cannot be told. */
static idreg_err fake_avail(void *ctx, const char *name, struct idreg_epp_availability *out,
			    struct idreg_diag *diag)
{
	(void)ctx;
	if (strcmp(name, "fail.example") == 0) {
		return idreg_diag_set(diag, IDREG_ESTORE, "store down");
	}
	out->avail = strncmp(name, "taken", 5) != 0;
	snprintf(out->reason, sizeof(out->reason), "%s", out->avail ? "" : "In use");
	return IDREG_OK;
}

#define DOMAIN_CHECK(names) CMD("<check><domain:check xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\">" \
				names "</domain:check></check>", "T-30")

/* Parse @xml and answer its domain:check; the code, and the resData in @out. */
static enum idreg_epp_code domain_check(const char *xml, struct idreg_buf *out)
{
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	idreg_buf_clear(out);
	enum idreg_epp_code code = idreg_epp_domain_check(&cmd, fake_avail, NULL, out, &res);
	assert_int_equal(code, res.code);
	idreg_epp_command_free(&cmd);
	return code;
}

static void test_domain_check(void **state)
{
	(void)state;
	struct idreg_buf out;
	idreg_buf_init(&out, 65536);
	assert_int_equal(domain_check(DOMAIN_CHECK("<domain:name> taken.example </domain:name>"
						   "<domain:name>a&amp;b.example</domain:name>"), &out),
			 IDREG_EPP_OK);
	assert_string_equal(out.data,
			    "<domain:chkData xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\">"
			    "<domain:cd><domain:name avail=\"0\">taken.example</domain:name>"
			    "<domain:reason>In use</domain:reason></domain:cd>"
			    "<domain:cd><domain:name avail=\"1\">a&amp;b.example</domain:name></domain:cd>"
			    "</domain:chkData>");
	assert_int_equal(domain_check(DOMAIN_CHECK(""), &out), IDREG_EPP_MISSING_PARAM);
	assert_int_equal(domain_check(DOMAIN_CHECK("<domain:authInfo/>"), &out), IDREG_EPP_SYNTAX);
	assert_int_equal(domain_check(DOMAIN_CHECK("<domain:name></domain:name>"), &out),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(domain_check(DOMAIN_CHECK("<domain:name>fail.example</domain:name>"), &out),
			 IDREG_EPP_FAILED);
	/* 32 names are answered, 33 are too many. */
	char names[40 * 40] = "", xml[4096];
	for (int i = 0; i < 33; i++) {
		char one[40];
		snprintf(one, sizeof(one), "<domain:name>n%d.example</domain:name>", i);
		strcat(names, one);
		if (i == 31) {
			snprintf(xml, sizeof(xml), DOMAIN_CHECK("%s"), names);
			assert_int_equal(domain_check(xml, &out), IDREG_EPP_OK);
		}
	}
	snprintf(xml, sizeof(xml), DOMAIN_CHECK("%s"), names);
	assert_int_equal(domain_check(xml, &out), IDREG_EPP_POLICY);
	idreg_buf_free(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_peek),
		cmocka_unit_test(test_frame_write),
		cmocka_unit_test(test_parse_hello_and_login),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_parse_object_commands),
		cmocka_unit_test(test_result_text),
		cmocka_unit_test(test_schema_valid),
		cmocka_unit_test(test_domain_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
