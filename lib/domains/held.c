/*
 * The store's domains as the IDN policy's holdings (held.h): each lookup is
 * one indexed query of the store by key.
 */
#include "domains/held.h"

struct lookup {
	idreg_idn_held_fn fn;
	void *ctx;
};

static idreg_err report(void *ctx, const struct idreg_keyed_domain *row)
{
	const struct lookup *l = ctx;
	struct idreg_idn_held held = { .unicode_name = row->unicode_name,
				       .registrant = row->registrant,
				       .index_key = row->index_key };
	return l->fn(l->ctx, &held);
}

static idreg_err find(void *source, enum idreg_domain_key which, const char *key,
		      idreg_idn_held_fn fn, void *ctx, struct idreg_diag *diag)
{
	struct idreg_store *store = source;
	struct lookup l = { fn, ctx };
	return store->ops->domain_find_key(store, which, key, report, &l, diag);
}

static idreg_err by_index_key(void *source, const char *key, idreg_idn_held_fn fn, void *ctx,
			      struct idreg_diag *diag)
{
	return find(source, IDREG_DOMAIN_INDEX_KEY, key, fn, ctx, diag);
}

static idreg_err by_skeleton_key(void *source, const char *key, idreg_idn_held_fn fn, void *ctx,
				 struct idreg_diag *diag)
{
	return find(source, IDREG_DOMAIN_SKELETON_KEY, key, fn, ctx, diag);
}

void idreg_held_domains(struct idreg_store *store, struct idreg_idn_holdings *out)
{
	*out = (struct idreg_idn_holdings){ .source = store,
					    .by_index_key = by_index_key,
					    .by_skeleton_key = by_skeleton_key };
}
