/*
 * Unit tests for the allocation engine (lib/numres/alloc.c).  The choice of
 * a block is checked on random request and return sequences against brute
 * force over a bitmap of the pool: no overlap, best fit picks a block whose
 * largest free aligned surrounding is the smallest there is, a request fails
 * only when no aligned free block exists (so returned space is reused), ASNs
 * go lowest first, and IPv6 sparse allocation leaves each of the first
 * allocations the aligned block it can grow into.  On a real store: the
 * reserve holds, the waiting list is first come first served, refusals say
 * why, and a failed write leaves the store as it was.
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

#include "numres/alloc.h"
#include "store/store.h"

/* ---- a deterministic generator (xorshift64), so a failure repeats ---- */

static uint64_t g_rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(uint64_t n)
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return g_rng % n;
}

/* ---- brute force over a small IPv4 pool: one byte per address ---- */

#define POOL_LEN 20                     /* a /20 */
#define POOL_SIZE (1u << (32 - POOL_LEN))
#define POOL_BASE 0xC6330000u           /* 198.51.0.0 */

static unsigned char g_used[POOL_SIZE];

static bool block_free(uint32_t offset, unsigned len)
{
	uint32_t size = 1u << (32 - len);
	for (uint32_t i = 0; i < size; i++) {
		if (g_used[offset + i]) {
			return false;
		}
	}
	return true;
}

/* The shortest prefix length of an all-free aligned block (inside the pool)
 * that holds the free /len at @offset. */
static unsigned largest_free_around(uint32_t offset, unsigned len)
{
	while (len > POOL_LEN) {
		unsigned wider = len - 1;
		uint32_t start = offset & ~((1u << (32 - wider)) - 1);
		if (!block_free(start, wider)) {
			break;
		}
		offset = start;
		len = wider;
	}
	return len;
}

struct block {
	idreg_u128 first, last;
};

static void taken_ranges(const struct block *held, size_t n, struct idreg_alloc_range *out)
{
	for (size_t i = 0; i < n; i++) {
		out[i] = (struct idreg_alloc_range){ held[i].first, held[i].last };
	}
}

static void test_best_fit_random(void **state)
{
	(void)state;
	struct block held[POOL_SIZE / 16];
	size_t count = 0;
	memset(g_used, 0, sizeof(g_used));
	struct idreg_alloc_range pool = { POOL_BASE, POOL_BASE + POOL_SIZE - 1 };
	for (int step = 0; step < 3000; step++) {
		if (count > 0 && rnd(3) == 0) { /* return one */
			size_t k = rnd(count);
			for (idreg_u128 a = held[k].first; a <= held[k].last; a++) {
				g_used[a - POOL_BASE] = 0;
			}
			held[k] = held[--count];
			continue;
		}
		unsigned len = 22 + (unsigned)rnd(7); /* /22 .. /28 */
		struct idreg_alloc_range taken[POOL_SIZE / 16], *free_ranges, got;
		size_t nfree;
		taken_ranges(held, count, taken);
		assert_int_equal(idreg_alloc_free_space(&pool, 1, taken, count, &free_ranges, &nfree),
				 IDREG_OK);
		bool placed = idreg_alloc_place(IDREG_RES_IPV4, free_ranges, nfree, len, &got);
		free(free_ranges);

		/* Brute force: every aligned free /len and how large its free surrounding is. */
		uint32_t size = 1u << (32 - len);
		unsigned best_around = 0; /* longest prefix of a surrounding: the smallest block */
		bool any = false;
		for (uint32_t off = 0; off < POOL_SIZE; off += size) {
			if (block_free(off, len)) {
				unsigned around = largest_free_around(off, len);
				best_around = !any || around > best_around ? around : best_around;
				any = true;
			}
		}
		assert_int_equal(placed, any);
		if (!placed) {
			continue;
		}
		uint32_t off = (uint32_t)(got.first - POOL_BASE);
		assert_true(got.first >= pool.first && got.last <= pool.last);
		assert_true(got.last - got.first + 1 == size);
		assert_int_equal(off % size, 0);
		assert_true(block_free(off, len)); /* no overlap */
		assert_int_equal(largest_free_around(off, len), best_around); /* best fit */
		memset(&g_used[off], 1, size);
		held[count++] = (struct block){ got.first, got.last };
	}
}

static void test_free_space(void **state)
{
	(void)state;
	struct idreg_alloc_range pools[2] = { { 200, 299 }, { 100, 149 } };
	struct idreg_alloc_range taken[3] = { { 250, 299 }, { 100, 109 }, { 120, 129 } };
	struct idreg_alloc_range *out;
	size_t n;
	assert_int_equal(idreg_alloc_free_space(pools, 2, taken, 3, &out, &n), IDREG_OK);
	assert_int_equal(n, 3);
	assert_true(out[0].first == 110 && out[0].last == 119);
	assert_true(out[1].first == 130 && out[1].last == 149);
	assert_true(out[2].first == 200 && out[2].last == 249);
	free(out);
}

static void test_asn_lowest_random(void **state)
{
	(void)state;
	enum { FIRST = 64496, COUNT = 64 };
	unsigned char used[COUNT] = { 0 };
	struct idreg_alloc_range pool = { FIRST, FIRST + COUNT - 1 };
	struct block held[COUNT];
	size_t count = 0;
	for (int step = 0; step < 2000; step++) {
		if (count > 0 && rnd(3) == 0) {
			size_t k = rnd(count);
			memset(&used[held[k].first - FIRST], 0, (size_t)(held[k].last - held[k].first + 1));
			held[k] = held[--count];
			continue;
		}
		uint64_t want = 1 + rnd(4);
		struct idreg_alloc_range taken[COUNT], *free_ranges, got;
		size_t nfree;
		taken_ranges(held, count, taken);
		assert_int_equal(idreg_alloc_free_space(&pool, 1, taken, count, &free_ranges, &nfree),
				 IDREG_OK);
		bool placed = idreg_alloc_place(IDREG_RES_ASN, free_ranges, nfree, want, &got);
		free(free_ranges);
		int lowest = -1; /* brute force: the first run of @want free numbers */
		for (int s = 0; s + (int)want <= COUNT && lowest < 0; s++) {
			bool ok = true;
			for (int i = 0; i < (int)want; i++) {
				ok &= !used[s + i];
			}
			lowest = ok ? s : -1;
		}
		assert_int_equal(placed, lowest >= 0);
		if (placed) {
			assert_true(got.first == (idreg_u128)(FIRST + lowest));
			assert_true(got.last == got.first + want - 1);
			memset(&used[lowest], 1, want);
			held[count++] = (struct block){ got.first, got.last };
		}
	}
}

/* Sparse: after m allocations of /48 in a /32 (m <= 2^k), each one's
 * aligned /(32+k) holds no other one, so each can grow to that size. */
static void test_sparse_room_to_grow(void **state)
{
	(void)state;
	const idreg_u128 base = (idreg_u128)0x20010db8u << 96;
	struct idreg_alloc_range pool = { base, base | idreg_host_mask(128, 32) };
	struct idreg_alloc_range held[64];
	for (size_t m = 1; m <= 64; m++) {
		struct idreg_alloc_range *free_ranges, got;
		size_t nfree;
		assert_int_equal(idreg_alloc_free_space(&pool, 1, held, m - 1, &free_ranges, &nfree),
				 IDREG_OK);
		assert_true(idreg_alloc_place(IDREG_RES_IPV6, free_ranges, nfree, 48, &got));
		free(free_ranges);
		held[m - 1] = got;
		unsigned k = 0;
		while (((size_t)1 << k) < m) {
			k++;
		}
		idreg_u128 room = idreg_host_mask(128, 32 + k);
		for (size_t i = 0; i < m; i++) {
			for (size_t j = 0; j < m; j++) {
				if (i != j) {
					assert_false((held[i].first & ~room) == (held[j].first & ~room));
				}
			}
		}
	}
	/* Best fit, by contrast, packs them: the second /48 is next to the first. */
	struct idreg_alloc_range four = { POOL_BASE, POOL_BASE + 1023 }, first = { POOL_BASE, POOL_BASE + 255 };
	struct idreg_alloc_range *free_ranges, got;
	size_t nfree;
	assert_int_equal(idreg_alloc_free_space(&four, 1, &first, 1, &free_ranges, &nfree), IDREG_OK);
	assert_true(idreg_alloc_place(IDREG_RES_IPV4, free_ranges, nfree, 24, &got));
	assert_true(got.first == POOL_BASE + 256);
	free(free_ranges);
}

/* Random mixed IPv6 sizes with returns: no two allocations overlap. */
static void test_sparse_no_overlap(void **state)
{
	(void)state;
	const idreg_u128 base = (idreg_u128)0x20010db8u << 96;
	struct idreg_alloc_range pool = { base, base | idreg_host_mask(128, 29) };
	struct idreg_alloc_range held[128];
	size_t count = 0;
	for (int step = 0; step < 400; step++) {
		if (count > 0 && rnd(4) == 0) {
			held[rnd(count)] = held[count - 1];
			count--;
			continue;
		}
		struct idreg_alloc_range *free_ranges, got;
		size_t nfree;
		assert_int_equal(idreg_alloc_free_space(&pool, 1, held, count, &free_ranges, &nfree),
				 IDREG_OK);
		bool placed = idreg_alloc_place(IDREG_RES_IPV6, free_ranges, nfree, 32 + rnd(9), &got);
		free(free_ranges);
		if (!placed || count == 128) {
			continue;
		}
		assert_true(got.first >= pool.first && got.last <= pool.last);
		for (size_t i = 0; i < count; i++) {
			assert_false(got.first <= held[i].last && held[i].first <= got.last);
		}
		held[count++] = got;
	}
}

static void test_hd_ratio(void **state)
{
	(void)state;
	double hd;
	/* 256 /56s (a /48) of the 2^24 in a /32: log 2^8 / log 2^24 = 1/3. */
	assert_true(idreg_alloc_hd_ratio(256, (idreg_u128)1 << 24, &hd));
	assert_true(hd > 0.33333 && hd < 0.33334);
	assert_false(idreg_alloc_hd_ratio(0, 16, &hd));
	assert_false(idreg_alloc_hd_ratio(1, 1, &hd));
}

/* ---- on a real store ---- */

static char g_dir[64], g_db[128];
static struct idreg_store *g_store;
static struct idreg_alloc_policy g_policy;

static int setup(void **state)
{
	(void)state;
	snprintf(g_dir, sizeof(g_dir), "/tmp/idreg-test-alloc-XXXXXX");
	if (mkdtemp(g_dir) == NULL) {
		return -1;
	}
	snprintf(g_db, sizeof(g_db), "%s/registry.db", g_dir);
	struct idreg_store_options opts = { .backend = "sqlite", .path = g_db, .busy_timeout_ms = 1000,
					    .create = true };
	struct idreg_diag diag;
	if (idreg_store_open(&opts, &g_store, &diag) != IDREG_OK) {
		return -1;
	}
	g_policy = (struct idreg_alloc_policy){ .registry = "natreg", .cc = "KE", .asn_max = 4 };
	g_policy.shortest[IDREG_RES_IPV4] = 16;
	g_policy.longest[IDREG_RES_IPV4] = 28;
	g_policy.shortest[IDREG_RES_IPV6] = 29;
	g_policy.longest[IDREG_RES_IPV6] = 48;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	idreg_store_close(g_store);
	g_store = NULL;
	char path[160];
	const char *suffixes[] = { "", "-wal", "-shm" };
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s%s", g_db, suffixes[i]);
		unlink(path);
	}
	rmdir(g_dir);
	return 0;
}

static void add_pool(const char *prefix, idreg_u128 reserve)
{
	struct idreg_prefix p;
	struct idreg_diag diag;
	assert_int_equal(idreg_prefix_parse(prefix, strlen(prefix), &p, &diag), IDREG_OK);
	assert_int_equal(idreg_alloc_pool_add(g_store, &g_policy, p.addr.type, p.addr.value,
					      idreg_prefix_last(&p), reserve, "test", &diag),
			 IDREG_OK);
}

static idreg_err request(enum idreg_restype type, const char *holder, uint64_t size,
			 struct idreg_alloc_outcome *out, struct idreg_diag *diag)
{
	struct idreg_alloc_request req = { .type = type, .holder = holder, .size = size };
	return idreg_alloc_request(g_store, &g_policy, &req, "test", out, diag);
}

static idreg_u128 v4(uint32_t a)
{
	return a;
}

static void test_reserve_holds(void **state)
{
	(void)state;
	add_pool("192.0.2.0/24", 64);
	struct idreg_alloc_outcome out;
	struct idreg_diag diag;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(request(IDREG_RES_IPV4, "H", 26, &out, &diag), IDREG_OK);
		assert_false(out.waiting);
		struct idreg_alloc_view view;
		assert_int_equal(idreg_alloc_view_load(g_store, &g_policy, &view, &diag), IDREG_OK);
		assert_true(idreg_alloc_pool_free(&view, 0) >= 64);
		idreg_alloc_view_free(&view);
	}
	assert_int_equal(request(IDREG_RES_IPV4, "H", 26, &out, &diag), IDREG_OK);
	assert_true(out.waiting);
	assert_int_equal(out.position, 1);
	assert_non_null(strstr(out.reason, "reserve"));
	/* Refused rather than queued with no_wait; never for a size no pool holds. */
	struct idreg_alloc_request req = { .type = IDREG_RES_IPV4, .holder = "J", .size = 28,
					   .no_wait = true };
	assert_int_equal(idreg_alloc_request(g_store, &g_policy, &req, "test", &out, &diag),
			 IDREG_EREFUSED);
	assert_int_equal(request(IDREG_RES_IPV4, "H", 16, &out, &diag), IDREG_EREFUSED);
	assert_non_null(strstr(diag.text, "no ipv4 pool can hold a /16"));
}

struct served_log {
	char holders[8][16];
	size_t count;
};

static void log_served(void *ctx, const struct idreg_alloc_waiting *w,
		       const struct idreg_alloc_range *block, int64_t id)
{
	(void)block;
	(void)id;
	struct served_log *log = ctx;
	snprintf(log->holders[log->count++], sizeof(log->holders[0]), "%s", w->holder);
}

static void test_waiting_list_order(void **state)
{
	(void)state;
	add_pool("192.0.2.0/24", 0);
	struct idreg_alloc_outcome out;
	struct idreg_diag diag;
	assert_int_equal(request(IDREG_RES_IPV4, "A", 25, &out, &diag), IDREG_OK);
	assert_true(out.block.first == v4(0xC0000200u));
	assert_int_equal(request(IDREG_RES_IPV4, "B", 26, &out, &diag), IDREG_OK);
	assert_true(out.block.first == v4(0xC0000280u));
	struct idreg_alloc_range b = out.block;
	assert_int_equal(request(IDREG_RES_IPV4, "C", 25, &out, &diag), IDREG_OK);
	assert_true(out.waiting && out.position == 1);
	/* D would fit in the free /26, but C came first. */
	assert_int_equal(request(IDREG_RES_IPV4, "D", 27, &out, &diag), IDREG_OK);
	assert_true(out.waiting && out.position == 2);
	struct served_log log = { .count = 0 };
	size_t served;
	assert_int_equal(idreg_alloc_serve(g_store, &g_policy, "test", log_served, &log, &served, &diag),
			 IDREG_OK);
	assert_int_equal(served, 0);
	/* B returned: its space is reused, C (the /25) first; nothing is left for D. */
	assert_int_equal(idreg_alloc_return(g_store, &g_policy, IDREG_RES_IPV4, b.first, b.last, "test",
					    &diag),
			 IDREG_OK);
	assert_int_equal(idreg_alloc_serve(g_store, &g_policy, "test", log_served, &log, &served, &diag),
			 IDREG_OK);
	assert_int_equal(served, 1);
	assert_string_equal(log.holders[0], "C");
	struct idreg_alloc_view view;
	assert_int_equal(idreg_alloc_view_load(g_store, &g_policy, &view, &diag), IDREG_OK);
	assert_int_equal(view.waiting_count, 1);
	assert_string_equal(view.waiting[0].holder, "D");
	assert_int_equal(idreg_alloc_waiting_position(&view, 0), 1);
	const struct idreg_alloc_held *c = idreg_alloc_find(&view, IDREG_RES_IPV4, v4(0xC0000280u),
							    v4(0xC00002FFu));
	assert_non_null(c);
	assert_string_equal(c->rec.opaque_id, "C");
	idreg_alloc_view_free(&view);
}

static void test_refusals(void **state)
{
	(void)state;
	struct idreg_alloc_outcome out;
	struct idreg_diag diag;
	assert_int_equal(request(IDREG_RES_IPV6, "H", 32, &out, &diag), IDREG_EREFUSED);
	assert_non_null(strstr(diag.text, "no ipv6 pool"));
	add_pool("2001:db8::/32", 0);
	assert_int_equal(request(IDREG_RES_IPV6, "H", 28, &out, &diag), IDREG_EREFUSED);
	assert_non_null(strstr(diag.text, "/29 to /48"));
	assert_int_equal(request(IDREG_RES_IPV6, "bad holder", 32, &out, &diag), IDREG_EINVAL);
	assert_int_equal(request(IDREG_RES_IPV6, "H", 32, &out, &diag), IDREG_OK);
	assert_int_equal(request(IDREG_RES_IPV6, "G", 48, &out, &diag), IDREG_EREFUSED);
	assert_non_null(strstr(diag.text, "no free /48 left"));
	assert_int_equal(request(IDREG_RES_ASN, "H", 5, &out, &diag), IDREG_EREFUSED);
	assert_non_null(strstr(diag.text, "1 to 4"));
}

static int count_rows(const char *sql)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(g_db, &db), SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* A write that fails half way (the history refuses its line) changes nothing. */
static void test_failed_write_changes_nothing(void **state)
{
	(void)state;
	add_pool("192.0.2.0/24", 0);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(g_db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "CREATE TRIGGER no_history BEFORE INSERT ON history "
				      "WHEN NEW.object_type = 'numres' BEGIN SELECT RAISE(ABORT, 'no'); END",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	int change_sets = count_rows("SELECT count(*) FROM change_set");
	struct idreg_alloc_outcome out;
	struct idreg_diag diag;
	assert_int_not_equal(request(IDREG_RES_IPV4, "H", 24, &out, &diag), IDREG_OK);
	assert_int_equal(count_rows("SELECT count(*) FROM numres"), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM rir_source"), 0);
	assert_int_equal(count_rows("SELECT count(*) FROM change_set"), change_sets);
}

/* Utilisation: addresses for IPv4; /56 units for IPv6, each counted once. */
static void test_usage(void **state)
{
	(void)state;
	add_pool("2001:db8::/32", 0);
	add_pool("192.0.2.0/24", 0);
	struct idreg_alloc_outcome out6, out4;
	struct idreg_diag diag;
	assert_int_equal(request(IDREG_RES_IPV6, "H", 40, &out6, &diag), IDREG_OK);
	assert_int_equal(request(IDREG_RES_IPV4, "H", 24, &out4, &diag), IDREG_OK);
	/* Two /64s in one /56 and a /52 (16 /56s): 17 units. */
	idreg_u128 b = out6.block.first;
	struct idreg_alloc_range a1 = { b, b | idreg_host_mask(128, 64) };
	struct idreg_alloc_range a2 = { b + ((idreg_u128)1 << 64), (b + ((idreg_u128)1 << 64)) | idreg_host_mask(128, 64) };
	struct idreg_alloc_range a3 = { b + ((idreg_u128)1 << 76), (b + ((idreg_u128)1 << 76)) | idreg_host_mask(128, 52) };
	struct idreg_alloc_range a4 = { out4.block.first, out4.block.first + 63 };
	int64_t id;
	assert_int_equal(idreg_alloc_assign(g_store, &g_policy, IDREG_RES_IPV6, &a1, &out6.block, "t", &id, &diag), IDREG_OK);
	assert_int_equal(idreg_alloc_assign(g_store, &g_policy, IDREG_RES_IPV6, &a2, &out6.block, "t", &id, &diag), IDREG_OK);
	assert_int_equal(idreg_alloc_assign(g_store, &g_policy, IDREG_RES_IPV6, &a3, &out6.block, "t", &id, &diag), IDREG_OK);
	assert_int_equal(idreg_alloc_assign(g_store, &g_policy, IDREG_RES_IPV6, &a1, &out6.block, "t", &id, &diag), IDREG_EREFUSED);
	assert_int_equal(idreg_alloc_assign(g_store, &g_policy, IDREG_RES_IPV4, &a4, &out4.block, "t", &id, &diag), IDREG_OK);
	struct idreg_alloc_view view;
	assert_int_equal(idreg_alloc_view_load(g_store, &g_policy, &view, &diag), IDREG_OK);
	struct idreg_alloc_usage u6 = { 0 }, u4 = { 0 };
	idreg_alloc_usage_add(&view, idreg_alloc_find(&view, IDREG_RES_IPV6, out6.block.first, out6.block.last), &u6);
	idreg_alloc_usage_add(&view, idreg_alloc_find(&view, IDREG_RES_IPV4, out4.block.first, out4.block.last), &u4);
	assert_true(u6.units == 65536 && u6.assigned_units == 17 && u6.assignments == 3);
	assert_true(u4.numbers == 256 && u4.assigned == 64 && u4.assignments == 1);
	idreg_alloc_view_free(&view);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_free_space),
		cmocka_unit_test(test_best_fit_random),
		cmocka_unit_test(test_asn_lowest_random),
		cmocka_unit_test(test_sparse_room_to_grow),
		cmocka_unit_test(test_sparse_no_overlap),
		cmocka_unit_test(test_hd_ratio),
		T(test_reserve_holds),
		T(test_waiting_list_order),
		T(test_refusals),
		T(test_failed_write_changes_nothing),
		T(test_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
