/*
 * Domain names as the registry keeps them: the domain (its names, handle,
 * statuses, dates, DS records, nameservers and contacts), the host (a
 * nameserver: names, handle, addresses) and the entity (a contact: handle,
 * kind, name, organization, ways to reach it, postal address, and which of
 * those are personal data).  Also the vocabularies (statuses, roles, kinds,
 * entity fields), times, and the canonical JSON text of each object, which
 * is both its line in the domains format (docs/domains-format.md) and its
 * "before"/"after" in the history.
 */
#ifndef IDREG_DOMAINS_DOMAIN_H
#define IDREG_DOMAINS_DOMAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/error.h"
#include "inet/inet.h"

/* ---- times: seconds since 1970 (UTC); text "YYYY-MM-DDTHH:MM:SSZ" ---- */

#define IDREG_TIME_NONE INT64_MIN
#define IDREG_TIME_TEXT_MAX 21

/**
 * Parse an RFC 3339 UTC time "YYYY-MM-DDTHH:MM:SSZ" (fractional seconds
 * allowed and dropped; a lower-case 't' or 'z' too), years 0001 to 9999,
 * real calendar dates.
 */
bool idreg_time_parse(const char *s, size_t len, int64_t *out);

/** Write @t as "YYYY-MM-DDTHH:MM:SSZ" into @out (IDREG_TIME_TEXT_MAX bytes). */
void idreg_time_format(int64_t t, char *out);

/* ---- vocabularies ---- */

/** Roles of an entity for a domain (RFC 9083, 10.2.4). */
enum idreg_role {
	IDREG_ROLE_REGISTRANT,
	IDREG_ROLE_ADMINISTRATIVE,
	IDREG_ROLE_TECHNICAL,
	IDREG_ROLE_BILLING,
	IDREG_ROLE_REGISTRAR,
	IDREG_ROLE_ABUSE,
};
#define IDREG_ROLE_COUNT 6

/** "registrant", ... as RDAP spells them. */
const char *idreg_role_name(enum idreg_role role);
bool idreg_role_parse(const char *s, size_t len, enum idreg_role *out);

/**
 * Domain statuses: the EPP statuses of RFC 5731 and the grace-period
 * statuses of RFC 3915, each with its RDAP name (RFC 8056).  A domain holds
 * a set of them as bits (1u << status).
 */
enum idreg_domain_status {
	IDREG_DS_OK,
	IDREG_DS_INACTIVE,
	IDREG_DS_CLIENT_DELETE_PROHIBITED,
	IDREG_DS_CLIENT_HOLD,
	IDREG_DS_CLIENT_RENEW_PROHIBITED,
	IDREG_DS_CLIENT_TRANSFER_PROHIBITED,
	IDREG_DS_CLIENT_UPDATE_PROHIBITED,
	IDREG_DS_PENDING_CREATE,
	IDREG_DS_PENDING_DELETE,
	IDREG_DS_PENDING_RENEW,
	IDREG_DS_PENDING_TRANSFER,
	IDREG_DS_PENDING_UPDATE,
	IDREG_DS_SERVER_DELETE_PROHIBITED,
	IDREG_DS_SERVER_HOLD,
	IDREG_DS_SERVER_RENEW_PROHIBITED,
	IDREG_DS_SERVER_TRANSFER_PROHIBITED,
	IDREG_DS_SERVER_UPDATE_PROHIBITED,
	IDREG_DS_ADD_PERIOD,
	IDREG_DS_AUTO_RENEW_PERIOD,
	IDREG_DS_RENEW_PERIOD,
	IDREG_DS_TRANSFER_PERIOD,
	IDREG_DS_REDEMPTION_PERIOD,
	IDREG_DS_PENDING_RESTORE,
};
#define IDREG_DOMAIN_STATUS_COUNT 23

/** The EPP name ("clientHold") and the RDAP name ("client hold"; "active" for ok). */
const char *idreg_domain_status_epp_name(enum idreg_domain_status status);
const char *idreg_domain_status_rdap_name(enum idreg_domain_status status);
bool idreg_domain_status_parse(const char *s, size_t len, enum idreg_domain_status *out);

/** An entity's kind: the jCard KIND values (RFC 6350, RFC 6473). */
enum idreg_entity_kind {
	IDREG_KIND_INDIVIDUAL,
	IDREG_KIND_ORG,
	IDREG_KIND_GROUP,
	IDREG_KIND_LOCATION,
	IDREG_KIND_APPLICATION,
};
#define IDREG_ENTITY_KIND_COUNT 5

const char *idreg_entity_kind_name(enum idreg_entity_kind kind);
bool idreg_entity_kind_parse(const char *s, size_t len, enum idreg_entity_kind *out);

/** The text fields of an entity, in the order they are written. */
enum idreg_entity_field {
	IDREG_EF_FN,          /* full name */
	IDREG_EF_ORG,
	IDREG_EF_EMAIL,
	IDREG_EF_VOICE,
	IDREG_EF_FAX,
	IDREG_EF_STREET,      /* postal address lines, joined by '\n' */
	IDREG_EF_LOCALITY,
	IDREG_EF_REGION,
	IDREG_EF_POSTAL_CODE,
	IDREG_EF_COUNTRY,     /* ISO 3166-1 alpha-2, upper case */
};
#define IDREG_ENTITY_FIELD_COUNT 10

/** The field's name in the domains format: "fn", "org", ..., "postal_code", "country". */
const char *idreg_entity_field_name(enum idreg_entity_field field);
bool idreg_entity_field_parse(const char *s, size_t len, enum idreg_entity_field *out);

/* ---- objects ---- */

/** A DS record (RFC 4034, 5): digest in upper-case hexadecimal. */
struct idreg_ds {
	uint16_t key_tag;
	uint8_t algorithm;
	uint8_t digest_type;
	const char *digest;
};

/** A host (nameserver). */
struct idreg_host {
	const char *ldh_name;     /* A-label form, lower case */
	const char *unicode_name; /* U-label form (equal to ldh_name when all ASCII) */
	const char *handle;       /* NULL when none */
	struct idreg_ip *addrs;   /* IPv4 first, then IPv6, each in address order */
	size_t n_addrs;
};

/** An entity (contact). */
struct idreg_entity {
	const char *handle;
	enum idreg_entity_kind kind;
	const char *fields[IDREG_ENTITY_FIELD_COUNT]; /* NULL when absent */
	uint32_t personal;        /* bits (1u << field): fields that are personal data */
};

/** An entity's part in a domain: a set of roles as bits (1u << role). */
struct idreg_domain_contact {
	const char *handle;
	uint32_t roles;
};

struct idreg_domain {
	const char *ldh_name;     /* A-label form, lower case */
	const char *unicode_name; /* U-label form (equal to ldh_name when all ASCII) */
	const char *handle;       /* NULL when none */
	uint32_t status;          /* bits (1u << status) */
	int64_t registered, expires, last_changed; /* IDREG_TIME_NONE when not given */
	const struct idreg_ds *ds;
	size_t n_ds;
	const char *const *nameservers; /* A-label forms, in the order given */
	size_t n_ns;
	const struct idreg_domain_contact *contacts; /* in the order given */
	size_t n_contacts;
};

/* ---- canonical text ---- */

/**
 * The domain as one line of the domains format, without its hosts' and
 * entities' details: nameservers by name, entities by handle and roles; the
 * name in its A-label form (the U-label form follows from it).  Two domains
 * are the same exactly when their texts are.
 */
idreg_err idreg_domain_format(const struct idreg_domain *d, struct idreg_buf *out);

/** The host as a JSON object: name, handle, addresses. */
idreg_err idreg_host_format(const struct idreg_host *h, struct idreg_buf *out);

/** The entity as a JSON object: handle, kind, fields, personal (no roles). */
idreg_err idreg_entity_format(const struct idreg_entity *e, struct idreg_buf *out);

/** Append @s as a JSON string (quoted, escaped). */
idreg_err idreg_json_string(struct idreg_buf *out, const char *s);

/** Order addresses as hosts keep them: IPv4 before IPv6, each by value. */
int idreg_ip_order(const void *a, const void *b);

#endif
