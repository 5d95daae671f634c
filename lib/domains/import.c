/*
 * Domains import: the registry's entities and hosts are loaded and matched
 * with the file's by handle and by name; one pass over the stored domains
 * compares each with the file's domain of the same name by canonical text
 * (lib/domains/domain.h), keeping the "before" text only of those that
 * change; then the writes, in batches for the creations, each with its
 * history line, and last the hosts and entities no domain refers to any
 * more are removed.  With an IDN policy, every domain written gets the
 * policy's keys, and stored domains whose keys are missing (a registry
 * from before schema version 3) or stale (another LGR) get them too.
 */
#include "domains/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/strmap.h"

enum action { KEEP, CREATE, UPDATE };

struct stored_entity {
	int64_t id;
	struct idreg_entity e;
	bool referenced;
};

struct stored_host {
	int64_t id;
	struct idreg_host h;
	bool referenced;
};

/* What becomes of each domain of the file. */
enum dom_state { D_NEW, D_UNCHANGED, D_CHANGED, D_DROPPED };

struct file_dom {
	enum dom_state state;
	int64_t stored_id;      /* 0 when the registry has no domain of that name */
	const char *before;     /* D_CHANGED: the stored domain's text */
	const char *stored_handle; /* of the stored domain, when it has one */
	const char *index_key, *skeleton_key; /* the IDN policy's keys; NULL until computed */
};

/* A stored domain whose keys are to be set. */
struct rekey {
	int64_t id;
	const char *index_key, *skeleton_key;
};

struct deleted_dom {
	int64_t id;
	const char *before;
};

struct importer {
	struct idreg_store *store;
	const struct idreg_domains_file *file;
	const struct idreg_domains_import_options *opts;
	struct idreg_domains_import_result *result;
	struct idreg_diag *diag;
	struct idreg_arena arena;

	struct stored_entity *sents;
	size_t n_sents, sents_cap;
	struct stored_host *shosts;
	size_t n_shosts, shosts_cap;
	struct idreg_strmap sent_by_handle; /* lower-case handle -> index in sents */
	struct idreg_strmap shost_by_name;  /* ldh name -> index in shosts */
	struct idreg_strmap fdom_by_name;   /* ldh name -> index in file->domains */
	struct idreg_strmap kept_handles;   /* lower-case handles of stored domains that stay */

	/* Per file entity and host: the stored one it is (-1: none), what to do, its id. */
	int64_t *fent_stored, *fent_id;
	enum action *fent_action;
	bool *fent_used;
	int64_t *fhost_stored, *fhost_id;
	enum action *fhost_action;
	bool *fhost_used;

	struct file_dom *fdoms;
	struct deleted_dom *deleted;
	size_t n_deleted, deleted_cap;
	bool late_drops;                    /* domains dropped after the pass over the store */
	struct rekey *rekeys;
	size_t n_rekeys, rekeys_cap;
	char index_key[IDREG_IDN_INDEX_KEY_MAX];
	char skeleton_key[IDREG_IDN_SKELETON_KEY_MAX];

	int64_t change_set;
	int64_t run_first, run_last;        /* created ids not yet in the history */
	const char *run_type;
	struct idreg_buf text, text2;
};

static const char *arena_copy(struct idreg_arena *arena, const char *s)
{
	return s == NULL ? NULL : idreg_arena_strndup(arena, s, strlen(s));
}

static void lower_key(const char *s, char *out, size_t size)
{
	size_t i = 0;
	for (; s[i] && i + 1 < size; i++) {
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	}
	out[i] = '\0';
}

/* The IDN policy's keys of the name @unicode_name into *@index and *@skeleton (NULL without a policy). */
static idreg_err name_keys(struct importer *im, const char *unicode_name, const char **index,
			   const char **skeleton)
{
	*index = *skeleton = NULL;
	if (im->opts->keys == NULL) {
		return IDREG_OK;
	}
	struct idreg_diag why = { "" };
	idreg_err err = idreg_idn_keys(im->opts->keys, unicode_name, im->index_key, im->skeleton_key,
				       &why);
	if (err != IDREG_OK) {
		return idreg_diag_set(im->diag, err, "%s: %s: IDN keys: %s", im->file->path,
				      unicode_name, why.text);
	}
	*index = arena_copy(&im->arena, im->index_key);
	*skeleton = arena_copy(&im->arena, im->skeleton_key);
	return *index != NULL && *skeleton != NULL ? IDREG_OK : IDREG_ENOMEM;
}

static bool same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* A stored domain that stays: note it if its keys are not what the policy gives. */
static idreg_err check_keys(struct importer *im, const struct idreg_stored_domain *row)
{
	const char *index, *skeleton;
	idreg_err err = name_keys(im, row->domain.unicode_name, &index, &skeleton);
	if (err != IDREG_OK || im->opts->keys == NULL ||
	    (same_text(index, row->index_key) && same_text(skeleton, row->skeleton_key))) {
		return err;
	}
	if (idreg_array_reserve(&im->rekeys, &im->rekeys_cap, im->n_rekeys, sizeof(*im->rekeys),
				256) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	im->rekeys[im->n_rekeys++] = (struct rekey){ row->id, index, skeleton };
	return IDREG_OK;
}

/* ---- loading what the registry holds ---- */

static idreg_err keep_stored_entity(void *ctx, const struct idreg_stored_entity *row)
{
	struct importer *im = ctx;
	if (idreg_array_reserve(&im->sents, &im->sents_cap, im->n_sents, sizeof(*im->sents), 1024) !=
	    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct stored_entity *se = &im->sents[im->n_sents];
	memset(se, 0, sizeof(*se));
	se->id = row->id;
	se->e = row->entity;
	se->e.handle = arena_copy(&im->arena, row->entity.handle);
	bool ok = se->e.handle != NULL;
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		se->e.fields[f] = arena_copy(&im->arena, row->entity.fields[f]);
		ok &= row->entity.fields[f] == NULL || se->e.fields[f] != NULL;
	}
	char key[IDREG_DOMAINS_MAX_HANDLE * 2 + 1];
	lower_key(row->entity.handle, key, sizeof(key));
	if (!ok || idreg_strmap_put(&im->sent_by_handle, key, (int64_t)im->n_sents) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	im->n_sents++;
	return IDREG_OK;
}

static idreg_err keep_stored_host(void *ctx, const struct idreg_stored_host *row)
{
	struct importer *im = ctx;
	if (idreg_array_reserve(&im->shosts, &im->shosts_cap, im->n_shosts, sizeof(*im->shosts),
				1024) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	struct stored_host *sh = &im->shosts[im->n_shosts];
	memset(sh, 0, sizeof(*sh));
	sh->id = row->id;
	sh->h = row->host;
	sh->h.ldh_name = arena_copy(&im->arena, row->host.ldh_name);
	sh->h.unicode_name = arena_copy(&im->arena, row->host.unicode_name);
	sh->h.handle = arena_copy(&im->arena, row->host.handle);
	sh->h.addrs = NULL;
	if (row->host.n_addrs > 0) {
		sh->h.addrs = idreg_arena_alloc(&im->arena, row->host.n_addrs * sizeof(*sh->h.addrs));
		if (sh->h.addrs == NULL) {
			return IDREG_ENOMEM;
		}
		memcpy(sh->h.addrs, row->host.addrs, row->host.n_addrs * sizeof(*sh->h.addrs));
		qsort(sh->h.addrs, row->host.n_addrs, sizeof(*sh->h.addrs), idreg_ip_order);
	}
	if (sh->h.ldh_name == NULL || sh->h.unicode_name == NULL ||
	    (row->host.handle && !sh->h.handle) ||
	    idreg_strmap_put(&im->shost_by_name, row->host.ldh_name, (int64_t)im->n_shosts) !=
		    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	im->n_shosts++;
	return IDREG_OK;
}

/* Index of a stored row by id (rows are in id order); -1 when absent. */
static int64_t stored_entity_index(const struct importer *im, int64_t id)
{
	size_t lo = 0, hi = im->n_sents;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (im->sents[mid].id < id) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < im->n_sents && im->sents[lo].id == id ? (int64_t)lo : -1;
}

static int64_t stored_host_index(const struct importer *im, int64_t id)
{
	size_t lo = 0, hi = im->n_shosts;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (im->shosts[mid].id < id) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < im->n_shosts && im->shosts[lo].id == id ? (int64_t)lo : -1;
}

/* ---- deciding ---- */

static bool host_same(const struct idreg_host *a, const struct idreg_host *b)
{
	if (strcmp(a->unicode_name, b->unicode_name) != 0 || (a->handle == NULL) != (b->handle == NULL) ||
	    (a->handle != NULL && strcmp(a->handle, b->handle) != 0) || a->n_addrs != b->n_addrs) {
		return false;
	}
	for (size_t i = 0; i < a->n_addrs; i++) {
		if (idreg_ip_order(&a->addrs[i], &b->addrs[i]) != 0) {
			return false;
		}
	}
	return true;
}

/* A domain of the file cannot be imported: fail, or with skip_bad leave it out. */
static idreg_err drop(struct importer *im, size_t i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static idreg_err drop(struct importer *im, size_t i, const char *fmt, ...)
{
	char reason[sizeof(im->result->skips[0].reason)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	uint32_t line = im->file->domains[i].line;
	if (!im->opts->skip_bad) {
		return idreg_diag_set(im->diag, IDREG_EPARSE, "%s: line %u: %s", im->file->path, line,
				      reason);
	}
	idreg_skip_note(im->result->skips, &im->result->skipped, line, reason);
	im->fdoms[i].state = D_DROPPED;
	return IDREG_OK;
}

/* Match the file's entities and hosts with the registry's. */
static idreg_err match_entities_and_hosts(struct importer *im)
{
	const struct idreg_domains_file *file = im->file;
	for (size_t k = 0; k < file->n_entities; k++) {
		const struct idreg_file_entity *fe = &file->entities[k];
		char key[IDREG_DOMAINS_MAX_HANDLE * 2 + 1];
		lower_key(fe->entity.handle, key, sizeof(key));
		int64_t ix;
		im->fent_stored[k] = idreg_strmap_get(&im->sent_by_handle, key, &ix) == IDREG_OK ? ix : -1;
		if (im->fent_stored[k] >= 0) {
			const struct stored_entity *se = &im->sents[im->fent_stored[k]];
			im->fent_id[k] = se->id;
			im->fent_action[k] = fe->defined_line != 0 && !idreg_entity_equal(&se->e, &fe->entity)
						     ? UPDATE
						     : KEEP;
		} else {
			im->fent_action[k] = CREATE; /* or, without details, impossible: see below */
		}
	}
	for (size_t k = 0; k < file->n_hosts; k++) {
		const struct idreg_file_host *fh = &file->hosts[k];
		int64_t ix;
		im->fhost_stored[k] =
			idreg_strmap_get(&im->shost_by_name, fh->host.ldh_name, &ix) == IDREG_OK ? ix : -1;
		if (im->fhost_stored[k] >= 0) {
			const struct stored_host *sh = &im->shosts[im->fhost_stored[k]];
			im->fhost_id[k] = sh->id;
			im->fhost_action[k] = fh->detail_line != 0 && !host_same(&sh->h, &fh->host) ? UPDATE
													: KEEP;
		} else {
			im->fhost_action[k] = CREATE;
		}
	}
	/* Domains whose entities are described nowhere. */
	for (size_t i = 0; i < file->count; i++) {
		const struct idreg_file_domain *fd = &file->domains[i];
		for (size_t c = 0; c < fd->domain.n_contacts; c++) {
			uint32_t k = fd->entity_ix[c];
			if (im->fent_stored[k] < 0 && file->entities[k].defined_line == 0) {
				idreg_err err = drop(im, i,
						     "entities[%zu]: entity '%s' has no details in this "
						     "file (kind, fn, ...) and the registry holds none",
						     c, file->entities[k].entity.handle);
				if (err != IDREG_OK) {
					return err;
				}
				break;
			}
		}
	}
	return IDREG_OK;
}

/* The file's domain as it will be written: contacts under their entities' final handles. */
static idreg_err final_domain(struct importer *im, size_t i, struct idreg_domain *out,
			      struct idreg_domain_contact *contacts)
{
	const struct idreg_file_domain *fd = &im->file->domains[i];
	*out = fd->domain;
	for (size_t c = 0; c < fd->domain.n_contacts; c++) {
		uint32_t k = fd->entity_ix[c];
		const struct idreg_file_entity *fe = &im->file->entities[k];
		contacts[c].roles = fd->domain.contacts[c].roles;
		contacts[c].handle = fe->defined_line == 0 && im->fent_stored[k] >= 0
					     ? im->sents[im->fent_stored[k]].e.handle
					     : fe->entity.handle;
	}
	out->contacts = contacts;
	return IDREG_OK;
}

/* The stored domain's text, with its hosts' names and entities' handles. */
static idreg_err stored_text(struct importer *im, const struct idreg_stored_domain *row,
			     struct idreg_buf *out)
{
	const char *names[IDREG_DOMAINS_MAX_NAMESERVERS * 4];
	struct idreg_domain_contact contacts[IDREG_DOMAINS_MAX_ENTITIES * 4];
	struct idreg_domain d = row->domain;
	if (d.n_ns > sizeof(names) / sizeof(names[0]) ||
	    d.n_contacts > sizeof(contacts) / sizeof(contacts[0])) {
		return idreg_diag_set(im->diag, IDREG_ESTORE, "domain %lld has too many links",
				      (long long)row->id);
	}
	for (size_t i = 0; i < d.n_ns; i++) {
		int64_t ix = stored_host_index(im, row->host_ids[i]);
		if (ix < 0) {
			return idreg_diag_set(im->diag, IDREG_ESTORE,
					      "domain %lld refers to host %lld, which is missing",
					      (long long)row->id, (long long)row->host_ids[i]);
		}
		names[i] = im->shosts[ix].h.ldh_name;
	}
	for (size_t i = 0; i < d.n_contacts; i++) {
		int64_t ix = stored_entity_index(im, row->entity_ids[i]);
		if (ix < 0) {
			return idreg_diag_set(im->diag, IDREG_ESTORE,
					      "domain %lld refers to entity %lld, which is missing",
					      (long long)row->id, (long long)row->entity_ids[i]);
		}
		contacts[i].handle = im->sents[ix].e.handle;
		contacts[i].roles = d.contacts[i].roles;
	}
	d.nameservers = names;
	d.contacts = contacts;
	idreg_buf_clear(out);
	return idreg_domain_format(&d, out);
}

static void mark_references(struct importer *im, const struct idreg_stored_domain *row)
{
	for (size_t i = 0; i < row->domain.n_ns; i++) {
		int64_t ix = stored_host_index(im, row->host_ids[i]);
		if (ix >= 0) {
			im->shosts[ix].referenced = true;
		}
	}
	for (size_t i = 0; i < row->domain.n_contacts; i++) {
		int64_t ix = stored_entity_index(im, row->entity_ids[i]);
		if (ix >= 0) {
			im->sents[ix].referenced = true;
		}
	}
}

static idreg_err keep_handle(struct importer *im, const char *handle, int64_t id)
{
	if (handle == NULL) {
		return IDREG_OK;
	}
	char key[IDREG_DOMAINS_MAX_HANDLE * 2 + 1];
	lower_key(handle, key, sizeof(key));
	return idreg_strmap_put(&im->kept_handles, key, id);
}

/* One stored domain: unchanged, changed, deleted (replace), or staying as it is. */
static idreg_err compare_stored(void *ctx, const struct idreg_stored_domain *row)
{
	struct importer *im = ctx;
	int64_t i;
	bool in_file = idreg_strmap_get(&im->fdom_by_name, row->domain.ldh_name, &i) == IDREG_OK;
	if (in_file && im->fdoms[i].state != D_DROPPED) {
		struct file_dom *fdom = &im->fdoms[i];
		fdom->stored_id = row->id;
		idreg_err err = check_keys(im, row);
		if (err != IDREG_OK) {
			return err;
		}
		if (row->domain.handle != NULL &&
		    (fdom->stored_handle = arena_copy(&im->arena, row->domain.handle)) == NULL) {
			return IDREG_ENOMEM;
		}
		struct idreg_domain_contact contacts[IDREG_DOMAINS_MAX_ENTITIES];
		struct idreg_domain d;
		final_domain(im, (size_t)i, &d, contacts);
		idreg_buf_clear(&im->text2);
		err = stored_text(im, row, &im->text);
		if (err == IDREG_OK) {
			err = idreg_domain_format(&d, &im->text2);
		}
		if (err != IDREG_OK) {
			return err;
		}
		if (strcmp(im->text.data, im->text2.data) == 0) {
			fdom->state = D_UNCHANGED;
		} else {
			fdom->state = D_CHANGED;
			fdom->before = arena_copy(&im->arena, im->text.data);
			if (fdom->before == NULL) {
				return IDREG_ENOMEM;
			}
		}
		return IDREG_OK;
	}
	if (im->opts->replace && !in_file) {
		idreg_err err = stored_text(im, row, &im->text);
		if (err != IDREG_OK) {
			return err;
		}
		if (idreg_array_reserve(&im->deleted, &im->deleted_cap, im->n_deleted,
					sizeof(*im->deleted), 256) != IDREG_OK) {
			return IDREG_ENOMEM;
		}
		im->deleted[im->n_deleted].id = row->id;
		im->deleted[im->n_deleted].before = arena_copy(&im->arena, im->text.data);
		if (im->deleted[im->n_deleted++].before == NULL) {
			return IDREG_ENOMEM;
		}
		return IDREG_OK;
	}
	/* It stays as it is (not in the file, or its line was left out). */
	mark_references(im, row);
	idreg_err err = check_keys(im, row);
	return err == IDREG_OK ? keep_handle(im, row->domain.handle, row->id) : err;
}

/* After the pass: mark the references of stored domains whose file line was dropped late. */
static idreg_err mark_late_dropped(void *ctx, const struct idreg_stored_domain *row)
{
	struct importer *im = ctx;
	int64_t i;
	if (idreg_strmap_get(&im->fdom_by_name, row->domain.ldh_name, &i) == IDREG_OK &&
	    im->fdoms[i].state == D_DROPPED) {
		mark_references(im, row);
	}
	return IDREG_OK;
}

/* Domain handles must stay unique in the registry (whatever their case). */
static idreg_err check_handles(struct importer *im)
{
	const struct idreg_domains_file *file = im->file;
	for (bool again = true; again;) {
		again = false;
		for (size_t i = 0; i < file->count; i++) {
			const char *handle = file->domains[i].domain.handle;
			if (im->fdoms[i].state == D_DROPPED || handle == NULL) {
				continue;
			}
			char key[IDREG_DOMAINS_MAX_HANDLE * 2 + 1];
			lower_key(handle, key, sizeof(key));
			int64_t id;
			if (idreg_strmap_get(&im->kept_handles, key, &id) != IDREG_OK) {
				continue;
			}
			idreg_err err = drop(im, i,
					     "handle: '%s' is the handle of another domain the registry "
					     "holds (id %lld)",
					     handle, (long long)id);
			if (err != IDREG_OK) {
				return err;
			}
			/* Its stored self, if any, now stays: its handle is taken too. */
			if (im->fdoms[i].stored_id != 0) {
				im->late_drops = true;
				err = keep_handle(im, im->fdoms[i].stored_handle, im->fdoms[i].stored_id);
				if (err != IDREG_OK) {
					return err;
				}
				again = true;
			}
		}
	}
	return IDREG_OK;
}

/* ---- writing ---- */

static idreg_err flush_run(struct importer *im)
{
	if (im->run_first == 0) {
		return IDREG_OK;
	}
	struct idreg_history_entry e = { .change_set = im->change_set, .object_type = im->run_type,
					 .first_id = im->run_first, .last_id = im->run_last,
					 .change = IDREG_CHANGE_CREATE };
	im->run_first = im->run_last = 0;
	return im->store->ops->history_add(im->store, &e, im->diag);
}

/* Note @n ids created from @first, extending the run of @type or starting one. */
static idreg_err note_created(struct importer *im, const char *type, int64_t first, size_t n)
{
	idreg_err err = IDREG_OK;
	if (im->run_first != 0 && (im->run_type != type || first != im->run_last + 1)) {
		err = flush_run(im);
	}
	if (im->run_first == 0) {
		im->run_first = first;
		im->run_type = type;
	}
	im->run_last = first + (int64_t)n - 1;
	return err;
}

static idreg_err history(struct importer *im, const char *type, enum idreg_change change,
			 int64_t id, const char *before, const char *after)
{
	struct idreg_history_entry e = { .change_set = im->change_set, .object_type = type,
					 .first_id = id, .last_id = id, .change = change,
					 .before = before, .after = after };
	return im->store->ops->history_add(im->store, &e, im->diag);
}

#define BATCH 256

static idreg_err write_entities(struct importer *im)
{
	const struct idreg_domains_file *file = im->file;
	const struct idreg_entity *batch[BATCH];
	size_t batch_ix[BATCH], n = 0;
	idreg_err err = IDREG_OK;
	for (size_t k = 0; err == IDREG_OK && k <= file->n_entities; k++) {
		if (k < file->n_entities && im->fent_used[k]) {
			const struct idreg_file_entity *fe = &file->entities[k];
			if (im->fent_action[k] == CREATE) {
				batch_ix[n] = k;
				batch[n++] = &fe->entity;
			} else if (im->fent_action[k] == UPDATE) {
				const struct stored_entity *se = &im->sents[im->fent_stored[k]];
				idreg_buf_clear(&im->text);
				idreg_buf_clear(&im->text2);
				err = im->store->ops->entity_update(im->store, se->id, &fe->entity, im->diag);
				if (err == IDREG_OK && (err = idreg_entity_format(&se->e, &im->text)) == IDREG_OK &&
				    (err = idreg_entity_format(&fe->entity, &im->text2)) == IDREG_OK) {
					err = history(im, "entity", IDREG_CHANGE_UPDATE, se->id,
						      im->text.data, im->text2.data);
				}
				im->result->entities.updated++;
			} else {
				im->result->entities.unchanged++;
			}
		}
		if (err == IDREG_OK && n > 0 && (n == BATCH || k == file->n_entities)) {
			int64_t first;
			err = im->store->ops->entity_insert(im->store, batch, n, &first, im->diag);
			for (size_t b = 0; err == IDREG_OK && b < n; b++) {
				im->fent_id[batch_ix[b]] = first + (int64_t)b;
			}
			if (err == IDREG_OK) {
				err = note_created(im, "entity", first, n);
			}
			im->result->entities.created += n;
			n = 0;
		}
	}
	return err == IDREG_OK ? flush_run(im) : err;
}

static idreg_err write_hosts(struct importer *im)
{
	const struct idreg_domains_file *file = im->file;
	const struct idreg_host *batch[BATCH];
	size_t batch_ix[BATCH], n = 0;
	idreg_err err = IDREG_OK;
	for (size_t k = 0; err == IDREG_OK && k <= file->n_hosts; k++) {
		if (k < file->n_hosts && im->fhost_used[k]) {
			const struct idreg_file_host *fh = &file->hosts[k];
			if (im->fhost_action[k] == CREATE) {
				batch_ix[n] = k;
				batch[n++] = &fh->host;
			} else if (im->fhost_action[k] == UPDATE) {
				const struct stored_host *sh = &im->shosts[im->fhost_stored[k]];
				idreg_buf_clear(&im->text);
				idreg_buf_clear(&im->text2);
				err = im->store->ops->host_update(im->store, sh->id, &fh->host, im->diag);
				if (err == IDREG_OK && (err = idreg_host_format(&sh->h, &im->text)) == IDREG_OK &&
				    (err = idreg_host_format(&fh->host, &im->text2)) == IDREG_OK) {
					err = history(im, "host", IDREG_CHANGE_UPDATE, sh->id, im->text.data,
						      im->text2.data);
				}
				im->result->hosts.updated++;
			} else {
				im->result->hosts.unchanged++;
			}
		}
		if (err == IDREG_OK && n > 0 && (n == BATCH || k == file->n_hosts)) {
			int64_t first;
			err = im->store->ops->host_insert(im->store, batch, n, &first, im->diag);
			for (size_t b = 0; err == IDREG_OK && b < n; b++) {
				im->fhost_id[batch_ix[b]] = first + (int64_t)b;
			}
			if (err == IDREG_OK) {
				err = note_created(im, "host", first, n);
			}
			im->result->hosts.created += n;
			n = 0;
		}
	}
	return err == IDREG_OK ? flush_run(im) : err;
}

/* Room for one domain row to write: the domain, its contacts and its ids. */
struct row_space {
	struct idreg_domain domain;
	struct idreg_domain_contact contacts[IDREG_DOMAINS_MAX_ENTITIES];
	int64_t host_ids[IDREG_DOMAINS_MAX_NAMESERVERS];
	int64_t entity_ids[IDREG_DOMAINS_MAX_ENTITIES];
};

static idreg_err fill_row(struct importer *im, size_t i, struct row_space *sp,
			 struct idreg_domain_row *row)
{
	const struct idreg_file_domain *fd = &im->file->domains[i];
	struct file_dom *fdom = &im->fdoms[i];
	idreg_err err = name_keys(im, fd->domain.unicode_name, &fdom->index_key, &fdom->skeleton_key);
	if (err != IDREG_OK) {
		return err;
	}
	final_domain(im, i, &sp->domain, sp->contacts);
	for (size_t c = 0; c < fd->domain.n_ns; c++) {
		sp->host_ids[c] = im->fhost_id[fd->host_ix[c]];
	}
	for (size_t c = 0; c < fd->domain.n_contacts; c++) {
		sp->entity_ids[c] = im->fent_id[fd->entity_ix[c]];
	}
	row->domain = &sp->domain;
	row->host_ids = sp->host_ids;
	row->entity_ids = sp->entity_ids;
	row->index_key = fdom->index_key;
	row->skeleton_key = fdom->skeleton_key;
	return IDREG_OK;
}

static idreg_err write_domains(struct importer *im)
{
	const struct idreg_domains_file *file = im->file;
	struct row_space *space = malloc(BATCH * sizeof(*space));
	struct idreg_domain_row *rows = malloc(BATCH * sizeof(*rows));
	if (space == NULL || rows == NULL) {
		free(space);
		free(rows);
		return IDREG_ENOMEM;
	}
	size_t n = 0;
	idreg_err err = IDREG_OK;
	for (size_t i = 0; err == IDREG_OK && i <= file->count; i++) {
		struct file_dom *fdom = i < file->count ? &im->fdoms[i] : NULL;
		if (fdom != NULL && fdom->state == D_NEW) {
			err = fill_row(im, i, &space[n], &rows[n]);
			n++;
		} else if (fdom != NULL && fdom->state == D_CHANGED) {
			struct idreg_domain_row row;
			err = fill_row(im, i, &space[n], &row);
			idreg_buf_clear(&im->text);
			if (err == IDREG_OK) {
				err = im->store->ops->domain_update(im->store, fdom->stored_id, &row,
								    im->diag);
			}
			if (err == IDREG_OK && (err = idreg_domain_format(row.domain, &im->text)) == IDREG_OK) {
				err = history(im, "domain", IDREG_CHANGE_UPDATE, fdom->stored_id,
					      fdom->before, im->text.data);
			}
			im->result->domains.updated++;
		} else if (fdom != NULL && fdom->state == D_UNCHANGED) {
			im->result->domains.unchanged++;
		}
		if (err == IDREG_OK && n > 0 && (n == BATCH || i == file->count)) {
			int64_t first;
			err = im->store->ops->domain_insert(im->store, rows, n, &first, im->diag);
			if (err == IDREG_OK) {
				err = note_created(im, "domain", first, n);
			}
			im->result->domains.created += n;
			n = 0;
		}
	}
	if (err == IDREG_OK) {
		err = flush_run(im);
	}
	for (size_t d = 0; err == IDREG_OK && d < im->n_deleted; d++) {
		err = im->store->ops->domain_delete(im->store, im->deleted[d].id, im->diag);
		if (err == IDREG_OK) {
			err = history(im, "domain", IDREG_CHANGE_DELETE, im->deleted[d].id,
				      im->deleted[d].before, NULL);
		}
		im->result->domains.deleted++;
	}
	for (size_t k = 0; err == IDREG_OK && k < im->n_rekeys; k++) {
		const struct rekey *r = &im->rekeys[k];
		err = im->store->ops->domain_set_keys(im->store, r->id, r->index_key, r->skeleton_key,
						      im->diag);
		im->result->keys_set++;
	}
	free(space);
	free(rows);
	return err;
}

/* Hosts and entities of the registry that no domain refers to any more. */
static idreg_err remove_orphans(struct importer *im)
{
	idreg_err err = IDREG_OK;
	for (size_t k = 0; err == IDREG_OK && k < im->n_shosts; k++) {
		if (im->shosts[k].referenced) {
			continue;
		}
		idreg_buf_clear(&im->text);
		err = im->store->ops->host_delete(im->store, im->shosts[k].id, im->diag);
		if (err == IDREG_OK && (err = idreg_host_format(&im->shosts[k].h, &im->text)) == IDREG_OK) {
			err = history(im, "host", IDREG_CHANGE_DELETE, im->shosts[k].id, im->text.data, NULL);
		}
		im->result->hosts.deleted++;
	}
	for (size_t k = 0; err == IDREG_OK && k < im->n_sents; k++) {
		if (im->sents[k].referenced) {
			continue;
		}
		idreg_buf_clear(&im->text);
		err = im->store->ops->entity_delete(im->store, im->sents[k].id, im->diag);
		if (err == IDREG_OK && (err = idreg_entity_format(&im->sents[k].e, &im->text)) == IDREG_OK) {
			err = history(im, "entity", IDREG_CHANGE_DELETE, im->sents[k].id, im->text.data,
				      NULL);
		}
		im->result->entities.deleted++;
	}
	return err;
}

/* Which of the file's hosts and entities the imported domains use; the
 * registry's that they use are not orphans. */
static void mark_used(struct importer *im)
{
	const struct idreg_domains_file *file = im->file;
	for (size_t i = 0; i < file->count; i++) {
		if (im->fdoms[i].state == D_DROPPED) {
			continue;
		}
		const struct idreg_file_domain *fd = &file->domains[i];
		for (size_t c = 0; c < fd->domain.n_ns; c++) {
			uint32_t k = fd->host_ix[c];
			im->fhost_used[k] = true;
			if (im->fhost_stored[k] >= 0) {
				im->shosts[im->fhost_stored[k]].referenced = true;
			}
		}
		for (size_t c = 0; c < fd->domain.n_contacts; c++) {
			uint32_t k = fd->entity_ix[c];
			im->fent_used[k] = true;
			if (im->fent_stored[k] >= 0) {
				im->sents[im->fent_stored[k]].referenced = true;
			}
		}
	}
}

static idreg_err run(struct importer *im)
{
	struct idreg_store *store = im->store;
	const struct idreg_domains_file *file = im->file;
	size_t ne = file->n_entities ? file->n_entities : 1, nh = file->n_hosts ? file->n_hosts : 1;
	im->fent_stored = calloc(ne, sizeof(int64_t));
	im->fent_id = calloc(ne, sizeof(int64_t));
	im->fent_action = calloc(ne, sizeof(enum action));
	im->fent_used = calloc(ne, sizeof(bool));
	im->fhost_stored = calloc(nh, sizeof(int64_t));
	im->fhost_id = calloc(nh, sizeof(int64_t));
	im->fhost_action = calloc(nh, sizeof(enum action));
	im->fhost_used = calloc(nh, sizeof(bool));
	im->fdoms = calloc(file->count ? file->count : 1, sizeof(*im->fdoms));
	if (!im->fent_stored || !im->fent_id || !im->fent_action || !im->fent_used ||
	    !im->fhost_stored || !im->fhost_id || !im->fhost_action || !im->fhost_used || !im->fdoms) {
		return IDREG_ENOMEM;
	}
	idreg_err err;
	for (size_t i = 0; i < file->count; i++) {
		if ((err = idreg_strmap_put(&im->fdom_by_name, file->domains[i].domain.ldh_name,
					    (int64_t)i)) != IDREG_OK) {
			return err;
		}
	}
	if ((err = store->ops->entity_each(store, keep_stored_entity, im, im->diag)) != IDREG_OK ||
	    (err = store->ops->host_each(store, keep_stored_host, im, im->diag)) != IDREG_OK ||
	    (err = match_entities_and_hosts(im)) != IDREG_OK ||
	    (err = store->ops->domain_each(store, compare_stored, im, im->diag)) != IDREG_OK ||
	    (err = check_handles(im)) != IDREG_OK) {
		return err;
	}
	if (im->late_drops &&
	    (err = store->ops->domain_each(store, mark_late_dropped, im, im->diag)) != IDREG_OK) {
		return err;
	}
	mark_used(im);

	char at[32], actor[600];
	idreg_store_now(at, sizeof(at));
	snprintf(actor, sizeof(actor), "import domains %s", file->path);
	if ((err = store->ops->change_set_add(store, at, actor, NULL, NULL, &im->change_set, im->diag)) !=
		    IDREG_OK ||
	    (err = write_entities(im)) != IDREG_OK || (err = write_hosts(im)) != IDREG_OK ||
	    (err = write_domains(im)) != IDREG_OK) {
		return err;
	}
	return remove_orphans(im);
}

idreg_err idreg_import_domains(struct idreg_store *store, const struct idreg_domains_file *file,
			       const struct idreg_domains_import_options *opts,
			       struct idreg_domains_import_result *result, struct idreg_diag *diag)
{
	memset(result, 0, sizeof(*result));
	struct importer im = { .store = store, .file = file, .opts = opts, .result = result,
			       .diag = diag };
	idreg_arena_init(&im.arena, 256 * 1024, 0);
	idreg_strmap_init(&im.sent_by_handle);
	idreg_strmap_init(&im.shost_by_name);
	idreg_strmap_init(&im.fdom_by_name);
	idreg_strmap_init(&im.kept_handles);
	idreg_buf_init(&im.text, 1024 * 1024);
	idreg_buf_init(&im.text2, 1024 * 1024);

	idreg_err err = store->ops->begin(store, diag);
	if (err == IDREG_OK) {
		err = run(&im);
		if (err == IDREG_OK) {
			err = store->ops->commit(store, diag);
		} else {
			store->ops->rollback(store);
		}
	}
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "%s: out of memory", file->path);
	}
	if (err != IDREG_OK) {
		size_t skipped = result->skipped;
		memset(result, 0, sizeof(*result));
		result->skipped = skipped;
	}
	free(im.sents);
	free(im.shosts);
	free(im.fent_stored);
	free(im.fent_id);
	free(im.fent_action);
	free(im.fent_used);
	free(im.fhost_stored);
	free(im.fhost_id);
	free(im.fhost_action);
	free(im.fhost_used);
	free(im.fdoms);
	free(im.deleted);
	free(im.rekeys);
	idreg_strmap_free(&im.sent_by_handle);
	idreg_strmap_free(&im.shost_by_name);
	idreg_strmap_free(&im.fdom_by_name);
	idreg_strmap_free(&im.kept_handles);
	idreg_buf_free(&im.text);
	idreg_buf_free(&im.text2);
	idreg_arena_free(&im.arena);
	return err;
}
