/*
 * Snapshot loading, refreshing after commits (layers of recent changes laid
 * over a base), the lookups through them, and reference counting.
 */
#include "query/snapshot.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"

/* More objects changed than this since the base: a refresh refuses, a reload is due. */
#define RECENT_MAX (4u << 20)

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
	idreg_domindex_init(&snap->recent);
	idreg_eir_register_init(&snap->eir);
	/* One read transaction: the indexes agree with each other and with the
	 * change set read first, whatever commits meanwhile (the next refresh
	 * shows that). */
	idreg_err err = store->ops->begin_read(store, diag);
	if (err == IDREG_OK) {
		err = store->ops->change_set_last(store, &snap->change_set, diag);
	}
	if (err == IDREG_OK) {
		err = idreg_numindex_load(&snap->numbers, store, diag);
	}
	if (err == IDREG_OK) {
		err = idreg_domindex_load(&snap->names, store, diag);
	}
	if (err == IDREG_OK && eir_check) {
		err = idreg_eir_register_load(&snap->eir, store, diag);
	}
	store->ops->rollback(store);
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

/* ---- refreshing ---- */

struct id_list {
	int64_t *ids;
	size_t n, cap;
};

static idreg_err id_add(struct id_list *l, int64_t id)
{
	if (l->n >= RECENT_MAX) {
		return IDREG_ETOOBIG;
	}
	if (idreg_array_reserve(&l->ids, &l->cap, l->n, sizeof(*l->ids), 64) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	l->ids[l->n++] = id;
	return IDREG_OK;
}

static int id_order(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

static void id_sort_unique(struct id_list *l)
{
	if (l->n == 0) {
		return;
	}
	qsort(l->ids, l->n, sizeof(*l->ids), id_order);
	size_t kept = 0;
	for (size_t i = 0; i < l->n; i++) {
		if (kept == 0 || l->ids[kept - 1] != l->ids[i]) {
			l->ids[kept++] = l->ids[i];
		}
	}
	l->n = kept;
}

/* What the recent changes are made of: the ids to read, by kind. */
struct changed {
	struct id_list domains, hosts, entities;
};

static idreg_err note_change(void *ctx, const struct idreg_history_entry *e)
{
	struct changed *c = ctx;
	struct id_list *l = strcmp(e->object_type, "domain") == 0   ? &c->domains
			    : strcmp(e->object_type, "host") == 0   ? &c->hosts
			    : strcmp(e->object_type, "entity") == 0 ? &c->entities
								    : NULL;
	idreg_err err = IDREG_OK;
	for (int64_t id = e->first_id; l != NULL && err == IDREG_OK && id <= e->last_id; id++) {
		err = id_add(l, id);
	}
	return err;
}

static idreg_err note_domain(void *ctx, int64_t id)
{
	return id_add(ctx, id);
}

/* The hosts and entities a changed domain names come along: it is shown with them. */
static idreg_err note_links(void *ctx, const struct idreg_stored_domain *row)
{
	struct changed *c = ctx;
	idreg_err err = IDREG_OK;
	for (size_t i = 0; err == IDREG_OK && i < row->domain.n_ns; i++) {
		err = id_add(&c->hosts, row->host_ids[i]);
	}
	for (size_t i = 0; err == IDREG_OK && i < row->domain.n_contacts; i++) {
		err = id_add(&c->entities, row->entity_ids[i]);
	}
	return err;
}

/*
 * Every object the recent changes decide for: those the history names since
 * @after, the domains that name a changed host or entity (they show it), and
 * the hosts and entities those domains name.
 */
static idreg_err collect_changed(struct idreg_store *store, int64_t after, struct changed *c,
				 struct idreg_diag *diag)
{
	const struct idreg_store_ops *ops = store->ops;
	idreg_err err = ops->changes_since(store, after, note_change, c, diag);
	if (err != IDREG_OK) {
		return err;
	}
	id_sort_unique(&c->hosts);
	id_sort_unique(&c->entities);
	for (size_t i = 0; err == IDREG_OK && i < c->hosts.n; i++) {
		err = ops->domains_linking(store, "host", c->hosts.ids[i], note_domain, &c->domains, diag);
	}
	for (size_t i = 0; err == IDREG_OK && i < c->entities.n; i++) {
		err = ops->domains_linking(store, "entity", c->entities.ids[i], note_domain,
					   &c->domains, diag);
	}
	if (err != IDREG_OK) {
		return err;
	}
	id_sort_unique(&c->domains);
	for (size_t i = 0; err == IDREG_OK && i < c->domains.n; i++) {
		err = ops->domain_range(store, c->domains.ids[i], c->domains.ids[i], note_links, c, diag);
	}
	id_sort_unique(&c->hosts);
	id_sort_unique(&c->entities);
	return err;
}

static struct idreg_snapshot_shadow shadow_of(struct id_list *l)
{
	struct idreg_snapshot_shadow s = { l->ids, l->n };
	l->ids = NULL;
	return s;
}

enum kind { KIND_DOMAIN, KIND_HOST, KIND_ENTITY };

static const struct idreg_snapshot_shadow *shadow(const struct idreg_snapshot *layer,
						  enum kind kind)
{
	return kind == KIND_DOMAIN ? &layer->shadow_domains
	       : kind == KIND_HOST ? &layer->shadow_hosts
				   : &layer->shadow_entities;
}

/* Does a layer from @snap down to @until (excluded; NULL: every layer) decide for object @id? */
static bool shadowed(const struct idreg_snapshot *snap, const struct idreg_snapshot *until,
		     enum kind kind, int64_t id)
{
	for (const struct idreg_snapshot *l = snap; l != until && l != NULL && l->base != NULL;
	     l = l->below) {
		const struct idreg_snapshot_shadow *s = shadow(l, kind);
		if (s->n > 0 && bsearch(&id, s->ids, s->n, sizeof(*s->ids), id_order) != NULL) {
			return true;
		}
	}
	return false;
}

idreg_err idreg_snapshot_refresh(struct idreg_snapshot *current, struct idreg_store *store,
				 struct idreg_snapshot **out, struct idreg_diag *diag)
{
	struct idreg_snapshot *base = current->base != NULL ? current->base : current;
	/* Stack a layer on @current, or fold every layer into one over the base. */
	struct idreg_snapshot *below =
		current->base != NULL && current->depth < IDREG_SNAPSHOT_LAYERS_MAX ? current : NULL;
	struct idreg_snapshot *snap = calloc(1, sizeof(*snap));
	if (snap == NULL) {
		return idreg_diag_set(diag, IDREG_ENOMEM, "out of memory refreshing a snapshot");
	}
	struct changed c;
	memset(&c, 0, sizeof(c));
	idreg_domindex_init(&snap->recent);
	idreg_err err = store->ops->begin_read(store, diag); /* the rows agree with the history */
	if (err == IDREG_OK) {
		err = store->ops->change_set_last(store, &snap->change_set, diag);
	}
	if (err == IDREG_OK) {
		err = collect_changed(store, below != NULL ? below->change_set : base->change_set, &c,
				      diag);
	}
	if (err == IDREG_OK) {
		struct idreg_domindex_subset subset = { c.domains.ids, c.hosts.ids, c.entities.ids,
							c.domains.n, c.hosts.n, c.entities.n };
		err = idreg_domindex_load_some(&snap->recent, store, &subset, diag);
	}
	store->ops->rollback(store);
	if (err != IDREG_OK) {
		free(c.domains.ids);
		free(c.hosts.ids);
		free(c.entities.ids);
		free(snap);
		if (err == IDREG_ETOOBIG) {
			return idreg_diag_set(diag, err, "more than %u objects changed since the snapshot "
						     "was loaded: reload it", RECENT_MAX);
		}
		return err == IDREG_ENOMEM
			       ? idreg_diag_set(diag, err, "out of memory refreshing a snapshot")
			       : err;
	}
	atomic_init(&snap->refs, 1);
	idreg_snapshot_ref(base);
	snap->base = base;
	if (below != NULL) {
		idreg_snapshot_ref(below);
	}
	snap->below = below;
	snap->depth = below != NULL ? below->depth + 1 : 1;
	snap->numbers = base->numbers;
	snap->names = base->names;
	snap->eir = base->eir;
	snap->shadow_domains = shadow_of(&c.domains);
	snap->shadow_hosts = shadow_of(&c.hosts);
	snap->shadow_entities = shadow_of(&c.entities);
	snap->recent_total = below != NULL ? below->recent_total : 0;
	for (enum kind k = KIND_DOMAIN; k <= KIND_ENTITY; k++) {
		const struct idreg_snapshot_shadow *sh = shadow(snap, k);
		for (size_t i = 0; i < sh->n; i++) {
			snap->recent_total += !shadowed(below, NULL, k, sh->ids[i]);
		}
	}
	idreg_store_now(snap->loaded_at, sizeof(snap->loaded_at));
	*out = snap;
	return IDREG_OK;
}

size_t idreg_snapshot_recent_objects(const struct idreg_snapshot *snap)
{
	return snap->recent_total;
}

/* ---- lookups ---- */

static uint32_t find_in(const struct idreg_domindex *ix, enum kind kind, const char *key,
			size_t len)
{
	return kind == KIND_DOMAIN ? idreg_domindex_find_domain(ix, key, len)
	       : kind == KIND_HOST ? idreg_domindex_find_host(ix, key, len)
				   : idreg_domindex_find_entity(ix, key, len);
}

static int64_t store_id_of(const struct idreg_domindex *ix, enum kind kind, uint32_t id)
{
	if (kind == KIND_DOMAIN) {
		struct idreg_domindex_domain d;
		idreg_domindex_domain(ix, id, &d);
		return d.store_id;
	}
	if (kind == KIND_HOST) {
		struct idreg_domindex_host h;
		idreg_domindex_host(ix, id, &h);
		return h.store_id;
	}
	struct idreg_domindex_entity e;
	idreg_domindex_entity(ix, id, &e);
	return e.store_id;
}

/*
 * The newest layer that has the object wins, unless a newer one decides for
 * it without having it under this key (renamed or deleted); the base
 * answers what no layer decides for.
 */
static uint32_t find(const struct idreg_snapshot *snap, enum kind kind, const char *key,
		     size_t len, const struct idreg_domindex **ix)
{
	for (const struct idreg_snapshot *l = snap; l != NULL && l->base != NULL; l = l->below) {
		uint32_t id = find_in(&l->recent, kind, key, len);
		if (id != IDREG_DOMINDEX_NONE) {
			*ix = &l->recent;
			return shadowed(snap, l, kind, store_id_of(&l->recent, kind, id))
				       ? IDREG_DOMINDEX_NONE
				       : id;
		}
	}
	*ix = &snap->names;
	uint32_t id = find_in(&snap->names, kind, key, len);
	if (id != IDREG_DOMINDEX_NONE && shadowed(snap, NULL, kind, store_id_of(&snap->names, kind, id))) {
		return IDREG_DOMINDEX_NONE;
	}
	return id;
}

uint32_t idreg_snapshot_find_domain(const struct idreg_snapshot *snap, const char *ldh, size_t len,
				    const struct idreg_domindex **ix)
{
	return find(snap, KIND_DOMAIN, ldh, len, ix);
}

uint32_t idreg_snapshot_find_host(const struct idreg_snapshot *snap, const char *ldh, size_t len,
				  const struct idreg_domindex **ix)
{
	return find(snap, KIND_HOST, ldh, len, ix);
}

uint32_t idreg_snapshot_find_entity(const struct idreg_snapshot *snap, const char *handle,
				    size_t len, const struct idreg_domindex **ix)
{
	return find(snap, KIND_ENTITY, handle, len, ix);
}

/* ---- references ---- */

void idreg_snapshot_ref(struct idreg_snapshot *snap)
{
	atomic_fetch_add_explicit(&snap->refs, 1, memory_order_relaxed);
}

void idreg_snapshot_unref(struct idreg_snapshot *snap)
{
	if (snap == NULL || atomic_fetch_sub_explicit(&snap->refs, 1, memory_order_acq_rel) != 1) {
		return;
	}
	idreg_domindex_free(&snap->recent);
	free(snap->shadow_domains.ids);
	free(snap->shadow_hosts.ids);
	free(snap->shadow_entities.ids);
	if (snap->base != NULL) {
		idreg_snapshot_unref(snap->below);
		idreg_snapshot_unref(snap->base); /* the indexes are the base's */
	} else {
		idreg_numindex_free(&snap->numbers);
		idreg_domindex_free(&snap->names);
		idreg_eir_register_free(&snap->eir);
	}
	free(snap);
}
