/*
 * The registry's clock: what happens to provisioned objects because time
 * passes, each change in a transaction of its own with the actor
 * "registry".  A pending transfer past its action date is approved by the
 * registry (serverApproved); a grace period that ended is removed (a
 * redemptionPeriod becomes pendingDelete, and at the end of pendingDelete
 * the domain is purged); a sponsored domain past its expiry is renewed for
 * a year (or the whole years a stopped clock missed) into autoRenewPeriod.  Sponsors hear of renewals, purges and
 * transfers by poll messages.  idregd runs a tick every
 * epp.clock_interval_s seconds; `idreg epp tick [--now TIME]` runs one.
 */
#ifndef IDREG_EPP_CLOCK_H
#define IDREG_EPP_CLOCK_H

#include <stdint.h>

#include "core/error.h"
#include "epp/object.h"
#include "store/store.h"

/** What a tick did. */
struct idreg_epp_clock_report {
	unsigned transfers_approved; /* serverApproved */
	unsigned grace_ended;        /* add, renew, autoRenew and transfer periods */
	unsigned redemptions_ended;  /* into pendingDelete */
	unsigned purged;             /* domains deleted at the end of pendingDelete */
	unsigned renewed;            /* auto-renewals */
	unsigned failed;             /* changes that failed (logged), left for the next tick */
};

/**
 * Do what is due at @now through @store (read, then one write per
 * change).  Returns IDREG_OK unless the store could not even be read; a
 * change that fails is logged, counted and tried again next tick.
 */
idreg_err idreg_epp_clock_tick(const struct idreg_epp_store_access *store, int64_t now,
			       struct idreg_epp_clock_report *out, struct idreg_diag *diag);

/**
 * Store access for a single-threaded user of one store (the CLI, tests):
 * read runs the function on @s; write wraps it in a transaction that
 * first records the change set of the transaction's registrar and ids.
 */
void idreg_epp_direct_access(struct idreg_store *s, struct idreg_epp_store_access *out);

#endif
