/*
 * libFuzzer target: the allocation engine's choice of a block and its
 * argument parsers (lib/numres/alloc.h).
 *
 * The first byte picks the type, the next ones a request size, pools and
 * taken ranges (12 bytes each: two 48-bit offsets into a small corner of
 * the type's number line, so that they meet); the rest of the input, as
 * text, goes to idreg_alloc_parse_size and idreg_alloc_parse_reserve.  What
 * must hold: the free space is sorted, disjoint, inside the pools and
 * clear of every taken range; a placed block lies inside one free range,
 * has the size asked for and, for addresses, is aligned; ASNs are the
 * lowest fitting run; a size that parses is within the type's limits and
 * writes back as it was read.  A violation calls abort().
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numres/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_RANGES 32

static void check(bool ok)
{
	if (!ok) {
		abort();
	}
}

static uint64_t take48(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++) {
		v = v << 8 | p[i];
	}
	return v;
}

/* Read up to @max ranges of 12 bytes from *@data; pools are made disjoint. */
static size_t read_ranges(const uint8_t **data, size_t *size, size_t count, idreg_u128 base,
			  idreg_u128 span, struct idreg_alloc_range *out)
{
	size_t n = 0;
	while (n < count && *size >= 12) {
		idreg_u128 a = base + take48(*data) % span, b = base + take48(*data + 6) % span;
		out[n++] = (struct idreg_alloc_range){ a < b ? a : b, a < b ? b : a };
		*data += 12;
		*size -= 12;
	}
	return n;
}

static void check_place(enum idreg_restype type, const struct idreg_alloc_range *pools,
			size_t npools, const struct idreg_alloc_range *taken, size_t ntaken,
			uint64_t want)
{
	struct idreg_alloc_range *free_ranges;
	size_t n;
	if (idreg_alloc_free_space(pools, npools, taken, ntaken, &free_ranges, &n) != IDREG_OK) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		check(free_ranges[i].first <= free_ranges[i].last);
		check(i == 0 || free_ranges[i - 1].last < free_ranges[i].first);
		bool in_pool = false;
		for (size_t p = 0; p < npools; p++) {
			in_pool |= pools[p].first <= free_ranges[i].first &&
				   free_ranges[i].last <= pools[p].last;
		}
		check(in_pool);
		for (size_t t = 0; t < ntaken; t++) {
			check(free_ranges[i].last < taken[t].first || taken[t].last < free_ranges[i].first);
		}
	}
	struct idreg_alloc_range got;
	if (idreg_alloc_place(type, free_ranges, n, want, &got)) {
		bool inside = false;
		for (size_t i = 0; i < n; i++) {
			inside |= free_ranges[i].first <= got.first && got.last <= free_ranges[i].last;
		}
		check(inside);
		idreg_u128 numbers = idreg_alloc_block_numbers(type, want);
		check(got.last - got.first + 1 == numbers);
		if (type != IDREG_RES_ASN) {
			check((got.first & (numbers - 1)) == 0);
		} else {
			for (size_t i = 0; i < n && free_ranges[i].first < got.first; i++) {
				check(free_ranges[i].last - free_ranges[i].first + 1 < numbers);
			}
		}
	}
	free(free_ranges);
}

static void check_parsers(const char *s, size_t len)
{
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		enum idreg_restype type = (enum idreg_restype)t;
		uint64_t v;
		if (idreg_alloc_parse_size(type, s, len, &v)) {
			if (type == IDREG_RES_ASN) {
				check(v >= 1 && v <= (uint64_t)UINT32_MAX + 1);
			} else {
				check(v <= idreg_restype_bits(type));
			}
			char text[32];
			snprintf(text, sizeof(text), "%s%llu", type == IDREG_RES_ASN ? "" : "/",
				 (unsigned long long)v);
			uint64_t back;
			check(idreg_alloc_parse_size(type, text, strlen(text), &back) && back == v);
		}
		idreg_u128 reserve;
		if (idreg_alloc_parse_reserve(type, s, len, &reserve)) {
			check(reserve <= idreg_restype_max(type));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3) {
		return 0;
	}
	enum idreg_restype type = (enum idreg_restype)(data[0] % IDREG_RESTYPE_COUNT);
	unsigned bits = idreg_restype_bits(type);
	uint64_t want = type == IDREG_RES_ASN ? 1 + data[1] % 64 : bits - data[1] % 17;
	size_t npools = 1 + data[2] % 4, ntaken_max = data[2] / 4 % MAX_RANGES;
	data += 3;
	size -= 3;
	/* A corner of the line near its top, where carries and overflows would show. */
	idreg_u128 span = (idreg_u128)1 << 20;
	idreg_u128 base = idreg_restype_max(type) - span + 1;
	struct idreg_alloc_range pools[4], taken[MAX_RANGES];
	npools = read_ranges(&data, &size, npools, base, span, pools);
	/* Pools are disjoint: keep those that meet no earlier one. */
	size_t kept = 0;
	for (size_t i = 0; i < npools; i++) {
		bool clear = true;
		for (size_t k = 0; k < kept; k++) {
			clear &= pools[i].last < pools[k].first || pools[k].last < pools[i].first;
		}
		if (clear) {
			pools[kept++] = pools[i];
		}
	}
	size_t ntaken = read_ranges(&data, &size, ntaken_max, base, span, taken);
	if (kept > 0) {
		check_place(type, pools, kept, taken, ntaken, want);
	}
	check_parsers((const char *)data, size);
	return 0;
}
