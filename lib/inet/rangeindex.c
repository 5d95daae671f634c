/*
 * Range index construction and lookups; see rangeindex.h.  Construction sorts
 * the ranges, finds each range's parent with a stack, and cuts the space into
 * segments at every range boundary, sweeping with a heap of the ranges that
 * are open, smallest first, to find each segment's most specific range.
 */
#include "inet/rangeindex.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BUCKETS 65536u
#define SUB_BITS 12
#define SUB_SLOTS (1u << SUB_BITS)
#define SUB_THRESHOLD 64 /* segments in a bucket before it gets a second table */

static int range_order(const void *pa, const void *pb)
{
	const struct idreg_range *a = pa, *b = pb;
	if (a->first != b->first) {
		return a->first < b->first ? -1 : 1;
	}
	if (a->last != b->last) {
		return a->last > b->last ? -1 : 1;
	}
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Min-heap of open ranges by size, then by position. */
struct open_heap {
	uint32_t *pos;
	size_t len;
	const struct idreg_rangeindex *ix;
};

static bool heap_less(const struct open_heap *h, uint32_t a, uint32_t b)
{
	idreg_u128 sa = h->ix->last[a] - h->ix->first[a];
	idreg_u128 sb = h->ix->last[b] - h->ix->first[b];
	return sa != sb ? sa < sb : a < b;
}

static void heap_push(struct open_heap *h, uint32_t v)
{
	size_t i = h->len++;
	while (i > 0) {
		size_t up = (i - 1) / 2;
		if (!heap_less(h, v, h->pos[up])) {
			break;
		}
		h->pos[i] = h->pos[up];
		i = up;
	}
	h->pos[i] = v;
}

static void heap_pop(struct open_heap *h)
{
	uint32_t v = h->pos[--h->len];
	size_t i = 0;
	for (;;) {
		size_t child = 2 * i + 1;
		if (child >= h->len) {
			break;
		}
		if (child + 1 < h->len && heap_less(h, h->pos[child + 1], h->pos[child])) {
			child++;
		}
		if (!heap_less(h, h->pos[child], v)) {
			break;
		}
		h->pos[i] = h->pos[child];
		i = child;
	}
	if (h->len > 0) {
		h->pos[i] = v;
	}
}

static int u128_order(const void *pa, const void *pb)
{
	idreg_u128 a = *(const idreg_u128 *)pa, b = *(const idreg_u128 *)pb;
	return a < b ? -1 : a > b;
}

static unsigned top16(const struct idreg_rangeindex *ix, idreg_u128 key)
{
	return (unsigned)(key >> (ix->bits - 16));
}

static unsigned next12(const struct idreg_rangeindex *ix, idreg_u128 key)
{
	return (unsigned)(key >> (ix->bits - 16 - SUB_BITS)) & (SUB_SLOTS - 1);
}

static idreg_u128 seg_start(const struct idreg_rangeindex *ix, uint32_t seg)
{
	return ix->bits == 32 ? ix->seg_start32[seg] : ix->seg_start128[seg];
}

static idreg_err build_sub_tables(struct idreg_rangeindex *ix)
{
	uint32_t crowded = 0;
	for (unsigned h = 0; h < BUCKETS; h++) {
		crowded += ix->bucket[h + 1] - ix->bucket[h] > SUB_THRESHOLD;
	}
	ix->sub_of = malloc(BUCKETS * sizeof(*ix->sub_of));
	ix->sub = malloc(((size_t)crowded * (SUB_SLOTS + 1) + 1) * sizeof(*ix->sub));
	if (ix->sub_of == NULL || ix->sub == NULL) {
		return IDREG_ENOMEM;
	}
	uint32_t t = 0;
	for (unsigned h = 0; h < BUCKETS; h++) {
		uint32_t lo = ix->bucket[h], hi = ix->bucket[h + 1];
		if (hi - lo <= SUB_THRESHOLD) {
			ix->sub_of[h] = IDREG_RANGEINDEX_NONE;
			continue;
		}
		uint32_t *table = ix->sub + (size_t)t * (SUB_SLOTS + 1);
		uint32_t seg = lo;
		for (unsigned j = 0; j < SUB_SLOTS; j++) {
			while (seg < hi && next12(ix, seg_start(ix, seg)) < j) {
				seg++;
			}
			table[j] = seg;
		}
		table[SUB_SLOTS] = hi;
		ix->sub_of[h] = t++;
	}
	return IDREG_OK;
}

static idreg_u128 range_size(const struct idreg_rangeindex *ix, uint32_t i)
{
	return ix->last[i] - ix->first[i];
}

/*
 * Every range that contains range i is still on the stack when i is reached
 * (a range is popped only once it ends before a later start).  With nesting
 * only, the nearest one is the smallest; with partial overlaps it need not
 * be, so look at all of them.
 */
static void find_parents(struct idreg_rangeindex *ix, uint32_t *stack)
{
	size_t depth = 0;
	ix->overlaps = false;
	for (uint32_t i = 0; i < ix->count; i++) {
		while (depth > 0 && ix->last[stack[depth - 1]] < ix->first[i]) {
			depth--;
		}
		ix->parent[i] = IDREG_RANGEINDEX_NONE;
		for (size_t k = depth; k-- > 0;) {
			uint32_t s = stack[k];
			if (ix->last[s] < ix->first[i]) {
				continue; /* ended before i: not popped yet, but no container */
			}
			if (ix->last[s] < ix->last[i]) {
				ix->overlaps = true; /* starts before i, ends inside it */
				continue;
			}
			bool same = ix->first[s] == ix->first[i] && ix->last[s] == ix->last[i];
			if (!same && (ix->parent[i] == IDREG_RANGEINDEX_NONE ||
				      range_size(ix, s) < range_size(ix, ix->parent[i]))) {
				ix->parent[i] = s;
			}
		}
		stack[depth++] = i;
	}
}

static idreg_err build_segments(struct idreg_rangeindex *ix, uint32_t *heap_store)
{
	size_t nbound = 0;
	idreg_u128 max = ix->bits == 128 ? ~(idreg_u128)0 : (((idreg_u128)1 << ix->bits) - 1);
	idreg_u128 *bounds = malloc(((size_t)ix->count * 2 + 1) * sizeof(*bounds));
	if (bounds == NULL) {
		return IDREG_ENOMEM;
	}
	bounds[nbound++] = 0;
	for (uint32_t i = 0; i < ix->count; i++) {
		bounds[nbound++] = ix->first[i];
		if (ix->last[i] < max) {
			bounds[nbound++] = ix->last[i] + 1;
		}
	}
	qsort(bounds, nbound, sizeof(*bounds), u128_order);

	idreg_u128 *starts = malloc(nbound * sizeof(*starts));
	ix->seg_range = malloc(nbound * sizeof(*ix->seg_range));
	if (starts == NULL || ix->seg_range == NULL) {
		free(bounds);
		free(starts);
		return IDREG_ENOMEM;
	}

	struct open_heap heap = { .pos = heap_store, .len = 0, .ix = ix };
	uint32_t next = 0, nseg = 0;
	for (size_t b = 0; b < nbound; b++) {
		idreg_u128 at = bounds[b];
		if (b > 0 && at == bounds[b - 1]) {
			continue;
		}
		while (next < ix->count && ix->first[next] <= at) {
			heap_push(&heap, next++);
		}
		while (heap.len > 0 && ix->last[heap.pos[0]] < at) {
			heap_pop(&heap);
		}
		uint32_t best = heap.len > 0 ? heap.pos[0] : IDREG_RANGEINDEX_NONE;
		if (nseg > 0 && ix->seg_range[nseg - 1] == best) {
			continue; /* same answer as the segment before: extend it */
		}
		starts[nseg] = at;
		ix->seg_range[nseg] = best;
		nseg++;
	}
	free(bounds);
	ix->segments = nseg;

	if (ix->bits == 32) {
		ix->seg_start32 = malloc((size_t)nseg * sizeof(*ix->seg_start32));
		if (ix->seg_start32 == NULL) {
			free(starts);
			return IDREG_ENOMEM;
		}
		for (uint32_t i = 0; i < nseg; i++) {
			ix->seg_start32[i] = (uint32_t)starts[i];
		}
		free(starts);
	} else {
		ix->seg_start128 = starts;
	}

	ix->bucket = malloc((BUCKETS + 1) * sizeof(*ix->bucket));
	if (ix->bucket == NULL) {
		return IDREG_ENOMEM;
	}
	uint32_t seg = 0;
	for (unsigned h = 0; h < BUCKETS; h++) {
		while (seg < nseg && top16(ix, seg_start(ix, seg)) < h) {
			seg++;
		}
		ix->bucket[h] = seg;
	}
	ix->bucket[BUCKETS] = nseg;
	return build_sub_tables(ix);
}

idreg_err idreg_rangeindex_build(struct idreg_rangeindex *ix, unsigned bits,
				 const struct idreg_range *ranges, size_t n)
{
	memset(ix, 0, sizeof(*ix));
	if ((bits != 32 && bits != 128) || n >= IDREG_RANGEINDEX_NONE) {
		return IDREG_EINVAL;
	}
	ix->bits = bits;
	ix->count = (uint32_t)n;

	struct idreg_range *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	uint32_t *scratch = malloc((n ? n : 1) * sizeof(*scratch));
	ix->first = malloc((n ? n : 1) * sizeof(*ix->first));
	ix->last = malloc((n ? n : 1) * sizeof(*ix->last));
	ix->id = malloc((n ? n : 1) * sizeof(*ix->id));
	ix->parent = malloc((n ? n : 1) * sizeof(*ix->parent));
	idreg_err err = IDREG_ENOMEM;
	if (sorted == NULL || scratch == NULL || ix->first == NULL || ix->last == NULL ||
	    ix->id == NULL || ix->parent == NULL) {
		goto fail;
	}
	if (n > 0) {
		memcpy(sorted, ranges, n * sizeof(*sorted));
	}
	qsort(sorted, n, sizeof(*sorted), range_order);
	idreg_u128 max = bits == 128 ? ~(idreg_u128)0 : (((idreg_u128)1 << bits) - 1);
	for (size_t i = 0; i < n; i++) {
		if (sorted[i].first > sorted[i].last || sorted[i].last > max) {
			err = IDREG_EINVAL;
			goto fail;
		}
		ix->first[i] = sorted[i].first;
		ix->last[i] = sorted[i].last;
		ix->id[i] = sorted[i].id;
	}
	find_parents(ix, scratch);
	err = build_segments(ix, scratch);
	if (err != IDREG_OK) {
		goto fail;
	}
	free(sorted);
	free(scratch);
	return IDREG_OK;
fail:
	free(sorted);
	free(scratch);
	idreg_rangeindex_free(ix);
	return err;
}

void idreg_rangeindex_free(struct idreg_rangeindex *ix)
{
	free(ix->first);
	free(ix->last);
	free(ix->id);
	free(ix->parent);
	free(ix->seg_start32);
	free(ix->seg_start128);
	free(ix->seg_range);
	free(ix->bucket);
	free(ix->sub_of);
	free(ix->sub);
	memset(ix, 0, sizeof(*ix));
}

uint32_t idreg_rangeindex_point(const struct idreg_rangeindex *ix, idreg_u128 key)
{
	if (ix->segments == 0) {
		return IDREG_RANGEINDEX_NONE;
	}
	unsigned h = top16(ix, key);
	uint32_t lo = ix->bucket[h], hi = ix->bucket[h + 1];
	if (ix->sub_of[h] != IDREG_RANGEINDEX_NONE) {
		const uint32_t *table = ix->sub + (size_t)ix->sub_of[h] * (SUB_SLOTS + 1);
		unsigned j = next12(ix, key);
		lo = table[j];
		hi = table[j + 1];
	}
	/* Find the last segment in [lo, hi) whose start is <= key; else lo - 1. */
	if (ix->bits == 32) {
		uint32_t k = (uint32_t)key;
		const uint32_t *s = ix->seg_start32;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (s[mid] <= k) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
	} else {
		const idreg_u128 *s = ix->seg_start128;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (s[mid] <= key) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
	}
	/* Segment 0 starts at 0, so lo >= 1 here. */
	return ix->seg_range[lo - 1];
}

uint32_t idreg_rangeindex_covering(const struct idreg_rangeindex *ix, idreg_u128 first,
				   idreg_u128 last)
{
	uint32_t pos = idreg_rangeindex_point(ix, first);
	if (!ix->overlaps) {
		/* Nested ranges: the ones holding @first form one chain of parents. */
		while (pos != IDREG_RANGEINDEX_NONE && ix->last[pos] < last) {
			pos = ix->parent[pos];
		}
		return pos;
	}
	/* Overlapping ranges: any range that starts at or before @first may hold
	 * the query; take the smallest that does. */
	uint32_t best = IDREG_RANGEINDEX_NONE;
	for (uint32_t i = 0; i < ix->count && ix->first[i] <= first; i++) {
		if (ix->last[i] >= last &&
		    (best == IDREG_RANGEINDEX_NONE || range_size(ix, i) < range_size(ix, best))) {
			best = i;
		}
	}
	return best;
}

size_t idreg_rangeindex_inside(const struct idreg_rangeindex *ix, idreg_u128 first,
			       idreg_u128 last, uint32_t *out, size_t max)
{
	uint32_t lo = 0, hi = ix->count;
	while (lo < hi) { /* first position whose range starts at or after @first */
		uint32_t mid = lo + (hi - lo) / 2;
		if (ix->first[mid] < first) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	size_t found = 0;
	for (uint32_t i = lo; i < ix->count && ix->first[i] <= last; i++) {
		if (ix->last[i] <= last) {
			if (found < max) {
				out[found] = i;
			}
			found++;
		}
	}
	return found;
}
