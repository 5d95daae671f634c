/*
 * The in-memory domain index (see domindex.h): loading from the store into
 * compact arrays over one string pool, sorting, the search orders, and the
 * lookups and searches, each a binary search for the start and the end of
 * a run of matches.
 */
#include "domains/domindex.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/strmap.h"

/* ldh and unicode come first in both: the name searches read them alike. */
struct dx_domain {
	uint32_t ldh, unicode;   /* pool offsets; unicode == ldh when all ASCII */
	uint32_t handle;         /* 0 when none */
	uint32_t status;
	uint32_t ns_first, contact_first, ds_first;
	uint32_t changed;        /* index in times */
	uint32_t sponsor, sponsor_name, creator, updater; /* pool offsets, 0 when none */
	uint32_t grace;          /* "PERIOD END,...", 0 when none */
	uint32_t variants, idn_table; /* "STATE LDH UNICODE,..."; the table's tag; 0 when none */
	uint8_t n_ns, n_contacts, n_ds;
	int64_t id;              /* in the store */
	int64_t registered, expires, last_changed;
	int64_t transferred;
};

struct dx_host {
	uint32_t ldh, unicode;
	int64_t id;
	uint32_t handle;
	uint32_t addr_first;
	uint32_t changed;
	uint8_t n_addrs;
};

struct dx_entity {
	int64_t id;
	uint32_t handle;
	uint32_t fields[IDREG_ENTITY_FIELD_COUNT]; /* 0 when absent */
	uint32_t changed;
	uint16_t personal;
	uint8_t kind;
};

struct dx_addr4 {
	uint32_t addr, host;
};

struct dx_addr6 {
	idreg_u128 addr;
	uint32_t host;
};

/* ---- strings ---- */

static const char *str(const struct idreg_domindex *ix, uint32_t off)
{
	return ix->pool + off;
}

static int fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int casecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = fold((unsigned char)*a), y = fold((unsigned char)*b);
		if (x != y || x == 0) {
			return x - y;
		}
	}
}

/* -1, 0 or 1: does @s start with @p (ASCII case ignored), or sort before or after those that do? */
static int caseprefix_cmp(const char *s, const char *p, size_t plen)
{
	for (size_t i = 0; i < plen; i++) {
		int x = fold((unsigned char)s[i]), y = fold((unsigned char)p[i]);
		if (x != y) {
			return x < y ? -1 : 1; /* s's NUL sorts first */
		}
	}
	return 0;
}

static int prefix_cmp(const char *s, size_t slen, const char *p, size_t plen)
{
	size_t n = slen < plen ? slen : plen;
	int c = memcmp(s, p, n);
	if (c != 0) {
		return c < 0 ? -1 : 1;
	}
	return slen < plen ? -1 : 0;
}

static size_t label_len(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot ? (size_t)(dot - name) : strlen(name);
}

static const char *parent_of(const char *name)
{
	const char *dot = strchr(name, '.');
	return dot ? dot + 1 : "";
}

static int label_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = memcmp(a, b, n);
	return c != 0 ? c : al < bl ? -1 : al > bl;
}

static idreg_err pool_add(struct idreg_domindex *ix, const char *s, uint32_t *off)
{
	if (s == NULL || s[0] == '\0') {
		*off = 0;
		return IDREG_OK;
	}
	size_t len = strlen(s) + 1;
	if (ix->pool_len + len > UINT32_MAX) {
		return IDREG_ETOOBIG;
	}
	if (ix->pool_len + len > ix->pool_cap) {
		size_t cap = ix->pool_cap ? ix->pool_cap : 1 << 20;
		while (cap < ix->pool_len + len) {
			cap *= 2;
		}
		char *grown = realloc(ix->pool, cap);
		if (grown == NULL) {
			return IDREG_ENOMEM;
		}
		ix->pool = grown;
		ix->pool_cap = cap;
	}
	memcpy(ix->pool + ix->pool_len, s, len);
	*off = (uint32_t)ix->pool_len;
	ix->pool_len += len;
	return IDREG_OK;
}

/* ---- setting up ---- */

void idreg_domindex_init(struct idreg_domindex *ix)
{
	memset(ix, 0, sizeof(*ix));
}

void idreg_domindex_free(struct idreg_domindex *ix)
{
	free(ix->pool);
	free(ix->domains);
	free(ix->hosts);
	free(ix->entities);
	free(ix->ds);
	free(ix->ns_links);
	free(ix->contacts);
	free(ix->addrs);
	free(ix->times);
	free(ix->dom_by_parent);
	free(ix->dom_idn_by_name);
	free(ix->dom_idn_by_parent);
	free(ix->host_by_parent);
	free(ix->host_idn_by_name);
	free(ix->host_idn_by_parent);
	free(ix->host_domains_first);
	free(ix->host_domains);
	free(ix->by_ipv4);
	free(ix->by_ipv6);
	free(ix->entity_by_fn);
	memset(ix, 0, sizeof(*ix));
}

size_t idreg_domindex_memory(const struct idreg_domindex *ix)
{
	size_t nd = ix->n_domains, nh = ix->n_hosts;
	return ix->pool_cap + nd * sizeof(struct dx_domain) + nh * sizeof(struct dx_host) +
	       ix->n_entities * sizeof(struct dx_entity) + ix->n_ds * sizeof(struct idreg_ds) +
	       ix->n_ns_links * sizeof(uint32_t) * 2 + ix->n_contacts * sizeof(*ix->contacts) +
	       ix->n_addrs * sizeof(struct idreg_ip) + ix->n_times * sizeof(int64_t) +
	       (nd + ix->n_dom_idn + ix->n_dom_idn_label) * sizeof(uint32_t) +
	       (nh + ix->n_host_idn + ix->n_host_idn_label + nh + 1) * sizeof(uint32_t) +
	       ix->n_ipv4 * sizeof(struct dx_addr4) + ix->n_ipv6 * sizeof(struct dx_addr6) +
	       ix->n_entities * sizeof(uint32_t);
}

/* What loading needs on the side. */
struct loader {
	struct idreg_domindex *ix;
	struct idreg_diag *diag;
	size_t domains_cap, hosts_cap, entities_cap, ds_cap, ns_cap, contacts_cap, addrs_cap,
		times_cap;
	int64_t *host_ids, *entity_ids;  /* store ids, in load order (ascending) */
	uint32_t *host_at, *entity_at;   /* load position -> index after sorting */
	uint32_t *host_by_id, *entity_by_id; /* store id -> index after sorting, when ids are dense */
	int64_t host_max_id, entity_max_id;
	uint32_t *ds_digest;             /* pool offsets of the digests, until the pool is final */
	struct idreg_strmap times;       /* change time text -> index in times */
	struct idreg_strmap registrars;  /* registrar ids and names -> pool offset, each kept once */
};

static idreg_err intern_time(struct loader *ld, const char *text, uint32_t *out)
{
	int64_t v;
	if (idreg_strmap_get(&ld->times, text, &v) == IDREG_OK) {
		*out = (uint32_t)v;
		return IDREG_OK;
	}
	struct idreg_domindex *ix = ld->ix;
	int64_t t;
	if (!idreg_time_parse(text, strlen(text), &t)) {
		t = IDREG_TIME_NONE;
	}
	if (idreg_array_reserve(&ix->times, &ld->times_cap, ix->n_times, sizeof(*ix->times), 16) !=
	    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	ix->times[ix->n_times] = t;
	*out = ix->n_times++;
	return idreg_strmap_put(&ld->times, text, *out);
}

static idreg_err load_entity(void *ctx, const struct idreg_stored_entity *row)
{
	struct loader *ld = ctx;
	struct idreg_domindex *ix = ld->ix;
	size_t cap = ld->entities_cap;
	if (idreg_array_reserve(&ix->entities, &ld->entities_cap, ix->n_entities,
				sizeof(*ix->entities), 1024) != IDREG_OK ||
	    idreg_array_reserve(&ld->entity_ids, &cap, ix->n_entities, sizeof(*ld->entity_ids), 1024) !=
		    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	if (ix->n_entities == UINT32_MAX - 1) {
		return IDREG_ETOOBIG;
	}
	struct dx_entity *e = &ix->entities[ix->n_entities];
	memset(e, 0, sizeof(*e));
	idreg_err err = pool_add(ix, row->entity.handle, &e->handle);
	for (unsigned f = 0; err == IDREG_OK && f < IDREG_ENTITY_FIELD_COUNT; f++) {
		err = pool_add(ix, row->entity.fields[f], &e->fields[f]);
	}
	if (err == IDREG_OK) {
		err = intern_time(ld, row->changed_at, &e->changed);
	}
	e->id = row->id;
	e->kind = (uint8_t)row->entity.kind;
	e->personal = (uint16_t)row->entity.personal;
	ld->entity_ids[ix->n_entities++] = row->id;
	return err;
}

static idreg_err load_host(void *ctx, const struct idreg_stored_host *row)
{
	struct loader *ld = ctx;
	struct idreg_domindex *ix = ld->ix;
	size_t cap = ld->hosts_cap;
	if (idreg_array_reserve(&ix->hosts, &ld->hosts_cap, ix->n_hosts, sizeof(*ix->hosts), 1024) !=
		    IDREG_OK ||
	    idreg_array_reserve(&ld->host_ids, &cap, ix->n_hosts, sizeof(*ld->host_ids), 1024) !=
		    IDREG_OK) {
		return IDREG_ENOMEM;
	}
	if (row->host.n_addrs > UINT8_MAX || ix->n_hosts == UINT32_MAX - 1 ||
	    ix->n_addrs > UINT32_MAX - row->host.n_addrs) {
		return IDREG_ETOOBIG;
	}
	struct dx_host *h = &ix->hosts[ix->n_hosts];
	memset(h, 0, sizeof(*h));
	idreg_err err = pool_add(ix, row->host.ldh_name, &h->ldh);
	h->unicode = h->ldh;
	if (err == IDREG_OK && strcmp(row->host.unicode_name, row->host.ldh_name) != 0) {
		err = pool_add(ix, row->host.unicode_name, &h->unicode);
	}
	if (err == IDREG_OK) {
		err = pool_add(ix, row->host.handle, &h->handle);
	}
	if (err == IDREG_OK) {
		err = intern_time(ld, row->changed_at, &h->changed);
	}
	h->id = row->id;
	h->addr_first = ix->n_addrs;
	h->n_addrs = (uint8_t)row->host.n_addrs;
	for (size_t a = 0; err == IDREG_OK && a < row->host.n_addrs; a++) {
		if (idreg_array_reserve(&ix->addrs, &ld->addrs_cap, ix->n_addrs, sizeof(*ix->addrs),
					1024) != IDREG_OK) {
			return IDREG_ENOMEM;
		}
		ix->addrs[ix->n_addrs++] = row->host.addrs[a];
	}
	if (err == IDREG_OK && row->host.n_addrs > 1) {
		qsort(ix->addrs + h->addr_first, h->n_addrs, sizeof(*ix->addrs), idreg_ip_order);
	}
	ld->host_ids[ix->n_hosts++] = row->id;
	return err;
}

/* Index after sorting of the row with store id @id; NONE when there is none. */
static uint32_t id_lookup(const int64_t *ids, const uint32_t *at, uint32_t n, int64_t id,
			  const uint32_t *by_id, int64_t max_id)
{
	if (by_id != NULL) {
		return id >= 1 && id <= max_id ? by_id[id] : IDREG_DOMINDEX_NONE;
	}
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (ids[mid] < id) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < n && ids[lo] == id ? at[lo] : IDREG_DOMINDEX_NONE;
}

/* A string many domains share (a registrar's id or name), in the pool once. */
static idreg_err pool_add_shared(struct loader *ld, const char *s, uint32_t *off)
{
	int64_t v;
	if (s == NULL || s[0] == '\0') {
		*off = 0;
		return IDREG_OK;
	}
	if (idreg_strmap_get(&ld->registrars, s, &v) == IDREG_OK) {
		*off = (uint32_t)v;
		return IDREG_OK;
	}
	idreg_err err = pool_add(ld->ix, s, off);
	return err == IDREG_OK ? idreg_strmap_put(&ld->registrars, s, *off) : err;
}

static idreg_err load_domain(void *ctx, const struct idreg_stored_domain *row)
{
	struct loader *ld = ctx;
	struct idreg_domindex *ix = ld->ix;
	const struct idreg_domain *d = &row->domain;
	if (idreg_array_reserve(&ix->domains, &ld->domains_cap, ix->n_domains, sizeof(*ix->domains),
				4096) != IDREG_OK) {
		return IDREG_ENOMEM;
	}
	if (d->n_ns > UINT8_MAX || d->n_contacts > UINT8_MAX || d->n_ds > UINT8_MAX ||
	    ix->n_domains == UINT32_MAX - 1 || ix->n_ns_links > UINT32_MAX - d->n_ns ||
	    ix->n_contacts > UINT32_MAX - d->n_contacts || ix->n_ds > UINT32_MAX - d->n_ds) {
		return IDREG_ETOOBIG;
	}
	struct dx_domain *x = &ix->domains[ix->n_domains];
	memset(x, 0, sizeof(*x));
	idreg_err err = pool_add(ix, d->ldh_name, &x->ldh);
	x->unicode = x->ldh;
	if (err == IDREG_OK && strcmp(d->unicode_name, d->ldh_name) != 0) {
		err = pool_add(ix, d->unicode_name, &x->unicode);
	}
	if (err == IDREG_OK) {
		err = pool_add(ix, d->handle, &x->handle);
	}
	if (err == IDREG_OK) {
		err = intern_time(ld, row->changed_at, &x->changed);
	}
	if (err == IDREG_OK) {
		err = pool_add_shared(ld, row->sponsor, &x->sponsor);
	}
	if (err == IDREG_OK) {
		err = pool_add_shared(ld, row->sponsor_name, &x->sponsor_name);
	}
	if (err == IDREG_OK) {
		err = pool_add_shared(ld, row->creator, &x->creator);
	}
	if (err == IDREG_OK) {
		err = pool_add_shared(ld, row->updater, &x->updater);
	}
	if (err == IDREG_OK) {
		err = pool_add(ix, row->grace, &x->grace);
	}
	if (err == IDREG_OK) {
		err = pool_add(ix, row->variants, &x->variants);
	}
	if (err == IDREG_OK) {
		err = pool_add_shared(ld, row->idn_table, &x->idn_table);
	}
	if (err != IDREG_OK) {
		return err;
	}
	x->transferred = row->transferred;
	x->id = row->id;
	x->status = d->status;
	x->registered = d->registered;
	x->expires = d->expires;
	x->last_changed = d->last_changed;
	x->ns_first = ix->n_ns_links;
	x->n_ns = (uint8_t)d->n_ns;
	for (size_t i = 0; i < d->n_ns; i++) {
		uint32_t h = id_lookup(ld->host_ids, ld->host_at, ix->n_hosts, row->host_ids[i],
				       ld->host_by_id, ld->host_max_id);
		if (h == IDREG_DOMINDEX_NONE) {
			return idreg_diag_set(ld->diag, IDREG_ESTORE,
					      "domain %s refers to host %lld, which is missing",
					      d->ldh_name, (long long)row->host_ids[i]);
		}
		if (idreg_array_reserve(&ix->ns_links, &ld->ns_cap, ix->n_ns_links,
					sizeof(*ix->ns_links), 4096) != IDREG_OK) {
			return IDREG_ENOMEM;
		}
		ix->ns_links[ix->n_ns_links++] = h;
	}
	x->contact_first = ix->n_contacts;
	x->n_contacts = (uint8_t)d->n_contacts;
	for (size_t i = 0; i < d->n_contacts; i++) {
		uint32_t e = id_lookup(ld->entity_ids, ld->entity_at, ix->n_entities, row->entity_ids[i],
				       ld->entity_by_id, ld->entity_max_id);
		if (e == IDREG_DOMINDEX_NONE) {
			return idreg_diag_set(ld->diag, IDREG_ESTORE,
					      "domain %s refers to entity %lld, which is missing",
					      d->ldh_name, (long long)row->entity_ids[i]);
		}
		if (idreg_array_reserve(&ix->contacts, &ld->contacts_cap, ix->n_contacts,
					sizeof(*ix->contacts), 4096) != IDREG_OK) {
			return IDREG_ENOMEM;
		}
		ix->contacts[ix->n_contacts++] = (struct idreg_domindex_contact){ e, d->contacts[i].roles };
	}
	x->ds_first = ix->n_ds;
	x->n_ds = (uint8_t)d->n_ds;
	for (size_t i = 0; i < d->n_ds; i++) {
		size_t cap = ld->ds_cap;
		if (idreg_array_reserve(&ix->ds, &ld->ds_cap, ix->n_ds, sizeof(*ix->ds), 1024) !=
			    IDREG_OK ||
		    idreg_array_reserve(&ld->ds_digest, &cap, ix->n_ds, sizeof(*ld->ds_digest), 1024) !=
			    IDREG_OK) {
			return IDREG_ENOMEM;
		}
		ix->ds[ix->n_ds] = d->ds[i];
		ix->ds[ix->n_ds].digest = NULL;
		err = pool_add(ix, d->ds[i].digest, &ld->ds_digest[ix->n_ds]);
		if (err != IDREG_OK) {
			return err;
		}
		ix->n_ds++;
	}
	ix->n_domains++;
	return IDREG_OK;
}

/* ---- sorting ---- */

static int entity_order(const void *pa, const void *pb, void *ctx)
{
	const struct idreg_domindex *ix = ctx;
	const struct dx_entity *a = &ix->entities[*(const uint32_t *)pa];
	const struct dx_entity *b = &ix->entities[*(const uint32_t *)pb];
	int c = casecmp(str(ix, a->handle), str(ix, b->handle));
	return c != 0 ? c : strcmp(str(ix, a->handle), str(ix, b->handle));
}

static int fn_order(const void *pa, const void *pb, void *ctx)
{
	const struct idreg_domindex *ix = ctx;
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	int c = casecmp(str(ix, ix->entities[a].fields[IDREG_EF_FN]),
			str(ix, ix->entities[b].fields[IDREG_EF_FN]));
	return c != 0 ? c : (a > b) - (a < b);
}

/* Names of domains or hosts: an array whose elements start with (ldh, unicode). */
struct name_set {
	const struct idreg_domindex *ix;
	const char *items;
	size_t stride;
	uint32_t n;
	const uint32_t *by_parent, *idn_by_name, *idn_by_parent;
	uint32_t n_idn, n_idn_label;
};

static const char *ldh_of(const struct name_set *set, uint32_t id)
{
	const uint32_t *f = (const uint32_t *)(const void *)(set->items + (size_t)id * set->stride);
	return str(set->ix, f[0]);
}

static const char *unicode_of(const struct name_set *set, uint32_t id)
{
	const uint32_t *f = (const uint32_t *)(const void *)(set->items + (size_t)id * set->stride);
	return str(set->ix, f[1]);
}

static int name_order(const void *pa, const void *pb, void *ctx)
{
	const struct name_set *set = ctx;
	return strcmp(ldh_of(set, *(const uint32_t *)pa), ldh_of(set, *(const uint32_t *)pb));
}

static int unicode_order(const void *pa, const void *pb, void *ctx)
{
	const struct name_set *set = ctx;
	return strcmp(unicode_of(set, *(const uint32_t *)pa), unicode_of(set, *(const uint32_t *)pb));
}

/* (parent in A-label form, first label in A-label or (@unicode) U-label form) */
static int parent_label_cmp(const struct name_set *set, uint32_t a, uint32_t b, bool unicode)
{
	const char *la = ldh_of(set, a), *lb = ldh_of(set, b);
	int c = strcmp(parent_of(la), parent_of(lb));
	if (c != 0) {
		return c;
	}
	if (unicode) {
		la = unicode_of(set, a);
		lb = unicode_of(set, b);
	}
	return label_cmp(la, label_len(la), lb, label_len(lb));
}

static int parent_order(const void *pa, const void *pb, void *ctx)
{
	return parent_label_cmp(ctx, *(const uint32_t *)pa, *(const uint32_t *)pb, false);
}

static int parent_unicode_order(const void *pa, const void *pb, void *ctx)
{
	return parent_label_cmp(ctx, *(const uint32_t *)pa, *(const uint32_t *)pb, true);
}

static struct name_set domain_set(const struct idreg_domindex *ix)
{
	return (struct name_set){ ix, (const char *)ix->domains, sizeof(struct dx_domain), ix->n_domains,
				  ix->dom_by_parent, ix->dom_idn_by_name, ix->dom_idn_by_parent,
				  ix->n_dom_idn, ix->n_dom_idn_label };
}

static struct name_set host_set(const struct idreg_domindex *ix)
{
	return (struct name_set){ ix, (const char *)ix->hosts, sizeof(struct dx_host), ix->n_hosts,
				  ix->host_by_parent, ix->host_idn_by_name, ix->host_idn_by_parent,
				  ix->n_host_idn, ix->n_host_idn_label };
}

/* An order of 0..n-1 by @cmp; at[] is the inverse when asked for. */
static uint32_t *sorted_order(uint32_t n, int (*cmp)(const void *, const void *, void *), void *ctx)
{
	uint32_t *order = malloc((n ? n : 1) * sizeof(*order));
	if (order != NULL) {
		for (uint32_t i = 0; i < n; i++) {
			order[i] = i;
		}
		qsort_r(order, n, sizeof(*order), cmp, ctx);
	}
	return order;
}

/* Put @items (n of @size bytes) in @order; at[old] = new. */
static idreg_err permute(void *items, size_t size, uint32_t n, const uint32_t *order, uint32_t *at)
{
	char *copy = malloc((n ? n : 1) * size);
	if (copy == NULL) {
		return IDREG_ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++) {
		memcpy(copy + (size_t)i * size, (char *)items + (size_t)order[i] * size, size);
		if (at != NULL) {
			at[order[i]] = i;
		}
	}
	if (n > 0) {
		memcpy(items, copy, (size_t)n * size);
	}
	free(copy);
	return IDREG_OK;
}

/* The search orders of a name set (domains or hosts). */
static idreg_err build_name_orders(struct name_set *set, uint32_t **by_parent, uint32_t **idn_by_name,
				   uint32_t *n_idn, uint32_t **idn_by_parent, uint32_t *n_idn_label)
{
	*by_parent = sorted_order(set->n, parent_order, set);
	*idn_by_name = malloc((set->n ? set->n : 1) * sizeof(uint32_t));
	*idn_by_parent = malloc((set->n ? set->n : 1) * sizeof(uint32_t));
	if (*by_parent == NULL || *idn_by_name == NULL || *idn_by_parent == NULL) {
		return IDREG_ENOMEM;
	}
	*n_idn = *n_idn_label = 0;
	for (uint32_t i = 0; i < set->n; i++) {
		const char *ldh = ldh_of(set, i), *uni = unicode_of(set, i);
		if (ldh == uni) {
			continue;
		}
		(*idn_by_name)[(*n_idn)++] = i;
		if (strncmp(ldh, "xn--", 4) == 0) {
			(*idn_by_parent)[(*n_idn_label)++] = i;
		}
	}
	qsort_r(*idn_by_name, *n_idn, sizeof(uint32_t), unicode_order, set);
	qsort_r(*idn_by_parent, *n_idn_label, sizeof(uint32_t), parent_unicode_order, set);
	return IDREG_OK;
}

static int addr4_order(const void *pa, const void *pb)
{
	const struct dx_addr4 *a = pa, *b = pb;
	return a->addr != b->addr ? (a->addr < b->addr ? -1 : 1) : (a->host > b->host) - (a->host < b->host);
}

static int addr6_order(const void *pa, const void *pb)
{
	const struct dx_addr6 *a = pa, *b = pb;
	return a->addr != b->addr ? (a->addr < b->addr ? -1 : 1) : (a->host > b->host) - (a->host < b->host);
}

static idreg_err build(struct idreg_domindex *ix, struct loader *ld)
{
	/* Every string is in: give back the pool's unused room before pointing into it. */
	char *shrunk = realloc(ix->pool, ix->pool_len);
	if (shrunk != NULL) {
		ix->pool = shrunk;
		ix->pool_cap = ix->pool_len;
	}
	/* Domains by name: links already point at sorted hosts and entities. */
	struct name_set set = domain_set(ix);
	uint32_t *order = sorted_order(ix->n_domains, name_order, &set);
	if (order == NULL) {
		return IDREG_ENOMEM;
	}
	idreg_err err = permute(ix->domains, sizeof(*ix->domains), ix->n_domains, order, NULL);
	free(order);
	for (uint32_t i = 0; err == IDREG_OK && i < ix->n_ds; i++) {
		ix->ds[i].digest = str(ix, ld->ds_digest[i]);
	}
	if (err == IDREG_OK) {
		set = domain_set(ix);
		err = build_name_orders(&set, &ix->dom_by_parent, &ix->dom_idn_by_name, &ix->n_dom_idn,
					&ix->dom_idn_by_parent, &ix->n_dom_idn_label);
	}
	if (err == IDREG_OK) {
		set = host_set(ix);
		err = build_name_orders(&set, &ix->host_by_parent, &ix->host_idn_by_name, &ix->n_host_idn,
					&ix->host_idn_by_parent, &ix->n_host_idn_label);
	}
	if (err != IDREG_OK) {
		return err;
	}
	/* The domains of each host, ascending. */
	ix->host_domains_first = calloc((size_t)ix->n_hosts + 1, sizeof(uint32_t));
	ix->host_domains = malloc((ix->n_ns_links ? ix->n_ns_links : 1) * sizeof(uint32_t));
	uint32_t *fill = calloc((size_t)ix->n_hosts + 1, sizeof(uint32_t));
	if (ix->host_domains_first == NULL || ix->host_domains == NULL || fill == NULL) {
		free(fill);
		return IDREG_ENOMEM;
	}
	for (uint32_t i = 0; i < ix->n_ns_links; i++) {
		ix->host_domains_first[ix->ns_links[i] + 1]++;
	}
	for (uint32_t h = 0; h < ix->n_hosts; h++) {
		ix->host_domains_first[h + 1] += ix->host_domains_first[h];
	}
	for (uint32_t d = 0; d < ix->n_domains; d++) {
		const struct dx_domain *x = &ix->domains[d];
		for (uint32_t k = 0; k < x->n_ns; k++) {
			uint32_t h = ix->ns_links[x->ns_first + k];
			ix->host_domains[ix->host_domains_first[h] + fill[h]++] = d;
		}
	}
	free(fill);
	/* Hosts by address. */
	for (uint32_t i = 0; i < ix->n_addrs; i++) {
		if (ix->addrs[i].type == IDREG_RES_IPV4) {
			ix->n_ipv4++;
		} else {
			ix->n_ipv6++;
		}
	}
	ix->by_ipv4 = malloc((ix->n_ipv4 ? ix->n_ipv4 : 1) * sizeof(*ix->by_ipv4));
	ix->by_ipv6 = malloc((ix->n_ipv6 ? ix->n_ipv6 : 1) * sizeof(*ix->by_ipv6));
	if (ix->by_ipv4 == NULL || ix->by_ipv6 == NULL) {
		return IDREG_ENOMEM;
	}
	uint32_t n4 = 0, n6 = 0;
	for (uint32_t h = 0; h < ix->n_hosts; h++) {
		const struct dx_host *x = &ix->hosts[h];
		for (uint32_t a = 0; a < x->n_addrs; a++) {
			const struct idreg_ip *ip = &ix->addrs[x->addr_first + a];
			if (ip->type == IDREG_RES_IPV4) {
				ix->by_ipv4[n4++] = (struct dx_addr4){ (uint32_t)ip->value, h };
			} else {
				ix->by_ipv6[n6++] = (struct dx_addr6){ ip->value, h };
			}
		}
	}
	qsort(ix->by_ipv4, n4, sizeof(*ix->by_ipv4), addr4_order);
	qsort(ix->by_ipv6, n6, sizeof(*ix->by_ipv6), addr6_order);
	/* Entities by full name. */
	ix->entity_by_fn = sorted_order(ix->n_entities, fn_order, ix);
	return ix->entity_by_fn ? IDREG_OK : IDREG_ENOMEM;
}

/* Sort hosts (or entities) just loaded, and note where each load position went. */
static idreg_err sort_loaded(struct idreg_domindex *ix, struct loader *ld, bool hosts)
{
	uint32_t n = hosts ? ix->n_hosts : ix->n_entities;
	uint32_t *order;
	struct name_set set = host_set(ix);
	if (hosts) {
		order = sorted_order(n, name_order, &set);
	} else {
		order = sorted_order(n, entity_order, ix);
	}
	uint32_t *at = malloc((n ? n : 1) * sizeof(uint32_t));
	idreg_err err = order && at ? IDREG_OK : IDREG_ENOMEM;
	if (err == IDREG_OK) {
		err = hosts ? permute(ix->hosts, sizeof(*ix->hosts), n, order, at)
			    : permute(ix->entities, sizeof(*ix->entities), n, order, at);
	}
	free(order);
	/* Ids that are dense enough get a direct table: a lookup per link. */
	const int64_t *ids = hosts ? ld->host_ids : ld->entity_ids;
	int64_t max_id = n > 0 ? ids[n - 1] : 0;
	uint32_t *by_id = NULL;
	if (err == IDREG_OK && n > 0 && ids[0] >= 1 && max_id <= 4 * (int64_t)n + 1024) {
		by_id = malloc(((size_t)max_id + 1) * sizeof(*by_id));
		if (by_id != NULL) {
			for (int64_t id = 0; id <= max_id; id++) {
				by_id[id] = IDREG_DOMINDEX_NONE;
			}
			for (uint32_t p = 0; p < n; p++) {
				by_id[ids[p]] = at[p];
			}
		}
	}
	if (hosts) {
		ld->host_at = at;
		ld->host_by_id = by_id;
		ld->host_max_id = max_id;
	} else {
		ld->entity_at = at;
		ld->entity_by_id = by_id;
		ld->entity_max_id = max_id;
	}
	return err;
}

enum row_kind { ROWS_ENTITIES, ROWS_HOSTS, ROWS_DOMAINS };

/* The rows of one kind: all of them (@subset NULL), or those of the subset's
 * list (@ids, ascending), a range per run of consecutive ids. */
static idreg_err load_rows(struct idreg_store *store, enum row_kind kind,
			   const struct idreg_domindex_subset *subset, const int64_t *ids, size_t n,
			   struct loader *ld, struct idreg_diag *diag)
{
	const struct idreg_store_ops *ops = store->ops;
	if (subset == NULL) {
		return kind == ROWS_ENTITIES ? ops->entity_each(store, load_entity, ld, diag)
		       : kind == ROWS_HOSTS  ? ops->host_each(store, load_host, ld, diag)
					     : ops->domain_each(store, load_domain, ld, diag);
	}
	idreg_err err = IDREG_OK;
	for (size_t i = 0; err == IDREG_OK && i < n;) {
		size_t j = i + 1;
		while (j < n && ids[j] == ids[j - 1] + 1) {
			j++;
		}
		int64_t first = ids[i], last = ids[j - 1];
		err = kind == ROWS_ENTITIES ? ops->entity_range(store, first, last, load_entity, ld, diag)
		      : kind == ROWS_HOSTS  ? ops->host_range(store, first, last, load_host, ld, diag)
					    : ops->domain_range(store, first, last, load_domain, ld, diag);
		i = j;
	}
	return err;
}

idreg_err idreg_domindex_load(struct idreg_domindex *ix, struct idreg_store *store,
			      struct idreg_diag *diag)
{
	return idreg_domindex_load_some(ix, store, NULL, diag);
}

idreg_err idreg_domindex_load_some(struct idreg_domindex *ix, struct idreg_store *store,
				   const struct idreg_domindex_subset *subset, struct idreg_diag *diag)
{
	idreg_domindex_free(ix);
	struct loader ld = { .ix = ix, .diag = diag };
	idreg_strmap_init(&ld.times);
	idreg_strmap_init(&ld.registrars);
	/* Offset 0 of the pool is the empty string. */
	idreg_err err = IDREG_OK;
	ix->pool = malloc(1 << 20);
	if (ix->pool == NULL) {
		err = IDREG_ENOMEM;
	} else {
		ix->pool[0] = '\0';
		ix->pool_len = 1;
		ix->pool_cap = 1 << 20;
	}
	if (err == IDREG_OK) {
		err = load_rows(store, ROWS_ENTITIES, subset, subset ? subset->entities : NULL,
				subset ? subset->n_entities : 0, &ld, diag);
	}
	if (err == IDREG_OK) {
		err = sort_loaded(ix, &ld, false);
	}
	if (err == IDREG_OK) {
		err = load_rows(store, ROWS_HOSTS, subset, subset ? subset->hosts : NULL,
				subset ? subset->n_hosts : 0, &ld, diag);
	}
	if (err == IDREG_OK) {
		err = sort_loaded(ix, &ld, true);
	}
	if (err == IDREG_OK) {
		err = load_rows(store, ROWS_DOMAINS, subset, subset ? subset->domains : NULL,
				subset ? subset->n_domains : 0, &ld, diag);
	}
	if (err == IDREG_OK) {
		err = build(ix, &ld);
	}
	free(ld.host_ids);
	free(ld.entity_ids);
	free(ld.host_at);
	free(ld.entity_at);
	free(ld.host_by_id);
	free(ld.entity_by_id);
	free(ld.ds_digest);
	idreg_strmap_free(&ld.times);
	idreg_strmap_free(&ld.registrars);
	if (err == IDREG_ENOMEM) {
		idreg_diag_set(diag, err, "out of memory while loading domains");
	} else if (err == IDREG_ETOOBIG) {
		idreg_diag_set(diag, err, "too many domains, hosts or entities for the index");
	}
	if (err != IDREG_OK) {
		idreg_domindex_free(ix);
	}
	return err;
}

/* ---- lookups ---- */

static uint32_t find_name(const struct name_set *set, const char *name, size_t len)
{
	char key[IDREG_UTS46_ASCII_MAX];
	if (len > 0 && name[len - 1] == '.') {
		len--;
	}
	if (len == 0 || len >= sizeof(key)) {
		return IDREG_DOMINDEX_NONE;
	}
	for (size_t i = 0; i < len; i++) {
		key[i] = (char)fold((unsigned char)name[i]);
	}
	key[len] = '\0';
	uint32_t lo = 0, hi = set->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (strcmp(ldh_of(set, mid), key) < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo < set->n && strcmp(ldh_of(set, lo), key) == 0 ? lo : IDREG_DOMINDEX_NONE;
}

uint32_t idreg_domindex_find_domain(const struct idreg_domindex *ix, const char *ldh, size_t len)
{
	struct name_set set = domain_set(ix);
	return find_name(&set, ldh, len);
}

uint32_t idreg_domindex_find_host(const struct idreg_domindex *ix, const char *ldh, size_t len)
{
	struct name_set set = host_set(ix);
	return find_name(&set, ldh, len);
}

uint32_t idreg_domindex_find_entity(const struct idreg_domindex *ix, const char *handle,
				    size_t len)
{
	uint32_t lo = 0, hi = ix->n_entities;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		const char *h = str(ix, ix->entities[mid].handle);
		int c = caseprefix_cmp(h, handle, len);
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	for (; lo < ix->n_entities; lo++) {
		const char *h = str(ix, ix->entities[lo].handle);
		if (caseprefix_cmp(h, handle, len) != 0) {
			break;
		}
		if (h[len] == '\0') {
			return lo;
		}
	}
	return IDREG_DOMINDEX_NONE;
}

void idreg_domindex_domain(const struct idreg_domindex *ix, uint32_t id,
			   struct idreg_domindex_domain *out)
{
	const struct dx_domain *x = &ix->domains[id];
	out->store_id = x->id;
	out->ldh_name = str(ix, x->ldh);
	out->unicode_name = str(ix, x->unicode);
	out->handle = x->handle ? str(ix, x->handle) : NULL;
	out->status = x->status;
	out->registered = x->registered;
	out->expires = x->expires;
	out->last_changed = x->last_changed;
	out->changed_at = ix->times[x->changed];
	out->ds = ix->ds + x->ds_first;
	out->n_ds = x->n_ds;
	out->nameservers = ix->ns_links + x->ns_first;
	out->n_ns = x->n_ns;
	out->contacts = ix->contacts + x->contact_first;
	out->n_contacts = x->n_contacts;
	out->sponsor = x->sponsor ? str(ix, x->sponsor) : NULL;
	out->sponsor_name = x->sponsor_name ? str(ix, x->sponsor_name) : NULL;
	out->creator = x->creator ? str(ix, x->creator) : NULL;
	out->updater = x->updater ? str(ix, x->updater) : NULL;
	out->transferred = x->transferred;
	out->grace = x->grace ? str(ix, x->grace) : NULL;
	out->variants = x->variants ? str(ix, x->variants) : NULL;
	out->idn_table = x->idn_table ? str(ix, x->idn_table) : NULL;
}

void idreg_domindex_host(const struct idreg_domindex *ix, uint32_t id,
			 struct idreg_domindex_host *out)
{
	const struct dx_host *x = &ix->hosts[id];
	out->store_id = x->id;
	out->ldh_name = str(ix, x->ldh);
	out->unicode_name = str(ix, x->unicode);
	out->handle = x->handle ? str(ix, x->handle) : NULL;
	out->addrs = ix->addrs + x->addr_first;
	out->n_addrs = x->n_addrs;
	out->changed_at = ix->times[x->changed];
}

void idreg_domindex_entity(const struct idreg_domindex *ix, uint32_t id,
			   struct idreg_domindex_entity *out)
{
	const struct dx_entity *x = &ix->entities[id];
	out->store_id = x->id;
	out->entity.handle = str(ix, x->handle);
	out->entity.kind = (enum idreg_entity_kind)x->kind;
	for (unsigned f = 0; f < IDREG_ENTITY_FIELD_COUNT; f++) {
		out->entity.fields[f] = x->fields[f] ? str(ix, x->fields[f]) : NULL;
	}
	out->entity.personal = x->personal;
	out->changed_at = ix->times[x->changed];
}

uint32_t idreg_domindex_grace_status(const struct idreg_domindex_domain *d, int64_t now)
{
	uint32_t status = 0;
	for (const char *p = d->grace; p != NULL && *p != '\0';) {
		const char *space = strchr(p, ' '), *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		enum idreg_domain_status s;
		int64_t ends;
		if (space != NULL && (size_t)(space - p) < len &&
		    idreg_domain_status_parse(p, (size_t)(space - p), &s) &&
		    idreg_time_parse(space + 1, len - (size_t)(space - p) - 1, &ends) && ends > now) {
			status |= 1u << s;
		}
		p = end ? end + 1 : NULL;
	}
	return status;
}

const uint32_t *idreg_domindex_host_domains(const struct idreg_domindex *ix, uint32_t id,
					    uint32_t *n)
{
	*n = ix->host_domains_first[id + 1] - ix->host_domains_first[id];
	return ix->host_domains + ix->host_domains_first[id];
}

/* ---- patterns ---- */

idreg_err idreg_name_pattern_parse(const char *text, size_t len, struct idreg_name_pattern *out,
				   struct idreg_diag *diag)
{
	memset(out, 0, sizeof(*out));
	struct idreg_diag why;
	const char *star = memchr(text, '*', len);
	if (idreg_uts46_mixed_labels(text, len)) {
		return idreg_diag_set(diag, IDREG_EPARSE, "%s",
				      idreg_uts46_problem_text(IDREG_UTS46_MIXED_LABELS));
	}
	if (star == NULL) {
		out->exact = true;
		if (idreg_uts46_to_ascii(text, len, out->name, sizeof(out->name), &why) != IDREG_OK) {
			return idreg_diag_set(diag, IDREG_EPARSE, "%s", why.text);
		}
		return IDREG_OK;
	}
	size_t plen = (size_t)(star - text), alen = len - plen - 1;
	const char *after = star + 1;
	if (memchr(after, '*', alen) != NULL) {
		return idreg_diag_set(diag, IDREG_EPARSE, "more than one '*'");
	}
	if (alen > 0 && after[0] != '.') {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "a '*' must end a label (only '.' and a name may follow it)");
	}
	if (alen > 0) {
		if (alen == 1) {
			return idreg_diag_set(diag, IDREG_EPARSE, "no name after the '.' that follows '*'");
		}
		if (memchr(text, '.', plen) != NULL) {
			return idreg_diag_set(diag, IDREG_EPARSE,
					      "with a name after it, the '*' must be in the first label");
		}
		if (idreg_uts46_to_ascii(after + 1, alen - 1, out->suffix, sizeof(out->suffix), &why) !=
		    IDREG_OK) {
			return idreg_diag_set(diag, IDREG_EPARSE, "after the '*': %s", why.text);
		}
		out->has_suffix = true;
	}
	bool ascii = true;
	for (size_t i = 0; i < plen; i++) {
		ascii &= (unsigned char)text[i] < 0x80;
	}
	if (ascii) {
		if (plen >= sizeof(out->prefix)) {
			return idreg_diag_set(diag, IDREG_EPARSE, "before the '*': too long");
		}
		for (size_t i = 0; i < plen; i++) {
			char c = (char)fold((unsigned char)text[i]);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
				return idreg_diag_set(diag, IDREG_EPARSE,
						      "before the '*': '%c' is not a character of domain "
						      "names", (c >= 0x20 && c < 0x7f) ? c : '?');
			}
			out->prefix[i] = c;
		}
		out->prefix[plen] = '\0';
	} else if (idreg_uts46_map_partial(text, plen, out->prefix, sizeof(out->prefix), &why) !=
		   IDREG_OK) {
		return idreg_diag_set(diag, IDREG_EPARSE, "before the '*': %s", why.text);
	}
	out->prefix_ascii = true;
	for (const char *p = out->prefix; *p; p++) {
		out->prefix_ascii &= (unsigned char)*p < 0x80;
	}
	if (out->has_suffix && strchr(out->prefix, '.') != NULL) {
		return idreg_diag_set(diag, IDREG_EPARSE,
				      "with a name after it, the '*' must be in the first label");
	}
	return IDREG_OK;
}

/* ---- searches ---- */

/* Where an element stands to a run of matches: before (-1), in (0), after (1). */
struct run_key {
	const struct name_set *set;
	const char *prefix;
	size_t plen;
	const char *suffix;  /* NULL: whole-name prefix */
	bool unicode;        /* compare U-label forms */
};

static int run_cmp(const struct run_key *k, uint32_t id)
{
	const char *ldh = ldh_of(k->set, id);
	const char *name = k->unicode ? unicode_of(k->set, id) : ldh;
	if (k->suffix == NULL) {
		return prefix_cmp(name, strlen(name), k->prefix, k->plen);
	}
	int c = strcmp(parent_of(ldh), k->suffix);
	if (c != 0) {
		return c < 0 ? -1 : 1;
	}
	return prefix_cmp(name, label_len(name), k->prefix, k->plen);
}

/* The run [*lo, *hi) of @order (NULL: 0..n-1) whose elements match. */
static void find_run(const struct run_key *k, const uint32_t *order, uint32_t n, uint32_t *lo,
		     uint32_t *hi)
{
	uint32_t a = 0, b = n;
	while (a < b) {
		uint32_t mid = a + (b - a) / 2;
		if (run_cmp(k, order ? order[mid] : mid) < 0) {
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	*lo = a;
	b = n;
	while (a < b) {
		uint32_t mid = a + (b - a) / 2;
		if (run_cmp(k, order ? order[mid] : mid) <= 0) {
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	*hi = a;
}

static void emit(uint32_t id, uint32_t *out, size_t max, size_t *found)
{
	if (*found < max) {
		out[*found] = id;
	}
	(*found)++;
}

static void search_names(const struct name_set *set, const struct idreg_name_pattern *p,
			 uint32_t *out, size_t max, size_t *total)
{
	*total = 0;
	if (p->exact) {
		uint32_t id = find_name(set, p->name, strlen(p->name));
		if (id != IDREG_DOMINDEX_NONE) {
			emit(id, out, max, total);
		}
		return;
	}
	struct run_key k = { set, p->prefix, strlen(p->prefix), p->has_suffix ? p->suffix : NULL,
			     false };
	uint32_t lo, hi;
	if (p->prefix_ascii) {
		const uint32_t *order = p->has_suffix ? set->by_parent : NULL;
		find_run(&k, order, set->n, &lo, &hi);
		for (uint32_t i = lo; i < hi; i++) {
			emit(order ? order[i] : i, out, max, total);
		}
	}
	/* Names that match in their U-label form only. */
	k.unicode = true;
	const uint32_t *order = p->has_suffix ? set->idn_by_parent : set->idn_by_name;
	uint32_t n = p->has_suffix ? set->n_idn_label : set->n_idn;
	find_run(&k, order, n, &lo, &hi);
	k.unicode = false;
	for (uint32_t i = lo; i < hi; i++) {
		if (!p->prefix_ascii || run_cmp(&k, order[i]) != 0) {
			emit(order[i], out, max, total);
		}
	}
}

idreg_err idreg_domindex_search_domains(const struct idreg_domindex *ix,
					const struct idreg_name_pattern *pattern, uint32_t *out,
					size_t max, size_t *total)
{
	struct name_set set = domain_set(ix);
	search_names(&set, pattern, out, max, total);
	return IDREG_OK;
}

idreg_err idreg_domindex_search_hosts(const struct idreg_domindex *ix,
				      const struct idreg_name_pattern *pattern, uint32_t *out,
				      size_t max, size_t *total)
{
	struct name_set set = host_set(ix);
	search_names(&set, pattern, out, max, total);
	return IDREG_OK;
}

static int u32_order(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	return (a > b) - (a < b);
}

/* The domains of the hosts given, each once, ascending. */
static idreg_err domains_of_hosts(const struct idreg_domindex *ix, const uint32_t *hosts,
				  size_t n_hosts, uint32_t *out, size_t max, size_t *total)
{
	*total = 0;
	if (n_hosts == 1) {
		uint32_t n;
		const uint32_t *d = idreg_domindex_host_domains(ix, hosts[0], &n);
		for (uint32_t i = 0; i < n; i++) {
			emit(d[i], out, max, total);
		}
		return IDREG_OK;
	}
	size_t all = 0;
	for (size_t h = 0; h < n_hosts; h++) {
		uint32_t n;
		idreg_domindex_host_domains(ix, hosts[h], &n);
		all += n;
	}
	if (all == 0) {
		return IDREG_OK;
	}
	uint32_t *ids = malloc(all * sizeof(*ids));
	if (ids == NULL) {
		return IDREG_ENOMEM;
	}
	size_t at = 0;
	for (size_t h = 0; h < n_hosts; h++) {
		uint32_t n;
		const uint32_t *d = idreg_domindex_host_domains(ix, hosts[h], &n);
		memcpy(ids + at, d, n * sizeof(*ids));
		at += n;
	}
	qsort(ids, all, sizeof(*ids), u32_order);
	for (size_t i = 0; i < all; i++) {
		if (i == 0 || ids[i] != ids[i - 1]) {
			emit(ids[i], out, max, total);
		}
	}
	free(ids);
	return IDREG_OK;
}

idreg_err idreg_domindex_search_domains_by_ns(const struct idreg_domindex *ix,
					      const struct idreg_name_pattern *pattern,
					      uint32_t *out, size_t max, size_t *total)
{
	struct name_set set = host_set(ix);
	size_t n_hosts;
	uint32_t one;
	search_names(&set, pattern, &one, 1, &n_hosts);
	if (n_hosts <= 1) {
		return domains_of_hosts(ix, &one, n_hosts, out, max, total);
	}
	uint32_t *hosts = malloc(n_hosts * sizeof(*hosts));
	if (hosts == NULL) {
		return IDREG_ENOMEM;
	}
	search_names(&set, pattern, hosts, n_hosts, &n_hosts);
	idreg_err err = domains_of_hosts(ix, hosts, n_hosts, out, max, total);
	free(hosts);
	return err;
}

/* The run of hosts with address @ip, in by_ipv4 or by_ipv6. */
static void hosts_with(const struct idreg_domindex *ix, const struct idreg_ip *ip, uint32_t *lo,
		       uint32_t *hi)
{
	uint32_t a = 0, b, n = ip->type == IDREG_RES_IPV4 ? ix->n_ipv4 : ix->n_ipv6;
	for (int pass = 0; pass < 2; pass++) {
		b = n;
		while (a < b) {
			uint32_t mid = a + (b - a) / 2;
			idreg_u128 v = ip->type == IDREG_RES_IPV4 ? ix->by_ipv4[mid].addr : ix->by_ipv6[mid].addr;
			if (pass == 0 ? v < ip->value : v <= ip->value) {
				a = mid + 1;
			} else {
				b = mid;
			}
		}
		if (pass == 0) {
			*lo = a;
		}
	}
	*hi = a;
}

static uint32_t host_at(const struct idreg_domindex *ix, const struct idreg_ip *ip, uint32_t i)
{
	return ip->type == IDREG_RES_IPV4 ? ix->by_ipv4[i].host : ix->by_ipv6[i].host;
}

idreg_err idreg_domindex_search_hosts_by_ip(const struct idreg_domindex *ix,
					    const struct idreg_ip *ip, uint32_t *out, size_t max,
					    size_t *total)
{
	uint32_t lo, hi;
	hosts_with(ix, ip, &lo, &hi);
	*total = 0;
	for (uint32_t i = lo; i < hi; i++) {
		emit(host_at(ix, ip, i), out, max, total);
	}
	return IDREG_OK;
}

idreg_err idreg_domindex_search_domains_by_ns_ip(const struct idreg_domindex *ix,
						 const struct idreg_ip *ip, uint32_t *out,
						 size_t max, size_t *total)
{
	uint32_t lo = 0, hi = 0;
	hosts_with(ix, ip, &lo, &hi);
	size_t n = hi > lo ? hi - lo : 0;
	uint32_t *hosts = calloc(n ? n : 1, sizeof(*hosts));
	if (hosts == NULL) {
		return IDREG_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		hosts[i] = host_at(ix, ip, lo + (uint32_t)i);
	}
	idreg_err err = domains_of_hosts(ix, hosts, n, out, max, total);
	free(hosts);
	return err;
}

/* "P*" or "P": the prefix and whether it is one. */
static idreg_err text_pattern(const char *pattern, size_t len, size_t *plen, bool *prefix)
{
	const char *star = memchr(pattern, '*', len);
	if (len == 0 || (star != NULL && star != pattern + len - 1)) {
		return IDREG_EPARSE;
	}
	*prefix = star != NULL;
	*plen = star ? len - 1 : len;
	return IDREG_OK;
}

/* Entities (by full name when @fn, else by handle) that match "P*" or "P". */
static idreg_err search_entities(const struct idreg_domindex *ix, bool fn, const char *pattern,
				 size_t len, uint32_t *out, size_t max, size_t *total)
{
	size_t plen;
	bool prefix;
	*total = 0;
	if (text_pattern(pattern, len, &plen, &prefix) != IDREG_OK) {
		return IDREG_EPARSE;
	}
	char key[1024];
	if (plen >= sizeof(key)) {
		return IDREG_OK; /* longer than any field */
	}
	memcpy(key, pattern, plen);
	key[plen] = '\0';
	const uint32_t *order = fn ? ix->entity_by_fn : NULL;
	uint32_t n = ix->n_entities, a = 0, b = n;
#define ENTITY_TEXT(i)                                                                     \
	str(ix, fn ? ix->entities[order[i]].fields[IDREG_EF_FN] : ix->entities[i].handle)
	/* The run: texts that start with the key, or that equal it. */
#define IN_RUN(t) (prefix ? caseprefix_cmp((t), key, plen) : (casecmp((t), key) > 0) - (casecmp((t), key) < 0))
	while (a < b) {
		uint32_t mid = a + (b - a) / 2;
		if (IN_RUN(ENTITY_TEXT(mid)) < 0) {
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	for (uint32_t i = a; i < n && IN_RUN(ENTITY_TEXT(i)) == 0; i++) {
		emit(order ? order[i] : i, out, max, total);
	}
#undef IN_RUN
#undef ENTITY_TEXT
	return IDREG_OK;
}

idreg_err idreg_domindex_search_entities_by_fn(const struct idreg_domindex *ix,
					       const char *pattern, size_t len, uint32_t *out,
					       size_t max, size_t *total)
{
	return search_entities(ix, true, pattern, len, out, max, total);
}

idreg_err idreg_domindex_search_entities_by_handle(const struct idreg_domindex *ix,
						   const char *pattern, size_t len, uint32_t *out,
						   size_t max, size_t *total)
{
	return search_entities(ix, false, pattern, len, out, max, total);
}
