/*
 * Unit tests for EPP poll, transfers and the registry's clock (lib/epp
 * poll.c, transfer.c, clock.c) on a real SQLite registry in a temporary
 * directory: the poll queue's order, counts and acknowledgement by its own
 * registrar only; the transfer state machine (wrong and right authInfo,
 * pending twice, who may query, approve, reject and cancel, what approval
 * changes); the clock's approvals, auto-renewals, grace periods, redemption
 * and purge.  What the code wrote is read back with SQL of the test's own.
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

#include "epp/clock.h"
#include "epp/command.h"
#include "epp/object.h"
#include "epp/transfer.h"
#include "store/store.h"

#define DAY 86400
/* 2026-01-01T00:00:00Z */
#define T0 1767225600

static char g_dir[64];
static char g_db[128];
static struct idreg_store *g_store;
static struct idreg_epp_store_access g_access;

static const struct idreg_epp_parse_limits limits = { 16, 256 };

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-transfer-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	struct idreg_store_options o = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 50,
					 .create = true };
	struct idreg_diag d = { "" };
	if (idreg_store_open(&o, &g_store, &d) != IDREG_OK) {
		return -1;
	}
	idreg_epp_direct_access(g_store, &g_access);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idreg_store_close(g_store);
	g_store = NULL;
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[160];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

/* One text or number from the database through a connection of the test's own. */
static void sql_text(const char *sql, char *out, size_t size)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	}
	out[0] = '\0';
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL) {
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static long long sql_int(const char *sql)
{
	char text[64];
	sql_text(sql, text, sizeof(text));
	return atoll(text);
}

static void sql_exec(const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(g_db, &db), SQLITE_OK);
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fail_msg("%s: %s", sql, err);
	}
	sqlite3_close(db);
}

/* A domain sponsored by @sponsor with authInfo @pw, expiring at @expires. */
static void add_domain(const char *name, const char *sponsor, const char *pw, const char *expires)
{
	const struct idreg_domain d = { .ldh_name = name, .unicode_name = name,
					.status = 1u << IDREG_DS_OK, .registered = T0 - 400 * DAY,
					.expires = IDREG_TIME_NONE, .last_changed = IDREG_TIME_NONE };
	const struct idreg_domain_row row = { .domain = &d };
	int64_t id;
	struct idreg_diag diag = { "" };
	assert_int_equal(g_store->ops->begin(g_store, &diag), IDREG_OK);
	assert_int_equal(g_store->ops->domain_insert(g_store, &row, 1, &id, &diag), IDREG_OK);
	assert_int_equal(g_store->ops->commit(g_store, &diag), IDREG_OK);
	char sql[512];
	snprintf(sql, sizeof(sql),
		 "UPDATE domain SET sponsor = '%s', auth_info = '%s', expires = '%s' "
		 "WHERE ldh_name = '%s'", sponsor, pw, expires, name);
	sql_exec(sql);
}

struct answer {
	enum idreg_epp_code code;
	char msg[256];
	char resdata[4096];
	char msgq[1024];
};

/* Run one command frame @xml for registrar @clid at time @now. */
static struct answer run(const char *clid, int64_t now, const char *xml)
{
	static unsigned serial;
	struct idreg_epp_command cmd;
	struct idreg_epp_result res;
	if (idreg_epp_parse(xml, strlen(xml), &limits, &cmd, &res) != IDREG_EPP_OK) {
		fail_msg("%s: %d %s", xml, res.code, res.msg);
	}
	char svtrid[32];
	snprintf(svtrid, sizeof(svtrid), "test-%u", ++serial);
	const struct idreg_epp_request req = {
		.cmd = &cmd, .txn = { .clid = clid, .svtrid = svtrid, .cltrid = "", .now = now },
		.store = &g_access,
	};
	struct idreg_epp_reply rep = { .code = IDREG_EPP_FAILED };
	idreg_buf_init(&rep.resdata, 65536);
	idreg_buf_init(&rep.extension, 65536);
	idreg_buf_init(&rep.msgq, 65536);
	if (cmd.verb == IDREG_EPP_POLL) {
		idreg_epp_poll_command(&req, &rep);
	} else if (cmd.object == IDREG_EPP_OBJ_CONTACT) {
		idreg_epp_contact_command(&req, &rep);
	} else {
		idreg_epp_domain_command(&req, &rep);
	}
	struct answer a = { .code = rep.code };
	snprintf(a.msg, sizeof(a.msg), "%s", rep.msg);
	snprintf(a.resdata, sizeof(a.resdata), "%s", rep.resdata.data ? rep.resdata.data : "");
	snprintf(a.msgq, sizeof(a.msgq), "%s", rep.msgq.data ? rep.msgq.data : "");
	idreg_buf_free(&rep.resdata);
	idreg_buf_free(&rep.extension);
	idreg_buf_free(&rep.msgq);
	idreg_epp_command_free(&cmd);
	return a;
}

#define EPP "<?xml version=\"1.0\"?><epp xmlns=\"urn:ietf:params:xml:ns:epp-1.0\"><command>"
#define END "</command></epp>"
#define DNS "xmlns:domain=\"urn:ietf:params:xml:ns:domain-1.0\""

static struct answer domain_transfer(const char *clid, int64_t now, const char *op,
				     const char *name, const char *pw, const char *period)
{
	char xml[1024], auth[128] = "";
	if (pw != NULL) {
		snprintf(auth, sizeof(auth), "<domain:authInfo><domain:pw>%s</domain:pw></domain:authInfo>",
			 pw);
	}
	snprintf(xml, sizeof(xml),
		 EPP "<transfer op=\"%s\"><domain:transfer " DNS "><domain:name>%s</domain:name>%s%s"
		     "</domain:transfer></transfer>" END,
		 op, name, period != NULL ? period : "", auth);
	return run(clid, now, xml);
}

static struct answer poll_req(const char *clid, int64_t now)
{
	return run(clid, now, EPP "<poll op=\"req\"/>" END);
}

static struct answer poll_ack(const char *clid, int64_t now, long long id)
{
	char xml[256];
	snprintf(xml, sizeof(xml), EPP "<poll op=\"ack\" msgID=\"%lld\"/>" END, id);
	return run(clid, now, xml);
}

static void expect(struct answer a, enum idreg_epp_code code)
{
	if (a.code != code) {
		fail_msg("expected %d, got %d: %s", code, a.code, a.msg);
	}
}

static long long queued_for(const char *clid)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
		 "SELECT COUNT(*) FROM poll_message WHERE registrar = '%s' AND acked_at IS NULL", clid);
	return sql_int(sql);
}

static void test_poll_queue(void **state)
{
	(void)state;
	expect(poll_req("regA", T0), IDREG_EPP_OK_NO_MESSAGES);
	sql_exec("INSERT INTO poll_message (registrar, queued_at, message, resdata) VALUES "
		 "('regA', '2026-01-01T00:00:00Z', 'first', ''),"
		 "('regB', '2026-01-01T00:00:01Z', 'other', ''),"
		 "('regA', '2026-01-01T00:00:02Z', 'second <&>', '<x/>'),"
		 "('regA', '2026-01-01T00:00:03Z', 'third', '')");
	long long first = sql_int("SELECT MIN(id) FROM poll_message WHERE registrar = 'regA'");
	long long other = sql_int("SELECT id FROM poll_message WHERE registrar = 'regB'");
	long long second = sql_int("SELECT id FROM poll_message WHERE message LIKE 'second%'");
	struct answer a = poll_req("regA", T0);
	expect(a, IDREG_EPP_OK_ACK_TO_DEQUEUE);
	char want[512];
	snprintf(want, sizeof(want),
		 "<msgQ count=\"3\" id=\"%lld\"><qDate>2026-01-01T00:00:00Z</qDate><msg>first</msg></msgQ>",
		 first);
	assert_string_equal(a.msgq, want);
	/* Asking again changes nothing; another registrar's message cannot be acknowledged. */
	assert_string_equal(poll_req("regA", T0).msgq, want);
	expect(poll_ack("regA", T0, other), IDREG_EPP_DOES_NOT_EXIST);
	assert_int_equal(queued_for("regB"), 1);
	a = poll_ack("regA", T0, first);
	expect(a, IDREG_EPP_OK);
	snprintf(want, sizeof(want), "<msgQ count=\"2\" id=\"%lld\"/>", second);
	assert_string_equal(a.msgq, want);
	expect(poll_ack("regA", T0, first), IDREG_EPP_DOES_NOT_EXIST);
	a = poll_req("regA", T0);
	expect(a, IDREG_EPP_OK_ACK_TO_DEQUEUE);
	assert_non_null(strstr(a.msgq, "<msg>second &lt;&amp;&gt;</msg>"));
	assert_string_equal(a.resdata, "<x/>");
	expect(poll_ack("regA", T0, second), IDREG_EPP_OK);
	long long third = sql_int("SELECT id FROM poll_message WHERE message = 'third'");
	a = poll_ack("regA", T0, third);
	snprintf(want, sizeof(want), "<msgQ count=\"0\" id=\"%lld\"/>", third);
	assert_string_equal(a.msgq, want);
	expect(poll_req("regA", T0), IDREG_EPP_OK_NO_MESSAGES);
	expect(run("regA", T0, EPP "<poll op=\"ack\" msgID=\"x1\"/>" END), IDREG_EPP_DOES_NOT_EXIST);
}

static void test_status_and_years(void **state)
{
	(void)state;
	char s[64] = "ok";
	assert_true(idreg_epp_status_set(s, sizeof(s), "pendingTransfer", true));
	assert_string_equal(s, "pendingTransfer");
	assert_true(idreg_epp_status_set(s, sizeof(s), "clientHold", true));
	assert_string_equal(s, "pendingTransfer clientHold");
	assert_true(idreg_epp_status_set(s, sizeof(s), "pendingTransfer", false));
	assert_string_equal(s, "clientHold");
	assert_true(idreg_epp_status_set(s, sizeof(s), "clientHold", false));
	assert_string_equal(s, "ok");
	assert_true(idreg_epp_status_has("a pendingTransfer b", "pendingTransfer"));
	assert_false(idreg_epp_status_has("pendingTransferX", "pendingTransfer"));
	char tiny[8] = "ok";
	assert_false(idreg_epp_status_set(tiny, sizeof(tiny), "pendingTransfer", true));
	assert_string_equal(tiny, "ok");
	/* 2024-02-29 + 1 year = 2025-02-28; + 4 years = 2028-02-29. */
	int64_t leap_day = 1709164800;
	assert_int_equal(idreg_epp_add_months(leap_day, 12 * 1), leap_day + 365 * DAY);
	assert_int_equal(idreg_epp_add_months(leap_day, 12 * 4), leap_day + (365 * 4 + 1) * DAY);
}

static void test_transfer_state_machine(void **state)
{
	(void)state;
	add_domain("moving.example", "regA", "secret12", "2026-06-01T00:00:00Z");
	const char *period = "<domain:period unit=\"y\">2</domain:period>";
	expect(domain_transfer("regB", T0, "request", "nosuch.example", "secret12", NULL),
	       IDREG_EPP_DOES_NOT_EXIST);
	expect(domain_transfer("regB", T0, "request", "moving.example", "wrong123", NULL),
	       IDREG_EPP_INVALID_AUTHINFO);
	expect(domain_transfer("regB", T0, "request", "moving.example", NULL, NULL),
	       IDREG_EPP_MISSING_PARAM);
	expect(domain_transfer("regA", T0, "request", "moving.example", "secret12", NULL),
	       IDREG_EPP_NOT_TRANSFERABLE);
	expect(domain_transfer("regB", T0, "query", "moving.example", NULL, NULL),
	       IDREG_EPP_AUTHORIZATION);
	expect(domain_transfer("regA", T0, "query", "moving.example", NULL, NULL),
	       IDREG_EPP_NOT_PENDING_TRANSFER);
	expect(domain_transfer("regA", T0, "approve", "moving.example", NULL, NULL),
	       IDREG_EPP_NOT_PENDING_TRANSFER);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM change_set"), 0);

	struct answer a = domain_transfer("regB", T0, "request", "MOVING.example", "secret12", period);
	expect(a, IDREG_EPP_OK_PENDING);
	assert_non_null(strstr(a.resdata, "<domain:trStatus>pending</domain:trStatus>"));
	assert_non_null(strstr(a.resdata, "<domain:acDate>2026-01-06T00:00:00Z</domain:acDate>"));
	assert_non_null(strstr(a.resdata, "<domain:exDate>2028-06-01T00:00:00Z</domain:exDate>"));
	char text[512];
	sql_text("SELECT status FROM domain WHERE ldh_name = 'moving.example'", text, sizeof(text));
	assert_string_equal(text, "pendingTransfer");
	assert_int_equal(queued_for("regA"), 1);
	expect(domain_transfer("regC", T0, "request", "moving.example", "secret12", NULL),
	       IDREG_EPP_PENDING_TRANSFER);
	expect(domain_transfer("regC", T0, "query", "moving.example", NULL, NULL),
	       IDREG_EPP_AUTHORIZATION);
	expect(domain_transfer("regC", T0, "query", "moving.example", "secret12", NULL), IDREG_EPP_OK);
	expect(domain_transfer("regB", T0, "approve", "moving.example", NULL, NULL),
	       IDREG_EPP_AUTHORIZATION);
	expect(domain_transfer("regA", T0, "cancel", "moving.example", NULL, NULL),
	       IDREG_EPP_AUTHORIZATION);

	/* Rejected: back to ok, the gaining registrar told. */
	expect(domain_transfer("regA", T0 + 60, "reject", "moving.example", NULL, NULL), IDREG_EPP_OK);
	sql_text("SELECT status FROM domain WHERE ldh_name = 'moving.example'", text, sizeof(text));
	assert_string_equal(text, "ok");
	assert_int_equal(queued_for("regB"), 1);
	a = poll_req("regB", T0 + 60);
	assert_non_null(strstr(a.resdata, "<domain:trStatus>clientRejected</domain:trStatus>"));

	/* Requested again and cancelled by the gaining registrar: the losing one told. */
	expect(domain_transfer("regB", T0 + 120, "request", "moving.example", "secret12", NULL),
	       IDREG_EPP_OK_PENDING);
	expect(domain_transfer("regB", T0 + 180, "cancel", "moving.example", NULL, NULL), IDREG_EPP_OK);
	assert_int_equal(queued_for("regA"), 3);

	/* Approved: the sponsor, expiry, transfer date and authInfo change. */
	expect(domain_transfer("regB", T0 + 240, "request", "moving.example", "secret12", period),
	       IDREG_EPP_OK_PENDING);
	expect(domain_transfer("regA", T0 + 300, "approve", "moving.example", NULL, NULL), IDREG_EPP_OK);
	sql_text("SELECT sponsor || ' ' || status || ' ' || expires || ' ' || transferred "
		 "FROM domain WHERE ldh_name = 'moving.example'", text, sizeof(text));
	assert_string_equal(text, "regB ok 2028-06-01T00:00:00Z 2026-01-01T00:05:00Z");
	sql_text("SELECT auth_info FROM domain WHERE ldh_name = 'moving.example'", text, sizeof(text));
	assert_string_not_equal(text, "secret12");
	assert_int_equal(strlen(text), 16);
	sql_text("SELECT ends FROM domain_grace WHERE period = 'transferPeriod'", text, sizeof(text));
	assert_string_equal(text, "2026-01-06T00:05:00Z");
	expect(domain_transfer("regA", T0 + 300, "query", "moving.example", NULL, NULL), IDREG_EPP_OK);
	expect(domain_transfer("regA", T0 + 300, "approve", "moving.example", NULL, NULL),
	       IDREG_EPP_NOT_PENDING_TRANSFER);
	/* History: one line per transform, never the password. */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM history WHERE object_type = 'domain'"), 6);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM history WHERE after_text LIKE '%secret12%' "
				 "OR before_text LIKE '%secret12%'"), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM history WHERE after_text LIKE "
				 "'%\"sponsor\":\"regB\"%' AND before_text LIKE '%\"sponsor\":\"regA\"%'"),
			 1);
	/* The authInfo's tag in the history changes with the password. */
	assert_int_equal(sql_int("SELECT COUNT(*) FROM history WHERE after_text LIKE "
				 "'%\"sponsor\":\"regB\"%' AND substr(after_text, instr(after_text, "
				 "'auth_info_tag'), 26) <> substr(before_text, instr(before_text, "
				 "'auth_info_tag'), 26)"), 1);

	/* Statuses that forbid a transfer, and a period beyond ten years. */
	add_domain("locked.example", "regA", "secret12", "2026-06-01T00:00:00Z");
	sql_exec("UPDATE domain SET status = 'clientTransferProhibited' WHERE ldh_name = 'locked.example'");
	expect(domain_transfer("regB", T0, "request", "locked.example", "secret12", NULL),
	       IDREG_EPP_STATUS_PROHIBITS);
	add_domain("far.example", "regA", "secret12", "2035-06-01T00:00:00Z");
	expect(domain_transfer("regB", T0, "request", "far.example", "secret12", period),
	       IDREG_EPP_PARAM_RANGE);
	expect(domain_transfer("regB", T0, "request", "far.example", "secret12",
			       "<domain:period unit=\"m\">13</domain:period>"), IDREG_EPP_POLICY);
	sql_exec("UPDATE domain SET sponsor = NULL WHERE ldh_name = 'far.example'");
	expect(domain_transfer("regB", T0, "request", "far.example", "secret12", NULL),
	       IDREG_EPP_AUTHORIZATION);
}

static void test_contact_transfer(void **state)
{
	(void)state;
	const struct idreg_entity e = { .handle = "C-1", .kind = IDREG_KIND_INDIVIDUAL,
					.fields = { [IDREG_EF_FN] = "A Person" } };
	const struct idreg_entity *ep = &e;
	int64_t id;
	struct idreg_diag diag = { "" };
	assert_int_equal(g_store->ops->begin(g_store, &diag), IDREG_OK);
	assert_int_equal(g_store->ops->entity_insert(g_store, &ep, 1, &id, &diag), IDREG_OK);
	assert_int_equal(g_store->ops->commit(g_store, &diag), IDREG_OK);
	sql_exec("UPDATE entity SET sponsor = 'regA', auth_info = 'contact1', status = ''");
	const char *req = EPP "<transfer op=\"request\"><contact:transfer "
			  "xmlns:contact=\"urn:ietf:params:xml:ns:contact-1.0\"><contact:id>C-1</contact:id>"
			  "<contact:authInfo><contact:pw>contact1</contact:pw></contact:authInfo>"
			  "</contact:transfer></transfer>" END;
	struct answer a = run("regB", T0, req);
	expect(a, IDREG_EPP_OK_PENDING);
	assert_non_null(strstr(a.resdata, "<contact:id>C-1</contact:id>"));
	assert_null(strstr(a.resdata, "exDate"));
	/* The clock approves it at its action date, not before. */
	struct idreg_epp_clock_report r;
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0 + 5 * DAY - 1, &r, &diag), IDREG_OK);
	assert_int_equal(r.transfers_approved, 0);
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0 + 5 * DAY, &r, &diag), IDREG_OK);
	assert_int_equal(r.transfers_approved, 1);
	char text[128];
	sql_text("SELECT sponsor || '/' || status FROM entity WHERE handle = 'C-1'", text, sizeof(text));
	assert_string_equal(text, "regB/");
	sql_text("SELECT auth_info FROM entity WHERE handle = 'C-1'", text, sizeof(text));
	assert_string_not_equal(text, "contact1");
	assert_int_equal(sql_int("SELECT COUNT(*) FROM history WHERE object_type = 'entity' AND "
				 "after_text LIKE '%\"authInfo\":\"changed\"%'"), 1);
	sql_text("SELECT actor FROM change_set ORDER BY id DESC LIMIT 1", text, sizeof(text));
	assert_string_equal(text, "registry");
	/* Both told: the losing registrar of the request and of the approval, the gaining of the approval. */
	assert_int_equal(queued_for("regA"), 2);
	assert_int_equal(queued_for("regB"), 1);
	a = poll_req("regB", T0 + 5 * DAY);
	assert_non_null(strstr(a.resdata, "<contact:trStatus>serverApproved</contact:trStatus>"));
}

static void test_clock_life_cycle(void **state)
{
	(void)state;
	add_domain("old.example", "regA", "secret12", "2026-01-10T00:00:00Z");
	add_domain("gone.example", "regA", "secret12", "2027-01-10T00:00:00Z");
	long long gone = sql_int("SELECT id FROM domain WHERE ldh_name = 'gone.example'");
	char sql[256];
	snprintf(sql, sizeof(sql), "INSERT INTO domain_grace VALUES (%lld, 'redemptionPeriod', "
		 "'2026-01-20T00:00:00Z'); INSERT INTO domain_variant VALUES ('gone-v.example', "
		 "'gone-v.example', %lld, 'reserved'); UPDATE domain SET status = 'pendingDelete' "
		 "WHERE id = %lld", gone, gone, gone);
	sql_exec(sql);
	struct idreg_epp_clock_report r;
	struct idreg_diag diag = { "" };
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0, &r, &diag), IDREG_OK);
	assert_int_equal(r.renewed + r.grace_ended + r.redemptions_ended + r.purged, 0);
	/* Expired on 10 January: renewed a year, into autoRenewPeriod (45 days). */
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0 + 10 * DAY, &r, &diag), IDREG_OK);
	assert_int_equal(r.renewed, 1);
	char text[128];
	sql_text("SELECT expires FROM domain WHERE ldh_name = 'old.example'", text, sizeof(text));
	assert_string_equal(text, "2027-01-10T00:00:00Z");
	sql_text("SELECT ends FROM domain_grace WHERE period = 'autoRenewPeriod'", text, sizeof(text));
	assert_string_equal(text, "2026-02-25T00:00:00Z");
	struct answer a = poll_req("regA", T0 + 10 * DAY);
	assert_non_null(strstr(a.resdata, "<domain:exDate>2027-01-10T00:00:00Z</domain:exDate>"));
	/* 20 January: redemption over, pendingDelete for 5 days (the domain's
	 * status is pendingDelete since its delete; here it has no pendingDelete
	 * period yet, which the clock then sets). */
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0 + 19 * DAY, &r, &diag), IDREG_OK);
	assert_int_equal(r.redemptions_ended, 1);
	sql_text("SELECT status FROM domain WHERE ldh_name = 'gone.example'", text, sizeof(text));
	assert_string_equal(text, "pendingDelete");
	/* 24 January: purged with its variant; 25 February: autoRenewPeriod over. */
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0 + 24 * DAY, &r, &diag), IDREG_OK);
	assert_int_equal(r.purged, 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM domain WHERE ldh_name = 'gone.example'"), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM domain_variant"), 0);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM history WHERE action = 'delete'"), 1);
	assert_int_equal(idreg_epp_clock_tick(&g_access, T0 + 55 * DAY, &r, &diag), IDREG_OK);
	assert_int_equal(r.grace_ended, 1);
	assert_int_equal(sql_int("SELECT COUNT(*) FROM domain_grace"), 0);
	assert_int_equal(queued_for("regA"), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_poll_queue, setup, teardown),
		cmocka_unit_test_setup_teardown(test_status_and_years, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transfer_state_machine, setup, teardown),
		cmocka_unit_test_setup_teardown(test_contact_transfer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clock_life_cycle, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
