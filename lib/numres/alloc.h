/*
 * The allocation engine: how a registry hands out the blocks it holds.
 * Pools are the blocks it may hand out; an allocation is a number-resource
 * record of the registry's own name (alloc.registry), status allocated, with
 * the holder as its opaque id, so that lookups, RDAP, WHOIS and the exchange
 * format show it as they show any record.  IPv6 goes out sparsely (each
 * block at the start of the largest free aligned block, which bisects the
 * free space, so each holder can grow by shortening its prefix), IPv4 by
 * best fit with a reserve per pool and a first-come-first-served waiting
 * list, AS numbers lowest first.  Every change is one transaction with its
 * change set and history lines; the choice of a block is made inside the
 * write transaction, so concurrent requests never get the same numbers.
 * docs/allocation.md says the policy in words.
 */
#ifndef IDREG_NUMRES_ALLOC_H
#define IDREG_NUMRES_ALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "store/store.h"

/** A closed range on the number line of one resource type. */
struct idreg_alloc_range {
	idreg_u128 first, last;
};

/** The IPv6 unit of utilisation: the HD-ratio counts /56s (RFC 3194, as the RIRs do). */
#define IDREG_ALLOC_HD_UNIT_LEN 56

/** The registry's allocation policy. */
struct idreg_alloc_policy {
	const char *registry;   /* alloc.registry: the source and registry of allocations */
	const char *cc;         /* alloc.cc */
	unsigned shortest[IDREG_RESTYPE_COUNT]; /* ipv4, ipv6: largest block, as a prefix length */
	unsigned longest[IDREG_RESTYPE_COUNT];  /* ipv4, ipv6: smallest block */
	uint64_t asn_max;       /* most AS numbers per request */
};

/** The policy the configuration's [alloc] section sets. */
void idreg_alloc_policy_from_config(const struct idreg_config *cfg, struct idreg_alloc_policy *out);

/* ---- choosing a block (pure functions over ranges) ---- */

/**
 * The free space of @pools (disjoint, any order) once @taken (any order) is
 * out of it: sorted, disjoint ranges in *@out (malloc'd, the caller frees),
 * *@count of them.  Pools are not merged: a block never spans two.
 */
idreg_err idreg_alloc_free_space(const struct idreg_alloc_range *pools, size_t npools,
				 const struct idreg_alloc_range *taken, size_t ntaken,
				 struct idreg_alloc_range **out, size_t *count);

/**
 * Where a block of @size goes in @free (sorted, disjoint): for ipv4 and
 * ipv6 @size is a prefix length, for asn a count.  ipv4: best fit, the
 * first /@size of the smallest free aligned block that holds one (lowest
 * address among equals); ipv6: sparse, the first /@size of the largest
 * free aligned block (lowest among equals); asn: the lowest @size
 * consecutive free numbers.  false when nothing fits.
 */
bool idreg_alloc_place(enum idreg_restype type, const struct idreg_alloc_range *free, size_t n,
		       uint64_t size, struct idreg_alloc_range *out);

/** Parse a request's size: "/N" or "N" (N at most the type's bits) for ipv4
 * and ipv6, a count of 1 to 2^32 for asn; false on anything else. */
bool idreg_alloc_parse_size(enum idreg_restype type, const char *s, size_t len, uint64_t *out);

/** Parse a reserve: "/N" (the numbers of a /N; not for asn) or a count. */
bool idreg_alloc_parse_reserve(enum idreg_restype type, const char *s, size_t len,
			       idreg_u128 *out);

/** Numbers in a block of @size (prefix length or count) of @type. */
idreg_u128 idreg_alloc_block_numbers(enum idreg_restype type, uint64_t size);

/** The HD-ratio log(used)/log(total) (RFC 3194); false when undefined (used < 1 or total < 2). */
bool idreg_alloc_hd_ratio(idreg_u128 used, idreg_u128 total, double *out);

/* ---- what the store holds ---- */

/** An allocation: its numres id and record. */
struct idreg_alloc_held {
	int64_t id;
	struct idreg_numres rec;
};

/** How much of an allocation (or of a holder's allocations) is assigned. */
struct idreg_alloc_usage {
	size_t assignments;
	idreg_u128 numbers, assigned;       /* ipv4: addresses */
	idreg_u128 units, assigned_units;   /* ipv6: /56 units in it, and those assignments touch */
};

/** Everything the engine keeps, read in one transaction; strings in the arena. */
struct idreg_alloc_view {
	struct idreg_arena arena;
	struct idreg_alloc_held *held;       /* by (type, first) */
	size_t held_count, held_cap;
	struct idreg_alloc_pool *pools;      /* by id */
	size_t pool_count, pool_cap;
	struct idreg_alloc_waiting *waiting; /* by id: first come first */
	size_t waiting_count, waiting_cap;
	struct idreg_alloc_assignment *assignments; /* by id */
	size_t assignment_count, assignment_cap;
	bool has_source;                     /* the registry's source row exists */
};

/** Read the engine's state (a read transaction of its own). */
idreg_err idreg_alloc_view_load(struct idreg_store *store, const struct idreg_alloc_policy *policy,
				struct idreg_alloc_view *view, struct idreg_diag *diag);
void idreg_alloc_view_free(struct idreg_alloc_view *view);

/** The allocation whose range is exactly [first, last] of @type, or NULL. */
const struct idreg_alloc_held *idreg_alloc_find(const struct idreg_alloc_view *view,
						enum idreg_restype type, idreg_u128 first,
						idreg_u128 last);

/** Numbers of pool @index not allocated. */
idreg_u128 idreg_alloc_pool_free(const struct idreg_alloc_view *view, size_t index);

/** Add the assignments of @held to *@usage (zero it first for one allocation). */
void idreg_alloc_usage_add(const struct idreg_alloc_view *view, const struct idreg_alloc_held *held,
			   struct idreg_alloc_usage *usage);

/** Position (from 1) of waiting request @index among those of its type. */
size_t idreg_alloc_waiting_position(const struct idreg_alloc_view *view, size_t index);

/* ---- changes: each one transaction, with its change set (@actor) and history ---- */

/** Add a pool [first, last] of @type keeping back @reserve numbers. */
idreg_err idreg_alloc_pool_add(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			       enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			       idreg_u128 reserve, const char *actor, struct idreg_diag *diag);

/** Which imported records become pools: those of @registry with status
 * allocated or assigned, economy @cc and opaque id @holder_id (NULL: any),
 * of @type (all when @any_type). */
struct idreg_alloc_pool_filter {
	const char *registry, *cc, *holder_id;
	bool any_type;
	enum idreg_restype type;
	idreg_u128 reserve;   /* kept back in each pool taken */
};

/** Add the records @filter selects as pools; *@added says how many. */
idreg_err idreg_alloc_pool_from_registry(struct idreg_store *store,
					 const struct idreg_alloc_policy *policy,
					 const struct idreg_alloc_pool_filter *filter, const char *actor,
					 size_t *added, struct idreg_diag *diag);

struct idreg_alloc_request {
	enum idreg_restype type;
	const char *holder;   /* opaque id */
	uint64_t size;        /* prefix length (ipv4, ipv6) or count (asn) */
	bool no_wait;         /* ipv4: refuse rather than join the waiting list */
};

struct idreg_alloc_outcome {
	bool waiting;         /* not met: the request joined the waiting list */
	int64_t id;           /* numres id of the allocation, or id of the waiting request */
	struct idreg_alloc_range block;
	size_t position;      /* in the waiting list, from 1 */
	char reason[256];     /* why it waits */
};

/**
 * Allocate, or queue (ipv4): a size outside the policy, a holder id that
 * cannot be one, no pool, or (ipv6, asn, no_wait) no room are EREFUSED with
 * the reason.  An ipv4 request that finds no block leaving its pool's
 * reserve, or finds others waiting, waits: IDREG_OK, @out->waiting.
 */
idreg_err idreg_alloc_request(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			      const struct idreg_alloc_request *req, const char *actor,
			      struct idreg_alloc_outcome *out, struct idreg_diag *diag);

typedef void (*idreg_alloc_served_cb)(void *ctx, const struct idreg_alloc_waiting *w,
				      const struct idreg_alloc_range *block, int64_t id);

/**
 * Serve the waiting list in order while its first request fits (first come,
 * first served: one that does not fit stops the rest); one transaction.
 * @served hears of each request as it is served; if the function then
 * fails, none of them was.
 */
idreg_err idreg_alloc_serve(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			    const char *actor, idreg_alloc_served_cb served, void *ctx,
			    size_t *count, struct idreg_diag *diag);

/** Take a waiting request off the list. */
idreg_err idreg_alloc_cancel(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			     int64_t waiting_id, const char *actor, struct idreg_diag *diag);

/** Return the allocation [first, last] with its assignments; its space is free at once. */
idreg_err idreg_alloc_return(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			     enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			     const char *actor, struct idreg_diag *diag);

/** Give the allocation [first, last] to @holder. */
idreg_err idreg_alloc_transfer(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			       enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			       const char *holder, const char *actor, struct idreg_diag *diag);

/**
 * Grow the allocation [first, last] (ipv4, ipv6) to the /@len that holds
 * it: that block must lie in one pool, hold no other allocation, keep the
 * pool's reserve and be within the policy.  Sparse allocation keeps such
 * room free around each IPv6 allocation for as long as it can.
 */
idreg_err idreg_alloc_grow(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			   enum idreg_restype type, idreg_u128 first, idreg_u128 last, unsigned len,
			   const char *actor, struct idreg_alloc_range *grown, struct idreg_diag *diag);

/** Record the assignment @block (ipv4, ipv6) inside the allocation @within. */
idreg_err idreg_alloc_assign(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			     enum idreg_restype type, const struct idreg_alloc_range *block,
			     const struct idreg_alloc_range *within, const char *actor,
			     int64_t *id, struct idreg_diag *diag);

/** Remove the assignment that is exactly @block. */
idreg_err idreg_alloc_unassign(struct idreg_store *store, const struct idreg_alloc_policy *policy,
			       enum idreg_restype type, const struct idreg_alloc_range *block,
			       const char *actor, struct idreg_diag *diag);

#endif
