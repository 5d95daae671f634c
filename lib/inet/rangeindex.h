/*
 * In-memory index over ranges of one number space (IPv4, IPv6 or AS numbers).
 * It answers, for a point, the most specific range that covers it; for a
 * range, the most specific range that covers all of it; and lists the ranges
 * inside a range.  Point lookups are a table step on the top 16 bits (and,
 * where segments crowd, on the next 12) and a binary search over the
 * disjoint segments that the ranges cut the space into.
 * Built once from a snapshot; read-only afterwards, so threads can share it.
 */
#ifndef IDREG_INET_RANGEINDEX_H
#define IDREG_INET_RANGEINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "inet/inet.h"

#define IDREG_RANGEINDEX_NONE UINT32_MAX

/** One range given to the builder; @id is the caller's, returned by lookups. */
struct idreg_range {
	idreg_u128 first, last;
	uint32_t id;
};

struct idreg_rangeindex {
	unsigned bits;        /* 32 or 128 */
	uint32_t count;       /* ranges, sorted by first ascending, last descending */
	idreg_u128 *first;
	idreg_u128 *last;
	uint32_t *id;
	uint32_t *parent;     /* position of the smallest range strictly containing it */
	bool overlaps;        /* some ranges overlap without nesting */

	uint32_t segments;    /* disjoint segments covering the whole space */
	uint32_t *seg_start32;     /* segment starts, 32-bit spaces */
	idreg_u128 *seg_start128;  /* segment starts, 128-bit spaces */
	uint32_t *seg_range;  /* most specific range of each segment, or NONE */
	uint32_t *bucket;     /* 65537 entries: first segment whose top 16 bits are >= i */
	/* Crowded buckets get a second table on the next 12 bits (IPv6 space is
	 * crowded under a few /16s): sub_of[i] is the table's number or NONE;
	 * table t is sub[t * 4097 ...], first segment of the bucket whose next
	 * 12 bits are >= j. */
	uint32_t *sub_of;
	uint32_t *sub;
};

/**
 * Build the index over @n ranges in a space of @bits bits.  The ranges may
 * nest and may repeat; ranges that overlap without nesting are allowed, and
 * the smaller one wins where they overlap.
 */
idreg_err idreg_rangeindex_build(struct idreg_rangeindex *ix, unsigned bits,
				 const struct idreg_range *ranges, size_t n);

void idreg_rangeindex_free(struct idreg_rangeindex *ix);

/** Position (in sorted order) of the most specific range covering @key, or NONE. */
uint32_t idreg_rangeindex_point(const struct idreg_rangeindex *ix, idreg_u128 key);

/** Position of the most specific range covering all of [first, last], or NONE. */
uint32_t idreg_rangeindex_covering(const struct idreg_rangeindex *ix, idreg_u128 first,
				   idreg_u128 last);

/**
 * Positions of the ranges that lie inside [first, last], in order.  Writes at
 * most @max positions to @out and returns how many there are.
 */
size_t idreg_rangeindex_inside(const struct idreg_rangeindex *ix, idreg_u128 first,
			       idreg_u128 last, uint32_t *out, size_t max);

#endif
