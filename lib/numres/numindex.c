/*
 * Loading number resources into memory and answering covering and
 * more-specific queries over them, and the resources of a holder.
 */
#include "numres/numindex.h"

#include "core/array.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void idreg_numindex_init(struct idreg_numindex *ix)
{
	memset(ix, 0, sizeof(*ix));
	idreg_arena_init(&ix->arena, 1024 * 1024, 0);
}

void idreg_numindex_free(struct idreg_numindex *ix)
{
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		idreg_rangeindex_free(&ix->by_type[t]);
	}
	free(ix->records);
	free(ix->meta);
	free(ix->by_holder);
	idreg_arena_free(&ix->arena);
	memset(ix, 0, sizeof(*ix));
}

/* Copy a record string into the index arena. */
static const char *copy_string(struct idreg_numindex *ix, const char *s)
{
	if (s == NULL) {
		return NULL;
	}
	return idreg_arena_strndup(&ix->arena, s, strlen(s));
}

idreg_err idreg_numindex_add(struct idreg_numindex *ix, const struct idreg_numres *rec,
			     const struct idreg_numindex_meta *meta)
{
	if (idreg_array_reserve(&ix->records, &ix->capacity, ix->count, sizeof(*ix->records), 4096) !=
		    IDREG_OK ||
	    idreg_array_reserve(&ix->meta, &ix->meta_capacity, ix->count, sizeof(*ix->meta), 4096) !=
		    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct idreg_numres *copy = &ix->records[ix->count];
	*copy = *rec;
	copy->registry = copy_string(ix, rec->registry);
	copy->cc = copy_string(ix, rec->cc);
	copy->opaque_id = copy_string(ix, rec->opaque_id);
	copy->extensions = copy_string(ix, rec->extensions);
	struct idreg_numindex_meta *m = &ix->meta[ix->count];
	m->source = copy_string(ix, meta->source);
	m->changed_at = copy_string(ix, meta->changed_at);
	if (copy->registry == NULL || copy->cc == NULL || m->source == NULL ||
	    (meta->changed_at && m->changed_at == NULL) ||
	    (rec->opaque_id && copy->opaque_id == NULL) ||
	    (rec->extensions && copy->extensions == NULL)) {
		return IDREG_ENOMEM;
	}
	ix->count++;
	return IDREG_OK;
}

/* The order of by_holder: opaque id (ASCII case ignored, then exact), registry, record order. */
static int holder_order(const struct idreg_numres *a, const struct idreg_numres *b)
{
	int c = strcasecmp(a->opaque_id, b->opaque_id);
	if (c == 0) {
		c = strcmp(a->opaque_id, b->opaque_id);
	}
	if (c == 0) {
		c = strcmp(a->registry, b->registry);
	}
	return c != 0 ? c : idreg_numres_order(a, b);
}

static int holder_entry_order(const void *a, const void *b)
{
	return holder_order(*(const struct idreg_numres *const *)a,
			    *(const struct idreg_numres *const *)b);
}

/* by_holder: the records naming a holder, sorted through pointers, kept as numbers. */
static idreg_err build_by_holder(struct idreg_numindex *ix)
{
	free(ix->by_holder);
	ix->by_holder = NULL;
	ix->n_by_holder = 0;
	size_t n = 0;
	for (size_t i = 0; i < ix->count; i++) {
		n += ix->records[i].opaque_id != NULL && ix->records[i].opaque_id[0] != '\0';
	}
	if (n == 0) {
		return IDREG_OK;
	}
	const struct idreg_numres **sorted = malloc(n * sizeof(*sorted));
	ix->by_holder = malloc(n * sizeof(*ix->by_holder));
	if (sorted == NULL || ix->by_holder == NULL) {
		free(sorted);
		return IDREG_ENOMEM;
	}
	n = 0;
	for (size_t i = 0; i < ix->count; i++) {
		if (ix->records[i].opaque_id != NULL && ix->records[i].opaque_id[0] != '\0') {
			sorted[n++] = &ix->records[i];
		}
	}
	qsort(sorted, n, sizeof(*sorted), holder_entry_order);
	for (size_t i = 0; i < n; i++) {
		ix->by_holder[i] = (uint32_t)(sorted[i] - ix->records);
	}
	ix->n_by_holder = n;
	free(sorted);
	return IDREG_OK;
}

idreg_err idreg_numindex_build(struct idreg_numindex *ix)
{
	struct idreg_range *ranges = malloc((ix->count ? ix->count : 1) * sizeof(*ranges));
	if (ranges == NULL) {
		return IDREG_ENOMEM;
	}
	idreg_err err = IDREG_OK;
	for (int t = 0; t < IDREG_RESTYPE_COUNT && err == IDREG_OK; t++) {
		size_t n = 0;
		for (size_t i = 0; i < ix->count; i++) {
			if (ix->records[i].type == (enum idreg_restype)t) {
				ranges[n++] = (struct idreg_range){ ix->records[i].first,
								    ix->records[i].last, (uint32_t)i };
			}
		}
		idreg_rangeindex_free(&ix->by_type[t]);
		err = idreg_rangeindex_build(&ix->by_type[t], idreg_restype_bits((enum idreg_restype)t),
					     ranges, n);
	}
	free(ranges);
	return err == IDREG_OK ? build_by_holder(ix) : err;
}

static idreg_err add_stored(void *ctx, const struct idreg_stored_numres *row)
{
	struct idreg_numindex_meta meta = { row->source, row->changed_at };
	return idreg_numindex_add(ctx, &row->rec, &meta);
}

idreg_err idreg_numindex_load(struct idreg_numindex *ix, struct idreg_store *store,
			      struct idreg_diag *diag)
{
	idreg_err err = store->ops->numres_each(store, NULL, add_stored, ix, diag);
	if (err == IDREG_OK) {
		err = idreg_numindex_build(ix);
	}
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "out of memory while loading number resources");
	}
	return err;
}

size_t idreg_numindex_covering(const struct idreg_numindex *ix, enum idreg_restype type,
			       idreg_u128 first, idreg_u128 last, uint32_t *out, size_t max)
{
	const struct idreg_rangeindex *ri = &ix->by_type[type];
	uint32_t pos = idreg_rangeindex_covering(ri, first, last);
	if (pos == IDREG_RANGEINDEX_NONE) {
		return 0;
	}
	/* Records for the identical range sit next to each other in sorted order. */
	while (pos > 0 && ri->first[pos - 1] == ri->first[pos] && ri->last[pos - 1] == ri->last[pos]) {
		pos--;
	}
	size_t found = 0;
	for (uint32_t p = pos; p < ri->count && ri->first[p] == ri->first[pos] && ri->last[p] == ri->last[pos]; p++) {
		if (found < max) {
			out[found] = ri->id[p];
		}
		found++;
	}
	return found;
}

size_t idreg_numindex_inside(const struct idreg_numindex *ix, enum idreg_restype type,
			     idreg_u128 first, idreg_u128 last, uint32_t *out, size_t max)
{
	const struct idreg_rangeindex *ri = &ix->by_type[type];
	size_t found = idreg_rangeindex_inside(ri, first, last, out, max);
	size_t written = found < max ? found : max;
	for (size_t i = 0; i < written; i++) {
		out[i] = ri->id[out[i]];
	}
	return found;
}

bool idreg_numindex_above(const struct idreg_numindex *ix, enum idreg_restype type,
			  idreg_u128 first, idreg_u128 last, uint32_t *out)
{
	const struct idreg_rangeindex *ri = &ix->by_type[type];
	uint32_t pos = idreg_rangeindex_covering(ri, first, last);
	while (pos != IDREG_RANGEINDEX_NONE && ri->first[pos] == first && ri->last[pos] == last) {
		pos = ri->parent[pos];
	}
	if (pos == IDREG_RANGEINDEX_NONE) {
		return false;
	}
	*out = ri->id[pos];
	return true;
}

/* The first position in by_holder[lo, hi) whose record is not before @key by @before. */
static uint32_t holder_bound(const struct idreg_numindex *ix, uint32_t lo, uint32_t hi,
			     bool (*before)(const struct idreg_numres *, const void *), const void *key)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (before(&ix->records[ix->by_holder[mid]], key)) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

struct handle_key {
	const char *text;
	size_t len;
};

/* Compare an opaque id with a handle of @len bytes (not NUL-terminated): ASCII case ignored. */
static int handle_casecmp(const char *id, const struct handle_key *k)
{
	int c = strncasecmp(id, k->text, k->len);
	return c != 0 ? c : (id[k->len] != '\0'); /* a longer id comes after */
}

static int handle_cmp(const char *id, const struct handle_key *k)
{
	int c = strncmp(id, k->text, k->len);
	return c != 0 ? c : (id[k->len] != '\0');
}

static bool before_handle_casefold(const struct idreg_numres *r, const void *key)
{
	return handle_casecmp(r->opaque_id, key) < 0;
}

static bool within_handle_casefold(const struct idreg_numres *r, const void *key)
{
	return handle_casecmp(r->opaque_id, key) <= 0;
}

static bool before_handle_exact(const struct idreg_numres *r, const void *key)
{
	return handle_cmp(r->opaque_id, key) < 0;
}

/* Records of the same holder as @key (a record) sort before or with it. */
static bool within_holder(const struct idreg_numres *r, const void *key)
{
	const struct idreg_numres *k = key;
	return strcmp(r->opaque_id, k->opaque_id) == 0 && strcmp(r->registry, k->registry) == 0;
}

static bool before_ipv4(const struct idreg_numres *r, const void *key)
{
	(void)key;
	return r->type == IDREG_RES_ASN;
}

bool idreg_numindex_find_holder(const struct idreg_numindex *ix, const char *handle, size_t len,
				struct idreg_numindex_holder *out)
{
	if (memchr(handle, '\0', len) != NULL) {
		return false;
	}
	struct handle_key key = { handle, len };
	uint32_t n = (uint32_t)ix->n_by_holder;
	uint32_t lo = holder_bound(ix, 0, n, before_handle_casefold, &key);
	uint32_t hi = holder_bound(ix, lo, n, within_handle_casefold, &key);
	if (lo == hi) {
		return false;
	}
	/* Within the run that matches ignoring case, the ids are in byte order. */
	uint32_t exact = holder_bound(ix, lo, hi, before_handle_exact, &key);
	uint32_t start = exact < hi && handle_cmp(ix->records[ix->by_holder[exact]].opaque_id, &key) == 0
				 ? exact
				 : lo;
	const struct idreg_numres *first = &ix->records[ix->by_holder[start]];
	uint32_t end = holder_bound(ix, start, hi, within_holder, first);
	out->opaque_id = first->opaque_id;
	out->registry = first->registry;
	out->first = start;
	out->count = end - start;
	out->n_autnums = holder_bound(ix, start, end, before_ipv4, NULL) - start;
	return true;
}

const char *idreg_numindex_holder_changed_at(const struct idreg_numindex *ix,
					     const struct idreg_numindex_holder *h)
{
	const char *latest = NULL;
	for (uint32_t i = h->first; i < h->first + h->count; i++) {
		const char *c = ix->meta[ix->by_holder[i]].changed_at;
		if (c != NULL && c[0] != '\0' && (latest == NULL || strcmp(c, latest) > 0)) {
			latest = c;
		}
	}
	return latest;
}

bool idreg_numindex_holder_active(const struct idreg_numindex *ix,
				  const struct idreg_numindex_holder *h)
{
	for (uint32_t i = h->first; i < h->first + h->count; i++) {
		enum idreg_status status = ix->records[ix->by_holder[i]].status;
		if (status == IDREG_STATUS_ALLOCATED || status == IDREG_STATUS_ASSIGNED) {
			return true;
		}
	}
	return false;
}
