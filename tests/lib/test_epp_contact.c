/*
 * Unit tests for the EPP contact body reader (lib/epp/contact.h): a full
 * create read into its parts (both postal forms, a number with its
 * extension, an internationalized email, authInfo, disclose), an update's
 * statuses and partial <chg>, check's bounds, and each refusal's code and
 * the element its message names; the status names both ways; and the
 * store's contact functions on a registry in a temporary directory (found
 * ignoring case, provisioning columns written and read back, an imported
 * entity's defaults, domains linked counted once each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>
#include <unistd.h>

#include "domains/domain.h"
#include "epp/command.h"
#include "epp/contact.h"
#include "store/store.h"

#define EPP_OPEN "<?xml version=\"1.0\" encoding=\"UTF-8\"?><epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><command>"
#define EPP_CLOSE "<clTRID>T-1</clTRID></command></epp>"
#define NS "xmlns:contact=\"urn:ietf:params:xml:ns:contact-1.0\""
#define VERB(verb, inner) "<" verb "><contact:" verb " " NS ">" inner "</contact:" verb "></" verb ">"
#define ADDR(city, cc) "<contact:addr><contact:city>" city "</contact:city><contact:cc>" cc "</contact:cc></contact:addr>"
#define POSTAL(type, name, addr) "<contact:postalInfo type=\"" type "\"><contact:name>" name "</contact:name>" addr "</contact:postalInfo>"
#define PW(pw) "<contact:authInfo><contact:pw>" pw "</contact:pw></contact:authInfo>"
#define CREATE(postal, rest) VERB("create", "<contact:id>C-1</contact:id>" postal rest)

static struct idreg_epp_contact_body body;
static struct idreg_epp_result res;

/* Parse @xml as a command and read its contact body. */
static enum idreg_epp_code read_body(const char *xml)
{
	static const struct idreg_epp_parse_limits limits = { 32, 1024 };
	struct idreg_epp_command cmd;
	struct idreg_epp_result parsed;
	char frame[8192];
	snprintf(frame, sizeof(frame), "%s%s%s", EPP_OPEN, xml, EPP_CLOSE);
	assert_int_equal(idreg_epp_parse(frame, strlen(frame), &limits, &cmd, &parsed), IDREG_EPP_OK);
	assert_int_equal(cmd.object, IDREG_EPP_OBJ_CONTACT);
	enum idreg_epp_code code = idreg_epp_contact_parse(&cmd, &body, &res);
	assert_int_equal(code, res.code);
	idreg_epp_command_free(&cmd);
	return code;
}

static void refused(const char *xml, enum idreg_epp_code code, const char *in_msg)
{
	assert_int_equal(read_body(xml), code);
	if (strstr(res.msg, in_msg) == NULL) {
		fail_msg("message '%s' does not say '%s'", res.msg, in_msg);
	}
}

static void test_create(void **state)
{
	(void)state;
	assert_int_equal(read_body(CREATE(
		"<contact:postalInfo type=\"int\"><contact:name> Zoe   Mueller </contact:name>"
		"<contact:org>Example AG</contact:org><contact:addr>"
		"<contact:street>Bahnhofstrasse 1</contact:street><contact:street/>"
		"<contact:street>Postfach</contact:street><contact:city>Zurich</contact:city>"
		"<contact:sp>ZH</contact:sp><contact:pc>8001</contact:pc><contact:cc>CH</contact:cc>"
		"</contact:addr></contact:postalInfo>"
		POSTAL("loc", "Zoë Müller", ADDR("Zürich", "CH")),
		"<contact:voice x=\"42\">+41.441234567</contact:voice><contact:fax>+41.441234568</contact:fax>"
		"<contact:email>zoë@bücher.example</contact:email>" PW("secret-1")
		"<contact:disclose flag=\"1\"><contact:name type=\"int\"/><contact:addr type=\"loc\"/>"
		"<contact:email/></contact:disclose>")), IDREG_EPP_OK);
	assert_int_equal(body.n_ids, 1);
	assert_string_equal(body.ids[0], "C-1");
	const struct idreg_epp_postal *in = &body.postal[IDREG_EPP_POSTAL_INT];
	const struct idreg_epp_postal *loc = &body.postal[IDREG_EPP_POSTAL_LOC];
	assert_true(in->given && loc->given);
	assert_string_equal(in->name, "Zoe Mueller"); /* blanks collapsed */
	assert_string_equal(in->org, "Example AG");
	assert_int_equal(in->n_street, 2); /* the empty line left out */
	assert_string_equal(in->street[0], "Bahnhofstrasse 1");
	assert_string_equal(in->street[1], "Postfach");
	assert_string_equal(in->city, "Zurich");
	assert_string_equal(in->sp, "ZH");
	assert_string_equal(in->pc, "8001");
	assert_string_equal(in->cc, "CH");
	assert_string_equal(loc->name, "Zoë Müller");
	assert_string_equal(loc->city, "Zürich");
	assert_string_equal(loc->org, "");
	assert_string_equal(body.voice.number, "+41.441234567");
	assert_string_equal(body.voice.ext, "42");
	assert_string_equal(body.fax.number, "+41.441234568");
	assert_string_equal(body.fax.ext, "");
	assert_string_equal(body.email, "zoë@bücher.example");
	assert_true(body.has_pw);
	assert_string_equal(body.pw, "secret-1");
	assert_true(body.has_disclose && body.disclose_flag);
	uint32_t want = 1u << IDREG_EF_FN | 1u << IDREG_EF_STREET | 1u << IDREG_EF_LOCALITY |
			1u << IDREG_EF_REGION | 1u << IDREG_EF_POSTAL_CODE | 1u << IDREG_EF_COUNTRY |
			1u << IDREG_EF_EMAIL;
	assert_int_equal(body.disclose_fields, want);
}

static void test_create_refused(void **state)
{
	(void)state;
	const char *postal = POSTAL("int", "A B", ADDR("Paris", "FR"));
	char xml[2048];
#define WITH(rest) (snprintf(xml, sizeof(xml), CREATE("%s", "%s"), postal, rest), xml)
	refused(WITH("<contact:email>a@b.example</contact:email>"), IDREG_EPP_MISSING_PARAM,
		"without <contact:authInfo>");
	refused(WITH(PW("secret-1")), IDREG_EPP_MISSING_PARAM, "without <contact:email>");
	refused(WITH("<contact:email>a..b@b.example</contact:email>" PW("secret-1")),
		IDREG_EPP_PARAM_SYNTAX, "<contact:email> is not an address: ");
	refused(WITH("<contact:email>a@b.example</contact:email>" PW("short")),
		IDREG_EPP_PARAM_SYNTAX, "<pw> has 5 characters");
	refused(WITH("<contact:email>a@b.example</contact:email><contact:authInfo><contact:ext/>"
		     "</contact:authInfo>"), IDREG_EPP_UNIMPL_OPTION, "only <contact:pw>");
	refused(WITH("<contact:voice>+1-555-1234</contact:voice><contact:email>a@b.example</contact:email>"
		     PW("secret-1")), IDREG_EPP_PARAM_SYNTAX, "not +CC.NUMBER");
	refused(WITH("<contact:voice x=\"ab\">+1.5551234</contact:voice><contact:email>a@b.example"
		     "</contact:email>" PW("secret-1")), IDREG_EPP_PARAM_SYNTAX, "x=\"ab\"");
	refused(WITH("<contact:email>a@b.example</contact:email><contact:voice>+1.5551234</contact:voice>"
		     PW("secret-1")), IDREG_EPP_MISSING_PARAM, "without <contact:authInfo>");
	refused(WITH("<contact:email>a@b.example</contact:email>" PW("secret-1")
		     "<contact:disclose><contact:email/></contact:disclose>"),
		IDREG_EPP_MISSING_PARAM, "without its flag");
	refused(WITH("<contact:email>a@b.example</contact:email>" PW("secret-1")
		     "<contact:disclose flag=\"1\"><contact:name/></contact:disclose>"),
		IDREG_EPP_MISSING_PARAM, "without its type");
#undef WITH
	const char *rest = "<contact:email>a@b.example</contact:email>" PW("secret-1");
	char one[2048];
#define POSTAL_ONLY(p) (snprintf(one, sizeof(one), CREATE("%s", "%s"), p, rest), one)
	refused(POSTAL_ONLY(POSTAL("int", "A", ADDR("Zürich", "CH"))), IDREG_EPP_PARAM_SYNTAX,
		"<contact:city> of the int postal form holds a character outside ASCII");
	refused(POSTAL_ONLY(POSTAL("loc", "A", ADDR("Zürich", "ch"))), IDREG_EPP_PARAM_SYNTAX,
		"\"ch\" is not two upper-case letters");
	refused(POSTAL_ONLY(POSTAL("loc", "A", ADDR("Zürich", "CHE"))), IDREG_EPP_PARAM_SYNTAX,
		"<contact:cc> is not two letters");
	refused(POSTAL_ONLY(POSTAL("loc", "A", ADDR("X", "CH")) POSTAL("loc", "B", ADDR("Y", "CH"))),
		IDREG_EPP_SYNTAX, "two <contact:postalInfo type=\"loc\">");
	refused(POSTAL_ONLY(POSTAL("other", "A", ADDR("X", "CH"))), IDREG_EPP_PARAM_SYNTAX,
		"not int or loc");
	refused(POSTAL_ONLY("<contact:postalInfo type=\"loc\">" ADDR("X", "CH") "</contact:postalInfo>"),
		IDREG_EPP_MISSING_PARAM, "without <contact:name>");
	refused(POSTAL_ONLY(""), IDREG_EPP_MISSING_PARAM, "without <contact:postalInfo>");
#undef POSTAL_ONLY
	refused(VERB("create", "<contact:id>AB</contact:id>"), IDREG_EPP_PARAM_SYNTAX,
		"<id> has 2 characters, not 3 to 16");
	refused(VERB("delete", "<contact:id>C-1</contact:id><contact:id>C-2</contact:id>"),
		IDREG_EPP_SYNTAX, "<id> is not expected there in <contact:delete>");
	refused(VERB("delete", "<contact:id>C-1</contact:id>text"), IDREG_EPP_SYNTAX,
		"unexpected text in <contact:delete>");
}

static void test_update(void **state)
{
	(void)state;
	assert_int_equal(read_body(VERB("update", "<contact:id>C-1</contact:id>"
		"<contact:add><contact:status s=\"clientDeleteProhibited\"/>"
		"<contact:status s=\"serverUpdateProhibited\">by hand</contact:status></contact:add>"
		"<contact:rem><contact:status s=\"clientUpdateProhibited\"/></contact:rem>"
		"<contact:chg><contact:postalInfo type=\"loc\"><contact:org/></contact:postalInfo>"
		"<contact:voice/>" PW("secret-2")
		"<contact:disclose flag=\"0\"><contact:fax/></contact:disclose></contact:chg>")),
		IDREG_EPP_OK);
	assert_int_equal(body.add_status, 1u << IDREG_EPP_CS_CLIENT_DELETE_PROHIBITED |
						  1u << IDREG_EPP_CS_SERVER_UPDATE_PROHIBITED);
	assert_int_equal(body.rem_status, 1u << IDREG_EPP_CS_CLIENT_UPDATE_PROHIBITED);
	const struct idreg_epp_postal *loc = &body.postal[IDREG_EPP_POSTAL_LOC];
	assert_true(loc->given && loc->has_org && !loc->has_name && !loc->has_addr);
	assert_string_equal(loc->org, "");
	assert_false(body.postal[IDREG_EPP_POSTAL_INT].given);
	assert_true(body.voice.given);
	assert_string_equal(body.voice.number, "");
	assert_false(body.fax.given || body.has_email);
	assert_string_equal(body.pw, "secret-2");
	assert_true(body.has_disclose && !body.disclose_flag);
	assert_int_equal(body.disclose_fields, 1u << IDREG_EF_FAX);

	refused(VERB("update", "<contact:id>C-1</contact:id>"), IDREG_EPP_MISSING_PARAM,
		"without <contact:add>, <contact:rem> or <contact:chg>");
	refused(VERB("update", "<contact:id>C-1</contact:id><contact:add><contact:status s=\"locked\"/>"
		     "</contact:add>"), IDREG_EPP_PARAM_SYNTAX, "s=\"locked\"");
	refused(VERB("update", "<contact:id>C-1</contact:id><contact:add/>"), IDREG_EPP_MISSING_PARAM,
		"<contact:add> without <contact:status>");
	refused(VERB("update", "<contact:id>C-1</contact:id><contact:chg/><contact:add>"
		     "<contact:status s=\"ok\"/></contact:add>"), IDREG_EPP_SYNTAX,
		"<add> is not expected there");
}

static void test_check_info(void **state)
{
	(void)state;
	assert_int_equal(read_body(VERB("check", "<contact:id>C-1</contact:id><contact:id>c-2</contact:id>")),
			 IDREG_EPP_OK);
	assert_int_equal(body.n_ids, 2);
	assert_string_equal(body.ids[1], "c-2");
	char xml[4096] = "";
	size_t at = 0;
	for (int i = 0; i <= IDREG_EPP_CHECK_MAX; i++) {
		at += (size_t)snprintf(xml + at, sizeof(xml) - at, "<contact:id>C-%d</contact:id>", i);
	}
	char frame[sizeof(xml) + 256];
	snprintf(frame, sizeof(frame), VERB("check", "%s"), xml);
	refused(frame, IDREG_EPP_POLICY, "at most 32 ids");
	refused(VERB("check", ""), IDREG_EPP_MISSING_PARAM, "<contact:check> without <contact:id>");
	assert_int_equal(read_body(VERB("info", "<contact:id>C-1</contact:id>" PW("secret-1"))), IDREG_EPP_OK);
	assert_true(body.has_pw);
	assert_string_equal(body.pw, "secret-1");
	assert_int_equal(read_body(VERB("info", "<contact:id>C-1</contact:id>")), IDREG_EPP_OK);
	assert_false(body.has_pw);
}

static void test_status_names(void **state)
{
	(void)state;
	static const char *const rfc5733[] = {
		"clientDeleteProhibited", "clientTransferProhibited", "clientUpdateProhibited",
		"linked", "ok", "pendingCreate", "pendingDelete", "pendingTransfer", "pendingUpdate",
		"serverDeleteProhibited", "serverTransferProhibited", "serverUpdateProhibited",
	};
	assert_int_equal(IDREG_EPP_CONTACT_STATUS_COUNT, sizeof(rfc5733) / sizeof(rfc5733[0]));
	for (unsigned i = 0; i < IDREG_EPP_CONTACT_STATUS_COUNT; i++) {
		enum idreg_epp_contact_status s;
		assert_true(idreg_epp_contact_status_parse(rfc5733[i], strlen(rfc5733[i]), &s));
		assert_string_equal(idreg_epp_contact_status_name(s), rfc5733[i]);
	}
	enum idreg_epp_contact_status s;
	assert_false(idreg_epp_contact_status_parse("clientHold", 10, &s));
	assert_false(idreg_epp_contact_status_parse("ok", 1, &s));
}

/* ---- the store's contact functions ---- */

struct got_contact {
	int calls;
	char handle[32], sponsor[32], status[128], postal_int[128], fn[64], auth[32];
	bool no_sponsor;
	uint32_t withheld, personal;
	uint64_t linked;
};

static idreg_err keep_contact(void *ctx, const struct idreg_stored_contact *row)
{
	struct got_contact *g = ctx;
	const struct idreg_contact *c = &row->contact;
	g->calls++;
	snprintf(g->handle, sizeof(g->handle), "%s", c->entity.handle);
	g->no_sponsor = c->sponsor == NULL;
	snprintf(g->sponsor, sizeof(g->sponsor), "%s", c->sponsor ? c->sponsor : "");
	snprintf(g->status, sizeof(g->status), "%s", c->status);
	snprintf(g->postal_int, sizeof(g->postal_int), "%s", c->postal_int ? c->postal_int : "");
	snprintf(g->fn, sizeof(g->fn), "%s", c->entity.fields[IDREG_EF_FN]);
	snprintf(g->auth, sizeof(g->auth), "%s", c->auth_info ? c->auth_info : "");
	g->withheld = c->withheld;
	g->personal = c->entity.personal;
	g->linked = row->linked_domains;
	return IDREG_OK;
}

static void sql(const char *db_path, const char *statements)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, statements, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static void test_store_contacts(void **state)
{
	(void)state;
	char dir[] = "/tmp/idreg-test-contact-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[96];
	snprintf(path, sizeof(path), "%s/registry.db", dir);
	const struct idreg_store_options o = { .backend = "sqlite", .path = path,
					       .busy_timeout_ms = 1000, .create = true };
	struct idreg_store *s = NULL;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_OK);

	const uint32_t personal = 1u << IDREG_EF_FN | 1u << IDREG_EF_EMAIL;
	struct idreg_contact c = {
		.entity = { .handle = "C-One", .kind = IDREG_KIND_INDIVIDUAL,
			    .fields = { [IDREG_EF_FN] = "Ann One", [IDREG_EF_EMAIL] = "ann@one.example" },
			    .personal = personal },
		.sponsor = "regA", .creator = "regA", .created = "2026-01-02T03:04:05Z",
		.auth_info = "secret-1", .status = "clientDeleteProhibited",
		.postal_int = "{\"name\":\"Ann One\"}",
		.withheld = personal | 1u << IDREG_EF_VOICE,
	};
	const struct idreg_entity imported = { .handle = "IMP-1", .kind = IDREG_KIND_ORG,
					       .fields = { [IDREG_EF_FN] = "Imported" },
					       .personal = 1u << IDREG_EF_FN };
	const struct idreg_entity *one = &imported;
	int64_t id = 0, imported_id = 0, cs = 0;
	assert_int_equal(s->ops->begin(s, &d), IDREG_OK);
	assert_int_equal(s->ops->change_set_add(s, "2026-01-02T03:04:05Z", "regA", "SV-1", NULL, &cs, &d),
			 IDREG_OK);
	assert_int_equal(s->ops->contact_insert(s, &c, &id, &d), IDREG_OK);
	assert_int_equal(s->ops->entity_insert(s, &one, 1, &imported_id, &d), IDREG_OK);
	assert_int_equal(s->ops->commit(s, &d), IDREG_OK);

	struct got_contact g = { 0 };
	assert_int_equal(s->ops->contact_get(s, "c-ONE", keep_contact, &g, &d), IDREG_OK);
	assert_int_equal(g.calls, 1);
	assert_string_equal(g.handle, "C-One");
	assert_string_equal(g.sponsor, "regA");
	assert_string_equal(g.status, "clientDeleteProhibited");
	assert_string_equal(g.postal_int, "{\"name\":\"Ann One\"}");
	assert_string_equal(g.fn, "Ann One");
	assert_string_equal(g.auth, "secret-1");
	assert_int_equal(g.withheld, personal | 1u << IDREG_EF_VOICE);
	assert_int_equal(g.personal, personal);
	assert_int_equal(g.linked, 0);

	/* Imported: no sponsor, no status, and it withholds its personal fields. */
	memset(&g, 0, sizeof(g));
	assert_int_equal(s->ops->contact_get(s, "imp-1", keep_contact, &g, &d), IDREG_OK);
	assert_true(g.no_sponsor);
	assert_string_equal(g.status, "");
	assert_int_equal(g.withheld, 1u << IDREG_EF_FN);
	assert_int_equal(s->ops->contact_get(s, "C-TWO", keep_contact, &g, &d), IDREG_ENOTFOUND);

	/* Linked: two domains (one in two roles), counted once each. */
	char links[256];
	snprintf(links, sizeof(links),
		 "INSERT INTO domain_entity VALUES (7, 0, %lld, 'registrant'), (7, 1, %lld, 'technical'),"
		 " (9, 0, %lld, 'billing')", (long long)id, (long long)id, (long long)id);
	sql(path, links);
	c.sponsor = "regB";
	c.status = "";
	c.auth_info = NULL;
	c.withheld = 0;
	c.entity.personal = 0;
	assert_int_equal(s->ops->begin(s, &d), IDREG_OK);
	assert_int_equal(s->ops->contact_update(s, id, &c, &d), IDREG_OK);
	assert_int_equal(s->ops->commit(s, &d), IDREG_OK);
	memset(&g, 0, sizeof(g));
	assert_int_equal(s->ops->contact_get(s, "C-One", keep_contact, &g, &d), IDREG_OK);
	assert_string_equal(g.sponsor, "regB");
	assert_string_equal(g.status, "");
	assert_string_equal(g.auth, "");
	assert_int_equal(g.withheld, 0);
	assert_int_equal(g.linked, 2);

	idreg_store_close(s);
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		char file[128];
		snprintf(file, sizeof(file), "%s%s", path, suffixes[i]);
		unlink(file);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_create_refused),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_check_info),
		cmocka_unit_test(test_status_names),
		cmocka_unit_test(test_store_contacts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
