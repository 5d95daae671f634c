/*
 * Unit tests for lib/inet/rangeindex.c: hand-built nestings (innermost range
 * for a point, the parent for a range spanning two children, identical
 * duplicates, ranges touching 0 and the top of 32- and 128-bit spaces, the
 * empty index), then randomized property tests with a fixed seed that
 * compare point, covering and inside lookups with brute force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/error.h"
#include "inet/rangeindex.h"

#define NONE IDREG_RANGEINDEX_NONE
static const idreg_u128 MAX128 = ~(idreg_u128)0;
static const idreg_u128 MAX32 = 0xffffffffu;

#define HEX(v) (unsigned long long)((v) >> 64), (unsigned long long)(v)

/*
 * Everything a test allocates hangs off these, so that the teardown can free
 * it when a failed assertion leaves the test early.
 */
static struct idreg_rangeindex g_ix;
static struct idreg_range *g_ranges;
static uint32_t *g_want, *g_got;

static int teardown(void **state)
{
	(void)state;
	idreg_rangeindex_free(&g_ix);
	free(g_ranges);
	free(g_want);
	free(g_got);
	g_ranges = NULL;
	g_want = g_got = NULL;
	return 0;
}

static struct idreg_rangeindex *build(unsigned bits, const struct idreg_range *r, size_t n)
{
	idreg_rangeindex_free(&g_ix);
	idreg_err err = idreg_rangeindex_build(&g_ix, bits, r, n);
	if (err != IDREG_OK) {
		fail_msg("build failed: %s", idreg_strerror_name(err));
	}
	assert_int_equal(g_ix.count, n);
	return &g_ix;
}

/* The caller id of the range found, or NONE. */
static uint32_t id_at(const struct idreg_rangeindex *ix, uint32_t pos)
{
	if (pos == NONE) {
		return NONE;
	}
	assert_true(pos < ix->count);
	return ix->id[pos];
}

static uint32_t point_id(const struct idreg_rangeindex *ix, idreg_u128 key)
{
	return id_at(ix, idreg_rangeindex_point(ix, key));
}

static uint32_t covering_id(const struct idreg_rangeindex *ix, idreg_u128 first, idreg_u128 last)
{
	return id_at(ix, idreg_rangeindex_covering(ix, first, last));
}

/* The ids of the ranges inside [first, last], sorted. */
static size_t inside_ids(const struct idreg_rangeindex *ix, idreg_u128 first, idreg_u128 last,
			 uint32_t *ids, size_t max)
{
	uint32_t pos[64];
	size_t n = idreg_rangeindex_inside(ix, first, last, pos, 64);
	assert_true(n <= max && n <= 64);
	for (size_t i = 0; i < n; i++) {
		if (i > 0) {
			assert_true(pos[i] > pos[i - 1]); /* in order */
		}
		ids[i] = id_at(ix, pos[i]);
	}
	for (size_t i = 1; i < n; i++) { /* insertion sort */
		for (size_t j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
			uint32_t t = ids[j];
			ids[j] = ids[j - 1];
			ids[j - 1] = t;
		}
	}
	return n;
}

/* ---- hand-built cases ---- */

static void test_empty(void **state)
{
	(void)state;
	struct idreg_rangeindex *ix = build(32, NULL, 0);
	assert_int_equal(idreg_rangeindex_point(ix, 0), NONE);
	assert_int_equal(idreg_rangeindex_point(ix, 12345), NONE);
	assert_int_equal(idreg_rangeindex_point(ix, MAX32), NONE);
	assert_int_equal(idreg_rangeindex_covering(ix, 0, MAX32), NONE);
	uint32_t out[4];
	assert_int_equal(idreg_rangeindex_inside(ix, 0, MAX32, out, 4), 0);
	idreg_rangeindex_free(ix);

	ix = build(128, NULL, 0);
	assert_int_equal(idreg_rangeindex_point(ix, 0), NONE);
	assert_int_equal(idreg_rangeindex_point(ix, MAX128), NONE);
	assert_int_equal(idreg_rangeindex_covering(ix, 5, 6), NONE);
	assert_int_equal(idreg_rangeindex_inside(ix, 0, MAX128, out, 4), 0);
	idreg_rangeindex_free(ix);
}

static void test_invalid(void **state)
{
	(void)state;
	struct idreg_rangeindex *ix = &g_ix;
	struct idreg_range reversed[] = { { 10, 5, 1 } };
	assert_int_equal(idreg_rangeindex_build(ix, 32, reversed, 1), IDREG_EINVAL);
	struct idreg_range too_big[] = { { 0, 10, 1 }, { 0, (idreg_u128)1 << 32, 2 } };
	assert_int_equal(idreg_rangeindex_build(ix, 32, too_big, 2), IDREG_EINVAL);
	struct idreg_range fine[] = { { 0, 10, 1 } };
	assert_int_equal(idreg_rangeindex_build(ix, 64, fine, 1), IDREG_EINVAL);
	assert_int_equal(idreg_rangeindex_build(ix, 16, fine, 1), IDREG_EINVAL);
}

/*
 *   A [0, 1000]
 *     B [100, 199]
 *       C [150, 159]
 *     D [300, 399]
 *   E [2000, 2999] (beside A)
 */
static const struct idreg_range nested[] = {
	{ 300, 399, 4 }, { 0, 1000, 1 }, { 150, 159, 3 }, { 2000, 2999, 5 }, { 100, 199, 2 },
};

static void check_nested(unsigned bits, idreg_u128 base)
{
	struct idreg_range r[5];
	for (int i = 0; i < 5; i++) {
		r[i] = nested[i];
		r[i].first += base;
		r[i].last += base;
	}
	struct idreg_rangeindex *ix = build(bits, r, 5);
	/* A point in nested ranges gets the innermost. */
	assert_int_equal(point_id(ix, base + 155), 3);
	assert_int_equal(point_id(ix, base + 150), 3);
	assert_int_equal(point_id(ix, base + 159), 3);
	assert_int_equal(point_id(ix, base + 149), 2);
	assert_int_equal(point_id(ix, base + 160), 2);
	assert_int_equal(point_id(ix, base + 100), 2);
	assert_int_equal(point_id(ix, base + 199), 2);
	assert_int_equal(point_id(ix, base + 99), 1);
	assert_int_equal(point_id(ix, base + 200), 1);
	assert_int_equal(point_id(ix, base + 350), 4);
	assert_int_equal(point_id(ix, base + 0), 1);
	assert_int_equal(point_id(ix, base + 1000), 1);
	assert_int_equal(point_id(ix, base + 1001), NONE);
	assert_int_equal(point_id(ix, base + 1999), NONE);
	assert_int_equal(point_id(ix, base + 2000), 5);
	assert_int_equal(point_id(ix, base + 2999), 5);
	idreg_u128 top = bits == 128 ? MAX128 : MAX32;
	if (top - base >= 3000) {
		assert_int_equal(point_id(ix, base + 3000), NONE);
	}
	if (base > 0) {
		assert_int_equal(point_id(ix, base - 1), NONE);
	}
	/* Covering: the smallest range that holds all of the query. */
	assert_int_equal(covering_id(ix, base + 150, base + 159), 3);
	assert_int_equal(covering_id(ix, base + 152, base + 153), 3);
	assert_int_equal(covering_id(ix, base + 150, base + 160), 2);
	assert_int_equal(covering_id(ix, base + 149, base + 159), 2);
	assert_int_equal(covering_id(ix, base + 155, base + 350), 1); /* spans B and D */
	assert_int_equal(covering_id(ix, base + 100, base + 399), 1);
	assert_int_equal(covering_id(ix, base + 0, base + 1000), 1);
	assert_int_equal(covering_id(ix, base + 0, base + 1001), NONE);
	assert_int_equal(covering_id(ix, base + 999, base + 2000), NONE);
	assert_int_equal(covering_id(ix, base + 2500, base + 2500), 5);
	assert_int_equal(covering_id(ix, base + 1500, base + 1600), NONE);
	/* Inside. */
	uint32_t ids[8];
	assert_int_equal(inside_ids(ix, base + 100, base + 399, ids, 8), 3);
	assert_int_equal(ids[0], 2);
	assert_int_equal(ids[1], 3);
	assert_int_equal(ids[2], 4);
	assert_int_equal(inside_ids(ix, base + 0, base + 1000, ids, 8), 4);
	assert_int_equal(inside_ids(ix, base + 0, base + 2999, ids, 8), 5);
	assert_int_equal(inside_ids(ix, base + 101, base + 399, ids, 8), 2); /* C and D, not B */
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 4);
	assert_int_equal(inside_ids(ix, base + 151, base + 158, ids, 8), 0);
	assert_int_equal(inside_ids(ix, base + 150, base + 159, ids, 8), 1);
	assert_int_equal(inside_ids(ix, base + 1001, base + 1999, ids, 8), 0);
	/* max smaller than the answer: the count is still right. */
	uint32_t one[1];
	assert_int_equal(idreg_rangeindex_inside(ix, base + 0, base + 2999, one, 1), 5);
	/* Sorted order and parents, as the header describes them. */
	for (uint32_t i = 1; i < ix->count; i++) {
		assert_true(ix->first[i - 1] < ix->first[i] ||
			    (ix->first[i - 1] == ix->first[i] && ix->last[i - 1] >= ix->last[i]));
	}
	for (uint32_t i = 0; i < ix->count; i++) {
		uint32_t want_parent = ix->id[i] == 2 || ix->id[i] == 4 ? 1 : ix->id[i] == 3 ? 2 : NONE;
		assert_int_equal(id_at(ix, ix->parent[i]), want_parent);
	}
	idreg_rangeindex_free(ix);
}

static void test_nested(void **state)
{
	(void)state;
	check_nested(32, 0);
	check_nested(32, 0x0a000000);          /* other buckets */
	check_nested(32, MAX32 - 2999);        /* E ends at the top of the space */
	check_nested(128, 0);
	check_nested(128, (idreg_u128)0x20010db8 << 96);
	check_nested(128, MAX128 - 2999);
}

/* Ranges whose ends sit in different top-16-bit buckets of the space. */
static void test_wide(void **state)
{
	(void)state;
	struct idreg_range r[] = {
		{ 0x0a000000, 0x0affffff, 1 },          /* 10/8 */
		{ 0x0a010000, 0x0a01ffff, 2 },          /* 10.1/16 */
		{ 0x0a01ff00, 0x0a020100, 3 },          /* across a bucket boundary, overlaps 2 */
		{ 0x0a0000ff, 0x0a0000ff, 4 },
	};
	struct idreg_rangeindex *ix = build(32, r, 4);
	assert_int_equal(point_id(ix, 0x0a000000), 1);
	assert_int_equal(point_id(ix, 0x0a0000ff), 4);
	assert_int_equal(point_id(ix, 0x0a000100), 1);
	assert_int_equal(point_id(ix, 0x0a010000), 2);
	assert_int_equal(point_id(ix, 0x0a01feff), 2);
	assert_int_equal(point_id(ix, 0x0a01ff00), 3); /* 3 is smaller than 2 */
	assert_int_equal(point_id(ix, 0x0a01ffff), 3);
	assert_int_equal(point_id(ix, 0x0a020000), 3);
	assert_int_equal(point_id(ix, 0x0a020100), 3);
	assert_int_equal(point_id(ix, 0x0a020101), 1);
	assert_int_equal(point_id(ix, 0x0affffff), 1);
	assert_int_equal(point_id(ix, 0x0b000000), NONE);
	assert_int_equal(point_id(ix, 0x09ffffff), NONE);
	assert_int_equal(covering_id(ix, 0x0a010000, 0x0a010001), 2);
	assert_int_equal(covering_id(ix, 0x0a01ff00, 0x0a020000), 3);
	assert_int_equal(covering_id(ix, 0x0a01fe00, 0x0a020000), 1);
	idreg_rangeindex_free(ix);
}

static void test_duplicates(void **state)
{
	(void)state;
	struct idreg_range r[] = {
		{ 10, 20, 7 }, { 0, 100, 1 }, { 10, 20, 5 }, { 10, 20, 6 }, { 12, 12, 9 },
	};
	struct idreg_rangeindex *ix = build(32, r, 5);
	uint32_t id = point_id(ix, 15);
	assert_true(id == 5 || id == 6 || id == 7);
	assert_int_equal(point_id(ix, 12), 9);
	id = covering_id(ix, 10, 20);
	assert_true(id == 5 || id == 6 || id == 7);
	id = covering_id(ix, 11, 13);
	assert_true(id == 5 || id == 6 || id == 7);
	assert_int_equal(covering_id(ix, 9, 20), 1);
	assert_int_equal(covering_id(ix, 10, 21), 1);
	uint32_t ids[8];
	assert_int_equal(inside_ids(ix, 10, 20, ids, 8), 4);
	assert_int_equal(ids[0], 5);
	assert_int_equal(ids[1], 6);
	assert_int_equal(ids[2], 7);
	assert_int_equal(ids[3], 9);
	/* A duplicate's parent is the range strictly containing it, not its twin. */
	for (uint32_t i = 0; i < ix->count; i++) {
		uint32_t want = ix->id[i] == 1 ? NONE : ix->id[i] == 9 ? NONE /* checked below */ : 1;
		if (ix->id[i] == 9) {
			uint32_t p = id_at(ix, ix->parent[i]);
			assert_true(p == 5 || p == 6 || p == 7);
		} else {
			assert_int_equal(id_at(ix, ix->parent[i]), want);
		}
	}
	idreg_rangeindex_free(ix);
}

static void test_edges_32(void **state)
{
	(void)state;
	struct idreg_range r[] = {
		{ 0, MAX32, 1 }, { 0, 0, 2 }, { MAX32, MAX32, 3 }, { 0, 255, 4 }, { MAX32 - 255, MAX32, 5 },
	};
	struct idreg_rangeindex *ix = build(32, r, 5);
	assert_int_equal(point_id(ix, 0), 2);
	assert_int_equal(point_id(ix, 1), 4);
	assert_int_equal(point_id(ix, 255), 4);
	assert_int_equal(point_id(ix, 256), 1);
	assert_int_equal(point_id(ix, 0x80000000u), 1);
	assert_int_equal(point_id(ix, MAX32 - 256), 1);
	assert_int_equal(point_id(ix, MAX32 - 255), 5);
	assert_int_equal(point_id(ix, MAX32 - 1), 5);
	assert_int_equal(point_id(ix, MAX32), 3);
	assert_int_equal(covering_id(ix, 0, MAX32), 1);
	assert_int_equal(covering_id(ix, 0, 0), 2);
	assert_int_equal(covering_id(ix, 0, 1), 4);
	assert_int_equal(covering_id(ix, MAX32 - 1, MAX32), 5);
	assert_int_equal(covering_id(ix, MAX32, MAX32), 3);
	assert_int_equal(covering_id(ix, 255, 256), 1);
	uint32_t ids[8];
	assert_int_equal(inside_ids(ix, 0, MAX32, ids, 8), 5);
	assert_int_equal(inside_ids(ix, MAX32, MAX32, ids, 8), 1);
	assert_int_equal(ids[0], 3);
	assert_int_equal(inside_ids(ix, 0, 0, ids, 8), 1);
	assert_int_equal(ids[0], 2);
	idreg_rangeindex_free(ix);

	/* Ending one short of the top, and starting one above the bottom. */
	struct idreg_range near[] = { { MAX32 - 10, MAX32 - 1, 1 }, { 1, 10, 2 } };
	ix = build(32, near, 2);
	assert_int_equal(point_id(ix, MAX32 - 1), 1);
	assert_int_equal(point_id(ix, MAX32), NONE);
	assert_int_equal(point_id(ix, MAX32 - 11), NONE);
	assert_int_equal(point_id(ix, 0), NONE);
	assert_int_equal(point_id(ix, 1), 2);
	assert_int_equal(point_id(ix, 11), NONE);
	assert_int_equal(covering_id(ix, MAX32 - 1, MAX32), NONE);
	idreg_rangeindex_free(ix);

	/* Only the top address, and only the bottom one. */
	struct idreg_range top[] = { { MAX32, MAX32, 1 } };
	ix = build(32, top, 1);
	assert_int_equal(point_id(ix, MAX32), 1);
	assert_int_equal(point_id(ix, MAX32 - 1), NONE);
	assert_int_equal(point_id(ix, 0), NONE);
	idreg_rangeindex_free(ix);
	struct idreg_range bottom[] = { { 0, 0, 1 } };
	ix = build(32, bottom, 1);
	assert_int_equal(point_id(ix, 0), 1);
	assert_int_equal(point_id(ix, 1), NONE);
	assert_int_equal(point_id(ix, MAX32), NONE);
	idreg_rangeindex_free(ix);
}

static void test_edges_128(void **state)
{
	(void)state;
	idreg_u128 half = (idreg_u128)1 << 127;
	struct idreg_range r[] = {
		{ 0, MAX128, 1 },       { 0, 0, 2 },           { MAX128, MAX128, 3 },
		{ half, MAX128, 4 },    { 0, half - 1, 5 },    { MAX128 - 0xffff, MAX128, 6 },
	};
	struct idreg_rangeindex *ix = build(128, r, 6);
	assert_int_equal(point_id(ix, 0), 2);
	assert_int_equal(point_id(ix, 1), 5);
	assert_int_equal(point_id(ix, half - 1), 5);
	assert_int_equal(point_id(ix, half), 4);
	assert_int_equal(point_id(ix, MAX128 - 0x10000), 4);
	assert_int_equal(point_id(ix, MAX128 - 0xffff), 6);
	assert_int_equal(point_id(ix, MAX128 - 1), 6);
	assert_int_equal(point_id(ix, MAX128), 3);
	assert_int_equal(covering_id(ix, 0, MAX128), 1);
	assert_int_equal(covering_id(ix, half - 1, half), 1);
	assert_int_equal(covering_id(ix, half, MAX128), 4);
	assert_int_equal(covering_id(ix, MAX128 - 5, MAX128), 6);
	uint32_t ids[8];
	assert_int_equal(inside_ids(ix, 0, MAX128, ids, 8), 6);
	assert_int_equal(inside_ids(ix, half, MAX128, ids, 8), 3);
	assert_int_equal(ids[0], 3);
	assert_int_equal(ids[1], 4);
	assert_int_equal(ids[2], 6);
	idreg_rangeindex_free(ix);

	struct idreg_range near[] = { { MAX128 - 10, MAX128 - 1, 1 } };
	ix = build(128, near, 1);
	assert_int_equal(point_id(ix, MAX128 - 1), 1);
	assert_int_equal(point_id(ix, MAX128), NONE);
	assert_int_equal(point_id(ix, MAX128 - 11), NONE);
	assert_int_equal(covering_id(ix, MAX128 - 1, MAX128), NONE);
	idreg_rangeindex_free(ix);

	struct idreg_range top[] = { { MAX128, MAX128, 1 } };
	ix = build(128, top, 1);
	assert_int_equal(point_id(ix, MAX128), 1);
	assert_int_equal(point_id(ix, MAX128 - 1), NONE);
	assert_int_equal(point_id(ix, 0), NONE);
	idreg_rangeindex_free(ix);
}

/*
 * Ranges that overlap without nesting: "the smaller one wins where they
 * overlap", and covering asks for the smallest range holding the whole query.
 */
static void test_overlapping_point(void **state)
{
	(void)state;
	struct idreg_range r[] = { { 0, 100, 1 }, { 10, 20, 2 }, { 15, 50, 3 } };
	struct idreg_rangeindex *ix = build(32, r, 3);
	assert_int_equal(point_id(ix, 5), 1);
	assert_int_equal(point_id(ix, 12), 2);
	assert_int_equal(point_id(ix, 17), 2); /* in 2 (size 11) and 3 (size 36) */
	assert_int_equal(point_id(ix, 21), 3);
	assert_int_equal(point_id(ix, 50), 3);
	assert_int_equal(point_id(ix, 51), 1);
	idreg_rangeindex_free(ix);
}

static void test_overlapping_covering(void **state)
{
	(void)state;
	/* [15, 30] is inside 3 [15, 50] and 1 [0, 100]; 3 is smaller. */
	struct idreg_range r[] = { { 0, 100, 1 }, { 10, 20, 2 }, { 15, 50, 3 } };
	struct idreg_rangeindex *ix = build(32, r, 3);
	assert_int_equal(covering_id(ix, 15, 30), 3);
	idreg_rangeindex_free(ix);

	/* X [0, 50] and Y [5, 100] both hold Z [10, 20] and [10, 30]; X is the smaller. */
	struct idreg_range r2[] = { { 0, 50, 1 }, { 5, 100, 2 }, { 10, 20, 3 } };
	ix = build(32, r2, 3);
	assert_int_equal(covering_id(ix, 10, 30), 1);
	idreg_rangeindex_free(ix);
}

static void test_overlapping_parent(void **state)
{
	(void)state;
	/* The header: parent is "the smallest range strictly containing it".
	 * X [0, 50] and Y [5, 100] both contain Z [10, 20]; X is the smaller. */
	struct idreg_range r[] = { { 0, 50, 1 }, { 5, 100, 2 }, { 10, 20, 3 } };
	struct idreg_rangeindex *ix = build(32, r, 3);
	for (uint32_t i = 0; i < ix->count; i++) {
		uint32_t want = ix->id[i] == 3 ? 1 : NONE;
		assert_int_equal(id_at(ix, ix->parent[i]), want);
	}
	idreg_rangeindex_free(ix);
}

/* ---- randomized comparison with brute force ---- */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rng_below(uint64_t n)
{
	return rng_next() % n;
}

/* A length skewed toward small values: many small ranges, a few large. */
static uint64_t rng_len(uint64_t space)
{
	unsigned shift = (unsigned)rng_below(13);
	uint64_t len = 1 + rng_below((uint64_t)1 << shift);
	return len > space ? space : len;
}

#define SPACE 4096u /* units */

struct model {
	unsigned bits;
	idreg_u128 unit;   /* size of one unit of the small space */
	struct idreg_range *r;
	size_t n;
};

static idreg_u128 rsize(const struct idreg_range *r)
{
	return r->last - r->first;
}

/* Smallest size of a range holding all of [first, last]; false when none. */
static bool brute_smallest(const struct model *m, idreg_u128 first, idreg_u128 last, idreg_u128 *size)
{
	bool found = false;
	for (size_t i = 0; i < m->n; i++) {
		if (m->r[i].first <= first && m->r[i].last >= last) {
			if (!found || rsize(&m->r[i]) < *size) {
				*size = rsize(&m->r[i]);
			}
			found = true;
		}
	}
	return found;
}

/* Turn a range of units into real values; @jitter moves the ends inside their units. */
static struct idreg_range unit_range(const struct model *m, uint64_t f, uint64_t l, bool jitter,
				     uint32_t id)
{
	struct idreg_range r = { (idreg_u128)f * m->unit, (idreg_u128)l * m->unit + (m->unit - 1), id };
	if (jitter && m->unit > 1) {
		idreg_u128 span = m->unit / 2;
		r.first += (idreg_u128)rng_next() % span;
		r.last -= (idreg_u128)rng_next() % span;
	}
	return r;
}

static idreg_u128 random_value(const struct model *m)
{
	uint64_t u = rng_below(SPACE);
	idreg_u128 off = 0;
	if (m->unit > 1) {
		off = (((idreg_u128)rng_next() << 64) | rng_next()) % m->unit;
		switch (rng_below(4)) { /* unit edges matter most */
		case 0: off = 0; break;
		case 1: off = m->unit - 1; break;
		default: break;
		}
	}
	return (idreg_u128)u * m->unit + off;
}

static bool laminar_with(const struct model *m, const struct idreg_range *c)
{
	for (size_t i = 0; i < m->n; i++) {
		const struct idreg_range *o = &m->r[i];
		bool disjoint = o->last < c->first || c->last < o->first;
		bool nests = (o->first <= c->first && c->last <= o->last) ||
			     (c->first <= o->first && o->last <= c->last);
		if (!disjoint && !nests) {
			return false;
		}
	}
	return true;
}

/* Build a random model: @laminar keeps only ranges that nest or are disjoint. */
static void make_model(struct model *m, unsigned bits, idreg_u128 unit, size_t want, bool laminar,
		       bool jitter)
{
	m->bits = bits;
	m->unit = unit;
	g_ranges = m->r = calloc(want, sizeof(*m->r));
	assert_non_null(m->r);
	m->n = 0;
	size_t attempts = 0;
	while (m->n < want && attempts++ < want * 50) {
		struct idreg_range c;
		uint64_t kind = rng_below(10);
		if (kind == 0 && m->n > 0) { /* an exact duplicate */
			c = m->r[rng_below(m->n)];
			c.id = (uint32_t)m->n;
		} else if (kind <= 3 && m->n > 0) { /* a range inside another one */
			const struct idreg_range *p = &m->r[rng_below(m->n)];
			idreg_u128 span = p->last - p->first;
			idreg_u128 a = span ? ((((idreg_u128)rng_next() << 64) | rng_next()) % (span + 1)) : 0;
			idreg_u128 b = span ? ((((idreg_u128)rng_next() << 64) | rng_next()) % (span + 1)) : 0;
			if (a > b) {
				idreg_u128 t = a;
				a = b;
				b = t;
			}
			if (rng_below(2) == 0 && m->unit > 1) { /* keep to whole units */
				a -= a % m->unit;
				b = b - b % m->unit + (m->unit - 1);
				if (b > span) {
					b = span;
				}
			}
			c = (struct idreg_range){ p->first + a, p->first + b, (uint32_t)m->n };
		} else {
			uint64_t len = rng_len(SPACE);
			uint64_t f = rng_below(SPACE - len + 1);
			c = unit_range(m, f, f + len - 1, jitter && rng_below(2) == 0, (uint32_t)m->n);
		}
		if (laminar && !laminar_with(m, &c)) {
			continue;
		}
		m->r[m->n++] = c;
	}
	assert_true(m->n > want / 2);
}

static void check_point(const struct model *m, const struct idreg_rangeindex *ix, idreg_u128 key)
{
	idreg_u128 best = 0;
	bool any = brute_smallest(m, key, key, &best);
	uint32_t pos = idreg_rangeindex_point(ix, key);
	if (!any) {
		if (pos != NONE) {
			fail_msg("point 0x%016llx%016llx: no range holds it, index says position %u",
				 HEX(key), pos);
		}
		return;
	}
	if (pos == NONE) {
		fail_msg("point 0x%016llx%016llx: index found nothing", HEX(key));
	}
	assert_true(pos < ix->count);
	idreg_u128 f = ix->first[pos], l = ix->last[pos];
	if (!(f <= key && key <= l) || l - f != best) {
		fail_msg("point 0x%016llx%016llx: got [0x%016llx%016llx, 0x%016llx%016llx], "
			 "smallest holding range has size 0x%016llx%016llx",
			 HEX(key), HEX(f), HEX(l), HEX(best));
	}
	/* The position maps back to a caller range with the same bounds. */
	uint32_t id = ix->id[pos];
	assert_true(id < m->n);
	assert_true(m->r[id].first == f && m->r[id].last == l);
}

static void check_covering(const struct model *m, const struct idreg_rangeindex *ix,
			   idreg_u128 first, idreg_u128 last)
{
	idreg_u128 best = 0;
	bool any = brute_smallest(m, first, last, &best);
	uint32_t pos = idreg_rangeindex_covering(ix, first, last);
	if (!any) {
		if (pos != NONE) {
			fail_msg("covering [0x%016llx%016llx, 0x%016llx%016llx]: none holds it, got %u",
				 HEX(first), HEX(last), pos);
		}
		return;
	}
	if (pos == NONE) {
		fail_msg("covering [0x%016llx%016llx, 0x%016llx%016llx]: index found nothing",
			 HEX(first), HEX(last));
	}
	idreg_u128 f = ix->first[pos], l = ix->last[pos];
	if (!(f <= first && last <= l) || l - f != best) {
		fail_msg("covering [0x%016llx%016llx, 0x%016llx%016llx]: got [0x%016llx%016llx, "
			 "0x%016llx%016llx] of size 0x%016llx%016llx, smallest is 0x%016llx%016llx",
			 HEX(first), HEX(last), HEX(f), HEX(l), HEX(l - f), HEX(best));
	}
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

static void check_inside(const struct model *m, const struct idreg_rangeindex *ix,
			 idreg_u128 first, idreg_u128 last, uint32_t *want, uint32_t *got)
{
	size_t nw = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (m->r[i].first >= first && m->r[i].last <= last) {
			want[nw++] = m->r[i].id;
		}
	}
	size_t ng = idreg_rangeindex_inside(ix, first, last, got, m->n);
	if (ng != nw) {
		fail_msg("inside [0x%016llx%016llx, 0x%016llx%016llx]: %zu ranges, brute force %zu",
			 HEX(first), HEX(last), ng, nw);
	}
	for (size_t i = 1; i < ng; i++) {
		assert_true(got[i] > got[i - 1]); /* positions in order */
	}
	for (size_t i = 0; i < ng; i++) {
		got[i] = ix->id[got[i]];
	}
	qsort(want, nw, sizeof(*want), cmp_u32);
	qsort(got, ng, sizeof(*got), cmp_u32);
	assert_memory_equal(want, got, nw * sizeof(*want));
}

/* Check the parent of every position against brute force (nested data only). */
static void check_parents(const struct model *m, const struct idreg_rangeindex *ix)
{
	for (uint32_t i = 0; i < ix->count; i++) {
		bool any = false;
		idreg_u128 best = 0;
		for (size_t k = 0; k < m->n; k++) {
			const struct idreg_range *o = &m->r[k];
			bool same = o->first == ix->first[i] && o->last == ix->last[i];
			if (!same && o->first <= ix->first[i] && o->last >= ix->last[i]) {
				if (!any || rsize(o) < best) {
					best = rsize(o);
				}
				any = true;
			}
		}
		uint32_t p = ix->parent[i];
		if (!any) {
			assert_int_equal(p, NONE);
			continue;
		}
		assert_true(p != NONE && p < ix->count);
		assert_true(ix->first[p] <= ix->first[i] && ix->last[p] >= ix->last[i]);
		assert_true(ix->last[p] - ix->first[p] == best);
	}
}

enum { CHECK_POINT = 1, CHECK_COVERING = 2, CHECK_INSIDE = 4, CHECK_ALL = 7 };

static void run_random(unsigned bits, idreg_u128 unit, bool laminar, bool jitter, uint64_t seed,
		       unsigned checks)
{
	teardown(NULL); /* what an earlier run in the same test left */
	rng_state = seed;
	struct model m;
	make_model(&m, bits, unit, 3000, laminar, jitter);
	const struct idreg_rangeindex *ix = build(bits, m.r, m.n);
	idreg_u128 top = bits == 128 ? MAX128 : MAX32;
	if (checks & CHECK_POINT) {
		for (int i = 0; i < 20000; i++) {
			check_point(&m, ix, random_value(&m));
		}
		/* Every range end and its neighbours. */
		for (size_t i = 0; i < m.n; i++) {
			check_point(&m, ix, m.r[i].first);
			check_point(&m, ix, m.r[i].last);
			if (m.r[i].first > 0) {
				check_point(&m, ix, m.r[i].first - 1);
			}
			if (m.r[i].last < top) {
				check_point(&m, ix, m.r[i].last + 1);
			}
		}
		check_point(&m, ix, 0);
		check_point(&m, ix, top);
	}
	if (checks & CHECK_COVERING) {
		idreg_u128 short_span = m.unit * 64 + 1;
		for (int i = 0; i < 5000; i++) {
			idreg_u128 a = random_value(&m), b = random_value(&m);
			if (i % 2 == 0) { /* short queries, more often held by something small */
				b = a + b % short_span;
				if (b < a || b > top) {
					b = a;
				}
			}
			if (a > b) {
				idreg_u128 t = a;
				a = b;
				b = t;
			}
			check_covering(&m, ix, a, b);
		}
		/* Queries that are exactly a stored range, or a piece of one. */
		for (size_t i = 0; i < m.n; i++) {
			check_covering(&m, ix, m.r[i].first, m.r[i].last);
			idreg_u128 mid = m.r[i].first + (m.r[i].last - m.r[i].first) / 2;
			check_covering(&m, ix, mid, m.r[i].last);
			check_covering(&m, ix, m.r[i].first, mid);
		}
		check_covering(&m, ix, 0, top);
	}
	if (checks & CHECK_INSIDE) {
		g_want = calloc(m.n, sizeof(*g_want));
		g_got = calloc(m.n, sizeof(*g_got));
		assert_non_null(g_want);
		assert_non_null(g_got);
		for (int i = 0; i < 600; i++) {
			idreg_u128 a = random_value(&m), b = random_value(&m);
			if (a > b) {
				idreg_u128 t = a;
				a = b;
				b = t;
			}
			check_inside(&m, ix, a, b, g_want, g_got);
		}
		for (size_t i = 0; i < m.n; i += 7) {
			check_inside(&m, ix, m.r[i].first, m.r[i].last, g_want, g_got);
		}
		check_inside(&m, ix, 0, top, g_want, g_got);
	}
	if (laminar) {
		check_parents(&m, ix);
	}
}

/* Nested (laminar) families: every lookup must match brute force. */
static void test_random_nested_dense32(void **state)
{
	(void)state;
	run_random(32, 1, true, false, 0x1234, CHECK_ALL);
}

static void test_random_nested_wide32(void **state)
{
	(void)state;
	/* 4096 units of 2^20 fill the 32-bit space: ranges cross the 16-bit buckets. */
	run_random(32, (idreg_u128)1 << 20, true, true, 0x5678, CHECK_ALL);
}

static void test_random_nested_wide128(void **state)
{
	(void)state;
	run_random(128, (idreg_u128)1 << 116, true, true, 0x9abc, CHECK_ALL);
}

static void test_random_nested_low128(void **state)
{
	(void)state;
	/* All of it in the first bucket of a 128-bit space. */
	run_random(128, 1, true, false, 0xdef0, CHECK_ALL);
}

/* Ranges that also overlap without nesting: point and inside lookups. */
static void test_random_overlapping_point_inside32(void **state)
{
	(void)state;
	run_random(32, 1, false, false, 0x1111, CHECK_POINT | CHECK_INSIDE);
	run_random(32, (idreg_u128)1 << 20, false, true, 0x2222, CHECK_POINT | CHECK_INSIDE);
}

static void test_random_overlapping_point_inside128(void **state)
{
	(void)state;
	run_random(128, (idreg_u128)1 << 116, false, true, 0x3333, CHECK_POINT | CHECK_INSIDE);
}

/* ... and covering: the smallest range holding the whole query. */
static void test_random_overlapping_covering(void **state)
{
	(void)state;
	run_random(32, 1, false, false, 0x1111, CHECK_COVERING);
	run_random(32, (idreg_u128)1 << 20, false, true, 0x2222, CHECK_COVERING);
	run_random(128, (idreg_u128)1 << 116, false, true, 0x3333, CHECK_COVERING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_empty, teardown),
		cmocka_unit_test_teardown(test_invalid, teardown),
		cmocka_unit_test_teardown(test_nested, teardown),
		cmocka_unit_test_teardown(test_wide, teardown),
		cmocka_unit_test_teardown(test_duplicates, teardown),
		cmocka_unit_test_teardown(test_edges_32, teardown),
		cmocka_unit_test_teardown(test_edges_128, teardown),
		cmocka_unit_test_teardown(test_overlapping_point, teardown),
		cmocka_unit_test_teardown(test_overlapping_covering, teardown),
		cmocka_unit_test_teardown(test_overlapping_parent, teardown),
		cmocka_unit_test_teardown(test_random_nested_dense32, teardown),
		cmocka_unit_test_teardown(test_random_nested_wide32, teardown),
		cmocka_unit_test_teardown(test_random_nested_wide128, teardown),
		cmocka_unit_test_teardown(test_random_nested_low128, teardown),
		cmocka_unit_test_teardown(test_random_overlapping_point_inside32, teardown),
		cmocka_unit_test_teardown(test_random_overlapping_point_inside128, teardown),
		cmocka_unit_test_teardown(test_random_overlapping_covering, teardown),
	};
	return cmocka_run_group_tests_name("rangeindex", tests, NULL, NULL);
}
