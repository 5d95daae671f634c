/*
 * RIR file import: a merge of the file's records with the registry's stored
 * records, both sorted by (type, first number), that turns the difference
 * into inserts, updates, deletes and history lines: one line per update or
 * delete, and one per run of records created together.  Re-importing an
 * unchanged file writes nothing but the source line and its change set.
 */
#include "numres/import.h"

#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/array.h"

struct stored_copy {
	int64_t id;
	struct idreg_numres rec;
};

struct load_ctx {
	struct stored_copy *items;
	size_t count, capacity;
	struct idreg_arena *arena;
};

static const char *arena_copy(struct idreg_arena *arena, const char *s)
{
	return s == NULL ? NULL : idreg_arena_strndup(arena, s, strlen(s));
}

static idreg_err keep_stored(void *ctx, const struct idreg_stored_numres *row)
{
	struct load_ctx *lc = ctx;
	if (idreg_array_reserve(&lc->items, &lc->capacity, lc->count, sizeof(*lc->items), 4096) !=
	    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct stored_copy *c = &lc->items[lc->count];
	c->id = row->id;
	c->rec = row->rec;
	c->rec.registry = arena_copy(lc->arena, row->rec.registry);
	c->rec.cc = arena_copy(lc->arena, row->rec.cc);
	c->rec.opaque_id = arena_copy(lc->arena, row->rec.opaque_id);
	c->rec.extensions = arena_copy(lc->arena, row->rec.extensions);
	if (c->rec.registry == NULL || c->rec.cc == NULL ||
	    (row->rec.opaque_id && c->rec.opaque_id == NULL) ||
	    (row->rec.extensions && c->rec.extensions == NULL)) {
		return IDREG_ENOMEM;
	}
	lc->count++;
	return IDREG_OK;
}

static int key_order(const struct idreg_numres *a, const struct idreg_numres *b)
{
	if (a->type != b->type) {
		return a->type < b->type ? -1 : 1;
	}
	return a->first < b->first ? -1 : a->first > b->first;
}

static int stored_order(const void *pa, const void *pb)
{
	return key_order(&((const struct stored_copy *)pa)->rec, &((const struct stored_copy *)pb)->rec);
}

static int record_ptr_order(const void *pa, const void *pb)
{
	return key_order(*(const struct idreg_numres *const *)pa, *(const struct idreg_numres *const *)pb);
}

bool idreg_rir_header_older(const struct idreg_rir_header *a, const struct idreg_rir_header *b)
{
	if (a->serial_time != 0 && b->serial_time != 0) {
		return a->serial_time < b->serial_time;
	}
	return strcmp(a->enddate, b->enddate) < 0;
}

/* Records created in a row are inserted together, this many at a time. */
#define INSERT_BATCH 256

struct applier {
	struct idreg_store *store;
	const char *source;
	int64_t change_set;
	const struct idreg_numres *pending[INSERT_BATCH]; /* to insert, in order */
	size_t pending_count;
	int64_t run_first, run_last; /* ids created so far and not yet in the history */
	struct idreg_import_result *result;
	struct idreg_diag *diag;
};

static idreg_err add_history(struct applier *ap, enum idreg_change change, int64_t first_id,
			     int64_t last_id, const struct idreg_numres *before,
			     const struct idreg_numres *after)
{
	char before_text[IDREG_RIR_RECORD_TEXT_MAX], after_text[IDREG_RIR_RECORD_TEXT_MAX];
	if (before != NULL) {
		idreg_rir_format_record(before, before_text, sizeof(before_text));
	}
	if (after != NULL) {
		idreg_rir_format_record(after, after_text, sizeof(after_text));
	}
	struct idreg_history_entry entry = {
		.change_set = ap->change_set,
		.object_type = "numres",
		.first_id = first_id,
		.last_id = last_id,
		.change = change,
		.before = before ? before_text : NULL,
		.after = after ? after_text : NULL,
	};
	return ap->store->ops->history_add(ap->store, &entry, ap->diag);
}

/* Write the run of created ids as one history line. */
static idreg_err flush_created(struct applier *ap)
{
	if (ap->run_first == 0) {
		return IDREG_OK;
	}
	idreg_err err = add_history(ap, IDREG_CHANGE_CREATE, ap->run_first, ap->run_last, NULL, NULL);
	ap->run_first = ap->run_last = 0;
	return err;
}

/* Insert the pending records; their ids extend the current run, or start one. */
static idreg_err flush_pending(struct applier *ap)
{
	if (ap->pending_count == 0) {
		return IDREG_OK;
	}
	int64_t first;
	size_t n = ap->pending_count;
	ap->pending_count = 0;
	idreg_err err = ap->store->ops->numres_insert(ap->store, ap->source, ap->pending, n, &first,
						      ap->diag);
	if (err != IDREG_OK) {
		return err;
	}
	ap->result->created += n;
	if (ap->run_first != 0 && first != ap->run_last + 1) {
		err = flush_created(ap);
	}
	if (ap->run_first == 0) {
		ap->run_first = first;
	}
	ap->run_last = first + (int64_t)n - 1;
	return err;
}

static idreg_err apply_insert(struct applier *ap, const struct idreg_numres *rec)
{
	ap->pending[ap->pending_count++] = rec;
	return ap->pending_count == INSERT_BATCH ? flush_pending(ap) : IDREG_OK;
}

static idreg_err apply_update(struct applier *ap, const struct stored_copy *old,
			      const struct idreg_numres *rec)
{
	if (idreg_numres_equal(&old->rec, rec)) {
		ap->result->unchanged++;
		return IDREG_OK;
	}
	idreg_err err = ap->store->ops->numres_update(ap->store, old->id, rec, ap->diag);
	if (err == IDREG_OK) {
		err = add_history(ap, IDREG_CHANGE_UPDATE, old->id, old->id, &old->rec, rec);
		ap->result->updated++;
	}
	return err;
}

static idreg_err apply_delete(struct applier *ap, const struct stored_copy *old)
{
	idreg_err err = ap->store->ops->numres_delete(ap->store, old->id, ap->diag);
	if (err == IDREG_OK) {
		err = add_history(ap, IDREG_CHANGE_DELETE, old->id, old->id, &old->rec, NULL);
		ap->result->deleted++;
	}
	return err;
}

/* Walk both sorted lists and write the difference. */
static idreg_err apply_merge(struct applier *ap, const struct idreg_numres **incoming, size_t n_in,
			     const struct stored_copy *stored, size_t n_st,
			     const struct idreg_import_options *opts)
{
	size_t i = 0, j = 0, done = 0, total = n_in + n_st;
	idreg_err err = IDREG_OK;
	while (err == IDREG_OK && (i < n_in || j < n_st)) {
		int cmp = i == n_in ? 1 : j == n_st ? -1 : key_order(incoming[i], &stored[j].rec);
		if (cmp < 0) {
			err = apply_insert(ap, incoming[i++]);
			done++;
		} else if (cmp > 0) {
			err = apply_delete(ap, &stored[j++]);
			done++;
		} else {
			err = apply_update(ap, &stored[j++], incoming[i++]);
			done += 2;
		}
		if (opts->progress != NULL && (done & 0x3fff) < 2) {
			opts->progress(opts->progress_ctx, done, total);
		}
	}
	if (err == IDREG_OK) {
		err = flush_pending(ap);
	}
	if (err == IDREG_OK) {
		err = flush_created(ap);
	}
	if (err == IDREG_OK && opts->progress != NULL) {
		opts->progress(opts->progress_ctx, total, total);
	}
	return err;
}

idreg_err idreg_import_rir(struct idreg_store *store, const struct idreg_rir_file *file,
			   const struct idreg_import_options *opts, struct idreg_import_result *result,
			   struct idreg_diag *diag)
{
	memset(result, 0, sizeof(*result));
	const struct idreg_rir_header *header = &file->header;
	struct idreg_arena arena;
	idreg_arena_init(&arena, 256 * 1024, 0);
	struct load_ctx stored = { .arena = &arena };
	const struct idreg_numres **incoming = NULL;

	idreg_err err = store->ops->begin(store, diag);
	if (err != IDREG_OK) {
		goto done;
	}
	struct idreg_source previous;
	err = store->ops->source_get(store, header->registry, &previous, diag);
	if (err == IDREG_OK) {
		snprintf(result->previous_serial, sizeof(result->previous_serial), "%s",
			 previous.header.serial);
		if (!opts->force && idreg_rir_header_older(header, &previous.header)) {
			err = idreg_diag_set(diag, IDREG_ESTALE,
					     "%s: this %s file (serial %s) is older than the one the "
					     "registry holds (serial %s, from %s); --force replaces it anyway",
					     file->path, header->registry, header->serial,
					     previous.header.serial, previous.file);
			goto fail;
		}
	} else if (err != IDREG_ENOTFOUND) {
		goto fail;
	}

	/* The source row goes first: the records refer to it. */
	struct idreg_source source = { .header = *header };
	snprintf(source.file, sizeof(source.file), "%s", file->path);
	idreg_store_now(source.imported_at, sizeof(source.imported_at));
	for (int t = 0; t < IDREG_RESTYPE_COUNT; t++) {
		source.summary[t] = file->summary[t];
	}
	source.header.records = file->count;
	err = store->ops->source_put(store, &source, diag);
	if (err != IDREG_OK) {
		goto fail;
	}

	err = store->ops->numres_each(store, header->registry, keep_stored, &stored, diag);
	if (err != IDREG_OK) {
		goto fail;
	}
	if (stored.count > 0) {
		qsort(stored.items, stored.count, sizeof(*stored.items), stored_order);
	}

	incoming = malloc((file->count ? file->count : 1) * sizeof(*incoming));
	if (incoming == NULL) {
		err = IDREG_ENOMEM;
		goto fail;
	}
	for (size_t i = 0; i < file->count; i++) {
		incoming[i] = &file->records[i];
	}
	qsort(incoming, file->count, sizeof(*incoming), record_ptr_order);

	struct applier ap = { .store = store, .source = header->registry, .result = result,
			      .diag = diag };
	char actor[600];
	snprintf(actor, sizeof(actor), "import %s (serial %s)", file->path, header->serial);
	err = store->ops->change_set_add(store, source.imported_at, actor, NULL, NULL, &ap.change_set, diag);
	if (err != IDREG_OK) {
		goto fail;
	}
	err = apply_merge(&ap, incoming, file->count, stored.items, stored.count, opts);
	if (err != IDREG_OK) {
		goto fail;
	}
	err = store->ops->commit(store, diag);
	goto done;
fail:
	store->ops->rollback(store);
done:
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "%s: out of memory", file->path);
	}
	free(incoming);
	free(stored.items);
	idreg_arena_free(&arena);
	return err;
}
