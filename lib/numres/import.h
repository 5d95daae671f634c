/*
 * Importing an RIR statistics file into the store: the file replaces what
 * the registry's previous file said, in one transaction, recording each
 * created, changed and removed record in the history.  A failure at any
 * point leaves the store as it was.
 */
#ifndef IDREG_NUMRES_IMPORT_H
#define IDREG_NUMRES_IMPORT_H

#include <stdbool.h>

#include "formats/rir.h"
#include "store/store.h"

struct idreg_import_options {
	bool force;  /* replace even when the file is older than the one held */
	/* Called now and then while records are written; may be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
};

struct idreg_import_result {
	size_t created, updated, deleted, unchanged;
	char previous_serial[24]; /* serial of the file replaced, "" when none */
};

/** Apply a file read by idreg_rir_read_file to the store. */
idreg_err idreg_import_rir(struct idreg_store *store, const struct idreg_rir_file *file,
			   const struct idreg_import_options *opts, struct idreg_import_result *result,
			   struct idreg_diag *diag);

/** Is the file with header @a older than the one with header @b? */
bool idreg_rir_header_older(const struct idreg_rir_header *a, const struct idreg_rir_header *b);

#endif
