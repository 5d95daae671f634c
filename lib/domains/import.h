/*
 * Importing a domains file (lib/domains/format.h) into the store, in one
 * transaction and one change set: each domain of the file is created,
 * changed or left as it is; hosts and entities likewise; with --replace,
 * domains the file does not name are removed; hosts and entities that no
 * domain refers to any more are removed.  Every create (as runs of ids),
 * update (before and after) and delete (before) goes into the history, so
 * re-importing the same file changes nothing.  A failure at any point
 * leaves the store as it was.
 */
#ifndef IDREG_DOMAINS_IMPORT_H
#define IDREG_DOMAINS_IMPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "domains/format.h"
#include "idn/policy.h"
#include "store/store.h"

struct idreg_domains_import_options {
	bool replace;   /* remove the domains the file does not name */
	bool skip_bad;  /* a domain that cannot be imported is left out (and said), not fatal */
	/* The IDN policy's keys (lib/idn/policy.h): every domain of the registry,
	 * in the file or not, gets the keys this checker gives its name; NULL:
	 * new domains get none and stored ones keep theirs. */
	struct idreg_idn_checker *keys;
};

/** What happened to the objects of one kind. */
struct idreg_import_counts {
	size_t created, updated, deleted, unchanged;
};

struct idreg_domains_import_result {
	struct idreg_import_counts domains, hosts, entities;
	size_t skipped;   /* domains left out by skip_bad at import time */
	size_t keys_set;  /* stored domains whose IDN keys were missing or stale, and were set */
	struct idreg_skip skips[IDREG_SKIPS_KEPT];
};

/**
 * Apply a file read by idreg_domains_read_file.  A domain that refers to an
 * entity the file gives no details of and the registry does not hold, or
 * whose handle another domain of the registry has, fails the import ("PATH:
 * line N: field: reason"), or with skip_bad is left out.
 */
idreg_err idreg_import_domains(struct idreg_store *store, const struct idreg_domains_file *file,
			       const struct idreg_domains_import_options *opts,
			       struct idreg_domains_import_result *result, struct idreg_diag *diag);

#endif
