/*
 * Internet number resources as values: IPv4 and IPv6 addresses, prefixes and
 * ranges, AS numbers and AS ranges.  All three kinds live on one integer line
 * (128-bit, so that IPv6 arithmetic is plain arithmetic), which lets one range
 * index and one set of range algorithms serve them all.
 */
#ifndef IDREG_INET_INET_H
#define IDREG_INET_INET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef unsigned __int128 idreg_u128;

/** The three kinds of number resource; the order is the export order. */
enum idreg_restype { IDREG_RES_ASN, IDREG_RES_IPV4, IDREG_RES_IPV6 };
#define IDREG_RESTYPE_COUNT 3

/** "asn", "ipv4", "ipv6". */
const char *idreg_restype_name(enum idreg_restype type);
bool idreg_restype_parse(const char *s, size_t len, enum idreg_restype *out);

/** Width of the resource's number space in bits (32, 32, 128). */
unsigned idreg_restype_bits(enum idreg_restype type);

/** Largest value in the resource's number space. */
idreg_u128 idreg_restype_max(enum idreg_restype type);

/** An address: IDREG_RES_IPV4 (value < 2^32) or IDREG_RES_IPV6. */
struct idreg_ip {
	enum idreg_restype type;
	idreg_u128 value;
};

struct idreg_prefix {
	struct idreg_ip addr; /* network address: host bits are zero */
	unsigned len;
};

/* Longest canonical text of an address, of a prefix, of a range; with the NUL. */
#define IDREG_IP_TEXT_MAX 46
#define IDREG_PREFIX_TEXT_MAX 50
#define IDREG_RANGE_TEXT_MAX 96

/** Parse an IPv4 (dotted quad) or IPv6 (RFC 4291 text) address. */
idreg_err idreg_ip_parse(const char *s, size_t len, struct idreg_ip *out);

/** Write the canonical text (RFC 5952 for IPv6) into @out of @size bytes. */
void idreg_ip_format(const struct idreg_ip *ip, char *out, size_t size);

/** Parse "address/length"; the host bits must be zero. */
idreg_err idreg_prefix_parse(const char *s, size_t len, struct idreg_prefix *out,
			     struct idreg_diag *diag);

void idreg_prefix_format(const struct idreg_prefix *prefix, char *out, size_t size);

/** First and last address of a prefix. */
idreg_u128 idreg_prefix_last(const struct idreg_prefix *prefix);

/** Mask of the host bits of a /@len in a space of @bits bits. */
idreg_u128 idreg_host_mask(unsigned bits, unsigned len);

/**
 * Decompose [first, last] into the fewest CIDR prefixes, in address order.
 * Writes at most @max of them and returns how many there are: at most
 * 2 * bits - 2 (62 for IPv4, 254 for IPv6).
 */
size_t idreg_range_to_prefixes(enum idreg_restype type, idreg_u128 first, idreg_u128 last,
			       struct idreg_prefix *out, size_t max);

/** Parse an AS number: "64496", "AS64496" (any case) or asdot "1.10". */
idreg_err idreg_asn_parse(const char *s, size_t len, uint32_t *out);

/** Parse a decimal integer of at most 39 digits into @out; false on anything else. */
bool idreg_parse_u128(const char *s, size_t len, idreg_u128 *out);

/** Write @v in decimal into @out of @size bytes (40 hold any value). */
void idreg_format_u128(idreg_u128 v, char *out, size_t size);

/** What a lookup asks about: one resource kind and a closed range of it. */
struct idreg_resource_query {
	enum idreg_restype type;
	idreg_u128 first, last;
	bool is_point; /* a single address or AS number */
};

/**
 * Parse what a person types to look a resource up: an address, a prefix,
 * an address range "A - B", an AS number or an AS range "AS1-AS5".
 */
idreg_err idreg_resource_query_parse(const char *s, size_t len, struct idreg_resource_query *out,
				     struct idreg_diag *diag);

/** Write a range of @type as text: "1.0.0.0 - 1.0.0.255", "AS1-AS5", "AS7". */
void idreg_range_format(enum idreg_restype type, idreg_u128 first, idreg_u128 last, char *out,
			size_t size);

/** A block as one prefix when it is one ("192.0.2.0/24"), else as idreg_range_format does. */
void idreg_block_format(enum idreg_restype type, idreg_u128 first, idreg_u128 last, char *out,
			size_t size);

#endif
