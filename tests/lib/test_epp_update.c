/*
 * Unit tests for the <domain:update> and <domain:delete> readers and their
 * secDNS-1.1 and rgp-1.0 extensions (lib/epp/domain_update.h): what a
 * well-formed command gives, and the code each kind of bad parameter gets
 * (RFC 5730 section 3, RFC 5910, RFC 3915); and what <domain:info> adds
 * (secDNS:infData, the rgp status running at a given time); and the store
 * ops these commands use, on a fresh registry.  Digests are written out here
 * by length (40, 64, 96 hex digits for 20, 32, 48 bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "epp/command.h"
#include "epp/domain_update.h"
#include "store/store.h"

static const struct idreg_epp_parse_limits limits = { 16, 512 };

#define EPP_OPEN "<?xml version=\"1.0\" encoding=\"UTF-8\"?><epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\">"
#define DOM "xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\""
#define SEC "xmlns:secDNS=\"urn:ietf:params:xml:ns:secDNS-1.1\""
#define RGP "xmlns:rgp=\"urn:ietf:params:xml:ns:rgp-1.0\""
#define UPDATE(body, ext)                                                                          \
	EPP_OPEN "<command><update><domain:update " DOM "><domain:name>example.cn</domain:name>"  \
	body "</domain:update></update>" ext "<clTRID>ABC-1</clTRID></command></epp>"
#define EXT(x) "<extension>" x "</extension>"
#define HEX20 "0123456789abcdef0123456789ABCDEF01234567"
#define HEX32 HEX20 "89ABCDEF0123456789ABCDEF"
#define HEX32_LOWER "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define HEX48 HEX32 "0123456789ABCDEF0123456789ABCDEF"
#define DS(tag, alg, type, digest)                                                                 \
	"<secDNS:dsData><secDNS:keyTag>" tag "</secDNS:keyTag><secDNS:alg>" alg "</secDNS:alg>"   \
	"<secDNS:digestType>" type "</secDNS:digestType><secDNS:digest>" digest                   \
	"</secDNS:digest></secDNS:dsData>"
#define SECDNS(x) "<secDNS:update " SEC ">" x "</secDNS:update>"

/* Parse @xml as a <domain:update>; the parser's code. */
static enum idreg_epp_code update(const char *xml, struct idreg_epp_domain_update *out,
				  struct idreg_epp_result *res)
{
	struct idreg_epp_command cmd;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, res), IDREG_EPP_OK);
	enum idreg_epp_code code = idreg_epp_domain_update_parse(&cmd, out, res);
	idreg_epp_command_free(&cmd);
	return code;
}

static enum idreg_epp_code update_code(const char *xml, const char *msg_part)
{
	static struct idreg_epp_domain_update out;
	struct idreg_epp_result res;
	enum idreg_epp_code code = update(xml, &out, &res);
	assert_int_equal(code, res.code);
	if (msg_part != NULL && strstr(res.msg, msg_part) == NULL) {
		fail_msg("message \"%s\" lacks \"%s\"", res.msg, msg_part);
	}
	return code;
}

static void test_full_update(void **state)
{
	(void)state;
	static struct idreg_epp_domain_update u;
	struct idreg_epp_result res;
	const char *xml = UPDATE(
		"<domain:add><domain:ns><domain:hostObj>ns1.example.cn</domain:hostObj>"
		"<domain:hostObj> ns2.example.net </domain:hostObj></domain:ns>"
		"<domain:contact type=\"tech\">C-TECH</domain:contact>"
		"<domain:status s=\"clientHold\" lang=\"en\">payment</domain:status></domain:add>"
		"<domain:rem><domain:contact type=\"admin\">C-ADM</domain:contact>"
		"<domain:status s=\"clientTransferProhibited\"/></domain:rem>"
		"<domain:chg><domain:registrant>C-NEW</domain:registrant>"
		"<domain:authInfo><domain:pw>2fooBAR</domain:pw></domain:authInfo></domain:chg>",
		EXT(SECDNS("<secDNS:rem>" DS("12345", "13", "2", HEX32) "</secDNS:rem>"
			   "<secDNS:add>" DS("1", "8", "1", HEX20) DS("65535", "15", "4", HEX48)
			   "</secDNS:add>")));
	assert_int_equal(update(xml, &u, &res), IDREG_EPP_OK);
	assert_string_equal(u.name, "example.cn");
	assert_int_equal(u.add.n_ns, 2);
	assert_string_equal(u.add.ns[1], "ns2.example.net");
	assert_int_equal(u.add.n_contacts, 1);
	assert_string_equal(u.add.contacts[0].handle, "C-TECH");
	assert_int_equal(u.add.contacts[0].role, IDREG_ROLE_TECHNICAL);
	assert_int_equal(u.add.status, 1u << IDREG_DS_CLIENT_HOLD);
	assert_int_equal(u.rem.contacts[0].role, IDREG_ROLE_ADMINISTRATIVE);
	assert_int_equal(u.rem.status, 1u << IDREG_DS_CLIENT_TRANSFER_PROHIBITED);
	assert_true(u.chg_registrant);
	assert_string_equal(u.registrant, "C-NEW");
	assert_true(u.chg_auth_info);
	assert_string_equal(u.auth_info, "2fooBAR");
	assert_true(u.secdns.present);
	assert_false(u.secdns.rem_all);
	assert_int_equal(u.secdns.rem.n, 1);
	assert_int_equal(u.secdns.rem.ds[0].key_tag, 12345);
	assert_int_equal(u.secdns.rem.ds[0].algorithm, 13);
	assert_int_equal(u.secdns.add.n, 2);
	/* Digests kept in upper case. */
	assert_string_equal(u.secdns.add.ds[0].digest, "0123456789ABCDEF0123456789ABCDEF01234567");
	assert_int_equal(u.secdns.add.ds[1].key_tag, 65535);
	assert_int_equal(u.secdns.add.ds[1].digest_type, 4);
	assert_int_equal(u.restore, IDREG_EPP_RESTORE_NONE);
}

static void test_null_and_empty(void **state)
{
	(void)state;
	static struct idreg_epp_domain_update u;
	struct idreg_epp_result res;
	assert_int_equal(update(UPDATE("<domain:chg><domain:registrant/><domain:authInfo>"
				       "<domain:null/></domain:authInfo></domain:chg>", ""),
				&u, &res),
			 IDREG_EPP_OK);
	assert_true(u.chg_registrant && u.chg_auth_info);
	assert_string_equal(u.registrant, "");
	assert_string_equal(u.auth_info, "");
	assert_int_equal(update_code(UPDATE("", ""), "changes nothing"), IDREG_EPP_MISSING_PARAM);
	assert_int_equal(update_code(UPDATE("<domain:add/><domain:chg/>", ""), "changes nothing"),
			 IDREG_EPP_MISSING_PARAM);
	assert_int_equal(update(UPDATE("", EXT(SECDNS("<secDNS:rem><secDNS:all>true</secDNS:all>"
						      "</secDNS:rem>"))), &u, &res),
			 IDREG_EPP_OK);
	assert_true(u.secdns.rem_all);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:rem><secDNS:all>false"
							   "</secDNS:all></secDNS:rem>"))), NULL),
			 IDREG_EPP_MISSING_PARAM);
}

static void test_structure(void **state)
{
	(void)state;
	/* Out of order, unknown elements, hostAttr, contact types, statuses. */
	assert_int_equal(update_code(UPDATE("<domain:chg><domain:registrant>C-1</domain:registrant>"
					    "</domain:chg><domain:add><domain:status s=\"clientHold\"/>"
					    "</domain:add>", ""), "order"),
			 IDREG_EPP_SYNTAX);
	assert_int_equal(update_code(UPDATE("<domain:add><domain:ns><domain:hostAttr><domain:hostName>"
					    "ns1.example.cn</domain:hostName></domain:hostAttr>"
					    "</domain:ns></domain:add>", ""), "hostObj"),
			 IDREG_EPP_UNIMPL_OPTION);
	assert_int_equal(update_code(UPDATE("<domain:add><domain:contact type=\"owner\">C-1"
					    "</domain:contact></domain:add>", ""), "owner"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("<domain:add><domain:contact>C-1</domain:contact>"
					    "</domain:add>", ""), "type"),
			 IDREG_EPP_MISSING_PARAM);
	assert_int_equal(update_code(UPDATE("<domain:add><domain:status s=\"addPeriod\"/>"
					    "</domain:add>", ""), "addPeriod"),
			 IDREG_EPP_PARAM_SYNTAX);
	/* Status values of RFC 5731 all read; whether one may be set is the handler's. */
	assert_int_equal(update_code(UPDATE("<domain:add><domain:status s=\"serverHold\"/>"
					    "</domain:add>", ""), NULL),
			 IDREG_EPP_OK);
	assert_int_equal(update_code(UPDATE("<domain:chg><domain:authInfo><domain:pw>abc</domain:pw>"
					    "</domain:authInfo></domain:chg>", ""), "characters"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("<domain:chg><domain:registrant>C1</domain:registrant>"
					    "</domain:chg>", ""), "2 characters"),
			 IDREG_EPP_PARAM_SYNTAX);
	/* 14 nameservers: one over RFC 5731's usual 13. */
	char xml[4096];
	char ns[2048] = "";
	for (int i = 0; i < 14; i++) {
		char one[96];
		snprintf(one, sizeof(one), "<domain:hostObj>ns%d.example.cn</domain:hostObj>", i);
		strcat(ns, one);
	}
	snprintf(xml, sizeof(xml), UPDATE("<domain:add><domain:ns>%s</domain:ns></domain:add>", ""),
		 ns);
	assert_int_equal(update_code(xml, "13"), IDREG_EPP_POLICY);
}

static void test_secdns(void **state)
{
	(void)state;
	/* Digest lengths against the type: SHA-1 with 32 bytes, SHA-256 with 20, SHA-384 with 32. */
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "1", HEX32)
							   "</secDNS:add>"))), "SHA-1"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "2", HEX20)
							   "</secDNS:add>"))), "SHA-256"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "4", HEX32)
							   "</secDNS:add>"))), "48"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "2", HEX32 "0")
							   "</secDNS:add>"))), "odd"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "2",
							   "XY" HEX32) "</secDNS:add>"))), "hex"),
			 IDREG_EPP_PARAM_SYNTAX);
	/* Numbers: a key tag over 65535, an algorithm that does not exist, one refused. */
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("65536", "8", "2", HEX32)
							   "</secDNS:add>"))), "65535"),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "9", "2", HEX32)
							   "</secDNS:add>"))), "algorithm"),
			 IDREG_EPP_PARAM_RANGE);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "1", "2", HEX32)
							   "</secDNS:add>"))), "RFC 8624"),
			 IDREG_EPP_POLICY);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "5", HEX32)
							   "</secDNS:add>"))), "digest type"),
			 IDREG_EPP_PARAM_RANGE);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "3", HEX32)
							   "</secDNS:add>"))), "GOST"),
			 IDREG_EPP_POLICY);
	/* keyData, maxSigLife, urgent. */
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add><secDNS:keyData><secDNS:flags>"
							   "257</secDNS:flags><secDNS:protocol>3"
							   "</secDNS:protocol><secDNS:alg>8</secDNS:alg>"
							   "<secDNS:pubKey>AQID</secDNS:pubKey>"
							   "</secDNS:keyData></secDNS:add>"))), "keyData"),
			 IDREG_EPP_POLICY);
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:chg><secDNS:maxSigLife>604800"
							   "</secDNS:maxSigLife></secDNS:chg>"))),
				     "maxSigLife"),
			 IDREG_EPP_UNIMPL_OPTION);
	assert_int_equal(update_code(UPDATE("", EXT("<secDNS:update " SEC " urgent=\"true\">"
						    "<secDNS:rem><secDNS:all>1</secDNS:all></secDNS:rem>"
						    "</secDNS:update>")), "urgent"),
			 IDREG_EPP_UNIMPL_OPTION);
	/* The same record twice (the digest in another case is the same digest). */
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>" DS("1", "8", "2", HEX32)
							   DS("1", "8", "2", HEX32_LOWER)
							   "</secDNS:add>"))), "twice"),
			 IDREG_EPP_POLICY);
	/* Nine DS records: one over the limit. */
	assert_int_equal(update_code(UPDATE("", EXT(SECDNS("<secDNS:add>"
		DS("1", "8", "2", HEX32) DS("2", "8", "2", HEX32) DS("3", "8", "2", HEX32)
		DS("4", "8", "2", HEX32) DS("5", "8", "2", HEX32) DS("6", "8", "2", HEX32)
		DS("7", "8", "2", HEX32) DS("8", "8", "2", HEX32) DS("9", "8", "2", HEX32)
		"</secDNS:add>"))), "at most 8"),
			 IDREG_EPP_POLICY);
}

static void test_restore(void **state)
{
	(void)state;
	static struct idreg_epp_domain_update u;
	struct idreg_epp_result res;
	assert_int_equal(update(UPDATE("<domain:chg/>", EXT("<rgp:update " RGP "><rgp:restore "
							    "op=\"request\"/></rgp:update>")),
				&u, &res),
			 IDREG_EPP_OK);
	assert_int_equal(u.restore, IDREG_EPP_RESTORE_REQUEST);
	const char *report =
		UPDATE("<domain:chg/>",
		       EXT("<rgp:update " RGP "><rgp:restore op=\"report\"><rgp:report>"
			   "<rgp:preData>before</rgp:preData><rgp:postData>after</rgp:postData>"
			   "<rgp:delTime>2026-11-01T22:00:00.0Z</rgp:delTime>"
			   "<rgp:resTime>2026-11-02T12:00:00Z</rgp:resTime>"
			   "<rgp:resReason>error</rgp:resReason><rgp:statement>one</rgp:statement>"
			   "<rgp:statement>two</rgp:statement></rgp:report></rgp:restore>"
			   "</rgp:update>"));
	assert_int_equal(update(report, &u, &res), IDREG_EPP_OK);
	assert_int_equal(u.restore, IDREG_EPP_RESTORE_REPORT);
	assert_int_equal(update_code(UPDATE("<domain:chg/>",
					    EXT("<rgp:update " RGP "><rgp:restore op=\"report\"/>"
						"</rgp:update>")), "report"),
			 IDREG_EPP_MISSING_PARAM);
	assert_int_equal(update_code(UPDATE("<domain:chg/>",
					    EXT("<rgp:update " RGP "><rgp:restore op=\"undo\"/>"
						"</rgp:update>")), "undo"),
			 IDREG_EPP_PARAM_SYNTAX);
	/* A restore with other changes. */
	assert_int_equal(update_code(UPDATE("<domain:add><domain:status s=\"clientHold\"/></domain:add>",
					    EXT("<rgp:update " RGP "><rgp:restore op=\"request\"/>"
						"</rgp:update>")), "restore"),
			 IDREG_EPP_POLICY);
	/* secDNS:create does not belong to an update. */
	assert_int_equal(update_code(UPDATE("<domain:chg/>", EXT("<secDNS:create " SEC ">"
					    DS("1", "8", "2", HEX32) "</secDNS:create>")), "update"),
			 IDREG_EPP_UNIMPL_EXTENSION);
}

static void test_delete_and_create(void **state)
{
	(void)state;
	const char *xml = EPP_OPEN "<command><delete><domain:delete " DOM "><domain:name>a.cn"
				   "</domain:name></domain:delete></delete><clTRID>ABC-2</clTRID>"
				   "</command></epp>";
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	idreg_epp_name name;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(idreg_epp_domain_delete_parse(&cmd, name, &res), IDREG_EPP_OK);
	assert_string_equal(name, "a.cn");
	idreg_epp_command_free(&cmd);
	xml = EPP_OPEN "<command><delete><domain:delete " DOM "/></delete></command></epp>";
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(idreg_epp_domain_delete_parse(&cmd, name, &res), IDREG_EPP_MISSING_PARAM);
	idreg_epp_command_free(&cmd);

	xml = EPP_OPEN "<command><create><domain:create " DOM "><domain:name>a.cn</domain:name>"
		       "</domain:create></create>"
		       EXT("<secDNS:create " SEC ">" DS("7", "13", "2", HEX32) "</secDNS:create>")
		       "</command></epp>";
	struct idreg_epp_ds_list ds;
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(idreg_epp_secdns_create_parse(cmd.extension, &ds, &res), IDREG_EPP_OK);
	assert_int_equal(ds.n, 1);
	assert_int_equal(ds.ds[0].key_tag, 7);
	idreg_epp_command_free(&cmd);
	assert_int_equal(idreg_epp_secdns_create_parse(NULL, &ds, &res), IDREG_EPP_OK);
	assert_int_equal(ds.n, 0);
	xml = EPP_OPEN "<command><create><domain:create " DOM "><domain:name>a.cn</domain:name>"
		       "</domain:create></create>"
		       EXT("<secDNS:create " SEC "><secDNS:maxSigLife>60</secDNS:maxSigLife>"
			   DS("7", "13", "2", HEX32) "</secDNS:create>")
		       "</command></epp>";
	assert_int_equal(idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res), IDREG_EPP_OK);
	assert_int_equal(idreg_epp_secdns_create_parse(cmd.extension, &ds, &res),
			 IDREG_EPP_UNIMPL_OPTION);
	idreg_epp_command_free(&cmd);
}

/* info's extensions: DS records, and the grace period running at a time
 * (pendingDelete only once the redemption period is over; pendingRestore
 * before the redemption period it interrupts). */
static void test_info_extensions(void **state)
{
	(void)state;
	const int64_t t = 1000000;
	struct idreg_ds ds = { 7, 13, 2, "AB" };
	struct idreg_grace grace[] = {
		{ IDREG_GRACE_REDEMPTION, t + 100 },
		{ IDREG_GRACE_PENDING_DELETE, t + 200 },
		{ IDREG_GRACE_PENDING_RESTORE, t + 50 },
	};
	struct idreg_prov_domain d;
	memset(&d, 0, sizeof(d));
	d.domain.ldh_name = "a.cn";
	d.domain.ds = &ds;
	d.domain.n_ds = 1;
	d.grace = grace;
	d.n_grace = 3;
	static const struct {
		int64_t at;
		const char *rgp;
	} cases[] = {
		{ t, "pendingRestore" },         /* the restore interrupts the redemption */
		{ t + 50, "redemptionPeriod" },  /* its report window over: redemption again */
		{ t + 100, "pendingDelete" },
		{ t + 200, NULL },               /* everything over */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct idreg_buf out;
		idreg_buf_init(&out, 4096);
		assert_int_equal(idreg_epp_domain_info_extensions(&d, cases[i].at, &out), IDREG_OK);
		assert_non_null(strstr(out.data, "<secDNS:infData xmlns:secDNS=\"urn:ietf:params:xml:ns:"
						 "secDNS-1.1\"><secDNS:dsData><secDNS:keyTag>7</secDNS:keyTag>"
						 "<secDNS:alg>13</secDNS:alg><secDNS:digestType>2"
						 "</secDNS:digestType><secDNS:digest>AB</secDNS:digest>"
						 "</secDNS:dsData></secDNS:infData>"));
		const char *rgp = strstr(out.data, "<rgp:rgpStatus");
		if (cases[i].rgp == NULL) {
			assert_null(rgp);
		} else {
			char want[64];
			snprintf(want, sizeof(want), "<rgp:rgpStatus s=\"%s\"/></rgp:infData>", cases[i].rgp);
			assert_non_null(rgp);
			assert_string_equal(rgp, want);
		}
		idreg_buf_free(&out);
	}
}

static idreg_err collect_links(void *ctx, const char *ldh_name, uint64_t other_domains)
{
	char *all = ctx;
	size_t len = strlen(all);
	snprintf(all + len, 256 - len, "%s=%llu;", ldh_name, (unsigned long long)other_domains);
	return IDREG_OK;
}

/* The store ops of this file's commands on a fresh registry: the subordinate
 * hosts of a domain with the other domains naming each, and a domain removed
 * with every row of it (its variants free again, other domains untouched). */
static void test_store_ops(void **state)
{
	(void)state;
	char dir[64] = "/tmp/idreg-test-update-XXXXXX", path[128];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/reg.db", dir);
	struct idreg_store_options o = { .backend = "sqlite", .path = path, .busy_timeout_ms = 1000,
					 .create = true };
	struct idreg_store *s = NULL;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_OK);
	const struct idreg_store_ops *ops = s->ops;
	assert_int_equal(ops->begin(s, &d), IDREG_OK);
	struct idreg_host h1 = { "ns1.a.example", "ns1.a.example", NULL, NULL, 0 };
	struct idreg_host h2 = { "ns2.a.example", "ns2.a.example", NULL, NULL, 0 };
	struct idreg_host h3 = { "ns1.aa.example", "ns1.aa.example", NULL, NULL, 0 };
	const struct idreg_host *hp[] = { &h1, &h2, &h3 };
	int64_t host_id = 0, a_id = 0, b_id = 0, c_id = 0;
	assert_int_equal(ops->host_insert(s, hp, 3, &host_id, &d), IDREG_OK);
	const char *ns_a[] = { "ns1.a.example", "ns2.a.example" };
	int64_t ids_a[] = { host_id, host_id + 1 };
	struct idreg_grace grace[] = { { IDREG_GRACE_REDEMPTION, 1800000000 } };
	struct idreg_variant variants[] = { { "xn--a-b.example", "a-b.example",
					      IDREG_VARIANT_RESERVED } };
	struct idreg_ds ds[] = { { 1, 13, 2, "AB" } };
	struct idreg_prov_domain a = {
		.domain = { .ldh_name = "a.example", .unicode_name = "a.example",
			    .status = 1u << IDREG_DS_PENDING_DELETE, .registered = 1700000000,
			    .expires = 1731536000, .last_changed = IDREG_TIME_NONE, .ds = ds,
			    .n_ds = 1, .nameservers = ns_a, .n_ns = 2 },
		.host_ids = ids_a, .sponsor = "clientA", .transferred = IDREG_TIME_NONE,
		.grace = grace, .n_grace = 1, .variants = variants, .n_variants = 1,
	};
	assert_int_equal(ops->prov_domain_insert(s, &a, &a_id, &d), IDREG_OK);
	/* b.example and c.example both name ns1.a.example; c also ns1.aa.example. */
	struct idreg_prov_domain b = a;
	b.domain.ldh_name = b.domain.unicode_name = "b.example";
	b.domain.n_ns = 1;
	b.n_grace = b.n_variants = 0;
	assert_int_equal(ops->prov_domain_insert(s, &b, &b_id, &d), IDREG_OK);
	const char *ns_c[] = { "ns1.a.example", "ns1.aa.example" };
	int64_t ids_c[] = { host_id, host_id + 2 };
	struct idreg_prov_domain c = b;
	c.domain.ldh_name = c.domain.unicode_name = "c.example";
	c.domain.nameservers = ns_c;
	c.host_ids = ids_c;
	c.domain.n_ns = 2;
	assert_int_equal(ops->prov_domain_insert(s, &c, &c_id, &d), IDREG_OK);

	char links[256] = "";
	assert_int_equal(ops->prov_subordinate_links(s, "a.example", a_id, collect_links, links, &d),
			 IDREG_OK);
	assert_string_equal(links, "ns1.a.example=2;ns2.a.example=0;");
	links[0] = '\0';
	assert_int_equal(ops->prov_subordinate_links(s, "a.example", b_id, collect_links, links, &d),
			 IDREG_OK);
	assert_string_equal(links, "ns1.a.example=2;ns2.a.example=1;");

	assert_int_equal(ops->prov_domain_delete(s, a_id, &d), IDREG_OK);
	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024, 0);
	struct idreg_prov_domain out;
	struct idreg_variant_of of;
	assert_int_equal(ops->prov_domain_get(s, "a.example", &arena, &out, &d), IDREG_ENOTFOUND);
	assert_int_equal(ops->prov_variant_get(s, "xn--a-b.example", &arena, &of, &d),
			 IDREG_ENOTFOUND);
	assert_int_equal(ops->prov_domain_delete(s, a_id, &d), IDREG_ENOTFOUND);
	assert_int_equal(ops->prov_domain_get(s, "b.example", &arena, &out, &d), IDREG_OK);
	assert_int_equal(out.domain.n_ds, 1);
	assert_int_equal(out.domain.n_ns, 1);
	/* The name is free: a domain of that name can be inserted again. */
	assert_int_equal(ops->prov_domain_insert(s, &a, &a_id, &d), IDREG_OK);
	ops->rollback(s);
	idreg_arena_free(&arena);
	idreg_store_close(s);
	char cmd[200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_update),
		cmocka_unit_test(test_null_and_empty),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_secdns),
		cmocka_unit_test(test_restore),
		cmocka_unit_test(test_delete_and_create),
		cmocka_unit_test(test_info_extensions),
		cmocka_unit_test(test_store_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
