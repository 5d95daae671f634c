/*
 * Snapshot loading and reference counting.
 */
#include "query/snapshot.h"

#include <stdlib.h>

idreg_err idreg_snapshot_load(struct idreg_store *store, bool eir_check,
			      struct idreg_snapshot **out, struct idreg_diag *diag)
{
	struct idreg_snapshot *snap = calloc(1, sizeof(*snap));
	if (snap == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory loading a snapshot");
	}
	atomic_init(&snap->refs, 1);
	idreg_store_now(snap->loaded_at, sizeof(snap->loaded_at));
	idreg_numindex_init(&snap->numbers);
	idreg_domindex_init(&snap->names);
	idreg_eir_register_init(&snap->eir);
	idreg_err err = idreg_numindex_load(&snap->numbers, store, diag);
	if (err == IDREG_OK) {
		err = idreg_domindex_load(&snap->names, store, diag);
	}
	if (err == IDREG_OK && eir_check) {
		err = idreg_eir_register_load(&snap->eir, store, diag);
	}
	if (err != IDREG_OK) {
		idreg_numindex_free(&snap->numbers);
		idreg_domindex_free(&snap->names);
		idreg_eir_register_free(&snap->eir);
		free(snap);
		return err;
	}
	*out = snap;
	return IDREG_OK;
}

void idreg_snapshot_ref(struct idreg_snapshot *snap)
{
	atomic_fetch_add_explicit(&snap->refs, 1, memory_order_relaxed);
}

void idreg_snapshot_unref(struct idreg_snapshot *snap)
{
	if (snap != NULL && atomic_fetch_sub_explicit(&snap->refs, 1, memory_order_acq_rel) == 1) {
		idreg_numindex_free(&snap->numbers);
		idreg_domindex_free(&snap->names);
		idreg_eir_register_free(&snap->eir);
		free(snap);
	}
}
