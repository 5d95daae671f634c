/*
 * Loading number resources into memory and answering covering and
 * more-specific queries over them.
 */
#include "numres/numindex.h"

#include "core/array.h"

#include <stdlib.h>
#include <string.h>

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
	return err;
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
