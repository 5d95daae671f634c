/*
 * The in-memory, read-only view of every domain, nameserver (host) and
 * entity in the store, for the daemon's RDAP and WHOIS answers: exact
 * lookups and the searches of RFC 9082 (4.1), built for a million domains.
 *
 * Layout: one string pool; domains, hosts and entities in arrays sorted by
 * name (A-label form) or handle, so an object's id is its place in that
 * order; DS records, nameserver links and contacts in shared arrays; for the
 * searches, permutations sorted by (parent name, first label) and, for the
 * internationalized names only, by Unicode name and by (parent, Unicode
 * first label); the domains of each host; and the hosts of each address.
 * Every prefix search is two binary searches and the run between them.
 *
 * Loaded once (idreg_domindex_load), then never changed: any number of
 * threads may call every other function at once without locking.
 */
#ifndef IDREG_DOMAINS_DOMINDEX_H
#define IDREG_DOMAINS_DOMINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "domains/domain.h"
#include "idn/uts46.h"
#include "inet/inet.h"
#include "store/store.h"

#define IDREG_DOMINDEX_NONE UINT32_MAX

/** A domain's contact: an entity id and its roles there (bits 1u << enum idreg_role). */
struct idreg_domindex_contact {
	uint32_t entity;
	uint32_t roles;
};

/** A domain as the index holds it; pointers into the index. */
struct idreg_domindex_domain {
	int64_t store_id;          /* the row's id in the store */
	const char *ldh_name;      /* A-label form, lower case */
	const char *unicode_name;  /* U-label form; the same string when all ASCII */
	const char *handle;        /* NULL when none */
	uint32_t status;           /* bits 1u << enum idreg_domain_status */
	int64_t registered, expires, last_changed; /* IDREG_TIME_NONE when unknown */
	int64_t changed_at;        /* when idreg last changed it (the import) */
	const struct idreg_ds *ds;
	uint32_t n_ds;
	const uint32_t *nameservers; /* host ids */
	uint32_t n_ns;
	const struct idreg_domindex_contact *contacts;
	uint32_t n_contacts;
	/* provisioning: registrar ids (and the sponsor's name), NULL for the registry's own */
	const char *sponsor, *sponsor_name, *creator, *updater;
	int64_t transferred;       /* when it last changed hands; IDREG_TIME_NONE: never */
	const char *grace;         /* its grace periods, "PERIOD END,..." (EPP names); NULL: none */
	const char *variants;      /* its variants, "STATE LDH UNICODE,..."; NULL: none */
	const char *idn_table;     /* the IDN table it was registered under; NULL: none */
};

/** A host (nameserver). */
struct idreg_domindex_host {
	int64_t store_id;
	const char *ldh_name, *unicode_name;
	const char *handle;        /* NULL when none */
	const struct idreg_ip *addrs; /* IPv4 first, then IPv6 */
	uint32_t n_addrs;
	int64_t changed_at;
};

/** An entity. */
struct idreg_domindex_entity {
	int64_t store_id;
	struct idreg_entity entity; /* fields NULL when absent */
	int64_t changed_at;
};

struct dx_domain;
struct dx_host;
struct dx_entity;

struct idreg_domindex {
	char *pool;                /* every string; offset 0 is "" */
	size_t pool_len, pool_cap;
	struct dx_domain *domains; /* by A-label name */
	uint32_t n_domains;
	struct dx_host *hosts;     /* by A-label name */
	uint32_t n_hosts;
	struct dx_entity *entities; /* by handle, ignoring ASCII case */
	uint32_t n_entities;
	struct idreg_ds *ds;
	uint32_t n_ds;
	uint32_t *ns_links;        /* host ids of domains' nameservers */
	uint32_t n_ns_links;
	struct idreg_domindex_contact *contacts;
	uint32_t n_contacts;
	struct idreg_ip *addrs;    /* hosts' addresses */
	uint32_t n_addrs;
	int64_t *times;            /* distinct change times */
	uint32_t n_times;
	/* search orders */
	uint32_t *dom_by_parent;   /* all domains by (parent, first label) */
	uint32_t *dom_idn_by_name; /* internationalized domains by Unicode name */
	uint32_t n_dom_idn;
	uint32_t *dom_idn_by_parent; /* domains whose first label is an A-label, by (parent, U-label) */
	uint32_t n_dom_idn_label;
	uint32_t *host_by_parent, *host_idn_by_name, *host_idn_by_parent;
	uint32_t n_host_idn, n_host_idn_label;
	uint32_t *host_domains_first; /* n_hosts + 1 offsets into host_domains */
	uint32_t *host_domains;    /* per host, the domains using it, ascending */
	struct dx_addr4 *by_ipv4;  /* (address, host), by address */
	uint32_t n_ipv4;
	struct dx_addr6 *by_ipv6;
	uint32_t n_ipv6;
	uint32_t *entity_by_fn;    /* entities by full name, ignoring ASCII case */
};

void idreg_domindex_init(struct idreg_domindex *ix);
void idreg_domindex_free(struct idreg_domindex *ix);

/** Load every domain, host and entity from @store and build the index. */
idreg_err idreg_domindex_load(struct idreg_domindex *ix, struct idreg_store *store,
			      struct idreg_diag *diag);

/**
 * Store ids of some rows: each list ascending, without repeats; the hosts
 * and entities include every one the domains name.
 */
struct idreg_domindex_subset {
	const int64_t *domains, *hosts, *entities;
	size_t n_domains, n_hosts, n_entities;
};

/** Load only the rows of @subset (the recent changes a snapshot lays over its index). */
idreg_err idreg_domindex_load_some(struct idreg_domindex *ix, struct idreg_store *store,
				   const struct idreg_domindex_subset *subset, struct idreg_diag *diag);

/** Bytes the index holds (its arrays and strings). */
size_t idreg_domindex_memory(const struct idreg_domindex *ix);

/* ---- exact lookups: an id, or IDREG_DOMINDEX_NONE ---- */

/** A domain by its A-label name (ASCII case ignored; one trailing dot allowed). */
uint32_t idreg_domindex_find_domain(const struct idreg_domindex *ix, const char *ldh, size_t len);

/** A nameserver by its A-label name. */
uint32_t idreg_domindex_find_host(const struct idreg_domindex *ix, const char *ldh, size_t len);

/** An entity by handle (ASCII case ignored). */
uint32_t idreg_domindex_find_entity(const struct idreg_domindex *ix, const char *handle,
				    size_t len);

/* ---- the objects: @id must be below the count ---- */

void idreg_domindex_domain(const struct idreg_domindex *ix, uint32_t id,
			   struct idreg_domindex_domain *out);
void idreg_domindex_host(const struct idreg_domindex *ix, uint32_t id,
			 struct idreg_domindex_host *out);
void idreg_domindex_entity(const struct idreg_domindex *ix, uint32_t id,
			   struct idreg_domindex_entity *out);

/**
 * The statuses of @d's grace periods (RFC 3915: addPeriod, renewPeriod,
 * autoRenewPeriod, transferPeriod, redemptionPeriod, pendingDelete,
 * pendingRestore) that are still running at @now, as status bits.
 */
uint32_t idreg_domindex_grace_status(const struct idreg_domindex_domain *d, int64_t now);

/** The domains that use host @id as a nameserver, ascending; their count in *@n. */
const uint32_t *idreg_domindex_host_domains(const struct idreg_domindex *ix, uint32_t id,
					    uint32_t *n);

/* ---- searches ---- */

/**
 * A name search pattern (RFC 9082, 4.1): "P*" or "P*.S", or a name without
 * '*'.  "P*" matches names that start with P, in their A-label or their
 * U-label form ("exam*" matches example.com and example.net). "P*.S"
 * matches the names one label below S whose first label starts with P in
 * either form ("exa*.com" matches example.com, not www.example.com).  P may
 * be empty, and may be written in Unicode (it is mapped as UTS #46 maps
 * names: case folded, NFC); S is any name, in either form.  A name without
 * '*' matches itself.
 */
struct idreg_name_pattern {
	bool exact;                   /* no '*': name holds the A-label form */
	bool has_suffix;
	bool prefix_ascii;
	char prefix[IDREG_UTS46_UNICODE_MAX]; /* P, mapped; lower case when ASCII */
	char suffix[IDREG_UTS46_ASCII_MAX];   /* S in A-label form ("" when none) */
	char name[IDREG_UTS46_ASCII_MAX];     /* exact: the name */
};

/**
 * Parse a pattern.  IDREG_EPARSE, with the reason in @diag, for more than
 * one '*', a '*' that does not end a label, a '*' after the first label
 * when a suffix follows, or a prefix or suffix that is not (part of) a
 * valid name; the reason says which.  A name that mixes A-labels and
 * U-labels is refused as idreg_uts46_mixed_labels() says.
 */
idreg_err idreg_name_pattern_parse(const char *text, size_t len, struct idreg_name_pattern *out,
				   struct idreg_diag *diag);

/*
 * Every search writes at most @max ids to @out (in a fixed order: the run
 * matched in A-label form, then the extra ones matched in U-label form) and
 * sets *@total to how many match, so the caller can say it truncated.
 * IDREG_ENOMEM is the only failure (searches that combine the domains of
 * several hosts need memory for that).
 */

/** Domains by name pattern. */
idreg_err idreg_domindex_search_domains(const struct idreg_domindex *ix,
					const struct idreg_name_pattern *pattern, uint32_t *out,
					size_t max, size_t *total);

/** Nameservers by name pattern. */
idreg_err idreg_domindex_search_hosts(const struct idreg_domindex *ix,
				      const struct idreg_name_pattern *pattern, uint32_t *out,
				      size_t max, size_t *total);

/** Domains whose nameservers match a name pattern (each domain once, ascending). */
idreg_err idreg_domindex_search_domains_by_ns(const struct idreg_domindex *ix,
					      const struct idreg_name_pattern *pattern,
					      uint32_t *out, size_t max, size_t *total);

/** Nameservers with address @ip. */
idreg_err idreg_domindex_search_hosts_by_ip(const struct idreg_domindex *ix,
					    const struct idreg_ip *ip, uint32_t *out, size_t max,
					    size_t *total);

/** Domains whose nameservers have address @ip (each domain once, ascending). */
idreg_err idreg_domindex_search_domains_by_ns_ip(const struct idreg_domindex *ix,
						 const struct idreg_ip *ip, uint32_t *out,
						 size_t max, size_t *total);

/**
 * Entities by full name or by handle: @pattern is "P*" (starts with P) or
 * "P" (equal to P), ASCII case ignored, other bytes compared as they are.
 * IDREG_EPARSE for a '*' anywhere but at the end, or an empty pattern.
 */
idreg_err idreg_domindex_search_entities_by_fn(const struct idreg_domindex *ix,
					       const char *pattern, size_t len, uint32_t *out,
					       size_t max, size_t *total);
idreg_err idreg_domindex_search_entities_by_handle(const struct idreg_domindex *ix,
						   const char *pattern, size_t len, uint32_t *out,
						   size_t max, size_t *total);

#endif
