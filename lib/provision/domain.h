/*
 * A domain as the provisioning side of the registry (EPP, RFC 5731) sees
 * it: the published domain (lib/domains/domain.h) with who sponsors, created
 * and last updated it, when it last changed hands, its authInfo password,
 * the IDN table it was registered under, its grace periods (RFC 3915) with
 * their end times, and its variant labels (RFC 7940) with their states.
 *
 * Store ops (lib/store/store.h, "provisioning: domains") load one by name
 * inside a transaction and write it back whole; every EPP domain command
 * (create, info, renew here; update, delete, restore, transfer elsewhere)
 * goes through this one struct, so that what a command changes is what the
 * history shows.
 *
 * Sponsor: the registrar id (lib/registrar) in domain.sponsor, NULL for a
 * domain imported by `idreg import domains`, which belongs to the registry
 * and which no registrar may transform.  RDAP shows the sponsor as an
 * entity of role "registrar" made from the registrar row (handle: its id,
 * fn: its name); no entity row is written for it, so that a registrar's
 * rename shows everywhere at once.
 *
 * ROID: "D<id>-IDREG" (RFC 5730 roidType: the domain's row id and the
 * repository's identifier).
 */
#ifndef IDREG_PROVISION_DOMAIN_H
#define IDREG_PROVISION_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "domains/domain.h"

/* The repository suffix of ROIDs. */
#define IDREG_ROID_SUFFIX "-IDREG"

/* X(NAME, text): the grace and hold periods of RFC 3915, as domain_grace names them. */
#define IDREG_GRACE_LIST(X)                                                               \
	X(ADD, "addPeriod") X(RENEW, "renewPeriod") X(AUTO_RENEW, "autoRenewPeriod")      \
	X(TRANSFER, "transferPeriod") X(REDEMPTION, "redemptionPeriod")                   \
	X(PENDING_DELETE, "pendingDelete") X(PENDING_RESTORE, "pendingRestore")

#define IDREG__GRACE_ENUM(name, text) IDREG_GRACE_##name,
enum idreg_grace_period { IDREG_GRACE_LIST(IDREG__GRACE_ENUM) IDREG_GRACE_COUNT };
#undef IDREG__GRACE_ENUM

/** "addPeriod", ... (also the RFC 3915 rgp status value). */
const char *idreg_grace_name(enum idreg_grace_period period);
bool idreg_grace_parse(const char *s, size_t len, enum idreg_grace_period *out);

/** A grace or hold period running until @ends (seconds since 1970). */
struct idreg_grace {
	enum idreg_grace_period period;
	int64_t ends;
};

/* X(NAME, text): a variant label's state, as domain_variant names it. */
#define IDREG_VARIANT_STATE_LIST(X) \
	X(ACTIVATED, "activated") X(RESERVED, "reserved") X(BLOCKED, "blocked")

#define IDREG__VARIANT_ENUM(name, text) IDREG_VARIANT_##name,
enum idreg_variant_state { IDREG_VARIANT_STATE_LIST(IDREG__VARIANT_ENUM) IDREG_VARIANT_STATE_COUNT };
#undef IDREG__VARIANT_ENUM

const char *idreg_variant_state_name(enum idreg_variant_state state);
bool idreg_variant_state_parse(const char *s, size_t len, enum idreg_variant_state *out);

/**
 * A variant name of a domain: reserved for the domain's registrant (only
 * its sponsor may create it), activated (delegated beside the domain), or
 * blocked (nobody may create it).  A name is the variant of one domain at
 * most (domain_variant.ldh_name is its key).
 */
struct idreg_variant {
	const char *ldh_name;     /* A-label form */
	const char *unicode_name;
	enum idreg_variant_state state;
};

/**
 * A provisioned domain.  @domain.nameservers are the hosts' A-label names
 * and @host_ids their rows, in the same order; @domain.contacts the
 * entities' handles with their roles and @entity_ids their rows.  The
 * registrant is the contact with IDREG_ROLE_REGISTRANT (at most one).
 * @domain.registered is crDate, @domain.expires exDate, @domain.last_changed
 * upDate (IDREG_TIME_NONE: never updated), @transferred trDate.
 */
struct idreg_prov_domain {
	int64_t id;                /* 0 until inserted */
	struct idreg_domain domain;
	const int64_t *host_ids;
	const int64_t *entity_ids;
	const char *sponsor;       /* registrar id; NULL: the registry's own */
	const char *creator;       /* NULL: the registry (an import) */
	const char *updater;       /* NULL: never updated over EPP */
	int64_t transferred;       /* IDREG_TIME_NONE: never */
	const char *auth_info;     /* the password; NULL: none (imported) */
	const char *idn_table;     /* the idn-1.0 table tag; NULL: the zone's LGR or none */
	const struct idreg_grace *grace;
	size_t n_grace;
	const struct idreg_variant *variants;
	size_t n_variants;
	const char *index_key;     /* the IDN policy's keys (lib/idn/policy.h) */
	const char *skeleton_key;
};

/** The variant row a name has: which domain's variant it is, and its state. */
struct idreg_variant_of {
	int64_t domain_id;
	const char *domain_ldh_name;     /* the domain it is a variant of */
	const char *domain_unicode_name;
	const char *domain_sponsor;      /* NULL: the registry's own */
	const char *registrant;          /* the domain's registrant's handle; NULL: none */
	enum idreg_variant_state state;
};

/** The registrant's handle of @d, NULL when it has none. */
const char *idreg_prov_domain_registrant(const struct idreg_prov_domain *d);

/** The end of @d's @period, or IDREG_TIME_NONE when it is not running. */
int64_t idreg_prov_domain_grace_end(const struct idreg_prov_domain *d,
				    enum idreg_grace_period period);

/** Write @d's ROID ("D<id>-IDREG") into @out. */
void idreg_prov_domain_roid(const struct idreg_prov_domain *d, char *out, size_t size);

/**
 * @d as the history's "before"/"after" text: the published domain's line
 * (idreg_domain_format) with "provisioning" added (sponsor, creator,
 * updater, transferred, idn_table, grace periods, variants) and, for the
 * authInfo, only "auth_info_tag": the first 8 hex digits of SHA-256 of the
 * name and the password, so that the history shows when it changed without
 * giving it away.  Two states of a domain differ exactly when their texts do.
 */
idreg_err idreg_prov_domain_format(const struct idreg_prov_domain *d, struct idreg_buf *out);

#endif
