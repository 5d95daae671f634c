/*
 * The in-memory view of every number resource in the store, indexed for
 * "who holds this?": a range index per resource type over the records.
 * Loaded once from the store, then read-only.
 */
#ifndef IDREG_NUMRES_NUMINDEX_H
#define IDREG_NUMRES_NUMINDEX_H

#include "core/arena.h"
#include "inet/rangeindex.h"
#include "numres/numres.h"
#include "store/store.h"

/** Where a record comes from, beside the record itself. */
struct idreg_numindex_meta {
	const char *source;      /* registry of the file it came from */
	const char *changed_at;  /* ISO 8601 UTC of its last change; NULL if unknown */
};

struct idreg_numindex {
	struct idreg_arena arena;       /* record strings */
	struct idreg_numres *records;   /* indexed by the ids in the range indexes */
	struct idreg_numindex_meta *meta; /* each record's place in the store */
	size_t count, capacity, meta_capacity;
	struct idreg_rangeindex by_type[IDREG_RESTYPE_COUNT];
};

/** Load every record from @store and build the indexes. */
idreg_err idreg_numindex_load(struct idreg_numindex *ix, struct idreg_store *store,
			      struct idreg_diag *diag);

/** Build the indexes over records already in @ix (for tests and benchmarks). */
idreg_err idreg_numindex_add(struct idreg_numindex *ix, const struct idreg_numres *rec,
			     const struct idreg_numindex_meta *meta);
idreg_err idreg_numindex_build(struct idreg_numindex *ix);

void idreg_numindex_init(struct idreg_numindex *ix);
void idreg_numindex_free(struct idreg_numindex *ix);

/**
 * The most specific record(s) covering all of [first, last] of @type: the
 * smallest covering range, and any other record for exactly that range.
 * Writes at most @max record numbers to @out; returns how many there are.
 */
size_t idreg_numindex_covering(const struct idreg_numindex *ix, enum idreg_restype type,
			       idreg_u128 first, idreg_u128 last, uint32_t *out, size_t max);

/** The smallest record strictly larger than [first, last] that covers it. */
bool idreg_numindex_above(const struct idreg_numindex *ix, enum idreg_restype type,
			  idreg_u128 first, idreg_u128 last, uint32_t *out);

/** The records inside [first, last], in order; as above. */
size_t idreg_numindex_inside(const struct idreg_numindex *ix, enum idreg_restype type,
			     idreg_u128 first, idreg_u128 last, uint32_t *out, size_t max);

#endif
