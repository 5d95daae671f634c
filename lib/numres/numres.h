/*
 * The number-resource record: one delegation of IPv4 or IPv6 addresses or AS
 * numbers, as the Regional Internet Registries publish them and as idreg
 * stores, indexes and serves them.
 */
#ifndef IDREG_NUMRES_NUMRES_H
#define IDREG_NUMRES_NUMRES_H

#include <stdbool.h>
#include <stdint.h>

#include "inet/inet.h"

enum idreg_status {
	IDREG_STATUS_ALLOCATED,
	IDREG_STATUS_ASSIGNED,
	IDREG_STATUS_AVAILABLE,
	IDREG_STATUS_RESERVED,
};
#define IDREG_STATUS_COUNT 4

const char *idreg_status_name(enum idreg_status status);
bool idreg_status_parse(const char *s, size_t len, enum idreg_status *out);

/* Record date: YYYYMMDD; 0 is the files' "00000000"; NONE is an empty field. */
#define IDREG_DATE_NONE (-1)

struct idreg_numres {
	enum idreg_restype type;
	idreg_u128 first, last;  /* the numbers covered, inclusive */
	uint64_t value;          /* as published: a count (asn, ipv4) or a prefix length (ipv6) */
	int32_t date;
	enum idreg_status status;
	const char *registry;    /* the record's registry field */
	const char *cc;          /* ISO 3166 code, "" when the file leaves it empty */
	const char *opaque_id;   /* holder's opaque id; NULL when the record has none */
	const char *extensions;  /* fields after the opaque id, '|'-joined; NULL when none */
	uint32_t line;           /* where it came from in its file; 0 when from the store */
};

/** Is @a the same record as @b, field by field (line aside)? */
bool idreg_numres_equal(const struct idreg_numres *a, const struct idreg_numres *b);

/** Order by type, then first number, then size (larger first). */
int idreg_numres_order(const void *a, const void *b);

#endif
