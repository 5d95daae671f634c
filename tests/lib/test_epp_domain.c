/*
 * Unit tests for the EPP domain body readers (lib/epp/domain_parse.c):
 * create, info and renew commands written here by hand, read through the
 * command parser, then each reader's struct compared field by field with
 * what the XML says, and each refusal's code (RFC 5730 section 3) and the
 * element its message names.  Also the provisioned domain's history text
 * (lib/provision/domain.h): no authInfo password in it, a tag that changes
 * with it, and the TLD defaults and durations (lib/provision/tld.h); and
 * the store's provisioning ops on a fresh SQLite registry: a domain written
 * and read back whole, a second one refused, its variant rows found by name,
 * an update replacing grace periods and variants, subordinate hosts, TLDs
 * and reserved labels.
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

#include "epp/command.h"
#include "epp/domain.h"
#include "provision/domain.h"
#include "provision/tld.h"
#include "store/store.h"

static const struct idreg_epp_parse_limits limits = { 16, 256 };

#define EPP_OPEN "<?xml version=\"1.0\" encoding=\"UTF-8\"?><epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\">"
#define D "xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\""
#define CMD(verb, body, ext)                                                                  \
	EPP_OPEN "<command><" verb "><domain:" verb " " D ">" body "</domain:" verb "></" verb ">" \
		 ext "<clTRID>T-1</clTRID></command></epp>"
#define AUTH "<domain:authInfo><domain:pw>secret-1</domain:pw></domain:authInfo>"
#define REG "<domain:registrant>R-ONE</domain:registrant>"
#define IDN(inner) "<extension><idn:data xmlns:idn=\"urn:ietf:params:xml:ns:idn-1.0\">" inner \
		   "</idn:data></extension>"

/* Parse @xml as a command; the reader's code, @res holding its message. */
static enum idreg_epp_code read_create(const char *xml, struct idreg_epp_domain_create *out,
				       struct idreg_epp_result *res)
{
	struct idreg_epp_command cmd;
	enum idreg_epp_code code = idreg_epp_parse(xml, strlen(xml), &limits, &cmd, res);
	if (code == IDREG_EPP_OK) {
		code = idreg_epp_domain_parse_create(&cmd, out, res);
	}
	idreg_epp_command_free(&cmd);
	return code;
}

static enum idreg_epp_code read_info(const char *xml, struct idreg_epp_domain_info *out,
				     struct idreg_epp_result *res)
{
	struct idreg_epp_command cmd;
	enum idreg_epp_code code = idreg_epp_parse(xml, strlen(xml), &limits, &cmd, res);
	if (code == IDREG_EPP_OK) {
		code = idreg_epp_domain_parse_info(&cmd, out, res);
	}
	idreg_epp_command_free(&cmd);
	return code;
}

static enum idreg_epp_code read_renew(const char *xml, struct idreg_epp_domain_renew *out,
				      struct idreg_epp_result *res)
{
	struct idreg_epp_command cmd;
	enum idreg_epp_code code = idreg_epp_parse(xml, strlen(xml), &limits, &cmd, res);
	if (code == IDREG_EPP_OK) {
		code = idreg_epp_domain_parse_renew(&cmd, out, res);
	}
	idreg_epp_command_free(&cmd);
	return code;
}

static void test_create_full(void **state)
{
	(void)state;
	struct idreg_epp_domain_create c;
	struct idreg_epp_result res;
	const char *xml = CMD("create",
			      "<domain:name>中国.中国</domain:name>"
			      "<domain:period unit=\"m\">24</domain:period>"
			      "<domain:ns><domain:hostObj>ns1.example.net</domain:hostObj>"
			      "<domain:hostObj> ns2.example.net </domain:hostObj></domain:ns>" REG
			      "<domain:contact type=\"admin\">R-ADM</domain:contact>"
			      "<domain:contact type=\"tech\">R-TECH</domain:contact>"
			      "<domain:contact type=\"billing\">R-BILL</domain:contact>" AUTH,
			      IDN("<idn:table>zh-cn</idn:table><idn:uname>中国.中国</idn:uname>"));
	assert_int_equal(read_create(xml, &c, &res), IDREG_EPP_OK);
	assert_string_equal(c.name, "中国.中国");
	assert_int_equal(c.period.count, 24);
	assert_int_equal(c.period.unit, 'm');
	assert_int_equal(c.n_ns, 2);
	assert_string_equal(c.ns[0], "ns1.example.net");
	assert_string_equal(c.ns[1], "ns2.example.net");
	assert_string_equal(c.registrant, "R-ONE");
	assert_int_equal(c.n_contacts, 3);
	assert_string_equal(c.contacts[0].handle, "R-ADM");
	assert_int_equal(c.contacts[0].role, IDREG_ROLE_ADMINISTRATIVE);
	assert_int_equal(c.contacts[1].role, IDREG_ROLE_TECHNICAL);
	assert_int_equal(c.contacts[2].role, IDREG_ROLE_BILLING);
	assert_string_equal(c.pw, "secret-1");
	assert_string_equal(c.idn_table, "zh-cn");
	assert_string_equal(c.idn_uname, "中国.中国");

	/* The least a create can say: no period, hosts, contacts or extension. */
	assert_int_equal(read_create(CMD("create", "<domain:name>a.example</domain:name>" REG AUTH, ""),
				     &c, &res),
			 IDREG_EPP_OK);
	assert_int_equal(c.period.count, 0);
	assert_int_equal(c.n_ns + c.n_contacts, 0);
	assert_string_equal(c.idn_table, "");
}

/* Each wrong create: the code, and a word its message must hold. */
static void test_create_refused(void **state)
{
	(void)state;
	static const struct {
		const char *xml;
		enum idreg_epp_code code;
		const char *says;
	} cases[] = {
		{ CMD("create", "<domain:name>a.example</domain:name>" AUTH, ""),
		  IDREG_EPP_MISSING_PARAM, "registrant" },
		{ CMD("create", "<domain:name>a.example</domain:name>" REG, ""),
		  IDREG_EPP_MISSING_PARAM, "authInfo" },
		{ CMD("create", REG "<domain:name>a.example</domain:name>" AUTH, ""),
		  IDREG_EPP_SYNTAX, "must begin with <domain:name>" },
		{ CMD("create", "<domain:name>a.example</domain:name>" AUTH REG, ""),
		  IDREG_EPP_SYNTAX, "registrant> out of place" },
		{ CMD("create", "<domain:name>a.example</domain:name><domain:period unit=\"y\">0"
				"</domain:period>" REG AUTH, ""),
		  IDREG_EPP_PARAM_SYNTAX, "not 1 to 99" },
		{ CMD("create", "<domain:name>a.example</domain:name><domain:period unit=\"d\">1"
				"</domain:period>" REG AUTH, ""),
		  IDREG_EPP_PARAM_SYNTAX, "unit" },
		{ CMD("create", "<domain:name>a.example</domain:name><domain:period unit=\"y\">1x"
				"</domain:period>" REG AUTH, ""),
		  IDREG_EPP_PARAM_SYNTAX, "no number" },
		{ CMD("create", "<domain:name>a.example</domain:name><domain:ns><domain:hostAttr>"
				"<domain:hostName>ns.a.example</domain:hostName></domain:hostAttr>"
				"</domain:ns>" REG AUTH, ""),
		  IDREG_EPP_UNIMPL_OPTION, "hostAttr" },
		{ CMD("create", "<domain:name>a.example</domain:name><domain:ns><domain:hostObj>"
				"ns.b.net</domain:hostObj><domain:hostObj>ns.b.net</domain:hostObj>"
				"</domain:ns>" REG AUTH, ""),
		  IDREG_EPP_PARAM_SYNTAX, "given twice" },
		{ CMD("create", "<domain:name>a.example</domain:name>" REG
				"<domain:contact type=\"owner\">R-X</domain:contact>" AUTH, ""),
		  IDREG_EPP_PARAM_SYNTAX, "admin, billing or tech" },
		{ CMD("create", "<domain:name>a.example</domain:name><domain:registrant>R"
				"</domain:registrant>" AUTH, ""),
		  IDREG_EPP_PARAM_SYNTAX, "not 3 to 16" },
		{ CMD("create", "<domain:name>a.example</domain:name>" REG "<domain:authInfo>"
				"<domain:pw>short</domain:pw></domain:authInfo>", ""),
		  IDREG_EPP_PARAM_SYNTAX, "not 6 to 64" },
		{ CMD("create", "<domain:name>a.example</domain:name>" REG "<domain:authInfo>"
				"<domain:ext><x/></domain:ext></domain:authInfo>", ""),
		  IDREG_EPP_UNIMPL_OPTION, "domain:ext" },
		{ CMD("create", "<domain:name>a.example</domain:name>" REG AUTH,
		      IDN("<idn:uname>a.example</idn:uname>")),
		  IDREG_EPP_MISSING_PARAM, "idn:table" },
		{ CMD("create", "<domain:name>a.example</domain:name>" REG AUTH,
		      "<extension><rgp:update xmlns:rgp=\"urn:ietf:params:xml:ns:rgp-1.0\">"
		      "<rgp:restore op=\"request\"/></rgp:update></extension>"),
		  IDREG_EPP_UNIMPL_EXTENSION, "takes no <update>" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct idreg_epp_domain_create c;
		struct idreg_epp_result res;
		enum idreg_epp_code code = read_create(cases[i].xml, &c, &res);
		if (code != cases[i].code || strstr(res.msg, cases[i].says) == NULL) {
			fail_msg("case %zu: %d \"%s\", expected %d with \"%s\"", i, (int)code, res.msg,
				 (int)cases[i].code, cases[i].says);
		}
	}
	/* Thirteen nameservers at most, eight contacts. */
	char xml[8192];
	size_t at = (size_t)snprintf(xml, sizeof(xml), EPP_OPEN "<command><create><domain:create "
					D "><domain:name>a.example</domain:name><domain:ns>");
	for (int i = 0; i < IDREG_EPP_DOMAIN_NS_MAX + 1; i++) {
		at += (size_t)snprintf(xml + at, sizeof(xml) - at,
				       "<domain:hostObj>ns%d.b.net</domain:hostObj>", i);
	}
	snprintf(xml + at, sizeof(xml) - at, "</domain:ns>" REG AUTH "</domain:create></create>"
					     "<clTRID>T-1</clTRID></command></epp>");
	struct idreg_epp_domain_create c;
	struct idreg_epp_result res;
	assert_int_equal(read_create(xml, &c, &res), IDREG_EPP_POLICY);
	assert_non_null(strstr(res.msg, "at most 13 nameservers"));
}

static void test_info(void **state)
{
	(void)state;
	struct idreg_epp_domain_info in;
	struct idreg_epp_result res;
	assert_int_equal(read_info(CMD("info", "<domain:name>a.example</domain:name>", ""), &in, &res),
			 IDREG_EPP_OK);
	assert_string_equal(in.name, "a.example");
	assert_int_equal(in.hosts, IDREG_EPP_HOSTS_ALL);
	assert_false(in.has_pw);
	assert_int_equal(read_info(CMD("info", "<domain:name hosts=\"sub\">a.example</domain:name>" AUTH,
				       ""),
				   &in, &res),
			 IDREG_EPP_OK);
	assert_int_equal(in.hosts, IDREG_EPP_HOSTS_SUB);
	assert_true(in.has_pw);
	assert_string_equal(in.pw, "secret-1");
	assert_int_equal(read_info(CMD("info", "<domain:name hosts=\"some\">a.example</domain:name>", ""),
				   &in, &res),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(read_info(CMD("info", "<domain:name>a.example</domain:name>" REG, ""), &in, &res),
			 IDREG_EPP_SYNTAX);
	assert_int_equal(read_info(CMD("info", "<domain:name></domain:name>", ""), &in, &res),
			 IDREG_EPP_PARAM_SYNTAX);
}

static void test_renew(void **state)
{
	(void)state;
	struct idreg_epp_domain_renew r;
	struct idreg_epp_result res;
	assert_int_equal(read_renew(CMD("renew", "<domain:name>a.example</domain:name><domain:curExpDate>"
						 "2027-02-28</domain:curExpDate><domain:period "
						 "unit=\"y\">3</domain:period>", ""),
				    &r, &res),
			 IDREG_EPP_OK);
	assert_string_equal(r.name, "a.example");
	/* 2027-02-28T00:00:00Z: 57 years of 365 days, 14 leap days (1972..2024), 58 days. */
	assert_int_equal(r.cur_exp_date, ((int64_t)57 * 365 + 14 + 31 + 27) * 86400);
	assert_int_equal(r.period.count, 3);
	assert_int_equal(read_renew(CMD("renew", "<domain:name>a.example</domain:name><domain:curExpDate>"
						 "2027-02-30</domain:curExpDate>", ""),
				    &r, &res),
			 IDREG_EPP_PARAM_SYNTAX);
	assert_int_equal(read_renew(CMD("renew", "<domain:name>a.example</domain:name>", ""), &r, &res),
			 IDREG_EPP_MISSING_PARAM);
	assert_int_equal(read_renew(CMD("renew", "<domain:name>a.example</domain:name><domain:curExpDate>"
						 "2027-02-28</domain:curExpDate><domain:period "
						 "unit=\"y\">1</domain:period><domain:period unit=\"y\">1"
						 "</domain:period>", ""),
				    &r, &res),
			 IDREG_EPP_SYNTAX);
}

static void test_history_text(void **state)
{
	(void)state;
	const char *ns[] = { "ns1.example.net" };
	struct idreg_domain_contact contacts[] = { { "R-ONE", 1u << IDREG_ROLE_REGISTRANT } };
	int64_t ids[] = { 7 };
	struct idreg_grace grace[] = { { IDREG_GRACE_ADD, 432000 } };
	struct idreg_variant variants[] = { { "xn--fiq228c.example", "中國.example",
					      IDREG_VARIANT_RESERVED } };
	struct idreg_prov_domain d = {
		.id = 12,
		.domain = { .ldh_name = "xn--fiqs8s.example", .unicode_name = "中国.example",
			    .status = 1u << IDREG_DS_OK, .registered = 0, .expires = 31536000,
			    .last_changed = IDREG_TIME_NONE, .nameservers = ns, .n_ns = 1,
			    .contacts = contacts, .n_contacts = 1 },
		.host_ids = ids, .entity_ids = ids, .sponsor = "clientA", .creator = "clientA",
		.transferred = IDREG_TIME_NONE, .auth_info = "very-secret-1", .idn_table = "zh-cn",
		.grace = grace, .n_grace = 1, .variants = variants, .n_variants = 1,
	};
	struct idreg_buf a, b;
	idreg_buf_init(&a, 8192);
	idreg_buf_init(&b, 8192);
	assert_int_equal(idreg_prov_domain_format(&d, &a), IDREG_OK);
	assert_null(strstr(a.data, "very-secret-1"));
	assert_non_null(strstr(a.data, "\"sponsor\":\"clientA\""));
	assert_non_null(strstr(a.data, "\"grace\":[{\"period\":\"addPeriod\",\"ends\":\"1970-01-06T00:00:00Z\"}]"));
	assert_non_null(strstr(a.data, "\"variants\":[{\"name\":\"xn--fiq228c.example\",\"state\":\"reserved\"}]"));
	assert_non_null(strstr(a.data, "\"auth_info_tag\":\""));
	d.auth_info = "very-secret-2";
	assert_int_equal(idreg_prov_domain_format(&d, &b), IDREG_OK);
	assert_string_not_equal(a.data, b.data);
	char roid[32];
	idreg_prov_domain_roid(&d, roid, sizeof(roid));
	assert_string_equal(roid, "D12-IDREG");
	assert_string_equal(idreg_prov_domain_registrant(&d), "R-ONE");
	assert_int_equal(idreg_prov_domain_grace_end(&d, IDREG_GRACE_ADD), 432000);
	assert_int_equal(idreg_prov_domain_grace_end(&d, IDREG_GRACE_RENEW), IDREG_TIME_NONE);
	idreg_buf_free(&a);
	idreg_buf_free(&b);
}

static void test_tld_settings(void **state)
{
	(void)state;
	struct idreg_tld t;
	idreg_tld_defaults(&t);
	assert_int_equal(t.min_years, 1);
	assert_int_equal(t.max_years, 10);
	assert_int_equal(t.periods[IDREG_TLD_AUTORENEW_GRACE], 45 * 86400);
	assert_int_equal(t.periods[IDREG_TLD_REDEMPTION], 30 * 86400);
	int64_t v = 0;
	struct idreg_diag diag;
	assert_int_equal(idreg_duration_parse("36h", &v, &diag), IDREG_OK);
	assert_int_equal(v, 36 * 3600);
	assert_int_equal(idreg_duration_parse("5", &v, &diag), IDREG_EPARSE);
	assert_int_equal(idreg_duration_parse("d", &v, &diag), IDREG_EPARSE);
	assert_int_equal(idreg_duration_parse("99999999999999999999d", &v, &diag), IDREG_EPARSE);
	char text[32];
	idreg_duration_format(90 * 60, text, sizeof(text));
	assert_string_equal(text, "90m");
	idreg_duration_format(2 * 86400, text, sizeof(text));
	assert_string_equal(text, "2d");
	t.idn_tables = "zh-cn,zh-tw";
	assert_true(idreg_tld_has_idn_table(&t, "zh-tw"));
	assert_false(idreg_tld_has_idn_table(&t, "zh"));
	assert_false(idreg_tld_has_idn_table(&t, ""));
	t.default_years = 11;
	assert_int_equal(idreg_tld_check(&t, &diag), IDREG_EINVAL);
}

static idreg_err collect(void *ctx, const char *name)
{
	char *all = ctx;
	size_t len = strlen(all);
	snprintf(all + len, 256 - len, "%s;", name);
	return IDREG_OK;
}

/* A fresh registry in a temporary directory. */
static struct idreg_store *fresh_store(char *dir, size_t size, char *path, size_t path_size)
{
	snprintf(dir, size, "/tmp/idreg-test-prov-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, path_size, "%s/reg.db", dir);
	struct idreg_store_options o = { .backend = "sqlite", .path = path, .busy_timeout_ms = 1000,
					 .create = true };
	struct idreg_store *s = NULL;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_OK);
	return s;
}

static void test_store_ops(void **state)
{
	(void)state;
	char dir[64], path[128];
	struct idreg_store *s = fresh_store(dir, sizeof(dir), path, sizeof(path));
	const struct idreg_store_ops *ops = s->ops;
	struct idreg_diag d = { "" };
	assert_int_equal(ops->begin(s, &d), IDREG_OK);
	/* A contact and two hosts, one under the domain. */
	struct idreg_entity e = { .handle = "R-ONE", .kind = IDREG_KIND_ORG, .fields = { "One Ltd" } };
	const struct idreg_entity *ep = &e;
	struct idreg_host h1 = { "ns1.example.net", "ns1.example.net", NULL, NULL, 0 };
	struct idreg_host h2 = { "ns1.xn--fiqs8s.example", "ns1.中国.example", NULL, NULL, 0 };
	const struct idreg_host *hp[] = { &h1, &h2 };
	int64_t entity_id = 0, host_id = 0, id = 0;
	assert_int_equal(ops->entity_insert(s, &ep, 1, &entity_id, &d), IDREG_OK);
	assert_int_equal(ops->host_insert(s, hp, 2, &host_id, &d), IDREG_OK);
	int64_t found = 0;
	assert_int_equal(ops->prov_entity_id(s, "R-ONE", &found, &d), IDREG_OK);
	assert_int_equal(found, entity_id);
	assert_int_equal(ops->prov_host_id(s, "ns1.example.net", &found, &d), IDREG_OK);
	assert_int_equal(found, host_id);
	assert_int_equal(ops->prov_host_id(s, "ns9.example.net", &found, &d), IDREG_ENOTFOUND);

	const char *ns[] = { "ns1.example.net" };
	struct idreg_domain_contact contacts[] = {
		{ "R-ONE", (1u << IDREG_ROLE_REGISTRANT) | (1u << IDREG_ROLE_TECHNICAL) } };
	struct idreg_grace grace[] = { { IDREG_GRACE_ADD, 1800000000 } };
	struct idreg_variant variants[] = {
		{ "xn--fiq228c.example", "中國.example", IDREG_VARIANT_RESERVED },
		{ "xn--fiq80y.example", "中囯.example", IDREG_VARIANT_BLOCKED } };
	struct idreg_ds ds[] = { { 12345, 13, 2, "ABCDEF" } };
	struct idreg_prov_domain in = {
		.domain = { .ldh_name = "xn--fiqs8s.example", .unicode_name = "中国.example",
			    .status = 1u << IDREG_DS_OK, .registered = 1700000000,
			    .expires = 1731536000, .last_changed = IDREG_TIME_NONE, .ds = ds,
			    .n_ds = 1, .nameservers = ns, .n_ns = 1, .contacts = contacts,
			    .n_contacts = 1 },
		.host_ids = &host_id, .entity_ids = &entity_id, .sponsor = "clientA",
		.creator = "clientA", .transferred = IDREG_TIME_NONE, .auth_info = "secret-1",
		.idn_table = "zh-cn", .grace = grace, .n_grace = 1, .variants = variants,
		.n_variants = 2, .index_key = "中囯.example", .skeleton_key = "中国.example",
	};
	assert_int_equal(ops->prov_domain_insert(s, &in, &id, &d), IDREG_OK);
	assert_int_equal(ops->prov_domain_insert(s, &in, &found, &d), IDREG_EEXIST);

	struct idreg_arena arena;
	idreg_arena_init(&arena, 1024, 0);
	struct idreg_prov_domain out;
	assert_int_equal(ops->prov_domain_get(s, "xn--fiqs8s.example", &arena, &out, &d), IDREG_OK);
	assert_int_equal(out.id, id);
	assert_string_equal(out.domain.unicode_name, "中国.example");
	assert_int_equal(out.domain.status, 1u << IDREG_DS_OK);
	assert_int_equal(out.domain.registered, 1700000000);
	assert_int_equal(out.domain.expires, 1731536000);
	assert_int_equal(out.domain.last_changed, IDREG_TIME_NONE);
	assert_int_equal(out.domain.n_ds, 1);
	assert_string_equal(out.domain.ds[0].digest, "ABCDEF");
	assert_int_equal(out.domain.n_ns, 1);
	assert_string_equal(out.domain.nameservers[0], "ns1.example.net");
	assert_int_equal(out.host_ids[0], host_id);
	assert_int_equal(out.domain.n_contacts, 1);
	assert_string_equal(out.domain.contacts[0].handle, "R-ONE");
	assert_int_equal(out.domain.contacts[0].roles, contacts[0].roles);
	assert_int_equal(out.entity_ids[0], entity_id);
	assert_string_equal(out.sponsor, "clientA");
	assert_null(out.updater);
	assert_int_equal(out.transferred, IDREG_TIME_NONE);
	assert_string_equal(out.auth_info, "secret-1");
	assert_string_equal(out.idn_table, "zh-cn");
	assert_int_equal(out.n_grace, 1);
	assert_int_equal(out.grace[0].ends, 1800000000);
	assert_int_equal(out.n_variants, 2);
	assert_string_equal(out.variants[0].ldh_name, "xn--fiq228c.example");
	assert_int_equal(out.variants[1].state, IDREG_VARIANT_BLOCKED);
	assert_string_equal(out.index_key, "中囯.example");
	assert_int_equal(ops->prov_domain_get(s, "nosuch.example", &arena, &out, &d), IDREG_ENOTFOUND);

	/* A variant row names its domain and the registrant. */
	struct idreg_variant_of of;
	assert_int_equal(ops->prov_variant_get(s, "xn--fiq228c.example", &arena, &of, &d), IDREG_OK);
	assert_int_equal(of.domain_id, id);
	assert_string_equal(of.domain_unicode_name, "中国.example");
	assert_string_equal(of.domain_sponsor, "clientA");
	assert_string_equal(of.registrant, "R-ONE");
	assert_int_equal(of.state, IDREG_VARIANT_RESERVED);
	assert_int_equal(ops->prov_variant_get(s, "xn--fiqs8s.example", &arena, &of, &d),
			 IDREG_ENOTFOUND);
	/* Another domain claiming the same variant row: EEXIST. */
	struct idreg_prov_domain other = in;
	other.domain.ldh_name = "other.example";
	other.domain.unicode_name = "other.example";
	other.n_variants = 1;
	assert_int_equal(ops->prov_domain_insert(s, &other, &found, &d), IDREG_EEXIST);

	/* Update: a transfer date, a renew grace period, one variant fewer. */
	struct idreg_grace renewed[] = { { IDREG_GRACE_RENEW, 1810000000 } };
	struct idreg_prov_domain changed = out;
	changed.transferred = 1750000000;
	changed.updater = "clientB";
	changed.grace = renewed;
	changed.variants = &variants[1];
	changed.n_variants = 1;
	assert_int_equal(ops->prov_domain_update(s, &changed, &d), IDREG_OK);
	assert_int_equal(ops->prov_domain_get(s, "xn--fiqs8s.example", &arena, &out, &d), IDREG_OK);
	assert_int_equal(out.transferred, 1750000000);
	assert_string_equal(out.updater, "clientB");
	assert_int_equal(out.n_grace, 1);
	assert_int_equal(out.grace[0].period, IDREG_GRACE_RENEW);
	assert_int_equal(out.n_variants, 1);
	assert_int_equal(ops->prov_variant_get(s, "xn--fiq228c.example", &arena, &of, &d),
			 IDREG_ENOTFOUND);

	/* Subordinate hosts: by name under the domain, not a suffix of a label. */
	char subs[256] = "";
	assert_int_equal(ops->prov_subordinate_each(s, "xn--fiqs8s.example", collect, subs, &d),
			 IDREG_OK);
	assert_string_equal(subs, "ns1.xn--fiqs8s.example;");
	subs[0] = '\0';
	assert_int_equal(ops->prov_subordinate_each(s, "s8s.example", collect, subs, &d), IDREG_OK);
	assert_string_equal(subs, "");

	/* TLDs and reserved labels. */
	struct idreg_tld tld;
	idreg_tld_defaults(&tld);
	tld.name = "example";
	tld.unicode_name = "example";
	assert_int_equal(ops->tld_put(s, &tld, true, &d), IDREG_OK);
	assert_true(tld.id > 0);
	assert_int_equal(ops->tld_put(s, &tld, true, &d), IDREG_EEXIST);
	struct idreg_tld got;
	assert_int_equal(ops->tld_get(s, "example", &arena, &got, &d), IDREG_OK);
	assert_int_equal(got.id, tld.id);
	assert_int_equal(got.periods[IDREG_TLD_AUTORENEW_GRACE], 45 * 86400);
	struct idreg_tld_reserved r = { "example", "nic", "operations" };
	assert_int_equal(ops->tld_reserve(s, &r, &d), IDREG_OK);
	assert_int_equal(ops->tld_reserve(s, &r, &d), IDREG_EEXIST);
	const char *reason = NULL;
	assert_int_equal(ops->tld_reserved_get(s, "example", "nic", &arena, &reason, &d), IDREG_OK);
	assert_string_equal(reason, "operations");
	assert_int_equal(ops->tld_unreserve(s, "example", "nic", &d), IDREG_OK);
	assert_int_equal(ops->tld_unreserve(s, "example", "nic", &d), IDREG_ENOTFOUND);
	assert_int_equal(ops->tld_get(s, "nosuch", &arena, &got, &d), IDREG_ENOTFOUND);
	ops->rollback(s);
	idreg_arena_free(&arena);
	idreg_store_close(s);
	unlink(path);
	char wal[160];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", path);
	unlink(wal);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_full),
		cmocka_unit_test(test_create_refused),
		cmocka_unit_test(test_info),
		cmocka_unit_test(test_renew),
		cmocka_unit_test(test_history_text),
		cmocka_unit_test(test_tld_settings),
		cmocka_unit_test(test_store_ops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
