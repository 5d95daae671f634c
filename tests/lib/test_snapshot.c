/*
 * Unit tests for lib/query/snapshot.c's refresh: a registry written by the
 * domains import (which records every create, update and delete in the
 * history, as EPP transforms do), a snapshot loaded whole, then writes and
 * refreshes.  After each refresh the exact lookups answer as the store
 * holds the objects now: a domain deleted is gone, one created is there, a
 * domain whose host or contact changed shows the new host and contact
 * (while its own row did not change), a renamed host is found by its new
 * name only; objects nobody touched still come from the base.  A refresh of
 * a refresh builds on the same base, and the older snapshots stay readable
 * until their last reference goes (the sanitizers see the rest).
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

#include "core/arena.h"
#include "domains/format.h"
#include "domains/import.h"
#include "query/snapshot.h"

static char g_dir[64], g_db[128];
static struct idreg_store *g_store;

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-snapshot-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	struct idreg_store_options opts = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 50,
					    .create = true };
	struct idreg_diag diag;
	return idreg_store_open(&opts, &g_store, &diag) == IDREG_OK ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	idreg_store_close(g_store);
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char path[160];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

/* Import @text (domains format) with --replace: what it does not name goes. */
static void import(const char *text)
{
	struct idreg_arena arena;
	idreg_arena_init(&arena, 0, 0);
	struct idreg_domains_file file;
	memset(&file, 0, sizeof(file));
	struct idreg_domains_read_options ro = { 1 << 16, 1 << 20, false };
	struct idreg_diag diag = { "" };
	if (idreg_domains_read_buffer("f.jsonl", text, strlen(text), &ro, &arena, &file, &diag) !=
	    IDREG_OK) {
		fail_msg("reading: %s", diag.text);
	}
	struct idreg_domains_import_options io = { true, false, NULL };
	struct idreg_domains_import_result r;
	if (idreg_import_domains(g_store, &file, &io, &r, &diag) != IDREG_OK) {
		fail_msg("import: %s", diag.text);
	}
	idreg_domains_file_free(&file);
	idreg_arena_free(&arena);
}

static bool has_domain(const struct idreg_snapshot *s, const char *name)
{
	const struct idreg_domindex *ix;
	return idreg_snapshot_find_domain(s, name, strlen(name), &ix) != IDREG_DOMINDEX_NONE;
}

static bool has_host(const struct idreg_snapshot *s, const char *name)
{
	const struct idreg_domindex *ix;
	return idreg_snapshot_find_host(s, name, strlen(name), &ix) != IDREG_DOMINDEX_NONE;
}

/* The email of entity @handle as @s shows it ("" when none, "-" when no such entity). */
static const char *email_of(const struct idreg_snapshot *s, const char *handle)
{
	const struct idreg_domindex *ix;
	uint32_t id = idreg_snapshot_find_entity(s, handle, strlen(handle), &ix);
	if (id == IDREG_DOMINDEX_NONE) {
		return "-";
	}
	struct idreg_domindex_entity e;
	idreg_domindex_entity(ix, id, &e);
	return e.entity.fields[IDREG_EF_EMAIL] ? e.entity.fields[IDREG_EF_EMAIL] : "";
}

/* Domain @name as @s shows it: "ns1 ns2 | handle:email handle:email". */
static void domain_text(const struct idreg_snapshot *s, const char *name, char *out, size_t size)
{
	const struct idreg_domindex *ix;
	uint32_t id = idreg_snapshot_find_domain(s, name, strlen(name), &ix);
	assert_int_not_equal(id, IDREG_DOMINDEX_NONE);
	struct idreg_domindex_domain d;
	idreg_domindex_domain(ix, id, &d);
	size_t n = 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < d.n_ns; i++) {
		struct idreg_domindex_host h;
		idreg_domindex_host(ix, d.nameservers[i], &h);
		n += (size_t)snprintf(out + n, size - n, "%s%s", i ? " " : "", h.ldh_name);
	}
	n += (size_t)snprintf(out + n, size - n, " |");
	for (uint32_t i = 0; i < d.n_contacts; i++) {
		struct idreg_domindex_entity e;
		idreg_domindex_entity(ix, d.contacts[i].entity, &e);
		n += (size_t)snprintf(out + n, size - n, " %s:%s", e.entity.handle,
				      e.entity.fields[IDREG_EF_EMAIL]);
	}
}

#define E1 "{\"handle\":\"E-1\",\"roles\":[\"registrant\"],\"kind\":\"individual\",\"fn\":\"One\",\"email\":\"%s\"}"
#define E2 "{\"handle\":\"E-2\",\"roles\":[\"technical\"],\"kind\":\"individual\",\"fn\":\"Two\",\"email\":\"two@t.example\"}"

static void test_refresh(void **state)
{
	(void)state;
	char text[4096];
	snprintf(text, sizeof(text),
		 "{\"name\":\"a.example\",\"nameservers\":[{\"name\":\"ns1.host.example\",\"addresses\":[\"192.0.2.1\"]}],\"entities\":[" E1 "]}\n"
		 "{\"name\":\"b.example\",\"nameservers\":[{\"name\":\"ns1.host.example\"}],\"entities\":[" E1 "," E2 "]}\n"
		 "{\"name\":\"quiet.example\",\"nameservers\":[{\"name\":\"ns.quiet.example\"}],\"entities\":[{\"handle\":\"Q-1\",\"roles\":[\"registrant\"],\"kind\":\"individual\",\"fn\":\"Quiet\",\"email\":\"q@q.example\"}]}\n",
		 "one@t.example", "one@t.example");
	import(text);
	struct idreg_diag diag = { "" };
	struct idreg_snapshot *base, *s1, *s2, *s3;
	assert_int_equal(idreg_snapshot_load(g_store, false, &base, &diag), IDREG_OK);
	assert_int_equal(idreg_snapshot_recent_objects(base), 0);

	/* Nothing written: a refresh decides for nothing. */
	assert_int_equal(idreg_snapshot_refresh(base, g_store, &s1, &diag), IDREG_OK);
	assert_int_equal(idreg_snapshot_recent_objects(s1), 0);
	assert_true(has_domain(s1, "a.example"));
	idreg_snapshot_unref(s1);

	/* a.example goes, c.example comes with a new host, E-1's email changes
	 * (b.example names it: b's own row is unchanged). */
	snprintf(text, sizeof(text),
		 "{\"name\":\"b.example\",\"nameservers\":[{\"name\":\"ns1.host.example\"}],\"entities\":[" E1 "," E2 "]}\n"
		 "{\"name\":\"c.example\",\"nameservers\":[{\"name\":\"ns2.host.example\",\"addresses\":[\"192.0.2.2\"]}],\"entities\":[" E1 "]}\n"
		 "{\"name\":\"quiet.example\",\"nameservers\":[{\"name\":\"ns.quiet.example\"}],\"entities\":[{\"handle\":\"Q-1\",\"roles\":[\"registrant\"],\"kind\":\"individual\",\"fn\":\"Quiet\",\"email\":\"q@q.example\"}]}\n",
		 "new@t.example", "new@t.example");
	import(text);
	assert_int_equal(idreg_snapshot_refresh(base, g_store, &s1, &diag), IDREG_OK);
	assert_false(has_domain(s1, "a.example"));
	assert_true(has_domain(base, "a.example")); /* the base as it was loaded */
	assert_true(has_domain(s1, "c.example"));
	assert_false(has_domain(base, "c.example"));
	assert_true(has_host(s1, "ns2.host.example"));
	assert_string_equal(email_of(s1, "E-1"), "new@t.example");
	assert_string_equal(email_of(base, "E-1"), "one@t.example");
	char got[512];
	domain_text(s1, "b.example", got, sizeof(got));
	assert_string_equal(got, "ns1.host.example | E-1:new@t.example E-2:two@t.example");
	domain_text(s1, "c.example", got, sizeof(got));
	assert_string_equal(got, "ns2.host.example | E-1:new@t.example");
	domain_text(s1, "quiet.example", got, sizeof(got));
	assert_string_equal(got, "ns.quiet.example | Q-1:q@q.example");
	const struct idreg_domindex *ix;
	idreg_snapshot_find_domain(s1, "quiet.example", 13, &ix);
	assert_ptr_equal(ix, &s1->names); /* untouched: from the base */
	idreg_snapshot_find_domain(s1, "b.example", 9, &ix);
	assert_ptr_equal(ix, &s1->recent);

	/* A refresh of the refresh builds on the same base; the host goes
	 * from ns1.host.example to ns3.host.example under b.example. */
	snprintf(text, sizeof(text),
		 "{\"name\":\"b.example\",\"nameservers\":[{\"name\":\"ns3.host.example\"}],\"entities\":[" E1 "," E2 "]}\n"
		 "{\"name\":\"c.example\",\"nameservers\":[{\"name\":\"ns2.host.example\",\"addresses\":[\"192.0.2.2\"]}],\"entities\":[" E1 "]}\n"
		 "{\"name\":\"quiet.example\",\"nameservers\":[{\"name\":\"ns.quiet.example\"}],\"entities\":[{\"handle\":\"Q-1\",\"roles\":[\"registrant\"],\"kind\":\"individual\",\"fn\":\"Quiet\",\"email\":\"q@q.example\"}]}\n",
		 "new@t.example", "new@t.example");
	import(text);
	assert_int_equal(idreg_snapshot_refresh(s1, g_store, &s2, &diag), IDREG_OK);
	assert_ptr_equal(s2->base, base);
	assert_false(has_host(s2, "ns1.host.example")); /* no domain names it: the import removed it */
	assert_true(has_host(s2, "ns3.host.example"));
	assert_true(has_host(s1, "ns1.host.example")); /* s1 still reads as it did */
	domain_text(s2, "b.example", got, sizeof(got));
	assert_string_equal(got, "ns3.host.example | E-1:new@t.example E-2:two@t.example");
	idreg_snapshot_unref(s1);
	idreg_snapshot_unref(base); /* s2 keeps the base alive */
	assert_true(has_domain(s2, "quiet.example"));
	assert_false(has_domain(s2, "a.example"));

	/* A whole load agrees with the refresh on every lookup made above. */
	assert_int_equal(idreg_snapshot_load(g_store, false, &s3, &diag), IDREG_OK);
	static const char *const names[] = { "a.example", "b.example", "c.example", "quiet.example" };
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(has_domain(s3, names[i]), has_domain(s2, names[i]));
	}
	for (size_t i = 1; i < 4; i++) {
		char want[512];
		domain_text(s3, names[i], want, sizeof(want));
		domain_text(s2, names[i], got, sizeof(got));
		assert_string_equal(got, want);
	}
	idreg_snapshot_unref(s2);
	idreg_snapshot_unref(s3);
}

/* Refreshes stack layers, each answering with its changes over the older
 * ones, and fold them into one past IDREG_SNAPSHOT_LAYERS_MAX. */
static void test_layers(void **state)
{
	(void)state;
	char text[4096], email[64], got[512];
	const char *const domains =
		"{\"name\":\"a.example\",\"nameservers\":[{\"name\":\"ns1.host.example\",\"addresses\":[\"192.0.2.1\"]}],\"entities\":[" E1 "]}\n"
		"{\"name\":\"b.example\",\"nameservers\":[{\"name\":\"ns1.host.example\"}],\"entities\":[" E2 "]}\n";
	snprintf(text, sizeof(text), domains, "e0@t.example");
	import(text);
	struct idreg_diag diag = { "" };
	struct idreg_snapshot *snap;
	assert_int_equal(idreg_snapshot_load(g_store, false, &snap, &diag), IDREG_OK);
	unsigned folded = 0;
	for (int i = 1; i <= IDREG_SNAPSHOT_LAYERS_MAX + 8; i++) {
		snprintf(email, sizeof(email), "e%d@t.example", i);
		snprintf(text, sizeof(text), domains, email);
		import(text);
		struct idreg_snapshot *next;
		assert_int_equal(idreg_snapshot_refresh(snap, g_store, &next, &diag), IDREG_OK);
		idreg_snapshot_unref(snap);
		snap = next;
		folded += snap->depth == 1;
		assert_true(snap->depth <= IDREG_SNAPSHOT_LAYERS_MAX);
		/* a.example and E-1 changed: the newest layer answers; b.example, unchanged, the base */
		domain_text(snap, "a.example", got, sizeof(got));
		char want[128];
		snprintf(want, sizeof(want), "ns1.host.example | E-1:%s", email);
		assert_string_equal(got, want);
		domain_text(snap, "b.example", got, sizeof(got));
		assert_string_equal(got, "ns1.host.example | E-2:two@t.example");
		/* each object counted once however many layers hold it: a.example, its host, E-1 */
		assert_int_equal(idreg_snapshot_recent_objects(snap), 3);
	}
	assert_int_equal(folded, 2); /* the first refresh and the one past the limit */
	idreg_snapshot_unref(snap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_layers, setup, teardown),
	};
	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
