/*
 * The allocation engine (alloc.h): the choice of a block over the free
 * space of the pools, and the changes -- pools, requests, the waiting list,
 * returns, transfers, assignments -- each read and written in one write
 * transaction (BEGIN IMMEDIATE), so that the state a choice is made on is
 * the state it is written into.
 */
#include "numres/alloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/array.h"
#include "formats/rir.h"

/* The file name the registry's own source row carries: its records come from
 * this engine, not from an imported file. */
#define ALLOC_SOURCE_FILE "idreg alloc"

/* Longest opaque id a holder may be given. */
#define HOLDER_MAX 64

void idreg_alloc_policy_from_config(const struct idreg_config *cfg, struct idreg_alloc_policy *out)
{
	memset(out, 0, sizeof(*out));
	out->registry = cfg->alloc_registry;
	out->cc = cfg->alloc_cc;
	out->shortest[IDREG_RES_IPV4] = (unsigned)cfg->alloc_ipv4_shortest;
	out->longest[IDREG_RES_IPV4] = (unsigned)cfg->alloc_ipv4_longest;
	out->shortest[IDREG_RES_IPV6] = (unsigned)cfg->alloc_ipv6_shortest;
	out->longest[IDREG_RES_IPV6] = (unsigned)cfg->alloc_ipv6_longest;
	out->asn_max = (uint64_t)cfg->alloc_asn_max;
}

/* ---- choosing a block ---- */

static int range_order(const void *pa, const void *pb)
{
	const struct idreg_alloc_range *a = pa, *b = pb;
	return a->first < b->first ? -1 : a->first > b->first;
}

idreg_err idreg_alloc_free_space(const struct idreg_alloc_range *pools, size_t npools,
				 const struct idreg_alloc_range *taken, size_t ntaken,
				 struct idreg_alloc_range **out, size_t *count)
{
	*out = NULL;
	*count = 0;
	/* Each taken range splits at most one free range in two. */
	struct idreg_alloc_range *p = malloc((npools ? npools : 1) * sizeof(*p));
	struct idreg_alloc_range *t = malloc((ntaken ? ntaken : 1) * sizeof(*t));
	struct idreg_alloc_range *free_ranges = malloc((npools + ntaken + 1) * sizeof(*free_ranges));
	if (p == NULL || t == NULL || free_ranges == NULL) {
		free(p);
		free(t);
		free(free_ranges);
		return IDREG_ENOMEM;
	}
	memcpy(p, pools, npools * sizeof(*p));
	memcpy(t, taken, ntaken * sizeof(*t));
	qsort(p, npools, sizeof(*p), range_order);
	qsort(t, ntaken, sizeof(*t), range_order);
	size_t n = 0;
	for (size_t i = 0; i < npools; i++) {
		idreg_u128 next = p[i].first; /* first number not yet known free or taken */
		bool done = false;
		for (size_t j = 0; j < ntaken && t[j].first <= p[i].last && !done; j++) {
			if (t[j].last < next) {
				continue;
			}
			if (t[j].first > next) {
				free_ranges[n++] = (struct idreg_alloc_range){ next, t[j].first - 1 };
			}
			done = t[j].last >= p[i].last;
			next = t[j].last + 1;
		}
		if (!done) {
			free_ranges[n++] = (struct idreg_alloc_range){ next, p[i].last };
		}
	}
	free(p);
	free(t);
	*out = free_ranges;
	*count = n;
	return IDREG_OK;
}

bool idreg_alloc_parse_size(enum idreg_restype type, const char *s, size_t len, uint64_t *out)
{
	bool prefix = type != IDREG_RES_ASN;
	if (prefix && len > 0 && s[0] == '/') {
		s++;
		len--;
	}
	idreg_u128 v;
	if (len == 0 || len > 10 || !idreg_parse_u128(s, len, &v)) {
		return false;
	}
	if (prefix ? v > idreg_restype_bits(type) : (v < 1 || v > (idreg_u128)UINT32_MAX + 1)) {
		return false;
	}
	*out = (uint64_t)v;
	return true;
}

bool idreg_alloc_parse_reserve(enum idreg_restype type, const char *s, size_t len,
			       idreg_u128 *out)
{
	if (len > 0 && s[0] == '/') {
		uint64_t plen;
		if (type == IDREG_RES_ASN || !idreg_alloc_parse_size(type, s, len, &plen) || plen == 0) {
			return false; /* a /0 would keep back every number */
		}
		*out = idreg_alloc_block_numbers(type, plen);
		return true;
	}
	return idreg_parse_u128(s, len, out) && *out <= idreg_restype_max(type);
}

idreg_u128 idreg_alloc_block_numbers(enum idreg_restype type, uint64_t size)
{
	if (type == IDREG_RES_ASN) {
		return size;
	}
	return idreg_host_mask(idreg_restype_bits(type), (unsigned)size) + 1;
}

/* The lowest @count consecutive free numbers. */
static bool place_lowest(const struct idreg_alloc_range *free, size_t n, uint64_t count,
			 struct idreg_alloc_range *out)
{
	for (size_t i = 0; i < n && count > 0; i++) {
		if (free[i].last - free[i].first >= (idreg_u128)count - 1) {
			out->first = free[i].first;
			out->last = free[i].first + count - 1;
			return true;
		}
	}
	return false;
}

bool idreg_alloc_place(enum idreg_restype type, const struct idreg_alloc_range *free, size_t n,
		       uint64_t size, struct idreg_alloc_range *out)
{
	if (type == IDREG_RES_ASN) {
		return place_lowest(free, n, size, out);
	}
	unsigned bits = idreg_restype_bits(type);
	if (size > bits) {
		return false;
	}
	bool smallest = type == IDREG_RES_IPV4; /* best fit; IPv6: the largest, sparse */
	bool found = false;
	struct idreg_prefix best = { { type, 0 }, 0 };
	struct idreg_prefix blocks[256];
	for (size_t i = 0; i < n; i++) {
		size_t k = idreg_range_to_prefixes(type, free[i].first, free[i].last, blocks, 256);
		for (size_t b = 0; b < k; b++) {
			if (blocks[b].len > size) {
				continue;
			}
			/* Strictly better only: among equals the lowest address stays. */
			if (!found || (smallest ? blocks[b].len > best.len : blocks[b].len < best.len)) {
				best = blocks[b];
				found = true;
			}
		}
	}
	if (found) {
		out->first = best.addr.value;
		out->last = best.addr.value | idreg_host_mask(bits, (unsigned)size);
	}
	return found;
}

bool idreg_alloc_hd_ratio(idreg_u128 used, idreg_u128 total, double *out)
{
	if (used < 1 || total < 2) {
		return false;
	}
	*out = log((double)used) / log((double)total);
	return true;
}

/* ---- the state, read in a transaction ---- */

static const char *view_copy(struct idreg_alloc_view *view, const char *s)
{
	return s == NULL ? NULL : idreg_arena_strndup(&view->arena, s, strlen(s));
}

static idreg_err keep_held(void *ctx, const struct idreg_stored_numres *row)
{
	struct idreg_alloc_view *view = ctx;
	if (idreg_array_reserve(&view->held, &view->held_cap, view->held_count, sizeof(*view->held),
				64) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_alloc_held *h = &view->held[view->held_count];
	h->id = row->id;
	h->rec = row->rec;
	h->rec.registry = view_copy(view, row->rec.registry);
	h->rec.cc = view_copy(view, row->rec.cc);
	h->rec.opaque_id = view_copy(view, row->rec.opaque_id);
	h->rec.extensions = view_copy(view, row->rec.extensions);
	if (h->rec.registry == NULL || h->rec.cc == NULL ||
	    (row->rec.opaque_id != NULL && h->rec.opaque_id == NULL) ||
	    (row->rec.extensions != NULL && h->rec.extensions == NULL)) {
		return IDREG_ENOMEM;
	}
	view->held_count++;
	return IDREG_OK;
}

static idreg_err keep_pool(void *ctx, const struct idreg_alloc_pool *pool)
{
	struct idreg_alloc_view *view = ctx;
	if (idreg_array_reserve(&view->pools, &view->pool_cap, view->pool_count, sizeof(*view->pools),
				16) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_alloc_pool *p = &view->pools[view->pool_count];
	*p = *pool;
	p->origin = view_copy(view, pool->origin);
	p->added_at = view_copy(view, pool->added_at);
	if (p->origin == NULL || p->added_at == NULL) {
		return IDREG_ENOMEM;
	}
	view->pool_count++;
	return IDREG_OK;
}

static idreg_err keep_waiting(void *ctx, const struct idreg_alloc_waiting *w)
{
	struct idreg_alloc_view *view = ctx;
	if (idreg_array_reserve(&view->waiting, &view->waiting_cap, view->waiting_count,
				sizeof(*view->waiting), 16) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_alloc_waiting *c = &view->waiting[view->waiting_count];
	*c = *w;
	c->holder = view_copy(view, w->holder);
	c->requested_at = view_copy(view, w->requested_at);
	if (c->holder == NULL || c->requested_at == NULL) {
		return IDREG_ENOMEM;
	}
	view->waiting_count++;
	return IDREG_OK;
}

static idreg_err keep_assignment(void *ctx, const struct idreg_alloc_assignment *a)
{
	struct idreg_alloc_view *view = ctx;
	if (idreg_array_reserve(&view->assignments, &view->assignment_cap, view->assignment_count,
				sizeof(*view->assignments), 64) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_alloc_assignment *c = &view->assignments[view->assignment_count];
	*c = *a;
	c->assigned_at = view_copy(view, a->assigned_at);
	if (c->assigned_at == NULL) {
		return IDREG_ENOMEM;
	}
	view->assignment_count++;
	return IDREG_OK;
}

static int held_order(const void *pa, const void *pb)
{
	const struct idreg_alloc_held *a = pa, *b = pb;
	if (a->rec.type != b->rec.type) {
		return a->rec.type < b->rec.type ? -1 : 1;
	}
	return a->rec.first < b->rec.first ? -1 : a->rec.first > b->rec.first;
}

/* Assignments by allocation, then address: each allocation's are one run. */
static int assignment_order(const void *pa, const void *pb)
{
	const struct idreg_alloc_assignment *a = pa, *b = pb;
	if (a->allocation_id != b->allocation_id) {
		return a->allocation_id < b->allocation_id ? -1 : 1;
	}
	return a->first < b->first ? -1 : a->first > b->first;
}

/* Are the registry's name and economy fit for exchange-format records? */
static idreg_err policy_check(const struct idreg_alloc_policy *policy, struct idreg_diag *diag)
{
	const char *r = policy->registry;
	bool ok = r[0] != '\0';
	for (; *r != '\0' && ok; r++) {
		ok = (*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '-' || *r == '_';
	}
	if (!ok) {
		return idreg_diag_set(diag, IDREG_ECONFIG,
				      "alloc.registry: '%s' is not a registry name (lower-case letters, "
				      "digits, '-' and '_')",
				      policy->registry);
	}
	const char *cc = policy->cc;
	if (cc[0] != '\0' && !(strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' && cc[1] >= 'A' &&
				cc[1] <= 'Z')) {
		return idreg_diag_set(diag, IDREG_ECONFIG,
				      "alloc.cc: '%s' is not an ISO 3166 alpha-2 code in capitals", cc);
	}
	return IDREG_OK;
}

/* Fill @view inside the open transaction. */
static idreg_err view_fill(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			   struct idreg_alloc_view *view, struct idreg_diag *diag)
{
	struct idreg_source source;
	idreg_err err = policy_check(policy, diag);
	if (err != IDREG_OK) {
		return err;
	}
	err = store->ops->source_get(store, policy->registry, &source, diag);
	if (err == IDREG_OK && strcmp(source.file, ALLOC_SOURCE_FILE) != 0) {
		return idreg_diag_set(diag, IDREG_EREFUSED,
				      "registry '%s' holds records imported from %s: alloc.registry "
				      "must name this registry's own allocations",
				      policy->registry, source.file);
	}
	if (err != IDREG_OK && err != IDREG_ENOTFOUND) {
		return err;
	}
	view->has_source = err == IDREG_OK;
	err = IDREG_OK;
	if (view->has_source) {
		err = store->ops->numres_each(store, policy->registry, keep_held, view, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->alloc_pool_each(store, keep_pool, view, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->alloc_waiting_each(store, keep_waiting, view, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->alloc_assignment_each(store, keep_assignment, view, diag);
	}
	if (err == IDREG_ENOMEM) {
		return idreg_diag_set(diag, err, "out of memory reading the allocations");
	}
	if (err == IDREG_OK && view->held_count > 0) {
		qsort(view->held, view->held_count, sizeof(*view->held), held_order);
	}
	if (err == IDREG_OK && view->assignment_count > 0) {
		qsort(view->assignments, view->assignment_count, sizeof(*view->assignments),
		      assignment_order);
	}
	return err;
}

void idreg_alloc_view_free(struct idreg_alloc_view *view)
{
	free(view->held);
	free(view->pools);
	free(view->waiting);
	free(view->assignments);
	idreg_arena_free(&view->arena);
	memset(view, 0, sizeof(*view));
}

static void view_init(struct idreg_alloc_view *view)
{
	memset(view, 0, sizeof(*view));
	idreg_arena_init(&view->arena, 64 * 1024, 0);
}

idreg_err idreg_alloc_view_load(struct idreg_store *store, const struct idreg_alloc_policy *policy,
				struct idreg_alloc_view *view, struct idreg_diag *diag)
{
	view_init(view);
	idreg_err err = store->ops->begin(store, diag);
	if (err == IDREG_OK) {
		err = view_fill(store, policy, view, diag);
		store->ops->rollback(store);
	}
	return err;
}

const struct idreg_alloc_held *idreg_alloc_find(const struct idreg_alloc_view *view,
						enum idreg_restype type, idreg_u128 first,
						idreg_u128 last)
{
	for (size_t i = 0; i < view->held_count; i++) {
		const struct idreg_numres *r = &view->held[i].rec;
		if (r->type == type && r->first == first && r->last == last) {
			return &view->held[i];
		}
	}
	return NULL;
}

/* The allocation of @type that overlaps [first, last], or NULL. */
static const struct idreg_alloc_held *find_overlapping(const struct idreg_alloc_view *view,
						       enum idreg_restype type, idreg_u128 first,
						       idreg_u128 last)
{
	for (size_t i = 0; i < view->held_count; i++) {
		const struct idreg_numres *r = &view->held[i].rec;
		if (r->type == type && r->first <= last && first <= r->last) {
			return &view->held[i];
		}
	}
	return NULL;
}

/* The allocations of @type inside pool @p, as ranges in *@out (malloc'd). */
static idreg_err taken_in_pool(const struct idreg_alloc_view *view, const struct idreg_alloc_pool *p,
			       struct idreg_alloc_range **out, size_t *count)
{
	*count = 0;
	*out = malloc((view->held_count ? view->held_count : 1) * sizeof(**out));
	if (*out == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < view->held_count; i++) {
		const struct idreg_numres *r = &view->held[i].rec;
		if (r->type == p->type && r->first <= p->last && p->first <= r->last) {
			(*out)[(*count)++] = (struct idreg_alloc_range){ r->first, r->last };
		}
	}
	return IDREG_OK;
}

/* The free space of pool @index, in *@out (malloc'd). */
static idreg_err pool_free_space(const struct idreg_alloc_view *view, size_t index,
				 struct idreg_alloc_range **out, size_t *count)
{
	const struct idreg_alloc_pool *p = &view->pools[index];
	struct idreg_alloc_range whole = { p->first, p->last };
	struct idreg_alloc_range *taken;
	size_t ntaken;
	idreg_err err = taken_in_pool(view, p, &taken, &ntaken);
	if (err == IDREG_OK) {
		err = idreg_alloc_free_space(&whole, 1, taken, ntaken, out, count);
		free(taken);
	}
	return err;
}

static idreg_u128 numbers_in(const struct idreg_alloc_range *r, size_t n)
{
	idreg_u128 total = 0;
	for (size_t i = 0; i < n; i++) {
		total += r[i].last - r[i].first + 1;
	}
	return total;
}

idreg_u128 idreg_alloc_pool_free(const struct idreg_alloc_view *view, size_t index)
{
	struct idreg_alloc_range *free_ranges;
	size_t n;
	if (pool_free_space(view, index, &free_ranges, &n) != IDREG_OK) {
		return 0;
	}
	idreg_u128 total = numbers_in(free_ranges, n);
	free(free_ranges);
	return total;
}

void idreg_alloc_usage_add(const struct idreg_alloc_view *view, const struct idreg_alloc_held *held,
			   struct idreg_alloc_usage *usage)
{
	const unsigned unit_shift = 128 - IDREG_ALLOC_HD_UNIT_LEN;
	const struct idreg_numres *r = &held->rec;
	usage->numbers += r->last - r->first + 1;
	if (r->type == IDREG_RES_IPV6) {
		usage->units += (r->last >> unit_shift) - (r->first >> unit_shift) + 1;
	}
	bool counted = false;      /* a unit has been counted ... */
	idreg_u128 last_unit = 0;  /* ... and this is the highest */
	for (size_t i = 0; i < view->assignment_count; i++) {
		const struct idreg_alloc_assignment *a = &view->assignments[i];
		if (a->allocation_id != held->id) {
			continue;
		}
		usage->assignments++;
		usage->assigned += a->last - a->first + 1;
		if (r->type == IDREG_RES_IPV6) {
			/* Assignments come by address: count each /56 they touch once. */
			idreg_u128 first_unit = a->first >> unit_shift, end_unit = a->last >> unit_shift;
			if (counted && first_unit <= last_unit) {
				first_unit = last_unit + 1;
			}
			if (first_unit <= end_unit) {
				usage->assigned_units += end_unit - first_unit + 1;
				last_unit = end_unit;
				counted = true;
			}
		}
	}
}

size_t idreg_alloc_waiting_position(const struct idreg_alloc_view *view, size_t index)
{
	size_t position = 0;
	for (size_t i = 0; i <= index && i < view->waiting_count; i++) {
		position += view->waiting[i].type == view->waiting[index].type;
	}
	return position;
}

/* ---- writing ---- */

/* One change: the transaction, the state read in it, and its change set. */
struct change {
	struct idreg_store *store;
	const struct idreg_alloc_policy *policy;
	struct idreg_alloc_view view;
	int64_t change_set;
	bool numres_changed;
	struct idreg_diag *diag;
};

static idreg_err change_begin(struct change *c, struct idreg_store *store,
			      const struct idreg_alloc_policy *policy, const char *actor,
			      struct idreg_diag *diag)
{
	memset(c, 0, sizeof(*c));
	c->store = store;
	c->policy = policy;
	c->diag = diag;
	view_init(&c->view);
	idreg_err err = store->ops->begin(store, diag);
	if (err != IDREG_OK) {
		return err;
	}
	err = view_fill(store, policy, &c->view, diag);
	if (err == IDREG_OK) {
		char now[32];
		idreg_store_now(now, sizeof(now));
		err = store->ops->change_set_add(store, now, actor, NULL, NULL, &c->change_set, diag);
	}
	return err;
}

static int32_t today(void)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return (int32_t)((tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday);
}

/* The registry's own source row, as the exchange format's header says it:
 * serial and end date today, start date the earliest allocation's. */
static idreg_err put_source(struct change *c)
{
	struct idreg_source src;
	memset(&src, 0, sizeof(src));
	struct idreg_rir_header *h = &src.header;
	int32_t now = today(), earliest = now;
	for (size_t i = 0; i < c->view.held_count; i++) {
		const struct idreg_numres *r = &c->view.held[i].rec;
		if (r->date > 0 && r->date < earliest) {
			earliest = r->date;
		}
		src.summary[r->type]++;
	}
	snprintf(h->version, sizeof(h->version), "2.3");
	snprintf(h->registry, sizeof(h->registry), "%s", c->policy->registry);
	snprintf(h->serial, sizeof(h->serial), "%08d", (int)now);
	snprintf(h->startdate, sizeof(h->startdate), "%08d", (int)earliest);
	snprintf(h->enddate, sizeof(h->enddate), "%08d", (int)now);
	snprintf(h->utcoffset, sizeof(h->utcoffset), "+0000");
	h->records = c->view.held_count;
	h->serial_time = idreg_rir_serial_time(h->serial);
	snprintf(src.file, sizeof(src.file), ALLOC_SOURCE_FILE);
	idreg_store_now(src.imported_at, sizeof(src.imported_at));
	idreg_err err = c->store->ops->source_put(c->store, &src, c->diag);
	if (err == IDREG_OK) {
		c->view.has_source = true;
	}
	return err;
}

static idreg_err change_end(struct change *c, idreg_err err)
{
	if (err == IDREG_OK && c->numres_changed) {
		err = put_source(c);
	}
	if (err == IDREG_OK) {
		err = c->store->ops->commit(c->store, c->diag);
	} else {
		c->store->ops->rollback(c->store);
	}
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(c->diag, err, "out of memory");
	}
	idreg_alloc_view_free(&c->view);
	return err;
}

static idreg_err history(struct change *c, const char *object, int64_t id, enum idreg_change what,
			 const char *before, const char *after)
{
	struct idreg_history_entry entry = {
		.change_set = c->change_set,
		.object_type = object,
		.first_id = id,
		.last_id = id,
		.change = what,
		.before = before,
		.after = after,
	};
	return c->store->ops->history_add(c->store, &entry, c->diag);
}

static bool holder_valid(const char *holder, struct idreg_diag *diag)
{
	size_t n = strlen(holder);
	bool ok = n > 0 && n <= HOLDER_MAX;
	for (size_t i = 0; i < n && ok; i++) {
		char ch = holder[i];
		ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		     ch == '-' || ch == '_' || ch == '.' || ch == ':';
	}
	if (!ok) {
		idreg_diag_set(diag, IDREG_EINVAL,
			       "holder '%.80s': an opaque id is 1 to %d letters, digits and '-_.:'",
			       holder, HOLDER_MAX);
	}
	return ok;
}

/* The exchange format's value of a block: a count, or for ipv6 a prefix length. */
static uint64_t record_value(enum idreg_restype type, const struct idreg_alloc_range *block)
{
	if (type != IDREG_RES_IPV6) {
		return (uint64_t)(block->last - block->first + 1);
	}
	unsigned host = 0;
	while (host < 128 && ((block->last - block->first) >> host) != 0) {
		host++;
	}
	return 128 - host;
}

/* Write a new allocation of @block to @holder. */
static idreg_err allocate(struct change *c, enum idreg_restype type,
			  const struct idreg_alloc_range *block, const char *holder, int64_t *id)
{
	idreg_err err = c->view.has_source ? IDREG_OK : put_source(c);
	if (err != IDREG_OK) {
		return err;
	}
	if (idreg_array_reserve(&c->view.held, &c->view.held_cap, c->view.held_count,
				sizeof(*c->view.held), 64) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_numres rec = {
		.type = type,
		.first = block->first,
		.last = block->last,
		.value = record_value(type, block),
		.date = today(),
		.status = IDREG_STATUS_ALLOCATED,
		.registry = c->policy->registry,
		.cc = c->policy->cc,
		.opaque_id = holder,
	};
	const struct idreg_numres *recs[1] = { &rec };
	err = c->store->ops->numres_insert(c->store, c->policy->registry, recs, 1, id, c->diag);
	if (err == IDREG_OK) {
		err = history(c, "numres", *id, IDREG_CHANGE_CREATE, NULL, NULL);
	}
	if (err == IDREG_OK) {
		c->view.held[c->view.held_count++] = (struct idreg_alloc_held){ *id, rec };
		qsort(c->view.held, c->view.held_count, sizeof(*c->view.held), held_order);
		c->numres_changed = true;
	}
	return err;
}

/* The size of a request as text: "/22", "4 AS numbers". */
static void size_text(enum idreg_restype type, uint64_t size, char *out, size_t n)
{
	if (type == IDREG_RES_ASN) {
		snprintf(out, n, "%llu AS number%s", (unsigned long long)size, size == 1 ? "" : "s");
	} else {
		snprintf(out, n, "/%llu", (unsigned long long)size);
	}
}

/* The largest block the free space @free offers, as text ("none" when empty). */
static void largest_free_text(enum idreg_restype type, const struct idreg_alloc_range *free_ranges,
			      size_t n, char *out, size_t size)
{
	if (type == IDREG_RES_ASN) {
		idreg_u128 run = 0;
		for (size_t i = 0; i < n; i++) {
			if (free_ranges[i].last - free_ranges[i].first + 1 > run) {
				run = free_ranges[i].last - free_ranges[i].first + 1;
			}
		}
		snprintf(out, size, "%llu consecutive", (unsigned long long)run);
		return;
	}
	unsigned bits = idreg_restype_bits(type), best = bits + 1;
	struct idreg_prefix blocks[256];
	for (size_t i = 0; i < n; i++) {
		size_t k = idreg_range_to_prefixes(type, free_ranges[i].first, free_ranges[i].last, blocks,
						   256);
		for (size_t b = 0; b < k && b < 256; b++) {
			best = blocks[b].len < best ? blocks[b].len : best;
		}
	}
	if (best > bits) {
		snprintf(out, size, "none");
	} else {
		snprintf(out, size, "/%u", best);
	}
}

enum choice { CHOSEN, NEVER_FITS, NO_ROOM, RESERVE };

/*
 * Choose a block of @size of @type over the pools: the free space of each
 * pool that would keep its reserve after giving a block of that size takes
 * part.  @why says what stood in the way.
 */
static idreg_err choose(const struct idreg_alloc_view *view, enum idreg_restype type, uint64_t size,
			struct idreg_alloc_range *block, enum choice *result, char *why, size_t why_size)
{
	struct idreg_alloc_range *eligible = NULL, *all = NULL;
	size_t n_eligible = 0, cap_eligible = 0, n_all = 0, cap_all = 0;
	bool ever_fits = false, fits = false;
	idreg_u128 need = idreg_alloc_block_numbers(type, size);
	idreg_err err = IDREG_OK;
	for (size_t i = 0; i < view->pool_count && err == IDREG_OK; i++) {
		const struct idreg_alloc_pool *p = &view->pools[i];
		if (p->type != type) {
			continue;
		}
		struct idreg_alloc_range whole = { p->first, p->last }, unused;
		ever_fits |= idreg_alloc_place(type, &whole, 1, size, &unused);
		struct idreg_alloc_range *free_ranges;
		size_t n;
		if ((err = pool_free_space(view, i, &free_ranges, &n)) != IDREG_OK) {
			break;
		}
		bool keeps_reserve = numbers_in(free_ranges, n) >= need + p->reserve;
		fits |= idreg_alloc_place(type, free_ranges, n, size, &unused);
		for (size_t k = 0; k < n && err == IDREG_OK; k++) {
			err = idreg_array_reserve(&all, &cap_all, n_all, sizeof(*all), 16);
			if (err == IDREG_OK) {
				all[n_all++] = free_ranges[k];
			}
			if (err == IDREG_OK && keeps_reserve) {
				err = idreg_array_reserve(&eligible, &cap_eligible, n_eligible,
							  sizeof(*eligible), 16);
				if (err == IDREG_OK) {
					eligible[n_eligible++] = free_ranges[k];
				}
			}
		}
		free(free_ranges);
	}
	if (err == IDREG_OK) {
		char want[40], largest[40];
		size_text(type, size, want, sizeof(want));
		if (n_eligible > 0) {
			qsort(eligible, n_eligible, sizeof(*eligible), range_order);
		}
		if (n_all > 0) {
			qsort(all, n_all, sizeof(*all), range_order);
		}
		largest_free_text(type, all, n_all, largest, sizeof(largest));
		if (idreg_alloc_place(type, eligible, n_eligible, size, block)) {
			*result = CHOSEN;
		} else if (!ever_fits) {
			*result = NEVER_FITS;
			snprintf(why, why_size, "no %s pool can hold %s%s", idreg_restype_name(type),
				 type == IDREG_RES_ASN ? "" : "a ", want);
		} else if (!fits) {
			*result = NO_ROOM;
			snprintf(why, why_size, "no free %s%s left in the %s pools (largest free: %s)",
				 type == IDREG_RES_ASN ? "run of " : "", want, idreg_restype_name(type),
				 largest);
		} else {
			*result = RESERVE;
			snprintf(why, why_size,
				 "%s%s would leave less than the reserve kept back in every %s pool with room",
				 type == IDREG_RES_ASN ? "" : "a ", want, idreg_restype_name(type));
		}
	}
	free(eligible);
	free(all);
	return err;
}

static size_t waiting_of_type(const struct idreg_alloc_view *view, enum idreg_restype type)
{
	size_t n = 0;
	for (size_t i = 0; i < view->waiting_count; i++) {
		n += view->waiting[i].type == type;
	}
	return n;
}

static idreg_err check_size(const struct idreg_alloc_policy *policy, enum idreg_restype type,
			    uint64_t size, struct idreg_diag *diag)
{
	if (type == IDREG_RES_ASN) {
		if (size < 1 || size > policy->asn_max) {
			return idreg_diag_set(diag, IDREG_EREFUSED,
					      "%llu AS numbers: the policy allows 1 to %llu per request "
					      "(alloc.asn_max_count)",
					      (unsigned long long)size, (unsigned long long)policy->asn_max);
		}
		return IDREG_OK;
	}
	if (size < policy->shortest[type] || size > policy->longest[type]) {
		return idreg_diag_set(diag, IDREG_EREFUSED,
				      "/%llu: the policy allows %s blocks from /%u to /%u "
				      "(alloc.%s_shortest_prefix, alloc.%s_longest_prefix)",
				      (unsigned long long)size, idreg_restype_name(type),
				      policy->shortest[type], policy->longest[type],
				      idreg_restype_name(type), idreg_restype_name(type));
	}
	return IDREG_OK;
}

static bool has_pool(const struct idreg_alloc_view *view, enum idreg_restype type)
{
	for (size_t i = 0; i < view->pool_count; i++) {
		if (view->pools[i].type == type) {
			return true;
		}
	}
	return false;
}

idreg_err idreg_alloc_request(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			      const struct idreg_alloc_request *req, const char *actor,
			      struct idreg_alloc_outcome *out, struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	if (!holder_valid(req->holder, diag)) {
		return IDREG_EINVAL;
	}
	idreg_err err = check_size(policy, req->type, req->size, diag);
	if (err != IDREG_OK) {
		return err;
	}
	struct change c;
	err = change_begin(&c, store, policy, actor, diag);
	if (err != IDREG_OK) {
		return change_end(&c, err);
	}
	const char *type_name = idreg_restype_name(req->type);
	if (!has_pool(&c.view, req->type)) {
		err = idreg_diag_set(diag, IDREG_EREFUSED,
				     "the registry has no %s pool (idreg alloc pool add)", type_name);
		return change_end(&c, err);
	}
	size_t ahead = waiting_of_type(&c.view, req->type);
	enum choice result = CHOSEN;
	err = choose(&c.view, req->type, req->size, &out->block, &result, out->reason,
		     sizeof(out->reason));
	if (err == IDREG_OK && ahead > 0 && result != NEVER_FITS) {
		/* First come, first served: nobody overtakes a waiting request. */
		snprintf(out->reason, sizeof(out->reason),
			 "%zu request%s for %s wait%s before it (first come, first served)", ahead,
			 ahead == 1 ? "" : "s", type_name, ahead == 1 ? "s" : "");
		result = NO_ROOM;
	}
	if (err == IDREG_OK && result == CHOSEN) {
		err = allocate(&c, req->type, &out->block, req->holder, &out->id);
	} else if (err == IDREG_OK && (result == NEVER_FITS || req->type != IDREG_RES_IPV4 ||
				       req->no_wait)) {
		err = idreg_diag_set(diag, IDREG_EREFUSED, "%s", out->reason);
	} else if (err == IDREG_OK) {
		struct idreg_alloc_waiting w = { .type = req->type, .holder = req->holder,
						 .size = req->size };
		err = store->ops->alloc_waiting_add(store, &w, &out->id, diag);
		if (err == IDREG_OK) {
			err = history(&c, "alloc_waiting", out->id, IDREG_CHANGE_CREATE, NULL, NULL);
		}
		out->waiting = true;
		out->position = ahead + 1;
	}
	return change_end(&c, err);
}

/* The text a deleted waiting request keeps in the history. */
static void waiting_text(const struct idreg_alloc_waiting *w, char *out, size_t size)
{
	char want[40];
	size_text(w->type, w->size, want, sizeof(want));
	snprintf(out, size, "%s %s for %s, waiting since %s", idreg_restype_name(w->type), want,
		 w->holder, w->requested_at);
}

idreg_err idreg_alloc_serve(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			    const char *actor, idreg_alloc_served_cb served, void *ctx,
			    size_t *count, struct idreg_diag *diag)
{
	*count = 0;
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	bool stopped[IDREG_RESTYPE_COUNT] = { false };
	for (size_t i = 0; err == IDREG_OK && i < c.view.waiting_count; i++) {
		const struct idreg_alloc_waiting *w = &c.view.waiting[i];
		if (stopped[w->type]) {
			continue;
		}
		struct idreg_alloc_range block;
		enum choice result;
		char why[256];
		err = choose(&c.view, w->type, w->size, &block, &result, why, sizeof(why));
		if (err != IDREG_OK || result != CHOSEN) {
			stopped[w->type] = true; /* those behind it wait too */
			continue;
		}
		int64_t id;
		char text[256];
		waiting_text(w, text, sizeof(text));
		err = allocate(&c, w->type, &block, w->holder, &id);
		if (err == IDREG_OK) {
			err = store->ops->alloc_waiting_delete(store, w->id, diag);
		}
		if (err == IDREG_OK) {
			err = history(&c, "alloc_waiting", w->id, IDREG_CHANGE_DELETE, text, NULL);
		}
		if (err == IDREG_OK) {
			(*count)++;
			if (served != NULL) {
				served(ctx, w, &block, id);
			}
		}
	}
	return change_end(&c, err);
}

idreg_err idreg_alloc_cancel(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			     int64_t waiting_id, const char *actor, struct idreg_diag *diag)
{
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	const struct idreg_alloc_waiting *w = NULL;
	for (size_t i = 0; err == IDREG_OK && i < c.view.waiting_count; i++) {
		if (c.view.waiting[i].id == waiting_id) {
			w = &c.view.waiting[i];
		}
	}
	if (err == IDREG_OK && w == NULL) {
		err = idreg_diag_set(diag, IDREG_ENOTFOUND, "no waiting request %lld",
				     (long long)waiting_id);
	}
	if (err == IDREG_OK) {
		char text[256];
		waiting_text(w, text, sizeof(text));
		err = store->ops->alloc_waiting_delete(store, w->id, diag);
		if (err == IDREG_OK) {
			err = history(&c, "alloc_waiting", w->id, IDREG_CHANGE_DELETE, text, NULL);
		}
	}
	return change_end(&c, err);
}

/* The allocation that is exactly [first, last]; else ENOTFOUND saying what is there. */
static idreg_err find_allocation(struct change *c, enum idreg_restype type, idreg_u128 first,
				 idreg_u128 last, const struct idreg_alloc_held **out)
{
	*out = idreg_alloc_find(&c->view, type, first, last);
	if (*out != NULL) {
		return IDREG_OK;
	}
	char asked[IDREG_RANGE_TEXT_MAX], there[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(type, first, last, asked, sizeof(asked));
	const struct idreg_alloc_held *near = find_overlapping(&c->view, type, first, last);
	if (near != NULL) {
		idreg_block_format(type, near->rec.first, near->rec.last, there, sizeof(there));
		return idreg_diag_set(c->diag, IDREG_ENOTFOUND,
				      "%s is not an allocation of registry '%s'; it overlaps the "
				      "allocation %s",
				      asked, c->policy->registry, there);
	}
	return idreg_diag_set(c->diag, IDREG_ENOTFOUND, "%s is not an allocation of registry '%s'",
			      asked, c->policy->registry);
}

static void remove_held(struct idreg_alloc_view *view, const struct idreg_alloc_held *held)
{
	size_t i = (size_t)(held - view->held);
	memmove(&view->held[i], &view->held[i + 1], (view->held_count - i - 1) * sizeof(*view->held));
	view->held_count--;
}

static void assignment_text(const struct idreg_alloc_assignment *a, char *out, size_t size)
{
	char block[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(a->type, a->first, a->last, block, sizeof(block));
	snprintf(out, size, "%s %s in allocation %lld, assigned %s", idreg_restype_name(a->type),
		 block, (long long)a->allocation_id, a->assigned_at);
}

static idreg_err delete_assignment(struct change *c, const struct idreg_alloc_assignment *a)
{
	char text[256];
	assignment_text(a, text, sizeof(text));
	idreg_err err = c->store->ops->alloc_assignment_delete(c->store, a->id, c->diag);
	if (err == IDREG_OK) {
		err = history(c, "alloc_assignment", a->id, IDREG_CHANGE_DELETE, text, NULL);
	}
	return err;
}

idreg_err idreg_alloc_return(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			     enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			     const char *actor, struct idreg_diag *diag)
{
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	const struct idreg_alloc_held *held = NULL;
	if (err == IDREG_OK) {
		err = find_allocation(&c, type, first, last, &held);
	}
	for (size_t i = 0; err == IDREG_OK && i < c.view.assignment_count; i++) {
		if (c.view.assignments[i].allocation_id == held->id) {
			err = delete_assignment(&c, &c.view.assignments[i]);
		}
	}
	if (err == IDREG_OK) {
		char text[IDREG_RIR_RECORD_TEXT_MAX];
		idreg_rir_format_record(&held->rec, text, sizeof(text));
		err = store->ops->numres_delete(store, held->id, diag);
		if (err == IDREG_OK) {
			err = history(&c, "numres", held->id, IDREG_CHANGE_DELETE, text, NULL);
		}
		if (err == IDREG_OK) {
			remove_held(&c.view, held);
			c.numres_changed = true;
		}
	}
	return change_end(&c, err);
}

idreg_err idreg_alloc_transfer(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			       enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			       const char *holder, const char *actor, struct idreg_diag *diag)
{
	if (!holder_valid(holder, diag)) {
		return IDREG_EINVAL;
	}
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	const struct idreg_alloc_held *held = NULL;
	if (err == IDREG_OK) {
		err = find_allocation(&c, type, first, last, &held);
	}
	if (err == IDREG_OK && held->rec.opaque_id != NULL && strcmp(held->rec.opaque_id, holder) == 0) {
		err = idreg_diag_set(diag, IDREG_EREFUSED, "%s already holds it", holder);
	}
	if (err == IDREG_OK) {
		struct idreg_numres after = held->rec;
		after.opaque_id = holder;
		char before_text[IDREG_RIR_RECORD_TEXT_MAX], after_text[IDREG_RIR_RECORD_TEXT_MAX];
		idreg_rir_format_record(&held->rec, before_text, sizeof(before_text));
		idreg_rir_format_record(&after, after_text, sizeof(after_text));
		err = store->ops->numres_update(store, held->id, &after, diag);
		if (err == IDREG_OK) {
			err = history(&c, "numres", held->id, IDREG_CHANGE_UPDATE, before_text, after_text);
		}
		c.numres_changed = err == IDREG_OK;
	}
	return change_end(&c, err);
}

idreg_err idreg_alloc_grow(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			   enum idreg_restype type, idreg_u128 first, idreg_u128 last, unsigned len,
			   const char *actor, struct idreg_alloc_range *grown, struct idreg_diag *diag)
{
	if (type == IDREG_RES_ASN) {
		return idreg_diag_set(diag, IDREG_EINVAL, "AS numbers do not grow: request more");
	}
	idreg_err err = check_size(policy, type, len, diag);
	if (err != IDREG_OK) {
		return err;
	}
	unsigned bits = idreg_restype_bits(type);
	grown->first = first & ~idreg_host_mask(bits, len);
	grown->last = grown->first | idreg_host_mask(bits, len);
	struct change c;
	err = change_begin(&c, store, policy, actor, diag);
	const struct idreg_alloc_held *held = NULL;
	if (err == IDREG_OK) {
		err = find_allocation(&c, type, first, last, &held);
	}
	char text[IDREG_RANGE_TEXT_MAX], other[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(type, grown->first, grown->last, text, sizeof(text));
	if (err == IDREG_OK && grown->first == first && grown->last == last) {
		err = idreg_diag_set(diag, IDREG_EREFUSED, "it is a /%u already", len);
	} else if (err == IDREG_OK && grown->last - grown->first < last - first) {
		err = idreg_diag_set(diag, IDREG_EREFUSED, "%s is smaller than the allocation", text);
	}
	const struct idreg_alloc_pool *pool = NULL;
	for (size_t i = 0; err == IDREG_OK && i < c.view.pool_count; i++) {
		const struct idreg_alloc_pool *p = &c.view.pools[i];
		if (p->type == type && p->first <= grown->first && grown->last <= p->last) {
			pool = p;
		}
	}
	if (err == IDREG_OK && pool == NULL) {
		err = idreg_diag_set(diag, IDREG_EREFUSED, "%s is not inside one pool", text);
	}
	for (size_t i = 0; err == IDREG_OK && i < c.view.held_count; i++) {
		const struct idreg_numres *r = &c.view.held[i].rec;
		if (&c.view.held[i] != held && r->type == type && r->first <= grown->last &&
		    grown->first <= r->last) {
			idreg_block_format(type, r->first, r->last, other, sizeof(other));
			err = idreg_diag_set(diag, IDREG_EREFUSED, "%s holds the allocation %s of %s", text,
					     other, r->opaque_id ? r->opaque_id : "no holder");
		}
	}
	if (err == IDREG_OK) {
		idreg_u128 added = (grown->last - grown->first) - (last - first);
		struct idreg_alloc_range *free_ranges;
		size_t n;
		err = pool_free_space(&c.view, (size_t)(pool - c.view.pools), &free_ranges, &n);
		idreg_u128 free_numbers = err == IDREG_OK ? numbers_in(free_ranges, n) : 0;
		if (err == IDREG_OK) {
			free(free_ranges);
		}
		if (err == IDREG_OK && free_numbers < added + pool->reserve) {
			err = idreg_diag_set(diag, IDREG_EREFUSED,
					     "growing to %s would leave less than the pool's reserve", text);
		}
	}
	if (err == IDREG_OK) {
		struct idreg_numres after = held->rec;
		after.first = grown->first;
		after.last = grown->last;
		after.value = record_value(type, grown);
		char before_text[IDREG_RIR_RECORD_TEXT_MAX], after_text[IDREG_RIR_RECORD_TEXT_MAX];
		idreg_rir_format_record(&held->rec, before_text, sizeof(before_text));
		idreg_rir_format_record(&after, after_text, sizeof(after_text));
		err = store->ops->numres_update(store, held->id, &after, diag);
		if (err == IDREG_OK) {
			err = history(&c, "numres", held->id, IDREG_CHANGE_UPDATE, before_text, after_text);
		}
		c.numres_changed = err == IDREG_OK;
	}
	return change_end(&c, err);
}

idreg_err idreg_alloc_assign(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			     enum idreg_restype type, const struct idreg_alloc_range *block,
			     const struct idreg_alloc_range *within, const char *actor,
			     int64_t *id, struct idreg_diag *diag)
{
	if (type == IDREG_RES_ASN) {
		return idreg_diag_set(diag, IDREG_EINVAL, "assignments are of addresses, not AS numbers");
	}
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	const struct idreg_alloc_held *held = NULL;
	if (err == IDREG_OK) {
		err = find_allocation(&c, type, within->first, within->last, &held);
	}
	char text[IDREG_RANGE_TEXT_MAX], other[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(type, block->first, block->last, text, sizeof(text));
	if (err == IDREG_OK && (block->first < held->rec.first || block->last > held->rec.last)) {
		char alloc_text[IDREG_RANGE_TEXT_MAX];
		idreg_block_format(type, held->rec.first, held->rec.last, alloc_text, sizeof(alloc_text));
		err = idreg_diag_set(diag, IDREG_EREFUSED, "%s is not inside the allocation %s", text,
				     alloc_text);
	}
	for (size_t i = 0; err == IDREG_OK && i < c.view.assignment_count; i++) {
		const struct idreg_alloc_assignment *a = &c.view.assignments[i];
		if (a->allocation_id == held->id && a->first <= block->last && block->first <= a->last) {
			idreg_block_format(type, a->first, a->last, other, sizeof(other));
			err = idreg_diag_set(diag, IDREG_EREFUSED, "%s overlaps the assignment %s", text,
					     other);
		}
	}
	if (err == IDREG_OK) {
		struct idreg_alloc_assignment a = { .allocation_id = held->id, .type = type,
						    .first = block->first, .last = block->last };
		err = store->ops->alloc_assignment_add(store, &a, id, diag);
		if (err == IDREG_OK) {
			err = history(&c, "alloc_assignment", *id, IDREG_CHANGE_CREATE, NULL, NULL);
		}
	}
	return change_end(&c, err);
}

idreg_err idreg_alloc_unassign(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			       enum idreg_restype type, const struct idreg_alloc_range *block,
			       const char *actor, struct idreg_diag *diag)
{
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	const struct idreg_alloc_assignment *found = NULL;
	for (size_t i = 0; err == IDREG_OK && i < c.view.assignment_count; i++) {
		const struct idreg_alloc_assignment *a = &c.view.assignments[i];
		if (a->type == type && a->first == block->first && a->last == block->last) {
			found = a;
		}
	}
	if (err == IDREG_OK && found == NULL) {
		char text[IDREG_RANGE_TEXT_MAX];
		idreg_block_format(type, block->first, block->last, text, sizeof(text));
		err = idreg_diag_set(diag, IDREG_ENOTFOUND, "%s is not an assignment", text);
	}
	if (err == IDREG_OK) {
		err = delete_assignment(&c, found);
	}
	return change_end(&c, err);
}

/* ---- pools ---- */

/* Add one pool, refusing an overlap with a pool held. */
static idreg_err add_pool(struct change *c, const struct idreg_alloc_pool *pool)
{
	char text[IDREG_RANGE_TEXT_MAX], other[IDREG_RANGE_TEXT_MAX];
	idreg_block_format(pool->type, pool->first, pool->last, text, sizeof(text));
	for (size_t i = 0; i < c->view.pool_count; i++) {
		const struct idreg_alloc_pool *p = &c->view.pools[i];
		if (p->type == pool->type && p->first <= pool->last && pool->first <= p->last) {
			idreg_block_format(p->type, p->first, p->last, other, sizeof(other));
			return idreg_diag_set(c->diag, IDREG_EREFUSED, "%s overlaps the pool %s (%s)",
					      text, other, p->origin);
		}
	}
	if (pool->reserve > pool->last - pool->first) {
		return idreg_diag_set(c->diag, IDREG_EREFUSED,
				      "the reserve of %s would keep back all of it", text);
	}
	int64_t id;
	idreg_err err = c->store->ops->alloc_pool_add(c->store, pool, &id, c->diag);
	if (err == IDREG_OK) {
		err = history(c, "alloc_pool", id, IDREG_CHANGE_CREATE, NULL, NULL);
	}
	if (err == IDREG_OK) {
		err = idreg_array_reserve(&c->view.pools, &c->view.pool_cap, c->view.pool_count,
					  sizeof(*c->view.pools), 16);
	}
	if (err == IDREG_OK) {
		c->view.pools[c->view.pool_count] = *pool;
		c->view.pools[c->view.pool_count++].id = id;
	}
	return err;
}

idreg_err idreg_alloc_pool_add(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			       enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			       idreg_u128 reserve, const char *actor, struct idreg_diag *diag)
{
	if (first > last || last > idreg_restype_max(type)) {
		return idreg_diag_set(diag, IDREG_EINVAL, "not a range of %s", idreg_restype_name(type));
	}
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	if (err == IDREG_OK) {
		struct idreg_alloc_pool pool = { .type = type, .first = first, .last = last,
						 .reserve = reserve, .origin = "configured" };
		err = add_pool(&c, &pool);
	}
	return change_end(&c, err);
}

struct pick_ctx {
	const struct idreg_alloc_pool_filter *filter;
	struct idreg_alloc_view *view; /* its arena keeps the origins */
	struct idreg_alloc_pool *pools;
	size_t count, cap;
};

static idreg_err pick_record(void *ctx, const struct idreg_stored_numres *row)
{
	struct pick_ctx *pc = ctx;
	const struct idreg_alloc_pool_filter *f = pc->filter;
	const struct idreg_numres *r = &row->rec;
	if ((r->status != IDREG_STATUS_ALLOCATED && r->status != IDREG_STATUS_ASSIGNED) ||
	    (!f->any_type && r->type != f->type) || (f->cc != NULL && strcmp(r->cc, f->cc) != 0) ||
	    (f->holder_id != NULL && (r->opaque_id == NULL || strcmp(r->opaque_id, f->holder_id) != 0))) {
		return IDREG_OK;
	}
	if (idreg_array_reserve(&pc->pools, &pc->cap, pc->count, sizeof(*pc->pools), 16) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	char line[IDREG_RIR_RECORD_TEXT_MAX];
	idreg_rir_format_record(r, line, sizeof(line));
	const char *origin = view_copy(pc->view, line);
	if (origin == NULL) {
		return IDREG_ENOMEM;
	}
	pc->pools[pc->count++] = (struct idreg_alloc_pool){
		.type = r->type, .first = r->first, .last = r->last, .reserve = f->reserve,
		.origin = origin,
	};
	return IDREG_OK;
}

idreg_err idreg_alloc_pool_from_registry(struct idreg_store *store,
					 const struct idreg_alloc_policy *policy,
					 const struct idreg_alloc_pool_filter *filter, const char *actor,
					 size_t *added, struct idreg_diag *diag)
{
	*added = 0;
	if (filter->cc == NULL && filter->holder_id == NULL) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "say which records are this registry's: an economy, a holder id, or both");
	}
	if (strcmp(filter->registry, policy->registry) == 0) {
		return idreg_diag_set(diag, IDREG_EINVAL,
				      "pools come from another registry's records, not from '%s' itself",
				      policy->registry);
	}
	struct change c;
	idreg_err err = change_begin(&c, store, policy, actor, diag);
	struct pick_ctx pc = { .filter = filter, .view = &c.view };
	if (err == IDREG_OK) {
		struct idreg_source source;
		err = store->ops->source_get(store, filter->registry, &source, diag);
	}
	if (err == IDREG_OK) {
		err = store->ops->numres_each(store, filter->registry, pick_record, &pc, diag);
	}
	if (err == IDREG_OK && pc.count == 0) {
		err = idreg_diag_set(diag, IDREG_ENOTFOUND,
				     "registry '%s' has no allocated or assigned record%s%s%s%s",
				     filter->registry, filter->cc ? " of economy " : "",
				     filter->cc ? filter->cc : "", filter->holder_id ? " of holder " : "",
				     filter->holder_id ? filter->holder_id : "");
	}
	for (size_t i = 0; err == IDREG_OK && i < pc.count; i++) {
		/* A record taken before is left alone: running this again adds what is new. */
		bool held = false;
		for (size_t k = 0; k < c.view.pool_count; k++) {
			const struct idreg_alloc_pool *p = &c.view.pools[k];
			held |= p->type == pc.pools[i].type && p->first == pc.pools[i].first &&
				p->last == pc.pools[i].last;
		}
		if (!held) {
			err = add_pool(&c, &pc.pools[i]);
			*added += err == IDREG_OK;
		}
	}
	free(pc.pools);
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "out of memory reading registry '%s'", filter->registry);
	}
	return change_end(&c, err);
}
