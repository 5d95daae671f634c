/*
 * The EPP executor: how the object handlers' reads and writes reach the
 * store (struct idreg_epp_store_access of epp/object.h), with durable
 * acknowledgements and group commit.
 *
 * Writes from every session go to a bounded queue.  One committer thread
 * takes all that wait (a group), opens ONE transaction, runs each write in
 * its own savepoint with its own change set -- a write whose function fails
 * is rolled back to its savepoint alone and the others go on -- commits once
 * (one fsync for the group), calls the configured hook, and only then wakes
 * every writer of the group with its result.  Nothing is acknowledged before
 * its COMMIT returned; a failed COMMIT fails every write of the group.
 *
 * Reads (check, info, login) run on a connection of their own in a read
 * transaction (a WAL reader sees the last commit), so that they never wait
 * behind the committer's fsync.  The IDN checker of the store access is one
 * (a checker is one per thread), so the functions of reads and writes run
 * one at a time; only the commit itself runs beside them.
 *
 * A full queue: the writer waits for room as long as the store's busy
 * timeout, then gets IDREG_EBUSY (the handler answers 2400).
 */
#ifndef IDREG_EPP_EXECUTOR_H
#define IDREG_EPP_EXECUTOR_H

#include <stddef.h>
#include <stdint.h>

#include "epp/object.h"
#include "registrar/registrar.h"
#include "store/store.h"

/**
 * Called on the committer thread after a group committed and before its
 * writers are woken: @s is the writing connection, outside any transaction
 * (read what the change sets @change_sets[0..n-1] wrote from it, e.g. to
 * refresh what RDAP serves).  It cannot undo the commit.
 */
typedef void (*idreg_epp_committed_hook)(void *ctx, struct idreg_store *s,
					 const int64_t *change_sets, size_t n);

struct idreg_epp_executor_config {
	struct idreg_store_options store; /* backend, path, busy timeout (.read_only ignored) */
	size_t queue_max;                 /* writes waiting at most; also a group's largest */
	struct idreg_idn_checker *idn_checker;
	idreg_epp_committed_hook committed; /* NULL: none */
	void *committed_ctx;
};

/** What the executor did: writes run and commits made (their ratio is the
 * average group), and the writes waiting in the queue now. */
struct idreg_epp_executor_stats {
	uint64_t writes, commits;
	size_t waiting;
};

struct idreg_epp_executor;

/** Open the writing and the reading connection and start the committer. */
idreg_err idreg_epp_executor_new(const struct idreg_epp_executor_config *cfg,
				 struct idreg_epp_executor **out, struct idreg_diag *diag);

/** The store access for the object handlers (epp/object.h). */
struct idreg_epp_store_access idreg_epp_executor_access(struct idreg_epp_executor *ex);

/** Registrar @id on the reading connection (an idreg_epp_find_registrar). */
idreg_err idreg_epp_executor_find_registrar(void *ex, const char *id, struct idreg_registrar *out,
					    struct idreg_diag *diag);

void idreg_epp_executor_stats(struct idreg_epp_executor *ex, struct idreg_epp_executor_stats *out);

/** Run the writes still queued, stop the committer and close the store.
 * No read or write may be running or come after. */
void idreg_epp_executor_free(struct idreg_epp_executor *ex);

#endif
