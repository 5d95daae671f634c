/*
 * A snapshot: everything the query services answer from, loaded from the
 * store once and then only read, by any number of threads.  A reload builds
 * a new snapshot and swaps it in; requests still running on the old one keep
 * it alive through its reference count.
 */
#ifndef IDREG_QUERY_SNAPSHOT_H
#define IDREG_QUERY_SNAPSHOT_H

#include <stdatomic.h>

#include "domains/domindex.h"
#include "eir/check.h"
#include "numres/numindex.h"
#include "store/store.h"

struct idreg_snapshot {
	atomic_int refs;
	struct idreg_numindex numbers;
	struct idreg_domindex names; /* domains, nameservers, entities */
	struct idreg_eir_register eir; /* the register's current state; empty without the check */
	char loaded_at[32]; /* ISO 8601 UTC: "last update of RDAP database" */
};

/**
 * Load a snapshot from @store, with the equipment identity register's
 * state when @eir_check; it starts with one reference, the caller's.
 */
idreg_err idreg_snapshot_load(struct idreg_store *store, bool eir_check,
			      struct idreg_snapshot **out, struct idreg_diag *diag);

void idreg_snapshot_ref(struct idreg_snapshot *snap);

/** Drop a reference; the last one frees the snapshot. */
void idreg_snapshot_unref(struct idreg_snapshot *snap);

#endif
