/*
 * A snapshot: everything the query services answer from, loaded from the
 * store and then only read, by any number of threads.  A reload builds a
 * new snapshot and swaps it in; requests still running on the old one keep
 * it alive through its reference count.
 *
 * Loading a million domains takes seconds, so a commit does not reload:
 * idreg_snapshot_refresh makes a new snapshot that shares the indexes of
 * its base (the last one loaded whole) and lays over them a layer: the
 * domains, hosts and entities changed since the snapshot it refreshes, read
 * again from the store (the history names them).  Layers stack, newest
 * first, so that a commit costs what it changed, not what changed since the
 * base; every IDREG_SNAPSHOT_LAYERS_MAX refreshes they are folded into one
 * layer of everything changed since the base.  Exact lookups ask the layers
 * from the newest; an object a newer layer decides for (changed, deleted,
 * or naming a changed host or entity) is not answered from an older layer
 * or the base.  Searches read the base only, until the next whole load.
 */
#ifndef IDREG_QUERY_SNAPSHOT_H
#define IDREG_QUERY_SNAPSHOT_H

#include <stdatomic.h>

#include "domains/domindex.h"
#include "eir/check.h"
#include "numres/numindex.h"
#include "store/store.h"

/* The objects the recent changes decide for: their store ids, ascending. */
struct idreg_snapshot_shadow {
	int64_t *ids;
	size_t n;
};

struct idreg_snapshot {
	atomic_int refs;
	struct idreg_snapshot *base; /* NULL when loaded whole; else the one whose indexes it shares */
	struct idreg_numindex numbers;
	struct idreg_domindex names; /* domains, nameservers, entities as the base loaded them */
	struct idreg_eir_register eir; /* the register's current state; empty without the check */
	struct idreg_snapshot *below; /* the next older layer, NULL for the lowest or a base */
	unsigned depth;             /* layers from this one down to the base */
	struct idreg_domindex recent; /* changed since the layer below (or the base), as they are then */
	struct idreg_snapshot_shadow shadow_domains, shadow_hosts, shadow_entities;
	size_t recent_total;        /* objects this layer and those below decide for, each once */
	int64_t change_set; /* the newest change set it shows */
	char loaded_at[32]; /* ISO 8601 UTC: "last update of RDAP database" */
};

/**
 * Load a snapshot from @store, with the equipment identity register's
 * state when @eir_check; it starts with one reference, the caller's.
 */
idreg_err idreg_snapshot_load(struct idreg_store *store, bool eir_check,
			      struct idreg_snapshot **out, struct idreg_diag *diag);

/* Layers a refresh stacks before it folds them into one. */
#define IDREG_SNAPSHOT_LAYERS_MAX 32

/**
 * A snapshot that shows what @store holds now: a layer over @current with
 * every domain, host and entity changed since @current read again (one
 * reference, the caller's; @current is left as it is, and kept alive by
 * the new one).  Its cost grows with what changed since @current -- or,
 * once in IDREG_SNAPSHOT_LAYERS_MAX refreshes, since the base -- never with
 * the registry.
 */
idreg_err idreg_snapshot_refresh(struct idreg_snapshot *current, struct idreg_store *store,
				 struct idreg_snapshot **out, struct idreg_diag *diag);

/** How many objects the layers hold: when this grows, load a new base. */
size_t idreg_snapshot_recent_objects(const struct idreg_snapshot *snap);

/*
 * Exact lookups through the layers, newest first, then the base: the id of
 * the object in *@ix (the index it is in), or IDREG_DOMINDEX_NONE.
 */
uint32_t idreg_snapshot_find_domain(const struct idreg_snapshot *snap, const char *ldh, size_t len,
				    const struct idreg_domindex **ix);
uint32_t idreg_snapshot_find_host(const struct idreg_snapshot *snap, const char *ldh, size_t len,
				  const struct idreg_domindex **ix);
uint32_t idreg_snapshot_find_entity(const struct idreg_snapshot *snap, const char *handle,
				    size_t len, const struct idreg_domindex **ix);

void idreg_snapshot_ref(struct idreg_snapshot *snap);

/** Drop a reference; the last one frees the snapshot. */
void idreg_snapshot_unref(struct idreg_snapshot *snap);

#endif
