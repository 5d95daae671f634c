/*
 * Unit tests for lib/store (SQLite backend) and lib/numres/import.c: creating
 * and opening registries, transactions (rollback stores nothing, commit
 * stores records that read back equal), importing RIR files (created,
 * updated, deleted and unchanged counts, history rows checked with the
 * sqlite3 API directly, older files refused unless forced), and failures in
 * the middle of an import (a second connection holding the write lock, a
 * trigger that aborts one insert) leaving the store as it was.
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

#include "core/arena.h"
#include "core/error.h"
#include "formats/rir.h"
#include "numres/import.h"
#include "numres/numres.h"
#include "store/store.h"

/* ---- fixture: a temporary directory, freed by the teardown ---- */

static char g_dir[64];
static char g_db[128];
static struct idreg_store *g_store;
static sqlite3 *g_other;          /* a second connection, when a test needs one */
static struct idreg_arena g_arena;

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-store-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	g_store = NULL;
	g_other = NULL;
	idreg_arena_init(&g_arena, 0, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (g_other != NULL) {
		sqlite3_close(g_other);
		g_other = NULL;
	}
	idreg_store_close(g_store);
	g_store = NULL;
	idreg_arena_free(&g_arena);
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
	char path[160];
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/not-a-registry", g_dir);
	unlink(path);
	rmdir(g_dir);
	return 0;
}

static struct idreg_store_options options(bool create)
{
	return (struct idreg_store_options){
		.backend = "sqlite", .path = g_db, .busy_timeout_ms = 50, .create = create,
	};
}

static void open_store(bool create)
{
	struct idreg_store_options o = options(create);
	struct idreg_diag d = { "" };
	idreg_store_close(g_store);
	g_store = NULL;
	idreg_err err = idreg_store_open(&o, &g_store, &d);
	if (err != IDREG_OK) {
		fail_msg("opening %s: %s: %s", g_db, idreg_strerror_name(err), d.text);
	}
	assert_non_null(g_store);
}

/* A number from the database, through a connection of our own. */
static long long sql_count(const char *sql)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(g_db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		char msg[256];
		snprintf(msg, sizeof(msg), "%s", sqlite3_errmsg(db));
		sqlite3_close(db);
		fail_msg("%s: %s", sql, msg);
	}
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

static long long history_rows(const char *action)
{
	char sql[128];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM history WHERE action = '%s'", action);
	return sql_count(sql);
}

static void sql_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		char copy[256];
		snprintf(copy, sizeof(copy), "%s", msg ? msg : "?");
		sqlite3_free(msg);
		fail_msg("%s: %s", sql, copy);
	}
}

/* Read an in-memory exchange file; its records live in g_arena. */
static void read_rir(const char *name, const char *text, struct idreg_rir_file *f)
{
	struct idreg_rir_read_options o = { .max_line = 4096, .max_records = 100000,
					    .max_file = 1 << 20 };
	struct idreg_diag d = { "" };
	idreg_err err = idreg_rir_read_buffer(name, text, strlen(text), &o, &g_arena, f, &d);
	if (err != IDREG_OK) {
		fail_msg("%s: %s", idreg_strerror_name(err), d.text);
	}
}

/* ---- collecting what the store holds ---- */

struct collected {
	struct idreg_numres recs[64];
	char source[64][32];
	int64_t ids[64];
	size_t n;
};

static const char *keep(const char *s)
{
	return s == NULL ? NULL : idreg_arena_strndup(&g_arena, s, strlen(s));
}

static idreg_err collect_cb(void *ctx, const struct idreg_stored_numres *row)
{
	struct collected *c = ctx;
	if (c->n == 64) {
		return IDREG_ETOOBIG;
	}
	struct idreg_numres *r = &c->recs[c->n];
	*r = row->rec;
	r->registry = keep(row->rec.registry);
	r->cc = keep(row->rec.cc);
	r->opaque_id = keep(row->rec.opaque_id);
	r->extensions = keep(row->rec.extensions);
	snprintf(c->source[c->n], sizeof(c->source[0]), "%s", row->source);
	c->ids[c->n] = row->id;
	c->n++;
	return IDREG_OK;
}

static void collect(const char *source, struct collected *c)
{
	memset(c, 0, sizeof(*c));
	struct idreg_diag d = { "" };
	idreg_err err = g_store->ops->numres_each(g_store, source, collect_cb, c, &d);
	if (err != IDREG_OK) {
		fail_msg("numres_each: %s: %s", idreg_strerror_name(err), d.text);
	}
	qsort(c->recs, c->n, sizeof(c->recs[0]), idreg_numres_order);
}

/* The store's records of @source are exactly @want (in any order). */
static void assert_holds(const char *source, const struct idreg_numres *want, size_t n)
{
	struct collected c;
	collect(source, &c);
	struct idreg_numres sorted[64];
	assert_true(n <= 64);
	if (n > 0) {
		memcpy(sorted, want, n * sizeof(*want));
	}
	qsort(sorted, n, sizeof(sorted[0]), idreg_numres_order);
	if (c.n != n) {
		fail_msg("store holds %zu records of %s, expected %zu", c.n, source ? source : "all", n);
	}
	for (size_t i = 0; i < n; i++) {
		if (!idreg_numres_equal(&c.recs[i], &sorted[i])) {
			char a[IDREG_RIR_RECORD_TEXT_MAX], b[IDREG_RIR_RECORD_TEXT_MAX];
			idreg_rir_format_record(&c.recs[i], a, sizeof(a));
			idreg_rir_format_record(&sorted[i], b, sizeof(b));
			fail_msg("record %zu: store has '%s', expected '%s'", i, a, b);
		}
		if (source != NULL) {
			assert_string_equal(c.source[i], source);
		}
	}
}

/* ---- opening ---- */

static void test_open_create(void **state)
{
	(void)state;
	open_store(true);
	assert_string_equal(g_store->ops->name, "sqlite");
	idreg_store_close(g_store);
	g_store = NULL;
	assert_int_equal(access(g_db, F_OK), 0);

	/* Creating again where one exists fails, and leaves the registry alone. */
	struct idreg_store_options o = options(true);
	struct idreg_diag d = { "" };
	struct idreg_store *s = NULL;
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_EEXIST);
	assert_null(s);
	assert_non_null(strstr(d.text, g_db));
	assert_int_equal(access(g_db, F_OK), 0);

	/* Opening it without create works. */
	open_store(false);
	struct idreg_source src;
	assert_int_equal(g_store->ops->source_get(g_store, "apnic", &src, &d), IDREG_ENOTFOUND);
	struct collected c;
	collect(NULL, &c);
	assert_int_equal(c.n, 0);
}

static void test_open_missing(void **state)
{
	(void)state;
	struct idreg_store_options o = options(false);
	struct idreg_diag d = { "" };
	struct idreg_store *s = NULL;
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_ENOTFOUND);
	assert_null(s);
	assert_non_null(strstr(d.text, g_db));
	/* ... and does not create it. */
	assert_int_not_equal(access(g_db, F_OK), 0);

	/* An unknown backend is refused. */
	o.backend = "postgres-someday";
	assert_int_not_equal(idreg_store_open(&o, &s, &d), IDREG_OK);
	assert_null(s);
}

static void test_open_not_a_registry(void **state)
{
	(void)state;
	/* A file that is not a database at all. */
	char path[160];
	snprintf(path, sizeof(path), "%s/not-a-registry", g_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("2|apnic|20190909|300||20190906|+1000\nthis is a text file, not a database\n", f);
	fclose(f);
	struct idreg_store_options o = options(false);
	o.path = path;
	struct idreg_diag d = { "" };
	struct idreg_store *s = NULL;
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_ESTORE);
	assert_null(s);

	/* A SQLite database that is not an idreg registry. */
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(g_db, &db), SQLITE_OK);
	sql_exec(db, "CREATE TABLE something (x INTEGER)");
	sqlite3_close(db);
	o = options(false);
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_ESTORE);
	assert_null(s);
}

static void test_open_newer_schema(void **state)
{
	(void)state;
	open_store(true);
	idreg_store_close(g_store);
	g_store = NULL;
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open(g_db, &db), SQLITE_OK);
	sql_exec(db, "UPDATE schema_version SET version = 9999");
	sqlite3_close(db);
	struct idreg_store_options o = options(false);
	struct idreg_diag d = { "" };
	struct idreg_store *s = NULL;
	assert_int_equal(idreg_store_open(&o, &s, &d), IDREG_ESCHEMA);
	assert_null(s);
}

/* ---- transactions ---- */

static const char small_file[] =
	"2|test|20240101|6|19830101|20240101|+0000\n"
	"test|*|asn|*|2|summary\n"
	"test|*|ipv4|*|2|summary\n"
	"test|*|ipv6|*|2|summary\n"
	"test|US|asn|64496|16|20100101|allocated|H1\n"
	"test|US|ipv4|192.0.2.0|256|20100101|assigned|H1\n"
	"test||ipv4|198.51.100.0|100||available\n"
	"test|DE|ipv6|2001:db8::|32|20110101|allocated|H2|ext1|ext2\n"
	"test|ZZ|ipv6|3fff::|20|00000000|reserved|\n"
	"test|DE|asn|65536|1|00000000|reserved|H3\n";

static void put_source(const struct idreg_rir_file *f)
{
	struct idreg_source src = { .header = f->header };
	snprintf(src.file, sizeof(src.file), "%s", f->path);
	idreg_store_now(src.imported_at, sizeof(src.imported_at));
	struct idreg_diag d = { "" };
	idreg_err err = g_store->ops->source_put(g_store, &src, &d);
	if (err != IDREG_OK) {
		fail_msg("source_put: %s: %s", idreg_strerror_name(err), d.text);
	}
}

static void insert_all(const struct idreg_rir_file *f, int64_t *first_out, int64_t *second_out)
{
	/* In two batches, to see that a second batch adds to the first. */
	const struct idreg_numres *ptrs[64];
	assert_true(f->count <= 64 && f->count >= 2);
	for (size_t i = 0; i < f->count; i++) {
		ptrs[i] = &f->records[i];
	}
	size_t half = f->count / 2;
	struct idreg_diag d = { "" };
	int64_t first = -1, second = -1;
	idreg_err err = g_store->ops->numres_insert(g_store, f->header.registry, ptrs, half, &first, &d);
	if (err == IDREG_OK) {
		err = g_store->ops->numres_insert(g_store, f->header.registry, ptrs + half,
						  f->count - half, &second, &d);
	}
	if (err != IDREG_OK) {
		fail_msg("numres_insert: %s: %s", idreg_strerror_name(err), d.text);
	}
	assert_true(first > 0);
	assert_true(second >= first + (int64_t)half);
	if (first_out != NULL) {
		*first_out = first;
		*second_out = second;
	}
}

static void test_rollback(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file f;
	read_rir("small.txt", small_file, &f);
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->begin(g_store, &d), IDREG_OK);
	put_source(&f);
	insert_all(&f, NULL, NULL);
	/* Inside the transaction the records are there ... */
	assert_holds("test", f.records, f.count);
	g_store->ops->rollback(g_store);
	/* ... and after the rollback nothing is, for this handle or any other. */
	assert_holds("test", NULL, 0);
	assert_holds(NULL, NULL, 0);
	struct idreg_source src;
	assert_int_equal(g_store->ops->source_get(g_store, "test", &src, &d), IDREG_ENOTFOUND);
	assert_int_equal(sql_count("SELECT count(*) FROM numres"), 0);
	assert_int_equal(sql_count("SELECT count(*) FROM rir_source"), 0);
	assert_int_equal(sql_count("SELECT count(*) FROM holder"), 0);
	/* Reopened, still nothing. */
	open_store(false);
	assert_holds(NULL, NULL, 0);
}

static void test_commit(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file f;
	read_rir("small.txt", small_file, &f);
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->begin(g_store, &d), IDREG_OK);
	put_source(&f);
	int64_t first, second;
	insert_all(&f, &first, &second);
	idreg_err err = g_store->ops->commit(g_store, &d);
	if (err != IDREG_OK) {
		fail_msg("commit: %s: %s", idreg_strerror_name(err), d.text);
	}
	assert_holds("test", f.records, f.count);
	assert_holds(NULL, f.records, f.count);
	assert_holds("other", NULL, 0);
	assert_int_equal(sql_count("SELECT count(*) FROM numres"), 6);
	/* Each batch got the ids first_id .. first_id + n - 1. */
	struct collected c;
	collect("test", &c);
	int64_t want_ids[6] = { first, first + 1, first + 2, second, second + 1, second + 2 };
	for (size_t k = 0; k < 6; k++) {
		bool found = false;
		for (size_t i = 0; i < c.n; i++) {
			found = found || c.ids[i] == want_ids[k];
		}
		if (!found) {
			fail_msg("no record has id %lld", (long long)want_ids[k]);
		}
	}
	/* Durable: a new handle sees the same. */
	open_store(false);
	assert_holds("test", f.records, f.count);
	struct idreg_source src;
	assert_int_equal(g_store->ops->source_get(g_store, "test", &src, &d), IDREG_OK);
	assert_string_equal(src.header.registry, "test");
	assert_string_equal(src.header.serial, "20240101");
	assert_string_equal(src.header.version, "2");
	assert_string_equal(src.header.utcoffset, "+0000");
	assert_string_equal(src.file, "small.txt");
	assert_true(src.imported_at[0] != '\0');
}

struct count_ctx {
	uint64_t by[IDREG_RESTYPE_COUNT][IDREG_STATUS_COUNT];
	size_t rows;
};

static idreg_err count_cb(void *ctx, const struct idreg_count_row *row)
{
	struct count_ctx *c = ctx;
	assert_string_equal(row->source, "test");
	c->by[row->type][row->status] += row->count;
	c->rows++;
	return IDREG_OK;
}

static void test_counts(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file f;
	read_rir("small.txt", small_file, &f);
	struct idreg_import_options io = { 0 };
	struct idreg_import_result r;
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_import_rir(g_store, &f, &io, &r, &d), IDREG_OK);
	struct count_ctx c;
	memset(&c, 0, sizeof(c));
	assert_int_equal(g_store->ops->numres_count(g_store, count_cb, &c, &d), IDREG_OK);
	assert_int_equal(c.by[IDREG_RES_ASN][IDREG_STATUS_ALLOCATED], 1);
	assert_int_equal(c.by[IDREG_RES_ASN][IDREG_STATUS_RESERVED], 1);
	assert_int_equal(c.by[IDREG_RES_IPV4][IDREG_STATUS_ASSIGNED], 1);
	assert_int_equal(c.by[IDREG_RES_IPV4][IDREG_STATUS_AVAILABLE], 1);
	assert_int_equal(c.by[IDREG_RES_IPV6][IDREG_STATUS_ALLOCATED], 1);
	assert_int_equal(c.by[IDREG_RES_IPV6][IDREG_STATUS_RESERVED], 1);
	assert_int_equal(c.rows, 6);
}

/* ---- imports ---- */

/* Version A of a registry's file. */
static const char file_a[] =
	"2|test|20240101|5|19830101|20240101|+0000\n"
	"test|*|asn|*|2|summary\n"
	"test|*|ipv4|*|2|summary\n"
	"test|*|ipv6|*|1|summary\n"
	"test|US|asn|64496|16|20100101|allocated|H1\n"            /* r1: unchanged in B */
	"test|US|asn|65536|1|20100101|allocated|H2\n"             /* r2: status changes */
	"test|US|ipv4|192.0.2.0|256|20100101|assigned|H1\n"       /* r3: holder changes */
	"test|DE|ipv4|198.51.100.0|256|20100101|assigned|H3\n"    /* r4: deleted in B */
	"test|DE|ipv6|2001:db8::|32|20110101|allocated|H2|e1\n";  /* r5: extension changes */

/* Version B, a month later. */
static const char file_b[] =
	"2|test|20240201|6|19830101|20240201|+0000\n"
	"test|*|asn|*|2|summary\n"
	"test|*|ipv4|*|2|summary\n"
	"test|*|ipv6|*|2|summary\n"
	"test|US|asn|64496|16|20100101|allocated|H1\n"
	"test|US|asn|65536|1|20100101|reserved|H2\n"
	"test|US|ipv4|192.0.2.0|256|20100101|assigned|H9\n"
	"test|US|ipv4|203.0.113.0|128|20240115|assigned|H4\n"     /* new */
	"test|DE|ipv6|2001:db8::|32|20110101|allocated|H2|e2\n"
	"test|FR|ipv6|3fff::|20|20240120|allocated|H5\n";         /* new */

static void import_ok(const struct idreg_rir_file *f, bool force, struct idreg_import_result *r)
{
	struct idreg_import_options io = { .force = force };
	struct idreg_diag d = { "" };
	idreg_err err = idreg_import_rir(g_store, f, &io, r, &d);
	if (err != IDREG_OK) {
		fail_msg("import %s: %s: %s", f->path, idreg_strerror_name(err), d.text);
	}
}

static void assert_result(const struct idreg_import_result *r, size_t created, size_t updated,
			  size_t deleted, size_t unchanged)
{
	if (r->created != created || r->updated != updated || r->deleted != deleted ||
	    r->unchanged != unchanged) {
		fail_msg("created %zu updated %zu deleted %zu unchanged %zu; expected %zu %zu %zu %zu",
			 r->created, r->updated, r->deleted, r->unchanged, created, updated, deleted,
			 unchanged);
	}
}

static void test_import_changes(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file a, b;
	read_rir("a.txt", file_a, &a);
	read_rir("b.txt", file_b, &b);
	struct idreg_import_result r;

	import_ok(&a, false, &r);
	assert_result(&r, 5, 0, 0, 0);
	assert_string_equal(r.previous_serial, "");
	assert_holds("test", a.records, a.count);
	/* History: creations are recorded (one row per record or per run of
	 * records), nothing else happened. */
	long long created_rows = history_rows("create");
	assert_true(created_rows >= 1 && created_rows <= 5);
	assert_int_equal(history_rows("update"), 0);
	assert_int_equal(history_rows("delete"), 0);
	assert_int_equal(sql_count("SELECT count(*) FROM history"), created_rows);
	assert_int_equal(sql_count("SELECT count(*) FROM history WHERE before_text IS NOT NULL"), 0);

	import_ok(&b, false, &r);
	/* r1 unchanged; r2, r3, r5 updated; r4 deleted; two new. */
	assert_result(&r, 2, 3, 1, 1);
	assert_string_equal(r.previous_serial, "20240101");
	assert_holds("test", b.records, b.count);
	long long created_now = history_rows("create") - created_rows;
	assert_true(created_now >= 1 && created_now <= 2);
	assert_int_equal(history_rows("update"), 3);
	assert_int_equal(history_rows("delete"), 1);
	long long total = sql_count("SELECT count(*) FROM history");
	assert_int_equal(total, created_rows + created_now + 3 + 1);
	/* An update keeps the record before and after; a delete the record before. */
	assert_int_equal(sql_count("SELECT count(*) FROM history WHERE action = 'update' AND "
				   "before_text IS NOT NULL AND after_text IS NOT NULL"),
			 3);
	assert_int_equal(sql_count("SELECT count(*) FROM history WHERE action = 'delete' AND "
				   "before_text LIKE '%198.51.100.0%' AND after_text IS NULL"),
			 1);
	assert_int_equal(sql_count("SELECT count(*) FROM history WHERE action = 'update' AND "
				   "before_text LIKE '%|H1' AND after_text LIKE '%|H9'"),
			 1);
	assert_int_equal(sql_count("SELECT count(*) FROM history WHERE action = 'update' AND "
				   "before_text LIKE '%|allocated|H2' AND after_text LIKE '%|reserved|H2'"),
			 1);
	assert_int_equal(sql_count("SELECT count(*) FROM history WHERE action = 'update' AND "
				   "before_text LIKE '%|H2|e1' AND after_text LIKE '%|H2|e2'"),
			 1);
	struct idreg_source src;
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->source_get(g_store, "test", &src, &d), IDREG_OK);
	assert_string_equal(src.header.serial, "20240201");
	assert_string_equal(src.file, "b.txt");

	/* The same file again changes nothing and adds no history. */
	import_ok(&b, false, &r);
	assert_result(&r, 0, 0, 0, 6);
	assert_string_equal(r.previous_serial, "20240201");
	assert_holds("test", b.records, b.count);
	assert_int_equal(sql_count("SELECT count(*) FROM history"), total);
}

static void test_import_older_refused(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file a, b;
	read_rir("a.txt", file_a, &a);
	read_rir("b.txt", file_b, &b);
	struct idreg_import_result r;
	import_ok(&b, false, &r);
	long long history = sql_count("SELECT count(*) FROM history");

	/* A is older than B. */
	struct idreg_import_options io = { 0 };
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_import_rir(g_store, &a, &io, &r, &d), IDREG_ESTALE);
	assert_non_null(strstr(d.text, "20240101"));
	assert_non_null(strstr(d.text, "20240201"));
	assert_holds("test", b.records, b.count);
	assert_int_equal(sql_count("SELECT count(*) FROM history"), history);
	struct idreg_source src;
	assert_int_equal(g_store->ops->source_get(g_store, "test", &src, &d), IDREG_OK);
	assert_string_equal(src.header.serial, "20240201");

	/* Forced, A replaces B: r4 comes back, the two new ones go, three revert. */
	long long updates = history_rows("update"), deletes = history_rows("delete");
	long long creates = history_rows("create");
	import_ok(&a, true, &r);
	assert_result(&r, 1, 3, 2, 1);
	assert_holds("test", a.records, a.count);
	assert_int_equal(history_rows("update"), updates + 3);
	assert_int_equal(history_rows("delete"), deletes + 2);
	assert_int_equal(history_rows("create"), creates + 1);
	assert_int_equal(g_store->ops->source_get(g_store, "test", &src, &d), IDREG_OK);
	assert_string_equal(src.header.serial, "20240101");
}

static void test_import_serial_kinds(void **state)
{
	(void)state;
	/* Epoch seconds (RIPE NCC) and epoch milliseconds (ARIN) compare as times. */
	open_store(true);
	static const char ms_new[] = "2.3|arin|1567951216119|1|19700101|20190908|-0400\n"
				     "arin|*|asn|*|1|summary\n"
				     "arin|US|asn|1|1|20010920|assigned|x\n";
	static const char s_old[] = "2|arin|1567900000|1|19700101|20190907|-0400\n"
				    "arin|*|asn|*|1|summary\n"
				    "arin|US|asn|1|1|20010920|assigned|x\n";
	struct idreg_rir_file newer, older;
	read_rir("newer", ms_new, &newer);
	read_rir("older", s_old, &older);
	struct idreg_import_result r;
	import_ok(&newer, false, &r);
	struct idreg_import_options io = { 0 };
	struct idreg_diag d = { "" };
	assert_int_equal(idreg_import_rir(g_store, &older, &io, &r, &d), IDREG_ESTALE);
	assert_true(idreg_rir_header_older(&older.header, &newer.header));
	assert_false(idreg_rir_header_older(&newer.header, &older.header));
	assert_false(idreg_rir_header_older(&newer.header, &newer.header));
}

static void test_import_registries_apart(void **state)
{
	(void)state;
	/* Importing one registry leaves another's records alone. */
	open_store(true);
	static const char other[] = "2|other|20240101|1|19830101|20240101|+0000\n"
				    "other|*|asn|*|1|summary\n"
				    "other|NL|asn|1101|1|20000101|allocated|H1\n";
	struct idreg_rir_file a, o, b;
	read_rir("a.txt", file_a, &a);
	read_rir("other.txt", other, &o);
	read_rir("b.txt", file_b, &b);
	struct idreg_import_result r;
	import_ok(&a, false, &r);
	import_ok(&o, false, &r);
	assert_result(&r, 1, 0, 0, 0);
	import_ok(&b, false, &r);
	assert_result(&r, 2, 3, 1, 1);
	assert_holds("other", o.records, o.count);
	assert_holds("test", b.records, b.count);
	/* Holder ids are per registry: "H1" of test and of other are two holders. */
	assert_int_equal(sql_count("SELECT count(*) FROM holder WHERE opaque_id = 'H1'"), 2);
}

/* What the store holds, in numbers, to compare before and after a failure. */
struct snapshot {
	long long numres, history, holders, sources;
	char serial[24];
};

static void take_snapshot(struct snapshot *s)
{
	s->numres = sql_count("SELECT count(*) FROM numres");
	s->history = sql_count("SELECT count(*) FROM history");
	s->holders = sql_count("SELECT count(*) FROM holder");
	s->sources = sql_count("SELECT count(*) FROM rir_source");
	struct idreg_source src;
	struct idreg_diag d = { "" };
	assert_int_equal(g_store->ops->source_get(g_store, "test", &src, &d), IDREG_OK);
	snprintf(s->serial, sizeof(s->serial), "%s", src.header.serial);
}

static void assert_same_snapshot(const struct snapshot *a, const struct snapshot *b)
{
	assert_int_equal(a->numres, b->numres);
	assert_int_equal(a->history, b->history);
	assert_int_equal(a->holders, b->holders);
	assert_int_equal(a->sources, b->sources);
	assert_string_equal(a->serial, b->serial);
}

static void test_import_busy(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file a, b;
	read_rir("a.txt", file_a, &a);
	read_rir("b.txt", file_b, &b);
	struct idreg_import_result r;
	import_ok(&a, false, &r);
	struct snapshot before, after;
	take_snapshot(&before);

	/* Another connection holds the write lock. */
	assert_int_equal(sqlite3_open(g_db, &g_other), SQLITE_OK);
	sql_exec(g_other, "BEGIN EXCLUSIVE");
	struct idreg_import_options io = { 0 };
	struct idreg_diag d = { "" };
	idreg_err err = idreg_import_rir(g_store, &b, &io, &r, &d);
	assert_int_equal(err, IDREG_EBUSY);
	assert_non_null(strstr(d.text, g_db));
	sql_exec(g_other, "ROLLBACK");
	sqlite3_close(g_other);
	g_other = NULL;

	take_snapshot(&after);
	assert_same_snapshot(&before, &after);
	assert_holds("test", a.records, a.count);

	/* Once the lock is gone the same import goes through. */
	import_ok(&b, false, &r);
	assert_result(&r, 2, 3, 1, 1);
	assert_holds("test", b.records, b.count);
}

static void test_import_fails_midway(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_rir_file a, b;
	read_rir("a.txt", file_a, &a);
	read_rir("b.txt", file_b, &b);
	struct idreg_import_result r;
	import_ok(&a, false, &r);
	struct snapshot before, after;
	take_snapshot(&before);

	/* Make the insert of 203.0.113.0 fail.  The import writes its source row,
	 * updates r2 and r3 and deletes r4 before it gets there (in type and
	 * address order), so the failure comes in the middle of the transaction. */
	assert_int_equal(sqlite3_open(g_db, &g_other), SQLITE_OK);
	sql_exec(g_other, "CREATE TRIGGER fail_one BEFORE INSERT ON numres "
			  "WHEN NEW.start = '203.0.113.0' "
			  "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
	struct idreg_import_options io = { 0 };
	struct idreg_diag d = { "" };
	idreg_err err = idreg_import_rir(g_store, &b, &io, &r, &d);
	assert_int_not_equal(err, IDREG_OK);
	assert_true(d.text[0] != '\0');

	take_snapshot(&after);
	assert_same_snapshot(&before, &after);
	assert_holds("test", a.records, a.count);

	/* The store is still usable. */
	sql_exec(g_other, "DROP TRIGGER fail_one");
	sqlite3_close(g_other);
	g_other = NULL;
	long long updates = history_rows("update"), deletes = history_rows("delete");
	import_ok(&b, false, &r);
	assert_result(&r, 2, 3, 1, 1);
	assert_holds("test", b.records, b.count);
	assert_int_equal(history_rows("update"), updates + 3);
	assert_int_equal(history_rows("delete"), deletes + 1);
	assert_true(sql_count("SELECT count(*) FROM history") >= before.history + 5);
}

static void test_import_empty_file(void **state)
{
	(void)state;
	/* A file with no records empties the registry's records. */
	open_store(true);
	struct idreg_rir_file a, empty;
	read_rir("a.txt", file_a, &a);
	read_rir("empty.txt",
		 "2|test|20240301|0|19830101|20240301|+0000\n"
		 "test|*|asn|*|0|summary\ntest|*|ipv4|*|0|summary\ntest|*|ipv6|*|0|summary\n",
		 &empty);
	struct idreg_import_result r;
	import_ok(&a, false, &r);
	long long max_id = sql_count("SELECT max(id) FROM numres");
	import_ok(&empty, false, &r);
	assert_result(&r, 0, 0, 5, 0);
	assert_holds("test", NULL, 0);
	assert_int_equal(history_rows("delete"), 5);
	/* Ids are never reused: A again (forced, it is older) gets new ones. */
	import_ok(&a, true, &r);
	assert_result(&r, 5, 0, 0, 0);
	assert_holds("test", a.records, a.count);
	assert_true(sql_count("SELECT min(id) FROM numres") > max_id);
}

/* Rows of the register's classification as one line each, in the order read. */
static idreg_err class_line_cb(void *ctx, const struct idreg_eir_class *c)
{
	char line[160];
	snprintf(line, sizeof(line), "%s %s %s-%s %s %d %lld\n", c->imei, c->condition,
		 c->start_date, c->end_date, c->block_date, c->blocking, (long long)c->run_id);
	strncat(ctx, line, 1023 - strlen(ctx));
	return IDREG_OK;
}

static idreg_err observation_line_cb(void *ctx, const struct idreg_eir_observation *o)
{
	char line[160];
	snprintf(line, sizeof(line), "%s %s %s %s %s %u\n", o->imei, o->operator_name, o->month,
		 o->imsi, o->first_seen, o->days);
	strncat(ctx, line, 1023 - strlen(ctx));
	return IDREG_OK;
}

static idreg_err run_line_cb(void *ctx, const struct idreg_eir_class_run *r)
{
	char line[160];
	snprintf(line, sizeof(line), "%lld %s %llu/%llu\n", (long long)r->id, r->run_date,
		 (unsigned long long)r->matched, (unsigned long long)r->imeis);
	strncat(ctx, line, 1023 - strlen(ctx));
	return IDREG_OK;
}

/* The register read back: observations grouped by IMEI, a classification
 * period closed by a later put of the same key, current rows apart. */
static void test_eir_read_back(void **state)
{
	(void)state;
	open_store(true);
	struct idreg_diag d = { "" };
	const struct idreg_eir_observation obs[] = {
		{ "op2", "2026-01", "35000000000002", "350000000000028", "001020000000001", "1",
		  "2026-01-03", "2026-01-04", 12, 1 },
		{ "op1", "2026-01", "35000000000002", "350000000000028", "001010000000001", "1",
		  "2026-01-01", "2026-01-01", 1, 1 },
		{ "op1", "2026-01", "01000000000001", "1000000000001", "001010000000002", "2",
		  "2026-01-02", "2026-01-02", 2, 4 },
	};
	const struct idreg_eir_class cls[] = {
		{ "35000000000002", "duplicate", "2026-01-05", "", "2026-02-04", true, 1 },
		{ "01000000000001", "not_registered", "2026-01-05", "", "", false, 1 },
	};
	struct idreg_eir_class_run run = { 0, "2026-01-05", "2026-11-28T00:00:00Z",
					   "2026-11-28T00:00:01Z", "duplicate 3", 2, 2 };
	int64_t run_id = 0;
	assert_int_equal(g_store->ops->begin(g_store, &d), IDREG_OK);
	assert_int_equal(g_store->ops->eir_observe(g_store, obs, 3, &d), IDREG_OK);
	assert_int_equal(g_store->ops->eir_class_run_add(g_store, &run, &run_id, &d), IDREG_OK);
	assert_int_equal(g_store->ops->eir_class_put(g_store, cls, 2, &d), IDREG_OK);
	const struct idreg_eir_class closed = { "01000000000001", "not_registered", "2026-01-05",
						"2026-01-09", "", false, 2 };
	assert_int_equal(g_store->ops->eir_class_put(g_store, &closed, 1, &d), IDREG_OK);
	assert_int_equal(g_store->ops->commit(g_store, &d), IDREG_OK);
	assert_int_equal(run_id, 1);

	char text[1024] = "";
	assert_int_equal(g_store->ops->eir_observation_each(g_store, NULL, observation_line_cb,
							    text, &d),
			 IDREG_OK);
	assert_string_equal(text, "01000000000001 op1 2026-01 001010000000002 2026-01-02 2\n"
				  "35000000000002 op1 2026-01 001010000000001 2026-01-01 1\n"
				  "35000000000002 op2 2026-01 001020000000001 2026-01-03 12\n");
	text[0] = '\0';
	assert_int_equal(g_store->ops->eir_observation_each(g_store, "01000000000001",
							    observation_line_cb, text, &d),
			 IDREG_OK);
	assert_string_equal(text, "01000000000001 op1 2026-01 001010000000002 2026-01-02 2\n");
	text[0] = '\0';
	assert_int_equal(g_store->ops->eir_class_each(g_store, false, NULL, class_line_cb, text, &d),
			 IDREG_OK);
	assert_string_equal(text, "01000000000001 not_registered 2026-01-05-2026-01-09  0 2\n"
				  "35000000000002 duplicate 2026-01-05- 2026-02-04 1 1\n");
	text[0] = '\0';
	assert_int_equal(g_store->ops->eir_class_each(g_store, true, NULL, class_line_cb, text, &d),
			 IDREG_OK);
	assert_string_equal(text, "35000000000002 duplicate 2026-01-05- 2026-02-04 1 1\n");
	text[0] = '\0';
	assert_int_equal(g_store->ops->eir_class_each(g_store, true, "01000000000001",
						      class_line_cb, text, &d),
			 IDREG_OK);
	assert_string_equal(text, "");
	assert_int_equal(g_store->ops->eir_class_run_each(g_store, run_line_cb, text, &d),
			 IDREG_OK);
	assert_string_equal(text, "1 2026-01-05 2/2\n");
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_open_create),
		T(test_eir_read_back),
		T(test_open_missing),
		T(test_open_not_a_registry),
		T(test_open_newer_schema),
		T(test_rollback),
		T(test_commit),
		T(test_counts),
		T(test_import_changes),
		T(test_import_older_refused),
		T(test_import_serial_kinds),
		T(test_import_registries_apart),
		T(test_import_busy),
		T(test_import_fails_midway),
		T(test_import_empty_file),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
