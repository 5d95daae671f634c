/*
 * The in-memory view of every number resource in the store, indexed for
 * "who holds this?": a range index per resource type over the records, and
 * the records of each holder (opaque id) as one run of an array sorted by
 * holder, so a holder's resources are a few binary searches away.
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
	/* Records that name a holder, by opaque id (ASCII case ignored, then
	 * exact), registry, and idreg_numres_order: a holder is one run. */
	uint32_t *by_holder;
	size_t n_by_holder;
};

/**
 * A holder: the records of one opaque id in one registry (the record's
 * registry field), by_holder[first .. first + count), its AS number blocks
 * first, then its IPv4 and IPv6 networks, each in address order.
 */
struct idreg_numindex_holder {
	const char *opaque_id;
	const char *registry;
	uint32_t first;
	uint32_t count;
	uint32_t n_autnums; /* the first n_autnums of the run */
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

/**
 * The holder whose opaque id is @handle (@len bytes), ASCII case ignored:
 * an exact match wins over one that differs in case, and of several
 * registries using the same id, the first in byte order is found.  False
 * when no record names it.  O(log n).
 */
bool idreg_numindex_find_holder(const struct idreg_numindex *ix, const char *handle, size_t len,
				struct idreg_numindex_holder *out);

/** The latest change of any of @h's records (ISO 8601 UTC), or NULL when none is known. */
const char *idreg_numindex_holder_changed_at(const struct idreg_numindex *ix,
					     const struct idreg_numindex_holder *h);

/** Does @h hold an allocated or assigned resource? */
bool idreg_numindex_holder_active(const struct idreg_numindex *ix,
				  const struct idreg_numindex_holder *h);

#endif
